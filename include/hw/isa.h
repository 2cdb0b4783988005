/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ISA bus: 16 IRQ lines and the port I/O space. The bus's owner (the
 * PIIX3 on pc) connects the lines to the interrupt controllers.
 */
#ifndef KEMU_ISA_H
#define KEMU_ISA_H

#include "hw/qdev.h"
#include "exec/memory.h"

#define TYPE_ISA_BUS "ISA"
#define TYPE_ISA_DEVICE "isa-device"
#define ISA_NUM_IRQS 16

typedef struct ISABus {
    BusState parent_obj;
    MemoryRegion *address_space_io;
    qemu_irq irqs[ISA_NUM_IRQS];
} ISABus;

typedef struct ISADevice {
    DeviceState parent_obj;
    int isairq[2];        /* for info qtree; -1 when unused */
    int nirqs;
    int ioport_id;        /* first port registered, for info qtree */
} ISADevice;

typedef struct ISADeviceClass {
    DeviceClass parent_class;
} ISADeviceClass;

OBJECT_DECLARE_SIMPLE_TYPE(ISABus, ISA_BUS)
OBJECT_DECLARE_TYPE(ISADevice, ISADeviceClass, ISA_DEVICE)

ISABus *isa_bus_new(DeviceState *owner, MemoryRegion *address_space_io,
                    Error **errp);
void isa_bus_irqs(ISABus *bus, qemu_irq *irqs);   /* copies 16 lines */
ISABus *isa_bus_get_default(void);
/* The line for ISA IRQ n; records it on the device for info qtree. */
qemu_irq isa_get_irq(ISADevice *dev, unsigned n);
/* Maps mr at 'port' in the ISA I/O space. */
void isa_register_ioport(ISADevice *dev, MemoryRegion *mr, uint16_t port);
/* Unmaps what isa_register_ioport mapped (unrealize). */
void isa_unregister_ioport(ISADevice *dev, MemoryRegion *mr);
/* Creates and realizes an ISA device on the default bus. */
ISADevice *isa_create_simple(ISABus *bus, const char *typename);

#endif
