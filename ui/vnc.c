/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VNC server: listening sockets (TCP, unix, WebSocket), the RFB
 * handshake (versions 3.3, 3.7, 3.8; security None and VNC
 * authentication), client messages, and framebuffer updates driven by
 * the console's change notifications.
 *
 * Everything a client sends is bounded: a message is parsed only once
 * complete and the largest one (SetEncodings) is 256 KiB; cut text is
 * dropped as it streams in; unknown messages end the client. Output is
 * queued per client; while a client's queue holds more than
 * VNC_OUT_SOFT_LIMIT no new frame is built for it (changes accumulate
 * as dirty tiles and go out later as one frame), and a client whose
 * queue passes VNC_OUT_HARD_LIMIT is dropped, so a slow client costs
 * memory within a bound and never blocks the VM.
 */
#include "ui/vnc-internal.h"
#include "ui/input.h"
#include "sysemu/sysemu.h"
#include "util/log.h"
#include "util/main-loop.h"
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>

#define VNC_OUT_SOFT_LIMIT (4 * MiB)
#define VNC_OUT_HARD_LIMIT (64 * MiB)
#define VNC_IN_MAX (4 + 4 * 65536 + 64)

static VncDisplay *vnc_server;  /* the -vnc server, if any */

static void vnc_client_close(VncClient *vc);
static void vnc_update_all(VncDisplay *vd);
static void vnc_display_attach(VncDisplay *vd);
static void vnc_display_detach(VncDisplay *vd);

/* ---- output ---- */

static void vnc_client_flush(void *opaque);

static void vnc_watch(VncClient *vc)
{
    if (vc->fd >= 0) {
        main_loop_set_fd_handler(vc->fd, NULL, NULL, NULL);
    }
}

void vnc_client_write(VncClient *vc, const void *data, size_t len)
{
    if (vc->state == VNC_STATE_DEAD) {
        return;
    }
    if (vc->websocket) {
        vnc_ws_encode(vc->out, data, len);
    } else {
        g_byte_array_append(vc->out, data, len);
    }
}

static void vnc_write_bytes(VncClient *vc, GByteArray *b)
{
    vnc_client_write(vc, b->data, b->len);
}

/* ---- updates ---- */

static int surf_w(VncDisplay *vd)
{
    return surface_width(vd->surface);
}

static int surf_h(VncDisplay *vd)
{
    return surface_height(vd->surface);
}

static void vnc_client_resize_grid(VncClient *vc)
{
    vc->tiles_w = DIV_ROUND_UP(surf_w(vc->vd), VNC_TILE);
    vc->tiles_h = DIV_ROUND_UP(surf_h(vc->vd), VNC_TILE);
    g_free(vc->dirty);
    vc->dirty = g_malloc0((size_t)vc->tiles_w * vc->tiles_h);
}

static void vnc_mark_dirty(VncClient *vc, int x, int y, int w, int h)
{
    int x0 = MAX(x, 0) / VNC_TILE, y0 = MAX(y, 0) / VNC_TILE;
    int x1 = MIN(DIV_ROUND_UP(x + w, VNC_TILE), vc->tiles_w);
    int y1 = MIN(DIV_ROUND_UP(y + h, VNC_TILE), vc->tiles_h);

    for (int ty = y0; ty < y1; ty++) {
        memset(vc->dirty + (size_t)ty * vc->tiles_w + x0, 1,
               MAX(x1 - x0, 0));
    }
}

/* Sends what is dirty as runs of tiles along each tile row. */
static void vnc_send_update(VncClient *vc)
{
    VncDisplay *vd = vc->vd;
    g_autoptr(GByteArray) hdr = g_byte_array_new();
    int nrects = 0;

    for (int ty = 0; ty < vc->tiles_h; ty++) {
        int run = 0;
        for (int tx = 0; tx < vc->tiles_w; tx++) {
            if (!vc->dirty[ty * vc->tiles_w + tx]) {
                run = 0;
            } else if (run++ % VNC_MAX_RUN == 0) {
                nrects++;
            }
        }
    }
    if (nrects > 0xffff) {
        /* Too many runs for one message: whole rows instead, which
         * makes at most tiles_h * tiles_w / VNC_MAX_RUN rectangles. */
        memset(vc->dirty, 1, (size_t)vc->tiles_w * vc->tiles_h);
        vnc_send_update(vc);
        return;
    }
    if (!nrects) {
        return;
    }
    vnc_put8(hdr, 0);                   /* FramebufferUpdate */
    vnc_put8(hdr, 0);
    vnc_put16(hdr, nrects);
    vnc_write_bytes(vc, hdr);
    for (int ty = 0; ty < vc->tiles_h; ty++) {
        int tx = 0;
        while (tx < vc->tiles_w) {
            int start;
            if (!vc->dirty[ty * vc->tiles_w + tx]) {
                tx++;
                continue;
            }
            start = tx;
            while (tx < vc->tiles_w && tx - start < VNC_MAX_RUN &&
                   vc->dirty[ty * vc->tiles_w + tx]) {
                vc->dirty[ty * vc->tiles_w + tx] = 0;
                tx++;
            }
            {
                int x = start * VNC_TILE, y = ty * VNC_TILE;
                int w = MIN(tx * VNC_TILE, surf_w(vd)) - x;
                int h = MIN(VNC_TILE, surf_h(vd) - y);
                vnc_send_rect(vc, x, y, w, h);
            }
        }
    }
    vc->update_requested = false;
}

/*
 * A framebuffer update holding only one pseudo-rectangle of the surface's
 * size: the desktop-size change and the extended-key-event acknowledgement
 * are both this message, differing only in the encoding.
 */
static void vnc_send_pseudo_rect(VncClient *vc, int32_t enc)
{
    g_autoptr(GByteArray) b = g_byte_array_new();

    vnc_put8(b, 0);
    vnc_put8(b, 0);
    vnc_put16(b, 1);
    vnc_put16(b, 0);
    vnc_put16(b, 0);
    vnc_put16(b, surf_w(vc->vd));
    vnc_put16(b, surf_h(vc->vd));
    vnc_put32(b, (uint32_t)enc);
    vnc_write_bytes(vc, b);
}

static void vnc_send_desktop_size(VncClient *vc)
{
    vnc_send_pseudo_rect(vc, VNC_ENC_DESKTOPSIZE);
    vc->size_changed = false;
    vc->update_requested = false;
}

static void vnc_client_update(VncClient *vc)
{
    if (vc->state != VNC_STATE_NORMAL || !vc->update_requested ||
        vc->out->len > VNC_OUT_SOFT_LIMIT) {
        return;
    }
    if (vc->size_changed && vc->has_desktop_size) {
        vnc_send_desktop_size(vc);
    } else {
        vc->size_changed = false;
        vnc_send_update(vc);
    }
    if (vc->fd >= 0 && vc->out->len) {
        vnc_client_flush(vc);
    }
}

static void vnc_update_all(VncDisplay *vd)
{
    for (guint i = 0; i < vd->clients->len; i++) {
        VncClient *vc = vd->clients->pdata[i];
        /* Clients that failed a write or overflowed: gone now. */
        if (vc->state == VNC_STATE_DEAD && !vd->detached) {
            vnc_client_close(vc);
            i--;
            continue;
        }
        vnc_client_update(vc);
    }
}

static void vnc_dpy_switch(DisplayChangeListener *dcl,
                           DisplaySurface *surface)
{
    VncDisplay *vd = container_of(dcl, VncDisplay, dcl);

    vd->surface = surface;
    for (guint i = 0; i < vd->clients->len; i++) {
        VncClient *vc = vd->clients->pdata[i];
        vnc_client_resize_grid(vc);
        vnc_mark_dirty(vc, 0, 0, surf_w(vd), surf_h(vd));
        vc->size_changed = true;
    }
}

static void vnc_dpy_update(DisplayChangeListener *dcl, int x, int y, int w,
                           int h)
{
    VncDisplay *vd = container_of(dcl, VncDisplay, dcl);

    for (guint i = 0; i < vd->clients->len; i++) {
        vnc_mark_dirty(vd->clients->pdata[i], x, y, w, h);
    }
}

static void vnc_dpy_refresh(DisplayChangeListener *dcl)
{
    vnc_update_all(container_of(dcl, VncDisplay, dcl));
}

static const DisplayChangeListenerOps vnc_dcl_ops = {
    .name = "vnc",
    .dpy_gfx_switch = vnc_dpy_switch,
    .dpy_gfx_update = vnc_dpy_update,
    .dpy_refresh = vnc_dpy_refresh,
};

/* ---- handshake ---- */

static void vnc_server_pixel_format(GByteArray *b)
{
    vnc_put8(b, 32);                    /* bits per pixel */
    vnc_put8(b, 24);                    /* depth */
    vnc_put8(b, 0);                     /* little endian */
    vnc_put8(b, 1);                     /* true colour */
    vnc_put16(b, 255);
    vnc_put16(b, 255);
    vnc_put16(b, 255);
    vnc_put8(b, 16);
    vnc_put8(b, 8);
    vnc_put8(b, 0);
    vnc_put8(b, 0);
    vnc_put8(b, 0);
    vnc_put8(b, 0);
}

static void vnc_set_default_pf(VncClient *vc)
{
    vc->pf = (VncPixelFormat) {
        .bpp = 32, .depth = 24, .big_endian = false, .true_colour = true,
        .rmax = 255, .gmax = 255, .bmax = 255,
        .rshift = 16, .gshift = 8, .bshift = 0,
    };
    vc->fast_pf = true;
}

static void vnc_send_server_init(VncClient *vc)
{
    g_autoptr(GByteArray) b = g_byte_array_new();
    g_autofree char *name = qemu_name ? g_strdup_printf("QEMU (%s)",
                                                        qemu_name)
                                      : g_strdup("QEMU");

    vnc_put16(b, surf_w(vc->vd));
    vnc_put16(b, surf_h(vc->vd));
    vnc_server_pixel_format(b);
    vnc_put32(b, strlen(name));
    g_byte_array_append(b, (const guint8 *)name, strlen(name));
    vnc_write_bytes(vc, b);
    vnc_client_resize_grid(vc);
    vc->state = VNC_STATE_NORMAL;
}

static void vnc_security_result(VncClient *vc, bool ok, const char *reason)
{
    g_autoptr(GByteArray) b = g_byte_array_new();

    vnc_put32(b, ok ? 0 : 1);
    if (!ok && vc->minor >= 8) {
        vnc_put32(b, strlen(reason));
        g_byte_array_append(b, (const guint8 *)reason, strlen(reason));
    }
    vnc_write_bytes(vc, b);
}

static void vnc_start_auth(VncClient *vc)
{
    for (int i = 0; i < 16; i++) {
        vc->challenge[i] = g_random_int_range(0, 256);
    }
    vnc_client_write(vc, vc->challenge, 16);
    vc->state = VNC_STATE_AUTH;
}

/* Each handler returns bytes consumed, 0 if it needs more, -1 to drop. */
static int vnc_handle_version(VncClient *vc, const uint8_t *p, size_t n)
{
    unsigned major, minor;
    char v[13];
    g_autoptr(GByteArray) b = g_byte_array_new();

    if (n < 12) {
        return 0;
    }
    memcpy(v, p, 12);
    v[12] = 0;
    if (sscanf(v, "RFB %03u.%03u\n", &major, &minor) != 2 || major != 3) {
        return -1;
    }
    /* 3.4 and 3.6 are 3.3 (UltraVNC, Apple); 3.9+ speak 3.8. */
    vc->minor = minor >= 8 ? 8 : minor == 7 ? 7 : 3;
    if (vc->minor == 3) {
        vnc_put32(b, vc->vd->auth_vnc ? 2 : 1);
        vnc_write_bytes(vc, b);
        if (vc->vd->auth_vnc) {
            vnc_start_auth(vc);
        } else {
            vc->state = VNC_STATE_CLIENT_INIT;
        }
    } else {
        vnc_put8(b, 1);
        vnc_put8(b, vc->vd->auth_vnc ? 2 : 1);
        vnc_write_bytes(vc, b);
        vc->state = VNC_STATE_SECURITY_TYPE;
    }
    return 12;
}

static int vnc_handle_security_type(VncClient *vc, const uint8_t *p, size_t n)
{
    uint8_t want = vc->vd->auth_vnc ? 2 : 1;

    if (n < 1) {
        return 0;
    }
    if (p[0] != want) {
        vnc_security_result(vc, false, "Unsupported security type");
        return -1;
    }
    if (want == 2) {
        vnc_start_auth(vc);
    } else {
        if (vc->minor >= 8) {
            vnc_security_result(vc, true, NULL);
        }
        vc->state = VNC_STATE_CLIENT_INIT;
    }
    return 1;
}

static int vnc_handle_auth(VncClient *vc, const uint8_t *p, size_t n)
{
    uint8_t expect[16];
    bool ok;

    if (n < 16) {
        return 0;
    }
    ok = vc->vd->password != NULL;
    if (ok) {
        vnc_auth_response(vc->vd->password, vc->challenge, expect);
        ok = !memcmp(expect, p, 16);
    }
    vnc_security_result(vc, ok, "Authentication failed");
    if (!ok) {
        return -1;
    }
    vc->state = VNC_STATE_CLIENT_INIT;
    return 16;
}

static int vnc_handle_client_init(VncClient *vc, const uint8_t *p, size_t n)
{
    VncDisplay *vd = vc->vd;

    if (n < 1) {
        return 0;
    }
    /* A client asking for exclusive access makes the others leave,
     * unless the server is set to share. */
    if (!p[0] && vd->share == VNC_SHARE_ALLOW_EXCLUSIVE) {
        for (guint i = 0; i < vd->clients->len; i++) {
            VncClient *o = vd->clients->pdata[i];
            if (o != vc && o->state == VNC_STATE_NORMAL) {
                o->state = VNC_STATE_DEAD;
            }
        }
    }
    vnc_send_server_init(vc);
    return 1;
}

/* ---- client messages ---- */

static void vnc_set_pixel_format(VncClient *vc, const uint8_t *p)
{
    VncPixelFormat pf = {
        .bpp = p[0], .depth = p[1], .big_endian = p[2], .true_colour = p[3],
        .rmax = p[4] << 8 | p[5], .gmax = p[6] << 8 | p[7],
        .bmax = p[8] << 8 | p[9],
        .rshift = p[10], .gshift = p[11], .bshift = p[12],
    };

    if ((pf.bpp != 8 && pf.bpp != 16 && pf.bpp != 32) || !pf.true_colour ||
        pf.rshift >= pf.bpp || pf.gshift >= pf.bpp || pf.bshift >= pf.bpp) {
        /* Colour maps are not offered: keep the current format. */
        kemu_log_mask(LOG_UNIMP, "vnc: pixel format %u bpp, true colour "
                      "%u not supported\n", pf.bpp, pf.true_colour);
        return;
    }
    vc->pf = pf;
    vc->fast_pf = pf.bpp == 32 && !pf.big_endian && pf.rmax == 255 &&
                  pf.gmax == 255 && pf.bmax == 255 && pf.rshift == 16 &&
                  pf.gshift == 8 && pf.bshift == 0;
    vnc_mark_dirty(vc, 0, 0, surf_w(vc->vd), surf_h(vc->vd));
}

static void vnc_set_encodings(VncClient *vc, const uint8_t *p, unsigned n)
{
    vc->encoding = VNC_ENC_RAW;
    vc->has_desktop_size = vc->has_ext_key = vc->has_pointer_type = false;
    /* The first encoding we know in the client's order of preference. */
    bool chosen = false;
    for (unsigned i = 0; i < n; i++) {
        int32_t e = (int32_t)((uint32_t)p[4 * i] << 24 | p[4 * i + 1] << 16 |
                              p[4 * i + 2] << 8 | p[4 * i + 3]);
        switch (e) {
        case VNC_ENC_RAW:
        case VNC_ENC_HEXTILE:
        case VNC_ENC_ZLIB:
        case VNC_ENC_ZRLE:
        case VNC_ENC_TIGHT:
            if (!chosen) {
                vc->encoding = e;
                chosen = true;
            }
            break;
        case VNC_ENC_DESKTOPSIZE:
            vc->has_desktop_size = true;
            break;
        case VNC_ENC_EXT_KEY_EVENT:
            vc->has_ext_key = true;
            break;
        case VNC_ENC_POINTER_TYPE_CHANGE:
            vc->has_pointer_type = true;
            break;
        default:
            break;
        }
    }
    if (vc->has_ext_key) {
        /* Tell the client we take raw key codes: an empty update with
         * the pseudo-rectangle. */
        vnc_send_pseudo_rect(vc, VNC_ENC_EXT_KEY_EVENT);
    }
}

static void vnc_update_request(VncClient *vc, const uint8_t *p)
{
    bool incremental = p[0];
    int x = p[1] << 8 | p[2], y = p[3] << 8 | p[4];
    int w = p[5] << 8 | p[6], h = p[7] << 8 | p[8];

    if (!incremental) {
        vnc_mark_dirty(vc, x, y, w, h);
    }
    vc->update_requested = true;
    if (vc->vd->detached) {
        return;
    }
    vnc_client_update(vc);
}

static void vnc_key(VncClient *vc, bool down, int qcode)
{
    if (qcode > Q_KEY_CODE_UNMAPPED) {
        qemu_input_event_send_key_qcode(qcode, down);
        qemu_input_event_sync();
    }
}

static void vnc_pointer(VncClient *vc, uint8_t mask, int x, int y)
{
    static const InputButton bmap[5] = {
        INPUT_BUTTON_LEFT, INPUT_BUTTON_MIDDLE, INPUT_BUTTON_RIGHT,
        INPUT_BUTTON_WHEEL_UP, INPUT_BUTTON_WHEEL_DOWN,
    };
    uint32_t want = 0;

    for (int i = 0; i < 5; i++) {
        if (mask & (1 << i)) {
            want |= 1u << bmap[i];
        }
    }
    qemu_input_update_buttons(&vc->buttons, want);
    if (qemu_input_is_absolute()) {
        qemu_input_queue_abs(INPUT_AXIS_X, x, 0, surf_w(vc->vd) - 1);
        qemu_input_queue_abs(INPUT_AXIS_Y, y, 0, surf_h(vc->vd) - 1);
    } else if (vc->last_x >= 0) {
        qemu_input_queue_rel(INPUT_AXIS_X, x - vc->last_x);
        qemu_input_queue_rel(INPUT_AXIS_Y, y - vc->last_y);
    }
    vc->last_x = x;
    vc->last_y = y;
    qemu_input_event_sync();
}

static int vnc_handle_message(VncClient *vc, const uint8_t *p, size_t n)
{
    switch (p[0]) {
    case 0:                             /* SetPixelFormat */
        if (n < 20) {
            return 0;
        }
        vnc_set_pixel_format(vc, p + 4);
        return 20;
    case 2: {                           /* SetEncodings */
        unsigned count;
        if (n < 4) {
            return 0;
        }
        count = p[2] << 8 | p[3];
        if (n < 4 + 4 * (size_t)count) {
            return 0;
        }
        vnc_set_encodings(vc, p + 4, count);
        return 4 + 4 * count;
    }
    case 3:                             /* FramebufferUpdateRequest */
        if (n < 10) {
            return 0;
        }
        vnc_update_request(vc, p + 1);
        return 10;
    case 4:                             /* KeyEvent */
        if (n < 8) {
            return 0;
        }
        vnc_key(vc, p[1], vnc_keysym_to_qcode((uint32_t)p[4] << 24 |
                                              p[5] << 16 | p[6] << 8 | p[7]));
        return 8;
    case 5:                             /* PointerEvent */
        if (n < 6) {
            return 0;
        }
        vnc_pointer(vc, p[1], p[2] << 8 | p[3], p[4] << 8 | p[5]);
        return 6;
    case 6:                             /* ClientCutText: dropped */
        if (n < 8) {
            return 0;
        }
        vc->skip = (uint64_t)p[4] << 24 | p[5] << 16 | p[6] << 8 | p[7];
        return 8;
    case 255:                           /* QEMU client message */
        if (n < 2) {
            return 0;
        }
        if (p[1] == 0) {                /* extended key event */
            uint32_t keycode;
            int q;
            if (n < 12) {
                return 0;
            }
            keycode = (uint32_t)p[8] << 24 | p[9] << 16 | p[10] << 8 | p[11];
            /* XT scan codes with 0xe0 as 0x80 | code: our qnums. */
            q = keycode <= 0xff ? qemu_input_qnum_to_qcode(keycode)
                                : Q_KEY_CODE_UNMAPPED;
            if (q == Q_KEY_CODE_UNMAPPED) {
                q = vnc_keysym_to_qcode((uint32_t)p[4] << 24 | p[5] << 16 |
                                        p[6] << 8 | p[7]);
            }
            vnc_key(vc, p[2] << 8 | p[3], q);
            return 12;
        }
        kemu_log_mask(LOG_GUEST_ERROR, "vnc: QEMU message %u refused\n",
                      p[1]);
        return -1;
    default:
        return -1;
    }
}

static void vnc_process(VncClient *vc)
{
    size_t off = 0;

    while (vc->state != VNC_STATE_DEAD && off < vc->in->len) {
        const uint8_t *p = vc->in->data + off;
        size_t n = vc->in->len - off;
        int used;

        if (vc->skip) {
            size_t k = MIN(vc->skip, (uint64_t)n);
            vc->skip -= k;
            off += k;
            if (vc->skip) {
                break;
            }
            continue;
        }
        if (!n) {
            break;
        }
        switch (vc->state) {
        case VNC_STATE_VERSION:
            used = vnc_handle_version(vc, p, n);
            break;
        case VNC_STATE_SECURITY_TYPE:
            used = vnc_handle_security_type(vc, p, n);
            break;
        case VNC_STATE_AUTH:
            used = vnc_handle_auth(vc, p, n);
            break;
        case VNC_STATE_CLIENT_INIT:
            used = vnc_handle_client_init(vc, p, n);
            break;
        case VNC_STATE_NORMAL:
            used = vnc_handle_message(vc, p, n);
            break;
        default:
            used = -1;
            break;
        }
        if (used < 0) {
            vc->state = VNC_STATE_DEAD;
            break;
        }
        if (used == 0) {
            break;
        }
        off += used;
    }
    g_byte_array_remove_range(vc->in, 0, MIN(off, vc->in->len));
    if (vc->in->len > VNC_IN_MAX) {
        vc->state = VNC_STATE_DEAD;
    }
}

bool vnc_client_feed(VncClient *vc, const uint8_t *data, size_t len)
{
    if (vc->state == VNC_STATE_DEAD) {
        return false;
    }
    if (vc->websocket) {
        g_byte_array_append(vc->ws_in, data, len);
        if (vc->state == VNC_STATE_WS_HANDSHAKE) {
            int r = vnc_ws_handshake(vc);
            if (r < 0) {
                vc->state = VNC_STATE_DEAD;
                return false;
            }
            if (r == 0) {
                return true;
            }
            vc->state = VNC_STATE_VERSION;
            vnc_client_write(vc, "RFB 003.008\n", 12);
        }
        if (!vnc_ws_decode(vc)) {
            vc->state = VNC_STATE_DEAD;
            return false;
        }
    } else {
        g_byte_array_append(vc->in, data, len);
    }
    vnc_process(vc);
    if (vc->out->len > VNC_OUT_HARD_LIMIT) {
        vc->state = VNC_STATE_DEAD;
    }
    return vc->state != VNC_STATE_DEAD;
}

/* ---- sockets ---- */

static void vnc_client_read(void *opaque);

static void vnc_client_set_handlers(VncClient *vc)
{
    if (vc->fd >= 0) {
        main_loop_set_fd_handler(vc->fd, vnc_client_read,
                                 vc->out->len ? vnc_client_flush : NULL, vc);
    }
}

static void vnc_client_flush(void *opaque)
{
    VncClient *vc = opaque;

    while (vc->out->len) {
        ssize_t r = send(vc->fd, vc->out->data, vc->out->len,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                /* Closed from the read handler, which sees the error
                 * too: callers up the stack still use vc. */
                vc->state = VNC_STATE_DEAD;
                g_byte_array_set_size(vc->out, 0);
                break;
            }
            break;
        }
        g_byte_array_remove_range(vc->out, 0, r);
    }
    vnc_client_set_handlers(vc);
    /* Room again: frames held back by the soft limit can go now. */
    if (vc->out->len <= VNC_OUT_SOFT_LIMIT && vc->update_requested) {
        vnc_client_update(vc);
    }
}

static void vnc_client_read(void *opaque)
{
    VncClient *vc = opaque;
    VncDisplay *vd;
    uint8_t buf[8192];
    ssize_t r = recv(vc->fd, buf, sizeof(buf), MSG_DONTWAIT);

    if (r < 0 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    if (r <= 0) {
        vnc_client_close(vc);
        return;
    }
    vnc_client_feed(vc, buf, r);
    vd = vc->vd;
    /* An exclusive client may have asked the others to leave. */
    for (guint i = 0; i < vd->clients->len; i++) {
        VncClient *o = vd->clients->pdata[i];
        if (o != vc && o->state == VNC_STATE_DEAD) {
            vnc_client_close(o);
            i--;
        }
    }
    if (vc->state == VNC_STATE_DEAD) {
        /* One try to get a refusal reason out, then close. */
        if (vc->out->len) {
            ssize_t w = send(vc->fd, vc->out->data, vc->out->len,
                             MSG_NOSIGNAL | MSG_DONTWAIT);
            (void)w;
        }
        vnc_client_close(vc);
        return;
    }
    vnc_client_flush(vc);
}

static VncClient *vnc_client_new(VncDisplay *vd, int fd, bool websocket)
{
    VncClient *vc = g_new0(VncClient, 1);

    vc->vd = vd;
    vc->fd = fd;
    vc->websocket = websocket;
    vc->in = g_byte_array_new();
    vc->ws_in = g_byte_array_new();
    vc->out = g_byte_array_new();
    vc->last_x = vc->last_y = -1;
    vc->state = websocket ? VNC_STATE_WS_HANDSHAKE : VNC_STATE_VERSION;
    vnc_set_default_pf(vc);
    vnc_client_resize_grid(vc);
    g_ptr_array_add(vd->clients, vc);
    if (!websocket) {
        vnc_client_write(vc, "RFB 003.008\n", 12);
    }
    return vc;
}

static void vnc_client_free(VncClient *vc)
{
    vnc_encoders_free(vc);
    g_byte_array_free(vc->in, true);
    g_byte_array_free(vc->ws_in, true);
    g_byte_array_free(vc->out, true);
    g_free(vc->dirty);
    g_free(vc->peer);
    g_free(vc);
}

static void vnc_client_close(VncClient *vc)
{
    VncDisplay *vd = vc->vd;

    if (vc->fd >= 0) {
        vnc_watch(vc);
        close(vc->fd);
        vc->fd = -1;
    }
    /* Keys or buttons held by this client are let go. */
    qemu_input_update_buttons(&vc->buttons, 0);
    qemu_input_event_sync();
    g_ptr_array_remove(vd->clients, vc);
    vnc_client_free(vc);
    if (!vd->clients->len) {
        vnc_display_detach(vd);
    }
}

static char *sockaddr_text(const struct sockaddr_storage *ss, socklen_t len)
{
    char host[NI_MAXHOST], serv[NI_MAXSERV];

    if (ss->ss_family == AF_UNIX) {
        return g_strdup_printf("%s (unix)",
                               ((struct sockaddr_un *)ss)->sun_path);
    }
    if (getnameinfo((const struct sockaddr *)ss, len, host, sizeof(host),
                    serv, sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV)) {
        return g_strdup("?");
    }
    return g_strdup_printf("%s:%s (%s)", host, serv,
                           ss->ss_family == AF_INET6 ? "ipv6" : "ipv4");
}

static void vnc_accept_common(VncDisplay *vd, int lfd, bool websocket)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    int fd = accept4(lfd, (struct sockaddr *)&ss, &len,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
    VncClient *vc;
    int one = 1;

    if (fd < 0) {
        return;
    }
    if (ss.ss_family != AF_UNIX) {
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    vnc_display_attach(vd);
    vc = vnc_client_new(vd, fd, websocket);
    vc->peer = sockaddr_text(&ss, len);
    vnc_client_set_handlers(vc);
    vnc_client_flush(vc);
}

static void vnc_accept(void *opaque)
{
    int *lfd = opaque;
    VncDisplay *vd = vnc_server;

    vnc_accept_common(vd, *lfd, false);
}

static void vnc_ws_accept(void *opaque)
{
    int *lfd = opaque;

    vnc_accept_common(vnc_server, *lfd, true);
}

/* Binds TCP listeners for host:port (every address it resolves to). */
static int vnc_listen_tcp(const char *host, int port, int *fds, int max,
                          char **addr_text, Error **errp)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_PASSIVE };
    struct addrinfo *res, *ai;
    char portstr[16];
    int n = 0, rc, saved = 0;

    snprintf(portstr, sizeof(portstr), "%d", port);
    rc = getaddrinfo(host && *host ? host : NULL, portstr, &hints, &res);
    if (rc) {
        error_setg(errp, "address resolution failed for %s:%s: %s",
                   host ? host : "", portstr, gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai && n < max; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;

        if (fd < 0) {
            saved = errno;
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (ai->ai_family == AF_INET6) {
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
        }
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
            listen(fd, 8) < 0) {
            saved = errno;
            close(fd);
            continue;
        }
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        if (!n) {
            struct sockaddr_storage ss;
            socklen_t len = sizeof(ss);
            getsockname(fd, (struct sockaddr *)&ss, &len);
            *addr_text = sockaddr_text(&ss, len);
        }
        fds[n++] = fd;
    }
    freeaddrinfo(res);
    if (!n) {
        error_setg_errno(errp, saved, "Failed to bind socket");
        return -1;
    }
    return n;
}

static int vnc_listen_unix(const char *path, int *fds, Error **errp)
{
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(un.sun_path)) {
        error_setg(errp, "UNIX socket path '%s' is too long", path);
        return -1;
    }
    strcpy(un.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    unlink(path);
    if (fd < 0 || bind(fd, (struct sockaddr *)&un, sizeof(un)) < 0 ||
        listen(fd, 8) < 0) {
        error_setg_errno(errp, errno, "Failed to bind socket to %s", path);
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    fds[0] = fd;
    return 1;
}

/* ---- set-up ---- */

static VncDisplay *vnc_display_alloc(void)
{
    VncDisplay *vd = g_new0(VncDisplay, 1);

    vd->clients = g_ptr_array_new();
    vd->dcl.ops = &vnc_dcl_ops;
    return vd;
}

/*
 * The server watches the console only while someone is connected, so
 * an idle server costs no rendering at all.
 */
static void vnc_display_attach(VncDisplay *vd)
{
    if (vd->dcl_registered || vd->own_surface) {
        return;
    }
    register_displaychangelistener(&vd->dcl);
    vd->dcl_registered = vd->dcl.con != NULL;
    if (vd->dcl_registered) {
        /* Nobody watched until now: bring the picture (and its size,
         * which ServerInit announces) up to date first. */
        graphic_hw_update(vd->dcl.con);
    } else {
        /* No graphic console: clients see a black screen. */
        vd->own_surface = qemu_create_displaysurface(640, 480);
        vd->surface = vd->own_surface;
    }
}

static void vnc_display_detach(VncDisplay *vd)
{
    if (vd->dcl_registered) {
        unregister_displaychangelistener(&vd->dcl);
        vd->dcl_registered = false;
        vd->surface = NULL;
    }
}

static bool parse_bool_opt(const char *key, const char *v, bool *out,
                           Error **errp)
{
    if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true")) {
        *out = true;
    } else if (!strcmp(v, "off") || !strcmp(v, "no") ||
               !strcmp(v, "false")) {
        *out = false;
    } else {
        error_setg(errp, "Parameter '%s' expects 'on' or 'off'", key);
        return false;
    }
    return true;
}

bool vnc_display_init(const char *spec, Error **errp)
{
    g_auto(GStrv) parts = g_strsplit(spec, ",", -1);
    const char *addr = parts[0];
    VncDisplay *vd;
    bool password = false, ws = false;
    int ws_port = -1;
    int share = VNC_SHARE_ALLOW_EXCLUSIVE;

    for (int i = 1; parts[i]; i++) {
        char *eq = strchr(parts[i], '=');
        const char *key = parts[i], *val = eq ? eq + 1 : "on";

        if (eq) {
            *eq = 0;
        }
        if (!strcmp(key, "password")) {
            if (!parse_bool_opt(key, val, &password, errp)) {
                return false;
            }
        } else if (!strcmp(key, "share")) {
            if (!strcmp(val, "allow-exclusive")) {
                share = VNC_SHARE_ALLOW_EXCLUSIVE;
            } else if (!strcmp(val, "force-shared")) {
                share = VNC_SHARE_FORCE_SHARED;
            } else if (!strcmp(val, "ignore")) {
                share = VNC_SHARE_IGNORE;
            } else {
                error_setg(errp, "unknown vnc share= option");
                return false;
            }
        } else if (!strcmp(key, "websocket")) {
            char *end;
            if (!strcmp(val, "on")) {
                ws = true;
            } else if (!strcmp(val, "off")) {
                ws = false;
            } else {
                long p = strtol(val, &end, 10);
                if (*end || p < 0 || p > 65535) {
                    error_setg(errp, "port '%s' out of range", val);
                    return false;
                }
                ws = true;
                ws_port = p;
            }
        } else {
            error_setg(errp, "Invalid parameter '%s'", key);
            return false;
        }
    }

    vd = vnc_display_alloc();
    vd->display = g_strdup(spec);
    vd->auth_vnc = password;
    vd->share = share;
    if (!strcmp(addr, "none")) {
        /* A server with nowhere to listen, as QEMU's -vnc none. */
    } else if (g_str_has_prefix(addr, "unix:")) {
        vd->unix_path = g_strdup(addr + 5);
        vd->nlsock = vnc_listen_unix(vd->unix_path, vd->lsock, errp);
        if (vd->nlsock < 0) {
            g_free(vd);
            return false;
        }
        vd->server_addr = g_strdup_printf("%s (unix)", vd->unix_path);
    } else {
        const char *colon = strrchr(addr, ':');
        g_autofree char *host = NULL;
        char *end;
        long display;

        if (!colon) {
            error_setg(errp, "no vnc port specified");
            return false;
        }
        host = g_strndup(addr, colon - addr);
        if (host[0] == '[' && host[strlen(host) - 1] == ']') {
            memmove(host, host + 1, strlen(host));
            host[strlen(host) - 1] = 0;
        }
        display = strtol(colon + 1, &end, 10);
        if (*end || end == colon + 1 || display < 0) {
            error_setg(errp, "can't convert to a number: %s", colon + 1);
            return false;
        }
        if (display > 65535 - 5900) {
            error_setg(errp, "port %s out of range", colon + 1);
            return false;
        }
        vd->nlsock = vnc_listen_tcp(host, 5900 + display, vd->lsock,
                                    ARRAY_SIZE(vd->lsock), &vd->server_addr,
                                    errp);
        if (vd->nlsock < 0) {
            return false;
        }
        if (ws) {
            /* websocket=on: port 5700 + display, as QEMU. */
            vd->ws_nlsock = vnc_listen_tcp(host, ws_port >= 0 ? ws_port
                                                 : 5700 + display,
                                           vd->ws_lsock,
                                           ARRAY_SIZE(vd->ws_lsock),
                                           &vd->ws_addr, errp);
            if (vd->ws_nlsock < 0) {
                return false;
            }
        }
    }
    vnc_server = vd;
    for (int i = 0; i < vd->nlsock; i++) {
        main_loop_set_fd_handler(vd->lsock[i], vnc_accept, NULL,
                                 &vd->lsock[i]);
    }
    for (int i = 0; i < vd->ws_nlsock; i++) {
        main_loop_set_fd_handler(vd->ws_lsock[i], vnc_ws_accept, NULL,
                                 &vd->ws_lsock[i]);
    }
    return true;
}

bool vnc_display_active(void)
{
    return vnc_server != NULL;
}

bool vnc_display_password(const char *password, Error **errp)
{
    if (!vnc_server || !vnc_server->auth_vnc) {
        error_setg(errp, "Could not set password");
        return false;
    }
    g_free(vnc_server->password);
    vnc_server->password = g_strdup(password);
    return true;
}

void vnc_info(GString *out)
{
    VncDisplay *vd = vnc_server;
    const char *auth;

    if (!vd) {
        g_string_append(out, "None\n");
        return;
    }
    auth = vd->auth_vnc ? "vnc" : "none";
    g_string_append(out, "default:\n");
    if (vd->server_addr) {
        g_string_append_printf(out, "  Server: %s\n", vd->server_addr);
        g_string_append_printf(out, "    Auth: %s (Sub: none)\n", auth);
    }
    if (vd->ws_addr) {
        g_string_append_printf(out, "  Server: %s (Websocket)\n",
                               vd->ws_addr);
        g_string_append_printf(out, "    Auth: %s (Sub: none)\n", auth);
    }
    for (guint i = 0; i < vd->clients->len; i++) {
        VncClient *vc = vd->clients->pdata[i];
        g_string_append_printf(out, "  Client: %s%s\n",
                               vc->peer ? vc->peer : "?",
                               vc->websocket ? " (Websocket)" : "");
        g_string_append(out, "    x509_dname: none\n");
        g_string_append(out, "    sasl_username: none\n");
    }
}

/* ---- detached use (fuzzing, unit tests) ---- */

VncDisplay *vnc_display_new_detached(bool password, const char *pw)
{
    VncDisplay *vd = vnc_display_alloc();
    uint32_t *px;

    vd->detached = true;
    vd->auth_vnc = password;
    vd->password = g_strdup(pw);
    vd->own_surface = qemu_create_displaysurface(48, 40);
    vd->surface = vd->own_surface;
    /* Something to encode: bands, a solid area, a gradient. */
    px = (uint32_t *)surface_data(vd->surface);
    for (int y = 0; y < 40; y++) {
        for (int x = 0; x < 48; x++) {
            px[y * surface_stride(vd->surface) / 4 + x] =
                y < 16 ? 0x00336699 : (uint32_t)(x * 5) << 16 | y * 6;
        }
    }
    return vd;
}

VncClient *vnc_client_new_detached(VncDisplay *vd, bool websocket)
{
    return vnc_client_new(vd, -1, websocket);
}

GByteArray *vnc_client_take_output(VncClient *vc)
{
    GByteArray *b = vc->out;

    vc->out = g_byte_array_new();
    return b;
}

void vnc_display_refresh_now(VncDisplay *vd)
{
    vnc_update_all(vd);
}

void vnc_client_free_detached(VncClient *vc)
{
    g_ptr_array_remove(vc->vd->clients, vc);
    vnc_client_free(vc);
}

void vnc_display_free_detached(VncDisplay *vd)
{
    while (vd->clients->len) {
        vnc_client_free_detached(vd->clients->pdata[0]);
    }
    g_ptr_array_free(vd->clients, true);
    qemu_free_displaysurface(vd->own_surface);
    g_free(vd->password);
    g_free(vd->display);
    g_free(vd);
}
