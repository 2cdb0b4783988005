/* SPDX-License-Identifier: GPL-2.0-or-later */
/* -device NAME,..., "-device help", "-device NAME,help" and "info qtree". */
#include "util/osdep.h"
#include "util/opts.h"
#include "hw/qdev.h"

/* ---- -device ---- */

DeviceState *qdev_device_add(Opts *opts, Error **errp)
{
    const char *driver = opts_get(opts, "driver");
    const char *id = opts_get(opts, "id");
    const char *bus_name = opts_get(opts, "bus");
    ObjectClass *k;
    DeviceClass *dc;
    BusState *bus = NULL;
    DeviceState *dev;
    Object *parent;

    if (!driver) {
        error_setg(errp, "Parameter 'driver' is missing");
        return NULL;
    }
    k = object_class_by_name(driver);
    if (!k || !object_class_dynamic_cast(k, TYPE_DEVICE)) {
        error_setg(errp, "'%s' is not a valid device model name", driver);
        return NULL;
    }
    if (object_class_is_abstract(k)) {
        error_setg(errp, "Parameter 'driver' expects a non-abstract device "
                   "type");
        return NULL;
    }
    dc = DEVICE_CLASS(k);
    if (!dc->user_creatable) {
        error_setg(errp, "Parameter 'driver' expects a pluggable device type");
        return NULL;
    }
    if (id) {
        if (!id_wellformed(id)) {
            error_setg(errp, "Parameter 'id' expects an identifier");
            error_append_hint(errp, "Identifiers consist of letters, digits, "
                              "'-', '.', '_', starting with a letter.\n");
            return NULL;
        }
        if (object_property_find(container_get(object_get_root(),
                                               "/machine/peripheral"), id)) {
            error_setg(errp, "Duplicate ID '%s' for device", id);
            return NULL;
        }
    }
    if (bus_name) {
        bus = qbus_find_by_name(bus_name);
        if (!bus) {
            error_setg(errp, "Bus '%s' not found", bus_name);
            return NULL;
        }
        if (!object_dynamic_cast(OBJECT(bus), dc->bus_type ? dc->bus_type
                                                           : TYPE_SYSTEM_BUS)) {
            error_setg(errp, "Device '%s' can't go on %s bus", driver,
                       object_get_typename(OBJECT(bus)));
            return NULL;
        }
    } else if (dc->bus_type && strcmp(dc->bus_type, TYPE_SYSTEM_BUS)) {
        bus = qbus_find_free_by_type(dc->bus_type);
        if (!bus) {
            error_setg(errp, "No '%s' bus found for device '%s'",
                       dc->bus_type, driver);
            return NULL;
        }
    }
    dev = qdev_try_new(driver, errp);
    if (!dev) {
        return NULL;
    }
    dev->id = g_strdup(id);
    for (guint i = 0; i < opts->pairs->len; i++) {
        OptPair *p = &g_array_index(opts->pairs, OptPair, i);
        if (!strcmp(p->key, "driver") || !strcmp(p->key, "bus") ||
            !strcmp(p->key, "id")) {
            continue;
        }
        p->used = true;
        if (!object_property_parse(OBJECT(dev), p->key, p->value, errp)) {
            object_unref(dev);
            return NULL;
        }
    }
    if (id) {
        parent = container_get(object_get_root(), "/machine/peripheral");
        object_property_add_child(parent, id, OBJECT(dev), &error_abort);
    } else {
        parent = container_get(object_get_root(), "/machine/peripheral-anon");
        object_property_add_child(parent, "device[*]", OBJECT(dev),
                                  &error_abort);
    }
    if (!qdev_realize(dev, bus, errp)) {
        object_unparent(OBJECT(dev));
        object_unref(dev);
        return NULL;
    }
    object_unref(dev);     /* the peripheral container holds it */
    return dev;
}

/* ---- help ---- */

static const struct {
    const char *key;
    const char *title;
} categories[] = {
    { "bridge", "Controller/Bridge/Hub devices" },
    { "usb", "USB devices" },
    { "storage", "Storage devices" },
    { "network", "Network devices" },
    { "input", "Input devices" },
    { "display", "Display devices" },
    { "sound", "Sound devices" },
    { "misc", "Misc devices" },
    { "cpu", "CPU devices" },
    { "watchdog", "Watchdog devices" },
    { NULL, "Uncategorized devices" },
};

static bool category_known(const char *c)
{
    for (size_t i = 0; c && categories[i].key; i++) {
        if (!strcmp(categories[i].key, c)) {
            return true;
        }
    }
    return false;
}

void qdev_print_device_list(FILE *f)
{
    GSList *list = object_class_get_list_sorted(TYPE_DEVICE, false);

    for (size_t i = 0; i < ARRAY_SIZE(categories); i++) {
        bool header = false;
        for (GSList *l = list; l; l = l->next) {
            DeviceClass *dc = l->data;
            const char *c = dc->category;
            bool match = categories[i].key ? (c && !strcmp(c, categories[i].key))
                                           : !category_known(c);
            if (!dc->user_creatable || !match) {
                continue;
            }
            if (!header) {
                fprintf(f, "%s:\n", categories[i].title);
                header = true;
            }
            fprintf(f, "name \"%s\"", object_class_get_name(l->data));
            if (dc->bus_type) {
                fprintf(f, ", bus %s", dc->bus_type);
            }
            if (dc->desc) {
                fprintf(f, ", desc \"%s\"", dc->desc);
            }
            fprintf(f, "\n");
        }
        if (header) {
            fprintf(f, "\n");
        }
    }
    g_slist_free(list);
}

bool qdev_print_device_props(FILE *f, const char *typename, Error **errp)
{
    ObjectClass *k = object_class_by_name(typename);

    if (!k || !object_class_dynamic_cast(k, TYPE_DEVICE)) {
        error_setg(errp, "'%s' is not a valid device model name", typename);
        return false;
    }
    object_class_print_props(f, k);
    return true;
}

/* ---- info qtree ---- */

static void print_prop_value(GString *out, Object *obj, ObjectProperty *p)
{
    PropValue v;
    char *s;

    if (!p->get || !p->get(obj, p, &v, NULL)) {
        g_string_append(out, "<unreadable>");
        return;
    }
    switch (p->kind) {
    case PROP_KIND_BOOL:
        g_string_append(out, v.b ? "true" : "false");
        break;
    case PROP_KIND_UINT8: case PROP_KIND_UINT16: case PROP_KIND_UINT32:
    case PROP_KIND_UINT64:
        g_string_append_printf(out, "%" PRIu64 " (0x%" PRIx64 ")", v.u, v.u);
        break;
    case PROP_KIND_INT32:
        g_string_append_printf(out, "%" PRId64 " (0x%" PRIx32 ")", v.i,
                               (uint32_t)v.i);
        break;
    case PROP_KIND_INT64:
        g_string_append_printf(out, "%" PRId64 " (0x%" PRIx64 ")", v.i,
                               (uint64_t)v.i);
        break;
    case PROP_KIND_SIZE:
        s = size_to_str(v.u);
        g_string_append_printf(out, "%" PRIu64 " (%s)", v.u, s);
        g_free(s);
        break;
    default:
        s = prop_value_to_string(p, &v);
        g_string_append_printf(out, "\"%s\"", s);
        g_free(s);
        break;
    }
    prop_value_clear(&v);
}

static void print_bus(GString *out, BusState *bus, int indent);

static void print_dev(GString *out, DeviceState *dev, int indent)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    ObjectClass *k;
    GSList *buses;

    g_string_append_printf(out, "%*sdev: %s, id \"%s\"\n", indent, "",
                           object_get_typename(OBJECT(dev)),
                           dev->id ? dev->id : "");
    indent += 2;
    for (GSList *l = dev->gpios; l; l = l->next) {
        NamedGPIOList *g = l->data;
        if (g->num_in) {
            g_string_append_printf(out, "%*sgpio-in \"%s\" %d\n", indent, "",
                                   g->name ? g->name : "", g->num_in);
        }
        if (g->num_out) {
            g_string_append_printf(out, "%*sgpio-out \"%s\" %d\n", indent, "",
                                   g->name ? g->name : "", g->num_out);
        }
    }
    /* Static properties, leaf class first, each in declaration order. */
    for (k = OBJECT_CLASS(dc); k; k = object_class_get_parent(k)) {
        DeviceClass *kdc = (DeviceClass *)object_class_dynamic_cast(k,
                                                                TYPE_DEVICE);
        ObjectClass *pk = object_class_get_parent(k);
        DeviceClass *pdc = pk ? (DeviceClass *)object_class_dynamic_cast(pk,
                                                       TYPE_DEVICE) : NULL;
        if (!kdc || !kdc->props || (pdc && pdc->props == kdc->props)) {
            continue;
        }
        for (const Property *pr = kdc->props; pr->name; pr++) {
            ObjectProperty *p = object_property_find(OBJECT(dev), pr->name);
            if (!p) {
                continue;
            }
            g_string_append_printf(out, "%*s%s = ", indent, "", pr->name);
            print_prop_value(out, OBJECT(dev), p);
            g_string_append_c(out, '\n');
        }
    }
    if (dev->parent_bus) {
        BusClass *bc = BUS_GET_CLASS(dev->parent_bus);
        if (bc->print_dev) {
            bc->print_dev(dev->parent_bus, dev, out, indent);
        }
    }
    if (dc->print_info) {
        dc->print_info(dev, out, indent);
    }
    buses = dev->child_buses;   /* newest first, as QEMU prints them */
    for (GSList *l = buses; l; l = l->next) {
        print_bus(out, l->data, indent);
    }
}

static void print_bus(GString *out, BusState *bus, int indent)
{
    g_string_append_printf(out, "%*sbus: %s\n", indent, "", bus->name);
    indent += 2;
    g_string_append_printf(out, "%*stype %s\n", indent, "",
                           object_get_typename(OBJECT(bus)));
    /* Newest device first, as QEMU prints them. */
    for (GList *l = g_list_last(bus->children); l; l = l->prev) {
        print_dev(out, l->data, indent);
    }
}

void qdev_print_qtree(GString *out)
{
    print_bus(out, sysbus_get_default(), 0);
}
