/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Coroutines: straight-line code that waits for I/O by yielding instead of
 * blocking its thread (the block layer's request path).
 *
 * A coroutine is set up with ucontext once (its stack and first entry);
 * after that every switch is a sigsetjmp/siglongjmp pair that does not
 * save the signal mask, so no system call per switch. Finished coroutines
 * go back to a per-thread pool with their stacks. Switches are annotated
 * for AddressSanitizer's fiber support, so the ASan build follows stacks.
 */
#ifndef KEMU_COROUTINE_H
#define KEMU_COROUTINE_H

#include "util/osdep.h"

typedef struct Coroutine Coroutine;
typedef void CoroutineEntry(void *opaque);

/* A new coroutine that will run entry(opaque) when first entered. */
Coroutine *coroutine_create(CoroutineEntry *entry, void *opaque);
/*
 * Runs co until it yields or returns. Returning frees it (back to the
 * pool). Entering a running or finished coroutine is a bug (abort).
 */
void coroutine_enter(Coroutine *co);
/* Back to whoever entered the current coroutine. */
void coroutine_yield(void);
/* The running coroutine, or NULL outside any. */
Coroutine *coroutine_self(void);
bool coroutine_in_coroutine(void);
/* How many stacks the calling thread keeps for reuse (for tests). */
unsigned coroutine_pool_size(void);

#endif
