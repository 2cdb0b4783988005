#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Wraps a flat guest image (linked at 1 MiB, 64-bit entry at +0x200) in a
Linux boot protocol 2.15 header, so kemu's bzImage loader can start it.
There is no real-mode setup code: only loaders that use the 32- or 64-bit
entry (kemu's direct boot) can run it.

usage: mkbzimage.py FLAT.bin ELF OUT [--32]

--32 leaves XLF_KERNEL_64 out, so a loader must use the 32-bit entry.
"""
import struct
import subprocess
import sys

flat, elf, out = sys.argv[1:4]
entry64 = "--32" not in sys.argv[4:]
payload = open(flat, "rb").read()

# init_size must cover .bss so the loader keeps its data out of it.
syms = subprocess.run(["nm", elf], stdout=subprocess.PIPE, text=True,
                      check=True).stdout
end = next(int(l.split()[0], 16) for l in syms.splitlines()
           if l.endswith(" _end"))
init_size = (end - 0x100000 + 0xfff) & ~0xfff

setup_sects = 4
setup = bytearray(512 * (1 + setup_sects))
struct.pack_into("<B", setup, 0x1f1, setup_sects)
struct.pack_into("<H", setup, 0x1fe, 0xAA55)
struct.pack_into("<BB", setup, 0x200, 0xeb, 0xfe)        # jmp . (no 16-bit setup)
setup[0x202:0x206] = b"HdrS"
struct.pack_into("<H", setup, 0x206, 0x020f)              # protocol 2.15
struct.pack_into("<B", setup, 0x210, 0)                   # type_of_loader
struct.pack_into("<B", setup, 0x211, 0x01)                # LOADED_HIGH
struct.pack_into("<I", setup, 0x214, 0x100000)            # code32_start
struct.pack_into("<I", setup, 0x22c, 0x37ffffff)          # initrd_addr_max
struct.pack_into("<I", setup, 0x230, 0x200000)            # kernel_alignment
struct.pack_into("<B", setup, 0x234, 0)                   # not relocatable
struct.pack_into("<B", setup, 0x235, 21)                  # min_alignment 2 MiB
struct.pack_into("<H", setup, 0x236, 0x1 if entry64 else 0)  # XLF_KERNEL_64
struct.pack_into("<I", setup, 0x238, 2047)                # cmdline_size
struct.pack_into("<Q", setup, 0x258, 0x100000)            # pref_address
struct.pack_into("<I", setup, 0x260, init_size)           # init_size
syssize = (len(payload) + 15) // 16
struct.pack_into("<I", setup, 0x1f4, syssize)
open(out, "wb").write(bytes(setup) + payload)
