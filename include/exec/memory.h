/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The memory API.
 *
 * A MemoryRegion is RAM, ROM, an I/O region (read/write callbacks, used
 * both for MMIO and port I/O), an alias (a window into another region),
 * or a container of subregions placed at offsets with priorities. Regions
 * form a tree under an AddressSpace's root; on every change the tree is
 * flattened into a FlatView: a sorted array of non-overlapping ranges,
 * highest priority (then last added) winning where subregions overlap,
 * disabled regions left out, aliases resolved.
 *
 * Changes can be grouped: memory_region_transaction_begin()/commit(); the
 * flat view is rebuilt once, at the outermost commit. Commits happen with
 * the BQL held. Each commit publishes a new immutable FlatView through an
 * RCU-protected pointer, so lookups (KVM exits, TCG TLB fills, DMA) take
 * no lock: they run inside rcu_read_lock()/rcu_read_unlock().
 *
 * Listeners (KVM memslots, TCG TLB flush) see region_add/region_del for
 * every RAM/ROM section that appears or disappears, between begin/commit
 * callbacks.
 *
 * Dispatch to I/O callbacks is done with the BQL held (the callers take
 * it); the access is split and aligned according to the region's
 * impl/valid access sizes. Device callbacks see offsets relative to the
 * start of their region. Accesses that hit nothing read as all-ones and
 * writes are dropped (logged under -d guest_errors for MMIO).
 */
#ifndef KEMU_MEMORY_H
#define KEMU_MEMORY_H

#include "qom/object.h"

typedef uint64_t hwaddr;
#define HWADDR_PRIx PRIx64

typedef struct MemoryRegion MemoryRegion;
typedef struct AddressSpace AddressSpace;
typedef struct FlatView FlatView;
typedef struct MemoryListener MemoryListener;

typedef enum MemTxResult {
    MEMTX_OK = 0,
    MEMTX_ERROR = 1,          /* device reported an error */
    MEMTX_DECODE_ERROR = 2,   /* nothing at that address */
} MemTxResult;

typedef struct MemoryRegionOps {
    uint64_t (*read)(void *opaque, hwaddr addr, unsigned size);
    void (*write)(void *opaque, hwaddr addr, uint64_t data, unsigned size);
    /* What the guest may do: other sizes/alignments are rejected
     * (read all-ones / write ignored, logged). 0 means 1 and 4. */
    struct {
        unsigned min_access_size;
        unsigned max_access_size;
        bool unaligned;
    } valid;
    /* What the callbacks implement: dispatch splits or widens accesses to
     * fit (a 4-byte access to a 1-byte device becomes 4 calls). 0 means
     * the valid sizes. */
    struct {
        unsigned min_access_size;
        unsigned max_access_size;
        bool unaligned;
    } impl;
} MemoryRegionOps;

/*
 * Clients of the per-region dirty log: each keeps its own bitmap (one bit
 * per DIRTY_PAGE_SIZE page) so that one clearing its bits never hides a
 * write from another. Writers: address_space_write and DMA mappings (in
 * system/physmem.c), device models writing their own RAM
 * (memory_region_set_dirty), TCG's stores, and the KVM dirty log, which an
 * accelerator's MemoryListener.log_sync folds in on
 * memory_region_sync_dirty().
 */
enum {
    DIRTY_MEMORY_VGA,           /* display devices' framebuffers */
    DIRTY_MEMORY_CODE,          /* translated code invalidation */
    DIRTY_MEMORY_MIGRATION,
    DIRTY_MEMORY_NUM,
};
#define DIRTY_PAGE_BITS 12
#define DIRTY_PAGE_SIZE (1u << DIRTY_PAGE_BITS)

typedef enum MemoryRegionType {
    MR_CONTAINER,
    MR_RAM,
    MR_ROM,      /* RAM-backed, guest writes ignored (or to ops if romd) */
    MR_IO,
    MR_ALIAS,
} MemoryRegionType;

struct MemoryRegion {
    Object *owner;              /* device that owns it, for info mtree */
    char *name;
    MemoryRegionType type;
    uint64_t size;              /* UINT64_MAX means 2^64 */
    hwaddr addr;                /* offset in container */
    int priority;
    bool enabled;
    bool readonly;              /* RAM that ignores guest writes */
    bool may_overlap;           /* added with _overlap */
    MemoryRegion *container;
    GList *subregions;          /* sorted by priority desc, then newest */

    /* MR_RAM / MR_ROM */
    void *ram_ptr;
    int ram_fd;                 /* memfd backing or -1 */
    uint64_t ram_mapped;        /* bytes mmapped by init_ram/rom, or 0 */
    /* MR_IO */
    const MemoryRegionOps *ops;
    void *opaque;
    /* MR_ALIAS */
    MemoryRegion *alias;
    hwaddr alias_offset;

    /* Slot index used by accelerators (opaque to the memory core). */
    int accel_slot;

    /* RAM/ROM: one dirty bitmap per client that logs (system/dirty.c). */
    unsigned long *dirty[DIRTY_MEMORY_NUM];
    uint8_t dirty_log_mask;     /* 1 << client for each logging client */
};

/* Init functions; 'owner' may be NULL; 'name' is copied. */
void memory_region_init(MemoryRegion *mr, Object *owner, const char *name,
                        uint64_t size);
bool memory_region_init_ram(MemoryRegion *mr, Object *owner,
                            const char *name, uint64_t size, Error **errp);
/* RAM that the guest can read and execute but not write. */
bool memory_region_init_rom(MemoryRegion *mr, Object *owner,
                            const char *name, uint64_t size, Error **errp);
/* RAM region over existing host memory (not freed by the region). */
void memory_region_init_ram_ptr(MemoryRegion *mr, Object *owner,
                                const char *name, uint64_t size, void *ptr);
void memory_region_init_io(MemoryRegion *mr, Object *owner,
                           const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size);
void memory_region_init_alias(MemoryRegion *mr, Object *owner,
                              const char *name, MemoryRegion *orig,
                              hwaddr offset, uint64_t size);
/* Frees RAM (if allocated by init_ram/rom) and detaches subregions. */
void memory_region_destroy(MemoryRegion *mr);

void memory_region_add_subregion(MemoryRegion *parent, hwaddr offset,
                                 MemoryRegion *sub);
void memory_region_add_subregion_overlap(MemoryRegion *parent, hwaddr offset,
                                         MemoryRegion *sub, int priority);
void memory_region_del_subregion(MemoryRegion *parent, MemoryRegion *sub);
void memory_region_set_enabled(MemoryRegion *mr, bool enabled);
void memory_region_set_address(MemoryRegion *mr, hwaddr addr);
void memory_region_set_size(MemoryRegion *mr, uint64_t size);
void memory_region_set_alias_offset(MemoryRegion *mr, hwaddr offset);
void memory_region_set_readonly(MemoryRegion *mr, bool readonly);

static inline void *memory_region_get_ram_ptr(MemoryRegion *mr)
{
    return mr->ram_ptr;
}
static inline bool memory_region_is_ram(MemoryRegion *mr)
{
    return mr->type == MR_RAM || mr->type == MR_ROM;
}
uint64_t memory_region_size(MemoryRegion *mr);
const char *memory_region_name(MemoryRegion *mr);

void memory_region_transaction_begin(void);
void memory_region_transaction_commit(void);
/* Nesting depth of the current transaction (0 outside). */
unsigned memory_region_transaction_depth(void);

/* ---- Flat views and address spaces ---- */

typedef struct FlatRange {
    hwaddr addr;                /* start in the address space */
    uint64_t size;              /* 0 means 2^64 (only for a full range) */
    MemoryRegion *mr;           /* terminal region: RAM, ROM or IO */
    hwaddr offset_in_region;    /* of 'addr' inside mr */
    bool readonly;
} FlatRange;

struct FlatView {
    FlatRange *ranges;          /* sorted by addr, non-overlapping */
    unsigned nr;
    AddressSpace *as;
};

struct AddressSpace {
    char *name;
    MemoryRegion *root;
    FlatView *current;          /* RCU-protected; read with
                                   address_space_to_flatview() */
    GList *listeners;
};

/* A piece of a region as it appears in an address space. */
typedef struct MemoryRegionSection {
    MemoryRegion *mr;
    AddressSpace *as;
    hwaddr offset_within_region;
    hwaddr offset_within_address_space;
    uint64_t size;
    bool readonly;
} MemoryRegionSection;

struct MemoryListener {
    void (*begin)(MemoryListener *l);
    void (*commit)(MemoryListener *l);
    /* Only RAM/ROM sections are reported (what accelerators map). */
    void (*region_add)(MemoryListener *l, MemoryRegionSection *s);
    void (*region_del)(MemoryListener *l, MemoryRegionSection *s);
    /* Folds the accelerator's own dirty log for a section that logs
     * (KVM_GET_DIRTY_LOG) into the region's bitmaps with
     * memory_region_set_dirty(). */
    void (*log_sync)(MemoryListener *l, MemoryRegionSection *s);
    /* Dirty logging of a section starts or stops (KVM: set or clear
     * KVM_MEM_LOG_DIRTY_PAGES on its slot). */
    void (*log_start)(MemoryListener *l, MemoryRegionSection *s);
    void (*log_stop)(MemoryListener *l, MemoryRegionSection *s);
    const char *name;
    /* Printed after each RAM/ROM range in "info mtree -f" when set
     * ("KVM": the range is a memslot), as QEMU marks them. */
    const char *mtree_tag;
    AddressSpace *as;
};

void address_space_init(AddressSpace *as, MemoryRegion *root,
                        const char *name);
void address_space_destroy(AddressSpace *as);
/* Reports every current RAM section with region_add on registration. */
void memory_listener_register(MemoryListener *l, AddressSpace *as);
void memory_listener_unregister(MemoryListener *l);

/* Must be called inside rcu_read_lock(). */
FlatView *address_space_to_flatview(AddressSpace *as);
/* Range containing addr, or NULL. Inside rcu_read_lock(). */
const FlatRange *flatview_lookup(FlatView *fv, hwaddr addr);

/* The system's address spaces: created by memory_init(). */
MemoryRegion *get_system_memory(void);
MemoryRegion *get_system_io(void);
extern AddressSpace address_space_memory;
extern AddressSpace address_space_io;
void memory_init(void);

/*
 * Accesses of up to 8 bytes (KVM exits, qtest) and of any length (DMA,
 * loaders, qtest read/write, monitor). Buffers are little-endian guest
 * bytes. RAM is copied; IO regions are dispatched with the BQL, which
 * the caller must hold for address spaces containing IO regions. Nothing
 * outside guest RAM is ever touched; the result says whether every byte
 * hit something.
 */
MemTxResult address_space_read(AddressSpace *as, hwaddr addr, void *buf,
                               hwaddr len);
MemTxResult address_space_write(AddressSpace *as, hwaddr addr,
                                const void *buf, hwaddr len);
MemTxResult address_space_rw(AddressSpace *as, hwaddr addr, void *buf,
                             hwaddr len, bool is_write);
/* Writes even into ROM (firmware/kernel loading). */
MemTxResult address_space_write_rom(AddressSpace *as, hwaddr addr,
                                    const void *buf, hwaddr len);
MemTxResult address_space_set(AddressSpace *as, hwaddr addr, uint8_t c,
                              hwaddr len);
/* One access of size 1/2/4/8 as a CPU would do it. */
MemTxResult address_space_ld(AddressSpace *as, hwaddr addr, uint64_t *val,
                             unsigned size);
MemTxResult address_space_st(AddressSpace *as, hwaddr addr, uint64_t val,
                             unsigned size);

/*
 * Zero-copy DMA: returns a host pointer to guest RAM for [addr, addr+*plen)
 * and shrinks *plen to what is contiguous. When the range starts in MMIO
 * a bounce buffer is used (one at a time; NULL when busy or for a range
 * that hits nothing). Pair each map with unmap, passing how much was
 * actually accessed; a bounced write is copied out at unmap.
 */
void *address_space_map(AddressSpace *as, hwaddr addr, hwaddr *plen,
                        bool is_write);
void address_space_unmap(AddressSpace *as, void *buffer, hwaddr len,
                         bool is_write, hwaddr access_len);
/*
 * Called after guest RAM [addr, addr+len) of address_space_memory was
 * written through the functions above (device DMA, loaders, the monitor)
 * or a write mapping was unmapped: TCG drops translated code there. NULL
 * when no accelerator cares. Not called for vCPU stores (TCG traps those
 * itself) nor for writes through address_space_ram_ptr().
 */
extern void (*ram_write_notify)(hwaddr addr, hwaddr len);

/* Host pointer for a RAM address range if the whole range is RAM. */
void *address_space_ram_ptr(AddressSpace *as, hwaddr addr, hwaddr len,
                            bool is_write);

/* Device-facing DMA helpers (system memory). */
static inline MemTxResult dma_memory_read(AddressSpace *as, hwaddr addr,
                                          void *buf, hwaddr len)
{
    return address_space_read(as, addr, buf, len);
}
static inline MemTxResult dma_memory_write(AddressSpace *as, hwaddr addr,
                                           const void *buf, hwaddr len)
{
    return address_space_write(as, addr, buf, len);
}

/* ---- Dirty logging (system/dirty.c) ---- */

/* Starts or stops logging writes to RAM region mr for client; starting
 * marks every page dirty, so the first look sees everything. */
void memory_region_set_log(MemoryRegion *mr, bool log, unsigned client);
static inline bool memory_region_is_logging(MemoryRegion *mr,
                                            unsigned client)
{
    return mr->dirty_log_mask & (1u << client);
}
/* Marks [addr, addr + size) of mr dirty for every logging client.
 * Lock-free (atomic bit sets): vCPU threads call it too. */
void memory_region_set_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size);
/* Whether any page of [addr, addr + size) is dirty for client. */
bool memory_region_get_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size,
                             unsigned client);
/* Asks the accelerators to fold their dirty logs in (before reading). */
void memory_region_sync_dirty(MemoryRegion *mr);

/* A copy of a range's dirty bits, cleared in the region as they are
 * copied: a display reads a whole frame's state at once, then asks per
 * scanline without losing bits of a page two scanlines share. */
typedef struct DirtySnapshot {
    hwaddr start, end;          /* page aligned */
    unsigned long *bits;
} DirtySnapshot;
DirtySnapshot *memory_region_snapshot_and_clear_dirty(MemoryRegion *mr,
                                                      hwaddr addr,
                                                      hwaddr size,
                                                      unsigned client);
bool dirty_snapshot_get(const DirtySnapshot *snap, hwaddr addr,
                        hwaddr size);
void dirty_snapshot_free(DirtySnapshot *snap);

/* "info mtree [-f]" text. */
void memory_print_mtree(GString *out, bool flatview);

/* Convenience for port I/O: ISA devices register at fixed ports. */
static inline uint8_t cpu_inb(uint16_t port)
{
    uint64_t v = 0xff;
    address_space_ld(&address_space_io, port, &v, 1);
    return v;
}
static inline void cpu_outb(uint16_t port, uint8_t v)
{
    address_space_st(&address_space_io, port, v, 1);
}

#endif
