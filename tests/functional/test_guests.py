# SPDX-License-Identifier: GPL-2.0-or-later
"""The small test guests (tests/guest/) under KVM, or TCG where there is
no KVM (kemu_guest.GUEST_ACCEL; skipped with the reason printed when
neither exists): serial output, timer
interrupts through the PIC, IOAPIC and LAPIC (in-kernel and userspace
irqchips), SMP bring-up, port and MMIO exits from CPL3, triple fault and
reset, the three direct-boot protocols, and the ACPI tables.

Each guest reports through isa-debug-exit at 0xf4: status 33 is a pass,
35 a failure (the guest prints why)."""
import os
import tempfile
import unittest

from kemu_guest import (GUEST_ACCEL, GUEST_SKIP_REASON, KVM_SKIP_REASON,
                        TCG_SKIP_REASON, guest_accel_args, guest_image,
                        run_kemu)

PASS = 33


class GuestTest(unittest.TestCase):
    accel = None        # None: the guest accelerator (KVM, else TCG)

    def accel_args(self):
        return ["-accel", self.accel] if self.accel else guest_accel_args()

    def boot(self, image, *args, append=None, status=PASS, timeout=60,
             debug_exit=True):
        cmd = ["-kernel", guest_image(image), "-display", "none",
               "-serial", "stdio", "-no-reboot"] + self.accel_args()
        if debug_exit:
            cmd += ["-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
        if append is not None:
            cmd += ["-append", append]
        cmd += list(args)
        r = run_kemu(cmd, timeout=timeout)
        msg = f"exit status {r.returncode}\nstdout:\n{r.stdout}\nstderr:\n{r.stderr}"
        if status is not None:
            self.assertEqual(r.returncode, status, msg)
        if status == PASS:
            self.assertIn("TEST PASS", r.stdout, msg)
        return r


@unittest.skipIf(GUEST_SKIP_REASON, GUEST_SKIP_REASON)
class TestGuests(GuestTest):
    def test_serial_hello(self):
        r = self.boot("hello.mb")
        self.assertIn("hello from the kemu test guest (boot type 3)", r.stdout)

    def test_timers(self):
        r = self.boot("timer.mb")
        self.assertIn("PIT ticks: 20", r.stdout)
        self.assertIn("LAPIC periodic ticks: 20", r.stdout)
        self.assertIn("LAPIC one-shot fired", r.stdout)

    def test_timers_userspace_irqchip(self):
        r = self.boot("timer.mb", "-machine", "kernel-irqchip=off")
        self.assertIn("LAPIC one-shot fired", r.stdout)

    def test_ioapic_routing(self):
        r = self.boot("ioapic.mb")
        self.assertIn("PIT via IOAPIC pin 2: 10", r.stdout)
        self.assertIn("RTC via IOAPIC pin 8: 10", r.stdout)
        self.assertIn("masked pin delivers nothing", r.stdout)

    def test_ioapic_routing_userspace(self):
        r = self.boot("ioapic.mb", "-machine", "kernel-irqchip=off")
        self.assertIn("masked pin delivers nothing", r.stdout)

    def test_hpet_legacy_silences_pit(self):
        r = self.boot("hpet-legacy.mb")
        self.assertIn("no PIT ticks in legacy mode", r.stdout)

    def test_smp_2(self):
        r = self.boot("smp.mb", "-smp", "2", append="cpus=2")
        self.assertIn("cpu 1 online", r.stdout)
        self.assertIn("all 2 CPUs up", r.stdout)

    def test_smp_4(self):
        r = self.boot("smp.mb", "-smp", "4", append="cpus=4", timeout=120)
        for i in (1, 2, 3):
            self.assertIn(f"cpu {i} online", r.stdout)
        self.assertIn("all 4 CPUs up", r.stdout)

    def test_smp_4_userspace_irqchip(self):
        r = self.boot("smp.mb", "-smp", "4", "-machine", "kernel-irqchip=off",
                      append="cpus=4", timeout=120)
        self.assertIn("all 4 CPUs up", r.stdout)

    def test_port_and_mmio_exits(self):
        r = self.boot("exits.mb", "-debugcon", "null", append="iters=2000")
        self.assertIn("port exits: 4000 ok", r.stdout)
        self.assertIn("mmio exits: 4000 ok", r.stdout)

    def test_triple_fault_resets(self):
        cmd = ["-kernel", guest_image("triple-fault.mb"), "-display", "none",
               "-serial", "stdio"] + self.accel_args() + [
               "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
        r = run_kemu(cmd, timeout=60)
        self.assertEqual(r.returncode, PASS, r.stdout + r.stderr)
        self.assertIn("boot 0", r.stdout)
        self.assertIn("boot 1", r.stdout)
        self.assertIn("boot 2", r.stdout)

    def test_triple_fault_no_reboot(self):
        r = self.boot("triple-fault.mb", status=0)
        self.assertIn("triple faulting", r.stdout)
        self.assertNotIn("boot 1", r.stdout)

    def test_acpi_madt_1(self):
        r = self.boot("acpi-walk.mb", append="cpus=1")
        self.assertIn("table APIC", r.stdout)
        self.assertIn("table DSDT", r.stdout)

    def test_acpi_madt_4(self):
        r = self.boot("acpi-walk.mb", "-smp", "4", append="cpus=4")
        for i in range(4):
            self.assertIn(f"MADT cpu apic-id {i}", r.stdout)

    def test_no_shutdown_parks_the_guest(self):
        # -no-shutdown: the guest's S5 pauses the VM; the vCPU that asked
        # must not run on (the demo prints FAIL if it does). SIGTERM ends it.
        import signal
        import subprocess
        import time
        from kemu_guest import BINARY
        p = subprocess.Popen([BINARY] + self.accel_args() +
                             ["-kernel", guest_image("demo.mb"),
                              "-display", "none", "-serial", "stdio", "-no-shutdown"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL, text=True)
        out = ""
        deadline = time.monotonic() + 60
        while "powering off" not in out and time.monotonic() < deadline:
            line = p.stdout.readline()
            if not line:
                break
            out += line
        self.assertIn("powering off", out)
        time.sleep(1)
        self.assertIsNone(p.poll(), "kemu exited despite -no-shutdown")
        p.send_signal(signal.SIGTERM)
        rest, err = p.communicate(timeout=30)
        self.assertEqual(p.returncode, 0, err)
        self.assertNotIn("FAIL", out + rest)
        self.assertIn("terminating on signal 15", err)

    def test_demo_powers_off(self):
        r = self.boot("demo.mb", "-smp", "2", status=0, debug_exit=False)
        self.assertIn("kemu demo guest", r.stdout)
        self.assertIn("vCPUs online : 2 of 2", r.stdout)
        self.assertIn("timer ticks  : 50", r.stdout)

    def test_internal_error_dumps_and_exits(self):
        r = self.boot("int3.mb", status=None)
        if "KVM internal error" not in r.stderr:
            # Hardware KVM: an ordinary #BP the guest handles itself.
            self.assertEqual(r.returncode, PASS, r.stdout + r.stderr)
            self.assertIn("int3 handled by the guest", r.stdout)
            return
        self.assertNotIn(r.returncode, (0, PASS, -9), r.stderr)
        for reg in ("RAX=", "RIP=", "CS =", "CR0=", "EFER="):
            self.assertIn(reg, r.stderr)
        self.assertIn("int3 at CPL0", r.stdout)


@unittest.skipIf(GUEST_SKIP_REASON, GUEST_SKIP_REASON)
class TestCPUModels(GuestTest):
    """Named models start on any host: what KVM cannot give (CPUID bits,
    MSRs it lists but refuses, like IA32_ARCH_CAPABILITIES on some hosts)
    is dropped with one warning per cause, as QEMU's "check" does."""

    def check_model(self, model, *args):
        r = self.boot("hello.mb", "-cpu", model, *args)
        msr_warnings = [l for l in r.stderr.splitlines()
                        if "0x10a" in l or "arch-capabilities" in l]
        self.assertLessEqual(len(msr_warnings), 1, r.stderr)
        return r

    def test_cpu_max(self):
        self.check_model("max")

    def test_cpu_max_smp(self):
        self.check_model("max", "-smp", "2")

    def test_cpu_qemu64(self):
        self.check_model("qemu64")

@unittest.skipIf(TCG_SKIP_REASON, TCG_SKIP_REASON)
class TestGuestsTCG(GuestTest):
    """What the TCG CPU itself implements (under KVM it is the host's)."""
    accel = "tcg"

    def test_x87_errors(self):
        """#MF with CR0.NE; FERR# to IRQ13, cleared at port 0xF0, without
        it (x87-errors.c)."""
        r = self.boot("x87-errors.mb")
        for line in ("#MF with CR0.NE set", "IRQ13 with CR0.NE clear",
                     "IRQ13 held until STI"):
            self.assertIn(line, r.stdout)


@unittest.skipIf(KVM_SKIP_REASON, KVM_SKIP_REASON)
class TestGuestsKVM(GuestTest):
    """What only KVM has: the in-kernel and split irqchips, -cpu host and
    the host's CPUID filtering."""
    accel = "kvm"

    def test_timers_kernel_irqchip_on(self):
        r = self.boot("timer.mb", "-machine", "kernel-irqchip=on")
        self.assertIn("PIT ticks: 20", r.stdout)
        self.assertIn("LAPIC one-shot fired", r.stdout)

    def test_timers_split_irqchip(self):
        r = self.boot("timer.mb", "-machine", "kernel-irqchip=split")
        self.assertIn("LAPIC one-shot fired", r.stdout)

    def test_hpet_legacy_silences_pit(self):
        for mode in ("on", "off", "split"):
            r = self.boot("hpet-legacy.mb", "-machine", f"kernel-irqchip={mode}")
            self.assertIn("no PIT ticks in legacy mode", r.stdout, mode)

    def test_cpu_host(self):
        self.check_model("host")

    check_model = TestCPUModels.check_model

    def test_enforce_fails_cleanly(self):
        # pni (SSE3) on top of the host model: missing on some hosts.
        r = self.boot("hello.mb", "-cpu", "host,pni=on,enforce", status=None)
        if r.returncode == PASS:
            return          # this host has SSE3
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("Host doesn't support requested features", r.stderr)
        self.assertNotIn("TEST PASS", r.stdout)


@unittest.skipIf(GUEST_SKIP_REASON, GUEST_SKIP_REASON)
class TestDirectBoot(GuestTest):
    """One guest, four loaders: what each protocol hands over is checked
    inside the guest; sizes and names are checked here."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        d = self.tmp.name
        self.files = {}
        for name, text in (("initrd", "KEMU-INITRD\n"), ("mod-a", "KEMU-MOD-A\n"),
                           ("mod-b", "KEMU-MOD-B\n")):
            p = os.path.join(d, name)
            with open(p, "w") as f:
                f.write(text * 100)
            self.files[name] = p

    def tearDown(self):
        self.tmp.cleanup()

    def check_ram(self, out, mib):
        kib = int(out.split("ram-total-kib ")[1].split()[0])
        self.assertTrue((mib - 8) * 1024 <= kib <= mib * 1024, out)

    def test_bzimage(self):
        r = self.boot("boot-check.bz", "-m", "256", "-initrd", self.files["initrd"],
                      append="console=ttyS0 marker=kemu-boot-check")
        self.assertIn("booted via linux64", r.stdout)
        self.assertIn("cmdline: console=ttyS0 marker=kemu-boot-check", r.stdout)
        self.assertIn("initrd: KEMU-INITRD (1200 bytes", r.stdout)
        self.check_ram(r.stdout, 256)

    def test_bzimage_32bit_entry(self):
        # No XLF_KERNEL_64: the loader must use the 32-bit protocol entry.
        r = self.boot("boot-check.bz32", "-m", "256", "-initrd", self.files["initrd"],
                      append="marker=kemu-boot-check")
        self.assertIn("booted via linux32", r.stdout)
        self.assertIn("initrd: KEMU-INITRD (1200 bytes", r.stdout)
        self.check_ram(r.stdout, 256)

    def test_pvh(self):
        r = self.boot("boot-check.pvh", "-m", "256", "-initrd", self.files["initrd"],
                      append="marker=kemu-boot-check")
        self.assertIn("booted via pvh", r.stdout)
        self.assertIn("module: KEMU-INITRD (1200 bytes", r.stdout)
        self.check_ram(r.stdout, 256)

    def test_multiboot_aout_kludge(self):
        mods = f"{self.files['mod-a']} first arg,{self.files['mod-b']}"
        r = self.boot("boot-check.mb", "-m", "128", "-initrd", mods,
                      append="marker=kemu-boot-check")
        self.assertIn("booted via multiboot", r.stdout)
        self.assertIn("modules: 2", r.stdout)
        self.assertIn(f"module 0 '{self.files['mod-a']} first arg': KEMU-MOD-A", r.stdout)
        self.assertIn(f"module 1 '{self.files['mod-b']}': KEMU-MOD-B", r.stdout)
        self.check_ram(r.stdout, 128)

    def test_multiboot_elf(self):
        r = self.boot("boot-check.mbelf", "-m", "128", "-initrd", self.files["mod-a"],
                      append="marker=kemu-boot-check")
        self.assertIn("booted via multiboot", r.stdout)
        self.assertIn("modules: 1", r.stdout)
        self.check_ram(r.stdout, 128)


def _root_with(tool):
    import shutil
    if os.geteuid() != 0:
        return f"needs root (for {tool})"
    if not shutil.which(tool):
        return f"{tool} is not installed"
    return None


class TestKVMErrors(unittest.TestCase):
    """Opening KVM fails with QEMU's two-line report and status 1, on any
    machine: KEMU_KVM_DEVICE (test-only) names a missing file, /dev/null
    or a file the user may not open; or /dev is replaced in a private
    mount namespace."""

    def kemu_sh(self, prefix, device=None):
        import subprocess
        from kemu_guest import BINARY
        env = dict(os.environ)
        env.pop("KEMU_KVM_DEVICE", None)
        if device:
            env["KEMU_KVM_DEVICE"] = device
        return subprocess.run(
            prefix + [BINARY, "-accel", "kvm", "-display", "none", "-S",
                      "-nodefaults"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            stdin=subprocess.DEVNULL, timeout=60, env=env)

    def assert_no_kvm(self, r):
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stderr.splitlines(), [
            "Could not access KVM kernel module: No such file or directory",
            "kemu-system-x86_64: -accel kvm: failed to initialize kvm: "
            "No such file or directory"])

    def test_missing_device(self):
        with tempfile.TemporaryDirectory() as d:
            self.assert_no_kvm(self.kemu_sh([], os.path.join(d, "kvm")))

    @unittest.skipIf(_root_with("unshare"), _root_with("unshare"))
    def test_no_dev_kvm(self):
        # The real path, with an empty /dev in a private mount namespace.
        self.assert_no_kvm(self.kemu_sh(
            ["unshare", "--mount", "sh", "-c",
             'd=$(mktemp -d) && mount -t tmpfs none "$d" && '
             'mount --bind "$d" /dev && exec "$@"', "sh"]))

    def test_not_a_kvm_device(self):
        r = self.kemu_sh([], "/dev/null")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stderr.splitlines(), [
            "kvm version too old",
            "kemu-system-x86_64: -accel kvm: failed to initialize kvm: "
            "Inappropriate ioctl for device"])

    @unittest.skipIf(_root_with("setpriv"), _root_with("setpriv"))
    def test_no_permission(self):
        import subprocess
        from kemu_guest import BINARY
        drop = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        if subprocess.run(drop + ["test", "-x", BINARY]).returncode:
            self.skipTest("the build is not reachable for an unprivileged user")
        with tempfile.TemporaryDirectory() as d:
            os.chmod(d, 0o755)
            dev = os.path.join(d, "kvm")
            with open(dev, "w"):
                pass
            os.chmod(dev, 0o600)            # root's only, as /dev/kvm can be
            r = self.kemu_sh(drop, dev)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stderr.splitlines(), [
            "Could not access KVM kernel module: Permission denied",
            "kemu-system-x86_64: -accel kvm: failed to initialize kvm: "
            "Permission denied"])


if __name__ == "__main__":
    unittest.main()
