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
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kemu_test import PROG, QTest, binary, run  # noqa: E402

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

    def attached(self, cmd):
        out = subprocess.run(cmd + ["-monitor", "stdio"],
                             input="info block\nquit\n", capture_output=True,
                             text=True, timeout=60).stdout
        return re.findall(r"Attached to:\s+(\S+)", out)

    def test_info_block(self):
        args = ["-drive", f"file={self.raw},format=raw,if=virtio,readonly=on",
                "-drive", f"file={self.raw},format=raw,if=none,id=x,"
                "readonly=on", "-device", "virtio-blk-pci,drive=x,id=vd"]
        mine = self.attached([binary()] + QT + ["-M", "pc"] + args)
        self.assertEqual(sorted(mine), [
            "/machine/peripheral-anon/device[0]/virtio-backend",
            "/machine/peripheral/vd/virtio-backend"])
        if QEMU:
            theirs = self.attached([QEMU, "-M", "pc", "-nodefaults",
                                    "-display", "none", "-S"] + args)
            self.assertEqual(sorted(mine), sorted(theirs))

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


# A minimal modern virtio driver over the qtest protocol, enough for one
# request on queue 0 (the C qtest tests the device in depth).
SLOT, BAR4, DESC, AVAIL, USED = 4, 0xe0000000, 0x100000, 0x101000, 0x102000
HDR, DATA, STATUS = 0x110000, 0x120000, 0x111000


class MiniDriver:
    def __init__(self, q):
        self.q = q
        self.avail = 0

    def cfg_write(self, off, val, size):
        self.q.ok(f"outl 0xcf8 {0x80000000 | (SLOT << 11) | off:#x}")
        self.q.ok(f"out{'wl'[size == 4]} 0xcfc {val:#x}")

    def w(self, off, val, size):
        self.q.ok(f"write{ {1: 'b', 2: 'w', 4: 'l'}[size]} "
                  f"{BAR4 + off:#x} {val:#x}")

    def setup(self):
        self.cfg_write(0x20, BAR4, 4)
        self.cfg_write(0x24, 0, 4)
        self.cfg_write(0x04, 6, 2)
        self.w(0x14, 0, 1)
        self.w(0x14, 3, 1)
        self.w(0x08, 1, 4)
        self.w(0x0c, 1, 4)              # VERSION_1
        self.w(0x14, 0xb, 1)
        self.w(0x18, 16, 2)
        for off, addr in ((0x20, DESC), (0x28, AVAIL), (0x30, USED)):
            self.w(off, addr, 4)
            self.w(off + 4, 0, 4)
        self.w(0x1c, 1, 2)
        self.w(0x14, 0xf, 1)

    def desc(self, i, addr, length, flags, nxt):
        self.q.ok(f"writeq {DESC + 16 * i:#x} {addr:#x}")
        self.q.ok(f"writel {DESC + 16 * i + 8:#x} {length:#x}")
        self.q.ok(f"writew {DESC + 16 * i + 12:#x} {flags:#x}")
        self.q.ok(f"writew {DESC + 16 * i + 14:#x} {nxt:#x}")

    def write_request(self, sector, data):
        self.q.ok(f"writel {HDR:#x} 1")
        self.q.ok(f"writeq {HDR + 8:#x} {sector:#x}")
        self.q.ok(f"write {DATA:#x} {len(data)} 0x{data.hex()}")
        self.q.ok(f"writeb {STATUS:#x} 0xee")
        self.desc(0, HDR, 16, 1, 1)
        self.desc(1, DATA, len(data), 1, 2)
        self.desc(2, STATUS, 1, 2, 0)
        self.q.ok(f"writew {AVAIL + 4 + 2 * (self.avail % 16):#x} 0")
        self.avail += 1
        self.q.ok(f"writew {AVAIL + 2:#x} {self.avail:#x}")
        self.q.ok(f"writew {BAR4 + 0x3000:#x} 0")

    def used_idx(self):
        return int(self.q.ok(f"readw {USED + 2:#x}"), 0)

    def status(self):
        return int(self.q.ok(f"readb {STATUS:#x}"), 0)


class VirtioBlkWerror(unittest.TestCase):
    """A write the host refuses (beyond the file size limit kemu runs
    under: EFBIG) with werror=report completes with IOERR; with
    werror=stop the VM stops with the request kept, and once the limit
    is lifted `cont` retries it and the data reaches the image."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.raw = os.path.join(self.tmp.name, "t.img")
        with open(self.raw, "wb") as f:
            f.truncate(8 << 20)
        self.wrapper = os.path.join(self.tmp.name, "limited")
        with open(self.wrapper, "w") as f:
            # An ignored SIGXFSZ stays ignored across exec: writes past
            # the limit fail with EFBIG instead of killing kemu.
            f.write("#!/bin/sh\ntrap '' XFSZ\n"
                    f"exec prlimit --fsize=1048576:unlimited {binary()} \"$@\"\n")
        os.chmod(self.wrapper, 0o755)
        self.mon = os.path.join(self.tmp.name, "mon.sock")

    def tearDown(self):
        self.tmp.cleanup()

    def start(self, werror):
        old = os.environ.get("KEMU_BINARY")
        os.environ["KEMU_BINARY"] = self.wrapper
        try:
            return QTest(["-drive", f"file={self.raw},format=raw,if=none,"
                          f"id=d0,werror={werror},cache=writeback",
                          "-device", f"virtio-blk-pci,drive=d0,"
                          f"addr={SLOT:02x}.0",
                          "-monitor", f"unix:{self.mon},server=on,wait=off"])
        finally:
            if old is None:
                del os.environ["KEMU_BINARY"]
            else:
                os.environ["KEMU_BINARY"] = old

    def hmp(self, line):
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(30)
        s.connect(self.mon)
        out = b""
        try:
            for cmd in (None, line):
                if cmd:
                    s.sendall(cmd.encode() + b"\n")
                while not out.endswith(b"(qemu) "):
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    out += chunk
                if cmd:
                    return out.decode(errors="replace")
                out = b""
        finally:
            s.close()

    def wait(self, cond, what):
        deadline = time.monotonic() + 20
        while not cond():
            self.assertLess(time.monotonic(), deadline, what)
            time.sleep(0.02)

    def test_report(self):
        q = self.start("report")
        try:
            d = MiniDriver(q)
            d.setup()
            d.write_request(0, b"\x11" * 512)          # inside the limit
            self.wait(lambda: d.used_idx() == 1, "first write")
            self.assertEqual(d.status(), 0)
            d.write_request(4096, b"\x22" * 512)       # at 2 MiB: EFBIG
            self.wait(lambda: d.used_idx() == 2, "second write")
            self.assertEqual(d.status(), 1)
            self.assertIn("VM status: running", self.hmp("info status"))
        finally:
            q.close()

    def test_stop_and_retry(self):
        q = self.start("stop")
        try:
            d = MiniDriver(q)
            d.setup()
            d.write_request(4096, b"\x33" * 512)
            self.wait(lambda: "paused (io-error)" in self.hmp("info status"),
                      "the VM did not stop")
            self.assertEqual(d.used_idx(), 0)
            self.assertEqual(d.status(), 0xee)
            subprocess.run(["prlimit", "--pid", str(q.proc.pid),
                            "--fsize=unlimited:unlimited"], check=True)
            self.hmp("cont")
            self.wait(lambda: d.used_idx() == 1, "the retry did not complete")
            self.assertEqual(d.status(), 0)
            self.assertIn("VM status: running", self.hmp("info status"))
        finally:
            q.close()
        with open(self.raw, "rb") as f:
            f.seek(4096 * 512)
            self.assertEqual(f.read(512), b"\x33" * 512)


if __name__ == "__main__":
    unittest.main()
