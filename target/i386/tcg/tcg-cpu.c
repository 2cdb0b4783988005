/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 CPU's hooks for the TCG runtime (TCGCPUOps): the block key,
 * state restore at a faulting insn, hflags, entering and leaving the exec
 * loop (RFLAGS split into lazy flags and back), and taking INIT, SIPI,
 * NMI and external interrupts at block boundaries.
 */
#include "target/i386/tcg/sys-helpers.h"
#include "hw/intc/apic.h"
#include "util/main-loop.h"
#include "util/log.h"

#define CR4_SMAP_MASK  (1u << 21)
#define CR4_UMIP_MASK  (1u << 11)
#define CR4_PKE_MASK   (1u << 22)

void x86_update_hflags(CPUX86State *env)
{
    /* the transient bits are not derived from the state: keep them */
    uint32_t h = env->hflags & (HF_INHIBIT_IRQ | HF_SINGLESTEP);
    uint64_t cr0 = env->cr[0], cr4 = env->cr[4], fl = env->rflags;
    uint32_t cs = env->segs[R_CS].flags, ss = env->segs[R_SS].flags;
    unsigned cpl;

    if (!(cr0 & CR0_PE_MASK)) {
        cpl = 0;
    } else if (fl & RFLAGS_VM) {
        cpl = 3;
    } else {
        /* SS.DPL is CPL everywhere the two could disagree (a null SS in
         * 64-bit mode keeps the DPL it was loaded with) */
        cpl = (ss & DESC_DPL_MASK) >> DESC_DPL_SHIFT;
    }
    h |= cpl << HF_CPL_SHIFT;
    if (cr0 & CR0_PE_MASK) {
        h |= HF_PE;
    }
    h |= cr0 & CR0_MP_MASK ? HF_MP : 0;
    h |= cr0 & CR0_EM_MASK ? HF_EM : 0;
    h |= cr0 & CR0_TS_MASK ? HF_TS : 0;
    h |= cr0 & CR0_PG_MASK ? HF_PG : 0;
    h |= fl & RFLAGS_TF ? HF_TF : 0;
    h |= fl & RFLAGS_RF ? HF_RF : 0;
    h |= fl & RFLAGS_AC ? HF_AC : 0;
    h |= ((fl >> 12) & 3) << HF_IOPL_SHIFT;
    h |= cr4 & CR4_OSFXSR_MASK ? HF_OSFXSR : 0;
    h |= cr4 & CR4_SMAP_MASK ? HF_SMAP : 0;
    h |= cr4 & CR4_UMIP_MASK ? HF_UMIP : 0;
    h |= cr4 & CR4_OSXSAVE_MASK ? HF_OSXSAVE : 0;
    h |= cr4 & CR4_PKE_MASK ? HF_PKE : 0;
    /* VEX encodings #UD unless the OS enabled the YMM state */
    h |= (cr4 & CR4_OSXSAVE_MASK) && (env->xcr0 & 6) == 6 ? HF_AVX_EN : 0;
    if (env->efer & MSR_EFER_LMA) {
        h |= HF_LMA;
    }
    if (fl & RFLAGS_VM) {
        h |= HF_VM | HF_ADDSEG;
    } else {
        if ((h & HF_LMA) && (cs & DESC_L_MASK)) {
            h |= HF_CS64 | HF_CS32 | HF_SS32;
        } else {
            h |= cs & DESC_B_MASK ? HF_CS32 : 0;
            h |= ss & DESC_B_MASK ? HF_SS32 : 0;
        }
        if (h & HF_CS64) {
            /* no segment bases but FS/GS in 64-bit mode */
        } else if (!(h & HF_PE) || !(h & HF_CS32) ||
                   (env->segs[R_DS].base | env->segs[R_ES].base |
                    env->segs[R_SS].base) != 0) {
            h |= HF_ADDSEG;
        }
    }
    env->hflags = h;
}

static void x86_get_tb_cpu_state(CPUState *cs, uint64_t *pc,
                                 uint64_t *cs_base, uint32_t *flags)
{
    CPUX86State *env = cpu_env(cs);

    *cs_base = env->segs[R_CS].base;
    *pc = *cs_base + env->rip;
    if (!(env->hflags & HF_CS64)) {
        *pc &= 0xffffffffull;
    }
    *flags = env->hflags;
}

static void x86_restore_state_to_opc(CPUState *cs, const TranslationBlock *tb,
                                     const uint64_t *data)
{
    CPUX86State *env = cpu_env(cs);

    env->rip = data[0];
    if (data[1] != CC_OP_DYNAMIC) {
        env->cc_op = data[1];
    }
}

static int x86_tcg_mmu_index(CPUState *cs, bool ifetch)
{
    return x86_mmu_index(cpu_env(cs), ifetch);
}

static void x86_cpu_exec_enter(CPUState *cs)
{
    CPUX86State *env = cpu_env(cs);

    /* Everything outside the loop (reset, monitor, gdbstub, loaders)
     * works on rflags and the event fields: rebuild the loop's view. */
    env->cc_src = env->rflags & CC_OSZAPC;
    env->cc_op = CC_OP_EFLAGS;
    env->hflags &= ~HF_INHIBIT_IRQ;
    if (env->events.interrupt_shadow) {
        env->hflags |= HF_INHIBIT_IRQ;
    }
    env->hflags &= ~HF_SINGLESTEP;
    if (cs->singlestep_enabled) {
        env->hflags |= HF_SINGLESTEP;
    }
    env->nmi_blocked = env->events.nmi_masked;
    if (cs->exception_index < 0) {
        /* no exception half delivered: nothing for #DF to build on */
        env->old_exception = -1;
    }
    x86_update_hflags(env);
}

static void x86_cpu_exec_exit(CPUState *cs)
{
    CPUX86State *env = cpu_env(cs);

    env->rflags = cpu_compute_eflags(env);
    env->cc_src = env->rflags & CC_OSZAPC;
    env->cc_op = CC_OP_EFLAGS;
    env->events.interrupt_shadow = !!(env->hflags & HF_INHIBIT_IRQ);
    env->events.nmi_masked = env->nmi_blocked;
}

/* INIT: the architectural INIT state, then wait for a SIPI. */
static void x86_do_init(CPUState *cs)
{
    X86CPU *cpu = X86_CPU(cs);
    CPUX86State *env = &cpu->env;
    /* The reset clears interrupt_request; a SIPI that came right behind
     * the INIT (Linux sends INIT, SIPI, SIPI back to back, and a busy
     * host may run this vCPU only after all three) must survive it. */
    uint32_t sipi = __atomic_load_n(&cs->interrupt_request,
                                    __ATOMIC_ACQUIRE) & CPU_INTERRUPT_SIPI;

    x86_cpu_reset_state(cpu, true);
    if (sipi) {
        __atomic_or_fetch(&cs->interrupt_request, sipi, __ATOMIC_RELEASE);
    }
    env->cc_src = 0;
    env->cc_op = CC_OP_EFLAGS;
    env->hflags = 0;
    env->nmi_blocked = false;
    env->old_exception = -1;
    x86_update_hflags(env);
    tlb_flush(cs);
}

static bool x86_cpu_exec_interrupt(CPUState *cs, uint32_t req)
{
    X86CPU *cpu = X86_CPU(cs);
    CPUX86State *env = &cpu->env;

    if (req & CPU_INTERRUPT_INIT) {
        cpu_reset_interrupt(cs, CPU_INTERRUPT_INIT);
        x86_do_init(cs);
        req = __atomic_load_n(&cs->interrupt_request, __ATOMIC_ACQUIRE);
    }
    if (req & CPU_INTERRUPT_SIPI) {
        cpu_reset_interrupt(cs, CPU_INTERRUPT_SIPI);
        if (env->mp_state == X86_MP_INIT_RECEIVED ||
            env->mp_state == X86_MP_UNINITIALIZED) {
            int vector;
            bql_lock();
            vector = cpu->apic ? apic_get_sipi_vector(cpu->apic) : 0;
            bql_unlock();
            x86_cpu_do_sipi(cpu, vector);
            x86_update_hflags(env);
            return true;
        }
    }
    if (env->mp_state == X86_MP_INIT_RECEIVED ||
        env->mp_state == X86_MP_UNINITIALIZED) {
        /* an AP waiting for its SIPI runs nothing */
        cs->halted = true;
        cs->exception_index = EXCP_HLT;
        cpu_loop_exit(cs);
    }
    if (req & CPU_INTERRUPT_SMI) {
        /* no SMM yet: dropped, or a halted CPU would spin on it */
        cpu_reset_interrupt(cs, CPU_INTERRUPT_SMI);
        kemu_log_mask(LOG_UNIMP, "SMI ignored: SMM is not emulated\n");
    }
    if ((req & CPU_INTERRUPT_NMI) && !env->nmi_blocked) {
        cpu_reset_interrupt(cs, CPU_INTERRUPT_NMI);
        env->nmi_blocked = true;
        cs->halted = false;
        env->mp_state = X86_MP_RUNNABLE;
        x86_do_interrupt_all(env, EXCP02_NMI, false, 0, 0, true);
        return true;
    }
    if ((req & CPU_INTERRUPT_HARD) &&
        (env->rflags & RFLAGS_IF) && !(env->hflags & HF_INHIBIT_IRQ)) {
        int vector;

        bql_lock();
        vector = x86_intc_get_interrupt(cs);
        bql_unlock();
        if (vector >= 0) {
            kemu_log_mask(LOG_INT, "Servicing hardware INT=0x%02x\n",
                          vector);
            cs->halted = false;
            env->mp_state = X86_MP_RUNNABLE;
            x86_do_interrupt_all(env, vector, false, 0, 0, true);
            return true;
        }
    }
    return false;
}

/* The TSC the LAPIC's deadline timer compares with: the one RDTSC and
 * the TSC MSR see. */
static uint64_t x86_tcg_apic_tsc(CPUState *cs)
{
    return x86_get_tsc(&X86_CPU(cs)->env);
}

static void x86_tcg_initialize(void)
{
    uint64_t khz = first_cpu ? X86_CPU(first_cpu)->env.tsc_khz : 0;

    apic_set_tsc_source(x86_tcg_apic_tsc, khz ? khz * 1000 : 1000000000ull);
    x86_translate_init();
}

/* -d in_asm: the disassembler's mode for a block */
static int x86_tcg_code_bits(uint32_t flags)
{
    return (flags & HF_CS64) ? 64 : (flags & HF_CS32) ? 32 : 16;
}

const TCGCPUOps x86_tcg_ops = {
    .env_offset = offsetof(X86CPU, env),
    .initialize = x86_tcg_initialize,
    .translate_code = x86_translate_code,
    .get_tb_cpu_state = x86_get_tb_cpu_state,
    .restore_state_to_opc = x86_restore_state_to_opc,
    .cpu_exec_interrupt = x86_cpu_exec_interrupt,
    .do_interrupt = x86_cpu_do_interrupt,
    .tlb_fill = x86_cpu_tlb_fill,
    .do_unaligned_access = x86_cpu_do_unaligned_access,
    .mmu_index = x86_tcg_mmu_index,
    .cpu_exec_enter = x86_cpu_exec_enter,
    .cpu_exec_exit = x86_cpu_exec_exit,
    .code_bits = x86_tcg_code_bits,
};

/* The only target: its hooks are in place before any accelerator
 * starts (constructors run before main). */
static void __attribute__((constructor)) x86_tcg_register(void)
{
    tcg_register_cpu_ops(&x86_tcg_ops);
}
