/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CPUID feature bits the TCG front end (target/i386/tcg/) really
 * implements. "-cpu max" under TCG takes exactly these; a named model or
 * a "+feat" asking for more is filtered with a warning, as QEMU does.
 * A bit belongs here only when the instructions, MSRs, CR4 bits and
 * page-walk rules it announces exist: a guest that sees a bit uses it
 * without asking (glibc picks string routines by CPUID, Linux sizes its
 * FPU state from XSAVE, switches to 5-level paging on LA57).
 */
#include "util/osdep.h"
#include "target/i386/cpu.h"
#include "target/i386/tcg/avx.h"

typedef struct TCGFeature {
    FeatureWord w;
    int bit;
    const char *why;    /* where it is implemented; documentation only */
} TCGFeature;

static const TCGFeature tcg_features[] = {
    /* CPUID[1].EDX: the qemu64 baseline. */
    { FEAT_1_EDX, 0, "fpu: every x87 insn on the host x87 (translate-x87.c, "
                     "fpu_helper.c, x87_env_helper.c); #MF with CR0.NE" },
    { FEAT_1_EDX, 2, "de: CR4.DE and DR4/5 aliasing in misc_helper.c" },
    { FEAT_1_EDX, 3, "pse: 4 MiB pages in mmu-walk.c" },
    { FEAT_1_EDX, 4, "tsc: RDTSC in translate-sys.c" },
    { FEAT_1_EDX, 5, "msr: RDMSR/WRMSR in misc_helper.c" },
    { FEAT_1_EDX, 6, "pae: PAE paging in mmu-walk.c" },
    { FEAT_1_EDX, 7, "mce: CR4.MCE accepted, machine checks never raised" },
    { FEAT_1_EDX, 8, "cx8: CMPXCHG8B" },
    { FEAT_1_EDX, 9, "apic: hw/intc/apic.c" },
    { FEAT_1_EDX, 11, "sep: SYSENTER/SYSEXIT and their MSRs" },
    { FEAT_1_EDX, 12, "mtrr: the MTRR MSRs are kept (no effect on TCG)" },
    { FEAT_1_EDX, 13, "pge: global pages survive CR3 writes" },
    { FEAT_1_EDX, 14, "mca: MCG_* MSRs" },
    { FEAT_1_EDX, 15, "cmov: CMOVcc" },
    { FEAT_1_EDX, 16, "pat: IA32_PAT kept (no caching on TCG)" },
    { FEAT_1_EDX, 17, "pse36: high address bits of 4 MiB PDEs in mmu-walk.c" },
    { FEAT_1_EDX, 19, "clflush: CLFLUSH is a fence here" },
    { FEAT_1_EDX, 23, "mmx: translate-mmx.c, mmx_helper.c (host MMX unit)" },
    { FEAT_1_EDX, 24, "fxsr: FXSAVE/FXRSTOR in fxsave_helper.c" },
    { FEAT_1_EDX, 25, "sse: translate-sse.c" },
    { FEAT_1_EDX, 26, "sse2: translate-sse.c" },
    { FEAT_1_EDX, 28, "ht: topology only, set from -smp" },
    /* CPUID[1].ECX */
    { FEAT_1_ECX, 0, "pni: SSE3 (LDDQU, the horizontal ops) in translate-sse.c" },
    { FEAT_1_ECX, 1, "pclmulqdq: PCLMULQDQ in translate-crypto.c" },
    { FEAT_1_ECX, 9, "ssse3: PSHUFB, PALIGNR, PHADD*, PSIGN*, PABS*" },
    { FEAT_1_ECX, 13, "cx16: CMPXCHG16B" },
    { FEAT_1_ECX, 17, "pcid: CR4.PCIDE; every switch flushes, which is allowed" },
    { FEAT_1_ECX, 19, "sse4.1: translate-sse.c and translate-sse41.c" },
    { FEAT_1_ECX, 20, "sse4.2: PCMPxSTRx, PCMPGTQ; CRC32 in translate-crypto.c" },
    { FEAT_1_ECX, 21, "x2apic: the x2APIC MSRs in hw/intc/apic.c" },
    { FEAT_1_ECX, 22, "movbe: MOVBE" },
    { FEAT_1_ECX, 23, "popcnt: POPCNT in translate-bits.c" },
    { FEAT_1_ECX, 24, "tsc-deadline: IA32_TSC_DEADLINE in hw/intc/apic.c" },
    { FEAT_1_ECX, 25, "aes: AES-NI in translate-crypto.c" },
    { FEAT_1_ECX, 26, "xsave: XSAVE/XRSTOR/XGETBV/XSETBV, xsave_helper.c" },
    { FEAT_1_ECX, 30, "rdrand: RDRAND from the host's random source" },
    { FEAT_1_ECX, 31, "hypervisor: we are one" },
    /* The VEX family: translate-avx.c, avx_helper.c (needs the host's
     * AVX2/FMA/F16C, see x86_tcg_supported_features) */
    { FEAT_1_ECX, 12, "fma: VFMADD/VFMSUB/VFNMADD/VFNMSUB*, host FMA" },
    { FEAT_1_ECX, 28, "avx: VEX.128/256 forms, YMM state, XCR0 bit 2" },
    { FEAT_1_ECX, 29, "f16c: VCVTPH2PS/VCVTPS2PH" },
    { FEAT_7_0_EBX, 5, "avx2: 256-bit integer ops, permutes, gathers" },
    /* CPUID[0xd,1].EAX */
    { FEAT_XSAVE, 0, "xsaveopt: XSAVEOPT (init optimization only)" },
    { FEAT_XSAVE, 1, "xsavec: XSAVEC and compacted XRSTOR" },
    { FEAT_XSAVE, 2, "xgetbv1: XGETBV(1) returns XINUSE" },
    /* CPUID[7,0].EBX */
    { FEAT_7_0_EBX, 0, "fsgsbase: RD/WR{FS,GS}BASE with CR4.FSGSBASE" },
    { FEAT_7_0_EBX, 3, "bmi1: ANDN, BEXTR, BLSI, BLSMSK, BLSR, TZCNT" },
    { FEAT_7_0_EBX, 7, "smep: enforced by mmu-walk.c" },
    { FEAT_7_0_EBX, 8, "bmi2: BZHI, MULX, PDEP, PEXT, RORX, SARX/SHLX/SHRX" },
    { FEAT_7_0_EBX, 9, "erms: REP MOVSB/STOSB work; only a speed hint" },
    { FEAT_7_0_EBX, 10, "invpcid: INVPCID in misc_helper.c" },
    { FEAT_7_0_EBX, 18, "rdseed: RDSEED" },
    { FEAT_7_0_EBX, 19, "adx: ADCX/ADOX" },
    { FEAT_7_0_EBX, 20, "smap: MMU_KSMAP_IDX, STAC/CLAC" },
    { FEAT_7_0_EBX, 23, "clflushopt: CLFLUSHOPT" },
    { FEAT_7_0_EBX, 24, "clwb: CLWB" },
    { FEAT_7_0_EBX, 29, "sha-ni: SHA1*/SHA256* in translate-crypto.c" },
    /* CPUID[7,0].ECX */
    { FEAT_7_0_ECX, 2, "umip: SGDT/SIDT/SLDT/SMSW/STR fault at CPL>0" },
    { FEAT_7_0_ECX, 3, "pku: PKRU checks in mmu-walk.c, RDPKRU/WRPKRU" },
    { FEAT_7_0_ECX, 22, "rdpid: RDPID" },
    /* CPUID[7,0].EDX */
    { FEAT_7_0_EDX, 4, "fsrm: fast short REP MOVSB, only a speed hint" },
    { FEAT_7_0_EDX, 14, "serialize: SERIALIZE" },
    /* CPUID[0x80000001] */
    { FEAT_8000_0001_EDX, 11, "syscall: SYSCALL/SYSRET" },
    { FEAT_8000_0001_EDX, 20, "nx: EFER.NXE and the XD bit in mmu-walk.c" },
    { FEAT_8000_0001_EDX, 26, "pdpe1gb: 1 GiB pages in mmu-walk.c" },
    { FEAT_8000_0001_EDX, 27, "rdtscp: RDTSCP and IA32_TSC_AUX" },
    { FEAT_8000_0001_EDX, 29, "lm: long mode" },
    { FEAT_8000_0001_ECX, 0, "lahf-lm: LAHF/SAHF in 64-bit mode" },
    { FEAT_8000_0001_ECX, 5, "abm: LZCNT in translate-bits.c" },
    { FEAT_8000_0001_ECX, 8, "3dnowprefetch: PREFETCHW is a hint" },
    { FEAT_8000_0001_ECX, 22, "topoext: leaves 0x8000001D/0x8000001E "
      "(cpu-cache.c, cpu-models.c)" },
    /* CPUID[6].EAX */
    { FEAT_6_EAX, 2, "arat: the APIC timer runs on the virtual clock always" },
};

/*
 * Deliberately absent:
 * - xsaves/xrstors and IA32_XSS: no supervisor state components.
 * - avx512*, and the XCR0 components beyond x87, SSE, AVX and PKRU: no
 *   EVEX encodings.
 * - avx, avx2, fma, f16c on a host without AVX2/FMA/F16C: their helpers
 *   run the host's own instructions.
 * - The VEX forms of DPPS/DPPD, MPSADBW and PHMINPOSUW are not
 *   translated (#UD with a log line); their SSE4.1 forms are.
 * - la57: the walker knows 5-level tables, but Linux under TCG with it
 *   has not been shown to boot; offered once a guest test does.
 * - monitor: MONITOR/MWAIT exist, but Linux would idle in MWAIT instead
 *   of HLT, a path no guest test covers yet.
 * - vmx/svm: no nested virtualization under TCG.
 * - the KVM paravirt leaf (kvmclock, async PF, PV EOI...): KVM's.
 * - spec-ctrl, arch-capabilities, md-clear: mitigation MSRs not modelled.
 * - mmxext, 3dnow, 3dnowext (AMD): the MMX additions mmxext names come
 *   with SSE and are translated; 3DNow! (0F 0F) is not.
 */

/* avx_helper.c runs the host's AVX2/FMA/F16C instructions */
bool avx_host_ok(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
           __builtin_cpu_supports("f16c");
}

void x86_tcg_supported_features(FeatureWordArray out)
{
    memset(out, 0, sizeof(FeatureWordArray));
    for (size_t i = 0; i < ARRAY_SIZE(tcg_features); i++) {
        out[tcg_features[i].w] |= 1u << tcg_features[i].bit;
    }
    /* XCR0: x87, SSE, AVX (YMM upper halves), PKRU; xsave_helper.c */
    out[FEAT_XSAVE_XCR0_LO] = 0x7 | (1u << 9);
    out[FEAT_XSAVE_XCR0_HI] = 0;
    if (!avx_host_ok()) {
        out[FEAT_1_ECX] &= ~((1u << 12) | (1u << 28) | (1u << 29));
        out[FEAT_7_0_EBX] &= ~(1u << 5);
        out[FEAT_XSAVE_XCR0_LO] &= ~4u;
    }
}
