/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vCPU threads under TCG.
 *
 * thread=multi: one host thread per vCPU, each with its own TCG context.
 * thread=single: one thread runs every vCPU in turn; a 10 ms timer makes
 * the running one leave generated code so the next gets its turn.
 *
 * A thread holds the BQL except while in cpu_exec (generated code takes
 * it only around MMIO and device helpers). A kick is cpu->exit_request,
 * which generated code checks at every block entry: no signal is needed,
 * since generated code never loops without passing a block entry, and a
 * vCPU blocked in the BQL or asleep is woken by the lock or the
 * condition variable it waits on.
 */
#include "accel/tcg/internal.h"
#include "util/log.h"
#include "util/main-loop.h"
#include "util/rcu.h"
#include "util/timer.h"
#include "sysemu/accel.h"

#define RR_TIME_SLICE_NS (10 * 1000 * 1000)

int tcg_nb_vcpus;

void tcg_cpu_init_state(CPUState *cpu)
{
    if (cpu->tcg) {
        return;
    }
    cpu->tcg = g_new0(TCGCPUThread, 1);
    tlb_init(cpu);
    cpu->exception_index = -1;
    cpu->cflags_next_tb = -1;
}

void tcg_cpu_exit(CPUState *cpu)
{
    __atomic_store_n(&cpu->exit_request, 1, __ATOMIC_RELEASE);
}

static bool cpu_can_run(CPUState *cpu)
{
    return !cpu->stop && !cpu->stopped && !cpu->unplug;
}

/* What cpu_exec's result asks of the thread; BQL held. */
static void handle_exec_result(CPUState *cpu, int r)
{
    switch (r) {
    case EXCP_ATOMIC:
        bql_unlock();
        tcg_cpu_exec_step_atomic(cpu);
        bql_lock();
        break;
    case EXCP_DEBUG:
        /* a breakpoint, watchpoint or step: the VM stops for gdb */
        tcg_handle_debug_exit(cpu);
        break;
    default:
        break;
    }
}

/* ---- thread=multi ---- */

static void *tcg_cpu_thread_fn(void *arg)
{
    CPUState *cpu = arg;

    current_cpu_set(cpu);
    rcu_register_thread();
    tcg_thread_context_init();
    bql_lock();
    while (!cpu->unplug) {
        if (cpu_can_run(cpu)) {
            int r;
            bql_unlock();
            r = tcg_cpu_exec(cpu);
            bql_lock();
            handle_exec_result(cpu, r);
        }
        cpu_wait_io_event(cpu);
    }
    bql_unlock();
    rcu_unregister_thread();
    return NULL;
}

/* ---- thread=single ---- */

static pthread_t rr_thread;
static bool rr_thread_started;
static CPUState *rr_current;          /* atomic: the vCPU in cpu_exec */
static Timer *rr_kick_timer;

static void rr_kick_current(void)
{
    CPUState *cpu = __atomic_load_n(&rr_current, __ATOMIC_ACQUIRE);

    if (cpu) {
        tcg_cpu_exit(cpu);
    }
}

static void rr_kick_timer_cb(void *opaque)
{
    rr_kick_current();
    timer_mod_ns(rr_kick_timer,
                 clock_get_ns(KEMU_CLOCK_REALTIME) + RR_TIME_SLICE_NS);
}

static void *tcg_rr_thread_fn(void *arg)
{
    CPUState *next = NULL;

    rcu_register_thread();
    tcg_thread_context_init();
    bql_lock();
    for (;;) {
        CPUState *cpu;
        bool any = false;

        cpu_wait_io_event_all();
        if (!next) {
            next = first_cpu;
        }
        /* One turn for each runnable vCPU, starting after the last. */
        for (cpu = next; cpu; cpu = cpu->next) {
            int r;

            if (!cpu_can_run(cpu)) {
                continue;
            }
            any = true;
            current_cpu_set(cpu);
            __atomic_store_n(&rr_current, cpu, __ATOMIC_RELEASE);
            bql_unlock();
            r = tcg_cpu_exec(cpu);
            bql_lock();
            __atomic_store_n(&rr_current, NULL, __ATOMIC_RELEASE);
            handle_exec_result(cpu, r);
            current_cpu_set(NULL);
            if (cpu->stop || r == EXCP_INTERRUPT) {
                /* Asked to come out (a stop, queued work, a time slice
                 * end): see to it, then go on with the next vCPU. */
                cpu = cpu->next;
                break;
            }
        }
        next = cpu;
        if (!any && !next) {
            next = first_cpu;
        }
    }
    return NULL;
}

static void rr_kick_vcpu(CPUState *cpu)
{
    /* Whoever is running makes way; the thread then looks at every vCPU
     * (cpu_kick already woke it if it was asleep). */
    tcg_cpu_exit(cpu);
    rr_kick_current();
}

/* ---- accelerator hooks ---- */

void tcg_kick_vcpu_thread(CPUState *cpu)
{
    if (tcg_settings.multi_thread) {
        tcg_cpu_exit(cpu);
    } else {
        rr_kick_vcpu(cpu);
    }
}

bool tcg_create_vcpu_thread(CPUState *cpu, Error **errp)
{
    int r;

    tcg_cpu_init_state(cpu);
    __atomic_add_fetch(&tcg_nb_vcpus, 1, __ATOMIC_SEQ_CST);
    if (tcg_settings.multi_thread) {
        r = pthread_create(&cpu->thread, NULL, tcg_cpu_thread_fn, cpu);
        if (r) {
            error_setg(errp, "failed to create vCPU thread: %s", strerror(r));
            return false;
        }
        cpu->thread_created = true;
        return true;
    }
    if (!rr_thread_started) {
        r = pthread_create(&rr_thread, NULL, tcg_rr_thread_fn, NULL);
        if (r) {
            error_setg(errp, "failed to create vCPU thread: %s", strerror(r));
            return false;
        }
        rr_thread_started = true;
        rr_kick_timer = timer_new_ns(KEMU_CLOCK_REALTIME, rr_kick_timer_cb,
                                     NULL);
        timer_mod_ns(rr_kick_timer,
                     clock_get_ns(KEMU_CLOCK_REALTIME) + RR_TIME_SLICE_NS);
    }
    cpu->thread = rr_thread;
    cpu->thread_created = true;
    return true;
}
