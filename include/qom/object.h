/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The object model. A type has a name, a parent, an instance and class
 * size, init hooks, and optional interfaces. Classes are created lazily
 * on first use: the parent's class is copied, then each class_init in the
 * chain runs. Instances are refcounted and form a tree through "child"
 * properties, rooted at object_get_root() ("/"); paths like
 * "/machine/unattached/device[0]" name objects for the monitor and qtest.
 *
 * Properties are typed (bool, integers, size, string, enum, link, child)
 * and can always be set from and printed as strings, which is what the
 * command line (-device, -object, -global) and the monitor need. Static
 * properties (Property arrays, see qom/property.h) live in the instance at
 * a fixed offset; dynamic ones use getter/setter callbacks.
 */
#ifndef KEMU_OBJECT_H
#define KEMU_OBJECT_H

#include "util/error.h"

typedef struct Object Object;
typedef struct ObjectClass ObjectClass;
typedef struct TypeImpl *Type;
typedef struct ObjectProperty ObjectProperty;

#define TYPE_OBJECT "object"
#define TYPE_INTERFACE "interface"
/* -object types derive from this one ("user-creatable") */
#define TYPE_USER_CREATABLE "user-creatable"

struct ObjectClass {
    Type type;
    GSList *interfaces;         /* of ObjectClass* of implemented interfaces */
    GHashTable *properties;     /* name -> ObjectProperty*, class-level */
    void (*unparent)(Object *obj);
};

struct Object {
    ObjectClass *klass;
    GHashTable *properties;     /* name -> ObjectProperty*, per instance */
    int ref;
    Object *parent;             /* owner in the composition tree */
    const char *name_in_parent; /* the child<> property's name */
};

typedef struct InterfaceInfo {
    const char *type;
} InterfaceInfo;

typedef struct TypeInfo {
    const char *name;
    const char *parent;
    size_t instance_size;
    size_t class_size;
    void (*instance_init)(Object *obj);
    void (*instance_post_init)(Object *obj);
    void (*instance_finalize)(Object *obj);
    bool abstract;
    void (*class_init)(ObjectClass *klass, void *data);
    void (*class_base_init)(ObjectClass *klass, void *data);
    void *class_data;
    const InterfaceInfo *interfaces;   /* terminated by { NULL } */
} TypeInfo;

/* Register types; call from a constructor (see type_init). */
Type type_register_static(const TypeInfo *info);
void type_register_static_array(const TypeInfo *infos, int nr);
#define type_init(fn) \
    static void __attribute__((constructor)) kemu_type_init_##fn(void) { fn(); }
#define DEFINE_TYPES(type_array)                                        \
    static void do_types_##type_array(void)                             \
    {                                                                   \
        type_register_static_array(type_array, ARRAY_SIZE(type_array)); \
    }                                                                   \
    type_init(do_types_##type_array)

/* Lookup and casts. */
ObjectClass *object_class_by_name(const char *typename);
ObjectClass *object_class_get_parent(ObjectClass *klass);
const char *object_class_get_name(ObjectClass *klass);
bool object_class_is_abstract(ObjectClass *klass);
/* klass if it is (or implements) typename, else NULL. */
ObjectClass *object_class_dynamic_cast(ObjectClass *klass,
                                       const char *typename);
/* List of classes of typename and its subtypes (GSList of ObjectClass*). */
GSList *object_class_get_list(const char *implements_type,
                              bool include_abstract);
/* Same, sorted by type name. */
GSList *object_class_get_list_sorted(const char *implements_type,
                                     bool include_abstract);

Object *object_dynamic_cast(Object *obj, const char *typename);
/* Cast with a fatal check (a programming error if it fails). */
Object *object_dynamic_cast_assert(Object *obj, const char *typename,
                                   const char *file, int line);
ObjectClass *object_class_dynamic_cast_assert(ObjectClass *klass,
                                              const char *typename,
                                              const char *file, int line);
#define OBJECT(obj) ((Object *)(obj))
#define OBJECT_CLASS(klass) ((ObjectClass *)(klass))
#define OBJECT_CHECK(type, obj, name) \
    ((type *)object_dynamic_cast_assert(OBJECT(obj), (name), __FILE__, __LINE__))
#define OBJECT_CLASS_CHECK(class_type, klass, name) \
    ((class_type *)object_class_dynamic_cast_assert(OBJECT_CLASS(klass), (name), \
                                                    __FILE__, __LINE__))
#define OBJECT_GET_CLASS(class_type, obj, name) \
    OBJECT_CLASS_CHECK(class_type, object_get_class(OBJECT(obj)), name)
/*
 * Declares the usual three cast helpers for a type:
 *   OBJECT_DECLARE_TYPE(PCIDevice, PCIDeviceClass, PCI_DEVICE)
 * gives PCI_DEVICE(obj), PCI_DEVICE_CLASS(klass), PCI_DEVICE_GET_CLASS(obj),
 * checked against TYPE_PCI_DEVICE.
 */
#define OBJECT_DECLARE_TYPE(Inst, Class, UPPER)                               \
    static inline __attribute__((unused)) Inst *UPPER(const void *obj)        \
    { return OBJECT_CHECK(Inst, obj, TYPE_##UPPER); }                         \
    static inline __attribute__((unused)) Class *UPPER##_CLASS(const void *k) \
    { return OBJECT_CLASS_CHECK(Class, k, TYPE_##UPPER); }                    \
    static inline __attribute__((unused)) Class *UPPER##_GET_CLASS(const void *obj) \
    { return OBJECT_GET_CLASS(Class, obj, TYPE_##UPPER); }
#define OBJECT_DECLARE_SIMPLE_TYPE(Inst, UPPER)                               \
    static inline __attribute__((unused)) Inst *UPPER(const void *obj)        \
    { return OBJECT_CHECK(Inst, obj, TYPE_##UPPER); }

/* Instances. */
Object *object_new(const char *typename);   /* aborts on unknown type */
/* Like object_new, but errors (unknown/abstract type) go to errp. */
Object *object_new_checked(const char *typename, Error **errp);
void object_initialize(void *obj, size_t size, const char *typename);
ObjectClass *object_get_class(Object *obj);
const char *object_get_typename(const Object *obj);
Object *object_ref(void *obj);
void object_unref(void *obj);

/* Composition tree. */
Object *object_get_root(void);
/* "/objects", the container of -object instances */
Object *object_get_objects_root(void);
/* Adds child<TYPE> property 'name' to parent; takes a reference. */
bool object_property_add_child(Object *parent, const char *name,
                               Object *child, Error **errp);
/* Removes obj from its parent (drops the parent's reference). */
void object_unparent(Object *obj);
char *object_get_canonical_path(Object *obj);
const char *object_get_canonical_path_component(Object *obj);
/* Absolute path or partial path (unique match); NULL if none/ambiguous. */
Object *object_resolve_path(const char *path, bool *ambiguous);
Object *object_resolve_path_type(const char *path, const char *typename,
                                 bool *ambiguous);
/* Container objects ("container" type), created on demand under root. */
Object *container_get(Object *root, const char *path);
/* Calls fn on every child (property order); stops when fn returns != 0. */
int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque),
                         void *opaque);
int object_child_foreach_recursive(Object *obj,
                                   int (*fn)(Object *child, void *opaque),
                                   void *opaque);

/* ---- Properties ---- */

/*
 * Property kinds. Each kind has a fixed string form:
 *   bool "on"/"off" (parse also accepts yes/no/true/false),
 *   numbers decimal (parse also 0x..), size as a number of bytes
 *   (parse accepts suffixes), enum by name, link by path, child by path.
 */
typedef enum PropKind {
    PROP_KIND_BOOL,
    PROP_KIND_UINT8,
    PROP_KIND_UINT16,
    PROP_KIND_UINT32,
    PROP_KIND_UINT64,
    PROP_KIND_INT32,
    PROP_KIND_INT64,
    PROP_KIND_SIZE,
    PROP_KIND_STRING,
    PROP_KIND_ENUM,
    PROP_KIND_LINK,
    PROP_KIND_CHILD,
} PropKind;

/* A typed value passed to/from property accessors. */
typedef struct PropValue {
    PropKind kind;
    union {
        bool b;
        uint64_t u;         /* all unsigned kinds and size */
        int64_t i;          /* signed kinds */
        int e;              /* enum index */
        char *s;            /* string (owned by whoever holds the value) */
        Object *obj;        /* link/child */
    };
} PropValue;

typedef bool ObjectPropertyGet(Object *obj, ObjectProperty *prop,
                               PropValue *out, Error **errp);
typedef bool ObjectPropertySet(Object *obj, ObjectProperty *prop,
                               const PropValue *in, Error **errp);
typedef void ObjectPropertyRelease(Object *obj, ObjectProperty *prop);

struct ObjectProperty {
    char *name;
    char *type;                 /* "bool", "uint32", "size", "str", enum's
                                   type name, "link<TYPE>", "child<TYPE>" */
    PropKind kind;
    char *description;
    const char *const *enum_names;   /* NULL-terminated, for PROP_KIND_ENUM */
    const char *link_type;           /* for PROP_KIND_LINK */
    ObjectPropertyGet *get;     /* NULL: write-only */
    ObjectPropertySet *set;     /* NULL: read-only */
    ObjectPropertyRelease *release;
    void *opaque;               /* accessor data (e.g. a Property *) */
    char *defval;               /* default as a string, for help; or NULL */
};

ObjectProperty *object_property_add(Object *obj, const char *name,
                                    const char *type, PropKind kind,
                                    ObjectPropertyGet *get,
                                    ObjectPropertySet *set,
                                    ObjectPropertyRelease *release,
                                    void *opaque);
ObjectProperty *object_class_property_add(ObjectClass *klass, const char *name,
                                          const char *type, PropKind kind,
                                          ObjectPropertyGet *get,
                                          ObjectPropertySet *set,
                                          ObjectPropertyRelease *release,
                                          void *opaque);
void object_property_set_description(Object *obj, const char *name,
                                     const char *desc);
void object_class_property_set_description(ObjectClass *klass,
                                           const char *name,
                                           const char *desc);
/* Instance property first, then class chain. NULL if none. */
ObjectProperty *object_property_find(Object *obj, const char *name);
ObjectProperty *object_class_property_find(ObjectClass *klass,
                                           const char *name);
void object_property_del(Object *obj, const char *name);

/* Iterate all properties (instance, then class chain). */
typedef struct ObjectPropertyIterator {
    GPtrArray *props;
    guint next;
} ObjectPropertyIterator;
void object_property_iter_init(ObjectPropertyIterator *iter, Object *obj);
void object_class_property_iter_init(ObjectPropertyIterator *iter,
                                     ObjectClass *klass);
ObjectProperty *object_property_iter_next(ObjectPropertyIterator *iter);
void object_property_iter_free(ObjectPropertyIterator *iter);

/* "TYPE options:" and one line per settable class property, sorted
 * (what -device TYPE,help and -object TYPE,help print). */
void object_class_print_props(FILE *f, ObjectClass *klass);

/* Convenience: dynamic properties backed by callbacks. */
ObjectProperty *object_property_add_bool(Object *obj, const char *name,
        bool (*get)(Object *, Error **), void (*set)(Object *, bool, Error **));
ObjectProperty *object_property_add_str(Object *obj, const char *name,
        char *(*get)(Object *, Error **),
        void (*set)(Object *, const char *, Error **));
/* Read-only integer views of fields (qom-get). */
ObjectProperty *object_property_add_uint8_ptr(Object *obj, const char *name,
                                              const uint8_t *v);
ObjectProperty *object_property_add_uint16_ptr(Object *obj, const char *name,
                                               const uint16_t *v);
ObjectProperty *object_property_add_uint32_ptr(Object *obj, const char *name,
                                               const uint32_t *v);
ObjectProperty *object_property_add_uint64_ptr(Object *obj, const char *name,
                                               const uint64_t *v);
/* link<type> property stored at *targetp; settable unless 'readonly'. */
ObjectProperty *object_property_add_link(Object *obj, const char *name,
                                         const char *type, Object **targetp,
                                         bool readonly);

/* Typed access (errors: no such property, wrong type, bad value). */
bool object_property_get(Object *obj, const char *name, PropValue *out,
                         Error **errp);
bool object_property_set(Object *obj, const char *name, const PropValue *in,
                         Error **errp);
/* String forms, used by -device/-object/-global and qom-get/qom-set. */
bool object_property_parse(Object *obj, const char *name, const char *value,
                           Error **errp);
char *object_property_print(Object *obj, const char *name, Error **errp);
bool object_property_set_bool(Object *obj, const char *name, bool v,
                              Error **errp);
bool object_property_set_uint(Object *obj, const char *name, uint64_t v,
                              Error **errp);
bool object_property_set_int(Object *obj, const char *name, int64_t v,
                             Error **errp);
bool object_property_set_str(Object *obj, const char *name, const char *v,
                             Error **errp);
bool object_property_set_link(Object *obj, const char *name, Object *v,
                              Error **errp);
bool object_property_get_bool(Object *obj, const char *name, Error **errp);
uint64_t object_property_get_uint(Object *obj, const char *name,
                                  Error **errp);
int64_t object_property_get_int(Object *obj, const char *name, Error **errp);
char *object_property_get_str(Object *obj, const char *name, Error **errp);
Object *object_property_get_link(Object *obj, const char *name, Error **errp);
/* Converting between value and string for a property's kind. */
char *prop_value_to_string(const ObjectProperty *prop, const PropValue *v);
bool prop_value_from_string(const ObjectProperty *prop, const char *str,
                            PropValue *out, Error **errp);
void prop_value_clear(PropValue *v);

/*
 * -global TYPE.prop=value: remembered, then applied (in order) to every
 * new instance of TYPE or a subtype before its own properties are set.
 * Instances created with object_new() get them in object_apply_globals(),
 * which qdev calls at device creation.
 */
void object_register_global(const char *type, const char *prop,
                            const char *value);
/* Parses "TYPE.prop=value". */
bool object_register_global_str(const char *str, Error **errp);
bool object_apply_globals(Object *obj, Error **errp);
/* Reports globals that matched no object ("not used"): warning at exit. */
void object_globals_check_unused(void);

/* -object TYPE,id=ID,prop=... : instances of TYPE_USER_CREATABLE types. */
typedef struct UserCreatableClass {
    ObjectClass parent_class;
    bool (*complete)(Object *obj, Error **errp);   /* after props are set */
} UserCreatableClass;
Object *user_creatable_add(const char *type, const char *id,
                           GArray *props /* of OptPair */, Error **errp);
bool user_creatable_del(const char *id, Error **errp);

#endif
