/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The QMP framing lexer and QEMU-format JSON output. */
#include "monitor/qmp-json.h"

typedef struct Seen {
    GPtrArray *values;      /* compact text of each value */
    GPtrArray *errors;
} Seen;

static void on_value(void *opaque, JsonNode *value, const char *error)
{
    Seen *s = opaque;

    if (value) {
        g_ptr_array_add(s->values, qmp_json_to_string(value, false));
        json_node_unref(value);
    } else {
        g_ptr_array_add(s->errors, g_strdup(error));
    }
}

static JsonStream *setup(Seen *s)
{
    s->values = g_ptr_array_new_with_free_func(g_free);
    s->errors = g_ptr_array_new_with_free_func(g_free);
    return json_stream_new(on_value, s);
}

static void teardown(JsonStream *js, Seen *s)
{
    json_stream_free(js);
    g_ptr_array_free(s->values, true);
    g_ptr_array_free(s->errors, true);
}

static void feed(JsonStream *js, const char *text)
{
    json_stream_feed(js, text, strlen(text));
}

static void test_concatenated(void)
{
    Seen s;
    JsonStream *js = setup(&s);

    feed(js, "{\"a\":1}{\"b\":[2,3]}  [true]\n{}");
    g_assert_cmpuint(s.values->len, ==, 4);
    g_assert_cmpstr(s.values->pdata[0], ==, "{\"a\": 1}");
    g_assert_cmpstr(s.values->pdata[1], ==, "{\"b\": [2, 3]}");
    g_assert_cmpstr(s.values->pdata[2], ==, "[true]");
    g_assert_cmpstr(s.values->pdata[3], ==, "{}");
    g_assert_cmpuint(s.errors->len, ==, 0);
    teardown(js, &s);
}

static void test_split_reads(void)
{
    Seen s;
    JsonStream *js = setup(&s);
    const char *text = "{\"execute\": \"query-status\", \"id\": \"a\\\"}\"}"
                       "{\"x\": -1.5e3}";

    /* One byte at a time: nothing is emitted early. */
    for (const char *p = text; *p; p++) {
        json_stream_feed(js, p, 1);
        if (p[1] && p < text + 40) {
            g_assert_cmpuint(s.values->len, ==, 0);
        }
    }
    g_assert_cmpuint(s.values->len, ==, 2);
    g_assert_cmpstr(s.values->pdata[0], ==,
                    "{\"execute\": \"query-status\", \"id\": \"a\\\"}\"}");
    g_assert_cmpstr(s.values->pdata[1], ==, "{\"x\": -1500}");
    teardown(js, &s);
}

static void test_strings(void)
{
    Seen s;
    JsonStream *js = setup(&s);

    /* Braces, brackets and escaped quotes inside strings do not count. */
    feed(js, "{\"k\": \"}{][\\\\\", \"e\": \"\\\"}\\n\\u00e9\\ud83d\\ude00\"}");
    g_assert_cmpuint(s.errors->len, ==, 0);
    g_assert_cmpuint(s.values->len, ==, 1);
    g_assert_cmpstr(s.values->pdata[0], ==,
                    "{\"k\": \"}{][\\\\\", "
                    "\"e\": \"\\\"}\\n\\u00E9\\uD83D\\uDE00\"}");
    teardown(js, &s);
}

static void test_depth_limit(void)
{
    Seen s;
    JsonStream *js = setup(&s);
    GString *deep = g_string_new(NULL);
    int ok_depth = JSON_STREAM_MAX_DEPTH;

    for (int i = 0; i < ok_depth; i++) {
        g_string_append_c(deep, '[');
    }
    for (int i = 0; i < ok_depth; i++) {
        g_string_append_c(deep, ']');
    }
    json_stream_feed(js, deep->str, deep->len);
    g_assert_cmpuint(s.values->len, ==, 1);
    g_assert_cmpuint(s.errors->len, ==, 0);

    /* 100000 deep would crash json-glib: one error, then back in sync. */
    g_string_truncate(deep, 0);
    for (int i = 0; i < 100000; i++) {
        g_string_append(deep, "{\"a\":[");
    }
    for (int i = 0; i < 100000; i++) {
        g_string_append(deep, "]}");
    }
    json_stream_feed(js, deep->str, deep->len);
    feed(js, "{\"after\": 1}");
    g_assert_cmpuint(s.errors->len, ==, 1);
    g_assert_cmpstr(s.errors->pdata[0], ==,
                    "JSON nesting depth limit exceeded");
    g_assert_cmpuint(s.values->len, ==, 2);
    g_assert_cmpstr(s.values->pdata[1], ==, "{\"after\": 1}");
    g_string_free(deep, true);
    teardown(js, &s);
}

static void test_size_limit(void)
{
    Seen s;
    JsonStream *js = setup(&s);
    size_t chunk = 64 * KiB;
    char *a = g_malloc(chunk);

    memset(a, 'a', chunk);
    /* A 10 MiB string inside an object, fed in pieces. */
    feed(js, "{\"execute\": \"x\", \"arguments\": {\"data\": \"");
    for (size_t n = 0; n < 10 * MiB; n += chunk) {
        json_stream_feed(js, a, chunk);
    }
    feed(js, "\"}}");
    /* And a 10 MiB bare word at top level. */
    for (size_t n = 0; n < 10 * MiB; n += chunk) {
        json_stream_feed(js, a, chunk);
    }
    feed(js, "\n{\"ok\": true}");
    g_assert_cmpuint(s.errors->len, ==, 2);
    g_assert_cmpstr(s.errors->pdata[0], ==, "JSON token size limit exceeded");
    g_assert_cmpstr(s.errors->pdata[1], ==, "JSON token size limit exceeded");
    g_assert_cmpuint(s.values->len, ==, 1);
    g_assert_cmpstr(s.values->pdata[0], ==, "{\"ok\": true}");
    g_free(a);
    teardown(js, &s);
}

static void test_token_limit(void)
{
    Seen s;
    JsonStream *js = setup(&s);
    GString *many = g_string_new("[");

    /* Small enough to stay under the size limit, too many tokens. */
    while (many->len < JSON_STREAM_MAX_SIZE - 8) {
        g_string_append(many, "0,");
    }
    json_stream_feed(js, many->str, many->len);
    feed(js, "0] {\"ok\": 1}");
    g_assert_cmpuint(s.errors->len, ==, 1);
    g_assert_cmpstr(s.errors->pdata[0], ==,
                    "JSON token count limit exceeded");
    g_assert_cmpuint(s.values->len, ==, 1);
    g_string_free(many, true);
    teardown(js, &s);
}

static void test_garbage(void)
{
    Seen s;
    JsonStream *js = setup(&s);

    feed(js, "xx {\"a\": 1}");
    g_assert_cmpuint(s.errors->len, ==, 1);
    g_assert_cmpstr(s.errors->pdata[0], ==,
                    "JSON parse error, invalid keyword 'xx'");
    g_assert_cmpuint(s.values->len, ==, 1);

    /* A run of stray bytes is one error; the next object parses. */
    feed(js, "\xff\x01}}::\x80garbage\x02{\"b\": 2}");
    g_assert_cmpuint(s.errors->len, ==, 2);
    g_assert_cmpstr(s.errors->pdata[1], ==,
                    "JSON parse error, stray '\\uFFFD'");
    g_assert_cmpuint(s.values->len, ==, 2);
    g_assert_cmpstr(s.values->pdata[1], ==, "{\"b\": 2}");

    /* A control character inside a string ends that value. */
    feed(js, "{\"a\": \"x\x01\"} {\"c\": 3}");
    g_assert_cmpuint(s.errors->len, ==, 3);
    g_assert_cmpuint(s.values->len, ==, 3);

    /* Complete but malformed: json-glib reports it, stream stays in sync. */
    feed(js, "{\"a\" 1}{\"d\": 4}");
    g_assert_cmpuint(s.errors->len, ==, 4);
    g_assert_true(g_str_has_prefix(s.errors->pdata[3], "JSON parse error, "));
    g_assert_cmpuint(s.values->len, ==, 4);

    /* Mismatched brackets, invalid UTF-8, top-level scalars ignored. */
    feed(js, "[} 1 \"str\" true {\"e\": \"\xc3\x28\"} {\"f\": 5}");
    g_assert_cmpuint(s.errors->len, ==, 6);
    g_assert_cmpuint(s.values->len, ==, 5);
    g_assert_cmpstr(s.values->pdata[4], ==, "{\"f\": 5}");

    /* Random bytes never crash and leave the stream usable. */
    GRand *r = g_rand_new_with_seed(42);
    for (int i = 0; i < 20000; i++) {
        uint8_t b = g_rand_int_range(r, 0, 256);
        json_stream_feed(js, &b, 1);
    }
    g_rand_free(r);
    /* Close whatever the noise opened, then a good object. */
    json_stream_reset(js);
    guint before = s.values->len;
    feed(js, "{\"g\": 6}");
    g_assert_cmpuint(s.values->len, ==, before + 1);
    teardown(js, &s);
}

static void test_output(void)
{
    JsonParser *p = json_parser_new();
    g_autofree char *compact = NULL, *pretty = NULL;

    g_assert_true(json_parser_load_from_data(
        p, "{\"return\": {}, \"id\": [1, \"x\"], \"n\": null, \"e\": []}",
        -1, NULL));
    compact = qmp_json_to_string(json_parser_get_root(p), false);
    pretty = qmp_json_to_string(json_parser_get_root(p), true);
    g_assert_cmpstr(compact, ==,
                    "{\"return\": {}, \"id\": [1, \"x\"], \"n\": null, "
                    "\"e\": []}");
    g_assert_cmpstr(pretty, ==,
                    "{\n    \"return\": {\n    },\n    \"id\": [\n"
                    "        1,\n        \"x\"\n    ],\n    \"n\": null,\n"
                    "    \"e\": [\n    ]\n}");
    g_object_unref(p);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/json-stream/concatenated", test_concatenated);
    g_test_add_func("/json-stream/split-reads", test_split_reads);
    g_test_add_func("/json-stream/strings", test_strings);
    g_test_add_func("/json-stream/depth-limit", test_depth_limit);
    g_test_add_func("/json-stream/size-limit", test_size_limit);
    g_test_add_func("/json-stream/token-limit", test_token_limit);
    g_test_add_func("/json-stream/garbage", test_garbage);
    g_test_add_func("/json-stream/output", test_output);
    return g_test_run();
}
