/* SPDX-License-Identifier: GPL-2.0-or-later */
/* HPET legacy replacement: while it is on, the PIT no longer drives
 * IRQ 0 (HPET timer 0 would, but its interrupt stays disabled here), so
 * no tick arrives; once it is off again the PIT's ticks come back. */
#include "guest.h"

#define HPET 0xfed00000ULL
#define HPET_CONFIG 0x10

static volatile unsigned ticks;

static void pit_irq(struct frame *f)
{
    ticks++;
    lapic_eoi();
}

static void wait_ticks(unsigned n)
{
    for (int i = 0; i < 200 && ticks < n; i++) {
        sti();
        udelay(1000);
        cli();
    }
}

void guest_main(void)
{
    pic_init(0x20);
    outb(0x21, 0xff);
    set_irq_handler(0x41, pit_irq);
    ioapic_route(2, 0x41, cpu_id(), false, false);
    pit_periodic(1000);

    wait_ticks(5);
    CHECK(ticks >= 5, "PIT ticks do not arrive (%u)", ticks);
    printf("PIT ticks before legacy mode: %u\n", ticks);

    /* ENABLE_CNF | LEG_RT_CNF, timer 0's interrupt left disabled. Ticks
     * latched before the switch are taken first, then counting starts. */
    mmio_write32(HPET + HPET_CONFIG, 3);
    sti();
    udelay(5000);
    cli();
    ticks = 0;
    sti();
    udelay(30000);
    cli();
    CHECK(ticks == 0, "%u PIT ticks during HPET legacy mode", ticks);
    printf("no PIT ticks in legacy mode\n");

    mmio_write32(HPET + HPET_CONFIG, 0);
    wait_ticks(5);
    CHECK(ticks >= 5, "PIT ticks did not come back (%u)", ticks);
    printf("PIT ticks back after legacy mode: %u\n", ticks);
}
