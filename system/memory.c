/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory regions, the region tree, transactions, address spaces and
 * listeners. Flattening lives in flatview.c, accesses in physmem.c.
 *
 * Every mutation runs inside a (possibly nested) transaction and marks
 * the tree changed; the outermost commit re-renders each address space,
 * publishes views that differ with rcu_assign_pointer, reports the
 * difference to listeners and frees the old view after a grace period.
 */
#include "system/memory-internal.h"
#include "util/rcu.h"
#include <sys/mman.h>

GList *memory_address_spaces;
static unsigned txn_depth;
static bool txn_pending;

/* ---- init / destroy ---- */

static void mr_init_common(MemoryRegion *mr, Object *owner, const char *name,
                           uint64_t size, MemoryRegionType type)
{
    memset(mr, 0, sizeof(*mr));
    mr->owner = owner;
    mr->name = g_strdup(name ? name : "");
    mr->type = type;
    mr->size = size;
    mr->enabled = true;
    mr->ram_fd = -1;
    mr->accel_slot = -1;
}

void memory_region_init(MemoryRegion *mr, Object *owner, const char *name,
                        uint64_t size)
{
    mr_init_common(mr, owner, name, size, MR_CONTAINER);
}

/*
 * Anonymous private mapping without swap reservation: pages the guest
 * never touches cost no RSS, which keeps a large idle guest cheap.
 */
static bool mr_alloc_ram(MemoryRegion *mr, uint64_t size, Error **errp)
{
    size_t len = ROUND_UP(size ? size : 1, (uint64_t)getpagesize());
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

    if (p == MAP_FAILED) {
        error_setg_errno(errp, errno,
                         "cannot set up guest memory '%s'", mr->name);
        return false;
    }
    mr->ram_ptr = p;
    mr->ram_mapped = len;
    return true;
}

bool memory_region_init_ram(MemoryRegion *mr, Object *owner,
                            const char *name, uint64_t size, Error **errp)
{
    mr_init_common(mr, owner, name, size, MR_RAM);
    return mr_alloc_ram(mr, size, errp);
}

bool memory_region_init_rom(MemoryRegion *mr, Object *owner,
                            const char *name, uint64_t size, Error **errp)
{
    mr_init_common(mr, owner, name, size, MR_ROM);
    mr->readonly = true;
    return mr_alloc_ram(mr, size, errp);
}

void memory_region_init_ram_ptr(MemoryRegion *mr, Object *owner,
                                const char *name, uint64_t size, void *ptr)
{
    mr_init_common(mr, owner, name, size, MR_RAM);
    mr->ram_ptr = ptr;
}

void memory_region_init_io(MemoryRegion *mr, Object *owner,
                           const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size)
{
    mr_init_common(mr, owner, name, size, MR_IO);
    mr->ops = ops;
    mr->opaque = opaque;
}

void memory_region_init_alias(MemoryRegion *mr, Object *owner,
                              const char *name, MemoryRegion *orig,
                              hwaddr offset, uint64_t size)
{
    mr_init_common(mr, owner, name, size, MR_ALIAS);
    mr->alias = orig;
    mr->alias_offset = offset;
}

/*
 * RAM of a destroyed region is unmapped only once no view that maps it
 * can be in use: after the outermost commit has published a view without
 * it, plus a grace period. Never synchronously: a vCPU may sit in a
 * read-side section waiting for the BQL the caller holds.
 */
typedef struct RamUnmap {
    void *ptr;
    size_t len;
} RamUnmap;
static GSList *pending_unmaps;

static void ram_unmap_cb(void *p)
{
    RamUnmap *u = p;

    munmap(u->ptr, u->len);
    g_free(u);
}

void memory_region_destroy(MemoryRegion *mr)
{
    memory_region_transaction_begin();
    if (mr->container) {
        memory_region_del_subregion(mr->container, mr);
    }
    while (mr->subregions) {
        memory_region_del_subregion(mr, mr->subregions->data);
    }
    if (mr->ram_mapped) {
        RamUnmap *u = g_new(RamUnmap, 1);
        u->ptr = mr->ram_ptr;
        u->len = mr->ram_mapped;
        pending_unmaps = g_slist_prepend(pending_unmaps, u);
        mr->ram_mapped = 0;
    }
    memory_region_transaction_commit();
    for (unsigned c = 0; c < DIRTY_MEMORY_NUM; c++) {
        if (mr->dirty[c]) {
            memory_region_set_log(mr, false, c);
        }
    }
    mr->ram_ptr = NULL;
    g_free(mr->name);
    mr->name = NULL;
}

uint64_t memory_region_size(MemoryRegion *mr)
{
    return mr->size;
}

const char *memory_region_name(MemoryRegion *mr)
{
    return mr->name ? mr->name : "";
}

/* ---- transactions ---- */

void memory_region_transaction_begin(void)
{
    txn_depth++;
}

unsigned memory_region_transaction_depth(void)
{
    return txn_depth;
}

static void address_space_update(AddressSpace *as)
{
    FlatView *old = as->current;
    FlatView *new = flatview_render(as->root, as);

    if (flatview_equal(old, new)) {
        flatview_free(new);
        return;
    }
    rcu_assign_pointer(as->current, new);
    flatview_notify_listeners(as, old, new);
    if (old) {
        call_rcu(old, (void (*)(void *))flatview_free);
    }
}

void memory_region_transaction_commit(void)
{
    g_assert(txn_depth > 0);
    if (--txn_depth == 0 && txn_pending) {
        txn_pending = false;
        for (GList *l = memory_address_spaces; l; l = l->next) {
            address_space_update(l->data);
        }
    }
    if (txn_depth == 0) {
        while (pending_unmaps) {
            call_rcu(pending_unmaps->data, ram_unmap_cb);
            pending_unmaps = g_slist_delete_link(pending_unmaps,
                                                 pending_unmaps);
        }
    }
}

/* Wrap a change in a transaction so a lone change applies at once. */
#define MR_CHANGE(stmt) do {                    \
        memory_region_transaction_begin();      \
        stmt;                                   \
        txn_pending = true;                     \
        memory_region_transaction_commit();     \
    } while (0)

/* ---- the tree ---- */

static void subregion_insert(MemoryRegion *parent, hwaddr offset,
                             MemoryRegion *sub, int priority, bool overlap)
{
    GList *l;

    g_assert(!sub->container);
    g_assert(parent->type == MR_CONTAINER);
    sub->container = parent;
    sub->addr = offset;
    sub->priority = priority;
    sub->may_overlap = overlap;
    /* Priority descending; among equals the newest first, so it wins. */
    for (l = parent->subregions; l; l = l->next) {
        MemoryRegion *o = l->data;
        if (o->priority <= priority) {
            break;
        }
    }
    parent->subregions = g_list_insert_before(parent->subregions, l, sub);
}

void memory_region_add_subregion(MemoryRegion *parent, hwaddr offset,
                                 MemoryRegion *sub)
{
    MR_CHANGE(subregion_insert(parent, offset, sub, 0, false));
}

void memory_region_add_subregion_overlap(MemoryRegion *parent, hwaddr offset,
                                         MemoryRegion *sub, int priority)
{
    MR_CHANGE(subregion_insert(parent, offset, sub, priority, true));
}

void memory_region_del_subregion(MemoryRegion *parent, MemoryRegion *sub)
{
    g_assert(sub->container == parent);
    MR_CHANGE({
        parent->subregions = g_list_remove(parent->subregions, sub);
        sub->container = NULL;
    });
}

void memory_region_set_enabled(MemoryRegion *mr, bool enabled)
{
    if (mr->enabled != enabled) {
        MR_CHANGE(mr->enabled = enabled);
    }
}

void memory_region_set_address(MemoryRegion *mr, hwaddr addr)
{
    MemoryRegion *parent = mr->container;

    if (mr->addr == addr) {
        return;
    }
    if (!parent) {
        mr->addr = addr;
        return;
    }
    /* Re-adding keeps the priority order; it counts as newest. */
    MR_CHANGE({
        int prio = mr->priority;
        bool ov = mr->may_overlap;
        parent->subregions = g_list_remove(parent->subregions, mr);
        mr->container = NULL;
        subregion_insert(parent, addr, mr, prio, ov);
    });
}

void memory_region_set_size(MemoryRegion *mr, uint64_t size)
{
    if (mr->size != size) {
        MR_CHANGE(mr->size = size);
    }
}

void memory_region_set_alias_offset(MemoryRegion *mr, hwaddr offset)
{
    g_assert(mr->type == MR_ALIAS);
    if (mr->alias_offset != offset) {
        MR_CHANGE(mr->alias_offset = offset);
    }
}

void memory_region_set_readonly(MemoryRegion *mr, bool readonly)
{
    if (mr->readonly != readonly) {
        MR_CHANGE(mr->readonly = readonly);
    }
}

/* ---- address spaces and listeners ---- */

void address_space_init(AddressSpace *as, MemoryRegion *root,
                        const char *name)
{
    memset(as, 0, sizeof(*as));
    as->name = g_strdup(name);
    as->root = root;
    as->current = flatview_render(root, as);
    memory_address_spaces = g_list_append(memory_address_spaces, as);
}

void address_space_destroy(AddressSpace *as)
{
    FlatView *old = as->current;

    memory_address_spaces = g_list_remove(memory_address_spaces, as);
    rcu_assign_pointer(as->current, NULL);
    if (old) {
        call_rcu(old, (void (*)(void *))flatview_free);
    }
    g_list_free(as->listeners);
    as->listeners = NULL;
    g_free(as->name);
    as->name = NULL;
}

void memory_listener_register(MemoryListener *l, AddressSpace *as)
{
    l->as = as;
    as->listeners = g_list_append(as->listeners, l);
    flatview_replay_listener(l, as->current);
}

void memory_listener_unregister(MemoryListener *l)
{
    if (l->as) {
        l->as->listeners = g_list_remove(l->as->listeners, l);
        l->as = NULL;
    }
}

/* ---- the system address spaces ---- */

static MemoryRegion system_memory, system_io;
AddressSpace address_space_memory;
AddressSpace address_space_io;
static bool memory_initialized;

void memory_init(void)
{
    if (memory_initialized) {
        return;
    }
    memory_initialized = true;
    memory_region_init(&system_memory, NULL, "system", UINT64_MAX);
    memory_region_init(&system_io, NULL, "io", 64 * KiB);
    address_space_init(&address_space_memory, &system_memory, "memory");
    address_space_init(&address_space_io, &system_io, "I/O");
}

MemoryRegion *get_system_memory(void)
{
    memory_init();
    return &system_memory;
}

MemoryRegion *get_system_io(void)
{
    memory_init();
    return &system_io;
}
