/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 CPU: architectural state (CPUX86State) inside the X86CPU
 * device. KVM syncs it with the kernel lazily (target/i386/kvm.c), TCG
 * will work on it directly, the monitor/gdbstub/migration read it.
 *
 * Who writes what:
 *   cpu.c        ("kvm")    types qemu64/max/host, realize, reset, x86_cpu_new,
 *                           topology/APIC ids, topology CPUID leaves
 *   kvm.c        ("kvm")    register sync, CPUID/MSR filtering against KVM
 *   cpu-models.c ("memory") model tables, -cpu help, +feat/-feat parsing,
 *                           CPUID table building, feature filtering
 *   cpu-dump.c   ("memory") x86_cpu_dump_state ("info registers")
 */
#ifndef KEMU_TARGET_I386_CPU_H
#define KEMU_TARGET_I386_CPU_H

#include "hw/core/cpu.h"
#include "hw/boards.h"

/* ---- type names ---- */
#define TYPE_X86_CPU "x86_64-cpu"                 /* abstract base */
#define X86_CPU_TYPE_SUFFIX "-" TYPE_X86_CPU      /* "qemu64-x86_64-cpu" */
#define X86_CPU_TYPE_NAME(model) model X86_CPU_TYPE_SUFFIX

/* ---- general registers ---- */
enum {
    R_EAX = 0, R_ECX = 1, R_EDX = 2, R_EBX = 3,
    R_ESP = 4, R_EBP = 5, R_ESI = 6, R_EDI = 7,
    CPU_NB_REGS = 16,
};

/* ---- segments ---- */
enum { R_ES = 0, R_CS = 1, R_SS = 2, R_DS = 3, R_FS = 4, R_GS = 5 };
#define CPU_NB_SEGS 6

/*
 * 'flags' holds the descriptor's attribute bits in the position they have
 * in the high dword of a descriptor (type at bit 8, S 12, DPL 13-14,
 * P 15, AVL 20, L 21, D/B 22, G 23), which is what "info registers" shows.
 */
#define DESC_TYPE_SHIFT 8
#define DESC_A_MASK   (1 << 8)
#define DESC_TYPE_MASK (15 << 8)
#define DESC_S_MASK   (1 << 12)
#define DESC_DPL_SHIFT 13
#define DESC_DPL_MASK (3 << 13)
#define DESC_P_MASK   (1 << 15)
#define DESC_AVL_MASK (1 << 20)
#define DESC_L_MASK   (1 << 21)
#define DESC_B_MASK   (1 << 22)
#define DESC_G_MASK   (1 << 23)
/* Attribute "unusable" (VMX); kept for round-trips with KVM. */
#define DESC_UNUSABLE (1u << 31)

typedef struct SegmentCache {
    uint32_t selector;
    uint64_t base;
    uint32_t limit;          /* byte granular (already scaled by G) */
    uint32_t flags;
} SegmentCache;

/* ---- control registers and flags ---- */
#define CR0_PE_MASK (1u << 0)
#define CR0_MP_MASK (1u << 1)
#define CR0_EM_MASK (1u << 2)
#define CR0_TS_MASK (1u << 3)
#define CR0_ET_MASK (1u << 4)
#define CR0_NE_MASK (1u << 5)
#define CR0_WP_MASK (1u << 16)
#define CR0_AM_MASK (1u << 18)
#define CR0_NW_MASK (1u << 29)
#define CR0_CD_MASK (1u << 30)
#define CR0_PG_MASK (1u << 31)
#define CR4_PAE_MASK (1u << 5)
#define CR4_OSFXSR_MASK (1u << 9)
#define CR4_OSXSAVE_MASK (1u << 18)
#define MSR_EFER_SCE (1u << 0)
#define MSR_EFER_LME (1u << 8)
#define MSR_EFER_LMA (1u << 10)
#define MSR_EFER_NXE (1u << 11)
#define RFLAGS_IF (1u << 9)
#define RFLAGS_TF (1u << 8)
#define RFLAGS_VM (1u << 17)
#define RFLAGS_FIXED (1u << 1)    /* bit 1 always reads 1 */

/* ---- MSR numbers ---- */
#define MSR_IA32_TSC                0x10
#define MSR_IA32_APICBASE           0x1b
#define MSR_IA32_APICBASE_BSP    (1ULL << 8)
#define MSR_IA32_APICBASE_EXTD   (1ULL << 10)
#define MSR_IA32_APICBASE_ENABLE (1ULL << 11)
#define MSR_IA32_APICBASE_BASE      (0xfffffULL << 12)
#define MSR_IA32_FEATURE_CONTROL    0x3a
#define MSR_TSC_ADJUST              0x3b
#define MSR_IA32_SPEC_CTRL          0x48
#define MSR_IA32_ARCH_CAPABILITIES  0x10a
#define MSR_IA32_SYSENTER_CS        0x174
#define MSR_IA32_SYSENTER_ESP       0x175
#define MSR_IA32_SYSENTER_EIP       0x176
#define MSR_MCG_CAP                 0x179
#define MSR_MCG_STATUS              0x17a
#define MSR_IA32_MISC_ENABLE        0x1a0
#define MSR_IA32_MISC_ENABLE_DEFAULT 1   /* fast strings */
#define MSR_MTRRcap                 0xfe
#define MSR_MTRRphysBase(n)         (0x200 + 2 * (n))
#define MSR_MTRRphysMask(n)         (0x201 + 2 * (n))
#define MSR_MTRRfix64K_00000        0x250
#define MSR_MTRRfix16K_80000        0x258
#define MSR_MTRRfix16K_A0000        0x259
#define MSR_MTRRfix4K_C0000         0x268   /* ..0x26f */
#define MSR_PAT                     0x277
#define MSR_MTRRdefType             0x2ff
#define MSR_IA32_TSC_DEADLINE       0x6e0
#define MSR_X2APIC_FIRST            0x800
#define MSR_X2APIC_LAST             0x8ff
#define MSR_EFER                    0xc0000080
#define MSR_STAR                    0xc0000081
#define MSR_LSTAR                   0xc0000082
#define MSR_CSTAR                   0xc0000083
#define MSR_FMASK                   0xc0000084
#define MSR_FSBASE                  0xc0000100
#define MSR_GSBASE                  0xc0000101
#define MSR_KERNELGSBASE            0xc0000102
#define MSR_TSC_AUX                 0xc0000103
#define MSR_KVM_WALL_CLOCK_NEW      0x4b564d00
#define MSR_KVM_SYSTEM_TIME_NEW     0x4b564d01
#define MSR_KVM_ASYNC_PF_EN         0x4b564d02
#define MSR_KVM_STEAL_TIME          0x4b564d03
#define MSR_KVM_PV_EOI_EN           0x4b564d04

#define MSR_MTRR_VAR_COUNT 8
#define MSR_MTRR_FIX_COUNT 11
#define PAT_POWER_ON 0x0007040600070406ULL

/* ---- CPUID feature words ---- */
typedef enum FeatureWord {
    FEAT_1_EDX,          /* CPUID[1].EDX */
    FEAT_1_ECX,          /* CPUID[1].ECX */
    FEAT_7_0_EBX,        /* CPUID[EAX=7,ECX=0].EBX */
    FEAT_7_0_ECX,
    FEAT_7_0_EDX,
    FEAT_7_1_EAX,        /* CPUID[EAX=7,ECX=1].EAX */
    FEAT_8000_0001_EDX,
    FEAT_8000_0001_ECX,
    FEAT_8000_0007_EDX,
    FEAT_8000_0008_EBX,
    FEAT_KVM,            /* CPUID[4000_0001].EAX */
    FEAT_KVM_HINTS,      /* CPUID[4000_0001].EDX */
    FEAT_6_EAX,          /* thermal/power */
    FEAT_XSAVE,          /* CPUID[EAX=0xd,ECX=1].EAX */
    FEAT_XSAVE_XCR0_LO,  /* CPUID[EAX=0xd,ECX=0].EAX */
    FEAT_XSAVE_XCR0_HI,  /* CPUID[EAX=0xd,ECX=0].EDX */
    FEATURE_WORDS,
} FeatureWord;
typedef uint32_t FeatureWordArray[FEATURE_WORDS];

/* The bits the accelerator code needs by name. */
#define CPUID_FP87      (1u << 0)
#define CPUID_TSC       (1u << 4)
#define CPUID_MSR       (1u << 5)
#define CPUID_PAE       (1u << 6)
#define CPUID_MCE       (1u << 7)
#define CPUID_CX8       (1u << 8)
#define CPUID_APIC      (1u << 9)
#define CPUID_SEP       (1u << 11)
#define CPUID_MTRR      (1u << 12)
#define CPUID_PGE       (1u << 13)
#define CPUID_MCA       (1u << 14)
#define CPUID_PAT       (1u << 16)
#define CPUID_HT        (1u << 28)
#define CPUID_EXT_X2APIC       (1u << 21)
#define CPUID_EXT_TSC_DEADLINE (1u << 24)
#define CPUID_EXT_XSAVE        (1u << 26)
#define CPUID_EXT_OSXSAVE      (1u << 27)
#define CPUID_EXT_HYPERVISOR   (1u << 31)
#define CPUID_7_0_EBX_TSC_ADJUST (1u << 1)
#define CPUID_7_0_EDX_SPEC_CTRL        (1u << 26)
#define CPUID_7_0_EDX_ARCH_CAPABILITIES (1u << 29)
#define CPUID_EXT2_SYSCALL (1u << 11)
#define CPUID_EXT2_NX      (1u << 20)
#define CPUID_EXT2_RDTSCP  (1u << 27)
#define CPUID_EXT2_LM      (1u << 29)
#define CPUID_EXT3_LAHF_LM (1u << 0)
#define CPUID_EXT3_TOPOEXT (1u << 22)
/* FEAT_KVM (KVM_FEATURE_* in linux/kvm_para.h) */
#define CPUID_KVM_CLOCK        (1u << 0)
#define CPUID_KVM_NOPIODELAY   (1u << 1)
#define CPUID_KVM_CLOCK2       (1u << 3)
#define CPUID_KVM_ASYNCPF      (1u << 4)
#define CPUID_KVM_STEAL_TIME   (1u << 5)
#define CPUID_KVM_PV_EOI       (1u << 6)
#define CPUID_KVM_CLOCK_STABLE (1u << 24)

/* One CPUID leaf/subleaf as the guest sees it. */
typedef struct X86CPUIDEntry {
    uint32_t function;
    uint32_t index;
    uint32_t flags;          /* KVM_CPUID_FLAG_SIGNIFCANT_INDEX etc. */
    uint32_t eax, ebx, ecx, edx;
} X86CPUIDEntry;
#define X86_MAX_CPUID_ENTRIES 128

/* ---- FPU / SSE / AVX ---- */
typedef struct X86FPReg {
    uint64_t mant;
    uint16_t exp;            /* sign in bit 15 */
} X86FPReg;
typedef struct X86XMMReg {
    uint64_t q[2];
} X86XMMReg;
#define X86_XSAVE_SIZE 4096

/* ---- pending events (KVM_GET/SET_VCPU_EVENTS) ---- */
typedef struct X86Events {
    uint8_t exception_injected;
    uint8_t exception_pending;
    uint8_t exception_nr;
    uint8_t exception_has_error_code;
    uint32_t exception_error_code;
    uint64_t exception_payload;
    uint8_t exception_has_payload;
    uint8_t interrupt_injected;
    uint8_t interrupt_nr;
    uint8_t interrupt_soft;
    uint8_t interrupt_shadow;   /* STI / MOV SS blocking */
    uint8_t nmi_injected;
    uint8_t nmi_pending;
    uint8_t nmi_masked;
    uint8_t smi_smm, smi_pending, smi_inside_nmi, smi_latched_init;
    uint8_t triple_fault_pending;
} X86Events;

/* KVM_MP_STATE_* values */
enum {
    X86_MP_RUNNABLE = 0,
    X86_MP_UNINITIALIZED = 1,    /* AP waiting for INIT/SIPI */
    X86_MP_INIT_RECEIVED = 2,
    X86_MP_HALTED = 3,
    X86_MP_SIPI_RECEIVED = 4,
};

typedef struct CPUX86State {
    /* general */
    uint64_t regs[CPU_NB_REGS];
    uint64_t rip;
    uint64_t rflags;
    SegmentCache segs[CPU_NB_SEGS];
    SegmentCache ldt;
    SegmentCache tr;
    SegmentCache gdt;            /* base, limit only */
    SegmentCache idt;
    uint64_t cr[5];              /* cr1 unused */
    uint64_t cr8;                /* TPR, as KVM reports it */
    uint64_t efer;
    uint64_t dr[8];
    uint64_t xcr0;

    /* x87 / SSE / AVX (decoded from KVM_GET_XSAVE's legacy + YMM area) */
    uint16_t fpuc, fpus;
    uint8_t fptag_abridged;      /* FXSAVE format: 1 bit per register */
    uint16_t fpop;
    uint64_t fpip, fpdp;
    X86FPReg fpregs[8];
    uint32_t mxcsr;
    X86XMMReg xmm[16];
    X86XMMReg ymmh[16];
    /* The whole XSAVE image from the accelerator, so components we do not
     * decode (AVX-512, PKRU...) survive a round trip unchanged. */
    uint8_t xsave_buf[X86_XSAVE_SIZE] __attribute__((aligned(64)));
    bool xsave_buf_valid;

    /* MSRs */
    uint64_t apic_base;
    uint64_t tsc;
    uint64_t tsc_aux;
    uint64_t tsc_adjust;
    uint64_t arch_capabilities;  /* MSR 0x10a: constant, the host's */
    uint64_t tsc_deadline;
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t star, lstar, cstar, fmask;
    uint64_t kernelgsbase;
    uint64_t pat;
    uint64_t misc_enable;
    uint64_t feature_control;
    uint64_t spec_ctrl;
    uint64_t mcg_status;
    uint64_t mtrr_deftype;
    uint64_t mtrr_fixed[MSR_MTRR_FIX_COUNT];
    struct { uint64_t base, mask; } mtrr_var[MSR_MTRR_VAR_COUNT];
    uint64_t system_time_msr;    /* kvmclock */
    uint64_t wall_clock_msr;
    uint64_t async_pf_en_msr;
    uint64_t steal_time_msr;
    uint64_t pv_eoi_en_msr;

    /* pending events and multiprocessor state */
    X86Events events;
    uint32_t mp_state;           /* X86_MP_* */
    /* SIPI vector latched for an AP (userspace LAPIC path) */
    int sipi_vector;

    /* CPUID */
    uint32_t cpuid_vendor1, cpuid_vendor2, cpuid_vendor3;  /* EBX,EDX,ECX */
    uint32_t cpuid_level;        /* max basic leaf */
    uint32_t cpuid_xlevel;       /* max extended leaf */
    uint32_t cpuid_version;      /* leaf 1 EAX: family/model/stepping */
    char model_id[49];           /* brand string, NUL-terminated */
    FeatureWordArray features;
    X86CPUIDEntry cpuid[X86_MAX_CPUID_ENTRIES];
    int cpuid_nr;

    uint32_t apic_id;
    uint64_t tsc_khz;            /* 0: the host's */
    uint8_t phys_bits;           /* CPUID 0x80000008 EAX[7:0] */

    /* ---- TCG only (target/i386/tcg/tcg-cpu.h says what they mean) ---- */
    uint32_t hflags;             /* HF_*: mode bits translated code keys on */
    uint32_t cc_op;              /* CCOp: how to get OSZAPC */
    uint64_t cc_dst, cc_src, cc_src2;
    int32_t error_code;          /* of the exception being raised */
    bool exception_is_int;       /* software INT n: no error code, DPL check */
    uint64_t exception_next_eip; /* return address of a software INT */
    int old_exception;           /* for double fault detection, -1 none */
    uint64_t monitor_addr;       /* MONITOR/MWAIT */
    /* per-vCPU scratch for the front end (x87 top etc. added with it) */
    uint32_t fpstt;              /* x87 top-of-stack */
    /* SSE memory operands are loaded here for the vector helpers */
    X86XMMReg xmm_t0;
    /* VEX memory operands (up to 256 bits) and lane results; translate-avx.c */
    X86XMMReg vex_t0[2], vex_t1[2];
    /* system side (target/i386/tcg/{excp,misc,seg}_helper.c) */
    uint32_t pkru;               /* protection keys rights (CR4.PKE) */
    bool nmi_blocked;            /* from NMI delivery until the next IRET */
    int64_t tsc_offset;          /* guest TSC = host ns scaled + offset */
    uint64_t mcg_ctl;
    uint64_t mce_banks[4 * 10];  /* MCi_CTL/STATUS/ADDR/MISC */
    uint64_t syscfg;             /* AMD SYSCFG MSR */
    uint64_t xfd, xfd_err;       /* IA32_XFD, IA32_XFD_ERR */
    uint64_t umwait_control;     /* IA32_UMWAIT_CONTROL */
} CPUX86State;

typedef struct X86CPU X86CPU;
typedef struct X86CPUClass X86CPUClass;

struct X86CPU {
    CPUState parent_obj;
    CPUX86State env;

    DeviceState *apic;           /* child "lapic": apic or kvm-apic */
    uint32_t apic_id;
    /* topology position */
    unsigned socket_id, die_id, core_id, thread_id;
    unsigned nr_dies, nr_cores, nr_threads;   /* per socket/die/core */
    unsigned nr_cpus;            /* smp.cpus, for leaf 1 counts */

    /* -cpu options */
    bool check_cpuid;            /* "check": warn on filtered features */
    bool enforce_cpuid;          /* "enforce": fail instead */
    bool migratable;
    FeatureWordArray filtered_features;   /* what the host lacked */
    const struct X86CacheInfo *cache_info;   /* the model's caches */
    /* MSRs the accelerator proved unusable at vCPU creation */
    GArray *unsupported_msrs;    /* of uint32_t */
};

struct X86CPUClass {
    CPUClass parent_class;
    const char *model_name;      /* "qemu64", "max", "host" */
    const char *model_desc;
    bool host_cpuid_required;    /* "host": KVM only */
};

OBJECT_DECLARE_TYPE(X86CPU, X86CPUClass, X86_CPU)

static inline X86CPU *env_archcpu(CPUX86State *env)
{
    return container_of(env, X86CPU, env);
}
static inline CPUState *env_cpu(CPUX86State *env)
{
    return &env_archcpu(env)->parent_obj;
}

/* ---- cpu.c ("kvm") ---- */
/*
 * Create and realize vCPU 'index' of the machine: the type comes from
 * ms->cpu_model ("host,+x2apic" -> "host-x86_64-cpu"), the APIC id from
 * the -smp topology; features from the model, then the "+feat" list,
 * then filtered by the accelerator. Adds it under /machine/unattached.
 */
X86CPU *x86_cpu_new(MachineState *ms, int index, Error **errp);
/* APIC id of cpu 'index' under topo (bit fields per level, as Intel). */
uint32_t x86_apic_id_from_index(const CpuTopology *topo, unsigned index);
/* Re-derive topology leaves 1/4/0xB/0x1F (APIC ids, counts) in env->cpuid. */
void x86_cpu_set_topology_cpuid(X86CPU *cpu);
/* Find an entry in env->cpuid, or NULL. */
X86CPUIDEntry *x86_cpuid_find(CPUX86State *env, uint32_t function,
                              uint32_t index);
/* Add or replace an entry (index ignored unless flags say it matters). */
X86CPUIDEntry *x86_cpuid_set(CPUX86State *env, uint32_t function,
                             uint32_t index, uint32_t flags, uint32_t eax,
                             uint32_t ebx, uint32_t ecx, uint32_t edx);
/* Power-on / INIT state per the SDM (RESET keeps nothing, INIT keeps
 * MSRs, x87/SSE and the APIC base). */
void x86_cpu_reset_state(X86CPU *cpu, bool init_only);
/* Helper: load a real-mode style segment (base = sel << 4). */
void x86_cpu_set_real_segment(CPUX86State *env, int seg, uint16_t sel);
/* The userspace APIC path delivers SIPI: CS from vector, runnable. */
void x86_cpu_do_sipi(X86CPU *cpu, int vector);

/* ---- cpu-models.c ("memory") ---- */
/* "-cpu help" list. */
void x86_cpu_list(FILE *f);
/*
 * Fill env: vendor, level/xlevel, version, model_id, features[] for a
 * model name ("qemu64", "max", "host"). "max" and "host" take every
 * feature the accelerator supports (x86_accel_supported_features()).
 */
bool x86_cpu_load_model(X86CPU *cpu, const char *model, Error **errp);
/* "+feat,-feat,feat=on|off,check,enforce,model-id=..." after the model. */
bool x86_cpu_apply_features(X86CPU *cpu, const char *props, Error **errp);
/* Build env->cpuid[] from env's features/vendor/levels/model_id. */
void x86_cpu_build_cpuid(X86CPU *cpu);
/*
 * Drop from env->features what 'supported' lacks; remember it in
 * cpu->filtered_features. Warns "host doesn't support requested feature:
 * CPUID.01H:ECX.sse3 [bit 0]" per bit when check or enforce is set
 * (QEMU's wording); with enforce returns false and sets errp.
 */
bool x86_cpu_filter_features(X86CPU *cpu, const FeatureWordArray supported,
                             Error **errp);
/* Name of a feature bit ("sse3"), or NULL if unnamed. */
const char *x86_feature_name(FeatureWord w, int bit);
/* Which CPUID leaf/subleaf/register a feature word lives in
 * (reg: R_EAX/R_EBX/R_ECX/R_EDX). */
void x86_feature_word_cpuid(FeatureWord w, uint32_t *leaf, uint32_t *index,
                            int *reg);

/* ---- cpu-dump.c ("memory") ---- */
void x86_cpu_dump_state(CPUState *cs, GString *out, int flags);

/* ---- kvm.c ("kvm") ---- */
/*
 * Every feature bit the accelerator can give a guest (KVM_GET_SUPPORTED_
 * CPUID; under TCG x86_tcg_supported_features()); false when no accelerator restricts features (qtest: all set).
 */
bool x86_accel_supported_features(FeatureWordArray out);

/* ---- tcg/tcg-features.c ---- */
/* The feature bits the TCG front end implements (what TCG supports). */
void x86_tcg_supported_features(FeatureWordArray out);

#endif
