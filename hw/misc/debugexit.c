/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "isa-debug-exit": a write of value v ends the process with exit status
 * (v << 1) | 1, so a test guest can report success or failure without
 * ACPI. Only odd statuses can come out, so 0 always means kemu itself
 * exited normally.
 */
#include "util/osdep.h"
#include "hw/isa.h"
#include "qom/property.h"
#include "sysemu/runstate.h"

#define TYPE_ISA_DEBUG_EXIT "isa-debug-exit"

typedef struct ISADebugExitState {
    ISADevice parent_obj;
    uint32_t iobase;
    uint32_t iosize;
    MemoryRegion io;
} ISADebugExitState;

OBJECT_DECLARE_SIMPLE_TYPE(ISADebugExitState, ISA_DEBUG_EXIT)

static void debug_exit_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    qemu_system_exit_request((int)((val << 1) | 1));
}

static uint64_t debug_exit_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static const MemoryRegionOps debug_exit_ops = {
    .read = debug_exit_read,
    .write = debug_exit_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static bool debug_exit_realize(DeviceState *dev, Error **errp)
{
    ISADebugExitState *s = ISA_DEBUG_EXIT(dev);

    if (s->iosize == 0 || s->iosize > 0x10000 ||
        s->iobase + (uint64_t)s->iosize > 0x10000) {
        error_setg(errp, "Invalid I/O range 0x%x+0x%x", s->iobase,
                   s->iosize);
        return false;
    }
    memory_region_init_io(&s->io, OBJECT(dev), &debug_exit_ops, s,
                          "isa-debug-exit", s->iosize);
    isa_register_ioport(ISA_DEVICE(dev), &s->io, s->iobase);
    return true;
}

static void debug_exit_unrealize(DeviceState *dev)
{
    ISADebugExitState *s = ISA_DEBUG_EXIT(dev);

    if (s->io.container) {
        memory_region_del_subregion(s->io.container, &s->io);
    }
    memory_region_destroy(&s->io);
}

static const StateField debug_exit_fields[] = { STATE_END };
static const StateDesc debug_exit_state = {
    .name = "isa-debug-exit", .version = 1, .fields = debug_exit_fields,
};

static const Property debug_exit_props[] = {
    DEFINE_PROP_UINT32("iobase", ISADebugExitState, iobase, 0x501),
    DEFINE_PROP_UINT32("iosize", ISADebugExitState, iosize, 2),
    DEFINE_PROP_END,
};

static void debug_exit_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "ISA debug exit port: exit status (value << 1) | 1";
    dc->category = "misc";
    dc->bus_type = TYPE_ISA_BUS;
    dc->user_creatable = true;
    dc->realize = debug_exit_realize;
    dc->unrealize = debug_exit_unrealize;
    dc->state = &debug_exit_state;
    device_class_set_props(dc, debug_exit_props);
}

static const TypeInfo debug_exit_types[] = {
    {
        .name = TYPE_ISA_DEBUG_EXIT,
        .parent = TYPE_ISA_DEVICE,
        .instance_size = sizeof(ISADebugExitState),
        .class_init = debug_exit_class_init,
    },
};
DEFINE_TYPES(debug_exit_types)
