/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CPU model helpers beyond what cpu.h declares, for the model code's own
 * users and unit tests (they take explicit names, so no QOM object is
 * needed).
 */
#ifndef KEMU_TARGET_I386_CPU_MODELS_H
#define KEMU_TARGET_I386_CPU_MODELS_H

#include "target/i386/cpu.h"

/* Value of KVM_CPUID_FLAG_SIGNIFCANT_INDEX: the subleaf matters. */
#define X86_CPUID_FLAG_INDEXED 1

/*
 * x86_cpu_apply_features() with the QOM type name used in messages
 * ("qemu64-x86_64-cpu"). Applies feat=on|off and other properties in
 * order, then every +feat, then every -feat (QEMU's rule).
 */
bool x86_cpu_parse_features(X86CPU *cpu, const char *typename,
                            const char *props, Error **errp);
/* Look a feature name up (aliases such as sse3, sse4_1, i64 included). */
bool x86_feature_lookup(const char *name, FeatureWord *w, int *bit);
/* "CPUID.01H:ECX.pni [bit 0]" */
char *x86_feature_describe(FeatureWord w, int bit);
/* Add or replace a CPUID entry (the table x86_cpu_build_cpuid makes) */
void x86_cpuid_put(CPUX86State *env, uint32_t fn, uint32_t idx,
                   uint32_t flags, uint32_t a, uint32_t b, uint32_t c,
                   uint32_t d);
/* Leaf 1 EAX from family/model/stepping. */
uint32_t x86_cpuid_version(unsigned family, unsigned model, unsigned stepping);

#endif
