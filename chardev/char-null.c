/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "-chardev null": swallows output, never produces input. */
#include "util/osdep.h"
#include "chardev/char.h"

static bool null_open(Chardev *chr, Opts *opts, Error **errp)
{
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

static const TypeInfo null_types[] = {
    {
        .name = "chardev-null",
        .parent = TYPE_CHARDEV,
        .instance_size = sizeof(Chardev),
        .class_init = null_class_init,
    },
};
DEFINE_TYPES(null_types)

/* Referenced by char.c so static links that use the core get this backend. */
const char chardev_null_anchor;
