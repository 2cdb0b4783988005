/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "-chardev pty" / "-serial pty": a new pseudo-terminal; its slave's name
 * goes to stderr as "char device redirected to /dev/pts/N (label ID)".
 * While no program has the slave open, output is dropped (a VM must not
 * stall because nobody watches) and the master is not read (it would
 * report EIO); a 1 s timer notices when someone opens the slave.
 */
#include "util/osdep.h"
#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include "chardev/char.h"
#include "util/timer.h"

typedef struct PtyChardev {
    Chardev parent_obj;
    int master;
    bool connected;
    bool hup_pending;   /* write saw EIO: disconnect from the timer */
    Timer *poll_timer;
} PtyChardev;

/* POLLHUP on the master: no process holds the slave open. */
static bool pty_slave_open(PtyChardev *s)
{
    struct pollfd p = { .fd = s->master, .events = POLLIN };

    return poll(&p, 1, 0) >= 0 && !(p.revents & POLLHUP);
}

static void pty_set_connected(PtyChardev *s, bool on)
{
    Chardev *chr = &s->parent_obj;

    if (on == s->connected) {
        return;
    }
    s->connected = on;
    chr->read_fd = on ? s->master : -1;
    chr->read_eof = false;
    if (!on) {
        g_byte_array_set_size(chr->outbuf, 0);
        timer_mod_ns(s->poll_timer,
                     clock_get_ns(KEMU_CLOCK_REALTIME) + NANOSECONDS_PER_SECOND);
    }
    chr_update_watches(chr);
    chr_be_event(chr, on ? CHR_EVENT_OPENED : CHR_EVENT_CLOSED);
    if (!on) {
        chr_flush_outbuf(chr);      /* lets a waiting UART go on */
    }
}

static void pty_poll(void *opaque)
{
    PtyChardev *s = opaque;

    if (s->hup_pending) {
        s->hup_pending = false;
        pty_set_connected(s, false);
    } else if (pty_slave_open(s)) {
        pty_set_connected(s, true);
    } else {
        timer_mod_ns(s->poll_timer,
                     clock_get_ns(KEMU_CLOCK_REALTIME) + NANOSECONDS_PER_SECOND);
    }
}

static bool pty_open(Chardev *chr, Opts *opts, Error **errp)
{
    PtyChardev *s = (PtyChardev *)chr;
    struct termios tty;
    int slave;

    opts_get(opts, "path");       /* QEMU 8 adds a symlink; accepted */
    s->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (s->master < 0 || grantpt(s->master) < 0 ||
        unlockpt(s->master) < 0) {
        error_setg_errno(errp, errno, "Failed to create PTY");
        return false;
    }
    /* Raw both ways: the guest sees bytes as typed, and its "\n" is not
     * turned into "\r\n" twice. Set through a briefly opened slave. */
    slave = open(ptsname(s->master), O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave >= 0) {
        if (tcgetattr(slave, &tty) == 0) {
            cfmakeraw(&tty);
            tcsetattr(slave, TCSAFLUSH, &tty);
        }
        close(slave);
    }
    fcntl(s->master, F_SETFL, fcntl(s->master, F_GETFL) | O_NONBLOCK);
    g_free(chr->filename);
    chr->filename = g_strdup_printf("pty:%s", ptsname(s->master));
    fprintf(stderr, "char device redirected to %s (label %s)\n",
            ptsname(s->master), chr->label);
    s->poll_timer = timer_new_ns(KEMU_CLOCK_REALTIME, pty_poll, s);
    s->connected = true;
    pty_set_connected(s, false);
    return true;
}

static int pty_write(Chardev *chr, const uint8_t *buf, int len)
{
    PtyChardev *s = (PtyChardev *)chr;
    ssize_t n;

    /* Never change the connection here: the core is walking outbuf. */
    if (!s->connected || s->hup_pending) {
        return len;
    }
    n = write(s->master, buf, len);
    if (n >= 0) {
        return n;
    }
    if (errno == EIO) {
        s->hup_pending = true;
        timer_mod_ns(s->poll_timer, clock_get_ns(KEMU_CLOCK_REALTIME));
        return len;
    }
    return errno == EAGAIN || errno == EINTR ? 0 : -1;
}

static void pty_fd_read(Chardev *chr)
{
    PtyChardev *s = (PtyChardev *)chr;
    uint8_t buf[4096];
    int want = MIN(chr_be_can_write(chr), (int)sizeof(buf));
    ssize_t n;

    if (want <= 0) {
        return;
    }
    n = read(s->master, buf, want);
    if (n > 0) {
        chr_be_write(chr, buf, n);
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        /* EIO: the last holder of the slave closed it. */
        pty_set_connected(s, false);
    }
}

static int pty_get_write_fd(Chardev *chr)
{
    PtyChardev *s = (PtyChardev *)chr;
    return s->connected ? s->master : -1;
}

static void pty_close(Chardev *chr)
{
    PtyChardev *s = (PtyChardev *)chr;

    if (s->poll_timer) {
        timer_free(s->poll_timer);
        s->poll_timer = NULL;
    }
    if (s->master >= 0) {
        close(s->master);
        s->master = -1;
    }
}

static void pty_instance_init(Object *obj)
{
    ((PtyChardev *)obj)->master = -1;
}

static void pty_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = CHARDEV_CLASS(oc);

    cc->backend_name = "pty";
    cc->open = pty_open;
    cc->write_nonblock = pty_write;
    cc->get_write_fd = pty_get_write_fd;
    cc->fd_read = pty_fd_read;
    cc->close = pty_close;
}

static const TypeInfo pty_types[] = {
    {
        .name = "chardev-pty",
        .parent = TYPE_CHARDEV,
        .instance_size = sizeof(PtyChardev),
        .instance_init = pty_instance_init,
        .class_init = pty_class_init,
    },
};
DEFINE_TYPES(pty_types)

const char chardev_pty_anchor;
