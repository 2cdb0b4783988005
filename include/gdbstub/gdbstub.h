/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The gdbstub: a GDB remote serial protocol server on a chardev
 * (-gdb DEV, -s, HMP gdbserver). See docs/devel/gdbstub.md.
 */
#ifndef KEMU_GDBSTUB_H
#define KEMU_GDBSTUB_H

#include "util/error.h"

#define GDBSTUB_DEFAULT_PORT 1234

/*
 * Start serving on DEV: "tcp:[HOST]:PORT" and "unix:PATH" (a server that
 * does not wait for its client is implied), "chardev:ID", or any legacy
 * chardev form; "none" stops the stub. A running stub is replaced.
 */
bool gdbserver_start(const char *dev, Error **errp);
/* Stop serving (the chardev the stub created is deleted). */
void gdbserver_stop(void);
bool gdbserver_running(void);

#endif
