/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Threads are vCPUs: thread id = cpu_index + 1 (0 and -1 mean "any" and
 * "all" in the protocol), in one process with id 1. A client that
 * announced multiprocess+ gets and may send "pPID.TID".
 */
#include "gdbstub/internal.h"

void gdb_append_thread_id(GdbState *s, CPUState *cpu, GString *out)
{
    if (s->multiprocess) {
        g_string_append_printf(out, "p01.%02x", cpu->cpu_index + 1);
    } else {
        g_string_append_printf(out, "%02x", cpu->cpu_index + 1);
    }
}

/* One id: "-1", or a hex number. */
static bool parse_id(const char **p, int64_t *id)
{
    uint64_t v;

    if ((*p)[0] == '-' && (*p)[1] == '1') {
        *p += 2;
        *id = -1;
        return true;
    }
    if (!gdb_parse_hex(p, &v) || v > INT32_MAX) {
        return false;
    }
    *id = v;
    return true;
}

bool gdb_parse_thread_id(const char *p, const char **end, CPUState **cpu,
                         bool *all)
{
    int64_t pid = 1, tid;

    if (*p == 'p') {
        p++;
        if (!parse_id(&p, &pid)) {
            return false;
        }
        if (*p == '.') {
            p++;
            if (!parse_id(&p, &tid)) {
                return false;
            }
        } else {
            tid = -1;       /* "pPID": every thread of the process */
        }
        if (pid != 1 && pid != -1 && pid != 0) {
            return false;
        }
    } else if (!parse_id(&p, &tid)) {
        return false;
    }
    *end = p;
    *all = tid == -1;
    if (tid <= 0) {
        *cpu = first_cpu;
        return first_cpu != NULL;
    }
    *cpu = qemu_get_cpu(tid - 1);
    return *cpu != NULL;
}

void gdb_thread_extra_info(CPUState *cpu, GString *out)
{
    g_string_append_printf(out, "CPU#%d [%s]", cpu->cpu_index,
                           cpu->halted ? "halted " : "running");
}
