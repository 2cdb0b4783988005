# SPDX-License-Identifier: GPL-2.0-or-later
"""A guest that arms every timer at its shortest period and spins (the
timer-storm test guest): QMP query-status and HMP info status still
answer, a VNC client gets its handshake and a gdb client its stop reply,
quit ends the VM, SIGTERM and SIGINT end the process. Runs under TCG; it
skips, saying so, until kemu lists a tcg accelerator. The same storms
without guest code are tests/qtest/timer-storm-test.c.

Liveness only: every wait has a generous deadline, nothing is timed."""
import os
import signal
import socket
import subprocess
import tempfile
import time
import unittest

import kemu_test
from kemu_guest import BINARY, TCG_SKIP_REASON, guest_image
from kemu_test import PROMPT, QmpStream

DEADLINE = 30




def wait_for(pred, what, timeout=DEADLINE):
    end = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > end:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.05)


@unittest.skipIf(TCG_SKIP_REASON, TCG_SKIP_REASON)
class TimerStormGuest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="kemu-storm-")
        self.serial = os.path.join(self.dir, "serial.log")
        self.qmp_path = os.path.join(self.dir, "qmp.sock")
        self.hmp_path = os.path.join(self.dir, "hmp.sock")
        self.gdb_path = os.path.join(self.dir, "gdb.sock")
        self.vnc_path = os.path.join(self.dir, "vnc.sock")
        self.proc = subprocess.Popen(
            [BINARY, "-accel", "tcg", "-display", "none", "-nodefaults",
             "-M", "pc", "-m", "64",
             "-kernel", guest_image("timer-storm.mb"),
             "-serial", "file:" + self.serial,
             "-qmp", f"unix:{self.qmp_path},server=on,wait=off",
             "-monitor", f"unix:{self.hmp_path},server=on,wait=off",
             "-gdb", f"unix:{self.gdb_path},server=on,wait=off",
             "-vnc", f"unix:{self.vnc_path}"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, errors="replace")
        self.addCleanup(self.cleanup)
        wait_for(self.armed, "the guest to arm its timers", timeout=120)

    def cleanup(self):
        kemu_test.stop(self.proc, signal.SIGKILL, grace=0)
        for f in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, f))
        os.rmdir(self.dir)

    def armed(self):
        if self.proc.poll() is not None:
            raise AssertionError(f"kemu exited: {kemu_test.stop(self.proc)!r}")
        try:
            with open(self.serial, errors="replace") as f:
                return "STORM ARMED" in f.read()
        except FileNotFoundError:
            return False

    def connect(self, path):
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(DEADLINE)
        s.connect(path)
        self.addCleanup(s.close)
        return s

    def qmp(self):
        q = QmpStream(self.connect(self.qmp_path))
        q.ret("qmp_capabilities")
        return q

    def hmp(self):
        s = self.connect(self.hmp_path)
        mon = kemu_test.Hmp(s.fileno(), s.sendall)
        mon.read_until(PROMPT, timeout=DEADLINE)
        return mon

    def test_monitors_answer_and_quit(self):
        q = self.qmp()
        for _ in range(5):
            self.assertEqual(q.ret("query-status")["status"], "running")
        mon = self.hmp()
        for _ in range(5):
            self.assertIn("VM status: running", mon.cmd("info status"))
        # VNC: the server's version, then (RFB 3.8) its security types.
        v = self.connect(self.vnc_path)
        self.assertEqual(v.recv(12), b"RFB 003.008\n")
        v.sendall(b"RFB 003.008\n")
        self.assertGreaterEqual(v.recv(16)[0], 1)
        # gdb: attaching stops the VM; "?" says why.
        g = self.connect(self.gdb_path)
        g.sendall(b"$?#3f")
        reply = b""
        while b"#" not in reply:
            chunk = g.recv(256)
            self.assertTrue(chunk, "gdbstub hung up")
            reply += chunk
        self.assertIn(b"$T", reply.lstrip(b"+"))
        q.cmd("quit")
        self.proc.wait(timeout=DEADLINE)
        self.assertEqual(self.proc.returncode, 0)

    def check_signal(self, sig):
        self.proc.send_signal(sig)
        self.proc.wait(timeout=DEADLINE)
        self.assertEqual(self.proc.returncode, 0)
        self.assertIn(f"terminating on signal {int(sig)}",
                      self.proc.stderr.read())

    def test_sigterm(self):
        self.check_signal(signal.SIGTERM)

    def test_sigint(self):
        self.check_signal(signal.SIGINT)


if __name__ == "__main__":
    unittest.main()
