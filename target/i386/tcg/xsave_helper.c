/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * XSAVE, XSAVEOPT, XSAVEC and XRSTOR for the state components TCG has:
 * x87 (0), SSE (1), the YMM upper halves (2: 256 bytes at 576 in both
 * formats) and PKRU (9: 8 bytes at 2688 in the standard format, right
 * after the components before it in the compacted one).
 * The whole area is probed before anything is written or loaded, and
 * the header and MXCSR are checked before any state changes, so a fault
 * or #GP leaves memory and registers as they were.
 *
 * XINUSE is computed from the registers (a component whose registers
 * all hold their initial values is "not in use"); XSAVEOPT uses it to
 * skip such components, which the SDM permits. The modified
 * optimization is not done (XSAVEOPT may always write).
 */
#include "util/osdep.h"
#include "target/i386/tcg/tcg-cpu.h"
#include "target/i386/tcg/helper.h"
#include "target/i386/tcg/xsave.h"

#define XSTATE_X87   1ull
#define XSTATE_SSE   2ull
#define XSTATE_YMM   4ull
#define XSTATE_PKRU  (1ull << 9)
#define PKRU_OFFSET  2688
#define XCOMP_COMPACT (1ull << 63)
#define YMM_OFFSET   576
#define HDR_OFFSET   512
#define CPUID_XSAVE_XSAVEC (1u << 1)     /* CPUID[0xd,1].EAX */

uint64_t x86_xinuse(CPUX86State *env)
{
    uint64_t in_use = 0;
    bool zero;

    /* x87: FCW 037F, FSW 0, all empty, no last-insn pointers, regs 0 */
    zero = env->fpuc == 0x37f && (env->fpus & ~0x3800) == 0 &&
           env->fpstt == 0 && env->fptag_abridged == 0 && env->fpop == 0 &&
           env->fpip == 0 && env->fpdp == 0;
    for (int i = 0; zero && i < 8; i++) {
        zero = env->fpregs[i].mant == 0 && env->fpregs[i].exp == 0;
    }
    in_use |= zero ? 0 : XSTATE_X87;
    zero = env->mxcsr == 0x1f80;
    for (int i = 0; zero && i < 16; i++) {
        zero = (env->xmm[i].q[0] | env->xmm[i].q[1]) == 0;
    }
    in_use |= zero ? 0 : XSTATE_SSE;
    zero = true;
    for (int i = 0; zero && i < 16; i++) {
        zero = (env->ymmh[i].q[0] | env->ymmh[i].q[1]) == 0;
    }
    in_use |= zero ? 0 : XSTATE_YMM;
    in_use |= env->pkru ? XSTATE_PKRU : 0;
    return in_use;
}

static void xs_probe(CPUX86State *env, uint64_t addr, unsigned len,
                     MMUAccessType acc, int mmu_idx, uintptr_t ra)
{
    CPUState *cs = env_cpu(env);

    while (len) {
        unsigned n = MIN(len, TARGET_PAGE_SIZE - (addr & ~TARGET_PAGE_MASK));
        probe_access(cs, addr, (int)n, acc, mmu_idx, ra);
        addr += n;
        len -= n;
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

/* Where PKRU goes: fixed in the standard format, packed after the YMM
 * component (when present) in the compacted one */
static unsigned pkru_offset(bool compact, uint64_t xcomp)
{
    if (!compact) {
        return PKRU_OFFSET;
    }
    return YMM_OFFSET + ((xcomp & XSTATE_YMM) ? 256 : 0);
}

static uint64_t rfbm_of(CPUX86State *env, uint64_t req)
{
    return req & env->xcr0;
}

static void check_align64(CPUX86State *env, uint64_t addr, uintptr_t ra)
{
    if (addr & 63) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
}

static void init_x87(CPUX86State *env)
{
    env->fpuc = 0x37f;
    env->fpus = 0;
    env->fpstt = 0;
    env->fptag_abridged = 0;
    env->fpop = 0;
    env->fpip = 0;
    env->fpdp = 0;
    memset(env->fpregs, 0, sizeof(env->fpregs));
}

void helper_xsave(CPUX86State *env, uint64_t addr, uint64_t rfbm_req,
                  uint32_t mmu_idx, uint32_t kind_rex_w)
{
    uintptr_t ra = GETPC();
    unsigned kind = kind_rex_w & 3;
    bool rex_w = kind_rex_w & 4;
    uint64_t rfbm = rfbm_of(env, rfbm_req), inuse = x86_xinuse(env);
    uint64_t bv, save;
    unsigned len = (rfbm & XSTATE_YMM) ? YMM_OFFSET + 256 : YMM_OFFSET;
    unsigned pkru_at = pkru_offset(kind == XSAVE_CMP, rfbm);

    if (rfbm & XSTATE_PKRU) {
        len = pkru_at + 8;
    }
    check_align64(env, addr, ra);
    xs_probe(env, addr, len, MMU_DATA_STORE, mmu_idx, ra);
    /* XSAVE writes every requested component; XSAVEOPT and XSAVEC skip
     * those in their initial configuration (the header says so) */
    save = kind == XSAVE_STD ? rfbm : rfbm & inuse;
    if (save & XSTATE_X87) {
        fx_save_x87(env, addr, mmu_idx, rex_w, ra);
    }
    /* MXCSR goes with SSE or AVX in the standard format */
    if ((kind != XSAVE_CMP && (rfbm & (XSTATE_SSE | XSTATE_YMM))) ||
        (save & XSTATE_SSE)) {
        fx_save_mxcsr(env, addr, mmu_idx, ra);
    }
    if (save & XSTATE_SSE) {
        fx_save_xmm(env, addr, mmu_idx, ra);
    }
    if (save & XSTATE_YMM) {
        for (unsigned i = 0; i < fx_nb_xmm(env); i++) {
            st64(env, addr + YMM_OFFSET + 16 * i, env->ymmh[i].q[0],
                 mmu_idx, ra);
            st64(env, addr + YMM_OFFSET + 8 + 16 * i, env->ymmh[i].q[1],
                 mmu_idx, ra);
        }
    }
    if (save & XSTATE_PKRU) {
        st64(env, addr + pkru_at, env->pkru, mmu_idx, ra);
    }
    if (kind == XSAVE_CMP) {
        st64(env, addr + HDR_OFFSET, rfbm & inuse, mmu_idx, ra);
        st64(env, addr + HDR_OFFSET + 8, rfbm | XCOMP_COMPACT, mmu_idx, ra);
    } else {
        bv = ld64(env, addr + HDR_OFFSET, mmu_idx, ra);
        bv = (bv & ~rfbm) | (rfbm & inuse);
        st64(env, addr + HDR_OFFSET, bv, mmu_idx, ra);
    }
}

void helper_xrstor(CPUX86State *env, uint64_t addr, uint64_t rfbm_req,
                   uint32_t mmu_idx, uint32_t rex_w)
{
    uintptr_t ra = GETPC();
    uint64_t rfbm = rfbm_of(env, rfbm_req);
    uint64_t bv, comp;
    uint32_t mx = 0x1f80;
    bool compact, load_mx;

    check_align64(env, addr, ra);
    xs_probe(env, addr, YMM_OFFSET, MMU_DATA_LOAD, mmu_idx, ra);
    bv = ld64(env, addr + HDR_OFFSET, mmu_idx, ra);
    comp = ld64(env, addr + HDR_OFFSET + 8, mmu_idx, ra);
    compact = comp & XCOMP_COMPACT;
    if (compact) {
        if (!(env->features[FEAT_XSAVE] & CPUID_XSAVE_XSAVEC) ||
            (comp & ~XCOMP_COMPACT & ~env->xcr0) || (bv & ~comp)) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        for (int i = 16; i < 64; i += 8) {
            if (ld64(env, addr + HDR_OFFSET + i, mmu_idx, ra)) {
                raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
            }
        }
    } else if ((bv & ~env->xcr0) || comp ||
               ld64(env, addr + HDR_OFFSET + 16, mmu_idx, ra)) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    if ((rfbm & bv & XSTATE_YMM) && (!compact || (comp & XSTATE_YMM))) {
        xs_probe(env, addr + YMM_OFFSET, 256, MMU_DATA_LOAD, mmu_idx, ra);
    }
    if (rfbm & bv & XSTATE_PKRU) {
        xs_probe(env, addr + pkru_offset(compact, comp), 8, MMU_DATA_LOAD,
                 mmu_idx, ra);
    }
    /* standard: MXCSR is loaded whenever SSE or AVX is requested;
     * compacted: with the SSE component only */
    load_mx = compact ? (rfbm & bv & XSTATE_SSE) != 0
                      : (rfbm & (XSTATE_SSE | XSTATE_YMM)) != 0;
    if (load_mx && !fx_load_mxcsr(env, addr, mmu_idx, ra, &mx)) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }

    /* nothing can fault from here on */
    if (rfbm & XSTATE_X87) {
        if (bv & XSTATE_X87) {
            fx_load_x87(env, addr, mmu_idx, rex_w, ra);
        } else {
            init_x87(env);
        }
    }
    if (load_mx || (compact && (rfbm & XSTATE_SSE))) {
        env->mxcsr = mx;
    }
    if (rfbm & XSTATE_SSE) {
        if (bv & XSTATE_SSE) {
            fx_load_xmm(env, addr, mmu_idx, ra);
        } else {
            memset(env->xmm, 0, fx_nb_xmm(env) * sizeof(X86XMMReg));
        }
    }
    if (rfbm & XSTATE_YMM) {
        for (unsigned i = 0; i < fx_nb_xmm(env); i++) {
            if (bv & XSTATE_YMM) {
                env->ymmh[i].q[0] = ld64(env, addr + YMM_OFFSET + 16 * i,
                                         mmu_idx, ra);
                env->ymmh[i].q[1] = ld64(env, addr + YMM_OFFSET + 8 +
                                         16 * i, mmu_idx, ra);
            } else {
                env->ymmh[i] = (X86XMMReg){ { 0, 0 } };
            }
        }
    }
    if (rfbm & XSTATE_PKRU) {
        uint64_t pk = (bv & XSTATE_PKRU)
            ? ld64(env, addr + pkru_offset(compact, comp), mmu_idx, ra) : 0;
        helper_wrpkru(env, (uint32_t)pk);      /* flushes the TLB */
    }
}
