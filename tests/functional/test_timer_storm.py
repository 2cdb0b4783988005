# SPDX-License-Identifier: GPL-2.0-or-later
"""A guest that arms every timer at its shortest period and spins (the
timer-storm test guest): QMP query-status and HMP info status still
answer, quit ends the VM, SIGTERM ends the process. Runs under TCG; it
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
        self.proc = subprocess.Popen(
            [BINARY, "-accel", "tcg", "-display", "none", "-nodefaults",
             "-M", "pc", "-m", "64",
             "-kernel", guest_image("timer-storm.mb"),
             "-serial", "file:" + self.serial,
             "-qmp", f"unix:{self.qmp_path},server=on,wait=off",
             "-monitor", f"unix:{self.hmp_path},server=on,wait=off"],
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
        q.cmd("quit")
        self.proc.wait(timeout=DEADLINE)
        self.assertEqual(self.proc.returncode, 0)

    def test_sigterm(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=DEADLINE)
        self.assertEqual(self.proc.returncode, 0)
        self.assertIn("terminating on signal 15", self.proc.stderr.read())


if __name__ == "__main__":
    unittest.main()
