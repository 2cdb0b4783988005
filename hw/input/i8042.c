/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 8042 keyboard controller as found in PC/AT machines: data port
 * 0x60, status/command port 0x64, a PS/2 keyboard on its first port
 * (IRQ 1) and a PS/2 mouse on the auxiliary port (IRQ 12).
 *
 * One output buffer serves both ports; it is refilled from, in order,
 * the controller's own replies, the keyboard's queue and the mouse's.
 * With translation on (command byte bit 6) keyboard bytes go through the
 * classic set 2 -> set 1 table. The output port carries the A20 gate
 * (line "a20") and the CPU reset line, which pulses reset the machine.
 */
#include "util/osdep.h"
#include "hw/isa.h"
#include "hw/input/i8042.h"
#include "ui/input.h"
#include "hw/input/ps2.h"
#include "qom/property.h"
#include "sysemu/runstate.h"
#include "util/log.h"

/* Status register */
#define STAT_OBF      0x01
#define STAT_SYS      0x04
#define STAT_CMD      0x08    /* last write went to port 0x64 */
#define STAT_UNLOCKED 0x10
#define STAT_AUX_OBF  0x20

/* Command byte */
#define CCB_KBD_INT   0x01
#define CCB_AUX_INT   0x02
#define CCB_SYS       0x04
#define CCB_KBD_OFF   0x10
#define CCB_AUX_OFF   0x20
#define CCB_XLATE     0x40

/* Output port */
#define OUT_RESET     0x01    /* low: CPU held in reset */
#define OUT_A20       0x02
#define OUT_KBD_OBF   0x10
#define OUT_AUX_OBF   0x20

typedef struct I8042State {
    ISADevice parent_obj;
    uint8_t kbd_irq_num, mouse_irq_num;
    bool extended_state, kbd_throttle;

    uint8_t ram[32];          /* ram[0] is the command byte */
    uint8_t status;
    uint8_t outport;
    uint8_t obuf;
    uint8_t pending;          /* controller command awaiting data, or 0 */
    bool xlate_break;         /* translating: saw 0xf0 */
    PS2Queue reply_kbd;       /* controller replies, as if from port 1 */
    PS2Queue reply_aux;       /* 0xd3 data, as if from port 2 */
    PS2KbdState kbd;
    PS2MouseState mouse;

    qemu_irq kbd_irq, mouse_irq, a20_out;
    MemoryRegion io_data, io_cmd;
    QemuInputHandlerState *kbd_input, *mouse_input;
} I8042State;

OBJECT_DECLARE_SIMPLE_TYPE(I8042State, I8042)

static uint8_t *ccb(I8042State *s)
{
    return &s->ram[0];
}

static void i8042_update_irq(I8042State *s)
{
    bool full = s->status & STAT_OBF;
    bool aux = s->status & STAT_AUX_OBF;

    qemu_set_irq(s->kbd_irq, full && !aux && (*ccb(s) & CCB_KBD_INT));
    qemu_set_irq(s->mouse_irq, full && aux && (*ccb(s) & CCB_AUX_INT));
}

/* Next keyboard byte as the host sees it; false if none is complete. */
static bool i8042_next_kbd_byte(I8042State *s, uint8_t *out)
{
    while (!ps2_queue_empty(&s->kbd.q)) {
        uint8_t b = ps2_queue_pop(&s->kbd.q);

        if (!(*ccb(s) & CCB_XLATE)) {
            *out = b;
            return true;
        }
        if (b == 0xf0) {
            s->xlate_break = true;  /* folded into the next byte */
            continue;
        }
        if (b < 0x80) {
            b = ps2_set2_to_set1[b] | (s->xlate_break ? 0x80 : 0);
        } else if (b == 0x83) {
            b = 0x41 | (s->xlate_break ? 0x80 : 0);
        }
        s->xlate_break = false;
        *out = b;
        return true;
    }
    return false;
}

/* Refill the output buffer if it is empty, then recompute the IRQs. */
static void i8042_update(I8042State *s)
{
    if (!(s->status & STAT_OBF)) {
        uint8_t b;
        bool aux = false, have = true;

        if (!ps2_queue_empty(&s->reply_kbd)) {
            b = ps2_queue_pop(&s->reply_kbd);
        } else if (!ps2_queue_empty(&s->reply_aux)) {
            b = ps2_queue_pop(&s->reply_aux);
            aux = true;
        } else if (!(*ccb(s) & CCB_KBD_OFF) && i8042_next_kbd_byte(s, &b)) {
            /* b set */
        } else if (!(*ccb(s) & CCB_AUX_OFF) && !ps2_queue_empty(&s->mouse.q)) {
            b = ps2_queue_pop(&s->mouse.q);
            aux = true;
        } else {
            have = false;
        }
        if (have) {
            s->obuf = b;
            s->status |= STAT_OBF;
            s->status = aux ? s->status | STAT_AUX_OBF
                            : s->status & ~STAT_AUX_OBF;
        }
    }
    i8042_update_irq(s);
}

static void i8042_reply(I8042State *s, uint8_t b)
{
    ps2_queue_push(&s->reply_kbd, b);
    i8042_update(s);
}

static void i8042_set_outport(I8042State *s, uint8_t v)
{
    s->outport = v;
    qemu_set_irq(s->a20_out, !!(v & OUT_A20));
    if (!(v & OUT_RESET)) {
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    }
}

static uint8_t i8042_read_outport(I8042State *s)
{
    uint8_t v = s->outport & ~(OUT_KBD_OBF | OUT_AUX_OBF);

    if (s->status & STAT_OBF) {
        v |= (s->status & STAT_AUX_OBF) ? OUT_AUX_OBF : OUT_KBD_OBF;
    }
    return v;
}

static void i8042_write_command(I8042State *s, uint8_t cmd)
{
    s->status |= STAT_CMD;
    s->pending = 0;

    switch (cmd) {
    case 0x20 ... 0x3f:             /* read controller RAM */
        i8042_reply(s, s->ram[cmd & 0x1f]);
        return;
    case 0x60 ... 0x7f:             /* write controller RAM: data follows */
    case 0xd1:                      /* write output port */
    case 0xd2:                      /* write keyboard output buffer */
    case 0xd3:                      /* write aux output buffer */
    case 0xd4:                      /* write to aux device */
        s->pending = cmd;
        return;
    case 0xa7:
        *ccb(s) |= CCB_AUX_OFF;
        break;
    case 0xa8:
        *ccb(s) &= ~CCB_AUX_OFF;
        break;
    case 0xa9:                      /* aux interface test: OK */
    case 0xab:                      /* keyboard interface test: OK */
        i8042_reply(s, 0x00);
        return;
    case 0xaa:                      /* self test */
        s->status |= STAT_SYS;
        i8042_reply(s, 0x55);
        return;
    case 0xad:
        *ccb(s) |= CCB_KBD_OFF;
        break;
    case 0xae:
        *ccb(s) &= ~CCB_KBD_OFF;
        break;
    case 0xc0:                      /* input port: keyboard not inhibited */
        i8042_reply(s, 0x80);
        return;
    case 0xd0:
        i8042_reply(s, i8042_read_outport(s));
        return;
    case 0xdd:
        i8042_set_outport(s, s->outport & ~OUT_A20);
        break;
    case 0xdf:
        i8042_set_outport(s, s->outport | OUT_A20);
        break;
    case 0xe0:                      /* test inputs */
        i8042_reply(s, 0x00);
        return;
    case 0xf0 ... 0xff:
        /* Pulse the output port bits whose command bit is 0; bit 0 is
         * the CPU reset line. */
        if (!(cmd & 1)) {
            qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        }
        break;
    default:
        kemu_log_mask(LOG_UNIMP, "i8042: unsupported command 0x%02x\n", cmd);
        break;
    }
    i8042_update(s);
}

static void i8042_write_data(I8042State *s, uint8_t v)
{
    uint8_t cmd = s->pending;

    s->status &= ~STAT_CMD;
    s->pending = 0;
    switch (cmd) {
    case 0:
        /* Talking to the keyboard enables its interface again. */
        *ccb(s) &= ~CCB_KBD_OFF;
        ps2_kbd_write(&s->kbd, v);
        break;
    case 0x60:
        *ccb(s) = v;
        s->status = (s->status & ~STAT_SYS) | (v & CCB_SYS);
        break;
    case 0x61 ... 0x7f:
        s->ram[cmd & 0x1f] = v;
        break;
    case 0xd1:
        i8042_set_outport(s, v);
        break;
    case 0xd2:
        ps2_queue_push(&s->reply_kbd, v);
        break;
    case 0xd3:
        ps2_queue_push(&s->reply_aux, v);
        break;
    case 0xd4:
        *ccb(s) &= ~CCB_AUX_OFF;
        ps2_mouse_write(&s->mouse, v);
        break;
    }
    i8042_update(s);
}

static uint64_t i8042_data_read(void *opaque, hwaddr addr, unsigned size)
{
    I8042State *s = opaque;
    uint8_t v = s->obuf;     /* an empty buffer repeats the last byte */

    s->status &= ~(STAT_OBF | STAT_AUX_OBF);
    ps2_mouse_flush(&s->mouse);     /* movement waiting for queue room */
    i8042_update(s);
    return v;
}

static void i8042_data_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    i8042_write_data(opaque, val);
}

static uint64_t i8042_cmd_read(void *opaque, hwaddr addr, unsigned size)
{
    return ((I8042State *)opaque)->status;
}

static void i8042_cmd_write(void *opaque, hwaddr addr, uint64_t val,
                            unsigned size)
{
    i8042_write_command(opaque, val);
}

static const MemoryRegionOps i8042_data_ops = {
    .read = i8042_data_read,
    .write = i8042_data_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

static const MemoryRegionOps i8042_cmd_ops = {
    .read = i8042_cmd_read,
    .write = i8042_cmd_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

/* Keys from a UI (set 2 bytes); the board or console layer calls this. */
void i8042_put_kbd_scancode(DeviceState *dev, const uint8_t *codes, int n)
{
    I8042State *s = I8042(dev);

    ps2_kbd_put_scancode(&s->kbd, codes, n);
    i8042_update(s);
}

static void i8042_kbd_event(DeviceState *dev, const InputEvent *evt)
{
    I8042State *s = I8042(dev);

    ps2_kbd_put_qnum(&s->kbd, qemu_input_qcode_to_qnum(evt->key.qcode),
                     evt->key.down);
    i8042_update(s);
}

static const QemuInputHandler i8042_kbd_handler = {
    .name = "QEMU PS/2 Keyboard",
    .mask = INPUT_EVENT_MASK_KEY,
    .event = i8042_kbd_event,
};

static void i8042_mouse_event(DeviceState *dev, const InputEvent *evt)
{
    static const uint8_t bits[INPUT_BUTTON_MAX] = {
        [INPUT_BUTTON_LEFT] = 0x01, [INPUT_BUTTON_RIGHT] = 0x02,
        [INPUT_BUTTON_MIDDLE] = 0x04, [INPUT_BUTTON_SIDE] = 0x08,
        [INPUT_BUTTON_EXTRA] = 0x10,
    };
    PS2MouseState *m = &I8042(dev)->mouse;

    switch (evt->kind) {
    case INPUT_EVENT_KIND_REL:
        ps2_mouse_move(m, evt->move.axis == INPUT_AXIS_X ? evt->move.value : 0,
                       evt->move.axis == INPUT_AXIS_Y ? evt->move.value : 0,
                       0);
        break;
    case INPUT_EVENT_KIND_BTN:
        /* The wheel is a button press per notch; a release says nothing. */
        if (evt->btn.button == INPUT_BUTTON_WHEEL_UP && evt->btn.down) {
            ps2_mouse_move(m, 0, 0, -1);
        } else if (evt->btn.button == INPUT_BUTTON_WHEEL_DOWN &&
                   evt->btn.down) {
            ps2_mouse_move(m, 0, 0, 1);
        } else if (evt->btn.button < INPUT_BUTTON_MAX &&
                   bits[evt->btn.button]) {
            ps2_mouse_set_button(m, bits[evt->btn.button], evt->btn.down);
        }
        break;
    default:
        break;
    }
}

static void i8042_mouse_sync(DeviceState *dev)
{
    I8042State *s = I8042(dev);

    ps2_mouse_flush(&s->mouse);
    i8042_update(s);
}

static const QemuInputHandler i8042_mouse_handler = {
    .name = "QEMU PS/2 Mouse",
    .mask = INPUT_EVENT_MASK_BTN | INPUT_EVENT_MASK_REL,
    .event = i8042_mouse_event,
    .sync = i8042_mouse_sync,
};

static void i8042_reset(DeviceState *dev);

static void i8042_init(Object *obj)
{
    qdev_init_gpio_out_named(DEVICE(obj), &I8042(obj)->a20_out, "a20", 1);
}

static bool i8042_realize(DeviceState *dev, Error **errp)
{
    I8042State *s = I8042(dev);

    if (s->kbd_irq_num >= ISA_NUM_IRQS || s->mouse_irq_num >= ISA_NUM_IRQS) {
        error_setg(errp, "Maximum value for \"kbd-irq\" and \"mouse-irq\" "
                   "is: %d", ISA_NUM_IRQS - 1);
        return false;
    }
    s->kbd_irq = isa_get_irq(ISA_DEVICE(dev), s->kbd_irq_num);
    s->mouse_irq = isa_get_irq(ISA_DEVICE(dev), s->mouse_irq_num);
    memory_region_init_io(&s->io_data, OBJECT(dev), &i8042_data_ops, s,
                          "i8042-data", 1);
    memory_region_init_io(&s->io_cmd, OBJECT(dev), &i8042_cmd_ops, s,
                          "i8042-cmd", 1);
    isa_register_ioport(ISA_DEVICE(dev), &s->io_data, 0x60);
    isa_register_ioport(ISA_DEVICE(dev), &s->io_cmd, 0x64);
    i8042_reset(dev);       /* usable before the first machine reset */
    s->kbd_input = qemu_input_handler_register(dev, &i8042_kbd_handler);
    s->mouse_input = qemu_input_handler_register(dev, &i8042_mouse_handler);
    return true;
}

static void i8042_unrealize(DeviceState *dev)
{
    I8042State *s = I8042(dev);
    MemoryRegion *mrs[] = { &s->io_data, &s->io_cmd };

    qemu_input_handler_unregister(s->kbd_input);
    qemu_input_handler_unregister(s->mouse_input);
    s->kbd_input = s->mouse_input = NULL;

    for (size_t i = 0; i < ARRAY_SIZE(mrs); i++) {
        if (mrs[i]->container) {
            memory_region_del_subregion(mrs[i]->container, mrs[i]);
        }
        memory_region_destroy(mrs[i]);
    }
}

static void i8042_reset(DeviceState *dev)
{
    I8042State *s = I8042(dev);

    memset(s->ram, 0, sizeof(s->ram));
    *ccb(s) = CCB_KBD_INT | CCB_AUX_INT;
    s->status = STAT_CMD | STAT_UNLOCKED;
    s->outport = 0xcf;       /* reset line high, A20 on, clock/data high */
    s->obuf = 0;
    s->pending = 0;
    s->xlate_break = false;
    s->reply_kbd.rptr = s->reply_kbd.count = 0;
    s->reply_aux.rptr = s->reply_aux.count = 0;
    ps2_kbd_reset(&s->kbd);
    ps2_mouse_reset(&s->mouse);
    qemu_set_irq(s->a20_out, 1);
    i8042_update_irq(s);
}

static const StateField i8042_fields[] = {
    STATE_UINT8_ARRAY(ram, I8042State, 32),
    STATE_UINT8(status, I8042State),
    STATE_UINT8(outport, I8042State),
    STATE_UINT8(obuf, I8042State),
    STATE_UINT8(pending, I8042State),
    STATE_BOOL(xlate_break, I8042State),
    STATE_UINT8_ARRAY(reply_kbd.data, I8042State, PS2_QUEUE_SIZE),
    STATE_UINT8(reply_kbd.rptr, I8042State),
    STATE_UINT8(reply_kbd.count, I8042State),
    STATE_UINT8_ARRAY(reply_aux.data, I8042State, PS2_QUEUE_SIZE),
    STATE_UINT8(reply_aux.rptr, I8042State),
    STATE_UINT8(reply_aux.count, I8042State),
    STATE_STRUCT_ARRAY(kbd, I8042State, 1, PS2KbdState, &ps2_kbd_state_desc),
    STATE_STRUCT_ARRAY(mouse, I8042State, 1, PS2MouseState,
                       &ps2_mouse_state_desc),
    STATE_END
};

static const StateDesc i8042_state = {
    .name = "pckbd", .version = 1, .fields = i8042_fields,
};

static const Property i8042_props[] = {
    DEFINE_PROP_BOOL("extended-state", I8042State, extended_state, true),
    DEFINE_PROP_BOOL("kbd-throttle", I8042State, kbd_throttle, false),
    DEFINE_PROP_UINT8("kbd-irq", I8042State, kbd_irq_num, 1),
    DEFINE_PROP_UINT8("mouse-irq", I8042State, mouse_irq_num, 12),
    DEFINE_PROP_END,
};

static void i8042_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "8042 keyboard controller with PS/2 keyboard and mouse";
    dc->category = "input";
    dc->bus_type = TYPE_ISA_BUS;
    dc->user_creatable = true;
    dc->realize = i8042_realize;
    dc->unrealize = i8042_unrealize;
    dc->reset = i8042_reset;
    dc->state = &i8042_state;
    device_class_set_props(dc, i8042_props);
}

static const TypeInfo i8042_types[] = {
    {
        .name = TYPE_I8042,
        .parent = TYPE_ISA_DEVICE,
        .instance_size = sizeof(I8042State),
        .instance_init = i8042_init,
        .class_init = i8042_class_init,
    },
};
DEFINE_TYPES(i8042_types)
