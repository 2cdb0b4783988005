/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "-chardev pipe,path=PATH" / "pipe:PATH": output to PATH.out and input
 * from PATH.in when both exist (e.g. two FIFOs), else PATH both ways.
 * Opened read-write so opening a FIFO never waits for the other end and
 * a reader that goes away does not turn into EOF.
 */
#include "util/osdep.h"
#include <fcntl.h>
#include "chardev/char.h"

typedef struct PipeChardev {
    Chardev parent_obj;
    int in_fd, out_fd;
} PipeChardev;

static bool pipe_open(Chardev *chr, Opts *opts, Error **errp)
{
    PipeChardev *s = (PipeChardev *)chr;
    const char *path = opts_get(opts, "path");
    g_autofree char *in = NULL, *out = NULL;

    if (!path) {
        error_setg(errp, "chardev: pipe: no device path given");
        return false;
    }
    in = g_strdup_printf("%s.in", path);
    out = g_strdup_printf("%s.out", path);
    s->in_fd = open(in, O_RDWR | O_CLOEXEC | O_NONBLOCK);
    s->out_fd = open(out, O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (s->in_fd < 0 || s->out_fd < 0) {
        if (s->in_fd >= 0) {
            close(s->in_fd);
        }
        if (s->out_fd >= 0) {
            close(s->out_fd);
        }
        s->out_fd = -1;
        s->in_fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
        if (s->in_fd < 0) {
            error_setg_errno(errp, errno, "Could not open '%s'", path);
            return false;
        }
        s->out_fd = dup(s->in_fd);
    }
    chr->read_fd = s->in_fd;
    return true;
}

static int pipe_write(Chardev *chr, const uint8_t *buf, int len)
{
    ssize_t n = write(((PipeChardev *)chr)->out_fd, buf, len);

    if (n >= 0) {
        return n;
    }
    return errno == EAGAIN || errno == EINTR ? 0 : -1;
}

static int pipe_get_write_fd(Chardev *chr)
{
    return ((PipeChardev *)chr)->out_fd;
}

static void pipe_close(Chardev *chr)
{
    PipeChardev *s = (PipeChardev *)chr;

    if (s->in_fd >= 0) {
        close(s->in_fd);
    }
    if (s->out_fd >= 0) {
        close(s->out_fd);
    }
    s->in_fd = s->out_fd = -1;
}

static void pipe_instance_init(Object *obj)
{
    PipeChardev *s = (PipeChardev *)obj;

    s->in_fd = s->out_fd = -1;
}

static void pipe_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = CHARDEV_CLASS(oc);

    cc->backend_name = "pipe";
    cc->open = pipe_open;
    cc->write_nonblock = pipe_write;
    cc->get_write_fd = pipe_get_write_fd;
    cc->close = pipe_close;
}

static const TypeInfo pipe_types[] = {
    {
        .name = "chardev-pipe",
        .parent = TYPE_CHARDEV,
        .instance_size = sizeof(PipeChardev),
        .instance_init = pipe_instance_init,
        .class_init = pipe_class_init,
    },
};
DEFINE_TYPES(pipe_types)

const char chardev_pipe_anchor;
