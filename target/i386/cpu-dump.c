/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "info registers" / "-d cpu_reset": the x86 register dump in the layout
 * QEMU 7.2 prints, so scripts and eyes trained on it keep working.
 * Long mode with a 64-bit CS shows 64-bit registers; otherwise 32-bit.
 * Segment attributes are decoded only in protected mode.
 */
#include "util/osdep.h"
#include "target/i386/cpu.h"

#define DESC_CS_MASK (1u << 11)   /* code segment */
#define DESC_C_MASK  (1u << 10)   /* conforming (code) */
#define DESC_E_MASK  (1u << 10)   /* expand-down (data) */
#define DESC_R_MASK  (1u << 9)    /* readable (code) */
#define DESC_W_MASK  (1u << 9)    /* writable (data) */

#define XSAVE_OPMASK_OFF   1088
#define XSAVE_ZMM_HI256_OFF 1152
#define XSAVE_HI16_ZMM_OFF 1664

static const char *const sys_types[2][16] = {
    {   /* legacy mode */
        "Reserved", "TSS16-avl", "LDT", "TSS16-busy",
        "CallGate16", "TaskGate", "IntGate16", "TrapGate16",
        "Reserved", "TSS32-avl", "Reserved", "TSS32-busy",
        "CallGate32", "Reserved", "IntGate32", "TrapGate32",
    },
    {   /* long mode */
        "<hiword>", "Reserved", "LDT", "Reserved", "Reserved",
        "Reserved", "Reserved", "Reserved", "Reserved",
        "TSS64-avl", "Reserved", "TSS64-busy", "CallGate64",
        "Reserved", "IntGate64", "TrapGate64",
    },
};

static void dump_seg(GString *out, const CPUX86State *env, const char *name,
                     const SegmentCache *sc, bool lma)
{
    uint32_t fl = sc->flags & ~DESC_UNUSABLE;

    if (lma) {
        g_string_append_printf(out, "%-3s=%04x %016" PRIx64 " %08x %08x",
                               name, sc->selector & 0xffff, sc->base,
                               sc->limit, fl);
    } else {
        g_string_append_printf(out, "%-3s=%04x %08x %08x %08x", name,
                               sc->selector & 0xffff, (uint32_t)sc->base,
                               sc->limit, fl);
    }
    if ((env->cr[0] & CR0_PE_MASK) && (fl & DESC_P_MASK)) {
        g_string_append_printf(out, " DPL=%d ",
                               (fl & DESC_DPL_MASK) >> DESC_DPL_SHIFT);
        if (fl & DESC_S_MASK) {
            if (fl & DESC_CS_MASK) {
                g_string_append_printf(out, "%s [%c%c",
                    (fl & DESC_L_MASK) ? "CS64" :
                    (fl & DESC_B_MASK) ? "CS32" : "CS16",
                    (fl & DESC_C_MASK) ? 'C' : '-',
                    (fl & DESC_R_MASK) ? 'R' : '-');
            } else {
                g_string_append_printf(out, "%s [%c%c",
                    ((fl & DESC_B_MASK) || lma) ? "DS  " : "DS16",
                    (fl & DESC_E_MASK) ? 'E' : '-',
                    (fl & DESC_W_MASK) ? 'W' : '-');
            }
            g_string_append_printf(out, "%c]", (fl & DESC_A_MASK) ? 'A' : '-');
        } else {
            g_string_append(out, sys_types[lma][(fl & DESC_TYPE_MASK) >>
                                                DESC_TYPE_SHIFT]);
        }
    }
    g_string_append_c(out, '\n');
}

static int cpu_cpl(const CPUX86State *env)
{
    if (!(env->cr[0] & CR0_PE_MASK)) {
        return 0;
    }
    if (env->rflags & RFLAGS_VM) {
        return 3;
    }
    return (env->segs[R_SS].flags & DESC_DPL_MASK) >> DESC_DPL_SHIFT;
}

static uint64_t xsave_q(const CPUX86State *env, size_t off)
{
    uint64_t v = 0;

    if (env->xsave_buf_valid && off + 8 <= X86_XSAVE_SIZE) {
        memcpy(&v, env->xsave_buf + off, 8);
    }
    return v;
}

/* Quadword q (0 = lowest) of vector register i as wide as ZMM. */
static uint64_t vec_q(const CPUX86State *env, int i, int q)
{
    if (i >= 16) {
        return xsave_q(env, XSAVE_HI16_ZMM_OFF + i * 64 - 16 * 64 + q * 8);
    }
    if (q < 2) {
        return env->xmm[i].q[q];
    }
    if (q < 4) {
        return env->ymmh[i].q[q - 2];
    }
    return xsave_q(env, XSAVE_ZMM_HI256_OFF + i * 32 + (q - 4) * 8);
}

static void dump_fpu(GString *out, const CPUX86State *env, bool cs64)
{
    const uint64_t avx512 = 0xe6, avx = 0x6;   /* XCR0 masks incl. SSE */
    int nb;

    g_string_append_printf(out, "FCW=%04x FSW=%04x [ST=%d] FTW=%02x "
                           "MXCSR=%08x\n", env->fpuc, env->fpus,
                           (env->fpus >> 11) & 7, env->fptag_abridged,
                           env->mxcsr);
    for (int i = 0; i < 8; i++) {
        g_string_append_printf(out, "FPR%d=%016" PRIx64 " %04x%s", i,
                               env->fpregs[i].mant, env->fpregs[i].exp,
                               (i & 1) ? "\n" : " ");
    }
    if ((env->xcr0 & avx512) == avx512) {
        for (int i = 0; i < 8; i++) {
            g_string_append_printf(out, "Opmask%02d=%016" PRIx64 "%s", i,
                                   xsave_q(env, XSAVE_OPMASK_OFF + i * 8),
                                   (i & 3) == 3 ? "\n" : " ");
        }
        nb = cs64 ? 32 : 8;
        for (int i = 0; i < nb; i++) {
            g_string_append_printf(out, "ZMM%02d=", i);
            for (int q = 7; q >= 0; q--) {
                g_string_append_printf(out, "%016" PRIx64 "%s",
                                       vec_q(env, i, q), q ? " " : "\n");
            }
        }
    } else if ((env->xcr0 & avx) == avx) {
        nb = cs64 ? 16 : 8;
        for (int i = 0; i < nb; i++) {
            g_string_append_printf(out, "YMM%02d=%016" PRIx64 " %016" PRIx64
                                   " %016" PRIx64 " %016" PRIx64 "\n", i,
                                   vec_q(env, i, 3), vec_q(env, i, 2),
                                   vec_q(env, i, 1), vec_q(env, i, 0));
        }
    } else {
        nb = cs64 ? 16 : 8;
        for (int i = 0; i < nb; i++) {
            g_string_append_printf(out, "XMM%02d=%016" PRIx64 " %016" PRIx64
                                   "%s", i, env->xmm[i].q[1], env->xmm[i].q[0],
                                   (i & 1) ? "\n" : " ");
        }
    }
}

void x86_cpu_dump_state(CPUState *cs, GString *out, int flags)
{
    X86CPU *cpu = container_of(cs, X86CPU, parent_obj);
    const CPUX86State *env = &cpu->env;
    bool lma = env->efer & MSR_EFER_LMA;
    bool cs64 = lma && (env->segs[R_CS].flags & DESC_L_MASK);
    uint32_t efl = env->rflags;
    static const char *const seg_names[CPU_NB_SEGS] = {
        "ES", "CS", "SS", "DS", "FS", "GS",
    };
    char fl[8] = {
        efl & (1u << 10) ? 'D' : '-', efl & (1u << 11) ? 'O' : '-',
        efl & (1u << 7) ? 'S' : '-', efl & (1u << 6) ? 'Z' : '-',
        efl & (1u << 4) ? 'A' : '-', efl & (1u << 2) ? 'P' : '-',
        efl & (1u << 0) ? 'C' : '-', 0,
    };

    if (cs64) {
        const uint64_t *r = env->regs;
        g_string_append_printf(out,
            "RAX=%016" PRIx64 " RBX=%016" PRIx64 " RCX=%016" PRIx64
            " RDX=%016" PRIx64 "\n"
            "RSI=%016" PRIx64 " RDI=%016" PRIx64 " RBP=%016" PRIx64
            " RSP=%016" PRIx64 "\n"
            "R8 =%016" PRIx64 " R9 =%016" PRIx64 " R10=%016" PRIx64
            " R11=%016" PRIx64 "\n"
            "R12=%016" PRIx64 " R13=%016" PRIx64 " R14=%016" PRIx64
            " R15=%016" PRIx64 "\n"
            "RIP=%016" PRIx64 " RFL=%08x",
            r[R_EAX], r[R_EBX], r[R_ECX], r[R_EDX],
            r[R_ESI], r[R_EDI], r[R_EBP], r[R_ESP],
            r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15],
            env->rip, efl);
    } else {
        const uint64_t *r = env->regs;
        g_string_append_printf(out,
            "EAX=%08x EBX=%08x ECX=%08x EDX=%08x\n"
            "ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n"
            "EIP=%08x EFL=%08x",
            (uint32_t)r[R_EAX], (uint32_t)r[R_EBX], (uint32_t)r[R_ECX],
            (uint32_t)r[R_EDX], (uint32_t)r[R_ESI], (uint32_t)r[R_EDI],
            (uint32_t)r[R_EBP], (uint32_t)r[R_ESP], (uint32_t)env->rip, efl);
    }
    g_string_append_printf(out, " [%s] CPL=%d II=%d A20=%d SMM=%d HLT=%d\n",
                           fl, cpu_cpl(env),
                           env->events.interrupt_shadow ? 1 : 0,
                           1 /* A20 is the chipset's; the CPU sees it on */,
                           env->events.smi_smm ? 1 : 0,
                           /* with the in-kernel irqchip, KVM holds the halt */
                           cs->halted || env->mp_state == X86_MP_HALTED);

    for (int i = 0; i < CPU_NB_SEGS; i++) {
        dump_seg(out, env, seg_names[i], &env->segs[i], lma);
    }
    dump_seg(out, env, "LDT", &env->ldt, lma);
    dump_seg(out, env, "TR", &env->tr, lma);
    if (lma) {
        g_string_append_printf(out, "GDT=     %016" PRIx64 " %08x\n"
                               "IDT=     %016" PRIx64 " %08x\n"
                               "CR0=%08x CR2=%016" PRIx64 " CR3=%016" PRIx64
                               " CR4=%08x\n", env->gdt.base, env->gdt.limit,
                               env->idt.base, env->idt.limit,
                               (uint32_t)env->cr[0], env->cr[2], env->cr[3],
                               (uint32_t)env->cr[4]);
    } else {
        g_string_append_printf(out, "GDT=     %08x %08x\n"
                               "IDT=     %08x %08x\n"
                               "CR0=%08x CR2=%08x CR3=%08x CR4=%08x\n",
                               (uint32_t)env->gdt.base, env->gdt.limit,
                               (uint32_t)env->idt.base, env->idt.limit,
                               (uint32_t)env->cr[0], (uint32_t)env->cr[2],
                               (uint32_t)env->cr[3], (uint32_t)env->cr[4]);
    }
    for (int i = 0; i < 4; i++) {
        g_string_append_printf(out, "DR%d=%016" PRIx64 " ", i, env->dr[i]);
    }
    g_string_append_printf(out, "\nDR6=%016" PRIx64 " DR7=%016" PRIx64 "\n"
                           "EFER=%016" PRIx64 "\n", env->dr[6], env->dr[7],
                           env->efer);
    if (flags & CPU_DUMP_FPU) {
        dump_fpu(out, env, cs64);
    }
}
