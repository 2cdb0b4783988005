# SPDX-License-Identifier: GPL-2.0-or-later
"""The VGA card, bochs-display and the console layer, driven over qtest
(no guest code): what is written into VGA memory and registers must come
back as pixels in a screendump, through every way a guest draws (text
with the font in plane 2, write modes on planar memory, mode 13h,
VBE linear framebuffer through ports, the MMIO BAR and the bank window),
and hostile register values must never crash the process."""

import base64
import gzip
import os
import shutil
import socket
import struct
import tempfile
import time
import unittest
import zlib

from kemu_test import QTest, QmpStream, run, qmp_unix

FONT = "/usr/share/consolefonts/default8x16.psf.gz"

# Standard register sets of BIOS modes (IBM VGA reference values).
MODE13 = dict(
    misc=0x63, seq=[0x03, 0x01, 0x0f, 0x00, 0x0e],
    crtc=[0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x00, 0x41, 0x00,
          0x00, 0x00, 0x00, 0x00, 0x00, 0x9c, 0x0e, 0x8f, 0x28, 0x40, 0x96,
          0xb9, 0xa3, 0xff],
    gc=[0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0f, 0xff],
    attr=list(range(16)) + [0x41, 0x00, 0x0f, 0x00, 0x00])
MODE12 = dict(
    misc=0xe3, seq=[0x03, 0x01, 0x0f, 0x00, 0x06],
    crtc=[0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0x0b, 0x3e, 0x00, 0x40, 0x00,
          0x00, 0x00, 0x00, 0x00, 0x00, 0xea, 0x0c, 0xdf, 0x28, 0x00, 0xe7,
          0x04, 0xe3, 0xff],
    gc=[0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0f, 0xff],
    attr=[0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a,
          0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x01, 0x00, 0x0f, 0x00, 0x00])


def c6(v):
    """A 6-bit DAC value as the 8-bit screen value."""
    return (v << 2) | (v >> 4)


def ega(i):
    """The default DAC colour i (0..63) of the EGA palette."""
    def comp(bit):
        return (0x2a if i >> bit & 1 else 0) + (0x15 if i >> (bit + 3) & 1
                                                else 0)
    return (c6(comp(2)), c6(comp(1)), c6(comp(0)))


def read_ppm(path):
    with open(path, "rb") as f:
        data = f.read()
    parts = data.split(b"\n", 3)
    assert parts[0] == b"P6", parts[0]
    w, h = map(int, parts[1].split())
    assert parts[2] == b"255"
    px = parts[3]
    assert len(px) == w * h * 3, (len(px), w, h)
    return w, h, px


def read_png(path):
    """A minimal PNG reader for 8-bit RGB or RGBA, non-interlaced (what
    kemu and gvnccapture write): checks chunk CRCs, undoes the row
    filters, returns RGB."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, w = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        (crc,) = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        assert zlib.crc32(kind + body) == crc, kind
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, inter = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and inter == 0
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    out = bytearray()
    prev = bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xff
            elif f == 2:
                line[i] = (line[i] + b) & 0xff
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xff
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 0xff
        if bpp == 3:
            out += line
        else:
            for i in range(0, stride, 4):
                out += line[i:i + 3]
        prev = line
    return w, h, bytes(out)


def psf_glyphs():
    """Glyphs of the console font the ROM font is built from, by code
    point (ASCII is the same in CP437)."""
    data = gzip.open(FONT).read()
    assert data[:2] == b"\x36\x04"
    mode, height = data[2], data[3]
    count = 512 if mode & 1 else 256
    glyphs = [data[4 + i * height:4 + (i + 1) * height]
              for i in range(count)]
    table, pos, g, umap = data[4 + count * height:], 0, 0, {}
    while g < count and pos + 1 < len(table):
        (u,) = struct.unpack_from("<H", table, pos)
        pos += 2
        if u == 0xffff:
            g += 1
        elif u != 0xfffe:
            umap.setdefault(u, g)
    return {chr(u): glyphs[gi] for u, gi in umap.items() if u < 128}


class DisplayCase(unittest.TestCase):
    args = ["-vga", "std"]

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="kemu-display-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        sock = os.path.join(self.tmp, "qmp.sock")
        self.q = QTest(self.args + ["-qmp", f"unix:{sock},server=on,wait=off"])
        self.addCleanup(self.q.close)
        self.qmp = qmp_unix(self, sock)
        self.shot = 0

    # ---- helpers ----
    def out(self, port, val):
        self.q.ok(f"outb {port:#x} {val:#x}")

    def inb(self, port):
        return self.q.inb(port)

    def outw(self, port, val):
        self.q.ok(f"outw {port:#x} {val:#x}")

    def inw(self, port):
        return int(self.q.ok(f"inw {port:#x}"), 0)

    def writeb(self, addr, val):
        self.q.ok(f"writeb {addr:#x} {val:#x}")

    def readb(self, addr):
        return int(self.q.ok(f"readb {addr:#x}"), 0)

    def write(self, addr, data):
        for i in range(0, len(data), 1 << 16):
            chunk = data[i:i + (1 << 16)]
            self.q.ok(f"b64write {addr + i:#x} {len(chunk)} "
                      + base64.b64encode(chunk).decode())

    def screendump(self, fmt="ppm", **extra):
        self.shot += 1
        path = os.path.join(self.tmp, f"shot{self.shot}.{fmt}")
        args = {"filename": path, **extra}
        if fmt != "ppm":
            args["format"] = fmt
        self.qmp.ret("screendump", args)
        return read_png(path) if fmt == "png" else read_ppm(path)

    def pixel(self, shot, x, y):
        w, _, px = shot
        i = (y * w + x) * 3
        return tuple(px[i:i + 3])

    def set_mode(self, m):
        self.out(0x3c2, m["misc"])
        for i, v in enumerate(m["seq"]):
            self.out(0x3c4, i)
            self.out(0x3c5, v)
        self.out(0x3d4, 0x11)
        self.out(0x3d5, 0x00)          # unlock CR0-CR7
        for i, v in enumerate(m["crtc"]):
            self.out(0x3d4, i)
            self.out(0x3d5, v)
        for i, v in enumerate(m["gc"]):
            self.out(0x3ce, i)
            self.out(0x3cf, v)
        self.inb(0x3da)                 # attribute flip-flop to index
        for i, v in enumerate(m["attr"]):
            self.out(0x3c0, i)
            self.out(0x3c0, v)
        self.out(0x3c0, 0x20)           # display on

    def pci_bar(self, slot, bar):
        """BAR bar of 00:slot.0, placed where firmware would put it
        (no firmware runs under qtest) with memory decoding on."""
        cfg = 0x80000000 | (slot << 11)
        addr = 0xe0000000 + bar * 0x1000000
        self.q.ok(f"outl 0xcf8 {cfg | (0x10 + 4 * bar):#x}")
        self.q.ok(f"outl 0xcfc {addr:#x}")
        val = int(self.q.ok("inl 0xcfc"), 0) & ~0xf
        self.assertEqual(val, addr)
        self.q.ok(f"outl 0xcf8 {cfg | 0x04:#x}")
        cmd = int(self.q.ok("inw 0xcfc"), 0)
        self.q.ok(f"outw 0xcfc {cmd | 0x02:#x}")
        return val

    def vbe(self, index, val=None):
        self.outw(0x1ce, index)
        if val is None:
            return self.inw(0x1cf)
        self.outw(0x1cf, val)


class TestTextMode(DisplayCase):
    def glyph_from_plane2(self, ch):
        """The font bytes of character ch, read back through the window
        with plane 2 selected (sequential addressing, read map 2)."""
        self.out(0x3c4, 4)
        self.out(0x3c5, 0x06)           # sequential, no chain-4
        self.out(0x3ce, 5)
        self.out(0x3cf, 0x00)           # read mode 0, no odd/even
        self.out(0x3ce, 6)
        self.out(0x3cf, 0x04)           # A0000, 64 KiB, graphics off
        self.out(0x3ce, 4)
        self.out(0x3cf, 0x02)           # read map 2
        g = bytes(self.readb(0xa0000 + ord(ch) * 32 + r) for r in range(16))
        # Back to text: odd/even, B8000.
        self.out(0x3c4, 4)
        self.out(0x3c5, 0x02)
        self.out(0x3ce, 5)
        self.out(0x3cf, 0x10)
        self.out(0x3ce, 6)
        self.out(0x3cf, 0x0e)
        self.out(0x3ce, 4)
        self.out(0x3cf, 0x00)
        return g

    def check_cell(self, shot, col, row, glyph, fg, bg, msg=""):
        for line in range(16):
            for x in range(9):
                on = x < 8 and glyph[line] & (0x80 >> x)
                self.assertEqual(self.pixel(shot, col * 9 + x, row * 16 + line),
                                 fg if on else bg,
                                 f"{msg} cell {col},{row} line {line} x {x}")

    def test_starts_in_80x25_text(self):
        self.no_cursor()
        shot = self.screendump()
        self.assertEqual(shot[:2], (720, 400))
        # Every cell is a blank: a space of light grey on black.
        self.assertEqual(set(shot[2][:720 * 3 * 12]), {0})

    def no_cursor(self):
        self.out(0x3d4, 0x0a)
        self.out(0x3d5, 0x20)

    def test_text_renders_font_glyphs(self):
        self.no_cursor()    # it blinks: screendumps would differ
        font = psf_glyphs()
        text = "Hello, VGA! 0123 xyz"
        attrs = [0x1f, 0x4e, 0x07, 0x2a, 0x70]
        base = 0xb8000 + (3 * 80 + 5) * 2
        for i, ch in enumerate(text):
            self.writeb(base + 2 * i, ord(ch))
            self.writeb(base + 2 * i + 1, attrs[i % len(attrs)])
        shot = self.screendump()
        self.assertEqual(shot[:2], (720, 400))
        for i, ch in enumerate(text):
            g = self.glyph_from_plane2(ch)
            # The font in plane 2 is the console font the build used.
            self.assertEqual(g, font[ch], f"glyph of {ch!r} in plane 2")
            if ch != " ":
                self.assertNotEqual(g, bytes(16))
            a = attrs[i % len(attrs)]
            # Default attribute palette: colour c is DAC entry c, except
            # brown (6 -> 0x14) and the bright ones (8-15 -> 0x38-0x3f).
            dac = [0, 1, 2, 3, 4, 5, 0x14, 7] + list(range(0x38, 0x40))
            self.check_cell(shot, 5 + i, 3, g, ega(dac[a & 15]),
                            ega(dac[a >> 4 & 7]), repr(ch))
        # The text survives in PNG too, byte for byte.
        png = self.screendump("png")
        self.assertEqual(png, self.screendump())

    def test_custom_glyph_written_to_plane2(self):
        self.no_cursor()
        # Load a checkerboard glyph for character 0x01 the way a font
        # loader does: map mask plane 2, sequential addressing.
        pattern = bytes((0xaa if r % 2 else 0x55) for r in range(16))
        self.out(0x3c4, 2)
        self.out(0x3c5, 0x04)
        self.out(0x3c4, 4)
        self.out(0x3c5, 0x06)
        self.out(0x3ce, 5)
        self.out(0x3cf, 0x00)
        self.out(0x3ce, 6)
        self.out(0x3cf, 0x04)
        for r in range(16):
            self.writeb(0xa0000 + 1 * 32 + r, pattern[r])
        self.out(0x3c4, 2)
        self.out(0x3c5, 0x03)
        self.out(0x3c4, 4)
        self.out(0x3c5, 0x02)
        self.out(0x3ce, 5)
        self.out(0x3cf, 0x10)
        self.out(0x3ce, 6)
        self.out(0x3cf, 0x0e)
        self.writeb(0xb8000 + (10 * 80 + 40) * 2, 0x01)
        self.writeb(0xb8000 + (10 * 80 + 40) * 2 + 1, 0x0f)
        shot = self.screendump()
        self.check_cell(shot, 40, 10, pattern, ega(0x3f), ega(0))

    def test_cursor_position_and_disable(self):
        # Cursor at row 5, column 7 with scanlines 0-15: a solid block.
        # Blink hides it half of the time, so sample until both phases
        # have been seen (at least one within the deadline).
        self.out(0x3d4, 0x0a)
        self.out(0x3d5, 0x00)
        self.out(0x3d4, 0x0b)
        self.out(0x3d5, 0x0f)
        self.out(0x3d4, 0x0e)
        self.out(0x3d5, (5 * 80 + 7) >> 8)
        self.out(0x3d4, 0x0f)
        self.out(0x3d5, (5 * 80 + 7) & 0xff)
        seen = set()
        deadline = time.monotonic() + 20
        while len(seen) < 2 and time.monotonic() < deadline:
            seen.add(self.pixel(self.screendump(), 7 * 9 + 3, 5 * 16 + 8))
        self.assertIn(ega(7), seen, "cursor never drawn")
        # Disabled cursor: never drawn.
        self.out(0x3d4, 0x0a)
        self.out(0x3d5, 0x20)
        for _ in range(5):
            self.assertEqual(self.pixel(self.screendump(), 7 * 9 + 3,
                                        5 * 16 + 8), (0, 0, 0))


class TestGraphicsModes(DisplayCase):
    def test_mode13h(self):
        self.set_mode(MODE13)
        self.q.ok("memset 0xa0000 64000 0")
        # DAC entries 1 and 2, written through 0x3c8/0x3c9 and read back.
        self.out(0x3c8, 1)
        for v in (63, 0, 0, 0, 40, 20):
            self.out(0x3c9, v)
        self.out(0x3c7, 1)
        self.assertEqual([self.inb(0x3c9) for _ in range(6)],
                         [63, 0, 0, 0, 40, 20])
        for x in range(320):
            self.writeb(0xa0000 + 10 * 320 + x, 1 + (x & 1))
        self.writeb(0xa0000 + 199 * 320 + 319, 2)
        self.assertEqual(self.readb(0xa0000 + 10 * 320 + 3), 2)
        shot = self.screendump()
        self.assertEqual(shot[:2], (320, 200))
        self.assertEqual(self.pixel(shot, 0, 10), (255, 0, 0))
        self.assertEqual(self.pixel(shot, 1, 10), (0, c6(40), c6(20)))
        self.assertEqual(self.pixel(shot, 319, 199), (0, c6(40), c6(20)))
        self.assertEqual(self.pixel(shot, 5, 11), (0, 0, 0))

    def test_mode12h_write_and_read_modes(self):
        self.set_mode(MODE12)
        # Write mode 0, all planes: clears what text mode left behind.
        self.q.ok("memset 0xa0000 38400 0")
        # Write mode 2 with bit mask 0x80: pixel 0 of line 0 gets colour 4
        # (the latch is loaded by a read first, as drivers do).
        self.out(0x3ce, 5)
        self.out(0x3cf, 0x02)
        self.out(0x3ce, 8)
        self.out(0x3cf, 0x80)
        self.readb(0xa0000)
        self.writeb(0xa0000, 0x04)
        # Write mode 0 with set/reset on all planes: 8 pixels of colour 14
        # at x 8-15 of line 1.
        self.out(0x3ce, 5)
        self.out(0x3cf, 0x00)
        self.out(0x3ce, 8)
        self.out(0x3cf, 0xff)
        self.out(0x3ce, 1)
        self.out(0x3cf, 0x0f)
        self.out(0x3ce, 0)
        self.out(0x3cf, 0x0e)
        self.writeb(0xa0000 + 80 + 1, 0x00)
        # Write mode 0 without set/reset, map mask planes 0 and 2,
        # XOR with the latch: pixels of line 2 x 16-23 pattern 0xf0.
        self.out(0x3ce, 1)
        self.out(0x3cf, 0x00)
        self.out(0x3c4, 2)
        self.out(0x3c5, 0x05)
        self.out(0x3ce, 3)
        self.out(0x3cf, 0x18)           # XOR
        self.readb(0xa0000 + 160 + 2)
        self.writeb(0xa0000 + 160 + 2, 0xf0)
        self.out(0x3ce, 3)
        self.out(0x3cf, 0x00)
        self.out(0x3c4, 2)
        self.out(0x3c5, 0x0f)

        shot = self.screendump()
        self.assertEqual(shot[:2], (640, 480))
        self.assertEqual(self.pixel(shot, 0, 0), ega(4))
        self.assertEqual(self.pixel(shot, 1, 0), ega(0))
        for x in range(8, 16):
            self.assertEqual(self.pixel(shot, x, 1), ega(0x3e))
        self.assertEqual(self.pixel(shot, 7, 1), ega(0))
        for x in range(16, 24):
            self.assertEqual(self.pixel(shot, x, 2),
                             ega(5) if x < 20 else ega(0))

        # Read mode 1: colour compare against 14 over all planes.
        self.out(0x3ce, 5)
        self.out(0x3cf, 0x08)
        self.out(0x3ce, 2)
        self.out(0x3cf, 0x0e)
        self.out(0x3ce, 7)
        self.out(0x3cf, 0x0f)
        self.assertEqual(self.readb(0xa0000 + 81), 0xff)
        self.assertEqual(self.readb(0xa0000), 0x00)
        # Read mode 0, map 2: plane 2 of the colour-14 byte is all ones.
        self.out(0x3ce, 5)
        self.out(0x3cf, 0x00)
        self.out(0x3ce, 4)
        self.out(0x3cf, 0x02)
        self.assertEqual(self.readb(0xa0000 + 81), 0xff)
        self.out(0x3ce, 4)
        self.out(0x3cf, 0x00)
        self.assertEqual(self.readb(0xa0000 + 81), 0x00)


class TestVBE(DisplayCase):
    def set_vbe(self, w, h, bpp, enable=0x41):
        self.vbe(4, 0)
        self.vbe(1, w)
        self.vbe(2, h)
        self.vbe(3, bpp)
        self.vbe(4, enable)

    def test_dispi_registers(self):
        self.assertEqual(self.vbe(0), 0xb0c5)
        self.assertEqual(self.vbe(10), 16 << 20 >> 16)   # 16 MiB in 64 KiB
        self.vbe(4, 0x02)                                # GETCAPS
        self.assertEqual((self.vbe(1), self.vbe(2), self.vbe(3)),
                         (16000, 12000, 32))
        self.vbe(4, 0)
        self.set_vbe(800, 600, 16)
        self.assertEqual((self.vbe(1), self.vbe(2), self.vbe(3)),
                         (800, 600, 16))
        self.assertEqual(self.vbe(6), 800)               # virtual width

    def test_32bpp_pattern_through_lfb(self):
        lfb = self.pci_bar(2, 0)
        w, h = 64, 48
        self.set_vbe(w, h, 32)
        pat = bytearray()
        for y in range(h):
            for x in range(w):
                pat += bytes(((x + y) & 0xff, (y * 5) & 0xff, (x * 4) & 0xff,
                              0))
        self.write(lfb, bytes(pat))
        shot = self.screendump()
        self.assertEqual(shot[:2], (w, h))
        expect = bytearray()
        for i in range(0, len(pat), 4):
            expect += bytes((pat[i + 2], pat[i + 1], pat[i]))
        self.assertEqual(shot[2], bytes(expect))
        # A later write is picked up (dirty log), the rest stays.
        self.q.ok(f"writel {lfb + (20 * w + 10) * 4:#x} 0x00123456")
        shot2 = self.screendump()
        self.assertEqual(self.pixel(shot2, 10, 20), (0x12, 0x34, 0x56))
        self.assertEqual(self.pixel(shot2, 11, 20), self.pixel(shot, 11, 20))
        self.assertEqual(self.screendump("png")[2], shot2[2])

    def test_16bpp_through_mmio_bar(self):
        lfb = self.pci_bar(2, 0)
        mmio = self.pci_bar(2, 2)
        # Dispi registers as 16-bit words at 0x500 in BAR 2.
        for idx, val in ((4, 0), (1, 32), (2, 16), (3, 16), (4, 0x41)):
            self.q.ok(f"writew {mmio + 0x500 + 2 * idx:#x} {val:#x}")
        self.assertEqual(int(self.q.ok(f"readw {mmio + 0x502:#x}"), 0), 32)
        # QEMU extended registers: their size, little-endian framebuffer.
        self.assertEqual(int(self.q.ok(f"readl {mmio + 0x600:#x}"), 0), 8)
        self.assertEqual(int(self.q.ok(f"readl {mmio + 0x604:#x}"), 0),
                         0x1e1e1e1e)
        px = bytearray()
        for y in range(16):
            for x in range(32):
                px += struct.pack("<H", (x << 11) | ((y * 4) << 5) | (31 - x))
        self.write(lfb, bytes(px))
        shot = self.screendump()
        self.assertEqual(shot[:2], (32, 16))
        for (x, y) in ((0, 0), (31, 15), (7, 3)):
            self.assertEqual(self.pixel(shot, x, y),
                             (x * 255 // 31, y * 4 * 255 // 63,
                              (31 - x) * 255 // 31))
        # VGA ports at 0x400 of BAR 2: the DAC through MMIO.
        self.q.ok(f"writeb {mmio + 0x408:#x} 0x05")
        for v in (0x11, 0x22, 0x33):
            self.q.ok(f"writeb {mmio + 0x409:#x} {v:#x}")
        self.out(0x3c7, 5)
        self.assertEqual([self.inb(0x3c9) for _ in range(3)],
                         [0x11, 0x22, 0x33])

    def test_8bpp_banked_window(self):
        lfb = self.pci_bar(2, 0)
        self.set_vbe(320, 240, 8)
        # 8-bit DAC: entry 9 is taken as is.
        self.vbe(4, 0x41 | 0x20 | 0x80)
        self.out(0x3c8, 9)
        for v in (0x80, 0x40, 0x20):
            self.out(0x3c9, v)
        # Bank 1 of the 64 KiB window at 0xa0000 is VRAM 64 KiB up.
        self.vbe(5, 1)
        self.writeb(0xa0000 + 0x10, 9)
        self.assertEqual(self.readb(lfb + 0x10010), 9)
        shot = self.screendump()
        off = 0x10010
        self.assertEqual(self.pixel(shot, off % 320, off // 320),
                         (0x80, 0x40, 0x20))

    def test_hostile_values_keep_running(self):
        # Too big for VRAM, odd bpp, offsets beyond the virtual screen,
        # banks beyond VRAM: clamped, never drawn outside VRAM.
        for regs in ((16000, 12000, 32), (65535, 65535, 7), (8, 1, 24),
                     (1, 65535, 32)):
            self.set_vbe(*regs)
            self.vbe(8, 65535)
            self.vbe(9, 65535)
            self.vbe(5, 65535)
            self.writeb(0xa0000, 1)
            w, h, _ = self.screendump()
            self.assertLessEqual(w * h * 4, 16 << 20)
        self.vbe(4, 0)
        # Garbage into every legacy register and port.
        for port in list(range(0x3b0, 0x3e0)) + [0x1ce, 0x1cf, 0x1d0]:
            for v in (0x00, 0xff, 0x55, 0xaa):
                self.out(port, v)
                self.inb(port)
        for i in range(0x100):
            self.out(0x3d4, i)
            self.out(0x3d5, 0xff)
        self.screendump()
        for addr in (0xa0000, 0xaffff, 0xb0000, 0xbffff):
            self.writeb(addr, 0x5a)
            self.readb(addr)
        self.screendump("png")
        self.assertTrue(self.q.cmd("inb 0x3cc").startswith("OK "))


class TestBochsDisplay(DisplayCase):
    args = ["-vga", "none", "-device", "bochs-display,addr=05.0"]

    def test_pattern_and_no_legacy(self):
        # No VGA ports: the misc output register reads as nothing.
        self.assertEqual(self.inb(0x3cc), 0xff)
        lfb = self.pci_bar(5, 0)
        mmio = self.pci_bar(5, 2)
        # Disabled VBE: a blank screen.
        self.assertEqual(set(self.screendump()[2]), {0})
        for idx, val in ((1, 16), (2, 8), (3, 32), (4, 0x41)):
            self.q.ok(f"writew {mmio + 0x500 + 2 * idx:#x} {val:#x}")
        pat = bytes((i * 7) & 0xff for i in range(16 * 8 * 4))
        self.write(lfb, pat)
        shot = self.screendump()
        self.assertEqual(shot[:2], (16, 8))
        expect = bytearray()
        for i in range(0, len(pat), 4):
            expect += bytes((pat[i + 2], pat[i + 1], pat[i]))
        self.assertEqual(shot[2], bytes(expect))


class TestScreendumpErrors(DisplayCase):
    def test_errors(self):
        r = self.qmp.cmd("screendump", {"filename": "/nonexistent/x.ppm"})
        self.assertEqual(r["error"]["desc"], "failed to open file "
                         "'/nonexistent/x.ppm': No such file or directory")
        r = self.qmp.cmd("screendump", {"filename": "/tmp/x", "format": "jpg"})
        self.assertEqual(r["error"]["desc"],
                         "Parameter 'format' does not accept value 'jpg'")
        r = self.qmp.cmd("screendump", {"filename": "/tmp/x",
                                        "device": "nope"})
        self.assertEqual(r["error"]["desc"], "Device 'nope' not found")
        hmp = self.qmp.ret("human-monitor-command",
                           {"command-line": "screendump /tmp/x -f gif"})
        self.assertEqual(hmp, "Error: invalid parameter value: gif\r\n")
        path = os.path.join(self.tmp, "h.png")
        self.assertEqual(self.qmp.ret("human-monitor-command",
                                      {"command-line":
                                       f"screendump {path} -f png"}), "")
        self.assertEqual(read_png(path)[:2], (720, 400))


class TestNoDisplay(unittest.TestCase):
    def test_no_console(self):
        tmp = tempfile.mkdtemp(prefix="kemu-display-")
        self.addCleanup(shutil.rmtree, tmp, True)
        sock = os.path.join(tmp, "qmp.sock")
        q = QTest(["-qmp", f"unix:{sock},server=on,wait=off"])
        self.addCleanup(q.close)
        s = socket.socket(socket.AF_UNIX)
        deadline = time.monotonic() + 30
        while s.connect_ex(sock) != 0:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.05)
        m = QmpStream(s)
        self.addCleanup(m.close)
        m.ret("qmp_capabilities")
        r = m.cmd("screendump", {"filename": os.path.join(tmp, "x.ppm")})
        self.assertEqual(r["error"]["desc"],
                         "There is no console to take a screendump from.")
        pci = m.ret("human-monitor-command", {"command-line": "info pci"})
        self.assertNotIn("VGA", pci)

    def test_vga_option(self):
        r = run(["-vga", "help"])
        self.assertEqual(r.status, 0)
        self.assertIn("std", r.out)
        self.assertIn("none", r.out)
        r = run(["-vga", "foo"])
        self.assertEqual(r.status, 1)
        self.assertIn("-vga foo: unknown vga type: foo", r.err)
        r = run(["-vga", "cirrus"])
        self.assertEqual(r.status, 1)
        self.assertIn("Cirrus VGA not available", r.err)
        r = run(["-device", "VGA,help"])
        self.assertEqual(r.status, 0)
        for prop in ("vgamem_mb", "mmio", "qemu-extended-regs"):
            self.assertIn(prop, r.out)


if __name__ == "__main__":
    unittest.main()
