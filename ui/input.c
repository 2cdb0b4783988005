/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Routing of input events to the device handlers (see ui/input.h). Runs
 * in the main loop with the BQL held, like the devices it calls.
 */
#include "ui/input.h"
#include "hw/qdev.h"

struct QemuInputHandlerState {
    DeviceState *dev;
    const QemuInputHandler *handler;
    uint64_t serial;            /* newer registrations win */
};

static GPtrArray *handlers;     /* QemuInputHandlerState* */
static uint64_t next_serial;
/* Handlers that got an event since the last sync. */
static GPtrArray *pending_sync;

QemuInputHandlerState *qemu_input_handler_register(DeviceState *dev,
                                                   const QemuInputHandler *h)
{
    QemuInputHandlerState *s = g_new0(QemuInputHandlerState, 1);

    if (!handlers) {
        handlers = g_ptr_array_new();
        pending_sync = g_ptr_array_new();
    }
    s->dev = dev;
    s->handler = h;
    s->serial = ++next_serial;
    g_ptr_array_add(handlers, s);
    return s;
}

void qemu_input_handler_unregister(QemuInputHandlerState *s)
{
    if (s) {
        g_ptr_array_remove(handlers, s);
        g_ptr_array_remove(pending_sync, s);
        g_free(s);
    }
}

static QemuInputHandlerState *find_handler(InputEventKind kind)
{
    QemuInputHandlerState *best = NULL;

    for (guint i = 0; handlers && i < handlers->len; i++) {
        QemuInputHandlerState *s = handlers->pdata[i];
        if ((s->handler->mask & (1u << kind)) &&
            (!best || s->serial > best->serial)) {
            best = s;
        }
    }
    return best;
}

bool qemu_input_is_absolute(void)
{
    QemuInputHandlerState *abs = find_handler(INPUT_EVENT_KIND_ABS);
    QemuInputHandlerState *rel = find_handler(INPUT_EVENT_KIND_REL);

    return abs && (!rel || abs->serial > rel->serial);
}

void qemu_input_event_send(const InputEvent *evt)
{
    InputEventKind kind = evt->kind;
    QemuInputHandlerState *s;

    /* Buttons go with whichever pointer is in charge. */
    if (kind == INPUT_EVENT_KIND_BTN) {
        s = find_handler(qemu_input_is_absolute() ? INPUT_EVENT_KIND_ABS
                                                  : INPUT_EVENT_KIND_REL);
        if (!s || !(s->handler->mask & INPUT_EVENT_MASK_BTN)) {
            s = find_handler(INPUT_EVENT_KIND_BTN);
        }
    } else {
        s = find_handler(kind);
    }
    if (!s) {
        return;
    }
    s->handler->event(s->dev, evt);
    if (!g_ptr_array_find(pending_sync, s, NULL)) {
        g_ptr_array_add(pending_sync, s);
    }
}

void qemu_input_event_sync(void)
{
    while (pending_sync && pending_sync->len) {
        QemuInputHandlerState *s = pending_sync->pdata[0];
        g_ptr_array_remove_index(pending_sync, 0);
        if (s->handler->sync) {
            s->handler->sync(s->dev);
        }
    }
}

void qemu_input_event_send_key_qcode(int qcode, bool down)
{
    InputEvent e = { .kind = INPUT_EVENT_KIND_KEY,
                     .key = { .qcode = qcode, .down = down } };

    qemu_input_event_send(&e);
}

void qemu_input_queue_btn(InputButton btn, bool down)
{
    InputEvent e = { .kind = INPUT_EVENT_KIND_BTN,
                     .btn = { .button = btn, .down = down } };

    qemu_input_event_send(&e);
}

void qemu_input_queue_rel(InputAxis axis, int64_t value)
{
    InputEvent e = { .kind = INPUT_EVENT_KIND_REL,
                     .move = { .axis = axis, .value = value } };

    qemu_input_event_send(&e);
}

void qemu_input_queue_abs(InputAxis axis, int64_t value, int64_t min,
                          int64_t max)
{
    InputEvent e = { .kind = INPUT_EVENT_KIND_ABS, .move = { .axis = axis } };

    if (max <= min) {
        e.move.value = 0;
    } else {
        value = CLAMP(value, min, max);
        e.move.value = (value - min) * INPUT_EVENT_ABS_MAX / (max - min);
    }
    qemu_input_event_send(&e);
}

void qemu_input_update_buttons(uint32_t *state, uint32_t new_state)
{
    for (int b = 0; b < INPUT_BUTTON_MAX; b++) {
        uint32_t bit = 1u << b;
        if ((*state ^ new_state) & bit) {
            qemu_input_queue_btn(b, new_state & bit);
        }
    }
    *state = new_state;
}
