/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error objects and user-facing reports. Messages look like QEMU's:
 * "prog: [-opt value: ]message", hints on the following lines.
 */
#include "util/osdep.h"
#include "util/error.h"

const char *kemu_prog_name = "kemu-system-x86_64";

struct Error {
    char *msg;
    GString *hint;
    ErrorClass cls;
};

/* Unique addresses used only as sentinels: &error_fatal, &error_abort. */
Error *error_fatal;
Error *error_abort;

/* Location stack (main thread; options are processed there). */
typedef struct Loc {
    char *text;         /* "-opt value" or NULL (hidden) */
} Loc;
static GArray *loc_stack;

static ErrorSink *err_sink;
static void *err_sink_opaque;
static GMutex report_lock;

static void loc_push(char *text)
{
    Loc l = { .text = text };
    if (!loc_stack) {
        loc_stack = g_array_new(FALSE, FALSE, sizeof(Loc));
    }
    g_array_append_val(loc_stack, l);
}

void loc_push_option(const char *opt, const char *value)
{
    if (value) {
        loc_push(g_strdup_printf("%s %s", opt, value));
    } else {
        loc_push(g_strdup(opt));
    }
}

void loc_push_none(void)
{
    loc_push(NULL);
}

void loc_pop(void)
{
    if (loc_stack && loc_stack->len) {
        Loc *l = &g_array_index(loc_stack, Loc, loc_stack->len - 1);
        g_free(l->text);
        g_array_set_size(loc_stack, loc_stack->len - 1);
    }
}

static const char *loc_current(void)
{
    if (loc_stack && loc_stack->len) {
        return g_array_index(loc_stack, Loc, loc_stack->len - 1).text;
    }
    return NULL;
}

void error_set_sink(ErrorSink *sink, void *opaque)
{
    err_sink = sink;
    err_sink_opaque = opaque;
}

/* Emits one complete report; the monitor sink gets it without prefix. */
static void emit(const char *kind, const char *msg, const char *hint)
{
    GString *s = g_string_new(NULL);
    const char *loc = loc_current();

    if (err_sink) {
        g_string_append_printf(s, "%s%s\n", kind, msg);
        if (hint) {
            g_string_append(s, hint);
        }
        err_sink(err_sink_opaque, s->str);
    } else {
        g_string_append_printf(s, "%s: ", kemu_prog_name);
        if (loc) {
            g_string_append_printf(s, "%s: ", loc);
        }
        g_string_append_printf(s, "%s%s\n", kind, msg);
        if (hint) {
            g_string_append(s, hint);
        }
        g_mutex_lock(&report_lock);
        fputs(s->str, stderr);
        fflush(stderr);
        g_mutex_unlock(&report_lock);
    }
    g_string_free(s, TRUE);
}

static void error_handle_special(Error **errp, Error *err)
{
    if (errp == &error_abort) {
        emit("", err->msg, err->hint ? err->hint->str : NULL);
        abort();
    }
    if (errp == &error_fatal) {
        emit("", err->msg, err->hint ? err->hint->str : NULL);
        exit(1);
    }
}

static void error_setv(Error **errp, ErrorClass cls, const char *suffix,
                       const char *fmt, va_list ap)
{
    Error *err;

    if (!errp) {
        return;
    }
    err = g_new0(Error, 1);
    err->msg = g_strdup_vprintf(fmt, ap);
    if (suffix) {
        char *m = g_strdup_printf("%s: %s", err->msg, suffix);
        g_free(err->msg);
        err->msg = m;
    }
    err->cls = cls;
    error_handle_special(errp, err);
    /* A second error on the same errp is a programming error: keep the first. */
    if (*errp) {
        error_free(err);
        return;
    }
    *errp = err;
}

void error_setg(Error **errp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_setv(errp, ERROR_CLASS_GENERIC_ERROR, NULL, fmt, ap);
    va_end(ap);
}

void error_setg_errno(Error **errp, int os_errno, const char *fmt, ...)
{
    va_list ap;
    int saved = errno;
    va_start(ap, fmt);
    error_setv(errp, ERROR_CLASS_GENERIC_ERROR,
               os_errno ? strerror(os_errno) : NULL, fmt, ap);
    va_end(ap);
    errno = saved;
}

void error_set_class(Error **errp, ErrorClass cls, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_setv(errp, cls, NULL, fmt, ap);
    va_end(ap);
}

void error_append_hint(Error **errp, const char *fmt, ...)
{
    va_list ap;

    if (!errp || !*errp || errp == &error_fatal || errp == &error_abort) {
        return;
    }
    if (!(*errp)->hint) {
        (*errp)->hint = g_string_new(NULL);
    }
    va_start(ap, fmt);
    g_string_append_vprintf((*errp)->hint, fmt, ap);
    va_end(ap);
}

void error_prepend(Error **errp, const char *fmt, ...)
{
    va_list ap;
    char *pre, *m;

    if (!errp || !*errp || errp == &error_fatal || errp == &error_abort) {
        return;
    }
    va_start(ap, fmt);
    pre = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    m = g_strconcat(pre, (*errp)->msg, NULL);
    g_free(pre);
    g_free((*errp)->msg);
    (*errp)->msg = m;
}

void error_propagate(Error **dst, Error *local_err)
{
    if (!local_err) {
        return;
    }
    error_handle_special(dst, local_err);
    if (dst && !*dst) {
        *dst = local_err;
    } else {
        error_free(local_err);
    }
}

const char *error_get_pretty(const Error *err)
{
    return err->msg;
}

ErrorClass error_get_class(const Error *err)
{
    return err->cls;
}

void error_free(Error *err)
{
    if (err) {
        g_free(err->msg);
        if (err->hint) {
            g_string_free(err->hint, TRUE);
        }
        g_free(err);
    }
}

void error_report_err(Error *err)
{
    emit("", err->msg, err->hint ? err->hint->str : NULL);
    error_free(err);
}

void warn_report_err(Error *err)
{
    emit("warning: ", err->msg, err->hint ? err->hint->str : NULL);
    error_free(err);
}

void error_vreport(const char *fmt, va_list ap)
{
    char *msg = g_strdup_vprintf(fmt, ap);
    emit("", msg, NULL);
    g_free(msg);
}

void error_report(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_vreport(fmt, ap);
    va_end(ap);
}

void warn_report(const char *fmt, ...)
{
    va_list ap;
    char *msg;
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    emit("warning: ", msg, NULL);
    g_free(msg);
}

void info_report(const char *fmt, ...)
{
    va_list ap;
    char *msg;
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    emit("info: ", msg, NULL);
    g_free(msg);
}
