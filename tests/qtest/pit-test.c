/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 8254 PIT: counting on the virtual clock (1193182 Hz), latch and
 * read-back commands, access modes, BCD, GATE, channel 2 through port
 * 0x61 (gate, OUT, refresh toggle) and IRQ 0 seen by the interrupt
 * controllers through irq_intercept_in.
 */
#include <glib.h>
#include "libqtest.h"

#define PIT_HZ 1193182

/* Counter clocks after ns of virtual time (the first loads the count). */
static int ticks(int64_t ns)
{
    return (int)(ns * PIT_HZ / 1000000000LL);
}

static uint16_t read_word(QTestState *s, int ch)
{
    uint8_t lo = qtest_inb(s, 0x40 + ch);
    return lo | (qtest_inb(s, 0x40 + ch) << 8);
}

static uint16_t latch_read(QTestState *s, int ch)
{
    qtest_outb(s, 0x43, ch << 6);       /* counter latch command */
    return read_word(s, ch);
}

static void assert_near(int got, int want)
{
    g_assert_cmpint(got, >=, want - 1);
    g_assert_cmpint(got, <=, want + 1);
}

static void test_mode2_count(void)
{
    QTestState *s = qtest_init("");

    qtest_outb(s, 0x43, 0x34);          /* ch0, word, mode 2 */
    qtest_outb(s, 0x40, 1000 & 0xff);
    qtest_outb(s, 0x40, 1000 >> 8);
    qtest_clock_step(s, 100000);
    assert_near(latch_read(s, 0), 1000 - (ticks(100000) - 1));
    /* Rate generator: the count reloads every 1000 clocks. */
    qtest_clock_step(s, 1000000);
    assert_near(latch_read(s, 0), 1000 - (ticks(1100000) - 1) % 1000);
    qtest_quit(s);
}

static void test_latch_holds(void)
{
    QTestState *s = qtest_init("");

    qtest_outb(s, 0x43, 0x30);          /* ch0, word, mode 0 */
    qtest_outb(s, 0x40, 0x00);
    qtest_outb(s, 0x40, 0x80);          /* 0x8000 */
    qtest_clock_step(s, 10000);
    qtest_outb(s, 0x43, 0x00);
    qtest_clock_step(s, 5000000);
    /* A second latch before reading is ignored. */
    qtest_outb(s, 0x43, 0x00);
    assert_near(read_word(s, 0), 0x8000 - (ticks(10000) - 1));
    /* Unlatched reads follow the counter again. */
    assert_near(read_word(s, 0), 0x8000 - (ticks(5010000) - 1));
    qtest_quit(s);
}

static void test_readback_status(void)
{
    QTestState *s = qtest_init("");

    qtest_outb(s, 0x43, 0x34);
    /* Read-back of ch0's status: OUT high, null count, RW=3, mode 2. */
    qtest_outb(s, 0x43, 0xe2);
    g_assert_cmphex(qtest_inb(s, 0x40), ==, 0xf4);
    qtest_outb(s, 0x40, 0x10);
    qtest_outb(s, 0x40, 0x00);
    qtest_clock_step(s, 10000);
    /* Count loaded: null count clear. Status and count together: the
     * status byte comes first. */
    qtest_outb(s, 0x43, 0xc2);
    g_assert_cmphex(qtest_inb(s, 0x40) & 0x7f, ==, 0x34);
    uint16_t v = read_word(s, 0);
    g_assert_cmpint(v, >=, 1);
    g_assert_cmpint(v, <=, 0x10);
    qtest_quit(s);
}

static void test_access_modes_bcd(void)
{
    QTestState *s = qtest_init("");

    /* LSB only: one byte per access. */
    qtest_outb(s, 0x43, 0x10);          /* ch0, LSB, mode 0 */
    qtest_outb(s, 0x40, 200);
    qtest_clock_step(s, 50000);
    assert_near(qtest_inb(s, 0x40), 200 - (ticks(50000) - 1));
    /* MSB only. */
    qtest_outb(s, 0x43, 0x20);          /* ch0, MSB, mode 0 */
    qtest_outb(s, 0x40, 0x40);          /* 0x4000 */
    qtest_clock_step(s, 10000);
    g_assert_cmphex(qtest_inb(s, 0x40), ==, 0x3f);
    /* BCD: 1000 decimal written as 0x1000, read back in BCD. */
    qtest_outb(s, 0x43, 0x31);          /* ch0, word, mode 0, BCD */
    qtest_outb(s, 0x40, 0x00);
    qtest_outb(s, 0x40, 0x10);
    qtest_clock_step(s, 100000);
    uint16_t bcd = latch_read(s, 0);
    int dec = (bcd >> 12) * 1000 + ((bcd >> 8) & 0xf) * 100 +
              ((bcd >> 4) & 0xf) * 10 + (bcd & 0xf);
    for (int i = 0; i < 4; i++) {
        g_assert_cmpint((bcd >> (4 * i)) & 0xf, <=, 9);
    }
    assert_near(dec, 1000 - (ticks(100000) - 1));
    qtest_quit(s);
}

static void test_port61_channel2(void)
{
    QTestState *s = qtest_init("");

    /* Gate on, speaker off: what Linux's TSC calibration does. */
    qtest_outb(s, 0x61, (qtest_inb(s, 0x61) & ~0x02) | 0x01);
    g_assert_cmphex(qtest_inb(s, 0x61) & 0x03, ==, 0x01);
    qtest_outb(s, 0x43, 0xb0);          /* ch2, word, mode 0 */
    qtest_outb(s, 0x42, 1000 & 0xff);
    qtest_outb(s, 0x42, 1000 >> 8);
    g_assert_cmphex(qtest_inb(s, 0x61) & 0x20, ==, 0);
    qtest_clock_step(s, 500000);
    g_assert_cmphex(qtest_inb(s, 0x61) & 0x20, ==, 0);
    qtest_clock_step(s, 500000);
    g_assert_cmphex(qtest_inb(s, 0x61) & 0x20, ==, 0x20);

    /* GATE low holds a mode 0 count. */
    qtest_outb(s, 0x43, 0xb0);
    qtest_outb(s, 0x42, 0x00);
    qtest_outb(s, 0x42, 0x10);          /* 0x1000 */
    qtest_clock_step(s, 100000);
    qtest_outb(s, 0x61, 0x00);
    uint16_t held = latch_read(s, 2);
    qtest_clock_step(s, 1000000);
    g_assert_cmpint(latch_read(s, 2), ==, held);
    qtest_outb(s, 0x61, 0x01);
    qtest_clock_step(s, 100000);
    assert_near(latch_read(s, 2), held - ticks(100000));
    qtest_quit(s);
}

static void test_refresh_toggle(void)
{
    QTestState *s = qtest_init("");
    uint8_t a = qtest_inb(s, 0x61) & 0x10;

    /* Frozen virtual time: no toggle. */
    g_assert_cmphex(qtest_inb(s, 0x61) & 0x10, ==, a);
    qtest_clock_step(s, 15085);
    g_assert_cmphex(qtest_inb(s, 0x61) & 0x10, !=, a);
    qtest_clock_step(s, 15085);
    g_assert_cmphex(qtest_inb(s, 0x61) & 0x10, ==, a);
    qtest_quit(s);
}

static void test_irq0_pic(void)
{
    QTestState *s = qtest_init("");

    qtest_irq_intercept_in(s, "/machine/pic-master");
    /* Mode 3 square wave, 2000 clocks: OUT high 1000, low 1000. */
    qtest_outb(s, 0x43, 0x36);
    qtest_outb(s, 0x40, 2000 & 0xff);
    qtest_outb(s, 0x40, 2000 >> 8);
    qtest_clock_step(s, 100000);
    g_assert_true(qtest_get_irq(s, 0));
    qtest_clock_step(s, 1000000);       /* ~1312 clocks: low half */
    g_assert_false(qtest_get_irq(s, 0));
    qtest_clock_step(s, 1000000);       /* ~2505 clocks: high again */
    g_assert_true(qtest_get_irq(s, 0));
    qtest_quit(s);
}

static void test_irq0_ioapic(void)
{
    QTestState *s = qtest_init("");

    qtest_irq_intercept_in(s, "/machine/ioapic");
    qtest_outb(s, 0x43, 0x30);          /* mode 0 */
    qtest_outb(s, 0x40, 0xe8);
    qtest_outb(s, 0x40, 0x03);          /* 1000 */
    qtest_clock_step(s, 800000);
    g_assert_false(qtest_get_irq(s, 2));
    qtest_clock_step(s, 100000);
    g_assert_true(qtest_get_irq(s, 2));
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pit/mode2-count", test_mode2_count);
    g_test_add_func("/pit/latch", test_latch_holds);
    g_test_add_func("/pit/readback-status", test_readback_status);
    g_test_add_func("/pit/access-modes-bcd", test_access_modes_bcd);
    g_test_add_func("/pit/port61-channel2", test_port61_channel2);
    g_test_add_func("/pit/refresh-toggle", test_refresh_toggle);
    g_test_add_func("/pit/irq0-pic", test_irq0_pic);
    g_test_add_func("/pit/irq0-ioapic", test_irq0_ioapic);
    return g_test_run();
}
