/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Interrupt lines: a handler, its opaque and the line's number. */
#include "util/osdep.h"
#include "hw/irq.h"

struct IRQState {
    qemu_irq_handler *handler;
    void *opaque;
    int n;
    void *owned;    /* freed with the line (a split's pair) */
};

qemu_irq qemu_allocate_irq(qemu_irq_handler *handler, void *opaque, int n)
{
    qemu_irq irq = g_new0(struct IRQState, 1);
    irq->handler = handler;
    irq->opaque = opaque;
    irq->n = n;
    return irq;
}

qemu_irq *qemu_allocate_irqs(qemu_irq_handler *handler, void *opaque, int n)
{
    qemu_irq *irqs = g_new0(qemu_irq, n);
    for (int i = 0; i < n; i++) {
        irqs[i] = qemu_allocate_irq(handler, opaque, i);
    }
    return irqs;
}

void qemu_free_irq(qemu_irq irq)
{
    if (irq) {
        g_free(irq->owned);
    }
    g_free(irq);
}

void qemu_free_irqs(qemu_irq *irqs, int n)
{
    for (int i = 0; i < n; i++) {
        qemu_free_irq(irqs[i]);
    }
    g_free(irqs);
}

void qemu_set_irq(qemu_irq irq, int level)
{
    if (irq && irq->handler) {
        irq->handler(irq->opaque, irq->n, level);
    }
}

static void split_handler(void *opaque, int n, int level)
{
    qemu_irq *pair = opaque;
    qemu_set_irq(pair[0], level);
    qemu_set_irq(pair[1], level);
}

qemu_irq qemu_irq_split(qemu_irq a, qemu_irq b)
{
    qemu_irq *pair = g_new(qemu_irq, 2);
    pair[0] = a;
    pair[1] = b;
    qemu_irq irq = qemu_allocate_irq(split_handler, pair, 0);
    irq->owned = pair;
    return irq;
}

void qemu_irq_set_handler(qemu_irq irq, qemu_irq_handler *handler,
                          void *opaque)
{
    irq->handler = handler;
    irq->opaque = opaque;
}

qemu_irq_handler *qemu_irq_get_handler(qemu_irq irq, void **opaque, int *n)
{
    if (opaque) {
        *opaque = irq->opaque;
    }
    if (n) {
        *n = irq->n;
    }
    return irq->handler;
}
