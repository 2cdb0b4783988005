# SPDX-License-Identifier: GPL-2.0-or-later
"""virtio-blk-pci on the command line: its errors with QEMU 7.2's
messages (compared with qemu-system-x86_64 where it is installed),
-drive if=virtio slots as `info pci` shows them beside QEMU's, its
properties in -device help, and the image lock it holds. Runs under
-accel qtest; the device itself is tested by tests/qtest/virtio-blk-test
and under Linux by test_virtio_blk_linux.py."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kemu_test import PROG, binary, run  # noqa: E402

QEMU = shutil.which("qemu-system-x86_64")
QT = ["-accel", "qtest", "-display", "none", "-nodefaults"]


class VirtioBlkCmdline(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.raw = os.path.join(self.tmp.name, "t.img")
        with open(self.raw, "wb") as f:
            f.truncate(8 << 20)

    def tearDown(self):
        self.tmp.cleanup()

    def first_error(self, args):
        r = run(QT + args)
        self.assertEqual(r.status, 1, r)
        return r.err_lines()[0]

    def qemu_first_error(self, args):
        q = subprocess.run([QEMU, "-M", "pc", "-nodefaults", "-display",
                            "none", "-S"] + args, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(q.returncode, 1, q)
        return q.stderr.splitlines()[0]

    def test_errors(self):
        d0 = f"file={self.raw},format=raw,if=none,id=d0"
        cases = [
            ([], "virtio-blk-pci", "drive property not set"),
            ([], "virtio-blk-pci,drive=nope",
             "Property 'virtio-blk-device.drive' can't find value 'nope'"),
            (["-drive", d0], "virtio-blk-pci,drive=d0,num-queues=0",
             "num-queues property must be larger than 0"),
            (["-drive", d0], "virtio-blk-pci,drive=d0,queue-size=3",
             "invalid queue-size property (3), must be a power of 2 "
             "(max 1024)"),
            (["-drive", d0], "virtio-blk-pci,drive=d0,queue-size=2048",
             "invalid queue-size property (2048), must be a power of 2 "
             "(max 1024)"),
            (["-drive", d0],
             "virtio-blk-pci,drive=d0,disable-legacy=on,disable-modern=on",
             "device cannot work as neither modern nor legacy mode is "
             "enabled"),
        ]
        for pre, dev, msg in cases:
            err = self.first_error(pre + ["-device", dev])
            self.assertEqual(err, f"{PROG}: -device {dev}: {msg}")
            if QEMU:
                self.assertEqual(
                    self.qemu_first_error(pre + ["-device", dev]),
                    f"qemu-system-x86_64: -device {dev}: {msg}")
        # kemu-only limits (QEMU 7.2 aborts on the first)
        for dev, msg in [
                ("virtio-blk-pci,drive=d0,num-queues=2000",
                 "num-queues property must be at most 63"),
                ("virtio-blk-pci,drive=d0,vectors=5000",
                 "virtio-blk-pci: vectors 5000 exceeds the MSI-X maximum "
                 "of 2048"),
                ("virtio-blk-pci,drive=d0,logical_block_size=1000",
                 "Property .logical_block_size doesn't take value 1000 "
                 "(must be a power of 2 between 512 and 2097152)")]:
            self.assertEqual(self.first_error(["-drive", d0, "-device", dev]),
                             f"{PROG}: -device {dev}: {msg}")
        # a drive claimed twice
        dev = "virtio-blk-pci,drive=d0"
        err = self.first_error(["-drive", d0, "-device", dev,
                                "-device", dev])
        self.assertTrue(err.startswith(f"{PROG}: -device {dev}: Drive 'd0' "
                                       "is already in use"), err)

    def pci_slots(self, cmd):
        out = subprocess.run(cmd + ["-monitor", "stdio"],
                             input="info pci\nquit\n", capture_output=True,
                             text=True, timeout=60).stdout
        return re.findall(r"device\s+(\d+), function 0:\s*\n\s*"
                          r"([^\n]+?): PCI device ([0-9a-f:]+)", out)

    def test_if_virtio_slots(self):
        args = ["-drive", f"file={self.raw},format=raw,if=virtio,readonly=on",
                "-drive", f"file={self.raw},format=raw,if=none,id=x,"
                "readonly=on",
                "-device", "virtio-blk-pci,drive=x,disable-legacy=on",
                "-drive", f"file={self.raw},format=raw,if=virtio,readonly=on"]
        mine = self.pci_slots([binary()] + QT +
                              ["-M", "pc"] + args)
        self.assertEqual(mine, [("0", "Host bridge", "8086:1237"),
                                ("1", "ISA bridge", "8086:7000"),
                                ("2", "SCSI controller", "1af4:1042"),
                                ("3", "SCSI controller", "1af4:1001"),
                                ("4", "SCSI controller", "1af4:1001")])
        if QEMU:
            theirs = self.pci_slots([QEMU, "-M", "pc", "-nodefaults",
                                     "-display", "none", "-S"] + args)
            self.assertEqual(mine, theirs)

    def test_help_and_qtree(self):
        r = run(["-device", "virtio-blk-pci,help"])
        self.assertEqual(r.status, 0, r)
        for p in ("drive=", "serial=", "num-queues=", "queue-size=",
                  "config-wce=", "disable-legacy=", "disable-modern=",
                  "vectors=", "ioeventfd=", "event_idx=", "indirect_desc="):
            self.assertIn(p, r.out)
        out = subprocess.run(
            [binary()] + QT +
            ["-drive", f"file={self.raw},format=raw,if=none,id=d0",
             "-device", "virtio-blk-pci,drive=d0,serial=abc,id=vd",
             "-monitor", "stdio"], input="info qtree\nquit\n",
            capture_output=True, text=True, timeout=60).stdout
        self.assertIn('dev: virtio-blk-pci, id "vd"', out)
        self.assertIn('serial = "abc"', out)


if __name__ == "__main__":
    unittest.main()
