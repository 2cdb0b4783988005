/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest debugging under KVM (KVM_SET_GUEST_DEBUG, KVM_EXIT_DEBUG; the
 * KVM API documentation, section "KVM_SET_GUEST_DEBUG"). The gdbstub
 * fills the accelerator-neutral tables of include/exec/breakpoint.h; the
 * update hook here turns them into:
 *  - software breakpoints: int3 (0xcc) patched into guest memory, the
 *    original byte kept in sw_bp_global() so that gdb never sees it and
 *    restored on removal (unless the guest rewrote it meanwhile);
 *  - hardware breakpoints and watchpoints: DR0-3/DR7 in
 *    kvm_guest_debug.arch with KVM_GUESTDBG_USE_HW_BP. KVM loads them
 *    into the hardware while they are on and keeps the guest's own debug
 *    registers aside (KVM_GET_DEBUGREGS still returns the guest's), so
 *    the guest's values are back in force once gdb's are gone;
 *  - single step: KVM_GUESTDBG_SINGLESTEP, with KVM_GUESTDBG_BLOCKIRQ for
 *    Qqemu.sstep's NOIRQ when the kernel offers it.
 * The control word is applied by the vCPU's own thread before its next
 * KVM_RUN (the hook may run while the vCPU is in KVM_RUN, e.g. when gdb
 * goes away with the VM running). On KVM_EXIT_DEBUG, x86_debug_classify
 * says whether the exception is ours (the VM stops for gdb) or the
 * guest's (Linux's kprobes and text_poke use int3; a guest debugger uses
 * TF and DR0-3), which is re-injected through KVM_SET_VCPU_EVENTS.
 */
#include "accel/kvm/kvm-int.h"
#include "target/i386/cpu.h"
#include "target/i386/x86-debug.h"
#include "exec/sw-breakpoint.h"
#include "exec/memory.h"

#define INT3 0xcc

static bool have_guest_debug;
static uint32_t guest_debug_flags;     /* KVM_CAP_SET_GUEST_DEBUG2 */

/* Where each vCPU's software breakpoint landed in guest-physical memory,
 * found once when it is inserted (the guest may change its page tables
 * later; the patch stays where it was made). */
typedef struct SwBpPlace {
    CPUState *cpu;
    vaddr va;
    uint64_t pa;
    bool seen;
} SwBpPlace;

static GArray *places;      /* of SwBpPlace */

static bool translate(CPUState *cpu, vaddr va, uint64_t *pa)
{
    CPUClass *cc = CPU_GET_CLASS(cpu);
    hwaddr page;

    if (!cc->get_phys_page_debug) {
        *pa = va;
        return true;
    }
    page = cc->get_phys_page_debug(cpu, va & ~(vaddr)0xfff);
    if (page == (hwaddr)-1) {
        return false;
    }
    *pa = page + (va & 0xfff);
    return true;
}

typedef struct SyncCtx {
    CPUState *cpu;
    int err;
} SyncCtx;

static void place_one(vaddr pc, int flags, void *opaque)
{
    SyncCtx *c = opaque;
    SwBpPlace p = { .cpu = c->cpu, .va = pc, .seen = true };

    if (flags & BP_HW) {
        return;
    }
    for (guint i = 0; i < places->len; i++) {
        SwBpPlace *q = &g_array_index(places, SwBpPlace, i);
        if (q->cpu == c->cpu && q->va == pc) {
            q->seen = true;
            return;
        }
    }
    cpu_synchronize_state(c->cpu);
    if (!translate(c->cpu, pc, &p.pa)) {
        c->err = -EFAULT;
        return;
    }
    g_array_append_val(places, p);
}

static bool pa_wanted(uint64_t pa)
{
    for (guint i = 0; i < places->len; i++) {
        if (g_array_index(places, SwBpPlace, i).pa == pa) {
            return true;
        }
    }
    return false;
}

/* Make guest memory hold an int3 exactly where some vCPU has a software
 * breakpoint. BQL held. */
static int sync_sw_breakpoints(void)
{
    SwBpTable *t = sw_bp_global();
    SyncCtx c = { 0 };
    CPUState *cpu;

    if (!places) {
        places = g_array_new(false, false, sizeof(SwBpPlace));
    }
    for (guint i = 0; i < places->len; i++) {
        g_array_index(places, SwBpPlace, i).seen = false;
    }
    CPU_FOREACH(cpu) {
        c.cpu = cpu;
        cpu_breakpoint_foreach(cpu, BP_GDB, place_one, &c);
    }
    for (guint i = 0; i < places->len;) {
        if (!g_array_index(places, SwBpPlace, i).seen) {
            g_array_remove_index(places, i);
        } else {
            i++;
        }
    }
    /* Restore what is no longer wanted (only if our int3 is still there:
     * the guest may have rewritten its code since). */
    for (guint i = 0; t->entries && i < t->entries->len;) {
        SwBpEntry e = g_array_index(t->entries, SwBpEntry, i);
        uint8_t cur;

        if (pa_wanted(e.pa)) {
            i++;
            continue;
        }
        if (address_space_read(&address_space_memory, e.pa, &cur, 1) ==
            MEMTX_OK && cur == INT3) {
            address_space_write_rom(&address_space_memory, e.pa, &e.orig, 1);
        }
        sw_bp_table_remove(t, e.pa, NULL);
    }
    /* Patch what is new. */
    for (guint i = 0; i < places->len;) {
        SwBpPlace *p = &g_array_index(places, SwBpPlace, i);
        uint8_t orig, insn = INT3;

        if (sw_bp_table_lookup(t, p->pa, NULL)) {
            i++;
            continue;
        }
        if (address_space_read(&address_space_memory, p->pa, &orig, 1) !=
            MEMTX_OK ||
            address_space_write_rom(&address_space_memory, p->pa, &insn, 1) !=
            MEMTX_OK) {
            c.err = -EFAULT;
            g_array_remove_index(places, i);
            continue;
        }
        sw_bp_table_add(t, p->pa, orig);
        i++;
    }
    return c.err;
}

typedef struct LayoutCtx {
    X86HwLayout *l;
    int err;
} LayoutCtx;

static void layout_bp(vaddr pc, int flags, void *opaque)
{
    LayoutCtx *c = opaque;

    if ((flags & BP_HW) && !c->err) {
        c->err = x86_hw_layout_add_bp(c->l, pc);
    }
}

static void layout_wp(vaddr addr, vaddr len, int flags, void *opaque)
{
    LayoutCtx *c = opaque;

    if (!c->err) {
        c->err = x86_hw_layout_add_wp(c->l, addr, len, flags);
    }
}

/* gdb's hardware breakpoints and watchpoints on cpu, in DR order. */
static int build_layout(CPUState *cpu, X86HwLayout *l)
{
    LayoutCtx c = { .l = l };

    memset(l, 0, sizeof(*l));
    cpu_breakpoint_foreach(cpu, BP_GDB, layout_bp, &c);
    cpu_watchpoint_foreach(cpu, BP_GDB, layout_wp, &c);
    return c.err;
}

/* KVM_SET_GUEST_DEBUG's argument for cpu; an error if its hardware
 * breakpoints and watchpoints do not fit the debug registers. */
static int guest_debug_for(CPUState *cpu, struct kvm_guest_debug *dbg)
{
    int sstep = cpu_single_step_flags(cpu);
    X86HwLayout l;
    int err = build_layout(cpu, &l);

    memset(dbg, 0, sizeof(*dbg));
    /* Any vCPU may run into a patched int3. */
    if (sw_bp_table_count(sw_bp_global())) {
        dbg->control |= KVM_GUESTDBG_USE_SW_BP;
    }
    if (l.n) {
        uint64_t dr[4], dr7;

        x86_hw_layout_encode(&l, dr, &dr7);
        memcpy(dbg->arch.debugreg, dr, sizeof(dr));
        dbg->arch.debugreg[7] = dr7;
        dbg->control |= KVM_GUESTDBG_USE_HW_BP;
    }
    if (sstep & SSTEP_ENABLE) {
        dbg->control |= KVM_GUESTDBG_SINGLESTEP;
        if ((sstep & SSTEP_NOIRQ) &&
            (guest_debug_flags & KVM_GUESTDBG_BLOCKIRQ)) {
            dbg->control |= KVM_GUESTDBG_BLOCKIRQ;
        }
    }
    if (dbg->control) {
        dbg->control |= KVM_GUESTDBG_ENABLE;
        if (!have_guest_debug && !err) {
            err = -ENOSYS;
        }
    }
    return err;
}

/*
 * cpu's tables changed. Memory is shared, so the int3s are synced for
 * all vCPUs, and every vCPU whose argument changed (USE_SW_BP follows
 * the global table) gets it at its next entry.
 */
static int kvm_debug_update(CPUState *cpu)
{
    int err = sync_sw_breakpoints();
    CPUState *c;

    CPU_FOREACH(c) {
        struct kvm_guest_debug dbg;
        int e = guest_debug_for(c, &dbg);

        if (c == cpu && !err) {
            err = e;
        }
        if (c->accel &&
            memcmp(&c->accel->guest_debug, &dbg, sizeof(dbg))) {
            c->accel->guest_debug = dbg;
            c->accel->guest_debug_dirty = true;
        }
    }
    return err;
}

void kvm_arch_debug_init(void)
{
    have_guest_debug = kvm_check_extension(KVM_CAP_SET_GUEST_DEBUG) > 0;
    /* The capability's value is the set of control flags supported. */
    guest_debug_flags = MAX(kvm_check_extension(KVM_CAP_SET_GUEST_DEBUG2), 0);
    sw_bp_set_insn(INT3);
    cpu_debug_set_update_hook(kvm_debug_update);
    cpu_debug_set_sstep_supported(
        SSTEP_ENABLE |
        (guest_debug_flags & KVM_GUESTDBG_BLOCKIRQ ? SSTEP_NOIRQ : 0));
}

/* Give the guest the exception it took while we were watching. */
static int reinject(CPUState *cs, uint32_t exception, uint64_t dr6)
{
    CPUX86State *env = &X86_CPU(cs)->env;

    kvm_arch_get_registers(cs, KVM_GRP_ALL);
    env->events.exception_injected = 1;
    env->events.exception_nr = exception;
    env->events.exception_has_error_code = 0;
    env->events.exception_error_code = 0;
    if (exception == 1) {
        /* What the guest's handler reads in DR6 (bits 32-63 are 0). */
        env->dr[6] = (uint32_t)dr6;
        cs->accel->dirty |= KVM_GRP_DEBUG;
    }
    cs->accel->dirty |= KVM_GRP_EVENTS;
    return EXCP_RUN_AGAIN;
}

int kvm_arch_handle_debug_exit(CPUState *cs, struct kvm_run *run)
{
    const struct kvm_debug_exit_arch *e = &run->debug.arch;
    AccelCPUState *a = cs->accel;
    bool stepping = a->guest_debug.control & KVM_GUESTDBG_SINGLESTEP;
    bool ours_sw = false, mapped = false;
    uint64_t pa = 0;
    X86HwLayout l;
    int slot = -1;

    kvm_arch_get_registers(cs, KVM_GRP_ALL);
    if (e->exception == 3 && translate(cs, e->pc, &pa)) {
        mapped = true;
        ours_sw = sw_bp_table_lookup(sw_bp_global(), pa, NULL);
    }
    if (!(a->guest_debug.control & KVM_GUESTDBG_USE_HW_BP) ||
        build_layout(cs, &l)) {
        l.n = 0;
    }
    switch (x86_debug_classify(e->exception, e->dr6, stepping, ours_sw, &l,
                               &slot)) {
    case X86_DEBUG_WATCH: {
        const X86HwSlot *s = &l.slot[slot];
        /* Records the hit (the watched address) for the stop reply. */
        cpu_watchpoint_check(cs, s->addr, s->len,
                             s->type == X86_DR7_TYPE_WRITE ? BP_MEM_WRITE
                                                          : BP_MEM_ACCESS);
        break;
    }
    case X86_DEBUG_STEP:
    case X86_DEBUG_SW_BP:
    case X86_DEBUG_HW_BP:
        break;
    case X86_DEBUG_GUEST:
    default:
        if (e->exception == 3 && mapped) {
            uint8_t cur;
            /* Our int3, removed while this exit was on its way: the
             * instruction is intact again, run it. */
            if (address_space_read(&address_space_memory, pa, &cur, 1) ==
                MEMTX_OK && cur != INT3) {
                return EXCP_RUN_AGAIN;
            }
        }
        return reinject(cs, e->exception, e->dr6);
    }
    cpu_debug_exception(cs);
    return EXCP_INTERRUPT;
}
