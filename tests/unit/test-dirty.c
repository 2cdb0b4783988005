/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The per-region dirty log (system/dirty.c): writes through the address
 * space and DMA mappings mark pages for every logging client and only
 * those, snapshots take and clear bits, clients are independent, and an
 * accelerator's listener is asked to start, sync and stop.
 */
#include "util/osdep.h"
#include "exec/memory.h"
#include "util/rcu.h"

#define BASE 0x100000
#define SIZE (64 * KiB)

static MemoryRegion ram;
static int starts, stops, syncs;

static void l_log_start(MemoryListener *l, MemoryRegionSection *s)
{
    g_assert(s->mr == &ram);
    g_assert_cmphex(s->offset_within_address_space, ==, BASE);
    starts++;
}

static void l_log_stop(MemoryListener *l, MemoryRegionSection *s)
{
    stops++;
}

/* Plays KVM: its own log says page 9 was written. */
static void l_log_sync(MemoryListener *l, MemoryRegionSection *s)
{
    syncs++;
    memory_region_set_dirty(s->mr, 9 * DIRTY_PAGE_SIZE, 1);
}

static MemoryListener listener = {
    .log_start = l_log_start,
    .log_stop = l_log_stop,
    .log_sync = l_log_sync,
    .name = "test",
};

static void setup(void)
{
    static bool done;

    if (done) {
        return;
    }
    done = true;
    memory_init();
    memory_region_init_ram(&ram, NULL, "ram", SIZE, &error_abort);
    memory_region_add_subregion(get_system_memory(), BASE, &ram);
    memory_listener_register(&listener, &address_space_memory);
}

static void clear(unsigned client)
{
    dirty_snapshot_free(memory_region_snapshot_and_clear_dirty(&ram, 0, SIZE,
                                                               client));
}

static void test_not_logging(void)
{
    uint32_t v = 1;

    setup();
    address_space_write(&address_space_memory, BASE, &v, 4);
    g_assert_false(memory_region_get_dirty(&ram, 0, SIZE, DIRTY_MEMORY_VGA));
    g_assert_false(memory_region_is_logging(&ram, DIRTY_MEMORY_VGA));
}

static void test_writes(void)
{
    uint32_t v = 0x12345678;
    DirtySnapshot *snap;

    setup();
    starts = stops = 0;
    memory_region_set_log(&ram, true, DIRTY_MEMORY_VGA);
    g_assert_cmpint(starts, ==, 1);
    /* Starting marks everything: the first look sees the whole region. */
    g_assert_true(memory_region_get_dirty(&ram, SIZE - 1, 1,
                                          DIRTY_MEMORY_VGA));
    snap = memory_region_snapshot_and_clear_dirty(&ram, 0, SIZE,
                                                  DIRTY_MEMORY_VGA);
    g_assert_true(dirty_snapshot_get(snap, 0, SIZE));
    dirty_snapshot_free(snap);
    g_assert_false(memory_region_get_dirty(&ram, 0, SIZE, DIRTY_MEMORY_VGA));

    address_space_write(&address_space_memory, BASE + 0x5000, &v, 4);
    g_assert_true(memory_region_get_dirty(&ram, 0x5000, 1, DIRTY_MEMORY_VGA));
    g_assert_false(memory_region_get_dirty(&ram, 0x4000, 0x1000,
                                           DIRTY_MEMORY_VGA));
    g_assert_false(memory_region_get_dirty(&ram, 0x6000, 0x1000,
                                           DIRTY_MEMORY_VGA));
    /* A write across a page boundary marks both pages. */
    address_space_write(&address_space_memory, BASE + 0x7ffe, &v, 4);
    g_assert_true(memory_region_get_dirty(&ram, 0x7000, 1, DIRTY_MEMORY_VGA));
    g_assert_true(memory_region_get_dirty(&ram, 0x8000, 1, DIRTY_MEMORY_VGA));
    /* Reads mark nothing. */
    address_space_read(&address_space_memory, BASE + 0xa000, &v, 4);
    g_assert_false(memory_region_get_dirty(&ram, 0xa000, 1,
                                           DIRTY_MEMORY_VGA));

    /* A snapshot answers for sub-ranges (scanlines) sharing pages. */
    snap = memory_region_snapshot_and_clear_dirty(&ram, 0, SIZE,
                                                  DIRTY_MEMORY_VGA);
    g_assert_true(dirty_snapshot_get(snap, 0x5000, 16));
    g_assert_true(dirty_snapshot_get(snap, 0x5ff0, 16));
    g_assert_true(dirty_snapshot_get(snap, 0x4ff0, 0x20));
    g_assert_false(dirty_snapshot_get(snap, 0x4000, 0x1000));
    g_assert_false(dirty_snapshot_get(snap, 0x5000, 0));
    g_assert_false(dirty_snapshot_get(snap, SIZE, 0x1000));
    dirty_snapshot_free(snap);
    g_assert_false(memory_region_get_dirty(&ram, 0, SIZE, DIRTY_MEMORY_VGA));

    memory_region_set_log(&ram, false, DIRTY_MEMORY_VGA);
    g_assert_cmpint(stops, ==, 1);
    drain_call_rcu();
}

static void test_clients_independent(void)
{
    uint8_t b = 7;

    setup();
    memory_region_set_log(&ram, true, DIRTY_MEMORY_VGA);
    memory_region_set_log(&ram, true, DIRTY_MEMORY_CODE);
    clear(DIRTY_MEMORY_VGA);
    clear(DIRTY_MEMORY_CODE);
    address_space_write(&address_space_memory, BASE + 0x3000, &b, 1);
    clear(DIRTY_MEMORY_VGA);
    g_assert_false(memory_region_get_dirty(&ram, 0x3000, 1,
                                           DIRTY_MEMORY_VGA));
    g_assert_true(memory_region_get_dirty(&ram, 0x3000, 1,
                                          DIRTY_MEMORY_CODE));
    g_assert_false(memory_region_get_dirty(&ram, 0x3000, 1,
                                           DIRTY_MEMORY_MIGRATION));
    memory_region_set_log(&ram, false, DIRTY_MEMORY_CODE);
    memory_region_set_log(&ram, false, DIRTY_MEMORY_VGA);
    drain_call_rcu();
}

static void test_map_and_sync(void)
{
    hwaddr len = 0x2000;
    void *p;

    setup();
    memory_region_set_log(&ram, true, DIRTY_MEMORY_VGA);
    clear(DIRTY_MEMORY_VGA);
    p = address_space_map(&address_space_memory, BASE + 0xc000, &len, true);
    g_assert_nonnull(p);
    memset(p, 1, len);
    address_space_unmap(&address_space_memory, p, len, true, len);
    g_assert_true(memory_region_get_dirty(&ram, 0xc000, 1, DIRTY_MEMORY_VGA));
    g_assert_true(memory_region_get_dirty(&ram, 0xd000, 1, DIRTY_MEMORY_VGA));
    g_assert_false(memory_region_get_dirty(&ram, 0xe000, 1,
                                           DIRTY_MEMORY_VGA));

    /* Writes only the accelerator saw come in through log_sync. */
    syncs = 0;
    g_assert_false(memory_region_get_dirty(&ram, 0x9000, 1,
                                           DIRTY_MEMORY_VGA));
    memory_region_sync_dirty(&ram);
    g_assert_cmpint(syncs, ==, 1);
    g_assert_true(memory_region_get_dirty(&ram, 0x9000, 1, DIRTY_MEMORY_VGA));
    memory_region_set_log(&ram, false, DIRTY_MEMORY_VGA);
    /* Not logging: nothing to sync. */
    memory_region_sync_dirty(&ram);
    g_assert_cmpint(syncs, ==, 1);
    drain_call_rcu();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/dirty/not-logging", test_not_logging);
    g_test_add_func("/dirty/writes", test_writes);
    g_test_add_func("/dirty/clients", test_clients_independent);
    g_test_add_func("/dirty/map-and-sync", test_map_and_sync);
    return g_test_run();
}
