/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Waits for the ACPI power button (monitor "system_powerdown"), then
 * powers off through S5. ACPI mode is entered through the SMI command
 * port; PWRBTN_EN (PM1_EN bit 8) arms the button; PWRBTN_STS (PM1_STS
 * bit 8) is polled and cleared by writing 1 (ACPI spec 4.8.3.1).
 */
#include "guest.h"

#define PM1_STS 0x600
#define PM1_EN  0x602
#define PM1_CNT 0x604
#define SMI_CMD 0xb2
#define PWRBTN  (1u << 8)

void guest_main(void)
{
    outb(SMI_CMD, 0xf1);                /* ACPI enable: SCI_EN in PM1_CNT */
    outw(PM1_STS, PWRBTN);              /* stale status off */
    outw(PM1_EN, PWRBTN);
    printf("waiting for the power button\n");
    while (!(inw(PM1_STS) & PWRBTN)) {
        cpu_relax();
    }
    outw(PM1_STS, PWRBTN);
    printf("power button pressed, powering off\n");
    acpi_poweroff();
    fail("ACPI power-off did not stop the machine");
}
