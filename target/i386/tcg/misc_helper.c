/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Privileged and miscellaneous x86 instructions: CPUID from the model's
 * table, RDMSR/WRMSR, control and debug registers with their #GP rules,
 * TLB invalidation, the TSC, HLT/PAUSE/MONITOR/MWAIT, XGETBV/XSETBV,
 * RDRAND, and port I/O (IOPL and TSS bitmap checks, then the I/O address
 * space under the BQL, as the KVM path dispatches KVM_EXIT_IO).
 */
#include "target/i386/tcg/xsave.h"
#include "target/i386/tcg/sys-helpers.h"
#include "hw/intc/apic.h"
#include "util/main-loop.h"
#include "util/timer.h"
#include "util/log.h"
#include <sys/random.h>

#define CR4_VME        (1ull << 0)
#define CR4_PVI        (1ull << 1)
#define CR4_TSD        (1ull << 2)
#define CR4_DE         (1ull << 3)
#define CR4_PSE        (1ull << 4)
#define CR4_PAE        (1ull << 5)
#define CR4_MCE        (1ull << 6)
#define CR4_PGE        (1ull << 7)
#define CR4_PCE        (1ull << 8)
#define CR4_OSFXSR     (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_UMIP       (1ull << 11)
#define CR4_LA57       (1ull << 12)
#define CR4_FSGSBASE   (1ull << 16)
#define CR4_PCIDE      (1ull << 17)
#define CR4_OSXSAVE    (1ull << 18)
#define CR4_SMEP       (1ull << 20)
#define CR4_SMAP       (1ull << 21)
#define CR4_PKE        (1ull << 22)

/* CPUID bits consulted here beyond the ones cpu.h names */
#define CPUID_DE              (1u << 2)
#define CPUID_PSE             (1u << 3)
#define CPUID_EXT_PCID        (1u << 17)
#define CPUID_7_0_EBX_FSGSBASE (1u << 0)
#define CPUID_7_0_EBX_SMEP    (1u << 7)
#define CPUID_7_0_EBX_SMAP    (1u << 20)
#define CPUID_7_0_ECX_UMIP    (1u << 2)
#define CPUID_7_0_ECX_PKU     (1u << 3)
#define CPUID_7_0_ECX_OSPKE   (1u << 4)
#define CPUID_7_0_ECX_LA57    (1u << 16)
#define CPUID_7_0_ECX_RDPID   (1u << 22)
#define CPUID_EXT_RDRAND      (1u << 30)

#define MSR_IA32_UCODE_REV    0x8b
#define MSR_IA32_PRED_CMD     0x49
#define MSR_MCG_CTL           0x17b
#define MSR_MC0_CTL           0x400
#define MSR_K7_HWCR           0xc0010015
#define MSR_K8_SYSCFG         0xc0010010
#define MSR_K8_INT_PENDING_MSG 0xc0010055
#define VENDOR_AMD_EBX        0x68747541   /* "Auth" */
#define MSR_AMD64_OSVW_ID_LENGTH 0xc0010140
#define MSR_AMD64_OSVW_STATUS 0xc0010141
#define CPUID_EXT3_OSVW       (1u << 9)
#define MSR_AMD64_NB_CFG      0xc001001f
#define MSR_PLATFORM_INFO     0xce
#define MSR_AMD64_IBSCTL      0xc001103a
#define CPUID_EXT3_IBS        (1u << 10)
#define MSR_IA32_UMWAIT_CONTROL 0xe1
#define CPUID_7_0_ECX_WAITPKG (1u << 5)
#define MSR_IA32_XFD          0x1c4
#define MSR_IA32_XFD_ERR      0x1c5
#define MSR_IA32_XSS          0xda0
#define CPUID_XSAVE_XSAVEC    (1u << 1)    /* CPUID[0xd,1].EAX */
#define CPUID_XSAVE_XSAVES    (1u << 3)
#define CPUID_XSAVE_XFD       (1u << 4)
#define MCE_BANKS             10
#define MCG_CTL_P             (1ull << 8)

static uint32_t feat(CPUX86State *env, FeatureWord w, uint32_t bit)
{
    return env->features[w] & bit;
}

static inline uint32_t cpl_of(CPUX86State *env)
{
    return env->hflags & HF_CPL_MASK;
}


/* ---- CPUID ---- */

void helper_cpuid(CPUX86State *env)
{
    uint32_t leaf = env->regs[R_EAX], sub = env->regs[R_ECX];
    X86CPUIDEntry *e;
    uint32_t a = 0, b = 0, c = 0, d = 0;

    /* Beyond the basic range Intel answers with the highest basic leaf;
     * hypervisor and extended ranges have their own tables. */
    if (leaf < 0x40000000 && leaf > env->cpuid_level) {
        leaf = env->cpuid_level;
    } else if (leaf >= 0x80000000 && leaf > env->cpuid_xlevel) {
        leaf = env->cpuid_level;
    }
    e = x86_cpuid_find(env, leaf, sub);
    if (e) {
        a = e->eax, b = e->ebx, c = e->ecx, d = e->edx;
    }
    switch (leaf) {
    case 1:
        /* bits that follow the CPU's state */
        c &= ~CPUID_EXT_OSXSAVE;
        if (env->cr[4] & CR4_OSXSAVE) {
            c |= CPUID_EXT_OSXSAVE;
        }
        if (!(env->apic_base & MSR_IA32_APICBASE_ENABLE)) {
            d &= ~CPUID_APIC;
        }
        break;
    case 7:
        if (sub == 0) {
            c &= ~CPUID_7_0_ECX_OSPKE;
            if (env->cr[4] & CR4_PKE) {
                c |= CPUID_7_0_ECX_OSPKE;
            }
        }
        break;
    case 0xd:
        if (sub == 0 && e) {
            /* EBX: the XSAVE area size for the features XCR0 enables */
            uint32_t size = 576;
            for (int i = 2; i < 32; i++) {
                X86CPUIDEntry *s;
                if ((env->xcr0 >> i) & 1 &&
                    (s = x86_cpuid_find(env, 0xd, i)) != NULL) {
                    size = MAX(size, s->eax + s->ebx);
                }
            }
            b = size;
        } else if (sub == 1 && e) {
            /* EBX: the compacted size for XCR0 | IA32_XSS; no
             * supervisor components are modelled, so XCR0's */
            uint32_t size = 576;
            for (int i = 2; i < 32; i++) {
                X86CPUIDEntry *s;
                if ((env->xcr0 >> i) & 1 &&
                    (s = x86_cpuid_find(env, 0xd, i)) != NULL) {
                    if (s->ecx & 2) {          /* 64-byte aligned */
                        size = ROUND_UP(size, 64);
                    }
                    size += s->eax;
                }
            }
            /* Linux sizes its XSAVEC buffers from this too */
            b = (a & (CPUID_XSAVE_XSAVES | CPUID_XSAVE_XSAVEC)) ? size : 0;
        }
        break;
    }
    env->regs[R_EAX] = a;
    env->regs[R_EBX] = b;
    env->regs[R_ECX] = c;
    env->regs[R_EDX] = d;
}

/* ---- TSC ---- */

static uint64_t tsc_hz(CPUX86State *env)
{
    return env->tsc_khz ? env->tsc_khz * 1000 : 1000000000ull;
}

uint64_t x86_get_tsc(CPUX86State *env)
{
    int64_t ns = clock_get_ns(KEMU_CLOCK_VIRTUAL);

    return (uint64_t)((__int128)ns * tsc_hz(env) / NANOSECONDS_PER_SECOND) +
           env->tsc_offset;
}

void x86_set_tsc(CPUX86State *env, uint64_t val)
{
    uint64_t now = x86_get_tsc(env);

    env->tsc_offset += val - now;
    /* SDM 17.17.3: writing the TSC moves TSC_ADJUST by the same step */
    env->tsc_adjust += val - now;
}

static void check_tsd(CPUX86State *env, uintptr_t ra)
{
    if ((env->cr[4] & CR4_TSD) && cpl_of(env) != 0 &&
        (env->cr[0] & CR0_PE_MASK)) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
}

void helper_rdtsc(CPUX86State *env)
{
    uint64_t t;

    check_tsd(env, GETPC());
    t = x86_get_tsc(env);
    env->regs[R_EAX] = (uint32_t)t;
    env->regs[R_EDX] = t >> 32;
}

void helper_rdtscp(CPUX86State *env)
{
    uint64_t t;

    check_tsd(env, GETPC());
    t = x86_get_tsc(env);
    env->regs[R_EAX] = (uint32_t)t;
    env->regs[R_EDX] = t >> 32;
    env->regs[R_ECX] = (uint32_t)env->tsc_aux;
}

uint64_t helper_rdpid(CPUX86State *env)
{
    return env->tsc_aux;
}

/* ---- MSRs ---- */

/* Canonical for the current paging depth (57 bits with CR4.LA57). */
static bool canonical_env(CPUX86State *env, uint64_t v)
{
    int shift = env->cr[4] & CR4_LA57 ? 7 : 16;

    return (uint64_t)((int64_t)(v << shift) >> shift) == v;
}
#define canonical(v) canonical_env(env, (v))

/* Memory types an MTRR or PAT entry may name: UC WC WT WP WB (UC-). */
static bool valid_memtype(unsigned t, bool pat)
{
    return t == 0 || t == 1 || t == 4 || t == 5 || t == 6 || (pat && t == 7);
}

static bool valid_pat(uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        if (!valid_memtype((v >> (8 * i)) & 0xff, true)) {
            return false;
        }
    }
    return true;
}

static uint64_t mtrr_reserved(CPUX86State *env)
{
    unsigned pb = env->phys_bits ? env->phys_bits : 40;

    return ~((1ull << pb) - 1);
}

/* The MSR's value, or false for #GP. */
static bool msr_read(CPUX86State *env, uint32_t msr, uint64_t *val)
{
    CPUState *cs = env_to_cpu(env);
    bool ok;

    switch (msr) {
    case MSR_IA32_TSC:
        *val = x86_get_tsc(env);
        return true;
    case MSR_IA32_APICBASE:
    case MSR_IA32_TSC_DEADLINE:
    case MSR_X2APIC_FIRST ... MSR_X2APIC_LAST:
        if (msr == MSR_IA32_TSC_DEADLINE &&
            !feat(env, FEAT_1_ECX, CPUID_EXT_TSC_DEADLINE)) {
            return false;
        }
        bql_lock();
        ok = apic_msr_read(cs, msr, val);
        bql_unlock();
        if (!ok && msr == MSR_IA32_APICBASE) {
            *val = env->apic_base;    /* a CPU without an APIC device */
            return true;
        }
        return ok;
    case MSR_IA32_UCODE_REV:
        *val = 0x100000000ull;        /* as QEMU's TCG reports */
        return true;
    case MSR_IA32_FEATURE_CONTROL:
        *val = env->feature_control;
        return true;
    case MSR_TSC_ADJUST:
        if (!feat(env, FEAT_7_0_EBX, CPUID_7_0_EBX_TSC_ADJUST)) {
            return false;
        }
        *val = env->tsc_adjust;
        return true;
    case MSR_IA32_SPEC_CTRL:
        if (!feat(env, FEAT_7_0_EDX, CPUID_7_0_EDX_SPEC_CTRL)) {
            return false;
        }
        *val = env->spec_ctrl;
        return true;
    case MSR_IA32_ARCH_CAPABILITIES:
        if (!feat(env, FEAT_7_0_EDX, CPUID_7_0_EDX_ARCH_CAPABILITIES)) {
            return false;
        }
        *val = env->arch_capabilities;
        return true;
    case MSR_IA32_SYSENTER_CS:
        *val = env->sysenter_cs;
        return true;
    case MSR_IA32_SYSENTER_ESP:
        *val = env->sysenter_esp;
        return true;
    case MSR_IA32_SYSENTER_EIP:
        *val = env->sysenter_eip;
        return true;
    case MSR_MCG_CAP:
        if (!feat(env, FEAT_1_EDX, CPUID_MCE | CPUID_MCA)) {
            return false;
        }
        *val = MCG_CTL_P | MCE_BANKS;
        return true;
    case MSR_MCG_STATUS:
        *val = env->mcg_status;
        return true;
    case MSR_MCG_CTL:
        *val = env->mcg_ctl;
        return true;
    case MSR_MC0_CTL ... MSR_MC0_CTL + 4 * MCE_BANKS - 1:
        if (!feat(env, FEAT_1_EDX, CPUID_MCA)) {
            return false;
        }
        *val = env->mce_banks[msr - MSR_MC0_CTL];
        return true;
    case MSR_IA32_MISC_ENABLE:
        *val = env->misc_enable;
        return true;
    case MSR_MTRRcap:
        if (!feat(env, FEAT_1_EDX, CPUID_MTRR)) {
            return false;
        }
        /* variable ranges, fixed ranges, write-combining */
        *val = MSR_MTRR_VAR_COUNT | (1 << 8) | (1 << 10);
        return true;
    case MSR_MTRRphysBase(0) ... MSR_MTRRphysMask(MSR_MTRR_VAR_COUNT - 1):
        if (!feat(env, FEAT_1_EDX, CPUID_MTRR)) {
            return false;
        }
        *val = (msr & 1) ? env->mtrr_var[(msr - 0x200) / 2].mask
                         : env->mtrr_var[(msr - 0x200) / 2].base;
        return true;
    case MSR_MTRRfix64K_00000:
        *val = env->mtrr_fixed[0];
        return feat(env, FEAT_1_EDX, CPUID_MTRR);
    case MSR_MTRRfix16K_80000:
    case MSR_MTRRfix16K_A0000:
        *val = env->mtrr_fixed[msr - MSR_MTRRfix16K_80000 + 1];
        return feat(env, FEAT_1_EDX, CPUID_MTRR);
    case MSR_MTRRfix4K_C0000 ... MSR_MTRRfix4K_C0000 + 7:
        *val = env->mtrr_fixed[msr - MSR_MTRRfix4K_C0000 + 3];
        return feat(env, FEAT_1_EDX, CPUID_MTRR);
    case MSR_MTRRdefType:
        *val = env->mtrr_deftype;
        return feat(env, FEAT_1_EDX, CPUID_MTRR);
    case MSR_PAT:
        *val = env->pat;
        return true;
    case MSR_EFER:
        *val = env->efer;
        return true;
    case MSR_STAR:
        *val = env->star;
        return true;
    case MSR_LSTAR:
        *val = env->lstar;
        return true;
    case MSR_CSTAR:
        *val = env->cstar;
        return true;
    case MSR_FMASK:
        *val = env->fmask;
        return true;
    case MSR_FSBASE:
        *val = env->segs[R_FS].base;
        return true;
    case MSR_GSBASE:
        *val = env->segs[R_GS].base;
        return true;
    case MSR_KERNELGSBASE:
        *val = env->kernelgsbase;
        return true;
    case MSR_TSC_AUX:
        if (!feat(env, FEAT_8000_0001_EDX, CPUID_EXT2_RDTSCP) &&
            !feat(env, FEAT_7_0_ECX, CPUID_7_0_ECX_RDPID)) {
            return false;
        }
        *val = env->tsc_aux;
        return true;
    case MSR_K7_HWCR:
        *val = 0;
        return true;
    case MSR_K8_SYSCFG:
        /* Linux reads it unchecked on AMD family >= 0xf (MTRR setup) */
        if (env->cpuid_vendor1 != VENDOR_AMD_EBX) {
            return false;
        }
        *val = env->syscfg;
        return true;
    case MSR_AMD64_IBSCTL:
        /* read unchecked by Linux's perf when CPUID has IBS: 0 says the
         * IBS interrupt offset is not valid, so IBS stays off */
        if (!feat(env, FEAT_8000_0001_ECX, CPUID_EXT3_IBS)) {
            return false;
        }
        *val = 0;
        return true;
    case MSR_PLATFORM_INFO:
        /* read unchecked by Linux; 0: no CPUID faulting, no ratios (as
         * KVM reports it) */
        *val = 0;
        return true;
    case MSR_IA32_UMWAIT_CONTROL:
        if (!feat(env, FEAT_7_0_ECX, CPUID_7_0_ECX_WAITPKG)) {
            return false;
        }
        *val = env->umwait_control;
        return true;
    case MSR_AMD64_NB_CFG:
        /* read unchecked by Linux on AMD family >= 0x10 (-cpu max) */
        if (env->cpuid_vendor1 != VENDOR_AMD_EBX) {
            return false;
        }
        *val = 0;
        return true;
    case MSR_IA32_XSS:
        if (!feat(env, FEAT_XSAVE, CPUID_XSAVE_XSAVES)) {
            return false;
        }
        *val = 0;
        return true;
    case MSR_IA32_XFD:
    case MSR_IA32_XFD_ERR:
        if (!feat(env, FEAT_XSAVE, CPUID_XSAVE_XFD)) {
            return false;
        }
        *val = msr == MSR_IA32_XFD ? env->xfd : env->xfd_err;
        return true;
    case MSR_AMD64_OSVW_ID_LENGTH:
    case MSR_AMD64_OSVW_STATUS:
        /* OS visible workarounds (read unchecked by Linux when CPUID has
         * OSVW): no errata to report */
        if (!feat(env, FEAT_8000_0001_ECX, CPUID_EXT3_OSVW)) {
            return false;
        }
        *val = 0;
        return true;
    case MSR_K8_INT_PENDING_MSG:
        /* read unchecked by Linux's idle loop on CPUs with AMD erratum
         * 400 (family 0xf, qemu64): no C1E, nothing pending */
        if (env->cpuid_vendor1 != VENDOR_AMD_EBX) {
            return false;
        }
        *val = 0;
        return true;
    }
    return false;
}

static bool efer_write(CPUX86State *env, uint64_t val)
{
    uint64_t allowed = MSR_EFER_LME | MSR_EFER_LMA;
    uint64_t old = env->efer;

    if (feat(env, FEAT_8000_0001_EDX, CPUID_EXT2_SYSCALL)) {
        allowed |= MSR_EFER_SCE;
    }
    if (feat(env, FEAT_8000_0001_EDX, CPUID_EXT2_NX)) {
        allowed |= MSR_EFER_NXE;
    }
    if (!feat(env, FEAT_8000_0001_EDX, CPUID_EXT2_LM)) {
        allowed &= ~(uint64_t)(MSR_EFER_LME | MSR_EFER_LMA);
    }
    if (val & ~allowed) {
        return false;
    }
    /* LME may not change while paging is on; LMA is the CPU's own */
    if ((env->cr[0] & CR0_PG_MASK) && ((val ^ old) & MSR_EFER_LME)) {
        return false;
    }
    env->efer = (val & ~(uint64_t)MSR_EFER_LMA) | (old & MSR_EFER_LMA);
    if ((old ^ env->efer) & MSR_EFER_NXE) {
        tlb_flush(env_to_cpu(env));
    }
    x86_update_hflags(env);
    return true;
}

static bool msr_write(CPUX86State *env, uint32_t msr, uint64_t val)
{
    CPUState *cs = env_to_cpu(env);
    bool ok;

    switch (msr) {
    case MSR_IA32_TSC:
        x86_set_tsc(env, val);
        return true;
    case MSR_IA32_APICBASE:
    case MSR_IA32_TSC_DEADLINE:
    case MSR_X2APIC_FIRST ... MSR_X2APIC_LAST:
        if (msr == MSR_IA32_TSC_DEADLINE &&
            !feat(env, FEAT_1_ECX, CPUID_EXT_TSC_DEADLINE)) {
            return false;
        }
        bql_lock();
        ok = apic_msr_write(cs, msr, val);
        bql_unlock();
        if (msr == MSR_IA32_APICBASE && ok) {
            env->apic_base = val;
        }
        if (msr == MSR_IA32_TSC_DEADLINE && ok) {
            env->tsc_deadline = val;
        }
        return ok;
    case MSR_IA32_UCODE_REV:
        return true;                  /* the microcode loader's probe */
    case MSR_IA32_FEATURE_CONTROL:
        if (env->feature_control & 1) {
            return false;             /* locked */
        }
        env->feature_control = val;
        return true;
    case MSR_TSC_ADJUST:
        if (!feat(env, FEAT_7_0_EBX, CPUID_7_0_EBX_TSC_ADJUST)) {
            return false;
        }
        env->tsc_offset += val - env->tsc_adjust;
        env->tsc_adjust = val;
        return true;
    case MSR_IA32_SPEC_CTRL:
        if (!feat(env, FEAT_7_0_EDX, CPUID_7_0_EDX_SPEC_CTRL) ||
            (val & ~7ull)) {
            return false;
        }
        env->spec_ctrl = val;
        return true;
    case MSR_IA32_PRED_CMD:
        return feat(env, FEAT_7_0_EDX, CPUID_7_0_EDX_SPEC_CTRL) &&
               !(val & ~1ull);
    case MSR_IA32_SYSENTER_CS:
        env->sysenter_cs = val & 0xffff;
        return true;
    case MSR_IA32_SYSENTER_ESP:
        env->sysenter_esp = val;
        return true;
    case MSR_IA32_SYSENTER_EIP:
        env->sysenter_eip = val;
        return true;
    case MSR_MCG_STATUS:
        env->mcg_status = val;
        return true;
    case MSR_MCG_CTL:
        /* all features on or off */
        if (val != 0 && val != ~0ull) {
            return false;
        }
        env->mcg_ctl = val;
        return true;
    case MSR_MC0_CTL ... MSR_MC0_CTL + 4 * MCE_BANKS - 1: {
        unsigned reg = (msr - MSR_MC0_CTL) & 3;
        if (!feat(env, FEAT_1_EDX, CPUID_MCA)) {
            return false;
        }
        /* CTL: all ones or zero, except that bit 10 (Linux's K8 GART
         * quirk) and bit 0 may be cleared, as KVM accepts; STATUS:
         * software may only clear it */
        if ((reg == 0 && val != 0 && (val | (1ull << 10) | 1) != ~0ull) ||
            (reg == 1 && val)) {
            return false;
        }
        env->mce_banks[msr - MSR_MC0_CTL] = val;
        return true;
    }
    case MSR_IA32_MISC_ENABLE:
        env->misc_enable = val;
        return true;
    case MSR_MTRRphysBase(0) ... MSR_MTRRphysMask(MSR_MTRR_VAR_COUNT - 1):
        if (!feat(env, FEAT_1_EDX, CPUID_MTRR)) {
            return false;
        }
        if (msr & 1) {
            if ((val & mtrr_reserved(env)) || (val & 0x7ff)) {
                return false;
            }
            env->mtrr_var[(msr - 0x200) / 2].mask = val;
        } else {
            if ((val & mtrr_reserved(env)) || (val & 0xf00) ||
                !valid_memtype(val & 0xff, false)) {
                return false;
            }
            env->mtrr_var[(msr - 0x200) / 2].base = val;
        }
        return true;
    case MSR_MTRRfix64K_00000:
    case MSR_MTRRfix16K_80000:
    case MSR_MTRRfix16K_A0000:
    case MSR_MTRRfix4K_C0000 ... MSR_MTRRfix4K_C0000 + 7: {
        unsigned i = msr == MSR_MTRRfix64K_00000 ? 0
                   : msr <= MSR_MTRRfix16K_A0000 ? msr - 0x258 + 1
                   : msr - MSR_MTRRfix4K_C0000 + 3;
        if (!feat(env, FEAT_1_EDX, CPUID_MTRR)) {
            return false;
        }
        for (int b = 0; b < 8; b++) {
            if (!valid_memtype((val >> (8 * b)) & 0xff, false)) {
                return false;
            }
        }
        env->mtrr_fixed[i] = val;
        return true;
    }
    case MSR_MTRRdefType:
        if (!feat(env, FEAT_1_EDX, CPUID_MTRR) || (val & ~0xcffull) ||
            !valid_memtype(val & 0xff, false)) {
            return false;
        }
        env->mtrr_deftype = val;
        return true;
    case MSR_PAT:
        if (!valid_pat(val)) {
            return false;
        }
        env->pat = val;
        return true;
    case MSR_EFER:
        return efer_write(env, val);
    case MSR_STAR:
        env->star = val;
        return true;
    case MSR_LSTAR:
    case MSR_CSTAR:
        if (!canonical(val)) {
            return false;
        }
        *(msr == MSR_LSTAR ? &env->lstar : &env->cstar) = val;
        return true;
    case MSR_FMASK:
        env->fmask = (uint32_t)val;
        return true;
    case MSR_FSBASE:
    case MSR_GSBASE:
    case MSR_KERNELGSBASE:
        if (!canonical(val)) {
            return false;
        }
        if (msr == MSR_KERNELGSBASE) {
            env->kernelgsbase = val;
        } else {
            env->segs[msr == MSR_FSBASE ? R_FS : R_GS].base = val;
        }
        return true;
    case MSR_TSC_AUX:
        if ((!feat(env, FEAT_8000_0001_EDX, CPUID_EXT2_RDTSCP) &&
             !feat(env, FEAT_7_0_ECX, CPUID_7_0_ECX_RDPID)) ||
            (val >> 32)) {
            return false;
        }
        env->tsc_aux = val;
        return true;
    case MSR_K7_HWCR:
        return true;
    case MSR_K8_SYSCFG:
        if (env->cpuid_vendor1 != VENDOR_AMD_EBX) {
            return false;
        }
        env->syscfg = val;
        return true;
    case MSR_K8_INT_PENDING_MSG:
        return env->cpuid_vendor1 == VENDOR_AMD_EBX;
    case MSR_AMD64_OSVW_ID_LENGTH:
    case MSR_AMD64_OSVW_STATUS:
        return feat(env, FEAT_8000_0001_ECX, CPUID_EXT3_OSVW);
    case MSR_AMD64_NB_CFG:
        return env->cpuid_vendor1 == VENDOR_AMD_EBX;  /* writes ignored */
    case MSR_IA32_UMWAIT_CONTROL:
        /* bit 1 reserved; the time limit is kept, not enforced */
        if (!feat(env, FEAT_7_0_ECX, CPUID_7_0_ECX_WAITPKG) || (val & 2) ||
            (val >> 32)) {
            return false;
        }
        env->umwait_control = val;
        return true;
    case MSR_IA32_XSS:
        /* no supervisor state components are modelled: only 0 */
        return feat(env, FEAT_XSAVE, CPUID_XSAVE_XSAVES) && val == 0;
    case MSR_IA32_XFD:
    case MSR_IA32_XFD_ERR:
        /* kept for the guest to read back; no component is large enough
         * to be worth first-use faults here */
        if (!feat(env, FEAT_XSAVE, CPUID_XSAVE_XFD)) {
            return false;
        }
        *(msr == MSR_IA32_XFD ? &env->xfd : &env->xfd_err) = val;
        return true;
    }
    return false;
}

void helper_rdmsr(CPUX86State *env)
{
    uint32_t msr = env->regs[R_ECX];
    uint64_t val = 0;

    if (cpl_of(env) != 0 || !msr_read(env, msr, &val)) {
        kemu_log_mask(LOG_GUEST_ERROR, "rdmsr 0x%08x: #GP\n", msr);
        raise_exception_err_ra(env, EXCP0D_GPF, 0, GETPC());
    }
    env->regs[R_EAX] = (uint32_t)val;
    env->regs[R_EDX] = val >> 32;
}

void helper_wrmsr(CPUX86State *env)
{
    uint32_t msr = env->regs[R_ECX];
    uint64_t val = (uint32_t)env->regs[R_EAX] |
                   (env->regs[R_EDX] << 32);

    if (cpl_of(env) != 0 || !msr_write(env, msr, val)) {
        kemu_log_mask(LOG_GUEST_ERROR, "wrmsr 0x%08x <- 0x%016" PRIx64
                      ": #GP\n", msr, val);
        raise_exception_err_ra(env, EXCP0D_GPF, 0, GETPC());
    }
}

/* ---- control registers ---- */

void x86_cpu_set_cr0(CPUX86State *env, uint64_t val)
{
    uint64_t old = env->cr[0];

    val |= CR0_ET_MASK;
    /* long mode starts and ends with paging */
    if (!(old & CR0_PG_MASK) && (val & CR0_PG_MASK) &&
        (env->efer & MSR_EFER_LME)) {
        env->efer |= MSR_EFER_LMA;
    } else if ((old & CR0_PG_MASK) && !(val & CR0_PG_MASK)) {
        env->efer &= ~(uint64_t)MSR_EFER_LMA;
    }
    env->cr[0] = val;
    if ((old ^ val) & (CR0_PG_MASK | CR0_WP_MASK | CR0_PE_MASK)) {
        tlb_flush(env_to_cpu(env));
    }
    x86_update_hflags(env);
}

void x86_cpu_set_cr3(CPUX86State *env, uint64_t val)
{
    env->cr[3] = val;
    if (env->cr[0] & CR0_PG_MASK) {
        tlb_flush(env_to_cpu(env));
    }
}

void x86_cpu_set_cr4(CPUX86State *env, uint64_t val)
{
    uint64_t old = env->cr[4];

    env->cr[4] = val;
    if ((old ^ val) & (CR4_PGE | CR4_PAE | CR4_PSE | CR4_SMEP | CR4_SMAP |
                       CR4_PKE | CR4_PCIDE | CR4_LA57)) {
        tlb_flush(env_to_cpu(env));
    }
    x86_update_hflags(env);
}

static uint64_t cr4_reserved(CPUX86State *env)
{
    uint64_t ok = CR4_PVI | CR4_TSD | CR4_PAE | CR4_MCE | CR4_PGE | CR4_PCE |
                  CR4_OSFXSR | CR4_OSXMMEXCPT;

    if (feat(env, FEAT_1_EDX, CPUID_DE)) {
        ok |= CR4_DE;
    }
    if (feat(env, FEAT_1_EDX, CPUID_PSE)) {
        ok |= CR4_PSE;
    }
    ok |= CR4_VME;
    if (feat(env, FEAT_1_ECX, CPUID_EXT_XSAVE)) {
        ok |= CR4_OSXSAVE;
    }
    if (feat(env, FEAT_1_ECX, CPUID_EXT_PCID)) {
        ok |= CR4_PCIDE;
    }
    if (feat(env, FEAT_7_0_EBX, CPUID_7_0_EBX_FSGSBASE)) {
        ok |= CR4_FSGSBASE;
    }
    if (feat(env, FEAT_7_0_EBX, CPUID_7_0_EBX_SMEP)) {
        ok |= CR4_SMEP;
    }
    if (feat(env, FEAT_7_0_EBX, CPUID_7_0_EBX_SMAP)) {
        ok |= CR4_SMAP;
    }
    if (feat(env, FEAT_7_0_ECX, CPUID_7_0_ECX_UMIP)) {
        ok |= CR4_UMIP;
    }
    if (feat(env, FEAT_7_0_ECX, CPUID_7_0_ECX_PKU)) {
        ok |= CR4_PKE;
    }
    if (feat(env, FEAT_7_0_ECX, CPUID_7_0_ECX_LA57)) {
        ok |= CR4_LA57;
    }
    return ~ok;
}

uint64_t helper_read_crN(CPUX86State *env, uint32_t reg)
{
    X86CPU *cpu = X86_CPU(env_to_cpu(env));

    switch (reg) {
    case 8:
        if (cpu->apic) {
            uint8_t tpr;
            bql_lock();
            tpr = apic_get_tpr(cpu->apic);
            bql_unlock();
            return tpr >> 4;
        }
        return env->cr8;
    case 0: case 2: case 3: case 4:
        return env->cr[reg];
    }
    raise_exception_ra(env, EXCP06_ILLOP, GETPC());
}

void helper_write_crN(CPUX86State *env, uint32_t reg, uint64_t val)
{
    uintptr_t ra = GETPC();
    X86CPU *cpu = X86_CPU(env_to_cpu(env));
    bool lma = env->efer & MSR_EFER_LMA;

    switch (reg) {
    case 0:
        if ((val >> 32) ||
            ((val & CR0_PG_MASK) && !(val & CR0_PE_MASK)) ||
            ((val & CR0_NW_MASK) && !(val & CR0_CD_MASK))) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        if (!(env->cr[0] & CR0_PG_MASK) && (val & CR0_PG_MASK) &&
            (env->efer & MSR_EFER_LME) &&
            (!(env->cr[4] & CR4_PAE) || (env->hflags & HF_CS64))) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        if ((env->hflags & HF_CS64) && !(val & CR0_PG_MASK)) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        x86_cpu_set_cr0(env, val);
        return;
    case 2:
        env->cr[2] = val;
        return;
    case 3:
        if (lma) {
            unsigned pb = env->phys_bits ? env->phys_bits : 40;
            /* bit 63 (keep the PCID's entries) is a hint: entries are
             * not kept per PCID here, and a flush is never wrong */
            if (env->cr[4] & CR4_PCIDE) {
                val &= ~(1ull << 63);
            }
            if (val >> pb) {
                raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
            }
        }
        x86_cpu_set_cr3(env, val);
        return;
    case 4:
        if (val & cr4_reserved(env)) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        /* PAE stays on and the paging depth stays put in long mode */
        if (lma && (!(val & CR4_PAE) || ((val ^ env->cr[4]) & CR4_LA57))) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        if ((val & CR4_PCIDE) && !(env->cr[4] & CR4_PCIDE) &&
            (!lma || (env->cr[3] & 0xfff))) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        x86_cpu_set_cr4(env, val);
        return;
    case 8:
        if (val > 15) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        env->cr8 = val;
        if (cpu->apic) {
            bql_lock();
            apic_set_tpr(cpu->apic, val << 4);
            bql_unlock();
        }
        return;
    }
    raise_exception_ra(env, EXCP06_ILLOP, ra);
}

void helper_lmsw(CPUX86State *env, uint64_t val)
{
    /* PE, MP, EM, TS only; PE cannot be cleared by LMSW */
    uint64_t cr0 = (env->cr[0] & ~0xeull) | (val & 0xf);

    x86_cpu_set_cr0(env, cr0 | (env->cr[0] & CR0_PE_MASK));
}

void helper_clts(CPUX86State *env)
{
    env->cr[0] &= ~(uint64_t)CR0_TS_MASK;
    x86_update_hflags(env);
}

/* ---- debug registers ---- */

uint64_t helper_get_dr(CPUX86State *env, uint32_t reg)
{
    if (reg == 4 || reg == 5) {
        if (env->cr[4] & CR4_DE) {
            raise_exception_ra(env, EXCP06_ILLOP, GETPC());
        }
        reg += 2;
    }
    return env->dr[reg & 7];
}

void helper_set_dr(CPUX86State *env, uint32_t reg, uint64_t val)
{
    uintptr_t ra = GETPC();

    if (reg == 4 || reg == 5) {
        if (env->cr[4] & CR4_DE) {
            raise_exception_ra(env, EXCP06_ILLOP, ra);
        }
        reg += 2;
    }
    switch (reg) {
    case 0: case 1: case 2: case 3:
        env->dr[reg] = val;
        return;
    case 6:
        if (val >> 32) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        env->dr[6] = val | 0xffff0ff0;
        return;
    case 7:
        if (val >> 32) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        if (val & 0xff) {
            kemu_log_mask(LOG_UNIMP, "DR7=0x%" PRIx64 ": hardware "
                          "breakpoints are not emulated\n", val);
        }
        env->dr[7] = (val & ~0xd800ull) | 0x400;
        return;
    }
}

/* ---- TLB ---- */

void helper_invlpg(CPUX86State *env, uint64_t addr)
{
    tlb_flush_page(env_to_cpu(env), addr);
}

void helper_invpcid(CPUX86State *env, uint32_t type, uint64_t desc_addr)
{
    uintptr_t ra = GETPC();
    int idx = x86_mmu_index(env, false);
    uint64_t pcid = x86_ld(env, desc_addr, MO_UQ, idx, ra);
    uint64_t addr = x86_ld(env, desc_addr + 8, MO_UQ, idx, ra);

    if (pcid > 0xfff) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    switch (type) {
    case 0:                           /* one address */
        if (!canonical(addr)) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        tlb_flush_page(env_to_cpu(env), addr);
        return;
    case 1: case 2: case 3:           /* a context, all, all but global */
        tlb_flush(env_to_cpu(env));
        return;
    }
    raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
}

/* ---- halting and waiting ---- */

static G_NORETURN void do_hlt(CPUX86State *env)
{
    CPUState *cs = env_to_cpu(env);

    env->hflags &= ~HF_INHIBIT_IRQ;
    cs->halted = true;
    env->mp_state = X86_MP_HALTED;
    cs->exception_index = EXCP_HLT;
    cpu_loop_exit(cs);
}

void helper_hlt(CPUX86State *env, uint32_t next_eip_addend)
{
    env->rip += next_eip_addend;
    do_hlt(env);
}

void helper_pause(CPUX86State *env, uint32_t next_eip_addend)
{
    CPUState *cs = env_to_cpu(env);

    /* a spin-wait: let the other vCPUs (thread=single) run */
    env->rip += next_eip_addend;
    cs->exception_index = EXCP_YIELD;
    cpu_loop_exit(cs);
}

void helper_monitor(CPUX86State *env, uint64_t addr)
{
    if ((uint32_t)env->regs[R_ECX] != 0) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, GETPC());
    }
    env->monitor_addr = addr;
}

void helper_mwait(CPUX86State *env, uint32_t next_eip_addend)
{
    CPUState *cs = env_to_cpu(env);
    uintptr_t ra = GETPC();

    if ((uint32_t)env->regs[R_ECX] & ~1u) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    env->rip += next_eip_addend;
    if (cpu_count() > 1) {
        /* another vCPU may write the monitored line, which we do not
         * watch: do not sleep, just let the others run */
        cs->exception_index = EXCP_YIELD;
        cpu_loop_exit(cs);
    }
    do_hlt(env);
}

void helper_set_inhibit_irq(CPUX86State *env)
{
    env->hflags |= HF_INHIBIT_IRQ;
}

void helper_reset_inhibit_irq(CPUX86State *env)
{
    env->hflags &= ~HF_INHIBIT_IRQ;
}

/* ---- XCR0 ---- */

uint64_t helper_xgetbv(CPUX86State *env, uint32_t ecx)
{
    uintptr_t ra = GETPC();

    if (!(env->cr[4] & CR4_OSXSAVE)) {
        raise_exception_ra(env, EXCP06_ILLOP, ra);
    }
    if (ecx == 0) {
        return env->xcr0;
    }
    if (ecx == 1 && (env->features[FEAT_XSAVE] & (1u << 2))) {
        return env->xcr0 & x86_xinuse(env);     /* XINUSE */
    }
    raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
}

void helper_xsetbv(CPUX86State *env, uint32_t ecx, uint64_t val)
{
    uintptr_t ra = GETPC();
    uint64_t supported = env->features[FEAT_XSAVE_XCR0_LO] |
                         ((uint64_t)env->features[FEAT_XSAVE_XCR0_HI] << 32);

    if (!(env->cr[4] & CR4_OSXSAVE)) {
        raise_exception_ra(env, EXCP06_ILLOP, ra);
    }
    if (cpl_of(env) != 0 || ecx != 0 || !(val & 1) || (val & ~supported) ||
        ((val & 4) && !(val & 2)) ||                 /* AVX needs SSE */
        ((val & 0x18) && (val & 0x18) != 0x18) ||    /* MPX: both */
        ((val & 0xe0) && ((val & 0xe0) != 0xe0 || !(val & 4)))) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    env->xcr0 = val;
    x86_update_hflags(env);         /* HF_AVX_EN follows XCR0 */
}

/* ---- RDRAND ---- */

void helper_rdrand(CPUX86State *env, uint32_t reg, uint32_t dflag)
{
    uint64_t v = 0;
    bool ok = getrandom(&v, sizeof(v), GRND_NONBLOCK) == sizeof(v);

    if (!ok) {
        v = 0;                        /* CF=0: the guest retries */
    }
    switch (dflag) {
    case 0:
        env->regs[reg] = (env->regs[reg] & ~0xffffull) | (v & 0xffff);
        break;
    case 1:
        env->regs[reg] = (uint32_t)v;
        break;
    default:
        env->regs[reg] = v;
        break;
    }
    env->cc_src = ok ? CC_C : 0;
    env->cc_op = CC_OP_EFLAGS;
}

/* ---- port I/O ---- */

void helper_check_io(CPUX86State *env, uint32_t port, uint32_t size)
{
    uintptr_t ra = GETPC();
    uint32_t type = (env->tr.flags >> DESC_TYPE_SHIFT) & 0xf;
    int idx = x86_kernel_mmu_index(env);
    uint32_t off, bits;

    if (!(env->cr[0] & CR0_PE_MASK)) {
        return;
    }
    if (!(env->rflags & RFLAGS_VM) &&
        cpl_of(env) <= ((env->rflags >> 12) & 3)) {
        return;
    }
    /* the I/O permission bitmap of a 32/64-bit TSS */
    if (!(env->tr.flags & DESC_P_MASK) || (type != 9 && type != 11) || env->tr.limit < 103) {
        goto fault;
    }
    off = x86_ld(env, env->tr.base + 0x66, MO_UW, idx, ra) + (port >> 3);
    if (off + 1 > env->tr.limit) {
        goto fault;
    }
    bits = x86_ld(env, env->tr.base + off, MO_UW, idx, ra) >> (port & 7);
    if (bits & ((1u << size) - 1)) {
        goto fault;
    }
    return;
fault:
    raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
}

static uint32_t port_in(uint32_t port, unsigned size)
{
    uint64_t v = ~0ull;

    bql_lock();
    address_space_ld(&address_space_io, port & 0xffff, &v, size);
    bql_unlock();
    return v;
}

static void port_out(uint32_t port, uint32_t val, unsigned size)
{
    bql_lock();
    address_space_st(&address_space_io, port & 0xffff, val, size);
    bql_unlock();
}

uint32_t helper_inb(CPUX86State *env, uint32_t port)
{
    return port_in(port, 1) & 0xff;
}

uint32_t helper_inw(CPUX86State *env, uint32_t port)
{
    return port_in(port, 2) & 0xffff;
}

uint32_t helper_inl(CPUX86State *env, uint32_t port)
{
    return port_in(port, 4);
}

void helper_outb(CPUX86State *env, uint32_t port, uint32_t val)
{
    port_out(port, val & 0xff, 1);
}

void helper_outw(CPUX86State *env, uint32_t port, uint32_t val)
{
    port_out(port, val & 0xffff, 2);
}

void helper_outl(CPUX86State *env, uint32_t port, uint32_t val)
{
    port_out(port, val, 4);
}
