/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "isa-serial": a 16550A on the ISA bus. index= picks COM1..COM4 and
 * with it the default iobase/irq (0x3f8/4, 0x2f8/3, 0x3e8/4, 0x2e8/3);
 * without index= the ports are numbered in creation order, as QEMU does.
 */
#include "util/osdep.h"
#include "hw/isa.h"
#include "hw/char/serial.h"
#include "qom/property.h"

typedef struct ISASerialState {
    ISADevice parent_obj;
    uint32_t index;
    uint32_t iobase;
    uint32_t irq;
    bool wakeup;
    char *chardev;
    SerialState state;
    MemoryRegion io;
} ISASerialState;

OBJECT_DECLARE_SIMPLE_TYPE(ISASerialState, ISA_SERIAL)

static const uint16_t isa_serial_io[MAX_ISA_SERIAL_PORTS] = {
    0x3f8, 0x2f8, 0x3e8, 0x2e8
};
static const uint8_t isa_serial_irq[MAX_ISA_SERIAL_PORTS] = { 4, 3, 4, 3 };
static uint32_t isa_serial_next_index;

static bool isa_serial_realize(DeviceState *dev, Error **errp)
{
    ISASerialState *isa = ISA_SERIAL(dev);
    Chardev *chr = NULL;

    if (isa->index == UINT32_MAX) {
        isa->index = isa_serial_next_index;
    }
    if (isa->index >= MAX_ISA_SERIAL_PORTS) {
        error_setg(errp, "Max. supported number of ISA serial ports is %d.",
                   MAX_ISA_SERIAL_PORTS);
        return false;
    }
    if (isa->iobase == UINT32_MAX) {
        isa->iobase = isa_serial_io[isa->index];
    }
    if (isa->irq == UINT32_MAX) {
        isa->irq = isa_serial_irq[isa->index];
    }
    if (isa->irq >= ISA_NUM_IRQS) {
        error_setg(errp, "Invalid IRQ %u (max %d)", isa->irq,
                   ISA_NUM_IRQS - 1);
        return false;
    }
    if (isa->iobase > 0xfff8) {
        error_setg(errp, "Invalid I/O base 0x%x", isa->iobase);
        return false;
    }
    if (isa->chardev) {
        chr = chardev_find(isa->chardev);
        if (!chr) {
            error_setg(errp, "Property 'serial.chardev' can't find value '%s'",
                       isa->chardev);
            return false;
        }
        if (chr->fe) {
            error_setg(errp, "Property 'serial.chardev' can't take value "
                       "'%s': Device '%s' is in use", isa->chardev,
                       isa->chardev);
            return false;
        }
    }
    isa_serial_next_index = MAX(isa_serial_next_index, isa->index + 1);
    isa->state.baudbase = isa->state.baudbase ? isa->state.baudbase : 115200;
    serial_core_init(&isa->state, OBJECT(dev), chr,
                     isa_get_irq(ISA_DEVICE(dev), isa->irq));
    memory_region_init_io(&isa->io, OBJECT(dev), &serial_io_ops,
                          &isa->state, "serial", 8);
    isa_register_ioport(ISA_DEVICE(dev), &isa->io, isa->iobase);
    return true;
}

static void isa_serial_unrealize(DeviceState *dev)
{
    ISASerialState *isa = ISA_SERIAL(dev);

    if (isa->io.container) {
        memory_region_del_subregion(isa->io.container, &isa->io);
    }
    memory_region_destroy(&isa->io);
    serial_core_deinit(&isa->state);
}

static void isa_serial_reset(DeviceState *dev)
{
    serial_core_reset(&ISA_SERIAL(dev)->state);
}

static const StateField isa_serial_fields[] = {
    STATE_STRUCT_ARRAY(state, ISASerialState, 1, SerialState,
                       &serial_state_desc),
    STATE_END
};

static const StateDesc isa_serial_state = {
    .name = "serial",
    .version = 1,
    .fields = isa_serial_fields,
};

static const Property isa_serial_props[] = {
    DEFINE_PROP_UINT32("index", ISASerialState, index, UINT32_MAX),
    DEFINE_PROP_UINT32("iobase", ISASerialState, iobase, UINT32_MAX),
    DEFINE_PROP_UINT32("irq", ISASerialState, irq, UINT32_MAX),
    DEFINE_PROP_UINT32("baudbase", ISASerialState, state.baudbase, 115200),
    DEFINE_PROP_STRING("chardev", ISASerialState, chardev),
    DEFINE_PROP_BOOL("wakeup", ISASerialState, wakeup, false),
    DEFINE_PROP_END,
};

static void isa_serial_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "16550A UART";
    dc->category = "input";
    dc->bus_type = TYPE_ISA_BUS;
    dc->user_creatable = true;
    dc->realize = isa_serial_realize;
    dc->unrealize = isa_serial_unrealize;
    dc->reset = isa_serial_reset;
    dc->state = &isa_serial_state;
    device_class_set_props(dc, isa_serial_props);
    object_class_property_set_description(oc, "chardev",
                                          "id of the chardev the device talks to");
}

static const TypeInfo isa_serial_types[] = {
    {
        .name = TYPE_ISA_SERIAL,
        .parent = TYPE_ISA_DEVICE,
        .instance_size = sizeof(ISASerialState),
        .class_init = isa_serial_class_init,
    },
};
DEFINE_TYPES(isa_serial_types)
