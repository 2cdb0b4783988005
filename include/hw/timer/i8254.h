/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The 8254 programmable interval timer and its channel-2 plumbing for
 * port 0x61.
 *
 * "pit-common" is the abstract parent of the userspace "isa-pit" and the
 * in-kernel "kvm-pit": its class gives port 0x61 ("isa-pcspk") access to
 * channel 2's GATE input and OUT output, whoever counts. The instance is
 * a plain ISADevice, so a subclass may put anything after it.
 *
 * "isa-pit": property "iobase" (0x40). gpio_out[0] is channel 0's OUT
 * (ISA IRQ 0); when left unconnected at realize it is wired to the ISA
 * bus's IRQ 0.
 */
#ifndef KEMU_HW_TIMER_I8254_H
#define KEMU_HW_TIMER_I8254_H

#include "hw/isa.h"

#define TYPE_PIT_COMMON "pit-common"
#define TYPE_ISA_PIT "isa-pit"
#define TYPE_KVM_PIT "kvm-pit"
#define TYPE_PCSPK "isa-pcspk"

#define PIT_FREQ 1193182

typedef struct PITCommonClass {
    ISADeviceClass parent_class;
    /* Drive a channel's GATE input (channel 2: port 0x61 bit 0). */
    void (*set_gate)(ISADevice *pit, int channel, bool level);
    bool (*get_gate)(ISADevice *pit, int channel);
    /* The channel's OUT level now (channel 2: port 0x61 bit 5). */
    bool (*get_out)(ISADevice *pit, int channel);
} PITCommonClass;

#define PIT_COMMON_GET_CLASS(obj) \
    OBJECT_GET_CLASS(PITCommonClass, obj, TYPE_PIT_COMMON)
#define PIT_COMMON_CLASS(klass) \
    OBJECT_CLASS_CHECK(PITCommonClass, klass, TYPE_PIT_COMMON)

void pit_set_gate(ISADevice *pit, int channel, bool level);
bool pit_get_gate(ISADevice *pit, int channel);
bool pit_get_out(ISADevice *pit, int channel);

/* Creates "isa-pit" at iobase on bus, channel 0 OUT to irq (NULL: ISA IRQ
 * 0), added as "/machine/pit". */
ISADevice *i8254_pit_init(ISABus *bus, int iobase, qemu_irq irq);

/* Creates "isa-pcspk" (port 0x61) linked to pit, added as
 * "/machine/pcspk". */
ISADevice *pcspk_init(ISABus *bus, ISADevice *pit);

#endif
