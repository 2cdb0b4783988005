/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Touches "mib=N" MiB of RAM above 16 MiB (one write per 4 KiB page, from
 * CPL3), then exits: the benchmark reads the emulator's peak RSS. */
#include "guest.h"

static uint8_t ustack[4096] NOINIT;

static void touch(uint64_t mib)
{
    for (uint64_t a = 16 << 20; a < (16 + mib) << 20; a += 4096) {
        *(volatile uint8_t *)a = 1;
    }
    user_exit(0);
}

void guest_main(void)
{
    long mib = cmdline_int("mib", 16);
    run_user(touch, mib, ustack + sizeof(ustack));
    printf("touched %ld MiB\n", mib);
}
