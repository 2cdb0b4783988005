# SPDX-License-Identifier: GPL-2.0-or-later
"""-sandbox (seccomp), -runas and -chroot: option errors as QEMU 7.2
prints them (compared with it when installed), the filter in place and
kemu still answering QMP, a denied system call killing the process as
QEMU's sandbox does, and the identity and capabilities after -runas."""
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

import kemu_test
from kemu_guest import TCG_SKIP_REASON, guest_image
from kemu_test import QmpStream

QEMU = shutil.which("qemu-system-x86_64")
BASE = ["-accel", "qtest", "-display", "none", "-nodefaults", "-S"]
ROOT_SKIP = None if os.geteuid() == 0 else "-runas needs root"
try:
    NOBODY = pwd.getpwnam("nobody")
except KeyError:
    NOBODY = None


def status_fields(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return out


class SandboxErrors(unittest.TestCase):
    CASES = [
        ["-sandbox", "on,obsolete=x"],
        ["-sandbox", "on,foo=1"],
        ["-sandbox", "bogus"],
        ["-sandbox", "on,elevateprivileges=x"],
        ["-sandbox", "on,spawn=maybe"],
        ["-sandbox", "on,resourcecontrol=x"],
        ["-runas", "no-such-user-here"],
        ["-runas", "12:x"],
    ]

    def test_messages(self):
        for args in self.CASES:
            with self.subTest(args=args):
                r = kemu_test.run(args + BASE)
                self.assertEqual(r.status, 1, r)
                msg = r.err.strip().split("\n")[-1]
                self.assertTrue(msg.startswith("kemu-system-x86_64: "), msg)
                if QEMU:
                    q = subprocess.run([QEMU] + args + ["-M", "none",
                                                        "-display", "none"],
                                       capture_output=True, text=True,
                                       timeout=60)
                    self.assertEqual(q.returncode, 1)
                    self.assertEqual(
                        msg.split(": ", 1)[1],
                        q.stderr.strip().split("\n")[-1].split(": ", 1)[1])

    def test_chroot_missing_dir(self):
        r = kemu_test.run(["-chroot", "/no/such/dir"] + BASE)
        self.assertEqual(r.status, 1, r)
        self.assertIn("chroot failed", r.err)

    def test_help_lists_them(self):
        out = kemu_test.run(["-help"]).out
        for opt in ("-sandbox on|off", "-runas user", "-chroot dir"):
            self.assertIn(opt, out)


class Running(unittest.TestCase):
    """kemu started with extra args and a QMP socket."""

    def start(self, *args):
        d = tempfile.mkdtemp(prefix="kemu-sandbox-")
        os.chmod(d, 0o755)
        self.addCleanup(shutil.rmtree, d, True)
        path = os.path.join(d, "qmp.sock")
        p = subprocess.Popen([kemu_test.binary()] + BASE + list(args) +
                             ["-qmp", f"unix:{path},server=on,wait=off"],
                             stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        self.addCleanup(kemu_test.stop, p)
        end = time.monotonic() + 30
        while True:
            self.assertIsNone(p.poll(), "kemu exited")
            try:
                s = socket.socket(socket.AF_UNIX)
                s.settimeout(30)
                s.connect(path)
                break
            except OSError:
                s.close()
                self.assertLess(time.monotonic(), end, "no QMP socket")
                time.sleep(0.05)
        self.addCleanup(s.close)
        q = QmpStream(s)
        q.ret("qmp_capabilities")
        return p, q

    def test_filter_installed_and_monitor_works(self):
        p, q = self.start("-sandbox", "on,obsolete=deny,elevateprivileges="
                          "deny,spawn=deny,resourcecontrol=deny")
        st = status_fields(p.pid)
        self.assertEqual(st["Seccomp"], "2")
        self.assertEqual(q.ret("query-status")["status"], "prelaunch")
        q.ret("system_reset")
        self.assertEqual(q.ret("query-status")["status"], "prelaunch")
        q.cmd("quit")
        self.assertEqual(p.wait(timeout=30), 0)

    def test_off(self):
        p, q = self.start("-sandbox", "off")
        self.assertEqual(status_fields(p.pid)["Seccomp"], "0")

    @unittest.skipIf(ROOT_SKIP or not NOBODY, ROOT_SKIP or "no user nobody")
    def test_denied_call_kills(self):
        """elevateprivileges=deny, then -runas needs setuid: the filter
        kills the whole process with SIGSYS, as QEMU 7.2's does."""
        r = kemu_test.run(["-sandbox", "on,elevateprivileges=deny",
                           "-runas", "nobody"] + BASE, timeout=30)
        self.assertEqual(r.status, -signal.SIGSYS, r)

    @unittest.skipIf(ROOT_SKIP or not NOBODY, ROOT_SKIP or "no user nobody")
    def test_runas_nobody(self):
        p, q = self.start("-sandbox", "on", "-runas", "nobody")
        st = status_fields(p.pid)
        self.assertEqual(st["Uid"].split(), [str(NOBODY.pw_uid)] * 4)
        self.assertEqual(st["Gid"].split(), [str(NOBODY.pw_gid)] * 4)
        for cap in ("CapPrm", "CapEff", "CapBnd", "CapAmb"):
            self.assertEqual(int(st[cap], 16), 0, cap)
        self.assertEqual(q.ret("query-status")["status"], "prelaunch")

    @unittest.skipIf(ROOT_SKIP, ROOT_SKIP)
    def test_runas_uid_gid_and_chroot(self):
        root = tempfile.mkdtemp(prefix="kemu-chroot-")
        self.addCleanup(os.rmdir, root)
        p, q = self.start("-chroot", root, "-runas", "4321:4322")
        st = status_fields(p.pid)
        self.assertEqual(st["Uid"].split(), ["4321"] * 4)
        self.assertEqual(st["Gid"].split(), ["4322"] * 4)
        self.assertEqual(st["Groups"].split(), ["4322"])
        self.assertEqual(os.readlink(f"/proc/{p.pid}/root"), root)
        self.assertEqual(q.ret("query-status")["status"], "prelaunch")

    @unittest.skipIf(TCG_SKIP_REASON, TCG_SKIP_REASON)
    def test_guest_boots_sandboxed(self):
        r = kemu_test.run(["-accel", "tcg", "-display", "none",
                           "-nodefaults", "-serial", "stdio",
                           "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
                           "-sandbox", "on,obsolete=deny,elevateprivileges="
                           "deny,spawn=deny,resourcecontrol=deny",
                           "-kernel", guest_image("hello.mb")], timeout=120)
        self.assertIn("hello from the kemu test guest", r.out)
        self.assertEqual(r.status, 33, r)

    def test_spawn_deny_with_daemonize(self):
        """-daemonize forks before the filter goes in, as in QEMU."""
        d = tempfile.mkdtemp(prefix="kemu-sandbox-")
        self.addCleanup(shutil.rmtree, d, True)
        pidfile = os.path.join(d, "pid")
        r = kemu_test.run(BASE + ["-sandbox", "on,spawn=deny",
                                  "-daemonize", "-pidfile", pidfile],
                          timeout=30)
        self.assertEqual(r.status, 0, r)
        with open(pidfile) as f:
            pid = int(f.read())
        self.assertEqual(status_fields(pid)["Seccomp"], "2")
        os.kill(pid, signal.SIGTERM)
        end = time.monotonic() + 30
        while os.path.exists(f"/proc/{pid}"):
            self.assertLess(time.monotonic(), end, "daemon did not exit")
            time.sleep(0.05)


if __name__ == "__main__":
    unittest.main()
