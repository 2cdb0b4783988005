/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers of translate-crypto.c (crypto_helper.c): SSE4.2's CRC32,
 * AES-NI, PCLMULQDQ and the SHA extensions, in portable C so that they
 * need nothing from the host CPU. d is the destination XMM register in
 * env, s the source (a register or env->xmm_t0 holding the memory
 * operand).
 */
#ifndef KEMU_I386_CRYPTO_HELPER_H
#define KEMU_I386_CRYPTO_HELPER_H

#include "target/i386/tcg/tcg-cpu.h"

/* CRC-32C (Castagnoli, reflected, no inversion) of the low 'bits' of
 * val continuing crc; the result is 32 bits, zero-extended */
uint64_t helper_crc32c(uint64_t crc, uint64_t val, uint32_t bits);

enum {
    AES_ENC, AES_ENCLAST, AES_DEC, AES_DECLAST, AES_IMC,
};
/* AESENC/AESENCLAST/AESDEC/AESDECLAST (d = state, s = round key) and
 * AESIMC (d = InvMixColumns(s)) */
void helper_aes(X86XMMReg *d, X86XMMReg *s, uint32_t kind);
void helper_aeskeygenassist(X86XMMReg *d, X86XMMReg *s, uint32_t imm);
void helper_pclmulqdq(X86XMMReg *d, X86XMMReg *s, uint32_t imm);

enum {
    SHA_1NEXTE, SHA_1MSG1, SHA_1MSG2, SHA_256MSG1, SHA_256MSG2,
};
void helper_sha(X86XMMReg *d, X86XMMReg *s, uint32_t kind);
void helper_sha1rnds4(X86XMMReg *d, X86XMMReg *s, uint32_t imm);
/* SHA256RNDS2: the two message+constant dwords come from XMM0 */
void helper_sha256rnds2(CPUX86State *env, X86XMMReg *d, X86XMMReg *s);

#endif
