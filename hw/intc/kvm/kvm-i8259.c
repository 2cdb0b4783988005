/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "kvm-i8259": one 8259A of the in-kernel PIC pair, as an ISA device for
 * reset, migration and the monitor. The kernel serves its ports.
 */
#include "hw/intc/kvm/kvm-irqchip-state.h"
#include "hw/intc/i8259.h"
#include "hw/intc/intc-info.h"

typedef struct KVMPICState {
    ISADevice parent_obj;
    uint32_t iobase;
    uint32_t elcr_addr;
    uint8_t elcr_mask;
    bool master;
    struct kvm_pic_state st;
} KVMPICState;

OBJECT_DECLARE_SIMPLE_TYPE(KVMPICState, KVM_I8259)

static int chip_id(KVMPICState *s)
{
    return s->master ? KVM_IRQCHIP_PIC_MASTER : KVM_IRQCHIP_PIC_SLAVE;
}

static void kvm_pic_reset(DeviceState *dev)
{
    KVMPICState *s = KVM_I8259(dev);
    struct kvm_irqchip c;

    if (!kvm_irqchip_get(chip_id(s), &c)) {
        return;
    }
    /* Power-on: nothing pending or in service, all unmasked (as after
     * a reset of the part); ELCR kept, the board's firmware sets it. */
    c.chip.pic = (struct kvm_pic_state) {
        .elcr = c.chip.pic.elcr, .elcr_mask = s->elcr_mask,
    };
    kvm_irqchip_set(&c);
}

void kvm_pic_firmware_setup(DeviceState *dev, uint8_t vector_base,
                            uint8_t imr)
{
    KVMPICState *s = KVM_I8259(dev);
    struct kvm_irqchip c;

    if (!kvm_irqchip_get(chip_id(s), &c)) {
        return;
    }
    c.chip.pic.irq_base = vector_base & 0xf8;
    c.chip.pic.imr = imr;
    c.chip.pic.init4 = 1;
    c.chip.pic.init_state = 0;
    c.chip.pic.auto_eoi = 0;
    c.chip.pic.isr = 0;
    kvm_irqchip_set(&c);
}

static int kvm_pic_pre_save(void *opaque)
{
    KVMPICState *s = opaque;
    struct kvm_irqchip c;

    if (kvm_irqchip_get(chip_id(s), &c)) {
        s->st = c.chip.pic;
    }
    return 0;
}

static int kvm_pic_post_load(void *opaque, int version)
{
    KVMPICState *s = opaque;
    struct kvm_irqchip c = { .chip_id = chip_id(s) };

    c.chip.pic = s->st;
    kvm_irqchip_set(&c);
    return 0;
}

static const StateField kvm_pic_fields[] = {
    STATE_UINT8_ARRAY(st, KVMPICState, sizeof(struct kvm_pic_state)),
    STATE_END
};

static const StateDesc kvm_pic_state = {
    .name = "kvm-i8259", .version = 1, .fields = kvm_pic_fields,
    .pre_save = kvm_pic_pre_save, .post_load = kvm_pic_post_load,
};

static void kvm_pic_print_info(DeviceState *dev, GString *out, int indent)
{
    KVMPICState *s = KVM_I8259(dev);
    struct kvm_irqchip c;

    if (!kvm_irqchip_get(chip_id(s), &c)) {
        return;
    }
    g_string_append_printf(out, "%*sirr=%02x imr=%02x isr=%02x base=%02x "
                           "elcr=%02x\n", indent, "", c.chip.pic.irr,
                           c.chip.pic.imr, c.chip.pic.isr,
                           c.chip.pic.irq_base, c.chip.pic.elcr);
}

bool kvm_i8259_get_info(DeviceState *dev, PICInfo *info)
{
    KVMPICState *s = KVM_I8259(dev);
    struct kvm_irqchip c;
    struct kvm_pic_state *p = &c.chip.pic;

    if (!kvm_irqchip_get(chip_id(s), &c)) {
        return false;
    }
    *info = (PICInfo) {
        .master = s->master, .irr = p->irr, .imr = p->imr, .isr = p->isr,
        .priority_add = p->priority_add, .irq_base = p->irq_base,
        .read_isr = p->read_reg_select, .elcr = p->elcr,
        .sfnm = p->special_fully_nested_mode,
    };
    return true;
}

static bool kvm_pic_realize(DeviceState *dev, Error **errp)
{
    if (!kvm_ioapic_in_kernel()) {
        error_setg(errp, "kvm-i8259 needs kernel-irqchip=on");
        return false;
    }
    ISA_DEVICE(dev)->ioport_id = KVM_I8259(dev)->iobase;
    return true;
}

static void kvm_pic_unrealize(DeviceState *dev)
{
}

static const Property kvm_pic_props[] = {
    DEFINE_PROP_UINT32("iobase", KVMPICState, iobase, -1),
    DEFINE_PROP_UINT32("elcr_addr", KVMPICState, elcr_addr, -1),
    DEFINE_PROP_UINT8("elcr_mask", KVMPICState, elcr_mask, 0),
    DEFINE_PROP_BOOL("master", KVMPICState, master, false),
    DEFINE_PROP_END,
};

static void kvm_pic_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "in-kernel 8259A PIC";
    dc->realize = kvm_pic_realize;
    dc->unrealize = kvm_pic_unrealize;
    dc->reset = kvm_pic_reset;
    dc->state = &kvm_pic_state;
    dc->print_info = kvm_pic_print_info;
    dc->user_creatable = false;
    device_class_set_props(dc, kvm_pic_props);
}

static const TypeInfo kvm_pic_types[] = {
    {
        .name = TYPE_KVM_I8259,
        .parent = TYPE_ISA_DEVICE,
        .instance_size = sizeof(KVMPICState),
        .class_init = kvm_pic_class_init,
    },
};

DEFINE_TYPES(kvm_pic_types)
