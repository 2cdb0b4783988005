/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HMP "gdbserver [device]": start the gdbstub at run time (default
 * tcp::1234), or stop it with "none". Messages as QEMU prints them.
 */
#include "gdbstub/gdbstub.h"
#include "monitor/monitor.h"

static void hmp_gdbserver(Monitor *mon, const HmpArgs *a)
{
    const char *dev = hmp_arg_str(a, "device");
    Error *err = NULL;

    if (!dev) {
        dev = "tcp::1234";
    }
    if (!gdbserver_start(dev, &err)) {
        monitor_printf(mon, "%s\n", error_get_pretty(err));
        monitor_printf(mon, "Could not open gdbserver on device '%s'\n", dev);
        error_free(err);
    } else if (!strcmp(dev, "none")) {
        monitor_printf(mon, "Disabled gdbserver\n");
    } else {
        monitor_printf(mon, "Waiting for gdb connection on device '%s'\n",
                       dev);
    }
}

static const MonitorCommand gdbserver_cmds[] = {
    { .hmp_name = "gdbserver", .hmp_args = "device:s?",
      .hmp_params = "[device]",
      .hmp_help = "serve gdb on a device (default 'tcp::1234'); "
                  "'none' stops it",
      .hmp = hmp_gdbserver },
};

static void __attribute__((constructor)) gdbserver_cmds_register(void)
{
    monitor_register_commands(gdbserver_cmds, ARRAY_SIZE(gdbserver_cmds));
}
