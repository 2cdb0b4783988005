/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Data movement and arithmetic: MOV family, LEA, XCHG, the eight ALU ops,
 * INC/DEC/NEG/NOT, shifts and rotates, MUL/IMUL/DIV/IDIV, sign
 * extensions, SETcc/CMOVcc, XADD/CMPXCHG, BSWAP/MOVBE, flag bit ops and
 * BCD. LOCKed read-modify-writes use the runtime's atomic helpers
 * (a compare-exchange loop where no fetch-op fits).
 */
#include "util/osdep.h"
#include "target/i386/tcg/translate.h"

enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR,
       ALU_CMP, ALU_TEST, ALU_INC, ALU_DEC, ALU_NEG, ALU_NOT };

static MemOpIdx oi_of(DisasContext *s, unsigned bits)
{
    return make_memop_idx(mo_bits(bits), s->mem_idx);
}

/* Source operand i with immediates cut to the destination's size (they
 * come sign-extended from Zydis). */
static void gen_src_ld(DisasContext *s, int i, TCGv_i64 val, unsigned bits)
{
    if (op_is_imm(s, i)) {
        tcg_gen_movi_i64(val, s->op[i].imm.value.u & bits_mask(bits));
    } else {
        gen_op_ld(s, i, val);
    }
}

static void alu_compute(int kind, TCGv_i64 res, TCGv_i64 a, TCGv_i64 b,
                        TCGv_i64 carry)
{
    switch (kind) {
    case ALU_ADD:
        tcg_gen_add_i64(res, a, b);
        break;
    case ALU_ADC:
        tcg_gen_add_i64(res, a, b);
        tcg_gen_add_i64(res, res, carry);
        break;
    case ALU_SUB:
    case ALU_CMP:
        tcg_gen_sub_i64(res, a, b);
        break;
    case ALU_SBB:
        tcg_gen_sub_i64(res, a, b);
        tcg_gen_sub_i64(res, res, carry);
        break;
    case ALU_AND:
    case ALU_TEST:
        tcg_gen_and_i64(res, a, b);
        break;
    case ALU_OR:
        tcg_gen_or_i64(res, a, b);
        break;
    case ALU_XOR:
        tcg_gen_xor_i64(res, a, b);
        break;
    case ALU_INC:
        tcg_gen_addi_i64(res, a, 1);
        break;
    case ALU_DEC:
        tcg_gen_subi_i64(res, a, 1);
        break;
    case ALU_NEG:
        tcg_gen_neg_i64(res, a);
        break;
    case ALU_NOT:
        tcg_gen_not_i64(res, a);
        break;
    }
}

static void alu_flags(DisasContext *s, int kind, unsigned bits, TCGv_i64 res,
                      TCGv_i64 a, TCGv_i64 b, TCGv_i64 carry)
{
    switch (kind) {
    case ALU_ADD:
        gen_flags_arith(s, CC_OP_ADDB, bits, res, b);
        break;
    case ALU_ADC:
        tcg_gen_mov_i64(cpu_cc_src2, carry);
        gen_flags_arith(s, CC_OP_ADCB, bits, res, b);
        break;
    case ALU_SUB:
    case ALU_CMP:
        gen_flags_arith(s, CC_OP_SUBB, bits, res, b);
        break;
    case ALU_SBB:
        tcg_gen_mov_i64(cpu_cc_src2, carry);
        gen_flags_arith(s, CC_OP_SBBB, bits, res, b);
        break;
    case ALU_AND:
    case ALU_OR:
    case ALU_XOR:
    case ALU_TEST:
        gen_flags_arith(s, CC_OP_LOGICB, bits, res, NULL);
        break;
    case ALU_INC:
        gen_flags_arith(s, CC_OP_INCB, bits, res, carry);
        break;
    case ALU_DEC:
        gen_flags_arith(s, CC_OP_DECB, bits, res, carry);
        break;
    case ALU_NEG:
        /* as 0 - a: first operand 0 = dst + src */
        gen_flags_arith(s, CC_OP_SUBB, bits, res, a);
        break;
    case ALU_NOT:
        break;
    }
}

/* LOCKed read-modify-write of memory operand 0: res = kind(old, b) */
static void gen_alu_locked(DisasContext *s, int kind, unsigned bits,
                           TCGv_i64 old, TCGv_i64 res, TCGv_i64 b,
                           TCGv_i64 carry)
{
    TCGv_i64 addr = gen_op_addr(s, 0);
    TCGTemp *oi = CI(oi_of(s, bits));
    void *fetch = NULL;
    TCGv_i64 arg = b;

    switch (kind) {
    case ALU_ADD:
        fetch = (void *)helper_atomic_fetch_add;
        break;
    case ALU_SUB:
        fetch = (void *)helper_atomic_fetch_add;
        arg = tcg_temp_new_i64();
        tcg_gen_neg_i64(arg, b);
        break;
    case ALU_INC:
    case ALU_DEC:
        fetch = (void *)helper_atomic_fetch_add;
        arg = tcg_constant_i64(kind == ALU_INC ? 1 : -1);
        break;
    case ALU_AND:
        fetch = (void *)helper_atomic_fetch_and;
        break;
    case ALU_OR:
        fetch = (void *)helper_atomic_fetch_or;
        break;
    case ALU_XOR:
        fetch = (void *)helper_atomic_fetch_xor;
        break;
    }
    if (fetch) {
        TCGTemp *args[4] = { ENV(), T64(addr), T64(arg), oi };
        tcg_gen_callN(fetch, "atomic_fetch_op", 0, T64(old), 4, args);
        alu_compute(kind, res, old, b, carry);
    } else {
        TCGLabel *retry = gen_new_label();
        TCGv_i64 prev = tcg_temp_new_i64();

        tcg_gen_set_label(retry);
        gen_ld(s, old, addr, mo_bits(bits));
        alu_compute(kind, res, old, b, carry);
        tcg_gen_call(helper_atomic_cmpxchg, 0, T64(prev), ENV(), T64(addr),
                     T64(old), T64(res), oi);
        tcg_gen_brcond_i64(TCG_COND_NE, prev, old, retry);
    }
}

static void gen_alu(DisasContext *s, int kind)
{
    unsigned bits = opsize(s, 0);
    bool unary = kind >= ALU_INC;
    TCGv_i64 a, b = NULL, res, carry = NULL;

    /* xor r, r / sub r, r: zero with known flags */
    if ((kind == ALU_XOR || kind == ALU_SUB) && op_is_reg(s, 0) &&
        op_is_reg(s, 1) && s->op[0].reg.value == s->op[1].reg.value) {
        gen_op_st(s, 0, tcg_constant_i64(0));
        set_cc_op(s, CC_OP_CLR);
        return;
    }
    if (!unary) {
        b = tcg_temp_local_new_i64();
        gen_src_ld(s, 1, b, bits);
    }
    if (kind == ALU_ADC || kind == ALU_SBB || kind == ALU_INC ||
        kind == ALU_DEC) {
        carry = tcg_temp_local_new_i64();
        gen_compute_c(s, carry);
    }
    a = tcg_temp_new_i64();
    res = tcg_temp_new_i64();
    if (s->lock && op_is_mem(s, 0) && kind != ALU_CMP && kind != ALU_TEST) {
        gen_alu_locked(s, kind, bits, a, res, b, carry);
    } else {
        if (s->lock) {
            gen_illegal_opcode(s);
            return;
        }
        gen_op_ld(s, 0, a);
        alu_compute(kind, res, a, b, carry);
        if (kind != ALU_CMP && kind != ALU_TEST) {
            gen_op_st(s, 0, res);
        }
    }
    alu_flags(s, kind, bits, res, a, b, carry);
}

/* ---- shifts and rotates ---- */

enum { SH_SHL, SH_SHR, SH_SAR, SH_ROL, SH_ROR, SH_RCL, SH_RCR };

/* Replicate the low 'bits' of v over 64 bits so that a 64-bit rotate by
 * any count below 32 rotates the narrow value. */
static void gen_replicate(TCGv_i64 r, TCGv_i64 v, unsigned bits)
{
    if (bits == 8) {
        tcg_gen_muli_i64(r, v, 0x0101010101010101ll);
    } else if (bits == 16) {
        tcg_gen_muli_i64(r, v, 0x0001000100010001ll);
    } else if (bits == 32) {
        TCGv_i64 t = tcg_temp_new_i64();
        tcg_gen_shli_i64(t, v, 32);
        tcg_gen_or_i64(r, v, t);
    } else {
        tcg_gen_mov_i64(r, v);
    }
}

static void gen_shift(DisasContext *s, int kind)
{
    unsigned bits = opsize(s, 0);
    unsigned cmask = bits == 64 ? 63 : 31;
    MemOp mo = mo_bits(bits);
    bool const_count = op_is_imm(s, 1) || s->insn.operand_count_visible < 2;
    unsigned cimm = 1;
    TCGv_i64 count, cm1, a, res, tmp;

    if (s->insn.operand_count_visible >= 2) {
        if (op_is_imm(s, 1)) {
            cimm = s->op[1].imm.value.u & cmask;
        }
    }
    if (const_count && cimm == 0) {
        /* no change, flags untouched; the operand is still read, and a
         * 32-bit register destination is still written, which clears
         * bits 63:32 as every 32-bit register write does */
        if (op_is_mem(s, 0)) {
            a = tcg_temp_new_i64();
            gen_op_ld(s, 0, a);
        } else if (bits == 32) {
            a = tcg_temp_new_i64();
            gen_op_ld(s, 0, a);
            gen_op_st(s, 0, a);
        }
        return;
    }
    count = tcg_temp_new_i64();
    if (const_count) {
        tcg_gen_movi_i64(count, cimm);
    } else {
        gen_op_ld(s, 1, count);
        tcg_gen_andi_i64(count, count, cmask);
    }
    a = tcg_temp_new_i64();
    res = tcg_temp_new_i64();
    tmp = tcg_temp_new_i64();
    gen_op_ld(s, 0, a);

    if (kind == SH_RCL || kind == SH_RCR) {
        gen_compute_eflags(s);
        tcg_gen_call(kind == SH_RCL ? helper_rcl : helper_rcr, 0, T64(res),
                     ENV(), T64(a), T64(count), CI(bits));
        gen_op_st(s, 0, res);
        return;
    }
    if (kind == SH_ROL || kind == SH_ROR) {
        TCGv_i64 f = tcg_temp_new_i64(), cf = tcg_temp_new_i64();
        TCGv_i64 of = tcg_temp_new_i64();

        gen_replicate(tmp, a, bits);
        if (kind == SH_ROL) {
            tcg_gen_rotl_i64(res, tmp, count);
        } else {
            tcg_gen_rotr_i64(res, tmp, count);
        }
        tcg_gen_ext_i64(res, res, mo);
        gen_op_st(s, 0, res);
        gen_compute_eflags(s);
        if (kind == SH_ROL) {
            /* CF = low bit; OF = CF ^ top bit */
            tcg_gen_andi_i64(cf, res, 1);
            tcg_gen_shri_i64(of, res, bits - 1);
            tcg_gen_xor_i64(of, of, cf);
        } else {
            /* CF = top bit; OF = top ^ next-to-top */
            tcg_gen_shri_i64(cf, res, bits - 1);
            tcg_gen_shri_i64(of, res, bits - 2);
            tcg_gen_xor_i64(of, of, cf);
        }
        tcg_gen_andi_i64(of, of, 1);
        tcg_gen_shli_i64(of, of, 11);
        tcg_gen_andi_i64(f, cpu_cc_src, ~(int64_t)(CC_C | CC_O));
        tcg_gen_or_i64(f, f, cf);
        tcg_gen_or_i64(f, f, of);
        if (const_count) {
            tcg_gen_mov_i64(cpu_cc_src, f);
        } else {
            tcg_gen_movcond_i64(TCG_COND_NE, cpu_cc_src, count,
                                tcg_constant_i64(0), f, cpu_cc_src);
        }
        return;
    }

    /* SHL/SHR/SAR: src = value shifted by count - 1 gives CF */
    cm1 = tcg_temp_new_i64();
    tcg_gen_subi_i64(cm1, count, 1);
    tcg_gen_andi_i64(cm1, cm1, 63);
    if (kind == SH_SAR) {
        tcg_gen_ext_i64(a, a, mo | MO_SIGN);
        tcg_gen_sar_i64(tmp, a, cm1);
        tcg_gen_sar_i64(res, a, count);
    } else if (kind == SH_SHR) {
        tcg_gen_shr_i64(tmp, a, cm1);
        tcg_gen_shr_i64(res, a, count);
    } else {
        tcg_gen_shl_i64(tmp, a, cm1);
        tcg_gen_shl_i64(res, a, count);
    }
    gen_op_st(s, 0, res);
    if (const_count) {
        tcg_gen_mov_i64(cpu_cc_dst, res);
        tcg_gen_mov_i64(cpu_cc_src, tmp);
        set_cc_op(s, (kind == SH_SHL ? CC_OP_SHLB : CC_OP_SARB) +
                  size_idx(bits));
    } else {
        /* a zero count leaves the flags alone: choose at run time */
        TCGv_i64 zero = tcg_constant_i64(0);
        TCGv_i32 nz = tcg_temp_new_i32();
        TCGv_i32 newop = tcg_constant_i32((kind == SH_SHL ? CC_OP_SHLB
                                           : CC_OP_SARB) + size_idx(bits));
        gen_update_cc_op(s);
        tcg_gen_movcond_i64(TCG_COND_NE, cpu_cc_dst, count, zero, res,
                            cpu_cc_dst);
        tcg_gen_movcond_i64(TCG_COND_NE, cpu_cc_src, count, zero, tmp,
                            cpu_cc_src);
        tcg_gen_extrl_i64_i32(nz, count);
        tcg_gen_movcond_i32(TCG_COND_NE, cpu_cc_op, nz, tcg_constant_i32(0),
                            newop, cpu_cc_op);
        set_cc_op(s, CC_OP_DYNAMIC);
    }
}

static void gen_shxd(DisasContext *s, bool right)
{
    unsigned bits = opsize(s, 0);
    TCGv_i64 a = tcg_temp_new_i64(), b = tcg_temp_new_i64();
    TCGv_i64 c = tcg_temp_new_i64(), res = tcg_temp_new_i64();

    gen_op_ld(s, 0, a);
    gen_op_ld(s, 1, b);
    gen_op_ld(s, 2, c);
    gen_compute_eflags(s);
    tcg_gen_call(right ? helper_shrd : helper_shld, 0, T64(res), ENV(),
                 T64(a), T64(b), T64(c), CI(bits));
    gen_op_st(s, 0, res);
}

/* ---- multiply and divide ---- */

static void gen_mul1(DisasContext *s, bool sign)
{
    unsigned bits = opsize(s, 0);
    MemOp mo = mo_bits(bits) | (sign ? MO_SIGN : 0);
    TCGv_i64 src = tcg_temp_new_i64(), ax = tcg_temp_new_i64();
    TCGv_i64 res = tcg_temp_new_i64(), hi = tcg_temp_new_i64();

    gen_op_ld(s, 0, src);
    tcg_gen_ext_i64(src, src, mo);
    tcg_gen_ext_i64(ax, cpu_regs[R_EAX], mo);
    if (bits == 64) {
        if (sign) {
            tcg_gen_muls2_i64(res, hi, ax, src);
        } else {
            tcg_gen_mulu2_i64(res, hi, ax, src);
        }
        tcg_gen_mov_i64(cpu_regs[R_EAX], res);
        tcg_gen_mov_i64(cpu_regs[R_EDX], hi);
        if (sign) {
            TCGv_i64 t = tcg_temp_new_i64();
            tcg_gen_sari_i64(t, res, 63);
            tcg_gen_sub_i64(cpu_cc_src, hi, t);
        } else {
            tcg_gen_mov_i64(cpu_cc_src, hi);
        }
    } else {
        tcg_gen_mul_i64(res, ax, src);
        if (bits == 8) {
            gen_gpr_write(R_EAX, 16, res);
        } else {
            tcg_gen_shri_i64(hi, res, bits);
            gen_gpr_write(R_EAX, bits, res);
            gen_gpr_write(R_EDX, bits, hi);
        }
        if (sign) {
            TCGv_i64 t = tcg_temp_new_i64();
            tcg_gen_ext_i64(t, res, mo_bits(bits) | MO_SIGN);
            tcg_gen_sub_i64(cpu_cc_src, res, t);
        } else {
            tcg_gen_shri_i64(cpu_cc_src, res, bits);
        }
    }
    tcg_gen_mov_i64(cpu_cc_dst, res);
    set_cc_op(s, CC_OP_MULB + size_idx(bits));
}

static void gen_imul_n(DisasContext *s)
{
    unsigned bits = opsize(s, 0);
    MemOp mo = mo_bits(bits) | MO_SIGN;
    int n = s->insn.operand_count_visible;
    TCGv_i64 x = tcg_temp_new_i64(), y = tcg_temp_new_i64();
    TCGv_i64 res = tcg_temp_new_i64();

    if (n == 2) {
        gen_op_ld(s, 0, x);
        gen_op_ld(s, 1, y);
    } else {
        gen_op_ld(s, 1, x);
        gen_src_ld(s, 2, y, bits);
    }
    tcg_gen_ext_i64(x, x, mo);
    tcg_gen_ext_i64(y, y, mo);
    if (bits == 64) {
        TCGv_i64 hi = tcg_temp_new_i64(), t = tcg_temp_new_i64();
        tcg_gen_muls2_i64(res, hi, x, y);
        tcg_gen_sari_i64(t, res, 63);
        tcg_gen_sub_i64(cpu_cc_src, hi, t);
    } else {
        TCGv_i64 t = tcg_temp_new_i64();
        tcg_gen_mul_i64(res, x, y);
        tcg_gen_ext_i64(t, res, mo);
        tcg_gen_sub_i64(cpu_cc_src, res, t);
    }
    gen_op_st(s, 0, res);
    tcg_gen_mov_i64(cpu_cc_dst, res);
    set_cc_op(s, CC_OP_MULB + size_idx(bits));
}

static void gen_div(DisasContext *s, bool sign)
{
    unsigned bits = opsize(s, 0);
    TCGv_i64 src = tcg_temp_new_i64();

    gen_op_ld(s, 0, src);
    gen_update_cc_op(s);
    tcg_gen_call(sign ? helper_idiv : helper_div, 0, NULL, ENV(), T64(src),
                 CI(bits));
}

/* ---- exchange and compare-exchange ---- */

static void gen_xchg(DisasContext *s)
{
    unsigned bits = opsize(s, 0);
    int m = op_is_mem(s, 0) ? 0 : op_is_mem(s, 1) ? 1 : -1;
    TCGv_i64 a = tcg_temp_new_i64(), b = tcg_temp_new_i64();

    if (m < 0) {
        gen_op_ld(s, 0, a);
        gen_op_ld(s, 1, b);
        gen_op_st(s, 0, b);
        gen_op_st(s, 1, a);
        return;
    }
    /* with memory XCHG is always atomic */
    gen_op_ld(s, 1 - m, b);
    tcg_gen_call(helper_atomic_xchg, 0, T64(a), ENV(), T64(gen_op_addr(s, m)),
                 T64(b), CI(oi_of(s, bits)));
    gen_op_st(s, 1 - m, a);
}

static void gen_xadd(DisasContext *s)
{
    unsigned bits = opsize(s, 0);
    TCGv_i64 a = tcg_temp_new_i64(), b = tcg_temp_new_i64();
    TCGv_i64 res = tcg_temp_new_i64();

    gen_op_ld(s, 1, b);
    if (op_is_mem(s, 0) && s->lock) {
        tcg_gen_call(helper_atomic_fetch_add, 0, T64(a), ENV(),
                     T64(gen_op_addr(s, 0)), T64(b), CI(oi_of(s, bits)));
        tcg_gen_add_i64(res, a, b);
        gen_op_st(s, 1, a);
    } else {
        gen_op_ld(s, 0, a);
        tcg_gen_add_i64(res, a, b);
        gen_op_st(s, 1, a);
        gen_op_st(s, 0, res);
    }
    gen_flags_arith(s, CC_OP_ADDB, bits, res, b);
}

static void gen_cmpxchg(DisasContext *s)
{
    unsigned bits = opsize(s, 0);
    MemOp mo = mo_bits(bits);
    TCGv_i64 cmpv = tcg_temp_new_i64(), newv = tcg_temp_new_i64();
    TCGv_i64 old = tcg_temp_new_i64(), acc = tcg_temp_new_i64();
    TCGv_i64 diff = tcg_temp_new_i64();

    tcg_gen_ext_i64(cmpv, cpu_regs[R_EAX], mo);
    gen_op_ld(s, 1, newv);
    if (op_is_mem(s, 0) && s->lock) {
        tcg_gen_call(helper_atomic_cmpxchg, 0, T64(old), ENV(),
                     T64(gen_op_addr(s, 0)), T64(cmpv), T64(newv),
                     CI(oi_of(s, bits)));
    } else if (op_is_mem(s, 0)) {
        /* memory is written back even on a mismatch, as the bus sees */
        TCGv_i64 st = tcg_temp_new_i64();
        gen_op_ld(s, 0, old);
        tcg_gen_movcond_i64(TCG_COND_EQ, st, old, cmpv, newv, old);
        gen_op_st(s, 0, st);
    } else {
        /* a register destination is written only on a match: on a
         * mismatch a 32-bit one keeps bits 63:32 too. Write, then put
         * the whole 64-bit register back if the values differed. */
        TCGv_i64 full = tcg_temp_new_i64();
        bool high8;
        int r = gpr_index(s->op[0].reg.value, &high8);

        gen_op_ld(s, 0, old);
        tcg_gen_mov_i64(full, cpu_regs[r]);
        gen_op_st(s, 0, newv);
        tcg_gen_movcond_i64(TCG_COND_EQ, cpu_regs[r], old, cmpv,
                            cpu_regs[r], full);
    }
    /* rAX takes the old value only on a mismatch (a 32-bit write would
     * zero-extend RAX even when equal otherwise) */
    tcg_gen_mov_i64(acc, cpu_regs[R_EAX]);
    if (bits == 64) {
        tcg_gen_mov_i64(acc, old);
    } else if (bits == 32) {
        tcg_gen_ext32u_i64(acc, old);
    } else {
        tcg_gen_deposit_i64(acc, acc, old, 0, bits);
    }
    tcg_gen_movcond_i64(TCG_COND_NE, cpu_regs[R_EAX], old, cmpv, acc,
                        cpu_regs[R_EAX]);
    tcg_gen_sub_i64(diff, cmpv, old);
    gen_flags_arith(s, CC_OP_SUBB, bits, diff, old);
}

static void gen_cmpxchg_wide(DisasContext *s, bool b16)
{
    if (!op_is_mem(s, 0)) {
        gen_illegal_opcode(s);
        return;
    }
    gen_compute_eflags(s);
    gen_update_cc_op(s);
    tcg_gen_call(b16 ? helper_cmpxchg16b : helper_cmpxchg8b, 0, NULL, ENV(),
                 T64(gen_op_addr(s, 0)), CI(s->mem_idx), CI(s->lock));
}

/* ---- moves ---- */

static void gen_mov(DisasContext *s)
{
    unsigned bits = opsize(s, 0);
    TCGv_i64 v = tcg_temp_new_i64();

    gen_src_ld(s, 1, v, bits);
    gen_op_st(s, 0, v);
}

static void gen_movx(DisasContext *s, bool sign)
{
    TCGv_i64 v = tcg_temp_new_i64();

    gen_op_ld(s, 1, v);
    if (sign) {
        tcg_gen_ext_i64(v, v, mo_bits(opsize(s, 1)) | MO_SIGN);
    }
    gen_op_st(s, 0, v);
}

static void gen_lea(DisasContext *s)
{
    TCGv_i64 ea = tcg_temp_new_i64();

    gen_lea_op(s, 1, ea);
    gen_op_st(s, 0, ea);
}

static void gen_bswap(DisasContext *s)
{
    unsigned bits = opsize(s, 0);
    TCGv_i64 v = tcg_temp_new_i64();

    gen_op_ld(s, 0, v);
    if (bits == 64) {
        tcg_gen_bswap64_i64(v, v);
    } else if (bits == 32) {
        tcg_gen_bswap32_i64(v, v);
    } else {
        /* 16-bit BSWAP is undefined; hardware gives zero */
        tcg_gen_movi_i64(v, 0);
    }
    gen_op_st(s, 0, v);
}

static void gen_movbe(DisasContext *s)
{
    unsigned bits = opsize(s, 0);
    TCGv_i64 v = tcg_temp_new_i64();

    gen_op_ld(s, 1, v);
    if (bits == 64) {
        tcg_gen_bswap64_i64(v, v);
    } else if (bits == 32) {
        tcg_gen_bswap32_i64(v, v);
    } else {
        tcg_gen_bswap16_i64(v, v);
    }
    gen_op_st(s, 0, v);
}

static void gen_xlat(DisasContext *s)
{
    unsigned aw = s->insn.address_width;
    TCGv_i64 ea = tcg_temp_new_i64(), al = tcg_temp_new_i64();
    int seg = R_DS;

    for (int i = 0; i < s->insn.operand_count; i++) {
        if (op_is_mem(s, i)) {
            seg = seg_index(s->op[i].mem.segment);
        }
    }
    tcg_gen_ext8u_i64(al, cpu_regs[R_EAX]);
    tcg_gen_add_i64(ea, cpu_regs[R_EBX], al);
    if (aw == 16) {
        tcg_gen_ext16u_i64(ea, ea);
    } else if (aw == 32) {
        tcg_gen_ext32u_i64(ea, ea);
    }
    gen_add_seg(s, ea, seg);
    gen_ld(s, al, ea, MO_8);
    gen_gpr_write(R_EAX, 8, al);
}

/* ---- flags as data ---- */

static void gen_lahf(DisasContext *s)
{
    TCGv_i64 f = tcg_temp_new_i64();

    gen_compute_all(s, f);
    tcg_gen_ori_i64(f, f, RFLAGS_FIXED);
    tcg_gen_deposit_i64(cpu_regs[R_EAX], cpu_regs[R_EAX], f, 8, 8);
}

static void gen_sahf(DisasContext *s)
{
    TCGv_i64 ah = tcg_temp_new_i64();

    gen_compute_eflags(s);
    tcg_gen_extract_i64(ah, cpu_regs[R_EAX], 8, 8);
    tcg_gen_andi_i64(ah, ah, CC_S | CC_Z | CC_A | CC_P | CC_C);
    tcg_gen_andi_i64(cpu_cc_src, cpu_cc_src, CC_O);
    tcg_gen_or_i64(cpu_cc_src, cpu_cc_src, ah);
}

static void gen_carry_op(DisasContext *s, int which)
{
    gen_compute_eflags(s);
    if (which == 0) {
        tcg_gen_andi_i64(cpu_cc_src, cpu_cc_src, ~(int64_t)CC_C);
    } else if (which == 1) {
        tcg_gen_ori_i64(cpu_cc_src, cpu_cc_src, CC_C);
    } else {
        tcg_gen_xori_i64(cpu_cc_src, cpu_cc_src, CC_C);
    }
}

static void gen_df(DisasContext *s, bool set)
{
    TCGv_i64 f = tcg_temp_new_i64();

    (void)s;
    tcg_gen_ld_i64(f, tcg_env(), ENV_OFS(rflags));
    if (set) {
        tcg_gen_ori_i64(f, f, RFLAGS_DF);
    } else {
        tcg_gen_andi_i64(f, f, ~(int64_t)RFLAGS_DF);
    }
    tcg_gen_st_i64(f, tcg_env(), ENV_OFS(rflags));
}

static void gen_bcd(DisasContext *s, void *fn, const char *name, bool base)
{
    gen_compute_eflags(s);
    gen_update_cc_op(s);
    if (base) {
        TCGTemp *args[2] = { ENV(), CI(s->op[0].imm.value.u & 0xff) };
        tcg_gen_callN(fn, name, 0, NULL, 2, args);
    } else {
        TCGTemp *args[1] = { ENV() };
        tcg_gen_callN(fn, name, 0, NULL, 1, args);
    }
}

static void gen_cbw(DisasContext *s, unsigned bits)
{
    TCGv_i64 v = tcg_temp_new_i64();

    tcg_gen_ext_i64(v, cpu_regs[R_EAX], mo_bits(bits / 2) | MO_SIGN);
    gen_gpr_write(R_EAX, bits, v);
}

static void gen_cwd(DisasContext *s, unsigned bits)
{
    TCGv_i64 v = tcg_temp_new_i64();

    (void)s;
    tcg_gen_ext_i64(v, cpu_regs[R_EAX], mo_bits(bits) | MO_SIGN);
    tcg_gen_sari_i64(v, v, 63);
    gen_gpr_write(R_EDX, bits, v);
}

static void gen_setcc_insn(DisasContext *s)
{
    TCGv_i64 v = tcg_temp_new_i64();

    gen_setcc(s, s->insn.opcode & 15, v);
    gen_op_st(s, 0, v);
}

static void gen_cmovcc(DisasContext *s)
{
    TCGv_i64 a = tcg_temp_new_i64(), b = tcg_temp_new_i64();
    TCGv_i64 c = tcg_temp_new_i64();

    gen_op_ld(s, 1, b);
    gen_op_ld(s, 0, a);
    gen_setcc(s, s->insn.opcode & 15, c);
    tcg_gen_movcond_i64(TCG_COND_NE, a, c, tcg_constant_i64(0), b, a);
    /* written even when false: a 32-bit destination is zero-extended */
    gen_op_st(s, 0, a);
}

bool disas_alu(DisasContext *s)
{
    switch (s->insn.mnemonic) {
    case ZYDIS_MNEMONIC_ADD: gen_alu(s, ALU_ADD); break;
    case ZYDIS_MNEMONIC_OR:  gen_alu(s, ALU_OR); break;
    case ZYDIS_MNEMONIC_ADC: gen_alu(s, ALU_ADC); break;
    case ZYDIS_MNEMONIC_SBB: gen_alu(s, ALU_SBB); break;
    case ZYDIS_MNEMONIC_AND: gen_alu(s, ALU_AND); break;
    case ZYDIS_MNEMONIC_SUB: gen_alu(s, ALU_SUB); break;
    case ZYDIS_MNEMONIC_XOR: gen_alu(s, ALU_XOR); break;
    case ZYDIS_MNEMONIC_CMP: gen_alu(s, ALU_CMP); break;
    case ZYDIS_MNEMONIC_TEST: gen_alu(s, ALU_TEST); break;
    case ZYDIS_MNEMONIC_INC: gen_alu(s, ALU_INC); break;
    case ZYDIS_MNEMONIC_DEC: gen_alu(s, ALU_DEC); break;
    case ZYDIS_MNEMONIC_NEG: gen_alu(s, ALU_NEG); break;
    case ZYDIS_MNEMONIC_NOT: gen_alu(s, ALU_NOT); break;
    case ZYDIS_MNEMONIC_SHL: gen_shift(s, SH_SHL); break;
    case ZYDIS_MNEMONIC_SHR: gen_shift(s, SH_SHR); break;
    case ZYDIS_MNEMONIC_SAR: gen_shift(s, SH_SAR); break;
    case ZYDIS_MNEMONIC_ROL: gen_shift(s, SH_ROL); break;
    case ZYDIS_MNEMONIC_ROR: gen_shift(s, SH_ROR); break;
    case ZYDIS_MNEMONIC_RCL: gen_shift(s, SH_RCL); break;
    case ZYDIS_MNEMONIC_RCR: gen_shift(s, SH_RCR); break;
    case ZYDIS_MNEMONIC_SHLD: gen_shxd(s, false); break;
    case ZYDIS_MNEMONIC_SHRD: gen_shxd(s, true); break;
    case ZYDIS_MNEMONIC_MUL: gen_mul1(s, false); break;
    case ZYDIS_MNEMONIC_IMUL:
        if (s->insn.operand_count_visible == 1) {
            gen_mul1(s, true);
        } else {
            gen_imul_n(s);
        }
        break;
    case ZYDIS_MNEMONIC_DIV: gen_div(s, false); break;
    case ZYDIS_MNEMONIC_IDIV: gen_div(s, true); break;
    case ZYDIS_MNEMONIC_CBW: gen_cbw(s, 16); break;
    case ZYDIS_MNEMONIC_CWDE: gen_cbw(s, 32); break;
    case ZYDIS_MNEMONIC_CDQE: gen_cbw(s, 64); break;
    case ZYDIS_MNEMONIC_CWD: gen_cwd(s, 16); break;
    case ZYDIS_MNEMONIC_CDQ: gen_cwd(s, 32); break;
    case ZYDIS_MNEMONIC_CQO: gen_cwd(s, 64); break;
    case ZYDIS_MNEMONIC_MOV:
        if (op_is_reg(s, 0) && seg_index(s->op[0].reg.value) >= 0) {
            return false;           /* MOV Sreg: translate-sys.c */
        }
        if (op_is_reg(s, 0) && (s->op[0].reg.value >= ZYDIS_REGISTER_CR0 ||
            (op_is_reg(s, 1) && s->op[1].reg.value >= ZYDIS_REGISTER_CR0))) {
            return false;           /* MOV CR/DR: translate-sys.c */
        }
        gen_mov(s);
        break;
    case ZYDIS_MNEMONIC_MOVZX: gen_movx(s, false); break;
    case ZYDIS_MNEMONIC_MOVSX:
    case ZYDIS_MNEMONIC_MOVSXD: gen_movx(s, true); break;
    case ZYDIS_MNEMONIC_LEA: gen_lea(s); break;
    case ZYDIS_MNEMONIC_XCHG: gen_xchg(s); break;
    case ZYDIS_MNEMONIC_XADD: gen_xadd(s); break;
    case ZYDIS_MNEMONIC_CMPXCHG: gen_cmpxchg(s); break;
    case ZYDIS_MNEMONIC_CMPXCHG8B: gen_cmpxchg_wide(s, false); break;
    case ZYDIS_MNEMONIC_CMPXCHG16B: gen_cmpxchg_wide(s, true); break;
    case ZYDIS_MNEMONIC_BSWAP: gen_bswap(s); break;
    case ZYDIS_MNEMONIC_MOVBE: gen_movbe(s); break;
    case ZYDIS_MNEMONIC_XLAT: gen_xlat(s); break;
    case ZYDIS_MNEMONIC_LAHF: gen_lahf(s); break;
    case ZYDIS_MNEMONIC_SAHF: gen_sahf(s); break;
    case ZYDIS_MNEMONIC_CLC: gen_carry_op(s, 0); break;
    case ZYDIS_MNEMONIC_STC: gen_carry_op(s, 1); break;
    case ZYDIS_MNEMONIC_CMC: gen_carry_op(s, 2); break;
    case ZYDIS_MNEMONIC_CLD: gen_df(s, false); break;
    case ZYDIS_MNEMONIC_STD: gen_df(s, true); break;
    case ZYDIS_MNEMONIC_DAA: gen_bcd(s, (void *)helper_daa, "daa", false); break;
    case ZYDIS_MNEMONIC_DAS: gen_bcd(s, (void *)helper_das, "das", false); break;
    case ZYDIS_MNEMONIC_AAA: gen_bcd(s, (void *)helper_aaa, "aaa", false); break;
    case ZYDIS_MNEMONIC_AAS: gen_bcd(s, (void *)helper_aas, "aas", false); break;
    case ZYDIS_MNEMONIC_AAM: gen_bcd(s, (void *)helper_aam, "aam", true); break;
    case ZYDIS_MNEMONIC_AAD: gen_bcd(s, (void *)helper_aad, "aad", true); break;
    case ZYDIS_MNEMONIC_SETO: case ZYDIS_MNEMONIC_SETNO:
    case ZYDIS_MNEMONIC_SETB: case ZYDIS_MNEMONIC_SETNB:
    case ZYDIS_MNEMONIC_SETZ: case ZYDIS_MNEMONIC_SETNZ:
    case ZYDIS_MNEMONIC_SETBE: case ZYDIS_MNEMONIC_SETNBE:
    case ZYDIS_MNEMONIC_SETS: case ZYDIS_MNEMONIC_SETNS:
    case ZYDIS_MNEMONIC_SETP: case ZYDIS_MNEMONIC_SETNP:
    case ZYDIS_MNEMONIC_SETL: case ZYDIS_MNEMONIC_SETNL:
    case ZYDIS_MNEMONIC_SETLE: case ZYDIS_MNEMONIC_SETNLE:
        gen_setcc_insn(s);
        break;
    case ZYDIS_MNEMONIC_CMOVO: case ZYDIS_MNEMONIC_CMOVNO:
    case ZYDIS_MNEMONIC_CMOVB: case ZYDIS_MNEMONIC_CMOVNB:
    case ZYDIS_MNEMONIC_CMOVZ: case ZYDIS_MNEMONIC_CMOVNZ:
    case ZYDIS_MNEMONIC_CMOVBE: case ZYDIS_MNEMONIC_CMOVNBE:
    case ZYDIS_MNEMONIC_CMOVS: case ZYDIS_MNEMONIC_CMOVNS:
    case ZYDIS_MNEMONIC_CMOVP: case ZYDIS_MNEMONIC_CMOVNP:
    case ZYDIS_MNEMONIC_CMOVL: case ZYDIS_MNEMONIC_CMOVNL:
    case ZYDIS_MNEMONIC_CMOVLE: case ZYDIS_MNEMONIC_CMOVNLE:
        gen_cmovcc(s);
        break;
    case ZYDIS_MNEMONIC_NOP:
    case ZYDIS_MNEMONIC_ENDBR32:
    case ZYDIS_MNEMONIC_ENDBR64:
    case ZYDIS_MNEMONIC_PREFETCH:
    case ZYDIS_MNEMONIC_PREFETCHW:
    case ZYDIS_MNEMONIC_PREFETCHNTA:
    case ZYDIS_MNEMONIC_PREFETCHT0:
    case ZYDIS_MNEMONIC_PREFETCHT1:
    case ZYDIS_MNEMONIC_PREFETCHT2:
    case ZYDIS_MNEMONIC_CLFLUSH:
    case ZYDIS_MNEMONIC_CLFLUSHOPT:
    case ZYDIS_MNEMONIC_CLWB:
    case ZYDIS_MNEMONIC_LFENCE:
    case ZYDIS_MNEMONIC_SFENCE:
        /* the host keeps TSO for plain accesses; caches are coherent */
        break;
    case ZYDIS_MNEMONIC_MFENCE:
        tcg_gen_mb(TCG_MB_ALL);
        break;
    default:
        return false;
    }
    return true;
}
