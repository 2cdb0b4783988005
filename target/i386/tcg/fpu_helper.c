/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x87 register stack helpers. env->fpregs[i] is ST(i) (the order of the
 * FXSAVE image); the abridged tag byte has one bit per physical
 * register, ST(0) being physical register fpstt.
 */
#include "util/osdep.h"
#include "target/i386/tcg/tcg-cpu.h"
#include "target/i386/tcg/helper.h"

#define FSW_IE 0x0001
#define FSW_SF 0x0040
#define FSW_C1 0x0200
#define FCW_IM 0x0001

/* An integer as an 80-bit extended value: always exact (64-bit
 * mantissa with its explicit integer bit). */
static X86FPReg int_to_ext(int64_t v)
{
    X86FPReg r = { 0, 0 };
    uint64_t mag;
    int msb;

    if (v == 0) {
        return r;
    }
    mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
    msb = 63 - __builtin_clzll(mag);
    r.mant = mag << (63 - msb);
    r.exp = (16383 + msb) | (v < 0 ? 0x8000 : 0);
    return r;
}

static void fpush(CPUX86State *env, X86FPReg v)
{
    unsigned top = (env->fpstt - 1) & 7;

    if (env->fptag_abridged & (1u << top)) {
        /* stack overflow: masked, the indefinite QNaN goes in */
        env->fpus |= FSW_IE | FSW_SF | FSW_C1;
        if (!(env->fpuc & FCW_IM)) {
            return;
        }
        v.mant = 0xc000000000000000ull;
        v.exp = 0xffff;
    } else {
        env->fpus &= ~FSW_C1;
    }
    memmove(&env->fpregs[1], &env->fpregs[0], 7 * sizeof(X86FPReg));
    env->fpregs[0] = v;
    env->fpstt = top;
    env->fptag_abridged |= 1u << top;
}

void helper_fild(CPUX86State *env, uint64_t val, uint32_t bits)
{
    int64_t v = bits == 16 ? (int16_t)val : bits == 32 ? (int32_t)val
                                                       : (int64_t)val;
    fpush(env, int_to_ext(v));
}
