/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86 CPU models (qemu64, max, host), CPUID feature names, "-cpu"
 * feature parsing, filtering against what the accelerator supports,
 * and building the CPUID table the guest sees.
 *
 * Feature names are the ones QEMU users type and see (CPUID bit names
 * from the Intel SDM and AMD APM, spelled as in "-cpu help").
 */
#include "util/osdep.h"
#include "target/i386/cpu-models.h"
#include "target/i386/cpu-model-table.h"
#include "target/i386/cpu-cache.h"
#include "util/error.h"
#include "sysemu/accel.h"
#include <cpuid.h>

typedef struct FeatureWordInfo {
    uint32_t leaf, index;
    int reg;
    const char *names[32];
} FeatureWordInfo;

static const FeatureWordInfo feature_words[FEATURE_WORDS] = {
    [FEAT_1_EDX] = { 1, 0, R_EDX, {
        "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce",
        "cx8", "apic", NULL, "sep", "mtrr", "pge", "mca", "cmov",
        "pat", "pse36", "pn", "clflush", NULL, "ds", "acpi", "mmx",
        "fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe",
    } },
    [FEAT_1_ECX] = { 1, 0, R_ECX, {
        "pni", "pclmulqdq", "dtes64", "monitor", "ds-cpl", "vmx", "smx", "est",
        "tm2", "ssse3", "cid", NULL, "fma", "cx16", "xtpr", "pdcm",
        NULL, "pcid", "dca", "sse4.1", "sse4.2", "x2apic", "movbe", "popcnt",
        "tsc-deadline", "aes", "xsave", NULL /* osxsave: set by the OS */,
        "avx", "f16c", "rdrand", "hypervisor",
    } },
    [FEAT_7_0_EBX] = { 7, 0, R_EBX, {
        "fsgsbase", "tsc-adjust", "sgx", "bmi1", "hle", "avx2", NULL, "smep",
        "bmi2", "erms", "invpcid", "rtm", NULL, NULL, "mpx", NULL,
        "avx512f", "avx512dq", "rdseed", "adx", "smap", "avx512ifma",
        "pcommit", "clflushopt", "clwb", "intel-pt", "avx512pf", "avx512er",
        "avx512cd", "sha-ni", "avx512bw", "avx512vl",
    } },
    [FEAT_7_0_ECX] = { 7, 0, R_ECX, {
        NULL, "avx512vbmi", "umip", "pku", NULL, "waitpkg", "avx512vbmi2",
        NULL, "gfni", "vaes", "vpclmulqdq", "avx512vnni", "avx512bitalg",
        NULL, "avx512-vpopcntdq", NULL, "la57", NULL, NULL, NULL, NULL, NULL,
        "rdpid", NULL, "bus-lock-detect", "cldemote", NULL, "movdiri",
        "movdir64b", NULL, "sgxlc", "pks",
    } },
    [FEAT_7_0_EDX] = { 7, 0, R_EDX, {
        NULL, NULL, "avx512-4vnniw", "avx512-4fmaps", "fsrm", NULL, NULL,
        NULL, "avx512-vp2intersect", NULL, "md-clear", NULL, NULL, NULL,
        "serialize", NULL, "tsx-ldtrk", NULL, NULL, "arch-lbr", NULL, NULL,
        "amx-bf16", "avx512-fp16", "amx-tile", "amx-int8", "spec-ctrl",
        "stibp", NULL, "arch-capabilities", "core-capability", "ssbd",
    } },
    [FEAT_7_1_EAX] = { 7, 1, R_EAX, {
        [4] = "avx-vnni", [5] = "avx512-bf16",
    } },
    [FEAT_8000_0001_EDX] = { 0x80000001, 0, R_EDX, {
        [11] = "syscall", [20] = "nx", [22] = "mmxext", [25] = "fxsr-opt",
        [26] = "pdpe1gb", [27] = "rdtscp", [29] = "lm", [30] = "3dnowext",
        [31] = "3dnow",
    } },
    [FEAT_8000_0001_ECX] = { 0x80000001, 0, R_ECX, {
        "lahf-lm", "cmp-legacy", "svm", "extapic", "cr8legacy", "abm",
        "sse4a", "misalignsse", "3dnowprefetch", "osvw", "ibs", "xop",
        "skinit", "wdt", NULL, "lwp", "fma4", "tce", NULL, "nodeid-msr",
        NULL, "tbm", "topoext", "perfctr-core", "perfctr-nb",
    } },
    [FEAT_8000_0007_EDX] = { 0x80000007, 0, R_EDX, {
        [8] = "invtsc",
    } },
    [FEAT_8000_0008_EBX] = { 0x80000008, 0, R_EBX, {
        [0] = "clzero", [2] = "xsaveerptr", [9] = "wbnoinvd", [12] = "ibpb",
        [14] = "ibrs", [15] = "amd-stibp", [24] = "amd-ssbd",
        [25] = "virt-ssbd", [26] = "amd-no-ssb",
    } },
    [FEAT_KVM] = { 0x40000001, 0, R_EAX, {
        "kvmclock", "kvm-nopiodelay", "kvm-mmu", "kvmclock", "kvm-asyncpf",
        "kvm-steal-time", "kvm-pv-eoi", "kvm-pv-unhalt", NULL,
        "kvm-pv-tlb-flush", NULL, "kvm-pv-ipi", "kvm-poll-control",
        "kvm-pv-sched-yield", "kvm-asyncpf-int", "kvm-msi-ext-dest-id",
        [24] = "kvmclock-stable-bit",
    } },
    [FEAT_KVM_HINTS] = { 0x40000001, 0, R_EDX, {
        [0] = "kvm-hint-dedicated",
    } },
    [FEAT_6_EAX] = { 6, 0, R_EAX, {
        [2] = "arat",
    } },
    [FEAT_XSAVE] = { 0xd, 1, R_EAX, {
        "xsaveopt", "xsavec", "xgetbv1", "xsaves", "xfd",
    } },
    [FEAT_XSAVE_XCR0_LO] = { 0xd, 0, R_EAX, { NULL } },
    [FEAT_XSAVE_XCR0_HI] = { 0xd, 0, R_EDX, { NULL } },
};

/* Old spellings QEMU still accepts (after '_' became '-'). */
static const struct { const char *alias, *name; } feature_aliases[] = {
    { "sse3", "pni" }, { "pclmuldq", "pclmulqdq" }, { "sse4-1", "sse4.1" },
    { "sse4-2", "sse4.2" }, { "xd", "nx" }, { "i64", "lm" },
    { "ffxsr", "fxsr-opt" }, { "kvm-asyncpf-vmexit", "kvm-asyncpf-int" },
};

/* XSAVE state components: XCR0 bit, size and standard-format offset. */
static const struct { int bit; uint32_t size, offset; } xsave_areas[] = {
    { 2, 256, 576 },      /* AVX: upper halves of YMM0-15 */
    { 5, 64, 1088 },      /* AVX-512 opmask k0-7 (after MPX's 960-1087) */
    { 6, 512, 1152 },     /* AVX-512 upper halves of ZMM0-15 */
    { 7, 1024, 1664 },    /* AVX-512 ZMM16-31 */
    { 9, 8, 2688 },       /* PKRU */
};
#define XCR0_X87 (1u << 0)
#define XCR0_SSE (1u << 1)
#define XCR0_AVX (1u << 2)
#define XCR0_AVX512 (7u << 5)
#define XCR0_PKRU (1u << 9)

void x86_feature_word_cpuid(FeatureWord w, uint32_t *leaf, uint32_t *index,
                            int *reg)
{
    g_assert(w < FEATURE_WORDS);
    *leaf = feature_words[w].leaf;
    *index = feature_words[w].index;
    *reg = feature_words[w].reg;
}

const char *x86_feature_name(FeatureWord w, int bit)
{
    if (w >= FEATURE_WORDS || bit < 0 || bit > 31) {
        return NULL;
    }
    return feature_words[w].names[bit];
}

bool x86_feature_lookup(const char *name, FeatureWord *w, int *bit)
{
    g_autofree char *n = g_strdelimit(g_strdup(name), "_", '-');

    for (size_t i = 0; i < ARRAY_SIZE(feature_aliases); i++) {
        if (!strcmp(n, feature_aliases[i].alias)) {
            g_free(n);
            n = g_strdup(feature_aliases[i].name);
            break;
        }
    }
    for (int fw = 0; fw < FEATURE_WORDS; fw++) {
        for (int b = 0; b < 32; b++) {
            const char *f = feature_words[fw].names[b];
            if (f && !strcmp(f, n)) {
                *w = fw;
                *bit = b;
                return true;
            }
        }
    }
    return false;
}

static const char *reg_name(int reg)
{
    static const char *const names[] = {
        [R_EAX] = "EAX", [R_EBX] = "EBX", [R_ECX] = "ECX", [R_EDX] = "EDX",
    };
    return names[reg];
}

char *x86_feature_describe(FeatureWord w, int bit)
{
    const FeatureWordInfo *f = &feature_words[w];
    const char *name = f->names[bit];

    return g_strdup_printf("CPUID.%02XH:%s%s%s [bit %d]", f->leaf,
                           reg_name(f->reg), name ? "." : "",
                           name ? name : "", bit);
}

uint32_t x86_cpuid_version(unsigned family, unsigned model, unsigned stepping)
{
    uint32_t v = (stepping & 0xf) | ((model & 0xf) << 4) |
                 (((model >> 4) & 0xf) << 16);

    if (family > 0xf) {
        v |= (0xfu << 8) | (((family - 0xf) & 0xff) << 20);
    } else {
        v |= family << 8;
    }
    return v;
}

/* ---- models ---- */

static void set_vendor(CPUX86State *env, const char *v)
{
    uint32_t r[3] = { 0 };

    memcpy(r, v, MIN(strlen(v), (size_t)12));
    env->cpuid_vendor1 = r[0];
    env->cpuid_vendor2 = r[1];
    env->cpuid_vendor3 = r[2];
}

static void load_qemu64(CPUX86State *env)
{
    set_vendor(env, "AuthenticAMD");
    env->cpuid_level = 0xd;
    env->cpuid_xlevel = 0x8000000a;
    env->cpuid_version = x86_cpuid_version(15, 107, 1);
    g_strlcpy(env->model_id, "QEMU Virtual CPU version 2.5+",
              sizeof(env->model_id));
    env->features[FEAT_1_EDX] =
        CPUID_FP87 | (1u << 2) /* de */ | (1u << 3) /* pse */ | CPUID_TSC |
        CPUID_MSR | CPUID_PAE | CPUID_MCE | CPUID_CX8 | CPUID_APIC |
        CPUID_SEP | CPUID_MTRR | CPUID_PGE | CPUID_MCA | (1u << 15) /* cmov */ |
        CPUID_PAT | (1u << 17) /* pse36 */ | (1u << 19) /* clflush */ |
        (1u << 23) /* mmx */ | (1u << 24) /* fxsr */ | (1u << 25) /* sse */ |
        (1u << 26) /* sse2 */;
    /* x2apic and the KVM paravirt bits are what QEMU turns on for its
     * KVM accelerator, which is ours; svm is off for the same reason. */
    env->features[FEAT_1_ECX] = (1u << 0) /* pni */ | (1u << 13) /* cx16 */ |
        CPUID_EXT_X2APIC | CPUID_EXT_HYPERVISOR;
    env->features[FEAT_8000_0001_EDX] = CPUID_EXT2_SYSCALL | CPUID_EXT2_NX |
                                        CPUID_EXT2_LM;
    env->features[FEAT_8000_0001_ECX] = CPUID_EXT3_LAHF_LM;
    /* QEMU adds the paravirt leaf only for KVM, so TCG does not warn
     * about dropping it from every qemu64. */
    if (!tcg_enabled()) {
        env->features[FEAT_KVM] = CPUID_KVM_CLOCK | CPUID_KVM_NOPIODELAY |
            CPUID_KVM_CLOCK2 | CPUID_KVM_ASYNCPF | CPUID_KVM_STEAL_TIME |
            CPUID_KVM_PV_EOI | CPUID_KVM_CLOCK_STABLE;
    }
    env->phys_bits = 40;
}

/* Identity (vendor, family, brand, address sizes) of the host CPU. */
static void load_host_identity(CPUX86State *env)
{
    unsigned a, b, c, d;
    uint32_t brand[12];

    __cpuid(0, a, b, c, d);
    env->cpuid_vendor1 = b;
    env->cpuid_vendor2 = d;
    env->cpuid_vendor3 = c;
    __cpuid(1, a, b, c, d);
    env->cpuid_version = a;
    __cpuid(0x80000000, a, b, c, d);
    if (a >= 0x80000004) {
        for (int i = 0; i < 3; i++) {
            __cpuid(0x80000002 + i, brand[i * 4], brand[i * 4 + 1],
                    brand[i * 4 + 2], brand[i * 4 + 3]);
        }
        memcpy(env->model_id, brand, 48);
        env->model_id[48] = 0;
        g_strstrip(env->model_id);
    }
    env->phys_bits = 40;
    if (a >= 0x80000008) {
        __cpuid(0x80000008, a, b, c, d);
        env->phys_bits = a & 0xff;
    }
}

static uint32_t named_bits(FeatureWord w)
{
    uint32_t m = 0;

    for (int b = 0; b < 32; b++) {
        if (feature_words[w].names[b]) {
            m |= 1u << b;
        }
    }
    return m;
}

/* A model of cpu-model-table.c */
static void load_named(X86CPU *cpu, const X86NamedModel *m)
{
    CPUX86State *env = &cpu->env;
    g_auto(GStrv) names = g_strsplit(m->features, " ", -1);

    set_vendor(env, m->vendor);
    env->cpuid_level = m->level;
    env->cpuid_xlevel = m->xlevel;
    env->cpuid_version = x86_cpuid_version(m->family, m->model, m->stepping);
    g_strlcpy(env->model_id, m->model_id, sizeof(env->model_id));
    for (int i = 0; names[i]; i++) {
        FeatureWord w;
        int bit;
        if (names[i][0] && x86_feature_lookup(names[i], &w, &bit)) {
            env->features[w] |= 1u << bit;
        }
    }
    /* QEMU sets it for every model */
    env->features[FEAT_1_ECX] |= CPUID_EXT_HYPERVISOR;
    env->phys_bits = 40;
    cpu->cache_info = m->cache;
}

bool x86_cpu_load_model(X86CPU *cpu, const char *model, Error **errp)
{
    CPUX86State *env = &cpu->env;
    FeatureWordArray sup;
    const X86NamedModel *named = x86_named_model_find(model);

    memset(env->features, 0, sizeof(env->features));
    memset(cpu->filtered_features, 0, sizeof(cpu->filtered_features));
    env->cpuid_nr = 0;
    cpu->check_cpuid = true;        /* QEMU's default: warn on filtering */
    cpu->enforce_cpuid = false;
    cpu->cache_info = &x86_cache_legacy;

    if (named) {
        load_named(cpu, named);
        cpu->migratable = true;
        return true;
    }
    if (!strcmp(model, "qemu64")) {
        load_qemu64(env);
        cpu->migratable = true;
        return true;
    }
    if (strcmp(model, "max") && strcmp(model, "host")) {
        error_setg(errp, "unable to find CPU model '%s'", model);
        return false;
    }
    /* max and host: everything the accelerator can give, on the host's
     * identity. Without a restricting accelerator, every bit we know. */
    load_qemu64(env);
    load_host_identity(env);
    if (!x86_accel_supported_features(sup)) {
        memset(sup, 0xff, sizeof(sup));
    }
    for (int w = 0; w < FEATURE_WORDS; w++) {
        uint32_t known = named_bits(w);
        if (w == FEAT_XSAVE_XCR0_LO || w == FEAT_XSAVE_XCR0_HI) {
            known = w == FEAT_XSAVE_XCR0_LO
                    ? XCR0_X87 | XCR0_SSE | XCR0_AVX | XCR0_AVX512 | XCR0_PKRU
                    : 0;
        }
        env->features[w] = sup[w] & known;
    }
    env->features[FEAT_1_ECX] |= CPUID_EXT_HYPERVISOR;
    /* svm/vmx need nested virtualisation support we do not expose. */
    env->features[FEAT_1_ECX] &= ~(1u << 5);
    env->features[FEAT_8000_0001_ECX] &= ~(1u << 2);
    cpu->migratable = false;
    return true;
}

/* ---- "-cpu model,+feat,-feat,feat=on|off,..." ---- */

static bool prop_parse_bool(const char *v, bool *out)
{
    if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true")) {
        *out = true;
    } else if (!strcmp(v, "off") || !strcmp(v, "no") ||
               !strcmp(v, "false")) {
        *out = false;
    } else {
        return false;
    }
    return true;
}

static bool prop_parse_uint(const char *v, uint64_t max, uint64_t *out)
{
    char *end;
    uint64_t n;

    errno = 0;
    n = g_ascii_strtoull(v, &end, 0);
    if (errno || end == v || *end || n > max) {
        return false;
    }
    *out = n;
    return true;
}

/* Split on ',' with ",," as an escaped comma. */
static GPtrArray *split_props(const char *s)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    GString *cur = g_string_new("");

    for (const char *p = s; ; p++) {
        if (*p == ',' && p[1] == ',') {
            g_string_append_c(cur, ',');
            p++;
        } else if (*p == ',' || !*p) {
            if (cur->len) {
                g_ptr_array_add(out, g_strdup(cur->str));
            }
            g_string_truncate(cur, 0);
            if (!*p) {
                break;
            }
        } else {
            g_string_append_c(cur, *p);
        }
    }
    g_string_free(cur, true);
    return out;
}

/* Properties other than feature bits; false + errp on a bad value. */
static bool set_other_prop(X86CPU *cpu, const char *typename,
                           const char *key, const char *val, bool *found,
                           Error **errp)
{
    CPUX86State *env = &cpu->env;
    uint64_t n;
    bool b;

    *found = true;
    if (!strcmp(key, "check") || !strcmp(key, "enforce") ||
        !strcmp(key, "migratable")) {
        if (!prop_parse_bool(val, &b)) {
            error_setg(errp, "can't apply global %s.%s=%s: Parameter '%s' "
                       "expects 'on' or 'off'", typename, key, val, key);
            return false;
        }
        if (key[0] == 'c') {
            cpu->check_cpuid = b;
        } else if (key[0] == 'e') {
            cpu->enforce_cpuid = b;
        } else {
            cpu->migratable = b;
        }
        return true;
    }
    if (!strcmp(key, "model-id")) {
        g_strlcpy(env->model_id, val, sizeof(env->model_id));
        return true;
    }
    if (!strcmp(key, "vendor")) {
        if (strlen(val) != 12) {
            error_setg(errp, "can't apply global %s.vendor=%s: Property "
                       "'.vendor' doesn't take value '%s'", typename, val,
                       val);
            return false;
        }
        set_vendor(env, val);
        return true;
    }
    static const struct { const char *name; uint64_t max; } nums[] = {
        { "family", 0xff + 0xf }, { "model", 0xff }, { "stepping", 0xf },
        { "level", UINT32_MAX }, { "xlevel", UINT32_MAX },
        { "phys-bits", 64 }, { "tsc-frequency", INT64_MAX },
    };
    for (size_t i = 0; i < ARRAY_SIZE(nums); i++) {
        if (strcmp(key, nums[i].name)) {
            continue;
        }
        if (!prop_parse_uint(val, nums[i].max, &n)) {
            error_setg(errp, "can't apply global %s.%s=%s: Parameter '%s' "
                       "expects %s", typename, key, val, key,
                       i >= 3 ? "uint32" : "uint8");
            return false;
        }
        uint32_t v = env->cpuid_version;
        unsigned fam = ((v >> 8) & 0xf) + ((v >> 20) & 0xff);
        unsigned mod = ((v >> 4) & 0xf) | ((v >> 12) & 0xf0);
        unsigned step = v & 0xf;
        switch (i) {
        case 0: fam = n; break;
        case 1: mod = n; break;
        case 2: step = n; break;
        case 3: env->cpuid_level = n; return true;
        case 4: env->cpuid_xlevel = n < 0x80000000 ? n + 0x80000000 : n;
                return true;
        case 5: env->phys_bits = n; return true;
        case 6: env->tsc_khz = n / 1000; return true;
        }
        env->cpuid_version = x86_cpuid_version(fam, mod, step);
        return true;
    }
    *found = false;
    return true;
}

bool x86_cpu_parse_features(X86CPU *cpu, const char *typename,
                            const char *props, Error **errp)
{
    g_autoptr(GPtrArray) items = split_props(props ? props : "");
    FeatureWordArray plus = { 0 }, minus = { 0 }, on = { 0 };
    FeatureWord w;
    int bit;

    for (guint i = 0; i < items->len; i++) {
        const char *item = items->pdata[i];
        g_autofree char *key = NULL;
        const char *val;
        bool found, b;

        if (item[0] == '+' || item[0] == '-') {
            if (!x86_feature_lookup(item + 1, &w, &bit)) {
                error_setg(errp, "Property '%s.%s' not found", typename,
                           item + 1);
                return false;
            }
            if (item[0] == '+') {
                plus[w] |= 1u << bit;
            } else {
                minus[w] |= 1u << bit;
            }
            continue;
        }
        val = strchr(item, '=');
        key = val ? g_strndup(item, val - item) : g_strdup(item);
        val = val ? val + 1 : "on";     /* a bare name means "on" */
        if (!set_other_prop(cpu, typename, key, val, &found, errp)) {
            return false;
        }
        if (found) {
            continue;
        }
        if (!x86_feature_lookup(key, &w, &bit)) {
            error_setg(errp, "can't apply global %s.%s=%s: Property '%s.%s' "
                       "not found", typename, key, val, typename, key);
            return false;
        }
        if (!prop_parse_bool(val, &b)) {
            error_setg(errp, "can't apply global %s.%s=%s: Parameter '%s' "
                       "expects 'on' or 'off'", typename, key, val, key);
            return false;
        }
        if (b) {
            cpu->env.features[w] |= 1u << bit;
            on[w] |= 1u << bit;
        } else {
            cpu->env.features[w] &= ~(1u << bit);
            on[w] &= ~(1u << bit);
        }
    }

    /* +feat and -feat win over feat=on|off, whatever the order. */
    for (int fw = 0; fw < FEATURE_WORDS; fw++) {
        for (int b = 0; b < 32; b++) {
            if ((minus[fw] & on[fw]) & (1u << b)) {
                const char *n = feature_words[fw].names[b];
                warn_report("Ambiguous CPU model string. Don't mix both "
                            "\"-%s\" and \"%s=on\"", n, n);
                warn_report("Compatibility of ambiguous CPU model strings "
                            "won't be kept on future QEMU versions");
            }
        }
        cpu->env.features[fw] |= plus[fw];
        cpu->env.features[fw] &= ~minus[fw];
    }
    return true;
}

bool x86_cpu_apply_features(X86CPU *cpu, const char *props, Error **errp)
{
    return x86_cpu_parse_features(cpu, object_get_typename(OBJECT(cpu)),
                                  props, errp);
}

/* ---- filtering ---- */

/* Features that make no sense without another one. */
static void drop_dependent_features(CPUX86State *env)
{
    uint32_t *f = env->features;

    if (!(f[FEAT_1_ECX] & CPUID_EXT_XSAVE)) {
        f[FEAT_XSAVE] = 0;
        f[FEAT_XSAVE_XCR0_LO] = f[FEAT_XSAVE_XCR0_HI] = 0;
        f[FEAT_1_ECX] &= ~(1u << 28);               /* avx */
    }
    if (!(f[FEAT_1_ECX] & (1u << 28))) {
        f[FEAT_1_ECX] &= ~((1u << 12) | (1u << 29)); /* fma, f16c */
        f[FEAT_7_0_EBX] &= ~((1u << 5) | 0xdc230000u); /* avx2, avx512* */
        f[FEAT_7_1_EAX] &= ~((1u << 4) | (1u << 5));
        f[FEAT_XSAVE_XCR0_LO] &= ~(XCR0_AVX | XCR0_AVX512);
    }
    if (!(f[FEAT_7_0_EBX] & (1u << 16))) {          /* avx512f */
        f[FEAT_7_0_EBX] &= ~0xdc220000u;
        f[FEAT_7_0_ECX] &= ~0x00005842u;
        f[FEAT_7_0_EDX] &= ~0x0080010cu;
        f[FEAT_7_1_EAX] &= ~(1u << 5);
        f[FEAT_XSAVE_XCR0_LO] &= ~XCR0_AVX512;
    }
    if (f[FEAT_1_ECX] & CPUID_EXT_XSAVE) {
        /* The state the XSAVE features imply. */
        f[FEAT_XSAVE_XCR0_LO] |= XCR0_X87 | XCR0_SSE;
        if (f[FEAT_1_ECX] & (1u << 28)) {
            f[FEAT_XSAVE_XCR0_LO] |= XCR0_AVX;
        }
    }
}

bool x86_cpu_filter_features(X86CPU *cpu, const FeatureWordArray supported,
                             Error **errp)
{
    CPUX86State *env = &cpu->env;
    bool lost_any = false;
    /* QEMU names the accelerator that says no: the host CPU via KVM, or
     * the translator. */
    const char *who = tcg_enabled() ? "TCG" : "host";

    /* Unsupported bits are warned about before the dependency rules run,
     * so that "+avx2" under TCG is reported rather than dropped quietly
     * for lack of avx. */
    for (int w = 0; w < FEATURE_WORDS; w++) {
        uint32_t lost = env->features[w] & ~supported[w];

        env->features[w] &= supported[w];
        cpu->filtered_features[w] |= lost;
        /* XCR0 state bits follow the features; no separate warning. */
        if (w == FEAT_XSAVE_XCR0_LO || w == FEAT_XSAVE_XCR0_HI) {
            continue;
        }
        for (int b = 0; b < 32 && lost; b++) {
            if (lost & (1u << b)) {
                lost_any = true;
                if (cpu->check_cpuid || cpu->enforce_cpuid) {
                    g_autofree char *d = x86_feature_describe(w, b);
                    warn_report("%s doesn't support requested feature: %s",
                                who, d);
                }
            }
        }
    }
    drop_dependent_features(env);
    if (lost_any && cpu->enforce_cpuid) {
        error_setg(errp, "%s doesn't support requested features",
                   tcg_enabled() ? "TCG" : "Host");
        return false;
    }
    return true;
}

/* ---- the CPUID table ---- */

void x86_cpuid_put(CPUX86State *env, uint32_t fn, uint32_t idx,
                      uint32_t flags, uint32_t a, uint32_t b, uint32_t c,
                      uint32_t d)
{
    X86CPUIDEntry *e = NULL;

    for (int i = 0; i < env->cpuid_nr; i++) {
        if (env->cpuid[i].function == fn && env->cpuid[i].index == idx) {
            e = &env->cpuid[i];
        }
    }
    if (!e) {
        g_assert(env->cpuid_nr < X86_MAX_CPUID_ENTRIES);
        e = &env->cpuid[env->cpuid_nr++];
    }
    *e = (X86CPUIDEntry) { .function = fn, .index = idx, .flags = flags,
                           .eax = a, .ebx = b, .ecx = c, .edx = d };
}

/* Size of the XSAVE area for the components in xcr0. */
static uint32_t xsave_size(uint64_t xcr0)
{
    uint32_t size = 576;    /* legacy region + header */

    for (size_t i = 0; i < ARRAY_SIZE(xsave_areas); i++) {
        if (xcr0 & (1ull << xsave_areas[i].bit)) {
            size = MAX(size, xsave_areas[i].offset + xsave_areas[i].size);
        }
    }
    return size;
}

void x86_cpu_build_cpuid(X86CPU *cpu)
{
    CPUX86State *env = &cpu->env;
    const uint32_t *f = env->features;
    uint32_t level = env->cpuid_level, xlevel = env->cpuid_xlevel;
    uint32_t brand[12] = { 0 };
    uint32_t v1 = env->cpuid_vendor1, v2 = env->cpuid_vendor2,
             v3 = env->cpuid_vendor3;

    drop_dependent_features(env);

    /* Raise the levels to cover what the features need. */
    if ((f[FEAT_7_0_EBX] | f[FEAT_7_0_ECX] | f[FEAT_7_0_EDX] |
         f[FEAT_7_1_EAX]) && level < 7) {
        level = 7;
    }
    if ((f[FEAT_1_ECX] & CPUID_EXT_XSAVE) && level < 0xd) {
        level = 0xd;
    }
    if (f[FEAT_8000_0008_EBX] && xlevel < 0x80000008) {
        xlevel = 0x80000008;
    }
    /* topoext announces 0x8000001D/E: a guest reading them beyond the
     * level would get another leaf's data (Linux divides by it) */
    if ((f[FEAT_8000_0001_ECX] & CPUID_EXT3_TOPOEXT) &&
        xlevel < 0x8000001e) {
        xlevel = 0x8000001e;
    }
    env->cpuid_level = level;
    env->cpuid_xlevel = xlevel;
    env->cpuid_nr = 0;

    x86_cpuid_put(env, 0, 0, 0, level, v1, v3, v2);
    x86_cpuid_put(env, 1, 0, 0, env->cpuid_version,
              (8 << 8) /* clflush: 64 bytes */ | (1 << 16) |
              (cpu->apic_id << 24), f[FEAT_1_ECX], f[FEAT_1_EDX]);
    if (level >= 5) {
        x86_cpuid_put(env, 5, 0, 0, 0, 0, 0, 0);
    }
    if (level >= 6) {
        x86_cpuid_put(env, 6, 0, 0, f[FEAT_6_EAX], 0, 0, 0);
    }
    if (level >= 7) {
        uint32_t sub = f[FEAT_7_1_EAX] ? 1 : 0;
        x86_cpuid_put(env, 7, 0, X86_CPUID_FLAG_INDEXED, sub, f[FEAT_7_0_EBX],
                  f[FEAT_7_0_ECX], f[FEAT_7_0_EDX]);
        if (sub) {
            x86_cpuid_put(env, 7, 1, X86_CPUID_FLAG_INDEXED, f[FEAT_7_1_EAX],
                      0, 0, 0);
        }
    }
    if (level >= 0xd && (f[FEAT_1_ECX] & CPUID_EXT_XSAVE)) {
        uint64_t xcr0 = f[FEAT_XSAVE_XCR0_LO] |
                        ((uint64_t)f[FEAT_XSAVE_XCR0_HI] << 32);
        /* EBX is for the components enabled now (x87+SSE at reset); the
         * CPU updates it as XCR0 changes. */
        x86_cpuid_put(env, 0xd, 0, X86_CPUID_FLAG_INDEXED,
                  f[FEAT_XSAVE_XCR0_LO], 576, xsave_size(xcr0),
                  f[FEAT_XSAVE_XCR0_HI]);
        x86_cpuid_put(env, 0xd, 1, X86_CPUID_FLAG_INDEXED, f[FEAT_XSAVE],
                  0, 0, 0);
        for (size_t i = 0; i < ARRAY_SIZE(xsave_areas); i++) {
            if (xcr0 & (1ull << xsave_areas[i].bit)) {
                x86_cpuid_put(env, 0xd, xsave_areas[i].bit,
                          X86_CPUID_FLAG_INDEXED, xsave_areas[i].size,
                          xsave_areas[i].offset, 0, 0);
            }
        }
    } else if (level >= 0xd) {
        x86_cpuid_put(env, 0xd, 0, X86_CPUID_FLAG_INDEXED, 0, 0, 0, 0);
    }

    /* The KVM paravirt leaves describe KVM's services (kvmclock MSRs,
     * async page faults...): under TCG nobody provides them, as in QEMU. */
    if (!tcg_enabled() && (f[FEAT_KVM] || f[FEAT_KVM_HINTS])) {
        /* "KVMKVMKVM\0\0\0" */
        x86_cpuid_put(env, 0x40000000, 0, 0, 0x40000001, 0x4b4d564b, 0x564b4d56,
                  0x4d);
        x86_cpuid_put(env, 0x40000001, 0, 0, f[FEAT_KVM], 0, 0,
                  f[FEAT_KVM_HINTS]);
    }

    x86_cpuid_put(env, 0x80000000, 0, 0, xlevel, v1, v3, v2);
    /* AMD's CPUs repeat leaf 1's x87/MSR/paging/MMX bits here */
    x86_cpuid_put(env, 0x80000001, 0, 0, env->cpuid_version, 0,
              f[FEAT_8000_0001_ECX], f[FEAT_8000_0001_EDX] |
              (v1 == 0x68747541 /* "Auth" */ ? f[FEAT_1_EDX] & 0x0183f3ffu
                                              : 0));
    memcpy(brand, env->model_id, MIN(strlen(env->model_id), (size_t)48));
    for (int i = 0; i < 3; i++) {
        x86_cpuid_put(env, 0x80000002 + i, 0, 0, brand[i * 4], brand[i * 4 + 1],
                  brand[i * 4 + 2], brand[i * 4 + 3]);
    }
    /* leaves 2, 4, 0x80000005/6, 0x8000001D */
    x86_cpu_put_cache_leaves(cpu, cpu->cache_info ? cpu->cache_info
                                                  : &x86_cache_legacy);
    if (xlevel >= 0x80000007) {
        x86_cpuid_put(env, 0x80000007, 0, 0, 0, 0, 0, f[FEAT_8000_0007_EDX]);
    }
    if (xlevel >= 0x80000008) {
        x86_cpuid_put(env, 0x80000008, 0, 0,
                  (env->phys_bits ? env->phys_bits : 40) | (48 << 8),
                  f[FEAT_8000_0008_EBX], 0, 0);
    }
    if (xlevel >= 0x8000001e && (f[FEAT_8000_0001_ECX] & CPUID_EXT3_TOPOEXT)) {
        /* extended APIC id; threads per core and core id; one node */
        x86_cpuid_put(env, 0x8000001e, 0, 0, cpu->apic_id,
                  ((cpu->nr_threads ? cpu->nr_threads - 1 : 0) << 8) |
                  (cpu->core_id & 0xff), 0, 0);
    }
    if (xlevel >= 0x8000000a) {
        /* SVM leaf: zero unless svm is on (revision 1, 16 ASIDs). */
        bool svm = f[FEAT_8000_0001_ECX] & (1u << 2);
        x86_cpuid_put(env, 0x8000000a, 0, 0, svm ? 1 : 0, svm ? 16 : 0, 0, 0);
    }
}

/* ---- "-cpu help" ---- */

static gint str_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void x86_cpu_list(FILE *f)
{
    static const char *const models[][2] = {
        { "qemu64", "QEMU Virtual CPU version 2.5+" },
        { "host", "the host's own CPU, as far as KVM passes it through" },
        { "max", "every feature the accelerator can offer on this host" },
    };
    GPtrArray *names = g_ptr_array_new();
    GString *line = g_string_new("");

    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);

    fprintf(f, "Available CPUs:\n");
    /* sorted by name as QEMU does, host and max last */
    x86_named_models_list(lines);
    g_ptr_array_add(lines, g_strdup_printf("x86 %-20s  %s", models[0][0],
                                           models[0][1]));
    g_ptr_array_sort(lines, str_cmp);
    for (guint i = 0; i < lines->len; i++) {
        fprintf(f, "%s\n", (char *)lines->pdata[i]);
    }
    for (size_t i = 1; i < ARRAY_SIZE(models); i++) {
        fprintf(f, "x86 %-20s  %s\n", models[i][0], models[i][1]);
    }
    fprintf(f, "\nRecognized CPUID flags:\n");
    for (int w = 0; w < FEATURE_WORDS; w++) {
        for (int b = 0; b < 32; b++) {
            if (feature_words[w].names[b]) {
                g_ptr_array_add(names, (gpointer)feature_words[w].names[b]);
            }
        }
    }
    g_ptr_array_sort(names, str_cmp);
    /* Wrapped at 75 columns with a two-space indent, as QEMU does. */
    for (guint i = 0; i < names->len; i++) {
        const char *n = names->pdata[i];
        if (line->len && line->len + 1 + strlen(n) > 75) {
            fprintf(f, "%s\n", line->str);
            g_string_truncate(line, 0);
        }
        g_string_append(line, line->len ? " " : "  ");
        g_string_append(line, n);
    }
    if (line->len) {
        fprintf(f, "%s\n", line->str);
    }
    fprintf(f, "\n");
    /* QEMU's TCG offers svm; we offer neither svm nor vmx, say so. */
    fprintf(f, "No nested virtualization: max and host never offer svm "
               "or vmx, and under\nTCG they are dropped with a warning "
               "(the translator has neither).\n");
    g_string_free(line, true);
    g_ptr_array_free(names, true);
}
