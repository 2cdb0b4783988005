/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which optional x86-64 instructions the host has (CPUID). */
#include <cpuid.h>
#include "tcg/tcg-internal.h"

TCGHostFeatures tcg_host;

void tcg_host_detect(void)
{
    static gsize done;
    if (!g_once_init_enter(&done)) {
        return;
    }
    unsigned a, b, c, d;
    TCGHostFeatures f = { 0 };
    if (__get_cpuid(1, &a, &b, &c, &d)) {
        f.popcnt = (c >> 23) & 1;
    }
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        f.bmi1 = (b >> 3) & 1;
        f.bmi2 = (b >> 8) & 1;
    }
    if (__get_cpuid(0x80000001, &a, &b, &c, &d)) {
        f.lzcnt = (c >> 5) & 1;
    }
    tcg_host = f;
    g_once_init_leave(&done, 1);
}
