/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interrupt lines between devices. A line is a handler plus an index:
 * raising it calls the receiver's handler with (opaque, n, level). Lines
 * are set with the BQL held. qtest's irq_intercept_in/out replace a
 * device's input/output handlers to watch the levels.
 */
#ifndef KEMU_IRQ_H
#define KEMU_IRQ_H

#include "util/osdep.h"

typedef struct IRQState *qemu_irq;
typedef void qemu_irq_handler(void *opaque, int n, int level);

qemu_irq qemu_allocate_irq(qemu_irq_handler *handler, void *opaque, int n);
/* Array of n lines numbered 0..n-1 sharing handler and opaque. */
qemu_irq *qemu_allocate_irqs(qemu_irq_handler *handler, void *opaque, int n);
void qemu_free_irq(qemu_irq irq);
void qemu_free_irqs(qemu_irq *irqs, int n);

void qemu_set_irq(qemu_irq irq, int level);   /* NULL irq: ignored */
static inline void qemu_irq_raise(qemu_irq irq) { qemu_set_irq(irq, 1); }
static inline void qemu_irq_lower(qemu_irq irq) { qemu_set_irq(irq, 0); }
static inline void qemu_irq_pulse(qemu_irq irq)
{
    qemu_set_irq(irq, 1);
    qemu_set_irq(irq, 0);
}
/* A line that raises both a and b (e.g. an ISA IRQ to PIC and IOAPIC). */
qemu_irq qemu_irq_split(qemu_irq a, qemu_irq b);
/* Replace the handler of an existing line (qtest interception). */
void qemu_irq_set_handler(qemu_irq irq, qemu_irq_handler *handler,
                          void *opaque);
qemu_irq_handler *qemu_irq_get_handler(qemu_irq irq, void **opaque, int *n);

#endif
