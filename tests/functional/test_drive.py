# SPDX-License-Identifier: GPL-2.0-or-later
"""-drive, -hda..-hdd, -cdrom, -snapshot and -blockdev: option checking
with QEMU 7.2's messages (compared with qemu-system-x86_64 where it is
installed), images opened and locked while kemu runs, released and
consistent after SIGTERM, and snapshot=on leaving the image unchanged.
Runs under -accel qtest: no guest CPU is needed."""
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kemu_test import PROG, QTest, run  # noqa: E402
from block_util import kimg  # noqa: E402

QEMU = shutil.which("qemu-system-x86_64")
QT = ["-accel", "qtest", "-display", "none", "-nodefaults"]


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class DriveCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name
        self.raw = os.path.join(self.d, "t.img")
        with open(self.raw, "wb") as f:
            f.write(b"\xa5" * 65536)
            f.truncate(1 << 20)
        self.qcow2 = os.path.join(self.d, "t.qcow2")
        kimg("create", "-f", "qcow2", self.qcow2, "4M", check=True)

    def tearDown(self):
        self.tmp.cleanup()

    def first_error(self, args):
        r = run(QT + args)
        self.assertEqual(r.status, 1, r)
        return r.err_lines()[0]


class TestErrors(DriveCase):
    # Each rejected before any device exists, in kemu and in QEMU alike.
    BAD = [
        "file=nonexist",
        "file=T,if=foo",
        "file=T,media=foo",
        "file=T,format=foo",
        "file=T,cache=foo",
        "file=T,aio=foo",
        "file=T,aio=native",
        "file=T,format=raw,bogus=1",
        "file=T,index=x",
        "file=T,if=ide,unit=5",
        "file=T,werror=foo",
        "file=T,rerror=foo",
        "file=T,discard=foo",
        "file=T,detect-zeroes=foo",
        "file=T,snapshot=foo",
        "file=T,format=raw,index=0,unit=0",
        "file=T,format=raw,id=1a",
    ]

    def test_drive_errors(self):
        for spec in self.BAD:
            spec = spec.replace("T", self.raw)
            err = self.first_error(["-drive", spec])
            self.assertTrue(err.startswith(f"{PROG}: -drive {spec}: "), err)
            if QEMU:
                q = subprocess.run([QEMU, "-machine", "none", "-nodefaults",
                                    "-display", "none", "-drive", spec],
                                   stdin=subprocess.DEVNULL,
                                   capture_output=True, text=True,
                                   timeout=60)
                self.assertEqual(q.returncode, 1, q)
                self.assertEqual(err.replace(PROG, "qemu-system-x86_64"),
                                 q.stderr.splitlines()[0], spec)

    def test_duplicates(self):
        d = f"file={self.raw},format=raw"
        self.assertEqual(
            self.first_error(["-drive", d + ",id=a,if=none",
                              "-drive", d + ",id=a,if=none,readonly=on"]),
            f"{PROG}: -drive {d},id=a,if=none,readonly=on: "
            "Duplicate ID 'a' for drive")
        self.assertEqual(
            self.first_error(["-drive", d + ",if=ide,index=0",
                              "-drive", d + ",if=ide,index=0,readonly=on"]),
            f"{PROG}: -drive {d},if=ide,index=0,readonly=on: "
            "drive with bus=0, unit=0 (index=0) exists")

    def test_shorthands(self):
        self.assertEqual(self.first_error(["-hda", "nonexist"]),
                         f"{PROG}: -hda nonexist: Could not open 'nonexist': "
                         "No such file or directory")
        self.assertEqual(self.first_error(["-cdrom", "nonexist"]),
                         f"{PROG}: -cdrom nonexist: Could not open "
                         "'nonexist': No such file or directory")
        # A bare word is -hda.
        self.assertEqual(self.first_error(["nonexist"]),
                         f"{PROG}: -hda nonexist: Could not open 'nonexist': "
                         "No such file or directory")

    def test_blockdev_errors(self):
        cases = [
            ("driver=raw", "Parameter 'file' is missing"),
            ("node-name=a", "Parameter 'driver' is missing"),
            ("driver=foo", "Parameter 'driver' does not accept value 'foo'"),
            ("driver=file,filename=nonexist,node-name=a",
             "Could not open 'nonexist': No such file or directory"),
            (f"driver=file,filename={self.raw}",
             "'node-name' must be specified for the root node"),
            (f"driver=raw,node-name=a,file.driver=file,"
             f"file.filename={self.raw},bogus=1",
             "Parameter 'bogus' is unexpected"),
        ]
        for spec, msg in cases:
            self.assertEqual(self.first_error(["-blockdev", spec]),
                             f"{PROG}: -blockdev {spec}: {msg}")

    def test_unclaimed_interface(self):
        # The PIIX3 has two IDE channels: QEMU's message for a drive
        # that nothing takes, at the option that made it.
        spec = f"file={self.raw},format=raw,if=ide,bus=2"
        self.assertEqual(self.first_error(["-drive", spec]),
                         f"{PROG}: -drive {spec}: machine type does not "
                         "support if=ide,bus=2,unit=0")

    def test_probed_raw_warning(self):
        q = QTest(["-drive", f"file={self.raw},if=none"])
        res = q.close()
        self.assertEqual(res.status, 0, res)
        self.assertIn(f"WARNING: Image format was not specified for "
                      f"'{self.raw}' and probing guessed raw.", res.err)
        q = QTest(["-drive", f"file={self.raw},if=none,format=raw"])
        res = q.close()
        self.assertNotIn("WARNING", res.err)


class TestOpen(DriveCase):
    def locked(self, path):
        """True when qemu-img/kemu-img cannot get the write lock."""
        r = kimg("info", path)
        return r.returncode != 0 and "lock" in r.stderr

    def test_held_while_running_released_after_sigterm(self):
        before = sha(self.qcow2)
        q = QTest(["-drive", f"file={self.qcow2},if=none,id=d0",
                   "-blockdev", f"driver=raw,node-name=n0,file.driver=file,"
                   f"file.filename={self.raw}"])
        try:
            # qcow2 never shares writing its metadata; a raw image with
            # no device on it is left to others, as QEMU does.
            self.assertTrue(self.locked(self.qcow2))
            self.assertFalse(self.locked(self.raw))
        finally:
            res = q.close(signal.SIGTERM)
        self.assertFalse(self.locked(self.qcow2), res)
        self.assertEqual(kimg("check", self.qcow2).returncode, 0)
        self.assertEqual(sha(self.qcow2), before)

    def test_readonly_shares(self):
        q = QTest(["-drive", f"file={self.qcow2},format=qcow2,if=none,"
                   "readonly=on"])
        try:
            self.assertFalse(self.locked(self.qcow2))
        finally:
            q.close()

    def test_snapshot_leaves_no_file(self):
        env_tmp = os.path.join(self.d, "tmp")
        os.mkdir(env_tmp)
        before = sha(self.raw)
        old = os.environ.get("TMPDIR")
        os.environ["TMPDIR"] = env_tmp
        try:
            for args in (["-snapshot", "-drive",
                          f"file={self.raw},format=raw,if=none"],
                         ["-drive", f"file={self.qcow2},if=none,"
                          "snapshot=on,cache=unsafe"]):
                q = QTest(args)
                try:
                    # The overlay is unlinked at once; the image stays
                    # shareable for writing-free readers.
                    self.assertEqual(os.listdir(env_tmp), [])
                finally:
                    res = q.close(signal.SIGTERM)
                self.assertIn(res.status, (0,), res)
        finally:
            if old is None:
                del os.environ["TMPDIR"]
            else:
                os.environ["TMPDIR"] = old
        self.assertEqual(sha(self.raw), before)
        self.assertEqual(os.listdir(env_tmp), [])


if __name__ == "__main__":
    unittest.main()
