# SPDX-License-Identifier: GPL-2.0-or-later
"""The monitor reached by real clients and other backends: socat on tcp
and unix sockets, two monitors at once (HMP and QMP), -S then cont, a
pty opened from Python, the ringbuf backend, and a socket chardev that
reconnects to a server that hung up."""
import os
import re
import shutil
import socket
import subprocess
import tempfile
import termios
import time
import tty
import unittest

import kemu_test
from kemu_guest import (BINARY, GUEST_ACCEL, GUEST_SKIP_REASON, MACHINE_ACCEL,
                        guest_accel_args, guest_image)
from kemu_test import PROMPT, QmpStream
HELLO = "hello from the kemu test guest"
BASE = [BINARY, "-display", "none", "-nodefaults"]
SOCAT_SKIP = None if shutil.which("socat") else "socat is not installed"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(pred, what, timeout=60):
    end = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > end:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.05)


class Hmp(kemu_test.Hmp):
    """HMP over any byte stream: write(bytes) and a readable fd.
    Sockets get plain lines: no echo of what we typed."""

    timeout = 60

    def greet(self):
        banner = self.read_until(PROMPT)
        assert "monitor - type 'help' for more information" in banner, banner
        return banner


class Socat:
    """socat bridging its stdin/stdout to the monitor's socket."""

    def __init__(self, case, address):
        self.p = subprocess.Popen(["socat", "-", address],
                                  stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        case.addCleanup(self.close)
        self.hmp = Hmp(self.p.stdout.fileno(), self._write)

    def _write(self, b):
        self.p.stdin.write(b)
        self.p.stdin.flush()

    def close(self):
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait()
        for f in (self.p.stdin, self.p.stdout, self.p.stderr):
            if not f.closed:
                f.close()


class Qmp(QmpStream):
    """A minimal QMP client on a unix socket; cmd takes the arguments as
    keywords."""

    def __init__(self, path):
        sock = socket.socket(socket.AF_UNIX)
        wait_for(lambda: sock.connect_ex(path) == 0, "QMP socket")
        sock.settimeout(60)
        super().__init__(sock)
        self.cmd("qmp_capabilities")

    def cmd(self, name, **args):
        return super().cmd(name, args or None)


class KemuCase(unittest.TestCase):
    # The qtest accelerator where a machine is enough; None: guest code
    # runs (KVM or TCG).
    accel = MACHINE_ACCEL

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="kemu-mon-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def kemu(self, args, stderr=subprocess.DEVNULL):
        accel = ["-accel", self.accel] if self.accel else guest_accel_args()
        p = subprocess.Popen(BASE + accel + list(args),
                             stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=stderr)

        def cleanup():
            if p.poll() is None:
                p.kill()
            p.wait()
            if p.stderr:
                p.stderr.close()
        self.addCleanup(cleanup)
        return p

    def wait_listen(self, p, port):
        """Waits until something listens on 127.0.0.1:port, without
        connecting (a probe connection would be the monitor's first
        client)."""
        want = f"0100007F:{port:04X}"

        def listening():
            self.assertIsNone(p.poll(), "kemu exited")
            with open("/proc/net/tcp") as f:
                return any(l.split()[1] == want and l.split()[3] == "0A"
                           for l in f.readlines()[1:])
        wait_for(listening, f"a listener on port {port}")

    def connect_tcp(self, p, port):
        def attempt():
            self.assertIsNone(p.poll(), "kemu exited")
            try:
                return socket.create_connection(("127.0.0.1", port), 5)
            except OSError:
                return None
        return wait_for(attempt, f"port {port}")


@unittest.skipIf(SOCAT_SKIP, SOCAT_SKIP)
class SocatTest(KemuCase):
    def test_tcp(self):
        port = free_port()
        p = self.kemu(["-S", "-name", "socat-tcp", "-monitor",
                       f"tcp:127.0.0.1:{port},server=on,wait=off"])
        self.wait_listen(p, port)
        first = Socat(self, f"TCP:127.0.0.1:{port}")
        mon = first.hmp
        mon.greet()
        self.assertEqual(mon.cmd("info status"),
                         "VM status: paused (prelaunch)\n")
        self.assertEqual(mon.cmd("info name"), "socat-tcp\n")
        self.assertEqual(mon.cmd("info kvm"), "kvm support: disabled\n")
        self.assertEqual(mon.cmd("print/x 0x10 + 0x20"), "0x30\n")
        self.assertIn("compat_monitor0: filename=", mon.cmd("info chardev"))
        self.assertEqual(mon.cmd("nosuchcommand"),
                         "unknown command: 'nosuchcommand'\n")
        first.close()
        # A second client after the first left gets the banner again (as
        # QEMU) and a working monitor.
        mon = Socat(self, f"TCP:127.0.0.1:{port}").hmp
        mon.greet()
        self.assertEqual(mon.cmd("info status"),
                         "VM status: paused (prelaunch)\n")
        mon.write(b"quit\n")
        self.assertEqual(p.wait(timeout=60), 0)

    def test_unix(self):
        path = os.path.join(self.dir, "mon.sock")
        p = self.kemu(["-S", "-monitor", f"unix:{path},server,nowait",
                       "-kernel", guest_image("hello.mb"),
                       "-serial", f"file:{self.dir}/serial"])
        wait_for(lambda: os.path.exists(path) or p.poll() is not None,
                 "the socket")
        mon = Socat(self, f"UNIX-CONNECT:{path}").hmp
        mon.greet()
        self.assertEqual(mon.cmd("info status"),
                         "VM status: paused (prelaunch)\n")
        self.assertIn("EIP=", mon.cmd("info registers"))
        self.assertEqual(mon.cmd("cont"), "")
        self.assertEqual(mon.cmd("info status"), "VM status: running\n")
        mon.write(b"quit\n")
        self.assertEqual(p.wait(timeout=60), 0)


@unittest.skipIf(SOCAT_SKIP, SOCAT_SKIP)
class TwoMonitorsTest(KemuCase):
    # The guest's output after cont is checked where guest code can run;
    # the monitors' part needs only a machine.
    accel = None if GUEST_ACCEL else MACHINE_ACCEL

    def test_hmp_tcp_and_qmp_unix(self):
        """-S then cont: nothing from the guest before cont; stop on HMP
        is a STOP event on QMP, cont a RESUME."""
        port = free_port()
        qpath = os.path.join(self.dir, "qmp.sock")
        serial = os.path.join(self.dir, "serial")
        p = self.kemu(["-S", "-kernel", guest_image("hello.mb"),
                       "-serial", f"file:{serial}",
                       "-monitor", f"tcp:127.0.0.1:{port},server=on,wait=off",
                       "-qmp", f"unix:{qpath},server=on,wait=off"])
        self.wait_listen(p, port)
        hmp = Socat(self, f"TCP:127.0.0.1:{port}").hmp
        hmp.greet()
        qmp = Qmp(qpath)
        self.addCleanup(qmp.close)
        self.assertIn("QMP", qmp.greeting)
        self.assertEqual(hmp.cmd("info status"),
                         "VM status: paused (prelaunch)\n")
        self.assertEqual(qmp.cmd("query-status")["return"]["status"],
                         "prelaunch")
        with open(serial) as f:
            self.assertNotIn(HELLO, f.read())
        # cont on QMP, seen by HMP; the guest now runs and prints.
        self.assertEqual(qmp.cmd("cont"), {"return": {}})
        qmp.event("RESUME")
        self.assertEqual(hmp.cmd("info status"), "VM status: running\n")

        def printed():
            with open(serial) as f:
                return HELLO in f.read()
        if not self.accel:
            wait_for(printed, "guest output after cont")
        # stop on HMP, seen by QMP.
        self.assertEqual(hmp.cmd("stop"), "")
        ev = qmp.event("STOP")
        self.assertIn("timestamp", ev)
        self.assertEqual(qmp.cmd("query-status")["return"],
                         {"running": False, "singlestep": False,
                          "status": "paused"})
        self.assertEqual(hmp.cmd("cont"), "")
        qmp.event("RESUME")
        # HMP through QMP, and quit from QMP ends both.
        r = qmp.cmd("human-monitor-command", **{"command-line": "info name"})
        self.assertEqual(r, {"return": ""})
        self.assertEqual(qmp.cmd("quit"), {"return": {}})
        self.assertEqual(p.wait(timeout=60), 0)


class PtyTest(KemuCase):
    def test_pty_monitor(self):
        p = self.kemu(["-S", "-monitor", "pty"], stderr=subprocess.PIPE)
        line = p.stderr.readline().decode().strip()
        m = re.fullmatch(r"char device redirected to (/dev/pts/\d+) "
                         r"\(label compat_monitor0\)", line)
        self.assertIsNotNone(m, line)
        fd = os.open(m.group(1), os.O_RDWR | os.O_NOCTTY)
        self.addCleanup(os.close, fd)
        # No echo or line discipline on our side of the pty.
        tty.setraw(fd, termios.TCSANOW)
        mon = Hmp(fd, lambda b: os.write(fd, b))
        mon.greet()
        out = mon.cmd("info status")
        self.assertIn("VM status: paused (prelaunch)", out)
        mon.write(b"quit\n")
        self.assertEqual(p.wait(timeout=60), 0)


@unittest.skipIf(GUEST_SKIP_REASON, GUEST_SKIP_REASON)
class RingbufTest(KemuCase):
    accel = None

    def test_ringbuf_serial(self):
        port = free_port()
        p = self.kemu(["-chardev", "ringbuf,id=r,size=4096",
                       "-serial", "chardev:r",
                       "-kernel", guest_image("hello.mb"),
                       "-monitor", f"tcp:127.0.0.1:{port},server=on,wait=off"])
        s = self.connect_tcp(p, port)
        self.addCleanup(s.close)
        mon = Hmp(s.fileno(), s.sendall)
        mon.greet()
        self.assertIn("r: filename=ringbuf", mon.cmd("info chardev"))
        if "unknown command" in mon.cmd("help ringbuf_read"):
            self.skipTest("the monitor has no ringbuf_read yet")
        got = ""
        end = time.monotonic() + 60
        while "TEST PASS" not in got:
            self.assertLess(time.monotonic(), end, got)
            got += mon.cmd("ringbuf_read r 4096").replace("\\u000D", "")
        self.assertIn(HELLO, got)
        self.assertEqual(mon.cmd("ringbuf_write r abc"), "")
        s.sendall(b"quit\n")
        self.assertEqual(p.wait(timeout=60), 0)


class ReconnectTest(KemuCase):
    # The reconnection needs only a machine; the guest's output through
    # it is checked where guest code can run.
    accel = None if GUEST_ACCEL else MACHINE_ACCEL

    def test_client_reconnects(self):
        """A client chardev with reconnect=1: the server hangs up on the
        first connection; the second one gets the guest's output."""
        srv = socket.socket()
        self.addCleanup(srv.close)
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        srv.settimeout(60)
        port = srv.getsockname()[1]
        qpath = os.path.join(self.dir, "qmp.sock")
        p = self.kemu(["-S", "-kernel", guest_image("hello.mb"),
                       "-chardev",
                       f"socket,id=c,host=127.0.0.1,port={port},reconnect=1",
                       "-serial", "chardev:c",
                       "-qmp", f"unix:{qpath},server=on,wait=off"])
        first, _ = srv.accept()
        first.close()
        second, _ = srv.accept()
        self.addCleanup(second.close)
        second.settimeout(60)
        qmp = Qmp(qpath)
        self.addCleanup(qmp.close)
        self.assertEqual(qmp.cmd("cont"), {"return": {}})
        got = b""
        while not self.accel and b"TEST PASS" not in got:
            data = second.recv(4096)
            self.assertTrue(data, f"EOF after {got!r}")
            got += data
        if not self.accel:
            self.assertIn(HELLO.encode(), got)
        self.assertIn("c: filename=tcp:127.0.0.1:",
                      qmp.cmd("human-monitor-command",
                              **{"command-line": "info chardev"})["return"])
        self.assertEqual(qmp.cmd("quit"), {"return": {}})
        self.assertEqual(p.wait(timeout=60), 0)


if __name__ == "__main__":
    unittest.main()
