/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The per-vCPU debug state the gdbstub fills and accelerators read. */
#include "exec/breakpoint.h"

/* The API keys on the vCPU pointer only: plain structs will do. */
static CPUState cpu0, cpu1;
static int updates;
static CPUState *updated;

static int on_update(CPUState *cpu)
{
    updates++;
    updated = cpu;
    return 0;
}

static void test_breakpoints(void)
{
    cpu_debug_set_update_hook(on_update);
    updates = 0;
    g_assert_false(cpu_breakpoint_in_range(&cpu0, 0x1000, 16, BP_GDB));
    g_assert_cmpint(cpu_breakpoint_insert(&cpu0, 0x1008, BP_GDB), ==, 0);
    g_assert_cmpint(updates, ==, 1);
    g_assert_true(updated == &cpu0);
    g_assert_true(cpu_breakpoint_in_range(&cpu0, 0x1000, 16, BP_GDB));
    g_assert_true(cpu_breakpoint_in_range(&cpu0, 0x1008, 1, BP_GDB));
    g_assert_false(cpu_breakpoint_in_range(&cpu0, 0x1009, 16, BP_GDB));
    g_assert_false(cpu_breakpoint_in_range(&cpu0, 0x1000, 8, BP_GDB));
    g_assert_false(cpu_breakpoint_in_range(&cpu1, 0x1000, 16, BP_GDB));
    /* Only the flags asked for. */
    g_assert_false(cpu_breakpoint_in_range(&cpu0, 0x1000, 16, BP_HW));
    /* A range at the top of the address space does not wrap. */
    g_assert_false(cpu_breakpoint_in_range(&cpu0, UINT64_MAX - 3, 16,
                                           BP_GDB));
    /* Duplicates are counted: two inserts, two removes. */
    g_assert_cmpint(cpu_breakpoint_insert(&cpu0, 0x1008, BP_GDB), ==, 0);
    g_assert_cmpint(cpu_breakpoint_remove(&cpu0, 0x1008, BP_GDB), ==, 0);
    g_assert_true(cpu_breakpoint_in_range(&cpu0, 0x1008, 1, BP_GDB));
    g_assert_cmpint(cpu_breakpoint_remove(&cpu0, 0x1008, BP_GDB), ==, 0);
    g_assert_false(cpu_breakpoint_in_range(&cpu0, 0x1008, 1, BP_GDB));
    g_assert_cmpint(cpu_breakpoint_remove(&cpu0, 0x1008, BP_GDB), ==,
                    -ENOENT);
    /* Flags are part of the identity. */
    g_assert_cmpint(cpu_breakpoint_insert(&cpu0, 0x2000, BP_GDB | BP_HW),
                    ==, 0);
    g_assert_cmpint(cpu_breakpoint_remove(&cpu0, 0x2000, BP_GDB), ==,
                    -ENOENT);
    cpu_breakpoint_remove_all(&cpu0, BP_GDB);
    g_assert_false(cpu_breakpoint_in_range(&cpu0, 0x2000, 1, BP_GDB));
}

static void test_breakpoint_limit(void)
{
    for (int i = 0; i < CPU_MAX_BREAKPOINTS; i++) {
        g_assert_cmpint(cpu_breakpoint_insert(&cpu1, i * 16, BP_GDB), ==, 0);
    }
    g_assert_cmpint(cpu_breakpoint_insert(&cpu1, 0xdead0000, BP_GDB), ==,
                    -ENOSPC);
    /* A duplicate of an existing one still counts. */
    g_assert_cmpint(cpu_breakpoint_insert(&cpu1, 0, BP_GDB), ==, 0);
    cpu_breakpoint_remove_all(&cpu1, BP_GDB);
    g_assert_false(cpu_breakpoint_in_range(&cpu1, 0, UINT64_MAX, BP_GDB));
}

static void test_watchpoints(void)
{
    vaddr addr;
    int flags;

    g_assert_cmpint(cpu_watchpoint_insert(&cpu0, 0x3000, 0, BP_MEM_WRITE),
                    ==, -EINVAL);
    g_assert_cmpint(cpu_watchpoint_insert(&cpu0, UINT64_MAX - 1, 8,
                                          BP_MEM_WRITE), ==, -EINVAL);
    g_assert_cmpint(cpu_watchpoint_insert(&cpu0, 0x3000, 4, BP_GDB),
                    ==, -EINVAL);
    g_assert_cmpint(cpu_watchpoint_insert(&cpu0, 0x3004, 4,
                                          BP_GDB | BP_MEM_WRITE), ==, 0);
    g_assert_true(cpu_watchpoint_in_page(&cpu0, 0x3000));
    g_assert_true(cpu_watchpoint_in_page(&cpu0, 0x3abc));
    g_assert_false(cpu_watchpoint_in_page(&cpu0, 0x4000));
    g_assert_false(cpu_watchpoint_in_page(&cpu1, 0x3000));
    /* Reads do not hit a write watchpoint; overlapping writes do. */
    g_assert_false(cpu_watchpoint_hit(&cpu0, &addr, &flags));
    g_assert_false(cpu_watchpoint_check(&cpu0, 0x3004, 4, BP_MEM_READ));
    g_assert_false(cpu_watchpoint_check(&cpu0, 0x3000, 4, BP_MEM_WRITE));
    g_assert_false(cpu_watchpoint_check(&cpu0, 0x3008, 8, BP_MEM_WRITE));
    g_assert_false(cpu_watchpoint_hit(&cpu0, &addr, &flags));
    g_assert_true(cpu_watchpoint_check(&cpu0, 0x3002, 4, BP_MEM_WRITE));
    g_assert_true(cpu_watchpoint_hit(&cpu0, &addr, &flags));
    g_assert_cmphex(addr, ==, 0x3004);
    g_assert_cmpint(flags, ==, BP_MEM_WRITE);
    cpu_watchpoint_hit_clear(&cpu0);
    g_assert_false(cpu_watchpoint_hit(&cpu0, &addr, &flags));
    /* An access watchpoint catches reads and writes. */
    g_assert_cmpint(cpu_watchpoint_insert(&cpu0, 0x5000, 1,
                                          BP_GDB | BP_MEM_ACCESS), ==, 0);
    g_assert_true(cpu_watchpoint_check(&cpu0, 0x4ff8, 16, BP_MEM_READ));
    g_assert_true(cpu_watchpoint_hit(&cpu0, &addr, &flags));
    g_assert_cmpint(flags, ==, BP_MEM_ACCESS);
    cpu_watchpoint_hit_clear(&cpu0);
    g_assert_cmpint(cpu_watchpoint_remove(&cpu0, 0x5000, 1,
                                          BP_GDB | BP_MEM_WRITE), ==, -ENOENT);
    g_assert_cmpint(cpu_watchpoint_remove(&cpu0, 0x5000, 1,
                                          BP_GDB | BP_MEM_ACCESS), ==, 0);
    cpu_watchpoint_remove_all(&cpu0, BP_GDB);
    g_assert_false(cpu_watchpoint_check(&cpu0, 0x3004, 4, BP_MEM_WRITE));
    g_assert_false(cpu_watchpoint_in_page(&cpu0, 0x3000));
}

static void test_single_step(void)
{
    updates = 0;
    g_assert_cmpint(cpu_single_step_flags(&cpu1), ==, 0);
    cpu_single_step(&cpu1, SSTEP_ENABLE | SSTEP_NOIRQ);
    g_assert_cmpint(cpu_single_step_flags(&cpu1), ==,
                    SSTEP_ENABLE | SSTEP_NOIRQ);
    g_assert_cmpint(cpu_single_step_flags(&cpu0), ==, 0);
    g_assert_cmpint(updates, ==, 1);
    /* No change, no update. */
    cpu_single_step(&cpu1, SSTEP_ENABLE | SSTEP_NOIRQ);
    g_assert_cmpint(updates, ==, 1);
    cpu_single_step(&cpu1, 0);
    g_assert_cmpint(cpu_single_step_flags(&cpu1), ==, 0);
    g_assert_cmpint(updates, ==, 2);
    /* Releasing a vCPU forgets everything about it. */
    cpu_breakpoint_insert(&cpu1, 0x10, BP_GDB);
    cpu_debug_release(&cpu1);
    g_assert_false(cpu_breakpoint_in_range(&cpu1, 0, 0x100, BP_GDB));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/breakpoint/breakpoints", test_breakpoints);
    g_test_add_func("/breakpoint/limit", test_breakpoint_limit);
    g_test_add_func("/breakpoint/watchpoints", test_watchpoints);
    g_test_add_func("/breakpoint/single-step", test_single_step);
    return g_test_run();
}
