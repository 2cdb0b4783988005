/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The main thread runs a glib main loop that owns every file descriptor
 * and all timers. Device state is protected by one mutex, the big lock
 * (BQL): the main loop holds it while dispatching; vCPU threads take it
 * around device accesses.
 */
#ifndef KEMU_MAIN_LOOP_H
#define KEMU_MAIN_LOOP_H

#include "util/error.h"

void bql_lock(void);
void bql_unlock(void);
bool bql_locked(void);   /* by the calling thread */

/* Set up the glib context and the BQL; call once from main(). */
void main_loop_init(void);
GMainContext *main_loop_context(void);
/* One iteration; blocks up to the next timer deadline when 'blocking'. */
void main_loop_wait(bool blocking);
/* Wake the main loop from another thread (e.g. after a vCPU request). */
void main_loop_notify(void);

/* Call fn(opaque) in the main loop with the BQL held, from any thread. */
void main_loop_bh_schedule(void (*fn)(void *opaque), void *opaque);

/* fd handlers dispatched by the main loop with the BQL held. */
typedef void IOHandler(void *opaque);
/* Register/replace/remove (both NULL) read and write handlers for fd. */
void main_loop_set_fd_handler(int fd, IOHandler *on_read,
                              IOHandler *on_write, void *opaque);

/*
 * Cleanup hooks run at exit on every path that exits normally or through
 * exit(): e.g. restoring the terminal.
 */
void kemu_atexit(void (*fn)(void));

#endif
