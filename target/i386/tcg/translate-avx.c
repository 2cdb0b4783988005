/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VEX encodings (AVX, AVX2, FMA, F16C vector instructions, and the
 * VEX.128 forms of AES and PCLMULQDQ) and the XSAVE family. BMI's
 * VEX-encoded GPR instructions are translate-bits.c's.
 *
 * Most VEX vector ops are the legacy SSE op with a separate first
 * source: dst = op(src1, src2), lane by lane for 256 bits. They reuse
 * sse_helper.c's lane helpers: src1's lane is copied into env->vex_t1,
 * the helper runs on it with src2's lane, and the result is written to
 * the destination, whose bits 255:128 a 128-bit form zeroes. Memory
 * operands are loaded first into env->vex_t0 (zero-filled to 256 bits),
 * so a fault leaves the registers as they were. Moves are TCG loads and
 * stores; stores wider than 64 bits probe the whole range first.
 *
 * #UD: in real and virtual-8086 mode, without CR4.OSXSAVE and XCR0's
 * SSE and AVX bits (HF_AVX_EN), or when the model lacks the extension
 * (AVX, AVX2, FMA, F16C); #NM with CR0.TS. Prefixes before VEX, VEX.L
 * and VEX.vvvv where the instruction forbids them are refused by the
 * decoder (#UD).
 */
#include "util/osdep.h"
#include "util/log.h"
#include "target/i386/tcg/translate.h"
#include "target/i386/tcg/avx.h"
#include "target/i386/tcg/xsave.h"

#define CPUID_EXT_PCLMULQDQ (1u << 1)
#define CPUID_EXT_FMA   (1u << 12)
#define CPUID_EXT_AES   (1u << 25)
#define CPUID_EXT_AVX   (1u << 28)
#define CPUID_EXT_F16C  (1u << 29)
#define CPUID_7_0_EBX_AVX2 (1u << 5)
#define CPUID_XSAVE_XSAVEOPT (1u << 0)
#define CPUID_XSAVE_XSAVEC   (1u << 1)

/* ---- VEX mnemonic -> legacy mnemonic ("vpaddb" -> "paddb") ---- */

static ZydisMnemonic vex_legacy[ZYDIS_MNEMONIC_MAX_VALUE + 1];

static void vex_legacy_init(void)
{
    GHashTable *h = g_hash_table_new(g_str_hash, g_str_equal);

    for (int m = 1; m <= ZYDIS_MNEMONIC_MAX_VALUE; m++) {
        const char *n = ZydisMnemonicGetString(m);
        if (n) {
            g_hash_table_insert(h, (gpointer)n, GINT_TO_POINTER(m));
        }
    }
    for (int m = 1; m <= ZYDIS_MNEMONIC_MAX_VALUE; m++) {
        const char *n = ZydisMnemonicGetString(m);
        if (n && n[0] == 'v') {
            vex_legacy[m] = GPOINTER_TO_INT(g_hash_table_lookup(h, n + 1));
        }
    }
    g_hash_table_destroy(h);
}

static ZydisMnemonic legacy_of(ZydisMnemonic m)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, vex_legacy_init);
    return m <= ZYDIS_MNEMONIC_MAX_VALUE ? vex_legacy[m] : 0;
}

/* ---- operands ---- */

static int vec_index(ZydisRegister r)
{
    if (r >= ZYDIS_REGISTER_XMM0 && r <= ZYDIS_REGISTER_XMM15) {
        return r - ZYDIS_REGISTER_XMM0;
    }
    if (r >= ZYDIS_REGISTER_YMM0 && r <= ZYDIS_REGISTER_YMM15) {
        return r - ZYDIS_REGISTER_YMM0;
    }
    return -1;
}

static bool op_vec(DisasContext *s, int i)
{
    return op_is_reg(s, i) && vec_index(s->op[i].reg.value) >= 0;
}

static int vreg(DisasContext *s, int i)
{
    return vec_index(s->op[i].reg.value);
}

static bool op_ymm(DisasContext *s, int i)
{
    return op_is_reg(s, i) ? (s->op[i].reg.value >= ZYDIS_REGISTER_YMM0 &&
                              s->op[i].reg.value <= ZYDIS_REGISTER_YMM15)
                           : opsize(s, i) == 256;
}

static intptr_t xo(int n)
{
    return ENV_OFS(xmm[0]) + n * (intptr_t)sizeof(X86XMMReg);
}

static intptr_t yo(int n)
{
    return ENV_OFS(ymmh[0]) + n * (intptr_t)sizeof(X86XMMReg);
}

/* Lane l of operand r (a register or AVX_MEM) */
static intptr_t lane(int r, int l)
{
    if (r == AVX_MEM) {
        return ENV_OFS(vex_t0[0]) + l * (intptr_t)sizeof(X86XMMReg);
    }
    return l ? yo(r) : xo(r);
}

static intptr_t t1(int l)
{
    return ENV_OFS(vex_t1[0]) + l * (intptr_t)sizeof(X86XMMReg);
}

static TCGv_ptr envp(intptr_t ofs)
{
    TCGv_ptr p = tcg_temp_new_i64();
    tcg_gen_addi_i64(p, tcg_env(), ofs);
    return p;
}

static void copy128(intptr_t d, intptr_t src)
{
    TCGv_i64 t = tcg_temp_new_i64();
    for (int i = 0; i < 16; i += 8) {
        tcg_gen_ld_i64(t, tcg_env(), src + i);
        tcg_gen_st_i64(t, tcg_env(), d + i);
    }
}

static void zero128(intptr_t d)
{
    tcg_gen_st_i64(tcg_constant_i64(0), tcg_env(), d);
    tcg_gen_st_i64(tcg_constant_i64(0), tcg_env(), d + 8);
}

/* Destination register from two lanes; a 128-bit one zeroes 255:128 */
static void write_dst(int d, bool ymm, intptr_t l0, intptr_t l1)
{
    copy128(xo(d), l0);
    if (ymm) {
        copy128(yo(d), l1);
    } else {
        zero128(yo(d));
    }
}

static void gen_access(DisasContext *s, TCGv_i64 addr, unsigned len,
                       unsigned align, bool store)
{
    uint32_t desc = len | (align ? (align - 1) : 0) << 8 |
                    (uint32_t)s->mem_idx << 16 | (store ? 1u << 24 : 0);

    tcg_gen_call(helper_avx_access, 0, NULL, ENV(), T64(addr), CI(desc));
}

/* Memory operand i (its size) into vex_t0, zero-filled to 256 bits */
static void load_mem(DisasContext *s, int i, bool align)
{
    unsigned bits = opsize(s, i);
    TCGv_i64 addr = gen_op_addr(s, i), t = tcg_temp_new_i64();
    TCGv_i64 a = tcg_temp_new_i64();

    if (align && bits >= 128) {
        gen_access(s, addr, bits / 8, bits / 8, false);
    }
    if (bits <= 64) {
        gen_ld(s, t, addr, mo_bits(bits));
        tcg_gen_st_i64(t, tcg_env(), ENV_OFS(vex_t0[0].q[0]));
    } else {
        for (unsigned k = 0; k < bits / 64; k++) {
            tcg_gen_addi_i64(a, addr, 8 * k);
            gen_ld(s, t, a, MO_64);
            tcg_gen_st_i64(t, tcg_env(), ENV_OFS(vex_t0[0]) + 8 * k);
        }
    }
    for (unsigned k = MAX(bits, 64) / 64; k < 4; k++) {
        tcg_gen_st_i64(tcg_constant_i64(0), tcg_env(),
                       ENV_OFS(vex_t0[0]) + 8 * k);
    }
}

/* Operand i as a register number, or AVX_MEM after loading it */
static int vsrc(DisasContext *s, int i, bool align)
{
    if (op_vec(s, i)) {
        return vreg(s, i);
    }
    load_mem(s, i, align);
    return AVX_MEM;
}

/* Store bits of register r (from env offset lanes) to memory operand i */
static void store_vec(DisasContext *s, int i, intptr_t l0, intptr_t l1,
                      unsigned bits, bool align)
{
    TCGv_i64 addr = gen_op_addr(s, i), t = tcg_temp_new_i64();
    TCGv_i64 a = tcg_temp_new_i64();

    if (bits > 64 || align) {
        gen_access(s, addr, bits / 8, align ? bits / 8 : 0, bits > 64);
    }
    if (bits <= 64) {
        tcg_gen_ld_i64(t, tcg_env(), l0);
        gen_st(s, t, addr, mo_bits(bits));
        return;
    }
    for (unsigned k = 0; k < bits / 64; k++) {
        tcg_gen_ld_i64(t, tcg_env(), (k < 2 ? l0 : l1) + 8 * (k & 1));
        tcg_gen_addi_i64(a, addr, 8 * k);
        gen_st(s, t, a, MO_64);
    }
}

/* ---- checks ---- */

static bool has_isa(DisasContext *s)
{
    const uint32_t *f = s->env->features;

    switch (s->insn.meta.isa_ext) {
    case ZYDIS_ISA_EXT_AVX:
        /* Zydis files VEX.128 VPCLMULQDQ under AVX */
        if (s->insn.mnemonic == ZYDIS_MNEMONIC_VPCLMULQDQ) {
            return (f[FEAT_1_ECX] & CPUID_EXT_PCLMULQDQ) &&
                   (f[FEAT_1_ECX] & CPUID_EXT_AVX);
        }
        return f[FEAT_1_ECX] & CPUID_EXT_AVX;
    case ZYDIS_ISA_EXT_AVX2:
    case ZYDIS_ISA_EXT_AVX2GATHER:
        return (f[FEAT_1_ECX] & CPUID_EXT_AVX) &&
               (f[FEAT_7_0_EBX] & CPUID_7_0_EBX_AVX2);
    case ZYDIS_ISA_EXT_FMA:
        return (f[FEAT_1_ECX] & CPUID_EXT_FMA) &&
               (f[FEAT_1_ECX] & CPUID_EXT_AVX);
    case ZYDIS_ISA_EXT_F16C:
        return (f[FEAT_1_ECX] & CPUID_EXT_F16C) &&
               (f[FEAT_1_ECX] & CPUID_EXT_AVX);
    /* VEX.128 AES (the 256-bit forms are VAES's, left out) */
    case ZYDIS_ISA_EXT_AVXAES:
        return (f[FEAT_1_ECX] & CPUID_EXT_AES) &&
               (f[FEAT_1_ECX] & CPUID_EXT_AVX);
    default:
        return false;
    }
}

static bool vex_check(DisasContext *s)
{
    if (!(s->flags & HF_PE) || (s->flags & HF_VM) ||
        !(s->flags & HF_AVX_EN) || !has_isa(s)) {
        gen_illegal_opcode(s);
        return false;
    }
    if (s->flags & HF_TS) {
        gen_exception(s, EXCP07_PREX);
        return false;
    }
    return true;
}

/* ---- lane-wise ops on the SSE helpers ---- */

typedef struct LaneOp {
    void *fn;
    bool has_imm;
    uint32_t imm;
    unsigned imm_shift;         /* imm bits consumed per lane */
    bool s2_lane0;              /* both lanes use src2's low lane */
} LaneOp;

static void call_lane(DisasContext *s, const LaneOp *op, int l, intptr_t src)
{
    TCGv_ptr d = envp(t1(l)), p = envp(src);

    if (op->has_imm) {
        uint32_t imm = (op->imm >> (l * op->imm_shift)) & 0xff;
        tcg_gen_callN(op->fn, ZydisMnemonicGetString(s->insn.mnemonic), 0,
                      NULL, 4, (TCGTemp *[]){ ENV(), T64(d), T64(p),
                      CI(imm) });
    } else {
        tcg_gen_callN(op->fn, ZydisMnemonicGetString(s->insn.mnemonic), 0,
                      NULL, 3, (TCGTemp *[]){ ENV(), T64(d), T64(p) });
    }
}

static void gen_lanes(DisasContext *s, const LaneOp *op, int d, int s1,
                      int s2, bool ymm)
{
    int nl = ymm ? 2 : 1;

    gen_update_cc_op(s);
    for (int l = 0; l < nl; l++) {
        copy128(t1(l), lane(s1, l));
        call_lane(s, op, l, lane(s2, op->s2_lane0 ? 0 : l));
    }
    write_dst(d, ymm, t1(0), t1(1));
}

/* Widening ops (VPMOVSX/ZX, VCVTPS2PD, VCVTDQ2PD): the upper lane's
 * input is the source's bytes from 'k' on */
static void gen_widen(DisasContext *s, const LaneOp *op, int d, int src,
                      bool ymm, unsigned k)
{
    TCGv_i64 lo = tcg_temp_new_i64(), hi = tcg_temp_new_i64();

    gen_update_cc_op(s);
    if (ymm) {
        tcg_gen_ld_i64(lo, tcg_env(), lane(src, 0));
        tcg_gen_ld_i64(hi, tcg_env(), lane(src, 0) + 8);
        if (k == 8) {
            tcg_gen_mov_i64(lo, hi);
        } else {
            tcg_gen_shri_i64(lo, lo, 8 * k);
            tcg_gen_shli_i64(hi, hi, 64 - 8 * k);
            tcg_gen_or_i64(lo, lo, hi);
        }
        tcg_gen_st_i64(lo, tcg_env(), ENV_OFS(xmm_t0.q[0]));
        tcg_gen_st_i64(tcg_constant_i64(0), tcg_env(), ENV_OFS(xmm_t0.q[1]));
        call_lane(s, op, 1, ENV_OFS(xmm_t0));
    }
    call_lane(s, op, 0, lane(src, 0));
    write_dst(d, ymm, t1(0), t1(1));
}

/* Narrowing ops with a 256-bit source: two lanes into one xmm */
static void gen_narrow(DisasContext *s, const LaneOp *op, int d, int src)
{
    TCGv_i64 t = tcg_temp_new_i64();

    gen_update_cc_op(s);
    call_lane(s, op, 0, lane(src, 0));
    call_lane(s, op, 1, lane(src, 1));
    tcg_gen_ld_i64(t, tcg_env(), t1(1));
    tcg_gen_st_i64(t, tcg_env(), t1(0) + 8);
    write_dst(d, false, t1(0), t1(0));
}

static unsigned widen_bytes(ZydisMnemonic m)
{
    switch (m) {
    case ZYDIS_MNEMONIC_VPMOVSXBW: case ZYDIS_MNEMONIC_VPMOVZXBW:
    case ZYDIS_MNEMONIC_VPMOVSXWD: case ZYDIS_MNEMONIC_VPMOVZXWD:
    case ZYDIS_MNEMONIC_VPMOVSXDQ: case ZYDIS_MNEMONIC_VPMOVZXDQ:
    case ZYDIS_MNEMONIC_VCVTPS2PD: case ZYDIS_MNEMONIC_VCVTDQ2PD:
        return 8;
    case ZYDIS_MNEMONIC_VPMOVSXBD: case ZYDIS_MNEMONIC_VPMOVZXBD:
    case ZYDIS_MNEMONIC_VPMOVSXWQ: case ZYDIS_MNEMONIC_VPMOVZXWQ:
        return 4;
    case ZYDIS_MNEMONIC_VPMOVSXBQ: case ZYDIS_MNEMONIC_VPMOVZXBQ:
        return 2;
    default:
        return 0;
    }
}

static int shift_kind(ZydisMnemonic m)
{
    switch (m) {
    case ZYDIS_MNEMONIC_VPSLLW: return 0;
    case ZYDIS_MNEMONIC_VPSLLD: return 1;
    case ZYDIS_MNEMONIC_VPSLLQ: return 2;
    case ZYDIS_MNEMONIC_VPSRLW: return 3;
    case ZYDIS_MNEMONIC_VPSRLD: return 4;
    case ZYDIS_MNEMONIC_VPSRLQ: return 5;
    case ZYDIS_MNEMONIC_VPSRAW: return 6;
    case ZYDIS_MNEMONIC_VPSRAD: return 7;
    case ZYDIS_MNEMONIC_VPSLLDQ: return 8;
    case ZYDIS_MNEMONIC_VPSRLDQ: return 9;
    default: return -1;
    }
}

static int last_imm(DisasContext *s, uint32_t *imm)
{
    int n = s->insn.operand_count_visible;

    if (n > 0 && op_is_imm(s, n - 1)) {
        *imm = s->op[n - 1].imm.value.u & 0xff;
        return n - 1;
    }
    *imm = 0;
    return n;
}

/* The generic path: VEX forms of the SSE lane ops and avx_helper.c's */
static bool gen_generic(DisasContext *s)
{
    ZydisMnemonic m = s->insn.mnemonic, lg = legacy_of(m);
    LaneOp op = { 0 };
    uint32_t imm;
    int n = last_imm(s, &op.imm), d, s1, s2, k;
    bool ymm, ysrc;

    imm = op.imm;
    op.has_imm = n < s->insn.operand_count_visible;
    if (op.has_imm) {
        op.fn = (void *)avx_imm_helper(m);
        if (!op.fn && lg) {
            op.fn = (void *)sse_imm_helper(lg);
        }
    } else {
        op.fn = (void *)avx_bin_helper(m);
        if (!op.fn && lg) {
            op.fn = (void *)sse_bin_helper(lg);
        }
    }
    k = shift_kind(m);
    if (!op.fn && !(k >= 0 && op.has_imm)) {
        return false;
    }
    if (n < 2 || !op_vec(s, 0)) {
        return false;
    }
    for (int i = 1; i < n; i++) {
        if (!op_vec(s, i) && !op_is_mem(s, i)) {
            return false;
        }
    }
    if (!vex_check(s)) {
        return true;
    }
    d = vreg(s, 0);
    ymm = op_ymm(s, 0);
    ysrc = op_ymm(s, n - 1);
    if (k >= 0 && op.has_imm) {
        /* VPSLLW ymm1(vvvv), ymm2, imm8 */
        int src = vreg(s, 1);
        gen_update_cc_op(s);
        for (int l = 0; l < (ymm ? 2 : 1); l++) {
            copy128(t1(l), lane(src, l));
            tcg_gen_call(helper_sse_shift_imm, 0, NULL, ENV(),
                         T64(envp(t1(l))), CI(imm), CI(k));
        }
        write_dst(d, ymm, t1(0), t1(1));
        return true;
    }
    s2 = vsrc(s, n - 1, false);
    s1 = n == 3 ? vreg(s, 1) : s2;
    switch (m) {
    case ZYDIS_MNEMONIC_VSHUFPD: case ZYDIS_MNEMONIC_VPERMILPD:
    case ZYDIS_MNEMONIC_VBLENDPD:
        op.imm_shift = 2;
        break;
    case ZYDIS_MNEMONIC_VBLENDPS: case ZYDIS_MNEMONIC_VPBLENDD:
        op.imm_shift = 4;
        break;
    default:
        break;
    }
    if (k >= 0) {
        op.s2_lane0 = true;     /* count in the low 64 bits of xmm/m128 */
    }
    if (widen_bytes(m)) {
        gen_widen(s, &op, d, s2, ymm, widen_bytes(m));
    } else if (ysrc && !ymm) {
        gen_narrow(s, &op, d, s2);
    } else {
        gen_lanes(s, &op, d, s1, s2, ymm);
    }
    return true;
}

/* ---- moves ---- */

static bool gen_vmov_full(DisasContext *s, bool align)
{
    bool ymm = op_ymm(s, 0) || op_ymm(s, 1);

    if (op_vec(s, 0)) {
        int src = vsrc(s, 1, align);
        write_dst(vreg(s, 0), ymm, lane(src, 0), lane(src, 1));
    } else {
        int r = vreg(s, 1);
        store_vec(s, 0, xo(r), yo(r), ymm ? 256 : 128, align);
    }
    return true;
}

/* VMOVSS/VMOVSD */
static void gen_vmovs(DisasContext *s, unsigned bits)
{
    TCGv_i64 t = tcg_temp_new_i64();

    if (s->insn.operand_count_visible == 3) {
        int d = vreg(s, 0), a = vreg(s, 1), b = vreg(s, 2);
        copy128(t1(0), xo(a));
        if (bits == 64) {
            tcg_gen_ld_i64(t, tcg_env(), xo(b));
            tcg_gen_st_i64(t, tcg_env(), t1(0));
        } else {
            tcg_gen_ld32u_i64(t, tcg_env(), xo(b));
            tcg_gen_st32_i64(t, tcg_env(), t1(0));
        }
        write_dst(d, false, t1(0), t1(0));
    } else if (op_vec(s, 0)) {
        load_mem(s, 1, false);
        write_dst(vreg(s, 0), false, lane(AVX_MEM, 0), 0);
    } else {
        store_vec(s, 0, xo(vreg(s, 1)), 0, bits, false);
    }
}

/* VMOVD/VMOVQ */
static bool gen_vmovdq(DisasContext *s)
{
    TCGv_i64 t = tcg_temp_new_i64();

    if (op_vec(s, 0)) {
        int d = vreg(s, 0);
        if (op_vec(s, 1)) {
            tcg_gen_ld_i64(t, tcg_env(), xo(vreg(s, 1)));
        } else {
            gen_op_ld(s, 1, t);
        }
        tcg_gen_st_i64(t, tcg_env(), xo(d));
        tcg_gen_st_i64(tcg_constant_i64(0), tcg_env(), xo(d) + 8);
        zero128(yo(d));
        return true;
    }
    if (op_vec(s, 1)) {
        tcg_gen_ld_i64(t, tcg_env(), xo(vreg(s, 1)));
        gen_op_st(s, 0, t);
        return true;
    }
    return false;
}

/* VMOVLPS/LPD/HPS/HPD, VMOVHLPS, VMOVLHPS: dst = { lo, hi } from the
 * 64-bit pieces the form names; stores write one half */
static void gen_vmov_half(DisasContext *s)
{
    ZydisMnemonic m = s->insn.mnemonic;
    TCGv_i64 t = tcg_temp_new_i64();
    bool high = m == ZYDIS_MNEMONIC_VMOVHPS || m == ZYDIS_MNEMONIC_VMOVHPD;

    if (!op_vec(s, 0)) {
        store_vec(s, 0, xo(vreg(s, 1)) + (high ? 8 : 0), 0, 64, false);
        return;
    }
    int d = vreg(s, 0), a = vreg(s, 1);
    copy128(t1(0), xo(a));
    if (op_is_mem(s, 2)) {
        gen_ld(s, t, gen_op_addr(s, 2), MO_64);
    } else {
        /* MOVHLPS takes the high half of src2; MOVLHPS its low half */
        tcg_gen_ld_i64(t, tcg_env(), xo(vreg(s, 2)) +
                       (m == ZYDIS_MNEMONIC_VMOVHLPS ? 8 : 0));
    }
    if (high || m == ZYDIS_MNEMONIC_VMOVLHPS) {
        tcg_gen_st_i64(t, tcg_env(), t1(0) + 8);
    } else if (m == ZYDIS_MNEMONIC_VMOVHLPS) {
        tcg_gen_st_i64(t, tcg_env(), t1(0));
    } else {
        tcg_gen_st_i64(t, tcg_env(), t1(0));
    }
    write_dst(d, false, t1(0), t1(0));
}

static void gen_zeroupper(DisasContext *s, bool all)
{
    int n = (s->flags & HF_CS64) ? 16 : 8;

    for (int i = 0; i < n; i++) {
        zero128(yo(i));
        if (all) {
            zero128(xo(i));
        }
    }
}

static void gen_misc(DisasContext *s, int op, int d, int s1, int s2, int s3,
                     bool ymm, uint32_t imm)
{
    tcg_gen_call(helper_avx_misc, 0, NULL, ENV(), CI(op),
                 CI(AVX_REGS(d, s1, s2, s3, ymm, false)), CI(imm));
}

static void gen_extract128(DisasContext *s, uint32_t imm)
{
    int r = vreg(s, 1);
    intptr_t src = lane(r, imm & 1);

    if (op_vec(s, 0)) {
        write_dst(vreg(s, 0), false, src, src);
    } else {
        store_vec(s, 0, src, 0, 128, false);
    }
}

static void gen_insert128(DisasContext *s, uint32_t imm)
{
    int d = vreg(s, 0), a = vreg(s, 1), b = vsrc(s, 2, false);

    copy128(t1(0), xo(a));
    copy128(t1(1), yo(a));
    copy128(t1(imm & 1), lane(b, 0));
    write_dst(d, true, t1(0), t1(1));
}

static void gen_pextr(DisasContext *s, unsigned bits, uint32_t imm)
{
    TCGv_i64 v = tcg_temp_new_i64();
    unsigned n = 128 / bits;
    intptr_t o = xo(vreg(s, 1)) + (imm % n) * (bits / 8);

    switch (bits) {
    case 8: tcg_gen_ld8u_i64(v, tcg_env(), o); break;
    case 16: tcg_gen_ld16u_i64(v, tcg_env(), o); break;
    case 32: tcg_gen_ld32u_i64(v, tcg_env(), o); break;
    default: tcg_gen_ld_i64(v, tcg_env(), o); break;
    }
    if (op_is_mem(s, 0)) {
        gen_st(s, v, gen_op_addr(s, 0), mo_bits(bits));
    } else {
        gen_op_st(s, 0, v);
    }
}

static void gen_pinsr(DisasContext *s, unsigned bits, uint32_t imm)
{
    TCGv_i64 v = tcg_temp_new_i64();
    unsigned n = 128 / bits;
    intptr_t o = t1(0) + (imm % n) * (bits / 8);

    if (op_is_mem(s, 2)) {
        gen_ld(s, v, gen_op_addr(s, 2), mo_bits(bits));
    } else {
        gen_op_ld(s, 2, v);
    }
    copy128(t1(0), xo(vreg(s, 1)));
    switch (bits) {
    case 8: tcg_gen_st8_i64(v, tcg_env(), o); break;
    case 16: tcg_gen_st16_i64(v, tcg_env(), o); break;
    case 32: tcg_gen_st32_i64(v, tcg_env(), o); break;
    default: tcg_gen_st_i64(v, tcg_env(), o); break;
    }
    write_dst(vreg(s, 0), false, t1(0), t1(0));
}

static void gen_maskmov(DisasContext *s, bool q)
{
    bool store = op_is_mem(s, 0);
    int mem = store ? 0 : 2;
    int mask = vreg(s, 1);
    int data = store ? vreg(s, 2) : 0;
    int d = store ? 0 : vreg(s, 0);
    bool ymm = op_ymm(s, 1);
    uint32_t desc = AVX_REGS(d, mask, data, 0, ymm, false) |
                    (store ? 1u << 26 : 0) | (q ? 1u << 27 : 0);

    gen_update_cc_op(s);
    tcg_gen_call(helper_avx_maskmov, 0, NULL, ENV(),
                 T64(gen_op_addr(s, mem)), CI(desc), CI(s->mem_idx));
}

static void gen_gather(DisasContext *s, bool qidx, bool qelem)
{
    ZydisDecodedOperand *mo = &s->op[1];
    int d = vreg(s, 0), m = vreg(s, 2);
    int ix = vec_index(mo->mem.index);
    TCGv_i64 base = tcg_temp_new_i64();
    int seg = seg_index(mo->mem.segment);
    uint32_t desc;
    unsigned scale = mo->mem.scale == 8 ? 3 : mo->mem.scale == 4 ? 2 :
                     mo->mem.scale == 2 ? 1 : 0;

    if (d == m || d == ix || m == ix || ix < 0) {
        gen_illegal_opcode(s);
        return;
    }
    if (mo->mem.base != ZYDIS_REGISTER_NONE) {
        gen_reg_read(s, mo->mem.base, base);
    } else {
        tcg_gen_movi_i64(base, 0);
    }
    tcg_gen_addi_i64(base, base, mo->mem.disp.value);
    desc = AVX_REGS(d, ix, 0, m, op_ymm(s, 0),
                    mo->mem.index >= ZYDIS_REGISTER_YMM0) |
           scale << 24 | (qidx ? 1u << 26 : 0) | (qelem ? 1u << 27 : 0) |
           (s->insn.address_width == 32 ? 1u << 28 : 0) |
           (uint32_t)(seg < 0 ? R_DS : seg) << 29;
    gen_update_cc_op(s);
    tcg_gen_call(helper_avx_gather, 0, NULL, ENV(), T64(base), CI(desc),
                 CI(s->mem_idx));
}

/* Everything with its own shape; false when not one of them */
static bool gen_special(DisasContext *s)
{
    ZydisMnemonic m = s->insn.mnemonic;
    uint32_t imm;
    int n = last_imm(s, &imm);
    TCGv_i64 v;

    switch (m) {
    case ZYDIS_MNEMONIC_VZEROUPPER:
    case ZYDIS_MNEMONIC_VZEROALL:
        if (vex_check(s)) {
            gen_zeroupper(s, m == ZYDIS_MNEMONIC_VZEROALL);
        }
        return true;
    case ZYDIS_MNEMONIC_VLDMXCSR:
    case ZYDIS_MNEMONIC_VSTMXCSR:
        if (!vex_check(s)) {
            return true;
        }
        v = tcg_temp_new_i64();
        if (m == ZYDIS_MNEMONIC_VLDMXCSR) {
            TCGv_i32 w = tcg_temp_new_i32();
            gen_op_ld(s, 0, v);
            tcg_gen_extrl_i64_i32(w, v);
            tcg_gen_call(helper_ldmxcsr, 0, NULL, ENV(), T32(w));
        } else {
            tcg_gen_ld32u_i64(v, tcg_env(), ENV_OFS(mxcsr));
            gen_op_st(s, 0, v);
        }
        return true;
    default:
        break;
    }
    switch (m) {
    case ZYDIS_MNEMONIC_VMOVAPS: case ZYDIS_MNEMONIC_VMOVAPD:
    case ZYDIS_MNEMONIC_VMOVDQA: case ZYDIS_MNEMONIC_VMOVNTPS:
    case ZYDIS_MNEMONIC_VMOVNTPD: case ZYDIS_MNEMONIC_VMOVNTDQ:
    case ZYDIS_MNEMONIC_VMOVNTDQA:
        if (vex_check(s)) {
            gen_vmov_full(s, true);
        }
        return true;
    case ZYDIS_MNEMONIC_VMOVUPS: case ZYDIS_MNEMONIC_VMOVUPD:
    case ZYDIS_MNEMONIC_VMOVDQU: case ZYDIS_MNEMONIC_VLDDQU:
        if (vex_check(s)) {
            gen_vmov_full(s, false);
        }
        return true;
    case ZYDIS_MNEMONIC_VMOVSS:
    case ZYDIS_MNEMONIC_VMOVSD:
        if (vex_check(s)) {
            gen_vmovs(s, m == ZYDIS_MNEMONIC_VMOVSS ? 32 : 64);
        }
        return true;
    case ZYDIS_MNEMONIC_VMOVD:
    case ZYDIS_MNEMONIC_VMOVQ:
        if (vex_check(s) && !gen_vmovdq(s)) {
            gen_illegal_opcode(s);
        }
        return true;
    case ZYDIS_MNEMONIC_VMOVLPS: case ZYDIS_MNEMONIC_VMOVLPD:
    case ZYDIS_MNEMONIC_VMOVHPS: case ZYDIS_MNEMONIC_VMOVHPD:
    case ZYDIS_MNEMONIC_VMOVHLPS: case ZYDIS_MNEMONIC_VMOVLHPS:
        if (vex_check(s)) {
            gen_vmov_half(s);
        }
        return true;
    case ZYDIS_MNEMONIC_VBROADCASTSS: case ZYDIS_MNEMONIC_VPBROADCASTD:
    case ZYDIS_MNEMONIC_VBROADCASTSD: case ZYDIS_MNEMONIC_VPBROADCASTQ:
    case ZYDIS_MNEMONIC_VPBROADCASTB: case ZYDIS_MNEMONIC_VPBROADCASTW:
    case ZYDIS_MNEMONIC_VBROADCASTF128: case ZYDIS_MNEMONIC_VBROADCASTI128:
        if (vex_check(s)) {
            int op = m == ZYDIS_MNEMONIC_VPBROADCASTB ? AVX_BCAST8 :
                     m == ZYDIS_MNEMONIC_VPBROADCASTW ? AVX_BCAST16 :
                     (m == ZYDIS_MNEMONIC_VBROADCASTSS ||
                      m == ZYDIS_MNEMONIC_VPBROADCASTD) ? AVX_BCAST32 :
                     (m == ZYDIS_MNEMONIC_VBROADCASTSD ||
                      m == ZYDIS_MNEMONIC_VPBROADCASTQ) ? AVX_BCAST64 :
                     AVX_BCAST128;
            int src = vsrc(s, 1, false);
            gen_misc(s, op, vreg(s, 0), 0, src, 0, op_ymm(s, 0), 0);
        }
        return true;
    case ZYDIS_MNEMONIC_VEXTRACTF128: case ZYDIS_MNEMONIC_VEXTRACTI128:
        if (vex_check(s)) {
            gen_extract128(s, imm);
        }
        return true;
    case ZYDIS_MNEMONIC_VINSERTF128: case ZYDIS_MNEMONIC_VINSERTI128:
        if (vex_check(s)) {
            gen_insert128(s, imm);
        }
        return true;
    case ZYDIS_MNEMONIC_VPERM2F128: case ZYDIS_MNEMONIC_VPERM2I128:
        if (vex_check(s)) {
            int b = vsrc(s, 2, false);
            gen_misc(s, AVX_PERM2, vreg(s, 0), vreg(s, 1), b, 0, true, imm);
        }
        return true;
    case ZYDIS_MNEMONIC_VPERMQ: case ZYDIS_MNEMONIC_VPERMPD:
        if (vex_check(s)) {
            int b = vsrc(s, 1, false);
            gen_misc(s, AVX_PERMQ, vreg(s, 0), 0, b, 0, true, imm);
        }
        return true;
    case ZYDIS_MNEMONIC_VPERMD: case ZYDIS_MNEMONIC_VPERMPS:
        if (vex_check(s)) {
            int b = vsrc(s, 2, false);
            gen_misc(s, AVX_PERMD, vreg(s, 0), vreg(s, 1), b, 0, true, 0);
        }
        return true;
    case ZYDIS_MNEMONIC_VPBLENDVB: case ZYDIS_MNEMONIC_VBLENDVPS:
    case ZYDIS_MNEMONIC_VBLENDVPD:
        if (vex_check(s)) {
            int b = vsrc(s, 2, false);
            gen_misc(s, m == ZYDIS_MNEMONIC_VPBLENDVB ? AVX_BLENDVB :
                     m == ZYDIS_MNEMONIC_VBLENDVPS ? AVX_BLENDVPS :
                     AVX_BLENDVPD, vreg(s, 0), vreg(s, 1), b, vreg(s, 3),
                     op_ymm(s, 0), 0);
        }
        return true;
    case ZYDIS_MNEMONIC_VPSLLVD: case ZYDIS_MNEMONIC_VPSLLVQ:
    case ZYDIS_MNEMONIC_VPSRLVD: case ZYDIS_MNEMONIC_VPSRLVQ:
    case ZYDIS_MNEMONIC_VPSRAVD:
        if (vex_check(s)) {
            int b = vsrc(s, 2, false);
            gen_misc(s, m == ZYDIS_MNEMONIC_VPSLLVD ? AVX_SLLVD :
                     m == ZYDIS_MNEMONIC_VPSLLVQ ? AVX_SLLVQ :
                     m == ZYDIS_MNEMONIC_VPSRLVD ? AVX_SRLVD :
                     m == ZYDIS_MNEMONIC_VPSRLVQ ? AVX_SRLVQ : AVX_SRAVD,
                     vreg(s, 0), vreg(s, 1), b, 0, op_ymm(s, 0), 0);
        }
        return true;
    case ZYDIS_MNEMONIC_VINSERTPS:
        if (vex_check(s)) {
            int b = vsrc(s, 2, false);
            gen_misc(s, AVX_INSERTPS, vreg(s, 0), vreg(s, 1), b, 0, false,
                     imm);
        }
        return true;
    case ZYDIS_MNEMONIC_VPTEST: case ZYDIS_MNEMONIC_VTESTPS:
    case ZYDIS_MNEMONIC_VTESTPD:
        if (vex_check(s)) {
            int b = vsrc(s, 1, false);
            tcg_gen_call(helper_avx_test, 0, T64(cpu_cc_src), ENV(),
                         CI(AVX_REGS(0, vreg(s, 0), b, 0, false,
                                     op_ymm(s, 0))),
                         CI(m == ZYDIS_MNEMONIC_VPTEST ? 0 :
                            m == ZYDIS_MNEMONIC_VTESTPS ? 1 : 2));
            set_cc_op(s, CC_OP_EFLAGS);
        }
        return true;
    case ZYDIS_MNEMONIC_VPMOVMSKB: case ZYDIS_MNEMONIC_VMOVMSKPS:
    case ZYDIS_MNEMONIC_VMOVMSKPD:
        if (vex_check(s)) {
            v = tcg_temp_new_i64();
            tcg_gen_call(helper_avx_movmsk, 0, T64(v), ENV(),
                         CI(AVX_REGS(0, 0, vreg(s, 1), 0, false,
                                     op_ymm(s, 1))),
                         CI(m == ZYDIS_MNEMONIC_VPMOVMSKB ? 0 :
                            m == ZYDIS_MNEMONIC_VMOVMSKPS ? 1 : 2));
            gen_op_st(s, 0, v);
        }
        return true;
    case ZYDIS_MNEMONIC_VPEXTRB: case ZYDIS_MNEMONIC_VPEXTRW:
    case ZYDIS_MNEMONIC_VPEXTRD: case ZYDIS_MNEMONIC_VPEXTRQ:
    case ZYDIS_MNEMONIC_VEXTRACTPS:
        if (vex_check(s)) {
            gen_pextr(s, m == ZYDIS_MNEMONIC_VPEXTRB ? 8 :
                      m == ZYDIS_MNEMONIC_VPEXTRW ? 16 :
                      m == ZYDIS_MNEMONIC_VPEXTRQ ? 64 : 32, imm);
        }
        return true;
    case ZYDIS_MNEMONIC_VPINSRB: case ZYDIS_MNEMONIC_VPINSRW:
    case ZYDIS_MNEMONIC_VPINSRD: case ZYDIS_MNEMONIC_VPINSRQ:
        if (vex_check(s)) {
            gen_pinsr(s, m == ZYDIS_MNEMONIC_VPINSRB ? 8 :
                      m == ZYDIS_MNEMONIC_VPINSRW ? 16 :
                      m == ZYDIS_MNEMONIC_VPINSRQ ? 64 : 32, imm);
        }
        return true;
    case ZYDIS_MNEMONIC_VMASKMOVPS: case ZYDIS_MNEMONIC_VMASKMOVPD:
    case ZYDIS_MNEMONIC_VPMASKMOVD: case ZYDIS_MNEMONIC_VPMASKMOVQ:
        if (vex_check(s)) {
            gen_maskmov(s, m == ZYDIS_MNEMONIC_VMASKMOVPD ||
                        m == ZYDIS_MNEMONIC_VPMASKMOVQ);
        }
        return true;
    case ZYDIS_MNEMONIC_VPGATHERDD: case ZYDIS_MNEMONIC_VGATHERDPS:
    case ZYDIS_MNEMONIC_VPGATHERDQ: case ZYDIS_MNEMONIC_VGATHERDPD:
    case ZYDIS_MNEMONIC_VPGATHERQD: case ZYDIS_MNEMONIC_VGATHERQPS:
    case ZYDIS_MNEMONIC_VPGATHERQQ: case ZYDIS_MNEMONIC_VGATHERQPD:
        if (vex_check(s)) {
            bool qidx = m == ZYDIS_MNEMONIC_VPGATHERQD ||
                        m == ZYDIS_MNEMONIC_VGATHERQPS ||
                        m == ZYDIS_MNEMONIC_VPGATHERQQ ||
                        m == ZYDIS_MNEMONIC_VGATHERQPD;
            bool qel = m == ZYDIS_MNEMONIC_VPGATHERDQ ||
                       m == ZYDIS_MNEMONIC_VGATHERDPD ||
                       m == ZYDIS_MNEMONIC_VPGATHERQQ ||
                       m == ZYDIS_MNEMONIC_VGATHERQPD;
            gen_gather(s, qidx, qel);
        }
        return true;
    case ZYDIS_MNEMONIC_VUCOMISS: case ZYDIS_MNEMONIC_VCOMISS:
    case ZYDIS_MNEMONIC_VUCOMISD: case ZYDIS_MNEMONIC_VCOMISD:
        if (vex_check(s)) {
            int b = vsrc(s, 1, false);
            int kind = m == ZYDIS_MNEMONIC_VUCOMISS ? 0 :
                       m == ZYDIS_MNEMONIC_VCOMISS ? 1 :
                       m == ZYDIS_MNEMONIC_VUCOMISD ? 2 : 3;
            gen_update_cc_op(s);
            tcg_gen_call(helper_sse_comi, 0, T64(cpu_cc_src), ENV(),
                         T64(envp(xo(vreg(s, 0)))), T64(envp(lane(b, 0))),
                         CI(kind));
            set_cc_op(s, CC_OP_EFLAGS);
        }
        return true;
    case ZYDIS_MNEMONIC_VCVTSI2SS: case ZYDIS_MNEMONIC_VCVTSI2SD:
        if (vex_check(s)) {
            v = tcg_temp_new_i64();
            gen_op_ld(s, 2, v);
            copy128(t1(0), xo(vreg(s, 1)));
            gen_update_cc_op(s);
            tcg_gen_call(helper_sse_cvtsi2f, 0, NULL, ENV(),
                         T64(envp(t1(0))), T64(v),
                         CI((m == ZYDIS_MNEMONIC_VCVTSI2SD ? 1 : 0) |
                            (opsize(s, 2) == 64 ? 2 : 0)));
            write_dst(vreg(s, 0), false, t1(0), t1(0));
        }
        return true;
    case ZYDIS_MNEMONIC_VCVTSS2SI: case ZYDIS_MNEMONIC_VCVTSD2SI:
    case ZYDIS_MNEMONIC_VCVTTSS2SI: case ZYDIS_MNEMONIC_VCVTTSD2SI:
        if (vex_check(s)) {
            bool dbl = m == ZYDIS_MNEMONIC_VCVTSD2SI ||
                       m == ZYDIS_MNEMONIC_VCVTTSD2SI;
            bool tr = m == ZYDIS_MNEMONIC_VCVTTSS2SI ||
                      m == ZYDIS_MNEMONIC_VCVTTSD2SI;
            int b = vsrc(s, 1, false);
            v = tcg_temp_new_i64();
            gen_update_cc_op(s);
            tcg_gen_call(helper_sse_cvtf2si, 0, T64(v), ENV(),
                         T64(envp(lane(b, 0))),
                         CI((dbl ? 1 : 0) | (opsize(s, 0) == 64 ? 2 : 0) |
                            (tr ? 4 : 0)));
            gen_op_st(s, 0, v);
        }
        return true;
    case ZYDIS_MNEMONIC_VPCMPISTRI: case ZYDIS_MNEMONIC_VPCMPESTRI:
    case ZYDIS_MNEMONIC_VPCMPISTRM: case ZYDIS_MNEMONIC_VPCMPESTRM:
        if (vex_check(s)) {
            int kind = m == ZYDIS_MNEMONIC_VPCMPISTRI ? 0 :
                       m == ZYDIS_MNEMONIC_VPCMPESTRI ? 1 :
                       m == ZYDIS_MNEMONIC_VPCMPISTRM ? 2 : 3;
            int b = vsrc(s, 1, false);
            int w = s->insn.raw.vex.W ? 4 : 0;
            gen_update_cc_op(s);
            tcg_gen_call(helper_pcmpstr, 0, T64(cpu_cc_src), ENV(),
                         T64(envp(xo(vreg(s, 0)))), T64(envp(lane(b, 0))),
                         CI(imm), CI(kind | w));
            set_cc_op(s, CC_OP_EFLAGS);
            if (kind >= 2) {
                zero128(yo(0));         /* VEX.128 writes all of YMM0 */
            }
        }
        return true;
    case ZYDIS_MNEMONIC_VCVTPH2PS:
        if (vex_check(s)) {
            int b = vsrc(s, 1, false);
            gen_update_cc_op(s);
            tcg_gen_call(helper_avx_cvtph2ps, 0, NULL, ENV(),
                         CI(AVX_REGS(vreg(s, 0), 0, b, 0, op_ymm(s, 0),
                                     false)));
        }
        return true;
    case ZYDIS_MNEMONIC_VCVTPS2PH:
        if (vex_check(s)) {
            bool y = op_ymm(s, 1);
            gen_update_cc_op(s);
            tcg_gen_call(helper_avx_cvtps2ph, 0, NULL, ENV(),
                         CI(AVX_REGS(0, 0, vreg(s, 1), 0, false, y)),
                         CI(imm));
            if (op_vec(s, 0)) {
                write_dst(vreg(s, 0), false, t1(0), t1(0));
            } else {
                store_vec(s, 0, t1(0), 0, y ? 128 : 64, false);
            }
        }
        return true;
    default:
        break;
    }
    (void)n;
    if (s->insn.meta.isa_ext == ZYDIS_ISA_EXT_FMA) {
        int idx = avx_fma_index(ZydisMnemonicGetString(m));
        if (idx < 0 || !op_vec(s, 0) || !op_vec(s, 1)) {
            return false;
        }
        if (vex_check(s)) {
            int c = vsrc(s, 2, false);
            gen_update_cc_op(s);
            tcg_gen_call(helper_avx_fma, 0, NULL, ENV(), CI(idx),
                         CI(AVX_REGS(vreg(s, 0), 0, vreg(s, 1), c,
                                     op_ymm(s, 0), false)));
        }
        return true;
    }
    return false;
}

/* ---- XSAVE family ---- */

static bool gen_xsave_family(DisasContext *s)
{
    ZydisMnemonic m = s->insn.mnemonic;
    const uint32_t *f = s->env->features;
    TCGv_i64 rfbm, hi;
    bool rex_w, restore = false;
    unsigned kind = XSAVE_STD;

    switch (m) {
    case ZYDIS_MNEMONIC_XSAVE: case ZYDIS_MNEMONIC_XSAVE64:
        break;
    case ZYDIS_MNEMONIC_XSAVEOPT: case ZYDIS_MNEMONIC_XSAVEOPT64:
        kind = XSAVE_OPT;
        break;
    case ZYDIS_MNEMONIC_XSAVEC: case ZYDIS_MNEMONIC_XSAVEC64:
        kind = XSAVE_CMP;
        break;
    case ZYDIS_MNEMONIC_XRSTOR: case ZYDIS_MNEMONIC_XRSTOR64:
        restore = true;
        break;
    default:
        return false;
    }
    rex_w = m == ZYDIS_MNEMONIC_XSAVE64 || m == ZYDIS_MNEMONIC_XSAVEOPT64 ||
            m == ZYDIS_MNEMONIC_XSAVEC64 || m == ZYDIS_MNEMONIC_XRSTOR64;
    if (!(f[FEAT_1_ECX] & CPUID_EXT_XSAVE) || !(s->flags & HF_OSXSAVE) ||
        (kind == XSAVE_OPT && !(f[FEAT_XSAVE] & CPUID_XSAVE_XSAVEOPT)) ||
        (kind == XSAVE_CMP && !(f[FEAT_XSAVE] & CPUID_XSAVE_XSAVEC)) ||
        !op_is_mem(s, 0)) {
        gen_illegal_opcode(s);
        return true;
    }
    if (s->flags & HF_TS) {
        gen_exception(s, EXCP07_PREX);
        return true;
    }
    rfbm = tcg_temp_new_i64();
    hi = tcg_temp_new_i64();
    tcg_gen_ext32u_i64(rfbm, cpu_regs[R_EAX]);
    tcg_gen_shli_i64(hi, cpu_regs[R_EDX], 32);
    tcg_gen_or_i64(rfbm, rfbm, hi);
    gen_update_cc_op(s);
    if (restore) {
        tcg_gen_call(helper_xrstor, 0, NULL, ENV(), T64(gen_op_addr(s, 0)),
                     T64(rfbm), CI(s->mem_idx), CI(rex_w));
    } else {
        tcg_gen_call(helper_xsave, 0, NULL, ENV(), T64(gen_op_addr(s, 0)),
                     T64(rfbm), CI(s->mem_idx), CI(kind | (rex_w ? 4 : 0)));
    }
    return true;
}

bool disas_avx(DisasContext *s)
{
    if (s->insn.encoding == ZYDIS_INSTRUCTION_ENCODING_LEGACY) {
        return gen_xsave_family(s);
    }
    if (s->insn.encoding != ZYDIS_INSTRUCTION_ENCODING_VEX) {
        return false;
    }
    if (gen_special(s)) {
        return true;
    }
    return gen_generic(s);
}
