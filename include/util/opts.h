/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU's "key=value,key=value" option grammar.
 *
 *  - ",," inside a value stands for a literal ","
 *  - the first element may omit "key=" when the caller names an implied
 *    key: "-m 1G" is "size=1G", "-drive file=a,,b" has file "a,b"
 *  - a bare "flag" means "flag=on", "noflag" means "flag=off" (legacy)
 *  - "help" or "?" as a value (or as the implied element) asks for help:
 *    "-device help" gives driver=help, "-device x,help" gives help=on;
 *    opts_wants_help() is true for both
 *
 * Opts keeps the pairs in order. Lookups mark keys as used, so a caller can
 * report the first key nobody consumed as "Invalid parameter 'x'".
 */
#ifndef KEMU_OPTS_H
#define KEMU_OPTS_H

#include "util/error.h"

typedef struct OptPair {
    char *key;
    char *value;
    bool used;
} OptPair;

typedef struct Opts {
    GArray *pairs;      /* of OptPair, in command-line order */
    char *id;           /* the "id=" value, if any (also kept in pairs) */
} Opts;

/*
 * Parse str. implied_key may be NULL. When allow_bare_flags is true a
 * bare "name" means name=on and "noname" means name=off.
 */
Opts *opts_parse(const char *str, const char *implied_key,
                 bool allow_bare_flags, Error **errp);
void opts_free(Opts *opts);
Opts *opts_new(void);
void opts_set(Opts *opts, const char *key, const char *value);

/* Last value given for key (later ones win, as in QEMU), or NULL. */
const char *opts_get(Opts *opts, const char *key);
bool opts_has(Opts *opts, const char *key);
/* Typed getters: return def when absent; set errp on a malformed value. */
bool opts_get_bool(Opts *opts, const char *key, bool def, Error **errp);
uint64_t opts_get_number(Opts *opts, const char *key, uint64_t def,
                         Error **errp);
uint64_t opts_get_size(Opts *opts, const char *key, uint64_t def,
                       Error **errp);
/* true when the option asked for help ("help" / "?" anywhere). */
bool opts_wants_help(Opts *opts);
/* First key never looked up, or NULL: for "Invalid parameter 'x'". */
const char *opts_first_unused(Opts *opts);
/* Sets errp with "Invalid parameter 'x'" if any key went unused. */
bool opts_check_all_used(Opts *opts, Error **errp);

/* Scalar parsers shared by opts and object properties. */
bool parse_bool(const char *str, bool *out, const char *name, Error **errp);
/* Unsigned decimal, 0x hex or 0 octal; whole string must be a number. */
bool parse_uint64(const char *str, uint64_t *out, const char *name,
                  Error **errp);
bool parse_int64(const char *str, int64_t *out, const char *name,
                 Error **errp);
/*
 * Size with optional suffix B/K/M/G/T/P/E (case-insensitive, powers of
 * 1024) and fractions ("1.5G"). default_suffix applies when none is
 * given ('B' for bytes, 'M' for -m).
 */
bool parse_size(const char *str, uint64_t *out, char default_suffix,
                const char *name, Error **errp);
/* An id as QEMU accepts it: a letter, then letters, digits, -._ */
bool id_wellformed(const char *id);
/* "1 GiB", "512 MiB" etc. for messages and help. */
char *size_to_str(uint64_t size);

#endif
