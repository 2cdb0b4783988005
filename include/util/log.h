/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "-d item,..." debug logging and "-D file". */
#ifndef KEMU_LOG_H
#define KEMU_LOG_H

#include "util/error.h"

enum {
    LOG_GUEST_ERROR = 1 << 0,   /* guest did something invalid */
    LOG_UNIMP       = 1 << 1,   /* guest used something not implemented */
    LOG_INT         = 1 << 2,   /* interrupts and exceptions */
    LOG_CPU_RESET   = 1 << 3,   /* CPU state at reset */
    LOG_IN_ASM      = 1 << 4,   /* reserved for TCG */
    LOG_OP          = 1 << 5,   /* reserved for TCG */
    LOG_OUT_ASM     = 1 << 6,   /* reserved for TCG */
    LOG_EXEC        = 1 << 7,   /* reserved for TCG */
    LOG_CPU         = 1 << 8,   /* reserved for TCG */
    LOG_TRACE_IO    = 1 << 9,   /* every port and MMIO access (slow) */
    LOG_OP_OPT      = 1 << 10,  /* TCG ops after the optimizer */
};

extern int kemu_loglevel;

static inline bool kemu_log_enabled(int mask)
{
    return (kemu_loglevel & mask) != 0;
}

/* Writes to the -D file (stderr by default); thread-safe. */
void kemu_log(const char *fmt, ...) KEMU_PRINTF(1, 2);
#define kemu_log_mask(mask, ...) do {           \
        if (unlikely(kemu_log_enabled(mask))) { \
            kemu_log(__VA_ARGS__);              \
        }                                       \
    } while (0)

/* Parses "guest_errors,unimp"; returns the mask or sets errp. */
int log_parse_items(const char *str, Error **errp);
/* Prints the "-d help" list to stdout. */
void log_print_help(void);
/* The same list into out; with_none adds the monitor's "none" item. */
void log_help_text(GString *out, bool with_none);
bool log_set_file(const char *path, Error **errp);
void log_set_mask(int mask);

#endif
