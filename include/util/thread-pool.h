/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A pool of worker threads for blocking system calls (the block layer's
 * fallback where io_uring is missing). Work runs in a worker; its
 * completion callback runs in the owner's thread, from
 * thread_pool_run_completions(), after the pool's eventfd turns readable.
 */
#ifndef KEMU_THREAD_POOL_H
#define KEMU_THREAD_POOL_H

#include "util/osdep.h"

typedef struct ThreadPool ThreadPool;
typedef int ThreadPoolWork(void *opaque);
typedef void ThreadPoolDone(void *opaque, int ret);

ThreadPool *thread_pool_new(int max_threads);
void thread_pool_free(ThreadPool *p);   /* waits for submitted work */
void thread_pool_submit(ThreadPool *p, ThreadPoolWork *work,
                        ThreadPoolDone *done, void *opaque);
/* Readable while completions wait to be run. */
int thread_pool_fd(ThreadPool *p);
/* Runs the completion callbacks of finished work; returns how many. */
int thread_pool_run_completions(ThreadPool *p);
/* Submitted and not yet completed (callback not run). */
unsigned thread_pool_in_flight(ThreadPool *p);

#endif
