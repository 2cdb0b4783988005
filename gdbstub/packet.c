/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RSP framing: the parser state machine, checksums, run-length
 * encoding, binary escapes and hex (see include/gdbstub/packet.h).
 */
#include "gdbstub/packet.h"

enum { ST_IDLE, ST_DATA, ST_CSUM1, ST_CSUM2, ST_SKIP };

void gdb_parser_init(GdbPacketParser *p)
{
    p->state = ST_IDLE;
    p->len = 0;
    p->sum = 0;
    p->max = GDB_MAX_PACKET;
    p->skipping = false;
    p->bad_digit = false;
}

static int hexval(uint8_t c)
{
    return g_ascii_isxdigit(c) ? g_ascii_xdigit_value(c) : -1;
}

GdbParseEvent gdb_parser_feed(GdbPacketParser *p, uint8_t c)
{
    int v;

    switch (p->state) {
    case ST_IDLE:
        switch (c) {
        case '$':
            p->state = ST_DATA;
            p->len = 0;
            p->sum = 0;
            return GDB_EV_NONE;
        case 0x03:
            return GDB_EV_INTERRUPT;
        case '+':
            return GDB_EV_ACK;
        case '-':
            return GDB_EV_NAK;
        default:
            return GDB_EV_NONE;    /* line noise between packets */
        }
    case ST_DATA:
        if (c == '#') {
            p->state = ST_CSUM1;
            return GDB_EV_NONE;
        }
        if (c == '$') {
            /* A new start: the previous packet was cut short. */
            p->len = 0;
            p->sum = 0;
            return GDB_EV_NONE;
        }
        if (p->len >= p->max) {
            p->state = ST_SKIP;
            p->skipping = true;
            return GDB_EV_TOO_LONG;
        }
        p->buf[p->len++] = c;
        p->sum += c;
        return GDB_EV_NONE;
    case ST_SKIP:
        /* Drop the rest of an oversized packet and its checksum. */
        if (c == '#') {
            p->state = ST_CSUM1;
        }
        return GDB_EV_NONE;
    case ST_CSUM1:
        v = hexval(c);
        p->bad_digit = v < 0;
        p->csum_hi = v < 0 ? 0 : v;
        p->state = ST_CSUM2;
        return GDB_EV_NONE;
    case ST_CSUM2:
        p->state = ST_IDLE;
        v = hexval(c);
        if (p->skipping) {
            /* Already reported as GDB_EV_TOO_LONG. */
            p->skipping = false;
            p->len = 0;
            p->buf[0] = 0;
            return GDB_EV_NONE;
        }
        p->buf[p->len] = 0;
        if (p->bad_digit || v < 0 ||
            (uint8_t)(p->csum_hi << 4 | v) != p->sum) {
            return GDB_EV_BAD_CHECKSUM;
        }
        return GDB_EV_PACKET;
    }
    p->state = ST_IDLE;
    return GDB_EV_NONE;
}

uint8_t gdb_checksum(const uint8_t *buf, size_t len)
{
    uint8_t sum = 0;

    for (size_t i = 0; i < len; i++) {
        sum += buf[i];
    }
    return sum;
}

/*
 * A run of n + 1 equal characters is sent as "c*" followed by the
 * character n + 29. n stays within 3..97 (printable), and counts that
 * would give '#' or '$' (n = 6, 7) are avoided by sending a shorter run.
 */
void gdb_packet_encode(GString *out, const uint8_t *payload, size_t len,
                       bool rle)
{
    size_t start = out->len;

    g_string_append_c(out, '$');
    for (size_t i = 0; i < len;) {
        uint8_t c = payload[i];
        size_t run = 1;

        while (rle && i + run < len && payload[i + run] == c && run < 98) {
            run++;
        }
        g_string_append_c(out, c);
        if (run - 1 >= 3) {
            size_t n = run - 1;
            if (n == 6 || n == 7) {
                n = 5;
            }
            g_string_append_c(out, '*');
            g_string_append_c(out, n + 29);
            i += n + 1;
        } else {
            i++;
        }
    }
    g_string_append_printf(out, "#%02x",
                           gdb_checksum((uint8_t *)out->str + start + 1,
                                        out->len - start - 1));
}

bool gdb_rle_decode(const uint8_t *in, size_t len, GByteArray *out)
{
    for (size_t i = 0; i < len; i++) {
        if (in[i] == '*') {
            uint8_t prev;
            int n;
            if (!out->len || i + 1 >= len || in[i + 1] < 29 + 3 ||
                in[i + 1] > 126) {
                return false;
            }
            n = in[++i] - 29;
            /* A copy: appending may move out->data. */
            prev = out->data[out->len - 1];
            for (int k = 0; k < n; k++) {
                g_byte_array_append(out, &prev, 1);
            }
        } else {
            g_byte_array_append(out, &in[i], 1);
        }
    }
    return true;
}

void gdb_escape_binary(GString *out, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t c = buf[i];
        if (c == '#' || c == '$' || c == '}' || c == '*') {
            g_string_append_c(out, '}');
            c ^= 0x20;
        }
        g_string_append_c(out, c);
    }
}

ssize_t gdb_unescape_binary(uint8_t *buf, size_t len)
{
    size_t o = 0;

    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '}') {
            if (++i >= len) {
                return -1;
            }
            buf[o++] = buf[i] ^ 0x20;
        } else {
            buf[o++] = buf[i];
        }
    }
    return o;
}

void gdb_hex_encode(GString *out, const uint8_t *buf, size_t len)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < len; i++) {
        g_string_append_c(out, digits[buf[i] >> 4]);
        g_string_append_c(out, digits[buf[i] & 15]);
    }
}

bool gdb_hex_decode(const char *in, size_t in_len, uint8_t *buf, size_t len)
{
    if (in_len != 2 * len) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        int hi = hexval(in[2 * i]), lo = hexval(in[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return false;
        }
        buf[i] = hi << 4 | lo;
    }
    return true;
}

bool gdb_parse_hex(const char **p, uint64_t *val)
{
    const char *s = *p;
    uint64_t v = 0;
    int n = 0;

    while (hexval(*s) >= 0) {
        if (++n > 16) {
            return false;
        }
        v = v << 4 | hexval(*s++);
    }
    if (!n) {
        return false;
    }
    *val = v;
    *p = s;
    return true;
}
