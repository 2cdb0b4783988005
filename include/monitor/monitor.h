/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The monitor: one command table serves HMP (human, text) and QMP (JSON).
 * A Monitor sits on a chardev (-monitor, -mon, -qmp, mon:stdio). Commands
 * run in the main loop with the BQL held.
 *
 * A command may have an HMP form, a QMP form or both. Where both exist
 * the HMP handler usually calls the QMP one and formats its result, so
 * the two never disagree.
 */
#ifndef KEMU_MONITOR_H
#define KEMU_MONITOR_H

#include "util/error.h"
#include "chardev/char.h"
#include <json-glib/json-glib.h>

typedef struct Monitor Monitor;

/* Parsed HMP arguments: name -> value strings, per the command's spec. */
typedef struct HmpArgs HmpArgs;
const char *hmp_arg_str(const HmpArgs *a, const char *name);   /* or NULL */
bool hmp_arg_has(const HmpArgs *a, const char *name);
int64_t hmp_arg_int(const HmpArgs *a, const char *name, int64_t def);
bool hmp_arg_bool(const HmpArgs *a, const char *name);

typedef void HmpHandler(Monitor *mon, const HmpArgs *args);
/* Returns the "return" value (a new node; NULL means {}) or sets errp. */
typedef JsonNode *QmpHandler(JsonObject *args, Error **errp);

typedef struct MonitorCommand {
    /* HMP side: "stop", "info status" (info subcommands include "info ") */
    const char *hmp_name;
    const char *hmp_alias;      /* "c" for "cont", "q" for "quit" */
    /*
     * Argument spec, QEMU's notation: comma-separated "name:type" with
     * types s (word), S (rest of line), i (int), l (int expression,
     * e.g. $reg), /  (x/xp format), -a (flag), -fs (flag -f with a
     * word after it), and '?' suffix for
     * optional: "fmt:/,addr:l", "index:i", "-a".
     */
    const char *hmp_args;
    const char *hmp_params;     /* for help: "[/fmt] addr" */
    const char *hmp_help;       /* one line */
    HmpHandler *hmp;

    /* QMP side */
    const char *qmp_name;       /* "query-status" */
    QmpHandler *qmp;
    bool allow_preconfig;       /* usable before qmp_capabilities? no */
} MonitorCommand;

void monitor_register_commands(const MonitorCommand *cmds, size_t n);
const MonitorCommand *monitor_find_hmp(const char *name);
const MonitorCommand *monitor_find_qmp(const char *name);
/* For fuzz targets only: commands the filter refuses (quit, those that
 * write host files) are treated as unknown by HMP and QMP. */
void monitor_set_command_filter(bool (*allow)(const MonitorCommand *cmd));
/* Every registered command, registration order. */
GPtrArray *monitor_commands(void);

/* Output to the monitor running the current command (HMP text). */
void monitor_printf(Monitor *mon, const char *fmt, ...) KEMU_PRINTF(2, 3);
void monitor_puts(Monitor *mon, const char *s);
bool monitor_is_qmp(const Monitor *mon);
Monitor *monitor_cur(void);     /* during a command, else NULL */

/* Create a monitor on a chardev: HMP (readline) or QMP (control). */
Monitor *monitor_new_hmp(Chardev *chr, Error **errp);
Monitor *monitor_new_qmp(Chardev *chr, bool pretty, Error **errp);

/* Run one HMP line as if typed (human-monitor-command), output in out. */
bool hmp_run_line(const char *line, GString *out, Error **errp);

/* QMP events to every QMP monitor: {"event", "data", "timestamp"}. */
void qmp_emit_event(const char *name, JsonObject *data /* taken, or NULL */);

#endif
