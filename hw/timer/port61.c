/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Port 0x61, NMI status and control (PIIX/ISA "port B"):
 *   bit 0  R/W  timer 2 GATE (speaker gate)
 *   bit 1  R/W  speaker data enable
 *   bit 2  R/W  parity check (SERR#) disable
 *   bit 3  R/W  channel check (IOCHK#) disable
 *   bit 4  R    refresh cycle toggle: flips every ~15 us
 *   bit 5  R    timer 2 OUT
 *   bit 6,7 R   IOCHK# / SERR# NMI sources (never set here)
 * Linux calibrates the TSC by polling bit 5 with channel 2 counting.
 * The speaker itself makes no sound (no audio backend yet). Works with
 * any "pit-common" (userspace or in-kernel PIT) through its class hooks.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "util/timer.h"
#include "hw/timer/i8254.h"
#include "hw/isa.h"
#include "exec/memory.h"

/* 15.085 us: the DRAM refresh request period of PC chipsets. */
#define REFRESH_PERIOD_NS 15085

typedef struct PCSpkState {
    ISADevice parent_obj;

    uint32_t iobase;
    Object *pit_link;
    MemoryRegion io;
    uint8_t ctrl;           /* bits 1-3 as written */
} PCSpkState;

OBJECT_DECLARE_SIMPLE_TYPE(PCSpkState, PCSPK)

static const StateField pcspk_fields[] = {
    STATE_UINT8(ctrl, PCSpkState),
    STATE_END
};
static const StateDesc pcspk_state = {
    .name = "pcspk", .version = 1, .fields = pcspk_fields,
};

static ISADevice *pcspk_pit(PCSpkState *s)
{
    if (!s->pit_link) {
        /* Not linked: the machine's PIT, if it has one. */
        s->pit_link = object_resolve_path_type("/machine/pit",
                                               TYPE_PIT_COMMON, NULL);
        if (s->pit_link) {
            object_ref(s->pit_link);
        }
    }
    return s->pit_link ? ISA_DEVICE(s->pit_link) : NULL;
}

static uint64_t pcspk_read(void *opaque, hwaddr addr, unsigned size)
{
    PCSpkState *s = opaque;
    ISADevice *pit = pcspk_pit(s);
    int64_t now = clock_get_ns(KEMU_CLOCK_VIRTUAL);
    uint8_t v = s->ctrl & 0x0e;

    if (pit) {
        v |= pit_get_gate(pit, 2) ? 0x01 : 0;
        v |= pit_get_out(pit, 2) ? 0x20 : 0;
    }
    v |= ((now / REFRESH_PERIOD_NS) & 1) << 4;
    return v;
}

static void pcspk_write(void *opaque, hwaddr addr, uint64_t val,
                        unsigned size)
{
    PCSpkState *s = opaque;
    ISADevice *pit = pcspk_pit(s);

    s->ctrl = val & 0x0e;
    if (pit) {
        pit_set_gate(pit, 2, val & 1);
    }
}

static const MemoryRegionOps pcspk_ops = {
    .read = pcspk_read,
    .write = pcspk_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

static void pcspk_reset(DeviceState *dev)
{
    PCSpkState *s = PCSPK(dev);
    s->ctrl = 0;
}

static bool pcspk_realize(DeviceState *dev, Error **errp)
{
    PCSpkState *s = PCSPK(dev);

    if (s->iobase > 0xffff) {
        error_setg(errp, "isa-pcspk: iobase 0x%x out of range", s->iobase);
        return false;
    }
    memory_region_init_io(&s->io, OBJECT(s), &pcspk_ops, s, "pcspk", 1);
    isa_register_ioport(ISA_DEVICE(dev), &s->io, s->iobase);
    pcspk_reset(dev);
    return true;
}

static void pcspk_unrealize(DeviceState *dev)
{
    PCSpkState *s = PCSPK(dev);

    isa_unregister_ioport(ISA_DEVICE(dev), &s->io);
    memory_region_destroy(&s->io);
}

static const Property pcspk_props[] = {
    DEFINE_PROP_UINT32("iobase", PCSpkState, iobase, 0x61),
    DEFINE_PROP_LINK("pit", PCSpkState, pit_link, TYPE_PIT_COMMON),
    DEFINE_PROP_END,
};

static void pcspk_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->desc = "PC speaker / port 0x61";
    dc->category = "sound";
    dc->realize = pcspk_realize;
    dc->unrealize = pcspk_unrealize;
    dc->reset = pcspk_reset;
    dc->state = &pcspk_state;
    dc->user_creatable = false;
    device_class_set_props(dc, pcspk_props);
}

static const TypeInfo pcspk_types[] = {
    {
        .name = TYPE_PCSPK,
        .parent = TYPE_ISA_DEVICE,
        .instance_size = sizeof(PCSpkState),
        .class_init = pcspk_class_init,
    },
};
DEFINE_TYPES(pcspk_types)

ISADevice *pcspk_init(ISABus *bus, ISADevice *pit)
{
    DeviceState *dev = qdev_new(TYPE_PCSPK);
    Object *machine = object_resolve_path("/machine", NULL);

    if (pit) {
        object_property_set_link(OBJECT(dev), "pit", OBJECT(pit),
                                 &error_abort);
    }
    if (machine) {
        object_property_add_child(machine, "pcspk", OBJECT(dev),
                                  &error_abort);
    }
    qdev_realize_and_unref(dev, BUS(bus), &error_fatal);
    return ISA_DEVICE(dev);
}
