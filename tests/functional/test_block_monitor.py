# SPDX-License-Identifier: GPL-2.0-or-later
"""The block monitor commands: HMP info block (-v, -n, one device),
info blockstats, eject, change, block_resize, commit, drive_add,
drive_del; QMP query-block, query-blockstats, query-named-block-nodes,
blockdev-add, blockdev-del, block_resize, eject, blockdev-change-medium.
The same script runs against kemu and, when installed, QEMU 7.2 with the
same drives and the same files; outputs must be identical once the
automatic node names (#blockNNN) are masked. Drives here have no device
(devices with trays are tested in tests/unit/test-block-backend.c and by
the IDE tests)."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kemu_test import binary  # noqa: E402
import test_qmp  # noqa: E402
from test_qmp_schema import validate  # noqa: E402

QEMU_IMG = shutil.which("qemu-img")
QEMU_IO = shutil.which("qemu-io")


def mask(text):
    return re.sub(r"#block\d+", "#blockN", text)


def masked(v):
    return json.loads(mask(json.dumps(v)))


def sort_list(v):
    return sorted(v, key=lambda x: json.dumps(x, sort_keys=True))


class Images:
    """Fresh images in one folder, the same paths for both emulators."""

    def __init__(self, tmp):
        self.tmp = tmp

    def path(self, name):
        return os.path.join(self.tmp, name)

    def make(self):
        for name in os.listdir(self.tmp):
            os.unlink(self.path(name))
        create = [QEMU_IMG or os.path.join(os.environ["KEMU_BUILD"],
                                           "kemu-img"), "create", "-q"]
        subprocess.run(create + ["-f", "qcow2", self.path("a.qcow2"), "64M"],
                       check=True)
        for name, size in (("b.raw", 16), ("c.raw", 1), ("d.raw", 2),
                           ("e.raw", 2), ("f.raw", 4)):
            with open(self.path(name), "wb") as f:
                f.truncate(size << 20)

    def args(self):
        return ["-nodefaults",
                "-drive", f"file={self.path('a.qcow2')},if=none,id=d0",
                "-drive", f"file={self.path('b.raw')},format=raw,if=none,"
                "id=d1,cache=writethrough,werror=stop,rerror=ignore,"
                "discard=unmap,detect-zeroes=on",
                "-drive", f"file={self.path('f.raw')},format=raw,if=none,"
                "id=d2,readonly=on,cache=none",
                "-drive", "if=none,id=empty0",
                "-blockdev", "driver=null-co,node-name=n0"]


def script(img):
    """(kind, name, args): kind "hmp" lines or "qmp" commands."""
    p = img.path
    return [
        ("hmp", "info block", None),
        ("hmp", "info block -v", None),
        ("hmp", "info block d1", None),
        ("hmp", "info block nosuch", None),
        ("hmp", "info block -n", None),
        ("hmp", "info blockstats", None),
        ("qmp", "query-block", None),
        ("qmp", "query-blockstats", None),
        ("qmp", "query-blockstats", {"query-nodes": True}),
        ("qmp", "query-named-block-nodes", None),
        # eject / change
        ("hmp", "eject nosuch", None),
        ("hmp", "eject d0", None),
        ("hmp", "info block d0", None),
        ("hmp", f"change d0 {p('c.raw')} raw", None),
        ("hmp", "info block -v d0", None),
        ("hmp", f"change nosuch {p('c.raw')}", None),
        ("hmp", "eject -f d2", None),
        ("qmp", "eject", {}),
        ("qmp", "eject", {"device": "d0", "id": "x"}),
        ("qmp", "eject", {"device": "nosuch"}),
        ("qmp", "eject", {"id": "nosuch"}),
        ("qmp", "eject", {"device": "d0"}),
        ("qmp", "eject", {"device": "d0", "force": True}),
        ("qmp", "blockdev-change-medium", {"device": "nosuch",
                                           "filename": p("d.raw")}),
        ("qmp", "blockdev-change-medium", {"device": "d0",
                                           "filename": p("nonexist")}),
        ("qmp", "blockdev-change-medium", {"device": "d0",
                                           "filename": p("d.raw"),
                                           "format": "bogus"}),
        ("qmp", "blockdev-change-medium", {"device": "d0",
                                           "filename": p("d.raw"),
                                           "format": "raw",
                                           "read-only-mode": "read-only"}),
        ("qmp", "query-block", None),
        ("qmp", "blockdev-change-medium", {"device": "empty0",
                                           "filename": p("e.raw"),
                                           "format": "raw"}),
        ("hmp", "info block empty0", None),
        # block_resize: a bare number is MiB
        ("hmp", "block_resize d1 32", None),
        ("hmp", "info block -v d1", None),
        ("hmp", "block_resize nosuch 1M", None),
        ("qmp", "block_resize", {"device": "nosuch", "size": 1 << 20}),
        ("qmp", "block_resize", {"node-name": "nosuch", "size": 1 << 20}),
        ("qmp", "block_resize", {"size": 1 << 20}),
        ("qmp", "block_resize", {"device": "d0", "size": 1 << 20}),
        ("qmp", "block_resize", {"node-name": "n0", "size": 2 << 20}),
        ("qmp", "block_resize", {"device": "d1", "size": -1}),
        ("qmp", "block_resize", {"device": "d1", "size": 1000}),
        ("qmp", "block_resize", {"device": "d1", "size": 48 << 20}),
        ("qmp", "block_resize", {"device": "d2", "size": 48 << 20}),
        # commit without a backing file, unknown, all
        ("hmp", "commit d1", None),
        ("hmp", "commit nosuch", None),
        ("hmp", "commit all", None),
        # drive_add / drive_del
        ("hmp", "drive_add 0 if=none,id=d8", None),
        ("hmp", "drive_add 0 if=none,file=/nonexist/x,format=raw", None),
        ("hmp", "drive_add 0 if=none,id=d8", None),
        ("hmp", "drive_add 0 if=none,id=d9,bogus=1", None),
        ("hmp", "info block", None),
        ("hmp", "drive_del d8", None),
        ("hmp", "drive_del nosuch", None),
        ("hmp", "drive_del n0", None),
        ("hmp", "info block -n", None),
        # blockdev-add / blockdev-del
        ("qmp", "blockdev-add", {"driver": "null-co", "node-name": "n1",
                                 "size": 1 << 20}),
        ("qmp", "blockdev-add", {"driver": "null-co", "node-name": "n1"}),
        ("qmp", "blockdev-add", {"driver": "raw", "node-name": "r1",
                                 "file": {"driver": "file",
                                          "filename": p("nonexist")}}),
        ("qmp", "blockdev-add", {"driver": "qcow2", "node-name": "q1",
                                 "file": {"driver": "file",
                                          "filename": p("a.qcow2")},
                                 "bogus": 1}),
        ("qmp", "blockdev-add", {"driver": "nosuchdrv", "node-name": "q1"}),
        ("qmp", "blockdev-add", {"node-name": "q1"}),
        ("qmp", "query-named-block-nodes", None),
        ("qmp", "blockdev-del", {"node-name": "n1"}),
        ("qmp", "blockdev-del", {"node-name": "n1"}),
        ("qmp", "blockdev-del", {"node-name": "d1"}),
        ("hmp", "info blockstats", None),
    ]


def run_script(prog, img):
    img.make()
    q = test_qmp.Qmp(prog, img.args())
    out = []
    try:
        assert q.cmd("qmp_capabilities") == {"return": {}}
        for kind, name, args in script(img):
            if kind == "hmp":
                r = q.cmd("human-monitor-command", {"command-line": name})
                out.append(mask(r["return"].replace("\r\n", "\n"))
                           if "return" in r else r)
            else:
                r = masked(q.cmd(name, args))
                if isinstance(r.get("return"), list):
                    r["return"] = sort_list(r["return"])
                out.append(r)
        sizes = {n: os.path.getsize(img.path(n)) for n in ("b.raw",)}
    finally:
        q.close()
    return out, sizes


class BlockMonitor(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="kemu-blkmon-")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.img = Images(self.tmp)

    def kemu(self):
        return run_script(binary(), self.img)

    def test_outputs(self):
        """What kemu prints and replies, checked by content."""
        out, sizes = self.kemu()
        steps = script(self.img)
        got = {i: o for i, o in enumerate(out)}

        def at(kind, name, args=None, n=0):
            idx = [i for i, s in enumerate(steps)
                   if s[0] == kind and s[1] == name and s[2] == args]
            return got[idx[n]]

        p = self.img.path
        self.assertEqual(at("hmp", "info block"), (
            f"d0 (#blockN): {p('a.qcow2')} (qcow2)\n"
            "    Removable device: not locked, tray closed\n"
            "    Cache mode:       writeback\n\n"
            f"d1 (#blockN): {p('b.raw')} (raw)\n"
            "    Removable device: not locked, tray closed\n"
            "    Cache mode:       writethrough\n"
            "    Detect zeroes:    on\n\n"
            f"d2 (#blockN): {p('f.raw')} (raw, read-only)\n"
            "    Removable device: not locked, tray closed\n"
            "    Cache mode:       writeback, direct\n\n"
            "empty0: [not inserted]\n"
            "    Removable device: not locked, tray closed\n"))
        self.assertIn("Images:\nimage: " + p("a.qcow2") + "\nfile format: "
                      "qcow2\nvirtual size: 64 MiB (67108864 bytes)\n",
                      at("hmp", "info block -v"))
        # A filtered listing keeps QEMU's separator line.
        self.assertTrue(at("hmp", "info block d1").startswith("\nd1 "))
        self.assertEqual(at("hmp", "info block nosuch"), "")
        self.assertEqual(at("hmp", "eject nosuch"),
                         "Error: Device 'nosuch' not found\n")
        self.assertEqual(at("hmp", "info block d0"),
                         "d0: [not inserted]\n"
                         "    Removable device: not locked, tray closed\n")
        self.assertEqual(at("qmp", "eject", {}), {"error": {
            "class": "GenericError",
            "desc": "Need exactly one of 'device' and 'id'"}})
        self.assertEqual(at("qmp", "eject", {"device": "nosuch"}),
                         {"error": {"class": "DeviceNotFound",
                                    "desc": "Device 'nosuch' not found"}})
        self.assertIn("virtual size: 32 MiB (33554432 bytes)",
                      at("hmp", "info block -v d1"))
        self.assertEqual(at("hmp", "block_resize nosuch 1M"),
                         "Error: Cannot find device='nosuch' nor "
                         "node-name=''\n")
        self.assertEqual(sizes["b.raw"], 48 << 20)
        self.assertEqual(at("qmp", "block_resize",
                            {"device": "d0", "size": 1 << 20}),
                         {"error": {"class": "GenericError",
                                    "desc": "Image is read-only"}})
        self.assertEqual(at("qmp", "block_resize",
                            {"device": "d2", "size": 48 << 20}),
                         {"error": {"class": "GenericError",
                                    "desc": "Device 'd2' has no medium"}})
        self.assertEqual(at("hmp", "commit d1"),
                         "'commit' error for 'd1': Operation not "
                         "supported\n")
        self.assertEqual(at("hmp", "commit nosuch"),
                         "Device 'nosuch' not found\n")
        self.assertEqual(at("hmp", "drive_add 0 if=none,id=d8"), "OK\n")
        self.assertEqual(at("hmp", "drive_add 0 if=none,id=d8", n=1),
                         "Duplicate ID 'd8' for drive\n")
        self.assertEqual(at("hmp", "drive_add 0 if=none,id=d9,bogus=1"),
                         "Must specify either driver or file\n")
        self.assertNotIn("n0", at("hmp", "info block -n", n=1))
        self.assertEqual(at("qmp", "blockdev-del", {"node-name": "n1"}, n=1),
                         {"error": {"class": "GenericError",
                                    "desc": "Failed to find node with "
                                            "node-name='n1'"}})
        # Replies fit QEMU 7.2's schema (and kemu's own).
        schemas = [self.schema(binary())]
        if test_qmp.QEMU:
            schemas.append(self.schema(test_qmp.QEMU))
        for (kind, name, args), o in zip(steps, out):
            if kind != "qmp" or "return" not in o:
                continue
            for s in schemas:
                self.assertEqual(validate(s, s[name]["ret-type"],
                                          o["return"]), [], (name, o))

    def schema(self, prog):
        q = test_qmp.Qmp(prog, ["-nodefaults"])
        try:
            q.cmd("qmp_capabilities")
            return {e["name"]: e for e in q.ret("query-qmp-schema")}
        finally:
            q.close()

    @unittest.skipUnless(test_qmp.QEMU, "qemu-system-x86_64 is not installed")
    def test_same_as_qemu(self):
        """Step by step, the same text and the same replies as QEMU."""
        mine, my_sizes = self.kemu()
        theirs, their_sizes = run_script(test_qmp.QEMU, self.img)
        for step, a, b in zip(script(self.img), mine, theirs):
            with self.subTest(step=step):
                self.assertEqual(a, b)
        self.assertEqual(my_sizes, their_sizes)

    def test_hostile(self):
        """Wrong types, huge numbers, odd names and deep or strange
        blockdev-add trees give errors; the monitor keeps answering."""
        self.img.make()
        p = self.img.path
        q = test_qmp.Qmp(binary(), self.img.args())
        try:
            q.cmd("qmp_capabilities")
            deep = {"driver": "file", "filename": p("b.raw")}
            for _ in range(200):
                deep = {"driver": "raw", "file": deep}
            bad = [
                ("blockdev-add", {"driver": 1}),
                ("blockdev-add", {"driver": "raw", "node-name": "x",
                                  "file": "d0"}),
                ("blockdev-add", {"driver": "raw", "node-name": "x",
                                  "file": ["a"]}),
                ("blockdev-add", {"driver": "raw", "node-name": "x",
                                  "file": {"driver": "file",
                                           "filename": 1.5}}),
                ("blockdev-add", {"driver": "null-co", "node-name": "x",
                                  "size": -1}),
                ("blockdev-add", {"driver": "null-co", "node-name": "9x"}),
                ("blockdev-add", {"driver": "null-co", "node-name": ""}),
                ("blockdev-add", {"driver": "null-co",
                                  "node-name": "x" * 5000}),
                ("blockdev-add", {"driver": "null-co", "node-name": "x",
                                  "read-only": "yes"}),
                ("blockdev-add", dict(deep, **{"node-name": "x"})),
                ("blockdev-add", {"driver": "file", "node-name": "x",
                                  "filename": "/dev/null/x"}),
                ("blockdev-del", {"node-name": 1}),
                ("blockdev-del", {}),
                ("block_resize", {"device": "d1", "size": "1G"}),
                ("block_resize", {"device": "d1", "size": 1 << 62}),
                ("block_resize", {"device": "d1", "size": -(1 << 63)}),
                ("block_resize", {"device": "d1"}),
                ("eject", {"device": 1}),
                ("eject", {"device": "d1", "force": "yes"}),
                ("eject", {"device": "d1", "bogus": True}),
                ("blockdev-change-medium", {"device": "d1"}),
                ("blockdev-change-medium", {"device": "d1",
                                            "filename": p("c.raw"),
                                            "read-only-mode": "maybe"}),
                ("blockdev-change-medium", {"device": "d1",
                                            "filename": "",
                                            "format": "raw"}),
                ("query-blockstats", {"query-nodes": "yes"}),
                ("query-named-block-nodes", {"flat": 0}),
                ("query-block", {"x": 1}),
            ]
            for name, args in bad:
                with self.subTest(name=name, args=str(args)[:80]):
                    r = q.cmd(name, args)
                    self.assertIn("error", r)
            for line in ["block_resize d1 -5", "block_resize d1 1E",
                         "block_resize d1 99999999999999999999",
                         "block_resize d1 abc", "drive_add 0 ,,,,",
                         "drive_add 0 if=none,id=,file=",
                         "drive_add 0 if=none,file=" + p("b.raw") +
                         ",format=qcow2",
                         "drive_add 0 if=none,cache=bogus",
                         "drive_add 0 " + "a=b," * 2000,
                         "drive_del", "drive_del " + "y" * 3000,
                         "eject -f", "change d1", "change d1 ''",
                         "commit", "info block " + "z" * 3000,
                         "info blockstats extra"]:
                with self.subTest(line=line[:60]):
                    r = q.cmd("human-monitor-command",
                              {"command-line": line})
                    self.assertIn("return", r)
            # Still whole and answering.
            self.assertEqual(len(q.ret("query-block")), 4)
            self.assertEqual(os.path.getsize(p("b.raw")), 16 << 20)
        finally:
            q.close()

    @unittest.skipUnless(QEMU_IMG and QEMU_IO, "qemu-utils is not installed")
    def test_commit(self):
        """commit writes the overlay's clusters into the backing file and
        empties the overlay; qemu-img check stays clean."""
        base = os.path.join(self.tmp, "base.qcow2")
        top = os.path.join(self.tmp, "top.qcow2")
        subprocess.run([QEMU_IMG, "create", "-q", "-f", "qcow2", base, "8M"],
                       check=True)
        subprocess.run([QEMU_IO, "-c", "write -P 0x11 0 1M", base],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run([QEMU_IMG, "create", "-q", "-f", "qcow2", "-b", base,
                        "-F", "qcow2", top], check=True)
        subprocess.run([QEMU_IO, "-c", "write -P 0x22 512k 1M", top],
                       check=True, stdout=subprocess.DEVNULL)
        q = test_qmp.Qmp(binary(), ["-nodefaults", "-drive",
                                    f"file={top},if=none,id=d0"])
        try:
            q.cmd("qmp_capabilities")
            r = q.ret("human-monitor-command", {"command-line": "commit d0"})
            self.assertEqual(r, "")
            info = q.ret("query-block")[0]["inserted"]
            self.assertEqual(info["backing_file"], base)
            self.assertEqual(info["backing_file_depth"], 1)
            r = q.ret("human-monitor-command",
                      {"command-line": "commit all"})
            self.assertEqual(r, "")
        finally:
            q.close()
        for img in (base, top):
            subprocess.run([QEMU_IMG, "check", "-q", img], check=True)
        for f, cmd in ((base, "read -P 0x11 0 512k"),
                       (base, "read -P 0x22 512k 1M"),
                       (top, "read -P 0x22 512k 1M")):
            r = subprocess.run([QEMU_IO, "-c", cmd, f], capture_output=True,
                               text=True)
            self.assertNotIn("Pattern verification failed", r.stdout, cmd)
        # The overlay holds nothing any more: every read goes to the base.
        r = subprocess.run([QEMU_IMG, "map", "--output=json", top],
                           capture_output=True, text=True, check=True)
        self.assertTrue(all(e["depth"] == 1 or not e["data"]
                            for e in json.loads(r.stdout)), r.stdout)


if __name__ == "__main__":
    unittest.main()
