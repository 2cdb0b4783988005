# SPDX-License-Identifier: GPL-2.0-or-later
"""./configure takes QEMU's common flags and refuses unknown ones (checked
before meson runs, so nothing is configured here)."""
import os
import subprocess
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def configure(*args):
    return subprocess.run([os.path.join(TOP, "configure")] + list(args),
                          cwd=TOP, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=60)


class TestConfigure(unittest.TestCase):
    def test_help(self):
        r = configure("--help")
        self.assertEqual(r.returncode, 0, r.stderr)
        for flag in ("--prefix=", "--target-list=", "--enable-FEATURE",
                     "--enable-sanitizers", "kvm tcg sdl vnc slirp"):
            self.assertIn(flag, r.stdout)

    def test_unknown_option(self):
        r = configure("--builddir=/nonexistent/kemu", "--frobnicate")
        self.assertEqual(r.returncode, 1)
        self.assertIn("ERROR: unknown option --frobnicate", r.stderr)

    def test_unknown_feature(self):
        r = configure("--builddir=/nonexistent/kemu", "--enable-bogus")
        self.assertEqual(r.returncode, 1)
        self.assertIn("ERROR: unknown option --enable-bogus", r.stderr)

    def test_only_x86_64_softmmu(self):
        r = configure("--builddir=/nonexistent/kemu",
                      "--target-list=x86_64-softmmu,arm-softmmu")
        self.assertEqual(r.returncode, 1)
        self.assertIn("ERROR: unknown target name 'arm-softmmu'", r.stderr)


if __name__ == "__main__":
    unittest.main()
