/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the monitor files share: the Monitor object (HMP and QMP use the
 * same struct so monitor_printf/monitor_is_qmp work on either), the
 * output path, and the HMP helpers the command files use.
 */
#ifndef KEMU_MONITOR_INTERNAL_H
#define KEMU_MONITOR_INTERNAL_H

#include "monitor/monitor.h"
#include "monitor/readline.h"

typedef struct CPUState CPUState;

struct Monitor {
    bool is_qmp;
    bool pretty;                /* QMP: pretty-printed replies */
    Chardev *chr;               /* NULL for hmp_run_line's capture */
    CharFrontend fe;
    GString *out;               /* output not yet taken by the chardev */
    bool watching;              /* waiting for room in the chardev */
    GString *capture;           /* hmp_run_line: output goes here */

    /* HMP */
    ReadLineState *rs;
    int cpu_index;              /* "cpu N"; -1: first CPU */
    bool quitting;              /* "quit": no further prompt */
    bool banner_done;
    bool mux_focus;             /* on a mux: we get the input */
    bool greet_pending;

    /* QMP: the qmp engineer's per-monitor state. */
    void *qmp;
};

/* Allocate and attach a monitor to chr (frontend handlers set by the
 * caller with chr_fe_set_handlers(&mon->fe, ...)). */
Monitor *monitor_alloc(Chardev *chr, bool is_qmp, Error **errp);
/* Raw output to the monitor's chardev (QMP uses this for JSON). */
void monitor_write(Monitor *mon, const char *buf, size_t len);
/* HMP change for a drive (block-cmds.c; vnc-cmds.c owns "change"). */
void hmp_change_medium(Monitor *mon, const char *device, const char *target,
                       const char *format, const char *mode);
/* Sets the current monitor (commands' output and error_report go there);
 * returns the previous one. */
Monitor *monitor_set_cur(Monitor *mon);
/* Every monitor, creation order. */
GPtrArray *monitor_list(void);

/* HMP internals (monitor/hmp.c). */
void hmp_handle_line(Monitor *mon, const char *line);
/* The CPU "cpu N" selected, synchronized from the accelerator. */
CPUState *mon_get_cpu(Monitor *mon);
/* Expression with $reg (monitor/hmp-expr.c); *p advances past it. */
bool hmp_eval_expr(Monitor *mon, const char **p, int64_t *val,
                   Error **errp);
/* Register value by name for $reg; false if unknown. */
bool hmp_get_reg(Monitor *mon, const char *name, int64_t *val);
/* help / help CMD / help info */
void hmp_print_help(Monitor *mon, const char *name);

#define HMP_PROMPT "(qemu) "

#endif
