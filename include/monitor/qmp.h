/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers for QMP command handlers (QmpHandler in monitor/monitor.h):
 * argument checking with QEMU's messages, and the QMP sides of commands
 * that HMP handlers may call to format the same data.
 */
#ifndef KEMU_QMP_H
#define KEMU_QMP_H

#include "monitor/monitor.h"

/*
 * Checks args against a spec "name:T,name2:T?,..." (T: s string,
 * i integer, b bool, n number, o object, a array, * anything; '?' marks
 * an optional member). Errors as QEMU words them: "Parameter 'x' is
 * unexpected", "Parameter 'x' is missing", "Invalid parameter type for
 * 'x', expected: string". args may be NULL (no arguments).
 */
bool qmp_check_args(JsonObject *args, const char *spec, Error **errp);

/* Accessors after qmp_check_args; optional members give def. */
const char *qmp_arg_str(JsonObject *args, const char *name);  /* or NULL */
int64_t qmp_arg_int(JsonObject *args, const char *name, int64_t def);
bool qmp_arg_bool(JsonObject *args, const char *name, bool def);

/* Small builders for return values. */
JsonNode *qmp_node_object(JsonObject *obj);     /* takes obj */
JsonNode *qmp_node_array(JsonArray *arr);       /* takes arr */
JsonNode *qmp_node_string(const char *s);

/* QEMU's class names: "GenericError", "CommandNotFound", ... */
const char *qmp_error_class_name(ErrorClass cls);

/* QMP sides shared with HMP ("info status" formats query-status). */
JsonNode *qmp_query_status(JsonObject *args, Error **errp);
JsonNode *qmp_query_version(JsonObject *args, Error **errp);
JsonNode *qmp_query_name(JsonObject *args, Error **errp);
JsonNode *qmp_query_uuid(JsonObject *args, Error **errp);
JsonNode *qmp_query_kvm(JsonObject *args, Error **errp);
JsonNode *qmp_query_cpus_fast(JsonObject *args, Error **errp);
JsonNode *qmp_query_hotpluggable_cpus(JsonObject *args, Error **errp);

#endif
