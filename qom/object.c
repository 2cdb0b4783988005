/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Types, classes, instances and the composition tree. Properties (the
 * generic part) live here too; static Property arrays, string forms and
 * globals are in property.c and globals.c.
 */
#include "util/osdep.h"
#include "qom/object.h"
#include "qom/qom-internal.h"

typedef struct TypeImpl {
    const char *name;
    const char *parent_name;
    struct TypeImpl *parent;
    TypeInfo info;
    size_t instance_size, class_size;
    ObjectClass *klass;
    bool is_interface;
} TypeImpl;

static GHashTable *type_table;

static GHashTable *types(void)
{
    if (!type_table) {
        type_table = g_hash_table_new(g_str_hash, g_str_equal);
    }
    return type_table;
}

Type type_register_static(const TypeInfo *info)
{
    TypeImpl *ti = g_new0(TypeImpl, 1);

    g_assert(info->name);
    if (g_hash_table_lookup(types(), info->name)) {
        fprintf(stderr, "kemu: type '%s' registered twice\n", info->name);
        abort();
    }
    ti->name = info->name;
    ti->parent_name = info->parent;
    ti->info = *info;
    g_hash_table_insert(types(), (gpointer)ti->name, ti);
    return ti;
}

void type_register_static_array(const TypeInfo *infos, int nr)
{
    for (int i = 0; i < nr; i++) {
        type_register_static(&infos[i]);
    }
}

static TypeImpl *type_get_by_name(const char *name)
{
    return name ? g_hash_table_lookup(types(), name) : NULL;
}

static TypeImpl *type_get_parent(TypeImpl *ti)
{
    if (!ti->parent && ti->parent_name) {
        ti->parent = type_get_by_name(ti->parent_name);
        if (!ti->parent) {
            fprintf(stderr, "kemu: type '%s' has unknown parent '%s'\n",
                    ti->name, ti->parent_name);
            abort();
        }
    }
    return ti->parent;
}

static bool type_is_ancestor(TypeImpl *ti, TypeImpl *target)
{
    for (; ti; ti = type_get_parent(ti)) {
        if (ti == target) {
            return true;
        }
    }
    return false;
}

static void type_initialize(TypeImpl *ti);

/* A per-type copy of an interface class, so implementers can fill it. */
static ObjectClass *iface_class_new(TypeImpl *iface, ObjectClass *from)
{
    ObjectClass *ic;

    type_initialize(iface);
    ic = g_malloc0(iface->class_size);
    memcpy(ic, from ? from : iface->klass, iface->class_size);
    ic->interfaces = NULL;
    ic->properties = g_hash_table_new(g_str_hash, g_str_equal);
    return ic;
}

static bool class_has_iface(ObjectClass *k, TypeImpl *iface)
{
    for (GSList *l = k->interfaces; l; l = l->next) {
        if (type_is_ancestor(((ObjectClass *)l->data)->type, iface)) {
            return true;
        }
    }
    return false;
}

static void class_add_iface(ObjectClass *k, TypeImpl *iface)
{
    if (!class_has_iface(k, iface)) {
        k->interfaces = g_slist_append(k->interfaces, iface_class_new(iface, NULL));
    }
}

static void type_initialize(TypeImpl *ti)
{
    TypeImpl *parent;
    ObjectClass *k;

    if (ti->klass) {
        return;
    }
    parent = type_get_parent(ti);
    if (parent) {
        type_initialize(parent);
    }
    ti->class_size = ti->info.class_size ? ti->info.class_size
                     : parent ? parent->class_size : sizeof(ObjectClass);
    ti->instance_size = ti->info.instance_size ? ti->info.instance_size
                        : parent ? parent->instance_size : sizeof(Object);
    ti->is_interface = !strcmp(ti->name, TYPE_INTERFACE) ||
                       (parent && parent->is_interface);
    k = g_malloc0(ti->class_size);
    if (parent) {
        g_assert(parent->class_size <= ti->class_size);
        memcpy(k, parent->klass, parent->class_size);
        k->interfaces = NULL;
        for (GSList *l = parent->klass->interfaces; l; l = l->next) {
            ObjectClass *pic = l->data;
            k->interfaces = g_slist_append(k->interfaces,
                                           iface_class_new(pic->type, pic));
        }
    }
    k->type = ti;
    k->properties = g_hash_table_new(g_str_hash, g_str_equal);
    ti->klass = k;
    if (ti->info.interfaces) {
        for (const InterfaceInfo *ii = ti->info.interfaces; ii->type; ii++) {
            TypeImpl *it = type_get_by_name(ii->type);
            if (!it) {
                fprintf(stderr, "kemu: type '%s' implements unknown '%s'\n",
                        ti->name, ii->type);
                abort();
            }
            class_add_iface(k, it);
        }
    }
    /* Ancestors' base_init hooks see every subclass. */
    for (TypeImpl *p = parent; p; p = type_get_parent(p)) {
        if (p->info.class_base_init) {
            p->info.class_base_init(k, ti->info.class_data);
        }
    }
    if (ti->info.class_init) {
        ti->info.class_init(k, ti->info.class_data);
    }
}

ObjectClass *object_class_by_name(const char *typename)
{
    TypeImpl *ti = type_get_by_name(typename);
    if (!ti) {
        return NULL;
    }
    type_initialize(ti);
    return ti->klass;
}

ObjectClass *object_class_get_parent(ObjectClass *klass)
{
    TypeImpl *p = type_get_parent(klass->type);
    if (!p) {
        return NULL;
    }
    type_initialize(p);
    return p->klass;
}

const char *object_class_get_name(ObjectClass *klass)
{
    return klass->type->name;
}

bool object_class_is_abstract(ObjectClass *klass)
{
    return klass->type->info.abstract;
}

ObjectClass *object_class_dynamic_cast(ObjectClass *klass,
                                       const char *typename)
{
    TypeImpl *target;

    if (!klass) {
        return NULL;
    }
    if (!strcmp(klass->type->name, typename)) {
        return klass;
    }
    target = type_get_by_name(typename);
    if (!target) {
        return NULL;
    }
    type_initialize(target);
    if (target->is_interface && !klass->type->is_interface) {
        for (GSList *l = klass->interfaces; l; l = l->next) {
            if (type_is_ancestor(((ObjectClass *)l->data)->type, target)) {
                return l->data;
            }
        }
        return NULL;
    }
    return type_is_ancestor(klass->type, target) ? klass : NULL;
}

ObjectClass *object_class_dynamic_cast_assert(ObjectClass *klass,
                                              const char *typename,
                                              const char *file, int line)
{
    ObjectClass *r = object_class_dynamic_cast(klass, typename);
    if (!r && klass) {
        fprintf(stderr, "%s:%d: class '%s' is not a '%s'\n", file, line,
                klass->type->name, typename);
        abort();
    }
    return r;
}

typedef struct ClassListData {
    TypeImpl *target;
    bool include_abstract;
    GSList *list;
} ClassListData;

static void class_list_add(gpointer key, gpointer value, gpointer opaque)
{
    ClassListData *d = opaque;
    TypeImpl *ti = value;

    type_initialize(ti);
    if (!d->include_abstract && (ti->info.abstract || ti->is_interface)) {
        return;
    }
    if (!d->target || object_class_dynamic_cast(ti->klass, d->target->name)) {
        d->list = g_slist_prepend(d->list, ti->klass);
    }
}

GSList *object_class_get_list(const char *implements_type,
                              bool include_abstract)
{
    ClassListData d = { .include_abstract = include_abstract };

    if (implements_type) {
        d.target = type_get_by_name(implements_type);
        if (!d.target) {
            return NULL;
        }
    }
    g_hash_table_foreach(types(), class_list_add, &d);
    return d.list;
}

static gint class_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(object_class_get_name((ObjectClass *)a),
                  object_class_get_name((ObjectClass *)b));
}

GSList *object_class_get_list_sorted(const char *implements_type,
                                     bool include_abstract)
{
    return g_slist_sort(object_class_get_list(implements_type,
                                              include_abstract), class_cmp);
}

/* ---- instances ---- */

static void object_init_chain(Object *obj, TypeImpl *ti)
{
    TypeImpl *p = type_get_parent(ti);
    if (p) {
        object_init_chain(obj, p);
    }
    object_set_static_defaults(obj, ti->klass);
    if (ti->info.instance_init) {
        ti->info.instance_init(obj);
    }
}

static void object_post_init_chain(Object *obj, TypeImpl *ti)
{
    TypeImpl *p = type_get_parent(ti);
    if (p) {
        object_post_init_chain(obj, p);
    }
    if (ti->info.instance_post_init) {
        ti->info.instance_post_init(obj);
    }
}

static void prop_free(gpointer p)
{
    ObjectProperty *prop = p;
    g_free(prop->name);
    g_free(prop->type);
    g_free(prop->description);
    g_free(prop->defval);
    g_free(prop);
}

static void object_init_with_type(Object *obj, TypeImpl *ti)
{
    obj->klass = ti->klass;
    obj->ref = 1;
    obj->properties = g_hash_table_new_full(g_str_hash, g_str_equal,
                                            NULL, prop_free);
    object_init_chain(obj, ti);
    object_post_init_chain(obj, ti);
}

static TypeImpl *type_for_new(const char *typename, Error **errp)
{
    TypeImpl *ti = type_get_by_name(typename);

    if (!ti) {
        error_setg(errp, "Invalid object type '%s'", typename);
        return NULL;
    }
    type_initialize(ti);
    if (ti->info.abstract || ti->is_interface) {
        error_setg(errp, "Object type '%s' is abstract", typename);
        return NULL;
    }
    return ti;
}

Object *object_new_checked(const char *typename, Error **errp)
{
    TypeImpl *ti = type_for_new(typename, errp);
    Object *obj;

    if (!ti) {
        return NULL;
    }
    obj = g_malloc0(ti->instance_size);
    object_init_with_type(obj, ti);
    return obj;
}

Object *object_new(const char *typename)
{
    return object_new_checked(typename, &error_abort);
}

/* Embedded objects are not freed by their last unref. */
static GHashTable *embedded;

void object_initialize(void *data, size_t size, const char *typename)
{
    TypeImpl *ti = type_for_new(typename, &error_abort);

    g_assert(size >= ti->instance_size);
    memset(data, 0, size);
    if (!embedded) {
        embedded = g_hash_table_new(g_direct_hash, g_direct_equal);
    }
    g_hash_table_add(embedded, data);
    object_init_with_type(data, ti);
}

ObjectClass *object_get_class(Object *obj)
{
    return obj->klass;
}

const char *object_get_typename(const Object *obj)
{
    return obj->klass->type->name;
}

Object *object_dynamic_cast(Object *obj, const char *typename)
{
    if (obj && object_class_dynamic_cast(obj->klass, typename)) {
        return obj;
    }
    return NULL;
}

Object *object_dynamic_cast_assert(Object *obj, const char *typename,
                                   const char *file, int line)
{
    if (obj && !object_dynamic_cast(obj, typename)) {
        fprintf(stderr, "%s:%d: object %p of type '%s' is not a '%s'\n",
                file, line, (void *)obj, object_get_typename(obj), typename);
        abort();
    }
    return obj;
}

Object *object_ref(void *o)
{
    Object *obj = o;
    if (obj) {
        __atomic_fetch_add(&obj->ref, 1, __ATOMIC_SEQ_CST);
    }
    return obj;
}

static void object_release_all_props(Object *obj)
{
    ObjectPropertyIterator it;
    ObjectProperty *prop;

    /* Instance properties first: they can hold children and links. */
    while (g_hash_table_size(obj->properties)) {
        GHashTableIter hi;
        gpointer k, v;
        g_hash_table_iter_init(&hi, obj->properties);
        g_hash_table_iter_next(&hi, &k, &v);
        object_property_del(obj, k);
    }
    /* Class properties release per-instance data (strings, links). */
    object_class_property_iter_init(&it, obj->klass);
    while ((prop = object_property_iter_next(&it))) {
        if (prop->release) {
            prop->release(obj, prop);
        }
    }
    object_property_iter_free(&it);
}

static void object_finalize(Object *obj)
{
    object_release_all_props(obj);
    for (TypeImpl *ti = obj->klass->type; ti; ti = type_get_parent(ti)) {
        if (ti->info.instance_finalize) {
            ti->info.instance_finalize(obj);
        }
    }
    g_hash_table_destroy(obj->properties);
    obj->properties = NULL;
    if (embedded && g_hash_table_remove(embedded, obj)) {
        return;
    }
    g_free(obj);
}

void object_unref(void *o)
{
    Object *obj = o;
    if (!obj) {
        return;
    }
    g_assert(obj->ref > 0);
    if (__atomic_sub_fetch(&obj->ref, 1, __ATOMIC_SEQ_CST) == 0) {
        object_finalize(obj);
    }
}

/* ---- generic properties ---- */

static ObjectProperty *prop_new(const char *name, const char *type,
                                PropKind kind, ObjectPropertyGet *get,
                                ObjectPropertySet *set,
                                ObjectPropertyRelease *release, void *opaque)
{
    ObjectProperty *p = g_new0(ObjectProperty, 1);
    p->name = g_strdup(name);
    p->type = g_strdup(type);
    p->kind = kind;
    p->get = get;
    p->set = set;
    p->release = release;
    p->opaque = opaque;
    return p;
}

ObjectProperty *object_class_property_find(ObjectClass *klass,
                                           const char *name)
{
    for (; klass; klass = object_class_get_parent(klass)) {
        ObjectProperty *p = g_hash_table_lookup(klass->properties, name);
        if (p) {
            return p;
        }
    }
    return NULL;
}

ObjectProperty *object_property_find(Object *obj, const char *name)
{
    ObjectProperty *p = g_hash_table_lookup(obj->properties, name);
    return p ? p : object_class_property_find(obj->klass, name);
}

static ObjectProperty *object_property_try_add(Object *obj, const char *name,
                                               const char *type, PropKind kind,
                                               ObjectPropertyGet *get,
                                               ObjectPropertySet *set,
                                               ObjectPropertyRelease *release,
                                               void *opaque, Error **errp)
{
    ObjectProperty *p;
    size_t len = strlen(name);

    /* "name[*]": the first free index */
    if (len >= 3 && !strcmp(name + len - 3, "[*]")) {
        char *base = g_strndup(name, len - 3);
        for (int i = 0;; i++) {
            char *n = g_strdup_printf("%s[%d]", base, i);
            if (!object_property_find(obj, n)) {
                p = object_property_try_add(obj, n, type, kind, get, set,
                                            release, opaque, errp);
                g_free(n);
                g_free(base);
                return p;
            }
            g_free(n);
        }
    }
    if (object_property_find(obj, name)) {
        error_setg(errp, "attempt to add duplicate property '%s' to object "
                   "(type '%s')", name, object_get_typename(obj));
        return NULL;
    }
    p = prop_new(name, type, kind, get, set, release, opaque);
    g_hash_table_insert(obj->properties, p->name, p);
    return p;
}

ObjectProperty *object_property_add(Object *obj, const char *name,
                                    const char *type, PropKind kind,
                                    ObjectPropertyGet *get,
                                    ObjectPropertySet *set,
                                    ObjectPropertyRelease *release,
                                    void *opaque)
{
    return object_property_try_add(obj, name, type, kind, get, set, release,
                                   opaque, &error_abort);
}

ObjectProperty *object_class_property_add(ObjectClass *klass, const char *name,
                                          const char *type, PropKind kind,
                                          ObjectPropertyGet *get,
                                          ObjectPropertySet *set,
                                          ObjectPropertyRelease *release,
                                          void *opaque)
{
    ObjectProperty *p;

    if (object_class_property_find(klass, name)) {
        fprintf(stderr, "kemu: duplicate class property '%s' in '%s'\n",
                name, object_class_get_name(klass));
        abort();
    }
    p = prop_new(name, type, kind, get, set, release, opaque);
    g_hash_table_insert(klass->properties, p->name, p);
    return p;
}

void object_property_set_description(Object *obj, const char *name,
                                     const char *desc)
{
    ObjectProperty *p = object_property_find(obj, name);
    if (p) {
        g_free(p->description);
        p->description = g_strdup(desc);
    }
}

void object_class_property_set_description(ObjectClass *klass,
                                           const char *name, const char *desc)
{
    ObjectProperty *p = object_class_property_find(klass, name);
    if (p) {
        g_free(p->description);
        p->description = g_strdup(desc);
    }
}

void object_property_del(Object *obj, const char *name)
{
    ObjectProperty *p = g_hash_table_lookup(obj->properties, name);

    if (!p) {
        return;
    }
    /* Unlink before release: release may drop the last ref of a child. */
    g_hash_table_steal(obj->properties, name);
    if (p->release) {
        p->release(obj, p);
    }
    prop_free(p);
}

static gint prop_cmp(gconstpointer a, gconstpointer b)
{
    const ObjectProperty *pa = *(ObjectProperty *const *)a;
    const ObjectProperty *pb = *(ObjectProperty *const *)b;
    return strcmp(pa->name, pb->name);
}

static void class_props_collect(GPtrArray *out, ObjectClass *klass)
{
    for (; klass; klass = object_class_get_parent(klass)) {
        GPtrArray *level = g_ptr_array_new();
        GHashTableIter hi;
        gpointer k, v;
        g_hash_table_iter_init(&hi, klass->properties);
        while (g_hash_table_iter_next(&hi, &k, &v)) {
            g_ptr_array_add(level, v);
        }
        g_ptr_array_sort(level, prop_cmp);
        for (guint i = 0; i < level->len; i++) {
            g_ptr_array_add(out, level->pdata[i]);
        }
        g_ptr_array_free(level, TRUE);
    }
}

void object_class_property_iter_init(ObjectPropertyIterator *iter,
                                     ObjectClass *klass)
{
    iter->props = g_ptr_array_new();
    iter->next = 0;
    class_props_collect(iter->props, klass);
}

/* Children are listed in creation order (device[0], device[1], ...). */
static gint prop_cmp_natural(gconstpointer a, gconstpointer b)
{
    const ObjectProperty *pa = *(ObjectProperty *const *)a;
    const ObjectProperty *pb = *(ObjectProperty *const *)b;
    const char *x = pa->name, *y = pb->name;

    while (*x && *y) {
        if (g_ascii_isdigit(*x) && g_ascii_isdigit(*y)) {
            unsigned long nx = strtoul(x, (char **)&x, 10);
            unsigned long ny = strtoul(y, (char **)&y, 10);
            if (nx != ny) {
                return nx < ny ? -1 : 1;
            }
            continue;
        }
        if (*x != *y) {
            return (unsigned char)*x - (unsigned char)*y;
        }
        x++;
        y++;
    }
    return (unsigned char)*x - (unsigned char)*y;
}

void object_property_iter_init(ObjectPropertyIterator *iter, Object *obj)
{
    GHashTableIter hi;
    gpointer k, v;
    GPtrArray *inst = g_ptr_array_new();

    iter->props = g_ptr_array_new();
    iter->next = 0;
    g_hash_table_iter_init(&hi, obj->properties);
    while (g_hash_table_iter_next(&hi, &k, &v)) {
        g_ptr_array_add(inst, v);
    }
    g_ptr_array_sort(inst, prop_cmp_natural);
    for (guint i = 0; i < inst->len; i++) {
        g_ptr_array_add(iter->props, inst->pdata[i]);
    }
    g_ptr_array_free(inst, TRUE);
    class_props_collect(iter->props, obj->klass);
}

ObjectProperty *object_property_iter_next(ObjectPropertyIterator *iter)
{
    if (iter->next < iter->props->len) {
        return iter->props->pdata[iter->next++];
    }
    return NULL;
}

void object_property_iter_free(ObjectPropertyIterator *iter)
{
    if (iter->props) {
        g_ptr_array_free(iter->props, TRUE);
        iter->props = NULL;
    }
}

/* ---- composition tree ---- */

static bool child_get(Object *obj, ObjectProperty *prop, PropValue *out,
                      Error **errp)
{
    out->kind = PROP_KIND_CHILD;
    out->obj = prop->opaque;
    return true;
}

static void child_release(Object *obj, ObjectProperty *prop)
{
    Object *child = prop->opaque;

    if (child->klass->unparent) {
        child->klass->unparent(child);
    }
    child->parent = NULL;
    child->name_in_parent = NULL;
    object_unref(child);
}

bool object_property_add_child(Object *parent, const char *name,
                               Object *child, Error **errp)
{
    ObjectProperty *p;
    char *type;

    if (child->parent) {
        error_setg(errp, "object '%s' already has a parent",
                   child->name_in_parent);
        return false;
    }
    type = g_strdup_printf("child<%s>", object_get_typename(child));
    p = object_property_try_add(parent, name, type, PROP_KIND_CHILD,
                                child_get, NULL, child_release, child, errp);
    g_free(type);
    if (!p) {
        return false;
    }
    object_ref(child);
    child->parent = parent;
    child->name_in_parent = p->name;
    return true;
}

void object_unparent(Object *obj)
{
    if (obj->parent) {
        object_property_del(obj->parent, obj->name_in_parent);
    }
}

static Object *root;

static const TypeInfo container_info = {
    .name = "container",
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(Object),
};

Object *object_get_root(void)
{
    if (!root) {
        root = object_new("container");
    }
    return root;
}

Object *object_get_objects_root(void)
{
    return container_get(object_get_root(), "/objects");
}

const char *object_get_canonical_path_component(Object *obj)
{
    return obj->name_in_parent;
}

char *object_get_canonical_path(Object *obj)
{
    GString *s = g_string_new(NULL);

    if (obj == object_get_root()) {
        g_string_free(s, TRUE);
        return g_strdup("/");
    }
    for (; obj && obj != root; obj = obj->parent) {
        if (!obj->parent) {
            g_string_free(s, TRUE);
            return NULL;    /* not in the tree */
        }
        g_string_prepend(s, obj->name_in_parent);
        g_string_prepend_c(s, '/');
    }
    return g_string_free(s, FALSE);
}

/* Follows one path component through a child or link property. */
static Object *resolve_component(Object *obj, const char *name)
{
    ObjectProperty *p = object_property_find(obj, name);
    PropValue v;

    if (!p || (p->kind != PROP_KIND_CHILD && p->kind != PROP_KIND_LINK) ||
        !p->get || !p->get(obj, p, &v, NULL)) {
        return NULL;
    }
    return v.obj;
}

static Object *resolve_rel(Object *obj, char **parts, const char *typename)
{
    for (; obj && *parts; parts++) {
        if (!**parts) {
            continue;
        }
        obj = resolve_component(obj, *parts);
    }
    return obj && typename ? object_dynamic_cast(obj, typename) : obj;
}

typedef struct PartialData {
    char **parts;
    const char *typename;
    Object *found;
    bool ambiguous;
} PartialData;

static int partial_visit(Object *obj, void *opaque)
{
    PartialData *d = opaque;
    Object *r = resolve_rel(obj, d->parts, d->typename);

    if (r) {
        if (d->found && d->found != r) {
            d->ambiguous = true;
            return 1;
        }
        d->found = r;
    }
    return 0;
}

Object *object_resolve_path_type(const char *path, const char *typename,
                                 bool *ambiguous)
{
    char **parts = g_strsplit(path, "/", -1);
    Object *r;

    if (ambiguous) {
        *ambiguous = false;
    }
    if (path[0] == '/') {
        r = resolve_rel(object_get_root(), parts, typename);
    } else {
        PartialData d = { .parts = parts, .typename = typename };
        if (!partial_visit(object_get_root(), &d)) {
            object_child_foreach_recursive(object_get_root(), partial_visit,
                                           &d);
        }
        if (d.ambiguous) {
            if (ambiguous) {
                *ambiguous = true;
            }
            r = NULL;
        } else {
            r = d.found;
        }
    }
    g_strfreev(parts);
    return r;
}

Object *object_resolve_path(const char *path, bool *ambiguous)
{
    return object_resolve_path_type(path, NULL, ambiguous);
}

Object *container_get(Object *r, const char *path)
{
    char **parts = g_strsplit(path, "/", -1);
    Object *obj = r;

    for (char **p = parts; *p; p++) {
        Object *c;
        if (!**p) {
            continue;
        }
        c = resolve_component(obj, *p);
        if (!c) {
            c = object_new("container");
            object_property_add_child(obj, *p, c, &error_abort);
            object_unref(c);
        }
        obj = c;
    }
    g_strfreev(parts);
    return obj;
}

int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque),
                         void *opaque)
{
    ObjectPropertyIterator it;
    ObjectProperty *p;
    int ret = 0;

    object_property_iter_init(&it, obj);
    while ((p = object_property_iter_next(&it))) {
        if (p->kind == PROP_KIND_CHILD && p->release == child_release) {
            ret = fn(p->opaque, opaque);
            if (ret) {
                break;
            }
        }
    }
    object_property_iter_free(&it);
    return ret;
}

typedef struct RecData {
    int (*fn)(Object *child, void *opaque);
    void *opaque;
} RecData;

static int rec_visit(Object *child, void *opaque)
{
    RecData *d = opaque;
    int r = d->fn(child, d->opaque);
    return r ? r : object_child_foreach(child, rec_visit, d);
}

int object_child_foreach_recursive(Object *obj,
                                   int (*fn)(Object *child, void *opaque),
                                   void *opaque)
{
    RecData d = { fn, opaque };
    return object_child_foreach(obj, rec_visit, &d);
}

/* ---- base types ---- */

static const TypeInfo base_types[] = {
    { .name = TYPE_OBJECT, .instance_size = sizeof(Object),
      .class_size = sizeof(ObjectClass), .abstract = true },
    { .name = TYPE_INTERFACE, .class_size = sizeof(ObjectClass),
      .abstract = true },
    { .name = TYPE_USER_CREATABLE, .parent = TYPE_OBJECT,
      .class_size = sizeof(UserCreatableClass), .abstract = true },
};

static void register_base_types(void)
{
    type_register_static_array(base_types, ARRAY_SIZE(base_types));
    type_register_static(&container_info);
}
type_init(register_base_types)
