/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MMX: every legacy-encoded instruction with an MM register operand
 * (MMX itself, the SSE/SSE2 additions on MM registers, and SSSE3's MM
 * forms). Moves are TCG on env->fpregs[].mant after helper_mmx_enter;
 * arithmetic goes to helper_mmx_op (mmx_helper.c), which runs it on the
 * host's MMX unit. EMMS is in translate-fpu.c. The SSE conversions with
 * an MM operand (CVTPI2PS and friends) are not handled (#UD).
 */
#include "util/osdep.h"
#include "target/i386/tcg/translate.h"
#include "target/i386/tcg/x87.h"
#include "target/i386/tcg/mmx-ops.h"

#define CPUID_SSE        (1u << 25)
#define CPUID_SSE2       (1u << 26)
#define CPUID_EXT_SSSE3  (1u << 9)
#define CPUID_EXT2_MMXEXT (1u << 22)

#define X(o) o,
static const uint8_t mmx_0f[] = { MMX_0F_OPS };
static const uint8_t mmx_0f38[] = { MMX_0F38_OPS };
#undef X

static int mm_index(DisasContext *s, int i)
{
    if (op_is_reg(s, i) && s->op[i].reg.value >= ZYDIS_REGISTER_MM0 &&
        s->op[i].reg.value <= ZYDIS_REGISTER_MM7) {
        return s->op[i].reg.value - ZYDIS_REGISTER_MM0;
    }
    return -1;
}

static intptr_t mm_ofs(int n)
{
    return ENV_OFS(fpregs[0].mant) + n * (intptr_t)sizeof(X86FPReg);
}

static void gen_mm_write(int n, TCGv_i64 v)
{
    tcg_gen_st_i64(v, tcg_env(), mm_ofs(n));
    tcg_gen_st16_i64(tcg_constant_i64(0xffff), tcg_env(),
                     ENV_OFS(fpregs[0].exp) + n * (intptr_t)sizeof(X86FPReg));
}

static int stub_index(DisasContext *s)
{
    unsigned op = s->insn.opcode;

    if (s->insn.opcode_map == ZYDIS_OPCODE_MAP_0F) {
        for (size_t i = 0; i < sizeof(mmx_0f); i++) {
            if (mmx_0f[i] == op) {
                return (int)i;
            }
        }
    } else if (s->insn.opcode_map == ZYDIS_OPCODE_MAP_0F38) {
        for (size_t i = 0; i < sizeof(mmx_0f38); i++) {
            if (mmx_0f38[i] == op) {
                return (int)(sizeof(mmx_0f) + i);
            }
        }
    }
    return -1;
}

/* The CPUID feature an MM-register form needs beyond MMX */
static bool mmx_feature_ok(DisasContext *s)
{
    uint32_t edx = s->env->features[FEAT_1_EDX];
    uint32_t ecx = s->env->features[FEAT_1_ECX];
    uint32_t amd = s->env->features[FEAT_8000_0001_EDX];

    if (s->insn.opcode_map == ZYDIS_OPCODE_MAP_0F38 ||
        s->insn.opcode_map == ZYDIS_OPCODE_MAP_0F3A) {
        return (ecx & CPUID_EXT_SSSE3) != 0;
    }
    switch (s->insn.opcode) {
    case 0xd4: case 0xf4: case 0xfb: case 0xd6:
        return (edx & CPUID_SSE2) != 0;
    case 0xe0: case 0xe3: case 0xe4: case 0xea: case 0xee: case 0xda:
    case 0xde: case 0xf6: case 0x70: case 0xc4: case 0xc5: case 0xd7:
    case 0xf7: case 0xe7:
        return (edx & CPUID_SSE) || (amd & CPUID_EXT2_MMXEXT);
    default:
        return true;
    }
}

static void gen_enter(void)
{
    tcg_gen_call(helper_mmx_enter, 0, NULL, ENV());
}

/* dst = op(dst, source operand src_i) through helper_mmx_op */
static void gen_mmx_op(DisasContext *s, uint32_t op, int src_i)
{
    int d = mm_index(s, 0), r = mm_index(s, src_i);
    TCGv_i64 v = tcg_temp_new_i64();

    if (r >= 0) {
        op |= MMX_SRC_REG | (uint32_t)r << 17;
        tcg_gen_movi_i64(v, 0);
    } else {
        gen_op_ld(s, src_i, v);         /* a fault comes before any change */
    }
    tcg_gen_call(helper_mmx_op, 0, NULL, ENV(), CI(op), CI(d), T64(v));
}

static bool gen_mmx_mov(DisasContext *s)
{
    int d = mm_index(s, 0), r = mm_index(s, 1);
    TCGv_i64 v = tcg_temp_new_i64();

    if (d >= 0 && r >= 0) {
        gen_enter();
        tcg_gen_ld_i64(v, tcg_env(), mm_ofs(r));
        gen_mm_write(d, v);
    } else if (d >= 0) {
        if (!op_is_reg(s, 1) && !op_is_mem(s, 1)) {
            return false;
        }
        if (op_is_reg(s, 1) && gpr_index(s->op[1].reg.value,
                                         &(bool){0}) < 0) {
            return false;
        }
        gen_op_ld(s, 1, v);
        gen_enter();
        gen_mm_write(d, v);
    } else if (r >= 0) {
        if (op_is_reg(s, 0) && gpr_index(s->op[0].reg.value,
                                         &(bool){0}) < 0) {
            return false;
        }
        gen_enter();
        tcg_gen_ld_i64(v, tcg_env(), mm_ofs(r));
        gen_op_st(s, 0, v);
    } else {
        return false;
    }
    return true;
}

static int shift_imm_stub(DisasContext *s)
{
    /* 0F 71/72/73 /r ib: the same op as the register-count form */
    static const uint8_t by_reg[3][8] = {
        { 0, 0, 0xd1, 0, 0xe1, 0, 0xf1, 0 },
        { 0, 0, 0xd2, 0, 0xe2, 0, 0xf2, 0 },
        { 0, 0, 0xd3, 0, 0, 0, 0xf3, 0 },
    };
    uint8_t op = by_reg[s->insn.opcode - 0x71][s->insn.raw.modrm.reg & 7];

    for (size_t i = 0; op && i < sizeof(mmx_0f); i++) {
        if (mmx_0f[i] == op) {
            return (int)i;
        }
    }
    return -1;
}

bool disas_mmx(DisasContext *s)
{
    ZydisMnemonic m = s->insn.mnemonic;
    bool any_mm = false;
    int idx, last = s->insn.operand_count_visible - 1;
    TCGv_i64 v;

    if (s->insn.encoding != ZYDIS_INSTRUCTION_ENCODING_LEGACY) {
        return false;
    }
    for (int i = 0; i < s->insn.operand_count_visible; i++) {
        any_mm |= mm_index(s, i) >= 0;
    }
    if (!any_mm) {
        return false;
    }
    switch (m) {
    case ZYDIS_MNEMONIC_CVTPI2PS: case ZYDIS_MNEMONIC_CVTPS2PI:
    case ZYDIS_MNEMONIC_CVTTPS2PI: case ZYDIS_MNEMONIC_CVTPI2PD:
    case ZYDIS_MNEMONIC_CVTPD2PI: case ZYDIS_MNEMONIC_CVTTPD2PI:
        return false;
    default:
        break;
    }
    if (s->flags & HF_EM) {
        gen_illegal_opcode(s);
        return true;
    }
    if (!mmx_feature_ok(s)) {
        gen_illegal_opcode(s);
        return true;
    }
    if ((m == ZYDIS_MNEMONIC_MOVQ2DQ || m == ZYDIS_MNEMONIC_MOVDQ2Q) &&
        !(s->flags & HF_OSFXSR)) {
        gen_illegal_opcode(s);
        return true;
    }
    if (s->flags & HF_TS) {
        gen_exception(s, EXCP07_PREX);
        return true;
    }
    gen_update_cc_op(s);
    v = tcg_temp_new_i64();

    switch (m) {
    case ZYDIS_MNEMONIC_MOVD:
    case ZYDIS_MNEMONIC_MOVQ:
    case ZYDIS_MNEMONIC_MOVNTQ:
        if (!gen_mmx_mov(s)) {
            gen_illegal_opcode(s);
        }
        return true;
    case ZYDIS_MNEMONIC_MOVQ2DQ: {
        intptr_t x = ENV_OFS(xmm[0]) + (s->op[0].reg.value -
                                        ZYDIS_REGISTER_XMM0) *
                                       (intptr_t)sizeof(X86XMMReg);
        gen_enter();
        tcg_gen_ld_i64(v, tcg_env(), mm_ofs(mm_index(s, 1)));
        tcg_gen_st_i64(v, tcg_env(), x);
        tcg_gen_st_i64(tcg_constant_i64(0), tcg_env(), x + 8);
        return true;
    }
    case ZYDIS_MNEMONIC_MOVDQ2Q:
        gen_enter();
        tcg_gen_ld_i64(v, tcg_env(), ENV_OFS(xmm[0]) +
                       (s->op[1].reg.value - ZYDIS_REGISTER_XMM0) *
                       (intptr_t)sizeof(X86XMMReg));
        gen_mm_write(mm_index(s, 0), v);
        return true;
    case ZYDIS_MNEMONIC_PEXTRW: {
        unsigned imm = s->op[last].imm.value.u & 3;
        gen_enter();
        tcg_gen_ld_i64(v, tcg_env(), mm_ofs(mm_index(s, 1)));
        tcg_gen_extract_i64(v, v, 16 * imm, 16);
        gen_op_st(s, 0, v);
        return true;
    }
    case ZYDIS_MNEMONIC_PMOVMSKB: {
        TCGv_i64 src = tcg_temp_new_i64(), b = tcg_temp_new_i64();
        gen_enter();
        tcg_gen_ld_i64(src, tcg_env(), mm_ofs(mm_index(s, 1)));
        tcg_gen_movi_i64(v, 0);
        for (int i = 0; i < 8; i++) {
            tcg_gen_extract_i64(b, src, 8 * i + 7, 1);
            tcg_gen_deposit_i64(v, v, b, i, 1);
        }
        gen_op_st(s, 0, v);
        return true;
    }
    case ZYDIS_MNEMONIC_PINSRW:
        gen_mmx_op(s, MMX_C_OP | MMX_C_PINSRW |
                   (uint32_t)(s->op[last].imm.value.u & 3) << 8, 1);
        return true;
    case ZYDIS_MNEMONIC_PSHUFW:
        gen_mmx_op(s, MMX_C_OP | MMX_C_PSHUFW |
                   (uint32_t)(s->op[last].imm.value.u & 0xff) << 8, 1);
        return true;
    case ZYDIS_MNEMONIC_PALIGNR:
        gen_mmx_op(s, MMX_C_OP | MMX_C_PALIGNR |
                   (uint32_t)(s->op[last].imm.value.u & 0xff) << 8, 1);
        return true;
    case ZYDIS_MNEMONIC_MASKMOVQ:
        for (int i = 0; i < s->insn.operand_count; i++) {
            if (op_is_mem(s, i)) {
                tcg_gen_call(helper_maskmovq, 0, NULL, ENV(),
                             CI(mm_index(s, 0) | mm_index(s, 1) << 4),
                             T64(gen_op_addr(s, i)), CI(s->mem_idx));
                return true;
            }
        }
        gen_illegal_opcode(s);
        return true;
    default:
        break;
    }
    if (s->insn.opcode_map == ZYDIS_OPCODE_MAP_0F &&
        s->insn.opcode >= 0x71 && s->insn.opcode <= 0x73 &&
        op_is_imm(s, 1)) {
        idx = shift_imm_stub(s);
        if (idx < 0) {
            gen_illegal_opcode(s);
            return true;
        }
        tcg_gen_call(helper_mmx_op, 0, NULL, ENV(), CI(idx),
                     CI(mm_index(s, 0)),
                     CL(s->op[1].imm.value.u & 0xff));
        return true;
    }
    idx = stub_index(s);
    if (idx < 0 || mm_index(s, 0) < 0) {
        return false;                   /* not MMX: #UD below */
    }
    gen_mmx_op(s, (uint32_t)idx, 1);
    return true;
}
