/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Lazy condition codes: OSZAPC computed from (cc_op, cc_dst, cc_src,
 * cc_src2) only when something consumes them (see CCOp in tcg-cpu.h).
 * Translated code calls helper_cc_compute_all/_c with the values as
 * arguments (no global sync needed); C code goes through env.
 */
#include "util/osdep.h"
#include "target/i386/tcg/tcg-cpu.h"
#include "target/i386/tcg/helper.h"

/* PF: set when the low byte of the result has an even number of ones. */
static inline uint32_t parity_flag(uint64_t v)
{
    return (__builtin_parity((uint32_t)(v & 0xff)) ? 0 : CC_P);
}

/* Operand size in bits of a sized CCOp (B, W, L, Q follow each other). */
static inline unsigned cc_size_bits(unsigned sized_index)
{
    return 8u << sized_index;
}

static inline uint64_t size_mask(unsigned bits)
{
    return bits == 64 ? ~0ull : (1ull << bits) - 1;
}

static inline uint32_t szp_flags(uint64_t dst, unsigned bits)
{
    uint64_t m = size_mask(bits);
    uint32_t f = parity_flag(dst);
    if ((dst & m) == 0) {
        f |= CC_Z;
    }
    if ((dst >> (bits - 1)) & 1) {
        f |= CC_S;
    }
    return f;
}

static uint32_t compute_sized(unsigned kind, unsigned bits, uint64_t dst,
                              uint64_t src, uint64_t src2)
{
    uint64_t m = size_mask(bits);
    uint64_t sign = 1ull << (bits - 1);
    uint64_t first;
    uint32_t f;

    dst &= m;
    switch (kind) {
    case 0: /* ADD */
    case 1: /* ADC */
        src &= m;
        src2 = kind == 1 ? (src2 & 1) : 0;
        first = (dst - src - src2) & m;
        f = szp_flags(dst, bits);
        if (src2 ? dst <= src : dst < src) {
            f |= CC_C;
        }
        if ((first ^ dst ^ src) & 0x10) {
            f |= CC_A;
        }
        /* overflow: both inputs of one sign, result of the other */
        if (((first ^ dst) & (src ^ dst)) & sign) {
            f |= CC_O;
        }
        return f;
    case 2: /* SUB */
    case 3: /* SBB */
        src &= m;
        src2 = kind == 3 ? (src2 & 1) : 0;
        first = (dst + src + src2) & m;
        f = szp_flags(dst, bits);
        if (src2 ? first <= src : first < src) {
            f |= CC_C;
        }
        if ((first ^ dst ^ src) & 0x10) {
            f |= CC_A;
        }
        if (((first ^ src) & (first ^ dst)) & sign) {
            f |= CC_O;
        }
        return f;
    case 4: /* LOGIC */
        return szp_flags(dst, bits);
    case 5: /* INC: src = old CF */
        f = szp_flags(dst, bits) | (src & 1 ? CC_C : 0);
        if (((dst ^ (dst - 1)) ^ 1) & 0x10) {
            f |= CC_A;
        }
        if (dst == sign) {
            f |= CC_O;
        }
        return f;
    case 6: /* DEC */
        f = szp_flags(dst, bits) | (src & 1 ? CC_C : 0);
        if (((dst ^ ((dst + 1) & m)) ^ 1) & 0x10) {
            f |= CC_A;
        }
        if (dst == sign - 1) {
            f |= CC_O;
        }
        return f;
    case 7: /* SHL: src = value shifted by count - 1 */
        f = szp_flags(dst, bits);
        if ((src >> (bits - 1)) & 1) {
            f |= CC_C;
        }
        /* OF (defined for count 1): the top bit changed */
        if ((((src >> (bits - 1)) ^ (dst >> (bits - 1))) & 1)) {
            f |= CC_O;
        }
        return f;
    case 8: /* SAR/SHR: src = value shifted by count - 1 */
        f = szp_flags(dst, bits) | (src & 1 ? CC_C : 0);
        if (((src ^ dst) & sign)) {
            f |= CC_O;
        }
        return f;
    case 9: /* MUL */
        f = szp_flags(dst, bits);
        if (src != 0) {
            f |= CC_C | CC_O;
        }
        return f;
    case 10: /* BMILG: CF when the input was zero */
        f = szp_flags(dst, bits);
        if ((src & m) == 0) {
            f |= CC_C;
        }
        return f;
    }
    g_assert_not_reached();
}

uint64_t helper_cc_compute_all(uint64_t dst, uint64_t src, uint64_t src2,
                               uint32_t op)
{
    switch (op) {
    case CC_OP_EFLAGS:
        return src & CC_OSZAPC;
    case CC_OP_CLR:
        return CC_Z | CC_P;
    case CC_OP_POPCNT:
        return dst == 0 ? CC_Z : 0;
    case CC_OP_ADCX:
        return (src & CC_OSZAPC & ~CC_C) | (dst & 1 ? CC_C : 0);
    case CC_OP_ADOX:
        return (src & CC_OSZAPC & ~CC_O) | (src2 & 1 ? CC_O : 0);
    case CC_OP_ADCOX:
        return (src & CC_OSZAPC & ~(CC_C | CC_O)) | (dst & 1 ? CC_C : 0) |
               (src2 & 1 ? CC_O : 0);
    default:
        break;
    }
    if (op >= CC_OP_ADDB && op <= CC_OP_BMILGQ) {
        unsigned idx = op - CC_OP_ADDB;
        return compute_sized(idx / 4, cc_size_bits(idx % 4), dst, src, src2);
    }
    /* CC_OP_DYNAMIC never reaches env: a translator bug */
    g_assert_not_reached();
}

uint64_t helper_cc_compute_c(uint64_t dst, uint64_t src, uint64_t src2,
                             uint32_t op)
{
    if (op >= CC_OP_ADDB && op <= CC_OP_BMILGQ) {
        unsigned idx = op - CC_OP_ADDB;
        unsigned kind = idx / 4;
        uint64_t m = size_mask(cc_size_bits(idx % 4));

        switch (kind) {
        case 0: /* ADD */
            return (dst & m) < (src & m);
        case 2: /* SUB */
            return ((dst + src) & m) < (src & m);
        case 4: /* LOGIC */
            return 0;
        case 5: /* INC */
        case 6: /* DEC */
            return src & 1;
        default:
            break;
        }
    }
    return helper_cc_compute_all(dst, src, src2, op) & CC_C;
}

uint32_t cpu_cc_compute_all(CPUX86State *env)
{
    return helper_cc_compute_all(env->cc_dst, env->cc_src, env->cc_src2,
                                 env->cc_op);
}

uint32_t cpu_cc_compute_c(CPUX86State *env)
{
    return helper_cc_compute_c(env->cc_dst, env->cc_src, env->cc_src2,
                               env->cc_op);
}

uint64_t cpu_compute_eflags(CPUX86State *env)
{
    return (env->rflags & ~(uint64_t)CC_OSZAPC) | cpu_cc_compute_all(env) |
           RFLAGS_FIXED;
}
