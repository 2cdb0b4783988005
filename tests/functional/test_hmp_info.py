# SPDX-License-Identifier: GPL-2.0-or-later
"""HMP info commands about devices and guest memory (version, pci, pic,
lapic, irq, roms, mem, tlb) on a small direct-boot guest, under the
in-kernel irqchip and the userspace one, checked against the values QEMU
7.2 prints for the same machine state."""
import os
import re
import tempfile
import time
import unittest

from kemu_guest import (GUEST_SKIP_REASON, KVM_SKIP_REASON, HmpStdioCase,
                        guest_image)

USERSPACE = ("-machine", "kernel-irqchip=off")


class HmpInfoCase(HmpStdioCase):

    def check_pic(self, out, ioapic_version):
        lines = out.splitlines()
        self.assertEqual(lines[0],
                         f"ioapic0: ver=0x{ioapic_version:02x} id=0x00 "
                         "sel=0x00")
        # Reset state: every pin masked, edge, fixed, physical.
        for pin in range(24):
            self.assertEqual(lines[1 + pin],
                             f"  pin {pin:<2} 0x0000000000010000 dest=0 "
                             "vec=0   active-hi edge  masked fixed  "
                             "physical")
        self.assertEqual(lines[25], "  IRR      (none)")
        self.assertEqual(lines[26], "  Remote IRR (none)")
        # What pic_firmware_setup leaves after a direct boot.
        self.assertRegex(lines[27], r"^pic1: irr=00 imr=ff isr=00 hprio=0 "
                         r"irq_base=70 rr_sel=0 elcr=[0-9a-f]{2} fnm=0$")
        self.assertRegex(lines[28], r"^pic0: irr=00 imr=fb isr=00 hprio=0 "
                         r"irq_base=08 rr_sel=0 elcr=00 fnm=0$")
        self.assertEqual(len(lines), 29)

    def check_lapic(self, out):
        lines = out.split("\n")
        self.assertEqual(lines[0], "dumping local APIC state for CPU 0 ")
        self.assertEqual(lines[1], "")
        masked = "active-hi edge  masked                      Fixed  (vec 0)"
        for i, name in enumerate(["LVT1", "LVTPC", "LVTERR", "LVTTHMR"]):
            self.assertEqual(lines[3 + i], f"{name}\t 0x00010000 {masked}")
        self.assertEqual(lines[7], "LVTT\t 0x00010000 active-hi edge  masked"
                         "         one-shot     Fixed  (vec 0)")
        self.assertEqual(lines[8], "Timer\t DCR=0x0 (divide by 2) "
                         "initial_count = 0 current_count = 0")
        self.assertEqual(lines[9], "SPIV\t 0x000000ff APIC disabled, "
                         "focus=off, spurious vec 255")
        self.assertEqual(lines[10], "ICR\t 0x00000000 physical edge "
                         "de-assert no-shorthand")
        self.assertRegex(lines[11], r"^ICR2\t 0x00000000 cpu 0 \((X2)?APIC "
                         r"ID\)$")
        self.assertEqual(lines[12:15], ["ESR\t 0x00000000", "ISR\t (none)",
                                        "IRR\t (none)"])
        self.assertEqual(lines[16], "APR 0x00 TPR 0x00 DFR 0x0f LDR 0x00 "
                         "PPR 0x00")


class TestHmpInfo(HmpInfoCase):
    """A machine that exists, no guest code: the qtest accelerator
    (its interrupt controllers are kemu's own)."""

    def test_version(self):
        mon = self.stopped()
        self.assertRegex(mon.cmd("info version"),
                         r"^\d+\.\d+\.\d+ \(kemu\)\n$")

    def test_pci(self):
        out = self.stopped().cmd("info pci")
        functions = re.findall(r"  Bus  0, device +(\d+), function (\d):\n"
                               r"    ([^:]+): PCI device (\w{4}):(\w{4})\n"
                               r"      PCI subsystem 1af4:1100\n", out)
        found = {(int(d), int(f)): (name, f"{v}:{i}")
                 for d, f, name, v, i in functions}
        self.assertEqual(found[(0, 0)], ("Host bridge", "8086:1237"))
        self.assertEqual(found[(1, 0)], ("ISA bridge", "8086:7000"))
        self.assertEqual(found[(1, 3)], ("Bridge", "8086:7113"))
        # PIIX4 PM uses INTA; every function ends with its qdev id.
        pm = out[out.index("device   1, function 3"):]
        self.assertRegex(pm, r"\n      IRQ \d+, pin A\n")
        self.assertEqual(out.count('      id ""\n'), len(functions))

    def test_pic_userspace(self):
        self.check_pic(self.stopped(*USERSPACE).cmd("info pic"), 0x20)

    def test_lapic(self):
        for extra in ((), USERSPACE):
            with self.subTest(extra=extra):
                mon = self.stopped(*extra)
                self.check_lapic(mon.cmd("info lapic"))
                self.check_lapic(mon.cmd("info lapic 0"))
                self.assertEqual(mon.cmd("info lapic 7"),
                                 "No CPU available\n")

    def test_roms(self):
        out = self.stopped().cmd("info roms")
        roms = {m[3]: (int(m[0], 16), int(m[1], 16), m[2]) for m in
                re.findall(r'addr=([0-9a-f]{16}) size=0x([0-9a-f]{6,}) '
                           r'mem=(rom|ram) name="([^"]+)"', out)}
        self.assertEqual(len(roms), len(out.splitlines()))
        self.assertEqual(roms["etc/acpi/rsdp"], (0xf0000, 36, "ram"))
        self.assertEqual(roms["multiboot-kernel"][0], 0x100000)
        self.assertEqual(roms["multiboot-kernel"][2], "ram")
        self.assertIn("etc/acpi/tables", roms)

    def test_roms_bios(self):
        bios = "/usr/share/qemu/qboot.rom"
        if not os.path.exists(bios):
            self.skipTest("no qboot.rom")
        out = self.start("-bios", bios, "-S").cmd("info roms")
        self.assertEqual(out, 'addr=00000000ffff0000 size=0x010000 '
                         f'mem=rom name="{bios}"\n')

    def test_paging_off(self):
        mon = self.stopped()
        self.assertEqual(mon.cmd("info mem"), "PG disabled\n")
        self.assertEqual(mon.cmd("info tlb"), "PG disabled\n")


@unittest.skipIf(KVM_SKIP_REASON, KVM_SKIP_REASON)
class TestHmpInfoKVM(HmpInfoCase):
    """The in-kernel irqchip's state, read back from KVM."""
    accel = "kvm"

    def test_pic_in_kernel(self):
        # KVM's IOAPIC is version 0x11, as QEMU shows it.
        self.check_pic(self.stopped().cmd("info pic"), 0x11)

    def test_lapic(self):
        for extra in ((), USERSPACE):
            with self.subTest(extra=extra):
                mon = self.stopped(*extra)
                self.check_lapic(mon.cmd("info lapic"))
                self.check_lapic(mon.cmd("info lapic 0"))
                self.assertEqual(mon.cmd("info lapic 7"),
                                 "No CPU available\n")


@unittest.skipIf(GUEST_SKIP_REASON, GUEST_SKIP_REASON)
class TestHmpInfoGuest(HmpInfoCase):
    """Guest code runs: KVM or TCG."""
    accel = None

    def test_mem_tlb_irq_after_boot(self):
        """The guest maps 0-4 GiB with 2 MiB user pages, then halts."""
        with tempfile.TemporaryDirectory() as d:
            serial = os.path.join(d, "serial")
            mon = self.start("-kernel", guest_image("hello.mb"),
                             "-serial", f"file:{serial}", *USERSPACE)
            deadline = time.monotonic() + 60
            while True:
                with open(serial) as f:
                    if "TEST PASS" in f.read():
                        break
                self.assertLess(time.monotonic(), deadline, "guest hung")
                time.sleep(0.2)
            mon.cmd("stop")
            self.assertEqual(mon.cmd("info mem"),
                             "0000000000000000-0000000100000000 "
                             "0000000100000000 urw\n")
            tlb = mon.cmd("info tlb").splitlines()
            self.assertEqual(len(tlb), 2048)
            self.assertEqual(tlb[1], "0000000000200000: 0000000000200000 "
                             "--P----UW")
            self.assertEqual(tlb[-1], "00000000ffe00000: 00000000ffe00000 "
                             "--P----UW")
            irq = mon.cmd("info irq")
            self.assertTrue(irq.startswith("IRQ statistics for ioapic:\n"))
            self.assertIn("IRQ statistics for isa-i8259:\n", irq)
            for line in irq.splitlines():
                if not line.startswith("IRQ statistics"):
                    self.assertRegex(line, r"^[ 12]\d: [1-9]\d*$")


if __name__ == "__main__":
    unittest.main()
