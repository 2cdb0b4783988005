/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SSE4.2's CRC32, AES-NI, PCLMULQDQ and the SHA extensions (legacy
 * encodings), each #UD unless the CPU model has its CPUID bit. The work
 * is in crypto_helper.c.
 */
#include "util/osdep.h"
#include "target/i386/tcg/translate.h"
#include "target/i386/tcg/crypto_helper.h"

#define CPUID_EXT_PCLMULQDQ (1u << 1)
#define CPUID_EXT_SSE42     (1u << 20)
#define CPUID_EXT_AES       (1u << 25)
#define CPUID_7_0_EBX_SHA   (1u << 29)

static void gen_crc32(DisasContext *s)
{
    TCGv_i64 crc = tcg_temp_new_i64(), v = tcg_temp_new_i64();

    gen_op_ld(s, 1, v);
    gen_op_ld(s, 0, crc);
    tcg_gen_call(helper_crc32c, TCG_CALL_NO_RWG, T64(crc), T64(crc),
                 T64(v), CI(opsize(s, 1)));
    /* a 32-bit result, zero-extended into a 64-bit destination too */
    gen_op_st(s, 0, crc);
}

/* Two XMM operands (the second may be an m128), helper(d, s, x). AES
 * and PCLMULQDQ want an aligned m128 as legacy SSE does; the SHA
 * instructions do not check (as hardware shows). */
static void gen_xmm_call(DisasContext *s, void *fn, const char *name,
                         uint32_t x)
{
    bool aes = s->insn.mnemonic != ZYDIS_MNEMONIC_SHA1RNDS4 &&
               s->insn.mnemonic != ZYDIS_MNEMONIC_SHA1NEXTE &&
               s->insn.mnemonic != ZYDIS_MNEMONIC_SHA1MSG1 &&
               s->insn.mnemonic != ZYDIS_MNEMONIC_SHA1MSG2 &&
               s->insn.mnemonic != ZYDIS_MNEMONIC_SHA256MSG1 &&
               s->insn.mnemonic != ZYDIS_MNEMONIC_SHA256MSG2;
    TCGv_ptr p = env_ptr(xmm_src(s, 1, aes));
    TCGv_ptr d = env_ptr(xmm_ofs(xmm_index(s->op[0].reg.value)));

    tcg_gen_callN(fn, name, 0, NULL, 3,
                  (TCGTemp *[]){ T64(d), T64(p), CI(x) });
}

static uint32_t imm8(DisasContext *s, int i)
{
    return s->op[i].imm.value.u & 0xff;
}

bool disas_crypto(DisasContext *s)
{
    ZydisMnemonic m = s->insn.mnemonic;
    const uint32_t *f = s->env->features;
    bool ok;

    if (s->insn.encoding != ZYDIS_INSTRUCTION_ENCODING_LEGACY) {
        return false;
    }
    switch (m) {
    case ZYDIS_MNEMONIC_CRC32:
        ok = f[FEAT_1_ECX] & CPUID_EXT_SSE42;
        break;
    case ZYDIS_MNEMONIC_AESENC: case ZYDIS_MNEMONIC_AESENCLAST:
    case ZYDIS_MNEMONIC_AESDEC: case ZYDIS_MNEMONIC_AESDECLAST:
    case ZYDIS_MNEMONIC_AESIMC: case ZYDIS_MNEMONIC_AESKEYGENASSIST:
        ok = f[FEAT_1_ECX] & CPUID_EXT_AES;
        break;
    case ZYDIS_MNEMONIC_PCLMULQDQ:
        ok = f[FEAT_1_ECX] & CPUID_EXT_PCLMULQDQ;
        break;
    case ZYDIS_MNEMONIC_SHA1RNDS4: case ZYDIS_MNEMONIC_SHA1NEXTE:
    case ZYDIS_MNEMONIC_SHA1MSG1: case ZYDIS_MNEMONIC_SHA1MSG2:
    case ZYDIS_MNEMONIC_SHA256RNDS2: case ZYDIS_MNEMONIC_SHA256MSG1:
    case ZYDIS_MNEMONIC_SHA256MSG2:
        ok = f[FEAT_7_0_EBX] & CPUID_7_0_EBX_SHA;
        break;
    default:
        return false;
    }
    if (!ok) {
        gen_illegal_opcode(s);
        return true;
    }
    if (m == ZYDIS_MNEMONIC_CRC32) {
        /* a general-register instruction: no SSE state involved */
        gen_crc32(s);
        return true;
    }
    if (!sse_check(s)) {
        return true;
    }
    switch (m) {
    case ZYDIS_MNEMONIC_AESENC:
        gen_xmm_call(s, helper_aes, "aesenc", AES_ENC);
        break;
    case ZYDIS_MNEMONIC_AESENCLAST:
        gen_xmm_call(s, helper_aes, "aesenclast", AES_ENCLAST);
        break;
    case ZYDIS_MNEMONIC_AESDEC:
        gen_xmm_call(s, helper_aes, "aesdec", AES_DEC);
        break;
    case ZYDIS_MNEMONIC_AESDECLAST:
        gen_xmm_call(s, helper_aes, "aesdeclast", AES_DECLAST);
        break;
    case ZYDIS_MNEMONIC_AESIMC:
        gen_xmm_call(s, helper_aes, "aesimc", AES_IMC);
        break;
    case ZYDIS_MNEMONIC_AESKEYGENASSIST:
        gen_xmm_call(s, helper_aeskeygenassist, "aeskeygenassist",
                     imm8(s, 2));
        break;
    case ZYDIS_MNEMONIC_PCLMULQDQ:
        gen_xmm_call(s, helper_pclmulqdq, "pclmulqdq", imm8(s, 2));
        break;
    case ZYDIS_MNEMONIC_SHA1RNDS4:
        gen_xmm_call(s, helper_sha1rnds4, "sha1rnds4", imm8(s, 2));
        break;
    case ZYDIS_MNEMONIC_SHA1NEXTE:
        gen_xmm_call(s, helper_sha, "sha1nexte", SHA_1NEXTE);
        break;
    case ZYDIS_MNEMONIC_SHA1MSG1:
        gen_xmm_call(s, helper_sha, "sha1msg1", SHA_1MSG1);
        break;
    case ZYDIS_MNEMONIC_SHA1MSG2:
        gen_xmm_call(s, helper_sha, "sha1msg2", SHA_1MSG2);
        break;
    case ZYDIS_MNEMONIC_SHA256MSG1:
        gen_xmm_call(s, helper_sha, "sha256msg1", SHA_256MSG1);
        break;
    case ZYDIS_MNEMONIC_SHA256MSG2:
        gen_xmm_call(s, helper_sha, "sha256msg2", SHA_256MSG2);
        break;
    default: { /* SHA256RNDS2: XMM0 is an implicit operand */
        TCGv_ptr p = env_ptr(xmm_src(s, 1, false));
        TCGv_ptr d = env_ptr(xmm_ofs(xmm_index(s->op[0].reg.value)));
        tcg_gen_call(helper_sha256rnds2, 0, NULL, ENV(), T64(d), T64(p));
        break;
    }
    }
    return true;
}
