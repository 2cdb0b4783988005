/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio PCI transport (VIRTIO 1.2 section 4.1): the modern interface
 * (4.1.4: vendor capabilities pointing at common, notify, ISR and device
 * configuration structures in BAR 4, and the PCI configuration access
 * capability), the legacy/transitional I/O BAR (4.1.4.10), MSI-X with
 * INTx as the fallback, and the fast paths: queue notifications through
 * ioeventfds (the write never reaches the device model; the main loop
 * serves the queue) and, when the interrupt controller lives in KVM,
 * completions through irqfds.
 */
#include "util/osdep.h"
#include <sys/eventfd.h>
#include "hw/virtio/virtio-pci.h"
#include "sysemu/interrupts.h"
#include "util/log.h"
#include "util/main-loop.h"

#define VIRTIO_PCI_VENDOR_ID        0x1af4
#define VIRTIO_PCI_LEGACY_BAR       0
#define VIRTIO_PCI_MSIX_BAR         1
#define VIRTIO_PCI_MODERN_BAR       4

/* Capability types (4.1.4). */
#define VIRTIO_PCI_CAP_COMMON_CFG   1
#define VIRTIO_PCI_CAP_NOTIFY_CFG   2
#define VIRTIO_PCI_CAP_ISR_CFG      3
#define VIRTIO_PCI_CAP_DEVICE_CFG   4
#define VIRTIO_PCI_CAP_PCI_CFG      5
#define VIRTIO_PCI_CAP_LEN          16
#define VIRTIO_PCI_NOTIFY_CAP_LEN   20
#define VIRTIO_PCI_CFG_CAP_LEN      20

/* Layout of BAR 4. */
#define MODERN_COMMON_OFF   0x0000
#define MODERN_ISR_OFF      0x1000
#define MODERN_DEVICE_OFF   0x2000
#define MODERN_NOTIFY_OFF   0x3000
#define MODERN_REGION_SIZE  0x1000
#define MODERN_BAR_SIZE     0x4000
#define NOTIFY_MULTIPLIER   4

/* struct virtio_pci_common_cfg (4.1.4.3). */
#define COMMON_DFSELECT     0x00
#define COMMON_DF           0x04
#define COMMON_GFSELECT     0x08
#define COMMON_GF           0x0c
#define COMMON_MSIX         0x10
#define COMMON_NUMQ         0x12
#define COMMON_STATUS       0x14
#define COMMON_CFGGEN       0x15
#define COMMON_Q_SELECT     0x16
#define COMMON_Q_SIZE       0x18
#define COMMON_Q_MSIX       0x1a
#define COMMON_Q_ENABLE     0x1c
#define COMMON_Q_NOFF       0x1e
#define COMMON_Q_DESCLO     0x20
#define COMMON_Q_DESCHI     0x24
#define COMMON_Q_AVAILLO    0x28
#define COMMON_Q_AVAILHI    0x2c
#define COMMON_Q_USEDLO     0x30
#define COMMON_Q_USEDHI     0x34
#define COMMON_SIZE         0x38

/* Legacy I/O registers (4.1.4.10). */
#define LEGACY_HOST_FEATURES    0x00
#define LEGACY_GUEST_FEATURES   0x04
#define LEGACY_QUEUE_PFN        0x08
#define LEGACY_QUEUE_NUM        0x0c
#define LEGACY_QUEUE_SEL        0x0e
#define LEGACY_QUEUE_NOTIFY     0x10
#define LEGACY_STATUS           0x12
#define LEGACY_ISR              0x13
#define LEGACY_MSIX_CONFIG      0x14
#define LEGACY_MSIX_QUEUE       0x16
#define LEGACY_CONFIG_NOMSIX    0x14
#define LEGACY_CONFIG_MSIX      0x18

static void vp_update_ioeventfds(VirtIOPCIProxy *p);

static PCIDevice *vp_pci(VirtIOPCIProxy *p)
{
    return &p->parent_obj;
}

static VirtQueue *vp_sel_queue(VirtIOPCIProxy *p)
{
    VirtIODevice *vdev = &p->vdev;

    return vdev->queue_sel < vdev->nvqs ? &vdev->vq[vdev->queue_sel] : NULL;
}

/* ---- interrupts ---- */

static void vp_irqfd_release(VirtIOPCIProxy *p, unsigned v)
{
    VirtIOPCIIrqfd *f = &p->irqfds[v];

    if (f->fd < 0) {
        return;
    }
    irqfd_remove(f->fd, f->virq);
    msi_route_release(f->virq);
    close(f->fd);
    f->fd = -1;
}

/* The irqfd for vector v, set up on first use; -1 when impossible (the
 * message then goes out the ordinary way). */
static int vp_irqfd_get(VirtIOPCIProxy *p, unsigned v)
{
    VirtIOPCIIrqfd *f = &p->irqfds[v];
    Error *err = NULL;
    uint64_t addr;
    uint32_t data;
    int fd, virq;

    if (f->fd >= 0) {
        return f->fd;
    }
    msix_get_message(vp_pci(p), v, &addr, &data);
    virq = msi_route_add(addr, data, &err);
    if (virq < 0) {
        goto fail;
    }
    fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0) {
        msi_route_release(virq);
        error_setg_errno(&err, errno, "eventfd");
        goto fail;
    }
    if (!irqfd_add(fd, virq, &err)) {
        close(fd);
        msi_route_release(virq);
        goto fail;
    }
    f->fd = fd;
    f->virq = virq;
    return fd;

fail:
    /* Not a guest error: fall back to plain MSI-X for this device. */
    kemu_log_mask(LOG_UNIMP, "%s: irqfd for vector %u: %s\n",
                  vp_pci(p)->name, v, error_get_pretty(err));
    error_free(err);
    p->use_irqfd = false;
    return -1;
}

/* MSI-X table entry changed: an irqfd route follows the message. */
static void vp_msix_vector_changed(PCIDevice *pd, unsigned v)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(pd);
    uint64_t addr;
    uint32_t data;

    if (!p->irqfds || v >= p->nvectors || p->irqfds[v].fd < 0) {
        return;
    }
    msix_get_message(pd, v, &addr, &data);
    if (!msi_route_update(p->irqfds[v].virq, addr, data, NULL)) {
        vp_irqfd_release(p, v);
    }
}

static void vp_notify(void *opaque, uint16_t vector)
{
    VirtIOPCIProxy *p = opaque;
    PCIDevice *pd = vp_pci(p);

    if (msix_enabled(pd)) {
        if (vector >= p->nvectors) {
            return;         /* NO_VECTOR: the driver wants no interrupt */
        }
        if (p->use_irqfd && !msix_is_masked(pd, vector)) {
            int fd = vp_irqfd_get(p, vector);
            uint64_t one = 1;

            if (fd >= 0 && write(fd, &one, sizeof(one)) == sizeof(one)) {
                return;
            }
        }
        msix_notify(pd, vector);
        return;
    }
    pci_set_irq(pd, p->vdev.isr != 0);
}

static void vp_queues_changed(void *opaque)
{
    vp_update_ioeventfds(opaque);
}

static const VirtioTransportOps vp_transport_ops = {
    .notify = vp_notify,
    .queues_changed = vp_queues_changed,
};

static uint8_t vp_isr_read_clear(VirtIOPCIProxy *p)
{
    uint8_t v = p->vdev.isr;

    p->vdev.isr = 0;
    pci_irq_deassert(vp_pci(p));
    return v;
}

static void vp_set_status(VirtIOPCIProxy *p, uint8_t status)
{
    virtio_set_status(&p->vdev, status);
    if (!status) {
        pci_irq_deassert(vp_pci(p));
    }
    vp_update_ioeventfds(p);
}

static uint16_t vp_check_vector(VirtIOPCIProxy *p, uint16_t v)
{
    /* 4.1.5.1.2: an unsupported vector reads back as NO_VECTOR. */
    return v < p->nvectors && msix_enabled(vp_pci(p)) ? v : VIRTIO_NO_VECTOR;
}

/* ---- notifications: ioeventfds ---- */

static void vp_host_notifier_read(void *opaque)
{
    VirtQueue *vq = opaque;
    uint64_t v;

    if (read(vq->host_notifier_fd, &v, sizeof(v)) < 0 && errno != EAGAIN) {
        return;
    }
    virtio_queue_notify(vq);
}

/*
 * Registers each ready queue's notification address (which moves with
 * the BARs) with an eventfd, and drops registrations that no longer
 * hold. Called whenever status, queues or the BARs change.
 */
static void vp_update_ioeventfds(VirtIOPCIProxy *p)
{
    VirtIODevice *vdev = &p->vdev;
    PCIDevice *pd = vp_pci(p);
    uint64_t modern = p->modern ? pci_get_bar_addr(pd, VIRTIO_PCI_MODERN_BAR)
                                : PCI_BAR_UNMAPPED;
    uint64_t legacy = p->legacy ? pci_get_bar_addr(pd, VIRTIO_PCI_LEGACY_BAR)
                                : PCI_BAR_UNMAPPED;

    for (unsigned i = 0; i < vdev->nvqs; i++) {
        VirtQueue *vq = &vdev->vq[i];
        bool on = p->ioeventfd && virtio_queue_ready(vq);
        hwaddr want_mmio = on && modern != PCI_BAR_UNMAPPED ?
            modern + MODERN_NOTIFY_OFF + i * NOTIFY_MULTIPLIER : 0;
        uint32_t want_pio = on && legacy != PCI_BAR_UNMAPPED ?
            (uint32_t)legacy + LEGACY_QUEUE_NOTIFY : 0;

        if (p->notify_mmio[i] && p->notify_mmio[i] != want_mmio) {
            ioeventfd_del(false, p->notify_mmio[i], 0, false, 0,
                          vq->host_notifier_fd);
            p->notify_mmio[i] = 0;
        }
        if (p->notify_pio[i] && p->notify_pio[i] != want_pio) {
            ioeventfd_del(true, p->notify_pio[i], 2, true, i,
                          vq->host_notifier_fd);
            p->notify_pio[i] = 0;
        }
        if ((want_mmio || want_pio) && vq->host_notifier_fd < 0) {
            vq->host_notifier_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
            if (vq->host_notifier_fd < 0) {
                continue;   /* the write reaches the device instead */
            }
            main_loop_set_fd_handler(vq->host_notifier_fd,
                                     vp_host_notifier_read, NULL, vq);
        }
        if (want_mmio && !p->notify_mmio[i] &&
            ioeventfd_add(false, want_mmio, 0, false, 0,
                          vq->host_notifier_fd, NULL)) {
            p->notify_mmio[i] = want_mmio;
        }
        if (want_pio && !p->notify_pio[i] &&
            ioeventfd_add(true, want_pio, 2, true, i,
                          vq->host_notifier_fd, NULL)) {
            p->notify_pio[i] = want_pio;
        }
        if (!on && vq->host_notifier_fd >= 0) {
            main_loop_set_fd_handler(vq->host_notifier_fd, NULL, NULL, NULL);
            close(vq->host_notifier_fd);
            vq->host_notifier_fd = -1;
        }
    }
}

/* ---- modern registers ---- */

static uint64_t vp_common_read(void *opaque, hwaddr addr, unsigned size)
{
    VirtIOPCIProxy *p = opaque;
    VirtIODevice *vdev = &p->vdev;
    VirtQueue *vq = vp_sel_queue(p);
    uint64_t v = 0;

    switch (addr) {
    case COMMON_DFSELECT:
        return vdev->device_feature_sel;
    case COMMON_DF:
        return vdev->device_feature_sel < 2 ?
               (uint32_t)(vdev->host_features >>
                          (32 * vdev->device_feature_sel)) : 0;
    case COMMON_GFSELECT:
        return vdev->driver_feature_sel;
    case COMMON_GF:
        return vdev->driver_feature_sel < 2 ?
               (uint32_t)(vdev->guest_features >>
                          (32 * vdev->driver_feature_sel)) : 0;
    case COMMON_MSIX:
        return vdev->config_vector;
    case COMMON_NUMQ:
        return vdev->nvqs;
    case COMMON_STATUS:
        return vdev->status;
    case COMMON_CFGGEN:
        return vdev->generation;
    case COMMON_Q_SELECT:
        return vdev->queue_sel;
    case COMMON_Q_NOFF:
        return vdev->queue_sel;
    default:
        break;
    }
    if (!vq) {
        return 0;   /* 4.1.4.3.1: a queue that does not exist has size 0 */
    }
    switch (addr) {
    case COMMON_Q_SIZE:
        v = vq->num;
        break;
    case COMMON_Q_MSIX:
        v = vq->vector;
        break;
    case COMMON_Q_ENABLE:
        v = vq->enabled;
        break;
    case COMMON_Q_DESCLO:  v = (uint32_t)vq->desc; break;
    case COMMON_Q_DESCHI:  v = vq->desc >> 32; break;
    case COMMON_Q_AVAILLO: v = (uint32_t)vq->avail; break;
    case COMMON_Q_AVAILHI: v = vq->avail >> 32; break;
    case COMMON_Q_USEDLO:  v = (uint32_t)vq->used; break;
    case COMMON_Q_USEDHI:  v = vq->used >> 32; break;
    default:
        kemu_log_mask(LOG_GUEST_ERROR, "%s: common config read at 0x%"
                      HWADDR_PRIx "\n", vdev->name, addr);
    }
    return v;
}

static void set_lo(uint64_t *f, uint32_t v)
{
    *f = (*f & ~0xffffffffull) | v;
}

static void set_hi(uint64_t *f, uint32_t v)
{
    *f = (*f & 0xffffffffull) | ((uint64_t)v << 32);
}

static void vp_common_write(void *opaque, hwaddr addr, uint64_t val,
                            unsigned size)
{
    VirtIOPCIProxy *p = opaque;
    VirtIODevice *vdev = &p->vdev;
    VirtQueue *vq = vp_sel_queue(p);

    switch (addr) {
    case COMMON_DFSELECT:
        vdev->device_feature_sel = val;
        return;
    case COMMON_GFSELECT:
        vdev->driver_feature_sel = val;
        return;
    case COMMON_GF:
        if (vdev->status & VIRTIO_CONFIG_S_FEATURES_OK) {
            kemu_log_mask(LOG_GUEST_ERROR, "%s: features written after "
                          "FEATURES_OK\n", vdev->name);
        } else if (vdev->driver_feature_sel == 0) {
            set_lo(&vdev->guest_features, val);
        } else if (vdev->driver_feature_sel == 1) {
            set_hi(&vdev->guest_features, val);
        }
        return;
    case COMMON_MSIX:
        vdev->config_vector = vp_check_vector(p, val);
        return;
    case COMMON_STATUS:
        if ((val & VIRTIO_CONFIG_S_FEATURES_OK) &&
            !virtio_has_feature(vdev->guest_features, VIRTIO_F_VERSION_1)) {
            /* A modern driver must accept VERSION_1 (6.1). */
            kemu_log_mask(LOG_GUEST_ERROR, "%s: FEATURES_OK without "
                          "VERSION_1\n", vdev->name);
            val &= ~VIRTIO_CONFIG_S_FEATURES_OK;
        }
        vp_set_status(p, val);
        return;
    case COMMON_Q_SELECT:
        vdev->queue_sel = val;
        return;
    case COMMON_DF: case COMMON_NUMQ: case COMMON_CFGGEN: case COMMON_Q_NOFF:
        kemu_log_mask(LOG_GUEST_ERROR, "%s: write to read-only common config "
                      "field 0x%" HWADDR_PRIx "\n", vdev->name, addr);
        return;
    default:
        break;
    }
    if (!vq) {
        kemu_log_mask(LOG_GUEST_ERROR, "%s: queue %u does not exist\n",
                      vdev->name, vdev->queue_sel);
        return;
    }
    if (addr != COMMON_Q_MSIX && vq->enabled) {
        /* 4.1.4.3.2: the queue's setup is frozen once enabled. */
        kemu_log_mask(LOG_GUEST_ERROR, "%s: queue %u changed while "
                      "enabled\n", vdev->name, vq->index);
        return;
    }
    switch (addr) {
    case COMMON_Q_SIZE:
        if (!val || val > vq->num_max || (val & (val - 1))) {
            kemu_log_mask(LOG_GUEST_ERROR, "%s: queue %u size %" PRIu64
                          " (max %u, a power of 2)\n", vdev->name, vq->index,
                          val, vq->num_max);
            return;
        }
        vq->num = val;
        break;
    case COMMON_Q_MSIX:
        vq->vector = vp_check_vector(p, val);
        break;
    case COMMON_Q_ENABLE:
        if (val != 1) {
            kemu_log_mask(LOG_GUEST_ERROR, "%s: queue_enable written with "
                          "%" PRIu64 "\n", vdev->name, val);
            return;
        }
        vq->enabled = true;
        vp_update_ioeventfds(p);
        break;
    case COMMON_Q_DESCLO:  set_lo(&vq->desc, val); break;
    case COMMON_Q_DESCHI:  set_hi(&vq->desc, val); break;
    case COMMON_Q_AVAILLO: set_lo(&vq->avail, val); break;
    case COMMON_Q_AVAILHI: set_hi(&vq->avail, val); break;
    case COMMON_Q_USEDLO:  set_lo(&vq->used, val); break;
    case COMMON_Q_USEDHI:  set_hi(&vq->used, val); break;
    default:
        kemu_log_mask(LOG_GUEST_ERROR, "%s: common config write at 0x%"
                      HWADDR_PRIx "\n", vdev->name, addr);
    }
}

/* Fields are 1, 2 or 4 bytes wide; an access must match its field. */
static unsigned common_field_size(hwaddr addr)
{
    switch (addr) {
    case COMMON_STATUS: case COMMON_CFGGEN:
        return 1;
    case COMMON_MSIX: case COMMON_NUMQ: case COMMON_Q_SELECT:
    case COMMON_Q_SIZE: case COMMON_Q_MSIX: case COMMON_Q_ENABLE:
    case COMMON_Q_NOFF:
        return 2;
    default:
        return addr < COMMON_SIZE && !(addr & 3) ? 4 : 0;
    }
}

static uint64_t vp_common_read_checked(void *opaque, hwaddr addr,
                                       unsigned size)
{
    if (common_field_size(addr) != size) {
        kemu_log_mask(LOG_GUEST_ERROR, "virtio-pci: common config read of %u "
                      "bytes at 0x%" HWADDR_PRIx "\n", size, addr);
        return 0;
    }
    return vp_common_read(opaque, addr, size);
}

static void vp_common_write_checked(void *opaque, hwaddr addr, uint64_t val,
                                    unsigned size)
{
    if (common_field_size(addr) != size) {
        kemu_log_mask(LOG_GUEST_ERROR, "virtio-pci: common config write of "
                      "%u bytes at 0x%" HWADDR_PRIx "\n", size, addr);
        return;
    }
    vp_common_write(opaque, addr, val, size);
}

static const MemoryRegionOps vp_common_ops = {
    .read = vp_common_read_checked,
    .write = vp_common_write_checked,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static uint64_t vp_isr_read(void *opaque, hwaddr addr, unsigned size)
{
    return addr == 0 ? vp_isr_read_clear(opaque) : 0;
}

static void vp_isr_write(void *opaque, hwaddr addr, uint64_t val,
                         unsigned size)
{
    kemu_log_mask(LOG_GUEST_ERROR, "virtio-pci: write to the ISR status\n");
}

static const MemoryRegionOps vp_isr_ops = {
    .read = vp_isr_read,
    .write = vp_isr_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static uint64_t vp_device_read(void *opaque, hwaddr addr, unsigned size)
{
    VirtIOPCIProxy *p = opaque;

    return virtio_config_read(&p->vdev, addr, size);
}

static void vp_device_write(void *opaque, hwaddr addr, uint64_t val,
                            unsigned size)
{
    VirtIOPCIProxy *p = opaque;

    virtio_config_write(&p->vdev, addr, val, size);
}

static const MemoryRegionOps vp_device_ops = {
    .read = vp_device_read,
    .write = vp_device_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static uint64_t vp_notify_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void vp_notify_write(void *opaque, hwaddr addr, uint64_t val,
                            unsigned size)
{
    VirtIOPCIProxy *p = opaque;
    unsigned q = addr / NOTIFY_MULTIPLIER;

    if (q >= p->vdev.nvqs) {
        kemu_log_mask(LOG_GUEST_ERROR, "%s: notify for queue %u\n",
                      p->vdev.name, q);
        return;
    }
    virtio_queue_notify(&p->vdev.vq[q]);
}

static const MemoryRegionOps vp_notify_ops = {
    .read = vp_notify_read,
    .write = vp_notify_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* Dispatch inside BAR 4 (the PCI_CFG window reaches it this way). */
static uint64_t vp_modern_access(VirtIOPCIProxy *p, uint32_t off,
                                 uint64_t val, unsigned size, bool write)
{
    static const struct {
        uint32_t base;
        const MemoryRegionOps *ops;
    } parts[] = {
        { MODERN_COMMON_OFF, &vp_common_ops },
        { MODERN_ISR_OFF, &vp_isr_ops },
        { MODERN_DEVICE_OFF, &vp_device_ops },
        { MODERN_NOTIFY_OFF, &vp_notify_ops },
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(parts); i++) {
        if (off >= parts[i].base && off - parts[i].base < MODERN_REGION_SIZE) {
            hwaddr a = off - parts[i].base;
            if (parts[i].ops == &vp_isr_ops) {
                size = 1;
            }
            if (write) {
                parts[i].ops->write(p, a, val, size);
                return 0;
            }
            return parts[i].ops->read(p, a, size);
        }
    }
    return 0;
}

/* ---- legacy I/O BAR ---- */

static uint32_t vp_legacy_config_off(VirtIOPCIProxy *p)
{
    return msix_enabled(vp_pci(p)) ? LEGACY_CONFIG_MSIX
                                   : LEGACY_CONFIG_NOMSIX;
}

static uint64_t vp_legacy_read(void *opaque, hwaddr addr, unsigned size)
{
    VirtIOPCIProxy *p = opaque;
    VirtIODevice *vdev = &p->vdev;
    VirtQueue *vq = vp_sel_queue(p);
    uint32_t cfg = vp_legacy_config_off(p);

    if (addr >= cfg) {
        return virtio_config_read(vdev, addr - cfg, size);
    }
    switch (addr) {
    case LEGACY_HOST_FEATURES:
        return (uint32_t)vdev->host_features;
    case LEGACY_GUEST_FEATURES:
        return (uint32_t)vdev->guest_features;
    case LEGACY_QUEUE_PFN:
        return vq ? vq->desc >> 12 : 0;
    case LEGACY_QUEUE_NUM:
        return vq ? vq->num_max : 0;
    case LEGACY_QUEUE_SEL:
        return vdev->queue_sel;
    case LEGACY_STATUS:
        return vdev->status;
    case LEGACY_ISR:
        return vp_isr_read_clear(p);
    case LEGACY_MSIX_CONFIG:
        return vdev->config_vector;
    case LEGACY_MSIX_QUEUE:
        return vq ? vq->vector : VIRTIO_NO_VECTOR;
    default:
        kemu_log_mask(LOG_GUEST_ERROR, "%s: legacy read at 0x%" HWADDR_PRIx
                      "\n", vdev->name, addr);
        return 0;
    }
}

static void vp_legacy_write(void *opaque, hwaddr addr, uint64_t val,
                            unsigned size)
{
    VirtIOPCIProxy *p = opaque;
    VirtIODevice *vdev = &p->vdev;
    VirtQueue *vq = vp_sel_queue(p);
    uint32_t cfg = vp_legacy_config_off(p);

    if (addr >= cfg) {
        virtio_config_write(vdev, addr - cfg, val, size);
        return;
    }
    switch (addr) {
    case LEGACY_GUEST_FEATURES:
        /* Legacy drivers see only the low 32 bits, never VERSION_1. */
        virtio_set_features(vdev, (uint32_t)val);
        break;
    case LEGACY_QUEUE_PFN:
        if (!vq) {
            break;
        }
        if (val == 0) {
            /* A legacy driver resets the device this way. */
            vp_set_status(p, 0);
            break;
        }
        vq->num = vq->num_max;
        virtio_queue_set_legacy_pfn(vq, val);
        vq->enabled = true;
        vp_update_ioeventfds(p);
        break;
    case LEGACY_QUEUE_SEL:
        vdev->queue_sel = val;
        break;
    case LEGACY_QUEUE_NOTIFY:
        if (val < vdev->nvqs) {
            virtio_queue_notify(&vdev->vq[val]);
        } else {
            kemu_log_mask(LOG_GUEST_ERROR, "%s: notify for queue %" PRIu64
                          "\n", vdev->name, val);
        }
        break;
    case LEGACY_STATUS:
        vp_set_status(p, val);
        break;
    case LEGACY_MSIX_CONFIG:
        vdev->config_vector = vp_check_vector(p, val);
        break;
    case LEGACY_MSIX_QUEUE:
        if (vq) {
            vq->vector = vp_check_vector(p, val);
        }
        break;
    default:
        kemu_log_mask(LOG_GUEST_ERROR, "%s: legacy write at 0x%" HWADDR_PRIx
                      "\n", vdev->name, addr);
    }
}

static const MemoryRegionOps vp_legacy_ops = {
    .read = vp_legacy_read,
    .write = vp_legacy_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* ---- PCI configuration space: the PCI_CFG access window ---- */

/* struct virtio_pci_cfg_cap: cap (bar at +4, offset at +8, length at
 * +12), then pci_cfg_data at +16. */
static bool vp_cfg_window(VirtIOPCIProxy *p, uint32_t addr, int len,
                          uint32_t *off, unsigned *size)
{
    PCIDevice *pd = vp_pci(p);
    uint8_t *cap = pd->config + p->pci_cfg_cap;
    uint32_t l = pci_get_long(cap + 12);

    if (!p->pci_cfg_cap || addr != p->pci_cfg_cap + 16u || len != 4) {
        return false;
    }
    *off = pci_get_long(cap + 8);
    *size = l;
    if (cap[4] != VIRTIO_PCI_MODERN_BAR || (l != 1 && l != 2 && l != 4) ||
        *off % l || *off >= MODERN_BAR_SIZE) {
        kemu_log_mask(LOG_GUEST_ERROR, "%s: PCI_CFG window bar %u offset "
                      "0x%x length %u\n", pd->name, cap[4], *off, l);
        *size = 0;
    }
    return true;
}

static uint32_t vp_config_read(PCIDevice *pd, uint32_t addr, int len)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(pd);
    uint32_t off;
    unsigned size;

    if (vp_cfg_window(p, addr, len, &off, &size)) {
        if (size) {
            uint32_t v = vp_modern_access(p, off, 0, size, false);
            pci_set_long(pd->config + addr, v);
        }
    }
    return pci_default_read_config(pd, addr, len);
}

static void vp_config_write(PCIDevice *pd, uint32_t addr, uint32_t val,
                            int len)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(pd);
    uint32_t off;
    unsigned size;

    pci_default_write_config(pd, addr, val, len);
    if (vp_cfg_window(p, addr, len, &off, &size) && size) {
        vp_modern_access(p, off, val & (size == 4 ? ~0u : (1u << 8 * size) - 1),
                         size, true);
    }
    /* BARs or decoding may have moved the notification addresses. */
    vp_update_ioeventfds(p);
}

/* ---- realize ---- */

static uint8_t vp_add_cap(VirtIOPCIProxy *p, uint8_t type, uint8_t len,
                          uint32_t offset, uint32_t length, Error **errp)
{
    PCIDevice *pd = vp_pci(p);
    uint8_t pos = pci_add_capability(pd, PCI_CAP_ID_VNDR, 0, len, errp);

    if (!pos) {
        return 0;
    }
    pd->config[pos + 2] = len;                  /* cap_len */
    pd->config[pos + 3] = type;                 /* cfg_type */
    pd->config[pos + 4] = type == VIRTIO_PCI_CAP_PCI_CFG ? 0
                                                         : VIRTIO_PCI_MODERN_BAR;
    pci_set_long(pd->config + pos + 8, offset);
    pci_set_long(pd->config + pos + 12, length);
    return pos;
}

static bool vp_realize(PCIDevice *pd, Error **errp)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(pd);
    VirtIOPCIClass *k = VIRTIO_PCI_GET_CLASS(p);
    VirtIODevice *vdev = &p->vdev;
    uint32_t legacy_size;
    uint8_t pos;

    /* Conventional PCI: transitional unless told otherwise. */
    p->legacy = p->disable_legacy != ON_OFF_AUTO_ON;
    p->modern = !p->disable_modern;
    if (!p->legacy && !p->modern) {
        error_setg(errp, "device cannot work as neither modern nor legacy "
                   "mode is enabled");
        error_append_hint(errp, "Set either disable-modern or "
                          "disable-legacy to off\n");
        return false;
    }
    if (!k->realize(p, errp)) {
        return false;
    }
    if (p->nvectors == VIRTIO_PCI_VECTORS_AUTO) {
        p->nvectors = 2;
    }
    vdev->transport = &vp_transport_ops;
    vdev->transport_opaque = p;
    virtio_compute_host_features(vdev);
    if (!p->modern) {
        vdev->host_features &= ~(1ull << VIRTIO_F_VERSION_1);
    }
    if (!p->event_idx) {
        vdev->host_features &= ~(1ull << VIRTIO_RING_F_EVENT_IDX);
    }
    if (!p->indirect_desc) {
        vdev->host_features &= ~(1ull << VIRTIO_RING_F_INDIRECT_DESC);
    }

    pci_set_word(pd->config + PCI_VENDOR_ID, VIRTIO_PCI_VENDOR_ID);
    pci_set_word(pd->config + PCI_DEVICE_ID, p->legacy ?
                 0x1000 + vdev->device_id - 1 : 0x1040 + vdev->device_id);
    pci_set_byte(pd->config + PCI_REVISION_ID, p->legacy ? 0 : 1);
    pci_set_word(pd->config + PCI_SUBSYSTEM_VENDOR_ID, VIRTIO_PCI_VENDOR_ID);
    pci_set_word(pd->config + PCI_SUBSYSTEM_ID, vdev->device_id);
    pci_set_byte(pd->config + PCI_INTERRUPT_PIN, 1);

    if (p->nvectors > 2048) {
        error_setg(errp, "%s: vectors %u exceeds the MSI-X maximum of 2048",
                   object_get_typename(OBJECT(p)), p->nvectors);
        goto fail_vdev;
    }
    if (p->nvectors &&
        msix_init_exclusive_bar(pd, p->nvectors, VIRTIO_PCI_MSIX_BAR,
                                NULL) < 0) {
        /* QEMU goes on without MSI-X too: INTx still works. */
        p->nvectors = 0;
    }
    pd->msix_vector_changed = vp_msix_vector_changed;

    if (p->modern) {
        memory_region_init(&p->modern_bar, OBJECT(p), "virtio-pci",
                           MODERN_BAR_SIZE);
        memory_region_init_io(&p->common, OBJECT(p), &vp_common_ops, p,
                              "virtio-pci-common", MODERN_REGION_SIZE);
        memory_region_init_io(&p->isr, OBJECT(p), &vp_isr_ops, p,
                              "virtio-pci-isr", MODERN_REGION_SIZE);
        memory_region_init_io(&p->device, OBJECT(p), &vp_device_ops, p,
                              "virtio-pci-device", MODERN_REGION_SIZE);
        memory_region_init_io(&p->notify, OBJECT(p), &vp_notify_ops, p,
                              "virtio-pci-notify", MODERN_REGION_SIZE);
        memory_region_add_subregion(&p->modern_bar, MODERN_COMMON_OFF,
                                    &p->common);
        memory_region_add_subregion(&p->modern_bar, MODERN_ISR_OFF, &p->isr);
        memory_region_add_subregion(&p->modern_bar, MODERN_DEVICE_OFF,
                                    &p->device);
        memory_region_add_subregion(&p->modern_bar, MODERN_NOTIFY_OFF,
                                    &p->notify);
        pci_register_bar(pd, VIRTIO_PCI_MODERN_BAR,
                         PCI_BASE_ADDRESS_SPACE_MEMORY |
                         PCI_BASE_ADDRESS_MEM_TYPE_64 |
                         PCI_BASE_ADDRESS_MEM_PREFETCH, &p->modern_bar);
        if (!vp_add_cap(p, VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_PCI_CAP_LEN,
                        MODERN_COMMON_OFF, MODERN_REGION_SIZE, errp) ||
            !vp_add_cap(p, VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_PCI_CAP_LEN,
                        MODERN_ISR_OFF, MODERN_REGION_SIZE, errp) ||
            !vp_add_cap(p, VIRTIO_PCI_CAP_DEVICE_CFG, VIRTIO_PCI_CAP_LEN,
                        MODERN_DEVICE_OFF, MODERN_REGION_SIZE, errp)) {
            goto fail_bars;
        }
        pos = vp_add_cap(p, VIRTIO_PCI_CAP_NOTIFY_CFG,
                         VIRTIO_PCI_NOTIFY_CAP_LEN, MODERN_NOTIFY_OFF,
                         MODERN_REGION_SIZE, errp);
        if (!pos) {
            goto fail_bars;
        }
        pci_set_long(pd->config + pos + 16, NOTIFY_MULTIPLIER);
        p->pci_cfg_cap = vp_add_cap(p, VIRTIO_PCI_CAP_PCI_CFG,
                                    VIRTIO_PCI_CFG_CAP_LEN, 0, 0, errp);
        if (!p->pci_cfg_cap) {
            goto fail_bars;
        }
        /* The driver picks bar, offset, length and the data dword. */
        memset(pd->wmask + p->pci_cfg_cap + 4, 0xff, 1);
        memset(pd->wmask + p->pci_cfg_cap + 8, 0xff, 12);
    }
    if (p->legacy) {
        legacy_size = 32;
        while (legacy_size < LEGACY_CONFIG_MSIX + vdev->config_len) {
            legacy_size <<= 1;
        }
        memory_region_init_io(&p->legacy_io, OBJECT(p), &vp_legacy_ops, p,
                              "virtio-pci-legacy", legacy_size);
        pci_register_bar(pd, VIRTIO_PCI_LEGACY_BAR, PCI_BASE_ADDRESS_SPACE_IO,
                         &p->legacy_io);
    }
    p->use_irqfd = p->nvectors &&
        (p->irqfd == ON_OFF_AUTO_ON ||
         (p->irqfd == ON_OFF_AUTO_AUTO &&
          irq_backend_get() != &irq_userspace_backend));
    p->irqfds = g_new(VirtIOPCIIrqfd, MAX(p->nvectors, 1));
    for (unsigned i = 0; i < MAX(p->nvectors, 1); i++) {
        p->irqfds[i].fd = -1;
    }
    return true;

fail_bars:
    if (p->modern) {
        memory_region_destroy(&p->common);
        memory_region_destroy(&p->isr);
        memory_region_destroy(&p->device);
        memory_region_destroy(&p->notify);
        memory_region_destroy(&p->modern_bar);
    }
    if (p->nvectors) {
        msix_uninit_exclusive_bar(pd);
    }
fail_vdev:
    if (k->unrealize) {
        k->unrealize(p);
    }
    return false;
}

static void vp_exit(PCIDevice *pd)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(pd);
    VirtIOPCIClass *k = VIRTIO_PCI_GET_CLASS(p);
    VirtIODevice *vdev = &p->vdev;

    /* Device first: it drains and returns what it holds. */
    virtio_reset(vdev);
    p->ioeventfd = false;
    vp_update_ioeventfds(p);
    for (unsigned i = 0; i < p->nvectors; i++) {
        vp_irqfd_release(p, i);
    }
    g_free(p->irqfds);
    p->irqfds = NULL;
    if (k->unrealize) {
        k->unrealize(p);
    }
    pd->msix_vector_changed = NULL;
    if (p->nvectors) {
        msix_uninit_exclusive_bar(pd);
    }
    if (p->modern) {
        memory_region_del_subregion(&p->modern_bar, &p->common);
        memory_region_del_subregion(&p->modern_bar, &p->isr);
        memory_region_del_subregion(&p->modern_bar, &p->device);
        memory_region_del_subregion(&p->modern_bar, &p->notify);
        memory_region_destroy(&p->common);
        memory_region_destroy(&p->isr);
        memory_region_destroy(&p->device);
        memory_region_destroy(&p->notify);
        memory_region_destroy(&p->modern_bar);
    }
    if (p->legacy) {
        memory_region_destroy(&p->legacy_io);
    }
}

static void vp_reset(PCIDevice *pd)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(pd);

    vp_set_status(p, 0);
    for (unsigned i = 0; p->irqfds && i < p->nvectors; i++) {
        vp_irqfd_release(p, i);
    }
}

static int vp_post_load(void *opaque, int version)
{
    VirtIOPCIProxy *p = opaque;

    pci_update_mappings(vp_pci(p));
    vp_update_ioeventfds(p);
    return 0;
}

static const StateField vp_fields[] = {
    STATE_UINT8_ARRAY(parent_obj.config, VirtIOPCIProxy,
                      PCI_CONFIG_SPACE_SIZE),
    STATE_STRUCT_ARRAY(vdev, VirtIOPCIProxy, 1, VirtIODevice,
                       &virtio_device_state_desc),
    STATE_END
};

const StateDesc virtio_pci_state_desc = {
    .name = "virtio-pci", .version = 1, .fields = vp_fields,
    .post_load = vp_post_load,
};

static const Property vp_props[] = {
    DEFINE_PROP_ON_OFF_AUTO("disable-legacy", VirtIOPCIProxy, disable_legacy,
                            ON_OFF_AUTO_AUTO),
    DEFINE_PROP_BOOL("disable-modern", VirtIOPCIProxy, disable_modern, false),
    DEFINE_PROP_UINT32("vectors", VirtIOPCIProxy, nvectors,
                       VIRTIO_PCI_VECTORS_AUTO),
    DEFINE_PROP_BOOL("ioeventfd", VirtIOPCIProxy, ioeventfd, true),
    DEFINE_PROP_ON_OFF_AUTO("x-irqfd", VirtIOPCIProxy, irqfd,
                            ON_OFF_AUTO_AUTO),
    DEFINE_PROP_BOOL("event_idx", VirtIOPCIProxy, event_idx, true),
    DEFINE_PROP_BOOL("indirect_desc", VirtIOPCIProxy, indirect_desc, true),
    DEFINE_PROP_END,
};

static void vp_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->realize = vp_realize;
    pc->exit = vp_exit;
    pc->reset = vp_reset;
    pc->config_read = vp_config_read;
    pc->config_write = vp_config_write;
    pc->vendor_id = VIRTIO_PCI_VENDOR_ID;
    pc->subsystem_vendor_id = VIRTIO_PCI_VENDOR_ID;
    dc->state = &virtio_pci_state_desc;
    device_class_set_props(dc, vp_props);
}

static const TypeInfo vp_types[] = {
    {
        .name = TYPE_VIRTIO_PCI,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(VirtIOPCIProxy),
        .class_size = sizeof(VirtIOPCIClass),
        .class_init = vp_class_init,
        .abstract = true,
    },
};

DEFINE_TYPES(vp_types)
