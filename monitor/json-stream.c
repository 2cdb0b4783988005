/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QMP framing lexer: finds where each top-level JSON value ends in a
 * byte stream, without parsing it, so json-glib gets exactly one complete
 * value at a time. It tracks strings (with escapes) and the bracket
 * stack, and enforces size, token and depth limits while the bytes
 * arrive, so hostile input costs bounded memory and never reaches
 * json-glib's recursive parser.
 *
 * After an error the lexer either skips the rest of the oversized value
 * (its structure is still tracked, nothing is stored) or, after a stray
 * byte, discards input until something that can start an object or array:
 * one error reply per bad value instead of one per byte.
 */
#include "monitor/qmp-json.h"

typedef enum JsMode {
    JS_NORMAL,
    JS_SKIP,        /* over a limit: follow the value to its end, drop it */
    JS_RECOVER,     /* after a stray byte: wait for '{' or '[' */
} JsMode;

struct JsonStream {
    JsonStreamFn *fn;
    void *opaque;
    JsonParser *parser;
    JsMode mode;
    GString *buf;               /* text of the value being collected */
    char stack[JSON_STREAM_MAX_DEPTH];
    int depth;
    long skip_depth;            /* JS_SKIP: open brackets left */
    size_t tokens;
    bool in_string, escape, in_bare;
};

static bool is_bare_char(uint8_t c)
{
    /* Letters, digits and number punctuation: true, -1.5e+3 ... */
    return g_ascii_isalnum(c) || c == '+' || c == '-' || c == '.';
}

static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void js_clear(JsonStream *js)
{
    g_string_truncate(js->buf, 0);
    js->depth = 0;
    js->tokens = 0;
    js->in_string = js->escape = js->in_bare = false;
}

static void js_error(JsonStream *js, const char *msg)
{
    js->fn(js->opaque, NULL, msg);
}

static void js_stray(JsonStream *js, uint8_t c)
{
    char what[16];

    if (c >= 0x80) {
        snprintf(what, sizeof(what), "\\uFFFD");
    } else if (c < 0x20 || c == 0x7f) {
        snprintf(what, sizeof(what), "\\u%04X", c);
    } else {
        snprintf(what, sizeof(what), "%c", c);
    }
    g_autofree char *msg = g_strdup_printf("JSON parse error, stray '%s'",
                                           what);
    js_clear(js);
    js->mode = JS_RECOVER;
    js_error(js, msg);
}

/* Over a limit: report once, then follow the value to its end. */
static void js_overflow(JsonStream *js, const char *msg, long open)
{
    bool in_string = js->in_string, escape = js->escape;
    bool in_bare = js->in_bare;

    js_clear(js);
    js->in_string = in_string;
    js->escape = escape;
    js->in_bare = in_bare;
    js->skip_depth = open;
    js->mode = JS_SKIP;
    js_error(js, msg);
}

static bool js_append(JsonStream *js, uint8_t c)
{
    g_string_append_c(js->buf, c);
    if (js->buf->len > JSON_STREAM_MAX_SIZE) {
        js_overflow(js, "JSON token size limit exceeded", js->depth);
        return false;
    }
    return true;
}

static bool js_token(JsonStream *js)
{
    if (++js->tokens > JSON_STREAM_MAX_TOKENS) {
        js_overflow(js, "JSON token count limit exceeded", js->depth);
        return false;
    }
    return true;
}

/* json-glib says "<data>:1:5: Parse error: unexpected ..."; keep the
 * part after the position. */
static char *js_glib_message(const GError *err)
{
    const char *m = err->message;
    const char *p = strstr(m, "Parse error: ");

    if (p) {
        m = p + strlen("Parse error: ");
    } else if ((p = strrchr(m, ':')) && p[1] == ' ') {
        m = p + 2;
    }
    return g_strdup_printf("JSON parse error, %s", m);
}

static void js_emit(JsonStream *js)
{
    GError *gerr = NULL;

    if (!g_utf8_validate(js->buf->str, js->buf->len, NULL)) {
        js_clear(js);
        js_error(js, "JSON parse error, invalid UTF-8 sequence in string");
        return;
    }
    if (!json_parser_load_from_data(js->parser, js->buf->str, js->buf->len,
                                    &gerr)) {
        g_autofree char *msg = js_glib_message(gerr);
        g_error_free(gerr);
        js_clear(js);
        js_error(js, msg);
        return;
    }
    JsonNode *root = json_parser_steal_root(js->parser);
    js_clear(js);
    if (root) {
        js->fn(js->opaque, root, NULL);
    }
}

/* A bare word at top level ended: literals are ignored as QEMU does,
 * anything else is an invalid keyword. */
static void js_end_top_bare(JsonStream *js)
{
    const char *w = js->buf->str;
    char *end;

    js->in_bare = false;
    if (!strcmp(w, "true") || !strcmp(w, "false") || !strcmp(w, "null")) {
        js_clear(js);
        return;
    }
    g_ascii_strtod(w, &end);
    if (*w && !*end && (g_ascii_isdigit(*w) || *w == '-')) {
        js_clear(js);
        return;
    }
    g_autofree char *msg = g_strdup_printf(
        "JSON parse error, invalid keyword '%.64s'", w);
    js_clear(js);
    js_error(js, msg);
}

/* One byte inside a string: follows escapes and the closing quote;
 * false for a byte JSON does not allow there. */
static bool js_string_byte(JsonStream *js, uint8_t c)
{
    if (js->escape) {
        js->escape = false;
    } else if (c == '\\') {
        js->escape = true;
    } else if (c == '"') {
        js->in_string = false;
    } else if (c < 0x20 || c >= 0xfe) {
        return false;
    }
    return true;
}

static void js_normal(JsonStream *js, uint8_t c)
{
    if (js->in_string) {
        if (!js_string_byte(js, c)) {
            js_stray(js, c);
            return;
        }
        /* Top-level strings are ignored, so not stored either. */
        if (js->depth > 0) {
            js_append(js, c);
        } else if (!js->in_string) {
            js_clear(js);
        }
        return;
    }
    if (js->in_bare) {
        if (is_bare_char(c)) {
            js_append(js, c);
            return;
        }
        js->in_bare = false;
        if (js->depth == 0) {
            js_end_top_bare(js);
        }
    }
    if (is_space(c)) {
        if (js->depth > 0) {
            js_append(js, c);
        }
        return;
    }
    switch (c) {
    case '{':
    case '[':
        if (js->depth == JSON_STREAM_MAX_DEPTH) {
            js_overflow(js, "JSON nesting depth limit exceeded",
                        JSON_STREAM_MAX_DEPTH + 1);
            return;
        }
        if (!js_token(js)) {
            return;
        }
        js->stack[js->depth++] = c;
        js_append(js, c);
        return;
    case '}':
    case ']':
        if (js->depth == 0 ||
            js->stack[js->depth - 1] != (c == '}' ? '{' : '[')) {
            js_stray(js, c);
            return;
        }
        js->depth--;
        if (js_token(js) && js_append(js, c) && js->depth == 0) {
            js_emit(js);
        }
        return;
    case ':':
    case ',':
        if (js->depth == 0) {
            js_stray(js, c);
            return;
        }
        if (js_token(js)) {
            js_append(js, c);
        }
        return;
    case '"':
        if (js_token(js)) {
            js->in_string = true;
            if (js->depth > 0) {
                js_append(js, c);
            }
        }
        return;
    default:
        if (!is_bare_char(c)) {
            js_stray(js, c);
            return;
        }
        if (js_token(js) && js_append(js, c)) {
            js->in_bare = true;
        }
        return;
    }
}

/* Follows an oversized value to its end without storing it. */
static void js_skip(JsonStream *js, uint8_t c)
{
    if (js->in_string) {
        if (!js_string_byte(js, c)) {
            js_clear(js);
            js->mode = JS_RECOVER;   /* already reported */
        }
        return;
    }
    if (js->in_bare) {
        if (is_bare_char(c)) {
            return;
        }
        js->in_bare = false;
        if (js->skip_depth <= 0) {
            js->mode = JS_NORMAL;
            js_normal(js, c);
            return;
        }
    }
    if (c == '{' || c == '[') {
        js->skip_depth++;
    } else if (c == '}' || c == ']') {
        if (--js->skip_depth <= 0) {
            js_clear(js);
            js->mode = JS_NORMAL;
        }
    } else if (c == '"') {
        js->in_string = true;
    } else if (is_bare_char(c)) {
        js->in_bare = true;
    } else if (!is_space(c) && c != ':' && c != ',') {
        js_clear(js);
        js->mode = JS_RECOVER;
    }
}

void json_stream_feed(JsonStream *js, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    for (size_t i = 0; i < len; i++) {
        switch (js->mode) {
        case JS_NORMAL:
            js_normal(js, p[i]);
            break;
        case JS_SKIP:
            js_skip(js, p[i]);
            break;
        case JS_RECOVER:
            if (p[i] == '{' || p[i] == '[') {
                js->mode = JS_NORMAL;
                js_normal(js, p[i]);
            }
            break;
        }
    }
}

JsonStream *json_stream_new(JsonStreamFn *fn, void *opaque)
{
    JsonStream *js = g_new0(JsonStream, 1);

    js->fn = fn;
    js->opaque = opaque;
    js->parser = json_parser_new();
    js->buf = g_string_new(NULL);
    return js;
}

void json_stream_reset(JsonStream *js)
{
    js_clear(js);
    js->mode = JS_NORMAL;
}

void json_stream_free(JsonStream *js)
{
    if (js) {
        g_object_unref(js->parser);
        g_string_free(js->buf, true);
        g_free(js);
    }
}
