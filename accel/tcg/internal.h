/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the files of the TCG runtime share and nobody else sees: the
 * per-vCPU runtime state, the code buffer, the TB tables, the TLB
 * internals and the vCPU thread plumbing.
 */
#ifndef KEMU_ACCEL_TCG_INTERNAL_H
#define KEMU_ACCEL_TCG_INTERNAL_H

#include "accel/tcg/tcg-runtime.h"
#include "util/osdep.h"

/* ---- per-vCPU TLB ---- */

/* Entries per MMU index: a power of two. Linux touches a few thousand
 * pages in steady state; 1024 keeps a whole flush cheap. */
#define TLB_BITS     10
#define TLB_ENTRIES  (1u << TLB_BITS)

/* What the slow path needs beyond the fast entry. */
typedef struct CPUTLBEntryFull {
    hwaddr phys;              /* guest-physical page */
    int prot;
} CPUTLBEntryFull;

typedef struct CPUTLBDesc {
    CPUTLBEntry table[TLB_ENTRIES];
    CPUTLBEntryFull full[TLB_ENTRIES];
    /* the union of large pages mapped since the last flush: a page
     * flush inside it flushes the whole index */
    uint64_t large_page_addr, large_page_mask;
    /* entries filled since the last flush (a flush of an unused index,
     * e.g. the user index during a kernel-only stretch, is free) */
    unsigned nb_used;
} CPUTLBDesc;

/* Pages queued for a remote flush before the whole TLB is flushed. */
#define TLB_PENDING_PAGES 8

/* The jump cache is hashed so that the blocks of one page share a group
 * of TB_JMP_PAGE_SIZE entries: flushing a page clears two groups (the
 * page's and the one before, whose blocks may run onto it). */
#define TB_JMP_CACHE_BITS 12
#define TB_JMP_CACHE_SIZE (1u << TB_JMP_CACHE_BITS)
#define TB_JMP_PAGE_BITS  (TB_JMP_CACHE_BITS / 2)
#define TB_JMP_PAGE_SIZE  (1u << TB_JMP_PAGE_BITS)
#define TB_JMP_PAGE_MASK  (TB_JMP_CACHE_SIZE - TB_JMP_PAGE_SIZE)

typedef struct TCGCPUThread {
    CPUTLBDesc tlb[NB_MMU_MODES];
    /* taken by the owner for fills and flushes, by others to queue
     * flushes or to mark entries NOTDIRTY */
    GMutex tlb_lock;
    /* remote flush requests, applied by the owner before it runs guest
     * code: flush_all (atomic), or up to TLB_PENDING_PAGES pages */
    int flush_all;
    int nb_pending_pages;
    uint64_t pending_pages[TLB_PENDING_PAGES];
    int pending;              /* atomic: anything queued */

    /* virtual pc -> TB, filled by the exec loop (atomic pointers) */
    TranslationBlock *jmp_cache[TB_JMP_CACHE_SIZE];

    /* exclusive sections (exclusive.c) */
    bool running;             /* atomic: inside cpu_exec */
    bool has_waiter;          /* an exclusive section waits for us */

    /* statistics for "info jit": blocks entered from the loop */
    uint64_t tb_exec_lookups;

    /* a watchpoint hit: its insn runs again, unwatched, as a block of
     * its own ending in EXCP_DEBUG (tcg-debug.c) */
    bool watch_replay;
} TCGCPUThread;

static inline TCGCPUThread *tcg_thread(CPUState *cpu)
{
    return cpu->tcg;
}

static inline unsigned tb_jmp_cache_page_group(uint64_t pc)
{
    return ((pc >> TARGET_PAGE_BITS) << TB_JMP_PAGE_BITS) & TB_JMP_PAGE_MASK;
}

static inline unsigned tb_jmp_cache_hash(uint64_t pc)
{
    /* offset in the page, folded to TB_JMP_PAGE_BITS */
    uint64_t off = pc & ~TARGET_PAGE_MASK;
    unsigned in_page = (off ^ (off >> TB_JMP_PAGE_BITS)) &
                       (TB_JMP_PAGE_SIZE - 1);
    return tb_jmp_cache_page_group(pc) | in_page;
}

/* ---- accelerator settings (tcg-accel.c) ---- */
typedef struct TCGSettings {
    bool multi_thread;        /* one host thread per vCPU */
    bool one_insn_per_tb;
    uint64_t tb_size;         /* code buffer bytes */
} TCGSettings;
extern TCGSettings tcg_settings;
/* vCPUs created so far (CF_PARALLEL when several run at once) */
extern int tcg_nb_vcpus;

/* ---- vCPU threads (tcg-cpus.c) ---- */
bool tcg_create_vcpu_thread(CPUState *cpu, Error **errp);
void tcg_kick_vcpu_thread(CPUState *cpu);
/* Set up the runtime state of a vCPU (its TLB, jump cache). */
void tcg_cpu_init_state(CPUState *cpu);
/* Make a vCPU leave generated code at its next block entry. */
void tcg_cpu_exit(CPUState *cpu);

/* ---- the code buffer (code-buffer.c) ---- */
void tcg_code_buffer_init(size_t size);
/* Room for one more block in the calling thread's region: a TB header
 * and at least 'min' bytes of code after it. NULL if the buffer is full
 * (the caller flushes). */
TranslationBlock *tcg_code_alloc_tb(uint8_t **code, uint8_t **code_end);
/* The block's code and restore data end at 'end': commit the space. */
/* The block did not fit in the rest of the region: use a fresh one next
 * time. False if the region was fresh (the block can never fit). */
bool tcg_code_region_full(void);
void tcg_code_commit(TranslationBlock *tb, uint8_t *end);
/* The TB whose host code contains host_pc, or NULL. */
TranslationBlock *tcg_tb_from_host_pc(uintptr_t host_pc);
/* Forget every TB: only with all vCPUs out of generated code. */
void tcg_code_reset(void);
/* Bumped at each flush; a thread whose region predates it gets a new one. */
extern unsigned tcg_flush_count;
bool tcg_code_buffer_contains(uintptr_t p);
/* Statistics for "info jit". */
void tcg_code_stats(size_t *used, size_t *total, size_t *nb_tbs,
                    size_t *code_bytes, size_t *guest_bytes);

/* ---- TB tables (tb-maint.c) ---- */
void tb_tables_init(void);
/* The block for this key whose code pages are mapped as cpu sees them
 * now (the second page is probed, never faults). */
TranslationBlock *tb_htable_lookup(CPUState *cpu, uint64_t pc,
                                   uint64_t cs_base, uint32_t flags,
                                   uint32_t cflags, hwaddr phys_pc);
/* Insert a new TB; returns an equal TB that was already there (the new
 * one is then unused) or tb itself. */
TranslationBlock *tb_link(TranslationBlock *tb);
void tb_add_jump(TranslationBlock *tb, int n, TranslationBlock *dest);
/* Drop one TB: hash, jump caches, chains, page lists. */
void tb_phys_invalidate(TranslationBlock *tb);
/* Invalidate what overlaps [start, end) on one page for a CPU store of
 * a TLB_NOTDIRTY entry; returns true if the page still holds code. */
bool tb_invalidate_phys_page_store(CPUState *cpu, hwaddr start, hwaddr end,
                                   uintptr_t ra);
bool tb_page_has_code(hwaddr phys);
/* Flush all TBs now (caller in an exclusive section). */
void tb_flush_locked(void);
/* Flush from a vCPU that ran out of code space. */
void tb_flush(CPUState *cpu);
extern uint64_t tb_flush_stats;

/* ---- the exec loop (cpu-exec.c) ---- */
int tcg_cpu_exec(CPUState *cpu);
/* Run one instruction inside an exclusive section (EXCP_ATOMIC). */
void tcg_cpu_exec_step_atomic(CPUState *cpu);
uint32_t tcg_curr_cflags(CPUState *cpu);
void tb_jmp_cache_clear(CPUState *cpu);
void tb_jmp_cache_clear_page(CPUState *cpu, uint64_t vaddr);
const void *helper_lookup_tb_ptr(void *env);
extern uint64_t tb_chain_count;

/* ---- translation (translate-all.c) ---- */
TranslationBlock *tb_gen_code(CPUState *cpu, uint64_t pc, uint64_t cs_base,
                              uint32_t flags, uint32_t cflags);
void tcg_thread_context_init(void);
/* The guest state at tb's first insn (a block left at its entry check,
 * possibly entered by a chained jump that did not store the pc). */
void tb_restore_state_at_start(CPUState *cpu, TranslationBlock *tb);
extern uint64_t tb_translated_count, tb_translated_insns;

/* ---- TLB (cputlb.c) ---- */
void tlb_init(CPUState *cpu);
/* Apply remote flushes queued for this vCPU (its own thread). */
void tlb_process_pending(CPUState *cpu);
/* guest-physical page of the code at vaddr for the loop's lookups, -1
 * if it is not RAM; with probe, -2 if it cannot be fetched (no fault) */
hwaddr get_page_addr_code(CPUState *cpu, uint64_t vaddr, bool probe);
/* Host pointer to RAM code at vaddr (after get_page_addr_code) or NULL. */
void *tlb_code_host_ptr(CPUState *cpu, uint64_t vaddr);
/* A page now holds code: writes through any TLB must take the slow path. */
void tlb_protect_code(hwaddr phys_page);
void tcg_tlb_listener_init(void);
uint64_t tcg_ld_slow(void *env, uint64_t addr, MemOpIdx oi, uintptr_t ra);
void tcg_st_slow(void *env, uint64_t addr, uint64_t val, MemOpIdx oi,
                 uintptr_t ra);

/* ---- exclusive sections (exclusive.c) ---- */
void cpu_exec_start(CPUState *cpu);
void cpu_exec_end(CPUState *cpu);
/* Whether this thread is inside start_exclusive/end_exclusive. */
bool tcg_in_exclusive(void);
/* -singlestep */
void tcg_set_one_insn_per_tb(bool on);

/* ---- guest debugging (tcg-debug.c) ---- */
void tcg_debug_init(void);
/* Called by a block at a breakpoint, after that insn's insn_start. */
G_NORETURN void helper_tcg_breakpoint(void *env);
/* gdb's single step with SSTEP_NOIRQ: no interrupt is taken. */
bool tcg_stepping_masks_irqs(CPUState *cpu);
/* EXCP_DEBUG reached the vCPU loop; BQL held. */
void tcg_handle_debug_exit(CPUState *cpu);
/* The slow path's check of an access to a TLB_WATCHPOINT page (flags
 * BP_MEM_READ or BP_MEM_WRITE); on a hit it does not return. */
void tcg_watchpoint_access(CPUState *cpu, uint64_t addr, unsigned size,
                           int flags, uintptr_t ra);

/* ---- DMA hook (code invalidation for device writes) ---- */
void tcg_dma_write_hook(hwaddr addr, hwaddr len);

#endif
