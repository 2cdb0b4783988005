/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Command line and ACPI tables as the test guests see them. */
#include "guest.h"

const char *boot_cmdline(void)
{
    const char *s = NULL;
    switch (boot_type) {
    case BOOT_MULTIBOOT: {
        const uint32_t *mbi = (const uint32_t *)(uint64_t)boot_info;
        if (mbi[0] & (1 << 2)) {
            s = (const char *)(uint64_t)mbi[4];
        }
        break;
    }
    case BOOT_LINUX32:
    case BOOT_LINUX64:
        s = (const char *)(uint64_t)*(uint32_t *)((uint64_t)boot_info + 0x228);
        break;
    case BOOT_PVH:
        s = (const char *)*(uint64_t *)((uint64_t)boot_info + 24);
        break;
    }
    return s ? s : "";
}

long cmdline_int(const char *key, long def)
{
    const char *c = boot_cmdline();
    size_t kl = strlen(key);
    for (const char *p = c; (p = strstr(p, key)); p += kl) {
        if ((p == c || p[-1] == ' ') && p[kl] == '=') {
            long v = 0;
            for (p += kl + 1; *p >= '0' && *p <= '9'; p++) {
                v = v * 10 + (*p - '0');
            }
            return v;
        }
    }
    return def;
}

bool acpi_checksum_ok(const void *p, uint32_t len)
{
    uint8_t sum = 0;
    for (uint32_t i = 0; i < len; i++) {
        sum += ((const uint8_t *)p)[i];
    }
    return sum == 0;
}

const struct acpi_header *acpi_find_table(const char *sig)
{
    const uint8_t *rsdp = acpi_find_rsdp();
    if (!rsdp) {
        return NULL;
    }
    uint64_t xsdt = rsdp[15] >= 2 ? *(const uint64_t *)(rsdp + 24) : 0;
    uint32_t rsdt = *(const uint32_t *)(rsdp + 16);
    const struct acpi_header *t = (const void *)(xsdt ? xsdt : rsdt);
    int esz = xsdt ? 8 : 4;
    int n = (t->length - sizeof(*t)) / esz;
    for (int i = 0; i < n; i++) {
        const uint8_t *e = (const uint8_t *)(t + 1) + i * esz;
        uint64_t a = esz == 8 ? *(const uint64_t *)e : *(const uint32_t *)e;
        const struct acpi_header *h = (const void *)a;
        if (!memcmp(h->sig, sig, 4)) {
            return h;
        }
    }
    if (!memcmp(sig, "DSDT", 4)) {
        const uint8_t *fadt = (const void *)acpi_find_table("FACP");
        if (fadt) {
            return (const void *)(uint64_t)*(const uint32_t *)(fadt + 40);
        }
    }
    return NULL;
}

int acpi_madt_cpus(uint8_t *ids, int max)
{
    const struct acpi_header *m = acpi_find_table("APIC");
    if (!m) {
        return -1;
    }
    const uint8_t *p = (const uint8_t *)m + 44, *end = (const uint8_t *)m + m->length;
    int n = 0;
    while (p + 2 <= end && p[1]) {
        if (p[0] == 0 && (p[4] & 1) && n < max) {   /* Processor Local APIC */
            ids[n++] = p[3];
        }
        p += p[1];
    }
    return n;
}

void acpi_poweroff(void)
{
    const uint8_t *fadt = (const void *)acpi_find_table("FACP");
    const struct acpi_header *dsdt = acpi_find_table("DSDT");
    if (!fadt || !dsdt) {
        return;
    }
    uint32_t pm1a_cnt = *(const uint32_t *)(fadt + 64);
    uint32_t smi_cmd = *(const uint32_t *)(fadt + 48);
    uint8_t acpi_enable = fadt[52];
    /* \_S5_ is Name(_S5_, Package(){a, b, ...}): find SLP_TYPa. */
    const uint8_t *p = (const uint8_t *)dsdt, *end = p + dsdt->length;
    int slp_typ = -1;
    for (; p + 8 < end; p++) {
        if (!memcmp(p, "_S5_", 4) && p[4] == 0x12) {
            const uint8_t *q = p + 5;
            q += ((q[0] >> 6) & 3) + 1;     /* PkgLength */
            q++;                            /* NumElements */
            slp_typ = *q == 0x0a ? q[1] : (*q == 0x01 ? 1 : 0);
            break;
        }
    }
    if (slp_typ < 0 || !pm1a_cnt) {
        return;
    }
    if (smi_cmd && acpi_enable && !(inw(pm1a_cnt) & 1)) {
        outb(smi_cmd, acpi_enable);
        for (int i = 0; i < 1000 && !(inw(pm1a_cnt) & 1); i++) {
            udelay(100);
        }
    }
    outw(pm1a_cnt, (slp_typ << 10) | (1 << 13));
}
