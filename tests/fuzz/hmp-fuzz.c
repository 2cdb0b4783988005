/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HMP input: each input is one client session on a -monitor unix socket
 * (line editor, argument parser, expressions, every command). Commands
 * that would end the process or write host files are refused by the
 * monitor filter.
 */
#include "fuzz.h"

static const char *path;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    g_autofree char *spec = NULL;

    path = fuzz_socket_path("hmp.sock");
    spec = g_strdup_printf("unix:%s,server=on,wait=off", path);
    fuzz_install_monitor_filter();
    fuzz_machine_init((const char *const[]){ "-monitor", spec, NULL });
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_socket_session(path, data, size);
    return 0;
}
