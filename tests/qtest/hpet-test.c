/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HPET: capabilities, the 100 MHz main counter on the virtual clock,
 * one-shot and periodic comparators, level interrupts in legacy
 * replacement mode seen at the IOAPIC's inputs.
 */
#include "libqtest.h"
#include <glib.h>

#define HPET        0xfed00000ULL
#define CAP         (HPET + 0x000)
#define CFG         (HPET + 0x010)
#define STS         (HPET + 0x020)
#define COUNTER     (HPET + 0x0f0)
#define TN_CFG(n)   (HPET + 0x100 + 0x20 * (n))
#define TN_CMP(n)   (HPET + 0x108 + 0x20 * (n))

#define CFG_ENABLE  1
#define CFG_LEGACY  2
#define TN_LEVEL    0x02
#define TN_INT_EN   0x04
#define TN_PERIODIC 0x08
#define TN_SETVAL   0x40
#define TN_32BIT    0x100

/* In legacy mode timer 0 drives GSI 0 (IOAPIC pin 2), timer 1 GSI 8. */
#define PIN_T0      2
#define PIN_T1      8

static void test_caps(void)
{
    QTestState *s = qtest_init(NULL);
    uint64_t cap = qtest_readq(s, CAP);

    g_assert_cmphex((uint32_t)cap, ==, 0x8086a201);
    g_assert_cmphex(cap >> 32, ==, 10000000);      /* 10 ns in fs */
    g_assert_cmphex(qtest_readl(s, CAP + 4), ==, 10000000);
    /* Timers: periodic and 64-bit capable, route capability in 63:32. */
    g_assert_cmphex(qtest_readl(s, TN_CFG(0)) & 0x30, ==, 0x30);
    g_assert_cmphex(qtest_readl(s, TN_CFG(2) + 4), !=, 0);
    qtest_quit(s);
}

static void test_counter(void)
{
    QTestState *s = qtest_init(NULL);

    g_assert_cmphex(qtest_readq(s, COUNTER), ==, 0);
    qtest_clock_step(s, 1000);
    g_assert_cmphex(qtest_readq(s, COUNTER), ==, 0);    /* halted */
    qtest_writel(s, CFG, CFG_ENABLE);
    qtest_clock_step(s, 1000);
    g_assert_cmphex(qtest_readq(s, COUNTER), ==, 100);  /* 100 MHz */
    qtest_writel(s, CFG, 0);
    qtest_clock_step(s, 5000);
    g_assert_cmphex(qtest_readq(s, COUNTER), ==, 100);
    qtest_writeq(s, COUNTER, 0x100000000ULL);
    g_assert_cmphex(qtest_readl(s, COUNTER + 4), ==, 1);
    qtest_quit(s);
}

static void test_oneshot_level(void)
{
    QTestState *s = qtest_init(NULL);

    qtest_irq_intercept_in(s, "/machine/ioapic");
    qtest_writel(s, CFG, CFG_LEGACY);
    qtest_writel(s, TN_CFG(0), TN_LEVEL | TN_INT_EN);
    qtest_writeq(s, TN_CMP(0), 1000);           /* 10 us */
    qtest_writel(s, CFG, CFG_ENABLE | CFG_LEGACY);
    qtest_clock_step(s, 9000);
    g_assert_false(qtest_get_irq(s, PIN_T0));
    g_assert_cmphex(qtest_readl(s, STS), ==, 0);
    qtest_clock_step(s, 1000);
    g_assert_true(qtest_get_irq(s, PIN_T0));
    g_assert_cmphex(qtest_readl(s, STS), ==, 1);
    /* Level: stays up until the status bit is cleared. */
    qtest_clock_step(s, 100000);
    g_assert_true(qtest_get_irq(s, PIN_T0));
    qtest_writel(s, STS, 1);
    g_assert_false(qtest_get_irq(s, PIN_T0));
    /* One-shot 64-bit: no second interrupt. */
    qtest_clock_step(s, 1000000);
    g_assert_false(qtest_get_irq(s, PIN_T0));
    g_assert_cmphex(qtest_readl(s, STS), ==, 0);
    qtest_quit(s);
}

static void test_periodic(void)
{
    QTestState *s = qtest_init(NULL);

    qtest_irq_intercept_in(s, "/machine/ioapic");
    qtest_writel(s, CFG, CFG_LEGACY);
    /* Timer 1, 32-bit periodic, as Linux programs it: SETVAL, then the
     * first deadline, then the period. */
    qtest_writel(s, TN_CFG(1), TN_LEVEL | TN_INT_EN | TN_PERIODIC |
                 TN_SETVAL | TN_32BIT);
    qtest_writel(s, TN_CMP(1), 500);
    qtest_writel(s, TN_CMP(1), 1000);           /* period: 10 us */
    qtest_writel(s, CFG, CFG_ENABLE | CFG_LEGACY);
    qtest_clock_step(s, 5000);
    g_assert_true(qtest_get_irq(s, PIN_T1));
    g_assert_cmphex(qtest_readl(s, STS), ==, 2);
    /* The comparator moved on by one period. */
    g_assert_cmphex(qtest_readl(s, TN_CMP(1)), ==, 1500);
    qtest_writel(s, STS, 2);
    g_assert_false(qtest_get_irq(s, PIN_T1));
    qtest_clock_step(s, 9999);
    g_assert_false(qtest_get_irq(s, PIN_T1));
    qtest_clock_step(s, 1);
    g_assert_true(qtest_get_irq(s, PIN_T1));
    g_assert_cmphex(qtest_readl(s, TN_CMP(1)), ==, 2500);
    /* Timer 0 never fired. */
    g_assert_false(qtest_get_irq(s, PIN_T0));
    qtest_quit(s);
}

static void test_masked(void)
{
    QTestState *s = qtest_init(NULL);

    qtest_irq_intercept_in(s, "/machine/ioapic");
    qtest_writel(s, CFG, CFG_LEGACY);
    /* Level timer with its interrupt disabled: status only. */
    qtest_writel(s, TN_CFG(0), TN_LEVEL);
    qtest_writeq(s, TN_CMP(0), 100);
    qtest_writel(s, CFG, CFG_ENABLE | CFG_LEGACY);
    qtest_clock_step(s, 2000);
    g_assert_cmphex(qtest_readl(s, STS), ==, 1);
    g_assert_false(qtest_get_irq(s, PIN_T0));
    qtest_quit(s);
}

/* Legacy replacement takes IRQ 0 from the PIT and IRQ 8 from the RTC,
 * even with the HPET's counter halted; clearing it gives them back. */
static void test_legacy_silences_pit_rtc(void)
{
    QTestState *s = qtest_init(NULL);

    qtest_irq_intercept_in(s, "/machine/ioapic");
    /* PIT channel 0, mode 0: OUT rises after 100 ticks and stays up. */
    qtest_outb(s, 0x43, 0x30);
    qtest_outb(s, 0x40, 100);
    qtest_outb(s, 0x40, 0);
    /* RTC periodic interrupt at 1024 Hz. */
    qtest_outb(s, 0x70, 0x0b);
    qtest_outb(s, 0x71, qtest_inb(s, 0x71) | 0x40);

    qtest_writel(s, CFG, CFG_LEGACY);
    qtest_clock_step(s, 2000000);
    g_assert_false(qtest_get_irq(s, PIN_T0));
    g_assert_false(qtest_get_irq(s, PIN_T1));

    qtest_writel(s, CFG, 0);
    g_assert_true(qtest_get_irq(s, PIN_T0));
    g_assert_true(qtest_get_irq(s, PIN_T1));

    /* Back in legacy mode both drop at once; REG C still latches PF. */
    qtest_writel(s, CFG, CFG_LEGACY);
    g_assert_false(qtest_get_irq(s, PIN_T0));
    g_assert_false(qtest_get_irq(s, PIN_T1));
    qtest_outb(s, 0x70, 0x0c);
    g_assert_cmphex(qtest_inb(s, 0x71) & 0xc0, ==, 0xc0);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hpet/caps", test_caps);
    g_test_add_func("/hpet/counter", test_counter);
    g_test_add_func("/hpet/oneshot-level", test_oneshot_level);
    g_test_add_func("/hpet/periodic", test_periodic);
    g_test_add_func("/hpet/masked", test_masked);
    g_test_add_func("/hpet/legacy-silences-pit-rtc",
                    test_legacy_silences_pit_rtc);
    return g_test_run();
}
