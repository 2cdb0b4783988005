/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PIIX4 power management: PM I/O base, the 24-bit ACPI PM timer on the
 * virtual clock, TMR_STS and SCI, ACPI enable through the SMI command
 * port, GPE0 registers, and S5 soft-off ending the process.
 */
#include "libqtest.h"
#include <glib.h>

#define PM_BASE     0x600
#define PM1_STS     (PM_BASE + 0)
#define PM1_EN      (PM_BASE + 2)
#define PM1_CNT     (PM_BASE + 4)
#define PM_TMR      (PM_BASE + 8)
#define GPE0        0xafe0
#define PM_FREQ     3579545
#define SCI_IRQ     9

static void test_config(void)
{
    QTestState *s = qtest_init(NULL);

    g_assert_cmphex(qtest_pci_cfg_readl(s, 0, 1, 3, 0x40), ==, 0x601);
    g_assert_cmphex(qtest_pci_cfg_readb(s, 0, 1, 3, 0x80), ==, 0x01);
    /* PMBA is 64-byte aligned; bit 0 stays 1. */
    qtest_pci_cfg_writel(s, 0, 1, 3, 0x40, 0xb03f);
    g_assert_cmphex(qtest_pci_cfg_readl(s, 0, 1, 3, 0x40), ==, 0xb001);
    /* The block moved: the timer answers at the new base only. */
    g_assert_cmphex(qtest_inl(s, 0xb008) & 0xff000000, ==, 0);
    g_assert_cmphex(qtest_inl(s, PM_TMR), ==, 0xffffffff);
    /* PMREGMISC bit 0 off: gone. */
    qtest_pci_cfg_writeb(s, 0, 1, 3, 0x80, 0x00);
    g_assert_cmphex(qtest_inl(s, 0xb008), ==, 0xffffffff);
    qtest_quit(s);
}

static void test_timer(void)
{
    QTestState *s = qtest_init(NULL);
    uint32_t t1, t2, t3;

    t1 = qtest_inl(s, PM_TMR);
    g_assert_cmphex(t1 & 0xff000000, ==, 0);
    qtest_clock_step(s, 1000000000);           /* one virtual second */
    t2 = qtest_inl(s, PM_TMR);
    /* Exactly PM_FREQ ticks, +-1 for where the second started. */
    g_assert_cmpint(((t2 - t1) & 0xffffff), >=, (PM_FREQ - 1) & 0xffffff);
    g_assert_cmpint(((t2 - t1) & 0xffffff), <=, (PM_FREQ + 1) & 0xffffff);
    /* The clock is frozen between steps under qtest. */
    t3 = qtest_inl(s, PM_TMR);
    g_assert_cmphex(t3, ==, t2);
    /* Byte access to the timer's low byte agrees. */
    g_assert_cmphex(qtest_inb(s, PM_TMR), ==, t2 & 0xff);
    qtest_quit(s);
}

static void test_timer_status_sci(void)
{
    QTestState *s = qtest_init(NULL);

    qtest_irq_intercept_in(s, "/machine/ioapic");
    qtest_outw(s, PM1_STS, 0xffff);
    g_assert_cmphex(qtest_inw(s, PM1_STS) & 1, ==, 0);
    /* Bit 23 toggles every 2^23 ticks, about 2.34 s. */
    qtest_clock_step(s, 2400000000LL);
    g_assert_cmphex(qtest_inw(s, PM1_STS) & 1, ==, 1);
    g_assert_false(qtest_get_irq(s, SCI_IRQ));
    /* Enabling TMR_EN with the status pending raises SCI... */
    qtest_outw(s, PM1_EN, 0x0001);
    g_assert_cmphex(qtest_inw(s, PM1_EN), ==, 0x0001);
    g_assert_true(qtest_get_irq(s, SCI_IRQ));
    /* ...and clearing the status (write 1) lowers it. */
    qtest_outw(s, PM1_STS, 0x0001);
    g_assert_false(qtest_get_irq(s, SCI_IRQ));
    /* The next overflow fires by itself. */
    qtest_clock_step(s, 2400000000LL);
    g_assert_true(qtest_get_irq(s, SCI_IRQ));
    qtest_outw(s, PM1_EN, 0);
    g_assert_false(qtest_get_irq(s, SCI_IRQ));
    qtest_quit(s);
}

static void test_acpi_enable(void)
{
    QTestState *s = qtest_init(NULL);

    g_assert_cmphex(qtest_inw(s, PM1_CNT) & 1, ==, 0);
    qtest_outb(s, 0xb2, 0xf1);                  /* ACPI_ENABLE */
    g_assert_cmphex(qtest_inw(s, PM1_CNT) & 1, ==, 1);
    g_assert_cmphex(qtest_inb(s, 0xb2), ==, 0xf1);
    qtest_outb(s, 0xb2, 0xf0);                  /* ACPI_DISABLE */
    g_assert_cmphex(qtest_inw(s, PM1_CNT) & 1, ==, 0);
    qtest_quit(s);
}

static void test_gpe(void)
{
    QTestState *s = qtest_init(NULL);

    g_assert_cmphex(qtest_inl(s, GPE0), ==, 0);
    qtest_outb(s, GPE0 + 4, 0x0f);
    g_assert_cmphex(qtest_inb(s, GPE0 + 4), ==, 0x0f);
    /* Status is write-1-to-clear: writing cannot set it. */
    qtest_outb(s, GPE0, 0xff);
    g_assert_cmphex(qtest_inb(s, GPE0), ==, 0);
    qtest_quit(s);
}

static void test_s5(void)
{
    QTestState *s = qtest_init(NULL);

    /* SLP_TYP 0 (\_S5) with SLP_EN: soft off, clean exit. */
    qtest_outw(s, PM1_CNT, (0 << 10) | (1 << 13));
    g_assert_cmpint(qtest_wait_exit(s), ==, 0);
    qtest_quit(s);
}

static void test_other_sleep_type(void)
{
    QTestState *s = qtest_init(NULL);

    /* An unsupported sleep type is ignored; the machine goes on. */
    qtest_outw(s, PM1_CNT, (5 << 10) | (1 << 13));
    g_assert_cmphex(qtest_inw(s, PM1_CNT) & 0x2000, ==, 0);
    g_assert_true(qtest_alive(s));
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pm/config", test_config);
    g_test_add_func("/pm/timer", test_timer);
    g_test_add_func("/pm/timer-status-sci", test_timer_status_sci);
    g_test_add_func("/pm/acpi-enable", test_acpi_enable);
    g_test_add_func("/pm/gpe", test_gpe);
    g_test_add_func("/pm/s5", test_s5);
    g_test_add_func("/pm/other-sleep-type", test_other_sleep_type);
    return g_test_run();
}
