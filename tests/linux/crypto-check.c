/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runs in the Linux guest: the kernel's AES-NI, PCLMULQDQ, CRC32 and
 * SHA-NI drivers must agree with the kernel's generic C ones on random
 * data (through AF_ALG), and /proc/crypto must say their boot-time self
 * tests passed. Prints "CRYPTO_OK" or what failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/if_alg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef SOL_ALG
#define SOL_ALG 279
#endif

static int failures;

static void fail(const char *what, const char *detail)
{
    printf("CRYPTO_FAIL %s: %s\n", what, detail);
    failures++;
}

/* An operation socket for one algorithm (by driver name), keyed */
static int alg_open(const char *type, const char *name, const void *key,
                    size_t keylen)
{
    struct sockaddr_alg sa = { .salg_family = AF_ALG };
    int tfm, op;

    strncpy((char *)sa.salg_type, type, sizeof(sa.salg_type) - 1);
    strncpy((char *)sa.salg_name, name, sizeof(sa.salg_name) - 1);
    tfm = socket(AF_ALG, SOCK_SEQPACKET, 0);
    if (tfm < 0 || bind(tfm, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        fail(name, strerror(errno));
        return -1;
    }
    if (key && setsockopt(tfm, SOL_ALG, ALG_SET_KEY, key, keylen) < 0) {
        fail(name, "setkey refused");
        close(tfm);
        return -1;
    }
    op = accept(tfm, NULL, 0);
    close(tfm);
    if (op < 0) {
        fail(name, "accept failed");
    }
    return op;
}

static int hash(const char *name, const void *key, size_t keylen,
                const void *data, size_t len, uint8_t *out, size_t outlen)
{
    int op = alg_open("hash", name, key, keylen);
    ssize_t n;

    if (op < 0) {
        return -1;
    }
    if (send(op, data, len, 0) != (ssize_t)len) {
        fail(name, "send failed");
        close(op);
        return -1;
    }
    n = read(op, out, outlen);
    close(op);
    if (n != (ssize_t)outlen) {
        fail(name, "short digest");
        return -1;
    }
    return 0;
}

static int cipher(const char *name, int enc, const void *key, size_t keylen,
                  const uint8_t *iv, const void *data, size_t len,
                  uint8_t *out)
{
    int op = alg_open("skcipher", name, key, keylen);
    char cbuf[CMSG_SPACE(4) + CMSG_SPACE(sizeof(struct af_alg_iv) + 16)];
    struct msghdr msg = { 0 };
    struct cmsghdr *c;
    struct af_alg_iv *aiv;
    struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
    ssize_t n;

    if (op < 0) {
        return -1;
    }
    memset(cbuf, 0, sizeof(cbuf));
    msg.msg_control = cbuf;
    msg.msg_controllen = sizeof(cbuf);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_ALG;
    c->cmsg_type = ALG_SET_OP;
    c->cmsg_len = CMSG_LEN(4);
    *(uint32_t *)CMSG_DATA(c) = enc ? ALG_OP_ENCRYPT : ALG_OP_DECRYPT;
    c = CMSG_NXTHDR(&msg, c);
    c->cmsg_level = SOL_ALG;
    c->cmsg_type = ALG_SET_IV;
    c->cmsg_len = CMSG_LEN(sizeof(*aiv) + 16);
    aiv = (struct af_alg_iv *)CMSG_DATA(c);
    aiv->ivlen = 16;
    memcpy(aiv->iv, iv, 16);
    if (sendmsg(op, &msg, 0) != (ssize_t)len) {
        fail(name, "sendmsg failed");
        close(op);
        return -1;
    }
    n = read(op, out, len);
    close(op);
    if (n != (ssize_t)len) {
        fail(name, "short output");
        return -1;
    }
    return 0;
}

static void compare_hash(const char *fast, const char *generic,
                         size_t keylen, size_t outlen)
{
    static uint8_t data[70000];
    uint8_t key[32], a[64], b[64];

    for (int round = 0; round < 8; round++) {
        /* lengths around block sizes and the drivers' bulk thresholds */
        size_t len = round == 0 ? 0 : round < 4 ? (size_t)(round * 37 + 1)
                                    : (size_t)(round * 8191 + 64);
        getrandom(data, len, 0);
        getrandom(key, sizeof(key), 0);
        if (hash(fast, keylen ? key : NULL, keylen, data, len, a, outlen) ||
            hash(generic, keylen ? key : NULL, keylen, data, len, b,
                 outlen)) {
            return;
        }
        if (memcmp(a, b, outlen)) {
            fail(fast, "differs from the generic driver");
            return;
        }
    }
}

static void compare_cipher(const char *fast, const char *generic,
                           size_t block)
{
    static uint8_t data[16384], a[16384], b[16384], back[16384];
    uint8_t key[64], iv[16];
    static const size_t keylens[] = { 16, 24, 32 };

    for (int round = 0; round < 9; round++) {
        size_t keylen = keylens[round % 3];
        size_t len = ((size_t)(round + 1) * 1531) / block * block + block;

        if (!strncmp(fast, "xts", 3)) {
            keylen = round % 2 ? 64 : 32;   /* two AES keys */
        }
        getrandom(data, len, 0);
        getrandom(key, keylen, 0);
        getrandom(iv, 16, 0);
        if (cipher(fast, 1, key, keylen, iv, data, len, a) ||
            cipher(generic, 1, key, keylen, iv, data, len, b) ||
            cipher(fast, 0, key, keylen, iv, a, len, back)) {
            return;
        }
        if (memcmp(a, b, len)) {
            fail(fast, "encryption differs from the generic driver");
            return;
        }
        if (memcmp(back, data, len)) {
            fail(fast, "decryption does not give the plaintext back");
            return;
        }
    }
}

/* Each driver we exercise must be in /proc/crypto with its self test
 * passed. */
static void check_selftests(void)
{
    static const char *const drivers[] = {
        "cbc-aes-aesni", "ctr-aes-aesni", "xts-aes-aesni", "aes-aesni",
        "crc32c-intel", "ghash-clmulni", "sha256-ni", "sha1-ni",
    };
    FILE *f = fopen("/proc/crypto", "r");
    char line[256], driver[128] = "";
    int seen[sizeof(drivers) / sizeof(drivers[0])] = { 0 };

    if (!f) {
        fail("/proc/crypto", "cannot open");
        return;
    }
    while (fgets(line, sizeof(line), f)) {
        char val[128];
        if (sscanf(line, "driver : %127s", val) == 1) {
            strcpy(driver, val);
        } else if (sscanf(line, "selftest : %127s", val) == 1) {
            for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]);
                 i++) {
                if (!strcmp(driver, drivers[i])) {
                    seen[i] = 1;
                    if (strcmp(val, "passed")) {
                        fail(driver, "self test not passed");
                    }
                }
            }
        }
    }
    fclose(f);
    for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
        if (!seen[i]) {
            fail(drivers[i], "not registered");
        }
    }
}

int main(void)
{
    check_selftests();
    compare_hash("crc32c-intel", "crc32c-generic", 0, 4);
    compare_hash("ghash-clmulni", "ghash-generic", 16, 16);
    compare_hash("sha256-ni", "sha256-generic", 0, 32);
    compare_hash("sha1-ni", "sha1-generic", 0, 20);
    compare_cipher("cbc-aes-aesni", "cbc(aes-generic)", 16);
    compare_cipher("ctr-aes-aesni", "ctr(aes-generic)", 1);
    compare_cipher("xts-aes-aesni", "xts(ecb(aes-generic))", 16);
    if (!failures) {
        printf("CRYPTO_OK\n");
    }
    return failures != 0;
}
