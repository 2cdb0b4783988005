/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HPET (IA-PC HPET specification 1.0a): MMIO at 0xfed00000, a 64-bit
 * main counter at 100 MHz on KEMU_CLOCK_VIRTUAL and 3 comparators (one-shot
 * or periodic, 32/64-bit, edge or level), routed to GSIs through the
 * device's output lines: GPIO out n (0..23) drives GSI n, which the
 * machine connects. With legacy replacement (LEG_RT_CNF) timer 0 goes to
 * line 0 and timer 1 to line 8, and named GPIO outs "legacy" 0 and 1 go
 * high so the machine can silence the PIT and the RTC (their "hpet-legacy"
 * inputs).
 */
#ifndef KEMU_HPET_H
#define KEMU_HPET_H

#include "hw/qdev.h"
#include "exec/memory.h"
#include "util/timer.h"

#define TYPE_HPET "hpet"
#define HPET_BASE           0xfed00000
#define HPET_LEN            0x400
#define HPET_NUM_TIMERS     3
#define HPET_NUM_IRQ_ROUTES 24
#define HPET_CLK_PERIOD_FS  10000000ULL    /* 10 ns = 100 MHz */
/* Capabilities' low 32 bits (ACPI HPET table's event timer block id):
 * vendor 8086, legacy-capable, 64-bit counter, 3 timers, rev 1. */
#define HPET_BLOCK_ID       0x8086a201

typedef struct HPETState HPETState;

typedef struct HPETTimer {
    HPETState *state;
    unsigned index;
    Timer *timer;
    uint64_t config;
    uint64_t cmp;           /* comparator (64-bit view) */
    uint64_t period;        /* periodic increment */
    uint64_t fsb;
    uint8_t wrap_flag;      /* 32-bit one-shot counter wrap pending */
    int64_t expire_ns;      /* for migration: armed deadline or -1 */
} HPETTimer;

struct HPETState {
    DeviceState parent_obj;
    MemoryRegion iomem;
    uint64_t base;          /* property "base" */
    uint32_t intcap;        /* property "hpet-intcap": allowed routes */
    bool mapped;
    qemu_irq irqs[HPET_NUM_IRQ_ROUTES];
    qemu_irq legacy_irq[2];      /* to the PIT, to the RTC */
    HPETTimer timers[HPET_NUM_TIMERS];

    uint64_t capability;
    uint64_t config;
    uint64_t isr;
    uint64_t counter;       /* value when the counter was last stopped */
    int64_t counter_base_ns;   /* virtual ns when counter read 0 (running) */
    int line_level[HPET_NUM_IRQ_ROUTES];   /* per-line refcount of sources */
};

OBJECT_DECLARE_SIMPLE_TYPE(HPETState, HPET)

#endif
