/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SSE helpers' plumbing: the guest's MXCSR (rounding, FTZ) is in
 * force while a helper runs, the exception flags it raises land in the
 * guest's MXCSR, the host's MXCSR is left as it was, and the C-coded
 * immediate forms (shuffles, byte shifts, compares) agree with the host
 * instructions.
 */
#include "util/osdep.h"
#include <Zydis/Zydis.h>
#include <immintrin.h>
#include <math.h>
#include "target/i386/tcg/tcg-cpu.h"
#include "target/i386/tcg/helper.h"

static CPUX86State env;

static uint32_t host_mxcsr(void)
{
    uint32_t m;
    asm volatile("stmxcsr %0" : "=m"(m));
    return m;
}

static void set_f32(X86XMMReg *r, float a, float b, float c, float d)
{
    float v[4] = { a, b, c, d };
    memcpy(r, v, 16);
}

static float get_f32(const X86XMMReg *r, int i)
{
    float v[4];
    memcpy(v, r, 16);
    return v[i];
}

static void test_rounding_and_flags(void)
{
    SSEBinFn add = sse_bin_helper(ZYDIS_MNEMONIC_ADDSS);
    SSEBinFn div = sse_bin_helper(ZYDIS_MNEMONIC_DIVSS);
    X86XMMReg a, b;
    uint32_t before = host_mxcsr();

    g_assert_nonnull(add);
    g_assert_nonnull(div);

    /* 1 + 2^-30 is inexact in single precision: round up vs nearest */
    memset(&env, 0, sizeof(env));
    env.cr[4] = 1u << 10;
    env.mxcsr = 0x1f80;                          /* nearest, all masked */
    set_f32(&a, 1.0f, 5.0f, 6.0f, 7.0f);
    set_f32(&b, 0x1p-30f, 0, 0, 0);
    add(&env, &a, &b);
    g_assert_true(get_f32(&a, 0) == 1.0f);
    g_assert_true(get_f32(&a, 1) == 5.0f);       /* upper lanes kept */
    g_assert_cmphex(env.mxcsr & 0x3f, ==, 0x20); /* PE */

    env.mxcsr = 0x1f80 | (2u << 13);             /* round up */
    set_f32(&a, 1.0f, 0, 0, 0);
    add(&env, &a, &b);
    g_assert_true(get_f32(&a, 0) == 1.0f + 0x1p-23f);

    /* divide by zero: masked, flag collected, infinity */
    env.mxcsr = 0x1f80;
    set_f32(&a, 1.0f, 0, 0, 0);
    set_f32(&b, 0.0f, 0, 0, 0);
    div(&env, &a, &b);
    g_assert_true(isinf(get_f32(&a, 0)));
    g_assert_cmphex(env.mxcsr & 0x3f, ==, 0x04); /* ZE */

    /* FTZ: a denormal result flushes to zero */
    env.mxcsr = 0x1f80 | 0x8000;
    set_f32(&a, 0x1p-126f, 0, 0, 0);
    set_f32(&b, -0x1.8p-127f, 0, 0, 0);
    add(&env, &a, &b);
    g_assert_true(get_f32(&a, 0) == 0.0f);

    /* the host's own MXCSR is untouched */
    g_assert_cmphex(host_mxcsr(), ==, before);
}

static void test_comi(void)
{
    X86XMMReg a, b;

    memset(&env, 0, sizeof(env));
    env.mxcsr = 0x1f80;
    set_f32(&a, 1.0f, 0, 0, 0);
    set_f32(&b, 2.0f, 0, 0, 0);
    g_assert_cmphex(helper_sse_comi(&env, &a, &b, 0), ==, CC_C);
    g_assert_cmphex(helper_sse_comi(&env, &b, &a, 0), ==, 0);
    g_assert_cmphex(helper_sse_comi(&env, &a, &a, 1), ==, CC_Z);
    set_f32(&b, NAN, 0, 0, 0);
    g_assert_cmphex(helper_sse_comi(&env, &a, &b, 0), ==, CC_Z | CC_P | CC_C);
    /* a quiet NaN raises IE for COMISS, not for UCOMISS */
    env.mxcsr = 0x1f80;
    helper_sse_comi(&env, &a, &b, 0);
    g_assert_cmphex(env.mxcsr & 1, ==, 0);
    helper_sse_comi(&env, &a, &b, 1);
    g_assert_cmphex(env.mxcsr & 1, ==, 1);
}

static void test_imm_forms(void)
{
    GRand *r = g_rand_new();
    X86XMMReg d, s, want;

    memset(&env, 0, sizeof(env));
    env.mxcsr = 0x1f80;
    for (int n = 0; n < 2000; n++) {
        __m128i hd, hs, hr;
        for (int i = 0; i < 4; i++) {
            ((uint32_t *)&d)[i] = g_rand_int(r);
            ((uint32_t *)&s)[i] = g_rand_int(r);
        }
        memcpy(&hd, &d, 16);
        memcpy(&hs, &s, 16);

        /* the immediates are compile-time constants on the host */
        hr = _mm_shuffle_epi32(hs, 0x1b);
        memcpy(&want, &hr, 16);
        X86XMMReg t = d;
        sse_imm_helper(ZYDIS_MNEMONIC_PSHUFD)(&env, &t, &s, 0x1b);
        g_assert_cmpmem(&t, 16, &want, 16);

        hr = _mm_castps_si128(_mm_shuffle_ps(_mm_castsi128_ps(hd),
                                             _mm_castsi128_ps(hs), 0x4e));
        memcpy(&want, &hr, 16);
        t = d;
        sse_imm_helper(ZYDIS_MNEMONIC_SHUFPS)(&env, &t, &s, 0x4e);
        g_assert_cmpmem(&t, 16, &want, 16);

        hr = _mm_slli_si128(hd, 5);
        memcpy(&want, &hr, 16);
        t = d;
        helper_sse_shift_imm(&env, &t, 5, 8);
        g_assert_cmpmem(&t, 16, &want, 16);

        hr = _mm_srli_si128(hd, 11);
        memcpy(&want, &hr, 16);
        t = d;
        helper_sse_shift_imm(&env, &t, 11, 9);
        g_assert_cmpmem(&t, 16, &want, 16);

        hr = _mm_srai_epi16(hd, 3);
        memcpy(&want, &hr, 16);
        t = d;
        helper_sse_shift_imm(&env, &t, 3, 6);
        g_assert_cmpmem(&t, 16, &want, 16);

        hr = _mm_castps_si128(_mm_cmplt_ps(_mm_castsi128_ps(hd),
                                           _mm_castsi128_ps(hs)));
        memcpy(&want, &hr, 16);
        t = d;
        sse_imm_helper(ZYDIS_MNEMONIC_CMPPS)(&env, &t, &s, 1);
        g_assert_cmpmem(&t, 16, &want, 16);

        g_assert_cmphex(helper_sse_movmsk(&d, 0), ==,
                        (uint32_t)_mm_movemask_epi8(hd));
    }
    g_rand_free(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/x86-sse/rounding-and-flags", test_rounding_and_flags);
    g_test_add_func("/x86-sse/comi", test_comi);
    g_test_add_func("/x86-sse/imm-forms", test_imm_forms);
    return g_test_run();
}
