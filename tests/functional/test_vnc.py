# SPDX-License-Identifier: GPL-2.0-or-later
"""The VNC server against real clients (gvnccapture from gtk-vnc,
vncsnapshot from TightVNC) and a small RFB client of our own: pictures
equal to screendump, RFB 3.3/3.7/3.8, every encoding decoded back,
DesktopSize, VNC authentication accepted and refused, keys and pointer
reaching the PS/2 devices, WebSocket, several clients, and hostile or
stalled clients that are dropped while the server lives on."""

import base64
import hashlib
import os
import pty
import random
import select
import shutil
import socket
import struct
import subprocess
import tempfile
import termios
import time
import unittest
import zlib

from kemu_test import QTest, qmp_unix
from test_display import read_png, read_ppm

HAVE_GVNC = shutil.which("gvnccapture") is not None
HAVE_VNCSNAPSHOT = shutil.which("vncsnapshot") is not None
HAVE_DJPEG = shutil.which("djpeg") is not None
HAVE_OPENSSL = shutil.which("openssl") is not None


def free_display():
    """A display number N whose port 5900+N and 5700+N are free now."""
    for _ in range(100):
        n = random.randint(100, 4000)
        ok = True
        for port in (5900 + n, 5700 + n):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    ok = False
        if ok:
            return n
    raise RuntimeError("no free VNC display")


def des_ecb(key, data):
    """DES-ECB through openssl: an oracle independent of kemu's."""
    r = subprocess.run(["openssl", "enc", "-des-ecb", "-nopad", "-K",
                        key.hex(), "-provider", "legacy", "-provider",
                        "default"], input=data, capture_output=True,
                       check=True)
    return r.stdout


def vnc_key(password):
    return bytes(int(f"{b:08b}"[::-1], 2)
                 for b in password.encode()[:8].ljust(8, b"\0"))


def rgb_of(shot_px, n):
    return shot_px[:n * 3]


class Rfb:
    """A minimal RFB client: handshake, SetEncodings, update decoding
    (raw, hextile, zlib, ZRLE) into an RGB buffer."""

    def __init__(self, port, version="003.008", password=None, shared=1,
                 host="127.0.0.1"):
        self.s = socket.create_connection((host, port), timeout=30)
        self.buf = b""
        self.zlib = zlib.decompressobj()
        self.zrle = zlib.decompressobj()
        self.tz = [zlib.decompressobj() for _ in range(4)]
        server = self.recv(12)
        assert server == b"RFB 003.008\n", server
        self.s.sendall(f"RFB {version}\n".encode())
        minor = int(version[-3:])
        if minor == 3:
            (sec,) = struct.unpack(">I", self.recv(4))
        else:
            n = self.recv(1)[0]
            types = self.recv(n)
            sec = types[0]
            self.s.sendall(bytes([sec]))
        self.sec = sec
        if sec == 2:
            challenge = self.recv(16)
            self.s.sendall(des_ecb(vnc_key(password or ""), challenge))
        if sec == 2 or minor >= 8:
            (res,) = struct.unpack(">I", self.recv(4))
            if res:
                reason = b""
                if minor >= 8:
                    (n,) = struct.unpack(">I", self.recv(4))
                    reason = self.recv(n)
                raise PermissionError(reason.decode())
        self.s.sendall(bytes([shared]))
        hdr = self.recv(24)
        self.w, self.h = struct.unpack(">HH", hdr[:4])
        self.pf = hdr[4:20]
        (n,) = struct.unpack(">I", hdr[20:24])
        self.name = self.recv(n).decode()
        self.fb = bytearray(self.w * self.h * 3)

    def recv(self, n):
        while len(self.buf) < n:
            d = self.s.recv(65536)
            if not d:
                raise EOFError("server closed")
            self.buf += d
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def close(self):
        self.s.close()

    def set_encodings(self, encs):
        self.s.sendall(struct.pack(">BBH", 2, 0, len(encs)) +
                       b"".join(struct.pack(">i", e) for e in encs))

    def request(self, incremental=False, x=0, y=0, w=None, h=None):
        self.s.sendall(struct.pack(">BBHHHH", 3, int(incremental), x, y,
                                   self.w if w is None else w,
                                   self.h if h is None else h))

    def pixel(self, data, off=0):
        b, g, r = data[off], data[off + 1], data[off + 2]
        return bytes((r, g, b))

    def put(self, x, y, rgb):
        i = (y * self.w + x) * 3
        self.fb[i:i + 3] = rgb

    def read_update(self):
        """Reads one FramebufferUpdate; returns the encodings seen."""
        while True:
            t = self.recv(1)[0]
            if t == 0:
                break
            raise AssertionError(f"unexpected message {t}")
        _, n = struct.unpack(">BH", self.recv(3))
        seen = []
        for _ in range(n):
            x, y, w, h, enc = struct.unpack(">HHHHi", self.recv(12))
            seen.append(enc)
            if enc == 0:
                data = self.recv(w * h * 4)
                for j in range(h):
                    for i in range(w):
                        self.put(x + i, y + j,
                                 self.pixel(data, (j * w + i) * 4))
            elif enc == 5:
                self.hextile(x, y, w, h)
            elif enc == 6:
                (n2,) = struct.unpack(">I", self.recv(4))
                data = self.zlib.decompress(self.recv(n2))
                assert len(data) == w * h * 4
                for j in range(h):
                    for i in range(w):
                        self.put(x + i, y + j,
                                 self.pixel(data, (j * w + i) * 4))
            elif enc == 16:
                (n2,) = struct.unpack(">I", self.recv(4))
                self.zrle_rect(x, y, w, h, self.zrle.decompress(
                    self.recv(n2)))
            elif enc == 7:
                self.tight(x, y, w, h)
            elif enc == -223:
                self.w, self.h = w, h
                self.fb = bytearray(w * h * 3)
            elif enc == -258:
                pass
            else:
                raise AssertionError(f"encoding {enc}")
        return seen

    def hextile(self, x, y, w, h):
        bg = None
        for ty in range(y, y + h, 16):
            for tx in range(x, x + w, 16):
                tw, th = min(16, x + w - tx), min(16, y + h - ty)
                flags = self.recv(1)[0]
                if flags & 1:
                    data = self.recv(tw * th * 4)
                    for j in range(th):
                        for i in range(tw):
                            self.put(tx + i, ty + j,
                                     self.pixel(data, (j * tw + i) * 4))
                    continue
                if flags & 2:
                    bg = self.pixel(self.recv(4))
                assert not flags & ~2, f"hextile flags {flags:#x}"
                for j in range(th):
                    for i in range(tw):
                        self.put(tx + i, ty + j, bg)

    def tight(self, x, y, w, h):
        """Tight with 24-bit TPIXELs (R, G, B): fill and basic."""
        ctl = self.recv(1)[0]
        for i in range(4):
            if ctl & (1 << i):
                self.tz[i] = zlib.decompressobj()
        ctl >>= 4
        if ctl == 8:
            rgb = self.recv(3)
            for j in range(h):
                for i in range(w):
                    self.put(x + i, y + j, rgb)
            return
        assert ctl < 8, f"tight control {ctl:#x}"
        if ctl & 4:
            self.assertfilter = self.recv(1)[0]
            assert self.assertfilter == 0, "only the copy filter"
        n = w * h * 3
        if n < 12:
            data = self.recv(n)
        else:
            length, shift = 0, 0
            for _ in range(3):
                b = self.recv(1)[0]
                length |= (b & 0x7f) << shift
                shift += 7
                if not b & 0x80:
                    break
            data = self.tz[ctl & 3].decompress(self.recv(length))
        assert len(data) == n, (len(data), n)
        for j in range(h):
            for i in range(w):
                k = (j * w + i) * 3
                self.put(x + i, y + j, data[k:k + 3])

    def zrle_rect(self, x, y, w, h, data):
        pos = 0
        for ty in range(y, y + h, 64):
            for tx in range(x, x + w, 64):
                tw, th = min(64, x + w - tx), min(64, y + h - ty)
                sub = data[pos]
                pos += 1
                if sub == 1:
                    rgb = self.pixel(data, pos)
                    pos += 3
                    for j in range(th):
                        for i in range(tw):
                            self.put(tx + i, ty + j, rgb)
                elif sub == 0:
                    for j in range(th):
                        for i in range(tw):
                            self.put(tx + i, ty + j, self.pixel(data, pos))
                            pos += 3
                else:
                    raise AssertionError(f"ZRLE subencoding {sub}")
        assert pos == len(data)


class VncCase(unittest.TestCase):
    vnc_opts = ""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="kemu-vnc-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.display = free_display()
        self.port = 5900 + self.display
        sock = os.path.join(self.tmp, "qmp.sock")
        self.q = QTest(["-vga", "std",
                        "-vnc", f"127.0.0.1:{self.display}{self.vnc_opts}",
                        "-qmp", f"unix:{sock},server=on,wait=off"])
        self.addCleanup(self.q.close)
        self.qmp = qmp_unix(self, sock)
        # The text cursor blinks: off, so pictures are stable.
        self.q.outb(0x3d4, 0x0a)
        self.q.outb(0x3d5, 0x20)
        self.shots = 0

    def text(self, row, col, s, attr=0x1e):
        base = 0xb8000 + (row * 80 + col) * 2
        for i, ch in enumerate(s.encode()):
            self.q.ok(f"writeb {base + 2 * i:#x} {ch:#x}")
            self.q.ok(f"writeb {base + 2 * i + 1:#x} {attr:#x}")

    def screendump(self):
        self.shots += 1
        path = os.path.join(self.tmp, f"s{self.shots}.ppm")
        self.qmp.ret("screendump", {"filename": path})
        return read_ppm(path)

    def hmp(self, line):
        return self.qmp.ret("human-monitor-command", {"command-line": line})

    def vbe_pattern(self, w, h):
        cfg = 0x80000000 | (2 << 11)
        self.q.ok(f"outl 0xcf8 {cfg | 0x10:#x}")
        self.q.ok("outl 0xcfc 0xe0000000")
        self.q.ok(f"outl 0xcf8 {cfg | 0x04:#x}")
        self.q.ok("outw 0xcfc 0x0003")
        for idx, val in ((4, 0), (1, w), (2, h), (3, 32), (4, 0x41)):
            self.q.ok(f"outw 0x1ce {idx:#x}")
            self.q.ok(f"outw 0x1cf {val:#x}")
        data = bytearray()
        for y in range(h):
            for x in range(w):
                if y < h // 3:
                    data += bytes((0x40, 0x80, 0xc0, 0))        # solid band
                else:
                    data += bytes(((x * 3) & 0xff, (y * 7) & 0xff,
                                   (x ^ y) & 0xff, 0))
        for i in range(0, len(data), 1 << 16):
            chunk = bytes(data[i:i + (1 << 16)])
            self.q.ok(f"b64write {0xe0000000 + i:#x} {len(chunk)} " +
                      base64.b64encode(chunk).decode())


class TestRealClients(VncCase):
    @unittest.skipUnless(HAVE_GVNC, "gvnccapture (gvncviewer) not installed")
    def test_gvnccapture_matches_screendump(self):
        self.text(2, 3, "Hello from kemu over VNC", 0x1f)
        self.text(10, 40, "[box]", 0x4e)
        out = os.path.join(self.tmp, "cap.png")
        r = subprocess.run(["gvnccapture", f"127.0.0.1:{self.display}", out],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        w, h, px = read_png(out)
        sw, sh, spx = self.screendump()
        self.assertEqual((w, h), (sw, sh))
        self.assertEqual(px, spx)

    @unittest.skipUnless(HAVE_GVNC, "gvnccapture (gvncviewer) not installed")
    def test_gvnccapture_vbe_mode(self):
        self.vbe_pattern(200, 120)
        out = os.path.join(self.tmp, "cap.png")
        r = subprocess.run(["gvnccapture", f"127.0.0.1:{self.display}", out],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        self.assertEqual(read_png(out), self.screendump())

    @unittest.skipUnless(HAVE_VNCSNAPSHOT and HAVE_DJPEG,
                         "vncsnapshot or djpeg not installed")
    def test_vncsnapshot_matches_screendump(self):
        self.text(5, 10, "vncsnapshot sees this", 0x70)
        out = os.path.join(self.tmp, "cap.jpg")
        r = subprocess.run(["vncsnapshot", "-quiet", "-quality", "100",
                            f"127.0.0.1:{self.display}", out],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        ppm = os.path.join(self.tmp, "cap.ppm")
        subprocess.run(["djpeg", "-pnm", "-outfile", ppm, out], check=True)
        w, h, px = read_ppm(ppm)
        sw, sh, spx = self.screendump()
        self.assertEqual((w, h), (sw, sh))
        # JPEG is lossy: the pictures agree on average, and the text
        # area (white on grey vs black) is there.
        diff = sum(abs(a - b) for a, b in zip(px, spx)) / len(px)
        self.assertLess(diff, 4.0)
        self.assertNotEqual(set(spx), {0})


class TestProtocol(VncCase):
    def test_versions_and_encodings(self):
        self.text(1, 1, "encodings", 0x1f)
        self.vbe_pattern(100, 70)
        want = self.screendump()
        for version in ("003.003", "003.007", "003.008", "003.889"):
            for enc in (0, 5, 6, 7, 16):
                with self.subTest(version=version, encoding=enc):
                    c = Rfb(self.port, version)
                    self.assertEqual(c.sec, 1)
                    self.assertEqual((c.w, c.h), want[:2])
                    self.assertEqual(c.name, "QEMU")
                    c.set_encodings([enc, -223])
                    c.request()
                    seen = c.read_update()
                    self.assertEqual(set(seen), {enc})
                    self.assertEqual(bytes(c.fb), want[2])
                    c.close()

    def test_incremental_updates_and_desktop_size(self):
        c = Rfb(self.port)
        c.set_encodings([16, -223])
        c.request()
        c.read_update()
        self.assertEqual((c.w, c.h), (720, 400))
        # A change becomes an incremental update of just that area.
        self.text(20, 70, "X", 0x4f)
        c.request(incremental=True)
        c.read_update()
        self.assertEqual(bytes(c.fb), self.screendump()[2])
        # A mode change arrives as DesktopSize, then the new picture.
        self.vbe_pattern(64, 32)
        c.request(incremental=True)
        self.assertEqual(c.read_update(), [-223])
        self.assertEqual((c.w, c.h), (64, 32))
        c.request()
        c.read_update()
        self.assertEqual(bytes(c.fb), self.screendump()[2])
        c.close()

    def test_several_clients_and_info(self):
        clients = [Rfb(self.port) for _ in range(3)]
        info = self.hmp("info vnc")
        self.assertIn(f"Server: 127.0.0.1:{self.port} (ipv4)", info)
        self.assertIn("Auth: none (Sub: none)", info)
        self.assertEqual(info.count("Client: 127.0.0.1:"), 3)
        for c in clients:
            c.set_encodings([6])
            c.request()
        want = self.screendump()[2]
        for c in clients:
            c.read_update()
            self.assertEqual(bytes(c.fb), want)
        # An exclusive client (shared flag 0) makes the others leave.
        ex = Rfb(self.port, shared=0)
        for c in clients:
            with self.assertRaises((EOFError, ConnectionResetError)):
                c.request()
                c.read_update()
        ex.close()

    def test_keys_and_pointer_reach_ps2(self):
        c = Rfb(self.port)
        # KeyEvent 'a' down and up: scan code set 2 at port 0x60.
        c.s.sendall(struct.pack(">BBHI", 4, 1, 0, 0x61) +
                    struct.pack(">BBHI", 4, 0, 0, 0x61))
        self.assertEqual(self.read_kbd(3), [0x1c, 0xf0, 0x1c])
        # QEMU extended key event: scan code 0x9d is right ctrl.
        c.s.sendall(struct.pack(">BBHII", 255, 0, 1, 0, 0x9d))
        self.assertEqual(self.read_kbd(2), [0xe0, 0x14])
        # Pointer: enable the PS/2 mouse, then move and click.
        self.q.outb(0x64, 0xa8)
        self.q.outb(0x64, 0xd4)
        self.q.outb(0x60, 0xf4)
        self.assertEqual(self.read_kbd(1), [0xfa])
        c.s.sendall(struct.pack(">BBHH", 5, 0, 100, 100))
        c.s.sendall(struct.pack(">BBHH", 5, 1, 110, 95))
        self.assertEqual(self.read_kbd(3), [0x09, 10, 5])
        c.close()

    def read_kbd(self, n):
        out = []
        deadline = time.monotonic() + 15
        while len(out) < n:
            if self.q.inb(0x64) & 1:
                out.append(self.q.inb(0x60))
            else:
                self.assertLess(time.monotonic(), deadline, f"got {out}")
                time.sleep(0.01)
        return out

    def alive(self):
        c = Rfb(self.port)
        c.set_encodings([0])
        c.request(w=16, h=16)
        c.read_update()
        c.close()
        self.assertTrue(self.q.cmd("inb 0x3cc").startswith("OK"))

    def assert_dropped(self, s):
        s.settimeout(20)
        try:
            while s.recv(65536):
                pass
        except ConnectionResetError:
            pass
        s.close()

    def test_malformed_clients_are_dropped(self):
        for data in (
                b"HELLO WORLD!",                             # not a version
                b"RFB 004.000\n",                            # wrong major
                b"RFB 003.008\n\x07",                        # bad security
                b"RFB 003.008\n\x01\x01\x09" + b"\0" * 40,   # unknown type
                b"RFB 003.008\n\x01\x01\xff\x05"):           # QEMU audio
            s = socket.create_connection(("127.0.0.1", self.port))
            s.recv(12)
            s.sendall(data)
            self.assert_dropped(s)
        # Random messages after a good handshake: whatever they parse
        # as, the server survives them (the client then hangs up).
        rng = random.Random(1234)
        for _ in range(30):
            s = socket.create_connection(("127.0.0.1", self.port))
            s.recv(12)
            try:
                s.sendall(b"RFB 003.008\n\x01\x01" +
                          bytes(rng.randrange(256) for _ in range(300)))
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            self.assert_dropped(s)
        self.alive()

    def test_huge_messages_stay_bounded(self):
        # SetEncodings announcing 65535 entries, sent slowly: waits.
        c = Rfb(self.port)
        c.s.sendall(struct.pack(">BBH", 2, 0, 65535) + b"\0" * 1000)
        # A cut text of 4 GiB announced: streamed away, not stored.
        d = Rfb(self.port)
        d.s.sendall(struct.pack(">BxxxI", 6, 0xffffffff) + b"x" * 200000)
        self.alive()
        d.close()
        c.close()

    def test_stalled_client_does_not_block(self):
        # A client that asks for updates and never reads.
        stall = Rfb(self.port)
        stall.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stall.set_encodings([0])
        for i in range(40):
            stall.request()
            self.vbe_pattern(320 + 8 * (i % 2), 240)
        # Others are still served and the monitor still answers.
        self.alive()
        self.assertIn("Client:", self.hmp("info vnc"))
        stall.close()


class TestPassword(VncCase):
    vnc_opts = ",password=on"

    @unittest.skipUnless(HAVE_OPENSSL, "openssl not installed")
    def test_password(self):
        # No password set yet: nobody gets in.
        with self.assertRaises(PermissionError):
            Rfb(self.port, password="")
        self.assertEqual(self.hmp("change vnc password secret"), "")
        c = Rfb(self.port, password="secret")
        self.assertEqual(c.sec, 2)
        c.close()
        with self.assertRaisesRegex(PermissionError, "Authentication failed"):
            Rfb(self.port, password="wrong")
        for version in ("003.003", "003.007"):
            Rfb(self.port, version, password="secret").close()
            with self.assertRaises((PermissionError, EOFError)):
                Rfb(self.port, version, password="secreT")
        self.qmp.ret("change-vnc-password", {"password": "other"})
        Rfb(self.port, password="other").close()
        self.assertIn("Auth: vnc (Sub: none)", self.hmp("info vnc"))

    @unittest.skipUnless(HAVE_GVNC, "gvnccapture (gvncviewer) not installed")
    def test_gvnccapture_password(self):
        self.qmp.ret("change-vnc-password", {"password": "letmein"})
        self.text(3, 3, "secret screen", 0x2f)
        out = os.path.join(self.tmp, "cap.png")
        for pw, ok in (("letmein", True), ("nope", False)):
            status, text = self.gvnc_with_password(out, pw)
            self.assertEqual(status == 0, ok, text)
        self.assertEqual(read_png(out), self.screendump())

    def gvnc_with_password(self, out, pw):
        """gvnccapture reads the password from its terminal: give it
        one."""
        master, slave = pty.openpty()
        p = subprocess.Popen(["gvnccapture", f"127.0.0.1:{self.display}",
                              out], stdin=slave, stdout=slave, stderr=slave,
                             start_new_session=True)
        os.close(slave)
        text, sent = b"", False
        deadline = time.monotonic() + 60
        status = None
        while p.poll() is None and time.monotonic() < deadline:
            r, _, _ = select.select([master], [], [], 0.2)
            if r:
                try:
                    text += os.read(master, 4096)
                except OSError:
                    break
            prompts = text.count(b"Password:")
            # Type only once the prompt turned echo off: earlier, the
            # line is read in the old terminal mode and lost.
            if (prompts == 1 and not sent and
                    not termios.tcgetattr(master)[3] & termios.ECHO):
                os.write(master, pw.encode() + b"\n")
                sent = True
            elif prompts > 1:
                # Refused, and it asks again: that is a refusal.
                p.kill()
                status = -1
                break
        try:
            p.wait(timeout=30)
        finally:
            os.close(master)
        if status is None:
            status = p.returncode
        return status, text.decode(errors="replace")


class TestWebSocket(VncCase):
    vnc_opts = ",websocket=on"

    def test_websocket_rfb(self):
        s = socket.create_connection(("127.0.0.1", 5700 + self.display),
                                     timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        s.sendall((f"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                   f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                   f"Sec-WebSocket-Protocol: binary\r\n"
                   f"Sec-WebSocket-Version: 13\r\n\r\n").encode())
        resp = b""
        while b"\r\n\r\n" not in resp:
            resp += s.recv(4096)
        head, rest = resp.split(b"\r\n\r\n", 1)
        self.assertTrue(head.startswith(b"HTTP/1.1 101"))
        accept = base64.b64encode(hashlib.sha1(
            (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode())
            .digest()).decode()
        self.assertIn(f"Sec-WebSocket-Accept: {accept}".encode(), head)
        self.assertIn(b"Sec-WebSocket-Protocol: binary", head)

        def frame(data):
            mask = os.urandom(4)
            body = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
            return bytes((0x82, 0x80 | len(data))) + mask + body

        def read_msg(buf):
            while len(buf) < 2 or len(buf) < 2 + (buf[1] & 0x7f):
                buf += s.recv(4096)
            n = buf[1] & 0x7f
            self.assertLess(n, 126)
            return buf[2:2 + n], buf[2 + n:]

        msg, rest = read_msg(rest)
        self.assertEqual(msg, b"RFB 003.008\n")
        s.sendall(frame(b"RFB 003.008\n"))
        msg, rest = read_msg(rest)
        self.assertEqual(msg, b"\x01\x01")
        s.sendall(frame(b"\x01"))
        msg, rest = read_msg(rest)
        self.assertEqual(msg, b"\0\0\0\0")
        self.assertIn("(Websocket)", self.hmp("info vnc"))
        s.close()


if __name__ == "__main__":
    unittest.main()
