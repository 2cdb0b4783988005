/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QOM types of the named CPU models (cpu-model-table.c), so that
 * "-cpu Haswell" and "-device Haswell-x86_64-cpu" find them.
 */
#include "util/osdep.h"
#include "qom/object.h"
#include "target/i386/cpu-model-table.h"

/* One QOM type per name ("Haswell-x86_64-cpu", "Haswell-v1-x86_64-cpu") */
static void named_model_class_init(ObjectClass *oc, void *data)
{
    X86CPUClass *xcc = OBJECT_CLASS_CHECK(X86CPUClass, oc, TYPE_X86_CPU);
    const X86NamedModel *m = data;

    xcc->model_name = m->name;
    xcc->model_desc = m->model_id;
    xcc->host_cpuid_required = false;
    DEVICE_CLASS(oc)->desc = m->model_id;
}

static void register_named_models(void)
{
    const X86NamedModel *m;

    for (size_t i = 0; (m = x86_named_model_nth(i)); i++) {
        const char *alias = strcmp(m->name, "Haswell-noTSX") ? NULL
                                                            : "Haswell-v2";
        g_autofree char *v1 = alias ? g_strdup(alias)
                                    : g_strconcat(m->name, "-v1", NULL);
        const char *names[2] = { m->name, v1 };
        for (int k = 0; k < 2; k++) {
            TypeInfo ti = {
                /* type names live as long as the program */
                .name = g_strconcat(names[k], X86_CPU_TYPE_SUFFIX, NULL),
                .parent = TYPE_X86_CPU,
                .class_init = named_model_class_init,
                .class_data = (void *)m,
            };
            type_register_static(&ti);
        }
    }
}
type_init(register_named_models)
