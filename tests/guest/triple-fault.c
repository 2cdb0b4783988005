/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Triple fault: count boots in CMOS byte 0x4e (kept across resets), fault
 * twice, pass on the third boot. With -no-reboot the first fault ends the
 * emulator. */
#include "guest.h"

#define CMOS_COUNTER 0x4e

void guest_main(void)
{
    outb(0x70, CMOS_COUNTER);
    uint8_t boots = inb(0x71);
    printf("boot %u\n", boots);
    if (boots >= 2) {
        return;
    }
    outb(0x70, CMOS_COUNTER);
    outb(0x71, boots + 1);
    printf("triple faulting\n");
    struct { uint16_t lim; uint64_t base; } __attribute__((packed)) empty = { 0, 0 };
    /* ud2 rather than int3: at CPL0 this machine's KVM turns int3 into an
     * internal error instead of a fault. */
    __asm__ volatile("lidt %0; ud2" :: "m"(empty));
    fail("still running after a triple fault");
}
