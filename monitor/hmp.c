/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The human monitor: a readline on a chardev, argument parsing by each
 * command's spec, dispatch, help, and hmp_run_line for QMP's
 * human-monitor-command.
 */
#include "monitor/monitor-internal.h"
#include "hw/core/cpu.h"
#include "util/main-loop.h"
#include "config-host.h"

struct HmpArgs {
    GHashTable *h;              /* name -> value string */
};

const char *hmp_arg_str(const HmpArgs *a, const char *name)
{
    return g_hash_table_lookup(a->h, name);
}

bool hmp_arg_has(const HmpArgs *a, const char *name)
{
    return g_hash_table_contains(a->h, name);
}

int64_t hmp_arg_int(const HmpArgs *a, const char *name, int64_t def)
{
    const char *s = hmp_arg_str(a, name);
    return s ? g_ascii_strtoll(s, NULL, 10) : def;
}

bool hmp_arg_bool(const HmpArgs *a, const char *name)
{
    return hmp_arg_has(a, name);
}

/* ---- the current CPU ---- */

CPUState *mon_get_cpu(Monitor *mon)
{
    CPUState *cpu = NULL;

    if (mon && mon->cpu_index >= 0) {
        cpu = qemu_get_cpu(mon->cpu_index);
    }
    if (!cpu) {
        cpu = first_cpu;
    }
    if (cpu) {
        cpu_synchronize_state(cpu);
    }
    return cpu;
}

/* ---- argument parsing ---- */

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    return p;
}

/* A word, or a "quoted string" with \" \\ \n escapes. */
static char *get_word(const char **pp, Error **errp)
{
    const char *p = skip_ws(*pp);
    GString *s = g_string_new(NULL);

    if (*p == '"') {
        p++;
        while (*p && *p != '"') {
            if (*p == '\\' && p[1]) {
                p++;
                g_string_append_c(s, *p == 'n' ? '\n' : *p);
            } else {
                g_string_append_c(s, *p);
            }
            p++;
        }
        if (*p != '"') {
            error_setg(errp, "unterminated string literal");
            g_string_free(s, true);
            return NULL;
        }
        p++;
    } else {
        while (*p && *p != ' ' && *p != '\t') {
            g_string_append_c(s, *p++);
        }
    }
    *pp = p;
    return g_string_free(s, false);
}

/*
 * Fills args from p per spec ("fmt:/,addr:l", "-a,vcpu:i?"); on error
 * prints QEMU's message and returns false.
 */
static bool parse_args(Monitor *mon, const MonitorCommand *cmd,
                       const char *p, HmpArgs *args)
{
    g_auto(GStrv) items = g_strsplit(cmd->hmp_args ? cmd->hmp_args : "",
                                     ",", -1);
    const char *cmdname = cmd->hmp_name;
    Error *err = NULL;

    if (!strncmp(cmdname, "info ", 5)) {
        cmdname += 5;
    }
    for (int i = 0; items[i]; i++) {
        char *item = items[i];
        char *colon = strchr(item, ':');
        const char *name = item, *type;
        bool optional;
        size_t tl;

        if (!*item) {
            continue;
        }
        if (item[0] == '-') {          /* "-a": flag named "a" */
            name = item + 1;
            type = item;
        } else if (colon) {
            *colon = 0;
            type = colon + 1;
        } else {
            type = "s";
        }
        tl = strlen(type);
        optional = tl && type[tl - 1] == '?';
        p = skip_ws(p);

        if (type[0] == '-') {
            if (p[0] == '-' && p[1] == type[1] &&
                (!p[2] || p[2] == ' ' || p[2] == '\t')) {
                p += 2;
                if (type[2] == 's') {   /* "-fs": the flag takes a word */
                    char *w;
                    p = skip_ws(p);
                    w = *p ? get_word(&p, &err) : NULL;
                    if (!w) {
                        if (err) {
                            monitor_printf(mon, "%s\n",
                                           error_get_pretty(err));
                            error_free(err);
                        } else {
                            monitor_printf(mon, "%s: string expected\n",
                                           cmdname);
                        }
                        return false;
                    }
                    g_hash_table_insert(args->h, g_strdup(name), w);
                } else {
                    g_hash_table_insert(args->h, g_strdup(name),
                                        g_strdup("on"));
                }
            }
            continue;
        }
        if (type[0] == '/') {
            if (*p == '/') {
                g_autofree char *w = get_word(&p, NULL);
                g_hash_table_insert(args->h, g_strdup(name),
                                    g_strdup(w + 1));
            }
            continue;
        }
        if (!*p) {
            if (optional) {
                continue;
            }
            if (type[0] == 'i' || type[0] == 'l') {
                monitor_printf(mon, "unexpected end of expression\n");
            } else {
                monitor_printf(mon, "%s: string expected\n", cmdname);
            }
            return false;
        }
        switch (type[0]) {
        case 'i':
        case 'l': {
            int64_t v;
            if (!hmp_eval_expr(mon, &p, &v, &err)) {
                monitor_printf(mon, "%s\n", error_get_pretty(err));
                error_free(err);
                return false;
            }
            g_hash_table_insert(args->h, g_strdup(name),
                                g_strdup_printf("%" PRId64, v));
            break;
        }
        case 'S': {
            size_t n = strlen(p);
            while (n && (p[n - 1] == ' ' || p[n - 1] == '\t')) {
                n--;
            }
            g_hash_table_insert(args->h, g_strdup(name), g_strndup(p, n));
            p += strlen(p);
            break;
        }
        default: {
            char *w = get_word(&p, &err);
            if (!w) {
                monitor_printf(mon, "%s\n", error_get_pretty(err));
                error_free(err);
                return false;
            }
            g_hash_table_insert(args->h, g_strdup(name), w);
            break;
        }
        }
    }
    p = skip_ws(p);
    if (*p) {
        monitor_printf(mon, "%s: extraneous characters at the end of line\n",
                       cmdname);
        return false;
    }
    return true;
}

/* ---- help ---- */

static gint cmp_name(gconstpointer a, gconstpointer b)
{
    const MonitorCommand *x = *(const MonitorCommand *const *)a;
    const MonitorCommand *y = *(const MonitorCommand *const *)b;
    return strcmp(x->hmp_name, y->hmp_name);
}

static void print_cmd_help(Monitor *mon, const MonitorCommand *c)
{
    monitor_printf(mon, "%s%s%s %s -- %s\n", c->hmp_name,
                   c->hmp_alias ? "|" : "", c->hmp_alias ? c->hmp_alias : "",
                   c->hmp_params ? c->hmp_params : "",
                   c->hmp_help ? c->hmp_help : "");
}

/* name NULL: every top-level command; "info": every info subcommand. */
void hmp_print_help(Monitor *mon, const char *name)
{
    GPtrArray *all = monitor_commands();
    g_autoptr(GPtrArray) list = g_ptr_array_new();
    bool info = name && !strcmp(name, "info");

    for (guint i = 0; i < all->len; i++) {
        const MonitorCommand *c = all->pdata[i];
        bool is_info;

        if (!c->hmp || !c->hmp_name) {
            continue;
        }
        is_info = !strncmp(c->hmp_name, "info ", 5);
        if (name && !info) {
            if (!strcmp(c->hmp_name, name) ||
                (c->hmp_alias && !strcmp(c->hmp_alias, name))) {
                g_ptr_array_add(list, (gpointer)c);
            }
        } else if (info == is_info) {
            g_ptr_array_add(list, (gpointer)c);
        }
    }
    if (name && !info && !list->len) {
        monitor_printf(mon, "unknown command: '%s'\n", name);
        return;
    }
    g_ptr_array_sort(list, cmp_name);
    for (guint i = 0; i < list->len; i++) {
        print_cmd_help(mon, list->pdata[i]);
    }
}

/* ---- running a line ---- */

void hmp_handle_line(Monitor *mon, const char *line)
{
    const char *p = skip_ws(line);
    g_autofree char *word = NULL;
    g_autofree char *full = NULL;
    const MonitorCommand *cmd;
    HmpArgs args;
    Monitor *old;
    size_t n;

    if (!*p) {
        return;
    }
    /* The command name ends at a space or at the '/' of x/4xw. */
    n = strcspn(p, " \t/");
    word = g_strndup(p, n);
    p += n;
    if (!strcmp(word, "info")) {
        g_autofree char *sub = NULL;
        p = skip_ws(p);
        n = strcspn(p, " \t");
        sub = g_strndup(p, n);
        p += n;
        full = g_strdup_printf("info %s", sub);
        cmd = *sub ? monitor_find_hmp(full) : NULL;
        if (!cmd) {
            /* A bare "info" asks for the list; a wrong one is told so. */
            if (*sub) {
                monitor_printf(mon, "unknown command: '%s'\n", full);
            }
            hmp_print_help(mon, "info");
            return;
        }
    } else {
        cmd = monitor_find_hmp(word);
        if (!cmd) {
            monitor_printf(mon, "unknown command: '%s'\n", word);
            return;
        }
    }

    args.h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    old = monitor_set_cur(mon);
    if (parse_args(mon, cmd, p, &args)) {
        cmd->hmp(mon, &args);
    } else {
        monitor_printf(mon, "Try \"help %s\" for more information\n",
                       cmd->hmp_name);
    }
    monitor_set_cur(old);
    g_hash_table_destroy(args.h);
}

bool hmp_run_line(const char *line, GString *out, Error **errp)
{
    Monitor mon = { .capture = out, .cpu_index = -1 };
    Monitor *cur = monitor_cur();

    (void)errp;
    /* Keep the QMP client's chosen CPU if it has one (QEMU: cpu-index). */
    if (cur && !cur->is_qmp) {
        mon.cpu_index = cur->cpu_index;
    }
    mon.out = g_string_new(NULL);
    hmp_handle_line(&mon, line);
    g_string_free(mon.out, true);
    return true;
}

/* ---- the HMP frontend ---- */

static void hmp_rl_out(void *opaque, const char *s)
{
    monitor_write(opaque, s, strlen(s));
}

static void hmp_rl_done(void *opaque, const char *line)
{
    Monitor *mon = opaque;

    hmp_handle_line(mon, line);
    if (!mon->quitting) {
        readline_start(mon->rs, HMP_PROMPT);
    }
}

static int hmp_can_read(void *opaque)
{
    Monitor *mon = opaque;

    /* Hold input while a lot of output waits for a slow reader. */
    return mon->quitting || mon->out->len > 64 * 1024 ? 0 : 1024;
}

static void hmp_read(void *opaque, const uint8_t *buf, int size)
{
    Monitor *mon = opaque;

    for (int i = 0; i < size && !mon->quitting; i++) {
        readline_handle_byte(mon->rs, buf[i]);
    }
}

static void hmp_greet(Monitor *mon)
{
    /* Every new socket client gets the banner; a mux shows it once. */
    if (!mon->banner_done || !chr_is_mux(mon->fe.chr)) {
        mon->banner_done = true;
        monitor_printf(mon, "kemu %s monitor - type 'help' for more "
                       "information\n", KEMU_VERSION);
    }
    readline_start(mon->rs, HMP_PROMPT);
}

/* On a mux the monitor greets when it gets the focus (Ctrl-a c), as
 * QEMU does; checked from the main loop so the focus shuffling while
 * frontends attach at startup shows nothing. */
static void hmp_mux_focus_bh(void *opaque)
{
    Monitor *mon = opaque;

    mon->greet_pending = false;
    if (mon->mux_focus) {
        hmp_greet(mon);
    }
}

static void hmp_event(void *opaque, ChrEvent event)
{
    Monitor *mon = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
        if (!chr_is_mux(mon->chr)) {
            hmp_greet(mon);
        }
        break;
    case CHR_EVENT_MUX_IN:
        mon->mux_focus = true;
        if (!mon->greet_pending) {
            mon->greet_pending = true;
            main_loop_bh_schedule(hmp_mux_focus_bh, mon);
        }
        break;
    case CHR_EVENT_MUX_OUT:
        /* Leave the prompt's line, so coming back starts a fresh one. */
        if (mon->mux_focus && mon->banner_done) {
            monitor_puts(mon, "\n");
        }
        mon->mux_focus = false;
        break;
    default:
        break;
    }
}

/* Line editing where a person types: a terminal behind the chardev. */
static bool chr_is_terminal(Chardev *chr)
{
    if (chr->echo_expected) {
        return true;    /* a telnet client in character mode */
    }
    if (chr->read_fd >= 0 && isatty(chr->read_fd)) {
        return true;
    }
    /* The mux shares stdio (-nographic, mon:stdio). */
    return chr_is_mux(chr) && isatty(0);
}

Monitor *monitor_new_hmp(Chardev *chr, Error **errp)
{
    Monitor *mon = monitor_alloc(chr, false, errp);

    if (!mon) {
        return NULL;
    }
    mon->rs = readline_new(chr_is_terminal(chr), hmp_rl_out, hmp_rl_done,
                           mon);
    chr_fe_set_handlers(&mon->fe, hmp_can_read, hmp_read, hmp_event, mon);
    return mon;
}
