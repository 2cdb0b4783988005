/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The telnet option parser of the socket chardev (telnet=on): each input
 * is one client session, its bytes mixing IAC commands, option
 * negotiation, subnegotiation and data. The data reaches an HMP monitor
 * behind the chardev, so what the parser lets through is exercised too.
 */
#include "fuzz.h"

static const char *path;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    g_autofree char *spec = NULL;

    path = fuzz_socket_path("telnet.sock");
    spec = g_strdup_printf("socket,id=tn,path=%s,server=on,wait=off,"
                           "telnet=on", path);
    fuzz_install_monitor_filter();
    fuzz_machine_init((const char *const[]){
        "-chardev", spec, "-mon", "chardev=tn", NULL });
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_socket_session(path, data, size);
    return 0;
}
