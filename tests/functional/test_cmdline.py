# SPDX-License-Identifier: GPL-2.0-or-later
"""The command line: every option of the foundation issue, its help
output, and the one-line QEMU-style errors (exit status 1) for bad values.
Machines that must run use the qtest accelerator, so no KVM is needed."""
import os
import signal
import socket
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kemu_test import PROG, QmpStream, QTest, run  # noqa: E402

QT = ["-accel", "qtest", "-display", "none", "-nodefaults"]


class CmdlineCase(unittest.TestCase):
    def assertError(self, args, message, exact=True):
        """kemu exits 1 and its first stderr line is PROG: message."""
        r = run(args)
        self.assertEqual(r.status, 1, r)
        lines = r.err_lines()
        self.assertTrue(lines, r)
        if exact:
            self.assertEqual(lines[0], f"{PROG}: {message}", r)
        else:
            self.assertIn(message, lines[0], r)
        return r

    def assertHelp(self, args, *needles):
        r = run(args)
        self.assertEqual(r.status, 0, r)
        for n in needles:
            self.assertIn(n, r.out, r)
        return r


class TestGrammar(CmdlineCase):
    def test_invalid_option(self):
        self.assertError(["-foo"], "-foo: invalid option")
        self.assertError(["--foo"], "--foo: invalid option")
        self.assertError(["-nodefaults", "-bogus-opt", "x"],
                         "-bogus-opt: invalid option")

    def test_missing_argument(self):
        self.assertError(["-m"], "-m: requires an argument")
        self.assertError(["-nodefaults", "--smp"], "--smp: requires an argument")
        self.assertError(["-qtest"], "-qtest: requires an argument")

    def test_double_dash_and_value_with_dash(self):
        # --version works like -version; an argument may start with "-".
        self.assertHelp(["--version"], "version")
        self.assertError(QT + ["-append", "-v"],
                         "-append only allowed with -kernel option")

    def test_version(self):
        r = self.assertHelp(["-version"])
        lines = r.out.splitlines()
        self.assertRegex(lines[0], rf"^{PROG} version \S+ \(kemu\)$")
        self.assertIn("Copyright", lines[1])

    def test_help(self):
        for opt in ("-h", "-help", "--help"):
            r = self.assertHelp([opt], "usage:")
            for o in ("-machine", "-M ", "-cpu", "-accel", "-enable-kvm",
                      "-smp", "-m [size=]", "-name", "-uuid", "-device",
                      "-global", "-object", "-nodefaults", "-chardev",
                      "-serial", "-debugcon", "-display", "-nographic",
                      "-kernel", "-append", "-initrd", "-bios", "-S ",
                      "-no-reboot", "-no-shutdown", "-d item", "-D ",
                      "-qtest dev", "-qtest-log", "-version"):
                self.assertIn(o, r.out, f"{o} missing from {opt}")


class TestMachine(CmdlineCase):
    def test_machine_help(self):
        r = self.assertHelp(["-M", "help"], "Supported machines are:")
        self.assertRegex(r.out, r"\npc +.*\(alias of pc-i440fx-7.2\)")
        self.assertRegex(r.out, r"\npc-i440fx-7.2 +.*\(default\)")
        self.assertRegex(r.out, r"\nq35 +.*\(alias of pc-q35-7.2\)")
        self.assertHelp(["-machine", "help"], "Supported machines are:")

    def test_machine_props_help(self):
        self.assertHelp(["-M", "pc,help"], "pc-i440fx-7.2-machine options:",
                        "kernel-irqchip=", "acpi=", "hpet=")

    def test_unknown_machine(self):
        r = self.assertError(["-M", "foo"], "unsupported machine type")
        self.assertIn("Use -machine help to list supported machines", r.err)

    def test_q35_not_built(self):
        self.assertError(["-M", "q35"],
                         "-M q35: machine type 'q35' is not built yet")
        self.assertError(["-machine", "type=q35"],
                         "-machine type=q35: machine type 'q35' is not "
                         "built yet")

    def test_unknown_property(self):
        self.assertError(QT + ["-M", "pc,foo=bar"],
                         "Property 'pc-i440fx-7.2-machine.foo' not found")

    def test_bad_property_values(self):
        self.assertError(QT + ["-M", "pc,kernel-irqchip=sideways"],
                         "Parameter 'kernel-irqchip' does not accept value "
                         "'sideways'")
        self.assertError(QT + ["-M", "pc,hpet=maybe"],
                         "Parameter 'hpet' expects 'on' or 'off'")

    def test_good_properties_run(self):
        with QTest(["-M", "pc,kernel-irqchip=split,acpi=off,hpet=off"]) as q:
            self.assertEqual(q.cmd("endianness"), "OK little")


class TestMemory(CmdlineCase):
    def test_bad_size(self):
        r = self.assertError(QT + ["-m", "12X"],
                             "-m 12X: Parameter 'size' expects a "
                             "non-negative number below 2^64")
        self.assertIn("Optional suffix k, M, G, T, P or E", r.err)

    def test_maxmem_below_size(self):
        self.assertError(QT + ["-m", "1G,maxmem=512M"],
                         "invalid value of maxmem: maximum memory size "
                         "(0x20000000) must be at least the initial memory "
                         "size (0x40000000)")

    def test_slots_without_maxmem(self):
        self.assertError(QT + ["-m", "1G,slots=2"],
                         "slots specified but no max-size")

    def test_unknown_key(self):
        self.assertError(QT + ["-m", "1G,foo=1"],
                         "-m 1G,foo=1: Invalid parameter 'foo'")

    def test_sizes_run(self):
        # 64 MiB without suffix; the last byte of RAM is writable.
        with QTest(["-m", "64"]) as q:
            q.ok("writeb 0x3ffffff 0x77")
            self.assertEqual(int(q.ok("readb 0x3ffffff"), 0), 0x77)
        with QTest(["-m", "size=96M,slots=2,maxmem=1G"]) as q:
            q.ok("writeb 0x5fffff0 0x1")


class TestSmp(CmdlineCase):
    def test_mismatch(self):
        self.assertError(QT + ["-smp", "4,sockets=2,cores=1,threads=1"],
                         "Invalid CPU topology: product of the hierarchy "
                         "must match maxcpus: sockets (2) * dies (1) * "
                         "cores (1) * threads (1) != maxcpus (4)")
        self.assertError(QT + ["-smp", "cpus=4,maxcpus=2,sockets=1"],
                         "Invalid CPU topology: maxcpus must be equal to or "
                         "greater than smp: sockets (1) * dies (1) * "
                         "cores (2) * threads (1) == maxcpus (2) < "
                         "smp_cpus (4)")

    def test_too_many(self):
        self.assertError(QT + ["-smp", "300"],
                         "Invalid SMP CPUs 300. The max CPUs supported by "
                         "machine 'pc-i440fx-7.2' is 255")

    def test_bad_keys(self):
        self.assertError(QT + ["-smp", "1,foo=2"],
                         "Parameter 'smp.foo' is unexpected")
        self.assertError(QT + ["-smp", "two"],
                         "Parameter 'smp.cpus' expects integer")

    def test_good_topology_runs(self):
        with QTest(["-smp", "4,sockets=2,cores=2"]) as q:
            self.assertEqual(q.cmd("endianness"), "OK little")


class TestCpuAccel(CmdlineCase):
    def test_cpu_help(self):
        self.assertHelp(["-cpu", "help"], "qemu64", "max", "host")

    def test_accel_help(self):
        self.assertHelp(["-accel", "help"], "kvm", "qtest")

    def test_invalid_accel(self):
        self.assertError(["-accel", "foo"], "-accel foo: invalid accelerator foo")
        self.assertError(["-M", "accel=foo"], "invalid accelerator foo")

    def test_invalid_accel_falls_back(self):
        # As QEMU: an unknown name is reported and the next one is tried.
        for args in (["-accel", "foo", "-accel", "qtest"],
                     ["-M", "accel=foo:qtest"]):
            r = run(args + ["-display", "none", "-qtest", "stdio"],
                    timeout=30, input="")
            self.assertEqual(r.status, 0, r)   # qtest ends at EOF
            self.assertIn("invalid accelerator foo", r.err, r)
            self.assertIn("falling back to QTest", r.err, r)
            self.assertNotIn("kemu-system-x86_64: -accel qtest", r.err, r)

    def test_parallel(self):
        r = run(QT + ["-parallel", "none", "-qtest", "stdio"], input="")
        self.assertEqual(r.status, 0, r)
        self.assertError(QT + ["-parallel", "stdio"],
                         "-parallel stdio: parallel ports are not available "
                         "in kemu yet; only 'none' is accepted")

    def test_accel_and_machine_accel(self):
        self.assertError(["-accel", "qtest", "-M", "accel=qtest"],
                         'The -accel and "-machine accel=" options are '
                         'incompatible')


class TestDevices(CmdlineCase):
    def test_device_help(self):
        self.assertHelp(["-device", "help"], "isa-debug-exit")

    def test_device_props_help(self):
        self.assertHelp(["-device", "isa-debug-exit,help"], "iobase=",
                        "iosize=")

    def test_unknown_device(self):
        self.assertError(QT + ["-device", "foo"],
                         "-device foo: 'foo' is not a valid device model "
                         "name")

    def test_debug_exit_status_and_global(self):
        with QTest(["-device", "isa-debug-exit"]) as q:
            q.sock.sendall(b"outb 0x501 0x2\n")
            q.proc.wait(timeout=30)
            self.assertEqual(q.proc.returncode, (2 << 1) | 1)
        with QTest(["-global", "isa-debug-exit.iobase=0x510",
                    "-device", "isa-debug-exit"]) as q:
            q.sock.sendall(b"outb 0x510 0x0\n")
            q.proc.wait(timeout=30)
            self.assertEqual(q.proc.returncode, 1)


class TestKernel(CmdlineCase):
    def test_append_initrd_without_kernel(self):
        self.assertError(QT + ["-append", "console=ttyS0"],
                         "-append only allowed with -kernel option")
        self.assertError(QT + ["-initrd", "/etc/hostname"],
                         "-initrd only allowed with -kernel option")

    def test_missing_kernel(self):
        self.assertError(QT + ["-kernel", "/nonexistent/bzImage"],
                         "could not open kernel file '/nonexistent/bzImage'",
                         exact=False)

    def test_not_a_kernel(self):
        with tempfile.NamedTemporaryFile(suffix=".img") as f:
            f.write(b"this is not a kernel\n" * 1000)
            f.flush()
            r = run(QT + ["-kernel", f.name])
            self.assertEqual(r.status, 1, r)
            self.assertIn("kernel", r.err.lower(), r)


class TestMisc(CmdlineCase):
    def test_uuid(self):
        self.assertError(QT + ["-uuid", "xyz"],
                         "-uuid xyz: failed to parse UUID string: wrong "
                         "format")
        self.assertError(QT + ["-uuid", "12345678-1234-1234-1234-123456789abcd"],
                         "-uuid 12345678-1234-1234-1234-123456789abcd: "
                         "failed to parse UUID string: wrong format")
        with QTest(["-uuid", "12345678-1234-1234-1234-123456789abc",
                    "-name", "guest=vm1,process=kemu-vm1"]) as q:
            self.assertEqual(q.cmd("endianness"), "OK little")

    def test_name(self):
        self.assertError(QT + ["-name", "foo,bar=1"],
                         "-name foo,bar=1: Invalid parameter 'bar'")

    def test_display(self):
        self.assertError(QT + ["-display", "gtk"],
                         "Display 'gtk' is not available.")
        self.assertError(QT + ["-display", "foo"],
                         "-display foo: Parameter 'type' does not accept "
                         "value 'foo'")
        self.assertHelp(["-display", "help"], "none")

    def test_log_help(self):
        self.assertHelp(["-d", "help"], "guest_errors", "unimp")
        r = run(QT + ["-d", "nonsense"])
        self.assertEqual(r.status, 1, r)

    def test_chardev_help_and_errors(self):
        self.assertHelp(["-chardev", "help"], "stdio", "null", "file")
        r = run(QT + ["-serial", "file:/nonexistent/dir/x"])
        self.assertEqual(r.status, 1, r)
        self.assertIn("-serial file:/nonexistent/dir/x:", r.err_lines()[0])


class TestRtc(CmdlineCase):
    def rtc_regs(self, q):
        """Year, month, day, hour, minute, second as the guest reads them
        (BCD, 24-hour: the RTC's reset format)."""
        regs = []
        for idx in (9, 8, 7, 4, 2, 0):
            q.ok(f"outb 0x70 {idx}")
            v = int(q.ok("inb 0x71"), 0)
            regs.append((v >> 4) * 10 + (v & 15))
        return regs

    def test_errors(self):
        self.assertError(QT + ["-rtc", "driftfix=foo"],
                         "-rtc driftfix=foo: invalid option value 'foo'")
        self.assertError(QT + ["-rtc", "clock=foo"],
                         "-rtc clock=foo: invalid option value 'foo'")
        self.assertError(QT + ["-rtc", "foo=bar"],
                         "-rtc foo=bar: Invalid parameter 'foo'")
        for bad in ("foo", "2006-13-01", "2006-06-32", "2006-06-17T24:00:00",
                    "2006-06-17T16:01:21x", "1899-12-31", "2200-01-01",
                    "2006-06-17T16:01", "-1-01-01"):
            r = self.assertError(QT + ["-rtc", f"base={bad}"],
                                 f"-rtc base={bad}: invalid datetime format")
            self.assertIn("valid formats: '2006-06-17T16:01:21' or "
                          "'2006-06-17'", r.err)
        # What a policy means differs per device, as in QEMU.
        self.assertError(QT + ["-global", "mc146818rtc.lost_tick_policy=delay"],
                         "Invalid lost tick policy.", exact=False)
        self.assertError(QT + ["-global", "isa-pit.lost_tick_policy=merge"],
                         "Parameter 'lost_tick_policy' does not accept "
                         "value 'merge'", exact=False)

    def test_help(self):
        self.assertHelp(["-rtc", "help"], "rtc options:", "base=<str>",
                        "clock=<str>", "driftfix=<str>")
        self.assertHelp(["-help"], "-rtc [base=utc|localtime|date]")

    def test_base_date(self):
        with QTest(["-rtc", "base=2006-06-17T16:01:21,driftfix=slew"]) as q:
            self.assertEqual(self.rtc_regs(q), [6, 6, 17, 16, 1, 21])
            q.ok("clock_step 5000000000")
            self.assertEqual(self.rtc_regs(q), [6, 6, 17, 16, 1, 26])
        with QTest(["-rtc", "base=2099-12-31,clock=vm,driftfix=none"]) as q:
            self.assertEqual(self.rtc_regs(q), [99, 12, 31, 0, 0, 0])
            q.ok("outb 0x70 0x32")      # century byte
            self.assertEqual(q.ok("inb 0x71"), "0x0020")

    def test_base_utc_and_localtime(self):
        for base in ("utc", "localtime"):
            with QTest(["-rtc", f"base={base}"]) as q:
                year = self.rtc_regs(q)[0]
                self.assertGreaterEqual(year, 24)

    def test_rtc_reset_reinjection(self):
        """driftfix=slew: ten periodic interrupts left unacknowledged owe
        nine; after an acknowledgement the next comes a quarter period
        later, unless QMP rtc-reset-reinjection forgot them."""
        period = 1000000000 // 1024
        for reset in (False, True):
            with tempfile.TemporaryDirectory() as d:
                path = os.path.join(d, "qmp.sock")
                with QTest(["-rtc", "driftfix=slew",
                            "-qmp", f"unix:{path},server=on,wait=off"]) as q:
                    s = socket.socket(socket.AF_UNIX)
                    s.settimeout(30)
                    s.connect(path)
                    qmp = QmpStream(s)
                    qmp.ret("qmp_capabilities")
                    q.ok("irq_intercept_in /machine/ioapic")
                    q.ok("clock_set 1000000")
                    for reg, val in ((0x0a, 0x26), (0x0b, 0x42)):
                        q.outb(0x70, reg)
                        q.outb(0x71, val)
                    q.ok(f"clock_step {period * 10 + period // 2}")
                    self.assertTrue(q.irqs.get(8))
                    if reset:
                        self.assertEqual(qmp.ret("rtc-reset-reinjection"),
                                         {})
                    q.outb(0x70, 0x0c)
                    q.inb(0x71)                     # acknowledge
                    self.assertFalse(q.irqs.get(8))
                    q.ok(f"clock_step {period // 4 + 1000}")
                    q.ok("endianness")              # collect IRQ lines
                    self.assertEqual(bool(q.irqs.get(8)), not reset)
                    s.close()

    def test_clock_host_runs_without_the_virtual_clock(self):
        # clock=host: the RTC follows the host's time, not clock_step.
        with QTest(["-rtc", "base=2006-06-17,clock=host"]) as q:
            q.ok("clock_step 10000000000")
            self.assertLess(self.rtc_regs(q)[5], 10)


class TestRunstate(CmdlineCase):
    def _signal(self, sig):
        q = QTest()
        self.assertEqual(q.cmd("endianness"), "OK little")
        res = q.close(sig)
        self.assertEqual(res.status, 0, res)
        self.assertIn(f"{PROG}: terminating on signal {int(sig)} from pid "
                      f"{os.getpid()} (", res.err, res)

    def test_sigterm(self):
        self._signal(signal.SIGTERM)

    def test_sigint(self):
        self._signal(signal.SIGINT)

    def test_sighup(self):
        self._signal(signal.SIGHUP)

    def test_no_reboot(self):
        # A keyboard-controller reset pulse ends the process under -no-reboot.
        with QTest(["-no-reboot"]) as q:
            q.sock.sendall(b"outb 0x64 0xfe\n")
            q.proc.wait(timeout=30)
            self.assertEqual(q.proc.returncode, 0)

    def test_reset_keeps_running(self):
        with QTest() as q:
            q.ok("writeb 0x100000 0x33")
            q.ok("outb 0x64 0xfe")
            # Still answering after the reset was processed.
            self.assertEqual(q.cmd("endianness"), "OK little")
            self.assertIsNone(q.proc.poll())

    def test_start_paused(self):
        with QTest(["-S"]) as q:
            self.assertEqual(q.cmd("endianness"), "OK little")

    def test_qtest_log(self):
        with tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, "qtest.log")
            with QTest(["-qtest-log", log]) as q:
                q.ok("writeb 0x100000 0x1")
            with open(log) as f:
                text = f.read()
            self.assertRegex(text, r"\[R \+\d+\.\d+\] writeb 0x100000 0x1")
            self.assertRegex(text, r"\[S \+\d+\.\d+\] OK")


class TestCharOutputs(CmdlineCase):
    def test_debugcon_file(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "debugcon.txt")
            with QTest(["-debugcon", "file:" + path]) as q:
                for c in b"hi!":
                    q.outb(0xe9, c)
            with open(path, "rb") as f:
                self.assertEqual(f.read(), b"hi!")

    def test_serial_file(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "com1.txt")
            with QTest(["-serial", "file:" + path]) as q:
                for c in b"OK\n":
                    q.outb(0x3f8, c)
            with open(path, "rb") as f:
                self.assertEqual(f.read(), b"OK\n")

    def test_nographic_serial_on_stdout(self):
        q = QTest(["-nographic"], nodefaults=False)
        for c in b"KEMU":
            q.outb(0x3f8, c)
        res = q.close()
        self.assertIn("KEMU", res.out, res)


if __name__ == "__main__":
    unittest.main()
