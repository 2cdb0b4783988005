/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The gdbstub's packet framing: parser, checksums, escapes, RLE, bounds. */
#include "gdbstub/packet.h"

static GdbParseEvent feed_str(GdbPacketParser *p, const char *s, size_t len)
{
    GdbParseEvent last = GDB_EV_NONE;

    for (size_t i = 0; i < len; i++) {
        GdbParseEvent ev = gdb_parser_feed(p, (uint8_t)s[i]);
        if (ev != GDB_EV_NONE) {
            last = ev;
        }
    }
    return last;
}

static void test_good_packet(void)
{
    GdbPacketParser p;

    gdb_parser_init(&p);
    /* 'g' = 0x67 */
    g_assert_cmpint(feed_str(&p, "$g#67", 5), ==, GDB_EV_PACKET);
    g_assert_cmpstr((char *)p.buf, ==, "g");
    g_assert_cmpuint(p.len, ==, 1);
    /* Upper-case checksum digits are accepted too. */
    g_assert_cmpint(feed_str(&p, "$qC#B4", 6), ==, GDB_EV_PACKET);
    g_assert_cmpstr((char *)p.buf, ==, "qC");
    /* Empty packet. */
    g_assert_cmpint(feed_str(&p, "$#00", 4), ==, GDB_EV_PACKET);
    g_assert_cmpuint(p.len, ==, 0);
}

static void test_bad_checksum(void)
{
    GdbPacketParser p;

    gdb_parser_init(&p);
    g_assert_cmpint(feed_str(&p, "$g#68", 5), ==, GDB_EV_BAD_CHECKSUM);
    g_assert_cmpint(feed_str(&p, "$g#zz", 5), ==, GDB_EV_BAD_CHECKSUM);
    g_assert_cmpint(feed_str(&p, "$g#6", 4), ==, GDB_EV_NONE);
    g_assert_cmpint(feed_str(&p, "x", 1), ==, GDB_EV_BAD_CHECKSUM);
    /* And the parser recovers. */
    g_assert_cmpint(feed_str(&p, "$g#67", 5), ==, GDB_EV_PACKET);
}

static void test_control_bytes(void)
{
    GdbPacketParser p;

    gdb_parser_init(&p);
    g_assert_cmpint(gdb_parser_feed(&p, '+'), ==, GDB_EV_ACK);
    g_assert_cmpint(gdb_parser_feed(&p, '-'), ==, GDB_EV_NAK);
    g_assert_cmpint(gdb_parser_feed(&p, 0x03), ==, GDB_EV_INTERRUPT);
    g_assert_cmpint(gdb_parser_feed(&p, 'x'), ==, GDB_EV_NONE);
    /* Inside a packet, 0x03 and '+' are data. */
    g_assert_cmpint(feed_str(&p, "$\x03+#2e", 6), ==, GDB_EV_PACKET);
    g_assert_cmpuint(p.len, ==, 2);
    /* A '$' inside a packet starts over. */
    g_assert_cmpint(feed_str(&p, "$abc$g#67", 9), ==, GDB_EV_PACKET);
    g_assert_cmpstr((char *)p.buf, ==, "g");
}

static void test_too_long(void)
{
    GdbPacketParser p;
    GString *big = g_string_new("$");
    GdbParseEvent ev;
    int too_long = 0;

    for (int i = 0; i < GDB_MAX_PACKET * 3; i++) {
        g_string_append_c(big, 'a');
    }
    g_string_append(big, "#00");
    gdb_parser_init(&p);
    for (size_t i = 0; i < big->len; i++) {
        ev = gdb_parser_feed(&p, big->str[i]);
        g_assert_cmpint(ev, !=, GDB_EV_PACKET);
        g_assert_cmpint(ev, !=, GDB_EV_BAD_CHECKSUM);
        too_long += ev == GDB_EV_TOO_LONG;
        g_assert_cmpuint(p.len, <=, GDB_MAX_PACKET);
    }
    g_assert_cmpint(too_long, ==, 1);
    /* Exactly the bound is still a packet. */
    g_string_assign(big, "");
    for (int i = 0; i < GDB_MAX_PACKET; i++) {
        g_string_append_c(big, 'a');
    }
    {
        GString *pk = g_string_new(NULL);
        gdb_packet_encode(pk, (uint8_t *)big->str, big->len, false);
        g_assert_cmpint(feed_str(&p, pk->str, pk->len), ==, GDB_EV_PACKET);
        g_assert_cmpuint(p.len, ==, GDB_MAX_PACKET);
        g_string_free(pk, true);
    }
    g_string_free(big, true);
}

static void test_encode(void)
{
    GString *out = g_string_new(NULL);

    gdb_packet_encode(out, (const uint8_t *)"OK", 2, false);
    g_assert_cmpstr(out->str, ==, "$OK#9a");
    g_string_truncate(out, 0);
    gdb_packet_encode(out, (const uint8_t *)"", 0, true);
    g_assert_cmpstr(out->str, ==, "$#00");
    g_string_free(out, true);
}

/* Round trip through the encoder (with RLE) and the decoder. */
static void check_rle(const char *payload)
{
    GString *out = g_string_new(NULL);
    GByteArray *dec = g_byte_array_new();
    size_t len = strlen(payload);
    const char *body, *hash;

    gdb_packet_encode(out, (const uint8_t *)payload, len, true);
    body = out->str + 1;
    hash = strrchr(out->str, '#');
    g_assert_nonnull(hash);
    /* Never '#' or '$' as a count, everything printable. */
    for (const char *c = body; c < hash; c++) {
        g_assert_cmpint(*c, !=, '#');
        g_assert_cmpint(*c, !=, '$');
        g_assert_true(*c >= 32 && *c <= 126);
    }
    g_assert_cmpuint(strtoul(hash + 1, NULL, 16), ==,
                     gdb_checksum((const uint8_t *)body, hash - body));
    g_assert_true(gdb_rle_decode((const uint8_t *)body, hash - body, dec));
    g_assert_cmpuint(dec->len, ==, len);
    g_assert_cmpmem(dec->data, dec->len, payload, len);
    g_byte_array_free(dec, true);
    g_string_free(out, true);
}

static void test_rle(void)
{
    GString *out = g_string_new(NULL);
    char buf[400];

    gdb_packet_encode(out, (const uint8_t *)"00000000", 8, true);
    /* '0' then 7 repeats would be '$': a shorter run is sent. */
    g_assert_cmpstr(out->str, !=, "$00000000#80");
    g_assert_null(strchr(out->str + 1, '$'));
    g_string_free(out, true);
    for (int n = 1; n < 300; n++) {
        memset(buf, '0', n);
        buf[n] = 0;
        check_rle(buf);
    }
    check_rle("0102030000000000ffffffffffffffff1");
    check_rle("abcabc");
}

static void test_escape(void)
{
    const uint8_t raw[] = { '#', '$', '}', '*', 0, 0xff, 'a' };
    GString *out = g_string_new(NULL);
    uint8_t buf[32];
    ssize_t n;

    gdb_escape_binary(out, raw, sizeof(raw));
    g_assert_cmpuint(out->len, ==, sizeof(raw) + 4);
    g_assert_null(memchr(out->str, '#', out->len));
    g_assert_null(memchr(out->str, '$', out->len));
    memcpy(buf, out->str, out->len);
    n = gdb_unescape_binary(buf, out->len);
    g_assert_cmpint(n, ==, sizeof(raw));
    g_assert_cmpmem(buf, n, raw, sizeof(raw));
    /* A trailing escape is malformed. */
    memcpy(buf, "ab}", 3);
    g_assert_cmpint(gdb_unescape_binary(buf, 3), ==, -1);
    g_string_free(out, true);
}

static void test_hex(void)
{
    GString *out = g_string_new(NULL);
    uint8_t buf[4];
    const char *p;
    uint64_t v;

    gdb_hex_encode(out, (const uint8_t *)"\x01\xab\xff", 3);
    g_assert_cmpstr(out->str, ==, "01abff");
    g_assert_true(gdb_hex_decode("01ABff", 6, buf, 3));
    g_assert_cmpmem(buf, 3, "\x01\xab\xff", 3);
    g_assert_false(gdb_hex_decode("01a", 3, buf, 2));
    g_assert_false(gdb_hex_decode("0g", 2, buf, 1));
    p = "1f,";
    g_assert_true(gdb_parse_hex(&p, &v));
    g_assert_cmpuint(v, ==, 0x1f);
    g_assert_cmpstr(p, ==, ",");
    p = "ffffffffffffffff";
    g_assert_true(gdb_parse_hex(&p, &v));
    g_assert_cmpuint(v, ==, UINT64_MAX);
    p = "10000000000000000";    /* 17 digits: overflow */
    g_assert_false(gdb_parse_hex(&p, &v));
    p = ",";
    g_assert_false(gdb_parse_hex(&p, &v));
    g_string_free(out, true);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/gdb-packet/good", test_good_packet);
    g_test_add_func("/gdb-packet/bad-checksum", test_bad_checksum);
    g_test_add_func("/gdb-packet/control", test_control_bytes);
    g_test_add_func("/gdb-packet/too-long", test_too_long);
    g_test_add_func("/gdb-packet/encode", test_encode);
    g_test_add_func("/gdb-packet/rle", test_rle);
    g_test_add_func("/gdb-packet/escape", test_escape);
    g_test_add_func("/gdb-packet/hex", test_hex);
    return g_test_run();
}
