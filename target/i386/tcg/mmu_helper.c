/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 softmmu glue: the TLB fill (the page-table walker of
 * target/i386/mmu-walk.c turned into tlb_set_page or #PF/#GP), unaligned
 * accesses, and the memory accessors the system helpers use.
 */
#include "target/i386/tcg/sys-helpers.h"
#include "target/i386/mmu-walk.h"
#include "util/log.h"

int x86_mmu_index(CPUX86State *env, bool ifetch)
{
    if (!(env->hflags & HF_PG)) {
        return MMU_PHYS_IDX;
    }
    if ((env->hflags & HF_CPL_MASK) == 3) {
        return MMU_USER_IDX;
    }
    /* SMAP only limits data accesses; a fetch uses the same index so
     * that code and data share the TLB entries of the privilege. */
    if ((env->hflags & HF_SMAP) && !(env->rflags & RFLAGS_AC)) {
        return MMU_KSMAP_IDX;
    }
    return MMU_KNOSMAP_IDX;
}

int x86_kernel_mmu_index(CPUX86State *env)
{
    return env->hflags & HF_PG ? MMU_KNOSMAP_IDX : MMU_PHYS_IDX;
}

bool x86_cpu_tlb_fill(CPUState *cs, uint64_t vaddr, int size,
                      MMUAccessType access, int mmu_idx, bool probe,
                      uintptr_t ra)
{
    CPUX86State *env = cpu_env(cs);
    X86PagingCtx ctx;
    X86Translation t;
    X86WalkResult r;
    unsigned flags = X86_WALK_SET_AD;
    uint32_t err;

    if (mmu_idx == MMU_PHYS_IDX) {
        /* Paging off: linear = physical (32 bits unless in long mode,
         * which cannot happen with paging off; kept for safety). */
        hwaddr pa = env->efer & MSR_EFER_LMA ? vaddr : vaddr & 0xffffffffull;
        tlb_set_page(cs, vaddr & TARGET_PAGE_MASK, pa & TARGET_PAGE_MASK,
                     PAGE_READ | PAGE_WRITE | PAGE_EXEC, mmu_idx,
                     TARGET_PAGE_SIZE);
        return true;
    }
    if (mmu_idx == MMU_USER_IDX) {
        flags |= X86_WALK_USER;
    } else if (mmu_idx == MMU_KSMAP_IDX) {
        flags |= X86_WALK_SMAP;
    }
    x86_paging_ctx_from_env(&ctx, env);
    r = x86_mmu_translate_va(&ctx, vaddr, access, flags, &t, &err);
    if (r == X86_WALK_OK) {
        /* the 4 KiB piece being accessed; the size tells the TLB to
         * flush a large page's pieces together */
        tlb_set_page(cs, vaddr & TARGET_PAGE_MASK,
                     t.paddr & TARGET_PAGE_MASK, t.prot, mmu_idx,
                     t.page_size);
        return true;
    }
    if (probe) {
        return false;
    }
    if (r == X86_WALK_NONCANONICAL) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    env->cr[2] = vaddr;
    raise_exception_err_ra(env, EXCP0E_PAGE, err, ra);
}

void x86_cpu_do_unaligned_access(CPUState *cs, uint64_t vaddr,
                                 MMUAccessType access, int mmu_idx,
                                 uintptr_t ra)
{
    /* MO_ALIGN is only used for the operands the SDM requires aligned
     * (MOVAPS and friends, CMPXCHG16B): #GP(0). Alignment checking
     * (#AC) is not modelled. */
    raise_exception_err_ra(cpu_env(cs), EXCP0D_GPF, 0, ra);
}

uint64_t x86_ld(CPUX86State *env, uint64_t addr, MemOp op, int mmu_idx,
                uintptr_t ra)
{
    return cpu_ld_mmu(env_to_cpu(env), addr, make_memop_idx(op, mmu_idx),
                      ra);
}

void x86_st(CPUX86State *env, uint64_t addr, uint64_t val, MemOp op,
            int mmu_idx, uintptr_t ra)
{
    cpu_st_mmu(env_to_cpu(env), addr, val, make_memop_idx(op, mmu_idx), ra);
}
