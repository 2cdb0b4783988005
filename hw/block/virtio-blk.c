/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-blk-pci: the virtio block device (VIRTIO 1.2 section 5.2) on the
 * virtio-pci transport. Requests: read (IN), write (OUT), FLUSH, GET_ID,
 * DISCARD and WRITE_ZEROES (one segment each, as the config advertises);
 * anything else completes with UNSUPP. Each request is a header (type,
 * reserved, sector), data buffers and a status byte at the very end of
 * its device-writable part; any layout of these over descriptors works.
 *
 * Requests go to the drive through block-backend.h, asynchronously; a
 * failed one goes through the drive's werror/rerror policy: reported to
 * the driver, ignored, or kept while the VM stops and retried on `cont`.
 */
#include "util/osdep.h"
#include "hw/virtio/virtio-blk.h"
#include "hw/virtio/virtio-pci.h"
#include "hw/boards.h"
#include "sysemu/block-backend.h"
#include "util/log.h"
#include "util/opts.h"

/* Feature bits (5.2.3). */
#define VIRTIO_BLK_F_SIZE_MAX       1
#define VIRTIO_BLK_F_SEG_MAX        2
#define VIRTIO_BLK_F_GEOMETRY       4
#define VIRTIO_BLK_F_RO             5
#define VIRTIO_BLK_F_BLK_SIZE       6
#define VIRTIO_BLK_F_FLUSH          9
#define VIRTIO_BLK_F_TOPOLOGY       10
#define VIRTIO_BLK_F_CONFIG_WCE     11
#define VIRTIO_BLK_F_MQ             12
#define VIRTIO_BLK_F_DISCARD        13
#define VIRTIO_BLK_F_WRITE_ZEROES   14

/* Request types and status (5.2.6). */
#define VIRTIO_BLK_T_IN             0
#define VIRTIO_BLK_T_OUT            1
#define VIRTIO_BLK_T_FLUSH          4
#define VIRTIO_BLK_T_GET_ID         8
#define VIRTIO_BLK_T_DISCARD        11
#define VIRTIO_BLK_T_WRITE_ZEROES   13
#define VIRTIO_BLK_T_BARRIER        0x80000000u   /* legacy, ignored */
#define VIRTIO_BLK_S_OK             0
#define VIRTIO_BLK_S_IOERR          1
#define VIRTIO_BLK_S_UNSUPP         2
#define VIRTIO_BLK_ID_BYTES         20
#define VIRTIO_BLK_WZ_F_UNMAP       1

/* struct virtio_blk_config offsets (5.2.4). */
#define CFG_CAPACITY        0
#define CFG_SIZE_MAX        8
#define CFG_SEG_MAX         12
#define CFG_CYLINDERS       16
#define CFG_HEADS           18
#define CFG_SECTORS         19
#define CFG_BLK_SIZE        20
#define CFG_PHYS_EXP        24
#define CFG_ALIGN_OFF       25
#define CFG_MIN_IO          26
#define CFG_OPT_IO          28
#define CFG_WRITEBACK       32
#define CFG_NUM_QUEUES      34
#define CFG_MAX_DISCARD     36
#define CFG_MAX_DISCARD_SEG 40
#define CFG_DISCARD_ALIGN   44
#define CFG_MAX_WZ          48
#define CFG_MAX_WZ_SEG      52
#define CFG_WZ_MAY_UNMAP    56
#define CFG_SIZE            60

#define TYPE_VIRTIO_BLK_DEVICE "virtio-blk-device"
#define SECTOR_SIZE         512
#define HDR_SIZE            16
#define NUM_QUEUES_AUTO     UINT16_MAX

typedef struct VirtIOBlkPCI {
    VirtIOPCIProxy parent_obj;

    /* properties */
    char *drive;
    char *serial;
    uint16_t num_queues;
    uint16_t queue_size;
    bool config_wce;
    bool discard;
    bool write_zeroes;
    uint64_t logical_block_size, physical_block_size;
    uint64_t min_io_size, opt_io_size;
    uint32_t max_discard_sectors, max_write_zeroes_sectors;

    /* The backend hangs off this child, as in QEMU, so the monitor shows
     * .../virtio-backend as the drive's device. */
    DeviceState *backend_dev;
    BlockBackend *blk;
    GQueue retry;           /* failed requests kept for `cont` (werror=stop) */
    unsigned inflight;
} VirtIOBlkPCI;

typedef struct VirtIOBlockReq {
    VirtQueueElement elem;      /* first: allocated by virtqueue_pop */
    VirtIOBlkPCI *s;
    VirtQueue *vq;
    uint32_t type;
    uint64_t sector;
    struct iovec *data;         /* the data part, header/status trimmed */
    unsigned data_cnt;
    uint64_t bytes;             /* of data, or of the discarded range */
    uint8_t *status;            /* host pointer to the status byte */
    uint32_t in_len;            /* bytes of the in part written, w/o status */
    bool may_unmap;
} VirtIOBlockReq;

static VirtIOBlkPCI *VIRTIO_BLK_PCI(void *obj)
{
    return OBJECT_CHECK(VirtIOBlkPCI, obj, TYPE_VIRTIO_BLK_PCI);
}

static VirtIODevice *vblk_vdev(VirtIOBlkPCI *s)
{
    return &s->parent_obj.vdev;
}

/* A copy of iov[] from byte skip on, len bytes long. */
static struct iovec *iov_slice(const struct iovec *iov, unsigned cnt,
                               size_t skip, size_t len, unsigned *out_cnt)
{
    struct iovec *r = g_new(struct iovec, cnt ? cnt : 1);
    unsigned n = 0;

    for (unsigned i = 0; i < cnt && len; i++) {
        if (skip >= iov[i].iov_len) {
            skip -= iov[i].iov_len;
            continue;
        }
        size_t l = MIN(iov[i].iov_len - skip, len);
        r[n].iov_base = (uint8_t *)iov[i].iov_base + skip;
        r[n].iov_len = l;
        n++;
        len -= l;
        skip = 0;
    }
    *out_cnt = n;
    return r;
}

static void vblk_req_free(VirtIOBlockReq *req)
{
    g_free(req->data);
    virtqueue_element_free(&req->elem);
}

static void vblk_complete(VirtIOBlockReq *req, uint8_t status)
{
    VirtIOBlkPCI *s = req->s;

    *req->status = status;
    virtqueue_push(req->vq, &req->elem, req->in_len + 1);
    virtqueue_notify_guest(req->vq);
    vblk_req_free(req);
    (void)s;
}

static BlockAcctType vblk_acct_type(uint32_t type)
{
    switch (type) {
    case VIRTIO_BLK_T_IN:
        return BLOCK_ACCT_READ;
    case VIRTIO_BLK_T_FLUSH:
        return BLOCK_ACCT_FLUSH;
    case VIRTIO_BLK_T_DISCARD:
        return BLOCK_ACCT_UNMAP;
    default:
        return BLOCK_ACCT_WRITE;
    }
}

static void vblk_submit(VirtIOBlockReq *req);

static void vblk_io_done(void *opaque, int ret)
{
    VirtIOBlockReq *req = opaque;
    VirtIOBlkPCI *s = req->s;
    bool is_read = req->type == VIRTIO_BLK_T_IN;
    uint8_t status = VIRTIO_BLK_S_OK;

    s->inflight--;
    if (ret < 0) {
        BlockErrorVerdict v = blk_get_error_action(s->blk, is_read, -ret);

        blk_error_action(s->blk, v, is_read, -ret);
        if (v == BLOCK_ERROR_STOP) {
            /* Kept as it is; retried when the VM resumes. */
            g_queue_push_tail(&s->retry, req);
            return;
        }
        if (v == BLOCK_ERROR_REPORT) {
            status = VIRTIO_BLK_S_IOERR;
        }
    }
    blk_account(s->blk, vblk_acct_type(req->type), req->bytes, ret < 0);
    if (req->type == VIRTIO_BLK_T_IN && status == VIRTIO_BLK_S_OK) {
        req->in_len = req->bytes;
    }
    vblk_complete(req, status);
}

static void vblk_submit(VirtIOBlockReq *req)
{
    VirtIOBlkPCI *s = req->s;
    int64_t off = req->sector * SECTOR_SIZE;

    s->inflight++;
    switch (req->type) {
    case VIRTIO_BLK_T_IN:
        blk_aio_preadv(s->blk, off, req->data, req->data_cnt, vblk_io_done,
                       req);
        break;
    case VIRTIO_BLK_T_OUT:
        blk_aio_pwritev(s->blk, off, req->data, req->data_cnt, vblk_io_done,
                        req);
        break;
    case VIRTIO_BLK_T_FLUSH:
        blk_aio_flush(s->blk, vblk_io_done, req);
        break;
    case VIRTIO_BLK_T_DISCARD:
        blk_aio_pdiscard(s->blk, off, req->bytes, vblk_io_done, req);
        break;
    case VIRTIO_BLK_T_WRITE_ZEROES:
        blk_aio_pwrite_zeroes(s->blk, off, req->bytes, req->may_unmap,
                              vblk_io_done, req);
        break;
    default:
        abort();
    }
}

static void vblk_retry(void *opaque)
{
    VirtIOBlkPCI *s = opaque;
    GQueue q = s->retry;

    g_queue_init(&s->retry);
    for (GList *l = q.head; l; l = l->next) {
        vblk_submit(l->data);
    }
    g_list_free(q.head);
}

/* Whether [sector, sector + bytes) lies on the disk, block-aligned. */
static bool vblk_range_ok(VirtIOBlkPCI *s, uint64_t sector, uint64_t bytes)
{
    uint64_t len = blk_getlength(s->blk);
    uint64_t lbs_sectors = s->logical_block_size / SECTOR_SIZE;

    if (sector > len / SECTOR_SIZE || bytes > len - sector * SECTOR_SIZE) {
        return false;
    }
    return !(sector % lbs_sectors) && !(bytes % s->logical_block_size);
}

/* DISCARD / WRITE_ZEROES: one segment {sector, num_sectors, flags}. */
static uint8_t vblk_parse_range(VirtIOBlkPCI *s, VirtIOBlockReq *req,
                                size_t out_len)
{
    bool wz = req->type == VIRTIO_BLK_T_WRITE_ZEROES;
    uint32_t max = wz ? s->max_write_zeroes_sectors : s->max_discard_sectors;
    uint8_t seg[16];
    uint64_t sector;
    uint32_t n, flags;

    if (!virtio_vdev_has_feature(vblk_vdev(s), wz ? VIRTIO_BLK_F_WRITE_ZEROES
                                                   : VIRTIO_BLK_F_DISCARD)) {
        return VIRTIO_BLK_S_UNSUPP;
    }
    if (out_len != HDR_SIZE + sizeof(seg)) {
        /* More than the one segment advertised, or a truncated one. */
        return out_len > HDR_SIZE + sizeof(seg) ? VIRTIO_BLK_S_UNSUPP
                                                : VIRTIO_BLK_S_IOERR;
    }
    virtio_iov_to_buf(req->elem.out_sg, req->elem.out_num, HDR_SIZE, seg,
                      sizeof(seg));
    sector = le64toh(*(uint64_t *)seg);
    n = le32toh(*(uint32_t *)(seg + 8));
    flags = le32toh(*(uint32_t *)(seg + 12));
    if (flags & ~(uint32_t)(wz ? VIRTIO_BLK_WZ_F_UNMAP : 0)) {
        return VIRTIO_BLK_S_UNSUPP;
    }
    if (n > max || !vblk_range_ok(s, sector, (uint64_t)n * SECTOR_SIZE)) {
        return VIRTIO_BLK_S_IOERR;
    }
    req->sector = sector;
    req->bytes = (uint64_t)n * SECTOR_SIZE;
    req->may_unmap = flags & VIRTIO_BLK_WZ_F_UNMAP;
    return VIRTIO_BLK_S_OK;
}

static void vblk_handle_request(VirtIOBlkPCI *s, VirtQueue *vq,
                                VirtIOBlockReq *req)
{
    VirtIODevice *vdev = vblk_vdev(s);
    VirtQueueElement *e = &req->elem;
    size_t out_len = virtio_iov_size(e->out_sg, e->out_num);
    size_t in_len = virtio_iov_size(e->in_sg, e->in_num);
    uint8_t hdr[HDR_SIZE], status;
    size_t skip;

    req->s = s;
    req->vq = vq;
    if (out_len < HDR_SIZE || in_len < 1) {
        virtio_error(vdev, "request without %s",
                     out_len < HDR_SIZE ? "a header" : "a status byte");
        virtqueue_detach(vq, e);
        vblk_req_free(req);
        return;
    }
    virtio_iov_to_buf(e->out_sg, e->out_num, 0, hdr, HDR_SIZE);
    req->type = le32toh(*(uint32_t *)hdr) & ~VIRTIO_BLK_T_BARRIER;
    req->sector = le64toh(*(uint64_t *)(hdr + 8));
    /* The status is the last byte the device may write. */
    skip = in_len - 1;
    for (unsigned i = 0; i < e->in_num; i++) {
        if (skip < e->in_sg[i].iov_len) {
            req->status = (uint8_t *)e->in_sg[i].iov_base + skip;
            break;
        }
        skip -= e->in_sg[i].iov_len;
    }

    switch (req->type) {
    case VIRTIO_BLK_T_IN:
    case VIRTIO_BLK_T_OUT: {
        bool is_read = req->type == VIRTIO_BLK_T_IN;

        if (is_read) {
            req->data = iov_slice(e->in_sg, e->in_num, 0, in_len - 1,
                                  &req->data_cnt);
            req->bytes = in_len - 1;
        } else {
            req->data = iov_slice(e->out_sg, e->out_num, HDR_SIZE,
                                  out_len - HDR_SIZE, &req->data_cnt);
            req->bytes = out_len - HDR_SIZE;
        }
        if (!is_read && blk_is_read_only(s->blk)) {
            status = VIRTIO_BLK_S_IOERR;
            break;
        }
        if (!vblk_range_ok(s, req->sector, req->bytes)) {
            kemu_log_mask(LOG_GUEST_ERROR, "virtio-blk: %s of %" PRIu64
                          " bytes at sector %" PRIu64 " is outside the disk "
                          "or unaligned\n", is_read ? "read" : "write",
                          req->bytes, req->sector);
            blk_account(s->blk, is_read ? BLOCK_ACCT_READ : BLOCK_ACCT_WRITE,
                        0, true);
            status = VIRTIO_BLK_S_IOERR;
            break;
        }
        vblk_submit(req);
        return;
    }
    case VIRTIO_BLK_T_FLUSH:
        req->bytes = 0;
        vblk_submit(req);
        return;
    case VIRTIO_BLK_T_GET_ID: {
        char id[VIRTIO_BLK_ID_BYTES] = { 0 };
        const char *serial = s->serial ? s->serial
                                       : blk_drive(s->blk)->serial;
        unsigned cnt;
        struct iovec *iov = iov_slice(e->in_sg, e->in_num, 0, in_len - 1,
                                      &cnt);

        if (serial) {
            memcpy(id, serial, strnlen(serial, sizeof(id)));
        }
        req->in_len = virtio_iov_from_buf(iov, cnt, 0, id, sizeof(id));
        g_free(iov);
        status = VIRTIO_BLK_S_OK;
        break;
    }
    case VIRTIO_BLK_T_DISCARD:
    case VIRTIO_BLK_T_WRITE_ZEROES:
        status = vblk_parse_range(s, req, out_len);
        if (status == VIRTIO_BLK_S_OK &&
            req->type == VIRTIO_BLK_T_WRITE_ZEROES &&
            blk_is_read_only(s->blk)) {
            status = VIRTIO_BLK_S_IOERR;
        }
        if (status == VIRTIO_BLK_S_OK) {
            vblk_submit(req);
            return;
        }
        break;
    default:
        status = VIRTIO_BLK_S_UNSUPP;
        break;
    }
    vblk_complete(req, status);
}

static void vblk_handle_output(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOBlkPCI *s = vdev->opaque;
    VirtIOBlockReq *req;

    do {
        virtqueue_set_notification(vq, false);
        while ((req = virtqueue_pop(vq, sizeof(VirtIOBlockReq)))) {
            vblk_handle_request(s, vq, req);
        }
        virtqueue_set_notification(vq, true);
    } while (virtqueue_has_work(vq));
}

/* ---- device ops ---- */

static uint64_t vblk_get_features(VirtIODevice *vdev)
{
    VirtIOBlkPCI *s = vdev->opaque;
    uint64_t f = 1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_GEOMETRY |
                 1ull << VIRTIO_BLK_F_BLK_SIZE | 1ull << VIRTIO_BLK_F_FLUSH |
                 1ull << VIRTIO_BLK_F_TOPOLOGY;

    if (s->config_wce) {
        f |= 1ull << VIRTIO_BLK_F_CONFIG_WCE;
    }
    if (s->num_queues > 1) {
        f |= 1ull << VIRTIO_BLK_F_MQ;
    }
    if (s->discard) {
        f |= 1ull << VIRTIO_BLK_F_DISCARD;
    }
    if (s->write_zeroes) {
        f |= 1ull << VIRTIO_BLK_F_WRITE_ZEROES;
    }
    if (blk_is_read_only(s->blk)) {
        f |= 1ull << VIRTIO_BLK_F_RO;
    }
    return f;
}

static void vblk_set_features(VirtIODevice *vdev, uint64_t features)
{
    VirtIOBlkPCI *s = vdev->opaque;

    /* A driver that cannot flush gets a writethrough device (5.2.5.1). */
    if (!virtio_has_feature(features, VIRTIO_BLK_F_FLUSH)) {
        blk_set_enable_write_cache(s->blk, false);
    }
}

static void put16(uint8_t *p, uint16_t v) { *(uint16_t *)p = htole16(v); }
static void put32(uint8_t *p, uint32_t v) { *(uint32_t *)p = htole32(v); }

static void vblk_get_config(VirtIODevice *vdev, uint8_t *c)
{
    VirtIOBlkPCI *s = vdev->opaque;
    uint64_t sectors = blk_getlength(s->blk) / SECTOR_SIZE;
    uint64_t cyl = sectors / (16 * 63);
    unsigned exp = 0;

    while ((s->logical_block_size << exp) < s->physical_block_size) {
        exp++;
    }
    memset(c, 0, CFG_SIZE);
    *(uint64_t *)(c + CFG_CAPACITY) = htole64(sectors);
    put32(c + CFG_SEG_MAX, s->queue_size - 2);
    put16(c + CFG_CYLINDERS, MIN(cyl, 65535));
    c[CFG_HEADS] = 16;
    c[CFG_SECTORS] = 63;
    put32(c + CFG_BLK_SIZE, s->logical_block_size);
    c[CFG_PHYS_EXP] = exp;
    c[CFG_ALIGN_OFF] = 0;
    put16(c + CFG_MIN_IO, s->min_io_size / s->logical_block_size);
    put32(c + CFG_OPT_IO, s->opt_io_size / s->logical_block_size);
    c[CFG_WRITEBACK] = blk_enable_write_cache(s->blk);
    put16(c + CFG_NUM_QUEUES, s->num_queues);
    put32(c + CFG_MAX_DISCARD, s->max_discard_sectors);
    put32(c + CFG_MAX_DISCARD_SEG, 1);
    put32(c + CFG_DISCARD_ALIGN, s->logical_block_size / SECTOR_SIZE);
    put32(c + CFG_MAX_WZ, s->max_write_zeroes_sectors);
    put32(c + CFG_MAX_WZ_SEG, 1);
    c[CFG_WZ_MAY_UNMAP] = 1;
}

static void vblk_set_config(VirtIODevice *vdev, const uint8_t *c)
{
    VirtIOBlkPCI *s = vdev->opaque;

    /* Only the writeback byte is writable, and only with CONFIG_WCE. */
    if (virtio_has_feature(vdev->guest_features, VIRTIO_BLK_F_CONFIG_WCE)) {
        blk_set_enable_write_cache(s->blk, c[CFG_WRITEBACK] != 0);
    }
}

static void vblk_reset(VirtIODevice *vdev)
{
    VirtIOBlkPCI *s = vdev->opaque;

    /* In-flight requests finish (their completions still see the rings);
     * kept ones are dropped, the driver starts over. */
    if (s->inflight) {
        blk_drain(s->blk);
    }
    while (!g_queue_is_empty(&s->retry)) {
        VirtIOBlockReq *req = g_queue_pop_head(&s->retry);
        virtqueue_detach(req->vq, &req->elem);
        vblk_req_free(req);
    }
    blk_set_enable_write_cache(s->blk, blk_drive(s->blk)->writeback);
}

static const VirtioDeviceOps vblk_ops = {
    .get_features = vblk_get_features,
    .set_features = vblk_set_features,
    .get_config = vblk_get_config,
    .set_config = vblk_set_config,
    .reset = vblk_reset,
};

static void vblk_resize(void *opaque)
{
    VirtIOBlkPCI *s = opaque;

    virtio_notify_config(vblk_vdev(s));
}

static const BlockDevOps vblk_dev_ops = {
    .resize_cb = vblk_resize,
};

/* ---- realize ---- */

static bool check_block_size(const char *name, uint64_t v, Error **errp)
{
    if (v < 512 || v > 2 * MiB || (v & (v - 1))) {
        error_setg(errp, "Property .%s doesn't take value %" PRIu64
                   " (must be a power of 2 between 512 and 2097152)", name, v);
        return false;
    }
    return true;
}

static bool vblk_realize(VirtIOPCIProxy *proxy, Error **errp)
{
    VirtIOBlkPCI *s = VIRTIO_BLK_PCI(proxy);
    VirtIODevice *vdev = &proxy->vdev;
    DriveInfo *di;

    if (!s->drive) {
        error_setg(errp, "drive property not set");
        return false;
    }
    di = drive_get_by_id(s->drive);
    if (!di) {
        error_setg(errp, "Property 'virtio-blk-device.drive' can't find "
                   "value '%s'", s->drive);
        return false;
    }
    if (s->num_queues == NUM_QUEUES_AUTO) {
        s->num_queues = current_machine ? current_machine->smp.cpus : 1;
        s->num_queues = MIN(s->num_queues, VIRTIO_QUEUE_MAX - 1);
    }
    if (s->num_queues == 0) {
        error_setg(errp, "num-queues property must be larger than 0");
        return false;
    }
    if (s->num_queues > VIRTIO_QUEUE_MAX - 1) {
        error_setg(errp, "num-queues property must be at most %u",
                   VIRTIO_QUEUE_MAX - 1);
        return false;
    }
    if (s->queue_size <= 2 || s->queue_size > VIRTQUEUE_MAX_SIZE ||
        (s->queue_size & (s->queue_size - 1))) {
        error_setg(errp, "invalid queue-size property (%u), must be a power "
                   "of 2 (max %u)", s->queue_size, VIRTQUEUE_MAX_SIZE);
        return false;
    }
    if (!check_block_size("logical_block_size", s->logical_block_size, errp) ||
        !check_block_size("physical_block_size", s->physical_block_size,
                          errp)) {
        return false;
    }
    if (s->physical_block_size < s->logical_block_size) {
        error_setg(errp, "physical_block_size must be >= logical_block_size");
        return false;
    }
    if (s->min_io_size % s->logical_block_size ||
        s->opt_io_size % s->logical_block_size ||
        s->min_io_size / s->logical_block_size > UINT16_MAX ||
        s->opt_io_size / s->logical_block_size > UINT32_MAX) {
        error_setg(errp, "min_io_size and opt_io_size must be multiples of "
                   "logical_block_size");
        return false;
    }
    if (!s->max_discard_sectors || !s->max_write_zeroes_sectors) {
        error_setg(errp, "max-discard-sectors and max-write-zeroes-sectors "
                   "must be larger than 0");
        return false;
    }
    if (!di->bs) {
        error_setg(errp, "Device needs media, but drive is empty");
        return false;
    }
    s->backend_dev = DEVICE(object_new(TYPE_VIRTIO_BLK_DEVICE));
    object_property_add_child(OBJECT(s), "virtio-backend",
                              OBJECT(s->backend_dev), &error_abort);
    object_unref(s->backend_dev);
    s->blk = blk_attach(di, s->backend_dev, errp);
    if (!s->blk) {
        object_unparent(OBJECT(s->backend_dev));
        s->backend_dev = NULL;
        return false;
    }
    blk_set_dev_ops(s->blk, &vblk_dev_ops, s);
    blk_set_retry_cb(s->blk, vblk_retry, s);
    g_queue_init(&s->retry);
    virtio_init(vdev, "virtio-blk", VIRTIO_ID_BLOCK, CFG_SIZE, &vblk_ops, s);
    for (unsigned i = 0; i < s->num_queues; i++) {
        virtio_add_queue(vdev, s->queue_size, vblk_handle_output);
    }
    if (proxy->nvectors == VIRTIO_PCI_VECTORS_AUTO) {
        proxy->nvectors = s->num_queues + 1;
    }
    return true;
}

static void vblk_unrealize(VirtIOPCIProxy *proxy)
{
    VirtIOBlkPCI *s = VIRTIO_BLK_PCI(proxy);

    if (s->blk) {
        blk_set_retry_cb(s->blk, NULL, NULL);
        blk_set_dev_ops(s->blk, NULL, NULL);
        blk_detach(s->blk);
        s->blk = NULL;
    }
    if (s->backend_dev) {
        object_unparent(OBJECT(s->backend_dev));
        s->backend_dev = NULL;
    }
    virtio_cleanup(&proxy->vdev);
}

static void vblk_print_info(DeviceState *dev, GString *out, int indent)
{
    VirtIOBlkPCI *s = VIRTIO_BLK_PCI(dev);
    VirtIODevice *vdev = vblk_vdev(s);

    g_string_append_printf(out, "%*sstatus = 0x%02x%s\n", indent, "",
                           vdev->status, vdev->broken ? " (broken)" : "");
}

static const Property vblk_props[] = {
    DEFINE_PROP_STRING("drive", VirtIOBlkPCI, drive),
    DEFINE_PROP_STRING("serial", VirtIOBlkPCI, serial),
    DEFINE_PROP_UINT16("num-queues", VirtIOBlkPCI, num_queues,
                       NUM_QUEUES_AUTO),
    DEFINE_PROP_UINT16("queue-size", VirtIOBlkPCI, queue_size, 256),
    DEFINE_PROP_BOOL("config-wce", VirtIOBlkPCI, config_wce, true),
    DEFINE_PROP_BOOL("discard", VirtIOBlkPCI, discard, true),
    DEFINE_PROP_BOOL("write-zeroes", VirtIOBlkPCI, write_zeroes, true),
    DEFINE_PROP_SIZE("logical_block_size", VirtIOBlkPCI, logical_block_size,
                     512),
    DEFINE_PROP_SIZE("physical_block_size", VirtIOBlkPCI,
                     physical_block_size, 512),
    DEFINE_PROP_SIZE("min_io_size", VirtIOBlkPCI, min_io_size, 0),
    DEFINE_PROP_SIZE("opt_io_size", VirtIOBlkPCI, opt_io_size, 0),
    DEFINE_PROP_UINT32("max-discard-sectors", VirtIOBlkPCI,
                       max_discard_sectors, 4194303),
    DEFINE_PROP_UINT32("max-write-zeroes-sectors", VirtIOBlkPCI,
                       max_write_zeroes_sectors, 4194303),
    DEFINE_PROP_END,
};

static void vblk_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);
    VirtIOPCIClass *k = (VirtIOPCIClass *)oc;

    k->realize = vblk_realize;
    k->unrealize = vblk_unrealize;
    pc->device_id = 0x1001;
    pc->class_id = 0x0100;      /* mass storage, SCSI: as QEMU */
    dc->desc = "virtio block device (virtio-pci)";
    dc->category = "storage";
    dc->user_creatable = true;
    dc->print_info = vblk_print_info;
    device_class_set_props(dc, vblk_props);
}

static void vblk_backend_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "virtio block device (the backend's owner)";
    dc->busless = true;
}

static const TypeInfo vblk_types[] = {
    {
        .name = TYPE_VIRTIO_BLK_DEVICE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(DeviceState),
        .class_size = sizeof(DeviceClass),
        .class_init = vblk_backend_class_init,
    },
    {
        .name = TYPE_VIRTIO_BLK_PCI,
        .parent = TYPE_VIRTIO_PCI,
        .instance_size = sizeof(VirtIOBlkPCI),
        .class_size = sizeof(VirtIOPCIClass),
        .class_init = vblk_class_init,
    },
};

DEFINE_TYPES(vblk_types)

/* ---- -drive if=virtio ---- */

static void collect_virtio_drive(DriveInfo *di, void *opaque)
{
    if (di->type == IF_VIRTIO && !di->claimed) {
        g_ptr_array_add(opaque, di);
    }
}

bool virtio_blk_create_for_drives(Error **errp)
{
    PCIBus *bus = pci_bus_get_default();
    GPtrArray *drives;
    bool ok = true;

    if (!bus) {
        return true;
    }
    /* In -drive order, as QEMU turns each into a -device after the
     * user's own. */
    drives = g_ptr_array_new();
    drive_foreach(collect_virtio_drive, drives);
    for (guint i = 0; ok && i < drives->len; i++) {
        DriveInfo *di = drives->pdata[i];
        Opts *o = opts_new();

        /* Exactly what -device would do, peripheral-anon included. */
        opts_set(o, "driver", TYPE_VIRTIO_BLK_PCI);
        opts_set(o, "drive", di->id);
        ok = qdev_device_add(o, errp) != NULL;
        opts_free(o);
    }
    g_ptr_array_free(drives, true);
    return ok;
}
