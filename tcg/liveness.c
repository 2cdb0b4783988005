/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Liveness: one backward pass over the block that
 *   - marks, per op, the arguments whose value is not used afterwards
 *     (the allocator frees their registers) and the outputs that must be
 *     written back to memory at once (a later point reads the memory
 *     copy: a helper that reads globals, a guest memory op that may
 *     fault, a branch or the end of the block);
 *   - deletes ops without side effects whose results nobody reads, which
 *     is also what removes flag computations a later insn overwrote.
 * Rules for where memory copies must be valid are those of tcg.h: at
 * labels and branches every global and TB temp lives in memory, EBB temps
 * die at labels.
 */
#include "tcg/tcg.h"
#include "tcg/tcg-internal.h"

static void set_kind_state(TCGContext *s, int from, int to, uint16_t glob,
                           uint16_t tb, uint16_t other, bool or_in)
{
    for (int i = from; i < to; i++) {
        TCGTemp *t = &s->temps[i];
        uint16_t v;
        switch (t->kind) {
        case TEMP_GLOBAL: v = glob; break;
        case TEMP_TB: v = tb; break;
        case TEMP_FIXED: v = 0; break;
        default: v = other; break;
        }
        if (or_in) {
            /* only the memory requirement is added */
            t->state |= v & TS_MEM;
        } else {
            t->state = v;
        }
    }
}

/*
 * TB temps live right after each label (backward pass: known for labels
 * below the current op, i.e. for forward branches). A TB temp only has
 * to be in memory at a branch if the target reads it.
 */
typedef struct LabelLive {
    int nb_tb;                  /* TB temps, numbered 0..nb_tb-1 */
    int *tb_of;                 /* temp index -> TB number or -1 */
    TCGTemp **tb_temp;
    int words;
    uint64_t *bits;             /* per label: words of live TB temps */
    bool *known;
} LabelLive;

static void label_live_init(TCGContext *s, LabelLive *ll)
{
    ll->tb_of = g_new(int, s->nb_temps);
    ll->tb_temp = g_new(TCGTemp *, s->nb_temps);
    ll->nb_tb = 0;
    for (int i = 0; i < s->nb_temps; i++) {
        ll->tb_of[i] = -1;
        if (s->temps[i].kind == TEMP_TB) {
            ll->tb_of[i] = ll->nb_tb;
            ll->tb_temp[ll->nb_tb++] = &s->temps[i];
        }
    }
    ll->words = (ll->nb_tb + 63) / 64;
    ll->bits = g_new0(uint64_t, (size_t)ll->words * s->nb_labels + 1);
    ll->known = g_new0(bool, s->nb_labels + 1);
}

static void label_live_free(LabelLive *ll)
{
    g_free(ll->tb_of);
    g_free(ll->tb_temp);
    g_free(ll->bits);
    g_free(ll->known);
}

static bool tb_live_at(LabelLive *ll, TCGLabel *l, int k)
{
    if (!ll->known[l->id]) {
        return true;            /* a backward branch: assume all */
    }
    return (ll->bits[(size_t)l->id * ll->words + k / 64] >> (k % 64)) & 1;
}

/* Before a label: globals in memory, TB temps in memory if read after
 * it, everything else dead. */
static void at_label(TCGContext *s, LabelLive *ll, TCGLabel *l)
{
    uint64_t *bits = &ll->bits[(size_t)l->id * ll->words];
    for (int k = 0; k < ll->nb_tb; k++) {
        /* read after the label, or needed in memory further on */
        uint16_t st = ll->tb_temp[k]->state;
        if (!(st & TS_DEAD) || (st & TS_MEM)) {
            bits[k / 64] |= 1ull << (k % 64);
        }
    }
    ll->known[l->id] = true;
    set_kind_state(s, 0, s->nb_temps, TS_DEAD | TS_MEM, 0, TS_DEAD, false);
    for (int k = 0; k < ll->nb_tb; k++) {
        ll->tb_temp[k]->state = TS_DEAD | (tb_live_at(ll, l, k) ? TS_MEM : 0);
    }
}

/* Before an unconditional jump to l. */
static void at_jump(TCGContext *s, LabelLive *ll, TCGLabel *l)
{
    set_kind_state(s, 0, s->nb_temps, TS_DEAD | TS_MEM, 0, TS_DEAD, false);
    for (int k = 0; k < ll->nb_tb; k++) {
        ll->tb_temp[k]->state = TS_DEAD | (tb_live_at(ll, l, k) ? TS_MEM : 0);
    }
}

/* Past the end of the block: only globals matter. */
static void at_end(TCGContext *s)
{
    set_kind_state(s, 0, s->nb_temps, TS_DEAD | TS_MEM, TS_DEAD, TS_DEAD,
                   false);
}

static void globals_need_mem(TCGContext *s)
{
    for (int i = 0; i < s->nb_globals; i++) {
        s->temps[i].state |= TS_MEM;
    }
}

static void globals_clobbered(TCGContext *s)
{
    for (int i = 0; i < s->nb_globals; i++) {
        if (s->temps[i].kind == TEMP_GLOBAL) {
            s->temps[i].state = TS_DEAD | TS_MEM;
        }
    }
}

void tcg_liveness(TCGContext *s)
{
    LabelLive ll;
    label_live_init(s, &ll);
    at_end(s);

    for (TCGOp *op = s->last_op, *prev; op; op = prev) {
        prev = op->prev;
        op->life = 0;

        switch (op->opc) {
        case INDEX_op_insn_start:
        case INDEX_op_mb:
            continue;
        case INDEX_op_set_label:
            at_label(s, &ll, op->args[0].l);
            continue;
        case INDEX_op_br:
            at_jump(s, &ll, op->args[0].l);
            continue;
        case INDEX_op_exit_tb:
        case INDEX_op_goto_tb:
            at_end(s);
            continue;
        case INDEX_op_goto_ptr:
            at_end(s);
            break;
        case INDEX_op_brcond: {
            /* the taken side needs globals and the TB temps it reads in
             * memory; the fall-through side may keep them in registers */
            TCGLabel *l = op->args[3].l;
            set_kind_state(s, 0, s->nb_globals, TS_MEM, 0, 0, true);
            for (int k = 0; k < ll.nb_tb; k++) {
                if (tb_live_at(&ll, l, k)) {
                    ll.tb_temp[k]->state |= TS_MEM;
                }
            }
            break;
        }
        case INDEX_op_discard: {
            TCGTemp *t = op->args[0].t;
            t->state = TS_DEAD;
            /* the allocator drops the value here; a global keeps its old
             * memory copy */
            op->life = DEAD_ARG(0);
            continue;
        }
        default:
            break;
        }

        int nb_o = op_nb_oargs(op), nb_i = op_nb_iargs(op);

        if (!tcg_op_has_side_effects(op)) {
            bool dead = true;
            for (int i = 0; i < nb_o; i++) {
                TCGTemp *o = op_oarg(op, i);
                if (o && o->state != TS_DEAD) {
                    dead = false;
                }
            }
            if (dead) {
                if (op->opc == INDEX_op_call) {
                    /* keep the helper's inputs as they were */
                }
                tcg_op_remove(s, op);
                continue;
            }
        }

        uint16_t life = 0;
        for (int i = 0; i < nb_o; i++) {
            TCGTemp *o = op_oarg(op, i);
            if (!o) {
                continue;
            }
            if (o->state & TS_DEAD) {
                life |= DEAD_ARG(i);
            }
            if (o->state & TS_MEM) {
                life |= SYNC_ARG(i);
            }
            o->state = TS_DEAD;
        }

        if (op->opc == INDEX_op_call) {
            if (!(op->call.flags & TCG_CALL_NO_WRITE_GLOBALS)) {
                globals_clobbered(s);
            } else if (!(op->call.flags & TCG_CALL_NO_READ_GLOBALS)) {
                globals_need_mem(s);
            }
        } else if (op->opc == INDEX_op_qemu_ld ||
                   op->opc == INDEX_op_qemu_st) {
            /* a fault restores the guest state from memory */
            globals_need_mem(s);
        }

        int base = op->opc == INDEX_op_call ? 1 : nb_o;
        for (int i = 0; i < nb_i; i++) {
            TCGTemp *t = op_iarg(op, i);
            if (t->kind == TEMP_FIXED) {
                continue;
            }
            if (t->state & TS_DEAD) {
                life |= DEAD_ARG(base + i);
                t->state &= ~TS_DEAD;
            }
        }
        op->life = life;
    }
    label_live_free(&ll);
}
