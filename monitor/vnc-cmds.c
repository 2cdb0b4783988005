/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "info vnc", "change vnc password" and QMP change-vnc-password. */
#include "monitor/monitor-internal.h"
#include "monitor/qmp.h"
#include "ui/vnc.h"

static void hmp_info_vnc(Monitor *mon, const HmpArgs *a)
{
    g_autoptr(GString) s = g_string_new("");

    vnc_info(s);
    monitor_puts(mon, s->str);
}

static void hmp_change(Monitor *mon, const HmpArgs *a)
{
    const char *dev = hmp_arg_str(a, "device");
    const char *target = hmp_arg_str(a, "target");
    const char *arg = hmp_arg_str(a, "arg");
    Error *err = NULL;

    if (strcmp(dev, "vnc")) {
        hmp_change_medium(mon, dev, target, arg,
                          hmp_arg_str(a, "read-only-mode"));
        return;
    }
    if (strcmp(target, "passwd") && strcmp(target, "password")) {
        monitor_printf(mon, "Error: only 'change vnc password' is "
                       "supported\n");
        return;
    }
    if (!arg) {
        monitor_printf(mon, "Error: the password must be given on the "
                       "command line\n");
        return;
    }
    if (!vnc_display_password(arg, &err)) {
        monitor_printf(mon, "Error: %s\n", error_get_pretty(err));
        error_free(err);
    }
}

static JsonNode *qmp_change_vnc_password(JsonObject *args, Error **errp)
{
    if (qmp_check_args(args, "password:s", errp)) {
        vnc_display_password(qmp_arg_str(args, "password"), errp);
    }
    return NULL;
}

static const MonitorCommand vnc_cmds[] = {
    { .hmp_name = "info vnc", .hmp_params = "",
      .hmp_help = "show the VNC server and its clients",
      .hmp = hmp_info_vnc },
    { .hmp_name = "change",
      .hmp_args = "device:s,target:s,arg:s?,read-only-mode:s?",
      .hmp_params = "device filename [format [read-only-mode]]",
      .hmp_help = "put another image in a removable drive; 'change vnc "
                  "password PW' sets the VNC password",
      .hmp = hmp_change },
    { .qmp_name = "change-vnc-password", .qmp = qmp_change_vnc_password },
};

static void __attribute__((constructor)) vnc_cmds_register(void)
{
    monitor_register_commands(vnc_cmds, ARRAY_SIZE(vnc_cmds));
}
