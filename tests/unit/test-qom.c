/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Object model: types, interfaces, properties, defaults, globals, paths. */
#include "util/osdep.h"
#include "qom/object.h"
#include "qom/property.h"
#include "util/opts.h"

#define TYPE_ANIMAL "animal"
#define TYPE_DOG "dog"
#define TYPE_PUPPY "puppy"
#define TYPE_BARKER "barker"
#define TYPE_THING "test-thing"

typedef struct Animal {
    Object parent_obj;
    uint32_t legs;
    bool tame;
    char *name;
    int mood;
    uint64_t mem;
    int32_t temp;
    uint8_t small;
    Object *friend;
    int init_order;
} Animal;

typedef struct AnimalClass {
    ObjectClass parent_class;
    const char *(*sound)(Animal *a);
} AnimalClass;

typedef struct BarkerClass {
    ObjectClass parent_class;
    int loudness;
} BarkerClass;

OBJECT_DECLARE_TYPE(Animal, AnimalClass, ANIMAL)

static const char *const mood_names[] = { "calm", "happy", "grumpy", NULL };
static int finalized;

static const Property animal_props[] = {
    DEFINE_PROP_UINT32("legs", Animal, legs, 4),
    DEFINE_PROP_BOOL("tame", Animal, tame, true),
    DEFINE_PROP_STRING("name", Animal, name),
    DEFINE_PROP_ENUM("mood", Animal, mood, 1, "Mood", mood_names),
    DEFINE_PROP_SIZE("mem", Animal, mem, 64 * MiB),
    DEFINE_PROP_INT32("temp", Animal, temp, -3),
    DEFINE_PROP_UINT8("small", Animal, small, 7),
    DEFINE_PROP_LINK("friend", Animal, friend, TYPE_ANIMAL),
    DEFINE_PROP_END,
};

static const char *animal_sound(Animal *a) { return "..."; }
static const char *dog_sound(Animal *a) { return "woof"; }

static void animal_class_init(ObjectClass *k, void *data)
{
    AnimalClass *ac = (AnimalClass *)k;
    ac->sound = animal_sound;
    object_class_add_static_props(k, animal_props);
}

static void animal_init(Object *obj)
{
    Animal *a = (Animal *)obj;
    /* defaults are in place before instance_init runs */
    g_assert_cmpuint(a->legs, ==, 4);
    a->init_order = 1;
}

static void dog_init(Object *obj)
{
    Animal *a = (Animal *)obj;
    g_assert_cmpint(a->init_order, ==, 1);   /* parent first */
    a->init_order = 2;
}

static void dog_class_init(ObjectClass *k, void *data)
{
    AnimalClass *ac = (AnimalClass *)k;
    BarkerClass *bc = (BarkerClass *)object_class_dynamic_cast(k, TYPE_BARKER);
    ac->sound = dog_sound;
    bc->loudness = 5;
}

static void puppy_class_init(ObjectClass *k, void *data)
{
    BarkerClass *bc = (BarkerClass *)object_class_dynamic_cast(k, TYPE_BARKER);
    /* the inherited interface class is our own copy */
    g_assert_cmpint(bc->loudness, ==, 5);
    bc->loudness = 2;
}

static void animal_finalize(Object *obj)
{
    finalized++;
}

static const InterfaceInfo dog_ifaces[] = { { TYPE_BARKER }, { NULL } };

static const TypeInfo test_types[] = {
    { .name = TYPE_ANIMAL, .parent = TYPE_OBJECT,
      .instance_size = sizeof(Animal), .class_size = sizeof(AnimalClass),
      .class_init = animal_class_init, .instance_init = animal_init,
      .instance_finalize = animal_finalize },
    { .name = TYPE_BARKER, .parent = TYPE_INTERFACE,
      .class_size = sizeof(BarkerClass) },
    { .name = TYPE_DOG, .parent = TYPE_ANIMAL, .instance_init = dog_init,
      .class_init = dog_class_init, .interfaces = dog_ifaces },
    { .name = TYPE_PUPPY, .parent = TYPE_DOG,
      .class_init = puppy_class_init },
    { .name = TYPE_THING, .parent = TYPE_USER_CREATABLE,
      .instance_size = sizeof(Animal) },
    { .name = "abstract-thing", .parent = TYPE_OBJECT, .abstract = true },
};
DEFINE_TYPES(test_types)

static void test_types_and_casts(void)
{
    Object *d = object_new(TYPE_DOG);
    Object *p = object_new(TYPE_PUPPY);
    Error *err = NULL;

    g_assert_cmpstr(object_get_typename(d), ==, TYPE_DOG);
    g_assert_true(object_dynamic_cast(d, TYPE_ANIMAL) == d);
    g_assert_true(object_dynamic_cast(d, TYPE_BARKER) == d);
    g_assert_null(object_dynamic_cast(d, TYPE_PUPPY));
    g_assert_true(object_dynamic_cast(p, TYPE_BARKER) == p);
    g_assert_cmpstr(ANIMAL_GET_CLASS(d)->sound(ANIMAL(d)), ==, "woof");
    g_assert_cmpint(ANIMAL(d)->init_order, ==, 2);
    g_assert_cmpint(((BarkerClass *)object_class_dynamic_cast(
        object_get_class(d), TYPE_BARKER))->loudness, ==, 5);
    g_assert_cmpint(((BarkerClass *)object_class_dynamic_cast(
        object_get_class(p), TYPE_BARKER))->loudness, ==, 2);
    g_assert_true(object_class_get_parent(object_get_class(p)) ==
                  object_class_by_name(TYPE_DOG));
    g_assert_null(object_new_checked("no-such-type", &err));
    error_free(err);
    err = NULL;
    g_assert_null(object_new_checked("abstract-thing", &err));
    error_free(err);
    {
        GSList *l = object_class_get_list_sorted(TYPE_ANIMAL, false);
        g_assert_cmpint(g_slist_length(l), ==, 3);
        g_assert_cmpstr(object_class_get_name(l->data), ==, TYPE_ANIMAL);
        g_slist_free(l);
        l = object_class_get_list(TYPE_BARKER, false);
        g_assert_cmpint(g_slist_length(l), ==, 2);
        g_slist_free(l);
    }
    object_unref(d);
    object_unref(p);
}

static void test_props(void)
{
    Object *o = object_new(TYPE_ANIMAL);
    Animal *a = ANIMAL(o);
    Error *err = NULL;
    char *s;

    g_assert_cmpuint(a->legs, ==, 4);
    g_assert_true(a->tame);
    g_assert_cmpint(a->mood, ==, 1);
    g_assert_cmpuint(a->mem, ==, 64 * MiB);
    g_assert_cmpint(a->temp, ==, -3);
    g_assert_null(a->name);

    g_assert_true(object_property_parse(o, "legs", "0x10", &error_abort));
    g_assert_cmpuint(a->legs, ==, 16);
    g_assert_true(object_property_parse(o, "tame", "off", &error_abort));
    g_assert_false(a->tame);
    g_assert_true(object_property_parse(o, "mood", "grumpy", &error_abort));
    g_assert_cmpint(a->mood, ==, 2);
    g_assert_true(object_property_parse(o, "mem", "1G", &error_abort));
    g_assert_cmpuint(a->mem, ==, GiB);
    g_assert_true(object_property_parse(o, "name", "rex", &error_abort));
    g_assert_cmpstr(a->name, ==, "rex");

    s = object_property_print(o, "mood", &error_abort);
    g_assert_cmpstr(s, ==, "grumpy");
    g_free(s);
    s = object_property_print(o, "tame", &error_abort);
    g_assert_cmpstr(s, ==, "off");
    g_free(s);
    s = object_property_print(o, "temp", &error_abort);
    g_assert_cmpstr(s, ==, "-3");
    g_free(s);

    g_assert_false(object_property_parse(o, "mood", "sleepy", &err));
    error_free(err);
    err = NULL;
    g_assert_false(object_property_parse(o, "small", "256", &err));
    error_free(err);
    err = NULL;
    g_assert_false(object_property_parse(o, "legs", "zz", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Parameter 'legs' expects integer");
    error_free(err);
    err = NULL;
    g_assert_false(object_property_parse(o, "wings", "2", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Property 'animal.wings' not found");
    error_free(err);

    g_assert_true(object_property_set_uint(o, "small", 9, &error_abort));
    g_assert_cmpuint(object_property_get_uint(o, "small", &error_abort), ==, 9);
    g_assert_true(object_property_set_int(o, "temp", 40, &error_abort));
    g_assert_cmpint(object_property_get_int(o, "temp", &error_abort), ==, 40);
    g_assert_false(object_property_set_int(o, "legs", -1, NULL));

    {
        ObjectProperty *p = object_property_find(o, "mood");
        g_assert_cmpstr(p->type, ==, "Mood");
        g_assert_cmpstr(p->defval, ==, "\"happy\"");
        p = object_property_find(o, "legs");
        g_assert_cmpstr(p->type, ==, "uint32");
        g_assert_cmpstr(p->defval, ==, "4");
    }
    object_unref(o);   /* frees the string */
}

static bool dyn_flag;
static bool flag_get(Object *o, Error **errp) { return dyn_flag; }
static void flag_set(Object *o, bool v, Error **errp)
{
    if (v && dyn_flag) {
        error_setg(errp, "already set");
        return;
    }
    dyn_flag = v;
}

static void test_dynamic_props(void)
{
    Object *o = object_new(TYPE_ANIMAL);
    uint16_t reg = 0x1234;
    Error *err = NULL;
    ObjectPropertyIterator it;
    ObjectProperty *p;
    int n = 0;

    object_property_add_bool(o, "flag", flag_get, flag_set);
    object_property_add_uint16_ptr(o, "reg", &reg);
    g_assert_true(object_property_set_bool(o, "flag", true, &error_abort));
    g_assert_true(dyn_flag);
    g_assert_false(object_property_set_bool(o, "flag", true, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "already set");
    error_free(err);
    err = NULL;
    g_assert_cmpuint(object_property_get_uint(o, "reg", &error_abort), ==, 0x1234);
    g_assert_false(object_property_parse(o, "reg", "1", &err));  /* read-only */
    error_free(err);

    object_property_iter_init(&it, o);
    while ((p = object_property_iter_next(&it))) {
        n++;
    }
    object_property_iter_free(&it);
    g_assert_cmpint(n, ==, 2 + 8);
    object_property_del(o, "flag");
    g_assert_null(object_property_find(o, "flag"));
    object_unref(o);
}

static void test_tree_and_paths(void)
{
    Object *root = object_get_root();
    Object *zoo = container_get(root, "/zoo/pen");
    Object *d1 = object_new(TYPE_DOG), *d2 = object_new(TYPE_DOG);
    Object *a = object_new(TYPE_ANIMAL);
    bool amb;
    char *path;
    int before = finalized;

    g_assert_true(container_get(root, "/zoo/pen") == zoo);
    g_assert_true(object_property_add_child(zoo, "dog[*]", d1, &error_abort));
    g_assert_true(object_property_add_child(zoo, "dog[*]", d2, &error_abort));
    g_assert_true(object_property_add_child(zoo, "cat", a, &error_abort));
    object_unref(d1);
    object_unref(d2);
    object_unref(a);
    g_assert_cmpstr(object_get_canonical_path_component(d2), ==, "dog[1]");
    path = object_get_canonical_path(d1);
    g_assert_cmpstr(path, ==, "/zoo/pen/dog[0]");
    g_free(path);

    g_assert_true(object_resolve_path("/zoo/pen/dog[1]", NULL) == d2);
    g_assert_true(object_resolve_path("dog[1]", &amb) == d2);
    g_assert_false(amb);
    g_assert_true(object_resolve_path("pen/cat", &amb) == a);
    g_assert_null(object_resolve_path("/zoo/nothing", NULL));
    /* two dogs: a type-only partial lookup is ambiguous */
    g_assert_null(object_resolve_path_type("", TYPE_DOG, &amb));
    g_assert_true(amb);
    g_assert_true(object_resolve_path_type("", TYPE_BARKER, &amb) == NULL);
    g_assert_true(object_resolve_path_type("cat", TYPE_ANIMAL, &amb) == a);
    g_assert_null(object_resolve_path_type("cat", TYPE_DOG, &amb));

    /* links by path, type-checked, followed by path resolution */
    g_assert_true(object_property_parse(a, "friend", "/zoo/pen/dog[0]",
                                        &error_abort));
    g_assert_true(ANIMAL(a)->friend == d1);
    g_assert_true(object_resolve_path("/zoo/pen/cat/friend", NULL) == d1);
    {
        char *s = object_property_print(a, "friend", &error_abort);
        g_assert_cmpstr(s, ==, "/zoo/pen/dog[0]");
        g_free(s);
    }
    g_assert_false(object_property_parse(a, "friend", "/zoo", NULL));

    /* duplicate child names are refused */
    {
        Error *err = NULL;
        Object *x = object_new(TYPE_ANIMAL);
        g_assert_false(object_property_add_child(zoo, "cat", x, &err));
        g_assert_nonnull(err);
        error_free(err);
        object_unref(x);
        g_assert_cmpint(finalized, ==, before + 1);
    }
    before = finalized;
    object_unparent(d2);
    g_assert_cmpint(finalized, ==, before + 1);
    object_unparent(OBJECT(container_get(root, "/zoo")));
    g_assert_cmpint(finalized, ==, before + 3);
    g_assert_null(object_resolve_path("/zoo", NULL));
}

static void test_globals(void)
{
    Error *err = NULL;
    Object *o;

    object_register_global(TYPE_ANIMAL, "legs", "3");
    g_assert_true(object_register_global_str("dog.mood=calm", &error_abort));
    g_assert_false(object_register_global_str("nodot", &err));
    error_free(err);
    err = NULL;

    o = object_new(TYPE_PUPPY);
    g_assert_true(object_apply_globals(o, &error_abort));
    g_assert_cmpuint(ANIMAL(o)->legs, ==, 3);
    g_assert_cmpint(ANIMAL(o)->mood, ==, 0);
    object_unref(o);
    o = object_new(TYPE_ANIMAL);
    g_assert_true(object_apply_globals(o, &error_abort));
    g_assert_cmpint(ANIMAL(o)->mood, ==, 1);   /* dog global not applied */
    object_unref(o);

    object_register_global(TYPE_PUPPY, "bogus", "1");
    o = object_new(TYPE_PUPPY);
    g_assert_false(object_apply_globals(o, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "can't apply global puppy.bogus=1: "
                    "Property 'puppy.bogus' not found");
    error_free(err);
    object_unref(o);
}

static void test_user_creatable(void)
{
    GArray *props = g_array_new(FALSE, TRUE, sizeof(OptPair));
    OptPair p = { .key = "x", .value = "1" };
    Error *err = NULL;
    Object *o;

    g_assert_null(user_creatable_add(TYPE_DOG, "d", NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'qom-type' does not accept value 'dog'");
    error_free(err);
    err = NULL;
    g_assert_null(user_creatable_add(TYPE_THING, NULL, NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Parameter 'id' is missing");
    error_free(err);
    err = NULL;
    g_array_append_val(props, p);
    g_assert_null(user_creatable_add(TYPE_THING, "t1", props, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Invalid parameter 'x'");
    error_free(err);
    err = NULL;
    o = user_creatable_add(TYPE_THING, "t1", NULL, &error_abort);
    g_assert_true(object_resolve_path("/objects/t1", NULL) == o);
    g_assert_null(user_creatable_add(TYPE_THING, "t1", NULL, &err));
    error_free(err);
    g_assert_true(user_creatable_del("t1", &error_abort));
    g_assert_null(object_resolve_path("/objects/t1", NULL));
    g_array_free(props, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qom/types", test_types_and_casts);
    g_test_add_func("/qom/props", test_props);
    g_test_add_func("/qom/dynamic-props", test_dynamic_props);
    g_test_add_func("/qom/tree", test_tree_and_paths);
    g_test_add_func("/qom/globals", test_globals);
    g_test_add_func("/qom/user-creatable", test_user_creatable);
    return g_test_run();
}
