/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The 8259A programmable interrupt controller pair of a PC, with the
 * PIIX edge/level control registers (ELCR) at 0x4d0/0x4d1.
 *
 * Device "isa-i8259": one 8259A. gpio_in[0..7] are the IR0-7 inputs,
 * gpio_out[0] is the INT output. Properties: "iobase" (0x20 / 0xa0),
 * "elcr_addr" (0x4d0 / 0x4d1), "elcr_mask" (which lines may be made
 * level-triggered: 0xf8 / 0xde on a PC), "master" (bool).
 */
#ifndef KEMU_HW_INTC_I8259_H
#define KEMU_HW_INTC_I8259_H

#include "hw/isa.h"

#define TYPE_ISA_I8259 "isa-i8259"
#define TYPE_KVM_I8259 "kvm-i8259"   /* in-kernel PIC (hw/intc/kvm/) */

/*
 * Builds the PC pair on bus: the master (0x20, ELCR 0x4d0) added as
 * "/machine/pic-master", the slave (0xa0, ELCR 0x4d1) as
 * "/machine/pic-slave", the slave's INT wired to the master's IR2 and the
 * master's INT to parent_int (see apic_pic_line() in hw/intc/apic.h).
 * Returns 16 input lines (owned by the caller, g_free the array):
 * [0..7] master IR0-7, [8..15] slave IR0-7. Line 2 is the cascade input
 * itself; nothing on a PC raises it.
 */
qemu_irq *i8259_init(ISABus *bus, qemu_irq parent_int);

/*
 * The interrupt acknowledge cycle on a master (or single) PIC: returns
 * the vector (ISR set, IRR cleared as the 8259A does; the slave is asked
 * for the vector when the cascade line wins). When nothing is pending
 * the 8259A answers with its spurious IRQ7 (IRQ15 from the slave).
 * Called with the BQL held.
 */
int pic_read_irq(DeviceState *pic);

/* True while the PIC's INT output is asserted. */
bool pic_get_output(DeviceState *pic);

/* The master created by i8259_init (or the first master realized), or
 * NULL when there is no userspace PIC. */
DeviceState *i8259_get_master(void);

/*
 * What PC firmware leaves the PIC as before jumping to an OS: initialised
 * (ICW1-4, edge-triggered, 8086 mode, cascade on IR2), IRQs at
 * vector_base, IMR set. Direct kernel boot has no firmware, so the board
 * does it at reset. Works on "isa-i8259" and "kvm-i8259".
 */
void pic_firmware_setup(DeviceState *pic, uint8_t vector_base, uint8_t imr);
void kvm_pic_firmware_setup(DeviceState *pic, uint8_t vector_base,
                            uint8_t imr);

#endif
