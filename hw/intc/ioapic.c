/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * I/O APIC: 24 pins, a redirection table, indirect register access
 * through IOREGSEL/IOWIN (Intel 82093AA datasheet 290566), plus the EOI
 * register of the version 0x20 parts. Interrupts are sent as MSI
 * messages, whose address/data format carries the same fields as a
 * redirection entry (SDM vol. 3, 10.11).
 */
#include "util/osdep.h"
#include "util/log.h"
#include "hw/intc/ioapic.h"
#include "hw/intc/intc-info.h"
#include "hw/qdev.h"
#include "exec/memory.h"
#include "sysemu/interrupts.h"

#define IOREGSEL   0x00
#define IOWIN      0x10
#define IOEOI      0x40

#define IOAPIC_REG_ID    0x00
#define IOAPIC_REG_VER   0x01
#define IOAPIC_REG_ARB   0x02
#define IOAPIC_REG_REDTBL 0x10

/* Redirection entry bits */
#define RTE_VECTOR       0xffULL
#define RTE_DELMODE_SHIFT 8
#define RTE_DESTMODE     (1ULL << 11)
#define RTE_DELIVS       (1ULL << 12)
#define RTE_POLARITY     (1ULL << 13)
#define RTE_REMOTE_IRR   (1ULL << 14)
#define RTE_TRIGGER      (1ULL << 15)
#define RTE_MASK         (1ULL << 16)
#define RTE_DEST_SHIFT   56
/* What software may write: all but Delivery Status and Remote IRR. */
#define RTE_RW_BITS      (0xff000000000000ffULL | (7ULL << 8) | \
                          RTE_DESTMODE | RTE_POLARITY | RTE_TRIGGER | \
                          RTE_MASK)

#define DM_EXTINT 7

typedef struct IOAPICState {
    DeviceState parent_obj;

    MemoryRegion mmio;
    uint8_t id;
    uint8_t ioregsel;
    uint32_t pin_level;             /* bitmap of asserted pins */
    uint64_t redtbl[IOAPIC_NUM_PINS];
} IOAPICState;

OBJECT_DECLARE_SIMPLE_TYPE(IOAPICState, IOAPIC)

static const StateField ioapic_fields[] = {
    STATE_UINT8(id, IOAPICState),
    STATE_UINT8(ioregsel, IOAPICState),
    STATE_UINT32(pin_level, IOAPICState),
    STATE_UINT64_ARRAY(redtbl, IOAPICState, IOAPIC_NUM_PINS),
    STATE_END
};
static const StateDesc ioapic_state = {
    .name = "ioapic", .version = 1, .fields = ioapic_fields,
};

static GSList *ioapics;

/* Sends the entry of pin as an MSI: address bits 19:12 destination, bit 2
 * logical; data bits 7:0 vector, 10:8 delivery mode, 14 assert, 15 level. */
static void ioapic_send(IOAPICState *s, int pin)
{
    uint64_t e = s->redtbl[pin];
    bool level = e & RTE_TRIGGER;
    uint64_t addr = 0xfee00000ULL | ((e >> RTE_DEST_SHIFT) << 12) |
                    ((e & RTE_DESTMODE) ? 4 : 0);
    uint32_t data = (e & RTE_VECTOR) |
                    (((e >> RTE_DELMODE_SHIFT) & 7) << 8) |
                    (1u << 14) | (level ? 1u << 15 : 0);

    if (((e >> RTE_DELMODE_SHIFT) & 7) == DM_EXTINT) {
        /* The 8259 supplies the vector; edge semantics. */
        data &= ~(1u << 15);
        level = false;
    }
    if (level) {
        s->redtbl[pin] |= RTE_REMOTE_IRR;
    }
    kemu_log_mask(LOG_INT, "ioapic: pin %d -> msi addr 0x%" PRIx64
                  " data 0x%x\n", pin, addr, data);
    msi_send_message(addr, data);
}

/* Level pins deliver while asserted, unmasked and not awaiting EOI. */
static void ioapic_service_level(IOAPICState *s, int pin)
{
    uint64_t e = s->redtbl[pin];
    if ((s->pin_level & (1u << pin)) && (e & RTE_TRIGGER) &&
        !(e & RTE_MASK) && !(e & RTE_REMOTE_IRR)) {
        ioapic_send(s, pin);
    }
}

static void ioapic_set_pin(void *opaque, int pin, int level)
{
    IOAPICState *s = opaque;
    uint32_t bit = 1u << pin;
    bool was = s->pin_level & bit;
    uint64_t e = s->redtbl[pin];

    if (level) {
        s->pin_level |= bit;
    } else {
        s->pin_level &= ~bit;
    }
    if (e & RTE_TRIGGER) {
        ioapic_service_level(s, pin);
    } else if (level && !was && !(e & RTE_MASK)) {
        ioapic_send(s, pin);
    }
}

static void ioapic_eoi(IOAPICState *s, int vector)
{
    for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
        uint64_t e = s->redtbl[pin];
        if ((e & RTE_VECTOR) == vector && (e & RTE_REMOTE_IRR)) {
            s->redtbl[pin] &= ~RTE_REMOTE_IRR;
            ioapic_service_level(s, pin);
        }
    }
}

void ioapic_eoi_broadcast(int vector)
{
    for (GSList *l = ioapics; l; l = l->next) {
        ioapic_eoi(l->data, vector & 0xff);
    }
}

static uint32_t ioapic_reg_read(IOAPICState *s)
{
    uint8_t r = s->ioregsel;

    switch (r) {
    case IOAPIC_REG_ID:
    case IOAPIC_REG_ARB:
        return (uint32_t)(s->id & 0xf) << 24;
    case IOAPIC_REG_VER:
        return IOAPIC_VERSION | ((IOAPIC_NUM_PINS - 1) << 16);
    }
    if (r >= IOAPIC_REG_REDTBL && r < IOAPIC_REG_REDTBL + 2 * IOAPIC_NUM_PINS) {
        int pin = (r - IOAPIC_REG_REDTBL) / 2;
        return (r & 1) ? s->redtbl[pin] >> 32 : (uint32_t)s->redtbl[pin];
    }
    kemu_log_mask(LOG_GUEST_ERROR, "ioapic: read of register 0x%02x\n", r);
    return 0xffffffff;
}

static void ioapic_reg_write(IOAPICState *s, uint32_t val)
{
    uint8_t r = s->ioregsel;

    if (r == IOAPIC_REG_ID) {
        s->id = (val >> 24) & 0xf;
        return;
    }
    if (r < IOAPIC_REG_REDTBL || r >= IOAPIC_REG_REDTBL + 2 * IOAPIC_NUM_PINS) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "ioapic: write of read-only/unknown register 0x%02x\n",
                      r);
        return;
    }
    int pin = (r - IOAPIC_REG_REDTBL) / 2;
    uint64_t e = s->redtbl[pin];
    uint64_t nv = (r & 1) ? deposit64(e, 32, 32, val)
                          : deposit64(e, 0, 32, val);
    nv = (e & ~RTE_RW_BITS) | (nv & RTE_RW_BITS);
    if (!(nv & RTE_TRIGGER)) {
        /* Remote IRR is undefined for edge entries: keep it clear. */
        nv &= ~RTE_REMOTE_IRR;
    }
    s->redtbl[pin] = nv;
    /* An asserted level pin that got unmasked (or turned level) fires. */
    ioapic_service_level(s, pin);
}

static uint64_t ioapic_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    IOAPICState *s = opaque;

    switch (addr) {
    case IOREGSEL:
        return s->ioregsel;
    case IOWIN:
        return ioapic_reg_read(s);
    }
    return 0;
}

static void ioapic_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                              unsigned size)
{
    IOAPICState *s = opaque;

    switch (addr) {
    case IOREGSEL:
        s->ioregsel = val;
        break;
    case IOWIN:
        ioapic_reg_write(s, val);
        break;
    case IOEOI:
        ioapic_eoi(s, val & 0xff);
        break;
    default:
        kemu_log_mask(LOG_GUEST_ERROR, "ioapic: write at offset 0x%" PRIx64
                      "\n", addr);
    }
}

static const MemoryRegionOps ioapic_mmio_ops = {
    .read = ioapic_mmio_read,
    .write = ioapic_mmio_write,
    /* The 82093AA decodes dword accesses; byte access to IOREGSEL is
     * common too. */
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static void ioapic_reset(DeviceState *dev)
{
    IOAPICState *s = IOAPIC(dev);

    s->id = 0;
    s->ioregsel = 0;
    for (int i = 0; i < IOAPIC_NUM_PINS; i++) {
        s->redtbl[i] = RTE_MASK;
    }
}

static void ioapic_instance_init(Object *obj)
{
    qdev_init_gpio_in(DEVICE(obj), ioapic_set_pin, IOAPIC_NUM_PINS);
}

static bool ioapic_realize(DeviceState *dev, Error **errp)
{
    IOAPICState *s = IOAPIC(dev);

    memory_region_init_io(&s->mmio, OBJECT(s), &ioapic_mmio_ops, s,
                          "ioapic", 0x1000);
    ioapics = g_slist_append(ioapics, s);
    ioapic_reset(dev);
    return true;
}

static void ioapic_unrealize(DeviceState *dev)
{
    IOAPICState *s = IOAPIC(dev);

    ioapics = g_slist_remove(ioapics, s);
    if (s->mmio.container) {
        memory_region_del_subregion(s->mmio.container, &s->mmio);
    }
    memory_region_destroy(&s->mmio);
}

static void ioapic_print_info(DeviceState *dev, GString *out, int indent)
{
    IOAPICState *s = IOAPIC(dev);

    g_string_append_printf(out, "%*sid=%d pins asserted=0x%06x\n",
                           indent, "", s->id, s->pin_level);
}

bool ioapic_get_info(DeviceState *dev, IOAPICInfo *info)
{
    IOAPICState *s;
    uint32_t level_pins = 0;

    if (object_dynamic_cast(OBJECT(dev), TYPE_KVM_IOAPIC)) {
        return kvm_ioapic_get_info(dev, info);
    }
    if (!object_dynamic_cast(OBJECT(dev), TYPE_IOAPIC)) {
        return false;
    }
    s = IOAPIC(dev);
    info->version = IOAPIC_VERSION;
    info->id = s->id;
    info->ioregsel = s->ioregsel;
    memcpy(info->redtbl, s->redtbl, sizeof(info->redtbl));
    /* Edges are delivered (or dropped while masked) at once; only an
     * asserted level-triggered pin stays requested. */
    for (int i = 0; i < IOAPIC_NUM_PINS; i++) {
        if (s->redtbl[i] & RTE_TRIGGER) {
            level_pins |= 1u << i;
        }
    }
    info->irr = s->pin_level & level_pins;
    return true;
}

static void ioapic_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->desc = "I/O APIC (82093AA, version 0x20)";
    dc->category = "misc";
    dc->realize = ioapic_realize;
    dc->unrealize = ioapic_unrealize;
    dc->reset = ioapic_reset;
    dc->state = &ioapic_state;
    dc->print_info = ioapic_print_info;
    dc->user_creatable = false;
}

static const TypeInfo ioapic_types[] = {
    {
        .name = TYPE_IOAPIC,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(IOAPICState),
        .instance_init = ioapic_instance_init,
        .class_init = ioapic_class_init,
    },
};
DEFINE_TYPES(ioapic_types)

DeviceState *ioapic_init(void)
{
    DeviceState *dev = qdev_new(TYPE_IOAPIC);
    Object *machine = object_resolve_path("/machine", NULL);

    if (machine) {
        object_property_add_child(machine, "ioapic", OBJECT(dev),
                                  &error_abort);
    }
    qdev_realize_and_unref(dev, NULL, &error_fatal);
    memory_region_add_subregion(get_system_memory(), IOAPIC_DEFAULT_BASE,
                                &IOAPIC(dev)->mmio);
    return dev;
}
