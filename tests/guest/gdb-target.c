/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest gdb debugs (tests/functional/test_gdb.py): built with -O0
 * and symbols (build.sh keeps gdb-target.elf). gdb breaks in compute(),
 * watches 'counter', changes 'magic' before it is printed, interrupts
 * the spin on 'release' with Ctrl-C and sets it to let the guest end.
 * With -smp 2 the second vCPU counts in ap_tick() forever, for the tests
 * that resume one vCPU and keep the other stopped (scheduler-locking).
 */
#include "guest.h"

volatile int counter;
volatile int magic = 1;
volatile int release;
volatile unsigned long ap_ticks;

void __attribute__((noinline)) ap_tick(void)
{
    ap_ticks++;
}

static void ap_main(unsigned id)
{
    for (;;) {
        ap_tick();
    }
}

int compute(int x)
{
    int y = x * 2;

    y = y + 1;
    return y;
}

void guest_main(void)
{
    uint8_t ids[MAX_CPUS];
    int n = acpi_madt_cpus(ids, MAX_CPUS);
    int r;

    if (n > 1) {
        lapic_enable();
        smp_boot_aps(ids, n, ap_main);
    }
    r = compute(20);

    counter = r;
    printf("magic=%d counter=%d\n", magic, counter);
    printf("spinning\n");
    while (!release) {
        cpu_relax();
    }
    printf("released\n");
}
