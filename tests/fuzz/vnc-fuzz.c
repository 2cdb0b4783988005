/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: bytes from a VNC client, through the handshake and
 * every client message, with framebuffer updates encoded in between.
 *
 * Input: byte 0 chooses the set-up (bit 0: password=on with password
 * "fuzz", bit 1: WebSocket framing), byte 1 how the rest is cut into
 * reads (0: one read, n: reads of n bytes), so split messages are
 * exercised too; the rest is what the client sends.
 */
#include "ui/vnc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    VncDisplay *vd;
    VncClient *vc;
    size_t chunk;

    if (size < 2) {
        return 0;
    }
    vd = vnc_display_new_detached(data[0] & 1, "fuzz");
    vc = vnc_client_new_detached(vd, data[0] & 2);
    chunk = data[1] ? data[1] : size;
    data += 2;
    size -= 2;
    while (size) {
        size_t n = MIN(chunk, size);
        bool alive = vnc_client_feed(vc, data, n);

        g_byte_array_unref(vnc_client_take_output(vc));
        if (!alive) {
            break;
        }
        vnc_display_refresh_now(vd);
        g_byte_array_unref(vnc_client_take_output(vc));
        data += n;
        size -= n;
    }
    vnc_display_free_detached(vd);
    return 0;
}
