/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "-chardev file,path=PATH[,append=on][,input-path=PATH]": output to a
 * file (truncated unless append=on), input optionally from another file.
 */
#include "util/osdep.h"
#include <fcntl.h>
#include "chardev/char.h"

typedef struct FileChardev {
    Chardev parent_obj;
    int out_fd;
    int in_fd;
} FileChardev;

static bool file_open(Chardev *chr, Opts *opts, Error **errp)
{
    FileChardev *s = (FileChardev *)chr;
    const char *path = opts_get(opts, "path");
    const char *in_path = opts_get(opts, "input-path");
    Error *err = NULL;
    bool append = opts_get_bool(opts, "append", false, &err);
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NONBLOCK;

    if (err) {
        error_propagate(errp, err);
        return false;
    }
    if (!path) {
        error_setg(errp, "chardev: file: no filename given");
        return false;
    }
    flags |= append ? O_APPEND : O_TRUNC;
    s->out_fd = open(path, flags, 0666);
    if (s->out_fd < 0) {
        error_setg_errno(errp, errno, "Could not open '%s'", path);
        return false;
    }
    if (in_path) {
        s->in_fd = open(in_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (s->in_fd < 0) {
            error_setg_errno(errp, errno, "Could not open '%s'", in_path);
            return false;
        }
        chr->read_fd = s->in_fd;
    }
    return true;
}

static int file_write(Chardev *chr, const uint8_t *buf, int len)
{
    ssize_t n = write(((FileChardev *)chr)->out_fd, buf, len);

    if (n >= 0) {
        return n;
    }
    return errno == EAGAIN || errno == EINTR ? 0 : -1;
}

static int file_get_write_fd(Chardev *chr)
{
    return ((FileChardev *)chr)->out_fd;
}

static void file_close(Chardev *chr)
{
    FileChardev *s = (FileChardev *)chr;

    if (s->out_fd >= 0) {
        close(s->out_fd);
        s->out_fd = -1;
    }
    if (s->in_fd >= 0) {
        close(s->in_fd);
        s->in_fd = -1;
    }
}

static void file_instance_init(Object *obj)
{
    FileChardev *s = (FileChardev *)obj;

    s->out_fd = -1;
    s->in_fd = -1;
}

static void file_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = CHARDEV_CLASS(oc);

    cc->backend_name = "file";
    cc->open = file_open;
    cc->write_nonblock = file_write;
    cc->get_write_fd = file_get_write_fd;
    cc->close = file_close;
}

static const TypeInfo file_types[] = {
    {
        .name = "chardev-file",
        .parent = TYPE_CHARDEV,
        .instance_size = sizeof(FileChardev),
        .instance_init = file_instance_init,
        .class_init = file_class_init,
    },
};
DEFINE_TYPES(file_types)

/* Referenced by char.c so static links that use the core get this backend. */
const char chardev_file_anchor;
