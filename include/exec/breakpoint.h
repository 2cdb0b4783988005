/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest debugging state per vCPU: breakpoints, watchpoints and single
 * step, kept apart from any accelerator so that the gdbstub fills it and
 * the accelerators (TCG's translator and TLB, KVM's KVM_SET_GUEST_DEBUG)
 * only read it.
 *
 * Writers: the gdbstub, in the main loop with the BQL held and the VM
 * stopped. Readers: vCPU threads, with the BQL held or while the VM is
 * stopped (TCG translates with the BQL dropped: it must take the list's
 * snapshot through cpu_breakpoint_in_range(), which locks internally).
 *
 * How an accelerator wires itself in:
 *  - cpu_debug_set_update_hook(fn): fn(cpu) is called after any change of
 *    the cpu's breakpoints, watchpoints or single-step flags. It may
 *    refuse an insertion (a negative errno: KVM out of debug registers,
 *    an unmapped address for int3): the insert is then undone and fails
 *    with that error. TCG flushes
 *    the cpu's translated blocks there (a block translated before a
 *    breakpoint was inserted must not run) and copies
 *    cpu_single_step_flags() into CPUState.singlestep_enabled; KVM patches
 *    int3s and computes the KVM_SET_GUEST_DEBUG argument, which the vCPU
 *    thread applies before its next KVM_RUN.
 *  - Translator: before translating the instruction at pc (len bytes),
 *    cpu_breakpoint_in_range(cpu, pc, len, BP_GDB) true means: end the
 *    block before it and raise EXCP_DEBUG when it is reached. While
 *    cpu_single_step_flags(cpu) has SSTEP_ENABLE, blocks are one
 *    instruction long (CF_SINGLE_STEP) and each ends in EXCP_DEBUG.
 *  - Softmmu: cpu_watchpoint_in_page(cpu, page) tells the TLB to route a
 *    page's accesses through the slow path; the slow path calls
 *    cpu_watchpoint_check(cpu, addr, len, flags) on every access and, when
 *    it returns true, finishes the access (a watchpoint stops *after* the
 *    write, as gdb expects) and raises EXCP_DEBUG.
 *  - EXCP_DEBUG in the vCPU loop: call cpu_debug_exception(cpu). It parks
 *    the vCPU and asks the main loop to stop the VM with run state
 *    "debug" and to report the stop (with the watch address, if any) to
 *    whoever registered with cpu_debug_set_stop_handler (the gdbstub).
 */
#ifndef KEMU_BREAKPOINT_H
#define KEMU_BREAKPOINT_H

#include "hw/core/cpu.h"

typedef uint64_t vaddr;

/* Breakpoint and watchpoint flags. */
#define BP_MEM_READ        0x01
#define BP_MEM_WRITE       0x02
#define BP_MEM_ACCESS      (BP_MEM_READ | BP_MEM_WRITE)
#define BP_GDB             0x10      /* inserted by the gdbstub */
#define BP_HW              0x20      /* Z1: a hardware breakpoint */

/* cpu_single_step flags (gdb's Qqemu.sstep bits). */
#define SSTEP_ENABLE  0x1   /* step one instruction */
#define SSTEP_NOIRQ   0x2   /* no interrupt is taken while stepping */
#define SSTEP_NOTIMER 0x4   /* virtual timers are not advanced */

/* Limits: gdb inserts few at a time; the bound keeps a client honest. */
#define CPU_MAX_BREAKPOINTS 1024
#define CPU_MAX_WATCHPOINTS 64

/* Breakpoint at pc. A duplicate (same pc and flags) is counted, so each
 * insert needs a remove. Fails (-ENOSPC) past the limit. */
int cpu_breakpoint_insert(CPUState *cpu, vaddr pc, int flags);
/* -ENOENT when there is no such breakpoint. */
int cpu_breakpoint_remove(CPUState *cpu, vaddr pc, int flags);
void cpu_breakpoint_remove_all(CPUState *cpu, int flags);
/* Is there a breakpoint with any of 'flags' in [pc, pc + len)? */
bool cpu_breakpoint_in_range(CPUState *cpu, vaddr pc, vaddr len, int flags);

/* Watchpoint over [addr, addr + len): len 1..8 (a power of two, addr
 * aligned to it, as x86 debug registers need) or any length up to 4 KiB
 * for TCG; flags BP_MEM_* | BP_GDB. -EINVAL on a bad length. */
int cpu_watchpoint_insert(CPUState *cpu, vaddr addr, vaddr len, int flags);
int cpu_watchpoint_remove(CPUState *cpu, vaddr addr, vaddr len, int flags);
void cpu_watchpoint_remove_all(CPUState *cpu, int flags);
/* Does any watchpoint cover part of the page [page, page + 4096)? */
bool cpu_watchpoint_in_page(CPUState *cpu, vaddr page);
/* An access of len bytes at addr, BP_MEM_READ or BP_MEM_WRITE: returns
 * true if it hits a watchpoint, and records the hit (address and kind)
 * for the stop reply. */
bool cpu_watchpoint_check(CPUState *cpu, vaddr addr, vaddr len, int flags);

/* Single-step flags (SSTEP_*); 0 turns stepping off. */
void cpu_single_step(CPUState *cpu, int flags);
int cpu_single_step_flags(CPUState *cpu);

/* The last watchpoint hit on cpu: false if the stop was not one. */
bool cpu_watchpoint_hit(CPUState *cpu, vaddr *addr, int *flags);
void cpu_watchpoint_hit_clear(CPUState *cpu);

/* Accelerator side: be told of every change (see above); 0 or -errno. */
typedef int CPUDebugUpdateFn(CPUState *cpu);
void cpu_debug_set_update_hook(CPUDebugUpdateFn *fn);

/* Walk cpu's breakpoints (watchpoints) that have any of 'flags', in
 * insertion order; fn must not change the table. */
typedef void CPUBreakpointFn(vaddr pc, int flags, void *opaque);
typedef void CPUWatchpointFn(vaddr addr, vaddr len, int flags, void *opaque);
void cpu_breakpoint_foreach(CPUState *cpu, int flags, CPUBreakpointFn *fn,
                            void *opaque);
void cpu_watchpoint_foreach(CPUState *cpu, int flags, CPUWatchpointFn *fn,
                            void *opaque);

/* The SSTEP_* bits the accelerator honours (KVM: NOIRQ only with
 * KVM_GUESTDBG_BLOCKIRQ, never NOTIMER); all of them by default. */
void cpu_debug_set_sstep_supported(int flags);
int cpu_debug_sstep_supported(void);

/*
 * EXCP_DEBUG reached the vCPU loop (any thread, BQL held): the vCPU
 * parks, the main loop stops the VM (RUN_STATE_DEBUG) and calls the stop
 * handler with this cpu.
 */
void cpu_debug_exception(CPUState *cpu);
typedef void CPUDebugStopFn(CPUState *cpu, void *opaque);
void cpu_debug_set_stop_handler(CPUDebugStopFn *fn, void *opaque);

/* Forget everything about cpu (unplug). */
void cpu_debug_release(CPUState *cpu);

#endif
