/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86 debug-register logic that does not depend on how the guest runs:
 * laying gdb's hardware breakpoints and watchpoints out in DR0-3/DR7,
 * and deciding whether a debug exception (#DB, #BP) a vCPU took belongs
 * to the debugger or to the guest (which then gets it re-injected).
 * Spec: Intel SDM vol. 3, "Debug Registers" (DR6, DR7 layout).
 * Used by KVM (target/i386/kvm-debug.c); pure, so unit-tested here.
 */
#ifndef KEMU_X86_DEBUG_H
#define KEMU_X86_DEBUG_H

#include "exec/breakpoint.h"

#define X86_NB_HW_SLOTS 4

/* DR7 R/W field values. */
#define X86_DR7_TYPE_EXEC   0
#define X86_DR7_TYPE_WRITE  1
#define X86_DR7_TYPE_RW     3

/* DR6 bits. */
#define X86_DR6_B(n)   (1ull << (n))
#define X86_DR6_BS     (1ull << 14)

/* One debug register in use. */
typedef struct X86HwSlot {
    uint64_t addr;
    unsigned len;       /* 1, 2, 4 or 8, addr aligned to it */
    int type;           /* X86_DR7_TYPE_* */
    int flags;          /* the gdb entry's BP_* flags (BP_HW or BP_MEM_*) */
    uint64_t bp_addr;   /* the gdb breakpoint/watchpoint it serves */
    uint64_t bp_len;
} X86HwSlot;

typedef struct X86HwLayout {
    X86HwSlot slot[X86_NB_HW_SLOTS];
    int n;
} X86HwLayout;

/* Add an instruction breakpoint at addr. -ENOSPC when all four are
 * taken. */
int x86_hw_layout_add_bp(X86HwLayout *l, uint64_t addr);
/* Add a watchpoint over [addr, addr + len) with BP_MEM_* flags: split
 * into naturally aligned pieces of 1, 2, 4 or 8 bytes, one register
 * each. -ENOSPC when they do not fit in what is left (the layout is then
 * unchanged), -EINVAL for len 0 or a range that wraps. A read-only
 * watchpoint uses read/write (x86 has no read-only type). */
int x86_hw_layout_add_wp(X86HwLayout *l, uint64_t addr, uint64_t len,
                         int flags);
/* DR0-3 and DR7 for the layout (global enables, GE, the reserved bit 10). */
void x86_hw_layout_encode(const X86HwLayout *l, uint64_t dr[4],
                          uint64_t *dr7);

/* What a debug exit means. */
typedef enum X86DebugVerdict {
    X86_DEBUG_GUEST,        /* the guest's own: re-inject it */
    X86_DEBUG_STEP,         /* our single step finished */
    X86_DEBUG_SW_BP,        /* our int3 */
    X86_DEBUG_HW_BP,        /* our instruction breakpoint (slot) */
    X86_DEBUG_WATCH,        /* our watchpoint (slot) */
} X86DebugVerdict;

/*
 * exception 1 (#DB) or 3 (#BP), pc the linear address of the int3 (for
 * #BP), dr6 as the exit reports it. stepping: we asked for a single
 * step; our_sw_bp: pc is one of our patched int3s; l: our hardware
 * layout (NULL or empty when we use none). *slot gets the DR index for
 * HW_BP/WATCH.
 */
X86DebugVerdict x86_debug_classify(uint32_t exception, uint64_t dr6,
                                   bool stepping, bool our_sw_bp,
                                   const X86HwLayout *l, int *slot);

#endif
