/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every timer at its shortest period, then a spin that never ends: HPET
 * timer 0 periodic with period 1, the LAPIC timer periodic with count 1
 * and divide 1, PIT channel 0 with reload 1 and the RTC at 8 kHz. The
 * handlers acknowledge each interrupt so the storm goes on; the spin
 * alternates stretches with interrupts off and on. The host test checks
 * that the monitor, QMP and SIGTERM still work (test_timer_storm.py). */
#include "guest.h"

#define HPET 0xfed00000ULL

static volatile unsigned long pit_n, rtc_n, lapic_n, hpet_n;

static void pit_irq(struct frame *f)
{
    pit_n++;
    pic_eoi(0);
}

static void rtc_irq(struct frame *f)
{
    rtc_n++;
    outb(0x70, 0x0c);
    inb(0x71);                      /* read-to-clear */
    pic_eoi(8);
}

static void lapic_irq(struct frame *f)
{
    lapic_n++;
    lapic_eoi();
}

static void hpet_irq(struct frame *f)
{
    hpet_n++;
    lapic_eoi();
}

void guest_main(void)
{
    set_irq_handler(0x20, pit_irq);
    set_irq_handler(0x28, rtc_irq);
    set_irq_handler(0x40, lapic_irq);
    set_irq_handler(0x41, hpet_irq);

    pic_init(0x20);
    pic_unmask(0);
    pic_unmask(2);
    pic_unmask(8);

    /* PIT: mode 2, reload 1. */
    outb(0x43, 0x34);
    outb(0x40, 1);
    outb(0x40, 0);
    /* RTC: rate 3 (8192 Hz), periodic interrupt enabled. */
    outb(0x70, 0x0a);
    outb(0x71, 0x23);
    outb(0x70, 0x0b);
    uint8_t b = inb(0x71);
    outb(0x70, 0x0b);
    outb(0x71, b | 0x40);
    /* LAPIC timer: periodic, divide by 1, count 1. */
    lapic_enable();
    lapic_write(LAPIC_TIMER_DIV, 0xb);
    lapic_write(LAPIC_LVT_TIMER, 0x40 | (1 << 17));
    lapic_write(LAPIC_TIMER_INIT, 1);
    /* HPET timer 0: periodic edge interrupt on IOAPIC pin 20, period 1. */
    ioapic_route(20, 0x41, cpu_id(), false, false);
    *(volatile uint64_t *)(HPET + 0x100) = 0x4c | (20 << 9);
    *(volatile uint64_t *)(HPET + 0x108) = 1;
    *(volatile uint64_t *)(HPET + 0x108) = 1;
    *(volatile uint64_t *)(HPET + 0x10) = 1;

    printf("STORM ARMED\n");
    for (unsigned long i = 0;; i++) {
        if (i & 1) {
            sti();
        } else {
            cli();
        }
        for (volatile int j = 0; j < 100000; j++) {
        }
    }
}
