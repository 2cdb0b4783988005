/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Coroutines: enter/yield order, nesting, pool reuse, deep stacks. */
#include "util/osdep.h"
#include "util/coroutine.h"

static void record(void *opaque)
{
    GString *log = opaque;
    g_string_append_c(log, 'a');
    g_assert_true(coroutine_in_coroutine());
    coroutine_yield();
    g_string_append_c(log, 'c');
    coroutine_yield();
    g_string_append_c(log, 'e');
}

static void test_yield_order(void)
{
    GString *log = g_string_new(NULL);
    Coroutine *co = coroutine_create(record, log);
    g_assert_false(coroutine_in_coroutine());
    coroutine_enter(co);
    g_string_append_c(log, 'b');
    coroutine_enter(co);
    g_string_append_c(log, 'd');
    coroutine_enter(co);        /* runs to the end and is freed */
    g_assert_cmpstr(log->str, ==, "abcde");
    g_assert_null(coroutine_self());
    g_string_free(log, true);
}

typedef struct Nest {
    GString *log;
    int depth;
} Nest;

static void nested(void *opaque)
{
    Nest *n = opaque;
    g_string_append_printf(n->log, "<%d", n->depth);
    coroutine_yield();
    Coroutine *self = coroutine_self();
    if (n->depth < 4) {
        Nest child = { n->log, n->depth + 1 };
        Coroutine *co = coroutine_create(nested, &child);
        coroutine_enter(co);                /* runs to its yield */
        g_assert_true(coroutine_self() == self);
        g_string_append_printf(n->log, "|%d", n->depth);
        coroutine_enter(co);                /* runs to its end */
    }
    g_string_append_printf(n->log, "%d>", n->depth);
}

static void test_nesting(void)
{
    GString *log = g_string_new(NULL);
    Nest top = { log, 0 };
    Coroutine *co = coroutine_create(nested, &top);
    coroutine_enter(co);
    g_assert_cmpstr(log->str, ==, "<0");
    coroutine_enter(co);
    g_assert_cmpstr(log->str, ==, "<0<1|0<2|1<3|2<4|34>3>2>1>0>");
    g_string_free(log, true);
}

static void count(void *opaque)
{
    (*(int *)opaque)++;
}

static void test_pool_reuse(void)
{
    int n = 0;
    for (int i = 0; i < 1000; i++) {
        coroutine_enter(coroutine_create(count, &n));
    }
    g_assert_cmpint(n, ==, 1000);
    g_assert_cmpuint(coroutine_pool_size(), >=, 1);
}

static int recurse(int d)
{
    volatile char buf[256];
    buf[0] = d;
    return d ? recurse(d - 1) + buf[0] : 0;
}

static void deep(void *opaque)
{
    *(int *)opaque = recurse(1000);     /* ~300 KiB of stack */
}

static void test_deep_stack(void)
{
    int r = 0;
    coroutine_enter(coroutine_create(deep, &r));
    g_assert_cmpint(r, ==, recurse(1000));
}

static void many_yield(void *opaque)
{
    int *v = opaque;
    for (int i = 0; i < 100; i++) {
        (*v)++;
        coroutine_yield();
    }
}

static void test_interleaved(void)
{
    int v[8] = { 0 };
    Coroutine *co[8];
    for (int i = 0; i < 8; i++) {
        co[i] = coroutine_create(many_yield, &v[i]);
    }
    for (int round = 0; round < 101; round++) {
        for (int i = 0; i < 8; i++) {
            coroutine_enter(co[i]);
        }
    }
    for (int i = 0; i < 8; i++) {
        g_assert_cmpint(v[i], ==, 100);
    }
}

static gpointer thread_body(gpointer p)
{
    test_yield_order();
    test_interleaved();
    return p;
}

static void test_threads(void)
{
    GThread *t[2];
    for (int i = 0; i < 2; i++) {
        t[i] = g_thread_new("co", thread_body, NULL);
    }
    for (int i = 0; i < 2; i++) {
        g_thread_join(t[i]);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/coroutine/yield-order", test_yield_order);
    g_test_add_func("/coroutine/nesting", test_nesting);
    g_test_add_func("/coroutine/pool-reuse", test_pool_reuse);
    g_test_add_func("/coroutine/deep-stack", test_deep_stack);
    g_test_add_func("/coroutine/interleaved", test_interleaved);
    g_test_add_func("/coroutine/threads", test_threads);
    return g_test_run();
}
