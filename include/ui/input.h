/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Input: the one place where key and pointer events from front ends (VNC,
 * SDL, the monitor's sendkey/mouse_move/input-send-event) reach the
 * guest's devices.
 *
 * Keys are QEMU "qcodes" (QKeyCode names such as "a", "ctrl_r", "f1");
 * devices that speak PC scan codes turn them into "qnum" numbers (scan
 * code set 1, 0x80 added for 0xe0-prefixed keys) with
 * qemu_input_qcode_to_qnum(). A device registers a handler with the
 * event kinds it takes; the newest handler for a kind gets its events, as
 * in QEMU (a tablet added after the PS/2 mouse takes the pointer).
 * Events of one report are queued and delivered at qemu_input_event_sync().
 */
#ifndef KEMU_UI_INPUT_H
#define KEMU_UI_INPUT_H

#include "util/osdep.h"
#include "util/error.h"

typedef struct DeviceState DeviceState;

typedef enum InputEventKind {
    INPUT_EVENT_KIND_KEY,
    INPUT_EVENT_KIND_BTN,
    INPUT_EVENT_KIND_REL,
    INPUT_EVENT_KIND_ABS,
    INPUT_EVENT_KIND_MAX,
} InputEventKind;

#define INPUT_EVENT_MASK_KEY (1u << INPUT_EVENT_KIND_KEY)
#define INPUT_EVENT_MASK_BTN (1u << INPUT_EVENT_KIND_BTN)
#define INPUT_EVENT_MASK_REL (1u << INPUT_EVENT_KIND_REL)
#define INPUT_EVENT_MASK_ABS (1u << INPUT_EVENT_KIND_ABS)

typedef enum InputButton {
    INPUT_BUTTON_LEFT,
    INPUT_BUTTON_MIDDLE,
    INPUT_BUTTON_RIGHT,
    INPUT_BUTTON_WHEEL_UP,
    INPUT_BUTTON_WHEEL_DOWN,
    INPUT_BUTTON_SIDE,
    INPUT_BUTTON_EXTRA,
    INPUT_BUTTON_WHEEL_LEFT,
    INPUT_BUTTON_WHEEL_RIGHT,
    INPUT_BUTTON_MAX,
} InputButton;

typedef enum InputAxis {
    INPUT_AXIS_X,
    INPUT_AXIS_Y,
    INPUT_AXIS_MAX,
} InputAxis;

/* Absolute coordinates are scaled to 0..INPUT_EVENT_ABS_MAX. */
#define INPUT_EVENT_ABS_MAX 0x7fff

typedef struct InputEvent {
    InputEventKind kind;
    union {
        struct { int qcode; bool down; } key;
        struct { InputButton button; bool down; } btn;
        struct { InputAxis axis; int64_t value; } move;   /* rel and abs */
    };
} InputEvent;

typedef struct QemuInputHandler {
    const char *name;
    uint32_t mask;
    void (*event)(DeviceState *dev, const InputEvent *evt);
    void (*sync)(DeviceState *dev);     /* end of one report; may be NULL */
} QemuInputHandler;

typedef struct QemuInputHandlerState QemuInputHandlerState;

QemuInputHandlerState *qemu_input_handler_register(DeviceState *dev,
                                                   const QemuInputHandler *h);
void qemu_input_handler_unregister(QemuInputHandlerState *s);
/* Whether some handler takes absolute pointer events (a tablet). */
bool qemu_input_is_absolute(void);

void qemu_input_event_send(const InputEvent *evt);
void qemu_input_event_send_key_qcode(int qcode, bool down);
void qemu_input_queue_btn(InputButton btn, bool down);
void qemu_input_queue_rel(InputAxis axis, int64_t value);
void qemu_input_queue_abs(InputAxis axis, int64_t value, int64_t min,
                          int64_t max);
void qemu_input_event_sync(void);
/* Presses/releases the buttons whose state changed between masks. */
void qemu_input_update_buttons(uint32_t *state, uint32_t new_state);

/* ---- key codes (ui/keycodes.c) ---- */
#define Q_KEY_CODE_UNMAPPED 0
int qemu_input_qcode_count(void);
/* -1 if the name is not a qcode. */
int qemu_input_qcode_from_name(const char *name);
const char *qemu_input_qcode_name(int qcode);
/* 0 if the key has no PC scan code. */
int qemu_input_qcode_to_qnum(int qcode);
/* Q_KEY_CODE_UNMAPPED if no key has that number. */
int qemu_input_qnum_to_qcode(int qnum);
/* qnum of the Pause key, which has no set 1 make/break pair. */
#define QNUM_PAUSE 0xc6

/* Input button names as QMP's InputButton enum spells them. */
const char *qemu_input_button_name(InputButton b);
int qemu_input_button_from_name(const char *name);
const char *qemu_input_axis_name(InputAxis a);
int qemu_input_axis_from_name(const char *name);

#endif
