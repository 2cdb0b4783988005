/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Flat views: overlap and priority, aliases, enable/disable, nested
 * containers, read-only, transactions, listener diffs, "info mtree".
 */
#include "util/osdep.h"
#include "exec/memory.h"
#include "util/rcu.h"

static const MemoryRegionOps dummy_ops;

/* The view as text, one "start-end name@offset[ ro]" per range. */
static char *view_str(AddressSpace *as)
{
    GString *s = g_string_new("");
    FlatView *fv;

    rcu_read_lock();
    fv = address_space_to_flatview(as);
    for (unsigned i = 0; i < fv->nr; i++) {
        const FlatRange *fr = &fv->ranges[i];
        g_string_append_printf(s, "%s%" PRIx64 "-%" PRIx64 " %s@%" PRIx64 "%s",
                               i ? ", " : "", fr->addr,
                               fr->addr + fr->size - 1, fr->mr->name,
                               fr->offset_in_region,
                               fr->readonly ? " ro" : "");
    }
    rcu_read_unlock();
    return g_string_free(s, false);
}

#define assert_view(as, expect) do {            \
        g_autofree char *v_ = view_str(as);     \
        g_assert_cmpstr(v_, ==, expect);        \
    } while (0)

typedef struct Fixture {
    MemoryRegion root;
    AddressSpace as;
} Fixture;

static void fx_init(Fixture *f, uint64_t size)
{
    memory_region_init(&f->root, NULL, "root", size);
    address_space_init(&f->as, &f->root, "test");
}

static void fx_fini(Fixture *f)
{
    address_space_destroy(&f->as);
    memory_region_destroy(&f->root);
}

static void test_empty_and_single(void)
{
    Fixture f;
    MemoryRegion ram;

    fx_init(&f, 0x10000);
    assert_view(&f.as, "");
    memory_region_init_ram(&ram, NULL, "ram", 0x1000, &error_abort);
    memory_region_add_subregion(&f.root, 0x2000, &ram);
    assert_view(&f.as, "2000-2fff ram@0");
    memory_region_del_subregion(&f.root, &ram);
    assert_view(&f.as, "");
    memory_region_destroy(&ram);
    fx_fini(&f);
}

static void test_priority(void)
{
    Fixture f;
    MemoryRegion ram, io, low;

    fx_init(&f, 0x10000);
    memory_region_init_ram(&ram, NULL, "ram", 0x2000, &error_abort);
    memory_region_init_io(&io, NULL, &dummy_ops, NULL, "io", 0x1000);
    memory_region_init_io(&low, NULL, &dummy_ops, NULL, "low", 0x4000);
    memory_region_add_subregion(&f.root, 0, &ram);
    /* Higher priority wins in the overlap, the rest of ram shows. */
    memory_region_add_subregion_overlap(&f.root, 0x800, &io, 1);
    /* Lower priority only fills what nobody else covers. */
    memory_region_add_subregion_overlap(&f.root, 0, &low, -1);
    assert_view(&f.as, "0-7ff ram@0, 800-17ff io@0, 1800-1fff ram@1800, "
                       "2000-3fff low@2000");
    fx_fini(&f);
    memory_region_destroy(&ram);
    memory_region_destroy(&io);
    memory_region_destroy(&low);
}

static void test_equal_priority_later_wins(void)
{
    Fixture f;
    MemoryRegion a, b;

    fx_init(&f, 0x10000);
    memory_region_init_io(&a, NULL, &dummy_ops, NULL, "a", 0x1000);
    memory_region_init_io(&b, NULL, &dummy_ops, NULL, "b", 0x1000);
    memory_region_add_subregion_overlap(&f.root, 0, &a, 0);
    memory_region_add_subregion_overlap(&f.root, 0x800, &b, 0);
    assert_view(&f.as, "0-7ff a@0, 800-17ff b@0");
    /* Re-adding a makes it the newest: now it wins. */
    memory_region_del_subregion(&f.root, &a);
    memory_region_add_subregion_overlap(&f.root, 0, &a, 0);
    assert_view(&f.as, "0-fff a@0, 1000-17ff b@800");
    fx_fini(&f);
    memory_region_destroy(&a);
    memory_region_destroy(&b);
}

static void test_alias(void)
{
    Fixture f;
    MemoryRegion ram, al, al2, cont, inner, alc;

    fx_init(&f, 0x100000);
    memory_region_init_ram(&ram, NULL, "ram", 0x10000, &error_abort);
    memory_region_init_alias(&al, NULL, "al", &ram, 0x100, 0x200);
    memory_region_add_subregion(&f.root, 0x20000, &al);
    assert_view(&f.as, "20000-201ff ram@100");
    /* An alias of an alias resolves to the RAM, offsets added up. */
    memory_region_init_alias(&al2, NULL, "al2", &al, 0x10, 0x20);
    memory_region_add_subregion(&f.root, 0x30000, &al2);
    assert_view(&f.as, "20000-201ff ram@100, 30000-3001f ram@110");
    /* An alias of a container shows the container's children. */
    memory_region_init(&cont, NULL, "cont", 0x10000);
    memory_region_init_io(&inner, NULL, &dummy_ops, NULL, "inner", 0x100);
    memory_region_add_subregion(&cont, 0x1000, &inner);
    memory_region_init_alias(&alc, NULL, "alc", &cont, 0x1000, 0x80);
    memory_region_add_subregion(&f.root, 0x40000, &alc);
    assert_view(&f.as, "20000-201ff ram@100, 30000-3001f ram@110, "
                       "40000-4007f inner@0");
    /* Moving the alias window follows. */
    memory_region_set_alias_offset(&al, 0x1000);
    assert_view(&f.as, "20000-201ff ram@1000, 30000-3001f ram@1010, "
                       "40000-4007f inner@0");
    /* An alias larger than its target is clipped to the target. */
    memory_region_set_alias_offset(&alc, 0x1080);
    assert_view(&f.as, "20000-201ff ram@1000, 30000-3001f ram@1010, "
                       "40000-4007f inner@80");
    fx_fini(&f);
    memory_region_destroy(&al);
    memory_region_destroy(&al2);
    memory_region_destroy(&alc);
    memory_region_destroy(&inner);
    memory_region_destroy(&cont);
    memory_region_destroy(&ram);
}

static void test_enable_disable(void)
{
    Fixture f;
    MemoryRegion ram, io;

    fx_init(&f, 0x10000);
    memory_region_init_ram(&ram, NULL, "ram", 0x2000, &error_abort);
    memory_region_init_io(&io, NULL, &dummy_ops, NULL, "io", 0x1000);
    memory_region_add_subregion(&f.root, 0, &ram);
    memory_region_add_subregion_overlap(&f.root, 0, &io, 1);
    assert_view(&f.as, "0-fff io@0, 1000-1fff ram@1000");
    memory_region_set_enabled(&io, false);
    assert_view(&f.as, "0-1fff ram@0");
    memory_region_set_enabled(&io, true);
    assert_view(&f.as, "0-fff io@0, 1000-1fff ram@1000");
    memory_region_set_address(&io, 0x1000);
    assert_view(&f.as, "0-fff ram@0, 1000-1fff io@0");
    memory_region_set_size(&io, 0x800);
    assert_view(&f.as, "0-fff ram@0, 1000-17ff io@0, 1800-1fff ram@1800");
    fx_fini(&f);
    memory_region_destroy(&io);
    memory_region_destroy(&ram);
}

static void test_nested_containers(void)
{
    Fixture f;
    MemoryRegion hi, lo, a, b, c;

    fx_init(&f, 0x10000);
    memory_region_init(&hi, NULL, "hi", 0x10000);
    memory_region_init(&lo, NULL, "lo", 0x10000);
    memory_region_init_io(&a, NULL, &dummy_ops, NULL, "a", 0x1000);
    memory_region_init_io(&b, NULL, &dummy_ops, NULL, "b", 0x3000);
    memory_region_init_io(&c, NULL, &dummy_ops, NULL, "c", 0x1000);
    /* b has a huge priority, but inside a lower-priority container:
     * the container's priority decides against hi's children. */
    memory_region_add_subregion_overlap(&lo, 0, &b, 1000);
    memory_region_add_subregion(&hi, 0x1000, &a);
    memory_region_add_subregion_overlap(&f.root, 0, &lo, 0);
    memory_region_add_subregion_overlap(&f.root, 0, &hi, 1);
    assert_view(&f.as, "0-fff b@0, 1000-1fff a@0, 2000-2fff b@2000");
    /* A container placed at an offset shifts its children. */
    memory_region_add_subregion(&hi, 0x100, &c);
    assert_view(&f.as, "0-ff b@0, 100-10ff c@0, 1100-1fff a@100, "
                       "2000-2fff b@2000");
    fx_fini(&f);
    memory_region_destroy(&a);
    memory_region_destroy(&b);
    memory_region_destroy(&c);
    memory_region_destroy(&hi);
    memory_region_destroy(&lo);
}

static void test_readonly(void)
{
    Fixture f;
    MemoryRegion ram, rom, al;

    fx_init(&f, 0x100000);
    memory_region_init_ram(&ram, NULL, "ram", 0x1000, &error_abort);
    memory_region_init_rom(&rom, NULL, "rom", 0x1000, &error_abort);
    memory_region_init_alias(&al, NULL, "al", &ram, 0, 0x1000);
    memory_region_add_subregion(&f.root, 0, &ram);
    memory_region_add_subregion(&f.root, 0x1000, &rom);
    memory_region_add_subregion(&f.root, 0x2000, &al);
    assert_view(&f.as, "0-fff ram@0, 1000-1fff rom@0 ro, 2000-2fff ram@0");
    /* A read-only alias makes only its window read-only. */
    memory_region_set_readonly(&al, true);
    assert_view(&f.as, "0-fff ram@0, 1000-1fff rom@0 ro, 2000-2fff ram@0 ro");
    memory_region_set_readonly(&al, false);
    memory_region_set_readonly(&ram, true);
    assert_view(&f.as, "0-fff ram@0 ro, 1000-1fff rom@0 ro, "
                       "2000-2fff ram@0 ro");
    fx_fini(&f);
    memory_region_destroy(&ram);
    memory_region_destroy(&rom);
    memory_region_destroy(&al);
}

static void test_full_range(void)
{
    Fixture f;
    MemoryRegion big, top;
    FlatView *fv;

    fx_init(&f, UINT64_MAX);
    memory_region_init_io(&big, NULL, &dummy_ops, NULL, "big", UINT64_MAX);
    memory_region_init_io(&top, NULL, &dummy_ops, NULL, "top", 0x1000);
    memory_region_add_subregion_overlap(&f.root, 0, &big, -1);
    rcu_read_lock();
    fv = address_space_to_flatview(&f.as);
    g_assert_cmpuint(fv->nr, ==, 1);
    g_assert_cmpuint(fv->ranges[0].size, ==, 0);    /* 2^64 */
    g_assert(flatview_lookup(fv, UINT64_MAX)->mr == &big);
    rcu_read_unlock();
    memory_region_add_subregion(&f.root, 0xfffffffffffff000ULL, &top);
    assert_view(&f.as, "0-ffffffffffffefff big@0, "
                       "fffffffffffff000-ffffffffffffffff top@0");
    rcu_read_lock();
    fv = address_space_to_flatview(&f.as);
    g_assert(flatview_lookup(fv, UINT64_MAX)->mr == &top);
    g_assert(flatview_lookup(fv, 5)->mr == &big);
    rcu_read_unlock();
    fx_fini(&f);
    memory_region_destroy(&big);
    memory_region_destroy(&top);
}

/* ---- transactions and listeners ---- */

typedef struct TestListener {
    MemoryListener l;
    GString *log;
    int begins, commits;
} TestListener;

static void tl_begin(MemoryListener *l)
{
    ((TestListener *)l)->begins++;
}

static void tl_commit(MemoryListener *l)
{
    ((TestListener *)l)->commits++;
}

static void tl_log(MemoryListener *l, const char *op, MemoryRegionSection *s)
{
    TestListener *tl = (TestListener *)l;

    g_string_append_printf(tl->log, "%s%s %" PRIx64 "+%" PRIx64 " %s@%" PRIx64
                           "%s", tl->log->len ? "; " : "", op,
                           s->offset_within_address_space, s->size,
                           s->mr->name, s->offset_within_region,
                           s->readonly ? " ro" : "");
}

static void tl_add(MemoryListener *l, MemoryRegionSection *s)
{
    tl_log(l, "add", s);
}

static void tl_del(MemoryListener *l, MemoryRegionSection *s)
{
    tl_log(l, "del", s);
}

static const char *tl_take(TestListener *tl)
{
    static char buf[512];

    g_strlcpy(buf, tl->log->str, sizeof(buf));
    g_string_truncate(tl->log, 0);
    return buf;
}

static void test_listener(void)
{
    Fixture f;
    MemoryRegion ram, ram2, io;
    TestListener tl = {
        .l = { .begin = tl_begin, .commit = tl_commit,
               .region_add = tl_add, .region_del = tl_del, .name = "t" },
        .log = g_string_new(""),
    };

    fx_init(&f, 0x100000);
    memory_region_init_ram(&ram, NULL, "ram", 0x4000, &error_abort);
    memory_region_init_ram(&ram2, NULL, "ram2", 0x1000, &error_abort);
    memory_region_init_io(&io, NULL, &dummy_ops, NULL, "io", 0x1000);
    memory_region_add_subregion(&f.root, 0, &ram);

    /* Registration replays what is there. */
    memory_listener_register(&tl.l, &f.as);
    g_assert_cmpstr(tl_take(&tl), ==, "add 0+4000 ram@0");
    g_assert_cmpint(tl.begins, ==, 1);
    g_assert_cmpint(tl.commits, ==, 1);

    /* IO regions are not reported, but the RAM they split is. */
    memory_region_add_subregion_overlap(&f.root, 0x1000, &io, 1);
    g_assert_cmpstr(tl_take(&tl), ==,
                    "del 0+4000 ram@0; add 0+1000 ram@0; add 2000+2000 ram@2000");
    g_assert_cmpint(tl.commits, ==, 2);

    /* Unchanged ranges are not reported again. */
    memory_region_add_subregion(&f.root, 0x10000, &ram2);
    g_assert_cmpstr(tl_take(&tl), ==, "add 10000+1000 ram2@0");

    /* A read-only change is a del + add of that range only. */
    memory_region_set_readonly(&ram2, true);
    g_assert_cmpstr(tl_take(&tl), ==, "del 10000+1000 ram2@0; "
                    "add 10000+1000 ram2@0 ro");

    /* A change that leaves the view as it was reports nothing. */
    int commits = tl.commits;
    memory_region_set_size(&f.root, 0x200000);
    g_assert_cmpstr(tl_take(&tl), ==, "");
    g_assert_cmpint(tl.commits, ==, commits);

    /* A transaction: one rebuild at the outermost commit, deletions
     * reported before additions. */
    memory_region_transaction_begin();
    memory_region_del_subregion(&f.root, &io);
    memory_region_transaction_begin();
    memory_region_set_address(&ram2, 0x20000);
    memory_region_transaction_commit();
    g_assert_cmpuint(memory_region_transaction_depth(), ==, 1);
    g_assert_cmpstr(tl_take(&tl), ==, "");      /* nothing yet */
    assert_view(&f.as, "0-fff ram@0, 1000-1fff io@0, 2000-3fff ram@2000, "
                       "10000-10fff ram2@0 ro");
    memory_region_transaction_commit();
    g_assert_cmpint(tl.commits, ==, commits + 1);
    g_assert_cmpstr(tl_take(&tl), ==, "del 0+1000 ram@0; del 2000+2000 ram@2000; "
                    "del 10000+1000 ram2@0 ro; add 0+4000 ram@0; "
                    "add 20000+1000 ram2@0 ro");

    memory_listener_unregister(&tl.l);
    memory_region_del_subregion(&f.root, &ram2);
    g_assert_cmpstr(tl_take(&tl), ==, "");
    fx_fini(&f);
    memory_region_destroy(&io);
    memory_region_destroy(&ram);
    memory_region_destroy(&ram2);
    g_string_free(tl.log, true);
}

/* The old view stays valid for a reader until it leaves its section. */
static void test_rcu_publish(void)
{
    Fixture f;
    MemoryRegion a;
    FlatView *old;

    fx_init(&f, 0x10000);
    memory_region_init_io(&a, NULL, &dummy_ops, NULL, "a", 0x1000);
    rcu_read_lock();
    old = address_space_to_flatview(&f.as);
    memory_region_add_subregion(&f.root, 0, &a);
    g_assert(address_space_to_flatview(&f.as) != old);
    g_assert_cmpuint(old->nr, ==, 0);           /* still readable */
    rcu_read_unlock();
    drain_call_rcu();
    fx_fini(&f);
    memory_region_destroy(&a);
}

static void test_mtree(void)
{
    MemoryRegion ram, al, io;
    GString *s = g_string_new("");

    memory_init();
    memory_region_init_ram(&ram, NULL, "pc.ram", 0x8000000, &error_abort);
    memory_region_init_alias(&al, NULL, "ram-below-4g", &ram, 0, 0x8000000);
    memory_region_add_subregion(get_system_memory(), 0, &al);
    memory_region_init_io(&io, NULL, &dummy_ops, NULL, "ioapic", 0x1000);
    memory_region_add_subregion(get_system_memory(), 0xfec00000, &io);
    memory_print_mtree(s, false);
    g_assert(strstr(s->str,
        "address-space: memory\n"
        "  0000000000000000-ffffffffffffffff (prio 0, i/o): system\n"
        "    0000000000000000-0000000007ffffff (prio 0, ram): alias "
        "ram-below-4g @pc.ram 0000000000000000-0000000007ffffff\n"
        "    00000000fec00000-00000000fec00fff (prio 0, i/o): ioapic\n\n"));
    g_assert(strstr(s->str,
        "address-space: I/O\n"
        "  0000000000000000-000000000000ffff (prio 0, i/o): io\n\n"));
    g_assert(strstr(s->str,
        "memory-region: pc.ram\n"
        "  0000000000000000-0000000007ffffff (prio 0, ram): pc.ram\n\n"));
    g_string_truncate(s, 0);
    memory_print_mtree(s, true);
    g_assert(strstr(s->str,
        "FlatView #0\n"
        " AS \"memory\", root: system\n"
        " Root memory region: system\n"
        "  0000000000000000-0000000007ffffff (prio 0, ram): pc.ram\n"
        "  00000000fec00000-00000000fec00fff (prio 0, i/o): ioapic\n\n"));
    g_assert(strstr(s->str,
        "FlatView #1\n"
        " AS \"I/O\", root: io\n"
        " Root memory region: (none)\n"
        "  No rendered FlatView\n\n"));
    g_string_free(s, true);
    memory_region_destroy(&al);
    memory_region_destroy(&io);
    memory_region_destroy(&ram);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/flatview/single", test_empty_and_single);
    g_test_add_func("/flatview/priority", test_priority);
    g_test_add_func("/flatview/equal-priority", test_equal_priority_later_wins);
    g_test_add_func("/flatview/alias", test_alias);
    g_test_add_func("/flatview/enable-disable", test_enable_disable);
    g_test_add_func("/flatview/nested", test_nested_containers);
    g_test_add_func("/flatview/readonly", test_readonly);
    g_test_add_func("/flatview/full-range", test_full_range);
    g_test_add_func("/flatview/listener", test_listener);
    g_test_add_func("/flatview/rcu-publish", test_rcu_publish);
    g_test_add_func("/flatview/mtree", test_mtree);
    return g_test_run();
}
