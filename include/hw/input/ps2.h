/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PS/2 keyboard and mouse as seen from the 8042 controller: each device
 * takes command bytes and answers into its own queue, which the
 * controller drains into its output buffer. Keys from a UI enter with
 * ps2_kbd_put_scancode (scan code set 2 bytes; the controller translates
 * to set 1 when its command byte asks for it).
 */
#ifndef KEMU_HW_INPUT_PS2_H
#define KEMU_HW_INPUT_PS2_H

#include "migration/statedesc.h"

#define PS2_QUEUE_SIZE 64

typedef struct PS2Queue {
    uint8_t data[PS2_QUEUE_SIZE];
    uint8_t rptr, count;
} PS2Queue;

typedef struct PS2KbdState {
    PS2Queue q;
    uint8_t pending_cmd;     /* command waiting for its parameter, or 0 */
    uint8_t scan_set;        /* 1..3; only set 2 is generated */
    uint8_t leds;
    bool scan_enabled;
} PS2KbdState;

typedef struct PS2MouseState {
    PS2Queue q;
    uint8_t pending_cmd;
    uint8_t status;          /* bit 5 enabled, bit 6 remote, bit 4 scaling */
    uint8_t resolution;
    uint8_t sample_rate;
    bool wrap;
    /* Movement not reported yet (PS/2 y grows upwards) and buttons. */
    int32_t dx, dy, dz;
    uint8_t buttons;         /* bit 0 left, 1 right, 2 middle, 3 side, 4 extra */
    bool buttons_changed;
    uint8_t type;            /* device id: 0, 3 (IntelliMouse), 4 (Explorer) */
    uint8_t rate_hist[3];    /* last sample rates: the wheel unlock knock */
} PS2MouseState;

extern const StateDesc ps2_kbd_state_desc;
/* The 8042's translation of scan code set 2 to set 1 (bytes < 0x80). */
extern const uint8_t ps2_set2_to_set1[128];
extern const StateDesc ps2_mouse_state_desc;

bool ps2_queue_empty(const PS2Queue *q);
uint8_t ps2_queue_pop(PS2Queue *q);
void ps2_queue_push(PS2Queue *q, uint8_t b);

void ps2_kbd_reset(PS2KbdState *s);
void ps2_kbd_write(PS2KbdState *s, uint8_t b);
void ps2_kbd_put_scancode(PS2KbdState *s, const uint8_t *codes, int n);
/* A key press or release by its qnum (ui/input.h), in the keyboard's
 * current scan code set. */
void ps2_kbd_put_qnum(PS2KbdState *s, int qnum, bool down);

void ps2_mouse_reset(PS2MouseState *s);
void ps2_mouse_write(PS2MouseState *s, uint8_t b);
/* Pointer input: accumulated, then reported by ps2_mouse_flush() as
 * stream packets when reporting is on (dy > 0 is down on the screen). */
void ps2_mouse_move(PS2MouseState *s, int dx, int dy, int dz);
void ps2_mouse_set_button(PS2MouseState *s, unsigned bit, bool down);
void ps2_mouse_flush(PS2MouseState *s);

#endif
