/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Devices and buses: realize/unrealize, plugging into buses, the reset
 * tree and GPIO lines. Command-line and monitor helpers (-device, help,
 * info qtree) are in qdev-monitor.c.
 */
#include "util/osdep.h"
#include "hw/qdev.h"

/* ---- buses ---- */

static void bus_plug(BusState *bus, DeviceState *dev)
{
    object_ref(dev);
    bus->children = g_list_append(bus->children, dev);
    dev->parent_bus = bus;
}

static void bus_unplug(DeviceState *dev)
{
    BusState *bus = dev->parent_bus;

    if (bus) {
        bus->children = g_list_remove(bus->children, dev);
        dev->parent_bus = NULL;
        object_unref(dev);
    }
}

static bool qdev_set_parent_bus(DeviceState *dev, BusState *bus, Error **errp)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    BusClass *bc = BUS_GET_CLASS(bus);
    const char *want = dc->bus_type ? dc->bus_type : TYPE_SYSTEM_BUS;

    if (!object_dynamic_cast(OBJECT(bus), want)) {
        error_setg(errp, "Device '%s' can't go on %s bus",
                   object_get_typename(OBJECT(dev)),
                   object_get_typename(OBJECT(bus)));
        return false;
    }
    if (bc->max_dev && (int)g_list_length(bus->children) >= bc->max_dev) {
        error_setg(errp, "Bus '%s' is full", bus->name);
        return false;
    }
    if (bc->check_address && !bc->check_address(bus, dev, errp)) {
        return false;
    }
    bus_plug(bus, dev);
    return true;
}

static char *bus_default_name(const char *typename, DeviceState *parent)
{
    char *lower, *name;
    int n = parent ? parent->num_child_bus : 0;

    if (parent && parent->id) {
        return g_strdup_printf("%s.%d", parent->id, n);
    }
    lower = g_ascii_strdown(typename, -1);
    name = g_strdup_printf("%s.%d", lower, n);
    g_free(lower);
    return name;
}

static void bus_setup(BusState *bus, DeviceState *parent, const char *name)
{
    bus->name = name ? g_strdup(name)
                     : bus_default_name(object_get_typename(OBJECT(bus)),
                                        parent);
    bus->parent = parent;
    if (parent) {
        parent->child_buses = g_slist_prepend(parent->child_buses, bus);
        parent->num_child_bus++;
        object_property_add_child(OBJECT(parent), bus->name, OBJECT(bus),
                                  &error_abort);
        bus->realized = parent->realized;
    }
}

BusState *qbus_new(const char *typename, DeviceState *parent,
                   const char *name)
{
    BusState *bus = BUS(object_new(typename));

    bus_setup(bus, parent, name);
    if (parent) {
        object_unref(bus);     /* the parent's child property owns it */
    }
    return bus;
}

void qbus_init(void *b, size_t size, const char *typename,
               DeviceState *parent, const char *name)
{
    object_initialize(b, size, typename);
    bus_setup(BUS(b), parent, name);
    if (parent) {
        object_unref(b);
    }
}

static void bus_unparent(Object *obj)
{
    BusState *bus = BUS(obj);

    while (bus->children) {
        DeviceState *dev = bus->children->data;
        object_ref(dev);
        if (OBJECT(dev)->parent) {
            object_unparent(OBJECT(dev));
        }
        bus_unplug(dev);
        object_unref(dev);
    }
    if (bus->parent) {
        bus->parent->child_buses = g_slist_remove(bus->parent->child_buses,
                                                  bus);
        bus->parent = NULL;
    }
}

static void bus_finalize(Object *obj)
{
    g_free(BUS(obj)->name);
}

BusState *qdev_get_parent_bus(DeviceState *dev)
{
    return dev->parent_bus;
}

BusState *qdev_get_child_bus(DeviceState *dev, const char *name)
{
    for (GSList *l = dev->child_buses; l; l = l->next) {
        BusState *b = l->data;
        if (!strcmp(b->name, name)) {
            return b;
        }
    }
    return NULL;
}

static BusState *main_system_bus;

BusState *sysbus_get_default(void)
{
    if (!main_system_bus) {
        main_system_bus = qbus_new(TYPE_SYSTEM_BUS, NULL, "main-system-bus");
        main_system_bus->realized = true;
        object_property_add_child(container_get(object_get_root(),
                                                "/machine/unattached"),
                                  "sysbus", OBJECT(main_system_bus),
                                  &error_abort);
    }
    return main_system_bus;
}

/* Breadth-first over the device tree, from the main system bus. */
static BusState *bus_bfs(bool (*match)(BusState *, const void *),
                         const void *arg)
{
    GQueue q = G_QUEUE_INIT;
    BusState *found = NULL;

    g_queue_push_tail(&q, sysbus_get_default());
    while (!g_queue_is_empty(&q)) {
        BusState *b = g_queue_pop_head(&q);
        if (match(b, arg)) {
            found = b;
            break;
        }
        for (GList *l = b->children; l; l = l->next) {
            DeviceState *d = l->data;
            GSList *rev = g_slist_reverse(g_slist_copy(d->child_buses));
            for (GSList *c = rev; c; c = c->next) {
                g_queue_push_tail(&q, c->data);
            }
            g_slist_free(rev);
        }
    }
    g_queue_clear(&q);
    return found;
}

typedef struct FindBus {
    bool (*match)(BusState *, const void *);
    const void *arg;
    BusState *found;
} FindBus;

static int find_bus_visit(Object *obj, void *opaque)
{
    FindBus *f = opaque;
    BusState *b = (BusState *)object_dynamic_cast(obj, TYPE_BUS);

    if (b && f->match(b, f->arg)) {
        f->found = b;
        return 1;
    }
    return 0;
}

/* Buses of devices outside the main tree are found in the QOM tree. */
static BusState *bus_find(bool (*match)(BusState *, const void *),
                          const void *arg)
{
    FindBus f = { match, arg, NULL };
    BusState *b = bus_bfs(match, arg);

    if (b) {
        return b;
    }
    object_child_foreach_recursive(object_get_root(), find_bus_visit, &f);
    return f.found;
}

static bool match_name(BusState *b, const void *name)
{
    return !strcmp(b->name, name);
}

static bool match_type(BusState *b, const void *type)
{
    return object_dynamic_cast(OBJECT(b), type) != NULL;
}

static bool match_type_free(BusState *b, const void *type)
{
    BusClass *bc = BUS_GET_CLASS(b);
    return match_type(b, type) &&
           (!bc->max_dev || (int)g_list_length(b->children) < bc->max_dev);
}

BusState *qbus_find_by_name(const char *name)
{
    return bus_find(match_name, name);
}

BusState *qbus_find_by_type(const char *typename)
{
    return bus_find(match_type, typename);
}

/* Used by -device: the first bus of the type with room for a device. */
BusState *qbus_find_free_by_type(const char *typename)
{
    return bus_find(match_type_free, typename);
}

/* ---- devices ---- */

void device_class_set_props(DeviceClass *dc, const Property *props)
{
    dc->props = props;
    object_class_add_static_props(OBJECT_CLASS(dc), props);
}

DeviceState *qdev_try_new(const char *typename, Error **errp)
{
    ObjectClass *k = object_class_by_name(typename);
    Object *obj;

    if (!k || !object_class_dynamic_cast(k, TYPE_DEVICE)) {
        error_setg(errp, "'%s' is not a valid device model name", typename);
        return NULL;
    }
    obj = object_new_checked(typename, errp);
    if (!obj) {
        return NULL;
    }
    if (!object_apply_globals(obj, errp)) {
        object_unref(obj);
        return NULL;
    }
    return DEVICE(obj);
}

DeviceState *qdev_new(const char *typename)
{
    return qdev_try_new(typename, &error_fatal);
}

static void bus_set_realized(BusState *bus, bool on)
{
    bus->realized = on;
}

static bool device_do_realize(DeviceState *dev, Error **errp)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);

    if (dev->realized) {
        return true;
    }
    if (dc->realize && !dc->realize(dev, errp)) {
        return false;
    }
    dev->realized = true;
    for (GSList *l = dev->child_buses; l; l = l->next) {
        bus_set_realized(l->data, true);
    }
    /* Start from the power-on state; machine reset repeats this later. */
    if (dc->reset) {
        dc->reset(dev);
    }
    return true;
}

static void device_do_unrealize(DeviceState *dev)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);

    if (!dev->realized) {
        return;
    }
    /* Children first: they may use the parent's resources. */
    for (GSList *l = dev->child_buses; l; l = l->next) {
        BusState *b = l->data;
        for (GList *c = b->children; c; c = c->next) {
            device_do_unrealize(c->data);
        }
        bus_set_realized(b, false);
    }
    if (dc->unrealize) {
        dc->unrealize(dev);
    }
    dev->realized = false;
}

static bool realized_get(Object *obj, ObjectProperty *p, PropValue *out,
                         Error **errp)
{
    out->b = DEVICE(obj)->realized;
    return true;
}

static bool realized_set(Object *obj, ObjectProperty *p, const PropValue *in,
                         Error **errp)
{
    if (in->b) {
        return device_do_realize(DEVICE(obj), errp);
    }
    device_do_unrealize(DEVICE(obj));
    return true;
}

bool qdev_realize(DeviceState *dev, BusState *bus, Error **errp)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    bool plugged = false, attached = false;

    if (!bus && !dev->parent_bus && !dc->busless) {
        if (dc->bus_type && strcmp(dc->bus_type, TYPE_SYSTEM_BUS)) {
            error_setg(errp, "No '%s' bus found for device '%s'",
                       dc->bus_type, object_get_typename(OBJECT(dev)));
            return false;
        }
        bus = sysbus_get_default();
    }
    if (bus && !dev->parent_bus) {
        if (!qdev_set_parent_bus(dev, bus, errp)) {
            return false;
        }
        plugged = true;
    }
    if (!OBJECT(dev)->parent) {
        Object *c = container_get(object_get_root(), "/machine/unattached");
        object_property_add_child(c, "device[*]", OBJECT(dev), &error_abort);
        attached = true;
    }
    if (!device_do_realize(dev, errp)) {
        object_ref(dev);
        if (plugged) {
            bus_unplug(dev);
        }
        if (attached) {
            object_unparent(OBJECT(dev));
        }
        object_unref(dev);
        return false;
    }
    return true;
}

bool qdev_realize_and_unref(DeviceState *dev, BusState *bus, Error **errp)
{
    bool ok = qdev_realize(dev, bus, errp);
    object_unref(dev);
    return ok;
}

void qdev_unrealize(DeviceState *dev)
{
    device_do_unrealize(dev);
}

static void device_unparent(Object *obj)
{
    DeviceState *dev = DEVICE(obj);

    device_do_unrealize(dev);
    /* Take the buses down with the device (their devices first). */
    while (dev->child_buses) {
        BusState *b = dev->child_buses->data;
        object_unparent(OBJECT(b));
    }
    bus_unplug(dev);
}

static void device_finalize(Object *obj)
{
    DeviceState *dev = DEVICE(obj);

    for (GSList *l = dev->gpios; l; l = l->next) {
        NamedGPIOList *g = l->data;
        if (g->in) {
            qemu_free_irqs(g->in, g->num_in);
        }
        g_free(g->out);
        g_free(g->name);
        g_free(g);
    }
    g_slist_free(dev->gpios);
    g_slist_free(dev->child_buses);
    g_free(dev->id);
}

static void device_class_init(ObjectClass *k, void *data)
{
    k->unparent = device_unparent;
    object_class_property_add(k, "realized", "bool", PROP_KIND_BOOL,
                              realized_get, realized_set, NULL, NULL);
}

static void bus_class_init(ObjectClass *k, void *data)
{
    k->unparent = bus_unparent;
}

/* ---- reset ---- */

void qbus_reset_all(BusState *bus)
{
    for (GList *l = bus->children; l; l = l->next) {
        qdev_reset_all(l->data);
    }
}

void qdev_reset_all(DeviceState *dev)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);

    if (dev->realized && dc->reset) {
        dc->reset(dev);
    }
    for (GSList *l = dev->child_buses; l; l = l->next) {
        qbus_reset_all(l->data);
    }
}

void qdev_reset_machine(void)
{
    qbus_reset_all(sysbus_get_default());
}

typedef struct ResetEntry {
    void (*fn)(void *opaque);
    void *opaque;
} ResetEntry;
static GList *reset_handlers;

void qemu_register_reset(void (*fn)(void *opaque), void *opaque)
{
    ResetEntry *e = g_new(ResetEntry, 1);
    e->fn = fn;
    e->opaque = opaque;
    reset_handlers = g_list_append(reset_handlers, e);
}

void qemu_unregister_reset(void (*fn)(void *opaque), void *opaque)
{
    for (GList *l = reset_handlers; l; l = l->next) {
        ResetEntry *e = l->data;
        if (e->fn == fn && e->opaque == opaque) {
            reset_handlers = g_list_delete_link(reset_handlers, l);
            g_free(e);
            return;
        }
    }
}

void qemu_devices_reset(void)
{
    qdev_reset_machine();
    for (GList *l = reset_handlers; l; ) {
        ResetEntry *e = l->data;
        l = l->next;     /* a handler may unregister itself */
        e->fn(e->opaque);
    }
}

/* ---- GPIO ---- */

NamedGPIOList *qdev_get_named_gpio_list(DeviceState *dev, const char *name)
{
    NamedGPIOList *g;

    for (GSList *l = dev->gpios; l; l = l->next) {
        g = l->data;
        if (g_strcmp0(g->name, name) == 0) {
            return g;
        }
    }
    g = g_new0(NamedGPIOList, 1);
    g->name = g_strdup(name);
    dev->gpios = g_slist_prepend(dev->gpios, g);
    return g;
}

void qdev_init_gpio_in_named(DeviceState *dev, qemu_irq_handler *handler,
                             const char *name, int n)
{
    NamedGPIOList *g = qdev_get_named_gpio_list(dev, name);

    g->in = g_renew(qemu_irq, g->in, g->num_in + n);
    for (int i = 0; i < n; i++) {
        g->in[g->num_in + i] = qemu_allocate_irq(handler, dev, g->num_in + i);
    }
    g->num_in += n;
}

void qdev_init_gpio_in(DeviceState *dev, qemu_irq_handler *handler, int n)
{
    qdev_init_gpio_in_named(dev, handler, NULL, n);
}

void qdev_init_gpio_out_named(DeviceState *dev, qemu_irq *pins,
                              const char *name, int n)
{
    NamedGPIOList *g = qdev_get_named_gpio_list(dev, name);

    g->out = g_renew(qemu_irq *, g->out, g->num_out + n);
    for (int i = 0; i < n; i++) {
        g->out[g->num_out + i] = &pins[i];
    }
    g->num_out += n;
}

void qdev_init_gpio_out(DeviceState *dev, qemu_irq *pins, int n)
{
    qdev_init_gpio_out_named(dev, pins, NULL, n);
}

qemu_irq qdev_get_gpio_in_named(DeviceState *dev, const char *name, int n)
{
    NamedGPIOList *g = qdev_get_named_gpio_list(dev, name);

    g_assert(n >= 0 && n < g->num_in);
    return g->in[n];
}

qemu_irq qdev_get_gpio_in(DeviceState *dev, int n)
{
    return qdev_get_gpio_in_named(dev, NULL, n);
}

void qdev_connect_gpio_out_named(DeviceState *dev, const char *name, int n,
                                 qemu_irq pin)
{
    NamedGPIOList *g = qdev_get_named_gpio_list(dev, name);

    g_assert(n >= 0 && n < g->num_out);
    *g->out[n] = pin;
}

void qdev_connect_gpio_out(DeviceState *dev, int n, qemu_irq pin)
{
    qdev_connect_gpio_out_named(dev, NULL, n, pin);
}

/* ---- typed setters for board code ---- */

void qdev_prop_set_bit(DeviceState *dev, const char *name, bool v)
{
    object_property_set_bool(OBJECT(dev), name, v, &error_abort);
}

void qdev_prop_set_uint8(DeviceState *dev, const char *name, uint8_t v)
{
    object_property_set_uint(OBJECT(dev), name, v, &error_abort);
}

void qdev_prop_set_uint16(DeviceState *dev, const char *name, uint16_t v)
{
    object_property_set_uint(OBJECT(dev), name, v, &error_abort);
}

void qdev_prop_set_uint32(DeviceState *dev, const char *name, uint32_t v)
{
    object_property_set_uint(OBJECT(dev), name, v, &error_abort);
}

void qdev_prop_set_uint64(DeviceState *dev, const char *name, uint64_t v)
{
    object_property_set_uint(OBJECT(dev), name, v, &error_abort);
}

void qdev_prop_set_int32(DeviceState *dev, const char *name, int32_t v)
{
    object_property_set_int(OBJECT(dev), name, v, &error_abort);
}

void qdev_prop_set_string(DeviceState *dev, const char *name, const char *v)
{
    object_property_set_str(OBJECT(dev), name, v, &error_abort);
}

static const TypeInfo qdev_types[] = {
    {
        .name = TYPE_DEVICE,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(DeviceState),
        .instance_finalize = device_finalize,
        .class_size = sizeof(DeviceClass),
        .class_init = device_class_init,
        .abstract = true,
    }, {
        .name = TYPE_BUS,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(BusState),
        .instance_finalize = bus_finalize,
        .class_size = sizeof(BusClass),
        .class_init = bus_class_init,
        .abstract = true,
    }, {
        .name = TYPE_SYSTEM_BUS,
        .parent = TYPE_BUS,
    },
};
DEFINE_TYPES(qdev_types)
