/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Virtual clock in manual mode, timer order, the main loop and the BQL. */
#include "util/osdep.h"
#include "util/timer.h"
#include "util/main-loop.h"
#include <sys/socket.h>

static GString *order;
static int64_t seen_clock[8];
static bool had_bql;

typedef struct Tag {
    char c;
    int idx;
    Timer *rearm;
    int64_t rearm_at;
} Tag;

static void cb(void *opaque)
{
    Tag *t = opaque;
    g_string_append_c(order, t->c);
    seen_clock[t->idx] = clock_get_ns(KEMU_CLOCK_VIRTUAL);
    had_bql = bql_locked();
    if (t->rearm) {
        timer_mod_ns(t->rearm, t->rearm_at);
        t->rearm = NULL;
    }
}

static void test_manual_warp(void)
{
    Tag ta = { 'a', 0 }, tb = { 'b', 1 }, tc = { 'c', 2 }, td = { 'd', 3 };
    Timer *a = timer_new_ns(KEMU_CLOCK_VIRTUAL, cb, &ta);
    Timer *b = timer_new_ns(KEMU_CLOCK_VIRTUAL, cb, &tb);
    Timer *c = timer_new_ns(KEMU_CLOCK_VIRTUAL, cb, &tc);
    Timer *d = timer_new_ns(KEMU_CLOCK_VIRTUAL, cb, &td);
    int64_t base;

    order = g_string_new(NULL);
    clock_virtual_set_manual(true);
    base = clock_get_ns(KEMU_CLOCK_VIRTUAL);
    timer_mod_ns(a, base + 300);
    timer_mod_ns(b, base + 100);
    timer_mod_ns(c, base + 200);
    timer_mod_ns(d, base + 5000);
    g_assert_true(timer_pending(a));
    g_assert_cmpint(timer_expire_ns(b), ==, base + 100);
    g_assert_cmpint(timers_next_deadline(KEMU_CLOCK_VIRTUAL), ==, base + 100);
    /* 'b' re-arms 'c' later than 'a': order follows deadlines as they change */
    tb.rearm = c;
    tb.rearm_at = base + 400;

    /* time does not pass by itself in manual mode */
    g_usleep(2000);
    g_assert_cmpint(clock_get_ns(KEMU_CLOCK_VIRTUAL), ==, base);
    timers_run_expired();
    g_assert_cmpstr(order->str, ==, "");

    clock_virtual_warp(base + 450);
    g_assert_cmpstr(order->str, ==, "bac");
    g_assert_cmpint(seen_clock[1], ==, base + 100);   /* clock at deadline */
    g_assert_cmpint(seen_clock[0], ==, base + 300);
    g_assert_cmpint(seen_clock[2], ==, base + 400);
    g_assert_true(had_bql);
    g_assert_false(bql_locked());
    g_assert_cmpint(clock_get_ns(KEMU_CLOCK_VIRTUAL), ==, base + 450);
    g_assert_false(timer_pending(a));
    g_assert_cmpint(timer_expire_ns(a), ==, -1);
    g_assert_cmpint(timers_next_deadline(KEMU_CLOCK_VIRTUAL), ==, base + 5000);

    timer_del(d);
    g_assert_cmpint(timers_next_deadline(KEMU_CLOCK_VIRTUAL), ==, -1);
    clock_virtual_warp(base + 10000);
    g_assert_cmpstr(order->str, ==, "bac");

    /* equal deadlines run in arming order */
    timer_mod_ns(c, base + 20000);
    timer_mod_ns(a, base + 20000);
    clock_virtual_warp(base + 20000);
    g_assert_cmpstr(order->str, ==, "bacca");

    timer_free(a);
    timer_free(b);
    timer_free(c);
    timer_free(d);
    g_string_free(order, TRUE);
}

static void test_stop_start(void)
{
    int64_t v1, v2;

    clock_virtual_set_manual(false);
    clock_virtual_stop();
    v1 = clock_get_ns(KEMU_CLOCK_VIRTUAL);
    g_usleep(2000);
    g_assert_cmpint(clock_get_ns(KEMU_CLOCK_VIRTUAL), ==, v1);  /* paused */
    clock_virtual_start();
    g_usleep(2000);
    v2 = clock_get_ns(KEMU_CLOCK_VIRTUAL);
    g_assert_cmpint(v2, >, v1);
    clock_virtual_stop();
    g_assert_cmpint(clock_get_ns(KEMU_CLOCK_VIRTUAL), >=, v2);
}

static int fired;
static void count_cb(void *opaque)
{
    fired++;
    had_bql = bql_locked();
}

/* The main loop sleeps until a timer is due, runs it with the BQL held. */
static void test_main_loop_timer(void)
{
    Timer *t = timer_new_ns(KEMU_CLOCK_REALTIME, count_cb, NULL);

    main_loop_init();
    bql_lock();
    fired = 0;
    had_bql = false;
    timer_mod_ns(t, clock_get_ns(KEMU_CLOCK_REALTIME) + 1000000);
    while (!fired) {
        main_loop_wait(true);
    }
    g_assert_true(had_bql);
    bql_unlock();
    timer_free(t);
}

static void bh_fn(void *opaque)
{
    *(int *)opaque += 1;
    had_bql = bql_locked();
}

static gpointer bh_thread(gpointer opaque)
{
    main_loop_bh_schedule(bh_fn, opaque);
    return NULL;
}

static void test_bh_from_thread(void)
{
    int count = 0;
    GThread *th;

    main_loop_init();
    bql_lock();
    had_bql = false;
    th = g_thread_new("bh", bh_thread, &count);
    while (!count) {
        main_loop_wait(true);
    }
    g_thread_join(th);
    g_assert_cmpint(count, ==, 1);
    g_assert_true(had_bql);
    bql_unlock();
}

static int sv[2];
static char rbuf[16];
static void on_read(void *opaque)
{
    ssize_t n = read(sv[0], rbuf, sizeof(rbuf) - 1);
    rbuf[n > 0 ? n : 0] = 0;
    had_bql = bql_locked();
}

static void test_fd_handler(void)
{
    main_loop_init();
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    main_loop_set_fd_handler(sv[0], on_read, NULL, NULL);
    g_assert_cmpint(write(sv[1], "hi", 2), ==, 2);
    bql_lock();
    had_bql = false;
    while (!rbuf[0]) {
        main_loop_wait(true);
    }
    bql_unlock();
    g_assert_cmpstr(rbuf, ==, "hi");
    g_assert_true(had_bql);
    main_loop_set_fd_handler(sv[0], NULL, NULL, NULL);
    close(sv[0]);
    close(sv[1]);
}

/* A periodic timer that never coalesces: re-arms one period after its
 * own deadline, however late it runs. */
typedef struct Storm {
    Timer *t;
    ClockType type;
    int64_t period;
    long fired;
    int64_t last_clock;
} Storm;

static void storm_cb(void *opaque)
{
    Storm *st = opaque;

    st->fired++;
    st->last_clock = clock_get_ns(st->type);
    timer_mod_ns(st->t, st->last_clock - 1);
}

/* Coalesces as the device models do: next period after the clock. */
static void coalescing_cb(void *opaque)
{
    Storm *st = opaque;
    int64_t now = clock_get_ns(st->type);

    st->fired++;
    st->last_clock = now;
    timer_mod_ns(st->t, (now / st->period + 1) * st->period);
}

/* Each pass runs a timer at most once, even one due again at once. */
static void test_once_per_pass(void)
{
    Storm st = { .type = KEMU_CLOCK_REALTIME };

    st.t = timer_new_ns(KEMU_CLOCK_REALTIME, storm_cb, &st);
    timer_mod_ns(st.t, 0);
    bql_lock();
    timers_run_expired();
    g_assert_cmpint(st.fired, ==, 1);
    g_assert_true(timer_pending(st.t));
    timers_run_expired();
    g_assert_cmpint(st.fired, ==, 2);
    bql_unlock();
    timer_free(st.t);
}

/* A timer that is always due leaves fd events their turn. */
static void test_storm_fd(void)
{
    Storm st = { .type = KEMU_CLOCK_REALTIME };

    main_loop_init();
    st.t = timer_new_ns(KEMU_CLOCK_REALTIME, storm_cb, &st);
    timer_mod_ns(st.t, 0);
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    main_loop_set_fd_handler(sv[0], on_read, NULL, NULL);
    rbuf[0] = 0;
    g_assert_cmpint(write(sv[1], "go", 2), ==, 2);
    bql_lock();
    for (int i = 0; i < 100 && !rbuf[0]; i++) {
        main_loop_wait(true);
    }
    bql_unlock();
    g_assert_cmpstr(rbuf, ==, "go");
    g_assert_cmpint(st.fired, >=, 1);
    main_loop_set_fd_handler(sv[0], NULL, NULL, NULL);
    close(sv[0]);
    close(sv[1]);
    timer_free(st.t);
}

/* A warp over a billion periods: exact deadlines up to a budget, then
 * one late firing that sees the target and coalesces. */
static void test_warp_collapse(void)
{
    Storm st = { .type = KEMU_CLOCK_VIRTUAL, .period = 1 };
    Storm slow = { .type = KEMU_CLOCK_VIRTUAL, .period = 1000000 };
    int64_t base, target;

    clock_virtual_set_manual(true);
    base = clock_get_ns(KEMU_CLOCK_VIRTUAL);
    target = base + 1000000000;
    st.t = timer_new_ns(KEMU_CLOCK_VIRTUAL, coalescing_cb, &st);
    slow.t = timer_new_ns(KEMU_CLOCK_VIRTUAL, coalescing_cb, &slow);
    timer_mod_ns(st.t, base + 1);
    timer_mod_ns(slow.t, (base / slow.period + 1) * slow.period);
    clock_virtual_warp(target);
    g_assert_cmpint(clock_get_ns(KEMU_CLOCK_VIRTUAL), ==, target);
    g_assert_cmpint(st.last_clock, ==, target);
    g_assert_cmpint(st.fired, >, 1);
    g_assert_cmpint(st.fired, <, 1000000);
    g_assert_cmpint(timer_expire_ns(st.t), >, target);
    /* The slower timer ran at its own deadlines until the collapse. */
    g_assert_cmpint(slow.fired, >=, 1);
    g_assert_cmpint(timer_expire_ns(slow.t), >, target);

    /* One that never coalesces still ends the warp, left due. */
    st.fired = 0;
    timer_free(st.t);
    st.t = timer_new_ns(KEMU_CLOCK_VIRTUAL, storm_cb, &st);
    timer_mod_ns(st.t, target + 1);
    clock_virtual_warp(target + 1000000);
    g_assert_cmpint(st.fired, >, 1);
    g_assert_cmpint(st.fired, <, 1000000);
    g_assert_cmpint(clock_get_ns(KEMU_CLOCK_VIRTUAL), ==, target + 1000000);
    timer_free(st.t);
    timer_free(slow.t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/timer/manual-warp", test_manual_warp);
    g_test_add_func("/timer/stop-start", test_stop_start);
    g_test_add_func("/main-loop/timer", test_main_loop_timer);
    g_test_add_func("/main-loop/bh", test_bh_from_thread);
    g_test_add_func("/main-loop/fd", test_fd_handler);
    g_test_add_func("/timer/once-per-pass", test_once_per_pass);
    g_test_add_func("/main-loop/timer-storm-fd", test_storm_fd);
    g_test_add_func("/timer/warp-collapse", test_warp_collapse);
    return g_test_run();
}
