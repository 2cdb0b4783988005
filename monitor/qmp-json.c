/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON output in QEMU's monitor format. json-glib's generator writes
 * "key":value without spaces and raw UTF-8; QMP clients (and tests that
 * diff against QEMU) expect "key": value, ", " separators, ASCII-only
 * strings and QEMU's pretty layout, where an empty object is "{" and "}"
 * on two lines.
 */
#include "monitor/qmp-json.h"

static void append_indent(GString *out, int level)
{
    g_string_append_c(out, '\n');
    for (int i = 0; i < level; i++) {
        g_string_append(out, "    ");
    }
}

static void append_string(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);

        switch (c) {
        case '"':
            g_string_append(out, "\\\"");
            break;
        case '\\':
            g_string_append(out, "\\\\");
            break;
        case '\b':
            g_string_append(out, "\\b");
            break;
        case '\f':
            g_string_append(out, "\\f");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        default:
            if (c >= 0x20 && c < 0x7f) {
                g_string_append_c(out, c);
            } else if (c < 0x10000) {
                g_string_append_printf(out, "\\u%04X", c);
            } else {
                c -= 0x10000;
                g_string_append_printf(out, "\\u%04X\\u%04X",
                                       0xd800 | (c >> 10),
                                       0xdc00 | (c & 0x3ff));
            }
        }
    }
    g_string_append_c(out, '"');
}

static void append_value(GString *out, JsonNode *node, bool pretty,
                         int level);

static void append_object(GString *out, JsonObject *obj, bool pretty,
                          int level)
{
    JsonObjectIter it;
    const char *key;
    JsonNode *val;
    bool first = true;

    g_string_append_c(out, '{');
    json_object_iter_init_ordered(&it, obj);
    while (json_object_iter_next_ordered(&it, &key, &val)) {
        if (!first) {
            g_string_append_c(out, ',');
            if (!pretty) {
                g_string_append_c(out, ' ');
            }
        }
        first = false;
        if (pretty) {
            append_indent(out, level + 1);
        }
        append_string(out, key);
        g_string_append(out, ": ");
        append_value(out, val, pretty, level + 1);
    }
    if (pretty) {
        append_indent(out, level);
    }
    g_string_append_c(out, '}');
}

static void append_array(GString *out, JsonArray *arr, bool pretty,
                         int level)
{
    guint n = json_array_get_length(arr);

    g_string_append_c(out, '[');
    for (guint i = 0; i < n; i++) {
        if (i) {
            g_string_append_c(out, ',');
            if (!pretty) {
                g_string_append_c(out, ' ');
            }
        }
        if (pretty) {
            append_indent(out, level + 1);
        }
        append_value(out, json_array_get_element(arr, i), pretty, level + 1);
    }
    if (pretty) {
        append_indent(out, level);
    }
    g_string_append_c(out, ']');
}

static void append_value(GString *out, JsonNode *node, bool pretty,
                         int level)
{
    if (!node) {
        g_string_append(out, "null");
        return;
    }
    switch (json_node_get_node_type(node)) {
    case JSON_NODE_OBJECT:
        append_object(out, json_node_get_object(node), pretty, level);
        break;
    case JSON_NODE_ARRAY:
        append_array(out, json_node_get_array(node), pretty, level);
        break;
    case JSON_NODE_NULL:
        g_string_append(out, "null");
        break;
    case JSON_NODE_VALUE:
        switch (json_node_get_value_type(node)) {
        case G_TYPE_INT64:
            g_string_append_printf(out, "%" PRId64, json_node_get_int(node));
            break;
        case G_TYPE_DOUBLE: {
            char buf[G_ASCII_DTOSTR_BUF_SIZE];
            g_string_append(out, g_ascii_dtostr(buf, sizeof(buf),
                                                json_node_get_double(node)));
            break;
        }
        case G_TYPE_BOOLEAN:
            g_string_append(out, json_node_get_boolean(node) ? "true"
                                                              : "false");
            break;
        case G_TYPE_STRING:
            append_string(out, json_node_get_string(node));
            break;
        default:
            g_string_append(out, "null");
        }
        break;
    }
}

void qmp_json_append(GString *out, JsonNode *node, bool pretty)
{
    append_value(out, node, pretty, 0);
}

char *qmp_json_to_string(JsonNode *node, bool pretty)
{
    GString *out = g_string_new(NULL);

    append_value(out, node, pretty, 0);
    return g_string_free(out, false);
}
