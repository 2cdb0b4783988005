# SPDX-License-Identifier: GPL-2.0-or-later
"""`info registers` against QEMU 7.2 for the same CPU state.

Under KVM (or TCG where there is no KVM) both run tests/guest/regstate.c, which sets every general
register but RSP and RFLAGS to known values and stays on `cli; hlt`; the
two dumps must have the same lines, field names, order and layout, and
the values the guest set must agree. Under TCG (once kemu has it) both
start the same -bios ROM with -S, single-step it the same number of times
through the gdbstub and must print byte-identical dumps."""
import os
import re
import select
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

from kemu_guest import (BINARY, GUEST_ACCEL, GUEST_SKIP_REASON,
                        TCG_SKIP_REASON, guest_image)

QEMU = shutil.which("qemu-system-x86_64")
QBOOT = "/usr/share/qemu/qboot.rom"
PROMPT = b"(qemu) "
ANSI = re.compile(rb"\x1b\[[0-9;]*[A-Za-z]")


def qemu_skip_reason():
    if GUEST_SKIP_REASON:
        return GUEST_SKIP_REASON
    if not QEMU:
        return "qemu-system-x86_64 is not installed"
    if not os.path.exists(QBOOT):
        return f"{QBOOT} is missing"
    return None


class Vm:
    """One emulator with its serial on stdout and HMP on a unix socket."""

    def __init__(self, test, binary, args):
        d = tempfile.mkdtemp(prefix="kemu-regs-")
        test.addCleanup(shutil.rmtree, d, True)
        self.dir = d
        sock = os.path.join(d, "mon.sock")
        self.proc = subprocess.Popen(
            [binary, "-display", "none", "-nodefaults", "-serial", "stdio",
             "-monitor", f"unix:{sock},server=on,wait=off"] + list(args),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
        test.addCleanup(self.close)
        self.serial = b""
        deadline = time.monotonic() + 30
        self.mon = socket.socket(socket.AF_UNIX)
        while True:
            try:
                self.mon.connect(sock)
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"{binary}: no monitor socket: "
                                         f"{self.proc.stderr.read()!r}")
                time.sleep(0.05)
        self.mon.settimeout(30)
        self.rx = b""
        self._until(PROMPT)

    def wait_serial(self, marker, timeout=60):
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while marker not in self.serial:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {marker!r} on serial: "
                                     f"{self.serial!r}")
            if select.select([fd], [], [], left)[0]:
                data = os.read(fd, 4096)
                if not data:
                    raise AssertionError(f"EOF before {marker!r}: "
                                         f"{self.serial!r}")
                self.serial += data

    def _until(self, marker):
        while marker not in self.rx:
            data = self.mon.recv(65536)
            if not data:
                raise AssertionError(f"monitor closed: {self.rx!r}")
            self.rx += data
        i = self.rx.index(marker) + len(marker)
        out, self.rx = self.rx[:i], self.rx[i:]
        return out[:-len(marker)]

    def hmp(self, line):
        """Runs a command; returns its output as text. QEMU's readline
        echoes the line (with cursor escapes) even on a socket: drop it."""
        self.mon.sendall(line.encode() + b"\n")
        out = ANSI.sub(b"", self._until(PROMPT)).decode(errors="replace")
        out = out.replace("\r\n", "\n")
        first, sep, rest = out.partition("\n")
        if sep and first.endswith(line):
            out = rest
        return out

    def close(self):
        try:
            self.mon.close()
        except OSError:
            pass
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()


# Values are hex runs after "=" or between blanks; the flag letters in
# brackets are values too. Field names (A20, FPR0, XMM01...) stay.
VALUE = re.compile(r"(?<=[=\s])[0-9a-f]+(?=[\s\]]|$)", re.M)
FLAGS = re.compile(r"\[[-DOSZAPC]{7}\]")


def skeleton(text):
    return FLAGS.sub("[FLAGS]", VALUE.sub("#", text)).splitlines()


def fields(text):
    """NAME -> list of values: "RAX=..." pairs, segment lines (selector,
    base, limit, flags) and GDT/IDT (base, limit)."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"^(ES|CS|SS|DS|FS|GS|LDT|TR|GDT|IDT) *=\s*(.*)$", line)
        if m:
            out[m.group(1)] = m.group(2).split()
            continue
        for name, val in re.findall(r"([A-Z][A-Z0-9]*) *=([0-9a-f]+)", line):
            out[name] = [val]
    return out


REGSTATE_GPRS = {
    "RAX": "a111111111111111", "RBX": "a222222222222222",
    "RCX": "a333333333333333", "RDX": "a444444444444444",
    "RSI": "a555555555555555", "RDI": "a666666666666666",
    "RBP": "a777777777777777", "R8": "a888888888888888",
    "R9": "a999999999999999", "R10": "aaaaaaaaaaaaaaaa",
    "R11": "abbbbbbbbbbbbbbb", "R12": "accccccccccccccc",
    "R13": "addddddddddddddd", "R14": "aeeeeeeeeeeeeeee",
    "R15": "afffffffffffffff",
}


@unittest.skipIf(qemu_skip_reason(), qemu_skip_reason())
class TestInfoRegistersGuest(unittest.TestCase):
    def boot_both(self, *extra):
        guest = guest_image("regstate.mb")
        # QEMU boots multiboot through qboot; kemu loads it directly
        # (-kernel with -bios needs fw_cfg). The guest's own start-up sets
        # everything compared below, so the firmware leaves no trace.
        qemu = Vm(self, QEMU, ["-accel", GUEST_ACCEL, "-bios", QBOOT,
                               "-kernel", guest] + list(extra))
        kemu = Vm(self, BINARY, ["-accel", GUEST_ACCEL, "-kernel", guest] +
                  list(extra))
        for vm in (qemu, kemu):
            vm.wait_serial(b"regstate ready\n")
            self.assertEqual(vm.hmp("stop"), "")
        return qemu, kemu

    def assert_same_layout(self, q, k):
        qs, ks = skeleton(q), skeleton(k)
        for i, (a, b) in enumerate(zip(qs, ks)):
            self.assertEqual(b, a, f"line {i} differs in layout\nQEMU:\n{q}"
                             f"\nkemu:\n{k}")
        self.assertEqual(len(ks), len(qs), f"QEMU:\n{q}\nkemu:\n{k}")

    def test_layout_and_values(self):
        qemu, kemu = self.boot_both()
        q, k = qemu.hmp("info registers"), kemu.hmp("info registers")
        self.assertTrue(q.startswith("\nCPU#0\nRAX="), q)
        self.assert_same_layout(q, k)
        qf, kf = fields(q), fields(k)
        for name, val in REGSTATE_GPRS.items():
            self.assertEqual(qf[name], [val], f"QEMU {name}\n{q}")
            self.assertEqual(kf[name], [val], f"kemu {name}\n{k}")
        self.assertEqual(kf["RFL"], ["00000cc7"], k)
        for name in ("RIP", "RFL", "CR3", "EFER", "CPL", "HLT"):
            self.assertEqual(kf[name], qf[name], f"{name}\nQEMU:\n{q}\n"
                             f"kemu:\n{k}")
        for name in ("CS", "SS", "DS", "ES", "TR"):
            self.assertEqual(kf[name][0], qf[name][0], f"{name} selector")
        for name in ("GDT", "IDT"):
            self.assertEqual(kf[name], qf[name], f"{name} base and limit")
        # PE and PG: the guest is in long mode on both.
        pe_pg = 0x80000001
        self.assertEqual(int(kf["CR0"][0], 16) & pe_pg, pe_pg, k)
        self.assertEqual(int(qf["CR0"][0], 16) & pe_pg, pe_pg, q)
        # Segment lines in full (base, limit, attributes and decoding)
        # come from the same GDT entries on both.
        for seg in ("CS =", "SS =", "TR ="):
            ql = [l for l in q.splitlines() if l.startswith(seg)]
            kl = [l for l in k.splitlines() if l.startswith(seg)]
            self.assertEqual(kl, ql)

    def test_all_cpus(self):
        qemu, kemu = self.boot_both("-smp", "2")
        q, k = qemu.hmp("info registers -a"), kemu.hmp("info registers -a")
        for out in (q, k):
            self.assertIn("\nCPU#0\n", out)
            self.assertIn("\nCPU#1\n", out)
            self.assertLess(out.index("CPU#0"), out.index("CPU#1"))
        # CPU#0 is the guest's BSP in its known state on both.
        for out in (q, k):
            bsp = fields(out.split("CPU#1")[0])
            for name, val in REGSTATE_GPRS.items():
                self.assertEqual(bsp[name], [val], out)
        # Both blocks have QEMU's shape; the AP still waits for INIT/SIPI
        # in real mode, which prints the 32-bit layout.
        self.assert_same_layout(q, k)


@unittest.skipUnless(QEMU, "qemu-system-x86_64 is not installed")
class TestInfoRegistersReset(unittest.TestCase):
    """No guest code at all: both machines stopped at reset (-S), kemu
    under qtest and QEMU under TCG. The dumps are the same bytes."""

    def dumps(self, cmd, *extra):
        rom = guest_image("rom-64k.bin")
        qemu = Vm(self, QEMU, ["-accel", "tcg", "-bios", rom, "-S"] +
                  list(extra))
        kemu = Vm(self, BINARY, ["-accel", "qtest", "-bios", rom, "-S"] +
                  list(extra))
        return qemu.hmp(cmd), kemu.hmp(cmd)

    def test_one_cpu(self):
        q, k = self.dumps("info registers")
        self.assertIn("EIP=0000fff0", q)
        self.assertEqual(k, q)

    def test_all_cpus(self):
        q, k = self.dumps("info registers -a", "-smp", "2")
        self.assertIn("\nCPU#1\n", q)
        self.assertEqual(k, q)


class Gdb:
    """Minimal gdb remote-protocol client: enough to single-step.

    Mechanism: each emulator gets `-gdb unix:PATH,server=on,wait=off` and
    starts with -S. We send `s` (step one instruction) N times; each reply
    is a stop packet (T05/S05) once the instruction has retired. Both
    emulators then sit paused at the same instruction boundary and
    `info registers` is read from the monitor. QEMU 7.2 masks interrupts
    and timers while stepping by default (qemu.sstepbits), so the steps
    are deterministic; kemu's gdbstub must do the same."""

    def __init__(self, path):
        deadline = time.monotonic() + 30
        self.s = socket.socket(socket.AF_UNIX)
        while True:
            try:
                self.s.connect(path)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.s.settimeout(60)
        self.rx = b""

    def _packet(self):
        while True:
            m = re.search(rb"\$([^#]*)#[0-9a-fA-F]{2}", self.rx)
            if m:
                self.rx = self.rx[m.end():]
                self.s.sendall(b"+")
                return m.group(1)
            data = self.s.recv(4096)
            if not data:
                raise AssertionError("gdbstub closed the connection")
            self.rx += data

    def cmd(self, body):
        csum = sum(body.encode()) & 0xff
        self.s.sendall(b"$%s#%02x" % (body.encode(), csum))
        return self._packet()

    def close(self):
        self.s.close()


TCG_STEPS = 25


@unittest.skipUnless(QEMU, "qemu-system-x86_64 is not installed")
class TestInfoRegistersTcg(unittest.TestCase):
    def setUp(self):
        if TCG_SKIP_REASON:
            self.skipTest(TCG_SKIP_REASON)

    def stepped(self, binary):
        rom = guest_image("rom-64k.bin")
        d = tempfile.mkdtemp(prefix="kemu-gdb-")
        self.addCleanup(shutil.rmtree, d, True)
        path = os.path.join(d, "gdb.sock")
        vm = Vm(self, binary, ["-accel", "tcg", "-bios", rom, "-S",
                               "-gdb", f"unix:{path},server=on,wait=off"])
        gdb = Gdb(path)
        self.addCleanup(gdb.close)
        self.assertTrue(gdb.cmd("?").startswith((b"T", b"S")))
        for _ in range(TCG_STEPS):
            reply = gdb.cmd("s")
            self.assertTrue(reply.startswith((b"T05", b"S05")), reply)
        return vm.hmp("info registers")

    def test_byte_for_byte_after_steps(self):
        q = self.stepped(QEMU)
        k = self.stepped(BINARY)
        self.assertIn("CPU#0", q)
        self.assertEqual(k, q)


if __name__ == "__main__":
    unittest.main()
