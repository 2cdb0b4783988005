/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The optimizer: one forward pass that tracks, per temp, a known constant
 * value and the temp it is a copy of (valid until either is written, the
 * next label, or a helper that may write globals), and with that
 *   - replaces reads of copies by their source and of known values by
 *     constants (copy and constant propagation),
 *   - folds ops whose inputs are all known (constant folding) and the
 *     algebraic identities (x+0, x*1, x&0, x^x, ...),
 *   - turns branches on known conditions into jumps or nothing, drops
 *     jumps to the very next op, labels nobody branches to, and the code
 *     after an unconditional exit up to the next label.
 * Dead results are removed later by liveness.
 */
#include <string.h>
#include "tcg/tcg.h"
#include "tcg/tcg-internal.h"

typedef struct TempInfo {
    bool is_const;
    int64_t val;
    TCGTemp *copy;          /* this temp holds the same value as copy */
    uint32_t copy_ver;      /* ... while copy->ver is this */
    uint32_t ver;           /* bumped at every write */
    bool z_known;
    uint64_t z_mask;        /* bits that may be set (others are zero) */
    uint32_t epoch;         /* the facts above hold if this is current */
} TempInfo;

/* A computation done earlier in the extended basic block (for common
 * subexpressions): valid while none of its temps was written since. */
#define CSE_ENTRIES 32
typedef struct CseEntry {
    TCGOpcode opc;
    TCGType type;
    int nb_in;
    TCGTemp *in[2];
    uint32_t in_ver[2];
    int64_t c[2];
    TCGTemp *out;
    uint32_t out_ver;
} CseEntry;

typedef struct OptState {
    TCGContext *s;
    TempInfo *info;
    uint32_t epoch;
    uint32_t *epoch_counter;
    CseEntry cse[CSE_ENTRIES];
    int cse_next, cse_count;
} OptState;

static TempInfo *ti(OptState *o, TCGTemp *t)
{
    TempInfo *i = &o->info[t->index];
    if (i->epoch != o->epoch) {
        /* nothing known since the last label */
        i->epoch = o->epoch;
        i->is_const = false;
        i->copy = NULL;
        i->z_known = false;
        i->ver++;
    }
    return i;
}

static bool known(OptState *o, TCGTemp *t, int64_t *val)
{
    if (t->kind == TEMP_CONST) {
        *val = t->val;
        return true;
    }
    TempInfo *i = ti(o, t);
    if (i->is_const) {
        *val = i->val;
        return true;
    }
    return false;
}

static void forget(OptState *o, TCGTemp *t)
{
    TempInfo *i = ti(o, t);
    i->is_const = false;
    i->copy = NULL;
    i->z_known = false;
    i->ver++;
}

static uint64_t type_mask(TCGType type)
{
    return type == TCG_TYPE_I32 ? 0xffffffffull : ~0ull;
}

/* The bits of t's value that may be nonzero (an I32 never has bits
 * 63..32 set). */
static uint64_t zmask(OptState *o, TCGTemp *t)
{
    if (t->kind == TEMP_CONST) {
        return (uint64_t)t->val & type_mask(t->type);
    }
    if (t->kind != TEMP_FIXED && ti(o, t)->z_known) {
        return ti(o, t)->z_mask & type_mask(t->type);
    }
    return type_mask(t->type);
}

static void forget_all(OptState *o)
{
    o->epoch = ++*o->epoch_counter;
    o->cse_count = 0;
}

static void forget_globals(OptState *o)
{
    for (int k = 0; k < o->s->nb_globals; k++) {
        forget(o, &o->s->temps[k]);
    }
}

static TCGTemp *copy_source(OptState *o, TCGTemp *t)
{
    TempInfo *i = ti(o, t);
    if (i->copy && ti(o, i->copy)->ver == i->copy_ver) {
        return i->copy;
    }
    return NULL;
}

/* ---- evaluation (also the reference the tests compare against) ---- */

static uint64_t ext_type(TCGType type, uint64_t v)
{
    return type == TCG_TYPE_I32 ? (uint64_t)(int64_t)(int32_t)v : v;
}

bool tcg_eval_cond(TCGType type, TCGCond c, uint64_t a, uint64_t b)
{
    if (type == TCG_TYPE_I32) {
        a = (uint32_t)a;
        b = (uint32_t)b;
        switch (c) {
        case TCG_COND_LT: return (int32_t)a < (int32_t)b;
        case TCG_COND_GE: return (int32_t)a >= (int32_t)b;
        case TCG_COND_LE: return (int32_t)a <= (int32_t)b;
        case TCG_COND_GT: return (int32_t)a > (int32_t)b;
        default: break;
        }
    }
    switch (c) {
    case TCG_COND_NEVER: return false;
    case TCG_COND_ALWAYS: return true;
    case TCG_COND_EQ: return a == b;
    case TCG_COND_NE: return a != b;
    case TCG_COND_LT: return (int64_t)a < (int64_t)b;
    case TCG_COND_GE: return (int64_t)a >= (int64_t)b;
    case TCG_COND_LE: return (int64_t)a <= (int64_t)b;
    case TCG_COND_GT: return (int64_t)a > (int64_t)b;
    case TCG_COND_LTU: return a < b;
    case TCG_COND_GEU: return a >= b;
    case TCG_COND_LEU: return a <= b;
    case TCG_COND_GTU: return a > b;
    case TCG_COND_TSTEQ: return (a & b) == 0;
    case TCG_COND_TSTNE: return (a & b) != 0;
    }
    return false;
}

/*
 * The value of a one-output op on known inputs a, b (and constants c[]),
 * in the form TCGTemp.val keeps (I32 sign-extended). False for ops that
 * are not pure computations.
 */
bool tcg_eval_op(TCGOpcode opc, TCGType type, uint64_t a, uint64_t b,
                 const int64_t *c, uint64_t *res)
{
    bool w = type == TCG_TYPE_I64;
    unsigned bits = w ? 64 : 32;
    uint64_t mask = w ? ~0ull : 0xffffffffull;
    uint64_t r;

    switch (opc) {
    case INDEX_op_mov: r = a; break;
    case INDEX_op_add: r = a + b; break;
    case INDEX_op_sub: r = a - b; break;
    case INDEX_op_mul: r = a * b; break;
    case INDEX_op_neg: r = -a; break;
    case INDEX_op_and: r = a & b; break;
    case INDEX_op_or: r = a | b; break;
    case INDEX_op_xor: r = a ^ b; break;
    case INDEX_op_andc: r = a & ~b; break;
    case INDEX_op_not: r = ~a; break;
    case INDEX_op_shl: r = (a & mask) << (b & (bits - 1)); break;
    case INDEX_op_shr: r = (a & mask) >> (b & (bits - 1)); break;
    case INDEX_op_sar:
        r = w ? (uint64_t)((int64_t)a >> (b & 63))
              : (uint64_t)(int64_t)((int32_t)a >> (b & 31));
        break;
    case INDEX_op_rotl:
    case INDEX_op_rotr: {
        unsigned n = b & (bits - 1);
        if (opc == INDEX_op_rotr) {
            n = (bits - n) & (bits - 1);
        }
        a &= mask;
        r = n ? (a << n) | (a >> (bits - n)) : a;
        break;
    }
    case INDEX_op_clz:
        a &= mask;
        r = a ? (w ? __builtin_clzll(a) : __builtin_clz((uint32_t)a)) : b;
        break;
    case INDEX_op_ctz:
        a &= mask;
        r = a ? (uint64_t)__builtin_ctzll(a) : b;
        break;
    case INDEX_op_ctpop: r = __builtin_popcountll(a & mask); break;
    case INDEX_op_bswap16: r = __builtin_bswap16((uint16_t)a); break;
    case INDEX_op_bswap32: r = __builtin_bswap32((uint32_t)a); break;
    case INDEX_op_bswap64: r = __builtin_bswap64(a); break;
    case INDEX_op_ext8s: r = (int64_t)(int8_t)a; break;
    case INDEX_op_ext8u: r = (uint8_t)a; break;
    case INDEX_op_ext16s: r = (int64_t)(int16_t)a; break;
    case INDEX_op_ext16u: r = (uint16_t)a; break;
    case INDEX_op_ext32s: r = (int64_t)(int32_t)a; break;
    case INDEX_op_ext32u: r = (uint32_t)a; break;
    case INDEX_op_ext_i32_i64: r = (int64_t)(int32_t)a; break;
    case INDEX_op_extu_i32_i64: r = (uint32_t)a; break;
    case INDEX_op_extrl_i64_i32: r = (uint32_t)a; break;
    case INDEX_op_extrh_i64_i32: r = a >> 32; break;
    case INDEX_op_deposit: {
        unsigned ofs = c[0], len = c[1];
        uint64_t fm = (len >= 64 ? ~0ull : (1ull << len) - 1) << ofs;
        r = (a & ~fm) | ((b << ofs) & fm);
        break;
    }
    case INDEX_op_extract: {
        unsigned ofs = c[0], len = c[1];
        r = ((a & mask) >> ofs) & (len >= 64 ? ~0ull : (1ull << len) - 1);
        break;
    }
    case INDEX_op_sextract: {
        unsigned ofs = c[0], len = c[1];
        r = (uint64_t)((int64_t)(a << (64 - ofs - len)) >> (64 - len));
        break;
    }
    case INDEX_op_setcond:
        r = tcg_eval_cond(type, c[0], a, b);
        break;
    case INDEX_op_negsetcond:
        r = -(uint64_t)tcg_eval_cond(type, c[0], a, b);
        break;
    default:
        return false;
    }
    *res = ext_type(type, r);
    return true;
}

/* ---- rewriting ---- */

static void make_mov(OptState *o, TCGOp *op, TCGTemp *dst, TCGTemp *src)
{
    TCGType type = dst->type;
    op->opc = INDEX_op_mov;
    op->type = type;
    op->nargs = 2;
    op->args[0].t = dst;
    op->args[1].t = src;
}

static void make_movi(OptState *o, TCGOp *op, TCGTemp *dst, int64_t val)
{
    make_mov(o, op, dst, tcg_constant_internal(dst->type, val));
}

static bool is_commutative(TCGOpcode opc)
{
    return opc == INDEX_op_add || opc == INDEX_op_mul ||
           opc == INDEX_op_and || opc == INDEX_op_or || opc == INDEX_op_xor;
}

/* Identities with a known second operand or equal operands: rewrites op
 * into a mov; true if it did. */
static bool fold_identity(OptState *o, TCGOp *op)
{
    TCGTemp *r = op->args[0].t, *a = op->args[1].t, *b = op->args[2].t;
    int64_t bv;
    int64_t all = tcg_norm_val(op->type, -1);

    if (a == b) {
        switch (op->opc) {
        case INDEX_op_and: case INDEX_op_or:
            make_mov(o, op, r, a);
            return true;
        case INDEX_op_sub: case INDEX_op_xor: case INDEX_op_andc:
            make_movi(o, op, r, 0);
            return true;
        default:
            break;
        }
    }
    if (!known(o, b, &bv)) {
        return false;
    }
    bv = tcg_norm_val(op->type, bv);
    switch (op->opc) {
    case INDEX_op_add: case INDEX_op_sub: case INDEX_op_or:
    case INDEX_op_xor: case INDEX_op_andc:
        if (bv == 0) {
            make_mov(o, op, r, a);
            return true;
        }
        if (op->opc == INDEX_op_or && bv == all) {
            make_movi(o, op, r, all);
            return true;
        }
        if (op->opc == INDEX_op_andc && bv == all) {
            make_movi(o, op, r, 0);
            return true;
        }
        break;
    case INDEX_op_shl: case INDEX_op_shr: case INDEX_op_sar:
    case INDEX_op_rotl: case INDEX_op_rotr:
        if ((bv & (op->type == TCG_TYPE_I32 ? 31 : 63)) == 0) {
            make_mov(o, op, r, a);
            return true;
        }
        break;
    case INDEX_op_and:
        if (bv == all) {
            make_mov(o, op, r, a);
            return true;
        }
        if (bv == 0) {
            make_movi(o, op, r, 0);
            return true;
        }
        break;
    case INDEX_op_mul:
        if (bv == 1) {
            make_mov(o, op, r, a);
            return true;
        }
        if (bv == 0) {
            make_movi(o, op, r, 0);
            return true;
        }
        break;
    default:
        break;
    }
    return false;
}

/* Bits an op's (first) output may have set, from what is known of its
 * inputs. */
static uint64_t out_zmask(OptState *o, const TCGOp *op)
{
    uint64_t tm = type_mask(op->type);
    TCGTemp *a = op->args[1].t, *b = op->args[2].t;
    unsigned bits = op->type == TCG_TYPE_I32 ? 32 : 64;
    int64_t c;

    switch (op->opc) {
    case INDEX_op_mov:
        return zmask(o, a);
    case INDEX_op_and:
        return zmask(o, a) & zmask(o, b);
    case INDEX_op_or:
    case INDEX_op_xor:
        return zmask(o, a) | zmask(o, b);
    case INDEX_op_ext8u:
    case INDEX_op_ld8u:
        return op->opc == INDEX_op_ld8u ? 0xff : zmask(o, a) & 0xff;
    case INDEX_op_ext16u:
    case INDEX_op_ld16u:
        return op->opc == INDEX_op_ld16u ? 0xffff : zmask(o, a) & 0xffff;
    case INDEX_op_ext32u:
    case INDEX_op_extu_i32_i64:
    case INDEX_op_extrl_i64_i32:
        return zmask(o, a) & 0xffffffffu;
    case INDEX_op_ld32u:
    case INDEX_op_bswap32:
        return 0xffffffffu;
    case INDEX_op_bswap16:
        return 0xffff;
    case INDEX_op_extrh_i64_i32:
        return zmask(o, a) >> 32;
    case INDEX_op_shr:
        if (known(o, b, &c)) {
            return zmask(o, a) >> (c & (bits - 1));
        }
        break;
    case INDEX_op_shl:
        if (known(o, b, &c)) {
            return (zmask(o, a) << (c & (bits - 1))) & tm;
        }
        break;
    case INDEX_op_sar:
        if (known(o, b, &c) && !(zmask(o, a) >> (bits - 1))) {
            return zmask(o, a) >> (c & (bits - 1));
        }
        break;
    case INDEX_op_extract: {
        unsigned ofs = op->args[2].c, len = op->args[3].c;
        uint64_t lm = len >= 64 ? ~0ull : (1ull << len) - 1;
        return (zmask(o, a) >> ofs) & lm;
    }
    case INDEX_op_deposit: {
        unsigned ofs = op->args[3].c, len = op->args[4].c;
        uint64_t fm = (len >= 64 ? ~0ull : (1ull << len) - 1) << ofs;
        return ((zmask(o, a) & ~fm) | ((zmask(o, b) << ofs) & fm)) & tm;
    }
    case INDEX_op_setcond:
        return 1;
    case INDEX_op_ctpop:
        return 0x7f;
    case INDEX_op_clz:
    case INDEX_op_ctz:
        return 0x7f | zmask(o, b);
    case INDEX_op_movcond:
        return zmask(o, op->args[3].t) | zmask(o, op->args[4].t);
    case INDEX_op_qemu_ld: {
        MemOp mop = get_memop(op->args[2].c);
        unsigned size = memop_size(mop);
        if (!(mop & MO_SIGN) && size < 8) {
            return (1ull << (8 * size)) - 1;
        }
        break;
    }
    default:
        break;
    }
    return tm;
}

/* Zero-extensions and masks of values known to fit: moves. */
static void fold_zmask(OptState *o, TCGOp *op)
{
    TCGTemp *r = op->args[0].t, *a = op->args[1].t;
    uint64_t z, keep;
    int64_t c;

    switch (op->opc) {
    case INDEX_op_ext8u: keep = 0xff; break;
    case INDEX_op_ext16u: keep = 0xffff; break;
    case INDEX_op_ext32u: keep = 0xffffffffu; break;
    case INDEX_op_and:
        if (!known(o, op->args[2].t, &c)) {
            return;
        }
        keep = c;
        break;
    default:
        return;
    }
    z = zmask(o, a);
    if (!(z & ~keep & type_mask(op->type))) {
        make_mov(o, op, r, a);
    }
}

/* Pure one-output ops worth reusing (host loads are not: memory may
 * change under them). */
static bool cse_candidate(const TCGOp *op)
{
    switch (op->opc) {
    case INDEX_op_add: case INDEX_op_sub: case INDEX_op_mul:
    case INDEX_op_and: case INDEX_op_or: case INDEX_op_xor:
    case INDEX_op_andc: case INDEX_op_shl: case INDEX_op_shr:
    case INDEX_op_sar: case INDEX_op_rotl: case INDEX_op_rotr:
    case INDEX_op_neg: case INDEX_op_not:
    case INDEX_op_ext8s: case INDEX_op_ext8u: case INDEX_op_ext16s:
    case INDEX_op_ext16u: case INDEX_op_ext32s: case INDEX_op_ext32u:
    case INDEX_op_ext_i32_i64: case INDEX_op_extu_i32_i64:
    case INDEX_op_extrl_i64_i32: case INDEX_op_extrh_i64_i32:
    case INDEX_op_extract: case INDEX_op_sextract:
    case INDEX_op_setcond: case INDEX_op_negsetcond:
        return op->args[0].t->kind != TEMP_FIXED;
    default:
        return false;
    }
}

static void cse_key(const TCGOp *op, CseEntry *k)
{
    const TCGOpDef *d = &tcg_op_defs[op->opc];
    k->opc = op->opc;
    k->type = op->type;
    k->nb_in = d->nb_iargs;
    k->in[1] = NULL;
    k->c[0] = k->c[1] = 0;
    for (int i = 0; i < d->nb_iargs; i++) {
        k->in[i] = op->args[1 + i].t;
    }
    for (int i = 0; i < d->nb_cargs && i < 2; i++) {
        k->c[i] = op->args[1 + d->nb_iargs + i].c;
    }
}

static bool cse_valid(OptState *o, const CseEntry *e)
{
    for (int i = 0; i < e->nb_in; i++) {
        if (e->in[i]->kind != TEMP_CONST &&
            ti(o, e->in[i])->ver != e->in_ver[i]) {
            return false;
        }
    }
    return ti(o, e->out)->ver == e->out_ver;
}

/* The temp that already holds what op computes, if any. */
static TCGTemp *cse_find(OptState *o, const TCGOp *op)
{
    CseEntry k;
    cse_key(op, &k);
    for (int n = 0; n < o->cse_count; n++) {
        CseEntry *e = &o->cse[n];
        if (e->opc == k.opc && e->type == k.type && e->in[0] == k.in[0] &&
            e->in[1] == k.in[1] && e->c[0] == k.c[0] && e->c[1] == k.c[1] &&
            cse_valid(o, e)) {
            return e->out;
        }
    }
    return NULL;
}

/* After op wrote its output. */
static void cse_record(OptState *o, const TCGOp *op,
                       const uint32_t *in_ver)
{
    CseEntry *e = &o->cse[o->cse_next];
    cse_key(op, e);
    for (int i = 0; i < e->nb_in; i++) {
        e->in_ver[i] = in_ver[i];
    }
    e->out = op->args[0].t;
    e->out_ver = ti(o, e->out)->ver;
    /* an op reading its own output can not be reused */
    for (int i = 0; i < e->nb_in; i++) {
        if (e->in[i] == e->out) {
            return;
        }
    }
    o->cse_next = (o->cse_next + 1) % CSE_ENTRIES;
    if (o->cse_count < CSE_ENTRIES) {
        o->cse_count++;
    }
}

static void label_unref(TCGLabel *l)
{
    l->refs--;
}

/* Drops ops after an unconditional exit up to the next label still
 * branched to (insn markers stay: the runtime counts them). */
static void remove_unreachable(OptState *o, TCGOp *op)
{
    TCGContext *s = o->s;
    TCGOp *n = op->next;
    while (n) {
        TCGOp *next = n->next;
        if (n->opc == INDEX_op_set_label && n->args[0].l->refs > 0) {
            break;
        }
        if (n->opc == INDEX_op_insn_start) {
            n = next;
            continue;
        }
        if (n->opc == INDEX_op_br) {
            label_unref(n->args[0].l);
        } else if (n->opc == INDEX_op_brcond) {
            label_unref(n->args[3].l);
        }
        tcg_op_remove(s, n);
        n = next;
    }
}

void tcg_optimize(TCGContext *s)
{
    /* sized for every temp: folding creates constants as it goes */
    if (!s->opt_info) {
        s->opt_info = g_new0(TempInfo, s->max_temps);
    }
    /* epochs only grow (per thread, as contexts are), so what an entry
     * says about an earlier block or label is never taken as current */
    static __thread uint32_t epoch;
    OptState o = { .s = s, .info = s->opt_info, .epoch = ++epoch,
                   .epoch_counter = &epoch };

    /* count branches to each label (the front end may have built ops
     * without the builders) */
    for (int i = 0; i < s->nb_labels; i++) {
        s->labels[i].refs = 0;
    }
    for (TCGOp *op = s->first_op; op; op = op->next) {
        if (op->opc == INDEX_op_br) {
            op->args[0].l->refs++;
        } else if (op->opc == INDEX_op_brcond) {
            op->args[3].l->refs++;
        }
    }

    for (TCGOp *op = s->first_op, *next; op; op = next) {
        next = op->next;
        TCGOpcode opc = op->opc;

        switch (opc) {
        case INDEX_op_insn_start: case INDEX_op_mb: case INDEX_op_goto_tb:
            continue;
        case INDEX_op_set_label:
            if (op->args[0].l->refs == 0) {
                tcg_op_remove(s, op);
            } else {
                forget_all(&o);
            }
            continue;
        case INDEX_op_br: {
            remove_unreachable(&o, op);
            TCGOp *after = op->next;
            /* a jump to the next op (only insn markers between) */
            for (TCGOp *n = after; n; n = n->next) {
                if (n->opc == INDEX_op_set_label &&
                    n->args[0].l == op->args[0].l) {
                    label_unref(op->args[0].l);
                    tcg_op_remove(s, op);
                    break;
                }
                if (n->opc != INDEX_op_insn_start) {
                    break;
                }
            }
            next = after;
            continue;
        }
        case INDEX_op_exit_tb:
            remove_unreachable(&o, op);
            next = op->next;
            continue;
        case INDEX_op_discard:
            forget(&o, op->args[0].t);
            continue;
        default:
            break;
        }

        /* propagate copies and known values into the inputs */
        int nb_o = op_nb_oargs(op), nb_i = op_nb_iargs(op);
        for (int i = 0; i < nb_i; i++) {
            TCGTemp *t = op_iarg(op, i);
            if (t->kind == TEMP_CONST || t->kind == TEMP_FIXED) {
                continue;
            }
            TempInfo *in = ti(&o, t);
            if (in->is_const) {
                op_set_iarg(op, i, tcg_constant_internal(t->type, in->val));
                continue;
            }
            TCGTemp *src = copy_source(&o, t);
            if (src && src->type == t->type) {
                op_set_iarg(op, i, src);
            }
        }

        if (opc == INDEX_op_call) {
            if (!(op->call.flags & TCG_CALL_NO_WRITE_GLOBALS)) {
                forget_globals(&o);
            }
            if (op->call.out) {
                forget(&o, op->call.out);
            }
            continue;
        }
        if (opc == INDEX_op_goto_ptr) {
            remove_unreachable(&o, op);
            next = op->next;
            continue;
        }

        /* put a lone constant of a symmetric op or comparison second */
        int64_t av, bv;
        if (nb_i >= 2 && nb_o == 1 && is_commutative(opc) &&
            known(&o, op->args[1].t, &av) && !known(&o, op->args[2].t, &bv)) {
            TCGTemp *t = op->args[1].t;
            op->args[1].t = op->args[2].t;
            op->args[2].t = t;
        }
        if (opc == INDEX_op_brcond || opc == INDEX_op_setcond ||
            opc == INDEX_op_negsetcond || opc == INDEX_op_movcond) {
            int a0 = opc == INDEX_op_brcond ? 0 : 1;
            int ci = opc == INDEX_op_brcond ? 2 : (opc == INDEX_op_movcond
                                                   ? 5 : 3);
            if (known(&o, op->args[a0].t, &av) &&
                !known(&o, op->args[a0 + 1].t, &bv)) {
                TCGTemp *t = op->args[a0].t;
                op->args[a0].t = op->args[a0 + 1].t;
                op->args[a0 + 1].t = t;
                op->args[ci].c = tcg_swap_cond(op->args[ci].c);
            }
        }

        fold_zmask(&o, op);
        opc = op->opc;

        switch (opc) {
        case INDEX_op_brcond:
            if (known(&o, op->args[0].t, &av) &&
                known(&o, op->args[1].t, &bv)) {
                TCGLabel *l = op->args[3].l;
                if (tcg_eval_cond(op->type, op->args[2].c, av, bv)) {
                    op->opc = INDEX_op_br;
                    op->nargs = 1;
                    op->args[0].l = l;
                    /* again, as a jump (maybe to the next op) */
                    next = op;
                } else {
                    label_unref(l);
                    tcg_op_remove(s, op);
                }
            }
            continue;
        case INDEX_op_movcond:
            if (known(&o, op->args[1].t, &av) &&
                known(&o, op->args[2].t, &bv)) {
                bool c = tcg_eval_cond(op->type, op->args[5].c, av, bv);
                make_mov(&o, op, op->args[0].t, op->args[c ? 3 : 4].t);
            } else if (op->args[3].t == op->args[4].t) {
                make_mov(&o, op, op->args[0].t, op->args[3].t);
            }
            break;
        case INDEX_op_qemu_ld: case INDEX_op_qemu_st:
        case INDEX_op_st8: case INDEX_op_st16: case INDEX_op_st32:
        case INDEX_op_st: case INDEX_op_mulu2: case INDEX_op_muls2:
            break;
        default:
            if (nb_o == 1 && nb_i >= 1 && nb_i <= 2 &&
                !(opc >= INDEX_op_ld8u && opc <= INDEX_op_ld)) {
                uint64_t res;
                int64_t cv[2] = { 0, 0 };
                bool all_known = known(&o, op->args[1].t, &av);
                bv = 0;
                if (nb_i == 2) {
                    all_known = all_known && known(&o, op->args[2].t, &bv);
                }
                for (int i = 0; i < tcg_op_defs[opc].nb_cargs && i < 2; i++) {
                    cv[i] = op->args[1 + nb_i + i].c;
                }
                if (all_known &&
                    tcg_eval_op(opc, op->type, av, bv, cv, &res)) {
                    make_movi(&o, op, op->args[0].t, res);
                } else if (nb_i == 2 && opc != INDEX_op_deposit) {
                    fold_identity(&o, op);
                }
            }
            break;
        }

        /* the same computation done before in this EBB: a copy */
        bool cse_ok = cse_candidate(op);
        uint32_t in_ver[2] = { 0, 0 };
        if (cse_ok) {
            TCGTemp *prev = cse_find(&o, op);
            if (prev && prev->type == op->args[0].t->type) {
                make_mov(&o, op, op->args[0].t, prev);
                cse_ok = false;
            } else {
                for (int i = 0; i < tcg_op_defs[op->opc].nb_iargs; i++) {
                    TCGTemp *t = op->args[1 + i].t;
                    in_ver[i] = t->kind == TEMP_CONST ? 0 : ti(&o, t)->ver;
                }
            }
        }

        /* record what the outputs now hold */
        if (op->opc == INDEX_op_mov) {
            TCGTemp *d = op->args[0].t, *src = op->args[1].t;
            if (d == src) {
                tcg_op_remove(s, op);
                continue;
            }
            uint64_t z = zmask(&o, src);
            forget(&o, d);
            ti(&o, d)->z_known = true;
            ti(&o, d)->z_mask = z;
            int64_t v;
            if (known(&o, src, &v)) {
                ti(&o, d)->is_const = true;
                ti(&o, d)->val = v;
            } else if (src->kind != TEMP_FIXED) {
                ti(&o, d)->copy = src;
                ti(&o, d)->copy_ver = ti(&o, src)->ver;
            }
        } else {
            uint64_t z = nb_o == 1 ? out_zmask(&o, op) : 0;
            for (int i = 0; i < nb_o; i++) {
                forget(&o, op->args[i].t);
            }
            if (nb_o == 1) {
                ti(&o, op->args[0].t)->z_known = true;
                ti(&o, op->args[0].t)->z_mask = z;
            }
            if (cse_ok) {
                cse_record(&o, op, in_ver);
            }
        }
    }
}
