/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qtest protocol itself: memory round trips through every access
 * form, the manual virtual clock, and malformed requests, which must get
 * FAIL without breaking the session.
 */
#include "libqtest.h"
#include <glib.h>
#include <string.h>

#define RAM_ADDR 0x100000   /* 1 MiB: plain RAM on pc */

static void test_scalar_rw(void)
{
    QTestState *s = qtest_init(NULL);

    qtest_writeb(s, RAM_ADDR, 0x5a);
    g_assert_cmphex(qtest_readb(s, RAM_ADDR), ==, 0x5a);
    qtest_writew(s, RAM_ADDR + 2, 0xbeef);
    g_assert_cmphex(qtest_readw(s, RAM_ADDR + 2), ==, 0xbeef);
    qtest_writel(s, RAM_ADDR + 4, 0xdeadbeef);
    g_assert_cmphex(qtest_readl(s, RAM_ADDR + 4), ==, 0xdeadbeef);
    qtest_writeq(s, RAM_ADDR + 8, 0x0123456789abcdefULL);
    g_assert_cmphex(qtest_readq(s, RAM_ADDR + 8), ==, 0x0123456789abcdefULL);
    /* Little endian: the low byte of the quad comes first. */
    g_assert_cmphex(qtest_readb(s, RAM_ADDR + 8), ==, 0xef);
    g_assert_cmphex(qtest_readw(s, RAM_ADDR + 4), ==, 0xbeef);
    qtest_quit(s);
}

static void test_buffers(void)
{
    QTestState *s = qtest_init(NULL);
    uint8_t out[300], in[300];

    for (size_t i = 0; i < sizeof(out); i++) {
        out[i] = i * 7 + 3;
    }
    qtest_memwrite(s, RAM_ADDR, out, sizeof(out));
    memset(in, 0, sizeof(in));
    qtest_memread(s, RAM_ADDR, in, sizeof(in));
    g_assert_cmpmem(in, sizeof(in), out, sizeof(out));
    memset(in, 0, sizeof(in));
    qtest_bufread(s, RAM_ADDR, in, sizeof(in));
    g_assert_cmpmem(in, sizeof(in), out, sizeof(out));

    for (size_t i = 0; i < sizeof(out); i++) {
        out[i] = 0xff - i;
    }
    qtest_bufwrite(s, RAM_ADDR + 0x1000, out, sizeof(out));
    qtest_memread(s, RAM_ADDR + 0x1000, in, sizeof(in));
    g_assert_cmpmem(in, sizeof(in), out, sizeof(out));

    qtest_memset(s, RAM_ADDR + 0x2000, 0xa5, 64);
    qtest_memread(s, RAM_ADDR + 0x2000, in, 64);
    for (int i = 0; i < 64; i++) {
        g_assert_cmphex(in[i], ==, 0xa5);
    }
    /* A partial write leaves the neighbours alone. */
    g_assert_cmphex(qtest_readb(s, RAM_ADDR + 0x2000 + 64), ==, 0);
    qtest_quit(s);
}

static void test_clock(void)
{
    QTestState *s = qtest_init(NULL);
    int64_t t0 = qtest_clock_step(s, 1);
    int64_t t1 = qtest_clock_step(s, 1000);

    g_assert_cmpint(t1, ==, t0 + 1000);
    g_assert_cmpint(qtest_clock_set(s, t1 + 123456), ==, t1 + 123456);
    /* The clock never runs on its own under qtest. */
    g_assert_cmpint(qtest_clock_step(s, 1), ==, t1 + 123457);
    /* Setting the past does not move it backwards. */
    g_assert_cmpint(qtest_clock_set(s, 5), ==, t1 + 123457);
    /* Step without amount: to the next timer, never backwards. */
    g_assert_cmpint(qtest_clock_step(s, 0), >=, t1 + 123457);
    qtest_quit(s);
}

static void expect_fail(QTestState *s, const char *line)
{
    char *reply = qtest_raw(s, line);

    if (!g_str_has_prefix(reply, "FAIL")) {
        g_error("'%s' answered '%s', expected FAIL", line, reply);
    }
    g_free(reply);
}

static void test_malformed(void)
{
    QTestState *s = qtest_init(NULL);
    char *reply;

    expect_fail(s, "frobnicate 1 2");
    expect_fail(s, "outb");
    expect_fail(s, "outb 0x80");
    expect_fail(s, "outb zz 1");
    expect_fail(s, "inb 0x80 0x80");
    expect_fail(s, "inb 0x10000");
    expect_fail(s, "readb");
    expect_fail(s, "readl 12xyz");
    expect_fail(s, "writeq 0x100000");
    expect_fail(s, "read 0x100000");
    expect_fail(s, "write 0x100000 4 nothex");
    expect_fail(s, "write 0x100000 2 0xzz11");
    expect_fail(s, "memset 0x100000 4");
    expect_fail(s, "clock_set");
    expect_fail(s, "clock_step banana");
    expect_fail(s, "irq_intercept_in /machine/no-such-device");
    expect_fail(s, "irq_intercept_out");
    expect_fail(s, "");

    reply = qtest_raw(s, "endianness");
    g_assert_cmpstr(reply, ==, "OK little");
    g_free(reply);

    /* Extra blanks between words are tolerated. */
    reply = qtest_raw(s, "writeb  0x100000   0x42");
    g_assert_cmpstr(reply, ==, "OK");
    g_free(reply);
    /* And the session still works after all those failures. */
    g_assert_cmphex(qtest_readb(s, RAM_ADDR), ==, 0x42);
    g_assert_true(qtest_alive(s));
    qtest_quit(s);
}

static void test_hex_read_format(void)
{
    QTestState *s = qtest_init(NULL);
    char *reply;

    qtest_writel(s, RAM_ADDR, 0x04030201);
    reply = qtest_raw(s, "read 0x100000 0x4");
    g_assert_cmpstr(reply, ==, "OK 0x01020304");
    g_free(reply);
    reply = qtest_raw(s, "b64read 0x100000 0x3");
    g_assert_cmpstr(reply, ==, "OK AQID");
    g_free(reply);
    reply = qtest_raw(s, "write 0x100000 0x2 0xaabb");
    g_assert_cmpstr(reply, ==, "OK");
    g_free(reply);
    g_assert_cmphex(qtest_readl(s, RAM_ADDR), ==, 0x0403bbaa);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qtest-proto/scalar-rw", test_scalar_rw);
    g_test_add_func("/qtest-proto/buffers", test_buffers);
    g_test_add_func("/qtest-proto/clock", test_clock);
    g_test_add_func("/qtest-proto/malformed", test_malformed);
    g_test_add_func("/qtest-proto/hex-read-format", test_hex_read_format);
    return g_test_run();
}
