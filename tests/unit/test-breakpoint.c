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

/* An accelerator that takes at most two hardware breakpoints (KVM's
 * debug registers, in miniature): the third insert is refused and
 * undone. */
static int hw_count;

static void count_hw(vaddr pc, int flags, void *opaque)
{
    if (flags & BP_HW) {
        hw_count++;
    }
}

static int two_hw_only(CPUState *cpu)
{
    hw_count = 0;
    cpu_breakpoint_foreach(cpu, BP_GDB, count_hw, NULL);
    return hw_count > 2 ? -ENOSPC : 0;
}

static void collect_bp(vaddr pc, int flags, void *opaque)
{
    g_string_append_printf(opaque, "%" PRIx64 "/%x ", pc, flags);
}

static void collect_wp(vaddr addr, vaddr len, int flags, void *opaque)
{
    g_string_append_printf(opaque, "%" PRIx64 "+%" PRIx64 "/%x ", addr, len,
                           flags);
}

static void test_refusing_hook(void)
{
    g_autoptr(GString) out = g_string_new(NULL);

    cpu_debug_set_update_hook(two_hw_only);
    g_assert_cmpint(cpu_breakpoint_insert(&cpu0, 0x100, BP_GDB | BP_HW), ==,
                    0);
    g_assert_cmpint(cpu_breakpoint_insert(&cpu0, 0x200, BP_GDB | BP_HW), ==,
                    0);
    g_assert_cmpint(cpu_breakpoint_insert(&cpu0, 0x300, BP_GDB | BP_HW), ==,
                    -ENOSPC);
    g_assert_false(cpu_breakpoint_in_range(&cpu0, 0x300, 1, BP_GDB));
    /* Software ones are not limited by it. */
    g_assert_cmpint(cpu_breakpoint_insert(&cpu0, 0x400, BP_GDB), ==, 0);
    g_assert_cmpint(cpu_watchpoint_insert(&cpu0, 0x1000, 4,
                                          BP_GDB | BP_MEM_WRITE), ==, 0);
    cpu_breakpoint_foreach(&cpu0, BP_GDB, collect_bp, out);
    cpu_watchpoint_foreach(&cpu0, BP_GDB, collect_wp, out);
    g_assert_cmpstr(out->str, ==, "100/30 200/30 400/10 1000+4/12 ");
    /* Only the flags asked for. */
    g_string_truncate(out, 0);
    cpu_breakpoint_foreach(&cpu0, BP_HW, collect_bp, out);
    cpu_watchpoint_foreach(&cpu0, BP_MEM_READ, collect_wp, out);
    g_assert_cmpstr(out->str, ==, "100/30 200/30 ");
    cpu_breakpoint_remove_all(&cpu0, BP_GDB);
    cpu_watchpoint_remove_all(&cpu0, BP_GDB);
    g_string_truncate(out, 0);
    cpu_breakpoint_foreach(&cpu0, BP_GDB, collect_bp, out);
    g_assert_cmpstr(out->str, ==, "");
    cpu_debug_set_update_hook(on_update);

    /* Step bits the accelerator honours (all by default). */
    g_assert_cmpint(cpu_debug_sstep_supported(), ==,
                    SSTEP_ENABLE | SSTEP_NOIRQ | SSTEP_NOTIMER);
    cpu_debug_set_sstep_supported(SSTEP_ENABLE);
    g_assert_cmpint(cpu_debug_sstep_supported(), ==, SSTEP_ENABLE);
    cpu_debug_set_sstep_supported(SSTEP_ENABLE | SSTEP_NOIRQ |
                                  SSTEP_NOTIMER);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/breakpoint/breakpoints", test_breakpoints);
    g_test_add_func("/breakpoint/limit", test_breakpoint_limit);
    g_test_add_func("/breakpoint/watchpoints", test_watchpoints);
    g_test_add_func("/breakpoint/single-step", test_single_step);
    g_test_add_func("/breakpoint/refusing-hook", test_refusing_hook);
    return g_test_run();
}
