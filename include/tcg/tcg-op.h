/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Building TCG ops: what a front end calls. Every function appends ops to
 * the current thread's context (tcg_ctx). "i" variants take an immediate
 * and may emit nothing (add 0) or a cheaper op. Implemented in
 * tcg/tcg-op.c; none of this knows a guest.
 *
 * Atomic guest memory ops are not here: they are helpers of the runtime
 * (accel/tcg/atomic.c, see accel/tcg/tcg-runtime.h) that the front end
 * calls like any other helper.
 */
#ifndef KEMU_TCG_OP_H
#define KEMU_TCG_OP_H

#include "tcg/tcg.h"

/* Declares the I32 and I64 forms of a two-operand op and its immediate
 * form: tcg_gen_add_i32(ret, a, b), tcg_gen_addi_i32(ret, a, imm), ... */
#define TCG_DECL_BINOP(name)                                             \
    void tcg_gen_##name##_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b);     \
    void tcg_gen_##name##i_i32(TCGv_i32 ret, TCGv_i32 a, int32_t imm);   \
    void tcg_gen_##name##_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b);     \
    void tcg_gen_##name##i_i64(TCGv_i64 ret, TCGv_i64 a, int64_t imm);
TCG_DECL_BINOP(add)
TCG_DECL_BINOP(sub)
TCG_DECL_BINOP(mul)
TCG_DECL_BINOP(and)
TCG_DECL_BINOP(or)
TCG_DECL_BINOP(xor)
TCG_DECL_BINOP(andc)
TCG_DECL_BINOP(shl)
TCG_DECL_BINOP(shr)
TCG_DECL_BINOP(sar)
TCG_DECL_BINOP(rotl)
TCG_DECL_BINOP(rotr)
#undef TCG_DECL_BINOP

/* a0 ? clz/ctz(a0) : b */
void tcg_gen_clz_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_clz_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_ctz_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_ctz_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_ctpop_i32(TCGv_i32 ret, TCGv_i32 a);
void tcg_gen_ctpop_i64(TCGv_i64 ret, TCGv_i64 a);

#define TCG_DECL_UNOP(name)                                  \
    void tcg_gen_##name##_i32(TCGv_i32 ret, TCGv_i32 a);     \
    void tcg_gen_##name##_i64(TCGv_i64 ret, TCGv_i64 a);
TCG_DECL_UNOP(mov)
TCG_DECL_UNOP(neg)
TCG_DECL_UNOP(not)
TCG_DECL_UNOP(ext8s)
TCG_DECL_UNOP(ext8u)
TCG_DECL_UNOP(ext16s)
TCG_DECL_UNOP(ext16u)
TCG_DECL_UNOP(bswap16)    /* upper bits of the result zero */
TCG_DECL_UNOP(bswap32)
#undef TCG_DECL_UNOP
void tcg_gen_bswap64_i64(TCGv_i64 ret, TCGv_i64 a);
void tcg_gen_ext32s_i64(TCGv_i64 ret, TCGv_i64 a);
void tcg_gen_ext32u_i64(TCGv_i64 ret, TCGv_i64 a);
void tcg_gen_movi_i32(TCGv_i32 ret, int32_t val);
void tcg_gen_movi_i64(TCGv_i64 ret, int64_t val);

/* Width changes */
void tcg_gen_ext_i32_i64(TCGv_i64 ret, TCGv_i32 a);     /* sign */
void tcg_gen_extu_i32_i64(TCGv_i64 ret, TCGv_i32 a);    /* zero */
void tcg_gen_extrl_i64_i32(TCGv_i32 ret, TCGv_i64 a);   /* low half */
void tcg_gen_extrh_i64_i32(TCGv_i32 ret, TCGv_i64 a);   /* high half */
/* (ret, a) sized by MemOp: zero- or sign-extend the low 8/16/32 bits,
 * MO_64 copies. */
void tcg_gen_ext_i64(TCGv_i64 ret, TCGv_i64 a, MemOp op);

/* Bit fields: ret = a with [ofs, ofs+len) replaced by the low bits of b */
void tcg_gen_deposit_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b,
                         unsigned ofs, unsigned len);
void tcg_gen_deposit_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b,
                         unsigned ofs, unsigned len);
void tcg_gen_extract_i32(TCGv_i32 ret, TCGv_i32 a, unsigned ofs, unsigned len);
void tcg_gen_extract_i64(TCGv_i64 ret, TCGv_i64 a, unsigned ofs, unsigned len);
void tcg_gen_sextract_i32(TCGv_i32 ret, TCGv_i32 a, unsigned ofs, unsigned len);
void tcg_gen_sextract_i64(TCGv_i64 ret, TCGv_i64 a, unsigned ofs, unsigned len);

/* Double-width multiply: (lo, hi) = a * b */
void tcg_gen_mulu2_i64(TCGv_i64 lo, TCGv_i64 hi, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_muls2_i64(TCGv_i64 lo, TCGv_i64 hi, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_mulu2_i32(TCGv_i32 lo, TCGv_i32 hi, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_muls2_i32(TCGv_i32 lo, TCGv_i32 hi, TCGv_i32 a, TCGv_i32 b);

/* Conditions */
void tcg_gen_setcond_i32(TCGCond c, TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_setcondi_i32(TCGCond c, TCGv_i32 ret, TCGv_i32 a, int32_t b);
void tcg_gen_setcond_i64(TCGCond c, TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_setcondi_i64(TCGCond c, TCGv_i64 ret, TCGv_i64 a, int64_t b);
void tcg_gen_negsetcond_i64(TCGCond c, TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_movcond_i32(TCGCond c, TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b,
                         TCGv_i32 v_true, TCGv_i32 v_false);
void tcg_gen_movcond_i64(TCGCond c, TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b,
                         TCGv_i64 v_true, TCGv_i64 v_false);

/* Control flow inside a block */
void tcg_gen_br(TCGLabel *l);
void tcg_gen_set_label(TCGLabel *l);
void tcg_gen_brcond_i32(TCGCond c, TCGv_i32 a, TCGv_i32 b, TCGLabel *l);
void tcg_gen_brcondi_i32(TCGCond c, TCGv_i32 a, int32_t b, TCGLabel *l);
void tcg_gen_brcond_i64(TCGCond c, TCGv_i64 a, TCGv_i64 b, TCGLabel *l);
void tcg_gen_brcondi_i64(TCGCond c, TCGv_i64 a, int64_t b, TCGLabel *l);

/* Host memory (CPU state): ret = *(base + offset) */
void tcg_gen_ld8u_i32(TCGv_i32 ret, TCGv_ptr base, intptr_t offset);
void tcg_gen_ld8s_i32(TCGv_i32 ret, TCGv_ptr base, intptr_t offset);
void tcg_gen_ld16u_i32(TCGv_i32 ret, TCGv_ptr base, intptr_t offset);
void tcg_gen_ld16s_i32(TCGv_i32 ret, TCGv_ptr base, intptr_t offset);
void tcg_gen_ld_i32(TCGv_i32 ret, TCGv_ptr base, intptr_t offset);
void tcg_gen_ld8u_i64(TCGv_i64 ret, TCGv_ptr base, intptr_t offset);
void tcg_gen_ld8s_i64(TCGv_i64 ret, TCGv_ptr base, intptr_t offset);
void tcg_gen_ld16u_i64(TCGv_i64 ret, TCGv_ptr base, intptr_t offset);
void tcg_gen_ld16s_i64(TCGv_i64 ret, TCGv_ptr base, intptr_t offset);
void tcg_gen_ld32u_i64(TCGv_i64 ret, TCGv_ptr base, intptr_t offset);
void tcg_gen_ld32s_i64(TCGv_i64 ret, TCGv_ptr base, intptr_t offset);
void tcg_gen_ld_i64(TCGv_i64 ret, TCGv_ptr base, intptr_t offset);
void tcg_gen_st8_i32(TCGv_i32 val, TCGv_ptr base, intptr_t offset);
void tcg_gen_st16_i32(TCGv_i32 val, TCGv_ptr base, intptr_t offset);
void tcg_gen_st_i32(TCGv_i32 val, TCGv_ptr base, intptr_t offset);
void tcg_gen_st8_i64(TCGv_i64 val, TCGv_ptr base, intptr_t offset);
void tcg_gen_st16_i64(TCGv_i64 val, TCGv_ptr base, intptr_t offset);
void tcg_gen_st32_i64(TCGv_i64 val, TCGv_ptr base, intptr_t offset);
void tcg_gen_st_i64(TCGv_i64 val, TCGv_ptr base, intptr_t offset);

/* Guest memory through the softmmu TLB. addr is the linear (virtual)
 * address, already including the segment base and truncated to the
 * address size. A fault unwinds to the exec loop from inside the slow
 * path, with the guest state restored from the last insn_start. */
void tcg_gen_qemu_ld_i32(TCGv_i32 val, TCGv_i64 addr, unsigned mmu_idx,
                         MemOp op);
void tcg_gen_qemu_st_i32(TCGv_i32 val, TCGv_i64 addr, unsigned mmu_idx,
                         MemOp op);
void tcg_gen_qemu_ld_i64(TCGv_i64 val, TCGv_i64 addr, unsigned mmu_idx,
                         MemOp op);
void tcg_gen_qemu_st_i64(TCGv_i64 val, TCGv_i64 addr, unsigned mmu_idx,
                         MemOp op);

/* Helper calls. ret may be NULL for void helpers; args are I32 or I64
 * temps (an I32 arrives zero-extended in a 64-bit register), at most
 * TCG_MAX_CALL_ARGS. The helper returns a 32-bit type for an I32 ret
 * (bits 63..32 are cleared after the call) or a 64-bit one for I64;
 * not bool or a narrower type, whose upper bits the ABI leaves
 * undefined. */
void tcg_gen_callN(void *fn, const char *name, unsigned flags,
                   TCGTemp *ret, int nb_args, TCGTemp **args);
/* Convenience: tcg_gen_call(fn, flags, ret, a0, a1, ...) with TCGTemp*.
 * Use tcgv_i32_temp()/tcgv_i64_temp() on the handles. */
#define tcg_gen_call(fn, flags, ret, ...)                                   \
    do {                                                                    \
        TCGTemp *args_[] = { __VA_ARGS__ };                                 \
        tcg_gen_callN((void *)(fn), #fn, (flags), (ret),                    \
                      (int)(sizeof(args_) / sizeof(args_[0])), args_);      \
    } while (0)
#define tcg_gen_call0(fn, flags, ret) \
    tcg_gen_callN((void *)(fn), #fn, (flags), (ret), 0, NULL)

/* Guest instruction boundary (see tcg.h) */
void tcg_gen_insn_start(uint64_t d0, uint64_t d1);
void tcg_gen_mb(unsigned kind);
void tcg_gen_discard_i32(TCGv_i32 t);
void tcg_gen_discard_i64(TCGv_i64 t);

/* Leaving the block */
/* Chainable jump, slot 0 or 1; must be followed by tcg_gen_exit_tb(tb,
 * slot) which runs until the slot is patched (or after unchaining). */
void tcg_gen_goto_tb(unsigned slot);
/* Return to the exec loop: tb with the slot in the low bits (so the loop
 * can chain that exit), or NULL / 0 for a plain return. */
void tcg_gen_exit_tb(const void *tb, unsigned slot);
/* Look up the block for the current guest state (the runtime's
 * helper_lookup_tb_ptr, see TCGTargetConfig) and jump to it, or return
 * to the loop when none is cached. For indirect jumps, calls and iret. */
void tcg_gen_lookup_and_goto_ptr(void);

#endif
