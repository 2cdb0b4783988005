/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The HMP "info" subcommands, printed as QEMU 7.2 prints them. */
#include "monitor/monitor-internal.h"
#include "hw/boards.h"
#include "hw/core/cpu.h"
#include "hw/qdev.h"
#include "exec/memory.h"
#include "sysemu/accel.h"
#include "sysemu/runstate.h"
#include "sysemu/sysemu.h"
#include "config-host.h"
#include <sys/syscall.h>

static void info_status(Monitor *mon, const HmpArgs *a)
{
    RunState s = runstate_get();

    if (s == RUN_STATE_RUNNING) {
        monitor_printf(mon, "VM status: running\n");
    } else if (s == RUN_STATE_PAUSED) {
        monitor_printf(mon, "VM status: paused\n");
    } else {
        monitor_printf(mon, "VM status: paused (%s)\n", runstate_name(s));
    }
}

static void info_name(Monitor *mon, const HmpArgs *a)
{
    if (qemu_name) {
        monitor_printf(mon, "%s\n", qemu_name);
    }
}

static void info_uuid(Monitor *mon, const HmpArgs *a)
{
    const uint8_t *u = qemu_uuid;

    monitor_printf(mon, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                   "%02x%02x%02x%02x%02x%02x\n", u[0], u[1], u[2], u[3],
                   u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
                   u[13], u[14], u[15]);
}

static void info_kvm(Monitor *mon, const HmpArgs *a)
{
    const AccelOps *ops = current_accel();

    monitor_printf(mon, "kvm support: %s\n",
                   ops && !strcmp(ops->name, "kvm") ? "enabled" : "disabled");
}

static void dump_cpu(Monitor *mon, CPUState *cs)
{
    g_autoptr(GString) out = g_string_new(NULL);

    cpu_synchronize_state(cs);
    cpu_dump_state(cs, out, CPU_DUMP_FPU);
    monitor_printf(mon, "\nCPU#%d\n", cs->cpu_index);
    monitor_puts(mon, out->str);
}

static void info_registers(Monitor *mon, const HmpArgs *a)
{
    CPUState *cs;

    if (hmp_arg_bool(a, "a")) {
        CPU_FOREACH(cs) {
            dump_cpu(mon, cs);
        }
        return;
    }
    if (hmp_arg_has(a, "vcpu")) {
        int64_t idx = hmp_arg_int(a, "vcpu", 0);
        cs = idx >= 0 && idx <= INT_MAX ? qemu_get_cpu(idx) : NULL;
        if (!cs) {
            monitor_printf(mon, "CPU#%" PRId64 " not available\n", idx);
            return;
        }
    } else {
        cs = mon_get_cpu(mon);
    }
    if (!cs) {
        monitor_printf(mon, "No CPU available\n");
        return;
    }
    dump_cpu(mon, cs);
}

static void get_tid(CPUState *cs, void *data)
{
    *(long *)data = syscall(SYS_gettid);
}

static void info_cpus(Monitor *mon, const HmpArgs *a)
{
    CPUState *cur = mon_get_cpu(mon), *cs;

    CPU_FOREACH(cs) {
        long tid = 0;
        if (cs->thread_created) {
            run_on_cpu(cs, get_tid, &tid);
        }
        monitor_printf(mon, "%c CPU #%d: thread_id=%ld\n",
                       cs == cur ? '*' : ' ', cs->cpu_index, tid);
    }
}

static void info_history(Monitor *mon, const HmpArgs *a)
{
    const char *s;

    for (unsigned i = 0; mon->rs && (s = readline_get_history(mon->rs, i));
         i++) {
        monitor_printf(mon, "%d: '%s'\n", i, s);
    }
}

static void info_mtree(Monitor *mon, const HmpArgs *a)
{
    g_autoptr(GString) out = g_string_new(NULL);

    memory_print_mtree(out, hmp_arg_bool(a, "f"));
    monitor_puts(mon, out->str);
}

static void info_qtree(Monitor *mon, const HmpArgs *a)
{
    g_autoptr(GString) out = g_string_new(NULL);

    qdev_print_qtree(out);
    monitor_puts(mon, out->str);
}

static int collect_child(Object *child, void *opaque)
{
    g_ptr_array_add(opaque, child);
    return 0;
}

static gint cmp_component(gconstpointer a, gconstpointer b)
{
    Object *x = *(Object *const *)a, *y = *(Object *const *)b;
    return strcmp(object_get_canonical_path_component(x),
                  object_get_canonical_path_component(y));
}

static void print_qom(Monitor *mon, Object *obj, int indent)
{
    g_autoptr(GPtrArray) kids = g_ptr_array_new();
    const char *name = object_get_canonical_path_component(obj);
    g_autoptr(GString) esc = g_string_new(NULL);

    /* QEMU escapes '/' inside a name so the path stays readable. */
    for (const char *p = name ? name : ""; *p; p++) {
        if (*p == '/') {
            g_string_append(esc, "\\x2f");
        } else {
            g_string_append_c(esc, *p);
        }
    }
    monitor_printf(mon, "%*s/%s (%s)\n", indent, "", esc->str,
                   object_get_typename(obj));
    object_child_foreach(obj, collect_child, kids);
    g_ptr_array_sort(kids, cmp_component);
    for (guint i = 0; i < kids->len; i++) {
        print_qom(mon, kids->pdata[i], indent + 2);
    }
}

static void info_qom_tree(Monitor *mon, const HmpArgs *a)
{
    const char *path = hmp_arg_str(a, "path");
    bool ambiguous = false;
    Object *obj;

    obj = object_resolve_path(path ? path : "/machine", &ambiguous);
    if (!obj) {
        monitor_printf(mon, "Path '%s' could not be resolved.\n",
                       path ? path : "/machine");
        return;
    }
    print_qom(mon, obj, 0);
}

static void print_chardev(Chardev *chr, void *opaque)
{
    monitor_printf(opaque, "%s: filename=%s\n", chr->label,
                   chr->filename ? chr->filename : "");
}

static void info_chardev(Monitor *mon, const HmpArgs *a)
{
    chardev_foreach(print_chardev, mon);
}

static void info_hotpluggable_cpus(Monitor *mon, const HmpArgs *a)
{
    MachineState *ms = current_machine;
    const CpuTopology *t;
    unsigned threads, cores, dies;

    if (!ms) {
        return;
    }
    t = &ms->smp;
    threads = MAX(t->threads, 1);
    cores = MAX(t->cores, 1);
    dies = MAX(t->dies, 1);
    monitor_printf(mon, "Hotpluggable CPUs:\n");
    /* QEMU lists the possible CPUs newest first. */
    for (int i = (int)MAX(t->max_cpus, t->cpus) - 1; i >= 0; i--) {
        CPUState *cs = qemu_get_cpu(i);
        unsigned thread = i % threads, core = (i / threads) % cores;
        unsigned die = (i / threads / cores) % dies;
        unsigned socket = i / threads / cores / dies;

        /* Every slot takes the boot CPUs' type, plugged or not. */
        monitor_printf(mon, "  type: \"%s\"\n",
                       first_cpu ? object_get_typename(OBJECT(first_cpu)) : "");
        monitor_printf(mon, "  vcpus_count: \"1\"\n");
        if (cs) {
            g_autofree char *path = object_get_canonical_path(OBJECT(cs));
            monitor_printf(mon, "  qom_path: \"%s\"\n", path);
        }
        monitor_printf(mon, "  CPUInstance Properties:\n");
        monitor_printf(mon, "    socket-id: \"%u\"\n", socket);
        if (dies > 1) {
            monitor_printf(mon, "    die-id: \"%u\"\n", die);
        }
        monitor_printf(mon, "    core-id: \"%u\"\n", core);
        monitor_printf(mon, "    thread-id: \"%u\"\n", thread);
    }
}

static const MonitorCommand info_cmds[] = {
    { .hmp_name = "info status",
      .hmp_help = "whether the machine runs or is paused",
      .hmp = info_status },
    { .hmp_name = "info name", .hmp_help = "the -name of this machine",
      .hmp = info_name },
    { .hmp_name = "info uuid", .hmp_help = "the -uuid of this machine",
      .hmp = info_uuid },
    { .hmp_name = "info kvm", .hmp_help = "whether KVM is present and in use",
      .hmp = info_kvm },
    { .hmp_name = "info registers", .hmp_args = "-a,vcpu:i?",
      .hmp_params = "[-a|vcpu]",
      .hmp_help = "registers of the current CPU (-a: of every CPU; "
                  "N: of vCPU N)",
      .hmp = info_registers },
    { .hmp_name = "info cpus", .hmp_help = "one line per vCPU with its thread",
      .hmp = info_cpus },
    { .hmp_name = "info history", .hmp_help = "the commands typed so far",
      .hmp = info_history },
    { .hmp_name = "info mtree", .hmp_args = "-f,-d,-o,-D",
      .hmp_params = "[-f][-d][-o][-D]",
      .hmp_help = "the memory region tree (-f: the flattened view of "
                  "each address space; -o: owners; -D: disabled regions too)",
      .hmp = info_mtree },
    { .hmp_name = "info qtree", .hmp_help = "devices and buses with their properties",
      .hmp = info_qtree },
    { .hmp_name = "info qom-tree", .hmp_args = "path:s?",
      .hmp_params = "[path]", .hmp_help = "the object tree below path (default /)",
      .hmp = info_qom_tree },
    { .hmp_name = "info chardev", .hmp_help = "character devices and where they lead",
      .hmp = info_chardev },
    { .hmp_name = "info hotpluggable-cpus",
      .hmp_help = "CPU slots, used and free",
      .hmp = info_hotpluggable_cpus },
};

static void __attribute__((constructor)) info_cmds_register(void)
{
    monitor_register_commands(info_cmds, ARRAY_SIZE(info_cmds));
}
