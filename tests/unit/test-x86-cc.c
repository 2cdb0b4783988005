/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 front end's C side against the host CPU (x86-64 too): the lazy
 * flags of cc_helper.c, set up exactly as translated code leaves them,
 * must give the flags the host's own instruction sets; and the integer
 * helpers (DIV/IDIV, RCL/RCR, SHLD/SHRD, PDEP/PEXT) must give the host's
 * results. Flags the manuals leave undefined are masked. Random operands
 * mixed with edge values; the seed is printed on failure.
 */
#include "util/osdep.h"
#include "target/i386/tcg/tcg-cpu.h"
#include "target/i386/tcg/helper.h"

#define FL_ALL CC_OSZAPC

static uint64_t rnd_state;

static uint64_t rnd(void)
{
    /* xorshift64*: deterministic per seed */
    rnd_state ^= rnd_state >> 12;
    rnd_state ^= rnd_state << 25;
    rnd_state ^= rnd_state >> 27;
    return rnd_state * 2685821657736338717ull;
}

/* Operands biased towards the values where flags change */
static uint64_t pick(unsigned bits)
{
    static const uint64_t edges[] = { 0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff,
        0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
        0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull, 0xf, 0x10 };
    uint64_t v;

    switch (rnd() % 4) {
    case 0:
        v = edges[rnd() % G_N_ELEMENTS(edges)];
        break;
    case 1:
        v = edges[rnd() % G_N_ELEMENTS(edges)] + (rnd() % 3) - 1;
        break;
    default:
        v = rnd();
        break;
    }
    return bits == 64 ? v : v & ((1ull << bits) - 1);
}

static uint32_t lazy(uint32_t op, unsigned bits, uint64_t dst, uint64_t src,
                     uint64_t src2)
{
    unsigned idx = bits == 8 ? 0 : bits == 16 ? 1 : bits == 32 ? 2 : 3;
    return helper_cc_compute_all(dst, src, src2, op + idx);
}

/* ---- host instructions: result and RFLAGS after them ---- */

/* Sets CF to cin, runs "insn b, r", returns the flags */
#define HOST2(fn, insn, T)                                               \
    static uint64_t fn(uint64_t a, uint64_t b, uint64_t cin, uint64_t *out) \
    {                                                                    \
        T r = (T)a, bb = (T)b;                                           \
        uint64_t f, c = cin;                                             \
        asm("bt $0, %[c]\n\t" insn " %[b], %[r]\n\tpushfq\n\tpopq %[f]"  \
            : [r] "+q"(r), [f] "=r"(f) : [b] "q"(bb), [c] "r"(c) : "cc"); \
        *out = (uint64_t)r;                                              \
        return f;                                                        \
    }
#define HOST1(fn, insn, T)                                               \
    static uint64_t fn(uint64_t a, uint64_t b, uint64_t cin, uint64_t *out) \
    {                                                                    \
        T r = (T)a;                                                      \
        uint64_t f, c = cin;                                             \
        (void)b;                                                         \
        asm("bt $0, %[c]\n\t" insn " %[r]\n\tpushfq\n\tpopq %[f]"        \
            : [r] "+q"(r), [f] "=r"(f) : [c] "r"(c) : "cc");             \
        *out = (uint64_t)r;                                              \
        return f;                                                        \
    }
#define HOSTSH(fn, insn, T)                                              \
    static uint64_t fn(uint64_t a, uint64_t b, uint64_t cin, uint64_t *out) \
    {                                                                    \
        T r = (T)a;                                                      \
        uint8_t cnt = (uint8_t)b;                                        \
        uint64_t f, c = cin;                                             \
        asm("bt $0, %[c]\n\t" insn " %%cl, %[r]\n\tpushfq\n\tpopq %[f]"  \
            : [r] "+q"(r), [f] "=r"(f) : "c"(cnt), [c] "r"(c) : "cc");   \
        *out = (uint64_t)r;                                              \
        return f;                                                        \
    }

#define HOST_ALL_SIZES(M, name, insn)          \
    M(name##8, insn, uint8_t)                  \
    M(name##16, insn, uint16_t)                \
    M(name##32, insn, uint32_t)                \
    M(name##64, insn, uint64_t)

HOST_ALL_SIZES(HOST2, h_add, "add")
HOST_ALL_SIZES(HOST2, h_adc, "adc")
HOST_ALL_SIZES(HOST2, h_sub, "sub")
HOST_ALL_SIZES(HOST2, h_sbb, "sbb")
HOST_ALL_SIZES(HOST2, h_and, "and")
HOST_ALL_SIZES(HOST2, h_or, "or")
HOST_ALL_SIZES(HOST2, h_xor, "xor")
HOST_ALL_SIZES(HOST1, h_inc, "inc")
HOST_ALL_SIZES(HOST1, h_dec, "dec")
HOST_ALL_SIZES(HOST1, h_neg, "neg")
HOST_ALL_SIZES(HOSTSH, h_shl, "shl")
HOST_ALL_SIZES(HOSTSH, h_shr, "shr")
HOST_ALL_SIZES(HOSTSH, h_sar, "sar")
HOST_ALL_SIZES(HOSTSH, h_rcl, "rcl")
HOST_ALL_SIZES(HOSTSH, h_rcr, "rcr")

typedef uint64_t (*HostFn)(uint64_t a, uint64_t b, uint64_t cin,
                           uint64_t *out);

static unsigned bits_of(int i)
{
    return 8u << i;
}

static uint64_t maskb(unsigned bits)
{
    return bits == 64 ? ~0ull : (1ull << bits) - 1;
}

enum { K_ADD, K_ADC, K_SUB, K_SBB, K_AND, K_OR, K_XOR, K_INC, K_DEC, K_NEG };

static void check_arith(int kind, const HostFn fns[4], uint64_t seed)
{
    for (int sz = 0; sz < 4; sz++) {
        unsigned bits = bits_of(sz);
        for (int n = 0; n < 20000; n++) {
            uint64_t a = pick(bits), b = pick(bits), cin = rnd() & 1;
            uint64_t res, want, got, mask = FL_ALL;
            uint32_t op = 0;
            uint64_t dst, src = b, src2 = 0;

            want = fns[sz](a, b, cin, &res);
            dst = res;
            switch (kind) {
            case K_ADD: op = CC_OP_ADDB; break;
            case K_ADC: op = CC_OP_ADCB; src2 = cin; break;
            case K_SUB: op = CC_OP_SUBB; break;
            case K_SBB: op = CC_OP_SBBB; src2 = cin; break;
            case K_AND: case K_OR: case K_XOR:
                op = CC_OP_LOGICB;
                mask &= ~CC_A;          /* undefined */
                break;
            case K_INC: op = CC_OP_INCB; src = cin; break;
            case K_DEC: op = CC_OP_DECB; src = cin; break;
            case K_NEG: op = CC_OP_SUBB; src = a; break;
            }
            got = lazy(op, bits, dst, src, src2);
            if ((got & mask) != (want & mask)) {
                g_error("seed %#" PRIx64 " kind %d bits %u a=%#" PRIx64
                        " b=%#" PRIx64 " cin=%" PRIu64 ": flags %#" PRIx64
                        " want %#" PRIx64, seed, kind, bits, a, b, cin,
                        got & mask, want & mask);
            }
            /* the CF-only path agrees */
            g_assert_cmpuint(helper_cc_compute_c(dst, src, src2, op + sz),
                             ==, want & CC_C);
        }
    }
}

static void test_arith(void)
{
    static const struct { int kind; HostFn fns[4]; } t[] = {
        { K_ADD, { h_add8, h_add16, h_add32, h_add64 } },
        { K_ADC, { h_adc8, h_adc16, h_adc32, h_adc64 } },
        { K_SUB, { h_sub8, h_sub16, h_sub32, h_sub64 } },
        { K_SBB, { h_sbb8, h_sbb16, h_sbb32, h_sbb64 } },
        { K_AND, { h_and8, h_and16, h_and32, h_and64 } },
        { K_OR,  { h_or8, h_or16, h_or32, h_or64 } },
        { K_XOR, { h_xor8, h_xor16, h_xor32, h_xor64 } },
        { K_INC, { h_inc8, h_inc16, h_inc32, h_inc64 } },
        { K_DEC, { h_dec8, h_dec16, h_dec32, h_dec64 } },
        { K_NEG, { h_neg8, h_neg16, h_neg32, h_neg64 } },
    };
    uint64_t seed = g_test_rand_int() | 1;

    rnd_state = seed;
    for (unsigned i = 0; i < G_N_ELEMENTS(t); i++) {
        check_arith(t[i].kind, t[i].fns, seed);
    }
}

/* Shifts: the translator leaves dst = result, src = the value shifted by
 * count - 1 (arithmetically for SAR). */
static void test_shifts(void)
{
    static const HostFn shl[4] = { h_shl8, h_shl16, h_shl32, h_shl64 };
    static const HostFn shr[4] = { h_shr8, h_shr16, h_shr32, h_shr64 };
    static const HostFn sar[4] = { h_sar8, h_sar16, h_sar32, h_sar64 };
    uint64_t seed = g_test_rand_int() | 1;

    rnd_state = seed;
    for (int kind = 0; kind < 3; kind++) {
        for (int sz = 0; sz < 4; sz++) {
            unsigned bits = bits_of(sz);
            unsigned cmask = bits == 64 ? 63 : 31;
            for (unsigned c = 1; c <= cmask; c++) {
                for (int n = 0; n < 200; n++) {
                    uint64_t a = pick(bits), res, want, got, src;
                    uint64_t mask = CC_S | CC_Z | CC_P | CC_C;
                    uint32_t op;
                    int64_t sa;

                    if (kind == 0) {
                        want = shl[sz](a, c, 0, &res);
                        src = a << (c - 1);
                        op = CC_OP_SHLB;
                    } else if (kind == 1) {
                        want = shr[sz](a, c, 0, &res);
                        src = a >> (c - 1);
                        op = CC_OP_SARB;
                    } else {
                        want = sar[sz](a, c, 0, &res);
                        sa = (int64_t)(a << (64 - bits)) >> (64 - bits);
                        src = (uint64_t)(sa >> (c - 1));
                        op = CC_OP_SARB;
                    }
                    if (c == 1) {
                        mask |= CC_O;
                    }
                    if (c >= bits) {
                        /* CF is undefined once the count reaches the
                         * operand size (8/16-bit forms) */
                        mask &= ~CC_C;
                    }
                    got = lazy(op, bits, res, src, 0);
                    if ((got & mask) != (want & mask)) {
                        g_error("seed %#" PRIx64 " shift %d bits %u count %u"
                                " a=%#" PRIx64 ": flags %#" PRIx64 " want %#"
                                PRIx64, seed, kind, bits, c, a, got & mask,
                                want & mask);
                    }
                }
            }
        }
    }
}

/* MUL/IMUL: dst = low result, src = nonzero when the high part matters */
static void test_mul(void)
{
    uint64_t seed = g_test_rand_int() | 1;

    rnd_state = seed;
    for (int sz = 0; sz < 4; sz++) {
        unsigned bits = bits_of(sz);
        for (int n = 0; n < 20000; n++) {
            uint64_t a = pick(bits), b = pick(bits), f, lo, hi, src;
            bool sign = n & 1;
            unsigned __int128 p;

            if (!sign) {
                p = (unsigned __int128)a * b;
                lo = (uint64_t)p & maskb(bits);
                hi = bits == 64 ? (uint64_t)(p >> 64) : (uint64_t)(p >> bits);
                src = hi;
                /* host: CF=OF=1 iff the high half is nonzero */
                f = hi ? (CC_C | CC_O) : 0;
            } else {
                int64_t sa = (int64_t)(a << (64 - bits)) >> (64 - bits);
                int64_t sb = (int64_t)(b << (64 - bits)) >> (64 - bits);
                __int128 sp = (__int128)sa * sb;
                int64_t slo = (int64_t)((uint64_t)sp << (64 - bits)) >>
                              (64 - bits);
                lo = (uint64_t)sp & maskb(bits);
                src = (uint64_t)((__int128)slo != sp);
                f = (__int128)slo != sp ? (CC_C | CC_O) : 0;
            }
            /* a host IMUL/MUL to be sure the model above is the CPU's */
            if (bits == 64) {
                uint64_t ra = a, rd, fl;
                if (sign) {
                    asm("imulq %[b]\n\tpushfq\n\tpopq %[f]"
                        : "+a"(ra), "=d"(rd), [f] "=r"(fl) : [b] "r"(b)
                        : "cc");
                } else {
                    asm("mulq %[b]\n\tpushfq\n\tpopq %[f]"
                        : "+a"(ra), "=d"(rd), [f] "=r"(fl) : [b] "r"(b)
                        : "cc");
                }
                g_assert_cmphex(ra, ==, lo);
                g_assert_cmphex(fl & (CC_C | CC_O), ==, f);
            }
            g_assert_cmphex(lazy(CC_OP_MULB, bits, lo, src, 0) &
                            (CC_C | CC_O), ==, f);
        }
    }
}

/* ---- integer helpers against the host ---- */

static CPUX86State *test_env(void)
{
    static CPUX86State env;
    memset(&env, 0, sizeof(env));
    env.cc_op = CC_OP_EFLAGS;
    return &env;
}

static void test_rcl_rcr(void)
{
    static const HostFn rcl[4] = { h_rcl8, h_rcl16, h_rcl32, h_rcl64 };
    static const HostFn rcr[4] = { h_rcr8, h_rcr16, h_rcr32, h_rcr64 };
    CPUX86State *env = test_env();
    uint64_t seed = g_test_rand_int() | 1;

    rnd_state = seed;
    for (int right = 0; right < 2; right++) {
        for (int sz = 0; sz < 4; sz++) {
            unsigned bits = bits_of(sz);
            for (unsigned c = 0; c < 64; c++) {
                for (int n = 0; n < 50; n++) {
                    uint64_t a = pick(bits), cin = rnd() & 1, res, want, got;
                    unsigned mc = c & (bits == 64 ? 63 : 31);
                    uint64_t mask = CC_C | (mc == 1 ? CC_O : 0);

                    want = (right ? rcr : rcl)[sz](a, c, cin, &res);
                    env->cc_src = cin ? CC_C : 0;
                    got = (right ? helper_rcr : helper_rcl)(env, a, c, bits);
                    g_assert_cmphex(got, ==, res & maskb(bits));
                    if (mc != 0 && (env->cc_src & mask) != (want & mask)) {
                        g_error("seed %#" PRIx64 " rc%c bits %u count %u a=%#"
                                PRIx64 " cin %" PRIu64 ": flags %#" PRIx64
                                " want %#" PRIx64, seed, right ? 'r' : 'l',
                                bits, c, a, cin, env->cc_src & mask,
                                want & mask);
                    }
                }
            }
        }
    }
}

static void test_shld_shrd(void)
{
    CPUX86State *env = test_env();
    uint64_t seed = g_test_rand_int() | 1;

    rnd_state = seed;
    for (int n = 0; n < 30000; n++) {
        int sz = 1 + rnd() % 3;             /* 16, 32, 64 */
        unsigned bits = bits_of(sz);
        uint64_t a = pick(bits), b = pick(bits);
        uint8_t c = rnd() % (bits == 64 ? 64 : 32);
        bool right = rnd() & 1;
        uint64_t r = a, f, got;
        uint64_t mask = CC_S | CC_Z | CC_P | CC_C | (c == 1 ? CC_O : 0);

        if (c == 0 || (bits == 16 && c > 16)) {
            continue;       /* no change / undefined results */
        }
        if (bits == 16) {
            uint16_t r16 = a, b16 = b;
            if (right) {
                asm("shrdw %%cl, %[b], %[r]\n\tpushfq\n\tpopq %[f]"
                    : [r] "+r"(r16), [f] "=r"(f) : [b] "r"(b16), "c"(c)
                    : "cc");
            } else {
                asm("shldw %%cl, %[b], %[r]\n\tpushfq\n\tpopq %[f]"
                    : [r] "+r"(r16), [f] "=r"(f) : [b] "r"(b16), "c"(c)
                    : "cc");
            }
            r = r16;
        } else if (bits == 32) {
            uint32_t r32 = a, b32 = b;
            if (right) {
                asm("shrdl %%cl, %[b], %[r]\n\tpushfq\n\tpopq %[f]"
                    : [r] "+r"(r32), [f] "=r"(f) : [b] "r"(b32), "c"(c)
                    : "cc");
            } else {
                asm("shldl %%cl, %[b], %[r]\n\tpushfq\n\tpopq %[f]"
                    : [r] "+r"(r32), [f] "=r"(f) : [b] "r"(b32), "c"(c)
                    : "cc");
            }
            r = r32;
        } else {
            if (right) {
                asm("shrdq %%cl, %[b], %[r]\n\tpushfq\n\tpopq %[f]"
                    : [r] "+r"(r), [f] "=r"(f) : [b] "r"(b), "c"(c) : "cc");
            } else {
                asm("shldq %%cl, %[b], %[r]\n\tpushfq\n\tpopq %[f]"
                    : [r] "+r"(r), [f] "=r"(f) : [b] "r"(b), "c"(c) : "cc");
            }
        }
        env->cc_src = 0;
        got = (right ? helper_shrd : helper_shld)(env, a, b, c, bits);
        if (got != r || (env->cc_src & mask) != (f & mask)) {
            g_error("seed %#" PRIx64 " sh%cd bits %u count %u a=%#" PRIx64
                    " b=%#" PRIx64 ": %#" PRIx64 " flags %#" PRIx64
                    ", want %#" PRIx64 " %#" PRIx64, seed, right ? 'r' : 'l',
                    bits, c, a, b, got, env->cc_src & mask, r, f & mask);
        }
    }
}

static void test_div(void)
{
    CPUX86State *env = test_env();
    uint64_t seed = g_test_rand_int() | 1;

    rnd_state = seed;
    for (int n = 0; n < 20000; n++) {
        uint64_t d = pick(64) | 1, hi = pick(64), lo = pick(64);
        uint64_t q, r;
        int64_t sq, sr;

        /* unsigned: keep the quotient in range (hi < d) */
        hi %= d;
        env->regs[R_EAX] = lo;
        env->regs[R_EDX] = hi;
        helper_div(env, d, 64);
        asm("divq %[d]" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), [d] "r"(d));
        g_assert_cmphex(env->regs[R_EAX], ==, q);
        g_assert_cmphex(env->regs[R_EDX], ==, r);

        /* 32-bit signed with a sign-extended 64-bit dividend */
        {
            int32_t sd = (int32_t)pick(32);
            int64_t num = (int64_t)(int32_t)pick(32);
            if (sd == 0 || (sd == -1 && num == INT32_MIN)) {
                continue;
            }
            env->regs[R_EAX] = 0xdead00000000ull | (uint32_t)num;
            env->regs[R_EDX] = (uint32_t)(num >> 32);
            helper_idiv(env, (uint32_t)sd, 32);
            sq = num / sd;
            sr = num % sd;
            g_assert_cmphex(env->regs[R_EAX], ==, (uint32_t)sq);
            g_assert_cmphex(env->regs[R_EDX], ==, (uint32_t)sr);
        }
        /* 8-bit: AX / r8 -> AL quotient, AH remainder, rest of RAX kept */
        {
            uint8_t d8 = pick(8) | 1;
            uint16_t ax = pick(16) % ((uint16_t)d8 * 256);
            env->regs[R_EAX] = 0x1234567800000000ull | ax;
            helper_div(env, d8, 8);
            g_assert_cmphex(env->regs[R_EAX], ==, 0x1234567800000000ull |
                            ((ax % d8) << 8) | (ax / d8));
        }
    }
}

static bool host_has_bmi2(void)
{
    uint32_t a = 7, b, c = 0, d;
    asm("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    return (b >> 8) & 1;
}

static void test_pdep_pext(void)
{
    uint64_t seed = g_test_rand_int() | 1;

    rnd_state = seed;
    for (int n = 0; n < 20000; n++) {
        uint64_t src = pick(64), m = pick(64), r;
        uint64_t dep = 0, ext = 0;
        unsigned k = 0;

        /* the definition, bit by bit */
        for (unsigned i = 0; i < 64; i++) {
            if (m >> i & 1) {
                dep |= ((src >> k) & 1) << i;
                ext |= ((src >> i) & 1) << k;
                k++;
            }
        }
        g_assert_cmphex(helper_pdep(src, m), ==, dep);
        g_assert_cmphex(helper_pext(src, m), ==, ext);
        if (host_has_bmi2()) {
            asm("pdepq %2, %1, %0" : "=r"(r) : "r"(src), "r"(m));
            g_assert_cmphex(r, ==, dep);
            asm("pextq %2, %1, %0" : "=r"(r) : "r"(src), "r"(m));
            g_assert_cmphex(r, ==, ext);
        }
    }
}

/* cpu_compute_eflags / the EFLAGS cc_op round trip */
static void test_eflags_form(void)
{
    CPUX86State *env = test_env();

    env->rflags = RFLAGS_IF | RFLAGS_DF;
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src = CC_Z | CC_C;
    g_assert_cmphex(cpu_compute_eflags(env), ==,
                    RFLAGS_IF | RFLAGS_DF | RFLAGS_FIXED | CC_Z | CC_C);
    env->cc_op = CC_OP_CLR;
    g_assert_cmphex(cpu_cc_compute_all(env), ==, CC_Z | CC_P);
    env->cc_op = CC_OP_POPCNT;
    env->cc_dst = 0;
    g_assert_cmphex(cpu_cc_compute_all(env), ==, CC_Z);
    env->cc_dst = 5;
    g_assert_cmphex(cpu_cc_compute_all(env), ==, 0);
    /* BMILG: CF from a zero input (BLSMSK/BLSR) */
    env->cc_op = CC_OP_BMILGQ;
    env->cc_dst = 0xffffffffffffffffull;
    env->cc_src = 0;
    g_assert_cmphex(cpu_cc_compute_all(env), ==, CC_C | CC_S | CC_P);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/x86-cc/arith", test_arith);
    g_test_add_func("/x86-cc/shifts", test_shifts);
    g_test_add_func("/x86-cc/mul", test_mul);
    g_test_add_func("/x86-cc/rcl-rcr", test_rcl_rcr);
    g_test_add_func("/x86-cc/shld-shrd", test_shld_shrd);
    g_test_add_func("/x86-cc/div", test_div);
    g_test_add_func("/x86-cc/pdep-pext", test_pdep_pext);
    g_test_add_func("/x86-cc/eflags-form", test_eflags_form);
    return g_test_run();
}
