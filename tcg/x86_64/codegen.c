/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86-64 back end: a local register allocator and the lowering of
 * every op to host instructions.
 *
 * Allocation walks the ops once. A temp's value is in a host register, in
 * its memory slot (env + offset for globals, a frame slot for the rest),
 * an immediate (constants), or nowhere (dead). Inputs are loaded on
 * demand; a register whose temp liveness marked dead is free for the
 * op's output (two-address x86 then needs no copy); outputs marked
 * "sync" are stored at once. At labels and unconditional branches every
 * global and TB temp is in memory and no register holds anything; at a
 * conditional branch they are written back but stay cached for the
 * fall-through path. Calls save live caller-saved registers (moving them
 * to free callee-saved ones when there are). Guest memory ops probe the
 * TLB inline; their slow path, out of line at the end of the block,
 * saves the caller-saved registers it needs itself, so the fast path
 * spills nothing.
 *
 * r14 holds env for the whole block; r10 and r11 are scratch registers
 * the allocator never hands out.
 */
#include "tcg/tcg-internal.h"
#include "tcg/x86_64/backend.h"
#include "tcg/x86_64/emit.h"
#include "exec/cpu-tlb.h"
#include "util/log.h"

enum { VAL_DEAD, VAL_REG, VAL_MEM, VAL_CONST };

#define RBIT(r) (1u << (r))
#define ALLOC_REGS (RBIT(R_RBX) | RBIT(R_RBP) | RBIT(R_R12) | RBIT(R_R13) | \
                    RBIT(R_R15) | RBIT(R_RSI) | RBIT(R_RDI) | RBIT(R_R8) |  \
                    RBIT(R_R9) | RBIT(R_RAX) | RBIT(R_RCX) | RBIT(R_RDX))
#define CALLER_SAVED (RBIT(R_RAX) | RBIT(R_RCX) | RBIT(R_RDX) |             \
                      RBIT(R_RSI) | RBIT(R_RDI) | RBIT(R_R8) | RBIT(R_R9) | \
                      RBIT(R_R10) | RBIT(R_R11))
#define CALLEE_ALLOC (ALLOC_REGS & ~CALLER_SAVED)

/* callee-saved first: values there survive helper calls for free */
static const int alloc_order[] = {
    R_RBX, R_RBP, R_R12, R_R13, R_R15,
    R_RSI, R_RDI, R_R8, R_R9, R_RAX, R_RCX, R_RDX,
};
#define NB_ALLOC (int)(sizeof(alloc_order) / sizeof(alloc_order[0]))

static const int call_arg_regs[TCG_MAX_CALL_ARGS] = {
    R_RDI, R_RSI, R_RDX, R_RCX, R_R8, R_R9,
};

/* room kept free before each op: more than any one op emits */
#define OP_MARGIN 1024

typedef struct LdstLabel {
    bool is_ld;
    TCGType type;
    MemOpIdx oi;
    int addr_reg, data_reg;     /* data_reg -1: store data_val */
    int64_t data_val;
    uint32_t save;              /* caller-saved registers to preserve */
    uint8_t *jne_disp;          /* the fast path's miss branch */
    uint8_t *raddr;             /* back in the fast path */
} LdstLabel;

typedef struct Backend {
    TCGTemp *reg_to_temp[16];
    uint32_t locked;            /* registers the current op uses */
    int frame_next;
    LdstLabel *ldst;
    int nb_ldst, max_ldst;
} Backend;

static inline Backend *BK(TCGContext *s)
{
    return s->backend;
}

/* ---- temp locations ---- */

static void temp_slot(TCGContext *s, TCGTemp *t)
{
    if (t->mem_allocated) {
        return;
    }
    Backend *b = BK(s);
    if (b->frame_next + 8 > TCG_FRAME_SIZE) {
        s->code_overflow = true;     /* retried as a smaller block */
        t->mem_offset = 0;
    } else {
        t->mem_offset = b->frame_next;
        b->frame_next += 8;
    }
    t->mem_allocated = true;
}

static int temp_base(const TCGTemp *t)
{
    return t->kind == TEMP_GLOBAL ? R_ENV : R_RSP;
}

static void assign_reg(TCGContext *s, TCGTemp *t, int r)
{
    t->reg = r;
    t->val_type = VAL_REG;
    BK(s)->reg_to_temp[r] = t;
}

static void temp_sync(TCGContext *s, TCGTemp *t)
{
    if (t->val_type != VAL_REG || t->mem_coherent ||
        t->kind == TEMP_CONST || t->kind == TEMP_FIXED) {
        return;
    }
    temp_slot(s, t);
    emit_st(s, t->type, t->reg, temp_base(t), t->mem_offset);
    t->mem_coherent = true;
}

/* Drop t's register; keep_value writes it back first. */
static void temp_release(TCGContext *s, TCGTemp *t, bool keep_value)
{
    if (t->kind == TEMP_FIXED) {
        return;
    }
    /* a memory copy that is up to date stays usable: a TB temp whose
     * register value died here may still be read after a label */
    bool in_mem = t->val_type == VAL_MEM;
    if (t->val_type == VAL_REG) {
        if (keep_value) {
            temp_sync(s, t);
        }
        in_mem = t->mem_coherent && t->mem_allocated;
        BK(s)->reg_to_temp[t->reg] = NULL;
        t->reg = -1;
    }
    if (t->kind == TEMP_CONST) {
        t->val_type = VAL_CONST;
    } else if (t->kind == TEMP_GLOBAL) {
        t->val_type = VAL_MEM;
        t->mem_coherent = true;
    } else if (in_mem) {
        t->val_type = VAL_MEM;
        t->mem_coherent = true;
    } else {
        t->val_type = VAL_DEAD;
    }
}

/* A free register among 'allowed' (not locked), evicting if needed. */
static int reg_alloc(TCGContext *s, uint32_t allowed)
{
    Backend *b = BK(s);
    uint32_t avail = allowed & ALLOC_REGS & ~b->locked;
    int victim = -1;

    for (int i = 0; i < NB_ALLOC; i++) {
        int r = alloc_order[i];
        if ((avail & RBIT(r)) && !b->reg_to_temp[r]) {
            return r;
        }
    }
    /* evict: something that costs no store first */
    for (int i = 0; i < NB_ALLOC; i++) {
        int r = alloc_order[i];
        if (avail & RBIT(r)) {
            TCGTemp *t = b->reg_to_temp[r];
            if (t->kind == TEMP_CONST || t->mem_coherent) {
                victim = r;
                break;
            }
            if (victim < 0) {
                victim = r;
            }
        }
    }
    g_assert(victim >= 0);
    temp_release(s, b->reg_to_temp[victim], true);
    return victim;
}

/* Put t's value in register r without giving r to t. */
static void copy_to_reg(TCGContext *s, TCGTemp *t, int r)
{
    switch (t->val_type) {
    case VAL_REG:
        emit_mov(s, TCG_TYPE_I64, r, t->reg);
        break;
    case VAL_CONST:
        emit_movi(s, t->type, r, t->val);
        break;
    case VAL_MEM:
        emit_ld(s, t->type, r, temp_base(t), t->mem_offset);
        break;
    default:
        break;          /* undefined value */
    }
}

/* t in a register of 'allowed', owned by t; the register is locked. */
static int temp_load(TCGContext *s, TCGTemp *t, uint32_t allowed)
{
    Backend *b = BK(s);
    int r;

    if (t->kind == TEMP_FIXED) {
        return t->reg;
    }
    if (t->val_type == VAL_REG) {
        if (allowed & RBIT(t->reg)) {
            b->locked |= RBIT(t->reg);
            return t->reg;
        }
        r = reg_alloc(s, allowed);
        emit_mov(s, TCG_TYPE_I64, r, t->reg);
        b->reg_to_temp[t->reg] = NULL;
    } else {
        r = reg_alloc(s, allowed);
        copy_to_reg(s, t, r);
        t->mem_coherent = t->val_type == VAL_MEM;
    }
    assign_reg(s, t, r);
    b->locked |= RBIT(r);
    return r;
}

/* Move whatever occupies r elsewhere (or to memory); avoid: registers
 * not to move it to. */
static void reg_evict(TCGContext *s, int r, uint32_t avoid)
{
    Backend *b = BK(s);
    TCGTemp *t = b->reg_to_temp[r];
    if (!t) {
        return;
    }
    uint32_t avail = ALLOC_REGS & ~b->locked & ~avoid & ~RBIT(r);
    /* callee-saved first: the usual reason to evict is a call */
    for (int i = 0; i < NB_ALLOC; i++) {
        int q = alloc_order[i];
        if ((avail & RBIT(q)) && !b->reg_to_temp[q]) {
            emit_mov(s, TCG_TYPE_I64, q, r);
            b->reg_to_temp[r] = NULL;
            assign_reg(s, t, q);
            return;
        }
    }
    temp_release(s, t, true);
}

/* t in exactly register r (owned, locked). */
static void temp_load_to(TCGContext *s, TCGTemp *t, int r)
{
    Backend *b = BK(s);
    if (t->val_type == VAL_REG && t->reg == r) {
        b->locked |= RBIT(r);
        return;
    }
    reg_evict(s, r, 0);
    if (t->kind == TEMP_FIXED) {
        emit_mov(s, TCG_TYPE_I64, r, t->reg);
        b->locked |= RBIT(r);
        return;
    }
    if (t->val_type == VAL_REG) {
        emit_mov(s, TCG_TYPE_I64, r, t->reg);
        b->reg_to_temp[t->reg] = NULL;
    } else {
        copy_to_reg(s, t, r);
        t->mem_coherent = t->val_type == VAL_MEM;
    }
    assign_reg(s, t, r);
    b->locked |= RBIT(r);
}

/* ---- per-op helpers ---- */

static bool arg_dead(const TCGOp *op, int i)
{
    return op->life & DEAD_ARG(i);
}

static void free_dead_inputs(TCGContext *s, TCGOp *op)
{
    int nb_o = op_nb_oargs(op), nb_i = op_nb_iargs(op);
    for (int i = 0; i < nb_i; i++) {
        if (arg_dead(op, nb_o + i)) {
            TCGTemp *t = op_iarg(op, i);
            if (t->val_type == VAL_REG && t->kind != TEMP_FIXED) {
                /* free for the output, still readable during this op */
                BK(s)->locked &= ~RBIT(t->reg);
            }
            temp_release(s, t, false);
        }
    }
}

/* A register for output t (its old value is dead), preferring pref. */
static int out_reg(TCGContext *s, TCGTemp *t, int pref, uint32_t allowed)
{
    Backend *b = BK(s);
    int old = -1, r;

    if (t->val_type == VAL_REG) {
        old = t->reg;
        b->reg_to_temp[old] = NULL;
        t->val_type = VAL_DEAD;
    }
    allowed &= ALLOC_REGS & ~b->locked;
    if (pref >= 0 && (allowed & RBIT(pref)) && !b->reg_to_temp[pref]) {
        r = pref;
    } else if (old >= 0 && (allowed & RBIT(old)) && !b->reg_to_temp[old]) {
        r = old;
    } else {
        r = reg_alloc(s, allowed);
    }
    assign_reg(s, t, r);
    t->mem_coherent = false;
    b->locked |= RBIT(r);
    return r;
}

static void finish_outputs(TCGContext *s, TCGOp *op)
{
    int nb_o = op_nb_oargs(op);
    for (int i = 0; i < nb_o; i++) {
        TCGTemp *t = op_oarg(op, i);
        if (!t) {
            continue;
        }
        if (op->life & SYNC_ARG(i)) {
            temp_sync(s, t);
        }
        if (op->life & DEAD_ARG(i)) {
            temp_release(s, t, false);
        }
    }
}

static bool const_imm(const TCGTemp *t, TCGType type, int64_t *v)
{
    if (t->kind != TEMP_CONST) {
        return false;
    }
    if (type == TCG_TYPE_I32) {
        *v = (int32_t)t->val;
        return true;
    }
    *v = t->val;
    return t->val == (int32_t)t->val;
}

static int in_reg(TCGContext *s, TCGTemp *t)
{
    return temp_load(s, t, ALLOC_REGS);
}

/* Write back every global (and TB temp): before a branch or block end.
 * drop also frees every register. */
static void sync_all(TCGContext *s, bool drop)
{
    Backend *b = BK(s);
    for (int r = 0; r < 16; r++) {
        TCGTemp *t = b->reg_to_temp[r];
        if (!t) {
            continue;
        }
        bool keep = t->kind == TEMP_GLOBAL || t->kind == TEMP_TB;
        if (drop) {
            temp_release(s, t, keep);
        } else if (keep) {
            temp_sync(s, t);
        }
    }
}

static void sync_globals(TCGContext *s, bool drop)
{
    Backend *b = BK(s);
    for (int r = 0; r < 16; r++) {
        TCGTemp *t = b->reg_to_temp[r];
        if (t && t->kind == TEMP_GLOBAL) {
            if (drop) {
                temp_release(s, t, true);
            } else {
                temp_sync(s, t);
            }
        }
    }
}

/* ---- labels ---- */

static void add_reloc(TCGContext *s, TCGLabel *l, uint8_t *disp)
{
    if (l->nb_relocs == l->max_relocs) {
        l->max_relocs = l->max_relocs ? l->max_relocs * 2 : 4;
        l->relocs = g_renew(uint32_t, l->relocs, l->max_relocs);
    }
    l->relocs[l->nb_relocs++] = disp - s->code_buf;
}

static void patch_rel32(uint8_t *disp, const uint8_t *target)
{
    int32_t d = (int32_t)(target - (disp + 4));
    memcpy(disp, &d, 4);
}

/* jcc (or jmp with jcc < 0) to label */
static void emit_jump_label(TCGContext *s, int jcc, TCGLabel *l)
{
    if (l->has_value) {
        intptr_t d = (intptr_t)l->value - (intptr_t)(s->code_ptr + 2);
        if (d == (int8_t)d) {
            out8(s, jcc < 0 ? OPC_JMP_short : OPC_JCC_short + jcc);
            out8(s, d);
            return;
        }
    }
    if (jcc < 0) {
        out8(s, OPC_JMP_long);
    } else {
        out8(s, 0x0f);
        out8(s, 0x80 + jcc);
    }
    uint8_t *disp = s->code_ptr;
    out32(s, 0);
    if (l->has_value) {
        patch_rel32(disp, (const uint8_t *)l->value);
    } else {
        add_reloc(s, l, disp);
    }
}

static void set_label(TCGContext *s, TCGLabel *l)
{
    l->has_value = true;
    l->value = (uintptr_t)s->code_ptr;
    for (int i = 0; i < l->nb_relocs; i++) {
        patch_rel32(s->code_buf + l->relocs[i], s->code_ptr);
    }
    l->nb_relocs = 0;
}

/* ---- comparisons ---- */

static int cond_jcc(TCGCond c)
{
    static const int8_t map[] = {
        [TCG_COND_NEVER] = JCC_JNE, [TCG_COND_ALWAYS] = JCC_JE,
        [TCG_COND_EQ] = JCC_JE, [TCG_COND_NE] = JCC_JNE,
        [TCG_COND_LT] = JCC_JL, [TCG_COND_GE] = JCC_JGE,
        [TCG_COND_LE] = JCC_JLE, [TCG_COND_GT] = JCC_JG,
        [TCG_COND_LTU] = JCC_JB, [TCG_COND_GEU] = JCC_JAE,
        [TCG_COND_LEU] = JCC_JBE, [TCG_COND_GTU] = JCC_JA,
        [TCG_COND_TSTEQ] = JCC_JE, [TCG_COND_TSTNE] = JCC_JNE,
    };
    return map[c];
}

/* Sets the flags for cond(a, b); b is rb or, with rb < 0, imm. Returns
 * the jcc code that is true when the condition holds. */
static int emit_cmp(TCGContext *s, TCGType type, TCGCond c, int ra, int rb,
                    int64_t imm)
{
    if (c == TCG_COND_ALWAYS || c == TCG_COND_NEVER) {
        emit_arith(s, ARITH_CMP, type, ra, ra);
    } else if (c == TCG_COND_TSTEQ || c == TCG_COND_TSTNE) {
        if (rb >= 0 || imm == -1) {
            /* below */
        } else if ((uint64_t)imm <= 0xffffffffu ||
                   (type == TCG_TYPE_I32)) {
            /* a mask within the low half: a 32-bit test is the same */
            type = TCG_TYPE_I32;
            imm = (uint32_t)imm;
            if (imm == 0xffffffffu) {
                imm = -1;
            }
        }
        if (rb < 0 && imm == -1) {
            emit_modrm(s, OPC_TESTL | rexw(type), ra, ra);
        } else if (rb < 0) {
            emit_modrm(s, OPC_GRP3_Ev | rexw(type), 0, ra);
            out32(s, imm);
        } else {
            emit_modrm(s, OPC_TESTL | rexw(type), rb, ra);
        }
    } else if (rb < 0 && imm == 0) {
        emit_modrm(s, OPC_TESTL | rexw(type), ra, ra);
    } else if (rb < 0) {
        emit_arithi(s, ARITH_CMP, type, ra, imm);
    } else {
        emit_arith(s, ARITH_CMP, type, ra, rb);
    }
    return cond_jcc(c);
}

/* Loads the two compared operands of op (at args[ia], args[ia+1]). */
static void cmp_operands(TCGContext *s, TCGOp *op, int ia, TCGCond c,
                         int *ra, int *rb, int64_t *imm)
{
    TCGTemp *a = op->args[ia].t, *b = op->args[ia + 1].t;
    *ra = in_reg(s, a);
    if (const_imm(b, op->type, imm)) {
        *rb = -1;
    } else if ((c == TCG_COND_TSTEQ || c == TCG_COND_TSTNE) &&
               b->kind == TEMP_CONST && (uint64_t)b->val <= 0xffffffffu) {
        /* tested with a 32-bit test */
        *imm = b->val;
        *rb = -1;
    } else {
        *rb = in_reg(s, b);
    }
}

/* ---- ops ---- */

static void lower_mov(TCGContext *s, TCGOp *op)
{
    TCGTemp *r = op->args[0].t, *a = op->args[1].t;
    TCGType type = op->type;
    bool rdead = arg_dead(op, 0), rsync = op->life & SYNC_ARG(0);
    int64_t imm;

    if (rdead && rsync && a->val_type != VAL_REG && const_imm(a, type, &imm)) {
        /* a constant written straight to memory */
        temp_release(s, r, false);
        temp_slot(s, r);
        emit_modrm_off(s, OPC_MOVL_EvIz | rexw(type), 0, temp_base(r),
                       r->mem_offset);
        out32(s, imm);
        r->val_type = VAL_MEM;
        r->mem_coherent = true;
        if (r->kind != TEMP_GLOBAL && r->kind != TEMP_TB) {
            r->val_type = VAL_DEAD;
        }
        return;
    }
    if (a->val_type == VAL_CONST && arg_dead(op, 1)) {
        /* last use of the constant: straight into the output */
        int rr = out_reg(s, r, -1, ALLOC_REGS);
        emit_movi(s, type, rr, a->val);
        finish_outputs(s, op);
        return;
    }
    /* (a constant used again is loaded into its own register once) */
    int ra = in_reg(s, a);
    if (arg_dead(op, 1) && a->kind != TEMP_FIXED) {
        /* hand the register over: no code */
        free_dead_inputs(s, op);
        out_reg(s, r, ra, ALLOC_REGS);
    } else if (rdead && rsync) {
        temp_release(s, r, false);
        temp_slot(s, r);
        emit_st(s, type, ra, temp_base(r), r->mem_offset);
        r->val_type = (r->kind == TEMP_GLOBAL || r->kind == TEMP_TB)
                      ? VAL_MEM : VAL_DEAD;
        r->mem_coherent = true;
        return;
    } else {
        int rr = out_reg(s, r, -1, ALLOC_REGS);
        emit_mov(s, type, rr, ra);
    }
    finish_outputs(s, op);
}

static bool is_commutative_opc(TCGOpcode opc)
{
    return opc == INDEX_op_add || opc == INDEX_op_mul ||
           opc == INDEX_op_and || opc == INDEX_op_or || opc == INDEX_op_xor;
}

static int arith_of(TCGOpcode opc)
{
    switch (opc) {
    case INDEX_op_add: return ARITH_ADD;
    case INDEX_op_sub: return ARITH_SUB;
    case INDEX_op_and: return ARITH_AND;
    case INDEX_op_or: return ARITH_OR;
    default: return ARITH_XOR;
    }
}

static int shift_of(TCGOpcode opc)
{
    switch (opc) {
    case INDEX_op_shl: return SHIFT_SHL;
    case INDEX_op_shr: return SHIFT_SHR;
    case INDEX_op_sar: return SHIFT_SAR;
    case INDEX_op_rotl: return SHIFT_ROL;
    default: return SHIFT_ROR;
    }
}

static void lower_shift(TCGContext *s, TCGOp *op)
{
    TCGTemp *r = op->args[0].t, *a = op->args[1].t, *b = op->args[2].t;
    TCGType type = op->type;
    int kind = shift_of(op->opc);
    int ra, rr;

    if (b->kind == TEMP_CONST) {
        int n = b->val & (type == TCG_TYPE_I32 ? 31 : 63);
        ra = in_reg(s, a);
        free_dead_inputs(s, op);
        rr = out_reg(s, r, ra, ALLOC_REGS);
        emit_mov(s, type, rr, ra);
        if (n) {
            emit_shifti(s, kind, type, rr, n);
        }
    } else if (tcg_host.bmi2 && (kind == SHIFT_SHL || kind == SHIFT_SHR ||
                                 kind == SHIFT_SAR)) {
        ra = in_reg(s, a);
        int rb = in_reg(s, b);
        free_dead_inputs(s, op);
        rr = out_reg(s, r, ra, ALLOC_REGS);
        int pp = kind == SHIFT_SHL ? 1 : kind == SHIFT_SHR ? 3 : 2;
        emit_vex_modrm(s, 2, pp, type == TCG_TYPE_I64, 0xf7, rr, rb, ra);
    } else {
        /* count in cl */
        temp_load_to(s, b, R_RCX);
        ra = a == b ? R_RCX : temp_load(s, a, ALLOC_REGS & ~RBIT(R_RCX));
        free_dead_inputs(s, op);
        BK(s)->locked |= RBIT(R_RCX);
        rr = out_reg(s, r, ra == R_RCX ? -1 : ra,
                     ALLOC_REGS & ~RBIT(R_RCX));
        emit_mov(s, type, rr, ra);
        emit_modrm(s, OPC_SHIFT_cl | rexw(type), kind, rr);
    }
    finish_outputs(s, op);
}

static void lower_binop(TCGContext *s, TCGOp *op)
{
    TCGTemp *r = op->args[0].t, *a = op->args[1].t, *b = op->args[2].t;
    TCGType type = op->type;
    TCGOpcode opc = op->opc;
    int64_t imm = 0;
    bool bi = const_imm(b, type, &imm);
    int rb = -1;

    if (opc == INDEX_op_andc && bi) {
        opc = INDEX_op_and;
        imm = ~imm;
    }
    int ra = in_reg(s, a);
    if (!bi) {
        rb = in_reg(s, b);
    }
    free_dead_inputs(s, op);
    int pref = -1;
    if (arg_dead(op, 1)) {
        pref = ra;
    } else if (rb >= 0 && arg_dead(op, 2) && is_commutative_opc(opc)) {
        pref = rb;
    }
    int rr = out_reg(s, r, pref, ALLOC_REGS);

    switch (opc) {
    case INDEX_op_add:
        if (bi) {
            if (rr == ra) {
                emit_arithi(s, ARITH_ADD, type, rr, imm);
            } else {
                emit_modrm_off(s, OPC_LEA | rexw(type), rr, ra, imm);
            }
        } else if (rr == ra) {
            emit_arith(s, ARITH_ADD, type, rr, rb);
        } else if (rr == rb) {
            emit_arith(s, ARITH_ADD, type, rr, ra);
        } else {
            emit_modrm_sib(s, OPC_LEA | rexw(type), rr, ra, rb, 0, 0);
        }
        break;
    case INDEX_op_sub:
        if (bi) {
            if (rr != ra && imm != INT32_MIN) {
                emit_modrm_off(s, OPC_LEA | rexw(type), rr, ra, -imm);
            } else {
                emit_mov(s, type, rr, ra);
                emit_arithi(s, ARITH_SUB, type, rr, imm);
            }
        } else if (rr == rb && rr != ra) {
            /* r = a - r  ==  -r + a */
            emit_modrm(s, OPC_GRP3_Ev | rexw(type), EXT3_NEG, rr);
            emit_arith(s, ARITH_ADD, type, rr, ra);
        } else {
            emit_mov(s, type, rr, ra);
            emit_arith(s, ARITH_SUB, type, rr, rb);
        }
        break;
    case INDEX_op_mul:
        if (bi) {
            if (imm == (int8_t)imm) {
                emit_modrm(s, OPC_IMUL_GvEvIb | rexw(type), rr, ra);
                out8(s, imm);
            } else {
                emit_modrm(s, OPC_IMUL_GvEvIz | rexw(type), rr, ra);
                out32(s, imm);
            }
        } else if (rr == rb) {
            emit_modrm(s, OPC_IMUL_GvEv | rexw(type), rr, ra);
        } else {
            emit_mov(s, type, rr, ra);
            emit_modrm(s, OPC_IMUL_GvEv | rexw(type), rr, rb);
        }
        break;
    case INDEX_op_andc:
        if (tcg_host.bmi1) {
            /* andn: rr = ~rb & ra */
            emit_vex_modrm(s, 2, 0, type == TCG_TYPE_I64, 0xf2, rr, rb, ra);
        } else {
            emit_mov(s, TCG_TYPE_I64, R_TMP0, rb);
            emit_modrm(s, OPC_GRP3_Ev | rexw(type), EXT3_NOT, R_TMP0);
            emit_mov(s, type, rr, ra);
            emit_arith(s, ARITH_AND, type, rr, R_TMP0);
        }
        break;
    default: {
        int ar = arith_of(opc);
        if (bi) {
            if (opc == INDEX_op_and && type == TCG_TYPE_I32 &&
                (uint32_t)imm == 0xff) {
                emit_modrm(s, OPC_MOVZBL | P_BYTE_M, rr, ra);
            } else if (opc == INDEX_op_and && (uint64_t)imm == 0xffff) {
                emit_modrm(s, OPC_MOVZWL, rr, ra);
            } else if (opc == INDEX_op_and && (uint64_t)imm == 0xff) {
                emit_modrm(s, OPC_MOVZBL | P_BYTE_M, rr, ra);
            } else {
                emit_mov(s, type, rr, ra);
                emit_arithi(s, ar, type, rr, imm);
            }
        } else if (rr == ra) {
            emit_arith(s, ar, type, rr, rb);
        } else if (rr == rb) {
            emit_arith(s, ar, type, rr, ra);
        } else {
            emit_mov(s, type, rr, ra);
            emit_arith(s, ar, type, rr, rb);
        }
        break;
    }
    }
    finish_outputs(s, op);
}

static void lower_unop(TCGContext *s, TCGOp *op)
{
    TCGTemp *r = op->args[0].t, *a = op->args[1].t;
    TCGType type = op->type;
    int ra = in_reg(s, a);
    free_dead_inputs(s, op);
    int rr = out_reg(s, r, ra, ALLOC_REGS);
    int w = type == TCG_TYPE_I32 ? 32 : 64;

    switch (op->opc) {
    case INDEX_op_neg:
    case INDEX_op_not:
        emit_mov(s, type, rr, ra);
        emit_modrm(s, OPC_GRP3_Ev | rexw(type),
                   op->opc == INDEX_op_neg ? EXT3_NEG : EXT3_NOT, rr);
        break;
    case INDEX_op_ext8s:
        emit_modrm(s, OPC_MOVSBL | P_BYTE_M | rexw(type), rr, ra);
        break;
    case INDEX_op_ext8u:
        emit_modrm(s, OPC_MOVZBL | P_BYTE_M, rr, ra);
        break;
    case INDEX_op_ext16s:
        emit_modrm(s, OPC_MOVSWL | rexw(type), rr, ra);
        break;
    case INDEX_op_ext16u:
        emit_modrm(s, OPC_MOVZWL, rr, ra);
        break;
    case INDEX_op_ext32s:
    case INDEX_op_ext_i32_i64:
        emit_modrm(s, OPC_MOVSLQ, rr, ra);
        break;
    case INDEX_op_ext32u:
    case INDEX_op_extrl_i64_i32:
        emit_modrm(s, OPC_MOVL_GvEv, rr, ra);   /* clears bits 63..32 */
        break;
    case INDEX_op_extu_i32_i64:
        emit_mov(s, TCG_TYPE_I32, rr, ra);      /* already zero-extended */
        break;
    case INDEX_op_extrh_i64_i32:
        emit_mov(s, TCG_TYPE_I64, rr, ra);
        emit_shifti(s, SHIFT_SHR, TCG_TYPE_I64, rr, 32);
        break;
    case INDEX_op_bswap16:
        emit_mov(s, type, rr, ra);
        emit_modrm(s, OPC_SHIFT_Ib | P_DATA16, SHIFT_ROL, rr);
        out8(s, 8);
        emit_modrm(s, OPC_MOVZWL, rr, rr);
        break;
    case INDEX_op_bswap32:
        emit_mov(s, TCG_TYPE_I32, rr, ra);
        if (type == TCG_TYPE_I64) {
            emit_modrm(s, OPC_MOVL_GvEv, rr, rr);
        }
        emit_opc(s, OPC_BSWAP + (rr & 7), 0, rr, 0);
        break;
    case INDEX_op_bswap64:
        emit_mov(s, TCG_TYPE_I64, rr, ra);
        emit_opc(s, (OPC_BSWAP + (rr & 7)) | P_REXW, 0, rr, 0);
        break;
    case INDEX_op_ctpop:
        emit_modrm(s, OPC_POPCNT | rexw(type), rr, ra);
        break;
    case INDEX_op_extract:
    case INDEX_op_sextract: {
        int ofs = op->args[2].c, len = op->args[3].c;
        bool sign = op->opc == INDEX_op_sextract;
        if (ofs == 0 && len == 8) {
            emit_modrm(s, (sign ? OPC_MOVSBL | rexw(type) : OPC_MOVZBL) |
                       P_BYTE_M, rr, ra);
        } else if (ofs == 0 && len == 16) {
            emit_modrm(s, sign ? OPC_MOVSWL | rexw(type) : OPC_MOVZWL,
                       rr, ra);
        } else if (ofs == 0 && len == 32 && w == 64) {
            emit_modrm(s, sign ? OPC_MOVSLQ : OPC_MOVL_GvEv, rr, ra);
        } else {
            emit_mov(s, type, rr, ra);
            if (w - ofs - len) {
                emit_shifti(s, SHIFT_SHL, type, rr, w - ofs - len);
            }
            if (w - len) {
                emit_shifti(s, sign ? SHIFT_SAR : SHIFT_SHR, type, rr,
                            w - len);
            }
        }
        break;
    }
    default:
        g_assert_not_reached();
    }
    finish_outputs(s, op);
}

static void lower_clz_ctz(TCGContext *s, TCGOp *op)
{
    TCGTemp *r = op->args[0].t, *a = op->args[1].t, *b = op->args[2].t;
    TCGType type = op->type;
    int w = type == TCG_TYPE_I32 ? 32 : 64;
    bool clz = op->opc == INDEX_op_clz;
    bool fast = clz ? tcg_host.lzcnt : tcg_host.bmi1;

    int ra = in_reg(s, a);
    int rb = b->kind == TEMP_CONST ? -1 : in_reg(s, b);
    free_dead_inputs(s, op);
    int rr = out_reg(s, r, -1, ALLOC_REGS);
    bool b_is_w = rb < 0 && (uint64_t)(b->val & (w == 32 ? 0xffffffffull
                                                          : ~0ull)) ==
                            (uint64_t)w;
    if (rb < 0) {
        emit_movi(s, type, R_TMP1, b->val);
        rb = R_TMP1;
    }
    if (fast) {
        /* lzcnt/tzcnt give the width for zero and set CF then */
        emit_modrm(s, (clz ? OPC_LZCNT : OPC_TZCNT) | rexw(type), R_TMP0, ra);
        if (!b_is_w) {
            emit_modrm(s, (OPC_CMOVCC + JCC_JB) | rexw(type), R_TMP0, rb);
        }
    } else if (clz) {
        emit_modrm(s, OPC_BSR | rexw(type), R_TMP0, ra);
        emit_arithi(s, ARITH_XOR, type, R_TMP0, w - 1);
        emit_modrm(s, OPC_TESTL | rexw(type), ra, ra);
        emit_modrm(s, (OPC_CMOVCC + JCC_JE) | rexw(type), R_TMP0, rb);
    } else {
        emit_modrm(s, OPC_BSF | rexw(type), R_TMP0, ra);
        emit_modrm(s, (OPC_CMOVCC + JCC_JE) | rexw(type), R_TMP0, rb);
    }
    emit_mov(s, type, rr, R_TMP0);
    finish_outputs(s, op);
}

static void lower_setcond(TCGContext *s, TCGOp *op)
{
    int ra, rb;
    int64_t imm;
    cmp_operands(s, op, 1, op->args[3].c, &ra, &rb, &imm);
    free_dead_inputs(s, op);
    int rr = out_reg(s, op->args[0].t, -1, ALLOC_REGS);
    int jcc = emit_cmp(s, op->type, op->args[3].c, ra, rb, imm);
    emit_modrm(s, OPC_SETCC + jcc, 0, rr);
    emit_modrm(s, OPC_MOVZBL | P_BYTE_M, rr, rr);
    if (op->opc == INDEX_op_negsetcond) {
        emit_modrm(s, OPC_GRP3_Ev | rexw(op->type), EXT3_NEG, rr);
    }
    finish_outputs(s, op);
}

static void lower_movcond(TCGContext *s, TCGOp *op)
{
    TCGType type = op->type;
    int ra, rb;
    int64_t imm;
    cmp_operands(s, op, 1, op->args[5].c, &ra, &rb, &imm);
    int rt = in_reg(s, op->args[3].t);
    int rf = in_reg(s, op->args[4].t);
    free_dead_inputs(s, op);
    int pref = arg_dead(op, 4) ? rf : arg_dead(op, 3) ? rt : -1;
    int rr = out_reg(s, op->args[0].t, pref, ALLOC_REGS);
    int jcc = emit_cmp(s, type, op->args[5].c, ra, rb, imm);
    if (rr == rt) {
        emit_modrm(s, (OPC_CMOVCC + (jcc ^ 1)) | rexw(type), rr, rf);
    } else {
        emit_mov(s, type, rr, rf);
        emit_modrm(s, (OPC_CMOVCC + jcc) | rexw(type), rr, rt);
    }
    finish_outputs(s, op);
}

static void lower_brcond(TCGContext *s, TCGOp *op)
{
    int ra, rb;
    int64_t imm;
    cmp_operands(s, op, 0, op->args[2].c, &ra, &rb, &imm);
    /* the target expects globals and TB temps in memory */
    sync_all(s, false);
    free_dead_inputs(s, op);
    int jcc = emit_cmp(s, op->type, op->args[2].c, ra, rb, imm);
    if (op->args[2].c == TCG_COND_ALWAYS) {
        emit_jump_label(s, -1, op->args[3].l);
    } else if (op->args[2].c != TCG_COND_NEVER) {
        emit_jump_label(s, jcc, op->args[3].l);
    }
}

static void lower_mul2(TCGContext *s, TCGOp *op)
{
    Backend *b = BK(s);
    TCGType type = op->type;
    TCGTemp *lo = op->args[0].t, *hi = op->args[1].t;
    TCGTemp *a = op->args[2].t, *bb = op->args[3].t;

    reg_evict(s, R_RAX, RBIT(R_RDX));
    b->locked |= RBIT(R_RAX);
    reg_evict(s, R_RDX, 0);
    b->locked |= RBIT(R_RDX);
    int rb = temp_load(s, bb, ALLOC_REGS & ~(RBIT(R_RAX) | RBIT(R_RDX)));
    copy_to_reg(s, a, R_RAX);
    emit_modrm(s, OPC_GRP3_Ev | rexw(type),
               op->opc == INDEX_op_mulu2 ? EXT3_MUL : EXT3_IMUL, rb);
    free_dead_inputs(s, op);
    b->locked &= ~(RBIT(R_RAX) | RBIT(R_RDX));
    out_reg(s, lo, R_RAX, RBIT(R_RAX));
    out_reg(s, hi, R_RDX, RBIT(R_RDX));
    finish_outputs(s, op);
}

static void lower_deposit(TCGContext *s, TCGOp *op)
{
    TCGType type = op->type;
    int w = type == TCG_TYPE_I32 ? 32 : 64;
    int ofs = op->args[3].c, len = op->args[4].c;
    uint64_t low = len >= 64 ? ~0ull : (1ull << len) - 1;
    uint64_t keep = ~(low << ofs);
    if (w == 32) {
        keep &= 0xffffffffu;
    }

    int ra = in_reg(s, op->args[1].t);
    int rb = in_reg(s, op->args[2].t);
    free_dead_inputs(s, op);
    int rr = out_reg(s, op->args[0].t, arg_dead(op, 1) ? ra : -1, ALLOC_REGS);

    /* the partial-register writes of a guest: one byte or word move */
    if ((ofs == 0 && (len == 8 || len == 16)) ||
        (ofs == 8 && len == 8)) {
        int src = rb;
        if (rr == rb && rr != ra) {
            emit_mov(s, TCG_TYPE_I64, R_TMP0, rb);
            src = R_TMP0;
        }
        if (ofs == 0 || (rr < 4 && src < 4)) {
            emit_mov(s, type, rr, ra);
            if (ofs == 8) {
                /* mov %Xh, %Yl: without REX, r/m 4-7 are ah/ch/dh/bh */
                out8(s, 0x88);
                out8(s, 0xc0 | (src << 3) | (rr + 4));
            } else if (len == 8) {
                emit_modrm(s, OPC_MOVB_EvGv | P_BYTE_M, src, rr);
            } else {
                emit_modrm(s, OPC_MOVL_EvGv | P_DATA16, src, rr);
            }
            finish_outputs(s, op);
            return;
        }
    }

    /* TMP0 = (b & low) << ofs */
    if (ofs + len == w) {
        emit_mov(s, type, R_TMP0, rb);
        emit_shifti(s, SHIFT_SHL, type, R_TMP0, ofs);
    } else {
        emit_mov(s, type, R_TMP0, rb);
        emit_shifti(s, SHIFT_SHL, type, R_TMP0, w - len);
        if (w - len - ofs) {
            emit_shifti(s, SHIFT_SHR, type, R_TMP0, w - len - ofs);
        }
    }
    emit_mov(s, type, rr, ra);
    if (type == TCG_TYPE_I32 || (int64_t)keep == (int32_t)keep) {
        emit_arithi(s, ARITH_AND, type, rr, (int32_t)keep);
    } else {
        emit_movi(s, TCG_TYPE_I64, R_TMP1, keep);
        emit_arith(s, ARITH_AND, type, rr, R_TMP1);
    }
    emit_arith(s, ARITH_OR, type, rr, R_TMP0);
    finish_outputs(s, op);
}

/* ld/st on host memory: base register and displacement */
static void host_addr(TCGContext *s, int rbase, int64_t off, int *base,
                      int32_t *disp)
{
    if (off == (int32_t)off) {
        *base = rbase;
        *disp = off;
    } else {
        emit_movi(s, TCG_TYPE_I64, R_TMP1, off);
        emit_arith(s, ARITH_ADD, TCG_TYPE_I64, R_TMP1, rbase);
        *base = R_TMP1;
        *disp = 0;
    }
}

static void lower_ld(TCGContext *s, TCGOp *op)
{
    TCGType type = op->type;
    int rbase = in_reg(s, op->args[1].t);
    free_dead_inputs(s, op);
    int rr = out_reg(s, op->args[0].t, -1, ALLOC_REGS);
    int base;
    int32_t disp;
    int opc;

    host_addr(s, rbase, op->args[2].c, &base, &disp);
    switch (op->opc) {
    case INDEX_op_ld8u: opc = OPC_MOVZBL; break;
    case INDEX_op_ld8s: opc = OPC_MOVSBL | rexw(type); break;
    case INDEX_op_ld16u: opc = OPC_MOVZWL; break;
    case INDEX_op_ld16s: opc = OPC_MOVSWL | rexw(type); break;
    case INDEX_op_ld32u: opc = OPC_MOVL_GvEv; break;
    case INDEX_op_ld32s: opc = OPC_MOVSLQ; break;
    default: opc = OPC_MOVL_GvEv | rexw(type); break;
    }
    emit_modrm_off(s, opc, rr, base, disp);
    finish_outputs(s, op);
}

static void lower_st(TCGContext *s, TCGOp *op)
{
    TCGType type = op->type;
    TCGTemp *v = op->args[0].t;
    int size;
    switch (op->opc) {
    case INDEX_op_st8: size = 1; break;
    case INDEX_op_st16: size = 2; break;
    case INDEX_op_st32: size = 4; break;
    default: size = type == TCG_TYPE_I32 ? 4 : 8; break;
    }
    int64_t imm;
    bool vi = v->kind == TEMP_CONST &&
              (size < 8 || const_imm(v, TCG_TYPE_I64, &imm));
    int rv = vi ? -1 : in_reg(s, v);
    int rbase = in_reg(s, op->args[1].t);
    int base;
    int32_t disp;

    host_addr(s, rbase, op->args[2].c, &base, &disp);
    if (vi) {
        int64_t val = v->val;
        switch (size) {
        case 1:
            emit_modrm_off(s, OPC_MOVB_EvIb, 0, base, disp);
            out8(s, val);
            break;
        case 2:
            emit_modrm_off(s, OPC_MOVL_EvIz | P_DATA16, 0, base, disp);
            out8(s, val);
            out8(s, val >> 8);
            break;
        default:
            emit_modrm_off(s, OPC_MOVL_EvIz | (size == 8 ? P_REXW : 0), 0,
                           base, disp);
            out32(s, val);
            break;
        }
    } else {
        int opc = size == 1 ? OPC_MOVB_EvGv
                : size == 2 ? (OPC_MOVL_EvGv | P_DATA16)
                : size == 4 ? OPC_MOVL_EvGv : (OPC_MOVL_EvGv | P_REXW);
        emit_modrm_off(s, opc, rv, base, disp);
    }
    free_dead_inputs(s, op);
}

/* ---- guest memory ---- */

/* Loads [base + index] (or from a register when base < 0) into rr,
 * extended per the memop to the op's type. */
static void emit_load_ext(TCGContext *s, TCGType type, MemOp mop, int rr,
                          int base, int index)
{
    int opc;
    bool sign = mop & MO_SIGN;
    switch (mop & MO_SIZE) {
    case MO_8: opc = sign ? OPC_MOVSBL | rexw(type) : OPC_MOVZBL; break;
    case MO_16: opc = sign ? OPC_MOVSWL | rexw(type) : OPC_MOVZWL; break;
    case MO_32:
        opc = sign && type == TCG_TYPE_I64 ? OPC_MOVSLQ : OPC_MOVL_GvEv;
        break;
    default: opc = OPC_MOVL_GvEv | P_REXW; break;
    }
    if (base < 0) {
        emit_modrm(s, opc | ((mop & MO_SIZE) == MO_8 ? P_BYTE_M : 0), rr,
                   index);
    } else {
        emit_modrm_sib(s, opc, rr, base, index, 0, 0);
    }
}

static LdstLabel *new_ldst(TCGContext *s)
{
    Backend *b = BK(s);
    if (b->nb_ldst == b->max_ldst) {
        b->max_ldst = b->max_ldst ? b->max_ldst * 2 : 64;
        b->ldst = g_renew(LdstLabel, b->ldst, b->max_ldst);
    }
    return &b->ldst[b->nb_ldst++];
}

/*
 * The TLB probe of exec/cpu-tlb.h: leaves the entry's address in TMP0
 * and branches to the slow path on a miss. Returns the jne displacement.
 */
static uint8_t *emit_tlb_probe(TCGContext *s, int ra, MemOpIdx oi,
                               bool is_ld)
{
    MemOp mop = get_memop(oi);
    unsigned size = memop_size(mop);
    int64_t fast = tcg_target_config.tlb_fast_offset +
                   (int64_t)get_mmuidx(oi) * (int64_t)sizeof(CPUTLBDescFast);
    int32_t amask = (mop & MO_ALIGN) ? (int32_t)size - 1 : 0;

    emit_mov(s, TCG_TYPE_I64, R_TMP0, ra);
    emit_shifti(s, SHIFT_SHR, TCG_TYPE_I64, R_TMP0,
                TARGET_PAGE_BITS - CPU_TLB_ENTRY_BITS);
    emit_modrm_off(s, (OPC_ARITH_GvEv + (ARITH_AND << 3)) | P_REXW, R_TMP0,
                   R_ENV, fast + offsetof(CPUTLBDescFast, mask));
    emit_modrm_off(s, (OPC_ARITH_GvEv + (ARITH_ADD << 3)) | P_REXW, R_TMP0,
                   R_ENV, fast + offsetof(CPUTLBDescFast, table));
    /* the page of the last byte, or of the first when alignment is
     * checked (an aligned access cannot cross a page) */
    if (size > 1 && !amask) {
        emit_modrm_off(s, OPC_LEA | P_REXW, R_TMP1, ra, size - 1);
    } else {
        emit_mov(s, TCG_TYPE_I64, R_TMP1, ra);
    }
    emit_arithi(s, ARITH_AND, TCG_TYPE_I64, R_TMP1,
                (int32_t)(TARGET_PAGE_MASK | amask));
    emit_modrm_off(s, (OPC_ARITH_GvEv + (ARITH_CMP << 3)) | P_REXW, R_TMP1,
                   R_TMP0, is_ld ? offsetof(CPUTLBEntry, addr_read)
                                 : offsetof(CPUTLBEntry, addr_write));
    out8(s, 0x0f);
    out8(s, 0x80 + JCC_JNE);
    uint8_t *disp = s->code_ptr;
    out32(s, 0);
    emit_ld(s, TCG_TYPE_I64, R_TMP0, R_TMP0, offsetof(CPUTLBEntry, addend));
    return disp;
}

static uint32_t live_caller_saved(TCGContext *s)
{
    uint32_t m = 0;
    for (int r = 0; r < 16; r++) {
        if ((CALLER_SAVED & RBIT(r)) && BK(s)->reg_to_temp[r]) {
            m |= RBIT(r);
        }
    }
    return m;
}

static void lower_qemu_ld(TCGContext *s, TCGOp *op)
{
    MemOpIdx oi = op->args[2].c;
    int ra = in_reg(s, op->args[1].t);
    free_dead_inputs(s, op);
    /* the output may share the address register: the probe only uses
     * the scratch registers and the final load reads it first */
    int rr = out_reg(s, op->args[0].t, ra, ALLOC_REGS);
    LdstLabel *l = new_ldst(s);

    l->is_ld = true;
    l->type = op->type;
    l->oi = oi;
    l->addr_reg = ra;
    l->data_reg = rr;
    l->save = live_caller_saved(s) & ~RBIT(rr);
    l->jne_disp = emit_tlb_probe(s, ra, oi, true);
    emit_load_ext(s, op->type, get_memop(oi), rr, ra, R_TMP0);
    l->raddr = s->code_ptr;
    finish_outputs(s, op);
}

static void lower_qemu_st(TCGContext *s, TCGOp *op)
{
    MemOpIdx oi = op->args[2].c;
    MemOp mop = get_memop(oi);
    TCGTemp *v = op->args[0].t;
    int64_t imm = 0;
    /* a constant is stored as an immediate (the slow path loads it) */
    bool vi = v->kind == TEMP_CONST && v->val_type != VAL_REG &&
              ((mop & MO_SIZE) < MO_64 || const_imm(v, TCG_TYPE_I64, &imm));
    int rv = vi ? -1 : in_reg(s, v);
    int ra = in_reg(s, op->args[1].t);
    LdstLabel *l = new_ldst(s);

    l->is_ld = false;
    l->type = op->type;
    l->oi = oi;
    l->addr_reg = ra;
    l->data_reg = rv;
    l->data_val = v->val;
    l->save = live_caller_saved(s);
    l->jne_disp = emit_tlb_probe(s, ra, oi, false);
    int opc;
    if (vi) {
        int64_t val = v->val;
        switch (mop & MO_SIZE) {
        case MO_8:
            emit_modrm_sib(s, OPC_MOVB_EvIb, 0, ra, R_TMP0, 0, 0);
            out8(s, val);
            break;
        case MO_16:
            emit_modrm_sib(s, OPC_MOVL_EvIz | P_DATA16, 0, ra, R_TMP0, 0, 0);
            out8(s, val);
            out8(s, val >> 8);
            break;
        default:
            emit_modrm_sib(s, OPC_MOVL_EvIz |
                           ((mop & MO_SIZE) == MO_64 ? P_REXW : 0),
                           0, ra, R_TMP0, 0, 0);
            out32(s, val);
            break;
        }
    } else {
        switch (mop & MO_SIZE) {
        case MO_8: opc = OPC_MOVB_EvGv; break;
        case MO_16: opc = OPC_MOVL_EvGv | P_DATA16; break;
        case MO_32: opc = OPC_MOVL_EvGv; break;
        default: opc = OPC_MOVL_EvGv | P_REXW; break;
        }
        emit_modrm_sib(s, opc, rv, ra, R_TMP0, 0, 0);
    }
    l->raddr = s->code_ptr;
    free_dead_inputs(s, op);
}

static void emit_slow_path(TCGContext *s, LdstLabel *l)
{
    int saved[16], n = 0;

    patch_rel32(l->jne_disp, s->code_ptr);
    for (int r = 0; r < 16; r++) {
        if (l->save & RBIT(r)) {
            saved[n++] = r;
            emit_push(s, r);
        }
    }
    if (n & 1) {
        emit_arithi(s, ARITH_SUB, TCG_TYPE_I64, R_RSP, 8);
    }
    if (l->is_ld) {
        emit_mov(s, TCG_TYPE_I64, R_RSI, l->addr_reg);
        emit_movi(s, TCG_TYPE_I32, R_RDX, l->oi);
        emit_modrm_rip(s, OPC_LEA | P_REXW, R_RCX, l->raddr, 0);
        emit_mov(s, TCG_TYPE_I64, R_RDI, R_ENV);
        emit_jmp_call(s, true, (const void *)tcg_target_config.ld_slow);
        emit_load_ext(s, l->type, get_memop(l->oi), l->data_reg, -1, R_RAX);
    } else {
        if (l->data_reg >= 0) {
            emit_mov(s, TCG_TYPE_I64, R_TMP0, l->data_reg);
        }
        emit_mov(s, TCG_TYPE_I64, R_RSI, l->addr_reg);
        if (l->data_reg >= 0) {
            emit_mov(s, TCG_TYPE_I64, R_RDX, R_TMP0);
        } else {
            emit_movi(s, l->type, R_RDX, l->data_val);
        }
        emit_movi(s, TCG_TYPE_I32, R_RCX, l->oi);
        emit_modrm_rip(s, OPC_LEA | P_REXW, R_R8, l->raddr, 0);
        emit_mov(s, TCG_TYPE_I64, R_RDI, R_ENV);
        emit_jmp_call(s, true, (const void *)tcg_target_config.st_slow);
    }
    if (n & 1) {
        emit_arithi(s, ARITH_ADD, TCG_TYPE_I64, R_RSP, 8);
    }
    while (n > 0) {
        emit_pop(s, saved[--n]);
    }
    emit_jmp_call(s, false, l->raddr);
}

/* ---- calls ---- */

static void lower_call(TCGContext *s, TCGOp *op)
{
    Backend *b = BK(s);
    unsigned flags = op->call.flags;
    int nb_in = op->call.nb_in;

    for (int i = 0; i < nb_in; i++) {
        TCGTemp *t = op->call.in[i];
        int r = call_arg_regs[i];
        if (t->val_type == VAL_REG && t->reg == r) {
            b->locked |= RBIT(r);
            continue;
        }
        /* keep other arguments out of the way of later argument regs */
        uint32_t avoid = 0;
        for (int j = i + 1; j < nb_in; j++) {
            avoid |= RBIT(call_arg_regs[j]);
        }
        reg_evict(s, r, avoid);
        if (t->kind == TEMP_FIXED) {
            emit_mov(s, TCG_TYPE_I64, r, t->reg);
        } else {
            copy_to_reg(s, t, r);
        }
        b->locked |= RBIT(r);
    }
    free_dead_inputs(s, op);
    for (int i = 0; i < nb_in; i++) {
        b->locked |= RBIT(call_arg_regs[i]);
    }

    if (!(flags & TCG_CALL_NO_READ_GLOBALS)) {
        sync_globals(s, false);
    }
    /* caller-saved registers die in the call: move or spill their
     * values (stores and moves leave the argument registers intact) */
    for (int r = 0; r < 16; r++) {
        TCGTemp *t = b->reg_to_temp[r];
        if (!t || !(CALLER_SAVED & RBIT(r))) {
            continue;
        }
        if (t->kind == TEMP_CONST ||
            (t->kind == TEMP_GLOBAL && !(flags & TCG_CALL_NO_WRITE_GLOBALS))) {
            temp_release(s, t, true);
            continue;
        }
        reg_evict(s, r, CALLER_SAVED);
    }
    if (!(flags & TCG_CALL_NO_WRITE_GLOBALS)) {
        sync_globals(s, true);
    }
    b->locked = 0;
    emit_jmp_call(s, true, op->call.fn);

    if (op->call.out) {
        out_reg(s, op->call.out, R_RAX, RBIT(R_RAX));
        if (op->call.out->type == TCG_TYPE_I32) {
            /* a C function returning 32 bits leaves bits 63..32 undefined */
            emit_modrm(s, OPC_MOVL_GvEv, R_RAX, R_RAX);
        }
        finish_outputs(s, op);
    }
}

/* ---- block structure ---- */

static void lower_goto_tb(TCGContext *s, TCGOp *op)
{
    int slot = op->args[0].c;
    sync_all(s, true);
    /* the rel32 must be 4-byte aligned to be patched atomically */
    while (((uintptr_t)s->code_ptr + 1) & 3) {
        out8(s, 0x90);
    }
    s->jmp_insn_offset[slot] = s->code_ptr - s->code_buf;
    out8(s, OPC_JMP_long);
    out32(s, 0);
    s->jmp_reset_offset[slot] = s->code_ptr - s->code_buf;
}

static void lower_exit_tb(TCGContext *s, TCGOp *op)
{
    uintptr_t val = op->args[0].c;
    sync_all(s, true);
    if (val == 0) {
        emit_jmp_call(s, false, tcg_code_gen_epilogue);
    } else {
        /* TBs usually live next to their code: a rip-relative lea is
         * shorter than a 64-bit immediate */
        intptr_t d = (intptr_t)val - (intptr_t)(s->code_ptr + 7);
        if (d == (int32_t)d) {
            emit_modrm_rip(s, OPC_LEA | P_REXW, R_RAX, (const void *)val, 0);
        } else {
            emit_movi(s, TCG_TYPE_I64, R_RAX, val);
        }
        emit_jmp_call(s, false, tcg_tb_ret_addr);
    }
}

static void lower_goto_ptr(TCGContext *s, TCGOp *op)
{
    int ra = in_reg(s, op->args[0].t);
    sync_globals(s, false);
    emit_modrm(s, OPC_GRP5, 4, ra);
    free_dead_inputs(s, op);
    sync_all(s, true);
}

static void lower_op(TCGContext *s, TCGOp *op)
{
    switch (op->opc) {
    case INDEX_op_discard:
        temp_release(s, op->args[0].t, false);
        break;
    case INDEX_op_set_label:
        sync_all(s, true);
        /* another path may arrive here: TB temps are in their slots, EBB
         * temps are dead */
        for (int i = s->nb_globals; i < s->nb_temps; i++) {
            TCGTemp *t = &s->temps[i];
            if (t->kind == TEMP_TB) {
                temp_slot(s, t);
                t->val_type = VAL_MEM;
                t->mem_coherent = true;
            } else if (t->kind == TEMP_EBB) {
                t->val_type = VAL_DEAD;
            }
        }
        set_label(s, op->args[0].l);
        break;
    case INDEX_op_br:
        sync_all(s, true);
        emit_jump_label(s, -1, op->args[0].l);
        break;
    case INDEX_op_brcond:
        lower_brcond(s, op);
        break;
    case INDEX_op_insn_start: {
        int n = s->gen_insn_count;
        if (n >= TCG_MAX_INSNS) {
            s->code_overflow = true;
            break;
        }
        if (n > 0) {
            s->gen_insn_end_off[n - 1] = s->code_ptr - s->code_buf;
        }
        s->gen_insn_data[n][0] = op->args[0].c;
        s->gen_insn_data[n][1] = op->args[1].c;
        s->gen_insn_count = n + 1;
        break;
    }
    case INDEX_op_mb:
        if (op->args[0].c & TCG_MB_ST_LD) {
            /* lock or $0, (%rsp): a full fence, cheaper than mfence */
            out8(s, 0xf0);
            emit_modrm_off(s, OPC_ARITH_EvIb, ARITH_OR, R_RSP, 0);
            out8(s, 0);
        }
        break;
    case INDEX_op_mov:
        lower_mov(s, op);
        break;
    case INDEX_op_setcond:
    case INDEX_op_negsetcond:
        lower_setcond(s, op);
        break;
    case INDEX_op_movcond:
        lower_movcond(s, op);
        break;
    case INDEX_op_add: case INDEX_op_sub: case INDEX_op_mul:
    case INDEX_op_and: case INDEX_op_or: case INDEX_op_xor:
    case INDEX_op_andc:
        lower_binop(s, op);
        break;
    case INDEX_op_shl: case INDEX_op_shr: case INDEX_op_sar:
    case INDEX_op_rotl: case INDEX_op_rotr:
        lower_shift(s, op);
        break;
    case INDEX_op_mulu2: case INDEX_op_muls2:
        lower_mul2(s, op);
        break;
    case INDEX_op_clz: case INDEX_op_ctz:
        lower_clz_ctz(s, op);
        break;
    case INDEX_op_neg: case INDEX_op_not: case INDEX_op_ctpop:
    case INDEX_op_bswap16: case INDEX_op_bswap32: case INDEX_op_bswap64:
    case INDEX_op_ext8s: case INDEX_op_ext8u: case INDEX_op_ext16s:
    case INDEX_op_ext16u: case INDEX_op_ext32s: case INDEX_op_ext32u:
    case INDEX_op_ext_i32_i64: case INDEX_op_extu_i32_i64:
    case INDEX_op_extrl_i64_i32: case INDEX_op_extrh_i64_i32:
    case INDEX_op_extract: case INDEX_op_sextract:
        lower_unop(s, op);
        break;
    case INDEX_op_deposit:
        lower_deposit(s, op);
        break;
    case INDEX_op_ld8u: case INDEX_op_ld8s: case INDEX_op_ld16u:
    case INDEX_op_ld16s: case INDEX_op_ld32u: case INDEX_op_ld32s:
    case INDEX_op_ld:
        lower_ld(s, op);
        break;
    case INDEX_op_st8: case INDEX_op_st16: case INDEX_op_st32:
    case INDEX_op_st:
        lower_st(s, op);
        break;
    case INDEX_op_qemu_ld:
        lower_qemu_ld(s, op);
        break;
    case INDEX_op_qemu_st:
        lower_qemu_st(s, op);
        break;
    case INDEX_op_call:
        lower_call(s, op);
        break;
    case INDEX_op_goto_tb:
        lower_goto_tb(s, op);
        break;
    case INDEX_op_exit_tb:
        lower_exit_tb(s, op);
        break;
    case INDEX_op_goto_ptr:
        lower_goto_ptr(s, op);
        break;
    case NB_OPS:
        break;
    }
}

/*
 * A load that only feeds the next op's comparison with a constant (the
 * exit-request check every block starts with): compare in memory.
 */
static bool fuse_ld_brcond(TCGContext *s, TCGOp *op)
{
    TCGOp *br = op->next;
    int64_t imm;

    if (op->opc != INDEX_op_ld || !br || br->opc != INDEX_op_brcond ||
        br->type != op->type || br->args[0].t != op->args[0].t ||
        op->args[0].t->kind != TEMP_EBB || !arg_dead(br, 0) ||
        (op->life & (SYNC_ARG(0) | DEAD_ARG(0))) ||
        !const_imm(br->args[1].t, br->type, &imm) ||
        op->args[2].c != (int32_t)op->args[2].c) {
        return false;
    }
    TCGCond c = br->args[2].c;
    if (c == TCG_COND_TSTEQ || c == TCG_COND_TSTNE ||
        c == TCG_COND_ALWAYS || c == TCG_COND_NEVER) {
        return false;
    }
    int rbase = in_reg(s, op->args[1].t);
    free_dead_inputs(s, op);
    sync_all(s, false);
    temp_release(s, op->args[0].t, false);
    emit_modrm_off(s, (imm == (int8_t)imm ? OPC_ARITH_EvIb : OPC_ARITH_EvIz) |
                   rexw(op->type), ARITH_CMP, rbase, op->args[2].c);
    if (imm == (int8_t)imm) {
        out8(s, imm);
    } else {
        out32(s, imm);
    }
    emit_jump_label(s, cond_jcc(c), br->args[3].l);
    return true;
}

static bool room(TCGContext *s)
{
    return s->code_end - s->code_ptr >= OP_MARGIN;
}

void tcg_backend_free(TCGContext *s)
{
    Backend *b = s->backend;
    if (b) {
        g_free(b->ldst);
        g_free(b);
        s->backend = NULL;
    }
}

int tcg_backend_gen_code(TCGContext *s)
{
    if (!s->backend) {
        s->backend = g_new0(Backend, 1);
    }
    Backend *b = BK(s);
    memset(b->reg_to_temp, 0, sizeof(b->reg_to_temp));
    b->locked = 0;
    b->frame_next = 0;
    b->nb_ldst = 0;

    for (int i = 0; i < s->nb_temps; i++) {
        TCGTemp *t = &s->temps[i];
        t->reg = -1;
        switch (t->kind) {
        case TEMP_FIXED:
            t->val_type = VAL_REG;
            t->reg = R_ENV;
            break;
        case TEMP_GLOBAL:
            t->val_type = VAL_MEM;
            t->mem_coherent = true;
            break;
        case TEMP_CONST:
            t->val_type = VAL_CONST;
            break;
        default:
            t->val_type = VAL_DEAD;
            t->mem_allocated = false;
            t->mem_coherent = false;
            break;
        }
    }

    s->code_buf = s->code_ptr;
    s->code_overflow = false;
    s->gen_insn_count = 0;
    s->jmp_insn_offset[0] = s->jmp_insn_offset[1] = 0xffff;
    s->jmp_reset_offset[0] = s->jmp_reset_offset[1] = 0xffff;

    for (TCGOp *op = s->first_op; op; op = op->next) {
        if (!room(s)) {
            return -1;
        }
        b->locked = 0;
        if (fuse_ld_brcond(s, op)) {
            op = op->next;
        } else {
            lower_op(s, op);
        }
        if (s->code_overflow) {
            return -1;
        }
    }
    if (s->gen_insn_count > 0) {
        s->gen_insn_end_off[s->gen_insn_count - 1] = s->code_ptr - s->code_buf;
    }
    for (int i = 0; i < b->nb_ldst; i++) {
        if (!room(s)) {
            return -1;
        }
        emit_slow_path(s, &b->ldst[i]);
    }
    for (int i = 0; i < s->nb_labels; i++) {
        if (s->labels[i].nb_relocs) {
            /* a branch to a label that was never placed */
            s->labels[i].nb_relocs = 0;
            return -1;
        }
    }
    size_t size = s->code_ptr - s->code_buf;
    if (size > 0xffff && (s->jmp_insn_offset[0] != 0xffff ||
                          s->jmp_insn_offset[1] != 0xffff)) {
        return -1;      /* jump offsets are 16 bits in the TB */
    }
    return size;
}
