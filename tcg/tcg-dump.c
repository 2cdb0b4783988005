/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "-d op" / "-d op_opt": the op list as text, in the layout QEMU uses
 * (" add_i32 tmp2,eax,$0x1"), so logs of the two can be compared.
 */
#include <string.h>
#include "tcg/tcg.h"
#include "tcg/tcg-internal.h"

static const char *const cond_name[] = {
    [TCG_COND_NEVER] = "never", [TCG_COND_ALWAYS] = "always",
    [TCG_COND_EQ] = "eq", [TCG_COND_NE] = "ne",
    [TCG_COND_LT] = "lt", [TCG_COND_GE] = "ge",
    [TCG_COND_LE] = "le", [TCG_COND_GT] = "gt",
    [TCG_COND_LTU] = "ltu", [TCG_COND_GEU] = "geu",
    [TCG_COND_LEU] = "leu", [TCG_COND_GTU] = "gtu",
    [TCG_COND_TSTEQ] = "tsteq", [TCG_COND_TSTNE] = "tstne",
};

static void dump_temp(TCGContext *s, GString *out, const TCGTemp *t)
{
    if (!t) {
        g_string_append(out, "(null)");
        return;
    }
    switch (t->kind) {
    case TEMP_FIXED:
    case TEMP_GLOBAL:
        g_string_append(out, t->name ? t->name : "global");
        break;
    case TEMP_TB:
        g_string_append_printf(out, "loc%d", t->index - s->nb_globals);
        break;
    case TEMP_EBB:
        g_string_append_printf(out, "tmp%d", t->index - s->nb_globals);
        break;
    case TEMP_CONST:
        if (t->type == TCG_TYPE_I32) {
            g_string_append_printf(out, "$0x%x", (uint32_t)t->val);
        } else {
            g_string_append_printf(out, "$0x%" G_GINT64_MODIFIER "x",
                                   (uint64_t)t->val);
        }
        break;
    }
}

static void dump_memop(GString *out, MemOpIdx oi)
{
    static const char *const sz[] = { "b", "w", "l", "q", "o" };
    MemOp mop = get_memop(oi);
    unsigned size = mop & MO_SIZE;
    g_string_append_printf(out, "%s%s%s,%u", mop & MO_ALIGN ? "al+" : "",
                           mop & MO_SIGN ? "s" : "u",
                           size < 5 ? sz[size] : "?", get_mmuidx(oi));
}

static void dump_one(TCGContext *s, GString *out, const TCGOp *op)
{
    const TCGOpDef *def = &tcg_op_defs[op->opc];
    int k = 0;

    switch (op->opc) {
    case INDEX_op_insn_start:
        g_string_append_printf(out, " ---- %016" G_GINT64_MODIFIER "x %016"
                               G_GINT64_MODIFIER "x",
                               (uint64_t)op->args[0].c,
                               (uint64_t)op->args[1].c);
        return;
    case INDEX_op_set_label:
    case INDEX_op_br:
        g_string_append_printf(out, " %s $L%d", def->name, op->args[0].l->id);
        return;
    case INDEX_op_call:
        g_string_append_printf(out, " call %s,$0x%x,$%d",
                               op->call.name ? op->call.name : "?",
                               op->call.flags, op->call.out ? 1 : 0);
        if (op->call.out) {
            g_string_append_c(out, ',');
            dump_temp(s, out, op->call.out);
        }
        for (int i = 0; i < op->call.nb_in; i++) {
            g_string_append_c(out, ',');
            dump_temp(s, out, op->call.in[i]);
        }
        return;
    case INDEX_op_mb: case INDEX_op_goto_tb: case INDEX_op_exit_tb:
        g_string_append_printf(out, " %s $0x%" G_GINT64_MODIFIER "x",
                               def->name, (uint64_t)op->args[0].c);
        return;
    default:
        break;
    }

    if (strstr(def->name, "_i32") || strstr(def->name, "_i64")) {
        /* the width change ops name both widths already */
        g_string_append_printf(out, " %s ", def->name);
    } else {
        g_string_append_printf(out, " %s_%s ", def->name,
                               op->type == TCG_TYPE_I32 ? "i32" : "i64");
    }
    for (int i = 0; i < def->nb_oargs + def->nb_iargs; i++) {
        if (k++) {
            g_string_append_c(out, ',');
        }
        dump_temp(s, out, op->args[i].t);
    }
    const TCGArg *c = &op->args[def->nb_oargs + def->nb_iargs];
    switch (op->opc) {
    case INDEX_op_brcond:
        g_string_append_printf(out, ",%s,$L%d",
                               c[0].c < 14 ? cond_name[c[0].c] : "?",
                               c[1].l->id);
        break;
    case INDEX_op_setcond: case INDEX_op_negsetcond: case INDEX_op_movcond:
        g_string_append_printf(out, ",%s",
                               c[0].c < 14 ? cond_name[c[0].c] : "?");
        break;
    case INDEX_op_qemu_ld: case INDEX_op_qemu_st:
        g_string_append_c(out, ',');
        dump_memop(out, (MemOpIdx)c[0].c);
        break;
    default:
        for (int i = 0; i < def->nb_cargs; i++) {
            g_string_append_printf(out, ",$0x%" G_GINT64_MODIFIER "x",
                                   (uint64_t)c[i].c);
        }
        break;
    }
}

void tcg_dump_ops(TCGContext *s, GString *out)
{
    for (TCGOp *op = s->first_op; op; op = op->next) {
        gsize start = out->len;
        dump_one(s, out, op);
        if (op->life) {
            gsize col = out->len - start;
            for (; col < 40; col++) {
                g_string_append_c(out, ' ');
            }
            if (op->life & 0xff) {
                g_string_append(out, " dead:");
                for (int i = 0; i < 8; i++) {
                    if (op->life & DEAD_ARG(i)) {
                        g_string_append_printf(out, " %d", i);
                    }
                }
            }
            if (op->life & 0xff00) {
                g_string_append(out, " sync:");
                for (int i = 0; i < 8; i++) {
                    if (op->life & SYNC_ARG(i)) {
                        g_string_append_printf(out, " %d", i);
                    }
                }
            }
        }
        g_string_append_c(out, '\n');
    }
}
