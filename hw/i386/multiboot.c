/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multiboot v1 loading (the Multiboot Specification 0.6.96): the header
 * in the first 8 KiB, a.out-kludge addresses or ELF program headers,
 * modules from -initrd "mod1 arg,mod2" (",," is a literal comma), entry
 * in flat 32-bit protected mode with EAX = 0x2BADB002, EBX = info.
 */
#include "util/osdep.h"
#include "hw/i386/x86-boot.h"
#include "hw/elf-load.h"

#define MB_PAGE_ALIGN   (1u << 0)
#define MB_MEMORY_INFO  (1u << 1)
#define MB_VIDEO_MODE   (1u << 2)
#define MB_AOUT_KLUDGE  (1u << 16)

/* info flags */
#define MBI_MEMORY      (1u << 0)
#define MBI_CMDLINE     (1u << 2)
#define MBI_MODS        (1u << 3)
#define MBI_MMAP        (1u << 6)
#define MBI_LOADER_NAME (1u << 9)

static uint32_t ld32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

long multiboot_find_header(const uint8_t *img, size_t len)
{
    size_t lim = MIN(len, (size_t)MULTIBOOT_SEARCH);
    for (size_t off = 0; off + 12 <= lim; off += 4) {
        uint32_t magic = ld32(img + off), flags = ld32(img + off + 4);
        if (magic == MULTIBOOT_HEADER_MAGIC &&
            (uint32_t)(magic + flags + ld32(img + off + 8)) == 0) {
            return off;
        }
    }
    return -1;
}

char **multiboot_split_modules(const char *list)
{
    GPtrArray *out = g_ptr_array_new();
    GString *cur = g_string_new(NULL);

    for (const char *p = list; ; p++) {
        if (*p == ',' && p[1] == ',') {
            g_string_append_c(cur, ',');
            p++;
        } else if (*p == ',' || !*p) {
            g_ptr_array_add(out, g_string_free(cur, false));
            if (!*p) {
                break;
            }
            cur = g_string_new(NULL);
        } else {
            g_string_append_c(cur, *p);
        }
    }
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(out, false);
}

/* a.out kludge: addresses in the header say what to load where. */
static bool load_aout(BootImage *img, const X86BootInput *in, long hoff,
                      uint64_t *entry, uint64_t *end, Error **errp)
{
    const uint8_t *h = in->kernel + hoff;
    uint32_t header_addr = ld32(h + 12), load_addr = ld32(h + 16);
    uint32_t load_end = ld32(h + 20), bss_end = ld32(h + 24);
    uint64_t file_off, load_len, mem_len;
    uint8_t *buf;

    if (hoff + 32 > (long)in->kernel_size || header_addr < load_addr ||
        header_addr - load_addr > (uint64_t)hoff) {
        error_setg(errp, "-kernel %s: invalid multiboot load addresses",
                   in->kernel_name);
        return false;
    }
    file_off = hoff - (header_addr - load_addr);
    load_len = load_end ? (uint64_t)load_end - load_addr
                        : in->kernel_size - file_off;
    if (load_end && load_end < load_addr) {
        error_setg(errp, "-kernel %s: invalid multiboot load_end_addr",
                   in->kernel_name);
        return false;
    }
    if (load_len > in->kernel_size - file_off) {
        load_len = in->kernel_size - file_off;
    }
    mem_len = bss_end > load_addr + load_len ? bss_end - load_addr
                                             : load_len;
    if (!boot_range_in_ram(in->e820, load_addr, mem_len)) {
        error_setg(errp, "-kernel %s: multiboot image at 0x%x (size 0x%"
                   PRIx64 ") is outside guest RAM", in->kernel_name,
                   load_addr, mem_len);
        return false;
    }
    buf = g_malloc0(mem_len);
    memcpy(buf, in->kernel + file_off, load_len);
    boot_image_add_owned(img, "multiboot-kernel", load_addr, buf, mem_len);
    *entry = ld32(h + 28);
    *end = load_addr + mem_len;
    return true;
}

static bool load_modules(BootImage *img, const X86BootInput *in,
                         BootArea *area, uint64_t *next, MultibootInfo *mbi,
                         Error **errp)
{
    char **mods = multiboot_split_modules(in->initrd_name);
    unsigned n = g_strv_length(mods);
    MultibootModule *tab = g_new0(MultibootModule, n);
    bool ok = false;

    for (unsigned i = 0; i < n; i++) {
        char *path = g_strndup(mods[i], strcspn(mods[i], " "));
        uint8_t *data;
        size_t len;
        uint64_t addr = ROUND_UP(*next, 4096);

        if (!in->read_file(path, &data, &len, errp)) {
            g_free(path);
            goto out;
        }
        if (!boot_range_in_ram(in->e820, addr, len) ||
            addr + len > UINT32_MAX) {
            error_setg(errp, "-initrd %s: module does not fit in guest RAM",
                       path);
            g_free(path);
            g_free(data);
            goto out;
        }
        g_free(path);
        boot_image_add_owned(img, "multiboot-module", addr, data, len);
        tab[i].mod_start = addr;
        tab[i].mod_end = addr + len;
        tab[i].string = boot_area_alloc(area, mods[i], strlen(mods[i]) + 1,
                                        1);
        *next = addr + len;
    }
    mbi->mods_count = n;
    mbi->mods_addr = boot_area_alloc(area, tab, n * sizeof(*tab), 4);
    mbi->flags |= MBI_MODS;
    ok = true;
out:
    g_free(tab);
    g_strfreev(mods);
    return ok;
}

BootImage *multiboot_load(const X86BootInput *in, Error **errp)
{
    long hoff = multiboot_find_header(in->kernel, in->kernel_size);
    MultibootInfo mbi = { 0 };
    uint64_t entry, end, mbi_addr;
    unsigned n = e820_count(in->e820);
    MultibootMmap *mmap;
    uint32_t flags;
    BootImage *img;
    BootArea area;
    char *cmdline;

    if (hoff < 0) {
        return NULL;
    }
    flags = ld32(in->kernel + hoff + 4);
    /* Bits 0-15 are requirements: refuse the ones we do not know. */
    if (flags & 0xfff8) {
        error_setg(errp, "-kernel %s: unsupported multiboot flags 0x%x",
                   in->kernel_name, flags & 0xffff);
        return NULL;
    }
    img = boot_image_new();
    img->format = "multiboot";
    if (flags & MB_AOUT_KLUDGE) {
        if (!load_aout(img, in, hoff, &entry, &end, errp)) {
            goto fail;
        }
    } else {
        ElfImage elf;
        bool ok;
        if (!elf_parse(in->kernel, in->kernel_size, &elf)) {
            error_setg(errp, "-kernel %s: multiboot image is neither ELF nor "
                       "has load addresses (flag 16)", in->kernel_name);
            goto fail;
        }
        ok = boot_load_elf_segments(img, in, &elf, &end, errp);
        entry = elf.entry;
        elf_image_clear(&elf);
        if (!ok) {
            goto fail;
        }
    }
    if (entry > UINT32_MAX) {
        error_setg(errp, "-kernel %s: multiboot entry point 0x%" PRIx64
                   " is above 4 GiB", in->kernel_name, entry);
        goto fail;
    }

    boot_area_init(&area, BOOT_INFO_ADDR, BOOT_INFO_END);
    mbi_addr = boot_area_alloc(&area, NULL, sizeof(mbi), 4);

    /* Memory: KiB below 640K and from 1 MiB to the first hole. */
    mbi.flags = MBI_MEMORY | MBI_CMDLINE | MBI_MMAP | MBI_LOADER_NAME;
    for (unsigned i = 0; i < n; i++) {
        const E820Entry *e = e820_get(in->e820, i);
        if (e->type == E820_RAM && e->addr == 0) {
            mbi.mem_lower = MIN(e->size, 640 * KiB) / KiB;
        }
    }
    mbi.mem_upper = (boot_low_ram_top(in->e820) - 1 * MiB) / KiB;

    cmdline = g_strdup_printf("%s%s%s", in->kernel_name,
                              *in->cmdline ? " " : "", in->cmdline);
    mbi.cmdline = boot_area_alloc(&area, cmdline, strlen(cmdline) + 1, 1);
    g_free(cmdline);
    mbi.boot_loader_name = boot_area_alloc(&area, "kemu", 5, 1);

    mmap = g_new0(MultibootMmap, n);
    for (unsigned i = 0; i < n; i++) {
        const E820Entry *e = e820_get(in->e820, i);
        mmap[i] = (MultibootMmap){ 20, e->addr, e->size, e->type };
    }
    mbi.mmap_addr = boot_area_alloc(&area, mmap, n * sizeof(*mmap), 4);
    mbi.mmap_length = n * sizeof(*mmap);
    g_free(mmap);

    if (in->initrd_name &&
        !load_modules(img, in, &area, &end, &mbi, errp)) {
        g_byte_array_free(area.buf, true);
        goto fail;
    }
    if (!mbi.cmdline || !mbi.mmap_addr || !mbi.boot_loader_name ||
        (in->initrd_name && !mbi.mods_addr)) {
        error_setg(errp, "-kernel %s: multiboot information does not fit "
                   "below 640 KiB", in->kernel_name);
        g_byte_array_free(area.buf, true);
        goto fail;
    }
    memcpy(area.buf->data + (mbi_addr - area.base), &mbi, sizeof(mbi));
    boot_area_finish(&area, img, "multiboot-info");

    boot_add_gdt(img, false);
    img->regs.rip = entry;
    img->regs.rax = MULTIBOOT_BOOTLOADER_MAGIC;
    img->regs.rbx = mbi_addr;
    return img;

fail:
    boot_image_free(img);
    return NULL;
}
