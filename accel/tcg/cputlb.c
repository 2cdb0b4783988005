/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The softmmu TLB (layout in exec/cpu-tlb.h): filling it from the
 * target's page walk, the slow paths of guest loads and stores, guest
 * memory from helpers, and flushes (local, remote, on memory map
 * changes).
 *
 * A vCPU's TLB is read without locks by its own generated code and slow
 * paths. It is written by its own thread (fills, flushes), except that
 * another thread may set TLB_NOTDIRTY in addr_write when a page becomes
 * a code page; both take tlb_lock. Flushes another thread asks for are
 * queued and applied by the owner before it next runs guest code
 * (tlb_process_pending), which also leaves generated code at once.
 */
#include "accel/tcg/internal.h"
#include "util/log.h"
#include "util/main-loop.h"
#include "util/rcu.h"
#include "exec/breakpoint.h"

static inline unsigned tlb_index(uint64_t addr)
{
    return (addr >> TARGET_PAGE_BITS) & (TLB_ENTRIES - 1);
}

static inline CPUTLBEntry *tlb_entry(CPUState *cpu, int mmu_idx,
                                     uint64_t addr)
{
    return &tcg_thread(cpu)->tlb[mmu_idx].table[tlb_index(addr)];
}

static inline CPUTLBEntryFull *tlb_full(CPUState *cpu, int mmu_idx,
                                        uint64_t addr)
{
    return &tcg_thread(cpu)->tlb[mmu_idx].full[tlb_index(addr)];
}

/* The entry maps addr's page (whatever its flags). */
static inline bool tlb_hit(uint64_t cmp, uint64_t addr)
{
    return (cmp & (TARGET_PAGE_MASK | TLB_INVALID_MASK)) ==
           (addr & TARGET_PAGE_MASK);
}

static inline uint64_t entry_cmp(const CPUTLBEntry *e, MMUAccessType type)
{
    switch (type) {
    case MMU_DATA_LOAD:
        return __atomic_load_n(&e->addr_read, __ATOMIC_RELAXED);
    case MMU_DATA_STORE:
        return __atomic_load_n(&e->addr_write, __ATOMIC_RELAXED);
    default:
        return __atomic_load_n(&e->addr_code, __ATOMIC_RELAXED);
    }
}

/* ---- flushing ---- */

static void tlb_flush_idx_locked(TCGCPUThread *t, int mmu_idx)
{
    CPUTLBDesc *d = &t->tlb[mmu_idx];

    if (d->nb_used) {
        memset(d->table, -1, sizeof(d->table));
    }
    d->nb_used = 0;
    d->large_page_addr = -1;
    d->large_page_mask = 0;
}

void tlb_init(CPUState *cpu)
{
    TCGCPUThread *t = tcg_thread(cpu);

    g_mutex_init(&t->tlb_lock);
    for (int i = 0; i < NB_MMU_MODES; i++) {
        t->tlb[i].nb_used = 1;      /* the table starts as zeros */
        tlb_flush_idx_locked(t, i);
        cpu->tlb_fast[i].table = t->tlb[i].table;
        cpu->tlb_fast[i].mask = (uintptr_t)(TLB_ENTRIES - 1)
                                << CPU_TLB_ENTRY_BITS;
    }
}

static void tlb_flush_local(CPUState *cpu)
{
    TCGCPUThread *t = tcg_thread(cpu);

    g_mutex_lock(&t->tlb_lock);
    for (int i = 0; i < NB_MMU_MODES; i++) {
        tlb_flush_idx_locked(t, i);
    }
    g_mutex_unlock(&t->tlb_lock);
    tb_jmp_cache_clear(cpu);
}

static void tlb_flush_page_local(CPUState *cpu, uint64_t vaddr)
{
    TCGCPUThread *t = tcg_thread(cpu);
    uint64_t page = vaddr & TARGET_PAGE_MASK;

    g_mutex_lock(&t->tlb_lock);
    for (int i = 0; i < NB_MMU_MODES; i++) {
        CPUTLBDesc *d = &t->tlb[i];
        CPUTLBEntry *e = &d->table[tlb_index(page)];

        if (d->large_page_addr != (uint64_t)-1 &&
            (page & d->large_page_mask) == d->large_page_addr) {
            /* Part of a large page: its other entries go too. */
            tlb_flush_idx_locked(t, i);
            continue;
        }
        if (tlb_hit(e->addr_read, page) || tlb_hit(e->addr_write, page) ||
            tlb_hit(e->addr_code, page)) {
            memset(e, -1, sizeof(*e));
        }
    }
    g_mutex_unlock(&t->tlb_lock);
    tb_jmp_cache_clear_page(cpu, page);
}

/* Whether this thread may touch cpu's TLB directly. */
static bool tlb_is_local(CPUState *cpu)
{
    return current_cpu_get() == cpu;
}

static void tlb_queue_flush(CPUState *cpu, bool all, uint64_t page)
{
    TCGCPUThread *t = tcg_thread(cpu);

    g_mutex_lock(&t->tlb_lock);
    if (all || t->nb_pending_pages == TLB_PENDING_PAGES) {
        t->flush_all = 1;
    } else {
        t->pending_pages[t->nb_pending_pages++] = page;
    }
    __atomic_store_n(&t->pending, 1, __ATOMIC_RELEASE);
    g_mutex_unlock(&t->tlb_lock);
    tcg_cpu_exit(cpu);
}

void tlb_process_pending(CPUState *cpu)
{
    TCGCPUThread *t = tcg_thread(cpu);
    uint64_t pages[TLB_PENDING_PAGES];
    int n;
    bool all;

    if (!__atomic_load_n(&t->pending, __ATOMIC_ACQUIRE)) {
        return;
    }
    g_mutex_lock(&t->tlb_lock);
    all = t->flush_all;
    n = t->nb_pending_pages;
    memcpy(pages, t->pending_pages, sizeof(pages));
    t->flush_all = 0;
    t->nb_pending_pages = 0;
    __atomic_store_n(&t->pending, 0, __ATOMIC_RELEASE);
    g_mutex_unlock(&t->tlb_lock);
    if (all) {
        tlb_flush_local(cpu);
    } else {
        for (int i = 0; i < n; i++) {
            tlb_flush_page_local(cpu, pages[i]);
        }
    }
}

void tlb_flush(CPUState *cpu)
{
    if (!tcg_thread(cpu)) {
        return;
    }
    if (tlb_is_local(cpu)) {
        tlb_flush_local(cpu);
    } else {
        tlb_queue_flush(cpu, true, 0);
    }
}

void tlb_flush_page(CPUState *cpu, uint64_t vaddr)
{
    if (!tcg_thread(cpu)) {
        return;
    }
    if (tlb_is_local(cpu)) {
        tlb_flush_page_local(cpu, vaddr);
    } else {
        tlb_queue_flush(cpu, false, vaddr & TARGET_PAGE_MASK);
    }
}

void tlb_flush_all_cpus(CPUState *src)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        tlb_flush(cpu);
    }
}

void tlb_flush_page_all_cpus(CPUState *src, uint64_t vaddr)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        tlb_flush_page(cpu, vaddr);
    }
}

/* ---- filling ---- */

void tlb_set_page(CPUState *cpu, uint64_t vaddr, hwaddr paddr, int prot,
                  int mmu_idx, uint64_t size)
{
    TCGCPUThread *t = tcg_thread(cpu);
    CPUTLBDesc *d = &t->tlb[mmu_idx];
    uint64_t vpage = vaddr & TARGET_PAGE_MASK;
    hwaddr ppage = paddr & TARGET_PAGE_MASK;
    const FlatRange *fr;
    uint8_t *host = NULL;
    bool readonly = false;
    uint64_t read_flags, write_flags;
    CPUTLBEntry *e;
    CPUTLBEntryFull *full;

    rcu_read_lock();
    fr = flatview_lookup(address_space_to_flatview(&address_space_memory),
                         ppage);
    if (fr && memory_region_is_ram(fr->mr) && fr->addr <= ppage &&
        (fr->size == 0 ||
         ppage + TARGET_PAGE_SIZE - 1 <= fr->addr + fr->size - 1)) {
        host = (uint8_t *)fr->mr->ram_ptr + fr->offset_in_region +
               (ppage - fr->addr);
        readonly = fr->readonly;
    }
    rcu_read_unlock();

    /* A page that is not all RAM (MMIO, or RAM ending inside the page)
     * goes through the memory API; so do writes to ROM. */
    read_flags = host ? 0 : TLB_MMIO;
    write_flags = (host && !readonly) ? 0 : TLB_MMIO;

    g_mutex_lock(&t->tlb_lock);
    if (size > TARGET_PAGE_SIZE) {
        uint64_t mask = ~(size - 1);
        if (d->large_page_addr == (uint64_t)-1) {
            d->large_page_addr = vaddr & mask;
            d->large_page_mask = mask;
        } else {
            mask &= d->large_page_mask;
            while (((d->large_page_addr ^ vaddr) & mask) != 0) {
                mask <<= 1;
            }
            d->large_page_mask = mask;
            d->large_page_addr &= mask;
        }
    }
    if (!write_flags && tb_page_has_code(ppage)) {
        write_flags |= TLB_NOTDIRTY;
    }
    if (cpu_watchpoint_in_page(cpu, vpage)) {
        /* every data access to the page is checked in the slow path */
        read_flags |= TLB_WATCHPOINT;
        write_flags |= TLB_WATCHPOINT;
    }
    e = &d->table[tlb_index(vpage)];
    full = &d->full[tlb_index(vpage)];
    d->nb_used++;
    full->phys = ppage;
    full->prot = prot;
    e->addend = host ? (uintptr_t)host - vpage : 0;
    e->addr_read = (prot & PAGE_READ) ? vpage | read_flags : (uint64_t)-1;
    e->addr_code = (prot & PAGE_EXEC) ? vpage | read_flags : (uint64_t)-1;
    __atomic_store_n(&e->addr_write, (prot & PAGE_WRITE) ?
                     vpage | write_flags : (uint64_t)-1, __ATOMIC_RELEASE);
    g_mutex_unlock(&t->tlb_lock);
}

void tlb_protect_code(hwaddr phys_page)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        TCGCPUThread *t = tcg_thread(cpu);
        if (!t) {
            continue;
        }
        g_mutex_lock(&t->tlb_lock);
        for (int i = 0; i < NB_MMU_MODES; i++) {
            CPUTLBDesc *d = &t->tlb[i];
            if (!d->nb_used) {
                continue;
            }
            for (unsigned j = 0; j < TLB_ENTRIES; j++) {
                CPUTLBEntry *e = &d->table[j];
                if (!(e->addr_write & (TLB_INVALID_MASK | TLB_MMIO)) &&
                    d->full[j].phys == phys_page) {
                    __atomic_or_fetch(&e->addr_write, TLB_NOTDIRTY,
                                      __ATOMIC_SEQ_CST);
                }
            }
        }
        g_mutex_unlock(&t->tlb_lock);
    }
}

/*
 * The entry for addr's page, valid for 'type'; fills it through the
 * target (which raises the fault unless probe). NULL only when a probe
 * fails.
 */
static CPUTLBEntry *tlb_lookup_fill(CPUState *cpu, uint64_t addr, int size,
                                    MMUAccessType type, int mmu_idx,
                                    bool probe, uintptr_t ra)
{
    CPUTLBEntry *e = tlb_entry(cpu, mmu_idx, addr);

    if (!tlb_hit(entry_cmp(e, type), addr)) {
        if (!tcg_cpu_ops->tlb_fill(cpu, addr, size, type, mmu_idx, probe,
                                   ra)) {
            return NULL;
        }
        e = tlb_entry(cpu, mmu_idx, addr);
        if (!tlb_hit(entry_cmp(e, type), addr)) {
            /* The target mapped the page without the access it allowed:
             * treat as a failed probe, or fault via a second fill. */
            if (probe) {
                return NULL;
            }
            tcg_cpu_ops->tlb_fill(cpu, addr, size, type, mmu_idx, false, ra);
            e = tlb_entry(cpu, mmu_idx, addr);
        }
    }
    return e;
}

/* ---- MMIO ---- */

static uint64_t io_read(hwaddr phys, unsigned size)
{
    bool locked = bql_locked();
    uint64_t val = 0;

    if (!locked) {
        bql_lock();
    }
    if (size == 1 || size == 2 || size == 4 || size == 8) {
        address_space_ld(&address_space_memory, phys, &val, size);
    } else {
        address_space_read(&address_space_memory, phys, &val, size);
    }
    if (!locked) {
        bql_unlock();
    }
    return val;
}

static void io_write(hwaddr phys, uint64_t val, unsigned size)
{
    bool locked = bql_locked();

    if (!locked) {
        bql_lock();
    }
    if (size == 1 || size == 2 || size == 4 || size == 8) {
        address_space_st(&address_space_memory, phys, val, size);
    } else {
        address_space_write(&address_space_memory, phys, &val, size);
    }
    if (!locked) {
        bql_unlock();
    }
}

/* ---- loads and stores within one page ---- */

static uint64_t ld_page(CPUState *cpu, uint64_t addr, unsigned size,
                        int mmu_idx, MMUAccessType type, uintptr_t ra)
{
    CPUTLBEntry *e = tlb_lookup_fill(cpu, addr, size, type, mmu_idx, false,
                                     ra);
    uint64_t val = 0;

    if (type != MMU_INST_FETCH && (entry_cmp(e, type) & TLB_WATCHPOINT)) {
        tcg_watchpoint_access(cpu, addr, size, BP_MEM_READ, ra);
    }
    if (entry_cmp(e, type) & TLB_MMIO) {
        CPUTLBEntryFull *f = tlb_full(cpu, mmu_idx, addr);
        return io_read(f->phys | (addr & ~TARGET_PAGE_MASK), size);
    }
    memcpy(&val, (void *)(uintptr_t)(addr + e->addend), size);
    return val;
}

/* A store to a code page: drop the translations it overwrites (this may
 * restart the instruction, see tb_invalidate_phys_page_store), and stop
 * trapping stores to the page once it holds no code. */
static void notdirty_write(CPUState *cpu, CPUTLBEntry *e, int mmu_idx,
                           uint64_t addr, unsigned size, uintptr_t ra)
{
    CPUTLBEntryFull *f = tlb_full(cpu, mmu_idx, addr);
    hwaddr phys = f->phys | (addr & ~TARGET_PAGE_MASK);

    if (!tb_invalidate_phys_page_store(cpu, phys, phys + size, ra)) {
        TCGCPUThread *t = tcg_thread(cpu);
        g_mutex_lock(&t->tlb_lock);
        if (!tb_page_has_code(f->phys) && tlb_hit(e->addr_write, addr)) {
            __atomic_and_fetch(&e->addr_write, ~(uint64_t)TLB_NOTDIRTY,
                               __ATOMIC_SEQ_CST);
        }
        g_mutex_unlock(&t->tlb_lock);
    }
}

static void st_page(CPUState *cpu, uint64_t addr, uint64_t val,
                    unsigned size, int mmu_idx, uintptr_t ra)
{
    CPUTLBEntry *e = tlb_lookup_fill(cpu, addr, size, MMU_DATA_STORE,
                                     mmu_idx, false, ra);
    uint64_t flags = entry_cmp(e, MMU_DATA_STORE) & TLB_FLAGS_MASK;

    if (flags & TLB_WATCHPOINT) {
        tcg_watchpoint_access(cpu, addr, size, BP_MEM_WRITE, ra);
    }
    if (flags & TLB_MMIO) {
        CPUTLBEntryFull *f = tlb_full(cpu, mmu_idx, addr);
        io_write(f->phys | (addr & ~TARGET_PAGE_MASK), val, size);
        return;
    }
    if (flags & TLB_NOTDIRTY) {
        notdirty_write(cpu, e, mmu_idx, addr, size, ra);
    }
    memcpy((void *)(uintptr_t)(addr + e->addend), &val, size);
}

/* ---- the slow paths ---- */

static uint64_t do_ld(CPUState *cpu, uint64_t addr, MemOpIdx oi,
                      MMUAccessType type, uintptr_t ra)
{
    MemOp op = get_memop(oi);
    unsigned size = memop_size(op);
    int mmu_idx = get_mmuidx(oi);
    unsigned off = addr & ~TARGET_PAGE_MASK;
    uint64_t val;

    /* 16-byte accesses are the helpers' business (two 8-byte ones). */
    g_assert(size <= 8);
    if ((op & MO_ALIGN) && (addr & (size - 1))) {
        tcg_cpu_ops->do_unaligned_access(cpu, addr, type, mmu_idx, ra);
    }
    if (off + size <= TARGET_PAGE_SIZE) {
        val = ld_page(cpu, addr, size, mmu_idx, type, ra);
    } else {
        /* Crossing a page: both must be readable before anything is
         * read (an MMIO read may have side effects). */
        unsigned n1 = TARGET_PAGE_SIZE - off;
        uint64_t addr2 = addr + n1;
        uint64_t lo = 0, hi = 0;

        tlb_lookup_fill(cpu, addr, n1, type, mmu_idx, false, ra);
        tlb_lookup_fill(cpu, addr2, size - n1, type, mmu_idx, false, ra);
        for (unsigned i = 0; i < n1; i++) {
            lo |= ld_page(cpu, addr + i, 1, mmu_idx, type, ra) << (8 * i);
        }
        for (unsigned i = 0; i < size - n1; i++) {
            hi |= ld_page(cpu, addr2 + i, 1, mmu_idx, type, ra) << (8 * i);
        }
        val = lo | (hi << (8 * n1));
    }
    if (op & MO_SIGN) {
        unsigned bits = 8 * size;
        if (bits < 64) {
            val = (uint64_t)((int64_t)(val << (64 - bits)) >> (64 - bits));
        }
    } else if (size < 8) {
        val &= (1ull << (8 * size)) - 1;
    }
    return val;
}

static void do_st(CPUState *cpu, uint64_t addr, uint64_t val, MemOpIdx oi,
                  uintptr_t ra)
{
    MemOp op = get_memop(oi);
    unsigned size = memop_size(op);
    int mmu_idx = get_mmuidx(oi);
    unsigned off = addr & ~TARGET_PAGE_MASK;

    g_assert(size <= 8);
    if ((op & MO_ALIGN) && (addr & (size - 1))) {
        tcg_cpu_ops->do_unaligned_access(cpu, addr, MMU_DATA_STORE, mmu_idx,
                                         ra);
    }
    if (off + size <= TARGET_PAGE_SIZE) {
        st_page(cpu, addr, val, size, mmu_idx, ra);
    } else {
        /* Both pages must be writable before either is written. */
        unsigned n1 = TARGET_PAGE_SIZE - off;
        uint64_t addr2 = addr + n1;

        tlb_lookup_fill(cpu, addr, n1, MMU_DATA_STORE, mmu_idx, false, ra);
        tlb_lookup_fill(cpu, addr2, size - n1, MMU_DATA_STORE, mmu_idx,
                        false, ra);
        for (unsigned i = 0; i < size; i++) {
            st_page(cpu, addr + i, (val >> (8 * i)) & 0xff, 1, mmu_idx, ra);
        }
    }
}

uint64_t tcg_ld_slow(void *env, uint64_t addr, MemOpIdx oi, uintptr_t ra)
{
    return do_ld(env_to_cpu(env), addr, oi, MMU_DATA_LOAD, ra);
}

void tcg_st_slow(void *env, uint64_t addr, uint64_t val, MemOpIdx oi,
                 uintptr_t ra)
{
    do_st(env_to_cpu(env), addr, val, oi, ra);
}

uint64_t cpu_ld_mmu(CPUState *cpu, uint64_t addr, MemOpIdx oi, uintptr_t ra)
{
    return do_ld(cpu, addr, oi, MMU_DATA_LOAD, ra);
}

void cpu_st_mmu(CPUState *cpu, uint64_t addr, uint64_t val, MemOpIdx oi,
                uintptr_t ra)
{
    do_st(cpu, addr, val, oi, ra);
}

/* ---- host pointers for helpers ---- */

static void *probe_common(CPUState *cpu, uint64_t addr, int size,
                          MMUAccessType access, int mmu_idx, bool probe,
                          uintptr_t ra)
{
    CPUTLBEntry *e = tlb_lookup_fill(cpu, addr, size > 0 ? size : 1, access,
                                     mmu_idx, probe, ra);
    uint64_t flags;

    if (!e) {
        return NULL;
    }
    flags = entry_cmp(e, access) & TLB_FLAGS_MASK;
    if ((flags & TLB_WATCHPOINT) && !probe && access != MMU_INST_FETCH) {
        /* a helper about to access the memory through the pointer */
        tcg_watchpoint_access(cpu, addr, size > 0 ? size : 1,
                              access == MMU_DATA_STORE ? BP_MEM_WRITE
                                                       : BP_MEM_READ, ra);
    }
    if (flags & TLB_MMIO) {
        return NULL;
    }
    if (access == MMU_DATA_STORE && (flags & TLB_NOTDIRTY)) {
        notdirty_write(cpu, e, mmu_idx, addr, size > 0 ? size : 1, ra);
    }
    return (void *)(uintptr_t)(addr + e->addend);
}

void *probe_access(CPUState *cpu, uint64_t addr, int size,
                   MMUAccessType access, int mmu_idx, uintptr_t ra)
{
    return probe_common(cpu, addr, size, access, mmu_idx, false, ra);
}

void *probe_access_nofault(CPUState *cpu, uint64_t addr, int size,
                           MMUAccessType access, int mmu_idx)
{
    return probe_common(cpu, addr, size, access, mmu_idx, true, 0);
}

/* ---- code ---- */

hwaddr get_page_addr_code(CPUState *cpu, uint64_t vaddr, bool probe)
{
    int mmu_idx = tcg_cpu_ops->mmu_index(cpu, true);
    CPUTLBEntry *e = tlb_lookup_fill(cpu, vaddr, 1, MMU_INST_FETCH, mmu_idx,
                                     probe, 0);

    if (!e) {
        return (hwaddr)-2;
    }
    if (e->addr_code & TLB_MMIO) {
        return (hwaddr)-1;
    }
    return tlb_full(cpu, mmu_idx, vaddr)->phys;
}

void *tlb_code_host_ptr(CPUState *cpu, uint64_t vaddr)
{
    int mmu_idx = tcg_cpu_ops->mmu_index(cpu, true);
    CPUTLBEntry *e = tlb_entry(cpu, mmu_idx, vaddr);

    if (!tlb_hit(e->addr_code, vaddr) || (e->addr_code & TLB_MMIO)) {
        return NULL;
    }
    return (void *)(uintptr_t)(vaddr + e->addend);
}

/* ---- memory map changes ---- */

static bool map_changed;

static void tcg_listener_section(MemoryListener *l, MemoryRegionSection *s)
{
    /* Translations keyed by these physical pages may now describe other
     * memory (a PAM or BAR change); TLB entries point at old host RAM. */
    tb_invalidate_phys_range(s->offset_within_address_space,
                             s->offset_within_address_space + s->size);
    map_changed = true;
}

static void tcg_listener_commit(MemoryListener *l)
{
    CPUState *cpu;

    if (!map_changed) {
        return;
    }
    map_changed = false;
    CPU_FOREACH(cpu) {
        tlb_flush(cpu);
    }
}

static MemoryListener tcg_listener = {
    .name = "tcg",
    .region_add = tcg_listener_section,
    .region_del = tcg_listener_section,
    .commit = tcg_listener_commit,
};

void tcg_tlb_listener_init(void)
{
    memory_listener_register(&tcg_listener, &address_space_memory);
}
