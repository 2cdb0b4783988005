/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The BlockBackend over real nodes (raw and qcow2 files, null-co) and a
 * test driver that counts flushes, discards and zero writes and fails on
 * demand: vectored requests, write-through, discard=ignore/unmap,
 * detect-zeroes, read-only refusal, range checks, drain (also from
 * another thread), the werror/rerror policy with stop and `cont`, and the
 * tray logic of eject/change with a fake removable device.
 */
#include "util/osdep.h"
#include "sysemu/block-backend.h"
#include "sysemu/block-backend-internal.h"
#include "sysemu/runstate.h"
#include "util/main-loop.h"
#include <glib/gstdio.h>

/* ---- a test driver: memory, counters, injected errors ---- */

typedef struct TestDrv {
    uint8_t *data;
    uint64_t size;
    int flushes, discards, zero_writes, writes;
    int fail_read, fail_write;      /* -errno to fail with, 0 none */
} TestDrv;

static int td_pread(BlockDriverState *bs, uint64_t off, uint64_t n, void *b)
{
    TestDrv *t = bs->opaque;
    if (t->fail_read) {
        return t->fail_read;
    }
    memcpy(b, t->data + off, n);
    return 0;
}

static int td_pwrite(BlockDriverState *bs, uint64_t off, uint64_t n,
                     const void *b, int flags)
{
    TestDrv *t = bs->opaque;
    if (t->fail_write) {
        return t->fail_write;
    }
    t->writes++;
    memcpy(t->data + off, b, n);
    return 0;
}

static int td_zeroes(BlockDriverState *bs, uint64_t off, uint64_t n,
                     int flags)
{
    TestDrv *t = bs->opaque;
    t->zero_writes++;
    memset(t->data + off, 0, n);
    return 0;
}

static int td_discard(BlockDriverState *bs, uint64_t off, uint64_t n)
{
    TestDrv *t = bs->opaque;
    t->discards++;
    return 0;
}

static int td_flush(BlockDriverState *bs)
{
    TestDrv *t = bs->opaque;
    t->flushes++;
    return 0;
}

static int64_t td_getlength(BlockDriverState *bs)
{
    TestDrv *t = bs->opaque;
    return t->size;
}

static void td_close(BlockDriverState *bs)
{
    TestDrv *t = bs->opaque;
    g_free(t->data);
}

static const BlockDriver test_drv = {
    .format_name = "test",
    .instance_size = sizeof(TestDrv),
    .is_protocol = true,
    .close = td_close,
    .pread = td_pread,
    .pwrite = td_pwrite,
    .pwrite_zeroes = td_zeroes,
    .pdiscard = td_discard,
    .flush = td_flush,
    .getlength = td_getlength,
};

static BlockDriverState *test_node(uint64_t size, bool read_only)
{
    BlockDriverState *bs = g_new0(BlockDriverState, 1);
    TestDrv *t = g_new0(TestDrv, 1);
    t->size = size;
    t->data = g_malloc0(size);
    bs->drv = &test_drv;
    bs->opaque = t;
    bs->refcnt = 1;
    bs->read_only = read_only;
    bs->total_bytes = size;
    snprintf(bs->filename, sizeof(bs->filename), "test");
    return bs;
}

static TestDrv *td(BlockBackend *blk)
{
    return blk_drive(blk)->bs->opaque;
}

static DriveInfo *new_drive(const char *id, BlockDriverState *bs)
{
    DriveInfo *di = g_new0(DriveInfo, 1);
    di->id = g_strdup(id);
    di->type = IF_NONE;
    di->bs = bs;
    di->writeback = true;
    di->werror = BLOCK_ERR_ENOSPC;
    di->rerror = BLOCK_ERR_REPORT;
    di->read_only = bs && bs->read_only;
    return di;
}

static void free_drive(DriveInfo *di)
{
    bdrv_unref(di->bs);
    g_free(di->id);
    g_free(di);
}

/* ---- waiting for completions through the main loop ---- */

typedef struct Done {
    int ret;
    bool done;
    int order;
} Done;

static int completions;

static void done_cb(void *opaque, int ret)
{
    Done *d = opaque;
    g_assert_true(bql_locked());
    g_assert_false(d->done);
    d->ret = ret;
    d->done = true;
    d->order = completions++;
}

/* Runs the main loop until every one of n is done (generous deadline). */
static void wait_all(Done *d, int n)
{
    int64_t deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    for (;;) {
        int i;
        for (i = 0; i < n && d[i].done; i++) {
        }
        if (i == n) {
            return;
        }
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        main_loop_wait(true);
    }
}

static int do_rw(BlockBackend *blk, bool write, int64_t off, void *buf,
                 size_t len)
{
    struct iovec iov = { buf, len };
    Done d = { 0 };
    if (write) {
        blk_aio_pwritev(blk, off, &iov, 1, done_cb, &d);
    } else {
        blk_aio_preadv(blk, off, &iov, 1, done_cb, &d);
    }
    /* Never completed before the caller returns to the loop. */
    g_assert_false(d.done);
    wait_all(&d, 1);
    return d.ret;
}

/* ---- tests ---- */

static char *tmpdir;

static void check_rw_pattern(BlockBackend *blk, int depth)
{
    enum { CHUNK = 65536 };
    uint8_t *w = g_malloc(CHUNK * depth), *r = g_malloc0(CHUNK * depth);
    struct iovec wiov[64][3], riov[64][2];
    Done d[64] = { 0 };

    g_assert_cmpint(depth, <=, 64);
    for (int i = 0; i < CHUNK * depth; i++) {
        w[i] = (uint8_t)(i * 7 + i / 4096);
    }
    /* Writes split in three uneven pieces, reads in two. */
    for (int i = 0; i < depth; i++) {
        uint8_t *p = w + i * CHUNK;
        wiov[i][0] = (struct iovec){ p, 512 };
        wiov[i][1] = (struct iovec){ p + 512, 3584 };
        wiov[i][2] = (struct iovec){ p + 4096, CHUNK - 4096 };
        blk_aio_pwritev(blk, (int64_t)i * CHUNK, wiov[i], 3, done_cb, &d[i]);
    }
    wait_all(d, depth);
    for (int i = 0; i < depth; i++) {
        g_assert_cmpint(d[i].ret, ==, 0);
    }
    memset(d, 0, sizeof(d));
    for (int i = 0; i < depth; i++) {
        uint8_t *p = r + i * CHUNK;
        riov[i][0] = (struct iovec){ p, 1024 };
        riov[i][1] = (struct iovec){ p + 1024, CHUNK - 1024 };
        blk_aio_preadv(blk, (int64_t)i * CHUNK, riov[i], 2, done_cb, &d[i]);
    }
    wait_all(d, depth);
    for (int i = 0; i < depth; i++) {
        g_assert_cmpint(d[i].ret, ==, 0);
    }
    g_assert_cmpmem(w, CHUNK * depth, r, CHUNK * depth);
    g_free(w);
    g_free(r);
}

static void test_raw_file(void)
{
    char *path = g_build_filename(tmpdir, "raw.img", NULL);
    Error *err = NULL;
    Opts *o = opts_new();
    opts_set(o, "size", "8M");
    g_assert_true(bdrv_create(bdrv_find_format("raw"), path, o, &err));
    opts_free(o);
    BlockDriverState *bs = bdrv_open(path, "raw", NULL, BDRV_O_RDWR, &err);
    g_assert_nonnull(bs);
    DriveInfo *di = new_drive("raw0", bs);
    BlockBackend *blk = blk_attach(di, NULL, &error_abort);

    g_assert_true(blk_is_inserted(blk));
    g_assert_cmpint(blk_getlength(blk), ==, 8 * MiB);
    check_rw_pattern(blk, 32);
    /* What the guest wrote is in the file. */
    Done f = { 0 };
    blk_aio_flush(blk, done_cb, &f);
    wait_all(&f, 1);
    g_assert_cmpint(f.ret, ==, 0);
    gchar *contents;
    gsize len;
    g_assert_true(g_file_get_contents(path, &contents, &len, NULL));
    g_assert_cmpuint(len, ==, 8 * MiB);
    g_assert_cmpint((uint8_t)contents[4097], ==, (uint8_t)(4097 * 7 + 1));
    g_free(contents);

    /* A second claim of the same drive is refused. */
    g_assert_null(blk_attach(di, NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Drive 'raw0' is already in use");
    error_free(err);
    err = NULL;
    blk_detach(blk);
    g_assert_false(di->claimed);
    free_drive(di);
    g_unlink(path);
    g_free(path);
}

static void test_qcow2(void)
{
    char *path = g_build_filename(tmpdir, "q.qcow2", NULL);
    Opts *o = opts_new();
    opts_set(o, "size", "16M");
    opts_set(o, "cluster_size", "4096");
    g_assert_true(bdrv_create(bdrv_find_format("qcow2"), path, o,
                              &error_abort));
    opts_free(o);
    BlockDriverState *bs = bdrv_open(path, "qcow2", NULL, BDRV_O_RDWR,
                                     &error_abort);
    DriveInfo *di = new_drive("q0", bs);
    BlockBackend *blk = blk_attach(di, NULL, &error_abort);
    /* Many allocating writes in flight at once, serialized by qcow2. */
    check_rw_pattern(blk, 64);
    blk_detach(blk);
    free_drive(di);

    /* Reopened: the data is there and the image is consistent. */
    bs = bdrv_open(path, "qcow2", NULL, BDRV_O_RDWR, &error_abort);
    BdrvCheckResult res = { 0 };
    g_assert_cmpint(bs->drv->check(bs, &res, 0), ==, 0);
    g_assert_cmpint(res.corruptions, ==, 0);
    g_assert_cmpint(res.leaks, ==, 0);
    if (res.messages) {
        g_string_free(res.messages, true);
    }
    uint8_t buf[16];
    g_assert_cmpint(bdrv_pread(bs, 65536 * 63 + 4097, 1, buf), ==, 0);
    g_assert_cmpint(buf[0], ==,
                    (uint8_t)((65536 * 63 + 4097) * 7 +
                              (65536 * 63 + 4097) / 4096));
    bdrv_unref(bs);
    g_unlink(path);
    g_free(path);
}

static void test_null_co(void)
{
    Opts *o = opts_new();
    opts_set(o, "size", "1M");
    BlockDriverState *bs = bdrv_open("null-co://", "null-co", o,
                                     BDRV_O_RDWR, &error_abort);
    opts_free(o);
    DriveInfo *di = new_drive("null0", bs);
    BlockBackend *blk = blk_attach(di, NULL, &error_abort);
    uint8_t buf[4096];

    memset(buf, 0xaa, sizeof(buf));
    g_assert_cmpint(do_rw(blk, true, 0, buf, sizeof(buf)), ==, 0);
    g_assert_cmpint(do_rw(blk, false, 0, buf, sizeof(buf)), ==, 0);
    g_assert_true(buffer_is_zero(buf, sizeof(buf)));
    /* Past the end, or a negative offset: -EIO, as QEMU. */
    g_assert_cmpint(do_rw(blk, false, MiB - 512, buf, 1024), ==, -EIO);
    g_assert_cmpint(do_rw(blk, true, -512, buf, 512), ==, -EIO);
    g_assert_cmpint(do_rw(blk, false, INT64_MAX - 10, buf, 512), ==, -EIO);
    blk_detach(blk);
    free_drive(di);
}

static void test_write_through(void)
{
    DriveInfo *di = new_drive("wt0", test_node(MiB, false));
    BlockBackend *blk = blk_attach(di, NULL, &error_abort);
    uint8_t buf[512] = { 1 };

    g_assert_true(blk_enable_write_cache(blk));
    g_assert_cmpint(do_rw(blk, true, 0, buf, 512), ==, 0);
    g_assert_cmpint(td(blk)->flushes, ==, 0);
    blk_set_enable_write_cache(blk, false);
    g_assert_cmpint(do_rw(blk, true, 512, buf, 512), ==, 0);
    g_assert_cmpint(td(blk)->flushes, ==, 1);
    Done d = { 0 };
    blk_aio_pwrite_zeroes(blk, 0, 512, false, done_cb, &d);
    wait_all(&d, 1);
    g_assert_cmpint(td(blk)->flushes, ==, 2);
    blk_detach(blk);
    /* cache=writethrough starts with the cache off. */
    di->writeback = false;
    blk = blk_attach(di, NULL, &error_abort);
    g_assert_false(blk_enable_write_cache(blk));
    blk_detach(blk);
    free_drive(di);
}

static void test_discard(void)
{
    DriveInfo *di = new_drive("d0", test_node(MiB, false));
    BlockBackend *blk = blk_attach(di, NULL, &error_abort);
    Done d[4] = { 0 };

    /* discard=ignore: completes, reaches nothing. */
    blk_aio_pdiscard(blk, 0, 4096, done_cb, &d[0]);
    /* Zeroes with may_unmap but no discard=unmap: written, not unmapped. */
    blk_aio_pwrite_zeroes(blk, 0, 4096, true, done_cb, &d[1]);
    wait_all(d, 2);
    g_assert_cmpint(d[0].ret, ==, 0);
    g_assert_cmpint(td(blk)->discards, ==, 0);
    g_assert_cmpint(td(blk)->zero_writes, ==, 1);
    di->discard_unmap = true;
    blk_aio_pdiscard(blk, 0, 4096, done_cb, &d[2]);
    /* Out of range discards fail like any request. */
    blk_aio_pdiscard(blk, MiB, 4096, done_cb, &d[3]);
    wait_all(d, 4);
    g_assert_cmpint(d[2].ret, ==, 0);
    g_assert_cmpint(d[3].ret, ==, -EIO);
    g_assert_cmpint(td(blk)->discards, ==, 1);
    blk_detach(blk);
    free_drive(di);
}

static void test_detect_zeroes(void)
{
    DriveInfo *di = new_drive("z0", test_node(MiB, false));
    BlockBackend *blk = blk_attach(di, NULL, &error_abort);
    uint8_t zero[4096] = { 0 };

    g_assert_cmpint(do_rw(blk, true, 0, zero, 4096), ==, 0);
    g_assert_cmpint(td(blk)->writes, ==, 1);
    g_assert_cmpint(td(blk)->zero_writes, ==, 0);
    di->detect_zeroes = 1;
    g_assert_cmpint(do_rw(blk, true, 0, zero, 4096), ==, 0);
    g_assert_cmpint(td(blk)->writes, ==, 1);
    g_assert_cmpint(td(blk)->zero_writes, ==, 1);
    zero[100] = 1;
    g_assert_cmpint(do_rw(blk, true, 0, zero, 4096), ==, 0);
    g_assert_cmpint(td(blk)->writes, ==, 2);
    blk_detach(blk);
    free_drive(di);
}

static void test_read_only_and_empty(void)
{
    DriveInfo *di = new_drive("ro0", test_node(MiB, true));
    BlockBackend *blk = blk_attach(di, NULL, &error_abort);
    uint8_t buf[512];
    Done d[3] = { 0 };

    g_assert_true(blk_is_read_only(blk));
    g_assert_cmpint(do_rw(blk, true, 0, buf, 512), ==, -EPERM);
    g_assert_cmpint(do_rw(blk, false, 0, buf, 512), ==, 0);
    blk_aio_pdiscard(blk, 0, 512, done_cb, &d[0]);
    blk_aio_pwrite_zeroes(blk, 0, 512, false, done_cb, &d[1]);
    blk_aio_flush(blk, done_cb, &d[2]);
    wait_all(d, 3);
    g_assert_cmpint(d[0].ret, ==, -EPERM);
    g_assert_cmpint(d[1].ret, ==, -EPERM);
    g_assert_cmpint(d[2].ret, ==, 0);
    g_assert_cmpint(td(blk)->flushes, ==, 0);
    blk_detach(blk);
    free_drive(di);

    /* A CD-ROM drive without a disc. */
    di = new_drive("cd0", NULL);
    di->is_cdrom = true;
    blk = blk_attach(di, NULL, &error_abort);
    g_assert_false(blk_is_inserted(blk));
    g_assert_cmpint(blk_getlength(blk), ==, 0);
    g_assert_cmpint(do_rw(blk, false, 0, buf, 512), ==, -ENOMEDIUM);
    blk_detach(blk);
    free_drive(di);
}

/* Completions come from the main loop, in whatever order: with a qcow2
 * and a worker pool they are not required to follow submission. */
static void test_drain(void)
{
    Opts *o = opts_new();
    opts_set(o, "size", "64M");
    BlockDriverState *bs = bdrv_open("null-co://", "null-co", o,
                                     BDRV_O_RDWR, &error_abort);
    opts_free(o);
    DriveInfo *di = new_drive("n1", bs);
    BlockBackend *blk = blk_attach(di, NULL, &error_abort);
    static uint8_t buf[16][4096];
    struct iovec iov[16];
    Done d[16] = { 0 };

    for (int i = 0; i < 16; i++) {
        iov[i] = (struct iovec){ buf[i], 4096 };
        blk_aio_preadv(blk, i * 4096, &iov[i], 1, done_cb, &d[i]);
    }
    blk_drain(blk);
    for (int i = 0; i < 16; i++) {
        g_assert_true(d[i].done);
    }
    memset(d, 0, sizeof(d));
    for (int i = 0; i < 16; i++) {
        blk_aio_pwritev(blk, i * 4096, &iov[i], 1, done_cb, &d[i]);
    }
    blk_drain_all();
    for (int i = 0; i < 16; i++) {
        g_assert_true(d[i].done);
        g_assert_cmpint(d[i].ret, ==, 0);
    }
    blk_detach(blk);
    free_drive(di);
}

/* A vCPU thread resetting a device drains while holding the BQL: it must
 * let the main loop run the requests, not deadlock. */
typedef struct DrainThread {
    BlockBackend *blk;
    Done d[8];
    uint8_t buf[8][512];
    struct iovec iov[8];
    volatile bool finished;
} DrainThread;

static gpointer drain_thread_fn(gpointer opaque)
{
    DrainThread *t = opaque;
    bql_lock();
    for (int i = 0; i < 8; i++) {
        t->iov[i] = (struct iovec){ t->buf[i], 512 };
        blk_aio_pwritev(t->blk, i * 512, &t->iov[i], 1, done_cb, &t->d[i]);
    }
    blk_drain(t->blk);
    for (int i = 0; i < 8; i++) {
        g_assert_true(t->d[i].done);
    }
    bql_unlock();
    t->finished = true;
    main_loop_notify();
    return NULL;
}

static void test_drain_other_thread(void)
{
    DriveInfo *di = new_drive("t0", test_node(MiB, false));
    DrainThread *t = g_new0(DrainThread, 1);
    int64_t deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;

    t->blk = blk_attach(di, NULL, &error_abort);
    GThread *th = g_thread_new("drainer", drain_thread_fn, t);
    while (!t->finished) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        main_loop_wait(true);
    }
    g_thread_join(th);
    g_assert_cmpint(td(t->blk)->writes, ==, 8);
    blk_detach(t->blk);
    free_drive(di);
    g_free(t);
}

/* ---- error policy ---- */

static int events;
static BlockErrorVerdict last_verdict;
static bool last_is_read;
static int last_error;

static void on_io_error(BlockBackend *blk, BlockErrorVerdict v, bool is_read,
                        int error)
{
    events++;
    last_verdict = v;
    last_is_read = is_read;
    last_error = error;
    /* Sent before the VM stops, as QEMU orders BLOCK_IO_ERROR and STOP. */
    g_assert_true(runstate_is_running());
}

static int retries;

static void retry_cb(void *opaque)
{
    retries++;
}

static void test_error_policy(void)
{
    DriveInfo *di = new_drive("e0", test_node(MiB, false));
    BlockBackend *blk = blk_attach(di, NULL, &error_abort);
    uint8_t buf[512];
    int ret;

    blk_set_io_error_handler(on_io_error);
    /* The defaults: werror=enospc, rerror=report. */
    g_assert_cmpint(blk_get_error_action(blk, false, ENOSPC), ==,
                    BLOCK_ERROR_STOP);
    g_assert_cmpint(blk_get_error_action(blk, false, EIO), ==,
                    BLOCK_ERROR_REPORT);
    g_assert_cmpint(blk_get_error_action(blk, true, ENOSPC), ==,
                    BLOCK_ERROR_REPORT);
    g_assert_true(blk_iostatus_enabled(blk));
    di->rerror = BLOCK_ERR_IGNORE;
    g_assert_cmpint(blk_get_error_action(blk, true, EIO), ==,
                    BLOCK_ERROR_IGNORE);
    di->werror = BLOCK_ERR_STOP;
    g_assert_cmpint(blk_get_error_action(blk, false, EIO), ==,
                    BLOCK_ERROR_STOP);
    di->werror = BLOCK_ERR_REPORT;
    di->rerror = BLOCK_ERR_REPORT;
    g_assert_false(blk_iostatus_enabled(blk));

    /* A failing node: the error reaches the device as is. */
    td(blk)->fail_write = -ENOSPC;
    ret = do_rw(blk, true, 0, buf, 512);
    g_assert_cmpint(ret, ==, -ENOSPC);
    td(blk)->fail_read = -EIO;
    g_assert_cmpint(do_rw(blk, false, 0, buf, 512), ==, -EIO);

    /* report: an event, the VM goes on. */
    vm_start();
    /* Let the resume's own retry pass run before the device has one. */
    for (int i = 0; i < 3; i++) {
        main_loop_wait(false);
    }
    blk_set_retry_cb(blk, retry_cb, NULL);
    blk_error_action(blk, BLOCK_ERROR_REPORT, true, EIO);
    g_assert_cmpint(events, ==, 1);
    g_assert_true(last_is_read);
    g_assert_true(runstate_is_running());
    g_assert_cmpstr(blk_iostatus_name(blk), ==, "ok");

    /* stop: event, io-error state, iostatus nospace until cont. */
    di->werror = BLOCK_ERR_ENOSPC;
    BlockErrorVerdict v = blk_get_error_action(blk, false, -ret);
    blk_error_action(blk, v, false, -ret);
    g_assert_cmpint(events, ==, 2);
    g_assert_cmpint(last_verdict, ==, BLOCK_ERROR_STOP);
    g_assert_cmpint(last_error, ==, ENOSPC);
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_IO_ERROR);
    g_assert_cmpstr(runstate_name(runstate_get()), ==, "io-error");
    g_assert_cmpstr(blk_iostatus_name(blk), ==, "nospace");
    g_assert_cmpint(retries, ==, 0);

    /* cont: the device's kept requests are retried from the loop. */
    vm_start();
    g_assert_cmpstr(blk_iostatus_name(blk), ==, "ok");
    int64_t deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    while (!retries) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        main_loop_wait(true);
    }
    g_assert_cmpint(retries, ==, 1);
    vm_stop(RUN_STATE_PAUSED);
    blk_set_io_error_handler(NULL);
    blk_detach(blk);
    free_drive(di);
}

static void test_accounting(void)
{
    DriveInfo *di = new_drive("a0", test_node(MiB, false));
    BlockBackend *blk = blk_attach(di, NULL, &error_abort);

    g_assert_cmpint(blk_idle_time_ns(blk), ==, -1);
    blk_account(blk, BLOCK_ACCT_READ, 4096, false);
    blk_account(blk, BLOCK_ACCT_READ, 512, false);
    blk_account(blk, BLOCK_ACCT_WRITE, 512, true);
    blk_account(blk, BLOCK_ACCT_MAX, 512, true);  /* bad type: ignored */
    g_assert_cmpuint(blk->nr_bytes[BLOCK_ACCT_READ], ==, 4608);
    g_assert_cmpuint(blk->nr_ops[BLOCK_ACCT_READ], ==, 2);
    g_assert_cmpuint(blk->failed_ops[BLOCK_ACCT_WRITE], ==, 1);
    g_assert_cmpuint(blk->nr_ops[BLOCK_ACCT_WRITE], ==, 0);
    g_assert_cmpint(blk_idle_time_ns(blk), >=, 0);
    blk_detach(blk);
    free_drive(di);
}

/* ---- media: a fake removable device ---- */

typedef struct FakeCd {
    bool tray_open, locked, has_medium;
    int eject_requests, loads, unloads;
} FakeCd;

static void cd_change(void *opaque, bool load)
{
    FakeCd *cd = opaque;
    cd->has_medium = load;
    if (load) {
        cd->loads++;
        cd->tray_open = false;
    } else {
        cd->unloads++;
    }
}

static void cd_eject_request(void *opaque, bool force)
{
    FakeCd *cd = opaque;
    cd->eject_requests++;
    if (!cd->locked || force) {
        cd->tray_open = true;
    }
}

static bool cd_tray_open(void *opaque)
{
    return ((FakeCd *)opaque)->tray_open;
}

static bool cd_locked(void *opaque)
{
    return ((FakeCd *)opaque)->locked;
}

static const BlockDevOps cd_ops = {
    .change_media_cb = cd_change,
    .eject_request_cb = cd_eject_request,
    .is_tray_open = cd_tray_open,
    .is_medium_locked = cd_locked,
};

static void test_media(void)
{
    DriveInfo *di = new_drive("ide1-cd0", test_node(MiB, true));
    BlockBackend *blk = blk_attach(di, NULL, &error_abort);
    FakeCd cd = { .has_medium = true };
    Error *err = NULL;

    /* Without dev ops: a fixed disk. */
    g_assert_false(blk_eject(blk, false, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Device 'ide1-cd0' is not removable");
    error_free(err);
    err = NULL;
    BlockDriverState *other = test_node(2 * MiB, true);
    g_assert_false(blk_insert_medium(blk, other, &err));
    error_free(err);
    err = NULL;

    blk_set_dev_ops(blk, &cd_ops, &cd);
    /* Locked: the guest is asked, the tray stays shut. */
    cd.locked = true;
    g_assert_false(blk_eject(blk, false, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Device 'ide1-cd0' is locked and force was not "
                    "specified, wait for tray to open and try again");
    error_free(err);
    err = NULL;
    g_assert_cmpint(cd.eject_requests, ==, 1);
    g_assert_true(blk_is_inserted(blk));
    /* -f opens it anyway. */
    g_assert_true(blk_eject(blk, true, &error_abort));
    g_assert_true(cd.tray_open);
    g_assert_false(blk_is_inserted(blk));
    g_assert_cmpint(cd.unloads, ==, 1);
    g_assert_cmpint(blk_getlength(blk), ==, 0);
    /* Ejecting an open, empty tray is fine and tells nobody. */
    g_assert_true(blk_eject(blk, false, &error_abort));
    g_assert_cmpint(cd.unloads, ==, 1);

    /* A new disc: loaded, tray shut. */
    g_assert_true(blk_insert_medium(blk, test_node(2 * MiB, true),
                                    &error_abort));
    g_assert_true(blk_is_inserted(blk));
    g_assert_cmpint(cd.loads, ==, 1);
    g_assert_false(cd.tray_open);
    g_assert_cmpint(blk_getlength(blk), ==, 2 * MiB);
    /* Inserting into a closed tray is refused; the node is dropped. */
    g_assert_false(blk_insert_medium(blk, test_node(MiB, true), &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Tray of device 'ide1-cd0' is not open");
    error_free(err);
    err = NULL;
    g_assert_cmpint(blk_getlength(blk), ==, 2 * MiB);
    blk_detach(blk);
    free_drive(di);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("kemu-blk-XXXXXX", NULL);
    main_loop_init();
    bql_lock();
    g_test_add_func("/block-backend/raw-file", test_raw_file);
    g_test_add_func("/block-backend/qcow2", test_qcow2);
    g_test_add_func("/block-backend/null-co", test_null_co);
    g_test_add_func("/block-backend/write-through", test_write_through);
    g_test_add_func("/block-backend/discard", test_discard);
    g_test_add_func("/block-backend/detect-zeroes", test_detect_zeroes);
    g_test_add_func("/block-backend/read-only-empty",
                    test_read_only_and_empty);
    g_test_add_func("/block-backend/drain", test_drain);
    g_test_add_func("/block-backend/drain-other-thread",
                    test_drain_other_thread);
    g_test_add_func("/block-backend/error-policy", test_error_policy);
    g_test_add_func("/block-backend/accounting", test_accounting);
    g_test_add_func("/block-backend/media", test_media);
    int ret = g_test_run();
    g_rmdir(tmpdir);
    return ret;
}
