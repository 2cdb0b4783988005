/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CPUID/MSR filtering tables and helpers (no /dev/kvm needed). */
#include "target/i386/kvm-filter.h"

static const KvmMsrInfo msrs[] = {
    { MSR_IA32_SYSENTER_CS, "IA32_SYSENTER_CS", FEAT_1_EDX, CPUID_SEP },
    { MSR_IA32_SYSENTER_ESP, "IA32_SYSENTER_ESP", FEAT_1_EDX, CPUID_SEP },
    { MSR_IA32_SYSENTER_EIP, "IA32_SYSENTER_EIP", FEAT_1_EDX, CPUID_SEP },
    { MSR_PAT, "IA32_PAT", FEAT_1_EDX, CPUID_PAT },
    { MSR_STAR, "STAR", FEAT_8000_0001_EDX, CPUID_EXT2_SYSCALL },
    { MSR_LSTAR, "LSTAR", FEAT_8000_0001_EDX, CPUID_EXT2_LM },
    { MSR_CSTAR, "CSTAR", FEAT_8000_0001_EDX, CPUID_EXT2_LM },
    { MSR_FMASK, "FMASK", FEAT_8000_0001_EDX, CPUID_EXT2_LM },
    { MSR_KERNELGSBASE, "KERNEL_GS_BASE", FEAT_8000_0001_EDX, CPUID_EXT2_LM },
    { MSR_TSC_AUX, "TSC_AUX", FEAT_8000_0001_EDX, CPUID_EXT2_RDTSCP },
    { MSR_IA32_TSC, "IA32_TSC", FEAT_1_EDX, CPUID_TSC },
    { MSR_TSC_ADJUST, "IA32_TSC_ADJUST", FEAT_7_0_EBX,
      CPUID_7_0_EBX_TSC_ADJUST },
    { MSR_IA32_TSC_DEADLINE, "IA32_TSC_DEADLINE", FEAT_1_ECX,
      CPUID_EXT_TSC_DEADLINE },
    { MSR_IA32_MISC_ENABLE, "IA32_MISC_ENABLE", FEAT_1_EDX, 0 },
    { MSR_IA32_SPEC_CTRL, "IA32_SPEC_CTRL", FEAT_7_0_EDX,
      CPUID_7_0_EDX_SPEC_CTRL },
    { MSR_IA32_ARCH_CAPABILITIES, "IA32_ARCH_CAPABILITIES", FEAT_7_0_EDX,
      CPUID_7_0_EDX_ARCH_CAPABILITIES },
    { MSR_MCG_STATUS, "IA32_MCG_STATUS", FEAT_1_EDX, CPUID_MCE },
    { MSR_MTRRdefType, "IA32_MTRR_DEF_TYPE", FEAT_1_EDX, CPUID_MTRR },
    { MSR_MTRRfix64K_00000, "IA32_MTRR_FIX64K", FEAT_1_EDX, CPUID_MTRR },
    { MSR_MTRRfix16K_80000, "IA32_MTRR_FIX16K_80000", FEAT_1_EDX, CPUID_MTRR },
    { MSR_MTRRfix16K_A0000, "IA32_MTRR_FIX16K_A0000", FEAT_1_EDX, CPUID_MTRR },
#define FIX4K(n) { MSR_MTRRfix4K_C0000 + n, "IA32_MTRR_FIX4K", FEAT_1_EDX, \
                   CPUID_MTRR }
    FIX4K(0), FIX4K(1), FIX4K(2), FIX4K(3),
    FIX4K(4), FIX4K(5), FIX4K(6), FIX4K(7),
#define VAR(n) { MSR_MTRRphysBase(n), "IA32_MTRR_PHYSBASE", FEAT_1_EDX, \
                 CPUID_MTRR }, \
               { MSR_MTRRphysMask(n), "IA32_MTRR_PHYSMASK", FEAT_1_EDX, \
                 CPUID_MTRR }
    VAR(0), VAR(1), VAR(2), VAR(3), VAR(4), VAR(5), VAR(6), VAR(7),
    { MSR_KVM_SYSTEM_TIME_NEW, "KVM_SYSTEM_TIME_NEW", FEAT_KVM,
      CPUID_KVM_CLOCK2 },
    { MSR_KVM_WALL_CLOCK_NEW, "KVM_WALL_CLOCK_NEW", FEAT_KVM,
      CPUID_KVM_CLOCK2 },
    { MSR_KVM_ASYNC_PF_EN, "KVM_ASYNC_PF_EN", FEAT_KVM, CPUID_KVM_ASYNCPF },
    { MSR_KVM_STEAL_TIME, "KVM_STEAL_TIME", FEAT_KVM, CPUID_KVM_STEAL_TIME },
    { MSR_KVM_PV_EOI_EN, "KVM_PV_EOI_EN", FEAT_KVM, CPUID_KVM_PV_EOI },
};

const KvmMsrInfo *kvm_msr_candidates(size_t *n)
{
    *n = ARRAY_SIZE(msrs);
    return msrs;
}

const KvmMsrInfo *kvm_msr_info(uint32_t index)
{
    for (size_t i = 0; i < ARRAY_SIZE(msrs); i++) {
        if (msrs[i].index == index) {
            return &msrs[i];
        }
    }
    return NULL;
}

bool kvm_msr_advertised(const KvmMsrInfo *m, const FeatureWordArray features)
{
    return !m->feature_bit || (features[m->feature_word] & m->feature_bit);
}

const struct kvm_cpuid_entry2 *kvm_cpuid_table_find(
    const struct kvm_cpuid2 *t, uint32_t function, uint32_t index)
{
    for (uint32_t i = 0; t && i < t->nent; i++) {
        const struct kvm_cpuid_entry2 *e = &t->entries[i];
        if (e->function == function &&
            (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) ||
             e->index == index)) {
            return e;
        }
    }
    return NULL;
}

void kvm_cpuid_table_features(const struct kvm_cpuid2 *t, FeatureWordArray out,
                              void (*word_cpuid)(FeatureWord w, uint32_t *leaf,
                                                 uint32_t *index, int *reg))
{
    for (int w = 0; w < FEATURE_WORDS; w++) {
        uint32_t leaf, idx;
        int reg;
        const struct kvm_cpuid_entry2 *e;

        word_cpuid(w, &leaf, &idx, &reg);
        e = kvm_cpuid_table_find(t, leaf, idx);
        out[w] = !e ? 0 : reg == R_EAX ? e->eax : reg == R_EBX ? e->ebx :
                 reg == R_ECX ? e->ecx : e->edx;
    }
}
