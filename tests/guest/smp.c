/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SMP bring-up: find the CPUs in the MADT, start each AP with INIT/SIPI,
 * have every AP run a short loop at CPL3 and check in. "cpus=N" on the
 * command line is the number the test expects. */
#include "guest.h"

static volatile int checked_in;
static volatile uint64_t results[MAX_CPUS];
static uint8_t user_stacks[MAX_CPUS][4096] NOINIT;

static void user_sum(uint64_t n)
{
    uint64_t s = 0;
    for (uint64_t i = 1; i <= n; i++) {
        s += i;
    }
    user_exit(s);
}

static void ap_main(unsigned id)
{
    uint64_t r = run_user(user_sum, 1000 + id, user_stacks[id % MAX_CPUS] + 4096);
    results[id % MAX_CPUS] = r;
    printf("cpu %u online\n", id);
    __atomic_add_fetch(&checked_in, 1, __ATOMIC_SEQ_CST);
}

void guest_main(void)
{
    uint8_t ids[MAX_CPUS];
    long want = cmdline_int("cpus", 1);
    int n = acpi_madt_cpus(ids, MAX_CPUS);

    CHECK(n > 0, "no MADT");
    printf("MADT lists %d CPUs\n", n);
    CHECK(n == want, "MADT lists %d CPUs, expected %ld", n, want);
    lapic_enable();
    int started = smp_boot_aps(ids, n, ap_main);
    for (int t = 0; t < 5000 && checked_in < n - 1; t++) {
        udelay(1000);
    }
    CHECK(started == n - 1 && checked_in == n - 1,
          "only %d of %d APs came up", checked_in, n - 1);
    for (int i = 0; i < n; i++) {
        unsigned id = ids[i];
        if (id == cpu_id()) {
            continue;
        }
        uint64_t k = 1000 + id;
        CHECK(results[id % MAX_CPUS] == k * (k + 1) / 2,
              "cpu %u computed %lu at CPL3", id, results[id % MAX_CPUS]);
    }
    printf("all %d CPUs up\n", n);
}
