# SPDX-License-Identifier: GPL-2.0-or-later
"""The Debian 6.1 kernel with a busybox initramfs under kemu's TCG:
CPU count and flags, a clean dmesg, a 64 MiB sha256 round trip through
tmpfs, gzip -9, fork/exec, an exact shared counter under LOCK XADD from
several processes, x87/MMX results bit-identical to the host's (with #MF
as SIGFPE and the state kept across context switches), then power-off
through ACPI."""
import re
import subprocess
import unittest

from kemu_guest import BINARY, TCG_SKIP_REASON
import kemu_linux

WORKLOAD = r"""
echo "CPUS=$(grep -c ^processor /proc/cpuinfo)"
echo "FLAGS=$(grep -m1 ^flags /proc/cpuinfo)"
dd if=/dev/urandom of=/tmp/a bs=1M count=64 2>/dev/null
cp /tmp/a /tmp/b
s1=$(sha256sum /tmp/a | cut -d' ' -f1); s2=$(sha256sum /tmp/b | cut -d' ' -f1)
[ -n "$s1" ] && [ "$s1" = "$s2" ] && echo SHA_OK
head -c 8388608 /tmp/a > /tmp/c; rm /tmp/b
gzip -9 -c /tmp/c > /tmp/c.gz && gunzip -c /tmp/c.gz | cmp - /tmp/c && echo GZIP_OK
i=0; while [ $i -lt 200 ]; do /bin/true || break; i=$((i+1)); done
[ $i -eq 200 ] && echo FORK_OK
/xadd-hammer $(grep -c ^processor /proc/cpuinfo) 200000
/fpu-check
dmesg | grep -E "WARNING|BUG|Oops|unchecked MSR access" || echo DMESG_CLEAN
/ld.so --help | grep -E "x86-64-v[234] "
dmesg | grep "x86/fpu:"
"""


class LinuxTCG(unittest.TestCase):
    def boot(self, cpu, smp):
        if TCG_SKIP_REASON:
            self.skipTest(TCG_SKIP_REASON)
        hammer = kemu_linux.static_program("xadd-hammer.c")
        fpu = kemu_linux.static_program("fpu-check.c", ["-lm"])
        # the host CPU is the oracle for the x87/MMX results
        host = subprocess.run([fpu], stdout=subprocess.PIPE, text=True,
                              check=True).stdout
        fpusum = re.search(r"FPUSUM=\w+", host).group(0)
        status, out = kemu_linux.boot(
            BINARY, ["-accel", "tcg", "-cpu", cpu, "-smp", str(smp)],
            WORKLOAD, files=[(hammer, "/xadd-hammer"), (fpu, "/fpu-check"),
                             ("/lib64/ld-linux-x86-64.so.2", "/ld.so")])
        tail = out[-4000:]
        self.assertEqual(status, 0, tail)
        self.assertIn(f"CPUS={smp}", out, tail)
        for word in ("SHA_OK", "GZIP_OK", "FORK_OK", "XADD_OK",
                     "DMESG_CLEAN", "reboot: Power down", fpusum,
                     "FPU_SIGFPE_OK", "FPU_SWITCH_OK"):
            self.assertIn(word, out, tail)
        flags = next(l for l in out.splitlines() if l.startswith("FLAGS="))
        for f in ("fpu", "mmx", "tsc", "msr", "pae", "cx8", "apic", "sse", "sse2",
                  "syscall", "nx", "lm"):
            self.assertIn(f" {f}", flags)
        if cpu == "max":
            # Under TCG max offers what the translator implements
            # (target/i386/tcg/tcg-features.c): x86-64-v3 with XSAVE, so
            # the kernel switches contexts with XSAVE(OPT/C) and glibc's
            # ld.so (and busybox's string functions) pick AVX2.
            have = set(flags.split(":", 1)[1].split())
            for f in ("ssse3", "sse4_1", "sse4_2", "popcnt", "abm", "bmi1",
                      "bmi2", "adx", "movbe", "cx16", "rdrand", "rdseed",
                      "rdtscp", "fsgsbase", "smep", "smap", "aes",
                      "pclmulqdq", "sha_ni", "xsave", "xsaveopt", "xsavec",
                      "avx", "avx2", "fma", "f16c"):
                self.assertIn(f, have, flags)
            for f in ("la57", "avx512f", "xsaves", "svm", "vmx"):
                self.assertNotIn(f, have, flags)
            self.assertIn("x86-64-v3 (supported, searched)", out, tail)
            self.assertIn("Supporting XSAVE feature 0x004: 'AVX registers'",
                          out, tail)
        return out

    def test_qemu64_smp1(self):
        self.boot("qemu64", 1)

    def test_qemu64_smp2(self):
        self.boot("qemu64", 2)

    def test_max_smp1(self):
        self.boot("max", 1)

    def test_max_smp4(self):
        self.boot("max", 4)


if __name__ == "__main__":
    unittest.main()
