/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x87 control instructions done inline: FWAIT, FNINIT, FNCLEX, FNSTSW,
 * FNSTCW, and EMMS, with the CR0.EM/TS/MP device-not-available rules.
 * Everything else in D8-DF is translate-x87.c.
 */
#include "util/osdep.h"
#include "target/i386/tcg/translate.h"
#include "target/i386/tcg/x87.h"

/* #NM for an x87 instruction when CR0.EM or CR0.TS; FWAIT only for
 * TS with MP */
static bool check_fpu(DisasContext *s, bool wait)
{
    bool nm = wait ? (s->flags & HF_TS) && (s->flags & HF_MP)
                   : (s->flags & (HF_EM | HF_TS)) != 0;
    if (nm) {
        gen_exception(s, EXCP07_PREX);
        return false;
    }
    return true;
}

static void gen_fnstsw(DisasContext *s)
{
    TCGv_i64 sw = tcg_temp_new_i64(), top = tcg_temp_new_i64();

    tcg_gen_ld16u_i64(sw, tcg_env(), ENV_OFS(fpus));
    tcg_gen_ld32u_i64(top, tcg_env(), ENV_OFS(fpstt));
    tcg_gen_deposit_i64(sw, sw, top, 11, 3);
    gen_op_st(s, 0, sw);
}

bool disas_fpu(DisasContext *s)
{
    TCGv_i64 v;

    switch (s->insn.mnemonic) {
    case ZYDIS_MNEMONIC_FWAIT:
        if (check_fpu(s, true)) {
            gen_update_cc_op(s);
            tcg_gen_call(helper_fwait, 0, NULL, ENV());
        }
        break;
    case ZYDIS_MNEMONIC_FNINIT:
        if (check_fpu(s, false)) {
            tcg_gen_call(helper_fninit, 0, NULL, ENV());
        }
        break;
    case ZYDIS_MNEMONIC_FNCLEX:
        if (check_fpu(s, false)) {
            v = tcg_temp_new_i64();
            tcg_gen_ld16u_i64(v, tcg_env(), ENV_OFS(fpus));
            tcg_gen_andi_i64(v, v, 0x7f00);
            tcg_gen_st16_i64(v, tcg_env(), ENV_OFS(fpus));
        }
        break;
    case ZYDIS_MNEMONIC_FNSTSW:
        if (check_fpu(s, false)) {
            gen_fnstsw(s);
        }
        break;
    case ZYDIS_MNEMONIC_FNSTCW:
        if (check_fpu(s, false)) {
            v = tcg_temp_new_i64();
            tcg_gen_ld16u_i64(v, tcg_env(), ENV_OFS(fpuc));
            gen_op_st(s, 0, v);
        }
        break;
    case ZYDIS_MNEMONIC_EMMS:
        /* MMX state is the x87 state: every register tagged empty. An
         * MMX instruction is #UD (not #NM) with CR0.EM */
        if (s->flags & HF_EM) {
            gen_illegal_opcode(s);
        } else if (check_fpu(s, false)) {
            /* a pending x87 exception is #MF first, as for any MMX op */
            gen_update_cc_op(s);
            tcg_gen_call(helper_fwait, 0, NULL, ENV());
            tcg_gen_st8_i64(tcg_constant_i64(0), tcg_env(),
                            ENV_OFS(fptag_abridged));
        }
        break;
    default:
        return false;
    }
    return true;
}
