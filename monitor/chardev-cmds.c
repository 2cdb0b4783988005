/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Chardev commands: chardev-add, chardev-remove, query-chardev and the
 * ring buffer pair ringbuf-write/ringbuf-read, in QMP and HMP form.
 *
 * QMP's chardev-add takes QEMU 7.2's ChardevBackend union
 * ({"type": T, "data": {...}}); we turn it into the same key=value
 * options -chardev uses, so both paths open backends identically.
 */
#include "monitor/monitor-internal.h"
#include "monitor/qmp.h"

/* ---- QMP argument helpers ---- */

/* qmp_check_args with member names reported as "PREFIX.name", as QEMU
 * names members of nested structs. */
static bool check_nested(JsonObject *o, const char *spec, const char *prefix,
                         Error **errp)
{
    Error *err = NULL;
    const char *msg, *q;

    if (qmp_check_args(o, spec, &err)) {
        return true;
    }
    msg = error_get_pretty(err);
    q = strchr(msg, '\'');
    if (q) {
        error_setg(errp, "%.*s'%s.%s", (int)(q - msg), msg, prefix, q + 1);
    } else {
        error_setg(errp, "%s", msg);
    }
    error_free(err);
    return false;
}

static void set_bool_opt(Opts *opts, JsonObject *o, const char *member,
                         const char *key)
{
    if (json_object_has_member(o, member)) {
        opts_set(opts, key, json_object_get_boolean_member(o, member)
                            ? "on" : "off");
    }
}

static void set_int_opt(Opts *opts, JsonObject *o, const char *member,
                        const char *key)
{
    if (json_object_has_member(o, member)) {
        g_autofree char *v = g_strdup_printf(
            "%" PRId64, json_object_get_int_member(o, member));
        opts_set(opts, key, v);
    }
}

static void set_str_opt(Opts *opts, JsonObject *o, const char *member,
                        const char *key)
{
    if (json_object_has_member(o, member)) {
        opts_set(opts, key, json_object_get_string_member(o, member));
    }
}

/* SocketAddressLegacy: {"type": "inet"|"unix", "data": {...}} */
static bool socket_addr_opts(JsonObject *d, Opts *opts, Error **errp)
{
    JsonObject *addr = json_object_get_object_member(d, "addr");
    const char *type;
    JsonObject *ad;

    if (!check_nested(addr, "type:s,data:o", "backend.data.addr", errp)) {
        return false;
    }
    type = json_object_get_string_member(addr, "type");
    ad = json_object_get_object_member(addr, "data");
    if (!strcmp(type, "inet")) {
        if (!check_nested(ad, "host:s,port:s,numeric:b?,to:i?,ipv4:b?,"
                          "ipv6:b?",
                          "backend.data.addr.data", errp)) {
            return false;
        }
        set_str_opt(opts, ad, "host", "host");
        set_str_opt(opts, ad, "port", "port");
        set_bool_opt(opts, ad, "ipv4", "ipv4");
        set_bool_opt(opts, ad, "ipv6", "ipv6");
        return true;
    }
    if (!strcmp(type, "unix")) {
        if (!check_nested(ad, "path:s",
                          "backend.data.addr.data", errp)) {
            return false;
        }
        set_str_opt(opts, ad, "path", "path");
        return true;
    }
    error_setg(errp, "Parameter 'type' does not accept value '%s'", type);
    return false;
}

/*
 * The backend's data as -chardev options; *backend is kemu's backend
 * name. Member names and defaults are QEMU 7.2's (a QMP socket is a
 * server that does not wait unless told otherwise).
 */
static Opts *backend_opts(JsonObject *be, const char **backend,
                          Error **errp)
{
    const char *type;
    JsonObject *d;
    Opts *opts;

    if (!check_nested(be, "type:s,data:o", "backend", errp)) {
        return NULL;
    }
    type = json_object_get_string_member(be, "type");
    d = json_object_get_object_member(be, "data");
    opts = opts_new();
    *backend = type;
    if (!strcmp(type, "file")) {
        if (!check_nested(d, "logfile:s?,logappend:b?,in:s?,out:s,"
                          "append:b?", "backend.data", errp)) {
            goto fail;
        }
        set_str_opt(opts, d, "out", "path");
        set_str_opt(opts, d, "in", "input-path");
        set_bool_opt(opts, d, "append", "append");
    } else if (!strcmp(type, "pipe")) {
        if (!check_nested(d, "logfile:s?,logappend:b?,device:s",
                          "backend.data", errp)) {
            goto fail;
        }
        set_str_opt(opts, d, "device", "path");
    } else if (!strcmp(type, "ringbuf") || !strcmp(type, "memory")) {
        if (!check_nested(d, "logfile:s?,logappend:b?,size:i?",
                          "backend.data", errp)) {
            goto fail;
        }
        set_int_opt(opts, d, "size", "size");
    } else if (!strcmp(type, "socket")) {
        if (!check_nested(d, "logfile:s?,logappend:b?,addr:o,server:b?,"
                          "wait:b?,nodelay:b?,telnet:b?,reconnect:i?",
                          "backend.data", errp) ||
            !socket_addr_opts(d, opts, errp)) {
            goto fail;
        }
        opts_set(opts, "server", qmp_arg_bool(d, "server", true) ? "on"
                                                                 : "off");
        opts_set(opts, "wait", qmp_arg_bool(d, "wait", false) ? "on" : "off");
        set_bool_opt(opts, d, "nodelay", "nodelay");
        set_bool_opt(opts, d, "telnet", "telnet");
        set_int_opt(opts, d, "reconnect", "reconnect");
    } else if (!strcmp(type, "stdio")) {
        if (!check_nested(d, "logfile:s?,logappend:b?,signal:b?",
                          "backend.data", errp)) {
            goto fail;
        }
        set_bool_opt(opts, d, "signal", "signal");
    } else if (!strcmp(type, "mux")) {
        if (!check_nested(d, "logfile:s?,logappend:b?,chardev:s",
                          "backend.data", errp)) {
            goto fail;
        }
        set_str_opt(opts, d, "chardev", "chardev");
    } else if (!strcmp(type, "null") || !strcmp(type, "pty")) {
        if (!check_nested(d, "logfile:s?,logappend:b?", "backend.data",
                          errp)) {
            goto fail;
        }
    } else {
        /* The kinds kemu's query-qmp-schema lists, nothing more. */
        error_setg(errp, "Parameter 'type' does not accept value '%s'",
                   type);
        goto fail;
    }
    return opts;

fail:
    opts_free(opts);
    return NULL;
}

static JsonNode *qmp_chardev_add(JsonObject *args, Error **errp)
{
    const char *id, *backend = NULL;
    Error *err = NULL;
    JsonObject *r;
    Chardev *chr;
    Opts *opts;

    if (!qmp_check_args(args, "id:s,backend:o", errp)) {
        return NULL;
    }
    id = qmp_arg_str(args, "id");
    opts = backend_opts(json_object_get_object_member(args, "backend"),
                        &backend, errp);
    if (!opts) {
        return NULL;
    }
    if (chardev_find(id)) {
        error_setg(errp, "Chardev with id '%s' already exists", id);
        opts_free(opts);
        return NULL;
    }
    chr = chardev_new(id, backend, opts, &err);
    opts_free(opts);
    if (!chr) {
        error_setg(errp, "Failed to add chardev '%s': %s", id,
                   error_get_pretty(err));
        error_free(err);
        return NULL;
    }
    r = json_object_new();
    if (g_str_has_prefix(chr->filename, "pty:")) {
        json_object_set_string_member(r, "pty", chr->filename + 4);
    }
    return qmp_node_object(r);
}

static void hmp_chardev_add(Monitor *mon, const HmpArgs *a)
{
    Error *err = NULL;
    Opts *opts = opts_parse(hmp_arg_str(a, "args"), "backend", true, &err);
    const char *id;
    Chardev *chr = NULL;

    if (opts) {
        id = opts_get(opts, "id") ? opts_get(opts, "id") : opts->id;
        if (id && chardev_find(id)) {
            /* The /chardevs container refuses it, as in QEMU. */
            error_setg(&err, "attempt to add duplicate property '%s' to "
                       "object (type 'container')", id);
        } else {
            chr = chardev_new_from_opts(opts, &err);
        }
        opts_free(opts);
    }
    if (!chr) {
        const char *msg = error_get_pretty(err);
        /* QEMU checks the keys while parsing and says so twice. */
        if (g_str_has_prefix(msg, "Invalid parameter '")) {
            monitor_printf(mon, "%s\nError: Parsing chardev args failed\n",
                           msg);
        } else {
            monitor_printf(mon, "Error: %s\n", msg);
        }
        error_free(err);
        return;
    }
    if (g_str_has_prefix(chr->filename, "pty:")) {
        monitor_printf(mon, "char device redirected to %s (label %s)\n",
                       chr->filename + 4, chr->label);
    }
}

/* ---- chardev-remove ---- */

static bool chardev_remove(const char *id, Error **errp)
{
    Chardev *chr = chardev_find(id);

    if (!chr) {
        error_setg(errp, "Chardev '%s' not found", id);
        return false;
    }
    /* A mux keeps chr->fe on its focused frontend: busy too. */
    if (chr->fe) {
        error_setg(errp, "Chardev '%s' is busy", id);
        return false;
    }
    chardev_delete(chr);
    return true;
}

static JsonNode *qmp_chardev_remove(JsonObject *args, Error **errp)
{
    if (qmp_check_args(args, "id:s", errp)) {
        chardev_remove(qmp_arg_str(args, "id"), errp);
    }
    return NULL;
}

static void hmp_chardev_remove(Monitor *mon, const HmpArgs *a)
{
    Error *err = NULL;

    if (!chardev_remove(hmp_arg_str(a, "id"), &err)) {
        monitor_printf(mon, "Error: %s\n", error_get_pretty(err));
        error_free(err);
    }
}

/* ---- query-chardev ---- */

static void add_chardev_info(Chardev *chr, void *opaque)
{
    JsonObject *o = json_object_new();

    json_object_set_boolean_member(o, "frontend-open", chr->fe != NULL);
    json_object_set_string_member(o, "filename",
                                  chr->filename ? chr->filename : "");
    json_object_set_string_member(o, "label", chr->label);
    json_array_add_object_element(opaque, o);
}

static JsonNode *qmp_query_chardev(JsonObject *args, Error **errp)
{
    JsonArray *a;

    if (!qmp_check_args(args, "", errp)) {
        return NULL;
    }
    a = json_array_new();
    chardev_foreach(add_chardev_info, a);
    return qmp_node_array(a);
}

/* ---- ring buffers ---- */

static Chardev *find_ringbuf(const char *id, Error **errp)
{
    Chardev *chr = chardev_find(id);

    if (!chr) {
        error_setg(errp, "Device '%s' not found", id);
        return NULL;
    }
    if (!object_dynamic_cast(OBJECT(chr), "chardev-ringbuf")) {
        error_setg(errp, "%s is not a ringbuf device", id);
        return NULL;
    }
    return chr;
}

static bool check_format(const char *fmt, bool *base64, Error **errp)
{
    *base64 = fmt && !strcmp(fmt, "base64");
    if (fmt && !*base64 && strcmp(fmt, "utf8")) {
        error_setg(errp, "Parameter 'format' does not accept value '%s'",
                   fmt);
        return false;
    }
    return true;
}

/* Strict base64 (g_base64_decode skips junk silently): the alphabet,
 * at most two '=' at the end, a length that is a multiple of 4. */
static guchar *decode_base64(const char *s, gsize *len, Error **errp)
{
    size_t n = strlen(s), body = n;

    while (body && n - body < 2 && s[body - 1] == '=') {
        body--;
    }
    if (n % 4 || strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                        "0123456789+/") != body) {
        error_setg(errp, "Base64 data contains invalid characters");
        return NULL;
    }
    return g_base64_decode(s, len);
}

static bool ringbuf_write(const char *id, const char *data, const char *fmt,
                          Error **errp)
{
    Chardev *chr = find_ringbuf(id, errp);
    g_autofree guchar *bin = NULL;
    gsize len = strlen(data);
    bool b64;

    if (!chr || !check_format(fmt, &b64, errp)) {
        return false;
    }
    if (b64) {
        bin = decode_base64(data, &len, errp);
        if (!bin) {
            return false;
        }
    }
    return chr_ringbuf_write(chr, bin ? bin : (const guchar *)data, len, errp);
}

/* Returns the bytes read as a string (utf8) or their base64. */
static char *ringbuf_read(const char *id, int64_t size, const char *fmt,
                          Error **errp)
{
    Chardev *chr = find_ringbuf(id, errp);
    g_autofree char *data = NULL;
    size_t len;
    bool b64;

    if (!chr || !check_format(fmt, &b64, errp)) {
        return NULL;
    }
    if (size <= 0) {
        error_setg(errp, "size must be greater than zero");
        return NULL;
    }
    data = chr_ringbuf_read_len(chr, size, &len, errp);
    if (!data) {
        return NULL;
    }
    if (b64) {
        return g_base64_encode((const guchar *)data, len);
    }
    /* utf8: up to the first NUL, as a C string; JSON needs valid UTF-8
     * so stray bytes become U+FFFD (QEMU's JSON writer does the same). */
    return g_utf8_make_valid(data, -1);
}

static JsonNode *qmp_ringbuf_write(JsonObject *args, Error **errp)
{
    if (qmp_check_args(args, "device:s,data:s,format:s?", errp)) {
        ringbuf_write(qmp_arg_str(args, "device"), qmp_arg_str(args, "data"),
                      qmp_arg_str(args, "format"), errp);
    }
    return NULL;
}

static JsonNode *qmp_ringbuf_read(JsonObject *args, Error **errp)
{
    g_autofree char *s = NULL;

    if (!qmp_check_args(args, "device:s,size:i,format:s?", errp)) {
        return NULL;
    }
    s = ringbuf_read(qmp_arg_str(args, "device"),
                     qmp_arg_int(args, "size", 0),
                     qmp_arg_str(args, "format"), errp);
    return s ? qmp_node_string(s) : NULL;
}

static void hmp_ringbuf_write(Monitor *mon, const HmpArgs *a)
{
    Error *err = NULL;

    if (!ringbuf_write(hmp_arg_str(a, "device"), hmp_arg_str(a, "data"),
                       NULL, &err)) {
        monitor_printf(mon, "Error: %s\n", error_get_pretty(err));
        error_free(err);
    }
}

static void hmp_ringbuf_read(Monitor *mon, const HmpArgs *a)
{
    Error *err = NULL;
    g_autofree char *s = ringbuf_read(hmp_arg_str(a, "device"),
                                      hmp_arg_int(a, "size", 0), NULL, &err);

    if (!s) {
        monitor_printf(mon, "Error: %s\n", error_get_pretty(err));
        error_free(err);
        return;
    }
    /* Control characters other than \n and \t are shown escaped, as
     * QEMU does, so the terminal is not disturbed. */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\\') {
            monitor_puts(mon, "\\\\");
        } else if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f) {
            monitor_printf(mon, "\\u%04X", *p);
        } else {
            char c[2] = { (char)*p, 0 };
            monitor_puts(mon, c);
        }
    }
    monitor_puts(mon, "\n");
}

static const MonitorCommand chardev_cmds[] = {
    { .hmp_name = "chardev-add", .hmp_args = "args:S", .hmp_params = "args",
      .hmp_help = "add chardev", .hmp = hmp_chardev_add,
      .qmp_name = "chardev-add", .qmp = qmp_chardev_add },
    { .hmp_name = "chardev-remove", .hmp_args = "id:s", .hmp_params = "id",
      .hmp_help = "remove chardev", .hmp = hmp_chardev_remove,
      .qmp_name = "chardev-remove", .qmp = qmp_chardev_remove },
    { .qmp_name = "query-chardev", .qmp = qmp_query_chardev },
    { .hmp_name = "ringbuf_write", .hmp_args = "device:s,data:s",
      .hmp_params = "device data",
      .hmp_help = "Write to a ring buffer character device",
      .hmp = hmp_ringbuf_write,
      .qmp_name = "ringbuf-write", .qmp = qmp_ringbuf_write },
    { .hmp_name = "ringbuf_read", .hmp_args = "device:s,size:i",
      .hmp_params = "device size",
      .hmp_help = "Read from a ring buffer character device",
      .hmp = hmp_ringbuf_read,
      .qmp_name = "ringbuf-read", .qmp = qmp_ringbuf_read },
};

static void __attribute__((constructor)) chardev_cmds_register(void)
{
    monitor_register_commands(chardev_cmds, ARRAY_SIZE(chardev_cmds));
}
