/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Integer instructions done in C: divisions (#DE), rotates through carry,
 * double shifts, PDEP/PEXT, BCD adjustments, CMPXCHG8B/16B, BOUND.
 * Flag-producing helpers work on OSZAPC in EFLAGS form (env->cc_src,
 * cc_op == CC_OP_EFLAGS), which the translator sets up before the call.
 */
#include "util/osdep.h"
#include "target/i386/tcg/tcg-cpu.h"
#include "target/i386/tcg/helper.h"

static inline uint64_t mask_of(unsigned bits)
{
    return bits == 64 ? ~0ull : (1ull << bits) - 1;
}

static inline uint32_t parity_of(uint64_t v)
{
    return __builtin_parity((uint32_t)(v & 0xff)) ? 0 : CC_P;
}

static inline uint32_t szp_of(uint64_t v, unsigned bits)
{
    uint32_t f = parity_of(v);
    if ((v & mask_of(bits)) == 0) {
        f |= CC_Z;
    }
    if ((v >> (bits - 1)) & 1) {
        f |= CC_S;
    }
    return f;
}

/* Write the low 'bits' of a register as an instruction of that size does
 * (16 and 8 keep the rest, 32 zero-extends). */
static void set_reg(CPUX86State *env, int r, uint64_t v, unsigned bits)
{
    switch (bits) {
    case 8:
        env->regs[r] = (env->regs[r] & ~0xffull) | (v & 0xff);
        break;
    case 16:
        env->regs[r] = (env->regs[r] & ~0xffffull) | (v & 0xffff);
        break;
    case 32:
        env->regs[r] = (uint32_t)v;
        break;
    default:
        env->regs[r] = v;
        break;
    }
}

/* ---- DIV / IDIV ---- */

void helper_div(CPUX86State *env, uint64_t divisor, uint32_t bits)
{
    uint64_t m = mask_of(bits);
    unsigned __int128 num;
    unsigned __int128 q;
    uint64_t r;

    divisor &= m;
    if (divisor == 0) {
        raise_exception_ra(env, EXCP00_DIVZ, GETPC());
    }
    if (bits == 8) {
        num = env->regs[R_EAX] & 0xffff;
    } else {
        num = ((unsigned __int128)(env->regs[R_EDX] & m) << bits) |
              (env->regs[R_EAX] & m);
    }
    q = num / divisor;
    r = (uint64_t)(num % divisor);
    if (q > m) {
        raise_exception_ra(env, EXCP00_DIVZ, GETPC());
    }
    if (bits == 8) {
        set_reg(env, R_EAX, (uint64_t)q | (r << 8), 16);
    } else {
        set_reg(env, R_EAX, (uint64_t)q, bits);
        set_reg(env, R_EDX, r, bits);
    }
}

static inline int64_t sext(uint64_t v, unsigned bits)
{
    return bits == 64 ? (int64_t)v : ((int64_t)(v << (64 - bits))) >> (64 - bits);
}

void helper_idiv(CPUX86State *env, uint64_t divisor, uint32_t bits)
{
    int64_t d = sext(divisor, bits);
    __int128 num;
    __int128 q, r;
    __int128 lim = (__int128)1 << (bits - 1);

    if (d == 0) {
        raise_exception_ra(env, EXCP00_DIVZ, GETPC());
    }
    if (bits == 8) {
        num = (int16_t)env->regs[R_EAX];
    } else {
        unsigned __int128 u =
            ((unsigned __int128)(env->regs[R_EDX] & mask_of(bits)) << bits) |
            (env->regs[R_EAX] & mask_of(bits));
        /* sign-extend the 2*bits-wide dividend */
        unsigned sh = 128 - 2 * bits;
        num = ((__int128)(u << sh)) >> sh;
    }
    /* The host division would overflow for INT128_MIN / -1; the quotient
     * does not fit anyway. */
    if (d == -1 && num == (__int128)((unsigned __int128)1 << 127)) {
        raise_exception_ra(env, EXCP00_DIVZ, GETPC());
    }
    q = num / d;
    r = num % d;
    if (q >= lim || q < -lim) {
        raise_exception_ra(env, EXCP00_DIVZ, GETPC());
    }
    if (bits == 8) {
        set_reg(env, R_EAX, ((uint64_t)q & 0xff) | (((uint64_t)r & 0xff) << 8),
                16);
    } else {
        set_reg(env, R_EAX, (uint64_t)q, bits);
        set_reg(env, R_EDX, (uint64_t)r, bits);
    }
}

/* ---- rotates through carry and double shifts ---- */

static inline unsigned count_mask(unsigned bits)
{
    return bits == 64 ? 63 : 31;
}

uint64_t helper_rcl(CPUX86State *env, uint64_t val, uint64_t count,
                    uint32_t bits)
{
    uint64_t m = mask_of(bits);
    unsigned c = count & count_mask(bits);
    unsigned __int128 wide;
    uint64_t res, cf;

    if (bits < 32) {
        c %= bits + 1;
    }
    if (c == 0) {
        return val & m;
    }
    /* (CF:val) is a bits+1 wide value rotated left by c */
    wide = ((unsigned __int128)(env->cc_src & CC_C) << bits) | (val & m);
    wide = (wide << c) | (wide >> (bits + 1 - c));
    res = (uint64_t)wide & m;
    cf = (uint64_t)(wide >> bits) & 1;
    env->cc_src &= ~(uint64_t)(CC_C | CC_O);
    env->cc_src |= cf ? CC_C : 0;
    if (((res >> (bits - 1)) ^ cf) & 1) {
        env->cc_src |= CC_O;
    }
    return res;
}

uint64_t helper_rcr(CPUX86State *env, uint64_t val, uint64_t count,
                    uint32_t bits)
{
    uint64_t m = mask_of(bits);
    unsigned c = count & count_mask(bits);
    unsigned __int128 wide;
    unsigned __int128 wmask = ((unsigned __int128)1 << (bits + 1)) - 1;
    uint64_t res, cf;

    if (bits < 32) {
        c %= bits + 1;
    }
    if (c == 0) {
        return val & m;
    }
    wide = ((unsigned __int128)(env->cc_src & CC_C) << bits) | (val & m);
    wide = ((wide >> c) | (wide << (bits + 1 - c))) & wmask;
    res = (uint64_t)wide & m;
    cf = (uint64_t)(wide >> bits) & 1;
    env->cc_src &= ~(uint64_t)(CC_C | CC_O);
    env->cc_src |= cf ? CC_C : 0;
    /* OF: the two top bits of the result differ */
    if (((res >> (bits - 1)) ^ (res >> (bits - 2))) & 1) {
        env->cc_src |= CC_O;
    }
    return res;
}

static void set_shift_flags(CPUX86State *env, uint64_t old, uint64_t res,
                            uint64_t cf, unsigned bits)
{
    uint32_t f = szp_of(res, bits) | (cf ? CC_C : 0);
    if (((old ^ res) >> (bits - 1)) & 1) {
        f |= CC_O;
    }
    env->cc_src = (env->cc_src & ~(uint64_t)CC_OSZAPC) | f;
}

uint64_t helper_shld(CPUX86State *env, uint64_t dst, uint64_t src,
                     uint64_t count, uint32_t bits)
{
    uint64_t m = mask_of(bits);
    unsigned c = count & count_mask(bits);
    unsigned __int128 wide;
    uint64_t res, cf;

    dst &= m;
    src &= m;
    if (c == 0) {
        return dst;
    }
    if (bits == 16) {
        /* counts above 16 (undefined) shift in dst again, as hardware */
        uint64_t w = (dst << 32) | (src << 16) | dst;
        res = (w << c >> 32) & 0xffff;
        cf = (w >> (48 - c)) & 1;
    } else {
        wide = ((unsigned __int128)dst << bits) | src;
        wide <<= c;
        res = (uint64_t)(wide >> bits) & m;
        /* the last bit shifted out of dst */
        cf = (dst >> (bits - c)) & 1;
    }
    set_shift_flags(env, dst, res, cf, bits);
    return res;
}

uint64_t helper_shrd(CPUX86State *env, uint64_t dst, uint64_t src,
                     uint64_t count, uint32_t bits)
{
    uint64_t m = mask_of(bits);
    unsigned c = count & count_mask(bits);
    unsigned __int128 wide;
    uint64_t res, cf;

    dst &= m;
    src &= m;
    if (c == 0) {
        return dst;
    }
    if (bits == 16) {
        /* src:dst with dst on the right; counts > 16 pull dst again */
        uint64_t w = (dst << 32) | (src << 16) | dst;
        res = (w >> c) & 0xffff;
        cf = (w >> (c - 1)) & 1;
    } else {
        wide = ((unsigned __int128)src << bits) | dst;
        cf = (uint64_t)(wide >> (c - 1)) & 1;
        res = (uint64_t)(wide >> c) & m;
    }
    set_shift_flags(env, dst, res, cf, bits);
    return res;
}

/* ---- BMI2 ---- */

uint64_t helper_pdep(uint64_t src, uint64_t mask)
{
    uint64_t res = 0;
    for (uint64_t bit = 1; mask; bit <<= 1) {
        uint64_t low = mask & -mask;
        if (src & bit) {
            res |= low;
        }
        mask &= mask - 1;
    }
    return res;
}

uint64_t helper_pext(uint64_t src, uint64_t mask)
{
    uint64_t res = 0;
    for (uint64_t bit = 1; mask; bit <<= 1) {
        uint64_t low = mask & -mask;
        if (src & low) {
            res |= bit;
        }
        mask &= mask - 1;
    }
    return res;
}

/* ---- BCD ---- */

static void set_al(CPUX86State *env, uint32_t al)
{
    set_reg(env, R_EAX, al & 0xff, 8);
}

static void set_bcd_flags(CPUX86State *env, uint32_t al, bool cf, bool af)
{
    uint32_t f = szp_of(al, 8) | (cf ? CC_C : 0) | (af ? CC_A : 0);
    env->cc_src = (env->cc_src & ~(uint64_t)CC_OSZAPC) | f;
}

void helper_daa(CPUX86State *env)
{
    uint32_t al = env->regs[R_EAX] & 0xff, old_al = al;
    bool old_cf = env->cc_src & CC_C, af = env->cc_src & CC_A, cf = false;

    if ((al & 0xf) > 9 || af) {
        cf = old_cf || al + 6 > 0xff;
        al = (al + 6) & 0xff;
        af = true;
    } else {
        af = false;
    }
    if (old_al > 0x99 || old_cf) {
        al = (al + 0x60) & 0xff;
        cf = true;
    } else {
        cf = false;
    }
    set_al(env, al);
    set_bcd_flags(env, al, cf, af);
}

void helper_das(CPUX86State *env)
{
    uint32_t al = env->regs[R_EAX] & 0xff, old_al = al;
    bool old_cf = env->cc_src & CC_C, af = env->cc_src & CC_A, cf = false;

    if ((al & 0xf) > 9 || af) {
        cf = old_cf || al < 6;
        al = (al - 6) & 0xff;
        af = true;
    } else {
        af = false;
    }
    if (old_al > 0x99 || old_cf) {
        al = (al - 0x60) & 0xff;
        cf = true;
    }
    set_al(env, al);
    set_bcd_flags(env, al, cf, af);
}

void helper_aaa(CPUX86State *env)
{
    uint32_t ax = env->regs[R_EAX] & 0xffff;
    bool adj = (ax & 0xf) > 9 || (env->cc_src & CC_A);

    if (adj) {
        ax = ((ax + 0x106) & 0xff0f) ;
    } else {
        ax &= 0xff0f;
    }
    set_reg(env, R_EAX, ax, 16);
    set_bcd_flags(env, ax & 0xff, adj, adj);
}

void helper_aas(CPUX86State *env)
{
    uint32_t ax = env->regs[R_EAX] & 0xffff;
    bool adj = (ax & 0xf) > 9 || (env->cc_src & CC_A);

    if (adj) {
        uint32_t al = ((ax & 0xff) - 6) & 0xf;
        uint32_t ah = ((ax >> 8) - 1) & 0xff;
        ax = (ah << 8) | al;
    } else {
        ax &= 0xff0f;
    }
    set_reg(env, R_EAX, ax, 16);
    set_bcd_flags(env, ax & 0xff, adj, adj);
}

void helper_aam(CPUX86State *env, uint32_t base)
{
    uint32_t al = env->regs[R_EAX] & 0xff;

    base &= 0xff;
    if (base == 0) {
        raise_exception_ra(env, EXCP00_DIVZ, GETPC());
    }
    set_reg(env, R_EAX, ((al / base) << 8) | (al % base), 16);
    set_bcd_flags(env, al % base, false, false);
}

void helper_aad(CPUX86State *env, uint32_t base)
{
    uint32_t al = env->regs[R_EAX] & 0xff;
    uint32_t ah = (env->regs[R_EAX] >> 8) & 0xff;

    al = (al + ah * (base & 0xff)) & 0xff;
    set_reg(env, R_EAX, al, 16);
    set_bcd_flags(env, al, false, false);
}

/* ---- CMPXCHG8B / CMPXCHG16B ---- */

static void set_zf(CPUX86State *env, bool z)
{
    env->cc_src = (env->cc_src & ~(uint64_t)CC_Z) | (z ? CC_Z : 0);
}

void helper_cmpxchg8b(CPUX86State *env, uint64_t addr, uint32_t mmu_idx,
                      uint32_t locked)
{
    CPUState *cs = env_cpu(env);
    uintptr_t ra = GETPC();
    uint64_t cmpv = ((env->regs[R_EDX] & 0xffffffffull) << 32) |
                    (uint32_t)env->regs[R_EAX];
    uint64_t newv = ((env->regs[R_ECX] & 0xffffffffull) << 32) |
                    (uint32_t)env->regs[R_EBX];
    uint64_t old;
    void *host = NULL;

    /* The instruction always writes: check write permission first. */
    if ((addr & TARGET_PAGE_MASK) == ((addr + 7) & TARGET_PAGE_MASK)) {
        host = probe_access(cs, addr, 8, MMU_DATA_STORE, mmu_idx, ra);
    }
    (void)locked;   /* the host op is atomic either way */
    if (host) {
        old = cmpv;
        __atomic_compare_exchange_n((uint64_t *)host, &old, newv, false,
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    } else {
        MemOpIdx oi = make_memop_idx(MO_64, mmu_idx);
        old = cpu_ld_mmu(cs, addr, oi, ra);
        cpu_st_mmu(cs, addr, old == cmpv ? newv : old, oi, ra);
    }
    if (old == cmpv) {
        set_zf(env, true);
    } else {
        set_zf(env, false);
        set_reg(env, R_EAX, (uint32_t)old, 32);
        set_reg(env, R_EDX, old >> 32, 32);
    }
}

void helper_cmpxchg16b(CPUX86State *env, uint64_t addr, uint32_t mmu_idx,
                       uint32_t locked)
{
    CPUState *cs = env_cpu(env);
    uintptr_t ra = GETPC();
    uint64_t cmp_lo = env->regs[R_EAX], cmp_hi = env->regs[R_EDX];
    uint64_t new_lo = env->regs[R_EBX], new_hi = env->regs[R_ECX];
    uint64_t old_lo, old_hi;
    void *host;
    bool ok;

    (void)locked;
    if (addr & 15) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    host = probe_access(cs, addr, 16, MMU_DATA_STORE, mmu_idx, ra);
    if (host) {
        old_lo = cmp_lo;
        old_hi = cmp_hi;
        asm volatile("lock cmpxchg16b %2\n\tsete %b3"
                     : "+a"(old_lo), "+d"(old_hi), "+m"(*(__int128 *)host),
                       "=q"(ok)
                     : "b"(new_lo), "c"(new_hi)
                     : "memory", "cc");
        ok = ok & 1;
    } else {
        MemOpIdx oi = make_memop_idx(MO_64, mmu_idx);
        old_lo = cpu_ld_mmu(cs, addr, oi, ra);
        old_hi = cpu_ld_mmu(cs, addr + 8, oi, ra);
        ok = old_lo == cmp_lo && old_hi == cmp_hi;
        cpu_st_mmu(cs, addr, ok ? new_lo : old_lo, oi, ra);
        cpu_st_mmu(cs, addr + 8, ok ? new_hi : old_hi, oi, ra);
    }
    set_zf(env, ok);
    if (!ok) {
        env->regs[R_EAX] = old_lo;
        env->regs[R_EDX] = old_hi;
    }
}

/* ---- BOUND ---- */

void helper_bound(CPUX86State *env, uint64_t index, uint64_t addr,
                  uint32_t mmu_idx, uint32_t bits)
{
    CPUState *cs = env_cpu(env);
    uintptr_t ra = GETPC();
    MemOp mo = (bits == 16 ? MO_16 : MO_32) | MO_SIGN;
    MemOpIdx oi = make_memop_idx(mo, mmu_idx);
    int64_t lo = sext(cpu_ld_mmu(cs, addr, oi, ra), bits);
    int64_t hi = sext(cpu_ld_mmu(cs, (addr + bits / 8) &
                                  (env->hflags & HF_LMA ? ~0ull : 0xffffffffull),
                                  oi, ra), bits);
    int64_t i = sext(index, bits);

    if (i < lo || i > hi) {
        raise_exception_ra(env, EXCP05_BOUND, ra);
    }
}
