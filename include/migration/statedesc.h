/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A device's state description: which fields of its struct make up the
 * guest-visible state. One description per device, next to its struct.
 * Migration and snapshots (later) save and load exactly these fields;
 * the monitor may print them. Host-side handles (fds, timers' existence,
 * pointers) are not state; a timer's deadline is, as an int64 field.
 *
 *   static const StateField serial_fields[] = {
 *       STATE_UINT8(ier, SerialState),
 *       STATE_UINT8_ARRAY(rx_fifo, SerialState, 16),
 *       STATE_END
 *   };
 *   static const StateDesc serial_state = {
 *       .name = "serial", .version = 1, .fields = serial_fields,
 *   };
 *   dc->state = &serial_state;
 */
#ifndef KEMU_STATEDESC_H
#define KEMU_STATEDESC_H

#include "util/error.h"

typedef struct StateDesc StateDesc;

typedef enum StateFieldKind {
    STATE_KIND_BYTES,   /* plain little-endian integers or byte arrays */
    STATE_KIND_BOOL,
    STATE_KIND_STRUCT,  /* nested description (array of count elements) */
} StateFieldKind;

typedef struct StateField {
    const char *name;
    StateFieldKind kind;
    size_t offset;
    size_t size;        /* of one element */
    unsigned count;     /* elements; 1 for scalars */
    const StateDesc *sub;   /* for STATE_KIND_STRUCT */
} StateField;

struct StateDesc {
    const char *name;
    int version;
    const StateField *fields;
    /* Hooks to derive host-side state after load, or prepare before save. */
    int (*pre_save)(void *opaque);
    int (*post_load)(void *opaque, int version);
};

#define STATE_FIELD_(_f, _s, _k, _sz, _n) \
    { .name = #_f, .kind = (_k), .offset = offsetof(_s, _f), \
      .size = (_sz), .count = (_n) }
#define STATE_BOOL(_f, _s)   STATE_FIELD_(_f, _s, STATE_KIND_BOOL, sizeof(bool), 1)
#define STATE_UINT8(_f, _s)  STATE_FIELD_(_f, _s, STATE_KIND_BYTES, 1, 1)
#define STATE_UINT16(_f, _s) STATE_FIELD_(_f, _s, STATE_KIND_BYTES, 2, 1)
#define STATE_UINT32(_f, _s) STATE_FIELD_(_f, _s, STATE_KIND_BYTES, 4, 1)
#define STATE_UINT64(_f, _s) STATE_FIELD_(_f, _s, STATE_KIND_BYTES, 8, 1)
#define STATE_INT32(_f, _s)  STATE_UINT32(_f, _s)
#define STATE_INT64(_f, _s)  STATE_UINT64(_f, _s)
#define STATE_UINT8_ARRAY(_f, _s, _n)  STATE_FIELD_(_f, _s, STATE_KIND_BYTES, 1, _n)
#define STATE_UINT16_ARRAY(_f, _s, _n) STATE_FIELD_(_f, _s, STATE_KIND_BYTES, 2, _n)
#define STATE_UINT32_ARRAY(_f, _s, _n) STATE_FIELD_(_f, _s, STATE_KIND_BYTES, 4, _n)
#define STATE_UINT64_ARRAY(_f, _s, _n) STATE_FIELD_(_f, _s, STATE_KIND_BYTES, 8, _n)
#define STATE_STRUCT_ARRAY(_f, _s, _n, _type, _desc) \
    { .name = #_f, .kind = STATE_KIND_STRUCT, .offset = offsetof(_s, _f), \
      .size = sizeof(_type), .count = (_n), .sub = (_desc) }
#define STATE_END { .name = NULL }

/* Serialise to / from a byte buffer (version-checked). */
GByteArray *state_save(const StateDesc *desc, const void *opaque);
bool state_load(const StateDesc *desc, void *opaque, const uint8_t *buf,
                size_t len, Error **errp);

#endif
