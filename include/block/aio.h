/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The block layer's event context (one per thread). A request running in
 * a coroutine hands its blocking system call to a worker thread and
 * yields; block_aio_poll() runs the completions, which re-enter the
 * waiting coroutines, and the coroutines woken by a released lock.
 * Outside coroutines requests stay synchronous, as the tools' simple
 * paths want.
 */
#ifndef KEMU_BLOCK_AIO_H
#define KEMU_BLOCK_AIO_H

#include "util/coroutine.h"
#include "util/thread-pool.h"

/* Runs fn(opaque) in a worker and waits (yielding) for its result. */
int block_aio_run_in_worker(ThreadPoolWork *fn, void *opaque);
/*
 * io_uring from a coroutine: whole transfer (short ones continued), or
 * -ENOTSUP when there is no ring (not built, refused by the kernel,
 * KEMU_NO_IO_URING set, not in a coroutine) and the caller should use a
 * worker thread instead.
 */
bool block_aio_uring_available(void);
int block_aio_uring_rw(int fd, bool write, void *buf, uint64_t bytes,
                       uint64_t offset);
int block_aio_uring_fsync(int fd);
/* One round: runs ready coroutines and completions; waits for one
 * event first when blocking. Returns true if anything ran. */
bool block_aio_poll(bool blocking);
/* The eventfds that turn readable when a completion waits (worker pool,
 * io_uring), for a main loop to watch; sets up the ring. Returns how many
 * (at most max) were stored in fds. */
int block_aio_get_fds(int *fds, int max);
/* Work submitted or coroutines woken and not run yet. */
bool block_aio_busy(void);

#endif
