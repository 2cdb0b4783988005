/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The exec loop: find (or translate) the block for the vCPU's state, run
 * it, chain it to the block that ran before, and between blocks take
 * interrupts, deliver exceptions and leave when asked.
 *
 * Leaving generated code early (a fault, an exception, a halt) is a
 * siglongjmp back to cpu_exec's sigsetjmp, with the guest state already
 * made precise (cpu_restore_state) and cpu->exception_index saying why.
 */
#include "accel/tcg/internal.h"
#include "util/log.h"
#include "util/main-loop.h"

uint64_t tb_chain_count;

uint32_t tcg_curr_cflags(CPUState *cpu)
{
    uint32_t cflags = 0;

    if (tcg_settings.multi_thread && tcg_nb_vcpus > 1) {
        cflags |= CF_PARALLEL;
    }
    if (cpu->singlestep_enabled) {
        cflags |= CF_SINGLE_STEP | 1;
    } else if (tcg_settings.one_insn_per_tb) {
        cflags |= 1;
    }
    return cflags;
}

void tb_jmp_cache_clear(CPUState *cpu)
{
    TCGCPUThread *t = tcg_thread(cpu);

    for (unsigned i = 0; i < TB_JMP_CACHE_SIZE; i++) {
        __atomic_store_n(&t->jmp_cache[i], NULL, __ATOMIC_RELAXED);
    }
}

void tb_jmp_cache_clear_page(CPUState *cpu, uint64_t vaddr)
{
    TCGCPUThread *t = tcg_thread(cpu);
    uint64_t page = vaddr & TARGET_PAGE_MASK;

    /* A block starting on the page before may run onto this one. */
    for (int k = 0; k < 2; k++) {
        unsigned g = tb_jmp_cache_page_group(page - k * TARGET_PAGE_SIZE);
        for (unsigned i = 0; i < TB_JMP_PAGE_SIZE; i++) {
            __atomic_store_n(&t->jmp_cache[g + i], NULL, __ATOMIC_RELAXED);
        }
    }
}

/*
 * The block for (pc, cs_base, flags, cflags) on the current mapping, or
 * NULL. With probe, nothing faults (an unmapped pc just finds nothing).
 */
static TranslationBlock *tb_lookup(CPUState *cpu, uint64_t pc,
                                   uint64_t cs_base, uint32_t flags,
                                   uint32_t cflags, bool probe)
{
    TCGCPUThread *t = tcg_thread(cpu);
    unsigned h = tb_jmp_cache_hash(pc);
    TranslationBlock *tb = __atomic_load_n(&t->jmp_cache[h],
                                           __ATOMIC_ACQUIRE);
    hwaddr phys;

    if (tb && tb->pc == pc && tb->cs_base == cs_base &&
        tb->flags == flags &&
        __atomic_load_n(&tb->cflags, __ATOMIC_ACQUIRE) == cflags) {
        return tb;
    }
    phys = get_page_addr_code(cpu, pc, probe);
    if (phys == (hwaddr)-1 || phys == (hwaddr)-2) {
        return NULL;
    }
    tb = tb_htable_lookup(cpu, pc, cs_base, flags, cflags, phys);
    if (tb) {
        __atomic_store_n(&t->jmp_cache[h], tb, __ATOMIC_RELEASE);
    }
    return tb;
}

const void *helper_lookup_tb_ptr(void *env)
{
    CPUState *cpu = env_to_cpu(env);
    TranslationBlock *tb;
    uint64_t pc, cs_base;
    uint32_t flags;

    if (cpu->cflags_next_tb != (uint32_t)-1) {
        return tcg_code_gen_epilogue;
    }
    tcg_cpu_ops->get_tb_cpu_state(cpu, &pc, &cs_base, &flags);
    tb = tb_lookup(cpu, pc, cs_base, flags, tcg_curr_cflags(cpu), true);
    if (!tb) {
        return tcg_code_gen_epilogue;
    }
    if (unlikely(kemu_log_enabled(LOG_EXEC))) {
        kemu_log("Trace %d: %p [%016" PRIx64 "/%016" PRIx64 "/%08x/%08x] "
                 "(goto_ptr)\n", cpu->cpu_index, tb->tc_ptr, cs_base, pc,
                 flags, tb->cflags);
    }
    return tb->tc_ptr;
}

static void log_cpu_exec(CPUState *cpu, TranslationBlock *tb)
{
    kemu_log("Trace %d: %p [%016" PRIx64 "/%016" PRIx64 "/%08x/%08x]\n",
             cpu->cpu_index, tb->tc_ptr, tb->cs_base, tb->pc, tb->flags,
             tb->cflags);
    if (kemu_log_enabled(LOG_CPU)) {
        GString *out = g_string_new(NULL);
        CPUClass *cc = CPU_GET_CLASS(cpu);

        /* Inside the loop the lazy flags are live: fold them for the
         * dump and split them again. */
        tcg_cpu_ops->cpu_exec_exit(cpu);
        if (cc->dump_state) {
            cc->dump_state(cpu, out, CPU_DUMP_CCOP);
        }
        tcg_cpu_ops->cpu_exec_enter(cpu);
        kemu_log("%s", out->str);
        g_string_free(out, true);
    }
}

/* Run one block (and whatever it chains to). Returns the block that
 * exited and how, for chaining; NULL when it must not be chained. */
static TranslationBlock *cpu_tb_exec(CPUState *cpu, TranslationBlock *tb,
                                     int *tb_exit)
{
    uintptr_t ret;
    TranslationBlock *last;

    if (unlikely(kemu_log_enabled(LOG_EXEC | LOG_CPU))) {
        log_cpu_exec(cpu, tb);
    }
    ret = tcg_qemu_tb_exec(cpu_env(cpu), tb->tc_ptr);
    last = (TranslationBlock *)(ret & ~(uintptr_t)TB_EXIT_MASK);
    *tb_exit = ret & TB_EXIT_MASK;
    if (*tb_exit > TB_EXIT_IDX1) {
        /* Stopped at a block entry for exit_request: nothing of 'last'
         * ran, but a chained jump into it may not have stored the pc. */
        tb_restore_state_at_start(cpu, last);
        return NULL;
    }
    return last;
}

/* Whether a yield (PAUSE in a spin loop) can let another vCPU run: only
 * when they share this thread and one of them has something to do. */
static bool yield_helps(CPUState *self)
{
    CPUState *cpu;

    if (tcg_settings.multi_thread) {
        return false;
    }
    CPU_FOREACH(cpu) {
        CPUClass *cc = CPU_GET_CLASS(cpu);
        if (cpu != self && !cpu->stop && !cpu->stopped &&
            (!cpu->halted || !cc->has_work || cc->has_work(cpu))) {
            return true;
        }
    }
    return false;
}

/* True if the loop must return (ret set); false to go on. */
static bool cpu_handle_exception(CPUState *cpu, int *ret)
{
    int excp = cpu->exception_index;

    if (excp < 0) {
        return false;
    }
    if (unlikely(tcg_thread(cpu)->watch_replay) && excp != EXCP_DEBUG) {
        if (excp < EXCP_INTERRUPT) {
            /* the replayed insn faulted: no stop after it */
            tcg_thread(cpu)->watch_replay = false;
        } else if (cpu->cflags_next_tb == (uint32_t)-1) {
            /* left before the replay block ran: run it next time */
            cpu->cflags_next_tb = (tcg_curr_cflags(cpu) & ~CF_COUNT_MASK) |
                                  CF_SINGLE_STEP | 1;
        }
    }
    if (excp == EXCP_YIELD && !yield_helps(cpu)) {
        /* Leaving would only take and drop the BQL in a tight loop,
         * starving the main loop (and its timers) of it. */
        cpu->exception_index = -1;
        return false;
    }
    if (excp >= EXCP_INTERRUPT) {
        *ret = excp;
        cpu->exception_index = -1;
        return true;
    }
    /* A guest exception or software interrupt: deliver it now (this may
     * longjmp again, e.g. a fault while delivering becomes #DF). */
    tcg_cpu_ops->do_interrupt(cpu);
    cpu->exception_index = -1;
    return false;
}

static bool cpu_handle_interrupt(CPUState *cpu, TranslationBlock **last_tb)
{
    uint32_t req = __atomic_load_n(&cpu->interrupt_request, __ATOMIC_ACQUIRE);

    if (unlikely(req) && (tcg_thread(cpu)->watch_replay ||
                          tcg_stepping_masks_irqs(cpu))) {
        /* A step (or a watchpoint's replay) runs the next guest insn,
         * not an interrupt handler's first one. */
        req &= ~(CPU_INTERRUPT_HARD | CPU_INTERRUPT_NMI | CPU_INTERRUPT_SMI |
                 CPU_INTERRUPT_POLL);
    }
    if (unlikely(req)) {
        if (req & CPU_INTERRUPT_EXITTB) {
            cpu_reset_interrupt(cpu, CPU_INTERRUPT_EXITTB);
            *last_tb = NULL;
        }
        if (tcg_cpu_ops->cpu_exec_interrupt(cpu, req)) {
            /* The guest state changed under the last block's feet. */
            *last_tb = NULL;
        }
        if (cpu->exception_index >= 0) {
            /* The target raised something (e.g. a halt on INIT). */
            return true;
        }
        if (cpu->halted) {
            cpu->exception_index = EXCP_HLT;
            return true;
        }
    }
    if (unlikely(__atomic_load_n(&cpu->exit_request, __ATOMIC_ACQUIRE)) ||
        unlikely(__atomic_load_n(&tcg_thread(cpu)->pending,
                                 __ATOMIC_ACQUIRE))) {
        __atomic_store_n(&cpu->exit_request, 0, __ATOMIC_RELEASE);
        tlb_process_pending(cpu);
        if (cpu->exception_index < 0) {
            cpu->exception_index = EXCP_INTERRUPT;
        }
        return true;
    }
    return false;
}

static void cpu_loop_run(CPUState *cpu)
{
    TranslationBlock *last_tb = NULL;
    int tb_exit = 0;

    while (!cpu_handle_interrupt(cpu, &last_tb)) {
        TranslationBlock *tb;
        uint64_t pc, cs_base;
        uint32_t flags, cflags;

        tcg_cpu_ops->get_tb_cpu_state(cpu, &pc, &cs_base, &flags);
        cflags = cpu->cflags_next_tb;
        if (cflags == (uint32_t)-1) {
            cflags = tcg_curr_cflags(cpu);
        } else {
            cpu->cflags_next_tb = -1;
            last_tb = NULL;
        }
        tb = tb_lookup(cpu, pc, cs_base, flags, cflags, false);
        if (!tb) {
            tb = tb_gen_code(cpu, pc, cs_base, flags, cflags);
            if (tb->page_addr[0] != (hwaddr)-1 &&
                !(tb->cflags & CF_INVALID)) {
                __atomic_store_n(&tcg_thread(cpu)->jmp_cache[
                                     tb_jmp_cache_hash(pc)],
                                 tb, __ATOMIC_RELEASE);
            }
        }
        /* A block on two pages is entered only through a lookup, which
         * checks how its second page is mapped. */
        if (last_tb && tb->page_addr[1] == (hwaddr)-1) {
            tb_add_jump(last_tb, tb_exit, tb);
        }
        /* per vCPU: a shared counter would bounce between hosts CPUs */
        tcg_thread(cpu)->tb_exec_lookups++;
        last_tb = cpu_tb_exec(cpu, tb, &tb_exit);
    }
}

/* The vCPU of this thread's cpu_exec, read again after a longjmp. */
static __thread CPUState *exec_cpu;

static int cpu_exec_loop(CPUState *cpu)
{
    int ret;

    for (;;) {
        if (cpu_handle_exception(cpu, &ret)) {
            return ret;
        }
        cpu_loop_run(cpu);
    }
}

int tcg_cpu_exec(CPUState *cpu)
{
    CPUClass *cc = CPU_GET_CLASS(cpu);
    int ret;

    if (cpu->halted) {
        if (cc->has_work && !cc->has_work(cpu)) {
            return EXCP_HALTED;
        }
        cpu->halted = false;
    }

    cpu_exec_start(cpu);
    exec_cpu = cpu;
    tlb_process_pending(cpu);
    tcg_cpu_ops->cpu_exec_enter(cpu);

    if (sigsetjmp(cpu->jmp_env, 0) != 0) {
        /* Back from cpu_loop_exit: anything a helper held when it gave
         * up is released here. */
        if (bql_locked()) {
            bql_unlock();
        }
    }
    ret = cpu_exec_loop(exec_cpu);

    tcg_cpu_ops->cpu_exec_exit(exec_cpu);
    cpu_exec_end(exec_cpu);
    return ret;
}

void tcg_cpu_exec_step_atomic(CPUState *cpu)
{
    uint64_t pc, cs_base;
    uint32_t flags, cflags;
    TranslationBlock *tb;
    int tb_exit;

    start_exclusive();
    exec_cpu = cpu;
    if (sigsetjmp(cpu->jmp_env, 0) == 0) {
        tcg_cpu_ops->cpu_exec_enter(cpu);
        tcg_cpu_ops->get_tb_cpu_state(cpu, &pc, &cs_base, &flags);
        /* One insn, run with nobody else in guest code: it may use
         * plain loads and stores for its atomic op. */
        cflags = 1 | CF_EXCLUSIVE | (tcg_curr_cflags(cpu) &
                                     ~(CF_PARALLEL | CF_COUNT_MASK));
        tb = tb_lookup(cpu, pc, cs_base, flags, cflags, false);
        if (!tb) {
            tb = tb_gen_code(cpu, pc, cs_base, flags, cflags);
        }
        cpu_tb_exec(cpu, tb, &tb_exit);
        tcg_cpu_ops->cpu_exec_exit(cpu);
    } else {
        if (bql_locked()) {
            bql_unlock();
        }
        /* A fault: it is delivered by the next cpu_exec. */
        tcg_cpu_ops->cpu_exec_exit(exec_cpu);
    }
    end_exclusive();
}
