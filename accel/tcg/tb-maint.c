/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tables that find and drop translation blocks:
 *
 *  - the hash table, keyed by (pc, cs_base, flags, cflags, physical page
 *    of pc): lookups take no lock (chains are only ever prepended to, and
 *    an unlinked TB keeps its next pointer, so a reader walking through
 *    it still reaches the rest); an invalidated TB has CF_INVALID in its
 *    cflags and so never compares equal;
 *  - per physical page, the list of TBs whose guest code lies on it: a
 *    page with a non-empty list is a "code page", whose TLB write entries
 *    carry TLB_NOTDIRTY so that stores to it come to the slow path;
 *  - direct jumps between TBs: each TB knows which TBs jump to it, so that
 *    invalidating it resets their jumps to return to the exec loop.
 *
 * Changes (insert, invalidate, chain) are serialized by tb_lock. TBs are
 * never freed one by one: a flush drops them all with every vCPU out of
 * generated code.
 */
#include "accel/tcg/internal.h"
#include "util/log.h"

static GMutex tb_lock;

/* ---- hash table ---- */

#define TB_HASH_BITS 18
#define TB_HASH_SIZE (1u << TB_HASH_BITS)
static TranslationBlock **tb_hash;

static inline unsigned tb_hash_func(hwaddr phys_pc, uint64_t pc,
                                    uint32_t flags, uint32_t cflags)
{
    uint64_t h = phys_pc * 0x9e3779b97f4a7c15ull;

    h ^= pc * 0xc2b2ae3d27d4eb4full;
    h ^= ((uint64_t)flags << 32 | cflags) * 0x165667b19e3779f9ull;
    h ^= h >> 29;
    return (h ^ (h >> 32)) & (TB_HASH_SIZE - 1);
}

void tb_tables_init(void)
{
    tb_hash = g_new0(TranslationBlock *, TB_HASH_SIZE);
}

/* ---- physical pages ---- */

/* Two levels: 1 GiB chunks of per-page list heads, up to 1 TiB of
 * guest-physical space (RAM never lies above that here). */
#define PHYS_BITS 40
#define L2_BITS (30 - TARGET_PAGE_BITS)
#define L1_SIZE (1u << (PHYS_BITS - 30))

typedef struct PageDesc {
    uintptr_t first_tb;       /* TB * | n (which of its pages this is) */
} PageDesc;

static PageDesc *page_l1[L1_SIZE];

static PageDesc *page_find(hwaddr phys, bool alloc)
{
    uint64_t index = phys >> TARGET_PAGE_BITS;
    uint64_t l1 = index >> L2_BITS;
    PageDesc *l2;

    if (l1 >= L1_SIZE) {
        return NULL;
    }
    l2 = __atomic_load_n(&page_l1[l1], __ATOMIC_ACQUIRE);
    if (!l2) {
        if (!alloc) {
            return NULL;
        }
        l2 = g_new0(PageDesc, 1u << L2_BITS);
        __atomic_store_n(&page_l1[l1], l2, __ATOMIC_RELEASE);
    }
    return &l2[index & ((1u << L2_BITS) - 1)];
}

bool tb_page_has_code(hwaddr phys)
{
    PageDesc *pd = page_find(phys, false);

    return pd && __atomic_load_n(&pd->first_tb, __ATOMIC_ACQUIRE);
}

/* The guest-physical bytes [start, end) of tb on its page n. */
static void tb_page_range(TranslationBlock *tb, int n, hwaddr *start,
                          hwaddr *end)
{
    uint64_t off = tb->pc & ~TARGET_PAGE_MASK;

    if (n == 0) {
        *start = tb->page_addr[0] + off;
        *end = MIN(*start + tb->size, tb->page_addr[0] + TARGET_PAGE_SIZE);
    } else {
        *start = tb->page_addr[1];
        *end = tb->page_addr[1] + (off + tb->size - TARGET_PAGE_SIZE);
    }
}

static bool page_add_tb(TranslationBlock *tb, int n)
{
    PageDesc *pd = page_find(tb->page_addr[n], true);
    bool first;

    if (!pd) {
        return false;
    }
    first = !pd->first_tb;
    tb->page_next[n] = pd->first_tb;
    __atomic_store_n(&pd->first_tb, (uintptr_t)tb | n, __ATOMIC_RELEASE);
    return first;
}

static void page_remove_tb(TranslationBlock *tb, int n)
{
    PageDesc *pd = page_find(tb->page_addr[n], false);
    uintptr_t *p;

    if (!pd) {
        return;
    }
    for (p = &pd->first_tb; *p; ) {
        TranslationBlock *t = (TranslationBlock *)(*p & ~(uintptr_t)1);
        int k = *p & 1;
        if (t == tb && k == n) {
            __atomic_store_n(p, tb->page_next[n], __ATOMIC_RELEASE);
            return;
        }
        p = &t->page_next[k];
    }
}

/* ---- lookup ---- */

TranslationBlock *tb_htable_lookup(CPUState *cpu, uint64_t pc,
                                   uint64_t cs_base, uint32_t flags,
                                   uint32_t cflags, hwaddr phys_pc)
{
    unsigned h = tb_hash_func(phys_pc, pc, flags, cflags);
    TranslationBlock *tb = __atomic_load_n(&tb_hash[h], __ATOMIC_ACQUIRE);
    hwaddr phys2 = (hwaddr)-3;      /* not looked up yet */

    for (; tb; tb = __atomic_load_n(&tb->hash_next, __ATOMIC_ACQUIRE)) {
        if (tb->pc == pc && tb->page_addr[0] == phys_pc &&
            tb->cs_base == cs_base && tb->flags == flags &&
            __atomic_load_n(&tb->cflags, __ATOMIC_ACQUIRE) == cflags) {
            if (tb->page_addr[1] == (hwaddr)-1) {
                return tb;
            }
            /* The block runs onto the next page: that must map the same
             * (several blocks may differ only there). */
            if (phys2 == (hwaddr)-3) {
                phys2 = get_page_addr_code(
                    cpu, (pc & TARGET_PAGE_MASK) + TARGET_PAGE_SIZE, true);
            }
            if (phys2 == tb->page_addr[1]) {
                return tb;
            }
        }
    }
    return NULL;
}

static TranslationBlock *tb_find_equal(TranslationBlock *tb, unsigned h)
{
    for (TranslationBlock *t = tb_hash[h]; t; t = t->hash_next) {
        if (t->pc == tb->pc && t->page_addr[0] == tb->page_addr[0] &&
            t->page_addr[1] == tb->page_addr[1] &&
            t->cs_base == tb->cs_base && t->flags == tb->flags &&
            t->cflags == tb->cflags) {
            return t;
        }
    }
    return NULL;
}

TranslationBlock *tb_link(TranslationBlock *tb)
{
    unsigned h = tb_hash_func(tb->page_addr[0], tb->pc, tb->flags,
                              tb->cflags);
    bool protect[2] = { false, false };
    TranslationBlock *other;

    g_mutex_lock(&tb_lock);
    other = tb_find_equal(tb, h);
    if (other) {
        /* Another vCPU translated the same block meanwhile. */
        g_mutex_unlock(&tb_lock);
        return other;
    }
    protect[0] = page_add_tb(tb, 0);
    if (tb->page_addr[1] != (hwaddr)-1) {
        protect[1] = page_add_tb(tb, 1);
    }
    tb->hash_next = tb_hash[h];
    __atomic_store_n(&tb_hash[h], tb, __ATOMIC_RELEASE);
    g_mutex_unlock(&tb_lock);

    for (int n = 0; n < 2; n++) {
        if (protect[n]) {
            tlb_protect_code(tb->page_addr[n]);
        }
    }
    return tb;
}

/* ---- chaining ---- */

static void tb_reset_jump(TranslationBlock *tb, int n)
{
    tb_target_set_jmp_target((uintptr_t)tb->tc_ptr + tb->jmp_insn_offset[n],
                             (uintptr_t)tb->tc_ptr + tb->jmp_reset_offset[n]);
}

void tb_add_jump(TranslationBlock *tb, int n, TranslationBlock *dest)
{
    if (tb->jmp_insn_offset[n] == 0xffff ||
        __atomic_load_n(&tb->jmp_dest[n], __ATOMIC_ACQUIRE)) {
        return;
    }
    g_mutex_lock(&tb_lock);
    if (tb->jmp_dest[n] || (tb->cflags & CF_INVALID) ||
        (dest->cflags & CF_INVALID)) {
        g_mutex_unlock(&tb_lock);
        return;
    }
    tb->jmp_dest[n] = (uintptr_t)dest;
    tb->jmp_list_next[n] = dest->jmp_list_head;
    dest->jmp_list_head = (uintptr_t)tb | n;
    tb_target_set_jmp_target((uintptr_t)tb->tc_ptr + tb->jmp_insn_offset[n],
                             (uintptr_t)dest->tc_ptr);
    g_mutex_unlock(&tb_lock);
    __atomic_add_fetch(&tb_chain_count, 1, __ATOMIC_RELAXED);
}

/* Remove (src, n) from dest's list of incoming jumps. */
static void tb_remove_incoming(TranslationBlock *dest, TranslationBlock *src,
                               int n)
{
    uintptr_t *p = &dest->jmp_list_head;

    while (*p) {
        TranslationBlock *t = (TranslationBlock *)(*p & ~(uintptr_t)1);
        int k = *p & 1;
        if (t == src && k == n) {
            *p = src->jmp_list_next[n];
            return;
        }
        p = &t->jmp_list_next[k];
    }
}

/* ---- invalidation ---- */

static void tb_phys_invalidate_locked(TranslationBlock *tb)
{
    unsigned h;
    CPUState *cpu;

    if (tb->cflags & CF_INVALID) {
        return;
    }
    h = tb_hash_func(tb->page_addr[0], tb->pc, tb->flags, tb->cflags);
    __atomic_or_fetch(&tb->cflags, CF_INVALID, __ATOMIC_ACQ_REL);

    for (TranslationBlock **p = &tb_hash[h]; *p; p = &(*p)->hash_next) {
        if (*p == tb) {
            __atomic_store_n(p, tb->hash_next, __ATOMIC_RELEASE);
            break;
        }
    }
    page_remove_tb(tb, 0);
    if (tb->page_addr[1] != (hwaddr)-1) {
        page_remove_tb(tb, 1);
    }
    CPU_FOREACH(cpu) {
        TCGCPUThread *t = tcg_thread(cpu);
        unsigned j = tb_jmp_cache_hash(tb->pc);
        if (t && __atomic_load_n(&t->jmp_cache[j], __ATOMIC_RELAXED) == tb) {
            __atomic_store_n(&t->jmp_cache[j], NULL, __ATOMIC_RELEASE);
        }
    }
    /* Blocks jumping to us go back to the loop instead. */
    while (tb->jmp_list_head) {
        TranslationBlock *src =
            (TranslationBlock *)(tb->jmp_list_head & ~(uintptr_t)1);
        int n = tb->jmp_list_head & 1;
        tb->jmp_list_head = src->jmp_list_next[n];
        tb_reset_jump(src, n);
        src->jmp_dest[n] = 0;
    }
    for (int n = 0; n < 2; n++) {
        TranslationBlock *dest = (TranslationBlock *)tb->jmp_dest[n];
        if (dest) {
            tb_remove_incoming(dest, tb, n);
            tb->jmp_dest[n] = 0;
        }
    }
}

void tb_phys_invalidate(TranslationBlock *tb)
{
    g_mutex_lock(&tb_lock);
    tb_phys_invalidate_locked(tb);
    g_mutex_unlock(&tb_lock);
}

/* Invalidate the TBs of one page that overlap [start, end); tells
 * whether 'current' was among them. Returns whether code remains. */
static bool invalidate_page_range(hwaddr start, hwaddr end,
                                  TranslationBlock *current,
                                  bool *current_hit)
{
    PageDesc *pd = page_find(start, false);
    uintptr_t e;

    if (!pd) {
        return false;
    }
    e = pd->first_tb;
    while (e) {
        TranslationBlock *tb = (TranslationBlock *)(e & ~(uintptr_t)1);
        int n = e & 1;
        hwaddr s, t;

        e = tb->page_next[n];
        tb_page_range(tb, n, &s, &t);
        if (s < end && start < t) {
            if (tb == current) {
                *current_hit = true;
            }
            tb_phys_invalidate_locked(tb);
        }
    }
    return pd->first_tb != 0;
}

void tb_invalidate_phys_range(hwaddr start, hwaddr end)
{
    bool hit = false;

    if (end <= start) {
        return;
    }
    for (hwaddr page = start & TARGET_PAGE_MASK; page < end;
         page += TARGET_PAGE_SIZE) {
        if (!tb_page_has_code(page)) {
            if (page + TARGET_PAGE_SIZE < page) {
                break;
            }
            continue;
        }
        g_mutex_lock(&tb_lock);
        invalidate_page_range(MAX(start, page),
                              MIN(end, page + TARGET_PAGE_SIZE), NULL, &hit);
        g_mutex_unlock(&tb_lock);
        if (page + TARGET_PAGE_SIZE < page) {
            break;
        }
    }
}

void tcg_dma_write_hook(hwaddr addr, hwaddr len)
{
    if (len) {
        tb_invalidate_phys_range(addr, addr + len);
    }
}

bool tb_invalidate_phys_page_store(CPUState *cpu, hwaddr start, hwaddr end,
                                   uintptr_t ra)
{
    TranslationBlock *current = ra ? tcg_tb_from_host_pc(ra) : NULL;
    bool hit = false, has_code;

    g_mutex_lock(&tb_lock);
    has_code = invalidate_page_range(start, end, current, &hit);
    g_mutex_unlock(&tb_lock);

    if (hit && (current->cflags & CF_COUNT_MASK) != 1) {
        /*
         * The store rewrites the block that is running it. Do not store:
         * go back to the storing instruction and run it alone in a new
         * block (it is then the last instruction of its block, so the
         * store can land and the rest is translated afresh).
         */
        cpu_restore_state(cpu, ra);
        cpu->cflags_next_tb = 1 | (tcg_curr_cflags(cpu) & ~CF_COUNT_MASK);
        cpu->exception_index = -1;
        cpu_loop_exit(cpu);
    }
    return has_code;
}

/* ---- flush ---- */

uint64_t tb_flush_stats;

void tb_flush_locked(void)
{
    CPUState *cpu;

    g_mutex_lock(&tb_lock);
    memset(tb_hash, 0, sizeof(*tb_hash) * TB_HASH_SIZE);
    for (unsigned i = 0; i < L1_SIZE; i++) {
        if (page_l1[i]) {
            memset(page_l1[i], 0, sizeof(PageDesc) << L2_BITS);
        }
    }
    CPU_FOREACH(cpu) {
        if (tcg_thread(cpu)) {
            tb_jmp_cache_clear(cpu);
        }
    }
    tcg_code_reset();
    tb_flush_stats++;
    g_mutex_unlock(&tb_lock);
}

void tb_flush(CPUState *cpu)
{
    unsigned count = __atomic_load_n(&tcg_flush_count, __ATOMIC_ACQUIRE);

    start_exclusive();
    /* Another vCPU may have flushed while we waited. */
    if (count == __atomic_load_n(&tcg_flush_count, __ATOMIC_ACQUIRE)) {
        tb_flush_locked();
    }
    end_exclusive();
}
