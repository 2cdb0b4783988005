# SPDX-License-Identifier: GPL-2.0-or-later
"""-bios: a tiny ROM (tests/guest/rom/rom.S, 64 KiB and 256 KiB) starts at
the reset vector below 4 GiB, reads its signatures through the legacy
alias at 0xe0000-0xfffff, checks that a write to the ROM is ignored, and
exits through isa-debug-exit (status 33 on success, 65 on failure); plus
the errors for missing and badly sized files, and -kernel with -bios."""
import os
import shutil
import subprocess
import tempfile
import unittest

from kemu_guest import (GUEST_SKIP_REASON, guest_accel_args, guest_image,
                        run_kemu)

PASS = 33


def rom_args(path, *extra, accel=None):
    accel = accel or guest_accel_args()
    return ["-bios", path] + accel + ["-display", "none", "-nodefaults",
            "-debugcon", "stdio", "-no-reboot",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=4"] + list(extra)


@unittest.skipIf(GUEST_SKIP_REASON, GUEST_SKIP_REASON)
class TestBiosRom(unittest.TestCase):
    def boot(self, name, *extra):
        r = run_kemu(rom_args(guest_image(name), *extra), timeout=60)
        msg = f"status {r.returncode}\nstdout:\n{r.stdout}\nstderr:\n{r.stderr}"
        self.assertEqual(r.returncode, PASS, msg)
        self.assertIn("rom: reset vector reached\n", r.stdout, msg)
        self.assertIn("rom: f000 signature ok\n", r.stdout, msg)
        self.assertIn("rom: write ignored, read-only ok\n", r.stdout, msg)
        self.assertNotIn("FAIL", r.stdout, msg)
        return r

    def test_rom_64k(self):
        r = self.boot("rom-64k.bin")
        # 64 KiB of ROM alias only 0xf0000-0xfffff: no e000 check.
        self.assertNotIn("e000", r.stdout)

    def test_rom_256k(self):
        r = self.boot("rom-256k.bin")
        # The whole 128 KiB alias: segment 0xe000 shows the ROM too.
        self.assertIn("rom: e000 signature ok\n", r.stdout)

    def test_rom_with_more_ram(self):
        # RAM under the alias must not hide the ROM.
        self.boot("rom-256k.bin", "-m", "1G")

    def test_kernel_with_bios_warns(self):
        r = self.boot("rom-64k.bin", "-kernel", guest_image("hello.mb"))
        self.assertIn("warning: -kernel is ignored when -bios is given",
                      r.stderr)


@unittest.skipUnless(shutil.which("qemu-system-x86_64"), "no QEMU")
class TestBiosRomQemu(unittest.TestCase):
    def test_roms_under_qemu(self):
        # The reference: the same ROMs pass under QEMU.
        for name in ("rom-64k.bin", "rom-256k.bin"):
            # QEMU has TCG where the host has no KVM.
            r = subprocess.run(["qemu-system-x86_64"] +
                               rom_args(guest_image(name), accel=[
                                   "-machine", "accel=kvm:tcg"]),
                               stdin=subprocess.DEVNULL, capture_output=True,
                               text=True, timeout=60)
            self.assertEqual(r.returncode, PASS, r)
            self.assertIn("read-only ok", r.stdout)


class TestBiosErrors(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def file_of(self, name, size):
        path = os.path.join(self.tmp.name, name)
        with open(path, "wb") as f:
            f.truncate(size)
        return path

    def fails(self, path, detail=""):
        # qtest needs no KVM: the ROM is loaded while the machine is built.
        r = run_kemu(["-bios", path, "-accel", "qtest", "-display", "none",
                      "-nodefaults"], timeout=30)
        self.assertEqual(r.returncode, 1, r.stderr)
        # QEMU: "qemu: could not load PC BIOS 'FILE'"
        self.assertIn(f"kemu-system-x86_64: could not load PC BIOS '{path}'"
                      f"{detail}", r.stderr)
        return r

    def test_kernel_with_bios_warns_under_qtest(self):
        # The warning comes while the machine is built: no guest needed.
        r = run_kemu(["-bios", guest_image("rom-64k.bin"), "-accel", "qtest",
                      "-display", "none", "-nodefaults", "-S",
                      "-kernel", guest_image("hello.mb"), "-monitor", "stdio"],
                     input="quit\n", timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("warning: -kernel is ignored when -bios is given",
                      r.stderr)

    def test_missing_file(self):
        self.fails(os.path.join(self.tmp.name, "nonexistent.bin"))

    def test_directory(self):
        self.fails(self.tmp.name)

    def test_not_a_multiple_of_64k(self):
        self.fails(self.file_of("odd.bin", 1000),
                   ": size 1000 is not a multiple of 64 KiB up to 16 MiB")

    def test_empty(self):
        self.fails(self.file_of("empty.bin", 0), ": size 0 is not")

    def test_too_large(self):
        size = 16 * 1024 * 1024 + 64 * 1024
        self.fails(self.file_of("big.bin", size), f": size {size} is not")


if __name__ == "__main__":
    unittest.main()
