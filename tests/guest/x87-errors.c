/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x87 error reporting. With CR0.NE an unmasked x87 exception is #MF at
 * the next waiting instruction; without it the PC's FERR# logic raises
 * IRQ13, which the handler acknowledges with a write to port 0xF0. With
 * interrupts off the instruction goes on (as with IGNNE#) and IRQ13
 * arrives once they are back on.
 */
#include "guest.h"

#define PIC_BASE 0x20

static volatile int mf, irq13;

static void clear_x87(void)
{
    __asm__ volatile("fnclex");
}

static void on_mf(struct frame *f)
{
    mf++;
    clear_x87();                /* #MF is a fault: the fwait runs again */
}

static void on_irq13(struct frame *f)
{
    irq13++;
    clear_x87();
    outb(0xf0, 0);              /* drop FERR# */
    pic_eoi(13);
}

/* 1/0 with the zero-divide exception unmasked, then FWAIT */
static void divide_by_zero(void)
{
    uint16_t cw = 0x037b;

    __asm__ volatile("fninit\n\t"
                     "fldcw %0\n\t"
                     "fld1\n\t"
                     "fldz\n\t"
                     "fdivrp %%st, %%st(1)\n\t"
                     "fwait\n\t"
                     "fstp %%st(0)\n\t"
                     : : "m"(cw) : "memory");
}

static void set_ne(bool on)
{
    uint64_t cr0;

    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 = on ? cr0 | 0x20 : cr0 & ~0x20ull;
    cr0 = (cr0 | 0x2) & ~0xcull;            /* MP; no EM, no TS */
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
}

void guest_main(void)
{
    uint16_t sw;

    set_irq_handler(16, on_mf);
    set_irq_handler(PIC_BASE + 13, on_irq13);
    pic_init(PIC_BASE);
    pic_unmask(2);
    pic_unmask(13);

    set_ne(true);
    divide_by_zero();
    CHECK(mf == 1 && irq13 == 0, "CR0.NE=1: %d #MF, %d IRQ13 (want 1, 0)",
          mf, irq13);
    printf("#MF with CR0.NE set\n");

    set_ne(false);
    sti();
    divide_by_zero();
    cli();
    CHECK(mf == 1 && irq13 == 1, "CR0.NE=0: %d #MF, %d IRQ13 (want 1, 1)",
          mf, irq13);
    printf("IRQ13 with CR0.NE clear\n");

    /* interrupts off: the insn proceeds, IRQ13 waits for STI */
    divide_by_zero();
    __asm__ volatile("fnstsw %0" : "=m"(sw));
    CHECK(irq13 == 1 && (sw & 0x84) == 0x84,
          "with IF=0: IRQ13 %d, FSW %#x (want 1, ES and ZE set)", irq13, sw);
    sti();
    for (int i = 0; i < 1000000 && irq13 == 1; i++) {
        cpu_relax();
    }
    cli();
    CHECK(irq13 == 2, "IRQ13 did not arrive after STI");
    printf("IRQ13 held until STI\n");
}
