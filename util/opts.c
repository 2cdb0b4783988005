/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QEMU's "key=value,..." option grammar and the scalar parsers. */
#include "util/osdep.h"
#include "util/opts.h"

Opts *opts_new(void)
{
    Opts *o = g_new0(Opts, 1);
    o->pairs = g_array_new(FALSE, TRUE, sizeof(OptPair));
    return o;
}

void opts_free(Opts *opts)
{
    if (!opts) {
        return;
    }
    for (guint i = 0; i < opts->pairs->len; i++) {
        OptPair *p = &g_array_index(opts->pairs, OptPair, i);
        g_free(p->key);
        g_free(p->value);
    }
    g_array_free(opts->pairs, TRUE);
    g_free(opts->id);
    g_free(opts);
}

void opts_set(Opts *opts, const char *key, const char *value)
{
    OptPair p = { .key = g_strdup(key), .value = g_strdup(value) };
    g_array_append_val(opts->pairs, p);
    if (!strcmp(key, "id")) {
        g_free(opts->id);
        opts->id = g_strdup(value);
    }
}

/* Copies text up to delim (or ',') into out, turning ",," into ','. */
static const char *get_token(const char *p, char delim, GString *out)
{
    g_string_truncate(out, 0);
    while (*p) {
        if (*p == ',') {
            if (p[1] == ',') {
                g_string_append_c(out, ',');
                p += 2;
                continue;
            }
            break;
        }
        if (delim && *p == delim) {
            break;
        }
        g_string_append_c(out, *p++);
    }
    return p;
}

Opts *opts_parse(const char *str, const char *implied_key,
                 bool allow_bare_flags, Error **errp)
{
    Opts *opts = opts_new();
    GString *key = g_string_new(NULL), *val = g_string_new(NULL);
    const char *p = str;
    bool first = true;

    while (*p) {
        const char *q = get_token(p, '=', key);
        if (*q == '=') {
            p = get_token(q + 1, 0, val);
            if (!key->len) {
                error_setg(errp, "Invalid parameter ''");
                goto fail;
            }
            opts_set(opts, key->str, val->str);
        } else if (first && implied_key) {
            /* "help" here becomes implied_key=help: opts_wants_help sees it */
            p = q;
            opts_set(opts, implied_key, key->str);
        } else {
            p = q;
            if (!strcmp(key->str, "help") || !strcmp(key->str, "?")) {
                opts_set(opts, "help", "on");
            } else if (!key->len) {
                /* empty element (e.g. trailing comma): ignored */
            } else if (allow_bare_flags) {
                if (g_str_has_prefix(key->str, "no") && key->len > 2) {
                    opts_set(opts, key->str + 2, "off");
                } else {
                    opts_set(opts, key->str, "on");
                }
            } else {
                error_setg(errp, "Expected '=' after parameter '%s'",
                           key->str);
                goto fail;
            }
        }
        first = false;
        if (*p == ',') {
            p++;
        }
    }
    g_string_free(key, TRUE);
    g_string_free(val, TRUE);
    return opts;

fail:
    g_string_free(key, TRUE);
    g_string_free(val, TRUE);
    opts_free(opts);
    return NULL;
}

static OptPair *find_last(Opts *opts, const char *key)
{
    OptPair *found = NULL;
    for (guint i = 0; i < opts->pairs->len; i++) {
        OptPair *p = &g_array_index(opts->pairs, OptPair, i);
        if (!strcmp(p->key, key)) {
            p->used = true;     /* every occurrence is consumed */
            found = p;
        }
    }
    return found;
}

const char *opts_get(Opts *opts, const char *key)
{
    OptPair *p = find_last(opts, key);
    return p ? p->value : NULL;
}

bool opts_has(Opts *opts, const char *key)
{
    for (guint i = 0; i < opts->pairs->len; i++) {
        if (!strcmp(g_array_index(opts->pairs, OptPair, i).key, key)) {
            return true;
        }
    }
    return false;
}

bool opts_get_bool(Opts *opts, const char *key, bool def, Error **errp)
{
    const char *v = opts_get(opts, key);
    bool b = def;
    if (v && !parse_bool(v, &b, key, errp)) {
        return def;
    }
    return b;
}

uint64_t opts_get_number(Opts *opts, const char *key, uint64_t def,
                         Error **errp)
{
    const char *v = opts_get(opts, key);
    uint64_t n = def;
    if (v && !parse_uint64(v, &n, key, errp)) {
        return def;
    }
    return n;
}

uint64_t opts_get_size(Opts *opts, const char *key, uint64_t def,
                       Error **errp)
{
    const char *v = opts_get(opts, key);
    uint64_t n = def;
    if (v && !parse_size(v, &n, 'B', key, errp)) {
        return def;
    }
    return n;
}

bool opts_wants_help(Opts *opts)
{
    for (guint i = 0; i < opts->pairs->len; i++) {
        OptPair *p = &g_array_index(opts->pairs, OptPair, i);
        if (!strcmp(p->key, "help") || !strcmp(p->value, "help") ||
            !strcmp(p->value, "?")) {
            p->used = true;
            return true;
        }
    }
    return false;
}

const char *opts_first_unused(Opts *opts)
{
    for (guint i = 0; i < opts->pairs->len; i++) {
        OptPair *p = &g_array_index(opts->pairs, OptPair, i);
        if (!p->used) {
            return p->key;
        }
    }
    return NULL;
}

bool opts_check_all_used(Opts *opts, Error **errp)
{
    const char *k = opts_first_unused(opts);
    if (k) {
        error_setg(errp, "Invalid parameter '%s'", k);
        return false;
    }
    return true;
}

bool parse_bool(const char *str, bool *out, const char *name, Error **errp)
{
    if (!strcmp(str, "on") || !strcmp(str, "yes") || !strcmp(str, "true") ||
        !strcmp(str, "y")) {
        *out = true;
        return true;
    }
    if (!strcmp(str, "off") || !strcmp(str, "no") || !strcmp(str, "false") ||
        !strcmp(str, "n")) {
        *out = false;
        return true;
    }
    error_setg(errp, "Parameter '%s' expects 'on' or 'off'", name);
    return false;
}

bool parse_uint64(const char *str, uint64_t *out, const char *name,
                  Error **errp)
{
    char *end;
    unsigned long long v;

    while (g_ascii_isspace(*str)) {
        str++;
    }
    if (*str == '-' || !*str) {
        goto bad;
    }
    errno = 0;
    v = strtoull(str, &end, 0);
    if (errno || *end) {
        goto bad;
    }
    *out = v;
    return true;
bad:
    error_setg(errp, "Parameter '%s' expects integer", name);
    return false;
}

bool parse_int64(const char *str, int64_t *out, const char *name,
                 Error **errp)
{
    char *end;
    long long v;

    if (!*str) {
        goto bad;
    }
    errno = 0;
    v = strtoll(str, &end, 0);
    if (errno || *end) {
        goto bad;
    }
    *out = v;
    return true;
bad:
    error_setg(errp, "Parameter '%s' expects integer", name);
    return false;
}

static int suffix_shift(char c)
{
    switch (g_ascii_toupper(c)) {
    case 'B': return 0;
    case 'K': return 10;
    case 'M': return 20;
    case 'G': return 30;
    case 'T': return 40;
    case 'P': return 50;
    case 'E': return 60;
    default: return -1;
    }
}

bool parse_size(const char *str, uint64_t *out, char default_suffix,
                const char *name, Error **errp)
{
    const char *p = str, *frac = NULL;
    uint64_t ip = 0;
    double fr = 0;
    int shift;
    char *end;

    while (g_ascii_isspace(*p)) {
        p++;
    }
    if (!g_ascii_isdigit(*p)) {
        goto bad;
    }
    /* Hex has no suffix or fraction ("0x10" is 16 bytes). */
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        errno = 0;
        ip = strtoull(p, &end, 16);
        if (errno || *end || end == p + 2) {
            goto bad;
        }
        *out = ip;
        return true;
    }
    errno = 0;
    ip = strtoull(p, &end, 10);
    if (errno) {
        goto bad;
    }
    p = end;
    if (*p == '.') {
        frac = p;
        fr = strtod(p, &end);
        if (end == p + 1) {
            goto bad;
        }
        p = end;
    }
    if (*p) {
        shift = suffix_shift(*p);
        if (shift < 0 || p[1]) {
            goto bad;
        }
    } else {
        /* A fraction needs an explicit unit (QEMU rejects "1.5"). */
        if (frac) {
            goto bad;
        }
        shift = suffix_shift(default_suffix);
        if (shift < 0) {
            shift = 0;
        }
    }
    if (shift && (ip >> (64 - shift))) {
        goto bad;
    }
    {
        uint64_t v = ip << shift;
        uint64_t add = (uint64_t)(fr * (double)(1ULL << shift));
        if (v + add < v) {
            goto bad;
        }
        *out = v + add;
    }
    return true;

bad:
    error_setg(errp, "Parameter '%s' expects a non-negative number below 2^64",
               name);
    error_append_hint(errp, "Optional suffix k, M, G, T, P or E means kilo-, "
                      "mega-, giga-, tera-, peta-\n"
                      "and exabytes, respectively.\n");
    return false;
}

char *size_to_str(uint64_t size)
{
    static const char *const units[] = {
        "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"
    };
    int i = 0;
    double v = size;

    while (v >= 1024 && i < 6) {
        v /= 1024;
        i++;
    }
    if (i == 0) {
        return g_strdup_printf("%" PRIu64 " B", size);
    }
    if (v == (uint64_t)v) {
        return g_strdup_printf("%" PRIu64 " %s", (uint64_t)v, units[i]);
    }
    return g_strdup_printf("%0.3g %s", v, units[i]);
}

/* QEMU's rule for ids (-device id=, -object id=, ...): a letter, then
 * letters, digits, '-', '.', '_'. */
bool id_wellformed(const char *id)
{
    if (!g_ascii_isalpha(id[0])) {
        return false;
    }
    for (const char *p = id; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("-._", *p)) {
            return false;
        }
    }
    return true;
}
