/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Coroutine mutex (see include/util/coroutine-lock.h). */
#include "util/osdep.h"
#include "util/coroutine-lock.h"

static __thread CoScheduleFn *scheduler;

void co_set_scheduler(CoScheduleFn *fn)
{
    scheduler = fn;
}

void co_schedule(Coroutine *co)
{
    if (scheduler) {
        scheduler(co);
    } else {
        coroutine_enter(co);
    }
}

void co_mutex_init(CoMutex *m)
{
    m->locked = false;
    g_queue_init(&m->waiters);
}

void co_mutex_lock(CoMutex *m)
{
    if (!coroutine_in_coroutine()) {
        /* Outside coroutines nothing can interleave: requests run to the
         * end. A held lock here would mean a lost wake-up. */
        g_assert(!m->locked);
        m->locked = true;
        return;
    }
    while (m->locked) {
        g_queue_push_tail(&m->waiters, coroutine_self());
        coroutine_yield();
    }
    m->locked = true;
}

void co_mutex_unlock(CoMutex *m)
{
    m->locked = false;
    Coroutine *next = g_queue_pop_head(&m->waiters);
    if (next) {
        co_schedule(next);
    }
}
