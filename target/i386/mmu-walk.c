/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 page-table walker: see mmu-walk.h. Levels are numbered as the
 * SDM's tables from the bottom: 1 = page table (4 KiB pages), 2 = page
 * directory, 3 = PDPT, 4 = PML4, 5 = PML5.
 */
#include "target/i386/mmu-walk.h"

void x86_paging_ctx_from_env(X86PagingCtx *c, const CPUX86State *env)
{
    c->as = &address_space_memory;
    c->cr0 = env->cr[0];
    c->cr3 = env->cr[3];
    c->cr4 = env->cr[4];
    c->efer = env->efer;
    c->pkru = env->pkru;
    c->phys_bits = env->phys_bits ? env->phys_bits : 40;
}

X86PagingMode x86_paging_mode(const X86PagingCtx *c)
{
    if (!(c->cr0 & CR0_PG_MASK)) {
        return X86_PAGING_OFF;
    }
    if (!(c->cr4 & X86_CR4_PAE)) {
        return X86_PAGING_32;
    }
    if (!(c->efer & MSR_EFER_LMA)) {
        return X86_PAGING_PAE;
    }
    return c->cr4 & X86_CR4_LA57 ? X86_PAGING_5LEVEL : X86_PAGING_4LEVEL;
}

uint64_t x86_paging_va_end(const X86PagingCtx *c)
{
    switch (x86_paging_mode(c)) {
    case X86_PAGING_4LEVEL:
        return 1ull << 48;
    case X86_PAGING_5LEVEL:
        return 1ull << 57;
    default:
        return 1ull << 32;
    }
}

static int va_bits(X86PagingMode mode)
{
    return mode == X86_PAGING_5LEVEL ? 57 : 48;
}

uint64_t x86_mmu_canonical(const X86PagingCtx *c, uint64_t va)
{
    X86PagingMode mode = x86_paging_mode(c);
    int bits = va_bits(mode);

    if (mode != X86_PAGING_4LEVEL && mode != X86_PAGING_5LEVEL) {
        return va;
    }
    return (uint64_t)((int64_t)(va << (64 - bits)) >> (64 - bits));
}

/* ---- the shape of each mode ---- */

static int top_level(X86PagingMode mode)
{
    switch (mode) {
    case X86_PAGING_32:
        return 2;
    case X86_PAGING_PAE:
        return 3;
    case X86_PAGING_4LEVEL:
        return 4;
    default:
        return 5;
    }
}

static int level_shift(X86PagingMode mode, int level)
{
    if (mode == X86_PAGING_32) {
        return level == 2 ? 22 : 12;
    }
    return 12 + 9 * (level - 1);
}

static unsigned level_entries(X86PagingMode mode, int level)
{
    if (mode == X86_PAGING_32) {
        return 1024;
    }
    return mode == X86_PAGING_PAE && level == 3 ? 4 : 512;
}

static hwaddr top_table(const X86PagingCtx *c, X86PagingMode mode)
{
    switch (mode) {
    case X86_PAGING_32:
        return c->cr3 & 0xfffff000ull;
    case X86_PAGING_PAE:
        return c->cr3 & 0xffffffe0ull;   /* 32-byte aligned PDPT */
    default:
        return c->cr3 & X86_PTE_ADDR;
    }
}

static hwaddr next_table(X86PagingMode mode, uint64_t e)
{
    return mode == X86_PAGING_32 ? e & 0xfffff000ull : e & X86_PTE_ADDR;
}

/* Whether a present entry at this level maps a page itself. */
static bool is_leaf(const X86PagingCtx *c, X86PagingMode mode, int level,
                    uint64_t e)
{
    if (level == 1) {
        return true;
    }
    if (!(e & X86_PTE_PS)) {
        return false;
    }
    if (level == 2) {
        return mode != X86_PAGING_32 || (c->cr4 & X86_CR4_PSE);
    }
    /* 1 GiB pages exist only at the PDPT of 4/5-level paging. */
    return level == 3 && mode != X86_PAGING_PAE;
}

/* Physical base of the page a leaf maps. */
static hwaddr leaf_base(X86PagingMode mode, int level, uint64_t e,
                        uint64_t size)
{
    if (mode == X86_PAGING_32) {
        if (level == 1) {
            return e & 0xfffff000ull;
        }
        /* PSE-36: PDE bits 13-20 hold physical address bits 32-39. */
        return (e & 0xffc00000ull) | ((e & 0x1fe000ull) << 19);
    }
    return e & X86_PTE_ADDR & ~(size - 1);
}

static bool nx_enabled(const X86PagingCtx *c, X86PagingMode mode)
{
    return mode != X86_PAGING_32 && (c->efer & MSR_EFER_NXE);
}

/* The bits of a present entry that must be zero (SDM 4.3-4.5 tables). */
static uint64_t reserved_bits(const X86PagingCtx *c, X86PagingMode mode,
                              int level, uint64_t e)
{
    unsigned pb = MIN(c->phys_bits, 52);
    uint64_t rsvd;

    if (mode == X86_PAGING_32) {
        if (level == 2 && (e & X86_PTE_PS) && (c->cr4 & X86_CR4_PSE)) {
            /* bit 21, and the PSE-36 address bits beyond MAXPHYADDR */
            rsvd = 1ull << 21;
            for (unsigned b = MAX(pb, 32); b < 40; b++) {
                rsvd |= 1ull << (b - 32 + 13);
            }
            return e & rsvd;
        }
        return 0;
    }
    /* address bits from MAXPHYADDR up to bit 51 */
    rsvd = pb < 52 ? ((1ull << 52) - 1) & ~((1ull << pb) - 1) : 0;
    if (!nx_enabled(c, mode)) {
        rsvd |= X86_PTE_NX;
    }
    if (mode == X86_PAGING_PAE && level == 3) {
        /* PAE PDPTE: bits 2:1 and 8:5 reserved, no XD */
        rsvd |= 0x1e6ull | X86_PTE_NX;
    } else if (level >= 4) {
        rsvd |= X86_PTE_PS;
    } else if (level == 3 && (e & X86_PTE_PS)) {
        rsvd |= ((1ull << 30) - 1) & ~((1ull << 13) - 1);
    } else if (level == 2 && (e & X86_PTE_PS)) {
        rsvd |= ((1ull << 21) - 1) & ~((1ull << 13) - 1);
    }
    return e & rsvd;
}

static bool read_entry(const X86PagingCtx *c, X86PagingMode mode,
                       hwaddr addr, uint64_t *e)
{
    unsigned size = mode == X86_PAGING_32 ? 4 : 8;
    void *p = address_space_ram_ptr(c->as, addr, size, false);

    /* Atomic with respect to other vCPUs setting A/D or the guest
     * rewriting the entry: one aligned load of the whole entry. */
    if (p) {
        *e = size == 4 ? __atomic_load_n((uint32_t *)p, __ATOMIC_ACQUIRE)
                       : __atomic_load_n((uint64_t *)p, __ATOMIC_ACQUIRE);
        return true;
    }
    *e = 0;
    return address_space_ld(c->as, addr, e, size) == MEMTX_OK;
}

/* Sets bits in an entry unless it changed since it was read (then the
 * walk starts over). Tables outside RAM are written plainly. */
static bool update_entry(const X86PagingCtx *c, X86PagingMode mode,
                         hwaddr addr, uint64_t old, uint64_t bits)
{
    unsigned size = mode == X86_PAGING_32 ? 4 : 8;
    void *p = address_space_ram_ptr(c->as, addr, size, true);

    if (!p) {
        /* Not RAM (a table in ROM or MMIO): a plain write, nothing to
         * race with. */
        address_space_st(c->as, addr, old | bits, size);
        return true;
    }
    if (size == 4) {
        uint32_t o = old;
        return __atomic_compare_exchange_n((uint32_t *)p, &o,
                                           (uint32_t)(old | bits), false,
                                           __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    }
    return __atomic_compare_exchange_n((uint64_t *)p, &old, old | bits,
                                       false, __ATOMIC_ACQ_REL,
                                       __ATOMIC_ACQUIRE);
}

/* ---- one address ---- */

static uint32_t fault_code(const X86PagingCtx *c, int access, unsigned flags)
{
    uint32_t err = 0;

    if (access == X86_ACC_WRITE) {
        err |= 0x02;
    }
    if (flags & X86_WALK_USER) {
        err |= 0x04;
    }
    if (access == X86_ACC_FETCH &&
        ((c->efer & MSR_EFER_NXE) || (c->cr4 & X86_CR4_SMEP))) {
        err |= 0x10;
    }
    return err;
}

/* What the privilege in flags may do on a page with the combined
 * rw/us/nx bits; *pk_prot what protection keys leave of it. */
static int page_prot(const X86PagingCtx *c, X86PagingMode mode,
                     unsigned flags, bool rw, bool us, bool nx,
                     uint64_t leaf, int *pk_prot)
{
    bool user = flags & X86_WALK_USER;
    bool wp = c->cr0 & CR0_WP_MASK;
    int prot = 0;

    if (user) {
        if (us) {
            prot |= X86_PROT_READ | (rw ? X86_PROT_WRITE : 0);
            prot |= nx ? 0 : X86_PROT_EXEC;
        }
    } else {
        bool smap_block = us && (flags & X86_WALK_SMAP);
        if (!smap_block) {
            prot |= X86_PROT_READ;
            if (rw || !wp) {
                prot |= X86_PROT_WRITE;
            }
        }
        if (!nx && !(us && (c->cr4 & X86_CR4_SMEP))) {
            prot |= X86_PROT_EXEC;
        }
    }
    *pk_prot = prot;
    if ((c->cr4 & X86_CR4_PKE) && us &&
        (mode == X86_PAGING_4LEVEL || mode == X86_PAGING_5LEVEL)) {
        unsigned key = (leaf >> 59) & 15;
        bool ad = (c->pkru >> (2 * key)) & 1;
        bool wd = (c->pkru >> (2 * key + 1)) & 1;
        if (ad) {
            *pk_prot &= ~(X86_PROT_READ | X86_PROT_WRITE);
        } else if (wd && (user || wp)) {
            *pk_prot &= ~X86_PROT_WRITE;
        }
    }
    return prot;
}

X86WalkResult x86_mmu_translate_va(const X86PagingCtx *c, uint64_t va,
                                   int access, unsigned flags,
                                   X86Translation *t, uint32_t *error)
{
    X86PagingMode mode = x86_paging_mode(c);
    bool debug = flags & X86_WALK_DEBUG;
    hwaddr entry_addr[5];
    uint64_t entry[5];
    int level, top;

    *error = 0;
    if (mode == X86_PAGING_OFF) {
        t->paddr = c->efer & MSR_EFER_LMA ? va : va & 0xffffffffull;
        t->page_size = TARGET_PAGE_SIZE;
        t->prot = X86_PROT_READ | X86_PROT_WRITE | X86_PROT_EXEC;
        t->leaf = 0;
        t->level = 1;
        return X86_WALK_OK;
    }
    if (mode == X86_PAGING_4LEVEL || mode == X86_PAGING_5LEVEL) {
        if (x86_mmu_canonical(c, va) != va) {
            return X86_WALK_NONCANONICAL;
        }
    } else {
        va &= 0xffffffffull;
    }
    top = top_level(mode);

restart:;
    hwaddr table = top_table(c, mode);
    bool rw = true, us = true, nx = false;
    uint64_t e = 0;

    for (level = top; ; level--) {
        int shift = level_shift(mode, level);
        unsigned idx = (va >> shift) & (level_entries(mode, level) - 1);

        entry_addr[level - 1] = table + idx * (mode == X86_PAGING_32 ? 4 : 8);
        if (!read_entry(c, mode, entry_addr[level - 1], &e) ||
            !(e & X86_PTE_P)) {
            *error = fault_code(c, access, flags);
            return X86_WALK_PAGE_FAULT;
        }
        entry[level - 1] = e;
        if (!debug && reserved_bits(c, mode, level, e)) {
            *error = fault_code(c, access, flags) | 0x01 | 0x08;
            return X86_WALK_PAGE_FAULT;
        }
        /* PAE PDPTEs carry no permissions. */
        if (!(mode == X86_PAGING_PAE && level == 3)) {
            rw = rw && (e & X86_PTE_RW);
            us = us && (e & X86_PTE_US);
            nx = nx || (nx_enabled(c, mode) && (e & X86_PTE_NX));
        }
        if (is_leaf(c, mode, level, e)) {
            break;
        }
        table = next_table(mode, e);
    }

    t->page_size = 1ull << level_shift(mode, level);
    t->paddr = leaf_base(mode, level, e, t->page_size) |
               (va & (t->page_size - 1));
    t->level = level;
    t->leaf = e;
    if (debug) {
        t->prot = X86_PROT_READ | X86_PROT_WRITE | X86_PROT_EXEC;
        return X86_WALK_OK;
    }

    int need = access == X86_ACC_WRITE ? X86_PROT_WRITE
             : access == X86_ACC_FETCH ? X86_PROT_EXEC : X86_PROT_READ;
    int pk_prot;
    int prot = page_prot(c, mode, flags, rw, us, nx, e, &pk_prot);
    if (!(pk_prot & need)) {
        *error = fault_code(c, access, flags) | 0x01;
        if (prot & need) {
            *error |= 0x20;           /* blocked by the protection key */
        }
        return X86_WALK_PAGE_FAULT;
    }
    prot = pk_prot;

    if (flags & X86_WALK_SET_AD) {
        /* A on every entry used, D on the leaf for a write; top-down so a
         * concurrent change restarts with nothing half done below it. */
        for (int l = top; l >= level; l--) {
            uint64_t bits = 0;
            if (mode == X86_PAGING_PAE && l == 3) {
                continue;             /* PDPTEs have no A bit in PAE */
            }
            if (!(entry[l - 1] & X86_PTE_A)) {
                bits |= X86_PTE_A;
            }
            if (l == level && access == X86_ACC_WRITE &&
                !(entry[l - 1] & X86_PTE_D)) {
                bits |= X86_PTE_D;
            }
            if (bits) {
                if (!update_entry(c, mode, entry_addr[l - 1], entry[l - 1],
                                  bits)) {
                    goto restart;
                }
                entry[l - 1] |= bits;
            }
        }
        t->leaf = entry[level - 1];
    }
    if (!(t->leaf & X86_PTE_D) && access != X86_ACC_WRITE) {
        prot &= ~X86_PROT_WRITE;
    }
    t->prot = prot;
    return X86_WALK_OK;
}

/* ---- the whole space ---- */

typedef struct Iter {
    const X86PagingCtx *c;
    const X86MapVisitor *v;
    X86PagingMode mode;
} Iter;

static void iter_level(Iter *it, hwaddr table, int level, uint64_t va_base,
                       uint64_t prot, bool nx)
{
    int shift = level_shift(it->mode, level);
    unsigned n = level_entries(it->mode, level);
    unsigned esize = it->mode == X86_PAGING_32 ? 4 : 8;

    for (unsigned i = 0; i < n; i++) {
        uint64_t va = va_base + ((uint64_t)i << shift);
        uint64_t e;

        if (!read_entry(it->c, it->mode, table + i * esize, &e) ||
            !(e & X86_PTE_P)) {
            if (it->v->hole) {
                it->v->hole(it->v->opaque, va, 1ull << shift);
            }
            continue;
        }
        uint64_t p = prot;
        bool x = nx;
        if (!(it->mode == X86_PAGING_PAE && level == 3)) {
            p &= e & (X86_PTE_P | X86_PTE_RW | X86_PTE_US);
            x = x || (nx_enabled(it->c, it->mode) && (e & X86_PTE_NX));
        }
        if (is_leaf(it->c, it->mode, level, e)) {
            X86MapLeaf leaf = {
                .va = va, .size = 1ull << shift, .pte = e, .prot = p,
                .nx = x, .level = level,
            };
            leaf.pa = leaf_base(it->mode, level, e, leaf.size);
            if (it->v->leaf) {
                it->v->leaf(it->v->opaque, &leaf);
            }
        } else {
            iter_level(it, next_table(it->mode, e), level - 1, va, p, x);
        }
    }
}

uint64_t x86_mmu_iterate(const X86PagingCtx *c, const X86MapVisitor *v)
{
    Iter it = { .c = c, .v = v, .mode = x86_paging_mode(c) };

    if (it.mode == X86_PAGING_OFF) {
        return 0;
    }
    iter_level(&it, top_table(c, it.mode), top_level(it.mode), 0,
               X86_PTE_P | X86_PTE_RW | X86_PTE_US, false);
    return x86_paging_va_end(c);
}
