/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MC146818 RTC: time from the host, BCD/binary and 12/24 h formats,
 * setting the time, periodic/update/alarm interrupts (through register C
 * and the IOAPIC's pin 8), and the CMOS bytes the board fills in.
 */
#include <glib.h>
#include <time.h>
#include "libqtest.h"

#define REG_A 0x0a
#define REG_B 0x0b
#define REG_C 0x0c
#define REG_D 0x0d

static uint8_t cmos_read(QTestState *s, uint8_t idx)
{
    qtest_outb(s, 0x70, idx);
    return qtest_inb(s, 0x71);
}

static void cmos_write(QTestState *s, uint8_t idx, uint8_t v)
{
    qtest_outb(s, 0x70, idx);
    qtest_outb(s, 0x71, v);
}

static int bcd(uint8_t v)
{
    return (v >> 4) * 10 + (v & 0xf);
}

/* Reads the time with the SET bit so no update interleaves. */
static time_t rtc_read_time(QTestState *s, bool binary)
{
    struct tm tm = { 0 };
    uint8_t b = cmos_read(s, REG_B);
    int (*conv)(uint8_t) = binary ? NULL : bcd;
#define CONV(v) (conv ? conv(v) : (v))

    cmos_write(s, REG_B, b | 0x80);
    tm.tm_sec = CONV(cmos_read(s, 0));
    tm.tm_min = CONV(cmos_read(s, 2));
    tm.tm_hour = CONV(cmos_read(s, 4));
    tm.tm_mday = CONV(cmos_read(s, 7));
    tm.tm_mon = CONV(cmos_read(s, 8)) - 1;
    tm.tm_year = CONV(cmos_read(s, 0x32)) * 100 + CONV(cmos_read(s, 9)) - 1900;
#undef CONV
    cmos_write(s, REG_B, b);
    return timegm(&tm);
}

static void test_defaults(void)
{
    QTestState *s = qtest_init("");

    g_assert_cmphex(cmos_read(s, REG_A) & 0x7f, ==, 0x26);
    g_assert_cmphex(cmos_read(s, REG_B), ==, 0x02);
    g_assert_cmphex(cmos_read(s, REG_C), ==, 0x00);
    g_assert_cmphex(cmos_read(s, REG_D), ==, 0x80);
    g_assert_cmphex(qtest_inb(s, 0x70), ==, 0xff);   /* write-only index */
    qtest_quit(s);
}

static void test_host_time(void)
{
    QTestState *s = qtest_init("");
    time_t now = time(NULL);
    time_t rtc = rtc_read_time(s, false);

    /* Starts from host UTC: allow for process start-up, not drift. */
    g_assert_cmpint(labs((long)(rtc - now)), <=, 30);
    g_assert_cmphex(cmos_read(s, 0x32), ==, 0x20);
    qtest_quit(s);
}

static void set_time(QTestState *s, uint8_t b, const uint8_t regs[7])
{
    static const uint8_t idx[7] = { 0, 2, 4, 6, 7, 8, 9 };

    cmos_write(s, REG_B, 0x80 | b);
    for (int i = 0; i < 7; i++) {
        cmos_write(s, idx[i], regs[i]);
    }
    cmos_write(s, 0x32, (b & 0x04) ? 20 : 0x20);      /* century */
    cmos_write(s, REG_B, b);
}

static void test_set_binary_24h(void)
{
    QTestState *s = qtest_init("");
    /* 2031-06-15 (Sunday) 13:45:30, binary */
    const uint8_t t[7] = { 30, 45, 13, 1, 15, 6, 31 };

    set_time(s, 0x06, t);
    g_assert_cmpint(cmos_read(s, 0), ==, 30);
    g_assert_cmpint(cmos_read(s, 4), ==, 13);
    g_assert_cmpint(cmos_read(s, 9), ==, 31);
    /* The clock runs with the virtual clock. */
    qtest_clock_step(s, 2500000000LL);
    g_assert_cmpint(cmos_read(s, 0), ==, 32);
    g_assert_cmpint(cmos_read(s, 2), ==, 45);
    /* Switching to BCD shows the same time in BCD. */
    cmos_write(s, REG_B, 0x02);
    g_assert_cmphex(cmos_read(s, 0), ==, 0x32);
    g_assert_cmphex(cmos_read(s, 4), ==, 0x13);
    g_assert_cmphex(cmos_read(s, 7), ==, 0x15);
    qtest_quit(s);
}

static void test_set_bcd_12h(void)
{
    QTestState *s = qtest_init("");
    /* 1:59:59 PM BCD 12-hour, 2020-02-29 */
    const uint8_t t[7] = { 0x59, 0x59, 0x81, 0x07, 0x29, 0x02, 0x20 };

    set_time(s, 0x00, t);
    g_assert_cmphex(cmos_read(s, 4), ==, 0x81);
    qtest_clock_step(s, 1000000000LL);
    g_assert_cmphex(cmos_read(s, 0), ==, 0x00);
    g_assert_cmphex(cmos_read(s, 2), ==, 0x00);
    g_assert_cmphex(cmos_read(s, 4), ==, 0x82);      /* 2 PM */
    /* In 24-hour mode that is 14:00. */
    cmos_write(s, REG_B, 0x02);
    g_assert_cmphex(cmos_read(s, 4), ==, 0x14);
    g_assert_cmphex(cmos_read(s, 7), ==, 0x29);
    g_assert_cmphex(cmos_read(s, 8), ==, 0x02);
    qtest_quit(s);
}

static void test_set_frozen(void)
{
    QTestState *s = qtest_init("");

    cmos_write(s, REG_B, 0x86);
    cmos_write(s, 0, 10);
    qtest_clock_step(s, 3000000000LL);
    g_assert_cmpint(cmos_read(s, 0), ==, 10);        /* SET holds time */
    qtest_quit(s);
}

static int64_t pf_slot(int64_t ns, int rs)
{
    int64_t period = 1 << (rs - 1);                 /* in 32768 Hz ticks */
    return (int64_t)((__int128)ns * 32768 / 1000000000LL) / period;
}

/* Counts PF over 'steps' clock steps, reading C after each step. */
static void check_periodic(int rs, int64_t step, int steps, int min_expect)
{
    QTestState *s = qtest_init("");
    int64_t start, end = 0;
    int count = 0;

    cmos_write(s, REG_A, 0x20 | rs);
    start = qtest_clock_step(s, 0 + 1);
    cmos_read(s, REG_C);
    for (int i = 0; i < steps; i++) {
        end = qtest_clock_step(s, step);
        if (cmos_read(s, REG_C) & 0x40) {
            count++;
        }
    }
    /* Each step is shorter than a period: every slot boundary crossed
     * shows up as exactly one PF. */
    g_assert_cmpint(count, ==, pf_slot(end, rs) - pf_slot(start, rs));
    g_assert_cmpint(count, >=, min_expect);
    qtest_quit(s);
}

static void test_periodic_1024hz(void)
{
    /* 1024 Hz for 1/8 s in steps of 1/4096 s. */
    check_periodic(6, 244140, 512, 127);
}

static void test_periodic_2hz(void)
{
    /* 2 Hz for 3 s in steps of 0.1 s. */
    check_periodic(15, 100000000, 30, 5);
}

static void test_periodic_irq(void)
{
    QTestState *s = qtest_init("");

    qtest_irq_intercept_in(s, "/machine/ioapic");
    cmos_write(s, REG_A, 0x26);
    cmos_write(s, REG_B, 0x42);                     /* PIE */
    g_assert_false(qtest_get_irq(s, 8));
    qtest_clock_step(s, 1000000);                   /* > 1/1024 s */
    g_assert_true(qtest_get_irq(s, 8));
    g_assert_cmphex(cmos_read(s, REG_C) & 0xc0, ==, 0xc0);
    g_assert_false(qtest_get_irq(s, 8));            /* C read lowers it */
    /* PIE off: PF still sets, but no interrupt. */
    cmos_write(s, REG_B, 0x02);
    qtest_clock_step(s, 1000000);
    g_assert_false(qtest_get_irq(s, 8));
    g_assert_cmphex(cmos_read(s, REG_C), ==, 0x40);
    qtest_quit(s);
}

static void test_update_and_alarm(void)
{
    QTestState *s = qtest_init("");
    const uint8_t t[7] = { 0x10, 0x20, 0x08, 0x02, 0x01, 0x03, 0x24 };
    uint8_t c;

    qtest_irq_intercept_in(s, "/machine/ioapic");
    set_time(s, 0x02, t);                          /* 08:20:10 BCD 24h */
    cmos_write(s, 1, 0x13);                         /* alarm 08:20:13 */
    cmos_write(s, 3, 0x20);
    cmos_write(s, 5, 0xc0);                         /* any hour */
    cmos_read(s, REG_C);
    cmos_write(s, REG_B, 0x12);                     /* UIE */
    qtest_clock_step(s, 1000000000LL);
    g_assert_true(qtest_get_irq(s, 8));
    c = cmos_read(s, REG_C);
    g_assert_cmphex(c & 0x90, ==, 0x90);
    g_assert_cmphex(c & 0x20, ==, 0);
    cmos_write(s, REG_B, 0x22);                     /* AIE only */
    qtest_clock_step(s, 1000000000LL);              /* :12 */
    g_assert_false(qtest_get_irq(s, 8));
    g_assert_cmphex(cmos_read(s, REG_C) & 0x20, ==, 0);
    qtest_clock_step(s, 1000000000LL);              /* :13 */
    g_assert_true(qtest_get_irq(s, 8));
    g_assert_cmphex(cmos_read(s, REG_C) & 0xa0, ==, 0xa0);
    qtest_quit(s);
}

static void test_uip(void)
{
    QTestState *s = qtest_init("");
    const uint8_t t[7] = { 0, 0, 0, 1, 1, 1, 24 };
    int64_t now;

    set_time(s, 0x06, t);                 /* second starts right now */
    now = qtest_clock_step(s, 0 + 1);
    (void)now;
    g_assert_cmphex(cmos_read(s, REG_A) & 0x80, ==, 0);
    qtest_clock_step(s, 1000000000LL - 100000 - 1);  /* 100 us before */
    g_assert_cmphex(cmos_read(s, REG_A) & 0x80, ==, 0x80);
    qtest_clock_step(s, 200000);
    g_assert_cmphex(cmos_read(s, REG_A) & 0x80, ==, 0);
    g_assert_cmpint(cmos_read(s, 0), ==, 1);
    qtest_quit(s);
}

static void test_nvram(void)
{
    QTestState *s = qtest_init("-m 256M -smp 2");

    cmos_write(s, 0x40, 0x5a);
    g_assert_cmphex(cmos_read(s, 0x40), ==, 0x5a);
    /* NMI mask bit in the index does not change the register chosen. */
    qtest_outb(s, 0x70, 0x80 | 0x40);
    g_assert_cmphex(qtest_inb(s, 0x71), ==, 0x5a);
    /* Fields the board stores for firmware. */
    g_assert_cmpint(cmos_read(s, 0x15) | cmos_read(s, 0x16) << 8, ==, 640);
    /* Extended memory in KiB saturates at 65535. */
    g_assert_cmpint(cmos_read(s, 0x17) | cmos_read(s, 0x18) << 8, ==, 65535);
    g_assert_cmpint(cmos_read(s, 0x30) | cmos_read(s, 0x31) << 8, ==, 65535);
    g_assert_cmpint(cmos_read(s, 0x34) | cmos_read(s, 0x35) << 8, ==,
                    (256 - 16) * 16);
    g_assert_cmpint(cmos_read(s, 0x5f), ==, 1);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/rtc/defaults", test_defaults);
    g_test_add_func("/rtc/host-time", test_host_time);
    g_test_add_func("/rtc/set-binary-24h", test_set_binary_24h);
    g_test_add_func("/rtc/set-bcd-12h", test_set_bcd_12h);
    g_test_add_func("/rtc/set-frozen", test_set_frozen);
    g_test_add_func("/rtc/periodic-1024hz", test_periodic_1024hz);
    g_test_add_func("/rtc/periodic-2hz", test_periodic_2hz);
    g_test_add_func("/rtc/periodic-irq", test_periodic_irq);
    g_test_add_func("/rtc/update-alarm", test_update_and_alarm);
    g_test_add_func("/rtc/uip", test_uip);
    g_test_add_func("/rtc/nvram", test_nvram);
    return g_test_run();
}
