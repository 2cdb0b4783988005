/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the x86-64 back end's files share. */
#ifndef KEMU_TCG_X86_64_BACKEND_H
#define KEMU_TCG_X86_64_BACKEND_H

#include "tcg/tcg.h"

/* Spill area of the prologue's frame, at [rsp, rsp + TCG_FRAME_SIZE). */
#define TCG_FRAME_SIZE 16384

/* Where exit_tb jumps with its value in rax (after the "return 0"). */
extern const void *tcg_tb_ret_addr;

#endif
