/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x87 and MMX helpers (fpu_helper.c, x87_env_helper.c, mmx_helper.c),
 * called from translate-x87.c, translate-mmx.c and translate-fpu.c.
 */
#ifndef KEMU_I386_TCG_X87_H
#define KEMU_I386_TCG_X87_H

#include "target/i386/tcg/tcg-cpu.h"

#define FSW_IE   0x0001
#define FSW_DE   0x0002
#define FSW_ZE   0x0004
#define FSW_OE   0x0008
#define FSW_UE   0x0010
#define FSW_PE   0x0020
#define FSW_SF   0x0040
#define FSW_ES   0x0080
#define FSW_C1   0x0200
#define FSW_B    0x8000
#define FSW_EXC  0x003f
#define FCW_EXC  0x003f

/* The opcode of an x87 instruction as FOP holds it: the low 3 bits of
 * the D8-DF byte, then the ModRM byte (memory forms: mod 0, rm 6). */
#define X87_OP(opc, modrm)  ((((opc) & 7) << 8) | ((modrm) & 0xff))

/* Is this x87 encoding one the CPU runs (register forms: the aliases
 * included, as hardware executes them)? */
bool x87_valid_op(unsigned op);
/* Does it check for a pending unmasked exception first? */
bool x87_is_waiting(unsigned op);

/*
 * Runs one x87 instruction (op = X87_OP) with its memory operand at the
 * linear address addr: on the host x87 with the guest's state loaded, so
 * results, status flags, tags and exception behaviour are the
 * hardware's. rflags: the guest's OSZAPC (FCMOVcc reads them). Returns
 * the OSZAPC the instruction leaves (FCOMI/FUCOMI set ZF, PF, CF).
 */
uint64_t helper_x87(CPUX86State *env, uint32_t op, uint64_t addr,
                    uint32_t mmu_idx, uint64_t rflags);
/* FWAIT (and the check of every waiting instruction): #MF, or FERR#
 * with CR0.NE clear, for a pending unmasked exception. */
void helper_fwait(CPUX86State *env);
/* FCW as the CPU keeps it: reserved bits 7 and 13-15 clear, 6 set */
static inline uint16_t x87_fcw(uint16_t v)
{
    return (v & 0x1f3f) | 0x40;
}
/* A new TOP with the physical registers kept (env->fpregs is in stack
 * order, so it rotates) */
void x87_set_top(CPUX86State *env, unsigned top);
/* FNINIT */
void helper_fninit(CPUX86State *env);
/* The FSW ES and B bits from the exception flags and the FCW masks */
void x87_update_es(CPUX86State *env);
/* A pending unmasked exception at a waiting instruction */
void x87_check_pending(CPUX86State *env, uintptr_t ra);

/* len bytes of guest memory at a linear address, every page probed
 * first so that a fault changes nothing */
void x87_mem_read(CPUX86State *env, uint64_t addr, uint8_t *buf,
                  unsigned len, int mmu_idx, uintptr_t ra);
void x87_mem_write(CPUX86State *env, uint64_t addr, const uint8_t *buf,
                   unsigned len, int mmu_idx, uintptr_t ra);

/* FLDENV/FNSTENV/FRSTOR/FNSAVE: bits = operand size (16 or 32) */
void helper_fldenv(CPUX86State *env, uint64_t addr, uint32_t mmu_idx,
                   uint32_t bits);
void helper_fnstenv(CPUX86State *env, uint64_t addr, uint32_t mmu_idx,
                    uint32_t bits);
void helper_frstor(CPUX86State *env, uint64_t addr, uint32_t mmu_idx,
                   uint32_t bits);
void helper_fnsave(CPUX86State *env, uint64_t addr, uint32_t mmu_idx,
                   uint32_t bits);

/* MMX: every MMX instruction first makes TOP 0 and tags every register
 * valid (the registers are the x87 registers' mantissas). */
void helper_mmx_enter(CPUX86State *env);
/* A register or memory MMX operation run on the host's MMX unit:
 * env->fpregs[dst] = op(env->fpregs[dst], src); op indexes mmx_ops */
void helper_mmx_op(CPUX86State *env, uint32_t op, uint32_t dst,
                   uint64_t src);

#endif
