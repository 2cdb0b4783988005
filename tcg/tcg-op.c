/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The front end's op builders (tcg-op.h): thin typed wrappers that append
 * ops to tcg_ctx, doing the trivial cases of immediate forms on the spot
 * so the optimizer has less to look at.
 */
#include "tcg/tcg-op.h"
#include "tcg/tcg-internal.h"
#include "util/log.h"

#define T32(x) tcgv_i32_temp(x)
#define T64(x) tcgv_i64_temp(x)

static TCGOp *gen1(TCGOpcode opc, TCGType type, TCGTemp *a0)
{
    TCGOp *op = tcg_emit_op(opc, type, 1);
    op->args[0].t = a0;
    return op;
}

static TCGOp *gen2(TCGOpcode opc, TCGType type, TCGTemp *a0, TCGTemp *a1)
{
    TCGOp *op = tcg_emit_op(opc, type, 2);
    op->args[0].t = a0;
    op->args[1].t = a1;
    return op;
}

static TCGOp *gen3(TCGOpcode opc, TCGType type, TCGTemp *a0, TCGTemp *a1,
                   TCGTemp *a2)
{
    TCGOp *op = tcg_emit_op(opc, type, 3);
    op->args[0].t = a0;
    op->args[1].t = a1;
    op->args[2].t = a2;
    return op;
}

static void gen_mov(TCGType type, TCGTemp *r, TCGTemp *a)
{
    if (r != a) {
        gen2(INDEX_op_mov, type, r, a);
    }
}

static void gen_movi(TCGType type, TCGTemp *r, int64_t v)
{
    gen2(INDEX_op_mov, type, r, tcg_constant_internal(type, v));
}

static int64_t type_mask(TCGType type)
{
    return type == TCG_TYPE_I32 ? 31 : 63;
}

/* Binary op with an immediate second operand: the identities that make
 * the op a move or a constant are handled here. */
static void gen_binopi(TCGOpcode opc, TCGType type, TCGTemp *r, TCGTemp *a,
                       int64_t imm)
{
    imm = tcg_norm_val(type, imm);
    switch (opc) {
    case INDEX_op_add: case INDEX_op_sub: case INDEX_op_or:
    case INDEX_op_xor: case INDEX_op_andc:
        if (imm == 0) {
            gen_mov(type, r, a);
            return;
        }
        break;
    case INDEX_op_shl: case INDEX_op_shr: case INDEX_op_sar:
    case INDEX_op_rotl: case INDEX_op_rotr:
        imm &= type_mask(type);
        if (imm == 0) {
            gen_mov(type, r, a);
            return;
        }
        break;
    case INDEX_op_and:
        if (imm == -1) {
            gen_mov(type, r, a);
            return;
        }
        if (imm == 0) {
            gen_movi(type, r, 0);
            return;
        }
        break;
    case INDEX_op_mul:
        if (imm == 1) {
            gen_mov(type, r, a);
            return;
        }
        if (imm == 0) {
            gen_movi(type, r, 0);
            return;
        }
        break;
    default:
        break;
    }
    if (opc == INDEX_op_andc) {
        opc = INDEX_op_and;
        imm = tcg_norm_val(type, ~imm);
    }
    gen3(opc, type, r, a, tcg_constant_internal(type, imm));
}

#define DEF_BINOP(name)                                                    \
void tcg_gen_##name##_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b)            \
{                                                                          \
    gen3(INDEX_op_##name, TCG_TYPE_I32, T32(ret), T32(a), T32(b));         \
}                                                                          \
void tcg_gen_##name##i_i32(TCGv_i32 ret, TCGv_i32 a, int32_t imm)          \
{                                                                          \
    gen_binopi(INDEX_op_##name, TCG_TYPE_I32, T32(ret), T32(a), imm);      \
}                                                                          \
void tcg_gen_##name##_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b)            \
{                                                                          \
    gen3(INDEX_op_##name, TCG_TYPE_I64, T64(ret), T64(a), T64(b));         \
}                                                                          \
void tcg_gen_##name##i_i64(TCGv_i64 ret, TCGv_i64 a, int64_t imm)          \
{                                                                          \
    gen_binopi(INDEX_op_##name, TCG_TYPE_I64, T64(ret), T64(a), imm);      \
}
DEF_BINOP(add)
DEF_BINOP(sub)
DEF_BINOP(mul)
DEF_BINOP(and)
DEF_BINOP(or)
DEF_BINOP(xor)
DEF_BINOP(andc)
DEF_BINOP(shl)
DEF_BINOP(shr)
DEF_BINOP(sar)
DEF_BINOP(rotl)
DEF_BINOP(rotr)
#undef DEF_BINOP

void tcg_gen_clz_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b)
{
    gen3(INDEX_op_clz, TCG_TYPE_I32, T32(ret), T32(a), T32(b));
}

void tcg_gen_clz_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b)
{
    gen3(INDEX_op_clz, TCG_TYPE_I64, T64(ret), T64(a), T64(b));
}

void tcg_gen_ctz_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b)
{
    gen3(INDEX_op_ctz, TCG_TYPE_I32, T32(ret), T32(a), T32(b));
}

void tcg_gen_ctz_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b)
{
    gen3(INDEX_op_ctz, TCG_TYPE_I64, T64(ret), T64(a), T64(b));
}

/*
 * Population count without the host's POPCNT: the classic SWAR sum of
 * bit pairs, nibbles and bytes, the bytes added by a multiply.
 */
static void gen_ctpop_swar(TCGType type, TCGTemp *r, TCGTemp *a)
{
    bool w = type == TCG_TYPE_I64;
    TCGTemp *t = tcg_temp_new_internal(type, TEMP_EBB);
    TCGTemp *u = tcg_temp_new_internal(type, TEMP_EBB);
    int64_t m1 = w ? 0x5555555555555555ll : 0x55555555;
    int64_t m2 = w ? 0x3333333333333333ll : 0x33333333;
    int64_t m4 = w ? 0x0f0f0f0f0f0f0f0fll : 0x0f0f0f0f;
    int64_t h01 = w ? 0x0101010101010101ll : 0x01010101;

    gen_binopi(INDEX_op_shr, type, t, a, 1);
    gen_binopi(INDEX_op_and, type, t, t, m1);
    gen3(INDEX_op_sub, type, u, a, t);                /* pairs */
    gen_binopi(INDEX_op_shr, type, t, u, 2);
    gen_binopi(INDEX_op_and, type, t, t, m2);
    gen_binopi(INDEX_op_and, type, u, u, m2);
    gen3(INDEX_op_add, type, u, u, t);                /* nibbles */
    gen_binopi(INDEX_op_shr, type, t, u, 4);
    gen3(INDEX_op_add, type, u, u, t);
    gen_binopi(INDEX_op_and, type, u, u, m4);         /* bytes */
    gen_binopi(INDEX_op_mul, type, u, u, h01);
    gen_binopi(INDEX_op_shr, type, r, u, w ? 56 : 24);
    tcg_temp_free_internal(t);
    tcg_temp_free_internal(u);
}

void tcg_gen_ctpop_i32(TCGv_i32 ret, TCGv_i32 a)
{
    if (tcg_host.popcnt) {
        gen2(INDEX_op_ctpop, TCG_TYPE_I32, T32(ret), T32(a));
    } else {
        gen_ctpop_swar(TCG_TYPE_I32, T32(ret), T32(a));
    }
}

void tcg_gen_ctpop_i64(TCGv_i64 ret, TCGv_i64 a)
{
    if (tcg_host.popcnt) {
        gen2(INDEX_op_ctpop, TCG_TYPE_I64, T64(ret), T64(a));
    } else {
        gen_ctpop_swar(TCG_TYPE_I64, T64(ret), T64(a));
    }
}

#define DEF_UNOP(name)                                             \
void tcg_gen_##name##_i32(TCGv_i32 ret, TCGv_i32 a)                \
{                                                                  \
    gen2(INDEX_op_##name, TCG_TYPE_I32, T32(ret), T32(a));         \
}                                                                  \
void tcg_gen_##name##_i64(TCGv_i64 ret, TCGv_i64 a)                \
{                                                                  \
    gen2(INDEX_op_##name, TCG_TYPE_I64, T64(ret), T64(a));         \
}
DEF_UNOP(neg)
DEF_UNOP(not)
DEF_UNOP(ext8s)
DEF_UNOP(ext8u)
DEF_UNOP(ext16s)
DEF_UNOP(ext16u)
DEF_UNOP(bswap16)
DEF_UNOP(bswap32)
#undef DEF_UNOP

void tcg_gen_mov_i32(TCGv_i32 ret, TCGv_i32 a)
{
    gen_mov(TCG_TYPE_I32, T32(ret), T32(a));
}

void tcg_gen_mov_i64(TCGv_i64 ret, TCGv_i64 a)
{
    gen_mov(TCG_TYPE_I64, T64(ret), T64(a));
}

void tcg_gen_bswap64_i64(TCGv_i64 ret, TCGv_i64 a)
{
    gen2(INDEX_op_bswap64, TCG_TYPE_I64, T64(ret), T64(a));
}

void tcg_gen_ext32s_i64(TCGv_i64 ret, TCGv_i64 a)
{
    gen2(INDEX_op_ext32s, TCG_TYPE_I64, T64(ret), T64(a));
}

void tcg_gen_ext32u_i64(TCGv_i64 ret, TCGv_i64 a)
{
    gen2(INDEX_op_ext32u, TCG_TYPE_I64, T64(ret), T64(a));
}

void tcg_gen_movi_i32(TCGv_i32 ret, int32_t val)
{
    gen_movi(TCG_TYPE_I32, T32(ret), val);
}

void tcg_gen_movi_i64(TCGv_i64 ret, int64_t val)
{
    gen_movi(TCG_TYPE_I64, T64(ret), val);
}

void tcg_gen_ext_i32_i64(TCGv_i64 ret, TCGv_i32 a)
{
    gen2(INDEX_op_ext_i32_i64, TCG_TYPE_I64, T64(ret), T32(a));
}

void tcg_gen_extu_i32_i64(TCGv_i64 ret, TCGv_i32 a)
{
    gen2(INDEX_op_extu_i32_i64, TCG_TYPE_I64, T64(ret), T32(a));
}

void tcg_gen_extrl_i64_i32(TCGv_i32 ret, TCGv_i64 a)
{
    gen2(INDEX_op_extrl_i64_i32, TCG_TYPE_I32, T32(ret), T64(a));
}

void tcg_gen_extrh_i64_i32(TCGv_i32 ret, TCGv_i64 a)
{
    gen2(INDEX_op_extrh_i64_i32, TCG_TYPE_I32, T32(ret), T64(a));
}

void tcg_gen_ext_i64(TCGv_i64 ret, TCGv_i64 a, MemOp op)
{
    switch (op & (MO_SIZE | MO_SIGN)) {
    case MO_UB: tcg_gen_ext8u_i64(ret, a); break;
    case MO_SB: tcg_gen_ext8s_i64(ret, a); break;
    case MO_UW: tcg_gen_ext16u_i64(ret, a); break;
    case MO_SW: tcg_gen_ext16s_i64(ret, a); break;
    case MO_UL: tcg_gen_ext32u_i64(ret, a); break;
    case MO_SL: tcg_gen_ext32s_i64(ret, a); break;
    default: tcg_gen_mov_i64(ret, a); break;
    }
}

/* ---- bit fields ---- */

static bool field_ok(TCGType type, unsigned ofs, unsigned len)
{
    unsigned w = type == TCG_TYPE_I32 ? 32 : 64;
    return len >= 1 && len <= w && ofs < w && ofs + len <= w;
}

static void gen_deposit(TCGType type, TCGTemp *r, TCGTemp *a, TCGTemp *b,
                        unsigned ofs, unsigned len)
{
    unsigned w = type == TCG_TYPE_I32 ? 32 : 64;
    g_assert(field_ok(type, ofs, len));
    if (len == w) {
        gen_mov(type, r, b);
        return;
    }
    TCGOp *op = tcg_emit_op(INDEX_op_deposit, type, 5);
    op->args[0].t = r;
    op->args[1].t = a;
    op->args[2].t = b;
    op->args[3].c = ofs;
    op->args[4].c = len;
}

static void gen_extract(TCGOpcode opc, TCGType type, TCGTemp *r, TCGTemp *a,
                        unsigned ofs, unsigned len)
{
    unsigned w = type == TCG_TYPE_I32 ? 32 : 64;
    g_assert(field_ok(type, ofs, len));
    if (len == w) {
        gen_mov(type, r, a);
        return;
    }
    if (ofs + len == w) {
        /* the field is the top: a plain shift */
        gen_binopi(opc == INDEX_op_extract ? INDEX_op_shr : INDEX_op_sar,
                   type, r, a, ofs);
        return;
    }
    TCGOp *op = tcg_emit_op(opc, type, 4);
    op->args[0].t = r;
    op->args[1].t = a;
    op->args[2].c = ofs;
    op->args[3].c = len;
}

void tcg_gen_deposit_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b,
                         unsigned ofs, unsigned len)
{
    gen_deposit(TCG_TYPE_I32, T32(ret), T32(a), T32(b), ofs, len);
}

void tcg_gen_deposit_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b,
                         unsigned ofs, unsigned len)
{
    gen_deposit(TCG_TYPE_I64, T64(ret), T64(a), T64(b), ofs, len);
}

void tcg_gen_extract_i32(TCGv_i32 ret, TCGv_i32 a, unsigned ofs, unsigned len)
{
    gen_extract(INDEX_op_extract, TCG_TYPE_I32, T32(ret), T32(a), ofs, len);
}

void tcg_gen_extract_i64(TCGv_i64 ret, TCGv_i64 a, unsigned ofs, unsigned len)
{
    gen_extract(INDEX_op_extract, TCG_TYPE_I64, T64(ret), T64(a), ofs, len);
}

void tcg_gen_sextract_i32(TCGv_i32 ret, TCGv_i32 a, unsigned ofs, unsigned len)
{
    gen_extract(INDEX_op_sextract, TCG_TYPE_I32, T32(ret), T32(a), ofs, len);
}

void tcg_gen_sextract_i64(TCGv_i64 ret, TCGv_i64 a, unsigned ofs, unsigned len)
{
    gen_extract(INDEX_op_sextract, TCG_TYPE_I64, T64(ret), T64(a), ofs, len);
}

/* ---- double-width multiply ---- */

static void gen_mul2(TCGOpcode opc, TCGType type, TCGTemp *lo, TCGTemp *hi,
                     TCGTemp *a, TCGTemp *b)
{
    TCGOp *op = tcg_emit_op(opc, type, 4);
    op->args[0].t = lo;
    op->args[1].t = hi;
    op->args[2].t = a;
    op->args[3].t = b;
}

void tcg_gen_mulu2_i64(TCGv_i64 lo, TCGv_i64 hi, TCGv_i64 a, TCGv_i64 b)
{
    gen_mul2(INDEX_op_mulu2, TCG_TYPE_I64, T64(lo), T64(hi), T64(a), T64(b));
}

void tcg_gen_muls2_i64(TCGv_i64 lo, TCGv_i64 hi, TCGv_i64 a, TCGv_i64 b)
{
    gen_mul2(INDEX_op_muls2, TCG_TYPE_I64, T64(lo), T64(hi), T64(a), T64(b));
}

void tcg_gen_mulu2_i32(TCGv_i32 lo, TCGv_i32 hi, TCGv_i32 a, TCGv_i32 b)
{
    gen_mul2(INDEX_op_mulu2, TCG_TYPE_I32, T32(lo), T32(hi), T32(a), T32(b));
}

void tcg_gen_muls2_i32(TCGv_i32 lo, TCGv_i32 hi, TCGv_i32 a, TCGv_i32 b)
{
    gen_mul2(INDEX_op_muls2, TCG_TYPE_I32, T32(lo), T32(hi), T32(a), T32(b));
}

/* ---- conditions ---- */

static void gen_setcond(TCGOpcode opc, TCGType type, TCGCond c, TCGTemp *r,
                        TCGTemp *a, TCGTemp *b)
{
    if (c == TCG_COND_ALWAYS || c == TCG_COND_NEVER) {
        int64_t v = c == TCG_COND_ALWAYS;
        gen_movi(type, r, opc == INDEX_op_negsetcond ? -v : v);
        return;
    }
    TCGOp *op = gen3(opc, type, r, a, b);
    op->nargs = 4;
    op->args[3].c = c;
}

void tcg_gen_setcond_i32(TCGCond c, TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b)
{
    gen_setcond(INDEX_op_setcond, TCG_TYPE_I32, c, T32(ret), T32(a), T32(b));
}

void tcg_gen_setcondi_i32(TCGCond c, TCGv_i32 ret, TCGv_i32 a, int32_t b)
{
    gen_setcond(INDEX_op_setcond, TCG_TYPE_I32, c, T32(ret), T32(a),
                tcg_constant_internal(TCG_TYPE_I32, b));
}

void tcg_gen_setcond_i64(TCGCond c, TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b)
{
    gen_setcond(INDEX_op_setcond, TCG_TYPE_I64, c, T64(ret), T64(a), T64(b));
}

void tcg_gen_setcondi_i64(TCGCond c, TCGv_i64 ret, TCGv_i64 a, int64_t b)
{
    gen_setcond(INDEX_op_setcond, TCG_TYPE_I64, c, T64(ret), T64(a),
                tcg_constant_internal(TCG_TYPE_I64, b));
}

void tcg_gen_negsetcond_i64(TCGCond c, TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b)
{
    gen_setcond(INDEX_op_negsetcond, TCG_TYPE_I64, c, T64(ret), T64(a),
                T64(b));
}

static void gen_movcond(TCGType type, TCGCond c, TCGTemp *r, TCGTemp *a,
                        TCGTemp *b, TCGTemp *vt, TCGTemp *vf)
{
    if (c == TCG_COND_ALWAYS) {
        gen_mov(type, r, vt);
        return;
    }
    if (c == TCG_COND_NEVER) {
        gen_mov(type, r, vf);
        return;
    }
    TCGOp *op = tcg_emit_op(INDEX_op_movcond, type, 6);
    op->args[0].t = r;
    op->args[1].t = a;
    op->args[2].t = b;
    op->args[3].t = vt;
    op->args[4].t = vf;
    op->args[5].c = c;
}

void tcg_gen_movcond_i32(TCGCond c, TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b,
                         TCGv_i32 v_true, TCGv_i32 v_false)
{
    gen_movcond(TCG_TYPE_I32, c, T32(ret), T32(a), T32(b), T32(v_true),
                T32(v_false));
}

void tcg_gen_movcond_i64(TCGCond c, TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b,
                         TCGv_i64 v_true, TCGv_i64 v_false)
{
    gen_movcond(TCG_TYPE_I64, c, T64(ret), T64(a), T64(b), T64(v_true),
                T64(v_false));
}

/* ---- control flow ---- */

void tcg_gen_br(TCGLabel *l)
{
    TCGOp *op = tcg_emit_op(INDEX_op_br, TCG_TYPE_I64, 1);
    op->args[0].l = l;
    l->refs++;
}

void tcg_gen_set_label(TCGLabel *l)
{
    TCGOp *op = tcg_emit_op(INDEX_op_set_label, TCG_TYPE_I64, 1);
    op->args[0].l = l;
    l->present = true;
}

static void gen_brcond(TCGType type, TCGCond c, TCGTemp *a, TCGTemp *b,
                       TCGLabel *l)
{
    if (c == TCG_COND_ALWAYS) {
        tcg_gen_br(l);
        return;
    }
    if (c == TCG_COND_NEVER) {
        return;
    }
    TCGOp *op = tcg_emit_op(INDEX_op_brcond, type, 4);
    op->args[0].t = a;
    op->args[1].t = b;
    op->args[2].c = c;
    op->args[3].l = l;
    l->refs++;
}

void tcg_gen_brcond_i32(TCGCond c, TCGv_i32 a, TCGv_i32 b, TCGLabel *l)
{
    gen_brcond(TCG_TYPE_I32, c, T32(a), T32(b), l);
}

void tcg_gen_brcondi_i32(TCGCond c, TCGv_i32 a, int32_t b, TCGLabel *l)
{
    gen_brcond(TCG_TYPE_I32, c, T32(a),
               tcg_constant_internal(TCG_TYPE_I32, b), l);
}

void tcg_gen_brcond_i64(TCGCond c, TCGv_i64 a, TCGv_i64 b, TCGLabel *l)
{
    gen_brcond(TCG_TYPE_I64, c, T64(a), T64(b), l);
}

void tcg_gen_brcondi_i64(TCGCond c, TCGv_i64 a, int64_t b, TCGLabel *l)
{
    gen_brcond(TCG_TYPE_I64, c, T64(a),
               tcg_constant_internal(TCG_TYPE_I64, b), l);
}

/* ---- host memory ---- */

static void gen_ldst(TCGOpcode opc, TCGType type, TCGTemp *v, TCGTemp *base,
                     intptr_t offset)
{
    TCGOp *op = gen2(opc, type, v, base);
    op->nargs = 3;
    op->args[2].c = offset;
}

#define DEF_LD(name, opc, type, T, VT)                                     \
void tcg_gen_##name(VT ret, TCGv_ptr base, intptr_t offset)                \
{                                                                          \
    gen_ldst(INDEX_op_##opc, type, T(ret), T64(base), offset);             \
}
#define DEF_ST(name, opc, type, T, VT)                                     \
void tcg_gen_##name(VT val, TCGv_ptr base, intptr_t offset)                \
{                                                                          \
    gen_ldst(INDEX_op_##opc, type, T(val), T64(base), offset);             \
}
DEF_LD(ld8u_i32, ld8u, TCG_TYPE_I32, T32, TCGv_i32)
DEF_LD(ld8s_i32, ld8s, TCG_TYPE_I32, T32, TCGv_i32)
DEF_LD(ld16u_i32, ld16u, TCG_TYPE_I32, T32, TCGv_i32)
DEF_LD(ld16s_i32, ld16s, TCG_TYPE_I32, T32, TCGv_i32)
DEF_LD(ld_i32, ld, TCG_TYPE_I32, T32, TCGv_i32)
DEF_LD(ld8u_i64, ld8u, TCG_TYPE_I64, T64, TCGv_i64)
DEF_LD(ld8s_i64, ld8s, TCG_TYPE_I64, T64, TCGv_i64)
DEF_LD(ld16u_i64, ld16u, TCG_TYPE_I64, T64, TCGv_i64)
DEF_LD(ld16s_i64, ld16s, TCG_TYPE_I64, T64, TCGv_i64)
DEF_LD(ld32u_i64, ld32u, TCG_TYPE_I64, T64, TCGv_i64)
DEF_LD(ld32s_i64, ld32s, TCG_TYPE_I64, T64, TCGv_i64)
DEF_LD(ld_i64, ld, TCG_TYPE_I64, T64, TCGv_i64)
DEF_ST(st8_i32, st8, TCG_TYPE_I32, T32, TCGv_i32)
DEF_ST(st16_i32, st16, TCG_TYPE_I32, T32, TCGv_i32)
DEF_ST(st_i32, st, TCG_TYPE_I32, T32, TCGv_i32)
DEF_ST(st8_i64, st8, TCG_TYPE_I64, T64, TCGv_i64)
DEF_ST(st16_i64, st16, TCG_TYPE_I64, T64, TCGv_i64)
DEF_ST(st32_i64, st32, TCG_TYPE_I64, T64, TCGv_i64)
DEF_ST(st_i64, st, TCG_TYPE_I64, T64, TCGv_i64)
#undef DEF_LD
#undef DEF_ST

/* ---- guest memory ---- */

static MemOp fix_memop(TCGType type, MemOp op, bool is_store)
{
    op &= MO_SIZE | MO_SIGN | MO_ALIGN;
    if ((op & MO_SIZE) > MO_64) {
        /* 128-bit accesses go through helpers; keep the low 64 bits */
        op = (op & ~MO_SIZE) | MO_64;
    }
    if (type == TCG_TYPE_I32 && (op & MO_SIZE) >= MO_32) {
        op = (op & ~(MO_SIZE | MO_SIGN)) | MO_32;
    }
    if (is_store || (op & MO_SIZE) == MO_64) {
        op &= ~MO_SIGN;
    }
    return op;
}

static void gen_qemu_ldst(TCGOpcode opc, TCGType type, TCGTemp *v,
                          TCGTemp *addr, unsigned mmu_idx, MemOp mop)
{
    mop = fix_memop(type, mop, opc == INDEX_op_qemu_st);
    TCGOp *op = gen2(opc, type, v, addr);
    op->nargs = 3;
    op->args[2].c = make_memop_idx(mop, mmu_idx);
}

void tcg_gen_qemu_ld_i32(TCGv_i32 val, TCGv_i64 addr, unsigned mmu_idx,
                         MemOp op)
{
    gen_qemu_ldst(INDEX_op_qemu_ld, TCG_TYPE_I32, T32(val), T64(addr),
                  mmu_idx, op);
}

void tcg_gen_qemu_st_i32(TCGv_i32 val, TCGv_i64 addr, unsigned mmu_idx,
                         MemOp op)
{
    gen_qemu_ldst(INDEX_op_qemu_st, TCG_TYPE_I32, T32(val), T64(addr),
                  mmu_idx, op);
}

void tcg_gen_qemu_ld_i64(TCGv_i64 val, TCGv_i64 addr, unsigned mmu_idx,
                         MemOp op)
{
    gen_qemu_ldst(INDEX_op_qemu_ld, TCG_TYPE_I64, T64(val), T64(addr),
                  mmu_idx, op);
}

void tcg_gen_qemu_st_i64(TCGv_i64 val, TCGv_i64 addr, unsigned mmu_idx,
                         MemOp op)
{
    gen_qemu_ldst(INDEX_op_qemu_st, TCG_TYPE_I64, T64(val), T64(addr),
                  mmu_idx, op);
}

/* ---- calls and markers ---- */

void tcg_gen_callN(void *fn, const char *name, unsigned flags,
                   TCGTemp *ret, int nb_args, TCGTemp **args)
{
    tcg_emit_call(fn, name, flags, ret, nb_args, args);
}

void tcg_gen_insn_start(uint64_t d0, uint64_t d1)
{
    TCGOp *op = tcg_emit_op(INDEX_op_insn_start, TCG_TYPE_I64, 2);
    op->args[0].c = d0;
    op->args[1].c = d1;
}

void tcg_gen_mb(unsigned kind)
{
    TCGOp *op = tcg_emit_op(INDEX_op_mb, TCG_TYPE_I64, 1);
    op->args[0].c = kind;
}

void tcg_gen_discard_i32(TCGv_i32 t)
{
    gen1(INDEX_op_discard, TCG_TYPE_I32, T32(t));
}

void tcg_gen_discard_i64(TCGv_i64 t)
{
    gen1(INDEX_op_discard, TCG_TYPE_I64, T64(t));
}

void tcg_gen_goto_tb(unsigned slot)
{
    g_assert(slot < 2);
    TCGOp *op = tcg_emit_op(INDEX_op_goto_tb, TCG_TYPE_I64, 1);
    op->args[0].c = slot;
}

void tcg_gen_exit_tb(const void *tb, unsigned slot)
{
    TCGOp *op = tcg_emit_op(INDEX_op_exit_tb, TCG_TYPE_I64, 1);
    op->args[0].c = (int64_t)((uintptr_t)tb | slot);
}

void tcg_gen_lookup_and_goto_ptr(void)
{
    TCGv_ptr p = tcg_temp_new_i64();
    TCGTemp *env = tcg_ctx->env;
    /* the lookup reads the guest state (pc, flags) but writes none */
    tcg_emit_call((void *)tcg_target_config.lookup_tb_ptr, "lookup_tb_ptr",
                  TCG_CALL_NO_WRITE_GLOBALS | TCG_CALL_NO_SIDE_EFFECTS,
                  T64(p), 1, &env);
    gen1(INDEX_op_goto_ptr, TCG_TYPE_I64, T64(p));
    tcg_temp_free_i64(p);
}
