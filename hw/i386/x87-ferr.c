/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "x87-ferr": the PC's x87 error logic. FERR# from the CPU (CR0.NE
 * clear and an unmasked x87 exception pending, target/i386/ferr.h)
 * raises ISA IRQ13; a write to port 0xF0 lowers it, as the handler of
 * IRQ13 does before returning. Reads of 0xF0 float high.
 */
#include "util/osdep.h"
#include "hw/isa.h"
#include "hw/irq.h"
#include "target/i386/ferr.h"

#define TYPE_X87_FERR "x87-ferr"

typedef struct X87FerrState {
    ISADevice parent_obj;
    MemoryRegion io;
    qemu_irq irq;
    bool level;                 /* FERR# asserted */
} X87FerrState;

OBJECT_DECLARE_SIMPLE_TYPE(X87FerrState, X87_FERR)

static void ferr_set(void *opaque, bool level)
{
    X87FerrState *s = opaque;

    s->level = level;
    qemu_set_irq(s->irq, level);
}

static bool ferr_get(void *opaque)
{
    X87FerrState *s = opaque;

    return s->level;
}

static const X86FerrOps ferr_ops = { .set = ferr_set, .get = ferr_get };

static void ferr_write(void *opaque, hwaddr addr, uint64_t val,
                       unsigned size)
{
    ferr_set(opaque, false);
}

static uint64_t ferr_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0xff;
}

static const MemoryRegionOps ferr_io_ops = {
    .read = ferr_read,
    .write = ferr_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

static bool x87_ferr_realize(DeviceState *dev, Error **errp)
{
    X87FerrState *s = X87_FERR(dev);

    memory_region_init_io(&s->io, OBJECT(dev), &ferr_io_ops, s,
                          "ioportF0", 1);      /* QEMU's name in mtree */
    isa_register_ioport(ISA_DEVICE(dev), &s->io, 0xf0);
    s->irq = isa_get_irq(ISA_DEVICE(dev), 13);
    x86_ferr_wire(&ferr_ops, s);
    return true;
}

static void x87_ferr_unrealize(DeviceState *dev)
{
    X87FerrState *s = X87_FERR(dev);

    x86_ferr_wire(NULL, NULL);
    if (s->io.container) {
        memory_region_del_subregion(s->io.container, &s->io);
    }
    memory_region_destroy(&s->io);
}

static void x87_ferr_reset(DeviceState *dev)
{
    X87FerrState *s = X87_FERR(dev);

    s->level = false;
}

static const StateField x87_ferr_fields[] = {
    STATE_BOOL(level, X87FerrState),
    STATE_END
};
static const StateDesc x87_ferr_state = {
    .name = "x87-ferr", .version = 1, .fields = x87_ferr_fields,
};

static void x87_ferr_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "x87 FERR# to IRQ13, cleared by a write to port 0xF0";
    dc->category = "misc";
    dc->bus_type = TYPE_ISA_BUS;
    dc->realize = x87_ferr_realize;
    dc->unrealize = x87_ferr_unrealize;
    dc->reset = x87_ferr_reset;
    dc->state = &x87_ferr_state;
}

static const TypeInfo x87_ferr_types[] = {
    {
        .name = TYPE_X87_FERR,
        .parent = TYPE_ISA_DEVICE,
        .instance_size = sizeof(X87FerrState),
        .class_init = x87_ferr_class_init,
    },
};
DEFINE_TYPES(x87_ferr_types)
