/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x87 instructions (escape opcodes D8-DF): every one is a call to
 * helper_x87 (fpu_helper.c), which runs it on the host x87 with the
 * guest's state loaded, or to the environment helpers
 * (x87_env_helper.c). FNSTSW, FNSTCW, FNINIT and FNCLEX are inline TCG
 * in translate-fpu.c. After a non-control instruction completes, FOP,
 * FIP and FDP record it, as FNSTENV/FXSAVE show them.
 */
#include "util/osdep.h"
#include "target/i386/tcg/translate.h"
#include "target/i386/tcg/x87.h"

#define CPUID_CMOV      (1u << 15)
#define CPUID_EXT_PNI   (1u << 0)

static int mem_operand(DisasContext *s)
{
    for (int i = 0; i < s->insn.operand_count_visible; i++) {
        if (op_is_mem(s, i)) {
            return i;
        }
    }
    return -1;
}

/* Instructions that need a later CPUID feature than the 387 */
static bool x87_feature_ok(DisasContext *s, unsigned opc, unsigned modrm)
{
    uint32_t edx = s->env->features[FEAT_1_EDX];
    uint32_t ecx = s->env->features[FEAT_1_ECX];

    if (modrm < 0xc0) {
        /* FISTTP m16/m32/m64: SSE3 */
        if (((modrm >> 3) & 7) == 1 && (opc == 3 || opc == 5 || opc == 7)) {
            return (ecx & CPUID_EXT_PNI) != 0;
        }
        return true;
    }
    /* FCMOVcc (DA/DB C0-DF), FCOMI/FUCOMI (DB/DF E8-F7): P6 */
    if ((opc == 2 || opc == 3) && modrm < 0xe0) {
        return (edx & CPUID_CMOV) != 0;
    }
    if ((opc == 3 || opc == 7) && modrm >= 0xe8 && modrm < 0xf8) {
        return (edx & CPUID_CMOV) != 0;
    }
    return true;
}

static bool x87_is_control(unsigned opc, unsigned modrm)
{
    if (modrm < 0xc0) {
        return opc == 1 && ((modrm >> 3) & 7) >= 4;     /* env, FLDCW */
    }
    return opc == 3 && modrm >= 0xe0 && modrm <= 0xe4;
}

bool disas_x87(DisasContext *s)
{
    unsigned opc, modrm, op, reg;
    int mi;
    bool env_op;
    TCGv_i64 addr, fl, ret;

    if (s->insn.opcode_map != ZYDIS_OPCODE_MAP_DEFAULT ||
        s->insn.opcode < 0xd8 || s->insn.opcode > 0xdf) {
        return false;
    }
    switch (s->insn.mnemonic) {
    case ZYDIS_MNEMONIC_FNSTSW:
    case ZYDIS_MNEMONIC_FNSTCW:
    case ZYDIS_MNEMONIC_FNINIT:
    case ZYDIS_MNEMONIC_FNCLEX:
        return false;                   /* translate-fpu.c */
    default:
        break;
    }
    opc = s->insn.opcode & 7;
    reg = s->insn.raw.modrm.reg & 7;
    if (s->insn.raw.modrm.mod == 3) {
        modrm = 0xc0 | reg << 3 | (s->insn.raw.modrm.rm & 7);
    } else {
        modrm = reg << 3 | 6;
    }
    op = X87_OP(opc, modrm);
    if (s->flags & (HF_EM | HF_TS)) {
        gen_exception(s, EXCP07_PREX);
        return true;
    }
    env_op = modrm < 0xc0 && (opc == 1 || opc == 5) &&
             (reg == 4 || reg == 6);
    mi = mem_operand(s);
    if ((!env_op && !x87_valid_op(op)) || !x87_feature_ok(s, opc, modrm) ||
        (modrm < 0xc0 && mi < 0)) {
        gen_illegal_opcode(s);
        return true;
    }
    gen_update_cc_op(s);
    addr = modrm < 0xc0 ? gen_op_addr(s, mi) : tcg_constant_i64(0);
    if (env_op) {
        unsigned bits = s->insn.operand_width == 16 ? 16 : 32;
        void *fn = opc == 1 ? (reg == 4 ? (void *)helper_fldenv
                                        : (void *)helper_fnstenv)
                            : (reg == 4 ? (void *)helper_frstor
                                        : (void *)helper_fnsave);

        if (!s->pe || s->vm86) {
            bits |= 0x100;
        }
        tcg_gen_callN(fn, "x87_env", 0, NULL, 4,
                      (TCGTemp *[]){ ENV(), T64(addr), CI(s->mem_idx),
                                     CI(bits) });
        return true;
    }

    fl = tcg_temp_new_i64();
    if ((opc == 2 || opc == 3) && modrm >= 0xc0 && modrm < 0xe0) {
        gen_compute_all(s, fl);             /* FCMOVcc reads them */
    } else {
        tcg_gen_movi_i64(fl, 0);
    }
    ret = tcg_temp_new_i64();
    tcg_gen_call(helper_x87, 0, T64(ret), ENV(), CI(op), T64(addr),
                 CI(s->mem_idx), T64(fl));
    if ((opc == 3 || opc == 7) && modrm >= 0xe8 && modrm < 0xf8) {
        /* FCOMI/FUCOMI(P): ZF, PF, CF; OF, SF, AF cleared */
        tcg_gen_mov_i64(cpu_cc_src, ret);
        set_cc_op(s, CC_OP_EFLAGS);
    }
    if (!x87_is_control(opc, modrm)) {
        /* FOP keeps the real ModRM byte */
        tcg_gen_st16_i64(tcg_constant_i64((opc << 8) |
                                          s->insn.raw.modrm.mod << 6 |
                                          reg << 3 | s->insn.raw.modrm.rm),
                         tcg_env(), ENV_OFS(fpop));
        tcg_gen_st_i64(tcg_constant_i64(cur_eip(s)), tcg_env(),
                       ENV_OFS(fpip));
        if (modrm < 0xc0) {
            TCGv_i64 ea = tcg_temp_new_i64();
            gen_lea_op(s, mi, ea);
            tcg_gen_st_i64(ea, tcg_env(), ENV_OFS(fpdp));
        }
    }
    return true;
}
