/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The HMP "nmi" command: the guest waits, interrupts off, for an NMI
 * (vector 2) that only the monitor sends, then passes. cli does not mask
 * NMIs, so "cli; hlt" is a wait that nothing else can end. */
#include "guest.h"

static volatile int nmi_taken;

static void nmi_handler(struct frame *f)
{
    nmi_taken = 1;
}

void guest_main(void)
{
    set_irq_handler(2, nmi_handler);
    cli();
    printf("waiting for NMI\n");
    while (!nmi_taken) {
        hlt();
    }
    printf("NMI received\n");
}
