/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands on the object tree: qom-list, qom-get, qom-set,
 * qom-list-types, device-list-properties. Values travel as JSON of the
 * property's kind: bools as true/false, numbers as numbers, everything
 * else (strings, enums, links, children) as strings.
 */
#include "monitor/monitor-internal.h"
#include "monitor/qmp.h"
#include "hw/qdev.h"

static Object *resolve(const char *path, Error **errp)
{
    bool ambiguous = false;
    Object *obj = object_resolve_path(path, &ambiguous);

    if (!obj) {
        if (ambiguous) {
            error_setg(errp, "Path '%s' is ambiguous", path);
        } else {
            error_set_class(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                            "Device '%s' not found", path);
        }
    }
    return obj;
}

static JsonNode *qmp_qom_list(JsonObject *args, Error **errp)
{
    ObjectPropertyIterator it;
    ObjectProperty *prop;
    JsonArray *a;
    Object *obj;

    if (!qmp_check_args(args, "path:s", errp) ||
        !(obj = resolve(qmp_arg_str(args, "path"), errp))) {
        return NULL;
    }
    a = json_array_new();
    if (!object_property_find(obj, "type")) {
        /* QEMU's every object has "type"; our QOM has no such property. */
        JsonObject *t = json_object_new();
        json_object_set_string_member(t, "name", "type");
        json_object_set_string_member(t, "type", "string");
        json_array_add_object_element(a, t);
    }
    object_property_iter_init(&it, obj);
    while ((prop = object_property_iter_next(&it))) {
        JsonObject *o = json_object_new();
        json_object_set_string_member(o, "name", prop->name);
        json_object_set_string_member(o, "type", prop->type);
        json_array_add_object_element(a, o);
    }
    object_property_iter_free(&it);
    return qmp_node_array(a);
}

static JsonNode *prop_to_json(ObjectProperty *prop, const PropValue *v)
{
    JsonNode *n = json_node_new(JSON_NODE_VALUE);

    switch (v->kind) {
    case PROP_KIND_BOOL:
        json_node_set_boolean(n, v->b);
        break;
    case PROP_KIND_UINT8:
    case PROP_KIND_UINT16:
    case PROP_KIND_UINT32:
    case PROP_KIND_UINT64:
    case PROP_KIND_SIZE:
        /* JSON numbers here are int64; QEMU prints uint64 the same way
         * for all values a guest config normally has. */
        json_node_set_int(n, (int64_t)v->u);
        break;
    case PROP_KIND_INT32:
    case PROP_KIND_INT64:
        json_node_set_int(n, v->i);
        break;
    default: {
        g_autofree char *s = prop_value_to_string(prop, v);
        json_node_set_string(n, s ? s : "");
        break;
    }
    }
    return n;
}

static JsonNode *qmp_qom_get(JsonObject *args, Error **errp)
{
    ObjectProperty *prop;
    PropValue v = { 0 };
    Object *obj;
    JsonNode *n;

    if (!qmp_check_args(args, "path:s,property:s", errp) ||
        !(obj = resolve(qmp_arg_str(args, "path"), errp))) {
        return NULL;
    }
    const char *name = qmp_arg_str(args, "property");
    prop = object_property_find(obj, name);
    if (!prop && !strcmp(name, "type")) {
        return qmp_node_string(object_get_typename(obj));
    }
    if (!prop) {
        error_setg(errp, "Property '%s.%s' not found",
                   object_get_typename(obj), name);
        return NULL;
    }
    if (!object_property_get(obj, name, &v, errp)) {
        return NULL;
    }
    n = prop_to_json(prop, &v);
    prop_value_clear(&v);
    return n;
}

static JsonNode *qmp_qom_set(JsonObject *args, Error **errp)
{
    ObjectProperty *prop;
    Object *obj;
    JsonNode *val;
    g_autofree char *str = NULL;

    if (!qmp_check_args(args, "path:s,property:s,value:*", errp) ||
        !(obj = resolve(qmp_arg_str(args, "path"), errp))) {
        return NULL;
    }
    const char *name = qmp_arg_str(args, "property");
    prop = object_property_find(obj, name);
    if (!prop) {
        error_setg(errp, "Property '%s.%s' not found",
                   object_get_typename(obj), name);
        return NULL;
    }
    val = json_object_get_member(args, "value");
    if (!JSON_NODE_HOLDS_VALUE(val)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                   name, prop->type);
        return NULL;
    }
    switch (json_node_get_value_type(val)) {
    case G_TYPE_BOOLEAN:
        str = g_strdup(json_node_get_boolean(val) ? "on" : "off");
        if (prop->kind != PROP_KIND_BOOL) {
            error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                       name, prop->type);
            return NULL;
        }
        break;
    case G_TYPE_INT64:
        str = g_strdup_printf("%" PRId64, json_node_get_int(val));
        break;
    case G_TYPE_STRING:
        str = g_strdup(json_node_get_string(val));
        break;
    default:
        error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                   name, prop->type);
        return NULL;
    }
    object_property_parse(obj, name, str, errp);
    return NULL;
}

static JsonNode *qmp_qom_list_types(JsonObject *args, Error **errp)
{
    const char *impl;
    bool abstract;
    GSList *list;
    JsonArray *a;

    if (!qmp_check_args(args, "implements:s?,abstract:b?", errp)) {
        return NULL;
    }
    impl = qmp_arg_str(args, "implements");
    abstract = qmp_arg_bool(args, "abstract", false);
    if (impl && !object_class_by_name(impl)) {
        return qmp_node_array(json_array_new());
    }
    a = json_array_new();
    list = object_class_get_list(impl ? impl : TYPE_OBJECT, abstract);
    for (GSList *l = list; l; l = l->next) {
        ObjectClass *oc = l->data;
        ObjectClass *parent = object_class_get_parent(oc);
        JsonObject *o = json_object_new();

        json_object_set_string_member(o, "name", object_class_get_name(oc));
        if (object_class_is_abstract(oc)) {
            json_object_set_boolean_member(o, "abstract", true);
        }
        if (parent) {
            json_object_set_string_member(o, "parent",
                                          object_class_get_name(parent));
        }
        json_array_add_object_element(a, o);
    }
    g_slist_free(list);
    return qmp_node_array(a);
}

/* QEMU types default values: false, 115200, "auto". */
static JsonNode *default_value(ObjectProperty *prop)
{
    JsonNode *n = json_node_new(JSON_NODE_VALUE);
    const char *d = prop->defval;
    char *end;

    if (prop->kind == PROP_KIND_BOOL) {
        json_node_set_boolean(n, !strcmp(d, "on") || !strcmp(d, "true"));
    } else if (prop->kind >= PROP_KIND_UINT8 && prop->kind <= PROP_KIND_SIZE) {
        int64_t v = prop->kind == PROP_KIND_INT32 ||
                    prop->kind == PROP_KIND_INT64 ?
                    g_ascii_strtoll(d, &end, 0) :
                    (int64_t)g_ascii_strtoull(d, &end, 0);
        if (*end) {
            json_node_set_string(n, d);
        } else {
            json_node_set_int(n, v);
        }
    } else {
        json_node_set_string(n, d);
    }
    return n;
}

static JsonNode *qmp_device_list_properties(JsonObject *args, Error **errp)
{
    ObjectPropertyIterator it;
    ObjectProperty *prop;
    ObjectClass *oc;
    JsonArray *a;
    const char *type;

    if (!qmp_check_args(args, "typename:s", errp)) {
        return NULL;
    }
    type = qmp_arg_str(args, "typename");
    oc = object_class_by_name(type);
    if (!oc) {
        error_set_class(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                        "Device '%s' not found", type);
        return NULL;
    }
    if (!object_class_dynamic_cast(oc, TYPE_DEVICE) ||
        object_class_is_abstract(oc)) {
        error_setg(errp, "Parameter 'typename' expects a non-abstract "
                   "device type");
        return NULL;
    }
    a = json_array_new();
    object_class_property_iter_init(&it, oc);
    while ((prop = object_property_iter_next(&it))) {
        /* QEMU leaves out the generic qdev plumbing. */
        if (!strcmp(prop->name, "type") || !strcmp(prop->name, "realized") ||
            !strcmp(prop->name, "hotpluggable") ||
            !strcmp(prop->name, "hotplugged") ||
            !strcmp(prop->name, "parent_bus")) {
            continue;
        }
        JsonObject *o = json_object_new();
        json_object_set_string_member(o, "name", prop->name);
        json_object_set_string_member(o, "type", prop->type);
        if (prop->description) {
            json_object_set_string_member(o, "description",
                                          prop->description);
        }
        if (prop->defval) {
            json_object_set_member(o, "default-value", default_value(prop));
        }
        json_array_add_object_element(a, o);
    }
    object_property_iter_free(&it);
    return qmp_node_array(a);
}

static const MonitorCommand qmp_qom_commands[] = {
    { .qmp_name = "qom-list", .qmp = qmp_qom_list },
    { .qmp_name = "qom-get", .qmp = qmp_qom_get },
    { .qmp_name = "qom-set", .qmp = qmp_qom_set },
    { .qmp_name = "qom-list-types", .qmp = qmp_qom_list_types },
    { .qmp_name = "device-list-properties",
      .qmp = qmp_device_list_properties },
};

static void __attribute__((constructor)) qmp_qom_commands_register(void)
{
    monitor_register_commands(qmp_qom_commands, ARRAY_SIZE(qmp_qom_commands));
}
