# SPDX-License-Identifier: GPL-2.0-or-later
"""Vector families of the differential test (registered by gen.py):

  sse     SSE..SSE4.2 (the SSE4.1 set whole, PCMPxSTRx, PCMPGTQ and a
          sample of older ops), under a random MXCSR
  crypto  AES-NI, PCLMULQDQ, CRC32
  sha     the SHA extensions

Each case is self-contained: it writes chosen values (NaNs, infinities,
denormals, halves for rounding, integers at their limits) into the
memory window's first 128 bytes, loads XMM0-3 from them and MXCSR from a
random value, runs the instruction, then stores XMM0-3 to bytes 128-191
and MXCSR to 192-195 and puts MXCSR back to its default. So results,
flags and MXCSR are compared through the memory window whatever else the
harness compares.
"""

MEM = 0x10000000 + 320          # DiffState.mem (gen.py's STATE + OFF_MEM)
OUT = MEM + 128
R64 = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
       "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"]
R32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"] + \
      [f"r{i}d" for i in range(8, 16)]
R16 = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"] + \
      [f"r{i}w" for i in range(8, 16)]
R8 = ["al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil"] + \
     [f"r{i}b" for i in range(8, 16)]
REGS = {8: R8, 16: R16, 32: R32, 64: R64}
CF, PF, AF, ZF, SF, DF, OF = 0x1, 0x4, 0x10, 0x40, 0x80, 0x400, 0x800


def f32(rng):
    kind = rng.random()
    sign = rng.getrandbits(1) << 31
    if kind < 0.1:
        return sign                                      # +-0
    if kind < 0.15:
        return sign | 0x7f800000                         # +-inf
    if kind < 0.22:
        return sign | 0x7fc00000 | rng.getrandbits(22)   # qNaN
    if kind < 0.27:
        return sign | 0x7f800000 | rng.randrange(1, 1 << 22)  # sNaN
    if kind < 0.37:
        return sign | rng.randrange(1, 1 << 23)          # denormal
    if kind < 0.55:
        # small integers and halves: rounding ties and exact cases
        import struct
        v = rng.randrange(-40, 40) / rng.choice([1, 2, 4])
        return struct.unpack("<I", struct.pack("<f", v))[0] | sign
    if kind < 0.6:
        return sign | rng.choice([0x00800000, 0x7f7fffff, 0x3f800000,
                                  0x4b000000, 0x4affffff])
    return sign | (rng.randrange(0x60, 0x9f) << 23) | rng.getrandbits(23)


def f64(rng):
    kind = rng.random()
    sign = rng.getrandbits(1) << 63
    if kind < 0.1:
        return sign
    if kind < 0.15:
        return sign | 0x7ff0000000000000
    if kind < 0.22:
        return sign | 0x7ff8000000000000 | rng.getrandbits(51)
    if kind < 0.27:
        return sign | 0x7ff0000000000000 | rng.randrange(1, 1 << 51)
    if kind < 0.37:
        return sign | rng.randrange(1, 1 << 52)
    if kind < 0.55:
        import struct
        v = rng.randrange(-40, 40) / rng.choice([1, 2, 4])
        return struct.unpack("<Q", struct.pack("<d", v))[0] | sign
    if kind < 0.6:
        return sign | rng.choice([0x0010000000000000, 0x7fefffffffffffff,
                                  0x3ff0000000000000, 0x4330000000000000])
    return sign | (rng.randrange(0x3a0, 0x460) << 52) | rng.getrandbits(52)


def ints(rng, bits):
    m = (1 << bits) - 1
    if rng.random() < 0.4:
        return rng.choice([0, 1, m, m >> 1, (m >> 1) + 1, 2, m - 1]) & m
    return rng.getrandbits(bits)


def qwords(rng, kind):
    """Two qwords of one 16-byte block holding elements of a kind."""
    def pack(vals, bits):
        q = [0, 0]
        per = 64 // bits
        for i, v in enumerate(vals):
            q[i // per] |= v << (bits * (i % per))
        return q
    if kind == "ps":
        return pack([f32(rng) for _ in range(4)], 32)
    if kind == "pd":
        return pack([f64(rng) for _ in range(2)], 64)
    if kind == "raw":
        return [rng.getrandbits(64), rng.getrandbits(64)]
    bits = {"b": 8, "w": 16, "d": 32, "q": 64}[kind]
    return pack([ints(rng, bits) for _ in range(128 // bits)], bits)


def prologue(c, kind, mxcsr):
    """Fill the window's first 128 bytes, load XMM0-3 and MXCSR."""
    body = []
    c.blocks = []
    for blk in range(8):
        q = qwords(c.rng, kind if c.rng.random() < 0.9 else "raw")
        # a few blocks share elements with another, for equal compares
        if blk in (1, 5) and c.rng.random() < 0.25:
            q = c.prev_block
        c.prev_block = q
        c.blocks.append(q)
        for i, v in enumerate(q):
            body.append(f"movl ${v & 0xffffffff:#x}, {MEM + blk * 16 + i * 8}")
            body.append(f"movl ${v >> 32:#x}, {MEM + blk * 16 + i * 8 + 4}")
    for x in range(4):
        body.append(f"movdqu {MEM + 16 * x}, %xmm{x}")
    body.append(f"movl ${mxcsr:#x}, {MEM + 196}")
    body.append(f"ldmxcsr {MEM + 196}")
    c.mxcsr = mxcsr
    return body


def finish(c, pro, body):
    """The case's code, and the label a mismatch report shows."""
    c.body += pro + body + epilogue()
    blocks = " ".join(f"{q[1]:016x}{q[0]:016x}" for q in c.blocks)
    c.label = (f"{'; '.join(body)}  [mxcsr {c.mxcsr:#x}; window "
               f"xmm0-3 then m128 x4: {blocks}]")


def epilogue():
    body = [f"movdqu %xmm{x}, {OUT + 16 * x}" for x in range(4)]
    body += [f"stmxcsr {MEM + 192}", f"movl $0x1f80, {MEM + 196}",
             f"ldmxcsr {MEM + 196}"]
    return body


def random_mxcsr(rng, fp):
    m = 0x1f80
    if fp:
        m = (m & ~0x6000) | (rng.randrange(4) << 13)     # rounding
        if rng.random() < 0.2:
            m |= 0x8000                                  # FTZ
        if rng.random() < 0.2:
            m |= 0x0040                                  # DAZ
        if rng.random() < 0.1:
            m &= ~(rng.choice([0x80, 0x200, 0x400, 0x800, 0x1000, 0x100]))
    return m


def xmm_or_mem(c, size=16, aligned=True):
    """A source operand: %xmm0-3, or memory in the window's second 64
    bytes, now and then misaligned (a #GP for the m128 forms)."""
    rng = c.rng
    if rng.random() < 0.7:
        return f"%xmm{rng.randrange(0, 4)}"
    off = 64 + 16 * rng.randrange(4)
    if size == 16 and not aligned or rng.random() < 0.03:
        off += rng.randrange(1, 16)     # legacy SSE: #GP if m128
    elif size < 16 and rng.random() < 0.3:
        off += rng.randrange(0, 16 - size + 1)
    base = c.reg()
    disp = rng.randrange(-64, 64)
    c.set(base, MEM + off - disp)
    return f"{disp}(%{R64[base]})"


SSE41_IMM = ["pblendw", "blendps", "blendpd", "mpsadbw"]
SSE41_BIN = ["pminsb", "pminsd", "pminuw", "pminud", "pmaxsb", "pmaxsd",
             "pmaxuw", "pmaxud", "pmulld", "pmuldq", "pcmpeqq", "packusdw",
             "phminposuw", "pcmpgtq"]
PMOV = ["pmovsxbw", "pmovsxbd", "pmovsxbq", "pmovsxwd", "pmovsxwq",
        "pmovsxdq", "pmovzxbw", "pmovzxbd", "pmovzxbq", "pmovzxwd",
        "pmovzxwq", "pmovzxdq"]
OLDER = ["paddb", "psubusw", "pmaddwd", "pshufb", "phaddw", "pmulhrsw",
         "punpckhbw", "packsswb", "psadbw", "addps", "mulpd", "divss",
         "sqrtpd", "maxps", "minsd", "cvtps2dq", "cvttpd2dq", "haddps",
         "addsubpd", "rcpps"]


def fam_sse(c):
    rng = c.rng
    c.prev_block = [0, 0]
    op = rng.choice(["ptest", "imm", "blendv", "round", "dp", "bin", "pmov",
                     "pinsr", "pextr", "insertps", "pcmpstr", "older"])
    dst = f"%xmm{rng.randrange(0, 4)}"
    kind, fp, body = "raw", False, []
    if op == "ptest":
        kind = rng.choice(["b", "q", "raw"])
        body.append(f"ptest {xmm_or_mem(c)}, {dst}")
    elif op == "imm":
        name = rng.choice(SSE41_IMM)
        kind = {"blendps": "ps", "blendpd": "pd"}.get(name, "b")
        body.append(f"{name} ${rng.getrandbits(8)}, {xmm_or_mem(c)}, {dst}")
    elif op == "blendv":
        name = rng.choice(["blendvps", "blendvpd", "pblendvb"])
        kind = rng.choice(["raw", "b", "d"])
        body.append(f"{name} %xmm0, {xmm_or_mem(c)}, {dst}")
    elif op == "round":
        name = rng.choice(["roundps", "roundpd", "roundss", "roundsd"])
        kind, fp = ("pd" if name[-1] == "d" else "ps"), True
        size = 4 if name == "roundss" else 8 if name == "roundsd" else 16
        imm = rng.randrange(16) if rng.random() < 0.9 else rng.getrandbits(8)
        body.append(f"{name} ${imm}, {xmm_or_mem(c, size)}, {dst}")
    elif op == "dp":
        name = rng.choice(["dpps", "dppd"])
        kind, fp = ("ps" if name == "dpps" else "pd"), True
        body.append(f"{name} ${rng.getrandbits(8)}, {xmm_or_mem(c)}, {dst}")
    elif op == "bin":
        name = rng.choice(SSE41_BIN)
        kind = rng.choice(["b", "w", "d", "q"])
        body.append(f"{name} {xmm_or_mem(c)}, {dst}")
    elif op == "pmov":
        name = rng.choice(PMOV)
        kind = rng.choice(["b", "w", "d"])
        # bytes read: 16 / (destination element) * (source element)
        size = 16 // {"w": 2, "d": 4, "q": 8}[name[-1]] * \
            {"b": 1, "w": 2, "d": 4}[name[-2]]
        body.append(f"{name} {xmm_or_mem(c, size)}, {dst}")
    elif op == "pinsr":
        bits = rng.choice([8, 16, 32, 64])
        name = {8: "pinsrb", 16: "pinsrw", 32: "pinsrd", 64: "pinsrq"}[bits]
        if rng.random() < 0.5:
            r = c.reg()
            src = f"%{REGS[max(bits, 32)][r]}"
        else:
            src = xmm_or_mem(c, bits // 8)
            if src.startswith("%xmm"):
                r = c.reg()
                src = f"%{REGS[max(bits, 32)][r]}"
        body.append(f"{name} ${rng.getrandbits(8)}, {src}, {dst}")
    elif op == "pextr":
        bits = rng.choice([8, 16, 32, 64, 0])
        name = {8: "pextrb", 16: "pextrw", 32: "pextrd", 64: "pextrq",
                0: "extractps"}[bits]
        rbits = 64 if bits == 64 else rng.choice([32, 64]) if bits != 32 \
            else 32
        if rng.random() < 0.5:
            r = c.reg()
            d = f"%{REGS[rbits][r]}"
        else:
            base = c.reg()
            disp = rng.randrange(-64, 64)
            c.set(base, MEM + rng.randrange(0, 120) - disp)
            d = f"{disp}(%{R64[base]})"
        body.append(f"{name} ${rng.getrandbits(8)}, {dst}, {d}")
    elif op == "insertps":
        kind = "ps"
        body.append(f"insertps ${rng.getrandbits(8)}, {xmm_or_mem(c, 4)}, "
                    f"{dst}")
    elif op == "pcmpstr":
        name = rng.choice(["pcmpistri", "pcmpestri", "pcmpistrm",
                           "pcmpestrm"])
        kind = rng.choice(["b", "w", "raw"])
        c.used.update([0, 1, 2])
        if name.startswith("pcmpe"):
            for r in (0, 2):
                c.set(r, rng.choice([rng.randrange(-20, 20),
                                     rng.getrandbits(64)]))
        q = "q" if rng.random() < 0.3 else ""
        body.append(f"{name}{q if name.startswith('pcmpe') else ''} "
                    f"${rng.getrandbits(8)}, {xmm_or_mem(c)}, {dst}")
    else:
        name = rng.choice(OLDER)
        fp = name[-2:] in ("ps", "pd", "ss", "sd") or "2dq" in name
        kind = ("ps" if name[-1] == "s" else "pd") if fp else "w"
        body.append(f"{name} {xmm_or_mem(c)}, {dst}")
    finish(c, prologue(c, kind, random_mxcsr(rng, fp)), body)


def host_has_avx():
    """VEX forms are generated only where the host can run them."""
    try:
        with open("/proc/cpuinfo") as f:
            return any(line.startswith("flags") and " avx " in line + " "
                       for line in f)
    except OSError:
        return False


HOST_AVX = host_has_avx()


def fam_crypto(c):
    rng = c.rng
    c.prev_block = [0, 0]
    ops = ["aes", "aes", "keygen", "clmul", "crc32", "crc32"]
    if HOST_AVX:
        ops += ["vaes", "vclmul"]
    op = rng.choice(ops)
    dst = f"%xmm{rng.randrange(0, 4)}"
    body = []
    if op == "vaes":
        # VEX.128: a separate first source, no alignment check
        name = rng.choice(["vaesenc", "vaesenclast", "vaesdec",
                           "vaesdeclast", "vaesimc", "vaeskeygenassist"])
        src = xmm_or_mem(c, aligned=False)
        if name == "vaesimc":
            body.append(f"{name} {src}, {dst}")
        elif name == "vaeskeygenassist":
            body.append(f"{name} ${rng.getrandbits(8)}, {src}, {dst}")
        else:
            body.append(f"{name} {src}, %xmm{rng.randrange(0, 4)}, {dst}")
    elif op == "vclmul":
        imm = rng.choice([0, 1, 0x10, 0x11, rng.getrandbits(8)])
        body.append(f"vpclmulqdq ${imm}, {xmm_or_mem(c, aligned=False)}, "
                    f"%xmm{rng.randrange(0, 4)}, {dst}")
    elif op == "aes":
        name = rng.choice(["aesenc", "aesenclast", "aesdec", "aesdeclast",
                           "aesimc"])
        body.append(f"{name} {xmm_or_mem(c)}, {dst}")
    elif op == "keygen":
        body.append(f"aeskeygenassist ${rng.getrandbits(8)}, "
                    f"{xmm_or_mem(c)}, {dst}")
    elif op == "clmul":
        imm = rng.choice([0, 1, 0x10, 0x11, rng.getrandbits(8)])
        body.append(f"pclmulqdq ${imm}, {xmm_or_mem(c)}, {dst}")
    else:
        sbits = rng.choice([8, 16, 32, 64])
        dbits = 64 if sbits == 64 else rng.choice([32, 32, 64]) \
            if sbits == 8 else 32
        d = c.reg()
        suffix = {8: "b", 16: "w", 32: "l", 64: "q"}[sbits]
        if rng.random() < 0.5:
            s = c.reg()
            src = f"%{REGS[sbits][s]}"
        else:
            base = c.reg()
            disp = rng.randrange(-64, 64)
            c.set(base, MEM + rng.randrange(0, 120) - disp)
            src = f"{disp}(%{R64[base]})"
        body.append(f"crc32{suffix} {src}, %{REGS[dbits][d]}")
    finish(c, prologue(c, "raw", 0x1f80), body)


def fam_sha(c):
    rng = c.rng
    c.prev_block = [0, 0]
    name = rng.choice(["sha1rnds4", "sha1nexte", "sha1msg1", "sha1msg2",
                       "sha256rnds2", "sha256msg1", "sha256msg2"])
    dst = f"%xmm{rng.randrange(0, 4)}"
    if name == "sha1rnds4":
        op = f"sha1rnds4 ${rng.getrandbits(8)}, {xmm_or_mem(c)}, {dst}"
    elif name == "sha256rnds2":
        op = f"sha256rnds2 %xmm0, {xmm_or_mem(c)}, {dst}"
    else:
        op = f"{name} {xmm_or_mem(c)}, {dst}"
    finish(c, prologue(c, "raw", 0x1f80), [op])


FAMILIES = {"sse": fam_sse, "crypto": fam_crypto, "sha": fam_sha}
