/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the pieces of the code generator share with each other and not
 * with the front end: liveness bits, op argument access that treats calls
 * like other ops, list surgery, and the back end's entry points.
 */
#ifndef KEMU_TCG_INTERNAL_H
#define KEMU_TCG_INTERNAL_H

#include "tcg/tcg.h"

/*
 * TCGOp.life: bit i says argument i (outputs first, then inputs) is not
 * used after this op; bit 8 + i says output i must be written back to
 * its memory slot right after the op (a later point reads the memory
 * copy before the temp is redefined). For a call, argument 0 is the
 * return temp (or none) and 1 + i is call.in[i].
 */
#define DEAD_ARG(i) (1u << (i))
#define SYNC_ARG(i) (1u << (8 + (i)))

/* TCGTemp.state during liveness */
#define TS_DEAD 1           /* the register value is not needed later */
#define TS_MEM  2           /* the memory copy must be valid here */

static inline int op_nb_oargs(const TCGOp *op)
{
    if (op->opc == INDEX_op_call) {
        return 1;
    }
    return tcg_op_defs[op->opc].nb_oargs;
}

static inline int op_nb_iargs(const TCGOp *op)
{
    if (op->opc == INDEX_op_call) {
        return op->call.nb_in;
    }
    return tcg_op_defs[op->opc].nb_iargs;
}

/* Output i (NULL for a void call) */
static inline TCGTemp *op_oarg(const TCGOp *op, int i)
{
    if (op->opc == INDEX_op_call) {
        return op->call.out;
    }
    return op->args[i].t;
}

static inline TCGTemp *op_iarg(const TCGOp *op, int i)
{
    if (op->opc == INDEX_op_call) {
        return op->call.in[i];
    }
    return op->args[tcg_op_defs[op->opc].nb_oargs + i].t;
}

static inline void op_set_iarg(TCGOp *op, int i, TCGTemp *t)
{
    if (op->opc == INDEX_op_call) {
        op->call.in[i] = t;
    } else {
        op->args[tcg_op_defs[op->opc].nb_oargs + i].t = t;
    }
}

/* Constant argument i (after outputs and inputs) */
static inline int64_t op_carg(const TCGOp *op, int i)
{
    const TCGOpDef *d = &tcg_op_defs[op->opc];
    return op->args[d->nb_oargs + d->nb_iargs + i].c;
}

static inline TCGLabel *op_label(const TCGOp *op, int i)
{
    const TCGOpDef *d = &tcg_op_defs[op->opc];
    return op->args[d->nb_oargs + d->nb_iargs + i].l;
}

/* An op that must stay even when its outputs are unused. */
bool tcg_op_has_side_effects(const TCGOp *op);
/* An op after which control does not fall through. */
bool tcg_op_ends_flow(const TCGOp *op);

/* List surgery (the op returns to the pool) */
void tcg_op_remove(TCGContext *s, TCGOp *op);
/* A new op of the given kind right before 'before'. */
TCGOp *tcg_op_insert_before(TCGContext *s, TCGOp *before, TCGOpcode opc,
                            TCGType type);

TCGTemp *tcg_temp_new_internal(TCGType type, TCGTempKind kind);
void tcg_temp_free_internal(TCGTemp *t);

/* A constant temp of the given type (I32 values are kept sign-extended). */
TCGTemp *tcg_constant_internal(TCGType type, int64_t val);

/* Normalizes an I32 value to the form kept in TCGTemp.val. */
static inline int64_t tcg_norm_val(TCGType type, int64_t v)
{
    return type == TCG_TYPE_I32 ? (int64_t)(int32_t)v : v;
}

/* The optimizer's evaluation of pure ops and conditions on known values
 * (I32 results sign-extended, as TCGTemp.val keeps them). */
bool tcg_eval_op(TCGOpcode opc, TCGType type, uint64_t a, uint64_t b,
                 const int64_t *c, uint64_t *res);
bool tcg_eval_cond(TCGType type, TCGCond c, uint64_t a, uint64_t b);

/* Back end (tcg/x86_64): code for the op list at s->code_ptr; -1 when it
 * does not fit. */
int tcg_backend_gen_code(TCGContext *s);
void tcg_backend_free(TCGContext *s);

/* Host features the back end and op expansion use (set on first context). */
typedef struct TCGHostFeatures {
    bool popcnt, lzcnt, bmi1, bmi2;
} TCGHostFeatures;
extern TCGHostFeatures tcg_host;
void tcg_host_detect(void);

#endif
