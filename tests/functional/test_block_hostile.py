# SPDX-License-Identifier: GPL-2.0-or-later
"""Hostile qcow2 images: a generated corpus of truncated files and mutated
headers, extensions, tables and entries. kemu-img info/check/convert and
kemu-io reads and writes must answer with an error or data, never crash
or hang, and never grow the file beyond what the image could claim."""
import os
import random
import signal
import struct
import subprocess
import tempfile
import unittest

from block_util import KEMU_IMG, KEMU_IO, kimg, kio

CLUSTER = 4096


def make_seed_image(d):
    """A small image using most of the format: data, zero and compressed
    clusters, a backing file name and format, the feature table."""
    base = os.path.join(d, "base.qcow2")
    img = os.path.join(d, "seed.qcow2")
    kimg("create", "-q", "-f", "qcow2", "-o", f"cluster_size={CLUSTER}", base,
         "1M", check=True)
    kimg("create", "-q", "-f", "qcow2", "-o", f"cluster_size={CLUSTER}",
         "-b", "base.qcow2", "-F", "qcow2", img, check=True)
    kio("-c", "write -P 1 0 64k", "-c", "write -z 64k 16k",
        "-c", f"write -c -P 3 128k {CLUSTER}", "-c", "write -P 4 300k 5000",
        img, check=True)
    with open(img, "rb") as f:
        return bytearray(f.read())


def field_mutations(seed_img):
    """Header fields set to values that break each check."""
    out = []
    fields = {  # offset: (size, values)
        4: (4, [0, 1, 4, 0xffffffff]),                       # version
        8: (8, [1, 4095, 1 << 40, 0xffffffffffffffff]),      # backing off
        16: (4, [1024, 5000, 0xffffffff]),                   # backing len
        20: (4, [0, 8, 22, 31, 63, 0xffffffff]),             # cluster_bits
        24: (8, [1 << 62, 0xffffffffffffffff, 1 << 50]),     # size
        32: (4, [1, 2, 7]),                                  # crypt
        36: (4, [0, 0x7fffffff, 0xffffffff, 5]),             # l1_size
        40: (8, [1, 1 << 55, 0xfffffffffffffe00, 4096 * 1000]),  # l1 off
        48: (8, [0, 1, 1 << 55, 4096 * 1000]),               # reftable off
        56: (4, [0, 0xffffffff, 5000]),                      # reftable clus
        60: (4, [1, 65537, 0xffffffff]),                     # nb_snapshots
        64: (8, [1, 4096, 1 << 55]),                         # snapshots off
        72: (8, [1, 2, 4, 8, 16, 1 << 40]),                  # incompat
        88: (8, [1, 0xffffffffffffffff]),                    # autoclear
        96: (4, [7, 100, 0xffffffff]),                       # refcount_order
        100: (4, [0, 72, 103, 105, 4096 + 8, 0xfffffff8]),   # header_length
        104: (1, [1, 2, 255]),                               # compression
    }
    for off, (size, values) in fields.items():
        for v in values:
            img = bytearray(seed_img)
            img[off:off + size] = v.to_bytes(size, "big")
            out.append((f"field@{off}={v:#x}", img))
    # header extensions: huge lengths, bad bitmaps extension
    for v in (0xffffffff, 0x7ffffff0, 4000, 9):
        img = bytearray(seed_img)
        img[112 + 4:112 + 8] = v.to_bytes(4, "big")
        out.append((f"ext-len={v:#x}", img))
    img = bytearray(seed_img)
    img[112:112 + 32] = struct.pack(">II", 0x23852875, 24) + \
        struct.pack(">IIQQ", 0xffffffff, 0, 1 << 40, 12345)
    img[88:96] = (1).to_bytes(8, "big")
    out.append(("bitmaps-ext", img))
    return out


def table_mutations(seed_img, rnd):
    """Entries of L1, L2 and refcount tables replaced by hostile values."""
    l1_off = struct.unpack_from(">Q", seed_img, 40)[0]
    rt_off = struct.unpack_from(">Q", seed_img, 48)[0]
    l2_off = struct.unpack_from(">Q", seed_img, l1_off)[0] & 0x00fffffffffffe00
    hostile = [1, 0x8000000000000001, 0x8000000000001000,
               0x80fffffffffffe00, 0xc000000000000000 | 0x3fffffffffffffff,
               0x4000000000000200, 0x7fffffffffffffff, 0x8000000000000000,
               0x8000000000000000 | rt_off, 0x8000000000000000 | l1_off,
               0x8000000000000000 | 0]
    out = []
    for name, base in (("l1", l1_off), ("l2", l2_off), ("rt", rt_off)):
        for v in hostile:
            for idx in (0, 1, 75):
                img = bytearray(seed_img)
                o = base + idx * 8
                if o + 8 > len(img):
                    continue
                img[o:o + 8] = v.to_bytes(8, "big")
                out.append((f"{name}[{idx}]={v:#x}", img))
    # refcount block full of maximal refcounts
    rb = struct.unpack_from(">Q", seed_img, rt_off)[0]
    if rb and rb + CLUSTER <= len(seed_img):
        img = bytearray(seed_img)
        img[rb:rb + CLUSTER] = b"\xff" * CLUSTER
        out.append(("refblock-full", img))
    # random byte flips anywhere in the metadata area
    for i in range(30):
        img = bytearray(seed_img)
        for _ in range(rnd.randrange(1, 8)):
            o = rnd.randrange(0, min(len(img), 8 * CLUSTER))
            img[o] = rnd.randrange(256)
        out.append((f"flip{i}", img))
    return out


def truncations(seed_img):
    out = []
    for n in (0, 3, 4, 8, 71, 72, 104, 111, 200, 4095, 4096, 5000, 8192,
              12288, len(seed_img) - 4096, len(seed_img) - 1):
        if 0 <= n < len(seed_img):
            out.append((f"trunc{n}", bytearray(seed_img[:n])))
    return out


class HostileImages(unittest.TestCase):
    def run_tool(self, args, name):
        try:
            p = subprocess.run(args, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=30)
        except subprocess.TimeoutExpired:
            self.fail(f"{name}: {args[1]} hung")
        self.assertGreaterEqual(
            p.returncode, 0,
            f"{name}: {args} died with signal {-p.returncode}: "
            f"{p.stderr.decode(errors='replace')}")
        return p

    def test_corpus(self):
        rnd = random.Random(8)
        with tempfile.TemporaryDirectory() as d:
            seed_img = make_seed_image(d)
            cases = (truncations(seed_img) + field_mutations(seed_img) +
                     table_mutations(seed_img, rnd))
            self.assertGreater(len(cases), 200)
            path = os.path.join(d, "h.qcow2")
            out = os.path.join(d, "out.raw")
            opened = 0
            for name, img in cases:
                with open(path, "wb") as f:
                    f.write(img)
                p = self.run_tool([KEMU_IMG, "info", "-f", "qcow2", path],
                                  name)
                if p.returncode != 0:
                    err = p.stderr.decode(errors="replace")
                    self.assertTrue(
                        err.startswith(f"kemu-img: Could not open '{path}': "),
                        f"{name}: {err}")
                    self.assertEqual(err.count("\n"), 1, f"{name}: {err}")
                    continue
                opened += 1
                self.run_tool([KEMU_IMG, "check", "-f", "qcow2", path], name)
                self.run_tool([KEMU_IMG, "convert", "-f", "qcow2", "-O",
                               "raw", path, out], name)
                if os.path.exists(out):
                    os.unlink(out)
                self.run_tool([KEMU_IO, "-r", "-f", "qcow2", "-c",
                               "read 0 512k", path], name)
                self.run_tool([KEMU_IO, "-f", "qcow2", "-c",
                               "write -P 9 4096 8192", "-c",
                               "write -z 200k 64k", "-c",
                               "discard 64k 64k", path], name)
                # Writes stay inside what the image could address: the
                # data written plus new metadata, not a far-away offset.
                self.assertLess(os.path.getsize(path), len(img) + 16 << 20,
                                name)
                self.run_tool([KEMU_IMG, "check", "-r", "all", "-f", "qcow2",
                               path], name)
            self.assertGreater(opened, 20)


if __name__ == "__main__":
    unittest.main()
