/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The option table and the argv lexer. Options start with one or two
 * dashes; an option with an argument takes the next argv element as is
 * (it may start with a dash itself, like "-append -v").
 */
#include "vl/vl-internal.h"
#include "util/error.h"

static const VlOption vl_options[] = {
    { "h", false, OPT_HELP },
    { "help", false, OPT_HELP },
    { "version", false, OPT_VERSION },
    { "machine", true, OPT_MACHINE },
    { "M", true, OPT_MACHINE },
    { "m", true, OPT_MEM },
    { "smp", true, OPT_SMP },
    { "cpu", true, OPT_CPU },
    { "accel", true, OPT_ACCEL },
    { "enable-kvm", false, OPT_ENABLE_KVM },
    { "singlestep", false, OPT_SINGLESTEP },
    { "kernel", true, OPT_KERNEL },
    { "initrd", true, OPT_INITRD },
    { "append", true, OPT_APPEND },
    { "bios", true, OPT_BIOS },
    { "nographic", false, OPT_NOGRAPHIC },
    { "display", true, OPT_DISPLAY },
    { "vga", true, OPT_VGA },
    { "vnc", true, OPT_VNC },
    { "serial", true, OPT_SERIAL },
    { "chardev", true, OPT_CHARDEV },
    { "debugcon", true, OPT_DEBUGCON },
    { "echr", true, OPT_ECHR },
    { "parallel", true, OPT_PARALLEL },
    { "device", true, OPT_DEVICE },
    { "global", true, OPT_GLOBAL },
    { "object", true, OPT_OBJECT },
    { "no-reboot", false, OPT_NO_REBOOT },
    { "no-shutdown", false, OPT_NO_SHUTDOWN },
    { "name", true, OPT_NAME },
    { "uuid", true, OPT_UUID },
    { "nodefaults", false, OPT_NODEFAULTS },
    { "S", false, OPT_S },
    { "s", false, OPT_GDB_DEFAULT },
    { "gdb", true, OPT_GDB },
    { "d", true, OPT_D },
    { "D", true, OPT_DLOG },
    { "qtest", true, OPT_QTEST },
    { "qtest-log", true, OPT_QTEST_LOG },
    { "qmp", true, OPT_QMP },
    { "qmp-pretty", true, OPT_QMP_PRETTY },
    { "monitor", true, OPT_MONITOR },
    { "mon", true, OPT_MON },
    { "daemonize", false, OPT_DAEMONIZE },
    { "pidfile", true, OPT_PIDFILE },
    { "sandbox", true, OPT_SANDBOX },
    { "runas", true, OPT_RUNAS },
    { "chroot", true, OPT_CHROOT },
    { "drive", true, OPT_DRIVE },
    { "blockdev", true, OPT_BLOCKDEV },
    { "hda", true, OPT_HDA },
    { "hdb", true, OPT_HDB },
    { "hdc", true, OPT_HDC },
    { "hdd", true, OPT_HDD },
    { "cdrom", true, OPT_CDROM },
    { "snapshot", false, OPT_SNAPSHOT },
    { "rtc", true, OPT_RTC },
};

static const VlOption *vl_find_option(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(vl_options); i++) {
        if (!strcmp(vl_options[i].name, name)) {
            return &vl_options[i];
        }
    }
    return NULL;
}

GPtrArray *vl_lex_args(int argc, char **argv)
{
    GPtrArray *args = g_ptr_array_new_with_free_func(g_free);

    for (int i = 1; i < argc; i++) {
        const char *typed = argv[i];
        const char *name = typed;
        const VlOption *opt;
        VlArg *a;

        if (name[0] != '-' || !name[1]) {
            /* QEMU takes a bare word as the image of IDE disk 0 (-hda). */
            static const VlOption hda = { "hda", true, OPT_HDA };
            a = g_new0(VlArg, 1);
            a->opt = &hda;
            a->typed = "-hda";
            a->arg = typed;
            g_ptr_array_add(args, a);
            continue;
        }
        name++;
        if (name[0] == '-') {
            name++;
        }
        opt = vl_find_option(name);
        if (!opt) {
            error_report("%s: invalid option", typed);
            exit(1);
        }
        a = g_new0(VlArg, 1);
        a->opt = opt;
        a->typed = typed;
        if (opt->has_arg) {
            if (i + 1 >= argc) {
                error_report("%s: requires an argument", typed);
                exit(1);
            }
            a->arg = argv[++i];
        }
        g_ptr_array_add(args, a);
    }
    return args;
}

bool vl_parse_uuid(const char *str, uint8_t uuid[16])
{
    static const int group_len[] = { 8, 4, 4, 4, 12 };
    const char *p = str;
    int n = 0;

    for (int g = 0; g < 5; g++) {
        for (int i = 0; i < group_len[g]; i += 2) {
            if (!g_ascii_isxdigit(p[0]) || !g_ascii_isxdigit(p[1])) {
                return false;
            }
            uuid[n++] = g_ascii_xdigit_value(p[0]) << 4 |
                        g_ascii_xdigit_value(p[1]);
            p += 2;
        }
        if (g < 4 && *p++ != '-') {
            return false;
        }
    }
    return *p == '\0';
}
