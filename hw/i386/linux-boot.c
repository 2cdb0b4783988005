/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Linux bzImage loading per Documentation/arch/x86/boot.rst (protocol
 * 2.06 and later), entering the kernel the way a 64-bit boot loader does
 * (long mode, code32_start + 0x200) or, for kernels without
 * XLF_KERNEL_64, through the 32-bit protocol entry.
 */
#include "util/osdep.h"
#include "hw/i386/x86-boot.h"
#include <asm/bootparam.h>

#define HDR_MAGIC 0x53726448            /* "HdrS" */

static uint32_t ld32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t ld16(const uint8_t *p) { return p[0] | p[1] << 8; }

/* Places the initrd as high as allowed, page aligned. */
static bool load_initrd(const X86BootInput *in, BootImage *img,
                        struct boot_params *bp, uint64_t kernel_end,
                        Error **errp)
{
    uint64_t max = bp->hdr.initrd_addr_max;
    uint64_t top = boot_low_ram_top(in->e820);
    uint8_t *data;
    size_t len;
    uint64_t addr;

    if (!in->read_file(in->initrd_name, &data, &len, errp)) {
        return false;
    }
    if (top > max + 1) {
        top = max + 1;
    }
    addr = ROUND_DOWN(top - MIN(len, top), 4096);
    if (len > top || addr < kernel_end) {
        error_setg(errp, "-initrd %s: initrd is too large (max %" PRIu64
                   " bytes, need %zu)", in->initrd_name,
                   top > kernel_end ? top - kernel_end : 0, len);
        g_free(data);
        return false;
    }
    bp->hdr.ramdisk_image = addr;
    bp->hdr.ramdisk_size = len;
    boot_image_add_owned(img, "linux-initrd", addr, data, len);
    return true;
}

static void fill_e820(struct boot_params *bp, const E820Table *e820)
{
    unsigned n = MIN(e820_count(e820), (unsigned)E820_MAX_ENTRIES_ZEROPAGE);
    for (unsigned i = 0; i < n; i++) {
        const E820Entry *e = e820_get(e820, i);
        bp->e820_table[i].addr = e->addr;
        bp->e820_table[i].size = e->size;
        bp->e820_table[i].type = e->type;
    }
    bp->e820_entries = n;
}

BootImage *linux_boot_load(const X86BootInput *in, Error **errp)
{
    const uint8_t *k = in->kernel;
    struct boot_params *bp;
    unsigned setup_sects, hdr_end, version;
    size_t setup_size, cmdlen;
    uint64_t kernel_end;
    BootImage *img;
    bool entry64;

    if (in->kernel_size < 0x250 || ld32(k + 0x202) != HDR_MAGIC) {
        return NULL;
    }
    version = ld16(k + 0x206);
    if (version < 0x200 && in->initrd_name) {
        error_setg(errp, "linux kernel too old to load a ram disk");
        return NULL;
    }
    if (version < 0x206) {
        error_setg(errp, "-kernel %s: boot protocol %u.%02u is too old "
                   "(2.06 or later needed)", in->kernel_name,
                   version >> 8, version & 0xff);
        return NULL;
    }
    if (!(k[0x211] & LOADED_HIGH)) {
        error_setg(errp, "-kernel %s: not a bzImage (zImage loading at "
                   "0x10000 is not supported)", in->kernel_name);
        return NULL;
    }
    setup_sects = k[0x1f1] ? k[0x1f1] : 4;
    setup_size = (setup_sects + 1) * 512;
    if (setup_size >= in->kernel_size) {
        error_setg(errp, "-kernel %s: truncated bzImage", in->kernel_name);
        return NULL;
    }

    bp = g_new0(struct boot_params, 1);
    /* The setup header ends at 0x202 + the byte at 0x201. */
    hdr_end = MIN(0x202 + k[0x201], (unsigned)sizeof(*bp));
    memcpy((uint8_t *)bp + 0x1f1, k + 0x1f1, hdr_end - 0x1f1);

    entry64 = bp->hdr.xloadflags & XLF_KERNEL_64;
    bp->hdr.type_of_loader = 0xff;
    bp->hdr.loadflags |= CAN_USE_HEAP;
    bp->hdr.heap_end_ptr = 0xfe00;
    bp->hdr.vid_mode = 0xffff;          /* "normal" */
    bp->hdr.code32_start = BOOT_KERNEL_ADDR;

    img = boot_image_new();
    img->format = "linux";
    boot_image_add(img, "linux-kernel", BOOT_KERNEL_ADDR, k + setup_size,
                   in->kernel_size - setup_size);
    kernel_end = BOOT_KERNEL_ADDR + MAX((uint64_t)bp->hdr.init_size,
                                        in->kernel_size - setup_size);

    /* Command line, within what the kernel accepts. */
    cmdlen = strlen(in->cmdline);
    if (cmdlen >= bp->hdr.cmdline_size && bp->hdr.cmdline_size) {
        error_setg(errp, "-append: command line is %zu bytes, the kernel "
                   "accepts %u", cmdlen, bp->hdr.cmdline_size - 1);
        goto fail;
    }
    boot_image_add(img, "linux-cmdline", BOOT_ZEROPAGE_ADDR + 0x1000,
                   in->cmdline, cmdlen + 1);
    bp->hdr.cmd_line_ptr = BOOT_ZEROPAGE_ADDR + 0x1000;

    if (in->initrd_name &&
        !load_initrd(in, img, bp, kernel_end, errp)) {
        goto fail;
    }

    fill_e820(bp, in->e820);
    bp->alt_mem_k = (boot_low_ram_top(in->e820) - 1 * MiB) / KiB;
    bp->acpi_rsdp_addr = in->rsdp_addr;
    if (in->vga) {
        bp->screen_info.orig_video_mode = 3;
        bp->screen_info.orig_video_cols = 80;
        bp->screen_info.orig_video_lines = 25;
        bp->screen_info.orig_video_isVGA = 1;
        bp->screen_info.orig_video_points = 16;
    }

    boot_image_add_owned(img, "linux-zeropage", BOOT_ZEROPAGE_ADDR, bp,
                         sizeof(*bp));
    boot_add_gdt(img, entry64);
    if (entry64) {
        boot_add_identity_paging(img);
        img->regs.long_mode = true;
        img->regs.rip = BOOT_KERNEL_ADDR + 0x200;
    } else {
        img->regs.rip = BOOT_KERNEL_ADDR;
    }
    img->regs.rsi = BOOT_ZEROPAGE_ADDR;
    return img;

fail:
    g_free(bp);
    boot_image_free(img);
    return NULL;
}
