/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -chroot and -runas: applied once the machine is built, just before the
 * main loop, with QEMU 7.2's messages. The new identity is taken through
 * libcap-ng, which also empties every capability set, the bounding set
 * included, so nothing is left to regain root with.
 */
#include "util/osdep.h"
#include "util/error.h"
#include "sysemu/os-sandbox.h"
#include "config-host.h"
#include <grp.h>
#include <pwd.h>
#ifdef CONFIG_LIBCAP_NG
#include <cap-ng.h>
#endif

static bool runas_set;
static uid_t runas_uid;
static gid_t runas_gid;
static char *runas_name;        /* NULL for the UID:GID form */
/* Supplementary groups, looked up now: after -chroot /etc may be gone. */
static gid_t *runas_groups;
static int runas_ngroups;

bool os_runas_parse(const char *arg, Error **errp)
{
    struct passwd *pw = getpwnam(arg);
    unsigned long uid, gid;
    char *end;

    if (pw) {
        runas_uid = pw->pw_uid;
        runas_gid = pw->pw_gid;
        runas_name = g_strdup(arg);
        runas_set = true;
        runas_ngroups = 64;
        runas_groups = g_new(gid_t, runas_ngroups);
        if (getgrouplist(arg, runas_gid, runas_groups, &runas_ngroups) < 0) {
            runas_groups = g_renew(gid_t, runas_groups, runas_ngroups);
            getgrouplist(arg, runas_gid, runas_groups, &runas_ngroups);
        }
        return true;
    }
    errno = 0;
    uid = strtoul(arg, &end, 10);
    if (end != arg && *end == ':' && !errno && uid < (uid_t)-1) {
        const char *g = end + 1;
        gid = strtoul(g, &end, 10);
        if (end != g && !*end && !errno && gid < (gid_t)-1) {
            runas_uid = uid;
            runas_gid = gid;
            runas_set = true;
            return true;
        }
    }
    error_setg(errp, "User \"%s\" doesn't exist (and is not <uid>:<gid>)",
               arg);
    return false;
}

static void change_id(void)
{
    gid_t one = runas_gid;

    if (runas_name ? setgroups(runas_ngroups, runas_groups) < 0
                   : setgroups(1, &one) < 0) {
        error_report("Failed to initgroups(\"%s\", %d)",
                     runas_name ? runas_name : "", (int)runas_gid);
        exit(1);
    }
#ifdef CONFIG_LIBCAP_NG
    capng_clear(CAPNG_SELECT_BOTH);
    if (capng_change_id(runas_uid, runas_gid, CAPNG_CLEAR_BOUNDING) < 0) {
        error_report("Failed to setuid(%d)", (int)runas_uid);
        exit(1);
    }
#else
    if (setgid(runas_gid) < 0) {
        error_report("Failed to setgid(%d)", (int)runas_gid);
        exit(1);
    }
    if (setuid(runas_uid) < 0) {
        error_report("Failed to setuid(%d)", (int)runas_uid);
        exit(1);
    }
#endif
    /* A root that can come back is no drop at all. */
    if (runas_uid != 0 && setuid(0) != -1) {
        error_report("Dropping privileges failed");
        exit(1);
    }
}

void os_confine(const char *chroot_dir)
{
    if (chroot_dir) {
        if (chroot(chroot_dir) < 0) {
            error_report("chroot failed");
            exit(1);
        }
        if (chdir("/")) {
            error_report("not able to chdir to /: %s", strerror(errno));
            exit(1);
        }
    }
    if (runas_set) {
        change_id();
    }
}
