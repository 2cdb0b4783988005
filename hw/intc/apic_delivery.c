/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Local APIC message delivery (Intel SDM vol. 3, 10.6-10.11): destination
 * matching (physical, logical flat/cluster, x2APIC cluster), IPIs from
 * the ICR, MSI messages, acceptance into IRR/TMR, EOI, the LVT and LINT
 * pins, and the interrupt acknowledge the vCPU loop performs.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "hw/intc/apic_internal.h"
#include "hw/intc/i8259.h"
#include "hw/intc/ioapic.h"

int apic_pic_level;
static qemu_irq pic_line;

static void set_bit256(uint32_t *reg, int v)
{
    reg[v >> 5] |= 1u << (v & 31);
}

static void clear_bit256(uint32_t *reg, int v)
{
    reg[v >> 5] &= ~(1u << (v & 31));
}

static bool test_bit256(const uint32_t *reg, int v)
{
    return reg[v >> 5] & (1u << (v & 31));
}

int apic_highest_bit(const uint32_t *reg)
{
    for (int i = 7; i >= 0; i--) {
        if (reg[i]) {
            return i * 32 + 31 - __builtin_clz(reg[i]);
        }
    }
    return -1;
}

/* PPR (SDM 10.8.3.1): TPR, or the in-service class when it is higher. */
uint8_t apic_ppr(APICState *s)
{
    int isrv = apic_highest_bit(s->isr);
    if (isrv < 0 || (s->tpr >> 4) >= (isrv >> 4)) {
        return s->tpr;
    }
    return isrv & 0xf0;
}

/* Highest IRR vector whose class beats PPR, or -1. */
static int apic_deliverable(APICState *s)
{
    if (!apic_sw_enabled(s)) {
        return -1;
    }
    int v = apic_highest_bit(s->irr);
    if (v < 0 || (v >> 4) <= (apic_ppr(s) >> 4)) {
        return -1;
    }
    return v;
}

/* The 8259 reaches this CPU: LINT0 passes INTR through when the APIC is
 * globally disabled, or LINT0 is unmasked in ExtINT mode. */
static bool apic_accepts_pic(APICState *s)
{
    uint32_t lvt0 = s->lvt[APIC_LVT_LINT0];

    if (!(s->lint_level & 1) || !i8259_get_master()) {
        return false;
    }
    if (!apic_hw_enabled(s)) {
        return true;
    }
    return !(lvt0 & APIC_LVT_MASKED) && ((lvt0 >> 8) & 7) == APIC_DM_EXTINT;
}

static bool apic_has_interrupt(APICState *s)
{
    return apic_deliverable(s) >= 0 || s->extint_pending ||
           apic_accepts_pic(s);
}

static void cpu_set_hard(CPUState *cpu, bool want)
{
    bool have = __atomic_load_n(&cpu->interrupt_request, __ATOMIC_ACQUIRE) &
                CPU_INTERRUPT_HARD;
    if (want && !have) {
        cpu_interrupt(cpu, CPU_INTERRUPT_HARD);
    } else if (!want && have) {
        cpu_reset_interrupt(cpu, CPU_INTERRUPT_HARD);
    }
}

void apic_update(APICState *s)
{
    CPUState *cpu = apic_cpu(s);
    if (cpu) {
        cpu_set_hard(cpu, apic_has_interrupt(s));
    }
}


void apic_accept(APICState *s, int mode, int vector, bool level_trig,
                 bool assert)
{
    CPUState *cpu = apic_cpu(s);

    if (!apic_hw_enabled(s)) {
        return;     /* a globally disabled APIC is not on the bus */
    }
    switch (mode) {
    case APIC_DM_FIXED:
    case APIC_DM_LOWEST:
        if (!apic_sw_enabled(s)) {
            return;
        }
        if (vector < 16) {
            apic_error(s, APIC_ESR_RECV_ILLEGAL_VECTOR);
            return;
        }
        set_bit256(s->irr, vector);
        if (level_trig) {
            set_bit256(s->tmr, vector);
        } else {
            clear_bit256(s->tmr, vector);
        }
        apic_update(s);
        break;
    case APIC_DM_SMI:
        if (cpu) {
            cpu_interrupt(cpu, CPU_INTERRUPT_SMI);
        }
        break;
    case APIC_DM_NMI:
        if (cpu) {
            cpu_interrupt(cpu, CPU_INTERRUPT_NMI);
        }
        break;
    case APIC_DM_INIT:
        if (level_trig && !assert) {
            /* INIT level de-assert: arbitration id sync, nothing here. */
            return;
        }
        apic_init_reset(s);
        apic_update(s);
        if (cpu) {
            cpu_interrupt(cpu, CPU_INTERRUPT_INIT);
        }
        break;
    case APIC_DM_SIPI:
        s->sipi_vector = vector;
        if (cpu) {
            cpu_interrupt(cpu, CPU_INTERRUPT_SIPI);
        }
        break;
    case APIC_DM_EXTINT:
        s->extint_pending = true;
        apic_update(s);
        break;
    default:
        kemu_log_mask(LOG_GUEST_ERROR, "apic: reserved delivery mode %d\n",
                      mode);
    }
}

void apic_lvt_deliver(APICState *s, int lvt)
{
    uint32_t v = s->lvt[lvt];
    int vector = v & 0xff;
    int mode = lvt == APIC_LVT_TIMER ? APIC_DM_FIXED : (v >> 8) & 7;
    bool lint = lvt == APIC_LVT_LINT0 || lvt == APIC_LVT_LINT1;

    if ((v & APIC_LVT_MASKED) || !apic_hw_enabled(s)) {
        return;
    }
    switch (mode) {
    case APIC_DM_FIXED:
        if (lvt == APIC_LVT_ERROR && vector < 16) {
            s->esr_pending |= APIC_ESR_RECV_ILLEGAL_VECTOR;
            return;     /* no error interrupt for the error interrupt */
        }
        if (lint && (v & APIC_LVT_LEVEL)) {
            s->lvt[lvt] |= APIC_LVT_REMOTE_IRR;
            apic_accept(s, APIC_DM_FIXED, vector, true, true);
        } else {
            apic_accept(s, APIC_DM_FIXED, vector, false, true);
        }
        break;
    case APIC_DM_SMI:
    case APIC_DM_NMI:
    case APIC_DM_INIT:
        apic_accept(s, mode, 0, false, true);
        break;
    case APIC_DM_EXTINT:
        apic_update(s);     /* the PIC's level decides, see accepts_pic */
        break;
    default:
        kemu_log_mask(LOG_GUEST_ERROR, "apic: LVT %d reserved mode %d\n",
                      lvt, mode);
    }
}

void apic_set_lint(APICState *s, int pin, int level)
{
    uint8_t bit = 1 << pin;
    bool was = s->lint_level & bit;
    int lvt = APIC_LVT_LINT0 + pin;
    uint32_t v = s->lvt[lvt];

    s->lint_level = level ? (s->lint_level | bit) : (s->lint_level & ~bit);
    if (!apic_hw_enabled(s)) {
        /* Globally disabled: LINT0 is INTR, LINT1 is NMI. */
        if (pin == 1 && level && !was && apic_cpu(s)) {
            cpu_interrupt(apic_cpu(s), CPU_INTERRUPT_NMI);
        }
        apic_update(s);
        return;
    }
    if (((v >> 8) & 7) == APIC_DM_FIXED && (v & APIC_LVT_LEVEL)) {
        if (level && !(v & APIC_LVT_REMOTE_IRR)) {
            apic_lvt_deliver(s, lvt);
        }
    } else if (level && !was) {
        apic_lvt_deliver(s, lvt);
    }
    apic_update(s);
}

static bool apic_match_dest(APICState *t, uint32_t dest, bool logical,
                            bool wide)
{
    if (wide ? dest == 0xffffffff : (dest & 0xff) == 0xff) {
        return true;    /* broadcast */
    }
    if (apic_is_x2apic(t)) {
        if (!logical) {
            return dest == t->id;
        }
        /* x2APIC logical: cluster in 31:16, member bitmap in 15:0. */
        return (dest >> 16) == (t->ldr >> 16) && (dest & t->ldr & 0xffff);
    }
    uint8_t d = dest;
    if (!logical) {
        return d == (t->id & 0xff);
    }
    uint8_t l = t->ldr >> 24;
    if ((t->dfr >> 28) == 0xf) {
        return d & l;                                     /* flat */
    }
    return (d >> 4) == (l >> 4) && (d & l & 0xf);        /* cluster */
}

/* Send one message to the APICs selected by shorthand or destination. */
static void apic_route(APICState *src, int shorthand, uint32_t dest,
                       bool logical, bool wide, int mode, int vector,
                       bool level_trig, bool assert)
{
    APICState *lowest = NULL;

    for (GSList *l = apic_list; l; l = l->next) {
        APICState *t = l->data;
        bool match;

        switch (shorthand) {
        case 1:
            match = t == src;
            break;
        case 2:
            match = true;
            break;
        case 3:
            match = t != src;
            break;
        default:
            match = apic_match_dest(t, dest, logical, wide);
        }
        if (!match) {
            continue;
        }
        if (mode == APIC_DM_LOWEST && shorthand == 0) {
            /* Lowest priority: the enabled target with the lowest
             * processor priority takes it (first one on a tie). */
            if (apic_sw_enabled(t) &&
                (!lowest || apic_ppr(t) < apic_ppr(lowest))) {
                lowest = t;
            }
            continue;
        }
        apic_accept(t, mode, vector, level_trig, assert);
    }
    if (lowest) {
        apic_accept(lowest, APIC_DM_FIXED, vector, level_trig, assert);
    }
}

void apic_send_ipi(APICState *s, uint32_t icr_lo, uint32_t dest)
{
    int vector = icr_lo & 0xff;
    int mode = (icr_lo >> 8) & 7;
    bool logical = icr_lo & (1u << 11);
    bool assert = icr_lo & (1u << 14);
    bool level_trig = icr_lo & (1u << 15);
    int shorthand = (icr_lo >> 18) & 3;

    if ((mode == APIC_DM_FIXED || mode == APIC_DM_LOWEST) && vector < 16) {
        apic_error(s, APIC_ESR_SEND_ILLEGAL_VECTOR);
        return;
    }
    if (mode == APIC_DM_EXTINT || mode == 3) {
        kemu_log_mask(LOG_GUEST_ERROR, "apic: ICR delivery mode %d is "
                      "reserved\n", mode);
        return;
    }
    if (mode != APIC_DM_INIT) {
        level_trig = false;   /* only INIT uses the level/assert pair */
        assert = true;
    }
    kemu_log_mask(LOG_INT, "apic %u: IPI mode %d vector 0x%02x dest 0x%x "
                  "sh %d\n", s->id, mode, vector, dest, shorthand);
    apic_route(s, shorthand, dest, logical, apic_is_x2apic(s), mode,
               vector, level_trig, assert);
}

void apic_deliver_msi(uint64_t addr, uint32_t data)
{
    if ((addr & 0xfff00000ULL) != APIC_DEFAULT_ADDRESS) {
        kemu_log_mask(LOG_GUEST_ERROR, "apic: MSI to 0x%" PRIx64 "\n", addr);
        return;
    }
    uint32_t dest = (addr >> 12) & 0xff;
    bool logical = addr & (1u << 2);
    int vector = data & 0xff;
    int mode = (data >> 8) & 7;
    bool level_trig = data & (1u << 15);
    bool assert = data & (1u << 14);

    if (!level_trig) {
        assert = true;   /* edge messages have no de-assert form */
    }
    if (level_trig && !assert && mode != APIC_DM_INIT) {
        return;
    }
    if ((mode == APIC_DM_FIXED || mode == APIC_DM_LOWEST) && vector < 16) {
        kemu_log_mask(LOG_GUEST_ERROR, "apic: MSI vector %d\n", vector);
    }
    apic_route(NULL, 0, dest, logical, false, mode, vector, level_trig,
               assert);
}

void apic_eoi(APICState *s)
{
    int v = apic_highest_bit(s->isr);

    if (v < 0) {
        return;
    }
    clear_bit256(s->isr, v);
    if (test_bit256(s->tmr, v)) {
        /* Level-triggered: tell the IOAPICs (no directed-EOI support, so
         * broadcast is never suppressed). */
        ioapic_eoi_broadcast(v);
    }
    for (int pin = 0; pin < 2; pin++) {
        int lvt = APIC_LVT_LINT0 + pin;
        if ((s->lvt[lvt] & APIC_LVT_REMOTE_IRR) &&
            (s->lvt[lvt] & 0xff) == v) {
            s->lvt[lvt] &= ~APIC_LVT_REMOTE_IRR;
            if (s->lint_level & (1 << pin)) {
                apic_lvt_deliver(s, lvt);
            }
        }
    }
    apic_update(s);
}

/* ---- the vCPU side ---- */

int x86_intc_get_interrupt(CPUState *cpu)
{
    APICState *s = apic_of_cpu(cpu);
    DeviceState *pic = i8259_get_master();
    int v = -1;

    if (!s) {
        /* No LAPIC: the 8259's INT is the BSP's INTR pin. */
        if (cpu != first_cpu) {
            return -1;
        }
        if (pic && pic_get_output(pic)) {
            v = pic_read_irq(pic);
        }
        cpu_set_hard(cpu, pic && pic_get_output(pic));
        return v;
    }
    int irr = apic_deliverable(s);
    if (irr >= 0) {
        clear_bit256(s->irr, irr);
        set_bit256(s->isr, irr);
        v = irr;
    } else if (s->extint_pending) {
        s->extint_pending = false;
        if (pic) {
            v = pic_read_irq(pic);
        }
    } else if (apic_accepts_pic(s)) {
        v = pic_read_irq(pic);
    }
    apic_update(s);
    if (v >= 0) {
        kemu_log_mask(LOG_INT, "apic %u: interrupt 0x%02x\n", s->id, v);
    }
    return v;
}

bool x86_intc_has_interrupt(CPUState *cpu)
{
    APICState *s = apic_of_cpu(cpu);
    DeviceState *pic = i8259_get_master();

    if (!s) {
        return cpu == first_cpu && pic && pic_get_output(pic);
    }
    return apic_has_interrupt(s);
}

static void apic_pic_set(void *opaque, int n, int level)
{
    CPUState *cpu = first_cpu;
    APICState *s = cpu ? apic_of_cpu(cpu) : NULL;

    apic_pic_level = level;
    if (s) {
        apic_set_lint(s, 0, level);
    } else if (cpu) {
        cpu_set_hard(cpu, level);
    }
}

qemu_irq apic_pic_line(void)
{
    if (!pic_line) {
        pic_line = qemu_allocate_irq(apic_pic_set, NULL, 0);
    }
    return pic_line;
}
