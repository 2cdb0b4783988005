/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VGA core shared by the "VGA" PCI card and "bochs-display": IBM VGA
 * registers (sequencer, graphics controller, CRTC, attribute controller,
 * DAC), the 0xa0000-0xbffff window with its planes, write modes and read
 * modes, the Bochs VBE "dispi" interface, and rendering into a console
 * surface driven by the VRAM dirty log.
 *
 * VRAM layout: the four planes are interleaved, byte p of plane address a
 * at vram[a * 4 + p]. Chain-4 (mode 13h) and VBE modes then see VRAM as
 * linear, and a planar read loads all four latches with one 32-bit load.
 */
#ifndef KEMU_HW_DISPLAY_VGA_H
#define KEMU_HW_DISPLAY_VGA_H

#include "exec/memory.h"
#include "migration/statedesc.h"
#include "ui/console.h"

#define VGA_PORT_RANGES 5

/* Bochs VBE dispi registers (index written to 0x1ce, data at 0x1cf). */
enum {
    VBE_DISPI_INDEX_ID,
    VBE_DISPI_INDEX_XRES,
    VBE_DISPI_INDEX_YRES,
    VBE_DISPI_INDEX_BPP,
    VBE_DISPI_INDEX_ENABLE,
    VBE_DISPI_INDEX_BANK,
    VBE_DISPI_INDEX_VIRT_WIDTH,
    VBE_DISPI_INDEX_VIRT_HEIGHT,
    VBE_DISPI_INDEX_X_OFFSET,
    VBE_DISPI_INDEX_Y_OFFSET,
    VBE_DISPI_INDEX_VIDEO_MEMORY_64K,
    VBE_DISPI_INDEX_NB,
};

#define VBE_DISPI_ID0           0xb0c0
#define VBE_DISPI_ID5           0xb0c5
#define VBE_DISPI_DISABLED      0x00
#define VBE_DISPI_ENABLED       0x01
#define VBE_DISPI_GETCAPS       0x02
#define VBE_DISPI_8BIT_DAC      0x20
#define VBE_DISPI_LFB_ENABLED   0x40
#define VBE_DISPI_NOCLEARMEM    0x80
#define VBE_DISPI_MAX_XRES      16000
#define VBE_DISPI_MAX_YRES      12000
#define VBE_DISPI_MAX_BPP       32

typedef struct VGACommonState VGACommonState;

typedef struct VGAPortRange {
    VGACommonState *s;
    uint16_t base;
    MemoryRegion mr;
} VGAPortRange;

struct VGACommonState {
    Object *owner;
    uint32_t vram_size_mb;      /* property */
    uint32_t vram_size;         /* bytes, a power of two */
    MemoryRegion vram;
    uint8_t *vram_ptr;
    bool legacy;                /* VGA registers and window exist */

    /* Legacy VGA registers. */
    uint8_t misc;               /* miscellaneous output, 0x3c2/0x3cc */
    uint8_t fcr;                /* feature control */
    uint8_t sr_index, sr[8];
    uint8_t gr_index, gr[16];
    uint8_t cr_index, cr[256];
    uint8_t ar_index, ar[21];
    bool ar_flip_flop;          /* false: next 0x3c0 write is an index */
    uint8_t st01;               /* input status 1 (retrace toggles) */
    uint8_t dac_state;          /* 0: writing, 3: reading */
    uint8_t dac_sub;            /* which of r, g, b is next */
    uint8_t dac_read_index, dac_write_index;
    uint8_t dac_cache[3];
    uint8_t pel_mask;
    uint8_t palette[768];
    uint32_t latch;

    /* Bochs VBE. */
    uint16_t vbe_index;
    uint16_t vbe_regs[VBE_DISPI_INDEX_NB];
    uint32_t vbe_start_addr;    /* bytes */
    uint32_t vbe_line_offset;   /* bytes */

    MemoryRegion lowmem;        /* 0xa0000-0xbffff window */
    VGAPortRange ports[VGA_PORT_RANGES];
    MemoryRegion vbe_io;

    /* Rendering (not guest state). */
    QemuConsole *con;
    bool full_update;
    int last_mode;              /* which drawing routine ran last */
    int last_w, last_h;
    uint32_t last_palette[256];
    uint32_t *text_cache;       /* per cell: char, attr, cursor/blink */
    size_t text_cache_len;
    uint8_t *font_cache;        /* the two active fonts, 2 x 8 KiB */
    uint32_t last_cursor_shape;
    bool unimp_logged;
};

extern const StateDesc vga_state_desc;

/* Creates VRAM (vram_size_mb rounded as QEMU does) and, when legacy, the
 * port and window regions; 'owner' names them. */
bool vga_common_init(VGACommonState *s, Object *owner, bool legacy,
                     Error **errp);
void vga_common_uninit(VGACommonState *s);
/* Claims ports 0x3b0-0x3df, 0x1ce and the window in the given spaces. */
void vga_map_legacy(VGACommonState *s, MemoryRegion *io_space,
                    MemoryRegion *mem_space);
void vga_unmap_legacy(VGACommonState *s);
/* Power-on state: 80x25 colour text with the ROM font in plane 2, as a
 * VGA BIOS leaves it (kemu boots kernels without one). */
void vga_common_reset(VGACommonState *s);
void vga_post_load(VGACommonState *s);

/* Register access, also through the stdvga MMIO BAR. */
uint32_t vga_ioport_read(VGACommonState *s, uint16_t port);
void vga_ioport_write(VGACommonState *s, uint16_t port, uint32_t val);
uint16_t vbe_read_reg(VGACommonState *s, unsigned index);
void vbe_write_reg(VGACommonState *s, unsigned index, uint16_t val);

extern const GraphicHwOps vga_graphic_ops;

#endif
