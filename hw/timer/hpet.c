/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * High Precision Event Timer (IA-PC HPET Specification 1.0a).
 *
 * The main counter is derived from KEMU_CLOCK_VIRTUAL: while enabled it reads
 * counter + (now - counter_base_ns) / 10 (100 MHz). Each comparator is a
 * host timer armed for the virtual time at which the counter next makes
 * it fire: periodic timers advance their comparator by the period, a
 * 32-bit one-shot timer also fires when the low 32 bits wrap. Level
 * interrupts stay asserted until the guest clears their status bit in
 * GINTR_STA; edge interrupts are pulses.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "hw/timer/hpet.h"

#define HPET_ID             0x000
#define HPET_PERIOD         0x004
#define HPET_CFG            0x010
#define HPET_STATUS         0x020
#define HPET_COUNTER        0x0f0
#define HPET_TN_BASE        0x100
#define HPET_TN_STRIDE      0x20
#define HPET_TN_CFG         0x00
#define HPET_TN_CMP         0x08
#define HPET_TN_ROUTE       0x10

#define HPET_CFG_ENABLE     0x001
#define HPET_CFG_LEGACY     0x002

#define HPET_TN_TYPE_LEVEL  0x002
#define HPET_TN_ENABLE      0x004
#define HPET_TN_PERIODIC    0x008
#define HPET_TN_PERIODIC_CAP 0x010
#define HPET_TN_SIZE_CAP    0x020
#define HPET_TN_SETVAL      0x040
#define HPET_TN_32BIT       0x100
#define HPET_TN_INT_ROUTE_SHIFT 9
#define HPET_TN_INT_ROUTE_MASK  0x3e00
#define HPET_TN_FSB_ENABLE  0x4000
#define HPET_TN_CFG_WRITE_MASK (HPET_TN_TYPE_LEVEL | HPET_TN_ENABLE | \
                                HPET_TN_PERIODIC | HPET_TN_SETVAL | \
                                HPET_TN_32BIT | HPET_TN_INT_ROUTE_MASK)

#define NS_PER_TICK         10
#define RTC_ISA_IRQ         8

static bool hpet_enabled(HPETState *s)
{
    return s->config & HPET_CFG_ENABLE;
}

static uint64_t hpet_counter_now(HPETState *s)
{
    if (!hpet_enabled(s)) {
        return s->counter;
    }
    return s->counter +
           (uint64_t)(clock_get_ns(KEMU_CLOCK_VIRTUAL) - s->counter_base_ns) /
           NS_PER_TICK;
}

static bool timer_is_32bit(HPETTimer *t)
{
    return t->config & HPET_TN_32BIT;
}

static int timer_route(HPETTimer *t)
{
    HPETState *s = t->state;

    if (s->config & HPET_CFG_LEGACY) {
        if (t->index == 0) {
            return 0;
        }
        if (t->index == 1) {
            return RTC_ISA_IRQ;
        }
    }
    return (t->config & HPET_TN_INT_ROUTE_MASK) >> HPET_TN_INT_ROUTE_SHIFT;
}

/* Level lines: high while an enabled level-mode timer routed there has
 * its status bit set. */
static void hpet_update_lines(HPETState *s)
{
    int level[HPET_NUM_IRQ_ROUTES] = { 0 };

    for (unsigned i = 0; i < HPET_NUM_TIMERS; i++) {
        HPETTimer *t = &s->timers[i];
        int route = timer_route(t);

        if ((s->isr & (1u << i)) && (t->config & HPET_TN_ENABLE) &&
            (t->config & HPET_TN_TYPE_LEVEL) && route < HPET_NUM_IRQ_ROUTES) {
            level[route] = 1;
        }
    }
    for (int n = 0; n < HPET_NUM_IRQ_ROUTES; n++) {
        if (level[n] != s->line_level[n]) {
            s->line_level[n] = level[n];
            qemu_set_irq(s->irqs[n], level[n]);
        }
    }
}

static void hpet_fire(HPETTimer *t)
{
    HPETState *s = t->state;
    int route = timer_route(t);

    if (t->config & HPET_TN_TYPE_LEVEL) {
        s->isr |= 1u << t->index;
        hpet_update_lines(s);
    } else if ((t->config & HPET_TN_ENABLE) && route < HPET_NUM_IRQ_ROUTES &&
               !s->line_level[route]) {
        qemu_irq_pulse(s->irqs[route]);
    }
}

/* Schedules the host timer for counter value 'tick'. */
static void hpet_arm_at(HPETTimer *t, uint64_t tick)
{
    HPETState *s = t->state;
    uint64_t delta = tick - s->counter;     /* ticks after counter_base */
    int64_t ns;

    if (delta > (uint64_t)(INT64_MAX - s->counter_base_ns) / NS_PER_TICK) {
        timer_del(t->timer);
        t->expire_ns = -1;
        return;
    }
    ns = s->counter_base_ns + (int64_t)delta * NS_PER_TICK;
    timer_mod_ns(t->timer, ns);
    t->expire_ns = ns;
}

/* Computes the next event after 'cur' and arms for it. */
static void hpet_timer_arm(HPETTimer *t)
{
    HPETState *s = t->state;
    uint64_t cur;

    t->wrap_flag = 0;
    if (!hpet_enabled(s)) {
        timer_del(t->timer);
        t->expire_ns = -1;
        return;
    }
    cur = hpet_counter_now(s);
    if (timer_is_32bit(t)) {
        uint32_t c32 = cur;
        uint64_t to_cmp = (uint32_t)((uint32_t)t->cmp - c32);
        uint64_t to_wrap = (1ull << 32) - c32;

        if (!to_cmp) {
            to_cmp = 1ull << 32;
        }
        if (!(t->config & HPET_TN_PERIODIC) && to_wrap < to_cmp) {
            t->wrap_flag = 1;
            hpet_arm_at(t, cur + to_wrap);
        } else {
            hpet_arm_at(t, cur + to_cmp);
        }
        return;
    }
    if (t->cmp > cur) {
        hpet_arm_at(t, t->cmp);
    } else {
        /* Passed: a 64-bit comparator matches again only after the
         * counter wraps, which never happens in practice. */
        timer_del(t->timer);
        t->expire_ns = -1;
    }
}

/* Periodic: move the comparator past the current count. */
static void hpet_timer_advance(HPETTimer *t, uint64_t cur)
{
    if (!t->period) {
        return;
    }
    if (timer_is_32bit(t)) {
        uint32_t c = t->cmp, p = t->period;
        uint32_t behind = (uint32_t)cur - c;
        /* Periods missed while the callback was late are skipped in one
         * step: a loop over them could run 2^31 times (period 1). */
        uint64_t n = (int32_t)behind >= 0 ? behind / p + 1 : 1;
        t->cmp = (uint32_t)(c + n * p);
    } else {
        if (t->cmp <= cur) {
            uint64_t n = (cur - t->cmp) / t->period + 1;
            t->cmp += n * t->period;
        }
    }
}

static void hpet_timer_cb(void *opaque)
{
    HPETTimer *t = opaque;
    HPETState *s = t->state;
    uint64_t cur = hpet_counter_now(s);

    t->expire_ns = -1;
    hpet_fire(t);
    if (!t->wrap_flag && (t->config & HPET_TN_PERIODIC)) {
        hpet_timer_advance(t, cur);
    }
    hpet_timer_arm(t);
}

/* ---- Registers ---- */

static uint64_t hpet_reg_read(HPETState *s, hwaddr addr)
{
    if (addr >= HPET_TN_BASE) {
        unsigned n = (addr - HPET_TN_BASE) / HPET_TN_STRIDE;
        HPETTimer *t;

        if (n >= HPET_NUM_TIMERS) {
            return 0;
        }
        t = &s->timers[n];
        switch ((addr - HPET_TN_BASE) % HPET_TN_STRIDE) {
        case HPET_TN_CFG:
            return t->config;
        case HPET_TN_CMP:
            return timer_is_32bit(t) ? (uint32_t)t->cmp : t->cmp;
        case HPET_TN_ROUTE:
            return t->fsb;
        }
        return 0;
    }
    switch (addr) {
    case HPET_ID:
        return s->capability;
    case HPET_CFG:
        return s->config;
    case HPET_STATUS:
        return s->isr;
    case HPET_COUNTER:
        return hpet_counter_now(s);
    }
    return 0;
}

static void hpet_set_config(HPETState *s, uint64_t val)
{
    uint64_t old = s->config;
    int64_t now = clock_get_ns(KEMU_CLOCK_VIRTUAL);

    s->config = val & (HPET_CFG_ENABLE | HPET_CFG_LEGACY);
    if ((old ^ s->config) & HPET_CFG_ENABLE) {
        if (s->config & HPET_CFG_ENABLE) {
            s->counter_base_ns = now;          /* counter resumes */
        } else {
            uint64_t frozen = s->counter +
                (uint64_t)(now - s->counter_base_ns) / NS_PER_TICK;
            s->counter = frozen;
        }
        for (unsigned i = 0; i < HPET_NUM_TIMERS; i++) {
            hpet_timer_arm(&s->timers[i]);
        }
    }
    if ((old ^ s->config) & HPET_CFG_LEGACY) {
        qemu_set_irq(s->legacy_irq[0], !!(s->config & HPET_CFG_LEGACY));
        qemu_set_irq(s->legacy_irq[1], !!(s->config & HPET_CFG_LEGACY));
    }
    hpet_update_lines(s);
}

static void hpet_set_counter(HPETState *s, uint64_t val)
{
    if (hpet_enabled(s)) {
        kemu_log_mask(LOG_GUEST_ERROR, "hpet: main counter written while "
                      "running\n");
    }
    s->counter = val;
    s->counter_base_ns = clock_get_ns(KEMU_CLOCK_VIRTUAL);
    for (unsigned i = 0; i < HPET_NUM_TIMERS; i++) {
        hpet_timer_arm(&s->timers[i]);
    }
}

static void hpet_timer_set_config(HPETTimer *t, uint64_t val)
{
    HPETState *s = t->state;
    unsigned route = (val & HPET_TN_INT_ROUTE_MASK) >> HPET_TN_INT_ROUTE_SHIFT;

    if (!(t->config >> 32 & (1u << route)) &&
        route != ((t->config & HPET_TN_INT_ROUTE_MASK) >>
                  HPET_TN_INT_ROUTE_SHIFT)) {
        kemu_log_mask(LOG_GUEST_ERROR, "hpet: timer %u routed to IRQ %u, "
                      "not in its route capability\n", t->index, route);
    }
    t->config = (t->config & ~(uint64_t)HPET_TN_CFG_WRITE_MASK) |
                (val & HPET_TN_CFG_WRITE_MASK);
    if (!(t->config & HPET_TN_PERIODIC_CAP)) {
        t->config &= ~(uint64_t)HPET_TN_PERIODIC;
    }
    if (timer_is_32bit(t)) {
        t->cmp = (uint32_t)t->cmp;
        t->period = (uint32_t)t->period;
    }
    if (!(t->config & HPET_TN_TYPE_LEVEL)) {
        s->isr &= ~(1u << t->index);    /* edge mode keeps no status */
    }
    hpet_update_lines(s);
    hpet_timer_arm(t);
}

static void hpet_timer_set_cmp(HPETTimer *t, uint64_t val)
{
    if (timer_is_32bit(t)) {
        val = (uint32_t)val;
    }
    if (!(t->config & HPET_TN_PERIODIC) || (t->config & HPET_TN_SETVAL)) {
        t->cmp = val;
    }
    if (t->config & HPET_TN_PERIODIC) {
        t->period = val;
    }
    t->config &= ~(uint64_t)HPET_TN_SETVAL;
    hpet_timer_arm(t);
}

static void hpet_reg_write(HPETState *s, hwaddr addr, uint64_t val)
{
    if (addr >= HPET_TN_BASE) {
        unsigned n = (addr - HPET_TN_BASE) / HPET_TN_STRIDE;
        HPETTimer *t;

        if (n >= HPET_NUM_TIMERS) {
            kemu_log_mask(LOG_GUEST_ERROR, "hpet: write to absent timer "
                          "%u\n", n);
            return;
        }
        t = &s->timers[n];
        switch ((addr - HPET_TN_BASE) % HPET_TN_STRIDE) {
        case HPET_TN_CFG:
            hpet_timer_set_config(t, val);
            break;
        case HPET_TN_CMP:
            hpet_timer_set_cmp(t, val);
            break;
        case HPET_TN_ROUTE:
            t->fsb = val;
            break;
        }
        return;
    }
    switch (addr) {
    case HPET_CFG:
        hpet_set_config(s, val);
        break;
    case HPET_STATUS:
        s->isr &= ~val;
        hpet_update_lines(s);
        break;
    case HPET_COUNTER:
        hpet_set_counter(s, val);
        break;
    case HPET_ID:
        break;
    default:
        kemu_log_mask(LOG_GUEST_ERROR, "hpet: write to reserved 0x%"
                      HWADDR_PRIx "\n", addr);
    }
}

/* 32-bit accesses see half of a 64-bit register; writes merge into the
 * current value (the comparator's periodic logic sees the merged one). */
static uint64_t hpet_read(void *opaque, hwaddr addr, unsigned size)
{
    HPETState *s = opaque;
    uint64_t v = hpet_reg_read(s, addr & ~7);

    if (size == 4) {
        return (uint32_t)(v >> ((addr & 4) * 8));
    }
    return v;
}

static void hpet_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    HPETState *s = opaque;
    hwaddr reg = addr & ~7;

    if (size == 4) {
        unsigned shift = (addr & 4) * 8;
        uint64_t old = hpet_reg_read(s, reg);

        if (reg == HPET_STATUS) {
            old = 0;    /* write-1-to-clear: only the written bits */
        } else if (reg >= HPET_TN_BASE &&
                   (reg - HPET_TN_BASE) % HPET_TN_STRIDE == HPET_TN_CMP) {
            HPETTimer *t = &s->timers[(reg - HPET_TN_BASE) / HPET_TN_STRIDE
                                      % HPET_NUM_TIMERS];
            if ((t->config & HPET_TN_PERIODIC) &&
                !(t->config & HPET_TN_SETVAL)) {
                old = t->period;
            }
            if (timer_is_32bit(t) && shift) {
                return;     /* high half of a 32-bit comparator */
            }
        }
        val = (old & ~(0xffffffffull << shift)) | ((val & 0xffffffff) << shift);
    }
    hpet_reg_write(s, reg, val);
}

static const MemoryRegionOps hpet_ops = {
    .read = hpet_read,
    .write = hpet_write,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 8 },
};

/* ---- Device ---- */

static void hpet_reset(DeviceState *dev)
{
    HPETState *s = HPET(dev);

    for (unsigned i = 0; i < HPET_NUM_TIMERS; i++) {
        HPETTimer *t = &s->timers[i];

        timer_del(t->timer);
        t->config = HPET_TN_PERIODIC_CAP | HPET_TN_SIZE_CAP |
                    ((uint64_t)s->intcap << 32);
        t->cmp = ~0ull;
        t->period = 0;
        t->fsb = 0;
        t->wrap_flag = 0;
        t->expire_ns = -1;
    }
    s->counter = 0;
    s->counter_base_ns = clock_get_ns(KEMU_CLOCK_VIRTUAL);
    if (s->config & HPET_CFG_LEGACY) {
        qemu_set_irq(s->legacy_irq[0], 0);
        qemu_set_irq(s->legacy_irq[1], 0);
    }
    s->config = 0;
    s->isr = 0;
    hpet_update_lines(s);
}

static bool hpet_realize(DeviceState *dev, Error **errp)
{
    HPETState *s = HPET(dev);

    s->capability = HPET_BLOCK_ID | (HPET_CLK_PERIOD_FS << 32);
    for (unsigned i = 0; i < HPET_NUM_TIMERS; i++) {
        HPETTimer *t = &s->timers[i];

        t->state = s;
        t->index = i;
        t->timer = timer_new_ns(KEMU_CLOCK_VIRTUAL, hpet_timer_cb, t);
    }
    qdev_init_gpio_out(dev, s->irqs, HPET_NUM_IRQ_ROUTES);
    qdev_init_gpio_out_named(dev, s->legacy_irq, "legacy", 2);
    memory_region_init_io(&s->iomem, OBJECT(dev), &hpet_ops, s, "hpet",
                          HPET_LEN);
    memory_region_add_subregion(get_system_memory(), s->base, &s->iomem);
    s->mapped = true;
    hpet_reset(dev);
    return true;
}

static void hpet_unrealize(DeviceState *dev)
{
    HPETState *s = HPET(dev);

    for (unsigned i = 0; i < HPET_NUM_TIMERS; i++) {
        timer_free(s->timers[i].timer);
        s->timers[i].timer = NULL;
    }
    if (s->mapped) {
        memory_region_del_subregion(get_system_memory(), &s->iomem);
        memory_region_destroy(&s->iomem);
        s->mapped = false;
    }
}

static int hpet_post_load(void *opaque, int version)
{
    HPETState *s = opaque;

    for (unsigned i = 0; i < HPET_NUM_TIMERS; i++) {
        s->timers[i].state = s;
        s->timers[i].index = i;
        hpet_timer_arm(&s->timers[i]);
    }
    memset(s->line_level, 0, sizeof(s->line_level));
    hpet_update_lines(s);
    return 0;
}

static const StateField hpet_timer_fields[] = {
    STATE_UINT64(config, HPETTimer),
    STATE_UINT64(cmp, HPETTimer),
    STATE_UINT64(period, HPETTimer),
    STATE_UINT64(fsb, HPETTimer),
    STATE_UINT8(wrap_flag, HPETTimer),
    STATE_INT64(expire_ns, HPETTimer),
    STATE_END
};

static const StateDesc hpet_timer_state = {
    .name = "hpet_timer", .version = 1, .fields = hpet_timer_fields,
};

static const StateField hpet_fields[] = {
    STATE_UINT64(config, HPETState),
    STATE_UINT64(isr, HPETState),
    STATE_UINT64(counter, HPETState),
    STATE_INT64(counter_base_ns, HPETState),
    STATE_STRUCT_ARRAY(timers, HPETState, HPET_NUM_TIMERS, HPETTimer,
                       &hpet_timer_state),
    STATE_END
};

static const StateDesc hpet_state = {
    .name = "hpet", .version = 1, .fields = hpet_fields,
    .post_load = hpet_post_load,
};

static const Property hpet_props[] = {
    DEFINE_PROP_UINT64("base", HPETState, base, HPET_BASE),
    /* Bit n: timers may be routed to GSI n. The pc (i440FX) allows only
     * IRQ 2, as QEMU's does; Linux uses legacy replacement anyway. */
    DEFINE_PROP_UINT32("hpet-intcap", HPETState, intcap, 0x4),
    DEFINE_PROP_END,
};

static void hpet_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = hpet_realize;
    dc->unrealize = hpet_unrealize;
    dc->reset = hpet_reset;
    dc->state = &hpet_state;
    dc->desc = "HPET";
    dc->category = "misc";
    dc->user_creatable = false;
    device_class_set_props(dc, hpet_props);
}

static const TypeInfo hpet_types[] = {
    {
        .name = TYPE_HPET,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(HPETState),
        .class_size = sizeof(DeviceClass),
        .class_init = hpet_class_init,
    },
};

DEFINE_TYPES(hpet_types)
