/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PS/2 keyboard and mouse command sets (IBM PS/2 Technical Reference).
 * Every command is acknowledged with 0xfa; an unknown one gets 0xfe
 * (resend). Commands with a parameter remember themselves until the
 * parameter byte arrives. Keys arrive as qnums (set 1 numbers) and leave
 * in the set the guest chose; the mouse reports in stream or remote mode,
 * with 2:1 scaling and the IntelliMouse wheel (ids 3 and 4) once the
 * guest knocks with the sample-rate sequences 200,100,80 / 200,200,80.
 */
#include "util/osdep.h"
#include "hw/input/ps2.h"
#include "ui/input.h"


#define PS2_ACK     0xfa
#define PS2_RESEND  0xfe
#define PS2_BAT_OK  0xaa
#define PS2_ECHO    0xee

/* Scan code set 2 -> set 1, as the 8042's translation does it. */
const uint8_t ps2_set2_to_set1[128] = {
    0xff, 0x43, 0x41, 0x3f, 0x3d, 0x3b, 0x3c, 0x58,
    0x64, 0x44, 0x42, 0x40, 0x3e, 0x0f, 0x29, 0x59,
    0x65, 0x38, 0x2a, 0x70, 0x1d, 0x10, 0x02, 0x5a,
    0x66, 0x71, 0x2c, 0x1f, 0x1e, 0x11, 0x03, 0x5b,
    0x67, 0x2e, 0x2d, 0x20, 0x12, 0x05, 0x04, 0x5c,
    0x68, 0x39, 0x2f, 0x21, 0x14, 0x13, 0x06, 0x5d,
    0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5e,
    0x6a, 0x72, 0x32, 0x24, 0x16, 0x08, 0x09, 0x5f,
    0x6b, 0x33, 0x25, 0x17, 0x18, 0x0b, 0x0a, 0x60,
    0x6c, 0x34, 0x35, 0x26, 0x27, 0x19, 0x0c, 0x61,
    0x6d, 0x73, 0x28, 0x74, 0x1a, 0x0d, 0x62, 0x6e,
    0x3a, 0x36, 0x1c, 0x1b, 0x75, 0x2b, 0x63, 0x76,
    0x55, 0x56, 0x77, 0x78, 0x79, 0x7a, 0x0e, 0x7b,
    0x7c, 0x4f, 0x7d, 0x4b, 0x47, 0x7e, 0x7f, 0x6f,
    0x52, 0x53, 0x50, 0x4c, 0x4d, 0x48, 0x01, 0x45,
    0x57, 0x4e, 0x51, 0x4a, 0x37, 0x49, 0x46, 0x54,
};

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

/* Set 1 make code -> set 2, the inverse of the 8042's table. */
static uint8_t set1_to_set2(uint8_t code)
{
    static uint8_t inv[128];
    static bool ready;

    if (!ready) {
        for (int i = 1; i < 128; i++) {
            if (ps2_set2_to_set1[i] < 128 && !inv[ps2_set2_to_set1[i]]) {
                inv[ps2_set2_to_set1[i]] = i;
            }
        }
        inv[0x41] = 0x83;       /* F7 is the one set 2 code above 0x7f */
        ready = true;
    }
    return inv[code & 0x7f];
}

void ps2_kbd_put_qnum(PS2KbdState *s, int qnum, bool down)
{
    uint8_t buf[8];
    int n = 0;
    bool ext = qnum & 0x80;
    uint8_t code = qnum & 0x7f;

    if (qnum <= 0 || qnum > 0xff) {
        return;
    }
    if (s->scan_set == 1) {
        if (qnum == QNUM_PAUSE) {
            static const uint8_t pause1[] = { 0xe1, 0x1d, 0x45,
                                              0xe1, 0x9d, 0xc5 };
            if (down) {
                ps2_kbd_put_scancode(s, pause1, sizeof(pause1));
            }
            return;
        }
        if (ext) {
            buf[n++] = 0xe0;
        }
        buf[n++] = code | (down ? 0 : 0x80);
    } else {
        /* Sets 2 and 3 share codes for the keys a PC guest uses. */
        uint8_t c2 = set1_to_set2(code);
        if (qnum == QNUM_PAUSE) {
            static const uint8_t pause2[] = { 0xe1, 0x14, 0x77, 0xe1,
                                              0xf0, 0x14, 0xf0, 0x77 };
            if (down) {
                ps2_kbd_put_scancode(s, pause2, sizeof(pause2));
            }
            return;
        }
        if (!c2) {
            return;
        }
        if (ext) {
            buf[n++] = 0xe0;
        }
        if (!down) {
            buf[n++] = 0xf0;
        }
        buf[n++] = c2;
    }
    ps2_kbd_put_scancode(s, buf, n);
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
    s->dx = s->dy = s->dz = 0;
    s->buttons_changed = false;
    s->type = 0;
    memset(s->rate_hist, 0, sizeof(s->rate_hist));
}

/* Defaults without forgetting the wheel, as "set defaults" (0xf6) does. */
static void ps2_mouse_defaults(PS2MouseState *s)
{
    uint8_t type = s->type;

    ps2_mouse_reset(s);
    s->type = type;
}

static void ps2_mouse_rate_knock(PS2MouseState *s, uint8_t rate)
{
    s->rate_hist[0] = s->rate_hist[1];
    s->rate_hist[1] = s->rate_hist[2];
    s->rate_hist[2] = rate;
    if (s->rate_hist[0] == 200 && s->rate_hist[2] == 80) {
        if (s->rate_hist[1] == 100 && s->type == 0) {
            s->type = 3;
        } else if (s->rate_hist[1] == 200 && s->type == 3) {
            s->type = 4;
        }
    }
}

static int scale21(int d)
{
    static const int small[6] = { 0, 1, 1, 3, 6, 9 };
    int a = d < 0 ? -d : d;
    int r = a < 6 ? small[a] : 2 * a;

    return d < 0 ? -r : r;
}

/* One movement packet from what is pending; consumes what it reports. */
static void ps2_mouse_packet(PS2MouseState *s)
{
    int dx = CLAMP(s->dx, -256, 255), dy = CLAMP(s->dy, -256, 255);
    int dz = CLAMP(s->dz, -8, 7);
    int px = dx, py = dy;
    uint8_t b0;

    if ((s->status & 0x10) && !(s->status & 0x40)) {
        px = CLAMP(scale21(dx), -256, 255);
        py = CLAMP(scale21(dy), -256, 255);
    }
    b0 = 0x08 | (s->buttons & 7) | (px < 0 ? 0x10 : 0) | (py < 0 ? 0x20 : 0);
    ps2_queue_push(&s->q, b0);
    ps2_queue_push(&s->q, px & 0xff);
    ps2_queue_push(&s->q, py & 0xff);
    if (s->type == 3) {
        ps2_queue_push(&s->q, dz & 0xff);
    } else if (s->type == 4) {
        ps2_queue_push(&s->q, (dz & 0x0f) | ((s->buttons & 0x18) << 1));
    }
    s->dx -= dx;
    s->dy -= dy;
    s->dz = s->type ? s->dz - dz : 0;
    s->buttons_changed = false;
}

static unsigned ps2_mouse_packet_size(PS2MouseState *s)
{
    return s->type ? 4 : 3;
}

void ps2_mouse_move(PS2MouseState *s, int dx, int dy, int dz)
{
    /* Bounded so a flood of input cannot overflow the counters. */
    s->dx = CLAMP((int64_t)s->dx + dx, -65536, 65536);
    s->dy = CLAMP((int64_t)s->dy - dy, -65536, 65536);
    s->dz = CLAMP((int64_t)s->dz + dz, -65536, 65536);
}

void ps2_mouse_set_button(PS2MouseState *s, unsigned bit, bool down)
{
    uint8_t old = s->buttons;

    s->buttons = down ? s->buttons | bit : s->buttons & ~bit;
    s->buttons_changed |= old != s->buttons;
}

void ps2_mouse_flush(PS2MouseState *s)
{
    /* Stream mode with reporting on; remote mode waits for 0xeb. */
    if (!(s->status & 0x20) || (s->status & 0x40) || s->wrap) {
        return;
    }
    while ((s->dx || s->dy || (s->dz && s->type) || s->buttons_changed) &&
           PS2_QUEUE_SIZE - s->q.count >= ps2_mouse_packet_size(s)) {
        ps2_mouse_packet(s);
    }
}

void ps2_mouse_write(PS2MouseState *s, uint8_t b)
{
    if (s->pending_cmd) {
        uint8_t cmd = s->pending_cmd;
        s->pending_cmd = 0;
        if (cmd == 0xf3) {
            s->sample_rate = b;
            ps2_mouse_rate_knock(s, b);
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
    case 0xeb:                      /* read data: one packet, even empty */
        ps2_queue_push(&s->q, PS2_ACK);
        ps2_mouse_packet(s);
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
    case 0xf2:                      /* device id: 0, 3 or 4 */
        ps2_queue_push(&s->q, PS2_ACK);
        ps2_queue_push(&s->q, s->type);
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
        ps2_mouse_defaults(s);
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
    STATE_INT32(dx, PS2MouseState),
    STATE_INT32(dy, PS2MouseState),
    STATE_INT32(dz, PS2MouseState),
    STATE_UINT8(buttons, PS2MouseState),
    STATE_BOOL(buttons_changed, PS2MouseState),
    STATE_UINT8(type, PS2MouseState),
    STATE_UINT8_ARRAY(rate_hist, PS2MouseState, 3),
    STATE_END
};
const StateDesc ps2_mouse_state_desc = {
    .name = "ps2mouse", .version = 2, .fields = ps2_mouse_fields,
};
