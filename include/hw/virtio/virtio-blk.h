/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-blk-pci: a virtio block device (VIRTIO 1.2 section 5.2) on the
 * virtio-pci transport, its requests served through block-backend.h.
 */
#ifndef KEMU_HW_VIRTIO_BLK_H
#define KEMU_HW_VIRTIO_BLK_H

#include "util/error.h"

#define TYPE_VIRTIO_BLK_PCI "virtio-blk-pci"

/*
 * -drive if=virtio: one virtio-blk-pci per such drive, in drive order,
 * each in the first free PCI slot (run after -device, as QEMU does).
 * Does nothing without a PCI bus. Returns false with errp set when a
 * device cannot be created.
 */
bool virtio_blk_create_for_drives(Error **errp);

#endif
