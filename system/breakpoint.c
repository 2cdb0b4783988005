/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-vCPU breakpoints, watchpoints and single step (see
 * include/exec/breakpoint.h). The tables live here, keyed by the vCPU,
 * behind one mutex: the gdbstub writes them from the main loop, the
 * accelerators read them from vCPU threads, possibly without the BQL.
 */
#include "exec/breakpoint.h"
#include "sysemu/runstate.h"
#include "util/main-loop.h"

typedef struct Breakpoint {
    vaddr pc;
    int flags;
    int count;           /* duplicate inserts */
} Breakpoint;

typedef struct Watchpoint {
    vaddr addr, len;
    int flags;
    int count;
} Watchpoint;

typedef struct CPUDebug {
    GArray *bps;         /* of Breakpoint */
    GArray *wps;         /* of Watchpoint */
    int sstep;
    bool hit;
    vaddr hit_addr;
    int hit_flags;
} CPUDebug;

static GMutex debug_lock;
static GHashTable *debug_table;     /* CPUState * -> CPUDebug * */
static CPUDebugUpdateFn *update_hook;
static CPUDebugStopFn *stop_handler;
static int sstep_supported = SSTEP_ENABLE | SSTEP_NOIRQ | SSTEP_NOTIMER;
static void *stop_opaque;

static void cpu_debug_free(gpointer p)
{
    CPUDebug *d = p;

    g_array_free(d->bps, true);
    g_array_free(d->wps, true);
    g_free(d);
}

/* With debug_lock held; create: allocate when missing. */
static CPUDebug *cpu_debug(CPUState *cpu, bool create)
{
    CPUDebug *d;

    if (!debug_table) {
        if (!create) {
            return NULL;
        }
        debug_table = g_hash_table_new_full(NULL, NULL, NULL, cpu_debug_free);
    }
    d = g_hash_table_lookup(debug_table, cpu);
    if (!d && create) {
        d = g_new0(CPUDebug, 1);
        d->bps = g_array_new(false, false, sizeof(Breakpoint));
        d->wps = g_array_new(false, false, sizeof(Watchpoint));
        g_hash_table_insert(debug_table, cpu, d);
    }
    return d;
}

static int notify(CPUState *cpu)
{
    return update_hook ? update_hook(cpu) : 0;
}

int cpu_breakpoint_insert(CPUState *cpu, vaddr pc, int flags)
{
    CPUDebug *d;
    int ret = 0;

    g_mutex_lock(&debug_lock);
    d = cpu_debug(cpu, true);
    for (guint i = 0; i < d->bps->len; i++) {
        Breakpoint *b = &g_array_index(d->bps, Breakpoint, i);
        if (b->pc == pc && b->flags == flags) {
            b->count++;
            goto out;
        }
    }
    if (d->bps->len >= CPU_MAX_BREAKPOINTS) {
        ret = -ENOSPC;
        goto out;
    }
    g_array_append_val(d->bps, ((Breakpoint){ pc, flags, 1 }));
out:
    g_mutex_unlock(&debug_lock);
    if (!ret) {
        ret = notify(cpu);
        if (ret) {
            /* The accelerator cannot have it: as if never inserted. */
            cpu_breakpoint_remove(cpu, pc, flags);
        }
    }
    return ret;
}

int cpu_breakpoint_remove(CPUState *cpu, vaddr pc, int flags)
{
    CPUDebug *d;
    int ret = -ENOENT;

    g_mutex_lock(&debug_lock);
    d = cpu_debug(cpu, false);
    for (guint i = 0; d && i < d->bps->len; i++) {
        Breakpoint *b = &g_array_index(d->bps, Breakpoint, i);
        if (b->pc == pc && b->flags == flags) {
            if (--b->count == 0) {
                g_array_remove_index(d->bps, i);
            }
            ret = 0;
            break;
        }
    }
    g_mutex_unlock(&debug_lock);
    if (!ret) {
        notify(cpu);
    }
    return ret;
}

/*
 * Drop every entry sharing a bit with flags from the vCPU's breakpoint or
 * watchpoint table; table_off and flags_off locate the GArray in CPUDebug
 * and the int flags in its element, so both tables share one loop.
 */
static void remove_all_flagged(CPUState *cpu, size_t table_off,
                               size_t flags_off, int flags)
{
    CPUDebug *d;

    g_mutex_lock(&debug_lock);
    d = cpu_debug(cpu, false);
    if (d) {
        GArray *a = *(GArray **)((char *)d + table_off);
        guint esz = g_array_get_element_size(a);

        for (guint i = 0; i < a->len;) {
            if (*(const int *)(a->data + i * esz + flags_off) & flags) {
                g_array_remove_index(a, i);
            } else {
                i++;
            }
        }
    }
    g_mutex_unlock(&debug_lock);
    notify(cpu);
}

void cpu_breakpoint_remove_all(CPUState *cpu, int flags)
{
    remove_all_flagged(cpu, offsetof(CPUDebug, bps),
                       offsetof(Breakpoint, flags), flags);
}

bool cpu_breakpoint_in_range(CPUState *cpu, vaddr pc, vaddr len, int flags)
{
    CPUDebug *d;
    bool found = false;

    g_mutex_lock(&debug_lock);
    d = cpu_debug(cpu, false);
    for (guint i = 0; d && i < d->bps->len; i++) {
        Breakpoint *b = &g_array_index(d->bps, Breakpoint, i);
        if ((b->flags & flags) && b->pc - pc < len) {
            found = true;
            break;
        }
    }
    g_mutex_unlock(&debug_lock);
    return found;
}

static bool watch_len_ok(vaddr addr, vaddr len)
{
    return len >= 1 && len <= 4096 && addr + len - 1 >= addr;
}

int cpu_watchpoint_insert(CPUState *cpu, vaddr addr, vaddr len, int flags)
{
    CPUDebug *d;
    int ret = 0;

    if (!watch_len_ok(addr, len) || !(flags & BP_MEM_ACCESS)) {
        return -EINVAL;
    }
    g_mutex_lock(&debug_lock);
    d = cpu_debug(cpu, true);
    for (guint i = 0; i < d->wps->len; i++) {
        Watchpoint *w = &g_array_index(d->wps, Watchpoint, i);
        if (w->addr == addr && w->len == len && w->flags == flags) {
            w->count++;
            goto out;
        }
    }
    if (d->wps->len >= CPU_MAX_WATCHPOINTS) {
        ret = -ENOSPC;
        goto out;
    }
    g_array_append_val(d->wps, ((Watchpoint){ addr, len, flags, 1 }));
out:
    g_mutex_unlock(&debug_lock);
    if (!ret) {
        ret = notify(cpu);
        if (ret) {
            cpu_watchpoint_remove(cpu, addr, len, flags);
        }
    }
    return ret;
}

int cpu_watchpoint_remove(CPUState *cpu, vaddr addr, vaddr len, int flags)
{
    CPUDebug *d;
    int ret = -ENOENT;

    g_mutex_lock(&debug_lock);
    d = cpu_debug(cpu, false);
    for (guint i = 0; d && i < d->wps->len; i++) {
        Watchpoint *w = &g_array_index(d->wps, Watchpoint, i);
        if (w->addr == addr && w->len == len && w->flags == flags) {
            if (--w->count == 0) {
                g_array_remove_index(d->wps, i);
            }
            ret = 0;
            break;
        }
    }
    g_mutex_unlock(&debug_lock);
    if (!ret) {
        notify(cpu);
    }
    return ret;
}

void cpu_watchpoint_remove_all(CPUState *cpu, int flags)
{
    remove_all_flagged(cpu, offsetof(CPUDebug, wps),
                       offsetof(Watchpoint, flags), flags);
}

/* Do [a, a + alen) and [b, b + blen) overlap? Lengths are >= 1. */
static bool ranges_overlap(vaddr a, vaddr alen, vaddr b, vaddr blen)
{
    return a - b < blen || b - a < alen;
}

bool cpu_watchpoint_in_page(CPUState *cpu, vaddr page)
{
    CPUDebug *d;
    bool found = false;

    page &= ~(vaddr)4095;
    g_mutex_lock(&debug_lock);
    d = cpu_debug(cpu, false);
    for (guint i = 0; d && i < d->wps->len; i++) {
        Watchpoint *w = &g_array_index(d->wps, Watchpoint, i);
        if (ranges_overlap(w->addr, w->len, page, 4096)) {
            found = true;
            break;
        }
    }
    g_mutex_unlock(&debug_lock);
    return found;
}

bool cpu_watchpoint_check(CPUState *cpu, vaddr addr, vaddr len, int flags)
{
    CPUDebug *d;
    bool found = false;

    if (!len) {
        return false;
    }
    g_mutex_lock(&debug_lock);
    d = cpu_debug(cpu, false);
    for (guint i = 0; d && i < d->wps->len; i++) {
        Watchpoint *w = &g_array_index(d->wps, Watchpoint, i);
        if ((w->flags & flags & BP_MEM_ACCESS) &&
            ranges_overlap(w->addr, w->len, addr, len)) {
            d->hit = true;
            /* gdb matches the reported address against its watch. */
            d->hit_addr = w->addr;
            d->hit_flags = w->flags & BP_MEM_ACCESS;
            found = true;
            break;
        }
    }
    g_mutex_unlock(&debug_lock);
    return found;
}

bool cpu_watchpoint_hit(CPUState *cpu, vaddr *addr, int *flags)
{
    CPUDebug *d;
    bool hit = false;

    g_mutex_lock(&debug_lock);
    d = cpu_debug(cpu, false);
    if (d && d->hit) {
        *addr = d->hit_addr;
        *flags = d->hit_flags;
        hit = true;
    }
    g_mutex_unlock(&debug_lock);
    return hit;
}

void cpu_watchpoint_hit_clear(CPUState *cpu)
{
    CPUDebug *d;

    g_mutex_lock(&debug_lock);
    d = cpu_debug(cpu, false);
    if (d) {
        d->hit = false;
    }
    g_mutex_unlock(&debug_lock);
}

void cpu_single_step(CPUState *cpu, int flags)
{
    CPUDebug *d;
    bool changed;

    g_mutex_lock(&debug_lock);
    d = cpu_debug(cpu, true);
    changed = d->sstep != flags;
    d->sstep = flags;
    g_mutex_unlock(&debug_lock);
    if (changed) {
        notify(cpu);
    }
}

int cpu_single_step_flags(CPUState *cpu)
{
    CPUDebug *d;
    int flags;

    g_mutex_lock(&debug_lock);
    d = cpu_debug(cpu, false);
    flags = d ? d->sstep : 0;
    g_mutex_unlock(&debug_lock);
    return flags;
}

void cpu_debug_set_update_hook(CPUDebugUpdateFn *fn)
{
    update_hook = fn;
}

/* A copy of cpu's breakpoints (or watchpoints), NULL when it has none */
static GArray *debug_snapshot(CPUState *cpu, bool watchpoints)
{
    GArray *copy = NULL;
    CPUDebug *d;

    g_mutex_lock(&debug_lock);
    d = cpu_debug(cpu, false);
    if (d) {
        copy = g_array_copy(watchpoints ? d->wps : d->bps);
    }
    g_mutex_unlock(&debug_lock);
    return copy;
}

/*
 * Snapshots under the lock, then calls fn without it: the callbacks
 * (KVM's breakpoint patching) may translate addresses and touch memory.
 */
void cpu_breakpoint_foreach(CPUState *cpu, int flags, CPUBreakpointFn *fn,
                            void *opaque)
{
    g_autoptr(GArray) copy = debug_snapshot(cpu, false);
    for (guint i = 0; copy && i < copy->len; i++) {
        Breakpoint *b = &g_array_index(copy, Breakpoint, i);
        if (b->flags & flags) {
            fn(b->pc, b->flags, opaque);
        }
    }
}

void cpu_watchpoint_foreach(CPUState *cpu, int flags, CPUWatchpointFn *fn,
                            void *opaque)
{
    g_autoptr(GArray) copy = debug_snapshot(cpu, true);
    for (guint i = 0; copy && i < copy->len; i++) {
        Watchpoint *w = &g_array_index(copy, Watchpoint, i);
        if (w->flags & flags) {
            fn(w->addr, w->len, w->flags, opaque);
        }
    }
}

void cpu_debug_set_sstep_supported(int flags)
{
    sstep_supported = flags;
}

int cpu_debug_sstep_supported(void)
{
    return sstep_supported;
}

void cpu_debug_set_stop_handler(CPUDebugStopFn *fn, void *opaque)
{
    stop_handler = fn;
    stop_opaque = opaque;
}

/* Main loop: the VM stops before anyone is told, so that a stop reply
 * is only sent once every vCPU is parked. */
static void debug_stop_bh(void *opaque)
{
    CPUState *cpu = opaque;

    vm_stop(RUN_STATE_DEBUG);
    if (stop_handler) {
        stop_handler(cpu, stop_opaque);
    }
}

void cpu_debug_exception(CPUState *cpu)
{
    cpu->stop = true;
    __atomic_store_n(&cpu->exit_request, 1, __ATOMIC_SEQ_CST);
    main_loop_bh_schedule(debug_stop_bh, cpu);
}

void cpu_debug_release(CPUState *cpu)
{
    g_mutex_lock(&debug_lock);
    if (debug_table) {
        g_hash_table_remove(debug_table, cpu);
    }
    g_mutex_unlock(&debug_lock);
}
