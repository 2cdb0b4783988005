/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "-chardev mux,chardev=BASE" (made by mux=on and "mon:DEV"): up to
 * CHR_MUX_MAX frontends share one backend. Output of all frontends goes
 * to the backend; input goes to the focused frontend, which chr->fe
 * always points to, so the core's chr_be_write/chr_be_event reach it
 * unchanged. The escape character (Ctrl-a, -echr) followed by:
 *   h help, x exit, s sync disks, t timestamps on/off, b break,
 *   c next frontend, the escape character itself: send it.
 * Output backpressure: what the backend does not take stays in the mux's
 * own outbuf; a watch on the backend drains it and then wakes every
 * waiting frontend.
 */
#include "util/osdep.h"
#include "chardev/char.h"
#include "sysemu/runstate.h"
#include "util/timer.h"

int chr_mux_escape_char = 0x01;

#define MUX_INBUF 32

typedef struct MuxChardev {
    Chardev parent_obj;
    CharFrontend be_fe;             /* on the backend */
    CharFrontend *fes[CHR_MUX_MAX];
    int count, focus;
    bool got_escape;
    bool timestamps, line_start;
    int64_t ts_start_ms;
    uint8_t inbuf[MUX_INBUF];       /* input for the focused frontend */
    int inlen;
} MuxChardev;

static void mux_raw_out(MuxChardev *d, const char *s)
{
    chr_fe_write(&d->be_fe, (const uint8_t *)s, strlen(s));
}

static void mux_print_help(MuxChardev *d)
{
    static const char *const lines[][2] = {
        { "h   ", "print this help" },
        { "x   ", "exit emulator" },
        { "s   ", "save disk data back to file (if -snapshot)" },
        { "t   ", "toggle console timestamps" },
        { "b   ", "send break (magic sysrq)" },
        { "c   ", "switch between console and monitor" },
    };
    char esc[16];

    if (chr_mux_escape_char > 0 && chr_mux_escape_char < 27) {
        snprintf(esc, sizeof(esc), "C-%c", 'a' + chr_mux_escape_char - 1);
        mux_raw_out(d, "\n\r");
    } else {
        g_autofree char *s = g_strdup_printf(
            "\n\rEscape-Char set to Ascii: 0x%02x\n\r\n\r",
            chr_mux_escape_char);
        snprintf(esc, sizeof(esc), "%c", chr_mux_escape_char);
        mux_raw_out(d, s);
    }
    for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
        g_autofree char *s = g_strdup_printf("%s %s %s\n\r", esc,
                                             lines[i][0], lines[i][1]);
        mux_raw_out(d, s);
    }
    {
        g_autofree char *s = g_strdup_printf("%s %s  sends %s\n\r", esc,
                                             esc, esc);
        mux_raw_out(d, s);
    }
}

static void mux_send_event(MuxChardev *d, int i, ChrEvent ev)
{
    CharFrontend *fe = d->fes[i];

    if (fe && fe->event) {
        fe->event(fe->opaque, ev);
    }
}

static void mux_set_focus(MuxChardev *d, int focus)
{
    if (d->focus >= 0 && d->focus < d->count) {
        mux_send_event(d, d->focus, CHR_EVENT_MUX_OUT);
    }
    d->focus = focus;
    d->parent_obj.fe = focus >= 0 ? d->fes[focus] : NULL;
    d->inlen = 0;
    if (focus >= 0) {
        mux_send_event(d, focus, CHR_EVENT_MUX_IN);
    }
    chr_fe_accept_input(&d->be_fe);
}

/* ---- input from the backend ---- */

static void mux_deliver(MuxChardev *d)
{
    Chardev *chr = &d->parent_obj;

    while (d->inlen) {
        int n = MIN(chr_be_can_write(chr), d->inlen);
        if (n <= 0) {
            break;
        }
        chr_be_write(chr, d->inbuf, n);
        memmove(d->inbuf, d->inbuf + n, d->inlen - n);
        d->inlen -= n;
    }
}

static int mux_can_read(void *opaque)
{
    MuxChardev *d = opaque;

    mux_deliver(d);
    return d->parent_obj.fe ? MUX_INBUF - d->inlen : 0;
}

static void mux_escape(MuxChardev *d, uint8_t ch)
{
    switch (ch) {
    case 'h':
    case '?':
        mux_print_help(d);
        break;
    case 'x':
        mux_raw_out(d, "kemu: Terminated\n\r");
        qemu_system_exit_request(0);
        break;
    case 's':
        break;                      /* no disks to sync yet */
    case 'b':
        chr_be_event(&d->parent_obj, CHR_EVENT_BREAK);
        break;
    case 'c':
        if (d->count) {
            mux_set_focus(d, (d->focus + 1) % d->count);
        }
        break;
    case 't':
        d->timestamps = !d->timestamps;
        d->ts_start_ms = -1;
        d->line_start = false;
        break;
    default:
        if (ch == chr_mux_escape_char && d->inlen < MUX_INBUF) {
            d->inbuf[d->inlen++] = ch;
        }
        break;
    }
}

static void mux_read(void *opaque, const uint8_t *buf, int len)
{
    MuxChardev *d = opaque;

    for (int i = 0; i < len; i++) {
        if (d->got_escape) {
            d->got_escape = false;
            mux_escape(d, buf[i]);
        } else if (buf[i] == chr_mux_escape_char) {
            d->got_escape = true;
        } else if (d->inlen < MUX_INBUF) {
            d->inbuf[d->inlen++] = buf[i];
        }
    }
    mux_deliver(d);
}

static void mux_event(void *opaque, ChrEvent ev)
{
    MuxChardev *d = opaque;

    if (ev == CHR_EVENT_OPENED || ev == CHR_EVENT_CLOSED) {
        d->parent_obj.be_open = ev == CHR_EVENT_OPENED;
        for (int i = 0; i < d->count; i++) {
            mux_send_event(d, i, ev);
        }
    } else {
        chr_be_event(&d->parent_obj, ev);
    }
}

/* ---- output ---- */

static void mux_be_writable(void *opaque)
{
    MuxChardev *d = opaque;
    Chardev *chr = &d->parent_obj;

    chr_flush_outbuf(chr);
    for (int i = 0; i < d->count; i++) {
        CharFrontend *fe = d->fes[i];
        if (fe->on_writable && chr->outbuf->len < chr->outbuf_max) {
            ChrWritableHandler *cb = fe->on_writable;
            fe->on_writable = NULL;
            cb(fe->opaque);
        }
    }
}

/* With timestamps on, each line starts "[hh:mm:ss.mmm] " (time since
 * they were switched on); such output is always taken whole. */
static int mux_write_stamped(MuxChardev *d, const uint8_t *buf, int len)
{
    GString *s = g_string_new(NULL);

    for (int i = 0; i < len; i++) {
        if (d->line_start) {
            int64_t now = clock_get_ms(KEMU_CLOCK_REALTIME), t;
            if (d->ts_start_ms < 0) {
                d->ts_start_ms = now;
            }
            t = now - d->ts_start_ms;
            g_string_append_printf(s, "[%02d:%02d:%02d.%03d] ",
                                   (int)(t / 3600000), (int)(t / 60000 % 60),
                                   (int)(t / 1000 % 60), (int)(t % 1000));
            d->line_start = false;
        }
        g_string_append_c(s, buf[i]);
        if (buf[i] == '\n') {
            d->line_start = true;
        }
    }
    chr_fe_write(&d->be_fe, (const uint8_t *)s->str, s->len);
    g_string_free(s, true);
    return len;
}

static int mux_write(Chardev *chr, const uint8_t *buf, int len)
{
    MuxChardev *d = (MuxChardev *)chr;
    int n;

    if (d->timestamps) {
        return mux_write_stamped(d, buf, len);
    }
    n = chr_fe_write(&d->be_fe, buf, len);
    if (len && buf[len - 1] == '\n') {
        d->line_start = true;
    }
    if (n < len) {
        chr_fe_add_watch(&d->be_fe, mux_be_writable);
    }
    return n;
}

/* ---- frontends ---- */

static bool mux_fe_attach(Chardev *chr, CharFrontend *fe, Error **errp)
{
    MuxChardev *d = (MuxChardev *)chr;

    if (d->count >= CHR_MUX_MAX) {
        error_setg(errp, "too many uses of multiplexed chardev '%s' "
                   "(maximum is %d)", chr->label, CHR_MUX_MAX);
        return false;
    }
    d->fes[d->count++] = fe;
    mux_set_focus(d, d->count - 1);
    return true;
}

static void mux_fe_detach(Chardev *chr, CharFrontend *fe)
{
    MuxChardev *d = (MuxChardev *)chr;
    int i;

    for (i = 0; i < d->count && d->fes[i] != fe; i++) {
    }
    if (i == d->count) {
        return;
    }
    memmove(&d->fes[i], &d->fes[i + 1], (d->count - i - 1) * sizeof(fe));
    d->count--;
    d->focus = -1;                  /* the detached one gets no MUX_OUT */
    mux_set_focus(d, d->count ? 0 : -1);
}

void chr_fe_take_focus(CharFrontend *fe)
{
    MuxChardev *d;

    if (!chr_is_mux(fe->chr)) {
        return;
    }
    d = (MuxChardev *)fe->chr;
    for (int i = 0; i < d->count; i++) {
        if (d->fes[i] == fe && i != d->focus) {
            mux_set_focus(d, i);
        }
    }
}

static void mux_accept_input(Chardev *chr)
{
    MuxChardev *d = (MuxChardev *)chr;

    mux_deliver(d);
    chr_fe_accept_input(&d->be_fe);
}

static bool mux_open(Chardev *chr, Opts *opts, Error **errp)
{
    MuxChardev *d = (MuxChardev *)chr;
    const char *id = opts_get(opts, "chardev");
    Chardev *be = id ? chardev_find(id) : NULL;

    if (!be) {
        error_setg(errp, "chardev: mux: no chardev given");
        return false;
    }
    if (!chr_fe_init(&d->be_fe, be, errp)) {
        return false;
    }
    d->focus = -1;
    d->line_start = true;
    chr->be_open = be->be_open;
    chr_fe_set_handlers(&d->be_fe, mux_can_read, mux_read, mux_event, d);
    g_free(chr->filename);
    chr->filename = g_strdup(be->filename);
    return true;
}

static void mux_close(Chardev *chr)
{
    MuxChardev *d = (MuxChardev *)chr;

    if (d->be_fe.chr) {
        chr_fe_deinit(&d->be_fe);
    }
}

static void mux_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = CHARDEV_CLASS(oc);

    cc->backend_name = "mux";
    cc->open = mux_open;
    cc->write_nonblock = mux_write;
    cc->close = mux_close;
    cc->fe_attach = mux_fe_attach;
    cc->fe_detach = mux_fe_detach;
    cc->accept_input = mux_accept_input;
}

static const TypeInfo mux_types[] = {
    {
        .name = "chardev-mux",
        .parent = TYPE_CHARDEV,
        .instance_size = sizeof(MuxChardev),
        .class_init = mux_class_init,
    },
};
DEFINE_TYPES(mux_types)

const char chardev_mux_anchor;
