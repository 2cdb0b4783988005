/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest virtual to physical translation for the monitor (x, gva2gpa,
 * memsave): the CPU's page-table walker (target/i386/mmu-walk.c) in
 * debug mode: present bits only, accessed/dirty bits left alone.
 */
#include "monitor/hmp-mmu.h"
#include "target/i386/mmu-walk.h"

bool x86_mmu_translate(CPUState *cs, uint64_t va, uint64_t *pa,
                       uint64_t *page_size)
{
    X86PagingCtx ctx;
    X86Translation t;
    uint32_t err;

    x86_paging_ctx_from_env(&ctx, &X86_CPU(cs)->env);
    if (x86_mmu_translate_va(&ctx, va, X86_ACC_READ, X86_WALK_DEBUG, &t,
                             &err) != X86_WALK_OK) {
        return false;
    }
    *pa = t.paddr;
    *page_size = t.page_size;
    return true;
}

MemTxResult x86_mmu_rw_virt(CPUState *cs, uint64_t va, void *buf,
                            uint64_t len, bool is_write)
{
    uint8_t *b = buf;

    while (len) {
        uint64_t pa, psize, n;
        MemTxResult r;

        if (!x86_mmu_translate(cs, va, &pa, &psize)) {
            return MEMTX_DECODE_ERROR;
        }
        n = MIN(len, psize - (pa & (psize - 1)));
        r = address_space_rw(&address_space_memory, pa, b, n, is_write);
        if (r != MEMTX_OK) {
            return r;
        }
        va += n;
        b += n;
        len -= n;
    }
    return MEMTX_OK;
}
