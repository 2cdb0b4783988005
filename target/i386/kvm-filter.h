/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The parts of KVM's CPUID/MSR filtering that need no /dev/kvm, so unit
 * tests can check them: which MSRs we sync and which CPUID bit advertises
 * each, and reading feature words out of a KVM_GET_SUPPORTED_CPUID table.
 */
#ifndef KEMU_TARGET_I386_KVM_FILTER_H
#define KEMU_TARGET_I386_KVM_FILTER_H

#include "target/i386/cpu.h"
#include <linux/kvm.h>

typedef struct KvmMsrInfo {
    uint32_t index;
    const char *name;
    FeatureWord feature_word;   /* CPUID bit that advertises the MSR */
    uint32_t feature_bit;       /* 0: always present */
} KvmMsrInfo;

/* Every MSR kemu keeps in CPUX86State, in sync order. */
const KvmMsrInfo *kvm_msr_candidates(size_t *n);
const KvmMsrInfo *kvm_msr_info(uint32_t index);
/* Whether the guest's CPUID (features) advertises m. */
bool kvm_msr_advertised(const KvmMsrInfo *m, const FeatureWordArray features);
/* Entry (function, index) of a supported-CPUID table, or NULL. */
const struct kvm_cpuid_entry2 *kvm_cpuid_table_find(
    const struct kvm_cpuid2 *t, uint32_t function, uint32_t index);
/* Fill 'out' with the table's bits for every feature word described by
 * word_cpuid (x86_feature_word_cpuid in kemu). */
void kvm_cpuid_table_features(const struct kvm_cpuid2 *t, FeatureWordArray out,
                              void (*word_cpuid)(FeatureWord w, uint32_t *leaf,
                                                 uint32_t *index, int *reg));

#endif
