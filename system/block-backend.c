/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * BlockBackend: the device side of a drive (see
 * include/sysemu/block-backend.h). Every request becomes a coroutine in
 * the main loop thread; a device calling from a vCPU thread only queues
 * it. Completions are queued too and called from a bottom half, outside
 * any coroutine, so a callback may start the next request at once.
 */
#include "util/osdep.h"
#include "sysemu/block-backend.h"
#include "sysemu/block-backend-internal.h"
#include "sysemu/runstate.h"
#include "block/aio.h"
#include "util/coroutine.h"
#include "util/log.h"
#include "util/main-loop.h"
#include "util/timer.h"

typedef enum BlkReqType {
    REQ_READ,
    REQ_WRITE,
    REQ_FLUSH,
    REQ_DISCARD,
    REQ_ZEROES,
} BlkReqType;

typedef struct BlkReq {
    BlockBackend *blk;
    BlkReqType type;
    int64_t offset;
    int64_t bytes;
    const struct iovec *iov;
    int iovcnt;
    bool may_unmap;
    BlockCompletionFunc *cb;
    void *opaque;
    int ret;
    int64_t start_ns;
} BlkReq;

/* Largest request, as QEMU's BDRV_REQUEST_MAX_BYTES. */
#define BLK_MAX_REQUEST (INT32_MAX & ~(int64_t)511)

static GPtrArray *backends;         /* every BlockBackend */
static GQueue submitted = G_QUEUE_INIT; /* not started yet */
static GQueue completed = G_QUEUE_INIT; /* callback not run yet */
static bool kick_scheduled;
static bool fds_hooked;
static GThread *main_thread;
/* A vCPU thread draining sleeps on this while the main loop works. */
static GMutex drain_lock;
static GCond drain_cond;

static void blk_kick_bh(void *opaque);

static int64_t now_ns(void)
{
    return g_get_monotonic_time() * 1000;
}

static bool in_main_thread(void)
{
    return !main_thread || g_thread_self() == main_thread;
}

static void schedule_kick(void)
{
    if (!kick_scheduled) {
        kick_scheduled = true;
        main_loop_bh_schedule(blk_kick_bh, NULL);
    }
}

/* ---- the block layer's completions in the main loop ---- */

static void aio_fd_ready(void *opaque)
{
    block_aio_poll(false);
    blk_run_completions();
}

/*
 * The worker pool's and the io_uring's eventfds become main-loop fd
 * handlers, so completions wake the loop; nothing polls in a loop.
 */
static void hook_aio_fds(void)
{
    int fds[2];
    int n;

    if (fds_hooked) {
        return;
    }
    fds_hooked = true;
    main_thread = g_thread_self();
    n = block_aio_get_fds(fds, 2);
    for (int i = 0; i < n; i++) {
        main_loop_set_fd_handler(fds[i], aio_fd_ready, NULL, NULL);
    }
}

/* ---- requests ---- */

static size_t iov_size(const struct iovec *iov, int iovcnt)
{
    size_t n = 0;
    for (int i = 0; i < iovcnt; i++) {
        n += iov[i].iov_len;
    }
    return n;
}

/* A buffer the file driver can use as is (O_DIRECT wants alignment). */
static bool iov_direct_ok(BlockBackend *blk, const struct iovec *iov,
                          int iovcnt)
{
    if (iovcnt != 1) {
        return false;
    }
    if (blk->di->open_flags & BDRV_O_NOCACHE) {
        return ((uintptr_t)iov[0].iov_base & 4095) == 0 &&
               (iov[0].iov_len & 511) == 0;
    }
    return true;
}

static void *bounce_alloc(size_t bytes)
{
    void *p = NULL;
    if (posix_memalign(&p, 4096, MAX(bytes, (size_t)1))) {
        return NULL;
    }
    return p;
}

static int check_range(BlockBackend *blk, int64_t offset, int64_t bytes)
{
    int64_t len;

    if (offset < 0 || bytes < 0 || bytes > BLK_MAX_REQUEST) {
        return -EIO;
    }
    len = bdrv_getlength(blk->di->bs);
    if (len < 0) {
        return (int)len;
    }
    if (offset > len || bytes > len - offset) {
        return -EIO;
    }
    return 0;
}

static int co_read(BlockBackend *blk, BlkReq *r)
{
    BlockDriverState *bs = blk->di->bs;
    uint8_t *buf;
    int ret;

    if (iov_direct_ok(blk, r->iov, r->iovcnt)) {
        return bdrv_pread(bs, r->offset, r->bytes, r->iov[0].iov_base);
    }
    buf = bounce_alloc(r->bytes);
    if (!buf) {
        return -ENOMEM;
    }
    ret = bdrv_pread(bs, r->offset, r->bytes, buf);
    if (ret == 0) {
        size_t pos = 0;
        for (int i = 0; i < r->iovcnt; i++) {
            memcpy(r->iov[i].iov_base, buf + pos, r->iov[i].iov_len);
            pos += r->iov[i].iov_len;
        }
    }
    free(buf);
    return ret;
}

static int co_write(BlockBackend *blk, BlkReq *r)
{
    BlockDriverState *bs = blk->di->bs;
    uint8_t *buf = NULL;
    const uint8_t *data;
    int ret;

    if (iov_direct_ok(blk, r->iov, r->iovcnt)) {
        data = r->iov[0].iov_base;
    } else {
        size_t pos = 0;
        buf = bounce_alloc(r->bytes);
        if (!buf) {
            return -ENOMEM;
        }
        for (int i = 0; i < r->iovcnt; i++) {
            memcpy(buf + pos, r->iov[i].iov_base, r->iov[i].iov_len);
            pos += r->iov[i].iov_len;
        }
        data = buf;
    }
    /* detect-zeroes: a zeroed buffer becomes a zero write (or a hole). */
    if (blk->di->detect_zeroes && buffer_is_zero(data, r->bytes)) {
        int flags = blk->di->detect_zeroes == 2 && blk->di->discard_unmap ?
                    BDRV_REQ_MAY_UNMAP : 0;
        ret = bdrv_pwrite_zeroes(bs, r->offset, r->bytes, flags);
    } else {
        ret = bdrv_pwrite(bs, r->offset, r->bytes, data);
    }
    free(buf);
    return ret;
}

static int co_request(BlkReq *r)
{
    BlockBackend *blk = r->blk;
    BlockDriverState *bs = blk->di->bs;
    int ret;

    if (!bs) {
        return -ENOMEDIUM;
    }
    if (r->type != REQ_READ && r->type != REQ_FLUSH &&
        blk_is_read_only(blk)) {
        return -EPERM;
    }
    if (r->type != REQ_FLUSH) {
        ret = check_range(blk, r->offset, r->bytes);
        if (ret < 0) {
            return ret;
        }
    }
    switch (r->type) {
    case REQ_READ:
        return co_read(blk, r);
    case REQ_WRITE:
        ret = co_write(blk, r);
        break;
    case REQ_ZEROES:
        ret = bdrv_pwrite_zeroes(bs, r->offset, r->bytes,
                                 r->may_unmap && blk->di->discard_unmap ?
                                 BDRV_REQ_MAY_UNMAP : 0);
        break;
    case REQ_DISCARD:
        if (!blk->di->discard_unmap) {
            return 0;
        }
        ret = bdrv_pdiscard(bs, r->offset, r->bytes);
        /* A node that cannot discard ignores it, as QEMU does. */
        return ret == -ENOTSUP ? 0 : ret;
    case REQ_FLUSH:
        return blk_is_read_only(blk) ? 0 : bdrv_flush(bs);
    default:
        g_assert_not_reached();
    }
    if (ret == 0) {
        if ((uint64_t)(r->offset + r->bytes) > blk->wr_highest_offset) {
            blk->wr_highest_offset = r->offset + r->bytes;
        }
        /* Write-through: the guest sees the write only once it is stable. */
        if (!blk->wce) {
            ret = bdrv_flush(bs);
        }
    }
    return ret;
}

static void req_co_entry(void *opaque)
{
    BlkReq *r = opaque;
    r->ret = co_request(r);
    g_queue_push_tail(&completed, r);
    schedule_kick();
}

static void start_submitted(void)
{
    BlkReq *r;
    bool started = false;

    while ((r = g_queue_pop_head(&submitted))) {
        coroutine_enter(coroutine_create(req_co_entry, r));
        started = true;
    }
    if (started) {
        /* Coroutines woken by a released lock run now. */
        block_aio_poll(false);
    }
}

static const BlockAcctType req_acct[] = {
    [REQ_READ] = BLOCK_ACCT_READ, [REQ_WRITE] = BLOCK_ACCT_WRITE,
    [REQ_FLUSH] = BLOCK_ACCT_FLUSH, [REQ_DISCARD] = BLOCK_ACCT_UNMAP,
    [REQ_ZEROES] = BLOCK_ACCT_WRITE,
};

bool blk_run_completions(void)
{
    BlkReq *r;
    bool any = false;

    start_submitted();
    while ((r = g_queue_pop_head(&completed))) {
        BlockBackend *blk = r->blk;
        blk->total_time_ns[req_acct[r->type]] += now_ns() - r->start_ns;
        r->cb(r->opaque, r->ret);
        g_free(r);
        g_atomic_int_add(&blk->in_flight, -1);
        any = true;
    }
    if (any) {
        g_mutex_lock(&drain_lock);
        g_cond_broadcast(&drain_cond);
        g_mutex_unlock(&drain_lock);
    }
    return any;
}

static void blk_kick_bh(void *opaque)
{
    kick_scheduled = false;
    blk_run_completions();
}

static void submit(BlockBackend *blk, BlkReqType type, int64_t offset,
                   int64_t bytes, const struct iovec *iov, int iovcnt,
                   bool may_unmap, BlockCompletionFunc *cb, void *opaque)
{
    BlkReq *r = g_new0(BlkReq, 1);

    r->blk = blk;
    r->type = type;
    r->offset = offset;
    r->bytes = bytes;
    r->iov = iov;
    r->iovcnt = iovcnt;
    r->may_unmap = may_unmap;
    r->cb = cb;
    r->opaque = opaque;
    r->start_ns = now_ns();
    g_atomic_int_inc(&blk->in_flight);
    g_queue_push_tail(&submitted, r);
    schedule_kick();
}

void blk_aio_preadv(BlockBackend *blk, int64_t offset,
                    const struct iovec *iov, int iovcnt,
                    BlockCompletionFunc *cb, void *opaque)
{
    submit(blk, REQ_READ, offset, iov_size(iov, iovcnt), iov, iovcnt,
           false, cb, opaque);
}

void blk_aio_pwritev(BlockBackend *blk, int64_t offset,
                     const struct iovec *iov, int iovcnt,
                     BlockCompletionFunc *cb, void *opaque)
{
    submit(blk, REQ_WRITE, offset, iov_size(iov, iovcnt), iov, iovcnt,
           false, cb, opaque);
}

void blk_aio_flush(BlockBackend *blk, BlockCompletionFunc *cb, void *opaque)
{
    submit(blk, REQ_FLUSH, 0, 0, NULL, 0, false, cb, opaque);
}

void blk_aio_pdiscard(BlockBackend *blk, int64_t offset, int64_t bytes,
                      BlockCompletionFunc *cb, void *opaque)
{
    submit(blk, REQ_DISCARD, offset, bytes, NULL, 0, false, cb, opaque);
}

void blk_aio_pwrite_zeroes(BlockBackend *blk, int64_t offset, int64_t bytes,
                           bool may_unmap, BlockCompletionFunc *cb,
                           void *opaque)
{
    submit(blk, REQ_ZEROES, offset, bytes, NULL, 0, may_unmap, cb, opaque);
}

/*
 * In the main thread, drain runs the block layer's event loop itself. A
 * vCPU thread (a guest's reset register) cannot: the coroutines belong
 * to the main thread. It lets go of the BQL and sleeps until the main
 * loop has completed every request.
 */
static void drain_until(bool (*done)(void *), void *opaque)
{
    if (in_main_thread()) {
        g_assert(!coroutine_in_coroutine());
        for (;;) {
            blk_run_completions();
            if (done(opaque)) {
                break;
            }
            block_aio_poll(true);
        }
        return;
    }
    bool locked = bql_locked();
    if (locked) {
        bql_unlock();
    }
    g_mutex_lock(&drain_lock);
    while (!done(opaque)) {
        main_loop_notify();
        g_cond_wait(&drain_cond, &drain_lock);
    }
    g_mutex_unlock(&drain_lock);
    if (locked) {
        bql_lock();
    }
}

static bool blk_idle(void *opaque)
{
    BlockBackend *blk = opaque;
    return g_atomic_int_get(&blk->in_flight) == 0;
}

static bool all_idle(void *opaque)
{
    for (guint i = 0; backends && i < backends->len; i++) {
        if (!blk_idle(backends->pdata[i])) {
            return false;
        }
    }
    return true;
}

void blk_drain(BlockBackend *blk)
{
    drain_until(blk_idle, blk);
}

void blk_drain_all(void)
{
    drain_until(all_idle, NULL);
}

/* ---- attach, state ---- */

static void on_runstate_change(void *opaque, RunState s);

BlockBackend *blk_attach(DriveInfo *di, DeviceState *dev, Error **errp)
{
    BlockBackend *blk;

    if (blk_by_drive(di)) {
        error_setg(errp, "Drive '%s' is already in use", di->id);
        return NULL;
    }
    if (!backends) {
        backends = g_ptr_array_new();
        runstate_add_change_handler(on_runstate_change, NULL);
    }
    hook_aio_fds();
    blk = g_new0(BlockBackend, 1);
    blk->di = di;
    blk->dev = dev;
    blk->wce = di->writeback;
    blk->last_access_ns = -1;
    di->claimed = true;
    g_ptr_array_add(backends, blk);
    return blk;
}

void blk_detach(BlockBackend *blk)
{
    if (!blk) {
        return;
    }
    blk_drain(blk);
    blk->di->claimed = false;
    g_ptr_array_remove(backends, blk);
    if (blk->drive_deleted) {
        /* drive_del while the device held it: now nobody does. */
        drive_info_free(blk->di);
    }
    g_free(blk);
}

void blk_set_dev_ops(BlockBackend *blk, const BlockDevOps *ops, void *opaque)
{
    blk->dev_ops = ops;
    blk->dev_opaque = opaque;
}

DriveInfo *blk_drive(BlockBackend *blk)
{
    return blk->di;
}

BlockBackend *blk_by_drive(DriveInfo *di)
{
    for (guint i = 0; backends && i < backends->len; i++) {
        BlockBackend *blk = backends->pdata[i];
        if (blk->di == di) {
            return blk;
        }
    }
    return NULL;
}

void blk_foreach(void (*fn)(BlockBackend *blk, void *opaque), void *opaque)
{
    for (guint i = 0; backends && i < backends->len; i++) {
        fn(backends->pdata[i], opaque);
    }
}

bool blk_is_inserted(BlockBackend *blk)
{
    return blk->di->bs != NULL;
}

bool blk_is_read_only(BlockBackend *blk)
{
    return blk->di->read_only || (blk->di->bs && blk->di->bs->read_only);
}

int64_t blk_getlength(BlockBackend *blk)
{
    int64_t len;

    if (!blk->di->bs) {
        return 0;
    }
    len = bdrv_getlength(blk->di->bs);
    return len < 0 ? 0 : len;
}

bool blk_enable_write_cache(BlockBackend *blk)
{
    return blk->wce;
}

void blk_set_enable_write_cache(BlockBackend *blk, bool wce)
{
    blk->wce = wce;
}

/* ---- accounting ---- */

void blk_account(BlockBackend *blk, BlockAcctType type, uint64_t bytes,
                 bool failed)
{
    if (type >= BLOCK_ACCT_MAX) {
        return;
    }
    if (failed) {
        blk->failed_ops[type]++;
    } else {
        blk->nr_bytes[type] += bytes;
        blk->nr_ops[type]++;
    }
    blk->last_access_ns = now_ns();
}

int64_t blk_idle_time_ns(BlockBackend *blk)
{
    return blk->last_access_ns < 0 ? -1 : now_ns() - blk->last_access_ns;
}

/* ---- error policy ---- */

BlockErrorVerdict blk_get_error_action(BlockBackend *blk, bool is_read,
                                       int error)
{
    switch (is_read ? blk->di->rerror : blk->di->werror) {
    case BLOCK_ERR_IGNORE:
        return BLOCK_ERROR_IGNORE;
    case BLOCK_ERR_STOP:
        return BLOCK_ERROR_STOP;
    case BLOCK_ERR_ENOSPC:
        return error == ENOSPC ? BLOCK_ERROR_STOP : BLOCK_ERROR_REPORT;
    case BLOCK_ERR_REPORT:
    default:
        return BLOCK_ERROR_REPORT;
    }
}

/* Whether query-block shows io-status and the event carries nospace:
 * as QEMU, when some policy may stop the VM. */
bool blk_iostatus_enabled(BlockBackend *blk)
{
    return blk->di->werror == BLOCK_ERR_ENOSPC ||
           blk->di->werror == BLOCK_ERR_STOP ||
           blk->di->rerror == BLOCK_ERR_STOP;
}

static BlockIoErrorHandler *io_error_handler;

void blk_set_io_error_handler(BlockIoErrorHandler *fn)
{
    io_error_handler = fn;
}

static void stop_bh(void *opaque)
{
    if (runstate_is_running()) {
        vm_stop(RUN_STATE_IO_ERROR);
    }
}

void blk_error_action(BlockBackend *blk, BlockErrorVerdict verdict,
                      bool is_read, int error)
{
    if (verdict == BLOCK_ERROR_STOP) {
        /* The first error decides the status until `cont`. */
        if (blk->iostatus == BLK_IOSTATUS_OK) {
            blk->iostatus = error == ENOSPC ? BLK_IOSTATUS_NOSPACE
                                            : BLK_IOSTATUS_FAILED;
        }
    }
    if (io_error_handler) {
        io_error_handler(blk, verdict, is_read, error);
    }
    if (verdict == BLOCK_ERROR_STOP) {
        /* vm_stop parks the vCPUs: never from one of them. */
        if (in_main_thread()) {
            stop_bh(NULL);
        } else {
            main_loop_bh_schedule(stop_bh, NULL);
        }
    }
}

void blk_set_retry_cb(BlockBackend *blk, void (*retry)(void *opaque),
                      void *opaque)
{
    blk->retry = retry;
    blk->retry_opaque = opaque;
}

static void retry_bh(void *opaque)
{
    for (guint i = 0; backends && i < backends->len; i++) {
        BlockBackend *blk = backends->pdata[i];
        if (blk->retry && runstate_is_running()) {
            blk->retry(blk->retry_opaque);
        }
    }
}

/* `cont`: the status is forgotten and devices retry what they kept. */
static void on_runstate_change(void *opaque, RunState s)
{
    if (s != RUN_STATE_RUNNING) {
        return;
    }
    for (guint i = 0; backends && i < backends->len; i++) {
        BlockBackend *blk = backends->pdata[i];
        blk->iostatus = BLK_IOSTATUS_OK;
    }
    main_loop_bh_schedule(retry_bh, NULL);
}

/* ---- media ---- */

bool blk_dev_has_removable_media(BlockBackend *blk)
{
    return blk->dev_ops && blk->dev_ops->change_media_cb;
}

bool blk_dev_has_tray(BlockBackend *blk)
{
    return blk->dev_ops && blk->dev_ops->eject_request_cb;
}

bool blk_dev_is_tray_open(BlockBackend *blk)
{
    return blk_dev_has_tray(blk) && blk->dev_ops->is_tray_open &&
           blk->dev_ops->is_tray_open(blk->dev_opaque);
}

bool blk_dev_is_medium_locked(BlockBackend *blk)
{
    return blk_dev_has_tray(blk) && blk->dev_ops->is_medium_locked &&
           blk->dev_ops->is_medium_locked(blk->dev_opaque);
}

void blk_dev_resize(BlockBackend *blk)
{
    if (blk->dev_ops && blk->dev_ops->resize_cb) {
        blk->dev_ops->resize_cb(blk->dev_opaque);
    }
}

static void remove_medium(BlockBackend *blk)
{
    DriveInfo *di = blk->di;

    blk_drain(blk);
    if (di->bs) {
        if (!di->bs->read_only) {
            bdrv_flush(di->bs);
        }
        bdrv_unref(di->bs);
        di->bs = NULL;
    }
}

/*
 * QEMU's eject: a device with a tray is asked to open it (the guest may
 * hold it locked: then only -f opens it); once open, the medium goes.
 */
bool blk_eject(BlockBackend *blk, bool force, Error **errp)
{
    const char *id = blk->di->id;

    if (!blk_dev_has_removable_media(blk)) {
        error_setg(errp, "Device '%s' is not removable", id);
        return false;
    }
    if (blk_dev_has_tray(blk) && !blk_dev_is_tray_open(blk)) {
        bool locked = blk_dev_is_medium_locked(blk);
        blk->dev_ops->eject_request_cb(blk->dev_opaque, force);
        if (!blk_dev_is_tray_open(blk)) {
            if (locked) {
                error_setg(errp, "Device '%s' is locked and force was not "
                           "specified, wait for tray to open and try again",
                           id);
            } else {
                error_setg(errp, "Tray of device '%s' is not open", id);
            }
            return false;
        }
    }
    if (blk->di->bs) {
        remove_medium(blk);
        blk->dev_ops->change_media_cb(blk->dev_opaque, false);
    }
    return true;
}

bool blk_insert_medium(BlockBackend *blk, BlockDriverState *bs,
                       Error **errp)
{
    if (!blk_dev_has_removable_media(blk)) {
        error_setg(errp, "Device '%s' is not removable", blk->di->id);
        bdrv_unref(bs);
        return false;
    }
    if (blk_dev_has_tray(blk) && !blk_dev_is_tray_open(blk)) {
        error_setg(errp, "Tray of device '%s' is not open", blk->di->id);
        bdrv_unref(bs);
        return false;
    }
    remove_medium(blk);
    blk->di->bs = bs;
    blk->dev_ops->change_media_cb(blk->dev_opaque, true);
    return true;
}

void blk_remove_medium(BlockBackend *blk)
{
    bool had = blk->di->bs != NULL;

    remove_medium(blk);
    if (had && blk_dev_has_removable_media(blk)) {
        blk->dev_ops->change_media_cb(blk->dev_opaque, false);
    }
}

const char *blk_iostatus_name(BlockBackend *blk)
{
    static const char *const names[] = {
        [BLK_IOSTATUS_OK] = "ok", [BLK_IOSTATUS_FAILED] = "failed",
        [BLK_IOSTATUS_NOSPACE] = "nospace",
    };
    return names[blk->iostatus];
}
