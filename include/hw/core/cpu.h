/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The architecture-neutral part of a vCPU. Each vCPU runs on its own
 * thread (created by the accelerator); the main thread stops and starts
 * them, and runs work on them synchronously with run_on_cpu() (the
 * monitor and gdbstub read registers this way).
 */
#ifndef KEMU_CPU_H
#define KEMU_CPU_H

#include "hw/qdev.h"
#include "exec/memory.h"
#include "exec/cpu-tlb.h"
#include <pthread.h>
#include <setjmp.h>

#define TYPE_CPU "cpu"

typedef struct CPUState CPUState;
typedef struct CPUClass CPUClass;
typedef struct AccelCPUState AccelCPUState;   /* the accelerator's part */

typedef void run_on_cpu_func(CPUState *cpu, void *data);

struct CPUClass {
    DeviceClass parent_class;
    /* Architectural reset (SDM power-on/INIT state). */
    void (*cpu_reset)(CPUState *cpu);
    /* "info registers" text into out; flags: CPU_DUMP_* */
    void (*dump_state)(CPUState *cpu, GString *out, int flags);
    bool (*has_work)(CPUState *cpu);
    int64_t (*get_arch_id)(CPUState *cpu);   /* APIC ID on x86 */
    hwaddr (*get_phys_page_debug)(CPUState *cpu, uint64_t vaddr);
};
#define CPU_DUMP_FPU  (1 << 0)
#define CPU_DUMP_CCOP (1 << 1)

struct CPUState {
    DeviceState parent_obj;

    int cpu_index;              /* 0..smp.cpus-1 */
    pthread_t thread;
    bool thread_created;
    GCond halt_cond;            /* vCPU waits here while stopped/halted */

    /* Control (protected by the BQL, read by the vCPU thread). */
    bool stop;                  /* main thread asks the vCPU to stop */
    bool stopped;               /* vCPU acknowledged */
    bool unplug;
    bool halted;
    int exit_request;           /* atomic: leave KVM_RUN / TCG loop now */
    uint32_t interrupt_request; /* CPU_INTERRUPT_* bits, atomic */

    GQueue *work;               /* queued run_on_cpu items */

    /* Register state sync (accelerator-owned flag). */
    bool vcpu_dirty;            /* userspace copy is newer than accel's */

    AccelCPUState *accel;
    CPUState *next;             /* global list, in cpu_index order */

    /* ---- TCG (accel/tcg owns these; unused under KVM and qtest) ---- */
    /* Probed inline by generated code at a fixed offset from env. */
    CPUTLBDescFast tlb_fast[NB_MMU_MODES];
    int exception_index;        /* EXCP_* or a vector, -1 for none */
    sigjmp_buf jmp_env;         /* cpu_loop_exit lands here */
    uint32_t cflags_next_tb;    /* -1, or cflags forced for the next TB */
    bool singlestep_enabled;    /* gdbstub single step */
    struct TCGCPUThread *tcg;   /* the runtime's per-vCPU state */
};

#define CPU_INTERRUPT_HARD  0x0002   /* external interrupt pending */
#define CPU_INTERRUPT_INIT  0x0400
#define CPU_INTERRUPT_SIPI  0x0800
#define CPU_INTERRUPT_NMI   0x0200
#define CPU_INTERRUPT_SMI   0x0040
#define CPU_INTERRUPT_POLL  0x0080   /* LAPIC has something to check */
#define CPU_INTERRUPT_EXITTB 0x0004

OBJECT_DECLARE_TYPE(CPUState, CPUClass, CPU)

extern CPUState *first_cpu;
#define CPU_FOREACH(cpu) for ((cpu) = first_cpu; (cpu); (cpu) = (cpu)->next)
CPUState *qemu_get_cpu(int index);
int cpu_count(void);
void cpu_list_add(CPUState *cpu);
void cpu_list_remove(CPUState *cpu);
/* The vCPU whose thread is calling, or NULL on other threads. */
CPUState *current_cpu_get(void);
void current_cpu_set(CPUState *cpu);

/* Make the vCPU leave KVM_RUN / TCG loop soon (any thread). */
void cpu_kick(CPUState *cpu);
void cpu_interrupt(CPUState *cpu, uint32_t mask);
void cpu_reset_interrupt(CPUState *cpu, uint32_t mask);
void cpu_reset(CPUState *cpu);
/* Run fn on the vCPU's thread and wait (BQL held by the caller; released
 * while waiting). Runs directly when called on that thread. */
void run_on_cpu(CPUState *cpu, run_on_cpu_func *fn, void *data);
/* Fetch registers from the accelerator into the CPU struct. */
void cpu_synchronize_state(CPUState *cpu);
/* After the CPU struct is written (reset, loaders): push on next run. */
void cpu_synchronize_post_reset(CPUState *cpu);
void cpu_synchronize_post_init(CPUState *cpu);
void cpu_dump_state(CPUState *cpu, GString *out, int flags);

/* Hooks the accelerator installs (see sysemu/accel.h). */
void pause_all_vcpus(void);
void resume_all_vcpus(void);
/* One stopped vCPU runs again (the VM must be running: vm_prepare_start). */
void cpu_resume(CPUState *cpu);
bool all_vcpus_paused(void);
/* Called by vCPU threads when they have nothing to do (stop/halt). */
void cpu_wait_io_event(CPUState *cpu);
/* The same for one thread serving every vCPU (TCG thread=single): acks
 * stops and runs queued work of all vCPUs, and sleeps until one of them
 * has something to do. */
void cpu_wait_io_event_all(void);
bool cpu_thread_is_idle(CPUState *cpu);
/* Process queued run_on_cpu work (on the vCPU thread, BQL held). */
void cpu_process_queued_work(CPUState *cpu);

#endif
