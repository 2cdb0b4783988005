/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runs inside a Linux guest: writes or checks MIB mebibytes of a data
 * stream that is a function of SEED and of the byte offset (xorshift64
 * words, each 512-byte block starting with its own index), so a block
 * that lands at the wrong place, goes missing or comes back stale is
 * caught. Much cheaper than urandom + sha256 under an emulated CPU.
 *   disk-pattern write SEED MIB FILE     (fsyncs, prints PATTERN_WRITTEN)
 *   disk-pattern check SEED MIB FILE     (prints PATTERN_OK or the first
 *                                         bad offset)
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (1 << 20)

static void fill(uint64_t *buf, uint64_t seed, uint64_t mib)
{
    uint64_t x = seed * 0x9e3779b97f4a7c15ull + mib + 1;

    for (size_t i = 0; i < CHUNK / 8; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf[i] = (i % 64 == 0) ? (mib * CHUNK + i * 8) / 512 : x;
    }
}

int main(int argc, char **argv)
{
    static uint64_t want[CHUNK / 8], got[CHUNK / 8];
    int writing;
    uint64_t seed, mib;
    int fd;

    if (argc != 5) {
        fprintf(stderr, "usage: disk-pattern write|check SEED MIB FILE\n");
        return 2;
    }
    writing = !strcmp(argv[1], "write");
    seed = strtoull(argv[2], NULL, 0);
    mib = strtoull(argv[3], NULL, 0);
    fd = open(argv[4], writing ? O_WRONLY | O_CREAT | O_TRUNC : O_RDONLY,
              0644);
    if (fd < 0) {
        perror(argv[4]);
        return 1;
    }
    for (uint64_t m = 0; m < mib; m++) {
        fill(want, seed, m);
        if (writing) {
            if (write(fd, want, CHUNK) != CHUNK) {
                perror("write");
                return 1;
            }
            continue;
        }
        if (read(fd, got, CHUNK) != CHUNK) {
            printf("PATTERN_SHORT at %llu MiB\n", (unsigned long long)m);
            return 1;
        }
        if (memcmp(want, got, CHUNK)) {
            for (size_t i = 0; i < CHUNK / 8; i++) {
                if (want[i] != got[i]) {
                    printf("PATTERN_BAD at byte %llu\n",
                           (unsigned long long)(m * CHUNK + i * 8));
                    return 1;
                }
            }
        }
    }
    if (writing && fsync(fd) < 0) {
        perror("fsync");
        return 1;
    }
    printf(writing ? "PATTERN_WRITTEN\n" : "PATTERN_OK\n");
    return 0;
}
