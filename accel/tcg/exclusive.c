/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Exclusive sections: one thread runs while every vCPU is parked outside
 * cpu_exec (so no vCPU is in generated code, translating, or holding a
 * TB pointer). Used for atomics the host cannot do in one instruction
 * (page-crossing or MMIO), and for flushing the code buffer.
 *
 * A vCPU marks itself 'running' on entering cpu_exec and clears it on
 * leaving. start_exclusive() announces itself in 'pending', counts the
 * running vCPUs (marking each 'has_waiter'), makes them leave generated
 * code and waits until each has left; a vCPU that tries to enter while
 * a section is pending or active waits for end_exclusive(). The
 * announce-then-check on one side and set-then-check on the other (with
 * full barriers between) mean that either the requester counts a vCPU
 * or that vCPU sees the request; never neither.
 *
 * The caller of start_exclusive must not hold the BQL: a running vCPU
 * may need it to finish the MMIO access it is in.
 */
#include "accel/tcg/internal.h"

static GMutex excl_lock;
static GCond excl_cond;        /* a counted vCPU left */
static GCond excl_resume;      /* the section ended */
static int pending_cpus;       /* atomic: 0 idle; else 1 + vCPUs waited for */
static __thread bool excl_owner_was_running;
static __thread int excl_depth;   /* nested sections of the owner */

void cpu_exec_start(CPUState *cpu)
{
    TCGCPUThread *t = tcg_thread(cpu);

    __atomic_store_n(&t->running, true, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&pending_cpus, __ATOMIC_SEQ_CST)) {
        g_mutex_lock(&excl_lock);
        if (!t->has_waiter) {
            /* Not counted: the section runs without us; wait it out. */
            __atomic_store_n(&t->running, false, __ATOMIC_SEQ_CST);
            while (pending_cpus) {
                g_cond_wait(&excl_resume, &excl_lock);
            }
            __atomic_store_n(&t->running, true, __ATOMIC_SEQ_CST);
        }
        g_mutex_unlock(&excl_lock);
    }
}

void cpu_exec_end(CPUState *cpu)
{
    TCGCPUThread *t = tcg_thread(cpu);

    __atomic_store_n(&t->running, false, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&pending_cpus, __ATOMIC_SEQ_CST)) {
        g_mutex_lock(&excl_lock);
        if (t->has_waiter) {
            t->has_waiter = false;
            if (--pending_cpus == 1) {
                g_cond_signal(&excl_cond);
            }
        }
        g_mutex_unlock(&excl_lock);
    }
}

void start_exclusive(void)
{
    CPUState *self = current_cpu_get();
    CPUState *cpu;
    int running = 0;

    if (excl_depth++) {
        return;             /* already exclusive (e.g. a flush inside) */
    }
    /* A vCPU asking from inside cpu_exec steps out first. */
    excl_owner_was_running = self && tcg_thread(self) &&
        __atomic_load_n(&tcg_thread(self)->running, __ATOMIC_SEQ_CST);
    if (excl_owner_was_running) {
        cpu_exec_end(self);
    }

    g_mutex_lock(&excl_lock);
    while (pending_cpus) {
        g_cond_wait(&excl_resume, &excl_lock);
    }
    __atomic_store_n(&pending_cpus, 1, __ATOMIC_SEQ_CST);
    CPU_FOREACH(cpu) {
        TCGCPUThread *t = tcg_thread(cpu);
        if (t && __atomic_load_n(&t->running, __ATOMIC_SEQ_CST)) {
            t->has_waiter = true;
            running++;
            tcg_cpu_exit(cpu);
        }
    }
    __atomic_store_n(&pending_cpus, running + 1, __ATOMIC_SEQ_CST);
    while (pending_cpus > 1) {
        g_cond_wait(&excl_cond, &excl_lock);
    }
    g_mutex_unlock(&excl_lock);
}

void end_exclusive(void)
{
    CPUState *self = current_cpu_get();

    if (--excl_depth) {
        return;
    }
    g_mutex_lock(&excl_lock);
    __atomic_store_n(&pending_cpus, 0, __ATOMIC_SEQ_CST);
    g_cond_broadcast(&excl_resume);
    g_mutex_unlock(&excl_lock);
    if (excl_owner_was_running) {
        excl_owner_was_running = false;
        cpu_exec_start(self);
    }
}

bool tcg_in_exclusive(void)
{
    return excl_depth > 0;
}
