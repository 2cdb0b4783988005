/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 system helpers without translated code: a vCPU with the TCG
 * runtime's TLB over 16 MiB of RAM, helpers called directly, exceptions
 * caught where the exec loop would catch them (cpu->jmp_env). Covers
 * hflags, MSR rules, segment loads with their checks, interrupt frames
 * in real, protected and long mode, #PF through the TLB fill, and the
 * double-fault rule.
 */
#include "util/osdep.h"
#include "target/i386/tcg/sys-helpers.h"
#include "target/i386/mmu-walk.h"
#include "accel/tcg/internal.h"
#include "util/error.h"
#include "util/rcu.h"

#define RAM_SIZE (16 * MiB)

static X86CPU *cpu;
static CPUX86State *env;
static uint8_t *ram;

#define GDT   0x1000
#define IDT   0x2000
#define TSS   0x3000
#define STACK 0x9000             /* top of the inner stack */

static void put32(uint64_t a, uint32_t v)
{
    memcpy(ram + a, &v, 4);
}

static void put64(uint64_t a, uint64_t v)
{
    memcpy(ram + a, &v, 8);
}

static uint32_t get32(uint64_t a)
{
    uint32_t v;
    memcpy(&v, ram + a, 4);
    return v;
}

static uint64_t get64(uint64_t a)
{
    uint64_t v;
    memcpy(&v, ram + a, 8);
    return v;
}

/* A code/data descriptor: type 0xa code (readable), 0x2 data (writable) */
static void put_desc(int index, uint32_t base, uint32_t limit, uint32_t type,
                     int dpl, bool present, uint32_t extra)
{
    uint32_t e1 = (limit & 0xffff) | (base << 16);
    uint32_t e2 = ((base >> 16) & 0xff) | (base & 0xff000000) |
                  (limit & 0xf0000) | (type << 8) | DESC_S_MASK |
                  (dpl << 13) | (present ? DESC_P_MASK : 0) | extra;

    put32(GDT + index * 8, e1);
    put32(GDT + index * 8 + 4, e2);
}

static void reset_cpu(void)
{
    CPUState *cs = CPU(cpu);

    memset(ram, 0, RAM_SIZE);
    memset(env->regs, 0, sizeof(env->regs));
    memset(env->segs, 0, sizeof(env->segs));
    env->rip = 0x100;
    env->rflags = RFLAGS_FIXED;
    env->cr[0] = CR0_ET_MASK;
    env->cr[3] = env->cr[4] = 0;
    env->efer = 0;
    env->hflags = 0;
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src = 0;
    env->old_exception = -1;
    env->gdt = (SegmentCache){ .base = GDT, .limit = 0x7f };
    env->idt = (SegmentCache){ .base = IDT, .limit = 0x7ff };
    env->phys_bits = 40;
    env->features[FEAT_1_EDX] = CPUID_MTRR | CPUID_PAT | CPUID_PAE |
                                CPUID_MCE | CPUID_MCA;
    env->features[FEAT_8000_0001_EDX] = CPUID_EXT2_SYSCALL | CPUID_EXT2_NX |
                                        CPUID_EXT2_LM;
    for (int i = 0; i < CPU_NB_SEGS; i++) {
        env->segs[i].limit = 0xffff;
        env->segs[i].flags = DESC_P_MASK | DESC_S_MASK | DESC_A_MASK |
                             (3 << DESC_TYPE_SHIFT);
    }
    cs->exception_index = -1;
    tlb_flush(cs);
    x86_update_hflags(env);
}

/* Flat 32-bit protected mode at CPL cpl (GDT: 1 code0, 2 data0, 3 code3,
 * 4 data3). */
static void enter_prot32(int cpl)
{
    put_desc(1, 0, 0xfffff, 0xb, 0, true, DESC_G_MASK | DESC_B_MASK);
    put_desc(2, 0, 0xfffff, 0x3, 0, true, DESC_G_MASK | DESC_B_MASK);
    put_desc(3, 0, 0xfffff, 0xb, 3, true, DESC_G_MASK | DESC_B_MASK);
    put_desc(4, 0, 0xfffff, 0x3, 3, true, DESC_G_MASK | DESC_B_MASK);
    env->cr[0] |= CR0_PE_MASK;
    for (int i = 0; i < CPU_NB_SEGS; i++) {
        int d = cpl ? 4 : 2;
        env->segs[i] = (SegmentCache){
            .selector = d * 8 | cpl, .limit = 0xffffffff,
            .flags = DESC_G_MASK | DESC_B_MASK | DESC_P_MASK | DESC_S_MASK |
                     DESC_A_MASK | (3 << DESC_TYPE_SHIFT) | (cpl << 13) };
    }
    env->segs[R_CS].selector = (cpl ? 3 : 1) * 8 | cpl;
    env->segs[R_CS].flags |= 0xb << DESC_TYPE_SHIFT;
    tlb_flush(CPU(cpu));
    x86_update_hflags(env);
}

/* Runs fn; returns the vector it raised, or -1. */
static int catch(void (*fn)(void))
{
    CPUState *cs = CPU(cpu);

    cs->exception_index = -1;
    if (sigsetjmp(cs->jmp_env, 0) == 0) {
        fn();
        return -1;
    }
    return cs->exception_index;
}

/* ---- hflags ---- */

static void test_hflags(void)
{
    reset_cpu();
    g_assert_cmphex(env->hflags & (HF_PE | HF_CS32 | HF_CPL_MASK), ==, 0);
    g_assert_true(env->hflags & HF_ADDSEG);
    enter_prot32(3);
    g_assert_cmpuint(env->hflags & HF_CPL_MASK, ==, 3);
    g_assert_true(env->hflags & HF_CS32);
    g_assert_true(env->hflags & HF_SS32);
    g_assert_false(env->hflags & HF_ADDSEG);   /* flat */
    g_assert_true(env->hflags & HF_PE);
    env->rflags |= RFLAGS_VM | (3 << 12);
    x86_update_hflags(env);
    g_assert_true(env->hflags & HF_VM);
    g_assert_cmpuint((env->hflags & HF_IOPL_MASK) >> HF_IOPL_SHIFT, ==, 3);
    g_assert_false(env->hflags & HF_CS32);
    /* 64-bit: CS.L with LMA */
    reset_cpu();
    enter_prot32(0);
    env->efer = MSR_EFER_LME | MSR_EFER_LMA;
    env->cr[0] |= CR0_PG_MASK;
    env->segs[R_CS].flags = (env->segs[R_CS].flags & ~DESC_B_MASK) |
                            DESC_L_MASK;
    env->hflags |= HF_INHIBIT_IRQ;
    x86_update_hflags(env);
    g_assert_true(env->hflags & HF_CS64);
    g_assert_true(env->hflags & HF_LMA);
    g_assert_true(env->hflags & HF_PG);
    g_assert_true(env->hflags & HF_INHIBIT_IRQ);   /* kept */
    g_assert_cmpint(x86_mmu_index(env, false), ==, MMU_KNOSMAP_IDX);
}

/* ---- MSRs ---- */

static uint32_t wr_msr;
static uint64_t wr_val;

static void do_wrmsr(void)
{
    env->regs[R_ECX] = wr_msr;
    env->regs[R_EAX] = (uint32_t)wr_val;
    env->regs[R_EDX] = wr_val >> 32;
    helper_wrmsr(env);
}

static void do_rdmsr(void)
{
    env->regs[R_ECX] = wr_msr;
    helper_rdmsr(env);
}

static int wrmsr(uint32_t msr, uint64_t val)
{
    wr_msr = msr;
    wr_val = val;
    env->old_exception = -1;      /* the last #GP was delivered */
    return catch(do_wrmsr);
}

static uint64_t rdmsr(uint32_t msr)
{
    wr_msr = msr;
    g_assert_cmpint(catch(do_rdmsr), ==, -1);
    return (uint32_t)env->regs[R_EAX] | (env->regs[R_EDX] << 32);
}

static void test_msr(void)
{
    reset_cpu();
    /* EFER: known bits only, LMA kept, LME frozen while paging */
    g_assert_cmpint(wrmsr(MSR_EFER, MSR_EFER_SCE | MSR_EFER_LME |
                          MSR_EFER_NXE), ==, -1);
    g_assert_cmphex(rdmsr(MSR_EFER), ==, MSR_EFER_SCE | MSR_EFER_LME |
                    MSR_EFER_NXE);
    g_assert_cmpint(wrmsr(MSR_EFER, 1ull << 2), ==, EXCP0D_GPF);
    g_assert_cmpint(env->error_code, ==, 0);
    env->cr[0] |= CR0_PG_MASK | CR0_PE_MASK;
    g_assert_cmpint(wrmsr(MSR_EFER, MSR_EFER_SCE), ==, EXCP0D_GPF);
    env->cr[0] &= ~(uint64_t)(CR0_PG_MASK | CR0_PE_MASK);
    /* NX not in the model: NXE is reserved */
    env->features[FEAT_8000_0001_EDX] &= ~CPUID_EXT2_NX;
    g_assert_cmpint(wrmsr(MSR_EFER, MSR_EFER_NXE), ==, EXCP0D_GPF);
    /* PAT: every byte a valid type */
    g_assert_cmpint(wrmsr(MSR_PAT, 0x0007010600070106ull), ==, -1);
    g_assert_cmphex(rdmsr(MSR_PAT), ==, 0x0007010600070106ull);
    g_assert_cmpint(wrmsr(MSR_PAT, 0x0002000000000000ull), ==, EXCP0D_GPF);
    /* MTRRs */
    g_assert_cmphex(rdmsr(MSR_MTRRcap) & 0xff, ==, 8);
    g_assert_cmpint(wrmsr(MSR_MTRRphysBase(1), 0x80000006), ==, -1);
    g_assert_cmphex(rdmsr(MSR_MTRRphysBase(1)), ==, 0x80000006);
    g_assert_cmpint(wrmsr(MSR_MTRRphysBase(1), 0x80000002), ==, EXCP0D_GPF);
    g_assert_cmpint(wrmsr(MSR_MTRRphysMask(0), 1ull << 45), ==, EXCP0D_GPF);
    g_assert_cmpint(wrmsr(MSR_MTRRdefType, 0xc06), ==, -1);
    /* bases must be canonical */
    g_assert_cmpint(wrmsr(MSR_FSBASE, 0xffff800000001000ull), ==, -1);
    g_assert_cmphex(env->segs[R_FS].base, ==, 0xffff800000001000ull);
    g_assert_cmpint(wrmsr(MSR_GSBASE, 0x0000800000000000ull), ==,
                    EXCP0D_GPF);
    g_assert_cmpint(wrmsr(MSR_LSTAR, 0x8000000000000000ull), ==, EXCP0D_GPF);
    /* MCE banks as Linux programs them */
    g_assert_cmphex(rdmsr(MSR_MCG_CAP) & 0xff, ==, 10);
    g_assert_cmpint(wrmsr(0x400, ~0ull), ==, -1);
    g_assert_cmpint(wrmsr(0x401, 0), ==, -1);
    g_assert_cmpint(wrmsr(0x401, 1), ==, EXCP0D_GPF);
    g_assert_cmpint(wrmsr(0x410, ~0ull & ~(1ull << 10)), ==, -1);
    g_assert_cmpint(wrmsr(0x410, 0xff), ==, EXCP0D_GPF);
    /* TSC: a write moves the counter there */
    g_assert_cmpint(wrmsr(MSR_IA32_TSC, 1ull << 50), ==, -1);
    g_assert_cmpuint(rdmsr(MSR_IA32_TSC), >=, 1ull << 50);
    /* unknown MSRs and CPL 3 */
    g_assert_cmpint(wrmsr(0x12345, 0), ==, EXCP0D_GPF);
    enter_prot32(3);
    g_assert_cmpint(wrmsr(MSR_STAR, 0), ==, EXCP0D_GPF);
}

/* ---- segment loads ---- */

static uint32_t ld_seg, ld_sel;

static void do_load_seg(void)
{
    helper_load_seg(env, ld_seg, ld_sel);
}

static int load_seg(int seg, uint32_t sel)
{
    ld_seg = seg;
    ld_sel = sel;
    env->old_exception = -1;
    return catch(do_load_seg);
}

static void test_load_seg(void)
{
    reset_cpu();
    /* real mode: base = selector << 4, limit kept (big real mode) */
    env->segs[R_DS].limit = 0xffffffff;
    g_assert_cmpint(load_seg(R_DS, 0x1234), ==, -1);
    g_assert_cmphex(env->segs[R_DS].base, ==, 0x12340);
    g_assert_cmphex(env->segs[R_DS].limit, ==, 0xffffffff);

    enter_prot32(0);
    put_desc(5, 0x12345678, 0xfff, 0x2, 0, true, 0);
    put_desc(6, 0, 0xfff, 0x3, 0, false, 0);         /* not present */
    put_desc(7, 0, 0xfff, 0x8, 0, true, 0);          /* execute-only */
    put_desc(8, 0, 0xfff, 0x3, 3, true, 0);
    g_assert_cmpint(load_seg(R_ES, 5 * 8), ==, -1);
    g_assert_cmphex(env->segs[R_ES].base, ==, 0x12345678);
    g_assert_cmphex(env->segs[R_ES].limit, ==, 0xfff);
    g_assert_true(get32(GDT + 5 * 8 + 4) & DESC_A_MASK);  /* accessed */
    g_assert_true(env->hflags & HF_ADDSEG);
    g_assert_cmpint(load_seg(R_DS, 0), ==, -1);           /* null DS */
    g_assert_cmpint(load_seg(R_SS, 0), ==, EXCP0D_GPF);   /* null SS */
    g_assert_cmpint(env->error_code, ==, 0);
    g_assert_cmpint(load_seg(R_DS, 0x100 * 8), ==, EXCP0D_GPF); /* limit */
    g_assert_cmpint(env->error_code, ==, 0x800);
    g_assert_cmpint(load_seg(R_DS, 6 * 8), ==, EXCP0B_NOSEG);
    g_assert_cmpint(env->error_code, ==, 6 * 8);
    g_assert_cmpint(load_seg(R_SS, 6 * 8), ==, EXCP0C_STACK);
    g_assert_cmpint(load_seg(R_DS, 7 * 8), ==, EXCP0D_GPF);
    g_assert_cmpint(load_seg(R_SS, 8 * 8), ==, EXCP0D_GPF);   /* DPL 3 */
    g_assert_cmpint(load_seg(R_SS, 5 * 8 + 1), ==, EXCP0D_GPF); /* RPL */
    /* CPL 3 may not load a DPL 0 data segment */
    enter_prot32(3);
    g_assert_cmpint(load_seg(R_DS, 5 * 8 + 3), ==, EXCP0D_GPF);
    g_assert_cmpint(load_seg(R_DS, 8 * 8 + 3), ==, -1);
}

/* ---- interrupt delivery ---- */

static int deliver_vec;
static bool deliver_is_int, deliver_hw;
static uint32_t deliver_err;

static void do_deliver(void)
{
    x86_do_interrupt_all(env, deliver_vec, deliver_is_int, deliver_err,
                         env->rip + 2, deliver_hw);
}

static int deliver(int vec, bool is_int, uint32_t err)
{
    deliver_vec = vec;
    deliver_is_int = is_int;
    deliver_err = err;
    /* what raise left in old_exception is kept: it is what #DF checks */
    return catch(do_deliver);
}

static void test_real_mode_int(void)
{
    reset_cpu();
    env->idt = (SegmentCache){ .base = 0, .limit = 0x3ff };
    put32(0x21 * 4, 0xf000e987);      /* IVT[0x21] = f000:e987 */
    env->segs[R_CS].selector = 0x1000;
    env->segs[R_CS].base = 0x10000;
    env->segs[R_SS].base = 0x20000;
    env->regs[R_ESP] = 0x100;
    env->rflags |= RFLAGS_IF | RFLAGS_TF;
    x86_update_hflags(env);
    g_assert_cmpint(deliver(0x21, true, 0), ==, -1);
    g_assert_cmphex(env->segs[R_CS].selector, ==, 0xf000);
    g_assert_cmphex(env->segs[R_CS].base, ==, 0xf0000);
    g_assert_cmphex(env->rip, ==, 0xe987);
    g_assert_cmphex(env->regs[R_ESP], ==, 0xfa);
    /* IP (the next insn for INT n), CS, FLAGS */
    g_assert_cmphex(get32(0x200fa) & 0xffff, ==, 0x102);
    g_assert_cmphex(get32(0x200fc) & 0xffff, ==, 0x1000);
    g_assert_cmphex(get32(0x200fe) & 0xffff, ==,
                    RFLAGS_FIXED | RFLAGS_IF | RFLAGS_TF);
    g_assert_false(env->rflags & (RFLAGS_IF | RFLAGS_TF));
}

static void put_gate32(int vec, uint32_t sel, uint32_t off, int type, int dpl)
{
    put32(IDT + vec * 8, (off & 0xffff) | (sel << 16));
    put32(IDT + vec * 8 + 4, (off & 0xffff0000) | DESC_P_MASK | (dpl << 13) |
          (type << 8));
}

static void test_prot32_inner_stack(void)
{
    reset_cpu();
    enter_prot32(3);
    /* a 32-bit TSS with SS0:ESP0 = 0x10:STACK */
    env->tr = (SegmentCache){ .selector = 0x48, .base = TSS, .limit = 0x67,
                              .flags = DESC_P_MASK | (0xb << 8) };
    put32(TSS + 4, STACK);
    put32(TSS + 8, 0x10);
    put_gate32(13, 0x08, 0x12345678, 0xe, 0);       /* interrupt gate */
    put_gate32(0x80, 0x08, 0x87654321, 0xf, 3);     /* trap gate, DPL 3 */
    put_gate32(0x81, 0x08, 0x87654321, 0xf, 0);     /* DPL 0 */
    env->regs[R_ESP] = 0x7000;
    env->rip = 0x4000;
    env->rflags |= RFLAGS_IF;
    x86_update_hflags(env);

    g_assert_cmpint(deliver(13, false, 0x1234), ==, -1);
    g_assert_cmphex(env->segs[R_CS].selector, ==, 0x08);
    g_assert_cmphex(env->segs[R_SS].selector, ==, 0x10);
    g_assert_cmpuint(env->hflags & HF_CPL_MASK, ==, 0);
    g_assert_cmphex(env->rip, ==, 0x12345678);
    g_assert_cmphex(env->regs[R_ESP], ==, STACK - 24);
    g_assert_cmphex(get32(STACK - 24), ==, 0x1234);     /* error code */
    g_assert_cmphex(get32(STACK - 20), ==, 0x4000);     /* EIP */
    g_assert_cmphex(get32(STACK - 16), ==, 0x1b);       /* CS */
    g_assert_cmphex(get32(STACK - 12), ==, RFLAGS_FIXED | RFLAGS_IF);
    g_assert_cmphex(get32(STACK - 8), ==, 0x7000);      /* ESP */
    g_assert_cmphex(get32(STACK - 4), ==, 0x23);        /* SS */
    g_assert_false(env->rflags & RFLAGS_IF);

    /* INT n: through a DPL 3 gate, no error code, IF kept (trap gate) */
    enter_prot32(3);
    env->regs[R_ESP] = 0x7000;
    env->rip = 0x4000;
    env->rflags |= RFLAGS_IF;
    g_assert_cmpint(deliver(0x80, true, 0), ==, -1);
    g_assert_cmphex(env->regs[R_ESP], ==, STACK - 20);
    g_assert_cmphex(get32(STACK - 20), ==, 0x4002);     /* next insn */
    g_assert_true(env->rflags & RFLAGS_IF);
    /* ... but not through a DPL 0 gate: #GP(vector * 8 + 2) */
    enter_prot32(3);
    g_assert_cmpint(deliver(0x81, true, 0), ==, EXCP0D_GPF);
    g_assert_cmphex(env->error_code, ==, 0x81 * 8 + 2);
}

/* 64-bit: identity map of the first 1 GiB with 2 MiB pages, a 64-bit
 * code segment in GDT slot 5, the IDT at IDT with 16-byte gates. */
static void enter_long(int cpl)
{
    put64(0x10000, 0x11000 | 7);                 /* PML4 -> PDPT */
    put64(0x11000, 0x12000 | 7);                 /* PDPT -> PD */
    for (int i = 0; i < 512; i++) {
        put64(0x12000 + i * 8, ((uint64_t)i << 21) | 0x87);
    }
    enter_prot32(cpl);
    put_desc(5, 0, 0xfffff, 0xb, 0, true, DESC_G_MASK | DESC_L_MASK);
    put_desc(6, 0, 0xfffff, 0xb, 3, true, DESC_G_MASK | DESC_L_MASK);
    env->cr[3] = 0x10000;
    env->cr[4] = CR4_PAE_MASK;
    env->cr[0] |= CR0_PG_MASK;
    env->efer = MSR_EFER_LME | MSR_EFER_LMA | MSR_EFER_NXE;
    env->segs[R_CS].selector = (cpl ? 6 : 5) * 8 | cpl;
    env->segs[R_CS].flags = (env->segs[R_CS].flags & ~DESC_B_MASK) |
                            DESC_L_MASK;
    env->idt.limit = 0xfff;
    env->tr = (SegmentCache){ .selector = 0x48, .base = TSS, .limit = 0x67,
                              .flags = DESC_P_MASK | (0xb << 8) };
    put64(TSS + 4, STACK);                       /* RSP0 */
    put64(TSS + 0x24 + 8, 0xc000);               /* IST2 */
    tlb_flush(CPU(cpu));
    x86_update_hflags(env);
}

static void put_gate64(int vec, uint32_t sel, uint64_t off, int type,
                       int dpl, int ist)
{
    put32(IDT + vec * 16, (off & 0xffff) | (sel << 16));
    put32(IDT + vec * 16 + 4, (off & 0xffff0000) | DESC_P_MASK | (dpl << 13) |
          (type << 8) | ist);
    put32(IDT + vec * 16 + 8, off >> 32);
    put32(IDT + vec * 16 + 12, 0);
}

static void test_long_mode_frames(void)
{
    reset_cpu();
    enter_long(3);
    g_assert_true(env->hflags & HF_CS64);
    put_gate64(14, 0x28, 0xffffffff81000000ull, 0xe, 0, 0);
    put_gate64(2, 0x28, 0xffffffff82000000ull, 0xe, 0, 2);
    env->regs[R_ESP] = 0x7008;
    env->rip = 0x400000;
    env->rflags |= RFLAGS_IF;
    x86_update_hflags(env);
    g_assert_cmpint(deliver(14, false, 0x6), ==, -1);
    g_assert_cmphex(env->rip, ==, 0xffffffff81000000ull);
    g_assert_cmphex(env->segs[R_CS].selector, ==, 0x28);
    g_assert_cmphex(env->segs[R_SS].selector, ==, 0);   /* null SS */
    g_assert_cmpuint(env->hflags & HF_CPL_MASK, ==, 0);
    g_assert_cmphex(env->regs[R_ESP], ==, STACK - 48);
    g_assert_cmphex(get64(STACK - 48), ==, 6);          /* error code */
    g_assert_cmphex(get64(STACK - 40), ==, 0x400000);   /* RIP */
    g_assert_cmphex(get64(STACK - 32), ==, 0x33);       /* CS */
    g_assert_cmphex(get64(STACK - 24), ==, RFLAGS_FIXED | RFLAGS_IF);
    g_assert_cmphex(get64(STACK - 16), ==, 0x7008);     /* RSP */
    g_assert_cmphex(get64(STACK - 8), ==, 0x23);        /* SS */

    /* same privilege through IST 2: the IST stack, aligned, SS:RSP
     * pushed as well */
    env->regs[R_ESP] = 0x5008;
    g_assert_cmpint(deliver(2, false, 0), ==, -1);
    g_assert_cmphex(env->regs[R_ESP], ==, 0xc000 - 40);
    g_assert_cmphex(get64(0xc000 - 8), ==, 0);          /* old SS */
    g_assert_cmphex(get64(0xc000 - 16), ==, 0x5008);
    /* without IST, the current stack aligned down to 16 */
    put_gate64(3, 0x28, 0xffffffff83000000ull, 0xf, 3, 0);
    env->regs[R_ESP] = 0x5008;
    g_assert_cmpint(deliver(3, true, 0), ==, -1);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x5000 - 40);
}

/* ---- faults ---- */

static uint64_t fault_addr;

static void do_load(void)
{
    x86_ld(env, fault_addr, MO_UL, x86_mmu_index(env, false), 0);
}

static void test_page_fault(void)
{
    reset_cpu();
    enter_long(3);
    /* unmapped above 1 GiB: #PF, CR2, U=1 */
    fault_addr = 0x40001234;
    g_assert_cmpint(catch(do_load), ==, EXCP0E_PAGE);
    g_assert_cmphex(env->cr[2], ==, 0x40001234);
    g_assert_cmphex(env->error_code, ==, PG_ERROR_U_MASK);
    /* non-canonical: #GP(0) */
    env->old_exception = -1;
    fault_addr = 0x0000900000000000ull;
    g_assert_cmpint(catch(do_load), ==, EXCP0D_GPF);
    /* mapped: A set in the 2 MiB PDE */
    env->old_exception = -1;
    fault_addr = 0x201000;
    g_assert_cmpint(catch(do_load), ==, -1);
    g_assert_true(get64(0x12008) & X86_PTE_A);
}

static void do_raise_gp(void)
{
    raise_exception_err(env, EXCP0D_GPF, 0x10);
}

static void test_double_fault(void)
{
    CPUState *cs = CPU(cpu);

    reset_cpu();
    enter_prot32(0);
    /* #GP whose gate is not present: #NP while delivering #GP is #DF */
    g_assert_cmpint(catch(do_raise_gp), ==, EXCP0D_GPF);
    g_assert_cmpint(deliver(cs->exception_index, false, env->error_code),
                    ==, EXCP08_DBLE);
    g_assert_cmpint(env->error_code, ==, 0);
    /* a fault while delivering an external interrupt is just that fault */
    env->old_exception = -1;
    put_gate32(0x30, 0x08, 0x1000, 0xe, 0);
    put32(IDT + 0x30 * 8 + 4, get32(IDT + 0x30 * 8 + 4) & ~DESC_P_MASK);
    deliver_hw = true;
    g_assert_cmpint(deliver(0x30, false, 0), ==, EXCP0B_NOSEG);
    g_assert_cmphex(env->error_code, ==, 0x30 * 8 + 2);
    deliver_hw = false;
    /* a fault while delivering #DF: triple fault, a reset request */
    env->old_exception = EXCP08_DBLE;
    g_assert_cmpint(deliver(EXCP08_DBLE, false, 0), ==, EXCP_INTERRUPT);
}


/* ---- fast system calls, IRET, far calls ---- */

static uint32_t arg_a, arg_b;

static void do_syscall(void)
{
    helper_syscall(env, 2);
}

static void do_sysret(void)
{
    helper_sysret(env, 2);
}

static bool zf(void)
{
    return cpu_cc_compute_all(env) & CC_Z;
}

static void test_syscall_sysret(void)
{
    reset_cpu();
    enter_long(3);
    env->efer |= MSR_EFER_SCE;
    env->star = (0x20ull << 48) | (0x28ull << 32);
    env->lstar = 0xffffffff81800000ull;
    env->fmask = RFLAGS_IF | RFLAGS_TF | RFLAGS_DF;
    env->rip = 0x401000;
    env->rflags = RFLAGS_FIXED | RFLAGS_IF | RFLAGS_DF;
    x86_update_hflags(env);
    env->old_exception = -1;
    g_assert_cmpint(catch(do_syscall), ==, -1);
    g_assert_cmphex(env->regs[R_ECX], ==, 0x401002);
    g_assert_cmphex(env->regs[11], ==, RFLAGS_FIXED | RFLAGS_IF | RFLAGS_DF);
    g_assert_cmphex(env->rip, ==, 0xffffffff81800000ull);
    g_assert_cmphex(env->segs[R_CS].selector, ==, 0x28);
    g_assert_cmphex(env->segs[R_SS].selector, ==, 0x30);
    g_assert_cmpuint(env->hflags & HF_CPL_MASK, ==, 0);
    g_assert_true(env->hflags & HF_CS64);
    g_assert_false(env->rflags & (RFLAGS_IF | RFLAGS_DF));

    g_assert_cmpint(catch(do_sysret), ==, -1);
    g_assert_cmphex(env->rip, ==, 0x401002);
    g_assert_cmphex(env->segs[R_CS].selector, ==, 0x33);
    g_assert_cmphex(env->segs[R_SS].selector, ==, 0x2b);
    g_assert_cmpuint(env->hflags & HF_CPL_MASK, ==, 3);
    g_assert_true(env->hflags & HF_CS64);
    g_assert_true(env->rflags & RFLAGS_IF);
    /* SYSRET is for CPL 0 only, and to a canonical RIP */
    g_assert_cmpint(catch(do_sysret), ==, EXCP0D_GPF);
    g_assert_cmpint(catch(do_syscall), ==, -1);
    env->regs[R_ECX] = 0x0000800000000000ull;
    env->old_exception = -1;
    g_assert_cmpint(catch(do_sysret), ==, EXCP0D_GPF);
    /* without EFER.SCE: #UD */
    env->efer &= ~(uint64_t)MSR_EFER_SCE;
    env->old_exception = -1;
    g_assert_cmpint(catch(do_syscall), ==, EXCP06_ILLOP);
}

static void do_iret64(void)
{
    helper_iret_protected(env, 2, 0);
}

static void test_iret64(void)
{
    reset_cpu();
    enter_long(0);
    env->regs[R_ESP] = 0x8000 - 40;
    put64(0x8000 - 40, 0x401234);                   /* RIP */
    put64(0x8000 - 32, 0x33);                       /* CS */
    put64(0x8000 - 24, RFLAGS_FIXED | RFLAGS_IF | CC_C);
    put64(0x8000 - 16, 0x7ff0);                     /* RSP */
    put64(0x8000 - 8, 0x23);                        /* SS */
    env->nmi_blocked = true;
    env->old_exception = -1;
    g_assert_cmpint(catch(do_iret64), ==, -1);
    g_assert_cmphex(env->rip, ==, 0x401234);
    g_assert_cmpuint(env->hflags & HF_CPL_MASK, ==, 3);
    g_assert_true(env->hflags & HF_CS64);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x7ff0);
    g_assert_cmphex(env->segs[R_SS].selector, ==, 0x23);
    g_assert_true(env->rflags & RFLAGS_IF);
    g_assert_true(cpu_cc_compute_all(env) & CC_C);
    g_assert_false(env->nmi_blocked);
    /* to a DPL 0 code segment from a frame with RPL 3: #GP(sel) */
    enter_long(0);
    env->regs[R_ESP] = 0x8000 - 40;
    put64(0x8000 - 32, 0x2b);
    env->old_exception = -1;
    g_assert_cmpint(catch(do_iret64), ==, EXCP0D_GPF);
    g_assert_cmphex(env->error_code, ==, 0x28);
}

static void do_iret32(void)
{
    helper_iret_protected(env, 1, 0);
}

static void test_vm86_round_trip(void)
{
    reset_cpu();
    enter_prot32(0);
    env->tr = (SegmentCache){ .selector = 0x48, .base = TSS, .limit = 0x67,
                              .flags = DESC_P_MASK | (0xb << 8) };
    put32(TSS + 4, STACK);
    put32(TSS + 8, 0x10);
    put_gate32(0x20, 0x08, 0x9abc, 0xe, 0);
    /* IRET to vm86: EIP CS EFLAGS ESP SS ES DS FS GS */
    env->regs[R_ESP] = 0x8000 - 36;
    put32(0x8000 - 36, 0x0100);
    put32(0x8000 - 32, 0x2000);
    put32(0x8000 - 28, RFLAGS_FIXED | RFLAGS_VM | RFLAGS_IF);
    put32(0x8000 - 24, 0xfffe);
    put32(0x8000 - 20, 0x3000);
    put32(0x8000 - 16, 0x4000);
    put32(0x8000 - 12, 0x5000);
    put32(0x8000 - 8, 0x6000);
    put32(0x8000 - 4, 0x7000);
    env->old_exception = -1;
    g_assert_cmpint(catch(do_iret32), ==, -1);
    g_assert_true(env->hflags & HF_VM);
    g_assert_cmpuint(env->hflags & HF_CPL_MASK, ==, 3);
    g_assert_cmphex(env->segs[R_CS].base, ==, 0x20000);
    g_assert_cmphex(env->segs[R_SS].base, ==, 0x30000);
    g_assert_cmphex(env->segs[R_GS].selector, ==, 0x7000);
    g_assert_cmphex(env->rip, ==, 0x100);
    g_assert_cmphex(env->regs[R_ESP], ==, 0xfffe);

    /* an interrupt in vm86 leaves it through the ring 0 stack, with the
     * data segments saved and cleared */
    g_assert_cmpint(deliver(0x20, false, 0), ==, -1);
    g_assert_false(env->hflags & HF_VM);
    g_assert_cmpuint(env->hflags & HF_CPL_MASK, ==, 0);
    g_assert_cmphex(env->rip, ==, 0x9abc);
    g_assert_cmphex(env->regs[R_ESP], ==, STACK - 36);
    g_assert_cmphex(get32(STACK - 36), ==, 0x100);           /* EIP */
    g_assert_cmphex(get32(STACK - 32), ==, 0x2000);          /* CS */
    g_assert_true(get32(STACK - 28) & RFLAGS_VM);
    g_assert_cmphex(get32(STACK - 24), ==, 0xfffe);          /* ESP */
    g_assert_cmphex(get32(STACK - 20), ==, 0x3000);          /* SS */
    g_assert_cmphex(get32(STACK - 16), ==, 0x4000);          /* ES */
    g_assert_cmphex(get32(STACK - 4), ==, 0x7000);           /* GS */
    g_assert_cmphex(env->segs[R_DS].selector, ==, 0);
    g_assert_cmphex(env->segs[R_GS].selector, ==, 0);
}

static void do_lcall(void)
{
    helper_lcall_protected(env, arg_a, 0, 1, 7);
}

static void do_lret(void)
{
    helper_lret_protected(env, 1, arg_b);
}

static void test_call_gate(void)
{
    reset_cpu();
    enter_prot32(3);
    env->tr = (SegmentCache){ .selector = 0x48, .base = TSS, .limit = 0x67,
                              .flags = DESC_P_MASK | (0xb << 8) };
    put32(TSS + 4, STACK);
    put32(TSS + 8, 0x10);
    /* GDT[10]: 32-bit call gate, DPL 3, to 0x08:0x5000, 2 parameters */
    put32(GDT + 10 * 8, 0x5000 | (0x08 << 16));
    put32(GDT + 10 * 8 + 4, DESC_P_MASK | (3 << 13) | (12 << 8) | 2);
    env->regs[R_ESP] = 0x7000;
    put32(0x7000, 0x11111111);
    put32(0x7004, 0x22222222);
    env->rip = 0x4000;
    arg_a = 0x53;
    env->old_exception = -1;
    g_assert_cmpint(catch(do_lcall), ==, -1);
    g_assert_cmpuint(env->hflags & HF_CPL_MASK, ==, 0);
    g_assert_cmphex(env->rip, ==, 0x5000);
    g_assert_cmphex(env->segs[R_CS].selector, ==, 0x08);
    g_assert_cmphex(env->segs[R_SS].selector, ==, 0x10);
    g_assert_cmphex(env->regs[R_ESP], ==, STACK - 24);
    g_assert_cmphex(get32(STACK - 4), ==, 0x23);             /* SS */
    g_assert_cmphex(get32(STACK - 8), ==, 0x7000);           /* ESP */
    g_assert_cmphex(get32(STACK - 12), ==, 0x22222222);      /* params */
    g_assert_cmphex(get32(STACK - 16), ==, 0x11111111);
    g_assert_cmphex(get32(STACK - 20), ==, 0x1b);            /* CS */
    g_assert_cmphex(get32(STACK - 24), ==, 0x4007);          /* EIP */
    /* RET 8 back to ring 3, dropping the parameters on both stacks */
    arg_b = 8;
    g_assert_cmpint(catch(do_lret), ==, -1);
    g_assert_cmpuint(env->hflags & HF_CPL_MASK, ==, 3);
    g_assert_cmphex(env->rip, ==, 0x4007);
    g_assert_cmphex(env->segs[R_SS].selector, ==, 0x23);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x7008);
    /* a DPL 0 gate is out of reach of CPL 3 */
    put32(GDT + 10 * 8 + 4, DESC_P_MASK | (12 << 8) | 2);
    env->old_exception = -1;
    g_assert_cmpint(catch(do_lcall), ==, EXCP0D_GPF);
    g_assert_cmphex(env->error_code, ==, 0x50);
}

static void do_ltr(void)
{
    helper_ltr(env, arg_a);
}

static void do_lar(void)
{
    env->regs[R_EAX] = helper_lar(env, arg_a);
}

static void do_lsl(void)
{
    env->regs[R_EAX] = helper_lsl(env, arg_a);
}

static void do_check_io(void)
{
    helper_check_io(env, arg_a, arg_b);
}

static void test_system_descriptors(void)
{
    reset_cpu();
    enter_prot32(0);
    /* GDT[9]: an available 32-bit TSS */
    put32(GDT + 9 * 8, 0x2067 | ((TSS & 0xffff) << 16));
    put32(GDT + 9 * 8 + 4, DESC_P_MASK | (9 << 8));
    arg_a = 0x48;
    env->old_exception = -1;
    g_assert_cmpint(catch(do_ltr), ==, -1);
    g_assert_cmphex(env->tr.base, ==, TSS);
    g_assert_cmphex(env->tr.limit, ==, 0x2067);
    g_assert_cmphex((get32(GDT + 9 * 8 + 4) >> 8) & 0xf, ==, 11); /* busy */
    env->old_exception = -1;
    g_assert_cmpint(catch(do_ltr), ==, EXCP0D_GPF);           /* busy */

    /* LAR/LSL: visible at CPL 0, not DPL 0 ones at CPL 3 */
    put_desc(5, 0, 0x1234, 0x3, 0, true, 0);
    arg_a = 0x28;
    g_assert_cmpint(catch(do_lar), ==, -1);
    g_assert_true(zf());
    g_assert_cmphex(env->regs[R_EAX], ==, DESC_P_MASK | DESC_S_MASK |
                    (3 << 8));
    g_assert_cmpint(catch(do_lsl), ==, -1);
    g_assert_cmphex(env->regs[R_EAX], ==, 0x1234);
    enter_prot32(3);
    arg_a = 0x2b;
    g_assert_cmpint(catch(do_lsl), ==, -1);
    g_assert_false(zf());

    /* I/O bitmap: CPL 3 > IOPL 0 */
    env->tr = (SegmentCache){ .selector = 0x48, .base = TSS, .limit = 0x2067,
                              .flags = DESC_P_MASK | (0xb << 8) };
    put32(TSS + 0x64, 0x68 << 16);
    memset(ram + TSS + 0x68, 0xff, 0x2000);
    ram[TSS + 0x68 + (0x3f8 >> 3)] = 0x00;                  /* 3f8-3ff */
    arg_a = 0x3f8, arg_b = 1;
    g_assert_cmpint(catch(do_check_io), ==, -1);
    arg_a = 0x3fe, arg_b = 2;
    g_assert_cmpint(catch(do_check_io), ==, -1);
    arg_a = 0x3ff, arg_b = 2;                               /* into 0x400 */
    env->old_exception = -1;
    g_assert_cmpint(catch(do_check_io), ==, EXCP0D_GPF);
    arg_a = 0x60, arg_b = 1;
    env->old_exception = -1;
    g_assert_cmpint(catch(do_check_io), ==, EXCP0D_GPF);
    env->rflags |= 3 << 12;                                 /* IOPL 3 */
    x86_update_hflags(env);
    g_assert_cmpint(catch(do_check_io), ==, -1);
}

int main(int argc, char **argv)
{
    MemoryRegion *mr = g_new0(MemoryRegion, 1);

    g_test_init(&argc, &argv, NULL);
    memory_init();
    memory_region_init_ram(mr, NULL, "ram", RAM_SIZE, &error_abort);
    memory_region_add_subregion(get_system_memory(), 0, mr);
    ram = mr->ram_ptr;
    cpu = X86_CPU(object_new(X86_CPU_TYPE_NAME("qemu64")));
    env = &cpu->env;
    tcg_cpu_init_state(CPU(cpu));

    g_test_add_func("/x86-sys/hflags", test_hflags);
    g_test_add_func("/x86-sys/msr", test_msr);
    g_test_add_func("/x86-sys/load-seg", test_load_seg);
    g_test_add_func("/x86-sys/int/real", test_real_mode_int);
    g_test_add_func("/x86-sys/int/prot32", test_prot32_inner_stack);
    g_test_add_func("/x86-sys/int/long", test_long_mode_frames);
    g_test_add_func("/x86-sys/page-fault", test_page_fault);
    g_test_add_func("/x86-sys/double-fault", test_double_fault);
    g_test_add_func("/x86-sys/syscall-sysret", test_syscall_sysret);
    g_test_add_func("/x86-sys/iret64", test_iret64);
    g_test_add_func("/x86-sys/vm86", test_vm86_round_trip);
    g_test_add_func("/x86-sys/call-gate", test_call_gate);
    g_test_add_func("/x86-sys/system-descriptors", test_system_descriptors);
    return g_test_run();
}
