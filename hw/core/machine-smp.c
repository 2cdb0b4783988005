/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -smp: the CPU topology. Omitted values are derived from the given ones
 * preferring cores over sockets over threads (the rule of machine types
 * since 6.2), then the product of the hierarchy must equal maxcpus and
 * maxcpus must cover the boot CPUs.
 */
#include "hw/boards.h"

enum { SMP_CPUS, SMP_SOCKETS, SMP_DIES, SMP_CLUSTERS, SMP_CORES, SMP_THREADS,
       SMP_MAXCPUS, SMP__MAX };
static const char *const smp_keys[SMP__MAX] = {
    "cpus", "sockets", "dies", "clusters", "cores", "threads", "maxcpus",
};

char *machine_topo_to_string(const CpuTopology *t)
{
    return g_strdup_printf("sockets (%u) * dies (%u) * cores (%u) * "
                           "threads (%u)", t->sockets, t->dies, t->cores,
                           t->threads);
}

static bool smp_parse_value(const char *key, const char *str, uint64_t *out,
                            Error **errp)
{
    char *end;

    errno = 0;
    *out = strtoull(str, &end, 0);
    if (!*str || *end || errno || str[0] == '-' || *out > UINT32_MAX) {
        error_setg(errp, "Parameter 'smp.%s' expects integer", key);
        return false;
    }
    return true;
}

bool machine_parse_smp(CpuTopology *topo, Opts *opts, unsigned max_cpus,
                       const char *machine_name, Error **errp)
{
    uint64_t v[SMP__MAX] = { 0 };
    bool zero_given = false;

    for (guint i = 0; opts && i < opts->pairs->len; i++) {
        OptPair *p = &g_array_index(opts->pairs, OptPair, i);
        int k;

        for (k = 0; k < SMP__MAX && strcmp(smp_keys[k], p->key); k++) {
        }
        if (k == SMP__MAX) {
            error_setg(errp, "Parameter 'smp.%s' is unexpected", p->key);
            return false;
        }
        p->used = true;
        if (!smp_parse_value(p->key, p->value, &v[k], errp)) {
            return false;
        }
    }
    for (int k = 0; opts && k < SMP__MAX; k++) {
        if (opts_has(opts, smp_keys[k]) && v[k] == 0) {
            zero_given = true;
        }
    }
    if (zero_given) {
        /* QEMU 7.2 still accepts 0 as "omitted", with this warning. */
        warn_report("Deprecated CPU topology (considered invalid): "
                    "CPU topology parameters must be greater than zero");
    }
    if (v[SMP_CLUSTERS] > 1) {
        error_setg(errp, "clusters not supported by this machine's CPU "
                   "topology");
        return false;
    }

    uint64_t cpus = v[SMP_CPUS], maxcpus = v[SMP_MAXCPUS];
    uint64_t sockets = v[SMP_SOCKETS], cores = v[SMP_CORES];
    uint64_t threads = v[SMP_THREADS];
    uint64_t dies = v[SMP_DIES] ? v[SMP_DIES] : 1;

    if (!cpus && !maxcpus) {
        /* Only topology given (or nothing): missing levels are 1. */
        sockets = sockets ? sockets : 1;
        cores = cores ? cores : 1;
        threads = threads ? threads : 1;
    } else {
        maxcpus = maxcpus ? maxcpus : cpus;
        if (!cores) {
            sockets = sockets ? sockets : 1;
            threads = threads ? threads : 1;
            cores = maxcpus / (sockets * dies * threads);
        } else if (!sockets) {
            threads = threads ? threads : 1;
            sockets = maxcpus / (dies * cores * threads);
        }
        if (!threads) {
            threads = maxcpus / (sockets * dies * cores);
        }
    }
    maxcpus = maxcpus ? maxcpus : sockets * dies * cores * threads;
    cpus = cpus ? cpus : maxcpus;

    CpuTopology t = {
        .cpus = cpus, .sockets = sockets, .dies = dies, .cores = cores,
        .threads = threads, .max_cpus = maxcpus,
    };
    g_autofree char *hier = machine_topo_to_string(&t);

    if (sockets * dies * cores * threads != maxcpus) {
        error_setg(errp, "Invalid CPU topology: product of the hierarchy "
                   "must match maxcpus: %s != maxcpus (%" PRIu64 ")",
                   hier, maxcpus);
        return false;
    }
    if (maxcpus < cpus) {
        error_setg(errp, "Invalid CPU topology: maxcpus must be equal to or "
                   "greater than smp: %s == maxcpus (%" PRIu64 ") < "
                   "smp_cpus (%" PRIu64 ")", hier, maxcpus, cpus);
        return false;
    }
    if (max_cpus && maxcpus > max_cpus) {
        error_setg(errp, "Invalid SMP CPUs %" PRIu64 ". The max CPUs "
                   "supported by machine '%s' is %u", maxcpus, machine_name,
                   max_cpus);
        return false;
    }
    *topo = t;
    return true;
}
