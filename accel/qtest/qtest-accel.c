/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qtest accelerator: no guest code ever runs. The virtual clock moves
 * only on the protocol's clock_step and clock_set; interrupts go to the
 * userspace controllers.
 *
 * A vCPU gets no thread at all: with nothing to execute, an idle thread
 * would only add a stop/start handshake. Without one (thread_created
 * stays false) pause_all_vcpus() has nothing to wait for and run_on_cpu()
 * runs its work directly on the calling thread, which holds the BQL.
 */
#include "sysemu/accel.h"
#include "sysemu/interrupts.h"
#include "hw/core/cpu.h"
#include "util/timer.h"

static bool qtest_init_machine(MachineState *ms, Error **errp)
{
    clock_virtual_set_manual(true);
    irq_backend_set(&irq_userspace_backend);
    return true;
}

static bool qtest_create_vcpu_thread(CPUState *cpu, Error **errp)
{
    return true;
}

static const AccelOps qtest_accel_ops = {
    .name = "qtest",
    .desc = "device tests driven over the qtest protocol",
    .init_machine = qtest_init_machine,
    .create_vcpu_thread = qtest_create_vcpu_thread,
};

static void __attribute__((constructor)) qtest_accel_register(void)
{
    accel_register(&qtest_accel_ops);
}
