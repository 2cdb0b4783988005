/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SSE/SSE2/SSE3 (and the SSSE3/SSE4.1 register ops the model may expose)
 * on the host's own SSE unit: each helper runs the very instruction on
 * host registers, so results are bit-exact to hardware, NaNs and
 * denormals included. FP ones run with the guest's MXCSR (rounding,
 * FTZ/DAZ) and every exception masked on the host; the flags raised are
 * collected into the guest's MXCSR, and an exception the guest left
 * unmasked raises #XM (#UD without CR4.OSXMMEXCPT) with the destination
 * unchanged.
 */
#include "util/osdep.h"
#include <Zydis/Zydis.h>
#include "target/i386/tcg/tcg-cpu.h"
#include "target/i386/tcg/helper.h"

typedef long long v2di __attribute__((vector_size(16)));

#define CR4_OSXMMEXCPT (1u << 10)

static inline v2di xget(const X86XMMReg *r)
{
    v2di v;
    memcpy(&v, r, 16);
    return v;
}

static inline void xput(X86XMMReg *r, v2di v)
{
    memcpy(r, &v, 16);
}

uint32_t sse_fp_enter(CPUX86State *env)
{
    uint32_t host, guest = (env->mxcsr & ~0x3fu) | 0x1f80;
    asm volatile("stmxcsr %0" : "=m"(host));
    asm volatile("ldmxcsr %0" : : "m"(guest));
    return host;
}

/* Collect the flags; raise when one is unmasked. As the hardware does,
 * an unmasked invalid/denormal/divide-by-zero (detected before the
 * computation) reports only those, and an unmasked underflow does not
 * report the inexact result it would have had (an overflow does). */
void sse_fp_leave(CPUX86State *env, uint32_t host, uintptr_t ra)
{
    uint32_t cur, flags, unmasked;

    asm volatile("stmxcsr %0" : "=m"(cur));
    asm volatile("ldmxcsr %0" : : "m"(host));
    flags = cur & 0x3f;
    unmasked = flags & ~(env->mxcsr >> 7) & 0x3f;
    if (unmasked & 0x07) {
        flags &= 0x07;
    } else if (unmasked & 0x10) {
        flags &= ~0x20u;
    }
    env->mxcsr |= flags;
    if (unmasked) {
        raise_exception_ra(env, (env->cr[4] & CR4_OSXMMEXCPT) ? EXCP13_XMM
                                                               : EXCP06_ILLOP,
                           ra);
    }
}

#define SSE_INT(name, insn)                                               \
    static void h_##name(CPUX86State *env, X86XMMReg *d, X86XMMReg *s)   \
    {                                                                     \
        v2di a = xget(d), b = xget(s);                                    \
        (void)env;                                                        \
        asm(insn " %1, %0" : "+x"(a) : "x"(b));                           \
        xput(d, a);                                                       \
    }

#define SSE_FP(name, insn)                                                \
    static void h_##name(CPUX86State *env, X86XMMReg *d, X86XMMReg *s)   \
    {                                                                     \
        v2di a = xget(d), b = xget(s);                                    \
        uint32_t host = sse_fp_enter(env);                                    \
        asm volatile(insn " %1, %0" : "+x"(a) : "x"(b));                  \
        sse_fp_leave(env, host, GETPC());                                     \
        xput(d, a);                                                       \
    }

#define INT_OPS(X) \
    X(paddb) X(paddw) X(paddd) X(paddq) X(psubb) X(psubw) X(psubd) X(psubq) \
    X(paddsb) X(paddsw) X(paddusb) X(paddusw) X(psubsb) X(psubsw)           \
    X(psubusb) X(psubusw) X(pcmpeqb) X(pcmpeqw) X(pcmpeqd) X(pcmpgtb)       \
    X(pcmpgtw) X(pcmpgtd) X(pminub) X(pmaxub) X(pminsw) X(pmaxsw) X(pavgb)  \
    X(pavgw) X(pmullw) X(pmulhw) X(pmulhuw) X(pmuludq) X(pmaddwd) X(psadbw) \
    X(punpcklbw) X(punpcklwd) X(punpckldq) X(punpcklqdq) X(punpckhbw)       \
    X(punpckhwd) X(punpckhdq) X(punpckhqdq) X(packsswb) X(packssdw)         \
    X(packuswb) X(pand) X(pandn) X(por) X(pxor) X(psllw) X(pslld) X(psllq)  \
    X(psrlw) X(psrld) X(psrlq) X(psraw) X(psrad)                            \
    X(andps) X(andnps) X(orps) X(xorps) X(andpd) X(andnpd) X(orpd) X(xorpd) \
    X(unpcklps) X(unpckhps) X(unpcklpd) X(unpckhpd)                         \
    X(movshdup) X(movsldup) X(movddup)                                      \
    /* SSSE3 */                                                             \
    X(pshufb) X(pabsb) X(pabsw) X(pabsd) X(phaddw) X(phaddd) X(phaddsw)     \
    X(phsubw) X(phsubd) X(phsubsw) X(pmaddubsw) X(pmulhrsw) X(psignb)       \
    X(psignw) X(psignd)                                                     \
    /* SSE4.1 */                                                            \
    X(pminsb) X(pminsd) X(pminuw) X(pminud) X(pmaxsb) X(pmaxsd) X(pmaxuw)   \
    X(pmaxud) X(pmulld) X(pmuldq) X(pcmpeqq) X(packusdw)                    \
    X(pmovsxbw) X(pmovsxbd) X(pmovsxbq) X(pmovsxwd) X(pmovsxwq) X(pmovsxdq) \
    X(pmovzxbw) X(pmovzxbd) X(pmovzxbq) X(pmovzxwd) X(pmovzxwq) X(pmovzxdq) \
    /* SSE4.2 */                                                            \
    X(pcmpgtq)

#define FP_OPS(X) \
    X(addps) X(addss) X(addpd) X(addsd) X(subps) X(subss) X(subpd) X(subsd) \
    X(mulps) X(mulss) X(mulpd) X(mulsd) X(divps) X(divss) X(divpd) X(divsd) \
    X(minps) X(minss) X(minpd) X(minsd) X(maxps) X(maxss) X(maxpd) X(maxsd) \
    X(sqrtps) X(sqrtss) X(sqrtpd) X(sqrtsd) X(rcpps) X(rcpss) X(rsqrtps)    \
    X(rsqrtss) X(cvtps2pd) X(cvtpd2ps) X(cvtss2sd) X(cvtsd2ss) X(cvtdq2ps)  \
    X(cvtps2dq) X(cvttps2dq) X(cvtdq2pd) X(cvtpd2dq) X(cvttpd2dq)           \
    X(haddps) X(haddpd) X(hsubps) X(hsubpd) X(addsubps) X(addsubpd)

#define DEF_INT(n) SSE_INT(n, #n)
#define DEF_FP(n) SSE_FP(n, #n)
INT_OPS(DEF_INT)
FP_OPS(DEF_FP)

SSEBinFn sse_bin_helper(unsigned mnemonic)
{
    switch (mnemonic) {
    /* Zydis spells the mnemonics in upper case, the helpers are lower */
    case ZYDIS_MNEMONIC_PADDB: return h_paddb;
    case ZYDIS_MNEMONIC_PADDW: return h_paddw;
    case ZYDIS_MNEMONIC_PADDD: return h_paddd;
    case ZYDIS_MNEMONIC_PADDQ: return h_paddq;
    case ZYDIS_MNEMONIC_PSUBB: return h_psubb;
    case ZYDIS_MNEMONIC_PSUBW: return h_psubw;
    case ZYDIS_MNEMONIC_PSUBD: return h_psubd;
    case ZYDIS_MNEMONIC_PSUBQ: return h_psubq;
    case ZYDIS_MNEMONIC_PADDSB: return h_paddsb;
    case ZYDIS_MNEMONIC_PADDSW: return h_paddsw;
    case ZYDIS_MNEMONIC_PADDUSB: return h_paddusb;
    case ZYDIS_MNEMONIC_PADDUSW: return h_paddusw;
    case ZYDIS_MNEMONIC_PSUBSB: return h_psubsb;
    case ZYDIS_MNEMONIC_PSUBSW: return h_psubsw;
    case ZYDIS_MNEMONIC_PSUBUSB: return h_psubusb;
    case ZYDIS_MNEMONIC_PSUBUSW: return h_psubusw;
    case ZYDIS_MNEMONIC_PCMPEQB: return h_pcmpeqb;
    case ZYDIS_MNEMONIC_PCMPEQW: return h_pcmpeqw;
    case ZYDIS_MNEMONIC_PCMPEQD: return h_pcmpeqd;
    case ZYDIS_MNEMONIC_PCMPGTB: return h_pcmpgtb;
    case ZYDIS_MNEMONIC_PCMPGTW: return h_pcmpgtw;
    case ZYDIS_MNEMONIC_PCMPGTD: return h_pcmpgtd;
    case ZYDIS_MNEMONIC_PMINUB: return h_pminub;
    case ZYDIS_MNEMONIC_PMAXUB: return h_pmaxub;
    case ZYDIS_MNEMONIC_PMINSW: return h_pminsw;
    case ZYDIS_MNEMONIC_PMAXSW: return h_pmaxsw;
    case ZYDIS_MNEMONIC_PAVGB: return h_pavgb;
    case ZYDIS_MNEMONIC_PAVGW: return h_pavgw;
    case ZYDIS_MNEMONIC_PMULLW: return h_pmullw;
    case ZYDIS_MNEMONIC_PMULHW: return h_pmulhw;
    case ZYDIS_MNEMONIC_PMULHUW: return h_pmulhuw;
    case ZYDIS_MNEMONIC_PMULUDQ: return h_pmuludq;
    case ZYDIS_MNEMONIC_PMADDWD: return h_pmaddwd;
    case ZYDIS_MNEMONIC_PSADBW: return h_psadbw;
    case ZYDIS_MNEMONIC_PUNPCKLBW: return h_punpcklbw;
    case ZYDIS_MNEMONIC_PUNPCKLWD: return h_punpcklwd;
    case ZYDIS_MNEMONIC_PUNPCKLDQ: return h_punpckldq;
    case ZYDIS_MNEMONIC_PUNPCKLQDQ: return h_punpcklqdq;
    case ZYDIS_MNEMONIC_PUNPCKHBW: return h_punpckhbw;
    case ZYDIS_MNEMONIC_PUNPCKHWD: return h_punpckhwd;
    case ZYDIS_MNEMONIC_PUNPCKHDQ: return h_punpckhdq;
    case ZYDIS_MNEMONIC_PUNPCKHQDQ: return h_punpckhqdq;
    case ZYDIS_MNEMONIC_PACKSSWB: return h_packsswb;
    case ZYDIS_MNEMONIC_PACKSSDW: return h_packssdw;
    case ZYDIS_MNEMONIC_PACKUSWB: return h_packuswb;
    case ZYDIS_MNEMONIC_PAND: return h_pand;
    case ZYDIS_MNEMONIC_PANDN: return h_pandn;
    case ZYDIS_MNEMONIC_POR: return h_por;
    case ZYDIS_MNEMONIC_PXOR: return h_pxor;
    case ZYDIS_MNEMONIC_PSLLW: return h_psllw;
    case ZYDIS_MNEMONIC_PSLLD: return h_pslld;
    case ZYDIS_MNEMONIC_PSLLQ: return h_psllq;
    case ZYDIS_MNEMONIC_PSRLW: return h_psrlw;
    case ZYDIS_MNEMONIC_PSRLD: return h_psrld;
    case ZYDIS_MNEMONIC_PSRLQ: return h_psrlq;
    case ZYDIS_MNEMONIC_PSRAW: return h_psraw;
    case ZYDIS_MNEMONIC_PSRAD: return h_psrad;
    case ZYDIS_MNEMONIC_ANDPS: return h_andps;
    case ZYDIS_MNEMONIC_ANDNPS: return h_andnps;
    case ZYDIS_MNEMONIC_ORPS: return h_orps;
    case ZYDIS_MNEMONIC_XORPS: return h_xorps;
    case ZYDIS_MNEMONIC_ANDPD: return h_andpd;
    case ZYDIS_MNEMONIC_ANDNPD: return h_andnpd;
    case ZYDIS_MNEMONIC_ORPD: return h_orpd;
    case ZYDIS_MNEMONIC_XORPD: return h_xorpd;
    case ZYDIS_MNEMONIC_UNPCKLPS: return h_unpcklps;
    case ZYDIS_MNEMONIC_UNPCKHPS: return h_unpckhps;
    case ZYDIS_MNEMONIC_UNPCKLPD: return h_unpcklpd;
    case ZYDIS_MNEMONIC_UNPCKHPD: return h_unpckhpd;
    case ZYDIS_MNEMONIC_MOVSHDUP: return h_movshdup;
    case ZYDIS_MNEMONIC_MOVSLDUP: return h_movsldup;
    case ZYDIS_MNEMONIC_MOVDDUP: return h_movddup;
    case ZYDIS_MNEMONIC_PSHUFB: return h_pshufb;
    case ZYDIS_MNEMONIC_PABSB: return h_pabsb;
    case ZYDIS_MNEMONIC_PABSW: return h_pabsw;
    case ZYDIS_MNEMONIC_PABSD: return h_pabsd;
    case ZYDIS_MNEMONIC_PHADDW: return h_phaddw;
    case ZYDIS_MNEMONIC_PHADDD: return h_phaddd;
    case ZYDIS_MNEMONIC_PHADDSW: return h_phaddsw;
    case ZYDIS_MNEMONIC_PHSUBW: return h_phsubw;
    case ZYDIS_MNEMONIC_PHSUBD: return h_phsubd;
    case ZYDIS_MNEMONIC_PHSUBSW: return h_phsubsw;
    case ZYDIS_MNEMONIC_PMADDUBSW: return h_pmaddubsw;
    case ZYDIS_MNEMONIC_PMULHRSW: return h_pmulhrsw;
    case ZYDIS_MNEMONIC_PSIGNB: return h_psignb;
    case ZYDIS_MNEMONIC_PSIGNW: return h_psignw;
    case ZYDIS_MNEMONIC_PSIGND: return h_psignd;
    case ZYDIS_MNEMONIC_PMINSB: return h_pminsb;
    case ZYDIS_MNEMONIC_PMINSD: return h_pminsd;
    case ZYDIS_MNEMONIC_PMINUW: return h_pminuw;
    case ZYDIS_MNEMONIC_PMINUD: return h_pminud;
    case ZYDIS_MNEMONIC_PMAXSB: return h_pmaxsb;
    case ZYDIS_MNEMONIC_PMAXSD: return h_pmaxsd;
    case ZYDIS_MNEMONIC_PMAXUW: return h_pmaxuw;
    case ZYDIS_MNEMONIC_PMAXUD: return h_pmaxud;
    case ZYDIS_MNEMONIC_PMULLD: return h_pmulld;
    case ZYDIS_MNEMONIC_PMULDQ: return h_pmuldq;
    case ZYDIS_MNEMONIC_PCMPEQQ: return h_pcmpeqq;
    case ZYDIS_MNEMONIC_PACKUSDW: return h_packusdw;
    case ZYDIS_MNEMONIC_PMOVSXBW: return h_pmovsxbw;
    case ZYDIS_MNEMONIC_PMOVSXBD: return h_pmovsxbd;
    case ZYDIS_MNEMONIC_PMOVSXBQ: return h_pmovsxbq;
    case ZYDIS_MNEMONIC_PMOVSXWD: return h_pmovsxwd;
    case ZYDIS_MNEMONIC_PMOVSXWQ: return h_pmovsxwq;
    case ZYDIS_MNEMONIC_PMOVSXDQ: return h_pmovsxdq;
    case ZYDIS_MNEMONIC_PMOVZXBW: return h_pmovzxbw;
    case ZYDIS_MNEMONIC_PMOVZXBD: return h_pmovzxbd;
    case ZYDIS_MNEMONIC_PMOVZXBQ: return h_pmovzxbq;
    case ZYDIS_MNEMONIC_PMOVZXWD: return h_pmovzxwd;
    case ZYDIS_MNEMONIC_PMOVZXWQ: return h_pmovzxwq;
    case ZYDIS_MNEMONIC_PMOVZXDQ: return h_pmovzxdq;
    case ZYDIS_MNEMONIC_PCMPGTQ: return h_pcmpgtq;
    case ZYDIS_MNEMONIC_ADDPS: return h_addps;
    case ZYDIS_MNEMONIC_ADDSS: return h_addss;
    case ZYDIS_MNEMONIC_ADDPD: return h_addpd;
    case ZYDIS_MNEMONIC_ADDSD: return h_addsd;
    case ZYDIS_MNEMONIC_SUBPS: return h_subps;
    case ZYDIS_MNEMONIC_SUBSS: return h_subss;
    case ZYDIS_MNEMONIC_SUBPD: return h_subpd;
    case ZYDIS_MNEMONIC_SUBSD: return h_subsd;
    case ZYDIS_MNEMONIC_MULPS: return h_mulps;
    case ZYDIS_MNEMONIC_MULSS: return h_mulss;
    case ZYDIS_MNEMONIC_MULPD: return h_mulpd;
    case ZYDIS_MNEMONIC_MULSD: return h_mulsd;
    case ZYDIS_MNEMONIC_DIVPS: return h_divps;
    case ZYDIS_MNEMONIC_DIVSS: return h_divss;
    case ZYDIS_MNEMONIC_DIVPD: return h_divpd;
    case ZYDIS_MNEMONIC_DIVSD: return h_divsd;
    case ZYDIS_MNEMONIC_MINPS: return h_minps;
    case ZYDIS_MNEMONIC_MINSS: return h_minss;
    case ZYDIS_MNEMONIC_MINPD: return h_minpd;
    case ZYDIS_MNEMONIC_MINSD: return h_minsd;
    case ZYDIS_MNEMONIC_MAXPS: return h_maxps;
    case ZYDIS_MNEMONIC_MAXSS: return h_maxss;
    case ZYDIS_MNEMONIC_MAXPD: return h_maxpd;
    case ZYDIS_MNEMONIC_MAXSD: return h_maxsd;
    case ZYDIS_MNEMONIC_SQRTPS: return h_sqrtps;
    case ZYDIS_MNEMONIC_SQRTSS: return h_sqrtss;
    case ZYDIS_MNEMONIC_SQRTPD: return h_sqrtpd;
    case ZYDIS_MNEMONIC_SQRTSD: return h_sqrtsd;
    case ZYDIS_MNEMONIC_RCPPS: return h_rcpps;
    case ZYDIS_MNEMONIC_RCPSS: return h_rcpss;
    case ZYDIS_MNEMONIC_RSQRTPS: return h_rsqrtps;
    case ZYDIS_MNEMONIC_RSQRTSS: return h_rsqrtss;
    case ZYDIS_MNEMONIC_CVTPS2PD: return h_cvtps2pd;
    case ZYDIS_MNEMONIC_CVTPD2PS: return h_cvtpd2ps;
    case ZYDIS_MNEMONIC_CVTSS2SD: return h_cvtss2sd;
    case ZYDIS_MNEMONIC_CVTSD2SS: return h_cvtsd2ss;
    case ZYDIS_MNEMONIC_CVTDQ2PS: return h_cvtdq2ps;
    case ZYDIS_MNEMONIC_CVTPS2DQ: return h_cvtps2dq;
    case ZYDIS_MNEMONIC_CVTTPS2DQ: return h_cvttps2dq;
    case ZYDIS_MNEMONIC_CVTDQ2PD: return h_cvtdq2pd;
    case ZYDIS_MNEMONIC_CVTPD2DQ: return h_cvtpd2dq;
    case ZYDIS_MNEMONIC_CVTTPD2DQ: return h_cvttpd2dq;
    case ZYDIS_MNEMONIC_HADDPS: return h_haddps;
    case ZYDIS_MNEMONIC_HADDPD: return h_haddpd;
    case ZYDIS_MNEMONIC_HSUBPS: return h_hsubps;
    case ZYDIS_MNEMONIC_HSUBPD: return h_hsubpd;
    case ZYDIS_MNEMONIC_ADDSUBPS: return h_addsubps;
    case ZYDIS_MNEMONIC_ADDSUBPD: return h_addsubpd;
    default:
        return NULL;
    }
}

/* ---- ops with an immediate, done in C (integer, exact by definition)
 * or through a switch over the few immediates there are ---- */

static void h_pshufd(CPUX86State *env, X86XMMReg *d, X86XMMReg *s,
                     uint32_t imm)
{
    uint32_t in[4], out[4];
    (void)env;
    memcpy(in, s, 16);
    for (int i = 0; i < 4; i++) {
        out[i] = in[(imm >> (2 * i)) & 3];
    }
    memcpy(d, out, 16);
}

/* PSHUFLW and PSHUFHW differ only in which quadword of words they
 * shuffle; the other one is copied through unchanged. */
static void shuffle_words(X86XMMReg *d, X86XMMReg *s, uint32_t imm,
                          int base)
{
    uint16_t in[8], out[8];
    memcpy(in, s, 16);
    memcpy(out, in, 16);
    for (int i = 0; i < 4; i++) {
        out[base + i] = in[base + ((imm >> (2 * i)) & 3)];
    }
    memcpy(d, out, 16);
}

static void h_pshuflw(CPUX86State *env, X86XMMReg *d, X86XMMReg *s,
                      uint32_t imm)
{
    (void)env;
    shuffle_words(d, s, imm, 0);
}

static void h_pshufhw(CPUX86State *env, X86XMMReg *d, X86XMMReg *s,
                      uint32_t imm)
{
    (void)env;
    shuffle_words(d, s, imm, 4);
}

static void h_shufps(CPUX86State *env, X86XMMReg *d, X86XMMReg *s,
                     uint32_t imm)
{
    uint32_t a[4], b[4], out[4];
    (void)env;
    memcpy(a, d, 16);
    memcpy(b, s, 16);
    out[0] = a[imm & 3];
    out[1] = a[(imm >> 2) & 3];
    out[2] = b[(imm >> 4) & 3];
    out[3] = b[(imm >> 6) & 3];
    memcpy(d, out, 16);
}

static void h_shufpd(CPUX86State *env, X86XMMReg *d, X86XMMReg *s,
                     uint32_t imm)
{
    uint64_t lo = d->q[imm & 1], hi = s->q[(imm >> 1) & 1];
    (void)env;
    d->q[0] = lo;
    d->q[1] = hi;
}

static void h_palignr(CPUX86State *env, X86XMMReg *d, X86XMMReg *s,
                      uint32_t imm)
{
    uint8_t buf[32], out[16];
    (void)env;
    memcpy(buf, s, 16);
    memcpy(buf + 16, d, 16);
    for (unsigned i = 0; i < 16; i++) {
        unsigned k = (imm & 0xff) + i;
        out[i] = k < 32 ? buf[k] : 0;
    }
    memcpy(d, out, 16);
}

#define CMP_CASES(insn)                                                   \
    switch (imm & 7) {                                                    \
    case 0: asm volatile(insn " $0, %1, %0" : "+x"(a) : "x"(b)); break;   \
    case 1: asm volatile(insn " $1, %1, %0" : "+x"(a) : "x"(b)); break;   \
    case 2: asm volatile(insn " $2, %1, %0" : "+x"(a) : "x"(b)); break;   \
    case 3: asm volatile(insn " $3, %1, %0" : "+x"(a) : "x"(b)); break;   \
    case 4: asm volatile(insn " $4, %1, %0" : "+x"(a) : "x"(b)); break;   \
    case 5: asm volatile(insn " $5, %1, %0" : "+x"(a) : "x"(b)); break;   \
    case 6: asm volatile(insn " $6, %1, %0" : "+x"(a) : "x"(b)); break;   \
    default: asm volatile(insn " $7, %1, %0" : "+x"(a) : "x"(b)); break;  \
    }

#define SSE_CMP(name, insn)                                               \
    static void h_##name(CPUX86State *env, X86XMMReg *d, X86XMMReg *s,   \
                         uint32_t imm)                                    \
    {                                                                     \
        v2di a = xget(d), b = xget(s);                                    \
        uint32_t host = sse_fp_enter(env);                                    \
        CMP_CASES(insn)                                                   \
        sse_fp_leave(env, host, GETPC());                                     \
        xput(d, a);                                                       \
    }
SSE_CMP(cmpps, "cmpps")
SSE_CMP(cmpss, "cmpss")
SSE_CMP(cmppd, "cmppd")
SSE_CMP(cmpsd, "cmpsd")

SSEImmFn sse_imm_helper(unsigned mnemonic)
{
    switch (mnemonic) {
    case ZYDIS_MNEMONIC_PSHUFD: return h_pshufd;
    case ZYDIS_MNEMONIC_PSHUFLW: return h_pshuflw;
    case ZYDIS_MNEMONIC_PSHUFHW: return h_pshufhw;
    case ZYDIS_MNEMONIC_SHUFPS: return h_shufps;
    case ZYDIS_MNEMONIC_SHUFPD: return h_shufpd;
    case ZYDIS_MNEMONIC_PALIGNR: return h_palignr;
    case ZYDIS_MNEMONIC_CMPPS: return h_cmpps;
    case ZYDIS_MNEMONIC_CMPSS: return h_cmpss;
    case ZYDIS_MNEMONIC_CMPPD: return h_cmppd;
    case ZYDIS_MNEMONIC_CMPSD: return h_cmpsd;
    default: return NULL;
    }
}

void helper_check_align16(CPUX86State *env, uint64_t addr)
{
    if (addr & 15) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, GETPC());
    }
}

/* kind: 0 ucomiss, 1 comiss, 2 ucomisd, 3 comisd; returns ZF/PF/CF */
uint64_t helper_sse_comi(CPUX86State *env, X86XMMReg *x, X86XMMReg *y,
                         uint32_t kind)
{
    v2di a = xget(x), b = xget(y);
    uint64_t f;
    uint32_t host = sse_fp_enter(env);

    switch (kind) {
    case 0:
        asm volatile("ucomiss %2, %1\n\tpushfq\n\tpopq %0"
                     : "=r"(f) : "x"(a), "x"(b) : "cc");
        break;
    case 1:
        asm volatile("comiss %2, %1\n\tpushfq\n\tpopq %0"
                     : "=r"(f) : "x"(a), "x"(b) : "cc");
        break;
    case 2:
        asm volatile("ucomisd %2, %1\n\tpushfq\n\tpopq %0"
                     : "=r"(f) : "x"(a), "x"(b) : "cc");
        break;
    default:
        asm volatile("comisd %2, %1\n\tpushfq\n\tpopq %0"
                     : "=r"(f) : "x"(a), "x"(b) : "cc");
        break;
    }
    sse_fp_leave(env, host, GETPC());
    return f & (CC_Z | CC_P | CC_C);
}

/* kind: bit 0 double (else single), bit 1 64-bit integer */
void helper_sse_cvtsi2f(CPUX86State *env, X86XMMReg *d, uint64_t val,
                        uint32_t kind)
{
    v2di a = xget(d);
    uint32_t host = sse_fp_enter(env);

    switch (kind & 3) {
    case 0: asm volatile("cvtsi2ssl %k1, %0" : "+x"(a) : "r"(val)); break;
    case 1: asm volatile("cvtsi2sdl %k1, %0" : "+x"(a) : "r"(val)); break;
    case 2: asm volatile("cvtsi2ssq %1, %0" : "+x"(a) : "r"(val)); break;
    default: asm volatile("cvtsi2sdq %1, %0" : "+x"(a) : "r"(val)); break;
    }
    sse_fp_leave(env, host, GETPC());
    xput(d, a);
}

/* kind: bit 0 double, bit 1 64-bit result, bit 2 truncate */
uint64_t helper_sse_cvtf2si(CPUX86State *env, X86XMMReg *s, uint32_t kind)
{
    v2di a = xget(s);
    uint64_t r = 0;
    uint32_t host = sse_fp_enter(env);

    switch (kind & 7) {
    case 0: asm volatile("cvtss2si %1, %k0" : "=r"(r) : "x"(a)); break;
    case 1: asm volatile("cvtsd2si %1, %k0" : "=r"(r) : "x"(a)); break;
    case 2: asm volatile("cvtss2si %1, %q0" : "=r"(r) : "x"(a)); break;
    case 3: asm volatile("cvtsd2si %1, %q0" : "=r"(r) : "x"(a)); break;
    case 4: asm volatile("cvttss2si %1, %k0" : "=r"(r) : "x"(a)); break;
    case 5: asm volatile("cvttsd2si %1, %k0" : "=r"(r) : "x"(a)); break;
    case 6: asm volatile("cvttss2si %1, %q0" : "=r"(r) : "x"(a)); break;
    default: asm volatile("cvttsd2si %1, %q0" : "=r"(r) : "x"(a)); break;
    }
    sse_fp_leave(env, host, GETPC());
    return (kind & 2) ? r : (uint32_t)r;
}

/* kind: 0 pmovmskb, 1 movmskps, 2 movmskpd */
uint64_t helper_sse_movmsk(X86XMMReg *s, uint32_t kind)
{
    v2di a = xget(s);
    uint32_t r;

    if (kind == 0) {
        asm("pmovmskb %1, %0" : "=r"(r) : "x"(a));
    } else if (kind == 1) {
        asm("movmskps %1, %0" : "=r"(r) : "x"(a));
    } else {
        asm("movmskpd %1, %0" : "=r"(r) : "x"(a));
    }
    return r;
}

/* Shifts by an immediate. kind: 0 psllw 1 pslld 2 psllq 3 psrlw 4 psrld
 * 5 psrlq 6 psraw 7 psrad 8 pslldq 9 psrldq */
void helper_sse_shift_imm(CPUX86State *env, X86XMMReg *d, uint32_t count,
                          uint32_t kind)
{
    X86XMMReg c = { .q = { count & 0xff, 0 } };
    static const SSEBinFn fns[8] = { h_psllw, h_pslld, h_psllq, h_psrlw,
                                     h_psrld, h_psrlq, h_psraw, h_psrad };

    if (kind < 8) {
        fns[kind](env, d, &c);
        return;
    }
    uint8_t in[16], out[16];
    unsigned n = count & 0xff;
    memcpy(in, d, 16);
    for (int i = 0; i < 16; i++) {
        int k = kind == 8 ? i - (int)n : i + (int)n;
        out[i] = (k >= 0 && k < 16) ? in[k] : 0;
    }
    memcpy(d, out, 16);
}
