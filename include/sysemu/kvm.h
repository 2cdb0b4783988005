/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The KVM accelerator, as seen by the rest of kemu. Only the x86 CPU
 * glue (target/i386/kvm.c) and the in-kernel irqchip devices
 * (hw/intc/kvm/) may issue ioctls; the board asks the questions below to
 * decide which interrupt controller and timer models to create.
 */
#ifndef KEMU_SYSEMU_KVM_H
#define KEMU_SYSEMU_KVM_H

#include "sysemu/accel.h"
#include "hw/boards.h"

/* Which interrupt controllers live in the kernel (valid after init). */
KernelIrqchip kvm_irqchip_mode(void);
bool kvm_irqchip_in_kernel(void);        /* on or split: LAPIC in kernel */
bool kvm_ioapic_in_kernel(void);         /* on: PIC+IOAPIC in kernel */
bool kvm_pit_in_kernel(void);            /* on: PIT in kernel (PIT2) */

/* Raw access for the accelerator's own pieces. */
int kvm_get_fd(void);                    /* /dev/kvm */
int kvm_get_vm_fd(void);
/* ioctl on /dev/kvm, the VM or a vCPU; -errno on failure. */
int kvm_ioctl(unsigned long req, void *arg);
int kvm_vm_ioctl(unsigned long req, void *arg);
int kvm_vcpu_ioctl(CPUState *cpu, unsigned long req, void *arg);
/* KVM_CHECK_EXTENSION on the VM (falls back to /dev/kvm); 0 if absent. */
int kvm_check_extension(unsigned int cap);

/* GSI routing (kernel irqchip). Routes are committed in one ioctl. */
void kvm_irqchip_add_irq_route(int gsi, int irqchip, int pin);
int kvm_irqchip_add_msi_route(uint64_t addr, uint32_t data);  /* virq */
bool kvm_irqchip_update_msi_route(int virq, uint64_t addr, uint32_t data);
void kvm_irqchip_release_virq(int virq);
int kvm_irqchip_commit_routes(void);
/* Install the KVM IrqBackend (hw/intc/kvm/kvm-irq.c). */
void kvm_irq_backend_install(void);

#endif
