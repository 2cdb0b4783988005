/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "ioport80": the POST code port. Firmware and Linux's io_delay write
 * here; writes are dropped and reads float high, as on QEMU's pc.
 */
#include "util/osdep.h"
#include "hw/isa.h"

#define TYPE_IOPORT80 "ioport80"

typedef struct IOPort80State {
    ISADevice parent_obj;
    MemoryRegion io;
} IOPort80State;

OBJECT_DECLARE_SIMPLE_TYPE(IOPort80State, IOPORT80)

static void ioport80_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
}

static uint64_t ioport80_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0xff;
}

static const MemoryRegionOps ioport80_ops = {
    .read = ioport80_read,
    .write = ioport80_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

static bool ioport80_realize(DeviceState *dev, Error **errp)
{
    IOPort80State *s = IOPORT80(dev);

    memory_region_init_io(&s->io, OBJECT(dev), &ioport80_ops, s,
                          "ioport80", 1);
    isa_register_ioport(ISA_DEVICE(dev), &s->io, 0x80);
    return true;
}

static void ioport80_unrealize(DeviceState *dev)
{
    IOPort80State *s = IOPORT80(dev);

    if (s->io.container) {
        memory_region_del_subregion(s->io.container, &s->io);
    }
    memory_region_destroy(&s->io);
}

static const StateField ioport80_fields[] = { STATE_END };
static const StateDesc ioport80_state = {
    .name = "ioport80", .version = 1, .fields = ioport80_fields,
};

static void ioport80_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "POST code port 0x80";
    dc->category = "misc";
    dc->bus_type = TYPE_ISA_BUS;
    dc->realize = ioport80_realize;
    dc->unrealize = ioport80_unrealize;
    dc->state = &ioport80_state;
}

static const TypeInfo ioport80_types[] = {
    {
        .name = TYPE_IOPORT80,
        .parent = TYPE_ISA_DEVICE,
        .instance_size = sizeof(IOPort80State),
        .class_init = ioport80_class_init,
    },
};
DEFINE_TYPES(ioport80_types)
