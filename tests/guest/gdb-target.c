/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest gdb debugs (tests/functional/test_gdb.py): built with -O0
 * and symbols (build.sh keeps gdb-target.elf). gdb breaks in compute(),
 * watches 'counter', changes 'magic' before it is printed, interrupts
 * the spin on 'release' with Ctrl-C and sets it to let the guest end.
 */
#include "guest.h"

volatile int counter;
volatile int magic = 1;
volatile int release;

int compute(int x)
{
    int y = x * 2;

    y = y + 1;
    return y;
}

void guest_main(void)
{
    int r = compute(20);

    counter = r;
    printf("magic=%d counter=%d\n", magic, counter);
    printf("spinning\n");
    while (!release) {
        cpu_relax();
    }
    printf("released\n");
}
