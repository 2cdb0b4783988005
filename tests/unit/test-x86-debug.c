/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pure parts of guest debugging under KVM, exercised without KVM:
 * gdb's breakpoints and watchpoints laid out in DR0-3/DR7, the decision
 * whether a #DB/#BP exit is the debugger's or the guest's (re-injected),
 * and the shadow that hides patched int3 bytes from the debugger.
 */
#include "target/i386/x86-debug.h"
#include "exec/sw-breakpoint.h"

static void test_dr7_breakpoints(void)
{
    X86HwLayout l = { 0 };
    uint64_t dr[4], dr7;

    x86_hw_layout_encode(&l, dr, &dr7);
    g_assert_cmphex(dr7, ==, 0x400);         /* nothing enabled */
    g_assert_cmpint(x86_hw_layout_add_bp(&l, 0xffffffff81000000ull), ==, 0);
    g_assert_cmpint(x86_hw_layout_add_bp(&l, 0x1000), ==, 0);
    x86_hw_layout_encode(&l, dr, &dr7);
    g_assert_cmphex(dr[0], ==, 0xffffffff81000000ull);
    g_assert_cmphex(dr[1], ==, 0x1000);
    g_assert_cmphex(dr[2], ==, 0);
    /* G0, G1, GE, bit 10; R/W and LEN 00 for instruction breakpoints. */
    g_assert_cmphex(dr7, ==, 0x2 | 0x8 | 0x200 | 0x400);
    g_assert_cmpint(x86_hw_layout_add_bp(&l, 0x2000), ==, 0);
    g_assert_cmpint(x86_hw_layout_add_bp(&l, 0x3000), ==, 0);
    g_assert_cmpint(x86_hw_layout_add_bp(&l, 0x4000), ==, -ENOSPC);
    g_assert_cmpint(l.n, ==, 4);
    x86_hw_layout_encode(&l, dr, &dr7);
    g_assert_cmphex(dr7, ==, 0xaa | 0x600);
}

static void test_dr7_watchpoints(void)
{
    X86HwLayout l = { 0 };
    uint64_t dr[4], dr7;

    /* An aligned 4-byte write watch: one register, RW=01 LEN=11. */
    g_assert_cmpint(x86_hw_layout_add_wp(&l, 0x5000, 4,
                                         BP_GDB | BP_MEM_WRITE), ==, 0);
    /* An 8-byte access watch: RW=11 LEN=10. */
    g_assert_cmpint(x86_hw_layout_add_wp(&l, 0x6008, 8,
                                         BP_GDB | BP_MEM_ACCESS), ==, 0);
    /* Read-only has no x86 type: read/write, LEN=01 for 2 bytes. */
    g_assert_cmpint(x86_hw_layout_add_wp(&l, 0x7002, 2,
                                         BP_GDB | BP_MEM_READ), ==, 0);
    x86_hw_layout_encode(&l, dr, &dr7);
    g_assert_cmphex(dr[0], ==, 0x5000);
    g_assert_cmphex(dr[1], ==, 0x6008);
    g_assert_cmphex(dr[2], ==, 0x7002);
    g_assert_cmphex(dr7, ==, 0x2 | 0x8 | 0x20 | 0x600 |
                    (0xdull << 16) |       /* DR0: RW 01, LEN 11 */
                    (0xbull << 20) |       /* DR1: RW 11, LEN 10 */
                    (0x7ull << 24));       /* DR2: RW 11, LEN 01 */
    g_assert_cmpint(l.slot[2].flags, ==, BP_GDB | BP_MEM_READ);
    g_assert_cmphex(l.slot[2].bp_addr, ==, 0x7002);
}

static void test_watch_split(void)
{
    X86HwLayout l = { 0 };

    /* 7 bytes at 0x1001: 1 + 2 + 4, all aligned, three registers. */
    g_assert_cmpint(x86_hw_layout_add_wp(&l, 0x1001, 7,
                                         BP_GDB | BP_MEM_WRITE), ==, 0);
    g_assert_cmpint(l.n, ==, 3);
    g_assert_cmphex(l.slot[0].addr, ==, 0x1001);
    g_assert_cmpint(l.slot[0].len, ==, 1);
    g_assert_cmphex(l.slot[1].addr, ==, 0x1002);
    g_assert_cmpint(l.slot[1].len, ==, 2);
    g_assert_cmphex(l.slot[2].addr, ==, 0x1004);
    g_assert_cmpint(l.slot[2].len, ==, 4);
    for (int i = 0; i < 3; i++) {
        g_assert_cmphex(l.slot[i].bp_addr, ==, 0x1001);
        g_assert_cmphex(l.slot[i].bp_len, ==, 7);
    }
    /* Two more registers needed: refused, the layout unchanged. */
    g_assert_cmpint(x86_hw_layout_add_wp(&l, 0x2000, 16,
                                         BP_GDB | BP_MEM_WRITE), ==, -ENOSPC);
    g_assert_cmpint(l.n, ==, 3);
    g_assert_cmpint(x86_hw_layout_add_wp(&l, 0x2000, 8,
                                         BP_GDB | BP_MEM_WRITE), ==, 0);
    g_assert_cmpint(l.n, ==, 4);

    /* Hostile lengths. */
    memset(&l, 0, sizeof(l));
    g_assert_cmpint(x86_hw_layout_add_wp(&l, 0x1000, 0,
                                         BP_GDB | BP_MEM_WRITE), ==, -EINVAL);
    g_assert_cmpint(x86_hw_layout_add_wp(&l, UINT64_MAX - 1, 4,
                                         BP_GDB | BP_MEM_WRITE), ==, -EINVAL);
    g_assert_cmpint(x86_hw_layout_add_wp(&l, 0x1000, UINT64_MAX,
                                         BP_GDB | BP_MEM_WRITE), ==, -EINVAL);
    g_assert_cmpint(x86_hw_layout_add_wp(&l, 0x1000, 4096,
                                         BP_GDB | BP_MEM_WRITE), ==, -ENOSPC);
    g_assert_cmpint(x86_hw_layout_add_wp(&l, 0x1000, 4, BP_GDB), ==,
                    -EINVAL);
    g_assert_cmpint(l.n, ==, 0);
    /* The last byte of the address space is fine. */
    g_assert_cmpint(x86_hw_layout_add_wp(&l, UINT64_MAX, 1,
                                         BP_GDB | BP_MEM_WRITE), ==, 0);
}

static void test_classify(void)
{
    X86HwLayout l = { 0 };
    int slot = -1;

    /* #BP: ours exactly when the int3 is one we patched. */
    g_assert_cmpint(x86_debug_classify(3, 0, false, true, NULL, &slot), ==,
                    X86_DEBUG_SW_BP);
    g_assert_cmpint(x86_debug_classify(3, 0, false, false, NULL, &slot), ==,
                    X86_DEBUG_GUEST);
    g_assert_cmpint(x86_debug_classify(3, 0, true, false, NULL, &slot), ==,
                    X86_DEBUG_GUEST);
    /* Our single step. */
    g_assert_cmpint(x86_debug_classify(1, X86_DR6_BS | 0xffff0ff0, true,
                                       false, NULL, &slot), ==,
                    X86_DEBUG_STEP);
    /* The guest's own TF while we are not stepping: re-injected. */
    g_assert_cmpint(x86_debug_classify(1, X86_DR6_BS | 0xffff0ff0, false,
                                       false, NULL, &slot), ==,
                    X86_DEBUG_GUEST);
    /* A DR hit with none of ours armed is the guest's. */
    g_assert_cmpint(x86_debug_classify(1, X86_DR6_B(0), false, false, &l,
                                       &slot), ==, X86_DEBUG_GUEST);
    x86_hw_layout_add_bp(&l, 0x1000);
    x86_hw_layout_add_wp(&l, 0x2000, 4, BP_GDB | BP_MEM_WRITE);
    g_assert_cmpint(x86_debug_classify(1, X86_DR6_B(0), false, false, &l,
                                       &slot), ==, X86_DEBUG_HW_BP);
    g_assert_cmpint(slot, ==, 0);
    g_assert_cmpint(x86_debug_classify(1, X86_DR6_B(1), false, false, &l,
                                       &slot), ==, X86_DEBUG_WATCH);
    g_assert_cmpint(slot, ==, 1);
    /* B2 names a register we did not arm. */
    g_assert_cmpint(x86_debug_classify(1, X86_DR6_B(2), false, false, &l,
                                       &slot), ==, X86_DEBUG_GUEST);
    g_assert_cmpint(x86_debug_classify(1, X86_DR6_B(2), true, false, &l,
                                       &slot), ==, X86_DEBUG_GUEST);
    /* A step that lands on a watched store reports the watchpoint. */
    g_assert_cmpint(x86_debug_classify(1, X86_DR6_BS | X86_DR6_B(1), true,
                                       false, &l, &slot), ==,
                    X86_DEBUG_WATCH);
    /* Other exceptions are never ours. */
    g_assert_cmpint(x86_debug_classify(13, X86_DR6_B(0), true, true, &l,
                                       &slot), ==, X86_DEBUG_GUEST);
}

static void test_sw_bp_shadow(void)
{
    SwBpTable t;
    uint8_t mem[16], orig;

    sw_bp_table_init(&t);
    g_assert_true(sw_bp_table_add(&t, 0x1004, 0x55));
    g_assert_false(sw_bp_table_add(&t, 0x1004, 0xcc));     /* once */
    g_assert_true(sw_bp_table_add(&t, 0x100f, 0x90));
    g_assert_true(sw_bp_table_add(&t, 0x0fff, 0x48));
    g_assert_cmpuint(sw_bp_table_count(&t), ==, 3);

    /* A read over all of them sees the original bytes. */
    memset(mem, 0xcc, sizeof(mem));
    sw_bp_table_hide(&t, 0x1000, mem, sizeof(mem));
    g_assert_cmphex(mem[4], ==, 0x55);
    g_assert_cmphex(mem[15], ==, 0x90);
    g_assert_cmphex(mem[0], ==, 0xcc);     /* not patched: as read */
    /* Ranges that only touch the edges. */
    memset(mem, 0xcc, sizeof(mem));
    sw_bp_table_hide(&t, 0x1005, mem, 10);
    for (int i = 0; i < 10; i++) {
        g_assert_cmphex(mem[i], ==, 0xcc);
    }
    sw_bp_table_hide(&t, 0x0fff, mem, 1);
    g_assert_cmphex(mem[0], ==, 0x48);
    /* No wrap-around at the top of the address space. */
    memset(mem, 0xcc, sizeof(mem));
    sw_bp_table_hide(&t, UINT64_MAX - 7, mem, 8);
    for (int i = 0; i < 8; i++) {
        g_assert_cmphex(mem[i], ==, 0xcc);
    }

    /* A write over a patched byte: the new original is kept, the
     * breakpoint byte is what goes to memory. */
    memset(mem, 0x11, sizeof(mem));
    sw_bp_table_write_through(&t, 0x1000, mem, 8, 0xcc);
    g_assert_cmphex(mem[4], ==, 0xcc);
    g_assert_cmphex(mem[3], ==, 0x11);
    g_assert_true(sw_bp_table_lookup(&t, 0x1004, &orig));
    g_assert_cmphex(orig, ==, 0x11);

    g_assert_true(sw_bp_table_remove(&t, 0x1004, &orig));
    g_assert_cmphex(orig, ==, 0x11);
    g_assert_false(sw_bp_table_remove(&t, 0x1004, &orig));
    g_assert_false(sw_bp_table_lookup(&t, 0x1004, NULL));
    g_assert_cmpuint(sw_bp_table_count(&t), ==, 2);
    sw_bp_table_destroy(&t);
    g_assert_cmpuint(sw_bp_table_count(&t), ==, 0);

    /* The global filter with nothing patched leaves data alone (TCG). */
    memset(mem, 0xcc, sizeof(mem));
    sw_bp_filter_read(0x1000, mem, sizeof(mem));
    sw_bp_filter_write(0x1000, mem, sizeof(mem));
    for (size_t i = 0; i < sizeof(mem); i++) {
        g_assert_cmphex(mem[i], ==, 0xcc);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/x86-debug/dr7-breakpoints", test_dr7_breakpoints);
    g_test_add_func("/x86-debug/dr7-watchpoints", test_dr7_watchpoints);
    g_test_add_func("/x86-debug/watch-split", test_watch_split);
    g_test_add_func("/x86-debug/classify", test_classify);
    g_test_add_func("/x86-debug/sw-bp-shadow", test_sw_bp_shadow);
    return g_test_run();
}
