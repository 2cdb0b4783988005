/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Lost ticks (docs/devel/main-loop.md): a clock_step far longer than the
 * warp budget makes the PIT's timer run late once, as a busy main loop
 * would; the RTC loses periodic interrupts the guest leaves
 * unacknowledged. The tests count IRQ edges at the IOAPIC
 * (irq_intercept_in) against the ticks the elapsed time holds:
 * isa-pit.lost_tick_policy=discard drops the missed ones, delay and
 * slew deliver them later (delay faster), and -rtc driftfix=slew
 * re-injects the RTC's.
 */
#include <glib.h>
#include "libqtest.h"

#define PIT_HZ      1193182
#define PIT_RELOAD  100             /* mode 2 at ~11.9 kHz */
#define PIT_PERIOD  (PIT_RELOAD * 1000000000LL / PIT_HZ)
#define T0          1000000         /* ns: where each test starts */

/* Ticks (rising edges of OUT) channel 0 gave in mode 2 by time t. */
static int64_t pit_ticks_by(int64_t t)
{
    int64_t d = (t - T0) * PIT_HZ / 1000000000LL - 1;
    return d < 0 ? 0 : d / PIT_RELOAD;
}

static QTestState *pit_start(const char *policy)
{
    QTestState *s = qtest_initf("-global isa-pit.lost_tick_policy=%s",
                                policy);

    qtest_irq_intercept_in(s, "/machine/ioapic");
    qtest_clock_set(s, T0);
    qtest_outb(s, 0x43, 0x34);          /* ch0, LSB then MSB, mode 2 */
    qtest_outb(s, 0x40, PIT_RELOAD & 0xff);
    qtest_outb(s, 0x40, PIT_RELOAD >> 8);
    return s;
}

/* Steps of 100 periods: each within the warp budget, so on time. */
static int64_t pit_run(QTestState *s, int64_t ns)
{
    int64_t t = 0;

    for (int64_t done = 0; done < ns; done += 100 * PIT_PERIOD) {
        t = qtest_clock_step(s, 100 * PIT_PERIOD);
    }
    return t;
}

/* One second in one step: the PIT's timer falls behind and catches up
 * once, late, missing thousands of ticks. Returns the IRQ 0 edges the
 * guest got, which must be well short of the ticks due. */
static unsigned pit_fall_behind(QTestState *s, int64_t *t)
{
    unsigned got;

    *t = qtest_clock_step(s, 1000000000);
    got = qtest_get_irq_raises(s, 2);
    g_assert_cmpint(got, <, pit_ticks_by(*t) - 1000);
    return got;
}

static void test_pit_discard(void)
{
    QTestState *s = pit_start("discard");
    int64_t t;
    unsigned behind = pit_ticks_by(T0 + 1000000000) -
                      pit_fall_behind(s, &t);

    /* From then on every tick comes, none of the missed ones. */
    t = pit_run(s, 200000000);
    g_assert_cmpint(qtest_get_irq_raises(s, 2), >=,
                    pit_ticks_by(t) - behind - 1);
    g_assert_cmpint(qtest_get_irq_raises(s, 2), <=,
                    pit_ticks_by(t) - behind + 1);
    qtest_quit(s);
}

static void assert_caught_up(QTestState *s, int64_t t)
{
    g_assert_cmpint(qtest_get_irq_raises(s, 2), >=, pit_ticks_by(t) - 2);
    g_assert_cmpint(qtest_get_irq_raises(s, 2), <=, pit_ticks_by(t) + 2);
}

static void test_pit_delay(void)
{
    QTestState *s = pit_start("delay");
    int64_t t;

    pit_fall_behind(s, &t);
    /* Owed ticks come a quarter period apart: ~7000 take ~0.15 s. */
    t = pit_run(s, 200000000);
    assert_caught_up(s, t);
    qtest_quit(s);
}

static void test_pit_slew(void)
{
    QTestState *s = pit_start("slew");
    int64_t t;

    pit_fall_behind(s, &t);
    /* One extra tick per period: after 0.2 s still ~4500 behind... */
    t = pit_run(s, 200000000);
    g_assert_cmpint(qtest_get_irq_raises(s, 2), <, pit_ticks_by(t) - 3000);
    /* ...and level after ~0.6 s more. */
    t = pit_run(s, 700000000);
    assert_caught_up(s, t);
    qtest_quit(s);
}

static void test_pit_reprogram_drops_backlog(void)
{
    QTestState *s = pit_start("delay");
    unsigned got;
    int64_t t;

    pit_fall_behind(s, &t);
    /* A new mode word on channel 0: the old period's ticks are void. */
    qtest_outb(s, 0x43, 0x30);          /* mode 0, no count yet */
    got = qtest_get_irq_raises(s, 2);
    pit_run(s, 100000000);
    g_assert_cmpint(qtest_get_irq_raises(s, 2), ==, got);
    qtest_quit(s);
}

/* ---- RTC ---- */

#define RTC_HZ      32768
#define RTC_PERIOD  32              /* rate 6: 1024 Hz, in RTC clocks */
#define RTC_PERIOD_NS (RTC_PERIOD * 1000000000LL / RTC_HZ)

static int64_t rtc_slot(int64_t t)
{
    return t * RTC_HZ / 1000000000LL / RTC_PERIOD;
}

static void rtc_write(QTestState *s, uint8_t reg, uint8_t v)
{
    qtest_outb(s, 0x70, reg);
    qtest_outb(s, 0x71, v);
}

static void rtc_ack(QTestState *s)
{
    qtest_outb(s, 0x70, 0x0c);
    qtest_inb(s, 0x71);
}

/*
 * The guest enables the 1024 Hz periodic interrupt, leaves ten of them
 * unacknowledged, then acknowledges each promptly for 50 periods.
 * Returns the interrupts it got; *slots the periods that passed.
 */
static unsigned rtc_run(QTestState *s, int64_t *slots)
{
    int64_t t0, t;

    qtest_irq_intercept_in(s, "/machine/ioapic");
    t0 = qtest_clock_set(s, T0);
    rtc_write(s, 0x0a, 0x26);           /* divider on, rate 6 */
    rtc_write(s, 0x0b, 0x42);           /* PIE, 24 hour */
    rtc_ack(s);
    t = qtest_clock_step(s, RTC_PERIOD_NS * 10 + RTC_PERIOD_NS / 2);
    for (int i = 0; i < 200; i++) {
        rtc_ack(s);
        t = qtest_clock_step(s, RTC_PERIOD_NS / 4 + 1000);
    }
    *slots = rtc_slot(t) - rtc_slot(t0);
    return qtest_get_irq_raises(s, 8);
}

static void test_rtc_driftfix_none(void)
{
    QTestState *s = qtest_init("-rtc driftfix=none");
    int64_t slots;
    unsigned got = rtc_run(s, &slots);

    /* The nine (or ten) that found PF still set are gone. */
    g_assert_cmpint(got, >=, slots - 10);
    g_assert_cmpint(got, <=, slots - 9);
    qtest_quit(s);
}

static void test_rtc_driftfix_slew(void)
{
    QTestState *s = qtest_init("-rtc driftfix=slew");
    int64_t slots;
    unsigned got = rtc_run(s, &slots);

    /* Re-injected after the acknowledgements: every period counted. */
    g_assert_cmpint(got, >=, slots - 1);
    g_assert_cmpint(got, <=, slots);
    qtest_quit(s);
}

static void test_rtc_slew_unacked_storm(void)
{
    /* A guest that never acknowledges at 8192 Hz for 70 s: nothing is
     * re-injected meanwhile and the backlog stops at 60 s of ticks. */
    QTestState *s = qtest_init("-rtc driftfix=slew");
    int64_t t0, t;
    unsigned got;

    qtest_irq_intercept_in(s, "/machine/ioapic");
    rtc_write(s, 0x0a, 0x23);           /* rate 3: 8192 Hz */
    rtc_write(s, 0x0b, 0x42);
    for (int i = 0; i < 70; i++) {
        qtest_clock_step(s, 1000000000);
    }
    g_assert_cmpint(qtest_get_irq_raises(s, 8), ==, 1);
    /* At 2 Hz the backlog is 60 s worth: 120 interrupts, re-injected a
     * quarter period after each acknowledgement, between the regular
     * ones. */
    rtc_write(s, 0x0a, 0x2f);           /* rate 15: 2 Hz */
    t0 = qtest_clock_step(s, 1);
    for (int i = 0; i < 400; i++) {
        rtc_ack(s);
        t = qtest_clock_step(s, 125000000 + 1000);
    }
    got = qtest_get_irq_raises(s, 8) - 1;
    g_assert_cmpint(got, >=, 120 + (t - t0) / 500000000 - 1);
    g_assert_cmpint(got, <=, 120 + (t - t0) / 500000000 + 1);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/lost-tick/pit/discard", test_pit_discard);
    g_test_add_func("/lost-tick/pit/delay", test_pit_delay);
    g_test_add_func("/lost-tick/pit/slew", test_pit_slew);
    g_test_add_func("/lost-tick/pit/reprogram-drops-backlog",
                    test_pit_reprogram_drops_backlog);
    g_test_add_func("/lost-tick/rtc/driftfix-none", test_rtc_driftfix_none);
    g_test_add_func("/lost-tick/rtc/driftfix-slew", test_rtc_driftfix_slew);
    g_test_add_func("/lost-tick/rtc/slew-unacked-storm",
                    test_rtc_slew_unacked_storm);
    return g_test_run();
}
