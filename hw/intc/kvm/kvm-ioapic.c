/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "kvm-ioapic": the in-kernel IOAPIC (82093AA) as a device, for reset,
 * migration and the monitor. The kernel serves its MMIO at 0xfec00000.
 */
#include "hw/intc/kvm/kvm-irqchip-state.h"
#include "hw/intc/ioapic.h"
#include "hw/intc/intc-info.h"

typedef struct KVMIOAPICState {
    DeviceState parent_obj;
    struct kvm_ioapic_state st;
} KVMIOAPICState;

OBJECT_DECLARE_SIMPLE_TYPE(KVMIOAPICState, KVM_IOAPIC)

static void kvm_ioapic_reset(DeviceState *dev)
{
    struct kvm_irqchip c = { .chip_id = KVM_IRQCHIP_IOAPIC };

    c.chip.ioapic.base_address = IOAPIC_DEFAULT_BASE;
    for (int i = 0; i < KVM_IOAPIC_NUM_PINS; i++) {
        c.chip.ioapic.redirtbl[i].bits = 1 << 16;   /* masked */
    }
    kvm_irqchip_set(&c);
}

static int kvm_ioapic_pre_save(void *opaque)
{
    KVMIOAPICState *s = opaque;
    struct kvm_irqchip c;

    if (kvm_irqchip_get(KVM_IRQCHIP_IOAPIC, &c)) {
        s->st = c.chip.ioapic;
    }
    return 0;
}

static int kvm_ioapic_post_load(void *opaque, int version)
{
    KVMIOAPICState *s = opaque;
    struct kvm_irqchip c = { .chip_id = KVM_IRQCHIP_IOAPIC };

    c.chip.ioapic = s->st;
    kvm_irqchip_set(&c);
    return 0;
}

static const StateField kvm_ioapic_fields[] = {
    STATE_UINT8_ARRAY(st, KVMIOAPICState, sizeof(struct kvm_ioapic_state)),
    STATE_END
};

static const StateDesc kvm_ioapic_state = {
    .name = "kvm-ioapic", .version = 1, .fields = kvm_ioapic_fields,
    .pre_save = kvm_ioapic_pre_save, .post_load = kvm_ioapic_post_load,
};

static void kvm_ioapic_print_info(DeviceState *dev, GString *out, int indent)
{
    struct kvm_irqchip c;

    if (!kvm_irqchip_get(KVM_IRQCHIP_IOAPIC, &c)) {
        return;
    }
    g_string_append_printf(out, "%*sid = 0x%02x, irr = 0x%08x\n", indent, "",
                           c.chip.ioapic.id, c.chip.ioapic.irr);
}

/* KVM's IOAPIC reports version 0x11 (82093AA without the EOI register). */
#define KVM_IOAPIC_VERSION 0x11

bool kvm_ioapic_get_info(DeviceState *dev, IOAPICInfo *info)
{
    struct kvm_irqchip c;
    struct kvm_ioapic_state *st = &c.chip.ioapic;

    if (!kvm_irqchip_get(KVM_IRQCHIP_IOAPIC, &c)) {
        return false;
    }
    info->version = KVM_IOAPIC_VERSION;
    info->id = st->id;
    info->ioregsel = st->ioregsel;
    info->irr = st->irr;
    for (int i = 0; i < IOAPIC_NUM_PINS && i < KVM_IOAPIC_NUM_PINS; i++) {
        info->redtbl[i] = st->redirtbl[i].bits;
    }
    return true;
}

static bool kvm_ioapic_realize(DeviceState *dev, Error **errp)
{
    if (!kvm_ioapic_in_kernel()) {
        error_setg(errp, "kvm-ioapic needs kernel-irqchip=on");
        return false;
    }
    return true;
}

static void kvm_ioapic_unrealize(DeviceState *dev)
{
}

static void kvm_ioapic_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "in-kernel IOAPIC";
    dc->realize = kvm_ioapic_realize;
    dc->unrealize = kvm_ioapic_unrealize;
    dc->reset = kvm_ioapic_reset;
    dc->state = &kvm_ioapic_state;
    dc->print_info = kvm_ioapic_print_info;
    dc->user_creatable = false;
}

static const TypeInfo kvm_ioapic_types[] = {
    {
        .name = TYPE_KVM_IOAPIC,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(KVMIOAPICState),
        .class_init = kvm_ioapic_class_init,
    },
};

DEFINE_TYPES(kvm_ioapic_types)
