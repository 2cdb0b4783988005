# SPDX-License-Identifier: GPL-2.0-or-later
"""A small GDB remote protocol client for the gdbstub tests: framing,
acks, run-length decoding, and a deadline on every read."""
import select
import socket
import time


def checksum(data: bytes) -> int:
    return sum(data) & 0xff


def frame(payload) -> bytes:
    if isinstance(payload, str):
        payload = payload.encode("latin1")
    return b"$" + payload + b"#%02x" % checksum(payload)


def rle_decode(data: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(data):
        if data[i] == ord("*"):
            out += bytes([out[-1]]) * (data[i + 1] - 29)
            i += 2
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


class GdbClient:
    timeout = 20

    def __init__(self, path=None, port=None, deadline=20):
        end = time.monotonic() + deadline
        while True:
            self.sock = None
            try:
                if path:
                    self.sock = socket.socket(socket.AF_UNIX)
                    self.sock.connect(path)
                else:
                    self.sock = socket.create_connection(("127.0.0.1", port))
                break
            except OSError:
                if self.sock:
                    self.sock.close()
                if time.monotonic() > end:
                    raise
                time.sleep(0.1)
        self.buf = b""
        self.no_ack = False
        self.acks = []          # '+'/'-' seen

    def close(self):
        self.sock.close()

    def send_raw(self, data: bytes):
        self.sock.sendall(data)

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no reply; have {self.buf[:200]!r}")
        r, _, _ = select.select([self.sock], [], [], left)
        if r:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError(f"connection closed; have {self.buf!r}")
            self.buf += data

    def read_ack(self, timeout=None):
        """The next '+' or '-' (skipping nothing else)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while not self.buf:
            self._fill(deadline)
        c, self.buf = self.buf[:1], self.buf[1:]
        return c

    def read_packet(self, timeout=None, raw=False):
        """The next packet's payload (acks before it are recorded); its
        checksum is verified and, unless raw, RLE expanded."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            while self.buf[:1] in (b"+", b"-"):
                self.acks.append(self.buf[:1])
                self.buf = self.buf[1:]
            if self.buf[:1] == b"$":
                end = self.buf.find(b"#")
                if end >= 0 and len(self.buf) >= end + 3:
                    payload = self.buf[1:end]
                    csum = int(self.buf[end + 1:end + 3], 16)
                    self.buf = self.buf[end + 3:]
                    assert csum == checksum(payload), \
                        f"bad checksum on {payload!r}"
                    if not self.no_ack:
                        try:
                            self.sock.sendall(b"+")
                        except OSError:
                            pass    # the stub hung up after its reply

                    return payload if raw else rle_decode(payload)
            elif self.buf:
                raise AssertionError(f"garbage from the stub: {self.buf!r}")
            self._fill(deadline)

    def cmd(self, payload, timeout=None):
        """Sends a packet, returns the reply payload as text."""
        self.send_raw(frame(payload))
        return self.read_packet(timeout).decode("latin1")
