/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MC146818A real-time clock with 128 bytes of CMOS RAM, per the Motorola
 * data sheet: ports 0x70 (index, bit 7 masks NMI) and 0x71 (data).
 *
 * Time is not ticked register by register: the RTC keeps one offset
 * between the virtual clock and UTC (guest time = virtual clock +
 * offset_ns) and fills the time registers from it when they are read.
 * While the clock is stopped (SET in register B, or the divider held in
 * reset) the registers are frozen and the guest may write them; when it
 * restarts, the offset is recomputed from them.
 *
 * Interrupts: a 1 Hz timer sets UF (and AF when the alarm matches) at
 * every update while the clock runs; a periodic timer at the rate chosen
 * by register A sets PF while PIE is on. With PIE off PF is worked out
 * when register C is read, so no fast timer runs for nobody.
 *
 * Time runs on the clock -rtc clock= chose (sysemu/rtc.h; default the
 * virtual clock) from the time -rtc base= chose.
 *
 * Lost ticks: with lost_tick_policy=slew (-rtc driftfix=slew) a periodic
 * interrupt is lost when its slot comes while the guest has not taken
 * the previous one (PF still set in register C), or when the timer ran
 * late and skipped slots (the main loop coalesces periodic timers).
 * Lost ones are counted and re-injected one at a time, each a quarter
 * period after the guest acknowledged the previous interrupt by reading
 * register C, so a guest that counts interrupts to keep time (Windows)
 * catches up. A rate change rescales the backlog to keep the time it
 * stands for.
 */
#include "util/osdep.h"
#include <time.h>
#include "hw/rtc/mc146818rtc.h"
#include "sysemu/rtc.h"
#include "monitor/qmp.h"
#include "qom/property.h"
#include "util/log.h"
#include "util/timer.h"

#define REG_SEC       0x00
#define REG_SEC_ALARM 0x01
#define REG_MIN       0x02
#define REG_MIN_ALARM 0x03
#define REG_HOUR      0x04
#define REG_HOUR_ALARM 0x05
#define REG_WDAY      0x06
#define REG_MDAY      0x07
#define REG_MONTH     0x08
#define REG_YEAR      0x09

#define REGA_UIP      0x80
#define REGA_DV_MASK  0x70
#define REGA_DV_NORMAL 0x20   /* 32.768 kHz time base, running */
#define REGA_RS_MASK  0x0f

#define REGB_SET      0x80
#define REGB_PIE      0x40
#define REGB_AIE      0x20
#define REGB_UIE      0x10
#define REGB_SQWE     0x08
#define REGB_DM       0x04    /* binary instead of BCD */
#define REGB_24H      0x02

#define REGC_IRQF     0x80
#define REGC_PF       0x40
#define REGC_AF       0x20
#define REGC_UF       0x10

#define REGD_VRT      0x80

/* UIP rises this long before each update (data sheet: 244 us). */
#define UIP_HOLD_NS   244000
#define RTC_FREQ      32768

typedef struct RTCState {
    ISADevice parent_obj;
    /* properties */
    uint16_t iobase;
    uint8_t isairq;
    int32_t base_year;
    int lost_tick_policy;       /* LostTickPolicy: discard or slew */

    /* guest-visible state */
    uint8_t cmos[RTC_CMOS_SIZE];
    uint8_t index;
    bool nmi_masked;
    int64_t offset_ns;        /* UTC ns = virtual clock + offset_ns */
    int64_t pf_last;          /* last periodic slot accounted in PF */
    bool hpet_legacy;         /* HPET legacy replacement owns IRQ 8 */
    uint32_t coalesced;       /* slew: periodic interrupts owed */

    /* host side */
    ClockType clock;          /* -rtc clock= */
    qemu_irq irq;
    Timer *periodic_timer;
    Timer *second_timer;
    Timer *reinject_timer;
    MemoryRegion io;
} RTCState;

/* Realized RTCs, for QMP rtc-reset-reinjection. */
static GSList *rtc_list;

OBJECT_DECLARE_SIMPLE_TYPE(RTCState, MC146818_RTC)

/* The backlog of owed interrupts holds at most this much guest time. */
#define RTC_COALESCED_MAX_SECS 60

static int64_t rtc_now(RTCState *s)
{
    return clock_get_ns(s->clock);
}

static bool rtc_running(RTCState *s)
{
    return (s->cmos[RTC_REG_A] & REGA_DV_MASK) == REGA_DV_NORMAL &&
           !(s->cmos[RTC_REG_B] & REGB_SET);
}

static bool rtc_divider_running(RTCState *s)
{
    return (s->cmos[RTC_REG_A] & REGA_DV_MASK) == REGA_DV_NORMAL;
}

static int64_t rtc_guest_ns(RTCState *s)
{
    return rtc_now(s) + s->offset_ns;
}

static uint8_t to_reg(RTCState *s, int v)
{
    if (s->cmos[RTC_REG_B] & REGB_DM) {
        return v;
    }
    return ((v / 10) << 4) | (v % 10);
}

static int from_reg(RTCState *s, uint8_t v)
{
    if (s->cmos[RTC_REG_B] & REGB_DM) {
        return v;
    }
    return (v >> 4) * 10 + (v & 0x0f);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Fill the time registers (and the century byte) from a UTC second. */
static void rtc_regs_from_time(RTCState *s, int64_t secs)
{
    time_t t = secs;
    struct tm tm;
    int hour;

    gmtime_r(&t, &tm);
    s->cmos[REG_SEC] = to_reg(s, tm.tm_sec);
    s->cmos[REG_MIN] = to_reg(s, tm.tm_min);
    hour = tm.tm_hour;
    if (s->cmos[RTC_REG_B] & REGB_24H) {
        s->cmos[REG_HOUR] = to_reg(s, hour);
    } else {
        int h12 = hour % 12 ? hour % 12 : 12;
        s->cmos[REG_HOUR] = to_reg(s, h12) | (hour >= 12 ? 0x80 : 0);
    }
    s->cmos[REG_WDAY] = to_reg(s, tm.tm_wday + 1);
    s->cmos[REG_MDAY] = to_reg(s, tm.tm_mday);
    s->cmos[REG_MONTH] = to_reg(s, tm.tm_mon + 1);
    s->cmos[REG_YEAR] = to_reg(s, (tm.tm_year + 1900) % 100);
    s->cmos[RTC_CENTURY] = to_reg(s, (tm.tm_year + 1900) / 100);
}

/* Nonsense registers (month 0xff, day 0x99...) normalise to dates far
 * out; keep the guest clock where nanoseconds fit in 64 bits. */
#define RTC_MIN_SECS  (-2208988800LL)     /* 1900-01-01 */
#define RTC_MAX_SECS  7258118400LL        /* 2200-01-01 */

static int64_t rtc_time_from_regs(RTCState *s)
{
    struct tm tm = { 0 };
    int64_t secs;
    uint8_t h = s->cmos[REG_HOUR];
    int year = from_reg(s, s->cmos[REG_YEAR]);
    int century = from_reg(s, s->cmos[RTC_CENTURY]);

    tm.tm_sec = from_reg(s, s->cmos[REG_SEC]);
    tm.tm_min = from_reg(s, s->cmos[REG_MIN]);
    if (s->cmos[RTC_REG_B] & REGB_24H) {
        tm.tm_hour = from_reg(s, h);
    } else {
        tm.tm_hour = from_reg(s, h & 0x7f) % 12 + ((h & 0x80) ? 12 : 0);
    }
    tm.tm_mday = from_reg(s, s->cmos[REG_MDAY]);
    tm.tm_mon = from_reg(s, s->cmos[REG_MONTH]) - 1;
    /* No usable century byte (or one that would overflow the 64-bit
     * nanosecond clock past 2262): pick the obvious one. */
    if (century < 19 || century > 21) {
        century = year < 70 ? 20 : 19;
    }
    tm.tm_year = century * 100 + year - 1900;
    secs = timegm(&tm);
    if (secs < RTC_MIN_SECS || secs > RTC_MAX_SECS) {
        kemu_log_mask(LOG_GUEST_ERROR, "mc146818rtc: time registers out "
                      "of range, clock clamped\n");
        secs = secs < RTC_MIN_SECS ? RTC_MIN_SECS : RTC_MAX_SECS;
    }
    return secs;
}

/* Bring the time registers up to date (only while the clock runs). */
static void rtc_refresh(RTCState *s)
{
    if (rtc_running(s)) {
        rtc_regs_from_time(s, floor_div(rtc_guest_ns(s),
                                        NANOSECONDS_PER_SECOND));
    }
}

/* Restart the clock from the registers, 'phase_ns' into the second. */
static void rtc_set_offset_from_regs(RTCState *s, int64_t phase_ns)
{
    s->offset_ns = rtc_time_from_regs(s) * NANOSECONDS_PER_SECOND +
                   phase_ns - rtc_now(s);
}

static void rtc_update_irq(RTCState *s)
{
    uint8_t pending = s->cmos[RTC_REG_C] & s->cmos[RTC_REG_B] &
                      (REGC_PF | REGC_AF | REGC_UF);

    qemu_set_irq(s->irq, pending != 0 && !s->hpet_legacy);
}

/* GPIO in "hpet-legacy": while high the chipset gives IRQ 8 to HPET
 * timer 1; REG_C still latches, IRQF just goes nowhere. */
static void rtc_hpet_legacy(void *opaque, int n, int level)
{
    RTCState *s = opaque;

    s->hpet_legacy = level;
    rtc_update_irq(s);
}

/* ---- periodic interrupt ---- */

static int64_t rtc_period_ticks(RTCState *s)
{
    int rs = s->cmos[RTC_REG_A] & REGA_RS_MASK;

    if (!rs || !rtc_divider_running(s)) {
        return 0;
    }
    /* Rates 1 and 2 repeat rates 8 and 9 (256 Hz, 128 Hz). */
    return rs <= 2 ? 1 << (rs + 6) : 1 << (rs - 1);
}

static int64_t ns_to_ticks(int64_t ns)
{
    return (int64_t)(((__int128)ns * RTC_FREQ) / NANOSECONDS_PER_SECOND);
}

static int64_t ticks_to_ns_ceil(int64_t ticks)
{
    __int128 n = (__int128)ticks * NANOSECONDS_PER_SECOND;
    return (int64_t)((n + RTC_FREQ - 1) / RTC_FREQ);
}

static int64_t rtc_period_slot(RTCState *s, int64_t period)
{
    return floor_div(ns_to_ticks(rtc_now(s)), period);
}

static void rtc_arm_periodic(RTCState *s)
{
    int64_t period = rtc_period_ticks(s);

    if (period && (s->cmos[RTC_REG_B] & REGB_PIE)) {
        int64_t next = (rtc_period_slot(s, period) + 1) * period;
        timer_mod_ns(s->periodic_timer, ticks_to_ns_ceil(next));
    } else {
        timer_del(s->periodic_timer);
    }
}

/* PF for slots that passed without the timer (PIE off). */
static void rtc_catch_up_pf(RTCState *s)
{
    int64_t period = rtc_period_ticks(s);

    if (period) {
        int64_t slot = rtc_period_slot(s, period);
        if (slot != s->pf_last) {
            s->cmos[RTC_REG_C] |= REGC_PF;
            s->pf_last = slot;
        }
    }
}

static void rtc_resync_pf(RTCState *s)
{
    int64_t period = rtc_period_ticks(s);

    s->pf_last = period ? rtc_period_slot(s, period) : 0;
}

static int64_t rtc_period_ns(int64_t period)
{
    int64_t ns = ticks_to_ns_ceil(period);
    return ns > 0 ? ns : 1;
}

static void rtc_coalesce(RTCState *s, int64_t n, int64_t period)
{
    int64_t max = RTC_COALESCED_MAX_SECS * RTC_FREQ / period;

    if (n > 0) {
        s->coalesced = MIN((int64_t)s->coalesced + n, max);
    }
}

/* The guest took an interrupt (read C): the next owed one follows soon. */
static void rtc_arm_reinject(RTCState *s)
{
    int64_t period = rtc_period_ticks(s);

    if (s->coalesced && period && (s->cmos[RTC_REG_B] & REGB_PIE)) {
        timer_mod_ns(s->reinject_timer,
                     rtc_now(s) + MAX(rtc_period_ns(period) / 4, 1));
    }
}

static void rtc_reinject_cb(void *opaque)
{
    RTCState *s = opaque;

    if (!s->coalesced || !rtc_period_ticks(s) ||
        !(s->cmos[RTC_REG_B] & REGB_PIE) ||
        (s->cmos[RTC_REG_C] & REGC_PF)) {
        return;     /* the next read of register C tries again */
    }
    s->coalesced--;
    s->cmos[RTC_REG_C] |= REGC_PF;
    rtc_update_irq(s);
}

static void rtc_periodic_cb(void *opaque)
{
    RTCState *s = opaque;
    int64_t period = rtc_period_ticks(s);

    if (period && s->lost_tick_policy == LOST_TICK_POLICY_SLEW) {
        int64_t gap = rtc_period_slot(s, period) - s->pf_last;

        /* Slots a late timer skipped, and this one if the guest has
         * not taken the last interrupt yet. */
        if (gap > 0) {
            rtc_coalesce(s, gap - 1 + !!(s->cmos[RTC_REG_C] & REGC_PF),
                         period);
        }
    }
    rtc_catch_up_pf(s);
    rtc_update_irq(s);
    rtc_arm_periodic(s);
}

/* ---- update cycle: UF and alarm ---- */

static bool alarm_field_matches(uint8_t alarm, uint8_t now)
{
    return (alarm & 0xc0) == 0xc0 || alarm == now;
}

static void rtc_arm_second(RTCState *s)
{
    if (rtc_running(s)) {
        int64_t t = rtc_guest_ns(s);
        int64_t next = (floor_div(t, NANOSECONDS_PER_SECOND) + 1) *
                       NANOSECONDS_PER_SECOND;
        timer_mod_ns(s->second_timer, next - s->offset_ns);
    } else {
        timer_del(s->second_timer);
    }
}

static void rtc_second_cb(void *opaque)
{
    RTCState *s = opaque;

    if (!rtc_running(s)) {
        return;
    }
    rtc_refresh(s);
    s->cmos[RTC_REG_C] |= REGC_UF;
    if (alarm_field_matches(s->cmos[REG_SEC_ALARM], s->cmos[REG_SEC]) &&
        alarm_field_matches(s->cmos[REG_MIN_ALARM], s->cmos[REG_MIN]) &&
        alarm_field_matches(s->cmos[REG_HOUR_ALARM], s->cmos[REG_HOUR])) {
        s->cmos[RTC_REG_C] |= REGC_AF;
    }
    rtc_update_irq(s);
    rtc_arm_second(s);
}

static void rtc_rearm(RTCState *s)
{
    rtc_arm_periodic(s);
    rtc_arm_second(s);
}

/* ---- register access ---- */

static uint8_t rtc_read_data(RTCState *s)
{
    uint8_t idx = s->index, ret;

    switch (idx) {
    case REG_SEC ... REG_YEAR:
        rtc_refresh(s);
        return s->cmos[idx];
    case RTC_REG_A: {
        ret = s->cmos[RTC_REG_A] & ~REGA_UIP;
        if (rtc_running(s)) {
            int64_t frac = rtc_guest_ns(s) -
                           floor_div(rtc_guest_ns(s), NANOSECONDS_PER_SECOND) *
                           NANOSECONDS_PER_SECOND;
            if (frac >= NANOSECONDS_PER_SECOND - UIP_HOLD_NS) {
                ret |= REGA_UIP;
            }
        }
        return ret;
    }
    case RTC_REG_C:
        rtc_catch_up_pf(s);
        ret = s->cmos[RTC_REG_C] & (REGC_PF | REGC_AF | REGC_UF);
        if (ret & s->cmos[RTC_REG_B]) {
            ret |= REGC_IRQF;
        }
        s->cmos[RTC_REG_C] = 0;       /* reading C acknowledges */
        rtc_update_irq(s);
        rtc_arm_reinject(s);
        return ret;
    case RTC_REG_D:
        return REGD_VRT;
    case RTC_CENTURY:
        rtc_refresh(s);
        return s->cmos[idx];
    default:
        return s->cmos[idx];
    }
}

static void rtc_write_reg_a(RTCState *s, uint8_t v)
{
    bool was_running = rtc_running(s);
    bool div_was = rtc_divider_running(s);
    int64_t old_period = rtc_period_ticks(s), new_period;

    if (was_running && (v & REGA_DV_MASK) != REGA_DV_NORMAL) {
        rtc_refresh(s);                  /* freeze what the guest sees */
    }
    s->cmos[RTC_REG_A] = v & ~REGA_UIP;
    if (!div_was && rtc_divider_running(s) && rtc_running(s)) {
        /* Leaving divider reset: the first update comes 500 ms later. */
        rtc_set_offset_from_regs(s, NANOSECONDS_PER_SECOND / 2);
    }
    new_period = rtc_period_ticks(s);
    if (s->coalesced && old_period && new_period &&
        old_period != new_period) {
        /* Owed interrupts stand for time: keep it at the new rate. */
        s->coalesced = MIN((uint64_t)s->coalesced * old_period / new_period,
                           (uint64_t)RTC_COALESCED_MAX_SECS * RTC_FREQ /
                           new_period);
    }
    rtc_resync_pf(s);
}

static void rtc_write_reg_b(RTCState *s, uint8_t v)
{
    uint8_t old = s->cmos[RTC_REG_B];

    if (v & REGB_SET) {
        if (!(old & REGB_SET)) {
            rtc_refresh(s);
        }
        v &= ~REGB_UIE;                  /* SET clears UIE (data sheet) */
    } else if ((old & REGB_SET) && rtc_divider_running(s)) {
        s->cmos[RTC_REG_B] = v;          /* read regs in the new format */
        rtc_set_offset_from_regs(s, 0);
    }
    s->cmos[RTC_REG_B] = v;
    rtc_resync_pf(s);
}

static void rtc_write_data(RTCState *s, uint8_t v)
{
    uint8_t idx = s->index;

    switch (idx) {
    case REG_SEC_ALARM:
    case REG_MIN_ALARM:
    case REG_HOUR_ALARM:
        s->cmos[idx] = v;
        return;
    case REG_SEC:
    case REG_MIN:
    case REG_HOUR:
    case REG_WDAY:
    case REG_MDAY:
    case REG_MONTH:
    case REG_YEAR:
        if (rtc_running(s)) {
            /* Setting one field of a running clock keeps its phase. */
            int64_t t = rtc_guest_ns(s);
            int64_t phase = t - floor_div(t, NANOSECONDS_PER_SECOND) *
                                NANOSECONDS_PER_SECOND;
            rtc_refresh(s);
            s->cmos[idx] = v;
            rtc_set_offset_from_regs(s, phase);
        } else {
            s->cmos[idx] = v;
        }
        break;
    case RTC_REG_A:
        rtc_write_reg_a(s, v);
        break;
    case RTC_REG_B:
        rtc_write_reg_b(s, v);
        break;
    case RTC_REG_C:
    case RTC_REG_D:
        kemu_log_mask(LOG_GUEST_ERROR,
                      "mc146818rtc: write to read-only register 0x%x\n", idx);
        return;
    default:
        s->cmos[idx] = v;
        return;
    }
    rtc_update_irq(s);
    rtc_rearm(s);
}

static void rtc_io_write(void *opaque, hwaddr addr, uint64_t val,
                         unsigned size)
{
    RTCState *s = opaque;

    if (addr == 0) {
        s->index = val & 0x7f;
        s->nmi_masked = val & 0x80;
    } else {
        rtc_write_data(s, val);
    }
}

static uint64_t rtc_io_read(void *opaque, hwaddr addr, unsigned size)
{
    RTCState *s = opaque;

    /* The index register is write-only; the bus floats high. */
    return addr == 0 ? 0xff : rtc_read_data(s);
}

static const MemoryRegionOps rtc_io_ops = {
    .read = rtc_io_read,
    .write = rtc_io_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- board API ---- */

void rtc_set_memory(DeviceState *dev, int addr, int val)
{
    RTCState *s = MC146818_RTC(dev);

    if (addr >= 0 && addr < RTC_CMOS_SIZE) {
        s->cmos[addr] = val;
    }
}

int rtc_get_memory(DeviceState *dev, int addr)
{
    RTCState *s = MC146818_RTC(dev);

    return addr >= 0 && addr < RTC_CMOS_SIZE ? s->cmos[addr] : 0xff;
}

/* ---- device ---- */

static bool rtc_realize(DeviceState *dev, Error **errp)
{
    RTCState *s = MC146818_RTC(dev);
    int64_t host_secs;

    if (s->isairq >= ISA_NUM_IRQS) {
        error_setg(errp, "Invalid IRQ %u (max %d)", s->isairq,
                   ISA_NUM_IRQS - 1);
        return false;
    }
    if (s->lost_tick_policy != LOST_TICK_POLICY_DISCARD &&
        s->lost_tick_policy != LOST_TICK_POLICY_SLEW) {
        error_setg(errp, "Invalid lost tick policy.");
        return false;
    }
    s->clock = rtc_clock;
    s->cmos[RTC_REG_A] = REGA_DV_NORMAL | 0x06;   /* 1024 Hz selected */
    s->cmos[RTC_REG_B] = REGB_24H;
    s->cmos[RTC_REG_C] = 0;
    s->cmos[RTC_REG_D] = REGD_VRT;
    /* Whole seconds (-rtc base=), so guest updates fall on second
     * boundaries of the RTC's clock (deterministic under qtest). */
    host_secs = rtc_start_seconds();
    s->offset_ns = host_secs * NANOSECONDS_PER_SECOND - rtc_now(s);
    rtc_regs_from_time(s, host_secs);

    s->irq = isa_get_irq(ISA_DEVICE(dev), s->isairq);
    qdev_init_gpio_in_named(dev, rtc_hpet_legacy, "hpet-legacy", 1);
    s->periodic_timer = timer_new_ns(s->clock, rtc_periodic_cb, s);
    s->second_timer = timer_new_ns(s->clock, rtc_second_cb, s);
    s->reinject_timer = timer_new_ns(s->clock, rtc_reinject_cb, s);
    memory_region_init_io(&s->io, OBJECT(dev), &rtc_io_ops, s, "rtc", 2);
    isa_register_ioport(ISA_DEVICE(dev), &s->io, s->iobase);
    rtc_resync_pf(s);
    rtc_rearm(s);
    rtc_list = g_slist_prepend(rtc_list, s);
    return true;
}

static void rtc_unrealize(DeviceState *dev)
{
    RTCState *s = MC146818_RTC(dev);

    if (s->io.container) {
        memory_region_del_subregion(s->io.container, &s->io);
    }
    memory_region_destroy(&s->io);
    timer_free(s->periodic_timer);
    timer_free(s->second_timer);
    timer_free(s->reinject_timer);
    s->periodic_timer = s->second_timer = s->reinject_timer = NULL;
    rtc_list = g_slist_remove(rtc_list, s);
}

/* The RESET pin: interrupt enables and flags clear; time and RAM stay. */
static void rtc_reset(DeviceState *dev)
{
    RTCState *s = MC146818_RTC(dev);

    s->cmos[RTC_REG_B] &= ~(REGB_PIE | REGB_AIE | REGB_UIE | REGB_SQWE);
    s->cmos[RTC_REG_C] = 0;
    s->coalesced = 0;
    rtc_update_irq(s);
    if (s->periodic_timer) {
        timer_del(s->reinject_timer);
        rtc_resync_pf(s);
        rtc_rearm(s);
    }
}

static int rtc_post_load(void *opaque, int version)
{
    RTCState *s = opaque;

    if (s->periodic_timer) {
        rtc_update_irq(s);
        rtc_rearm(s);
        rtc_arm_reinject(s);
    }
    return 0;
}

static const StateField rtc_fields[] = {
    STATE_UINT8_ARRAY(cmos, RTCState, RTC_CMOS_SIZE),
    STATE_UINT8(index, RTCState),
    STATE_BOOL(nmi_masked, RTCState),
    STATE_INT64(offset_ns, RTCState),
    STATE_INT64(pf_last, RTCState),
    STATE_BOOL(hpet_legacy, RTCState),
    STATE_UINT32(coalesced, RTCState),
    STATE_END
};

static const StateDesc rtc_state = {
    .name = "mc146818rtc",
    .version = 1,
    .fields = rtc_fields,
    .post_load = rtc_post_load,
};

static const Property rtc_props[] = {
    DEFINE_PROP_INT32("base_year", RTCState, base_year, 1980),
    DEFINE_PROP_UINT16("iobase", RTCState, iobase, 0x70),
    DEFINE_PROP_UINT8("irq", RTCState, isairq, RTC_ISA_IRQ),
    DEFINE_PROP_LOSTTICKPOLICY("lost_tick_policy", RTCState,
                               lost_tick_policy, LOST_TICK_POLICY_DISCARD),
    DEFINE_PROP_END,
};

static void rtc_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "MC146818 RTC and CMOS RAM";
    dc->category = "misc";
    dc->bus_type = TYPE_ISA_BUS;
    dc->user_creatable = false;     /* one per board, made by the board */
    dc->realize = rtc_realize;
    dc->unrealize = rtc_unrealize;
    dc->reset = rtc_reset;
    dc->state = &rtc_state;
    device_class_set_props(dc, rtc_props);
}

static const TypeInfo rtc_types[] = {
    {
        .name = TYPE_MC146818_RTC,
        .parent = TYPE_ISA_DEVICE,
        .instance_size = sizeof(RTCState),
        .class_init = rtc_class_init,
    },
};
DEFINE_TYPES(rtc_types)

/* QMP rtc-reset-reinjection: forget the owed interrupts, e.g. after the
 * guest's clock was set another way (a guest agent). */
static JsonNode *qmp_rtc_reset_reinjection(JsonObject *args, Error **errp)
{
    if (qmp_check_args(args, "", errp)) {
        for (GSList *l = rtc_list; l; l = l->next) {
            RTCState *s = l->data;
            s->coalesced = 0;
            timer_del(s->reinject_timer);
        }
    }
    return NULL;
}

static const MonitorCommand rtc_commands[] = {
    { .qmp_name = "rtc-reset-reinjection", .qmp = qmp_rtc_reset_reinjection },
};

static void __attribute__((constructor)) rtc_commands_register(void)
{
    monitor_register_commands(rtc_commands, ARRAY_SIZE(rtc_commands));
}
