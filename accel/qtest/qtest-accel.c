/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qtest accelerator: no guest code ever runs. vCPU threads exist so
 * that pause/resume and run_on_cpu behave as under KVM, but they only
 * sleep; the virtual clock moves only on the protocol's clock_step and
 * clock_set; interrupts go to the userspace controllers.
 */
#include "sysemu/accel.h"
#include "sysemu/interrupts.h"
#include "hw/core/cpu.h"
#include "util/main-loop.h"
#include "util/timer.h"

/* One wake-up counter for all qtest vCPUs: a kick bumps it. */
static GMutex kick_lock;
static GCond kick_cond;
static unsigned kick_gen;

static bool qtest_init_machine(MachineState *ms, Error **errp)
{
    clock_virtual_set_manual(true);
    irq_backend_set(&irq_userspace_backend);
    return true;
}

static void qtest_kick(CPUState *cpu)
{
    g_mutex_lock(&kick_lock);
    kick_gen++;
    g_cond_broadcast(&kick_cond);
    g_mutex_unlock(&kick_lock);
}

static void *qtest_vcpu_thread(void *arg)
{
    CPUState *cpu = arg;

    bql_lock();
    current_cpu_set(cpu);
    while (!cpu->unplug) {
        unsigned gen;

        g_mutex_lock(&kick_lock);
        gen = kick_gen;
        g_mutex_unlock(&kick_lock);

        /* Acknowledges stop requests, runs queued work, sleeps while
         * stopped; returns when the vCPU "runs". */
        cpu_wait_io_event(cpu);

        /* Running means idling here until something kicks us. */
        g_mutex_lock(&kick_lock);
        if (gen == kick_gen && !cpu->stop && !cpu->unplug) {
            bql_unlock();
            while (gen == kick_gen) {
                g_cond_wait(&kick_cond, &kick_lock);
            }
            g_mutex_unlock(&kick_lock);
            bql_lock();
        } else {
            g_mutex_unlock(&kick_lock);
        }
    }
    current_cpu_set(NULL);
    bql_unlock();
    return NULL;
}

static bool qtest_create_vcpu_thread(CPUState *cpu, Error **errp)
{
    int r = pthread_create(&cpu->thread, NULL, qtest_vcpu_thread, cpu);

    if (r) {
        error_setg_errno(errp, r, "cannot create vCPU thread");
        return false;
    }
    cpu->thread_created = true;
    return true;
}

static const AccelOps qtest_accel_ops = {
    .name = "qtest",
    .desc = "device tests driven over the qtest protocol",
    .init_machine = qtest_init_machine,
    .create_vcpu_thread = qtest_create_vcpu_thread,
    .kick_vcpu_thread = qtest_kick,
};

static void __attribute__((constructor)) qtest_accel_register(void)
{
    accel_register(&qtest_accel_ops);
}
