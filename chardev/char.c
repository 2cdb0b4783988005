/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Chardev core: the registry under /chardevs, creation from -chardev and
 * the legacy -serial forms, the frontend API and the bounded output
 * buffer.
 *
 * Output path: chr_fe_write() first offers the bytes to the backend
 * directly when nothing is queued (keeps order and latency), queues what
 * the backend did not take up to outbuf_max, and reports how many bytes
 * it accepted. While bytes are queued the main loop watches the backend's
 * write fd; the handler drains the queue and, once there is room, calls
 * the frontend's pending watch so a UART can finish its transmission.
 * Everything runs under the BQL, so no lock of our own is needed.
 */
#include "util/osdep.h"
#include <poll.h>
#include "chardev/char.h"
#include "util/main-loop.h"
#include "util/timer.h"

/* The built-in backends register from constructors; referencing them
 * here pulls them into any static link that uses the core (unit tests). */
extern const char chardev_null_anchor, chardev_file_anchor,
    chardev_stdio_anchor, chardev_socket_anchor, chardev_pipe_anchor,
    chardev_pty_anchor, chardev_ringbuf_anchor, chardev_mux_anchor;
static const char *const builtin_backends[] __attribute__((used)) = {
    &chardev_null_anchor, &chardev_file_anchor, &chardev_stdio_anchor,
    &chardev_socket_anchor, &chardev_pipe_anchor, &chardev_pty_anchor,
    &chardev_ringbuf_anchor, &chardev_mux_anchor,
};

static Object *chardevs_root(void)
{
    return container_get(object_get_root(), "/chardevs");
}

/* ---- fd watches ---- */

static void chr_fd_readable(void *opaque);
static void chr_fd_writable(void *opaque);

static int chr_write_fd(Chardev *chr)
{
    ChardevClass *cc = CHARDEV_GET_CLASS(chr);
    return cc->get_write_fd ? cc->get_write_fd(chr) : -1;
}

static bool chr_wants_input(Chardev *chr)
{
    return chr->read_fd >= 0 && !chr->read_eof && chr->fe &&
           chr->fe->read && chr_be_can_write(chr) > 0;
}

void chr_update_watches(Chardev *chr)
{
    int rfd = chr_wants_input(chr) ? chr->read_fd : -1;
    int wfd = chr->outbuf->len && !chr->write_failed ? chr_write_fd(chr) : -1;

    if (rfd == chr->watched_rfd && wfd == chr->watched_wfd) {
        return;
    }
    /* Drop the old registrations, then add the new ones; one fd may
     * serve both directions (sockets), so register it once. */
    if (chr->watched_rfd >= 0) {
        main_loop_set_fd_handler(chr->watched_rfd, NULL, NULL, NULL);
    }
    if (chr->watched_wfd >= 0 && chr->watched_wfd != chr->watched_rfd) {
        main_loop_set_fd_handler(chr->watched_wfd, NULL, NULL, NULL);
    }
    if (rfd >= 0 && rfd == wfd) {
        main_loop_set_fd_handler(rfd, chr_fd_readable, chr_fd_writable, chr);
    } else {
        if (rfd >= 0) {
            main_loop_set_fd_handler(rfd, chr_fd_readable, NULL, chr);
        }
        if (wfd >= 0) {
            main_loop_set_fd_handler(wfd, NULL, chr_fd_writable, chr);
        }
    }
    chr->watched_rfd = rfd;
    chr->watched_wfd = wfd;
}

static void chr_fd_readable(void *opaque)
{
    Chardev *chr = opaque;
    ChardevClass *cc = CHARDEV_GET_CLASS(chr);

    if (cc->fd_read) {
        cc->fd_read(chr);
    } else {
        uint8_t buf[4096];
        int want = MIN(chr_be_can_write(chr), (int)sizeof(buf));
        ssize_t n;

        if (want > 0) {
            n = read(chr->read_fd, buf, want);
            if (n > 0) {
                chr_be_write(chr, buf, n);
            } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                chr->read_eof = true;
                chr_be_event(chr, CHR_EVENT_CLOSED);
            }
        }
    }
    chr_update_watches(chr);
}

static void chr_fd_writable(void *opaque)
{
    chr_flush_outbuf(opaque);
}

/* ---- output buffer ---- */

static size_t chr_room(Chardev *chr)
{
    return chr->outbuf->len >= chr->outbuf_max ?
           0 : chr->outbuf_max - chr->outbuf->len;
}

static void chr_notify_writable(Chardev *chr)
{
    CharFrontend *fe = chr->fe;

    if (fe && fe->on_writable && chr_room(chr) > 0) {
        ChrWritableHandler *cb = fe->on_writable;
        fe->on_writable = NULL;      /* one shot: cb may re-arm */
        cb(fe->opaque);
    }
}

void chr_flush_outbuf(Chardev *chr)
{
    ChardevClass *cc = CHARDEV_GET_CLASS(chr);

    while (chr->outbuf->len && !chr->write_failed) {
        int n = cc->write_nonblock(chr, chr->outbuf->data, chr->outbuf->len);
        if (n < 0) {
            /* A reader that went away for good: drop output rather than
             * stall the guest forever. */
            chr->write_failed = true;
            g_byte_array_set_size(chr->outbuf, 0);
            break;
        }
        if (n == 0) {
            break;
        }
        g_byte_array_remove_range(chr->outbuf, 0, n);
    }
    chr_update_watches(chr);
    chr_notify_writable(chr);
}

static int chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    ChardevClass *cc = CHARDEV_GET_CLASS(chr);
    int done = 0;
    size_t room;

    if (len <= 0) {
        return 0;
    }
    if (chr->write_failed) {
        return len;                 /* sink */
    }
    if (!chr->outbuf->len) {
        done = cc->write_nonblock(chr, buf, len);
        if (done < 0) {
            chr->write_failed = true;
            return len;
        }
        if (done == len) {
            return len;
        }
    }
    room = chr_room(chr);
    if (room > (size_t)(len - done)) {
        room = len - done;
    }
    g_byte_array_append(chr->outbuf, buf + done, room);
    done += room;
    chr_update_watches(chr);
    return done;
}

typedef struct FlushScan {
    struct pollfd pfds[64];
    int n;
    bool pending;
} FlushScan;

static void flush_scan_one(Chardev *chr, void *opaque)
{
    FlushScan *scan = opaque;
    int fd;

    if (!chr->outbuf->len || chr->write_failed) {
        return;
    }
    chr_flush_outbuf(chr);
    if (!chr->outbuf->len || chr->write_failed) {
        return;
    }
    fd = chr_write_fd(chr);
    if (fd >= 0 && scan->n < (int)ARRAY_SIZE(scan->pfds)) {
        scan->pending = true;
        scan->pfds[scan->n].fd = fd;
        scan->pfds[scan->n].events = POLLOUT;
        scan->n++;
    }
}

void chr_flush_all_blocking(void)
{
    int64_t deadline = get_monotonic_ns() + 2 * NANOSECONDS_PER_SECOND;

    for (;;) {
        FlushScan scan = { .n = 0 };
        int64_t left;

        chardev_foreach(flush_scan_one, &scan);
        left = deadline - get_monotonic_ns();
        if (!scan.pending || left <= 0) {
            return;
        }
        poll(scan.pfds, scan.n, left / 1000000 + 1);
    }
}

/* ---- frontend API ---- */

bool chr_fe_init(CharFrontend *fe, Chardev *chr, Error **errp)
{
    ChardevClass *cc = chr ? CHARDEV_GET_CLASS(chr) : NULL;

    if (chr && !cc->fe_attach && chr->fe) {
        error_setg(errp, "Device '%s' is in use", chr->label);
        return false;
    }
    memset(fe, 0, sizeof(*fe));
    if (cc && cc->fe_attach && !cc->fe_attach(chr, fe, errp)) {
        return false;
    }
    fe->chr = chr;
    if (chr) {
        if (!cc->fe_attach) {
            chr->fe = fe;
        }
        object_ref(chr);
    }
    return true;
}

bool chr_is_mux(Chardev *chr)
{
    return chr && CHARDEV_GET_CLASS(chr)->fe_attach != NULL;
}

void chr_fe_deinit(CharFrontend *fe)
{
    Chardev *chr = fe->chr;

    if (chr) {
        ChardevClass *cc = CHARDEV_GET_CLASS(chr);
        if (cc->fe_detach) {
            cc->fe_detach(chr, fe);
        } else {
            chr->fe = NULL;
        }
        chr_update_watches(chr);
        if (cc->update_read_handler) {
            cc->update_read_handler(chr);
        }
        object_unref(chr);
    }
    memset(fe, 0, sizeof(*fe));
}

void chr_fe_set_handlers(CharFrontend *fe, ChrCanReadHandler *can_read,
                         ChrReadHandler *read, ChrEventHandler *event,
                         void *opaque)
{
    Chardev *chr = fe->chr;

    fe->can_read = can_read;
    fe->read = read;
    fe->event = event;
    fe->opaque = opaque;
    if (!chr) {
        return;
    }
    chr_update_watches(chr);
    if (CHARDEV_GET_CLASS(chr)->update_read_handler) {
        CHARDEV_GET_CLASS(chr)->update_read_handler(chr);
    }
    if (event && chr->be_open) {
        event(opaque, CHR_EVENT_OPENED);
    }
}

int chr_fe_write(CharFrontend *fe, const uint8_t *buf, int len)
{
    if (!fe->chr) {
        return len;                 /* no backend: a bottomless sink */
    }
    return chr_write(fe->chr, buf, len);
}

void chr_fe_add_watch(CharFrontend *fe, ChrWritableHandler *cb)
{
    fe->on_writable = cb;
    if (fe->chr) {
        chr_update_watches(fe->chr);
    }
}

bool chr_fe_backend_connected(CharFrontend *fe)
{
    return fe->chr != NULL;
}

void chr_fe_accept_input(CharFrontend *fe)
{
    if (fe->chr) {
        ChardevClass *cc = CHARDEV_GET_CLASS(fe->chr);
        if (cc->accept_input) {
            cc->accept_input(fe->chr);
        }
        chr_update_watches(fe->chr);
    }
}

void chr_fe_disconnect(CharFrontend *fe)
{
    if (fe->chr && CHARDEV_GET_CLASS(fe->chr)->disconnect) {
        CHARDEV_GET_CLASS(fe->chr)->disconnect(fe->chr);
    }
}

size_t chr_fe_pending(CharFrontend *fe)
{
    return fe->chr ? fe->chr->outbuf->len : 0;
}

/* ---- backend side ---- */

int chr_be_can_write(Chardev *chr)
{
    CharFrontend *fe = chr->fe;

    if (!fe || !fe->read) {
        return 0;
    }
    return fe->can_read ? fe->can_read(fe->opaque) : 4096;
}

void chr_be_write(Chardev *chr, const uint8_t *buf, int len)
{
    CharFrontend *fe = chr->fe;

    if (fe && fe->read && len > 0) {
        fe->read(fe->opaque, buf, len);
    }
}

void chr_be_event(Chardev *chr, ChrEvent event)
{
    CharFrontend *fe = chr->fe;

    if (event == CHR_EVENT_OPENED) {
        chr->be_open = true;
    } else if (event == CHR_EVENT_CLOSED) {
        chr->be_open = false;
    }
    if (fe && fe->event) {
        fe->event(fe->opaque, event);
    }
}

/* ---- registry and creation ---- */

Chardev *chardev_find(const char *label)
{
    g_autofree char *path = g_strdup_printf("/chardevs/%s", label);
    Object *obj = object_resolve_path_type(path, TYPE_CHARDEV, NULL);

    return obj ? CHARDEV(obj) : NULL;
}

static int foreach_child(Object *child, void *opaque)
{
    void **args = opaque;
    Object *chr = object_dynamic_cast(child, TYPE_CHARDEV);

    if (chr) {
        ((void (*)(Chardev *, void *))args[0])(CHARDEV(chr), args[1]);
    }
    return 0;
}

void chardev_foreach(void (*fn)(Chardev *chr, void *opaque), void *opaque)
{
    void *args[2] = { (void *)fn, opaque };

    object_child_foreach(chardevs_root(), foreach_child, args);
}

static ChardevClass *chardev_class_by_backend(const char *name)
{
    g_autofree char *type = g_strdup_printf("chardev-%s", name);
    ObjectClass *oc = object_class_by_name(type);

    if (!oc || !object_class_dynamic_cast(oc, TYPE_CHARDEV) ||
        object_class_is_abstract(oc)) {
        return NULL;
    }
    return CHARDEV_CLASS(oc);
}

static void chardev_flush_at_exit(void)
{
    chr_flush_all_blocking();
}

Chardev *chardev_new(const char *label, const char *backend, Opts *opts,
                     Error **errp)
{
    static bool atexit_done;
    ChardevClass *cc = chardev_class_by_backend(backend);
    Chardev *chr;

    if (!cc) {
        error_setg(errp, "'%s' is not a valid char driver name", backend);
        return NULL;
    }
    if (chardev_find(label)) {
        error_setg(errp, "Duplicate ID '%s' for chardev", label);
        return NULL;
    }
    chr = CHARDEV(object_new(object_class_get_name(OBJECT_CLASS(cc))));
    chr->label = g_strdup(label);
    if (!chr->filename) {
        chr->filename = g_strdup(backend);
    }
    /* Open unless the backend says otherwise (a server waiting for its
     * client, a pty nobody holds). */
    chr->be_open = true;
    if (!cc->open(chr, opts, errp)) {
        object_unref(chr);
        return NULL;
    }
    if (!object_property_add_child(chardevs_root(), label, OBJECT(chr),
                                   errp)) {
        object_unref(chr);
        return NULL;
    }
    object_unref(chr);              /* the /chardevs child holds it */
    if (!atexit_done) {
        atexit_done = true;
        kemu_atexit(chardev_flush_at_exit);
    }
    return chr;
}

void chardev_delete(Chardev *chr)
{
    object_unparent(OBJECT(chr));
}

/*
 * "mux=on": the backend becomes ID-base and a mux chardev ID sits on it,
 * so several frontends (a UART and the monitor) can share it.
 */
static Chardev *chardev_new_muxed(const char *id, const char *backend,
                                  Opts *opts, Error **errp)
{
    g_autofree char *base_id = g_strdup_printf("%s-base", id);
    Chardev *base, *mux;
    Opts *mopts;

    if (chardev_find(base_id)) {
        error_setg(errp, "Duplicate ID '%s' for chardev", base_id);
        return NULL;
    }
    base = chardev_new(base_id, backend, opts, errp);
    if (!base) {
        return NULL;
    }
    if (!opts_check_all_used(opts, errp)) {
        chardev_delete(base);
        return NULL;
    }
    mopts = opts_new();
    opts_set(mopts, "chardev", base_id);
    mux = chardev_new(id, "mux", mopts, errp);
    opts_free(mopts);
    if (!mux) {
        chardev_delete(base);
    }
    return mux;
}

Chardev *chardev_new_from_opts(Opts *opts, Error **errp)
{
    const char *backend = opts_get(opts, "backend");
    const char *id = opts_get(opts, "id");
    Chardev *chr;

    if (!id) {
        id = opts->id;
    }
    if (!id) {
        error_setg(errp, "chardev: no id specified");
        return NULL;
    }
    if (!backend) {
        error_setg(errp, "chardev: \"%s\" missing backend", id);
        return NULL;
    }
    if (!chardev_class_by_backend(backend)) {
        error_setg(errp, "'%s' is not a valid char driver name", backend);
        return NULL;
    }
    if (chardev_find(id)) {
        error_setg(errp, "Duplicate ID '%s' for chardev", id);
        return NULL;
    }
    if (opts_has(opts, "mux")) {
        Error *err = NULL;
        bool mux = opts_get_bool(opts, "mux", false, &err);
        if (err) {
            error_propagate(errp, err);
            return NULL;
        }
        if (mux) {
            return chardev_new_muxed(id, backend, opts, errp);
        }
    }
    /* Open first so the backend's own keys are marked used, but report
     * unknown keys before the chardev becomes visible. */
    chr = chardev_new(id, backend, opts, errp);
    if (chr && !opts_check_all_used(opts, errp)) {
        chardev_delete(chr);
        return NULL;
    }
    return chr;
}

/*
 * Legacy forms of -serial, -monitor, -qmp, -debugcon: "stdio", "null",
 * "vc", "pty", "file:PATH", "pipe:PATH", "tcp:[HOST]:PORT[,server]
 * [,wait=off|nowait][,nodelay]", "telnet:...", "unix:PATH[,server,...]",
 * "mon:DEV", "chardev:ID" and "none". Each one becomes a backend name
 * plus options; the text after the address takes QEMU's bare flags
 * ("server", "nowait").
 */
static bool legacy_parse(const char *spec, const char **backend, Opts **out,
                         Error **errp)
{
    static const char *const plain[] = { "stdio", "null", "vc", "pty",
                                         "ringbuf" };
    const char *colon = strchr(spec, ':');
    g_autofree char *kind = colon ? g_strndup(spec, colon - spec)
                                  : g_strdup(spec);
    const char *arg = colon ? colon + 1 : NULL;
    const char *comma;
    g_autofree char *addr = NULL;
    Opts *opts;

    for (size_t i = 0; i < ARRAY_SIZE(plain); i++) {
        if (!strcmp(spec, plain[i])) {
            *backend = plain[i];
            *out = opts_new();
            return true;
        }
    }
    if (!arg || (strcmp(kind, "file") && strcmp(kind, "pipe") &&
                 strcmp(kind, "tcp") && strcmp(kind, "telnet") &&
                 strcmp(kind, "unix"))) {
        error_setg(errp, "'%s' is not a valid char driver", kind);
        return false;
    }
    if (!strcmp(kind, "file") || !strcmp(kind, "pipe")) {
        *backend = !strcmp(kind, "file") ? "file" : "pipe";
        *out = opts_new();
        opts_set(*out, "path", arg);
        return true;
    }
    comma = strchr(arg, ',');
    addr = comma ? g_strndup(arg, comma - arg) : g_strdup(arg);
    if (comma) {
        opts = opts_parse(comma + 1, NULL, true, errp);
        if (!opts) {
            return false;
        }
    } else {
        opts = opts_new();
    }
    *backend = "socket";
    if (!strcmp(kind, "unix")) {
        opts_set(opts, "path", addr);
    } else {
        char *pc = strrchr(addr, ':');
        if (!pc) {
            error_setg(errp, "chardev: %s: port number missing", kind);
            opts_free(opts);
            return false;
        }
        *pc = 0;
        opts_set(opts, "host", addr);
        opts_set(opts, "port", pc + 1);
        if (!strcmp(kind, "telnet")) {
            opts_set(opts, "telnet", "on");
        }
    }
    *out = opts;
    return true;
}

Chardev *chardev_new_legacy(const char *label, const char *spec,
                            Error **errp)
{
    const char *backend;
    bool mux = false;
    Opts *opts;
    Chardev *chr;

    if (!strcmp(spec, "none")) {
        return NULL;
    }
    if (g_str_has_prefix(spec, "chardev:")) {
        chr = chardev_find(spec + 8);
        if (!chr) {
            error_setg(errp, "invalid character backend '%s'", spec);
        }
        return chr;
    }
    if (g_str_has_prefix(spec, "mon:")) {
        mux = true;
        spec += 4;
    }
    if (!legacy_parse(spec, &backend, &opts, errp)) {
        return NULL;
    }
    if (mux && !strcmp(backend, "stdio")) {
        /* Ctrl-C goes to the guest; Ctrl-a x ends kemu. */
        opts_set(opts, "signal", "off");
    }
    if (mux) {
        chr = chardev_new_muxed(label, backend, opts, errp);
    } else {
        chr = chardev_new(label, backend, opts, errp);
        if (chr && !opts_check_all_used(opts, errp)) {
            chardev_delete(chr);
            chr = NULL;
        }
    }
    opts_free(opts);
    if (chr && !chr_is_mux(chr) && strcmp(backend, "socket") &&
        strcmp(backend, "pty")) {
        g_free(chr->filename);
        chr->filename = g_strdup(spec);
    }
    return chr;
}

static gint compare_backend(gconstpointer a, gconstpointer b)
{
    return strcmp(((const ChardevClass *)a)->backend_name,
                  ((const ChardevClass *)b)->backend_name);
}

void chardev_print_backends(FILE *f)
{
    GSList *list = object_class_get_list(TYPE_CHARDEV, false);

    list = g_slist_sort(list, compare_backend);
    fprintf(f, "Available chardev backend types: \n");
    for (GSList *l = list; l; l = l->next) {
        ChardevClass *cc = l->data;
        if (cc->backend_name) {
            fprintf(f, "  %s\n", cc->backend_name);
        }
    }
    g_slist_free(list);
}

/* ---- the abstract type ---- */

static void chardev_instance_init(Object *obj)
{
    Chardev *chr = CHARDEV(obj);

    chr->outbuf = g_byte_array_new();
    chr->outbuf_max = CHR_OUT_BUF_DEFAULT;
    chr->read_fd = -1;
    chr->watched_rfd = -1;
    chr->watched_wfd = -1;
}

static void chardev_instance_finalize(Object *obj)
{
    Chardev *chr = CHARDEV(obj);
    ChardevClass *cc = CHARDEV_GET_CLASS(chr);

    chr->read_fd = -1;
    g_byte_array_set_size(chr->outbuf, 0);
    chr_update_watches(chr);
    if (cc->close) {
        cc->close(chr);
    }
    g_byte_array_unref(chr->outbuf);
    g_free(chr->label);
    g_free(chr->filename);
}

static const TypeInfo chardev_types[] = {
    {
        .name = TYPE_CHARDEV,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(Chardev),
        .class_size = sizeof(ChardevClass),
        .instance_init = chardev_instance_init,
        .instance_finalize = chardev_instance_finalize,
        .abstract = true,
    },
};
DEFINE_TYPES(chardev_types)
