/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 8259A pair: initialisation words, IRR/ISR/IMR reads through OCW3,
 * poll-mode acknowledge, EOI, masking, special mask mode, rotation,
 * auto-EOI, the cascade and the ELCR. Interrupts come from the PIT
 * (IRQ 0, channel 0 in mode 0: OUT rises once) and the RTC (IRQ 8).
 */
#include <glib.h>
#include "libqtest.h"

#define MASTER 0x20
#define SLAVE  0xa0

static void pic_init(QTestState *s, uint8_t icw4)
{
    qtest_outb(s, MASTER, 0x11);        /* ICW1: edge, cascade, ICW4 */
    qtest_outb(s, MASTER + 1, 0x08);    /* ICW2: vectors 0x08-0x0f */
    qtest_outb(s, MASTER + 1, 0x04);    /* ICW3: slave on IR2 */
    qtest_outb(s, MASTER + 1, icw4);
    qtest_outb(s, SLAVE, 0x11);
    qtest_outb(s, SLAVE + 1, 0x70);
    qtest_outb(s, SLAVE + 1, 0x02);     /* ICW3: slave id 2 */
    qtest_outb(s, SLAVE + 1, icw4);
}

static uint8_t read_irr(QTestState *s, uint16_t base)
{
    qtest_outb(s, base, 0x0a);
    return qtest_inb(s, base);
}

static uint8_t read_isr(QTestState *s, uint16_t base)
{
    qtest_outb(s, base, 0x0b);
    return qtest_inb(s, base);
}

static uint8_t poll(QTestState *s, uint16_t base)
{
    qtest_outb(s, base, 0x0c);          /* OCW3 with P set */
    return qtest_inb(s, base);
}

/* PIT channel 0, mode 0: OUT (IRQ 0) rises after count clocks. */
static void pit_oneshot(QTestState *s, uint16_t count)
{
    qtest_outb(s, 0x43, 0x30);
    qtest_outb(s, 0x40, count & 0xff);
    qtest_outb(s, 0x40, count >> 8);
}

/* RTC periodic interrupt at 1024 Hz on IRQ 8. */
static void rtc_periodic(QTestState *s)
{
    qtest_outb(s, 0x70, 0x0a);
    qtest_outb(s, 0x71, 0x26);
    qtest_outb(s, 0x70, 0x0b);
    qtest_outb(s, 0x71, 0x42);          /* PIE, 24h */
}

static void test_irr_isr_eoi(void)
{
    QTestState *s = qtest_init("");

    pic_init(s, 0x01);
    qtest_outb(s, MASTER + 1, 0xfe);    /* only IRQ 0 */
    g_assert_cmphex(qtest_inb(s, MASTER + 1), ==, 0xfe);
    pit_oneshot(s, 100);
    g_assert_cmphex(read_irr(s, MASTER) & 1, ==, 0);
    qtest_clock_step(s, 1000000);
    g_assert_cmphex(read_irr(s, MASTER) & 1, ==, 1);
    g_assert_cmphex(read_isr(s, MASTER), ==, 0);

    /* Poll is an acknowledge: IRR moves to ISR. */
    g_assert_cmphex(poll(s, MASTER), ==, 0x80);
    g_assert_cmphex(read_irr(s, MASTER) & 1, ==, 0);
    g_assert_cmphex(read_isr(s, MASTER), ==, 0x01);
    /* Nothing else pending: a poll says so. */
    g_assert_cmphex(poll(s, MASTER), ==, 0x00);

    qtest_outb(s, MASTER, 0x20);        /* non-specific EOI */
    g_assert_cmphex(read_isr(s, MASTER), ==, 0);
    /* OUT stays high: no new edge, no new request. */
    qtest_clock_step(s, 1000000);
    g_assert_cmphex(read_irr(s, MASTER) & 1, ==, 0);
    qtest_quit(s);
}

static void test_mask(void)
{
    QTestState *s = qtest_init("");

    pic_init(s, 0x01);
    qtest_outb(s, MASTER + 1, 0xff);
    pit_oneshot(s, 100);
    qtest_clock_step(s, 1000000);
    /* Masked: requested but not offered. */
    g_assert_cmphex(read_irr(s, MASTER) & 1, ==, 1);
    g_assert_cmphex(poll(s, MASTER), ==, 0x00);
    qtest_outb(s, MASTER + 1, 0xfe);
    g_assert_cmphex(poll(s, MASTER), ==, 0x80);
    qtest_outb(s, MASTER, 0x60);        /* specific EOI, level 0 */
    g_assert_cmphex(read_isr(s, MASTER), ==, 0);
    qtest_quit(s);
}

static void test_auto_eoi(void)
{
    QTestState *s = qtest_init("");

    pic_init(s, 0x03);                  /* 8086 mode, auto-EOI */
    qtest_outb(s, MASTER + 1, 0xfe);
    pit_oneshot(s, 100);
    qtest_clock_step(s, 1000000);
    g_assert_cmphex(poll(s, MASTER), ==, 0x80);
    g_assert_cmphex(read_isr(s, MASTER), ==, 0);
    qtest_quit(s);
}

static void test_cascade_priority(void)
{
    QTestState *s = qtest_init("");

    pic_init(s, 0x01);
    qtest_outb(s, MASTER + 1, 0xfa);    /* IRQ 0 and the cascade */
    qtest_outb(s, SLAVE + 1, 0xfe);     /* IRQ 8 */
    rtc_periodic(s);
    pit_oneshot(s, 100);
    qtest_clock_step(s, 2000000);
    g_assert_cmphex(read_irr(s, SLAVE) & 1, ==, 1);
    g_assert_cmphex(read_irr(s, MASTER) & 5, ==, 5);

    /* Fully nested: IR0 beats IR2. */
    g_assert_cmphex(poll(s, MASTER), ==, 0x80);
    /* IR2 is lower than the in-service IR0: not offered. */
    g_assert_cmphex(poll(s, MASTER), ==, 0x00);

    /* Special mask mode: masking IR0 lets the lower IR2 through. */
    qtest_outb(s, MASTER, 0x68);
    qtest_outb(s, MASTER + 1, 0xfb);
    g_assert_cmphex(poll(s, MASTER), ==, 0x82);
    g_assert_cmphex(poll(s, SLAVE), ==, 0x80);
    g_assert_cmphex(read_isr(s, MASTER), ==, 0x05);
    g_assert_cmphex(read_isr(s, SLAVE), ==, 0x01);
    qtest_outb(s, MASTER, 0x48);        /* reset special mask */

    qtest_outb(s, SLAVE, 0x20);
    qtest_outb(s, MASTER, 0x62);        /* specific EOI IR2 */
    qtest_outb(s, MASTER, 0x60);        /* specific EOI IR0 */
    g_assert_cmphex(read_isr(s, MASTER), ==, 0);
    g_assert_cmphex(read_isr(s, SLAVE), ==, 0);
    qtest_quit(s);
}

static void test_rotation(void)
{
    QTestState *s = qtest_init("");

    pic_init(s, 0x01);
    qtest_outb(s, MASTER + 1, 0xfa);
    qtest_outb(s, SLAVE + 1, 0xfe);
    rtc_periodic(s);
    pit_oneshot(s, 100);
    qtest_clock_step(s, 2000000);
    g_assert_cmphex(read_irr(s, MASTER) & 5, ==, 5);
    /* Set priority: IR1 lowest, so IR2 is now the highest. */
    qtest_outb(s, MASTER, 0xc1);
    g_assert_cmphex(poll(s, MASTER), ==, 0x82);
    g_assert_cmphex(poll(s, SLAVE), ==, 0x80);
    /* Rotate on non-specific EOI: IR2 becomes lowest, IR3 highest,
     * and IR0 (rank 5 now) wins the next poll. */
    qtest_outb(s, SLAVE, 0x20);
    qtest_outb(s, MASTER, 0xa0);
    g_assert_cmphex(read_isr(s, MASTER), ==, 0);
    g_assert_cmphex(poll(s, MASTER), ==, 0x80);
    qtest_quit(s);
}

static void test_elcr(void)
{
    QTestState *s = qtest_init("");

    qtest_outb(s, 0x4d0, 0xff);
    qtest_outb(s, 0x4d1, 0xff);
    /* IRQ 0, 1, 2, 8 and 13 are edge-only on a PC. */
    g_assert_cmphex(qtest_inb(s, 0x4d0), ==, 0xf8);
    g_assert_cmphex(qtest_inb(s, 0x4d1), ==, 0xde);
    qtest_outb(s, 0x4d0, 0x20);
    g_assert_cmphex(qtest_inb(s, 0x4d0), ==, 0x20);
    qtest_quit(s);
}

static void test_intercept_in(void)
{
    QTestState *s = qtest_init("");

    qtest_irq_intercept_in(s, "/machine/pic-master");
    pit_oneshot(s, 1000);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_clock_step(s, 500000);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_clock_step(s, 500000);
    g_assert_true(qtest_get_irq(s, 0));
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/i8259/irr-isr-eoi", test_irr_isr_eoi);
    g_test_add_func("/i8259/mask", test_mask);
    g_test_add_func("/i8259/auto-eoi", test_auto_eoi);
    g_test_add_func("/i8259/cascade-priority", test_cascade_priority);
    g_test_add_func("/i8259/rotation", test_rotation);
    g_test_add_func("/i8259/elcr", test_elcr);
    g_test_add_func("/i8259/intercept-in", test_intercept_in);
    return g_test_run();
}
