/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -sandbox: a seccomp-bpf filter through libseccomp. Everything is
 * allowed except the groups below. Like QEMU 7.2, "on" always denies the
 * default and obsolete groups; elevateprivileges=deny|children,
 * spawn=deny and resourcecontrol=deny add theirs; obsolete=allow lifts
 * the obsolete one. A denied call kills the whole process (SIGSYS),
 * except resource control calls, which fail with EPERM so that libraries
 * asking for their CPU affinity keep working.
 */
#include "util/osdep.h"
#include "sysemu/os-sandbox.h"
#include "config-host.h"
#include <sys/prctl.h>
#ifdef CONFIG_SECCOMP
#include <seccomp.h>
#include <sched.h>
#endif

static bool parse_choice(Opts *opts, const char *key, const char *const *ok,
                         const char **out, Error **errp)
{
    const char *v = opts_get(opts, key);

    *out = NULL;
    if (!v) {
        return true;
    }
    for (; *ok; ok++) {
        if (!strcmp(v, *ok)) {
            *out = v;
            return true;
        }
    }
    error_setg(errp, "invalid argument for %s", key);
    return false;
}

bool sandbox_parse(Opts *opts, SandboxConfig *cfg, Error **errp)
{
    static const char *const allow_deny[] = { "allow", "deny", NULL };
    static const char *const elevate[] = { "allow", "deny", "children",
                                           NULL };
    const char *v;
    Error *err = NULL;

    memset(cfg, 0, sizeof(*cfg));
    if (!opts_get(opts, "enable")) {
        error_setg(errp, "Parameter 'enable' is missing");
        return false;
    }
    cfg->enable = opts_get_bool(opts, "enable", false, &err);
    if (err) {
        error_propagate(errp, err);
        return false;
    }
    cfg->sets = SANDBOX_SET_DEFAULT | SANDBOX_SET_OBSOLETE;
    if (!parse_choice(opts, "obsolete", allow_deny, &v, errp)) {
        return false;
    }
    if (v && !strcmp(v, "allow")) {
        cfg->sets &= ~SANDBOX_SET_OBSOLETE;
    }
    if (!parse_choice(opts, "elevateprivileges", elevate, &v, errp)) {
        return false;
    }
    if (v && strcmp(v, "allow")) {
        cfg->sets |= SANDBOX_SET_PRIVILEGED;
        cfg->no_new_privs = !strcmp(v, "children");
    }
    if (!parse_choice(opts, "spawn", allow_deny, &v, errp)) {
        return false;
    }
    if (v && !strcmp(v, "deny")) {
        cfg->sets |= SANDBOX_SET_SPAWN;
    }
    if (!parse_choice(opts, "resourcecontrol", allow_deny, &v, errp)) {
        return false;
    }
    if (v && !strcmp(v, "deny")) {
        cfg->sets |= SANDBOX_SET_RESOURCECTL;
    }
    return opts_check_all_used(opts, errp);
}

#ifdef CONFIG_SECCOMP

typedef struct DeniedCall {
    const char *name;
    unsigned set;
} DeniedCall;

/* Names libseccomp does not know on this architecture are skipped. */
static const DeniedCall denied_calls[] = {
    /* default: what no emulator has any business doing */
    { "reboot", SANDBOX_SET_DEFAULT },
    { "swapon", SANDBOX_SET_DEFAULT },
    { "swapoff", SANDBOX_SET_DEFAULT },
    { "syslog", SANDBOX_SET_DEFAULT },
    { "mount", SANDBOX_SET_DEFAULT },
    { "umount", SANDBOX_SET_DEFAULT },
    { "umount2", SANDBOX_SET_DEFAULT },
    { "kexec_load", SANDBOX_SET_DEFAULT },
    { "kexec_file_load", SANDBOX_SET_DEFAULT },
    { "afs_syscall", SANDBOX_SET_DEFAULT },
    { "break", SANDBOX_SET_DEFAULT },
    { "ftime", SANDBOX_SET_DEFAULT },
    { "getpmsg", SANDBOX_SET_DEFAULT },
    { "gtty", SANDBOX_SET_DEFAULT },
    { "lock", SANDBOX_SET_DEFAULT },
    { "mpx", SANDBOX_SET_DEFAULT },
    { "prof", SANDBOX_SET_DEFAULT },
    { "profil", SANDBOX_SET_DEFAULT },
    { "putpmsg", SANDBOX_SET_DEFAULT },
    { "security", SANDBOX_SET_DEFAULT },
    { "stty", SANDBOX_SET_DEFAULT },
    { "tuxcall", SANDBOX_SET_DEFAULT },
    { "ulimit", SANDBOX_SET_DEFAULT },
    { "vserver", SANDBOX_SET_DEFAULT },
    /* obsolete */
    { "readdir", SANDBOX_SET_OBSOLETE },
    { "_sysctl", SANDBOX_SET_OBSOLETE },
    { "bdflush", SANDBOX_SET_OBSOLETE },
    { "create_module", SANDBOX_SET_OBSOLETE },
    { "get_kernel_syms", SANDBOX_SET_OBSOLETE },
    { "query_module", SANDBOX_SET_OBSOLETE },
    { "sgetmask", SANDBOX_SET_OBSOLETE },
    { "ssetmask", SANDBOX_SET_OBSOLETE },
    { "sysfs", SANDBOX_SET_OBSOLETE },
    { "uselib", SANDBOX_SET_OBSOLETE },
    { "ustat", SANDBOX_SET_OBSOLETE },
    /* elevateprivileges */
    { "setuid", SANDBOX_SET_PRIVILEGED },
    { "setgid", SANDBOX_SET_PRIVILEGED },
    { "setpgid", SANDBOX_SET_PRIVILEGED },
    { "setsid", SANDBOX_SET_PRIVILEGED },
    { "setreuid", SANDBOX_SET_PRIVILEGED },
    { "setregid", SANDBOX_SET_PRIVILEGED },
    { "setresuid", SANDBOX_SET_PRIVILEGED },
    { "setresgid", SANDBOX_SET_PRIVILEGED },
    { "setfsuid", SANDBOX_SET_PRIVILEGED },
    { "setfsgid", SANDBOX_SET_PRIVILEGED },
    /* spawn (clone without CLONE_THREAD: below) */
    { "fork", SANDBOX_SET_SPAWN },
    { "vfork", SANDBOX_SET_SPAWN },
    { "execve", SANDBOX_SET_SPAWN },
    { "execveat", SANDBOX_SET_SPAWN },
    /* resourcecontrol */
    { "getpriority", SANDBOX_SET_RESOURCECTL },
    { "setpriority", SANDBOX_SET_RESOURCECTL },
    { "sched_setparam", SANDBOX_SET_RESOURCECTL },
    { "sched_getparam", SANDBOX_SET_RESOURCECTL },
    { "sched_setscheduler", SANDBOX_SET_RESOURCECTL },
    { "sched_getscheduler", SANDBOX_SET_RESOURCECTL },
    { "sched_setaffinity", SANDBOX_SET_RESOURCECTL },
    { "sched_getaffinity", SANDBOX_SET_RESOURCECTL },
    { "sched_get_priority_max", SANDBOX_SET_RESOURCECTL },
    { "sched_get_priority_min", SANDBOX_SET_RESOURCECTL },
};

static uint32_t kill_action(void)
{
    /* Kill the whole process where the kernel can (4.14+), not just the
     * calling thread, which would leave a half-working emulator. */
    return seccomp_api_get() >= 3 ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_TRAP;
}

bool sandbox_install(const SandboxConfig *cfg, Error **errp)
{
    scmp_filter_ctx ctx;
    uint32_t kill = kill_action();
    int rc;

    if (!cfg->enable) {
        return true;
    }
    if (cfg->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
        error_setg(errp, "failed to set no_new_privs aborting");
        return false;
    }
    ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) {
        error_setg(errp, "failed to initialize seccomp context");
        return false;
    }
    rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
    for (size_t i = 0; rc == 0 && i < G_N_ELEMENTS(denied_calls); i++) {
        const DeniedCall *d = &denied_calls[i];
        int nr;

        if (!(cfg->sets & d->set)) {
            continue;
        }
        nr = seccomp_syscall_resolve_name(d->name);
        if (nr == __NR_SCMP_ERROR || nr < 0) {
            continue;       /* not a system call on this architecture */
        }
        rc = seccomp_rule_add(ctx, d->set == SANDBOX_SET_RESOURCECTL ?
                              SCMP_ACT_ERRNO(EPERM) : kill, nr, 0);
    }
    if (rc == 0 && (cfg->sets & SANDBOX_SET_SPAWN)) {
        /* Threads are clones with CLONE_THREAD; processes are not.
         * clone3's flags sit in memory a filter cannot read: ENOSYS
         * makes the C library fall back to clone. */
        rc = seccomp_rule_add(ctx, kill, SCMP_SYS(clone), 1,
                              SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0));
        if (rc == 0) {
            rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
                                  SCMP_SYS(clone3), 0);
        }
    }
    if (rc == 0) {
        rc = seccomp_load(ctx);
    }
    seccomp_release(ctx);
    if (rc < 0) {
        error_setg_errno(errp, -rc, "failed to install seccomp syscall "
                         "filter in the kernel");
        return false;
    }
    return true;
}

#else

bool sandbox_install(const SandboxConfig *cfg, Error **errp)
{
    if (cfg->enable) {
        error_setg(errp, "seccomp support is disabled");
        return false;
    }
    return true;
}

#endif
