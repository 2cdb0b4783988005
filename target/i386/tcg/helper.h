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

#endif
