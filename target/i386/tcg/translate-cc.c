/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Lazy flags in translated code: producing (cc_dst, cc_src, cc_src2,
 * cc_op) and consuming them. A condition is computed from the static
 * cc_op when it is known (after CMP, "jl" is a signed compare of the
 * operands; after TEST, "je" is a test of the result), otherwise from
 * the flags materialized by helper_cc_compute_all.
 */
#include "util/osdep.h"
#include "target/i386/tcg/translate.h"

void gen_flags_arith(DisasContext *s, CCOp base, unsigned bits,
                     TCGv_i64 dst, TCGv_i64 src)
{
    tcg_gen_mov_i64(cpu_cc_dst, dst);
    if (src) {
        tcg_gen_mov_i64(cpu_cc_src, src);
    }
    set_cc_op(s, base + size_idx(bits));
}

static TCGv_i32 cc_op_value(DisasContext *s)
{
    return s->cc_op == CC_OP_DYNAMIC ? cpu_cc_op : tcg_constant_i32(s->cc_op);
}

void gen_compute_all(DisasContext *s, TCGv_i64 reg)
{
    if (s->cc_op == CC_OP_EFLAGS) {
        tcg_gen_andi_i64(reg, cpu_cc_src, CC_OSZAPC);
        return;
    }
    if (s->cc_op == CC_OP_CLR) {
        tcg_gen_movi_i64(reg, CC_Z | CC_P);
        return;
    }
    tcg_gen_call(helper_cc_compute_all, TCG_CALL_NO_RWG_SE, T64(reg),
                 T64(cpu_cc_dst), T64(cpu_cc_src), T64(cpu_cc_src2),
                 T32(cc_op_value(s)));
}

void gen_compute_eflags(DisasContext *s)
{
    TCGv_i64 t;

    if (s->cc_op == CC_OP_EFLAGS) {
        return;
    }
    t = tcg_temp_new_i64();
    gen_compute_all(s, t);
    tcg_gen_mov_i64(cpu_cc_src, t);
    set_cc_op(s, CC_OP_EFLAGS);
}

static bool cc_sized(CCOp op, CCOp base, unsigned *bits)
{
    if (op >= base && op <= base + 3) {
        *bits = 8u << (op - base);
        return true;
    }
    return false;
}

void gen_compute_c(DisasContext *s, TCGv_i64 reg)
{
    unsigned bits;

    if (cc_sized(s->cc_op, CC_OP_SUBB, &bits)) {
        /* borrow: first operand < second */
        TCGv_i64 a = tcg_temp_new_i64(), b = tcg_temp_new_i64();
        tcg_gen_add_i64(a, cpu_cc_dst, cpu_cc_src);
        tcg_gen_ext_i64(a, a, mo_bits(bits));
        tcg_gen_ext_i64(b, cpu_cc_src, mo_bits(bits));
        tcg_gen_setcond_i64(TCG_COND_LTU, reg, a, b);
    } else if (cc_sized(s->cc_op, CC_OP_ADDB, &bits)) {
        TCGv_i64 a = tcg_temp_new_i64(), b = tcg_temp_new_i64();
        tcg_gen_ext_i64(a, cpu_cc_dst, mo_bits(bits));
        tcg_gen_ext_i64(b, cpu_cc_src, mo_bits(bits));
        tcg_gen_setcond_i64(TCG_COND_LTU, reg, a, b);
    } else if (cc_sized(s->cc_op, CC_OP_LOGICB, &bits) ||
               s->cc_op == CC_OP_CLR || s->cc_op == CC_OP_POPCNT) {
        tcg_gen_movi_i64(reg, 0);
    } else if (cc_sized(s->cc_op, CC_OP_INCB, &bits) ||
               cc_sized(s->cc_op, CC_OP_DECB, &bits)) {
        tcg_gen_andi_i64(reg, cpu_cc_src, 1);
    } else if (s->cc_op == CC_OP_EFLAGS) {
        tcg_gen_andi_i64(reg, cpu_cc_src, CC_C);
    } else {
        tcg_gen_call(helper_cc_compute_c, TCG_CALL_NO_RWG_SE, T64(reg),
                     T64(cpu_cc_dst), T64(cpu_cc_src), T64(cpu_cc_src2),
                     T32(cc_op_value(s)));
    }
}

static CCPrepare cc_imm(TCGCond cond, TCGv_i64 reg, int64_t imm)
{
    return (CCPrepare){ .cond = cond, .reg = reg, .reg2 = NULL, .imm = imm };
}

static CCPrepare cc_reg(TCGCond cond, TCGv_i64 a, TCGv_i64 b)
{
    return (CCPrepare){ .cond = cond, .reg = a, .reg2 = b };
}

/* The condition cc with its low bit (negation) clear. */
static CCPrepare prepare_base(DisasContext *s, int jcc)
{
    unsigned bits;
    TCGv_i64 a, b, f;

    /* ZF and SF come from the result for every sized op */
    if (s->cc_op >= CC_OP_ADDB && s->cc_op <= CC_OP_BMILGQ &&
        (jcc == 2 || jcc == 4)) {
        bits = 8u << ((s->cc_op - CC_OP_ADDB) % 4);
        if (jcc == 2) {
            return cc_imm(TCG_COND_TSTEQ, cpu_cc_dst, bits_mask(bits));
        }
        return cc_imm(TCG_COND_TSTNE, cpu_cc_dst, 1ull << (bits - 1));
    }
    if (cc_sized(s->cc_op, CC_OP_SUBB, &bits)) {
        MemOp mo = mo_bits(bits);
        switch (jcc) {
        case 1: /* B */
        case 3: /* BE */
            a = tcg_temp_new_i64();
            b = tcg_temp_new_i64();
            tcg_gen_add_i64(a, cpu_cc_dst, cpu_cc_src);
            tcg_gen_ext_i64(a, a, mo);
            tcg_gen_ext_i64(b, cpu_cc_src, mo);
            return cc_reg(jcc == 1 ? TCG_COND_LTU : TCG_COND_LEU, a, b);
        case 6: /* L */
        case 7: /* LE */
            a = tcg_temp_new_i64();
            b = tcg_temp_new_i64();
            tcg_gen_add_i64(a, cpu_cc_dst, cpu_cc_src);
            tcg_gen_ext_i64(a, a, mo | MO_SIGN);
            tcg_gen_ext_i64(b, cpu_cc_src, mo | MO_SIGN);
            return cc_reg(jcc == 6 ? TCG_COND_LT : TCG_COND_LE, a, b);
        }
    }
    if (cc_sized(s->cc_op, CC_OP_LOGICB, &bits)) {
        MemOp mo = mo_bits(bits);
        switch (jcc) {
        case 0: /* O */
        case 1: /* B */
            return cc_imm(TCG_COND_NEVER, cpu_cc_dst, 0);
        case 3: /* BE = Z */
            return cc_imm(TCG_COND_TSTEQ, cpu_cc_dst, bits_mask(bits));
        case 6: /* L = S (OF = 0) */
            return cc_imm(TCG_COND_TSTNE, cpu_cc_dst, 1ull << (bits - 1));
        case 7: /* LE = S | Z */
            a = tcg_temp_new_i64();
            tcg_gen_ext_i64(a, cpu_cc_dst, mo | MO_SIGN);
            return cc_imm(TCG_COND_LE, a, 0);
        }
    }
    if (jcc == 1) {
        a = tcg_temp_new_i64();
        gen_compute_c(s, a);
        return cc_imm(TCG_COND_NE, a, 0);
    }
    /* general case: from the materialized flags */
    f = tcg_temp_new_i64();
    gen_compute_all(s, f);
    switch (jcc) {
    case 0:
        return cc_imm(TCG_COND_TSTNE, f, CC_O);
    case 2:
        return cc_imm(TCG_COND_TSTNE, f, CC_Z);
    case 3:
        return cc_imm(TCG_COND_TSTNE, f, CC_C | CC_Z);
    case 4:
        return cc_imm(TCG_COND_TSTNE, f, CC_S);
    case 5:
        return cc_imm(TCG_COND_TSTNE, f, CC_P);
    case 6: /* S != O */
    case 7: /* (S != O) | Z */
        a = tcg_temp_new_i64();
        /* SF is bit 7, OF bit 11 */
        tcg_gen_shli_i64(a, f, 4);
        tcg_gen_xor_i64(a, a, f);
        tcg_gen_andi_i64(a, a, CC_O);
        if (jcc == 7) {
            b = tcg_temp_new_i64();
            tcg_gen_andi_i64(b, f, CC_Z);
            tcg_gen_or_i64(a, a, b);
        }
        return cc_imm(TCG_COND_NE, a, 0);
    }
    g_assert_not_reached();
}

CCPrepare gen_prepare_cc(DisasContext *s, int cc)
{
    CCPrepare p = prepare_base(s, cc >> 1);
    if (cc & 1) {
        p.cond = tcg_invert_cond(p.cond);
    }
    return p;
}

void gen_setcc(DisasContext *s, int cc, TCGv_i64 reg)
{
    CCPrepare p = gen_prepare_cc(s, cc);

    if (p.cond == TCG_COND_NEVER || p.cond == TCG_COND_ALWAYS) {
        tcg_gen_movi_i64(reg, p.cond == TCG_COND_ALWAYS);
    } else if (p.reg2) {
        tcg_gen_setcond_i64(p.cond, reg, p.reg, p.reg2);
    } else {
        tcg_gen_setcondi_i64(p.cond, reg, p.reg, p.imm);
    }
}

void gen_jcc_label(DisasContext *s, int cc, TCGLabel *l)
{
    CCPrepare p = gen_prepare_cc(s, cc);

    if (p.cond == TCG_COND_NEVER) {
        return;
    } else if (p.cond == TCG_COND_ALWAYS) {
        tcg_gen_br(l);
    } else if (p.reg2) {
        tcg_gen_brcond_i64(p.cond, p.reg, p.reg2, l);
    } else {
        tcg_gen_brcondi_i64(p.cond, p.reg, p.imm, l);
    }
}
