/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RFLAGS as a whole: loading it into the split state (OSZAPC lazy, the
 * rest in env->rflags) and folding it back when leaving the exec loop.
 */
#include "util/osdep.h"
#include "target/i386/tcg/tcg-cpu.h"
#include "target/i386/tcg/helper.h"

void cpu_load_eflags(CPUX86State *env, uint64_t val, uint64_t update_mask)
{
    uint64_t cur = cpu_compute_eflags(env);
    uint64_t nv = (cur & ~update_mask) | (val & update_mask);

    env->cc_src = nv & CC_OSZAPC;
    env->cc_op = CC_OP_EFLAGS;
    env->rflags = (nv & ~(uint64_t)CC_OSZAPC) | RFLAGS_FIXED;
    x86_update_hflags(env);
}

uint64_t helper_read_eflags(CPUX86State *env)
{
    /* PUSHF never shows VM and RF */
    return cpu_compute_eflags(env) & ~(uint64_t)(RFLAGS_VM | RFLAGS_RF);
}

void helper_write_eflags(CPUX86State *env, uint64_t val, uint32_t mask)
{
    cpu_load_eflags(env, val, mask);
}
