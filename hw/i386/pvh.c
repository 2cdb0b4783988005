/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PVH direct boot: an ELF vmlinux whose XEN_ELFNOTE_PHYS32_ENTRY note
 * gives a 32-bit entry point, entered in flat protected mode with EBX
 * pointing at an hvm_start_info (Xen's public start_info.h, version 1
 * with the memory map).
 */
#include "util/osdep.h"
#include "hw/i386/x86-boot.h"
#include "hw/elf-load.h"

#define XEN_ELFNOTE_PHYS32_ENTRY 18

static bool find_phys32(const char *name, uint32_t type, const uint8_t *desc,
                        uint32_t len, void *opaque)
{
    uint64_t *entry = opaque;

    if (strcmp(name, "Xen") || type != XEN_ELFNOTE_PHYS32_ENTRY) {
        return false;
    }
    if (len >= 8) {
        memcpy(entry, desc, 8);
    } else if (len >= 4) {
        uint32_t v;
        memcpy(&v, desc, 4);
        *entry = v;
    } else {
        return false;
    }
    return true;
}

uint64_t pvh_find_entry(const uint8_t *data, size_t len)
{
    ElfImage elf;
    uint64_t entry = 0;

    if (!elf_parse(data, len, &elf)) {
        return 0;
    }
    elf_foreach_note(data, len, &elf, find_phys32, &entry);
    elf_image_clear(&elf);
    return entry;
}

/* Modules are placed page-aligned above the kernel. */
static bool pvh_add_module(BootImage *img, const X86BootInput *in,
                           uint64_t *next, HvmModlistEntry *mod,
                           Error **errp)
{
    uint8_t *data;
    size_t len;
    uint64_t addr = ROUND_UP(*next, 4096);

    if (!in->read_file(in->initrd_name, &data, &len, errp)) {
        return false;
    }
    if (!boot_range_in_ram(in->e820, addr, len)) {
        error_setg(errp, "-initrd %s: does not fit in guest RAM",
                   in->initrd_name);
        g_free(data);
        return false;
    }
    mod->paddr = addr;
    mod->size = len;
    boot_image_add_owned(img, "pvh-initrd", addr, data, len);
    *next = addr + len;
    return true;
}

BootImage *pvh_boot_load(const X86BootInput *in, Error **errp)
{
    uint64_t entry = pvh_find_entry(in->kernel, in->kernel_size);
    HvmStartInfo si = { .magic = HVM_START_MAGIC, .version = 1 };
    HvmModlistEntry mod = { 0 };
    unsigned n = e820_count(in->e820);
    HvmMemmapEntry *map;
    uint64_t end, info_addr;
    ElfImage elf;
    BootArea area;
    BootImage *img;

    if (!entry) {
        return NULL;
    }
    elf_parse(in->kernel, in->kernel_size, &elf);
    img = boot_image_new();
    img->format = "pvh";
    if (!boot_load_elf_segments(img, in, &elf, &end, errp)) {
        goto fail;
    }
    if (in->initrd_name) {
        if (!pvh_add_module(img, in, &end, &mod, errp)) {
            goto fail;
        }
        si.nr_modules = 1;
    }

    boot_area_init(&area, BOOT_INFO_ADDR, BOOT_INFO_END);
    info_addr = boot_area_alloc(&area, NULL, sizeof(si), 8);
    si.cmdline_paddr = boot_area_alloc(&area, in->cmdline,
                                       strlen(in->cmdline) + 1, 1);
    if (si.nr_modules) {
        si.modlist_paddr = boot_area_alloc(&area, &mod, sizeof(mod), 8);
    }
    map = g_new0(HvmMemmapEntry, n);
    for (unsigned i = 0; i < n; i++) {
        const E820Entry *e = e820_get(in->e820, i);
        map[i] = (HvmMemmapEntry){ e->addr, e->size, e->type, 0 };
    }
    si.memmap_paddr = boot_area_alloc(&area, map, n * sizeof(*map), 8);
    si.memmap_entries = n;
    g_free(map);
    si.rsdp_paddr = in->rsdp_addr;
    if (!si.cmdline_paddr || !si.memmap_paddr) {
        error_setg(errp, "-append: command line too long");
        g_byte_array_free(area.buf, true);
        goto fail;
    }
    memcpy(area.buf->data + (info_addr - area.base), &si, sizeof(si));
    boot_area_finish(&area, img, "pvh-start-info");

    boot_add_gdt(img, false);
    img->regs.rip = entry;
    img->regs.rbx = info_addr;
    elf_image_clear(&elf);
    return img;

fail:
    elf_image_clear(&elf);
    boot_image_free(img);
    return NULL;
}
