/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Clocks and timers. Each clock keeps its armed timers in a list sorted
 * by deadline; the main loop sleeps until the earliest one and then runs
 * what is due. The virtual clock is host monotonic time minus an offset
 * that grows while the VM is stopped; in manual (qtest) mode it is a plain
 * counter moved by clock_virtual_warp.
 */
#include "util/osdep.h"
#include "util/timer.h"
#include "util/main-loop.h"
#include <time.h>

struct Timer {
    ClockType type;
    TimerCB *cb;
    void *opaque;
    int64_t expire;
    bool pending;
    Timer *next;
    uint64_t pass;          /* last pass it fired in (see pop_due) */
    uint64_t warp;          /* last warp it fired in, and how often */
    unsigned warp_fires;
};

/*
 * A periodic timer whose period is shorter than the time a pass takes (a
 * guest asking for an HPET period of 10 ns) would be due again as soon as
 * it re-arms. Each timer therefore fires at most once per main-loop pass:
 * it stays due and runs in the next pass, after glib has polled the fds,
 * so a timer storm costs CPU but cannot starve fd events, signals or the
 * monitor. Devices re-arm relative to the time they read, so a late
 * periodic timer skips (coalesces) the periods it missed.
 *
 * In manual (qtest) mode one clock_step may cover millions of periods.
 * A warp runs each timer at its exact deadlines up to WARP_FIRE_BUDGET
 * times; past that the rest of the warp collapses into one late pass:
 * the clock jumps to the target and each due timer fires once more,
 * seeing how late it is and coalescing like a real-time pass.
 */
#define WARP_FIRE_BUDGET 10000

static GMutex timer_lock;
static Timer *active[KEMU_CLOCK_MAX];
static void (*notify_fn)(void);

/* Virtual clock state, under timer_lock. */
static bool vclock_running;
static bool vclock_manual;
static int64_t vclock_offset;   /* running: virtual = monotonic - offset */
static int64_t vclock_frozen;   /* stopped/manual: the current value */
static uint64_t pass_count;     /* under timer_lock */
static uint64_t warp_count;

int64_t get_monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * NANOSECONDS_PER_SECOND + ts.tv_nsec;
}

static int64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec * NANOSECONDS_PER_SECOND + ts.tv_nsec;
}

static int64_t vclock_now_locked(void)
{
    if (vclock_running && !vclock_manual) {
        return get_monotonic_ns() - vclock_offset;
    }
    return vclock_frozen;
}

int64_t clock_get_ns(ClockType type)
{
    int64_t v;

    switch (type) {
    case KEMU_CLOCK_REALTIME:
        return get_monotonic_ns();
    case KEMU_CLOCK_HOST:
        return host_ns();
    case KEMU_CLOCK_VIRTUAL:
        g_mutex_lock(&timer_lock);
        v = vclock_now_locked();
        g_mutex_unlock(&timer_lock);
        return v;
    default:
        g_assert_not_reached();
    }
}

int64_t clock_get_ms(ClockType type)
{
    return clock_get_ns(type) / 1000000;
}

Timer *timer_new_ns(ClockType type, TimerCB *cb, void *opaque)
{
    Timer *t = g_new0(Timer, 1);
    t->type = type;
    t->cb = cb;
    t->opaque = opaque;
    t->expire = -1;
    return t;
}

static void timer_unlink_locked(Timer *t)
{
    Timer **pp;

    if (!t->pending) {
        return;
    }
    for (pp = &active[t->type]; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    }
    t->next = NULL;
    t->pending = false;
}

void timer_free(Timer *t)
{
    if (!t) {
        return;
    }
    timer_del(t);
    g_free(t);
}

void timer_mod_ns(Timer *t, int64_t expire_ns)
{
    Timer **pp;
    bool first;

    if (expire_ns < 0) {
        expire_ns = 0;
    }
    g_mutex_lock(&timer_lock);
    timer_unlink_locked(t);
    t->expire = expire_ns;
    /* Equal deadlines keep arming order. */
    for (pp = &active[t->type]; *pp && (*pp)->expire <= expire_ns;
         pp = &(*pp)->next) {
    }
    t->next = *pp;
    *pp = t;
    t->pending = true;
    first = active[t->type] == t;
    g_mutex_unlock(&timer_lock);
    if (first && notify_fn) {
        notify_fn();
    }
}

void timer_del(Timer *t)
{
    g_mutex_lock(&timer_lock);
    timer_unlink_locked(t);
    g_mutex_unlock(&timer_lock);
}

bool timer_pending(Timer *t)
{
    return t && t->pending;
}

int64_t timer_expire_ns(Timer *t)
{
    return t->pending ? t->expire : -1;
}

void clock_virtual_start(void)
{
    g_mutex_lock(&timer_lock);
    if (!vclock_running) {
        vclock_running = true;
        vclock_offset = get_monotonic_ns() - vclock_frozen;
    }
    g_mutex_unlock(&timer_lock);
    if (notify_fn) {
        notify_fn();
    }
}

void clock_virtual_stop(void)
{
    g_mutex_lock(&timer_lock);
    if (vclock_running) {
        vclock_frozen = vclock_now_locked();
        vclock_running = false;
    }
    g_mutex_unlock(&timer_lock);
}

void clock_virtual_set_manual(bool manual)
{
    g_mutex_lock(&timer_lock);
    if (manual != vclock_manual) {
        if (manual) {
            vclock_frozen = vclock_now_locked();
        } else {
            vclock_offset = get_monotonic_ns() - vclock_frozen;
        }
        vclock_manual = manual;
    }
    g_mutex_unlock(&timer_lock);
}

bool clock_virtual_is_manual(void)
{
    return vclock_manual;
}

/* Runs t's callback with the BQL (taken here if the caller lacks it). */
static void timer_fire(Timer *t)
{
    bool took = !bql_locked();
    if (took) {
        bql_lock();
    }
    t->cb(t->opaque);
    if (took) {
        bql_unlock();
    }
}

/* Pops the earliest timer of clock 'type' that is due at 'now' and has
 * not fired in 'pass' yet; stamps it with the pass. Under timer_lock. */
static Timer *pop_due_locked(ClockType type, int64_t now, uint64_t pass)
{
    for (Timer *t = active[type]; t && t->expire <= now; t = t->next) {
        if (t->pass != pass) {
            timer_unlink_locked(t);
            t->pass = pass;
            return t;
        }
    }
    return NULL;
}

void clock_virtual_warp(int64_t target_ns)
{
    uint64_t warp, pass = 0;

    g_mutex_lock(&timer_lock);
    warp = ++warp_count;
    g_mutex_unlock(&timer_lock);
    for (;;) {
        Timer *t;

        g_mutex_lock(&timer_lock);
        if (pass) {
            t = pop_due_locked(KEMU_CLOCK_VIRTUAL, target_ns, pass);
        } else {
            t = active[KEMU_CLOCK_VIRTUAL];
            if (t && t->expire > target_ns) {
                t = NULL;
            }
            if (t) {
                t->warp_fires = t->warp == warp ? t->warp_fires + 1 : 1;
                t->warp = warp;
                if (t->warp_fires > WARP_FIRE_BUDGET) {
                    /* Collapse the rest of the warp (see the top). */
                    pass = ++pass_count;
                    if (target_ns > vclock_frozen) {
                        vclock_frozen = target_ns;
                    }
                    t = pop_due_locked(KEMU_CLOCK_VIRTUAL, target_ns, pass);
                } else {
                    timer_unlink_locked(t);
                }
            }
        }
        if (!t) {
            if (target_ns > vclock_frozen) {
                vclock_frozen = target_ns;
            }
            g_mutex_unlock(&timer_lock);
            return;
        }
        /* The clock reads the timer's deadline while its callback runs. */
        if (t->expire > vclock_frozen) {
            vclock_frozen = t->expire;
        }
        g_mutex_unlock(&timer_lock);
        timer_fire(t);
    }
}

int64_t timers_next_deadline(ClockType type)
{
    int64_t d;

    g_mutex_lock(&timer_lock);
    d = active[type] ? active[type]->expire : -1;
    g_mutex_unlock(&timer_lock);
    return d;
}

int64_t timers_wait_ns(void)
{
    int64_t best = -1;

    for (int c = 0; c < KEMU_CLOCK_MAX; c++) {
        int64_t d, now;

        if (c == KEMU_CLOCK_VIRTUAL && (vclock_manual || !vclock_running)) {
            continue;   /* frozen: its timers cannot come due by waiting */
        }
        d = timers_next_deadline(c);
        if (d < 0) {
            continue;
        }
        now = clock_get_ns(c);
        d = d > now ? d - now : 0;
        if (best < 0 || d < best) {
            best = d;
        }
    }
    return best;
}

void timers_run_expired(void)
{
    uint64_t pass;

    g_mutex_lock(&timer_lock);
    pass = ++pass_count;
    g_mutex_unlock(&timer_lock);
    for (int c = 0; c < KEMU_CLOCK_MAX; c++) {
        for (;;) {
            int64_t now = clock_get_ns(c);
            Timer *t;

            g_mutex_lock(&timer_lock);
            t = pop_due_locked(c, now, pass);
            g_mutex_unlock(&timer_lock);
            if (!t) {
                break;
            }
            timer_fire(t);
        }
    }
}

void timers_set_notify(void (*notify)(void))
{
    notify_fn = notify;
}
