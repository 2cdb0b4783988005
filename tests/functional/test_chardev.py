# SPDX-License-Identifier: GPL-2.0-or-later
"""Chardev backends from the command line: the mux escapes on stdio,
socket servers (tcp, unix, telnet negotiation), pty and client errors."""
import os
import re
import socket
import subprocess
import tempfile
import time
import unittest

import kemu_test

# A machine is all these need: no guest code runs.
BASE = ["-nodefaults", "-display", "none", "-S", "-accel", "qtest"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(pred, what, timeout=20):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


class MuxTest(unittest.TestCase):
    def run_keys(self, keys, extra=()):
        cmd = [kemu_test.binary()] + BASE + list(extra) + \
            ["-serial", "mon:stdio"]
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = p.communicate(keys, timeout=30)
        return p.returncode, out, err

    def test_help_and_exit(self):
        rc, out, _ = self.run_keys(b"\x01h\x01x")
        self.assertEqual(rc, 0)
        self.assertIn(b"\n\rC-a h    print this help\n\r", out)
        self.assertIn(b"C-a c    switch between console and monitor\n\r",
                      out)
        self.assertIn(b"C-a C-a  sends C-a\n\r", out)
        self.assertTrue(out.endswith(b"kemu: Terminated\n\r"), out)


    def test_echr_changes_the_escape(self):
        # -echr 20: Ctrl-t is the escape; Ctrl-a is then an ordinary byte.
        rc, out, _ = self.run_keys(b"\x01x\x14h\x14x", ["-echr", "20"])
        self.assertEqual(rc, 0)
        self.assertIn(b"C-t h    print this help", out)
        self.assertTrue(out.endswith(b"kemu: Terminated\n\r"), out)


class SocketTest(unittest.TestCase):
    def start(self, args):
        p = kemu_test.start(BASE + args)
        self.addCleanup(lambda: kemu_test.stop(p))
        return p

    def test_tcp_wait_and_telnet(self):
        port = free_port()
        p = self.start(["-serial", f"telnet:127.0.0.1:{port},server"])
        line = p.stderr.readline()
        self.assertEqual(
            line.strip(),
            f"kemu-system-x86_64: -serial telnet:127.0.0.1:{port},server: "
            f"info: kemu waiting for connection on: "
            f"disconnected:telnet:127.0.0.1:{port},server=on")
        c = wait_for(lambda: self.try_connect(port), "connect")
        data = b""
        while len(data) < 6:
            data += c.recv(64)
        # We echo and suppress go-ahead: character mode for telnet.
        self.assertTrue(data.startswith(bytes([255, 251, 1, 255, 251, 3])))
        c.close()
        # One client at a time, and a new one after it left.
        c2 = wait_for(lambda: self.try_connect(port), "reconnect")
        self.assertEqual(c2.recv(3), bytes([255, 251, 1]))
        c2.close()

    @staticmethod
    def try_connect(port):
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=5)
        except OSError:
            return None

    def test_sigterm_while_waiting(self):
        # A server with wait=on blocks start-up; SIGTERM still ends kemu
        # cleanly, with the usual message.
        port = free_port()
        p = subprocess.Popen([kemu_test.binary()] + BASE +
                             ["-chardev", f"socket,id=c,host=127.0.0.1,"
                              f"port={port},server=on,wait=on",
                              "-serial", "chardev:c"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL, text=True)
        line = p.stderr.readline()
        self.assertIn("waiting for connection", line)
        p.terminate()
        _, err = p.communicate(timeout=30)
        self.assertEqual(p.returncode, 0)
        self.assertIn("kemu-system-x86_64: terminating on signal 15", err)

    def test_unix_nowait(self):
        d = tempfile.mkdtemp()
        path = os.path.join(d, "s")
        self.start(["-chardev", f"socket,id=c,path={path},server=on,wait=off",
                    "-serial", "chardev:c"])
        wait_for(lambda: os.path.exists(path), "socket file")
        s = socket.socket(socket.AF_UNIX)
        wait_for(lambda: s.connect_ex(path) == 0, "unix connect")
        s.close()

    def test_client_refused(self):
        port = free_port()
        r = kemu_test.run(BASE + ["-serial", f"tcp:127.0.0.1:{port}"])
        self.assertEqual(r.status, 1)
        self.assertIn(f"Failed to connect to '127.0.0.1:{port}'", r.err)

    def test_socat_client(self):
        port = free_port()
        self.start(["-chardev",
                    f"socket,id=c,host=127.0.0.1,port={port},server=on,"
                    "wait=off,nodelay=on", "-serial", "chardev:c"])
        wait_for(lambda: self.try_connect(port), "listening")
        # A real client connects, idles a second and leaves cleanly.
        r = subprocess.run(["socat", "-T1", "-u", f"TCP:127.0.0.1:{port}",
                            "STDOUT"], capture_output=True, timeout=20)
        self.assertEqual(r.returncode, 0, r.stderr)


class PtyTest(unittest.TestCase):
    def test_pty_message(self):
        p = kemu_test.start(BASE + ["-serial", "pty"])
        self.addCleanup(lambda: kemu_test.stop(p))
        line = p.stderr.readline().strip()
        m = re.fullmatch(r"char device redirected to (/dev/pts/\d+) "
                         r"\(label serial0\)", line)
        self.assertIsNotNone(m, line)
        self.assertTrue(os.path.exists(m.group(1)))


class LegacyTest(unittest.TestCase):
    def test_bad_driver(self):
        r = kemu_test.run(BASE + ["-serial", "bogus:1"])
        self.assertEqual(r.status, 1)
        self.assertIn("'bogus' is not a valid char driver", r.err)

    def test_vc_and_ringbuf(self):
        r = kemu_test.run(BASE + ["-serial", "vc", "-chardev",
                                  "ringbuf,id=r,size=3"])
        self.assertEqual(r.status, 1)
        self.assertIn("size of ringbuf chardev must be power of two", r.err)


if __name__ == "__main__":
    unittest.main()
