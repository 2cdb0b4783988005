/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The RFB engine without sockets (ui/vnc.c's detached mode): exact
 * handshake bytes for each version, the ServerInit, a raw and a zlib
 * update equal to the surface, VNC authentication against a DES result
 * computed by openssl, WebSocket handshake and framing, and refusal of
 * bad input.
 */
#include "util/osdep.h"
#include "ui/vnc-internal.h"
#include <zlib.h>

static GByteArray *feed(VncClient *vc, const void *data, size_t len)
{
    g_assert_true(vnc_client_feed(vc, data, len));
    return vnc_client_take_output(vc);
}

static void expect(GByteArray *b, const void *data, size_t len)
{
    g_assert_cmpuint(b->len, ==, len);
    g_assert_cmpmem(b->data, b->len, data, len);
    g_byte_array_unref(b);
}

/* Handshake to the normal state with security None; returns the
 * ServerInit bytes. */
static GByteArray *handshake(VncClient *vc)
{
    GByteArray *b = vnc_client_take_output(vc);

    expect(b, "RFB 003.008\n", 12);
    expect(feed(vc, "RFB 003.008\n", 12), "\x01\x01", 2);
    expect(feed(vc, "\x01", 1), "\0\0\0\0", 4);
    return feed(vc, "\x01", 1);
}

static void test_server_init_and_raw(void)
{
    VncDisplay *vd = vnc_display_new_detached(false, NULL);
    VncClient *vc = vnc_client_new_detached(vd, false);
    GByteArray *b = handshake(vc);
    static const uint8_t req[] = { 3, 0, 0, 0, 0, 0, 0, 48, 0, 40 };
    static const uint8_t enc_raw[] = { 2, 0, 0, 1, 0, 0, 0, 0 };
    const uint32_t *px = (const uint32_t *)surface_data(vd->surface);

    /* 48x40, 32 bpp depth 24 little-endian true colour, "QEMU". */
    g_assert_cmpuint(b->len, ==, 24 + 4);
    g_assert_cmpmem(b->data, 4, "\x00\x30\x00\x28", 4);
    g_assert_cmpmem(b->data + 4, 4, "\x20\x18\x00\x01", 4);
    g_assert_cmpmem(b->data + 24, 4, "QEMU", 4);
    g_byte_array_unref(b);

    b = feed(vc, enc_raw, sizeof(enc_raw));
    g_assert_cmpuint(b->len, ==, 0);
    g_byte_array_unref(b);
    b = feed(vc, req, sizeof(req));
    g_byte_array_unref(b);
    vnc_display_refresh_now(vd);
    b = vnc_client_take_output(vc);
    /* One run of tiles per tile row: 3 rows of 16 px, 48 px wide. */
    g_assert_cmpuint(b->data[0], ==, 0);
    g_assert_cmpuint(b->data[2] << 8 | b->data[3], ==, 3);
    {
        size_t pos = 4;
        for (int r = 0; r < 3; r++) {
            int x = b->data[pos] << 8 | b->data[pos + 1];
            int y = b->data[pos + 2] << 8 | b->data[pos + 3];
            int w = b->data[pos + 4] << 8 | b->data[pos + 5];
            int h = b->data[pos + 6] << 8 | b->data[pos + 7];
            g_assert_cmpint(x, ==, 0);
            g_assert_cmpint(y, ==, r * 16);
            g_assert_cmpint(w, ==, 48);
            g_assert_cmpint(h, ==, r < 2 ? 16 : 8);
            g_assert_cmpmem(b->data + pos + 8, 4, "\0\0\0\0", 4);
            pos += 12;
            for (int j = 0; j < h; j++) {
                g_assert_cmpmem(b->data + pos, w * 4,
                                px + (y + j) * surface_stride(vd->surface) /
                                4, w * 4);
                pos += w * 4;
            }
        }
        g_assert_cmpuint(pos, ==, b->len);
    }
    g_byte_array_unref(b);
    /* Nothing changed: an incremental request gets nothing. */
    b = feed(vc, (const uint8_t[]){ 3, 1, 0, 0, 0, 0, 0, 48, 0, 40 }, 10);
    vnc_display_refresh_now(vd);
    g_byte_array_unref(b);
    b = vnc_client_take_output(vc);
    g_assert_cmpuint(b->len, ==, 0);
    g_byte_array_unref(b);
    vnc_display_free_detached(vd);
}

static void test_zlib(void)
{
    VncDisplay *vd = vnc_display_new_detached(false, NULL);
    VncClient *vc = vnc_client_new_detached(vd, false);
    static const uint8_t enc[] = { 2, 0, 0, 1, 0, 0, 0, 6 };
    static const uint8_t req[] = { 3, 0, 0, 0, 0, 0, 0, 16, 0, 16 };
    const uint32_t *px = (const uint32_t *)surface_data(vd->surface);
    GByteArray *b = handshake(vc);
    uint8_t plain[16 * 16 * 4];
    z_stream z = { 0 };
    uint32_t n;

    g_byte_array_unref(b);
    g_byte_array_unref(feed(vc, enc, sizeof(enc)));
    g_byte_array_unref(feed(vc, req, sizeof(req)));
    vnc_display_refresh_now(vd);
    b = vnc_client_take_output(vc);
    g_assert_cmpuint(b->data[3], ==, 1);                /* one rect */
    g_assert_cmpmem(b->data + 12, 4, "\0\0\0\x06", 4);  /* zlib */
    n = (uint32_t)b->data[16] << 24 | b->data[17] << 16 | b->data[18] << 8 |
        b->data[19];
    g_assert_cmpuint(20 + n, ==, b->len);
    g_assert_cmpint(inflateInit(&z), ==, Z_OK);
    z.next_in = b->data + 20;
    z.avail_in = n;
    z.next_out = plain;
    z.avail_out = sizeof(plain);
    inflate(&z, Z_SYNC_FLUSH);
    g_assert_cmpuint(z.avail_out, ==, 0);
    inflateEnd(&z);
    for (int j = 0; j < 16; j++) {
        g_assert_cmpmem(plain + j * 64, 64,
                        px + j * surface_stride(vd->surface) / 4, 64);
    }
    g_byte_array_unref(b);
    vnc_display_free_detached(vd);
}

static void test_auth(void)
{
    /* openssl enc -des-ecb -K <"fuzz" bit-reversed> of bytes 0..15. */
    static const uint8_t want[16] = {
        0xb9, 0xd2, 0x6f, 0x40, 0x7e, 0x50, 0x71, 0xe7,
        0x59, 0x37, 0x6f, 0x7a, 0x85, 0xda, 0xaa, 0x76,
    };
    uint8_t challenge[16], resp[16];
    VncDisplay *vd;
    VncClient *vc;
    GByteArray *b;

    for (int i = 0; i < 16; i++) {
        challenge[i] = i;
    }
    vnc_auth_response("fuzz", challenge, resp);
    g_assert_cmpmem(resp, 16, want, 16);

    /* Through the protocol: right, then wrong response. */
    for (int good = 1; good >= 0; good--) {
        vd = vnc_display_new_detached(true, "fuzz");
        vc = vnc_client_new_detached(vd, false);
        g_byte_array_unref(vnc_client_take_output(vc));
        expect(feed(vc, "RFB 003.008\n", 12), "\x01\x02", 2);
        b = feed(vc, "\x02", 1);
        g_assert_cmpuint(b->len, ==, 16);
        vnc_auth_response(good ? "fuzz" : "fuzZ", b->data, resp);
        g_byte_array_unref(b);
        if (good) {
            expect(feed(vc, resp, 16), "\0\0\0\0", 4);
        } else {
            g_assert_false(vnc_client_feed(vc, resp, 16));
            b = vnc_client_take_output(vc);
            g_assert_cmpmem(b->data, 8, "\0\0\0\x01\0\0\0\x15", 8);
            g_assert_cmpmem(b->data + 8, 21, "Authentication failed", 21);
            g_byte_array_unref(b);
        }
        vnc_display_free_detached(vd);
    }
}

static void test_websocket(void)
{
    VncDisplay *vd = vnc_display_new_detached(false, NULL);
    VncClient *vc = vnc_client_new_detached(vd, true);
    /* RFC 6455 section 1.3's example key and accept value. */
    static const char req[] =
        "GET /chat HTTP/1.1\r\nHost: server.example.com\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n";
    static const uint8_t frame[] = {
        0x82, 0x8c, 1, 2, 3, 4,
        'R' ^ 1, 'F' ^ 2, 'B' ^ 3, ' ' ^ 4, '0' ^ 1, '0' ^ 2, '3' ^ 3,
        '.' ^ 4, '0' ^ 1, '0' ^ 2, '8' ^ 3, '\n' ^ 4,
    };
    GByteArray *b = feed(vc, req, strlen(req));
    const char *text = (const char *)b->data;

    g_assert_nonnull(g_strstr_len(text, b->len, "HTTP/1.1 101 "));
    g_assert_nonnull(g_strstr_len(text, b->len, "Sec-WebSocket-Accept: "
                                  "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
    /* After the reply, the version as one binary frame. */
    g_assert_cmpmem(b->data + b->len - 14, 14, "\x82\x0cRFB 003.008\n", 14);
    g_byte_array_unref(b);
    expect(feed(vc, frame, sizeof(frame)), "\x82\x02\x01\x01", 4);
    /* An unmasked client frame is a protocol error. */
    g_assert_false(vnc_client_feed(vc, (const uint8_t[]){ 0x82, 0x01, 1 },
                                   3));
    vnc_display_free_detached(vd);
}

static void test_bad_input(void)
{
    static const char *const bad[] = {
        "RFB 004.000\n", "GARBAGEGARBA",
    };

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        VncDisplay *vd = vnc_display_new_detached(false, NULL);
        VncClient *vc = vnc_client_new_detached(vd, false);
        g_assert_false(vnc_client_feed(vc, (const uint8_t *)bad[i], 12));
        vnc_display_free_detached(vd);
    }
    {
        VncDisplay *vd = vnc_display_new_detached(false, NULL);
        VncClient *vc = vnc_client_new_detached(vd, false);
        g_byte_array_unref(handshake(vc));
        /* Cut text is skipped however long, then messages go on. */
        g_assert_true(vnc_client_feed(vc, (const uint8_t[]){
            6, 0, 0, 0, 0, 0, 0, 3, 'a', 'b', 'c', 3, 1, 0, 0, 0, 0, 0, 1,
            0, 1 }, 21));
        /* An unknown message type ends the client. */
        g_assert_false(vnc_client_feed(vc, (const uint8_t[]){ 42 }, 1));
        vnc_display_free_detached(vd);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vnc/server-init-raw", test_server_init_and_raw);
    g_test_add_func("/vnc/zlib", test_zlib);
    g_test_add_func("/vnc/auth", test_auth);
    g_test_add_func("/vnc/websocket", test_websocket);
    g_test_add_func("/vnc/bad-input", test_bad_input);
    return g_test_run();
}
