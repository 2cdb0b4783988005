/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The code generator around single ops: labels and branches (TB temps
 * across them), register pressure, helper calls with 0-6 arguments and
 * the globals they see and change, guest memory through a fake softmmu
 * TLB (fast path hits, slow paths and what they are given), chaining of
 * blocks (goto_tb patching, goto_ptr), and the insn_start -> host offset
 * table.
 */
#include "test-tcg-harness.h"

static GRand *rng;

/* ---- branches ---- */

static void test_loop_tb_temps(void)
{
    for (uint64_t n = 1; n < 200; n += 37) {
        TCGv_i64 i = tcg_temp_local_new_i64();
        TCGv_i64 sum = tcg_temp_local_new_i64();
        TCGv_i32 cnt = tcg_temp_local_new_i32();
        TCGLabel *top = gen_new_label(), *skip = gen_new_label();
        fake_cpu.g64[0] = n;
        tcg_gen_mov_i64(i, g64[0]);
        tcg_gen_movi_i64(sum, 0);
        tcg_gen_movi_i32(cnt, 0);
        tcg_gen_set_label(top);
        tcg_gen_add_i64(sum, sum, i);
        tcg_gen_addi_i32(cnt, cnt, 1);
        /* odd i: also count in a global, across a forward branch */
        tcg_gen_brcondi_i64(TCG_COND_TSTEQ, i, 1, skip);
        tcg_gen_addi_i64(g64[2], g64[2], 1);
        tcg_gen_set_label(skip);
        tcg_gen_subi_i64(i, i, 1);
        tcg_gen_brcondi_i64(TCG_COND_NE, i, 0, top);
        tcg_gen_mov_i64(g64[1], sum);
        tcg_gen_mov_i32(g32[1], cnt);
        tcg_gen_exit_tb(NULL, 0);
        fake_cpu.g64[2] = 0;
        gen_and_run();
        g_assert_cmpuint(fake_cpu.g64[1], ==, n * (n + 1) / 2);
        g_assert_cmpuint(fake_cpu.g32[1], ==, n);
        g_assert_cmpuint(fake_cpu.g64[2], ==, (n + 1) / 2);
    }
}

/* An EBB temp stays valid on the fall-through side of a branch. */
static void test_ebb_across_brcond(void)
{
    for (int taken = 0; taken < 2; taken++) {
        TCGv_i64 t = tcg_temp_new_i64();
        TCGLabel *l = gen_new_label();
        fake_cpu.g64[0] = taken;
        fake_cpu.g64[1] = 5;
        tcg_gen_addi_i64(t, g64[1], 10);
        tcg_gen_brcondi_i64(TCG_COND_NE, g64[0], 0, l);
        tcg_gen_add_i64(g64[2], t, t);
        tcg_gen_exit_tb(NULL, 1);
        tcg_gen_set_label(l);
        tcg_gen_movi_i64(g64[2], 99);
        tcg_gen_exit_tb(NULL, 2);
        uintptr_t r = gen_and_run();
        g_assert_cmpuint(r, ==, taken ? 2 : 1);
        g_assert_cmpuint(fake_cpu.g64[2], ==, taken ? 99 : 30);
    }
}

/* ---- register pressure ---- */

static uint64_t noop_helper_calls;
static uint64_t helper_noop(void)
{
    noop_helper_calls++;
    return 0;
}

static void test_pressure(void)
{
    enum { N = 40 };
    for (int variant = 0; variant < 3; variant++) {
        TCGv_i64 t[N];
        uint64_t v[N];
        uint64_t x = 0x9e3779b97f4a7c15ull + variant;
        fake_cpu.g64[0] = x;
        for (int i = 0; i < N; i++) {
            t[i] = variant == 2 ? tcg_temp_local_new_i64()
                                : tcg_temp_new_i64();
            tcg_gen_muli_i64(t[i], g64[0], i + 1);
            tcg_gen_xori_i64(t[i], t[i], i * 0x1111);
            v[i] = (x * (i + 1)) ^ (i * 0x1111);
        }
        if (variant == 1) {
            /* all of them live across a call */
            tcg_gen_call0(helper_noop, 0, NULL);
        }
        if (variant == 2) {
            /* TB temps across a label */
            TCGLabel *l = gen_new_label();
            tcg_gen_br(l);
            tcg_gen_set_label(l);
        }
        TCGv_i64 acc = tcg_temp_new_i64();
        tcg_gen_movi_i64(acc, 0);
        uint64_t expect = 0;
        for (int i = 0; i < N; i++) {
            tcg_gen_rotli_i64(acc, acc, 3);
            tcg_gen_add_i64(acc, acc, t[i]);
            expect = ((expect << 3) | (expect >> 61)) + v[i];
        }
        /* and once more in reverse, so every value was live at once */
        for (int i = N - 1; i >= 0; i--) {
            tcg_gen_xor_i64(acc, acc, t[i]);
            expect ^= v[i];
        }
        tcg_gen_mov_i64(g64[1], acc);
        tcg_gen_exit_tb(NULL, 0);
        gen_and_run();
        g_assert_cmpuint(fake_cpu.g64[1], ==, expect);
    }
}

/* ---- helper calls ---- */

static uint64_t last_args[6];
static int last_nargs;

static uint64_t h0(void)
{
    last_nargs = 0;
    return 0x100;
}

#define RECORD(n, ...)                                              \
    do {                                                            \
        uint64_t a_[] = { __VA_ARGS__ };                            \
        memcpy(last_args, a_, sizeof(a_));                          \
        last_nargs = n;                                             \
    } while (0)

static uint64_t h1(uint64_t a) { RECORD(1, a); return a + 1; }
static uint64_t h2(uint64_t a, uint64_t b) { RECORD(2, a, b); return a - b; }
static uint64_t h3(uint64_t a, uint64_t b, uint64_t c)
{
    RECORD(3, a, b, c);
    return a * 3 + b * 5 + c * 7;
}
static uint64_t h4(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    RECORD(4, a, b, c, d);
    return a ^ (b << 1) ^ (c << 2) ^ (d << 3);
}
static uint64_t h5(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
    RECORD(5, a, b, c, d, e);
    return a + b + c + d + e;
}
static uint64_t h6(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
                   uint64_t f)
{
    RECORD(6, a, b, c, d, e, f);
    return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f;
}
static uint32_t h_ret32(uint64_t a)
{
    /* a value whose upper half the ABI leaves to chance */
    return (uint32_t)a;
}

static void test_call_args(void)
{
    for (int n = 0; n <= 6; n++) {
        for (int shape = 0; shape < 4; shape++) {
            TCGTemp *args[6];
            uint64_t vals[6];
            for (int i = 0; i < n; i++) {
                vals[i] = ((uint64_t)g_rand_int(rng) << 32) | g_rand_int(rng);
                if (shape == 0) {
                    /* from globals */
                    fake_cpu.g64[i] = vals[i];
                    args[i] = tcgv_i64_temp(g64[i]);
                } else if (shape == 1) {
                    args[i] = tcgv_i64_temp(tcg_constant_i64(vals[i]));
                } else if (shape == 2) {
                    /* I32 temps arrive zero-extended */
                    vals[i] = (uint32_t)vals[i] | 0x80000000u;
                    TCGv_i32 t = tcg_temp_new_i32();
                    tcg_gen_movi_i32(t, vals[i]);
                    args[i] = tcgv_i32_temp(t);
                } else {
                    /* the same temp in reverse argument order positions */
                    TCGv_i64 t = tcg_temp_new_i64();
                    tcg_gen_movi_i64(t, vals[i]);
                    args[(n - 1) - i] = tcgv_i64_temp(t);
                }
            }
            if (shape == 3) {
                for (int i = 0; i < n / 2; i++) {
                    uint64_t tmp = vals[i];
                    vals[i] = vals[n - 1 - i];
                    vals[n - 1 - i] = tmp;
                }
            }
            static void *const fns[] = { h0, h1, h2, h3, h4, h5, h6 };
            tcg_gen_callN(fns[n], "h", TCG_CALL_NO_RWG, tcgv_i64_temp(g64[8]),
                          n, args);
            tcg_gen_exit_tb(NULL, 0);
            last_nargs = -1;
            gen_and_run();
            g_assert_cmpint(last_nargs, ==, n);
            for (int i = 0; i < n; i++) {
                g_assert_cmpuint(last_args[i], ==, vals[i]);
            }
            uint64_t *v = vals;
            uint64_t expect;
            switch (n) {
            case 0: expect = 0x100; break;
            case 1: expect = v[0] + 1; break;
            case 2: expect = v[0] - v[1]; break;
            case 3: expect = v[0] * 3 + v[1] * 5 + v[2] * 7; break;
            case 4: expect = v[0] ^ (v[1] << 1) ^ (v[2] << 2) ^ (v[3] << 3);
                break;
            case 5: expect = v[0] + v[1] + v[2] + v[3] + v[4]; break;
            default:
                expect = v[0] + 2 * v[1] + 3 * v[2] + 4 * v[3] + 5 * v[4] +
                         6 * v[5];
                break;
            }
            g_assert_cmpuint(fake_cpu.g64[8], ==, expect);
        }
    }

    /* a 32-bit result is zero-extended into its I32 temp */
    TCGv_i32 r = tcg_temp_new_i32();
    TCGv_i64 r64 = tcg_temp_new_i64();
    tcg_gen_call(h_ret32, TCG_CALL_NO_RWG_SE, tcgv_i32_temp(r),
                 tcgv_i64_temp(tcg_constant_i64(0x1234567887654321ull)));
    tcg_gen_extu_i32_i64(r64, r);
    tcg_gen_mov_i64(g64[9], r64);
    tcg_gen_exit_tb(NULL, 0);
    gen_and_run();
    g_assert_cmpuint(fake_cpu.g64[9], ==, 0x87654321u);
}

static uint64_t seen_g3;
static uint64_t helper_reads_g3(void *env)
{
    seen_g3 = ((uint64_t *)env)[3];
    return 0;
}

static void helper_writes_g4(void *env)
{
    ((uint64_t *)env)[4] = 77;
}

static void test_call_globals(void)
{
    for (int flags = 0; flags < 2; flags++) {
        fake_cpu.g64[0] = 10;
        fake_cpu.g64[4] = 1;
        /* g3 changed in a register must be in memory for the helper */
        tcg_gen_addi_i64(g64[3], g64[0], 5);
        tcg_gen_call(helper_reads_g3, flags ? TCG_CALL_NO_WG : 0, NULL,
                     tcg_ctx->env);
        /* g4 is read before the helper changes it, and after */
        tcg_gen_mov_i64(g64[5], g64[4]);
        tcg_gen_call(helper_writes_g4, 0, NULL, tcg_ctx->env);
        tcg_gen_addi_i64(g64[6], g64[4], 1);
        tcg_gen_exit_tb(NULL, 0);
        seen_g3 = 0;
        gen_and_run();
        g_assert_cmpuint(seen_g3, ==, 15);
        g_assert_cmpuint(fake_cpu.g64[3], ==, 15);
        g_assert_cmpuint(fake_cpu.g64[5], ==, 1);
        g_assert_cmpuint(fake_cpu.g64[6], ==, 78);
    }

    /* a NO_RWG helper may see stale globals, but cached values survive */
    noop_helper_calls = 0;
    fake_cpu.g64[0] = 3;
    tcg_gen_addi_i64(g64[1], g64[0], 1);
    tcg_gen_call0(helper_noop, TCG_CALL_NO_RWG, NULL);
    tcg_gen_addi_i64(g64[2], g64[1], 1);
    tcg_gen_exit_tb(NULL, 0);
    gen_and_run();
    g_assert_cmpuint(noop_helper_calls, ==, 1);
    g_assert_cmpuint(fake_cpu.g64[2], ==, 5);

    /* a side-effect-free helper whose result is unused is not called */
    tcg_gen_call(h1, TCG_CALL_NO_RWG_SE, tcgv_i64_temp(tcg_temp_new_i64()),
                 tcgv_i64_temp(g64[0]));
    tcg_gen_exit_tb(NULL, 0);
    last_nargs = -1;
    gen_and_run();
    g_assert_cmpint(last_nargs, ==, -1);
}

/* ---- guest memory through the softmmu ---- */

static const MemOp memops[] = {
    MO_UB, MO_SB, MO_UW, MO_SW, MO_UL, MO_SL, MO_UQ,
    MO_UW | MO_ALIGN, MO_UL | MO_ALIGN, MO_UQ | MO_ALIGN,
};

/* Is the access served by the fast path? */
static bool expect_fast(uint64_t addr, MemOp mop, bool store)
{
    unsigned size = memop_size(mop);
    if (!in_ram(addr) || (addr >> 12) != ((addr + size - 1) >> 12)) {
        return false;
    }
    if ((mop & MO_ALIGN) && (addr & (size - 1))) {
        return false;
    }
    if (store && addr >= RAM_BASE + (RAM_PAGES - 1) * 4096ull) {
        return false;
    }
    return true;
}

static uint64_t pick_addr(void)
{
    switch (g_rand_int_range(rng, 0, 4)) {
    case 0:     /* near a page end */
        return RAM_BASE + 4096 * g_rand_int_range(rng, 1, RAM_PAGES + 1) -
               g_rand_int_range(rng, 1, 10);
    case 1:     /* outside */
        return RAM_BASE + 0x10000 + g_rand_int_range(rng, 0, 0x3000);
    default:
        return RAM_BASE + g_rand_int_range(rng, 0, sizeof(guest_ram) - 8);
    }
}

static void check_qemu_ld(MemOp mop, bool w, uint64_t addr)
{
    enum { NLIVE = 10 };
    TCGv_i64 live[NLIVE];
    uint64_t expect_sum = 0;

    fake_cpu.g64[0] = addr;
    fake_cpu.g64[1] = 0x0123456789abcdefull;
    /* values live in registers across the access */
    for (int i = 0; i < NLIVE; i++) {
        live[i] = tcg_temp_new_i64();
        tcg_gen_addi_i64(live[i], g64[1], i);
        expect_sum += 0x0123456789abcdefull + i;
    }
    tcg_gen_insn_start(0x1000, 0);
    tcg_gen_movi_i64(g64[3], 1);
    tcg_gen_insn_start(0x1004, 0);
    if (w) {
        tcg_gen_qemu_ld_i64(g64[2], g64[0], MMU_IDX, mop);
    } else {
        tcg_gen_qemu_ld_i32(g32[2], g64[0], MMU_IDX, mop);
    }
    tcg_gen_insn_start(0x1008, 0);
    TCGv_i64 sum = tcg_temp_new_i64();
    tcg_gen_movi_i64(sum, 0);
    for (int i = 0; i < NLIVE; i++) {
        tcg_gen_add_i64(sum, sum, live[i]);
    }
    tcg_gen_mov_i64(g64[4], sum);
    tcg_gen_exit_tb(NULL, 0);

    int size;
    const uint8_t *code = gen_block(true, &size);
    TCGContext *s = tcg_ctx;
    g_assert_cmpint(s->gen_insn_count, ==, 3);
    uint32_t end[3];
    memcpy(end, s->gen_insn_end_off, sizeof(end));
    tcg_func_start(s);

    nb_slow = 0;
    run_block(code);

    uint64_t expect = model_load(addr, mop);
    if (!w) {
        expect = (uint32_t)expect;
    }
    uint64_t got = w ? fake_cpu.g64[2] : fake_cpu.g32[2];
    if (got != expect) {
        g_error("qemu_ld_i%d memop %#x at %#" PRIx64 ": %#" PRIx64
                ", expected %#" PRIx64, w ? 64 : 32, mop, addr, got, expect);
    }
    g_assert_cmpuint(fake_cpu.g64[4], ==, expect_sum);
    if (!w && (mop & MO_SIZE) == MO_64) {
        mop = (mop & ~MO_SIZE) | MO_32;     /* what an I32 load does */
    }
    bool fast = expect_fast(addr, mop, false);
    if (nb_slow != !fast) {
        g_error("qemu_ld_i%d memop %#x at %#" PRIx64 ": %d slow calls",
                w ? 64 : 32, mop, addr, nb_slow);
    }
    if (!fast) {
        SlowCall *c = &slow_log[0];
        g_assert_false(c->store);
        g_assert_cmpuint(c->addr, ==, addr);
        g_assert_cmpuint(get_mmuidx(c->oi), ==, MMU_IDX);
        g_assert_cmpuint(get_memop(c->oi) & MO_SIZE, ==, mop & MO_SIZE);
        /* the return address maps back to the second insn */
        uintptr_t off = c->ra - (uintptr_t)code;
        g_assert_cmpuint(off, >, end[0]);
        g_assert_cmpuint(off, <=, end[1]);
    }
}

static void check_qemu_st(MemOp mop, bool w, uint64_t addr, uint64_t val,
                          bool as_const)
{
    uint8_t before[sizeof(guest_ram)];
    memcpy(before, guest_ram, sizeof(guest_ram));
    fake_cpu.g64[0] = addr;
    fake_cpu.g64[1] = val;
    fake_cpu.g32[1] = val;
    tcg_gen_insn_start(0x2000, 7);
    if (w) {
        tcg_gen_qemu_st_i64(as_const ? tcg_constant_i64(val) : g64[1],
                            g64[0], MMU_IDX, mop);
    } else {
        tcg_gen_qemu_st_i32(as_const ? tcg_constant_i32(val) : g32[1],
                            g64[0], MMU_IDX, mop);
    }
    tcg_gen_addi_i64(g64[5], g64[1], 1);
    tcg_gen_exit_tb(NULL, 0);
    nb_slow = 0;
    gen_and_run();

    unsigned size = memop_size(mop);
    if (!w && size > 4) {
        size = 4;
    }
    for (unsigned i = 0; i < size; i++) {
        if (in_ram(addr + i)) {
            g_assert_cmpuint(guest_ram[addr + i - RAM_BASE], ==,
                             (uint8_t)(val >> (8 * i)));
            before[addr + i - RAM_BASE] = val >> (8 * i);
        }
    }
    g_assert(memcmp(before, guest_ram, sizeof(guest_ram)) == 0);
    g_assert_cmpuint(fake_cpu.g64[5], ==, val + 1);
    if (!w && (mop & MO_SIZE) == MO_64) {
        mop = (mop & ~MO_SIZE) | MO_32;     /* what an I32 store does */
    }
    bool fast = expect_fast(addr, mop, true);
    if (nb_slow != !fast) {
        g_error("qemu_st_i%d memop %#x at %#" PRIx64 ": %d slow calls",
                w ? 64 : 32, mop, addr, nb_slow);
    }
    if (!fast) {
        g_assert_true(slow_log[0].store);
        g_assert_cmpuint(slow_log[0].addr, ==, addr);
        uint64_t m = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
        g_assert_cmpuint(slow_log[0].val & m, ==, val & m);
    }
}

static void test_softmmu(void)
{
    tlb_setup(rng);
    for (int n = 0; n < 600; n++) {
        MemOp mop = memops[g_rand_int_range(rng, 0, G_N_ELEMENTS(memops))];
        bool w = g_rand_boolean(rng);
        uint64_t addr = pick_addr();
        if (g_rand_boolean(rng)) {
            check_qemu_ld(mop, w, addr);
        } else {
            uint64_t val = ((uint64_t)g_rand_int(rng) << 32) |
                           g_rand_int(rng);
            if (g_rand_boolean(rng)) {
                /* constants that fit a sign-extended imm32 and not */
                val = g_rand_boolean(rng) ? (uint64_t)(int32_t)val : val;
                check_qemu_st(mop & ~MO_SIGN, w, addr, val, true);
            } else {
                check_qemu_st(mop & ~MO_SIGN, w, addr, val, false);
            }
        }
    }
    /* every fast and slow case at least once */
    check_qemu_ld(MO_UQ, true, RAM_BASE + 8);
    check_qemu_ld(MO_UQ, true, RAM_BASE + 4092);
    check_qemu_ld(MO_UL | MO_ALIGN, true, RAM_BASE + 2);
    check_qemu_ld(MO_SB, false, RAM_BASE + 0x4000 + 5);
    check_qemu_st(MO_UQ, true, RAM_BASE + 16, 0x1122334455667788ull, false);
    check_qemu_st(MO_UW, false, RAM_BASE + 4095, 0xbeef, false);
    check_qemu_st(MO_UB, true, RAM_BASE + 2 * 4096 + 3, 0x42, false);
    check_qemu_st(MO_UQ, true, RAM_BASE + 24, -2, true);
    check_qemu_st(MO_UQ, true, RAM_BASE + 4094, -2, true);
    check_qemu_st(MO_UW, false, RAM_BASE + 40, 0x1234, true);
    check_qemu_st(MO_UL, false, RAM_BASE + 4093, 0x89abcdef, true);
}

/* ---- leaving and chaining blocks ---- */

static int fake_tb_a, fake_tb_b;
static const void *lookup_result;
static int lookups;

static const void *fake_lookup(void *env)
{
    g_assert(env == fake_env());
    lookups++;
    return lookup_result;
}

static void test_goto_tb(void)
{
    TCGContext *s = tcg_ctx;

    /* block B: sets g1, returns its own marker */
    tcg_gen_insn_start(0xb000, 0);
    tcg_gen_addi_i64(g64[1], g64[1], 100);
    tcg_gen_exit_tb(&fake_tb_b, 0);
    const uint8_t *b = gen_block(true, NULL);
    tcg_func_start(s);

    /* block A: g0 += 1, then chainable jumps on both slots */
    TCGLabel *l = gen_new_label();
    tcg_gen_insn_start(0xa000, 0);
    tcg_gen_addi_i64(g64[0], g64[0], 1);
    tcg_gen_brcondi_i64(TCG_COND_NE, g64[2], 0, l);
    tcg_gen_goto_tb(0);
    tcg_gen_exit_tb(&fake_tb_a, 0);
    tcg_gen_set_label(l);
    tcg_gen_goto_tb(1);
    tcg_gen_exit_tb(&fake_tb_a, 1);
    const uint8_t *a = gen_block(true, NULL);
    uint16_t jmp[2] = { s->jmp_insn_offset[0], s->jmp_insn_offset[1] };
    uint16_t reset[2] = { s->jmp_reset_offset[0], s->jmp_reset_offset[1] };
    tcg_func_start(s);

    for (int slot = 0; slot < 2; slot++) {
        g_assert_cmpuint(((uintptr_t)a + jmp[slot] + 1) % 4, ==, 0);
        g_assert_cmpuint(a[jmp[slot]], ==, 0xe9);
        g_assert_cmpuint(reset[slot], ==, jmp[slot] + 5);
    }

    for (int slot = 0; slot < 2; slot++) {
        fake_cpu.g64[0] = 0;
        fake_cpu.g64[1] = 0;
        fake_cpu.g64[2] = slot;
        /* unchained: back to the loop with A and the slot */
        g_assert_cmpuint(run_block(a), ==, (uintptr_t)&fake_tb_a + slot);
        g_assert_cmpuint(fake_cpu.g64[0], ==, 1);
        /* chained into B */
        tb_target_set_jmp_target((uintptr_t)a + jmp[slot], (uintptr_t)b);
        g_assert_cmpuint(run_block(a), ==, (uintptr_t)&fake_tb_b);
        g_assert_cmpuint(fake_cpu.g64[0], ==, 2);
        g_assert_cmpuint(fake_cpu.g64[1], ==, 100);
        /* unchained again */
        tb_target_set_jmp_target((uintptr_t)a + jmp[slot],
                                 (uintptr_t)a + reset[slot]);
        g_assert_cmpuint(run_block(a), ==, (uintptr_t)&fake_tb_a + slot);
        g_assert_cmpuint(fake_cpu.g64[1], ==, 100);
    }

    /* goto_ptr through the lookup: a hit runs B, a miss returns 0 */
    tcg_target_config.lookup_tb_ptr = fake_lookup;
    tcg_gen_insn_start(0xc000, 0);
    tcg_gen_movi_i64(g64[3], 33);
    tcg_gen_lookup_and_goto_ptr();
    const uint8_t *c = gen_block(true, NULL);
    tcg_func_start(s);
    fake_cpu.g64[1] = 0;
    lookups = 0;
    lookup_result = b;
    g_assert_cmpuint(run_block(c), ==, (uintptr_t)&fake_tb_b);
    g_assert_cmpuint(fake_cpu.g64[1], ==, 100);
    g_assert_cmpuint(fake_cpu.g64[3], ==, 33);
    lookup_result = tcg_code_gen_epilogue;
    g_assert_cmpuint(run_block(c), ==, 0);
    g_assert_cmpint(lookups, ==, 2);
}

/* ---- insn_start -> host offsets ---- */

static uintptr_t helper_ra;
static void __attribute__((noinline)) helper_record_ra(void)
{
    helper_ra = (uintptr_t)__builtin_return_address(0);
}

static void test_insn_offsets(void)
{
    TCGContext *s = tcg_ctx;
    enum { N = 20 };
    int call_at = 13;

    for (int i = 0; i < N; i++) {
        tcg_gen_insn_start(0x4000 + i * 3, i);
        tcg_gen_addi_i64(g64[0], g64[0], i);
        if (i == call_at) {
            tcg_gen_call0(helper_record_ra, 0, NULL);
        }
        if (i % 5 == 4) {
            /* an insn that emits nothing */
            continue;
        }
    }
    tcg_gen_exit_tb(NULL, 0);
    int size;
    const uint8_t *code = gen_block(true, &size);
    g_assert_cmpint(s->gen_insn_count, ==, N);
    for (int i = 0; i < N; i++) {
        g_assert_cmpuint(s->gen_insn_data[i][0], ==, 0x4000 + i * 3);
        g_assert_cmpuint(s->gen_insn_data[i][1], ==, i);
        if (i) {
            g_assert_cmpuint(s->gen_insn_end_off[i], >=,
                             s->gen_insn_end_off[i - 1]);
        }
    }
    g_assert_cmpuint(s->gen_insn_end_off[N - 1], <=, size);
    uint32_t end[N];
    memcpy(end, s->gen_insn_end_off, sizeof(end));
    tcg_func_start(s);

    fake_cpu.g64[0] = 0;
    run_block(code);
    g_assert_cmpuint(fake_cpu.g64[0], ==, N * (N - 1) / 2);
    uintptr_t off = helper_ra - (uintptr_t)code;
    int found = -1;
    for (int i = 0; i < N; i++) {
        if (off <= end[i]) {
            found = i;
            break;
        }
    }
    g_assert_cmpint(found, ==, call_at);
}

/* exit_request style check at block entry, TB temps and exit values */
static void test_exit_values(void)
{
    TCGLabel *l = gen_new_label();
    TCGv_i32 t = tcg_temp_new_i32();
    tcg_gen_ld_i32(t, tcg_env(), ENV_OFF(exit_request));
    tcg_gen_brcondi_i32(TCG_COND_NE, t, 0, l);
    tcg_gen_movi_i64(g64[0], 7);
    tcg_gen_exit_tb(NULL, 0);
    tcg_gen_set_label(l);
    tcg_gen_exit_tb(&fake_tb_a, TB_EXIT_REQUESTED);
    const void *code = gen_block(true, NULL);
    tcg_func_start(tcg_ctx);
    fake_cpu.exit_request = 0;
    fake_cpu.g64[0] = 0;
    g_assert_cmpuint(run_block(code), ==, 0);
    g_assert_cmpuint(fake_cpu.g64[0], ==, 7);
    fake_cpu.exit_request = 1;
    fake_cpu.g64[0] = 0;
    g_assert_cmpuint(run_block(code), ==,
                     (uintptr_t)&fake_tb_a + TB_EXIT_REQUESTED);
    g_assert_cmpuint(fake_cpu.g64[0], ==, 0);
    fake_cpu.exit_request = 0;

    /* a TB next to the code (as the runtime places them) and far away */
    for (int far = 0; far < 2; far++) {
        const void *tb = far ? (const void *)&fake_tb_b
                             : (const void *)(code_buf + 64 * 1024);
        tcg_gen_exit_tb(tb, 1);
        g_assert_cmpuint(gen_and_run(), ==, (uintptr_t)tb + 1);
    }
}

/* a load compared with a constant right away is one cmp with memory */
static void test_ld_brcond(void)
{
    static const TCGCond conds[] = {
        TCG_COND_EQ, TCG_COND_NE, TCG_COND_LT, TCG_COND_GE, TCG_COND_LE,
        TCG_COND_GT, TCG_COND_LTU, TCG_COND_GEU, TCG_COND_LEU, TCG_COND_GTU,
    };
    static const int64_t imms[] = { 0, 1, -1, 100, -200, 0x12345678 };
    static const uint64_t vals[] = {
        0, 1, 2, 100, 0xffffffffffffffffull, 0xffffff38ull,
        0x12345678, 0x8000000000000000ull, 0x80000000ull,
    };
    for (int w = 0; w < 2; w++) {
        for (unsigned c = 0; c < G_N_ELEMENTS(conds); c++) {
            for (unsigned i = 0; i < G_N_ELEMENTS(imms); i++) {
                TCGLabel *l = gen_new_label();
                if (w) {
                    TCGv_i64 t = tcg_temp_new_i64();
                    tcg_gen_ld_i64(t, tcg_env(), ENV_OFF(scratch[3]));
                    tcg_gen_brcondi_i64(conds[c], t, imms[i], l);
                } else {
                    TCGv_i32 t = tcg_temp_new_i32();
                    tcg_gen_ld_i32(t, tcg_env(), ENV_OFF(scratch[3]));
                    tcg_gen_brcondi_i32(conds[c], t, imms[i], l);
                }
                tcg_gen_exit_tb(NULL, 1);
                tcg_gen_set_label(l);
                tcg_gen_exit_tb(NULL, 2);
                const void *code = gen_block(true, NULL);
                tcg_func_start(tcg_ctx);
                for (unsigned v = 0; v < G_N_ELEMENTS(vals); v++) {
                    fake_cpu.scratch[3] = vals[v];
                    uint64_t a = w ? vals[v] : (uint32_t)vals[v];
                    uint64_t b = w ? (uint64_t)imms[i] : (uint32_t)imms[i];
                    bool t = tcg_eval_cond(w ? TCG_TYPE_I64 : TCG_TYPE_I32,
                                           conds[c], a, b);
                    g_assert_cmpuint(run_block(code), ==, t ? 2 : 1);
                }
            }
        }
    }
}

/* barriers run (only a store-load fence emits code); a discarded value
 * is not written back */
static void test_mb_discard(void)
{
    fake_cpu.g64[0] = 10;
    fake_cpu.g64[1] = 20;
    tcg_gen_addi_i64(g64[0], g64[0], 1);
    tcg_gen_mb(TCG_MB_ALL);
    tcg_gen_addi_i64(g64[1], g64[1], 1);
    tcg_gen_discard_i64(g64[1]);
    tcg_gen_mb(TCG_MB_LD_LD | TCG_MB_ST_ST);
    tcg_gen_exit_tb(NULL, 0);
    gen_and_run();
    g_assert_cmpuint(fake_cpu.g64[0], ==, 11);
    g_assert_cmpuint(fake_cpu.g64[1], ==, 20);
}

/* a block too big for the room left fails cleanly */
static void test_overflow(void)
{
    TCGContext *s = tcg_ctx;
    for (int i = 0; i < 200; i++) {
        tcg_gen_addi_i64(g64[i % 8], g64[(i + 1) % 8], i);
    }
    tcg_gen_exit_tb(NULL, 0);
    code_prepare(s);
    s->code_end = s->code_ptr + 1500;
    g_assert_cmpint(tcg_gen_code(s), ==, -1);
    tcg_func_start(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    rng = g_rand_new_with_seed(777);
    harness_init();
    g_test_add_func("/tcg/gen/loop-tb-temps", test_loop_tb_temps);
    g_test_add_func("/tcg/gen/ebb-across-brcond", test_ebb_across_brcond);
    g_test_add_func("/tcg/gen/register-pressure", test_pressure);
    g_test_add_func("/tcg/gen/call-args", test_call_args);
    g_test_add_func("/tcg/gen/call-globals", test_call_globals);
    g_test_add_func("/tcg/gen/softmmu", test_softmmu);
    g_test_add_func("/tcg/gen/goto-tb", test_goto_tb);
    g_test_add_func("/tcg/gen/insn-offsets", test_insn_offsets);
    g_test_add_func("/tcg/gen/exit-values", test_exit_values);
    g_test_add_func("/tcg/gen/ld-brcond", test_ld_brcond);
    g_test_add_func("/tcg/gen/mb-discard", test_mb_discard);
    g_test_add_func("/tcg/gen/overflow", test_overflow);
    return g_test_run();
}
