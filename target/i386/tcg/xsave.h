/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The legacy (FXSAVE) image in pieces, as XSAVE/XRSTOR save and restore
 * its x87 and SSE parts separately (fxsave_helper.c), and the XSAVE
 * family's helpers (xsave_helper.c). Accesses go through the softmmu
 * with the caller's return address: the caller has probed the range.
 */
#ifndef KEMU_I386_TCG_XSAVE_H
#define KEMU_I386_TCG_XSAVE_H

#include "target/i386/tcg/tcg-cpu.h"

/* XMM registers the mode has: 16 in 64-bit mode, else 8 */
unsigned fx_nb_xmm(CPUX86State *env);
void fx_save_x87(CPUX86State *env, uint64_t addr, int mmu_idx, bool rex_w,
                 uintptr_t ra);
void fx_save_mxcsr(CPUX86State *env, uint64_t addr, int mmu_idx,
                   uintptr_t ra);
void fx_save_xmm(CPUX86State *env, uint64_t addr, int mmu_idx, uintptr_t ra);
void fx_load_x87(CPUX86State *env, uint64_t addr, int mmu_idx, bool rex_w,
                 uintptr_t ra);
void fx_load_xmm(CPUX86State *env, uint64_t addr, int mmu_idx, uintptr_t ra);
bool fx_load_mxcsr(CPUX86State *env, uint64_t addr, int mmu_idx,
                   uintptr_t ra, uint32_t *val);

/* XSAVE-family opcodes for helper_xsave */
enum {
    XSAVE_STD = 0,      /* XSAVE */
    XSAVE_OPT = 1,      /* XSAVEOPT: skips components in their init state */
    XSAVE_CMP = 2,      /* XSAVEC: compacted format */
};
/* addr: linear; rfbm_req: EDX:EAX; kind: XSAVE_*; rex_w: the 64 forms */
void helper_xsave(CPUX86State *env, uint64_t addr, uint64_t rfbm_req,
                  uint32_t mmu_idx, uint32_t kind_rex_w);
void helper_xrstor(CPUX86State *env, uint64_t addr, uint64_t rfbm_req,
                   uint32_t mmu_idx, uint32_t rex_w);
/* XINUSE: the components not in their initial configuration */
uint64_t x86_xinuse(CPUX86State *env);

#endif
