/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bit instructions: BT/BTS/BTR/BTC, BSF/BSR, TZCNT/LZCNT/POPCNT, BMI1
 * (ANDN BEXTR BLSI BLSMSK BLSR), BMI2 (BZHI MULX PDEP PEXT RORX SARX
 * SHLX SHRX) and ADX (ADCX ADOX). F3 0F BC/BD decode as TZCNT/LZCNT only
 * when the CPU model exposes BMI1/ABM; otherwise they are BSF/BSR.
 */
#include "util/osdep.h"
#include "target/i386/tcg/translate.h"

#define CPUID_7_0_EBX_BMI1   (1u << 3)
#define CPUID_7_0_EBX_BMI2   (1u << 8)
#define CPUID_7_0_EBX_ADX    (1u << 19)
#define CPUID_EXT3_ABM       (1u << 5)

static bool has_feature(DisasContext *s, FeatureWord w, uint32_t bit)
{
    return (s->env->features[w] & bit) != 0;
}

/* Put v (0/1) into the materialized CF (or OF with shift 11). */
static void set_flag_bit(DisasContext *s, TCGv_i64 v, unsigned bit)
{
    gen_compute_eflags(s);
    tcg_gen_deposit_i64(cpu_cc_src, cpu_cc_src, v, bit, 1);
}

enum { BT_TEST, BT_SET, BT_RESET, BT_COMPLEMENT };

static void gen_bt(DisasContext *s, int kind)
{
    unsigned bits = opsize(s, 0);
    MemOp mo = mo_bits(bits);
    TCGv_i64 off = tcg_temp_new_i64(), bitno = tcg_temp_new_i64();
    TCGv_i64 mask = tcg_temp_new_i64(), val = tcg_temp_new_i64();
    TCGv_i64 res = tcg_temp_new_i64(), cf = tcg_temp_new_i64();
    TCGv_i64 addr = NULL;

    if (op_is_imm(s, 1)) {
        tcg_gen_movi_i64(off, s->op[1].imm.value.u & (bits - 1));
    } else {
        gen_op_ld(s, 1, off);
    }
    tcg_gen_andi_i64(bitno, off, bits - 1);
    tcg_gen_shl_i64(mask, tcg_constant_i64(1), bitno);
    if (op_is_mem(s, 0)) {
        addr = tcg_temp_new_i64();
        tcg_gen_mov_i64(addr, gen_op_addr(s, 0));
        if (!op_is_imm(s, 1)) {
            /* the register offset is signed and may leave the operand */
            TCGv_i64 disp = tcg_temp_new_i64();
            tcg_gen_ext_i64(disp, off, mo | MO_SIGN);
            tcg_gen_sari_i64(disp, disp, __builtin_ctz(bits));
            tcg_gen_shli_i64(disp, disp, __builtin_ctz(bits / 8));
            tcg_gen_add_i64(addr, addr, disp);
            if (!s->code64) {
                tcg_gen_ext32u_i64(addr, addr);
            }
        }
    }
    if (addr && s->lock && kind != BT_TEST) {
        void *fn = kind == BT_SET ? (void *)helper_atomic_fetch_or :
                   kind == BT_RESET ? (void *)helper_atomic_fetch_and :
                   (void *)helper_atomic_fetch_xor;
        TCGv_i64 arg = mask;
        if (kind == BT_RESET) {
            arg = tcg_temp_new_i64();
            tcg_gen_not_i64(arg, mask);
        }
        TCGTemp *args[4] = { ENV(), T64(addr), T64(arg),
                             CI(make_memop_idx(mo, s->mem_idx)) };
        tcg_gen_callN(fn, "atomic_fetch_bitop", 0, T64(val), 4, args);
    } else {
        if (s->lock) {
            gen_illegal_opcode(s);
            return;
        }
        if (addr) {
            gen_ld(s, val, addr, mo);
        } else {
            gen_op_ld(s, 0, val);
        }
        if (kind != BT_TEST) {
            if (kind == BT_SET) {
                tcg_gen_or_i64(res, val, mask);
            } else if (kind == BT_RESET) {
                tcg_gen_andc_i64(res, val, mask);
            } else {
                tcg_gen_xor_i64(res, val, mask);
            }
            if (addr) {
                gen_st(s, res, addr, mo);
            } else {
                gen_op_st(s, 0, res);
            }
        }
    }
    tcg_gen_shr_i64(cf, val, bitno);
    tcg_gen_andi_i64(cf, cf, 1);
    set_flag_bit(s, cf, 0);
}

static void gen_bsf_bsr(DisasContext *s, bool reverse)
{
    unsigned bits = opsize(s, 0);
    TCGv_i64 src = tcg_temp_new_i64(), old = tcg_temp_new_i64();
    TCGv_i64 res = tcg_temp_new_i64();

    gen_op_ld(s, 1, src);
    gen_op_ld(s, 0, old);
    if (reverse) {
        tcg_gen_clz_i64(res, src, tcg_constant_i64(64));
        tcg_gen_xori_i64(res, res, 63);     /* 63 - clz */
    } else {
        tcg_gen_ctz_i64(res, src, tcg_constant_i64(0));
    }
    /* a zero source leaves the destination as it was */
    tcg_gen_movcond_i64(TCG_COND_EQ, res, src, tcg_constant_i64(0), old, res);
    gen_op_st(s, 0, res);
    /* ZF = source was zero; CF = OF = 0 (the rest are undefined) */
    gen_flags_arith(s, CC_OP_LOGICB, bits, src, NULL);
}

static void gen_tzcnt_lzcnt(DisasContext *s, bool lz)
{
    unsigned bits = opsize(s, 0);
    TCGv_i64 src = tcg_temp_new_i64(), res = tcg_temp_new_i64();
    TCGv_i64 cf = tcg_temp_new_i64(), zf = tcg_temp_new_i64();

    gen_op_ld(s, 1, src);
    if (lz) {
        tcg_gen_clz_i64(res, src, tcg_constant_i64(64));
        tcg_gen_subi_i64(res, res, 64 - bits);
    } else {
        tcg_gen_ctz_i64(res, src, tcg_constant_i64(bits));
    }
    gen_op_st(s, 0, res);
    tcg_gen_setcondi_i64(TCG_COND_EQ, cf, src, 0);
    tcg_gen_setcondi_i64(TCG_COND_EQ, zf, res, 0);
    tcg_gen_shli_i64(zf, zf, 6);
    tcg_gen_or_i64(cpu_cc_src, cf, zf);
    set_cc_op(s, CC_OP_EFLAGS);
}

static void gen_popcnt(DisasContext *s)
{
    TCGv_i64 src = tcg_temp_new_i64(), res = tcg_temp_new_i64();

    gen_op_ld(s, 1, src);
    tcg_gen_ctpop_i64(res, src);
    gen_op_st(s, 0, res);
    tcg_gen_mov_i64(cpu_cc_dst, src);
    set_cc_op(s, CC_OP_POPCNT);
}

/* ---- BMI1 / BMI2 ---- */

static void gen_andn(DisasContext *s)
{
    unsigned bits = opsize(s, 0);
    TCGv_i64 a = tcg_temp_new_i64(), b = tcg_temp_new_i64();

    gen_op_ld(s, 1, a);
    gen_op_ld(s, 2, b);
    tcg_gen_andc_i64(a, b, a);
    gen_op_st(s, 0, a);
    gen_flags_arith(s, CC_OP_LOGICB, bits, a, NULL);
}

static void gen_bextr(DisasContext *s)
{
    unsigned bits = opsize(s, 0);
    TCGv_i64 src = tcg_temp_new_i64(), ctl = tcg_temp_new_i64();
    TCGv_i64 start = tcg_temp_new_i64(), len = tcg_temp_new_i64();
    TCGv_i64 res = tcg_temp_new_i64(), m = tcg_temp_new_i64();
    TCGv_i64 zero = tcg_constant_i64(0);

    gen_op_ld(s, 1, src);
    gen_op_ld(s, 2, ctl);
    tcg_gen_extract_i64(start, ctl, 0, 8);
    tcg_gen_extract_i64(len, ctl, 8, 8);
    tcg_gen_shr_i64(res, src, start);
    tcg_gen_movcond_i64(TCG_COND_GEU, res, start, tcg_constant_i64(bits),
                        zero, res);
    /* mask of len ones (all when len >= 64) */
    tcg_gen_shl_i64(m, tcg_constant_i64(1), len);
    tcg_gen_subi_i64(m, m, 1);
    tcg_gen_movcond_i64(TCG_COND_GEU, m, len, tcg_constant_i64(64),
                        tcg_constant_i64(-1), m);
    tcg_gen_and_i64(res, res, m);
    gen_op_st(s, 0, res);
    gen_flags_arith(s, CC_OP_LOGICB, bits, res, NULL);
}

enum { BLS_I, BLS_MSK, BLS_R };

static void gen_bls(DisasContext *s, int kind)
{
    unsigned bits = opsize(s, 0);
    TCGv_i64 src = tcg_temp_new_i64(), res = tcg_temp_new_i64();
    TCGv_i64 t = tcg_temp_new_i64();

    gen_op_ld(s, 1, src);
    switch (kind) {
    case BLS_I:
        tcg_gen_neg_i64(t, src);
        tcg_gen_and_i64(res, src, t);
        /* CC_OP_BMILG sets CF for a zero input; BLSI sets it for a
         * nonzero one: hand it the inverted test */
        tcg_gen_setcondi_i64(TCG_COND_EQ, t, src, 0);
        break;
    case BLS_MSK:
        tcg_gen_subi_i64(t, src, 1);
        tcg_gen_xor_i64(res, src, t);
        tcg_gen_mov_i64(t, src);
        break;
    default:
        tcg_gen_subi_i64(t, src, 1);
        tcg_gen_and_i64(res, src, t);
        tcg_gen_mov_i64(t, src);
        break;
    }
    tcg_gen_ext_i64(res, res, mo_bits(bits));
    gen_op_st(s, 0, res);
    gen_flags_arith(s, CC_OP_BMILGB, bits, res, t);
}

static void gen_bzhi(DisasContext *s)
{
    unsigned bits = opsize(s, 0);
    TCGv_i64 src = tcg_temp_new_i64(), n = tcg_temp_new_i64();
    TCGv_i64 m = tcg_temp_new_i64(), res = tcg_temp_new_i64();
    TCGv_i64 inrange = tcg_temp_new_i64();

    gen_op_ld(s, 1, src);
    gen_op_ld(s, 2, n);
    tcg_gen_andi_i64(n, n, 0xff);
    tcg_gen_shl_i64(m, tcg_constant_i64(1), n);
    tcg_gen_subi_i64(m, m, 1);
    tcg_gen_and_i64(res, src, m);
    tcg_gen_setcondi_i64(TCG_COND_LTU, inrange, n, bits);
    tcg_gen_movcond_i64(TCG_COND_NE, res, inrange, tcg_constant_i64(0), res,
                        src);
    gen_op_st(s, 0, res);
    /* CF when the index is beyond the operand: BMILG's "src == 0" */
    gen_flags_arith(s, CC_OP_BMILGB, bits, res, inrange);
}

static void gen_mulx(DisasContext *s)
{
    unsigned bits = opsize(s, 0);
    TCGv_i64 a = tcg_temp_new_i64(), b = tcg_temp_new_i64();
    TCGv_i64 lo = tcg_temp_new_i64(), hi = tcg_temp_new_i64();

    gen_gpr_read(R_EDX, bits, a);
    gen_op_ld(s, 2, b);
    if (bits == 64) {
        tcg_gen_mulu2_i64(lo, hi, a, b);
    } else {
        tcg_gen_mul_i64(lo, a, b);
        tcg_gen_shri_i64(hi, lo, 32);
    }
    gen_op_st(s, 1, lo);
    gen_op_st(s, 0, hi);     /* the high half wins when both are one reg */
}

static void gen_pdep_pext(DisasContext *s, bool ext)
{
    TCGv_i64 a = tcg_temp_new_i64(), m = tcg_temp_new_i64();
    TCGv_i64 res = tcg_temp_new_i64();

    gen_op_ld(s, 1, a);
    gen_op_ld(s, 2, m);
    tcg_gen_call(ext ? helper_pext : helper_pdep, TCG_CALL_NO_RWG_SE,
                 T64(res), T64(a), T64(m));
    gen_op_st(s, 0, res);
}

static void gen_shift_x(DisasContext *s, ZydisMnemonic mn)
{
    unsigned bits = opsize(s, 0);
    TCGv_i64 a = tcg_temp_new_i64(), c = tcg_temp_new_i64();
    TCGv_i64 res = tcg_temp_new_i64();

    gen_op_ld(s, 1, a);
    if (mn == ZYDIS_MNEMONIC_RORX) {
        TCGv_i64 t = tcg_temp_new_i64();
        unsigned n = s->op[2].imm.value.u & (bits - 1);
        if (bits == 32) {
            tcg_gen_shli_i64(t, a, 32);
            tcg_gen_or_i64(t, t, a);
            tcg_gen_rotri_i64(res, t, n);
        } else {
            tcg_gen_rotri_i64(res, a, n);
        }
    } else {
        gen_op_ld(s, 2, c);
        tcg_gen_andi_i64(c, c, bits - 1);
        if (mn == ZYDIS_MNEMONIC_SARX) {
            tcg_gen_ext_i64(a, a, mo_bits(bits) | MO_SIGN);
            tcg_gen_sar_i64(res, a, c);
        } else if (mn == ZYDIS_MNEMONIC_SHRX) {
            tcg_gen_shr_i64(res, a, c);
        } else {
            tcg_gen_shl_i64(res, a, c);
        }
    }
    gen_op_st(s, 0, res);
}

/* ADCX (CF) / ADOX (OF): add with one flag in and out, others kept */
static void gen_adx(DisasContext *s, unsigned flag_bit)
{
    unsigned bits = opsize(s, 0);
    TCGv_i64 a = tcg_temp_new_i64(), b = tcg_temp_new_i64();
    TCGv_i64 cin = tcg_temp_new_i64(), res = tcg_temp_new_i64();
    TCGv_i64 cout = tcg_temp_new_i64();

    gen_compute_eflags(s);
    tcg_gen_extract_i64(cin, cpu_cc_src, flag_bit, 1);
    gen_op_ld(s, 0, a);
    gen_op_ld(s, 1, b);
    if (bits == 64) {
        TCGv_i64 t = tcg_temp_new_i64(), c1 = tcg_temp_new_i64();
        tcg_gen_add_i64(t, a, cin);
        tcg_gen_setcond_i64(TCG_COND_LTU, c1, t, cin);
        tcg_gen_add_i64(res, t, b);
        tcg_gen_setcond_i64(TCG_COND_LTU, cout, res, b);
        tcg_gen_or_i64(cout, cout, c1);
    } else {
        tcg_gen_add_i64(res, a, b);
        tcg_gen_add_i64(res, res, cin);
        tcg_gen_shri_i64(cout, res, 32);
    }
    gen_op_st(s, 0, res);
    tcg_gen_deposit_i64(cpu_cc_src, cpu_cc_src, cout, flag_bit, 1);
}

bool disas_bits(DisasContext *s)
{
    switch (s->insn.mnemonic) {
    case ZYDIS_MNEMONIC_BT: gen_bt(s, BT_TEST); break;
    case ZYDIS_MNEMONIC_BTS: gen_bt(s, BT_SET); break;
    case ZYDIS_MNEMONIC_BTR: gen_bt(s, BT_RESET); break;
    case ZYDIS_MNEMONIC_BTC: gen_bt(s, BT_COMPLEMENT); break;
    case ZYDIS_MNEMONIC_BSF: gen_bsf_bsr(s, false); break;
    case ZYDIS_MNEMONIC_BSR: gen_bsf_bsr(s, true); break;
    case ZYDIS_MNEMONIC_TZCNT:
        if (has_feature(s, FEAT_7_0_EBX, CPUID_7_0_EBX_BMI1)) {
            gen_tzcnt_lzcnt(s, false);
        } else {
            gen_bsf_bsr(s, false);      /* the F3 prefix is ignored */
        }
        break;
    case ZYDIS_MNEMONIC_LZCNT:
        if (has_feature(s, FEAT_8000_0001_ECX, CPUID_EXT3_ABM)) {
            gen_tzcnt_lzcnt(s, true);
        } else {
            gen_bsf_bsr(s, true);
        }
        break;
    case ZYDIS_MNEMONIC_POPCNT: gen_popcnt(s); break;
    case ZYDIS_MNEMONIC_ANDN:
    case ZYDIS_MNEMONIC_BEXTR:
    case ZYDIS_MNEMONIC_BLSI:
    case ZYDIS_MNEMONIC_BLSMSK:
    case ZYDIS_MNEMONIC_BLSR:
        if (!has_feature(s, FEAT_7_0_EBX, CPUID_7_0_EBX_BMI1)) {
            gen_illegal_opcode(s);
            break;
        }
        switch (s->insn.mnemonic) {
        case ZYDIS_MNEMONIC_ANDN: gen_andn(s); break;
        case ZYDIS_MNEMONIC_BEXTR: gen_bextr(s); break;
        case ZYDIS_MNEMONIC_BLSI: gen_bls(s, BLS_I); break;
        case ZYDIS_MNEMONIC_BLSMSK: gen_bls(s, BLS_MSK); break;
        default: gen_bls(s, BLS_R); break;
        }
        break;
    case ZYDIS_MNEMONIC_BZHI:
    case ZYDIS_MNEMONIC_MULX:
    case ZYDIS_MNEMONIC_PDEP:
    case ZYDIS_MNEMONIC_PEXT:
    case ZYDIS_MNEMONIC_RORX:
    case ZYDIS_MNEMONIC_SARX:
    case ZYDIS_MNEMONIC_SHLX:
    case ZYDIS_MNEMONIC_SHRX:
        if (!has_feature(s, FEAT_7_0_EBX, CPUID_7_0_EBX_BMI2)) {
            gen_illegal_opcode(s);
            break;
        }
        switch (s->insn.mnemonic) {
        case ZYDIS_MNEMONIC_BZHI: gen_bzhi(s); break;
        case ZYDIS_MNEMONIC_MULX: gen_mulx(s); break;
        case ZYDIS_MNEMONIC_PDEP: gen_pdep_pext(s, false); break;
        case ZYDIS_MNEMONIC_PEXT: gen_pdep_pext(s, true); break;
        default: gen_shift_x(s, s->insn.mnemonic); break;
        }
        break;
    case ZYDIS_MNEMONIC_ADCX:
    case ZYDIS_MNEMONIC_ADOX:
        if (!has_feature(s, FEAT_7_0_EBX, CPUID_7_0_EBX_ADX)) {
            gen_illegal_opcode(s);
            break;
        }
        gen_adx(s, s->insn.mnemonic == ZYDIS_MNEMONIC_ADCX ? 0 : 11);
        break;
    default:
        return false;
    }
    return true;
}
