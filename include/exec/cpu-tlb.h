/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The softmmu TLB's fast part: what generated code probes inline on every
 * guest load and store. Shared by the code generator (tcg/x86_64 emits
 * the probe) and the runtime (accel/tcg/cputlb.c fills and flushes it).
 *
 * Per MMU index, a direct-mapped table of CPUTLBEntry, indexed by
 * (vaddr >> TARGET_PAGE_BITS) & (n_entries - 1). The probe for an access
 * of 'size' bytes at vaddr in mmu index i:
 *
 *     CPUTLBDescFast *f = &cpu->tlb_fast[i];
 *     CPUTLBEntry *e = (CPUTLBEntry *)((uintptr_t)f->table +
 *                       ((vaddr >> (TARGET_PAGE_BITS - CPU_TLB_ENTRY_BITS))
 *                        & f->mask));
 *     cmp = (vaddr + size - 1) & (TARGET_PAGE_MASK | TLB_FLAGS_MASK)
 *           ... compared with e->addr_read (loads) or e->addr_write;
 *     equal  -> host address = vaddr + e->addend
 *     else   -> slow path (ld_slow/st_slow in TCGTargetConfig)
 *
 * 'mask' is (n_entries - 1) << CPU_TLB_ENTRY_BITS, so the index comes out
 * as a byte offset. Using the last byte's page sends an access that
 * crosses a page to the slow path. Flag bits below the page bits make
 * the comparison fail, so pages that need care (MMIO, code pages being
 * written, watchpoints) always take the slow path; an invalid entry has
 * TLB_INVALID_MASK set in all three comparators.
 */
#ifndef KEMU_CPU_TLB_H
#define KEMU_CPU_TLB_H

#include <stdint.h>

#define TARGET_PAGE_BITS 12
#define TARGET_PAGE_SIZE (1ull << TARGET_PAGE_BITS)
#define TARGET_PAGE_MASK (~(uint64_t)(TARGET_PAGE_SIZE - 1))

/* x86 MMU indexes (target/i386 chooses; the runtime only counts them) */
#define NB_MMU_MODES 4

/* Flags in the low bits of addr_read/addr_write/addr_code */
#define TLB_INVALID_MASK  (1u << 11)   /* entry unused */
#define TLB_MMIO          (1u << 10)   /* not RAM: dispatch through memory API */
#define TLB_NOTDIRTY      (1u << 9)    /* writes must check for translated code */
#define TLB_WATCHPOINT    (1u << 8)    /* gdbstub watchpoint on this page */
#define TLB_FLAGS_MASK    (TLB_INVALID_MASK | TLB_MMIO | TLB_NOTDIRTY | \
                           TLB_WATCHPOINT)

typedef struct CPUTLBEntry {
    uint64_t addr_read;
    uint64_t addr_write;
    uint64_t addr_code;
    /* host address = guest vaddr + addend (RAM pages only) */
    uintptr_t addend;
} CPUTLBEntry;

#define CPU_TLB_ENTRY_BITS 5          /* sizeof(CPUTLBEntry) == 32 */
_Static_assert(sizeof(CPUTLBEntry) == (1 << CPU_TLB_ENTRY_BITS),
               "CPUTLBEntry size");

typedef struct CPUTLBDescFast {
    uintptr_t mask;                   /* (n_entries - 1) << CPU_TLB_ENTRY_BITS */
    CPUTLBEntry *table;
} CPUTLBDescFast;

#endif
