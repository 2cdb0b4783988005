/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The demo guest: a banner, the vCPUs found in ACPI and started, timer
 * interrupts counted, a little work at CPL3, then ACPI power-off. */
#include "guest.h"

static volatile unsigned ticks;
static volatile int online;
static uint8_t ustack[8192] NOINIT;

static void tick(struct frame *f)
{
    ticks++;
    pic_eoi(0);
}

static void ap_main(unsigned id)
{
    __atomic_add_fetch(&online, 1, __ATOMIC_SEQ_CST);
}

static void user_work(uint64_t n)
{
    uint64_t a = 0, b = 1;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t t = a + b;
        a = b;
        b = t;
    }
    user_exit(a);
}

void guest_main(void)
{
    uint32_t r[4];
    char vendor[13];
    cpuid(0, 0, r);
    memcpy(vendor, &r[1], 4);
    memcpy(vendor + 4, &r[3], 4);
    memcpy(vendor + 8, &r[2], 4);
    vendor[12] = 0;

    printf("\n  kemu demo guest\n  ---------------\n");
    printf("  CPU vendor   : %s\n", vendor);
    uint8_t ids[MAX_CPUS];
    int n = acpi_madt_cpus(ids, MAX_CPUS);
    if (n < 1) {
        n = 1;
        ids[0] = cpu_id();
    }
    lapic_enable();
    smp_boot_aps(ids, n, ap_main);
    for (int t = 0; t < 2000 && online < n - 1; t++) {
        udelay(1000);
    }
    printf("  vCPUs online : %d of %d\n", online + 1, n);

    set_irq_handler(0x20, tick);
    pic_init(0x20);
    pit_periodic(100);
    pic_unmask(0);
    while (ticks < 50) {
        sti_hlt();
    }
    cli();
    printf("  timer ticks  : %u (100 Hz PIT through the 8259)\n", ticks);
    uint64_t f = run_user(user_work, 90, ustack + sizeof(ustack));
    printf("  CPL3 work    : fib(90) = %lu\n", f);
    printf("  powering off through ACPI S5\n");
    acpi_poweroff();
    fail("ACPI power-off did not stop the machine");
}
