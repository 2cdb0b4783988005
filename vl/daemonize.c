/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -daemonize and -pidfile.
 *
 * -daemonize forks before any thread exists; the parent stays attached
 * to the terminal and waits on a pipe until the daemon says it is ready
 * (exit 0) or the pipe closes without a word (the daemon failed: exit
 * 1). Until vl_daemon_ready() the daemon keeps the terminal's stdio, so
 * setup errors still reach the user.
 *
 * The pid file is locked with an open-file-description lock for the
 * life of the process: a second kemu with the same file is refused, and
 * the file is removed at exit.
 */
#include "vl/vl-internal.h"
#include "util/error.h"
#include "util/main-loop.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

static int ready_fd = -1;
static char *pidfile_path;      /* absolute: the daemon moves to / */

void vl_daemonize(void)
{
    int fds[2];
    pid_t pid;
    char c;

    if (pipe(fds) < 0) {
        error_report("cannot daemonize: %s", strerror(errno));
        exit(1);
    }
    pid = fork();
    if (pid < 0) {
        error_report("cannot daemonize: %s", strerror(errno));
        exit(1);
    }
    if (pid > 0) {
        ssize_t n;

        close(fds[1]);
        waitpid(pid, NULL, 0);   /* the intermediate child exits at once */
        do {
            n = read(fds[0], &c, 1);
        } while (n < 0 && errno == EINTR);
        /* Only a ready daemon writes; anything else is a failure that
         * the daemon has already reported on stderr. */
        exit(n == 1 && c == 0 ? 0 : 1);
    }
    close(fds[0]);
    setsid();
    /* A second fork: the daemon is no session leader, so opening a
     * terminal can never make it the controlling one. */
    pid = fork();
    if (pid < 0) {
        error_report("cannot daemonize: %s", strerror(errno));
        exit(1);
    }
    if (pid > 0) {
        _exit(0);
    }
    umask(027);
    signal(SIGTSTP, SIG_IGN);
    signal(SIGTTOU, SIG_IGN);
    signal(SIGTTIN, SIG_IGN);
    ready_fd = fds[1];
}

bool vl_is_daemonized(void)
{
    return ready_fd >= 0;
}

void vl_daemon_ready(void)
{
    int null;
    char c = 0;

    if (ready_fd < 0) {
        return;
    }
    if (chdir("/") < 0) {
        /* Not fatal: only keeps a mount point busy. */
    }
    null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        fflush(stdout);
        fflush(stderr);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        if (null > 2) {
            close(null);
        }
    }
    if (write(ready_fd, &c, 1) != 1) {
        /* The parent is gone: nobody to tell. */
    }
    close(ready_fd);
    ready_fd = -2;      /* still daemonized, no longer waiting */
}

static void remove_pidfile(void)
{
    if (pidfile_path) {
        unlink(pidfile_path);
    }
}

bool vl_write_pidfile(const char *path, Error **errp)
{
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    struct stat a, b;
    char buf[32];
    int fd, len;

    for (;;) {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) {
            error_setg(errp, "Could not create '%s': %s", path,
                       strerror(errno));
            return false;
        }
        if (fcntl(fd, F_OFD_SETLK, &fl) < 0) {
            error_setg(errp, "Cannot lock pid file: %s", strerror(errno));
            close(fd);
            return false;
        }
        /* The previous owner may have unlinked it between our open and
         * lock: only the file still at path counts. */
        if (fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
            a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
            break;
        }
        close(fd);
    }
    len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
    if (ftruncate(fd, 0) < 0 || write(fd, buf, len) != len) {
        error_setg(errp, "Failed to write PID file: %s", strerror(errno));
        close(fd);
        return false;
    }
    /* fd stays open (and locked) until the process ends. */
    pidfile_path = realpath(path, NULL);
    if (!pidfile_path) {
        pidfile_path = g_strdup(path);
    }
    kemu_atexit(remove_pidfile);
    return true;
}
