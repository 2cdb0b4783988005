# SPDX-License-Identifier: GPL-2.0-or-later
"""Debian's gdb, in batch mode, against the gdbstub.

TestGdbMachine needs no guest code (qtest, -S): target remote, registers,
memory, register writes seen by the monitor, threads, detach.
TestGdbGuest debugs tests/guest/gdb-target (breakpoints, stepping,
watchpoints, set var, Ctrl-C) and TestGdbLinux the Debian kernel, each
with the same gdb script under TCG and under KVM (KVM_SET_GUEST_DEBUG);
the KVM runs skip where /dev/kvm is missing."""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kemu_test import PROMPT, Hmp, binary                   # noqa: E402
from kemu_guest import (MACHINE_ACCEL, TCG_SKIP_REASON,     # noqa: E402
                        KVM_SKIP_REASON, guest_image)

GDB = shutil.which("gdb")
GDB_SKIP = None if GDB else "needs gdb (Debian's gdb package)"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def gdb_batch(commands, elf=None, timeout=60):
    """Runs gdb -batch with commands (-ex each); returns its output."""
    args = [GDB, "-nx", "-batch", "-ex", "set confirm off",
            "-ex", "set pagination off"]
    if elf:
        args += [elf]
    for c in commands:
        args += ["-ex", c]
    r = subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    return r.stdout + r.stderr


class KemuWithMonitor(unittest.TestCase):
    def start(self, *args):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [binary(), "-display", "none", "-monitor", "stdio",
             "-gdb", f"tcp:127.0.0.1:{self.port}"] + list(args),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
        self.addCleanup(self.stop)
        self.mon = Hmp(self.proc.stdout.fileno(),
                       lambda b: (self.proc.stdin.write(b),
                                  self.proc.stdin.flush()))
        self.mon.read_until(PROMPT)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            f.close()

    def target(self):
        return f"target remote 127.0.0.1:{self.port}"


@unittest.skipIf(GDB_SKIP, GDB_SKIP)
class TestGdbMachine(KemuWithMonitor):
    def test_session(self):
        self.start("-accel", MACHINE_ACCEL, "-S", "-smp", "2", "-m", "64")
        out = gdb_batch([
            self.target(),
            "info registers rip",
            "p/x $cs",
            "p/x $cr0",
            "p/x $mxcsr",
            "set $rax = 0x1234abcd",
            "p/x $rax",
            "set *(unsigned int *)0x5000 = 0xcafef00d",
            "x/4xb 0x5000",
            "x/4xb 0xffff0",
            "info threads",
            "thread 2",
            "p/x $rip",
            "set $rbx = 0x77",
            "thread 1",
            "monitor info status",
            "detach",
        ])
        self.assertRegex(out, r"rip\s+0xfff0\s+0xfff0")
        self.assertIn("$1 = 0xf000", out)
        self.assertIn("$2 = 0x60000010", out)
        self.assertIn("$3 = 0x1f80", out)
        self.assertIn("$4 = 0x1234abcd", out)
        self.assertRegex(out, r"0x5000:\s+0x0d\s+0xf0\s+0xfe\s+0xca")
        self.assertRegex(out, r"\* 1\s+Thread 1\.1 \(CPU#0 \[running\]\)")
        self.assertRegex(out, r"\n\s+2\s+Thread 1\.2 \(CPU#1 ")
        self.assertIn("[Switching to thread 2", out)
        self.assertIn("$5 = 0xfff0", out)
        self.assertIn("VM status: paused (prelaunch)", out)
        self.assertIn("detached", out)
        # What gdb wrote is what the machine has.
        regs = self.mon.cmd("info registers")
        self.assertIn("EAX=1234abcd", regs)
        self.assertRegex(self.mon.cmd("xp /4xb 0x5000"),
                         r"5000: 0x0d 0xf0 0xfe 0xca")
        self.mon.cmd("cpu 1")
        self.assertIn("EBX=00000077", self.mon.cmd("info registers"))
        # The ROM bytes gdb showed are the monitor's.
        rom = re.search(r"0xffff0:\s+((?:0x[0-9a-f]{2}\s*){4})", out).group(1)
        xp = self.mon.cmd("xp /4xb 0xffff0")
        self.assertIn(" ".join(rom.split()), xp)
        # Detached: the machine runs.
        self.assertIn("VM status: running", self.mon.cmd("info status"))

    def test_physical_mode_and_reconnect(self):
        self.start("-accel", MACHINE_ACCEL, "-S", "-m", "64")
        out = gdb_batch([
            self.target(),
            "maintenance packet Qqemu.PhyMemMode:1",
            "set *(unsigned char *)0x6000 = 0x5a",
            "maintenance packet qqemu.PhyMemMode",
            "x/1xb 0x6000",
            "detach",
        ])
        self.assertIn('received: "OK"', out)
        self.assertIn('received: "1"', out)
        self.assertRegex(out, r"0x6000:\s+0x5a")
        # A second gdb attaches to the same stub: virtual mode again.
        out = gdb_batch([self.target(),
                         "maintenance packet qqemu.PhyMemMode",
                         "x/1xb 0x6000", "detach"])
        self.assertIn('received: "0"', out)
        self.assertRegex(out, r"0x6000:\s+0x5a")


@unittest.skipIf(GDB_SKIP, GDB_SKIP)
class TestGdbGuest(KemuWithMonitor):
    """gdb-target: the parts that need guest code to run."""

    @unittest.skipIf(TCG_SKIP_REASON, TCG_SKIP_REASON)
    def test_debug_guest_tcg(self):
        self.debug_guest("tcg")

    @unittest.skipIf(KVM_SKIP_REASON, KVM_SKIP_REASON)
    def test_debug_guest_kvm(self):
        self.debug_guest("kvm")

    def debug_guest(self, accel):
        elf = guest_image("gdb-target.elf")
        self.start("-accel", accel, "-S", "-smp", "2", "-no-reboot",
                   "-kernel", guest_image("gdb-target.mb"),
                   "-serial", "file:" + os.path.join(self.tmp, "serial"),
                   "-device", "isa-debug-exit,iobase=0xf4,iosize=4")
        gdb = subprocess.Popen(
            [GDB, "-nx", "-batch", elf,
             "-ex", "set confirm off", "-ex", "set pagination off",
             "-ex", self.target(),
             # At the entry, not after the prologue: where gdb puts
             # "break compute" depends on whether the code is in memory
             # yet (QEMU's multiboot ROM copies it only once running).
             "-ex", "break *compute",
             "-ex", "continue",
             "-ex", "bt",
             "-ex", "info registers rip",
             "-ex", "x/4i $pc",
             "-ex", "stepi",
             "-ex", "next",
             "-ex", "next",
             "-ex", "p x",
             "-ex", "p y",
             "-ex", "finish",
             "-ex", "watch counter",
             "-ex", "continue",
             "-ex", "p counter",
             "-ex", "delete",
             "-ex", "set var magic = 42",
             "-ex", "info threads",
             "-ex", "thread 2",
             "-ex", "thread 1",
             "-ex", "continue",
             "-ex", "p release",
             "-ex", "set var release = 1",
             "-ex", "detach"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            stdin=subprocess.DEVNULL)
        serial = os.path.join(self.tmp, "serial")
        # The guest spins on 'release': interrupt gdb's continue.
        deadline = time.monotonic() + 60
        while True:
            if os.path.exists(serial):
                with open(serial) as f:
                    if "spinning" in f.read():
                        break
            self.assertLess(time.monotonic(), deadline, "guest never spun")
            time.sleep(0.1)
        time.sleep(0.5)
        gdb.send_signal(signal.SIGINT)
        out, _ = gdb.communicate(timeout=60)
        self.assertRegex(out, r"hit Breakpoint 1, compute \(x=")
        self.assertRegex(out, r"#1\s+0x[0-9a-f]+ in guest_main \(\)")
        self.assertRegex(out, r"rip\s+0x[0-9a-f]+\s+0x[0-9a-f]+ <compute")
        self.assertRegex(out, r"=> 0x[0-9a-f]+ <compute>:")
        self.assertIn("$1 = 20", out)
        self.assertIn("$2 = 40", out)
        self.assertIn("Value returned is $3 = 41", out)
        self.assertRegex(out, r"Hardware watchpoint 2: counter\s+Old value = 0\s+New value = 41")
        self.assertIn("Thread 1.2 (CPU#1", out)
        self.assertIn("received signal SIGINT", out)
        self.assertEqual(self.proc.wait(timeout=60), 33)
        with open(serial) as f:
            text = f.read()
        self.assertIn("magic=42 counter=41", text)
        self.assertIn("released", text)

    @unittest.skipIf(TCG_SKIP_REASON, TCG_SKIP_REASON)
    def test_scheduler_locking_tcg(self):
        self.scheduler_locking("tcg")

    @unittest.skipIf(KVM_SKIP_REASON, KVM_SKIP_REASON)
    def test_scheduler_locking_kvm(self):
        self.scheduler_locking("kvm")

    def scheduler_locking(self, accel):
        """One thread steps or runs while the other stays stopped: vCPU 2
        counts in ap_tick(), so ap_ticks tells whether it ran."""
        elf = guest_image("gdb-target.elf")
        self.start("-accel", accel, "-S", "-smp", "2", "-no-reboot",
                   "-kernel", guest_image("gdb-target.mb"),
                   "-serial", "file:" + os.path.join(self.tmp, "serial"),
                   "-device", "isa-debug-exit,iobase=0xf4,iosize=4")
        out = gdb_batch([
            self.target(),
            "break *compute",
            "continue",
            "delete",
            "p ap_ticks",                           # $1
            "set scheduler-locking step",
            "stepi",
            "next",
            "next",
            "p ap_ticks",                           # $2: vCPU 2 stood
            "p/x $pc",                              # $3
            "set scheduler-locking on",
            "thread 2",
            "break *ap_tick",
            "continue",
            "p ap_ticks",                           # $4
            "continue",
            "p ap_ticks",                           # $5 = $4 + 1
            "stepi",
            "info threads",
            "thread 1",
            "p/x $pc",                              # $6 = $3
            "monitor info status",
            "delete",
            "set scheduler-locking off",
            "set var release = 1",
            "detach",
        ], elf=elf, timeout=120)
        vals = dict(re.findall(r"^\$(\d+) = (\S+)", out, re.M))
        self.assertEqual(len(vals), 6, out)
        self.assertEqual(vals["1"], vals["2"], out)
        self.assertEqual(int(vals["5"]), int(vals["4"]) + 1, out)
        self.assertEqual(vals["3"], vals["6"], out)
        self.assertRegex(out, r"Thread 2 hit Breakpoint 2, (0x[0-9a-f]+ in )?"
                              r"ap_tick \(\)")
        self.assertRegex(out, r"\* 2\s+Thread 1\.2 \(CPU#1 \[running\]\)")
        self.assertIn("VM status: paused (debug)", out)
        self.assertEqual(self.proc.wait(timeout=60), 33)

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="kemu-gdb-")
        self.addCleanup(shutil.rmtree, self.tmp, True)


@unittest.skipIf(GDB_SKIP, GDB_SKIP)
class TestGdbLinux(KemuWithMonitor):
    """The Debian kernel with nokaslr: stop at start_kernel, read the
    banner. The addresses come from the guest's own /proc/kallsyms, read
    in a first boot (Debian's System.map is a placeholder)."""

    @unittest.skipIf(TCG_SKIP_REASON, TCG_SKIP_REASON)
    def test_start_kernel_tcg(self):
        self.start_kernel("tcg")

    @unittest.skipIf(KVM_SKIP_REASON, KVM_SKIP_REASON)
    def test_start_kernel_kvm(self):
        self.start_kernel("kvm")

    def start_kernel(self, accel):
        import kemu_linux
        status, out = kemu_linux.boot(
            binary(), ["-accel", accel],
            "grep -w -e start_kernel -e linux_banner /proc/kallsyms\n")
        self.assertEqual(status, 0, out[-2000:])
        syms = {m.group(2): int(m.group(1), 16) for m in
                re.finditer(r"^([0-9a-f]{16}) \w (start_kernel|linux_banner)$",
                             out, re.M)}
        self.assertEqual(set(syms), {"start_kernel", "linux_banner"}, out)
        self.start("-accel", accel, "-S", "-M", "pc", "-m", "512",
                   "-no-reboot", "-kernel", kemu_linux.kernel(),
                   "-initrd", kemu_linux.initramfs("true\n"),
                   "-append", kemu_linux.APPEND)
        # Under KVM an int3 placed now would be overwritten when the
        # kernel decompresses itself: a debug register, as with QEMU.
        brk = "hbreak" if accel == "kvm" else "break"
        out = gdb_batch([self.target(),
                         f"{brk} *{syms['start_kernel']:#x}", "continue",
                         "p/x $rip", f"x/s {syms['linux_banner']:#x}",
                         "detach"], timeout=600)
        self.assertIn(f"= {syms['start_kernel']:#x}", out)
        self.assertIn("Linux version 6.1", out)


if __name__ == "__main__":
    unittest.main()
