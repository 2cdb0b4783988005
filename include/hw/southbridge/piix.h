/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PIIX3 (function 01.0, 8086:7000): PCI-to-ISA bridge owning "isa.0",
 * PIRQA-D routing (0x60-0x63: bit 7 disables, bits 3:0 the ISA IRQ) with
 * level sharing, and the reset control register at port 0xcf9.
 * PIIX4 power management (function 01.3, 8086:7113): see hw/acpi/pm.h.
 */
#ifndef KEMU_PIIX_H
#define KEMU_PIIX_H

#include "hw/pci/pci.h"
#include "hw/isa.h"

#define TYPE_PIIX3_DEVICE "PIIX3"

#define PIIX_PIRQC          0x60    /* 4 registers */
#define PIIX_NUM_PIRQS      4
#define PIIX_PIRQ_DISABLE   0x80
#define PIIX_RCR_IOPORT     0xcf9
#define  RCR_SYS_RST        0x02
#define  RCR_RST_CPU        0x04

typedef struct PIIX3State {
    PCIDevice parent_obj;
    ISABus *isa_bus;
    int pirq_level[PIIX_NUM_PIRQS];     /* OR of the PCI functions' INTx */
    uint16_t driven;                    /* ISA IRQs this bridge holds high */
    uint8_t rcr;
    MemoryRegion rcr_mem;               /* 0xcf9 when no mech-#1 host */
    bool rcr_mapped;
} PIIX3State;

OBJECT_DECLARE_SIMPLE_TYPE(PIIX3State, PIIX3_DEVICE)

/* PIIX swizzle as QEMU wires it: slot s pin p (0 = INTA) -> PIRQ
 * (s - 1 + p) & 3, so slot 1 (the PIIX3 itself) starts at PIRQA. The DSDT's
 * _PRT describes the same rule. */
int piix_pci_slot_get_pirq(PCIDevice *dev, int pin);

#endif
