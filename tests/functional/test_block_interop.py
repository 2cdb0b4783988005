# SPDX-License-Identifier: GPL-2.0-or-later
"""qcow2 interoperability with QEMU 7.2 both ways: images kemu makes and
writes pass qemu-img check and compare equal to a reference; images QEMU
makes and writes pass kemu-img check and compare."""
import json
import os
import tempfile
import unittest

from block_util import (apply, io_commands, kimg, kio, needs_qemu, qimg, qio,
                        workload)

SIZE = 4 * 1024 * 1024


def cluster_ops(ops, cluster):
    """Discards made whole-cluster, so their result is defined (zeroes)."""
    out = []
    for cmd, off, length, pat in ops:
        if cmd == "discard":
            start = -(-off // cluster) * cluster
            end = (off + length) // cluster * cluster
            if end <= start:
                continue
            off, length = start, end - start
        out.append((cmd, off, length, pat))
    return out


@needs_qemu
class KemuWritesQemuChecks(unittest.TestCase):
    """kemu-img creates, kemu-io writes, qemu-img checks and compares."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.d, name)

    def one(self, opts, seed, backing=False):
        img = self.path("t.qcow2")
        ref = self.path("ref.raw")
        mirror = bytearray(SIZE)
        if backing:
            base = self.path("base.qcow2")
            kimg("create", "-q", "-f", "qcow2", base, str(SIZE), check=True)
            bops = [op for op in workload(SIZE, 20, seed + 1000, discard=False)]
            qio(*io_commands(bops), base, check=True)
            apply(mirror, bops)
            kimg("create", "-q", "-f", "qcow2", "-o", opts, "-b", base,
                 "-F", "qcow2", img, check=True)
        else:
            kimg("create", "-q", "-f", "qcow2", "-o", opts, img, str(SIZE),
                 check=True)
        cluster = 65536
        for o in opts.split(","):
            if o.startswith("cluster_size="):
                cluster = int(o.split("=")[1])
        ops = workload(SIZE, 60, seed, discard=not backing)
        ops = cluster_ops(ops, cluster)
        kio(*io_commands(ops), img, check=True)
        apply(mirror, ops)
        with open(ref, "wb") as f:
            f.write(mirror)
        r = qimg("check", img)
        self.assertEqual(r.returncode, 0, f"{opts}: {r.stdout}{r.stderr}")
        self.assertIn("No errors were found on the image.", r.stdout)
        r = qimg("compare", "-f", "qcow2", "-F", "raw", img, ref)
        self.assertEqual(r.returncode, 0, f"{opts}: {r.stdout}{r.stderr}")
        r = kimg("check", img)
        self.assertEqual(r.returncode, 0, f"{opts}: {r.stdout}{r.stderr}")

    def test_matrix(self):
        seed = 1
        for cs in (512, 4096, 65536, 2 * 1024 * 1024):
            for rb in (1, 2, 16, 64):
                seed += 1
                self.one(f"cluster_size={cs},refcount_bits={rb}", seed)
        for cs in (512, 65536):
            seed += 1
            self.one(f"cluster_size={cs},compat=0.10", seed)

    def test_backing_chain(self):
        for i, opts in enumerate(("cluster_size=65536",
                                  "cluster_size=4096,compat=0.10",
                                  "cluster_size=512,refcount_bits=8")):
            self.one(opts, 100 + i, backing=True)

    def test_convert_matrix(self):
        src = self.path("src.raw")
        mirror = bytearray(SIZE)
        apply(mirror, workload(SIZE, 40, 7, zero=False, discard=False))
        # some text that compresses
        mirror[100000:300000] = (b"kemu block layer " * 20000)[:200000]
        with open(src, "wb") as f:
            f.write(mirror)
        for opts in ("cluster_size=65536", "cluster_size=512,refcount_bits=1",
                     "compat=0.10", "compression_type=zstd",
                     "cluster_size=4096,compression_type=zstd,refcount_bits=64",
                     "preallocation=metadata", "preallocation=falloc",
                     "preallocation=full", "lazy_refcounts=on"):
            for comp in ([], ["-c"]):
                if comp and "preallocation" in opts:
                    continue
                out = self.path("out.qcow2")
                if os.path.exists(out):
                    os.unlink(out)
                kimg("convert", *comp, "-O", "qcow2", "-o", opts, src, out,
                     check=True)
                r = qimg("check", out)
                self.assertEqual(r.returncode, 0,
                                 f"{opts} {comp}: {r.stdout}{r.stderr}")
                r = qimg("compare", out, src)
                self.assertEqual(r.returncode, 0,
                                 f"{opts} {comp}: {r.stdout}{r.stderr}")
                # and back to raw through kemu
                back = self.path("back.raw")
                kimg("convert", "-O", "raw", out, back, check=True)
                with open(back, "rb") as f:
                    self.assertEqual(f.read(), bytes(mirror), opts)


@needs_qemu
class QemuWritesKemuChecks(unittest.TestCase):
    """qemu-img creates, qemu-io writes, kemu-img checks and compares."""

    def test_matrix(self):
        with tempfile.TemporaryDirectory() as d:
            img = os.path.join(d, "q.qcow2")
            ref = os.path.join(d, "ref.raw")
            seed = 50
            for opts in ("cluster_size=65536", "cluster_size=512",
                         "cluster_size=4096,refcount_bits=1",
                         "refcount_bits=64", "compat=0.10",
                         "compression_type=zstd", "lazy_refcounts=on",
                         "cluster_size=2M,refcount_bits=8"):
                seed += 1
                qimg("create", "-q", "-f", "qcow2", "-o", opts, img,
                     str(SIZE), check=True)
                cluster = 65536
                for o in opts.split(","):
                    if o.startswith("cluster_size="):
                        v = o.split("=")[1]
                        cluster = 2 * 1024 * 1024 if v == "2M" else int(v)
                ops = cluster_ops(workload(SIZE, 60, seed), cluster)
                mirror = bytearray(SIZE)
                # Compressed clusters first (QEMU writes them only where
                # nothing is allocated), then the random requests.
                second = 2 * cluster if 3 * cluster <= SIZE else cluster
                qio("-c", f"write -c -P 7 0 {cluster}",
                    "-c", f"write -c -P 9 {second} {cluster}", img,
                    check=True)
                mirror[0:cluster] = bytes([7]) * cluster
                mirror[second:second + cluster] = bytes([9]) * cluster
                qio(*io_commands(ops), img, check=True)
                apply(mirror, ops)
                with open(ref, "wb") as f:
                    f.write(mirror)
                r = kimg("check", img)
                self.assertEqual(r.returncode, 0,
                                 f"{opts}: {r.stdout}{r.stderr}")
                r = kimg("compare", "-f", "qcow2", "-F", "raw", img, ref)
                self.assertEqual(r.returncode, 0,
                                 f"{opts}: {r.stdout}{r.stderr}")
                # kemu writes on top of QEMU's image, QEMU checks again
                ops2 = cluster_ops(workload(SIZE, 30, seed + 500), cluster)
                kio(*io_commands(ops2), img, check=True)
                apply(mirror, ops2)
                with open(ref, "wb") as f:
                    f.write(mirror)
                r = qimg("check", img)
                self.assertEqual(r.returncode, 0,
                                 f"{opts}: {r.stdout}{r.stderr}")
                r = qimg("compare", img, ref)
                self.assertEqual(r.returncode, 0,
                                 f"{opts}: {r.stdout}{r.stderr}")

    def test_snapshot_cow(self):
        """Writes to an image with an internal snapshot (made by QEMU) copy
        shared clusters; the snapshot keeps its data."""
        with tempfile.TemporaryDirectory() as d:
            img = os.path.join(d, "s.qcow2")
            qimg("create", "-q", "-f", "qcow2", img, "8M", check=True)
            qio("-c", "write -P 1 0 1M", img, check=True)
            qimg("snapshot", "-c", "snap1", img, check=True)
            kio("-c", "write -P 2 4096 8192", "-c", "write -P 3 2M 64k", img,
                check=True)
            r = qimg("check", img)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            r = kimg("check", img)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            kio("-r", "-c", "read -P 1 0 4096", "-c", "read -P 2 4096 8192",
                "-c", "read -P 1 12288 1036288", "-c", "read -P 3 2M 64k",
                img, check=True)
            info = kimg("info", img, check=True).stdout
            self.assertIn("Snapshot list:", info)
            self.assertIn("snap1", info)
            qimg("snapshot", "-a", "snap1", img, check=True)
            qio("-r", "-c", "read -P 1 0 1M", "-c", "read -P 0 2M 64k", img,
                check=True)


@needs_qemu
class InfoJson(unittest.TestCase):
    """kemu-img info --output=json prints every key qemu-img does, with the
    same values."""

    def compare(self, *args):
        q = json.loads(qimg("info", "--output=json", *args, check=True).stdout)
        k = json.loads(kimg("info", "--output=json", *args, check=True).stdout)
        self.assertEqual(k, q)

    def test_formats(self):
        with tempfile.TemporaryDirectory() as d:
            cases = [
                ("raw", "r.img", []),
                ("qcow2", "a.qcow2", []),
                ("qcow2", "v2.qcow2", ["-o", "compat=0.10"]),
                ("qcow2", "z.qcow2", ["-o", "compression_type=zstd,"
                                      "refcount_bits=1,lazy_refcounts=on,"
                                      "cluster_size=4096"]),
            ]
            for fmt, name, opts in cases:
                p = os.path.join(d, name)
                qimg("create", "-q", "-f", fmt, *opts, p, "16M", check=True)
                self.compare(p)
                os.unlink(p)
                kimg("create", "-q", "-f", fmt, *opts, p, "16M", check=True)
                self.compare(p)
            base = os.path.join(d, "a.qcow2")
            top = os.path.join(d, "top.qcow2")
            kimg("create", "-q", "-f", "qcow2", "-b", "a.qcow2", "-F", "qcow2",
                 top, check=True)
            self.compare(top)
            self.compare("--backing-chain", top)
            q = qimg("info", "--backing-chain", top, check=True).stdout
            k = kimg("info", "--backing-chain", top, check=True).stdout
            self.assertEqual(k, q)
            qio("-c", "write -P 1 0 1M", base, check=True)
            qimg("snapshot", "-c", "s1", base, check=True)
            q = json.loads(qimg("info", "--output=json", base).stdout)
            k = json.loads(kimg("info", "--output=json", base).stdout)
            self.assertEqual(k, q)


if __name__ == "__main__":
    unittest.main()
