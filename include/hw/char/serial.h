/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 16550A UART core, shared by the ISA wrapper ("isa-serial") and, later,
 * PCI or MMIO variants. The wrapper maps serial_io_ops (8 byte-wide
 * registers) and gives the core an IRQ line and a chardev.
 */
#ifndef KEMU_HW_CHAR_SERIAL_H
#define KEMU_HW_CHAR_SERIAL_H

#include "hw/qdev.h"
#include "exec/memory.h"
#include "chardev/char.h"
#include "util/timer.h"

#define TYPE_ISA_SERIAL "isa-serial"
#define UART_FIFO_LEN 16
#define MAX_ISA_SERIAL_PORTS 4

typedef struct SerialState {
    /* guest-visible registers */
    uint16_t divisor;
    uint8_t ier, lcr, mcr, lsr, msr, scr, fcr;
    uint8_t rbr;                /* last byte read (non-FIFO readback) */
    bool thr_ipending;          /* THRE interrupt armed */
    bool timeout_ipending;      /* FIFO character timeout fired */
    bool tsr_full;              /* a byte waits for the backend */
    uint8_t tsr;
    /* receive FIFO (depth 1 with FIFOs off) with per-byte error bits */
    uint8_t rx_fifo[UART_FIFO_LEN];
    uint8_t rx_err[UART_FIFO_LEN];
    uint8_t rx_head, rx_count;
    /* transmit FIFO (holding register when FIFOs are off) */
    uint8_t tx_fifo[UART_FIFO_LEN];
    uint8_t tx_head, tx_count;
    int64_t timeout_deadline;   /* character-timeout timer, -1 if idle */

    /* host side */
    uint32_t baudbase;
    qemu_irq irq;
    CharFrontend chr;
    Timer *rx_timer;
    bool watch_armed;
    Object *owner;              /* for log messages */
} SerialState;

extern const StateDesc serial_state_desc;
extern const MemoryRegionOps serial_io_ops;

/* Wrapper side: create/destroy host resources, reset to power-on state. */
void serial_core_init(SerialState *s, Object *owner, Chardev *chr,
                      qemu_irq irq);
void serial_core_deinit(SerialState *s);
void serial_core_reset(SerialState *s);

#endif
