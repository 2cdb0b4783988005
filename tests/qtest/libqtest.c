/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Client side of the qtest protocol (see libqtest.h). The test listens on
 * a unix socket, starts kemu with "-qtest unix:SOCK" and accepts its
 * connection; afterwards every call sends one line and reads lines until
 * the reply, recording "IRQ raise/lower N" events that arrive meanwhile.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* accept4 */
#endif
#include "libqtest.h"
#include "config-host.h"
#include <errno.h>
#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_IRQ 256

struct QTestState {
    int fd;
    pid_t pid;
    int reply_secs;         /* 0: wait for replies forever */
    int status;             /* once reaped */
    bool reaped;
    char *sock_path;
    GString *rx;
    bool irq_level[MAX_IRQ];
    unsigned irq_raises[MAX_IRQ];
};

static const char *qtest_binary(void)
{
    const char *b = getenv("KEMU_BINARY");
    return b && *b ? b : KEMU_BUILD_DIR "/kemu-system-x86_64";
}

static bool reap(QTestState *s, bool block)
{
    int st;
    pid_t r;

    if (s->reaped) {
        return true;
    }
    do {
        r = waitpid(s->pid, &st, block ? 0 : WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r == s->pid) {
        s->reaped = true;
        s->status = st;
    }
    return s->reaped;
}

QTestState *qtest_init(const char *extra_args)
{
    static int counter;
    QTestState *s = g_new0(QTestState, 1);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int lfd;

    s->rx = g_string_new(NULL);
    s->sock_path = g_strdup_printf("%s/kemu-qtest-%d-%d.sock",
                                   g_get_tmp_dir(), getpid(), counter++);
    unlink(s->sock_path);
    g_assert(strlen(s->sock_path) < sizeof(sa.sun_path));
    strcpy(sa.sun_path, s->sock_path);
    lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    g_assert(lfd >= 0);
    g_assert(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
    g_assert(listen(lfd, 1) == 0);

    char *cmd = g_strdup_printf("exec %s -accel qtest -qtest unix:%s "
                                "-display none -nodefaults -machine pc %s",
                                qtest_binary(), s->sock_path,
                                extra_args ? extra_args : "");
    if (getenv("QTEST_VERBOSE")) {
        fprintf(stderr, "qtest: %s\n", cmd);
    }
    s->pid = fork();
    g_assert(s->pid >= 0);
    if (s->pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        execlp("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    g_free(cmd);

    /* Wait for the connection, or for the process to fail first. */
    for (;;) {
        struct pollfd p = { .fd = lfd, .events = POLLIN };
        int r = poll(&p, 1, 100);
        if (r > 0) {
            s->fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
            g_assert(s->fd >= 0);
            break;
        }
        if (reap(s, false)) {
            g_error("kemu exited before connecting (status 0x%x)",
                    s->status);
        }
    }
    close(lfd);
    unlink(s->sock_path);
    return s;
}

QTestState *qtest_initf(const char *fmt, ...)
{
    va_list ap;
    char *args;
    QTestState *s;

    va_start(ap, fmt);
    args = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    s = qtest_init(args);
    g_free(args);
    return s;
}

void qtest_quit(QTestState *s)
{
    /* Closing the protocol socket makes kemu exit by itself; a process
     * that does not is made to with SIGTERM. */
    close(s->fd);
    if (qtest_wait_exit(s) < 0 && !s->reaped) {
        kill(s->pid, SIGTERM);
        reap(s, true);
    }
    g_string_free(s->rx, true);
    g_free(s->sock_path);
    g_free(s);
}

int qtest_wait_exit(QTestState *s)
{
    /* Polling, not a timing assertion: gives a stuck process 10 s. */
    for (int i = 0; i < 1000 && !reap(s, false); i++) {
        g_usleep(10 * 1000);
    }
    if (!s->reaped || !WIFEXITED(s->status)) {
        return -1;
    }
    return WEXITSTATUS(s->status);
}

bool qtest_kill_wait(QTestState *s, int sig, int *status)
{
    kill(s->pid, sig);
    /* Polling, not a timing assertion: a generous 10 s. */
    for (int i = 0; i < 1000 && !reap(s, false); i++) {
        g_usleep(10 * 1000);
    }
    if (s->reaped && status) {
        *status = s->status;
    }
    return s->reaped;
}

void qtest_set_reply_deadline(QTestState *s, int secs)
{
    struct timeval tv = { .tv_sec = secs };

    s->reply_secs = secs;
    g_assert(setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
                        sizeof(tv)) == 0);
}

bool qtest_alive(QTestState *s)
{
    return !reap(s, false);
}

/* ---- line I/O ---- */

static void send_str(QTestState *s, const char *str)
{
    size_t len = strlen(str), off = 0;

    while (off < len) {
        ssize_t n = send(s->fd, str + off, len - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            g_error("qtest: lost the connection to kemu while sending");
        }
        off += n;
    }
}

static char *recv_line(QTestState *s)
{
    char *nl;

    while (!(nl = memchr(s->rx->str, '\n', s->rx->len))) {
        char buf[4096];
        ssize_t n = recv(s->fd, buf, sizeof(buf), 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            g_error("qtest: no reply from kemu within %d s", s->reply_secs);
        }
        if (n <= 0) {
            g_error("qtest: kemu closed the connection");
        }
        g_string_append_len(s->rx, buf, n);
    }
    char *line = g_strndup(s->rx->str, nl - s->rx->str);
    g_string_erase(s->rx, 0, nl - s->rx->str + 1);
    return line;
}

/* Reads until a reply line, handling asynchronous IRQ events. */
static char *recv_reply(QTestState *s)
{
    for (;;) {
        char *line = recv_line(s);
        int n;

        if (g_str_has_prefix(line, "IRQ raise ") ||
            g_str_has_prefix(line, "IRQ lower ")) {
            n = atoi(line + 10);
            if (n >= 0 && n < MAX_IRQ) {
                s->irq_level[n] = line[4] == 'r';
                s->irq_raises[n] += line[4] == 'r';
            }
            g_free(line);
            continue;
        }
        return line;
    }
}

char *qtest_raw(QTestState *s, const char *line)
{
    char *msg = g_strconcat(line, "\n", NULL);
    send_str(s, msg);
    g_free(msg);
    return recv_reply(s);
}

static char *command(QTestState *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static char *command(QTestState *s, const char *fmt, ...)
{
    va_list ap;
    char *line, *reply;

    va_start(ap, fmt);
    line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    reply = qtest_raw(s, line);
    if (strcmp(reply, "OK") && !g_str_has_prefix(reply, "OK ")) {
        g_error("qtest: '%s' failed: %s", line, reply);
    }
    g_free(line);
    return reply;
}

static void command_ok(QTestState *s, char *reply)
{
    g_free(reply);
}

static uint64_t reply_value(char *reply)
{
    uint64_t v = g_ascii_strtoull(reply + 3, NULL, 0);
    g_free(reply);
    return v;
}

/* ---- ports and memory ---- */

void qtest_outb(QTestState *s, uint16_t port, uint8_t v)
{
    command_ok(s, command(s, "outb 0x%x 0x%x", port, v));
}

void qtest_outw(QTestState *s, uint16_t port, uint16_t v)
{
    command_ok(s, command(s, "outw 0x%x 0x%x", port, v));
}

void qtest_outl(QTestState *s, uint16_t port, uint32_t v)
{
    command_ok(s, command(s, "outl 0x%x 0x%x", port, v));
}

uint8_t qtest_inb(QTestState *s, uint16_t port)
{
    return reply_value(command(s, "inb 0x%x", port));
}

uint16_t qtest_inw(QTestState *s, uint16_t port)
{
    return reply_value(command(s, "inw 0x%x", port));
}

uint32_t qtest_inl(QTestState *s, uint16_t port)
{
    return reply_value(command(s, "inl 0x%x", port));
}

#define DEF_RW(sfx, type)                                                  \
void qtest_write##sfx(QTestState *s, uint64_t addr, type v)                \
{                                                                          \
    command_ok(s, command(s, "write" #sfx " 0x%" G_GINT64_MODIFIER "x "    \
                          "0x%" G_GINT64_MODIFIER "x", (guint64)addr,      \
                          (guint64)v));                                    \
}                                                                          \
type qtest_read##sfx(QTestState *s, uint64_t addr)                         \
{                                                                          \
    return reply_value(command(s, "read" #sfx " 0x%" G_GINT64_MODIFIER     \
                               "x", (guint64)addr));                       \
}
DEF_RW(b, uint8_t)
DEF_RW(w, uint16_t)
DEF_RW(l, uint32_t)
DEF_RW(q, uint64_t)

void qtest_memread(QTestState *s, uint64_t addr, void *buf, size_t len)
{
    char *reply = command(s, "read 0x%" G_GINT64_MODIFIER "x 0x%zx",
                          (guint64)addr, len);
    const char *hex = reply + 3;
    uint8_t *out = buf;

    g_assert(g_str_has_prefix(hex, "0x") && strlen(hex) == 2 + 2 * len);
    hex += 2;
    for (size_t i = 0; i < len; i++) {
        out[i] = g_ascii_xdigit_value(hex[2 * i]) << 4 |
                 g_ascii_xdigit_value(hex[2 * i + 1]);
    }
    g_free(reply);
}

void qtest_memwrite(QTestState *s, uint64_t addr, const void *buf,
                    size_t len)
{
    const uint8_t *in = buf;
    GString *hex = g_string_new("0x");

    for (size_t i = 0; i < len; i++) {
        g_string_append_printf(hex, "%02x", in[i]);
    }
    if (!len) {
        g_string_append(hex, "00");
    }
    command_ok(s, command(s, "write 0x%" G_GINT64_MODIFIER "x 0x%zx %s",
                          (guint64)addr, len, hex->str));
    g_string_free(hex, true);
}

void qtest_bufread(QTestState *s, uint64_t addr, void *buf, size_t len)
{
    char *reply = command(s, "b64read 0x%" G_GINT64_MODIFIER "x 0x%zx",
                          (guint64)addr, len);
    gsize dlen = 0;
    guchar *data = g_base64_decode(reply + 3, &dlen);

    g_assert_cmpuint(dlen, ==, len);
    memcpy(buf, data, len);
    g_free(data);
    g_free(reply);
}

void qtest_bufwrite(QTestState *s, uint64_t addr, const void *buf,
                    size_t len)
{
    gchar *enc = g_base64_encode(buf, len);

    command_ok(s, command(s, "b64write 0x%" G_GINT64_MODIFIER "x 0x%zx %s",
                          (guint64)addr, len, *enc ? enc : "AA=="));
    g_free(enc);
}

void qtest_memset(QTestState *s, uint64_t addr, uint8_t pattern, size_t len)
{
    command_ok(s, command(s, "memset 0x%" G_GINT64_MODIFIER "x 0x%zx 0x%x",
                          (guint64)addr, len, pattern));
}

/* ---- clock and interrupts ---- */

int64_t qtest_clock_step(QTestState *s, int64_t ns)
{
    char *reply = ns ? command(s, "clock_step %" G_GINT64_FORMAT, (gint64)ns)
                     : command(s, "clock_step");
    return (int64_t)reply_value(reply);
}

int64_t qtest_clock_set(QTestState *s, int64_t ns)
{
    return (int64_t)reply_value(command(s, "clock_set %" G_GINT64_FORMAT,
                                        (gint64)ns));
}

void qtest_irq_intercept_in(QTestState *s, const char *qom_path)
{
    command_ok(s, command(s, "irq_intercept_in %s", qom_path));
}

void qtest_irq_intercept_out(QTestState *s, const char *qom_path)
{
    command_ok(s, command(s, "irq_intercept_out %s", qom_path));
}

bool qtest_get_irq(QTestState *s, int num)
{
    g_assert(num >= 0 && num < MAX_IRQ);
    /* Events that arrived after the last reply are still in the socket:
     * a harmless round trip collects them. */
    command_ok(s, command(s, "endianness"));
    return s->irq_level[num];
}

unsigned qtest_get_irq_raises(QTestState *s, int num)
{
    g_assert(num >= 0 && num < MAX_IRQ);
    command_ok(s, command(s, "endianness"));    /* as qtest_get_irq */
    return s->irq_raises[num];
}

/* ---- PCI configuration mechanism #1 ---- */

static uint32_t cfg_addr(int bus, int dev, int fn, int off)
{
    return 0x80000000u | bus << 16 | dev << 11 | fn << 8 | (off & 0xfc);
}

uint32_t qtest_pci_cfg_readl(QTestState *s, int bus, int dev, int fn,
                             int off)
{
    qtest_outl(s, 0xcf8, cfg_addr(bus, dev, fn, off));
    return qtest_inl(s, 0xcfc);
}

uint16_t qtest_pci_cfg_readw(QTestState *s, int bus, int dev, int fn,
                             int off)
{
    qtest_outl(s, 0xcf8, cfg_addr(bus, dev, fn, off));
    return qtest_inw(s, 0xcfc + (off & 2));
}

uint8_t qtest_pci_cfg_readb(QTestState *s, int bus, int dev, int fn,
                            int off)
{
    qtest_outl(s, 0xcf8, cfg_addr(bus, dev, fn, off));
    return qtest_inb(s, 0xcfc + (off & 3));
}

void qtest_pci_cfg_writel(QTestState *s, int bus, int dev, int fn, int off,
                          uint32_t v)
{
    qtest_outl(s, 0xcf8, cfg_addr(bus, dev, fn, off));
    qtest_outl(s, 0xcfc, v);
}

void qtest_pci_cfg_writew(QTestState *s, int bus, int dev, int fn, int off,
                          uint16_t v)
{
    qtest_outl(s, 0xcf8, cfg_addr(bus, dev, fn, off));
    qtest_outw(s, 0xcfc + (off & 2), v);
}

void qtest_pci_cfg_writeb(QTestState *s, int bus, int dev, int fn, int off,
                          uint8_t v)
{
    qtest_outl(s, 0xcf8, cfg_addr(bus, dev, fn, off));
    qtest_outb(s, 0xcfc + (off & 3), v);
}
