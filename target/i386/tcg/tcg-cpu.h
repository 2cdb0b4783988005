/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 CPU under TCG: what the translator (translate.c, by the
 * front end) and the system helpers (seg/excp/misc/mmu helpers) agree on.
 *
 *   hflags       env->hflags: the mode bits a translated block depends
 *                on; recomputed by x86_update_hflags() whenever CR0/CR4/
 *                EFER, CS/SS descriptors or RFLAGS.VM/IOPL/TF/AC change.
 *                They are the TB's 'flags' key, so a change ends the block
 *                (the helper that changed them returns, the translator
 *                ends the block after any insn that can change them).
 *   lazy flags   OSZAPC live in (cc_op, cc_dst, cc_src, cc_src2); every
 *                other RFLAGS bit lives in env->rflags. Inside the exec
 *                loop env->rflags's OSZAPC bits are stale; outside (after
 *                cpu_exec_exit) env->rflags is complete and cc_op is
 *                CC_OP_EFLAGS with cc_src = the OSZAPC bits.
 *   mmu indexes  MMU_KSMAP_IDX (CPL<3, SMAP enforced), MMU_USER_IDX,
 *                MMU_KNOSMAP_IDX (CPL<3 with SMAP off or EFLAGS.AC, and
 *                implicit supervisor accesses such as descriptor tables),
 *                MMU_PHYS_IDX (paging off).
 */
#ifndef KEMU_I386_TCG_CPU_H
#define KEMU_I386_TCG_CPU_H

#include "target/i386/cpu.h"
#include "accel/tcg/tcg-runtime.h"

/* ---- hflags ---- */
#define HF_CPL_SHIFT      0     /* 2 bits */
#define HF_CPL_MASK       (3u << HF_CPL_SHIFT)
#define HF_INHIBIT_IRQ    (1u << 3)   /* STI / MOV SS shadow */
#define HF_CS32           (1u << 4)   /* CS.D: 32-bit default operands */
#define HF_SS32           (1u << 5)   /* SS.B: 32-bit stack */
#define HF_ADDSEG         (1u << 6)   /* DS/ES/SS base may be nonzero */
#define HF_PE             (1u << 7)   /* CR0.PE */
#define HF_TF             (1u << 8)   /* RFLAGS.TF */
#define HF_MP             (1u << 9)   /* CR0.MP */
#define HF_EM             (1u << 10)  /* CR0.EM */
#define HF_TS             (1u << 11)  /* CR0.TS */
#define HF_IOPL_SHIFT     12          /* 2 bits: RFLAGS.IOPL */
#define HF_IOPL_MASK      (3u << HF_IOPL_SHIFT)
#define HF_LMA            (1u << 14)  /* EFER.LMA */
#define HF_CS64           (1u << 15)  /* CS.L with LMA: 64-bit mode */
#define HF_RF             (1u << 16)  /* RFLAGS.RF */
#define HF_VM             (1u << 17)  /* RFLAGS.VM: virtual-8086 */
#define HF_AC             (1u << 18)  /* RFLAGS.AC */
#define HF_OSFXSR         (1u << 19)  /* CR4.OSFXSR */
#define HF_SMAP           (1u << 20)  /* CR4.SMAP */
#define HF_UMIP           (1u << 21)  /* CR4.UMIP */
#define HF_OSXSAVE        (1u << 22)  /* CR4.OSXSAVE */
#define HF_PG             (1u << 23)  /* CR0.PG */
#define HF_SINGLESTEP     (1u << 24)  /* gdbstub stepping */
#define HF_PKE            (1u << 25)  /* CR4.PKE */
#define HF_AVX_EN         (1u << 26)  /* CR4.OSXSAVE and XCR0 has SSE+AVX */

/* ---- MMU indexes ---- */
#define MMU_KSMAP_IDX    0
#define MMU_USER_IDX     1
#define MMU_KNOSMAP_IDX  2
#define MMU_PHYS_IDX     3

/* ---- exception vectors ---- */
#define EXCP00_DIVZ   0
#define EXCP01_DB     1
#define EXCP02_NMI    2
#define EXCP03_INT3   3
#define EXCP04_INTO   4
#define EXCP05_BOUND  5
#define EXCP06_ILLOP  6
#define EXCP07_PREX   7
#define EXCP08_DBLE   8
#define EXCP09_XERR   9
#define EXCP0A_TSS    10
#define EXCP0B_NOSEG  11
#define EXCP0C_STACK  12
#define EXCP0D_GPF    13
#define EXCP0E_PAGE   14
#define EXCP10_COPR   16
#define EXCP11_ALGN   17
#define EXCP12_MCHK   18
#define EXCP13_XMM    19

/* #PF error code bits */
#define PG_ERROR_P_MASK    0x01
#define PG_ERROR_W_MASK    0x02
#define PG_ERROR_U_MASK    0x04
#define PG_ERROR_RSVD_MASK 0x08
#define PG_ERROR_I_D_MASK  0x10
#define PG_ERROR_PK_MASK   0x20

/* ---- lazy condition codes ---- */
/*
 * cc_op says how to compute OSZAPC from cc_dst/cc_src/cc_src2:
 *   CC_OP_EFLAGS   cc_src holds the flags themselves
 *   CC_OP_ADDx     dst = result, src = second operand (carry: dst < src)
 *   CC_OP_ADCx     dst = result, src = second operand, src2 = carry in
 *   CC_OP_SUBx     dst = result, src = second operand (first = dst + src)
 *   CC_OP_SBBx     as SUB with src2 = borrow in
 *   CC_OP_LOGICx   dst = result (C = O = 0)
 *   CC_OP_INCx/DECx dst = result, src = the old carry flag (0/1)
 *   CC_OP_SHLx/SARx dst = result, src = value shifted by count-1
 *   CC_OP_MULx     dst = result (low), src = nonzero if high part is
 *                  significant (CF = OF = src != 0)
 *   CC_OP_BMILGx   dst = result, src = input (BLSI/BLSR etc.)
 *   CC_OP_ADCX/ADOX/ADCOX: dst = carry out in C, src2 = O, src = other
 *   CC_OP_CLR      all zero but ZF and PF set (xor r,r)
 *   CC_OP_POPCNT   dst = source (ZF from it, others clear)
 * x in B, W, L, Q: the operand size. The front end may keep cc_op
 * static while translating (tracking it at translation time and storing
 * it in insn_start's second word so cpu_restore_state can put it back).
 */
typedef enum CCOp {
    CC_OP_DYNAMIC,   /* translation-time only: use env->cc_op */
    CC_OP_EFLAGS,
    CC_OP_CLR,
    CC_OP_POPCNT,
#define CC_OP_SIZED(name) CC_OP_##name##B, CC_OP_##name##W, \
                          CC_OP_##name##L, CC_OP_##name##Q
    CC_OP_SIZED(ADD),
    CC_OP_SIZED(ADC),
    CC_OP_SIZED(SUB),
    CC_OP_SIZED(SBB),
    CC_OP_SIZED(LOGIC),
    CC_OP_SIZED(INC),
    CC_OP_SIZED(DEC),
    CC_OP_SIZED(SHL),
    CC_OP_SIZED(SAR),
    CC_OP_SIZED(MUL),
    CC_OP_SIZED(BMILG),
#undef CC_OP_SIZED
    CC_OP_ADCX,
    CC_OP_ADOX,
    CC_OP_ADCOX,
    CC_OP_NB,
} CCOp;

#define CC_C  0x0001
#define CC_P  0x0004
#define CC_A  0x0010
#define CC_Z  0x0040
#define CC_S  0x0080
#define CC_O  0x0800
#define CC_OSZAPC (CC_O | CC_S | CC_Z | CC_A | CC_P | CC_C)
#define RFLAGS_DF (1u << 10)
#define RFLAGS_IOPL (3u << 12)
#define RFLAGS_NT (1u << 14)
#define RFLAGS_RF (1u << 16)
#define RFLAGS_AC (1u << 18)
#define RFLAGS_VIF (1u << 19)
#define RFLAGS_VIP (1u << 20)
#define RFLAGS_ID (1u << 21)

/* ---- cc_helper.c (front end) ---- */
/* OSZAPC from the lazy state */
uint32_t cpu_cc_compute_all(CPUX86State *env);
/* CF alone (cheap path for ADC/SBB/RCL/SETC) */
uint32_t cpu_cc_compute_c(CPUX86State *env);
/* Full RFLAGS from env->rflags and the lazy state */
uint64_t cpu_compute_eflags(CPUX86State *env);
/* Write RFLAGS bits in update_mask (OSZAPC go to the lazy state as
 * CC_OP_EFLAGS), then recompute hflags. */
void cpu_load_eflags(CPUX86State *env, uint64_t val, uint64_t update_mask);

/* ---- system side (seg/excp/mmu helpers) ---- */
void x86_update_hflags(CPUX86State *env);
int x86_mmu_index(CPUX86State *env, bool ifetch);
/* Raise an exception from a helper (ra = GETPC(), or 0 when the state
 * is already precise); never returns. */
G_NORETURN void raise_exception(CPUX86State *env, int vector);
G_NORETURN void raise_exception_ra(CPUX86State *env, int vector,
                                   uintptr_t ra);
G_NORETURN void raise_exception_err(CPUX86State *env, int vector,
                                    uint32_t error_code);
G_NORETURN void raise_exception_err_ra(CPUX86State *env, int vector,
                                       uint32_t error_code, uintptr_t ra);
/* Software interrupts INT n / INT3 / INTO: next_eip_addend is the insn
 * length, pushed as the return address. */
G_NORETURN void raise_interrupt(CPUX86State *env, int vector,
                                int next_eip_addend);

extern const TCGCPUOps x86_tcg_ops;

/* ---- front end entry points (translate.c) that x86_tcg_ops uses ---- */
/* insn_start words: [0] = the insn's eip (pc - cs_base), [1] = cc_op at
 * its start (CC_OP_DYNAMIC: env->cc_op is already right). */
void x86_translate_code(CPUState *cpu, TranslationBlock *tb, int max_insns);
/* TCGCPUOps.initialize: registers the front end's TCG globals. */
void x86_translate_init(void);

/* ---- system side internals (seg/excp/misc/mmu helpers, tcg-cpu.c) ---- */
/* DR6 bits */
#define DR6_BD (1u << 13)
#define DR6_BS (1u << 14)
#define DR6_BT (1u << 15)

/* Loads a segment register's cache and recomputes hflags. */
void x86_load_seg_cache(CPUX86State *env, int seg, uint32_t selector,
                        uint64_t base, uint32_t limit, uint32_t flags);
/* Delivers an exception or interrupt now (from the exec loop: the guest
 * state is precise). is_hw: external interrupt or NMI (no error code,
 * no DPL check). */
void x86_do_interrupt_all(CPUX86State *env, int intno, bool is_int,
                          uint32_t error_code, uint64_t next_eip, bool is_hw);
/* TCGCPUOps.do_interrupt */
void x86_cpu_do_interrupt(CPUState *cs);
/* TCGCPUOps.tlb_fill / do_unaligned_access */
bool x86_cpu_tlb_fill(CPUState *cs, uint64_t vaddr, int size,
                      MMUAccessType access, int mmu_idx, bool probe,
                      uintptr_t ra);
void x86_cpu_do_unaligned_access(CPUState *cs, uint64_t vaddr,
                                 MMUAccessType access, int mmu_idx,
                                 uintptr_t ra);
/* Guest memory from the system helpers: at the current privilege, or as
 * the implicit supervisor accesses to descriptor tables, the TSS and the
 * IDT (and interrupt stacks at CPL 0-2). Faults unwind with ra. */
int x86_kernel_mmu_index(CPUX86State *env);
uint64_t x86_ld(CPUX86State *env, uint64_t addr, MemOp op, int mmu_idx,
                uintptr_t ra);
void x86_st(CPUX86State *env, uint64_t addr, uint64_t val, MemOp op,
            int mmu_idx, uintptr_t ra);
/* Virtual TSC (from the host clock, scaled to the guest's frequency). */
uint64_t x86_get_tsc(CPUX86State *env);
void x86_set_tsc(CPUX86State *env, uint64_t val);
/* After CR0/CR3/CR4/EFER change: flush what the paging change makes
 * stale and recompute hflags (misc_helper.c). */
void x86_cpu_set_cr0(CPUX86State *env, uint64_t val);
void x86_cpu_set_cr3(CPUX86State *env, uint64_t val);
void x86_cpu_set_cr4(CPUX86State *env, uint64_t val);
/* Task switch (seg_helper.c): source is one of SWITCH_TSS_* */
#define SWITCH_TSS_JMP  0
#define SWITCH_TSS_IRET 1
#define SWITCH_TSS_CALL 2
void x86_switch_tss(CPUX86State *env, int tss_selector, uint32_t e1,
                    uint32_t e2, int source, uint64_t next_eip, uintptr_t ra);

/* Descriptor words: e1 the low dword, e2 the high one. */
static inline uint64_t x86_desc_base(uint32_t e1, uint32_t e2)
{
    return (e1 >> 16) | ((e2 & 0xff) << 16) | (e2 & 0xff000000u);
}
static inline uint32_t x86_desc_limit(uint32_t e1, uint32_t e2)
{
    uint32_t limit = (e1 & 0xffff) | (e2 & 0x000f0000);
    return e2 & DESC_G_MASK ? (limit << 12) | 0xfff : limit;
}
/* What a SegmentCache keeps of e2: attributes and limit bits 19:16
 * (not the base bits), which is what QEMU's "info registers" shows. */
#define X86_DESC_FLAGS(e2) ((e2) & 0x00ffff00u)
#define DESC_CS_MASK (1u << 11)   /* type: code */
#define DESC_C_MASK  (1u << 10)   /* code: conforming; data: expand-down */
#define DESC_E_MASK  (1u << 10)
#define DESC_R_MASK  (1u << 9)    /* code: readable */
#define DESC_W_MASK  (1u << 9)    /* data: writable */
/* Reads the descriptor of selector from the GDT/LDT; false when beyond
 * the table limit. */
bool x86_load_descriptor(CPUX86State *env, uint32_t *e1, uint32_t *e2,
                         uint32_t selector, uintptr_t ra);

/* A stack being pushed or popped by a system helper. */
typedef struct X86Stack {
    CPUX86State *env;
    uint64_t base;       /* SS base */
    uint64_t sp;
    uint64_t mask;       /* 0xffff, 0xffffffff, or ~0 in 64-bit mode */
    int mmu_idx;
    uintptr_t ra;
} X86Stack;

static inline uint64_t x86_stack_addr(const X86Stack *s)
{
    uint64_t a = s->base + (s->sp & s->mask);
    return s->mask == ~0ull ? a : a & 0xffffffffull;
}
static inline void x86_push(X86Stack *s, uint64_t val, MemOp size)
{
    s->sp -= memop_size(size);
    x86_st(s->env, x86_stack_addr(s), val, size, s->mmu_idx, s->ra);
}
static inline uint64_t x86_pop(X86Stack *s, MemOp size)
{
    uint64_t v = x86_ld(s->env, x86_stack_addr(s), size, s->mmu_idx, s->ra);
    s->sp += memop_size(size);
    return v;
}
/* RSP after the stack moved to sp, within the stack's width. */
static inline void x86_set_sp(CPUX86State *env, uint64_t sp, uint64_t mask)
{
    if (mask == 0xffff) {
        env->regs[R_ESP] = (env->regs[R_ESP] & ~0xffffull) | (sp & 0xffff);
    } else if (mask == 0xffffffffull) {
        env->regs[R_ESP] = (uint32_t)sp;
    } else {
        env->regs[R_ESP] = sp;
    }
}
static inline uint64_t x86_sp_mask(uint32_t ss_flags)
{
    return ss_flags & DESC_B_MASK ? 0xffffffffull : 0xffff;
}

#endif
