/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Legacy-encoded SSE through SSE4.2 register forms, FXSAVE/FXRSTOR and
 * LDMXCSR/STMXCSR. Moves are TCG loads/stores on env->xmm[]; arithmetic
 * goes to sse_helper.c with pointers into env (a memory operand is
 * first loaded into env->xmm_t0). Packed ops with a 16-byte memory
 * operand need it aligned (#GP), as legacy SSE does. MMX register forms
 * and VEX encodings are not handled here (#UD).
 */
#include "util/osdep.h"
#include "target/i386/tcg/translate.h"

#define CPUID_EXT_SSSE3  (1u << 9)
#define CPUID_EXT_SSE41  (1u << 19)
#define CPUID_EXT_SSE42  (1u << 20)

int xmm_index(ZydisRegister r)
{
    if (r >= ZYDIS_REGISTER_XMM0 && r <= ZYDIS_REGISTER_XMM15) {
        return r - ZYDIS_REGISTER_XMM0;
    }
    return -1;
}

bool op_is_xmm(DisasContext *s, int i)
{
    return op_is_reg(s, i) && xmm_index(s->op[i].reg.value) >= 0;
}

intptr_t xmm_ofs(int n)
{
    return ENV_OFS(xmm[0]) + n * (intptr_t)sizeof(X86XMMReg);
}

TCGv_ptr env_ptr(intptr_t ofs)
{
    TCGv_ptr p = tcg_temp_new_i64();
    tcg_gen_addi_i64(p, tcg_env(), ofs);
    return p;
}

/* #UD without CR4.OSFXSR or with CR0.EM, #NM with CR0.TS */
bool sse_check(DisasContext *s)
{
    if (!(s->flags & HF_OSFXSR) || (s->flags & HF_EM)) {
        gen_illegal_opcode(s);
        return false;
    }
    if (s->flags & HF_TS) {
        gen_exception(s, EXCP07_PREX);
        return false;
    }
    return true;
}

static void gen_align16(DisasContext *s, TCGv_i64 addr)
{
    (void)s;
    tcg_gen_call(helper_check_align16, 0, NULL, ENV(), T64(addr));
}

/* Operand i as an env offset: an XMM register, or a memory operand of
 * its size loaded into xmm_t0 */
intptr_t xmm_src(DisasContext *s, int i, bool align)
{
    TCGv_i64 addr, t, a8;
    unsigned size = opsize(s, i);

    if (op_is_xmm(s, i)) {
        return xmm_ofs(xmm_index(s->op[i].reg.value));
    }
    addr = gen_op_addr(s, i);
    t = tcg_temp_new_i64();
    if (size == 128) {
        if (align) {
            gen_align16(s, addr);
        }
        a8 = tcg_temp_new_i64();
        gen_ld(s, t, addr, MO_64);
        tcg_gen_st_i64(t, tcg_env(), ENV_OFS(xmm_t0.q[0]));
        tcg_gen_addi_i64(a8, addr, 8);
        gen_ld(s, t, a8, MO_64);
        tcg_gen_st_i64(t, tcg_env(), ENV_OFS(xmm_t0.q[1]));
    } else {
        gen_ld(s, t, addr, mo_bits(size));
        tcg_gen_st_i64(t, tcg_env(), ENV_OFS(xmm_t0.q[0]));
    }
    return ENV_OFS(xmm_t0);
}

static void gen_copy64(intptr_t dst, intptr_t src)
{
    TCGv_i64 t = tcg_temp_new_i64();
    tcg_gen_ld_i64(t, tcg_env(), src);
    tcg_gen_st_i64(t, tcg_env(), dst);
}

static void gen_mov128(DisasContext *s, bool align)
{
    if (op_is_xmm(s, 0)) {
        intptr_t src = xmm_src(s, 1, align);
        intptr_t dst = xmm_ofs(xmm_index(s->op[0].reg.value));
        gen_copy64(dst, src);
        gen_copy64(dst + 8, src + 8);
    } else {
        TCGv_i64 addr = gen_op_addr(s, 0), t = tcg_temp_new_i64();
        TCGv_i64 a8 = tcg_temp_new_i64();
        intptr_t src = xmm_ofs(xmm_index(s->op[1].reg.value));
        if (align) {
            gen_align16(s, addr);
        }
        tcg_gen_ld_i64(t, tcg_env(), src);
        gen_st(s, t, addr, MO_64);
        tcg_gen_ld_i64(t, tcg_env(), src + 8);
        tcg_gen_addi_i64(a8, addr, 8);
        gen_st(s, t, a8, MO_64);
    }
}

/* MOVSS/MOVSD: register to register merges the low element; a load
 * zeroes the rest; a store writes the low element */
static void gen_movs(DisasContext *s, unsigned bits)
{
    TCGv_i64 t = tcg_temp_new_i64();

    if (op_is_xmm(s, 0) && op_is_xmm(s, 1)) {
        intptr_t d = xmm_ofs(xmm_index(s->op[0].reg.value));
        intptr_t r = xmm_ofs(xmm_index(s->op[1].reg.value));
        if (bits == 64) {
            gen_copy64(d, r);
        } else {
            tcg_gen_ld32u_i64(t, tcg_env(), r);
            tcg_gen_st32_i64(t, tcg_env(), d);
        }
    } else if (op_is_xmm(s, 0)) {
        intptr_t d = xmm_ofs(xmm_index(s->op[0].reg.value));
        gen_ld(s, t, gen_op_addr(s, 1), mo_bits(bits));
        tcg_gen_st_i64(t, tcg_env(), d);
        tcg_gen_st_i64(tcg_constant_i64(0), tcg_env(), d + 8);
    } else {
        intptr_t r = xmm_ofs(xmm_index(s->op[1].reg.value));
        tcg_gen_ld_i64(t, tcg_env(), r);
        gen_st(s, t, gen_op_addr(s, 0), mo_bits(bits));
    }
}

/* MOVD/MOVQ in all directions */
static bool gen_movdq(DisasContext *s)
{
    TCGv_i64 t = tcg_temp_new_i64();

    if (op_is_xmm(s, 0)) {
        intptr_t d = xmm_ofs(xmm_index(s->op[0].reg.value));
        if (op_is_xmm(s, 1)) {
            gen_copy64(d, xmm_ofs(xmm_index(s->op[1].reg.value)));
        } else if (op_is_reg(s, 1) || op_is_mem(s, 1)) {
            gen_op_ld(s, 1, t);
            if (op_is_reg(s, 1) && xmm_index(s->op[1].reg.value) < 0 &&
                gpr_index(s->op[1].reg.value, &(bool){0}) < 0) {
                return false;           /* MMX source */
            }
            tcg_gen_st_i64(t, tcg_env(), d);
        } else {
            return false;
        }
        tcg_gen_st_i64(tcg_constant_i64(0), tcg_env(), d + 8);
        return true;
    }
    if (op_is_xmm(s, 1)) {
        intptr_t r = xmm_ofs(xmm_index(s->op[1].reg.value));
        if (op_is_reg(s, 0) && gpr_index(s->op[0].reg.value, &(bool){0}) < 0) {
            return false;               /* MMX destination */
        }
        tcg_gen_ld_i64(t, tcg_env(), r);
        gen_op_st(s, 0, t);
        return true;
    }
    return false;                       /* MMX forms */
}

/* MOVLPS/MOVLPD/MOVHPS/MOVHPD/MOVHLPS/MOVLHPS: one 64-bit half */
static void gen_mov_half(DisasContext *s, int dst_half, int src_half)
{
    TCGv_i64 t = tcg_temp_new_i64();

    if (op_is_xmm(s, 0)) {
        intptr_t d = xmm_ofs(xmm_index(s->op[0].reg.value)) + 8 * dst_half;
        if (op_is_xmm(s, 1)) {
            gen_copy64(d, xmm_ofs(xmm_index(s->op[1].reg.value)) +
                       8 * src_half);
        } else {
            gen_ld(s, t, gen_op_addr(s, 1), MO_64);
            tcg_gen_st_i64(t, tcg_env(), d);
        }
    } else {
        intptr_t r = xmm_ofs(xmm_index(s->op[1].reg.value)) + 8 * src_half;
        tcg_gen_ld_i64(t, tcg_env(), r);
        gen_st(s, t, gen_op_addr(s, 0), MO_64);
    }
}

static void gen_bin(DisasContext *s, SSEBinFn fn)
{
    intptr_t src = xmm_src(s, 1, opsize(s, 1) == 128);
    TCGv_ptr d = env_ptr(xmm_ofs(xmm_index(s->op[0].reg.value)));
    TCGv_ptr p = env_ptr(src);

    gen_update_cc_op(s);
    tcg_gen_callN((void *)fn, ZydisMnemonicGetString(s->insn.mnemonic), 0,
                  NULL, 3, (TCGTemp *[]){ ENV(), T64(d), T64(p) });
}

static void gen_imm_op(DisasContext *s, SSEImmFn fn)
{
    intptr_t src = xmm_src(s, 1, opsize(s, 1) == 128);
    TCGv_ptr d = env_ptr(xmm_ofs(xmm_index(s->op[0].reg.value)));
    TCGv_ptr p = env_ptr(src);

    tcg_gen_callN((void *)fn, ZydisMnemonicGetString(s->insn.mnemonic), 0,
                  NULL, 4, (TCGTemp *[]){ ENV(), T64(d), T64(p),
                  CI(s->op[2].imm.value.u & 0xff) });
}

static void gen_shift_imm(DisasContext *s, int kind)
{
    TCGv_ptr d = env_ptr(xmm_ofs(xmm_index(s->op[0].reg.value)));

    tcg_gen_call(helper_sse_shift_imm, 0, NULL, ENV(), T64(d),
                 CI(s->op[1].imm.value.u & 0xff), CI(kind));
}

static void gen_comi(DisasContext *s, int kind)
{
    TCGv_ptr a = env_ptr(xmm_ofs(xmm_index(s->op[0].reg.value)));
    TCGv_ptr b = env_ptr(xmm_src(s, 1, false));

    tcg_gen_call(helper_sse_comi, 0, T64(cpu_cc_src), ENV(), T64(a), T64(b),
                 CI(kind));
    set_cc_op(s, CC_OP_EFLAGS);
}

static void gen_cvtsi2f(DisasContext *s, bool dbl)
{
    TCGv_i64 v = tcg_temp_new_i64();
    TCGv_ptr d = env_ptr(xmm_ofs(xmm_index(s->op[0].reg.value)));

    gen_op_ld(s, 1, v);
    tcg_gen_call(helper_sse_cvtsi2f, 0, NULL, ENV(), T64(d), T64(v),
                 CI((dbl ? 1 : 0) | (opsize(s, 1) == 64 ? 2 : 0)));
}

static void gen_cvtf2si(DisasContext *s, bool dbl, bool trunc)
{
    TCGv_i64 v = tcg_temp_new_i64();
    TCGv_ptr p = env_ptr(xmm_src(s, 1, false));

    tcg_gen_call(helper_sse_cvtf2si, 0, T64(v), ENV(), T64(p),
                 CI((dbl ? 1 : 0) | (opsize(s, 0) == 64 ? 2 : 0) |
                    (trunc ? 4 : 0)));
    gen_op_st(s, 0, v);
}

static void gen_movmsk(DisasContext *s, int kind)
{
    TCGv_i64 v = tcg_temp_new_i64();
    TCGv_ptr p = env_ptr(xmm_ofs(xmm_index(s->op[1].reg.value)));

    tcg_gen_call(helper_sse_movmsk, TCG_CALL_NO_RWG, T64(v), T64(p),
                 CI(kind));
    gen_op_st(s, 0, v);
}

static void gen_pextrw(DisasContext *s)
{
    TCGv_i64 v = tcg_temp_new_i64();
    unsigned idx = s->op[2].imm.value.u & 7;

    tcg_gen_ld16u_i64(v, tcg_env(),
                      xmm_ofs(xmm_index(s->op[1].reg.value)) + 2 * idx);
    gen_op_st(s, 0, v);
}

static void gen_pinsrw(DisasContext *s)
{
    TCGv_i64 v = tcg_temp_new_i64();
    unsigned idx = s->op[2].imm.value.u & 7;

    gen_op_ld(s, 1, v);
    tcg_gen_st16_i64(v, tcg_env(),
                     xmm_ofs(xmm_index(s->op[0].reg.value)) + 2 * idx);
}

static void gen_pcmpstr(DisasContext *s, int kind)
{
    TCGv_ptr a = env_ptr(xmm_ofs(xmm_index(s->op[0].reg.value)));
    TCGv_ptr b = env_ptr(xmm_src(s, 1, false));
    int w = (s->insn.attributes & ZYDIS_ATTRIB_HAS_REX) &&
            s->insn.raw.rex.W ? 4 : 0;
    int imm_op = s->insn.operand_count_visible - 1;

    tcg_gen_call(helper_pcmpstr, 0, T64(cpu_cc_src), ENV(), T64(a), T64(b),
                 CI(s->op[imm_op].imm.value.u & 0xff), CI(kind | w));
    set_cc_op(s, CC_OP_EFLAGS);
}

static void gen_fx(DisasContext *s, bool restore)
{
    bool rex_w = s->insn.mnemonic == ZYDIS_MNEMONIC_FXSAVE64 ||
                 s->insn.mnemonic == ZYDIS_MNEMONIC_FXRSTOR64;

    if (s->flags & HF_EM) {
        gen_illegal_opcode(s);
        return;
    }
    if (s->flags & HF_TS) {
        gen_exception(s, EXCP07_PREX);
        return;
    }
    gen_update_cc_op(s);
    tcg_gen_call(restore ? helper_fxrstor : helper_fxsave, 0, NULL, ENV(),
                 T64(gen_op_addr(s, 0)), CI(s->mem_idx), CI(rex_w));
}

static bool has_ext(DisasContext *s, uint32_t bit)
{
    return (s->env->features[FEAT_1_ECX] & bit) != 0;
}

/* SSSE3/SSE4.x ops exist only when the model has them */
static bool ext_allowed(DisasContext *s)
{
    switch (s->insn.mnemonic) {
    case ZYDIS_MNEMONIC_PSHUFB: case ZYDIS_MNEMONIC_PABSB:
    case ZYDIS_MNEMONIC_PABSW: case ZYDIS_MNEMONIC_PABSD:
    case ZYDIS_MNEMONIC_PHADDW: case ZYDIS_MNEMONIC_PHADDD:
    case ZYDIS_MNEMONIC_PHADDSW: case ZYDIS_MNEMONIC_PHSUBW:
    case ZYDIS_MNEMONIC_PHSUBD: case ZYDIS_MNEMONIC_PHSUBSW:
    case ZYDIS_MNEMONIC_PMADDUBSW: case ZYDIS_MNEMONIC_PMULHRSW:
    case ZYDIS_MNEMONIC_PSIGNB: case ZYDIS_MNEMONIC_PSIGNW:
    case ZYDIS_MNEMONIC_PSIGND: case ZYDIS_MNEMONIC_PALIGNR:
        return has_ext(s, CPUID_EXT_SSSE3);
    case ZYDIS_MNEMONIC_PCMPGTQ:
    case ZYDIS_MNEMONIC_PCMPISTRI: case ZYDIS_MNEMONIC_PCMPESTRI:
    case ZYDIS_MNEMONIC_PCMPISTRM: case ZYDIS_MNEMONIC_PCMPESTRM:
        return has_ext(s, CPUID_EXT_SSE42);
    case ZYDIS_MNEMONIC_PMINSB: case ZYDIS_MNEMONIC_PMINSD:
    case ZYDIS_MNEMONIC_PMINUW: case ZYDIS_MNEMONIC_PMINUD:
    case ZYDIS_MNEMONIC_PMAXSB: case ZYDIS_MNEMONIC_PMAXSD:
    case ZYDIS_MNEMONIC_PMAXUW: case ZYDIS_MNEMONIC_PMAXUD:
    case ZYDIS_MNEMONIC_PMULLD: case ZYDIS_MNEMONIC_PMULDQ:
    case ZYDIS_MNEMONIC_PCMPEQQ: case ZYDIS_MNEMONIC_PACKUSDW:
    case ZYDIS_MNEMONIC_PMOVSXBW: case ZYDIS_MNEMONIC_PMOVSXBD:
    case ZYDIS_MNEMONIC_PMOVSXBQ: case ZYDIS_MNEMONIC_PMOVSXWD:
    case ZYDIS_MNEMONIC_PMOVSXWQ: case ZYDIS_MNEMONIC_PMOVSXDQ:
    case ZYDIS_MNEMONIC_PMOVZXBW: case ZYDIS_MNEMONIC_PMOVZXBD:
    case ZYDIS_MNEMONIC_PMOVZXBQ: case ZYDIS_MNEMONIC_PMOVZXWD:
    case ZYDIS_MNEMONIC_PMOVZXWQ: case ZYDIS_MNEMONIC_PMOVZXDQ:
    case ZYDIS_MNEMONIC_MOVNTDQA:
        return has_ext(s, CPUID_EXT_SSE41);
    default:
        return true;
    }
}

static int shift_kind(ZydisMnemonic m)
{
    switch (m) {
    case ZYDIS_MNEMONIC_PSLLW: return 0;
    case ZYDIS_MNEMONIC_PSLLD: return 1;
    case ZYDIS_MNEMONIC_PSLLQ: return 2;
    case ZYDIS_MNEMONIC_PSRLW: return 3;
    case ZYDIS_MNEMONIC_PSRLD: return 4;
    case ZYDIS_MNEMONIC_PSRLQ: return 5;
    case ZYDIS_MNEMONIC_PSRAW: return 6;
    case ZYDIS_MNEMONIC_PSRAD: return 7;
    case ZYDIS_MNEMONIC_PSLLDQ: return 8;
    case ZYDIS_MNEMONIC_PSRLDQ: return 9;
    default: return -1;
    }
}

bool disas_sse(DisasContext *s)
{
    ZydisMnemonic m = s->insn.mnemonic;
    SSEBinFn bin;
    SSEImmFn imm;
    TCGv_i64 t;

    if (s->insn.encoding != ZYDIS_INSTRUCTION_ENCODING_LEGACY) {
        return false;
    }
    switch (m) {
    case ZYDIS_MNEMONIC_FXSAVE:
    case ZYDIS_MNEMONIC_FXSAVE64:
        gen_fx(s, false);
        return true;
    case ZYDIS_MNEMONIC_FXRSTOR:
    case ZYDIS_MNEMONIC_FXRSTOR64:
        gen_fx(s, true);
        return true;
    default:
        break;
    }
    /* everything else works on XMM registers: MMX forms are refused */
    if (m != ZYDIS_MNEMONIC_LDMXCSR && m != ZYDIS_MNEMONIC_STMXCSR) {
        bool any_xmm = false;
        for (int i = 0; i < s->insn.operand_count_visible; i++) {
            if (op_is_reg(s, i) && s->op[i].reg.value >= ZYDIS_REGISTER_MM0 &&
                s->op[i].reg.value <= ZYDIS_REGISTER_MM7) {
                return false;
            }
            any_xmm |= op_is_xmm(s, i);
        }
        if (!any_xmm) {
            return false;
        }
    }
    if (!ext_allowed(s)) {
        gen_illegal_opcode(s);
        return true;
    }
    bin = sse_bin_helper(m);
    imm = sse_imm_helper(m);
    switch (m) {
    case ZYDIS_MNEMONIC_LDMXCSR:
    case ZYDIS_MNEMONIC_STMXCSR:
    case ZYDIS_MNEMONIC_MOVAPS: case ZYDIS_MNEMONIC_MOVAPD:
    case ZYDIS_MNEMONIC_MOVDQA: case ZYDIS_MNEMONIC_MOVNTPS:
    case ZYDIS_MNEMONIC_MOVNTPD: case ZYDIS_MNEMONIC_MOVNTDQ:
    case ZYDIS_MNEMONIC_MOVNTDQA:
    case ZYDIS_MNEMONIC_MOVUPS: case ZYDIS_MNEMONIC_MOVUPD:
    case ZYDIS_MNEMONIC_MOVDQU: case ZYDIS_MNEMONIC_LDDQU:
    case ZYDIS_MNEMONIC_MOVSS: case ZYDIS_MNEMONIC_MOVSD:
    case ZYDIS_MNEMONIC_MOVD: case ZYDIS_MNEMONIC_MOVQ:
    case ZYDIS_MNEMONIC_MOVLPS: case ZYDIS_MNEMONIC_MOVLPD:
    case ZYDIS_MNEMONIC_MOVHPS: case ZYDIS_MNEMONIC_MOVHPD:
    case ZYDIS_MNEMONIC_MOVHLPS: case ZYDIS_MNEMONIC_MOVLHPS:
    case ZYDIS_MNEMONIC_UCOMISS: case ZYDIS_MNEMONIC_COMISS:
    case ZYDIS_MNEMONIC_UCOMISD: case ZYDIS_MNEMONIC_COMISD:
    case ZYDIS_MNEMONIC_CVTSI2SS: case ZYDIS_MNEMONIC_CVTSI2SD:
    case ZYDIS_MNEMONIC_CVTSS2SI: case ZYDIS_MNEMONIC_CVTSD2SI:
    case ZYDIS_MNEMONIC_CVTTSS2SI: case ZYDIS_MNEMONIC_CVTTSD2SI:
    case ZYDIS_MNEMONIC_PMOVMSKB: case ZYDIS_MNEMONIC_MOVMSKPS:
    case ZYDIS_MNEMONIC_MOVMSKPD: case ZYDIS_MNEMONIC_PEXTRW:
    case ZYDIS_MNEMONIC_PCMPISTRI: case ZYDIS_MNEMONIC_PCMPESTRI:
    case ZYDIS_MNEMONIC_PCMPISTRM: case ZYDIS_MNEMONIC_PCMPESTRM:
    case ZYDIS_MNEMONIC_PINSRW: case ZYDIS_MNEMONIC_PSLLDQ:
    case ZYDIS_MNEMONIC_PSRLDQ:
        break;
    default:
        if (!bin && !imm) {
            return false;
        }
        break;
    }
    if (!sse_check(s)) {
        return true;
    }

    switch (m) {
    case ZYDIS_MNEMONIC_LDMXCSR:
        t = tcg_temp_new_i64();
        {
            TCGv_i32 v = tcg_temp_new_i32();
            gen_op_ld(s, 0, t);
            tcg_gen_extrl_i64_i32(v, t);
            tcg_gen_call(helper_ldmxcsr, 0, NULL, ENV(), T32(v));
        }
        return true;
    case ZYDIS_MNEMONIC_STMXCSR:
        t = tcg_temp_new_i64();
        tcg_gen_ld32u_i64(t, tcg_env(), ENV_OFS(mxcsr));
        gen_op_st(s, 0, t);
        return true;
    case ZYDIS_MNEMONIC_MOVAPS: case ZYDIS_MNEMONIC_MOVAPD:
    case ZYDIS_MNEMONIC_MOVDQA: case ZYDIS_MNEMONIC_MOVNTPS:
    case ZYDIS_MNEMONIC_MOVNTPD: case ZYDIS_MNEMONIC_MOVNTDQ:
    case ZYDIS_MNEMONIC_MOVNTDQA:
        gen_mov128(s, true);
        return true;
    case ZYDIS_MNEMONIC_MOVUPS: case ZYDIS_MNEMONIC_MOVUPD:
    case ZYDIS_MNEMONIC_MOVDQU: case ZYDIS_MNEMONIC_LDDQU:
        gen_mov128(s, false);
        return true;
    case ZYDIS_MNEMONIC_MOVSS:
        gen_movs(s, 32);
        return true;
    case ZYDIS_MNEMONIC_MOVSD:
        gen_movs(s, 64);
        return true;
    case ZYDIS_MNEMONIC_MOVD:
    case ZYDIS_MNEMONIC_MOVQ:
        if (!gen_movdq(s)) {
            gen_illegal_opcode(s);
        }
        return true;
    case ZYDIS_MNEMONIC_MOVLPS: case ZYDIS_MNEMONIC_MOVLPD:
        gen_mov_half(s, 0, 0);
        return true;
    case ZYDIS_MNEMONIC_MOVHPS: case ZYDIS_MNEMONIC_MOVHPD:
        /* load into the high half / store the high half */
        if (op_is_xmm(s, 0)) {
            gen_mov_half(s, 1, 0);
        } else {
            gen_mov_half(s, 0, 1);
        }
        return true;
    case ZYDIS_MNEMONIC_MOVHLPS:
        gen_mov_half(s, 0, 1);
        return true;
    case ZYDIS_MNEMONIC_MOVLHPS:
        gen_mov_half(s, 1, 0);
        return true;
    case ZYDIS_MNEMONIC_UCOMISS: gen_comi(s, 0); return true;
    case ZYDIS_MNEMONIC_COMISS: gen_comi(s, 1); return true;
    case ZYDIS_MNEMONIC_UCOMISD: gen_comi(s, 2); return true;
    case ZYDIS_MNEMONIC_COMISD: gen_comi(s, 3); return true;
    case ZYDIS_MNEMONIC_CVTSI2SS: gen_cvtsi2f(s, false); return true;
    case ZYDIS_MNEMONIC_CVTSI2SD: gen_cvtsi2f(s, true); return true;
    case ZYDIS_MNEMONIC_CVTSS2SI: gen_cvtf2si(s, false, false); return true;
    case ZYDIS_MNEMONIC_CVTSD2SI: gen_cvtf2si(s, true, false); return true;
    case ZYDIS_MNEMONIC_CVTTSS2SI: gen_cvtf2si(s, false, true); return true;
    case ZYDIS_MNEMONIC_CVTTSD2SI: gen_cvtf2si(s, true, true); return true;
    case ZYDIS_MNEMONIC_PMOVMSKB: gen_movmsk(s, 0); return true;
    case ZYDIS_MNEMONIC_MOVMSKPS: gen_movmsk(s, 1); return true;
    case ZYDIS_MNEMONIC_MOVMSKPD: gen_movmsk(s, 2); return true;
    case ZYDIS_MNEMONIC_PEXTRW: gen_pextrw(s); return true;
    case ZYDIS_MNEMONIC_PINSRW: gen_pinsrw(s); return true;
    case ZYDIS_MNEMONIC_PCMPISTRI: gen_pcmpstr(s, 0); return true;
    case ZYDIS_MNEMONIC_PCMPESTRI: gen_pcmpstr(s, 1); return true;
    case ZYDIS_MNEMONIC_PCMPISTRM: gen_pcmpstr(s, 2); return true;
    case ZYDIS_MNEMONIC_PCMPESTRM: gen_pcmpstr(s, 3); return true;
    default:
        break;
    }
    if (shift_kind(m) >= 0 && op_is_imm(s, 1)) {
        gen_shift_imm(s, shift_kind(m));
        return true;
    }
    if (imm && s->insn.operand_count_visible >= 3 && op_is_imm(s, 2)) {
        gen_imm_op(s, imm);
        return true;
    }
    if (bin) {
        gen_bin(s, bin);
        return true;
    }
    gen_illegal_opcode(s);
    return true;
}
