/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Segmentation (SDM vol. 3A ch. 3, 5, 7): segment register loads with
 * their descriptor and privilege checks, far JMP/CALL/RET through call
 * gates and task gates, IRET in every mode (to an outer privilege, to
 * vm86, nested task return), LLDT/LTR, LAR/LSL/VERR/VERW, the fast system
 * calls (SYSCALL/SYSRET, SYSENTER/SYSEXIT, SWAPGS) and task switches.
 */
#include "target/i386/tcg/sys-helpers.h"
#include "util/log.h"

#define ALL_RFLAGS (CC_OSZAPC | RFLAGS_TF | RFLAGS_IF | RFLAGS_DF | \
                    RFLAGS_IOPL | RFLAGS_NT | RFLAGS_RF | RFLAGS_VM | \
                    RFLAGS_AC | RFLAGS_VIF | RFLAGS_VIP | RFLAGS_ID)

/* Flat 4 GiB segments of SYSCALL/SYSENTER and friends. */
#define FLAT_CODE (DESC_G_MASK | DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | \
                   DESC_R_MASK | DESC_A_MASK)
#define FLAT_DATA (DESC_G_MASK | DESC_B_MASK | DESC_P_MASK | DESC_S_MASK | \
                   DESC_W_MASK | DESC_A_MASK)

static inline uint32_t cpl_of(CPUX86State *env)
{
    return env->hflags & HF_CPL_MASK;
}

static inline uint32_t dpl_of(uint32_t e2)
{
    return (e2 >> DESC_DPL_SHIFT) & 3;
}

void x86_load_seg_cache(CPUX86State *env, int seg, uint32_t selector,
                        uint64_t base, uint32_t limit, uint32_t flags)
{
    SegmentCache *sc = &env->segs[seg];

    sc->selector = selector;
    sc->base = base;
    sc->limit = limit;
    sc->flags = flags;
    x86_update_hflags(env);
}

/* Linear address of selector's descriptor, or false beyond the limit. */
static bool descriptor_addr(CPUX86State *env, uint32_t selector,
                            uint64_t *addr)
{
    SegmentCache *dt = selector & 4 ? &env->ldt : &env->gdt;
    uint32_t index = selector & ~7u;

    if (index + 7 > dt->limit) {
        return false;
    }
    *addr = dt->base + index;
    return true;
}

bool x86_load_descriptor(CPUX86State *env, uint32_t *e1, uint32_t *e2,
                         uint32_t selector, uintptr_t ra)
{
    int idx = x86_kernel_mmu_index(env);
    uint64_t ptr;

    if (!descriptor_addr(env, selector, &ptr)) {
        return false;
    }
    *e1 = x86_ld(env, ptr, MO_UL, idx, ra);
    *e2 = x86_ld(env, ptr + 4, MO_UL, idx, ra);
    return true;
}

/* The CPU sets the accessed bit of a data segment descriptor it loads
 * (far transfers leave a code descriptor's alone, as QEMU does, so that
 * "info registers" reads the same). */
static void set_accessed(CPUX86State *env, uint32_t selector, uint32_t *e2,
                         uintptr_t ra)
{
    uint64_t ptr;

    if (!(*e2 & DESC_A_MASK) && descriptor_addr(env, selector, &ptr)) {
        *e2 |= DESC_A_MASK;
        x86_st(env, ptr + 4, *e2, MO_UL, x86_kernel_mmu_index(env), ra);
    }
}

static void load_seg_desc(CPUX86State *env, int seg, uint32_t selector,
                          uint32_t e1, uint32_t e2)
{
    x86_load_seg_cache(env, seg, selector, x86_desc_base(e1, e2),
                       x86_desc_limit(e1, e2), X86_DESC_FLAGS(e2));
}

static void load_seg_vm86(CPUX86State *env, int seg, uint32_t selector)
{
    selector &= 0xffff;
    x86_load_seg_cache(env, seg, selector, (uint64_t)selector << 4, 0xffff,
                       DESC_P_MASK | DESC_S_MASK | DESC_W_MASK |
                       DESC_A_MASK | (3 << DESC_DPL_SHIFT) |
                       (seg == R_CS ? DESC_CS_MASK : 0));
}

/* The stack of the current mode. */
static X86Stack cur_stack(CPUX86State *env, uintptr_t ra)
{
    X86Stack st = {
        .env = env, .base = env->segs[R_SS].base, .sp = env->regs[R_ESP],
        .mask = x86_sp_mask(env->segs[R_SS].flags),
        .mmu_idx = x86_mmu_index(env, false), .ra = ra,
    };

    if (env->hflags & HF_CS64) {
        st.base = 0;
        st.mask = ~0ull;
    }
    return st;
}


/* ---- MOV/POP Sreg, LDS... ---- */

void helper_load_seg(CPUX86State *env, uint32_t seg, uint32_t selector)
{
    uintptr_t ra = GETPC();
    uint32_t cpl = cpl_of(env), e1, e2, rpl, dpl;

    selector &= 0xffff;
    if (!(env->cr[0] & CR0_PE_MASK)) {
        /* real mode: limit and attributes stay (big real mode works) */
        env->segs[seg].selector = selector;
        env->segs[seg].base = (uint64_t)selector << 4;
        x86_update_hflags(env);
        return;
    }
    if (env->rflags & RFLAGS_VM) {
        load_seg_vm86(env, seg, selector);
        return;
    }
    if ((selector & 0xfffc) == 0) {
        if (seg == R_SS) {
            /* 64-bit code below CPL 3 may run on a null SS */
            if (!(env->hflags & HF_CS64) || cpl == 3 ||
                (selector & 3) != cpl) {
                raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
            }
            x86_load_seg_cache(env, seg, selector, 0, 0,
                               cpl << DESC_DPL_SHIFT);
            return;
        }
        x86_load_seg_cache(env, seg, selector, 0, 0, 0);
        return;
    }
    if (!x86_load_descriptor(env, &e1, &e2, selector, ra) ||
        !(e2 & DESC_S_MASK)) {
        raise_exception_err_ra(env, EXCP0D_GPF, selector & 0xfffc, ra);
    }
    rpl = selector & 3;
    dpl = dpl_of(e2);
    if (seg == R_SS) {
        if (rpl != cpl || dpl != cpl || (e2 & DESC_CS_MASK) ||
            !(e2 & DESC_W_MASK)) {
            raise_exception_err_ra(env, EXCP0D_GPF, selector & 0xfffc, ra);
        }
    } else {
        if ((e2 & DESC_CS_MASK) && !(e2 & DESC_R_MASK)) {
            raise_exception_err_ra(env, EXCP0D_GPF, selector & 0xfffc, ra);
        }
        if ((!(e2 & DESC_CS_MASK) || !(e2 & DESC_C_MASK)) &&
            (dpl < cpl || dpl < rpl)) {
            raise_exception_err_ra(env, EXCP0D_GPF, selector & 0xfffc, ra);
        }
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_exception_err_ra(env, seg == R_SS ? EXCP0C_STACK : EXCP0B_NOSEG,
                               selector & 0xfffc, ra);
    }
    set_accessed(env, selector, &e2, ra);
    load_seg_desc(env, seg, selector, e1, e2);
}

/* ---- far JMP/CALL/RET ---- */

/* The target of a direct far transfer to a code segment: checked as the
 * SDM's JMP/CALL pseudo-code does. */
static void check_code_target(CPUX86State *env, uint32_t sel, uint32_t e2,
                              uintptr_t ra)
{
    uint32_t cpl = cpl_of(env), dpl = dpl_of(e2);

    if (!(e2 & DESC_CS_MASK)) {
        raise_exception_err_ra(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if (e2 & DESC_C_MASK) {
        if (dpl > cpl) {
            raise_exception_err_ra(env, EXCP0D_GPF, sel & 0xfffc, ra);
        }
    } else if ((sel & 3) > cpl || dpl != cpl) {
        raise_exception_err_ra(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_exception_err_ra(env, EXCP0B_NOSEG, sel & 0xfffc, ra);
    }
}

/* A call gate's target: selector:offset (the high half of a 64-bit gate
 * read from the next GDT slot). */
static void read_gate(CPUX86State *env, uint32_t gate_sel, uint32_t e1,
                      uint32_t e2, uint32_t *sel, uint64_t *offset,
                      uintptr_t ra)
{
    uint32_t type = (e2 >> DESC_TYPE_SHIFT) & 0xf;

    *sel = e1 >> 16;
    *offset = e1 & 0xffff;
    if (type == 12) {
        *offset |= e2 & 0xffff0000;
    }
    if (env->hflags & HF_LMA) {
        uint32_t h1, h2;
        if (!x86_load_descriptor(env, &h1, &h2, gate_sel + 8, ra) ||
            ((h2 >> DESC_TYPE_SHIFT) & 0x1f) != 0) {
            raise_exception_err_ra(env, EXCP0D_GPF, gate_sel & 0xfffc, ra);
        }
        *offset |= (uint64_t)h1 << 32;
    }
}

/* The code segment a call gate points to. */
static void check_gate_target(CPUX86State *env, uint32_t sel, uint32_t *e1,
                              uint32_t *e2, uintptr_t ra)
{
    if ((sel & 0xfffc) == 0) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    if (!x86_load_descriptor(env, e1, e2, sel, ra) ||
        !(*e2 & DESC_S_MASK) || !(*e2 & DESC_CS_MASK) ||
        dpl_of(*e2) > cpl_of(env)) {
        raise_exception_err_ra(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if ((env->hflags & HF_LMA) &&
        (!(*e2 & DESC_L_MASK) || (*e2 & DESC_B_MASK))) {
        raise_exception_err_ra(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if (!(*e2 & DESC_P_MASK)) {
        raise_exception_err_ra(env, EXCP0B_NOSEG, sel & 0xfffc, ra);
    }
}

static bool is_64bit_code(CPUX86State *env, uint32_t e2)
{
    return (env->hflags & HF_LMA) && (e2 & DESC_L_MASK);
}

void helper_ljmp_protected(CPUX86State *env, uint32_t new_cs,
                           uint64_t new_eip, uint32_t next_eip_addend)
{
    uintptr_t ra = GETPC();
    uint32_t e1, e2, cpl = cpl_of(env), dpl, rpl, type, gsel;
    uint64_t off;

    new_cs &= 0xffff;
    if ((new_cs & 0xfffc) == 0) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    if (!x86_load_descriptor(env, &e1, &e2, new_cs, ra)) {
        raise_exception_err_ra(env, EXCP0D_GPF, new_cs & 0xfffc, ra);
    }
    if (e2 & DESC_S_MASK) {
        check_code_target(env, new_cs, e2, ra);
        if (!is_64bit_code(env, e2) && new_eip > x86_desc_limit(e1, e2)) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        load_seg_desc(env, R_CS, (new_cs & 0xfffc) | cpl, e1, e2);
        env->rip = new_eip;
        return;
    }
    dpl = dpl_of(e2);
    rpl = new_cs & 3;
    type = (e2 >> DESC_TYPE_SHIFT) & 0xf;
    if ((env->hflags & HF_LMA) && type != 12) {
        raise_exception_err_ra(env, EXCP0D_GPF, new_cs & 0xfffc, ra);
    }
    switch (type) {
    case 1: case 9: case 5:            /* TSS or task gate */
        if (dpl < cpl || dpl < rpl) {
            raise_exception_err_ra(env, EXCP0D_GPF, new_cs & 0xfffc, ra);
        }
        x86_switch_tss(env, new_cs, e1, e2, SWITCH_TSS_JMP,
                       env->rip + next_eip_addend, 0);
        return;
    case 4: case 12:                   /* call gate */
        if (dpl < cpl || dpl < rpl) {
            raise_exception_err_ra(env, EXCP0D_GPF, new_cs & 0xfffc, ra);
        }
        if (!(e2 & DESC_P_MASK)) {
            raise_exception_err_ra(env, EXCP0B_NOSEG, new_cs & 0xfffc, ra);
        }
        read_gate(env, new_cs, e1, e2, &gsel, &off, ra);
        check_gate_target(env, gsel, &e1, &e2, ra);
        /* JMP through a gate never changes privilege */
        if ((e2 & DESC_C_MASK) ? dpl_of(e2) > cpl : dpl_of(e2) != cpl) {
            raise_exception_err_ra(env, EXCP0D_GPF, gsel & 0xfffc, ra);
        }
        if (!is_64bit_code(env, e2) && off > x86_desc_limit(e1, e2)) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        load_seg_desc(env, R_CS, (gsel & 0xfffc) | cpl, e1, e2);
        env->rip = off;
        return;
    default:
        raise_exception_err_ra(env, EXCP0D_GPF, new_cs & 0xfffc, ra);
    }
}

void helper_lcall_real(CPUX86State *env, uint32_t new_cs, uint64_t new_eip,
                       uint32_t shift, uint64_t next_eip)
{
    X86Stack st = cur_stack(env, GETPC());
    MemOp sz = shift ? MO_UL : MO_UW;

    x86_push(&st, env->segs[R_CS].selector, sz);
    x86_push(&st, next_eip, sz);
    x86_set_sp(env, st.sp, st.mask);
    env->segs[R_CS].selector = new_cs & 0xffff;
    env->segs[R_CS].base = (uint64_t)(new_cs & 0xffff) << 4;
    env->rip = new_eip;
}

static MemOp shift_size(uint32_t shift)
{
    return shift == 2 ? MO_UQ : shift == 1 ? MO_UL : MO_UW;
}

void helper_lcall_protected(CPUX86State *env, uint32_t new_cs,
                            uint64_t new_eip, uint32_t shift,
                            uint32_t next_eip_addend)
{
    uintptr_t ra = GETPC();
    uint32_t e1, e2, cpl = cpl_of(env), dpl, rpl, type, gsel;
    uint64_t next_eip, off;
    X86Stack st;
    MemOp sz;

    next_eip = env->rip + next_eip_addend;
    new_cs &= 0xffff;
    if ((new_cs & 0xfffc) == 0) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    if (!x86_load_descriptor(env, &e1, &e2, new_cs, ra)) {
        raise_exception_err_ra(env, EXCP0D_GPF, new_cs & 0xfffc, ra);
    }
    if (e2 & DESC_S_MASK) {
        check_code_target(env, new_cs, e2, ra);
        st = cur_stack(env, ra);
        sz = shift_size(shift);
        x86_push(&st, env->segs[R_CS].selector, sz);
        x86_push(&st, next_eip, sz);
        if (!is_64bit_code(env, e2) && new_eip > x86_desc_limit(e1, e2)) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        x86_set_sp(env, st.sp, st.mask);
        load_seg_desc(env, R_CS, (new_cs & 0xfffc) | cpl, e1, e2);
        env->rip = new_eip;
        return;
    }

    dpl = dpl_of(e2);
    rpl = new_cs & 3;
    type = (e2 >> DESC_TYPE_SHIFT) & 0xf;
    if ((env->hflags & HF_LMA) && type != 12) {
        raise_exception_err_ra(env, EXCP0D_GPF, new_cs & 0xfffc, ra);
    }
    switch (type) {
    case 1: case 9: case 5:
        if (dpl < cpl || dpl < rpl) {
            raise_exception_err_ra(env, EXCP0D_GPF, new_cs & 0xfffc, ra);
        }
        x86_switch_tss(env, new_cs, e1, e2, SWITCH_TSS_CALL, next_eip, 0);
        return;
    case 4: case 12:
        break;
    default:
        raise_exception_err_ra(env, EXCP0D_GPF, new_cs & 0xfffc, ra);
    }
    if (dpl < cpl || dpl < rpl) {
        raise_exception_err_ra(env, EXCP0D_GPF, new_cs & 0xfffc, ra);
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_exception_err_ra(env, EXCP0B_NOSEG, new_cs & 0xfffc, ra);
    }
    uint32_t param_count = e2 & 0x1f;
    read_gate(env, new_cs, e1, e2, &gsel, &off, ra);
    check_gate_target(env, gsel, &e1, &e2, ra);
    sz = type == 12 ? (env->hflags & HF_LMA ? MO_UQ : MO_UL) : MO_UW;
    dpl = dpl_of(e2);

    if (!(e2 & DESC_C_MASK) && dpl < cpl) {
        /* to an inner privilege: the stack from the TSS */
        X86Stack old = cur_stack(env, ra);
        uint32_t ss = 0, ss_e1 = 0, ss_e2 = 0;

        st = (X86Stack){ .env = env, .ra = ra,
                         .mmu_idx = x86_kernel_mmu_index(env) };
        if (env->hflags & HF_LMA) {
            uint32_t index = 8 * dpl + 4;
            if (index + 7 > env->tr.limit) {
                raise_exception_err_ra(env, EXCP0A_TSS,
                                       env->tr.selector & 0xfffc, ra);
            }
            st.sp = x86_ld(env, env->tr.base + index, MO_UQ, st.mmu_idx, ra);
            st.mask = ~0ull;
            ss = dpl;
        } else {
            int tss_type = (env->tr.flags >> DESC_TYPE_SHIFT) & 0xf;
            int tshift = tss_type >> 3;
            uint32_t index = (dpl * 4 + 2) << tshift;
            if (index + (4 << tshift) - 1 > env->tr.limit) {
                raise_exception_err_ra(env, EXCP0A_TSS,
                                       env->tr.selector & 0xfffc, ra);
            }
            st.sp = x86_ld(env, env->tr.base + index,
                           tshift ? MO_UL : MO_UW, st.mmu_idx, ra);
            ss = x86_ld(env, env->tr.base + index + (2 << tshift), MO_UW,
                        st.mmu_idx, ra);
            if ((ss & 0xfffc) == 0 || (ss & 3) != dpl ||
                !x86_load_descriptor(env, &ss_e1, &ss_e2, ss, ra) ||
                dpl_of(ss_e2) != dpl || !(ss_e2 & DESC_S_MASK) ||
                (ss_e2 & DESC_CS_MASK) || !(ss_e2 & DESC_W_MASK)) {
                raise_exception_err_ra(env, EXCP0A_TSS, ss & 0xfffc, ra);
            }
            if (!(ss_e2 & DESC_P_MASK)) {
                raise_exception_err_ra(env, EXCP0C_STACK, ss & 0xfffc, ra);
            }
            st.base = x86_desc_base(ss_e1, ss_e2);
            st.mask = x86_sp_mask(ss_e2);
        }
        x86_push(&st, env->segs[R_SS].selector, sz);
        x86_push(&st, env->regs[R_ESP], sz);
        if (!(env->hflags & HF_LMA)) {
            /* copy the parameters, deepest first */
            for (int i = param_count - 1; i >= 0; i--) {
                X86Stack p = old;
                p.sp = old.sp + i * memop_size(sz);
                x86_push(&st, x86_ld(env, x86_stack_addr(&p), sz,
                                     old.mmu_idx, ra), sz);
            }
        }
        x86_push(&st, env->segs[R_CS].selector, sz);
        x86_push(&st, next_eip, sz);
        if (env->hflags & HF_LMA) {
            x86_load_seg_cache(env, R_SS, dpl, 0, 0, dpl << DESC_DPL_SHIFT);
        } else {
            x86_load_seg_cache(env, R_SS, (ss & ~3) | dpl, st.base,
                               x86_desc_limit(ss_e1, ss_e2),
                               X86_DESC_FLAGS(ss_e2));
        }
    } else {
        st = cur_stack(env, ra);
        x86_push(&st, env->segs[R_CS].selector, sz);
        x86_push(&st, next_eip, sz);
        dpl = cpl;
    }
    x86_set_sp(env, st.sp, st.mask);
    load_seg_desc(env, R_CS, (gsel & 0xfffc) | dpl, e1, e2);
    env->rip = off;
}

/* After a return to an outer privilege: data segments the new CPL may
 * not use become null. */
static void validate_seg(CPUX86State *env, int seg)
{
    uint32_t e2 = env->segs[seg].flags, cpl = cpl_of(env);

    if ((seg == R_FS || seg == R_GS) && (env->segs[seg].selector & 0xfffc)
        == 0) {
        return;
    }
    if ((!(e2 & DESC_CS_MASK) || !(e2 & DESC_C_MASK)) && dpl_of(e2) < cpl) {
        x86_load_seg_cache(env, seg, 0, 0, 0, 0);
    }
}

/* Common tail of far RET and IRET in protected/long mode. */
static void return_protected(CPUX86State *env, uint32_t shift, bool is_iret,
                             uint32_t addend, uintptr_t ra)
{
    X86Stack st = cur_stack(env, ra);
    MemOp sz = shift_size(shift);
    uint32_t cpl = cpl_of(env), e1, e2, ss_e1, ss_e2, rpl, dpl;
    uint64_t new_eip, new_cs, new_eflags = 0, new_esp, new_ss;

    new_eip = x86_pop(&st, sz);
    new_cs = x86_pop(&st, sz) & 0xffff;
    if (is_iret) {
        new_eflags = x86_pop(&st, sz);
        if (shift == 0) {
            new_eflags &= 0xffff;
        }
        if ((new_eflags & RFLAGS_VM) && cpl == 0 && shift == 1 &&
            !(env->hflags & HF_LMA)) {
            /* back to virtual-8086 mode */
            new_esp = x86_pop(&st, MO_UL);
            new_ss = x86_pop(&st, MO_UL);
            uint32_t es = x86_pop(&st, MO_UL), ds = x86_pop(&st, MO_UL);
            uint32_t fs = x86_pop(&st, MO_UL), gs = x86_pop(&st, MO_UL);
            cpu_load_eflags(env, new_eflags, ALL_RFLAGS);
            load_seg_vm86(env, R_CS, new_cs);
            load_seg_vm86(env, R_SS, new_ss);
            load_seg_vm86(env, R_ES, es);
            load_seg_vm86(env, R_DS, ds);
            load_seg_vm86(env, R_FS, fs);
            load_seg_vm86(env, R_GS, gs);
            env->rip = new_eip & 0xffff;
            env->regs[R_ESP] = (uint32_t)new_esp;
            return;
        }
    }
    if ((new_cs & 0xfffc) == 0) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    if (!x86_load_descriptor(env, &e1, &e2, new_cs, ra) ||
        !(e2 & DESC_S_MASK) || !(e2 & DESC_CS_MASK)) {
        raise_exception_err_ra(env, EXCP0D_GPF, new_cs & 0xfffc, ra);
    }
    rpl = new_cs & 3;
    if (rpl < cpl) {
        raise_exception_err_ra(env, EXCP0D_GPF, new_cs & 0xfffc, ra);
    }
    dpl = dpl_of(e2);
    if ((e2 & DESC_C_MASK) ? dpl > rpl : dpl != rpl) {
        raise_exception_err_ra(env, EXCP0D_GPF, new_cs & 0xfffc, ra);
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_exception_err_ra(env, EXCP0B_NOSEG, new_cs & 0xfffc, ra);
    }
    st.sp += addend;
    if (rpl == cpl && !(shift == 2 && is_iret)) {
        /* same privilege */
        load_seg_desc(env, R_CS, new_cs, e1, e2);
        x86_set_sp(env, st.sp, st.mask);
    } else {
        /* outer privilege (and 64-bit IRET, which always pops SS:RSP) */
        new_esp = x86_pop(&st, sz);
        new_ss = x86_pop(&st, sz) & 0xffff;
        if ((new_ss & 0xfffc) == 0) {
            /* null SS: only into 64-bit code below CPL 3 */
            if (!(env->hflags & HF_LMA) || !(e2 & DESC_L_MASK) ||
                rpl == 3) {
                raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
            }
            ss_e1 = 0;
            ss_e2 = rpl << DESC_DPL_SHIFT;
        } else {
            if ((new_ss & 3) != rpl ||
                !x86_load_descriptor(env, &ss_e1, &ss_e2, new_ss, ra) ||
                !(ss_e2 & DESC_S_MASK) || (ss_e2 & DESC_CS_MASK) ||
                !(ss_e2 & DESC_W_MASK) || dpl_of(ss_e2) != rpl) {
                raise_exception_err_ra(env, EXCP0D_GPF, new_ss & 0xfffc, ra);
            }
            if (!(ss_e2 & DESC_P_MASK)) {
                raise_exception_err_ra(env, EXCP0C_STACK, new_ss & 0xfffc,
                                       ra);
            }
        }
        load_seg_desc(env, R_CS, new_cs, e1, e2);
        if ((new_ss & 0xfffc) == 0) {
            x86_load_seg_cache(env, R_SS, new_ss, 0, 0, ss_e2);
        } else {
            load_seg_desc(env, R_SS, new_ss, ss_e1, ss_e2);
        }
        new_esp += addend;
        x86_set_sp(env, new_esp,
                   (env->hflags & HF_CS64) ? ~0ull : x86_sp_mask(ss_e2));
        if (rpl != cpl) {
            validate_seg(env, R_ES);
            validate_seg(env, R_DS);
            validate_seg(env, R_FS);
            validate_seg(env, R_GS);
        }
    }
    env->rip = new_eip;
    if (is_iret) {
        uint64_t mask = RFLAGS_TF | RFLAGS_AC | RFLAGS_ID | RFLAGS_RF |
                        RFLAGS_NT | CC_OSZAPC | RFLAGS_DF;
        if (cpl == 0) {
            mask |= RFLAGS_IOPL | RFLAGS_VIF | RFLAGS_VIP;
        }
        if (cpl <= ((env->rflags >> 12) & 3)) {
            mask |= RFLAGS_IF;
        }
        if (shift == 0) {
            mask &= 0xffff;
        }
        cpu_load_eflags(env, new_eflags, mask);
    }
}

void helper_lret_protected(CPUX86State *env, uint32_t shift,
                           uint32_t addend)
{
    return_protected(env, shift, false, addend, GETPC());
}

void helper_iret_real(CPUX86State *env, uint32_t shift)
{
    uintptr_t ra = GETPC();
    X86Stack st = cur_stack(env, ra);
    MemOp sz = shift ? MO_UL : MO_UW;
    uint64_t new_eip, new_cs, new_eflags, mask;

    new_eip = x86_pop(&st, sz);
    new_cs = x86_pop(&st, sz) & 0xffff;
    new_eflags = x86_pop(&st, sz);
    x86_set_sp(env, st.sp, st.mask);
    if (env->rflags & RFLAGS_VM) {
        load_seg_vm86(env, R_CS, new_cs);
        mask = RFLAGS_TF | RFLAGS_IF | RFLAGS_AC | RFLAGS_ID | RFLAGS_NT |
               RFLAGS_RF | CC_OSZAPC | RFLAGS_DF;
    } else {
        env->segs[R_CS].selector = new_cs;
        env->segs[R_CS].base = new_cs << 4;
        mask = RFLAGS_TF | RFLAGS_IF | RFLAGS_AC | RFLAGS_ID | RFLAGS_NT |
               RFLAGS_RF | CC_OSZAPC | RFLAGS_DF | RFLAGS_IOPL;
    }
    if (!shift) {
        mask &= 0xffff;
    }
    env->rip = new_eip;
    cpu_load_eflags(env, new_eflags, mask);
    env->nmi_blocked = false;
}

void helper_iret_protected(CPUX86State *env, uint32_t shift,
                           uint32_t next_eip_addend)
{
    uintptr_t ra = GETPC();

    if (env->rflags & RFLAGS_NT) {
        /* return from a nested task: to the TSS in the back link */
        uint32_t tss, e1, e2, type;

        if (env->hflags & HF_LMA) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        tss = x86_ld(env, env->tr.base, MO_UW, x86_kernel_mmu_index(env),
                     ra);
        if (tss & 4) {
            raise_exception_err_ra(env, EXCP0A_TSS, tss & 0xfffc, ra);
        }
        if (!x86_load_descriptor(env, &e1, &e2, tss, ra)) {
            raise_exception_err_ra(env, EXCP0A_TSS, tss & 0xfffc, ra);
        }
        type = (e2 >> DESC_TYPE_SHIFT) & 0x17;
        if (type != 3) {             /* busy TSS, 16 or 32-bit */
            raise_exception_err_ra(env, EXCP0A_TSS, tss & 0xfffc, ra);
        }
        x86_switch_tss(env, tss, e1, e2, SWITCH_TSS_IRET,
                       env->rip + next_eip_addend, 0);
    } else {
        return_protected(env, shift, true, 0, ra);
    }
    env->nmi_blocked = false;
}

/* ---- LDT and task register ---- */

/* A system descriptor in the GDT (16 bytes in long mode). */
static void load_system_desc(CPUX86State *env, uint32_t sel, uint32_t *e1,
                             uint32_t *e2, uint64_t *base, uintptr_t ra)
{
    uint64_t ptr;
    int idx = x86_kernel_mmu_index(env);
    uint32_t entry = env->hflags & HF_LMA ? 16 : 8;

    if (sel & 4) {
        raise_exception_err_ra(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if ((sel & ~7u) + entry - 1 > env->gdt.limit) {
        raise_exception_err_ra(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    ptr = env->gdt.base + (sel & ~7u);
    *e1 = x86_ld(env, ptr, MO_UL, idx, ra);
    *e2 = x86_ld(env, ptr + 4, MO_UL, idx, ra);
    *base = x86_desc_base(*e1, *e2);
    if (entry == 16) {
        uint32_t e3 = x86_ld(env, ptr + 8, MO_UL, idx, ra);
        uint32_t e4 = x86_ld(env, ptr + 12, MO_UL, idx, ra);
        if ((e4 >> DESC_TYPE_SHIFT) & 0xf) {
            raise_exception_err_ra(env, EXCP0D_GPF, sel & 0xfffc, ra);
        }
        *base |= (uint64_t)e3 << 32;
    }
}

void helper_lldt(CPUX86State *env, uint32_t selector)
{
    uintptr_t ra = GETPC();
    uint32_t e1, e2;
    uint64_t base;

    selector &= 0xffff;
    if ((selector & 0xfffc) == 0) {
        env->ldt = (SegmentCache){ .selector = selector };
        return;
    }
    load_system_desc(env, selector, &e1, &e2, &base, ra);
    if ((e2 & DESC_S_MASK) || ((e2 >> DESC_TYPE_SHIFT) & 0xf) != 2) {
        raise_exception_err_ra(env, EXCP0D_GPF, selector & 0xfffc, ra);
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_exception_err_ra(env, EXCP0B_NOSEG, selector & 0xfffc, ra);
    }
    env->ldt = (SegmentCache){ .selector = selector, .base = base,
                               .limit = x86_desc_limit(e1, e2),
                               .flags = X86_DESC_FLAGS(e2) };
}

void helper_ltr(CPUX86State *env, uint32_t selector)
{
    uintptr_t ra = GETPC();
    uint32_t e1, e2, type;
    uint64_t base;

    selector &= 0xffff;
    if ((selector & 0xfffc) == 0) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    load_system_desc(env, selector, &e1, &e2, &base, ra);
    type = (e2 >> DESC_TYPE_SHIFT) & 0xf;
    if ((e2 & DESC_S_MASK) || (type != 1 && type != 9)) {
        raise_exception_err_ra(env, EXCP0D_GPF, selector & 0xfffc, ra);
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_exception_err_ra(env, EXCP0B_NOSEG, selector & 0xfffc, ra);
    }
    /* The cache keeps the type as read (QEMU's "info registers" shows
     * TSS64-avl after LTR); the descriptor in the GDT becomes busy. */
    env->tr = (SegmentCache){ .selector = selector, .base = base,
                              .limit = x86_desc_limit(e1, e2),
                              .flags = X86_DESC_FLAGS(e2) };
    x86_st(env, env->gdt.base + (selector & ~7u) + 4,
           e2 | (2u << DESC_TYPE_SHIFT), MO_UL, x86_kernel_mmu_index(env),
           ra);
}

void helper_lgdt(CPUX86State *env, uint64_t base, uint32_t limit)
{
    env->gdt.base = base;
    env->gdt.limit = limit & 0xffff;
}

void helper_lidt(CPUX86State *env, uint64_t base, uint32_t limit)
{
    env->idt.base = base;
    env->idt.limit = limit & 0xffff;
}

/* ---- LAR / LSL / VERR / VERW ---- */

static void set_zf(CPUX86State *env, bool z)
{
    uint32_t f = cpu_cc_compute_all(env);

    env->cc_src = z ? f | CC_Z : f & ~CC_Z;
    env->cc_op = CC_OP_EFLAGS;
}

/* The descriptor of selector if the current privilege may see it;
 * 'types' is the mask of system types the insn accepts. */
static bool visible_desc(CPUX86State *env, uint64_t selector, uint32_t types,
                         uint32_t *e1, uint32_t *e2, uintptr_t ra)
{
    uint32_t cpl = cpl_of(env), rpl = selector & 3, dpl;

    selector &= 0xffff;
    if ((selector & 0xfffc) == 0 ||
        !x86_load_descriptor(env, e1, e2, selector, ra)) {
        return false;
    }
    dpl = dpl_of(*e2);
    if (*e2 & DESC_S_MASK) {
        if ((*e2 & DESC_CS_MASK) && (*e2 & DESC_C_MASK)) {
            return true;              /* conforming code: always */
        }
    } else if (!(types & (1u << ((*e2 >> DESC_TYPE_SHIFT) & 0xf)))) {
        return false;
    }
    return dpl >= cpl && dpl >= rpl;
}

uint64_t helper_lar(CPUX86State *env, uint64_t selector)
{
    uint32_t e1, e2;
    /* LDT, TSSs, call/task gates */
    bool ok = visible_desc(env, selector, (env->hflags & HF_LMA)
                           ? (1u << 2) | (1u << 9) | (1u << 11) | (1u << 12)
                           : 0x1a3e, &e1, &e2, GETPC());

    set_zf(env, ok);
    return ok ? e2 & 0x00f0ff00 : 0;
}

uint64_t helper_lsl(CPUX86State *env, uint64_t selector)
{
    uint32_t e1, e2;
    /* LDT and TSSs */
    bool ok = visible_desc(env, selector, (env->hflags & HF_LMA)
                           ? (1u << 2) | (1u << 9) | (1u << 11)
                           : 0x0a0e, &e1, &e2, GETPC());

    set_zf(env, ok);
    return ok ? x86_desc_limit(e1, e2) : 0;
}

void helper_verr(CPUX86State *env, uint64_t selector)
{
    uint32_t e1, e2;
    bool ok = visible_desc(env, selector, 0, &e1, &e2, GETPC()) &&
              (e2 & DESC_S_MASK) &&
              (!(e2 & DESC_CS_MASK) || (e2 & DESC_R_MASK));

    set_zf(env, ok);
}

void helper_verw(CPUX86State *env, uint64_t selector)
{
    uint32_t e1, e2;
    bool ok = visible_desc(env, selector, 0, &e1, &e2, GETPC()) &&
              (e2 & DESC_S_MASK) && !(e2 & DESC_CS_MASK) &&
              (e2 & DESC_W_MASK);

    set_zf(env, ok);
}

/* ---- fast system calls ---- */

void helper_syscall(CPUX86State *env, uint32_t next_eip_addend)
{
    uintptr_t ra = GETPC();
    uint32_t sel = (env->star >> 32) & 0xffff;
    uint64_t next_eip, fl;

    if (!(env->efer & MSR_EFER_SCE)) {
        raise_exception_ra(env, EXCP06_ILLOP, ra);
    }
    next_eip = env->rip + next_eip_addend;
    fl = cpu_compute_eflags(env);
    if (env->hflags & HF_LMA) {
        bool from64 = env->hflags & HF_CS64;
        env->regs[R_ECX] = next_eip;
        env->regs[11] = fl & ~(uint64_t)RFLAGS_RF;
        cpu_load_eflags(env, fl & ~env->fmask & ~(uint64_t)RFLAGS_RF,
                        ALL_RFLAGS);
        x86_load_seg_cache(env, R_CS, sel & 0xfffc, 0, 0xffffffff,
                           FLAT_CODE | DESC_L_MASK);
        x86_load_seg_cache(env, R_SS, (sel + 8) & 0xfffc, 0, 0xffffffff,
                           FLAT_DATA);
        env->rip = from64 ? env->lstar : env->cstar;
    } else {
        env->regs[R_ECX] = (uint32_t)next_eip;
        cpu_load_eflags(env, fl & ~(uint64_t)(RFLAGS_IF | RFLAGS_RF |
                                              RFLAGS_VM), ALL_RFLAGS);
        x86_load_seg_cache(env, R_CS, sel & 0xfffc, 0, 0xffffffff,
                           FLAT_CODE | DESC_B_MASK);
        x86_load_seg_cache(env, R_SS, (sel + 8) & 0xfffc, 0, 0xffffffff,
                           FLAT_DATA);
        env->rip = (uint32_t)env->star;
    }
}

void helper_sysret(CPUX86State *env, uint32_t dflag)
{
    uintptr_t ra = GETPC();
    uint32_t sel = (env->star >> 48) & 0xffff;
    const uint32_t dpl3 = 3 << DESC_DPL_SHIFT;

    if (!(env->efer & MSR_EFER_SCE)) {
        raise_exception_ra(env, EXCP06_ILLOP, ra);
    }
    if (!(env->cr[0] & CR0_PE_MASK) || cpl_of(env) != 0) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    if (env->hflags & HF_LMA) {
        if (dflag == 2) {
            uint64_t rcx = env->regs[R_ECX];
            int sh = env->cr[4] & (1u << 12) ? 7 : 16;    /* CR4.LA57 */
            if ((uint64_t)((int64_t)(rcx << sh) >> sh) != rcx) {
                raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
            }
            x86_load_seg_cache(env, R_CS, (sel + 16) | 3, 0, 0xffffffff,
                               FLAT_CODE | DESC_L_MASK | dpl3);
            env->rip = rcx;
        } else {
            x86_load_seg_cache(env, R_CS, sel | 3, 0, 0xffffffff,
                               FLAT_CODE | DESC_B_MASK | dpl3);
            env->rip = (uint32_t)env->regs[R_ECX];
        }
        x86_load_seg_cache(env, R_SS, (sel + 8) | 3, 0, 0xffffffff,
                           FLAT_DATA | dpl3);
        /* SDM: RFLAGS = (R11 & 3C7FD7H) | 2: RF and VM come back 0 */
        cpu_load_eflags(env, (env->regs[11] & 0x3c7fd7) | RFLAGS_FIXED,
                        ALL_RFLAGS);
    } else {
        x86_load_seg_cache(env, R_CS, sel | 3, 0, 0xffffffff,
                           FLAT_CODE | DESC_B_MASK | dpl3);
        x86_load_seg_cache(env, R_SS, (sel + 8) | 3, 0, 0xffffffff,
                           FLAT_DATA | dpl3);
        env->rip = (uint32_t)env->regs[R_ECX];
        cpu_load_eflags(env, cpu_compute_eflags(env) | RFLAGS_IF,
                        RFLAGS_IF);
    }
}

void helper_sysenter(CPUX86State *env)
{
    uintptr_t ra = GETPC();
    uint32_t cs = env->sysenter_cs;

    if ((cs & 0xfffc) == 0) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    cpu_load_eflags(env, 0, RFLAGS_VM | RFLAGS_IF | RFLAGS_RF);
    if (env->hflags & HF_LMA) {
        x86_load_seg_cache(env, R_CS, cs & 0xfffc, 0, 0xffffffff,
                           FLAT_CODE | DESC_L_MASK);
    } else {
        x86_load_seg_cache(env, R_CS, cs & 0xfffc, 0, 0xffffffff,
                           FLAT_CODE | DESC_B_MASK);
    }
    x86_load_seg_cache(env, R_SS, (cs + 8) & 0xfffc, 0, 0xffffffff,
                       FLAT_DATA);
    env->regs[R_ESP] = env->sysenter_esp;
    env->rip = env->sysenter_eip;
}

void helper_sysexit(CPUX86State *env, uint32_t dflag)
{
    uintptr_t ra = GETPC();
    uint32_t cs = env->sysenter_cs;
    const uint32_t dpl3 = 3 << DESC_DPL_SHIFT;

    if ((cs & 0xfffc) == 0 || cpl_of(env) != 0 ||
        !(env->cr[0] & CR0_PE_MASK)) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    if (dflag == 2) {
        x86_load_seg_cache(env, R_CS, ((cs + 32) & 0xfffc) | 3, 0,
                           0xffffffff, FLAT_CODE | DESC_L_MASK | dpl3);
        x86_load_seg_cache(env, R_SS, ((cs + 40) & 0xfffc) | 3, 0,
                           0xffffffff, FLAT_DATA | dpl3);
        env->regs[R_ESP] = env->regs[R_ECX];
        env->rip = env->regs[R_EDX];
    } else {
        x86_load_seg_cache(env, R_CS, ((cs + 16) & 0xfffc) | 3, 0,
                           0xffffffff, FLAT_CODE | DESC_B_MASK | dpl3);
        x86_load_seg_cache(env, R_SS, ((cs + 24) & 0xfffc) | 3, 0,
                           0xffffffff, FLAT_DATA | dpl3);
        env->regs[R_ESP] = (uint32_t)env->regs[R_ECX];
        env->rip = (uint32_t)env->regs[R_EDX];
    }
}

void helper_swapgs(CPUX86State *env)
{
    uint64_t t;

    if (cpl_of(env) != 0) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, GETPC());
    }
    t = env->segs[R_GS].base;
    env->segs[R_GS].base = env->kernelgsbase;
    env->kernelgsbase = t;
}

/* ---- task switch ---- */

/* A segment register of the new task: the checks raise #TS. */
static void tss_load_seg(CPUX86State *env, int seg, uint32_t sel,
                         uint32_t cpl, uintptr_t ra)
{
    uint32_t e1, e2, rpl = sel & 3, dpl;

    if ((sel & 0xfffc) == 0) {
        if (seg == R_CS || seg == R_SS) {
            raise_exception_err_ra(env, EXCP0A_TSS, sel & 0xfffc, ra);
        }
        x86_load_seg_cache(env, seg, sel, 0, 0, 0);
        return;
    }
    if (!x86_load_descriptor(env, &e1, &e2, sel, ra) ||
        !(e2 & DESC_S_MASK)) {
        raise_exception_err_ra(env, EXCP0A_TSS, sel & 0xfffc, ra);
    }
    dpl = dpl_of(e2);
    if (seg == R_CS) {
        if (!(e2 & DESC_CS_MASK) ||
            ((e2 & DESC_C_MASK) ? dpl > rpl : dpl != rpl)) {
            raise_exception_err_ra(env, EXCP0A_TSS, sel & 0xfffc, ra);
        }
    } else if (seg == R_SS) {
        if (dpl != cpl || rpl != cpl || (e2 & DESC_CS_MASK) ||
            !(e2 & DESC_W_MASK)) {
            raise_exception_err_ra(env, EXCP0A_TSS, sel & 0xfffc, ra);
        }
    } else {
        if ((e2 & DESC_CS_MASK) && !(e2 & DESC_R_MASK)) {
            raise_exception_err_ra(env, EXCP0A_TSS, sel & 0xfffc, ra);
        }
        if ((!(e2 & DESC_CS_MASK) || !(e2 & DESC_C_MASK)) &&
            (dpl < cpl || dpl < rpl)) {
            raise_exception_err_ra(env, EXCP0A_TSS, sel & 0xfffc, ra);
        }
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_exception_err_ra(env, seg == R_SS ? EXCP0C_STACK : EXCP0B_NOSEG,
                               sel & 0xfffc, ra);
    }
    load_seg_desc(env, seg, sel, e1, e2);
}

void x86_switch_tss(CPUX86State *env, int tss_selector, uint32_t e1,
                    uint32_t e2, int source, uint64_t next_eip, uintptr_t ra)
{
    int kidx = x86_kernel_mmu_index(env);
    uint32_t type = (e2 >> DESC_TYPE_SHIFT) & 0xf;
    uint32_t new_regs[8], new_segs[CPU_NB_SEGS], new_ldt;
    uint64_t new_eip, new_eflags, new_cr3 = 0, tss_base, ptr;
    uint32_t tss_limit, old_type;
    bool t32;

    kemu_log_mask(LOG_INT, "switch_tss: sel=0x%04x type=%u src=%d\n",
                  tss_selector, type, source);
    if (type == 5) {                   /* task gate: the TSS it names */
        if (!(e2 & DESC_P_MASK)) {
            raise_exception_err_ra(env, EXCP0B_NOSEG, tss_selector & 0xfffc,
                                   ra);
        }
        tss_selector = e1 >> 16;
        if ((tss_selector & 4) ||
            !x86_load_descriptor(env, &e1, &e2, tss_selector, ra)) {
            raise_exception_err_ra(env, EXCP0A_TSS, tss_selector & 0xfffc,
                                   ra);
        }
        if ((e2 & DESC_S_MASK) ||
            (((e2 >> DESC_TYPE_SHIFT) & 7) != 1 &&
             ((e2 >> DESC_TYPE_SHIFT) & 7) != 3)) {
            raise_exception_err_ra(env, EXCP0D_GPF, tss_selector & 0xfffc,
                                   ra);
        }
        type = (e2 >> DESC_TYPE_SHIFT) & 0xf;
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_exception_err_ra(env, EXCP0B_NOSEG, tss_selector & 0xfffc, ra);
    }
    t32 = type & 8;
    tss_limit = x86_desc_limit(e1, e2);
    tss_base = x86_desc_base(e1, e2);
    if ((tss_selector & 4) || tss_limit < (t32 ? 103u : 43u)) {
        raise_exception_err_ra(env, EXCP0A_TSS, tss_selector & 0xfffc, ra);
    }

    /* read the new task's state before touching anything */
    if (t32) {
        new_cr3 = x86_ld(env, tss_base + 0x1c, MO_UL, kidx, ra);
        new_eip = x86_ld(env, tss_base + 0x20, MO_UL, kidx, ra);
        new_eflags = x86_ld(env, tss_base + 0x24, MO_UL, kidx, ra);
        for (int i = 0; i < 8; i++) {
            new_regs[i] = x86_ld(env, tss_base + 0x28 + i * 4, MO_UL, kidx,
                                 ra);
        }
        for (int i = 0; i < CPU_NB_SEGS; i++) {
            new_segs[i] = x86_ld(env, tss_base + 0x48 + i * 4, MO_UW, kidx,
                                 ra);
        }
        new_ldt = x86_ld(env, tss_base + 0x60, MO_UW, kidx, ra);
    } else {
        new_eip = x86_ld(env, tss_base + 0x0e, MO_UW, kidx, ra);
        new_eflags = x86_ld(env, tss_base + 0x10, MO_UW, kidx, ra);
        for (int i = 0; i < 8; i++) {
            new_regs[i] = x86_ld(env, tss_base + 0x12 + i * 2, MO_UW, kidx,
                                 ra) | 0xffff0000;
        }
        for (int i = 0; i < 4; i++) {
            new_segs[i] = x86_ld(env, tss_base + 0x22 + i * 2, MO_UW, kidx,
                                 ra);
        }
        new_segs[R_FS] = new_segs[R_GS] = 0;
        new_ldt = x86_ld(env, tss_base + 0x2a, MO_UW, kidx, ra);
    }

    /* the old task: not busy any more (JMP, IRET), its state saved */
    if (source == SWITCH_TSS_JMP || source == SWITCH_TSS_IRET) {
        ptr = env->gdt.base + (env->tr.selector & ~7u) + 4;
        x86_st(env, ptr, x86_ld(env, ptr, MO_UL, kidx, ra) &
               ~(2u << DESC_TYPE_SHIFT), MO_UL, kidx, ra);
    }
    uint64_t old_eflags = cpu_compute_eflags(env);
    if (source == SWITCH_TSS_IRET) {
        old_eflags &= ~(uint64_t)RFLAGS_NT;
    }
    old_type = (env->tr.flags >> DESC_TYPE_SHIFT) & 0xf;
    if (old_type & 8) {
        x86_st(env, env->tr.base + 0x20, next_eip, MO_UL, kidx, ra);
        x86_st(env, env->tr.base + 0x24, old_eflags, MO_UL, kidx, ra);
        for (int i = 0; i < 8; i++) {
            x86_st(env, env->tr.base + 0x28 + i * 4, env->regs[i], MO_UL,
                   kidx, ra);
        }
        for (int i = 0; i < CPU_NB_SEGS; i++) {
            x86_st(env, env->tr.base + 0x48 + i * 4, env->segs[i].selector,
                   MO_UW, kidx, ra);
        }
    } else {
        x86_st(env, env->tr.base + 0x0e, next_eip, MO_UW, kidx, ra);
        x86_st(env, env->tr.base + 0x10, old_eflags, MO_UW, kidx, ra);
        for (int i = 0; i < 8; i++) {
            x86_st(env, env->tr.base + 0x12 + i * 2, env->regs[i], MO_UW,
                   kidx, ra);
        }
        for (int i = 0; i < 4; i++) {
            x86_st(env, env->tr.base + 0x22 + i * 2, env->segs[i].selector,
                   MO_UW, kidx, ra);
        }
    }
    if (source == SWITCH_TSS_CALL) {
        x86_st(env, tss_base, env->tr.selector, MO_UW, kidx, ra);
        new_eflags |= RFLAGS_NT;
    }
    if (source == SWITCH_TSS_JMP || source == SWITCH_TSS_CALL) {
        ptr = env->gdt.base + (tss_selector & ~7u) + 4;
        e2 |= 2u << DESC_TYPE_SHIFT;
        x86_st(env, ptr, e2, MO_UL, kidx, ra);
    }

    /* the new task */
    env->cr[0] |= CR0_TS_MASK;
    env->tr = (SegmentCache){ .selector = tss_selector, .base = tss_base,
                              .limit = tss_limit,
                              .flags = X86_DESC_FLAGS(e2) |
                                       (2u << DESC_TYPE_SHIFT) };
    if (t32 && (env->cr[0] & CR0_PG_MASK)) {
        x86_cpu_set_cr3(env, new_cr3);
    }
    env->rip = new_eip;
    cpu_load_eflags(env, new_eflags | RFLAGS_FIXED,
                    t32 ? ALL_RFLAGS : ALL_RFLAGS & 0xffff);
    for (int i = 0; i < 8; i++) {
        env->regs[i] = new_regs[i];
    }
    if (new_eflags & RFLAGS_VM) {
        for (int i = 0; i < CPU_NB_SEGS; i++) {
            load_seg_vm86(env, i, new_segs[i]);
        }
    } else {
        /* selectors first, so a fault below reports the new task's */
        for (int i = 0; i < CPU_NB_SEGS; i++) {
            env->segs[i].selector = new_segs[i];
        }
    }
    env->ldt.selector = new_ldt & ~4u;
    env->ldt.base = 0;
    env->ldt.limit = 0;
    env->ldt.flags = 0;
    if (new_ldt & 4) {
        raise_exception_err_ra(env, EXCP0A_TSS, new_ldt & 0xfffc, ra);
    }
    if ((new_ldt & 0xfffc) != 0) {
        uint32_t l1, l2;
        if (!x86_load_descriptor(env, &l1, &l2, new_ldt, ra) ||
            (l2 & DESC_S_MASK) || ((l2 >> DESC_TYPE_SHIFT) & 0xf) != 2 ||
            !(l2 & DESC_P_MASK)) {
            raise_exception_err_ra(env, EXCP0A_TSS, new_ldt & 0xfffc, ra);
        }
        env->ldt.base = x86_desc_base(l1, l2);
        env->ldt.limit = x86_desc_limit(l1, l2);
        env->ldt.flags = X86_DESC_FLAGS(l2);
    }
    if (!(new_eflags & RFLAGS_VM)) {
        uint32_t cpl = new_segs[R_CS] & 3;
        tss_load_seg(env, R_CS, new_segs[R_CS], cpl, ra);
        tss_load_seg(env, R_SS, new_segs[R_SS], cpl, ra);
        tss_load_seg(env, R_ES, new_segs[R_ES], cpl, ra);
        tss_load_seg(env, R_DS, new_segs[R_DS], cpl, ra);
        tss_load_seg(env, R_FS, new_segs[R_FS], cpl, ra);
        tss_load_seg(env, R_GS, new_segs[R_GS], cpl, ra);
    }
    if (new_eip > env->segs[R_CS].limit) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    x86_update_hflags(env);
}
