/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GDB remote serial protocol framing ("Remote Protocol" appendix of the
 * GDB manual, "Overview"): $payload#cc with a two-digit hex checksum,
 * +/- acknowledgements, 0x03 for an interrupt, '}' escapes (byte ^ 0x20)
 * in binary data and run-length encoding (c*N) in replies.
 *
 * Pure byte handling, no I/O: the stub and the unit tests and fuzzer
 * share it.
 */
#ifndef KEMU_GDBSTUB_PACKET_H
#define KEMU_GDBSTUB_PACKET_H

#include "util/osdep.h"

/* Largest packet we take or send, payload only (qSupported PacketSize). */
#define GDB_MAX_PACKET 4096

typedef enum GdbParseEvent {
    GDB_EV_NONE,           /* byte consumed, nothing complete */
    GDB_EV_PACKET,         /* a packet with a good checksum: see payload */
    GDB_EV_BAD_CHECKSUM,   /* a complete packet that fails its checksum */
    GDB_EV_TOO_LONG,       /* payload over the bound (rest is skipped) */
    GDB_EV_INTERRUPT,      /* 0x03 outside a packet */
    GDB_EV_ACK,            /* '+' */
    GDB_EV_NAK,            /* '-' */
} GdbParseEvent;

typedef struct GdbPacketParser {
    int state;
    uint8_t sum;           /* running checksum of the payload */
    uint8_t csum_hi;
    bool bad_digit;        /* a checksum character is not hex */
    bool skipping;         /* dropping an oversized packet */
    size_t len;
    size_t max;            /* bound on len */
    uint8_t buf[GDB_MAX_PACKET + 1];   /* payload, NUL-terminated */
} GdbPacketParser;

void gdb_parser_init(GdbPacketParser *p);
/* Feed one byte. On GDB_EV_PACKET the payload is p->buf[0..p->len)
 * (NUL-terminated), valid until the next call. */
GdbParseEvent gdb_parser_feed(GdbPacketParser *p, uint8_t byte);

uint8_t gdb_checksum(const uint8_t *buf, size_t len);
/* Appends "$" payload "#cc" to out; rle: run-length encode runs (only
 * for payloads that have no '*' of their own, e.g. hex). */
void gdb_packet_encode(GString *out, const uint8_t *payload, size_t len,
                       bool rle);
/* Expands "c*N" runs (for clients and tests): false if malformed. */
bool gdb_rle_decode(const uint8_t *in, size_t len, GByteArray *out);

/* Binary data escapes: '#', '$', '}' and '*' are sent as '}' (c ^ 0x20). */
void gdb_escape_binary(GString *out, const uint8_t *buf, size_t len);
/* Decodes in place; returns the decoded length, or -1 on a trailing '}'. */
ssize_t gdb_unescape_binary(uint8_t *buf, size_t len);

/* Hex: two lower-case digits per byte. */
void gdb_hex_encode(GString *out, const uint8_t *buf, size_t len);
/* Exactly 2 * len hex digits from in: false on anything else. */
bool gdb_hex_decode(const char *in, size_t in_len, uint8_t *buf,
                    size_t len);
/* A hex number (1..16 digits) at *p; advances *p past it. */
bool gdb_parse_hex(const char **p, uint64_t *val);

#endif
