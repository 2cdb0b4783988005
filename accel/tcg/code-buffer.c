/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The code buffer: one executable mapping holding the prologue, then
 * every translation block (its TranslationBlock header, host code and
 * restore data, in that order).
 *
 * The space after the prologue is cut into regions. A translating thread
 * owns one region at a time and bumps a pointer in it, so translation on
 * several vCPU threads needs no lock; a full region is left for the next
 * free one. When none is left the whole buffer is flushed (tb_flush),
 * with every vCPU out of generated code, and regions are handed out
 * again from the start.
 *
 * Each region keeps its TBs in address order (one writer: the owner), so
 * a host return address is mapped back to its TB by a lock-free binary
 * search (cpu_restore_state on any thread).
 */
#include "accel/tcg/internal.h"
#include "util/log.h"
#include <sys/mman.h>

typedef struct CodeRegion {
    uint8_t *start, *end;
    TranslationBlock **tbs;   /* in address order */
    size_t nb_tbs;            /* published with release ordering */
    size_t max_tbs;
    uint8_t *used_end;        /* for statistics */
} CodeRegion;

static struct {
    uint8_t *buf;
    size_t size;
    uint8_t *regions_start;
    size_t region_size;
    size_t nb_regions;
    CodeRegion *regions;
    size_t next_region;       /* atomic: next free region */
} cb;

unsigned tcg_flush_count;

/* The calling thread's region: [ptr, end) is free. */
static __thread struct {
    CodeRegion *region;
    uint8_t *ptr;
    unsigned flush_count;
} cur;

/* The smallest a TB takes (header + a few host insns): bounds the size of
 * the per-region index. */
#define MIN_TB_BYTES 192
#define TB_ALIGN 64

void tcg_code_buffer_init(size_t size)
{
    size_t prologue;

    /* Calls and jumps between blocks and to the prologue are rel32. */
    size = MIN(size, (size_t)2 * GiB - 64 * MiB);
    size = MAX(size, (size_t)4 * MiB);
    size = ROUND_UP(size, 4096);
    cb.buf = mmap(NULL, size, PROT_READ | PROT_WRITE | PROT_EXEC,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (cb.buf == MAP_FAILED) {
        error_report("Could not allocate dynamic translator buffer");
        exit(1);
    }
    cb.size = size;
    prologue = tcg_prologue_init(cb.buf, 4096);
    cb.regions_start = cb.buf + ROUND_UP(prologue, 4096);

    /* Regions of 2 MiB (smaller for tiny buffers): enough for thousands
     * of blocks, and plenty of them for every vCPU. */
    cb.region_size = 2 * MiB;
    while (cb.region_size > 64 * KiB &&
           (size_t)(cb.buf + size - cb.regions_start) / cb.region_size < 16) {
        cb.region_size /= 2;
    }
    cb.nb_regions = (cb.buf + size - cb.regions_start) / cb.region_size;
    cb.regions = g_new0(CodeRegion, cb.nb_regions);
    for (size_t i = 0; i < cb.nb_regions; i++) {
        CodeRegion *r = &cb.regions[i];
        r->start = cb.regions_start + i * cb.region_size;
        r->end = r->start + cb.region_size;
        r->used_end = r->start;
        r->max_tbs = cb.region_size / MIN_TB_BYTES + 1;
        r->tbs = g_new(TranslationBlock *, r->max_tbs);
    }
}

bool tcg_code_buffer_contains(uintptr_t p)
{
    return p >= (uintptr_t)cb.buf && p < (uintptr_t)cb.buf + cb.size;
}

static bool take_region(void)
{
    size_t i = __atomic_fetch_add(&cb.next_region, 1, __ATOMIC_ACQ_REL);

    if (i >= cb.nb_regions) {
        cur.region = NULL;
        return false;
    }
    cur.region = &cb.regions[i];
    cur.ptr = cur.region->start;
    cur.flush_count = __atomic_load_n(&tcg_flush_count, __ATOMIC_ACQUIRE);
    return true;
}

TranslationBlock *tcg_code_alloc_tb(uint8_t **code, uint8_t **code_end)
{
    uint8_t *p;

    if (!cur.region ||
        cur.flush_count != __atomic_load_n(&tcg_flush_count,
                                           __ATOMIC_ACQUIRE) ||
        cur.region->nb_tbs >= cur.region->max_tbs ||
        (size_t)(cur.region->end - cur.ptr) < 4096) {
        if (!take_region()) {
            return NULL;
        }
    }
    p = (uint8_t *)ROUND_UP((uintptr_t)cur.ptr, TB_ALIGN);
    *code = p + ROUND_UP(sizeof(TranslationBlock), 16);
    *code_end = cur.region->end;
    return (TranslationBlock *)p;
}

/* The block did not fit in what was left of the region: next time start
 * a fresh one. Returns false if the block was alone in a fresh region
 * (it can never fit). */
bool tcg_code_region_full(void)
{
    bool fresh = cur.region && cur.region->nb_tbs == 0;

    cur.region = NULL;
    return !fresh;
}

void tcg_code_commit(TranslationBlock *tb, uint8_t *end)
{
    CodeRegion *r = cur.region;

    cur.ptr = end;
    r->used_end = end;
    r->tbs[r->nb_tbs] = tb;
    __atomic_store_n(&r->nb_tbs, r->nb_tbs + 1, __ATOMIC_RELEASE);
}

TranslationBlock *tcg_tb_from_host_pc(uintptr_t host_pc)
{
    CodeRegion *r;
    size_t lo, hi;

    if (host_pc < (uintptr_t)cb.regions_start ||
        host_pc >= (uintptr_t)cb.regions_start +
                   cb.nb_regions * cb.region_size) {
        return NULL;
    }
    r = &cb.regions[(host_pc - (uintptr_t)cb.regions_start) /
                    cb.region_size];
    /* The last TB whose code starts at or before host_pc. */
    lo = 0;
    hi = __atomic_load_n(&r->nb_tbs, __ATOMIC_ACQUIRE);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if ((uintptr_t)r->tbs[mid]->tc_ptr <= host_pc) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo == 0) {
        return NULL;
    }
    {
        TranslationBlock *tb = r->tbs[lo - 1];
        if (host_pc < (uintptr_t)tb->tc_ptr + tb->tc_size) {
            return tb;
        }
    }
    return NULL;
}

void tcg_code_reset(void)
{
    for (size_t i = 0; i < cb.nb_regions; i++) {
        cb.regions[i].nb_tbs = 0;
        cb.regions[i].used_end = cb.regions[i].start;
    }
    __atomic_store_n(&cb.next_region, 0, __ATOMIC_RELEASE);
    __atomic_add_fetch(&tcg_flush_count, 1, __ATOMIC_ACQ_REL);
}

void tcg_code_stats(size_t *used, size_t *total, size_t *nb_tbs,
                    size_t *code_bytes, size_t *guest_bytes)
{
    size_t n = MIN(__atomic_load_n(&cb.next_region, __ATOMIC_ACQUIRE),
                   cb.nb_regions);

    *used = cb.regions_start - cb.buf;
    *total = cb.size;
    *nb_tbs = *code_bytes = *guest_bytes = 0;
    for (size_t i = 0; i < n; i++) {
        CodeRegion *r = &cb.regions[i];
        size_t k = __atomic_load_n(&r->nb_tbs, __ATOMIC_ACQUIRE);
        *used += r->used_end - r->start;
        *nb_tbs += k;
        for (size_t j = 0; j < k; j++) {
            *code_bytes += r->tbs[j]->tc_size;
            *guest_bytes += r->tbs[j]->size;
        }
    }
}
