/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pc machine (i440FX + PIIX3, "pc-i440fx-7.2", alias "pc").
 *
 * Memory: one RAM block; its first below_4g bytes appear at 0 and the
 * rest at 4 GiB. Between them the PCI hole (memory BARs, IOAPIC, HPET,
 * LAPIC, the BIOS ROM below 4 GiB). 0xa0000-0xbffff is left to the
 * VGA window and 0xc0000-0xfffff to the i440FX's PAM shadowing.
 */
#ifndef KEMU_I386_PC_H
#define KEMU_I386_PC_H

#include "hw/boards.h"
#include "hw/isa.h"
#include "hw/i386/e820.h"
#include "hw/i386/x86-boot.h"
#include "hw/i386/acpi-build.h"

#define TYPE_PC_MACHINE "pc-i440fx-7.2" MACHINE_TYPE_SUFFIX
#define PC_NUM_GSI 24
#define PC_DEFAULT_BIOS "bios-256k.bin"
#define PC_ISA_BIOS_SIZE (128 * KiB)

typedef struct PCIBus PCIBus;

typedef struct PCMachineState {
    MachineState parent_obj;

    uint64_t below_4g, above_4g;
    MemoryRegion ram_below_4g, ram_above_4g;
    MemoryRegion bios, isa_bios;
    bool have_bios;

    qemu_irq gsi[PC_NUM_GSI];
    qemu_irq *pic_in;               /* userspace 8259 pair, or NULL */
    DeviceState *ioapic;            /* userspace IOAPIC, or NULL */
    PCIBus *pci_bus;
    ISABus *isa_bus;
    DeviceState *pm;

    E820Table *e820;
    AcpiTables acpi;
    bool have_acpi;
    uint64_t rsdp_addr;             /* 0 when no tables were installed */
    BootImage *boot;                /* direct boot, or NULL */
} PCMachineState;

OBJECT_DECLARE_SIMPLE_TYPE(PCMachineState, PC_MACHINE)

/* pc-boot.c */
/* -bios or the default firmware: false with errp set on failure. */
bool pc_load_firmware(PCMachineState *pcms, Error **errp);
/* e820 for the current RAM layout (before tables are placed). */
void pc_build_e820(PCMachineState *pcms);
/* Builds the ACPI tables and reserves their memory (direct boot). */
void pc_build_acpi(PCMachineState *pcms);
/* Loads -kernel/-initrd; registers the reset handler. */
bool pc_load_kernel(PCMachineState *pcms, Error **errp);
/* Copies len bytes to guest-physical addr through the RAM block (not the
 * flat view, so it works whatever the PAM registers say). */
bool pc_ram_write(PCMachineState *pcms, uint64_t addr, const void *data,
                  size_t len);
/* pc-cmos.c: the CMOS fields firmware and old kernels read. */
void pc_cmos_init(PCMachineState *pcms);

/* Rising edges seen on each of the PC_NUM_GSI lines ("info irq"). */
const uint64_t *pc_gsi_counts(void);

#endif
