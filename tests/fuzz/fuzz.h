/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz targets: each tests/fuzz/NAME-fuzz.c defines libFuzzer's entry
 * points. With -Dfuzzing=true (clang) each becomes a libFuzzer binary;
 * in every build each is also linked with replay-main.c into a program
 * that runs saved inputs (corpus, tests/fuzz/crashes/) through the same
 * code, so `make check` keeps every crash ever found fixed.
 *
 * The helpers below build one machine in-process (the real command line,
 * -accel qtest) and feed bytes to a chardev the way a client would.
 */
#ifndef KEMU_FUZZ_H
#define KEMU_FUZZ_H

#include "util/osdep.h"
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Builds the machine: "-accel qtest -display none -nodefaults -S", the
 * machine arguments of $KEMU_FUZZ_ARGS (default: -M pc -m 64), then the
 * target's own extra arguments (NULL-terminated). Once per process. */
void fuzz_machine_init(const char *const *extra);

/* A unix socket path in a private temporary directory for the target's
 * chardev (socket,server=on,wait=off). */
const char *fuzz_socket_path(const char *name);
/* One client session: connects to path, sends data while draining what
 * kemu answers, half-closes, and runs the main loop until kemu has read
 * everything and hung up. Each input thus starts a fresh session. */
void fuzz_socket_session(const char *path, const uint8_t *data, size_t size);

/* Refuses monitor commands that would end the process or touch host
 * files (quit, memsave, ...); installed by the monitor targets. */
void fuzz_install_monitor_filter(void);

/* Reads an input front to back; past its end every byte reads as 0, so
 * a short input is just a shorter run, never an error. */
typedef struct FuzzReader {
    const uint8_t *p;
    size_t left;
} FuzzReader;

/* The next n bytes (n <= 8) as a little-endian number. */
static inline uint64_t fuzz_take(FuzzReader *r, unsigned n)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < n; i++) {
        v |= (uint64_t)(r->left ? (r->left--, *r->p++) : 0) << (8 * i);
    }
    return v;
}

#endif
