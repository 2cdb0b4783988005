/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Userspace local APIC internals, shared by hw/intc/apic.c (registers,
 * timer, MMIO/MSR access, the device) and hw/intc/apic_delivery.c
 * (message routing, acceptance, interrupt acknowledge).
 */
#ifndef KEMU_HW_INTC_APIC_INTERNAL_H
#define KEMU_HW_INTC_APIC_INTERNAL_H

#include "hw/intc/apic.h"
#include "util/timer.h"

/* LVT entries, in register order from 0x320. */
enum {
    APIC_LVT_TIMER,
    APIC_LVT_THERMAL,
    APIC_LVT_PERF,
    APIC_LVT_LINT0,
    APIC_LVT_LINT1,
    APIC_LVT_ERROR,
    APIC_LVT_NB
};

#define APIC_LVT_MASKED       (1u << 16)
#define APIC_LVT_LEVEL        (1u << 15)   /* LINT trigger mode */
#define APIC_LVT_REMOTE_IRR   (1u << 14)   /* LINT, read-only */
#define APIC_LVT_TIMER_MODE(v) (((v) >> 17) & 3)
#define APIC_TIMER_ONESHOT    0
#define APIC_TIMER_PERIODIC   1
#define APIC_TIMER_DEADLINE   2

/* Delivery modes (ICR, LVT, MSI data bits 10:8). */
#define APIC_DM_FIXED   0
#define APIC_DM_LOWEST  1
#define APIC_DM_SMI     2
#define APIC_DM_NMI     4
#define APIC_DM_INIT    5
#define APIC_DM_SIPI    6
#define APIC_DM_EXTINT  7

#define APIC_SVR_ENABLE (1u << 8)

/* ESR bits */
#define APIC_ESR_SEND_ILLEGAL_VECTOR  (1u << 5)
#define APIC_ESR_RECV_ILLEGAL_VECTOR  (1u << 6)
#define APIC_ESR_ILLEGAL_REGISTER     (1u << 7)

typedef struct APICState {
    DeviceState parent_obj;

    /* properties */
    uint32_t initial_id;       /* "id"; UINT32_MAX: from the CPU */
    uint8_t version;           /* "version" (0x14) */
    Object *cpu_link;          /* "cpu" */

    CPUState *cpu;
    Timer *timer;

    uint64_t apicbase;
    uint32_t id;               /* x2APIC id; xAPIC id is the low byte */
    uint8_t tpr;
    uint32_t ldr;
    uint32_t dfr;
    uint32_t svr;
    uint32_t isr[8];
    uint32_t tmr[8];
    uint32_t irr[8];
    uint32_t esr;              /* as last latched by an ESR write */
    uint32_t esr_pending;      /* errors since */
    uint32_t icr_lo;
    uint32_t icr_hi;
    uint32_t lvt[APIC_LVT_NB];
    uint32_t timer_initial;
    uint32_t timer_dcr;
    int64_t timer_start;       /* KEMU_CLOCK_VIRTUAL ns of the count start */
    int64_t timer_expire;      /* next expiry, -1 when not running */
    uint64_t tsc_deadline;
    uint8_t sipi_vector;
    bool extint_pending;       /* an ExtINT message awaits INTA */
    uint8_t lint_level;        /* LINT0/1 input levels */
} APICState;

OBJECT_DECLARE_SIMPLE_TYPE(APICState, APIC)

/* apic.c */
extern GSList *apic_list;      /* every realized APICState */
APICState *apic_of_cpu(CPUState *cpu);
CPUState *apic_cpu(APICState *s);
bool apic_is_x2apic(APICState *s);
bool apic_hw_enabled(APICState *s);
bool apic_sw_enabled(APICState *s);
void apic_init_reset(APICState *s);
void apic_error(APICState *s, uint32_t esr_bit);

/* apic_delivery.c */
int apic_highest_bit(const uint32_t *reg);
uint8_t apic_ppr(APICState *s);
/* Raises or withdraws CPU_INTERRUPT_HARD after any state change. */
void apic_update(APICState *s);
/* Accept one interrupt message on this APIC. */
void apic_accept(APICState *s, int mode, int vector, bool level_trig,
                 bool assert);
/* Deliver through an LVT entry (timer, error, LINTn...). */
void apic_lvt_deliver(APICState *s, int lvt);
void apic_set_lint(APICState *s, int pin, int level);
void apic_send_ipi(APICState *s, uint32_t icr_lo, uint32_t dest);
void apic_eoi(APICState *s);
extern int apic_pic_level;     /* last level of the 8259's INT */

#endif
