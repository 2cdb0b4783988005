/* SPDX-License-Identifier: GPL-2.0-or-later */
/* -smp topology rules (machine_parse_smp), checked against QEMU 7.2. */
#include "hw/boards.h"

#define MAXC 255
#define MNAME "pc-i440fx-7.2"

static CpuTopology parse_ok(const char *str)
{
    Error *err = NULL;
    Opts *o = opts_parse(str, "cpus", false, &error_abort);
    CpuTopology t = { 0 };

    if (!machine_parse_smp(&t, o, MAXC, MNAME, &err)) {
        g_error("-smp %s: %s", str, error_get_pretty(err));
    }
    opts_free(o);
    return t;
}

static void check(const char *str, unsigned cpus, unsigned sockets,
                  unsigned dies, unsigned cores, unsigned threads,
                  unsigned max)
{
    CpuTopology t = parse_ok(str);

    g_assert_cmpuint(t.cpus, ==, cpus);
    g_assert_cmpuint(t.sockets, ==, sockets);
    g_assert_cmpuint(t.dies, ==, dies);
    g_assert_cmpuint(t.cores, ==, cores);
    g_assert_cmpuint(t.threads, ==, threads);
    g_assert_cmpuint(t.max_cpus, ==, max);
}

static void check_err(const char *str, const char *msg)
{
    Error *err = NULL;
    Opts *o = opts_parse(str, "cpus", false, &error_abort);
    CpuTopology t = { 7, 7, 7, 7, 7, 7 };

    g_assert_false(machine_parse_smp(&t, o, MAXC, MNAME, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    g_assert_cmpuint(t.cpus, ==, 7);   /* untouched on error */
    error_free(err);
    opts_free(o);
}

static void test_derive(void)
{
    /*      str                                   cpus s  d  c  t  max */
    check("",                                      1, 1, 1, 1, 1, 1);
    check("4",                                     4, 1, 1, 4, 1, 4);
    check("4,sockets=2",                           4, 2, 1, 2, 1, 4);
    check("cpus=4,cores=2",                        4, 2, 1, 2, 1, 4);
    check("8,sockets=2,cores=2,threads=2,maxcpus=8", 8, 2, 1, 2, 2, 8);
    check("sockets=2",                             2, 2, 1, 1, 1, 2);
    check("sockets=2,cores=3,threads=2",          12, 2, 1, 3, 2, 12);
    check("2,maxcpus=4",                           2, 1, 1, 4, 1, 4);
    check("maxcpus=4",                             4, 1, 1, 4, 1, 4);
    check("2,threads=2",                           2, 1, 1, 1, 2, 2);
    check("4,dies=2",                              4, 1, 2, 2, 1, 4);
    check("4,cores=2,threads=2",                   4, 1, 1, 2, 2, 4);
    check("255",                                 255, 1, 1, 255, 1, 255);
    check("cpus=2,cpus=3,maxcpus=4",               3, 1, 1, 4, 1, 4);
    check("4,sockets=2,cores=1",                   4, 2, 1, 1, 2, 4);
}

static void test_zero_is_omitted(void)
{
    /* Deprecated but accepted by QEMU 7.2 (with a warning). */
    check("0",                                     1, 1, 1, 1, 1, 1);
    check("2,cores=0",                             2, 1, 1, 2, 1, 2);
}

static void test_errors(void)
{
    check_err("4,sockets=2,cores=1,threads=1",
              "Invalid CPU topology: product of the hierarchy must match "
              "maxcpus: sockets (2) * dies (1) * cores (1) * threads (1) "
              "!= maxcpus (4)");
    check_err("2,sockets=2,cores=2",
              "Invalid CPU topology: product of the hierarchy must match "
              "maxcpus: sockets (2) * dies (1) * cores (2) * threads (0) "
              "!= maxcpus (2)");
    check_err("2,threads=3",
              "Invalid CPU topology: product of the hierarchy must match "
              "maxcpus: sockets (1) * dies (1) * cores (0) * threads (3) "
              "!= maxcpus (2)");
    check_err("cpus=4,maxcpus=2,sockets=1",
              "Invalid CPU topology: maxcpus must be equal to or greater "
              "than smp: sockets (1) * dies (1) * cores (2) * threads (1) "
              "== maxcpus (2) < smp_cpus (4)");
    check_err("300",
              "Invalid SMP CPUs 300. The max CPUs supported by machine "
              "'pc-i440fx-7.2' is 255");
    check_err("2,maxcpus=300",
              "Invalid SMP CPUs 300. The max CPUs supported by machine "
              "'pc-i440fx-7.2' is 255");
    check_err("1,foo=2", "Parameter 'smp.foo' is unexpected");
    check_err("x", "Parameter 'smp.cpus' expects integer");
    check_err("2,sockets=y", "Parameter 'smp.sockets' expects integer");
    check_err("2,clusters=2",
              "clusters not supported by this machine's CPU topology");
}

static void test_topo_string(void)
{
    CpuTopology t = { 8, 2, 1, 2, 2, 8 };
    g_autofree char *s = machine_topo_to_string(&t);

    g_assert_cmpstr(s, ==, "sockets (2) * dies (1) * cores (2) * "
                    "threads (2)");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/smp/derive", test_derive);
    g_test_add_func("/smp/zero-is-omitted", test_zero_is_omitted);
    g_test_add_func("/smp/errors", test_errors);
    g_test_add_func("/smp/topo-string", test_topo_string);
    return g_test_run();
}
