/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qtest protocol server. kemu is the client of the test's socket
 * ("-qtest unix:PATH" connects to PATH). Each request is one line of
 * space-separated words; each gets exactly one reply line, "OK [value]"
 * or "FAIL reason". Lines "IRQ raise N" / "IRQ lower N" may come at any
 * time for intercepted interrupt lines. A malformed request gets FAIL
 * and the session goes on. Requests run in the main loop with the BQL.
 */
#include "sysemu/qtest.h"
#include "sysemu/runstate.h"
#include "exec/memory.h"
#include "hw/qdev.h"
#include "util/main-loop.h"
#include "util/timer.h"
#include <netdb.h>
#include <sys/socket.h>
#include <sys/un.h>

#define MAX_IRQ 256

static int in_fd = -1, out_fd = -1;
static GString *inproc_out;     /* replies of qtest_inproc_line */
static GString *inbuf;
static FILE *log_fp;
static gint64 start_time;
static DeviceState *intercept_dev;
static int irq_levels[MAX_IRQ];

bool qtest_server_active(void)
{
    return in_fd >= 0;
}

static void qtest_log(char dir, const char *line)
{
    if (log_fp) {
        double t = (g_get_monotonic_time() - start_time) / 1e6;
        fprintf(log_fp, "[%c +%.6f] %s\n", dir, t, line);
        fflush(log_fp);
    }
}

static void send_line(const char *fmt, ...) KEMU_PRINTF(1, 2);
static void send_line(const char *fmt, ...)
{
    va_list ap;
    g_autofree char *line = NULL;
    g_autofree char *buf = NULL;
    size_t len, off = 0;

    va_start(ap, fmt);
    line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qtest_log('S', line);
    if (inproc_out) {
        g_string_append(inproc_out, line);
        g_string_append_c(inproc_out, '\n');
        return;
    }
    buf = g_strconcat(line, "\n", NULL);
    len = strlen(buf);
    while (off < len) {
        ssize_t n = write(out_fd, buf + off, len - off);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return;   /* the test went away; EOF on input ends us */
        }
        off += n;
    }
}

/* ---- interrupt interception ---- */

static void irq_handler(void *opaque, int n, int level)
{
    level = !!level;
    if (n < 0 || n >= MAX_IRQ || irq_levels[n] == level) {
        return;
    }
    irq_levels[n] = level;
    send_line("IRQ %s %d", level ? "raise" : "lower", n);
}

static const char *intercept(const char *path, bool in)
{
    Object *obj = object_resolve_path(path, NULL);
    DeviceState *dev;

    if (!obj || !object_dynamic_cast(obj, TYPE_DEVICE)) {
        return "FAIL Unknown device";
    }
    dev = DEVICE(obj);
    if (intercept_dev) {
        return intercept_dev == dev ? "OK" : "FAIL Interception already "
                                            "enabled";
    }
    for (GSList *l = dev->gpios; l; l = l->next) {
        NamedGPIOList *gl = l->data;
        if (in) {
            for (int i = 0; i < gl->num_in; i++) {
                qemu_irq_set_handler(gl->in[i], irq_handler, NULL);
            }
        } else {
            for (int i = 0; i < gl->num_out; i++) {
                *gl->out[i] = qemu_allocate_irq(irq_handler, NULL, i);
            }
        }
    }
    intercept_dev = dev;
    return "OK";
}

/* ---- argument parsing ---- */

static bool get_u64(char **words, int idx, uint64_t *out)
{
    char *end;

    for (int i = 0; i <= idx; i++) {
        if (!words[i]) {
            return false;
        }
    }
    errno = 0;
    *out = g_ascii_strtoull(words[idx], &end, 0);
    return !errno && end != words[idx] && !*end;
}

static int nwords(char **words)
{
    int n = 0;
    while (words[n]) {
        n++;
    }
    return n;
}

static unsigned size_of_suffix(char c)
{
    switch (c) {
    case 'b': return 1;
    case 'w': return 2;
    case 'l': return 4;
    case 'q': return 8;
    }
    return 0;
}

/* ---- commands ---- */

static void cmd_io(char **w, bool is_out, unsigned size)
{
    uint64_t port, val = 0;

    if (!get_u64(w, 1, &port) || port > 0xffff ||
        (is_out && !get_u64(w, 2, &val)) || nwords(w) != (is_out ? 3 : 2)) {
        send_line("FAIL invalid arguments");
        return;
    }
    if (is_out) {
        address_space_st(&address_space_io, port, val, size);
        send_line("OK");
    } else {
        address_space_ld(&address_space_io, port, &val, size);
        send_line("OK 0x%04" PRIx64, val);
    }
}

static void cmd_mem(char **w, bool is_write, unsigned size)
{
    uint64_t addr, val = 0;

    if (!get_u64(w, 1, &addr) || (is_write && !get_u64(w, 2, &val)) ||
        nwords(w) != (is_write ? 3 : 2)) {
        send_line("FAIL invalid arguments");
        return;
    }
    if (is_write) {
        address_space_st(&address_space_memory, addr, val, size);
        send_line("OK");
    } else {
        address_space_ld(&address_space_memory, addr, &val, size);
        send_line("OK 0x%016" PRIx64, val);
    }
}

/* Limit for one read/write/memset so a typo cannot exhaust memory. */
#define MAX_XFER (256 * MiB)

static void cmd_read(char **w, bool b64)
{
    uint64_t addr, len;

    if (!get_u64(w, 1, &addr) || !get_u64(w, 2, &len) || nwords(w) != 3 ||
        len > MAX_XFER) {
        send_line("FAIL invalid arguments");
        return;
    }
    g_autofree uint8_t *data = g_malloc0(len ? len : 1);
    address_space_read(&address_space_memory, addr, data, len);
    if (b64) {
        g_autofree char *enc = g_base64_encode(data, len);
        send_line("OK %s", enc);
    } else {
        GString *hex = g_string_sized_new(2 * len + 3);
        g_string_append(hex, "0x");
        for (uint64_t i = 0; i < len; i++) {
            g_string_append_printf(hex, "%02x", data[i]);
        }
        send_line("OK %s", hex->str);
        g_string_free(hex, true);
    }
}

static void cmd_write(char **w, bool b64)
{
    uint64_t addr, len;
    g_autofree uint8_t *data = NULL;

    if (!get_u64(w, 1, &addr) || !get_u64(w, 2, &len) || nwords(w) != 4 ||
        len > MAX_XFER) {
        send_line("FAIL invalid arguments");
        return;
    }
    data = g_malloc0(len ? len : 1);
    if (b64) {
        gsize dlen = 0;
        g_autofree guchar *dec = g_base64_decode(w[3], &dlen);
        memcpy(data, dec, MIN(dlen, len));
    } else {
        const char *hex = w[3];
        if (hex[0] != '0' || (hex[1] != 'x' && hex[1] != 'X')) {
            send_line("FAIL invalid arguments");
            return;
        }
        hex += 2;
        for (uint64_t i = 0; i < len && hex[0] && hex[1]; i++, hex += 2) {
            if (!g_ascii_isxdigit(hex[0]) || !g_ascii_isxdigit(hex[1])) {
                send_line("FAIL invalid arguments");
                return;
            }
            data[i] = g_ascii_xdigit_value(hex[0]) << 4 |
                      g_ascii_xdigit_value(hex[1]);
        }
    }
    address_space_write(&address_space_memory, addr, data, len);
    send_line("OK");
}

static void cmd_memset(char **w)
{
    uint64_t addr, len, pattern;

    if (!get_u64(w, 1, &addr) || !get_u64(w, 2, &len) ||
        !get_u64(w, 3, &pattern) || nwords(w) != 4 || len > MAX_XFER) {
        send_line("FAIL invalid arguments");
        return;
    }
    address_space_set(&address_space_memory, addr, pattern, len);
    send_line("OK");
}

static void cmd_clock(char **w, bool step)
{
    int64_t now = clock_get_ns(KEMU_CLOCK_VIRTUAL);
    uint64_t arg;
    int64_t target = now;

    if (nwords(w) > 2 || (nwords(w) == 2 && !get_u64(w, 1, &arg)) ||
        (!step && nwords(w) != 2)) {
        send_line("FAIL invalid arguments");
        return;
    }
    if (step && nwords(w) == 1) {
        /* No amount: run to the next timer, if there is one. */
        int64_t dl = timers_next_deadline(KEMU_CLOCK_VIRTUAL);
        target = dl >= 0 ? dl : now;
    } else if (step) {
        target = now + (int64_t)arg;
    } else {
        target = (int64_t)arg;
    }
    if (target > now) {
        clock_virtual_warp(target);
    }
    send_line("OK %" PRId64, clock_get_ns(KEMU_CLOCK_VIRTUAL));
}

static void process_line(char *line)
{
    g_auto(GStrv) w = NULL;
    const char *cmd;
    unsigned size;

    qtest_log('R', line);
    w = g_strsplit_set(g_strstrip(line), " ", -1);
    /* Several spaces in a row give empty words: drop them. */
    int n = 0;
    for (int i = 0; w[i]; i++) {
        if (*w[i]) {
            w[n++] = w[i];
        } else {
            g_free(w[i]);
        }
    }
    w[n] = NULL;
    if (!n) {
        send_line("FAIL empty command");
        return;
    }
    cmd = w[0];
    size = size_of_suffix(cmd[strlen(cmd) - 1]);

    if (g_str_has_prefix(cmd, "out") && strlen(cmd) == 4 && size &&
        size <= 4) {
        cmd_io(w, true, size);
    } else if (g_str_has_prefix(cmd, "in") && strlen(cmd) == 3 && size &&
               size <= 4) {
        cmd_io(w, false, size);
    } else if (g_str_has_prefix(cmd, "write") && strlen(cmd) == 6 && size) {
        cmd_mem(w, true, size);
    } else if (g_str_has_prefix(cmd, "read") && strlen(cmd) == 5 && size) {
        cmd_mem(w, false, size);
    } else if (!strcmp(cmd, "read")) {
        cmd_read(w, false);
    } else if (!strcmp(cmd, "b64read")) {
        cmd_read(w, true);
    } else if (!strcmp(cmd, "write")) {
        cmd_write(w, false);
    } else if (!strcmp(cmd, "b64write")) {
        cmd_write(w, true);
    } else if (!strcmp(cmd, "memset")) {
        cmd_memset(w);
    } else if (!strcmp(cmd, "clock_step")) {
        cmd_clock(w, true);
    } else if (!strcmp(cmd, "clock_set")) {
        cmd_clock(w, false);
    } else if (!strcmp(cmd, "irq_intercept_in") ||
               !strcmp(cmd, "irq_intercept_out")) {
        if (n != 2) {
            send_line("FAIL invalid arguments");
        } else {
            send_line("%s", intercept(w[1], cmd[14] == 'i'));
        }
    } else if (!strcmp(cmd, "endianness")) {
        send_line("OK little");
    } else {
        send_line("FAIL Unknown command '%s'", cmd);
    }
}

void qtest_inproc_line(const char *line, GString *reply)
{
    g_autofree char *copy = g_strdup(line);

    inproc_out = reply;
    process_line(copy);
    inproc_out = NULL;
}

static void on_readable(void *opaque)
{
    char buf[4096];
    ssize_t n = read(in_fd, buf, sizeof(buf));
    char *nl;

    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return;
    }
    if (n <= 0) {
        /* The test closed its end: nobody can drive us any more. */
        main_loop_set_fd_handler(in_fd, NULL, NULL, NULL);
        qemu_system_exit_request(0);
        return;
    }
    g_string_append_len(inbuf, buf, n);
    while ((nl = memchr(inbuf->str, '\n', inbuf->len))) {
        size_t len = nl - inbuf->str;
        g_autofree char *line = g_strndup(inbuf->str, len);
        g_string_erase(inbuf, 0, len + 1);
        process_line(line);
    }
}

/* ---- transport ---- */

static int connect_unix(const char *path, Error **errp)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        error_setg(errp, "UNIX socket path '%s' is too long", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        error_setg_errno(errp, errno, "Failed to connect to '%s'", path);
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    return fd;
}

static int connect_tcp(const char *hostport, Error **errp)
{
    g_autofree char *host = g_strdup(hostport);
    char *colon = strrchr(host, ':');
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
    int fd = -1, err;

    if (!colon) {
        error_setg(errp, "host and port must be given as HOST:PORT");
        return -1;
    }
    *colon = '\0';
    err = getaddrinfo(*host ? host : "localhost", colon + 1, &hints, &res);
    if (err) {
        error_setg(errp, "address resolution failed for %s: %s", hostport,
                   gai_strerror(err));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            break;
        }
        if (fd >= 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Failed to connect to '%s'", hostport);
    }
    return fd;
}

bool qtest_server_init(const char *spec, const char *log_path, Error **errp)
{
    g_autofree char *s = g_strndup(spec, strcspn(spec, ","));

    if (!strcmp(s, "stdio")) {
        in_fd = STDIN_FILENO;
        out_fd = STDOUT_FILENO;
    } else if (g_str_has_prefix(s, "unix:")) {
        in_fd = out_fd = connect_unix(s + 5, errp);
    } else if (g_str_has_prefix(s, "tcp:")) {
        in_fd = out_fd = connect_tcp(s + 4, errp);
    } else {
        error_setg(errp, "'%s' is not a valid qtest channel (unix:PATH, "
                   "tcp:HOST:PORT or stdio)", spec);
        return false;
    }
    if (in_fd < 0) {
        return false;
    }
    if (log_path) {
        log_fp = fopen(log_path, "w");
        if (!log_fp) {
            error_setg_errno(errp, errno, "Could not open '%s'", log_path);
            return false;
        }
    }
    start_time = g_get_monotonic_time();
    inbuf = g_string_new(NULL);
    main_loop_set_fd_handler(in_fd, on_readable, NULL, NULL);
    return true;
}
