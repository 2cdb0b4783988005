/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command table shared by HMP and QMP, Monitor objects on chardevs,
 * and the output path. Everything here runs in the main loop with the
 * BQL held.
 */
#include "monitor/monitor-internal.h"
#include "util/main-loop.h"

static GPtrArray *commands;     /* const MonitorCommand * */
static GPtrArray *monitors;     /* Monitor * */
static Monitor *cur_mon;

/* ---- the command table ---- */

void monitor_register_commands(const MonitorCommand *cmds, size_t n)
{
    /* Called from constructors too: create the table on first use. */
    if (!commands) {
        commands = g_ptr_array_new();
    }
    for (size_t i = 0; i < n; i++) {
        g_ptr_array_add(commands, (gpointer)&cmds[i]);
    }
}

GPtrArray *monitor_commands(void)
{
    if (!commands) {
        commands = g_ptr_array_new();
    }
    return commands;
}

static bool (*command_filter)(const MonitorCommand *cmd);

void monitor_set_command_filter(bool (*allow)(const MonitorCommand *cmd))
{
    command_filter = allow;
}

static const MonitorCommand *filtered(const MonitorCommand *c)
{
    return c && command_filter && !command_filter(c) ? NULL : c;
}

static const MonitorCommand *find_hmp(const char *name)
{
    GPtrArray *all = monitor_commands();

    for (guint i = 0; i < all->len; i++) {
        const MonitorCommand *c = all->pdata[i];
        if (c->hmp && c->hmp_name && !strcmp(c->hmp_name, name)) {
            return c;
        }
    }
    for (guint i = 0; i < all->len; i++) {
        const MonitorCommand *c = all->pdata[i];
        if (c->hmp && c->hmp_alias && !strcmp(c->hmp_alias, name)) {
            return c;
        }
    }
    return NULL;
}

const MonitorCommand *monitor_find_hmp(const char *name)
{
    return filtered(find_hmp(name));
}

static const MonitorCommand *find_qmp(const char *name)
{
    GPtrArray *all = monitor_commands();

    for (guint i = 0; i < all->len; i++) {
        const MonitorCommand *c = all->pdata[i];
        if (c->qmp && c->qmp_name && !strcmp(c->qmp_name, name)) {
            return c;
        }
    }
    return NULL;
}

const MonitorCommand *monitor_find_qmp(const char *name)
{
    return filtered(find_qmp(name));
}

/* ---- output ---- */

static void monitor_flush(Monitor *mon);

static void monitor_writable(void *opaque)
{
    Monitor *mon = opaque;

    mon->watching = false;
    monitor_flush(mon);
    /* Input stops while too much output is pending (can_read); as it
     * drains the chardev must look at can_read again, or the client's
     * next command (or its EOF) would never be read. Called from the
     * chardev's write watch, never inside a command's output. */
    if (mon->chr) {
        chr_fe_accept_input(&mon->fe);
    }
}

static void monitor_flush(Monitor *mon)
{
    while (mon->out->len && mon->chr) {
        int n = chr_fe_write(&mon->fe, (const uint8_t *)mon->out->str,
                             MIN(mon->out->len, (gsize)INT_MAX));
        if (n <= 0) {
            /* The chardev is full: go on when it has room again. */
            if (!mon->watching && chr_fe_backend_connected(&mon->fe)) {
                mon->watching = true;
                chr_fe_add_watch(&mon->fe, monitor_writable);
            } else if (!chr_fe_backend_connected(&mon->fe)) {
                g_string_truncate(mon->out, 0);
            }
            return;
        }
        g_string_erase(mon->out, 0, n);
    }
}

void monitor_write(Monitor *mon, const char *buf, size_t len)
{
    if (mon->capture) {
        g_string_append_len(mon->capture, buf, len);
        return;
    }
    if (!mon->chr) {
        return;
    }
    /* A terminal wants \r\n; QEMU sends \r\n on every HMP chardev. */
    if (!mon->is_qmp) {
        for (size_t i = 0; i < len; i++) {
            if (buf[i] == '\n') {
                g_string_append_c(mon->out, '\r');
            }
            g_string_append_c(mon->out, buf[i]);
        }
    } else {
        g_string_append_len(mon->out, buf, len);
    }
    monitor_flush(mon);
}

void monitor_puts(Monitor *mon, const char *s)
{
    if (!mon || mon->is_qmp) {
        return;
    }
    monitor_write(mon, s, strlen(s));
}

void monitor_printf(Monitor *mon, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *s = NULL;

    if (!mon || mon->is_qmp) {
        return;
    }
    va_start(ap, fmt);
    s = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    monitor_write(mon, s, strlen(s));
}

bool monitor_is_qmp(const Monitor *mon)
{
    return mon && mon->is_qmp;
}

/* ---- the current monitor and error_report ---- */

static void monitor_error_sink(void *opaque, const char *msg)
{
    Monitor *mon = cur_mon;

    (void)opaque;
    if (mon && !mon->is_qmp) {
        monitor_write(mon, msg, strlen(msg));
    } else {
        /* A QMP command's error_report: to stderr as QEMU does. */
        fputs(msg, stderr);
    }
}

Monitor *monitor_cur(void)
{
    return cur_mon;
}

Monitor *monitor_set_cur(Monitor *mon)
{
    Monitor *old = cur_mon;

    cur_mon = mon;
    error_set_sink(mon && !mon->is_qmp ? monitor_error_sink : NULL, NULL);
    return old;
}

/* ---- Monitor objects ---- */

GPtrArray *monitor_list(void)
{
    if (!monitors) {
        monitors = g_ptr_array_new();
    }
    return monitors;
}

Monitor *monitor_alloc(Chardev *chr, bool is_qmp, Error **errp)
{
    Monitor *mon = g_new0(Monitor, 1);

    mon->is_qmp = is_qmp;
    mon->out = g_string_new(NULL);
    mon->cpu_index = -1;
    if (chr) {
        if (!chr_fe_init(&mon->fe, chr, errp)) {
            g_string_free(mon->out, true);
            g_free(mon);
            return NULL;
        }
        mon->chr = chr;
    }
    g_ptr_array_add(monitor_list(), mon);
    return mon;
}
