/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Accelerators: kvm, qtest (later tcg). An accelerator is chosen with
 * -accel/-machine accel=/-enable-kvm; the first one in the list that
 * initialises wins (QEMU's rule for "accel=kvm:tcg").
 */
#ifndef KEMU_ACCEL_H
#define KEMU_ACCEL_H

#include "hw/core/cpu.h"

typedef struct MachineState MachineState;

typedef struct AccelOps {
    const char *name;            /* "kvm", "qtest", "tcg" */
    const char *desc;
    /* Whether this host offers the accelerator at all (KVM: the device
     * node exists). Only the default choice (no -accel) asks, to pass
     * over it quietly; NULL means always. */
    bool (*available)(Error **errp);
    /* Before the machine builds devices (open /dev/kvm, create VM). */
    bool (*init_machine)(MachineState *ms, Error **errp);
    /* After the machine is built (e.g. start listening for exits). */
    bool (*setup_post)(MachineState *ms, Error **errp);
    /* Start the vCPU thread (the thread stays stopped until vm_start). */
    bool (*create_vcpu_thread)(CPUState *cpu, Error **errp);
    void (*kick_vcpu_thread)(CPUState *cpu);
    void (*synchronize_state)(CPUState *cpu);
    void (*synchronize_post_reset)(CPUState *cpu);
    void (*synchronize_post_init)(CPUState *cpu);
    /* Set accelerator properties from -accel NAME,prop=val. */
    bool (*set_property)(const char *name, const char *value, Error **errp);
    /* Print -accel NAME,help property list; NULL if none. */
    void (*print_props)(FILE *f);
} AccelOps;

void accel_register(const AccelOps *ops);
const AccelOps *accel_find(const char *name);
const AccelOps *current_accel(void);
void accel_set_current(const AccelOps *ops);
bool kvm_enabled(void);
bool qtest_enabled(void);
bool tcg_enabled(void);
/* "-accel help" */
void accel_print_list(FILE *f);

#endif
