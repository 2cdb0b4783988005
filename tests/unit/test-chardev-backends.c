/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Ringbuf read/write, the mux (focus, events, escapes) over a fake
 * backend, and legacy socket spec parsing errors. */
#include "util/osdep.h"
#include "chardev/char.h"

static void test_ringbuf(void)
{
    Opts *o = opts_parse("ringbuf,id=rb,size=8", "backend", false,
                         &error_abort);
    Chardev *chr = chardev_new_from_opts(o, &error_abort);
    CharFrontend fe;
    Error *err = NULL;
    g_autofree char *a = NULL, *b = NULL;

    opts_free(o);
    chr_fe_init(&fe, chr, &error_abort);
    chr_fe_write(&fe, (const uint8_t *)"0123456789", 10);   /* wraps */
    a = chr_ringbuf_read(chr, 3, &error_abort);
    g_assert_cmpstr(a, ==, "234");
    g_assert_true(chr_ringbuf_write(chr, (const uint8_t *)"xy", 2,
                                    &error_abort));
    b = chr_ringbuf_read(chr, 100, &error_abort);
    g_assert_cmpstr(b, ==, "56789xy");
    chr_fe_deinit(&fe);
    chardev_delete(chr);

    chr = chardev_new_legacy("n0", "null", &error_abort);
    g_assert_null(chr_ringbuf_read(chr, 1, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "n0 is not a ringbuffer device");
    error_free(err);
    chardev_delete(chr);
}

typedef struct Fe {
    CharFrontend fe;
    GString *in;
    GArray *ev;
} Fe;

static int fe_can(void *o) { return 100; }
static void fe_rd(void *o, const uint8_t *b, int n)
{
    g_string_append_len(((Fe *)o)->in, (const char *)b, n);
}
static void fe_ev(void *o, ChrEvent e)
{
    int v = e;
    g_array_append_val(((Fe *)o)->ev, v);
}

static void fe_setup(Fe *f, Chardev *chr)
{
    f->in = g_string_new(NULL);
    f->ev = g_array_new(false, false, sizeof(int));
    g_assert_true(chr_fe_init(&f->fe, chr, &error_abort));
    chr_fe_set_handlers(&f->fe, fe_can, fe_rd, fe_ev, f);
}

static int last_ev(Fe *f)
{
    return f->ev->len ? g_array_index(f->ev, int, f->ev->len - 1) : -1;
}

static void test_mux(void)
{
    g_autofree char *path = g_strdup_printf("%s/kemu-mux-%d",
                                            g_get_tmp_dir(), getpid());
    g_autofree char *spec = g_strdup_printf("file:%s", path);
    Chardev *mux = chardev_new_legacy("m0", spec, &error_abort);
    Chardev *base;
    Fe a, b;
    g_autofree char *out = NULL;

    chardev_delete(mux);
    mux = chardev_new_legacy("m0", g_strdup_printf("mon:%s", spec),
                             &error_abort);
    base = chardev_find("m0-base");
    g_assert_nonnull(base);
    g_assert_true(chr_is_mux(mux));
    fe_setup(&a, mux);
    fe_setup(&b, mux);                      /* the newest gets the focus */
    g_assert_cmpint(last_ev(&a), ==, CHR_EVENT_MUX_OUT);
    chr_be_write(base, (const uint8_t *)"hi", 2);
    g_assert_cmpstr(b.in->str, ==, "hi");
    g_assert_cmpstr(a.in->str, ==, "");
    chr_be_write(base, (const uint8_t *)"\x01" "c" "x\x01\x01", 5);
    g_assert_cmpstr(a.in->str, ==, "x\x01");
    g_assert_cmpint(last_ev(&a), ==, CHR_EVENT_MUX_IN);
    g_assert_cmpint(last_ev(&b), ==, CHR_EVENT_MUX_OUT);
    chr_be_write(base, (const uint8_t *)"\x01" "b", 2);
    g_assert_cmpint(last_ev(&a), ==, CHR_EVENT_BREAK);
    chr_be_event(base, CHR_EVENT_CLOSED);
    g_assert_cmpint(last_ev(&a), ==, CHR_EVENT_CLOSED);
    g_assert_cmpint(last_ev(&b), ==, CHR_EVENT_CLOSED);
    chr_fe_write(&a.fe, (const uint8_t *)"A", 1);
    chr_fe_write(&b.fe, (const uint8_t *)"B", 1);
    chr_fe_deinit(&a.fe);
    chr_fe_deinit(&b.fe);
    chardev_delete(mux);
    chardev_delete(base);
    g_assert_true(g_file_get_contents(path, &out, NULL, NULL));
    g_assert_cmpstr(out, ==, "AB");
    unlink(path);
}

static void test_legacy_errors(void)
{
    Error *err = NULL;

    g_assert_null(chardev_new_legacy("s", "tcp:nohostport", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "chardev: tcp: port number missing");
    error_free(err);
    err = NULL;
    g_assert_null(chardev_new_legacy("s", "udp:1", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "'udp' is not a valid char driver");
    error_free(err);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/chardev/ringbuf", test_ringbuf);
    g_test_add_func("/chardev/mux", test_mux);
    g_test_add_func("/chardev/legacy-errors", test_legacy_errors);
    return g_test_run();
}
