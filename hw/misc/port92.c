/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "port92": the PS/2 system control port A. Bit 1 gates A20 (kept and
 * reported, and driven on the "a20" output line for whoever models the
 * mask), bit 0 pulses a fast CPU reset.
 */
#include "util/osdep.h"
#include "hw/isa.h"
#include "util/log.h"
#include "sysemu/runstate.h"

#define TYPE_PORT92 "port92"

typedef struct Port92State {
    ISADevice parent_obj;
    uint8_t outport;
    qemu_irq a20_out;
    MemoryRegion io;
} Port92State;

OBJECT_DECLARE_SIMPLE_TYPE(Port92State, PORT92)

static void port92_write(void *opaque, hwaddr addr, uint64_t val,
                         unsigned size)
{
    Port92State *s = opaque;

    /* Bit 0 is a pulse, not a latch: it always reads back 0. */
    s->outport = val & ~1;
    qemu_set_irq(s->a20_out, (val >> 1) & 1);
    if (val & 1) {
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    }
}

static uint64_t port92_read(void *opaque, hwaddr addr, unsigned size)
{
    return ((Port92State *)opaque)->outport;
}

static const MemoryRegionOps port92_ops = {
    .read = port92_read,
    .write = port92_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

static void port92_init(Object *obj)
{
    qdev_init_gpio_out_named(DEVICE(obj), &PORT92(obj)->a20_out, "a20", 1);
}

static bool port92_realize(DeviceState *dev, Error **errp)
{
    Port92State *s = PORT92(dev);

    memory_region_init_io(&s->io, OBJECT(dev), &port92_ops, s, "port92", 1);
    isa_register_ioport(ISA_DEVICE(dev), &s->io, 0x92);
    return true;
}

static void port92_unrealize(DeviceState *dev)
{
    Port92State *s = PORT92(dev);

    if (s->io.container) {
        memory_region_del_subregion(s->io.container, &s->io);
    }
    memory_region_destroy(&s->io);
}

static void port92_reset(DeviceState *dev)
{
    PORT92(dev)->outport = 0;
}

static const StateField port92_fields[] = {
    STATE_UINT8(outport, Port92State),
    STATE_END
};
static const StateDesc port92_state = {
    .name = "port92", .version = 1, .fields = port92_fields,
};

static void port92_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "System control port A (A20, fast reset)";
    dc->category = "misc";
    dc->bus_type = TYPE_ISA_BUS;
    dc->user_creatable = false;     /* the board creates it */
    dc->realize = port92_realize;
    dc->unrealize = port92_unrealize;
    dc->reset = port92_reset;
    dc->state = &port92_state;
}

static const TypeInfo port92_types[] = {
    {
        .name = TYPE_PORT92,
        .parent = TYPE_ISA_DEVICE,
        .instance_size = sizeof(Port92State),
        .instance_init = port92_init,
        .class_init = port92_class_init,
    },
};
DEFINE_TYPES(port92_types)
