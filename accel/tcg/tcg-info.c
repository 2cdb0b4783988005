/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "info jit": how full the code buffer is and what the translator and
 * the exec loop have done, in the spirit of QEMU's output.
 */
#include "accel/tcg/internal.h"
#include "accel/tcg/tcg-accel.h"
#include "monitor/monitor-internal.h"
#include "sysemu/accel.h"

void tcg_dump_info(GString *out)
{
    size_t used, total, nb_tbs, code_bytes, guest_bytes;
    uint64_t execs = 0;
    uint64_t translated = __atomic_load_n(&tb_translated_count,
                                          __ATOMIC_RELAXED);

    CPUState *cpu;

    CPU_FOREACH(cpu) {
        if (tcg_thread(cpu)) {
            execs += __atomic_load_n(&tcg_thread(cpu)->tb_exec_lookups,
                                     __ATOMIC_RELAXED);
        }
    }
    tcg_code_stats(&used, &total, &nb_tbs, &code_bytes, &guest_bytes);
    g_string_append_printf(out, "Translation buffer state:\n");
    g_string_append_printf(out, "gen code size       %zu/%zu\n", used, total);
    g_string_append_printf(out, "TB count            %zu\n", nb_tbs);
    g_string_append_printf(out, "TB avg target size  %zu bytes\n",
                           nb_tbs ? guest_bytes / nb_tbs : 0);
    g_string_append_printf(out, "TB avg host size    %zu bytes "
                           "(expansion ratio: %0.1f)\n",
                           nb_tbs ? code_bytes / nb_tbs : 0,
                           guest_bytes ? (double)code_bytes / guest_bytes
                                       : 0.0);
    g_string_append_printf(out, "\nStatistics:\n");
    g_string_append_printf(out, "TB flush count      %" PRIu64 "\n",
                           tb_flush_stats);
    g_string_append_printf(out, "TB translated       %" PRIu64 " (%" PRIu64
                           " guest insns)\n", translated,
                           __atomic_load_n(&tb_translated_insns,
                                           __ATOMIC_RELAXED));
    g_string_append_printf(out, "TB entries from loop %" PRIu64 "\n", execs);
    g_string_append_printf(out, "TB jumps chained    %" PRIu64 "\n",
                           __atomic_load_n(&tb_chain_count,
                                           __ATOMIC_RELAXED));
    g_string_append_printf(out, "TB hit rate         %0.1f%%\n",
                           execs ? 100.0 * (execs - MIN(execs, translated)) /
                                   execs : 0.0);
}

/* ---- the monitor command ---- */

static void info_jit(Monitor *mon, const HmpArgs *a)
{
    GString *out;

    if (!tcg_enabled()) {
        monitor_printf(mon, "JIT information is only available with "
                       "accel=tcg\n");
        return;
    }
    out = g_string_new(NULL);
    tcg_dump_info(out);
    monitor_puts(mon, out->str);
    g_string_free(out, true);
}

static const MonitorCommand tcg_info_cmds[] = {
    { .hmp_name = "info jit", .hmp_help = "dynamic compiler info",
      .hmp = info_jit },
};

static void __attribute__((constructor)) tcg_info_cmds_register(void)
{
    monitor_register_commands(tcg_info_cmds, ARRAY_SIZE(tcg_info_cmds));
}
