/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Display and input commands: screendump, sendkey/send-key, mouse_move,
 * mouse_button and input-send-event. They reach devices only through the
 * console and input layers (ui/).
 */
#include "monitor/monitor-internal.h"
#include "monitor/qmp.h"
#include "sysemu/runstate.h"
#include "ui/console.h"
#include "ui/input.h"
#include "util/timer.h"

/* ---- screendump ---- */

static bool do_screendump(const char *filename, const char *device,
                          bool has_head, int64_t head, const char *format,
                          Error **errp)
{
    QemuConsole *con;

    if (device) {
        if (head < 0 || head > UINT32_MAX) {
            error_setg(errp, "Parameter 'head' expects uint32_t");
            return false;
        }
        con = qemu_console_lookup_by_device_name(device, head, errp);
        if (!con) {
            return false;
        }
    } else {
        if (has_head) {
            error_setg(errp, "'head' must be specified together with "
                       "'device'");
            return false;
        }
        con = qemu_console_lookup_by_index(0);
        if (!con) {
            error_setg(errp, "There is no console to take a screendump "
                       "from.");
            return false;
        }
    }
    return qemu_console_screendump(con, filename, format, errp);
}

static JsonNode *qmp_screendump(JsonObject *args, Error **errp)
{
    if (qmp_check_args(args, "filename:s,device:s?,head:i?,format:s?",
                       errp)) {
        do_screendump(qmp_arg_str(args, "filename"),
                      qmp_arg_str(args, "device"),
                      json_object_has_member(args, "head"),
                      qmp_arg_int(args, "head", 0),
                      qmp_arg_str(args, "format"), errp);
    }
    return NULL;
}

static void hmp_report(Monitor *mon, Error *err)
{
    if (err) {
        monitor_printf(mon, "Error: %s\n", error_get_pretty(err));
        error_free(err);
    }
}

static void hmp_screendump(Monitor *mon, const HmpArgs *a)
{
    Error *err = NULL;
    const char *format = hmp_arg_str(a, "format");

    if (format && strcmp(format, "ppm") && strcmp(format, "png")) {
        monitor_printf(mon, "Error: invalid parameter value: %s\n", format);
        return;
    }
    do_screendump(hmp_arg_str(a, "filename"), hmp_arg_str(a, "device"),
                  hmp_arg_has(a, "head"), hmp_arg_int(a, "head", 0),
                  format, &err);
    hmp_report(mon, err);
}

/* ---- keys ---- */

/*
 * Keys pressed by send-key are released hold_ms later, in reverse order,
 * from a realtime timer; a new send-key first releases what is held.
 */
static struct {
    Timer *timer;
    int *keys;
    unsigned n;
} held;

static void release_held(void *opaque)
{
    for (unsigned i = held.n; i-- > 0;) {
        qemu_input_event_send_key_qcode(held.keys[i], false);
    }
    qemu_input_event_sync();
    g_free(held.keys);
    held.keys = NULL;
    held.n = 0;
}

static void send_keys(const int *qcodes, unsigned n, int64_t hold_ms)
{
    if (!held.timer) {
        held.timer = timer_new_ns(KEMU_CLOCK_REALTIME, release_held, NULL);
    }
    if (held.n) {
        timer_del(held.timer);
        release_held(NULL);
    }
    for (unsigned i = 0; i < n; i++) {
        qemu_input_event_send_key_qcode(qcodes[i], true);
    }
    qemu_input_event_sync();
    held.keys = g_memdup2(qcodes, n * sizeof(int));
    held.n = n;
    timer_mod_ns(held.timer, clock_get_ns(KEMU_CLOCK_REALTIME) +
                 hold_ms * 1000000);
}

/* A KeyValue: {"type": "qcode", "data": NAME} or {"type": "number",
 * "data": QNUM}. Returns the qcode or -1. */
static int key_value(JsonNode *node, Error **errp)
{
    JsonObject *o = JSON_NODE_HOLDS_OBJECT(node) ?
                    json_node_get_object(node) : NULL;
    const char *type;

    if (!o || !qmp_check_args(o, "type:s,data:*", errp)) {
        if (!o) {
            error_setg(errp, "Invalid parameter type for 'keys', expected: "
                       "KeyValue");
        }
        return -1;
    }
    type = qmp_arg_str(o, "type");
    if (!strcmp(type, "qcode")) {
        JsonNode *d = json_object_get_member(o, "data");
        const char *name = JSON_NODE_HOLDS_VALUE(d) &&
                           json_node_get_value_type(d) == G_TYPE_STRING ?
                           json_node_get_string(d) : NULL;
        int q = name ? qemu_input_qcode_from_name(name) : -1;
        if (q < 0) {
            error_setg(errp, "Parameter 'data' does not accept value '%s'",
                       name ? name : "");
        }
        return q;
    }
    if (!strcmp(type, "number")) {
        JsonNode *d = json_object_get_member(o, "data");
        if (!JSON_NODE_HOLDS_VALUE(d) ||
            json_node_get_value_type(d) != G_TYPE_INT64) {
            error_setg(errp, "Invalid parameter type for 'data', expected: "
                       "integer");
            return -1;
        }
        return qemu_input_qnum_to_qcode(json_node_get_int(d));
    }
    error_setg(errp, "Parameter 'type' does not accept value '%s'", type);
    return -1;
}

static JsonNode *qmp_send_key(JsonObject *args, Error **errp)
{
    JsonArray *keys;
    g_autofree int *codes = NULL;
    unsigned n;

    if (!qmp_check_args(args, "keys:a,hold-time:i?", errp)) {
        return NULL;
    }
    keys = json_object_get_array_member(args, "keys");
    n = json_array_get_length(keys);
    codes = g_new0(int, n + 1);
    for (unsigned i = 0; i < n; i++) {
        codes[i] = key_value(json_array_get_element(keys, i), errp);
        if (codes[i] < 0) {
            return NULL;
        }
    }
    if (n) {
        send_keys(codes, n, MAX(qmp_arg_int(args, "hold-time", 100), 0));
    }
    return NULL;
}

static void hmp_sendkey(Monitor *mon, const HmpArgs *a)
{
    g_auto(GStrv) names = g_strsplit(hmp_arg_str(a, "keys"), "-", -1);
    g_autofree int *codes = g_new0(int, g_strv_length(names) + 1);
    unsigned n = 0;

    for (; names[n]; n++) {
        const char *k = names[n];
        int q;

        if (!*k) {
            monitor_printf(mon, "invalid parameter: %s\n", k);
            return;
        }
        if (g_str_has_prefix(k, "0x")) {
            char *end;
            unsigned long v = strtoul(k, &end, 16);
            if (*end || v > 0xff) {
                monitor_printf(mon, "invalid parameter: %s\n", k);
                return;
            }
            q = qemu_input_qnum_to_qcode(v);
        } else if ((q = qemu_input_qcode_from_name(k)) < 0) {
            monitor_printf(mon, "invalid parameter: %s\n", k);
            return;
        }
        codes[n] = q;
    }
    send_keys(codes, n, hmp_arg_has(a, "hold_ms") ?
              MAX(hmp_arg_int(a, "hold_ms", 100), 0) : 100);
}

/* ---- pointer ---- */

static void hmp_mouse_move(Monitor *mon, const HmpArgs *a)
{
    int64_t dx, dy, dz = 0;
    char *end;

    dx = strtoll(hmp_arg_str(a, "dx_str"), &end, 0);
    dy = strtoll(hmp_arg_str(a, "dy_str"), &end, 0);
    if (hmp_arg_has(a, "dz_str")) {
        dz = strtoll(hmp_arg_str(a, "dz_str"), &end, 0);
    }
    if (qemu_input_is_absolute()) {
        qemu_input_queue_abs(INPUT_AXIS_X, dx, 0, INPUT_EVENT_ABS_MAX);
        qemu_input_queue_abs(INPUT_AXIS_Y, dy, 0, INPUT_EVENT_ABS_MAX);
    } else {
        qemu_input_queue_rel(INPUT_AXIS_X, dx);
        qemu_input_queue_rel(INPUT_AXIS_Y, dy);
    }
    if (dz) {
        InputButton b = dz > 0 ? INPUT_BUTTON_WHEEL_UP
                               : INPUT_BUTTON_WHEEL_DOWN;
        qemu_input_queue_btn(b, true);
        qemu_input_event_sync();
        qemu_input_queue_btn(b, false);
    }
    qemu_input_event_sync();
}

static uint32_t mouse_buttons;      /* what mouse_button last set */

static void hmp_mouse_button(Monitor *mon, const HmpArgs *a)
{
    /* State bits as QEMU reads them: 1 left, 2 right, 4 middle. */
    int64_t state = hmp_arg_int(a, "button_state", 0);
    uint32_t want = (state & 1 ? 1u << INPUT_BUTTON_LEFT : 0) |
                    (state & 2 ? 1u << INPUT_BUTTON_RIGHT : 0) |
                    (state & 4 ? 1u << INPUT_BUTTON_MIDDLE : 0);

    qemu_input_update_buttons(&mouse_buttons, want);
    qemu_input_event_sync();
}

/* ---- input-send-event ---- */

static bool parse_event(JsonNode *node, InputEvent *e, Error **errp)
{
    JsonObject *o = JSON_NODE_HOLDS_OBJECT(node) ?
                    json_node_get_object(node) : NULL;
    JsonObject *d;
    const char *type;

    if (!o) {
        error_setg(errp, "Invalid parameter type for 'events', expected: "
                   "InputEvent");
        return false;
    }
    if (!qmp_check_args(o, "type:s,data:o", errp)) {
        return false;
    }
    type = qmp_arg_str(o, "type");
    d = json_object_get_object_member(o, "data");
    if (!strcmp(type, "key")) {
        int q;
        if (!qmp_check_args(d, "key:o,down:b", errp)) {
            return false;
        }
        q = key_value(json_object_get_member(d, "key"), errp);
        if (q < 0) {
            return false;
        }
        e->kind = INPUT_EVENT_KIND_KEY;
        e->key.qcode = q;
        e->key.down = qmp_arg_bool(d, "down", false);
    } else if (!strcmp(type, "btn")) {
        int b;
        if (!qmp_check_args(d, "button:s,down:b", errp)) {
            return false;
        }
        b = qemu_input_button_from_name(qmp_arg_str(d, "button"));
        if (b < 0) {
            error_setg(errp, "Parameter 'button' does not accept value '%s'",
                       qmp_arg_str(d, "button"));
            return false;
        }
        e->kind = INPUT_EVENT_KIND_BTN;
        e->btn.button = b;
        e->btn.down = qmp_arg_bool(d, "down", false);
    } else if (!strcmp(type, "rel") || !strcmp(type, "abs")) {
        int axis;
        if (!qmp_check_args(d, "axis:s,value:i", errp)) {
            return false;
        }
        axis = qemu_input_axis_from_name(qmp_arg_str(d, "axis"));
        if (axis < 0) {
            error_setg(errp, "Parameter 'axis' does not accept value '%s'",
                       qmp_arg_str(d, "axis"));
            return false;
        }
        e->kind = !strcmp(type, "rel") ? INPUT_EVENT_KIND_REL
                                       : INPUT_EVENT_KIND_ABS;
        e->move.axis = axis;
        e->move.value = qmp_arg_int(d, "value", 0);
        if (e->kind == INPUT_EVENT_KIND_ABS) {
            e->move.value = CLAMP(e->move.value, 0, INPUT_EVENT_ABS_MAX);
        }
    } else {
        error_setg(errp, "Parameter 'type' does not accept value '%s'", type);
        return false;
    }
    return true;
}

static JsonNode *qmp_input_send_event(JsonObject *args, Error **errp)
{
    JsonArray *events;
    g_autofree InputEvent *ev = NULL;
    unsigned n;

    if (!qmp_check_args(args, "device:s?,head:i?,events:a", errp)) {
        return NULL;
    }
    if (qmp_arg_str(args, "device")) {
        /* Events for one console's device: only that console's input
         * exists here, so the device must at least be a display. */
        if (!qemu_console_lookup_by_device_name(
                qmp_arg_str(args, "device"), qmp_arg_int(args, "head", 0),
                errp)) {
            return NULL;
        }
    }
    if (!runstate_is_running()) {
        error_setg(errp, "VM not running");
        return NULL;
    }
    events = json_object_get_array_member(args, "events");
    n = json_array_get_length(events);
    ev = g_new0(InputEvent, n + 1);
    /* All or nothing: check every event before sending any. */
    for (unsigned i = 0; i < n; i++) {
        if (!parse_event(json_array_get_element(events, i), &ev[i], errp)) {
            return NULL;
        }
    }
    for (unsigned i = 0; i < n; i++) {
        qemu_input_event_send(&ev[i]);
    }
    qemu_input_event_sync();
    return NULL;
}

static const MonitorCommand display_cmds[] = {
    { .hmp_name = "screendump",
      .hmp_args = "filename:s,format:-fs,device:s?,head:i?",
      .hmp_params = "filename [-f format] [device [head]]",
      .hmp_help = "write the picture of a display (the first one, or head "
                  "'head' of 'device') to 'filename' as PPM (default) or "
                  "PNG ('-f png')",
      .hmp = hmp_screendump,
      .qmp_name = "screendump", .qmp = qmp_screendump },
    { .hmp_name = "sendkey", .hmp_args = "keys:s,hold_ms:i?",
      .hmp_params = "keys [hold_ms]",
      .hmp_help = "press keys joined by '-' (names or 0x scan codes) "
                  "together, e.g. 'sendkey ctrl-alt-f1', and release "
                  "them after hold_ms (100 ms by default)",
      .hmp = hmp_sendkey,
      .qmp_name = "send-key", .qmp = qmp_send_key },
    { .hmp_name = "mouse_move", .hmp_args = "dx_str:s,dy_str:s,dz_str:s?",
      .hmp_params = "dx dy [dz]",
      .hmp_help = "move the mouse by dx, dy (or to dx, dy on a tablet); "
                  "dz turns the wheel",
      .hmp = hmp_mouse_move },
    { .hmp_name = "mouse_button", .hmp_args = "button_state:i",
      .hmp_params = "state",
      .hmp_help = "set which mouse buttons are down (1=left, 2=right, "
                  "4=middle, 0=none)",
      .hmp = hmp_mouse_button },
    { .qmp_name = "input-send-event", .qmp = qmp_input_send_event },
};

static void __attribute__((constructor)) display_cmds_register(void)
{
    monitor_register_commands(display_cmds, ARRAY_SIZE(display_cmds));
}
