/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "-chardev null": swallows output, never produces input. "vc" (a
 * virtual console) is the same thing while kemu has no display, which is
 * what QEMU's vc amounts to with -display none.
 */
#include "util/osdep.h"
#include "chardev/char.h"

static bool null_open(Chardev *chr, Opts *opts, Error **errp)
{
    return true;
}

/* QEMU's vc keys (size, colours) are accepted and ignored. */
static bool vc_open(Chardev *chr, Opts *opts, Error **errp)
{
    static const char *const keys[] = { "width", "height", "cols", "rows" };

    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        opts_get(opts, keys[i]);
    }
    return true;
}

static int null_write(Chardev *chr, const uint8_t *buf, int len)
{
    return len;
}

static void null_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = CHARDEV_CLASS(oc);

    cc->backend_name = "null";
    cc->open = null_open;
    cc->write_nonblock = null_write;
}

static void vc_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = CHARDEV_CLASS(oc);

    cc->backend_name = "vc";
    cc->open = vc_open;
    cc->write_nonblock = null_write;
}

static const TypeInfo null_types[] = {
    {
        .name = "chardev-null",
        .parent = TYPE_CHARDEV,
        .instance_size = sizeof(Chardev),
        .class_init = null_class_init,
    },
    {
        .name = "chardev-vc",
        .parent = TYPE_CHARDEV,
        .instance_size = sizeof(Chardev),
        .class_init = vc_class_init,
    },
};
DEFINE_TYPES(null_types)

/* Referenced by char.c so static links that use the core get this backend. */
const char chardev_null_anchor;
