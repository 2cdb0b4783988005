/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Boot protocol structures and loaders: the Linux zero page from a
 * synthetic bzImage, PVH note parsing and start info, multiboot header
 * search, module strings and info block.
 */
#include "util/osdep.h"
#include "hw/i386/x86-boot.h"
#include <asm/bootparam.h>
#include <elf.h>

static E820Table *pc_e820(void)
{
    E820Table *t = e820_new();
    e820_add(t, 0, 0x9fc00, E820_RAM);
    e820_add(t, 0x9fc00, 0x400, E820_RESERVED);
    e820_add(t, 0xf0000, 0x10000, E820_RESERVED);
    e820_add(t, 1 * MiB, 126 * MiB, E820_RAM);
    e820_add(t, 127 * MiB, 1 * MiB, E820_ACPI);
    return t;
}

static bool fake_read(const char *path, uint8_t **data, size_t *len,
                      Error **errp)
{
    *len = 5000 + strlen(path);
    *data = g_malloc(*len);
    memset(*data, path[0], *len);
    return true;
}

static const BootBlob *find_blob(BootImage *img, const char *name)
{
    for (guint i = 0; i < img->blobs->len; i++) {
        BootBlob *b = g_ptr_array_index(img->blobs, i);
        if (!strcmp(b->name, name)) {
            return b;
        }
    }
    return NULL;
}

static void test_layouts(void)
{
    g_assert_cmpuint(sizeof(struct boot_params), ==, 4096);
    g_assert_cmpuint(offsetof(struct boot_params, hdr), ==, 0x1f1);
    g_assert_cmpuint(offsetof(struct boot_params, acpi_rsdp_addr), ==, 0x70);
    g_assert_cmpuint(offsetof(struct boot_params, e820_entries), ==, 0x1e8);
    g_assert_cmpuint(offsetof(struct boot_params, e820_table), ==, 0x2d0);
    g_assert_cmpuint(offsetof(struct setup_header, cmd_line_ptr) + 0x1f1,
                     ==, 0x228);
    g_assert_cmpuint(sizeof(HvmStartInfo), ==, 56);
    g_assert_cmpuint(offsetof(HvmStartInfo, memmap_paddr), ==, 40);
    g_assert_cmpuint(sizeof(HvmModlistEntry), ==, 32);
    g_assert_cmpuint(sizeof(HvmMemmapEntry), ==, 24);
    g_assert_cmpuint(sizeof(MultibootInfo), ==, 88);
    g_assert_cmpuint(offsetof(MultibootInfo, mmap_addr), ==, 48);
    g_assert_cmpuint(offsetof(MultibootInfo, boot_loader_name), ==, 64);
    g_assert_cmpuint(sizeof(MultibootModule), ==, 16);
    g_assert_cmpuint(sizeof(MultibootMmap), ==, 24);
}

/* A bzImage header as a 6.x kernel has it, 4 setup sectors. */
static uint8_t *make_bzimage(size_t *len, uint16_t version, bool k64)
{
    uint8_t *k = g_malloc0(16 * KiB);
    struct setup_header *h = (void *)(k + 0x1f1);

    h->setup_sects = 4;
    h->boot_flag = 0xaa55;
    h->jump = 0x66eb;               /* 0x201 = 0x66: header ends at 0x268 */
    h->header = 0x53726448;
    h->version = version;
    h->loadflags = LOADED_HIGH;
    h->initrd_addr_max = 0x7fffffff;
    h->kernel_alignment = 0x200000;
    h->relocatable_kernel = 1;
    h->xloadflags = k64 ? XLF_KERNEL_64 : 0;
    h->cmdline_size = 255;
    h->init_size = 0x400000;
    memset(k + 5 * 512, 0xcc, 16 * KiB - 5 * 512);
    *len = 16 * KiB;
    return k;
}

static X86BootInput input(E820Table *e820, const uint8_t *k, size_t len)
{
    return (X86BootInput){
        .kernel_name = "bzImage", .kernel = k, .kernel_size = len,
        .cmdline = "console=ttyS0", .e820 = e820, .rsdp_addr = 0xf0000,
        .read_file = fake_read,
    };
}

static void test_linux_64(void)
{
    E820Table *e820 = pc_e820();
    size_t len;
    uint8_t *k = make_bzimage(&len, 0x20f, true);
    X86BootInput in = input(e820, k, len);
    in.initrd_name = "initrd";
    Error *err = NULL;
    BootImage *img = x86_load_kernel(&in, &err);
    const struct boot_params *bp;
    const BootBlob *b;

    g_assert_null(err);
    g_assert_nonnull(img);
    g_assert_cmpstr(img->format, ==, "linux");
    g_assert_true(img->regs.long_mode);
    g_assert_cmphex(img->regs.rip, ==, 0x100200);
    g_assert_cmphex(img->regs.rsi, ==, BOOT_ZEROPAGE_ADDR);
    g_assert_cmphex(img->regs.cr3, ==, BOOT_PML4_ADDR);
    g_assert_nonnull(find_blob(img, "boot-pagetables"));

    b = find_blob(img, "linux-zeropage");
    g_assert_cmphex(b->addr, ==, BOOT_ZEROPAGE_ADDR);
    bp = g_bytes_get_data(b->data, NULL);
    g_assert_cmphex(bp->hdr.header, ==, 0x53726448);
    g_assert_cmpuint(bp->hdr.type_of_loader, ==, 0xff);
    g_assert_true(bp->hdr.loadflags & CAN_USE_HEAP);
    g_assert_cmphex(bp->acpi_rsdp_addr, ==, 0xf0000);
    g_assert_cmpuint(bp->e820_entries, ==, 5);
    g_assert_cmphex(bp->e820_table[4].addr, ==, 127 * MiB);
    g_assert_cmpuint(bp->e820_table[4].type, ==, E820_ACPI);
    g_assert_cmpuint(bp->screen_info.orig_video_isVGA, ==, 0);
    /* The initrd sits page-aligned at the top of usable low RAM. */
    g_assert_cmpuint(bp->hdr.ramdisk_size, ==, 5006);
    g_assert_cmphex(bp->hdr.ramdisk_image % 4096, ==, 0);
    g_assert_cmphex(bp->hdr.ramdisk_image + 5006, <=, 127 * MiB);
    g_assert_cmphex(bp->hdr.ramdisk_image + 5006 + 4096, >, 127 * MiB);
    b = find_blob(img, "linux-cmdline");
    g_assert_cmphex(b->addr, ==, bp->hdr.cmd_line_ptr);
    g_assert_cmpstr(g_bytes_get_data(b->data, NULL), ==, "console=ttyS0");
    b = find_blob(img, "linux-kernel");
    g_assert_cmphex(b->addr, ==, 0x100000);
    g_assert_cmpuint(g_bytes_get_size(b->data), ==, 16 * KiB - 5 * 512);
    b = find_blob(img, "boot-gdt");
    g_assert_cmphex(((const uint64_t *)g_bytes_get_data(b->data, NULL))[2],
                    ==, 0x00af9b000000ffffULL);
    boot_image_free(img);
    g_free(k);
    e820_free(e820);
}

static void test_linux_32_and_errors(void)
{
    E820Table *e820 = pc_e820();
    size_t len;
    uint8_t *k = make_bzimage(&len, 0x20f, false);
    X86BootInput in = input(e820, k, len);
    Error *err = NULL;
    BootImage *img = x86_load_kernel(&in, &err);

    g_assert_nonnull(img);
    g_assert_false(img->regs.long_mode);
    g_assert_cmphex(img->regs.rip, ==, 0x100000);
    g_assert_null(find_blob(img, "boot-pagetables"));
    boot_image_free(img);

    /* Command line longer than cmdline_size. */
    char *longcmd = g_strnfill(300, 'x');
    in.cmdline = longcmd;
    g_assert_null(x86_load_kernel(&in, &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "command line"));
    error_free(err);
    err = NULL;
    g_free(longcmd);
    in.cmdline = "";

    /* Protocol too old. */
    ((struct setup_header *)(k + 0x1f1))->version = 0x204;
    g_assert_null(x86_load_kernel(&in, &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "too old"));
    error_free(err);
    err = NULL;

    /* Not a kernel at all. */
    memset(k, 0x5a, len);
    g_assert_null(x86_load_kernel(&in, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "-kernel bzImage: not a bzImage, PVH ELF or multiboot "
                    "image");
    error_free(err);
    g_free(k);
    e820_free(e820);
}

/* ELF64 with one PT_LOAD at 1 MiB and a PT_NOTE carrying the PVH entry. */
static uint8_t *make_pvh_elf(size_t *len, uint32_t entry)
{
    size_t size = 0x2000;
    uint8_t *d = g_malloc0(size);
    Elf64_Ehdr *eh = (void *)d;
    Elf64_Phdr *ph = (void *)(d + sizeof(*eh));
    uint32_t *note = (void *)(d + 0x200);

    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_machine = EM_X86_64;
    eh->e_entry = 0xffffffff81000000ULL;
    eh->e_phoff = sizeof(*eh);
    eh->e_phentsize = sizeof(*ph);
    eh->e_phnum = 2;
    ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = 0x1000,
                          .p_paddr = 0x100000, .p_filesz = 0x1000,
                          .p_memsz = 0x3000 };
    ph[1] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = 0x200,
                          .p_filesz = 40 };
    /* A note to skip first, then Xen's. */
    note[0] = 4; note[1] = 4; note[2] = 1;
    memcpy(&note[3], "GNU", 4);
    note[4] = 0x1234;
    note[5] = 4; note[6] = 4; note[7] = 18;
    memcpy(&note[8], "Xen", 4);
    note[9] = entry;
    memset(d + 0x1000, 0x90, 0x1000);
    *len = size;
    return d;
}

static void test_pvh(void)
{
    E820Table *e820 = pc_e820();
    size_t len;
    uint8_t *k = make_pvh_elf(&len, 0x1000123);
    X86BootInput in = input(e820, k, len);
    Error *err = NULL;
    BootImage *img;
    const BootBlob *b;
    const HvmStartInfo *si;
    const uint8_t *area;

    g_assert_cmphex(pvh_find_entry(k, len), ==, 0x1000123);
    g_assert_cmphex(pvh_find_entry(k, 100), ==, 0);    /* truncated */

    in.initrd_name = "initrd";
    img = x86_load_kernel(&in, &err);
    g_assert_null(err);
    g_assert_cmpstr(img->format, ==, "pvh");
    g_assert_false(img->regs.long_mode);
    g_assert_cmphex(img->regs.rip, ==, 0x1000123);
    b = find_blob(img, "elf-segment");
    g_assert_cmphex(b->addr, ==, 0x100000);
    g_assert_cmpuint(g_bytes_get_size(b->data), ==, 0x3000);   /* + bss */
    b = find_blob(img, "pvh-start-info");
    g_assert_cmphex(img->regs.rbx, ==, b->addr);
    area = g_bytes_get_data(b->data, NULL);
    si = (const void *)area;
    g_assert_cmphex(si->magic, ==, HVM_START_MAGIC);
    g_assert_cmpuint(si->version, ==, 1);
    g_assert_cmpuint(si->nr_modules, ==, 1);
    g_assert_cmphex(si->rsdp_paddr, ==, 0xf0000);
    g_assert_cmpuint(si->memmap_entries, ==, 5);
    g_assert_cmpstr((const char *)area + (si->cmdline_paddr - b->addr), ==,
                    "console=ttyS0");
    const HvmModlistEntry *mod =
        (const void *)(area + (si->modlist_paddr - b->addr));
    g_assert_cmphex(mod->paddr, ==, 0x103000);    /* right after the bss */
    g_assert_cmpuint(mod->size, ==, 5006);
    const HvmMemmapEntry *map =
        (const void *)(area + (si->memmap_paddr - b->addr));
    g_assert_cmphex(map[3].addr, ==, 1 * MiB);
    g_assert_cmpuint(map[3].type, ==, E820_RAM);
    boot_image_free(img);
    g_free(k);
    e820_free(e820);
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

/* a.out-kludge multiboot image loaded at 1 MiB, header at 0x40. */
static uint8_t *make_multiboot(size_t *len)
{
    uint8_t *k = g_malloc0(0x1000);
    uint32_t flags = 0x10003;
    put32(k + 0x40, MULTIBOOT_HEADER_MAGIC);
    put32(k + 0x44, flags);
    put32(k + 0x48, -(MULTIBOOT_HEADER_MAGIC + flags));
    put32(k + 0x4c, 0x100040);      /* header_addr */
    put32(k + 0x50, 0x100000);      /* load_addr */
    put32(k + 0x54, 0x100800);      /* load_end_addr */
    put32(k + 0x58, 0x102000);      /* bss_end_addr */
    put32(k + 0x5c, 0x100080);      /* entry */
    *len = 0x1000;
    return k;
}

static void test_multiboot_header_search(void)
{
    size_t len;
    uint8_t *k = make_multiboot(&len);
    uint8_t *big = g_malloc0(0x3000);

    g_assert_cmpint(multiboot_find_header(k, len), ==, 0x40);
    k[0x48] ^= 1;                   /* bad checksum */
    g_assert_cmpint(multiboot_find_header(k, len), ==, -1);
    /* Only the first 8 KiB count. */
    memcpy(big + 0x2000, k, 0x1000);
    k[0x48] ^= 1;
    memcpy(big + 0x2000, k, 0x1000);
    g_assert_cmpint(multiboot_find_header(big, 0x3000), ==, -1);
    memcpy(big + 0x1000, k, 0x1000);
    g_assert_cmpint(multiboot_find_header(big, 0x3000), ==, 0x1040);
    g_free(big);
    g_free(k);
}

static void test_multiboot_modules_split(void)
{
    char **m = multiboot_split_modules("mod1 arg,mod2,,x y,m3");
    g_assert_cmpuint(g_strv_length(m), ==, 3);
    g_assert_cmpstr(m[0], ==, "mod1 arg");
    g_assert_cmpstr(m[1], ==, "mod2,x y");
    g_assert_cmpstr(m[2], ==, "m3");
    g_strfreev(m);
    m = multiboot_split_modules("single");
    g_assert_cmpuint(g_strv_length(m), ==, 1);
    g_strfreev(m);
}

static void test_multiboot_load(void)
{
    E820Table *e820 = pc_e820();
    size_t len;
    uint8_t *k = make_multiboot(&len);
    X86BootInput in = input(e820, k, len);
    Error *err = NULL;
    BootImage *img;
    const BootBlob *b;
    const MultibootInfo *mbi;
    const uint8_t *area;

    in.kernel_name = "mb.bin";
    in.initrd_name = "a arg1,b";
    img = x86_load_kernel(&in, &err);
    g_assert_null(err);
    g_assert_cmpstr(img->format, ==, "multiboot");
    g_assert_cmphex(img->regs.rax, ==, MULTIBOOT_BOOTLOADER_MAGIC);
    g_assert_cmphex(img->regs.rip, ==, 0x100080);
    b = find_blob(img, "multiboot-kernel");
    g_assert_cmphex(b->addr, ==, 0x100000);
    g_assert_cmpuint(g_bytes_get_size(b->data), ==, 0x2000);
    b = find_blob(img, "multiboot-info");
    g_assert_cmphex(img->regs.rbx, ==, b->addr);
    area = g_bytes_get_data(b->data, NULL);
    mbi = (const void *)area;
    g_assert_cmphex(mbi->flags, ==, (1 << 0) | (1 << 2) | (1 << 3) |
                                    (1 << 6) | (1 << 9));
    g_assert_cmpuint(mbi->mem_lower, ==, 639);
    g_assert_cmpuint(mbi->mem_upper, ==, 126 * 1024);
    g_assert_cmpstr((const char *)area + (mbi->cmdline - b->addr), ==,
                    "mb.bin console=ttyS0");
    g_assert_cmpstr((const char *)area + (mbi->boot_loader_name - b->addr),
                    ==, "kemu");
    g_assert_cmpuint(mbi->mmap_length, ==, 5 * 24);
    g_assert_cmpuint(mbi->mods_count, ==, 2);
    const MultibootModule *mods =
        (const void *)(area + (mbi->mods_addr - b->addr));
    g_assert_cmphex(mods[0].mod_start, ==, 0x102000);
    g_assert_cmpuint(mods[0].mod_end - mods[0].mod_start, ==, 5001);
    g_assert_cmphex(mods[1].mod_start % 4096, ==, 0);
    g_assert_cmpstr((const char *)area + (mods[0].string - b->addr), ==,
                    "a arg1");
    g_assert_cmpstr((const char *)area + (mods[1].string - b->addr), ==, "b");
    boot_image_free(img);

    /* Unknown required flag bits are refused. */
    put32(k + 0x44, 0x10003 | 0x8);
    put32(k + 0x48, -(MULTIBOOT_HEADER_MAGIC + 0x1000b));
    g_assert_null(x86_load_kernel(&in, &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "multiboot flags"));
    error_free(err);
    g_free(k);
    e820_free(e820);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/bootproto/layouts", test_layouts);
    g_test_add_func("/bootproto/linux-64", test_linux_64);
    g_test_add_func("/bootproto/linux-32-errors", test_linux_32_and_errors);
    g_test_add_func("/bootproto/pvh", test_pvh);
    g_test_add_func("/bootproto/multiboot-header", test_multiboot_header_search);
    g_test_add_func("/bootproto/multiboot-split", test_multiboot_modules_split);
    g_test_add_func("/bootproto/multiboot-load", test_multiboot_load);
    return g_test_run();
}
