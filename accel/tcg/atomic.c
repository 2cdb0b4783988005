/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest atomic read-modify-write ops (LOCK prefix, XCHG, CMPXCHG8B/16B).
 * The host is x86 too, so an op on RAM within one page is the same host
 * locked instruction on the host address. An op that crosses a page or
 * hits MMIO cannot be: the instruction is restarted alone in an
 * exclusive section (EXCP_ATOMIC), where the helper finds every other
 * vCPU parked and does a plain load and store.
 *
 * The access faults as a write (the SDM: locked ops always write).
 */
#include "accel/tcg/internal.h"

/* Host pointer for an atomic op on [addr, addr+size), or NULL when the op
 * must be done with loads and stores (we are exclusive then). */
static void *atomic_lookup(CPUState *cpu, uint64_t addr, MemOpIdx oi,
                           uintptr_t ra)
{
    unsigned size = memop_size(get_memop(oi));
    int mmu_idx = get_mmuidx(oi);
    unsigned off = addr & ~TARGET_PAGE_MASK;
    void *host;

    if ((get_memop(oi) & MO_ALIGN) && (addr & (size - 1))) {
        tcg_cpu_ops->do_unaligned_access(cpu, addr, MMU_DATA_STORE, mmu_idx,
                                         ra);
    }
    if (off + size > TARGET_PAGE_SIZE) {
        unsigned n1 = TARGET_PAGE_SIZE - off;
        /* Fault on either page before anything else. */
        probe_access(cpu, addr, n1, MMU_DATA_STORE, mmu_idx, ra);
        probe_access(cpu, addr + n1, size - n1, MMU_DATA_STORE, mmu_idx, ra);
        host = NULL;
    } else {
        host = probe_access(cpu, addr, size, MMU_DATA_STORE, mmu_idx, ra);
    }
    if (!host && !tcg_in_exclusive()) {
        cpu_restore_state(cpu, ra);
        cpu->exception_index = EXCP_ATOMIC;
        cpu_loop_exit(cpu);
    }
    return host;
}

static uint64_t extend(uint64_t v, MemOpIdx oi)
{
    MemOp op = get_memop(oi);
    unsigned bits = 8 * memop_size(op);

    if (bits == 64) {
        return v;
    }
    if (op & MO_SIGN) {
        return (uint64_t)((int64_t)(v << (64 - bits)) >> (64 - bits));
    }
    return v & ((1ull << bits) - 1);
}

typedef enum AtomicKind { AT_XCHG, AT_ADD, AT_AND, AT_OR, AT_XOR } AtomicKind;

static uint64_t atomic_rmw(void *env, uint64_t addr, uint64_t val,
                           uint32_t oi, AtomicKind kind, uintptr_t ra)
{
    CPUState *cpu = env_to_cpu(env);
    void *host = atomic_lookup(cpu, addr, oi, ra);
    uint64_t old;

#define RMW(T)                                                              \
    do {                                                                    \
        T *p = host, v = (T)val;                                            \
        switch (kind) {                                                     \
        case AT_XCHG: old = __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST); break; \
        case AT_ADD: old = __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); break; \
        case AT_AND: old = __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST); break; \
        case AT_OR: old = __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST); break; \
        default: old = __atomic_fetch_xor(p, v, __ATOMIC_SEQ_CST); break;   \
        }                                                                   \
    } while (0)

    if (host) {
        switch (memop_size(get_memop(oi))) {
        case 1: RMW(uint8_t); break;
        case 2: RMW(uint16_t); break;
        case 4: RMW(uint32_t); break;
        default: RMW(uint64_t); break;
        }
    } else {
        uint64_t nv;
        MemOpIdx plain = make_memop_idx(get_memop(oi) & MO_SIZE,
                                        get_mmuidx(oi));
        old = cpu_ld_mmu(cpu, addr, plain, ra);
        switch (kind) {
        case AT_XCHG: nv = val; break;
        case AT_ADD: nv = old + val; break;
        case AT_AND: nv = old & val; break;
        case AT_OR: nv = old | val; break;
        default: nv = old ^ val; break;
        }
        cpu_st_mmu(cpu, addr, nv, plain, ra);
    }
#undef RMW
    return extend(old, oi);
}

uint64_t helper_atomic_xchg(void *env, uint64_t addr, uint64_t val,
                            uint32_t oi)
{
    return atomic_rmw(env, addr, val, oi, AT_XCHG, GETPC());
}

uint64_t helper_atomic_fetch_add(void *env, uint64_t addr, uint64_t val,
                                 uint32_t oi)
{
    return atomic_rmw(env, addr, val, oi, AT_ADD, GETPC());
}

uint64_t helper_atomic_fetch_and(void *env, uint64_t addr, uint64_t val,
                                 uint32_t oi)
{
    return atomic_rmw(env, addr, val, oi, AT_AND, GETPC());
}

uint64_t helper_atomic_fetch_or(void *env, uint64_t addr, uint64_t val,
                                uint32_t oi)
{
    return atomic_rmw(env, addr, val, oi, AT_OR, GETPC());
}

uint64_t helper_atomic_fetch_xor(void *env, uint64_t addr, uint64_t val,
                                 uint32_t oi)
{
    return atomic_rmw(env, addr, val, oi, AT_XOR, GETPC());
}

uint64_t helper_atomic_cmpxchg(void *env, uint64_t addr, uint64_t cmpv,
                               uint64_t newv, uint32_t oi)
{
    uintptr_t ra = GETPC();
    CPUState *cpu = env_to_cpu(env);
    void *host = atomic_lookup(cpu, addr, oi, ra);
    unsigned size = memop_size(get_memop(oi));
    uint64_t old;

    if (host) {
#define CAS(T)                                                              \
        do {                                                                \
            T expected = (T)cmpv;                                           \
            __atomic_compare_exchange_n((T *)host, &expected, (T)newv,      \
                                        false, __ATOMIC_SEQ_CST,            \
                                        __ATOMIC_SEQ_CST);                  \
            old = expected;                                                 \
        } while (0)
        switch (size) {
        case 1: CAS(uint8_t); break;
        case 2: CAS(uint16_t); break;
        case 4: CAS(uint32_t); break;
        default: CAS(uint64_t); break;
        }
#undef CAS
    } else {
        MemOpIdx plain = make_memop_idx(get_memop(oi) & MO_SIZE,
                                        get_mmuidx(oi));
        uint64_t mask = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
        old = cpu_ld_mmu(cpu, addr, plain, ra);
        /* x86 writes back the old value on failure: a locked cmpxchg
         * always writes (and so faults as a write). */
        cpu_st_mmu(cpu, addr, old == (cmpv & mask) ? newv : old, plain, ra);
    }
    return extend(old, oi);
}

bool helper_atomic_cmpxchg16(void *env, uint64_t addr, uint64_t *cmp_lo,
                             uint64_t *cmp_hi, uint64_t new_lo,
                             uint64_t new_hi, uint32_t oi, uintptr_t ra)
{
    CPUState *cpu = env_to_cpu(env);
    int mmu_idx = get_mmuidx(oi);
    void *host;
    bool ok;

    if (!ra) {
        ra = GETPC();
    }
    host = probe_access(cpu, addr, 16, MMU_DATA_STORE, mmu_idx, ra);
    if (host && !(addr & 15)) {
        uint64_t lo = *cmp_lo, hi = *cmp_hi;
        __asm__ volatile("lock cmpxchg16b %0"
                         : "+m"(*(unsigned __int128 *)host), "=@ccz"(ok),
                           "+a"(lo), "+d"(hi)
                         : "b"(new_lo), "c"(new_hi)
                         : "memory");
        *cmp_lo = lo;
        *cmp_hi = hi;
        return ok;
    }
    if (!tcg_in_exclusive()) {
        cpu_restore_state(cpu, ra);
        cpu->exception_index = EXCP_ATOMIC;
        cpu_loop_exit(cpu);
    }
    {
        MemOpIdx q = make_memop_idx(MO_64, mmu_idx);
        uint64_t lo = cpu_ld_mmu(cpu, addr, q, ra);
        uint64_t hi = cpu_ld_mmu(cpu, addr + 8, q, ra);
        ok = lo == *cmp_lo && hi == *cmp_hi;
        cpu_st_mmu(cpu, addr, ok ? new_lo : lo, q, ra);
        cpu_st_mmu(cpu, addr + 8, ok ? new_hi : hi, q, ra);
        *cmp_lo = lo;
        *cmp_hi = hi;
    }
    return ok;
}
