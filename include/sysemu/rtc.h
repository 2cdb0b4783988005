/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -rtc [base=utc|localtime|DATE][,clock=host|rt|vm][,driftfix=none|slew]:
 * the time a guest's real-time clock starts at, the clock it runs on,
 * and whether the RTC re-injects periodic interrupts the guest missed
 * (driftfix=slew sets mc146818rtc.lost_tick_policy=slew).
 */
#ifndef KEMU_SYSEMU_RTC_H
#define KEMU_SYSEMU_RTC_H

#include "util/error.h"
#include "util/opts.h"
#include "util/timer.h"

/* The clock guest RTCs run on (clock=; kemu's default: vm). */
extern ClockType rtc_clock;

/* Applies one -rtc option's keys; false with errp on a bad value. */
bool rtc_parse_opts(Opts *opts, Error **errp);

/* The UTC second a guest RTC starts at when it is realized: the host's
 * time (base=utc), its local wall-clock time (base=localtime, as a
 * guest that keeps its RTC in local time expects) or base=DATE. */
int64_t rtc_start_seconds(void);

#endif
