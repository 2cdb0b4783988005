# SPDX-License-Identifier: GPL-2.0-or-later
"""-display sdl under Xvfb: the window is titled after -name, shows the
same picture as screendump (read back from the X server with xwd), keys
typed into it (xdotool, through XTEST) reach the PS/2 keyboard, and
closing it ends kemu."""

import ctypes
import ctypes.util
import os
import shutil
import struct
import subprocess
import tempfile
import time
import unittest

from kemu_test import QTest, run, qmp_unix
from test_display import read_ppm

TOOLS = [t for t in ("Xvfb", "xwd", "xdotool") if not shutil.which(t)]


def sdl_built():
    r = run(["-display", "help"])
    return "sdl" in r.out.split()


def read_xwd(path):
    """Root window dump (32 bits per pixel, TrueColor) as (w, h, RGB)."""
    with open(path, "rb") as f:
        data = f.read()
    hdr = struct.unpack(">25I", data[:100])
    size, w, h = hdr[0], hdr[4], hdr[5]
    byte_order, bpp, bpl = hdr[7], hdr[11], hdr[12]
    rmask, gmask, bmask = hdr[14], hdr[15], hdr[16]
    ncolors = hdr[19]
    assert bpp in (24, 32), bpp
    px = data[size + ncolors * 12:]
    step = bpp // 8
    out = bytearray()
    for y in range(h):
        for x in range(w):
            b = px[y * bpl + x * step:y * bpl + x * step + step]
            v = int.from_bytes(b, "little" if byte_order == 0 else "big")
            out += bytes(((v & rmask) >> 16, (v & gmask) >> 8, v & bmask))
    assert (rmask, gmask, bmask) == (0xff0000, 0xff00, 0xff)
    return w, h, bytes(out)


def wm_delete(display, window):
    """Asks a window to close as a window manager does: a
    WM_PROTOCOLS/WM_DELETE_WINDOW client message (no WM runs here)."""
    x11 = ctypes.CDLL(ctypes.util.find_library("X11"))
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                ctypes.c_int]
    x11.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int,
                               ctypes.c_long, ctypes.c_void_p]
    x11.XFlush.argtypes = [ctypes.c_void_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]

    class ClientMessage(ctypes.Structure):
        _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong),
                    ("send_event", ctypes.c_int),
                    ("display", ctypes.c_void_p),
                    ("window", ctypes.c_ulong),
                    ("message_type", ctypes.c_ulong),
                    ("format", ctypes.c_int),
                    ("data", ctypes.c_long * 5),
                    ("pad", ctypes.c_long * 12)]     # XEvent is 24 longs

    dpy = x11.XOpenDisplay(display.encode())
    assert dpy, "cannot open the X display"
    ev = ClientMessage()
    ev.type = 33                                   # ClientMessage
    ev.window = window
    ev.message_type = x11.XInternAtom(dpy, b"WM_PROTOCOLS", 0)
    ev.format = 32
    ev.data[0] = x11.XInternAtom(dpy, b"WM_DELETE_WINDOW", 0)
    x11.XSendEvent(dpy, window, 0, 0, ctypes.byref(ev))
    x11.XFlush(dpy)
    x11.XCloseDisplay(dpy)


@unittest.skipIf(TOOLS, f"missing {', '.join(TOOLS)}")
class TestSdl(unittest.TestCase):
    def setUp(self):
        if not sdl_built():
            self.skipTest("kemu built without SDL2")
        self.tmp = tempfile.mkdtemp(prefix="kemu-sdl-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        # Xvfb picks a free display number and tells it on a pipe.
        rfd, wfd = os.pipe()
        self.xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(wfd), "-screen", "0", "1024x768x24",
             "-nolisten", "tcp"], pass_fds=(wfd,),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(wfd)
        self.addCleanup(self.stop_xvfb)
        num = b""
        deadline = time.monotonic() + 30
        while not num.endswith(b"\n"):
            self.assertLess(time.monotonic(), deadline, "Xvfb did not start")
            chunk = os.read(rfd, 16)
            self.assertTrue(chunk, "Xvfb exited")
            num += chunk
        os.close(rfd)
        self.env = dict(os.environ, DISPLAY=":" + num.decode().strip())
        os.environ["DISPLAY"] = self.env["DISPLAY"]
        self.addCleanup(os.environ.pop, "DISPLAY", None)
        sock = os.path.join(self.tmp, "qmp.sock")
        self.q = QTest(["-vga", "std", "-display", "sdl", "-name", "sdltest",
                        "-qmp", f"unix:{sock},server=on,wait=off"])
        self.addCleanup(self.q.close)
        self.qmp = qmp_unix(self, sock)
        self.q.outb(0x3d4, 0x0a)            # the blinking cursor off
        self.q.outb(0x3d5, 0x20)
        self.win = self.wait_window()

    def stop_xvfb(self):
        self.xvfb.terminate()
        self.xvfb.wait(timeout=30)

    def xdo(self, *args):
        return subprocess.run(["xdotool"] + list(args), env=self.env,
                              capture_output=True, text=True,
                              timeout=30).stdout.strip()

    def wait_window(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            ids = self.xdo("search", "--name", "^QEMU").split()
            if ids:
                return ids[0]
            time.sleep(0.1)
        self.fail("no SDL window")

    def grab_window(self):
        path = os.path.join(self.tmp, "root.xwd")
        subprocess.run(["xwd", "-root", "-silent", "-out", path],
                       env=self.env, check=True, timeout=30)
        rw, rh, root = read_xwd(path)
        geo = dict(line.strip().split(": ", 1) for line in
                   self.xdo("getwindowgeometry", self.win).splitlines()[1:])
        x, y = map(int, geo["Position"].split(" ")[0].split(","))
        w, h = map(int, geo["Geometry"].split("x"))
        out = bytearray()
        for j in range(h):
            i = ((y + j) * rw + x) * 3
            out += root[i:i + w * 3]
        return w, h, bytes(out)

    def screendump(self):
        path = os.path.join(self.tmp, "s.ppm")
        self.qmp.ret("screendump", {"filename": path})
        return read_ppm(path)

    def text(self, row, col, s, attr=0x1e):
        base = 0xb8000 + (row * 80 + col) * 2
        for i, ch in enumerate(s.encode()):
            self.q.ok(f"writeb {base + 2 * i:#x} {ch:#x}")
            self.q.ok(f"writeb {base + 2 * i + 1:#x} {attr:#x}")

    def test_title_and_picture(self):
        self.assertEqual(self.xdo("getwindowname", self.win),
                         "QEMU (sdltest)")
        self.text(1, 2, "Hello SDL", 0x1f)
        self.text(12, 30, "kemu", 0x4e)
        want = self.screendump()
        # The window follows within a few refreshes (30 ms each).
        deadline = time.monotonic() + 20
        while True:
            got = self.grab_window()
            if got == want or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(got[:2], want[:2])
        self.assertEqual(got[2], want[2])

    def test_keys_reach_guest(self):
        self.xdo("windowfocus", "--sync", self.win)
        self.xdo("key", "--delay", "50", "a")
        out = []
        deadline = time.monotonic() + 20
        while len(out) < 3 and time.monotonic() < deadline:
            if self.q.inb(0x64) & 1:
                out.append(self.q.inb(0x60))
            else:
                time.sleep(0.01)
        self.assertEqual(out, [0x1c, 0xf0, 0x1c])

    def test_close_quits(self):
        wm_delete(self.env["DISPLAY"], int(self.win))
        deadline = time.monotonic() + 20
        while self.q.proc.poll() is None:
            self.assertLess(time.monotonic(), deadline, "kemu still runs")
            time.sleep(0.1)
        self.assertEqual(self.q.proc.returncode, 0,
                         self.q.proc.stderr.read() if self.q.proc.stderr
                         else "")


if __name__ == "__main__":
    unittest.main()
