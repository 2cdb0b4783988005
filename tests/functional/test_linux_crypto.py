# SPDX-License-Identifier: GPL-2.0-or-later
"""The Debian kernel's AES-NI, PCLMULQDQ (GHASH), CRC32C and SHA-NI
drivers under kemu's TCG with -cpu max: their boot-time self tests pass
(/proc/crypto, dmesg) and they agree with the kernel's generic C drivers
on random data through AF_ALG (tests/linux/crypto-check.c)."""
import unittest

from kemu_guest import BINARY, TCG_SKIP_REASON
import kemu_linux

MODULES = ["aesni_intel", "crc32c_intel", "crc32c_generic",
           "ghash_clmulni_intel", "ghash_generic", "sha1_ssse3",
           "sha256_ssse3", "ctr", "ecb", "xts", "algif_hash", "algif_skcipher"]

SCRIPT = r"""
echo "FLAGS=$(grep -m1 ^flags /proc/cpuinfo)"
/crypto-check
{ dmesg | grep -iE "alg:.*(fail|error)"; dmesg | grep -E "WARNING|BUG|Oops"; } \
    || echo DMESG_CLEAN
"""


class LinuxCrypto(unittest.TestCase):
    def test_crypto_drivers_max(self):
        if TCG_SKIP_REASON:
            self.skipTest(TCG_SKIP_REASON)
        check = kemu_linux.static_program("crypto-check.c")
        status, out = kemu_linux.boot(
            BINARY, ["-accel", "tcg", "-cpu", "max"], SCRIPT,
            modules=MODULES, files=[(check, "/crypto-check")])
        tail = out[-4000:]
        self.assertEqual(status, 0, tail)
        flags = next(l for l in out.splitlines() if l.startswith("FLAGS="))
        for f in ("aes", "pclmulqdq", "sse4_2", "sha_ni"):
            self.assertIn(f" {f}", flags)
        self.assertNotIn("init: insmod", out, tail)
        self.assertNotIn("CRYPTO_FAIL", out, tail)
        for word in ("CRYPTO_OK", "DMESG_CLEAN", "reboot: Power down"):
            self.assertIn(word, out, tail)


if __name__ == "__main__":
    unittest.main()
