/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The i440FX PCI and memory controller: host bridge "i440FX-pcihost"
 * (config mechanism #1, bus "pci.0") and its function 00.0 "i440FX"
 * (8086:1237) with the PAM registers (0x59-0x5f: shadowing of
 * 0xc0000-0xfffff as RAM, read-only RAM or PCI/ROM) and SMRAM (0x72).
 */
#ifndef KEMU_I440FX_H
#define KEMU_I440FX_H

#include "hw/pci/pci_host.h"

#define TYPE_I440FX_PCI_HOST_BRIDGE "i440FX-pcihost"
#define TYPE_I440FX_PCI_DEVICE "i440FX"

#define I440FX_PAM          0x59
#define I440FX_PAM_SIZE     7
#define I440FX_SMRAM        0x72
#define  SMRAM_D_OPEN       0x40
#define  SMRAM_D_CLS        0x20
#define  SMRAM_D_LCK        0x10
#define  SMRAM_G_SMRAME     0x08
#define  SMRAM_C_BASE_SEG   0x02
#define I440FX_PAM_SEGMENTS 13      /* 0xf0000 (64K) + 12 x 16K */

typedef struct PAMSegment {
    MemoryRegion alias[3];          /* PCI, read-only RAM, RAM */
    unsigned current;
} PAMSegment;

typedef struct PCII440FXState {
    PCIDevice parent_obj;
    MemoryRegion *system_memory;
    MemoryRegion *pci_memory;
    MemoryRegion *ram;
    PAMSegment pam[I440FX_PAM_SEGMENTS];
    MemoryRegion smram_window;      /* PCI (VGA) view of 0xa0000-0xbffff */
    MemoryRegion vga_hole;          /* master abort there when no VGA */
    bool regions_ready;
} PCII440FXState;

typedef struct I440FXHostState {
    PCIHostState parent_obj;
    MemoryRegion pci_memory;        /* the PCI memory space ("pci") */
    MemoryRegion *system_memory;
    MemoryRegion *ram;              /* link "ram": the guest's RAM block */
    PCII440FXState *func0;
} I440FXHostState;

OBJECT_DECLARE_SIMPLE_TYPE(PCII440FXState, I440FX_PCI_DEVICE)
OBJECT_DECLARE_SIMPLE_TYPE(I440FXHostState, I440FX_PCI_HOST_BRIDGE)

/*
 * Builds the host bridge as child 'name' ("i440fx") of 'parent'
 * (/machine), maps 0xcf8/0xcfc in system_io, creates the PCI memory
 * space (a container below RAM in system_memory, priority -1: the pc's
 * firmware ROM aliases and all memory BARs go there; see
 * i440fx_pci_memory), and the function 00.0 whose PAM/SMRAM aliases
 * select between 'ram' (the guest RAM block, low RAM identity-mapped)
 * and the PCI memory space. Returns the "pci.0" bus.
 */
PCIBus *i440fx_init(Object *parent, const char *name,
                    MemoryRegion *system_memory, MemoryRegion *system_io,
                    MemoryRegion *ram, Error **errp);
MemoryRegion *i440fx_pci_memory(PCIBus *bus);

#endif
