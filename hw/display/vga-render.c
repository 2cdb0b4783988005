/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Drawing the VGA's picture into its console surface: text (with the
 * font from plane 2, cursor and blink), 16-colour planar, 256-colour
 * (chained mode 13h and unchained "mode X"), and VBE linear modes.
 *
 * Graphics modes redraw only the scanlines whose VRAM pages the dirty
 * log marked since the last update (a snapshot of the log is taken once
 * per frame); geometry, palette or register changes redraw everything.
 * Text mode compares each cell with what was drawn last (2000 cells),
 * since blink and cursor change the picture without any VRAM write.
 */
#include "hw/display/vga.h"
#include "util/log.h"
#include "util/timer.h"

enum {
    VGA_DRAW_NONE,
    VGA_DRAW_BLANK,
    VGA_DRAW_TEXT,
    VGA_DRAW_PLANAR,
    VGA_DRAW_256,
    VGA_DRAW_VBE,
};

/* Cursor blinks every 16 frames, characters every 32 (at ~60 Hz). */
#define CURSOR_BLINK_MS 266

static uint32_t dac_rgb(VGACommonState *s, unsigned index)
{
    const uint8_t *p = &s->palette[(index & 0xff) * 3];

    if (s->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_8BIT_DAC) {
        return p[0] << 16 | p[1] << 8 | p[2];
    }
    /* 6-bit DAC values stretched to 8 bits. */
#define C8(v) ((((v) & 0x3f) << 2) | (((v) & 0x3f) >> 4))
    return C8(p[0]) << 16 | C8(p[1]) << 8 | C8(p[2]);
#undef C8
}

/* A 4-bit colour through the attribute palette to a DAC index. */
static unsigned attr_to_dac(VGACommonState *s, unsigned c)
{
    unsigned v = s->ar[c & 15];

    if (s->ar[0x10] & 0x80) {
        v = (v & 0x0f) | ((s->ar[0x14] & 0x03) << 4);
    }
    v |= (s->ar[0x14] & 0x0c) << 4;
    return v & s->pel_mask;
}

static int vga_pick_mode(VGACommonState *s)
{
    if (s->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED) {
        return VGA_DRAW_VBE;
    }
    if (!s->legacy) {
        return VGA_DRAW_BLANK;
    }
    /* Palette address source clear, or the sequencer's screen-off bit. */
    if (!(s->ar_index & 0x20) || (s->sr[1] & 0x20)) {
        return VGA_DRAW_BLANK;
    }
    if (!(s->ar[0x10] & 0x01)) {
        return VGA_DRAW_TEXT;
    }
    if (s->gr[5] & 0x40) {
        return VGA_DRAW_256;
    }
    if (s->gr[5] & 0x20) {
        if (!s->unimp_logged) {
            kemu_log_mask(LOG_UNIMP, "vga: CGA-compatible 4-colour "
                          "graphics are drawn as planar\n");
            s->unimp_logged = true;
        }
    }
    return VGA_DRAW_PLANAR;
}

static unsigned vga_vde_lines(VGACommonState *s)
{
    return (s->cr[0x12] | ((s->cr[7] & 0x02) << 7) |
            ((s->cr[7] & 0x40) << 3)) + 1;
}

static uint32_t *surface_row(DisplaySurface *surf, int y)
{
    return (uint32_t *)(surface_data(surf) + (size_t)y * surface_stride(surf));
}

/* Resizes the console if needed; returns true if it did. */
static bool vga_resize(VGACommonState *s, int w, int h)
{
    w = CLAMP(w, 1, 16384);
    h = CLAMP(h, 1, 16384);
    if (w == surface_width(qemu_console_surface(s->con)) &&
        h == surface_height(qemu_console_surface(s->con))) {
        return false;
    }
    qemu_console_resize(s->con, w, h);
    return true;
}

/* Reports changed scanlines [y0, y1) to the front ends. */
static void flush_band(VGACommonState *s, int *y0, int y1)
{
    if (*y0 >= 0) {
        dpy_gfx_update(s->con, 0, *y0,
                       surface_width(qemu_console_surface(s->con)),
                       y1 - *y0);
        *y0 = -1;
    }
}

/* ---- text ---- */

static void font_offsets(VGACommonState *s, uint32_t *a, uint32_t *b)
{
    uint8_t sel = s->sr[3];
    unsigned ma = ((sel >> 5) & 1) << 2 | ((sel >> 2) & 3);
    unsigned mb = ((sel >> 4) & 1) << 2 | (sel & 3);

    /* Map n starts at plane 2 offset (n & 3) * 16 KiB + (n >> 2) * 8 KiB. */
    *a = (ma & 3) * 0x4000 + (ma >> 2) * 0x2000;
    *b = (mb & 3) * 0x4000 + (mb >> 2) * 0x2000;
}

static void vga_draw_text(VGACommonState *s, bool full)
{
    DisplaySurface *surf;
    unsigned cols = s->cr[1] + 1;
    unsigned cw = (s->sr[1] & 1) ? 8 : 9;
    unsigned ch = (s->cr[9] & 0x1f) + 1;
    unsigned height = vga_vde_lines(s);
    unsigned rows, start, stride, cursor, cstart, cend;
    uint32_t font_a, font_b, pmask = s->vram_size / 4 - 1;
    uint32_t pal[16];
    uint8_t fonts[2][8192];
    bool blink_attr = s->ar[0x10] & 0x08;
    int64_t now = clock_get_ms(KEMU_CLOCK_REALTIME);
    bool cursor_on = (now / CURSOR_BLINK_MS) & 1;
    bool blink_on = (now / (2 * CURSOR_BLINK_MS)) & 1;
    bool cursor_enabled;
    int band = -1;

    if (s->cr[9] & 0x80) {
        height /= 2;
    }
    rows = MAX(height / ch, 1u);
    if (vga_resize(s, cols * cw, rows * ch)) {
        full = true;
    }
    surf = qemu_console_surface(s->con);
    if (s->text_cache_len != (size_t)cols * rows) {
        g_free(s->text_cache);
        s->text_cache_len = (size_t)cols * rows;
        s->text_cache = g_new0(uint32_t, s->text_cache_len);
        full = true;
    }

    font_offsets(s, &font_a, &font_b);
    for (unsigned i = 0; i < 8192; i++) {
        fonts[0][i] = s->vram_ptr[((font_a + i) & pmask) * 4 + 2];
        fonts[1][i] = s->vram_ptr[((font_b + i) & pmask) * 4 + 2];
    }
    if (memcmp(fonts, s->font_cache, sizeof(fonts))) {
        memcpy(s->font_cache, fonts, sizeof(fonts));
        full = true;
    }
    for (unsigned c = 0; c < 16; c++) {
        pal[c] = dac_rgb(s, attr_to_dac(s, c));
    }

    start = s->cr[0x0c] << 8 | s->cr[0x0d];
    stride = s->cr[0x13] * 2;
    cursor = (s->cr[0x0e] << 8 | s->cr[0x0f]) - start;
    cstart = s->cr[0x0a] & 0x1f;
    cend = MIN(s->cr[0x0b] & 0x1fu, ch - 1);
    cursor_enabled = !(s->cr[0x0a] & 0x20) && cstart <= cend;

    for (unsigned row = 0; row < rows; row++) {
        bool row_changed = false;

        for (unsigned col = 0; col < cols; col++) {
            unsigned cell = row * cols + col;
            uint32_t pa = ((start + row * stride + col) * 2) & pmask;
            uint8_t c = s->vram_ptr[pa * 4];
            uint8_t attr = s->vram_ptr[pa * 4 + 1];
            bool here = cursor_enabled && row * stride + col == cursor;
            bool hidden = blink_attr && (attr & 0x80) && !blink_on;
            uint32_t key = c | attr << 8 | (here && cursor_on) << 16 |
                           hidden << 17;
            const uint8_t *glyph;
            uint32_t fg, bg;

            if (!full && s->text_cache[cell] == key) {
                continue;
            }
            s->text_cache[cell] = key;
            row_changed = true;
            glyph = fonts[(attr & 0x08) ? 0 : 1] + c * 32;
            fg = pal[attr & 0x0f];
            bg = pal[blink_attr ? (attr >> 4) & 7 : attr >> 4];
            if (hidden) {
                fg = bg;
            }
            for (unsigned line = 0; line < ch; line++) {
                uint32_t *d = surface_row(surf, row * ch + line) + col * cw;
                uint8_t bits = line < 32 ? glyph[line] : 0;

                if (here && cursor_on && line >= cstart && line <= cend) {
                    bits = 0xff;
                }
                for (unsigned b = 0; b < 8; b++) {
                    d[b] = (bits & (0x80 >> b)) ? fg : bg;
                }
                if (cw == 9) {
                    /* Line-drawing characters continue into column 9. */
                    bool ext = (s->ar[0x10] & 0x04) && c >= 0xc0 && c <= 0xdf;
                    d[8] = (ext && (bits & 1)) ||
                           (here && cursor_on && line >= cstart &&
                            line <= cend) ? fg : bg;
                }
            }
        }
        if (row_changed) {
            if (band < 0) {
                band = row * ch;
            }
        } else {
            flush_band(s, &band, row * ch);
        }
    }
    flush_band(s, &band, rows * ch);
}

/* ---- graphics ---- */

static void vga_draw_graphics(VGACommonState *s, int mode, bool full)
{
    DisplaySurface *surf;
    unsigned width = (s->cr[1] + 1) * (mode == VGA_DRAW_256 ? 4 : 8);
    unsigned height = vga_vde_lines(s);
    unsigned msl = (s->cr[9] & 0x1f) + 1;
    uint32_t start = s->cr[0x0c] << 8 | s->cr[0x0d];
    uint32_t stride = s->cr[0x13] * 2;
    uint32_t pmask = s->vram_size / 4 - 1;
    uint8_t plane_enable = s->ar[0x12] & 0x0f;
    uint32_t pal[256];
    DirtySnapshot *snap;
    int band = -1;

    if (s->cr[9] & 0x80) {
        height /= 2;
    }
    height = MAX(height / msl, 1u);
    if (vga_resize(s, width, height)) {
        full = true;
    }
    surf = qemu_console_surface(s->con);
    if (mode == VGA_DRAW_256) {
        for (unsigned i = 0; i < 256; i++) {
            pal[i] = dac_rgb(s, i & s->pel_mask);
        }
    } else {
        for (unsigned i = 0; i < 16; i++) {
            pal[i] = dac_rgb(s, attr_to_dac(s, i));
        }
    }
    snap = memory_region_snapshot_and_clear_dirty(&s->vram, 0, s->vram_size,
                                                  DIRTY_MEMORY_VGA);
    for (unsigned y = 0; y < height; y++) {
        uint32_t pa = (start + y * stride) & pmask;
        uint32_t bytes = mode == VGA_DRAW_256 ? width : width / 8 * 4;
        uint32_t *d = surface_row(surf, y);
        bool wraps = pa * 4 + bytes > s->vram_size;

        if (!full && !wraps && !dirty_snapshot_get(snap, pa * 4, bytes)) {
            flush_band(s, &band, y);
            continue;
        }
        if (band < 0) {
            band = y;
        }
        if (mode == VGA_DRAW_256) {
            for (unsigned x = 0; x < width; x++) {
                uint32_t a = (pa * 4 + x) & (s->vram_size - 1);
                d[x] = pal[s->vram_ptr[a]];
            }
        } else {
            for (unsigned x = 0; x < width; x += 8) {
                uint32_t a = ((pa + x / 8) & pmask) * 4;
                const uint8_t *p = &s->vram_ptr[a];
                for (unsigned b = 0; b < 8; b++) {
                    unsigned bit = 7 - b;
                    unsigned c = ((p[0] >> bit) & 1) |
                                 ((p[1] >> bit) & 1) << 1 |
                                 ((p[2] >> bit) & 1) << 2 |
                                 ((p[3] >> bit) & 1) << 3;
                    d[x + b] = pal[c & plane_enable];
                }
            }
        }
    }
    flush_band(s, &band, height);
    dirty_snapshot_free(snap);
}

static uint32_t vbe_pixel(VGACommonState *s, const uint8_t *p, unsigned bpp,
                          const uint32_t *pal)
{
    uint32_t v;

    switch (bpp) {
    case 8:
        return pal[p[0]];
    case 15:
        v = p[0] | p[1] << 8;
        return ((v >> 10) & 0x1f) * 255 / 31 << 16 |
               ((v >> 5) & 0x1f) * 255 / 31 << 8 | (v & 0x1f) * 255 / 31;
    case 16:
        v = p[0] | p[1] << 8;
        return ((v >> 11) & 0x1f) * 255 / 31 << 16 |
               ((v >> 5) & 0x3f) * 255 / 63 << 8 | (v & 0x1f) * 255 / 31;
    case 24:
        return p[2] << 16 | p[1] << 8 | p[0];
    default:
        return p[2] << 16 | p[1] << 8 | p[0];
    }
}

static void vga_draw_vbe(VGACommonState *s, bool full)
{
    unsigned w = s->vbe_regs[VBE_DISPI_INDEX_XRES];
    unsigned h = s->vbe_regs[VBE_DISPI_INDEX_YRES];
    unsigned bpp = s->vbe_regs[VBE_DISPI_INDEX_BPP];
    unsigned bytespp = bpp == 15 ? 2 : bpp / 8;
    DisplaySurface *surf;
    DirtySnapshot *snap;
    uint32_t pal[256];
    int band = -1;

    if (vga_resize(s, w, h)) {
        full = true;
    }
    surf = qemu_console_surface(s->con);
    if (bpp == 4) {
        /* 4 bpp VBE modes are planar VGA modes in disguise. */
        if (full) {
            if (!s->unimp_logged) {
                kemu_log_mask(LOG_UNIMP, "vbe: 4 bpp modes are not drawn\n");
                s->unimp_logged = true;
            }
            pixman_image_t *img = surf->image;
            memset(pixman_image_get_data(img), 0,
                   (size_t)pixman_image_get_stride(img) * h);
            dpy_gfx_update_full(s->con);
        }
        return;
    }
    for (unsigned i = 0; i < 256; i++) {
        pal[i] = dac_rgb(s, i);
    }
    snap = memory_region_snapshot_and_clear_dirty(&s->vram, 0, s->vram_size,
                                                  DIRTY_MEMORY_VGA);
    for (unsigned y = 0; y < h; y++) {
        uint32_t base = s->vbe_start_addr + y * s->vbe_line_offset;
        uint32_t bytes = w * bytespp;
        uint32_t *d = surface_row(surf, y);
        const uint8_t *p;

        /* vbe_fixup keeps the visible area inside VRAM; never read
         * outside it even so. */
        if ((uint64_t)base + bytes > s->vram_size) {
            kemu_log_mask(LOG_GUEST_ERROR, "vbe: scanline %u outside VRAM\n",
                          y);
            break;
        }
        if (!full && !dirty_snapshot_get(snap, base, bytes)) {
            flush_band(s, &band, y);
            continue;
        }
        if (band < 0) {
            band = y;
        }
        p = s->vram_ptr + base;
        if (bpp == 32) {
            for (unsigned x = 0; x < w; x++, p += 4) {
                d[x] = p[2] << 16 | p[1] << 8 | p[0];
            }
        } else {
            for (unsigned x = 0; x < w; x++, p += bytespp) {
                d[x] = vbe_pixel(s, p, bpp, pal);
            }
        }
    }
    flush_band(s, &band, h);
    dirty_snapshot_free(snap);
}

static void vga_draw_blank(VGACommonState *s, bool full)
{
    DisplaySurface *surf = qemu_console_surface(s->con);

    if (!full) {
        return;
    }
    memset(surface_data(surf), 0,
           (size_t)surface_stride(surf) * surface_height(surf));
    dpy_gfx_update_full(s->con);
}

static void vga_update(void *opaque)
{
    VGACommonState *s = opaque;
    int mode;
    bool full;
    uint32_t pal[256];

    if (!s->con || !s->vram_ptr) {
        return;
    }
    memory_region_sync_dirty(&s->vram);
    mode = vga_pick_mode(s);
    for (unsigned i = 0; i < 256; i++) {
        pal[i] = dac_rgb(s, i);
    }
    full = s->full_update || mode != s->last_mode ||
           memcmp(pal, s->last_palette, sizeof(pal));
    memcpy(s->last_palette, pal, sizeof(pal));
    s->full_update = false;
    s->last_mode = mode;

    switch (mode) {
    case VGA_DRAW_TEXT:
        /* Text compares cells; its VRAM log bits are not needed. */
        dirty_snapshot_free(memory_region_snapshot_and_clear_dirty(
            &s->vram, 0, s->vram_size, DIRTY_MEMORY_VGA));
        vga_draw_text(s, full);
        break;
    case VGA_DRAW_PLANAR:
    case VGA_DRAW_256:
        vga_draw_graphics(s, mode, full);
        break;
    case VGA_DRAW_VBE:
        vga_draw_vbe(s, full);
        break;
    default:
        vga_draw_blank(s, full);
        break;
    }
}

static void vga_invalidate(void *opaque)
{
    VGACommonState *s = opaque;

    s->full_update = true;
}

const GraphicHwOps vga_graphic_ops = {
    .gfx_update = vga_update,
    .invalidate = vga_invalidate,
};
