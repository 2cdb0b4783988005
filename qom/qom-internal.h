/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared between the files of qom/: not an API for the rest of kemu. */
#ifndef KEMU_QOM_INTERNAL_H
#define KEMU_QOM_INTERNAL_H

#include "qom/object.h"

/* Stores the defaults of the static properties declared by klass itself. */
void object_set_static_defaults(Object *obj, ObjectClass *klass);
/* True for properties created from a Property array. */
bool object_property_is_static(const ObjectProperty *prop);

#endif
