/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * String instructions (MOVS STOS LODS CMPS SCAS INS OUTS) and port I/O
 * (IN OUT). A REP-prefixed string instruction does one element per pass
 * and jumps back to itself (a chained block), so rCX/rSI/rDI are exact
 * after every element: a fault or an interrupt in the middle resumes at
 * the right element.
 */
#include "util/osdep.h"
#include "target/i386/tcg/translate.h"

enum { STR_MOVS, STR_STOS, STR_LODS, STR_CMPS, STR_SCAS, STR_INS, STR_OUTS };

/* I/O permission: only outside CPL <= IOPL (or in vm86) is the TSS
 * bitmap consulted */
static void gen_check_io(DisasContext *s, TCGv_i32 port, unsigned bits)
{
    if (s->pe && (s->cpl > s->iopl || s->vm86)) {
        gen_update_cc_op(s);
        gen_update_eip_cur(s);
        tcg_gen_call(helper_check_io, 0, NULL, ENV(), T32(port),
                     CI(bits / 8));
    }
}

static void gen_in(TCGv_i64 val, TCGv_i32 port, unsigned bits)
{
    TCGv_i32 v = tcg_temp_new_i32();

    if (bits == 8) {
        tcg_gen_call(helper_inb, 0, T32(v), ENV(), T32(port));
    } else if (bits == 16) {
        tcg_gen_call(helper_inw, 0, T32(v), ENV(), T32(port));
    } else {
        tcg_gen_call(helper_inl, 0, T32(v), ENV(), T32(port));
    }
    tcg_gen_extu_i32_i64(val, v);
}

static void gen_out(TCGv_i64 val, TCGv_i32 port, unsigned bits)
{
    TCGv_i32 v = tcg_temp_new_i32();

    tcg_gen_extrl_i64_i32(v, val);
    if (bits == 8) {
        tcg_gen_call(helper_outb, 0, NULL, ENV(), T32(port), T32(v));
    } else if (bits == 16) {
        tcg_gen_call(helper_outw, 0, NULL, ENV(), T32(port), T32(v));
    } else {
        tcg_gen_call(helper_outl, 0, NULL, ENV(), T32(port), T32(v));
    }
}

static void gen_dx_port(TCGv_i32 port)
{
    TCGv_i32 t = tcg_temp_new_i32();
    tcg_gen_extrl_i64_i32(t, cpu_regs[R_EDX]);
    tcg_gen_ext16u_i32(port, t);
}

static void gen_port_operand(DisasContext *s, int i, TCGv_i32 port)
{
    if (op_is_imm(s, i)) {
        tcg_gen_movi_i32(port, s->op[i].imm.value.u & 0xff);
    } else {
        gen_dx_port(port);
    }
}

static void gen_in_out(DisasContext *s, bool out)
{
    /* IN acc, port / OUT port, acc */
    int acc = out ? 1 : 0;
    unsigned bits = opsize(s, acc);
    TCGv_i32 port = tcg_temp_new_i32();
    TCGv_i64 v = tcg_temp_new_i64();

    gen_port_operand(s, out ? 0 : 1, port);
    gen_check_io(s, port, bits);
    if (out) {
        gen_op_ld(s, acc, v);
        gen_out(v, port, bits);
    } else {
        gen_in(v, port, bits);
        gen_op_st(s, acc, v);
    }
}

/* rSI/rDI at the address size, with a segment */
static void gen_str_addr(DisasContext *s, TCGv_i64 addr, int reg, int seg)
{
    gen_gpr_read(reg, s->insn.address_width, addr);
    gen_add_seg(s, addr, seg);
}

static void gen_str_advance(DisasContext *s, int reg, TCGv_i64 step)
{
    TCGv_i64 t = tcg_temp_new_i64();
    tcg_gen_add_i64(t, cpu_regs[reg], step);
    gen_gpr_write(reg, s->insn.address_width, t);
}

/* The source segment: DS unless overridden (Zydis resolved it on the
 * memory operand addressed through rSI) */
static int src_seg(DisasContext *s)
{
    for (int i = 0; i < s->insn.operand_count; i++) {
        bool h;
        if (op_is_mem(s, i) && gpr_index(s->op[i].mem.base, &h) == R_ESI) {
            return seg_index(s->op[i].mem.segment);
        }
    }
    return R_DS;
}

static void gen_string_body(DisasContext *s, int kind, unsigned bits,
                            TCGv_i64 step)
{
    MemOp mo = mo_bits(bits);
    TCGv_i64 a = tcg_temp_new_i64(), b = tcg_temp_new_i64();
    TCGv_i64 addr = tcg_temp_new_i64();
    TCGv_i32 port;

    switch (kind) {
    case STR_MOVS:
        gen_str_addr(s, addr, R_ESI, src_seg(s));
        gen_ld(s, a, addr, mo);
        gen_str_addr(s, addr, R_EDI, R_ES);
        gen_st(s, a, addr, mo);
        gen_str_advance(s, R_ESI, step);
        gen_str_advance(s, R_EDI, step);
        break;
    case STR_STOS:
        gen_str_addr(s, addr, R_EDI, R_ES);
        gen_st(s, cpu_regs[R_EAX], addr, mo);
        gen_str_advance(s, R_EDI, step);
        break;
    case STR_LODS:
        gen_str_addr(s, addr, R_ESI, src_seg(s));
        gen_ld(s, a, addr, mo);
        gen_gpr_write(R_EAX, bits, a);
        gen_str_advance(s, R_ESI, step);
        break;
    case STR_CMPS:
    case STR_SCAS:
        if (kind == STR_CMPS) {
            gen_str_addr(s, addr, R_ESI, src_seg(s));
            gen_ld(s, a, addr, mo);
        } else {
            tcg_gen_ext_i64(a, cpu_regs[R_EAX], mo);
        }
        gen_str_addr(s, addr, R_EDI, R_ES);
        gen_ld(s, b, addr, mo);
        tcg_gen_sub_i64(a, a, b);
        gen_flags_arith(s, CC_OP_SUBB, bits, a, b);
        if (kind == STR_CMPS) {
            gen_str_advance(s, R_ESI, step);
        }
        gen_str_advance(s, R_EDI, step);
        break;
    case STR_INS:
        port = tcg_temp_new_i32();
        gen_dx_port(port);
        gen_str_addr(s, addr, R_EDI, R_ES);
        /* probe the destination first: a faulting store must not have
         * consumed the port's data */
        gen_ld(s, b, addr, mo);
        gen_in(a, port, bits);
        gen_st(s, a, addr, mo);
        gen_str_advance(s, R_EDI, step);
        break;
    case STR_OUTS:
        port = tcg_temp_new_i32();
        gen_dx_port(port);
        gen_str_addr(s, addr, R_ESI, src_seg(s));
        gen_ld(s, a, addr, mo);
        gen_out(a, port, bits);
        gen_str_advance(s, R_ESI, step);
        break;
    }
}

static void gen_string(DisasContext *s, int kind, unsigned bits)
{
    TCGv_i64 step = tcg_temp_local_new_i64();
    TCGv_i64 df = tcg_temp_new_i64();
    unsigned aw = s->insn.address_width;

    if (kind == STR_INS || kind == STR_OUTS) {
        TCGv_i32 port = tcg_temp_new_i32();
        gen_dx_port(port);
        gen_check_io(s, port, bits);
    }
    /* step = DF ? -size : size */
    tcg_gen_ld_i64(df, tcg_env(), ENV_OFS(rflags));
    tcg_gen_extract_i64(df, df, 10, 1);
    tcg_gen_muli_i64(step, df, -2 * (int64_t)(bits / 8));
    tcg_gen_addi_i64(step, step, bits / 8);

    if (!s->rep) {
        gen_string_body(s, kind, bits, step);
        return;
    }

    TCGLabel *done = gen_new_label();
    TCGv_i64 cx = tcg_temp_new_i64();

    gen_update_cc_op(s);
    gen_gpr_read(R_ECX, aw, cx);
    tcg_gen_brcondi_i64(TCG_COND_EQ, cx, 0, done);
    gen_string_body(s, kind, bits, step);
    cx = tcg_temp_new_i64();
    tcg_gen_subi_i64(cx, cpu_regs[R_ECX], 1);
    gen_gpr_write(R_ECX, aw, cx);
    gen_update_cc_op(s);
    if (kind == STR_CMPS || kind == STR_SCAS) {
        /* REPE stops on a difference, REPNE on a match */
        gen_jcc_label(s, s->repz ? 5 : 4, done);
    }
    gen_gpr_read(R_ECX, aw, cx);
    tcg_gen_brcondi_i64(TCG_COND_EQ, cx, 0, done);
    gen_jmp_eip(s, cur_eip(s), 0);
    tcg_gen_set_label(done);
    /* both paths stored their cc_op */
    set_cc_op(s, CC_OP_DYNAMIC);
    gen_jmp_eip(s, next_eip(s), 1);
}

bool disas_string(DisasContext *s)
{
    bool legacy = s->insn.opcode_map == ZYDIS_OPCODE_MAP_DEFAULT;

    switch (s->insn.mnemonic) {
    case ZYDIS_MNEMONIC_MOVSB: gen_string(s, STR_MOVS, 8); break;
    case ZYDIS_MNEMONIC_MOVSW: gen_string(s, STR_MOVS, 16); break;
    case ZYDIS_MNEMONIC_MOVSD:
        if (!legacy) {
            return false;       /* SSE2 MOVSD */
        }
        gen_string(s, STR_MOVS, 32);
        break;
    case ZYDIS_MNEMONIC_MOVSQ: gen_string(s, STR_MOVS, 64); break;
    case ZYDIS_MNEMONIC_STOSB: gen_string(s, STR_STOS, 8); break;
    case ZYDIS_MNEMONIC_STOSW: gen_string(s, STR_STOS, 16); break;
    case ZYDIS_MNEMONIC_STOSD: gen_string(s, STR_STOS, 32); break;
    case ZYDIS_MNEMONIC_STOSQ: gen_string(s, STR_STOS, 64); break;
    case ZYDIS_MNEMONIC_LODSB: gen_string(s, STR_LODS, 8); break;
    case ZYDIS_MNEMONIC_LODSW: gen_string(s, STR_LODS, 16); break;
    case ZYDIS_MNEMONIC_LODSD: gen_string(s, STR_LODS, 32); break;
    case ZYDIS_MNEMONIC_LODSQ: gen_string(s, STR_LODS, 64); break;
    case ZYDIS_MNEMONIC_CMPSB: gen_string(s, STR_CMPS, 8); break;
    case ZYDIS_MNEMONIC_CMPSW: gen_string(s, STR_CMPS, 16); break;
    case ZYDIS_MNEMONIC_CMPSD:
        if (!legacy) {
            return false;       /* SSE2 CMPSD */
        }
        gen_string(s, STR_CMPS, 32);
        break;
    case ZYDIS_MNEMONIC_CMPSQ: gen_string(s, STR_CMPS, 64); break;
    case ZYDIS_MNEMONIC_SCASB: gen_string(s, STR_SCAS, 8); break;
    case ZYDIS_MNEMONIC_SCASW: gen_string(s, STR_SCAS, 16); break;
    case ZYDIS_MNEMONIC_SCASD: gen_string(s, STR_SCAS, 32); break;
    case ZYDIS_MNEMONIC_SCASQ: gen_string(s, STR_SCAS, 64); break;
    case ZYDIS_MNEMONIC_INSB: gen_string(s, STR_INS, 8); break;
    case ZYDIS_MNEMONIC_INSW: gen_string(s, STR_INS, 16); break;
    case ZYDIS_MNEMONIC_INSD: gen_string(s, STR_INS, 32); break;
    case ZYDIS_MNEMONIC_OUTSB: gen_string(s, STR_OUTS, 8); break;
    case ZYDIS_MNEMONIC_OUTSW: gen_string(s, STR_OUTS, 16); break;
    case ZYDIS_MNEMONIC_OUTSD: gen_string(s, STR_OUTS, 32); break;
    case ZYDIS_MNEMONIC_IN: gen_in_out(s, false); break;
    case ZYDIS_MNEMONIC_OUT: gen_in_out(s, true); break;
    default:
        return false;
    }
    return true;
}
