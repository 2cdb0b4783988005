/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 front end: decodes with Zydis in the mode the block's hflags
 * say, and turns each instruction into TCG ops through the instruction
 * group files (translate-*.c). This file holds the translator hooks, the
 * globals, operand access, effective addresses, the stack and block ends.
 *
 * insn_start words: 0 = the insn's eip (pc - cs_base), 1 = the static
 * cc_op at its start (CC_OP_DYNAMIC when env->cc_op is already right).
 */
#include "util/osdep.h"
#include "util/log.h"
#include "target/i386/tcg/translate.h"

__thread TCGv_i64 cpu_regs[CPU_NB_REGS];
__thread TCGv_i64 cpu_cc_dst, cpu_cc_src, cpu_cc_src2;
__thread TCGv_i32 cpu_cc_op;

void x86_translate_init(void)
{
    static const char *const names[CPU_NB_REGS] = {
        "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
    };
    for (int i = 0; i < CPU_NB_REGS; i++) {
        cpu_regs[i] = tcg_global_mem_new_i64(ENV_OFS(regs[i]), names[i]);
    }
    cpu_cc_dst = tcg_global_mem_new_i64(ENV_OFS(cc_dst), "cc_dst");
    cpu_cc_src = tcg_global_mem_new_i64(ENV_OFS(cc_src), "cc_src");
    cpu_cc_src2 = tcg_global_mem_new_i64(ENV_OFS(cc_src2), "cc_src2");
    cpu_cc_op = tcg_global_mem_new_i32(ENV_OFS(cc_op), "cc_op");
}

/* ---- lazy flags bookkeeping ---- */

void set_cc_op(DisasContext *s, CCOp op)
{
    if (op == s->cc_op) {
        return;
    }
    if (op == CC_OP_DYNAMIC) {
        /* the caller has made env->cc_op right (helper wrote it) */
        s->cc_op_dirty = false;
    } else {
        s->cc_op_dirty = true;
    }
    s->cc_op = op;
}

void gen_update_cc_op(DisasContext *s)
{
    if (s->cc_op_dirty) {
        tcg_gen_movi_i32(cpu_cc_op, s->cc_op);
        s->cc_op_dirty = false;
    }
}

/* ---- eip and exceptions ---- */

void gen_set_eip(DisasContext *s, TCGv_i64 eip)
{
    (void)s;
    tcg_gen_st_i64(eip, tcg_env(), ENV_OFS(rip));
}

void gen_update_eip_cur(DisasContext *s)
{
    gen_set_eip(s, tcg_constant_i64(cur_eip(s)));
}

void gen_update_eip_next(DisasContext *s)
{
    gen_set_eip(s, tcg_constant_i64(next_eip(s)));
}

void gen_exception(DisasContext *s, int vector)
{
    gen_update_cc_op(s);
    gen_update_eip_cur(s);
    tcg_gen_call(helper_raise_exception, 0, NULL, ENV(), CI(vector));
    tcg_gen_exit_tb(NULL, 0);
    s->base.is_jmp = DISAS_NORETURN;
}

void gen_exception_err(DisasContext *s, int vector, int err)
{
    gen_update_cc_op(s);
    gen_update_eip_cur(s);
    tcg_gen_call(helper_raise_exception_err, 0, NULL, ENV(), CI(vector),
                 CI(err));
    tcg_gen_exit_tb(NULL, 0);
    s->base.is_jmp = DISAS_NORETURN;
}

void gen_illegal_opcode(DisasContext *s)
{
    gen_exception(s, EXCP06_ILLOP);
}

bool check_cpl0(DisasContext *s)
{
    if (s->cpl != 0) {
        gen_exception_err(s, EXCP0D_GPF, 0);
        return false;
    }
    return true;
}

/* ---- registers ---- */

int gpr_index(ZydisRegister r, bool *high8)
{
    *high8 = false;
    if (r >= ZYDIS_REGISTER_AL && r <= ZYDIS_REGISTER_BL) {
        return r - ZYDIS_REGISTER_AL;
    }
    if (r >= ZYDIS_REGISTER_AH && r <= ZYDIS_REGISTER_BH) {
        *high8 = true;
        return r - ZYDIS_REGISTER_AH;
    }
    if (r >= ZYDIS_REGISTER_SPL && r <= ZYDIS_REGISTER_R15B) {
        return 4 + (r - ZYDIS_REGISTER_SPL);
    }
    if (r >= ZYDIS_REGISTER_AX && r <= ZYDIS_REGISTER_R15W) {
        return r - ZYDIS_REGISTER_AX;
    }
    if (r >= ZYDIS_REGISTER_EAX && r <= ZYDIS_REGISTER_R15D) {
        return r - ZYDIS_REGISTER_EAX;
    }
    if (r >= ZYDIS_REGISTER_RAX && r <= ZYDIS_REGISTER_R15) {
        return r - ZYDIS_REGISTER_RAX;
    }
    return -1;
}

static unsigned gpr_bits(ZydisRegister r)
{
    if (r >= ZYDIS_REGISTER_AL && r <= ZYDIS_REGISTER_R15B) {
        return 8;
    }
    if (r >= ZYDIS_REGISTER_AX && r <= ZYDIS_REGISTER_R15W) {
        return 16;
    }
    if (r >= ZYDIS_REGISTER_EAX && r <= ZYDIS_REGISTER_R15D) {
        return 32;
    }
    return 64;
}

int seg_index(ZydisRegister r)
{
    if (r >= ZYDIS_REGISTER_ES && r <= ZYDIS_REGISTER_GS) {
        return r - ZYDIS_REGISTER_ES;   /* same order as R_ES..R_GS */
    }
    return -1;
}

void gen_gpr_read(int reg, unsigned bits, TCGv_i64 val)
{
    tcg_gen_ext_i64(val, cpu_regs[reg], mo_bits(bits));
}

void gen_gpr_write(int reg, unsigned bits, TCGv_i64 val)
{
    switch (bits) {
    case 8:
        tcg_gen_deposit_i64(cpu_regs[reg], cpu_regs[reg], val, 0, 8);
        break;
    case 16:
        tcg_gen_deposit_i64(cpu_regs[reg], cpu_regs[reg], val, 0, 16);
        break;
    case 32:
        tcg_gen_ext32u_i64(cpu_regs[reg], val);
        break;
    default:
        tcg_gen_mov_i64(cpu_regs[reg], val);
        break;
    }
}

void gen_reg_read(DisasContext *s, ZydisRegister r, TCGv_i64 val)
{
    bool high8;
    int i = gpr_index(r, &high8);
    int seg = seg_index(r);

    if (i >= 0) {
        if (high8) {
            tcg_gen_extract_i64(val, cpu_regs[i], 8, 8);
        } else {
            gen_gpr_read(i, gpr_bits(r), val);
        }
    } else if (seg >= 0) {
        tcg_gen_ld32u_i64(val, tcg_env(), ENV_OFS(segs[seg].selector));
    } else {
        /* the groups only pass registers they handle; anything else is
         * a decoder surprise: log it and read zero */
        kemu_log_mask(LOG_UNIMP, "x86 translate: read of register %s\n",
                      ZydisRegisterGetString(r));
        (void)s;
        tcg_gen_movi_i64(val, 0);
    }
}

void gen_reg_write(DisasContext *s, ZydisRegister r, TCGv_i64 val)
{
    bool high8;
    int i = gpr_index(r, &high8);

    if (i >= 0) {
        if (high8) {
            tcg_gen_deposit_i64(cpu_regs[i], cpu_regs[i], val, 8, 8);
        } else {
            gen_gpr_write(i, gpr_bits(r), val);
        }
        return;
    }
    kemu_log_mask(LOG_UNIMP, "x86 translate: write of register %s\n",
                  ZydisRegisterGetString(r));
    (void)s;
}

/* ---- addresses and memory ---- */

void gen_add_seg(DisasContext *s, TCGv_i64 addr, int seg)
{
    bool add;

    if (s->code64) {
        add = seg == R_FS || seg == R_GS;
    } else {
        /* DS/ES/SS bases are all zero unless HF_ADDSEG */
        add = seg == R_CS || seg == R_FS || seg == R_GS ||
              (s->flags & HF_ADDSEG);
    }
    if (add && seg >= 0) {
        TCGv_i64 base = tcg_temp_new_i64();
        tcg_gen_ld_i64(base, tcg_env(), ENV_OFS(segs[seg].base));
        tcg_gen_add_i64(addr, addr, base);
    }
    if (!s->code64) {
        tcg_gen_ext32u_i64(addr, addr);
    }
}

void gen_lea_op(DisasContext *s, int i, TCGv_i64 ea)
{
    const ZydisDecodedOperandMem *m = &s->op[i].mem;
    unsigned aw = s->insn.address_width;
    int64_t disp = m->disp.has_displacement ? m->disp.value : 0;
    bool have = false;

    if (m->base == ZYDIS_REGISTER_RIP || m->base == ZYDIS_REGISTER_EIP) {
        tcg_gen_movi_i64(ea, next_eip(s) + disp);
        have = true;
    } else {
        if (m->base != ZYDIS_REGISTER_NONE) {
            bool h;
            tcg_gen_addi_i64(ea, cpu_regs[gpr_index(m->base, &h)], disp);
            have = true;
        }
        if (m->index != ZYDIS_REGISTER_NONE) {
            bool h;
            TCGv_i64 t = tcg_temp_new_i64();
            int sh = m->scale == 8 ? 3 : m->scale == 4 ? 2 :
                     m->scale == 2 ? 1 : 0;
            tcg_gen_shli_i64(t, cpu_regs[gpr_index(m->index, &h)], sh);
            if (have) {
                tcg_gen_add_i64(ea, ea, t);
            } else {
                tcg_gen_addi_i64(ea, t, disp);
                have = true;
            }
        }
        if (!have) {
            tcg_gen_movi_i64(ea, disp);
        }
    }
    if (aw == 16) {
        tcg_gen_ext16u_i64(ea, ea);
    } else if (aw == 32) {
        tcg_gen_ext32u_i64(ea, ea);
    }
}

TCGv_i64 gen_op_addr(DisasContext *s, int i)
{
    if (s->a0_op != i) {
        gen_lea_op(s, i, s->A0);
        gen_add_seg(s, s->A0, seg_index(s->op[i].mem.segment));
        s->a0_op = i;
    }
    return s->A0;
}

void gen_ld(DisasContext *s, TCGv_i64 val, TCGv_i64 addr, MemOp mo)
{
    tcg_gen_qemu_ld_i64(val, addr, s->mem_idx, mo);
}

void gen_st(DisasContext *s, TCGv_i64 val, TCGv_i64 addr, MemOp mo)
{
    tcg_gen_qemu_st_i64(val, addr, s->mem_idx, mo);
}

void gen_op_ld(DisasContext *s, int i, TCGv_i64 val)
{
    const ZydisDecodedOperand *o = &s->op[i];

    switch (o->type) {
    case ZYDIS_OPERAND_TYPE_REGISTER:
        gen_reg_read(s, o->reg.value, val);
        break;
    case ZYDIS_OPERAND_TYPE_MEMORY:
        gen_ld(s, val, gen_op_addr(s, i), mo_bits(o->size));
        break;
    case ZYDIS_OPERAND_TYPE_IMMEDIATE:
        tcg_gen_movi_i64(val, o->imm.value.u & bits_mask(o->size));
        break;
    default:
        tcg_gen_movi_i64(val, 0);
        break;
    }
}

void gen_op_st(DisasContext *s, int i, TCGv_i64 val)
{
    const ZydisDecodedOperand *o = &s->op[i];

    switch (o->type) {
    case ZYDIS_OPERAND_TYPE_REGISTER:
        gen_reg_write(s, o->reg.value, val);
        break;
    case ZYDIS_OPERAND_TYPE_MEMORY:
        gen_st(s, val, gen_op_addr(s, i), mo_bits(o->size));
        break;
    default:
        break;
    }
}

/* ---- stack ---- */

void gen_stack_addr(DisasContext *s, TCGv_i64 addr, TCGv_i64 sp)
{
    if (s->ss_bits == 16) {
        tcg_gen_ext16u_i64(addr, sp);
    } else if (s->ss_bits == 32) {
        tcg_gen_ext32u_i64(addr, sp);
    } else {
        tcg_gen_mov_i64(addr, sp);
    }
    gen_add_seg(s, addr, R_SS);
}

void gen_push(DisasContext *s, TCGv_i64 val, unsigned bits)
{
    TCGv_i64 sp = tcg_temp_new_i64();
    TCGv_i64 addr = tcg_temp_new_i64();

    tcg_gen_subi_i64(sp, cpu_regs[R_ESP], bits / 8);
    gen_stack_addr(s, addr, sp);
    /* store first: a fault leaves rSP untouched */
    gen_st(s, val, addr, mo_bits(bits));
    gen_gpr_write(R_ESP, s->ss_bits, sp);
}

void gen_pop_load(DisasContext *s, TCGv_i64 val, unsigned bits,
                  unsigned offset)
{
    TCGv_i64 sp = tcg_temp_new_i64();
    TCGv_i64 addr = tcg_temp_new_i64();

    tcg_gen_addi_i64(sp, cpu_regs[R_ESP], offset);
    gen_stack_addr(s, addr, sp);
    gen_ld(s, val, addr, mo_bits(bits));
}

void gen_sp_add(DisasContext *s, int64_t delta)
{
    TCGv_i64 sp = tcg_temp_new_i64();
    tcg_gen_addi_i64(sp, cpu_regs[R_ESP], delta);
    gen_gpr_write(R_ESP, s->ss_bits, sp);
}

/* ---- block ends ---- */

uint64_t mask_eip(DisasContext *s, uint64_t eip, unsigned bits)
{
    if (s->code64) {
        return eip;
    }
    return bits == 16 ? (eip & 0xffff) : (eip & 0xffffffffull);
}

static bool use_goto_tb(DisasContext *s, uint64_t pc)
{
    if (s->base.tb->cflags & CF_NO_GOTO_TB) {
        return false;
    }
    if (s->flags & (HF_TF | HF_SINGLESTEP | HF_INHIBIT_IRQ)) {
        return false;
    }
    /* a direct jump is only valid while the target's page mapping is the
     * one this block was made under: stay within our own pages */
    return (pc & TARGET_PAGE_MASK) == (s->base.pc_first & TARGET_PAGE_MASK) ||
           (pc & TARGET_PAGE_MASK) == (s->pc_start & TARGET_PAGE_MASK);
}

void gen_eob(DisasContext *s, bool lookup)
{
    gen_update_cc_op(s);
    if (s->flags & HF_SINGLESTEP) {
        tcg_gen_call(helper_debug, 0, NULL, ENV());
        tcg_gen_exit_tb(NULL, 0);
    } else if (s->flags & HF_TF) {
        tcg_gen_call(helper_single_step, 0, NULL, ENV());
        tcg_gen_exit_tb(NULL, 0);
    } else if (lookup && !(s->flags & HF_INHIBIT_IRQ) &&
               !(s->base.tb->cflags & CF_NO_GOTO_PTR)) {
        tcg_gen_lookup_and_goto_ptr();
    } else {
        tcg_gen_exit_tb(NULL, 0);
    }
    s->base.is_jmp = DISAS_NORETURN;
}

void gen_jmp_eip(DisasContext *s, uint64_t eip, unsigned slot)
{
    gen_update_cc_op(s);
    if (use_goto_tb(s, s->cs_base + eip)) {
        tcg_gen_goto_tb(slot);
        gen_set_eip(s, tcg_constant_i64(eip));
        tcg_gen_exit_tb(s->base.tb, slot);
        s->base.is_jmp = DISAS_NORETURN;
    } else {
        gen_set_eip(s, tcg_constant_i64(eip));
        gen_eob(s, true);
    }
}

/* ---- translator hooks ---- */

static void x86_init_disas_context(DisasContextBase *db, CPUState *cpu)
{
    DisasContext *s = container_of(db, DisasContext, base);
    TranslationBlock *tb = db->tb;
    uint32_t f = tb->flags;
    ZydisMachineMode mode;
    ZydisStackWidth sw;

    s->env = cpu_env(cpu);
    s->flags = f;
    if (tb->cflags & CF_SINGLE_STEP) {
        /* gdb's step, or a watchpoint's replay: one insn, then
         * EXCP_DEBUG (the hflag alone misses the replay) */
        s->flags |= HF_SINGLESTEP;
    }
    s->cs_base = tb->cs_base;
    s->cpl = (f & HF_CPL_MASK) >> HF_CPL_SHIFT;
    s->iopl = (f & HF_IOPL_MASK) >> HF_IOPL_SHIFT;
    s->pe = f & HF_PE;
    s->vm86 = f & HF_VM;
    s->code64 = (f & HF_CS64) != 0;
    s->ss_bits = s->code64 ? 64 : (f & HF_SS32) ? 32 : 16;
    if (s->code64) {
        mode = ZYDIS_MACHINE_MODE_LONG_64;
    } else if (f & HF_LMA) {
        mode = (f & HF_CS32) ? ZYDIS_MACHINE_MODE_LONG_COMPAT_32
                             : ZYDIS_MACHINE_MODE_LONG_COMPAT_16;
    } else if (s->pe && !s->vm86) {
        mode = (f & HF_CS32) ? ZYDIS_MACHINE_MODE_LEGACY_32
                             : ZYDIS_MACHINE_MODE_LEGACY_16;
    } else {
        mode = ZYDIS_MACHINE_MODE_REAL_16;
    }
    sw = s->ss_bits == 64 ? ZYDIS_STACK_WIDTH_64 :
         s->ss_bits == 32 ? ZYDIS_STACK_WIDTH_32 : ZYDIS_STACK_WIDTH_16;
    ZydisDecoderInit(&s->dec, mode, sw);

    /* x86_mmu_index() semantics from the block's flags */
    if (!(f & HF_PG)) {
        s->mem_idx = MMU_PHYS_IDX;
    } else if (s->cpl == 3) {
        s->mem_idx = MMU_USER_IDX;
    } else if ((f & HF_SMAP) && !(f & HF_AC)) {
        s->mem_idx = MMU_KSMAP_IDX;
    } else {
        s->mem_idx = MMU_KNOSMAP_IDX;
    }
    s->cc_op = CC_OP_DYNAMIC;
    s->cc_op_dirty = false;
    /* one instruction per block when it must be followed by a trap or
     * an interrupt check */
    if (f & (HF_TF | HF_SINGLESTEP | HF_INHIBIT_IRQ)) {
        db->max_insns = 1;
    }
}

static void x86_tb_start(DisasContextBase *db, CPUState *cpu)
{
    DisasContext *s = container_of(db, DisasContext, base);

    (void)cpu;
    s->A0 = tcg_temp_local_new_i64();
    if (s->flags & HF_INHIBIT_IRQ) {
        /* the shadow covers exactly this block's one instruction */
        tcg_gen_call(helper_reset_inhibit_irq, TCG_CALL_NO_WG, NULL, ENV());
    }
}

static void x86_insn_start(DisasContextBase *db, CPUState *cpu)
{
    DisasContext *s = container_of(db, DisasContext, base);

    (void)cpu;
    tcg_gen_insn_start(db->pc_next - s->cs_base, s->cc_op);
}

static void disas_insn(DisasContext *s)
{
    if (disas_alu(s) || disas_bits(s) || disas_ctl(s) || disas_string(s) ||
        disas_sys(s) || disas_x87(s) || disas_fpu(s) || disas_mmx(s) ||
        disas_sse41(s) || disas_crypto(s) ||
        disas_sse(s) || disas_avx(s)) {
        return;
    }
    kemu_log_mask(LOG_UNIMP, "x86 translate: %s at %#" PRIx64
                  " not implemented: #UD\n",
                  ZydisMnemonicGetString(s->insn.mnemonic), s->pc_start);
    gen_illegal_opcode(s);
}

static void x86_translate_insn(DisasContextBase *db, CPUState *cpu)
{
    DisasContext *s = container_of(db, DisasContext, base);
    uint8_t buf[ZYDIS_MAX_INSTRUCTION_LENGTH];
    size_t n;
    ZyanStatus st;

    s->pc_start = db->pc_next;
    s->a0_op = -1;
    n = translator_fetch(db, cpu, db->pc_next, buf, sizeof(buf));
    for (;;) {
        st = ZydisDecoderDecodeFull(&s->dec, buf, n, &s->insn, s->op);
        if (st != ZYDIS_STATUS_NO_MORE_DATA || n == sizeof(buf)) {
            break;
        }
        /* the insn runs into a page we cannot fetch */
        if (db->num_insns > 1) {
            /* let it start its own block, where the fault is precise */
            db->is_jmp = DISAS_TOO_MANY;
            return;
        }
        /* raises the fetch fault on the next page */
        n += translator_fetch(db, cpu, db->pc_next + n, buf + n, 1);
    }
    if (!ZYAN_SUCCESS(st)) {
        db->pc_next += 1;
        if (st == ZYDIS_STATUS_INSTRUCTION_TOO_LONG) {
            gen_exception_err(s, EXCP0D_GPF, 0);
        } else {
            kemu_log_mask(LOG_GUEST_ERROR, "x86: invalid opcode at %#"
                          PRIx64 "\n", s->pc_start);
            gen_illegal_opcode(s);
        }
        return;
    }
    db->pc_next += s->insn.length;
    s->lock = s->insn.attributes & ZYDIS_ATTRIB_HAS_LOCK;
    s->repz = s->insn.attributes & ZYDIS_ATTRIB_HAS_REPE;
    s->repnz = s->insn.attributes & ZYDIS_ATTRIB_HAS_REPNE;
    s->rep = (s->insn.attributes & ZYDIS_ATTRIB_HAS_REP) || s->repz ||
             s->repnz;
    disas_insn(s);
}

static void x86_tb_stop(DisasContextBase *db, CPUState *cpu)
{
    DisasContext *s = container_of(db, DisasContext, base);

    (void)cpu;
    switch ((int)db->is_jmp) {
    case DISAS_NORETURN:
        break;
    case DISAS_NEXT:
    case DISAS_TOO_MANY:
        gen_jmp_eip(s, db->pc_next - s->cs_base, 0);
        break;
    case DISAS_EOB_NEXT:
        gen_update_eip_next(s);
        gen_eob(s, true);
        break;
    case DISAS_EOB_EXIT:
        gen_update_eip_next(s);
        gen_eob(s, false);
        break;
    case DISAS_JUMP:
        gen_eob(s, true);
        break;
    case DISAS_EOB_ONLY:
        gen_eob(s, false);
        break;
    default:
        g_assert_not_reached();
    }
}

static const TranslatorOps x86_translator_ops = {
    .init_disas_context = x86_init_disas_context,
    .tb_start = x86_tb_start,
    .insn_start = x86_insn_start,
    .translate_insn = x86_translate_insn,
    .tb_stop = x86_tb_stop,
};

void x86_translate_code(CPUState *cpu, TranslationBlock *tb, int max_insns)
{
    DisasContext dc;

    memset(&dc, 0, sizeof(dc));
    translator_loop(cpu, tb, max_insns, &x86_translator_ops, &dc.base);
}
