/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RFB rectangle encodings (RFC 6143 section 7.7): raw, hextile (solid
 * tiles as background-only, others raw), zlib (raw data through one
 * zlib stream per client), ZRLE (64x64 tiles, solid or raw, compact
 * 3-byte pixels where the format allows, through a second stream) and
 * tight (rfbproto: fill for solid rectangles, else basic compression
 * with the copy filter on zlib stream 0; no JPEG).
 * Pixels are converted from the surface's x8r8g8b8 to the client's
 * format.
 */
#include "ui/vnc-internal.h"

static uint32_t convert_pixel(const VncPixelFormat *pf, uint32_t px)
{
    uint32_t r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;

    /* r * rmax fits: 255 * 65535 < 2^32; the shift is below bpp. */

    return (r * pf->rmax / 255) << pf->rshift |
           (g * pf->gmax / 255) << pf->gshift |
           (b * pf->bmax / 255) << pf->bshift;   /* all unsigned */
}

static void put_pixel(const VncPixelFormat *pf, uint8_t *d, uint32_t v)
{
    unsigned n = pf->bpp / 8;

    for (unsigned i = 0; i < n; i++) {
        unsigned shift = pf->big_endian ? 8 * (n - 1 - i) : 8 * i;
        d[i] = v >> shift;
    }
}

void vnc_write_pixels(VncClient *vc, GByteArray *dst, const uint32_t *src,
                      int n)
{
    unsigned bytes = vc->pf.bpp / 8;
    guint at = dst->len;

    g_byte_array_set_size(dst, at + (size_t)n * bytes);
    if (vc->fast_pf) {
        memcpy(dst->data + at, src, (size_t)n * 4);
        return;
    }
    for (int i = 0; i < n; i++) {
        put_pixel(&vc->pf, dst->data + at + (size_t)i * bytes,
                  convert_pixel(&vc->pf, src[i]));
    }
}

static const uint32_t *row_ptr(VncClient *vc, int x, int y)
{
    DisplaySurface *s = vc->vd->surface;

    return (const uint32_t *)(surface_data(s) +
                              (size_t)y * surface_stride(s)) + x;
}

static void rect_header(GByteArray *b, int x, int y, int w, int h, int32_t e)
{
    vnc_put16(b, x);
    vnc_put16(b, y);
    vnc_put16(b, w);
    vnc_put16(b, h);
    vnc_put32(b, e);
}

static void raw_data(VncClient *vc, GByteArray *b, int x, int y, int w, int h)
{
    for (int j = 0; j < h; j++) {
        vnc_write_pixels(vc, b, row_ptr(vc, x, y + j), w);
    }
}

static bool solid(VncClient *vc, int x, int y, int w, int h, uint32_t *colour)
{
    uint32_t c = row_ptr(vc, x, y)[0] & 0xffffff;

    for (int j = 0; j < h; j++) {
        const uint32_t *p = row_ptr(vc, x, y + j);
        for (int i = 0; i < w; i++) {
            if ((p[i] & 0xffffff) != c) {
                return false;
            }
        }
    }
    *colour = c;
    return true;
}

static void hextile_data(VncClient *vc, GByteArray *b, int x, int y, int w,
                         int h)
{
    for (int ty = y; ty < y + h; ty += 16) {
        for (int tx = x; tx < x + w; tx += 16) {
            int tw = MIN(16, x + w - tx), th = MIN(16, y + h - ty);
            uint32_t c;

            if (solid(vc, tx, ty, tw, th, &c)) {
                vnc_put8(b, 0x02);              /* BackgroundSpecified */
                vnc_write_pixels(vc, b, &c, 1);
            } else {
                vnc_put8(b, 0x01);              /* Raw */
                raw_data(vc, b, tx, ty, tw, th);
            }
        }
    }
}

/* Deflates src through z (sync flush) and appends length + data. */
static void deflate_to(z_stream *z, GByteArray *b, GByteArray *src)
{
    guint len_at = b->len;
    size_t start;

    vnc_put32(b, 0);
    start = b->len;
    z->next_in = src->data;
    z->avail_in = src->len;
    do {
        size_t room = deflateBound(z, z->avail_in) + 64;
        guint at = b->len;
        g_byte_array_set_size(b, at + room);
        z->next_out = b->data + at;
        z->avail_out = room;
        deflate(z, Z_SYNC_FLUSH);
        g_byte_array_set_size(b, at + room - z->avail_out);
    } while (z->avail_in || z->avail_out == 0);
    {
        uint32_t n = b->len - start;
        b->data[len_at] = n >> 24;
        b->data[len_at + 1] = n >> 16;
        b->data[len_at + 2] = n >> 8;
        b->data[len_at + 3] = n;
    }
}

static void zinit(z_stream *z, bool *ready)
{
    if (!*ready) {
        memset(z, 0, sizeof(*z));
        g_assert(deflateInit(z, 6) == Z_OK);
        *ready = true;
    }
}

/* ZRLE's compact pixel: 3 bytes when a 32-bit true-colour format leaves
 * one byte unused. Returns the byte offset to keep, or -1. */
static int cpixel_offset(const VncPixelFormat *pf)
{
    uint32_t mask;

    if (pf->bpp != 32 || pf->depth > 24 || !pf->true_colour) {
        return -1;
    }
    mask = (uint32_t)pf->rmax << pf->rshift | (uint32_t)pf->gmax << pf->gshift |
           (uint32_t)pf->bmax << pf->bshift;
    if (!(mask & 0xff000000)) {
        return pf->big_endian ? 1 : 0;      /* low three bytes */
    }
    if (!(mask & 0xff)) {
        return pf->big_endian ? 0 : 1;      /* high three bytes */
    }
    return -1;
}

static void zrle_pixels(VncClient *vc, GByteArray *b, const uint32_t *src,
                        int n, int cp)
{
    if (cp < 0) {
        vnc_write_pixels(vc, b, src, n);
        return;
    }
    for (int i = 0; i < n; i++) {
        uint8_t full[4];
        put_pixel(&vc->pf, full, convert_pixel(&vc->pf, src[i]));
        g_byte_array_append(b, full + cp, 3);
    }
}

static void zrle_data(VncClient *vc, GByteArray *b, int x, int y, int w,
                      int h)
{
    g_autoptr(GByteArray) plain = g_byte_array_new();
    int cp = cpixel_offset(&vc->pf);

    for (int ty = y; ty < y + h; ty += 64) {
        for (int tx = x; tx < x + w; tx += 64) {
            int tw = MIN(64, x + w - tx), th = MIN(64, y + h - ty);
            uint32_t c;

            if (solid(vc, tx, ty, tw, th, &c)) {
                vnc_put8(plain, 1);
                zrle_pixels(vc, plain, &c, 1, cp);
            } else {
                vnc_put8(plain, 0);
                for (int j = 0; j < th; j++) {
                    zrle_pixels(vc, plain, row_ptr(vc, tx, ty + j), tw, cp);
                }
            }
        }
    }
    zinit(&vc->zrle, &vc->zrle_ready);
    deflate_to(&vc->zrle, b, plain);
}

/* Tight's pixel: R, G, B bytes for 24-bit depth true colour at 32 bpp,
 * else the client's own pixel. */
static bool tight_tpixel24(const VncPixelFormat *pf)
{
    return pf->bpp == 32 && pf->depth == 24 && pf->true_colour &&
           pf->rmax == 255 && pf->gmax == 255 && pf->bmax == 255;
}

static void tight_pixels(VncClient *vc, GByteArray *b, const uint32_t *src,
                         int n)
{
    if (!tight_tpixel24(&vc->pf)) {
        vnc_write_pixels(vc, b, src, n);
        return;
    }
    for (int i = 0; i < n; i++) {
        uint8_t rgb[3] = { src[i] >> 16, src[i] >> 8, src[i] };
        g_byte_array_append(b, rgb, 3);
    }
}

static void tight_data(VncClient *vc, GByteArray *b, int x, int y, int w,
                       int h)
{
    g_autoptr(GByteArray) plain = g_byte_array_new();
    uint32_t c;

    if (solid(vc, x, y, w, h, &c)) {
        vnc_put8(b, 0x80);                      /* fill */
        tight_pixels(vc, b, &c, 1);
        return;
    }
    for (int j = 0; j < h; j++) {
        tight_pixels(vc, plain, row_ptr(vc, x, y + j), w);
    }
    vnc_put8(b, 0x00);                          /* basic, stream 0, copy */
    if (plain->len < 12) {
        g_byte_array_append(b, plain->data, plain->len);
        return;
    }
    {
        /* Compressed length in tight's 1-3 byte form. */
        g_autoptr(GByteArray) z = g_byte_array_new();
        uint32_t n;

        zinit(&vc->tight, &vc->tight_ready);
        deflate_to(&vc->tight, z, plain);
        n = z->len - 4;
        vnc_put8(b, (n & 0x7f) | (n > 0x7f ? 0x80 : 0));
        if (n > 0x7f) {
            vnc_put8(b, ((n >> 7) & 0x7f) | (n > 0x3fff ? 0x80 : 0));
            if (n > 0x3fff) {
                vnc_put8(b, n >> 14);
            }
        }
        g_byte_array_append(b, z->data + 4, n);
    }
}

void vnc_send_rect(VncClient *vc, int x, int y, int w, int h)
{
    g_autoptr(GByteArray) b = g_byte_array_new();

    rect_header(b, x, y, w, h, vc->encoding);
    switch (vc->encoding) {
    case VNC_ENC_HEXTILE:
        hextile_data(vc, b, x, y, w, h);
        break;
    case VNC_ENC_ZLIB: {
        g_autoptr(GByteArray) plain = g_byte_array_new();
        raw_data(vc, plain, x, y, w, h);
        zinit(&vc->zlib, &vc->zlib_ready);
        deflate_to(&vc->zlib, b, plain);
        break;
    }
    case VNC_ENC_ZRLE:
        zrle_data(vc, b, x, y, w, h);
        break;
    case VNC_ENC_TIGHT:
        tight_data(vc, b, x, y, w, h);
        break;
    default:
        raw_data(vc, b, x, y, w, h);
        break;
    }
    vnc_client_write(vc, b->data, b->len);
}

void vnc_encoders_free(VncClient *vc)
{
    if (vc->zlib_ready) {
        deflateEnd(&vc->zlib);
        vc->zlib_ready = false;
    }
    if (vc->zrle_ready) {
        deflateEnd(&vc->zrle);
        vc->zrle_ready = false;
    }
    if (vc->tight_ready) {
        deflateEnd(&vc->tight);
        vc->tight_ready = false;
    }
}
