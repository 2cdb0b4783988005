/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qdev: realize/unrealize, buses, reset, gpio, -device, help, qtree. */
#include "util/osdep.h"
#include "hw/qdev.h"

#define TYPE_TBUS "TBUS"
#define TYPE_TBRIDGE "t-bridge"
#define TYPE_TDEV "t-dev"
#define TYPE_TSYS "t-sys"

typedef struct TDev {
    DeviceState parent_obj;
    uint32_t iobase;
    bool fail;
    char *label;
    int realized_count, unrealized_count, reset_count;
    int reg;
    qemu_irq out[2];
    qemu_irq named_out;
    int in_level[4];
} TDev;

typedef struct TBridge {
    DeviceState parent_obj;
    BusState *bus;
    int reset_count;
} TBridge;

static int reset_log[8], reset_n;

static const Property tdev_props[] = {
    DEFINE_PROP_UINT32("iobase", TDev, iobase, 0x501),
    DEFINE_PROP_BOOL("fail", TDev, fail, false),
    DEFINE_PROP_STRING("label", TDev, label),
    DEFINE_PROP_END,
};

static void tdev_in(void *opaque, int n, int level)
{
    ((TDev *)opaque)->in_level[n] = level;
}

static bool tdev_realize(DeviceState *dev, Error **errp)
{
    TDev *t = (TDev *)dev;
    if (t->fail) {
        error_setg(errp, "realize failed on purpose");
        return false;
    }
    t->realized_count++;
    return true;
}

static void tdev_unrealize(DeviceState *dev)
{
    ((TDev *)dev)->unrealized_count++;
}

static void tdev_reset(DeviceState *dev)
{
    TDev *t = (TDev *)dev;
    t->reset_count++;
    t->reg = 0;
    if (reset_n < 8) {
        reset_log[reset_n++] = 2;
    }
}

static void tdev_init(Object *obj)
{
    TDev *t = (TDev *)obj;
    qdev_init_gpio_in(DEVICE(obj), tdev_in, 4);
    qdev_init_gpio_out(DEVICE(obj), t->out, 2);
    qdev_init_gpio_out_named(DEVICE(obj), &t->named_out, "alarm", 1);
}

static void tdev_class_init(ObjectClass *k, void *data)
{
    DeviceClass *dc = (DeviceClass *)k;
    dc->realize = tdev_realize;
    dc->unrealize = tdev_unrealize;
    dc->reset = tdev_reset;
    dc->bus_type = TYPE_TBUS;
    dc->user_creatable = true;
    dc->desc = "test device";
    dc->category = "misc";
    device_class_set_props(dc, tdev_props);
}

static bool tbridge_realize(DeviceState *dev, Error **errp)
{
    TBridge *b = (TBridge *)dev;
    b->bus = qbus_new(TYPE_TBUS, dev, NULL);
    return true;
}

static void tbridge_reset(DeviceState *dev)
{
    ((TBridge *)dev)->reset_count++;
    if (reset_n < 8) {
        reset_log[reset_n++] = 1;
    }
}

static void tbridge_class_init(ObjectClass *k, void *data)
{
    DeviceClass *dc = (DeviceClass *)k;
    dc->realize = tbridge_realize;
    dc->reset = tbridge_reset;
}

static void tbus_class_init(ObjectClass *k, void *data)
{
    ((BusClass *)k)->max_dev = 3;
}

static const TypeInfo qdev_test_types[] = {
    { .name = TYPE_TBUS, .parent = TYPE_BUS, .class_init = tbus_class_init },
    { .name = TYPE_TDEV, .parent = TYPE_DEVICE, .instance_size = sizeof(TDev),
      .instance_init = tdev_init, .class_init = tdev_class_init },
    { .name = TYPE_TBRIDGE, .parent = TYPE_DEVICE,
      .instance_size = sizeof(TBridge), .class_init = tbridge_class_init },
};
DEFINE_TYPES(qdev_test_types)

static TBridge *bridge;

static void setup_bridge(void)
{
    if (!bridge) {
        DeviceState *d = qdev_new(TYPE_TBRIDGE);
        object_property_add_child(container_get(object_get_root(), "/machine"),
                                  "bridge", OBJECT(d), &error_abort);
        qdev_realize_and_unref(d, NULL, &error_abort);
        bridge = (TBridge *)d;
    }
}

static void test_realize(void)
{
    DeviceState *d;
    TDev *t;
    Error *err = NULL;
    char *path;

    setup_bridge();
    g_assert_cmpstr(bridge->bus->name, ==, "tbus.0");
    g_assert_true(qbus_find_by_name("tbus.0") == bridge->bus);
    g_assert_true(qbus_find_by_type(TYPE_TBUS) == bridge->bus);
    g_assert_true(qdev_get_parent_bus(DEVICE(bridge)) == sysbus_get_default());
    g_assert_true(qdev_get_child_bus(DEVICE(bridge), "tbus.0") == bridge->bus);

    d = qdev_new(TYPE_TDEV);
    t = (TDev *)d;
    g_assert_cmpuint(t->iobase, ==, 0x501);
    qdev_prop_set_uint32(d, "iobase", 0x600);
    /* a device on a TBUS cannot go on the system bus */
    g_assert_false(qdev_realize(d, sysbus_get_default(), &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Device 't-dev' can't go on System bus");
    error_free(err);
    err = NULL;
    g_assert_true(qdev_realize(d, bridge->bus, &error_abort));
    g_assert_true(d->realized);
    g_assert_true(object_property_get_bool(OBJECT(d), "realized", NULL));
    g_assert_cmpint(t->realized_count, ==, 1);
    g_assert_cmpint(t->reset_count, ==, 1);     /* power-on state */
    path = object_get_canonical_path(OBJECT(d));
    g_assert_true(g_str_has_prefix(path, "/machine/unattached/device["));
    g_free(path);
    /* static props are fixed once realized */
    g_assert_false(object_property_parse(OBJECT(d), "iobase", "1", &err));
    g_assert_true(strstr(error_get_pretty(err), "after it was realized"));
    error_free(err);
    err = NULL;

    qdev_unrealize(d);
    g_assert_false(d->realized);
    g_assert_cmpint(t->unrealized_count, ==, 1);
    g_assert_true(object_property_parse(OBJECT(d), "iobase", "1", &error_abort));
    object_property_set_bool(OBJECT(d), "realized", true, &error_abort);
    g_assert_cmpint(t->realized_count, ==, 2);

    /* unparent: unrealizes and unplugs */
    object_ref(d);
    object_unparent(OBJECT(d));
    g_assert_false(d->realized);
    g_assert_null(d->parent_bus);
    g_assert_cmpint(t->unrealized_count, ==, 2);
    g_assert_null(g_list_find(bridge->bus->children, d));
    object_unref(d);

    /* a failing realize leaves nothing plugged */
    d = qdev_new(TYPE_TDEV);
    qdev_prop_set_bit(d, "fail", true);
    object_ref(d);
    g_assert_false(qdev_realize_and_unref(d, bridge->bus, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "realize failed on purpose");
    error_free(err);
    g_assert_null(d->parent_bus);
    g_assert_null(OBJECT(d)->parent);
    object_unref(d);
}

static void count_fn(void *opaque)
{
    (*(int *)opaque)++;
}

static void test_reset(void)
{
    DeviceState *d;
    TDev *t;
    int fn_calls = 0;

    setup_bridge();
    d = qdev_new(TYPE_TDEV);
    t = (TDev *)d;
    qdev_realize_and_unref(d, bridge->bus, &error_abort);
    t->reg = 42;
    reset_n = 0;
    qdev_reset_all(DEVICE(bridge));
    g_assert_cmpint(t->reg, ==, 0);
    g_assert_cmpint(reset_n, ==, 2);
    g_assert_cmpint(reset_log[0], ==, 1);   /* the bridge, then its bus */
    g_assert_cmpint(reset_log[1], ==, 2);

    qemu_register_reset(count_fn, &fn_calls);
    t->reg = 7;
    qemu_devices_reset();
    g_assert_cmpint(fn_calls, ==, 1);
    g_assert_cmpint(t->reg, ==, 0);
    qemu_unregister_reset(count_fn, &fn_calls);
    qemu_devices_reset();
    g_assert_cmpint(fn_calls, ==, 1);
    object_unparent(OBJECT(d));
}

static int seen_level[4], seen_n[4];
static void watch(void *opaque, int n, int level)
{
    seen_level[n] = level;
    seen_n[n]++;
}

static void test_gpio(void)
{
    DeviceState *d = qdev_new(TYPE_TDEV);
    TDev *t = (TDev *)d;
    qemu_irq *sinks = qemu_allocate_irqs(watch, NULL, 4);
    NamedGPIOList *g;
    qemu_irq_handler *h;
    void *op;
    int n;

    qemu_set_irq(qdev_get_gpio_in(d, 3), 1);
    g_assert_cmpint(t->in_level[3], ==, 1);
    qdev_connect_gpio_out(d, 1, sinks[1]);
    qdev_connect_gpio_out_named(d, "alarm", 0, sinks[2]);
    qemu_irq_raise(t->out[1]);
    qemu_irq_pulse(t->named_out);
    g_assert_cmpint(seen_level[1], ==, 1);
    g_assert_cmpint(seen_n[2], ==, 2);
    qemu_set_irq(t->out[0], 1);      /* unconnected: ignored */

    /* interception as qtest does it: replace the input's handler */
    g = qdev_get_named_gpio_list(d, NULL);
    g_assert_cmpint(g->num_in, ==, 4);
    g_assert_cmpint(g->num_out, ==, 2);
    h = qemu_irq_get_handler(g->in[2], &op, &n);
    g_assert_true(h == tdev_in && op == d && n == 2);
    qemu_irq_set_handler(g->in[2], watch, NULL);
    qemu_irq_raise(qdev_get_gpio_in(d, 2));
    g_assert_cmpint(t->in_level[2], ==, 0);
    g_assert_cmpint(seen_level[2], ==, 1);
    /* and an output, through its pointer */
    *g->out[0] = sinks[0];
    qemu_irq_raise(t->out[0]);
    g_assert_cmpint(seen_level[0], ==, 1);

    {
        qemu_irq both = qemu_irq_split(sinks[0], sinks[3]);
        qemu_irq_lower(both);
        g_assert_cmpint(seen_level[0], ==, 0);
        g_assert_cmpint(seen_n[3], ==, 1);
        qemu_free_irq(both);
    }
    object_unref(d);
    qemu_free_irqs(sinks, 4);
}

static void test_device_add(void)
{
    struct { const char *opts, *err; } bad[] = {
        { "bus=tbus.0", "Parameter 'driver' is missing" },
        { "foo", "'foo' is not a valid device model name" },
        { "device", "Parameter 'driver' expects a non-abstract device type" },
        { "t-bridge", "Parameter 'driver' expects a pluggable device type" },
        { "t-dev,bogus=1", "Property 't-dev.bogus' not found" },
        { "t-dev,iobase=zz", "Parameter 'iobase' expects integer" },
        { "t-dev,bus=nope", "Bus 'nope' not found" },
        { "t-dev,bus=main-system-bus", "Device 't-dev' can't go on System bus" },
        { "t-dev,id=1a", "Parameter 'id' expects an identifier" },
        { "t-dev,fail=on", "realize failed on purpose" },
    };
    DeviceState *d;
    Opts *o;
    Error *err = NULL;

    setup_bridge();
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        o = opts_parse(bad[i].opts, "driver", false, &error_abort);
        g_assert_null(qdev_device_add(o, &err));
        g_assert_cmpstr(error_get_pretty(err), ==, bad[i].err);
        error_free(err);
        err = NULL;
        opts_free(o);
    }
    o = opts_parse("t-dev,id=dx,iobase=0x600,label=a,,b", "driver", false,
                   &error_abort);
    d = qdev_device_add(o, &error_abort);
    opts_free(o);
    g_assert_nonnull(d);
    g_assert_cmpstr(d->id, ==, "dx");
    g_assert_cmpuint(((TDev *)d)->iobase, ==, 0x600);
    g_assert_cmpstr(((TDev *)d)->label, ==, "a,b");
    g_assert_true(object_resolve_path("/machine/peripheral/dx", NULL) ==
                  OBJECT(d));
    g_assert_true(d->parent_bus == bridge->bus);

    o = opts_parse("t-dev,id=dx", "driver", false, &error_abort);
    g_assert_null(qdev_device_add(o, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Duplicate ID 'dx' for device");
    error_free(err);
    err = NULL;
    opts_free(o);

    o = opts_parse("t-dev", "driver", false, &error_abort);
    d = qdev_device_add(o, &error_abort);
    opts_free(o);
    g_assert_true(object_resolve_path("/machine/peripheral-anon/device[0]",
                                      NULL) == OBJECT(d));
    /* the bus takes 3 devices */
    o = opts_parse("t-dev", "driver", false, &error_abort);
    g_assert_nonnull(qdev_device_add(o, &error_abort));
    g_assert_null(qdev_device_add(o, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "No 'TBUS' bus found for device 't-dev'");
    error_free(err);
    opts_free(o);
}

static void test_qtree_and_help(void)
{
    GString *out = g_string_new(NULL);
    char *buf;
    size_t len;
    FILE *f;

    qdev_print_qtree(out);
    g_assert_true(g_str_has_prefix(out->str,
                                   "bus: main-system-bus\n  type System\n"
                                   "  dev: t-bridge, id \"\"\n"
                                   "    bus: tbus.0\n      type TBUS\n"));
    g_assert_nonnull(strstr(out->str,
                            "      dev: t-dev, id \"dx\"\n"
                            "        gpio-out \"alarm\" 1\n"
                            "        gpio-in \"\" 4\n"
                            "        gpio-out \"\" 2\n"
                            "        iobase = 1536 (0x600)\n"
                            "        fail = false\n"
                            "        label = \"a,b\"\n"));
    g_string_free(out, TRUE);

    f = open_memstream(&buf, &len);
    g_assert_true(qdev_print_device_props(f, TYPE_TDEV, &error_abort));
    fclose(f);
    g_assert_cmpstr(buf, ==,
                    "t-dev options:\n"
                    "  fail=<bool>            - on/off (default: false)\n"
                    "  iobase=<uint32>        -  (default: 1281)\n"
                    "  label=<str>\n");
    free(buf);

    f = open_memstream(&buf, &len);
    qdev_print_device_list(f);
    fclose(f);
    g_assert_nonnull(strstr(buf, "Misc devices:\n"
                            "name \"t-dev\", bus TBUS, desc \"test device\"\n"));
    g_assert_null(strstr(buf, "t-bridge"));
    free(buf);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qdev/realize", test_realize);
    g_test_add_func("/qdev/reset", test_reset);
    g_test_add_func("/qdev/gpio", test_gpio);
    g_test_add_func("/qdev/device-add", test_device_add);
    g_test_add_func("/qdev/qtree-help", test_qtree_and_help);
    return g_test_run();
}
