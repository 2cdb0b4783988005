/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CMOS fields firmware (SeaBIOS) and old kernels read: memory sizes,
 * CPU count, equipment and boot order. Written through the RTC's index
 * and data ports, so any mc146818rtc model at 0x70 gets them.
 */
#include "util/osdep.h"
#include "hw/i386/pc.h"

static void cmos_set(uint8_t idx, uint8_t val)
{
    cpu_outb(0x70, idx & 0x7f);     /* bit 7 would mask NMIs */
    cpu_outb(0x71, val);
}

static void cmos_set16(uint8_t idx, uint16_t val)
{
    cmos_set(idx, val);
    cmos_set(idx + 1, val >> 8);
}

void pc_cmos_init(PCMachineState *pcms)
{
    MachineState *ms = MACHINE(pcms);
    uint64_t ext_kb, above16m, above4g;

    cmos_set16(0x15, 640);                      /* base memory, KiB */
    ext_kb = pcms->below_4g > 1 * MiB ? (pcms->below_4g - 1 * MiB) / KiB : 0;
    ext_kb = MIN(ext_kb, 0xffff);
    cmos_set16(0x17, ext_kb);                   /* memory above 1 MiB */
    cmos_set16(0x30, ext_kb);
    above16m = pcms->below_4g > 16 * MiB ?
               (pcms->below_4g - 16 * MiB) / (64 * KiB) : 0;
    cmos_set16(0x34, MIN(above16m, 0xffff));    /* above 16 MiB, 64K units */
    above4g = pcms->above_4g / (64 * KiB);
    cmos_set(0x5b, above4g);                    /* above 4 GiB, 64K units */
    cmos_set(0x5c, above4g >> 8);
    cmos_set(0x5d, above4g >> 16);
    cmos_set(0x5f, ms->smp.cpus - 1);           /* CPUs - 1 */
    cmos_set(0x10, 0);                          /* no floppy drives */
    cmos_set(0x14, 0x02);                       /* FPU, VGA/EGA display */
    cmos_set(0x3d, 0x32);                       /* boot: disk, then CD */
    cmos_set(0x38, 0x00);
}
