/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Typed property access, the string form of every kind, static Property
 * arrays (fields at fixed offsets) and the small dynamic helpers.
 */
#include "util/osdep.h"
#include "util/opts.h"
#include "qom/object.h"
#include "qom/property.h"
#include "qom/qom-internal.h"

const char *const on_off_auto_names[] = { "auto", "on", "off", NULL };
const char *const lost_tick_policy_names[] = {
    "discard", "delay", "slew", NULL
};

static const char *const kind_type_names[] = {
    [PROP_KIND_BOOL] = "bool", [PROP_KIND_UINT8] = "uint8",
    [PROP_KIND_UINT16] = "uint16", [PROP_KIND_UINT32] = "uint32",
    [PROP_KIND_UINT64] = "uint64", [PROP_KIND_INT32] = "int32",
    [PROP_KIND_INT64] = "int64", [PROP_KIND_SIZE] = "size",
    [PROP_KIND_STRING] = "str", [PROP_KIND_ENUM] = "enum",
    [PROP_KIND_LINK] = "link", [PROP_KIND_CHILD] = "child",
};

static bool kind_is_unsigned(PropKind k)
{
    return k == PROP_KIND_UINT8 || k == PROP_KIND_UINT16 ||
           k == PROP_KIND_UINT32 || k == PROP_KIND_UINT64 ||
           k == PROP_KIND_SIZE;
}

static bool kind_is_signed(PropKind k)
{
    return k == PROP_KIND_INT32 || k == PROP_KIND_INT64;
}

static uint64_t kind_umax(PropKind k)
{
    switch (k) {
    case PROP_KIND_UINT8: return UINT8_MAX;
    case PROP_KIND_UINT16: return UINT16_MAX;
    case PROP_KIND_UINT32: return UINT32_MAX;
    default: return UINT64_MAX;
    }
}

/* ---- string forms ---- */

char *prop_value_to_string(const ObjectProperty *prop, const PropValue *v)
{
    switch (prop->kind) {
    case PROP_KIND_BOOL:
        return g_strdup(v->b ? "on" : "off");
    case PROP_KIND_UINT8: case PROP_KIND_UINT16: case PROP_KIND_UINT32:
    case PROP_KIND_UINT64: case PROP_KIND_SIZE:
        return g_strdup_printf("%" PRIu64, v->u);
    case PROP_KIND_INT32: case PROP_KIND_INT64:
        return g_strdup_printf("%" PRId64, v->i);
    case PROP_KIND_STRING:
        return g_strdup(v->s ? v->s : "");
    case PROP_KIND_ENUM:
        if (prop->enum_names && v->e >= 0) {
            for (int i = 0; prop->enum_names[i]; i++) {
                if (i == v->e) {
                    return g_strdup(prop->enum_names[i]);
                }
            }
        }
        return g_strdup_printf("%d", v->e);
    case PROP_KIND_LINK: case PROP_KIND_CHILD:
        if (v->obj) {
            char *p = object_get_canonical_path(v->obj);
            return p ? p : g_strdup("");
        }
        return g_strdup("");
    }
    return g_strdup("");
}

bool prop_value_from_string(const ObjectProperty *prop, const char *str,
                            PropValue *out, Error **errp)
{
    memset(out, 0, sizeof(*out));
    out->kind = prop->kind;
    switch (prop->kind) {
    case PROP_KIND_BOOL:
        return parse_bool(str, &out->b, prop->name, errp);
    case PROP_KIND_SIZE:
        return parse_size(str, &out->u, 'B', prop->name, errp);
    case PROP_KIND_UINT8: case PROP_KIND_UINT16: case PROP_KIND_UINT32:
    case PROP_KIND_UINT64:
        if (!parse_uint64(str, &out->u, prop->name, errp)) {
            return false;
        }
        if (out->u > kind_umax(prop->kind)) {
            error_setg(errp, "Parameter '%s' expects %s", prop->name,
                       kind_type_names[prop->kind]);
            return false;
        }
        return true;
    case PROP_KIND_INT32: case PROP_KIND_INT64:
        if (!parse_int64(str, &out->i, prop->name, errp)) {
            return false;
        }
        if (prop->kind == PROP_KIND_INT32 &&
            (out->i < INT32_MIN || out->i > INT32_MAX)) {
            error_setg(errp, "Parameter '%s' expects int32", prop->name);
            return false;
        }
        return true;
    case PROP_KIND_STRING:
        out->s = g_strdup(str);
        return true;
    case PROP_KIND_ENUM:
        for (int i = 0; prop->enum_names && prop->enum_names[i]; i++) {
            if (!strcmp(prop->enum_names[i], str)) {
                out->e = i;
                return true;
            }
        }
        error_setg(errp, "Parameter '%s' does not accept value '%s'",
                   prop->name, str);
        return false;
    case PROP_KIND_LINK: {
        bool amb = false;
        if (!*str) {
            out->obj = NULL;
            return true;
        }
        out->obj = object_resolve_path_type(str, prop->link_type, &amb);
        if (!out->obj) {
            if (amb) {
                error_setg(errp, "Path '%s' is ambiguous", str);
            } else if (object_resolve_path(str, NULL)) {
                error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                           prop->name, prop->link_type);
            } else {
                error_setg(errp, "Device '%s' not found", str);
            }
            return false;
        }
        return true;
    }
    case PROP_KIND_CHILD:
        error_setg(errp, "Property '%s' is read-only", prop->name);
        return false;
    }
    return false;
}

void prop_value_clear(PropValue *v)
{
    if (v->kind == PROP_KIND_STRING) {
        g_free(v->s);
        v->s = NULL;
    }
}

/* ---- typed access ---- */

static ObjectProperty *find_or_err(Object *obj, const char *name,
                                   Error **errp)
{
    ObjectProperty *p = object_property_find(obj, name);
    if (!p) {
        error_setg(errp, "Property '%s.%s' not found",
                   object_get_typename(obj), name);
    }
    return p;
}

bool object_property_get(Object *obj, const char *name, PropValue *out,
                         Error **errp)
{
    ObjectProperty *p = find_or_err(obj, name, errp);

    if (!p) {
        return false;
    }
    if (!p->get) {
        error_setg(errp, "Property '%s.%s' is not readable",
                   object_get_typename(obj), name);
        return false;
    }
    memset(out, 0, sizeof(*out));
    out->kind = p->kind;
    return p->get(obj, p, out, errp);
}

/* Converts between integer kinds so callers need not know the width. */
static bool coerce(ObjectProperty *p, const PropValue *in, PropValue *tmp,
                   Error **errp)
{
    *tmp = *in;
    tmp->kind = p->kind;
    if (in->kind == p->kind) {
        return true;
    }
    if (kind_is_unsigned(p->kind) &&
        (kind_is_unsigned(in->kind) || kind_is_signed(in->kind))) {
        uint64_t u = kind_is_signed(in->kind) ? (uint64_t)in->i : in->u;
        if ((kind_is_signed(in->kind) && in->i < 0) || u > kind_umax(p->kind)) {
            error_setg(errp, "Parameter '%s' expects %s", p->name,
                       kind_type_names[p->kind]);
            return false;
        }
        tmp->u = u;
        return true;
    }
    if (kind_is_signed(p->kind) &&
        (kind_is_unsigned(in->kind) || kind_is_signed(in->kind))) {
        int64_t i = kind_is_unsigned(in->kind) ? (int64_t)in->u : in->i;
        if ((kind_is_unsigned(in->kind) && in->u > INT64_MAX) ||
            (p->kind == PROP_KIND_INT32 && (i < INT32_MIN || i > INT32_MAX))) {
            error_setg(errp, "Parameter '%s' expects %s", p->name,
                       kind_type_names[p->kind]);
            return false;
        }
        tmp->i = i;
        return true;
    }
    if (p->kind == PROP_KIND_LINK && in->kind == PROP_KIND_CHILD) {
        return true;
    }
    if (p->kind == PROP_KIND_ENUM && kind_is_signed(in->kind)) {
        tmp->e = in->i;
        return true;
    }
    if (p->kind == PROP_KIND_ENUM && in->kind == PROP_KIND_STRING) {
        return prop_value_from_string(p, in->s, tmp, errp);
    }
    error_setg(errp, "Invalid parameter type for '%s', expected: %s",
               p->name, p->type);
    return false;
}

bool object_property_set(Object *obj, const char *name, const PropValue *in,
                         Error **errp)
{
    ObjectProperty *p = find_or_err(obj, name, errp);
    PropValue v;

    if (!p) {
        return false;
    }
    if (!p->set) {
        error_setg(errp, "Property '%s.%s' is not writable",
                   object_get_typename(obj), name);
        return false;
    }
    if (!coerce(p, in, &v, errp)) {
        return false;
    }
    return p->set(obj, p, &v, errp);
}

bool object_property_parse(Object *obj, const char *name, const char *value,
                           Error **errp)
{
    ObjectProperty *p = find_or_err(obj, name, errp);
    PropValue v;
    bool ok;

    if (!p) {
        return false;
    }
    if (!p->set) {
        error_setg(errp, "Property '%s.%s' is not writable",
                   object_get_typename(obj), name);
        return false;
    }
    if (!prop_value_from_string(p, value, &v, errp)) {
        return false;
    }
    ok = p->set(obj, p, &v, errp);
    prop_value_clear(&v);
    return ok;
}

char *object_property_print(Object *obj, const char *name, Error **errp)
{
    PropValue v;
    char *s;

    if (!object_property_get(obj, name, &v, errp)) {
        return NULL;
    }
    s = prop_value_to_string(object_property_find(obj, name), &v);
    prop_value_clear(&v);
    return s;
}

bool object_property_set_bool(Object *obj, const char *name, bool b,
                              Error **errp)
{
    PropValue v = { .kind = PROP_KIND_BOOL, .b = b };
    return object_property_set(obj, name, &v, errp);
}

bool object_property_set_uint(Object *obj, const char *name, uint64_t u,
                              Error **errp)
{
    PropValue v = { .kind = PROP_KIND_UINT64, .u = u };
    return object_property_set(obj, name, &v, errp);
}

bool object_property_set_int(Object *obj, const char *name, int64_t i,
                             Error **errp)
{
    PropValue v = { .kind = PROP_KIND_INT64, .i = i };
    return object_property_set(obj, name, &v, errp);
}

bool object_property_set_str(Object *obj, const char *name, const char *s,
                             Error **errp)
{
    ObjectProperty *p = find_or_err(obj, name, errp);
    PropValue v = { .kind = PROP_KIND_STRING, .s = (char *)s };

    if (!p) {
        return false;
    }
    /* A string sets any kind through its string form. */
    if (p->kind != PROP_KIND_STRING) {
        return object_property_parse(obj, name, s, errp);
    }
    return object_property_set(obj, name, &v, errp);
}

bool object_property_set_link(Object *obj, const char *name, Object *target,
                              Error **errp)
{
    PropValue v = { .kind = PROP_KIND_LINK, .obj = target };
    return object_property_set(obj, name, &v, errp);
}

bool object_property_get_bool(Object *obj, const char *name, Error **errp)
{
    PropValue v;
    if (!object_property_get(obj, name, &v, errp)) {
        return false;
    }
    return v.b;
}

uint64_t object_property_get_uint(Object *obj, const char *name, Error **errp)
{
    PropValue v;
    if (!object_property_get(obj, name, &v, errp)) {
        return 0;
    }
    if (kind_is_signed(v.kind)) {
        return v.i;
    }
    if (v.kind == PROP_KIND_ENUM) {
        return v.e;
    }
    return v.kind == PROP_KIND_BOOL ? v.b : v.u;
}

int64_t object_property_get_int(Object *obj, const char *name, Error **errp)
{
    PropValue v;
    if (!object_property_get(obj, name, &v, errp)) {
        return 0;
    }
    if (kind_is_unsigned(v.kind)) {
        return v.u;
    }
    if (v.kind == PROP_KIND_ENUM) {
        return v.e;
    }
    return v.kind == PROP_KIND_BOOL ? v.b : v.i;
}

char *object_property_get_str(Object *obj, const char *name, Error **errp)
{
    return object_property_print(obj, name, errp);
}

Object *object_property_get_link(Object *obj, const char *name, Error **errp)
{
    PropValue v;
    if (!object_property_get(obj, name, &v, errp)) {
        return NULL;
    }
    if (v.kind != PROP_KIND_LINK && v.kind != PROP_KIND_CHILD) {
        error_setg(errp, "Property '%s' is not a link", name);
        return NULL;
    }
    return v.obj;
}

/* ---- static properties ---- */

static void *field_ptr(Object *obj, const Property *pr)
{
    return (char *)obj + pr->offset;
}

static bool static_get(Object *obj, ObjectProperty *op, PropValue *out,
                       Error **errp)
{
    const Property *pr = op->opaque;
    void *f = field_ptr(obj, pr);

    out->kind = pr->kind;
    switch (pr->kind) {
    case PROP_KIND_BOOL: out->b = *(bool *)f; break;
    case PROP_KIND_UINT8: out->u = *(uint8_t *)f; break;
    case PROP_KIND_UINT16: out->u = *(uint16_t *)f; break;
    case PROP_KIND_UINT32: out->u = *(uint32_t *)f; break;
    case PROP_KIND_UINT64: case PROP_KIND_SIZE: out->u = *(uint64_t *)f; break;
    case PROP_KIND_INT32: out->i = *(int32_t *)f; break;
    case PROP_KIND_INT64: out->i = *(int64_t *)f; break;
    case PROP_KIND_STRING: out->s = g_strdup(*(char **)f); break;
    case PROP_KIND_ENUM: out->e = *(int *)f; break;
    case PROP_KIND_LINK: case PROP_KIND_CHILD: out->obj = *(Object **)f; break;
    }
    return true;
}

static void static_store(Object *obj, const Property *pr, const PropValue *v)
{
    void *f = field_ptr(obj, pr);

    switch (pr->kind) {
    case PROP_KIND_BOOL: *(bool *)f = v->b; break;
    case PROP_KIND_UINT8: *(uint8_t *)f = v->u; break;
    case PROP_KIND_UINT16: *(uint16_t *)f = v->u; break;
    case PROP_KIND_UINT32: *(uint32_t *)f = v->u; break;
    case PROP_KIND_UINT64: case PROP_KIND_SIZE: *(uint64_t *)f = v->u; break;
    case PROP_KIND_INT32: *(int32_t *)f = v->i; break;
    case PROP_KIND_INT64: *(int64_t *)f = v->i; break;
    case PROP_KIND_STRING:
        g_free(*(char **)f);
        *(char **)f = g_strdup(v->s);
        break;
    case PROP_KIND_ENUM: *(int *)f = v->e; break;
    case PROP_KIND_LINK: case PROP_KIND_CHILD:
        object_ref(v->obj);
        object_unref(*(Object **)f);
        *(Object **)f = v->obj;
        break;
    }
}

static bool static_set(Object *obj, ObjectProperty *op, const PropValue *in,
                       Error **errp)
{
    const Property *pr = op->opaque;
    ObjectProperty *realized = object_property_find(obj, "realized");

    /* Devices fix their configuration at realize. */
    if (realized && realized->get) {
        PropValue r = { 0 };
        if (realized->get(obj, realized, &r, NULL) && r.b) {
            error_setg(errp, "Attempt to set property '%s' on device '%s' "
                       "(type '%s') after it was realized", pr->name,
                       obj->name_in_parent ? obj->name_in_parent
                                           : "<anonymous>",
                       object_get_typename(obj));
            return false;
        }
    }
    if (pr->kind == PROP_KIND_ENUM) {
        int n = 0;
        while (pr->enum_names && pr->enum_names[n]) {
            n++;
        }
        if (in->e < 0 || in->e >= n) {
            error_setg(errp, "Parameter '%s' does not accept value %d",
                       pr->name, in->e);
            return false;
        }
    }
    if (pr->kind == PROP_KIND_LINK && in->obj && pr->link_type &&
        !object_dynamic_cast(in->obj, pr->link_type)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                   pr->name, pr->link_type);
        return false;
    }
    static_store(obj, pr, in);
    return true;
}

static void static_release(Object *obj, ObjectProperty *op)
{
    const Property *pr = op->opaque;
    void *f = field_ptr(obj, pr);

    if (pr->kind == PROP_KIND_STRING) {
        g_free(*(char **)f);
        *(char **)f = NULL;
    } else if (pr->kind == PROP_KIND_LINK) {
        object_unref(*(Object **)f);
        *(Object **)f = NULL;
    }
}

bool object_property_is_static(const ObjectProperty *prop)
{
    return prop->get == static_get;
}

static char *static_default_string(const Property *pr)
{
    switch (pr->kind) {
    case PROP_KIND_BOOL:
        return g_strdup(pr->defval.u ? "true" : "false");
    case PROP_KIND_UINT8: case PROP_KIND_UINT16: case PROP_KIND_UINT32:
    case PROP_KIND_UINT64: case PROP_KIND_SIZE:
        return g_strdup_printf("%" PRIu64, pr->defval.u);
    case PROP_KIND_INT32: case PROP_KIND_INT64:
        return g_strdup_printf("%" PRId64, pr->defval.i);
    case PROP_KIND_ENUM:
        return g_strdup_printf("\"%s\"", pr->enum_names[pr->defval.i]);
    case PROP_KIND_STRING:
        return pr->defval.s ? g_strdup_printf("\"%s\"", pr->defval.s) : NULL;
    default:
        return NULL;
    }
}

void object_class_add_static_props(ObjectClass *klass, const Property *props)
{
    for (const Property *pr = props; pr && pr->name; pr++) {
        char *type;
        ObjectProperty *op;

        if (pr->kind == PROP_KIND_ENUM) {
            type = g_strdup(pr->enum_type ? pr->enum_type : "enum");
        } else if (pr->kind == PROP_KIND_LINK) {
            type = g_strdup_printf("link<%s>", pr->link_type ? pr->link_type
                                                             : TYPE_OBJECT);
        } else {
            type = g_strdup(kind_type_names[pr->kind]);
        }
        op = object_class_property_add(klass, pr->name, type, pr->kind,
                                       static_get, static_set,
                                       static_release, (void *)pr);
        g_free(type);
        op->enum_names = pr->enum_names;
        op->link_type = pr->link_type;
        if (pr->description) {
            op->description = g_strdup(pr->description);
        }
        if (pr->set_default || (pr->kind == PROP_KIND_STRING && pr->defval.s)) {
            op->defval = static_default_string(pr);
        }
    }
}

void object_set_static_defaults(Object *obj, ObjectClass *klass)
{
    GHashTableIter hi;
    gpointer k, v;

    g_hash_table_iter_init(&hi, klass->properties);
    while (g_hash_table_iter_next(&hi, &k, &v)) {
        ObjectProperty *op = v;
        const Property *pr = op->opaque;
        PropValue d = { .kind = pr ? pr->kind : 0 };

        if (!object_property_is_static(op)) {
            continue;
        }
        if (pr->kind == PROP_KIND_STRING) {
            if (!pr->defval.s) {
                continue;
            }
            d.s = (char *)pr->defval.s;
        } else if (!pr->set_default) {
            continue;
        } else if (kind_is_signed(pr->kind)) {
            d.i = pr->defval.i;
        } else if (pr->kind == PROP_KIND_ENUM) {
            d.e = pr->defval.i;
        } else if (pr->kind == PROP_KIND_BOOL) {
            d.b = pr->defval.u;
        } else {
            d.u = pr->defval.u;
        }
        static_store(obj, pr, &d);
    }
}

/* ---- dynamic helpers ---- */

typedef struct BoolAcc {
    bool (*get)(Object *, Error **);
    void (*set)(Object *, bool, Error **);
} BoolAcc;

static bool bool_acc_get(Object *obj, ObjectProperty *p, PropValue *out,
                         Error **errp)
{
    BoolAcc *a = p->opaque;
    Error *err = NULL;
    out->b = a->get(obj, &err);
    if (err) {
        error_propagate(errp, err);
        return false;
    }
    return true;
}

static bool bool_acc_set(Object *obj, ObjectProperty *p, const PropValue *in,
                         Error **errp)
{
    BoolAcc *a = p->opaque;
    Error *err = NULL;
    a->set(obj, in->b, &err);
    if (err) {
        error_propagate(errp, err);
        return false;
    }
    return true;
}

static void acc_release(Object *obj, ObjectProperty *p)
{
    g_free(p->opaque);
}

ObjectProperty *object_property_add_bool(Object *obj, const char *name,
        bool (*get)(Object *, Error **), void (*set)(Object *, bool, Error **))
{
    BoolAcc *a = g_new(BoolAcc, 1);
    a->get = get;
    a->set = set;
    return object_property_add(obj, name, "bool", PROP_KIND_BOOL,
                               get ? bool_acc_get : NULL,
                               set ? bool_acc_set : NULL, acc_release, a);
}

typedef struct StrAcc {
    char *(*get)(Object *, Error **);
    void (*set)(Object *, const char *, Error **);
} StrAcc;

static bool str_acc_get(Object *obj, ObjectProperty *p, PropValue *out,
                        Error **errp)
{
    StrAcc *a = p->opaque;
    Error *err = NULL;
    out->s = a->get(obj, &err);
    if (err) {
        error_propagate(errp, err);
        return false;
    }
    return true;
}

static bool str_acc_set(Object *obj, ObjectProperty *p, const PropValue *in,
                        Error **errp)
{
    StrAcc *a = p->opaque;
    Error *err = NULL;
    a->set(obj, in->s, &err);
    if (err) {
        error_propagate(errp, err);
        return false;
    }
    return true;
}

ObjectProperty *object_property_add_str(Object *obj, const char *name,
        char *(*get)(Object *, Error **),
        void (*set)(Object *, const char *, Error **))
{
    StrAcc *a = g_new(StrAcc, 1);
    a->get = get;
    a->set = set;
    return object_property_add(obj, name, "str", PROP_KIND_STRING,
                               get ? str_acc_get : NULL,
                               set ? str_acc_set : NULL, acc_release, a);
}

static bool ptr_get(Object *obj, ObjectProperty *p, PropValue *out,
                    Error **errp)
{
    switch (p->kind) {
    case PROP_KIND_UINT8: out->u = *(const uint8_t *)p->opaque; break;
    case PROP_KIND_UINT16: out->u = *(const uint16_t *)p->opaque; break;
    case PROP_KIND_UINT32: out->u = *(const uint32_t *)p->opaque; break;
    default: out->u = *(const uint64_t *)p->opaque; break;
    }
    return true;
}

ObjectProperty *object_property_add_uint8_ptr(Object *obj, const char *name,
                                              const uint8_t *v)
{
    return object_property_add(obj, name, "uint8", PROP_KIND_UINT8, ptr_get,
                               NULL, NULL, (void *)v);
}

ObjectProperty *object_property_add_uint16_ptr(Object *obj, const char *name,
                                               const uint16_t *v)
{
    return object_property_add(obj, name, "uint16", PROP_KIND_UINT16, ptr_get,
                               NULL, NULL, (void *)v);
}

ObjectProperty *object_property_add_uint32_ptr(Object *obj, const char *name,
                                               const uint32_t *v)
{
    return object_property_add(obj, name, "uint32", PROP_KIND_UINT32, ptr_get,
                               NULL, NULL, (void *)v);
}

ObjectProperty *object_property_add_uint64_ptr(Object *obj, const char *name,
                                               const uint64_t *v)
{
    return object_property_add(obj, name, "uint64", PROP_KIND_UINT64, ptr_get,
                               NULL, NULL, (void *)v);
}

static bool link_get(Object *obj, ObjectProperty *p, PropValue *out,
                     Error **errp)
{
    out->obj = *(Object **)p->opaque;
    return true;
}

static bool link_set(Object *obj, ObjectProperty *p, const PropValue *in,
                     Error **errp)
{
    Object **target = p->opaque;

    if (in->obj && !object_dynamic_cast(in->obj, p->link_type)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                   p->name, p->link_type);
        return false;
    }
    object_ref(in->obj);
    object_unref(*target);
    *target = in->obj;
    return true;
}

static void link_release(Object *obj, ObjectProperty *p)
{
    Object **target = p->opaque;
    object_unref(*target);
    *target = NULL;
}

ObjectProperty *object_property_add_link(Object *obj, const char *name,
                                         const char *type, Object **targetp,
                                         bool readonly)
{
    char *t = g_strdup_printf("link<%s>", type);
    ObjectProperty *p = object_property_add(obj, name, t, PROP_KIND_LINK,
                                            link_get,
                                            readonly ? NULL : link_set,
                                            readonly ? NULL : link_release,
                                            targetp);
    g_free(t);
    /* link_type must outlive the property: keep the class's type name */
    p->link_type = object_class_get_name(object_class_by_name(type));
    return p;
}

static gint prop_print_cmp(gconstpointer a, gconstpointer b)
{
    const ObjectProperty *pa = *(ObjectProperty *const *)a;
    const ObjectProperty *pb = *(ObjectProperty *const *)b;
    return strcmp(pa->name, pb->name);
}

void object_class_print_props(FILE *f, ObjectClass *k)
{
    const char *typename = object_class_get_name(k);
    ObjectPropertyIterator it;
    ObjectProperty *p;
    GPtrArray *props = g_ptr_array_new();

    object_class_property_iter_init(&it, k);
    while ((p = object_property_iter_next(&it))) {
        /* internal state, not options */
        if (!p->set || !strcmp(p->name, "realized")) {
            continue;
        }
        g_ptr_array_add(props, p);
    }
    object_property_iter_free(&it);
    g_ptr_array_sort(props, prop_print_cmp);
    if (!props->len) {
        fprintf(f, "There are no options for %s.\n", typename);
    } else {
        fprintf(f, "%s options:\n", typename);
    }
    for (guint i = 0; i < props->len; i++) {
        char *left;
        const char *desc;

        p = props->pdata[i];
        left = g_strdup_printf("%s=<%s>", p->name, p->type);
        desc = p->description ? p->description
               : p->kind == PROP_KIND_BOOL ? "on/off" : "";
        if (!*desc && !p->defval) {
            fprintf(f, "  %s\n", left);
        } else if (p->defval) {
            fprintf(f, "  %-22s - %s (default: %s)\n", left, desc, p->defval);
        } else {
            fprintf(f, "  %-22s - %s\n", left, desc);
        }
        g_free(left);
    }
    g_ptr_array_free(props, TRUE);
}
