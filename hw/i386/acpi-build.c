/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pc machine's ACPI tables (ACPI 6.x chapter 5): FACS, DSDT, FADT,
 * MADT, HPET, RSDT and XSDT in one blob, plus a v2 RSDP that the caller
 * puts in the BIOS area. The DSDT's AML is in acpi-dsdt.c.
 */
#include "util/osdep.h"
#include "hw/acpi/tables.h"
#include "hw/i386/acpi-build.h"

void acpi_build_config_defaults(AcpiBuildConfig *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->ioapic_addr = 0xfec00000;
    cfg->lapic_addr = 0xfee00000;
    cfg->hpet_addr = 0xfed00000;
    cfg->hpet_block_id = 0x8086a201;   /* 3 timers, 64-bit, legacy route */
    cfg->serial_mask = 1;
    cfg->i8042 = true;
    cfg->pm_base = 0x600;
    cfg->gpe0_base = 0xafe0;
    cfg->gpe0_len = 4;
    cfg->sci_irq = 9;
    cfg->smi_cmd = 0xb2;
    cfg->acpi_enable = 0xf1;
    cfg->acpi_disable = 0xf0;
    cfg->s5_slp_typ = 0;
    cfg->reset_port = 0xcf9;
    cfg->reset_value = 0x06;
    cfg->pci_hole_start = 0x08000000;
    cfg->pci_hole_end = 0xfec00000;
    cfg->isa_bridge_devfn = 0x08;
}

static size_t build_facs(GByteArray *b)
{
    size_t off;

    /* FACS has no standard header and no checksum; 64-byte aligned. */
    if (b->len % 64) {
        acpi_put_zeros(b, 64 - b->len % 64);
    }
    off = b->len;
    acpi_put_bytes(b, "FACS", 4);
    acpi_put32(b, 64);          /* length */
    acpi_put32(b, 0);           /* hardware signature */
    acpi_put32(b, 0);           /* firmware waking vector */
    acpi_put32(b, 0);           /* global lock */
    acpi_put32(b, 0);           /* flags */
    acpi_put64(b, 0);           /* X firmware waking vector */
    acpi_put8(b, 1);            /* version */
    acpi_put_zeros(b, 64 - 33);
    return off;
}

/* FADT revision 3 (244 bytes), ACPI 6.x section 5.2.9. */
static size_t build_fadt(GByteArray *b, const AcpiBuildConfig *c,
                         uint64_t facs, uint64_t dsdt)
{
    size_t off = acpi_table_begin(b, "FACP", 3, 8);
    uint32_t pm1_evt = c->pm_base, pm1_cnt = c->pm_base + 4;
    uint32_t pm_tmr = c->pm_base + 8;
    uint32_t flags;

    acpi_put32(b, facs);
    acpi_put32(b, dsdt);
    acpi_put8(b, 0);                    /* reserved (INT_MODEL) */
    acpi_put8(b, 0);                    /* preferred PM profile: unspecified */
    acpi_put16(b, c->sci_irq);
    acpi_put32(b, c->smi_cmd);
    acpi_put8(b, c->acpi_enable);
    acpi_put8(b, c->acpi_disable);
    acpi_put8(b, 0);                    /* S4BIOS_REQ */
    acpi_put8(b, 0);                    /* PSTATE_CNT */
    acpi_put32(b, pm1_evt);
    acpi_put32(b, 0);                   /* PM1b_EVT */
    acpi_put32(b, pm1_cnt);
    acpi_put32(b, 0);                   /* PM1b_CNT */
    acpi_put32(b, 0);                   /* PM2_CNT */
    acpi_put32(b, pm_tmr);
    acpi_put32(b, c->gpe0_base);
    acpi_put32(b, 0);                   /* GPE1 */
    acpi_put8(b, 4);                    /* PM1_EVT_LEN */
    acpi_put8(b, 2);                    /* PM1_CNT_LEN */
    acpi_put8(b, 0);                    /* PM2_CNT_LEN */
    acpi_put8(b, 4);                    /* PM_TMR_LEN */
    acpi_put8(b, c->gpe0_len);
    acpi_put8(b, 0);                    /* GPE1_BLK_LEN */
    acpi_put8(b, 0);                    /* GPE1_BASE */
    acpi_put8(b, 0);                    /* CST_CNT */
    acpi_put16(b, 0xfff);               /* P_LVL2_LAT: no C2 */
    acpi_put16(b, 0xfff);               /* P_LVL3_LAT: no C3 */
    acpi_put16(b, 0);                   /* FLUSH_SIZE */
    acpi_put16(b, 0);                   /* FLUSH_STRIDE */
    acpi_put8(b, 0);                    /* DUTY_OFFSET */
    acpi_put8(b, 0);                    /* DUTY_WIDTH */
    acpi_put8(b, 0);                    /* DAY_ALRM */
    acpi_put8(b, 0);                    /* MON_ALRM */
    acpi_put8(b, 0x32);                 /* CENTURY: CMOS index */
    /* IAPC_BOOT_ARCH: legacy devices; 8042 when present. */
    acpi_put16(b, 0x1 | (c->i8042 ? 0x2 : 0));
    acpi_put8(b, 0);                    /* reserved */
    /*
     * WBINVD, PROC_C1, SLP_BUTTON (no fixed sleep button; the power
     * button is the fixed-feature one, PWR_BUTTON clear), FIX_RTC,
     * RTC_S4, RESET_REG_SUP, USE_PLATFORM_CLOCK.
     */
    flags = (1 << 0) | (1 << 2) | (1 << 5) | (1 << 6) | (1 << 7) |
            (1 << 10) | (1 << 15);
    acpi_put32(b, flags);
    acpi_put_gas(b, ACPI_GAS_IO, 8, 1, c->reset_port);
    acpi_put8(b, c->reset_value);
    acpi_put_zeros(b, 3);               /* ARM_BOOT_ARCH, minor version */
    acpi_put64(b, facs);                /* X_FIRMWARE_CTRL */
    acpi_put64(b, dsdt);                /* X_DSDT */
    acpi_put_gas(b, ACPI_GAS_IO, 32, 0, pm1_evt);
    acpi_put_gas(b, 0, 0, 0, 0);        /* X_PM1b_EVT */
    acpi_put_gas(b, ACPI_GAS_IO, 16, 0, pm1_cnt);
    acpi_put_gas(b, 0, 0, 0, 0);        /* X_PM1b_CNT */
    acpi_put_gas(b, 0, 0, 0, 0);        /* X_PM2_CNT */
    acpi_put_gas(b, ACPI_GAS_IO, 32, 0, pm_tmr);
    acpi_put_gas(b, ACPI_GAS_IO, c->gpe0_len * 8, 0, c->gpe0_base);
    acpi_put_gas(b, 0, 0, 0, 0);        /* X_GPE1 */
    acpi_table_end(b, off);
    return off;
}

/* MADT, ACPI 6.x section 5.2.12. */
static size_t build_madt(GByteArray *b, const AcpiBuildConfig *c)
{
    size_t off = acpi_table_begin(b, "APIC", 3, 8);
    bool x2apic = false;

    acpi_put32(b, c->lapic_addr);
    acpi_put32(b, 1);                   /* PCAT_COMPAT: dual 8259s */
    for (unsigned i = 0; i < c->ncpus; i++) {
        uint32_t id = c->apic_ids[i];
        if (id < 255) {
            acpi_put8(b, 0);            /* Processor Local APIC */
            acpi_put8(b, 8);
            acpi_put8(b, i);            /* ACPI processor UID */
            acpi_put8(b, id);
            acpi_put32(b, 1);           /* enabled */
        } else {
            x2apic = true;
            acpi_put8(b, 9);            /* Processor Local x2APIC */
            acpi_put8(b, 16);
            acpi_put16(b, 0);
            acpi_put32(b, id);
            acpi_put32(b, 1);
            acpi_put32(b, i);
        }
    }
    acpi_put8(b, 1);                    /* I/O APIC */
    acpi_put8(b, 12);
    acpi_put8(b, 0);                    /* id */
    acpi_put8(b, 0);
    acpi_put32(b, c->ioapic_addr);
    acpi_put32(b, 0);                   /* GSI base */

    /* ISA IRQ0 (PIT) is wired to IOAPIC pin 2. */
    acpi_put8(b, 2);
    acpi_put8(b, 10);
    acpi_put8(b, 0);                    /* bus: ISA */
    acpi_put8(b, 0);                    /* source */
    acpi_put32(b, 2);                   /* GSI */
    acpi_put16(b, 0);                   /* conforms to bus */
    /* SCI and the PCI link IRQs: level, active high. */
    static const uint8_t level_irqs[] = { 5, 9, 10, 11 };
    for (unsigned i = 0; i < ARRAY_SIZE(level_irqs); i++) {
        uint8_t irq = level_irqs[i];
        if (irq != c->sci_irq && irq != 5 && irq != 10 && irq != 11) {
            continue;
        }
        acpi_put8(b, 2);
        acpi_put8(b, 10);
        acpi_put8(b, 0);
        acpi_put8(b, irq);
        acpi_put32(b, irq);
        acpi_put16(b, 0x000d);          /* level (3<<2), active high (1) */
    }
    /* LINT1 of every processor is NMI (edge, active high). */
    acpi_put8(b, 4);
    acpi_put8(b, 6);
    acpi_put8(b, 0xff);                 /* all processors */
    acpi_put16(b, 0x0005);
    acpi_put8(b, 1);                    /* LINT1 */
    if (x2apic) {
        acpi_put8(b, 0x0a);             /* Local x2APIC NMI */
        acpi_put8(b, 12);
        acpi_put16(b, 0x0005);
        acpi_put32(b, 0xffffffff);
        acpi_put8(b, 1);
        acpi_put_zeros(b, 3);
    }
    acpi_table_end(b, off);
    return off;
}

/* IA-PC HPET description table. */
static size_t build_hpet(GByteArray *b, const AcpiBuildConfig *c)
{
    size_t off = acpi_table_begin(b, "HPET", 1, 8);
    acpi_put32(b, c->hpet_block_id);
    acpi_put_gas(b, ACPI_GAS_MEMORY, 0, 0, c->hpet_addr);
    acpi_put8(b, 0);                    /* HPET number */
    acpi_put16(b, 0);                   /* minimum clock tick */
    acpi_put8(b, 0);                    /* page protection */
    acpi_table_end(b, off);
    return off;
}

static size_t build_sdt(GByteArray *b, const char *sig, int width,
                        const uint64_t *addrs, unsigned n)
{
    size_t off = acpi_table_begin(b, sig, 1, 8);
    for (unsigned i = 0; i < n; i++) {
        if (width == 4) {
            acpi_put32(b, addrs[i]);
        } else {
            acpi_put64(b, addrs[i]);
        }
    }
    acpi_table_end(b, off);
    return off;
}

void acpi_build_tables(const AcpiBuildConfig *c, uint64_t base,
                       AcpiTables *t)
{
    GByteArray *b = g_byte_array_new();
    uint64_t entries[4];
    unsigned n = 0;
    uint8_t *r;

    memset(t, 0, sizeof(*t));
    t->blob = b;
    t->blob_addr = base;
    t->facs_off = build_facs(b);
    t->dsdt_off = ROUND_UP((size_t)b->len, 8);
    acpi_build_dsdt(b, c);
    t->fadt_off = build_fadt(b, c, base + t->facs_off, base + t->dsdt_off);
    entries[n++] = base + t->fadt_off;
    t->madt_off = build_madt(b, c);
    entries[n++] = base + t->madt_off;
    if (c->hpet) {
        t->hpet_off = build_hpet(b, c);
        entries[n++] = base + t->hpet_off;
    }
    t->rsdt_off = build_sdt(b, "RSDT", 4, entries, n);
    t->xsdt_off = build_sdt(b, "XSDT", 8, entries, n);

    /* RSDP v2 (ACPI 6.x 5.2.5.3). */
    r = t->rsdp;
    memset(r, 0, sizeof(t->rsdp));
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, ACPI_OEM_ID, 6);
    r[15] = 2;
    for (int i = 0; i < 4; i++) {
        r[16 + i] = (base + t->rsdt_off) >> (8 * i);
        r[20 + i] = 36 >> (8 * i);
    }
    for (int i = 0; i < 8; i++) {
        r[24 + i] = (base + t->xsdt_off) >> (8 * i);
    }
    r[8] = -acpi_checksum(r, 20);
    r[32] = -acpi_checksum(r, 36);
}

void acpi_tables_free(AcpiTables *t)
{
    if (t->blob) {
        g_byte_array_free(t->blob, true);
        t->blob = NULL;
    }
}
