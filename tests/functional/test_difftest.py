# SPDX-License-Identifier: GPL-2.0-or-later
"""Differential tests: instruction sequences run on the host CPU and under
kemu's TCG must leave the same registers, defined flags, exception and
memory (tests/difftest/). Seeds are fixed so a failure reproduces:
tests/difftest/difftest.py --families F --seed N --count N.
KEMU_DIFFTEST_SEED=N runs another seed."""
import os
import shutil
import sys
import unittest

from kemu_guest import BINARY, BUILD, TCG_SKIP_REASON, TOP

sys.path.insert(0, os.path.join(TOP, "tests", "difftest"))
import difftest  # noqa: E402

SEEDS = [int(os.environ.get("KEMU_DIFFTEST_SEED", "1"))]
COUNT = 1000


class DiffTest(unittest.TestCase):
    def run_family(self, family):
        if TCG_SKIP_REASON:
            self.skipTest(TCG_SKIP_REASON)
        for seed in SEEDS:
            try:
                difftest.run_family(family, seed, COUNT, BUILD, BINARY,
                                    ["-accel", "tcg"])
            except difftest.Mismatch as e:
                self.fail(str(e))


for _fam in difftest.FAMILIES:
    setattr(DiffTest, f"test_{_fam}",
            lambda self, f=_fam: self.run_family(f))


class FeatureGateTest(unittest.TestCase):
    """Decode by the model: with its CPUID bit off, every instruction of
    a family is #UD (the FXSAVE image and memory are then the inputs)."""

    def check_all_ud(self, family, cpu):
        if TCG_SKIP_REASON:
            self.skipTest(TCG_SKIP_REASON)
        import tempfile
        with tempfile.TemporaryDirectory() as work:
            _, image, meta = difftest.build(family, 3, 200, BUILD, work)
            out = difftest.run_guest(BINARY, ["-accel", "tcg", "-cpu", cpu],
                                     image, work)
        vectors = [difftest.RESULT.unpack_from(out, i * difftest.RESULT.size)
                   [17] for i in range(len(meta))]
        self.assertEqual(len(vectors), 200)
        wrong = [meta[i]["asm"][:80] for i, v in enumerate(vectors)
                 if v != 6]
        self.assertEqual(wrong, [])

    def test_crypto_needs_its_bits(self):
        self.check_all_ud("crypto", "max,-aes,-pclmulqdq,-sse4.2")

    def test_sha_needs_sha_ni(self):
        self.check_all_ud("sha", "max,-sha-ni")


class HarnessTest(unittest.TestCase):
    """The harness itself, against a translator known to be right on these
    families (QEMU 7.2's TCG), so that a change to gen.py's flag masks or
    the runners cannot make the kemu tests pass or fail for the wrong
    reason."""

    def test_harness_against_qemu(self):
        qemu = shutil.which("qemu-system-x86_64")
        if not qemu:
            self.skipTest("qemu-system-x86_64 (package qemu-system-x86) is "
                          "not installed")
        # not x87/MMX: QEMU's are not bit-exact to hardware there
        # (difftest.HOST_EXACT_FAMILIES), which is what kemu is tested for
        for fam in difftest.FAMILIES:
            if fam in difftest.HOST_EXACT_FAMILIES:
                continue
            difftest.run_family(fam, 7, 200, BUILD, qemu, ["-accel", "tcg"])

    def test_mismatch_is_reported(self):
        """A wrong result must fail: compare a run against a corrupted copy."""
        import tempfile
        with tempfile.TemporaryDirectory() as work:
            host, image, meta = difftest.build("alu", 1, 20, BUILD, work)
            good = difftest.run_host(host)
            bad = bytearray(good)
            bad[0] ^= 1                      # rax of case 0
            with self.assertRaises(difftest.Mismatch) as cm:
                difftest.compare("alu", 1, meta, good, bytes(bad))
            self.assertIn("case 0", str(cm.exception))
            self.assertIn("rax", str(cm.exception))
            self.assertEqual(difftest.compare("alu", 1, meta, good, good), 20)
            # the x87/SSE state is compared too: XMM3 and ST(2) of case 1
            # (DiffResult: regs, flags, vector, mem, then the FXSAVE image
            # at 400 and the YMM upper halves at 912)
            fx = difftest.RESULT.size + 400
            for off, name in ((160 + 3 * 16 + 5, "xmm3"), (32 + 2 * 16 + 9,
                                                          "st2"),
                              (512 + 4 * 16 + 3, "ymm4[255:128]")):
                bad = bytearray(good)
                bad[fx + off] ^= 0x40
                with self.assertRaises(difftest.Mismatch) as cm:
                    difftest.compare("alu", 1, meta, good, bytes(bad))
                self.assertIn("case 1", str(cm.exception))
                self.assertIn(name, str(cm.exception))


if __name__ == "__main__":
    unittest.main()
