/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 front end's shared state: one DisasContext per block being
 * translated, holding the Zydis-decoded instruction, the static lazy-flags
 * state and the mode bits; and the pieces every instruction group uses
 * (operand access, effective addresses, the stack, block ends). Each
 * translate-*.c file handles one group of mnemonics and says whether it
 * took the instruction.
 */
#ifndef KEMU_I386_TRANSLATE_H
#define KEMU_I386_TRANSLATE_H

#include <Zydis/Zydis.h>
#include "tcg/tcg-op.h"
#include "target/i386/tcg/tcg-cpu.h"
#include "target/i386/tcg/sys-helpers.h"
#include "target/i386/tcg/helper.h"

/* Block ends beyond the generic ones */
/* state changed: rip = next insn, look up the next block */
#define DISAS_EOB_NEXT ((DisasJumpType)(DISAS_TARGET_0 + 0))
/* rip = next insn, back to the exec loop (interrupts may be open now) */
#define DISAS_EOB_EXIT ((DisasJumpType)(DISAS_TARGET_0 + 1))
/* rip already stored (indirect jump): look up the next block */
#define DISAS_JUMP     ((DisasJumpType)(DISAS_TARGET_0 + 2))
/* rip already stored: back to the exec loop */
#define DISAS_EOB_ONLY ((DisasJumpType)(DISAS_TARGET_0 + 3))

typedef struct DisasContext {
    DisasContextBase base;
    CPUX86State *env;
    uint32_t flags;             /* hflags of the block */
    uint64_t cs_base;
    uint64_t pc_start;          /* linear address of the current insn */
    ZydisDecoder dec;
    ZydisDecodedInstruction insn;
    ZydisDecodedOperand op[ZYDIS_MAX_OPERAND_COUNT];
    bool code64;
    int cpl, iopl;
    int mem_idx;
    unsigned ss_bits;           /* stack pointer width: 16, 32, 64 */
    bool vm86, pe;
    /* lazy flags as known at translation time */
    CCOp cc_op;
    bool cc_op_dirty;           /* env->cc_op differs from cc_op */
    /* prefixes */
    bool lock, rep, repz, repnz;
    /* per-block temporaries that survive labels (LOCK retry loops) */
    TCGv_i64 A0;
    int a0_op;                  /* operand whose address is in A0, or -1 */
} DisasContext;

/* Globals (one set per vCPU thread's TCGContext) */
extern __thread TCGv_i64 cpu_regs[CPU_NB_REGS];
extern __thread TCGv_i64 cpu_cc_dst, cpu_cc_src, cpu_cc_src2;
extern __thread TCGv_i32 cpu_cc_op;

#define ENV_OFS(field) ((intptr_t)offsetof(CPUX86State, field))

static inline uint64_t bits_mask(unsigned bits)
{
    return bits >= 64 ? ~0ull : (1ull << bits) - 1;
}
static inline MemOp mo_bits(unsigned bits)
{
    return bits == 8 ? MO_8 : bits == 16 ? MO_16 : bits == 32 ? MO_32 : MO_64;
}
/* 0..3 for 8..64: the offset of a sized CCOp and the "dflag" encoding */
static inline unsigned size_idx(unsigned bits)
{
    return mo_bits(bits) & MO_SIZE;
}
static inline TCGTemp *T64(TCGv_i64 v) { return tcgv_i64_temp(v); }
static inline TCGTemp *T32(TCGv_i32 v) { return tcgv_i32_temp(v); }
static inline TCGTemp *ENV(void) { return tcgv_i64_temp(tcg_env()); }
static inline TCGTemp *CI(int32_t v) { return T32(tcg_constant_i32(v)); }
static inline TCGTemp *CL(int64_t v) { return T64(tcg_constant_i64(v)); }

static inline uint64_t cur_eip(DisasContext *s)
{
    return s->pc_start - s->cs_base;
}
static inline uint64_t next_eip(DisasContext *s)
{
    return s->base.pc_next - s->cs_base;
}
static inline unsigned insn_len(DisasContext *s)
{
    return s->insn.length;
}
static inline unsigned opsize(DisasContext *s, int i)
{
    return s->op[i].size;
}
static inline bool op_is_reg(DisasContext *s, int i)
{
    return s->op[i].type == ZYDIS_OPERAND_TYPE_REGISTER;
}
static inline bool op_is_mem(DisasContext *s, int i)
{
    return s->op[i].type == ZYDIS_OPERAND_TYPE_MEMORY;
}
static inline bool op_is_imm(DisasContext *s, int i)
{
    return s->op[i].type == ZYDIS_OPERAND_TYPE_IMMEDIATE;
}

/* ---- translate.c ---- */
void set_cc_op(DisasContext *s, CCOp op);
void gen_update_cc_op(DisasContext *s);
void gen_update_eip_cur(DisasContext *s);
void gen_update_eip_next(DisasContext *s);
void gen_set_eip(DisasContext *s, TCGv_i64 eip);
/* Raise from translated code at the current insn */
void gen_exception(DisasContext *s, int vector);
void gen_exception_err(DisasContext *s, int vector, int err);
void gen_illegal_opcode(DisasContext *s);
/* #GP(0) unless CPL 0; returns false when it raised */
bool check_cpl0(DisasContext *s);

/* Registers by Zydis name: read zero-extended, write with x86 rules */
int gpr_index(ZydisRegister r, bool *high8);
void gen_reg_read(DisasContext *s, ZydisRegister r, TCGv_i64 val);
void gen_reg_write(DisasContext *s, ZydisRegister r, TCGv_i64 val);
/* A GPR by number and operand size (bits) */
void gen_gpr_write(int reg, unsigned bits, TCGv_i64 val);
void gen_gpr_read(int reg, unsigned bits, TCGv_i64 val);

/* Linear address: add the segment base where the mode wants it and
 * truncate outside 64-bit mode. seg: R_ES..R_GS */
void gen_add_seg(DisasContext *s, TCGv_i64 addr, int seg);
int seg_index(ZydisRegister r);
/* Effective address (offset in the segment) of memory operand i */
void gen_lea_op(DisasContext *s, int i, TCGv_i64 ea);
/* Linear address of memory operand i into s->A0 (cached per insn) */
TCGv_i64 gen_op_addr(DisasContext *s, int i);
/* Guest memory at a linear address */
void gen_ld(DisasContext *s, TCGv_i64 val, TCGv_i64 addr, MemOp mo);
void gen_st(DisasContext *s, TCGv_i64 val, TCGv_i64 addr, MemOp mo);
/* Operand i of the instruction (register, memory or immediate) */
void gen_op_ld(DisasContext *s, int i, TCGv_i64 val);
void gen_op_st(DisasContext *s, int i, TCGv_i64 val);

/* Stack (SS:rSP with the stack width) */
void gen_push(DisasContext *s, TCGv_i64 val, unsigned bits);
void gen_pop_load(DisasContext *s, TCGv_i64 val, unsigned bits,
                  unsigned offset);
void gen_sp_add(DisasContext *s, int64_t delta);
void gen_stack_addr(DisasContext *s, TCGv_i64 addr, TCGv_i64 sp);

/* Block ends */
void gen_jmp_eip(DisasContext *s, uint64_t eip, unsigned slot);
void gen_eob(DisasContext *s, bool lookup);
uint64_t mask_eip(DisasContext *s, uint64_t eip, unsigned bits);

/* ---- translate-cc.c: lazy flags and conditions ---- */
typedef struct CCPrepare {
    TCGCond cond;
    TCGv_i64 reg;
    TCGv_i64 reg2;              /* NULL: compare with imm */
    int64_t imm;
} CCPrepare;
/* Materialize OSZAPC into cc_src (cc_op becomes CC_OP_EFLAGS) */
void gen_compute_eflags(DisasContext *s);
/* CF as 0/1 into reg */
void gen_compute_c(DisasContext *s, TCGv_i64 reg);
/* All OSZAPC into reg, without changing the lazy state */
void gen_compute_all(DisasContext *s, TCGv_i64 reg);
/* x86 condition 0..15 (O NO B AE E NE BE A S NS P NP L GE LE G) */
CCPrepare gen_prepare_cc(DisasContext *s, int cc);
void gen_setcc(DisasContext *s, int cc, TCGv_i64 reg);
void gen_jcc_label(DisasContext *s, int cc, TCGLabel *l);
/* Lazy flag producers */
void gen_flags_arith(DisasContext *s, CCOp base, unsigned bits,
                     TCGv_i64 dst, TCGv_i64 src);

/* ---- instruction groups ---- */
bool disas_alu(DisasContext *s);      /* translate-alu.c */
bool disas_bits(DisasContext *s);     /* translate-bits.c */
bool disas_ctl(DisasContext *s);      /* translate-ctl.c */
bool disas_string(DisasContext *s);   /* translate-string.c */
bool disas_sys(DisasContext *s);      /* translate-sys.c */
bool disas_fpu(DisasContext *s);      /* translate-fpu.c */
bool disas_x87(DisasContext *s);      /* translate-x87.c */
bool disas_mmx(DisasContext *s);      /* translate-mmx.c */
bool disas_sse(DisasContext *s);      /* translate-sse.c */
bool disas_avx(DisasContext *s);      /* translate-avx.c: VEX, XSAVE */
bool disas_sse41(DisasContext *s);    /* translate-sse41.c */
bool disas_crypto(DisasContext *s);   /* translate-crypto.c */

/* ---- translate-sse.c: XMM operands, shared by the SSE groups ---- */
/* XMM register number of a Zydis register, or -1 */
int xmm_index(ZydisRegister r);
bool op_is_xmm(DisasContext *s, int i);
/* env offset of xmm[n] */
intptr_t xmm_ofs(int n);
/* A pointer temp to env + ofs */
TCGv_ptr env_ptr(intptr_t ofs);
/* #UD/#NM checks of legacy SSE; false when it raised */
bool sse_check(DisasContext *s);
/* Operand i as an env offset: its XMM register, or the memory operand
 * loaded into xmm_t0 (16-byte alignment checked when align) */
intptr_t xmm_src(DisasContext *s, int i, bool align);

#endif
