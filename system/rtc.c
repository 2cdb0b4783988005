/* SPDX-License-Identifier: GPL-2.0-or-later */
/* -rtc: the guest RTC's start time, clock and drift fix (sysemu/rtc.h). */
#include "util/osdep.h"
#include "sysemu/rtc.h"
#include "qom/object.h"
#include <time.h>

ClockType rtc_clock = KEMU_CLOCK_VIRTUAL;

static enum {
    RTC_BASE_UTC,
    RTC_BASE_LOCALTIME,
    RTC_BASE_DATE,
} base_type;
static int64_t base_date;       /* RTC_BASE_DATE: UTC seconds */

/* "2006-06-17T16:01:21" or "2006-06-17", read as UTC. */
static bool parse_date(const char *str, int64_t *out)
{
    struct tm tm = { 0 };
    int n = 0;

    if (sscanf(str, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
               &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) == 6 &&
        !str[n]) {
        /* full form */
    } else if (n = 0, sscanf(str, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon,
                             &tm.tm_mday, &n) == 3 && !str[n]) {
        tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    } else {
        return false;
    }
    /* The years the RTC model can hold (1900-2199). */
    if (tm.tm_year < 1900 || tm.tm_year > 2199 || tm.tm_mon < 1 ||
        tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
        tm.tm_hour < 0 || tm.tm_hour > 23 || tm.tm_min < 0 ||
        tm.tm_min > 59 || tm.tm_sec < 0 || tm.tm_sec > 59) {
        return false;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *out = timegm(&tm);
    return true;
}

bool rtc_parse_opts(Opts *opts, Error **errp)
{
    const char *base = opts_get(opts, "base");
    const char *clock = opts_get(opts, "clock");
    const char *drift = opts_get(opts, "driftfix");

    if (!opts_check_all_used(opts, errp)) {
        return false;
    }
    if (base) {
        if (!strcmp(base, "utc")) {
            base_type = RTC_BASE_UTC;
        } else if (!strcmp(base, "localtime")) {
            base_type = RTC_BASE_LOCALTIME;
        } else if (parse_date(base, &base_date)) {
            base_type = RTC_BASE_DATE;
        } else {
            error_setg(errp, "invalid datetime format");
            error_append_hint(errp, "valid formats: '2006-06-17T16:01:21' "
                              "or '2006-06-17'\n");
            return false;
        }
    }
    if (clock) {
        if (!strcmp(clock, "host")) {
            rtc_clock = KEMU_CLOCK_HOST;
        } else if (!strcmp(clock, "rt")) {
            rtc_clock = KEMU_CLOCK_REALTIME;
        } else if (!strcmp(clock, "vm")) {
            rtc_clock = KEMU_CLOCK_VIRTUAL;
        } else {
            error_setg(errp, "invalid option value '%s'", clock);
            return false;
        }
    }
    if (drift) {
        if (!strcmp(drift, "slew")) {
            return object_register_global_str(
                "mc146818rtc.lost_tick_policy=slew", errp);
        } else if (!strcmp(drift, "none")) {
            return object_register_global_str(
                "mc146818rtc.lost_tick_policy=discard", errp);
        }
        error_setg(errp, "invalid option value '%s'", drift);
        return false;
    }
    return true;
}

int64_t rtc_start_seconds(void)
{
    int64_t now = clock_get_ns(KEMU_CLOCK_HOST) / NANOSECONDS_PER_SECOND;
    time_t t = now;
    struct tm tm;

    switch (base_type) {
    case RTC_BASE_LOCALTIME:
        localtime_r(&t, &tm);
        return now + tm.tm_gmtoff;
    case RTC_BASE_DATE:
        return base_date;
    default:
        return now;
    }
}
