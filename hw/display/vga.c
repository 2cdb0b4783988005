/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VGA registers, the legacy memory window and the Bochs VBE interface.
 * References: IBM's VGA technical reference (register set, read and
 * write modes), the FreeVGA register descriptions, and Bochs' VBE
 * "dispi" interface (vbe_display_api.txt). Drawing is in vga-render.c.
 *
 * The guest can write anything: indexes are masked to the register
 * files, window offsets checked against the VRAM size, and VBE modes
 * clamped so that the visible area always lies inside VRAM.
 */
#include "hw/display/vga.h"
#include "ui/font.h"
#include "util/log.h"

#define VGA_WINDOW_SIZE 0x20000

/* Graphics controller bits used below. */
#define GR_MODE_WRITE       0x03
#define GR_MODE_READ        0x08
#define GR_MODE_ODDEVEN     0x10
#define SR_MEM_CHAIN4       0x08
#define SR_MEM_SEQUENTIAL   0x04

static const uint8_t sr_mask[8] = {
    0x03, 0x3d, 0x0f, 0x3f, 0x0e, 0x00, 0x00, 0xff,
};
static const uint8_t gr_mask[16] = {
    0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b, 0x0f, 0x0f, 0xff,
};

/* Byte i of the result is 0xff where bit i of v is set. */
static uint32_t expand4(unsigned v)
{
    return (v & 1 ? 0xffu : 0) | (v & 2 ? 0xff00u : 0) |
           (v & 4 ? 0xff0000u : 0) | (v & 8 ? 0xff000000u : 0);
}

static uint32_t vram_plane_mask(VGACommonState *s)
{
    /* Plane addresses wrap at a quarter of VRAM, at most 64 Ki for the
     * legacy window's arithmetic. */
    return s->vram_size / 4 - 1;
}

static void vram_dirty(VGACommonState *s, uint32_t off, uint32_t len)
{
    memory_region_set_dirty(&s->vram, off, len);
}

/* ---- VBE ---- */

static bool vbe_enabled(VGACommonState *s)
{
    return s->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED;
}

static unsigned vbe_bytes_pp(unsigned bpp)
{
    return bpp == 15 ? 2 : DIV_ROUND_UP(bpp, 8);
}

/* Keeps the mode inside VRAM whatever the guest wrote. */
static void vbe_fixup(VGACommonState *s)
{
    uint16_t *r = s->vbe_regs;
    uint32_t line, max_h;
    unsigned bpp = r[VBE_DISPI_INDEX_BPP];

    if (bpp != 4 && bpp != 8 && bpp != 15 && bpp != 16 && bpp != 24 &&
        bpp != 32) {
        bpp = r[VBE_DISPI_INDEX_BPP] = 8;
    }
    r[VBE_DISPI_INDEX_XRES] = CLAMP(r[VBE_DISPI_INDEX_XRES] & ~7u, 8,
                                    VBE_DISPI_MAX_XRES);
    r[VBE_DISPI_INDEX_YRES] = CLAMP(r[VBE_DISPI_INDEX_YRES], 1,
                                    VBE_DISPI_MAX_YRES);
    r[VBE_DISPI_INDEX_VIRT_WIDTH] = CLAMP(r[VBE_DISPI_INDEX_VIRT_WIDTH] & ~7u,
                                          r[VBE_DISPI_INDEX_XRES],
                                          VBE_DISPI_MAX_XRES);
    line = bpp == 4 ? r[VBE_DISPI_INDEX_VIRT_WIDTH] / 2
                    : r[VBE_DISPI_INDEX_VIRT_WIDTH] * vbe_bytes_pp(bpp);
    max_h = MIN(s->vram_size / line, 0xffffu);
    if (max_h < r[VBE_DISPI_INDEX_YRES]) {
        /* Too big for VRAM: fall back to what fits. */
        kemu_log_mask(LOG_GUEST_ERROR, "vbe: %ux%ux%u does not fit in "
                      "%u bytes of VRAM\n", r[VBE_DISPI_INDEX_XRES],
                      r[VBE_DISPI_INDEX_YRES], bpp, s->vram_size);
        r[VBE_DISPI_INDEX_YRES] = max_h ? max_h : 1;
        if (!max_h) {
            r[VBE_DISPI_INDEX_XRES] = r[VBE_DISPI_INDEX_VIRT_WIDTH] = 640;
            r[VBE_DISPI_INDEX_BPP] = 8;
            vbe_fixup(s);
            return;
        }
    }
    r[VBE_DISPI_INDEX_VIRT_HEIGHT] = CLAMP(r[VBE_DISPI_INDEX_VIRT_HEIGHT],
                                           r[VBE_DISPI_INDEX_YRES], max_h);
    r[VBE_DISPI_INDEX_X_OFFSET] = MIN(r[VBE_DISPI_INDEX_X_OFFSET],
                                      r[VBE_DISPI_INDEX_VIRT_WIDTH] -
                                      r[VBE_DISPI_INDEX_XRES]);
    r[VBE_DISPI_INDEX_Y_OFFSET] = MIN(r[VBE_DISPI_INDEX_Y_OFFSET],
                                      r[VBE_DISPI_INDEX_VIRT_HEIGHT] -
                                      r[VBE_DISPI_INDEX_YRES]);
    s->vbe_line_offset = line;
    s->vbe_start_addr = r[VBE_DISPI_INDEX_Y_OFFSET] * line +
        (bpp == 4 ? r[VBE_DISPI_INDEX_X_OFFSET] / 2
                  : r[VBE_DISPI_INDEX_X_OFFSET] * vbe_bytes_pp(bpp));
}

uint16_t vbe_read_reg(VGACommonState *s, unsigned index)
{
    uint16_t *r = s->vbe_regs;

    if (index >= VBE_DISPI_INDEX_NB) {
        return 0;
    }
    if (r[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_GETCAPS) {
        switch (index) {
        case VBE_DISPI_INDEX_XRES:
            return VBE_DISPI_MAX_XRES;
        case VBE_DISPI_INDEX_YRES:
            return VBE_DISPI_MAX_YRES;
        case VBE_DISPI_INDEX_BPP:
            return VBE_DISPI_MAX_BPP;
        }
    }
    if (index == VBE_DISPI_INDEX_VIDEO_MEMORY_64K) {
        return s->vram_size >> 16;
    }
    return r[index];
}

void vbe_write_reg(VGACommonState *s, unsigned index, uint16_t val)
{
    uint16_t *r = s->vbe_regs;

    switch (index) {
    case VBE_DISPI_INDEX_ID:
        if (val >= VBE_DISPI_ID0 && val <= VBE_DISPI_ID5) {
            r[index] = val;
        }
        break;
    case VBE_DISPI_INDEX_XRES:
    case VBE_DISPI_INDEX_YRES:
    case VBE_DISPI_INDEX_BPP:
    case VBE_DISPI_INDEX_VIRT_WIDTH:
    case VBE_DISPI_INDEX_VIRT_HEIGHT:
    case VBE_DISPI_INDEX_X_OFFSET:
    case VBE_DISPI_INDEX_Y_OFFSET:
        r[index] = val;
        vbe_fixup(s);
        s->full_update = true;
        break;
    case VBE_DISPI_INDEX_BANK:
        /* Banks are 64 KiB windows into VRAM. */
        r[index] = val & ((s->vram_size >> 16) - 1);
        break;
    case VBE_DISPI_INDEX_ENABLE:
        if ((val & VBE_DISPI_ENABLED) && !vbe_enabled(s)) {
            r[VBE_DISPI_INDEX_VIRT_WIDTH] = r[VBE_DISPI_INDEX_XRES];
            r[VBE_DISPI_INDEX_VIRT_HEIGHT] = r[VBE_DISPI_INDEX_YRES];
            r[VBE_DISPI_INDEX_X_OFFSET] = 0;
            r[VBE_DISPI_INDEX_Y_OFFSET] = 0;
            r[VBE_DISPI_INDEX_ENABLE] = val;
            vbe_fixup(s);
            if (!(val & VBE_DISPI_NOCLEARMEM)) {
                uint32_t len = MIN((uint32_t)r[VBE_DISPI_INDEX_VIRT_HEIGHT] *
                                   s->vbe_line_offset, s->vram_size);
                memset(s->vram_ptr, 0, len);
                vram_dirty(s, 0, len);
            }
            /* The banked window at 0xa0000 is 64 KiB, graphics. */
            s->gr[6] = (s->gr[6] & ~0x0c) | 0x05;
            s->ar[0x10] |= 0x01;
        }
        r[index] = val;
        s->full_update = true;
        break;
    default:
        kemu_log_mask(LOG_GUEST_ERROR, "vbe: write to unknown register "
                      "0x%x\n", index);
        break;
    }
}

static uint64_t vbe_io_read(void *opaque, hwaddr addr, unsigned size)
{
    VGACommonState *s = opaque;

    return addr == 0 ? s->vbe_index : vbe_read_reg(s, s->vbe_index);
}

static void vbe_io_write(void *opaque, hwaddr addr, uint64_t val,
                         unsigned size)
{
    VGACommonState *s = opaque;

    if (addr == 0) {
        s->vbe_index = val;
    } else {
        vbe_write_reg(s, s->vbe_index, val);
    }
}

/* 0x1ce index, 0x1cf data, and 0x1d0 as data for guests that use it. */
static const MemoryRegionOps vbe_io_ops = {
    .read = vbe_io_read,
    .write = vbe_io_write,
    .valid = { .min_access_size = 1, .max_access_size = 2,
               .unaligned = true },
    .impl = { .min_access_size = 2, .max_access_size = 2,
              .unaligned = true },
};

/* ---- legacy registers ---- */

static bool vga_color(VGACommonState *s)
{
    return s->misc & 0x01;
}

uint32_t vga_ioport_read(VGACommonState *s, uint16_t port)
{
    /* The CRTC and status ports answer at 0x3dx or 0x3bx, not both. */
    if ((port >= 0x3b0 && port <= 0x3bf && vga_color(s)) ||
        (port >= 0x3d0 && port <= 0x3df && !vga_color(s))) {
        return 0xff;
    }
    switch (port) {
    case 0x3c0:
        return s->ar_flip_flop ? 0 : s->ar_index;
    case 0x3c1:
        return (s->ar_index & 0x1f) < sizeof(s->ar) ?
               s->ar[s->ar_index & 0x1f] : 0;
    case 0x3c2:
        return 0;               /* input status 0: no switch sense */
    case 0x3c4:
        return s->sr_index;
    case 0x3c5:
        return s->sr[s->sr_index & 7];
    case 0x3c6:
        return s->pel_mask;
    case 0x3c7:
        return s->dac_state;
    case 0x3c8:
        return s->dac_write_index;
    case 0x3c9: {
        uint8_t v = s->palette[s->dac_read_index * 3 + s->dac_sub];
        if (++s->dac_sub == 3) {
            s->dac_sub = 0;
            s->dac_read_index++;
        }
        return v;
    }
    case 0x3ca:
        return s->fcr;
    case 0x3cc:
        return s->misc;
    case 0x3ce:
        return s->gr_index;
    case 0x3cf:
        return s->gr[s->gr_index & 15];
    case 0x3b4:
    case 0x3d4:
        return s->cr_index;
    case 0x3b5:
    case 0x3d5:
        return s->cr[s->cr_index];
    case 0x3ba:
    case 0x3da:
        /* Reading status resets the attribute flip-flop; retrace and
         * display-enable toggle so polling loops finish. */
        s->ar_flip_flop = false;
        s->st01 ^= 0x09;
        return s->st01;
    default:
        return 0xff;
    }
}

static void vga_ar_write(VGACommonState *s, uint8_t val)
{
    if (!s->ar_flip_flop) {
        if ((s->ar_index ^ val) & 0x20) {
            s->full_update = true;      /* screen on/off */
        }
        s->ar_index = val & 0x3f;
    } else {
        unsigned i = s->ar_index & 0x1f;
        switch (i) {
        case 0x00 ... 0x0f:
            s->ar[i] = val & 0x3f;
            break;
        case 0x10:
            s->ar[i] = val & ~0x10;
            break;
        case 0x11:
            s->ar[i] = val;
            break;
        case 0x12:
            s->ar[i] = val & 0x3f;
            break;
        case 0x13:
            s->ar[i] = val & 0x0f;
            break;
        case 0x14:
            s->ar[i] = val & 0x0f;
            break;
        default:
            break;
        }
        s->full_update = true;
    }
    s->ar_flip_flop = !s->ar_flip_flop;
}

void vga_ioport_write(VGACommonState *s, uint16_t port, uint32_t val)
{
    val &= 0xff;
    if ((port >= 0x3b0 && port <= 0x3bf && vga_color(s)) ||
        (port >= 0x3d0 && port <= 0x3df && !vga_color(s))) {
        return;
    }
    switch (port) {
    case 0x3c0:
    case 0x3c1:
        vga_ar_write(s, val);
        break;
    case 0x3c2:
        s->misc = val & ~0x10;
        s->full_update = true;
        break;
    case 0x3c4:
        s->sr_index = val & 7;
        break;
    case 0x3c5:
        s->sr[s->sr_index] = val & sr_mask[s->sr_index];
        s->full_update = true;
        break;
    case 0x3c6:
        s->pel_mask = val;
        s->full_update = true;
        break;
    case 0x3c7:
        s->dac_read_index = val;
        s->dac_sub = 0;
        s->dac_state = 3;
        break;
    case 0x3c8:
        s->dac_write_index = val;
        s->dac_sub = 0;
        s->dac_state = 0;
        break;
    case 0x3c9:
        s->dac_cache[s->dac_sub++] = val;
        if (s->dac_sub == 3) {
            memcpy(&s->palette[s->dac_write_index * 3], s->dac_cache, 3);
            s->dac_sub = 0;
            s->dac_write_index++;
        }
        break;
    case 0x3ce:
        s->gr_index = val & 15;
        break;
    case 0x3cf:
        s->gr[s->gr_index] = val & gr_mask[s->gr_index];
        s->full_update = true;
        break;
    case 0x3b4:
    case 0x3d4:
        s->cr_index = val;
        break;
    case 0x3b5:
    case 0x3d5:
        /* CR11 bit 7 protects CR0-CR7, except CR7's line compare bit. */
        if ((s->cr[0x11] & 0x80) && s->cr_index <= 7) {
            if (s->cr_index == 7) {
                s->cr[7] = (s->cr[7] & ~0x10) | (val & 0x10);
            }
            break;
        }
        s->cr[s->cr_index] = val;
        if (s->cr_index < 0x0e || s->cr_index > 0x0f) {
            s->full_update = true;
        }
        break;
    case 0x3ba:
    case 0x3da:
        s->fcr = val & 0x10;
        break;
    default:
        break;
    }
}

static uint64_t vga_port_read(void *opaque, hwaddr addr, unsigned size)
{
    VGAPortRange *r = opaque;

    return vga_ioport_read(r->s, r->base + addr);
}

static void vga_port_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    VGAPortRange *r = opaque;

    vga_ioport_write(r->s, r->base + addr, val);
}

/* Word writes to an index port set the index and the data, as on real
 * cards; dispatch splits them into two byte accesses. */
static const MemoryRegionOps vga_port_ops = {
    .read = vga_port_read,
    .write = vga_port_write,
    .valid = { .min_access_size = 1, .max_access_size = 2,
               .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- the 0xa0000 window ---- */

/* Offset inside the current memory map, or -1 if outside it. */
static int64_t vga_window_offset(VGACommonState *s, hwaddr addr)
{
    switch ((s->gr[6] >> 2) & 3) {
    case 0:
        return addr;
    case 1:
        return addr < 0x10000 ? (int64_t)addr : -1;
    case 2:
        return addr >= 0x10000 && addr < 0x18000 ? (int64_t)addr - 0x10000
                                                   : -1;
    default:
        return addr >= 0x18000 ? (int64_t)addr - 0x18000 : -1;
    }
}

static uint8_t vga_mem_readb(VGACommonState *s, hwaddr addr)
{
    int64_t off = vga_window_offset(s, addr);
    uint32_t pa;
    unsigned plane;

    if (off < 0) {
        return 0xff;
    }
    if (vbe_enabled(s)) {
        uint64_t lin = ((uint64_t)s->vbe_regs[VBE_DISPI_INDEX_BANK] << 16) +
                       off;
        return lin < s->vram_size ? s->vram_ptr[lin] : 0xff;
    }
    if (s->sr[4] & SR_MEM_CHAIN4) {
        return off < s->vram_size ? s->vram_ptr[off] : 0xff;
    }
    if (s->gr[5] & GR_MODE_ODDEVEN) {
        plane = (s->gr[4] & 2) | (off & 1);
        pa = (off & ~1) & vram_plane_mask(s);
        return s->vram_ptr[pa * 4 + plane];
    }
    pa = off & vram_plane_mask(s);
    memcpy(&s->latch, s->vram_ptr + pa * 4, 4);
    if (!(s->gr[5] & GR_MODE_READ)) {
        return s->latch >> ((s->gr[4] & 3) * 8);
    } else {
        /* Read mode 1: colour compare over the planes that count. */
        uint32_t care = expand4(s->gr[7] & 0x0f);
        uint32_t diff = (s->latch ^ expand4(s->gr[2] & 0x0f)) & care;
        uint8_t any = diff | diff >> 8 | diff >> 16 | diff >> 24;
        return ~any;
    }
}

static uint8_t ror8(uint8_t v, unsigned n)
{
    n &= 7;
    return n ? (uint8_t)(v >> n | v << (8 - n)) : v;
}

static void vga_mem_writeb(VGACommonState *s, hwaddr addr, uint8_t val)
{
    int64_t off = vga_window_offset(s, addr);
    uint32_t pa, planes, mask, bitmask, data;
    unsigned mode, func;

    if (off < 0) {
        return;
    }
    if (vbe_enabled(s)) {
        uint64_t lin = ((uint64_t)s->vbe_regs[VBE_DISPI_INDEX_BANK] << 16) +
                       off;
        if (lin < s->vram_size) {
            s->vram_ptr[lin] = val;
            vram_dirty(s, lin, 1);
        }
        return;
    }
    if (s->sr[4] & SR_MEM_CHAIN4) {
        if (off < s->vram_size && (s->sr[2] & (1u << (off & 3)))) {
            s->vram_ptr[off] = val;
            vram_dirty(s, off, 1);
        }
        return;
    }
    if (s->gr[5] & GR_MODE_ODDEVEN) {
        unsigned p = off & 1;
        pa = (off & ~1) & vram_plane_mask(s);
        for (unsigned q = p; q < 4; q += 2) {
            if (s->sr[2] & (1u << q)) {
                s->vram_ptr[pa * 4 + q] = val;
            }
        }
        vram_dirty(s, pa * 4, 4);
        return;
    }

    pa = off & vram_plane_mask(s);
    mode = s->gr[5] & GR_MODE_WRITE;
    func = (s->gr[3] >> 3) & 3;
    bitmask = s->gr[8];
    switch (mode) {
    case 0:
        val = ror8(val, s->gr[3]);
        data = val * 0x01010101u;
        /* Planes with set/reset enabled take the set/reset value. */
        mask = expand4(s->gr[1]);
        data = (data & ~mask) | (expand4(s->gr[0]) & mask);
        break;
    case 1:
        data = s->latch;
        func = 0;
        bitmask = 0xff;
        break;
    case 2:
        data = expand4(val & 0x0f);
        break;
    default:
        val = ror8(val, s->gr[3]);
        bitmask &= val;
        data = expand4(s->gr[0]);
        break;
    }
    switch (func) {
    case 1:
        data &= s->latch;
        break;
    case 2:
        data |= s->latch;
        break;
    case 3:
        data ^= s->latch;
        break;
    }
    mask = bitmask * 0x01010101u;
    data = (data & mask) | (s->latch & ~mask);
    planes = expand4(s->sr[2] & 0x0f);
    {
        uint32_t old;
        memcpy(&old, s->vram_ptr + pa * 4, 4);
        old = (old & ~planes) | (data & planes);
        memcpy(s->vram_ptr + pa * 4, &old, 4);
    }
    vram_dirty(s, pa * 4, 4);
}

static uint64_t vga_lowmem_read(void *opaque, hwaddr addr, unsigned size)
{
    return vga_mem_readb(opaque, addr);
}

static void vga_lowmem_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    vga_mem_writeb(opaque, addr, val);
}

static const MemoryRegionOps vga_lowmem_ops = {
    .read = vga_lowmem_read,
    .write = vga_lowmem_write,
    .valid = { .min_access_size = 1, .max_access_size = 8,
               .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- set-up ---- */

static uint32_t pow2ceil32(uint32_t v)
{
    uint32_t p = 1;

    while (p < v) {
        p <<= 1;
    }
    return p;
}

bool vga_common_init(VGACommonState *s, Object *owner, bool legacy,
                     Error **errp)
{
    static const uint16_t bases[VGA_PORT_RANGES] = {
        0x3b4, 0x3ba, 0x3c0, 0x3d4, 0x3da };
    static const uint16_t sizes[VGA_PORT_RANGES] = { 2, 1, 16, 2, 1 };

    /* QEMU's rule: 4 to 512 MiB, rounded up to a power of two. */
    s->vram_size_mb = pow2ceil32(CLAMP(s->vram_size_mb, 4, 512));
    s->vram_size = s->vram_size_mb * MiB;
    s->owner = owner;
    s->legacy = legacy;
    if (!memory_region_init_ram(&s->vram, owner, "vga.vram", s->vram_size,
                                errp)) {
        return false;
    }
    s->vram_ptr = memory_region_get_ram_ptr(&s->vram);
    memory_region_set_log(&s->vram, true, DIRTY_MEMORY_VGA);
    if (legacy) {
        for (unsigned i = 0; i < VGA_PORT_RANGES; i++) {
            s->ports[i].s = s;
            s->ports[i].base = bases[i];
            memory_region_init_io(&s->ports[i].mr, owner, &vga_port_ops,
                                  &s->ports[i], "vga", sizes[i]);
        }
        memory_region_init_io(&s->vbe_io, owner, &vbe_io_ops, s, "vbe", 4);
        memory_region_init_io(&s->lowmem, owner, &vga_lowmem_ops, s,
                              "vga-lowmem", VGA_WINDOW_SIZE);
    }
    s->font_cache = g_malloc0(2 * 8192);
    s->full_update = true;
    return true;
}

void vga_map_legacy(VGACommonState *s, MemoryRegion *io_space,
                    MemoryRegion *mem_space)
{
    memory_region_transaction_begin();
    for (unsigned i = 0; i < VGA_PORT_RANGES; i++) {
        memory_region_add_subregion(io_space, s->ports[i].base,
                                    &s->ports[i].mr);
    }
    memory_region_add_subregion(io_space, 0x1ce, &s->vbe_io);
    memory_region_add_subregion_overlap(mem_space, 0xa0000, &s->lowmem, 1);
    memory_region_transaction_commit();
}

void vga_unmap_legacy(VGACommonState *s)
{
    memory_region_transaction_begin();
    for (unsigned i = 0; i < VGA_PORT_RANGES; i++) {
        if (s->ports[i].mr.container) {
            memory_region_del_subregion(s->ports[i].mr.container,
                                        &s->ports[i].mr);
        }
    }
    if (s->vbe_io.container) {
        memory_region_del_subregion(s->vbe_io.container, &s->vbe_io);
    }
    if (s->lowmem.container) {
        memory_region_del_subregion(s->lowmem.container, &s->lowmem);
    }
    memory_region_transaction_commit();
}

void vga_common_uninit(VGACommonState *s)
{
    if (s->legacy) {
        vga_unmap_legacy(s);
        for (unsigned i = 0; i < VGA_PORT_RANGES; i++) {
            memory_region_destroy(&s->ports[i].mr);
        }
        memory_region_destroy(&s->vbe_io);
        memory_region_destroy(&s->lowmem);
    }
    memory_region_destroy(&s->vram);
    s->vram_ptr = NULL;
    g_free(s->text_cache);
    s->text_cache = NULL;
    g_free(s->font_cache);
    s->font_cache = NULL;
}

/*
 * The standard 80x25 colour text mode (BIOS mode 3): 720x400, 9-dot
 * characters 16 lines high, text at 0xb8000.
 */
static const uint8_t mode3_sr[5] = { 0x03, 0x00, 0x03, 0x00, 0x02 };
static const uint8_t mode3_gr[9] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0xff,
};
static const uint8_t mode3_cr[25] = {
    0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f,
    0x00, 0x4f, 0x0d, 0x0e, 0x00, 0x00, 0x00, 0x00,
    0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff,
};
static const uint8_t mode3_ar[21] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07,
    0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
    0x0c, 0x00, 0x0f, 0x08, 0x00,
};

void vga_common_reset(VGACommonState *s)
{
    memset(s->vbe_regs, 0, sizeof(s->vbe_regs));
    s->vbe_regs[VBE_DISPI_INDEX_ID] = VBE_DISPI_ID5;
    s->vbe_regs[VBE_DISPI_INDEX_XRES] = 640;
    s->vbe_regs[VBE_DISPI_INDEX_YRES] = 480;
    s->vbe_regs[VBE_DISPI_INDEX_BPP] = 8;
    s->vbe_index = 0;
    vbe_fixup(s);

    memset(s->sr, 0, sizeof(s->sr));
    memset(s->gr, 0, sizeof(s->gr));
    memset(s->cr, 0, sizeof(s->cr));
    memset(s->ar, 0, sizeof(s->ar));
    s->sr_index = s->gr_index = s->cr_index = 0;
    s->ar_flip_flop = false;
    s->latch = 0;
    s->st01 = 0;
    s->fcr = 0;
    s->dac_state = s->dac_sub = 0;
    s->dac_read_index = s->dac_write_index = 0;
    s->pel_mask = 0xff;
    memset(s->palette, 0, sizeof(s->palette));
    if (!s->legacy) {
        s->full_update = true;
        return;
    }

    s->misc = 0x67;
    memcpy(s->sr, mode3_sr, sizeof(mode3_sr));
    memcpy(s->gr, mode3_gr, sizeof(mode3_gr));
    memcpy(s->cr, mode3_cr, sizeof(mode3_cr));
    memcpy(s->ar, mode3_ar, sizeof(mode3_ar));
    s->ar_index = 0x20;         /* palette address source: display on */
    /* DAC: the 64 EGA colours; bits 0-2 are 2/3 intensity b, g, r and
     * bits 3-5 add 1/3 (6-bit DAC values 0x2a and 0x15). */
    for (unsigned i = 0; i < 64; i++) {
        for (unsigned c = 0; c < 3; c++) {
            unsigned bit = 2 - c;           /* r is bit 2, b bit 0 */
            s->palette[i * 3 + c] = ((i >> bit) & 1 ? 0x2a : 0) +
                                    ((i >> (bit + 3)) & 1 ? 0x15 : 0);
        }
    }
    /* Blank text (light grey spaces) in planes 0/1, the font in plane 2
     * at character map 0. */
    for (uint32_t pa = 0; pa < 0x8000; pa += 2) {
        s->vram_ptr[pa * 4] = 0x20;
        s->vram_ptr[pa * 4 + 1] = 0x07;
    }
    for (unsigned c = 0; c < 256; c++) {
        for (unsigned r = 0; r < 32; r++) {
            s->vram_ptr[(c * 32 + r) * 4 + 2] =
                r < 16 ? vga_font_8x16[c * 16 + r] : 0;
        }
    }
    vram_dirty(s, 0, 0x8000 * 4);
    s->full_update = true;
}

void vga_post_load(VGACommonState *s)
{
    vbe_fixup(s);
    s->full_update = true;
}

static const StateField vga_fields[] = {
    STATE_UINT8(misc, VGACommonState),
    STATE_UINT8(fcr, VGACommonState),
    STATE_UINT8(sr_index, VGACommonState),
    STATE_UINT8_ARRAY(sr, VGACommonState, 8),
    STATE_UINT8(gr_index, VGACommonState),
    STATE_UINT8_ARRAY(gr, VGACommonState, 16),
    STATE_UINT8(cr_index, VGACommonState),
    STATE_UINT8_ARRAY(cr, VGACommonState, 256),
    STATE_UINT8(ar_index, VGACommonState),
    STATE_UINT8_ARRAY(ar, VGACommonState, 21),
    STATE_BOOL(ar_flip_flop, VGACommonState),
    STATE_UINT8(st01, VGACommonState),
    STATE_UINT8(dac_state, VGACommonState),
    STATE_UINT8(dac_sub, VGACommonState),
    STATE_UINT8(dac_read_index, VGACommonState),
    STATE_UINT8(dac_write_index, VGACommonState),
    STATE_UINT8_ARRAY(dac_cache, VGACommonState, 3),
    STATE_UINT8(pel_mask, VGACommonState),
    STATE_UINT8_ARRAY(palette, VGACommonState, 768),
    STATE_UINT32(latch, VGACommonState),
    STATE_UINT16(vbe_index, VGACommonState),
    STATE_UINT16_ARRAY(vbe_regs, VGACommonState, VBE_DISPI_INDEX_NB),
    STATE_END
};

const StateDesc vga_state_desc = {
    .name = "vga", .version = 1, .fields = vga_fields,
};
