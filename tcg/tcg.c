/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IR's bookkeeping: per-thread contexts, temporaries, constants,
 * labels, the op list, and the top of code generation.
 */
#include <string.h>
#include "tcg/tcg.h"
#include "tcg/tcg-internal.h"
#include "util/log.h"

__thread TCGContext *tcg_ctx;
TCGTargetConfig tcg_target_config;

/* Temps and labels live in fixed arrays because front ends hold pointers
 * to them; these bound one block (freed temps are reused). */
#define TCG_TEMPS_MAX   32768
#define TCG_LABELS_MAX  TCG_MAX_LABELS
#define TCG_OP_CHUNK    512

const TCGOpDef tcg_op_defs[NB_OPS] = {
#define TCG_OPC_DEF(n, o, i, c) [INDEX_op_##n] = { #n, o, i, c },
    TCG_OPCODES(TCG_OPC_DEF)
#undef TCG_OPC_DEF
};

TCGCond tcg_invert_cond(TCGCond c)
{
    static const TCGCond inv[] = {
        [TCG_COND_NEVER] = TCG_COND_ALWAYS, [TCG_COND_ALWAYS] = TCG_COND_NEVER,
        [TCG_COND_EQ] = TCG_COND_NE, [TCG_COND_NE] = TCG_COND_EQ,
        [TCG_COND_LT] = TCG_COND_GE, [TCG_COND_GE] = TCG_COND_LT,
        [TCG_COND_LE] = TCG_COND_GT, [TCG_COND_GT] = TCG_COND_LE,
        [TCG_COND_LTU] = TCG_COND_GEU, [TCG_COND_GEU] = TCG_COND_LTU,
        [TCG_COND_LEU] = TCG_COND_GTU, [TCG_COND_GTU] = TCG_COND_LEU,
        [TCG_COND_TSTEQ] = TCG_COND_TSTNE, [TCG_COND_TSTNE] = TCG_COND_TSTEQ,
    };
    return inv[c];
}

TCGCond tcg_swap_cond(TCGCond c)
{
    static const TCGCond sw[] = {
        [TCG_COND_NEVER] = TCG_COND_NEVER, [TCG_COND_ALWAYS] = TCG_COND_ALWAYS,
        [TCG_COND_EQ] = TCG_COND_EQ, [TCG_COND_NE] = TCG_COND_NE,
        [TCG_COND_LT] = TCG_COND_GT, [TCG_COND_GE] = TCG_COND_LE,
        [TCG_COND_LE] = TCG_COND_GE, [TCG_COND_GT] = TCG_COND_LT,
        [TCG_COND_LTU] = TCG_COND_GTU, [TCG_COND_GEU] = TCG_COND_LEU,
        [TCG_COND_LEU] = TCG_COND_GEU, [TCG_COND_GTU] = TCG_COND_LTU,
        [TCG_COND_TSTEQ] = TCG_COND_TSTEQ, [TCG_COND_TSTNE] = TCG_COND_TSTNE,
    };
    return sw[c];
}

/* ---- lifecycle ---- */

TCGContext *tcg_context_new(void)
{
    TCGContext *s = g_new0(TCGContext, 1);

    tcg_host_detect();
    s->max_temps = TCG_TEMPS_MAX;
    s->temps = g_new0(TCGTemp, TCG_TEMPS_MAX);
    s->nb_label_alloc = TCG_LABELS_MAX;
    s->labels = g_new0(TCGLabel, TCG_LABELS_MAX);
    for (int i = 0; i < 2; i++) {
        s->const_table[i] = g_hash_table_new(g_int64_hash, g_int64_equal);
        for (int j = 0; j < 2; j++) {
            s->free_temps[i][j] = g_array_new(false, false, sizeof(int));
        }
    }
    tcg_ctx = s;

    /* env is temp 0, pinned to the host's env register by the back end */
    TCGTemp *env = &s->temps[0];
    env->type = TCG_TYPE_PTR;
    env->kind = TEMP_FIXED;
    env->name = "env";
    env->reg = -1;
    env->index = 0;
    s->env = env;
    s->nb_globals = s->nb_temps = 1;
    tcg_func_start(s);
    return s;
}

void tcg_context_free(TCGContext *s)
{
    if (!s) {
        return;
    }
    for (int i = 0; i < s->nb_label_alloc; i++) {
        g_free(s->labels[i].relocs);
    }
    for (int i = 0; i < 2; i++) {
        g_hash_table_destroy(s->const_table[i]);
        for (int j = 0; j < 2; j++) {
            g_array_free(s->free_temps[i][j], true);
        }
    }
    /* op chunks are chained through their first op's prev pointer */
    TCGOp *c = s->op_chunks;
    while (c) {
        TCGOp *next = c->prev;
        g_free(c);
        c = next;
    }
    g_free(s->temps);
    g_free(s->labels);
    tcg_backend_free(s);
    g_free(s->opt_info);
    if (tcg_ctx == s) {
        tcg_ctx = NULL;
    }
    g_free(s);
}

static void free_op_list(TCGContext *s)
{
    if (s->first_op) {
        s->last_op->next = s->op_pool;
        s->op_pool = s->first_op;
    }
    s->first_op = s->last_op = NULL;
    s->nb_ops = 0;
}

void tcg_func_start(TCGContext *s)
{
    free_op_list(s);
    s->nb_temps = s->nb_globals;
    for (int i = 0; i < s->nb_labels; i++) {
        s->labels[i].nb_relocs = 0;
    }
    s->nb_labels = 0;
    s->gen_insn_count = 0;
    s->ir_overflow = false;
    s->code_overflow = false;
    for (int i = 0; i < 2; i++) {
        g_hash_table_remove_all(s->const_table[i]);
        for (int j = 0; j < 2; j++) {
            g_array_set_size(s->free_temps[i][j], 0);
        }
    }
}

/* ---- temporaries ---- */

static TCGTemp *temp_alloc(TCGContext *s)
{
    if (s->nb_temps >= s->max_temps) {
        /* Hand out the last one again; code generation will fail and
         * the block be retranslated smaller. */
        s->ir_overflow = true;
        return &s->temps[s->max_temps - 1];
    }
    TCGTemp *t = &s->temps[s->nb_temps];
    memset(t, 0, sizeof(*t));
    t->index = s->nb_temps++;
    t->reg = -1;
    return t;
}

static TCGTemp *global_new(TCGType type, intptr_t offset, const char *name)
{
    TCGContext *s = tcg_ctx;
    /* globals must come before the block's temps */
    g_assert(s->nb_temps == s->nb_globals);
    TCGTemp *t = temp_alloc(s);
    t->type = type;
    t->kind = TEMP_GLOBAL;
    t->mem_offset = offset;
    t->mem_allocated = true;
    t->name = name;
    s->nb_globals = s->nb_temps;
    return t;
}

TCGv_i32 tcg_global_mem_new_i32(intptr_t offset, const char *name)
{
    return temp_tcgv_i32(global_new(TCG_TYPE_I32, offset, name));
}

TCGv_i64 tcg_global_mem_new_i64(intptr_t offset, const char *name)
{
    return temp_tcgv_i64(global_new(TCG_TYPE_I64, offset, name));
}

TCGv_ptr tcg_env(void)
{
    return temp_tcgv_i64(tcg_ctx->env);
}

TCGTemp *tcg_temp_new_internal(TCGType type, TCGTempKind kind)
{
    TCGContext *s = tcg_ctx;
    GArray *fl = s->free_temps[kind == TEMP_TB][type];
    TCGTemp *t;

    if (fl->len) {
        int idx = g_array_index(fl, int, fl->len - 1);
        g_array_set_size(fl, fl->len - 1);
        t = &s->temps[idx];
    } else {
        t = temp_alloc(s);
    }
    t->type = type;
    t->kind = kind;
    t->temp_allocated = true;
    return t;
}

TCGv_i32 tcg_temp_new_i32(void)
{
    return temp_tcgv_i32(tcg_temp_new_internal(TCG_TYPE_I32, TEMP_EBB));
}

TCGv_i64 tcg_temp_new_i64(void)
{
    return temp_tcgv_i64(tcg_temp_new_internal(TCG_TYPE_I64, TEMP_EBB));
}

TCGv_i32 tcg_temp_local_new_i32(void)
{
    return temp_tcgv_i32(tcg_temp_new_internal(TCG_TYPE_I32, TEMP_TB));
}

TCGv_i64 tcg_temp_local_new_i64(void)
{
    return temp_tcgv_i64(tcg_temp_new_internal(TCG_TYPE_I64, TEMP_TB));
}

void tcg_temp_free_internal(TCGTemp *t)
{
    TCGContext *s = tcg_ctx;
    if ((t->kind != TEMP_EBB && t->kind != TEMP_TB) || !t->temp_allocated) {
        return;
    }
    t->temp_allocated = false;
    g_array_append_val(s->free_temps[t->kind == TEMP_TB][t->type], t->index);
}

void tcg_temp_free_i32(TCGv_i32 t)
{
    tcg_temp_free_internal(tcgv_i32_temp(t));
}

void tcg_temp_free_i64(TCGv_i64 t)
{
    tcg_temp_free_internal(tcgv_i64_temp(t));
}

TCGTemp *tcg_constant_internal(TCGType type, int64_t val)
{
    TCGContext *s = tcg_ctx;
    val = tcg_norm_val(type, val);
    TCGTemp *t = g_hash_table_lookup(s->const_table[type], &val);
    if (t) {
        return t;
    }
    t = temp_alloc(s);
    t->type = type;
    t->kind = TEMP_CONST;
    t->val = val;
    if (!s->ir_overflow) {
        g_hash_table_insert(s->const_table[type], &t->val, t);
    }
    return t;
}

TCGv_i32 tcg_constant_i32(int32_t val)
{
    return temp_tcgv_i32(tcg_constant_internal(TCG_TYPE_I32, val));
}

TCGv_i64 tcg_constant_i64(int64_t val)
{
    return temp_tcgv_i64(tcg_constant_internal(TCG_TYPE_I64, val));
}

TCGLabel *gen_new_label(void)
{
    TCGContext *s = tcg_ctx;
    TCGLabel *l;

    if (s->nb_labels >= s->nb_label_alloc) {
        s->ir_overflow = true;
        l = &s->labels[s->nb_label_alloc - 1];
    } else {
        l = &s->labels[s->nb_labels];
        l->id = s->nb_labels++;
    }
    l->present = false;
    l->has_value = false;
    l->value = 0;
    l->nb_relocs = 0;
    l->refs = 0;
    return l;
}

/* ---- ops ---- */

static TCGOp *op_alloc(TCGContext *s)
{
    if (!s->op_pool) {
        /* element 0 of each chunk only links the chunks together */
        TCGOp *chunk = g_new(TCGOp, TCG_OP_CHUNK);
        chunk[0].prev = s->op_chunks;
        s->op_chunks = chunk;
        for (int i = 1; i < TCG_OP_CHUNK; i++) {
            chunk[i].next = i + 1 < TCG_OP_CHUNK ? &chunk[i + 1] : NULL;
        }
        s->op_pool = &chunk[1];
    }
    TCGOp *op = s->op_pool;
    s->op_pool = op->next;
    /* not the whole op: the call part is only read for calls, which
     * fill it */
    op->life = 0;
    op->next = op->prev = NULL;
    memset(op->args, 0, sizeof(op->args));
    return op;
}

TCGOp *tcg_emit_op(TCGOpcode opc, TCGType type, int nargs)
{
    TCGContext *s = tcg_ctx;
    TCGOp *op = op_alloc(s);
    op->opc = opc;
    op->type = type;
    op->nargs = nargs;
    op->prev = s->last_op;
    if (s->last_op) {
        s->last_op->next = op;
    } else {
        s->first_op = op;
    }
    s->last_op = op;
    s->nb_ops++;
    return op;
}

void tcg_emit_call(void *fn, const char *name, unsigned flags,
                   TCGTemp *ret, int nb_in, TCGTemp **in)
{
    g_assert(nb_in >= 0 && nb_in <= TCG_MAX_CALL_ARGS);
    TCGOp *op = tcg_emit_op(INDEX_op_call, ret ? ret->type : TCG_TYPE_I64, 0);
    op->call.fn = fn;
    op->call.name = name;
    op->call.flags = flags;
    if (flags & TCG_CALL_NO_READ_GLOBALS) {
        op->call.flags |= TCG_CALL_NO_WRITE_GLOBALS;
    }
    op->call.nb_in = nb_in;
    for (int i = 0; i < nb_in; i++) {
        op->call.in[i] = in[i];
    }
    op->call.out = ret;
}

void tcg_op_remove(TCGContext *s, TCGOp *op)
{
    if (op->prev) {
        op->prev->next = op->next;
    } else {
        s->first_op = op->next;
    }
    if (op->next) {
        op->next->prev = op->prev;
    } else {
        s->last_op = op->prev;
    }
    op->next = s->op_pool;
    s->op_pool = op;
    s->nb_ops--;
}

TCGOp *tcg_op_insert_before(TCGContext *s, TCGOp *before, TCGOpcode opc,
                            TCGType type)
{
    TCGOp *op = op_alloc(s);
    op->opc = opc;
    op->type = type;
    op->nargs = tcg_op_defs[opc].nb_oargs + tcg_op_defs[opc].nb_iargs +
                tcg_op_defs[opc].nb_cargs;
    op->next = before;
    op->prev = before->prev;
    if (before->prev) {
        before->prev->next = op;
    } else {
        s->first_op = op;
    }
    before->prev = op;
    s->nb_ops++;
    return op;
}

bool tcg_op_has_side_effects(const TCGOp *op)
{
    switch (op->opc) {
    case INDEX_op_set_label: case INDEX_op_br: case INDEX_op_brcond:
    case INDEX_op_insn_start: case INDEX_op_mb:
    case INDEX_op_st8: case INDEX_op_st16: case INDEX_op_st32:
    case INDEX_op_st:
    case INDEX_op_qemu_ld: case INDEX_op_qemu_st:   /* may fault */
    case INDEX_op_goto_tb: case INDEX_op_exit_tb: case INDEX_op_goto_ptr:
    case INDEX_op_discard:
        return true;
    case INDEX_op_call:
        return !(op->call.flags & TCG_CALL_NO_SIDE_EFFECTS);
    default:
        return false;
    }
}

bool tcg_op_ends_flow(const TCGOp *op)
{
    return op->opc == INDEX_op_br || op->opc == INDEX_op_exit_tb ||
           op->opc == INDEX_op_goto_ptr;
}

/* ---- code generation ---- */

static void log_ops(TCGContext *s, const char *title)
{
    GString *out = g_string_new(title);
    tcg_dump_ops(s, out);
    kemu_log("%s\n", out->str);
    g_string_free(out, true);
}

int tcg_gen_code(TCGContext *s)
{
    if (s->ir_overflow) {
        return -1;
    }
    if (s->log_flags & TCG_LOG_OP) {
        log_ops(s, "OP:\n");
    }
    tcg_optimize(s);
    tcg_liveness(s);
    if (s->log_flags & TCG_LOG_OP_OPT) {
        log_ops(s, "OP after optimization and liveness analysis:\n");
    }
    return tcg_backend_gen_code(s);
}
