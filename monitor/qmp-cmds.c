/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands about the VM as a whole: version, run state, identity,
 * CPUs, machines, and the run-control commands. Reply shapes follow
 * QEMU 7.2's schema (member names and types; optional members appear
 * only when set, as QEMU does).
 */
#include "monitor/monitor-internal.h"
#include "monitor/qmp.h"
#include "hw/boards.h"
#include "hw/core/cpu.h"
#include "sysemu/accel.h"
#include "sysemu/runstate.h"
#include "sysemu/sysemu.h"
#include "config-host.h"
#include <sys/syscall.h>

JsonNode *qmp_query_version(JsonObject *args, Error **errp)
{
    JsonObject *r = json_object_new(), *q = json_object_new();
    unsigned major = 0, minor = 0, micro = 0;

    if (!qmp_check_args(args, "", errp)) {
        json_object_unref(r);
        json_object_unref(q);
        return NULL;
    }
    sscanf(KEMU_VERSION, "%u.%u.%u", &major, &minor, &micro);
    json_object_set_int_member(q, "micro", micro);
    json_object_set_int_member(q, "minor", minor);
    json_object_set_int_member(q, "major", major);
    json_object_set_object_member(r, "qemu", q);
    json_object_set_string_member(r, "package", "kemu");
    return qmp_node_object(r);
}

JsonNode *qmp_query_status(JsonObject *args, Error **errp)
{
    JsonObject *r;

    if (!qmp_check_args(args, "", errp)) {
        return NULL;
    }
    r = json_object_new();
    json_object_set_string_member(r, "status", runstate_name(runstate_get()));
    json_object_set_boolean_member(r, "singlestep", false);
    json_object_set_boolean_member(r, "running", runstate_is_running());
    return qmp_node_object(r);
}

JsonNode *qmp_query_name(JsonObject *args, Error **errp)
{
    JsonObject *r;

    if (!qmp_check_args(args, "", errp)) {
        return NULL;
    }
    r = json_object_new();
    if (qemu_name) {
        json_object_set_string_member(r, "name", qemu_name);
    }
    return qmp_node_object(r);
}

JsonNode *qmp_query_uuid(JsonObject *args, Error **errp)
{
    const uint8_t *u = qemu_uuid;
    JsonObject *r;

    if (!qmp_check_args(args, "", errp)) {
        return NULL;
    }
    g_autofree char *s = g_strdup_printf(
        "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
        "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5],
        u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
    r = json_object_new();
    json_object_set_string_member(r, "UUID", s);
    return qmp_node_object(r);
}

JsonNode *qmp_query_kvm(JsonObject *args, Error **errp)
{
    JsonObject *r;

    if (!qmp_check_args(args, "", errp)) {
        return NULL;
    }
    r = json_object_new();
    json_object_set_boolean_member(r, "enabled", kvm_enabled());
    /* QEMU's meaning: KVM support is built in, whether or not this host
     * has /dev/kvm ("enabled" says whether it is in use). */
    json_object_set_boolean_member(r, "present", accel_find("kvm") != NULL);
    return qmp_node_object(r);
}

static JsonNode *qmp_query_target(JsonObject *args, Error **errp)
{
    JsonObject *r;

    if (!qmp_check_args(args, "", errp)) {
        return NULL;
    }
    r = json_object_new();
    json_object_set_string_member(r, "arch", "x86_64");
    return qmp_node_object(r);
}

static JsonNode *qmp_query_commands(JsonObject *args, Error **errp)
{
    GPtrArray *all = monitor_commands();
    JsonArray *a;

    if (!qmp_check_args(args, "", errp)) {
        return NULL;
    }
    a = json_array_new();
    for (guint i = 0; i < all->len; i++) {
        const MonitorCommand *c = all->pdata[i];
        if (c->qmp_name && c->qmp) {
            JsonObject *o = json_object_new();
            json_object_set_string_member(o, "name", c->qmp_name);
            json_array_add_object_element(a, o);
        }
    }
    return qmp_node_array(a);
}

/* ---- CPUs ---- */

static void get_tid(CPUState *cpu, void *data)
{
    *(int64_t *)data = syscall(SYS_gettid);
}

/* socket/core/thread ids from the cpu index and -smp topology. */
static JsonObject *cpu_props(int index)
{
    CpuTopology *t = current_machine ? &current_machine->smp : NULL;
    unsigned threads = t && t->threads ? t->threads : 1;
    unsigned cores = t && t->cores ? t->cores : 1;
    unsigned dies = t && t->dies ? t->dies : 1;
    JsonObject *p = json_object_new();

    json_object_set_int_member(p, "core-id", (index / threads) % cores);
    json_object_set_int_member(p, "thread-id", index % threads);
    if (dies > 1) {
        json_object_set_int_member(p, "die-id",
                                   (index / (threads * cores)) % dies);
    }
    json_object_set_int_member(p, "socket-id",
                               index / (threads * cores * dies));
    return p;
}

JsonNode *qmp_query_cpus_fast(JsonObject *args, Error **errp)
{
    JsonArray *a;
    CPUState *cpu;

    if (!qmp_check_args(args, "", errp)) {
        return NULL;
    }
    a = json_array_new();
    CPU_FOREACH(cpu) {
        JsonObject *o = json_object_new();
        g_autofree char *path = object_get_canonical_path(OBJECT(cpu));
        int64_t tid = getpid();

        if (cpu->thread_created) {
            run_on_cpu(cpu, get_tid, &tid);
        }
        json_object_set_int_member(o, "thread-id", tid);
        json_object_set_object_member(o, "props", cpu_props(cpu->cpu_index));
        json_object_set_string_member(o, "qom-path", path ? path : "");
        json_object_set_int_member(o, "cpu-index", cpu->cpu_index);
        json_object_set_string_member(o, "target", "x86_64");
        json_array_add_object_element(a, o);
    }
    return qmp_node_array(a);
}

JsonNode *qmp_query_hotpluggable_cpus(JsonObject *args, Error **errp)
{
    MachineState *ms = current_machine;
    unsigned max;
    JsonArray *a;

    if (!qmp_check_args(args, "", errp)) {
        return NULL;
    }
    a = json_array_new();
    max = ms ? MAX(ms->smp.max_cpus, ms->smp.cpus) : 0;
    /* QEMU lists the possible CPUs from the highest index down. */
    for (int i = (int)max - 1; i >= 0; i--) {
        JsonObject *o = json_object_new();
        CPUState *cpu = qemu_get_cpu(i);
        const char *type = cpu ? object_get_typename(OBJECT(cpu)) :
                           first_cpu ? object_get_typename(OBJECT(first_cpu))
                                     : "qemu64-x86_64-cpu";

        json_object_set_object_member(o, "props", cpu_props(i));
        json_object_set_int_member(o, "vcpus-count", 1);
        if (cpu) {
            g_autofree char *path = object_get_canonical_path(OBJECT(cpu));
            json_object_set_string_member(o, "qom-path", path ? path : "");
        }
        json_object_set_string_member(o, "type", type);
        json_array_add_object_element(a, o);
    }
    return qmp_node_array(a);
}

static JsonNode *qmp_query_machines(JsonObject *args, Error **errp)
{
    GSList *list;
    JsonArray *a;

    if (!qmp_check_args(args, "", errp)) {
        return NULL;
    }
    a = json_array_new();
    list = object_class_get_list_sorted(TYPE_MACHINE, false);
    for (GSList *l = list; l; l = l->next) {
        MachineClass *mc = l->data;
        JsonObject *o = json_object_new();

        if (!mc->name || mc->not_built) {
            json_object_unref(o);
            continue;
        }
        json_object_set_boolean_member(o, "hotpluggable-cpus", true);
        json_object_set_string_member(o, "name", mc->name);
        json_object_set_boolean_member(o, "numa-mem-supported", false);
        if (mc->is_default) {
            json_object_set_boolean_member(o, "is-default", true);
        }
        if (mc->default_cpu_type) {
            json_object_set_string_member(o, "default-cpu-type",
                                          mc->default_cpu_type);
        }
        json_object_set_int_member(o, "cpu-max", mc->max_cpus);
        json_object_set_boolean_member(o, "deprecated", false);
        if (mc->alias) {
            json_object_set_string_member(o, "alias", mc->alias);
        }
        json_object_set_string_member(o, "default-ram-id", "pc.ram");
        json_array_add_object_element(a, o);
    }
    g_slist_free(list);
    return qmp_node_array(a);
}

/* ---- run control ---- */

static JsonNode *qmp_stop(JsonObject *args, Error **errp)
{
    if (!qmp_check_args(args, "", errp)) {
        return NULL;
    }
    /* As QEMU: a VM that never ran stays in prelaunch. */
    if (runstate_is_running()) {
        vm_stop(RUN_STATE_PAUSED);
    }
    return NULL;
}

static JsonNode *qmp_cont(JsonObject *args, Error **errp)
{
    RunState s = runstate_get();

    if (!qmp_check_args(args, "", errp)) {
        return NULL;
    }
    if (s == RUN_STATE_INTERNAL_ERROR || s == RUN_STATE_SHUTDOWN ||
        s == RUN_STATE_GUEST_PANICKED) {
        error_setg(errp, "Resetting the Virtual Machine is required");
        return NULL;
    }
    vm_start();
    return NULL;
}

static JsonNode *qmp_system_reset(JsonObject *args, Error **errp)
{
    if (qmp_check_args(args, "", errp)) {
        qemu_system_reset_request(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
    }
    return NULL;
}

static JsonNode *qmp_system_powerdown(JsonObject *args, Error **errp)
{
    if (qmp_check_args(args, "", errp)) {
        qemu_system_powerdown_request();
    }
    return NULL;
}

static JsonNode *qmp_quit(JsonObject *args, Error **errp)
{
    if (qmp_check_args(args, "", errp)) {
        /* quit ends the process even under -no-shutdown. */
        no_shutdown = false;
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
    }
    return NULL;
}

static JsonNode *qmp_human_monitor_command(JsonObject *args, Error **errp)
{
    g_autoptr(GString) out = g_string_new(NULL);
    GString *crlf;

    if (!qmp_check_args(args, "command-line:s,cpu-index:i?", errp)) {
        return NULL;
    }
    if (json_object_has_member(args, "cpu-index")) {
        int64_t idx = qmp_arg_int(args, "cpu-index", 0);
        if (!qemu_get_cpu(idx)) {
            error_setg(errp, "Parameter 'cpu-index' expects a CPU number");
            return NULL;
        }
        /* hmp_run_line has no way to select a CPU yet: first CPU. */
    }
    if (!hmp_run_line(qmp_arg_str(args, "command-line"), out, errp)) {
        return NULL;
    }
    /* HMP output as QEMU returns it: lines end in \r\n. */
    crlf = g_string_sized_new(out->len + 16);
    for (gsize i = 0; i < out->len; i++) {
        if (out->str[i] == '\n' && (i == 0 || out->str[i - 1] != '\r')) {
            g_string_append_c(crlf, '\r');
        }
        g_string_append_c(crlf, out->str[i]);
    }
    JsonNode *r = qmp_node_string(crlf->str);
    g_string_free(crlf, true);
    return r;
}

/* Never called: the dispatcher handles negotiation itself. */
static JsonNode *qmp_capabilities_cmd(JsonObject *args, Error **errp)
{
    error_set_class(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                    "Capabilities negotiation is already complete, "
                    "command ignored");
    return NULL;
}

static const MonitorCommand qmp_vm_commands[] = {
    { .qmp_name = "qmp_capabilities", .qmp = qmp_capabilities_cmd },
    { .qmp_name = "query-version", .qmp = qmp_query_version },
    { .qmp_name = "query-status", .qmp = qmp_query_status },
    { .qmp_name = "query-name", .qmp = qmp_query_name },
    { .qmp_name = "query-uuid", .qmp = qmp_query_uuid },
    { .qmp_name = "query-kvm", .qmp = qmp_query_kvm },
    { .qmp_name = "query-target", .qmp = qmp_query_target },
    { .qmp_name = "query-commands", .qmp = qmp_query_commands },
    { .qmp_name = "query-cpus-fast", .qmp = qmp_query_cpus_fast },
    { .qmp_name = "query-hotpluggable-cpus",
      .qmp = qmp_query_hotpluggable_cpus },
    { .qmp_name = "query-machines", .qmp = qmp_query_machines },
    { .qmp_name = "stop", .qmp = qmp_stop },
    { .qmp_name = "cont", .qmp = qmp_cont },
    { .qmp_name = "system_reset", .qmp = qmp_system_reset },
    { .qmp_name = "system_powerdown", .qmp = qmp_system_powerdown },
    { .qmp_name = "quit", .qmp = qmp_quit },
    { .qmp_name = "human-monitor-command",
      .qmp = qmp_human_monitor_command },
};

static void __attribute__((constructor)) qmp_vm_commands_register(void)
{
    monitor_register_commands(qmp_vm_commands, ARRAY_SIZE(qmp_vm_commands));
}
