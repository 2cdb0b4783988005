/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "-chardev stdio": the process's stdin and stdout. When stdin is a
 * terminal it is put in raw mode (keys reach the guest one by one, no
 * local echo; with signal=off Ctrl-C goes to the guest too) and the
 * original settings come back on every way out: normal exit and exit()
 * through kemu_atexit, and fatal signals through a handler that restores
 * and re-raises. stdout is made non-blocking so a stalled terminal or
 * pipe never blocks a vCPU; the core buffers what it does not take, and
 * the flag is cleared again at exit so the shell is not left with it.
 */
#include "util/osdep.h"
#include <fcntl.h>
#include <signal.h>
#include <termios.h>
#include "chardev/char.h"
#include "util/main-loop.h"

#define TYPE_CHARDEV_STDIO "chardev-stdio"

typedef struct StdioChardev {
    Chardev parent_obj;
    bool allow_signals;
    bool owns_stdio;
} StdioChardev;

static bool stdio_in_use;
static bool tty_saved;
static struct termios tty_orig;
static int stdout_flags_orig = -1;
static struct sigaction old_fatal[NSIG];

static void stdio_restore_terminal(void)
{
    if (tty_saved) {
        tcsetattr(0, TCSANOW, &tty_orig);
    }
    if (stdout_flags_orig >= 0) {
        fcntl(1, F_SETFL, stdout_flags_orig);
    }
}

static void stdio_at_exit(void)
{
    /* Push out what the guest wrote before the terminal goes back to
     * blocking mode. */
    chr_flush_all_blocking();
    stdio_restore_terminal();
    tty_saved = false;
    stdout_flags_orig = -1;
}

/* Fatal signals: put the terminal back, then die as we would have. */
static void stdio_fatal_signal(int sig)
{
    stdio_restore_terminal();
    sigaction(sig, &old_fatal[sig], NULL);
    raise(sig);
}

static void stdio_install_signal_restore(void)
{
    static const int sigs[] = { SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL,
                                SIGQUIT };
    for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
        struct sigaction sa = { .sa_handler = stdio_fatal_signal,
                                .sa_flags = SA_RESETHAND };
        struct sigaction cur;

        /* Leave handlers others installed (sanitizers, the vCPU code)
         * alone; the atexit hook still covers their clean exits. */
        if (sigaction(sigs[i], NULL, &cur) == 0 &&
            cur.sa_handler == SIG_DFL && !(cur.sa_flags & SA_SIGINFO)) {
            sigemptyset(&sa.sa_mask);
            old_fatal[sigs[i]] = cur;
            sigaction(sigs[i], &sa, NULL);
        }
    }
}

static void stdio_set_raw(bool allow_signals)
{
    struct termios tty;

    /* A background process (e.g. under timeout(1)) would be stopped by
     * SIGTTOU on tcsetattr: leave the terminal alone then. */
    if (!isatty(0) || tcgetpgrp(0) != getpgrp() ||
        tcgetattr(0, &tty_orig) < 0) {
        return;
    }
    tty_saved = true;
    tty = tty_orig;
    /* Bytes as typed: no CR->NL, no flow control, no parity stripping. */
    tty.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
                     ICRNL | IXON);
    /* Keep output processing so "\n" from the guest still returns the
     * carriage on the host terminal. */
    tty.c_oflag |= OPOST;
    tty.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
    if (!allow_signals) {
        tty.c_lflag &= ~ISIG;
    }
    tty.c_cflag &= ~(CSIZE | PARENB);
    tty.c_cflag |= CS8;
    tty.c_cc[VMIN] = 1;
    tty.c_cc[VTIME] = 0;
    tcsetattr(0, TCSANOW, &tty);
}

/* Set by -daemonize: the daemon's stdio is /dev/null. */
bool chardev_stdio_disallowed;

static bool stdio_open(Chardev *chr, Opts *opts, Error **errp)
{
    StdioChardev *s = (StdioChardev *)chr;
    Error *err = NULL;
    int fl;

    if (stdio_in_use) {
        error_setg(errp, "cannot use stdio by multiple character devices");
        return false;
    }
    if (chardev_stdio_disallowed) {
        error_setg(errp, "cannot use stdio with -daemonize");
        return false;
    }
    s->allow_signals = opts_get_bool(opts, "signal", true, &err);
    if (err) {
        error_propagate(errp, err);
        return false;
    }
    stdio_in_use = true;
    s->owns_stdio = true;

    stdio_set_raw(s->allow_signals);
    fl = fcntl(1, F_GETFL);
    if (fl >= 0 && !(fl & O_NONBLOCK)) {
        stdout_flags_orig = fl;
        fcntl(1, F_SETFL, fl | O_NONBLOCK);
    }
    stdio_install_signal_restore();
    kemu_atexit(stdio_at_exit);

    /* Reading a terminal from a background process group stops us with
     * SIGTTIN; a VM started in the background gets no terminal input. */
    if (!isatty(0) || tcgetpgrp(0) == getpgrp()) {
        chr->read_fd = 0;
    }
    return true;
}

static int stdio_write(Chardev *chr, const uint8_t *buf, int len)
{
    ssize_t n = write(1, buf, len);

    if (n >= 0) {
        return n;
    }
    if (errno == EAGAIN || errno == EINTR) {
        return 0;
    }
    return -1;
}

static int stdio_get_write_fd(Chardev *chr)
{
    return 1;
}

static void stdio_close(Chardev *chr)
{
    if (((StdioChardev *)chr)->owns_stdio) {
        stdio_restore_terminal();
        tty_saved = false;
        stdio_in_use = false;
    }
}

static void stdio_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = CHARDEV_CLASS(oc);

    cc->backend_name = "stdio";
    cc->open = stdio_open;
    cc->write_nonblock = stdio_write;
    cc->get_write_fd = stdio_get_write_fd;
    cc->close = stdio_close;
}

static const TypeInfo stdio_types[] = {
    {
        .name = TYPE_CHARDEV_STDIO,
        .parent = TYPE_CHARDEV,
        .instance_size = sizeof(StdioChardev),
        .class_init = stdio_class_init,
    },
};
DEFINE_TYPES(stdio_types)

/* Referenced by char.c so static links that use the core get this backend. */
const char chardev_stdio_anchor;
