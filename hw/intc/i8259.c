/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 8259A programmable interrupt controller (datasheet 231468), one
 * chip per device; a PC has a master at 0x20 and a slave at 0xa0 cascaded
 * on the master's IR2, plus the PIIX edge/level control registers (ELCR)
 * at 0x4d0/0x4d1 that make individual lines level-triggered.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "hw/intc/i8259.h"
#include "hw/intc/intc-info.h"
#include "hw/isa.h"
#include "exec/memory.h"

typedef struct PICState {
    ISADevice parent_obj;

    /* properties */
    uint32_t iobase;
    uint32_t elcr_addr;
    uint8_t elcr_mask;
    bool master;

    MemoryRegion io;
    MemoryRegion elcr_io;
    qemu_irq int_out;
    struct PICState *slave;     /* master only: the chip on the cascade */

    /* 8259A registers */
    uint8_t irr;
    uint8_t isr;
    uint8_t imr;
    uint8_t last_level;         /* input levels, for edge detection */
    uint8_t prio_base;          /* IR with the highest priority */
    uint8_t icw1;
    uint8_t vector_base;        /* ICW2 T7-T3 */
    uint8_t icw3;               /* master: slave bitmap; slave: its id */
    uint8_t icw4;
    uint8_t init_step;          /* 0: operational, 2/3/4: expecting ICWn */
    bool read_isr;              /* OCW3 RIS */
    bool poll;                  /* OCW3 P: next read is a poll word */
    bool special_mask;
    bool rotate_on_aeoi;
    uint8_t elcr;
    bool int_level;             /* INT output as last driven */
} PICState;

OBJECT_DECLARE_SIMPLE_TYPE(PICState, ISA_I8259)

static const StateField pic_fields[] = {
    STATE_UINT8(irr, PICState),
    STATE_UINT8(isr, PICState),
    STATE_UINT8(imr, PICState),
    STATE_UINT8(last_level, PICState),
    STATE_UINT8(prio_base, PICState),
    STATE_UINT8(icw1, PICState),
    STATE_UINT8(vector_base, PICState),
    STATE_UINT8(icw3, PICState),
    STATE_UINT8(icw4, PICState),
    STATE_UINT8(init_step, PICState),
    STATE_BOOL(read_isr, PICState),
    STATE_BOOL(poll, PICState),
    STATE_BOOL(special_mask, PICState),
    STATE_BOOL(rotate_on_aeoi, PICState),
    STATE_UINT8(elcr, PICState),
    STATE_BOOL(int_level, PICState),
    STATE_END
};
static const StateDesc pic_state = {
    .name = "i8259", .version = 1, .fields = pic_fields,
};

#define ICW1_IC4   0x01
#define ICW1_SNGL  0x02
#define ICW1_LTIM  0x08
#define ICW4_UPM   0x01
#define ICW4_AEOI  0x02
#define ICW4_SFNM  0x10

static PICState *master_pic;

/* Priority rank of IR n: 0 is the highest. */
static int pic_rank(PICState *s, int n)
{
    return (n - s->prio_base) & 7;
}

/* Highest priority IR set in mask, or -1. */
static int pic_highest(PICState *s, uint8_t mask)
{
    for (int r = 0; r < 8; r++) {
        int n = (s->prio_base + r) & 7;
        if (mask & (1 << n)) {
            return n;
        }
    }
    return -1;
}

/* Cascade inputs of a master in cascade mode. */
static uint8_t pic_cascade_mask(PICState *s)
{
    return (s->master && !(s->icw1 & ICW1_SNGL)) ? s->icw3 : 0;
}

/*
 * Lines whose IRR follows the input level: ELCR (or ICW1 LTIM) level
 * lines, and the cascade inputs, so that a slave still holding INT high
 * after one of its requests was serviced is seen again once the master's
 * in-service bit is cleared.
 */
static uint8_t pic_level_mask(PICState *s)
{
    return ((s->icw1 & ICW1_LTIM) ? 0xff : s->elcr) | pic_cascade_mask(s);
}

/*
 * The request that would win an INTA now, or -1. A request must beat
 * every in-service level: in special mask mode the in-service levels that
 * are masked do not count (datasheet, "Special Mask Mode"); in special
 * fully nested mode a slave's line may interrupt its own in-service level
 * because the slave has resolved a higher priority behind it.
 */
static int pic_pending(PICState *s)
{
    uint8_t req = s->irr & ~s->imr;
    int irq = pic_highest(s, req);
    if (irq < 0) {
        return -1;
    }
    uint8_t in_service = s->isr;
    if (s->special_mask) {
        in_service &= ~s->imr;
    }
    if ((s->icw4 & ICW4_SFNM) && (pic_cascade_mask(s) & (1 << irq))) {
        in_service &= ~(1 << irq);
    }
    int cur = pic_highest(s, in_service);
    if (cur >= 0 && pic_rank(s, cur) <= pic_rank(s, irq)) {
        return -1;
    }
    return irq;
}

static void pic_update(PICState *s)
{
    bool level = pic_pending(s) >= 0;
    if (level != s->int_level) {
        s->int_level = level;
        qemu_set_irq(s->int_out, level);
    }
}

static void pic_set_input(void *opaque, int n, int level)
{
    PICState *s = opaque;
    uint8_t bit = 1 << n;

    if (pic_level_mask(s) & bit) {
        /* Level mode: IRR follows the line. */
        if (level) {
            s->irr |= bit;
        } else {
            s->irr &= ~bit;
        }
    } else if (level && !(s->last_level & bit)) {
        /* Edge mode: a rising edge latches a request until INTA. */
        s->irr |= bit;
    }
    if (level) {
        s->last_level |= bit;
    } else {
        s->last_level &= ~bit;
    }
    pic_update(s);
}

/* INTA on one chip: irq wins, ISR set (unless auto-EOI), IRR cleared. */
static void pic_ack(PICState *s, int irq)
{
    uint8_t bit = 1 << irq;
    if (s->icw4 & ICW4_AEOI) {
        if (s->rotate_on_aeoi) {
            s->prio_base = (irq + 1) & 7;
        }
    } else {
        s->isr |= bit;
    }
    if (!(pic_level_mask(s) & bit)) {
        s->irr &= ~bit;
    }
    /* In level mode the line still being high keeps IRR set. */
}

static int pic_chip_inta(PICState *s, bool *spurious)
{
    int irq = pic_pending(s);
    *spurious = irq < 0;
    if (irq < 0) {
        /* Request went away before INTA: the 8259A answers IR7. */
        return 7;
    }
    pic_ack(s, irq);
    return irq;
}

int pic_read_irq(DeviceState *dev)
{
    PICState *s = ISA_I8259(dev);
    bool spurious;
    int irq = pic_chip_inta(s, &spurious);
    int vector = s->vector_base | irq;

    if (!spurious && (pic_cascade_mask(s) & (1 << irq)) && s->slave) {
        PICState *sl = s->slave;
        int sirq = pic_chip_inta(sl, &spurious);
        vector = sl->vector_base | sirq;
        pic_update(sl);
    }
    pic_update(s);
    kemu_log_mask(LOG_INT, "i8259: INTA vector 0x%02x%s\n", vector,
                  spurious ? " (spurious)" : "");
    return vector;
}

bool pic_get_output(DeviceState *dev)
{
    return ISA_I8259(dev)->int_level;
}

DeviceState *i8259_get_master(void)
{
    return master_pic ? DEVICE(master_pic) : NULL;
}

/* Poll command: the next read returns I, W2-W0 and acknowledges. */
static uint8_t pic_poll_read(PICState *s)
{
    int irq = pic_pending(s);
    if (irq < 0) {
        return 0;
    }
    /* A poll on the master names the cascade line; software polls the
     * slave next. */
    pic_ack(s, irq);
    pic_update(s);
    return 0x80 | irq;
}

static void pic_eoi(PICState *s, int irq, bool rotate)
{
    s->isr &= ~(1 << irq);
    if (rotate) {
        s->prio_base = (irq + 1) & 7;
    }
}

static void pic_write_ocw2(PICState *s, uint8_t v)
{
    int level = v & 7;
    int cmd = v >> 5;       /* R SL EOI */
    uint8_t eoi_candidates = s->isr;

    if (s->special_mask) {
        /* In special mask mode a non-specific EOI leaves masked levels. */
        eoi_candidates &= ~s->imr;
    }
    switch (cmd) {
    case 1: /* non-specific EOI */
    case 5: { /* rotate on non-specific EOI */
        int irq = pic_highest(s, eoi_candidates);
        if (irq >= 0) {
            pic_eoi(s, irq, cmd == 5);
        }
        break;
    }
    case 3: /* specific EOI */
    case 7: /* rotate on specific EOI */
        pic_eoi(s, level, cmd == 7);
        break;
    case 4:
        s->rotate_on_aeoi = true;
        break;
    case 0:
        s->rotate_on_aeoi = false;
        break;
    case 6: /* set priority: level becomes the lowest */
        s->prio_base = (level + 1) & 7;
        break;
    case 2: /* no operation */
        break;
    }
}

static void pic_write_ocw3(PICState *s, uint8_t v)
{
    if (v & 0x04) {
        s->poll = true;
    }
    if (v & 0x02) {
        s->read_isr = v & 0x01;
    }
    if (v & 0x40) {
        s->special_mask = v & 0x20;
    }
}

static void pic_write_icw1(PICState *s, uint8_t v)
{
    s->icw1 = v;
    s->init_step = 2;
    s->icw3 = 0;
    /* Datasheet "Initialization command word 1": edge sense reset, IMR
     * cleared, IR7 lowest priority, special mask off, read IRR; ICW4
     * functions zero when IC4 is clear. ISR is cleared too, as guests
     * re-initialising a PIC expect a quiet chip. */
    s->imr = 0;
    s->isr = 0;
    s->irr = s->last_level & pic_level_mask(s);
    s->prio_base = 0;
    s->special_mask = false;
    s->read_isr = false;
    s->poll = false;
    s->rotate_on_aeoi = false;
    s->icw4 = 0;
    if (v & 0x04) {
        kemu_log_mask(LOG_UNIMP, "i8259: ICW1 call address interval 4\n");
    }
}

static void pic_write_data(PICState *s, uint8_t v)
{
    switch (s->init_step) {
    case 0: /* OCW1 */
        s->imr = v;
        break;
    case 2:
        s->vector_base = v & 0xf8;
        s->init_step = (s->icw1 & ICW1_SNGL) ? 4 : 3;
        if (s->init_step == 4 && !(s->icw1 & ICW1_IC4)) {
            s->init_step = 0;
        }
        break;
    case 3:
        s->icw3 = s->master ? v : (v & 7);
        s->irr |= s->last_level & pic_cascade_mask(s);
        s->init_step = (s->icw1 & ICW1_IC4) ? 4 : 0;
        break;
    case 4:
        s->icw4 = v;
        if (!(v & ICW4_UPM)) {
            kemu_log_mask(LOG_GUEST_ERROR,
                          "i8259: ICW4 selects 8080/85 mode, ignored\n");
        }
        s->init_step = 0;
        break;
    }
}

static void pic_io_write(void *opaque, hwaddr addr, uint64_t val,
                         unsigned size)
{
    PICState *s = opaque;
    uint8_t v = val;

    if (addr == 0) {
        if (v & 0x10) {
            pic_write_icw1(s, v);
        } else if (v & 0x08) {
            pic_write_ocw3(s, v);
        } else {
            pic_write_ocw2(s, v);
        }
    } else {
        pic_write_data(s, v);
    }
    pic_update(s);
}

static uint64_t pic_io_read(void *opaque, hwaddr addr, unsigned size)
{
    PICState *s = opaque;

    if (s->poll) {
        s->poll = false;
        return pic_poll_read(s);
    }
    if (addr == 0) {
        return s->read_isr ? s->isr : s->irr;
    }
    return s->imr;
}

static const MemoryRegionOps pic_io_ops = {
    .read = pic_io_read,
    .write = pic_io_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

static uint64_t elcr_read(void *opaque, hwaddr addr, unsigned size)
{
    PICState *s = opaque;
    return s->elcr;
}

static void elcr_write(void *opaque, hwaddr addr, uint64_t val,
                       unsigned size)
{
    PICState *s = opaque;
    uint8_t old = s->elcr;

    s->elcr = val & s->elcr_mask;
    /* A line turning level-triggered takes its current level in IRR. */
    uint8_t now_level = s->elcr & ~old;
    s->irr = (s->irr & ~now_level) | (s->last_level & now_level);
    pic_update(s);
}

static const MemoryRegionOps elcr_io_ops = {
    .read = elcr_read,
    .write = elcr_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

void pic_firmware_setup(DeviceState *dev, uint8_t vector_base, uint8_t imr)
{
    PICState *s;

    if (object_dynamic_cast(OBJECT(dev), TYPE_KVM_I8259)) {
        kvm_pic_firmware_setup(dev, vector_base, imr);
        return;
    }
    s = ISA_I8259(dev);
    pic_io_write(s, 0, 0x11, 1);                 /* ICW1: edge, cascade, IC4 */
    pic_io_write(s, 1, vector_base, 1);          /* ICW2 */
    pic_io_write(s, 1, s->master ? 0x04 : 0x02, 1); /* ICW3 */
    pic_io_write(s, 1, ICW4_UPM, 1);             /* ICW4: 8086 mode */
    pic_io_write(s, 1, imr, 1);                  /* OCW1 */
}

static void pic_reset(DeviceState *dev)
{
    PICState *s = ISA_I8259(dev);

    s->irr = s->isr = s->imr = 0;
    s->last_level = 0;
    s->prio_base = 0;
    s->icw1 = s->icw4 = 0;
    s->vector_base = 0;
    s->icw3 = 0;
    s->init_step = 0;
    s->read_isr = s->poll = s->special_mask = s->rotate_on_aeoi = false;
    s->elcr = 0;
    if (s->int_level) {
        s->int_level = false;
        qemu_set_irq(s->int_out, 0);
    }
}

static void pic_instance_init(Object *obj)
{
    PICState *s = ISA_I8259(obj);
    qdev_init_gpio_in(DEVICE(s), pic_set_input, 8);
    qdev_init_gpio_out(DEVICE(s), &s->int_out, 1);
}

static bool pic_realize(DeviceState *dev, Error **errp)
{
    PICState *s = ISA_I8259(dev);
    ISADevice *isa = ISA_DEVICE(dev);

    if (s->iobase > 0xfffe || s->elcr_addr > 0xffff) {
        error_setg(errp, "i8259: I/O base out of range");
        return false;
    }
    memory_region_init_io(&s->io, OBJECT(s), &pic_io_ops, s, "pic", 2);
    isa_register_ioport(isa, &s->io, s->iobase);
    if (s->elcr_addr != 0) {
        memory_region_init_io(&s->elcr_io, OBJECT(s), &elcr_io_ops, s,
                              "elcr", 1);
        isa_register_ioport(isa, &s->elcr_io, s->elcr_addr);
    }
    if (s->master && !master_pic) {
        master_pic = s;
    }
    pic_reset(dev);
    return true;
}

static void pic_unrealize(DeviceState *dev)
{
    PICState *s = ISA_I8259(dev);

    isa_unregister_ioport(ISA_DEVICE(dev), &s->io);
    memory_region_destroy(&s->io);
    if (s->elcr_addr != 0) {
        isa_unregister_ioport(ISA_DEVICE(dev), &s->elcr_io);
        memory_region_destroy(&s->elcr_io);
    }
    if (master_pic == s) {
        master_pic = NULL;
    }
    if (s->slave) {
        object_unref(s->slave);
        s->slave = NULL;
    }
}

static void pic_print_info(DeviceState *dev, GString *out, int indent)
{
    PICState *s = ISA_I8259(dev);
    g_string_append_printf(out, "%*sirr=%02x isr=%02x imr=%02x elcr=%02x "
                           "base=%02x\n", indent, "", s->irr, s->isr,
                           s->imr, s->elcr, s->vector_base);
}

bool i8259_get_info(DeviceState *dev, PICInfo *info)
{
    PICState *s;

    if (object_dynamic_cast(OBJECT(dev), TYPE_KVM_I8259)) {
        return kvm_i8259_get_info(dev, info);
    }
    if (!object_dynamic_cast(OBJECT(dev), TYPE_ISA_I8259)) {
        return false;
    }
    s = ISA_I8259(dev);
    *info = (PICInfo) {
        .master = s->master, .irr = s->irr, .imr = s->imr, .isr = s->isr,
        .priority_add = s->prio_base, .irq_base = s->vector_base,
        .read_isr = s->read_isr, .elcr = s->elcr,
        .sfnm = s->icw4 & ICW4_SFNM,
    };
    return true;
}

static const Property pic_props[] = {
    DEFINE_PROP_UINT32("iobase", PICState, iobase, 0x20),
    DEFINE_PROP_UINT32("elcr_addr", PICState, elcr_addr, 0x4d0),
    DEFINE_PROP_UINT8("elcr_mask", PICState, elcr_mask, 0xf8),
    DEFINE_PROP_BOOL("master", PICState, master, true),
    DEFINE_PROP_END,
};

static void pic_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->desc = "ISA 8259A interrupt controller";
    dc->category = "misc";
    dc->realize = pic_realize;
    dc->unrealize = pic_unrealize;
    dc->reset = pic_reset;
    dc->state = &pic_state;
    dc->print_info = pic_print_info;
    dc->user_creatable = false;
    device_class_set_props(dc, pic_props);
}

static const TypeInfo pic_types[] = {
    {
        .name = TYPE_ISA_I8259,
        .parent = TYPE_ISA_DEVICE,
        .instance_size = sizeof(PICState),
        .instance_init = pic_instance_init,
        .class_init = pic_class_init,
    },
};
DEFINE_TYPES(pic_types)

static PICState *pic_create(ISABus *bus, const char *name, bool master,
                            uint32_t iobase, uint32_t elcr_addr,
                            uint8_t elcr_mask)
{
    DeviceState *dev = qdev_new(TYPE_ISA_I8259);
    Object *machine = object_resolve_path("/machine", NULL);

    qdev_prop_set_bit(dev, "master", master);
    qdev_prop_set_uint32(dev, "iobase", iobase);
    qdev_prop_set_uint32(dev, "elcr_addr", elcr_addr);
    qdev_prop_set_uint8(dev, "elcr_mask", elcr_mask);
    if (machine) {
        object_property_add_child(machine, name, OBJECT(dev), &error_abort);
    }
    qdev_realize_and_unref(dev, BUS(bus), &error_fatal);
    return ISA_I8259(dev);
}

qemu_irq *i8259_init(ISABus *bus, qemu_irq parent_int)
{
    qemu_irq *irqs = g_new0(qemu_irq, 16);
    PICState *m = pic_create(bus, "pic-master", true, 0x20, 0x4d0, 0xf8);
    PICState *sl = pic_create(bus, "pic-slave", false, 0xa0, 0x4d1, 0xde);

    master_pic = m;
    object_ref(sl);
    m->slave = sl;
    qdev_connect_gpio_out(DEVICE(m), 0, parent_int);
    qdev_connect_gpio_out(DEVICE(sl), 0, qdev_get_gpio_in(DEVICE(m), 2));
    for (int i = 0; i < 8; i++) {
        irqs[i] = qdev_get_gpio_in(DEVICE(m), i);
        irqs[8 + i] = qdev_get_gpio_in(DEVICE(sl), i);
    }
    return irqs;
}
