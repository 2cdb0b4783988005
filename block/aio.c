/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The block layer's event context (see include/block/aio.h). */
#include "util/osdep.h"
#include "config-host.h"
#include "block/aio.h"
#include "util/coroutine-lock.h"
#include <poll.h>
#include <sys/eventfd.h>
#ifdef CONFIG_LIBURING
#include <liburing.h>
#endif

typedef struct BlockAio {
    ThreadPool *pool;
    GQueue ready;           /* coroutines to enter */
#ifdef CONFIG_LIBURING
    struct io_uring ring;
    bool ring_ok;
    bool ring_tried;
    int ring_efd;
    unsigned ring_in_flight;
#endif
} BlockAio;

static __thread BlockAio *ctx;

static void schedule(Coroutine *co)
{
    g_queue_push_tail(&ctx->ready, co);
}

static BlockAio *aio_get(void)
{
    if (!ctx) {
        ctx = g_new0(BlockAio, 1);
        ctx->pool = thread_pool_new(64);
        g_queue_init(&ctx->ready);
        co_set_scheduler(schedule);
    }
    return ctx;
}

typedef struct WorkerCall {
    Coroutine *co;
    int ret;
    bool done;
} WorkerCall;

static void worker_done(void *opaque, int ret)
{
    WorkerCall *w = opaque;
    w->ret = ret;
    w->done = true;
    coroutine_enter(w->co);
}

typedef struct Wrapped {
    ThreadPoolWork *fn;
    void *opaque;
    WorkerCall *call;
} Wrapped;

static int run_wrapped(void *opaque)
{
    Wrapped *w = opaque;
    return w->fn(w->opaque);
}

static void wrapped_done(void *opaque, int ret)
{
    Wrapped *w = opaque;
    WorkerCall *call = w->call;
    g_free(w);
    worker_done(call, ret);
}

int block_aio_run_in_worker(ThreadPoolWork *fn, void *opaque)
{
    if (!coroutine_in_coroutine()) {
        return fn(opaque);
    }
    BlockAio *a = aio_get();
    WorkerCall call = { .co = coroutine_self() };
    Wrapped *w = g_new0(Wrapped, 1);
    w->fn = fn;
    w->opaque = opaque;
    w->call = &call;
    thread_pool_submit(a->pool, run_wrapped, wrapped_done, w);
    while (!call.done) {
        coroutine_yield();
    }
    return call.ret;
}

#ifdef CONFIG_LIBURING
/* The ring is set up on first use; a kernel or sandbox that refuses
 * io_uring leaves us on the thread pool. */
static bool ring_get(BlockAio *a)
{
    if (!a->ring_tried) {
        a->ring_tried = true;
        if (!getenv("KEMU_NO_IO_URING") &&
            io_uring_queue_init(128, &a->ring, 0) == 0) {
            a->ring_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
            if (a->ring_efd >= 0 &&
                io_uring_register_eventfd(&a->ring, a->ring_efd) == 0) {
                a->ring_ok = true;
            } else {
                if (a->ring_efd >= 0) {
                    close(a->ring_efd);
                }
                io_uring_queue_exit(&a->ring);
            }
        }
    }
    return a->ring_ok;
}

bool block_aio_uring_available(void)
{
    return coroutine_in_coroutine() && ring_get(aio_get());
}

typedef struct UringReq {
    Coroutine *co;
    int res;
    bool done;
} UringReq;

static void ring_reap(BlockAio *a)
{
    struct io_uring_cqe *cqe;
    uint64_t cnt;
    if (read(a->ring_efd, &cnt, sizeof(cnt)) < 0) {
        /* EAGAIN: nothing new */
    }
    while (io_uring_peek_cqe(&a->ring, &cqe) == 0) {
        UringReq *r = io_uring_cqe_get_data(cqe);
        r->res = cqe->res;
        r->done = true;
        io_uring_cqe_seen(&a->ring, cqe);
        a->ring_in_flight--;
        g_queue_push_tail(&a->ready, r->co);
    }
}

static int ring_submit_wait(BlockAio *a, UringReq *r)
{
    int ret = io_uring_submit(&a->ring);
    if (ret < 0) {
        return ret;
    }
    a->ring_in_flight++;
    while (!r->done) {
        coroutine_yield();
    }
    return r->res;
}

int block_aio_uring_rw(int fd, bool write, void *buf, uint64_t bytes,
                       uint64_t offset)
{
    BlockAio *a = aio_get();
    if (!coroutine_in_coroutine() || !ring_get(a)) {
        return -ENOTSUP;
    }
    uint8_t *p = buf;
    while (bytes) {
        struct io_uring_sqe *sqe = io_uring_get_sqe(&a->ring);
        if (!sqe) {
            return -ENOTSUP;    /* ring full: the caller uses a worker */
        }
        UringReq r = { .co = coroutine_self() };
        unsigned n = (unsigned)MIN(bytes, (uint64_t)1 << 30);
        if (write) {
            io_uring_prep_write(sqe, fd, p, n, offset);
        } else {
            io_uring_prep_read(sqe, fd, p, n, offset);
        }
        io_uring_sqe_set_data(sqe, &r);
        int res = ring_submit_wait(a, &r);
        if (res == -EINTR || res == -EAGAIN) {
            continue;
        }
        if (res < 0) {
            return res;
        }
        if (res == 0) {
            if (write) {
                return -EIO;
            }
            memset(p, 0, bytes);    /* past the end reads as zeroes */
            return 0;
        }
        p += res;
        offset += res;
        bytes -= res;
    }
    return 0;
}

int block_aio_uring_fsync(int fd)
{
    BlockAio *a = aio_get();
    if (!coroutine_in_coroutine() || !ring_get(a)) {
        return -ENOTSUP;
    }
    struct io_uring_sqe *sqe = io_uring_get_sqe(&a->ring);
    if (!sqe) {
        return -ENOTSUP;
    }
    UringReq r = { .co = coroutine_self() };
    io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
    io_uring_sqe_set_data(sqe, &r);
    return ring_submit_wait(a, &r);
}
#else
bool block_aio_uring_available(void)
{
    return false;
}

int block_aio_uring_rw(int fd, bool write, void *buf, uint64_t bytes,
                       uint64_t offset)
{
    return -ENOTSUP;
}

int block_aio_uring_fsync(int fd)
{
    return -ENOTSUP;
}
#endif

static unsigned uring_in_flight(BlockAio *a)
{
#ifdef CONFIG_LIBURING
    return a->ring_in_flight;
#else
    return 0;
#endif
}

int block_aio_get_fds(int *fds, int max)
{
    BlockAio *a = aio_get();
    int n = 0;

    if (n < max) {
        fds[n++] = thread_pool_fd(a->pool);
    }
#ifdef CONFIG_LIBURING
    if (n < max && ring_get(a)) {
        fds[n++] = a->ring_efd;
    }
#endif
    return n;
}

bool block_aio_busy(void)
{
    BlockAio *a = aio_get();
    return a->ready.length || thread_pool_in_flight(a->pool) ||
           uring_in_flight(a);
}

bool block_aio_poll(bool blocking)
{
    BlockAio *a = aio_get();
    bool progress = false;
    while (a->ready.length) {
        coroutine_enter(g_queue_pop_head(&a->ready));
        progress = true;
    }
    if (blocking && !progress &&
        (thread_pool_in_flight(a->pool) || uring_in_flight(a))) {
        struct pollfd pfd[2] = {
            { .fd = thread_pool_fd(a->pool), .events = POLLIN },
            { .fd = -1, .events = POLLIN },
        };
#ifdef CONFIG_LIBURING
        if (a->ring_ok) {
            pfd[1].fd = a->ring_efd;
        }
#endif
        while (poll(pfd, 2, -1) < 0 && errno == EINTR) {
        }
    }
#ifdef CONFIG_LIBURING
    /* Even with nothing in flight: a stale eventfd count would keep a
     * main loop watching it awake. */
    if (a->ring_ok) {
        ring_reap(a);
    }
#endif
    if (thread_pool_run_completions(a->pool)) {
        progress = true;
    }
    while (a->ready.length) {
        coroutine_enter(g_queue_pop_head(&a->ready));
        progress = true;
    }
    return progress;
}
