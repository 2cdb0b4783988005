/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command-line option grammar: the first byte picks an option's
 * shape (-device, -drive, -chardev, -machine, -m, -smp, -object, ...:
 * which key is implied, whether bare flags are allowed), the rest is its
 * argument. Every key is then read back through the typed getters as
 * the option handlers do, and through the scalar parsers.
 */
#include "fuzz.h"
#include "util/opts.h"

typedef struct Shape {
    const char *implied;
    bool flags;
} Shape;

static const Shape shapes[] = {
    { "driver", false },    /* -device */
    { NULL, false },        /* -drive, -object, -global */
    { "backend", false },   /* -chardev */
    { "type", true },       /* -machine */
    { "size", false },      /* -m */
    { "cpus", false },      /* -smp */
    { "accel", false },     /* -accel */
    { "mode", true },       /* -mon, -sandbox-like on/off options */
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const Shape *sh;
    g_autofree char *str = NULL;
    Error *err = NULL;
    Opts *o;

    if (!size) {
        return 0;
    }
    sh = &shapes[data[0] % G_N_ELEMENTS(shapes)];
    str = g_strndup((const char *)data + 1, size - 1);
    o = opts_parse(str, sh->implied, sh->flags, &err);
    if (!o) {
        error_free(err);
        return 0;
    }
    opts_wants_help(o);
    for (guint i = 0; i < o->pairs->len; i++) {
        OptPair *p = &g_array_index(o->pairs, OptPair, i);
        uint64_t u;
        int64_t s;
        bool b;

        opts_get(o, p->key);
        opts_get_bool(o, p->key, false, &err);
        error_free(err);
        err = NULL;
        opts_get_number(o, p->key, 0, &err);
        error_free(err);
        err = NULL;
        opts_get_size(o, p->key, 0, &err);
        error_free(err);
        err = NULL;
        if (!parse_size(p->value, &u, 'M', p->key, &err)) {
            error_free(err);
            err = NULL;
        }
        if (!parse_int64(p->value, &s, p->key, &err)) {
            error_free(err);
            err = NULL;
        }
        if (!parse_bool(p->value, &b, p->key, &err)) {
            error_free(err);
            err = NULL;
        }
        id_wellformed(p->value);
    }
    opts_set(o, "fuzz", "1");
    if (!opts_check_all_used(o, &err)) {
        error_free(err);
    }
    opts_free(o);
    return 0;
}
