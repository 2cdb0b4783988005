/* SPDX-License-Identifier: GPL-2.0-or-later */
/* isa-debug-exit: a write of v ends kemu with status (v << 1) | 1. */
#include <glib.h>
#include "libqtest.h"

static void test_default_port(void)
{
    QTestState *s = qtest_init("-device isa-debug-exit");

    g_assert_cmphex(qtest_inb(s, 0x501), ==, 0);
    qtest_outb(s, 0x501, 0x21);
    g_assert_cmpint(qtest_wait_exit(s), ==, (0x21 << 1) | 1);
    qtest_quit(s);
}

static void test_custom_port(void)
{
    QTestState *s = qtest_init("-device isa-debug-exit,iobase=0xf4,iosize=4");

    qtest_outl(s, 0xf4, 0x10);
    g_assert_cmpint(qtest_wait_exit(s), ==, 0x21);
    qtest_quit(s);
}

static void test_zero(void)
{
    QTestState *s = qtest_init("-device isa-debug-exit");

    qtest_outb(s, 0x502, 0);          /* second port of the pair */
    g_assert_cmpint(qtest_wait_exit(s), ==, 1);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/debugexit/default-port", test_default_port);
    g_test_add_func("/debugexit/custom-port", test_custom_port);
    g_test_add_func("/debugexit/zero", test_zero);
    return g_test_run();
}
