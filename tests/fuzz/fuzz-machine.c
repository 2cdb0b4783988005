/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The in-process machine and chardev client shared by the fuzz targets. */
#include "fuzz.h"
#include "util/main-loop.h"
#include "monitor/monitor.h"
#include "sysemu/vl-main.h"
#include <sys/socket.h>
#include <sys/un.h>
#include <poll.h>

static char *sock_dir;
static bool verbose;

void fuzz_machine_init(const char *const *extra)
{
    static bool done;
    GPtrArray *args;
    const char *margs = getenv("KEMU_FUZZ_ARGS");
    g_auto(GStrv) split = NULL;

    if (done) {
        return;
    }
    done = true;
    verbose = getenv("KEMU_FUZZ_VERBOSE") != NULL;
    args = g_ptr_array_new();
    g_ptr_array_add(args, (char *)"kemu-fuzz");
    for (const char *const *a = (const char *const[]){
            "-accel", "qtest", "-display", "none", "-nodefaults", "-S",
            NULL }; *a; a++) {
        g_ptr_array_add(args, (char *)*a);
    }
    if (!margs || !*margs) {
        margs = "-M pc -m 64";
    }
    split = g_strsplit_set(margs, " \t", -1);
    for (char **w = split; *w; w++) {
        if (**w) {
            g_ptr_array_add(args, g_strdup(*w));
        }
    }
    for (; extra && *extra; extra++) {
        g_ptr_array_add(args, (char *)*extra);
    }
    g_ptr_array_add(args, NULL);
    kemu_init(args->len - 1, (char **)args->pdata);
}

const char *fuzz_socket_path(const char *name)
{
    if (!sock_dir) {
        sock_dir = g_dir_make_tmp("kemu-fuzz-XXXXXX", NULL);
        g_assert(sock_dir);
    }
    return g_strdup_printf("%s/%s", sock_dir, name);
}

static void drain(int fd, bool *eof)
{
    char buf[65536];

    for (;;) {
        ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (n > 0) {
            if (verbose) {      /* KEMU_FUZZ_VERBOSE: see what kemu said */
                fwrite(buf, 1, n, stderr);
            }
            continue;
        }
        if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
            *eof = true;
        }
        return;
    }
}

void fuzz_socket_session(const char *path, const uint8_t *data, size_t size)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    size_t off = 0;
    bool eof = false;

    g_assert(fd >= 0);
    g_assert(strlen(path) < sizeof(sa.sun_path));
    strcpy(sa.sun_path, path);
    /* The listen backlog holds us until kemu's loop accepts. */
    g_assert(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
    while (off < size && !eof) {
        ssize_t n = send(fd, data + off, size - off, MSG_NOSIGNAL);
        if (n > 0) {
            off += n;
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
            break;
        }
        main_loop_wait(false);
        drain(fd, &eof);
    }
    shutdown(fd, SHUT_WR);
    /* kemu reads the rest, sees EOF and hangs up: then it is done. */
    while (!eof) {
        main_loop_wait(false);
        drain(fd, &eof);
        if (!eof) {
            struct pollfd p = { .fd = fd, .events = POLLIN };
            poll(&p, 1, 1);
        }
    }
    close(fd);
    /* Let the server side notice the close and listen again. */
    main_loop_wait(false);
}

/* Commands that end the process, block, or write host files. */
static const char *const denied[] = {
    "quit", "memsave", "pmemsave", "dump-guest-memory", "chardev-add",
    "chardev-remove", "chardev-change", "screendump", "gdbserver",
    "migrate", "savevm", "loadvm", "logfile", "log", "getfd", "closefd",
    "add-fd", "remove-fd",
};

static bool deny_name(const char *name)
{
    if (!name) {
        return false;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(denied); i++) {
        if (!strcmp(name, denied[i])) {
            return true;
        }
    }
    return false;
}

static bool monitor_allow(const MonitorCommand *cmd)
{
    return !deny_name(cmd->hmp_name) && !deny_name(cmd->hmp_alias) &&
           !deny_name(cmd->qmp_name);
}

void fuzz_install_monitor_filter(void)
{
    monitor_set_command_filter(monitor_allow);
}
