/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the command line hands to the board: the backends of the serial
 * ports and the debug console, the VM's name and UUID. Filled in by vl
 * before the machine's init runs.
 */
#ifndef KEMU_SYSEMU_H
#define KEMU_SYSEMU_H

#include "chardev/char.h"

#define MAX_SERIAL_PORTS 4

/* Backend of COM(i+1) ("-serial", or the default), NULL for none. */
Chardev *serial_hd(int i);
/* Backend given with -debugcon (label "debugcon"), or NULL. */
Chardev *debugcon_hd(void);

/* -name guest=NAME (NULL when not given). */
extern const char *qemu_name;
/* -uuid; all zero when not given. */
extern uint8_t qemu_uuid[16];
extern bool qemu_uuid_set;

#endif
