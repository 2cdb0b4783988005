/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Minimal read-copy-update: readers mark critical sections; writers
 * publish a new pointer and free the old object only after every reader
 * that might see it has left its critical section. Threads that read
 * (vCPU threads, the main thread) register once; a thread that never
 * registered is registered by its first rcu_read_lock() and unregistered
 * when it exits.
 */
#ifndef KEMU_RCU_H
#define KEMU_RCU_H

#include "util/osdep.h"

void rcu_register_thread(void);
void rcu_unregister_thread(void);
void rcu_read_lock(void);     /* nests */
void rcu_read_unlock(void);
/* Wait until every reader that started before now has finished. */
void synchronize_rcu(void);
/* Free 'ptr' with fn after a grace period (without blocking the caller). */
void call_rcu(void *ptr, void (*fn)(void *ptr));
/* Wait until every callback queued so far has run (tests, shutdown).
 * Must not be called inside a read-side critical section. */
void drain_call_rcu(void);

#define rcu_dereference(p) __atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#define rcu_assign_pointer(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)

#endif
