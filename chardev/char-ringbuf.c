/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "-chardev ringbuf,id=ID[,size=N]" (alias "memory"): output goes into a
 * ring of N bytes (a power of two, 64 KiB by default); when full the
 * oldest bytes are overwritten. The monitor reads it with ringbuf_read
 * and appends with ringbuf_write. Never produces input.
 */
#include "util/osdep.h"
#include "chardev/char.h"

typedef struct RingbufChardev {
    Chardev parent_obj;
    uint8_t *buf;
    size_t size;        /* power of two */
    uint64_t prod, cons;  /* free-running counters */
} RingbufChardev;

static bool is_ringbuf(Chardev *chr)
{
    return object_dynamic_cast(OBJECT(chr), "chardev-ringbuf") != NULL;
}

static bool ringbuf_open(Chardev *chr, Opts *opts, Error **errp)
{
    RingbufChardev *s = (RingbufChardev *)chr;
    Error *err = NULL;
    uint64_t size = opts_get_size(opts, "size", 64 * KiB, &err);

    if (err) {
        error_propagate(errp, err);
        return false;
    }
    opts_get(opts, "logfile");     /* accepted, unused for now */
    if (size == 0 || (size & (size - 1)) || size > 1 * GiB) {
        error_setg(errp, "size of ringbuf chardev must be power of two");
        return false;
    }
    s->size = size;
    s->buf = g_malloc0(size);
    return true;
}

static int ringbuf_write(Chardev *chr, const uint8_t *buf, int len)
{
    RingbufChardev *s = (RingbufChardev *)chr;

    for (int i = 0; i < len; i++) {
        s->buf[s->prod++ & (s->size - 1)] = buf[i];
        if (s->prod - s->cons > s->size) {
            s->cons = s->prod - s->size;
        }
    }
    return len;
}

static void ringbuf_close(Chardev *chr)
{
    g_free(((RingbufChardev *)chr)->buf);
}

bool chr_ringbuf_write(Chardev *chr, const uint8_t *buf, size_t len,
                       Error **errp)
{
    if (!is_ringbuf(chr)) {
        error_setg(errp, "%s is not a ringbuffer device", chr->label);
        return false;
    }
    /* Straight into the ring, like frontend output (not through outbuf,
     * which a ring never needs). */
    ringbuf_write(chr, buf, len);
    return true;
}

char *chr_ringbuf_read_len(Chardev *chr, size_t max, size_t *len_out,
                           Error **errp)
{
    RingbufChardev *s = (RingbufChardev *)chr;
    size_t n;
    char *out;

    if (!is_ringbuf(chr)) {
        error_setg(errp, "%s is not a ringbuffer device", chr->label);
        return NULL;
    }
    n = MIN(max, (size_t)(s->prod - s->cons));
    out = g_malloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        out[i] = s->buf[s->cons++ & (s->size - 1)];
    }
    out[n] = 0;
    if (len_out) {
        *len_out = n;
    }
    return out;
}

char *chr_ringbuf_read(Chardev *chr, size_t max, Error **errp)
{
    return chr_ringbuf_read_len(chr, max, NULL, errp);
}

static void ringbuf_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = CHARDEV_CLASS(oc);

    cc->backend_name = data ? data : "ringbuf";
    cc->open = ringbuf_open;
    cc->write_nonblock = ringbuf_write;
    cc->close = ringbuf_close;
}

static const TypeInfo ringbuf_types[] = {
    {
        .name = "chardev-ringbuf",
        .parent = TYPE_CHARDEV,
        .instance_size = sizeof(RingbufChardev),
        .class_init = ringbuf_class_init,
    },
    {
        .name = "chardev-memory",
        .parent = "chardev-ringbuf",
        .class_init = ringbuf_class_init,
        .class_data = (void *)"memory",
    },
};
DEFINE_TYPES(ringbuf_types)

const char chardev_ringbuf_anchor;
