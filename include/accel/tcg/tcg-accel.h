/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The TCG accelerator as the rest of kemu sees it (command line and
 * monitor); the front end's view is tcg-runtime.h.
 */
#ifndef KEMU_TCG_ACCEL_H
#define KEMU_TCG_ACCEL_H

#include <glib.h>
#include <stdbool.h>

/* -singlestep: one guest instruction per translation block. */
void tcg_set_one_insn_per_tb(bool on);

/* "info jit": code buffer use and translation statistics. */
void tcg_dump_info(GString *out);

#endif
