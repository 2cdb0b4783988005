/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HMP integer expressions: numbers (decimal, 0x hex, 0 octal), $reg,
 * parentheses, unary - + ~, and * / % + - & | ^ << >> with C precedence
 * (shifts, and, xor, or loosest). Whitespace may surround operators; the
 * expression ends where no operator follows, so "memsave 0 10 f" works.
 */
#include "monitor/monitor-internal.h"
#include "hw/core/cpu.h"
#include "target/i386/cpu.h"

typedef struct Expr {
    Monitor *mon;
    const char *p;
    Error **errp;
    bool failed;
} Expr;

static void expr_error(Expr *e, const char *msg)
{
    if (!e->failed) {
        error_setg(e->errp, "%s", msg);
        e->failed = true;
    }
}

static void skip(Expr *e)
{
    while (*e->p == ' ' || *e->p == '\t') {
        e->p++;
    }
}

bool hmp_get_reg(Monitor *mon, const char *name, int64_t *val)
{
    static const char *const gpr64[16] = {
        "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
    };
    static const char *const gpr32[8] = {
        "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
    };
    static const char *const seg[6] = { "es", "cs", "ss", "ds", "fs", "gs" };
    CPUState *cs = mon_get_cpu(mon);
    CPUX86State *env;

    if (!cs) {
        return false;
    }
    env = &X86_CPU(cs)->env;
    for (int i = 0; i < 16; i++) {
        if (!strcmp(name, gpr64[i])) {
            *val = env->regs[i];
            return true;
        }
    }
    for (int i = 0; i < 8; i++) {
        if (!strcmp(name, gpr32[i])) {
            *val = (int32_t)env->regs[i];
            return true;
        }
    }
    for (int i = 0; i < 6; i++) {
        if (!strcmp(name, seg[i])) {
            *val = env->segs[i].selector;
            return true;
        }
    }
    if (!strcmp(name, "pc")) {
        *val = env->segs[R_CS].base + env->rip;
    } else if (!strcmp(name, "rip") || !strcmp(name, "eip")) {
        *val = !strcmp(name, "eip") ? (int32_t)env->rip : (int64_t)env->rip;
    } else if (!strcmp(name, "eflags") || !strcmp(name, "rflags")) {
        *val = env->rflags;
    } else if (!strcmp(name, "cr0")) {
        *val = env->cr[0];
    } else if (!strcmp(name, "cr2")) {
        *val = env->cr[2];
    } else if (!strcmp(name, "cr3")) {
        *val = env->cr[3];
    } else if (!strcmp(name, "cr4")) {
        *val = env->cr[4];
    } else if (!strcmp(name, "efer")) {
        *val = env->efer;
    } else {
        return false;
    }
    return true;
}

static int64_t parse_or(Expr *e);

static int64_t parse_unary(Expr *e)
{
    int64_t v = 0;

    skip(e);
    switch (*e->p) {
    case '+':
        e->p++;
        return parse_unary(e);
    case '-':
        e->p++;
        return -parse_unary(e);
    case '~':
        e->p++;
        return ~parse_unary(e);
    case '(':
        e->p++;
        v = parse_or(e);
        skip(e);
        if (*e->p != ')') {
            expr_error(e, "')' expected");
        } else {
            e->p++;
        }
        return v;
    case '$': {
        const char *s = ++e->p;
        while (g_ascii_isalnum(*e->p) || *e->p == '_' || *e->p == '.') {
            e->p++;
        }
        g_autofree char *name = g_ascii_strdown(s, e->p - s);
        if (!hmp_get_reg(e->mon, name, &v)) {
            expr_error(e, "unknown register");
        }
        return v;
    }
    case '\0':
        expr_error(e, "unexpected end of expression");
        return 0;
    default: {
        char *end;
        errno = 0;
        v = (int64_t)g_ascii_strtoull(e->p, &end, 0);
        if (end == e->p) {
            expr_error(e, "invalid char in expression");
            return 0;
        }
        if (errno == ERANGE) {
            expr_error(e, "number too large");
        }
        e->p = end;
        return v;
    }
    }
}

/* Operator at p with its length, if it is one of ops (longest first). */
static int peek_op(Expr *e, const char *const *ops)
{
    skip(e);
    for (int i = 0; ops[i]; i++) {
        size_t n = strlen(ops[i]);
        if (!strncmp(e->p, ops[i], n)) {
            return i;
        }
    }
    return -1;
}

static int64_t parse_mul(Expr *e)
{
    static const char *const ops[] = { "*", "/", "%", NULL };
    int64_t v = parse_unary(e);
    int op;

    while (!e->failed && (op = peek_op(e, ops)) >= 0) {
        int64_t r;
        /* "memsave 0 256 /tmp/f": a path, not a division. */
        if (op == 1 && (g_ascii_isalpha(e->p[1]) || e->p[1] == '/' ||
                        e->p[1] == '.' || e->p[1] == '_')) {
            break;
        }
        e->p++;
        r = parse_unary(e);
        if (op && r == 0) {
            expr_error(e, "division by zero");
            return 0;
        }
        v = op == 0 ? v * r : op == 1 ? v / r : v % r;
    }
    return v;
}

static int64_t parse_add(Expr *e)
{
    static const char *const ops[] = { "+", "-", NULL };
    int64_t v = parse_mul(e);
    int op;

    while (!e->failed && (op = peek_op(e, ops)) >= 0) {
        e->p++;
        v = op ? v - parse_mul(e) : v + parse_mul(e);
    }
    return v;
}

static int64_t parse_shift(Expr *e)
{
    static const char *const ops[] = { "<<", ">>", NULL };
    int64_t v = parse_add(e);
    int op;

    while (!e->failed && (op = peek_op(e, ops)) >= 0) {
        int64_t r;
        e->p += 2;
        r = parse_add(e) & 63;
        v = op ? (int64_t)((uint64_t)v >> r) : (int64_t)((uint64_t)v << r);
    }
    return v;
}

static int64_t parse_and(Expr *e)
{
    static const char *const ops[] = { "&", NULL };
    int64_t v = parse_shift(e);

    while (!e->failed && peek_op(e, ops) >= 0) {
        e->p++;
        v &= parse_shift(e);
    }
    return v;
}

static int64_t parse_xor(Expr *e)
{
    static const char *const ops[] = { "^", NULL };
    int64_t v = parse_and(e);

    while (!e->failed && peek_op(e, ops) >= 0) {
        e->p++;
        v ^= parse_and(e);
    }
    return v;
}

static int64_t parse_or(Expr *e)
{
    static const char *const ops[] = { "|", NULL };
    int64_t v = parse_xor(e);

    while (!e->failed && peek_op(e, ops) >= 0) {
        e->p++;
        v |= parse_xor(e);
    }
    return v;
}

bool hmp_eval_expr(Monitor *mon, const char **p, int64_t *val,
                   Error **errp)
{
    Expr e = { .mon = mon, .p = *p, .errp = errp };
    int64_t v = parse_or(&e);

    if (e.failed) {
        return false;
    }
    *p = e.p;
    *val = v;
    return true;
}
