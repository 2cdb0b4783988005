/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SSE4.1 ops with an immediate or an implicit operand. The integer and
 * bit-moving ones are plain C (exact by definition); ROUND* and DP* run
 * the host's own instruction under the guest's MXCSR with host
 * exceptions masked, like sse_helper.c, so rounding, NaN propagation,
 * denormals and the flags raised are the hardware's. The immediate must
 * be part of the host instruction, hence one case per value.
 */
#include "util/osdep.h"
#include "target/i386/tcg/tcg-cpu.h"
#include "target/i386/tcg/sse41_helper.h"

typedef long long v2di __attribute__((vector_size(16)));

#define CR4_OSXMMEXCPT (1u << 10)

static uint32_t fp_begin(CPUX86State *env)
{
    uint32_t host, guest = (env->mxcsr & ~0x3fu) | 0x1f80;

    asm volatile("stmxcsr %0" : "=m"(host));
    asm volatile("ldmxcsr %0" : : "m"(guest));
    return host;
}

/* Fold the flags raised into the guest MXCSR; an unmasked one faults
 * (#XM, or #UD without CR4.OSXMMEXCPT) before the result is written. */
static void fp_end(CPUX86State *env, uint32_t host, uintptr_t ra)
{
    uint32_t cur, flags;

    asm volatile("stmxcsr %0" : "=m"(cur));
    asm volatile("ldmxcsr %0" : : "m"(host));
    flags = cur & 0x3f;
    env->mxcsr |= flags;
    if (flags & ~(env->mxcsr >> 7) & 0x3f) {
        raise_exception_ra(env, (env->cr[4] & CR4_OSXMMEXCPT) ? EXCP13_XMM
                                                               : EXCP06_ILLOP,
                           ra);
    }
}

uint64_t helper_ptest(X86XMMReg *d, X86XMMReg *s)
{
    uint64_t f = 0;

    if (!((d->q[0] & s->q[0]) | (d->q[1] & s->q[1]))) {
        f |= CC_Z;
    }
    if (!((~d->q[0] & s->q[0]) | (~d->q[1] & s->q[1]))) {
        f |= CC_C;
    }
    return f;
}

void helper_blendv(CPUX86State *env, X86XMMReg *d, X86XMMReg *s,
                   uint32_t elem)
{
    uint8_t a[16], b[16], m[16];

    memcpy(a, d, 16);
    memcpy(b, s, 16);
    memcpy(m, &env->xmm[0], 16);
    /* the mask is the top bit of each element of XMM0 */
    for (unsigned i = 0; i < 16; i += elem) {
        if (m[i + elem - 1] & 0x80) {
            memcpy(a + i, b + i, elem);
        }
    }
    memcpy(d, a, 16);
}

void helper_phminposuw(X86XMMReg *d, X86XMMReg *s)
{
    uint16_t w[8];
    unsigned best = 0;

    memcpy(w, s, 16);
    for (unsigned i = 1; i < 8; i++) {
        if (w[i] < w[best]) {
            best = i;
        }
    }
    d->q[0] = w[best] | ((uint64_t)best << 16);
    d->q[1] = 0;
}

static void blend(X86XMMReg *d, X86XMMReg *s, uint32_t imm, unsigned elem)
{
    uint8_t a[16], b[16];

    memcpy(a, d, 16);
    memcpy(b, s, 16);
    for (unsigned i = 0; i < 16 / elem; i++) {
        if (imm & (1u << i)) {
            memcpy(a + i * elem, b + i * elem, elem);
        }
    }
    memcpy(d, a, 16);
}

static void mpsadbw(X86XMMReg *d, X86XMMReg *s, uint32_t imm)
{
    uint8_t a[16], b[16];
    uint16_t out[8];
    unsigned aoff = (imm & 4) ? 4 : 0, boff = (imm & 3) * 4;

    memcpy(a, d, 16);
    memcpy(b, s, 16);
    for (unsigned i = 0; i < 8; i++) {
        unsigned sum = 0;
        for (unsigned j = 0; j < 4; j++) {
            int diff = a[aoff + i + j] - b[boff + j];
            sum += diff < 0 ? -diff : diff;
        }
        out[i] = sum;
    }
    memcpy(d, out, 16);
}

/* INSERTPS: the source element (imm[7:6] of a register; a memory operand
 * is the element itself) goes to imm[5:4], then imm[3:0] zeroes. */
static void insertps(X86XMMReg *d, X86XMMReg *s, uint32_t imm, bool mem)
{
    uint32_t a[4], b[4], v;

    memcpy(a, d, 16);
    memcpy(b, s, 16);
    v = mem ? b[0] : b[(imm >> 6) & 3];
    a[(imm >> 4) & 3] = v;
    for (unsigned i = 0; i < 4; i++) {
        if (imm & (1u << i)) {
            a[i] = 0;
        }
    }
    memcpy(d, a, 16);
}

#define C16(X, h) X(h * 16 + 0) X(h * 16 + 1) X(h * 16 + 2) X(h * 16 + 3) \
    X(h * 16 + 4) X(h * 16 + 5) X(h * 16 + 6) X(h * 16 + 7)                 \
    X(h * 16 + 8) X(h * 16 + 9) X(h * 16 + 10) X(h * 16 + 11)               \
    X(h * 16 + 12) X(h * 16 + 13) X(h * 16 + 14) X(h * 16 + 15)
#define C256(X) C16(X, 0) C16(X, 1) C16(X, 2) C16(X, 3) C16(X, 4) C16(X, 5) \
    C16(X, 6) C16(X, 7) C16(X, 8) C16(X, 9) C16(X, 10) C16(X, 11)           \
    C16(X, 12) C16(X, 13) C16(X, 14) C16(X, 15)

#define ROUNDPS(n) case n: asm volatile("roundps $" #n ", %1, %0" \
    : "+x"(a) : "x"(b)); break;
#define ROUNDPD(n) case n: asm volatile("roundpd $" #n ", %1, %0" \
    : "+x"(a) : "x"(b)); break;
#define ROUNDSS(n) case n: asm volatile("roundss $" #n ", %1, %0" \
    : "+x"(a) : "x"(b)); break;
#define ROUNDSD(n) case n: asm volatile("roundsd $" #n ", %1, %0" \
    : "+x"(a) : "x"(b)); break;
#define DPPS(n) case n: asm volatile("dpps $" #n ", %1, %0" \
    : "+x"(a) : "x"(b)); break;
#define DPPD(n) case n: asm volatile("dppd $" #n ", %1, %0" \
    : "+x"(a) : "x"(b)); break;

static void fp_op(CPUX86State *env, X86XMMReg *d, X86XMMReg *s,
                  uint32_t imm, uint32_t kind, uintptr_t ra)
{
    v2di a, b;
    uint32_t host;

    memcpy(&a, d, 16);
    memcpy(&b, s, 16);
    host = fp_begin(env);
    /* ROUND* only look at imm[3:0]; the rest is reserved and ignored */
    switch (kind) {
    case SSE41_ROUNDPS:
        switch (imm & 15) { C16(ROUNDPS, 0) }
        break;
    case SSE41_ROUNDPD:
        switch (imm & 15) { C16(ROUNDPD, 0) }
        break;
    case SSE41_ROUNDSS:
        switch (imm & 15) { C16(ROUNDSS, 0) }
        break;
    case SSE41_ROUNDSD:
        switch (imm & 15) { C16(ROUNDSD, 0) }
        break;
    case SSE41_DPPS:
        switch (imm & 255) { C256(DPPS) }
        break;
    default:
        switch (imm & 255) { C256(DPPD) }
        break;
    }
    fp_end(env, host, ra);
    memcpy(d, &a, 16);
}

void helper_sse41_imm(CPUX86State *env, X86XMMReg *d, X86XMMReg *s,
                      uint32_t imm, uint32_t kind)
{
    switch (kind) {
    case SSE41_PBLENDW:
        blend(d, s, imm, 2);
        break;
    case SSE41_BLENDPS:
        blend(d, s, imm, 4);
        break;
    case SSE41_BLENDPD:
        blend(d, s, imm, 8);
        break;
    case SSE41_MPSADBW:
        mpsadbw(d, s, imm);
        break;
    case SSE41_INSERTPS_REG:
    case SSE41_INSERTPS_MEM:
        insertps(d, s, imm, kind == SSE41_INSERTPS_MEM);
        break;
    default:
        fp_op(env, d, s, imm, kind, GETPC());
        break;
    }
}
