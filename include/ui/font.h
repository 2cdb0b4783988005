/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The VGA ROM font: 256 glyphs of 8x16, code page 437 order, generated at
 * build time from a Debian console font (scripts/gen-vga-font.py). */
#ifndef KEMU_UI_FONT_H
#define KEMU_UI_FONT_H

#include <stdint.h>

extern const uint8_t vga_font_8x16[256 * 16];

#endif
