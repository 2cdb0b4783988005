/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Exceptions and interrupts: raising them from helpers (with the double
 * and triple fault rules of SDM vol. 3A 6.15, table 6-5) and delivering
 * them through the IVT (real mode and vm86 without a handler), the IDT's
 * interrupt, trap and task gates (protected mode, with the stack switch
 * to an inner privilege and out of vm86) and the 64-bit IDT (IST, 16-byte
 * stack alignment).
 */
#include "target/i386/tcg/sys-helpers.h"
#include "sysemu/runstate.h"
#include "util/log.h"

/* ---- raising ---- */

static bool is_contributory(int v)
{
    return v == EXCP00_DIVZ || (v >= EXCP0A_TSS && v <= EXCP0D_GPF);
}

/* The vector to raise when 'intno' happens while delivering
 * old_exception: itself, #DF, or -1 for a triple fault. */
static int check_exception(CPUX86State *env, int intno, uint32_t *err)
{
    int old = env->old_exception;

    kemu_log_mask(LOG_INT, "check_exception old: 0x%x new 0x%x\n", old,
                  intno);
    if (old == EXCP08_DBLE) {
        return -1;
    }
    if (old >= 0 &&
        ((is_contributory(old) && is_contributory(intno)) ||
         (old == EXCP0E_PAGE &&
          (is_contributory(intno) || intno == EXCP0E_PAGE)))) {
        intno = EXCP08_DBLE;
        *err = 0;
    }
    if (is_contributory(intno) || intno == EXCP0E_PAGE ||
        intno == EXCP08_DBLE) {
        env->old_exception = intno;
    }
    return intno;
}

static G_NORETURN void triple_fault(CPUX86State *env)
{
    CPUState *cs = env_to_cpu(env);

    kemu_log_mask(LOG_INT | LOG_GUEST_ERROR, "Triple fault\n");
    env->old_exception = -1;
    /* As KVM_EXIT_SHUTDOWN: a machine reset, which -no-reboot turns into
     * the end of the run. */
    qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_TRIPLE_FAULT);
    cs->exception_index = EXCP_INTERRUPT;
    cpu_loop_exit(cs);
}

static G_NORETURN void raise_interrupt2(CPUX86State *env, int intno,
                                        bool is_int, uint32_t error_code,
                                        int next_eip_addend, uintptr_t ra)
{
    CPUState *cs = env_to_cpu(env);

    /* The precise state first: rip is the faulting (or INT) insn's. */
    if (ra) {
        cpu_restore_state(cs, ra);
    }
    if (!is_int) {
        intno = check_exception(env, intno, &error_code);
        if (intno < 0) {
            triple_fault(env);
        }
    }
    cs->exception_index = intno;
    env->error_code = error_code;
    env->exception_is_int = is_int;
    env->exception_next_eip = env->rip + next_eip_addend;
    cpu_loop_exit(cs);
}

void raise_exception(CPUX86State *env, int vector)
{
    raise_interrupt2(env, vector, false, 0, 0, 0);
}

void raise_exception_ra(CPUX86State *env, int vector, uintptr_t ra)
{
    raise_interrupt2(env, vector, false, 0, 0, ra);
}

void raise_exception_err(CPUX86State *env, int vector, uint32_t error_code)
{
    raise_interrupt2(env, vector, false, error_code, 0, 0);
}

void raise_exception_err_ra(CPUX86State *env, int vector,
                            uint32_t error_code, uintptr_t ra)
{
    raise_interrupt2(env, vector, false, error_code, 0, ra);
}

void raise_interrupt(CPUX86State *env, int vector, int next_eip_addend)
{
    raise_interrupt2(env, vector, true, 0, next_eip_addend, 0);
}

void helper_raise_exception(CPUX86State *env, uint32_t vector)
{
    raise_interrupt2(env, vector, false, 0, 0, GETPC());
}

void helper_raise_exception_err(CPUX86State *env, uint32_t vector,
                                uint32_t err)
{
    raise_interrupt2(env, vector, false, err, 0, GETPC());
}

void helper_raise_interrupt(CPUX86State *env, uint32_t vector,
                            uint32_t next_eip_addend)
{
    raise_interrupt2(env, vector, true, 0, next_eip_addend, GETPC());
}

void helper_into(CPUX86State *env, uint32_t next_eip_addend)
{
    if (cpu_cc_compute_all(env) & CC_O) {
        raise_interrupt2(env, EXCP04_INTO, true, 0, next_eip_addend,
                         GETPC());
    }
}

void helper_single_step(CPUX86State *env)
{
    env->dr[6] |= DR6_BS;
    raise_interrupt2(env, EXCP01_DB, false, 0, 0, GETPC());
}

void helper_debug(CPUX86State *env)
{
    CPUState *cs = env_to_cpu(env);

    /* Called by gen_eob with the guest state already past the insn: a
     * restore would put eip back at the insn's start, and a step would
     * never move on. */
    cs->exception_index = EXCP_DEBUG;
    cpu_loop_exit(cs);
}

/* ---- delivery ---- */

static bool has_error_code(int intno)
{
    switch (intno) {
    case EXCP08_DBLE:
    case EXCP0A_TSS:
    case EXCP0B_NOSEG:
    case EXCP0C_STACK:
    case EXCP0D_GPF:
    case EXCP0E_PAGE:
    case EXCP11_ALGN:
    case 21:                          /* #CP */
        return true;
    }
    return false;
}

/* -d int: one line per event in protected mode, then the registers, as
 * QEMU prints them. */
static void log_interrupt(CPUX86State *env, int intno, bool is_int,
                          uint32_t error_code, bool is_hw)
{
    static int count;
    CPUState *cs = env_to_cpu(env);
    GString *out;

    if (!kemu_log_enabled(LOG_INT) || !(env->cr[0] & CR0_PE_MASK)) {
        return;
    }
    kemu_log("%6d: v=%02x e=%04x i=%d cpl=%d IP=%04x:%016" PRIx64
             " pc=%016" PRIx64 " SP=%04x:%016" PRIx64,
             count, intno, error_code, is_int,
             env->hflags & HF_CPL_MASK, env->segs[R_CS].selector, env->rip,
             env->segs[R_CS].base + env->rip, env->segs[R_SS].selector,
             env->regs[R_ESP]);
    if (intno == EXCP0E_PAGE) {
        kemu_log(" CR2=%016" PRIx64, env->cr[2]);
    } else {
        kemu_log(" env->regs[R_EAX]=%016" PRIx64, env->regs[R_EAX]);
    }
    kemu_log("\n");
    /* the dump reads rflags: make it whole for the moment */
    env->rflags = cpu_compute_eflags(env);
    out = g_string_new(NULL);
    cpu_dump_state(cs, out, CPU_DUMP_CCOP);
    kemu_log("%s", out->str);
    g_string_free(out, true);
    count++;
}

static void do_interrupt_real(CPUX86State *env, int intno, bool is_int,
                              uint64_t next_eip)
{
    X86Stack st = {
        .env = env, .base = env->segs[R_SS].base, .sp = env->regs[R_ESP],
        .mask = 0xffff, .mmu_idx = x86_kernel_mmu_index(env),
    };
    uint64_t ptr = env->idt.base + intno * 4;
    uint32_t offset, selector;

    if (intno * 4 + 3 > env->idt.limit) {
        raise_exception_err(env, EXCP0D_GPF, intno * 8 + 2);
    }
    offset = x86_ld(env, ptr, MO_UW, st.mmu_idx, 0);
    selector = x86_ld(env, ptr + 2, MO_UW, st.mmu_idx, 0);
    x86_push(&st, cpu_compute_eflags(env), MO_UW);
    x86_push(&st, env->segs[R_CS].selector, MO_UW);
    x86_push(&st, is_int ? next_eip : env->rip, MO_UW);
    x86_set_sp(env, st.sp, st.mask);
    env->rip = offset;
    env->segs[R_CS].selector = selector;
    env->segs[R_CS].base = (uint64_t)selector << 4;
    env->rflags &= ~(uint64_t)(RFLAGS_IF | RFLAGS_TF | RFLAGS_AC |
                               RFLAGS_RF);
    x86_update_hflags(env);
}

/* Inner stack of privilege dpl from the 16/32-bit TSS. */
static void tss_inner_stack(CPUX86State *env, int dpl, uint32_t *ss,
                            uint32_t *esp)
{
    int type = (env->tr.flags >> DESC_TYPE_SHIFT) & 0xf;
    int shift = type >> 3;                      /* 32-bit TSS */
    uint32_t index = (dpl * 4 + 2) << shift;
    int idx = x86_kernel_mmu_index(env);

    if (!(env->tr.flags & DESC_P_MASK) ||
        index + (4 << shift) - 1 > env->tr.limit) {
        raise_exception_err(env, EXCP0A_TSS, env->tr.selector & 0xfffc);
    }
    if (shift) {
        *esp = x86_ld(env, env->tr.base + index, MO_UL, idx, 0);
        *ss = x86_ld(env, env->tr.base + index + 4, MO_UW, idx, 0);
    } else {
        *esp = x86_ld(env, env->tr.base + index, MO_UW, idx, 0);
        *ss = x86_ld(env, env->tr.base + index + 2, MO_UW, idx, 0);
    }
}

static void do_interrupt_protected(CPUX86State *env, int intno, bool is_int,
                                   uint32_t error_code, uint64_t next_eip,
                                   bool is_hw)
{
    int kidx = x86_kernel_mmu_index(env);
    bool push_err = !is_int && !is_hw && has_error_code(intno);
    uint64_t old_eip = is_int ? next_eip : env->rip;
    uint32_t cpl = env->hflags & HF_CPL_MASK;
    bool vm86 = env->rflags & RFLAGS_VM;
    uint32_t e1, e2, ss_e1 = 0, ss_e2 = 0, selector, dpl, type;
    uint32_t ss = 0, esp = 0;
    uint64_t ptr = env->idt.base + intno * 8, offset;
    bool new_stack;
    X86Stack st = { .env = env, .mmu_idx = kidx };
    MemOp sz;

    if (intno * 8 + 7 > env->idt.limit) {
        raise_exception_err(env, EXCP0D_GPF, intno * 8 + 2);
    }
    e1 = x86_ld(env, ptr, MO_UL, kidx, 0);
    e2 = x86_ld(env, ptr + 4, MO_UL, kidx, 0);
    type = (e2 >> DESC_TYPE_SHIFT) & 0x1f;
    switch (type) {
    case 5:                          /* task gate */
    case 6: case 7:                  /* 16-bit interrupt/trap gate */
    case 0xe: case 0xf:              /* 32-bit interrupt/trap gate */
        break;
    default:
        raise_exception_err(env, EXCP0D_GPF, intno * 8 + 2);
    }
    dpl = (e2 >> DESC_DPL_SHIFT) & 3;
    if (is_int && dpl < cpl) {
        raise_exception_err(env, EXCP0D_GPF, intno * 8 + 2);
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_exception_err(env, EXCP0B_NOSEG, intno * 8 + 2);
    }
    if (type == 5) {
        int tss_type;

        x86_switch_tss(env, e1 >> 16, e1, e2, SWITCH_TSS_CALL, old_eip, 0);
        if (push_err) {
            /* onto the new task's stack, sized by its TSS */
            tss_type = (env->tr.flags >> DESC_TYPE_SHIFT) & 0xf;
            st.base = env->segs[R_SS].base;
            st.sp = env->regs[R_ESP];
            st.mask = x86_sp_mask(env->segs[R_SS].flags);
            st.mmu_idx = x86_mmu_index(env, false);
            x86_push(&st, error_code, tss_type & 8 ? MO_UL : MO_UW);
            x86_set_sp(env, st.sp, st.mask);
        }
        return;
    }

    selector = e1 >> 16;
    offset = (e2 & 0xffff0000) | (e1 & 0xffff);
    if ((selector & 0xfffc) == 0) {
        raise_exception_err(env, EXCP0D_GPF, 0);
    }
    if (!x86_load_descriptor(env, &e1, &e2, selector, 0)) {
        raise_exception_err(env, EXCP0D_GPF, selector & 0xfffc);
    }
    if (!(e2 & DESC_S_MASK) || !(e2 & DESC_CS_MASK)) {
        raise_exception_err(env, EXCP0D_GPF, selector & 0xfffc);
    }
    dpl = (e2 >> DESC_DPL_SHIFT) & 3;
    if (dpl > cpl) {
        raise_exception_err(env, EXCP0D_GPF, selector & 0xfffc);
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_exception_err(env, EXCP0B_NOSEG, selector & 0xfffc);
    }
    if (e2 & DESC_C_MASK) {
        dpl = cpl;
    }
    if (dpl < cpl) {
        tss_inner_stack(env, dpl, &ss, &esp);
        if ((ss & 0xfffc) == 0 || (ss & 3) != dpl) {
            raise_exception_err(env, EXCP0A_TSS, ss & 0xfffc);
        }
        if (!x86_load_descriptor(env, &ss_e1, &ss_e2, ss, 0)) {
            raise_exception_err(env, EXCP0A_TSS, ss & 0xfffc);
        }
        if (((ss_e2 >> DESC_DPL_SHIFT) & 3) != dpl ||
            !(ss_e2 & DESC_S_MASK) || (ss_e2 & DESC_CS_MASK) ||
            !(ss_e2 & DESC_W_MASK)) {
            raise_exception_err(env, EXCP0A_TSS, ss & 0xfffc);
        }
        if (!(ss_e2 & DESC_P_MASK)) {
            raise_exception_err(env, EXCP0A_TSS, ss & 0xfffc);
        }
        new_stack = true;
        st.base = x86_desc_base(ss_e1, ss_e2);
        st.sp = esp;
        st.mask = x86_sp_mask(ss_e2);
    } else {
        if (vm86) {
            /* a vm86 handler must run at CPL 0 */
            raise_exception_err(env, EXCP0D_GPF, selector & 0xfffc);
        }
        new_stack = false;
        st.base = env->segs[R_SS].base;
        st.sp = env->regs[R_ESP];
        st.mask = x86_sp_mask(env->segs[R_SS].flags);
    }
    st.mmu_idx = dpl == 3 ? MMU_USER_IDX : kidx;
    if (!(env->hflags & HF_PG)) {
        st.mmu_idx = MMU_PHYS_IDX;
    }
    sz = type & 8 ? MO_UL : MO_UW;
    if (new_stack) {
        if (vm86) {
            x86_push(&st, env->segs[R_GS].selector, sz);
            x86_push(&st, env->segs[R_FS].selector, sz);
            x86_push(&st, env->segs[R_DS].selector, sz);
            x86_push(&st, env->segs[R_ES].selector, sz);
        }
        x86_push(&st, env->segs[R_SS].selector, sz);
        x86_push(&st, env->regs[R_ESP], sz);
    }
    x86_push(&st, cpu_compute_eflags(env), sz);
    x86_push(&st, env->segs[R_CS].selector, sz);
    x86_push(&st, old_eip, sz);
    if (push_err) {
        x86_push(&st, error_code, sz);
    }

    /* nothing faulted: commit */
    if (new_stack) {
        if (vm86) {
            x86_load_seg_cache(env, R_ES, 0, 0, 0, 0);
            x86_load_seg_cache(env, R_DS, 0, 0, 0, 0);
            x86_load_seg_cache(env, R_FS, 0, 0, 0, 0);
            x86_load_seg_cache(env, R_GS, 0, 0, 0, 0);
        }
        x86_load_seg_cache(env, R_SS, (ss & ~3) | dpl, st.base,
                           x86_desc_limit(ss_e1, ss_e2),
                           X86_DESC_FLAGS(ss_e2));
    }
    x86_set_sp(env, st.sp, st.mask);
    env->rflags &= ~(uint64_t)(RFLAGS_TF | RFLAGS_VM | RFLAGS_RF |
                               RFLAGS_NT);
    if (!(type & 1)) {
        env->rflags &= ~(uint64_t)RFLAGS_IF;   /* interrupt gate */
    }
    x86_load_seg_cache(env, R_CS, (selector & ~3) | dpl,
                       x86_desc_base(e1, e2), x86_desc_limit(e1, e2),
                       X86_DESC_FLAGS(e2));
    env->rip = offset;
}

static uint64_t tss64_stack(CPUX86State *env, int level)
{
    uint32_t index = 8 * level + 4;

    if (!(env->tr.flags & DESC_P_MASK) || index + 7 > env->tr.limit) {
        raise_exception_err(env, EXCP0A_TSS, env->tr.selector & 0xfffc);
    }
    return x86_ld(env, env->tr.base + index, MO_UQ,
                  x86_kernel_mmu_index(env), 0);
}

static void do_interrupt64(CPUX86State *env, int intno, bool is_int,
                           uint32_t error_code, uint64_t next_eip,
                           bool is_hw)
{
    int kidx = x86_kernel_mmu_index(env);
    bool push_err = !is_int && !is_hw && has_error_code(intno);
    uint64_t old_eip = is_int ? next_eip : env->rip;
    uint32_t cpl = env->hflags & HF_CPL_MASK;
    uint64_t ptr = env->idt.base + intno * 16, offset, rsp;
    uint32_t e1, e2, e3, selector, dpl, type, ist;
    X86Stack st = { .env = env, .mask = ~0ull };

    if (intno * 16 + 15 > env->idt.limit) {
        raise_exception_err(env, EXCP0D_GPF, intno * 8 + 2);
    }
    e1 = x86_ld(env, ptr, MO_UL, kidx, 0);
    e2 = x86_ld(env, ptr + 4, MO_UL, kidx, 0);
    e3 = x86_ld(env, ptr + 8, MO_UL, kidx, 0);
    type = (e2 >> DESC_TYPE_SHIFT) & 0x1f;
    if (type != 0xe && type != 0xf) {
        raise_exception_err(env, EXCP0D_GPF, intno * 8 + 2);
    }
    dpl = (e2 >> DESC_DPL_SHIFT) & 3;
    if (is_int && dpl < cpl) {
        raise_exception_err(env, EXCP0D_GPF, intno * 8 + 2);
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_exception_err(env, EXCP0B_NOSEG, intno * 8 + 2);
    }
    selector = e1 >> 16;
    offset = ((uint64_t)e3 << 32) | (e2 & 0xffff0000) | (e1 & 0xffff);
    ist = e2 & 7;
    if ((selector & 0xfffc) == 0) {
        raise_exception_err(env, EXCP0D_GPF, 0);
    }
    if (!x86_load_descriptor(env, &e1, &e2, selector, 0)) {
        raise_exception_err(env, EXCP0D_GPF, selector & 0xfffc);
    }
    if (!(e2 & DESC_S_MASK) || !(e2 & DESC_CS_MASK) ||
        !(e2 & DESC_L_MASK) || (e2 & DESC_B_MASK)) {
        raise_exception_err(env, EXCP0D_GPF, selector & 0xfffc);
    }
    dpl = (e2 >> DESC_DPL_SHIFT) & 3;
    if (dpl > cpl) {
        raise_exception_err(env, EXCP0D_GPF, selector & 0xfffc);
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_exception_err(env, EXCP0B_NOSEG, selector & 0xfffc);
    }
    if (e2 & DESC_C_MASK) {
        dpl = cpl;
    }
    if (dpl < cpl || ist) {
        rsp = tss64_stack(env, ist ? ist + 3 : dpl);
    } else {
        rsp = env->regs[R_ESP];
    }
    st.sp = rsp & ~0xfull;            /* the frame is 16-byte aligned */
    st.mmu_idx = dpl == 3 ? MMU_USER_IDX : kidx;
    x86_push(&st, env->segs[R_SS].selector, MO_UQ);
    x86_push(&st, env->regs[R_ESP], MO_UQ);
    x86_push(&st, cpu_compute_eflags(env), MO_UQ);
    x86_push(&st, env->segs[R_CS].selector, MO_UQ);
    x86_push(&st, old_eip, MO_UQ);
    if (push_err) {
        x86_push(&st, error_code, MO_UQ);
    }

    if (dpl < cpl) {
        /* a null SS carrying the new privilege */
        x86_load_seg_cache(env, R_SS, dpl, 0, 0,
                           dpl << DESC_DPL_SHIFT);
    }
    env->regs[R_ESP] = st.sp;
    env->rflags &= ~(uint64_t)(RFLAGS_TF | RFLAGS_VM | RFLAGS_RF |
                               RFLAGS_NT);
    if (!(type & 1)) {
        env->rflags &= ~(uint64_t)RFLAGS_IF;
    }
    x86_load_seg_cache(env, R_CS, (selector & ~3) | dpl,
                       x86_desc_base(e1, e2), x86_desc_limit(e1, e2),
                       X86_DESC_FLAGS(e2));
    env->rip = offset;
}

void x86_do_interrupt_all(CPUX86State *env, int intno, bool is_int,
                          uint32_t error_code, uint64_t next_eip, bool is_hw)
{
    /* A fault while delivering an exception (IDT, stack) is checked
     * against it for #DF through old_exception, which raise set. */
    log_interrupt(env, intno, is_int, error_code, is_hw);
    if (env->cr[0] & CR0_PE_MASK) {
        if (env->hflags & HF_LMA) {
            do_interrupt64(env, intno, is_int, error_code, next_eip, is_hw);
        } else {
            do_interrupt_protected(env, intno, is_int, error_code, next_eip,
                                   is_hw);
        }
    } else {
        do_interrupt_real(env, intno, is_int, next_eip);
    }
    /* an event delivered ends any STI/MOV SS shadow */
    env->hflags &= ~HF_INHIBIT_IRQ;
    env->old_exception = -1;
}

void x86_cpu_do_interrupt(CPUState *cs)
{
    CPUX86State *env = cpu_env(cs);
    int intno = cs->exception_index;

    if (intno < 0 || intno > 255) {
        return;
    }
    x86_do_interrupt_all(env, intno, env->exception_is_int, env->error_code,
                         env->exception_next_eip, false);
    cs->exception_index = -1;
}
