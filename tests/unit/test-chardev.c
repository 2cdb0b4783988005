/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Chardev core: the bounded output buffer and its backpressure (with a
 * fake backend that takes a limited number of bytes per flush), input
 * delivery, and creation from -chardev options and legacy strings.
 */
#include "util/osdep.h"
#include "chardev/char.h"

typedef struct FakeChardev {
    Chardev parent_obj;
    GByteArray *got;          /* what the "host" received */
    int budget;               /* bytes accepted until refilled */
    bool fail;
} FakeChardev;

static bool fake_open(Chardev *chr, Opts *opts, Error **errp)
{
    FakeChardev *f = (FakeChardev *)chr;

    f->got = g_byte_array_new();
    f->budget = (int)opts_get_number(opts, "budget", 1 << 30, errp);
    return true;
}

static int fake_write(Chardev *chr, const uint8_t *buf, int len)
{
    FakeChardev *f = (FakeChardev *)chr;
    int n = MIN(len, f->budget);

    if (f->fail) {
        return -1;
    }
    g_byte_array_append(f->got, buf, n);
    f->budget -= n;
    return n;
}

static void fake_close(Chardev *chr)
{
    FakeChardev *f = (FakeChardev *)chr;

    if (f->got) {
        g_byte_array_unref(f->got);
    }
}

static void fake_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = CHARDEV_CLASS(oc);

    cc->backend_name = "testfake";
    cc->open = fake_open;
    cc->write_nonblock = fake_write;
    cc->close = fake_close;
}

static const TypeInfo fake_type = {
    .name = "chardev-testfake",
    .parent = TYPE_CHARDEV,
    .instance_size = sizeof(FakeChardev),
    .class_init = fake_class_init,
};

static FakeChardev *new_fake(const char *id, int budget)
{
    g_autofree char *str = g_strdup_printf("testfake,id=%s,budget=%d", id,
                                           budget);
    Opts *opts = opts_parse(str, "backend", false, &error_abort);
    Chardev *chr = chardev_new_from_opts(opts, &error_abort);

    opts_free(opts);
    return (FakeChardev *)chr;
}

static void assert_bytes(GByteArray *a, const char *want)
{
    g_assert_cmpint(a->len, ==, strlen(want));
    g_assert_cmpint(memcmp(a->data, want, a->len), ==, 0);
}

static int writable_calls;
static void on_writable(void *opaque)
{
    writable_calls++;
}

static void test_direct_then_buffered(void)
{
    FakeChardev *f = new_fake("c1", 4);
    CharFrontend fe;

    g_assert_true(chr_fe_init(&fe, CHARDEV(f), &error_abort));
    /* The backend takes 4 now; the other 6 wait in the buffer. */
    g_assert_cmpint(chr_fe_write(&fe, (const uint8_t *)"0123456789", 10),
                    ==, 10);
    assert_bytes(f->got, "0123");
    g_assert_cmpint(chr_fe_pending(&fe), ==, 6);
    /* Later writes queue behind, keeping order. */
    g_assert_cmpint(chr_fe_write(&fe, (const uint8_t *)"ab", 2), ==, 2);
    assert_bytes(f->got, "0123");
    f->budget = 3;
    chr_flush_outbuf(CHARDEV(f));
    assert_bytes(f->got, "0123456");
    g_assert_cmpint(chr_fe_pending(&fe), ==, 5);
    f->budget = 100;
    chr_flush_outbuf(CHARDEV(f));
    assert_bytes(f->got, "0123456789ab");
    g_assert_cmpint(chr_fe_pending(&fe), ==, 0);
    chr_fe_deinit(&fe);
    chardev_delete(CHARDEV(f));
    g_assert_null(chardev_find("c1"));
}

static void test_bound_and_watch(void)
{
    FakeChardev *f = new_fake("c2", 0);
    Chardev *chr = CHARDEV(f);
    CharFrontend fe;
    uint8_t buf[20];

    for (int i = 0; i < 20; i++) {
        buf[i] = 'a' + i;
    }
    chr->outbuf_max = 16;
    chr_fe_init(&fe, chr, &error_abort);
    chr_fe_set_handlers(&fe, NULL, NULL, NULL, NULL);
    /* Accepts only what fits. */
    g_assert_cmpint(chr_fe_write(&fe, buf, 20), ==, 16);
    g_assert_cmpint(chr_fe_write(&fe, buf + 16, 4), ==, 0);
    writable_calls = 0;
    chr_fe_add_watch(&fe, on_writable);
    chr_flush_outbuf(chr);                  /* backend still full */
    g_assert_cmpint(writable_calls, ==, 0);
    f->budget = 5;
    chr_flush_outbuf(chr);
    g_assert_cmpint(writable_calls, ==, 1); /* room again: called once */
    g_assert_cmpint(chr_fe_pending(&fe), ==, 11);
    g_assert_cmpint(chr_fe_write(&fe, buf + 16, 4), ==, 4);
    f->budget = 100;
    chr_flush_outbuf(chr);
    g_assert_cmpint(writable_calls, ==, 1); /* one shot */
    g_assert_cmpint(f->got->len, ==, 20);
    g_assert_cmpint(memcmp(f->got->data, buf, 20), ==, 0);
    chr_fe_deinit(&fe);
    chardev_delete(chr);
}

static void test_write_error_drops(void)
{
    FakeChardev *f = new_fake("c3", 0);
    CharFrontend fe;

    chr_fe_init(&fe, CHARDEV(f), &error_abort);
    g_assert_cmpint(chr_fe_write(&fe, (const uint8_t *)"xy", 2), ==, 2);
    f->fail = true;
    chr_flush_outbuf(CHARDEV(f));
    /* A dead reader never stalls the frontend: output is dropped. */
    g_assert_cmpint(chr_fe_pending(&fe), ==, 0);
    g_assert_cmpint(chr_fe_write(&fe, (const uint8_t *)"z", 1), ==, 1);
    chr_fe_deinit(&fe);
    chardev_delete(CHARDEV(f));
}

static GByteArray *input;
static int input_room;

static int fe_can_read(void *opaque)
{
    return input_room;
}

static void fe_read(void *opaque, const uint8_t *buf, int len)
{
    g_byte_array_append(input, buf, len);
    input_room -= len;
}

static void test_input(void)
{
    FakeChardev *f = new_fake("c4", 100);
    Chardev *chr = CHARDEV(f);
    CharFrontend fe;

    input = g_byte_array_new();
    g_assert_cmpint(chr_be_can_write(chr), ==, 0);   /* no frontend */
    chr_fe_init(&fe, chr, &error_abort);
    input_room = 3;
    chr_fe_set_handlers(&fe, fe_can_read, fe_read, NULL, NULL);
    g_assert_cmpint(chr_be_can_write(chr), ==, 3);
    chr_be_write(chr, (const uint8_t *)"abc", 3);
    assert_bytes(input, "abc");
    g_assert_cmpint(chr_be_can_write(chr), ==, 0);
    /* In use by one frontend: a second one is refused. */
    {
        CharFrontend fe2;
        Error *err = NULL;
        g_assert_false(chr_fe_init(&fe2, chr, &err));
        g_assert_cmpstr(error_get_pretty(err), ==, "Device 'c4' is in use");
        error_free(err);
    }
    chr_fe_deinit(&fe);
    g_assert_cmpint(chr_be_can_write(chr), ==, 0);
    chardev_delete(chr);
    g_byte_array_unref(input);
}

static void expect_opts_error(const char *str, const char *msg)
{
    Opts *opts = opts_parse(str, "backend", false, &error_abort);
    Error *err = NULL;

    g_assert_null(chardev_new_from_opts(opts, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
    opts_free(opts);
}

static void test_opts_errors(void)
{
    FakeChardev *f = new_fake("dup", 1);

    expect_opts_error("foo,id=x", "'foo' is not a valid char driver name");
    expect_opts_error("null", "chardev: no id specified");
    expect_opts_error("id=x", "chardev: \"x\" missing backend");
    expect_opts_error("null,id=dup", "Duplicate ID 'dup' for chardev");
    expect_opts_error("null,id=y,bogus=1", "Invalid parameter 'bogus'");
    g_assert_null(chardev_find("y"));
    expect_opts_error("file,id=z", "chardev: file: no filename given");
    chardev_delete(CHARDEV(f));
}

static void test_legacy(void)
{
    Error *err = NULL;
    Chardev *chr = chardev_new_legacy("serial0", "null", &error_abort);

    g_assert_nonnull(chr);
    g_assert_cmpstr(chr->label, ==, "serial0");
    g_assert_true(chardev_find("serial0") == chr);
    g_assert_true(chardev_new_legacy("serial1", "chardev:serial0",
                                     &error_abort) == chr);
    g_assert_null(chardev_new_legacy("serial1", "none", &error_abort));
    g_assert_null(chardev_new_legacy("serial1", "bogus:x", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "'bogus' is not a valid char driver");
    error_free(err);
    err = NULL;
    g_assert_null(chardev_new_legacy("serial1", "chardev:nope", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "invalid character backend 'chardev:nope'");
    error_free(err);
    chardev_delete(chr);
}

static void test_file_backend(void)
{
    g_autofree char *dir = g_dir_make_tmp("kemu-chr-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "out", NULL);
    g_autofree char *spec = g_strdup_printf("file:%s", path);
    g_autofree char *contents = NULL;
    Chardev *chr;
    CharFrontend fe;

    g_file_set_contents(path, "old", -1, NULL);
    chr = chardev_new_legacy("f0", spec, &error_abort);
    g_assert_cmpstr(chr->filename, ==, spec);
    chr_fe_init(&fe, chr, &error_abort);
    chr_fe_write(&fe, (const uint8_t *)"new", 3);
    chr_fe_deinit(&fe);
    chardev_delete(chr);
    g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
    g_assert_cmpstr(contents, ==, "new");               /* truncated */
    unlink(path);
    rmdir(dir);
}

static void test_help(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    chardev_print_backends(f);
    fclose(f);
    g_assert_true(g_str_has_prefix(buf, "Available chardev backend types: \n"));
    g_assert_nonnull(strstr(buf, "\n  stdio\n"));
    g_assert_nonnull(strstr(buf, "\n  null\n"));
    g_assert_nonnull(strstr(buf, "\n  file\n"));
    free(buf);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    type_register_static(&fake_type);
    g_test_add_func("/chardev/direct-then-buffered", test_direct_then_buffered);
    g_test_add_func("/chardev/bound-and-watch", test_bound_and_watch);
    g_test_add_func("/chardev/write-error-drops", test_write_error_drops);
    g_test_add_func("/chardev/input", test_input);
    g_test_add_func("/chardev/opts-errors", test_opts_errors);
    g_test_add_func("/chardev/legacy", test_legacy);
    g_test_add_func("/chardev/file-backend", test_file_backend);
    g_test_add_func("/chardev/help", test_help);
    return g_test_run();
}
