/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The main loop: glib's default-less context of our own, the big lock,
 * fd handlers, bottom halves and atexit hooks. The main thread holds the
 * BQL except while it sleeps in poll(), so everything the loop dispatches
 * (fd handlers, bottom halves, timers, other GSources) runs with it held.
 */
#include "util/osdep.h"
#include "util/main-loop.h"
#include "util/timer.h"
#include <glib-unix.h>
#include <sys/eventfd.h>

static GMutex bql;
static __thread bool bql_held;

void bql_lock(void)
{
    g_assert(!bql_held);
    g_mutex_lock(&bql);
    bql_held = true;
}

void bql_unlock(void)
{
    g_assert(bql_held);
    bql_held = false;
    g_mutex_unlock(&bql);
}

bool bql_locked(void)
{
    return bql_held;
}

/* Helpers for callbacks that may be entered with or without the lock. */
static bool bql_ensure(void)
{
    if (!bql_held) {
        bql_lock();
        return true;
    }
    return false;
}

static void bql_release_if(bool took)
{
    if (took) {
        bql_unlock();
    }
}

static GMainContext *ctx;
static int notify_fd = -1;

/* Drop the BQL while sleeping so vCPU threads can take it. */
static gint poll_without_bql(GPollFD *fds, guint nfds, gint timeout)
{
    bool had = bql_held && timeout != 0;
    gint r;

    if (had) {
        bql_unlock();
    }
    r = g_poll(fds, nfds, timeout);
    if (had) {
        bql_lock();
    }
    return r;
}

/* ---- timers as a GSource: its prepare gives the poll timeout ---- */

static int ns_to_ms_timeout(int64_t ns)
{
    if (ns < 0) {
        return -1;
    }
    /* round up: waking early only to sleep again wastes a wakeup */
    ns = (ns + 999999) / 1000000;
    return ns > INT_MAX ? INT_MAX : (int)ns;
}

static gboolean timer_src_prepare(GSource *s, gint *timeout)
{
    int64_t ns = timers_wait_ns();
    *timeout = ns_to_ms_timeout(ns);
    return ns == 0;
}

static gboolean timer_src_check(GSource *s)
{
    return timers_wait_ns() == 0;
}

static gboolean timer_src_dispatch(GSource *s, GSourceFunc cb, gpointer d)
{
    bool took = bql_ensure();
    timers_run_expired();
    bql_release_if(took);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs timer_src_funcs = {
    .prepare = timer_src_prepare,
    .check = timer_src_check,
    .dispatch = timer_src_dispatch,
};

/* ---- bottom halves: queued from any thread, run via an eventfd ---- */

typedef struct BH {
    void (*fn)(void *opaque);
    void *opaque;
} BH;
static GMutex bh_lock;
static GQueue bh_queue = G_QUEUE_INIT;

static gboolean notify_ready(gint fd, GIOCondition cond, gpointer data)
{
    uint64_t v;
    bool took;

    if (read(fd, &v, sizeof(v)) < 0) {
        /* EAGAIN: another wakeup consumed it */
    }
    took = bql_ensure();
    for (;;) {
        BH *bh;
        g_mutex_lock(&bh_lock);
        bh = g_queue_pop_head(&bh_queue);
        g_mutex_unlock(&bh_lock);
        if (!bh) {
            break;
        }
        bh->fn(bh->opaque);
        g_free(bh);
    }
    bql_release_if(took);
    return G_SOURCE_CONTINUE;
}

static __thread bool in_loop_thread;

/* A timer armed earlier than before: the loop must recompute its poll
 * timeout. The loop thread itself does so before it next polls; only
 * other threads (vCPUs) need to wake it, which saves a system call per
 * re-arm in timer-heavy passes. */
static void timers_notify(void)
{
    if (!in_loop_thread) {
        main_loop_notify();
    }
}

void main_loop_init(void)
{
    GSource *src;

    if (ctx) {
        return;
    }
    in_loop_thread = true;
    ctx = g_main_context_new();
    g_main_context_set_poll_func(ctx, poll_without_bql);
    notify_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    g_assert(notify_fd >= 0);
    src = g_unix_fd_source_new(notify_fd, G_IO_IN);
    g_source_set_callback(src, (GSourceFunc)(void (*)(void))notify_ready,
                          NULL, NULL);
    g_source_attach(src, ctx);
    g_source_unref(src);

    src = g_source_new(&timer_src_funcs, sizeof(GSource));
    g_source_attach(src, ctx);
    g_source_unref(src);
    timers_set_notify(timers_notify);
}

GMainContext *main_loop_context(void)
{
    if (!ctx) {
        main_loop_init();
    }
    return ctx;
}

void main_loop_wait(bool blocking)
{
    main_loop_context();
    g_main_context_iteration(ctx, blocking);
}

void main_loop_notify(void)
{
    uint64_t one = 1;

    if (notify_fd >= 0 && write(notify_fd, &one, sizeof(one)) < 0) {
        /* counter full: the loop is being woken already */
    }
}

void main_loop_bh_schedule(void (*fn)(void *opaque), void *opaque)
{
    BH *bh = g_new(BH, 1);

    bh->fn = fn;
    bh->opaque = opaque;
    g_mutex_lock(&bh_lock);
    g_queue_push_tail(&bh_queue, bh);
    g_mutex_unlock(&bh_lock);
    main_loop_notify();
}

/* ---- fd handlers ---- */

typedef struct FdSource {
    GSource src;
    int fd;
    gpointer tag;
    IOHandler *on_read, *on_write;
    void *opaque;
} FdSource;

static GHashTable *fd_sources;   /* fd -> FdSource* */

static gboolean fd_src_dispatch(GSource *s, GSourceFunc cb, gpointer d)
{
    FdSource *fs = (FdSource *)s;
    GIOCondition r = g_source_query_unix_fd(s, fs->tag);
    bool took = bql_ensure();

    /* Errors and hangups go to the read handler, which sees EOF/error. */
    if ((r & (G_IO_IN | G_IO_HUP | G_IO_ERR)) && fs->on_read) {
        fs->on_read(fs->opaque);
    }
    /* The read handler may have removed or replaced this source. */
    if (!g_source_is_destroyed(s) && (r & G_IO_OUT) && fs->on_write) {
        fs->on_write(fs->opaque);
    }
    bql_release_if(took);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs fd_src_funcs = {
    .dispatch = fd_src_dispatch,
};

void main_loop_set_fd_handler(int fd, IOHandler *on_read,
                              IOHandler *on_write, void *opaque)
{
    FdSource *fs;
    GIOCondition cond = 0;

    main_loop_context();
    if (!fd_sources) {
        fd_sources = g_hash_table_new(g_direct_hash, g_direct_equal);
    }
    fs = g_hash_table_lookup(fd_sources, GINT_TO_POINTER(fd));
    if (fs) {
        g_hash_table_remove(fd_sources, GINT_TO_POINTER(fd));
        g_source_destroy(&fs->src);
        g_source_unref(&fs->src);
    }
    if (!on_read && !on_write) {
        return;
    }
    fs = (FdSource *)g_source_new(&fd_src_funcs, sizeof(FdSource));
    fs->fd = fd;
    fs->on_read = on_read;
    fs->on_write = on_write;
    fs->opaque = opaque;
    if (on_read) {
        cond |= G_IO_IN | G_IO_HUP | G_IO_ERR;
    }
    if (on_write) {
        cond |= G_IO_OUT | G_IO_ERR;
    }
    fs->tag = g_source_add_unix_fd(&fs->src, fd, cond);
    g_source_attach(&fs->src, ctx);
    g_hash_table_insert(fd_sources, GINT_TO_POINTER(fd), fs);
    /* Another thread may be sleeping in poll without this fd. */
    g_main_context_wakeup(ctx);
}

/* ---- exit hooks ---- */

static GSList *atexit_fns;

static void run_atexit(void)
{
    /* Last registered runs first, like atexit(). */
    for (GSList *l = atexit_fns; l; l = l->next) {
        ((void (*)(void))l->data)();
    }
}

void kemu_atexit(void (*fn)(void))
{
    if (!atexit_fns) {
        atexit(run_atexit);
    }
    atexit_fns = g_slist_prepend(atexit_fns, (gpointer)fn);
}
