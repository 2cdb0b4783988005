/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers of the SSE4.1 ops translate-sse41.c hands over (sse41_helper.c):
 * d is the destination XMM register in env, s the source (a register or
 * env->xmm_t0 holding the memory operand), imm the immediate byte.
 */
#ifndef KEMU_I386_SSE41_HELPER_H
#define KEMU_I386_SSE41_HELPER_H

#include "target/i386/tcg/tcg-cpu.h"

/* PTEST: ZF and CF in EFLAGS form (the other arithmetic flags clear) */
uint64_t helper_ptest(X86XMMReg *d, X86XMMReg *s);
/* BLENDVPS/BLENDVPD/PBLENDVB with XMM0 as the mask; elem 4, 8 or 1 */
void helper_blendv(CPUX86State *env, X86XMMReg *d, X86XMMReg *s,
                   uint32_t elem);
/* kind: SSE41_* below */
void helper_sse41_imm(CPUX86State *env, X86XMMReg *d, X86XMMReg *s,
                      uint32_t imm, uint32_t kind);
/* PHMINPOSUW */
void helper_phminposuw(X86XMMReg *d, X86XMMReg *s);

enum {
    SSE41_PBLENDW, SSE41_BLENDPS, SSE41_BLENDPD, SSE41_MPSADBW,
    SSE41_INSERTPS_REG, SSE41_INSERTPS_MEM,
    /* on the host's FPU, under the guest's MXCSR */
    SSE41_ROUNDPS, SSE41_ROUNDPD, SSE41_ROUNDSS, SSE41_ROUNDSD,
    SSE41_DPPS, SSE41_DPPD,
};

#endif
