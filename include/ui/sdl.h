/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "-display sdl" (ui/sdl.c; needs a build with SDL2). */
#ifndef KEMU_UI_SDL_H
#define KEMU_UI_SDL_H

#include "util/osdep.h"
#include "util/error.h"

/* Opens the window on the first graphic console; window_close: closing
 * the window ends kemu. */
bool sdl_display_init(bool window_close, Error **errp);

#endif
