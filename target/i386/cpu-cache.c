/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The caches CPUID describes: the legacy set QEMU gives its Intel-style
 * models and qemu64 (32 KiB L1s, 4 MiB L2, 16 MiB L3 in leaf 4; a 64 KiB
 * 2-way L1 and 512 KiB L2 in AMD's leaves), and the EPYC generations'.
 * Encodings from the Intel SDM (CPUID leaves 2 and 4) and AMD's APM
 * (0x80000005, 0x80000006, 0x8000001D).
 */
#include "util/osdep.h"
#include "target/i386/cpu-cache.h"
#include "target/i386/cpu-models.h"

#define L(lvl, t, kb, w, s, lpt, si, nis, inc, cx)                        \
    { .level = lvl, .type = t, .size_kb = kb, .ways = w, .sets = s,       \
      .lines_per_tag = lpt, .self_init = si, .no_invd_sharing = nis,     \
      .inclusive = inc, .complex = cx }

static const X86CacheDesc amd_legacy_l1 = L(1, 1, 64, 2, 512, 1, 1, 1, 0, 0);
static const X86CacheDesc amd_legacy_l2 = L(2, 3, 512, 16, 512, 1, 1, 0, 0, 0);
static const X86CacheDesc legacy_l3 = L(3, 3, 16384, 16, 16384, 1, 1, 1, 1, 1);

const X86CacheInfo x86_cache_legacy = {
    .l1d = L(1, 1, 32, 8, 64, 1, 1, 1, 0, 0),
    .l1i = L(1, 2, 32, 8, 64, 1, 1, 1, 0, 0),
    .l2 = L(2, 3, 4096, 16, 4096, 1, 1, 1, 0, 0),
    .l3 = L(3, 3, 16384, 16, 16384, 1, 1, 0, 1, 1),
    .amd_l1d = &amd_legacy_l1, .amd_l1i = &amd_legacy_l1,
    .amd_l2 = &amd_legacy_l2, .amd_l3 = &legacy_l3,
    /* descriptors 0x2c/0x30 (L1d/L1i 32K 8-way), 0x7d (L2), 0x4d (L3) */
    .leaf2 = { 0x00000001, 0, 0x0000004d, 0x002c307d },
};

const X86CacheInfo x86_cache_epyc = {
    .l1d = L(1, 1, 32, 8, 64, 1, 1, 1, 0, 0),
    .l1i = L(1, 2, 64, 4, 256, 1, 1, 1, 0, 0),
    .l2 = L(2, 3, 512, 8, 1024, 1, 0, 0, 0, 0),
    .l3 = L(3, 3, 8192, 16, 8192, 1, 1, 0, 1, 1),
};

const X86CacheInfo x86_cache_epyc_rome = {
    .l1d = L(1, 1, 32, 8, 64, 1, 1, 1, 0, 0),
    .l1i = L(1, 2, 32, 8, 64, 1, 1, 1, 0, 0),
    .l2 = L(2, 3, 512, 8, 1024, 1, 0, 0, 0, 0),
    .l3 = L(3, 3, 16384, 16, 16384, 1, 1, 0, 1, 1),
};

const X86CacheInfo x86_cache_epyc_milan = {
    .l1d = L(1, 1, 32, 8, 64, 1, 1, 1, 0, 0),
    .l1i = L(1, 2, 32, 8, 64, 1, 1, 1, 0, 0),
    .l2 = L(2, 3, 512, 8, 1024, 1, 0, 0, 0, 0),
    .l3 = L(3, 3, 32768, 16, 32768, 1, 1, 0, 1, 1),
};

#define LINE 64

/* Leaf 4 / 0x8000001D layout; leaf 4's sharing and core counts are
 * x86_cpu_set_topology_cpuid()'s, 0x8000001D's (threads sharing: a
 * core's for L1/L2, the package's for L3) are set here */
static void put_det(X86CPU *cpu, uint32_t leaf, uint32_t sub,
                    const X86CacheDesc *d)
{
    CPUX86State *env = &cpu->env;
    unsigned threads = MAX(cpu->nr_threads, 1u);
    unsigned sharing = d->level >= 3 ? threads * MAX(cpu->nr_cores, 1u)
                                     : threads;
    uint32_t eax = d->type | (d->level << 5) | (d->self_init ? 1 << 8 : 0) |
                   (leaf == 0x8000001d ? ((sharing - 1) & 0xfff) << 14 : 0);
    uint32_t ebx = (LINE - 1) | ((d->ways - 1u) << 22);
    uint32_t edx = (d->no_invd_sharing ? 1 : 0) | (d->inclusive ? 2 : 0) |
                   (d->complex ? 4 : 0);

    x86_cpuid_put(env, leaf, sub, X86_CPUID_FLAG_INDEXED, eax, ebx,
                  d->sets - 1, edx);
}

/* AMD's associativity code for L2/L3 in 0x80000006 */
static uint32_t amd_assoc(unsigned ways)
{
    switch (ways) {
    case 1: return 1;
    case 2: return 2;
    case 4: return 4;
    case 8: return 6;
    case 16: return 8;
    case 32: return 0xa;
    case 48: return 0xb;
    case 64: return 0xc;
    case 96: return 0xd;
    case 128: return 0xe;
    default: return 0xf;
    }
}

/* 0x80000005 ECX/EDX: size KiB, ways, lines per tag, line size */
static uint32_t amd_l1(const X86CacheDesc *d)
{
    return (d->size_kb << 24) | (d->ways << 16) | (d->lines_per_tag << 8) |
           LINE;
}

static uint32_t amd_l2(const X86CacheDesc *d)
{
    return (d->size_kb << 16) | (amd_assoc(d->ways) << 12) |
           (d->lines_per_tag << 8) | LINE;
}

static uint32_t amd_l3(const X86CacheDesc *d)
{
    return ((d->size_kb / 512) << 18) | (amd_assoc(d->ways) << 12) |
           (d->lines_per_tag << 8) | LINE;
}

static bool vendor_is_intel(CPUX86State *env)
{
    /* "GenuineIntel" in EBX, EDX, ECX order */
    return env->cpuid_vendor1 == 0x756e6547 &&
           env->cpuid_vendor2 == 0x49656e69 &&
           env->cpuid_vendor3 == 0x6c65746e;
}

void x86_cpu_put_cache_leaves(X86CPU *cpu, const X86CacheInfo *c)
{
    CPUX86State *env = &cpu->env;
    const X86CacheDesc *l1d = c->amd_l1d ? c->amd_l1d : &c->l1d;
    const X86CacheDesc *l1i = c->amd_l1i ? c->amd_l1i : &c->l1i;
    const X86CacheDesc *l2 = c->amd_l2 ? c->amd_l2 : &c->l2;
    const X86CacheDesc *l3 = c->amd_l3 ? c->amd_l3 : &c->l3;
    const X86CacheDesc *det[4] = { &c->l1d, &c->l1i, &c->l2, &c->l3 };
    bool intel = vendor_is_intel(env);

    /* Leaves 2 and 4 are Intel's: other vendors read zeros there */
    if (env->cpuid_level >= 2) {
        x86_cpuid_put(env, 2, 0, 0, intel ? c->leaf2[0] : 0,
                      intel ? c->leaf2[1] : 0, intel ? c->leaf2[2] : 0,
                      intel ? c->leaf2[3] : 0);
    }
    if (env->cpuid_level >= 4) {
        for (int i = 0; i < 4 && intel; i++) {
            put_det(cpu, 4, i, det[i]);
        }
        x86_cpuid_put(env, 4, intel ? 4 : 0, X86_CPUID_FLAG_INDEXED, 0, 0,
                      0, 0);
    }
    if (env->cpuid_xlevel >= 0x80000005) {
        x86_cpuid_put(env, 0x80000005, 0, 0, 0x01ff01ff, 0x01ff01ff,
                      amd_l1(l1d), amd_l1(l1i));
    }
    if (env->cpuid_xlevel >= 0x80000006) {
        x86_cpuid_put(env, 0x80000006, 0, 0, 0, 0x42004200, amd_l2(l2),
                      amd_l3(l3));
    }
    if (env->cpuid_xlevel >= 0x8000001d &&
        (env->features[FEAT_8000_0001_ECX] & CPUID_EXT3_TOPOEXT)) {
        for (int i = 0; i < 4; i++) {
            put_det(cpu, 0x8000001d, i, det[i]);
        }
        x86_cpuid_put(env, 0x8000001d, 4, X86_CPUID_FLAG_INDEXED, 0, 0, 0,
                      0);
    }
}
