/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * System instructions: segment loads, descriptor tables, control and
 * debug registers, MSRs, CPUID/RDTSC, CLI/STI/HLT, SYSCALL family,
 * SWAPGS, XGETBV/XSETBV, RDRAND, LAR/LSL/VERR/VERW/ARPL, BOUND, SMAP.
 * The work is in the system helpers (sys-helpers.h); here are the
 * privilege checks that depend only on the block's mode, and the block
 * ends after anything that changes what translated code depends on.
 */
#include "util/osdep.h"
#include "target/i386/tcg/translate.h"

static bool prot_mode(DisasContext *s)
{
    return s->pe && !s->vm86;
}

/* UMIP: SGDT/SIDT/SLDT/STR/SMSW need CPL 0 when CR4.UMIP is on */
static bool check_umip(DisasContext *s)
{
    if ((s->flags & HF_UMIP) && s->cpl > 0) {
        gen_exception_err(s, EXCP0D_GPF, 0);
        return false;
    }
    return true;
}

/* Helpers that may fault or read the architectural state want rip and
 * the lazy flags in env */
static void gen_sync(DisasContext *s)
{
    gen_update_cc_op(s);
    gen_update_eip_cur(s);
}

static void gen_cli_sti(DisasContext *s, bool sti)
{
    TCGv_i64 f = tcg_temp_new_i64();

    if (s->pe && s->cpl > s->iopl) {
        gen_exception_err(s, EXCP0D_GPF, 0);
        return;
    }
    tcg_gen_ld_i64(f, tcg_env(), ENV_OFS(rflags));
    if (sti) {
        tcg_gen_ori_i64(f, f, RFLAGS_IF);
    } else {
        tcg_gen_andi_i64(f, f, ~(int64_t)RFLAGS_IF);
    }
    tcg_gen_st_i64(f, tcg_env(), ENV_OFS(rflags));
    if (sti) {
        /* interrupts wait one more instruction; then the loop looks */
        tcg_gen_call(helper_set_inhibit_irq, TCG_CALL_NO_WG, NULL, ENV());
        s->base.is_jmp = DISAS_EOB_EXIT;
    }
}

static void gen_load_seg(DisasContext *s, int seg, TCGv_i64 sel)
{
    TCGv_i32 t = tcg_temp_new_i32();

    gen_sync(s);
    tcg_gen_extrl_i64_i32(t, sel);
    tcg_gen_ext16u_i32(t, t);
    tcg_gen_call(helper_load_seg, 0, NULL, ENV(), CI(seg), T32(t));
    if (seg == R_SS) {
        tcg_gen_call(helper_set_inhibit_irq, TCG_CALL_NO_WG, NULL, ENV());
    }
    /* the base or the mode (HF_ADDSEG, HF_SS32) may have changed */
    s->base.is_jmp = DISAS_EOB_NEXT;
}

static void gen_mov_sreg(DisasContext *s)
{
    int seg = seg_index(s->op[0].reg.value);
    TCGv_i64 v = tcg_temp_new_i64();

    if (seg == R_CS) {
        gen_illegal_opcode(s);
        return;
    }
    gen_op_ld(s, 1, v);
    gen_load_seg(s, seg, v);
}

static void gen_pop_sreg(DisasContext *s)
{
    int seg = seg_index(s->op[0].reg.value);
    unsigned bits = s->insn.operand_width;
    TCGv_i64 v = tcg_temp_new_i64();

    gen_pop_load(s, v, bits, 0);
    gen_load_seg(s, seg, v);
    gen_sp_add(s, bits / 8);
}

static void gen_lxs(DisasContext *s, int seg)
{
    unsigned bits = opsize(s, 0);
    TCGv_i64 off = tcg_temp_new_i64(), sel = tcg_temp_new_i64();
    TCGv_i64 a = tcg_temp_new_i64();
    TCGv_i64 addr = gen_op_addr(s, 1);

    gen_ld(s, off, addr, mo_bits(bits));
    tcg_gen_addi_i64(a, addr, bits / 8);
    if (!s->code64) {
        tcg_gen_ext32u_i64(a, a);
    }
    gen_ld(s, sel, a, MO_16);
    gen_load_seg(s, seg, sel);
    gen_op_st(s, 0, off);
}

static void gen_mov_cr(DisasContext *s)
{
    TCGv_i64 v = tcg_temp_new_i64();

    if (!check_cpl0(s)) {
        return;
    }
    gen_sync(s);
    if (op_is_reg(s, 0) && s->op[0].reg.value >= ZYDIS_REGISTER_CR0 &&
        s->op[0].reg.value <= ZYDIS_REGISTER_CR15) {
        gen_op_ld(s, 1, v);
        tcg_gen_call(helper_write_crN, 0, NULL, ENV(),
                     CI(s->op[0].reg.value - ZYDIS_REGISTER_CR0), T64(v));
        /* paging, CR0.TS/MP/EM, CR4 bits or the TPR changed */
        s->base.is_jmp = DISAS_EOB_EXIT;
    } else {
        tcg_gen_call(helper_read_crN, 0, T64(v), ENV(),
                     CI(s->op[1].reg.value - ZYDIS_REGISTER_CR0));
        gen_op_st(s, 0, v);
    }
}

static void gen_mov_dr(DisasContext *s)
{
    TCGv_i64 v = tcg_temp_new_i64();

    if (!check_cpl0(s)) {
        return;
    }
    gen_sync(s);
    if (op_is_reg(s, 0) && s->op[0].reg.value >= ZYDIS_REGISTER_DR0 &&
        s->op[0].reg.value <= ZYDIS_REGISTER_DR15) {
        gen_op_ld(s, 1, v);
        tcg_gen_call(helper_set_dr, 0, NULL, ENV(),
                     CI(s->op[0].reg.value - ZYDIS_REGISTER_DR0), T64(v));
        s->base.is_jmp = DISAS_EOB_NEXT;
    } else {
        tcg_gen_call(helper_get_dr, 0, T64(v), ENV(),
                     CI(s->op[1].reg.value - ZYDIS_REGISTER_DR0));
        gen_op_st(s, 0, v);
    }
}

/* LGDT/LIDT: limit word then base (24 bits with a 16-bit operand size
 * outside 64-bit mode, 64 bits in it) */
static void gen_ldt_reg(DisasContext *s, bool idt)
{
    TCGv_i64 limit = tcg_temp_new_i64(), base = tcg_temp_new_i64();
    TCGv_i64 a = tcg_temp_new_i64();
    TCGv_i32 lim32 = tcg_temp_new_i32();
    TCGv_i64 addr;

    if (!check_cpl0(s)) {
        return;
    }
    addr = gen_op_addr(s, 0);
    gen_ld(s, limit, addr, MO_16);
    tcg_gen_addi_i64(a, addr, 2);
    if (!s->code64) {
        tcg_gen_ext32u_i64(a, a);
    }
    gen_ld(s, base, a, s->code64 ? MO_64 : MO_32);
    if (!s->code64 && s->insn.operand_width == 16) {
        tcg_gen_andi_i64(base, base, 0xffffff);
    }
    tcg_gen_extrl_i64_i32(lim32, limit);
    gen_sync(s);
    tcg_gen_call(idt ? helper_lidt : helper_lgdt, 0, NULL, ENV(), T64(base),
                 T32(lim32));
}

static void gen_sdt_reg(DisasContext *s, bool idt)
{
    TCGv_i64 limit = tcg_temp_new_i64(), base = tcg_temp_new_i64();
    TCGv_i64 a = tcg_temp_new_i64();
    TCGv_i64 addr;

    if (!check_umip(s)) {
        return;
    }
    if (idt) {
        tcg_gen_ld32u_i64(limit, tcg_env(), ENV_OFS(idt.limit));
        tcg_gen_ld_i64(base, tcg_env(), ENV_OFS(idt.base));
    } else {
        tcg_gen_ld32u_i64(limit, tcg_env(), ENV_OFS(gdt.limit));
        tcg_gen_ld_i64(base, tcg_env(), ENV_OFS(gdt.base));
    }
    if (!s->code64 && s->insn.operand_width == 16) {
        tcg_gen_andi_i64(base, base, 0xffffff);
    }
    addr = gen_op_addr(s, 0);
    gen_st(s, limit, addr, MO_16);
    tcg_gen_addi_i64(a, addr, 2);
    if (!s->code64) {
        tcg_gen_ext32u_i64(a, a);
    }
    gen_st(s, base, a, s->code64 ? MO_64 : MO_32);
}

static void gen_lldt_ltr(DisasContext *s, bool tr)
{
    TCGv_i64 v = tcg_temp_new_i64();
    TCGv_i32 t = tcg_temp_new_i32();

    if (!prot_mode(s)) {
        gen_illegal_opcode(s);
        return;
    }
    if (!check_cpl0(s)) {
        return;
    }
    gen_op_ld(s, 0, v);
    tcg_gen_extrl_i64_i32(t, v);
    tcg_gen_ext16u_i32(t, t);
    gen_sync(s);
    tcg_gen_call(tr ? helper_ltr : helper_lldt, 0, NULL, ENV(), T32(t));
}

static void gen_sldt_str(DisasContext *s, bool tr)
{
    TCGv_i64 v = tcg_temp_new_i64();

    if (!prot_mode(s)) {
        gen_illegal_opcode(s);
        return;
    }
    if (!check_umip(s)) {
        return;
    }
    tcg_gen_ld32u_i64(v, tcg_env(), tr ? ENV_OFS(tr.selector)
                                       : ENV_OFS(ldt.selector));
    gen_op_st(s, 0, v);
}

static void gen_smsw(DisasContext *s)
{
    TCGv_i64 v = tcg_temp_new_i64();

    if (!check_umip(s)) {
        return;
    }
    tcg_gen_ld_i64(v, tcg_env(), ENV_OFS(cr[0]));
    gen_op_st(s, 0, v);
}

static void gen_lmsw(DisasContext *s)
{
    TCGv_i64 v = tcg_temp_new_i64();

    if (!check_cpl0(s)) {
        return;
    }
    gen_op_ld(s, 0, v);
    gen_sync(s);
    tcg_gen_call(helper_lmsw, 0, NULL, ENV(), T64(v));
    s->base.is_jmp = DISAS_EOB_NEXT;
}

static void gen_msr(DisasContext *s, bool write)
{
    if (!check_cpl0(s)) {
        return;
    }
    gen_sync(s);
    if (write) {
        tcg_gen_call(helper_wrmsr, 0, NULL, ENV());
        /* EFER, APIC base, FS/GS bases...: the block may be stale */
        s->base.is_jmp = DISAS_EOB_EXIT;
    } else {
        tcg_gen_call(helper_rdmsr, 0, NULL, ENV());
    }
}

static void gen_xgetbv(DisasContext *s)
{
    TCGv_i64 v = tcg_temp_new_i64(), hi = tcg_temp_new_i64();
    TCGv_i32 ecx = tcg_temp_new_i32();

    gen_sync(s);
    tcg_gen_extrl_i64_i32(ecx, cpu_regs[R_ECX]);
    tcg_gen_call(helper_xgetbv, 0, T64(v), ENV(), T32(ecx));
    tcg_gen_shri_i64(hi, v, 32);
    gen_gpr_write(R_EAX, 32, v);
    gen_gpr_write(R_EDX, 32, hi);
}

static void gen_xsetbv(DisasContext *s)
{
    TCGv_i64 v = tcg_temp_new_i64(), hi = tcg_temp_new_i64();
    TCGv_i32 ecx = tcg_temp_new_i32();

    if (!check_cpl0(s)) {
        return;
    }
    gen_sync(s);
    tcg_gen_extrl_i64_i32(ecx, cpu_regs[R_ECX]);
    tcg_gen_ext32u_i64(v, cpu_regs[R_EAX]);
    tcg_gen_shli_i64(hi, cpu_regs[R_EDX], 32);
    tcg_gen_or_i64(v, v, hi);
    tcg_gen_call(helper_xsetbv, 0, NULL, ENV(), T32(ecx), T64(v));
    s->base.is_jmp = DISAS_EOB_NEXT;
}

/* LAR/LSL/VERR/VERW leave ZF in the lazy flags (EFLAGS form) */
static void gen_lar_lsl(DisasContext *s, bool lsl)
{
    TCGv_i64 sel = tcg_temp_new_i64(), v = tcg_temp_new_i64();
    TCGv_i64 old = tcg_temp_new_i64(), z = tcg_temp_new_i64();

    if (!prot_mode(s)) {
        gen_illegal_opcode(s);
        return;
    }
    gen_op_ld(s, 1, sel);
    tcg_gen_ext16u_i64(sel, sel);
    gen_compute_eflags(s);
    gen_sync(s);
    tcg_gen_call(lsl ? helper_lsl : helper_lar, 0, T64(v), ENV(), T64(sel));
    set_cc_op(s, CC_OP_EFLAGS);
    /* the destination is written only on success */
    gen_op_ld(s, 0, old);
    tcg_gen_andi_i64(z, cpu_cc_src, CC_Z);
    tcg_gen_movcond_i64(TCG_COND_NE, v, z, tcg_constant_i64(0), v, old);
    gen_op_st(s, 0, v);
}

static void gen_verr_verw(DisasContext *s, bool w)
{
    TCGv_i64 sel = tcg_temp_new_i64();

    if (!prot_mode(s)) {
        gen_illegal_opcode(s);
        return;
    }
    gen_op_ld(s, 0, sel);
    tcg_gen_ext16u_i64(sel, sel);
    gen_compute_eflags(s);
    gen_sync(s);
    tcg_gen_call(w ? helper_verw : helper_verr, 0, NULL, ENV(), T64(sel));
    set_cc_op(s, CC_OP_EFLAGS);
}

static void gen_arpl(DisasContext *s)
{
    TCGv_i64 dst = tcg_temp_new_i64(), src = tcg_temp_new_i64();
    TCGv_i64 drpl = tcg_temp_new_i64(), srpl = tcg_temp_new_i64();
    TCGv_i64 lt = tcg_temp_new_i64(), nv = tcg_temp_new_i64();

    if (!prot_mode(s)) {
        gen_illegal_opcode(s);
        return;
    }
    gen_op_ld(s, 0, dst);
    gen_op_ld(s, 1, src);
    tcg_gen_andi_i64(drpl, dst, 3);
    tcg_gen_andi_i64(srpl, src, 3);
    tcg_gen_setcond_i64(TCG_COND_LTU, lt, drpl, srpl);
    tcg_gen_deposit_i64(nv, dst, srpl, 0, 2);
    tcg_gen_movcond_i64(TCG_COND_NE, nv, lt, tcg_constant_i64(0), nv, dst);
    gen_op_st(s, 0, nv);
    gen_compute_eflags(s);
    tcg_gen_deposit_i64(cpu_cc_src, cpu_cc_src, lt, 6, 1);
}

static void gen_bound(DisasContext *s)
{
    unsigned bits = opsize(s, 0);
    TCGv_i64 idx = tcg_temp_new_i64();

    gen_op_ld(s, 0, idx);
    gen_sync(s);
    tcg_gen_call(helper_bound, 0, NULL, ENV(), T64(idx),
                 T64(gen_op_addr(s, 1)), CI(s->mem_idx), CI(bits));
}

static void gen_smap_ac(DisasContext *s, bool set)
{
    TCGv_i64 f = tcg_temp_new_i64();

    if (!check_cpl0(s)) {
        return;
    }
    gen_update_cc_op(s);
    tcg_gen_call(helper_read_eflags, TCG_CALL_NO_WG, T64(f), ENV());
    if (set) {
        tcg_gen_ori_i64(f, f, RFLAGS_AC);
    } else {
        tcg_gen_andi_i64(f, f, ~(int64_t)RFLAGS_AC);
    }
    tcg_gen_call(helper_write_eflags, 0, NULL, ENV(), T64(f), CI(RFLAGS_AC));
    set_cc_op(s, CC_OP_DYNAMIC);
    s->base.is_jmp = DISAS_EOB_NEXT;     /* HF_AC picks the MMU index */
}

static void gen_rdrand(DisasContext *s)
{
    bool h;
    int reg = gpr_index(s->op[0].reg.value, &h);
    unsigned bits = opsize(s, 0);

    gen_sync(s);
    tcg_gen_call(helper_rdrand, 0, NULL, ENV(), CI(reg),
                 CI(bits == 16 ? 0 : bits == 32 ? 1 : 2));
    set_cc_op(s, CC_OP_DYNAMIC);
}

static void gen_monitor(DisasContext *s)
{
    TCGv_i64 addr = tcg_temp_new_i64();
    int seg = R_DS;

    if (!check_cpl0(s)) {
        return;
    }
    if (s->insn.attributes & ZYDIS_ATTRIB_HAS_SEGMENT) {
        for (int i = 0; i < s->insn.operand_count; i++) {
            if (op_is_mem(s, i)) {
                seg = seg_index(s->op[i].mem.segment);
            }
        }
    }
    gen_gpr_read(R_EAX, s->insn.address_width, addr);
    gen_add_seg(s, addr, seg);
    gen_sync(s);
    tcg_gen_call(helper_monitor, 0, NULL, ENV(), T64(addr));
}

/* RD/WR FS/GS BASE: 64-bit mode only, #UD unless CR4.FSGSBASE (checked
 * at run time: CR4 is not part of the block's key) */
static void gen_fsgsbase(DisasContext *s)
{
    ZydisMnemonic m = s->insn.mnemonic;
    int seg = (m == ZYDIS_MNEMONIC_RDFSBASE || m == ZYDIS_MNEMONIC_WRFSBASE)
              ? R_FS : R_GS;
    bool write = m == ZYDIS_MNEMONIC_WRFSBASE || m == ZYDIS_MNEMONIC_WRGSBASE;
    TCGLabel *ok = gen_new_label();
    TCGv_i64 t = tcg_temp_new_i64();

    if (!s->code64) {
        gen_illegal_opcode(s);
        return;
    }
    gen_update_cc_op(s);
    tcg_gen_ld_i64(t, tcg_env(), ENV_OFS(cr[4]));
    tcg_gen_brcondi_i64(TCG_COND_TSTNE, t, 1u << 16, ok);
    gen_update_eip_cur(s);
    tcg_gen_call(helper_raise_exception, 0, NULL, ENV(), CI(EXCP06_ILLOP));
    tcg_gen_set_label(ok);
    t = tcg_temp_new_i64();
    if (write) {
        TCGLabel *canon = gen_new_label();
        TCGv_i64 c = tcg_temp_new_i64(), c57 = tcg_temp_new_i64();
        TCGv_i64 cr4 = tcg_temp_new_i64();
        gen_op_ld(s, 0, t);
        /* the base must be canonical for the paging depth (CR4.LA57) */
        tcg_gen_sextract_i64(c, t, 0, 48);
        tcg_gen_sextract_i64(c57, t, 0, 57);
        tcg_gen_ld_i64(cr4, tcg_env(), ENV_OFS(cr[4]));
        tcg_gen_andi_i64(cr4, cr4, 1u << 12);
        tcg_gen_movcond_i64(TCG_COND_NE, c, cr4, tcg_constant_i64(0), c57, c);
        tcg_gen_brcond_i64(TCG_COND_EQ, c, t, canon);
        gen_update_eip_cur(s);
        tcg_gen_call(helper_raise_exception_err, 0, NULL, ENV(),
                     CI(EXCP0D_GPF), CI(0));
        tcg_gen_set_label(canon);
        /* t is an EBB temp written before the label: load it again */
        t = tcg_temp_new_i64();
        gen_op_ld(s, 0, t);
        tcg_gen_st_i64(t, tcg_env(), ENV_OFS(segs[seg].base));
    } else {
        tcg_gen_ld_i64(t, tcg_env(), ENV_OFS(segs[seg].base));
        gen_op_st(s, 0, t);
    }
}

/* RDPKRU/WRPKRU: #UD without CR4.PKE, #GP(0) unless ECX (and EDX for
 * WRPKRU) are zero */
static void gen_pkru(DisasContext *s, bool write)
{
    TCGLabel *ok = gen_new_label();
    TCGv_i64 t = tcg_temp_new_i64();

    if (!(s->flags & HF_PKE)) {
        gen_illegal_opcode(s);
        return;
    }
    gen_update_cc_op(s);
    tcg_gen_ext32u_i64(t, cpu_regs[R_ECX]);
    if (write) {
        TCGv_i64 d = tcg_temp_new_i64();
        tcg_gen_ext32u_i64(d, cpu_regs[R_EDX]);
        tcg_gen_or_i64(t, t, d);
    }
    tcg_gen_brcondi_i64(TCG_COND_EQ, t, 0, ok);
    gen_update_eip_cur(s);
    tcg_gen_call(helper_raise_exception_err, 0, NULL, ENV(),
                 CI(EXCP0D_GPF), CI(0));
    tcg_gen_set_label(ok);
    if (write) {
        t = tcg_temp_new_i64();
        tcg_gen_ext32u_i64(t, cpu_regs[R_EAX]);
        tcg_gen_call(helper_wrpkru, 0, NULL, ENV(), T64(t));
        s->base.is_jmp = DISAS_EOB_NEXT;
    } else {
        t = tcg_temp_new_i64();
        tcg_gen_ld32u_i64(t, tcg_env(), ENV_OFS(pkru));
        gen_gpr_write(R_EAX, 32, t);
        gen_gpr_write(R_EDX, 32, tcg_constant_i64(0));
    }
}

static void gen_noreturn_helper(DisasContext *s, void *fn, const char *name)
{
    TCGTemp *args[2] = { ENV(), CI(insn_len(s)) };

    gen_sync(s);
    tcg_gen_callN(fn, name, 0, NULL, 2, args);
    tcg_gen_exit_tb(NULL, 0);
    s->base.is_jmp = DISAS_NORETURN;
}

bool disas_sys(DisasContext *s)
{
    int dflag = s->insn.operand_width == 16 ? 0 :
                s->insn.operand_width == 32 ? 1 : 2;

    switch (s->insn.mnemonic) {
    case ZYDIS_MNEMONIC_MOV:
        if (op_is_reg(s, 0) && seg_index(s->op[0].reg.value) >= 0) {
            gen_mov_sreg(s);
        } else if ((op_is_reg(s, 0) &&
                    s->op[0].reg.value >= ZYDIS_REGISTER_DR0 &&
                    s->op[0].reg.value <= ZYDIS_REGISTER_DR15) ||
                   (op_is_reg(s, 1) &&
                    s->op[1].reg.value >= ZYDIS_REGISTER_DR0 &&
                    s->op[1].reg.value <= ZYDIS_REGISTER_DR15)) {
            gen_mov_dr(s);
        } else {
            gen_mov_cr(s);
        }
        break;
    case ZYDIS_MNEMONIC_POP:
        gen_pop_sreg(s);
        break;
    case ZYDIS_MNEMONIC_LES: gen_lxs(s, R_ES); break;
    case ZYDIS_MNEMONIC_LDS: gen_lxs(s, R_DS); break;
    case ZYDIS_MNEMONIC_LSS: gen_lxs(s, R_SS); break;
    case ZYDIS_MNEMONIC_LFS: gen_lxs(s, R_FS); break;
    case ZYDIS_MNEMONIC_LGS: gen_lxs(s, R_GS); break;
    case ZYDIS_MNEMONIC_CLI: gen_cli_sti(s, false); break;
    case ZYDIS_MNEMONIC_STI: gen_cli_sti(s, true); break;
    case ZYDIS_MNEMONIC_HLT:
        if (check_cpl0(s)) {
            gen_noreturn_helper(s, (void *)helper_hlt, "hlt");
        }
        break;
    case ZYDIS_MNEMONIC_PAUSE:
        gen_sync(s);
        tcg_gen_call(helper_pause, 0, NULL, ENV(), CI(insn_len(s)));
        s->base.is_jmp = DISAS_EOB_NEXT;
        break;
    case ZYDIS_MNEMONIC_MWAIT:
        if (check_cpl0(s)) {
            gen_noreturn_helper(s, (void *)helper_mwait, "mwait");
        }
        break;
    case ZYDIS_MNEMONIC_MONITOR: gen_monitor(s); break;
    case ZYDIS_MNEMONIC_CPUID:
        gen_sync(s);
        tcg_gen_call(helper_cpuid, 0, NULL, ENV());
        break;
    case ZYDIS_MNEMONIC_RDTSC:
        gen_sync(s);
        tcg_gen_call(helper_rdtsc, 0, NULL, ENV());
        break;
    case ZYDIS_MNEMONIC_RDTSCP:
        gen_sync(s);
        tcg_gen_call(helper_rdtscp, 0, NULL, ENV());
        break;
    case ZYDIS_MNEMONIC_RDPID: {
        TCGv_i64 v = tcg_temp_new_i64();
        gen_sync(s);
        tcg_gen_call(helper_rdpid, 0, T64(v), ENV());
        gen_op_st(s, 0, v);
        break;
    }
    case ZYDIS_MNEMONIC_RDMSR: gen_msr(s, false); break;
    case ZYDIS_MNEMONIC_WRMSR: gen_msr(s, true); break;
    case ZYDIS_MNEMONIC_LGDT: gen_ldt_reg(s, false); break;
    case ZYDIS_MNEMONIC_LIDT: gen_ldt_reg(s, true); break;
    case ZYDIS_MNEMONIC_SGDT: gen_sdt_reg(s, false); break;
    case ZYDIS_MNEMONIC_SIDT: gen_sdt_reg(s, true); break;
    case ZYDIS_MNEMONIC_LLDT: gen_lldt_ltr(s, false); break;
    case ZYDIS_MNEMONIC_LTR: gen_lldt_ltr(s, true); break;
    case ZYDIS_MNEMONIC_SLDT: gen_sldt_str(s, false); break;
    case ZYDIS_MNEMONIC_STR: gen_sldt_str(s, true); break;
    case ZYDIS_MNEMONIC_SMSW: gen_smsw(s); break;
    case ZYDIS_MNEMONIC_LMSW: gen_lmsw(s); break;
    case ZYDIS_MNEMONIC_CLTS:
        if (check_cpl0(s)) {
            gen_sync(s);
            tcg_gen_call(helper_clts, 0, NULL, ENV());
            s->base.is_jmp = DISAS_EOB_NEXT;
        }
        break;
    case ZYDIS_MNEMONIC_INVLPG:
        if (check_cpl0(s)) {
            TCGv_i64 a = gen_op_addr(s, 0);
            gen_sync(s);
            tcg_gen_call(helper_invlpg, 0, NULL, ENV(), T64(a));
            s->base.is_jmp = DISAS_EOB_NEXT;
        }
        break;
    case ZYDIS_MNEMONIC_INVPCID:
        if (check_cpl0(s)) {
            TCGv_i64 type = tcg_temp_new_i64();
            TCGv_i32 t32 = tcg_temp_new_i32();
            gen_op_ld(s, 0, type);
            tcg_gen_extrl_i64_i32(t32, type);
            gen_sync(s);
            tcg_gen_call(helper_invpcid, 0, NULL, ENV(), T32(t32),
                         T64(gen_op_addr(s, 1)));
            s->base.is_jmp = DISAS_EOB_NEXT;
        }
        break;
    case ZYDIS_MNEMONIC_WBINVD:
    case ZYDIS_MNEMONIC_INVD:
        check_cpl0(s);          /* caches are the host's business */
        break;
    case ZYDIS_MNEMONIC_SWAPGS:
        if (!s->code64) {
            gen_illegal_opcode(s);
        } else if (check_cpl0(s)) {
            gen_sync(s);
            tcg_gen_call(helper_swapgs, 0, NULL, ENV());
        }
        break;
    case ZYDIS_MNEMONIC_SYSCALL:
        gen_sync(s);
        tcg_gen_call(helper_syscall, 0, NULL, ENV(), CI(insn_len(s)));
        set_cc_op(s, CC_OP_DYNAMIC);
        s->base.is_jmp = DISAS_EOB_ONLY;
        break;
    case ZYDIS_MNEMONIC_SYSRET:
        if (check_cpl0(s)) {
            gen_sync(s);
            tcg_gen_call(helper_sysret, 0, NULL, ENV(), CI(dflag));
            set_cc_op(s, CC_OP_DYNAMIC);
            s->base.is_jmp = DISAS_EOB_ONLY;
        }
        break;
    case ZYDIS_MNEMONIC_SYSENTER:
        gen_sync(s);
        tcg_gen_call(helper_sysenter, 0, NULL, ENV());
        set_cc_op(s, CC_OP_DYNAMIC);
        s->base.is_jmp = DISAS_EOB_ONLY;
        break;
    case ZYDIS_MNEMONIC_SYSEXIT:
        if (check_cpl0(s)) {
            gen_sync(s);
            tcg_gen_call(helper_sysexit, 0, NULL, ENV(), CI(dflag));
            s->base.is_jmp = DISAS_EOB_ONLY;
        }
        break;
    case ZYDIS_MNEMONIC_XGETBV: gen_xgetbv(s); break;
    case ZYDIS_MNEMONIC_XSETBV: gen_xsetbv(s); break;
    case ZYDIS_MNEMONIC_RDRAND:
    case ZYDIS_MNEMONIC_RDSEED:
        gen_rdrand(s);
        break;
    case ZYDIS_MNEMONIC_LAR: gen_lar_lsl(s, false); break;
    case ZYDIS_MNEMONIC_LSL: gen_lar_lsl(s, true); break;
    case ZYDIS_MNEMONIC_VERR: gen_verr_verw(s, false); break;
    case ZYDIS_MNEMONIC_VERW: gen_verr_verw(s, true); break;
    case ZYDIS_MNEMONIC_ARPL: gen_arpl(s); break;
    case ZYDIS_MNEMONIC_BOUND: gen_bound(s); break;
    case ZYDIS_MNEMONIC_SERIALIZE:
        /* CPUID.(7,0).EDX[14] */
        if (!(s->env->features[FEAT_7_0_EDX] & (1u << 14))) {
            gen_illegal_opcode(s);
        } else {
            /* a serializing insn: later code is fetched anew */
            tcg_gen_mb(TCG_MB_ALL);
            s->base.is_jmp = DISAS_EOB_NEXT;
        }
        break;
    case ZYDIS_MNEMONIC_RDFSBASE:
    case ZYDIS_MNEMONIC_RDGSBASE:
    case ZYDIS_MNEMONIC_WRFSBASE:
    case ZYDIS_MNEMONIC_WRGSBASE:
        gen_fsgsbase(s);
        break;
    case ZYDIS_MNEMONIC_TPAUSE:
    case ZYDIS_MNEMONIC_UMWAIT:
        /* Waking early is allowed: report "not the OS time limit" (CF=0,
         * the other flags cleared) and let other vCPUs run */
        tcg_gen_movi_i64(cpu_cc_src, 0);
        set_cc_op(s, CC_OP_EFLAGS);
        gen_sync(s);
        tcg_gen_call(helper_pause, 0, NULL, ENV(), CI(insn_len(s)));
        s->base.is_jmp = DISAS_EOB_NEXT;
        break;
    case ZYDIS_MNEMONIC_UMONITOR:
        /* nothing to arm: UMWAIT returns at once */
        break;
    case ZYDIS_MNEMONIC_RDPKRU:
    case ZYDIS_MNEMONIC_WRPKRU:
        gen_pkru(s, s->insn.mnemonic == ZYDIS_MNEMONIC_WRPKRU);
        break;
    case ZYDIS_MNEMONIC_CLAC: gen_smap_ac(s, false); break;
    case ZYDIS_MNEMONIC_STAC: gen_smap_ac(s, true); break;
    default:
        return false;
    }
    return true;
}
