/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The 8042 keyboard controller ("i8042", ports 0x60/0x64, IRQ 1 and 12). */
#ifndef KEMU_HW_INPUT_I8042_H
#define KEMU_HW_INPUT_I8042_H

#include "hw/qdev.h"

#define TYPE_I8042 "i8042"

/* Keys from a UI, as scan code set 2 bytes (the controller translates). */
void i8042_put_kbd_scancode(DeviceState *i8042, const uint8_t *codes, int n);

#endif
