/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MC146818 RTC and CMOS NVRAM ("mc146818rtc", ports 0x70/0x71, IRQ 8).
 * Time starts where -rtc base= says (default: the host's UTC time) and
 * runs on the clock -rtc clock= chose (default: the virtual clock).
 */
#ifndef KEMU_HW_RTC_MC146818RTC_H
#define KEMU_HW_RTC_MC146818RTC_H

#include "hw/isa.h"

#define TYPE_MC146818_RTC "mc146818rtc"
#define RTC_ISA_IRQ 8
#define RTC_CMOS_SIZE 128

/* Register numbers firmware uses. */
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_REG_D 0x0d
#define RTC_CENTURY 0x32

/* Store a CMOS byte (board code: memory sizes, CPU count, boot order). */
void rtc_set_memory(DeviceState *rtc, int addr, int val);
int rtc_get_memory(DeviceState *rtc, int addr);

#endif
