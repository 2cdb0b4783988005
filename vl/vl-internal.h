/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Pieces of the command-line front end shared by the vl/ files. */
#ifndef KEMU_VL_INTERNAL_H
#define KEMU_VL_INTERNAL_H

#include "util/osdep.h"
#include "util/error.h"

typedef enum VlOptionId {
    OPT_HELP, OPT_VERSION, OPT_MACHINE, OPT_MEM, OPT_SMP, OPT_CPU, OPT_ACCEL,
    OPT_ENABLE_KVM, OPT_KERNEL, OPT_INITRD, OPT_APPEND, OPT_BIOS,
    OPT_NOGRAPHIC, OPT_DISPLAY, OPT_SERIAL, OPT_CHARDEV, OPT_DEBUGCON,
    OPT_DEVICE, OPT_GLOBAL, OPT_OBJECT, OPT_NO_REBOOT, OPT_NO_SHUTDOWN,
    OPT_NAME, OPT_UUID, OPT_NODEFAULTS, OPT_S, OPT_D, OPT_DLOG, OPT_QTEST,
    OPT_QTEST_LOG,
    OPT_QMP, OPT_QMP_PRETTY, OPT_ECHR, OPT_MONITOR, OPT_MON, OPT_PARALLEL,
    OPT_DAEMONIZE, OPT_PIDFILE, OPT_SINGLESTEP, OPT_SANDBOX, OPT_RUNAS,
    OPT_CHROOT, OPT_VGA, OPT_VNC, OPT_GDB, OPT_GDB_DEFAULT,
    OPT_DRIVE, OPT_BLOCKDEV, OPT_HDA, OPT_HDB, OPT_HDC, OPT_HDD, OPT_CDROM,
    OPT_SNAPSHOT, OPT_RTC,
} VlOptionId;

typedef struct VlOption {
    const char *name;       /* without the leading dash */
    bool has_arg;
    VlOptionId id;
} VlOption;

/* One option as the user typed it, e.g. typed "--m", arg "1G". */
typedef struct VlArg {
    const VlOption *opt;
    const char *typed;
    const char *arg;        /* NULL for flags */
} VlArg;

/*
 * Splits argv into options; reports "-foo: invalid option" and
 * "-m: requires an argument" QEMU-style and exits 1 on those.
 * Returns a GPtrArray of VlArg*.
 */
GPtrArray *vl_lex_args(int argc, char **argv);

void vl_print_help(void);
void vl_print_version(void);

/* Parses 8-4-4-4-12 hex; false on a bad format. */
bool vl_parse_uuid(const char *str, uint8_t uuid[16]);

/* vl/daemonize.c: fork into the background before any thread exists;
 * the parent exits 0 once vl_daemon_ready() runs (stdio then goes to
 * /dev/null), 1 if the daemon exits first. */
void vl_daemonize(void);
bool vl_is_daemonized(void);
void vl_daemon_ready(void);
/* Creates, locks and fills the pid file; removed at exit. */
bool vl_write_pidfile(const char *path, Error **errp);

#endif
