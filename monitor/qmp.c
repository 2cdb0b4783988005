/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP: the JSON monitor protocol on a chardev. A connection gets the
 * greeting, must negotiate with qmp_capabilities, then sends
 * {"execute": NAME, "arguments": {...}, "id": ANY} and gets back
 * {"return": ...} or {"error": {"class", "desc"}} with the same id.
 * Events go to every negotiated connection.
 *
 * The byte stream is cut into values by json-stream.c; this file only
 * sees complete, bounded JSON values.
 */
#include "monitor/monitor-internal.h"
#include "monitor/qmp.h"
#include "monitor/qmp-json.h"
#include "sysemu/runstate.h"
#include "util/main-loop.h"
#include "config-host.h"

/* Stop reading a client that sends faster than it reads our replies. */
#define QMP_OUT_MAX (1 * MiB)

typedef struct QmpState {
    Monitor *mon;
    JsonStream *js;
    bool negotiated;
    guint resume_timer;     /* waiting for output to drain */
} QmpState;

static bool events_hooked;

/* ---- helpers for handlers ---- */

const char *qmp_error_class_name(ErrorClass cls)
{
    switch (cls) {
    case ERROR_CLASS_COMMAND_NOT_FOUND:
        return "CommandNotFound";
    case ERROR_CLASS_DEVICE_NOT_ACTIVE:
        return "DeviceNotActive";
    case ERROR_CLASS_DEVICE_NOT_FOUND:
        return "DeviceNotFound";
    case ERROR_CLASS_KVM_MISSING_CAP:
        return "KVMMissingCap";
    default:
        return "GenericError";
    }
}

JsonNode *qmp_node_object(JsonObject *obj)
{
    JsonNode *n = json_node_new(JSON_NODE_OBJECT);

    json_node_take_object(n, obj);
    return n;
}

JsonNode *qmp_node_array(JsonArray *arr)
{
    JsonNode *n = json_node_new(JSON_NODE_ARRAY);

    json_node_take_array(n, arr);
    return n;
}

JsonNode *qmp_node_string(const char *s)
{
    JsonNode *n = json_node_new(JSON_NODE_VALUE);

    json_node_set_string(n, s);
    return n;
}

static const char *type_word(char t)
{
    switch (t) {
    case 's':
        return "string";
    case 'i':
        return "integer";
    case 'b':
        return "boolean";
    case 'n':
        return "number";
    case 'o':
        return "object";
    case 'a':
        return "array";
    default:
        return "value";
    }
}

static bool node_has_type(JsonNode *n, char t)
{
    JsonNodeType nt = json_node_get_node_type(n);
    GType vt = nt == JSON_NODE_VALUE ? json_node_get_value_type(n)
                                     : G_TYPE_INVALID;

    switch (t) {
    case 's':
        return vt == G_TYPE_STRING;
    case 'i':
        return vt == G_TYPE_INT64;
    case 'b':
        return vt == G_TYPE_BOOLEAN;
    case 'n':
        return vt == G_TYPE_INT64 || vt == G_TYPE_DOUBLE;
    case 'o':
        return nt == JSON_NODE_OBJECT;
    case 'a':
        return nt == JSON_NODE_ARRAY;
    default:
        return true;
    }
}

bool qmp_check_args(JsonObject *args, const char *spec, Error **errp)
{
    g_auto(GStrv) items = g_strsplit(spec, ",", -1);
    g_autoptr(GList) members = args ? json_object_get_members(args) : NULL;

    /* Unexpected members first, as QEMU reports them. */
    for (GList *l = members; l; l = l->next) {
        bool known = false;
        size_t len = strlen(l->data);

        for (int i = 0; items[i] && !known; i++) {
            known = !strncmp(items[i], l->data, len) && items[i][len] == ':';
        }
        if (!known) {
            error_setg(errp, "Parameter '%s' is unexpected",
                       (const char *)l->data);
            return false;
        }
    }
    for (int i = 0; items[i]; i++) {
        char *colon = strchr(items[i], ':');
        g_autofree char *name = NULL;
        JsonNode *n;

        if (!colon) {
            continue;
        }
        name = g_strndup(items[i], colon - items[i]);
        n = args ? json_object_get_member(args, name) : NULL;
        if (!n) {
            if (colon[2] != '?') {
                error_setg(errp, "Parameter '%s' is missing", name);
                return false;
            }
            continue;
        }
        if (!node_has_type(n, colon[1])) {
            error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                       name, type_word(colon[1]));
            return false;
        }
    }
    return true;
}

const char *qmp_arg_str(JsonObject *args, const char *name)
{
    JsonNode *n = args ? json_object_get_member(args, name) : NULL;

    return n && JSON_NODE_HOLDS_VALUE(n) &&
           json_node_get_value_type(n) == G_TYPE_STRING ?
           json_node_get_string(n) : NULL;
}

int64_t qmp_arg_int(JsonObject *args, const char *name, int64_t def)
{
    JsonNode *n = args ? json_object_get_member(args, name) : NULL;

    return n && JSON_NODE_HOLDS_VALUE(n) &&
           json_node_get_value_type(n) == G_TYPE_INT64 ?
           json_node_get_int(n) : def;
}

bool qmp_arg_bool(JsonObject *args, const char *name, bool def)
{
    JsonNode *n = args ? json_object_get_member(args, name) : NULL;

    return n && JSON_NODE_HOLDS_VALUE(n) &&
           json_node_get_value_type(n) == G_TYPE_BOOLEAN ?
           json_node_get_boolean(n) : def;
}

/* ---- output ---- */

/* One message: compact on one line, or pretty; lines end in \r\n. */
static void qmp_send(Monitor *mon, JsonNode *msg)
{
    g_autofree char *text = qmp_json_to_string(msg, mon->pretty);
    GString *out = g_string_sized_new(strlen(text) + 16);

    for (const char *p = text; *p; p++) {
        if (*p == '\n') {
            g_string_append_c(out, '\r');
        }
        g_string_append_c(out, *p);
    }
    g_string_append(out, "\r\n");
    monitor_write(mon, out->str, out->len);
    g_string_free(out, true);
}

static void qmp_send_object(Monitor *mon, JsonObject *obj)
{
    JsonNode *n = qmp_node_object(obj);

    qmp_send(mon, n);
    json_node_unref(n);
}

static JsonObject *error_object(ErrorClass cls, const char *desc)
{
    JsonObject *e = json_object_new();

    json_object_set_string_member(e, "class", qmp_error_class_name(cls));
    json_object_set_string_member(e, "desc", desc);
    return e;
}

/* QEMU puts "id" first in error replies and last in successful ones. */
static void qmp_send_error(Monitor *mon, JsonNode *id, ErrorClass cls,
                           const char *desc)
{
    JsonObject *r = json_object_new();

    if (id) {
        json_object_set_member(r, "id", json_node_copy(id));
    }
    json_object_set_object_member(r, "error", error_object(cls, desc));
    qmp_send_object(mon, r);
}

static void qmp_send_return(Monitor *mon, JsonNode *id, JsonNode *ret)
{
    JsonObject *r = json_object_new();

    json_object_set_member(r, "return",
                           ret ? ret : qmp_node_object(json_object_new()));
    if (id) {
        json_object_set_member(r, "id", json_node_copy(id));
    }
    qmp_send_object(mon, r);
}

static JsonObject *greeting(void)
{
    JsonObject *ver = json_object_new(), *qemu = json_object_new();
    JsonObject *qmp = json_object_new(), *top = json_object_new();
    JsonArray *caps = json_array_new();
    unsigned major = 0, minor = 0, micro = 0;

    sscanf(KEMU_VERSION, "%u.%u.%u", &major, &minor, &micro);
    json_object_set_int_member(qemu, "micro", micro);
    json_object_set_int_member(qemu, "minor", minor);
    json_object_set_int_member(qemu, "major", major);
    json_object_set_object_member(ver, "qemu", qemu);
    json_object_set_string_member(ver, "package", "kemu");
    json_array_add_string_element(caps, "oob");
    json_object_set_object_member(qmp, "version", ver);
    json_object_set_array_member(qmp, "capabilities", caps);
    json_object_set_object_member(top, "QMP", qmp);
    return top;
}

/* ---- events ---- */

void qmp_emit_event(const char *name, JsonObject *data)
{
    GPtrArray *mons = monitor_list();
    JsonObject *ev = json_object_new(), *ts = json_object_new();
    gint64 now = g_get_real_time();
    JsonNode *node;

    json_object_set_int_member(ts, "seconds", now / G_USEC_PER_SEC);
    json_object_set_int_member(ts, "microseconds", now % G_USEC_PER_SEC);
    json_object_set_object_member(ev, "timestamp", ts);
    json_object_set_string_member(ev, "event", name);
    if (data) {
        json_object_set_object_member(ev, "data", data);
    }
    node = qmp_node_object(ev);
    for (guint i = 0; i < mons->len; i++) {
        Monitor *mon = mons->pdata[i];
        QmpState *qs = mon->qmp;

        if (mon->is_qmp && qs && qs->negotiated) {
            qmp_send(mon, node);
        }
    }
    json_node_unref(node);
}

static void on_system_event(void *opaque, SystemEvent ev, bool guest,
                            ShutdownCause cause)
{
    JsonObject *data = NULL;
    static const char *const names[] = {
        [SYSTEM_EVENT_RESET] = "RESET",
        [SYSTEM_EVENT_SHUTDOWN] = "SHUTDOWN",
        [SYSTEM_EVENT_POWERDOWN] = "POWERDOWN",
        [SYSTEM_EVENT_STOP] = "STOP",
        [SYSTEM_EVENT_RESUME] = "RESUME",
    };

    if (ev == SYSTEM_EVENT_RESET || ev == SYSTEM_EVENT_SHUTDOWN) {
        data = json_object_new();
        json_object_set_boolean_member(data, "guest", guest);
        json_object_set_string_member(data, "reason",
                                      shutdown_cause_name(cause));
    }
    qmp_emit_event(names[ev], data);
}

/* ---- dispatch ---- */

static void qmp_dispatch(QmpState *qs, JsonObject *req)
{
    Monitor *mon = qs->mon;
    JsonNode *id = json_object_get_member(req, "id");
    JsonNode *exec = json_object_get_member(req, "execute");
    JsonNode *argn = json_object_get_member(req, "arguments");
    g_autoptr(GList) members = json_object_get_members(req);
    JsonObject *args;
    const MonitorCommand *cmd;
    const char *name;
    Error *err = NULL;
    JsonNode *ret;
    Monitor *old;

    for (GList *l = members; l; l = l->next) {
        const char *m = l->data;
        if (strcmp(m, "execute") && strcmp(m, "arguments") &&
            strcmp(m, "id")) {
            g_autofree char *d = g_strdup_printf(
                "QMP input member '%s' is unexpected", m);
            qmp_send_error(mon, id, ERROR_CLASS_GENERIC_ERROR, d);
            return;
        }
    }
    if (!exec) {
        qmp_send_error(mon, id, ERROR_CLASS_GENERIC_ERROR,
                       "QMP input lacks member 'execute'");
        return;
    }
    if (!JSON_NODE_HOLDS_VALUE(exec) ||
        json_node_get_value_type(exec) != G_TYPE_STRING) {
        qmp_send_error(mon, id, ERROR_CLASS_GENERIC_ERROR,
                       "QMP input member 'execute' must be a string");
        return;
    }
    if (argn && !JSON_NODE_HOLDS_OBJECT(argn)) {
        qmp_send_error(mon, id, ERROR_CLASS_GENERIC_ERROR,
                       "QMP input member 'arguments' must be an object");
        return;
    }
    name = json_node_get_string(exec);
    args = argn ? json_node_get_object(argn) : NULL;

    if (!strcmp(name, "qmp_capabilities")) {
        if (qs->negotiated) {
            qmp_send_error(mon, id, ERROR_CLASS_COMMAND_NOT_FOUND,
                           "Capabilities negotiation is already complete, "
                           "command ignored");
            return;
        }
        if (!qmp_check_args(args, "enable:a?", &err)) {
            qmp_send_error(mon, id, error_get_class(err),
                           error_get_pretty(err));
            error_free(err);
            return;
        }
        JsonArray *en = args && json_object_has_member(args, "enable") ?
                        json_object_get_array_member(args, "enable") : NULL;
        for (guint i = 0; en && i < json_array_get_length(en); i++) {
            JsonNode *c = json_array_get_element(en, i);
            const char *cap = JSON_NODE_HOLDS_VALUE(c) &&
                json_node_get_value_type(c) == G_TYPE_STRING ?
                json_node_get_string(c) : NULL;
            if (!cap || strcmp(cap, "oob")) {
                g_autofree char *d = g_strdup_printf(
                    "Parameter 'enable' does not accept value '%s'",
                    cap ? cap : "");
                qmp_send_error(mon, id, ERROR_CLASS_GENERIC_ERROR, d);
                return;
            }
        }
        qs->negotiated = true;
        qmp_send_return(mon, id, NULL);
        return;
    }
    if (!qs->negotiated) {
        qmp_send_error(mon, id, ERROR_CLASS_COMMAND_NOT_FOUND,
                       "Expecting capabilities negotiation with "
                       "'qmp_capabilities'");
        return;
    }
    cmd = monitor_find_qmp(name);
    if (!cmd) {
        g_autofree char *d = g_strdup_printf(
            "The command %s has not been found", name);
        qmp_send_error(mon, id, ERROR_CLASS_COMMAND_NOT_FOUND, d);
        return;
    }
    /* The handler may emit events or end the connection: keep id. */
    id = id ? json_node_copy(id) : NULL;
    json_object_ref(req);
    old = monitor_set_cur(mon);
    ret = cmd->qmp(args, &err);
    monitor_set_cur(old);
    if (err) {
        if (ret) {
            json_node_unref(ret);
        }
        qmp_send_error(mon, id, error_get_class(err), error_get_pretty(err));
        error_free(err);
    } else {
        qmp_send_return(mon, id, ret);
    }
    json_object_unref(req);
    if (id) {
        json_node_unref(id);
    }
}

static void qmp_on_value(void *opaque, JsonNode *value, const char *error)
{
    QmpState *qs = opaque;

    if (!value) {
        qmp_send_error(qs->mon, NULL, ERROR_CLASS_GENERIC_ERROR, error);
        return;
    }
    if (!JSON_NODE_HOLDS_OBJECT(value)) {
        qmp_send_error(qs->mon, NULL, ERROR_CLASS_GENERIC_ERROR,
                       "QMP input must be a JSON object");
    } else {
        qmp_dispatch(qs, json_node_get_object(value));
    }
    json_node_unref(value);
}

/* ---- the chardev frontend ---- */

static gboolean qmp_resume_cb(gpointer opaque)
{
    QmpState *qs = opaque;

    if (qs->mon->out->len > QMP_OUT_MAX) {
        return G_SOURCE_CONTINUE;
    }
    qs->resume_timer = 0;
    chr_fe_accept_input(&qs->mon->fe);
    return G_SOURCE_REMOVE;
}

static int qmp_can_read(void *opaque)
{
    QmpState *qs = ((Monitor *)opaque)->qmp;

    if (qs->mon->out->len > QMP_OUT_MAX) {
        /* The client does not read its replies: stop reading its
         * requests until they drain (checked every 50 ms). */
        if (!qs->resume_timer) {
            GSource *s = g_timeout_source_new(50);
            g_source_set_callback(s, qmp_resume_cb, qs, NULL);
            qs->resume_timer = g_source_attach(s, main_loop_context());
            g_source_unref(s);
        }
        return 0;
    }
    return 4096;
}

static void qmp_read(void *opaque, const uint8_t *buf, int size)
{
    QmpState *qs = ((Monitor *)opaque)->qmp;

    json_stream_feed(qs->js, buf, size);
}

static void qmp_event(void *opaque, ChrEvent event)
{
    QmpState *qs = ((Monitor *)opaque)->qmp;

    switch (event) {
    case CHR_EVENT_OPENED:
        qs->negotiated = false;
        json_stream_reset(qs->js);
        qmp_send_object(qs->mon, greeting());
        break;
    case CHR_EVENT_CLOSED:
        qs->negotiated = false;
        json_stream_reset(qs->js);
        g_string_truncate(qs->mon->out, 0);
        break;
    default:
        break;
    }
}

Monitor *monitor_new_qmp(Chardev *chr, bool pretty, Error **errp)
{
    Monitor *mon = monitor_alloc(chr, true, errp);
    QmpState *qs;

    if (!mon) {
        return NULL;
    }
    if (!events_hooked) {
        events_hooked = true;
        system_event_add_handler(on_system_event, NULL);
    }
    qs = g_new0(QmpState, 1);
    qs->mon = mon;
    qs->js = json_stream_new(qmp_on_value, qs);
    mon->pretty = pretty;
    mon->qmp = qs;
    /* The frontend's opaque is the Monitor, as for HMP: the monitor core
     * hands it to its writable watch (monitor_writable). */
    chr_fe_set_handlers(&mon->fe, qmp_can_read, qmp_read, qmp_event, mon);
    return mon;
}
