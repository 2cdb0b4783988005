/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 8042 keyboard controller: self and interface tests, the command byte,
 * the output port, keyboard and mouse commands with their replies,
 * scan code translation, IRQ 1/12, and the reset pulse (0xfe) that
 * resets the whole machine.
 */
#include <glib.h>
#include <string.h>
#include "libqtest.h"

#define DATA 0x60
#define CMD 0x64

static void cmd(QTestState *s, uint8_t c)
{
    qtest_outb(s, CMD, c);
}

/* Reads the next byte, checking the status says one is there. */
static uint8_t next(QTestState *s, bool aux)
{
    uint8_t st = qtest_inb(s, CMD);

    g_assert_cmphex(st & 0x01, ==, 0x01);
    g_assert_cmphex(st & 0x20, ==, aux ? 0x20 : 0);
    return qtest_inb(s, DATA);
}

static void assert_empty(QTestState *s)
{
    g_assert_cmphex(qtest_inb(s, CMD) & 0x01, ==, 0);
}

static void test_controller(void)
{
    QTestState *s = qtest_init("");

    g_assert_cmphex(qtest_inb(s, CMD), ==, 0x18);
    cmd(s, 0x20);
    g_assert_cmphex(next(s, false), ==, 0x03);       /* command byte */
    assert_empty(s);
    cmd(s, 0xaa);
    g_assert_cmphex(next(s, false), ==, 0x55);
    g_assert_cmphex(qtest_inb(s, CMD) & 0x04, ==, 0x04);   /* SYS */
    cmd(s, 0xab);
    g_assert_cmphex(next(s, false), ==, 0x00);
    cmd(s, 0xa9);
    g_assert_cmphex(next(s, false), ==, 0x00);
    cmd(s, 0x60);
    qtest_outb(s, DATA, 0x45);
    cmd(s, 0x20);
    g_assert_cmphex(next(s, false), ==, 0x45);
    cmd(s, 0xad);                                    /* disable keyboard */
    cmd(s, 0xa7);                                    /* disable aux */
    cmd(s, 0x20);
    g_assert_cmphex(next(s, false), ==, 0x75);
    cmd(s, 0xae);
    cmd(s, 0xa8);
    cmd(s, 0x20);
    g_assert_cmphex(next(s, false), ==, 0x45);
    /* Output port: reset line high, A20 on; 0xdd/0xdf move A20. */
    cmd(s, 0xd0);
    g_assert_cmphex(next(s, false), ==, 0xcf);
    cmd(s, 0xdd);
    cmd(s, 0xd0);
    g_assert_cmphex(next(s, false) & 0x02, ==, 0);
    cmd(s, 0xd1);
    qtest_outb(s, DATA, 0xcf);
    cmd(s, 0xd0);
    g_assert_cmphex(next(s, false) & 0x02, ==, 0x02);
    /* Writing the output buffers by command. */
    cmd(s, 0xd2);
    qtest_outb(s, DATA, 0x1c);
    g_assert_cmphex(next(s, false), ==, 0x1c);
    cmd(s, 0xd3);
    qtest_outb(s, DATA, 0x2d);
    g_assert_cmphex(next(s, true), ==, 0x2d);
    qtest_quit(s);
}

static void test_keyboard(void)
{
    QTestState *s = qtest_init("");

    qtest_outb(s, DATA, 0xff);                       /* reset */
    g_assert_cmphex(next(s, false), ==, 0xfa);
    g_assert_cmphex(next(s, false), ==, 0xaa);
    assert_empty(s);
    qtest_outb(s, DATA, 0xee);                       /* echo */
    g_assert_cmphex(next(s, false), ==, 0xee);
    qtest_outb(s, DATA, 0xed);                       /* LEDs */
    g_assert_cmphex(next(s, false), ==, 0xfa);
    qtest_outb(s, DATA, 0x07);
    g_assert_cmphex(next(s, false), ==, 0xfa);
    qtest_outb(s, DATA, 0xf0);                       /* get scan set */
    g_assert_cmphex(next(s, false), ==, 0xfa);
    qtest_outb(s, DATA, 0x00);
    g_assert_cmphex(next(s, false), ==, 0xfa);
    g_assert_cmphex(next(s, false), ==, 0x02);
    qtest_outb(s, DATA, 0xf2);                       /* identify */
    g_assert_cmphex(next(s, false), ==, 0xfa);
    g_assert_cmphex(next(s, false), ==, 0xab);
    g_assert_cmphex(next(s, false), ==, 0x83);
    /* With translation on, the id's 0x83 reads as set 1's 0x41. */
    cmd(s, 0x60);
    qtest_outb(s, DATA, 0x47);
    qtest_outb(s, DATA, 0xf2);
    g_assert_cmphex(next(s, false), ==, 0xfa);
    g_assert_cmphex(next(s, false), ==, 0xab);
    g_assert_cmphex(next(s, false), ==, 0x41);
    qtest_outb(s, DATA, 0x01);                       /* unknown */
    g_assert_cmphex(next(s, false), ==, 0xfe);
    qtest_quit(s);
}

static void test_mouse(void)
{
    QTestState *s = qtest_init("");

    cmd(s, 0xd4);
    qtest_outb(s, DATA, 0xff);
    g_assert_cmphex(next(s, true), ==, 0xfa);
    g_assert_cmphex(next(s, true), ==, 0xaa);
    g_assert_cmphex(next(s, true), ==, 0x00);
    cmd(s, 0xd4);
    qtest_outb(s, DATA, 0xf2);
    g_assert_cmphex(next(s, true), ==, 0xfa);
    g_assert_cmphex(next(s, true), ==, 0x00);
    cmd(s, 0xd4);
    qtest_outb(s, DATA, 0xf3);                       /* sample rate */
    g_assert_cmphex(next(s, true), ==, 0xfa);
    cmd(s, 0xd4);
    qtest_outb(s, DATA, 40);
    g_assert_cmphex(next(s, true), ==, 0xfa);
    cmd(s, 0xd4);
    qtest_outb(s, DATA, 0xe9);                       /* status */
    g_assert_cmphex(next(s, true), ==, 0xfa);
    g_assert_cmphex(next(s, true), ==, 0x00);
    g_assert_cmphex(next(s, true), ==, 0x02);
    g_assert_cmphex(next(s, true), ==, 40);
    qtest_quit(s);
}

static void test_irqs(void)
{
    QTestState *s = qtest_init("");

    qtest_irq_intercept_in(s, "/machine/ioapic");
    qtest_outb(s, DATA, 0xee);
    g_assert_true(qtest_get_irq(s, 1));
    g_assert_false(qtest_get_irq(s, 12));
    qtest_inb(s, DATA);
    g_assert_false(qtest_get_irq(s, 1));
    cmd(s, 0xd4);
    qtest_outb(s, DATA, 0xf2);
    g_assert_true(qtest_get_irq(s, 12));
    g_assert_false(qtest_get_irq(s, 1));
    qtest_inb(s, DATA);
    g_assert_true(qtest_get_irq(s, 12));             /* the id byte */
    qtest_inb(s, DATA);
    g_assert_false(qtest_get_irq(s, 12));
    /* Interrupts off in the command byte: data but no IRQ. */
    cmd(s, 0x60);
    qtest_outb(s, DATA, 0x44);
    qtest_outb(s, DATA, 0xee);
    g_assert_false(qtest_get_irq(s, 1));
    g_assert_cmphex(next(s, false), ==, 0xee);
    qtest_quit(s);
}

/* Polls (bounded) until the reset request has been acted on. */
static bool wait_for_ccb(QTestState *s, uint8_t want)
{
    for (int i = 0; i < 1000; i++) {
        uint8_t v;
        cmd(s, 0x20);
        v = qtest_inb(s, DATA);
        if (v == want) {
            return true;
        }
        qtest_clock_step(s, 1000);
    }
    return false;
}

static void check_reset(const char *how)
{
    QTestState *s = qtest_init("");

    /* Leave state behind that a machine reset puts back. */
    cmd(s, 0x60);
    qtest_outb(s, DATA, 0x47);
    qtest_outb(s, 0x70, 0x0b);
    qtest_outb(s, 0x71, 0x42);                       /* RTC PIE on */
    if (!strcmp(how, "pulse")) {
        cmd(s, 0xfe);
    } else {
        cmd(s, 0xd1);
        qtest_outb(s, DATA, 0xce);                   /* reset line low */
    }
    g_assert_true(wait_for_ccb(s, 0x03));
    qtest_outb(s, 0x70, 0x0b);
    g_assert_cmphex(qtest_inb(s, 0x71), ==, 0x02);   /* RTC reset too */
    qtest_quit(s);
}

static void test_reset_pulse(void)
{
    check_reset("pulse");
}

static void test_reset_outport(void)
{
    check_reset("outport");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/i8042/controller", test_controller);
    g_test_add_func("/i8042/keyboard", test_keyboard);
    g_test_add_func("/i8042/mouse", test_mouse);
    g_test_add_func("/i8042/irqs", test_irqs);
    g_test_add_func("/i8042/reset-pulse", test_reset_pulse);
    g_test_add_func("/i8042/reset-outport", test_reset_outport);
    return g_test_run();
}
