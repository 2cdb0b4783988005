/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Cache descriptions of the CPU models and the CPUID leaves made from
 * them (cpu-cache.c): leaf 2 descriptors and leaf 4 for Intel vendors,
 * 0x80000005/0x80000006 and (with topoext) 0x8000001D for everyone, as
 * QEMU 7.2 reports them.
 */
#ifndef KEMU_TARGET_I386_CPU_CACHE_H
#define KEMU_TARGET_I386_CPU_CACHE_H

#include "target/i386/cpu.h"

typedef struct X86CacheDesc {
    uint8_t level;
    uint8_t type;               /* 1 data, 2 instruction, 3 unified */
    uint32_t size_kb;
    uint16_t ways;
    uint32_t sets;
    uint8_t lines_per_tag;      /* AMD leaves */
    bool self_init;
    bool no_invd_sharing;       /* leaf 4 EDX bit 0 */
    bool inclusive;             /* EDX bit 1 */
    bool complex;               /* EDX bit 2 */
} X86CacheDesc;

typedef struct X86CacheInfo {
    /* leaf 4 (Intel) and 0x8000001D (AMD) */
    X86CacheDesc l1d, l1i, l2, l3;
    /* 0x80000005/0x80000006: the legacy AMD view, when it differs */
    const X86CacheDesc *amd_l1d, *amd_l1i, *amd_l2, *amd_l3;
    uint32_t leaf2[4];          /* leaf 2 registers (Intel vendors) */
} X86CacheInfo;

extern const X86CacheInfo x86_cache_legacy;
extern const X86CacheInfo x86_cache_epyc;
extern const X86CacheInfo x86_cache_epyc_rome;
extern const X86CacheInfo x86_cache_epyc_milan;

/* Put leaves 2, 4, 0x80000005, 0x80000006 and 0x8000001D (when
 * 'topoext') of cache c into env->cpuid. Topology fields (threads
 * sharing, cores) are left for x86_cpu_set_topology_cpuid(). */
void x86_cpu_put_cache_leaves(X86CPU *cpu, const X86CacheInfo *c);

#endif
