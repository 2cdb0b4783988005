# SPDX-License-Identifier: GPL-2.0-or-later
"""-daemonize and -pidfile: the command returns 0 once the daemon is
ready, the pid file holds the live daemon's pid and is locked, a second
instance with the same pid file is refused with QEMU's message, errors
before daemonizing reach the terminal, and quit over QMP removes the pid
file."""
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kemu_test import run  # noqa: E402

LOCKED = ("cannot create PID file: Cannot lock pid file: "
          "Resource temporarily unavailable")


def base_args():
    args = ["-display", "none", "-S"]
    if os.access("/dev/kvm", os.R_OK | os.W_OK):
        args += ["-accel", "kvm"]
    else:
        args += ["-accel", "qtest"]
    if os.path.exists("/usr/share/qemu/qboot.rom"):
        args += ["-bios", "/usr/share/qemu/qboot.rom"]
    return args


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purposes.
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0] != "Z"


class DaemonizeCase(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="kemu-daemon-")
        self.pidfile = os.path.join(self.dir, "kemu.pid")
        self.sock = os.path.join(self.dir, "qmp.sock")
        self.pid = None
        self.addCleanup(self.cleanup)

    def cleanup(self):
        # Only the daemon this test started, by its pid.
        if self.pid and alive(self.pid):
            os.kill(self.pid, signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)

    def qmp(self, *cmds):
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(30)
        s.connect(self.sock)
        f = s.makefile("rw")
        self.assertIn("QMP", json.loads(f.readline()))
        replies = []
        for c in ("qmp_capabilities",) + cmds:
            f.write(json.dumps({"execute": c}) + "\n")
            f.flush()
            while True:
                msg = json.loads(f.readline())
                if "event" not in msg:
                    replies.append(msg)
                    break
        s.close()
        return replies[1:]

    def start_daemon(self):
        r = run(base_args() + ["-daemonize", "-pidfile", self.pidfile,
                               "-qmp", f"unix:{self.sock},server=on,"
                               "wait=off"])
        self.assertEqual(r.status, 0, r)
        with open(self.pidfile) as f:
            text = f.read()
        self.assertRegex(text, r"^\d+\n$")
        self.pid = int(text)
        return r

    def test_stdio_refused(self):
        # As QEMU: the daemon has no terminal to give a stdio backend.
        r = run(["-daemonize", "-serial", "stdio", "-display", "none"])
        self.assertEqual(r.status, 1, r)
        self.assertIn("-serial stdio: cannot use stdio with -daemonize", r.err)

    def test_daemon_pidfile_and_quit(self):
        self.start_daemon()
        self.assertTrue(alive(self.pid))
        # Detached: its own session, stdio on /dev/null, cwd /.
        self.assertNotEqual(os.getsid(self.pid), os.getsid(0))
        for fd in (0, 1, 2):
            self.assertEqual(os.readlink(f"/proc/{self.pid}/fd/{fd}"),
                             "/dev/null")
        self.assertEqual(os.readlink(f"/proc/{self.pid}/cwd"), "/")
        self.assertEqual(self.qmp("query-status")[0]["return"]["status"],
                         "prelaunch")

        # A second instance, daemonized or not, is refused.
        for extra in (["-daemonize"], []):
            r = run(base_args() + extra + ["-pidfile", self.pidfile])
            self.assertEqual(r.status, 1, r)
            self.assertIn(LOCKED, r.err)
        with open(self.pidfile) as f:
            self.assertEqual(int(f.read()), self.pid)

        self.assertEqual(self.qmp("quit"), [{"return": {}}])
        deadline = time.monotonic() + 30
        while alive(self.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertFalse(alive(self.pid))
        self.assertFalse(os.path.exists(self.pidfile))

    def test_sigterm_removes_pidfile(self):
        r = run(base_args() + ["-pidfile", self.pidfile,
                               "-qmp", f"unix:{self.sock},server=on,"
                               "wait=off", "-daemonize"])
        self.assertEqual(r.status, 0, r)
        with open(self.pidfile) as f:
            self.pid = int(f.read())
        os.kill(self.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while alive(self.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertFalse(os.path.exists(self.pidfile))

    def test_errors_reach_the_terminal(self):
        r = run(base_args() + ["-daemonize", "-m", "bogus"])
        self.assertEqual(r.status, 1, r)
        self.assertIn("-m bogus", r.err)
        r = run(base_args() + ["-daemonize", "-nographic"])
        self.assertEqual(r.status, 1, r)
        self.assertIn("-nographic cannot be used with -daemonize", r.err)
        # A failure after the fork: the parent exits 1, the message shows.
        r = run(base_args() + ["-daemonize", "-pidfile",
                               os.path.join(self.dir, "no", "x.pid")])
        self.assertEqual(r.status, 1, r)
        self.assertIn("cannot create PID file: Could not create", r.err)
        r = run(base_args() + ["-daemonize", "-qmp",
                               f"unix:{self.dir}/no/such.sock,server=on,"
                               "wait=off"])
        self.assertEqual(r.status, 1, r)
        self.assertTrue(r.err_lines(), r)


if __name__ == "__main__":
    unittest.main()
