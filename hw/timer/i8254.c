/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 8254 programmable interval timer (datasheet 231164): three 16-bit
 * down counters clocked at 1.193182 MHz, modes 0-5, binary or BCD,
 * counter latch and read-back commands, LSB/MSB/word access. Channel 0's
 * OUT is ISA IRQ 0; channel 2's GATE and OUT belong to port 0x61.
 *
 * Counters are not stepped: each channel remembers when its count was
 * loaded (or triggered) on KEMU_CLOCK_VIRTUAL and derives the counting element
 * and OUT from the elapsed clock ticks. The count written is taken into
 * the counting element on the first CLK after the write (or trigger), as
 * the datasheet's timing diagrams show.
 *
 * Lost ticks: a timer callback that runs late (the main loop coalesces
 * periodic timers, docs/devel/main-loop.md) misses channel 0's periodic
 * ticks. lost_tick_policy says what happens to them: "discard" (the
 * default) drops them; "delay" and "slew" count them and deliver them
 * later as extra IRQ 0 edges, "delay" as soon as it can (a quarter
 * period apart), "slew" spread out (one extra tick per period) so the
 * rate the guest sees rises to twice the normal one until it caught up.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "util/timer.h"
#include "hw/timer/i8254.h"
#include "hw/isa.h"
#include "exec/memory.h"
#include "qom/property.h"

enum { PIT_IDLE, PIT_WAIT, PIT_COUNTING };

typedef struct PITChannel {
    /* programming */
    uint8_t mode;           /* 0-5 */
    uint8_t rw_mode;        /* 1 LSB, 2 MSB, 3 LSB then MSB */
    bool bcd;
    uint32_t cr;            /* last count written, 1..65536 */
    bool write_msb_next;
    uint8_t write_lsb;
    bool read_msb_next;
    /* latches */
    uint8_t count_latch_state;  /* 0 none, 1 LSB, 2 MSB, 3 LSB+MSB, 4 MSB of 3 */
    uint16_t count_latch;
    bool status_latched;
    uint8_t status_latch;
    /* counting */
    uint8_t state;          /* PIT_IDLE / PIT_WAIT / PIT_COUNTING */
    uint32_t count;         /* N in the counting element */
    int64_t start;          /* KEMU_CLOCK_VIRTUAL ns of the load/trigger */
    bool frozen;            /* mode 0/4 with GATE low */
    int64_t frozen_d;       /* ticks counted when frozen */
    uint32_t next_count;    /* mode 2/3: new count at the period's end */
    int64_t next_start;     /* when that period ends; -1: none */
    bool gate;
    bool irq_level;         /* channel 0: level last driven */
} PITChannel;

typedef struct PITState {
    ISADevice parent_obj;

    uint32_t iobase;
    MemoryRegion io;
    qemu_irq irq;
    Timer *timer;           /* channel 0 OUT transitions */
    int64_t timer_due;      /* when it was armed for (host-side) */
    PITChannel ch[3];
    bool hpet_legacy;       /* HPET legacy replacement owns IRQ 0 */
    int lost_tick_policy;   /* LostTickPolicy */
    uint32_t lost;          /* channel 0 ticks missed, not yet delivered */
    Timer *lost_timer;      /* delivers them, one per firing */
} PITState;

/* The backlog of lost ticks holds at most this much guest time; past it
 * (a guest stopped for minutes, a reload of 2) ticks are dropped. */
#define PIT_LOST_MAX_NS (60 * NANOSECONDS_PER_SECOND)

OBJECT_DECLARE_SIMPLE_TYPE(PITState, ISA_PIT)

static const StateField pit_channel_fields[] = {
    STATE_UINT8(mode, PITChannel),
    STATE_UINT8(rw_mode, PITChannel),
    STATE_BOOL(bcd, PITChannel),
    STATE_UINT32(cr, PITChannel),
    STATE_BOOL(write_msb_next, PITChannel),
    STATE_UINT8(write_lsb, PITChannel),
    STATE_BOOL(read_msb_next, PITChannel),
    STATE_UINT8(count_latch_state, PITChannel),
    STATE_UINT16(count_latch, PITChannel),
    STATE_BOOL(status_latched, PITChannel),
    STATE_UINT8(status_latch, PITChannel),
    STATE_UINT8(state, PITChannel),
    STATE_UINT32(count, PITChannel),
    STATE_INT64(start, PITChannel),
    STATE_BOOL(frozen, PITChannel),
    STATE_INT64(frozen_d, PITChannel),
    STATE_UINT32(next_count, PITChannel),
    STATE_INT64(next_start, PITChannel),
    STATE_BOOL(gate, PITChannel),
    STATE_BOOL(irq_level, PITChannel),
    STATE_END
};
static const StateDesc pit_channel_state = {
    .name = "pit-channel", .version = 1, .fields = pit_channel_fields,
};

static int pit_post_load(void *opaque, int version);

static const StateField pit_fields[] = {
    STATE_STRUCT_ARRAY(ch, PITState, 3, PITChannel, &pit_channel_state),
    STATE_BOOL(hpet_legacy, PITState),
    STATE_UINT32(lost, PITState),
    STATE_END
};
static const StateDesc pit_state = {
    .name = "i8254", .version = 1, .fields = pit_fields,
    .post_load = pit_post_load,
};

/* ---- time ---- */

static int64_t pit_ticks(int64_t ns)
{
    return (int64_t)((__int128)ns * PIT_FREQ / NANOSECONDS_PER_SECOND);
}

/* ns after the start at which 'ticks' clock edges have happened. */
static int64_t pit_ticks_to_ns(int64_t ticks)
{
    return (int64_t)(((__int128)ticks * NANOSECONDS_PER_SECOND +
                      PIT_FREQ - 1) / PIT_FREQ);
}

/* Modes 2 and 3 cannot count 1 (datasheet: "illegal"). */
static uint32_t pit_period(PITChannel *c)
{
    return (c->mode >= 2 && c->mode <= 3 && c->count < 2) ? 2 : c->count;
}

/* A mode 2/3 count written while counting takes over at the period end. */
static void pit_apply_pending(PITChannel *c, int64_t now)
{
    if (c->next_start >= 0 && now >= c->next_start) {
        /* At the period boundary the element holds the new count. */
        c->count = c->next_count;
        c->start = c->next_start - pit_ticks_to_ns(1);
        c->next_start = -1;
    }
}

/* Decrements done by the counting element; -1 before it was loaded. */
static int64_t pit_elapsed(PITChannel *c, int64_t now)
{
    if (c->frozen) {
        return c->frozen_d;
    }
    return pit_ticks(now - c->start) - 1;
}

static bool pit_out_at(PITChannel *c, int64_t d)
{
    int64_t n = pit_period(c);

    if (c->state == PIT_IDLE) {
        return c->mode != 0;
    }
    if (c->state == PIT_WAIT || d < 0) {
        return c->mode != 0;
    }
    switch (c->mode) {
    case 0:
    case 1:
        return d >= n;
    case 2:
        return d % n != n - 1;
    case 3:
        return d % n < (n + 1) / 2;
    default: /* 4, 5: one clock low at terminal count */
        return d != n;
    }
}

static bool pit_out(PITChannel *c, int64_t now)
{
    pit_apply_pending(c, now);
    return pit_out_at(c, pit_elapsed(c, now));
}

/* The counting element as software reads it (binary, before BCD). */
static uint16_t pit_value(PITChannel *c, int64_t now)
{
    uint32_t modulo = c->bcd ? 10000 : 65536;
    int64_t n = pit_period(c), d;

    pit_apply_pending(c, now);
    d = pit_elapsed(c, now);
    if (c->state != PIT_COUNTING || d < 0) {
        return c->count % modulo;
    }
    switch (c->mode) {
    case 2:
        return (n - d % n) % modulo;
    case 3: {
        int64_t p = d % n, h = (n + 1) / 2;
        int64_t v = (n & ~1LL) - 2 * (p < h ? p : p - h);
        return (v < 2 ? 2 : v) % modulo;
    }
    default: /* 0, 1, 4, 5 wrap and keep counting after terminal count */
        return ((n - d) % modulo + modulo) % modulo;
    }
}

/* Time of OUT's next change after now, or -1. */
static int64_t pit_next_transition(PITChannel *c, int64_t now)
{
    int64_t n = pit_period(c), d, next;

    pit_apply_pending(c, now);
    if (c->state != PIT_COUNTING || c->frozen) {
        return -1;
    }
    d = pit_elapsed(c, now);
    switch (c->mode) {
    case 0:
    case 1:
        next = d < n ? n : -1;
        break;
    case 2:
        if (d < 0) {
            next = n - 1;
        } else {
            int64_t p = d % n;
            next = p < n - 1 ? d - p + n - 1 : d + 1;
        }
        break;
    case 3: {
        int64_t h = (n + 1) / 2;
        if (d < 0) {
            next = h;
        } else {
            int64_t p = d % n;
            next = p < h ? d - p + h : d - p + n;
        }
        break;
    }
    default:
        next = d < n ? n : (d == n ? n + 1 : -1);
    }
    int64_t t = next < 0 ? -1 : c->start + pit_ticks_to_ns(next + 1);
    if (c->next_start >= 0 && (t < 0 || c->next_start < t)) {
        t = c->next_start;
    }
    return t;
}

/*
 * Channel 0: drive IRQ 0 from OUT as it is at time 'now' and wait for its
 * next change. The timer callback passes the time it was armed for, not
 * the (later) time it runs: a mode 2 pulse is low for one input clock,
 * shorter than any timer latency, and evaluating OUT late would skip it.
 */
static bool pit_irq_update_at(PITState *s, int64_t now)
{
    PITChannel *c = &s->ch[0];
    bool out = pit_out(c, now), rose = false;

    if (s->hpet_legacy) {
        /* IRQ 0 is the HPET's: nothing to drive, nothing to wait for.
         * OUT is a function of time, recomputed when we get it back. */
        timer_del(s->timer);
        return false;
    }
    if (out != c->irq_level) {
        c->irq_level = out;
        rose = out;
        qemu_set_irq(s->irq, out);
    }
    int64_t t = pit_next_transition(c, now);
    if (t >= 0) {
        s->timer_due = t > now ? t : now + 1;
        timer_mod_ns(s->timer, s->timer_due);
    } else {
        timer_del(s->timer);
    }
    return rose;
}

static void pit_irq_update(PITState *s)
{
    pit_irq_update_at(s, clock_get_ns(KEMU_CLOCK_VIRTUAL));
}

/*
 * The transition we were armed for is driven first (so a one-tick pulse
 * is seen), then OUT as it is now. A callback that runs late therefore
 * delivers one edge and waits for the next transition after now: the
 * periods it missed are coalesced rather than replayed one per pass,
 * which a reload of 2 (1.7 us) would make an endless backlog.
 */
/* ---- lost ticks ---- */

static bool pit_periodic(PITChannel *c)
{
    return (c->mode == 2 || c->mode == 3) && c->state == PIT_COUNTING &&
           !c->frozen;
}

/* Ticks (rising edges of OUT in a periodic mode) in (t0, t1]. */
static int64_t pit_ticks_between(PITChannel *c, int64_t t0, int64_t t1)
{
    int64_t n = pit_period(c), d0, d1;

    if (!pit_periodic(c) || c->next_start >= 0) {
        return 0;   /* a reload in between: too rare to account for */
    }
    d0 = pit_elapsed(c, t0);
    d1 = pit_elapsed(c, t1);
    if (d0 < 0) {
        d0 = 0;
    }
    return d1 > d0 ? d1 / n - d0 / n : 0;
}

static int64_t pit_period_ns(PITChannel *c)
{
    int64_t ns = pit_ticks_to_ns(pit_period(c));
    return ns > 0 ? ns : 1;
}

static void pit_lost_arm(PITState *s, int64_t now)
{
    int64_t period = pit_period_ns(&s->ch[0]);

    timer_mod_ns(s->lost_timer, now + (s->lost_tick_policy ==
                 LOST_TICK_POLICY_SLEW ? period : MAX(period / 4, 1)));
}

static void pit_lost_ticks(PITState *s, int64_t n, int64_t now)
{
    int64_t max = PIT_LOST_MAX_NS / pit_period_ns(&s->ch[0]);

    if (s->lost_tick_policy == LOST_TICK_POLICY_DISCARD || n <= 0) {
        return;
    }
    s->lost = MIN(MIN((int64_t)s->lost + n, max), (int64_t)UINT32_MAX);
    if (s->lost && !timer_pending(s->lost_timer)) {
        pit_lost_arm(s, now);
    }
}

static void pit_lost_drop(PITState *s)
{
    s->lost = 0;
    if (s->lost_timer) {
        timer_del(s->lost_timer);
    }
}

/* One owed tick: a pulse on IRQ 0, which then shows OUT again. */
static void pit_lost_cb(void *opaque)
{
    PITState *s = opaque;
    PITChannel *c = &s->ch[0];
    int64_t now = clock_get_ns(KEMU_CLOCK_VIRTUAL);

    pit_apply_pending(c, now);
    if (!s->lost || s->hpet_legacy || !pit_periodic(c)) {
        pit_lost_drop(s);
        return;
    }
    qemu_set_irq(s->irq, !c->irq_level);
    qemu_set_irq(s->irq, c->irq_level);
    if (--s->lost) {
        pit_lost_arm(s, now);
    }
}

static void pit_timer_cb(void *opaque)
{
    PITState *s = opaque;
    PITChannel *c = &s->ch[0];
    int64_t now = clock_get_ns(KEMU_CLOCK_VIRTUAL);
    int64_t missed = 0;

    if (s->timer_due < now) {
        pit_irq_update_at(s, s->timer_due);
        pit_apply_pending(c, now);
        if (!s->hpet_legacy) {
            missed = pit_ticks_between(c, s->timer_due, now);
        }
    }
    if (pit_irq_update_at(s, now)) {
        missed--;       /* that one was delivered */
    }
    pit_lost_ticks(s, missed, now);
}

static int pit_post_load(void *opaque, int version)
{
    PITState *s = opaque;

    pit_irq_update(s);
    if (s->lost) {
        pit_lost_arm(s, clock_get_ns(KEMU_CLOCK_VIRTUAL));
    }
    return 0;
}

static void pit_channel_changed(PITState *s, int ch)
{
    if (ch == 0) {
        pit_irq_update(s);
    }
}

/* ---- GATE ---- */

static void pit_set_gate_level(PITState *s, int ch, bool level)
{
    PITChannel *c = &s->ch[ch];
    int64_t now = clock_get_ns(KEMU_CLOCK_VIRTUAL);
    bool rising = level && !c->gate;

    if (level == c->gate) {
        return;
    }
    pit_apply_pending(c, now);
    c->gate = level;
    switch (c->mode) {
    case 0:
    case 4:
        /* GATE low suspends counting; high resumes where it stopped. */
        if (c->state == PIT_COUNTING) {
            if (!level && !c->frozen) {
                int64_t d = pit_elapsed(c, now);
                c->frozen_d = d < 0 ? 0 : d;
                c->frozen = true;
            } else if (level && c->frozen) {
                c->start = now - pit_ticks_to_ns(c->frozen_d + 1);
                c->frozen = false;
            }
        }
        break;
    case 1:
    case 5:
        /* A rising edge (re)triggers with the last count written. */
        if (rising && c->state != PIT_IDLE) {
            c->count = c->cr;
            c->start = now;
            c->state = PIT_COUNTING;
        }
        break;
    default:
        /* 2, 3: GATE low stops with OUT high; rising reloads. */
        if (c->state == PIT_IDLE) {
            break;
        }
        if (!level) {
            c->state = PIT_WAIT;
            c->next_start = -1;
        } else {
            c->count = c->cr;
            c->start = now;
            c->state = PIT_COUNTING;
        }
    }
    pit_channel_changed(s, ch);
}

/* ---- register access ---- */

static uint32_t bcd_to_bin(uint16_t v, bool *ok)
{
    uint32_t r = 0;
    *ok = true;
    for (int i = 3; i >= 0; i--) {
        int digit = (v >> (i * 4)) & 0xf;
        if (digit > 9) {
            *ok = false;
            digit = 9;
        }
        r = r * 10 + digit;
    }
    return r;
}

static uint16_t bin_to_bcd(uint32_t v)
{
    return (v % 10) | ((v / 10 % 10) << 4) | ((v / 100 % 10) << 8) |
           ((v / 1000 % 10) << 12);
}

static uint16_t pit_read_value(PITChannel *c, int64_t now)
{
    uint16_t v = pit_value(c, now);
    return c->bcd ? bin_to_bcd(v) : v;
}

static void pit_latch_count(PITChannel *c, int64_t now)
{
    if (c->count_latch_state) {
        return;     /* latched already: later latches are ignored */
    }
    c->count_latch = pit_read_value(c, now);
    c->count_latch_state = c->rw_mode;
}

static void pit_latch_status(PITChannel *c, int64_t now)
{
    if (c->status_latched) {
        return;
    }
    bool null_count = c->state != PIT_COUNTING ||
                      (!c->frozen && pit_elapsed(c, now) < 0) ||
                      c->next_start >= 0;
    c->status_latch = (pit_out(c, now) ? 0x80 : 0) |
                      (null_count ? 0x40 : 0) | (c->rw_mode << 4) |
                      (c->mode << 1) | c->bcd;
    c->status_latched = true;
}

static void pit_write_control(PITState *s, uint8_t v)
{
    int64_t now = clock_get_ns(KEMU_CLOCK_VIRTUAL);
    int sc = v >> 6, rw = (v >> 4) & 3;

    if (sc == 3) {
        /* Read-back: bit 5 clear latches counts, bit 4 clear statuses. */
        for (int i = 0; i < 3; i++) {
            if (!(v & (2 << i))) {
                continue;
            }
            if (!(v & 0x20)) {
                pit_latch_count(&s->ch[i], now);
            }
            if (!(v & 0x10)) {
                pit_latch_status(&s->ch[i], now);
            }
        }
        return;
    }
    PITChannel *c = &s->ch[sc];
    if (rw == 0) {
        pit_latch_count(c, now);
        return;
    }
    c->rw_mode = rw;
    c->mode = (v >> 1) & 7;
    if (c->mode > 5) {
        c->mode -= 4;       /* 6 and 7 are modes 2 and 3 */
    }
    c->bcd = v & 1;
    c->write_msb_next = false;
    c->read_msb_next = false;
    c->count_latch_state = 0;
    c->status_latched = false;
    c->state = PIT_IDLE;
    c->frozen = false;
    c->next_start = -1;
    if (sc == 0) {
        pit_lost_drop(s);   /* owed ticks of a period no longer running */
    }
    pit_channel_changed(s, sc);
}

/* A complete count was written. */
static void pit_load_count(PITState *s, int ch, uint16_t raw)
{
    PITChannel *c = &s->ch[ch];
    int64_t now = clock_get_ns(KEMU_CLOCK_VIRTUAL);
    uint32_t n;

    pit_apply_pending(c, now);
    if (c->bcd) {
        bool ok;
        n = bcd_to_bin(raw, &ok);
        if (!ok) {
            kemu_log_mask(LOG_GUEST_ERROR, "i8254: bad BCD count 0x%04x\n",
                          raw);
        }
        if (n == 0) {
            n = 10000;
        }
    } else {
        n = raw ? raw : 65536;
    }
    c->cr = n;
    switch (c->mode) {
    case 0:
    case 4:
        c->count = n;
        c->start = now;
        c->state = PIT_COUNTING;
        c->frozen = !c->gate;
        c->frozen_d = 0;
        break;
    case 1:
    case 5:
        if (c->state == PIT_IDLE) {
            c->state = PIT_WAIT;
            c->count = n;
        }
        break;
    default:
        if (c->state == PIT_COUNTING) {
            /* Takes effect when the current period ends. */
            int64_t d = pit_elapsed(c, now), p = pit_period(c);
            int64_t end = d < 0 ? 0 : (d / p + 1) * p;
            c->next_count = n;
            c->next_start = c->start + pit_ticks_to_ns(end + 1);
        } else {
            c->count = n;
            c->start = now;
            c->state = c->gate ? PIT_COUNTING : PIT_WAIT;
        }
    }
    pit_channel_changed(s, ch);
}

static void pit_write_counter(PITState *s, int ch, uint8_t v)
{
    PITChannel *c = &s->ch[ch];

    switch (c->rw_mode) {
    case 1:
        pit_load_count(s, ch, v);
        break;
    case 2:
        pit_load_count(s, ch, v << 8);
        break;
    case 3:
        if (!c->write_msb_next) {
            c->write_lsb = v;
            c->write_msb_next = true;
            if (c->mode == 0) {
                /* Writing the first byte stops a mode 0 count. */
                c->state = PIT_IDLE;
                pit_channel_changed(s, ch);
            }
        } else {
            c->write_msb_next = false;
            pit_load_count(s, ch, c->write_lsb | (v << 8));
        }
        break;
    default:
        kemu_log_mask(LOG_GUEST_ERROR,
                      "i8254: count written to unprogrammed channel %d\n",
                      ch);
    }
}

static uint8_t pit_read_counter(PITState *s, int ch)
{
    PITChannel *c = &s->ch[ch];
    uint8_t r;

    if (c->status_latched) {
        c->status_latched = false;
        return c->status_latch;
    }
    switch (c->count_latch_state) {
    case 1:
        c->count_latch_state = 0;
        return c->count_latch;
    case 2:
        c->count_latch_state = 0;
        return c->count_latch >> 8;
    case 3:
        c->count_latch_state = 4;
        return c->count_latch;
    case 4:
        c->count_latch_state = 0;
        return c->count_latch >> 8;
    }
    uint16_t v = pit_read_value(c, clock_get_ns(KEMU_CLOCK_VIRTUAL));
    switch (c->rw_mode) {
    case 1:
        return v;
    case 2:
        return v >> 8;
    case 3:
        r = c->read_msb_next ? v >> 8 : v;
        c->read_msb_next = !c->read_msb_next;
        return r;
    }
    return 0;
}

static uint64_t pit_io_read(void *opaque, hwaddr addr, unsigned size)
{
    PITState *s = opaque;

    if (addr == 3) {
        return 0;   /* the control word register is write-only */
    }
    return pit_read_counter(s, addr);
}

static void pit_io_write(void *opaque, hwaddr addr, uint64_t val,
                         unsigned size)
{
    PITState *s = opaque;

    if (addr == 3) {
        pit_write_control(s, val);
    } else {
        pit_write_counter(s, addr, val);
    }
}

static const MemoryRegionOps pit_io_ops = {
    .read = pit_io_read,
    .write = pit_io_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- pit-common class hooks ---- */

static void pit_class_set_gate(ISADevice *dev, int ch, bool level)
{
    if (ch >= 0 && ch < 3) {
        pit_set_gate_level(ISA_PIT(dev), ch, level);
    }
}

static bool pit_class_get_gate(ISADevice *dev, int ch)
{
    return ch >= 0 && ch < 3 && ISA_PIT(dev)->ch[ch].gate;
}

static bool pit_class_get_out(ISADevice *dev, int ch)
{
    if (ch < 0 || ch >= 3) {
        return false;
    }
    return pit_out(&ISA_PIT(dev)->ch[ch], clock_get_ns(KEMU_CLOCK_VIRTUAL));
}

void pit_set_gate(ISADevice *pit, int channel, bool level)
{
    PITCommonClass *pc = PIT_COMMON_GET_CLASS(pit);
    if (pc->set_gate) {
        pc->set_gate(pit, channel, level);
    }
}

bool pit_get_gate(ISADevice *pit, int channel)
{
    PITCommonClass *pc = PIT_COMMON_GET_CLASS(pit);
    return pc->get_gate ? pc->get_gate(pit, channel) : false;
}

bool pit_get_out(ISADevice *pit, int channel)
{
    PITCommonClass *pc = PIT_COMMON_GET_CLASS(pit);
    return pc->get_out ? pc->get_out(pit, channel) : false;
}

/* ---- device ---- */

static void pit_reset(DeviceState *dev)
{
    PITState *s = ISA_PIT(dev);

    for (int i = 0; i < 3; i++) {
        PITChannel *c = &s->ch[i];
        memset(c, 0, sizeof(*c));
        c->next_start = -1;
        c->count = c->cr = 65536;
        c->gate = i != 2;   /* channels 0 and 1 have GATE tied high */
    }
    /* Power-up state is undefined; leave OUT low and IRQ 0 quiet. */
    s->ch[0].irq_level = false;
    qemu_set_irq(s->irq, 0);
    if (s->timer) {
        timer_del(s->timer);
    }
    pit_lost_drop(s);
}

/*
 * GPIO in "hpet-legacy": high while the HPET's legacy replacement route
 * takes IRQ 0 away from channel 0 (the chipset disconnects OUT0).
 */
static void pit_hpet_legacy(void *opaque, int n, int level)
{
    PITState *s = opaque;

    if (s->hpet_legacy == !!level) {
        return;
    }
    s->hpet_legacy = level;
    if (level) {
        if (s->ch[0].irq_level) {
            qemu_set_irq(s->irq, 0);
        }
    } else {
        /* The line is low; drive whatever OUT is now. */
        s->ch[0].irq_level = false;
    }
    pit_irq_update(s);
}

static void pit_instance_init(Object *obj)
{
    PITState *s = ISA_PIT(obj);
    qdev_init_gpio_out(DEVICE(s), &s->irq, 1);
    qdev_init_gpio_in_named(DEVICE(s), pit_hpet_legacy, "hpet-legacy", 1);
}

static bool pit_realize(DeviceState *dev, Error **errp)
{
    PITState *s = ISA_PIT(dev);
    ISADevice *isa = ISA_DEVICE(dev);

    if (s->iobase > 0xfffc) {
        error_setg(errp, "i8254: iobase 0x%x out of range", s->iobase);
        return false;
    }
    if (!s->irq) {
        s->irq = isa_get_irq(isa, 0);
    }
    memory_region_init_io(&s->io, OBJECT(s), &pit_io_ops, s, "pit", 4);
    isa_register_ioport(isa, &s->io, s->iobase);
    s->timer = timer_new_ns(KEMU_CLOCK_VIRTUAL, pit_timer_cb, s);
    s->lost_timer = timer_new_ns(KEMU_CLOCK_VIRTUAL, pit_lost_cb, s);
    pit_reset(dev);
    return true;
}

static void pit_unrealize(DeviceState *dev)
{
    PITState *s = ISA_PIT(dev);

    isa_unregister_ioport(ISA_DEVICE(dev), &s->io);
    memory_region_destroy(&s->io);
    timer_free(s->timer);
    timer_free(s->lost_timer);
    s->timer = s->lost_timer = NULL;
}

static void pit_print_info(DeviceState *dev, GString *out, int indent)
{
    PITState *s = ISA_PIT(dev);
    int64_t now = clock_get_ns(KEMU_CLOCK_VIRTUAL);

    for (int i = 0; i < 3; i++) {
        PITChannel *c = &s->ch[i];
        g_string_append_printf(out, "%*sch%d: mode=%d count=%u gate=%d "
                               "out=%d\n", indent, "", i, c->mode, c->count,
                               c->gate, pit_out(c, now));
    }
    g_string_append_printf(out, "%*slost_tick_policy=%s lost=%u\n", indent,
                           "", lost_tick_policy_names[s->lost_tick_policy],
                           s->lost);
}

static const Property pit_props[] = {
    DEFINE_PROP_UINT32("iobase", PITState, iobase, 0x40),
    DEFINE_PROP_LOSTTICKPOLICY("lost_tick_policy", PITState,
                               lost_tick_policy, LOST_TICK_POLICY_DISCARD),
    DEFINE_PROP_END,
};

static void pit_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PITCommonClass *pc = PIT_COMMON_CLASS(klass);

    dc->desc = "8254 programmable interval timer";
    dc->category = "misc";
    dc->realize = pit_realize;
    dc->unrealize = pit_unrealize;
    dc->reset = pit_reset;
    dc->state = &pit_state;
    dc->print_info = pit_print_info;
    dc->user_creatable = false;
    device_class_set_props(dc, pit_props);
    pc->set_gate = pit_class_set_gate;
    pc->get_gate = pit_class_get_gate;
    pc->get_out = pit_class_get_out;
}

static const TypeInfo pit_types[] = {
    {
        .name = TYPE_PIT_COMMON,
        .parent = TYPE_ISA_DEVICE,
        .instance_size = sizeof(ISADevice),
        .class_size = sizeof(PITCommonClass),
        .abstract = true,
    },
    {
        .name = TYPE_ISA_PIT,
        .parent = TYPE_PIT_COMMON,
        .instance_size = sizeof(PITState),
        .instance_init = pit_instance_init,
        .class_init = pit_class_init,
    },
};
DEFINE_TYPES(pit_types)

ISADevice *i8254_pit_init(ISABus *bus, int iobase, qemu_irq irq)
{
    DeviceState *dev = qdev_new(TYPE_ISA_PIT);
    Object *machine = object_resolve_path("/machine", NULL);

    qdev_prop_set_uint32(dev, "iobase", iobase);
    if (irq) {
        qdev_connect_gpio_out(dev, 0, irq);
    }
    if (machine) {
        object_property_add_child(machine, "pit", OBJECT(dev), &error_abort);
    }
    qdev_realize_and_unref(dev, BUS(bus), &error_fatal);
    return ISA_DEVICE(dev);
}
