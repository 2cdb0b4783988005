/* SPDX-License-Identifier: GPL-2.0-or-later */
/* e820 map building: sorting, overriding overlaps, merging. */
#include "util/osdep.h"
#include "hw/i386/e820.h"

static void check(const E820Table *t, unsigned i, uint64_t addr,
                  uint64_t size, uint32_t type)
{
    const E820Entry *e = e820_get(t, i);
    g_assert_nonnull(e);
    g_assert_cmphex(e->addr, ==, addr);
    g_assert_cmphex(e->size, ==, size);
    g_assert_cmpuint(e->type, ==, type);
}

static void test_pc_layout(void)
{
    E820Table *t = e820_new();

    /* Added out of order: the table comes out sorted. */
    e820_add(t, 1 * MiB, 127 * MiB, E820_RAM);
    e820_add(t, 4 * GiB, 1 * GiB, E820_RAM);
    e820_add(t, 0, 0x9fc00, E820_RAM);
    e820_add(t, 0x9fc00, 0x400, E820_RESERVED);
    e820_add(t, 0xf0000, 0x10000, E820_RESERVED);
    g_assert_cmpuint(e820_count(t), ==, 5);
    check(t, 0, 0, 0x9fc00, E820_RAM);
    check(t, 1, 0x9fc00, 0x400, E820_RESERVED);
    check(t, 2, 0xf0000, 0x10000, E820_RESERVED);
    check(t, 3, 1 * MiB, 127 * MiB, E820_RAM);
    check(t, 4, 4 * GiB, 1 * GiB, E820_RAM);
    g_assert_cmphex(e820_total(t, E820_RAM), ==, 0x9fc00 + 127 * MiB + GiB);
    g_assert_cmpuint(e820_type_at(t, 0xa0000), ==, 0);
    g_assert_cmpuint(e820_type_at(t, 0x9fc00), ==, E820_RESERVED);
    e820_free(t);
}

static void test_override_tail(void)
{
    E820Table *t = e820_new();

    /* ACPI tables at the top of low RAM cut the RAM entry short. */
    e820_add(t, 1 * MiB, 127 * MiB, E820_RAM);
    e820_add(t, 128 * MiB - 64 * KiB, 64 * KiB, E820_ACPI);
    g_assert_cmpuint(e820_count(t), ==, 2);
    check(t, 0, 1 * MiB, 127 * MiB - 64 * KiB, E820_RAM);
    check(t, 1, 128 * MiB - 64 * KiB, 64 * KiB, E820_ACPI);
    e820_free(t);
}

static void test_override_middle_and_span(void)
{
    E820Table *t = e820_new();

    e820_add(t, 0, 100, E820_RAM);
    e820_add(t, 40, 20, E820_RESERVED);       /* splits RAM in two */
    g_assert_cmpuint(e820_count(t), ==, 3);
    check(t, 0, 0, 40, E820_RAM);
    check(t, 1, 40, 20, E820_RESERVED);
    check(t, 2, 60, 40, E820_RAM);

    e820_add(t, 30, 40, E820_NVS);            /* covers all of the middle */
    g_assert_cmpuint(e820_count(t), ==, 3);
    check(t, 0, 0, 30, E820_RAM);
    check(t, 1, 30, 40, E820_NVS);
    check(t, 2, 70, 30, E820_RAM);

    e820_add(t, 0, 100, E820_RAM);            /* everything becomes RAM */
    g_assert_cmpuint(e820_count(t), ==, 1);
    check(t, 0, 0, 100, E820_RAM);
    e820_free(t);
}

static void test_merge(void)
{
    E820Table *t = e820_new();

    e820_add(t, 0x2000, 0x1000, E820_RAM);
    e820_add(t, 0x0000, 0x1000, E820_RAM);
    e820_add(t, 0x1000, 0x1000, E820_RAM);    /* bridges the gap */
    g_assert_cmpuint(e820_count(t), ==, 1);
    check(t, 0, 0, 0x3000, E820_RAM);

    e820_add(t, 0x3000, 0x1000, E820_RESERVED);   /* touching, other type */
    g_assert_cmpuint(e820_count(t), ==, 2);
    e820_add(t, 0, 0, E820_RESERVED);             /* empty: ignored */
    g_assert_cmpuint(e820_count(t), ==, 2);

    char *s = e820_to_string(t);
    g_assert_nonnull(strstr(s, "[mem 0x0000000000000000-0x0000000000002fff] usable"));
    g_assert_nonnull(strstr(s, "reserved"));
    g_free(s);
    e820_clear(t);
    g_assert_cmpuint(e820_count(t), ==, 0);
    e820_free(t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/e820/pc-layout", test_pc_layout);
    g_test_add_func("/e820/override-tail", test_override_tail);
    g_test_add_func("/e820/override-middle", test_override_middle_and_span);
    g_test_add_func("/e820/merge", test_merge);
    return g_test_run();
}
