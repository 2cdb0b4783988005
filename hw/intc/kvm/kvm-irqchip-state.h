/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by kvm-i8259 and kvm-ioapic: KVM_GET/SET_IRQCHIP of one chip. */
#ifndef KEMU_HW_INTC_KVM_IRQCHIP_STATE_H
#define KEMU_HW_INTC_KVM_IRQCHIP_STATE_H

#include "accel/kvm/kvm-int.h"

static inline bool kvm_irqchip_get(int chip, struct kvm_irqchip *c)
{
    memset(c, 0, sizeof(*c));
    c->chip_id = chip;
    return kvm_get_vm_fd() >= 0 && kvm_vm_ioctl(KVM_GET_IRQCHIP, c) == 0;
}

static inline bool kvm_irqchip_set(struct kvm_irqchip *c)
{
    return kvm_get_vm_fd() >= 0 && kvm_vm_ioctl(KVM_SET_IRQCHIP, c) == 0;
}

#endif
