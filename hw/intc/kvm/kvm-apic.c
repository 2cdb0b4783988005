/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "kvm-apic": the in-kernel local APIC of one vCPU, as a device. The
 * kernel does the work; this object resets it and reads/writes its
 * register page (KVM_GET/SET_LAPIC) for migration and the monitor.
 */
#include "accel/kvm/kvm-int.h"
#include "target/i386/cpu.h"
#include "hw/intc/apic.h"
#include "hw/intc/intc-info.h"

typedef struct KVMAPICState {
    DeviceState parent_obj;
    uint32_t id;
    uint8_t regs[KVM_APIC_REG_SIZE];     /* the kernel's register page */
} KVMAPICState;

OBJECT_DECLARE_SIMPLE_TYPE(KVMAPICState, KVM_APIC)

static CPUState *kvm_apic_cpu(KVMAPICState *s)
{
    Object *p = OBJECT(s)->parent;
    return p && object_dynamic_cast(p, TYPE_CPU) ? CPU(p) : NULL;
}

static void reg_set(uint8_t *regs, unsigned off, uint32_t v)
{
    memcpy(regs + off, &v, 4);
}

/* Power-on register values (SDM vol. 3, 10.4.7.1). */
static void kvm_apic_reset(DeviceState *dev)
{
    KVMAPICState *s = KVM_APIC(dev);
    CPUState *cpu = kvm_apic_cpu(s);
    struct kvm_lapic_state st;

    if (!cpu || !cpu->accel ||
        kvm_vcpu_ioctl(cpu, KVM_GET_LAPIC, &st) < 0) {
        return;
    }
    /* keep the version register (0x30) */
    memset(st.regs + 0x80, 0, 0x400 - 0x80);
    reg_set((uint8_t *)st.regs, 0x20, s->id << 24);
    reg_set((uint8_t *)st.regs, 0xe0, 0xffffffff);   /* DFR */
    reg_set((uint8_t *)st.regs, 0xf0, 0xff);         /* SVR: disabled */
    for (unsigned off = 0x320; off <= 0x370; off += 0x10) {
        reg_set((uint8_t *)st.regs, off, 1 << 16);   /* LVTs masked */
    }
    reg_set((uint8_t *)st.regs, 0x2f0, 1 << 16);     /* LVT CMCI */
    kvm_vcpu_ioctl(cpu, KVM_SET_LAPIC, &st);
}

static int kvm_apic_pre_save(void *opaque)
{
    KVMAPICState *s = opaque;
    CPUState *cpu = kvm_apic_cpu(s);

    if (cpu && cpu->accel) {
        kvm_vcpu_ioctl(cpu, KVM_GET_LAPIC, s->regs);
    }
    return 0;
}

static int kvm_apic_post_load(void *opaque, int version)
{
    KVMAPICState *s = opaque;
    CPUState *cpu = kvm_apic_cpu(s);

    if (cpu && cpu->accel) {
        kvm_vcpu_ioctl(cpu, KVM_SET_LAPIC, s->regs);
    }
    return 0;
}

static const StateField kvm_apic_fields[] = {
    STATE_UINT8_ARRAY(regs, KVMAPICState, KVM_APIC_REG_SIZE),
    STATE_END
};

static const StateDesc kvm_apic_state = {
    .name = "kvm-apic", .version = 1, .fields = kvm_apic_fields,
    .pre_save = kvm_apic_pre_save, .post_load = kvm_apic_post_load,
};

bool kvm_apic_get_regs(DeviceState *dev, uint32_t *regs)
{
    CPUState *cpu = kvm_apic_cpu(KVM_APIC(dev));
    struct kvm_lapic_state st;

    if (!cpu || !cpu->accel || kvm_vcpu_ioctl(cpu, KVM_GET_LAPIC, &st) < 0) {
        return false;
    }
    for (int i = 0; i < APIC_REG_PAGE_DWORDS; i++) {
        memcpy(&regs[i], st.regs + i * 16, 4);
    }
    return true;
}

static bool kvm_apic_realize(DeviceState *dev, Error **errp)
{
    if (!kvm_irqchip_in_kernel()) {
        error_setg(errp, "kvm-apic needs the in-kernel irqchip "
                   "(kernel-irqchip=on or split)");
        return false;
    }
    return true;
}

static void kvm_apic_unrealize(DeviceState *dev)
{
}

static const Property kvm_apic_props[] = {
    DEFINE_PROP_UINT32("id", KVMAPICState, id, 0),
    DEFINE_PROP_END,
};

static void kvm_apic_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "in-kernel local APIC";
    dc->realize = kvm_apic_realize;
    dc->unrealize = kvm_apic_unrealize;
    dc->reset = kvm_apic_reset;
    dc->state = &kvm_apic_state;
    dc->user_creatable = false;
    device_class_set_props(dc, kvm_apic_props);
}

static const TypeInfo kvm_apic_types[] = {
    {
        .name = TYPE_KVM_APIC,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(KVMAPICState),
        .class_init = kvm_apic_class_init,
    },
};

DEFINE_TYPES(kvm_apic_types)
