/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TCG's side of guest debugging (include/exec/breakpoint.h): react to
 * the gdbstub's changes, the helper that a block reaching a breakpoint
 * calls, the watchpoint check of the softmmu slow path, and EXCP_DEBUG
 * once it reaches the vCPU loop.
 */
#include "accel/tcg/internal.h"
#include "exec/breakpoint.h"
#include "util/main-loop.h"

/*
 * A breakpoint or watchpoint changed, or single step was turned on or
 * off. Blocks translated before may run past a new breakpoint (nothing
 * records which blocks hold which pc, so all go), and TLB entries made
 * before miss TLB_WATCHPOINT on a newly watched page.
 */
static int tcg_debug_update(CPUState *cpu)
{
    bool locked = bql_locked();

    cpu->singlestep_enabled =
        (cpu_single_step_flags(cpu) & SSTEP_ENABLE) != 0;
    /* start_exclusive must not hold the BQL: a vCPU it waits for may
     * need it to leave generated code. */
    if (locked) {
        bql_unlock();
    }
    tb_flush(cpu);
    if (locked) {
        bql_lock();
    }
    if (tcg_thread(cpu)) {
        tlb_flush(cpu);
    }
    return 0;
}

void tcg_debug_init(void)
{
    cpu_debug_set_update_hook(tcg_debug_update);
}

void helper_tcg_breakpoint(void *env)
{
    CPUState *cpu = env_to_cpu(env);

    /* The block's insn_start for the breakpoint's pc was emitted just
     * before this call: the restore puts the guest at that insn. */
    cpu_restore_state(cpu, GETPC());
    cpu->exception_index = EXCP_DEBUG;
    cpu_loop_exit(cpu);
}

bool tcg_stepping_masks_irqs(CPUState *cpu)
{
    return cpu->singlestep_enabled &&
           (cpu_single_step_flags(cpu) & SSTEP_NOIRQ);
}

void tcg_handle_debug_exit(CPUState *cpu)
{
    tcg_thread(cpu)->watch_replay = false;
    cpu_debug_exception(cpu);
}

void tcg_watchpoint_access(CPUState *cpu, uint64_t addr, unsigned size,
                           int flags, uintptr_t ra)
{
    TCGCPUThread *t = tcg_thread(cpu);

    if (t->watch_replay || !cpu_watchpoint_check(cpu, addr, size, flags)) {
        return;
    }
    /*
     * gdb expects the stop after the access, at the next instruction:
     * run this instruction again as a block of its own that ends in
     * EXCP_DEBUG, ignoring watchpoints meanwhile (the hit is recorded).
     */
    cpu_restore_state(cpu, ra);
    t->watch_replay = true;
    cpu->cflags_next_tb = (tcg_curr_cflags(cpu) & ~CF_COUNT_MASK) |
                          CF_SINGLE_STEP | 1;
    cpu->exception_index = -1;
    cpu_loop_exit(cpu);
}
