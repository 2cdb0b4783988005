/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * FLDENV/FNSTENV/FRSTOR/FNSAVE: the x87 environment in its four memory
 * layouts (16- or 32-bit operand size, real/virtual-8086 or protected
 * mode; 64-bit mode uses the 32-bit protected one), with the full
 * two-bit tag word computed from the registers' contents. Reserved
 * halves of 32-bit fields are stored as 0xffff, as hardware does. The
 * CS and DS selectors of the last instruction and operand are not
 * tracked and stored as 0.
 */
#include "util/osdep.h"
#include "target/i386/tcg/tcg-cpu.h"
#include "target/i386/tcg/x87.h"

#define ENV_REAL 0x100       /* or'ed into bits: real or vm86 layout */

static unsigned env_size(uint32_t bits)
{
    return (bits & 0xff) == 16 ? 14 : 28;
}

/* 00 valid, 01 zero, 10 special (NaN, infinity, denormal, unnormal),
 * 11 empty; physical register order */
static uint16_t full_tags(CPUX86State *env)
{
    uint16_t tw = 0;

    for (unsigned p = 0; p < 8; p++) {
        const X86FPReg *r = &env->fpregs[(p - env->fpstt) & 7];
        unsigned e = r->exp & 0x7fff, t;

        if (!(env->fptag_abridged & (1u << p))) {
            t = 3;
        } else if (e == 0x7fff) {
            t = 2;
        } else if (e == 0) {
            t = r->mant ? 2 : 1;
        } else {
            t = (r->mant >> 63) ? 0 : 2;
        }
        tw |= t << (2 * p);
    }
    return tw;
}

static void put16(uint8_t *p, uint16_t v)
{
    memcpy(p, &v, 2);
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static uint16_t get16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

static uint32_t get32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static void env_store(CPUX86State *env, uint8_t *b, uint32_t bits)
{
    uint16_t fsw = (env->fpus & ~0x3800) | ((env->fpstt & 7) << 11);
    uint32_t ip = (uint32_t)env->fpip, dp = (uint32_t)env->fpdp;
    uint16_t fop = env->fpop & 0x7ff;

    if ((bits & 0xff) == 16) {
        put16(b, env->fpuc);
        put16(b + 2, fsw);
        put16(b + 4, full_tags(env));
        put16(b + 6, ip);
        put16(b + 10, dp);
        if (bits & ENV_REAL) {
            put16(b + 8, ((ip >> 16) & 0xf) << 12 | fop);
            put16(b + 12, ((dp >> 16) & 0xf) << 12);
        } else {
            put16(b + 8, 0);
            put16(b + 12, 0);
        }
        return;
    }
    put32(b, 0xffff0000u | env->fpuc);
    put32(b + 4, 0xffff0000u | fsw);
    put32(b + 8, 0xffff0000u | full_tags(env));
    if (bits & ENV_REAL) {
        put32(b + 12, 0xffff0000u | (ip & 0xffff));
        put32(b + 16, (ip >> 16) << 12 | fop);
        put32(b + 20, 0xffff0000u | (dp & 0xffff));
        put32(b + 24, (dp >> 16) << 12);
    } else {
        put32(b + 12, ip);
        put32(b + 16, (uint32_t)fop << 16);
        put32(b + 20, dp);
        put32(b + 24, 0xffff0000u);
    }
}

/* keep_regs: FLDENV (the registers stay where they are physically);
 * FRSTOR loads them in stack order after this */
static void env_load(CPUX86State *env, const uint8_t *b, uint32_t bits,
                     bool keep_regs)
{
    bool w16 = (bits & 0xff) == 16;
    uint16_t fcw = get16(b), fsw = get16(b + (w16 ? 2 : 4));
    uint16_t ftw = get16(b + (w16 ? 4 : 8));
    uint8_t abridged = 0;

    for (unsigned p = 0; p < 8; p++) {
        if (((ftw >> (2 * p)) & 3) != 3) {
            abridged |= 1u << p;
        }
    }
    env->fpuc = x87_fcw(fcw);
    env->fpus = fsw;
    if (keep_regs) {
        x87_set_top(env, (fsw >> 11) & 7);
    } else {
        env->fpstt = (fsw >> 11) & 7;
    }
    env->fptag_abridged = abridged;
    if (w16) {
        uint16_t w8 = get16(b + 8);
        env->fpip = get16(b + 6);
        env->fpdp = get16(b + 10);
        if (bits & ENV_REAL) {
            env->fpip |= (uint64_t)(w8 >> 12) << 16;
            env->fpdp |= (uint64_t)(get16(b + 12) >> 12) << 16;
            env->fpop = w8 & 0x7ff;
        }
    } else if (bits & ENV_REAL) {
        uint32_t d16 = get32(b + 16);
        env->fpip = (get32(b + 12) & 0xffff) | ((d16 >> 12) & 0xffff) << 16;
        env->fpop = d16 & 0x7ff;
        env->fpdp = (get32(b + 20) & 0xffff) |
                    ((get32(b + 24) >> 12) & 0xffff) << 16;
    } else {
        env->fpip = get32(b + 12);
        env->fpop = (get32(b + 16) >> 16) & 0x7ff;
        env->fpdp = get32(b + 20);
    }
    x87_update_es(env);
}

void helper_fldenv(CPUX86State *env, uint64_t addr, uint32_t mmu_idx,
                   uint32_t bits)
{
    uintptr_t ra = GETPC();
    uint8_t b[28];

    x87_check_pending(env, ra);
    x87_mem_read(env, addr, b, env_size(bits), mmu_idx, ra);
    env_load(env, b, bits, true);
}

void helper_fnstenv(CPUX86State *env, uint64_t addr, uint32_t mmu_idx,
                    uint32_t bits)
{
    uint8_t b[28];

    env_store(env, b, bits);
    x87_mem_write(env, addr, b, env_size(bits), mmu_idx, GETPC());
    /* then every exception is masked (a handler's usual first step) */
    env->fpuc |= FCW_EXC;
    x87_update_es(env);
}

void helper_frstor(CPUX86State *env, uint64_t addr, uint32_t mmu_idx,
                   uint32_t bits)
{
    uintptr_t ra = GETPC();
    unsigned n = env_size(bits);
    uint8_t b[28 + 80];

    x87_check_pending(env, ra);
    x87_mem_read(env, addr, b, n + 80, mmu_idx, ra);
    env_load(env, b, bits, false);
    for (int i = 0; i < 8; i++) {
        memcpy(&env->fpregs[i].mant, b + n + 10 * i, 8);
        env->fpregs[i].exp = get16(b + n + 10 * i + 8);
    }
}

void helper_fnsave(CPUX86State *env, uint64_t addr, uint32_t mmu_idx,
                   uint32_t bits)
{
    unsigned n = env_size(bits);
    uint8_t b[28 + 80];

    env_store(env, b, bits);
    for (int i = 0; i < 8; i++) {
        memcpy(b + n + 10 * i, &env->fpregs[i].mant, 8);
        put16(b + n + 10 * i + 8, env->fpregs[i].exp);
    }
    x87_mem_write(env, addr, b, n + 80, mmu_idx, GETPC());
    helper_fninit(env);
}
