# SPDX-License-Identifier: GPL-2.0-or-later
"""Named CPU models against QEMU 7.2's: tests/guest/cpuid-dump.c prints
every CPUID leaf under kemu and under qemu-system-x86_64 (both -accel
tcg, -smp 1) and the two must agree on identity (vendor, family, model,
stepping, brand string, levels), caches (leaves 2, 4, 0x80000005/6,
0x8000001D) and on every feature bit both translators implement (the
bits of each one's -cpu max); a bit only one of them can do is dropped
by the other's TCG filter, with the warning. Also "-cpu help" and the
warnings."""
import concurrent.futures
import re
import shutil
import subprocess
import unittest

from kemu_guest import BINARY, TCG_SKIP_REASON, guest_image

MODELS = ["qemu32", "kvm64", "Nehalem", "Westmere", "SandyBridge",
          "IvyBridge", "Haswell", "Haswell-noTSX", "Broadwell",
          "Skylake-Client", "Skylake-Server", "Cascadelake-Server",
          "Icelake-Server", "EPYC", "EPYC-Rome", "EPYC-Milan"]
LINE = re.compile(r"cpuid ([0-9a-f]{8}) ([0-9a-f]{8}): ([0-9a-f]{8}) "
                  r"([0-9a-f]{8}) ([0-9a-f]{8}) ([0-9a-f]{8})")
# (leaf, subleaf, register index) of feature words, compared under the
# common mask
FEATURE_REGS = [(1, 0, 2), (1, 0, 3), (6, 0, 0), (7, 0, 1), (7, 0, 2),
                (7, 0, 3), (7, 1, 0), (0xd, 1, 0), (0x80000001, 0, 2),
                (0x80000001, 0, 3), (0x80000007, 0, 3), (0x80000008, 0, 1)]
# compared whole
EXACT = [(0, 0), (2, 0), (0x80000000, 0), (0x80000002, 0),
         (0x80000003, 0), (0x80000004, 0), (0x80000005, 0),
         (0x80000006, 0)] + [(4, s) for s in range(5)] + \
        [(0x8000001d, s) for s in range(5)]


def dump(emulator, cpu):
    # the dump guest runs in long mode: qemu32 gets lm on both sides
    if cpu == "qemu32":
        cpu = "qemu32,+lm"
    r = subprocess.run([emulator, "-accel", "tcg", "-M", "pc", "-m", "64",
                        "-display", "none", "-no-reboot", "-serial", "stdio",
                        "-kernel", guest_image("cpuid-dump.mb"), "-device",
                        "isa-debug-exit,iobase=0xf4,iosize=4", "-cpu", cpu],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=60, stdin=subprocess.DEVNULL)
    if "cpuid-dump done" not in r.stdout:
        raise AssertionError(f"{emulator} -cpu {cpu}: {r.stdout[-2000:]}"
                             f"{r.stderr[-2000:]}")
    leaves = {}
    for m in LINE.finditer(r.stdout):
        leaves[(int(m.group(1), 16), int(m.group(2), 16))] = \
            [int(m.group(i), 16) for i in range(3, 7)]
    return leaves, r.stderr


def get(leaves, leaf, sub):
    return leaves.get((leaf, sub), [0, 0, 0, 0])


class CpuModels(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.qemu = shutil.which("qemu-system-x86_64")

    def test_help_lists_models(self):
        r = subprocess.run([BINARY, "-cpu", "help"], stdout=subprocess.PIPE,
                           text=True, timeout=30)
        out = r.stdout
        for m in MODELS:
            if m == "Haswell-noTSX":
                self.assertIn("x86 Haswell-noTSX         (alias of Haswell-v2)",
                              out)
                continue
            self.assertRegex(out, rf"\nx86 {re.escape(m)} +\(alias "
                                  r"configured by machine type\)\n")
            self.assertRegex(out, rf"\nx86 {re.escape(m)}-v1 +\S")
        self.assertIn("x86 Haswell-v1            Intel Core Processor "
                      "(Haswell)\n", out)
        names = [l.split()[1] for l in out.splitlines()
                 if l.startswith("x86 ")]
        self.assertEqual(names[-2:], ["host", "max"])
        self.assertEqual(names[:-2], sorted(names[:-2]))

    def test_unknown_model(self):
        r = subprocess.run([BINARY, "-cpu", "Haswell-v9"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertIn("unable to find CPU model 'Haswell-v9'", r.stderr)

    def test_filter_warning(self):
        """Haswell asks for AVX2; TCG without it says so, QEMU's way."""
        if TCG_SKIP_REASON:
            self.skipTest(TCG_SKIP_REASON)
        leaves, err = dump(BINARY, "Haswell")
        kmax, _ = dump(BINARY, "max")
        if not get(kmax, 7, 0)[1] & (1 << 5):
            self.assertIn("warning: TCG doesn't support requested feature: "
                          "CPUID.07H:EBX.avx2 [bit 5]", err)
        self.assertFalse(get(leaves, 7, 0)[1] & ~get(kmax, 7, 0)[1])

    def test_topoext_leaves_in_range(self):
        """topoext promises 0x8000001D/E: the extended level covers them
        (Linux divided by zero reading past it under -cpu max)."""
        if TCG_SKIP_REASON:
            self.skipTest(TCG_SKIP_REASON)
        for cpu in ("max", "EPYC"):
            leaves, _ = dump(BINARY, cpu)
            if get(leaves, 0x80000001, 0)[2] & (1 << 22):
                self.assertGreaterEqual(get(leaves, 0x80000000, 0)[0],
                                        0x8000001e, cpu)
                self.assertEqual(get(leaves, 0x8000001d, 3)[0] & 0x1f, 3,
                                 cpu)

    def test_models_match_qemu(self):
        if TCG_SKIP_REASON:
            self.skipTest(TCG_SKIP_REASON)
        if not self.qemu:
            self.skipTest("qemu-system-x86_64 (package qemu-system-x86) is "
                          "not installed")
        # two at a time: the runs are independent
        jobs = [(e, m) for m in ["max"] + MODELS for e in (BINARY, self.qemu)]
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            res = dict(zip(jobs, pool.map(lambda j: dump(*j)[0], jobs)))
        kmax, qmax = res[(BINARY, "max")], res[(self.qemu, "max")]
        diffs = []
        for model in MODELS:
            k, q = res[(BINARY, model)], res[(self.qemu, model)]
            for leaf, sub in EXACT:
                if get(k, leaf, sub) != get(q, leaf, sub):
                    diffs.append(f"{model} {leaf:#x}.{sub}: kemu "
                                 f"{[hex(v) for v in get(k, leaf, sub)]} "
                                 f"qemu {[hex(v) for v in get(q, leaf, sub)]}")
            # leaf 1: version and the CLFLUSH line size exactly
            if get(k, 1, 0)[0] != get(q, 1, 0)[0] or \
                    (get(k, 1, 0)[1] ^ get(q, 1, 0)[1]) & 0xff00:
                diffs.append(f"{model} leaf 1 eax/ebx differ")
            for leaf, sub, reg in FEATURE_REGS:
                mask = get(kmax, leaf, sub)[reg] & get(qmax, leaf, sub)[reg]
                kv, qv = get(k, leaf, sub)[reg], get(q, leaf, sub)[reg]
                if (kv ^ qv) & mask:
                    diffs.append(f"{model} {leaf:#x}.{sub} reg {reg}: kemu "
                                 f"{kv & mask:#x} qemu {qv & mask:#x} "
                                 f"(common mask {mask:#x})")
        self.assertEqual(diffs, [], "\n".join(diffs))


if __name__ == "__main__":
    unittest.main()
