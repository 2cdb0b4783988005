/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Local APIC registers, timer and device (Intel SDM vol. 3, ch. 10/11):
 * the xAPIC page, the x2APIC MSRs, IA32_APIC_BASE and IA32_TSC_DEADLINE.
 * Message delivery and interrupt acknowledge are in apic_delivery.c.
 *
 * The timer counts the bus clock, taken as 1 GHz (as KVM does): one
 * tick per ns before the divider.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "hw/intc/apic_internal.h"
#include "hw/intc/intc-info.h"
#include "hw/qdev.h"
#include "exec/memory.h"
#include "sysemu/interrupts.h"

GSList *apic_list;
static MemoryRegion apic_mmio;
static bool apic_mmio_mapped;

/* Periodic timers faster than this are slowed down to it (KVM's
 * min_timer_period_us default), so a guest cannot flood the host. */
#define APIC_MIN_PERIOD_NS 200000

static uint64_t (*tsc_reader)(CPUState *cpu);
static uint64_t tsc_hz = 1000000000;

static const StateField apic_fields[] = {
    STATE_UINT64(apicbase, APICState),
    STATE_UINT32(id, APICState),
    STATE_UINT8(tpr, APICState),
    STATE_UINT32(ldr, APICState),
    STATE_UINT32(dfr, APICState),
    STATE_UINT32(svr, APICState),
    STATE_UINT32_ARRAY(isr, APICState, 8),
    STATE_UINT32_ARRAY(tmr, APICState, 8),
    STATE_UINT32_ARRAY(irr, APICState, 8),
    STATE_UINT32(esr, APICState),
    STATE_UINT32(esr_pending, APICState),
    STATE_UINT32(icr_lo, APICState),
    STATE_UINT32(icr_hi, APICState),
    STATE_UINT32_ARRAY(lvt, APICState, APIC_LVT_NB),
    STATE_UINT32(timer_initial, APICState),
    STATE_UINT32(timer_dcr, APICState),
    STATE_INT64(timer_start, APICState),
    STATE_INT64(timer_expire, APICState),
    STATE_UINT64(tsc_deadline, APICState),
    STATE_UINT8(sipi_vector, APICState),
    STATE_BOOL(extint_pending, APICState),
    STATE_UINT8(lint_level, APICState),
    STATE_END
};

static int apic_post_load(void *opaque, int version)
{
    APICState *s = opaque;
    if (s->timer_expire >= 0) {
        timer_mod_ns(s->timer, s->timer_expire);
    } else {
        timer_del(s->timer);
    }
    return 0;
}

static const StateDesc apic_state = {
    .name = "apic", .version = 1, .fields = apic_fields,
    .post_load = apic_post_load,
};

/* ---- helpers ---- */

CPUState *apic_cpu(APICState *s)
{
    if (!s->cpu) {
        if (s->cpu_link) {
            s->cpu = CPU(s->cpu_link);
        } else if (OBJECT(s)->parent &&
                   object_dynamic_cast(OBJECT(s)->parent, TYPE_CPU)) {
            s->cpu = CPU(OBJECT(s)->parent);
        }
    }
    return s->cpu;
}

APICState *apic_of_cpu(CPUState *cpu)
{
    for (GSList *l = apic_list; l; l = l->next) {
        if (cpu && apic_cpu(l->data) == cpu) {
            return l->data;
        }
    }
    return NULL;
}

DeviceState *apic_for_cpu(CPUState *cpu)
{
    APICState *s = apic_of_cpu(cpu);
    return s ? DEVICE(s) : NULL;
}

bool apic_is_x2apic(APICState *s)
{
    return s->apicbase & MSR_IA32_APICBASE_EXTD;
}

bool apic_hw_enabled(APICState *s)
{
    return s->apicbase & MSR_IA32_APICBASE_ENABLE;
}

bool apic_sw_enabled(APICState *s)
{
    return apic_hw_enabled(s) && (s->svr & APIC_SVR_ENABLE);
}

static bool apic_is_bsp(APICState *s)
{
    CPUState *cpu = apic_cpu(s);
    return cpu ? cpu == first_cpu : s == (apic_list ? apic_list->data : NULL);
}

void apic_error(APICState *s, uint32_t esr_bit)
{
    s->esr_pending |= esr_bit;
    apic_lvt_deliver(s, APIC_LVT_ERROR);
}

/* ---- timer ---- */

static int apic_timer_divisor(APICState *s)
{
    int v = (s->timer_dcr & 3) | ((s->timer_dcr >> 1) & 4);
    return 1 << ((v + 1) & 7);
}

static int apic_timer_mode(APICState *s)
{
    return APIC_LVT_TIMER_MODE(s->lvt[APIC_LVT_TIMER]);
}

static int64_t apic_timer_period(APICState *s)
{
    return (int64_t)s->timer_initial * apic_timer_divisor(s);
}

static void apic_timer_stop(APICState *s)
{
    s->timer_expire = -1;
    timer_del(s->timer);
}

static void apic_timer_arm(APICState *s, int64_t expire)
{
    s->timer_expire = expire;
    timer_mod_ns(s->timer, expire);
}

static uint32_t apic_timer_current(APICState *s)
{
    if (apic_timer_mode(s) == APIC_TIMER_DEADLINE || !s->timer_initial ||
        s->timer_expire < 0) {
        return 0;
    }
    int64_t ticks = (clock_get_ns(KEMU_CLOCK_VIRTUAL) - s->timer_start) /
                    apic_timer_divisor(s);
    if (ticks < 0) {
        ticks = 0;
    }
    if (apic_timer_mode(s) == APIC_TIMER_PERIODIC) {
        return s->timer_initial - ticks % s->timer_initial;
    }
    return ticks >= s->timer_initial ? 0 : s->timer_initial - ticks;
}

static int64_t apic_timer_step(APICState *s)
{
    int64_t p = apic_timer_period(s);
    return p < APIC_MIN_PERIOD_NS ? APIC_MIN_PERIOD_NS : p;
}

static void apic_timer_cb(void *opaque)
{
    APICState *s = opaque;
    int64_t now = clock_get_ns(KEMU_CLOCK_VIRTUAL);

    switch (apic_timer_mode(s)) {
    case APIC_TIMER_PERIODIC:
        if (s->timer_initial) {
            int64_t step = apic_timer_step(s);
            int64_t next = s->timer_expire + step;
            if (next <= now) {
                next += ((now - next) / step + 1) * step;
            }
            apic_timer_arm(s, next);
        } else {
            apic_timer_stop(s);
        }
        break;
    case APIC_TIMER_DEADLINE:
        s->tsc_deadline = 0;
        s->timer_expire = -1;
        break;
    default:
        s->timer_expire = -1;
        break;
    }
    apic_lvt_deliver(s, APIC_LVT_TIMER);
}

static void apic_timer_start(APICState *s, uint32_t count)
{
    s->timer_initial = count;
    s->timer_start = clock_get_ns(KEMU_CLOCK_VIRTUAL);
    if (!count) {
        apic_timer_stop(s);
        return;
    }
    int64_t first = apic_timer_period(s);
    if (apic_timer_mode(s) == APIC_TIMER_PERIODIC) {
        first = apic_timer_step(s);
    }
    apic_timer_arm(s, s->timer_start + first);
}

static uint64_t apic_read_tsc(APICState *s)
{
    if (tsc_reader) {
        return tsc_reader(apic_cpu(s));
    }
    /* Default TSC: KEMU_CLOCK_VIRTUAL scaled to tsc_hz. */
    return (uint64_t)((__int128)clock_get_ns(KEMU_CLOCK_VIRTUAL) * tsc_hz /
                      NANOSECONDS_PER_SECOND);
}

void apic_set_tsc_source(uint64_t (*read_tsc)(CPUState *cpu), uint64_t hz)
{
    tsc_reader = read_tsc;
    tsc_hz = hz ? hz : 1000000000;
}

static void apic_set_tsc_deadline(APICState *s, uint64_t deadline)
{
    if (apic_timer_mode(s) != APIC_TIMER_DEADLINE) {
        return;     /* SDM 10.5.4.1: ignored in the other modes */
    }
    s->tsc_deadline = deadline;
    if (!deadline) {
        apic_timer_stop(s);
        return;
    }
    uint64_t now_tsc = apic_read_tsc(s);
    int64_t now = clock_get_ns(KEMU_CLOCK_VIRTUAL);
    int64_t delta = 0;
    if (deadline > now_tsc) {
        delta = (int64_t)((__int128)(deadline - now_tsc) *
                          NANOSECONDS_PER_SECOND / tsc_hz);
    }
    apic_timer_arm(s, now + delta);
}

/* LVT timer written: mode changes per SDM 10.5.4. */
static void apic_timer_mode_change(APICState *s, uint32_t old)
{
    int om = APIC_LVT_TIMER_MODE(old), nm = apic_timer_mode(s);
    if (om == nm) {
        return;
    }
    if (om == APIC_TIMER_DEADLINE || nm == APIC_TIMER_DEADLINE) {
        /* Switching into or out of TSC-deadline mode disarms. */
        apic_timer_stop(s);
        s->tsc_deadline = 0;
        s->timer_initial = 0;
        return;
    }
    if (s->timer_expire < 0 || !s->timer_initial) {
        return;
    }
    int64_t now = clock_get_ns(KEMU_CLOCK_VIRTUAL);
    int64_t p = apic_timer_period(s);
    if (nm == APIC_TIMER_ONESHOT) {
        /* Finish the period in progress, then stop. */
        s->timer_start += (now - s->timer_start) / p * p;
        apic_timer_arm(s, s->timer_start + p);
    }
}

static void apic_timer_set_dcr(APICState *s, uint32_t v)
{
    int64_t now = clock_get_ns(KEMU_CLOCK_VIRTUAL);
    uint32_t cur = apic_timer_current(s);

    s->timer_dcr = v & 0xb;
    if (s->timer_expire < 0 || apic_timer_mode(s) == APIC_TIMER_DEADLINE ||
        !s->timer_initial) {
        return;
    }
    /* Keep the count where it is; the rest runs at the new rate. */
    int div = apic_timer_divisor(s);
    s->timer_start = now - (int64_t)(s->timer_initial - cur) * div;
    apic_timer_arm(s, now + (int64_t)cur * div);
}

/* ---- registers ---- */

static bool apic_lvt_write(APICState *s, int lvt, uint32_t v)
{
    static const uint32_t writable[APIC_LVT_NB] = {
        [APIC_LVT_TIMER] = 0x700ff,
        [APIC_LVT_THERMAL] = 0x107ff,
        [APIC_LVT_PERF] = 0x107ff,
        [APIC_LVT_LINT0] = 0x1a7ff,
        [APIC_LVT_LINT1] = 0x1a7ff,
        [APIC_LVT_ERROR] = 0x100ff,
    };
    uint32_t old = s->lvt[lvt];

    v &= writable[lvt];
    if (!(s->svr & APIC_SVR_ENABLE)) {
        v |= APIC_LVT_MASKED;   /* SDM 10.4.7.2: masks stay set */
    }
    s->lvt[lvt] = v | (old & APIC_LVT_REMOTE_IRR);
    if (lvt == APIC_LVT_TIMER) {
        apic_timer_mode_change(s, old);
    }
    apic_update(s);
    return true;
}

static uint32_t apic_apr(APICState *s)
{
    int irrv = apic_highest_bit(s->irr), isrv = apic_highest_bit(s->isr);
    int v = irrv > isrv ? irrv : isrv;
    if (v < 0 || (s->tpr >> 4) >= (v >> 4)) {
        return s->tpr;
    }
    return v & 0xf0;
}

/*
 * Register idx (offset >> 4, or MSR - 0x800). Returns false for a
 * register that does not exist in the current mode (#GP for MSRs,
 * "illegal register address" for the xAPIC page).
 */
static bool apic_reg_read(APICState *s, int idx, uint64_t *val)
{
    bool x2 = apic_is_x2apic(s);

    switch (idx) {
    case 0x02:
        *val = x2 ? s->id : (s->id & 0xff) << 24;
        return true;
    case 0x03:
        *val = s->version | ((APIC_LVT_NB - 1) << 16);
        return true;
    case 0x08:
        *val = s->tpr;
        return true;
    case 0x09:
        *val = apic_apr(s);
        return !x2;
    case 0x0a:
        *val = apic_ppr(s);
        return true;
    case 0x0b:
        *val = 0;       /* write-only */
        return !x2;
    case 0x0c:
        *val = 0;       /* remote read: not supported by modern parts */
        return !x2;
    case 0x0d:
        *val = s->ldr;
        return true;
    case 0x0e:
        *val = s->dfr;
        return !x2;
    case 0x0f:
        *val = s->svr;
        return true;
    case 0x10 ... 0x17:
        *val = s->isr[idx - 0x10];
        return true;
    case 0x18 ... 0x1f:
        *val = s->tmr[idx - 0x18];
        return true;
    case 0x20 ... 0x27:
        *val = s->irr[idx - 0x20];
        return true;
    case 0x28:
        *val = s->esr;
        return true;
    case 0x30:
        *val = x2 ? ((uint64_t)s->icr_hi << 32) | s->icr_lo : s->icr_lo;
        return true;
    case 0x31:
        *val = s->icr_hi;
        return !x2;
    case 0x32 ... 0x37:
        *val = s->lvt[idx - 0x32];
        return true;
    case 0x38:
        *val = s->timer_initial;
        return true;
    case 0x39:
        *val = apic_timer_current(s);
        return true;
    case 0x3e:
        *val = s->timer_dcr;
        return true;
    }
    *val = 0;
    return false;
}

static bool apic_reg_write(APICState *s, int idx, uint64_t val)
{
    bool x2 = apic_is_x2apic(s);
    uint32_t v = val;

    if (x2 && idx != 0x30 && (val >> 32)) {
        return false;    /* reserved bits of a 32-bit x2APIC register */
    }
    switch (idx) {
    case 0x02:
        if (x2) {
            return false;
        }
        s->id = v >> 24;
        return true;
    case 0x08:
        if (x2 && (v & ~0xffu)) {
            return false;
        }
        s->tpr = v;
        apic_update(s);
        return true;
    case 0x0b:
        if (x2 && v) {
            return false;
        }
        apic_eoi(s);
        return true;
    case 0x0d:
        if (x2) {
            return false;
        }
        s->ldr = v & 0xff000000;
        return true;
    case 0x0e:
        if (x2) {
            return false;
        }
        s->dfr = v | 0x0fffffff;
        return true;
    case 0x0f:
        s->svr = v & 0x3ff;
        if (!(s->svr & APIC_SVR_ENABLE)) {
            for (int i = 0; i < APIC_LVT_NB; i++) {
                s->lvt[i] |= APIC_LVT_MASKED;
            }
        }
        apic_update(s);
        return true;
    case 0x28:
        if (x2 && v) {
            return false;
        }
        /* A write latches the errors seen since the last one. */
        s->esr = s->esr_pending;
        s->esr_pending = 0;
        return true;
    case 0x30:
        if (x2) {
            s->icr_lo = val & 0xccfff;
            s->icr_hi = val >> 32;
            apic_send_ipi(s, s->icr_lo, s->icr_hi);
        } else {
            s->icr_lo = v & 0xccfff;
            apic_send_ipi(s, s->icr_lo, s->icr_hi >> 24);
        }
        return true;
    case 0x31:
        if (x2) {
            return false;
        }
        s->icr_hi = v & 0xff000000;
        return true;
    case 0x32 ... 0x37:
        return apic_lvt_write(s, idx - 0x32, v);
    case 0x38:
        if (apic_timer_mode(s) != APIC_TIMER_DEADLINE) {
            apic_timer_start(s, v);
        }
        return true;
    case 0x3e:
        apic_timer_set_dcr(s, v);
        return true;
    case 0x3f:
        if (!x2) {
            return false;
        }
        /* SELF IPI: fixed, edge, to this APIC. */
        apic_send_ipi(s, (v & 0xff) | (1u << 18), 0);
        return true;
    case 0x03: case 0x09: case 0x0a: case 0x0c:
    case 0x10 ... 0x27: case 0x39:
        /* read-only: ignored on the xAPIC page, #GP as MSRs */
        return !x2;
    }
    return false;
}

/* ---- the xAPIC page and the MSI window ---- */

static APICState *apic_for_access(void)
{
    CPUState *cpu = current_cpu_get();
    APICState *s = apic_of_cpu(cpu ? cpu : first_cpu);
    if (!s && apic_list) {
        s = apic_list->data;
    }
    return s;
}

static uint64_t apic_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    APICState *s = apic_for_access();
    uint64_t v;

    if (addr >= 0x1000 || !s || !apic_hw_enabled(s) || apic_is_x2apic(s)) {
        return 0;
    }
    if (!apic_reg_read(s, addr >> 4, &v) || (addr & 0xf) >= 4) {
        apic_error(s, APIC_ESR_ILLEGAL_REGISTER);
        return 0;
    }
    v = (uint32_t)v >> ((addr & 3) * 8);
    return size < 4 ? v & ((1u << (size * 8)) - 1) : v;
}

static void apic_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                            unsigned size)
{
    APICState *s;

    if (addr >= 0x1000) {
        /* A DMA write into the interrupt window is an MSI. */
        apic_deliver_msi(APIC_DEFAULT_ADDRESS + addr, val);
        return;
    }
    s = apic_for_access();
    if (!s || !apic_hw_enabled(s) || apic_is_x2apic(s)) {
        return;
    }
    if (size != 4 || (addr & 0xf)) {
        kemu_log_mask(LOG_GUEST_ERROR, "apic: %u-byte write at 0x%03"
                      HWADDR_PRIx " ignored\n", size, addr);
        return;
    }
    if (!apic_reg_write(s, addr >> 4, val)) {
        apic_error(s, APIC_ESR_ILLEGAL_REGISTER);
    }
}

static const MemoryRegionOps apic_mmio_ops = {
    .read = apic_mmio_read,
    .write = apic_mmio_write,
    .valid = { .min_access_size = 1, .max_access_size = 4,
               .unaligned = false },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* ---- MSRs ---- */

static bool apic_set_base(APICState *s, uint64_t val)
{
    uint64_t reserved = ~(0x000ffffffffff000ULL | MSR_IA32_APICBASE_BSP |
                          MSR_IA32_APICBASE_EXTD | MSR_IA32_APICBASE_ENABLE);
    bool en = val & MSR_IA32_APICBASE_ENABLE;
    bool extd = val & MSR_IA32_APICBASE_EXTD;

    if (val & reserved) {
        return false;
    }
    /* SDM 10.12.5: EXTD without EN is invalid, x2APIC -> xAPIC and
     * disabled -> x2APIC are illegal transitions. */
    if (extd && !en) {
        return false;
    }
    if (apic_is_x2apic(s) && en && !extd) {
        return false;
    }
    if (!apic_hw_enabled(s) && extd) {
        return false;
    }
    if (en && !extd) {
        uint64_t base = val & MSR_IA32_APICBASE_BASE;
        if (base != APIC_DEFAULT_ADDRESS) {
            kemu_log_mask(LOG_UNIMP, "apic: relocation to 0x%" PRIx64
                          " not supported\n", base);
        }
    }
    bool was_enabled = apic_hw_enabled(s);
    bool was_x2 = apic_is_x2apic(s);
    s->apicbase = (val & ~MSR_IA32_APICBASE_BSP) |
                  (s->apicbase & MSR_IA32_APICBASE_BSP);
    if (was_enabled && !en) {
        /* Globally disabled: state as after INIT (SDM 10.4.3). */
        apic_init_reset(s);
    }
    if (!was_x2 && extd) {
        /* x2APIC: 32-bit id, LDR derived from it (SDM 10.12.10.2). */
        s->ldr = ((s->id >> 4) << 16) | (1u << (s->id & 0xf));
    }
    apic_update(s);
    return true;
}

bool apic_msr_read(CPUState *cpu, uint32_t msr, uint64_t *val)
{
    APICState *s = apic_of_cpu(cpu);

    *val = 0;
    if (!s) {
        return false;
    }
    if (msr == MSR_IA32_APICBASE) {
        *val = s->apicbase;
        return true;
    }
    if (msr == MSR_IA32_TSC_DEADLINE) {
        *val = apic_timer_mode(s) == APIC_TIMER_DEADLINE ? s->tsc_deadline
                                                         : 0;
        return true;
    }
    if (msr < MSR_X2APIC_FIRST || msr > MSR_X2APIC_LAST ||
        !apic_is_x2apic(s)) {
        return false;
    }
    return apic_reg_read(s, msr - MSR_X2APIC_FIRST, val);
}

bool apic_msr_write(CPUState *cpu, uint32_t msr, uint64_t val)
{
    APICState *s = apic_of_cpu(cpu);

    if (!s) {
        return false;
    }
    if (msr == MSR_IA32_APICBASE) {
        return apic_set_base(s, val);
    }
    if (msr == MSR_IA32_TSC_DEADLINE) {
        apic_set_tsc_deadline(s, val);
        return true;
    }
    if (msr < MSR_X2APIC_FIRST || msr > MSR_X2APIC_LAST ||
        !apic_is_x2apic(s)) {
        return false;
    }
    return apic_reg_write(s, msr - MSR_X2APIC_FIRST, val);
}

void apic_set_tpr(DeviceState *dev, uint8_t tpr)
{
    APICState *s = APIC(dev);
    s->tpr = tpr;
    apic_update(s);
}

uint8_t apic_get_tpr(DeviceState *dev)
{
    return APIC(dev)->tpr;
}

uint64_t apic_get_base(DeviceState *dev)
{
    return APIC(dev)->apicbase;
}

int apic_get_sipi_vector(DeviceState *dev)
{
    return APIC(dev)->sipi_vector;
}

bool apic_get_regs(DeviceState *dev, uint32_t *regs)
{
    APICState *s;
    uint64_t v;

    if (object_dynamic_cast(OBJECT(dev), TYPE_KVM_APIC)) {
        return kvm_apic_get_regs(dev, regs);
    }
    if (!object_dynamic_cast(OBJECT(dev), TYPE_APIC)) {
        return false;
    }
    s = APIC(dev);
    for (int i = 0; i < APIC_REG_PAGE_DWORDS; i++) {
        regs[i] = apic_reg_read(s, i, &v) ? v : 0;
    }
    /* The xAPIC layout whatever the mode: x2APIC has no APR/DFR/ICR2. */
    regs[0x09] = apic_apr(s);
    regs[0x0e] = s->dfr;
    regs[0x30] = s->icr_lo;
    regs[0x31] = s->icr_hi;
    return true;
}

/* ---- reset and the device ---- */

/* INIT: everything but the ID and IA32_APIC_BASE (SDM 10.4.7.3). */
void apic_init_reset(APICState *s)
{
    s->tpr = 0;
    s->ldr = 0;
    s->dfr = 0xffffffff;
    s->svr = 0xff;
    memset(s->isr, 0, sizeof(s->isr));
    memset(s->tmr, 0, sizeof(s->tmr));
    memset(s->irr, 0, sizeof(s->irr));
    s->esr = s->esr_pending = 0;
    s->icr_lo = s->icr_hi = 0;
    for (int i = 0; i < APIC_LVT_NB; i++) {
        s->lvt[i] = APIC_LVT_MASKED;
    }
    s->timer_initial = 0;
    s->timer_dcr = 0;
    s->timer_start = 0;
    s->tsc_deadline = 0;
    s->extint_pending = false;
    apic_timer_stop(s);
    if (apic_is_x2apic(s)) {
        s->ldr = ((s->id >> 4) << 16) | (1u << (s->id & 0xf));
    }
}

static uint32_t apic_default_id(APICState *s)
{
    CPUState *cpu = apic_cpu(s);

    if (s->initial_id != UINT32_MAX) {
        return s->initial_id;
    }
    if (cpu) {
        CPUClass *cc = CPU_GET_CLASS(cpu);
        return cc->get_arch_id ? cc->get_arch_id(cpu) : cpu->cpu_index;
    }
    return g_slist_index(apic_list, s);
}

static void apic_reset(DeviceState *dev)
{
    APICState *s = APIC(dev);

    s->id = apic_default_id(s);
    s->apicbase = APIC_DEFAULT_ADDRESS | MSR_IA32_APICBASE_ENABLE |
                  (apic_is_bsp(s) ? MSR_IA32_APICBASE_BSP : 0);
    apic_init_reset(s);
    s->sipi_vector = 0;
    if (apic_is_bsp(s)) {
        /*
         * Virtual wire mode on the BSP, as firmware leaves it and as
         * KVM's in-kernel LAPIC resets: the 8259 reaches the CPU through
         * LINT0 in ExtINT mode.
         */
        s->lvt[APIC_LVT_LINT0] = APIC_DM_EXTINT << 8;
        s->lint_level = (s->lint_level & ~1) | (apic_pic_level ? 1 : 0);
    }
    apic_update(s);
}

static void apic_set_lint_gpio(void *opaque, int n, int level)
{
    apic_set_lint(opaque, n, level);
}

static void apic_instance_init(Object *obj)
{
    APICState *s = APIC(obj);

    s->timer_expire = -1;
    qdev_init_gpio_in(DEVICE(s), apic_set_lint_gpio, 2);
}

static void apic_msi_handler(void *opaque, uint64_t addr, uint32_t data)
{
    apic_deliver_msi(addr, data);
}

static bool apic_realize(DeviceState *dev, Error **errp)
{
    APICState *s = APIC(dev);

    s->timer = timer_new_ns(KEMU_CLOCK_VIRTUAL, apic_timer_cb, s);
    apic_list = g_slist_append(apic_list, s);
    if (!apic_mmio_mapped) {
        memory_region_init_io(&apic_mmio, NULL, &apic_mmio_ops, NULL,
                              "apic-msi", APIC_SPACE_SIZE);
        memory_region_add_subregion_overlap(get_system_memory(),
                                            APIC_DEFAULT_ADDRESS,
                                            &apic_mmio, 0x1000);
        apic_mmio_mapped = true;
        irq_userspace_set_msi_handler(apic_msi_handler, NULL);
    }
    apic_reset(dev);
    return true;
}

static void apic_unrealize(DeviceState *dev)
{
    APICState *s = APIC(dev);

    apic_list = g_slist_remove(apic_list, s);
    timer_free(s->timer);
    s->timer = NULL;
    if (!apic_list && apic_mmio_mapped) {
        memory_region_del_subregion(get_system_memory(), &apic_mmio);
        memory_region_destroy(&apic_mmio);
        apic_mmio_mapped = false;
    }
}

static void apic_print_info(DeviceState *dev, GString *out, int indent)
{
    APICState *s = APIC(dev);
    g_string_append_printf(out, "%*sid=%u base=0x%" PRIx64 " tpr=0x%02x "
                           "ppr=0x%02x svr=0x%03x\n", indent, "", s->id,
                           s->apicbase, s->tpr, apic_ppr(s), s->svr);
}

static const Property apic_props[] = {
    DEFINE_PROP_UINT32("id", APICState, initial_id, UINT32_MAX),
    DEFINE_PROP_UINT8("version", APICState, version, 0x14),
    DEFINE_PROP_LINK("cpu", APICState, cpu_link, TYPE_CPU),
    DEFINE_PROP_END,
};

static void apic_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->desc = "local APIC (userspace)";
    dc->category = "misc";
    dc->realize = apic_realize;
    dc->unrealize = apic_unrealize;
    dc->reset = apic_reset;
    dc->state = &apic_state;
    dc->print_info = apic_print_info;
    dc->user_creatable = false;
    device_class_set_props(dc, apic_props);
}

static const TypeInfo apic_types[] = {
    {
        .name = TYPE_APIC,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(APICState),
        .instance_init = apic_instance_init,
        .class_init = apic_class_init,
    },
};
DEFINE_TYPES(apic_types)
