/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The KVM IrqBackend. Lines and MSIs go to the kernel's interrupt
 * controllers where they live there (kernel-irqchip=on: PIC, IOAPIC and
 * LAPIC; split: LAPIC only, so MSIs), else to the userspace backend.
 * ioeventfds are always KVM's: the write never leaves the kernel.
 */
#include "accel/kvm/kvm-int.h"
#include "sysemu/interrupts.h"
#include "hw/qdev.h"
#include "util/log.h"

#define US (&irq_userspace_backend)

/*
 * Last level sent per GSI (-1: unknown). Devices re-assert their lines on
 * every register access (a UART on each byte); an unchanged level changes
 * nothing in KVM's PIC or IOAPIC (a level-triggered line still asserted is
 * re-delivered by KVM at EOI), so the ioctl is skipped. Forgotten at
 * reset, when the kernel chips are reset under us.
 */
#define GSI_CACHE 24
static int8_t gsi_level[GSI_CACHE];

static void kvm_gsi_cache_reset(void *opaque)
{
    memset(gsi_level, -1, sizeof(gsi_level));
}

static void kvm_set_gsi(void *opaque, int gsi, int level)
{
    struct kvm_irq_level l = { .irq = gsi, .level = level };

    if (!kvm_ioapic_in_kernel()) {
        US->set_gsi(US->opaque, gsi, level);
        return;
    }
    if (gsi >= 0 && gsi < GSI_CACHE) {
        if (gsi_level[gsi] == !!level) {
            return;
        }
        gsi_level[gsi] = !!level;
    }
    if (kvm_vm_ioctl(KVM_IRQ_LINE, &l) < 0) {
        kemu_log_mask(LOG_GUEST_ERROR, "kvm: KVM_IRQ_LINE gsi %d failed\n",
                      gsi);
    }
}

static void kvm_send_msi(void *opaque, uint64_t addr, uint32_t data)
{
    struct kvm_msi msi = {
        .address_lo = (uint32_t)addr, .address_hi = addr >> 32, .data = data,
    };

    if (!kvm_irqchip_in_kernel()) {
        US->send_msi(US->opaque, addr, data);
        return;
    }
    if (kvm_vm_ioctl(KVM_SIGNAL_MSI, &msi) < 0) {
        kemu_log_mask(LOG_GUEST_ERROR, "kvm: KVM_SIGNAL_MSI failed\n");
    }
}

static int kvm_add_msi_route(void *opaque, uint64_t addr, uint32_t data,
                             Error **errp)
{
    int virq, r;

    if (!kvm_irqchip_in_kernel()) {
        return US->add_msi_route(US->opaque, addr, data, errp);
    }
    virq = kvm_irqchip_add_msi_route(addr, data);
    if (virq < 0) {
        error_setg(errp, "kvm: no free MSI route");
        return -1;
    }
    r = kvm_irqchip_commit_routes();
    if (r < 0) {
        kvm_irqchip_release_virq(virq);
        error_setg(errp, "kvm: KVM_SET_GSI_ROUTING failed: %s", strerror(-r));
        return -1;
    }
    return virq;
}

static bool kvm_update_msi_route(void *opaque, int virq, uint64_t addr,
                                 uint32_t data, Error **errp)
{
    if (!kvm_irqchip_in_kernel()) {
        return US->update_msi_route(US->opaque, virq, addr, data, errp);
    }
    if (!kvm_irqchip_update_msi_route(virq, addr, data)) {
        error_setg(errp, "kvm: no MSI route %d", virq);
        return false;
    }
    return kvm_irqchip_commit_routes() == 0;
}

static void kvm_release_route(void *opaque, int virq)
{
    if (!kvm_irqchip_in_kernel()) {
        US->release_route(US->opaque, virq);
        return;
    }
    kvm_irqchip_release_virq(virq);
    kvm_irqchip_commit_routes();
}

static bool kvm_add_irqfd(void *opaque, int fd, int virq, Error **errp)
{
    struct kvm_irqfd irqfd = { .fd = fd, .gsi = virq };
    int r;

    if (!kvm_irqchip_in_kernel()) {
        return US->add_irqfd(US->opaque, fd, virq, errp);
    }
    r = kvm_vm_ioctl(KVM_IRQFD, &irqfd);
    if (r < 0) {
        error_setg(errp, "kvm: KVM_IRQFD failed: %s", strerror(-r));
        return false;
    }
    return true;
}

static void kvm_remove_irqfd(void *opaque, int fd, int virq)
{
    struct kvm_irqfd irqfd = {
        .fd = fd, .gsi = virq, .flags = KVM_IRQFD_FLAG_DEASSIGN,
    };

    if (!kvm_irqchip_in_kernel()) {
        US->remove_irqfd(US->opaque, fd, virq);
        return;
    }
    kvm_vm_ioctl(KVM_IRQFD, &irqfd);
}

static int kvm_ioeventfd(bool assign, bool is_pio, hwaddr addr,
                         unsigned size, bool match_data, uint64_t data, int fd)
{
    struct kvm_ioeventfd e = {
        .datamatch = match_data ? data : 0, .addr = addr, .len = size,
        .fd = fd,
        .flags = (is_pio ? KVM_IOEVENTFD_FLAG_PIO : 0) |
                 (match_data ? KVM_IOEVENTFD_FLAG_DATAMATCH : 0) |
                 (assign ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN),
    };
    return kvm_vm_ioctl(KVM_IOEVENTFD, &e);
}

static bool kvm_add_ioeventfd(void *opaque, bool is_pio, hwaddr addr,
                              unsigned size, bool match_data, uint64_t data,
                              int fd, Error **errp)
{
    int r = kvm_ioeventfd(true, is_pio, addr, size, match_data, data, fd);

    if (r < 0) {
        error_setg(errp, "kvm: KVM_IOEVENTFD failed: %s", strerror(-r));
        return false;
    }
    return true;
}

static void kvm_del_ioeventfd(void *opaque, bool is_pio, hwaddr addr,
                              unsigned size, bool match_data, uint64_t data,
                              int fd)
{
    kvm_ioeventfd(false, is_pio, addr, size, match_data, data, fd);
}

static const IrqBackend kvm_irq_backend = {
    .name = "kvm",
    .set_gsi = kvm_set_gsi,
    .send_msi = kvm_send_msi,
    .add_msi_route = kvm_add_msi_route,
    .update_msi_route = kvm_update_msi_route,
    .release_route = kvm_release_route,
    .add_irqfd = kvm_add_irqfd,
    .remove_irqfd = kvm_remove_irqfd,
    .add_ioeventfd = kvm_add_ioeventfd,
    .del_ioeventfd = kvm_del_ioeventfd,
};

/* PC routing: ISA IRQ n to PIC pin n and IOAPIC pin n, except that the
 * PIT's IRQ 0 reaches IOAPIC pin 2 (the MADT's interrupt override). */
static void kvm_pc_routes(void)
{
    for (int i = 0; i < 16; i++) {
        if (i != 2) {
            kvm_irqchip_add_irq_route(i, i < 8 ? KVM_IRQCHIP_PIC_MASTER
                                               : KVM_IRQCHIP_PIC_SLAVE,
                                      i & 7);
        }
    }
    for (int i = 0; i < 24; i++) {
        if (i == 0) {
            kvm_irqchip_add_irq_route(0, KVM_IRQCHIP_IOAPIC, 2);
        } else if (i != 2) {
            kvm_irqchip_add_irq_route(i, KVM_IRQCHIP_IOAPIC, i);
        }
    }
}

void kvm_irq_backend_install(void)
{
    if (kvm_ioapic_in_kernel()) {
        kvm_pc_routes();
        if (kvm_irqchip_commit_routes() < 0) {
            warn_report("kvm: could not set up GSI routing");
        }
    }
    kvm_gsi_cache_reset(NULL);
    qemu_register_reset(kvm_gsi_cache_reset, NULL);
    irq_backend_set(&kvm_irq_backend);
}
