/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A PCI host bridge speaking configuration mechanism #1: a 32-bit
 * address register at 0xcf8 (bit 31 enable, bus 23:16, device 15:11,
 * function 10:8, register 7:2) and a data window at 0xcfc-0xcff that
 * takes byte, word and dword accesses.
 *
 * Byte accesses to 0xcf9 are not part of the mechanism: on the pc they
 * reach the PIIX3's reset control register, which registers itself here
 * (pci_host_set_cf9_handler) so the two never fight over the port.
 */
#ifndef KEMU_PCI_HOST_H
#define KEMU_PCI_HOST_H

#include "hw/pci/pci.h"

#define TYPE_PCI_HOST_BRIDGE "pci-host-bridge"

typedef struct PCIHostState {
    DeviceState parent_obj;
    PCIBus *bus;
    uint32_t config_reg;
    MemoryRegion conf_mem;      /* 0xcf8, 4 bytes */
    MemoryRegion data_mem;      /* 0xcfc, 4 bytes */
    MemoryRegion *io;           /* where conf_mem/data_mem are mapped */
    uint8_t (*cf9_read)(void *opaque);
    void (*cf9_write)(void *opaque, uint8_t val);
    void *cf9_opaque;
} PCIHostState;

OBJECT_DECLARE_SIMPLE_TYPE(PCIHostState, PCI_HOST_BRIDGE)

/* Maps the 0xcf8/0xcfc registers in 'io' (realize of a subclass). */
void pci_host_map_conf(PCIHostState *s, MemoryRegion *io);
void pci_host_unmap_conf(PCIHostState *s);
void pci_host_set_cf9_handler(PCIHostState *s, uint8_t (*rd)(void *),
                              void (*wr)(void *, uint8_t), void *opaque);

#endif
