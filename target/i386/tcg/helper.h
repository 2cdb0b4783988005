/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers of the x86 front end (cc_helper.c, eflags.c, int_helper.c,
 * translate-string.c's I/O): C code that translated code calls for what
 * is awkward in TCG ops. Helpers that operate on flags expect them in
 * CC_OP_EFLAGS form (the translator materializes them first) and leave
 * them so. 'bits' is the operand size (8, 16, 32, 64).
 */
#ifndef KEMU_I386_TCG_HELPER_H
#define KEMU_I386_TCG_HELPER_H

#include "target/i386/tcg/tcg-cpu.h"

/* cc_helper.c: OSZAPC / CF from the lazy state given as values */
uint64_t helper_cc_compute_all(uint64_t dst, uint64_t src, uint64_t src2,
                               uint32_t op);
uint64_t helper_cc_compute_c(uint64_t dst, uint64_t src, uint64_t src2,
                             uint32_t op);

/* eflags.c */
uint64_t helper_read_eflags(CPUX86State *env);
/* POPF/IRET-style write of the bits in mask (recomputes hflags) */
void helper_write_eflags(CPUX86State *env, uint64_t val, uint32_t mask);

/* int_helper.c: DIV/IDIV on rAX/rDX by divisor, #DE on overflow/zero */
void helper_div(CPUX86State *env, uint64_t divisor, uint32_t bits);
void helper_idiv(CPUX86State *env, uint64_t divisor, uint32_t bits);
/* RCL/RCR/SHLD/SHRD: result; OSZAPC in env->cc_src (EFLAGS form) */
uint64_t helper_rcl(CPUX86State *env, uint64_t val, uint64_t count,
                    uint32_t bits);
uint64_t helper_rcr(CPUX86State *env, uint64_t val, uint64_t count,
                    uint32_t bits);
uint64_t helper_shld(CPUX86State *env, uint64_t dst, uint64_t src,
                     uint64_t count, uint32_t bits);
uint64_t helper_shrd(CPUX86State *env, uint64_t dst, uint64_t src,
                     uint64_t count, uint32_t bits);
/* BMI2 */
uint64_t helper_pdep(uint64_t src, uint64_t mask);
uint64_t helper_pext(uint64_t src, uint64_t mask);
/* BCD: operate on AL/AH and the flags in EFLAGS form */
void helper_daa(CPUX86State *env);
void helper_das(CPUX86State *env);
void helper_aaa(CPUX86State *env);
void helper_aas(CPUX86State *env);
void helper_aam(CPUX86State *env, uint32_t base);
void helper_aad(CPUX86State *env, uint32_t base);
/* CMPXCHG8B/16B without LOCK and with it: compares rDX:rAX with the
 * memory at addr, ZF in cc_src (EFLAGS form) */
void helper_cmpxchg8b(CPUX86State *env, uint64_t addr, uint32_t mmu_idx,
                      uint32_t locked);
void helper_cmpxchg16b(CPUX86State *env, uint64_t addr, uint32_t mmu_idx,
                       uint32_t locked);
/* BOUND: #BR unless lower <= index <= upper (signed, bits 16/32) */
void helper_bound(CPUX86State *env, uint64_t index, uint64_t addr,
                  uint32_t mmu_idx, uint32_t bits);

/* fxsave_helper.c: the 512-byte image at addr (16-byte aligned, #GP) */
void helper_fxsave(CPUX86State *env, uint64_t addr, uint32_t mmu_idx,
                   uint32_t rex_w);
void helper_fxrstor(CPUX86State *env, uint64_t addr, uint32_t mmu_idx,
                    uint32_t rex_w);
/* #GP on reserved MXCSR bits */
void helper_ldmxcsr(CPUX86State *env, uint32_t val);

/* pcmpstr_helper.c: kind 0 istri 1 estri 2 istrm 3 estrm, +4 REX.W;
 * writes ECX or XMM0, returns CF/ZF/SF/OF */
uint64_t helper_pcmpstr(CPUX86State *env, X86XMMReg *a, X86XMMReg *b,
                        uint32_t imm, uint32_t kind);

/* pkru_helper.c: WRPKRU after the translator's checks (flushes the TLB) */
void helper_wrpkru(CPUX86State *env, uint64_t val);

/* x87 and MMX (fpu_helper.c, x87_env_helper.c, mmx_helper.c): x87.h */

/* sse_helper.c: packed/scalar ops on XMM registers in env (s may be
 * env->xmm_t0 holding a memory operand). The FP ones run on the host
 * SSE unit under the guest's MXCSR (exceptions masked on the host) and
 * raise #XM (or #UD without CR4.OSXMMEXCPT) for unmasked ones. */
/*
 * Float helpers run the host's SSE/AVX instruction under the guest's
 * MXCSR (rounding, DAZ/FTZ; exceptions masked): sse_fp_enter loads it
 * and returns the host's, sse_fp_leave restores that, adds the flags
 * raised to the guest's MXCSR and raises #XM (#UD without
 * CR4.OSXMMEXCPT) for an unmasked one, with the hardware's rules for
 * which flags an unmasked exception reports.
 */
uint32_t sse_fp_enter(CPUX86State *env);
void sse_fp_leave(CPUX86State *env, uint32_t host, uintptr_t ra);

typedef void (*SSEBinFn)(CPUX86State *env, X86XMMReg *d, X86XMMReg *s);
typedef void (*SSEImmFn)(CPUX86State *env, X86XMMReg *d, X86XMMReg *s,
                         uint32_t imm);
SSEBinFn sse_bin_helper(unsigned mnemonic);
SSEImmFn sse_imm_helper(unsigned mnemonic);
void helper_check_align16(CPUX86State *env, uint64_t addr);
uint64_t helper_sse_comi(CPUX86State *env, X86XMMReg *a, X86XMMReg *b,
                         uint32_t kind);
void helper_sse_cvtsi2f(CPUX86State *env, X86XMMReg *d, uint64_t val,
                        uint32_t kind);
uint64_t helper_sse_cvtf2si(CPUX86State *env, X86XMMReg *s, uint32_t kind);
uint64_t helper_sse_movmsk(X86XMMReg *s, uint32_t kind);
void helper_sse_shift_imm(CPUX86State *env, X86XMMReg *d, uint32_t count,
                          uint32_t kind);

#endif
