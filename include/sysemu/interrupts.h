/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Accelerator-neutral interrupt and notification plumbing. Devices use
 * only this header: under KVM with the in-kernel irqchip the calls become
 * KVM_IRQ_LINE, KVM_SIGNAL_MSI, GSI routes, irqfds and ioeventfds; under
 * TCG, qtest or kernel-irqchip=off they are plain calls into the
 * userspace interrupt controllers, with eventfds watched by the main loop.
 *
 * The active backend is installed by the accelerator / machine at start
 * (irq_backend_set). The userspace backend is the default.
 */
#ifndef KEMU_INTERRUPTS_H
#define KEMU_INTERRUPTS_H

#include "util/error.h"
#include "exec/memory.h"

typedef struct IrqBackend {
    const char *name;
    /* Set a GSI's level (ISA IRQs 0-15 and IOAPIC pins). */
    void (*set_gsi)(void *opaque, int gsi, int level);
    /* Deliver one MSI message now. */
    void (*send_msi)(void *opaque, uint64_t addr, uint32_t data);
    /* Routes: a virq names an MSI message that an irqfd can fire. */
    int (*add_msi_route)(void *opaque, uint64_t addr, uint32_t data,
                         Error **errp);
    bool (*update_msi_route)(void *opaque, int virq, uint64_t addr,
                             uint32_t data, Error **errp);
    void (*release_route)(void *opaque, int virq);
    /* Writes to fd (an eventfd) inject virq. */
    bool (*add_irqfd)(void *opaque, int fd, int virq, Error **errp);
    void (*remove_irqfd)(void *opaque, int fd, int virq);
    /* A guest write matching (space, addr, size[, data]) signals fd
     * instead of reaching the device. */
    bool (*add_ioeventfd)(void *opaque, bool is_pio, hwaddr addr,
                          unsigned size, bool match_data, uint64_t data,
                          int fd, Error **errp);
    void (*del_ioeventfd)(void *opaque, bool is_pio, hwaddr addr,
                          unsigned size, bool match_data, uint64_t data,
                          int fd);
    void *opaque;
} IrqBackend;

void irq_backend_set(const IrqBackend *backend);
const IrqBackend *irq_backend_get(void);

/*
 * The userspace backend: GSIs go to the handler installed here (the pc
 * machine's PIC+IOAPIC fan-out), MSIs to the LAPIC model's delivery
 * function; irqfds are watched by the main loop; ioeventfds are checked by
 * the memory dispatch (ioeventfd_check) before a device's write handler.
 */
void irq_userspace_set_gsi_handler(void (*fn)(void *opaque, int gsi,
                                              int level), void *opaque);
void irq_userspace_set_msi_handler(void (*fn)(void *opaque, uint64_t addr,
                                              uint32_t data), void *opaque);
extern const IrqBackend irq_userspace_backend;
/* Memory core hook: true when the write was consumed by an ioeventfd. */
bool ioeventfd_check(bool is_pio, hwaddr addr, unsigned size, uint64_t data);

/* Device API. */
void gsi_set_level(int gsi, int level);
void msi_send_message(uint64_t addr, uint32_t data);
int msi_route_add(uint64_t addr, uint32_t data, Error **errp);
bool msi_route_update(int virq, uint64_t addr, uint32_t data, Error **errp);
void msi_route_release(int virq);
bool irqfd_add(int fd, int virq, Error **errp);
void irqfd_remove(int fd, int virq);
bool ioeventfd_add(bool is_pio, hwaddr addr, unsigned size, bool match_data,
                   uint64_t data, int fd, Error **errp);
void ioeventfd_del(bool is_pio, hwaddr addr, unsigned size, bool match_data,
                   uint64_t data, int fd);

#endif
