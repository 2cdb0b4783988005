/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Character devices: byte streams between a frontend (UART, debugcon,
 * later the monitor and gdbstub) and a backend (stdio, file, socket...).
 *
 * Backends are objects of type "chardev-NAME" created from -chardev
 * options; the frontend attaches with a CharFrontend. Writes never block:
 * each backend has a bounded output buffer and chr_fe_write() accepts
 * what fits (possibly 0); the frontend asks to be told when there is room
 * again (chr_fe_add_watch) and keeps its transmitter busy until then.
 * Input arrives in the main loop (BQL held): can_read() says how many
 * bytes the frontend can take, read() delivers them.
 */
#ifndef KEMU_CHAR_H
#define KEMU_CHAR_H

#include "qom/object.h"
#include "util/opts.h"

#define TYPE_CHARDEV "chardev"

typedef struct Chardev Chardev;
typedef struct ChardevClass ChardevClass;
typedef struct CharFrontend CharFrontend;

typedef enum ChrEvent {
    CHR_EVENT_OPENED,
    CHR_EVENT_CLOSED,
    CHR_EVENT_BREAK,
    CHR_EVENT_MUX_IN,
    CHR_EVENT_MUX_OUT,
} ChrEvent;

typedef int ChrCanReadHandler(void *opaque);
typedef void ChrReadHandler(void *opaque, const uint8_t *buf, int size);
typedef void ChrEventHandler(void *opaque, ChrEvent event);
typedef void ChrWritableHandler(void *opaque);

#define CHR_OUT_BUF_DEFAULT (64 * KiB)

struct Chardev {
    Object parent_obj;
    char *label;                 /* the -chardev id */
    char *filename;              /* e.g. "stdio", "file:/tmp/x" for info */
    CharFrontend *fe;            /* attached frontend, or NULL */
    GByteArray *outbuf;          /* bytes waiting for the backend */
    size_t outbuf_max;
    bool be_open;
    bool logging;
    bool echo_expected;          /* the peer expects us to echo its input
                                    (telnet character mode) */                /* logfile= later */

    /* Input: the core watches read_fd (if >= 0) while the frontend can
     * take bytes, and calls the class's fd_read (default: read(2) and
     * chr_be_write). A backend without an fd delivers with chr_be_write. */
    int read_fd;
    bool read_eof;               /* read_fd hit end of file */
    bool write_failed;           /* permanent error: output is dropped */
    /* fds currently registered with the main loop (-1: none). */
    int watched_rfd, watched_wfd;
};

struct ChardevClass {
    ObjectClass parent_class;
    const char *backend_name;    /* "stdio", "null", "file" */
    /* Parse backend options and open. */
    bool (*open)(Chardev *chr, Opts *opts, Error **errp);
    /* Write as much as the host takes now without blocking; return the
     * count (0..len) or -1 on a permanent error. */
    int (*write_nonblock)(Chardev *chr, const uint8_t *buf, int len);
    /* Frontend attached/detached: start/stop reading input. */
    void (*update_read_handler)(Chardev *chr);
    void (*close)(Chardev *chr);
    /* fd to watch for writability when outbuf is not empty, or -1. */
    int (*get_write_fd)(Chardev *chr);
    /* read_fd is readable: deliver input (optional, see read_fd). */
    void (*fd_read)(Chardev *chr);
    /* Backends that take several frontends (the mux): chr_fe_init and
     * chr_fe_deinit call these instead of claiming chr->fe. */
    bool (*fe_attach)(Chardev *chr, CharFrontend *fe, Error **errp);
    void (*fe_detach)(Chardev *chr, CharFrontend *fe);
    /* A frontend can take input again (chr_fe_accept_input). */
    void (*accept_input)(Chardev *chr);
    /* The frontend asks to drop the peer (chr_fe_disconnect); optional. */
    void (*disconnect)(Chardev *chr);
};

OBJECT_DECLARE_TYPE(Chardev, ChardevClass, CHARDEV)

struct CharFrontend {
    Chardev *chr;
    ChrCanReadHandler *can_read;
    ChrReadHandler *read;
    ChrEventHandler *event;
    void *opaque;
    ChrWritableHandler *on_writable;
};

/* -chardev BACKEND,id=ID,...  -> registered under /chardevs/ID */
Chardev *chardev_new_from_opts(Opts *opts, Error **errp);
/* Legacy "-serial stdio", "file:PATH", "null", "chardev:ID", ...
 * "chardev:ID" returns the existing chardev; "none" returns NULL without
 * an error (the caller creates no device). */
Chardev *chardev_new_legacy(const char *label, const char *spec,
                            Error **errp);
/* Backend by name with ready-made options (id/backend keys ignored). */
Chardev *chardev_new(const char *label, const char *backend, Opts *opts,
                     Error **errp);
/* Removes the chardev from /chardevs and frees it (no frontend left). */
void chardev_delete(Chardev *chr);
Chardev *chardev_find(const char *label);
void chardev_print_backends(FILE *f);   /* -chardev help */
void chardev_foreach(void (*fn)(Chardev *chr, void *opaque), void *opaque);

/*
 * Frontend API.
 *
 * chr_fe_init attaches one frontend; a second one on the same chardev is
 * refused ("Device 'ID' is in use") unless the chardev is a mux
 * ("-chardev BACKEND,id=ID,mux=on", "mon:DEV", "-chardev mux,...").
 * On a mux chr_fe_init adds a frontend (at most CHR_MUX_MAX) and gives it
 * the focus: input goes to the focused frontend only, output of all
 * frontends is interleaved on the backend. Ctrl-a c moves the focus on
 * (CHR_EVENT_MUX_OUT to the old one, CHR_EVENT_MUX_IN to the new one);
 * OPENED/CLOSED reach every frontend, BREAK only the focused one.
 * The monitor on "-serial mon:stdio": vl creates serial0 with
 * chardev_new_legacy("serial0", "mon:stdio"), the board's UART attaches,
 * then the monitor does chr_fe_init(&mon->fe, serial_hd(0)) and
 * chr_fe_set_handlers; chr_fe_take_focus picks who gets input first.
 */
#define CHR_MUX_MAX 4
bool chr_fe_init(CharFrontend *fe, Chardev *chr, Error **errp);
/* On a mux: make this frontend the focused one (no-op otherwise). */
void chr_fe_take_focus(CharFrontend *fe);
/* Is chr a mux (several frontends behind Ctrl-a)? */
bool chr_is_mux(Chardev *chr);
/* The mux escape character (default 0x01, Ctrl-a); -echr sets it. */
extern int chr_mux_escape_char;
/* Set before chardevs are created when stdio will not be a terminal
 * (-daemonize): a stdio backend is then refused. */
extern bool chardev_stdio_disallowed;

/*
 * Ring buffer backend ("-chardev ringbuf,id=ID,size=N"), for the monitor's
 * ringbuf_write/ringbuf_read. Write appends data to the ring (oldest
 * bytes are overwritten when full); read removes and returns up to max
 * bytes as a NUL-terminated g_malloc'ed string (binary data: use
 * chr_ringbuf_read_len for the count). Both fail with "ID is not a ringbuffer device" on other backends.
 */
bool chr_ringbuf_write(Chardev *chr, const uint8_t *buf, size_t len,
                       Error **errp);
char *chr_ringbuf_read(Chardev *chr, size_t max, Error **errp);
/* Like chr_ringbuf_read, also returning the byte count. */
char *chr_ringbuf_read_len(Chardev *chr, size_t max, size_t *len_out,
                           Error **errp);
void chr_fe_deinit(CharFrontend *fe);
void chr_fe_set_handlers(CharFrontend *fe, ChrCanReadHandler *can_read,
                         ChrReadHandler *read, ChrEventHandler *event,
                         void *opaque);
/* Accepts up to len bytes (buffered, never blocks); returns the count. */
int chr_fe_write(CharFrontend *fe, const uint8_t *buf, int len);
/* Calls cb(fe->opaque) once when the output buffer has room again
 * (from the main loop, or from chr_flush_outbuf). */
void chr_fe_add_watch(CharFrontend *fe, ChrWritableHandler *cb);
bool chr_fe_backend_connected(CharFrontend *fe);
/* The frontend can take input again (e.g. its receive FIFO drained):
 * the backend resumes reading. */
void chr_fe_accept_input(CharFrontend *fe);
/* Drop the connected peer where the backend has one (socket): CLOSED
 * follows from the main loop; a no-op on other backends. */
void chr_fe_disconnect(CharFrontend *fe);
/* Bytes waiting in the output buffer (for tests and "info chardev"). */
size_t chr_fe_pending(CharFrontend *fe);

/* Backend side: deliver input to the frontend (main loop, BQL held). */
int chr_be_can_write(Chardev *chr);
void chr_be_write(Chardev *chr, const uint8_t *buf, int len);
void chr_be_event(Chardev *chr, ChrEvent event);
/* Push buffered output now (main loop); used by the core and backends. */
void chr_flush_outbuf(Chardev *chr);
/* Blocking flush of everything pending (exit paths only; waits at most
 * a couple of seconds for a reader that does not read). */
void chr_flush_all_blocking(void);
/* Re-evaluates which fds the main loop watches (after input state or
 * read_fd changed). */
void chr_update_watches(Chardev *chr);

#endif
