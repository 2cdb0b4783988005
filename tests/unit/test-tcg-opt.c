/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The optimizer and liveness: what they do to small op lists (folding,
 * copy propagation, identities, branch folding, unreachable and dead
 * code, dead/sync marks), and random programs whose optimized and
 * unoptimized code must both agree with an interpreter of the IR.
 */
#include "test-tcg-harness.h"

static GRand *rng;

static int count_ops(TCGOpcode opc)
{
    int n = 0;
    for (TCGOp *op = tcg_ctx->first_op; op; op = op->next) {
        n += op->opc == opc;
    }
    return n;
}

static TCGOp *find_op(TCGOpcode opc, int nth)
{
    for (TCGOp *op = tcg_ctx->first_op; op; op = op->next) {
        if (op->opc == opc && nth-- == 0) {
            return op;
        }
    }
    return NULL;
}

static char *dump(void)
{
    GString *o = g_string_new("");
    tcg_dump_ops(tcg_ctx, o);
    return g_string_free(o, false);
}

static void test_fold_constants(void)
{
    TCGv_i64 t = tcg_temp_new_i64(), u = tcg_temp_new_i64();
    tcg_gen_movi_i64(t, 6);
    tcg_gen_muli_i64(u, t, 7);          /* 42 */
    tcg_gen_shli_i64(u, u, 2);          /* 168 */
    tcg_gen_not_i64(u, u);
    tcg_gen_mov_i64(g64[0], u);
    TCGv_i32 a = tcg_temp_new_i32();
    tcg_gen_movi_i32(a, 0x80000000);
    tcg_gen_sari_i32(a, a, 4);
    tcg_gen_mov_i32(g32[0], a);
    tcg_gen_exit_tb(NULL, 0);
    tcg_optimize(tcg_ctx);
    /* only moves of constants are left */
    for (TCGOp *op = tcg_ctx->first_op; op; op = op->next) {
        g_assert(op->opc == INDEX_op_mov || op->opc == INDEX_op_exit_tb);
    }
    TCGOp *last = find_op(INDEX_op_mov, count_ops(INDEX_op_mov) - 1);
    g_assert_cmpint(last->args[1].t->kind, ==, TEMP_CONST);
    g_assert_cmpint(last->args[1].t->val, ==, (int32_t)0xf8000000);
    tcg_liveness(tcg_ctx);
    /* after liveness only the two global stores remain */
    g_assert_cmpint(count_ops(INDEX_op_mov), ==, 2);
    g_autofree char *d = dump();
    g_assert_nonnull(strstr(d, "mov_i64 g64_0,$0xffffffffffffff57"));
    g_assert_nonnull(strstr(d, "mov_i32 g32_0,$0xf8000000"));
    code_prepare(tcg_ctx);
    g_assert_cmpint(tcg_backend_gen_code(tcg_ctx), >, 0);
    run_block(tcg_ctx->code_buf);
    g_assert_cmpuint(fake_cpu.g64[0], ==, ~(uint64_t)168);
    g_assert_cmpuint(fake_cpu.g32[0], ==, 0xf8000000u);
    tcg_func_start(tcg_ctx);
}

static void test_copy_propagation(void)
{
    TCGv_i64 t = tcg_temp_new_i64();
    tcg_gen_mov_i64(t, g64[1]);
    tcg_gen_add_i64(g64[2], t, t);
    /* a redefinition of the source ends the copy */
    tcg_gen_movi_i64(g64[1], 5);
    tcg_gen_add_i64(g64[3], t, g64[1]);
    tcg_gen_exit_tb(NULL, 0);
    tcg_optimize(tcg_ctx);
    TCGOp *add0 = find_op(INDEX_op_add, 0), *add1 = find_op(INDEX_op_add, 1);
    g_assert(add0->args[1].t == tcgv_i64_temp(g64[1]));
    g_assert(add0->args[2].t == tcgv_i64_temp(g64[1]));
    g_assert(add1->args[1].t == tcgv_i64_temp(t));
    /* and g1 is known to be 5 there */
    g_assert_cmpint(add1->args[2].t->kind, ==, TEMP_CONST);
    g_assert_cmpint(add1->args[2].t->val, ==, 5);
    tcg_func_start(tcg_ctx);

    /* a helper that may write globals ends what is known about them */
    tcg_gen_movi_i64(g64[1], 5);
    tcg_gen_call0(test_copy_propagation, 0, NULL);
    tcg_gen_add_i64(g64[3], g64[1], g64[1]);
    tcg_gen_exit_tb(NULL, 0);
    tcg_optimize(tcg_ctx);
    g_assert_cmpint(count_ops(INDEX_op_add), ==, 1);
    tcg_func_start(tcg_ctx);
}

static void test_identities(void)
{
    struct {
        void (*gen)(void);
        bool to_const;
        int64_t val;
    } cases[] = {
        { NULL, 0, 0 },
    };
    (void)cases;
    TCGv_i64 x = g64[0];
    tcg_gen_andi_i64(g64[1], x, 0);          /* 0 */
    tcg_gen_xor_i64(g64[2], x, x);           /* 0 */
    tcg_gen_sub_i64(g64[3], x, x);           /* 0 */
    tcg_gen_mul_i64(g64[4], x, tcg_constant_i64(1));   /* x */
    tcg_gen_or_i64(g64[5], x, x);            /* x */
    tcg_gen_add_i64(g64[6], tcg_constant_i64(0), x);   /* x */
    tcg_gen_or_i64(g64[7], x, tcg_constant_i64(-1));   /* -1 */
    tcg_gen_exit_tb(NULL, 0);
    tcg_optimize(tcg_ctx);
    g_assert_cmpint(count_ops(INDEX_op_mov), ==, 7);
    for (int i = 0; i < 7; i++) {
        TCGOp *op = find_op(INDEX_op_mov, i);
        TCGTemp *src = op->args[1].t;
        if (i < 3 || i == 6) {
            g_assert_cmpint(src->kind, ==, TEMP_CONST);
            g_assert_cmpint(src->val, ==, i == 6 ? -1 : 0);
        } else {
            g_assert(src == tcgv_i64_temp(x));
        }
    }
    tcg_func_start(tcg_ctx);
}

/* zero-extensions of values known to fit are moves */
static void test_known_zero_bits(void)
{
    TCGv_i64 t = tcg_temp_new_i64(), u = tcg_temp_new_i64();
    TCGv_i64 v = tcg_temp_new_i64(), x = tcg_temp_new_i64();
    tcg_gen_qemu_ld_i64(t, g64[0], 0, MO_UL);
    tcg_gen_ext32u_i64(u, t);                   /* mov */
    tcg_gen_shri_i64(v, g64[1], 40);
    tcg_gen_ext32u_i64(v, v);                   /* mov: 24 bits left */
    tcg_gen_andi_i64(x, v, 0xffffff);           /* mov */
    tcg_gen_ext16u_i64(x, x);                   /* stays */
    tcg_gen_extract_i64(g64[4], g64[2], 3, 5);
    tcg_gen_ext8u_i64(g64[5], g64[4]);          /* mov */
    tcg_gen_sari_i64(g64[6], g64[4], 1);
    tcg_gen_ext8u_i64(g64[6], g64[6]);          /* mov: sign bit known 0 */
    tcg_gen_mov_i64(g64[2], u);
    tcg_gen_mov_i64(g64[3], x);
    tcg_gen_exit_tb(NULL, 0);
    tcg_optimize(tcg_ctx);
    g_assert_cmpint(count_ops(INDEX_op_ext32u), ==, 0);
    g_assert_cmpint(count_ops(INDEX_op_ext8u), ==, 0);
    g_assert_cmpint(count_ops(INDEX_op_ext16u), ==, 1);
    g_assert_cmpint(count_ops(INDEX_op_and), ==, 0);
    tcg_func_start(tcg_ctx);

    /* but not when the bits may be set */
    t = tcg_temp_new_i64();
    tcg_gen_qemu_ld_i64(t, g64[0], 0, MO_SL);
    tcg_gen_ext32u_i64(g64[1], t);
    tcg_gen_sari_i64(g64[2], g64[3], 60);
    tcg_gen_ext8u_i64(g64[2], g64[2]);
    tcg_gen_exit_tb(NULL, 0);
    tcg_optimize(tcg_ctx);
    g_assert_cmpint(count_ops(INDEX_op_ext32u), ==, 1);
    g_assert_cmpint(count_ops(INDEX_op_ext8u), ==, 1);
    tcg_func_start(tcg_ctx);
}

/* a computation repeated in the same extended basic block is a copy */
static void test_common_subexpressions(void)
{
    TCGv_i64 a = tcg_temp_new_i64(), b = tcg_temp_new_i64();
    TCGv_i64 c = tcg_temp_new_i64(), d = tcg_temp_new_i64();
    TCGv_i64 e = tcg_temp_new_i64();
    tcg_gen_ext32u_i64(a, g64[0]);
    tcg_gen_ext32u_i64(b, g64[0]);          /* = a */
    tcg_gen_add_i64(g64[1], a, b);
    tcg_gen_call0(test_common_subexpressions, 0, NULL);
    tcg_gen_ext32u_i64(c, g64[0]);          /* g0 may have changed */
    tcg_gen_ext32u_i64(g64[0], g64[0]);
    tcg_gen_ext32u_i64(d, g64[0]);          /* = g0 (now extended) */
    tcg_gen_xor_i64(e, c, d);
    tcg_gen_mov_i64(g64[2], e);
    tcg_gen_exit_tb(NULL, 0);
    tcg_optimize(tcg_ctx);
    /* b is a copy of a; after the call c is computed again, g0's own
     * extension is then a copy of c, and d (of a value known to fit) a
     * plain move */
    g_assert_cmpint(count_ops(INDEX_op_ext32u), ==, 2);
    TCGOp *second = find_op(INDEX_op_ext32u, 1);
    g_assert(second->args[0].t == tcgv_i64_temp(c));
    TCGOp *add = find_op(INDEX_op_add, 0);
    g_assert(add->args[1].t == add->args[2].t);
    tcg_func_start(tcg_ctx);
}

static void test_branch_folding(void)
{
    TCGLabel *l1 = gen_new_label(), *l2 = gen_new_label();
    TCGv_i64 t = tcg_temp_new_i64();
    tcg_gen_movi_i64(t, 3);
    /* never taken: gone, and its label with it */
    tcg_gen_brcondi_i64(TCG_COND_GT, t, 10, l1);
    tcg_gen_movi_i64(g64[0], 1);
    tcg_gen_set_label(l1);
    /* always taken: a jump; what follows up to l2 is unreachable */
    tcg_gen_brcondi_i64(TCG_COND_LTU, t, 10, l2);
    tcg_gen_movi_i64(g64[1], 1);
    tcg_gen_movi_i64(g64[2], 1);
    tcg_gen_set_label(l2);
    tcg_gen_movi_i64(g64[3], 1);
    tcg_gen_exit_tb(NULL, 0);
    tcg_gen_movi_i64(g64[4], 1);        /* after the exit: unreachable */
    tcg_optimize(tcg_ctx);
    g_autofree char *d = dump();
    g_assert_cmpint(count_ops(INDEX_op_brcond), ==, 0);
    /* the jump to l2 went to the very next op: dropped with l2 */
    g_assert_cmpint(count_ops(INDEX_op_br), ==, 0);
    g_assert_cmpint(count_ops(INDEX_op_set_label), ==, 0);
    g_assert_null(strstr(d, "g64_1"));
    g_assert_null(strstr(d, "g64_2"));
    g_assert_null(strstr(d, "g64_4"));
    g_assert_nonnull(strstr(d, "g64_0"));
    g_assert_nonnull(strstr(d, "g64_3"));
    tcg_func_start(tcg_ctx);
}

static void test_liveness(void)
{
    TCGv_i64 t = tcg_temp_new_i64();
    tcg_gen_addi_i64(g64[0], g64[1], 1);    /* overwritten below: dead */
    tcg_gen_addi_i64(t, g64[1], 2);         /* unused: dead */
    tcg_gen_addi_i64(g64[0], g64[1], 3);
    tcg_gen_addi_i64(g64[2], g64[0], 4);    /* g0 still live in a register */
    tcg_gen_exit_tb(NULL, 0);
    tcg_optimize(tcg_ctx);
    tcg_liveness(tcg_ctx);
    g_assert_cmpint(count_ops(INDEX_op_add), ==, 2);
    TCGOp *a = find_op(INDEX_op_add, 0), *b = find_op(INDEX_op_add, 1);
    g_assert_cmpint(a->args[2].t->val, ==, 3);
    /* g0: synced (needed at the end), not dead (read next); g1 dies */
    g_assert_true(a->life & SYNC_ARG(0));
    g_assert_false(a->life & DEAD_ARG(0));
    g_assert_true(a->life & DEAD_ARG(1));
    /* g2: synced and dead; g0 dies at its last read */
    g_assert_true(b->life & SYNC_ARG(0));
    g_assert_true(b->life & DEAD_ARG(0));
    g_assert_true(b->life & DEAD_ARG(1));
    tcg_func_start(tcg_ctx);

    /* a guest load may fault: the global written before it is synced
     * there even though it is written again after */
    tcg_gen_movi_i64(g64[0], 1);
    tcg_gen_addi_i64(g64[5], g64[6], 1);
    tcg_gen_qemu_ld_i64(g64[1], g64[2], 0, MO_UQ);
    tcg_gen_addi_i64(g64[5], g64[6], 2);
    tcg_gen_exit_tb(NULL, 0);
    tcg_liveness(tcg_ctx);
    TCGOp *first = find_op(INDEX_op_add, 0);
    g_assert_nonnull(first);
    g_assert_true(first->life & SYNC_ARG(0));
    tcg_func_start(tcg_ctx);
}

/* ---- random programs ---- */

enum { NV64 = 6, NV32 = 6 };

static uint64_t pure_helper(uint64_t a, uint64_t b)
{
    return a * 31 + (b ^ 0x5555);
}

enum { NEBB = 4 };

typedef struct Prog {
    TCGv_i64 v64[NV64 + 3];
    TCGv_i32 v32[NV32 + 3];
    /* EBB temps: readable only once written since the last label */
    TCGv_i64 e64[NEBB];
    TCGv_i32 e32[NEBB];
    bool e64_def[NEBB], e32_def[NEBB];
    /* written by the op being built: readable from the next op on */
    int pend64, pend32;
} Prog;

/* a helper that reads and writes globals through env */
static void helper_globals(void *env)
{
    uint64_t *g = env;
    g[1] += g[0] * 3;
}

static uint64_t pure6(uint64_t a, uint64_t b, uint64_t c, uint64_t d,
                      uint64_t e, uint64_t f)
{
    return a + 3 * b + 5 * c + 7 * d + 11 * e + 13 * f;
}

static const MemOp rmemops[] = {
    MO_UB, MO_SB, MO_UW, MO_SW, MO_UL, MO_SL, MO_UQ, MO_UL | MO_ALIGN,
};

/* one that only reads them */
static uint64_t helper_read_g2(void *env)
{
    return ((uint64_t *)env)[2] + 1;
}

static uint64_t rnd64(void)
{
    uint64_t v = ((uint64_t)g_rand_int(rng) << 32) | g_rand_int(rng);
    switch (g_rand_int_range(rng, 0, 5)) {
    case 0: return v & 0x3f;
    case 1: return (int64_t)(int32_t)v;
    case 2: return v & 0xffffffff;
    default: return v;
    }
}

static const TCGOpcode rbin[] = {
    INDEX_op_add, INDEX_op_sub, INDEX_op_mul, INDEX_op_and, INDEX_op_or,
    INDEX_op_xor, INDEX_op_andc, INDEX_op_shl, INDEX_op_shr, INDEX_op_sar,
    INDEX_op_rotl, INDEX_op_rotr, INDEX_op_clz, INDEX_op_ctz,
};
static const TCGOpcode run[] = {
    INDEX_op_neg, INDEX_op_not, INDEX_op_ext8s, INDEX_op_ext8u,
    INDEX_op_ext16s, INDEX_op_ext16u, INDEX_op_bswap16, INDEX_op_bswap32,
    INDEX_op_ctpop, INDEX_op_mov,
};

/* variables: globals, TB temps and (between labels) EBB temps */
static TCGTemp *pick_var(Prog *p, bool w, bool allow_const)
{
    if (allow_const && g_rand_int_range(rng, 0, 4) == 0) {
        return w ? tcgv_i64_temp(tcg_constant_i64(rnd64()))
                 : tcgv_i32_temp(tcg_constant_i32(rnd64()));
    }
    /* allow_const means the temp is read */
    bool read = allow_const;
    int e = g_rand_int_range(rng, 0, NEBB * 2);
    if (e < NEBB) {
        bool *def = w ? p->e64_def : p->e32_def;
        if (!read || def[e]) {
            if (!read) {
                *(w ? &p->pend64 : &p->pend32) = e;
            }
            return w ? tcgv_i64_temp(p->e64[e]) : tcgv_i32_temp(p->e32[e]);
        }
    }
    int i = g_rand_int_range(rng, 0, (w ? NV64 : NV32) + 3);
    return w ? tcgv_i64_temp(p->v64[i]) : tcgv_i32_temp(p->v32[i]);
}

static TCGOp *emit_n(TCGOpcode opc, TCGType type, int n)
{
    return tcg_emit_op(opc, type, n);
}

/* Builds a random program from the generator's current state. */
static void build_prog(uint32_t seed, int len)
{
    Prog p;
    g_rand_set_seed(rng, seed);
    for (int i = 0; i < NV64; i++) {
        p.v64[i] = g64[i];
    }
    for (int i = 0; i < NV32; i++) {
        p.v32[i] = g32[i];
    }
    for (int i = 0; i < 3; i++) {
        p.v64[NV64 + i] = tcg_temp_local_new_i64();
        p.v32[NV32 + i] = tcg_temp_local_new_i32();
        tcg_gen_movi_i64(p.v64[NV64 + i], rnd64());
        tcg_gen_movi_i32(p.v32[NV32 + i], rnd64());
    }
    for (int i = 0; i < NEBB; i++) {
        p.e64[i] = tcg_temp_new_i64();
        p.e32[i] = tcg_temp_new_i32();
        p.e64_def[i] = p.e32_def[i] = false;
    }
    p.pend64 = p.pend32 = -1;
    TCGLabel *pending[4];
    int nb_pending = 0;
    /* at most one loop open at a time: a TB temp counter (not one of
     * the random variables), the label it goes back to, and the forward
     * labels that must close inside it */
    TCGv_i32 loop_count = tcg_temp_local_new_i32();
    TCGLabel *loop_top = NULL;
    int loop_pending = 0;

    for (int k = 0; k < len; k++) {
        if (p.pend64 >= 0) {
            p.e64_def[p.pend64] = true;
        }
        if (p.pend32 >= 0) {
            p.e32_def[p.pend32] = true;
        }
        p.pend64 = p.pend32 = -1;
        bool w = g_rand_boolean(rng);
        TCGType type = w ? TCG_TYPE_I64 : TCG_TYPE_I32;
        int kind = g_rand_int_range(rng, 0, 18);
        TCGOp *op;
        if (loop_top && g_rand_int_range(rng, 0, 8) == 0) {
            while (nb_pending > loop_pending) {
                tcg_gen_set_label(pending[--nb_pending]);
                memset(p.e64_def, 0, sizeof(p.e64_def));
                memset(p.e32_def, 0, sizeof(p.e32_def));
            }
            tcg_gen_subi_i32(loop_count, loop_count, 1);
            tcg_gen_brcondi_i32(TCG_COND_NE, loop_count, 0, loop_top);
            loop_top = NULL;
            continue;
        }
        if (!loop_top && g_rand_int_range(rng, 0, 12) == 0) {
            tcg_gen_movi_i32(loop_count, g_rand_int_range(rng, 1, 4));
            loop_top = gen_new_label();
            loop_pending = nb_pending;
            tcg_gen_set_label(loop_top);
            memset(p.e64_def, 0, sizeof(p.e64_def));
            memset(p.e32_def, 0, sizeof(p.e32_def));
            p.pend64 = p.pend32 = -1;
            continue;
        }
        if (nb_pending > (loop_top ? loop_pending : 0) &&
            g_rand_int_range(rng, 0, 6) == 0) {
            tcg_gen_set_label(pending[--nb_pending]);
            memset(p.e64_def, 0, sizeof(p.e64_def));
            memset(p.e32_def, 0, sizeof(p.e32_def));
            p.pend64 = p.pend32 = -1;
            continue;
        }
        switch (kind) {
        case 0: case 1: case 2: case 3:
            op = emit_n(rbin[g_rand_int_range(rng, 0, G_N_ELEMENTS(rbin))],
                        type, 3);
            op->args[0].t = pick_var(&p, w, false);
            op->args[1].t = pick_var(&p, w, true);
            op->args[2].t = pick_var(&p, w, true);
            break;
        case 4: case 5:
            op = emit_n(run[g_rand_int_range(rng, 0, G_N_ELEMENTS(run))],
                        type, 2);
            op->args[0].t = pick_var(&p, w, false);
            op->args[1].t = pick_var(&p, w, true);
            break;
        case 6: {
            TCGCond c = g_rand_int_range(rng, TCG_COND_EQ, TCG_COND_TSTNE + 1);
            bool neg = w && g_rand_boolean(rng);
            op = emit_n(neg ? INDEX_op_negsetcond : INDEX_op_setcond, type, 4);
            op->args[0].t = pick_var(&p, w, false);
            op->args[1].t = pick_var(&p, w, true);
            op->args[2].t = pick_var(&p, w, true);
            op->args[3].c = c;
            break;
        }
        case 7:
            op = emit_n(INDEX_op_movcond, type, 6);
            op->args[0].t = pick_var(&p, w, false);
            for (int i = 1; i < 5; i++) {
                op->args[i].t = pick_var(&p, w, true);
            }
            op->args[5].c = g_rand_int_range(rng, TCG_COND_EQ,
                                             TCG_COND_TSTNE + 1);
            break;
        case 8: {
            unsigned bits = w ? 64 : 32;
            unsigned ofs = g_rand_int_range(rng, 0, bits);
            unsigned len = g_rand_int_range(rng, 1, bits - ofs + 1);
            if (len == bits) {
                len--;
            }
            if (ofs + len > bits || len == 0) {
                ofs = 0;
                len = 1;
            }
            int which = g_rand_int_range(rng, 0, 3);
            if (which == 0) {
                op = emit_n(INDEX_op_deposit, type, 5);
                op->args[0].t = pick_var(&p, w, false);
                op->args[1].t = pick_var(&p, w, true);
                op->args[2].t = pick_var(&p, w, true);
                op->args[3].c = ofs;
                op->args[4].c = len;
            } else {
                op = emit_n(which == 1 ? INDEX_op_extract : INDEX_op_sextract,
                            type, 4);
                op->args[0].t = pick_var(&p, w, false);
                op->args[1].t = pick_var(&p, w, true);
                op->args[2].c = ofs;
                op->args[3].c = len;
            }
            break;
        }
        case 9: {
            /* width changes */
            int which = g_rand_int_range(rng, 0, 4);
            static const TCGOpcode wc[] = {
                INDEX_op_ext_i32_i64, INDEX_op_extu_i32_i64,
                INDEX_op_extrl_i64_i32, INDEX_op_extrh_i64_i32,
            };
            bool to64 = which < 2;
            op = emit_n(wc[which], to64 ? TCG_TYPE_I64 : TCG_TYPE_I32, 2);
            op->args[0].t = pick_var(&p, to64, false);
            op->args[1].t = pick_var(&p, !to64, true);
            break;
        }
        case 10:
            if (nb_pending < 4) {
                TCGLabel *l = gen_new_label();
                pending[nb_pending++] = l;
                op = emit_n(INDEX_op_brcond, type, 4);
                op->args[0].t = pick_var(&p, w, true);
                op->args[1].t = pick_var(&p, w, true);
                op->args[2].c = g_rand_int_range(rng, TCG_COND_EQ,
                                                 TCG_COND_TSTNE + 1);
                op->args[3].l = l;
                l->refs++;
            }
            break;
        case 12:
            tcg_gen_call(helper_globals, 0, NULL, tcg_ctx->env);
            break;
        case 14: case 15: {
            /* guest memory at RAM_BASE + (v & 0x2fff): hits, page
             * crossings, the slow store page, a bit past the end */
            TCGv_i64 addr = tcg_temp_new_i64();
            TCGTemp *v = pick_var(&p, true, true);
            MemOp mop = rmemops[g_rand_int_range(rng, 0,
                                                 G_N_ELEMENTS(rmemops))];
            tcg_gen_andi_i64(addr, temp_tcgv_i64(v), 0x2fff);
            tcg_gen_addi_i64(addr, addr, RAM_BASE);
            if (kind == 14) {
                TCGTemp *r = pick_var(&p, w, false);
                if (w) {
                    tcg_gen_qemu_ld_i64(temp_tcgv_i64(r), addr, MMU_IDX, mop);
                } else {
                    tcg_gen_qemu_ld_i32(temp_tcgv_i32(r), addr, MMU_IDX, mop);
                }
            } else {
                TCGTemp *val = pick_var(&p, w, true);
                mop &= ~MO_SIGN;
                if (w) {
                    tcg_gen_qemu_st_i64(temp_tcgv_i64(val), addr, MMU_IDX,
                                        mop);
                } else {
                    tcg_gen_qemu_st_i32(temp_tcgv_i32(val), addr, MMU_IDX,
                                        mop);
                }
            }
            tcg_temp_free_i64(addr);
            break;
        }
        case 16: {
            TCGTemp *in[6];
            for (int i = 0; i < 6; i++) {
                in[i] = pick_var(&p, g_rand_boolean(rng), true);
            }
            tcg_gen_callN(pure6, "pure6", TCG_CALL_NO_RWG_SE,
                          pick_var(&p, true, false), 6, in);
            break;
        }
        case 13: {
            TCGTemp *env = tcg_ctx->env;
            tcg_gen_callN(helper_read_g2, "read_g2", TCG_CALL_NO_WG,
                          pick_var(&p, true, false), 1, &env);
            break;
        }
        default: {
            TCGTemp *in[2] = { pick_var(&p, true, true),
                               pick_var(&p, true, true) };
            tcg_gen_callN(pure_helper, "pure", TCG_CALL_NO_RWG_SE,
                          pick_var(&p, true, false), 2, in);
            break;
        }
        }
    }
    if (loop_top) {
        while (nb_pending > loop_pending) {
            tcg_gen_set_label(pending[--nb_pending]);
        }
        tcg_gen_subi_i32(loop_count, loop_count, 1);
        tcg_gen_brcondi_i32(TCG_COND_NE, loop_count, 0, loop_top);
    }
    while (nb_pending) {
        tcg_gen_set_label(pending[--nb_pending]);
    }
    /* TB temps out into spare globals so they are checked too */
    for (int i = 0; i < 3; i++) {
        tcg_gen_mov_i64(g64[NV64 + i], p.v64[NV64 + i]);
        tcg_gen_mov_i32(g32[NV32 + i], p.v32[NV32 + i]);
    }
    tcg_gen_exit_tb(NULL, 0);
}

static uint64_t norm(TCGType type, uint64_t v)
{
    return type == TCG_TYPE_I32 ? (uint32_t)v : v;
}

/* Interprets the op list on the fake CPU's globals. */
static void interpret(void)
{
    TCGContext *s = tcg_ctx;
    uint64_t *val = g_new0(uint64_t, s->nb_temps);
    for (int i = 0; i < NB_GLOBALS; i++) {
        val[tcgv_i64_temp(g64[i])->index] = fake_cpu.g64[i];
        val[tcgv_i32_temp(g32[i])->index] = fake_cpu.g32[i];
    }
#define V(t) ((t)->kind == TEMP_CONST ? norm((t)->type, (t)->val) \
                                      : val[(t)->index])
    for (TCGOp *op = s->first_op; op; op = op->next) {
        const TCGOpDef *d = &tcg_op_defs[op->opc];
        uint64_t r;
        switch (op->opc) {
        case INDEX_op_set_label:
        case INDEX_op_insn_start:
            continue;
        case INDEX_op_exit_tb:
            goto done;
        case INDEX_op_brcond:
            if (tcg_eval_cond(op->type, op->args[2].c, V(op->args[0].t),
                              V(op->args[1].t))) {
                TCGLabel *l = op->args[3].l;
                /* forward or (a loop) backward */
                for (op = s->first_op; !(op->opc == INDEX_op_set_label &&
                                         op->args[0].l == l); op = op->next) {
                }
            }
            continue;
        case INDEX_op_call:
            if (op->call.fn == (void *)helper_globals) {
                val[tcgv_i64_temp(g64[1])->index] +=
                    val[tcgv_i64_temp(g64[0])->index] * 3;
            } else if (op->call.fn == (void *)pure6) {
                val[op->call.out->index] =
                    pure6(V(op->call.in[0]), V(op->call.in[1]),
                          V(op->call.in[2]), V(op->call.in[3]),
                          V(op->call.in[4]), V(op->call.in[5]));
            } else if (op->call.fn == (void *)helper_read_g2) {
                val[op->call.out->index] =
                    val[tcgv_i64_temp(g64[2])->index] + 1;
            } else {
                r = pure_helper(V(op->call.in[0]), V(op->call.in[1]));
                val[op->call.out->index] = r;
            }
            continue;
        case INDEX_op_qemu_ld: {
            MemOp mop = get_memop(op->args[2].c);
            r = model_load(V(op->args[1].t), mop);
            val[op->args[0].t->index] = norm(op->type, r);
            continue;
        }
        case INDEX_op_qemu_st: {
            MemOp mop = get_memop(op->args[2].c);
            model_store(V(op->args[1].t), V(op->args[0].t), memop_size(mop));
            continue;
        }
        case INDEX_op_movcond:
            r = tcg_eval_cond(op->type, op->args[5].c, V(op->args[1].t),
                              V(op->args[2].t)) ? V(op->args[3].t)
                                                : V(op->args[4].t);
            val[op->args[0].t->index] = r;
            continue;
        default: {
            int64_t c[2] = { 0, 0 };
            for (int i = 0; i < d->nb_cargs; i++) {
                c[i] = op->args[d->nb_oargs + d->nb_iargs + i].c;
            }
            uint64_t a = V(op->args[1].t);
            uint64_t b = d->nb_iargs > 1 ? V(op->args[2].t) : 0;
            g_assert_true(tcg_eval_op(op->opc, op->type, a, b, c, &r));
            val[op->args[0].t->index] = norm(op->type, r);
        }
        }
    }
done:
    for (int i = 0; i < NB_GLOBALS; i++) {
        fake_cpu.g64[i] = val[tcgv_i64_temp(g64[i])->index];
        fake_cpu.g32[i] = val[tcgv_i32_temp(g32[i])->index];
    }
#undef V
    g_free(val);
}

static void test_random_programs(void)
{
    FakeCPU init;
    uint64_t expect64[NB_GLOBALS], got64[2][NB_GLOBALS];
    uint32_t expect32[NB_GLOBALS], got32[2][NB_GLOBALS];
    int nb_before = 0, nb_after = 0;
    TCGHostFeatures saved = tcg_host;

    static uint8_t ram0[sizeof(guest_ram)], ram_expect[sizeof(guest_ram)];
    tlb_setup(rng);
    memcpy(ram0, guest_ram, sizeof(ram0));
    for (int n = 0; n < 1500; n++) {
        uint32_t seed = 1000 + n;
        int len = g_rand_int_range(rng, 5, 80);
        /* half of them without BMI/LZCNT */
        if (n & 1) {
            tcg_host.bmi1 = tcg_host.bmi2 = tcg_host.lzcnt = false;
        } else {
            tcg_host = saved;
        }
        GRand *init_rng = g_rand_new_with_seed(seed * 7);
        for (int i = 0; i < NB_GLOBALS; i++) {
            init.g64[i] = ((uint64_t)g_rand_int(init_rng) << 32) |
                          g_rand_int(init_rng);
            init.g32[i] = g_rand_int(init_rng);
        }
        g_rand_free(init_rng);

        build_prog(seed, len);
        nb_before += tcg_ctx->nb_ops;
        memcpy(fake_cpu.g64, init.g64, sizeof(init.g64));
        memcpy(fake_cpu.g32, init.g32, sizeof(init.g32));
        memcpy(guest_ram, ram0, sizeof(ram0));
        interpret();
        memcpy(ram_expect, guest_ram, sizeof(ram0));
        memcpy(expect64, fake_cpu.g64, sizeof(expect64));
        memcpy(expect32, fake_cpu.g32, sizeof(expect32));
        tcg_func_start(tcg_ctx);

        for (int opt = 0; opt < 2; opt++) {
            build_prog(seed, len);
            const void *code = gen_block(opt, NULL);
            if (opt) {
                nb_after += tcg_ctx->nb_ops;
            }
            tcg_func_start(tcg_ctx);
            memcpy(fake_cpu.g64, init.g64, sizeof(init.g64));
            memcpy(fake_cpu.g32, init.g32, sizeof(init.g32));
            memcpy(guest_ram, ram0, sizeof(ram0));
            run_block(code);
            if (memcmp(guest_ram, ram_expect, sizeof(ram0))) {
                build_prog(seed, len);
                g_autofree char *d = dump();
                g_error("seed %u (%s): guest RAM differs\n%s", seed,
                        opt ? "optimized" : "unoptimized", d);
            }
            memcpy(got64[opt], fake_cpu.g64, sizeof(expect64));
            memcpy(got32[opt], fake_cpu.g32, sizeof(expect32));
        }
        for (int opt = 0; opt < 2; opt++) {
            for (int i = 0; i < NB_GLOBALS; i++) {
                if (got64[opt][i] != expect64[i] ||
                    got32[opt][i] != expect32[i]) {
                    build_prog(seed, len);
                    g_autofree char *d = dump();
                    g_error("seed %u (%s): g64_%d %#" PRIx64 "/%#" PRIx64
                            " g32_%d %#x/%#x\n%s", seed,
                            opt ? "optimized" : "unoptimized", i,
                            got64[opt][i], expect64[i], i, got32[opt][i],
                            expect32[i], d);
                }
            }
        }
    }
    tcg_host = saved;
    /* the optimizer and liveness left fewer ops than were built */
    g_assert_cmpint(nb_after, <, nb_before);
    g_test_message("ops: %d built, %d after optimization and liveness",
                   nb_before, nb_after);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    rng = g_rand_new_with_seed(4242);
    harness_init();
    g_test_add_func("/tcg/opt/fold-constants", test_fold_constants);
    g_test_add_func("/tcg/opt/copy-propagation", test_copy_propagation);
    g_test_add_func("/tcg/opt/identities", test_identities);
    g_test_add_func("/tcg/opt/known-zero-bits", test_known_zero_bits);
    g_test_add_func("/tcg/opt/common-subexpressions",
                    test_common_subexpressions);
    g_test_add_func("/tcg/opt/branch-folding", test_branch_folding);
    g_test_add_func("/tcg/opt/liveness", test_liveness);
    g_test_add_func("/tcg/opt/random-programs", test_random_programs);
    return g_test_run();
}
