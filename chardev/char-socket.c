/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "-chardev socket": tcp (host=, port=) or unix (path=), as a server
 * (server=on: one client at a time, a new one after it leaves; wait=on,
 * the default, holds start-up until the first client connects) or a
 * client (reconnect=N: retry every N seconds after a failure or a
 * disconnect). telnet=on negotiates character mode (we echo, no
 * go-ahead) and strips IAC sequences from the input. nodelay=on sets
 * TCP_NODELAY. Everything is non-blocking except the start-up wait;
 * output while nobody is connected is dropped, as in QEMU.
 */
#include "util/osdep.h"
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "sysemu/runstate.h"
#include "chardev/char.h"
#include "util/main-loop.h"
#include "util/timer.h"

/* Telnet (RFC 854/857/858) bytes. */
#define IAC 255
#define DONT 254
#define DO 253
#define WONT 252
#define WILL 251
#define SB 250
#define SE 240
#define BRK 243
#define OPT_ECHO 1
#define OPT_SGA 3

typedef struct SocketChardev {
    Chardev parent_obj;
    bool is_unix, server, telnet, nodelay;
    char *host, *port, *path;
    int64_t reconnect;            /* seconds, clients only */
    int listen_fd, fd;
    bool dead;                    /* write failed: drop until reconnected */
    int iac_state;                /* 0 data, 1 IAC, 2 option byte, 3 SB */
    char *peer;
    Timer *reconnect_timer;
} SocketChardev;

static void socket_update_filename(SocketChardev *s)
{
    Chardev *chr = &s->parent_obj;
    g_autofree char *addr = s->is_unix ?
        g_strdup_printf("unix:%s", s->path) :
        g_strdup_printf("%s:%s:%s", s->telnet ? "telnet" : "tcp",
                        s->host, s->port);

    g_free(chr->filename);
    if (s->fd < 0) {
        chr->filename = g_strdup_printf("disconnected:%s%s", addr,
                                        s->server ? ",server=on" : "");
    } else if (s->is_unix) {
        chr->filename = g_strdup_printf("%s%s", addr,
                                        s->server ? ",server=on" : "");
    } else {
        chr->filename = g_strdup_printf("%s%s <-> %s", addr,
                                        s->server ? ",server=on" : "",
                                        s->peer ? s->peer : "");
    }
}

static void socket_accept(void *opaque);

static void socket_watch_listen(SocketChardev *s, bool on)
{
    if (s->listen_fd >= 0) {
        main_loop_set_fd_handler(s->listen_fd, on ? socket_accept : NULL,
                                 NULL, s);
    }
}

static void socket_connected(SocketChardev *s, int fd)
{
    Chardev *chr = &s->parent_obj;
    static const uint8_t telnet_init[] = {
        IAC, WILL, OPT_ECHO, IAC, WILL, OPT_SGA,
        IAC, DO, OPT_SGA, IAC, DONT, 34 /* LINEMODE */,
    };
    int one = 1;

    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    if (s->nodelay && !s->is_unix) {
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    s->fd = fd;
    s->dead = false;
    s->iac_state = 0;
    chr->read_fd = fd;
    chr->read_eof = false;
    chr->write_failed = false;
    socket_watch_listen(s, false);  /* one client at a time */
    socket_update_filename(s);
    if (s->telnet) {
        chr_fe_write(chr->fe ? chr->fe : &(CharFrontend){ .chr = chr },
                     telnet_init, sizeof(telnet_init));
    }
    chr_update_watches(chr);
    chr_be_event(chr, CHR_EVENT_OPENED);
}

static void socket_disconnect(SocketChardev *s)
{
    Chardev *chr = &s->parent_obj;

    if (s->fd < 0) {
        return;
    }
    chr->read_fd = -1;
    g_byte_array_set_size(chr->outbuf, 0);
    chr_update_watches(chr);
    close(s->fd);
    s->fd = -1;
    g_clear_pointer(&s->peer, g_free);
    socket_update_filename(s);
    chr_be_event(chr, CHR_EVENT_CLOSED);
    if (s->server) {
        socket_watch_listen(s, true);
    } else if (s->reconnect) {
        timer_mod_ns(s->reconnect_timer, clock_get_ns(KEMU_CLOCK_REALTIME) +
                     s->reconnect * NANOSECONDS_PER_SECOND);
    }
    chr_flush_outbuf(chr);          /* wakes a frontend waiting for room */
}

static void socket_set_peer(SocketChardev *s, struct sockaddr_storage *ss)
{
    char h[NI_MAXHOST], p[NI_MAXSERV];

    if (!s->is_unix && getnameinfo((struct sockaddr *)ss, sizeof(*ss), h,
                                   sizeof(h), p, sizeof(p),
                                   NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
        s->peer = g_strdup_printf("%s:%s", h, p);
    }
}

static void socket_accept(void *opaque)
{
    SocketChardev *s = opaque;
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    int fd = accept4(s->listen_fd, (struct sockaddr *)&ss, &len,
                     SOCK_CLOEXEC);

    if (fd < 0 || s->fd >= 0) {
        if (fd >= 0) {
            close(fd);
        }
        return;
    }
    socket_set_peer(s, &ss);
    socket_connected(s, fd);
}

/* Resolves the address; a unix path or the first tcp candidate. */
static int socket_make_addr(SocketChardev *s, struct sockaddr_storage *ss,
                            socklen_t *len, Error **errp)
{
    memset(ss, 0, sizeof(*ss));
    if (s->is_unix) {
        struct sockaddr_un *un = (struct sockaddr_un *)ss;
        if (strlen(s->path) >= sizeof(un->sun_path)) {
            error_setg(errp, "UNIX socket path '%s' is too long", s->path);
            return -1;
        }
        un->sun_family = AF_UNIX;
        strcpy(un->sun_path, s->path);
        *len = sizeof(*un);
        return AF_UNIX;
    } else {
        struct addrinfo hints = { .ai_family = AF_UNSPEC,
                                  .ai_socktype = SOCK_STREAM,
                                  .ai_flags = s->server ? AI_PASSIVE : 0 };
        struct addrinfo *res;
        int rc = getaddrinfo(s->host, s->port, &hints, &res);
        int fam;

        if (rc) {
            error_setg(errp, "address resolution failed for %s:%s: %s",
                       s->host, s->port, gai_strerror(rc));
            return -1;
        }
        memcpy(ss, res->ai_addr, res->ai_addrlen);
        *len = res->ai_addrlen;
        fam = res->ai_family;
        freeaddrinfo(res);
        return fam;
    }
}

static bool socket_listen(SocketChardev *s, Error **errp)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int fam = socket_make_addr(s, &ss, &len, errp);
    int one = 1;

    if (fam < 0) {
        return false;
    }
    s->listen_fd = socket(fam, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (s->listen_fd < 0) {
        error_setg_errno(errp, errno, "Failed to create socket");
        return false;
    }
    if (s->is_unix) {
        unlink(s->path);
    } else {
        setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    }
    if (bind(s->listen_fd, (struct sockaddr *)&ss, len) < 0) {
        error_setg_errno(errp, errno, "Failed to bind socket");
        return false;
    }
    if (listen(s->listen_fd, 1) < 0) {
        error_setg_errno(errp, errno, "Failed to listen on socket");
        return false;
    }
    return true;
}

static bool socket_connect(SocketChardev *s, Error **errp)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int fam = socket_make_addr(s, &ss, &len, errp);
    int fd;

    if (fam < 0) {
        return false;
    }
    fd = socket(fam, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Failed to create socket");
        return false;
    }
    /* Local and LAN peers answer at once; kemu does not connect to far
     * hosts in the middle of a run except on reconnect. */
    if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
        g_autofree char *where = s->is_unix ? g_strdup(s->path) :
            g_strdup_printf("%s:%s", s->host, s->port);
        error_setg_errno(errp, errno, "Failed to connect to '%s'", where);
        close(fd);
        return false;
    }
    if (!s->is_unix) {
        socket_set_peer(s, &ss);
    }
    socket_connected(s, fd);
    return true;
}

static void socket_reconnect(void *opaque)
{
    SocketChardev *s = opaque;

    if (s->fd < 0 && !socket_connect(s, NULL)) {
        timer_mod_ns(s->reconnect_timer, clock_get_ns(KEMU_CLOCK_REALTIME) +
                     s->reconnect * NANOSECONDS_PER_SECOND);
    }
}

/* Strips telnet commands in place; returns the data length left. */
static int telnet_filter(SocketChardev *s, uint8_t *buf, int len)
{
    int out = 0;

    for (int i = 0; i < len; i++) {
        uint8_t c = buf[i];
        switch (s->iac_state) {
        case 0:
            if (c == IAC) {
                s->iac_state = 1;
            } else {
                buf[out++] = c;
            }
            break;
        case 1:
            if (c == IAC) {
                buf[out++] = c;             /* escaped 255 */
                s->iac_state = 0;
            } else if (c >= WILL && c <= DONT) {
                s->iac_state = 2;           /* option byte follows */
            } else if (c == SB) {
                s->iac_state = 3;
            } else {
                if (c == BRK) {
                    chr_be_event(&s->parent_obj, CHR_EVENT_BREAK);
                }
                s->iac_state = 0;
            }
            break;
        case 2:
            s->iac_state = 0;
            break;
        case 3:                             /* subnegotiation until IAC SE */
            if (c == IAC) {
                s->iac_state = 4;
            }
            break;
        case 4:
            s->iac_state = c == SE ? 0 : 3;
            break;
        }
    }
    return out;
}

static void socket_fd_read(Chardev *chr)
{
    SocketChardev *s = (SocketChardev *)chr;
    uint8_t buf[4096];
    int want = MIN(chr_be_can_write(chr), (int)sizeof(buf));
    ssize_t n;

    if (want <= 0) {
        return;
    }
    n = recv(s->fd, buf, want, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        socket_disconnect(s);
        return;
    }
    if (n > 0) {
        int len = s->telnet ? telnet_filter(s, buf, n) : n;
        chr_be_write(chr, buf, len);
    }
}

static void socket_disconnect_bh(void *opaque)
{
    SocketChardev *s = opaque;

    if (s->dead) {
        socket_disconnect(s);
    }
    object_unref(OBJECT(s));
}

static int socket_write(Chardev *chr, const uint8_t *buf, int len)
{
    SocketChardev *s = (SocketChardev *)chr;
    ssize_t n;

    if (s->fd < 0 || s->dead) {
        return len;                         /* nobody listens: drop */
    }
    n = send(s->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) {
        return n;
    }
    if (errno == EAGAIN || errno == EINTR) {
        return 0;
    }
    /* The peer is gone. The core is walking outbuf: disconnect later. */
    s->dead = true;
    object_ref(OBJECT(s));
    main_loop_bh_schedule(socket_disconnect_bh, s);
    return len;
}

static int socket_get_write_fd(Chardev *chr)
{
    SocketChardev *s = (SocketChardev *)chr;
    return s->dead ? -1 : s->fd;
}

static bool socket_open(Chardev *chr, Opts *opts, Error **errp)
{
    SocketChardev *s = (SocketChardev *)chr;
    Error *err = NULL;
    bool wait;
    const char *host = opts_get(opts, "host");
    const char *port = opts_get(opts, "port");
    const char *path = opts_get(opts, "path");

    s->server = opts_get_bool(opts, "server", false, &err);
    wait = !err && opts_get_bool(opts, "wait", true, &err);
    s->telnet = !err && opts_get_bool(opts, "telnet", false, &err);
    s->nodelay = !err && opts_get_bool(opts, "nodelay", false, &err);
    s->reconnect = err ? 0 : opts_get_number(opts, "reconnect", 0, &err);
    opts_get(opts, "ipv4");
    opts_get(opts, "ipv6");
    if (err) {
        error_propagate(errp, err);
        return false;
    }
    if (path && (host || port)) {
        error_setg(errp, "chardev: socket: path= and host=/port= conflict");
        return false;
    }
    if (!path && !port) {
        error_setg(errp, "chardev: socket: no host given");
        return false;
    }
    if (s->server && s->reconnect) {
        error_setg(errp, "'reconnect' option is incompatible with "
                   "socket in server listen mode");
        return false;
    }
    s->is_unix = path != NULL;
    /* We announce WILL ECHO to telnet clients: the frontend must echo. */
    chr->echo_expected = s->telnet;
    s->path = g_strdup(path);
    s->host = g_strdup(host && *host ? host : "0.0.0.0");
    s->port = g_strdup(port);
    s->reconnect_timer = timer_new_ns(KEMU_CLOCK_REALTIME, socket_reconnect,
                                      s);
    socket_update_filename(s);
    chr->be_open = false;
    if (s->server) {
        if (!socket_listen(s, errp)) {
            return false;
        }
        if (wait) {
            struct pollfd p = { .fd = s->listen_fd, .events = POLLIN };
            info_report("kemu waiting for connection on: %s",
                        chr->filename);
            while (s->fd < 0) {
                /* SIGTERM/SIGINT while waiting end kemu, as later. A
                 * bounded poll: a signal just before it is not lost. */
                runstate_exit_if_killed();
                if (poll(&p, 1, 100) > 0) {
                    socket_accept(s);
                }
            }
        } else {
            socket_watch_listen(s, true);
        }
        return true;
    }
    if (!socket_connect(s, s->reconnect ? NULL : errp)) {
        if (!s->reconnect) {
            return false;
        }
        timer_mod_ns(s->reconnect_timer, clock_get_ns(KEMU_CLOCK_REALTIME) +
                     s->reconnect * NANOSECONDS_PER_SECOND);
    }
    return true;
}

static void socket_close(Chardev *chr)
{
    SocketChardev *s = (SocketChardev *)chr;

    if (s->fd >= 0) {
        close(s->fd);
    }
    if (s->listen_fd >= 0) {
        socket_watch_listen(s, false);
        close(s->listen_fd);
        if (s->is_unix) {
            unlink(s->path);
        }
    }
    if (s->reconnect_timer) {
        timer_free(s->reconnect_timer);
    }
    g_free(s->host);
    g_free(s->port);
    g_free(s->path);
    g_free(s->peer);
}

/* The frontend drops its client (a gdb client that broke the protocol):
 * a server then listens again, a client reconnects if asked to. */
static void socket_fe_disconnect(Chardev *chr)
{
    SocketChardev *s = (SocketChardev *)chr;

    if (s->fd < 0 || s->dead) {
        return;
    }
    s->dead = true;
    object_ref(OBJECT(s));
    main_loop_bh_schedule(socket_disconnect_bh, s);
}

static void socket_instance_init(Object *obj)
{
    SocketChardev *s = (SocketChardev *)obj;

    s->fd = s->listen_fd = -1;
}

static void socket_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = CHARDEV_CLASS(oc);

    cc->backend_name = "socket";
    cc->open = socket_open;
    cc->write_nonblock = socket_write;
    cc->get_write_fd = socket_get_write_fd;
    cc->fd_read = socket_fd_read;
    cc->close = socket_close;
    cc->disconnect = socket_fe_disconnect;
}

static const TypeInfo socket_types[] = {
    {
        .name = "chardev-socket",
        .parent = TYPE_CHARDEV,
        .instance_size = sizeof(SocketChardev),
        .instance_init = socket_instance_init,
        .class_init = socket_class_init,
    },
};
DEFINE_TYPES(socket_types)

const char chardev_socket_anchor;
