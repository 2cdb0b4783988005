# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared helpers for whole-binary tests.

find the binary ($KEMU_BINARY, else $KEMU_BUILD or build/ in the tree),
run it to completion with a timeout, capture stdout/stderr/status, and
start it with a qtest socket for tests that talk the qtest protocol,
and talk to its monitors: QMP (QmpStream, start_qmp) and HMP (Hmp).
"""
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BUILD = os.environ.get("KEMU_BUILD", os.path.join(TOP, "build"))
PROG = "kemu-system-x86_64"


def binary():
    """Path of kemu-system-x86_64 to test."""
    return os.environ.get("KEMU_BINARY") or os.path.join(BUILD, PROG)


class Result:
    """Outcome of one run: status (-9 when killed on timeout), out, err."""

    def __init__(self, args, status, out, err, timed_out=False):
        self.args, self.status = args, status
        self.out, self.err, self.timed_out = out, err, timed_out

    def err_lines(self):
        return [l for l in self.err.splitlines() if l.strip()]

    def __repr__(self):
        return (f"Result(args={self.args!r}, status={self.status}, "
                f"out={self.out[-2000:]!r}, err={self.err[-2000:]!r})")


def _text(data):
    if data is None:
        return ""
    return data.decode(errors="replace") if isinstance(data, bytes) else data


def run(args, timeout=30, input=None, env=None):
    """Runs kemu with args to completion (killed after timeout seconds)."""
    cmd = [binary()] + list(args)
    try:
        p = subprocess.run(cmd, input=input, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True,
                           errors="replace", timeout=timeout, env=env,
                           stdin=None if input is not None
                           else subprocess.DEVNULL)
        return Result(args, p.returncode, p.stdout, p.stderr)
    except subprocess.TimeoutExpired as e:
        return Result(args, -9, _text(e.stdout), _text(e.stderr), True)


def start(args, env=None):
    """Starts kemu in the background; returns the Popen (text pipes)."""
    return subprocess.Popen([binary()] + list(args), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, errors="replace", env=env)


def stop(proc, sig=signal.SIGTERM, timeout=30, grace=0):
    """Ends proc: waits up to grace seconds for it to exit by itself, then
    sends sig (None: none) and waits; returns its Result (status -9 if it
    had to be killed)."""
    if grace:
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    if sig is not None and proc.poll() is None:
        proc.send_signal(sig)
    try:
        out, err = proc.communicate(timeout=timeout)
        return Result(proc.args, proc.returncode, out, err)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return Result(proc.args, -9, out, err, True)


class QTest:
    """kemu under -accel qtest, driven over its qtest socket.

    with QTest(["-m", "64"]) as q:
        q.cmd("outb 0x80 0x1")        # -> "OK"
        q.inb(0x71)
    """

    def __init__(self, extra_args=(), timeout=30, nodefaults=True):
        self.dir = tempfile.mkdtemp(prefix="kemu-qtest-")
        self.path = os.path.join(self.dir, "qtest.sock")
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(self.path)
        self.listener.listen(1)
        self.listener.settimeout(1.0)
        self.proc = start(["-accel", "qtest", "-qtest", "unix:" + self.path,
                           "-display", "none"] +
                          (["-nodefaults"] if nodefaults else []) +
                          ["-machine", "pc"] + list(extra_args))
        self.sock = None
        deadline = time.monotonic() + timeout
        while self.sock is None:
            try:
                self.sock, _ = self.listener.accept()
            except socket.timeout:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    res = stop(self.proc)
                    raise RuntimeError(f"kemu did not connect: {res!r}")
        self.sock.settimeout(timeout)
        self.rx = b""
        self.irqs = {}

    def _line(self):
        while b"\n" not in self.rx:
            data = self.sock.recv(4096)
            if not data:
                raise EOFError("kemu closed the qtest connection")
            self.rx += data
        line, self.rx = self.rx.split(b"\n", 1)
        return line.decode()

    def cmd(self, line):
        """Sends one request; returns the reply line ("OK ..."/"FAIL ...")."""
        self.sock.sendall(line.encode() + b"\n")
        while True:
            reply = self._line()
            if reply.startswith("IRQ raise ") or reply.startswith("IRQ lower "):
                self.irqs[int(reply.split()[2])] = reply.split()[1] == "raise"
                continue
            return reply

    def ok(self, line):
        reply = self.cmd(line)
        if not (reply == "OK" or reply.startswith("OK ")):
            raise AssertionError(f"{line!r} -> {reply!r}")
        return reply[3:]

    def inb(self, port):
        return int(self.ok(f"inb {port:#x}"), 0)

    def outb(self, port, val):
        self.ok(f"outb {port:#x} {val:#x}")

    def close(self, sig=None):
        """Ends kemu and returns its Result: with sig, by sending it that
        signal while the connection is still up; else by closing the
        qtest connection, which makes kemu exit with status 0."""
        res = None
        if sig is not None:
            # Keep the connection up until kemu has acted on the signal.
            if self.proc.poll() is None:
                self.proc.send_signal(sig)
            res = stop(self.proc, signal.SIGKILL, grace=30)
        if self.sock:
            self.sock.close()
        self.listener.close()
        if res is None:
            res = stop(self.proc, signal.SIGTERM, grace=10)
        try:
            os.unlink(self.path)
        except OSError:
            pass
        os.rmdir(self.dir)
        return res

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def start_qmp(cmdline, prefix="kemu-qmp-", timeout=30):
    """Starts cmdline(path), a full command line whose QMP monitor listens
    on the unix socket path (in a new temporary directory), and connects
    to it, retrying until it listens. Returns (dir, proc, sock); raises
    RuntimeError with the program's output if it exits or timeout passes
    first."""
    tmp = tempfile.mkdtemp(prefix=prefix)
    path = os.path.join(tmp, "qmp.sock")
    proc = subprocess.Popen(cmdline(path), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, errors="replace")
    deadline = time.monotonic() + timeout
    sock = socket.socket(socket.AF_UNIX)
    while True:
        try:
            sock.connect(path)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                sock.close()
                shutil.rmtree(tmp, ignore_errors=True)
                raise RuntimeError(f"no QMP socket: {stop(proc)!r}")
            time.sleep(0.05)
    sock.settimeout(timeout)
    return tmp, proc, sock


class QmpStream:
    """A QMP client on a connected socket: JSON values are read off the
    stream one by one, so compact and pretty output both work; events
    are kept apart in self.events. Reads the greeting; does not
    negotiate."""

    def __init__(self, sock):
        self.sock = sock
        self.raw = b""
        self.events = []
        self.dec = json.JSONDecoder()
        self.greeting = self.read()

    def read(self):
        """The next JSON value from the stream."""
        while True:
            text = self.raw.decode(errors="replace").lstrip()
            if text:
                try:
                    val, end = self.dec.raw_decode(text)
                    self.raw = text[end:].encode()
                    return val
                except json.JSONDecodeError:
                    pass
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("QMP connection closed")
            self.raw += data

    def reply(self):
        """The next non-event message; events go to self.events."""
        while True:
            msg = self.read()
            if "event" in msg:
                self.events.append(msg)
            else:
                return msg

    def send(self, data):
        self.sock.sendall(data if isinstance(data, bytes) else data.encode())

    def cmd(self, name, args=None, **extra):
        """Sends {"execute": name, "arguments": args, **extra}; returns
        the reply."""
        req = {"execute": name}
        if args is not None:
            req["arguments"] = args
        req.update(extra)
        self.send(json.dumps(req))
        return self.reply()

    def ret(self, name, args=None):
        """The "return" of a command that must succeed."""
        r = self.cmd(name, args)
        if "return" not in r:
            raise AssertionError(f"{name}: {r}")
        return r["return"]

    def event(self, name):
        """Waits for the named event; returns it and drops earlier ones."""
        while True:
            for i, e in enumerate(self.events):
                if e["event"] == name:
                    del self.events[:i + 1]
                    return e
            msg = self.read()
            if "event" in msg:
                self.events.append(msg)

    def close(self):
        self.sock.close()


PROMPT = "(qemu) "



def qmp_unix(testcase, sock, timeout=30):
    """A QmpStream on the unix socket sock, past capability negotiation and
    closed at testcase cleanup. kemu runs with -qmp ...,wait=off, so the
    socket may not exist yet: retry until timeout, failing the test then."""
    s = socket.socket(socket.AF_UNIX)
    deadline = time.monotonic() + timeout
    while s.connect_ex(sock) != 0:
        testcase.assertLess(time.monotonic(), deadline, "no QMP socket")
        time.sleep(0.05)
    s.settimeout(timeout)
    qmp = QmpStream(s)
    testcase.addCleanup(qmp.close)
    qmp.ret("qmp_capabilities")
    return qmp


class Hmp:
    """HMP over any byte stream: a readable fd and a write(bytes)
    function. Output is read with a deadline (self.timeout seconds)."""

    timeout = 30

    def __init__(self, rfd, write):
        self.rfd, self.write = rfd, write
        self.buf = ""

    def read_until(self, marker, timeout=None):
        """Everything up to and including marker."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while marker not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {marker!r} in {self.buf!r}")
            r, _, _ = select.select([self.rfd], [], [], left)
            if r:
                try:
                    data = os.read(self.rfd, 65536)
                except OSError:     # a pty whose other side went away
                    data = b""
                if not data:
                    raise AssertionError(f"EOF waiting for {marker!r}: "
                                         f"{self.buf!r}")
                self.buf += data.decode(errors="replace")
        i = self.buf.index(marker) + len(marker)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def cmd(self, line):
        """Runs one command; returns its output without the prompt."""
        self.write((line + "\n").encode())
        out = self.read_until(PROMPT)
        return out[:-len(PROMPT)].replace("\r\n", "\n")
