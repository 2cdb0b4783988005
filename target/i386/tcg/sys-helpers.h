/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * System helpers: what translated code calls for segment, interrupt,
 * privileged and I/O instructions. Implemented on the system side
 * (seg_helper.c, excp_helper.c, misc_helper.c, mmu_helper.c); called by
 * translate.c. Each may fault: it restores the guest state itself from
 * GETPC(). 'next_eip_addend' is the instruction's length (for return
 * addresses and for resuming after it): a helper taking it relies on the
 * front end having stored the insn's own eip in env->rip (and cc_op)
 * before the call, as gen_sync does; 'dflag' the operand size as
 * 0=16, 1=32, 2=64 bits; 'shift' the same for far transfers.
 *
 * When a helper changes anything the TB flags depend on (hflags, CS, the
 * paging mode), the translator ends the block after the instruction.
 */
#ifndef KEMU_I386_SYS_HELPERS_H
#define KEMU_I386_SYS_HELPERS_H

#include "target/i386/tcg/tcg-cpu.h"

/* ---- segments and far transfers (seg_helper.c) ---- */
/* MOV/POP Sreg, LDS...: real/vm86 load base=sel<<4, protected checks */
void helper_load_seg(CPUX86State *env, uint32_t seg_reg, uint32_t selector);
void helper_ljmp_protected(CPUX86State *env, uint32_t new_cs,
                           uint64_t new_eip, uint32_t next_eip_addend);
void helper_lcall_real(CPUX86State *env, uint32_t new_cs, uint64_t new_eip,
                       uint32_t shift, uint64_t next_eip);
void helper_lcall_protected(CPUX86State *env, uint32_t new_cs,
                            uint64_t new_eip, uint32_t shift,
                            uint32_t next_eip_addend);
void helper_iret_real(CPUX86State *env, uint32_t shift);
void helper_iret_protected(CPUX86State *env, uint32_t shift,
                           uint32_t next_eip_addend);
void helper_lret_protected(CPUX86State *env, uint32_t shift,
                           uint32_t addend);
void helper_lldt(CPUX86State *env, uint32_t selector);
void helper_ltr(CPUX86State *env, uint32_t selector);
/* LAR/LSL/VERR/VERW: ZF set in the lazy flags (CC_OP_EFLAGS) */
uint64_t helper_lar(CPUX86State *env, uint64_t selector);
uint64_t helper_lsl(CPUX86State *env, uint64_t selector);
void helper_verr(CPUX86State *env, uint64_t selector);
void helper_verw(CPUX86State *env, uint64_t selector);
void helper_syscall(CPUX86State *env, uint32_t next_eip_addend);
void helper_sysret(CPUX86State *env, uint32_t dflag);
void helper_sysenter(CPUX86State *env);
void helper_sysexit(CPUX86State *env, uint32_t dflag);
void helper_swapgs(CPUX86State *env);
/* LGDT/LIDT after the translator loaded limit and base */
void helper_lgdt(CPUX86State *env, uint64_t base, uint32_t limit);
void helper_lidt(CPUX86State *env, uint64_t base, uint32_t limit);

/* ---- exceptions and interrupts (excp_helper.c) ---- */
G_NORETURN void helper_raise_exception(CPUX86State *env, uint32_t vector);
G_NORETURN void helper_raise_exception_err(CPUX86State *env,
                                           uint32_t vector, uint32_t err);
/* INT n (from the instruction: privilege checked against the gate DPL) */
G_NORETURN void helper_raise_interrupt(CPUX86State *env, uint32_t vector,
                                       uint32_t next_eip_addend);
/* INTO: raises #OF when OF is set, else returns */
void helper_into(CPUX86State *env, uint32_t next_eip_addend);
/* RFLAGS.TF trap after an instruction */
G_NORETURN void helper_single_step(CPUX86State *env);
/* gdbstub breakpoint hit at the current eip */
G_NORETURN void helper_debug(CPUX86State *env);

/* ---- privileged and miscellaneous (misc_helper.c) ---- */
void helper_cpuid(CPUX86State *env);
void helper_rdmsr(CPUX86State *env);
void helper_wrmsr(CPUX86State *env);
void helper_rdtsc(CPUX86State *env);
void helper_rdtscp(CPUX86State *env);
uint64_t helper_rdpid(CPUX86State *env);
uint64_t helper_read_crN(CPUX86State *env, uint32_t reg);
void helper_write_crN(CPUX86State *env, uint32_t reg, uint64_t val);
void helper_lmsw(CPUX86State *env, uint64_t val);
void helper_clts(CPUX86State *env);
uint64_t helper_get_dr(CPUX86State *env, uint32_t reg);
void helper_set_dr(CPUX86State *env, uint32_t reg, uint64_t val);
void helper_invlpg(CPUX86State *env, uint64_t addr);
void helper_invpcid(CPUX86State *env, uint32_t type, uint64_t desc_addr);
G_NORETURN void helper_hlt(CPUX86State *env, uint32_t next_eip_addend);
void helper_pause(CPUX86State *env, uint32_t next_eip_addend);
void helper_monitor(CPUX86State *env, uint64_t addr);
G_NORETURN void helper_mwait(CPUX86State *env, uint32_t next_eip_addend);
/* STI's one-insn interrupt shadow, MOV SS / POP SS's */
void helper_set_inhibit_irq(CPUX86State *env);
void helper_reset_inhibit_irq(CPUX86State *env);
uint64_t helper_xgetbv(CPUX86State *env, uint32_t ecx);
void helper_xsetbv(CPUX86State *env, uint32_t ecx, uint64_t val);
void helper_rdrand(CPUX86State *env, uint32_t reg, uint32_t dflag);

/* ---- port I/O (misc_helper.c): the device access under the BQL ---- */
/* #GP(0) unless CPL <= IOPL (and not vm86) or the TSS bitmap allows it */
void helper_check_io(CPUX86State *env, uint32_t port, uint32_t size);
uint32_t helper_inb(CPUX86State *env, uint32_t port);
uint32_t helper_inw(CPUX86State *env, uint32_t port);
uint32_t helper_inl(CPUX86State *env, uint32_t port);
void helper_outb(CPUX86State *env, uint32_t port, uint32_t val);
void helper_outw(CPUX86State *env, uint32_t port, uint32_t val);
void helper_outl(CPUX86State *env, uint32_t port, uint32_t val);

#endif
