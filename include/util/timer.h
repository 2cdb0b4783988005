/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Clocks and timers. Timer callbacks run in the main loop with the BQL.
 *
 * KEMU_CLOCK_VIRTUAL is guest time: it runs while the VM runs and stops while
 * it is paused; under the qtest accelerator it only moves on clock_step/
 * clock_set. KEMU_CLOCK_REALTIME is host monotonic time, always running.
 * KEMU_CLOCK_HOST is wall-clock time (for the RTC's base).
 */
#ifndef KEMU_TIMER_H
#define KEMU_TIMER_H

#include "util/osdep.h"

#define NANOSECONDS_PER_SECOND 1000000000LL

typedef enum ClockType {
    KEMU_CLOCK_REALTIME,
    KEMU_CLOCK_VIRTUAL,
    KEMU_CLOCK_HOST,
    KEMU_CLOCK_MAX
} ClockType;

typedef void TimerCB(void *opaque);
typedef struct Timer Timer;

int64_t clock_get_ns(ClockType type);
int64_t clock_get_ms(ClockType type);
int64_t get_monotonic_ns(void);

Timer *timer_new_ns(ClockType type, TimerCB *cb, void *opaque);
void timer_free(Timer *t);
/* Arm for absolute expire time on the timer's clock (ns). */
void timer_mod_ns(Timer *t, int64_t expire_ns);
void timer_del(Timer *t);
bool timer_pending(Timer *t);
int64_t timer_expire_ns(Timer *t);   /* -1 when not pending */

/* Virtual clock control (runstate and qtest). */
void clock_virtual_start(void);     /* VM resumes: guest time runs */
void clock_virtual_stop(void);      /* VM paused: guest time frozen */
/* qtest mode: the virtual clock moves only through clock_virtual_warp. */
void clock_virtual_set_manual(bool manual);
/* Manual mode: advance to 'target' ns, running due timers in order. */
void clock_virtual_warp(int64_t target_ns);
/* Earliest pending deadline of clock type: absolute ns on that clock, or -1. */
int64_t timers_next_deadline(ClockType type);
/* Nanoseconds of real time until some timer can come due, or -1 (main loop). */
int64_t timers_wait_ns(void);
bool clock_virtual_is_manual(void);
/* Run expired timers of all clocks; called by the main loop. */
void timers_run_expired(void);
/* Called when any timer is armed earlier than before (wakes main loop). */
void timers_set_notify(void (*notify)(void));

#endif
