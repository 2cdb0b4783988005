/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ACPI: RSDP -> RSDT/XSDT -> every table's checksum, the FADT and DSDT,
 * and one enabled LAPIC entry in the MADT per vCPU ("cpus=N"). */
#include "guest.h"

void guest_main(void)
{
    const uint8_t *rsdp = acpi_find_rsdp();
    CHECK(rsdp, "no RSDP in 0xe0000-0xfffff");
    printf("RSDP at %p revision %u\n", rsdp, rsdp[15]);
    if (rsdp[15] >= 2) {
        CHECK(acpi_checksum_ok(rsdp, *(const uint32_t *)(rsdp + 20)),
              "RSDP extended checksum");
    }
    const struct acpi_header *rsdt = (const void *)(uint64_t)*(const uint32_t *)(rsdp + 16);
    CHECK(!memcmp(rsdt->sig, "RSDT", 4), "RSDT signature");
    CHECK(acpi_checksum_ok(rsdt, rsdt->length), "RSDT checksum");
    int n = (rsdt->length - sizeof(*rsdt)) / 4;
    for (int i = 0; i < n; i++) {
        const struct acpi_header *t = (const void *)(uint64_t)((const uint32_t *)(rsdt + 1))[i];
        CHECK(acpi_checksum_ok(t, t->length), "%.4s checksum", t->sig);
        printf("table %.4s length %u ok\n", t->sig, t->length);
    }
    const struct acpi_header *dsdt = acpi_find_table("DSDT");
    CHECK(dsdt && !memcmp(dsdt->sig, "DSDT", 4), "no DSDT");
    CHECK(acpi_checksum_ok(dsdt, dsdt->length), "DSDT checksum");
    printf("table DSDT length %u ok\n", dsdt->length);

    uint8_t ids[MAX_CPUS];
    int cpus = acpi_madt_cpus(ids, MAX_CPUS);
    long want = cmdline_int("cpus", 1);
    for (int i = 0; i < cpus; i++) {
        printf("MADT cpu apic-id %u\n", ids[i]);
    }
    CHECK(cpus == want, "MADT has %d CPUs, expected %ld", cpus, want);
}
