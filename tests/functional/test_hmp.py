# SPDX-License-Identifier: GPL-2.0-or-later
"""The human monitor (HMP) over stdio pipes and over a tcp socket: banner,
prompt, run control, registers, memory dumps, print, errors, power button."""
import os
import socket
import subprocess
import tempfile
import time
import unittest

from kemu_guest import (BINARY, GUEST_SKIP_REASON, MACHINE_ACCEL, HmpStdioCase,
                        guest_image)
from kemu_test import PROMPT, Hmp
BIOS = "/usr/share/qemu/qboot.rom"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class HmpCase(HmpStdioCase):
    def start(self, *args):
        p, mon, banner = self.start_proc(*args)
        self.assertIn("kemu", banner)
        self.assertIn("monitor - type 'help' for more information", banner)
        return p, mon

    def quit(self, p, mon):
        mon.write(b"quit\n")
        self.assertEqual(p.wait(timeout=30), 0)


class TestHmpStdio(HmpCase):
    """Needs a machine, not a running guest: the qtest accelerator."""

    def test_run_control(self):
        p, mon = self.start("-S", "-kernel", guest_image("powerbutton.mb"))
        self.assertEqual(mon.cmd("info status"),
                         "VM status: paused (prelaunch)\n")
        self.assertEqual(mon.cmd("c"), "")
        self.assertEqual(mon.cmd("info status"), "VM status: running\n")
        self.assertEqual(mon.cmd("stop"), "")
        self.assertEqual(mon.cmd("info status"), "VM status: paused\n")
        self.assertEqual(mon.cmd("cont"), "")
        self.assertEqual(mon.cmd("info status"), "VM status: running\n")
        self.quit(p, mon)

    def test_registers_memory_print(self):
        with open(BIOS, "rb") as f:
            rom = f.read()
        top = rom[-16:]         # mapped at 0xffff0 and 0xfffffff0
        words = " ".join("0x%08x" % int.from_bytes(top[i:i + 4], "little")
                         for i in range(0, 16, 4))
        p, mon = self.start("-S", "-bios", BIOS, "-name", "hmptest",
                            "-uuid", "12345678-1234-1234-1234-123456789abc")
        regs = mon.cmd("info registers")
        self.assertTrue(regs.startswith("\nCPU#0\n"), regs)
        self.assertIn("EIP=0000fff0 EFL=00000002", regs)
        self.assertIn("CS =f000 ffff0000 0000ffff 00009b00", regs)
        self.assertIn("XMM07=", regs)
        self.assertEqual(mon.cmd("x/4xw 0xffff0"),
                         "00000000000ffff0: " + words + "\n")
        self.assertEqual(mon.cmd("xp/4xw 0xfffffff0"),
                         "00000000fffffff0: " + words + "\n")
        self.assertEqual(mon.cmd("xp/2xb 0xffff0"),
                         "00000000000ffff0: 0x%02x 0x%02x\n" % (top[0], top[1]))
        self.assertEqual(mon.cmd("xp/2ub 0xffff0"),
                         "00000000000ffff0: %3d %3d\n" % (top[0], top[1]))
        # x, xp and print share a sticky format, as in QEMU
        self.assertEqual(mon.cmd("print $pc"), "4294967280\n")
        self.assertEqual(mon.cmd("print/x $pc"), "0xfffffff0\n")
        self.assertEqual(mon.cmd("p $eax"), "0\n")
        self.assertEqual(mon.cmd("p/x (1+2)*4"), "0xc\n")
        self.assertEqual(mon.cmd("p/d 10-20"), "-10\n")
        self.assertEqual(mon.cmd("gva2gpa 0x1234"), "gpa: 0x1234\n")
        self.assertEqual(mon.cmd("info name"), "hmptest\n")
        self.assertEqual(mon.cmd("info uuid"),
                         "12345678-1234-1234-1234-123456789abc\n")
        self.assertEqual(mon.cmd("info kvm"), "kvm support: disabled\n")
        self.assertRegex(mon.cmd("info cpus"), r"^\* CPU #0: thread_id=\d+\n$")
        hist = mon.cmd("info history")
        self.assertIn("0: 'info registers'\n", hist)
        self.assertTrue(hist.endswith("'info history'\n"), hist)
        self.quit(p, mon)

    def test_memsave_pmemsave(self):
        with open(BIOS, "rb") as f:
            rom = f.read()
        p, mon = self.start("-S", "-bios", BIOS)
        with tempfile.TemporaryDirectory() as d:
            v, ph = os.path.join(d, "v"), os.path.join(d, "p")
            self.assertEqual(mon.cmd(f"memsave 0xfff00 256 {v}"), "")
            self.assertEqual(mon.cmd(f"pmemsave 0xffffff00 256 {ph}"), "")
            with open(v, "rb") as f:
                self.assertEqual(f.read(), rom[-256:])
            with open(ph, "rb") as f:
                self.assertEqual(f.read(), rom[-256:])
        self.quit(p, mon)

    def test_errors_and_help(self):
        p, mon = self.start("-S", "-bios", BIOS)
        self.assertEqual(mon.cmd("foo"), "unknown command: 'foo'\n")
        # An unknown info subcommand is named first, then the list (QEMU
        # names it too); a bare "info" is only the list.
        for sub in ("foo", "network", "usb"):
            out = mon.cmd(f"info {sub}")
            self.assertTrue(out.startswith(f"unknown command: 'info {sub}'\n"
                                           "info "), out)
            self.assertIn("info status  -- ", out)
        self.assertTrue(mon.cmd("info").startswith("info "))
        self.assertEqual(mon.cmd("x"), "unexpected end of expression\n"
                         "Try \"help x\" for more information\n")
        self.assertEqual(mon.cmd("p $nosuchreg"), "unknown register\n"
                         "Try \"help print\" for more information\n")
        self.assertEqual(mon.cmd("help x"),
                         "x /fmt addr -- show guest memory at a virtual "
                         "address\n")
        self.assertEqual(mon.cmd("help cont"),
                         "cont|c  -- let a paused virtual machine run again\n")
        self.assertIn("info status  -- whether the machine runs or is "
                      "paused\n", mon.cmd("help info"))
        full = mon.cmd("help")
        self.assertIn("quit|q  -- end kemu at once\n", full)
        self.assertNotIn("info status", full)
        self.assertEqual(mon.cmd("cpu 5"), "invalid CPU index\n")
        self.quit(p, mon)


@unittest.skipIf(GUEST_SKIP_REASON, GUEST_SKIP_REASON)
class TestHmpGuest(HmpCase):
    """Guest code runs: KVM or TCG."""
    accel = None

    def test_system_powerdown(self):
        """The power button ends a guest that waits for it."""
        with tempfile.TemporaryDirectory() as d:
            serial = os.path.join(d, "serial")
            p, mon = self.start("-kernel", guest_image("powerbutton.mb"),
                                "-serial", f"file:{serial}", "-no-reboot")
            deadline = time.monotonic() + 60
            while True:
                with open(serial) as f:
                    if "waiting for the power button" in f.read():
                        break
                self.assertLess(time.monotonic(), deadline)
                time.sleep(0.05)
            mon.write(b"system_powerdown\n")
            self.assertEqual(p.wait(timeout=60), 0)
            with open(serial) as f:
                self.assertIn("power button pressed, powering off", f.read())


class TestHmpTcp(unittest.TestCase):
    def test_tcp_monitor(self):
        port = free_port()
        p = subprocess.Popen([BINARY, "-display", "none",
                              "-accel", MACHINE_ACCEL,
                              "-S", "-bios", BIOS, "-monitor",
                              f"tcp:127.0.0.1:{port},server,nowait"],
                             stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: (p.poll() is None and p.kill(), p.wait()))
        deadline = time.monotonic() + 30
        while True:
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                self.assertIsNone(p.poll())
                self.assertLess(time.monotonic(), deadline)
                time.sleep(0.05)
        self.addCleanup(s.close)
        mon = Hmp(s.fileno(), s.sendall)
        self.assertIn("monitor - type 'help' for more information",
                      mon.read_until(PROMPT))
        self.assertEqual(mon.cmd("info status"),
                         "VM status: paused (prelaunch)\n")
        self.assertIn("EIP=0000fff0", mon.cmd("info registers"))
        self.assertEqual(mon.cmd("print $pc"), "0xfffffff0\n")
        self.assertIn("compat_monitor0: filename=", mon.cmd("info chardev"))
        self.assertEqual(mon.cmd("cont"), "")
        self.assertEqual(mon.cmd("info status"), "VM status: running\n")
        s.sendall(b"quit\n")
        self.assertEqual(p.wait(timeout=30), 0)


if __name__ == "__main__":
    unittest.main()
