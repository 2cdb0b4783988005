/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ISA bus: port I/O and 16 interrupt lines. The bus owner (PIIX3)
 * creates it; the machine hands it the 16 lines (isa_bus_irqs) before
 * ISA devices are realized, since a device takes its line at realize.
 */
#include "util/osdep.h"
#include "hw/isa.h"

static ISABus *isa_default_bus;

ISABus *isa_bus_new(DeviceState *owner, MemoryRegion *address_space_io,
                    Error **errp)
{
    ISABus *bus;

    if (isa_default_bus) {
        error_setg(errp, "Can't create a second ISA bus");
        return NULL;
    }
    bus = ISA_BUS(qbus_new(TYPE_ISA_BUS, owner, "isa.0"));
    bus->address_space_io = address_space_io ? address_space_io
                                             : get_system_io();
    isa_default_bus = bus;
    return bus;
}

void isa_bus_irqs(ISABus *bus, qemu_irq *irqs)
{
    memcpy(bus->irqs, irqs, sizeof(bus->irqs));
}

ISABus *isa_bus_get_default(void)
{
    return isa_default_bus;
}

static ISABus *isa_dev_bus(ISADevice *dev)
{
    BusState *b = DEVICE(dev)->parent_bus;

    return b ? ISA_BUS(b) : isa_default_bus;
}

qemu_irq isa_get_irq(ISADevice *dev, unsigned n)
{
    ISABus *bus = dev ? isa_dev_bus(dev) : isa_default_bus;

    g_assert(n < ISA_NUM_IRQS);
    if (dev && dev->nirqs < 2) {
        dev->isairq[dev->nirqs++] = n;
    }
    return bus ? bus->irqs[n] : NULL;
}

void isa_register_ioport(ISADevice *dev, MemoryRegion *mr, uint16_t port)
{
    ISABus *bus = isa_dev_bus(dev);

    memory_region_add_subregion(bus ? bus->address_space_io : get_system_io(),
                                port, mr);
    if (dev && dev->ioport_id < 0) {
        dev->ioport_id = port;
    }
}

void isa_unregister_ioport(ISADevice *dev, MemoryRegion *mr)
{
    ISABus *bus = isa_dev_bus(dev);

    memory_region_del_subregion(bus ? bus->address_space_io : get_system_io(),
                                mr);
}

ISADevice *isa_create_simple(ISABus *bus, const char *typename)
{
    DeviceState *dev = qdev_new(typename);

    qdev_realize_and_unref(dev, bus ? BUS(bus) : NULL, &error_fatal);
    return (ISADevice *)dev;
}

static void isa_bus_print_dev(BusState *bus, DeviceState *dev, GString *out,
                              int indent)
{
    ISADevice *d = (ISADevice *)dev;

    if (d->nirqs) {
        g_string_append_printf(out, "%*sisa irq %d\n", indent, "",
                               d->isairq[0]);
    }
    if (d->nirqs > 1) {
        g_string_append_printf(out, "%*sisa irq %d\n", indent, "",
                               d->isairq[1]);
    }
}

static char *isa_bus_get_dev_path(DeviceState *dev)
{
    ISADevice *d = (ISADevice *)dev;

    if (d->ioport_id >= 0) {
        return g_strdup_printf("/%04x", d->ioport_id);
    }
    return g_strdup(object_get_typename(OBJECT(dev)));
}

static void isa_bus_finalize(Object *obj)
{
    if (isa_default_bus == (ISABus *)obj) {
        isa_default_bus = NULL;
    }
}

static void isa_bus_class_init(ObjectClass *oc, void *data)
{
    BusClass *bc = (BusClass *)oc;

    bc->print_dev = isa_bus_print_dev;
    bc->get_dev_path = isa_bus_get_dev_path;
}

static void isa_device_init(Object *obj)
{
    ISADevice *d = (ISADevice *)obj;

    d->isairq[0] = d->isairq[1] = -1;
    d->nirqs = 0;
    d->ioport_id = -1;
}

static void isa_device_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->bus_type = TYPE_ISA_BUS;
}

static const TypeInfo isa_types[] = {
    {
        .name = TYPE_ISA_BUS,
        .parent = TYPE_BUS,
        .instance_size = sizeof(ISABus),
        .class_size = sizeof(BusClass),
        .class_init = isa_bus_class_init,
        .instance_finalize = isa_bus_finalize,
    },
    {
        .name = TYPE_ISA_DEVICE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(ISADevice),
        .class_size = sizeof(ISADeviceClass),
        .instance_init = isa_device_init,
        .class_init = isa_device_class_init,
        .abstract = true,
    },
};

DEFINE_TYPES(isa_types)
