/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VEX-encoded AVX/AVX2/FMA/F16C: what translate-avx.c and avx_helper.c
 * agree on. Vector operands are passed as register numbers 0..15 or
 * AVX_MEM for env->vex_t0, where the translator loaded a memory operand
 * (zero-filled to 256 bits). A YMM register is env->xmm[n] (bits 127:0)
 * and env->ymmh[n] (bits 255:128).
 */
#ifndef KEMU_I386_TCG_AVX_H
#define KEMU_I386_TCG_AVX_H

#include "target/i386/tcg/tcg-cpu.h"
#include "target/i386/tcg/helper.h"

#define AVX_MEM 16

/* regs word: d | s1 << 5 | s2 << 10 | s3 << 15 | (256-bit dest) << 20 |
 * (256-bit source) << 21 */
#define AVX_REGS(d, s1, s2, s3, ymm, ysrc) \
    ((uint32_t)(d) | (uint32_t)(s1) << 5 | (uint32_t)(s2) << 10 | \
     (uint32_t)(s3) << 15 | (uint32_t)!!(ymm) << 20 | \
     (uint32_t)!!(ysrc) << 21)

/* helper_avx_misc operations (no FP exceptions) */
enum {
    AVX_BCAST8, AVX_BCAST16, AVX_BCAST32, AVX_BCAST64, AVX_BCAST128,
    AVX_PERMQ,          /* VPERMQ/VPERMPD ymm, ymm/m256, imm */
    AVX_PERMD,          /* VPERMD/VPERMPS ymm, ymm(idx), ymm/m256 */
    AVX_PERM2,          /* VPERM2F128/I128 */
    AVX_BLENDVB, AVX_BLENDVPS, AVX_BLENDVPD,   /* s3 is the mask */
    AVX_SLLVD, AVX_SLLVQ, AVX_SRLVD, AVX_SRLVQ, AVX_SRAVD,
    AVX_INSERTPS,
};
void helper_avx_misc(CPUX86State *env, uint32_t op, uint32_t regs,
                     uint32_t imm);
/* kind: 0 vptest, 1 vtestps, 2 vtestpd; ZF/CF (EFLAGS form) */
uint64_t helper_avx_test(CPUX86State *env, uint32_t regs, uint32_t kind);
/* kind: 0 vpmovmskb, 1 vmovmskps, 2 vmovmskpd */
uint64_t helper_avx_movmsk(CPUX86State *env, uint32_t regs, uint32_t kind);
/* #GP(0) unless addr & align_mask is 0; a store probes len bytes first.
 * desc: len | align_mask << 8 | mmu_idx << 16 | is_store << 24 */
void helper_avx_access(CPUX86State *env, uint64_t addr, uint32_t desc);
/* FMA: table index from avx_fma_index(), regs d, s2 (vvvv), s3 (r/m) */
int avx_fma_index(const char *mnemonic);
void helper_avx_fma(CPUX86State *env, uint32_t idx, uint32_t regs);
/* F16C: VCVTPH2PS (into d) and VCVTPS2PH (into vex_t1, the translator
 * stores or moves it) */
void helper_avx_cvtph2ps(CPUX86State *env, uint32_t regs);
void helper_avx_cvtps2ph(CPUX86State *env, uint32_t regs, uint32_t imm);
/* Lane helpers for ops legacy SSE has no helper for (same shape as
 * sse_helper.c's), by mnemonic */
SSEBinFn avx_bin_helper(unsigned mnemonic);
SSEImmFn avx_imm_helper(unsigned mnemonic);
/* AVX2 gathers: d (dest), s3 mask register; the address of element i is
 * base + index[i] * scale, index register in s1. desc: AVX_REGS plus
 * bits 24-25 log2 scale, bit 26 qword indices, bit 27 qword elements,
 * bit 28 address size 32, bits 29-31 the segment; base is the
 * effective address without the index */
void helper_avx_gather(CPUX86State *env, uint64_t base, uint32_t desc,
                       uint32_t mmu_idx);
/* VMASKMOVPS/PD, VPMASKMOVD/Q: s1 the mask, s2 the data (stores), d
 * the destination (loads); desc: AVX_REGS, bit 26 store, bit 27 qword */
void helper_avx_maskmov(CPUX86State *env, uint64_t addr, uint32_t desc,
                        uint32_t mmu_idx);
/* tcg-features.c: the host offers what the AVX helpers execute (they
 * run the host's own AVX2/FMA/F16C instructions) */
bool avx_host_ok(void);

#endif
