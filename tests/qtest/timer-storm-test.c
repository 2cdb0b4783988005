/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every periodic timer of the pc machine at its shortest period: a long
 * clock_step still answers, the next command answers, the device state
 * shows the timer ran (and coalesced rather than replayed every period),
 * and SIGTERM ends the process. Replies and exits are waited for with
 * generous deadlines; nothing here measures time.
 */
#include "libqtest.h"
#include <glib.h>
#include <signal.h>
#include <sys/wait.h>

#define HPET        0xfed00000ULL
#define LAPIC       0xfee00000ULL
#define PM_BASE     0x600
#define STEP_NS     10000000000LL       /* 10 s of guest time */
#define DEADLINE_S  30

static QTestState *storm_init(void)
{
    QTestState *s = qtest_init(NULL);

    qtest_set_reply_deadline(s, DEADLINE_S);
    return s;
}

/* Another command answers; sig (SIGTERM, SIGINT) ends kemu with
 * status 0. */
static void check_alive_then_signal(QTestState *s, int sig)
{
    int status = 0;
    int64_t before = qtest_clock_step(s, 0);

    g_assert_cmpint(qtest_clock_step(s, 1000), ==, before + 1000);
    /* MMIO dispatch still answers: the HPET's vendor ID. */
    g_assert_cmphex(qtest_readl(s, HPET) >> 16, ==, 0x8086);
    g_assert_true(qtest_kill_wait(s, sig, &status));
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
    qtest_quit(s);
}

static void check_alive_then_term(QTestState *s)
{
    check_alive_then_signal(s, SIGTERM);
}

static void step_long(QTestState *s)
{
    int64_t t0 = qtest_clock_step(s, 0);

    g_assert_cmpint(qtest_clock_step(s, STEP_NS), ==, t0 + STEP_NS);
}

static void hpet_arm(QTestState *s, unsigned n, uint64_t cfg)
{
    uint64_t tn = HPET + 0x100 + n * 0x20;

    qtest_writeq(s, tn, cfg);
    qtest_writeq(s, tn + 8, 1);         /* SETVAL: comparator 1 */
    qtest_writeq(s, tn + 8, 1);         /* period 1 (10 ns) */
}

/* The sequence from the bug report: 64-bit periodic, period 1. */
static void test_hpet64(void)
{
    QTestState *s = storm_init();
    uint64_t cnt, cmp;

    hpet_arm(s, 0, 0x4c);
    qtest_writeq(s, HPET + 0x10, 1);
    step_long(s);
    cnt = qtest_readq(s, HPET + 0xf0);
    cmp = qtest_readq(s, HPET + 0x108);
    /* 10 s at 100 MHz, and the comparator caught up past the counter. */
    g_assert_cmpuint(cnt, >=, STEP_NS / 10);
    g_assert_cmpuint(cmp, >, cnt - 1);
    check_alive_then_term(s);
}

/* 32-bit periodic, level-triggered and never acknowledged. */
static void test_hpet32_level(void)
{
    QTestState *s = storm_init();
    uint32_t cnt, cmp;

    hpet_arm(s, 2, 0x14e);
    qtest_writeq(s, HPET + 0x10, 1);
    step_long(s);
    g_assert_cmphex(qtest_readq(s, HPET + 0x20) & 4, ==, 4);
    cnt = qtest_readq(s, HPET + 0xf0);
    cmp = qtest_readl(s, HPET + 0x100 + 2 * 0x20 + 8);
    g_assert_cmpint((int32_t)(cmp - cnt), >, -2);
    /* The 32-bit counter wraps every 43 s: cross a wrap too. */
    g_assert_cmpint(qtest_clock_step(s, 5 * STEP_NS), >, 0);
    check_alive_then_term(s);
}

static void test_lapic(void)
{
    QTestState *s = storm_init();

    qtest_writel(s, LAPIC + 0xf0, 0x1ff);           /* software enable */
    qtest_writel(s, LAPIC + 0x3e0, 0xb);            /* divide by 1 */
    qtest_writel(s, LAPIC + 0x320, 0x20030);        /* periodic, vector 0x30 */
    qtest_writel(s, LAPIC + 0x380, 1);
    step_long(s);
    /* Pending in IRR, never acknowledged. */
    g_assert_cmphex(qtest_readl(s, LAPIC + 0x210) & (1u << 16), !=, 0);
    g_assert_cmpuint(qtest_readl(s, LAPIC + 0x380), ==, 1);
    check_alive_then_term(s);
}

static void pit_arm(QTestState *s, uint8_t mode)
{
    qtest_outb(s, 0x43, 0x30 | mode << 1);   /* ch0, LSB then MSB */
    qtest_outb(s, 0x40, 1);
    qtest_outb(s, 0x40, 0);
}

static void test_pit_rate(void)
{
    QTestState *s = storm_init();

    pit_arm(s, 2);
    step_long(s);
    /* Still counting within its reload (1 counts as 2 in mode 2). */
    qtest_outb(s, 0x43, 0x00);
    uint16_t lo = qtest_inb(s, 0x40);     /* two reads, in this order */
    uint16_t hi = qtest_inb(s, 0x40);
    g_assert_cmpuint(lo | hi << 8, <=, 2);
    check_alive_then_term(s);
}

static void test_pit_square(void)
{
    QTestState *s = storm_init();

    pit_arm(s, 3);
    step_long(s);
    check_alive_then_term(s);
}

static uint8_t cmos_read(QTestState *s, uint8_t reg)
{
    qtest_outb(s, 0x70, reg);
    return qtest_inb(s, 0x71);
}

static void cmos_write(QTestState *s, uint8_t reg, uint8_t val)
{
    qtest_outb(s, 0x70, reg);
    qtest_outb(s, 0x71, val);
}

static void test_rtc_8khz(void)
{
    QTestState *s = storm_init();

    cmos_write(s, 0x0a, 0x23);          /* divider on, rate 3: 8192 Hz */
    cmos_write(s, 0x0b, cmos_read(s, 0x0b) | 0x40);    /* PIE */
    step_long(s);
    g_assert_cmphex(cmos_read(s, 0x0c) & 0xc0, ==, 0xc0);  /* IRQF, PF */
    /* Read-to-clear, then it comes back within one period. */
    qtest_clock_step(s, 200000);
    g_assert_cmphex(cmos_read(s, 0x0c) & 0x40, ==, 0x40);
    check_alive_then_term(s);
}

static void test_pm_timer(void)
{
    QTestState *s = storm_init();

    qtest_outw(s, PM_BASE + 2, 1);      /* TMR_EN */
    g_assert_cmpint(qtest_clock_step(s, 1000 * STEP_NS), >, 0);
    g_assert_cmphex(qtest_inw(s, PM_BASE) & 1, ==, 1);
    check_alive_then_term(s);
}

/* All of them at once. */
static void test_all(void)
{
    QTestState *s = storm_init();

    hpet_arm(s, 0, 0x4c);
    hpet_arm(s, 1, 0x14c);
    hpet_arm(s, 2, 0x4e);
    qtest_writeq(s, HPET + 0x10, 1);
    qtest_writel(s, LAPIC + 0xf0, 0x1ff);
    qtest_writel(s, LAPIC + 0x3e0, 0xb);
    qtest_writel(s, LAPIC + 0x320, 0x20030);
    qtest_writel(s, LAPIC + 0x380, 1);
    pit_arm(s, 2);
    cmos_write(s, 0x0a, 0x23);
    cmos_write(s, 0x0b, cmos_read(s, 0x0b) | 0x40);
    qtest_outw(s, PM_BASE + 2, 1);
    for (int i = 0; i < 3; i++) {
        step_long(s);
    }
    check_alive_then_signal(s, SIGINT);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/timer-storm/hpet-64bit-period-1", test_hpet64);
    g_test_add_func("/timer-storm/hpet-32bit-level-period-1",
                    test_hpet32_level);
    g_test_add_func("/timer-storm/lapic-periodic-count-1", test_lapic);
    g_test_add_func("/timer-storm/pit-mode2-reload-1", test_pit_rate);
    g_test_add_func("/timer-storm/pit-mode3-reload-1", test_pit_square);
    g_test_add_func("/timer-storm/rtc-8khz", test_rtc_8khz);
    g_test_add_func("/timer-storm/pm-timer-overflow", test_pm_timer);
    g_test_add_func("/timer-storm/all-at-once", test_all);
    return g_test_run();
}
