/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Confining the process: -sandbox (a seccomp filter, QEMU 7.2's option
 * names and meanings), -chroot and -runas (privileges dropped with
 * libcap-ng). The sandbox goes in before the machine is built; chroot
 * and runas happen last, just before the main loop, as QEMU does, so a
 * sandbox that denies privilege changes kills a -runas process.
 */
#ifndef KEMU_OS_SANDBOX_H
#define KEMU_OS_SANDBOX_H

#include "util/error.h"
#include "util/opts.h"

typedef struct SandboxConfig {
    bool enable;
    unsigned sets;              /* SANDBOX_SET_* to deny */
    bool no_new_privs;          /* elevateprivileges=children */
} SandboxConfig;

enum {
    SANDBOX_SET_DEFAULT     = 1 << 0,
    SANDBOX_SET_OBSOLETE    = 1 << 1,
    SANDBOX_SET_PRIVILEGED  = 1 << 2,
    SANDBOX_SET_SPAWN       = 1 << 3,
    SANDBOX_SET_RESOURCECTL = 1 << 4,
};

/* -sandbox on|off[,obsolete=,elevateprivileges=,spawn=,resourcecontrol=] */
bool sandbox_parse(Opts *opts, SandboxConfig *cfg, Error **errp);
/* Installs the filter for every thread of the process. */
bool sandbox_install(const SandboxConfig *cfg, Error **errp);

/* -runas USER or UID:GID; resolved now, applied by os_drop_privileges. */
bool os_runas_parse(const char *arg, Error **errp);
/* chroot(dir) (NULL: none), then the -runas identity without any
 * capability left; exits with QEMU's messages on failure. */
void os_confine(const char *chroot_dir);

#endif
