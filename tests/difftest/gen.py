#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Generates one family of differential test cases.

  gen.py FAMILY --seed N --count N --out cases.S --meta cases.json

cases.S holds, per case, a function that loads the x87/MMX/SSE state
(FXRSTOR of the case's image), the registers and flags from the state
block (difftest.h), runs the instruction(s) under test and stores
registers, flags and the FXSAVE image back; plus the case table, the
images and the diff_call / diff_recover glue. cases.json says, per case,
what it runs and which RFLAGS and FSW bits are defined (the manuals leave
some undefined: those are masked out of the comparison).
"""
import argparse
import json
import math
import random
import struct

import gen_sse

STATE = 0x10000000
OFF_IN, OFF_IN_FLAGS, OFF_OUT, OFF_OUT_FLAGS = 0, 128, 136, 264
OFF_SAVED_RSP, OFF_MEM = 280, 320
OFF_IN_FX, OFF_OUT_FX, OFF_RUNNER_FX = 4416, 4928, 5440
OFF_IN_XS, OFF_OUT_XS = 5952, 6976
MEM = STATE + OFF_MEM
MEM_SIZE = 256

CF, PF, AF, ZF, SF, DF, OF = 0x1, 0x4, 0x10, 0x40, 0x80, 0x400, 0x800
OSZAPC = CF | PF | AF | ZF | SF | OF

R64 = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
       "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"]
R32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"] + \
      [f"r{i}d" for i in range(8, 16)]
R16 = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"] + \
      [f"r{i}w" for i in range(8, 16)]
R8 = ["al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil"] + \
     [f"r{i}b" for i in range(8, 16)]
REGS = {8: R8, 16: R16, 32: R32, 64: R64}
SUFFIX = {8: "b", 16: "w", 32: "l", 64: "q"}
USABLE = [i for i in range(16) if i != 4]   # never rsp

CC = ["o", "no", "b", "ae", "e", "ne", "be", "a",
      "s", "ns", "p", "np", "l", "ge", "le", "g"]


class Fx:
    """An FXSAVE image (64-bit layout): the state a case starts from.
    st[i] is ST(i) as (mantissa, sign+exponent); ftw is the abridged tag
    byte (bit i = physical register i in use)."""

    def __init__(self):
        self.fcw = 0x37f
        self.fsw = 0
        self.ftw = 0
        self.st = [(0, 0)] * 8
        self.mxcsr = 0x1f80
        self.xmm = [0] * 16

    def top(self):
        return (self.fsw >> 11) & 7

    def image(self):
        b = struct.pack("<HHBBHQQII", self.fcw, self.fsw, self.ftw, 0, 0, 0,
                        0, self.mxcsr, 0xffff)
        for m, e in self.st:
            b += struct.pack("<QH6x", m, e)
        for x in self.xmm:
            b += x.to_bytes(16, "little")
        return b + bytes(512 - len(b))

    def describe(self):
        return {"fcw": self.fcw, "fsw": self.fsw, "ftw": self.ftw,
                "st": [f"{e:04x}:{m:016x}" for m, e in self.st],
                "mxcsr": self.mxcsr}


class Case:
    def __init__(self, rng, fx):
        self.rng = rng
        self.regs = [rng.getrandbits(64) for _ in range(16)]
        self.flags = 0x2 | (rng.getrandbits(12) & OSZAPC)
        self.mask = OSZAPC | DF
        self.fsw_mask = 0xffff
        self.mem_ignore = []
        self.fx = fx
        self.ymmh = None          # AVX families: 16 128-bit upper halves
        self.body = []
        self.used = set()

    def reg(self, exclude=()):
        choices = [r for r in USABLE if r not in self.used and r not in exclude]
        r = self.rng.choice(choices)
        self.used.add(r)
        return r

    def set(self, r, val):
        self.regs[r] = val & (2**64 - 1)

    def mem_operand(self, room=16):
        """A memory operand inside the window: base (+ index*scale) + disp."""
        rng = self.rng
        target = rng.randrange(0, MEM_SIZE - room)
        base = self.reg()
        if rng.random() < 0.4:
            index = self.reg()
            scale = rng.choice([1, 2, 4, 8])
            iv = rng.randrange(0, 8)
            disp = rng.randrange(-64, 64)
            self.set(index, iv)
            self.set(base, MEM + target - iv * scale - disp)
            return f"{disp}(%{R64[base]},%{R64[index]},{scale})"
        disp = rng.randrange(-64, 64)
        self.set(base, MEM + target - disp)
        return f"{disp}(%{R64[base]})"


def value(rng, bits):
    m = 2**bits - 1
    pick = rng.random()
    if pick < 0.35:
        return rng.choice([0, 1, 2, m, m - 1, 1 << (bits - 1),
                           (1 << (bits - 1)) - 1, (1 << (bits - 1)) + 1,
                           0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000]) & m
    if pick < 0.5:
        return rng.getrandbits(rng.randrange(1, bits + 1))
    return rng.getrandbits(bits)


def with_low(rng, old, bits, val):
    """A 64-bit register value whose low 'bits' are val: the upper bits
    stay random, since writes of 8/16 bits must keep them."""
    m = 2**bits - 1
    return (old & ~m) | (val & m)


# ---- families ----

def fam_alu(c):
    rng = c.rng
    op = rng.choice(["add", "adc", "sub", "sbb", "and", "or", "xor", "cmp",
                     "test"])
    w = rng.choice([8, 16, 32, 64])
    form = rng.choice(["rr", "ri", "rm", "mr"] if op != "test" else
                      ["rr", "ri", "mr"])
    if op in ("and", "or", "xor", "test"):
        c.mask &= ~AF
    s = SUFFIX[w]
    d = c.reg()
    c.set(d, with_low(rng, c.regs[d], w, value(rng, w)))
    if form == "rr":
        src = c.reg()
        c.set(src, with_low(rng, c.regs[src], w, value(rng, w)))
        c.body.append(f"{op}{s} %{REGS[w][src]}, %{REGS[w][d]}")
    elif form == "ri":
        imm = value(rng, min(w, 32))
        if w == 64 and imm >= 2**31:
            imm -= 2**32
        elif w < 64 and imm >= 2**(w - 1):
            imm -= 2**w
        c.body.append(f"{op}{s} ${imm}, %{REGS[w][d]}")
    elif form == "rm":
        c.body.append(f"{op}{s} {c.mem_operand()}, %{REGS[w][d]}")
    else:
        c.body.append(f"{op}{s} %{REGS[w][d]}, {c.mem_operand()}")


def fam_unary(c):
    rng = c.rng
    op = rng.choice(["inc", "dec", "neg", "not"])
    w = rng.choice([8, 16, 32, 64])
    if rng.random() < 0.3:
        c.body.append(f"{op}{SUFFIX[w]} {c.mem_operand()}")
    else:
        d = c.reg()
        c.set(d, with_low(rng, c.regs[d], w, value(rng, w)))
        c.body.append(f"{op}{SUFFIX[w]} %{REGS[w][d]}")


def fam_shift(c):
    rng = c.rng
    op = rng.choice(["shl", "shr", "sar", "rol", "ror", "rcl", "rcr",
                     "shld", "shrd"])
    w = rng.choice([16, 32, 64] if op in ("shld", "shrd") else
                   [8, 16, 32, 64])
    s = SUFFIX[w]
    cmask = 63 if w == 64 else 31
    if rng.random() < 0.5:
        count = rng.randrange(0, cmask + 3)
        via_cl = True
    else:
        count = rng.randrange(0, cmask + 1)
        via_cl = False
    eff = count & cmask
    if op in ("shld", "shrd") and w == 16 and eff > 16:
        eff = count = rng.randrange(0, 17)    # result undefined above 16
    # the destination: register, or memory
    if via_cl:
        c.used.add(1)
        c.set(1, with_low(rng, c.regs[1], 8, count))
        cnt = "%cl"
    else:
        cnt = f"${count}"
    if rng.random() < 0.25:
        dst = c.mem_operand()
    else:
        d = c.reg()
        c.set(d, with_low(rng, c.regs[d], w, value(rng, w)))
        dst = f"%{REGS[w][d]}"
    if op in ("shld", "shrd"):
        src = c.reg()
        c.body.append(f"{op}{s} {cnt}, %{REGS[w][src]}, {dst}")
    else:
        c.body.append(f"{op}{s} {cnt}, {dst}")
    if eff == 0:
        return                                  # flags unchanged: all defined
    if op in ("rol", "ror", "rcl", "rcr"):
        if eff != 1:
            c.mask &= ~OF
        return
    c.mask &= ~AF
    if eff != 1:
        c.mask &= ~OF
    if op in ("shl", "shr", "sar") and eff >= w:
        c.mask &= ~CF
    if op in ("shld", "shrd") and eff >= w:
        c.mask &= ~(CF | OF)


def fam_muldiv(c):
    rng = c.rng
    op = rng.choice(["mul", "imul1", "imul2", "imul3", "div", "idiv"])
    w = rng.choice([8, 16, 32, 64] if op in ("mul", "imul1", "div", "idiv")
                   else [16, 32, 64])
    s = SUFFIX[w]
    c.used.update([0, 2])
    c.set(0, with_low(rng, c.regs[0], w, value(rng, w)))
    c.set(2, with_low(rng, c.regs[2], w, value(rng, w)))
    if op in ("mul", "imul1"):
        c.mask = CF | OF | DF
        src = c.reg()
        c.set(src, with_low(rng, c.regs[src], w, value(rng, w)))
        c.body.append(f"{op[:4]}{s} %{REGS[w][src]}")
    elif op == "imul2":
        c.mask = CF | OF | DF
        d, src = c.reg(), c.reg()
        for r in (d, src):
            c.set(r, with_low(rng, c.regs[r], w, value(rng, w)))
        c.body.append(f"imul{s} %{REGS[w][src]}, %{REGS[w][d]}")
    elif op == "imul3":
        c.mask = CF | OF | DF
        d, src = c.reg(), c.reg()
        c.set(src, with_low(rng, c.regs[src], w, value(rng, w)))
        imm = rng.randrange(-2**15, 2**15) if w == 16 else \
            rng.randrange(-2**31, 2**31)
        c.body.append(f"imul{s} ${imm}, %{REGS[w][src]}, %{REGS[w][d]}")
    else:
        c.mask = DF
        src = c.reg()
        # mostly quotients that fit, sometimes #DE (zero or overflow)
        dv = value(rng, w)
        if rng.random() < 0.8 and dv == 0:
            dv = 3
        c.set(src, with_low(rng, c.regs[src], w, dv))
        if rng.random() < 0.6 and w > 8:
            hi = 0 if op == "div" or not (c.regs[0] >> (w - 1)) & 1 \
                else 2**w - 1
            c.set(2, with_low(rng, c.regs[2], w, hi))
        elif w == 8 and rng.random() < 0.6:
            c.set(0, with_low(rng, c.regs[0], 16, value(rng, 8)))
        c.body.append(f"{op}{s} %{REGS[w][src]}")


def fam_bits(c):
    rng = c.rng
    op = rng.choice(["bt", "bts", "btr", "btc", "btm", "bsf", "bsr",
                     "bswap"])
    w = rng.choice([16, 32, 64])
    s = SUFFIX[w]
    if op in ("bt", "bts", "btr", "btc"):
        c.mask = CF | ZF | DF
        d = c.reg()
        c.set(d, with_low(rng, c.regs[d], w, value(rng, w)))
        if rng.random() < 0.5:
            c.body.append(f"{op}{s} ${rng.randrange(0, 256)}, %{REGS[w][d]}")
        else:
            src = c.reg()
            c.body.append(f"{op}{s} %{REGS[w][src]}, %{REGS[w][d]}")
    elif op == "btm":
        # register bit offset into memory: may address bytes around the
        # operand, so keep the operand mid-window and offsets small
        c.mask = CF | ZF | DF
        realop = rng.choice(["bt", "bts", "btr", "btc"])
        base = c.reg()
        c.set(base, MEM + 128)
        src = c.reg()
        c.set(src, rng.randrange(-900, 900) & (2**64 - 1))
        c.body.append(f"{realop}{s} %{REGS[w][src]}, (%{R64[base]})")
    elif op in ("bsf", "bsr"):
        c.mask = ZF | DF
        d, src = c.reg(), c.reg()
        v = value(rng, w)
        if v == 0 and w == 32:
            v = 0x10
        c.set(src, with_low(rng, c.regs[src], w, v))
        c.body.append(f"{op}{s} %{REGS[w][src]}, %{REGS[w][d]}")
    else:
        w = rng.choice([32, 64])
        d = c.reg()
        c.body.append(f"bswap %{REGS[w][d]}")


def fam_cond(c):
    rng = c.rng
    producer = rng.choice(["cmp", "sub", "add", "and", "inc", "dec", "shl",
                           "neg", "adc", "sbb", "test", "xor"])
    w = rng.choice([8, 16, 32, 64])
    s = SUFFIX[w]
    a, b = c.reg(), c.reg()
    va, vb = value(rng, w), value(rng, w)
    if rng.random() < 0.3:
        vb = va
    c.set(a, with_low(rng, c.regs[a], w, va))
    c.set(b, with_low(rng, c.regs[b], w, vb))
    if producer in ("inc", "dec", "neg"):
        c.body.append(f"{producer}{s} %{REGS[w][a]}")
    elif producer == "shl":
        c.body.append(f"shl{s} $1, %{REGS[w][a]}")
    else:
        c.body.append(f"{producer}{s} %{REGS[w][b]}, %{REGS[w][a]}")
    cc = rng.choice(CC)
    if producer in ("and", "test", "xor", "shl"):
        c.mask &= ~AF                  # undefined after logic ops and shifts
    # consumed in the same block, or after a jump into a new one
    if rng.random() < 0.5:
        c.body.append("jmp 1f\n1:")
    consumer = rng.choice(["set", "cmov", "j"])
    d = c.reg()
    if consumer == "set":
        c.body.append(f"set{cc} %{R8[d]}")
    elif consumer == "cmov":
        cw = rng.choice([16, 32, 64])
        src = c.reg()
        c.body.append(f"cmov{cc}{SUFFIX[cw]} %{REGS[cw][src]}, %{REGS[cw][d]}")
    else:
        c.body.append(f"j{cc} 2f\nmovq $0x1234, %{R64[d]}\n2:")


def fam_string(c):
    rng = c.rng
    op = rng.choice(["movs", "stos", "lods", "cmps", "scas"])
    w = rng.choice([8, 16, 32, 64])
    s = SUFFIX[w]
    step = w // 8
    rep = rng.choice(["", "rep ", "repe ", "repne "] if op in ("cmps", "scas")
                     else ["", "rep "])
    down = rng.random() < 0.5
    n = rng.randrange(0, 12)
    c.used.update([0, 1, 6, 7])
    c.set(1, n)
    span = step * max(n, 1) + step
    if down:
        c.flags |= DF
        c.set(6, MEM + rng.randrange(span, MEM_SIZE - step))
        c.set(7, MEM + rng.randrange(span, MEM_SIZE - step))
    else:
        c.flags &= ~DF
        c.set(6, MEM + rng.randrange(0, MEM_SIZE - span))
        c.set(7, MEM + rng.randrange(0, MEM_SIZE - span))
    if op in ("cmps", "scas"):
        # make equal runs likely, so REPE/REPNE stop at varied points
        c.set(0, c.regs[0] & ~(2**w - 1) if rng.random() < 0.5 else c.regs[0])
    c.body.append(f"{rep}{op}{s}")


def fam_misc(c):
    rng = c.rng
    op = rng.choice(["xchg", "xadd", "cmpxchg", "cmpxchgm", "ext", "movx",
                     "lea", "lahf", "flagops", "xaddm"])
    w = rng.choice([8, 16, 32, 64])
    s = SUFFIX[w]
    if op == "xchg":
        a, b = c.reg(), c.reg()
        c.body.append(f"xchg{s} %{REGS[w][a]}, %{REGS[w][b]}")
    elif op in ("xadd", "xaddm"):
        a = c.reg()
        if op == "xaddm":
            c.body.append(f"lock xadd{s} %{REGS[w][a]}, {c.mem_operand()}")
        else:
            b = c.reg()
            c.body.append(f"xadd{s} %{REGS[w][a]}, %{REGS[w][b]}")
    elif op in ("cmpxchg", "cmpxchgm"):
        c.used.add(0)
        a = c.reg()
        if op == "cmpxchgm":
            m = c.mem_operand()
            c.body.append(f"lock cmpxchg{s} %{REGS[w][a]}, {m}")
        else:
            b = c.reg()
            if rng.random() < 0.5:
                c.set(0, c.regs[b])
            c.body.append(f"cmpxchg{s} %{REGS[w][a]}, %{REGS[w][b]}")
    elif op == "ext":
        c.used.update([0, 2])
        c.body.append(rng.choice(["cbtw", "cwtl", "cltq", "cwtd", "cltd",
                                  "cqto"]))
    elif op == "movx":
        d, src = c.reg(), c.reg()
        form = rng.choice(["movzbw", "movzbl", "movzbq", "movzwl", "movzwq",
                           "movsbw", "movsbl", "movsbq", "movswl", "movswq",
                           "movslq"])
        sw = {"b": 8, "w": 16, "l": 32}[form[4]]
        dw = {"w": 16, "l": 32, "q": 64}[form[5]]
        c.body.append(f"{form} %{REGS[sw][src]}, %{REGS[dw][d]}")
    elif op == "lea":
        d = c.reg()
        m = c.mem_operand()
        lw = rng.choice([16, 32, 64])
        c.body.append(f"lea{SUFFIX[lw]} {m}, %{REGS[lw][d]}")
    elif op == "lahf":
        c.used.add(0)
        c.body.append(rng.choice(["lahf", "sahf"]))
    else:
        c.body.append(rng.choice(["clc", "stc", "cmc", "cld; std", "std"]))


# ---- x87 ----

def ext_value(rng):
    """An 80-bit extended value (mantissa, sign+exponent) from every
    class, the ones the 387 and later reject as invalid included."""
    sign = 0x8000 if rng.random() < 0.4 else 0
    k = rng.random()
    top = 1 << 63
    if k < 0.40:      # normal, mostly of moderate size
        e = 0x3fff + (rng.randrange(-70, 70) if rng.random() < 0.85
                      else rng.randrange(-16382, 16384))
        return top | rng.getrandbits(63), sign | e
    if k < 0.50:      # small integers and simple fractions
        v = rng.choice([1, 2, 3, 10, 100, 0.5, 0.25, 0.75, 1.5, 255, 65535,
                        1e9, 3.14159, 1e-3])
        f, ex = math.frexp(v)
        return int(f * 2**64) & (2**64 - 1) | top, sign | (0x3ffe + ex)
    if k < 0.56:
        return 0, sign                                     # zero
    if k < 0.62:
        return top, sign | 0x7fff                          # infinity
    if k < 0.68:
        return top | 1 << 62 | rng.getrandbits(62), sign | 0x7fff  # QNaN
    if k < 0.73:
        return top | (rng.getrandbits(62) | 1), sign | 0x7fff     # SNaN
    if k < 0.82:
        return rng.getrandbits(rng.randrange(1, 64)), sign  # denormal
    if k < 0.85:
        return top | rng.getrandbits(63), sign             # pseudo-denormal
    if k < 0.90:      # unnormal, pseudo-infinity, pseudo-NaN
        e = rng.choice([rng.randrange(1, 0x7fff), 0x7fff])
        return rng.getrandbits(63), sign | e
    # near the limits of the narrower formats
    e = 0x3fff + rng.choice([127, 128, -126, -127, -149, 1023, 1024, -1022,
                             -1074, 63, 64, 31, 15])
    return top | rng.getrandbits(63), sign | e


def mem_bits(rng, kind):
    """Memory operand contents: floats of every class, integers, BCD."""
    if kind in ("s", "l"):      # m32 / m64 real
        w, ew, bias = (32, 8, 127) if kind == "s" else (64, 11, 1023)
        fw = w - 1 - ew
        k = rng.random()
        sign = rng.getrandbits(1) << (w - 1)
        if k < 0.5:
            e = bias + rng.randrange(-40, 40)
        elif k < 0.6:
            e = 0
        elif k < 0.75:
            e = 2**ew - 1
        else:
            e = rng.randrange(0, 2**ew)
        frac = rng.getrandbits(fw) if rng.random() < 0.85 else 0
        return sign | e << fw | frac, w // 8
    if kind in ("i16", "i32", "i64"):
        w = int(kind[1:])
        return value(rng, w), w // 8
    if kind == "t":
        m, e = ext_value(rng)
        return m | e << 64, 10
    # packed BCD: 18 digits and a sign byte; sometimes invalid digits
    digits = [rng.randrange(10) for _ in range(18)]
    v = 0
    for i, d in enumerate(digits):
        v |= d << (4 * i)
    if rng.random() < 0.1:
        v |= 0xf << (4 * rng.randrange(18))
    return v | (0x80 if rng.random() < 0.5 else 0) << 72, 10


def x87_state(c):
    """A random x87 state: TOP, a stack of some depth, FCW with random
    precision and rounding control and usually every exception masked."""
    rng = c.rng
    fx = Fx()
    fx.xmm = [rng.getrandbits(128) for _ in range(16)]
    pc = rng.choice([0, 2, 3, 3, 3])
    rc = rng.randrange(4)
    masks = 0x3f if rng.random() < 0.8 else rng.getrandbits(6)
    fx.fcw = 0x40 | masks | pc << 8 | rc << 10 | (0x1000 if
                                                  rng.random() < 0.1 else 0)
    top = rng.randrange(8)
    depth = rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 2, 3])
    sticky = rng.getrandbits(6) & masks if rng.random() < 0.3 else 0
    fx.fsw = top << 11 | (rng.getrandbits(4) * 0x100 & 0x4700) | sticky
    fx.st = [ext_value(rng) for _ in range(8)]
    for i in range(depth):
        fx.ftw |= 1 << ((top + i) & 7)
    # empty registers keep stale contents, mostly
    fx.ftw |= 0 if rng.random() < 0.9 else rng.getrandbits(8)
    c.fx = fx


def store_mem(c, addr_reg_free, operand_room, kind):
    """Body lines that write a value of 'kind' into a memory operand,
    which is returned (the window's random contents are mostly not
    interesting floats)."""
    rng = c.rng
    m = c.mem_operand(room=16)
    v, n = mem_bits(rng, kind)
    t = c.reg()
    c.body.append(f"movabsq ${v & (2**64 - 1)}, %{R64[t]}")
    c.body.append(f"movq %{R64[t]}, {m}")
    if n > 8:
        c.body.append(f"movw ${v >> 64}, 8+{m}")
    return m


X87_ARITH = ["add", "mul", "sub", "subr", "div", "divr"]
X87_NOOPS = ["fld1", "fldl2t", "fldl2e", "fldpi", "fldlg2", "fldln2", "fldz",
             "fchs", "fabs", "fsqrt", "frndint", "fscale", "fxtract",
             "fprem", "fprem1", "f2xm1", "fyl2x", "fyl2xp1", "fptan",
             "fpatan", "fsin", "fcos", "fsincos", "fincstp", "fdecstp",
             "ftst", "fxam", "fcompp", "fucompp", "fnop", "fnclex",
             "fninit"]
X87_INVALID = ["d9 d1", "d9 d7", "d9 e2", "d9 e7", "d9 ef", "da e0", "da e8",
               "da ff", "db e5", "db f8", "db ff", "dd f0", "dd ff", "de d8",
               "de df", "df e1", "df e7", "df f8", "df ff"]
X87_ALIASES = ["d9 d8", "dd c8", "dc d0", "dc d8", "de d0", "df c8",
               "df d0", "df d8", "df c0", "db e0", "db e1", "db e4"]


def x87_insn(c):
    rng = c.rng
    k = rng.random()
    i = rng.randrange(8)
    if k < 0.22:
        op = rng.choice(X87_ARITH)
        form = rng.choice(["st0i", "sti0", "p", "s", "l", "i16", "i32"])
        if form == "st0i":
            c.body.append(f"f{op} %st({i}), %st")
        elif form == "sti0":
            c.body.append(f"f{op} %st, %st({i})")
        elif form == "p":
            c.body.append(f"f{op}p %st, %st({i})")
        else:
            m = store_mem(c, None, 16, form)
            sfx = {"s": "s", "l": "l", "i16": "s", "i32": "l"}[form]
            c.body.append(f"f{'i' if form[0] == 'i' else ''}{op}{sfx} {m}")
        return
    if k < 0.45:
        form = rng.choice(["fld", "flds", "fldl", "fldt", "filds", "fildl",
                           "fildll", "fbld", "fst", "fstp", "fsts", "fstl",
                           "fstps", "fstpl", "fstpt", "fists", "fistl",
                           "fistps", "fistpl", "fistpll", "fisttps",
                           "fisttpl", "fisttpll", "fbstp", "fxch",
                           "ffree"])
        if form in ("fld", "fst", "fstp", "fxch", "ffree"):
            c.body.append(f"{form} %st({i})")
            return
        kind = {"flds": "s", "fldl": "l", "fldt": "t", "filds": "i16",
                "fildl": "i32", "fildll": "i64", "fbld": "bcd"}.get(form)
        if kind:
            m = store_mem(c, None, 16, kind)
        else:
            m = c.mem_operand(room=16)
        c.body.append(f"{form} {m}")
        return
    if k < 0.62:
        form = rng.choice(["fcom", "fcomp", "fucom", "fucomp", "fcomi",
                           "fcomip", "fucomi", "fucomip", "fcoms", "fcoml",
                           "fcomps", "fcompl", "ficoms", "ficoml", "ficomps",
                           "ficompl"])
        if form.endswith(("s", "l")) and form not in ("fcoml",):
            pass
        if form[-1] in "sl" and form not in ("fcomi", "fucomi"):
            kind = {"s": "s", "l": "l"}[form[-1]]
            if form.startswith("fi"):
                kind = "i16" if form[-1] == "s" else "i32"
            m = store_mem(c, None, 16, kind)
            c.body.append(f"{form} {m}")
        elif form in ("fcomi", "fcomip", "fucomi", "fucomip"):
            c.body.append(f"{form} %st({i}), %st")
        else:
            c.body.append(f"{form} %st({i})")
        return
    if k < 0.70:
        cc = rng.choice(["b", "e", "be", "u", "nb", "ne", "nbe", "nu"])
        c.body.append(f"fcmov{cc} %st({i}), %st")
        return
    if k < 0.90:
        c.body.append(rng.choice(X87_NOOPS))
        return
    if k < 0.95:
        form = rng.choice(["fldcw", "fnstcw", "fnstsw", "fnstswax",
                           "fnstenv", "fldenv", "fnsave", "frstor"])
        if form == "fnstswax":
            c.used.add(0)
            c.body.append("fnstsw %ax")
        elif form in ("fnstenv", "fnsave", "fldenv", "frstor"):
            base = c.reg()
            off = rng.randrange(0, MEM_SIZE - 112)
            c.set(base, MEM + off)
            d16 = rng.random() < 0.3
            c.body.append(f"{'data16 ' if d16 else ''}{form} (%{R64[base]})")
            if form in ("fnstenv", "fnsave"):
                # selectors and instruction/operand pointers: not kept
                ptrs = [(6, 10), (12, 14)] if d16 else [(12, 18), (24, 26)]
                c.mem_ignore += [(off + a, b - a) for a, b in ptrs]
        else:
            m = c.mem_operand(room=16)
            c.body.append(f"{form} {m}")
        return
    if rng.random() < 0.3:
        # encodings with no instruction: #UD on both sides
        b = rng.choice(X87_INVALID).split()
        c.body.append(f".byte 0x{b[0]}, 0x{b[1]}")
        return
    b = rng.choice(X87_ALIASES).split()
    fixed = b[1] in ("e0", "e1", "e4")
    c.body.append(f".byte 0x{b[0]}, 0x{int(b[1], 16) + (0 if fixed else i):x}")


def fam_x87(c):
    x87_state(c)
    for _ in range(c.rng.choice([1, 1, 2, 3])):
        x87_insn(c)
    # a pending unmasked exception shows here as #MF on both sides
    c.body.append("fwait")


# ---- MMX ----

MMX_OPS = ("punpcklbw punpcklwd punpckldq packsswb pcmpgtb pcmpgtw pcmpgtd "
           "packuswb punpckhbw punpckhwd punpckhdq packssdw pcmpeqb pcmpeqw "
           "pcmpeqd psrlw psrld psrlq paddq pmullw psubusb psubusw pminub "
           "pand paddusb paddusw pmaxub pandn pavgb psraw psrad pavgw "
           "pmulhuw pmulhw psubsb psubsw pminsw por paddsb paddsw pmaxsw "
           "pxor psllw pslld psllq pmuludq pmaddwd psadbw psubb psubw psubd "
           "psubq paddb paddw paddd pshufb phaddw phaddd phaddsw pmaddubsw "
           "phsubw phsubd phsubsw psignb psignw psignd pmulhrsw pabsb pabsw "
           "pabsd").split()


def mmx_insn(c):
    rng = c.rng
    d, r = rng.randrange(8), rng.randrange(8)
    k = rng.random()
    if k < 0.55:
        op = rng.choice(MMX_OPS)
        shift = op.startswith("ps") and op[2:4] in ("ll", "rl", "ra")
        if shift and rng.random() < 0.5:
            # small counts in the source register too
            t = c.reg()
            c.body.append(f"movq ${rng.randrange(0, 70)}, %{R64[t]}")
            c.body.append(f"movq %{R64[t]}, %mm{r}")
            c.body.append(f"{op} %mm{r}, %mm{d}")
        elif rng.random() < 0.3:
            c.body.append(f"{op} {c.mem_operand()}, %mm{d}")
        else:
            c.body.append(f"{op} %mm{r}, %mm{d}")
        return
    if k < 0.65:
        op = rng.choice(["psrlw", "psraw", "psllw", "psrld", "psrad", "pslld",
                         "psrlq", "psllq"])
        c.body.append(f"{op} ${rng.randrange(0, 70)}, %mm{d}")
        return
    if k < 0.75:
        op = rng.choice(["pshufw", "palignr", "pinsrw", "pextrw"])
        imm = rng.randrange(256) if op != "palignr" else rng.randrange(20)
        if op == "pinsrw":
            src = c.mem_operand() if rng.random() < 0.3 else \
                f"%{R32[c.reg()]}"
            c.body.append(f"pinsrw ${imm}, {src}, %mm{d}")
        elif op == "pextrw":
            c.body.append(f"pextrw ${imm & 3}, %mm{r}, %{R32[c.reg()]}")
        else:
            src = c.mem_operand() if rng.random() < 0.3 else f"%mm{r}"
            c.body.append(f"{op} ${imm}, {src}, %mm{d}")
        return
    if k < 0.82:
        # the SSE conversions with an MM operand, under a random MXCSR
        op = rng.choice(["cvtpi2ps", "cvtpi2pd", "cvtps2pi", "cvttps2pi",
                         "cvtpd2pi", "cvttpd2pi"])
        x = rng.randrange(16)
        mx = rng.randrange(4) << 13 | (0x8040 if rng.random() < 0.2 else 0)
        masks = 0x1f80 if rng.random() < 0.7 else rng.getrandbits(6) << 7
        c.fx.mxcsr = mx | masks
        if rng.random() < 0.5:
            # floats worth converting: small, huge, NaN, halves
            t = c.reg()
            v = rng.choice([0x3fc00000_40200000, 0x4f000000_cf000001,
                            0x7fc00000_3f000000, 0x41e0000000000000,
                            0xc1e0000000200000, 0x3fe8000000000000,
                            rng.getrandbits(64)])
            c.body.append(f"movabsq ${v}, %{R64[t]}")
            c.body.append(f"movq %{R64[t]}, %xmm{x}")
        if op in ("cvtpi2ps", "cvtpi2pd"):
            src = c.mem_operand() if rng.random() < 0.3 else f"%mm{r}"
            c.body.append(f"{op} {src}, %xmm{x}")
        elif op in ("cvtpd2pi", "cvttpd2pi") and rng.random() < 0.3:
            base = c.reg()
            c.set(base, MEM + 16 * rng.randrange(MEM_SIZE // 16 - 1) +
                  (8 if rng.random() < 0.1 else 0))   # misaligned: #GP
            c.body.append(f"{op} (%{R64[base]}), %mm{d}")
        else:
            src = c.mem_operand() if rng.random() < 0.3 else f"%xmm{x}"
            c.body.append(f"{op} {src}, %mm{d}")
        return
    form = rng.choice(["movd_in", "movd_out", "movq_in", "movq_out",
                       "movq_mm", "movd_m", "movq_m", "movq_mst", "movntq",
                       "pmovmskb", "maskmovq", "movq2dq", "movdq2q", "emms"])
    if form == "movd_in":
        c.body.append(f"movd %{R32[c.reg()]}, %mm{d}")
    elif form == "movd_out":
        c.body.append(f"movd %mm{r}, %{R32[c.reg()]}")
    elif form == "movq_in":
        c.body.append(f"movq %{R64[c.reg()]}, %mm{d}")
    elif form == "movq_out":
        c.body.append(f"movq %mm{r}, %{R64[c.reg()]}")
    elif form == "movq_mm":
        c.body.append(f"movq %mm{r}, %mm{d}")
    elif form == "movd_m":
        c.body.append(f"movd {c.mem_operand()}, %mm{d}")
    elif form == "movq_m":
        c.body.append(f"movq {c.mem_operand()}, %mm{d}")
    elif form == "movq_mst":
        c.body.append(f"movq %mm{r}, {c.mem_operand()}")
    elif form == "movntq":
        c.body.append(f"movntq %mm{r}, {c.mem_operand()}")
    elif form == "pmovmskb":
        c.body.append(f"pmovmskb %mm{r}, %{R32[c.reg()]}")
    elif form == "maskmovq" and 7 not in c.used:
        c.used.add(7)
        c.set(7, MEM + rng.randrange(0, MEM_SIZE - 8))
        c.body.append(f"maskmovq %mm{r}, %mm{d}")
    elif form == "movq2dq":
        c.body.append(f"movq2dq %mm{r}, %xmm{rng.randrange(16)}")
    elif form == "movdq2q":
        c.body.append(f"movdq2q %xmm{rng.randrange(16)}, %mm{d}")
    else:               # emms, or maskmovq once rDI holds something else
        c.body.append("emms")


def fam_mmx(c):
    rng = c.rng
    x87_state(c)
    fx = c.fx
    fx.fcw = 0x37f
    fx.fsw &= ~0x3f
    if rng.random() < 0.05:
        # a pending unmasked x87 exception: #MF at the first MMX insn
        fx.fcw &= ~1
        fx.fsw |= 0x81
    for _ in range(rng.choice([1, 1, 2, 3])):
        mmx_insn(c)


from gen_avx import fam_avx, fam_fma  # noqa: E402

FAMILIES = {
    "x87": fam_x87,
    "mmx": fam_mmx,
    "avx": fam_avx, "fma": fam_fma,
    "alu": fam_alu, "unary": fam_unary, "shift": fam_shift,
    "muldiv": fam_muldiv, "bits": fam_bits, "cond": fam_cond,
    "string": fam_string, "misc": fam_misc,
}
# the vector families live in gen_sse.py
FAMILIES.update(gen_sse.FAMILIES)


def emit_case(i, c, out):
    out.append(f"case_{i}:")
    out.append(f"    movq %rsp, {STATE + OFF_SAVED_RSP}")
    out.append(f"    fxrstor64 {STATE + OFF_IN_FX}")
    if c.ymmh is not None:
        out += ["    movl $7, %eax", "    xorl %edx, %edx",
                f"    xrstor64 {STATE + OFF_IN_XS}"]
    out.append(f"    pushq {STATE + OFF_IN_FLAGS}")
    out.append("    popfq")
    for r in range(16):
        if r != 4:
            out.append(f"    movq {STATE + OFF_IN + 8 * r}, %{R64[r]}")
    for line in c.body:
        out.append("    " + line)
    out.append("    pushfq")
    out.append(f"    popq {STATE + OFF_OUT_FLAGS}")
    for r in range(16):
        out.append(f"    movq %{R64[r]}, {STATE + OFF_OUT + 8 * r}")
    out.append(f"    fxsave64 {STATE + OFF_OUT_FX}")
    if c.ymmh is not None:
        out += ["    movl $7, %eax", "    xorl %edx, %edx",
                f"    xsave64 {STATE + OFF_OUT_XS}"]
    out.append(f"    movq {STATE + OFF_SAVED_RSP}, %rsp")
    out.append("    cld")
    out.append("    ret")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("family", choices=sorted(FAMILIES))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--out", required=True)
    ap.add_argument("--meta", required=True)
    a = ap.parse_args()

    rng = random.Random(f"{a.family}:{a.seed}")
    # families that do not set up x87/SSE state share one image, with
    # random XMM contents that must come through untouched
    default_fx = Fx()
    default_fx.xmm = [rng.getrandbits(128) for _ in range(16)]
    cases = []
    for _ in range(a.count):
        c = Case(rng, default_fx)
        FAMILIES[a.family](c)
        cases.append(c)
    images = {}
    for c in cases:
        images.setdefault(c.fx.image(), f"fx_{len(images)}")

    # diff_call keeps the runner's x87/SSE state (the host's libc uses
    # SSE) away from the cases' FCW/MXCSR
    out = ["    .text",
           "    .globl diff_call, diff_recover",
           "diff_call:",
           "    pushq %rbx", "    pushq %rbp", "    pushq %r12",
           "    pushq %r13", "    pushq %r14", "    pushq %r15",
           f"    fxsave64 {STATE + OFF_RUNNER_FX}",
           "    call *%rdi",
           f"    fxrstor64 {STATE + OFF_RUNNER_FX}",
           "    popq %r15", "    popq %r14", "    popq %r13",
           "    popq %r12", "    popq %rbp", "    popq %rbx",
           "    ret",
           "diff_recover:",
           f"    movq {STATE + OFF_SAVED_RSP}, %rsp",
           "    cld",
           "    ret"]
    for i, c in enumerate(cases):
        emit_case(i, c, out)
    out += ["    .section .rodata", "    .balign 8",
            "    .globl diff_cases, diff_case_count", "diff_cases:"]
    for i, c in enumerate(cases):
        vals = [f"case_{i}"] + [str(v) for v in c.regs] + \
               [str(c.flags), str(rng.getrandbits(63)), images[c.fx.image()],
                f"ymmh_{i}" if c.ymmh is not None else "0"]
        out.append("    .quad " + ", ".join(vals))
    out.append("    .balign 16")
    for i, c in enumerate(cases):
        if c.ymmh is not None:
            out.append(f"ymmh_{i}:")
            for k in range(16):
                y = c.ymmh[k]
                out.append(f"    .quad {y & (2**64 - 1):#x}, {y >> 64:#x}")
    out.append("    .balign 16")
    for img, label in images.items():
        out.append(f"{label}:")
        for k in range(0, len(img), 64):
            q = struct.unpack_from("<8Q", img, k)
            out.append("    .quad " + ", ".join(f"{v:#x}" for v in q))
    out += ["diff_case_count:", f"    .long {len(cases)}",
            '    .section .note.GNU-stack,"",@progbits', ""]
    with open(a.out, "w") as f:
        f.write("\n".join(out))
    with open(a.meta, "w") as f:
        # a family may name just the instruction under test (c.label)
        json.dump([{"asm": getattr(c, "label", None) or
                    "; ".join(c.body).replace("\n", " "),
                    "flags_mask": c.mask,
                    "fsw_mask": c.fsw_mask,
                    "mxcsr_mask": getattr(c, "mxcsr_mask", 0xffffffff),
                    "mem_ignore": c.mem_ignore,
                    "fx": c.fx.describe(),
                    "in": [f"{v:#x}" for v in c.regs],
                    "in_flags": c.flags} for c in cases], f)


if __name__ == "__main__":
    main()
