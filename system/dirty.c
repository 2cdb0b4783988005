/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-region dirty logging: one bitmap per client (VGA, code, migration)
 * for each RAM region that some client logs, one bit per 4 KiB page.
 *
 * Bits are set with atomic ORs from any thread (the main loop, qtest,
 * vCPUs under TCG) and taken with atomic exchanges by the reader, so a
 * write racing a snapshot is either in this snapshot or the next one,
 * never lost. Writes that bypass kemu (KVM guests storing straight into
 * RAM) are collected by the accelerator's listener on
 * memory_region_sync_dirty().
 */
#include "system/memory-internal.h"
#include "util/rcu.h"

#define BITS_PER_LONG (8 * sizeof(unsigned long))

static uint64_t mr_pages(MemoryRegion *mr)
{
    return DIV_ROUND_UP(mr->size, (uint64_t)DIRTY_PAGE_SIZE);
}

static size_t bitmap_longs(uint64_t bits)
{
    return DIV_ROUND_UP(bits, BITS_PER_LONG);
}

/* Calls fn on every listener of the system address space for each
 * flat range that shows mr. */
static void mr_for_each_section(MemoryRegion *mr,
                                void (*fn)(MemoryListener *l,
                                           MemoryRegionSection *s))
{
    AddressSpace *as = &address_space_memory;
    FlatView *fv;

    if (!as->current) {
        return;
    }
    rcu_read_lock();
    fv = address_space_to_flatview(as);
    for (unsigned i = 0; i < fv->nr; i++) {
        const FlatRange *fr = &fv->ranges[i];
        MemoryRegionSection s = {
            .mr = fr->mr, .as = as,
            .offset_within_region = fr->offset_in_region,
            .offset_within_address_space = fr->addr,
            .size = fr->size, .readonly = fr->readonly,
        };
        if (fr->mr != mr) {
            continue;
        }
        for (GList *l = as->listeners; l; l = l->next) {
            fn(l->data, &s);
        }
    }
    rcu_read_unlock();
}

static void call_log_start(MemoryListener *l, MemoryRegionSection *s)
{
    if (l->log_start) {
        l->log_start(l, s);
    }
}

static void call_log_stop(MemoryListener *l, MemoryRegionSection *s)
{
    if (l->log_stop) {
        l->log_stop(l, s);
    }
}

static void call_log_sync(MemoryListener *l, MemoryRegionSection *s)
{
    if (l->log_sync) {
        l->log_sync(l, s);
    }
}

void memory_region_set_log(MemoryRegion *mr, bool log, unsigned client)
{
    uint8_t bit = 1u << client;
    bool was_logging = mr->dirty_log_mask != 0;

    g_assert(client < DIRTY_MEMORY_NUM && memory_region_is_ram(mr));
    if (log == !!(mr->dirty_log_mask & bit)) {
        return;
    }
    if (log) {
        size_t n = bitmap_longs(mr_pages(mr));
        unsigned long *b = g_new(unsigned long, n);

        memset(b, 0xff, n * sizeof(*b));
        mr->dirty[client] = b;
        __atomic_or_fetch(&mr->dirty_log_mask, bit, __ATOMIC_RELEASE);
        if (!was_logging) {
            mr_for_each_section(mr, call_log_start);
        }
    } else {
        __atomic_and_fetch(&mr->dirty_log_mask, ~bit, __ATOMIC_RELEASE);
        if (!mr->dirty_log_mask) {
            mr_for_each_section(mr, call_log_stop);
        }
        /* A writer may still be between reading the mask and setting a
         * bit: free the bitmap after a grace period. */
        call_rcu(mr->dirty[client], g_free);
        mr->dirty[client] = NULL;
    }
}

void memory_region_set_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size)
{
    uint8_t mask = __atomic_load_n(&mr->dirty_log_mask, __ATOMIC_ACQUIRE);
    uint64_t first, last;

    if (!mask || !size || addr >= mr->size) {
        return;
    }
    size = MIN(size, mr->size - addr);
    first = addr >> DIRTY_PAGE_BITS;
    last = (addr + size - 1) >> DIRTY_PAGE_BITS;
    rcu_read_lock();
    for (unsigned c = 0; c < DIRTY_MEMORY_NUM; c++) {
        unsigned long *b = __atomic_load_n(&mr->dirty[c], __ATOMIC_ACQUIRE);

        if (!(mask & (1u << c)) || !b) {
            continue;
        }
        for (uint64_t p = first; p <= last; p++) {
            unsigned long m = 1UL << (p % BITS_PER_LONG);
            if (!(b[p / BITS_PER_LONG] & m)) {
                __atomic_or_fetch(&b[p / BITS_PER_LONG], m, __ATOMIC_RELAXED);
            }
        }
    }
    rcu_read_unlock();
}

bool memory_region_get_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size,
                             unsigned client)
{
    unsigned long *b = mr->dirty[client];
    uint64_t first, last;

    if (!b || !size || addr >= mr->size) {
        return false;
    }
    size = MIN(size, mr->size - addr);
    first = addr >> DIRTY_PAGE_BITS;
    last = (addr + size - 1) >> DIRTY_PAGE_BITS;
    for (uint64_t p = first; p <= last; p++) {
        if (__atomic_load_n(&b[p / BITS_PER_LONG], __ATOMIC_RELAXED) &
            (1UL << (p % BITS_PER_LONG))) {
            return true;
        }
    }
    return false;
}

void memory_region_sync_dirty(MemoryRegion *mr)
{
    if (mr->dirty_log_mask) {
        mr_for_each_section(mr, call_log_sync);
    }
}

DirtySnapshot *memory_region_snapshot_and_clear_dirty(MemoryRegion *mr,
                                                      hwaddr addr,
                                                      hwaddr size,
                                                      unsigned client)
{
    DirtySnapshot *snap = g_new0(DirtySnapshot, 1);
    unsigned long *b = mr->dirty[client];
    uint64_t first, npages;

    size = addr < mr->size ? MIN(size, mr->size - addr) : 0;
    first = addr >> DIRTY_PAGE_BITS;
    npages = size ? ((addr + size - 1) >> DIRTY_PAGE_BITS) - first + 1 : 0;
    snap->start = first << DIRTY_PAGE_BITS;
    snap->end = (first + npages) << DIRTY_PAGE_BITS;
    snap->bits = g_new0(unsigned long, bitmap_longs(npages) + 1);
    if (!b) {
        return snap;
    }
    for (uint64_t i = 0; i < npages; i++) {
        uint64_t p = first + i;
        unsigned long m = 1UL << (p % BITS_PER_LONG);

        if (__atomic_load_n(&b[p / BITS_PER_LONG], __ATOMIC_RELAXED) & m) {
            __atomic_and_fetch(&b[p / BITS_PER_LONG], ~m, __ATOMIC_ACQ_REL);
            snap->bits[i / BITS_PER_LONG] |= 1UL << (i % BITS_PER_LONG);
        }
    }
    return snap;
}

bool dirty_snapshot_get(const DirtySnapshot *snap, hwaddr addr, hwaddr size)
{
    hwaddr end;

    if (!size) {
        return false;
    }
    end = MIN(addr + size, snap->end);
    addr = MAX(addr, snap->start);
    for (; addr < end;
         addr = (addr & ~(hwaddr)(DIRTY_PAGE_SIZE - 1)) + DIRTY_PAGE_SIZE) {
        uint64_t i = (addr - snap->start) >> DIRTY_PAGE_BITS;
        if (snap->bits[i / BITS_PER_LONG] & (1UL << (i % BITS_PER_LONG))) {
            return true;
        }
    }
    return false;
}

void dirty_snapshot_free(DirtySnapshot *snap)
{
    if (snap) {
        g_free(snap->bits);
        g_free(snap);
    }
}
