/* SPDX-License-Identifier: GPL-2.0-or-later */
/* State descriptions: save/load round trip and stream checks. */
#include "util/osdep.h"
#include "migration/statedesc.h"

typedef struct Chan {
    uint16_t count;
    bool armed;
} Chan;

typedef struct Dev {
    uint8_t a;
    uint16_t b;
    uint32_t c;
    uint64_t d;
    int32_t e;
    bool f;
    uint8_t fifo[5];
    uint32_t regs[3];
    Chan ch[2];
    void *host_only;    /* not state */
    int loaded;
} Dev;

static const StateField chan_fields[] = {
    STATE_UINT16(count, Chan),
    STATE_BOOL(armed, Chan),
    STATE_END
};
static const StateDesc chan_desc = { .name = "chan", .version = 1,
                                     .fields = chan_fields };

static int dev_post_load(void *opaque, int version)
{
    ((Dev *)opaque)->loaded = version;
    return 0;
}

static const StateField dev_fields[] = {
    STATE_UINT8(a, Dev), STATE_UINT16(b, Dev), STATE_UINT32(c, Dev),
    STATE_UINT64(d, Dev), STATE_INT32(e, Dev), STATE_BOOL(f, Dev),
    STATE_UINT8_ARRAY(fifo, Dev, 5), STATE_UINT32_ARRAY(regs, Dev, 3),
    STATE_STRUCT_ARRAY(ch, Dev, 2, Chan, &chan_desc),
    STATE_END
};
static const StateDesc dev_desc = { .name = "dev", .version = 3,
                                    .fields = dev_fields,
                                    .post_load = dev_post_load };

static void test_round_trip(void)
{
    Dev s = { .a = 1, .b = 0x2233, .c = 0x44556677, .d = 0x8899aabbccddeeffULL,
              .e = -2, .f = true, .fifo = { 9, 8, 7, 6, 5 },
              .regs = { 1, 2, 3 }, .ch = { { 100, true }, { 200, false } },
              .host_only = &s };
    Dev t = { .host_only = NULL };
    GByteArray *b = state_save(&dev_desc, &s);

    /* 1+3 name, 4 version, 1+2+4+8+4+1+5+12 + 2*(2+1) */
    g_assert_cmpuint(b->len, ==, 4 + 4 + 37 + 6);
    g_assert_true(state_load(&dev_desc, &t, b->data, b->len, &error_abort));
    g_assert_cmpint(t.a, ==, 1);
    g_assert_cmpint(t.b, ==, 0x2233);
    g_assert_cmpuint(t.c, ==, 0x44556677);
    g_assert_cmpuint(t.d, ==, 0x8899aabbccddeeffULL);
    g_assert_cmpint(t.e, ==, -2);
    g_assert_true(t.f);
    g_assert_cmpmem(t.fifo, 5, s.fifo, 5);
    g_assert_cmpmem(t.regs, sizeof(t.regs), s.regs, sizeof(s.regs));
    g_assert_cmpint(t.ch[1].count, ==, 200);
    g_assert_true(t.ch[0].armed);
    g_assert_null(t.host_only);
    g_assert_cmpint(t.loaded, ==, 3);
    g_byte_array_free(b, TRUE);
}

static void test_bad_streams(void)
{
    Dev s = { .a = 1 }, t;
    GByteArray *b = state_save(&dev_desc, &s);
    StateDesc other = dev_desc;
    Error *err = NULL;

    g_assert_false(state_load(&dev_desc, &t, b->data, b->len - 1, &err));
    g_assert_nonnull(err);
    error_free(err);
    err = NULL;
    other.version = 4;
    g_assert_false(state_load(&other, &t, b->data, b->len, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "State 'dev' has version 3, expected 4");
    error_free(err);
    err = NULL;
    other = chan_desc;
    g_assert_false(state_load(&other, &t, b->data, b->len, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "State is for 'dev', expected 'chan'");
    error_free(err);
    g_byte_array_free(b, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/statedesc/round-trip", test_round_trip);
    g_test_add_func("/statedesc/bad-streams", test_bad_streams);
    return g_test_run();
}
