/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The block layer's event context (see include/block/aio.h). */
#include "util/osdep.h"
#include "block/aio.h"
#include "util/coroutine-lock.h"
#include <poll.h>

typedef struct BlockAio {
    ThreadPool *pool;
    GQueue ready;           /* coroutines to enter */
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

bool block_aio_busy(void)
{
    BlockAio *a = aio_get();
    return a->ready.length || thread_pool_in_flight(a->pool);
}

bool block_aio_poll(bool blocking)
{
    BlockAio *a = aio_get();
    bool progress = false;
    while (a->ready.length) {
        coroutine_enter(g_queue_pop_head(&a->ready));
        progress = true;
    }
    if (blocking && !progress && thread_pool_in_flight(a->pool)) {
        struct pollfd pfd = { .fd = thread_pool_fd(a->pool),
                              .events = POLLIN };
        while (poll(&pfd, 1, -1) < 0 && errno == EINTR) {
        }
    }
    if (thread_pool_run_completions(a->pool)) {
        progress = true;
    }
    while (a->ready.length) {
        coroutine_enter(g_queue_pop_head(&a->ready));
        progress = true;
    }
    return progress;
}
