/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SSE4.1 instructions that are not plain two-operand vector ops
 * (those are in translate-sse.c): PTEST, the blends, ROUND*, DPPS/DPPD,
 * MPSADBW, PHMINPOSUW, INSERTPS/EXTRACTPS and PINSR/PEXTR of bytes,
 * dwords and qwords. Legacy encodings only; each is #UD unless the CPU
 * model has sse4.1.
 */
#include "util/osdep.h"
#include "target/i386/tcg/translate.h"
#include "target/i386/tcg/sse41_helper.h"

#define CPUID_EXT_SSE41 (1u << 19)

static TCGv_ptr dst_ptr(DisasContext *s)
{
    return env_ptr(xmm_ofs(xmm_index(s->op[0].reg.value)));
}

static uint32_t imm8(DisasContext *s, int i)
{
    return s->op[i].imm.value.u & 0xff;
}

static void gen_ptest(DisasContext *s)
{
    TCGv_ptr d = dst_ptr(s);
    TCGv_ptr p = env_ptr(xmm_src(s, 1, true));

    tcg_gen_call(helper_ptest, 0, T64(cpu_cc_src), T64(d), T64(p));
    set_cc_op(s, CC_OP_EFLAGS);
}

static void gen_imm_kind(DisasContext *s, int kind)
{
    bool wide = opsize(s, 1) == 128;
    TCGv_ptr p = env_ptr(xmm_src(s, 1, wide));
    TCGv_ptr d = dst_ptr(s);

    if (kind == SSE41_INSERTPS_REG && op_is_mem(s, 1)) {
        kind = SSE41_INSERTPS_MEM;
    }
    tcg_gen_call(helper_sse41_imm, 0, NULL, ENV(), T64(d), T64(p),
                 CI(imm8(s, 2)), CI(kind));
}

static void gen_blendv(DisasContext *s, int elem)
{
    TCGv_ptr p = env_ptr(xmm_src(s, 1, true));
    TCGv_ptr d = dst_ptr(s);

    tcg_gen_call(helper_blendv, 0, NULL, ENV(), T64(d), T64(p), CI(elem));
}

static void gen_phminposuw(DisasContext *s)
{
    TCGv_ptr p = env_ptr(xmm_src(s, 1, true));
    TCGv_ptr d = dst_ptr(s);

    tcg_gen_call(helper_phminposuw, 0, NULL, T64(d), T64(p));
}

/* PEXTRB/PEXTRD/PEXTRQ/EXTRACTPS: element imm of op 1 to a GPR
 * (zero-extended) or memory */
static void gen_pextr(DisasContext *s, unsigned bits)
{
    unsigned n = 128 / bits;
    intptr_t ofs = xmm_ofs(xmm_index(s->op[1].reg.value)) +
                   (imm8(s, 2) & (n - 1)) * (bits / 8);
    TCGv_i64 v = tcg_temp_new_i64();

    switch (bits) {
    case 8: tcg_gen_ld8u_i64(v, tcg_env(), ofs); break;
    case 32: tcg_gen_ld32u_i64(v, tcg_env(), ofs); break;
    default: tcg_gen_ld_i64(v, tcg_env(), ofs); break;
    }
    gen_op_st(s, 0, v);
}

/* PINSRB/PINSRD/PINSRQ: a GPR's low bits or memory into element imm */
static void gen_pinsr(DisasContext *s, unsigned bits)
{
    unsigned n = 128 / bits;
    intptr_t ofs = xmm_ofs(xmm_index(s->op[0].reg.value)) +
                   (imm8(s, 2) & (n - 1)) * (bits / 8);
    TCGv_i64 v = tcg_temp_new_i64();

    gen_op_ld(s, 1, v);
    switch (bits) {
    case 8: tcg_gen_st8_i64(v, tcg_env(), ofs); break;
    case 32: tcg_gen_st32_i64(v, tcg_env(), ofs); break;
    default: tcg_gen_st_i64(v, tcg_env(), ofs); break;
    }
}

bool disas_sse41(DisasContext *s)
{
    ZydisMnemonic m = s->insn.mnemonic;

    if (s->insn.encoding != ZYDIS_INSTRUCTION_ENCODING_LEGACY) {
        return false;
    }
    switch (m) {
    case ZYDIS_MNEMONIC_PTEST: case ZYDIS_MNEMONIC_PBLENDW:
    case ZYDIS_MNEMONIC_BLENDPS: case ZYDIS_MNEMONIC_BLENDPD:
    case ZYDIS_MNEMONIC_BLENDVPS: case ZYDIS_MNEMONIC_BLENDVPD:
    case ZYDIS_MNEMONIC_PBLENDVB: case ZYDIS_MNEMONIC_ROUNDPS:
    case ZYDIS_MNEMONIC_ROUNDPD: case ZYDIS_MNEMONIC_ROUNDSS:
    case ZYDIS_MNEMONIC_ROUNDSD: case ZYDIS_MNEMONIC_DPPS:
    case ZYDIS_MNEMONIC_DPPD: case ZYDIS_MNEMONIC_MPSADBW:
    case ZYDIS_MNEMONIC_PHMINPOSUW: case ZYDIS_MNEMONIC_INSERTPS:
    case ZYDIS_MNEMONIC_EXTRACTPS: case ZYDIS_MNEMONIC_PINSRB:
    case ZYDIS_MNEMONIC_PINSRD: case ZYDIS_MNEMONIC_PINSRQ:
    case ZYDIS_MNEMONIC_PEXTRB: case ZYDIS_MNEMONIC_PEXTRD:
    case ZYDIS_MNEMONIC_PEXTRQ:
        break;
    default:
        return false;
    }
    if (!(s->env->features[FEAT_1_ECX] & CPUID_EXT_SSE41)) {
        gen_illegal_opcode(s);
        return true;
    }
    if (!sse_check(s)) {
        return true;
    }
    switch (m) {
    case ZYDIS_MNEMONIC_PTEST: gen_ptest(s); break;
    case ZYDIS_MNEMONIC_PBLENDW: gen_imm_kind(s, SSE41_PBLENDW); break;
    case ZYDIS_MNEMONIC_BLENDPS: gen_imm_kind(s, SSE41_BLENDPS); break;
    case ZYDIS_MNEMONIC_BLENDPD: gen_imm_kind(s, SSE41_BLENDPD); break;
    case ZYDIS_MNEMONIC_MPSADBW: gen_imm_kind(s, SSE41_MPSADBW); break;
    case ZYDIS_MNEMONIC_INSERTPS: gen_imm_kind(s, SSE41_INSERTPS_REG); break;
    case ZYDIS_MNEMONIC_ROUNDPS: gen_imm_kind(s, SSE41_ROUNDPS); break;
    case ZYDIS_MNEMONIC_ROUNDPD: gen_imm_kind(s, SSE41_ROUNDPD); break;
    case ZYDIS_MNEMONIC_ROUNDSS: gen_imm_kind(s, SSE41_ROUNDSS); break;
    case ZYDIS_MNEMONIC_ROUNDSD: gen_imm_kind(s, SSE41_ROUNDSD); break;
    case ZYDIS_MNEMONIC_DPPS: gen_imm_kind(s, SSE41_DPPS); break;
    case ZYDIS_MNEMONIC_DPPD: gen_imm_kind(s, SSE41_DPPD); break;
    case ZYDIS_MNEMONIC_BLENDVPS: gen_blendv(s, 4); break;
    case ZYDIS_MNEMONIC_BLENDVPD: gen_blendv(s, 8); break;
    case ZYDIS_MNEMONIC_PBLENDVB: gen_blendv(s, 1); break;
    case ZYDIS_MNEMONIC_PHMINPOSUW: gen_phminposuw(s); break;
    case ZYDIS_MNEMONIC_PEXTRB: gen_pextr(s, 8); break;
    case ZYDIS_MNEMONIC_PEXTRD: case ZYDIS_MNEMONIC_EXTRACTPS:
        gen_pextr(s, 32);
        break;
    case ZYDIS_MNEMONIC_PEXTRQ: gen_pextr(s, 64); break;
    case ZYDIS_MNEMONIC_PINSRB: gen_pinsr(s, 8); break;
    case ZYDIS_MNEMONIC_PINSRD: gen_pinsr(s, 32); break;
    default: gen_pinsr(s, 64); break;
    }
    return true;
}
