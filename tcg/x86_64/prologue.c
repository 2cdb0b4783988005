/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The prologue/epilogue every block runs inside, and patching of the
 * chainable goto_tb jumps.
 *
 * Frame (rsp 16-byte aligned while block code runs):
 *   [rsp + 0, TCG_FRAME_SIZE)  spill slots of the block's temps
 *   then the padding, the saved callee-saved registers and the return
 *   address into tcg_qemu_tb_exec's caller.
 */
#include "tcg/tcg-internal.h"
#include "tcg/x86_64/backend.h"
#include "tcg/x86_64/emit.h"

TCGTBExecFn tcg_qemu_tb_exec;
const void *tcg_code_gen_epilogue;
const void *tcg_tb_ret_addr;

static const int saved_regs[] = {
    R_RBP, R_RBX, R_R12, R_R13, R_R14, R_R15,
};
#define NB_SAVED (int)(sizeof(saved_regs) / sizeof(saved_regs[0]))

size_t tcg_prologue_init(uint8_t *buf, size_t room)
{
    TCGContext tmp = { 0 };
    TCGContext *s = &tmp;
    s->code_buf = s->code_ptr = buf;
    g_assert(room >= 128);

    /* entry: rsp = 8 mod 16; 6 pushes keep it 8 mod 16, so the frame
     * adds 8 to reach alignment */
    for (int i = 0; i < NB_SAVED; i++) {
        emit_push(s, saved_regs[i]);
    }
    emit_modrm(s, OPC_ARITH_EvIz | P_REXW, ARITH_SUB, R_RSP);
    out32(s, TCG_FRAME_SIZE + 8);
    emit_mov(s, TCG_TYPE_I64, R_ENV, R_RDI);
    emit_modrm(s, OPC_GRP5, 4, R_RSI);          /* jmp *%rsi */

    /* goto_ptr's miss target: return 0 */
    tcg_code_gen_epilogue = s->code_ptr;
    emit_movi(s, TCG_TYPE_I32, R_RAX, 0);
    /* exit_tb lands here with rax set */
    tcg_tb_ret_addr = s->code_ptr;
    emit_modrm(s, OPC_ARITH_EvIz | P_REXW, ARITH_ADD, R_RSP);
    out32(s, TCG_FRAME_SIZE + 8);
    for (int i = NB_SAVED - 1; i >= 0; i--) {
        emit_pop(s, saved_regs[i]);
    }
    out8(s, OPC_RET);

    tcg_qemu_tb_exec = (TCGTBExecFn)(void *)buf;
    return s->code_ptr - buf;
}

void tb_target_set_jmp_target(uintptr_t jmp_insn_addr, uintptr_t target)
{
    /* the displacement of "jmp rel32" is 4-byte aligned (goto_tb pads
     * for it), so one aligned store switches it atomically */
    int32_t disp = (int32_t)(target - (jmp_insn_addr + 5));
    __atomic_store_n((int32_t *)(jmp_insn_addr + 1), disp, __ATOMIC_RELAXED);
}
