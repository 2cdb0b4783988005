/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The local APIC of each vCPU (Intel SDM vol. 3, ch. 10/11), in
 * userspace: used by qtest, TCG and KVM with kernel-irqchip=off.
 *
 * Device "apic" (no bus). The CPU creates it as its child "lapic", sets
 * "id" (the APIC ID; default: the CPU's arch id / index) and the "cpu"
 * link (optional when the APIC is the CPU's child), then realizes it.
 * The xAPIC page is one MMIO region at 0xfee00000 shared by all APICs:
 * an access goes to the APIC of the calling vCPU (current_cpu_get()),
 * or of the first CPU when no vCPU is calling (qtest, monitor).
 * Writes above the first 4 KiB of the 1 MiB window are MSI messages.
 *
 * gpio_in[0], gpio_in[1]: LINT0, LINT1 pins (LVT-programmed).
 *
 * Interrupts reach the CPU as cpu_interrupt(cpu, CPU_INTERRUPT_HARD)
 * (held while something is deliverable, reset when not), _NMI, _SMI,
 * _INIT (the APIC itself is already INIT-reset when this is raised) and
 * _SIPI (vector from apic_get_sipi_vector()).
 */
#ifndef KEMU_HW_INTC_APIC_H
#define KEMU_HW_INTC_APIC_H

#include "hw/core/cpu.h"

#define TYPE_APIC "apic"
#define TYPE_KVM_APIC "kvm-apic"   /* in-kernel LAPIC (hw/intc/kvm/) */

#define APIC_DEFAULT_ADDRESS 0xfee00000ULL
#define APIC_SPACE_SIZE      0x100000ULL      /* the MSI window */

/* MSR numbers the APIC serves. */
#define MSR_IA32_APICBASE      0x1b
#define MSR_IA32_TSC_DEADLINE  0x6e0
#define MSR_X2APIC_FIRST       0x800
#define MSR_X2APIC_LAST        0x8ff
/* IA32_APIC_BASE bits */
#define MSR_IA32_APICBASE_BSP    (1ULL << 8)
#define MSR_IA32_APICBASE_EXTD   (1ULL << 10)   /* x2APIC mode */
#define MSR_IA32_APICBASE_ENABLE (1ULL << 11)
#define MSR_IA32_APICBASE_BASE   (0xfffffULL << 12)

/*
 * The vCPU loop asks this when CPU_INTERRUPT_HARD is set and the guest
 * can take an external interrupt: returns the vector of the highest
 * priority deliverable LAPIC interrupt (moved from IRR to ISR), else an
 * ExtINT vector from the 8259 (when LINT0 is in ExtINT mode, or the APIC
 * is hardware-disabled, on the BSP; or after an ExtINT message), else -1.
 * Updates CPU_INTERRUPT_HARD for what is left. Works for a CPU without
 * an APIC too (PIC straight to the BSP's INTR). BQL held.
 */
int x86_intc_get_interrupt(CPUState *cpu);

/* Whether x86_intc_get_interrupt() would return a vector now. */
bool x86_intc_has_interrupt(CPUState *cpu);

/*
 * The line the master 8259's INT output drives: the BSP's LINT0, and the
 * BSP's INTR pin when the LAPIC passes it through (hardware-disabled,
 * LINT0 in ExtINT mode) or when there is no LAPIC. Allocated on first
 * use; pass it as i8259_init()'s parent_int.
 */
qemu_irq apic_pic_line(void);

/* An MSI message (address 0xfeeXXXXX, data) to the LAPICs: the
 * userspace IrqBackend's MSI handler (installed when the first APIC is
 * realized). BQL held. */
void apic_deliver_msi(uint64_t addr, uint32_t data);

/* The APIC of a CPU, or NULL. */
DeviceState *apic_for_cpu(CPUState *cpu);

/* SIPI vector of the last Startup IPI the CPU's APIC accepted. */
int apic_get_sipi_vector(DeviceState *apic);

/*
 * MSRs the APIC serves (0x1b, 0x6e0, 0x800-0x8ff) on behalf of the vCPU
 * (KVM user-space MSR exits, TCG's rdmsr/wrmsr). false means the access
 * raises #GP in the guest. BQL held.
 */
bool apic_msr_read(CPUState *cpu, uint32_t msr, uint64_t *val);
bool apic_msr_write(CPUState *cpu, uint32_t msr, uint64_t val);

/* CR8 <-> TPR (CR8 is TPR[7:4]); the base MSR for kvm_run->apic_base. */
void apic_set_tpr(DeviceState *apic, uint8_t tpr);
uint8_t apic_get_tpr(DeviceState *apic);
uint64_t apic_get_base(DeviceState *apic);

/*
 * The guest TSC, for the TSC-deadline timer: the accelerator installs a
 * reader (e.g. host TSC + KVM's offset) and the TSC frequency. Default:
 * TSC = KEMU_CLOCK_VIRTUAL scaled to 1 GHz.
 */
void apic_set_tsc_source(uint64_t (*read_tsc)(CPUState *cpu), uint64_t hz);

#endif
