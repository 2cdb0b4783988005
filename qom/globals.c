/* SPDX-License-Identifier: GPL-2.0-or-later */
/* -global TYPE.prop=value defaults and -object user-creatable instances. */
#include "util/osdep.h"
#include "util/opts.h"
#include "qom/object.h"

typedef struct GlobalProp {
    char *type, *prop, *value;
    bool used;
} GlobalProp;

static GPtrArray *globals;

void object_register_global(const char *type, const char *prop,
                            const char *value)
{
    GlobalProp *g = g_new0(GlobalProp, 1);

    if (!globals) {
        globals = g_ptr_array_new();
    }
    g->type = g_strdup(type);
    g->prop = g_strdup(prop);
    g->value = g_strdup(value);
    g_ptr_array_add(globals, g);
}

bool object_register_global_str(const char *str, Error **errp)
{
    const char *dot, *eq;

    /* Long form: driver=T,property=P,value=V */
    if (g_str_has_prefix(str, "driver=")) {
        Opts *o = opts_parse(str, NULL, false, errp);
        const char *d, *p, *v;
        if (!o) {
            return false;
        }
        d = opts_get(o, "driver");
        p = opts_get(o, "property");
        v = opts_get(o, "value");
        if (!d || !p || !v) {
            error_setg(errp, "Parameter '%s' is missing",
                       !p ? "property" : "value");
            opts_free(o);
            return false;
        }
        if (!opts_check_all_used(o, errp)) {
            opts_free(o);
            return false;
        }
        object_register_global(d, p, v);
        opts_free(o);
        return true;
    }
    dot = strchr(str, '.');
    eq = strchr(str, '=');
    if (!dot || !eq || eq < dot || dot == str || eq == dot + 1) {
        error_setg(errp, "Invalid format for -global: expected "
                   "TYPE.PROPERTY=VALUE");
        return false;
    }
    {
        char *t = g_strndup(str, dot - str);
        char *p = g_strndup(dot + 1, eq - dot - 1);
        object_register_global(t, p, eq + 1);
        g_free(t);
        g_free(p);
    }
    return true;
}

bool object_apply_globals(Object *obj, Error **errp)
{
    for (guint i = 0; globals && i < globals->len; i++) {
        GlobalProp *g = globals->pdata[i];
        Error *err = NULL;

        if (!object_dynamic_cast(obj, g->type)) {
            continue;
        }
        g->used = true;
        if (!object_property_parse(obj, g->prop, g->value, &err)) {
            error_prepend(&err, "can't apply global %s.%s=%s: ", g->type,
                          g->prop, g->value);
            error_propagate(errp, err);
            return false;
        }
    }
    return true;
}

void object_globals_check_unused(void)
{
    for (guint i = 0; globals && i < globals->len; i++) {
        GlobalProp *g = globals->pdata[i];
        ObjectClass *k;

        if (g->used) {
            continue;
        }
        k = object_class_by_name(g->type);
        if (!k) {
            warn_report("global %s.%s has invalid class name", g->type,
                        g->prop);
        }
        /* Otherwise silent, as QEMU: no instance of the type was made. */
    }
}

/* ---- -object ---- */

Object *user_creatable_add(const char *type, const char *id, GArray *props,
                           Error **errp)
{
    ObjectClass *k = object_class_by_name(type);
    UserCreatableClass *uc;
    Object *obj;

    if (!k || object_class_is_abstract(k) ||
        !object_class_dynamic_cast(k, TYPE_USER_CREATABLE)) {
        error_setg(errp, "Parameter 'qom-type' does not accept value '%s'",
                   type);
        return NULL;
    }
    if (!id) {
        error_setg(errp, "Parameter 'id' is missing");
        return NULL;
    }
    if (!id_wellformed(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier");
        error_append_hint(errp, "Identifiers consist of letters, digits, "
                          "'-', '.', '_', starting with a letter.\n");
        return NULL;
    }
    if (object_property_find(object_get_objects_root(), id)) {
        error_setg(errp, "attempt to add duplicate property '%s' to object "
                   "(type 'container')", id);
        return NULL;
    }
    obj = object_new(type);
    for (guint i = 0; props && i < props->len; i++) {
        OptPair *p = &g_array_index(props, OptPair, i);
        if (!strcmp(p->key, "id") || !strcmp(p->key, "qom-type")) {
            continue;
        }
        if (!object_property_find(obj, p->key)) {
            error_setg(errp, "Invalid parameter '%s'", p->key);
            goto fail;
        }
        if (!object_property_parse(obj, p->key, p->value, errp)) {
            goto fail;
        }
    }
    uc = (UserCreatableClass *)object_class_dynamic_cast(k,
                                                         TYPE_USER_CREATABLE);
    if (!object_property_add_child(object_get_objects_root(), id, obj, errp)) {
        goto fail;
    }
    if (uc->complete && !uc->complete(obj, errp)) {
        object_unparent(obj);
        goto fail;
    }
    object_unref(obj);   /* the /objects container holds it now */
    return obj;

fail:
    object_unref(obj);
    return NULL;
}

bool user_creatable_del(const char *id, Error **errp)
{
    Object *root = object_get_objects_root();

    if (!object_property_find(root, id)) {
        error_setg(errp, "object '%s' not found", id);
        return false;
    }
    object_property_del(root, id);
    return true;
}
