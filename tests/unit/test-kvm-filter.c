/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The /dev/kvm-free parts of CPUID/MSR filtering: which CPUID bit
 * advertises each MSR (so a refused MSR takes its bit with it), lookups
 * in a KVM_GET_SUPPORTED_CPUID table, and feature words read from it.
 */
#include "target/i386/kvm-filter.h"

static void word_cpuid(FeatureWord w, uint32_t *leaf, uint32_t *index,
                       int *reg)
{
    *index = 0;
    switch (w) {
    case FEAT_1_EDX: *leaf = 1; *reg = R_EDX; break;
    case FEAT_1_ECX: *leaf = 1; *reg = R_ECX; break;
    case FEAT_7_0_EDX: *leaf = 7; *reg = R_EDX; break;
    case FEAT_7_1_EAX: *leaf = 7; *index = 1; *reg = R_EAX; break;
    default: *leaf = 0xdead; *reg = R_EAX; break;
    }
}

static struct kvm_cpuid2 *table(void)
{
    struct kvm_cpuid2 *t = g_malloc0(sizeof(*t) + 3 * sizeof(t->entries[0]));
    t->nent = 3;
    t->entries[0] = (struct kvm_cpuid_entry2) {
        .function = 1, .ecx = 0x80000001, .edx = CPUID_TSC | CPUID_MSR,
    };
    t->entries[1] = (struct kvm_cpuid_entry2) {
        .function = 7, .index = 0, .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
        .edx = CPUID_7_0_EDX_ARCH_CAPABILITIES,
    };
    t->entries[2] = (struct kvm_cpuid_entry2) {
        .function = 7, .index = 1, .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
        .eax = 0x10,
    };
    return t;
}

static void test_arch_capabilities_has_its_bit(void)
{
    const KvmMsrInfo *m = kvm_msr_info(MSR_IA32_ARCH_CAPABILITIES);
    FeatureWordArray f = { 0 };

    /* The MSR this host refuses must drag CPUID.7.0:EDX[29] with it. */
    g_assert_nonnull(m);
    g_assert_cmpint(m->feature_word, ==, FEAT_7_0_EDX);
    g_assert_cmphex(m->feature_bit, ==, 1u << 29);
    g_assert_false(kvm_msr_advertised(m, f));
    f[FEAT_7_0_EDX] = 1u << 29;
    g_assert_true(kvm_msr_advertised(m, f));
}

static void test_candidates_unique(void)
{
    size_t n;
    const KvmMsrInfo *l = kvm_msr_candidates(&n);
    GHashTable *seen = g_hash_table_new(NULL, NULL);

    g_assert_cmpuint(n, >, 20);
    for (size_t i = 0; i < n; i++) {
        g_assert_false(g_hash_table_contains(seen,
                                             GUINT_TO_POINTER(l[i].index)));
        g_hash_table_add(seen, GUINT_TO_POINTER(l[i].index));
        g_assert_nonnull(l[i].name);
    }
    /* MISC_ENABLE is architectural: always advertised. */
    g_assert_true(kvm_msr_advertised(kvm_msr_info(MSR_IA32_MISC_ENABLE),
                                     (FeatureWordArray){ 0 }));
    g_assert_null(kvm_msr_info(0x12345678));
    g_hash_table_unref(seen);
}

static void test_table_lookup(void)
{
    g_autofree struct kvm_cpuid2 *t = table();

    /* Leaf 1 has no significant index: any subleaf matches. */
    g_assert_nonnull(kvm_cpuid_table_find(t, 1, 5));
    g_assert_cmphex(kvm_cpuid_table_find(t, 7, 1)->eax, ==, 0x10);
    g_assert_cmphex(kvm_cpuid_table_find(t, 7, 0)->edx, ==, 1u << 29);
    g_assert_null(kvm_cpuid_table_find(t, 7, 2));
    g_assert_null(kvm_cpuid_table_find(t, 0x80000001, 0));
}

static void test_table_features(void)
{
    g_autofree struct kvm_cpuid2 *t = table();
    FeatureWordArray f;

    memset(f, 0xff, sizeof(f));
    kvm_cpuid_table_features(t, f, word_cpuid);
    g_assert_cmphex(f[FEAT_1_EDX], ==, CPUID_TSC | CPUID_MSR);
    g_assert_cmphex(f[FEAT_1_ECX], ==, 0x80000001);
    g_assert_cmphex(f[FEAT_7_0_EDX], ==, 1u << 29);
    g_assert_cmphex(f[FEAT_7_1_EAX], ==, 0x10);
    /* A word whose leaf the host lacks is entirely unsupported. */
    g_assert_cmphex(f[FEAT_KVM], ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/kvm-filter/arch-capabilities",
                    test_arch_capabilities_has_its_bit);
    g_test_add_func("/kvm-filter/candidates", test_candidates_unique);
    g_test_add_func("/kvm-filter/table-lookup", test_table_lookup);
    g_test_add_func("/kvm-filter/table-features", test_table_features);
    return g_test_run();
}
