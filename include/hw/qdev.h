/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Devices and buses. A device is created (qdev_new / -device), its
 * properties are set, then it is realized with qdev_realize(dev, bus,
 * errp): realize claims resources (memory regions, IRQs, I/O ports) and
 * can fail cleanly; unrealize gives everything back (hotplug later). A
 * device sits on at most one bus; buses belong to devices; the tree of
 * both is what reset walks and what "info qtree" prints.
 *
 * Devices without a parent in the composition tree are put under
 * /machine/unattached/device[N]; -device ones with id= under
 * /machine/peripheral/ID, without id under /machine/peripheral-anon.
 */
#ifndef KEMU_QDEV_H
#define KEMU_QDEV_H

#include "qom/object.h"
#include "qom/property.h"
#include "hw/irq.h"
#include "migration/statedesc.h"
#include "util/opts.h"

#define TYPE_DEVICE "device"
#define TYPE_BUS "bus"
#define TYPE_SYSTEM_BUS "System"        /* the main-system-bus' type */

typedef struct DeviceState DeviceState;
typedef struct DeviceClass DeviceClass;
typedef struct BusState BusState;
typedef struct BusClass BusClass;

typedef struct NamedGPIOList {
    char *name;          /* NULL for the unnamed list */
    qemu_irq *in;        /* inputs, owned */
    int num_in;
    qemu_irq **out;      /* pointers to the device's own qemu_irq fields */
    int num_out;
} NamedGPIOList;

struct DeviceClass {
    ObjectClass parent_class;

    const char *desc;              /* one line for -device help */
    const char *category;          /* "bridge", "input", "storage", "misc",
                                      "network", "display", "sound", "cpu"... */
    const Property *props;         /* static properties (copied to class) */
    const char *bus_type;          /* bus this device plugs into, or NULL */
    bool user_creatable;           /* allowed with -device */
    /* Never on a bus, not even the main system bus (CPUs). Devices with
     * neither bus_type nor busless go on the main system bus. */
    bool busless;
    bool hotpluggable;
    const StateDesc *state;        /* guest-visible state description */

    bool (*realize)(DeviceState *dev, Error **errp);
    void (*unrealize)(DeviceState *dev);
    /* Put the device in its power-on state (no resources allocated). */
    void (*reset)(DeviceState *dev);
    /* Extra lines for "info qtree": prefix each line with 'indent'
     * spaces (the column of the device's property lines). */
    void (*print_info)(DeviceState *dev, GString *out, int indent);
};

struct DeviceState {
    Object parent_obj;
    char *id;                      /* -device id=, or NULL */
    bool realized;
    BusState *parent_bus;
    GSList *child_buses;           /* of BusState* */
    GSList *gpios;                 /* of NamedGPIOList* */
    int num_child_bus;
};

struct BusClass {
    ObjectClass parent_class;
    /* Extra lines for "info qtree" for a device on this bus (e.g. addr);
     * same 'indent' convention as DeviceClass.print_info. */
    void (*print_dev)(BusState *bus, DeviceState *dev, GString *out,
                      int indent);
    /* Checks a device before it is plugged (slot free, etc.). */
    bool (*check_address)(BusState *bus, DeviceState *dev, Error **errp);
    char *(*get_dev_path)(DeviceState *dev);
    int max_dev;                   /* 0: unlimited */
};

typedef struct BusChild {
    DeviceState *child;
    int index;
} BusChild;

struct BusState {
    Object obj;
    DeviceState *parent;
    char *name;
    GList *children;               /* of DeviceState*, in plug order */
    bool realized;
};

OBJECT_DECLARE_TYPE(DeviceState, DeviceClass, DEVICE)
OBJECT_DECLARE_TYPE(BusState, BusClass, BUS)

void device_class_set_props(DeviceClass *dc, const Property *props);

/*
 * Create a device (-global defaults applied); realize it later. A bad
 * -global is fatal in qdev_new and an error in qdev_try_new.
 * qdev_realize with bus NULL puts a device without bus_type (and not
 * busless) on the main system bus; a device not yet in the composition
 * tree goes to /machine/unattached/device[N]. Realize runs dc->reset once
 * so the device starts in its power-on state.
 */
DeviceState *qdev_new(const char *typename);
DeviceState *qdev_try_new(const char *typename, Error **errp);
/* Plug into bus (may be NULL for bus-less devices) and realize. */
bool qdev_realize(DeviceState *dev, BusState *bus, Error **errp);
/* qdev_realize, then drop the creator's reference. */
bool qdev_realize_and_unref(DeviceState *dev, BusState *bus, Error **errp);
void qdev_unrealize(DeviceState *dev);

/* Buses. */
BusState *qbus_new(const char *typename, DeviceState *parent,
                   const char *name);
void qbus_init(void *bus, size_t size, const char *typename,
               DeviceState *parent, const char *name);
BusState *qdev_get_parent_bus(DeviceState *dev);
BusState *qdev_get_child_bus(DeviceState *dev, const char *name);
/* Finds a bus by name ("pci.0", "isa.0") anywhere under the machine. */
BusState *qbus_find_by_name(const char *name);
/* First bus of typename found in a breadth-first walk of the machine. */
BusState *qbus_find_by_type(const char *typename);
/* Same, skipping buses that are full (BusClass.max_dev). */
BusState *qbus_find_free_by_type(const char *typename);

/* Reset: every device below root (devices first below buses, children
 * before parents is not required; each device resets itself). */
void qdev_reset_all(DeviceState *dev);
void qbus_reset_all(BusState *bus);
/* Resets every registered root (the machine's main system bus + rest). */
void qdev_reset_machine(void);
/* Extra reset handlers for things that are not devices (e.g. CPUs). */
void qemu_register_reset(void (*fn)(void *opaque), void *opaque);
void qemu_unregister_reset(void (*fn)(void *opaque), void *opaque);
void qemu_devices_reset(void);   /* runs all of the above */

/* The "main-system-bus": root bus for bus-less devices (sysbus). */
BusState *sysbus_get_default(void);

/* GPIO lines. */
void qdev_init_gpio_in(DeviceState *dev, qemu_irq_handler *handler, int n);
void qdev_init_gpio_in_named(DeviceState *dev, qemu_irq_handler *handler,
                             const char *name, int n);
/* Declares that the device drives lines stored in its own pins[] array. */
void qdev_init_gpio_out(DeviceState *dev, qemu_irq *pins, int n);
void qdev_init_gpio_out_named(DeviceState *dev, qemu_irq *pins,
                              const char *name, int n);
qemu_irq qdev_get_gpio_in(DeviceState *dev, int n);
qemu_irq qdev_get_gpio_in_named(DeviceState *dev, const char *name, int n);
void qdev_connect_gpio_out(DeviceState *dev, int n, qemu_irq pin);
void qdev_connect_gpio_out_named(DeviceState *dev, const char *name, int n,
                                 qemu_irq pin);
NamedGPIOList *qdev_get_named_gpio_list(DeviceState *dev, const char *name);

/*
 * "info qtree" text for the whole machine: QEMU's layout, devices newest
 * first, static properties as "name = value" ("1281 (0x501)", "true",
 * "\"str\"", sizes "N (2 GiB)"), gpio lists as 'gpio-in "name" N'.
 */
void qdev_print_qtree(GString *out);
/* "-device help" (list) and "-device NAME,help" (properties). */
void qdev_print_device_list(FILE *f);
bool qdev_print_device_props(FILE *f, const char *typename, Error **errp);

/*
 * -device NAME,prop=val,...: create, set properties, plug into the bus
 * ("bus=" or the first bus of the device's bus type), realize, add under
 * /machine/peripheral(-anon). Errors QEMU-style.
 */
DeviceState *qdev_device_add(Opts *opts, Error **errp);

/* Typed property setters used by board code (abort on error). */
void qdev_prop_set_bit(DeviceState *dev, const char *name, bool v);
void qdev_prop_set_uint8(DeviceState *dev, const char *name, uint8_t v);
void qdev_prop_set_uint16(DeviceState *dev, const char *name, uint16_t v);
void qdev_prop_set_uint32(DeviceState *dev, const char *name, uint32_t v);
void qdev_prop_set_uint64(DeviceState *dev, const char *name, uint64_t v);
void qdev_prop_set_int32(DeviceState *dev, const char *name, int32_t v);
void qdev_prop_set_string(DeviceState *dev, const char *name, const char *v);

#endif
