/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Prints every CPUID leaf the CPU reports, one line each on the serial
 * console: "cpuid LEAF SUBLEAF: EAX EBX ECX EDX". Leaves with subleaves
 * (4, 7, 0xb, 0xd, 0x8000001d) are walked as their definitions say, up
 * to a bound. tests/functional/test_cpu_models.py compares kemu's and
 * QEMU's output for each named CPU model.
 */
#include "guest.h"

static void cpuid2(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(sub));
}

static void dump(uint32_t leaf, uint32_t sub)
{
    uint32_t r[4];

    cpuid2(leaf, sub, r);
    printf("cpuid %08x %08x: %08x %08x %08x %08x\n", leaf, sub, r[0], r[1],
           r[2], r[3]);
}

static void dump_range(uint32_t base)
{
    uint32_t r[4], max;

    cpuid2(base, 0, r);
    max = r[0];
    if (max < base || max > base + 0x40) {
        max = base;             /* nothing sensible beyond the base */
    }
    for (uint32_t leaf = base; leaf <= max; leaf++) {
        uint32_t nsub = 1;
        switch (leaf) {
        case 4:
        case 0x8000001d:
            /* cache levels until type 0 */
            for (uint32_t s = 0; s < 8; s++) {
                dump(leaf, s);
                cpuid2(leaf, s, r);
                if (!(r[0] & 0x1f)) {
                    break;
                }
            }
            continue;
        case 7:
            cpuid2(7, 0, r);
            nsub = r[0] + 1 > 4 ? 4 : r[0] + 1;
            break;
        case 0xb:
        case 0x1f:
            nsub = 3;
            break;
        case 0xd:
            nsub = 20;
            break;
        }
        for (uint32_t s = 0; s < nsub; s++) {
            dump(leaf, s);
        }
    }
}

void guest_main(void)
{
    dump_range(0);
    dump_range(0x40000000);
    dump_range(0x80000000);
    printf("cpuid-dump done\n");
}
