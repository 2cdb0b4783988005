/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A console's picture to a file: binary PPM (P6, netpbm's format) or
 * 8-bit RGB PNG through libpng.
 */
#include "ui/console.h"
#include <png.h>

/* One scanline of the x8r8g8b8 surface as packed RGB bytes. */
static void row_to_rgb(const DisplaySurface *s, int y, uint8_t *out)
{
    const uint32_t *px = (const uint32_t *)(surface_data(s) +
                                            (size_t)y * surface_stride(s));

    for (int x = 0; x < surface_width(s); x++) {
        out[3 * x] = px[x] >> 16;
        out[3 * x + 1] = px[x] >> 8;
        out[3 * x + 2] = px[x];
    }
}

static bool write_ppm(const DisplaySurface *s, FILE *f)
{
    int w = surface_width(s), h = surface_height(s);
    g_autofree uint8_t *row = g_malloc(3 * (size_t)w);

    if (fprintf(f, "P6\n%d %d\n%d\n", w, h, 255) < 0) {
        return false;
    }
    for (int y = 0; y < h; y++) {
        row_to_rgb(s, y, row);
        if (fwrite(row, 3, w, f) != (size_t)w) {
            return false;
        }
    }
    return true;
}

static bool write_png(const DisplaySurface *s, FILE *f)
{
    int w = surface_width(s), h = surface_height(s);
    uint8_t *row = g_malloc(3 * (size_t)w);
    png_structp png;
    png_infop info = NULL;
    bool ok = false;

    png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    if (!png || !(info = png_create_info_struct(png))) {
        goto out;
    }
    /* libpng reports errors by longjmp; nothing here needs unwinding
     * besides what 'out' frees. */
    if (setjmp(png_jmpbuf(png))) {
        goto out;
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, w, h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < h; y++) {
        row_to_rgb(s, y, row);
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    ok = true;
out:
    png_destroy_write_struct(&png, info ? &info : NULL);
    g_free(row);
    return ok;
}

bool qemu_console_screendump(QemuConsole *con, const char *filename,
                             const char *format, Error **errp)
{
    DisplaySurface *s;
    bool png;
    FILE *f;
    bool ok;

    if (!format || !strcmp(format, "ppm")) {
        png = false;
    } else if (!strcmp(format, "png")) {
        png = true;
    } else {
        error_setg(errp, "Parameter 'format' does not accept value '%s'",
                   format);
        return false;
    }
    graphic_hw_update(con);
    s = qemu_console_surface(con);
    f = fopen(filename, "wb");
    if (!f) {
        error_setg(errp, "failed to open file '%s': %s", filename,
                   strerror(errno));
        return false;
    }
    ok = png ? write_png(s, f) : write_ppm(s, f);
    if (fclose(f) != 0) {
        ok = false;
    }
    if (!ok) {
        error_setg(errp, "failed to write file '%s'", filename);
        unlink(filename);
    }
    return ok;
}
