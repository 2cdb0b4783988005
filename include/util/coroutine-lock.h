/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A mutex for coroutines of one thread: a waiter yields instead of
 * blocking, and unlock hands the lock to the next waiter through the
 * scheduler callback (so it runs from the event loop, not nested in the
 * unlocker).
 */
#ifndef KEMU_COROUTINE_LOCK_H
#define KEMU_COROUTINE_LOCK_H

#include "util/coroutine.h"

typedef struct CoMutex {
    bool locked;
    GQueue waiters;
} CoMutex;

/* How a woken coroutine gets run later (set by the event loop owner). */
typedef void CoScheduleFn(Coroutine *co);
void co_set_scheduler(CoScheduleFn *fn);
void co_schedule(Coroutine *co);

void co_mutex_init(CoMutex *m);
void co_mutex_lock(CoMutex *m);
void co_mutex_unlock(CoMutex *m);

#endif
