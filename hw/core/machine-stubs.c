/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Machine types accepted by name before they exist: they show in
 * "-M help" and selecting one fails with a clear message (vl checks
 * not_built) instead of "unsupported machine type".
 */
#include "hw/boards.h"

static void q35_stub_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "pc-q35-7.2";
    mc->alias = "q35";
    mc->desc = "Standard PC (Q35 + ICH9, 2009)";
    mc->not_built = true;
    mc->max_cpus = 288;
}

static const TypeInfo q35_stub_type = {
    .name = "pc-q35-7.2" MACHINE_TYPE_SUFFIX,
    .parent = TYPE_MACHINE,
    .class_init = q35_stub_class_init,
};

static void machine_stubs_register(void)
{
    /* Delete this file when the firmware issue brings the real q35. */
    type_register_static(&q35_stub_type);
}
type_init(machine_stubs_register)
