# SPDX-License-Identifier: GPL-2.0-or-later
"""Hostile monitor clients: a 64 MiB HMP line, clients that send
commands and never read the replies (HMP and QMP), 1,000 clients
connecting at once to one QMP socket, clients that connect and say
nothing or trickle a byte at a time (QMP, HMP, telnet, gdbstub, VNC). Through all of it kemu's memory
and file descriptors stay bounded and a client of a second -qmp socket
still answers query-status. Every wait has a generous deadline; nothing
is timed."""
import os
import resource
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

import kemu_test
from kemu_test import PROMPT, QmpStream

DEADLINE = 30
MIB = 1 << 20


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


class Limits(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="kemu-limits-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.q1 = os.path.join(self.dir, "q1.sock")
        self.q2 = os.path.join(self.dir, "q2.sock")
        self.hmp_path = os.path.join(self.dir, "hmp.sock")
        self.tel_path = os.path.join(self.dir, "telnet.sock")
        self.gdb_path = os.path.join(self.dir, "gdb.sock")
        self.vnc_path = os.path.join(self.dir, "vnc.sock")
        self.proc = subprocess.Popen(
            [kemu_test.binary(), "-accel", "qtest", "-display", "none",
             "-nodefaults", "-S", "-m", "64",
             "-qmp", f"unix:{self.q1},server=on,wait=off",
             "-qmp", f"unix:{self.q2},server=on,wait=off",
             "-monitor", f"unix:{self.hmp_path},server=on,wait=off",
             "-chardev",
             f"socket,id=tn,path={self.tel_path},server=on,wait=off,"
             "telnet=on",
             "-mon", "chardev=tn",
             "-gdb", f"unix:{self.gdb_path},server=on,wait=off",
             "-vnc", f"unix:{self.vnc_path}"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, errors="replace")
        self.addCleanup(kemu_test.stop, self.proc)
        end = time.monotonic() + DEADLINE
        while not all(os.path.exists(p)
                      for p in (self.q1, self.q2, self.hmp_path,
                                self.tel_path, self.gdb_path,
                                self.vnc_path)):
            self.assertIsNone(self.proc.poll(), "kemu exited")
            self.assertLess(time.monotonic(), end, "no monitor sockets")
            time.sleep(0.05)
        self.base_rss = rss_kib(self.proc.pid)

    def connect(self, path):
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(DEADLINE)
        s.connect(path)
        self.addCleanup(s.close)
        return s

    def qmp(self, path):
        q = QmpStream(self.connect(path))
        q.ret("qmp_capabilities")
        return q

    def hmp(self):
        s = self.connect(self.hmp_path)
        mon = kemu_test.Hmp(s.fileno(), s.sendall)
        mon.read_until(PROMPT)
        return s, mon

    def assert_bounded(self):
        """kemu still runs, has not grown by more than 64 MiB, and a
        client of the second QMP socket is answered."""
        self.assertIsNone(self.proc.poll())
        self.assertLess(rss_kib(self.proc.pid) - self.base_rss, 64 * 1024)
        q = self.qmp(self.q2)
        self.assertEqual(q.ret("query-status")["status"], "prelaunch")
        q.sock.close()

    def flood(self, sock, chunk, total):
        """Sends chunk over and over without reading, until total bytes
        went out or kemu stopped taking them (send blocked for 2 s)."""
        sock.settimeout(2)
        sent = 0
        try:
            while sent < total:
                sent += sock.send(chunk)
        except socket.timeout:
            pass
        sock.settimeout(DEADLINE)
        return sent

    def test_hmp_64mib_line(self):
        s, mon = self.hmp()
        line = b"a" * (64 * MIB) + b"\n"
        view = memoryview(line)
        while view:
            n = s.send(view[:MIB])
            view = view[n:]
        out = mon.read_until(PROMPT)
        # The line editor keeps the first 4 KiB, as QEMU's does.
        self.assertIn("unknown command: 'aaaa", out)
        self.assertLess(len(out), 16 * 1024)
        self.assertIn("VM status: paused (prelaunch)", mon.cmd("info status"))
        self.assert_bounded()

    def test_hmp_dump_bounded(self):
        """A dump is one command run to its end in the main loop: a huge
        count is refused (found by the hmp fuzzer: x/1688...8xb ran
        forever) rather than stalling every client."""
        s, mon = self.hmp()
        self.assertIn("dump too large", mon.cmd("xp/262145xb 0"))
        self.assertIn("dump too large", mon.cmd("xp/32769xg 0"))
        self.assertIn("dump too large", mon.cmd("xp/16385i 0"))
        # Counts that do not fit an int wrap, as in QEMU: here to -1.
        self.assertEqual(mon.cmd("xp/168888888888888888888888xb 0"), "")
        self.assertEqual(len(mon.cmd("xp/4096xb 0").splitlines()), 512)
        self.assert_bounded()

    def test_hmp_reads_again_after_output_drains(self):
        """Input stops while more than 64 KiB of output is pending; once
        the client has read it, the next command is read and answered
        (found by the hmp fuzzer: a session that never ended)."""
        for _ in range(5):
            s, mon = self.hmp()
            s.sendall(b"xp/32768xg 0\n")
            time.sleep(0.2)     # kemu stops reading: not a timing check
            s.sendall(b"info status\n")
            mon.read_until("VM status: paused (prelaunch)")
            s.close()

    def test_hmp_client_never_reads(self):
        s, _ = self.hmp()
        sent = self.flood(s, b"info qtree\n" * 100, 256 * MIB)
        # kemu stopped reading long before the 256 MiB were sent.
        self.assertLess(sent, 256 * MIB)
        self.assert_bounded()
        s.close()
        s2, mon = self.hmp()
        self.assertIn("VM status", mon.cmd("info status"))

    def telnet_alive(self):
        """A new telnet client gets the banner and an answer (the line
        editor echoes, so look for the answer, not the prompt)."""
        s = self.connect(self.tel_path)
        mon = kemu_test.Hmp(s.fileno(), s.sendall)
        mon.read_until(PROMPT)
        s.sendall(b"info status\r\n")
        mon.read_until("VM status: paused (prelaunch)")

    def test_telnet_client_never_reads(self):
        s = self.connect(self.tel_path)
        # Option negotiation and subnegotiations mixed with commands.
        chunk = (b"\xff\xfd\x01\xff\xfa\x18\x00xterm\xff\xf0"
                 b"info qtree\r\n") * 50
        sent = self.flood(s, chunk, 256 * MIB)
        self.assertLess(sent, 256 * MIB)
        self.assert_bounded()
        s.close()
        self.telnet_alive()

    def test_unterminated_subnegotiation(self):
        """An IAC SB that never ends swallows its bytes without
        buffering them; the session ends, the next one is served."""
        s = self.connect(self.tel_path)
        sent = self.flood(s, b"\xff\xfa\x18" + b"x" * 65536, 64 * MIB)
        self.assertGreater(sent, 0)
        self.assert_bounded()
        s.close()
        self.telnet_alive()

    def test_qmp_client_never_reads(self):
        q = self.qmp(self.q1)
        req = b'{"execute": "query-qmp-schema"}\n' * 100
        sent = self.flood(q.sock, req, 256 * MIB)
        self.assertLess(sent, 256 * MIB)
        self.assert_bounded()
        q.sock.close()
        q = self.qmp(self.q1)
        self.assertEqual(q.ret("query-status")["status"], "prelaunch")

    def test_silent_and_trickling_clients_hold_no_one_up(self):
        """A client on every interface that connects and sends nothing,
        and one on every interface that sends a byte at a time (a byte a
        minute is the same for kemu: a partial line or packet is kept,
        the loop goes on). Meanwhile the second QMP socket answers after
        every byte; each trickled request is answered once complete."""
        # Silent: connected, never a byte (QMP q1 and telnet stay taken,
        # served one client at a time as QEMU does).
        for path in (self.q1, self.tel_path):
            self.connect(path)
        q2 = self.qmp(self.q2)
        hmp, mon = self.hmp()
        gdb = self.connect(self.gdb_path)
        vnc = self.connect(self.vnc_path)
        self.assertTrue(vnc.recv(12).startswith(b"RFB 003.008"))
        trickles = [(hmp, b"info status\n"),
                    (gdb, b"$qAttached#8f"),
                    (vnc, b"RFB 003.008\n")]
        for i in range(max(len(t[1]) for t in trickles)):
            for sock, data in trickles:
                if i < len(data):
                    sock.sendall(data[i:i + 1])
            time.sleep(0.05)    # let kemu see the byte alone; not a check
            self.assertEqual(q2.ret("query-status")["status"], "prelaunch")
        mon.read_until("VM status: paused (prelaunch)")
        self.assertIn(b"$", gdb.recv(256).lstrip(b"+"))
        # RFB 3.8: the server lists its security types next.
        self.assertGreaterEqual(len(vnc.recv(16)), 2)
        q2.sock.close()     # q2 serves one client at a time
        self.assert_bounded()

    def test_1000_clients(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < 1200 <= hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (1200, hard))
            self.addCleanup(resource.setrlimit, resource.RLIMIT_NOFILE,
                            (soft, hard))
        socks, queued = [], 0
        for _ in range(1000):
            s = socket.socket(socket.AF_UNIX)
            s.setblocking(False)
            try:
                s.connect(self.q1)
                queued += 1
            except (BlockingIOError, ConnectionRefusedError):
                pass    # the listen backlog is full: refused, as QEMU's
            socks.append(s)
        self.assertGreaterEqual(queued, 1)
        # One client at a time is served: kemu does not hold them all.
        self.assertLess(fd_count(self.proc.pid), 100)
        self.assert_bounded()
        for s in socks:
            s.close()
        # Once they are gone the socket serves a new client.
        end = time.monotonic() + DEADLINE
        while True:
            try:
                q = self.qmp(self.q1)
                break
            except (OSError, EOFError):
                self.assertLess(time.monotonic(), end, "q1 never served")
                time.sleep(0.1)
        self.assertEqual(q.ret("query-status")["status"], "prelaunch")
        self.assertLess(fd_count(self.proc.pid), 100)


if __name__ == "__main__":
    unittest.main()
