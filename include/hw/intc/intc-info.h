/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interrupt controller state for the monitor ("info pic", "info lapic"),
 * read the same way from the userspace models and from KVM's in-kernel
 * chips (KVM_GET_IRQCHIP / KVM_GET_LAPIC). Side-effect free; BQL held.
 */
#ifndef KEMU_HW_INTC_INTC_INFO_H
#define KEMU_HW_INTC_INTC_INFO_H

#include "hw/qdev.h"
#include "hw/intc/ioapic.h"

typedef struct PICInfo {
    bool master;
    uint8_t irr, imr, isr;
    uint8_t priority_add;       /* the IR with the highest priority */
    uint8_t irq_base;           /* ICW2 */
    bool read_isr;              /* OCW3: status reads return the ISR */
    uint8_t elcr;
    bool sfnm;                  /* ICW4 special fully nested mode */
} PICInfo;

/* "isa-i8259" or "kvm-i8259"; false when the state can't be read. */
bool i8259_get_info(DeviceState *pic, PICInfo *info);
bool kvm_i8259_get_info(DeviceState *pic, PICInfo *info);

typedef struct IOAPICInfo {
    uint8_t version;            /* 0x20 here, 0x11 for KVM's */
    uint8_t id;
    uint8_t ioregsel;
    uint32_t irr;               /* pins with a request not yet delivered */
    uint64_t redtbl[IOAPIC_NUM_PINS];
} IOAPICInfo;

/* "ioapic" or "kvm-ioapic". */
bool ioapic_get_info(DeviceState *ioapic, IOAPICInfo *info);
bool kvm_ioapic_get_info(DeviceState *ioapic, IOAPICInfo *info);

/*
 * The local APIC's registers as the xAPIC page lays them out: regs[off >>
 * 4] for offsets 0x000-0x3f0 (ID, TPR 0x08, APR 0x09, PPR 0x0a, LDR 0x0d,
 * DFR 0x0e, SVR 0x0f, ISR/TMR/IRR 0x10-0x27, ESR 0x28, ICR 0x30/0x31,
 * LVTs 0x32-0x37, timer 0x38/0x39/0x3e). "apic" or "kvm-apic".
 */
#define APIC_REG_PAGE_DWORDS 64
bool apic_get_regs(DeviceState *apic, uint32_t *regs);
bool kvm_apic_get_regs(DeviceState *apic, uint32_t *regs);

#endif
