/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the VNC server's files share: the server and client structs. */
#ifndef KEMU_UI_VNC_INTERNAL_H
#define KEMU_UI_VNC_INTERNAL_H

#include "ui/vnc.h"
#include "ui/console.h"
#include <zlib.h>

#define VNC_TILE 16
/* Longest run of tiles in one rectangle: tight allows 2048 pixels. */
#define VNC_MAX_RUN (2048 / VNC_TILE)

/* RFB encodings (RFC 6143 7.7, 7.8; rfbproto for the QEMU ones). */
enum {
    VNC_ENC_RAW = 0,
    VNC_ENC_COPYRECT = 1,
    VNC_ENC_HEXTILE = 5,
    VNC_ENC_ZLIB = 6,
    VNC_ENC_TIGHT = 7,
    VNC_ENC_ZRLE = 16,
    VNC_ENC_DESKTOPSIZE = -223,
    VNC_ENC_POINTER_TYPE_CHANGE = -257,
    VNC_ENC_EXT_KEY_EVENT = -258,
};

typedef struct VncPixelFormat {
    uint8_t bpp, depth;
    bool big_endian, true_colour;
    uint16_t rmax, gmax, bmax;
    uint8_t rshift, gshift, bshift;
} VncPixelFormat;

typedef enum VncState {
    VNC_STATE_WS_HANDSHAKE,     /* websocket: waiting for the HTTP upgrade */
    VNC_STATE_VERSION,
    VNC_STATE_SECURITY_TYPE,    /* 3.7/3.8: the client's choice */
    VNC_STATE_AUTH,             /* 16 bytes of DES response */
    VNC_STATE_CLIENT_INIT,
    VNC_STATE_NORMAL,
    VNC_STATE_DEAD,
} VncState;

struct VncDisplay {
    bool detached;              /* no sockets: driven by vnc_client_feed */
    int lsock[4];
    int nlsock;
    int ws_lsock[4];
    int ws_nlsock;
    char *display;              /* the -vnc text, for info */
    char *unix_path;
    bool auth_vnc;
    char *password;             /* NULL: nobody gets in with auth_vnc */
    int share;                  /* VNC_SHARE_* */
    GPtrArray *clients;
    DisplayChangeListener dcl;
    bool dcl_registered;
    DisplaySurface *surface;    /* the console's, or own_surface */
    DisplaySurface *own_surface;
    char *server_addr;          /* "127.0.0.1:5900 (ipv4)" for info */
    char *ws_addr;
};

enum {
    VNC_SHARE_ALLOW_EXCLUSIVE,
    VNC_SHARE_FORCE_SHARED,
    VNC_SHARE_IGNORE,
};

struct VncClient {
    VncDisplay *vd;
    int fd;                     /* -1 when detached */
    bool websocket;
    GByteArray *in;             /* decoded RFB bytes waiting for parsing */
    GByteArray *ws_in;          /* raw websocket bytes */
    GByteArray *out;            /* bytes waiting to go out (framed) */
    uint64_t skip;              /* ClientCutText bytes still to drop */
    VncState state;
    int minor;                  /* 3, 7 or 8 */
    uint8_t challenge[16];
    VncPixelFormat pf;
    bool fast_pf;               /* pf is the surface's own layout */
    int encoding;               /* preferred of raw/hextile/zlib/zrle */
    bool has_desktop_size, has_ext_key, has_pointer_type;
    bool update_requested;
    bool size_changed;
    uint8_t *dirty;             /* one byte per 16x16 tile */
    int tiles_w, tiles_h;
    z_stream zlib, zrle, tight;
    bool zlib_ready, zrle_ready, tight_ready;
    int last_x, last_y;
    uint32_t buttons;
    char *peer;
};

/* ---- vnc-enc.c ---- */
void vnc_write_pixels(VncClient *vc, GByteArray *dst, const uint32_t *src,
                      int n);
/* One rectangle in the client's preferred encoding, header included. */
void vnc_send_rect(VncClient *vc, int x, int y, int w, int h);
void vnc_encoders_free(VncClient *vc);

/* ---- vnc-keysym.c ---- */
/* The qcode of an X keysym; Q_KEY_CODE_UNMAPPED if none. */
int vnc_keysym_to_qcode(uint32_t keysym);

/* ---- vnc-auth.c ---- */
/* The VNC authentication response to challenge for password. */
void vnc_auth_response(const char *password, const uint8_t challenge[16],
                       uint8_t response[16]);

/* ---- vnc-ws.c ---- */
/* Handles the HTTP upgrade in vc->ws_in; returns -1 on error, 0 if more
 * is needed, 1 when done (the reply is queued). */
int vnc_ws_handshake(VncClient *vc);
/* Decodes frames from vc->ws_in into vc->in; false on a protocol error
 * or a close frame. */
bool vnc_ws_decode(VncClient *vc);
/* Frames data as one binary message. */
void vnc_ws_encode(GByteArray *out, const uint8_t *data, size_t len);

static inline void vnc_put8(GByteArray *b, uint8_t v)
{
    g_byte_array_append(b, &v, 1);
}
static inline void vnc_put16(GByteArray *b, uint16_t v)
{
    uint8_t d[2] = { v >> 8, v };
    g_byte_array_append(b, d, 2);
}
static inline void vnc_put32(GByteArray *b, uint32_t v)
{
    uint8_t d[4] = { v >> 24, v >> 16, v >> 8, v };
    g_byte_array_append(b, d, 4);
}
/* Queues bytes for the client (websocket-framed when needed). */
void vnc_client_write(VncClient *vc, const void *data, size_t len);

#endif
