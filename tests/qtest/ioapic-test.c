/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IOAPIC: identification registers, redirection entries, edge and level
 * delivery to the LAPIC (seen in its IRR/TMR through the xAPIC page),
 * Remote IRR and the EOI register, masking, and pin interception. The
 * interrupt source is the PIT (ISA IRQ 0 = IOAPIC pin 2): channel 0 in
 * mode 0 raises OUT once and holds it, so it works as an edge or as a
 * held level.
 */
#include <glib.h>
#include "libqtest.h"

#define IOAPIC 0xfec00000ULL
#define LAPIC  0xfee00000ULL

static uint32_t ioapic_read(QTestState *s, uint8_t reg)
{
    qtest_writel(s, IOAPIC, reg);
    return qtest_readl(s, IOAPIC + 0x10);
}

static void ioapic_write(QTestState *s, uint8_t reg, uint32_t v)
{
    qtest_writel(s, IOAPIC, reg);
    qtest_writel(s, IOAPIC + 0x10, v);
}

static void set_entry(QTestState *s, int pin, uint64_t e)
{
    ioapic_write(s, 0x10 + 2 * pin + 1, e >> 32);
    ioapic_write(s, 0x10 + 2 * pin, (uint32_t)e);
}

static bool lapic_bit(QTestState *s, uint64_t base_off, int vector)
{
    uint32_t w = qtest_readl(s, LAPIC + base_off + (vector / 32) * 0x10);
    return w & (1u << (vector % 32));
}

#define IRR(v) lapic_bit(s, 0x200, (v))
#define TMR(v) lapic_bit(s, 0x180, (v))

static void lapic_enable(QTestState *s)
{
    qtest_writel(s, LAPIC + 0xf0, 0x1ff);      /* SVR: enabled */
}

/* PIT channel 0 mode 0: OUT low now, high after count clocks. */
static void pit_oneshot(QTestState *s, uint16_t count)
{
    qtest_outb(s, 0x43, 0x30);
    qtest_outb(s, 0x40, count & 0xff);
    qtest_outb(s, 0x40, count >> 8);
}

static void test_ident(void)
{
    QTestState *s = qtest_init("");

    /* Version 0x20, 24 entries (max redirection entry 23). */
    g_assert_cmphex(ioapic_read(s, 0x01), ==, 0x00170020);
    ioapic_write(s, 0x00, 0x05000000);
    g_assert_cmphex(ioapic_read(s, 0x00), ==, 0x05000000);
    /* Entries come out of reset masked. */
    for (int pin = 0; pin < 24; pin++) {
        g_assert_cmphex(ioapic_read(s, 0x10 + 2 * pin), ==, 0x00010000);
    }
    /* Delivery status and Remote IRR are read-only. */
    ioapic_write(s, 0x10, 0x0001f0ff);
    g_assert_cmphex(ioapic_read(s, 0x10), ==, 0x0001a0ff);
    ioapic_write(s, 0x11, 0xff000000);
    g_assert_cmphex(ioapic_read(s, 0x11), ==, 0xff000000);
    qtest_quit(s);
}

static void test_edge(void)
{
    QTestState *s = qtest_init("");

    lapic_enable(s);
    set_entry(s, 2, 0x40);      /* vector 0x40, fixed, edge, dest 0 */
    pit_oneshot(s, 100);
    g_assert_false(IRR(0x40));
    qtest_clock_step(s, 1000000);
    g_assert_true(IRR(0x40));
    g_assert_false(TMR(0x40));
    /* Edge entries never set Remote IRR. */
    g_assert_cmphex(ioapic_read(s, 0x14) & (1 << 14), ==, 0);
    qtest_quit(s);
}

static void test_masked(void)
{
    QTestState *s = qtest_init("");

    lapic_enable(s);
    set_entry(s, 2, 0x10042);   /* masked */
    pit_oneshot(s, 100);
    qtest_clock_step(s, 1000000);
    g_assert_false(IRR(0x42));
    qtest_quit(s);
}

static void test_level_remote_irr(void)
{
    QTestState *s = qtest_init("");

    lapic_enable(s);
    set_entry(s, 2, 0x8041);    /* vector 0x41, level */
    pit_oneshot(s, 100);
    qtest_clock_step(s, 1000000);
    g_assert_true(IRR(0x41));
    g_assert_true(TMR(0x41));
    g_assert_cmphex(ioapic_read(s, 0x14) & (1 << 14), !=, 0);

    /* EOI while the pin is still asserted: delivered again. */
    qtest_writel(s, IOAPIC + 0x40, 0x41);
    g_assert_cmphex(ioapic_read(s, 0x14) & (1 << 14), !=, 0);

    /* Deassert (a mode 0 control word drops OUT), then EOI: clear. */
    qtest_outb(s, 0x43, 0x30);
    qtest_writel(s, IOAPIC + 0x40, 0x41);
    g_assert_cmphex(ioapic_read(s, 0x14) & (1 << 14), ==, 0);
    /* An EOI for another vector leaves an entry alone. */
    pit_oneshot(s, 100);
    qtest_clock_step(s, 1000000);
    g_assert_cmphex(ioapic_read(s, 0x14) & (1 << 14), !=, 0);
    qtest_writel(s, IOAPIC + 0x40, 0x51);
    g_assert_cmphex(ioapic_read(s, 0x14) & (1 << 14), !=, 0);
    qtest_quit(s);
}

static void test_unmask_level_fires(void)
{
    QTestState *s = qtest_init("");

    lapic_enable(s);
    set_entry(s, 2, 0x18043);   /* level, masked */
    pit_oneshot(s, 100);
    qtest_clock_step(s, 1000000);
    g_assert_false(IRR(0x43));
    set_entry(s, 2, 0x8043);    /* unmasking an asserted level pin */
    g_assert_true(IRR(0x43));
    qtest_quit(s);
}

static void test_intercept_in(void)
{
    QTestState *s = qtest_init("");

    qtest_irq_intercept_in(s, "/machine/ioapic");
    pit_oneshot(s, 100);
    qtest_clock_step(s, 1000000);
    /* ISA IRQ 0 arrives on pin 2 (the MADT's override). */
    g_assert_true(qtest_get_irq(s, 2));
    g_assert_false(qtest_get_irq(s, 0));
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ioapic/ident", test_ident);
    g_test_add_func("/ioapic/edge", test_edge);
    g_test_add_func("/ioapic/masked", test_masked);
    g_test_add_func("/ioapic/level-remote-irr", test_level_remote_irr);
    g_test_add_func("/ioapic/unmask-level", test_unmask_level_fires);
    g_test_add_func("/ioapic/intercept-in", test_intercept_in);
    return g_test_run();
}
