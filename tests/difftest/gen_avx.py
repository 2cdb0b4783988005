# SPDX-License-Identifier: GPL-2.0-or-later
"""The AVX families of gen.py: VEX-encoded AVX/AVX2/F16C ops ("avx") and
FMA3 ("fma"), 128 and 256 bits, register and memory forms, from random
YMM contents mixed with FP special values (zeros, denormals, infinities,
quiet and signalling NaNs) under random MXCSR rounding, FTZ and DAZ,
sometimes with exceptions unmasked (#XM must match too). The case starts
from an XRSTOR image (c.ymmh holds the upper halves) and its XSAVE image
is compared, YMM upper halves included."""
import copy
import struct

R64 = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
       "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"]
R32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"] + \
      [f"r{i}d" for i in range(8, 16)]
MEM = 0x10000000 + 320
MEM_SIZE = 256


def fp32(rng):
    k = rng.randrange(12)
    s = rng.getrandbits(1) << 31
    if k == 0:
        return s                                        # zero
    if k == 1:
        return s | rng.randrange(1, 1 << 23)           # denormal
    if k == 2:
        return s | 0x7f800000                           # infinity
    if k == 3:
        return s | 0x7fc00000 | rng.getrandbits(22)    # qNaN
    if k == 4:
        return s | 0x7f800000 | rng.randrange(1, 1 << 22)   # sNaN
    if k == 5:
        return s | (rng.randrange(1, 3) << 23)         # tiny normal
    if k == 6:
        return s | (rng.randrange(0xfc, 0xff) << 23) | rng.getrandbits(23)
    if k < 9:
        return rng.getrandbits(32)
    return s | (rng.randrange(120, 135) << 23) | rng.getrandbits(23)


def fp64(rng):
    k = rng.randrange(12)
    s = rng.getrandbits(1) << 63
    if k == 0:
        return s
    if k == 1:
        return s | rng.randrange(1, 1 << 52)
    if k == 2:
        return s | (0x7ff << 52)
    if k == 3:
        return s | (0xfff << 51) | rng.getrandbits(51)
    if k == 4:
        return s | (0x7ff << 52) | rng.randrange(1, 1 << 51)
    if k == 5:
        return s | (rng.randrange(1, 3) << 52)
    if k == 6:
        return s | (rng.randrange(0x7f0, 0x7ff) << 52) | rng.getrandbits(52)
    if k < 9:
        return rng.getrandbits(64)
    return s | (rng.randrange(1015, 1035) << 52) | rng.getrandbits(52)


def lane(rng):
    k = rng.randrange(5)
    if k == 0:
        return rng.getrandbits(128)
    if k == 1:
        return sum(fp32(rng) << (32 * i) for i in range(4))
    if k == 2:
        return sum(fp64(rng) << (64 * i) for i in range(2))
    if k == 3:      # small integers: shift counts, indices, selectors
        return sum(rng.randrange(0, 40) << (8 * i) for i in range(16))
    return sum((rng.choice([0, 0xff, 0x80, 0x7f, 1]) <<
                (8 * i)) for i in range(16))


def vec_state(c, fp=False):
    """Fresh x87/SSE image and YMM upper halves for the case."""
    rng = c.rng
    fx = copy.copy(c.fx)
    fx.xmm = [lane(rng) for _ in range(16)]
    mx = 0x1f80 | (rng.randrange(4) << 13)
    if rng.random() < 0.3:
        mx |= 0x8000                                    # FTZ
    if rng.random() < 0.3:
        mx |= 0x40                                      # DAZ
    if fp and rng.random() < 0.06:
        mx &= ~(rng.getrandbits(6) << 7)                # unmask some
        # the exception and the registers must match; which other flags
        # the hardware reports beside an unmasked one depends on which
        # element raised what, which kemu does not model (it runs each
        # 128-bit lane, and sees only the OR of the elements' flags)
        c.mxcsr_mask = 0xffffffc0
    fx.mxcsr = mx
    c.fx = fx
    c.ymmh = [lane(rng) for _ in range(16)]


def V(n, w):
    return f"%{'y' if w == 256 else 'x'}mm{n}"


def vr(c):
    return c.rng.randrange(16)


def src(c, w, mem_bytes=None, p=0.3):
    """A vector register of width w or (p of the time) a memory operand."""
    if c.rng.random() < p:
        return c.mem_operand(room=mem_bytes or w // 8)
    return V(vr(c), w)


FP3 = ["vaddps", "vaddpd", "vsubps", "vsubpd", "vmulps", "vmulpd", "vdivps",
       "vdivpd", "vminps", "vminpd", "vmaxps", "vmaxpd", "vandps", "vandpd",
       "vandnps", "vandnpd", "vorps", "vorpd", "vxorps", "vxorpd",
       "vunpcklps", "vunpcklpd", "vunpckhps", "vunpckhpd", "vhaddps",
       "vhaddpd", "vhsubps", "vhsubpd", "vaddsubps", "vaddsubpd"]
FPS3 = ["vaddss", "vaddsd", "vsubss", "vsubsd", "vmulss", "vmulsd", "vdivss",
        "vdivsd", "vminss", "vminsd", "vmaxss", "vmaxsd", "vsqrtss",
        "vsqrtsd", "vcvtss2sd", "vcvtsd2ss", "vrcpss", "vrsqrtss"]
FP2 = ["vsqrtps", "vsqrtpd", "vrcpps", "vrsqrtps", "vcvtps2dq", "vcvttps2dq",
       "vcvtdq2ps", "vmovshdup", "vmovsldup", "vmovddup"]
INT3 = ["vpaddb", "vpaddw", "vpaddd", "vpaddq", "vpsubb", "vpsubw", "vpsubd",
        "vpsubq", "vpaddsb", "vpaddsw", "vpaddusb", "vpaddusw", "vpsubsb",
        "vpsubsw", "vpsubusb", "vpsubusw", "vpcmpeqb", "vpcmpeqw",
        "vpcmpeqd", "vpcmpeqq", "vpcmpgtb", "vpcmpgtw", "vpcmpgtd",
        "vpcmpgtq", "vpminub", "vpminuw", "vpminud", "vpminsb", "vpminsw",
        "vpminsd", "vpmaxub", "vpmaxuw", "vpmaxud", "vpmaxsb", "vpmaxsw",
        "vpmaxsd", "vpavgb", "vpavgw", "vpmullw", "vpmulhw", "vpmulhuw",
        "vpmulld", "vpmuludq", "vpmuldq", "vpmaddwd", "vpmaddubsw",
        "vpsadbw", "vpunpcklbw", "vpunpcklwd", "vpunpckldq", "vpunpcklqdq",
        "vpunpckhbw", "vpunpckhwd", "vpunpckhdq", "vpunpckhqdq",
        "vpacksswb", "vpackssdw", "vpackuswb", "vpackusdw", "vpand",
        "vpandn", "vpor", "vpxor", "vpshufb", "vpsignb", "vpsignw", "vpsignd",
        "vphaddw", "vphaddd", "vphaddsw", "vphsubw", "vphsubd", "vphsubsw",
        "vpmulhrsw"]
SHIFTS = ["vpsllw", "vpslld", "vpsllq", "vpsrlw", "vpsrld", "vpsrlq",
          "vpsraw", "vpsrad"]
VSHIFTS = ["vpsllvd", "vpsllvq", "vpsrlvd", "vpsrlvq", "vpsravd"]
PMOV = {"bw": 2, "bd": 4, "bq": 8, "wd": 2, "wq": 4, "dq": 2}


def avx_insn(c):
    rng = c.rng
    w = rng.choice([128, 256])
    d, b = vr(c), vr(c)
    k = rng.randrange(30)
    if k < 4:
        op = rng.choice(FP3)
        return f"{op} {src(c, w)}, {V(b, w)}, {V(d, w)}"
    if k < 6:
        op = rng.choice(FPS3)
        s = src(c, 128, 8)
        return f"{op} {s}, {V(b, 128)}, {V(d, 128)}"
    if k < 7:
        op = rng.choice(FP2)
        return f"{op} {src(c, w)}, {V(d, w)}"
    if k < 8:
        op = rng.choice(["vroundps", "vroundpd", "vroundss", "vroundsd"])
        imm = rng.randrange(16)
        if op in ("vroundss", "vroundsd"):
            return f"{op} ${imm}, {src(c, 128, 8)}, {V(b, 128)}, {V(d, 128)}"
        return f"{op} ${imm}, {src(c, w)}, {V(d, w)}"
    if k < 9:
        op = rng.choice(["vcvtps2pd", "vcvtdq2pd", "vcvtpd2ps", "vcvtpd2dq",
                         "vcvttpd2dq"])
        if op in ("vcvtps2pd", "vcvtdq2pd"):
            return f"{op} {src(c, 128, w // 16)}, {V(d, w)}"
        s = src(c, w)
        sfx = ("y" if w == 256 else "x") if s[0] != "%" else ""
        return f"{op}{sfx} {s}, {V(d, 128)}"
    if k < 11:
        op = rng.choice(["vcmpps", "vcmppd", "vcmpss", "vcmpsd"])
        imm = rng.randrange(32)
        ww = w if op[-2] == "p" else 128
        return f"{op} ${imm}, {src(c, ww, 8 if ww == 128 else None)}, " \
               f"{V(b, ww)}, {V(d, ww)}"
    if k < 12:
        op = rng.choice(["vshufps", "vshufpd", "vblendps", "vblendpd"])
        return f"{op} ${rng.randrange(256)}, {src(c, w)}, {V(b, w)}, " \
               f"{V(d, w)}"
    if k < 13:
        op = rng.choice(["vpermilps", "vpermilpd"])
        if rng.random() < 0.5:
            return f"{op} ${rng.randrange(256)}, {src(c, w)}, {V(d, w)}"
        return f"{op} {src(c, w)}, {V(b, w)}, {V(d, w)}"
    if k < 14:
        op = rng.choice(["vblendvps", "vblendvpd", "vpblendvb"])
        return f"{op} {V(vr(c), w)}, {src(c, w)}, {V(b, w)}, {V(d, w)}"
    if k < 19:
        op = rng.choice(INT3)
        return f"{op} {src(c, w)}, {V(b, w)}, {V(d, w)}"
    if k < 20:
        op = rng.choice(SHIFTS + ["vpslldq", "vpsrldq"])
        if op.endswith("dq") or rng.random() < 0.5:
            return f"{op} ${rng.randrange(70)}, {V(b, w)}, {V(d, w)}"
        return f"{op} {src(c, 128)}, {V(b, w)}, {V(d, w)}"
    if k < 21:
        op = rng.choice(["vpalignr", "vpshufd", "vpshuflw", "vpshufhw",
                         "vpblendw", "vpblendd"])
        imm = rng.randrange(256)
        if op in ("vpalignr", "vpblendw", "vpblendd"):
            return f"{op} ${imm}, {src(c, w)}, {V(b, w)}, {V(d, w)}"
        return f"{op} ${imm}, {src(c, w)}, {V(d, w)}"
    if k < 22:
        op = rng.choice(["vpabsb", "vpabsw", "vpabsd"] +
                        [f"vpmov{x}x{t}" for x in "sz" for t in PMOV])
        if op.startswith("vpmov"):
            n = PMOV[op[-2:]]
            return f"{op} {src(c, 128, w // 8 // n)}, {V(d, w)}"
        return f"{op} {src(c, w)}, {V(d, w)}"
    if k < 23:
        op = rng.choice(["vpbroadcastb", "vpbroadcastw", "vpbroadcastd",
                         "vpbroadcastq", "vbroadcastss", "vbroadcastsd",
                         "vbroadcastf128", "vbroadcasti128"])
        if op in ("vbroadcastsd",):
            w = 256
        if op.endswith("128"):
            return f"{op} {c.mem_operand(room=16)}, {V(d, 256)}"
        size = {"b": 1, "w": 2, "d": 4, "q": 8, "s": 4}[op[-1]] \
            if not op.endswith("sd") else 8
        return f"{op} {src(c, 128, size)}, {V(d, w)}"
    if k < 24:
        op = rng.choice(["vpermq", "vpermpd", "vpermd", "vpermps",
                         "vperm2f128", "vperm2i128", "vinsertf128",
                         "vinserti128", "vextractf128", "vextracti128"] +
                        VSHIFTS)
        imm = rng.randrange(256)
        if op in ("vpermq", "vpermpd"):
            return f"{op} ${imm}, {src(c, 256)}, {V(d, 256)}"
        if op in ("vpermd", "vpermps"):
            return f"{op} {src(c, 256)}, {V(b, 256)}, {V(d, 256)}"
        if op.startswith("vperm2"):
            return f"{op} ${imm}, {src(c, 256)}, {V(b, 256)}, {V(d, 256)}"
        if op.startswith("vinsert"):
            return f"{op} ${imm & 1}, {src(c, 128)}, {V(b, 256)}, " \
                   f"{V(d, 256)}"
        if op.startswith("vextract"):
            dst = c.mem_operand(room=16) if rng.random() < 0.3 \
                else V(d, 128)
            return f"{op} ${imm & 1}, {V(b, 256)}, {dst}"
        return f"{op} {src(c, w)}, {V(b, w)}, {V(d, w)}"
    if k < 25:
        op = rng.choice(["vptest", "vtestps", "vtestpd", "vucomiss",
                         "vcomiss", "vucomisd", "vcomisd"])
        c.mask = 0x8d5            # OSZAPC and DF: all defined
        if "comi" in op:
            return f"{op} {src(c, 128, 8)}, {V(b, 128)}"
        return f"{op} {src(c, w)}, {V(b, w)}"
    if k < 26:
        r = c.reg()
        op = rng.choice(["vpmovmskb", "vmovmskps", "vmovmskpd", "vpextrb",
                         "vpextrw", "vpextrd", "vpextrq", "vextractps",
                         "vcvtss2si", "vcvtsd2si", "vcvttss2si",
                         "vcvttsd2si"])
        if op.startswith("vpextr") or op == "vextractps":
            imm = rng.randrange(256)
            dst = f"%{R64[r]}" if op == "vpextrq" else f"%{R32[r]}"
            if rng.random() < 0.3:
                dst = c.mem_operand(room=8)
            return f"{op} ${imm}, {V(b, 128)}, {dst}"
        if "cvt" in op:
            dst = f"%{R64[r]}" if rng.random() < 0.5 else f"%{R32[r]}"
            return f"{op} {src(c, 128, 8)}, {dst}"
        return f"{op} {V(b, w)}, %{R32[r]}"
    if k < 27:
        op = rng.choice(["vpinsrb", "vpinsrw", "vpinsrd", "vpinsrq",
                         "vinsertps", "vcvtsi2ss", "vcvtsi2sd"])
        if op == "vinsertps":
            return f"{op} ${rng.randrange(256)}, {src(c, 128, 4)}, " \
                   f"{V(b, 128)}, {V(d, 128)}"
        r = c.reg()
        q = op == "vpinsrq" or (op.startswith("vcvt") and rng.random() < .5)
        s = f"%{R64[r]}" if q else f"%{R32[r]}"
        if rng.random() < 0.3:
            s = c.mem_operand(room=8)
            if op.startswith("vcvt"):
                op += "q" if q else "l"
        if op.startswith("vcvt"):
            return f"{op} {s}, {V(b, 128)}, {V(d, 128)}"
        return f"{op} ${rng.randrange(256)}, {s}, {V(b, 128)}, {V(d, 128)}"
    if k < 28:
        op = rng.choice(["vmovaps", "vmovups", "vmovdqa", "vmovdqu",
                         "vmovapd", "vmovupd", "vlddqu", "vmovntdqa",
                         "vmovss", "vmovsd", "vmovd", "vmovq", "vmovlps",
                         "vmovhps", "vmovlpd", "vmovhpd", "vmovhlps",
                         "vmovlhps", "vzeroupper", "vzeroall"])
        if op.startswith("vzero"):
            return op
        if op in ("vlddqu", "vmovntdqa"):
            return f"{op} {c.mem_operand(room=w // 8)}, {V(d, w)}"
        if op in ("vmovss", "vmovsd"):
            n = 4 if op == "vmovss" else 8
            r = rng.randrange(3)
            if r == 0:
                return f"{op} {V(vr(c), 128)}, {V(b, 128)}, {V(d, 128)}"
            if r == 1:
                return f"{op} {c.mem_operand(room=n)}, {V(d, 128)}"
            return f"{op} {V(d, 128)}, {c.mem_operand(room=n)}"
        if op in ("vmovd", "vmovq"):
            r = c.reg()
            g = f"%{R64[r]}" if op == "vmovq" else f"%{R32[r]}"
            x = rng.randrange(3)
            if x == 0:
                return f"{op} {g}, {V(d, 128)}"
            if x == 1:
                return f"{op} {V(d, 128)}, {g}"
            if op == "vmovq":
                return f"{op} {src(c, 128, 8)}, {V(d, 128)}"
            return f"{op} {c.mem_operand(room=4)}, {V(d, 128)}"
        if op in ("vmovhlps", "vmovlhps"):
            return f"{op} {V(vr(c), 128)}, {V(b, 128)}, {V(d, 128)}"
        if op in ("vmovlps", "vmovhps", "vmovlpd", "vmovhpd"):
            if rng.random() < 0.5:
                return f"{op} {c.mem_operand(room=8)}, {V(b, 128)}, " \
                       f"{V(d, 128)}"
            return f"{op} {V(d, 128)}, {c.mem_operand(room=8)}"
        if rng.random() < 0.5:
            return f"{op} {src(c, w)}, {V(d, w)}"
        return f"{op} {V(d, w)}, {c.mem_operand(room=w // 8)}"
    if k < 29:
        op = rng.choice(["vmaskmovps", "vmaskmovpd", "vpmaskmovd",
                         "vpmaskmovq", "vcvtph2ps", "vcvtps2ph"])
        m = c.mem_operand(room=w // 8)
        if op == "vcvtph2ps":
            return f"{op} {src(c, 128, w // 16)}, {V(d, w)}"
        if op == "vcvtps2ph":
            dst = c.mem_operand(room=w // 16) if rng.random() < 0.3 \
                else V(d, 128)
            return f"{op} ${rng.randrange(8)}, {V(b, w)}, {dst}"
        if rng.random() < 0.5:
            return f"{op} {m}, {V(b, w)}, {V(d, w)}"
        return f"{op} {V(d, w)}, {V(b, w)}, {m}"
    return gather(c, w)


def gather(c, w):
    """VPGATHER/VGATHER with in-window addresses: the index register gets
    small elements, the mask random sign bits (some elements skipped)."""
    rng = c.rng
    op = rng.choice(["vpgatherdd", "vpgatherdq", "vpgatherqd", "vpgatherqq",
                     "vgatherdps", "vgatherdpd", "vgatherqps", "vgatherqpd"])
    d, ix, m = rng.sample(range(16), 3)
    qidx = op in ("vpgatherqd", "vpgatherqq", "vgatherqps", "vgatherqpd")
    qel = op in ("vpgatherdq", "vpgatherqq", "vgatherdpd", "vgatherqpd")
    base = c.reg()
    scale = rng.choice([1, 2, 4, 8])
    c.set(base, MEM + rng.randrange(0, MEM_SIZE - 8 * 8 - 8))
    esz = 8 if qidx else 4
    vals = [rng.randrange(0, 8) for _ in range(8)]
    raw = b"".join(v.to_bytes(esz, "little") for v in vals)[:32]
    c.fx.xmm = list(c.fx.xmm)
    c.ymmh = list(c.ymmh)
    c.fx.xmm[ix] = int.from_bytes(raw[:16], "little")
    c.ymmh[ix] = int.from_bytes(raw[16:32], "little")
    if qidx and not qel:            # qword indices, dword data: data xmm
        dw, iw = 128, w
    elif qel and not qidx:          # dword indices, qword data: index xmm
        dw, iw = w, 128
    else:
        dw, iw = w, w
    return f"{op} {V(m, dw)}, (%{R64[base]},{V(ix, iw)},{scale}), {V(d, dw)}"


def fam_avx(c):
    vec_state(c, fp=True)
    for _ in range(c.rng.choice([1, 1, 2])):
        insn = avx_insn(c)
        while c.body and "gather" in insn:
            insn = avx_insn(c)      # a gather's indices are set up for it
        c.body.append(insn)
        if "gather" in insn:
            break


FMA_OPS = [f"{op}{o}{t}" for op in ("vfmadd", "vfmsub", "vfnmadd", "vfnmsub")
           for o in ("132", "213", "231") for t in ("ps", "pd", "ss", "sd")] + \
    [f"{op}{o}{t}" for op in ("vfmaddsub", "vfmsubadd")
     for o in ("132", "213", "231") for t in ("ps", "pd")]


def fam_fma(c):
    vec_state(c, fp=True)
    rng = c.rng
    for _ in range(rng.choice([1, 1, 2])):
        op = rng.choice(FMA_OPS)
        w = 128 if op[-2] == "s" else rng.choice([128, 256])
        mb = 4 if op.endswith("ss") else 8 if op.endswith("sd") else None
        d, b = vr(c), vr(c)
        c.body.append(f"{op} {src(c, w, mb)}, {V(b, w)}, {V(d, w)}")
