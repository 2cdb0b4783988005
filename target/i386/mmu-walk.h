/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one x86 page-table walker (Intel SDM vol. 3A ch. 4, AMD APM vol. 2
 * ch. 5): no paging, 32-bit (with PSE 4 MiB pages), PAE, 4-level and
 * 5-level paging. Two ways to use it:
 *
 *   x86_mmu_translate_va  one linear address for one access: permission
 *                         checks (U/S, R/W with CR0.WP, NX, SMEP, SMAP,
 *                         protection keys), reserved-bit checks, accessed
 *                         and dirty bits written back atomically when
 *                         asked. The TCG TLB fill uses it with checks;
 *                         the monitor and gdbstub with X86_WALK_DEBUG.
 *   x86_mmu_iterate       every mapping of the address space in order:
 *                         one callback per leaf, one per hole (a
 *                         non-present entry at any level). info mem/tlb
 *                         and dump-guest-memory -p use it.
 *
 * The walker reads the tables through an AddressSpace (normally
 * address_space_memory), so it also runs on a fake RAM in unit tests.
 * It never raises anything itself: the caller turns a fault into #PF or
 * #GP as it needs.
 */
#ifndef KEMU_I386_MMU_WALK_H
#define KEMU_I386_MMU_WALK_H

#include "target/i386/cpu.h"

/* Page-table entry bits */
#define X86_PTE_P    (1ull << 0)
#define X86_PTE_RW   (1ull << 1)
#define X86_PTE_US   (1ull << 2)
#define X86_PTE_PWT  (1ull << 3)
#define X86_PTE_PCD  (1ull << 4)
#define X86_PTE_A    (1ull << 5)
#define X86_PTE_D    (1ull << 6)
#define X86_PTE_PS   (1ull << 7)     /* PAT in a 4 KiB PTE */
#define X86_PTE_G    (1ull << 8)
#define X86_PTE_NX   (1ull << 63)
#define X86_PTE_ADDR 0x000ffffffffff000ull

/* CR4 bits the walker reads (cpu.h names only a few) */
#define X86_CR4_PSE   (1ull << 4)
#define X86_CR4_PAE   (1ull << 5)
#define X86_CR4_PGE   (1ull << 7)
#define X86_CR4_LA57  (1ull << 12)
#define X86_CR4_SMEP  (1ull << 20)
#define X86_CR4_SMAP  (1ull << 21)
#define X86_CR4_PKE   (1ull << 22)

/* The paging state a walk depends on, copied from a CPU (or built by a
 * test). */
typedef struct X86PagingCtx {
    AddressSpace *as;
    uint64_t cr0, cr3, cr4, efer;
    uint32_t pkru;               /* protection keys (CR4.PKE) */
    uint8_t phys_bits;           /* MAXPHYADDR, for reserved-bit checks */
} X86PagingCtx;

void x86_paging_ctx_from_env(X86PagingCtx *c, const CPUX86State *env);

typedef enum X86PagingMode {
    X86_PAGING_OFF,
    X86_PAGING_32,
    X86_PAGING_PAE,
    X86_PAGING_4LEVEL,
    X86_PAGING_5LEVEL,
} X86PagingMode;

X86PagingMode x86_paging_mode(const X86PagingCtx *c);
/* Linear addresses below this exist in the mode (2^32, 2^48, 2^57). */
uint64_t x86_paging_va_end(const X86PagingCtx *c);
/* Sign-extend a linear address from the mode's top bit (64-bit modes). */
uint64_t x86_mmu_canonical(const X86PagingCtx *c, uint64_t va);

/* Kinds of access: the same values as MMUAccessType */
#define X86_ACC_READ  0
#define X86_ACC_WRITE 1
#define X86_ACC_FETCH 2

/* Walk flags */
#define X86_WALK_USER   (1u << 0)  /* CPL 3 (explicit user access) */
#define X86_WALK_SMAP   (1u << 1)  /* supervisor data access to a user
                                      page faults (CR4.SMAP, !RFLAGS.AC) */
#define X86_WALK_SET_AD (1u << 2)  /* write A (and D for writes) back */
#define X86_WALK_DEBUG  (1u << 3)  /* present bits only: no permission or
                                      reserved-bit checks, no A/D */

/* prot bits (the same values as PAGE_READ/WRITE/EXEC) */
#define X86_PROT_READ  1
#define X86_PROT_WRITE 2
#define X86_PROT_EXEC  4

typedef struct X86Translation {
    hwaddr paddr;               /* of the linear address itself */
    uint64_t page_size;         /* 4 KiB, 2 MiB, 4 MiB or 1 GiB */
    /* What this privilege may do on the page. WRITE is left out while
     * the page is clean and the access is not a write, so that the first
     * write comes back to set D. */
    int prot;
    uint64_t leaf;              /* the leaf entry (after A/D update) */
    int level;                  /* of the leaf: 1 PTE, 2 PDE, 3 PDPTE */
} X86Translation;

typedef enum X86WalkResult {
    X86_WALK_OK,
    X86_WALK_PAGE_FAULT,        /* #PF: *error has the error code */
    X86_WALK_NONCANONICAL,      /* #GP(0) (or #SS for the stack) */
} X86WalkResult;

X86WalkResult x86_mmu_translate_va(const X86PagingCtx *c, uint64_t va,
                                   int access, unsigned flags,
                                   X86Translation *t, uint32_t *error);

/* ---- iteration ---- */
typedef struct X86MapLeaf {
    uint64_t va;                /* linear, not sign-extended */
    uint64_t size;
    hwaddr pa;                  /* of the page's first byte */
    uint64_t pte;               /* the leaf entry as read */
    uint64_t prot;              /* AND of P/RW/US over all levels */
    bool nx;                    /* XD at any level (with EFER.NXE) */
    int level;                  /* 1 PTE, 2 PDE, 3 PDPTE */
} X86MapLeaf;

typedef struct X86MapVisitor {
    void (*leaf)(void *opaque, const X86MapLeaf *leaf);
    /* a non-present entry at any level: [va, va + size) is unmapped */
    void (*hole)(void *opaque, uint64_t va, uint64_t size);
    void *opaque;
} X86MapVisitor;

/* Visit the whole linear space in increasing order; returns
 * x86_paging_va_end(), or 0 (nothing visited) when paging is off. */
uint64_t x86_mmu_iterate(const X86PagingCtx *c, const X86MapVisitor *v);

#endif
