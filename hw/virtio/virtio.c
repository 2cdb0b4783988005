/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio device core: status and features (VIRTIO 1.2 sections 2.1-2.5,
 * 3.1), the device configuration space, and split virtqueues (2.7):
 * descriptor chains with indirect tables (2.7.5.3), the used ring, event
 * index and flag-based notification suppression (2.7.7, 2.7.10).
 *
 * The guest owns the rings, so every value read from them is untrusted:
 * indexes beyond the ring, chains longer than their table (which is how a
 * loop shows), descriptors outside RAM or wrapping around the address
 * space, and flags the driver must not use all end in virtio_error().
 */
#include "util/osdep.h"
#include <assert.h>
#include "hw/virtio/virtio.h"
#include "util/log.h"

/* Scratch for the chain walk; pops run under the BQL, one at a time. */
typedef struct ChainScratch {
    struct iovec iov[VIRTQUEUE_MAX_SG];
    hwaddr addr[VIRTQUEUE_MAX_SG];
    bool is_write[VIRTQUEUE_MAX_SG];
} ChainScratch;

static ChainScratch *scratch;

void virtio_init(VirtIODevice *vdev, const char *name, uint16_t device_id,
                 uint32_t config_len, const VirtioDeviceOps *ops,
                 void *opaque)
{
    vdev->name = name;
    vdev->device_id = device_id;
    vdev->ops = ops;
    vdev->opaque = opaque;
    vdev->dma_as = &address_space_memory;
    vdev->config_len = config_len;
    vdev->config = g_malloc0(config_len ? config_len : 1);
    vdev->config_vector = VIRTIO_NO_VECTOR;
    vdev->nvqs = 0;
    for (unsigned i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        vdev->vq[i].vdev = vdev;
        vdev->vq[i].index = i;
        vdev->vq[i].vector = VIRTIO_NO_VECTOR;
        vdev->vq[i].host_notifier_fd = -1;
    }
}

void virtio_cleanup(VirtIODevice *vdev)
{
    g_free(vdev->config);
    vdev->config = NULL;
    vdev->nvqs = 0;
}

VirtQueue *virtio_add_queue(VirtIODevice *vdev, unsigned queue_size,
                            VirtIOHandleOutput *handle_output)
{
    VirtQueue *vq;

    assert(vdev->nvqs < VIRTIO_QUEUE_MAX);
    assert(queue_size && queue_size <= VIRTQUEUE_MAX_SIZE);
    vq = &vdev->vq[vdev->nvqs++];
    vq->num_max = queue_size;
    vq->num = queue_size;
    vq->handle_output = handle_output;
    vq->notification = true;
    return vq;
}

void virtio_compute_host_features(VirtIODevice *vdev)
{
    uint64_t f = vdev->ops->get_features ? vdev->ops->get_features(vdev) : 0;

    f |= 1ull << VIRTIO_RING_F_INDIRECT_DESC;
    f |= 1ull << VIRTIO_RING_F_EVENT_IDX;
    f |= 1ull << VIRTIO_F_NOTIFY_ON_EMPTY;
    f |= 1ull << VIRTIO_F_ANY_LAYOUT;
    f |= 1ull << VIRTIO_F_VERSION_1;
    /* ACCESS_PLATFORM stays off: DMA addresses are guest physical. */
    vdev->host_features = f;
}

bool virtio_set_features(VirtIODevice *vdev, uint64_t features)
{
    bool ok = !(features & ~vdev->host_features);

    vdev->guest_features = features & vdev->host_features;
    if (vdev->ops->set_features) {
        vdev->ops->set_features(vdev, vdev->guest_features);
    }
    return ok;
}

void virtio_reset(VirtIODevice *vdev)
{
    if (vdev->ops->reset) {
        vdev->ops->reset(vdev);
    }
    vdev->status = 0;
    vdev->isr = 0;
    vdev->queue_sel = 0;
    vdev->guest_features = 0;
    vdev->device_feature_sel = 0;
    vdev->driver_feature_sel = 0;
    vdev->config_vector = VIRTIO_NO_VECTOR;
    vdev->broken = false;
    for (unsigned i = 0; i < vdev->nvqs; i++) {
        VirtQueue *vq = &vdev->vq[i];

        vq->num = vq->num_max;
        vq->enabled = false;
        vq->desc = vq->avail = vq->used = 0;
        vq->last_avail_idx = vq->used_idx = 0;
        vq->signalled_used = 0;
        vq->signalled_used_valid = false;
        vq->vector = VIRTIO_NO_VECTOR;
        vq->notification = true;
        vq->inuse = 0;
    }
    if (vdev->transport && vdev->transport->queues_changed) {
        vdev->transport->queues_changed(vdev->transport_opaque);
    }
}

void virtio_set_status(VirtIODevice *vdev, uint8_t status)
{
    uint8_t old = vdev->status;

    if (status == 0) {
        virtio_reset(vdev);
        return;
    }
    if ((status & VIRTIO_CONFIG_S_FEATURES_OK) &&
        !(old & VIRTIO_CONFIG_S_FEATURES_OK) &&
        virtio_has_feature(vdev->guest_features, VIRTIO_F_VERSION_1)) {
        /* 3.1.1: the device refuses a set it cannot support by leaving
         * FEATURES_OK clear; the driver reads it back. */
        if (!virtio_set_features(vdev, vdev->guest_features)) {
            kemu_log_mask(LOG_GUEST_ERROR, "%s: driver accepted features "
                          "the device does not offer\n", vdev->name);
            status &= ~VIRTIO_CONFIG_S_FEATURES_OK;
        }
    }
    /* NEEDS_RESET is the device's to set; the driver cannot clear it. */
    status &= ~VIRTIO_CONFIG_S_NEEDS_RESET;
    status |= old & VIRTIO_CONFIG_S_NEEDS_RESET;
    vdev->status = status;
    if (vdev->ops->set_status) {
        vdev->ops->set_status(vdev, status);
    }
    if ((status ^ old) & VIRTIO_CONFIG_S_DRIVER_OK) {
        if (vdev->transport && vdev->transport->queues_changed) {
            vdev->transport->queues_changed(vdev->transport_opaque);
        }
        /* Work the driver queued before DRIVER_OK (a legacy habit). */
        for (unsigned i = 0; i < vdev->nvqs; i++) {
            if (virtio_queue_ready(&vdev->vq[i]) &&
                virtqueue_has_work(&vdev->vq[i])) {
                virtio_queue_notify(&vdev->vq[i]);
            }
        }
    }
}

void virtio_notify_config(VirtIODevice *vdev)
{
    if (!(vdev->status & VIRTIO_CONFIG_S_DRIVER_OK)) {
        return;
    }
    vdev->generation++;
    vdev->isr |= 2;
    if (vdev->transport) {
        vdev->transport->notify(vdev->transport_opaque, vdev->config_vector);
    }
}

void virtio_error(VirtIODevice *vdev, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    kemu_log_mask(LOG_GUEST_ERROR, "%s: %s\n", vdev->name, msg);
    g_free(msg);
    if (vdev->broken) {
        return;
    }
    vdev->broken = true;
    if (virtio_vdev_has_feature(vdev, VIRTIO_F_VERSION_1)) {
        vdev->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
        virtio_notify_config(vdev);
    }
}

/* ---- configuration space ---- */

uint32_t virtio_config_read(VirtIODevice *vdev, uint32_t addr, unsigned size)
{
    uint32_t v = 0;

    if (size > 4 || addr > vdev->config_len ||
        size > vdev->config_len - addr) {
        kemu_log_mask(LOG_GUEST_ERROR, "%s: config read of %u bytes at 0x%x "
                      "outside %u bytes\n", vdev->name, size, addr,
                      vdev->config_len);
        return 0;
    }
    if (vdev->ops->get_config) {
        vdev->ops->get_config(vdev, vdev->config);
    }
    memcpy(&v, vdev->config + addr, size);
    return le32toh(v);
}

void virtio_config_write(VirtIODevice *vdev, uint32_t addr, uint32_t val,
                         unsigned size)
{
    uint32_t le = htole32(val);

    if (size > 4 || addr > vdev->config_len ||
        size > vdev->config_len - addr) {
        kemu_log_mask(LOG_GUEST_ERROR, "%s: config write of %u bytes at 0x%x "
                      "outside %u bytes\n", vdev->name, size, addr,
                      vdev->config_len);
        return;
    }
    if (vdev->ops->get_config) {
        vdev->ops->get_config(vdev, vdev->config);
    }
    memcpy(vdev->config + addr, &le, size);
    if (vdev->ops->set_config) {
        vdev->ops->set_config(vdev, vdev->config);
    }
}

/* ---- ring accessors ---- */

static bool vq_read(VirtQueue *vq, hwaddr addr, void *buf, hwaddr len,
                    const char *what)
{
    if (dma_memory_read(vq->vdev->dma_as, addr, buf, len) != MEMTX_OK) {
        virtio_error(vq->vdev, "queue %u: %s at 0x%" HWADDR_PRIx
                     " is not in RAM", vq->index, what, addr);
        return false;
    }
    return true;
}

static bool vq_write(VirtQueue *vq, hwaddr addr, const void *buf, hwaddr len,
                     const char *what)
{
    if (dma_memory_write(vq->vdev->dma_as, addr, buf, len) != MEMTX_OK) {
        virtio_error(vq->vdev, "queue %u: %s at 0x%" HWADDR_PRIx
                     " is not in RAM", vq->index, what, addr);
        return false;
    }
    return true;
}

static bool vq_read16(VirtQueue *vq, hwaddr addr, uint16_t *v,
                      const char *what)
{
    uint16_t le;

    if (!vq_read(vq, addr, &le, 2, what)) {
        return false;
    }
    *v = le16toh(le);
    return true;
}

static bool vq_write16(VirtQueue *vq, hwaddr addr, uint16_t v,
                       const char *what)
{
    uint16_t le = htole16(v);

    return vq_write(vq, addr, &le, 2, what);
}

static hwaddr avail_event_addr(VirtQueue *vq)
{
    return vq->used + 4 + (hwaddr)VRING_USED_ELEM_SIZE * vq->num;
}

static hwaddr used_event_addr(VirtQueue *vq)
{
    return vq->avail + 4 + 2 * (hwaddr)vq->num;
}

void virtio_queue_set_legacy_pfn(VirtQueue *vq, uint32_t pfn)
{
    hwaddr base = (hwaddr)pfn << 12;

    if (!pfn) {
        vq->desc = vq->avail = vq->used = 0;
        return;
    }
    vq->desc = base;
    vq->avail = base + (hwaddr)VRING_DESC_SIZE * vq->num;
    /* The used ring starts at the next 4096-byte boundary after the
     * avail ring and its used_event word. */
    vq->used = (vq->avail + 6 + 2 * (hwaddr)vq->num + 4095) & ~(hwaddr)4095;
}

bool virtio_queue_ready(VirtQueue *vq)
{
    VirtIODevice *vdev = vq->vdev;

    return !vdev->broken && (vdev->status & VIRTIO_CONFIG_S_DRIVER_OK) &&
           vq->num && vq->desc && vq->avail && vq->used;
}

void virtio_queue_notify(VirtQueue *vq)
{
    if (vq->handle_output && virtio_queue_ready(vq)) {
        vq->handle_output(vq->vdev, vq);
    }
}

/* The driver's avail->idx, checked against what the device has taken. */
static bool vq_avail_idx(VirtQueue *vq, uint16_t *idx)
{
    if (!vq_read16(vq, vq->avail + 2, idx, "avail index")) {
        return false;
    }
    if ((uint16_t)(*idx - vq->last_avail_idx) > vq->num) {
        virtio_error(vq->vdev, "queue %u: avail index %u is %u entries "
                     "ahead of %u in a ring of %u", vq->index, *idx,
                     (uint16_t)(*idx - vq->last_avail_idx),
                     vq->last_avail_idx, vq->num);
        return false;
    }
    return true;
}

bool virtqueue_has_work(VirtQueue *vq)
{
    uint16_t idx;

    if (!virtio_queue_ready(vq)) {
        return false;
    }
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return vq_avail_idx(vq, &idx) && idx != vq->last_avail_idx;
}

void virtqueue_set_notification(VirtQueue *vq, bool enable)
{
    vq->notification = enable;
    if (!virtio_queue_ready(vq)) {
        return;
    }
    if (virtio_vdev_has_feature(vq->vdev, VIRTIO_RING_F_EVENT_IDX)) {
        if (enable) {
            uint16_t idx;

            if (vq_read16(vq, vq->avail + 2, &idx, "avail index")) {
                vq_write16(vq, avail_event_addr(vq), idx, "avail event");
            }
        }
    } else {
        uint16_t flags;

        if (vq_read16(vq, vq->used, &flags, "used flags")) {
            flags = enable ? flags & ~VRING_USED_F_NO_NOTIFY
                           : flags | VRING_USED_F_NO_NOTIFY;
            vq_write16(vq, vq->used, flags, "used flags");
        }
    }
    /* The flag must be visible before the device looks at avail again,
     * or a kick sent in between would be missed. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* ---- descriptor chains ---- */

typedef struct VRingDesc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
} VRingDesc;

static bool read_desc(VirtQueue *vq, hwaddr table, unsigned i, VRingDesc *d)
{
    uint8_t raw[VRING_DESC_SIZE];

    if (!vq_read(vq, table + (hwaddr)i * VRING_DESC_SIZE, raw, sizeof(raw),
                 "descriptor")) {
        return false;
    }
    d->addr = le64toh(*(uint64_t *)raw);
    d->len = le32toh(*(uint32_t *)(raw + 8));
    d->flags = le16toh(*(uint16_t *)(raw + 12));
    d->next = le16toh(*(uint16_t *)(raw + 14));
    return true;
}

static void unmap_sg(VirtIODevice *vdev, const struct iovec *iov,
                     const bool *is_write, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        address_space_unmap(vdev->dma_as, iov[i].iov_base, iov[i].iov_len,
                            is_write[i], 0);
    }
}

/* Maps one descriptor's buffer, possibly in several host pieces. */
static bool map_desc(VirtQueue *vq, const VRingDesc *d, unsigned *n)
{
    VirtIODevice *vdev = vq->vdev;
    bool is_write = d->flags & VRING_DESC_F_WRITE;
    hwaddr addr = d->addr;
    hwaddr left = d->len;

    if (left && addr + left - 1 < addr) {
        virtio_error(vdev, "queue %u: buffer 0x%" PRIx64 "+0x%x wraps "
                     "around the address space", vq->index, d->addr, d->len);
        return false;
    }
    while (left) {
        hwaddr l = left;
        void *p;

        if (*n >= VIRTQUEUE_MAX_SG) {
            virtio_error(vdev, "queue %u: request has more than %u segments",
                         vq->index, VIRTQUEUE_MAX_SG);
            return false;
        }
        p = address_space_map(vdev->dma_as, addr, &l, is_write);
        if (p && (!l || address_space_ram_ptr(vdev->dma_as, addr, l,
                                              is_write) != p)) {
            /* A bounce buffer: the range is MMIO (or ROM for a write). */
            address_space_unmap(vdev->dma_as, p, l, is_write, 0);
            p = NULL;
        }
        if (!p) {
            virtio_error(vdev, "queue %u: buffer at 0x%" HWADDR_PRIx
                         " is not in RAM", vq->index, addr);
            return false;
        }
        scratch->iov[*n].iov_base = p;
        scratch->iov[*n].iov_len = l;
        scratch->addr[*n] = addr;
        scratch->is_write[*n] = is_write;
        (*n)++;
        addr += l;
        left -= l;
    }
    return true;
}

/* Walks the chain at head; on success the mapped segments are in
 * scratch[0..*n), device-readable ones first. */
static bool walk_chain(VirtQueue *vq, unsigned head, unsigned *n,
                       unsigned *n_out)
{
    VirtIODevice *vdev = vq->vdev;
    hwaddr table = vq->desc;
    unsigned max = vq->num, i = head, count = 0;
    bool indirect = false, seen_write = false;
    VRingDesc d;

    if (!read_desc(vq, table, i, &d)) {
        return false;
    }
    if (d.flags & VRING_DESC_F_INDIRECT) {
        if (!virtio_vdev_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC)) {
            virtio_error(vdev, "queue %u: indirect descriptor without "
                         "the feature", vq->index);
            return false;
        }
        if (d.flags & VRING_DESC_F_NEXT) {
            virtio_error(vdev, "queue %u: indirect descriptor with NEXT",
                         vq->index);
            return false;
        }
        if (!d.len || d.len % VRING_DESC_SIZE ||
            d.len / VRING_DESC_SIZE > VIRTQUEUE_MAX_SG) {
            virtio_error(vdev, "queue %u: indirect table of %u bytes",
                         vq->index, d.len);
            return false;
        }
        if (d.addr + d.len - 1 < d.addr) {
            virtio_error(vdev, "queue %u: indirect table wraps around",
                         vq->index);
            return false;
        }
        table = d.addr;
        max = d.len / VRING_DESC_SIZE;
        indirect = true;
        i = 0;
        if (!read_desc(vq, table, i, &d)) {
            return false;
        }
    }
    for (;;) {
        /* Each entry of the table is visited at most once in a good
         * chain, so one more than that means a loop. */
        if (++count > max) {
            virtio_error(vdev, "queue %u: descriptor chain at %u is longer "
                         "than its table of %u (a loop?)", vq->index, head,
                         max);
            return false;
        }
        if (d.flags & VRING_DESC_F_INDIRECT) {
            virtio_error(vdev, "queue %u: %s", vq->index, indirect ?
                         "indirect descriptor inside an indirect table" :
                         "indirect descriptor in the middle of a chain");
            return false;
        }
        if (d.flags & VRING_DESC_F_WRITE) {
            seen_write = true;
        } else if (seen_write) {
            virtio_error(vdev, "queue %u: device-readable descriptor after "
                         "a device-writable one", vq->index);
            return false;
        }
        if (!map_desc(vq, &d, n)) {
            return false;
        }
        if (!seen_write) {
            *n_out = *n;
        }
        if (!(d.flags & VRING_DESC_F_NEXT)) {
            return true;
        }
        if (d.next >= max) {
            virtio_error(vdev, "queue %u: next descriptor %u outside a table "
                         "of %u", vq->index, d.next, max);
            return false;
        }
        i = d.next;
        if (!read_desc(vq, table, i, &d)) {
            return false;
        }
    }
}

void *virtqueue_pop(VirtQueue *vq, size_t sz)
{
    VirtIODevice *vdev = vq->vdev;
    VirtQueueElement *elem;
    uint16_t avail_idx, head;
    unsigned n = 0, n_out = 0;

    assert(sz >= sizeof(VirtQueueElement));
    if (!virtio_queue_ready(vq) || !vq_avail_idx(vq, &avail_idx) ||
        avail_idx == vq->last_avail_idx) {
        return NULL;
    }
    /* The ring entry and descriptors were written before the index. */
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (!vq_read16(vq, vq->avail + 4 + 2 * (hwaddr)(vq->last_avail_idx %
                                                    vq->num),
                   &head, "avail ring")) {
        return NULL;
    }
    if (head >= vq->num) {
        virtio_error(vdev, "queue %u: head descriptor %u outside a ring "
                     "of %u", vq->index, head, vq->num);
        return NULL;
    }
    if (vq->inuse >= vq->num) {
        virtio_error(vdev, "queue %u: more requests in flight than the ring "
                     "holds", vq->index);
        return NULL;
    }
    if (!scratch) {
        scratch = g_new(ChainScratch, 1);
    }
    if (!walk_chain(vq, head, &n, &n_out)) {
        unmap_sg(vdev, scratch->iov, scratch->is_write, n);
        return NULL;
    }
    vq->last_avail_idx++;
    if (vq->notification &&
        virtio_vdev_has_feature(vdev, VIRTIO_RING_F_EVENT_IDX)) {
        vq_write16(vq, avail_event_addr(vq), vq->last_avail_idx,
                   "avail event");
    }
    elem = g_malloc0(sz);
    elem->index = head;
    elem->out_num = n_out;
    elem->in_num = n - n_out;
    elem->out_sg = g_memdup2(scratch->iov, n_out * sizeof(struct iovec));
    elem->out_addr = g_memdup2(scratch->addr, n_out * sizeof(hwaddr));
    elem->in_sg = g_memdup2(scratch->iov + n_out,
                            (n - n_out) * sizeof(struct iovec));
    elem->in_addr = g_memdup2(scratch->addr + n_out,
                              (n - n_out) * sizeof(hwaddr));
    vq->inuse++;
    return elem;
}

static void element_unmap(VirtIODevice *vdev, VirtQueueElement *elem,
                          uint32_t written)
{
    for (unsigned i = 0; i < elem->out_num; i++) {
        address_space_unmap(vdev->dma_as, elem->out_sg[i].iov_base,
                            elem->out_sg[i].iov_len, false,
                            elem->out_sg[i].iov_len);
    }
    for (unsigned i = 0; i < elem->in_num; i++) {
        size_t l = MIN(written, elem->in_sg[i].iov_len);

        address_space_unmap(vdev->dma_as, elem->in_sg[i].iov_base,
                            elem->in_sg[i].iov_len, true, l);
        written -= l;
    }
    elem->out_num = elem->in_num = 0;
}

void virtqueue_detach(VirtQueue *vq, VirtQueueElement *elem)
{
    element_unmap(vq->vdev, elem, UINT32_MAX);
    if (vq->inuse) {
        vq->inuse--;
    }
}

void virtqueue_push(VirtQueue *vq, VirtQueueElement *elem, uint32_t len)
{
    uint8_t used[VRING_USED_ELEM_SIZE];
    hwaddr at;

    element_unmap(vq->vdev, elem, len);
    if (vq->inuse) {
        vq->inuse--;
    }
    if (!virtio_queue_ready(vq)) {
        /* Broken or reset meanwhile: the ring is not ours to write. */
        return;
    }
    *(uint32_t *)used = htole32(elem->index);
    *(uint32_t *)(used + 4) = htole32(len);
    at = vq->used + 4 + (hwaddr)VRING_USED_ELEM_SIZE * (vq->used_idx %
                                                         vq->num);
    if (!vq_write(vq, at, used, sizeof(used), "used ring")) {
        return;
    }
    /* The element must be visible before the index that publishes it. */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    vq->used_idx++;
    vq_write16(vq, vq->used + 2, vq->used_idx, "used index");
}

void virtqueue_element_free(VirtQueueElement *elem)
{
    if (!elem) {
        return;
    }
    g_free(elem->out_sg);
    g_free(elem->in_sg);
    g_free(elem->out_addr);
    g_free(elem->in_addr);
    g_free(elem);
}

/* 2.7.10: interrupt when new_idx passed the driver's used_event. */
static bool vring_need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
    return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

static bool vq_should_notify(VirtQueue *vq)
{
    VirtIODevice *vdev = vq->vdev;
    uint16_t v, old, idx;
    bool valid;

    /* The used index must be visible before the driver's flags/event are
     * read, or the driver could sleep on an interrupt never sent. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (virtio_vdev_has_feature(vdev, VIRTIO_F_NOTIFY_ON_EMPTY) &&
        !vq->inuse && vq_avail_idx(vq, &idx) && idx == vq->last_avail_idx) {
        return true;
    }
    if (!virtio_vdev_has_feature(vdev, VIRTIO_RING_F_EVENT_IDX)) {
        return vq_read16(vq, vq->avail, &v, "avail flags") &&
               !(v & VRING_AVAIL_F_NO_INTERRUPT);
    }
    old = vq->signalled_used;
    valid = vq->signalled_used_valid;
    vq->signalled_used = vq->used_idx;
    vq->signalled_used_valid = true;
    if (!vq_read16(vq, used_event_addr(vq), &v, "used event")) {
        return false;
    }
    return !valid || vring_need_event(v, vq->used_idx, old);
}

void virtqueue_notify_guest(VirtQueue *vq)
{
    VirtIODevice *vdev = vq->vdev;

    if (!virtio_queue_ready(vq) || !vq_should_notify(vq)) {
        return;
    }
    vdev->isr |= 1;
    if (vdev->transport) {
        vdev->transport->notify(vdev->transport_opaque, vq->vector);
    }
}

/* ---- iovec helpers ---- */

size_t virtio_iov_from_buf(const struct iovec *iov, unsigned cnt,
                           size_t offset, const void *buf, size_t len)
{
    size_t done = 0;

    for (unsigned i = 0; i < cnt && done < len; i++) {
        if (offset >= iov[i].iov_len) {
            offset -= iov[i].iov_len;
            continue;
        }
        size_t l = MIN(iov[i].iov_len - offset, len - done);
        memcpy((uint8_t *)iov[i].iov_base + offset, (const uint8_t *)buf + done,
               l);
        done += l;
        offset = 0;
    }
    return done;
}

size_t virtio_iov_to_buf(const struct iovec *iov, unsigned cnt,
                         size_t offset, void *buf, size_t len)
{
    size_t done = 0;

    for (unsigned i = 0; i < cnt && done < len; i++) {
        if (offset >= iov[i].iov_len) {
            offset -= iov[i].iov_len;
            continue;
        }
        size_t l = MIN(iov[i].iov_len - offset, len - done);
        memcpy((uint8_t *)buf + done, (const uint8_t *)iov[i].iov_base + offset,
               l);
        done += l;
        offset = 0;
    }
    return done;
}

size_t virtio_iov_size(const struct iovec *iov, unsigned cnt)
{
    size_t s = 0;

    for (unsigned i = 0; i < cnt; i++) {
        s += iov[i].iov_len;
    }
    return s;
}

/* ---- state ---- */

static const StateField virtqueue_fields[] = {
    STATE_UINT16(num, VirtQueue),
    STATE_BOOL(enabled, VirtQueue),
    STATE_UINT64(desc, VirtQueue),
    STATE_UINT64(avail, VirtQueue),
    STATE_UINT64(used, VirtQueue),
    STATE_UINT16(last_avail_idx, VirtQueue),
    STATE_UINT16(used_idx, VirtQueue),
    STATE_UINT16(signalled_used, VirtQueue),
    STATE_BOOL(signalled_used_valid, VirtQueue),
    STATE_UINT16(vector, VirtQueue),
    STATE_BOOL(notification, VirtQueue),
    STATE_END
};

static const StateDesc virtqueue_state_desc = {
    .name = "virtqueue", .version = 1, .fields = virtqueue_fields,
};

static const StateField virtio_device_fields[] = {
    STATE_UINT8(status, VirtIODevice),
    STATE_UINT8(isr, VirtIODevice),
    STATE_UINT16(queue_sel, VirtIODevice),
    STATE_UINT64(guest_features, VirtIODevice),
    STATE_UINT32(device_feature_sel, VirtIODevice),
    STATE_UINT32(driver_feature_sel, VirtIODevice),
    STATE_UINT16(config_vector, VirtIODevice),
    STATE_UINT8(generation, VirtIODevice),
    STATE_BOOL(broken, VirtIODevice),
    STATE_STRUCT_ARRAY(vq, VirtIODevice, VIRTIO_QUEUE_MAX, VirtQueue,
                       &virtqueue_state_desc),
    STATE_END
};

const StateDesc virtio_device_state_desc = {
    .name = "virtio-device", .version = 1, .fields = virtio_device_fields,
};
