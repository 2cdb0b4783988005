/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Coroutines (see include/util/coroutine.h). */
#include "util/osdep.h"
#include "util/coroutine.h"
#include <setjmp.h>
#include <ucontext.h>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__)
#define CO_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CO_ASAN 1
#endif
#endif

#ifdef CO_ASAN
void __sanitizer_start_switch_fiber(void **fake_stack_save,
                                    const void *bottom, size_t size);
void __sanitizer_finish_switch_fiber(void *fake_stack_save,
                                     const void **bottom_old,
                                     size_t *size_old);
#endif

#define CO_STACK_SIZE (1 * MiB)
#define CO_POOL_MAX   64

enum { CO_ENTER = 1, CO_YIELD, CO_DONE };

struct Coroutine {
    sigjmp_buf env;
    CoroutineEntry *entry;
    void *opaque;
    Coroutine *caller;
    void *stack;            /* mapping, guard page first */
    size_t stack_size;
    bool running;
    Coroutine *next;        /* pool link */
#ifdef CO_ASAN
    void *fake_stack;
    const void *asan_bottom;
    size_t asan_size;
#endif
};

/* The thread's own stack, as a pseudo-coroutine to switch back to. */
static __thread Coroutine leader;
static __thread Coroutine *current;
static __thread Coroutine *pool;
static __thread unsigned pool_len;
/* Hand-off for the ucontext start (makecontext passes ints only). */
static __thread Coroutine *starting;
static __thread sigjmp_buf *start_return;

#ifdef CO_ASAN
/* Who we are switching away from: its stack bounds are learned (the
 * thread's own stack) or refreshed when the switch lands. */
static __thread Coroutine *switch_from;
#endif

static void start_switch(Coroutine *from, Coroutine *to)
{
#ifdef CO_ASAN
    switch_from = from;
    __sanitizer_start_switch_fiber(&from->fake_stack, to->asan_bottom,
                                   to->asan_size);
#else
    (void)from;
    (void)to;
#endif
}

static void finish_switch(Coroutine *self)
{
#ifdef CO_ASAN
    Coroutine *from = switch_from;
    __sanitizer_finish_switch_fiber(self->fake_stack, &from->asan_bottom,
                                    &from->asan_size);
#else
    (void)self;
#endif
}

/* Saves from, jumps to to; returns when someone jumps back to from. */
static int co_switch(Coroutine *from, Coroutine *to, int action)
{
    int r = sigsetjmp(from->env, 0);
    if (r == 0) {
        start_switch(from, to);
        siglongjmp(to->env, action);
    }
    finish_switch(from);
    return r;
}

static void co_trampoline(void)
{
    Coroutine *self = starting;
    /* Record this stack's entry point, then go back to coroutine_create:
     * from here on the coroutine is only ever reached by siglongjmp. */
    Coroutine *creator = self->caller;
    finish_switch(self);
    if (!sigsetjmp(self->env, 0)) {
        start_switch(self, creator);
        siglongjmp(*start_return, 1);
    }
    finish_switch(self);
    for (;;) {
        self->entry(self->opaque);
        self->running = false;
        Coroutine *caller = self->caller;
        self->caller = NULL;
        current = caller == &leader ? NULL : caller;
        /* Parks here; a reuse from the pool jumps back in. */
        co_switch(self, caller, CO_DONE);
    }
}

static Coroutine *co_new(void)
{
    Coroutine *co = g_new0(Coroutine, 1);
    co->stack_size = CO_STACK_SIZE;
    co->stack = mmap(NULL, co->stack_size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (co->stack == MAP_FAILED) {
        g_error("coroutine: cannot map a stack: %s", g_strerror(errno));
    }
    mprotect(co->stack, 4096, PROT_NONE);   /* overflow faults */

    ucontext_t uc, old;
    if (getcontext(&uc) < 0) {
        g_error("coroutine: getcontext failed");
    }
    uc.uc_stack.ss_sp = (char *)co->stack + 4096;
    uc.uc_stack.ss_size = co->stack_size - 4096;
    uc.uc_link = NULL;
    makecontext(&uc, co_trampoline, 0);

    sigjmp_buf back;
    Coroutine *creator = current ? current : &leader;
    starting = co;
    start_return = &back;
    co->caller = creator;       /* only for the start-up hand-off */
#ifdef CO_ASAN
    co->asan_bottom = uc.uc_stack.ss_sp;
    co->asan_size = uc.uc_stack.ss_size;
#endif
    if (!sigsetjmp(back, 0)) {
        start_switch(creator, co);
        swapcontext(&old, &uc);     /* the only swapcontext, once */
    }
    finish_switch(creator);
    co->caller = NULL;
    starting = NULL;
    return co;
}

Coroutine *coroutine_create(CoroutineEntry *entry, void *opaque)
{
    Coroutine *co = pool;
    if (co) {
        pool = co->next;
        pool_len--;
        co->next = NULL;
    } else {
        co = co_new();
    }
    co->entry = entry;
    co->opaque = opaque;
    return co;
}

static void co_release(Coroutine *co)
{
    if (pool_len < CO_POOL_MAX) {
        co->next = pool;
        pool = co;
        pool_len++;
        return;
    }
    munmap(co->stack, co->stack_size);
    g_free(co);
}

void coroutine_enter(Coroutine *co)
{
    if (co->running && co->caller) {
        g_error("coroutine: entering a coroutine that is already running");
    }
    Coroutine *self = current ? current : &leader;
    co->caller = self;
    co->running = true;
    current = co;
    int r = co_switch(self, co, CO_ENTER);
    current = self == &leader ? NULL : self;
    if (r == CO_DONE) {
        co_release(co);
    }
}

void coroutine_yield(void)
{
    Coroutine *self = current;
    if (!self) {
        g_error("coroutine: yield outside a coroutine");
    }
    Coroutine *caller = self->caller;
    self->caller = NULL;
    current = caller == &leader ? NULL : caller;
    co_switch(self, caller, CO_YIELD);
}

Coroutine *coroutine_self(void)
{
    return current;
}

bool coroutine_in_coroutine(void)
{
    return current != NULL;
}

unsigned coroutine_pool_size(void)
{
    return pool_len;
}
