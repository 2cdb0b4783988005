/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Checks what the loader handed over, for whichever protocol booted us:
 * the command line (must contain "marker=kemu-boot-check"), the memory
 * map (total usable RAM is printed for the test to compare with -m),
 * and the initrd or modules (each file starts with "KEMU-"; their names
 * and command lines are printed).
 */
#include "guest.h"

static uint64_t ram_kib;

static void map_entry(uint64_t addr, uint64_t len, uint32_t type)
{
    printf("map %lx-%lx type %u\n", addr, addr + len - 1, type);
    if (type == 1) {
        ram_kib += len >> 10;
    }
}

static void check_file(const char *what, uint64_t start, uint64_t len)
{
    CHECK(len >= 5, "%s is %lu bytes", what, len);
    CHECK(!memcmp((void *)start, "KEMU-", 5), "%s at %lx has wrong contents",
          what, start);
    char head[24];
    size_t n = len < sizeof(head) - 1 ? len : sizeof(head) - 1;
    memcpy(head, (void *)start, n);
    head[n] = 0;
    for (size_t i = 0; i < n; i++) {
        if (head[i] == '\n') {
            head[i] = 0;
        }
    }
    printf("%s: %s (%lu bytes at %lx)\n", what, head, len, start);
}

static void check_multiboot(const uint32_t *mbi)
{
    uint32_t flags = mbi[0];
    printf("multiboot flags %x mem_lower %u mem_upper %u\n", flags, mbi[1], mbi[2]);
    CHECK(flags & 1, "no mem_lower/mem_upper");
    CHECK(flags & (1 << 6), "no memory map");
    CHECK(mbi[1] == 639 || mbi[1] == 640, "mem_lower is %u", mbi[1]);
    for (uint64_t p = mbi[12], end = p + mbi[11]; p < end;
         p += *(uint32_t *)p + 4) {
        const uint32_t *e = (const uint32_t *)p;
        map_entry(*(uint64_t *)(e + 1), *(uint64_t *)(e + 3), e[5]);
    }
    if (flags & (1 << 9)) {
        printf("loader: %s\n", (const char *)(uint64_t)mbi[16]);
    }
    if (flags & (1 << 3)) {
        const uint32_t *mod = (const uint32_t *)(uint64_t)mbi[6];
        printf("modules: %u\n", mbi[5]);
        for (uint32_t i = 0; i < mbi[5]; i++, mod += 4) {
            char what[64];
            snprintf(what, sizeof(what), "module %u '%s'", i,
                     mod[2] ? (const char *)(uint64_t)mod[2] : "");
            CHECK(!(mod[0] & 0xfff), "module %u not page aligned", i);
            check_file(what, mod[0], mod[1] - mod[0]);
        }
    }
}

static void check_linux(const uint8_t *zp)
{
    uint8_t n = zp[0x1e8];
    printf("linux zero page at %p, %u e820 entries, loader type %x\n",
           zp, n, zp[0x210]);
    CHECK(!memcmp(zp + 0x202, "HdrS", 4), "setup header missing");
    CHECK(zp[0x210] != 0, "type_of_loader not set");
    CHECK(n > 0 && n <= 128, "bad e820 count %u", n);
    for (int i = 0; i < n; i++) {
        const uint8_t *e = zp + 0x2d0 + 20 * i;
        map_entry(*(uint64_t *)e, *(uint64_t *)(e + 8), *(uint32_t *)(e + 16));
    }
    uint32_t rd = *(uint32_t *)(zp + 0x218), rdsz = *(uint32_t *)(zp + 0x21c);
    if (rdsz) {
        uint32_t max = *(uint32_t *)(zp + 0x22c);
        CHECK(rd + rdsz - 1 <= max, "initrd above initrd_addr_max");
        check_file("initrd", rd, rdsz);
    }
    uint64_t rsdp = *(uint64_t *)(zp + 0x70);
    printf("acpi_rsdp_addr %lx\n", rsdp);
}

static void check_pvh(const uint8_t *si)
{
    const uint32_t *w = (const uint32_t *)si;
    printf("pvh start_info magic %x version %u modules %u\n", w[0], w[1], w[3]);
    CHECK(w[0] == 0x336ec578, "bad start_info magic");
    uint64_t memmap = *(uint64_t *)(si + 40);
    uint32_t entries = w[12];
    CHECK(w[1] >= 1 && memmap && entries, "no memory map in start_info");
    for (uint32_t i = 0; i < entries; i++) {
        const uint8_t *e = (const uint8_t *)memmap + 24 * i;
        map_entry(*(uint64_t *)e, *(uint64_t *)(e + 8), *(uint32_t *)(e + 16));
    }
    const uint64_t *mod = (const uint64_t *)*(uint64_t *)(si + 16);
    for (uint32_t i = 0; i < w[3]; i++, mod += 4) {
        check_file("module", mod[0], mod[1]);
    }
    printf("rsdp %lx\n", *(uint64_t *)(si + 32));
}

void guest_main(void)
{
    static const char *names[] = { "?", "linux32", "linux64", "multiboot", "pvh" };
    const char *cmd = boot_cmdline();
    printf("booted via %s\n", names[boot_type < 5 ? boot_type : 0]);
    printf("cmdline: %s\n", cmd);
    CHECK(strstr(cmd, "marker=kemu-boot-check"), "command line lost");
    switch (boot_type) {
    case BOOT_MULTIBOOT:
        check_multiboot((const uint32_t *)(uint64_t)boot_info);
        break;
    case BOOT_LINUX32:
    case BOOT_LINUX64:
        check_linux((const uint8_t *)(uint64_t)boot_info);
        break;
    case BOOT_PVH:
        check_pvh((const uint8_t *)(uint64_t)boot_info);
        break;
    default:
        fail("unknown boot type %u", boot_type);
    }
    printf("ram-total-kib %lu\n", ram_kib);
}
