/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Port I/O and MMIO exits from a CPL3 loop. "iters=N" sets the count of
 * each, "port=0" or "mmio=0" leaves one kind out (the benchmark times
 * them apart); the results are checked so a dropped or misrouted exit shows:
 * debugcon (0xe9) reads back 0xe9; the HPET's capability register has
 * the Intel vendor ID and a 10 ns (100 MHz) counter period. */
#include "guest.h"

static uint8_t ustack[8192] NOINIT;

static uint64_t port_work(uint64_t n)
{
    uint64_t bad = 0;
    for (uint64_t i = 0; i < n; i++) {
        outb(0x80, i);                    /* POST port: a write exit */
        bad += inb(0xe9) != 0xe9;         /* debugcon: a read exit */
    }
    return bad;
}

static void port_loop(uint64_t n)
{
    user_exit(port_work(n));
}

static void mmio_loop(uint64_t n)
{
    uint64_t bad = 0;
    for (uint64_t i = 0; i < n; i++) {
        bad += (mmio_read32(0xfed00000) & 0xffff0000) != 0x80860000;
        bad += mmio_read32(0xfed00004) != 10000000;
    }
    user_exit(bad);
}

void guest_main(void)
{
    long n = cmdline_int("iters", 1000);
    uint64_t bad;
    printf("exits start\n");
    if (cmdline_int("port", 1)) {
        const char *where = "CPL3";
        bad = run_user(port_loop, n, ustack + sizeof(ustack));
        if (bad == USER_IO_REFUSED) {
            /* This KVM ignores IOPL at CPL3: measure from CPL0 instead. */
            where = "CPL0";
            bad = port_work(n);
        }
        CHECK(bad == 0, "%lu bad port reads", bad);
        printf("port exits: %ld ok (%s)\n", 2 * n, where);
    }
    if (cmdline_int("mmio", 1)) {
        bad = run_user(mmio_loop, n, ustack + sizeof(ustack));
        CHECK(bad == 0, "%lu bad MMIO reads", bad);
        printf("mmio exits: %ld ok\n", 2 * n);
    }
}
