/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "kvm-pit": the in-kernel 8254 (KVM_CREATE_PIT2) as an ISA device. The
 * kernel serves ports 0x40-0x43 and, with KVM_PIT_SPEAKER_DUMMY, port
 * 0x61's gate/OUT2 bits; this object resets the PIT, exposes the gates
 * (PITCommonClass) and carries its state for migration.
 */
#include "accel/kvm/kvm-int.h"
#include "hw/timer/i8254.h"
#include "qom/property.h"

typedef struct KVMPITState {
    ISADevice parent_obj;
    uint32_t iobase;
    int lost_tick_policy;   /* delay (the kernel re-injects) or discard */
    struct kvm_pit_state2 st;
} KVMPITState;

OBJECT_DECLARE_SIMPLE_TYPE(KVMPITState, KVM_PIT)

static bool pit_get(struct kvm_pit_state2 *st)
{
    return kvm_get_vm_fd() >= 0 && kvm_vm_ioctl(KVM_GET_PIT2, st) == 0;
}

static void pit_put(struct kvm_pit_state2 *st)
{
    if (kvm_get_vm_fd() >= 0) {
        kvm_vm_ioctl(KVM_SET_PIT2, st);
    }
}

static void kvm_pit_reset(DeviceState *dev)
{
    struct kvm_pit_state2 st;

    if (!pit_get(&st)) {
        return;
    }
    /* Power-on: counters in mode 0 waiting for a count, gates of 0/1 up. */
    memset(st.channels, 0, sizeof(st.channels));
    st.flags &= ~KVM_PIT_FLAGS_HPET_LEGACY;
    for (int i = 0; i < 3; i++) {
        st.channels[i].count = 0x10000;
        st.channels[i].gate = i != 2;
        st.channels[i].rw_mode = 3;
        st.channels[i].read_state = 3;
        st.channels[i].write_state = 3;
    }
    pit_put(&st);
}

static void kvm_pit_set_gate(ISADevice *dev, int ch, bool level)
{
    struct kvm_pit_state2 st;

    if (ch >= 0 && ch < 3 && pit_get(&st)) {
        st.channels[ch].gate = level;
        pit_put(&st);
    }
}

static bool kvm_pit_get_gate(ISADevice *dev, int ch)
{
    struct kvm_pit_state2 st;

    return ch >= 0 && ch < 3 && pit_get(&st) && st.channels[ch].gate;
}

static bool kvm_pit_get_out(ISADevice *dev, int ch)
{
    /* The kernel answers port 0x61 itself; nothing else asks for OUT. */
    return false;
}

/* GPIO in "hpet-legacy": while the HPET's legacy replacement route is on,
 * the kernel PIT must stop driving IRQ 0 (the kernel does that for us). */
static void kvm_pit_hpet_legacy(void *opaque, int n, int level)
{
    struct kvm_pit_state2 st;

    if (pit_get(&st)) {
        if (level) {
            st.flags |= KVM_PIT_FLAGS_HPET_LEGACY;
        } else {
            st.flags &= ~KVM_PIT_FLAGS_HPET_LEGACY;
        }
        pit_put(&st);
    }
}

static int kvm_pit_pre_save(void *opaque)
{
    pit_get(&((KVMPITState *)opaque)->st);
    return 0;
}

static int kvm_pit_post_load(void *opaque, int version)
{
    pit_put(&((KVMPITState *)opaque)->st);
    return 0;
}

static const StateField kvm_pit_fields[] = {
    STATE_UINT8_ARRAY(st, KVMPITState, sizeof(struct kvm_pit_state2)),
    STATE_END
};

static const StateDesc kvm_pit_state = {
    .name = "kvm-pit", .version = 1, .fields = kvm_pit_fields,
    .pre_save = kvm_pit_pre_save, .post_load = kvm_pit_post_load,
};

static bool kvm_pit_realize(DeviceState *dev, Error **errp)
{
    if (!kvm_pit_in_kernel()) {
        error_setg(errp, "kvm-pit needs kernel-irqchip=on");
        return false;
    }
    switch (KVM_PIT(dev)->lost_tick_policy) {
    case LOST_TICK_POLICY_DELAY:
        break;      /* the kernel's default: missed ticks re-injected */
    case LOST_TICK_POLICY_DISCARD:
        if (kvm_check_extension(KVM_CAP_REINJECT_CONTROL)) {
            struct kvm_reinject_control rc = { .pit_reinject = 0 };
            int r = kvm_vm_ioctl(KVM_REINJECT_CONTROL, &rc);
            if (r < 0) {
                error_setg_errno(errp, -r, "Can't disable in-kernel PIT "
                                 "reinjection");
                return false;
            }
        }
        break;
    default:
        error_setg(errp, "Lost tick policy not supported.");
        return false;
    }
    ISA_DEVICE(dev)->ioport_id = KVM_PIT(dev)->iobase;
    qdev_init_gpio_in_named(dev, kvm_pit_hpet_legacy, "hpet-legacy", 1);
    return true;
}

static void kvm_pit_unrealize(DeviceState *dev)
{
}

static const Property kvm_pit_props[] = {
    DEFINE_PROP_UINT32("iobase", KVMPITState, iobase, 0x40),
    DEFINE_PROP_LOSTTICKPOLICY("lost_tick_policy", KVMPITState,
                               lost_tick_policy, LOST_TICK_POLICY_DELAY),
    DEFINE_PROP_END,
};

static void kvm_pit_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PITCommonClass *pc = PIT_COMMON_CLASS(oc);

    dc->desc = "in-kernel 8254 PIT";
    dc->realize = kvm_pit_realize;
    dc->unrealize = kvm_pit_unrealize;
    dc->reset = kvm_pit_reset;
    dc->state = &kvm_pit_state;
    dc->user_creatable = false;
    device_class_set_props(dc, kvm_pit_props);
    pc->set_gate = kvm_pit_set_gate;
    pc->get_gate = kvm_pit_get_gate;
    pc->get_out = kvm_pit_get_out;
}

static const TypeInfo kvm_pit_types[] = {
    {
        .name = TYPE_KVM_PIT,
        .parent = TYPE_PIT_COMMON,
        .instance_size = sizeof(KVMPITState),
        .class_size = sizeof(PITCommonClass),
        .class_init = kvm_pit_class_init,
    },
};

DEFINE_TYPES(kvm_pit_types)
