/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AVX/AVX2/FMA/F16C helpers. Integer and data-movement ops are plain C
 * on byte images of the registers. FP ones (compares with the 32 VEX
 * predicates, ROUND, FMA, F16C conversions) run the very instruction on
 * the host, as sse_helper.c does for SSE: bit-exact results, NaN choice
 * and flags included, under the guest's MXCSR with host exceptions
 * masked. This file is compiled for a host with AVX2, FMA and F16C;
 * tcg-features.c offers those bits to guests only when the host has
 * them (avx_host_ok()), so nothing here runs on a host without them.
 */
#pragma GCC target("avx2,fma,f16c")
#include "util/osdep.h"
#include <Zydis/Zydis.h>
#include "target/i386/tcg/avx.h"
#include "target/i386/tcg/crypto_helper.h"

typedef long long v2di __attribute__((vector_size(16)));
typedef long long v4di __attribute__((vector_size(32)));

#define CR4_OSXMMEXCPT (1u << 10)

typedef union Vec256 {
    uint8_t b[32];
    uint16_t w[16];
    uint32_t d[8];
    uint64_t q[4];
    int8_t sb[32];
    int16_t sw[16];
    int32_t sd[8];
    int64_t sq[4];
    X86XMMReg x[2];
    v4di v;
} Vec256;

static void vget(CPUX86State *env, unsigned r, Vec256 *v)
{
    if (r == AVX_MEM) {
        v->x[0] = env->vex_t0[0];
        v->x[1] = env->vex_t0[1];
    } else {
        v->x[0] = env->xmm[r & 15];
        v->x[1] = env->ymmh[r & 15];
    }
}

/* Write a result: a 128-bit one zeroes bits 255:128 (VEX rule) */
static void vput(CPUX86State *env, unsigned d, const Vec256 *v, bool ymm)
{
    env->xmm[d & 15] = v->x[0];
    env->ymmh[d & 15] = ymm ? v->x[1] : (X86XMMReg){ { 0, 0 } };
}

#define R_D(r)   ((r) & 31)
#define R_S1(r)  (((r) >> 5) & 31)
#define R_S2(r)  (((r) >> 10) & 31)
#define R_S3(r)  (((r) >> 15) & 31)
#define R_YMM(r) (((r) >> 20) & 1)
#define R_YSRC(r) (((r) >> 21) & 1)

/* ---- memory access checks ---- */

void helper_avx_access(CPUX86State *env, uint64_t addr, uint32_t desc)
{
    uintptr_t ra = GETPC();
    unsigned len = desc & 0xff, mask = (desc >> 8) & 0xff;
    int mmu_idx = (desc >> 16) & 0xff;

    if (addr & mask) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    if (desc & (1u << 24)) {
        while (len) {
            unsigned n = MIN(len, TARGET_PAGE_SIZE -
                                  (addr & ~TARGET_PAGE_MASK));
            probe_access(env_cpu(env), addr, (int)n, MMU_DATA_STORE, mmu_idx,
                         ra);
            addr += n;
            len -= n;
        }
    }
}

/* ---- lane helpers (one 128-bit lane, SSEBinFn/SSEImmFn shape) ---- */

#define VCMP1(insn, n) \
    case n: asm volatile(insn " $" #n ", %1, %0, %0" : "+x"(a) : "x"(b)); \
    break;
#define VCMP_CASES(insn) \
    switch (imm & 31) { \
    VCMP1(insn, 0) VCMP1(insn, 1) VCMP1(insn, 2) VCMP1(insn, 3) \
    VCMP1(insn, 4) VCMP1(insn, 5) VCMP1(insn, 6) VCMP1(insn, 7) \
    VCMP1(insn, 8) VCMP1(insn, 9) VCMP1(insn, 10) VCMP1(insn, 11) \
    VCMP1(insn, 12) VCMP1(insn, 13) VCMP1(insn, 14) VCMP1(insn, 15) \
    VCMP1(insn, 16) VCMP1(insn, 17) VCMP1(insn, 18) VCMP1(insn, 19) \
    VCMP1(insn, 20) VCMP1(insn, 21) VCMP1(insn, 22) VCMP1(insn, 23) \
    VCMP1(insn, 24) VCMP1(insn, 25) VCMP1(insn, 26) VCMP1(insn, 27) \
    VCMP1(insn, 28) VCMP1(insn, 29) VCMP1(insn, 30) default: \
    asm volatile(insn " $31, %1, %0, %0" : "+x"(a) : "x"(b)); break; }

#define VROUND_CASES(insn) \
    switch (imm & 15) { \
    VCMP1(insn, 0) VCMP1(insn, 1) VCMP1(insn, 2) VCMP1(insn, 3) \
    VCMP1(insn, 4) VCMP1(insn, 5) VCMP1(insn, 6) VCMP1(insn, 7) \
    VCMP1(insn, 8) VCMP1(insn, 9) VCMP1(insn, 10) VCMP1(insn, 11) \
    VCMP1(insn, 12) VCMP1(insn, 13) VCMP1(insn, 14) default: \
    asm volatile(insn " $15, %1, %0, %0" : "+x"(a) : "x"(b)); break; }

/* d = op(d, s): d is the first source (vvvv), s the second (r/m) */
#define FP_IMM(name, cases, insn)                                          \
    static void h_##name(CPUX86State *env, X86XMMReg *d, X86XMMReg *s,   \
                         uint32_t imm)                                    \
    {                                                                     \
        v2di a, b;                                                        \
        uint32_t host;                                                    \
        memcpy(&a, d, 16);                                                \
        memcpy(&b, s, 16);                                                \
        host = sse_fp_enter(env);                                             \
        cases(insn)                                                       \
        sse_fp_leave(env, host, GETPC());                                     \
        memcpy(d, &a, 16);                                                \
    }
FP_IMM(vcmpps, VCMP_CASES, "vcmpps")
FP_IMM(vcmppd, VCMP_CASES, "vcmppd")
FP_IMM(vcmpss, VCMP_CASES, "vcmpss")
FP_IMM(vcmpsd, VCMP_CASES, "vcmpsd")
FP_IMM(vroundss, VROUND_CASES, "vroundss")
FP_IMM(vroundsd, VROUND_CASES, "vroundsd")

/* VROUNDPS/PD: the rounding control is an immediate of the host insn,
 * so one asm per value */
#define VROUND_PACKED(name, insn)                                           \
static void h_##name(CPUX86State *env, X86XMMReg *d, X86XMMReg *s,         \
                     uint32_t imm)                                          \
{                                                                           \
    v2di a, b;                                                              \
    uint32_t host;                                                          \
                                                                            \
    memcpy(&b, s, 16);                                                      \
    host = sse_fp_enter(env);                                               \
    switch (imm & 15) {                                                     \
    VR(insn, 0) VR(insn, 1) VR(insn, 2) VR(insn, 3) VR(insn, 4)             \
    VR(insn, 5) VR(insn, 6) VR(insn, 7) VR(insn, 8) VR(insn, 9)             \
    VR(insn, 10) VR(insn, 11) VR(insn, 12) VR(insn, 13) VR(insn, 14)        \
    default: VR(insn, 15)                                                   \
    }                                                                       \
    sse_fp_leave(env, host, GETPC());                                       \
    memcpy(d, &a, 16);                                                      \
}
#define VR(insn, n) case n: asm volatile(insn " $" #n ", %1, %0"            \
                                         : "=x"(a) : "x"(b)); break;
VROUND_PACKED(vroundps, "vroundps")
VROUND_PACKED(vroundpd, "vroundpd")
#undef VR

/* Blends by immediate: the translator shifts imm for the upper lane */
static void h_blendps(CPUX86State *env, X86XMMReg *d, X86XMMReg *s,
                      uint32_t imm)
{
    uint32_t a[4], b[4];
    (void)env;
    memcpy(a, d, 16);
    memcpy(b, s, 16);
    for (int i = 0; i < 4; i++) {
        if (imm & (1u << i)) {
            a[i] = b[i];
        }
    }
    memcpy(d, a, 16);
}

static void h_blendpd(CPUX86State *env, X86XMMReg *d, X86XMMReg *s,
                      uint32_t imm)
{
    (void)env;
    for (int i = 0; i < 2; i++) {
        if (imm & (1u << i)) {
            d->q[i] = s->q[i];
        }
    }
}

static void h_pblendw(CPUX86State *env, X86XMMReg *d, X86XMMReg *s,
                      uint32_t imm)
{
    uint16_t a[8], b[8];
    (void)env;
    memcpy(a, d, 16);
    memcpy(b, s, 16);
    for (int i = 0; i < 8; i++) {
        if (imm & (1u << i)) {
            a[i] = b[i];
        }
    }
    memcpy(d, a, 16);
}

/* VPERMILPS/PD with an immediate: the source is s (no vvvv) */
static void h_vpermilps_imm(CPUX86State *env, X86XMMReg *d, X86XMMReg *s,
                            uint32_t imm)
{
    uint32_t a[4], r[4];
    (void)env;
    memcpy(a, s, 16);
    for (int i = 0; i < 4; i++) {
        r[i] = a[(imm >> (2 * i)) & 3];
    }
    memcpy(d, r, 16);
}

static void h_vpermilpd_imm(CPUX86State *env, X86XMMReg *d, X86XMMReg *s,
                            uint32_t imm)
{
    uint64_t r0 = s->q[imm & 1], r1 = s->q[(imm >> 1) & 1];
    (void)env;
    d->q[0] = r0;
    d->q[1] = r1;
}

/* Variable forms: d holds the data (vvvv), s the selectors */
static void h_vpermilps_var(CPUX86State *env, X86XMMReg *d, X86XMMReg *s)
{
    uint32_t a[4], c[4], r[4];
    (void)env;
    memcpy(a, d, 16);
    memcpy(c, s, 16);
    for (int i = 0; i < 4; i++) {
        r[i] = a[c[i] & 3];
    }
    memcpy(d, r, 16);
}

static void h_vpermilpd_var(CPUX86State *env, X86XMMReg *d, X86XMMReg *s)
{
    uint64_t r0 = d->q[(s->q[0] >> 1) & 1], r1 = d->q[(s->q[1] >> 1) & 1];
    (void)env;
    d->q[0] = r0;
    d->q[1] = r1;
}

/*
 * VEX.128 AES and PCLMULQDQ (AES/PCLMULQDQ with AVX): the legacy
 * helpers on the lane copy the generic path hands them, so the first
 * source is vvvv and bits 255:128 of the destination are zeroed.
 */
static void h_vaesenc(CPUX86State *env, X86XMMReg *d, X86XMMReg *s)
{
    (void)env;
    helper_aes(d, s, AES_ENC);
}

static void h_vaesenclast(CPUX86State *env, X86XMMReg *d, X86XMMReg *s)
{
    (void)env;
    helper_aes(d, s, AES_ENCLAST);
}

static void h_vaesdec(CPUX86State *env, X86XMMReg *d, X86XMMReg *s)
{
    (void)env;
    helper_aes(d, s, AES_DEC);
}

static void h_vaesdeclast(CPUX86State *env, X86XMMReg *d, X86XMMReg *s)
{
    (void)env;
    helper_aes(d, s, AES_DECLAST);
}

static void h_vaesimc(CPUX86State *env, X86XMMReg *d, X86XMMReg *s)
{
    (void)env;
    helper_aes(d, s, AES_IMC);
}

static void h_vaeskeygenassist(CPUX86State *env, X86XMMReg *d, X86XMMReg *s,
                               uint32_t imm)
{
    (void)env;
    helper_aeskeygenassist(d, s, imm);
}

static void h_vpclmulqdq(CPUX86State *env, X86XMMReg *d, X86XMMReg *s,
                         uint32_t imm)
{
    (void)env;
    helper_pclmulqdq(d, s, imm);
}

SSEBinFn avx_bin_helper(unsigned m)
{
    switch (m) {
    case ZYDIS_MNEMONIC_VAESENC: return h_vaesenc;
    case ZYDIS_MNEMONIC_VAESENCLAST: return h_vaesenclast;
    case ZYDIS_MNEMONIC_VAESDEC: return h_vaesdec;
    case ZYDIS_MNEMONIC_VAESDECLAST: return h_vaesdeclast;
    case ZYDIS_MNEMONIC_VAESIMC: return h_vaesimc;
    case ZYDIS_MNEMONIC_VPERMILPS: return h_vpermilps_var;
    case ZYDIS_MNEMONIC_VPERMILPD: return h_vpermilpd_var;
    default: return NULL;
    }
}

SSEImmFn avx_imm_helper(unsigned m)
{
    switch (m) {
    case ZYDIS_MNEMONIC_VAESKEYGENASSIST: return h_vaeskeygenassist;
    case ZYDIS_MNEMONIC_VPCLMULQDQ: return h_vpclmulqdq;
    case ZYDIS_MNEMONIC_VCMPPS: return h_vcmpps;
    case ZYDIS_MNEMONIC_VCMPPD: return h_vcmppd;
    case ZYDIS_MNEMONIC_VCMPSS: return h_vcmpss;
    case ZYDIS_MNEMONIC_VCMPSD: return h_vcmpsd;
    case ZYDIS_MNEMONIC_VROUNDPS: return h_vroundps;
    case ZYDIS_MNEMONIC_VROUNDPD: return h_vroundpd;
    case ZYDIS_MNEMONIC_VROUNDSS: return h_vroundss;
    case ZYDIS_MNEMONIC_VROUNDSD: return h_vroundsd;
    case ZYDIS_MNEMONIC_VBLENDPS: return h_blendps;
    case ZYDIS_MNEMONIC_VBLENDPD: return h_blendpd;
    case ZYDIS_MNEMONIC_VPBLENDW: return h_pblendw;
    case ZYDIS_MNEMONIC_VPBLENDD: return h_blendps;
    case ZYDIS_MNEMONIC_VPERMILPS: return h_vpermilps_imm;
    case ZYDIS_MNEMONIC_VPERMILPD: return h_vpermilpd_imm;
    default: return NULL;
    }
}

/* ---- whole-register ops ---- */

void helper_avx_misc(CPUX86State *env, uint32_t op, uint32_t regs,
                     uint32_t imm)
{
    Vec256 a, b, c, r;
    bool ymm = R_YMM(regs);

    vget(env, R_S1(regs), &a);
    vget(env, R_S2(regs), &b);
    vget(env, R_S3(regs), &c);
    memset(&r, 0, sizeof(r));
    switch (op) {
    case AVX_BCAST8:
        memset(r.b, b.b[0], 32);
        break;
    case AVX_BCAST16:
        for (int i = 0; i < 16; i++) {
            r.w[i] = b.w[0];
        }
        break;
    case AVX_BCAST32:
        for (int i = 0; i < 8; i++) {
            r.d[i] = b.d[0];
        }
        break;
    case AVX_BCAST64:
        for (int i = 0; i < 4; i++) {
            r.q[i] = b.q[0];
        }
        break;
    case AVX_BCAST128:
        r.x[0] = r.x[1] = b.x[0];
        break;
    case AVX_PERMQ:
        for (int i = 0; i < 4; i++) {
            r.q[i] = b.q[(imm >> (2 * i)) & 3];
        }
        break;
    case AVX_PERMD:
        /* s1 (vvvv) holds the indices, s2 the data */
        for (int i = 0; i < 8; i++) {
            r.d[i] = b.d[a.d[i] & 7];
        }
        break;
    case AVX_PERM2:
        for (int l = 0; l < 2; l++) {
            unsigned sel = (imm >> (4 * l)) & 15;
            if (sel & 8) {
                r.x[l] = (X86XMMReg){ { 0, 0 } };
            } else {
                r.x[l] = (sel & 2) ? b.x[sel & 1] : a.x[sel & 1];
            }
        }
        break;
    case AVX_BLENDVB:
        for (int i = 0; i < 32; i++) {
            r.b[i] = (c.b[i] & 0x80) ? b.b[i] : a.b[i];
        }
        break;
    case AVX_BLENDVPS:
        for (int i = 0; i < 8; i++) {
            r.d[i] = (c.d[i] >> 31) ? b.d[i] : a.d[i];
        }
        break;
    case AVX_BLENDVPD:
        for (int i = 0; i < 4; i++) {
            r.q[i] = (c.q[i] >> 63) ? b.q[i] : a.q[i];
        }
        break;
    case AVX_SLLVD:
        for (int i = 0; i < 8; i++) {
            r.d[i] = b.d[i] > 31 ? 0 : a.d[i] << b.d[i];
        }
        break;
    case AVX_SRLVD:
        for (int i = 0; i < 8; i++) {
            r.d[i] = b.d[i] > 31 ? 0 : a.d[i] >> b.d[i];
        }
        break;
    case AVX_SRAVD:
        for (int i = 0; i < 8; i++) {
            r.sd[i] = a.sd[i] >> (b.d[i] > 31 ? 31 : b.d[i]);
        }
        break;
    case AVX_SLLVQ:
        for (int i = 0; i < 4; i++) {
            r.q[i] = b.q[i] > 63 ? 0 : a.q[i] << b.q[i];
        }
        break;
    case AVX_SRLVQ:
        for (int i = 0; i < 4; i++) {
            r.q[i] = b.q[i] > 63 ? 0 : a.q[i] >> b.q[i];
        }
        break;
    case AVX_INSERTPS: {
        /* the element comes from a register by imm[7:6], from memory
         * as the one dword loaded */
        uint32_t v = R_S2(regs) == AVX_MEM ? b.d[0] : b.d[(imm >> 6) & 3];
        r.x[0] = a.x[0];
        r.d[(imm >> 4) & 3] = v;
        for (int i = 0; i < 4; i++) {
            if (imm & (1u << i)) {
                r.d[i] = 0;
            }
        }
        break;
    }
    default:
        g_assert_not_reached();
    }
    if (!ymm) {
        r.x[1] = (X86XMMReg){ { 0, 0 } };
    }
    vput(env, R_D(regs), &r, ymm);
}

uint64_t helper_avx_test(CPUX86State *env, uint32_t regs, uint32_t kind)
{
    Vec256 a, b;
    uint64_t and_ = 0, andn = 0, m = ~0ull;
    int n = R_YSRC(regs) ? 4 : 2;

    vget(env, R_S1(regs), &a);
    vget(env, R_S2(regs), &b);
    if (kind == 1) {
        m = 0x8000000080000000ull;
    } else if (kind == 2) {
        m = 0x8000000000000000ull;
    }
    for (int i = 0; i < n; i++) {
        and_ |= a.q[i] & b.q[i] & m;
        andn |= ~a.q[i] & b.q[i] & m;
    }
    return (and_ ? 0 : CC_Z) | (andn ? 0 : CC_C);
}

uint64_t helper_avx_movmsk(CPUX86State *env, uint32_t regs, uint32_t kind)
{
    Vec256 a;
    uint64_t r = 0;
    int n = R_YSRC(regs) ? 32 : 16;

    vget(env, R_S2(regs), &a);
    if (kind == 0) {
        for (int i = 0; i < n; i++) {
            r |= (uint64_t)(a.b[i] >> 7) << i;
        }
    } else if (kind == 1) {
        for (int i = 0; i < n / 4; i++) {
            r |= (uint64_t)(a.d[i] >> 31) << i;
        }
    } else {
        for (int i = 0; i < n / 8; i++) {
            r |= (a.q[i] >> 63) << i;
        }
    }
    return r;
}

/* ---- FMA: the host runs the same form with the same operand roles, so
 * the single rounding, the NaN chosen and the flags are the hardware's */

typedef void (*FMAFn)(v4di *a, v4di b, v4di c);

#define FMA_DEF(name)                                                     \
    static void fma_##name(v4di *a, v4di b, v4di c)                       \
    {                                                                     \
        v2di x = { (*a)[0], (*a)[1] }, y = { b[0], b[1] },                \
             z = { c[0], c[1] };                                          \
        asm volatile(#name " %2, %1, %0" : "+x"(x) : "x"(y), "x"(z));     \
        (*a)[0] = x[0];                                                   \
        (*a)[1] = x[1];                                                   \
    }                                                                     \
    static void fma_##name##_y(v4di *a, v4di b, v4di c)                   \
    {                                                                     \
        asm volatile(#name " %2, %1, %0" : "+x"(*a) : "x"(b), "x"(c));    \
    }
#define FMA_SCALAR(name)                                                  \
    static void fma_##name(v4di *a, v4di b, v4di c)                       \
    {                                                                     \
        v2di x = { (*a)[0], (*a)[1] }, y = { b[0], b[1] },                \
             z = { c[0], c[1] };                                          \
        asm volatile(#name " %2, %1, %0" : "+x"(x) : "x"(y), "x"(z));     \
        (*a)[0] = x[0];                                                   \
        (*a)[1] = x[1];                                                   \
    }

#define FMA_ORDERS(X, op, t) X(op##132##t) X(op##213##t) X(op##231##t)
#define FMA_PACKED(X) \
    FMA_ORDERS(X, vfmadd, ps) FMA_ORDERS(X, vfmadd, pd) \
    FMA_ORDERS(X, vfmsub, ps) FMA_ORDERS(X, vfmsub, pd) \
    FMA_ORDERS(X, vfnmadd, ps) FMA_ORDERS(X, vfnmadd, pd) \
    FMA_ORDERS(X, vfnmsub, ps) FMA_ORDERS(X, vfnmsub, pd) \
    FMA_ORDERS(X, vfmaddsub, ps) FMA_ORDERS(X, vfmaddsub, pd) \
    FMA_ORDERS(X, vfmsubadd, ps) FMA_ORDERS(X, vfmsubadd, pd)
#define FMA_SCALARS(X) \
    FMA_ORDERS(X, vfmadd, ss) FMA_ORDERS(X, vfmadd, sd) \
    FMA_ORDERS(X, vfmsub, ss) FMA_ORDERS(X, vfmsub, sd) \
    FMA_ORDERS(X, vfnmadd, ss) FMA_ORDERS(X, vfnmadd, sd) \
    FMA_ORDERS(X, vfnmsub, ss) FMA_ORDERS(X, vfnmsub, sd)

FMA_PACKED(FMA_DEF)
FMA_SCALARS(FMA_SCALAR)

static const struct {
    const char *name;
    FMAFn f128, f256;
} fma_table[] = {
#define FMA_ENT_P(name) { #name, fma_##name, fma_##name##_y },
#define FMA_ENT_S(name) { #name, fma_##name, NULL },
    FMA_PACKED(FMA_ENT_P)
    FMA_SCALARS(FMA_ENT_S)
};

int avx_fma_index(const char *mnemonic)
{
    for (size_t i = 0; i < ARRAY_SIZE(fma_table); i++) {
        if (!strcmp(fma_table[i].name, mnemonic)) {
            return (int)i;
        }
    }
    return -1;
}

void helper_avx_fma(CPUX86State *env, uint32_t idx, uint32_t regs)
{
    Vec256 a, b, c;
    bool ymm = R_YMM(regs);
    uint32_t host;

    g_assert(idx < ARRAY_SIZE(fma_table));
    vget(env, R_D(regs), &a);
    vget(env, R_S2(regs), &b);
    vget(env, R_S3(regs), &c);
    host = sse_fp_enter(env);
    if (ymm && fma_table[idx].f256) {
        fma_table[idx].f256(&a.v, b.v, c.v);
    } else {
        fma_table[idx].f128(&a.v, b.v, c.v);
    }
    sse_fp_leave(env, host, GETPC());
    vput(env, R_D(regs), &a, ymm);
}

/* ---- F16C ---- */

void helper_avx_cvtph2ps(CPUX86State *env, uint32_t regs)
{
    Vec256 s, r;
    v2di x;
    uint32_t host;
    bool ymm = R_YMM(regs);

    vget(env, R_S2(regs), &s);
    memcpy(&x, s.b, 16);
    host = sse_fp_enter(env);
    if (ymm) {
        asm volatile("vcvtph2ps %1, %0" : "=x"(r.v) : "x"(x));
    } else {
        v2di y;
        asm volatile("vcvtph2ps %1, %0" : "=x"(y) : "x"(x));
        memset(&r, 0, sizeof(r));
        memcpy(r.b, &y, 16);
    }
    sse_fp_leave(env, host, GETPC());
    vput(env, R_D(regs), &r, ymm);
}

/* Result into vex_t1 (16 bytes, the upper half zero for a 128 source) */
void helper_avx_cvtps2ph(CPUX86State *env, uint32_t regs, uint32_t imm)
{
    Vec256 s;
    v2di y = { 0, 0 };
    uint32_t host;

    vget(env, R_S2(regs), &s);
    host = sse_fp_enter(env);
    if (R_YSRC(regs)) {
        switch (imm & 7) {
#define CV(n) case n: asm volatile("vcvtps2ph $" #n ", %1, %0" : "=x"(y) \
                                   : "x"(s.v)); break;
        CV(0) CV(1) CV(2) CV(3) CV(4) CV(5) CV(6)
        default: asm volatile("vcvtps2ph $7, %1, %0" : "=x"(y) : "x"(s.v));
#undef CV
        }
    } else {
        v2di x;
        memcpy(&x, s.b, 16);
        switch (imm & 7) {
#define CV(n) case n: asm volatile("vcvtps2ph $" #n ", %1, %0" : "=x"(y) \
                                   : "x"(x)); break;
        CV(0) CV(1) CV(2) CV(3) CV(4) CV(5) CV(6)
        default: asm volatile("vcvtps2ph $7, %1, %0" : "=x"(y) : "x"(x));
#undef CV
        }
    }
    sse_fp_leave(env, host, GETPC());
    memcpy(&env->vex_t1[0], &y, 16);
    env->vex_t1[1] = (X86XMMReg){ { 0, 0 } };
}

/* ---- VMASKMOV / VPMASKMOV: only the selected elements are accessed,
 * so a masked-off element on an unmapped page does not fault ---- */

void helper_avx_maskmov(CPUX86State *env, uint64_t addr, uint32_t desc,
                        uint32_t mmu_idx)
{
    uintptr_t ra = GETPC();
    bool ymm = R_YMM(desc), q = desc & (1u << 27), store = desc & (1u << 26);
    unsigned esz = q ? 8 : 4, n = (ymm ? 32 : 16) / esz;
    MemOp mo = q ? MO_64 : MO_32;
    Vec256 m, v, r;

    vget(env, R_S1(desc), &m);
    vget(env, R_S2(desc), &v);
    memset(&r, 0, sizeof(r));
    if (store) {
        /* every selected element is checked before any is written */
        for (unsigned i = 0; i < n; i++) {
            if (q ? (m.q[i] >> 63) : (m.d[i] >> 31)) {
                probe_access(env_cpu(env), addr + i * esz, (int)esz,
                             MMU_DATA_STORE, mmu_idx, ra);
            }
        }
    }
    for (unsigned i = 0; i < n; i++) {
        uint64_t a = addr + i * esz;
        if (!(q ? (m.q[i] >> 63) : (m.d[i] >> 31))) {
            continue;
        }
        if (store) {
            cpu_st_mmu(env_cpu(env), a, q ? v.q[i] : v.d[i],
                       make_memop_idx(mo, mmu_idx), ra);
        } else if (q) {
            r.q[i] = cpu_ld_mmu(env_cpu(env), a, make_memop_idx(mo, mmu_idx),
                                ra);
        } else {
            r.d[i] = (uint32_t)cpu_ld_mmu(env_cpu(env), a,
                                          make_memop_idx(mo, mmu_idx), ra);
        }
    }
    if (!store) {
        vput(env, R_D(desc), &r, ymm);
    }
}

/* ---- AVX2 gathers ---- */

void helper_avx_gather(CPUX86State *env, uint64_t base, uint32_t desc,
                       uint32_t mmu_idx)
{
    uintptr_t ra = GETPC();
    unsigned d = R_D(desc), ir = R_S1(desc), mr = R_S3(desc);
    unsigned scale = (desc >> 24) & 3;
    bool qidx = desc & (1u << 26), qelem = desc & (1u << 27);
    bool a32 = desc & (1u << 28), ymm = R_YMM(desc);
    unsigned seg = (desc >> 29) & 7;
    unsigned vbytes = ymm ? 32 : 16;
    /* elements: limited by the index vector and by the data vector */
    unsigned nidx = (R_YSRC(desc) ? 32 : 16) / (qidx ? 8 : 4);
    unsigned nel = MIN(nidx, vbytes / (qelem ? 8 : 4));
    Vec256 idx, dst, mask;

    vget(env, ir, &idx);
    for (unsigned i = 0; i < nel; i++) {
        uint64_t addr;
        int64_t ix = qidx ? idx.sq[i] : idx.sd[i];
        bool on;

        vget(env, mr, &mask);
        on = qelem ? (mask.q[i] >> 63) : (mask.d[i] >> 31);
        if (!on) {
            continue;
        }
        addr = base + ((uint64_t)ix << scale);
        if (a32) {
            addr = (uint32_t)addr;
        }
        if (!(env->hflags & HF_CS64) || seg >= R_FS) {
            addr += env->segs[seg].base;
        }
        if (!(env->hflags & HF_CS64)) {
            addr = (uint32_t)addr;
        }
        /* each element completes (data and its mask bit) before the
         * next can fault, as the SDM has it */
        vget(env, d, &dst);
        if (qelem) {
            dst.q[i] = cpu_ld_mmu(env_cpu(env), addr,
                                  make_memop_idx(MO_64, mmu_idx), ra);
            mask.q[i] = 0;
        } else {
            dst.d[i] = (uint32_t)cpu_ld_mmu(env_cpu(env), addr,
                                            make_memop_idx(MO_32, mmu_idx),
                                            ra);
            mask.d[i] = 0;
        }
        env->xmm[d] = dst.x[0];
        env->ymmh[d] = dst.x[1];
        env->xmm[mr] = mask.x[0];
        env->ymmh[mr] = mask.x[1];
    }
    /* done: the whole mask is cleared, bits beyond the elements too */
    vget(env, d, &dst);
    for (unsigned i = nel * (qelem ? 8 : 4); i < 32; i++) {
        dst.b[i] = 0;
    }
    vput(env, d, &dst, true);
    env->xmm[mr] = (X86XMMReg){ { 0, 0 } };
    env->ymmh[mr] = (X86XMMReg){ { 0, 0 } };
}
