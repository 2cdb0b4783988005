/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "-d" debug log items and the "-D" log file. */
#include "util/osdep.h"
#include "util/log.h"

int kemu_loglevel;
static FILE *log_file;
static GMutex log_lock;

static const struct {
    int mask;
    const char *name;
    const char *help;
} log_items[] = {
    { LOG_OUT_ASM, "out_asm", "host code generated for each translated block (TCG)" },
    { LOG_IN_ASM, "in_asm", "guest code of each translated block (TCG)" },
    { LOG_OP, "op", "intermediate ops of each translated block (TCG)" },
    { LOG_OP_OPT, "op_opt", "the same after optimization (TCG)" },
    { LOG_INT, "int", "interrupts and exceptions, one line each" },
    { LOG_EXEC, "exec", "every block executed (TCG; very verbose)" },
    { LOG_CPU, "cpu", "registers before every block (TCG; very verbose)" },
    { LOG_CPU_RESET, "cpu_reset", "CPU registers at every CPU reset" },
    { LOG_UNIMP, "unimp", "guest use of features kemu does not implement" },
    { LOG_GUEST_ERROR, "guest_errors",
      "invalid guest actions (bad register, bad descriptor, bad access)" },
    { LOG_TRACE_IO, "trace_io", "every port and MMIO access a device serves (slow)" },
};

void kemu_log(const char *fmt, ...)
{
    va_list ap;

    g_mutex_lock(&log_lock);
    va_start(ap, fmt);
    vfprintf(log_file ? log_file : stderr, fmt, ap);
    va_end(ap);
    fflush(log_file ? log_file : stderr);
    g_mutex_unlock(&log_lock);
}

int log_parse_items(const char *str, Error **errp)
{
    char **items = g_strsplit(str, ",", -1);
    int mask = 0;

    for (char **p = items; *p; p++) {
        bool found = false;
        if (!strcmp(*p, "all")) {
            for (size_t i = 0; i < ARRAY_SIZE(log_items); i++) {
                mask |= log_items[i].mask;
            }
            continue;
        }
        for (size_t i = 0; i < ARRAY_SIZE(log_items); i++) {
            if (!strcmp(*p, log_items[i].name)) {
                mask |= log_items[i].mask;
                found = true;
            }
        }
        if (!found) {
            error_setg(errp, "Invalid -d option \"%s\"", *p);
            g_strfreev(items);
            return -1;
        }
    }
    g_strfreev(items);
    return mask;
}

void log_help_text(GString *out, bool with_none)
{
    g_string_append(out, "Log items (comma separated):\n");
    if (with_none) {
        g_string_append_printf(out, "%-15s %s\n", "none",
                               "switch every item off");
    }
    for (size_t i = 0; i < ARRAY_SIZE(log_items); i++) {
        g_string_append_printf(out, "%-15s %s\n", log_items[i].name,
                               log_items[i].help);
    }
}

void log_print_help(void)
{
    GString *out = g_string_new(NULL);

    log_help_text(out, false);
    fputs(out->str, stdout);
    g_string_free(out, TRUE);
}

bool log_set_file(const char *path, Error **errp)
{
    FILE *f = fopen(path, "w");

    if (!f) {
        error_setg_errno(errp, errno, "Could not open log file '%s'", path);
        return false;
    }
    setvbuf(f, NULL, _IOLBF, 0);
    g_mutex_lock(&log_lock);
    if (log_file) {
        fclose(log_file);
    }
    log_file = f;
    g_mutex_unlock(&log_lock);
    return true;
}

void log_set_mask(int mask)
{
    kemu_loglevel = mask;
}
