/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to the KVM accelerator: the per-vCPU state and the hooks the
 * architecture part (target/i386/kvm.c) implements for the generic part
 * (accel/kvm/kvm-all.c, kvm-cpus.c).
 */
#ifndef KEMU_KVM_INT_H
#define KEMU_KVM_INT_H

#include "sysemu/kvm.h"
#include <linux/kvm.h>

/* Register groups for lazy synchronisation. */
enum {
    KVM_GRP_REGS    = 1 << 0,
    KVM_GRP_SREGS   = 1 << 1,
    KVM_GRP_EVENTS  = 1 << 2,
    KVM_GRP_FPU     = 1 << 3,   /* XSAVE (or FPU) + XCRs */
    KVM_GRP_MSRS    = 1 << 4,
    KVM_GRP_MPSTATE = 1 << 5,
    KVM_GRP_DEBUG   = 1 << 6,
    KVM_GRP_ALL     = (1 << 7) - 1,
};

struct AccelCPUState {
    int fd;
    struct kvm_run *run;
    size_t run_size;
    unsigned valid;      /* groups whose values in env are current */
    unsigned dirty;      /* groups changed in env, to push before KVM_RUN */
    /* x86: MSRs this vCPU syncs (filtered at creation) */
    uint32_t *msrs;
    int nr_msrs;
    /* KVM_SET_GUEST_DEBUG's argument, set by the debug update hook and
     * applied by the vCPU thread before its next KVM_RUN when dirty. */
    struct kvm_guest_debug guest_debug;
    bool guest_debug_dirty;
};

/* Exit codes of kvm_cpu_exec (what the thread loop does next). */
enum {
    EXCP_RUN_AGAIN = 0,
    EXCP_INTERRUPT,     /* stop/kick/work: go through cpu_wait_io_event */
    EXCP_HLT,           /* halted in userspace */
    EXCP_FATAL,         /* internal error: vCPU stops for good */
};

typedef struct KVMState {
    int fd;
    int vm_fd;
    size_t run_mmap_size;
    KernelIrqchip irqchip;
    bool have_sync_regs;
    bool have_readonly_mem;
    bool have_signal_msi;
    bool have_user_msr;    /* userspace MSR exits + filter enabled */
    int nr_slots;
    int max_slots;
    /* vCPUs between "enter KVM_RUN" and "left it" (slot updates wait) */
    int in_run;
    /* Coalesced writes (port 0x80): page offset in the vCPU mmap, and the
     * ring (shared by all vCPUs; drained under the BQL). */
    int coalesced_page;
    struct kvm_coalesced_mmio_ring *coalesced_ring;
} KVMState;

extern KVMState *kvm_state;

/* Generic helpers (kvm-all.c). */
void kvm_vcpus_kick_out(void);
/* kvm-cpus.c */
bool kvm_create_vcpu_thread(CPUState *cpu, Error **errp);
void kvm_kick_vcpu(CPUState *cpu);
void kvm_cpus_init_signals(void);
void kvm_flush_coalesced(void);

/* Architecture hooks (target/i386/kvm.c). */
bool kvm_arch_init(MachineState *ms, KVMState *s, Error **errp);
bool kvm_arch_init_vcpu(CPUState *cpu, Error **errp);
/* Bring env up to date for the given groups (lazy fetch). */
void kvm_arch_get_registers(CPUState *cpu, unsigned groups);
/* Push every dirty group (or 'force' groups) to the kernel. */
void kvm_arch_put_registers(CPUState *cpu, unsigned force);
/* BQL held, before KVM_RUN: userspace interrupt injection, INIT/SIPI.
 * Returns false when the vCPU should not enter (halted, waiting). */
bool kvm_arch_pre_run(CPUState *cpu);
/* Right after KVM_RUN returns, BQL held (device models may be called). */
void kvm_arch_post_run(CPUState *cpu);
/* Exits the generic loop does not know; BQL held. Returns EXCP_*. */
int kvm_arch_handle_exit(CPUState *cpu, struct kvm_run *run);
/* Guest debugging (target/i386/kvm-debug.c): install the update hook;
 * handle KVM_EXIT_DEBUG (BQL held, returns EXCP_*). */
void kvm_arch_debug_init(void);
int kvm_arch_handle_debug_exit(CPUState *cpu, struct kvm_run *run);
/* vCPU reset: mark everything dirty so that the reset state is pushed. */
void kvm_arch_reset_vcpu(CPUState *cpu);

#endif
