/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Static properties: a field of the instance struct at a fixed offset,
 * declared in an array in the class:
 *
 *   static const Property debugexit_props[] = {
 *       DEFINE_PROP_UINT32("iobase", ISADebugExit, iobase, 0x501),
 *       DEFINE_PROP_UINT32("iosize", ISADebugExit, iosize, 2),
 *       DEFINE_PROP_END,
 *   };
 *   device_class_set_props(dc, debugexit_props);
 *
 * Defaults are stored into the instance before instance_init runs its
 * own code. For devices, setting a static property after realize fails
 * with "Attempt to set property 'x' on device 'y' after it was realized".
 */
#ifndef KEMU_PROPERTY_H
#define KEMU_PROPERTY_H

#include "qom/object.h"

typedef struct Property {
    const char *name;
    PropKind kind;
    size_t offset;
    union {
        uint64_t u;
        int64_t i;
        const char *s;
    } defval;
    bool set_default;
    const char *const *enum_names;   /* NULL-terminated */
    const char *enum_type;           /* e.g. "OnOffAuto" */
    const char *link_type;
    const char *description;
} Property;

#define DEFINE_PROP_BOOL(_n, _s, _f, _d) \
    { .name = (_n), .kind = PROP_KIND_BOOL, .offset = offsetof(_s, _f), \
      .defval.u = (_d), .set_default = true }
#define DEFINE_PROP_UINT8(_n, _s, _f, _d) \
    { .name = (_n), .kind = PROP_KIND_UINT8, .offset = offsetof(_s, _f), \
      .defval.u = (_d), .set_default = true }
#define DEFINE_PROP_UINT16(_n, _s, _f, _d) \
    { .name = (_n), .kind = PROP_KIND_UINT16, .offset = offsetof(_s, _f), \
      .defval.u = (_d), .set_default = true }
#define DEFINE_PROP_UINT32(_n, _s, _f, _d) \
    { .name = (_n), .kind = PROP_KIND_UINT32, .offset = offsetof(_s, _f), \
      .defval.u = (_d), .set_default = true }
#define DEFINE_PROP_UINT64(_n, _s, _f, _d) \
    { .name = (_n), .kind = PROP_KIND_UINT64, .offset = offsetof(_s, _f), \
      .defval.u = (_d), .set_default = true }
#define DEFINE_PROP_INT32(_n, _s, _f, _d) \
    { .name = (_n), .kind = PROP_KIND_INT32, .offset = offsetof(_s, _f), \
      .defval.i = (_d), .set_default = true }
#define DEFINE_PROP_INT64(_n, _s, _f, _d) \
    { .name = (_n), .kind = PROP_KIND_INT64, .offset = offsetof(_s, _f), \
      .defval.i = (_d), .set_default = true }
#define DEFINE_PROP_SIZE(_n, _s, _f, _d) \
    { .name = (_n), .kind = PROP_KIND_SIZE, .offset = offsetof(_s, _f), \
      .defval.u = (_d), .set_default = true }
/* char * field; the object owns the string (freed at finalize). */
#define DEFINE_PROP_STRING(_n, _s, _f) \
    { .name = (_n), .kind = PROP_KIND_STRING, .offset = offsetof(_s, _f) }
/* int field holding an index into _names (NULL-terminated). */
#define DEFINE_PROP_ENUM(_n, _s, _f, _d, _type, _names) \
    { .name = (_n), .kind = PROP_KIND_ENUM, .offset = offsetof(_s, _f), \
      .defval.i = (_d), .set_default = true, .enum_type = (_type), \
      .enum_names = (_names) }
/* Object * field holding a reference. */
#define DEFINE_PROP_LINK(_n, _s, _f, _type) \
    { .name = (_n), .kind = PROP_KIND_LINK, .offset = offsetof(_s, _f), \
      .link_type = (_type) }
#define DEFINE_PROP_END { .name = NULL }

/* Adds the properties to an object class (any class, not only devices). */
void object_class_add_static_props(ObjectClass *klass, const Property *props);

/* on/off/auto as used by many options */
typedef enum OnOffAuto {
    ON_OFF_AUTO_AUTO,
    ON_OFF_AUTO_ON,
    ON_OFF_AUTO_OFF,
} OnOffAuto;
extern const char *const on_off_auto_names[];
#define DEFINE_PROP_ON_OFF_AUTO(_n, _s, _f, _d) \
    DEFINE_PROP_ENUM(_n, _s, _f, _d, "OnOffAuto", on_off_auto_names)

/* What a periodic timer device does with ticks it could not deliver in
 * time (QEMU's LostTickPolicy; docs/devel/main-loop.md). */
typedef enum LostTickPolicy {
    LOST_TICK_POLICY_DISCARD,
    LOST_TICK_POLICY_DELAY,
    LOST_TICK_POLICY_SLEW,
} LostTickPolicy;
extern const char *const lost_tick_policy_names[];
#define DEFINE_PROP_LOSTTICKPOLICY(_n, _s, _f, _d) \
    DEFINE_PROP_ENUM(_n, _s, _f, _d, "LostTickPolicy", lost_tick_policy_names)

#endif
