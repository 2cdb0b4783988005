/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small line editor for the human monitor on a terminal: cursor
 * movement, backspace/delete, Ctrl-a/Ctrl-e/Ctrl-k/Ctrl-u, history with
 * up/down. Without echo (sockets, pipes) it just collects lines.
 */
#ifndef KEMU_READLINE_H
#define KEMU_READLINE_H

#include "util/osdep.h"

typedef struct ReadLineState ReadLineState;
typedef void ReadLineOutFunc(void *opaque, const char *s);
typedef void ReadLineDoneFunc(void *opaque, const char *line);

ReadLineState *readline_new(bool echo, ReadLineOutFunc *out,
                            ReadLineDoneFunc *done, void *opaque);
void readline_free(ReadLineState *rs);
/* Prints the prompt and starts a new empty line. */
void readline_start(ReadLineState *rs, const char *prompt);
void readline_handle_byte(ReadLineState *rs, int ch);
/* Past lines, oldest first; NULL past the end. */
const char *readline_get_history(ReadLineState *rs, unsigned index);

#endif
