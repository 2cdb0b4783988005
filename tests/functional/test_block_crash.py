# SPDX-License-Identifier: GPL-2.0-or-later
"""qcow2 crash safety. kemu-io runs a workload with the block write log on
(KEMU_BLOCK_WRITE_LOG); the log is replayed in prefixes, with the writes of
the last, unflushed epoch partly dropped and reordered, as a crash could
leave them. Every state must be one qemu-img check calls clean or only
leaking, and every write a completed flush covered must read back."""
import os
import random
import shutil
import struct
import tempfile
import unittest

from block_util import kimg, kio, needs_qemu, qimg, qio


def parse_log(path):
    recs = []
    with open(path, "rb") as f:
        data = f.read()
    i = 0
    while i < len(data):
        op = chr(data[i])
        off, length = struct.unpack_from("<QQ", data, i + 1)
        i += 17
        payload = None
        if op == "W":
            payload = data[i:i + length]
            i += length
        recs.append((op, off, length, payload))
    return recs


def apply_rec(img, rec):
    op, off, length, payload = rec
    if op == "W":
        if len(img) < off + length:
            img.extend(bytes(off + length - len(img)))
        img[off:off + length] = payload
    elif op == "Z":
        end = min(off + length, len(img))
        if off < end:
            img[off:end] = bytes(end - off)
    elif op == "T":
        if off < len(img):
            del img[off:]
        else:
            img.extend(bytes(off - len(img)))


class Workload:
    """Batches of writes to regions, each batch ended by a flush. Tracks
    what each region holds at each flush and which batches touch it."""

    def __init__(self, seed, size, unit, nregions=48):
        self.rnd = random.Random(seed)
        self.unit = unit
        self.bases = [i * size // nregions for i in range(nregions)]
        self.regions = [(b, unit) for b in self.bases]
        self.cmds = []
        self.state = {}         # region index -> pattern (0: zeroes)
        self.snapshots = []     # after flush k: dict of region -> pattern
        self.touched = []       # per batch: set of region indexes

    def batch(self, n, flush=True):
        touched = set()
        for _ in range(n):
            r = self.rnd.randrange(len(self.regions))
            length = self.unit
            # Partial clusters too: a region is unit bytes at an offset
            # that need not be cluster aligned.
            start = self.bases[r] + self.rnd.choice([0, 512, 1536])
            self.regions[r] = (start, length)
            kind = self.rnd.random()
            if kind < 0.2 and r in self.state:
                self.cmds += ["-c", f"write -z {start} {length}"]
                self.state[r] = 0
            elif kind < 0.3 and r in self.state:
                self.cmds += ["-c", f"discard {start} {length}"]
                self.state[r] = None        # undefined after discard
            else:
                pat = self.rnd.randrange(1, 256)
                self.cmds += ["-c", f"write -P {pat} {start} {length}"]
                self.state[r] = pat
            touched.add(r)
        self.touched.append(touched)
        if flush:
            self.cmds += ["-c", "flush"]
            self.snapshots.append(dict(self.state))


@needs_qemu
class CrashReplay(unittest.TestCase):
    def run_case(self, opts, seed, size=4 * 1024 * 1024, unit=8192,
                 states=40):
        with tempfile.TemporaryDirectory() as d:
            img = os.path.join(d, "c.qcow2")
            kimg("create", "-q", "-f", "qcow2", "-o", opts, img, str(size),
                 check=True)
            with open(img, "rb") as f:
                initial = bytearray(f.read())
            wl = Workload(seed, size, unit)
            for i in range(6):
                wl.batch(12)
            wl.batch(8, flush=False)        # the crash hits unflushed work
            log = os.path.join(d, "log")
            env = dict(os.environ, KEMU_BLOCK_WRITE_LOG=log)
            import subprocess
            from block_util import KEMU_IO
            p = subprocess.run([KEMU_IO] + wl.cmds + [img], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, timeout=120)
            self.assertEqual(p.returncode, 0, p.stderr)
            recs = parse_log(log)
            self.assertTrue(any(r[0] == "F" for r in recs))
            # Split into epochs at flushes; remember the marks (completed
            # workload flushes) seen before each epoch starts.
            epochs, cur, marks_before, mark = [], [], [], 0
            for r in recs:
                if r[0] == "M":
                    mark = r[1]
                    continue
                if r[0] == "F":
                    epochs.append((cur, mark))
                    cur = []
                else:
                    cur.append(r)
            epochs.append((cur, mark))
            rnd = random.Random(seed)
            picks = sorted(rnd.sample(range(len(epochs)),
                                      min(states, len(epochs))))
            if len(epochs) - 1 not in picks:
                picks.append(len(epochs) - 1)
            state_img = bytearray(initial)
            done = 0
            replay = os.path.join(d, "replay.qcow2")
            for e in picks:
                while done < e:
                    for r in epochs[done][0]:
                        apply_rec(state_img, r)
                    done += 1
                recs_e, mark_at_start = epochs[e]
                # The crash: a prefix of the epoch, some of it lost, the
                # rest landed in any order.
                cut = rnd.randrange(len(recs_e) + 1)
                landed = [r for r in recs_e[:cut] if rnd.random() < 0.7]
                rnd.shuffle(landed)
                trial = bytearray(state_img)
                for r in landed:
                    apply_rec(trial, r)
                with open(replay, "wb") as f:
                    f.write(trial)
                r = qimg("check", replay)
                self.assertIn(r.returncode, (0, 3),
                              f"{opts} epoch {e}/{len(epochs)}: "
                              f"{r.stdout}{r.stderr}")
                self.check_data(replay, wl, mark_at_start, opts, e)

    def check_data(self, path, wl, mark, opts, e):
        if mark == 0:
            return
        expect = wl.snapshots[mark - 1]
        later = set()
        for t in wl.touched[mark:]:
            later |= t
        cmds = []
        for reg, pat in expect.items():
            if reg in later or pat is None:
                continue
            start, length = wl.regions[reg]
            cmds += ["-c", f"read -P {pat} {start} {length}"]
        if not cmds:
            return
        r = qio("-r", "-f", "qcow2", *cmds, path)
        self.assertNotIn("Pattern verification failed", r.stdout,
                         f"{opts} epoch {e}, mark {mark}")
        self.assertNotIn("failed", r.stdout + r.stderr,
                         f"{opts} epoch {e}, mark {mark}")

    def test_small_clusters_wide_refcounts(self):
        # 512-byte clusters and 64-bit refcounts: refcount blocks cover
        # 32 KiB, so the table grows and blocks are added during the run.
        self.run_case("cluster_size=512,refcount_bits=64", 11)

    def test_default(self):
        self.run_case("cluster_size=65536", 12, unit=65536)

    def test_v2_4k(self):
        self.run_case("cluster_size=4096,compat=0.10", 13)


if __name__ == "__main__":
    unittest.main()
