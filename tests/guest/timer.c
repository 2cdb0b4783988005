/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Timer interrupts: the PIT through the 8259 PIC, then the LAPIC timer
 * in periodic and one-shot modes. Interrupts are taken while the CPU
 * waits in hlt, so the waits cost little supervisor work. */
#include "guest.h"

static volatile unsigned pit_ticks, lapic_ticks;

static void pit_irq(struct frame *f)
{
    pit_ticks++;
    pic_eoi(0);
}

static void lapic_irq(struct frame *f)
{
    lapic_ticks++;
    lapic_eoi();
}

void guest_main(void)
{
    set_irq_handler(0x20, pit_irq);
    set_irq_handler(0x40, lapic_irq);

    pic_init(0x20);
    pit_periodic(1000);
    pic_unmask(0);
    while (pit_ticks < 20) {
        sti_hlt();
    }
    cli();
    printf("PIT ticks: %u\n", pit_ticks);
    outb(0x21, 0xff);

    lapic_enable();
    lapic_write(LAPIC_TIMER_DIV, 0x3);            /* divide by 16 */
    lapic_write(LAPIC_LVT_TIMER, 0x40 | (1 << 17)); /* periodic */
    lapic_write(LAPIC_TIMER_INIT, 100000);
    while (lapic_ticks < 20) {
        sti_hlt();
    }
    cli();
    lapic_write(LAPIC_LVT_TIMER, 1 << 16);        /* masked */
    printf("LAPIC periodic ticks: %u\n", lapic_ticks);

    unsigned before = lapic_ticks;
    lapic_write(LAPIC_LVT_TIMER, 0x40);           /* one-shot */
    lapic_write(LAPIC_TIMER_INIT, 50000);
    while (lapic_ticks == before) {
        sti_hlt();
    }
    cli();
    CHECK(lapic_read(LAPIC_TIMER_CUR) == 0, "one-shot timer still counting");
    printf("LAPIC one-shot fired\n");
}
