/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PS/2 keyboard and mouse command sets (IBM PS/2 Technical Reference).
 * Every command is acknowledged with 0xfa; an unknown one gets 0xfe
 * (resend). Commands with a parameter remember themselves until the
 * parameter byte arrives. The mouse only answers: no pointer input yet.
 */
#include "util/osdep.h"
#include "hw/input/ps2.h"

#define PS2_ACK     0xfa
#define PS2_RESEND  0xfe
#define PS2_BAT_OK  0xaa
#define PS2_ECHO    0xee

bool ps2_queue_empty(const PS2Queue *q)
{
    return q->count == 0;
}

uint8_t ps2_queue_pop(PS2Queue *q)
{
    uint8_t b;

    if (!q->count) {
        return 0;
    }
    b = q->data[q->rptr];
    q->rptr = (q->rptr + 1) % PS2_QUEUE_SIZE;
    q->count--;
    return b;
}

void ps2_queue_push(PS2Queue *q, uint8_t b)
{
    if (q->count >= PS2_QUEUE_SIZE) {
        return;                     /* a real device would drop it too */
    }
    q->data[(q->rptr + q->count) % PS2_QUEUE_SIZE] = b;
    q->count++;
}

static void ps2_queue_clear(PS2Queue *q)
{
    q->rptr = q->count = 0;
}

/* ---- keyboard ---- */

void ps2_kbd_reset(PS2KbdState *s)
{
    ps2_queue_clear(&s->q);
    s->pending_cmd = 0;
    s->scan_set = 2;
    s->leds = 0;
    s->scan_enabled = true;
}

static void ps2_kbd_param(PS2KbdState *s, uint8_t cmd, uint8_t b)
{
    switch (cmd) {
    case 0xed:                      /* set LEDs */
        s->leds = b & 7;
        ps2_queue_push(&s->q, PS2_ACK);
        break;
    case 0xf3:                      /* typematic rate: accepted */
        ps2_queue_push(&s->q, PS2_ACK);
        break;
    case 0xf0:                      /* get/set scan code set */
        ps2_queue_push(&s->q, PS2_ACK);
        if (b == 0) {
            ps2_queue_push(&s->q, s->scan_set);
        } else if (b <= 3) {
            s->scan_set = b;
        }
        break;
    }
}

void ps2_kbd_write(PS2KbdState *s, uint8_t b)
{
    if (s->pending_cmd) {
        uint8_t cmd = s->pending_cmd;
        s->pending_cmd = 0;
        /* A command byte in place of a parameter starts a new command. */
        if (b < 0xed || cmd == 0xf3) {
            ps2_kbd_param(s, cmd, b);
            return;
        }
    }
    switch (b) {
    case 0xed:
    case 0xf3:
    case 0xf0:
        s->pending_cmd = b;
        ps2_queue_push(&s->q, PS2_ACK);
        break;
    case 0xee:
        ps2_queue_push(&s->q, PS2_ECHO);
        break;
    case 0xf2:                      /* identify: MF2 keyboard */
        ps2_queue_push(&s->q, PS2_ACK);
        ps2_queue_push(&s->q, 0xab);
        ps2_queue_push(&s->q, 0x83);
        break;
    case 0xf4:
        ps2_queue_clear(&s->q);
        s->scan_enabled = true;
        ps2_queue_push(&s->q, PS2_ACK);
        break;
    case 0xf5:                      /* disable: also restores defaults */
        ps2_queue_clear(&s->q);
        s->scan_enabled = false;
        s->scan_set = 2;
        ps2_queue_push(&s->q, PS2_ACK);
        break;
    case 0xf6:
        ps2_queue_clear(&s->q);
        s->scan_enabled = true;
        s->scan_set = 2;
        ps2_queue_push(&s->q, PS2_ACK);
        break;
    case 0xf7 ... 0xfd:             /* scan set 3 key types: accepted */
        ps2_queue_push(&s->q, PS2_ACK);
        break;
    case 0xfe:
        ps2_queue_push(&s->q, PS2_ACK);
        break;
    case 0xff:
        ps2_kbd_reset(s);
        ps2_queue_push(&s->q, PS2_ACK);
        ps2_queue_push(&s->q, PS2_BAT_OK);
        break;
    default:
        ps2_queue_push(&s->q, PS2_RESEND);
        break;
    }
}

void ps2_kbd_put_scancode(PS2KbdState *s, const uint8_t *codes, int n)
{
    if (!s->scan_enabled) {
        return;
    }
    for (int i = 0; i < n; i++) {
        ps2_queue_push(&s->q, codes[i]);
    }
}

/* ---- mouse ---- */

void ps2_mouse_reset(PS2MouseState *s)
{
    ps2_queue_clear(&s->q);
    s->pending_cmd = 0;
    s->status = 0;
    s->resolution = 2;
    s->sample_rate = 100;
    s->wrap = false;
}

void ps2_mouse_write(PS2MouseState *s, uint8_t b)
{
    if (s->pending_cmd) {
        uint8_t cmd = s->pending_cmd;
        s->pending_cmd = 0;
        if (cmd == 0xf3) {
            s->sample_rate = b;
        } else {
            s->resolution = b & 3;
        }
        ps2_queue_push(&s->q, PS2_ACK);
        return;
    }
    if (s->wrap && b != 0xec && b != 0xff) {
        ps2_queue_push(&s->q, b);   /* wrap mode echoes everything */
        return;
    }
    switch (b) {
    case 0xe6:
        s->status &= ~0x10;
        ps2_queue_push(&s->q, PS2_ACK);
        break;
    case 0xe7:
        s->status |= 0x10;
        ps2_queue_push(&s->q, PS2_ACK);
        break;
    case 0xe8:
    case 0xf3:
        s->pending_cmd = b;
        ps2_queue_push(&s->q, PS2_ACK);
        break;
    case 0xe9:                      /* status request */
        ps2_queue_push(&s->q, PS2_ACK);
        ps2_queue_push(&s->q, s->status);
        ps2_queue_push(&s->q, s->resolution);
        ps2_queue_push(&s->q, s->sample_rate);
        break;
    case 0xea:
        s->status &= ~0x40;
        ps2_queue_push(&s->q, PS2_ACK);
        break;
    case 0xeb:                      /* read data: no movement */
        ps2_queue_push(&s->q, PS2_ACK);
        ps2_queue_push(&s->q, 0x08);
        ps2_queue_push(&s->q, 0);
        ps2_queue_push(&s->q, 0);
        break;
    case 0xec:
        s->wrap = false;
        ps2_queue_push(&s->q, PS2_ACK);
        break;
    case 0xee:
        s->wrap = true;
        ps2_queue_push(&s->q, PS2_ACK);
        break;
    case 0xf0:
        s->status |= 0x40;
        ps2_queue_push(&s->q, PS2_ACK);
        break;
    case 0xf2:                      /* device id: standard mouse */
        ps2_queue_push(&s->q, PS2_ACK);
        ps2_queue_push(&s->q, 0x00);
        break;
    case 0xf4:
        s->status |= 0x20;
        ps2_queue_push(&s->q, PS2_ACK);
        break;
    case 0xf5:
        s->status &= ~0x20;
        ps2_queue_push(&s->q, PS2_ACK);
        break;
    case 0xf6:
        ps2_mouse_reset(s);
        ps2_queue_push(&s->q, PS2_ACK);
        break;
    case 0xff:
        ps2_mouse_reset(s);
        ps2_queue_push(&s->q, PS2_ACK);
        ps2_queue_push(&s->q, PS2_BAT_OK);
        ps2_queue_push(&s->q, 0x00);
        break;
    default:
        ps2_queue_push(&s->q, PS2_RESEND);
        break;
    }
}

/* ---- state ---- */

static const StateField ps2_kbd_fields[] = {
    STATE_UINT8_ARRAY(q.data, PS2KbdState, PS2_QUEUE_SIZE),
    STATE_UINT8(q.rptr, PS2KbdState),
    STATE_UINT8(q.count, PS2KbdState),
    STATE_UINT8(pending_cmd, PS2KbdState),
    STATE_UINT8(scan_set, PS2KbdState),
    STATE_UINT8(leds, PS2KbdState),
    STATE_BOOL(scan_enabled, PS2KbdState),
    STATE_END
};
const StateDesc ps2_kbd_state_desc = {
    .name = "ps2kbd", .version = 1, .fields = ps2_kbd_fields,
};

static const StateField ps2_mouse_fields[] = {
    STATE_UINT8_ARRAY(q.data, PS2MouseState, PS2_QUEUE_SIZE),
    STATE_UINT8(q.rptr, PS2MouseState),
    STATE_UINT8(q.count, PS2MouseState),
    STATE_UINT8(pending_cmd, PS2MouseState),
    STATE_UINT8(status, PS2MouseState),
    STATE_UINT8(resolution, PS2MouseState),
    STATE_UINT8(sample_rate, PS2MouseState),
    STATE_BOOL(wrap, PS2MouseState),
    STATE_END
};
const StateDesc ps2_mouse_state_desc = {
    .name = "ps2mouse", .version = 1, .fields = ps2_mouse_fields,
};
