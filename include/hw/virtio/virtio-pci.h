/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio over PCI (VIRTIO 1.2 section 4.1): the abstract "virtio-pci"
 * function that carries one VirtIODevice. A concrete device
 * (virtio-blk-pci) derives from it, sets its VirtIOPCIClass::realize to
 * build the VirtIODevice (virtio_init + queues), and the transport adds
 * the registers around it:
 *
 *   BAR 0  legacy I/O registers (transitional; absent with
 *          disable-legacy=on)
 *   BAR 1  MSI-X table and PBA (vectors > 0)
 *   BAR 4  modern registers (absent with disable-modern=on), 64-bit
 *          prefetchable: common config at 0x0000, ISR at 0x1000, device
 *          config at 0x2000, notifications at 0x3000 (4 bytes a queue)
 *
 * described by vendor capabilities, plus the PCI configuration access
 * capability.
 */
#ifndef KEMU_HW_VIRTIO_PCI_H
#define KEMU_HW_VIRTIO_PCI_H

#include "hw/pci/pci.h"
#include "hw/virtio/virtio.h"
#include "qom/property.h"

#define TYPE_VIRTIO_PCI "virtio-pci"

#define VIRTIO_PCI_VECTORS_AUTO     UINT32_MAX

typedef struct VirtIOPCIProxy VirtIOPCIProxy;

typedef struct VirtIOPCIIrqfd {
    int fd;         /* eventfd, -1 when not set up */
    int virq;
} VirtIOPCIIrqfd;

struct VirtIOPCIProxy {
    PCIDevice parent_obj;
    VirtIODevice vdev;

    /* properties */
    int disable_legacy;         /* OnOffAuto */
    bool disable_modern;
    uint32_t nvectors;          /* "vectors" */
    bool ioeventfd;
    int irqfd;                  /* OnOffAuto "x-irqfd": auto = under KVM */
    bool event_idx, indirect_desc;  /* ring features offered */

    bool legacy, modern;        /* what realize decided */
    MemoryRegion legacy_io;
    MemoryRegion modern_bar, common, isr, device, notify;
    uint8_t pci_cfg_cap;        /* offset of the PCI_CFG capability */
    bool use_irqfd;
    VirtIOPCIIrqfd *irqfds;     /* nvectors */
    /* Where each queue's ioeventfds are registered now (0: none). */
    hwaddr notify_mmio[VIRTIO_QUEUE_MAX];
    uint32_t notify_pio[VIRTIO_QUEUE_MAX];
};

typedef struct VirtIOPCIClass {
    PCIDeviceClass parent_class;
    /* Builds proxy->vdev; may set proxy->nvectors when it is AUTO. */
    bool (*realize)(VirtIOPCIProxy *proxy, Error **errp);
    void (*unrealize)(VirtIOPCIProxy *proxy);
} VirtIOPCIClass;

OBJECT_DECLARE_TYPE(VirtIOPCIProxy, VirtIOPCIClass, VIRTIO_PCI)

extern const StateDesc virtio_pci_state_desc;

#endif
