/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Option grammar, scalar parsers and error formatting. */
#include "util/osdep.h"
#include "util/opts.h"
#include "util/log.h"

static void test_basic(void)
{
    Opts *o = opts_parse("a=1,b=two,a=3", NULL, false, &error_abort);
    g_assert_cmpstr(opts_get(o, "a"), ==, "3");     /* later wins */
    g_assert_cmpstr(opts_get(o, "b"), ==, "two");
    g_assert_null(opts_get(o, "c"));
    g_assert_null(opts_first_unused(o));
    opts_free(o);
}

static void test_escapes(void)
{
    Opts *o = opts_parse("file=a,,b,,,format=raw", "file", false,
                         &error_abort);
    g_assert_cmpstr(opts_get(o, "file"), ==, "a,b,");
    g_assert_cmpstr(opts_get(o, "format"), ==, "raw");
    opts_free(o);
    o = opts_parse("x,,y", "file", false, &error_abort);
    g_assert_cmpstr(opts_get(o, "file"), ==, "x,y");
    opts_free(o);
}

static void test_implied(void)
{
    Opts *o = opts_parse("1G,slots=2", "size", false, &error_abort);
    Error *err = NULL;
    g_assert_cmpstr(opts_get(o, "size"), ==, "1G");
    g_assert_cmpuint(opts_get_size(o, "size", 0, &error_abort), ==, GiB);
    g_assert_cmpuint(opts_get_number(o, "slots", 0, &error_abort), ==, 2);
    opts_free(o);
    /* without an implied key a bare word is an error */
    o = opts_parse("1G", NULL, false, &err);
    g_assert_null(o);
    g_assert_nonnull(err);
    error_free(err);
    /* the implied key only applies to the first element */
    o = opts_parse("size=1G,foo", "size", true, &error_abort);
    g_assert_cmpstr(opts_get(o, "foo"), ==, "on");
    opts_free(o);
}

static void test_flags(void)
{
    Opts *o = opts_parse("pc,nodefaults,kvm", "type", true, &error_abort);
    g_assert_cmpstr(opts_get(o, "type"), ==, "pc");
    g_assert_cmpstr(opts_get(o, "defaults"), ==, "off");
    g_assert_true(opts_get_bool(o, "kvm", false, &error_abort));
    opts_free(o);
}

static void test_help(void)
{
    Opts *o = opts_parse("help", "driver", false, &error_abort);
    g_assert_true(opts_wants_help(o));
    opts_free(o);
    o = opts_parse("isa-debug-exit,help", "driver", false, &error_abort);
    g_assert_true(opts_wants_help(o));
    g_assert_cmpstr(opts_get(o, "driver"), ==, "isa-debug-exit");
    opts_free(o);
    o = opts_parse("?", "cpu", false, &error_abort);
    g_assert_true(opts_wants_help(o));
    opts_free(o);
    o = opts_parse("qemu64", "cpu", false, &error_abort);
    g_assert_false(opts_wants_help(o));
    opts_free(o);
}

static void test_unused(void)
{
    Opts *o = opts_parse("a=1,bogus=2", NULL, false, &error_abort);
    Error *err = NULL;
    opts_get(o, "a");
    g_assert_cmpstr(opts_first_unused(o), ==, "bogus");
    g_assert_false(opts_check_all_used(o, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Invalid parameter 'bogus'");
    error_free(err);
    opts_free(o);
}

static void test_sizes(void)
{
    uint64_t v;
    Error *err = NULL;

    g_assert_true(parse_size("512", &v, 'M', "size", &error_abort));
    g_assert_cmpuint(v, ==, 512 * MiB);
    g_assert_true(parse_size("512", &v, 'B', "size", &error_abort));
    g_assert_cmpuint(v, ==, 512);
    g_assert_true(parse_size("1.5G", &v, 'M', "size", &error_abort));
    g_assert_cmpuint(v, ==, 3 * GiB / 2);
    g_assert_true(parse_size("4k", &v, 'B', "size", &error_abort));
    g_assert_cmpuint(v, ==, 4096);
    g_assert_true(parse_size("2T", &v, 'B', "size", &error_abort));
    g_assert_cmpuint(v, ==, 2 * TiB);
    g_assert_true(parse_size("1E", &v, 'B', "size", &error_abort));
    g_assert_cmpuint(v, ==, 1ULL << 60);
    g_assert_true(parse_size("0x1000", &v, 'M', "size", &error_abort));
    g_assert_cmpuint(v, ==, 0x1000);
    g_assert_false(parse_size("foo", &v, 'M', "size", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'size' expects a non-negative number below 2^64");
    error_free(err);
    err = NULL;
    g_assert_false(parse_size("1Z", &v, 'M', "size", &err));
    error_free(err);
    err = NULL;
    g_assert_false(parse_size("1.5", &v, 'M', "size", &err));  /* no unit */
    error_free(err);
    err = NULL;
    g_assert_false(parse_size("-1", &v, 'M', "size", &err));
    error_free(err);
    err = NULL;
    g_assert_false(parse_size("16E", &v, 'B', "size", &err));  /* overflow */
    error_free(err);
}

static void test_scalars(void)
{
    uint64_t u;
    int64_t i;
    bool b;
    Error *err = NULL;

    g_assert_true(parse_uint64("0x501", &u, "iobase", &error_abort));
    g_assert_cmpuint(u, ==, 0x501);
    g_assert_true(parse_int64("-5", &i, "x", &error_abort));
    g_assert_cmpint(i, ==, -5);
    g_assert_false(parse_uint64("zz", &u, "iobase", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'iobase' expects integer");
    error_free(err);
    g_assert_true(parse_bool("yes", &b, "x", &error_abort) && b);
    g_assert_true(parse_bool("off", &b, "x", &error_abort) && !b);
    g_assert_false(parse_bool("maybe", &b, "x", NULL));
    {
        char *s = size_to_str(2 * GiB);
        g_assert_cmpstr(s, ==, "2 GiB");
        g_free(s);
    }
}

static GString *sink_buf;
static void sink(void *opaque, const char *msg)
{
    g_string_append(sink_buf, msg);
}

static void test_error_format(void)
{
    Error *err = NULL;

    sink_buf = g_string_new(NULL);
    error_set_sink(sink, NULL);
    error_setg(&err, "bad %d", 42);
    error_prepend(&err, "ctx: ");
    error_append_hint(&err, "try again\n");
    error_report_err(err);
    g_assert_cmpstr(sink_buf->str, ==, "ctx: bad 42\ntry again\n");
    g_string_truncate(sink_buf, 0);
    warn_report("careful");
    g_assert_cmpstr(sink_buf->str, ==, "warning: careful\n");
    error_set_sink(NULL, NULL);
    g_string_free(sink_buf, TRUE);

    err = NULL;
    error_setg_errno(&err, ENOENT, "Could not open '%s'", "x.img");
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Could not open 'x.img': No such file or directory");
    error_free(err);
}

/* error_fatal exits 1 with "prog: -opt value: message" on stderr. */
static void test_error_fatal(void)
{
    if (g_test_subprocess()) {
        loc_push_option("-m", "foo");
        error_setg(&error_fatal, "message");
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("kemu-system-x86_64: -m foo: message\n");
}

static void test_log_items(void)
{
    Error *err = NULL;
    int m = log_parse_items("guest_errors,unimp", &error_abort);
    g_assert_cmpint(m, ==, LOG_GUEST_ERROR | LOG_UNIMP);
    g_assert_cmpint(log_parse_items("bogus", &err), <, 0);
    g_assert_nonnull(err);
    error_free(err);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/opts/basic", test_basic);
    g_test_add_func("/opts/escapes", test_escapes);
    g_test_add_func("/opts/implied", test_implied);
    g_test_add_func("/opts/flags", test_flags);
    g_test_add_func("/opts/help", test_help);
    g_test_add_func("/opts/unused", test_unused);
    g_test_add_func("/opts/sizes", test_sizes);
    g_test_add_func("/opts/scalars", test_scalars);
    g_test_add_func("/error/format", test_error_format);
    g_test_add_func("/error/fatal", test_error_fatal);
    g_test_add_func("/log/items", test_log_items);
    return g_test_run();
}
