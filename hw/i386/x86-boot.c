/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Direct kernel boot, common part: the BootImage container, the GDT and
 * identity page tables the entry states need, and format detection.
 */
#include "util/osdep.h"
#include "hw/i386/x86-boot.h"
#include "hw/elf-load.h"

static void boot_blob_free(gpointer p)
{
    BootBlob *b = p;
    g_free(b->name);
    g_bytes_unref(b->data);
    g_free(b);
}

BootImage *boot_image_new(void)
{
    BootImage *img = g_new0(BootImage, 1);
    img->blobs = g_ptr_array_new_with_free_func(boot_blob_free);
    return img;
}

void boot_image_free(BootImage *img)
{
    if (img) {
        g_ptr_array_free(img->blobs, true);
        g_free(img);
    }
}

void boot_image_add_owned(BootImage *img, const char *name, uint64_t addr,
                          void *data, size_t len)
{
    BootBlob *b = g_new0(BootBlob, 1);
    b->name = g_strdup(name);
    b->addr = addr;
    b->data = g_bytes_new_take(data, len);
    g_ptr_array_add(img->blobs, b);
}

void boot_image_add(BootImage *img, const char *name, uint64_t addr,
                    const void *data, size_t len)
{
    boot_image_add_owned(img, name, addr, g_memdup2(data, len), len);
}

uint64_t boot_low_ram_top(const E820Table *e820)
{
    uint64_t top = 0;
    for (unsigned i = 0; i < e820_count(e820); i++) {
        const E820Entry *e = e820_get(e820, i);
        if (e->type == E820_RAM && e->addr <= 1 * MiB &&
            e->addr + e->size > 1 * MiB) {
            top = e->addr + e->size;
        }
    }
    return top;
}

void boot_area_init(BootArea *a, uint64_t base, uint64_t limit)
{
    a->buf = g_byte_array_new();
    a->base = base;
    a->limit = limit;
}

uint64_t boot_area_alloc(BootArea *a, const void *data, size_t len,
                         size_t align)
{
    size_t off = ROUND_UP((size_t)a->buf->len, align ? align : 1);
    if (a->base + off + len > a->limit) {
        return 0;
    }
    g_byte_array_set_size(a->buf, off + len);
    if (data) {
        memcpy(a->buf->data + off, data, len);
    } else {
        memset(a->buf->data + off, 0, len);
    }
    return a->base + off;
}

void boot_area_finish(BootArea *a, BootImage *img, const char *name)
{
    guint len = a->buf->len;
    boot_image_add_owned(img, name, a->base,
                         g_byte_array_free(a->buf, false), len);
    a->buf = NULL;
}

/*
 * GDT: null, null, then flat code at 0x10 (__BOOT_CS) and flat data at
 * 0x18 (__BOOT_DS), as the Linux boot protocol asks; the code segment
 * is 64-bit for a long-mode entry.
 */
void boot_add_gdt(BootImage *img, bool long_mode)
{
    uint64_t gdt[4] = {
        0, 0,
        long_mode ? 0x00af9b000000ffffULL : 0x00cf9b000000ffffULL,
        0x00cf93000000ffffULL,
    };
    boot_image_add(img, "boot-gdt", BOOT_GDT_ADDR, gdt, sizeof(gdt));
    img->regs.gdt_base = BOOT_GDT_ADDR;
    img->regs.gdt_limit = sizeof(gdt) - 1;
}

/* Identity map of the first 4 GiB with 2 MiB pages. */
void boot_add_identity_paging(BootImage *img)
{
    uint64_t *pt = g_new0(uint64_t, 6 * 512);
    uint64_t *pml4 = pt, *pdpt = pt + 512, *pd = pt + 1024;

    pml4[0] = (BOOT_PML4_ADDR + 0x1000) | 0x3;      /* present, RW */
    for (int i = 0; i < 4; i++) {
        pdpt[i] = (BOOT_PML4_ADDR + 0x2000 + i * 0x1000) | 0x3;
    }
    for (int i = 0; i < 4 * 512; i++) {
        pd[i] = ((uint64_t)i << 21) | 0x83;         /* present, RW, 2M */
    }
    boot_image_add_owned(img, "boot-pagetables", BOOT_PML4_ADDR, pt,
                         6 * 512 * sizeof(uint64_t));
    img->regs.cr3 = BOOT_PML4_ADDR;
}

BootImage *x86_load_kernel(const X86BootInput *in, Error **errp)
{
    static BootImage *(*const loaders[])(const X86BootInput *, Error **) = {
        /* QEMU's order: a multiboot header wins over a PVH note. */
        linux_boot_load, multiboot_load, pvh_boot_load,
    };
    Error *err = NULL;

    for (unsigned i = 0; i < ARRAY_SIZE(loaders); i++) {
        BootImage *img = loaders[i](in, &err);
        if (img && !img->regs.rsp) {
            /* Firmware would leave a usable stack; 32-bit entries
             * (multiboot, PVH) may call before setting their own. */
            img->regs.rsp = BOOT_STACK_TOP;
        }
        if (img || err) {
            error_propagate(errp, err);
            return img;
        }
    }
    error_setg(errp, "-kernel %s: not a bzImage, PVH ELF or multiboot image",
               in->kernel_name);
    return NULL;
}

bool boot_range_in_ram(const E820Table *e820, uint64_t addr, uint64_t len)
{
    for (unsigned i = 0; i < e820_count(e820); i++) {
        const E820Entry *e = e820_get(e820, i);
        if (e->type == E820_RAM && addr >= e->addr &&
            addr - e->addr <= e->size && len <= e->size - (addr - e->addr)) {
            return true;
        }
    }
    return false;
}

bool boot_load_elf_segments(BootImage *img, const X86BootInput *in,
                            const ElfImage *elf, uint64_t *end, Error **errp)
{
    *end = 0;
    for (unsigned i = 0; i < elf->nsegs; i++) {
        const ElfSegment *s = &elf->segs[i];
        uint8_t *buf;

        if (s->type != 1 /* PT_LOAD */ || !s->memsz) {
            continue;
        }
        if (!boot_range_in_ram(in->e820, s->paddr, s->memsz)) {
            error_setg(errp, "-kernel %s: segment at 0x%" PRIx64 " (size 0x%"
                       PRIx64 ") is outside guest RAM", in->kernel_name,
                       s->paddr, s->memsz);
            return false;
        }
        buf = g_malloc0(s->memsz);
        memcpy(buf, in->kernel + s->offset, s->filesz);
        boot_image_add_owned(img, "elf-segment", s->paddr, buf, s->memsz);
        *end = MAX(*end, s->paddr + s->memsz);
    }
    return true;
}
