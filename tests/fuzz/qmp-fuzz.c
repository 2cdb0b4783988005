/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP input: each input is one client session on a -qmp unix socket
 * (greeting, framing, JSON limits, negotiation, dispatch, argument
 * checks, every command's handler). Commands that would end the process
 * or write host files are refused by the monitor filter.
 */
#include "fuzz.h"

static const char *path;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    g_autofree char *spec = NULL;

    path = fuzz_socket_path("qmp.sock");
    spec = g_strdup_printf("unix:%s,server=on,wait=off", path);
    fuzz_install_monitor_filter();
    fuzz_machine_init((const char *const[]){ "-qmp", spec, NULL });
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_socket_session(path, data, size);
    return 0;
}
