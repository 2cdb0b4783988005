/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Worker thread pool (see include/util/thread-pool.h). */
#include "util/osdep.h"
#include "util/thread-pool.h"
#include <sys/eventfd.h>

typedef struct PoolReq {
    ThreadPoolWork *work;
    ThreadPoolDone *done;
    void *opaque;
    int ret;
} PoolReq;

struct ThreadPool {
    GMutex lock;
    GCond cond;
    GQueue pending;         /* submitted, not started */
    GQueue finished;        /* done, callback not run yet */
    GPtrArray *threads;
    int max_threads;
    int idle;
    bool stopping;
    int efd;
    unsigned in_flight;
};

static gpointer worker(gpointer opaque)
{
    ThreadPool *p = opaque;
    g_mutex_lock(&p->lock);
    for (;;) {
        while (!p->pending.length && !p->stopping) {
            p->idle++;
            g_cond_wait(&p->cond, &p->lock);
            p->idle--;
        }
        if (!p->pending.length && p->stopping) {
            break;
        }
        PoolReq *r = g_queue_pop_head(&p->pending);
        g_mutex_unlock(&p->lock);
        r->ret = r->work(r->opaque);
        g_mutex_lock(&p->lock);
        g_queue_push_tail(&p->finished, r);
        uint64_t one = 1;
        if (write(p->efd, &one, sizeof(one)) < 0) {
            /* the counter cannot overflow in practice; nothing to do */
        }
    }
    g_mutex_unlock(&p->lock);
    return NULL;
}

ThreadPool *thread_pool_new(int max_threads)
{
    ThreadPool *p = g_new0(ThreadPool, 1);
    g_mutex_init(&p->lock);
    g_cond_init(&p->cond);
    g_queue_init(&p->pending);
    g_queue_init(&p->finished);
    p->threads = g_ptr_array_new();
    p->max_threads = MAX(max_threads, 1);
    p->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (p->efd < 0) {
        g_error("thread pool: eventfd: %s", g_strerror(errno));
    }
    return p;
}

void thread_pool_free(ThreadPool *p)
{
    if (!p) {
        return;
    }
    g_mutex_lock(&p->lock);
    p->stopping = true;
    g_cond_broadcast(&p->cond);
    g_mutex_unlock(&p->lock);
    for (guint i = 0; i < p->threads->len; i++) {
        g_thread_join(g_ptr_array_index(p->threads, i));
    }
    thread_pool_run_completions(p);
    g_ptr_array_free(p->threads, true);
    close(p->efd);
    g_mutex_clear(&p->lock);
    g_cond_clear(&p->cond);
    g_free(p);
}

void thread_pool_submit(ThreadPool *p, ThreadPoolWork *work,
                        ThreadPoolDone *done, void *opaque)
{
    PoolReq *r = g_new0(PoolReq, 1);
    r->work = work;
    r->done = done;
    r->opaque = opaque;
    g_mutex_lock(&p->lock);
    p->in_flight++;
    g_queue_push_tail(&p->pending, r);
    /* Grow while work waits and nobody is idle. */
    if (p->idle < (int)p->pending.length &&
        (int)p->threads->len < p->max_threads) {
        g_ptr_array_add(p->threads, g_thread_new("kemu-worker", worker, p));
    }
    g_cond_signal(&p->cond);
    g_mutex_unlock(&p->lock);
}

int thread_pool_fd(ThreadPool *p)
{
    return p->efd;
}

int thread_pool_run_completions(ThreadPool *p)
{
    uint64_t cnt;
    if (read(p->efd, &cnt, sizeof(cnt)) < 0) {
        /* EAGAIN: nothing signalled; finished may still hold work */
    }
    int n = 0;
    for (;;) {
        g_mutex_lock(&p->lock);
        PoolReq *r = g_queue_pop_head(&p->finished);
        if (r) {
            p->in_flight--;
        }
        g_mutex_unlock(&p->lock);
        if (!r) {
            break;
        }
        /* Outside the lock: the callback may submit more work. */
        r->done(r->opaque, r->ret);
        g_free(r);
        n++;
    }
    return n;
}

unsigned thread_pool_in_flight(ThreadPool *p)
{
    g_mutex_lock(&p->lock);
    unsigned n = p->in_flight;
    g_mutex_unlock(&p->lock);
    return n;
}
