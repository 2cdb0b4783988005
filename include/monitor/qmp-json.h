/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON for QMP: a framing lexer that cuts a byte stream into complete,
 * bounded top-level values before json-glib parses any of them, and a
 * writer that prints JsonNodes the way QEMU's monitor does.
 *
 * json-glib 1.6 silently drops the second of two concatenated values and
 * overflows its stack on deep nesting, so it only ever sees one complete
 * value whose size and depth the lexer has already checked.
 */
#ifndef KEMU_QMP_JSON_H
#define KEMU_QMP_JSON_H

#include "util/osdep.h"
#include <json-glib/json-glib.h>

/* QEMU's nesting limit; json-glib copes with far more than this. */
#define JSON_STREAM_MAX_DEPTH 1024
/* Bytes in one value: a 10 MiB line is refused without buffering it. */
#define JSON_STREAM_MAX_SIZE (1 * MiB)
#define JSON_STREAM_MAX_TOKENS (256 * 1024)

typedef struct JsonStream JsonStream;

/*
 * Called once per complete top-level object or array with the parsed
 * value (the callee owns it), or with value NULL and an error message
 * ("JSON parse error, ...", "JSON nesting depth limit exceeded") for
 * input that was rejected. Top-level scalars are ignored, as QEMU does.
 */
typedef void JsonStreamFn(void *opaque, JsonNode *value, const char *error);

JsonStream *json_stream_new(JsonStreamFn *fn, void *opaque);
void json_stream_feed(JsonStream *js, const void *buf, size_t len);
/* Forget any partial value (the peer disconnected). */
void json_stream_reset(JsonStream *js);
void json_stream_free(JsonStream *js);

/*
 * QEMU's output format: compact is {"a": 1, "b": [2, 3]}; pretty indents
 * by four spaces with "\n" line breaks. Non-ASCII characters are written
 * as \uXXXX escapes (surrogate pairs above U+FFFF).
 */
void qmp_json_append(GString *out, JsonNode *node, bool pretty);
char *qmp_json_to_string(JsonNode *node, bool pretty);

#endif
