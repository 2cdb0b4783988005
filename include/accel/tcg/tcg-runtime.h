/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The TCG runtime (accel/tcg/) as the guest front end sees it: the hooks
 * a target supplies (TCGCPUOps), the generic translator loop, leaving the
 * exec loop with an exception, guest memory access from helpers, the
 * softmmu TLB, atomics and exclusive sections.
 *
 * Threads: each vCPU runs the exec loop on its own thread without the
 * BQL; the runtime takes the BQL around MMIO dispatch and the target
 * takes it in helpers that touch devices (port I/O, the APIC) and when it
 * acknowledges an interrupt.
 */
#ifndef KEMU_TCG_RUNTIME_H
#define KEMU_TCG_RUNTIME_H

#include "hw/core/cpu.h"
#include "exec/cpu-tlb.h"
#include "tcg/tcg.h"
#include "accel/tcg/translation-block.h"

/* Host return address inside a helper: pass it to anything that may
 * fault, so the guest state can be restored to the faulting insn. */
#define GETPC() ((uintptr_t)__builtin_return_address(0))

/* cpu->exception_index values beyond the target's vectors (0-255) */
#define EXCP_INTERRUPT 0x10000   /* exit_request: back to the vCPU loop */
#define EXCP_HLT       0x10001   /* the CPU halted (HLT, MWAIT) */
#define EXCP_DEBUG     0x10002   /* breakpoint/watchpoint/single step */
#define EXCP_HALTED    0x10003   /* came in halted, nothing to do */
#define EXCP_YIELD     0x10004   /* let other vCPUs run (thread=single) */
#define EXCP_ATOMIC    0x10005   /* redo one insn in an exclusive section */

typedef enum MMUAccessType {
    MMU_DATA_LOAD = 0,
    MMU_DATA_STORE = 1,
    MMU_INST_FETCH = 2,
} MMUAccessType;

#define PAGE_READ  1
#define PAGE_WRITE 2
#define PAGE_EXEC  4

/* ---- the generic translator loop ---- */

typedef enum DisasJumpType {
    DISAS_NEXT,          /* go on with the next insn */
    DISAS_TOO_MANY,      /* stop: page end or insn limit; state is in sync */
    DISAS_NORETURN,      /* the insn ended the block itself (exit/goto) */
    DISAS_TARGET_0,      /* the target's own reasons from here on */
} DisasJumpType;

typedef struct DisasContextBase {
    TranslationBlock *tb;
    uint64_t pc_first;   /* virtual address of the block's first insn */
    uint64_t pc_next;    /* of the next insn to translate */
    DisasJumpType is_jmp;
    int num_insns;
    int max_insns;
    bool singlestep;     /* one insn, then exit with EXCP_DEBUG */
    /* code pages seen so far (translator_fetch keeps them) */
    uint64_t page_virt[2];
    int nb_pages;
} DisasContextBase;

typedef struct TranslatorOps {
    void (*init_disas_context)(DisasContextBase *db, CPUState *cpu);
    void (*tb_start)(DisasContextBase *db, CPUState *cpu);
    /* emit tcg_gen_insn_start for db->pc_next */
    void (*insn_start)(DisasContextBase *db, CPUState *cpu);
    /* translate one insn at db->pc_next, advance pc_next, set is_jmp */
    void (*translate_insn)(DisasContextBase *db, CPUState *cpu);
    /* end the block according to is_jmp */
    void (*tb_stop)(DisasContextBase *db, CPUState *cpu);
} TranslatorOps;

/*
 * Runs the target's ops over one block: the exit-request check at block
 * entry, then insn_start/translate_insn until is_jmp != DISAS_NEXT, the
 * instruction limit, or the next insn would start on a third page; then
 * tb_stop. Fills tb->size and tb->icount.
 */
void translator_loop(CPUState *cpu, TranslationBlock *tb, int max_insns,
                     const TranslatorOps *ops, DisasContextBase *db);

/*
 * Fetch up to len guest code bytes at virtual pc into buf, recording the
 * code pages in the block. Returns how many bytes could be fetched: fewer
 * than len when a later page is not mapped or not executable (no fault is
 * raised for those). If the first byte cannot be fetched the fetch fault
 * is raised (through tlb_fill) and this does not return: the front end
 * only asks for the first byte of an insn that it will translate.
 */
size_t translator_fetch(DisasContextBase *db, CPUState *cpu, uint64_t pc,
                        uint8_t *buf, size_t len);

/*
 * Whether a jump to dest may use goto_tb (direct chaining): dest must be
 * on the block's first page (a chained jump skips the lookup that checks
 * the page mapping), and the block's cflags must allow chaining. Else end
 * the block with tcg_gen_lookup_and_goto_ptr() (or exit_tb(NULL)).
 * Before goto_tb or lookup_and_goto_ptr the front end stores the new pc
 * (and cc_op) in env: the loop reads the state from there whenever the
 * jump is not (yet) chained.
 */
bool translator_use_goto_tb(DisasContextBase *db, uint64_t dest);

/* ---- the target's hooks ---- */

typedef struct TCGCPUOps {
    /* offset of the target's env (CPUX86State) in its CPU object */
    ptrdiff_t env_offset;
    /* once per vCPU thread: register globals in tcg_ctx */
    void (*initialize)(void);
    /* translate the block tb->pc... (calls translator_loop) */
    void (*translate_code)(CPUState *cpu, TranslationBlock *tb,
                           int max_insns);
    /* the key of the block to run now */
    void (*get_tb_cpu_state)(CPUState *cpu, uint64_t *pc, uint64_t *cs_base,
                             uint32_t *flags);
    /* put back the state at the insn whose insn_start carried data[] */
    void (*restore_state_to_opc)(CPUState *cpu, const TranslationBlock *tb,
                                 const uint64_t *data);
    /* take a pending hardware interrupt (BQL not held; take it): true if
     * the guest state changed (an interrupt was delivered) */
    bool (*cpu_exec_interrupt)(CPUState *cpu, uint32_t interrupt_request);
    /* deliver cpu->exception_index (exception or INT n) */
    void (*do_interrupt)(CPUState *cpu);
    /* walk the page tables for vaddr and tlb_set_page(), or raise the
     * fault (never returns then) unless probe, when it returns false */
    bool (*tlb_fill)(CPUState *cpu, uint64_t vaddr, int size,
                     MMUAccessType access, int mmu_idx, bool probe,
                     uintptr_t retaddr);
    /* an access with MO_ALIGN was unaligned: raise (#AC/#GP) */
    void (*do_unaligned_access)(CPUState *cpu, uint64_t vaddr,
                                MMUAccessType access, int mmu_idx,
                                uintptr_t retaddr);
    /* the MMU index the loop's code fetches use (CPL, paging on/off) */
    int (*mmu_index)(CPUState *cpu, bool ifetch);
    /* entering/leaving cpu_exec: x86 splits RFLAGS into its lazy flags
     * on entry and folds them back on exit, so that everything outside
     * the loop (monitor, gdbstub, migration, reset) sees env->rflags */
    void (*cpu_exec_enter)(CPUState *cpu);
    void (*cpu_exec_exit)(CPUState *cpu);
    /* optional: code size (16, 32, 64) of a block with these flags, for
     * -d in_asm disassembly (64 when NULL) */
    int (*code_bits)(uint32_t tb_flags);
} TCGCPUOps;

/* Set once by the target before the accelerator starts. */
void tcg_register_cpu_ops(const TCGCPUOps *ops);
extern const TCGCPUOps *tcg_cpu_ops;

static inline void *cpu_env(CPUState *cpu)
{
    return (char *)cpu + tcg_cpu_ops->env_offset;
}
static inline CPUState *env_to_cpu(void *env)
{
    return (CPUState *)((char *)env - tcg_cpu_ops->env_offset);
}

/* ---- leaving the exec loop ---- */

/* Back to the exec loop's sigsetjmp; the guest state is already precise
 * (cpu->exception_index says what happened). */
G_NORETURN void cpu_loop_exit(CPUState *cpu);
/* The same from a helper called by generated code: first restore the
 * guest state of the insn whose code contains host_pc. */
G_NORETURN void cpu_loop_exit_restore(CPUState *cpu, uintptr_t host_pc);
/* Just the restore; false if host_pc is not in generated code. */
bool cpu_restore_state(CPUState *cpu, uintptr_t host_pc);

/* ---- guest memory from helpers ---- */
/* Faults unwind through tlb_fill with ra (0: state is already precise). */
uint64_t cpu_ld_mmu(CPUState *cpu, uint64_t addr, MemOpIdx oi, uintptr_t ra);
void cpu_st_mmu(CPUState *cpu, uint64_t addr, uint64_t val, MemOpIdx oi,
                uintptr_t ra);
/* Host pointer to size bytes at addr (one page) for access, after any
 * fault; NULL if the page is MMIO (use cpu_ld/st_mmu then). */
void *probe_access(CPUState *cpu, uint64_t addr, int size,
                   MMUAccessType access, int mmu_idx, uintptr_t ra);
/* Same but no fault: NULL if the access would fault or hits MMIO. */
void *probe_access_nofault(CPUState *cpu, uint64_t addr, int size,
                           MMUAccessType access, int mmu_idx);

/* ---- the TLB ---- */
/* From tlb_fill: map vaddr's page (size >= TARGET_PAGE_SIZE for large
 * pages: the whole range is flushed together) to guest-physical paddr. */
void tlb_set_page(CPUState *cpu, uint64_t vaddr, hwaddr paddr, int prot,
                  int mmu_idx, uint64_t size);
void tlb_flush(CPUState *cpu);
void tlb_flush_page(CPUState *cpu, uint64_t vaddr);
/* Every vCPU (the caller's at once, others before they next run guest
 * code; the caller waits for that when it must, e.g. a TLB shootdown
 * IPI from the guest is its own flush). */
void tlb_flush_all_cpus(CPUState *src);
void tlb_flush_page_all_cpus(CPUState *src, uint64_t vaddr);

/* ---- atomics (helpers the front end calls; oi = MemOpIdx) ---- */
uint64_t helper_atomic_cmpxchg(void *env, uint64_t addr, uint64_t cmpv,
                               uint64_t newv, uint32_t oi);
uint64_t helper_atomic_xchg(void *env, uint64_t addr, uint64_t val,
                            uint32_t oi);
uint64_t helper_atomic_fetch_add(void *env, uint64_t addr, uint64_t val,
                                 uint32_t oi);
uint64_t helper_atomic_fetch_and(void *env, uint64_t addr, uint64_t val,
                                 uint32_t oi);
uint64_t helper_atomic_fetch_or(void *env, uint64_t addr, uint64_t val,
                                uint32_t oi);
uint64_t helper_atomic_fetch_xor(void *env, uint64_t addr, uint64_t val,
                                 uint32_t oi);
/* 128-bit compare-exchange (CMPXCHG16B): *cmp_hi:lo updated with the old
 * value; returns true on success. */
bool helper_atomic_cmpxchg16(void *env, uint64_t addr, uint64_t *cmp_lo,
                             uint64_t *cmp_hi, uint64_t new_lo,
                             uint64_t new_hi, uint32_t oi, uintptr_t ra);

/* Run fn with every other vCPU outside guest code (MMIO atomics, page-
 * crossing atomics, cross-vCPU code invalidation). */
void start_exclusive(void);
void end_exclusive(void);

/* ---- translated code invalidation ---- */
/* Guest-physical range written by a device or the CPU: drop the blocks
 * whose code overlaps it. */
void tb_invalidate_phys_range(hwaddr start, hwaddr end);

#endif
