# SPDX-License-Identifier: GPL-2.0-or-later
"""Choosing the accelerator, as QEMU's users expect it, on machines with
and without KVM, before and after kemu has TCG.

- No -accel: KVM where its device opens, else TCG (QEMU's choice when
  it runs as qemu-kvm); with neither, one line saying so and what to do.
- -accel kvm / -enable-kvm without KVM: QEMU's two lines, status 1.
- A list (-accel kvm -accel tcg, -machine accel=kvm:tcg) falls back to
  the next accelerator and says so only once that one works.
- Nobody is greeted by a monitor of a kemu that is about to fail.

KEMU_KVM_DEVICE (test-only) points kemu at a missing KVM device or at
/dev/null, so every case runs on any machine. Whether TCG is there is
read from -accel help, so the same tests hold once it lands."""
import os
import socket
import subprocess
import time
import select
import tempfile
import unittest

from kemu_guest import BUILD, KVM_MISSING, TOP, kemu_accels
from kemu_test import binary, run

PROG = "kemu-system-x86_64"
HAS_TCG = "tcg" in kemu_accels()
NO_KVM = ["Could not access KVM kernel module: No such file or directory",
          f"{PROG}: -accel kvm: failed to initialize kvm: "
          "No such file or directory"]
BASE = ["-display", "none", "-nodefaults", "-S"]


class AccelCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def env(self, device="missing"):
        """device: "missing" (no KVM), a path, or None (the host's own)."""
        env = dict(os.environ)
        env.pop("KEMU_KVM_DEVICE", None)
        if device == "missing":
            env["KEMU_KVM_DEVICE"] = os.path.join(self.tmp.name, "kvm")
        elif device:
            env["KEMU_KVM_DEVICE"] = device
        return env

    def kemu(self, args, device="missing", input="info kvm\nquit\n"):
        """kemu with the monitor on stdio pipes, answering input."""
        return run(BASE + ["-monitor", "stdio"] + args, input=input,
                   env=self.env(device), timeout=60)

    def assert_runs(self, r, kvm):
        self.assertEqual(r.status, 0, r)
        self.assertIn("kvm support: %s" % ("enabled" if kvm else "disabled"),
                      r.out)


class TestDefaultAccel(AccelCase):
    def test_no_kvm(self):
        r = self.kemu([])
        if HAS_TCG:
            # Nothing to report: this host simply has no KVM.
            self.assertEqual(r.err, "", r)
            self.assert_runs(r, kvm=False)
            return
        self.assertEqual(r.status, 1, r)
        self.assertEqual(r.out, "", "a monitor greeted before the failure")
        lines = r.err_lines()
        self.assertEqual(len(lines), 1, r)
        self.assertTrue(lines[0].startswith(
            f"{PROG}: no accelerator is available: KVM is missing ("), r)
        self.assertIn("kvm: No such file or directory)", lines[0])
        self.assertIn("this kemu has no TCG", lines[0])
        self.assertIn("load the kvm_intel or kvm_amd module", lines[0])
        self.assertIn("pass -accel qtest", lines[0])

    def test_kvm_fails(self):
        # A device that exists but is not KVM: QEMU's report, then TCG.
        r = self.kemu([], device="/dev/null")
        lines = r.err_lines()
        self.assertEqual(lines[:2], [
            "kvm version too old",
            f"{PROG}: failed to initialize kvm: Inappropriate ioctl for "
            "device"], r)
        if HAS_TCG:
            self.assertEqual(lines[2:], [f"{PROG}: falling back to tcg"])
            self.assert_runs(r, kvm=False)
            return
        self.assertEqual(r.status, 1, r)
        self.assertEqual(len(lines), 3, r)
        self.assertTrue(lines[2].startswith(
            f"{PROG}: no accelerator is available: KVM failed and this "
            "kemu has no TCG; pass -accel qtest"), r)
        self.assertNotIn("falling back", r.err)

    def test_host(self):
        # The host's own /dev/kvm: KVM if it opens, else as above.
        r = self.kemu([], device=None)
        if not KVM_MISSING:
            # (A host may still warn about CPUID bits or MSRs it lacks.)
            self.assertNotIn("failed to initialize", r.err)
            self.assertNotIn("falling back", r.err)
            self.assert_runs(r, kvm=True)
        elif HAS_TCG:
            self.assert_runs(r, kvm=False)
        else:
            self.assertEqual(r.status, 1, r)
            self.assertIn("no accelerator is available", r.err)

    def test_qtest_option_implies_qtest(self):
        # -qtest with no accelerator named needs no KVM at all.
        path = os.path.join(self.tmp.name, "q.sock")
        with socket.socket(socket.AF_UNIX) as listener:
            listener.bind(path)
            listener.listen(1)      # kemu connects; the backlog is enough
            r = run(BASE + ["-qtest", f"unix:{path}", "-monitor", "stdio"],
                    input="info kvm\nquit\n", env=self.env(), timeout=60)
        self.assert_runs(r, kvm=False)


class TestNamedAccel(AccelCase):
    def test_accel_kvm(self):
        r = self.kemu(["-accel", "kvm"])
        self.assertEqual(r.status, 1, r)
        self.assertEqual(r.err_lines(), NO_KVM)
        self.assertEqual(r.out, "")

    def test_enable_kvm(self):
        r = self.kemu(["-enable-kvm"])
        self.assertEqual(r.status, 1, r)
        self.assertEqual(r.err_lines(), [
            NO_KVM[0], f"{PROG}: failed to initialize kvm: No such file or "
            "directory"])

    def test_machine_accel_kvm(self):
        r = self.kemu(["-machine", "accel=kvm"])
        self.assertEqual(r.status, 1, r)
        self.assertEqual(r.err_lines()[0], NO_KVM[0])

    def test_accel_kvm_then_tcg(self):
        r = self.kemu(["-accel", "kvm", "-accel", "tcg"])
        self.assertEqual(r.err_lines()[:2], NO_KVM, r)
        if HAS_TCG:
            self.assertEqual(r.err_lines()[2:],
                             [f"{PROG}: falling back to tcg"])
            self.assert_runs(r, kvm=False)
        else:
            self.assertEqual(r.status, 1, r)
            self.assertEqual(r.err_lines()[2:], [
                f"{PROG}: -accel tcg: invalid accelerator tcg"])
            self.assertEqual(r.out, "")

    def test_machine_accel_kvm_tcg(self):
        r = self.kemu(["-machine", "accel=kvm:tcg"])
        self.assertEqual(r.err_lines()[:2], [
            NO_KVM[0], f"{PROG}: failed to initialize kvm: No such file or "
            "directory"], r)
        if HAS_TCG:
            self.assertEqual(r.err_lines()[2:],
                             [f"{PROG}: falling back to tcg"])
            self.assert_runs(r, kvm=False)
        else:
            self.assertEqual(r.status, 1, r)
            self.assertEqual(r.err_lines()[2:],
                             [f"{PROG}: invalid accelerator tcg"])

    def test_fallback_announced_after_it_worked(self):
        # qtest is always there: kvm fails, then qtest runs, and only
        # then does kemu say it fell back.
        r = self.kemu(["-accel", "kvm", "-accel", "qtest"])
        self.assertEqual(r.err_lines(), NO_KVM + [
            f"{PROG}: falling back to QTest"], r)
        self.assert_runs(r, kvm=False)
        r = self.kemu(["-accel", "nosuch", "-accel", "qtest"])
        self.assertEqual(r.err_lines(), [
            f"{PROG}: -accel nosuch: invalid accelerator nosuch",
            f"{PROG}: falling back to QTest"], r)
        self.assert_runs(r, kvm=False)

    def test_nothing_works(self):
        r = self.kemu(["-accel", "kvm", "-accel", "nosuch"])
        self.assertEqual(r.status, 1, r)
        self.assertEqual(r.err_lines(), NO_KVM + [
            f"{PROG}: -accel nosuch: invalid accelerator nosuch"])

    def test_accel_qtest(self):
        self.assert_runs(self.kemu(["-accel", "qtest"]), kvm=False)


class TestNoGreetingBeforeFailure(AccelCase):
    """The accelerator is set up (and can fail) before any monitor greets
    anyone, as in QEMU."""

    def test_hmp_stdio(self):
        r = self.kemu(["-accel", "kvm"], input="")
        self.assertEqual(r.status, 1, r)
        self.assertEqual(r.out, "")
        self.assertNotIn("(qemu)", r.err)

    def test_qmp_stdio(self):
        r = run(BASE + ["-accel", "kvm", "-qmp", "stdio"], input="",
                env=self.env(), timeout=60)
        self.assertEqual(r.status, 1, r)
        self.assertEqual(r.out, "")
        self.assertEqual(r.err_lines(), NO_KVM)

    def test_socket_monitor(self):
        # A client already waiting on the socket gets nothing either.
        sock = os.path.join(self.tmp.name, "m.sock")
        r = run(BASE + ["-accel", "kvm", "-monitor",
                        f"unix:{sock},server=on,wait=off"],
                env=self.env(), timeout=60)
        self.assertEqual(r.status, 1, r)
        self.assertEqual(r.err_lines(), NO_KVM)


class TestHelpIntoClosedPipe(unittest.TestCase):
    """`kemu -h | head -1`: a closed pipe ends the output, not kemu with
    SIGPIPE; the status is 0, as QEMU's."""

    def closed_pipe_status(self, args):
        rfd, wfd = os.pipe()
        os.close(rfd)           # the reader is gone before the first write
        try:
            p = subprocess.run([binary()] + args, stdout=wfd,
                               stderr=subprocess.DEVNULL,
                               stdin=subprocess.DEVNULL, timeout=30)
        finally:
            os.close(wfd)
        return p.returncode

    def test_help_outputs(self):
        for args in (["-h"], ["--help"], ["-version"], ["-accel", "help"],
                     ["-machine", "help"], ["-device", "help"],
                     ["-cpu", "help"], ["-d", "help"]):
            with self.subTest(args=args):
                self.assertEqual(self.closed_pipe_status(args), 0)

    def test_head(self):
        p = subprocess.run(["bash", "-c", "set -o pipefail; "
                            f'"{binary()}" -h | head -1'],
                           stdout=subprocess.PIPE, text=True, timeout=30)
        self.assertEqual(p.returncode, 0)
        self.assertTrue(p.stdout.startswith(f"{PROG} version"), p.stdout)



class TestDemo(unittest.TestCase):
    """make demo says first what will run its guest (KVM, else TCG), and
    stops with one line before building anything when nothing can."""
    script = os.path.join(TOP, "scripts", "demo.sh")

    def demo(self, *args):
        return subprocess.run([self.script] + list(args), text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, timeout=300)

    def test_check_first(self):
        r = self.demo("--check")
        if not KVM_MISSING:
            self.assertEqual(r.returncode, 0, r)
            self.assertEqual(r.stdout, "demo: the guest will run under KVM\n")
        elif HAS_TCG:
            self.assertEqual(r.returncode, 0, r)
            self.assertIn("the guest will run under TCG", r.stdout)
        else:
            self.assertEqual(r.returncode, 1, r)
            self.assertEqual(r.stdout, "")
            self.assertEqual(r.stderr, f"demo: {KVM_MISSING}, and this kemu "
                             "has no TCG yet: nothing can run the demo guest "
                             "here (load kvm_intel or kvm_amd, or see make "
                             "check)\n")

    def test_boot(self):
        if not KVM_MISSING or not HAS_TCG:
            r = self.demo(BUILD)
            if KVM_MISSING:
                self.assertEqual(r.returncode, 1, r)
                self.assertEqual(len(r.stderr.splitlines()), 1, r)
                self.assertIn("nothing can run the demo guest", r.stderr)
                return
            self.assertEqual(r.returncode, 0, r)
            self.assertIn("-accel kvm ", r.stdout)
            self.assertIn("kemu demo guest", r.stdout)
            return
        # Under TCG: Linux with a busybox shell on the serial console; type
        # into it as a person would, then power it off from the shell.
        p = subprocess.Popen([self.script, BUILD], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = b""
        try:
            deadline = time.monotonic() + 300
            sent = False
            while time.monotonic() < deadline:
                r, _, _ = select.select([p.stdout], [], [], 1)
                if r:
                    data = os.read(p.stdout.fileno(), 4096)
                    if not data:
                        break
                    out += data
                if not sent and b"poweroff -f' ends the VM" in out:
                    time.sleep(1)
                    p.stdin.write(b"echo demo-$((6*7))\npoweroff -f\n")
                    p.stdin.flush()
                    sent = True
            status = p.wait(timeout=30)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        text = out.decode(errors="replace")
        self.assertIn("-accel tcg ", text)
        self.assertIn("demo-42", text)
        self.assertIn("reboot: Power down", text)
        self.assertEqual(status, 0, text[-2000:])


if __name__ == "__main__":
    unittest.main()
