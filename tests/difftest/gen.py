#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Generates one family of differential test cases.

  gen.py FAMILY --seed N --count N --out cases.S --meta cases.json

cases.S holds, per case, a function that loads the registers and flags
from the state block (difftest.h), runs the instruction(s) under test and
stores registers and flags back; plus the case table and the diff_call /
diff_recover glue. cases.json says, per case, what it runs and which
RFLAGS bits are defined (the manuals leave some undefined: those are
masked out of the comparison).
"""
import argparse
import json
import random

import gen_sse

STATE = 0x10000000
OFF_IN, OFF_IN_FLAGS, OFF_OUT, OFF_OUT_FLAGS = 0, 128, 136, 264
OFF_SAVED_RSP, OFF_MEM = 280, 320
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


class Case:
    def __init__(self, rng):
        self.rng = rng
        self.regs = [rng.getrandbits(64) for _ in range(16)]
        self.flags = 0x2 | (rng.getrandbits(12) & OSZAPC)
        self.mask = OSZAPC | DF
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


FAMILIES = {
    "alu": fam_alu, "unary": fam_unary, "shift": fam_shift,
    "muldiv": fam_muldiv, "bits": fam_bits, "cond": fam_cond,
    "string": fam_string, "misc": fam_misc,
}
# the vector families live in gen_sse.py
FAMILIES.update(gen_sse.FAMILIES)


def emit_case(i, c, out):
    out.append(f"case_{i}:")
    out.append(f"    movq %rsp, {STATE + OFF_SAVED_RSP}")
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
    cases = []
    for _ in range(a.count):
        c = Case(rng)
        FAMILIES[a.family](c)
        cases.append(c)

    out = ["    .text",
           "    .globl diff_call, diff_recover",
           "diff_call:",
           "    pushq %rbx", "    pushq %rbp", "    pushq %r12",
           "    pushq %r13", "    pushq %r14", "    pushq %r15",
           "    call *%rdi",
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
               [str(c.flags), str(rng.getrandbits(63))]
        out.append("    .quad " + ", ".join(vals))
    out += ["diff_case_count:", f"    .long {len(cases)}",
            '    .section .note.GNU-stack,"",@progbits', ""]
    with open(a.out, "w") as f:
        f.write("\n".join(out))
    with open(a.meta, "w") as f:
        # a family may name just the instruction under test (c.label)
        json.dump([{"asm": getattr(c, "label", None) or
                    "; ".join(c.body).replace("\n", " "),
                    "flags_mask": c.mask,
                    "in": [f"{v:#x}" for v in c.regs],
                    "in_flags": c.flags} for c in cases], f)


if __name__ == "__main__":
    main()
