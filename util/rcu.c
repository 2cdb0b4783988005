/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Simple read-copy-update.
 *
 * Each reader thread owns a RcuReader with a counter: 0 while outside a
 * critical section, otherwise the grace-period number it saw on entry.
 * synchronize_rcu() advances the global grace-period number and waits
 * until every reader is either outside (0) or entered after the advance
 * (its counter equals the new number). The counter is 64-bit and grows by
 * one per grace period, so it never wraps and one phase is enough: the
 * full fences on both sides (reader: store counter, fence, load pointer;
 * writer: store pointer, fence, load counter) make it impossible for a
 * reader to miss both the new pointer and the writer's scan.
 *
 * call_rcu() hands objects to a background thread that batches them
 * behind one grace period.
 */
#include "util/osdep.h"
#include "util/rcu.h"
#include <pthread.h>
#include <sched.h>

typedef struct RcuReader {
    uint64_t ctr;               /* 0 or grace period seen at entry */
    unsigned depth;             /* nesting, touched only by the owner */
    bool autoreg;               /* registered by rcu_read_lock itself */
} RcuReader;

static uint64_t rcu_gp = 1;
static GMutex rcu_registry_lock;
static GPtrArray *rcu_readers;
static GMutex rcu_sync_lock;    /* one synchronize_rcu at a time */
static __thread RcuReader *rcu_self;
static pthread_key_t rcu_key;
static pthread_once_t rcu_once = PTHREAD_ONCE_INIT;

static void rcu_thread_exit(void *p)
{
    RcuReader *r = p;

    if (r) {
        rcu_self = r;
        rcu_unregister_thread();
    }
}

static void rcu_global_init(void)
{
    pthread_key_create(&rcu_key, rcu_thread_exit);
    rcu_readers = g_ptr_array_new();
}

static void rcu_do_register(bool autoreg)
{
    RcuReader *r;

    pthread_once(&rcu_once, rcu_global_init);
    if (rcu_self) {
        return;
    }
    r = g_new0(RcuReader, 1);
    r->autoreg = autoreg;
    g_mutex_lock(&rcu_registry_lock);
    g_ptr_array_add(rcu_readers, r);
    g_mutex_unlock(&rcu_registry_lock);
    rcu_self = r;
    /* Unregister automatically when the thread ends. */
    pthread_setspecific(rcu_key, r);
}

void rcu_register_thread(void)
{
    rcu_do_register(false);
}

void rcu_unregister_thread(void)
{
    RcuReader *r = rcu_self;

    if (!r) {
        return;
    }
    g_assert(r->depth == 0);
    g_mutex_lock(&rcu_registry_lock);
    g_ptr_array_remove_fast(rcu_readers, r);
    g_mutex_unlock(&rcu_registry_lock);
    pthread_setspecific(rcu_key, NULL);
    rcu_self = NULL;
    g_free(r);
}

void rcu_read_lock(void)
{
    RcuReader *r = rcu_self;

    if (unlikely(!r)) {
        rcu_do_register(true);
        r = rcu_self;
    }
    if (r->depth++ == 0) {
        __atomic_store_n(&r->ctr, __atomic_load_n(&rcu_gp, __ATOMIC_RELAXED),
                         __ATOMIC_RELAXED);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    }
}

void rcu_read_unlock(void)
{
    RcuReader *r = rcu_self;

    g_assert(r && r->depth > 0);
    if (--r->depth == 0) {
        __atomic_store_n(&r->ctr, 0, __ATOMIC_RELEASE);
    }
}

void synchronize_rcu(void)
{
    uint64_t gp;
    unsigned spins = 0;

    pthread_once(&rcu_once, rcu_global_init);
    /* A reader waiting for itself would never finish. */
    g_assert(!rcu_self || rcu_self->depth == 0);

    g_mutex_lock(&rcu_sync_lock);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    gp = __atomic_add_fetch(&rcu_gp, 1, __ATOMIC_SEQ_CST);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);

    g_mutex_lock(&rcu_registry_lock);
    for (guint i = 0; i < rcu_readers->len; i++) {
        RcuReader *r = g_ptr_array_index(rcu_readers, i);
        for (;;) {
            uint64_t c = __atomic_load_n(&r->ctr, __ATOMIC_ACQUIRE);
            if (c == 0 || c >= gp) {
                break;
            }
            /* Readers' sections are short: yield, then sleep a little.
             * The registry lock keeps r alive; registration waits. */
            if (++spins < 100) {
                sched_yield();
            } else {
                g_usleep(100);
            }
        }
    }
    g_mutex_unlock(&rcu_registry_lock);
    g_mutex_unlock(&rcu_sync_lock);
}

/* ---- call_rcu: deferred frees on a background thread ---- */

typedef struct RcuCallback {
    void *ptr;
    void (*fn)(void *ptr);
} RcuCallback;

static GMutex rcu_cb_lock;
static GCond rcu_cb_cond;       /* new work, or work done */
static GQueue rcu_cb_queue = G_QUEUE_INIT;
static uint64_t rcu_cb_queued, rcu_cb_done;
static GThread *rcu_cb_thread;

static gpointer rcu_cb_main(gpointer unused)
{
    for (;;) {
        GQueue batch = G_QUEUE_INIT;
        RcuCallback *cb;
        guint n;

        g_mutex_lock(&rcu_cb_lock);
        while (g_queue_is_empty(&rcu_cb_queue)) {
            g_cond_wait(&rcu_cb_cond, &rcu_cb_lock);
        }
        batch = rcu_cb_queue;
        g_queue_init(&rcu_cb_queue);
        g_mutex_unlock(&rcu_cb_lock);

        synchronize_rcu();
        n = batch.length;
        while ((cb = g_queue_pop_head(&batch))) {
            cb->fn(cb->ptr);
            g_free(cb);
        }

        g_mutex_lock(&rcu_cb_lock);
        rcu_cb_done += n;
        g_cond_broadcast(&rcu_cb_cond);
        g_mutex_unlock(&rcu_cb_lock);
    }
    return NULL;
}

void call_rcu(void *ptr, void (*fn)(void *ptr))
{
    RcuCallback *cb = g_new(RcuCallback, 1);

    cb->ptr = ptr;
    cb->fn = fn;
    g_mutex_lock(&rcu_cb_lock);
    if (!rcu_cb_thread) {
        rcu_cb_thread = g_thread_new("rcu-call", rcu_cb_main, NULL);
    }
    g_queue_push_tail(&rcu_cb_queue, cb);
    rcu_cb_queued++;
    g_cond_broadcast(&rcu_cb_cond);
    g_mutex_unlock(&rcu_cb_lock);
}

void drain_call_rcu(void)
{
    g_assert(!rcu_self || rcu_self->depth == 0);
    g_mutex_lock(&rcu_cb_lock);
    uint64_t target = rcu_cb_queued;
    while (rcu_cb_done < target) {
        g_cond_wait(&rcu_cb_cond, &rcu_cb_lock);
    }
    g_mutex_unlock(&rcu_cb_lock);
}
