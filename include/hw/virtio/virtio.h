/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The transport-independent half of a virtio device (OASIS VIRTIO 1.2,
 * chapters 2 and 3): status, feature bits, the device configuration
 * space and split virtqueues.
 *
 * A VirtIODevice is embedded in its transport (virtio-pci), which owns
 * the registers and the interrupt; the device model fills in the ops and
 * its queues at realize:
 *
 *   virtio_init(vdev, "virtio-blk", VIRTIO_ID_BLOCK, config_size, &ops, s);
 *   vq = virtio_add_queue(vdev, 256, handle_request);
 *
 * and serves a queue with virtqueue_pop() / virtqueue_push() /
 * virtqueue_notify_guest(). Every index, length and address read from
 * guest memory is checked; a bad one puts the device in its error state
 * (virtio_error: DEVICE_NEEDS_RESET, queues stop until the driver resets
 * it) with a -d guest_errors log, and nothing else happens.
 *
 * Everything here runs with the BQL held.
 */
#ifndef KEMU_HW_VIRTIO_H
#define KEMU_HW_VIRTIO_H

#include <sys/uio.h>
#include "exec/memory.h"
#include "migration/statedesc.h"

/* Device ids (5 Device Types). */
#define VIRTIO_ID_NET           1
#define VIRTIO_ID_BLOCK         2

/* Device status (2.1). */
#define VIRTIO_CONFIG_S_ACKNOWLEDGE     1
#define VIRTIO_CONFIG_S_DRIVER          2
#define VIRTIO_CONFIG_S_DRIVER_OK       4
#define VIRTIO_CONFIG_S_FEATURES_OK     8
#define VIRTIO_CONFIG_S_NEEDS_RESET     0x40
#define VIRTIO_CONFIG_S_FAILED          0x80

/* Reserved feature bits (6). */
#define VIRTIO_F_NOTIFY_ON_EMPTY        24
#define VIRTIO_F_ANY_LAYOUT             27
#define VIRTIO_RING_F_INDIRECT_DESC     28
#define VIRTIO_RING_F_EVENT_IDX         29
#define VIRTIO_F_BAD_FEATURE            30  /* legacy: never offered */
#define VIRTIO_F_VERSION_1              32
#define VIRTIO_F_ACCESS_PLATFORM        33
#define VIRTIO_F_RING_PACKED            34

/* Split ring layout (2.7). */
#define VRING_DESC_F_NEXT       1
#define VRING_DESC_F_WRITE      2
#define VRING_DESC_F_INDIRECT   4
#define VRING_AVAIL_F_NO_INTERRUPT  1
#define VRING_USED_F_NO_NOTIFY      1
#define VRING_DESC_SIZE         16
#define VRING_USED_ELEM_SIZE    8

#define VIRTQUEUE_MAX_SIZE      1024
/* Segments of one request (host iovecs): a request never needs more. */
#define VIRTQUEUE_MAX_SG        1024
#define VIRTIO_NO_VECTOR        0xffff
#define VIRTIO_QUEUE_MAX        64

typedef struct VirtIODevice VirtIODevice;
typedef struct VirtQueue VirtQueue;

/* One popped request: its descriptor chain mapped into host memory,
 * device-readable (out) then device-writable (in) parts. */
typedef struct VirtQueueElement {
    unsigned index;             /* head descriptor, returned in the used ring */
    unsigned out_num, in_num;
    struct iovec *out_sg, *in_sg;
    hwaddr *out_addr, *in_addr;
} VirtQueueElement;

typedef void VirtIOHandleOutput(VirtIODevice *vdev, VirtQueue *vq);

struct VirtQueue {
    VirtIODevice *vdev;
    uint16_t index;
    uint16_t num;               /* ring size the driver uses; 0: unused */
    uint16_t num_max;           /* what the device offers */
    bool enabled;               /* modern queue_enable */
    uint64_t desc, avail, used; /* guest physical ring addresses */
    uint16_t last_avail_idx;    /* next avail entry the device reads */
    uint16_t used_idx;          /* the device's copy of used->idx */
    uint16_t signalled_used;    /* used_idx at the last interrupt */
    bool signalled_used_valid;
    uint16_t vector;            /* MSI-X vector or VIRTIO_NO_VECTOR */
    bool notification;          /* the device wants kicks */
    unsigned inuse;             /* popped, not yet pushed */
    VirtIOHandleOutput *handle_output;
    /* Host side (not state): the notification eventfd (ioeventfd). */
    int host_notifier_fd;
    bool host_notifier_on;
};

typedef struct VirtioDeviceOps {
    /* Features the device offers (the core adds its own ring features). */
    uint64_t (*get_features)(VirtIODevice *vdev);
    /* Accepted features (FEATURES_OK, or a legacy driver's write). */
    void (*set_features)(VirtIODevice *vdev, uint64_t features);
    /* Refresh vdev->config before the driver reads it. */
    void (*get_config)(VirtIODevice *vdev, uint8_t *config);
    /* The driver wrote vdev->config. */
    void (*set_config)(VirtIODevice *vdev, const uint8_t *config);
    void (*set_status)(VirtIODevice *vdev, uint8_t status);
    /* Device part of a reset: drop in-flight work (after a drain). */
    void (*reset)(VirtIODevice *vdev);
} VirtioDeviceOps;

/* What the transport provides to the core. */
typedef struct VirtioTransportOps {
    /* Raise vector's interrupt (VIRTIO_NO_VECTOR: INTx, via the ISR). */
    void (*notify)(void *opaque, uint16_t vector);
    /* Queue enable/disable (status or reset): ioeventfds follow. */
    void (*queues_changed)(void *opaque);
} VirtioTransportOps;

struct VirtIODevice {
    const char *name;
    uint16_t device_id;
    const VirtioDeviceOps *ops;
    void *opaque;               /* the device model */
    const VirtioTransportOps *transport;
    void *transport_opaque;
    AddressSpace *dma_as;

    uint8_t status;
    uint8_t isr;                /* bit 0 queue, bit 1 config change */
    uint16_t queue_sel;
    uint64_t host_features;
    uint64_t guest_features;
    uint32_t device_feature_sel, driver_feature_sel;
    uint16_t config_vector;
    uint8_t generation;
    bool broken;                /* NEEDS_RESET: queues are not served */
    uint8_t *config;
    uint32_t config_len;
    unsigned nvqs;
    VirtQueue vq[VIRTIO_QUEUE_MAX];
};

void virtio_init(VirtIODevice *vdev, const char *name, uint16_t device_id,
                 uint32_t config_len, const VirtioDeviceOps *ops,
                 void *opaque);
void virtio_cleanup(VirtIODevice *vdev);
VirtQueue *virtio_add_queue(VirtIODevice *vdev, unsigned queue_size,
                            VirtIOHandleOutput *handle_output);

static inline bool virtio_has_feature(uint64_t features, unsigned bit)
{
    return features & (1ull << bit);
}
static inline bool virtio_vdev_has_feature(const VirtIODevice *vdev,
                                           unsigned bit)
{
    return virtio_has_feature(vdev->guest_features, bit);
}

/* Host features (device's and the ring's), computed once at realize. */
void virtio_compute_host_features(VirtIODevice *vdev);
/* Driver-accepted features; false when it asked for one not offered. */
bool virtio_set_features(VirtIODevice *vdev, uint64_t features);
/* Status register write; a 0 resets the device. */
void virtio_set_status(VirtIODevice *vdev, uint8_t status);
void virtio_reset(VirtIODevice *vdev);
/* Guest error: log, mark NEEDS_RESET, stop the queues, tell the driver. */
void virtio_error(VirtIODevice *vdev, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The device configuration changed (capacity): interrupt the driver. */
void virtio_notify_config(VirtIODevice *vdev);

/* Config space accesses from the transport (offset checked). */
uint32_t virtio_config_read(VirtIODevice *vdev, uint32_t addr, unsigned size);
void virtio_config_write(VirtIODevice *vdev, uint32_t addr, uint32_t val,
                         unsigned size);

/* Legacy queue address: one page frame, the rings laid out contiguously
 * with 4096-byte alignment (2.7.2, legacy interfaces). */
void virtio_queue_set_legacy_pfn(VirtQueue *vq, uint32_t pfn);
/* The driver kicked the queue. */
void virtio_queue_notify(VirtQueue *vq);
/* Ready to serve: driver OK, rings set, device not broken. */
bool virtio_queue_ready(VirtQueue *vq);

/* Next request, or NULL (none, or the device just broke). sz >=
 * sizeof(VirtQueueElement) lets a device embed the element at the start
 * of its own request struct (zeroed). Free with virtqueue_element_free
 * after virtqueue_push or virtqueue_detach. */
void *virtqueue_pop(VirtQueue *vq, size_t sz);
/* Unmaps the element (len: bytes the device wrote into its in part) and
 * puts it in the used ring. */
void virtqueue_push(VirtQueue *vq, VirtQueueElement *elem, uint32_t len);
/* Unmaps without completing (device reset drops it). */
void virtqueue_detach(VirtQueue *vq, VirtQueueElement *elem);
void virtqueue_element_free(VirtQueueElement *elem);
/* Sends the interrupt if the driver wants one (event index / flags). */
void virtqueue_notify_guest(VirtQueue *vq);
/* Suppress (false) or ask for (true) notifications from the driver. */
void virtqueue_set_notification(VirtQueue *vq, bool enable);
/* True when the driver published more entries than the device took. */
bool virtqueue_has_work(VirtQueue *vq);

/* Copy to / from an element's sg list, from byte offset; returns bytes. */
size_t virtio_iov_from_buf(const struct iovec *iov, unsigned cnt,
                           size_t offset, const void *buf, size_t len);
size_t virtio_iov_to_buf(const struct iovec *iov, unsigned cnt,
                         size_t offset, void *buf, size_t len);
size_t virtio_iov_size(const struct iovec *iov, unsigned cnt);

extern const StateDesc virtio_device_state_desc;

#endif
