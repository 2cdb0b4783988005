/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * WRPKRU: the protection-key rights change which user pages this CPU
 * may touch, and the TLB caches permissions, so it is flushed.
 */
#include "util/osdep.h"
#include "target/i386/tcg/tcg-cpu.h"
#include "target/i386/tcg/helper.h"

void helper_wrpkru(CPUX86State *env, uint64_t val)
{
    if (env->pkru != (uint32_t)val) {
        env->pkru = (uint32_t)val;
        tlb_flush(env_cpu(env));
    }
}
