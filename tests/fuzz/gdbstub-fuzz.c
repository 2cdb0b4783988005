/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the gdbstub's packet parser and codecs. The input is
 * a byte stream from a client; every packet the parser delivers is
 * checked (bounded, NUL-terminated, its checksum right), then put through
 * the helpers the commands use (hex, numbers, binary escapes, RLE) and
 * re-encoded, and the round trip must give the same bytes back.
 * No machine is needed: the command layer is reached by the
 * protocol tests and by a session fuzzer on a socket (see
 * docs/devel/gdbstub.md).
 */
#include "gdbstub/packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_packet(const uint8_t *buf, size_t len)
{
    GString *enc = g_string_new(NULL);
    GByteArray *dec = g_byte_array_new();
    uint8_t *copy = g_malloc(len + 1);
    uint8_t *bin = g_malloc(len / 2 + 1);
    const char *p = (const char *)buf;
    uint64_t v;
    ssize_t n;

    /* Numbers and hex as the commands parse them. */
    while (*p && gdb_parse_hex(&p, &v)) {
        if (*p) {
            p++;
        }
    }
    gdb_hex_decode((const char *)buf, len, bin, len / 2);
    /* X packets' escapes. */
    memcpy(copy, buf, len);
    n = gdb_unescape_binary(copy, len);
    if (n > (ssize_t)len) {
        abort();
    }
    /* Encode with RLE and decode again: the payload comes back, unless
     * it has a '*' of its own (the encoder's documented limit). */
    if (!memchr(buf, '*', len)) {
        const char *hash;
        gdb_packet_encode(enc, buf, len, true);
        /* "#cc" ends it (the payload may hold NULs: no strrchr). An
         * empty packet decodes to an array with no storage yet, which
         * memcmp must not see even with a length of 0. */
        hash = enc->str + enc->len - 3;
        if (*hash != '#' || !gdb_rle_decode((uint8_t *)enc->str + 1,
                                     hash - enc->str - 1, dec) ||
            dec->len != len || (len && memcmp(dec->data, buf, len))) {
            abort();
        }
    }
    g_free(bin);
    g_free(copy);
    g_byte_array_free(dec, true);
    g_string_free(enc, true);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static GdbPacketParser parser;

    gdb_parser_init(&parser);
    for (size_t i = 0; i < size; i++) {
        GdbParseEvent ev = gdb_parser_feed(&parser, data[i]);

        if (parser.len > GDB_MAX_PACKET) {
            abort();
        }
        if (ev == GDB_EV_PACKET) {
            if (parser.buf[parser.len] != 0 ||
                gdb_checksum(parser.buf, parser.len) != parser.sum) {
                abort();
            }
            check_packet(parser.buf, parser.len);
        }
    }
    return 0;
}
