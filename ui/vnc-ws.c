/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RFB over WebSocket (RFC 6455), what noVNC speaks: the HTTP upgrade
 * with Sec-WebSocket-Accept, then binary frames (masked from the
 * client, unmasked from us). Handshakes and frames are bounded.
 */
#include "ui/vnc-internal.h"

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#define WS_HANDSHAKE_MAX 4096
#define WS_FRAME_MAX (1 * MiB)

/* The value of header 'name' in the request, or NULL. */
static char *header_value(const char *req, const char *name)
{
    size_t n = strlen(name);

    for (const char *p = strstr(req, "\r\n"); p; p = strstr(p, "\r\n")) {
        p += 2;
        if (!g_ascii_strncasecmp(p, name, n) && p[n] == ':') {
            const char *v = p + n + 1;
            const char *end = strstr(v, "\r\n");
            while (*v == ' ' || *v == '\t') {
                v++;
            }
            return end ? g_strstrip(g_strndup(v, end - v)) : NULL;
        }
    }
    return NULL;
}

int vnc_ws_handshake(VncClient *vc)
{
    g_autofree char *req = NULL, *key = NULL, *proto = NULL;
    g_autofree char *accept = NULL, *reply = NULL;
    g_autoptr(GChecksum) sha = NULL;
    uint8_t digest[20];
    gsize dlen = sizeof(digest);
    const uint8_t *end;
    size_t used;

    end = memmem(vc->ws_in->data, vc->ws_in->len, "\r\n\r\n", 4);
    if (!end) {
        return vc->ws_in->len > WS_HANDSHAKE_MAX ? -1 : 0;
    }
    used = end + 4 - vc->ws_in->data;
    req = g_strndup((const char *)vc->ws_in->data, used);
    g_byte_array_remove_range(vc->ws_in, 0, used);
    if (strncmp(req, "GET ", 4)) {
        return -1;
    }
    key = header_value(req, "Sec-WebSocket-Key");
    if (!key || !*key) {
        return -1;
    }
    proto = header_value(req, "Sec-WebSocket-Protocol");
    sha = g_checksum_new(G_CHECKSUM_SHA1);
    g_checksum_update(sha, (const guchar *)key, strlen(key));
    g_checksum_update(sha, (const guchar *)WS_GUID, strlen(WS_GUID));
    g_checksum_get_digest(sha, digest, &dlen);
    accept = g_base64_encode(digest, dlen);
    reply = g_strdup_printf(
        "HTTP/1.1 101 Switching Protocols\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        "Sec-WebSocket-Accept: %s\r\n"
        "%s\r\n", accept,
        proto && strstr(proto, "binary") ?
        "Sec-WebSocket-Protocol: binary\r\n" : "");
    g_byte_array_append(vc->out, (const guint8 *)reply, strlen(reply));
    return 1;
}

static void ws_frame(GByteArray *out, uint8_t opcode, const uint8_t *data,
                     size_t len)
{
    vnc_put8(out, 0x80 | opcode);
    if (len < 126) {
        vnc_put8(out, len);
    } else if (len <= 0xffff) {
        vnc_put8(out, 126);
        vnc_put16(out, len);
    } else {
        vnc_put8(out, 127);
        vnc_put32(out, (uint64_t)len >> 32);
        vnc_put32(out, len);
    }
    g_byte_array_append(out, data, len);
}

void vnc_ws_encode(GByteArray *out, const uint8_t *data, size_t len)
{
    ws_frame(out, 0x2, data, len);
}

bool vnc_ws_decode(VncClient *vc)
{
    for (;;) {
        const uint8_t *p = vc->ws_in->data;
        size_t avail = vc->ws_in->len, hdr = 2;
        uint64_t len;
        uint8_t opcode, mask[4];

        if (avail < 2) {
            return true;
        }
        opcode = p[0] & 0x0f;
        if (!(p[1] & 0x80)) {
            return false;           /* clients must mask (6455 5.1) */
        }
        len = p[1] & 0x7f;
        if (len == 126) {
            if (avail < 4) {
                return true;
            }
            len = (uint64_t)p[2] << 8 | p[3];
            hdr = 4;
        } else if (len == 127) {
            if (avail < 10) {
                return true;
            }
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = len << 8 | p[2 + i];
            }
            hdr = 10;
        }
        if (len > WS_FRAME_MAX) {
            return false;
        }
        if (avail < hdr + 4 + len) {
            return true;
        }
        memcpy(mask, p + hdr, 4);
        hdr += 4;
        switch (opcode) {
        case 0x0:                   /* continuation */
        case 0x1:                   /* text: noVNC sends binary anyway */
        case 0x2: {
            guint at = vc->in->len;
            g_byte_array_set_size(vc->in, at + len);
            for (uint64_t i = 0; i < len; i++) {
                vc->in->data[at + i] = p[hdr + i] ^ mask[i & 3];
            }
            break;
        }
        case 0x8:                   /* close */
            return false;
        case 0x9: {                 /* ping: pong with the same data */
            g_autofree uint8_t *d = g_malloc(len + 1);
            for (uint64_t i = 0; i < len; i++) {
                d[i] = p[hdr + i] ^ mask[i & 3];
            }
            ws_frame(vc->out, 0xa, d, len);
            break;
        }
        case 0xa:                   /* pong */
            break;
        default:
            return false;
        }
        g_byte_array_remove_range(vc->ws_in, 0, hdr + len);
    }
}
