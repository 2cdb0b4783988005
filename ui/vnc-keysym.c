/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * X keysyms (X11 keysymdef.h values, which RFB key events carry) to
 * qcodes for a US keyboard layout: a shifted character maps to the key
 * that produces it, since the client sends Shift itself.
 */
#include "ui/vnc-internal.h"
#include "ui/input.h"

typedef struct KeysymMap {
    uint32_t keysym;
    const char *qcode;
} KeysymMap;

static const KeysymMap special[] = {
    { 0xff08, "backspace" }, { 0xff09, "tab" }, { 0xff0d, "ret" },
    { 0xff13, "pause" }, { 0xff14, "scroll_lock" }, { 0xff15, "sysrq" },
    { 0xff1b, "esc" }, { 0xff50, "home" }, { 0xff51, "left" },
    { 0xff52, "up" }, { 0xff53, "right" }, { 0xff54, "down" },
    { 0xff55, "pgup" }, { 0xff56, "pgdn" }, { 0xff57, "end" },
    { 0xff61, "print" }, { 0xff63, "insert" }, { 0xff67, "menu" },
    { 0xff7f, "num_lock" }, { 0xff8d, "kp_enter" },
    { 0xff95, "kp_7" }, { 0xff96, "kp_4" }, { 0xff97, "kp_8" },
    { 0xff98, "kp_6" }, { 0xff99, "kp_2" }, { 0xff9a, "kp_9" },
    { 0xff9b, "kp_3" }, { 0xff9c, "kp_1" }, { 0xff9d, "kp_5" },
    { 0xff9e, "kp_0" }, { 0xff9f, "kp_decimal" },
    { 0xffaa, "kp_multiply" }, { 0xffab, "kp_add" },
    { 0xffad, "kp_subtract" }, { 0xffae, "kp_decimal" },
    { 0xffaf, "kp_divide" },
    { 0xffe1, "shift" }, { 0xffe2, "shift_r" }, { 0xffe3, "ctrl" },
    { 0xffe4, "ctrl_r" }, { 0xffe5, "caps_lock" }, { 0xffe7, "meta_l" },
    { 0xffe8, "meta_r" }, { 0xffe9, "alt" }, { 0xffea, "alt_r" },
    { 0xffeb, "meta_l" }, { 0xffec, "meta_r" }, { 0xfe03, "alt_r" },
    { 0xffff, "delete" },
};

/* Printable ASCII 0x20-0x7e: the key that types it. */
static const char *const ascii[95] = {
    "spc", "1", "apostrophe", "3", "4", "5", "7", "apostrophe",
    "9", "0", "8", "equal", "comma", "minus", "dot", "slash",
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
    "semicolon", "semicolon", "comma", "equal", "dot", "slash", "2",
    "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m",
    "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z",
    "bracket_left", "backslash", "bracket_right", "6", "minus",
    "grave_accent",
    "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m",
    "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z",
    "bracket_left", "backslash", "bracket_right", "grave_accent",
};

int vnc_keysym_to_qcode(uint32_t keysym)
{
    const char *name = NULL;

    if (keysym >= 0x20 && keysym <= 0x7e) {
        name = ascii[keysym - 0x20];
    } else if (keysym >= 0xffbe && keysym <= 0xffc9) {
        static const char *const fkeys[12] = {
            "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10",
            "f11", "f12",
        };
        name = fkeys[keysym - 0xffbe];
    } else if (keysym >= 0xffb0 && keysym <= 0xffb9) {
        static const char *const kp[10] = {
            "kp_0", "kp_1", "kp_2", "kp_3", "kp_4", "kp_5", "kp_6", "kp_7",
            "kp_8", "kp_9",
        };
        name = kp[keysym - 0xffb0];
    } else {
        for (size_t i = 0; i < ARRAY_SIZE(special); i++) {
            if (special[i].keysym == keysym) {
                name = special[i].qcode;
                break;
            }
        }
    }
    if (!name) {
        return Q_KEY_CODE_UNMAPPED;
    }
    return MAX(qemu_input_qcode_from_name(name), Q_KEY_CODE_UNMAPPED);
}
