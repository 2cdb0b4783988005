/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest virtual to physical translation for the monitor (x, gva2gpa,
 * memsave): a software walk of the guest's page tables as the SDM
 * describes them (vol. 3A ch. 4): no paging, 32-bit (with 4 MiB PSE
 * pages), PAE, 4-level and 5-level. Accessed/dirty bits are left alone.
 */
#include "monitor/hmp-mmu.h"
#include "target/i386/cpu.h"

#define PG_P     (1ull << 0)
#define PG_PS    (1ull << 7)
#define CR4_PSE  (1ull << 4)
#define CR4_LA57 (1ull << 12)
#define EFER_LMA (1ull << 10)
#define ADDR_MASK 0x000ffffffffff000ull

static bool read_pte(uint64_t addr, bool wide, uint64_t *pte)
{
    uint32_t v32;

    if (wide) {
        return address_space_read(&address_space_memory, addr, pte, 8)
               == MEMTX_OK;
    }
    if (address_space_read(&address_space_memory, addr, &v32, 4)
        != MEMTX_OK) {
        return false;
    }
    *pte = v32;
    return true;
}

bool x86_mmu_translate(CPUState *cs, uint64_t va, uint64_t *pa,
                       uint64_t *page_size)
{
    CPUX86State *env = &X86_CPU(cs)->env;
    uint64_t pte, table;
    int levels, shift;

    if (!(env->cr[0] & CR0_PG_MASK)) {
        *pa = va & 0xffffffffull;
        if (env->efer & EFER_LMA) {
            *pa = va;
        }
        *page_size = 4096;
        return true;
    }
    if (env->efer & EFER_LMA) {
        levels = env->cr[4] & CR4_LA57 ? 5 : 4;
        table = env->cr[3] & ADDR_MASK;
        shift = 12 + 9 * (levels - 1);
    } else if (env->cr[4] & CR4_PAE_MASK) {
        /* PAE: the PDPT of four entries is at CR3[31:5]. */
        va &= 0xffffffffull;
        if (!read_pte((env->cr[3] & 0xffffffe0ull) + ((va >> 30) & 3) * 8,
                      true, &pte) || !(pte & PG_P)) {
            return false;
        }
        table = pte & ADDR_MASK;
        levels = 2;
        shift = 21;
    } else {
        /* 32-bit paging: two levels of 1024 four-byte entries. */
        va &= 0xffffffffull;
        if (!read_pte((env->cr[3] & 0xfffff000ull) + (va >> 22) * 4, false,
                      &pte) || !(pte & PG_P)) {
            return false;
        }
        if ((pte & PG_PS) && (env->cr[4] & CR4_PSE)) {
            /* PSE-36: bits 13-20 hold physical address bits 32-39. */
            *pa = (pte & 0xffc00000ull) | ((pte & 0x1fe000ull) << 19) |
                  (va & 0x3fffff);
            *page_size = 4 * MiB;
            return true;
        }
        if (!read_pte((pte & 0xfffff000ull) + ((va >> 12) & 0x3ff) * 4,
                      false, &pte) || !(pte & PG_P)) {
            return false;
        }
        *pa = (pte & 0xfffff000ull) | (va & 0xfff);
        *page_size = 4096;
        return true;
    }
    for (int l = levels; l > 0; l--, shift -= 9) {
        uint64_t idx = (va >> shift) & 511;
        if (!read_pte(table + idx * 8, true, &pte) || !(pte & PG_P)) {
            return false;
        }
        table = pte & ADDR_MASK;
        /* Large pages: 1 GiB at the PDPT, 2 MiB at the PD level. */
        if (l > 1 && (pte & PG_PS) && shift <= 30) {
            uint64_t size = 1ull << shift;
            *pa = (pte & ADDR_MASK & ~(size - 1)) | (va & (size - 1));
            *page_size = size;
            return true;
        }
    }
    *pa = table | (va & 0xfff);
    *page_size = 4096;
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
