/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CRC32 (SSE4.2), AES-NI, PCLMULQDQ and the SHA extensions in portable
 * C, written from the Intel SDM's descriptions and FIPS 197 / 180-4: the
 * host need not have any of them. An XMM register's dword i is bits
 * 32i+31..32i; AES treats byte i as state row i % 4, column i / 4.
 */
#include "util/osdep.h"
#include <pthread.h>
#include "target/i386/tcg/tcg-cpu.h"
#include "target/i386/tcg/crypto_helper.h"

/* ---- CRC32 ---- */

#define CRC32C_POLY 0x82f63b78u   /* 0x1EDC6F41 bit-reversed */

uint64_t helper_crc32c(uint64_t crc, uint64_t val, uint32_t bits)
{
    uint32_t c = crc;

    for (unsigned i = 0; i < bits; i += 8) {
        c ^= (val >> i) & 0xff;
        for (int k = 0; k < 8; k++) {
            c = (c >> 1) ^ (CRC32C_POLY & -(c & 1));
        }
    }
    return c;
}

/* ---- AES ---- */

static uint8_t sbox[256], inv_sbox[256];
static pthread_once_t aes_once = PTHREAD_ONCE_INIT;

static uint8_t gf_mul(uint8_t a, uint8_t b)
{
    uint8_t r = 0;

    while (b) {
        if (b & 1) {
            r ^= a;
        }
        a = (a << 1) ^ ((a & 0x80) ? 0x1b : 0);
        b >>= 1;
    }
    return r;
}

static uint8_t rotl8(uint8_t x, int n)
{
    return (x << n) | (x >> (8 - n));
}

/* The S-box from its definition: multiplicative inverse in GF(2^8)
 * (x^254), then the affine map. */
static void aes_init_tables(void)
{
    for (int x = 0; x < 256; x++) {
        uint8_t inv = 1, p = x;
        /* x^254 = x^2 * x^4 * ... * x^128 */
        for (int k = 1; k < 8; k++) {
            p = gf_mul(p, p);
            inv = gf_mul(inv, p);
        }
        if (x == 0) {
            inv = 0;
        }
        uint8_t s = inv ^ rotl8(inv, 1) ^ rotl8(inv, 2) ^ rotl8(inv, 3) ^
                    rotl8(inv, 4) ^ 0x63;
        sbox[x] = s;
        inv_sbox[s] = x;
    }
}

static void mix_column(uint8_t *c, const uint8_t m[4])
{
    uint8_t a[4];

    memcpy(a, c, 4);
    for (int r = 0; r < 4; r++) {
        c[r] = gf_mul(a[0], m[(4 - r) & 3]) ^ gf_mul(a[1], m[(5 - r) & 3]) ^
               gf_mul(a[2], m[(6 - r) & 3]) ^ gf_mul(a[3], m[(7 - r) & 3]);
    }
}

/* Rows of the (circulant) MixColumns matrices, first row */
static const uint8_t mix_fwd[4] = { 2, 3, 1, 1 };
static const uint8_t mix_inv[4] = { 14, 11, 13, 9 };

void helper_aes(X86XMMReg *d, X86XMMReg *s, uint32_t kind)
{
    uint8_t st[16], out[16], key[16];
    bool enc = kind == AES_ENC || kind == AES_ENCLAST;

    pthread_once(&aes_once, aes_init_tables);
    memcpy(key, s, 16);
    if (kind == AES_IMC) {
        memcpy(out, key, 16);
        for (int c = 0; c < 4; c++) {
            mix_column(out + 4 * c, mix_inv);
        }
        memcpy(d, out, 16);
        return;
    }
    memcpy(st, d, 16);
    /* (Inv)ShiftRows with (Inv)SubBytes: they commute */
    for (int c = 0; c < 4; c++) {
        for (int r = 0; r < 4; r++) {
            int from = enc ? (c + r) & 3 : (c - r + 4) & 3;
            uint8_t v = st[r + 4 * from];
            out[r + 4 * c] = enc ? sbox[v] : inv_sbox[v];
        }
    }
    if (kind == AES_ENC || kind == AES_DEC) {
        for (int c = 0; c < 4; c++) {
            mix_column(out + 4 * c, enc ? mix_fwd : mix_inv);
        }
    }
    for (int i = 0; i < 16; i++) {
        out[i] ^= key[i];
    }
    memcpy(d, out, 16);
}

static uint32_t sub_word(uint32_t w)
{
    return sbox[w & 0xff] | (sbox[(w >> 8) & 0xff] << 8) |
           (sbox[(w >> 16) & 0xff] << 16) | ((uint32_t)sbox[w >> 24] << 24);
}

static uint32_t ror32(uint32_t x, int n)
{
    return (x >> n) | (x << (32 - n));
}

void helper_aeskeygenassist(X86XMMReg *d, X86XMMReg *s, uint32_t imm)
{
    uint32_t in[4], out[4], rcon = imm & 0xff;

    pthread_once(&aes_once, aes_init_tables);
    memcpy(in, s, 16);
    out[0] = sub_word(in[1]);
    out[1] = ror32(sub_word(in[1]), 8) ^ rcon;
    out[2] = sub_word(in[3]);
    out[3] = ror32(sub_word(in[3]), 8) ^ rcon;
    memcpy(d, out, 16);
}

/* ---- PCLMULQDQ ---- */

void helper_pclmulqdq(X86XMMReg *d, X86XMMReg *s, uint32_t imm)
{
    uint64_t a = d->q[(imm & 1) ? 1 : 0], b = s->q[(imm & 0x10) ? 1 : 0];
    uint64_t lo = 0, hi = 0;

    for (int i = 0; i < 64; i++) {
        if (b & (1ull << i)) {
            lo ^= a << i;
            hi ^= i ? a >> (64 - i) : 0;
        }
    }
    d->q[0] = lo;
    d->q[1] = hi;
}

/* ---- SHA ---- */

static uint32_t rol32(uint32_t x, int n)
{
    return (x << n) | (x >> (32 - n));
}

void helper_sha1rnds4(X86XMMReg *d, X86XMMReg *s, uint32_t imm)
{
    static const uint32_t k[4] = { 0x5a827999, 0x6ed9eba1, 0x8f1bbcdc,
                                   0xca62c1d6 };
    uint32_t x[4], w[4];
    uint32_t a, b, c, dd, e = 0;
    unsigned fn = imm & 3;

    memcpy(x, d, 16);
    memcpy(w, s, 16);
    a = x[3], b = x[2], c = x[1], dd = x[0];
    /* the first message dword already has E added (SHA1NEXTE) */
    for (int i = 0; i < 4; i++) {
        uint32_t f;
        switch (fn) {
        case 0: f = (b & c) ^ (~b & dd); break;
        case 2: f = (b & c) ^ (b & dd) ^ (c & dd); break;
        default: f = b ^ c ^ dd; break;
        }
        uint32_t t = f + rol32(a, 5) + w[3 - i] + e + k[fn];
        e = dd;
        dd = c;
        c = rol32(b, 30);
        b = a;
        a = t;
    }
    x[3] = a, x[2] = b, x[1] = c, x[0] = dd;
    memcpy(d, x, 16);
}

void helper_sha256rnds2(CPUX86State *env, X86XMMReg *d, X86XMMReg *s)
{
    uint32_t x[4], y[4], wk[4];
    uint32_t a, b, c, dd, e, f, g, h;

    memcpy(x, d, 16);
    memcpy(y, s, 16);
    memcpy(wk, &env->xmm[0], 16);
    a = y[3], b = y[2], c = x[3], dd = x[2];
    e = y[1], f = y[0], g = x[1], h = x[0];
    for (int i = 0; i < 2; i++) {
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t s1 = ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25);
        uint32_t s0 = ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22);
        uint32_t t1 = ch + s1 + wk[i] + h;
        h = g;
        g = f;
        f = e;
        e = t1 + dd;
        dd = c;
        c = b;
        b = a;
        a = t1 + maj + s0;
    }
    x[3] = a, x[2] = b, x[1] = e, x[0] = f;
    memcpy(d, x, 16);
}

static uint32_t sig0(uint32_t x)
{
    return ror32(x, 7) ^ ror32(x, 18) ^ (x >> 3);
}

static uint32_t sig1(uint32_t x)
{
    return ror32(x, 17) ^ ror32(x, 19) ^ (x >> 10);
}

void helper_sha(X86XMMReg *d, X86XMMReg *s, uint32_t kind)
{
    uint32_t a[4], b[4], r[4];

    memcpy(a, d, 16);
    memcpy(b, s, 16);
    switch (kind) {
    case SHA_1NEXTE:
        r[0] = b[0], r[1] = b[1], r[2] = b[2];
        r[3] = b[3] + rol32(a[3], 30);
        break;
    case SHA_1MSG1:
        r[3] = a[1] ^ a[3];
        r[2] = a[0] ^ a[2];
        r[1] = b[3] ^ a[1];
        r[0] = b[2] ^ a[0];
        break;
    case SHA_1MSG2:
        r[3] = rol32(a[3] ^ b[2], 1);
        r[2] = rol32(a[2] ^ b[1], 1);
        r[1] = rol32(a[1] ^ b[0], 1);
        r[0] = rol32(a[0] ^ r[3], 1);
        break;
    case SHA_256MSG1:
        r[3] = a[3] + sig0(b[0]);
        r[2] = a[2] + sig0(a[3]);
        r[1] = a[1] + sig0(a[2]);
        r[0] = a[0] + sig0(a[1]);
        break;
    default: /* SHA_256MSG2 */
        r[0] = a[0] + sig1(b[2]);
        r[1] = a[1] + sig1(b[3]);
        r[2] = a[2] + sig1(r[0]);
        r[3] = a[3] + sig1(r[1]);
        break;
    }
    memcpy(d, r, 16);
}
