/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The named CPU models, as QEMU 7.2 defines them for the pc machine
 * (version 1 of each, which "-cpu NAME" means there; Haswell-noTSX is
 * Haswell-v2): identity, levels, the CPUID feature bits by their "-cpu"
 * names, and the caches. Under TCG, x86_cpu_filter_features() cuts what
 * the translator lacks with QEMU's warning; "hypervisor" is added to
 * every model by the loader. tests/functional/test_cpu_models.py checks
 * the CPUID they produce against QEMU's.
 */
#include "util/osdep.h"
#include "target/i386/cpu-model-table.h"
#include "target/i386/cpu-cache.h"

static const X86NamedModel models[] = {
    {
        .name = "qemu32", .vendor = "GenuineIntel",
        .family = 6, .model = 6, .stepping = 3,
        .level = 0x4, .xlevel = 0x80000004,
        .model_id = "QEMU Virtual CPU version 2.5+",
        .cache = &x86_cache_legacy,
        .features =
            "apic cmov cx8 de fpu fxsr mce mmx msr pae pat pge pni pse sep sse "
            "sse2 tsc ",
    },
    {
        .name = "kvm64", .vendor = "GenuineIntel",
        .family = 15, .model = 6, .stepping = 1,
        .level = 0xd, .xlevel = 0x80000008,
        .model_id = "Common KVM processor",
        .cache = &x86_cache_legacy,
        .features =
            "apic clflush cmov cx16 cx8 de fpu fxsr lm mca mce mmx msr mtrr nx "
            "pae pat pge pni pse pse36 sep sse sse2 syscall tsc ",
    },
    {
        .name = "Nehalem", .vendor = "GenuineIntel",
        .family = 6, .model = 26, .stepping = 3,
        .level = 0xb, .xlevel = 0x80000008,
        .model_id = "Intel Core i7 9xx (Nehalem Class Core i7)",
        .cache = &x86_cache_legacy,
        .features =
            "apic clflush cmov cx16 cx8 de fpu fxsr lahf-lm lm mca mce mmx msr "
            "mtrr nx pae pat pge pni popcnt pse pse36 sep sse sse2 sse4.1 "
            "sse4.2 ssse3 syscall tsc ",
    },
    {
        .name = "Westmere", .vendor = "GenuineIntel",
        .family = 6, .model = 44, .stepping = 1,
        .level = 0xb, .xlevel = 0x80000008,
        .model_id = "Westmere E56xx/L56xx/X56xx (Nehalem-C)",
        .cache = &x86_cache_legacy,
        .features =
            "aes apic arat clflush cmov cx16 cx8 de fpu fxsr lahf-lm lm mca mce "
            "mmx msr mtrr nx pae pat pclmulqdq pge pni popcnt pse pse36 sep sse "
            "sse2 sse4.1 sse4.2 ssse3 syscall tsc ",
    },
    {
        .name = "SandyBridge", .vendor = "GenuineIntel",
        .family = 6, .model = 42, .stepping = 1,
        .level = 0xd, .xlevel = 0x80000008,
        .model_id = "Intel Xeon E312xx (Sandy Bridge)",
        .cache = &x86_cache_legacy,
        .features =
            "aes apic arat avx clflush cmov cx16 cx8 de fpu fxsr lahf-lm lm mca "
            "mce mmx msr mtrr nx pae pat pclmulqdq pge pni popcnt pse pse36 "
            "rdtscp sep sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline "
            "x2apic xsave xsaveopt ",
    },
    {
        .name = "IvyBridge", .vendor = "GenuineIntel",
        .family = 6, .model = 58, .stepping = 9,
        .level = 0xd, .xlevel = 0x80000008,
        .model_id = "Intel Xeon E3-12xx v2 (Ivy Bridge)",
        .cache = &x86_cache_legacy,
        .features =
            "aes apic arat avx clflush cmov cx16 cx8 de erms f16c fpu fsgsbase "
            "fxsr lahf-lm lm mca mce mmx msr mtrr nx pae pat pclmulqdq pge pni "
            "popcnt pse pse36 rdrand rdtscp sep smep sse sse2 sse4.1 sse4.2 "
            "ssse3 syscall tsc tsc-deadline x2apic xsave xsaveopt ",
    },
    {
        .name = "Haswell", .vendor = "GenuineIntel",
        .family = 6, .model = 60, .stepping = 4,
        .level = 0xd, .xlevel = 0x80000008,
        .model_id = "Intel Core Processor (Haswell)",
        .cache = &x86_cache_legacy,
        .features =
            "abm aes apic arat avx avx2 bmi1 bmi2 clflush cmov cx16 cx8 de erms "
            "f16c fma fpu fsgsbase fxsr hle invpcid lahf-lm lm mca mce mmx "
            "movbe msr mtrr nx pae pat pcid pclmulqdq pge pni popcnt pse pse36 "
            "rdrand rdtscp rtm sep smep sse sse2 sse4.1 sse4.2 ssse3 syscall "
            "tsc tsc-deadline x2apic xsave xsaveopt ",
    },
    {
        .name = "Haswell-noTSX", .vendor = "GenuineIntel",
        .family = 6, .model = 60, .stepping = 1,
        .level = 0xd, .xlevel = 0x80000008,
        .model_id = "Intel Core Processor (Haswell, no TSX)",
        .cache = &x86_cache_legacy,
        .features =
            "abm aes apic arat avx avx2 bmi1 bmi2 clflush cmov cx16 cx8 de erms "
            "f16c fma fpu fsgsbase fxsr invpcid lahf-lm lm mca mce mmx movbe "
            "msr mtrr nx pae pat pcid pclmulqdq pge pni popcnt pse pse36 rdrand "
            "rdtscp sep smep sse sse2 sse4.1 sse4.2 ssse3 syscall tsc "
            "tsc-deadline x2apic xsave xsaveopt ",
    },
    {
        .name = "Broadwell", .vendor = "GenuineIntel",
        .family = 6, .model = 61, .stepping = 2,
        .level = 0xd, .xlevel = 0x80000008,
        .model_id = "Intel Core Processor (Broadwell)",
        .cache = &x86_cache_legacy,
        .features =
            "3dnowprefetch abm adx aes apic arat avx avx2 bmi1 bmi2 clflush "
            "cmov cx16 cx8 de erms f16c fma fpu fsgsbase fxsr hle invpcid "
            "lahf-lm lm mca mce mmx movbe msr mtrr nx pae pat pcid pclmulqdq "
            "pge pni popcnt pse pse36 rdrand rdseed rdtscp rtm sep smap smep "
            "sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline x2apic xsave "
            "xsaveopt ",
    },
    {
        .name = "Skylake-Client", .vendor = "GenuineIntel",
        .family = 6, .model = 94, .stepping = 3,
        .level = 0xd, .xlevel = 0x80000008,
        .model_id = "Intel Core Processor (Skylake)",
        .cache = &x86_cache_legacy,
        .features =
            "3dnowprefetch abm adx aes apic arat avx avx2 bmi1 bmi2 clflush "
            "cmov cx16 cx8 de erms f16c fma fpu fsgsbase fxsr hle invpcid "
            "lahf-lm lm mca mce mmx movbe msr mtrr nx pae pat pcid pclmulqdq "
            "pge pni popcnt pse pse36 rdrand rdseed rdtscp rtm sep smap smep "
            "sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline x2apic "
            "xgetbv1 xsave xsavec xsaveopt ",
    },
    {
        .name = "Skylake-Server", .vendor = "GenuineIntel",
        .family = 6, .model = 85, .stepping = 4,
        .level = 0xd, .xlevel = 0x80000008,
        .model_id = "Intel Xeon Processor (Skylake)",
        .cache = &x86_cache_legacy,
        .features =
            "3dnowprefetch abm adx aes apic arat avx avx2 avx512bw avx512cd "
            "avx512dq avx512f avx512vl bmi1 bmi2 clflush clflushopt clwb cmov "
            "cx16 cx8 de erms f16c fma fpu fsgsbase fxsr hle invpcid lahf-lm lm "
            "mca mce mmx movbe msr mtrr nx pae pat pcid pclmulqdq pdpe1gb pge "
            "pku pni popcnt pse pse36 rdrand rdseed rdtscp rtm sep smap smep "
            "sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline x2apic "
            "xgetbv1 xsave xsavec xsaveopt ",
    },
    {
        .name = "Cascadelake-Server", .vendor = "GenuineIntel",
        .family = 6, .model = 85, .stepping = 6,
        .level = 0xd, .xlevel = 0x80000008,
        .model_id = "Intel Xeon Processor (Cascadelake)",
        .cache = &x86_cache_legacy,
        .features =
            "3dnowprefetch abm adx aes apic arat avx avx2 avx512bw avx512cd "
            "avx512dq avx512f avx512vl avx512vnni bmi1 bmi2 clflush clflushopt "
            "clwb cmov cx16 cx8 de erms f16c fma fpu fsgsbase fxsr hle invpcid "
            "lahf-lm lm mca mce mmx movbe msr mtrr nx pae pat pcid pclmulqdq "
            "pdpe1gb pge pku pni popcnt pse pse36 rdrand rdseed rdtscp rtm sep "
            "smap smep spec-ctrl ssbd sse sse2 sse4.1 sse4.2 ssse3 syscall tsc "
            "tsc-deadline x2apic xgetbv1 xsave xsavec xsaveopt ",
    },
    {
        .name = "Icelake-Server", .vendor = "GenuineIntel",
        .family = 6, .model = 134, .stepping = 0,
        .level = 0xd, .xlevel = 0x80000008,
        .model_id = "Intel Xeon Processor (Icelake)",
        .cache = &x86_cache_legacy,
        .features =
            "3dnowprefetch abm adx aes apic arat avx avx2 avx512-vpopcntdq "
            "avx512bitalg avx512bw avx512cd avx512dq avx512f avx512vbmi "
            "avx512vbmi2 avx512vl avx512vnni bmi1 bmi2 clflush clflushopt clwb "
            "cmov cx16 cx8 de erms f16c fma fpu fsgsbase fxsr gfni hle invpcid "
            "la57 lahf-lm lm mca mce mmx movbe msr mtrr nx pae pat pcid "
            "pclmulqdq pdpe1gb pge pku pni popcnt pse pse36 rdrand rdseed "
            "rdtscp rtm sep smap smep spec-ctrl ssbd sse sse2 sse4.1 sse4.2 "
            "ssse3 syscall tsc tsc-deadline umip vaes vpclmulqdq wbnoinvd "
            "x2apic xgetbv1 xsave xsavec xsaveopt ",
    },
    {
        .name = "EPYC", .vendor = "AuthenticAMD",
        .family = 23, .model = 1, .stepping = 2,
        .level = 0xd, .xlevel = 0x8000001e,
        .model_id = "AMD EPYC Processor",
        .cache = &x86_cache_epyc,
        .features =
            "3dnowprefetch abm adx aes apic arat avx avx2 bmi1 bmi2 clflush "
            "clflushopt cmov cr8legacy cx16 cx8 de f16c fma fpu fsgsbase fxsr "
            "fxsr-opt lahf-lm lm mca mce misalignsse mmx mmxext monitor movbe "
            "msr mtrr nx osvw pae pat pclmulqdq pdpe1gb pge pni popcnt pse "
            "pse36 rdrand rdseed rdtscp sep sha-ni smap smep sse sse2 sse4.1 "
            "sse4.2 sse4a ssse3 svm syscall topoext tsc xgetbv1 xsave xsavec "
            "xsaveopt ",
    },
    {
        .name = "EPYC-Rome", .vendor = "AuthenticAMD",
        .family = 23, .model = 49, .stepping = 0,
        .level = 0xd, .xlevel = 0x8000001e,
        .model_id = "AMD EPYC-Rome Processor",
        .cache = &x86_cache_epyc_rome,
        .features =
            "3dnowprefetch abm adx aes amd-stibp apic arat avx avx2 bmi1 bmi2 "
            "clflush clflushopt clwb clzero cmov cr8legacy cx16 cx8 de f16c fma "
            "fpu fsgsbase fxsr fxsr-opt ibpb lahf-lm lm mca mce misalignsse mmx "
            "mmxext monitor movbe msr mtrr nx osvw pae pat pclmulqdq pdpe1gb "
            "perfctr-core pge pni popcnt pse pse36 rdpid rdrand rdseed rdtscp "
            "sep sha-ni smap smep sse sse2 sse4.1 sse4.2 sse4a ssse3 svm "
            "syscall topoext tsc umip wbnoinvd xgetbv1 xsave xsavec xsaveerptr "
            "xsaveopt xsaves ",
    },
    {
        .name = "EPYC-Milan", .vendor = "AuthenticAMD",
        .family = 25, .model = 1, .stepping = 1,
        .level = 0xd, .xlevel = 0x8000001e,
        .model_id = "AMD EPYC-Milan Processor",
        .cache = &x86_cache_epyc_milan,
        .features =
            "3dnowprefetch abm adx aes amd-ssbd amd-stibp apic arat avx avx2 "
            "bmi1 bmi2 clflush clflushopt clwb clzero cmov cr8legacy cx16 cx8 "
            "de erms f16c fma fpu fsgsbase fsrm fxsr fxsr-opt ibpb ibrs invpcid "
            "lahf-lm lm mca mce misalignsse mmx mmxext monitor movbe msr mtrr "
            "nx osvw pae pat pcid pclmulqdq pdpe1gb perfctr-core pge pku pni "
            "popcnt pse pse36 rdpid rdrand rdseed rdtscp sep sha-ni smap smep "
            "sse sse2 sse4.1 sse4.2 sse4a ssse3 svm syscall topoext tsc umip "
            "wbnoinvd xgetbv1 xsave xsavec xsaveerptr xsaveopt xsaves ",
    },
};

const X86NamedModel *x86_named_model_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(models); i++) {
        const X86NamedModel *m = &models[i];
        g_autofree char *v1 = g_strconcat(m->name, "-v1", NULL);
        if (!strcmp(name, m->name) ||
            (strcmp(m->name, "Haswell-noTSX") ? !strcmp(name, v1)
                                              : !strcmp(name, "Haswell-v2"))) {
            return m;
        }
    }
    return NULL;
}

/* "-cpu help" lines: the plain name as an alias, the versioned one
 * with its model id, in QEMU's layout */
void x86_named_models_list(GPtrArray *lines)
{
    for (size_t i = 0; i < ARRAY_SIZE(models); i++) {
        const X86NamedModel *m = &models[i];
        if (!strcmp(m->name, "Haswell-noTSX")) {
            g_ptr_array_add(lines, g_strdup_printf("x86 %-20s  %s", m->name,
                            "(alias of Haswell-v2)"));
            g_ptr_array_add(lines, g_strdup_printf("x86 %-20s  %s",
                            "Haswell-v2", m->model_id));
            continue;
        }
        g_autofree char *v1 = g_strconcat(m->name, "-v1", NULL);
        g_ptr_array_add(lines, g_strdup_printf("x86 %-20s  %s", m->name,
                        "(alias configured by machine type)"));
        g_ptr_array_add(lines, g_strdup_printf("x86 %-20s  %s", v1,
                        m->model_id));
    }
}

const X86NamedModel *x86_named_model_nth(size_t i)
{
    return i < ARRAY_SIZE(models) ? &models[i] : NULL;
}
