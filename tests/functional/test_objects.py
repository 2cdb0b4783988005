# SPDX-License-Identifier: GPL-2.0-or-later
"""-object with the host memory backends (memory-backend-ram and
memory-backend-memfd) and -machine memory-backend=ID: the listing, a
guest booted on backend RAM, and QEMU's errors."""
import unittest

from kemu_guest import (GUEST_SKIP_REASON, guest_accel_args, guest_image,
                        run_kemu)

PASS = 33
PROG = "kemu-system-x86_64: "


def qtest_run(*args):
    return run_kemu(["-accel", "qtest", "-display", "none", "-nodefaults",
                     "-S"] + list(args), timeout=30)


class TestObjectErrors(unittest.TestCase):
    def fails(self, *args):
        r = qtest_run(*args)
        self.assertEqual(r.returncode, 1, r)
        return r.stderr

    def test_help_lists_backends(self):
        r = run_kemu(["-object", "help"])
        self.assertEqual(r.returncode, 0, r)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], "List of user creatable objects:")
        self.assertIn("  memory-backend-memfd", lines)
        self.assertIn("  memory-backend-ram", lines)
        self.assertNotIn("  memory-backend", lines)   # abstract

    def test_size_mismatch(self):
        err = self.fails("-object", "memory-backend-ram,id=m,size=256M",
                         "-machine", "memory-backend=m", "-m", "128M")
        self.assertIn(PROG + "Machine memory size does not match the size "
                      "of the memory backend", err)

    def test_missing_size(self):
        err = self.fails("-object", "memory-backend-ram,id=m")
        self.assertIn(PROG + "-object memory-backend-ram,id=m: Parameter "
                      "'size' is missing", err)

    def test_zero_size(self):
        err = self.fails("-object", "memory-backend-memfd,id=m,size=0")
        self.assertIn("property 'size' of memory-backend-memfd doesn't take "
                      "value '0'", err)

    def test_duplicate_id(self):
        err = self.fails("-object", "memory-backend-ram,id=m,size=1M",
                         "-object", "memory-backend-ram,id=m,size=2M")
        self.assertIn(PROG + "-object memory-backend-ram,id=m,size=2M: "
                      "Duplicate ID 'm' for object", err)

    def test_unknown_type(self):
        err = self.fails("-object", "memory-backend-foo,id=m")
        self.assertIn(PROG + "-object memory-backend-foo,id=m: Parameter "
                      "'qom-type' does not accept value 'memory-backend-foo'",
                      err)

    def test_abstract_type(self):
        err = self.fails("-object", "memory-backend,id=m,size=1M")
        self.assertIn("Parameter 'qom-type' does not accept value "
                      "'memory-backend'", err)

    def test_unknown_property(self):
        err = self.fails("-object", "memory-backend-ram,id=m,size=1M,bogus=1")
        self.assertIn("Invalid parameter 'bogus'", err)

    def test_backend_not_found(self):
        err = self.fails("-machine", "memory-backend=nope")
        self.assertIn(PROG + "Memory backend 'nope' not found", err)

    def test_memfd_bad_hugetlbsize(self):
        err = self.fails("-object",
                         "memory-backend-memfd,id=m,size=2M,hugetlbsize=3M")
        self.assertIn("property 'hugetlbsize' of memory-backend-memfd "
                      "doesn't take value", err)

    def test_backend_without_machine_use_is_fine(self):
        r = run_kemu(["-accel", "qtest", "-display", "none", "-nodefaults",
                      "-object", "memory-backend-memfd,id=m,size=4M,seal=off",
                      "-device", "isa-debug-exit", "-qtest", "stdio"],
                     input="outb 0x501 0x0\n", timeout=30)
        self.assertEqual(r.returncode, 1, r)   # isa-debug-exit: (0 << 1) | 1
        self.assertNotIn("error", r.stderr.lower())

    def test_machine_help_lists_memory_backend(self):
        r = run_kemu(["-M", "pc,help"])
        self.assertIn("memory-backend=<link<memory-backend>>", r.stdout)


@unittest.skipIf(GUEST_SKIP_REASON, GUEST_SKIP_REASON)
class TestBackendRam(unittest.TestCase):
    """boot-check prints the RAM the multiboot memory map reports."""

    def boot(self, backend, *args, mib=256):
        r = run_kemu(["-kernel", guest_image("boot-check.mb"),
                      "-append", "marker=kemu-boot-check",
                      "-display", "none", "-serial", "stdio", "-no-reboot"] +
                     guest_accel_args() + [
                      "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
                      "-object", backend, "-machine", "memory-backend=m"] +
                     list(args), timeout=60)
        msg = f"status {r.returncode}\nstdout:\n{r.stdout}\nstderr:\n{r.stderr}"
        self.assertEqual(r.returncode, PASS, msg)
        self.assertIn("TEST PASS", r.stdout, msg)
        kib = int(r.stdout.split("ram-total-kib ")[1].split()[0])
        self.assertTrue((mib - 8) * 1024 <= kib <= mib * 1024, msg)

    def test_ram_backend_with_matching_m(self):
        self.boot("memory-backend-ram,id=m,size=256M", "-m", "256M")

    def test_ram_backend_sets_the_size(self):
        # Without -m the backend's size is the RAM size.
        self.boot("memory-backend-ram,id=m,size=192M", mib=192)

    def test_ram_backend_options(self):
        self.boot("memory-backend-ram,id=m,size=256M,share=on,prealloc=on,"
                  "merge=off,dump=off,reserve=off", "-m", "256")

    def test_memfd_backend(self):
        self.boot("memory-backend-memfd,id=m,size=256M", "-m", "256M")

    def test_memfd_backend_private(self):
        self.boot("memory-backend-memfd,id=m,size=128M,share=off,seal=off",
                  mib=128)

    def test_ram_above_4g(self):
        # 3.5 GiB and more: the split puts 3 GiB low and the rest at 4 GiB.
        self.boot("memory-backend-ram,id=m,size=4G", "-m", "4G", mib=4096)


if __name__ == "__main__":
    unittest.main()
