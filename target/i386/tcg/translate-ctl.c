/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Control transfer and the stack: JMP/Jcc/CALL/RET (near and far),
 * LOOP/JCXZ, PUSH/POP and their flag, all-register and segment forms,
 * ENTER/LEAVE, INT n/INT3/INTO, IRET, UD0/1/2. Direct jumps chain to the
 * next block through goto_tb; indirect ones look it up.
 */
#include "util/osdep.h"
#include "target/i386/tcg/translate.h"

/* "shift"/"dflag" of the system helpers: 0 = 16, 1 = 32, 2 = 64 bits */
static int dflag_of(unsigned bits)
{
    return bits == 16 ? 0 : bits == 32 ? 1 : 2;
}

static uint64_t rel_target(DisasContext *s)
{
    return mask_eip(s, next_eip(s) + s->op[0].imm.value.s,
                    s->insn.operand_width);
}

static void gen_jmp_indirect(DisasContext *s, TCGv_i64 target)
{
    gen_set_eip(s, target);
    s->base.is_jmp = DISAS_JUMP;
}

static void gen_jmp(DisasContext *s)
{
    if (op_is_imm(s, 0)) {
        gen_jmp_eip(s, rel_target(s), 0);
    } else {
        TCGv_i64 t = tcg_temp_new_i64();
        gen_op_ld(s, 0, t);
        gen_jmp_indirect(s, t);
    }
}

static void gen_jcc(DisasContext *s)
{
    TCGLabel *taken = gen_new_label();
    uint64_t target = rel_target(s);

    gen_update_cc_op(s);
    gen_jcc_label(s, s->insn.opcode & 15, taken);
    gen_jmp_eip(s, next_eip(s), 1);
    tcg_gen_set_label(taken);
    gen_jmp_eip(s, target, 0);
}

static void gen_loop(DisasContext *s)
{
    unsigned aw = s->insn.address_width;
    ZydisMnemonic mn = s->insn.mnemonic;
    TCGLabel *not_taken = gen_new_label();
    TCGv_i64 cx = tcg_temp_new_i64();
    uint64_t target = rel_target(s);

    gen_update_cc_op(s);
    if (mn == ZYDIS_MNEMONIC_JCXZ || mn == ZYDIS_MNEMONIC_JECXZ ||
        mn == ZYDIS_MNEMONIC_JRCXZ) {
        gen_gpr_read(R_ECX, aw, cx);
        tcg_gen_brcondi_i64(TCG_COND_NE, cx, 0, not_taken);
    } else {
        tcg_gen_subi_i64(cx, cpu_regs[R_ECX], 1);
        gen_gpr_write(R_ECX, aw, cx);
        gen_gpr_read(R_ECX, aw, cx);
        tcg_gen_brcondi_i64(TCG_COND_EQ, cx, 0, not_taken);
        if (mn == ZYDIS_MNEMONIC_LOOPE) {
            gen_jcc_label(s, 5, not_taken);     /* ZF = 0: stop */
        } else if (mn == ZYDIS_MNEMONIC_LOOPNE) {
            gen_jcc_label(s, 4, not_taken);     /* ZF = 1: stop */
        }
    }
    gen_jmp_eip(s, target, 0);
    tcg_gen_set_label(not_taken);
    gen_jmp_eip(s, next_eip(s), 1);
}

static void gen_call(DisasContext *s)
{
    unsigned bits = s->insn.operand_width;
    TCGv_i64 ret = tcg_constant_i64(next_eip(s));

    if (op_is_imm(s, 0)) {
        gen_push(s, ret, bits);
        gen_jmp_eip(s, rel_target(s), 0);
    } else {
        /* the target is read before the push moves rSP */
        TCGv_i64 t = tcg_temp_local_new_i64();
        gen_op_ld(s, 0, t);
        gen_push(s, ret, bits);
        gen_jmp_indirect(s, t);
    }
}

static void gen_ret(DisasContext *s)
{
    unsigned bits = s->insn.operand_width;
    TCGv_i64 t = tcg_temp_new_i64();
    int64_t extra = 0;

    if (s->insn.operand_count_visible >= 1 && op_is_imm(s, 0)) {
        extra = s->op[0].imm.value.u & 0xffff;
    }
    gen_pop_load(s, t, bits, 0);
    gen_sp_add(s, bits / 8 + extra);
    gen_jmp_indirect(s, t);
}

/* Far pointer operand: offset and selector (direct ptr16:16/32 or a
 * memory m16:16/32/64) */
static void gen_far_ptr(DisasContext *s, TCGv_i64 sel, TCGv_i64 off)
{
    unsigned bits = s->insn.operand_width;

    if (s->op[0].type == ZYDIS_OPERAND_TYPE_POINTER) {
        tcg_gen_movi_i64(sel, s->op[0].ptr.segment);
        tcg_gen_movi_i64(off, s->op[0].ptr.offset);
    } else {
        TCGv_i64 a = tcg_temp_new_i64();
        TCGv_i64 addr = gen_op_addr(s, 0);
        gen_ld(s, off, addr, mo_bits(bits));
        tcg_gen_addi_i64(a, addr, bits / 8);
        if (!s->code64) {
            tcg_gen_ext32u_i64(a, a);
        }
        gen_ld(s, sel, a, MO_16);
    }
}

static void gen_real_cs(DisasContext *s, TCGv_i64 sel)
{
    TCGv_i64 base = tcg_temp_new_i64();

    (void)s;
    tcg_gen_st32_i64(sel, tcg_env(), ENV_OFS(segs[R_CS].selector));
    tcg_gen_shli_i64(base, sel, 4);
    tcg_gen_st_i64(base, tcg_env(), ENV_OFS(segs[R_CS].base));
}

static bool prot_mode(DisasContext *s)
{
    return s->pe && !s->vm86;
}

static void gen_ljmp(DisasContext *s)
{
    TCGv_i64 sel = tcg_temp_new_i64(), off = tcg_temp_new_i64();
    TCGv_i32 sel32 = tcg_temp_new_i32();

    gen_far_ptr(s, sel, off);
    gen_update_cc_op(s);
    if (prot_mode(s)) {
        gen_update_eip_cur(s);
        tcg_gen_extrl_i64_i32(sel32, sel);
        tcg_gen_call(helper_ljmp_protected, 0, NULL, ENV(), T32(sel32),
                     T64(off), CI(insn_len(s)));
        s->base.is_jmp = DISAS_JUMP;
    } else {
        gen_real_cs(s, sel);
        gen_jmp_indirect(s, off);
    }
}

static void gen_lcall(DisasContext *s)
{
    TCGv_i64 sel = tcg_temp_new_i64(), off = tcg_temp_new_i64();
    TCGv_i32 sel32 = tcg_temp_new_i32();
    int shift = dflag_of(s->insn.operand_width);

    gen_far_ptr(s, sel, off);
    gen_update_cc_op(s);
    gen_update_eip_cur(s);
    tcg_gen_extrl_i64_i32(sel32, sel);
    if (prot_mode(s)) {
        tcg_gen_call(helper_lcall_protected, 0, NULL, ENV(), T32(sel32),
                     T64(off), CI(shift), CI(insn_len(s)));
    } else {
        tcg_gen_call(helper_lcall_real, 0, NULL, ENV(), T32(sel32), T64(off),
                     CI(shift), CL(next_eip(s)));
    }
    s->base.is_jmp = DISAS_JUMP;
}

static void gen_lret(DisasContext *s)
{
    unsigned bits = s->insn.operand_width;
    int64_t extra = 0;

    if (s->insn.operand_count_visible >= 1 && op_is_imm(s, 0)) {
        extra = s->op[0].imm.value.u & 0xffff;
    }
    gen_update_cc_op(s);
    if (prot_mode(s)) {
        gen_update_eip_cur(s);
        tcg_gen_call(helper_lret_protected, 0, NULL, ENV(),
                     CI(dflag_of(bits)), CI(extra));
        s->base.is_jmp = DISAS_JUMP;
    } else {
        TCGv_i64 off = tcg_temp_new_i64(), sel = tcg_temp_new_i64();
        gen_pop_load(s, off, bits, 0);
        gen_pop_load(s, sel, 16, bits / 8);
        gen_sp_add(s, 2 * (bits / 8) + extra);
        gen_real_cs(s, sel);
        gen_jmp_indirect(s, off);
    }
}

static void gen_iret(DisasContext *s)
{
    int shift = dflag_of(s->insn.operand_width);

    if (s->vm86 && s->iopl != 3) {
        gen_exception_err(s, EXCP0D_GPF, 0);
        return;
    }
    gen_update_cc_op(s);
    gen_update_eip_cur(s);
    if (prot_mode(s)) {
        tcg_gen_call(helper_iret_protected, 0, NULL, ENV(), CI(shift),
                     CI(insn_len(s)));
    } else {
        tcg_gen_call(helper_iret_real, 0, NULL, ENV(), CI(shift));
    }
    set_cc_op(s, CC_OP_DYNAMIC);
    /* IF may have come on: back to the loop to look at interrupts */
    s->base.is_jmp = DISAS_EOB_ONLY;
}

/* ---- stack ---- */

static void gen_push_insn(DisasContext *s)
{
    unsigned bits = s->insn.operand_width;
    TCGv_i64 v = tcg_temp_new_i64();

    if (op_is_imm(s, 0)) {
        tcg_gen_movi_i64(v, s->op[0].imm.value.u & bits_mask(bits));
    } else {
        gen_op_ld(s, 0, v);
    }
    gen_push(s, v, bits);
}

static void gen_pop_insn(DisasContext *s)
{
    unsigned bits = s->insn.operand_width;
    TCGv_i64 v = tcg_temp_new_i64();

    gen_pop_load(s, v, bits, 0);
    /* a memory destination addressed through rSP sees the popped rSP */
    gen_sp_add(s, bits / 8);
    gen_op_st(s, 0, v);
}

static void gen_pushf(DisasContext *s)
{
    unsigned bits = s->insn.operand_width;
    TCGv_i64 v = tcg_temp_new_i64();

    if (s->vm86 && s->iopl != 3) {
        gen_exception_err(s, EXCP0D_GPF, 0);
        return;
    }
    gen_update_cc_op(s);
    tcg_gen_call(helper_read_eflags, TCG_CALL_NO_WG, T64(v), ENV());
    gen_push(s, v, bits);
}

static void gen_popf(DisasContext *s)
{
    unsigned bits = s->insn.operand_width;
    TCGv_i64 v = tcg_temp_new_i64();
    uint32_t mask = CC_OSZAPC | RFLAGS_TF | RFLAGS_DF | RFLAGS_NT |
                    RFLAGS_AC | RFLAGS_ID;

    if (s->vm86 && s->iopl != 3) {
        gen_exception_err(s, EXCP0D_GPF, 0);
        return;
    }
    if (s->cpl == 0 && !s->vm86) {
        mask |= RFLAGS_IF | RFLAGS_IOPL;
    } else if (s->cpl <= s->iopl) {
        mask |= RFLAGS_IF;
    }
    if (bits == 16) {
        mask &= 0xffff;
    }
    gen_pop_load(s, v, bits, 0);
    gen_update_cc_op(s);
    tcg_gen_call(helper_write_eflags, 0, NULL, ENV(), T64(v), CI(mask));
    set_cc_op(s, CC_OP_DYNAMIC);
    gen_sp_add(s, bits / 8);
    s->base.is_jmp = DISAS_EOB_EXIT;
}

static void gen_pusha(DisasContext *s)
{
    unsigned bits = s->insn.operand_width;
    TCGv_i64 sp = tcg_temp_new_i64(), addr = tcg_temp_new_i64();
    TCGv_i64 nsp = tcg_temp_new_i64();

    tcg_gen_mov_i64(sp, cpu_regs[R_ESP]);
    for (int i = 0; i < 8; i++) {
        tcg_gen_subi_i64(nsp, sp, (i + 1) * (bits / 8));
        gen_stack_addr(s, addr, nsp);
        /* order pushed: AX CX DX BX (original SP) BP SI DI */
        gen_st(s, i == R_ESP ? sp : cpu_regs[i], addr, mo_bits(bits));
    }
    tcg_gen_subi_i64(nsp, sp, 8 * (bits / 8));
    gen_gpr_write(R_ESP, s->ss_bits, nsp);
}

static void gen_popa(DisasContext *s)
{
    unsigned bits = s->insn.operand_width;
    TCGv_i64 v[8];

    for (int i = 0; i < 8; i++) {
        v[i] = tcg_temp_new_i64();
        if (i != R_ESP) {
            /* DI is at the lowest address, AX at the highest */
            gen_pop_load(s, v[i], bits, (7 - i) * (bits / 8));
        }
    }
    for (int i = 0; i < 8; i++) {
        if (i != R_ESP) {
            gen_gpr_write(i, bits, v[i]);
        }
    }
    gen_sp_add(s, 8 * (bits / 8));
}

static void gen_enter(DisasContext *s)
{
    unsigned bits = s->insn.operand_width;
    unsigned size = bits / 8;
    uint64_t alloc = s->op[0].imm.value.u & 0xffff;
    unsigned level = s->op[1].imm.value.u & 31;
    TCGv_i64 sp = tcg_temp_new_i64(), addr = tcg_temp_new_i64();
    TCGv_i64 frame = tcg_temp_new_i64(), t = tcg_temp_new_i64();

    tcg_gen_subi_i64(sp, cpu_regs[R_ESP], size);
    gen_stack_addr(s, addr, sp);
    gen_st(s, cpu_regs[R_EBP], addr, mo_bits(bits));
    tcg_gen_mov_i64(frame, sp);
    for (unsigned i = 1; i < level; i++) {
        tcg_gen_subi_i64(t, cpu_regs[R_EBP], i * size);
        gen_stack_addr(s, addr, t);
        gen_ld(s, t, addr, mo_bits(bits));
        tcg_gen_subi_i64(sp, sp, size);
        gen_stack_addr(s, addr, sp);
        gen_st(s, t, addr, mo_bits(bits));
    }
    if (level > 0) {
        tcg_gen_subi_i64(sp, sp, size);
        gen_stack_addr(s, addr, sp);
        gen_st(s, frame, addr, mo_bits(bits));
    }
    gen_gpr_write(R_EBP, bits, frame);
    tcg_gen_subi_i64(sp, sp, alloc);
    gen_gpr_write(R_ESP, s->ss_bits, sp);
}

static void gen_leave(DisasContext *s)
{
    unsigned bits = s->insn.operand_width;
    TCGv_i64 v = tcg_temp_new_i64(), addr = tcg_temp_new_i64();
    TCGv_i64 sp = tcg_temp_new_i64();

    gen_stack_addr(s, addr, cpu_regs[R_EBP]);
    gen_ld(s, v, addr, mo_bits(bits));
    tcg_gen_addi_i64(sp, cpu_regs[R_EBP], bits / 8);
    gen_gpr_write(R_ESP, s->ss_bits, sp);
    gen_gpr_write(R_EBP, bits, v);
}

/* ---- software interrupts ---- */

static void gen_int(DisasContext *s, int vector)
{
    if (s->vm86 && s->iopl != 3 && vector >= 0 &&
        s->insn.mnemonic == ZYDIS_MNEMONIC_INT) {
        gen_exception_err(s, EXCP0D_GPF, 0);
        return;
    }
    gen_update_cc_op(s);
    gen_update_eip_cur(s);
    if (vector < 0) {
        tcg_gen_call(helper_into, 0, NULL, ENV(), CI(insn_len(s)));
    } else {
        tcg_gen_call(helper_raise_interrupt, 0, NULL, ENV(), CI(vector),
                     CI(insn_len(s)));
    }
    if (vector < 0) {
        /* INTO returns when OF is clear */
        s->base.is_jmp = DISAS_EOB_NEXT;
    } else {
        tcg_gen_exit_tb(NULL, 0);
        s->base.is_jmp = DISAS_NORETURN;
    }
}

bool disas_ctl(DisasContext *s)
{
    switch (s->insn.mnemonic) {
    case ZYDIS_MNEMONIC_JMP:
        if (s->op[0].type == ZYDIS_OPERAND_TYPE_POINTER ||
            (op_is_mem(s, 0) && s->insn.meta.branch_type ==
             ZYDIS_BRANCH_TYPE_FAR)) {
            gen_ljmp(s);
        } else {
            gen_jmp(s);
        }
        break;
    case ZYDIS_MNEMONIC_CALL:
        if (s->op[0].type == ZYDIS_OPERAND_TYPE_POINTER ||
            (op_is_mem(s, 0) && s->insn.meta.branch_type ==
             ZYDIS_BRANCH_TYPE_FAR)) {
            gen_lcall(s);
        } else {
            gen_call(s);
        }
        break;
    case ZYDIS_MNEMONIC_RET:
        if (s->insn.meta.branch_type == ZYDIS_BRANCH_TYPE_FAR) {
            gen_lret(s);
        } else {
            gen_ret(s);
        }
        break;
    case ZYDIS_MNEMONIC_JO: case ZYDIS_MNEMONIC_JNO:
    case ZYDIS_MNEMONIC_JB: case ZYDIS_MNEMONIC_JNB:
    case ZYDIS_MNEMONIC_JZ: case ZYDIS_MNEMONIC_JNZ:
    case ZYDIS_MNEMONIC_JBE: case ZYDIS_MNEMONIC_JNBE:
    case ZYDIS_MNEMONIC_JS: case ZYDIS_MNEMONIC_JNS:
    case ZYDIS_MNEMONIC_JP: case ZYDIS_MNEMONIC_JNP:
    case ZYDIS_MNEMONIC_JL: case ZYDIS_MNEMONIC_JNL:
    case ZYDIS_MNEMONIC_JLE: case ZYDIS_MNEMONIC_JNLE:
        gen_jcc(s);
        break;
    case ZYDIS_MNEMONIC_LOOP:
    case ZYDIS_MNEMONIC_LOOPE:
    case ZYDIS_MNEMONIC_LOOPNE:
    case ZYDIS_MNEMONIC_JCXZ:
    case ZYDIS_MNEMONIC_JECXZ:
    case ZYDIS_MNEMONIC_JRCXZ:
        gen_loop(s);
        break;
    case ZYDIS_MNEMONIC_IRET:
    case ZYDIS_MNEMONIC_IRETD:
    case ZYDIS_MNEMONIC_IRETQ:
        gen_iret(s);
        break;
    case ZYDIS_MNEMONIC_PUSH:
        gen_push_insn(s);
        break;
    case ZYDIS_MNEMONIC_POP:
        if (op_is_reg(s, 0) && seg_index(s->op[0].reg.value) >= 0) {
            return false;       /* POP Sreg: translate-sys.c */
        }
        gen_pop_insn(s);
        break;
    case ZYDIS_MNEMONIC_PUSHF:
    case ZYDIS_MNEMONIC_PUSHFD:
    case ZYDIS_MNEMONIC_PUSHFQ:
        gen_pushf(s);
        break;
    case ZYDIS_MNEMONIC_POPF:
    case ZYDIS_MNEMONIC_POPFD:
    case ZYDIS_MNEMONIC_POPFQ:
        gen_popf(s);
        break;
    case ZYDIS_MNEMONIC_PUSHA:
    case ZYDIS_MNEMONIC_PUSHAD:
        gen_pusha(s);
        break;
    case ZYDIS_MNEMONIC_POPA:
    case ZYDIS_MNEMONIC_POPAD:
        gen_popa(s);
        break;
    case ZYDIS_MNEMONIC_ENTER:
        gen_enter(s);
        break;
    case ZYDIS_MNEMONIC_LEAVE:
        gen_leave(s);
        break;
    case ZYDIS_MNEMONIC_INT:
        gen_int(s, s->op[0].imm.value.u & 0xff);
        break;
    case ZYDIS_MNEMONIC_INT3:
        gen_int(s, EXCP03_INT3);
        break;
    case ZYDIS_MNEMONIC_INTO:
        gen_int(s, -1);
        break;
    case ZYDIS_MNEMONIC_UD0:
    case ZYDIS_MNEMONIC_UD1:
    case ZYDIS_MNEMONIC_UD2:
        gen_illegal_opcode(s);
        break;
    default:
        return false;
    }
    return true;
}
