/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VNC authentication (RFC 6143 7.2.2): the 16-byte challenge encrypted
 * with DES (nettle's), keyed by the first eight password bytes with the
 * bits of each byte in reverse order, as every VNC implementation does.
 */
#include "ui/vnc-internal.h"
#include <nettle/des.h>

static uint8_t reverse_bits(uint8_t b)
{
    uint8_t r = 0;

    for (int i = 0; i < 8; i++) {
        r = (r << 1) | ((b >> i) & 1);
    }
    return r;
}

void vnc_auth_response(const char *password, const uint8_t challenge[16],
                       uint8_t response[16])
{
    struct des_ctx ctx;
    uint8_t key[8] = { 0 };
    size_t n = password ? MIN(strlen(password), sizeof(key)) : 0;

    for (size_t i = 0; i < n; i++) {
        key[i] = reverse_bits(password[i]);
    }
    /* A weak key is still a key: VNC has no say over the password. */
    des_set_key(&ctx, key);
    des_encrypt(&ctx, 16, response, challenge);
}
