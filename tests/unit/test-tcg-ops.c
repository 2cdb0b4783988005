/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The code generator end to end: every op in both widths against C
 * reference semantics on edge and random values, with operands in
 * registers, in memory and as immediates, and with the host's optional
 * instructions (BMI1/BMI2/LZCNT) used and not used.
 */
#include "test-tcg-harness.h"

static const uint64_t edge[] = {
    0, 1, 2, 3, 7, 8, 31, 32, 33, 63, 64, 65, 0x7f, 0x80, 0xff, 0x100,
    0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000u, 0xffffffffu,
    0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
    0xffffffffffffffffull, 0xfffffffffffffffeull, 0x123456789abcdef0ull,
    0x00000000fffffff0ull, 0xffffffff00000000ull, 0x8000000080000000ull,
};
#define NB_EDGE (int)(sizeof(edge) / sizeof(edge[0]))

static GRand *rng;

static uint64_t rnd_val(void)
{
    uint64_t v = ((uint64_t)g_rand_int(rng) << 32) | g_rand_int(rng);
    switch (g_rand_int_range(rng, 0, 4)) {
    case 0: return v & 0xff;
    case 1: return v & 0xffffffff;
    case 2: return edge[g_rand_int_range(rng, 0, NB_EDGE)];
    default: return v;
    }
}

/* ---- reference semantics, written per width ---- */

static uint32_t ref32(TCGOpcode opc, uint32_t a, uint32_t b)
{
    unsigned n = b & 31;
    switch (opc) {
    case INDEX_op_add: return a + b;
    case INDEX_op_sub: return a - b;
    case INDEX_op_mul: return a * b;
    case INDEX_op_and: return a & b;
    case INDEX_op_or: return a | b;
    case INDEX_op_xor: return a ^ b;
    case INDEX_op_andc: return a & ~b;
    case INDEX_op_shl: return a << n;
    case INDEX_op_shr: return a >> n;
    case INDEX_op_sar: return (uint32_t)((int32_t)a >> n);
    case INDEX_op_rotl: return n ? (a << n) | (a >> (32 - n)) : a;
    case INDEX_op_rotr: return n ? (a >> n) | (a << (32 - n)) : a;
    case INDEX_op_clz: return a ? (uint32_t)__builtin_clz(a) : b;
    case INDEX_op_ctz: return a ? (uint32_t)__builtin_ctz(a) : b;
    case INDEX_op_neg: return -a;
    case INDEX_op_not: return ~a;
    case INDEX_op_ctpop: return __builtin_popcount(a);
    case INDEX_op_bswap16: return ((a & 0xff) << 8) | ((a >> 8) & 0xff);
    case INDEX_op_bswap32: return __builtin_bswap32(a);
    case INDEX_op_ext8s: return (uint32_t)(int32_t)(int8_t)a;
    case INDEX_op_ext8u: return a & 0xff;
    case INDEX_op_ext16s: return (uint32_t)(int32_t)(int16_t)a;
    case INDEX_op_ext16u: return a & 0xffff;
    default: g_assert_not_reached();
    }
}

static uint64_t ref64(TCGOpcode opc, uint64_t a, uint64_t b)
{
    unsigned n = b & 63;
    switch (opc) {
    case INDEX_op_add: return a + b;
    case INDEX_op_sub: return a - b;
    case INDEX_op_mul: return a * b;
    case INDEX_op_and: return a & b;
    case INDEX_op_or: return a | b;
    case INDEX_op_xor: return a ^ b;
    case INDEX_op_andc: return a & ~b;
    case INDEX_op_shl: return a << n;
    case INDEX_op_shr: return a >> n;
    case INDEX_op_sar: return (uint64_t)((int64_t)a >> n);
    case INDEX_op_rotl: return n ? (a << n) | (a >> (64 - n)) : a;
    case INDEX_op_rotr: return n ? (a >> n) | (a << (64 - n)) : a;
    case INDEX_op_clz: return a ? (uint64_t)__builtin_clzll(a) : b;
    case INDEX_op_ctz: return a ? (uint64_t)__builtin_ctzll(a) : b;
    case INDEX_op_neg: return -a;
    case INDEX_op_not: return ~a;
    case INDEX_op_ctpop: return __builtin_popcountll(a);
    case INDEX_op_bswap16: return ((a & 0xff) << 8) | ((a >> 8) & 0xff);
    case INDEX_op_bswap32: return __builtin_bswap32((uint32_t)a);
    case INDEX_op_bswap64: return __builtin_bswap64(a);
    case INDEX_op_ext8s: return (uint64_t)(int64_t)(int8_t)a;
    case INDEX_op_ext8u: return a & 0xff;
    case INDEX_op_ext16s: return (uint64_t)(int64_t)(int16_t)a;
    case INDEX_op_ext16u: return a & 0xffff;
    case INDEX_op_ext32s: return (uint64_t)(int64_t)(int32_t)a;
    case INDEX_op_ext32u: return a & 0xffffffffu;
    default: g_assert_not_reached();
    }
}

static bool ref_cond(bool w, TCGCond c, uint64_t a, uint64_t b)
{
    if (!w) {
        uint32_t x = a, y = b;
        switch (c) {
        case TCG_COND_EQ: return x == y;
        case TCG_COND_NE: return x != y;
        case TCG_COND_LT: return (int32_t)x < (int32_t)y;
        case TCG_COND_GE: return (int32_t)x >= (int32_t)y;
        case TCG_COND_LE: return (int32_t)x <= (int32_t)y;
        case TCG_COND_GT: return (int32_t)x > (int32_t)y;
        case TCG_COND_LTU: return x < y;
        case TCG_COND_GEU: return x >= y;
        case TCG_COND_LEU: return x <= y;
        case TCG_COND_GTU: return x > y;
        case TCG_COND_TSTEQ: return !(x & y);
        case TCG_COND_TSTNE: return (x & y) != 0;
        default: return c == TCG_COND_ALWAYS;
        }
    }
    switch (c) {
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
    case TCG_COND_TSTEQ: return !(a & b);
    case TCG_COND_TSTNE: return (a & b) != 0;
    default: return c == TCG_COND_ALWAYS;
    }
}

/* ---- building one op ---- */

typedef void (*Bin32)(TCGv_i32, TCGv_i32, TCGv_i32);
typedef void (*Bin64)(TCGv_i64, TCGv_i64, TCGv_i64);
typedef void (*Un32)(TCGv_i32, TCGv_i32);
typedef void (*Un64)(TCGv_i64, TCGv_i64);

static const struct {
    TCGOpcode opc;
    Bin32 f32;
    Bin64 f64;
} binops[] = {
    { INDEX_op_add, tcg_gen_add_i32, tcg_gen_add_i64 },
    { INDEX_op_sub, tcg_gen_sub_i32, tcg_gen_sub_i64 },
    { INDEX_op_mul, tcg_gen_mul_i32, tcg_gen_mul_i64 },
    { INDEX_op_and, tcg_gen_and_i32, tcg_gen_and_i64 },
    { INDEX_op_or, tcg_gen_or_i32, tcg_gen_or_i64 },
    { INDEX_op_xor, tcg_gen_xor_i32, tcg_gen_xor_i64 },
    { INDEX_op_andc, tcg_gen_andc_i32, tcg_gen_andc_i64 },
    { INDEX_op_shl, tcg_gen_shl_i32, tcg_gen_shl_i64 },
    { INDEX_op_shr, tcg_gen_shr_i32, tcg_gen_shr_i64 },
    { INDEX_op_sar, tcg_gen_sar_i32, tcg_gen_sar_i64 },
    { INDEX_op_rotl, tcg_gen_rotl_i32, tcg_gen_rotl_i64 },
    { INDEX_op_rotr, tcg_gen_rotr_i32, tcg_gen_rotr_i64 },
    { INDEX_op_clz, tcg_gen_clz_i32, tcg_gen_clz_i64 },
    { INDEX_op_ctz, tcg_gen_ctz_i32, tcg_gen_ctz_i64 },
};

static const struct {
    TCGOpcode opc;
    Un32 f32;
    Un64 f64;
} unops[] = {
    { INDEX_op_neg, tcg_gen_neg_i32, tcg_gen_neg_i64 },
    { INDEX_op_not, tcg_gen_not_i32, tcg_gen_not_i64 },
    { INDEX_op_ctpop, tcg_gen_ctpop_i32, tcg_gen_ctpop_i64 },
    { INDEX_op_bswap16, tcg_gen_bswap16_i32, tcg_gen_bswap16_i64 },
    { INDEX_op_bswap32, tcg_gen_bswap32_i32, tcg_gen_bswap32_i64 },
    { INDEX_op_bswap64, NULL, tcg_gen_bswap64_i64 },
    { INDEX_op_ext8s, tcg_gen_ext8s_i32, tcg_gen_ext8s_i64 },
    { INDEX_op_ext8u, tcg_gen_ext8u_i32, tcg_gen_ext8u_i64 },
    { INDEX_op_ext16s, tcg_gen_ext16s_i32, tcg_gen_ext16s_i64 },
    { INDEX_op_ext16u, tcg_gen_ext16u_i32, tcg_gen_ext16u_i64 },
    { INDEX_op_ext32s, NULL, tcg_gen_ext32s_i64 },
    { INDEX_op_ext32u, NULL, tcg_gen_ext32u_i64 },
};

/*
 * Operand shapes: 0 both from globals (registers), 1 second operand an
 * immediate, 2 first operand an immediate, 3 the output is the first
 * input, 4 both inputs the same temp, 5 through EBB temps that die.
 */
enum { NB_SHAPES = 6 };

static void check_binop(int k, bool w, int shape, uint64_t a, uint64_t b)
{
    TCGOpcode opc = binops[k].opc;
    uint64_t expect;
    if (shape == 4) {
        b = a;
    }
    if (w) {
        expect = ref64(opc, a, b);
    } else {
        expect = ref32(opc, a, b);
    }
    memset(fake_cpu.g64, 0x5a, sizeof(fake_cpu.g64));
    memset(fake_cpu.g32, 0x5a, sizeof(fake_cpu.g32));
    fake_cpu.g64[0] = a;
    fake_cpu.g64[1] = b;
    fake_cpu.g32[0] = a;
    fake_cpu.g32[1] = b;
    if (w) {
        TCGv_i64 x = g64[0], y = g64[1], r = g64[2];
        switch (shape) {
        case 1: y = tcg_constant_i64(b); break;
        case 2: x = tcg_constant_i64(a); break;
        case 3: r = g64[0]; break;
        case 4: y = x; break;
        case 5:
            x = tcg_temp_new_i64();
            y = tcg_temp_new_i64();
            tcg_gen_mov_i64(x, g64[0]);
            tcg_gen_mov_i64(y, g64[1]);
            break;
        }
        binops[k].f64(r, x, y);
    } else {
        TCGv_i32 x = g32[0], y = g32[1], r = g32[2];
        switch (shape) {
        case 1: y = tcg_constant_i32(b); break;
        case 2: x = tcg_constant_i32(a); break;
        case 3: r = g32[0]; break;
        case 4: y = x; break;
        case 5:
            x = tcg_temp_new_i32();
            y = tcg_temp_new_i32();
            tcg_gen_mov_i32(x, g32[0]);
            tcg_gen_mov_i32(y, g32[1]);
            break;
        }
        binops[k].f32(r, x, y);
    }
    tcg_gen_exit_tb(NULL, 0);
    g_assert_cmpuint(gen_and_run(), ==, 0);
    uint64_t got = w ? fake_cpu.g64[shape == 3 ? 0 : 2]
                     : fake_cpu.g32[shape == 3 ? 0 : 2];
    if (got != expect) {
        g_error("%s_i%d shape %d (%#" PRIx64 ", %#" PRIx64 ") = %#" PRIx64
                ", expected %#" PRIx64, tcg_op_defs[opc].name, w ? 64 : 32,
                shape, a, b, got, expect);
    }
    /* inputs intact */
    if (shape != 3) {
        g_assert_cmpuint(w ? fake_cpu.g64[0] : fake_cpu.g32[0], ==,
                         w ? a : (uint32_t)a);
    }
}

static void run_binops(void)
{
    for (int k = 0; k < (int)G_N_ELEMENTS(binops); k++) {
        for (int w = 0; w < 2; w++) {
            for (int shape = 0; shape < NB_SHAPES; shape++) {
                for (int i = 0; i < NB_EDGE; i += 3) {
                    for (int j = 0; j < NB_EDGE; j += 2) {
                        check_binop(k, w, shape, edge[i], edge[j]);
                    }
                }
                for (int n = 0; n < 40; n++) {
                    check_binop(k, w, shape, rnd_val(), rnd_val());
                }
            }
        }
    }
}

static void check_unop(int k, bool w, uint64_t a, bool in_place)
{
    TCGOpcode opc = unops[k].opc;
    uint64_t expect = w ? ref64(opc, a, 0) : ref32(opc, a, 0);
    fake_cpu.g64[0] = a;
    fake_cpu.g32[0] = a;
    fake_cpu.g64[2] = fake_cpu.g32[2] = 0xdead;
    if (w) {
        unops[k].f64(in_place ? g64[0] : g64[2], g64[0]);
    } else {
        unops[k].f32(in_place ? g32[0] : g32[2], g32[0]);
    }
    tcg_gen_exit_tb(NULL, 0);
    gen_and_run();
    uint64_t got = w ? fake_cpu.g64[in_place ? 0 : 2]
                     : fake_cpu.g32[in_place ? 0 : 2];
    if (got != expect) {
        g_error("%s_i%d(%#" PRIx64 ") = %#" PRIx64 ", expected %#" PRIx64,
                tcg_op_defs[opc].name, w ? 64 : 32, a, got, expect);
    }
}

static void run_unops(void)
{
    for (int k = 0; k < (int)G_N_ELEMENTS(unops); k++) {
        for (int w = 0; w < 2; w++) {
            if (!w && !unops[k].f32) {
                continue;
            }
            for (int i = 0; i < NB_EDGE; i++) {
                check_unop(k, w, edge[i], i & 1);
            }
            for (int n = 0; n < 40; n++) {
                check_unop(k, w, rnd_val(), n & 1);
            }
        }
    }
}

static const TCGCond conds[] = {
    TCG_COND_EQ, TCG_COND_NE, TCG_COND_LT, TCG_COND_GE, TCG_COND_LE,
    TCG_COND_GT, TCG_COND_LTU, TCG_COND_GEU, TCG_COND_LEU, TCG_COND_GTU,
    TCG_COND_TSTEQ, TCG_COND_TSTNE, TCG_COND_ALWAYS, TCG_COND_NEVER,
};

/* setcond, negsetcond, movcond and brcond for one (cond, a, b) */
static void check_conds(TCGCond c, bool w, uint64_t a, uint64_t b, bool bimm)
{
    bool t = ref_cond(w, c, a, b);
    fake_cpu.g64[0] = a;
    fake_cpu.g64[1] = b;
    fake_cpu.g32[0] = a;
    fake_cpu.g32[1] = b;
    fake_cpu.g64[5] = 0x1111;
    fake_cpu.g64[6] = 0x2222;
    fake_cpu.g32[5] = 0x1111;
    fake_cpu.g32[6] = 0x2222;
    TCGLabel *l = gen_new_label();
    if (w) {
        TCGv_i64 y = bimm ? tcg_constant_i64(b) : g64[1];
        tcg_gen_setcond_i64(c, g64[2], g64[0], y);
        tcg_gen_negsetcond_i64(c, g64[3], g64[0], y);
        tcg_gen_movcond_i64(c, g64[4], g64[0], y, g64[5], g64[6]);
        tcg_gen_movi_i64(g64[7], 1);
        tcg_gen_brcond_i64(c, g64[0], y, l);
        tcg_gen_movi_i64(g64[7], 0);
    } else {
        TCGv_i32 y = bimm ? tcg_constant_i32(b) : g32[1];
        tcg_gen_setcond_i32(c, g32[2], g32[0], y);
        tcg_gen_movcond_i32(c, g32[4], g32[0], y, g32[5], g32[6]);
        tcg_gen_movi_i32(g32[7], 1);
        tcg_gen_brcond_i32(c, g32[0], y, l);
        tcg_gen_movi_i32(g32[7], 0);
    }
    tcg_gen_set_label(l);
    tcg_gen_exit_tb(NULL, 0);
    gen_and_run();
    if (w) {
        g_assert_cmpuint(fake_cpu.g64[2], ==, t);
        g_assert_cmpuint(fake_cpu.g64[3], ==, t ? ~0ull : 0);
        g_assert_cmpuint(fake_cpu.g64[4], ==, t ? 0x1111 : 0x2222);
        g_assert_cmpuint(fake_cpu.g64[7], ==, t);
    } else {
        g_assert_cmpuint(fake_cpu.g32[2], ==, t);
        g_assert_cmpuint(fake_cpu.g32[4], ==, t ? 0x1111 : 0x2222);
        g_assert_cmpuint(fake_cpu.g32[7], ==, t);
    }
}

static void run_conds(void)
{
    for (int k = 0; k < (int)G_N_ELEMENTS(conds); k++) {
        for (int w = 0; w < 2; w++) {
            for (int i = 0; i < NB_EDGE; i += 2) {
                for (int j = 0; j < NB_EDGE; j += 3) {
                    check_conds(conds[k], w, edge[i], edge[j], (i + j) & 1);
                }
            }
            for (int n = 0; n < 30; n++) {
                uint64_t a = rnd_val();
                check_conds(conds[k], w, a, n & 2 ? a : rnd_val(), n & 1);
            }
        }
    }
}

static void check_fields(bool w, uint64_t a, uint64_t b, unsigned ofs,
                         unsigned len)
{
    unsigned bits = w ? 64 : 32;
    uint64_t mask = w ? ~0ull : 0xffffffffull;
    uint64_t lm = len == 64 ? ~0ull : (1ull << len) - 1;
    uint64_t dep = ((a & ~(lm << ofs)) | ((b & lm) << ofs)) & mask;
    uint64_t ext = ((a & mask) >> ofs) & lm;
    uint64_t sext = ext;
    if (len < 64 && (ext >> (len - 1)) & 1) {
        sext |= ~lm;
    }
    sext &= mask;
    g_assert(ofs + len <= bits);

    fake_cpu.g64[0] = a;
    fake_cpu.g64[1] = b;
    fake_cpu.g32[0] = a;
    fake_cpu.g32[1] = b;
    if (w) {
        tcg_gen_deposit_i64(g64[2], g64[0], g64[1], ofs, len);
        tcg_gen_extract_i64(g64[3], g64[0], ofs, len);
        tcg_gen_sextract_i64(g64[4], g64[0], ofs, len);
    } else {
        tcg_gen_deposit_i32(g32[2], g32[0], g32[1], ofs, len);
        tcg_gen_extract_i32(g32[3], g32[0], ofs, len);
        tcg_gen_sextract_i32(g32[4], g32[0], ofs, len);
    }
    tcg_gen_exit_tb(NULL, 0);
    gen_and_run();
    uint64_t r[3];
    for (int i = 0; i < 3; i++) {
        r[i] = w ? fake_cpu.g64[2 + i] : fake_cpu.g32[2 + i];
    }
    if (r[0] != dep || r[1] != ext || r[2] != sext) {
        g_error("fields i%u a=%#" PRIx64 " b=%#" PRIx64 " ofs %u len %u: "
                "deposit %#" PRIx64 "/%#" PRIx64 " extract %#" PRIx64 "/%#"
                PRIx64 " sextract %#" PRIx64 "/%#" PRIx64, bits, a, b, ofs,
                len, r[0], dep, r[1], ext, r[2], sext);
    }
}

static void run_fields(void)
{
    for (int w = 0; w < 2; w++) {
        unsigned bits = w ? 64 : 32;
        for (unsigned ofs = 0; ofs < bits; ofs += 1 + (ofs > 8) * 3) {
            for (unsigned len = 1; ofs + len <= bits; len += 1 + (len > 8)) {
                check_fields(w, rnd_val(), rnd_val(), ofs, len);
            }
        }
    }
}

/*
 * Partial-register deposits with 0-11 other values live, so that the
 * operands land in every kind of host register (the byte forms differ
 * for rax-rbx, rsi/rdi and r8-r15).
 */
static void run_deposit_pressure(void)
{
    static const unsigned shapes[][2] = { { 0, 8 }, { 8, 8 }, { 0, 16 } };
    for (int fill = 0; fill < 12; fill++) {
        for (int k = 0; k < 3; k++) {
            for (int dead = 0; dead < 2; dead++) {
                unsigned ofs = shapes[k][0], len = shapes[k][1];
                uint64_t a = rnd_val(), b = rnd_val(), expect_sum = 0;
                TCGv_i64 f[12];
                fake_cpu.g64[0] = a;
                fake_cpu.g64[1] = b;
                fake_cpu.g64[3] = 1000;
                for (int i = 0; i < fill; i++) {
                    f[i] = tcg_temp_new_i64();
                    tcg_gen_addi_i64(f[i], g64[3], i);
                    expect_sum += 1000 + i;
                }
                TCGv_i64 x = tcg_temp_new_i64(), y = tcg_temp_new_i64();
                tcg_gen_mov_i64(x, g64[0]);
                tcg_gen_xori_i64(y, g64[1], 0);
                tcg_gen_addi_i64(y, y, 0x55);
                tcg_gen_deposit_i64(g64[2], x, y, ofs, len);
                if (!dead) {
                    tcg_gen_mov_i64(g64[4], x);
                    tcg_gen_mov_i64(g64[5], y);
                }
                TCGv_i64 sum = tcg_temp_new_i64();
                tcg_gen_movi_i64(sum, 0);
                for (int i = 0; i < fill; i++) {
                    tcg_gen_add_i64(sum, sum, f[i]);
                }
                tcg_gen_mov_i64(g64[6], sum);
                tcg_gen_exit_tb(NULL, 0);
                gen_and_run();
                uint64_t m = ((1ull << len) - 1) << ofs;
                uint64_t yb = b + 0x55;
                g_assert_cmpuint(fake_cpu.g64[2], ==,
                                 (a & ~m) | ((yb << ofs) & m));
                g_assert_cmpuint(fake_cpu.g64[6], ==, expect_sum);
                if (!dead) {
                    g_assert_cmpuint(fake_cpu.g64[4], ==, a);
                    g_assert_cmpuint(fake_cpu.g64[5], ==, yb);
                }
            }
        }
    }
}

static void check_mul2(bool w, uint64_t a, uint64_t b)
{
    fake_cpu.g64[0] = a;
    fake_cpu.g64[1] = b;
    fake_cpu.g32[0] = a;
    fake_cpu.g32[1] = b;
    if (w) {
        tcg_gen_mulu2_i64(g64[2], g64[3], g64[0], g64[1]);
        tcg_gen_muls2_i64(g64[4], g64[5], g64[0], g64[1]);
    } else {
        tcg_gen_mulu2_i32(g32[2], g32[3], g32[0], g32[1]);
        tcg_gen_muls2_i32(g32[4], g32[5], g32[0], g32[1]);
    }
    tcg_gen_exit_tb(NULL, 0);
    gen_and_run();
    if (w) {
        unsigned __int128 u = (unsigned __int128)a * b;
        __int128 sv = (__int128)(int64_t)a * (int64_t)b;
        g_assert_cmpuint(fake_cpu.g64[2], ==, (uint64_t)u);
        g_assert_cmpuint(fake_cpu.g64[3], ==, (uint64_t)(u >> 64));
        g_assert_cmpuint(fake_cpu.g64[4], ==, (uint64_t)sv);
        g_assert_cmpuint(fake_cpu.g64[5], ==, (uint64_t)(sv >> 64));
    } else {
        uint64_t u = (uint64_t)(uint32_t)a * (uint32_t)b;
        int64_t sv = (int64_t)(int32_t)a * (int32_t)b;
        g_assert_cmpuint(fake_cpu.g32[2], ==, (uint32_t)u);
        g_assert_cmpuint(fake_cpu.g32[3], ==, (uint32_t)(u >> 32));
        g_assert_cmpuint(fake_cpu.g32[4], ==, (uint32_t)sv);
        g_assert_cmpuint(fake_cpu.g32[5], ==, (uint32_t)((uint64_t)sv >> 32));
    }
}

static void run_mul2(void)
{
    for (int w = 0; w < 2; w++) {
        for (int i = 0; i < NB_EDGE; i += 2) {
            for (int j = 0; j < NB_EDGE; j += 3) {
                check_mul2(w, edge[i], edge[j]);
            }
        }
    }
}

/* width changes and host memory loads/stores */
static void run_widths_and_host_mem(void)
{
    for (int n = 0; n < 60; n++) {
        uint64_t a = n < NB_EDGE ? edge[n] : rnd_val();
        fake_cpu.g64[0] = a;
        fake_cpu.g32[0] = a;
        memset(fake_cpu.scratch, 0, sizeof(fake_cpu.scratch));
        fake_cpu.scratch[0] = a;
        TCGv_ptr env = tcg_env();
        tcg_gen_ext_i32_i64(g64[1], g32[0]);
        tcg_gen_extu_i32_i64(g64[2], g32[0]);
        tcg_gen_extrl_i64_i32(g32[1], g64[0]);
        tcg_gen_extrh_i64_i32(g32[2], g64[0]);
        tcg_gen_ld8s_i64(g64[3], env, ENV_OFF(scratch[0]));
        tcg_gen_ld16s_i64(g64[4], env, ENV_OFF(scratch[0]));
        tcg_gen_ld32s_i64(g64[5], env, ENV_OFF(scratch[0]));
        tcg_gen_ld32u_i64(g64[6], env, ENV_OFF(scratch[0]));
        tcg_gen_ld8u_i32(g32[3], env, ENV_OFF(scratch[0]) + 1);
        tcg_gen_ld16s_i32(g32[4], env, ENV_OFF(scratch[0]));
        tcg_gen_ld8s_i32(g32[5], env, ENV_OFF(scratch[0]));
        tcg_gen_ld16u_i64(g64[7], env, ENV_OFF(scratch[0]) + 2);
        tcg_gen_st8_i64(g64[0], env, ENV_OFF(scratch[1]));
        tcg_gen_st16_i64(g64[0], env, ENV_OFF(scratch[2]));
        tcg_gen_st32_i64(g64[0], env, ENV_OFF(scratch[3]));
        tcg_gen_st_i64(g64[0], env, ENV_OFF(scratch[4]));
        tcg_gen_st8_i32(g32[0], env, ENV_OFF(scratch[5]));
        tcg_gen_st16_i32(g32[0], env, ENV_OFF(scratch[6]));
        tcg_gen_st_i32(g32[0], env, ENV_OFF(scratch[7]));
        tcg_gen_st_i64(tcg_constant_i64(-5), env, ENV_OFF(scratch[8]));
        tcg_gen_st8_i32(tcg_constant_i32(0x1ab), env, ENV_OFF(scratch[9]));
        tcg_gen_st16_i32(tcg_constant_i32(0x1abcd), env, ENV_OFF(scratch[10]));
        TCGv_i64 t = tcg_temp_new_i64();
        tcg_gen_ext_i64(t, g64[0], MO_SW);
        tcg_gen_st_i64(t, env, ENV_OFF(scratch[11]));
        tcg_gen_exit_tb(NULL, 0);
        gen_and_run();
        g_assert_cmpuint(fake_cpu.g64[1], ==, (uint64_t)(int64_t)(int32_t)a);
        g_assert_cmpuint(fake_cpu.g64[2], ==, (uint32_t)a);
        g_assert_cmpuint(fake_cpu.g32[1], ==, (uint32_t)a);
        g_assert_cmpuint(fake_cpu.g32[2], ==, (uint32_t)(a >> 32));
        g_assert_cmpuint(fake_cpu.g64[3], ==, (uint64_t)(int64_t)(int8_t)a);
        g_assert_cmpuint(fake_cpu.g64[4], ==, (uint64_t)(int64_t)(int16_t)a);
        g_assert_cmpuint(fake_cpu.g64[5], ==, (uint64_t)(int64_t)(int32_t)a);
        g_assert_cmpuint(fake_cpu.g64[6], ==, (uint32_t)a);
        g_assert_cmpuint(fake_cpu.g32[3], ==, (uint8_t)(a >> 8));
        g_assert_cmpuint(fake_cpu.g32[4], ==, (uint32_t)(int32_t)(int16_t)a);
        g_assert_cmpuint(fake_cpu.g32[5], ==, (uint32_t)(int32_t)(int8_t)a);
        g_assert_cmpuint(fake_cpu.g64[7], ==, (uint16_t)(a >> 16));
        g_assert_cmpuint(fake_cpu.scratch[1], ==, (uint8_t)a);
        g_assert_cmpuint(fake_cpu.scratch[2], ==, (uint16_t)a);
        g_assert_cmpuint(fake_cpu.scratch[3], ==, (uint32_t)a);
        g_assert_cmpuint(fake_cpu.scratch[4], ==, a);
        g_assert_cmpuint(fake_cpu.scratch[5], ==, (uint8_t)a);
        g_assert_cmpuint(fake_cpu.scratch[6], ==, (uint16_t)a);
        g_assert_cmpuint(fake_cpu.scratch[7], ==, (uint32_t)a);
        g_assert_cmpuint(fake_cpu.scratch[8], ==, (uint64_t)-5);
        g_assert_cmpuint(fake_cpu.scratch[9], ==, 0xab);
        g_assert_cmpuint(fake_cpu.scratch[10], ==, 0xabcd);
        g_assert_cmpuint(fake_cpu.scratch[11], ==, (uint64_t)(int64_t)(int16_t)a);
    }
}

/* Runs fn with the host's optional instructions, then without them. */
static void with_host_variants(void (*fn)(void))
{
    TCGHostFeatures saved = tcg_host;
    fn();
    tcg_host.bmi1 = tcg_host.bmi2 = tcg_host.lzcnt = false;
    fn();
    tcg_host = saved;
}

static void test_binops(void) { with_host_variants(run_binops); }
static void test_unops(void) { with_host_variants(run_unops); }
static void test_conds(void) { with_host_variants(run_conds); }
static void test_fields(void) { with_host_variants(run_fields); }
static void test_mul2(void) { with_host_variants(run_mul2); }
static void test_deposit_pressure(void)
{
    for (int n = 0; n < 4; n++) {
        run_deposit_pressure();
    }
}
static void test_widths(void) { with_host_variants(run_widths_and_host_mem); }

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    rng = g_rand_new_with_seed(12345);
    harness_init();
    g_test_add_func("/tcg/ops/binary", test_binops);
    g_test_add_func("/tcg/ops/unary", test_unops);
    g_test_add_func("/tcg/ops/conditions", test_conds);
    g_test_add_func("/tcg/ops/bit-fields", test_fields);
    g_test_add_func("/tcg/ops/double-multiply", test_mul2);
    g_test_add_func("/tcg/ops/deposit-pressure", test_deposit_pressure);
    g_test_add_func("/tcg/ops/widths-and-host-memory", test_widths);
    return g_test_run();
}
