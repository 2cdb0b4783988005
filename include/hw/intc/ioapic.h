/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The I/O APIC (82093AA register layout, version 0x20 with the EOI
 * register, as QEMU's default). Device "ioapic", MMIO at 0xfec00000:
 * IOREGSEL at +0x00, IOWIN at +0x10, EOI at +0x40. gpio_in[0..23] are
 * the pins (level = asserted; polarity is not applied, as on KVM and
 * QEMU). Interrupts leave as MSI messages through msi_send_message(),
 * so the same model works with the userspace LAPIC and with KVM's
 * in-kernel LAPIC (kernel-irqchip=split).
 */
#ifndef KEMU_HW_INTC_IOAPIC_H
#define KEMU_HW_INTC_IOAPIC_H

#include "hw/qdev.h"

#define TYPE_IOAPIC "ioapic"
#define TYPE_KVM_IOAPIC "kvm-ioapic"   /* in-kernel IOAPIC (hw/intc/kvm/) */

#define IOAPIC_NUM_PINS 24
#define IOAPIC_DEFAULT_BASE 0xfec00000ULL
#define IOAPIC_VERSION 0x20

/*
 * A LAPIC signalled EOI for a level-triggered vector: every userspace
 * IOAPIC clears Remote IRR on the entries with that vector and delivers
 * again when the pin is still asserted. Called by the userspace LAPIC and
 * by the KVM glue on KVM_EXIT_IOAPIC_EOI (split irqchip). BQL held.
 */
void ioapic_eoi_broadcast(int vector);

/* Creates and realizes the IOAPIC, maps it at IOAPIC_DEFAULT_BASE and
 * adds it as "/machine/ioapic". */
DeviceState *ioapic_init(void);

#endif
