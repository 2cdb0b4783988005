/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A breakpoint at CPL0. On hardware KVM (and under TCG) it is an ordinary
 * #BP taken by the guest's IDT; on this project's software KVM it ends in
 * KVM_EXIT_INTERNAL_ERROR, which the emulator must report with a register
 * dump and a non-zero exit instead of hanging. */
#include "guest.h"

static volatile int bp_taken;

static void bp_handler(struct frame *f)
{
    bp_taken = 1;
}

void guest_main(void)
{
    set_irq_handler(3, bp_handler);
    printf("int3 at CPL0\n");
    __asm__ volatile("int3");
    CHECK(bp_taken, "#BP handler did not run");
    printf("int3 handled by the guest\n");
}
