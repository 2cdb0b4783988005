/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "isa-debugcon": Bochs-style debug port. Every byte written to the port
 * goes to the chardev; a read returns 'readback' (0xe9), which is how
 * guests probe for the port.
 */
#include "util/osdep.h"
#include "hw/isa.h"
#include "chardev/char.h"
#include "qom/property.h"

#define TYPE_ISA_DEBUGCON "isa-debugcon"

typedef struct ISADebugconState {
    ISADevice parent_obj;
    uint32_t iobase;
    uint32_t readback;
    char *chardev;
    CharFrontend chr;
    MemoryRegion io;
} ISADebugconState;

OBJECT_DECLARE_SIMPLE_TYPE(ISADebugconState, ISA_DEBUGCON)

static void debugcon_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    ISADebugconState *s = opaque;
    uint8_t b = val;

    /* No flow control on this port: a full backend buffer drops it. */
    chr_fe_write(&s->chr, &b, 1);
}

static uint64_t debugcon_read(void *opaque, hwaddr addr, unsigned size)
{
    return ((ISADebugconState *)opaque)->readback;
}

static const MemoryRegionOps debugcon_ops = {
    .read = debugcon_read,
    .write = debugcon_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

static bool debugcon_realize(DeviceState *dev, Error **errp)
{
    ISADebugconState *s = ISA_DEBUGCON(dev);
    Chardev *chr;

    if (!s->chardev) {
        error_setg(errp, "Can't create debugcon device, empty char device");
        return false;
    }
    chr = chardev_find(s->chardev);
    if (!chr) {
        error_setg(errp, "Property 'isa-debugcon.chardev' can't find value "
                   "'%s'", s->chardev);
        return false;
    }
    if (!chr_fe_init(&s->chr, chr, errp)) {
        error_prepend(errp, "Property 'isa-debugcon.chardev' can't take "
                      "value '%s': ", s->chardev);
        return false;
    }
    if (s->iobase > 0xffff) {
        chr_fe_deinit(&s->chr);
        error_setg(errp, "Invalid I/O base 0x%x", s->iobase);
        return false;
    }
    memory_region_init_io(&s->io, OBJECT(dev), &debugcon_ops, s,
                          "debugcon", 1);
    isa_register_ioport(ISA_DEVICE(dev), &s->io, s->iobase);
    return true;
}

static void debugcon_unrealize(DeviceState *dev)
{
    ISADebugconState *s = ISA_DEBUGCON(dev);

    if (s->io.container) {
        memory_region_del_subregion(s->io.container, &s->io);
    }
    memory_region_destroy(&s->io);
    chr_fe_deinit(&s->chr);
}

/* No guest-visible state: the port only forwards bytes. */
static const StateField debugcon_fields[] = { STATE_END };
static const StateDesc debugcon_state = {
    .name = "isa-debugcon", .version = 1, .fields = debugcon_fields,
};

static const Property debugcon_props[] = {
    DEFINE_PROP_UINT32("iobase", ISADebugconState, iobase, 0xe9),
    DEFINE_PROP_UINT32("readback", ISADebugconState, readback, 0xe9),
    DEFINE_PROP_STRING("chardev", ISADebugconState, chardev),
    DEFINE_PROP_END,
};

static void debugcon_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "ISA debug console (Bochs port 0xe9)";
    dc->category = "misc";
    dc->bus_type = TYPE_ISA_BUS;
    dc->user_creatable = true;
    dc->realize = debugcon_realize;
    dc->unrealize = debugcon_unrealize;
    dc->state = &debugcon_state;
    device_class_set_props(dc, debugcon_props);
    object_class_property_set_description(oc, "chardev",
                                          "id of the chardev the device talks to");
}

static const TypeInfo debugcon_types[] = {
    {
        .name = TYPE_ISA_DEBUGCON,
        .parent = TYPE_ISA_DEVICE,
        .instance_size = sizeof(ISADebugconState),
        .class_init = debugcon_class_init,
    },
};
DEFINE_TYPES(debugcon_types)
