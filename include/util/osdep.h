/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Common includes and small helpers every kemu file starts with. */
#ifndef KEMU_OSDEP_H
#define KEMU_OSDEP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <inttypes.h>
#include <unistd.h>
#include <glib.h>

#ifndef container_of
#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr) - offsetof(type, member)))
#endif
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define KEMU_PACKED __attribute__((packed))
#define KEMU_NORETURN __attribute__((noreturn))
#define KEMU_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define ROUND_UP(n, d) (((n) + (d) - 1) & -(__typeof__(n))(d))
#define ROUND_DOWN(n, d) ((n) & -(__typeof__(n))(d))
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define TiB (1ULL << 40)

/* Extract/deposit bit fields. */
static inline uint64_t extract64(uint64_t v, int start, int len)
{
    return (v >> start) & (~0ULL >> (64 - len));
}
static inline uint64_t deposit64(uint64_t v, int start, int len, uint64_t f)
{
    uint64_t mask = (~0ULL >> (64 - len)) << start;
    return (v & ~mask) | ((f << start) & mask);
}

/* Name of the running program, for messages ("kemu-system-x86_64"). */
extern const char *kemu_prog_name;

#endif
