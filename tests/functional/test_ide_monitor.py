# SPDX-License-Identifier: GPL-2.0-or-later
"""The monitor's media commands on the PIIX3 IDE CD-ROM: `info block`,
`eject` and `change` print what QEMU 7.2 prints for the same command
line (node and QOM numbers aside), and the guest side (driven over
qtest) sees them: a locked tray refuses `eject` with QEMU's message and
gets an eject request event, `eject -f` opens it anyway, and after
`change` the drive reports a unit attention, then reads the new disc."""
import os
import re
import shutil
import struct
import subprocess
import tempfile
import unittest

from kemu_test import QTest, QmpStream, binary, start_qmp, stop, qmp_unix

QEMU = shutil.which("qemu-system-x86_64")

CMD2, CTL2 = 0x170, 0x376


def make_files(tmp):
    disk = os.path.join(tmp, "disk.img")
    with open(disk, "wb") as f:
        f.truncate(8 << 20)
    isos = []
    for n in (1, 2):
        path = os.path.join(tmp, f"cd{n}.iso")
        with open(path, "wb") as f:
            # each 2048-byte block starts with the disc number and its LBA
            for lba in range(64 * n):
                f.write(struct.pack("<II", n, lba).ljust(2048, b"\0"))
        isos.append(path)
    return disk, isos


def normalize(text):
    text = re.sub(r"#block\d+", "#blockN", text)
    return re.sub(r"device\[\d+\]", "device[N]", text)


class MonitorVsQemu(unittest.TestCase):
    maxDiff = None

    SCRIPT = ["info block", "eject ide1-cd0", "info block",
              "change ide1-cd0 {iso2}", "info block",
              "eject -f ide0-hd0", "eject nosuch", "info block"]

    def run_hmp(self, binary, accel, disk, isos):
        tmp, proc, sock = start_qmp(lambda path: [
            binary, "-machine", "pc", "-display", "none", "-nodefaults",
            "-accel", accel, "-S",
            "-drive", f"file={disk},format=raw,if=ide,index=0",
            "-cdrom", isos[0],
            "-drive", "if=ide,index=3,media=cdrom",
            "-qmp", f"unix:{path},server=on,wait=off"])
        try:
            qmp = QmpStream(sock)
            qmp.ret("qmp_capabilities")
            out = []
            for line in self.SCRIPT:
                line = line.format(iso2=isos[1])
                out.append(f"> {line}\n" + qmp.ret(
                    "human-monitor-command", {"command-line": line}))
            qmp.close()
        finally:
            stop(proc)
            shutil.rmtree(tmp, ignore_errors=True)
        return normalize("".join(out))

    @unittest.skipUnless(QEMU, "needs qemu-system-x86_64 (QEMU 7.2)")
    def test_same_output(self):
        tmp = tempfile.mkdtemp(prefix="kemu-ide-mon-")
        self.addCleanup(shutil.rmtree, tmp)
        disk, isos = make_files(tmp)
        want = self.run_hmp(QEMU, "tcg", disk, isos)
        got = self.run_hmp(binary(), "qtest", disk, isos)
        self.assertIn("Removable device: not locked, tray open", got)
        self.assertIn("ide1-cd1: [not inserted]", got)
        self.assertEqual(got, want)


class GuestSide(unittest.TestCase):
    """ATAPI commands written to the ports over qtest, with QMP beside."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="kemu-ide-mon-")
        self.addCleanup(shutil.rmtree, self.tmp)
        self.disk, self.isos = make_files(self.tmp)
        sock = os.path.join(self.tmp, "qmp.sock")
        self.q = QTest(["-cdrom", self.isos[0],
                        "-qmp", f"unix:{sock},server=on,wait=off"])
        self.addCleanup(self.q.close)
        self.qmp = qmp_unix(self, sock)

    def hmp(self, line):
        return self.qmp.ret("human-monitor-command", {"command-line": line})

    def wait_ready(self):
        import time
        deadline = time.monotonic() + 20
        while True:
            st = self.q.inb(CTL2)
            if not st & 0x80:
                return st
            self.assertLess(time.monotonic(), deadline, "drive stays busy")
            time.sleep(0.005)

    def packet(self, cdb):
        """Sends a 12-byte packet by PIO; returns (status, error, data)."""
        q = self.q
        q.outb(CMD2 + 6, 0xa0)
        q.outb(CMD2 + 1, 0)
        q.outb(CMD2 + 4, 0xfe)
        q.outb(CMD2 + 5, 0xff)
        q.outb(CMD2 + 7, 0xa0)
        self.assertTrue(self.wait_ready() & 0x08)
        cdb = bytes(cdb).ljust(12, b"\0")
        for i in range(0, 12, 2):
            q.ok(f"outw {CMD2:#x} {cdb[i] | cdb[i + 1] << 8:#x}")
        data = b""
        while self.wait_ready() & 0x08:
            n = q.inb(CMD2 + 4) | q.inb(CMD2 + 5) << 8
            for _ in range(n // 2):
                data += struct.pack("<H", int(q.ok(f"inw {CMD2:#x}"), 0))
        return q.inb(CMD2 + 7), q.inb(CMD2 + 1), data

    def sense(self):
        st, _, data = self.packet([0x03, 0, 0, 0, 18])
        self.assertEqual(st & 1, 0)
        return data[2] & 0xf, data[12]

    def read_block(self, lba):
        st, err, data = self.packet([0x28, 0, 0, 0, 0, lba, 0, 0, 1])
        self.assertEqual(st & 1, 0, hex(err))
        return struct.unpack("<II", data[:8])

    def test_lock_eject_change(self):
        self.assertEqual(self.read_block(5), (1, 5))
        # the guest locks the tray: eject is refused, as in QEMU
        st, _, _ = self.packet([0x1e, 0, 0, 0, 1])
        self.assertEqual(st & 1, 0)
        self.assertIn("locked, tray closed", self.hmp("info block"))
        r = self.qmp.cmd("eject", {"device": "ide1-cd0"})
        self.assertEqual(r["error"]["desc"],
                         "Device 'ide1-cd0' is locked and force was not "
                         "specified, wait for tray to open and try again")
        # ... and the guest hears of the request
        st, _, ev = self.packet([0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8])
        self.assertEqual(st & 1, 0)
        self.assertEqual(ev[4], 1)              # EjectRequest
        self.assertEqual(self.read_block(6), (1, 6))
        # forced: the tray opens under the guest
        self.assertEqual(self.hmp("eject -f ide1-cd0"), "")
        self.assertIn("ide1-cd0: [not inserted]", self.hmp("info block"))
        st, err, _ = self.packet([0x00])
        self.assertEqual(st & 1, 1)
        self.assertEqual(self.sense(), (2, 0x3a))
        # a new disc: one unit attention, then it reads disc 2
        self.assertEqual(self.hmp(f"change ide1-cd0 {self.isos[1]}"), "")
        st, err, _ = self.packet([0x00])
        self.assertEqual(st & 1, 1)
        self.assertEqual(err >> 4, 6)
        self.assertEqual(self.sense(), (6, 0x28))
        st, _, _ = self.packet([0x00])
        self.assertEqual(st & 1, 0)
        self.assertEqual(self.read_block(100), (2, 100))
        st, _, cap = self.packet([0x25])
        self.assertEqual(struct.unpack(">II", cap), (127, 2048))


if __name__ == "__main__":
    unittest.main()
