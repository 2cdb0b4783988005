/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Debug-register layout and debug-exception classification (see
 * x86-debug.h). DR7: L/G enables in bits 0-7 (we use G, bits 2n+1),
 * GE in bit 9, bit 10 reads as 1, then per register n a 2-bit R/W type
 * at 16 + 4n and a 2-bit length at 18 + 4n (00 = 1, 01 = 2, 11 = 4,
 * 10 = 8 bytes).
 */
#include "target/i386/x86-debug.h"

#define DR7_GE        (1ull << 9)
#define DR7_FIXED_1   (1ull << 10)

int x86_hw_layout_add_bp(X86HwLayout *l, uint64_t addr)
{
    if (l->n >= X86_NB_HW_SLOTS) {
        return -ENOSPC;
    }
    l->slot[l->n++] = (X86HwSlot){
        .addr = addr, .len = 1, .type = X86_DR7_TYPE_EXEC,
        .flags = BP_GDB | BP_HW, .bp_addr = addr, .bp_len = 1,
    };
    return 0;
}

int x86_hw_layout_add_wp(X86HwLayout *l, uint64_t addr, uint64_t len,
                         int flags)
{
    X86HwLayout tmp = *l;
    uint64_t a = addr, left = len;

    /* The range may end at the very top of the address space, not past. */
    if (!len || addr + (len - 1) < addr || !(flags & BP_MEM_ACCESS)) {
        return -EINVAL;
    }
    while (left) {
        /* The largest aligned piece starting at a that stays inside. */
        unsigned size = 8;

        while (size > 1 && ((a & (size - 1)) || left < size)) {
            size >>= 1;
        }
        if (tmp.n >= X86_NB_HW_SLOTS) {
            return -ENOSPC;
        }
        tmp.slot[tmp.n++] = (X86HwSlot){
            .addr = a, .len = size,
            .type = (flags & BP_MEM_ACCESS) == BP_MEM_WRITE
                    ? X86_DR7_TYPE_WRITE : X86_DR7_TYPE_RW,
            .flags = flags, .bp_addr = addr, .bp_len = len,
        };
        a += size;
        left -= size;
    }
    *l = tmp;
    return 0;
}

static uint64_t len_bits(unsigned len)
{
    switch (len) {
    case 2:
        return 1;
    case 4:
        return 3;
    case 8:
        return 2;
    default:
        return 0;
    }
}

void x86_hw_layout_encode(const X86HwLayout *l, uint64_t dr[4],
                          uint64_t *dr7)
{
    uint64_t v = DR7_FIXED_1;

    for (int i = 0; i < X86_NB_HW_SLOTS; i++) {
        dr[i] = 0;
    }
    for (int i = 0; i < l->n && i < X86_NB_HW_SLOTS; i++) {
        const X86HwSlot *s = &l->slot[i];

        dr[i] = s->addr;
        v |= 2ull << (i * 2);
        v |= (uint64_t)s->type << (16 + i * 4);
        /* An instruction breakpoint must have length 00. */
        v |= (s->type == X86_DR7_TYPE_EXEC ? 0 : len_bits(s->len))
             << (18 + i * 4);
    }
    if (l->n) {
        v |= DR7_GE;
    }
    *dr7 = v;
}

X86DebugVerdict x86_debug_classify(uint32_t exception, uint64_t dr6,
                                   bool stepping, bool our_sw_bp,
                                   const X86HwLayout *l, int *slot)
{
    if (exception == 3) {
        return our_sw_bp ? X86_DEBUG_SW_BP : X86_DEBUG_GUEST;
    }
    if (exception != 1) {
        return X86_DEBUG_GUEST;
    }
    /* While our registers are loaded a DR hit can only be ours (the
     * guest's DR0-3 are not in the hardware then). */
    for (int i = 0; l && i < l->n && i < X86_NB_HW_SLOTS; i++) {
        if (dr6 & X86_DR6_B(i)) {
            *slot = i;
            return l->slot[i].type == X86_DR7_TYPE_EXEC ? X86_DEBUG_HW_BP
                                                        : X86_DEBUG_WATCH;
        }
    }
    /* Our step sets TF behind the guest's back: a #DB while stepping is
     * ours unless it names a register we did not arm. */
    if (stepping && ((dr6 & X86_DR6_BS) || !(dr6 & 0xf))) {
        return X86_DEBUG_STEP;
    }
    return X86_DEBUG_GUEST;
}
