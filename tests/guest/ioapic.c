/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IOAPIC routing: the PIC masked, ISA IRQ 0 (PIT, pin 2 by the usual
 * override) and IRQ 8 (RTC periodic) delivered through redirection
 * entries to the LAPIC; masking an entry stops delivery. */
#include "guest.h"

static volatile unsigned pit_ticks, rtc_ticks;

static void pit_irq(struct frame *f)
{
    pit_ticks++;
    lapic_eoi();
}

static void rtc_irq(struct frame *f)
{
    outb(0x70, 0x0c);
    (void)inb(0x71);          /* read C: acknowledge */
    rtc_ticks++;
    lapic_eoi();
}

void guest_main(void)
{
    uint32_t ver = ioapic_read(1);
    printf("IOAPIC version %x, %u pins\n", ver & 0xff, ((ver >> 16) & 0xff) + 1);
    CHECK(((ver >> 16) & 0xff) + 1 >= 24, "IOAPIC has fewer than 24 pins");

    pic_init(0x20);
    outb(0x21, 0xff);         /* PIC fully masked */
    lapic_enable();
    set_irq_handler(0x41, pit_irq);
    set_irq_handler(0x48, rtc_irq);

    unsigned me = cpu_id();
    ioapic_route(2, 0x41, me, false, false);
    pit_periodic(1000);
    while (pit_ticks < 10) {
        sti_hlt();
    }
    cli();
    ioapic_route(2, 0x41, me, false, true);
    printf("PIT via IOAPIC pin 2: %u\n", pit_ticks);

    ioapic_route(8, 0x48, me, false, false);
    outb(0x70, 0x0a);
    outb(0x71, (inb(0x71) & 0xf0) | 0x06);    /* 1024 Hz */
    outb(0x70, 0x0b);
    outb(0x71, inb(0x71) | 0x40);             /* PIE */
    outb(0x70, 0x0c);
    (void)inb(0x71);
    while (rtc_ticks < 10) {
        sti_hlt();
    }
    cli();
    outb(0x70, 0x0b);
    outb(0x71, inb(0x71) & ~0x40);
    ioapic_route(8, 0x48, me, false, true);
    printf("RTC via IOAPIC pin 8: %u\n", rtc_ticks);

    /* Masked pin: the PIT keeps running, nothing arrives. */
    unsigned before = pit_ticks;
    udelay(20000);
    sti();
    udelay(5000);
    cli();
    CHECK(pit_ticks == before, "masked IOAPIC pin still delivered");
    printf("masked pin delivers nothing\n");
}
