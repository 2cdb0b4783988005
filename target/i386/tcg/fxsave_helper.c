/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * FXSAVE/FXRSTOR and LDMXCSR: the 512-byte legacy FP/SSE image. Both
 * pages of the image are probed first, so a fault leaves memory and
 * state untouched. ST(i) go to the image in stack order as KVM's XSAVE
 * area keeps them (env->fpregs[i] is ST(i)).
 */
#include "util/osdep.h"
#include "target/i386/tcg/tcg-cpu.h"
#include "target/i386/tcg/helper.h"
#include "target/i386/tcg/x87.h"
#include "target/i386/tcg/xsave.h"

#define MXCSR_MASK 0x0000ffffu

static void fx_probe(CPUX86State *env, uint64_t addr, MMUAccessType acc,
                     int mmu_idx, uintptr_t ra)
{
    CPUState *cs = env_cpu(env);
    uint64_t end = addr + 511;

    if (addr & 15) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    probe_access(cs, addr, (int)MIN(512, TARGET_PAGE_SIZE -
                                    (addr & ~TARGET_PAGE_MASK)),
                 acc, mmu_idx, ra);
    if ((end & TARGET_PAGE_MASK) != (addr & TARGET_PAGE_MASK)) {
        probe_access(cs, end & TARGET_PAGE_MASK,
                     (int)((end & ~TARGET_PAGE_MASK) + 1), acc, mmu_idx, ra);
    }
}

static void st64(CPUX86State *env, uint64_t a, uint64_t v, int mmu_idx,
                 uintptr_t ra)
{
    cpu_st_mmu(env_cpu(env), a, v, make_memop_idx(MO_64, mmu_idx), ra);
}

static uint64_t ld64(CPUX86State *env, uint64_t a, int mmu_idx, uintptr_t ra)
{
    return cpu_ld_mmu(env_cpu(env), a, make_memop_idx(MO_64, mmu_idx), ra);
}

unsigned fx_nb_xmm(CPUX86State *env)
{
    return (env->hflags & HF_CS64) ? 16 : 8;
}

/* The pieces of the legacy image, shared with XSAVE (xsave_helper.c) */
void fx_save_x87(CPUX86State *env, uint64_t addr, int mmu_idx, bool rex_w,
                 uintptr_t ra)
{
    uint16_t fsw = (env->fpus & ~0x3800) | ((env->fpstt & 7) << 11);

    st64(env, addr, env->fpuc | ((uint64_t)fsw << 16) |
         ((uint64_t)env->fptag_abridged << 32) | ((uint64_t)env->fpop << 48),
         mmu_idx, ra);
    if (rex_w) {
        st64(env, addr + 8, env->fpip, mmu_idx, ra);
        st64(env, addr + 16, env->fpdp, mmu_idx, ra);
    } else {
        /* 32-bit form: offsets with the selectors beside them (zero) */
        st64(env, addr + 8, (uint32_t)env->fpip, mmu_idx, ra);
        st64(env, addr + 16, (uint32_t)env->fpdp, mmu_idx, ra);
    }
    for (int i = 0; i < 8; i++) {
        st64(env, addr + 32 + 16 * i, env->fpregs[i].mant, mmu_idx, ra);
        st64(env, addr + 40 + 16 * i, env->fpregs[i].exp, mmu_idx, ra);
    }
}

void fx_save_mxcsr(CPUX86State *env, uint64_t addr, int mmu_idx,
                   uintptr_t ra)
{
    st64(env, addr + 24, env->mxcsr | ((uint64_t)MXCSR_MASK << 32), mmu_idx,
         ra);
}

void fx_save_xmm(CPUX86State *env, uint64_t addr, int mmu_idx, uintptr_t ra)
{
    for (unsigned i = 0; i < fx_nb_xmm(env); i++) {
        st64(env, addr + 160 + 16 * i, env->xmm[i].q[0], mmu_idx, ra);
        st64(env, addr + 168 + 16 * i, env->xmm[i].q[1], mmu_idx, ra);
    }
}

void helper_fxsave(CPUX86State *env, uint64_t addr, uint32_t mmu_idx,
                   uint32_t rex_w)
{
    uintptr_t ra = GETPC();

    fx_probe(env, addr, MMU_DATA_STORE, mmu_idx, ra);
    fx_save_x87(env, addr, mmu_idx, rex_w, ra);
    fx_save_mxcsr(env, addr, mmu_idx, ra);
    fx_save_xmm(env, addr, mmu_idx, ra);
}

void fx_load_x87(CPUX86State *env, uint64_t addr, int mmu_idx, bool rex_w,
                 uintptr_t ra)
{
    uint64_t w0;
    X86FPReg regs[8];

    for (int i = 0; i < 8; i++) {
        regs[i].mant = ld64(env, addr + 32 + 16 * i, mmu_idx, ra);
        regs[i].exp = ld64(env, addr + 40 + 16 * i, mmu_idx, ra);
    }
    w0 = ld64(env, addr, mmu_idx, ra);
    env->fpuc = w0 & 0xffff;
    env->fpus = (w0 >> 16) & 0xffff;
    env->fpstt = (env->fpus >> 11) & 7;
    env->fptag_abridged = (w0 >> 32) & 0xff;
    env->fpop = (w0 >> 48) & 0x7ff;
    env->fpip = ld64(env, addr + 8, mmu_idx, ra);
    env->fpdp = ld64(env, addr + 16, mmu_idx, ra);
    if (!rex_w) {
        env->fpip = (uint32_t)env->fpip;
        env->fpdp = (uint32_t)env->fpdp;
    }
    memcpy(env->fpregs, regs, sizeof(regs));
    /* ES and B follow the flags and masks loaded, as hardware has them */
    x87_update_es(env);
}

void fx_load_xmm(CPUX86State *env, uint64_t addr, int mmu_idx, uintptr_t ra)
{
    for (unsigned i = 0; i < fx_nb_xmm(env); i++) {
        env->xmm[i].q[0] = ld64(env, addr + 160 + 16 * i, mmu_idx, ra);
        env->xmm[i].q[1] = ld64(env, addr + 168 + 16 * i, mmu_idx, ra);
    }
}

/* MXCSR from the image, or false when it has reserved bits set */
bool fx_load_mxcsr(CPUX86State *env, uint64_t addr, int mmu_idx,
                   uintptr_t ra, uint32_t *val)
{
    *val = (uint32_t)ld64(env, addr + 24, mmu_idx, ra);
    return !(*val & ~MXCSR_MASK);
}

void helper_fxrstor(CPUX86State *env, uint64_t addr, uint32_t mmu_idx,
                    uint32_t rex_w)
{
    uintptr_t ra = GETPC();
    uint32_t mx;

    fx_probe(env, addr, MMU_DATA_LOAD, mmu_idx, ra);
    if (!fx_load_mxcsr(env, addr, mmu_idx, ra, &mx)) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    fx_load_x87(env, addr, mmu_idx, rex_w, ra);
    env->mxcsr = mx;
    fx_load_xmm(env, addr, mmu_idx, ra);
}

void helper_ldmxcsr(CPUX86State *env, uint32_t val)
{
    if (val & ~MXCSR_MASK) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, GETPC());
    }
    env->mxcsr = val;
}
