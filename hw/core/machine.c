/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The abstract machine type: the properties every board shares (memory,
 * kernel, accelerator, irqchip, ACPI/HPET switches), the registry that
 * finds a board by name or alias, and "-M help" / "-M TYPE,help".
 */
#include "hw/boards.h"

MachineState *current_machine;

static const char *const kernel_irqchip_names[] = {
    [KERNEL_IRQCHIP_ON] = "on",
    [KERNEL_IRQCHIP_SPLIT] = "split",
    [KERNEL_IRQCHIP_OFF] = "off",
    NULL,
};

static const Property machine_props[] = {
    /* No static default: each machine type sets its own at instance init. */
    { .name = "ram-size", .kind = PROP_KIND_SIZE,
      .offset = offsetof(MachineState, ram_size) },
    DEFINE_PROP_STRING("accel", MachineState, accel),
    DEFINE_PROP_ENUM("kernel-irqchip", MachineState, kernel_irqchip,
                     KERNEL_IRQCHIP_ON, "OnOffSplit", kernel_irqchip_names),
    DEFINE_PROP_BOOL("acpi", MachineState, acpi, true),
    DEFINE_PROP_BOOL("graphics", MachineState, graphics, true),
    DEFINE_PROP_STRING("kernel", MachineState, kernel_filename),
    DEFINE_PROP_STRING("initrd", MachineState, initrd_filename),
    DEFINE_PROP_STRING("append", MachineState, kernel_cmdline),
    DEFINE_PROP_STRING("firmware", MachineState, firmware),
    DEFINE_PROP_END,
};

static const struct {
    const char *name, *desc;
} machine_prop_desc[] = {
    { "ram-size", "guest RAM size (as -m)" },
    { "accel", "accelerators to try, colon-separated (prefer -accel)" },
    { "kernel-irqchip", "interrupt controllers in KVM: on, off or split" },
    { "acpi", "ACPI tables and power management" },
    { "graphics", "off: no display device (as -nographic)" },
    { "kernel", "kernel to boot directly (as -kernel)" },
    { "initrd", "initrd or multiboot modules (as -initrd)" },
    { "append", "kernel command line (as -append)" },
    { "firmware", "firmware ROM file (as -bios)" },
};

static void machine_class_init(ObjectClass *oc, void *data)
{
    object_class_add_static_props(oc, machine_props);
    for (size_t i = 0; i < ARRAY_SIZE(machine_prop_desc); i++) {
        object_class_property_set_description(oc, machine_prop_desc[i].name,
                                              machine_prop_desc[i].desc);
    }
}

static void machine_instance_init(Object *obj)
{
    MachineState *ms = MACHINE(obj);
    MachineClass *mc = MACHINE_GET_CLASS(obj);

    ms->ram_size = mc->default_ram_size ? mc->default_ram_size : 128 * MiB;
    ms->hpet = true;
    ms->maxram_size = ms->ram_size;
    ms->smp = (CpuTopology) { 1, 1, 1, 1, 1, 1 };
    ms->cpus = g_ptr_array_new();
}

static const TypeInfo machine_type = {
    .name = TYPE_MACHINE,
    .parent = TYPE_OBJECT,
    .abstract = true,
    .instance_size = sizeof(MachineState),
    .class_size = sizeof(MachineClass),
    .class_init = machine_class_init,
    .instance_init = machine_instance_init,
};

static void machine_register_types(void)
{
    type_register_static(&machine_type);
}
type_init(machine_register_types)

/* A board that left mc->name unset is named after its type. */
static const char *machine_class_name(MachineClass *mc)
{
    if (!mc->name) {
        const char *tn = object_class_get_name(OBJECT_CLASS(mc));
        size_t len = strlen(tn), slen = strlen(MACHINE_TYPE_SUFFIX);

        if (len > slen && !strcmp(tn + len - slen, MACHINE_TYPE_SUFFIX)) {
            mc->name = g_strndup(tn, len - slen);
        } else {
            mc->name = g_strdup(tn);
        }
    }
    return mc->name;
}

static GSList *machine_class_list(void)
{
    return object_class_get_list_sorted(TYPE_MACHINE, false);
}

MachineClass *machine_find_class(const char *name)
{
    MachineClass *found = NULL;
    GSList *list = machine_class_list();

    for (GSList *l = list; l && !found; l = l->next) {
        MachineClass *mc = MACHINE_CLASS(l->data);
        if (!strcmp(machine_class_name(mc), name) ||
            (mc->alias && !strcmp(mc->alias, name))) {
            found = mc;
        }
    }
    g_slist_free(list);
    return found;
}

MachineClass *machine_default_class(void)
{
    MachineClass *found = NULL;
    GSList *list = machine_class_list();

    for (GSList *l = list; l && !found; l = l->next) {
        MachineClass *mc = MACHINE_CLASS(l->data);
        if (mc->is_default && !mc->not_built) {
            machine_class_name(mc);
            found = mc;
        }
    }
    g_slist_free(list);
    return found;
}

void machine_print_list(FILE *f)
{
    GSList *list = machine_class_list();

    fprintf(f, "Supported machines are:\n");
    for (GSList *l = list; l; l = l->next) {
        MachineClass *mc = MACHINE_CLASS(l->data);
        const char *name = machine_class_name(mc);
        const char *desc = mc->desc ? mc->desc : "";
        const char *nb = mc->not_built ? " (not built yet)" : "";

        if (mc->alias) {
            fprintf(f, "%-20s %s (alias of %s)%s\n", mc->alias, desc, name,
                    nb);
        }
        fprintf(f, "%-20s %s%s%s\n", name, desc,
                mc->is_default ? " (default)" : "", nb);
    }
    g_slist_free(list);
}

static gint prop_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(((const ObjectProperty *)a)->name,
                  ((const ObjectProperty *)b)->name);
}

void machine_print_props(FILE *f, MachineClass *mc)
{
    ObjectPropertyIterator iter;
    ObjectProperty *prop;
    GSList *props = NULL;
    bool hpet_done = false;

    object_class_property_iter_init(&iter, OBJECT_CLASS(mc));
    while ((prop = object_property_iter_next(&iter))) {
        if (prop->set && prop->kind != PROP_KIND_CHILD) {
            props = g_slist_insert_sorted(props, prop, prop_cmp);
        }
    }
    object_property_iter_free(&iter);

    fprintf(f, "%s options:\n", object_class_get_name(OBJECT_CLASS(mc)));
    for (GSList *l = props; l; l = l->next) {
        prop = l->data;
        if (strcmp(prop->name, "hpet") > 0 && !hpet_done) {
            fprintf(f, "  %-22s - %s\n", "hpet=<bool>", "the HPET timer "
                    "(default: true)");
            hpet_done = true;
        }
        g_autofree char *left = g_strdup_printf("%s=<%s>", prop->name,
                                                prop->type);
        if (prop->description || prop->defval) {
            g_autofree char *def = prop->defval ?
                g_strdup_printf(" (default: %s)", prop->defval) : NULL;
            fprintf(f, "  %-22s - %s%s\n", left,
                    prop->description ? prop->description : "",
                    def ? def : "");
        } else {
            fprintf(f, "  %s\n", left);
        }
    }
    g_slist_free(props);
}

MachineState *machine_create(MachineClass *mc, Error **errp)
{
    const char *tn = object_class_get_name(OBJECT_CLASS(mc));
    Object *obj = object_new_checked(tn, errp);

    if (!obj) {
        return NULL;
    }
    if (!object_property_add_child(object_get_root(), "machine", obj, errp)) {
        object_unref(obj);
        return NULL;
    }
    current_machine = MACHINE(obj);
    container_get(object_get_root(), "/machine/unattached");
    container_get(object_get_root(), "/machine/peripheral");
    container_get(object_get_root(), "/machine/peripheral-anon");
    return current_machine;
}

bool machine_set_property(MachineState *ms, const char *name,
                          const char *value, Error **errp)
{
    ObjectProperty *prop;

    /*
     * Not a QOM property: the board names its HPET device "hpet", and a
     * child and a property cannot share a name.
     */
    if (!strcmp(name, "hpet")) {
        if (!parse_bool(value, &ms->hpet, name, NULL)) {
            error_setg(errp, "Parameter 'hpet' expects 'on' or 'off'");
            return false;
        }
        return true;
    }
    prop = object_property_find(OBJECT(ms), name);

    if (!prop || !prop->set || prop->kind == PROP_KIND_CHILD) {
        error_setg(errp, "Property '%s.%s' not found",
                   object_get_typename(OBJECT(ms)), name);
        return false;
    }
    if (prop->kind == PROP_KIND_ENUM || prop->kind == PROP_KIND_BOOL) {
        /* QEMU words a bad enum value this way for machine options. */
        Error *err = NULL;
        if (!object_property_parse(OBJECT(ms), name, value, &err)) {
            error_free(err);
            if (prop->kind == PROP_KIND_BOOL) {
                error_setg(errp, "Parameter '%s' expects 'on' or 'off'",
                           name);
            } else {
                error_setg(errp, "Parameter '%s' does not accept value '%s'",
                           name, value);
            }
            return false;
        }
    } else if (!object_property_parse(OBJECT(ms), name, value, errp)) {
        return false;
    }
    if (!strcmp(name, "kernel-irqchip")) {
        ms->kernel_irqchip_set = true;
    }
    return true;
}
