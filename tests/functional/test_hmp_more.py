# SPDX-License-Identifier: GPL-2.0-or-later
"""More HMP commands, outputs checked against what QEMU 7.2 prints for the
same machine: info mtree [-f], info qtree, info qom-tree, info
hotpluggable-cpus, nmi (tests/guest/nmi.c), log and logfile, x and xp in
every format on the guest image's own bytes, print with $reg."""
import os
import re
import subprocess
import tempfile
import time
import unittest

from kemu_guest import (BINARY, GUEST_SKIP_REASON, KVM_SKIP_REASON, HmpStdioCase,
                        guest_accel_args, guest_image)
from kemu_test import PROMPT, Hmp

ADDR = 0x100000          # where a multiboot a.out-kludge image is loaded
BIOS = "/usr/share/qemu/qboot.rom"


class HmpMoreCase(HmpStdioCase):

    def wait_serial(self, path, text, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            with open(path, errors="replace") as f:
                if text in f.read():
                    return
            self.assertLess(time.monotonic(), deadline, f"no {text!r}")
            time.sleep(0.2)

    def booted(self):
        """hello.mb after it ran (paging on, identity map), then stopped."""
        with open(guest_image("hello.mb"), "rb") as f:
            image = f.read()
        d = tempfile.mkdtemp()
        self.addCleanup(lambda: (os.unlink(os.path.join(d, "s")),
                                 os.rmdir(d)))
        serial = os.path.join(d, "s")
        mon = self.start("-kernel", guest_image("hello.mb"),
                         "-serial", f"file:{serial}")
        self.wait_serial(serial, "TEST PASS")
        mon.cmd("stop")
        return mon, image

    def check_x_xp(self, mon, img):
        """x and xp in every format on the image's first bytes (paging is
        off or an identity map, so x and xp read the same)."""
        # The multiboot header magic sits in the image's first 16 bytes.
        magic = img.index(bytes.fromhex("02b0ad1b"))
        self.assertLess(magic, 16)
        self.assertEqual(mon.cmd(f"xp/xw {ADDR + magic:#x}"),
                         "%016x: 0x1badb002\n" % (ADDR + magic))

        def units(size, n):
            return [int.from_bytes(img[i * size:(i + 1) * size], "little")
                    for i in range(n)]

        def signed(v, size):
            return v - (1 << 64) if size == 8 and v >> 63 else v

        def coct(v):        # C's %#o: a leading 0, and plain 0 for zero
            return "0%o" % v if v else "0"

        head = "%016x:" % ADDR
        sizes = {"b": 1, "h": 2, "w": 4, "g": 8}
        # Field widths as QEMU 7.2 prints them (see its memory_dump).
        for cmd in ("x", "xp"):
            for u, size in sizes.items():
                n = 16 // size
                vals = units(size, n)
                per_line = 8 if size == 1 else 16 // size
                expect = {
                    "x": ["0x%0*x" % (size * 2, v) for v in vals],
                    "u": ["%*d" % ((size * 80 + 32) // 33, v) for v in vals],
                    "d": ["%*d" % ((size * 80 + 32) // 33, signed(v, size))
                          for v in vals],
                    "o": [coct(v).rjust((size * 8 + 2) // 3) for v in vals],
                }
                for f, words in expect.items():
                    lines = []
                    for i in range(0, n, per_line):
                        lines.append("%016x: " % (ADDR + i * size) +
                                     " ".join(words[i:i + per_line]))
                    with self.subTest(cmd=cmd, fmt=f + u):
                        self.assertEqual(mon.cmd(f"{cmd}/{n}{f}{u} {ADDR:#x}"),
                                         "\n".join(lines) + "\n")
        # QEMU 7.2 printed exactly this for the unsigned/octal corner cases.
        self.assertEqual(mon.cmd(f"xp/3ob {ADDR:#x}"),
                         head + " " + " ".join(coct(b).rjust(3)
                                               for b in img[:3]) + "\n")

        def char(b):
            c = chr(b)
            if c == "'":
                return "'\\''"
            if c == "\\":
                return "'\\\\'"
            return f"'{c}'" if 32 <= b < 127 else "'\\x%02x'" % b

        self.assertEqual(mon.cmd(f"xp/8cb {ADDR:#x}"),
                         head + " " + " ".join(char(b) for b in img[:8]) +
                         "\n")
        # c keeps the sticky unit size for the length and the line (8
        # bytes a line for b, 16 otherwise) but shows single bytes.
        self.assertEqual(mon.cmd(f"x/10cb {ADDR:#x}"), head + " " +
                         " ".join(char(b) for b in img[:8]) + "\n" +
                         "%016x: " % (ADDR + 8) +
                         " ".join(char(b) for b in img[8:10]) + "\n")
        self.assertEqual(mon.cmd(f"x/4cw {ADDR:#x}"), head + " " +
                         " ".join(char(b) for b in img[:16]) + "\n")


class TestHmpMore(HmpMoreCase):
    """A machine, no guest code: qtest (and KVM again where it exists)."""

    def test_x_xp_formats_stopped(self):
        # The loader put the image in RAM; the CPU has not run (-S).
        with open(guest_image("hello.mb"), "rb") as f:
            img = f.read()
        self.check_x_xp(self.stopped(), img)

    def test_mtree(self):
        out = self.start("-bios", BIOS, "-S").cmd("info mtree")
        self.assertIn("address-space: memory\n"
                      "  0000000000000000-ffffffffffffffff (prio 0, i/o): "
                      "system\n"
                      "    0000000000000000-0000000007ffffff (prio 0, ram): "
                      "alias ram-below-4g @pc.ram "
                      "0000000000000000-0000000007ffffff\n"
                      "    0000000000000000-ffffffffffffffff (prio -1, i/o): "
                      "pci\n", out)
        for line in (
                "      00000000000f0000-00000000000fffff (prio 1, rom): "
                "alias isa-bios @pc.bios 0000000000000000-000000000000ffff",
                "      00000000ffff0000-00000000ffffffff (prio 0, rom): "
                "pc.bios",
                "    00000000000a0000-00000000000bffff (prio 1, i/o): "
                "alias smram-region @pci 00000000000a0000-00000000000bffff",
                "address-space: I/O",
                "  0000000000000000-000000000000ffff (prio 0, i/o): io",
                "    0000000000000070-0000000000000071 (prio 0, i/o): rtc",
                "    00000000000003f8-00000000000003ff (prio 0, i/o): serial",
                "    0000000000000cf8-0000000000000cfb (prio 0, i/o): "
                "pci-conf-idx",
                "    0000000000000cfc-0000000000000cff (prio 0, i/o): "
                "pci-conf-data",
                "    0000000000000080-0000000000000080 (prio 0, i/o): "
                "ioport80",
                "memory-region: pc.ram",
                "  0000000000000000-0000000007ffffff (prio 0, ram): pc.ram",
                "memory-region: pc.bios",
                "memory-region: pci"):
            self.assertIn(line + "\n", out)
        # Every range line has QEMU's shape.
        for line in out.splitlines():
            if line.strip() and not line.startswith(("address-space: ",
                                                     "memory-region: ")):
                self.assertRegex(line, r"^(  )+[0-9a-f]{16}-[0-9a-f]{16} "
                                 r"\(prio -?\d+, (i/o|ram|rom|romd)\): \S")

    def test_mtree_flat(self):
        out = self.start("-bios", BIOS, "-S").cmd("info mtree -f")
        views = out.split("\n\n")
        mem = next(v for v in views if ' AS "memory", root: system\n' in v)
        self.assertRegex(mem, r"^FlatView #\d+\n")
        self.assertIn(" Root memory region: system\n", mem)
        # 128 MiB of RAM around the VGA hole and the BIOS; RAM and ROM
        # ranges are KVM memslots under KVM and say so (" KVM"), as in
        # QEMU 7.2.
        for line in (r"0000000000000000-000000000009ffff \(prio 0, ram\): "
                     r"pc\.ram",
                     r"00000000000f0000-00000000000fffff \(prio 0, rom\): "
                     r"pc\.bios",
                     r"0000000000100000-0000000007ffffff \(prio 0, ram\): "
                     r"pc\.ram @0000000000100000",
                     r"00000000fed00000-00000000fed003ff \(prio 0, i/o\): "
                     r"hpet",
                     r"00000000ffff0000-00000000ffffffff \(prio 0, rom\): "
                     r"pc\.bios"):
            kvm = "" if "i/o" in line or self.accel != "kvm" else " KVM"
            self.assertRegex(mem, "(?m)^  " + line + kvm + "$")
        io = next(v for v in views if ' AS "I/O", root: io\n' in v)
        self.assertIn("  00000000000003f8-00000000000003ff (prio 0, i/o): "
                      "serial\n", io)

    def test_qtree(self):
        out = self.stopped().cmd("info qtree")
        self.assertTrue(out.startswith("bus: main-system-bus\n"
                                       "  type System\n"), out)
        for text in ('\n  dev: i440FX-pcihost, id ""\n'
                     '    bus: pci.0\n      type PCI\n',
                     '\n      dev: PIIX3, id ""\n',
                     "        class ISA bridge, addr 00:01.0, pci id "
                     "8086:7000 (sub 1af4:1100)\n",
                     "        bus: isa.0\n          type ISA\n",
                     '\n          dev: mc146818rtc, id ""\n',
                     "            irq = 8 (0x8)\n",
                     '\n          dev: isa-serial, id ""\n',
                     "            iobase = 1016 (0x3f8)\n",
                     '\n      dev: i440FX, id ""\n',
                     "        class Host bridge, addr 00:00.0, pci id "
                     "8086:1237 (sub 1af4:1100)\n",
                     '\n      dev: PIIX4_PM, id ""\n',
                     '\n  dev: hpet, id ""\n'):
            self.assertIn(text, out)

    def test_qom_tree(self):
        mon = self.stopped("-smp", "2")
        out = mon.cmd("info qom-tree")
        self.assertTrue(out.startswith("/machine (pc-i440fx-7.2-machine)\n"),
                        out)
        for line in ("  /i440fx (i440FX-pcihost)", "    /pci.0 (PCI)",
                     "  /peripheral (container)",
                     "  /peripheral-anon (container)",
                     "  /unattached (container)",
                     "    /device[0] (qemu64-x86_64-cpu)",
                     "      /lapic (%s)" % ("kvm-apic" if self.accel == "kvm"
                                      else "apic"),
                     "    /sysbus (System)"):
            self.assertIn(line + "\n", out)
        self.assertEqual(out.count("(qemu64-x86_64-cpu)\n"), 2)
        for line in out.splitlines():
            self.assertRegex(line, r"^(  )*/\S+ \([\w.-]+\)$")
        sub = mon.cmd("info qom-tree /machine/unattached")
        self.assertTrue(sub.startswith("/unattached (container)\n"), sub)

    def test_hotpluggable_cpus(self):
        out = self.stopped("-smp", "2,maxcpus=4").cmd(
            "info hotpluggable-cpus")
        self.assertTrue(out.startswith("Hotpluggable CPUs:\n"), out)
        entries = re.findall(
            r'  type: "qemu64-x86_64-cpu"\n  vcpus_count: "1"\n'
            r'(?:  qom_path: "([^"]+)"\n)?  CPUInstance Properties:\n'
            r'    socket-id: "0"\n    core-id: "(\d)"\n'
            r'    thread-id: "0"\n', out)
        self.assertEqual(len(entries), 4, out)
        # Newest slot first; only the two plugged CPUs have a qom_path.
        self.assertEqual([c for _, c in entries], ["3", "2", "1", "0"])
        self.assertEqual(entries[0][0], "")
        self.assertEqual(entries[1][0], "")
        self.assertRegex(entries[2][0], r"^/machine/unattached/device\[\d+\]$")
        self.assertEqual(entries[3][0], "/machine/unattached/device[0]")
        self.assertEqual(out.count("\n"), 1 + 2 * 6 + 2 * 7)

    def test_log_logfile(self):
        help_out = subprocess.run([BINARY, "-d", "help"], text=True,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT).stdout
        items = re.findall(r"^(\w+) {2,}\S", help_out, re.M)
        self.assertIn("guest_errors", items)
        self.assertIn("cpu_reset", items)
        mon = self.stopped()
        with tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, "log")
            self.assertEqual(mon.cmd(f"logfile {log}"), "")
            for item in items:
                self.assertEqual(mon.cmd(f"log {item}"), "", item)
            self.assertEqual(mon.cmd("log guest_errors,unimp"), "")
            self.assertEqual(mon.cmd("log none"), "")
            # A bad item answers with the item list, as QEMU's monitor.
            for bad in ("log foo", "log guest_errors,foo"):
                out = mon.cmd(bad)
                self.assertTrue(out.startswith("Log items (comma separated):"
                                               "\nnone "), out)
                for item in items:
                    self.assertIn(f"\n{item} ", out)
            # cpu_reset reaches the file named by logfile.
            self.assertEqual(mon.cmd("log cpu_reset"), "")
            self.assertEqual(mon.cmd("system_reset"), "")
            mon.cmd("info status")
            self.assertEqual(mon.cmd("log none"), "")
            with open(log) as f:
                self.assertIn("EIP=0000fff0", f.read())


@unittest.skipIf(KVM_SKIP_REASON, KVM_SKIP_REASON)
class TestHmpMoreKVM(HmpMoreCase):
    """The same machine under KVM: memslots and the in-kernel LAPIC."""
    accel = "kvm"
    test_mtree_flat = TestHmpMore.test_mtree_flat
    test_qom_tree = TestHmpMore.test_qom_tree


@unittest.skipIf(GUEST_SKIP_REASON, GUEST_SKIP_REASON)
class TestHmpMoreGuest(HmpMoreCase):
    """Guest code runs: KVM or TCG."""
    accel = None

    def test_nmi(self):
        with tempfile.TemporaryDirectory() as d:
            serial = os.path.join(d, "serial")
            p = subprocess.Popen(
                [BINARY, "-display", "none"] + guest_accel_args() +
                ["-monitor", "stdio", "-serial", f"file:{serial}", "-no-reboot",
                 "-kernel", guest_image("nmi.mb"),
                 "-device", "isa-debug-exit,iobase=0xf4,iosize=4"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL)
            self.addCleanup(self.stop, p)
            mon = Hmp(p.stdout.fileno(), lambda b: (p.stdin.write(b),
                                                     p.stdin.flush()))
            mon.read_until(PROMPT)
            self.wait_serial(serial, "waiting for NMI")
            with open(serial) as f:
                self.assertNotIn("NMI received", f.read())
            mon.write(b"nmi\n")
            self.assertEqual(p.wait(timeout=60), 33)
            with open(serial) as f:
                out = f.read()
            self.assertIn("NMI received\n", out)
            self.assertIn("TEST PASS", out)

    def test_x_xp_formats(self):
        mon, img = self.booted()
        self.check_x_xp(mon, img)
        # i: the long-mode CPU decodes the image's first instructions.
        dis = mon.cmd(f"xp/3i {ADDR:#x}").splitlines()
        self.assertEqual(len(dis), 3)
        pc = ADDR
        for line in dis:
            m = re.match(r"^0x([0-9a-f]{8}):  ((?:[0-9a-f]{2} )+) +\S", line)
            self.assertTrue(m, line)
            self.assertEqual(int(m[1], 16), pc)
            code = bytes.fromhex(m[2].replace(" ", ""))
            self.assertEqual(code, img[pc - ADDR:pc - ADDR + len(code)])
            pc += len(code)
        self.assertEqual(mon.cmd(f"x/2i {ADDR:#x}").splitlines(), dis[:2])

    def test_print_regs(self):
        mon, _ = self.booted()
        regs = mon.cmd("info registers")
        rip = int(re.search(r"RIP=([0-9a-f]{16})", regs)[1], 16)
        rax = int(re.search(r"RAX=([0-9a-f]{16})", regs)[1], 16)
        self.assertEqual(mon.cmd("print/x $pc"), "%#x\n" % rip)
        self.assertEqual(mon.cmd("p/d $pc"), "%d\n" % rip)
        self.assertEqual(mon.cmd("p/x $eax"), "%#x\n" % (rax & 0xffffffff))
        self.assertEqual(mon.cmd("p/x $pc + 0x10"), "%#x\n" % (rip + 0x10))
        self.assertEqual(mon.cmd("p/x $nosuchreg"),
                         "unknown register\n"
                         'Try "help print" for more information\n')


if __name__ == "__main__":
    unittest.main()
