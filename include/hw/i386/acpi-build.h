/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ACPI tables of the pc machine, built as a pure function of a
 * description of the machine so that tests can build and check them
 * without a running VM.
 */
#ifndef KEMU_I386_ACPI_BUILD_H
#define KEMU_I386_ACPI_BUILD_H

#include "util/osdep.h"

typedef struct AcpiBuildConfig {
    unsigned ncpus;
    const uint32_t *apic_ids;       /* ncpus entries */
    uint32_t ioapic_addr;           /* 0xfec00000 */
    uint32_t lapic_addr;            /* 0xfee00000 */
    bool hpet;
    uint32_t hpet_addr;             /* 0xfed00000 */
    uint32_t hpet_block_id;         /* HPET capabilities' low 32 bits */
    uint8_t serial_mask;            /* bit n: COM(n+1) present */
    bool i8042;
    /* PIIX4 PM function */
    uint16_t pm_base;               /* PM1a_EVT; CNT at +4, TMR at +8 */
    uint16_t gpe0_base;
    uint16_t gpe0_len;
    uint16_t sci_irq;
    uint16_t smi_cmd;
    uint8_t acpi_enable;
    uint8_t acpi_disable;
    uint8_t s5_slp_typ;
    uint16_t reset_port;            /* 0xcf9 */
    uint8_t reset_value;            /* 0x06 */
    /* PCI windows for the root bridge's _CRS */
    uint32_t pci_hole_start;        /* top of low RAM */
    uint32_t pci_hole_end;          /* exclusive: 0xfec00000 */
    uint64_t pci_hole64_start;      /* 0: no 64-bit window */
    uint64_t pci_hole64_end;
    /* PIIX3 function holding the PIRQ route registers (0x60-0x63) */
    unsigned isa_bridge_devfn;      /* 0x08: 00:01.0 */
} AcpiBuildConfig;

typedef struct AcpiTables {
    GByteArray *blob;               /* everything but the RSDP */
    uint64_t blob_addr;             /* guest-physical address of blob */
    uint8_t rsdp[36];               /* placed by the caller */
    /* Offsets of the tables in blob, for tests and the boot loaders. */
    size_t facs_off, dsdt_off, fadt_off, madt_off, hpet_off;
    size_t rsdt_off, xsdt_off;
} AcpiTables;

/* Fills the config with the pc machine's fixed values (ports etc.). */
void acpi_build_config_defaults(AcpiBuildConfig *cfg);
/* Builds every table for blob_addr; free with acpi_tables_free(). */
void acpi_build_tables(const AcpiBuildConfig *cfg, uint64_t blob_addr,
                       AcpiTables *out);
void acpi_tables_free(AcpiTables *t);
/* The DSDT's AML body as a full table (header included). */
void acpi_build_dsdt(GByteArray *blob, const AcpiBuildConfig *cfg);

#endif
