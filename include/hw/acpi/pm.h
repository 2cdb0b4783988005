/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ACPI fixed hardware of the pc's PIIX4 power-management function
 * (00:01.3, 8086:7113): PM1a event/control blocks, the 24-bit PM timer,
 * GPE0, SCI on ISA IRQ 9, APM/SMI command port 0xb2. The constants are
 * what the FADT/DSDT builder must describe.
 */
#ifndef KEMU_ACPI_PM_H
#define KEMU_ACPI_PM_H

#include "hw/pci/pci.h"
#include "util/timer.h"

#define TYPE_PIIX4_PM "PIIX4_PM"

#define ACPI_PM_BASE            0x600   /* default PMBA (direct boot) */
#define ACPI_PM1_EVT_OFFSET     0x00    /* PM1_STS (2) + PM1_EN (2) */
#define ACPI_PM1_EVT_LEN        4
#define ACPI_PM1_CNT_OFFSET     0x04
#define ACPI_PM1_CNT_LEN        2
#define ACPI_PM_TMR_OFFSET      0x08
#define ACPI_PM_TMR_LEN         4
#define ACPI_PM_IO_LEN          0x40    /* the PMBA window */
#define ACPI_PM_TMR_FREQUENCY   3579545 /* Hz */
#define ACPI_PM_TMR_BITS        24
#define ACPI_GPE0_BASE          0xafe0
#define ACPI_GPE0_LEN           8       /* 4 status bytes + 4 enable */
#define ACPI_SCI_IRQ            9
#define ACPI_SMI_CMD_PORT       0xb2    /* APM control; 0xb3 APM status */
#define ACPI_ENABLE_VALUE       0xf1
#define ACPI_DISABLE_VALUE      0xf0
#define ACPI_S5_SLP_TYP         0       /* \_S5 = Package { 0, 0, ... } */

/* PM1_STS / PM1_EN bits */
#define ACPI_BITMASK_TIMER_STATUS       0x0001
#define ACPI_BITMASK_BUS_MASTER_STATUS  0x0010
#define ACPI_BITMASK_GLOBAL_LOCK_STATUS 0x0020
#define ACPI_BITMASK_POWER_BUTTON_STATUS 0x0100
#define ACPI_BITMASK_SLEEP_BUTTON_STATUS 0x0200
#define ACPI_BITMASK_RT_CLOCK_STATUS    0x0400
#define ACPI_BITMASK_WAKE_STATUS        0x8000
#define ACPI_BITMASK_TIMER_ENABLE       0x0001
#define ACPI_BITMASK_GLOBAL_LOCK_ENABLE 0x0020
#define ACPI_BITMASK_POWER_BUTTON_ENABLE 0x0100
#define ACPI_BITMASK_RT_CLOCK_ENABLE    0x0400
/* PM1_CNT bits */
#define ACPI_BITMASK_SCI_ENABLE         0x0001
#define ACPI_BITMASK_SLEEP_TYPE         0x1c00
#define ACPI_BITMASK_SLEEP_ENABLE       0x2000
#define ACPI_SLP_TYP_SHIFT              10

/* PIIX4 PM config registers */
#define PIIX4_PM_PMBA           0x40    /* I/O base, bit 0 reads as 1 */
#define PIIX4_PM_DEVACTB        0x58
#define PIIX4_PM_PMREGMISC      0x80    /* bit 0: PM I/O space enable */
#define PIIX4_PM_SMBBA          0x90

typedef struct PIIX4PMState {
    PCIDevice parent_obj;
    MemoryRegion io;            /* PM1 + timer, mapped at PMBA */
    MemoryRegion gpe_io;        /* GPE0 at ACPI_GPE0_BASE */
    MemoryRegion apm_io;        /* 0xb2-0xb3 */
    MemoryRegion *io_space;
    uint16_t io_base;           /* where io is mapped, 0 = unmapped */
    qemu_irq sci_irq;           /* gpio out "sci"; default ISA IRQ 9 */
    Timer *tmr_timer;

    uint16_t pm1_sts;
    uint16_t pm1_en;
    uint16_t pm1_cnt;
    uint8_t gpe_sts[4];
    uint8_t gpe_en[4];
    uint8_t apm_cnt;
    uint8_t apm_sts;
    int64_t tmr_overflow_ns;    /* virtual time of the next bit-23 toggle */
    int sci_level;
} PIIX4PMState;

OBJECT_DECLARE_SIMPLE_TYPE(PIIX4PMState, PIIX4_PM)

/* Raises a GPE0 status bit (hotplug and friends, later). */
void piix4_pm_gpe_raise(PIIX4PMState *s, unsigned bit);

#endif
