/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kemu_main(): the command line in, a running machine out.
 *
 * Pass 1 (vl_lex_args + collect) reads every option and checks its
 * syntax, as QEMU does, so "-foo" or a malformed "-m" fails before
 * anything is built. Pass 2 builds in dependency order: logging, help
 * requests, chardevs and objects, the machine object and its properties,
 * the accelerator, the board, -device, reset, then the main loop.
 */
#include "vl/vl-internal.h"
#include "sysemu/vl-main.h"
#include "sysemu/os-sandbox.h"
#include "hw/boards.h"
#include "hw/isa.h"
#include "chardev/char.h"
#include "gdbstub/gdbstub.h"
#include "monitor/monitor.h"
#include "monitor/monitor.h"
#include "sysemu/accel.h"
#include "sysemu/blockdev.h"
#include "hw/virtio/virtio-blk.h"
#include "accel/tcg/tcg-accel.h"
#include "sysemu/qtest.h"
#include "sysemu/rtc.h"
#include "sysemu/runstate.h"
#include "sysemu/sysemu.h"
#include "target/i386/cpu.h"
#include "ui/sdl.h"
#include "ui/vnc.h"
#include "config-host.h"

#ifdef CONFIG_SDL
#define HAVE_SDL true
#else
#define HAVE_SDL false
#endif
#include "util/log.h"
#include "util/main-loop.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>

const char *qemu_name;
uint8_t qemu_uuid[16];
bool qemu_uuid_set;

static Chardev *serial_chr[MAX_SERIAL_PORTS];
static Chardev *debugcon_chr;

Chardev *serial_hd(int i)
{
    return i >= 0 && i < MAX_SERIAL_PORTS ? serial_chr[i] : NULL;
}

Chardev *debugcon_hd(void)
{
    return debugcon_chr;
}

typedef struct VlConfig {
    Opts *machine_opts;           /* all -machine options merged */
    const VlArg *machine_arg;     /* last -machine, for messages */
    GPtrArray *accels;            /* VlArg* */
    bool enable_kvm;
    const VlArg *mem_arg;
    Opts *mem_opts;
    Opts *smp_opts;
    const char *cpu_model;
    const char *kernel, *initrd, *append, *bios;
    bool nographic;
    const VlArg *display_arg;
    const VlArg *vga_arg;
    const VlArg *vnc_arg;
    bool sdl, sdl_window_close;
    GPtrArray *serials;           /* VlArg* */
    GPtrArray *monitors;          /* -monitor -mon -qmp -qmp-pretty */
    GPtrArray *chardevs, *devices, *objects, *globals;
    GPtrArray *drives;            /* -drive -blockdev -hdX -cdrom */
    GPtrArray *drive_infos;       /* the DriveInfo* made from each */
    const char *debugcon;
    bool nodefaults, start_paused;
    const char *log_items, *log_file;
    const char *qtest, *qtest_log;
    bool daemonize;
    const char *pidfile;
    SandboxConfig sandbox;
    const VlArg *sandbox_arg;
    const char *chroot_dir;
    const VlArg *gdb_arg;         /* last -gdb (-s: NULL arg) */
} VlConfig;

static KEMU_NORETURN void fail(Error *err)
{
    error_report_err(err);
    exit(1);
}

/* Parses an option's key=value list with the option as location. */
static Opts *parse_opts(const VlArg *a, const char *implied, bool flags)
{
    Error *err = NULL;
    Opts *opts;

    loc_push_option(a->typed, a->arg);
    opts = opts_parse(a->arg, implied, flags, &err);
    if (!opts) {
        fail(err);
    }
    loc_pop();
    return opts;
}

static void merge_opts(Opts **dst, Opts *src)
{
    if (!*dst) {
        *dst = src;
        return;
    }
    for (guint i = 0; i < src->pairs->len; i++) {
        OptPair *p = &g_array_index(src->pairs, OptPair, i);
        opts_set(*dst, p->key, p->value);
    }
    opts_free(src);
}

static void collect(VlConfig *c, GPtrArray *args)
{
    c->accels = g_ptr_array_new();
    c->serials = g_ptr_array_new();
    c->chardevs = g_ptr_array_new();
    c->devices = g_ptr_array_new();
    c->objects = g_ptr_array_new();
    c->globals = g_ptr_array_new();
    c->monitors = g_ptr_array_new();
    c->drives = g_ptr_array_new();
    c->drive_infos = g_ptr_array_new();

    for (guint i = 0; i < args->len; i++) {
        const VlArg *a = args->pdata[i];

        switch (a->opt->id) {
        case OPT_HELP:
            vl_print_help();
            exit(0);
        case OPT_VERSION:
            vl_print_version();
            exit(0);
        case OPT_MACHINE:
            merge_opts(&c->machine_opts, parse_opts(a, "type", false));
            c->machine_arg = a;
            break;
        case OPT_MEM:
            c->mem_opts = parse_opts(a, "size", false);
            c->mem_arg = a;
            break;
        case OPT_SMP:
            merge_opts(&c->smp_opts, parse_opts(a, "cpus", false));
            break;
        case OPT_CPU:
            c->cpu_model = a->arg;
            break;
        case OPT_ACCEL:
            g_ptr_array_add(c->accels, (gpointer)a);
            break;
        case OPT_ENABLE_KVM:
            c->enable_kvm = true;
            break;
        case OPT_SINGLESTEP:
            /* QEMU 7.2's -accel tcg,one-insn-per-tb=on */
            tcg_set_one_insn_per_tb(true);
            break;
        case OPT_KERNEL:
            c->kernel = a->arg;
            break;
        case OPT_INITRD:
            c->initrd = a->arg;
            break;
        case OPT_APPEND:
            c->append = a->arg;
            break;
        case OPT_BIOS:
            c->bios = a->arg;
            break;
        case OPT_NOGRAPHIC:
            c->nographic = true;
            break;
        case OPT_DISPLAY:
            c->display_arg = a;
            break;
        case OPT_VGA:
            c->vga_arg = a;
            break;
        case OPT_VNC:
            c->vnc_arg = a;
            break;
        case OPT_SERIAL:
            g_ptr_array_add(c->serials, (gpointer)a);
            break;
        case OPT_CHARDEV:
            g_ptr_array_add(c->chardevs, (gpointer)a);
            break;
        case OPT_DEBUGCON:
            c->debugcon = a->arg;
            break;
        case OPT_PARALLEL:
            /* The pc has no parallel port model yet: "none" (what scripts
             * pass to get rid of it) is all there is to accept. */
            if (strcmp(a->arg, "none")) {
                loc_push_option(a->typed, a->arg);
                error_report("parallel ports are not available in kemu yet; "
                             "only 'none' is accepted");
                exit(1);
            }
            break;
        case OPT_ECHR: {
            /* The mux escape (Ctrl-a by default), as a character code. */
            char *end;
            long v = strtol(a->arg, &end, 0);
            if (*end || end == a->arg || v < 0 || v > 255) {
                loc_push_option(a->typed, a->arg);
                error_report("invalid escape character '%s': expected a "
                             "character code from 0 to 255", a->arg);
                exit(1);
            }
            chr_mux_escape_char = v;
            break;
        }
        case OPT_DEVICE:
            g_ptr_array_add(c->devices, (gpointer)a);
            break;
        case OPT_DRIVE:
        case OPT_BLOCKDEV:
        case OPT_HDA:
        case OPT_HDB:
        case OPT_HDC:
        case OPT_HDD:
        case OPT_CDROM:
            g_ptr_array_add(c->drives, (gpointer)a);
            break;
        case OPT_SNAPSHOT:
            blockdev_snapshot_all = true;
            break;
        case OPT_GLOBAL:
            g_ptr_array_add(c->globals, (gpointer)a);
            break;
        case OPT_OBJECT:
            g_ptr_array_add(c->objects, (gpointer)a);
            break;
        case OPT_NO_REBOOT:
            no_reboot = true;
            break;
        case OPT_NO_SHUTDOWN:
            no_shutdown = true;
            break;
        case OPT_NAME: {
            Opts *o = parse_opts(a, "guest", false);
            Error *err = NULL;
            const char *proc = opts_get(o, "process");

            qemu_name = opts_get(o, "guest");
            opts_get_bool(o, "debug-threads", false, &err);
            loc_push_option(a->typed, a->arg);
            if (err || !opts_check_all_used(o, &err)) {
                fail(err);
            }
            loc_pop();
            if (proc) {
                prctl(PR_SET_NAME, proc);
            }
            break;
        }
        case OPT_UUID:
            if (!vl_parse_uuid(a->arg, qemu_uuid)) {
                loc_push_option(a->typed, a->arg);
                error_report("failed to parse UUID string: wrong format");
                exit(1);
            }
            qemu_uuid_set = true;
            break;
        case OPT_NODEFAULTS:
            c->nodefaults = true;
            break;
        case OPT_S:
            c->start_paused = true;
            break;
        case OPT_D:
            c->log_items = a->arg;
            break;
        case OPT_DLOG:
            c->log_file = a->arg;
            break;
        case OPT_QTEST:
            c->qtest = a->arg;
            break;
        case OPT_QTEST_LOG:
            c->qtest_log = a->arg;
            break;
        case OPT_DAEMONIZE:
            c->daemonize = true;
            chardev_stdio_disallowed = true;
            break;
        case OPT_PIDFILE:
            c->pidfile = a->arg;
            break;
        case OPT_SANDBOX: {
            Opts *o = parse_opts(a, "enable", false);
            Error *err = NULL;

            loc_push_option(a->typed, a->arg);
            if (!sandbox_parse(o, &c->sandbox, &err)) {
                fail(err);
            }
            loc_pop();
            opts_free(o);
            c->sandbox_arg = a;
            break;
        }
        case OPT_RUNAS: {
            Error *err = NULL;

            loc_push_option(a->typed, a->arg);
            if (!os_runas_parse(a->arg, &err)) {
                fail(err);
            }
            loc_pop();
            break;
        }
        case OPT_CHROOT:
            c->chroot_dir = a->arg;
            break;
        case OPT_RTC: {
            Opts *o = parse_opts(a, NULL, false);
            Error *err = NULL;

            if (opts_wants_help(o)) {
                printf("rtc options:\n  base=<str>\n  clock=<str>\n"
                       "  driftfix=<str>\n");
                exit(0);
            }
            loc_push_option(a->typed, a->arg);
            if (!rtc_parse_opts(o, &err)) {
                fail(err);
            }
            loc_pop();
            opts_free(o);
            break;
        }
        case OPT_GDB:
        case OPT_GDB_DEFAULT:
            c->gdb_arg = a;
            break;
        case OPT_MONITOR:
        case OPT_MON:
        case OPT_QMP:
        case OPT_QMP_PRETTY:
            /* One list, in command-line order: compat_monitorN labels. */
            g_ptr_array_add(c->monitors, (gpointer)a);
            break;
        }
    }
}

static bool is_help(const char *s)
{
    return s && (!strcmp(s, "help") || !strcmp(s, "?"));
}

/* ---- logging, display, help requests ---- */

static void setup_logging(VlConfig *c)
{
    Error *err = NULL;

    if (c->log_items) {
        int mask;
        if (is_help(c->log_items)) {
            log_print_help();
            exit(0);
        }
        mask = log_parse_items(c->log_items, &err);
        if (err) {
            loc_push_option("-d", c->log_items);
            fail(err);
        }
        log_set_mask(mask);
    }
    if (c->log_file && !log_set_file(c->log_file, &err)) {
        loc_push_option("-D", c->log_file);
        fail(err);
    }
}

static void setup_display(VlConfig *c, MachineState *ms)
{
    static const char *const known[] = {
        "none", "gtk", "sdl", "curses", "vnc", "egl-headless", "spice-app",
        "dbus", "cocoa", "default",
    };
    const char *type;
    size_t i;

    if (c->nographic) {
        ms->graphics = false;
    }
    if (!c->display_arg) {
        return;
    }
    type = c->display_arg->arg;
    if (is_help(type)) {
        printf("Available display backend types:\nnone\n%s",
               HAVE_SDL ? "sdl\n" : "");
        exit(0);
    }
    g_autofree char *name = g_strndup(type, strcspn(type, ","));
    for (i = 0; i < ARRAY_SIZE(known) && strcmp(known[i], name); i++) {
    }
    if (i == ARRAY_SIZE(known)) {
        loc_push_option(c->display_arg->typed, type);
        error_report("Parameter 'type' does not accept value '%s'", name);
        exit(1);
    }
    if (!strcmp(name, "sdl") && HAVE_SDL) {
        g_auto(GStrv) opts = g_strsplit(type, ",", -1);
        c->sdl = true;
        c->sdl_window_close = true;
        loc_push_option(c->display_arg->typed, type);
        for (int i = 1; opts[i]; i++) {
            if (!strcmp(opts[i], "window-close=on")) {
                c->sdl_window_close = true;
            } else if (!strcmp(opts[i], "window-close=off")) {
                c->sdl_window_close = false;
            } else if (!strncmp(opts[i], "gl=", 3) &&
                       !strcmp(opts[i] + 3, "off")) {
                /* no OpenGL anyway */
            } else {
                g_autofree char *key = g_strndup(opts[i],
                                                 strcspn(opts[i], "="));
                error_report("Invalid parameter '%s'", key);
                exit(1);
            }
        }
        loc_pop();
        return;
    }
    if (strcmp(name, "none")) {
        error_report("Display '%s' is not available.", name);
        exit(1);
    }
    ms->graphics = false;
}

/* -vga TYPE: what the board's default display card is. */
static void setup_vga(VlConfig *c, MachineState *ms)
{
    static const char *const unavailable[][2] = {
        { "cirrus", "Cirrus VGA" }, { "vmware", "VMWare SVGA" },
        { "qxl", "QXL VGA" }, { "virtio", "Virtio VGA" },
        { "xenfb", "Xen paravirtualized framebuffer" },
        { "tcx", "TCX framebuffer" }, { "cg3", "CG3 framebuffer" },
    };
    const char *type;

    if (!c->vga_arg) {
        return;
    }
    type = c->vga_arg->arg;
    if (is_help(type)) {
        printf("%-20s %s\n%-20s %s\n", "none", "no graphic card",
               "std", "standard VGA (default)");
        exit(0);
    }
    loc_push_option(c->vga_arg->typed, type);
    for (size_t i = 0; i < ARRAY_SIZE(unavailable); i++) {
        if (!strcmp(type, unavailable[i][0])) {
            error_report("%s not available", unavailable[i][1]);
            exit(1);
        }
    }
    if (strcmp(type, "std") && strcmp(type, "none")) {
        error_report("unknown vga type: %s", type);
        exit(1);
    }
    loc_pop();
    g_free(ms->vga_type);
    ms->vga_type = g_strdup(type);
}

static void handle_help_requests(VlConfig *c)
{
    for (guint i = 0; i < c->accels->len; i++) {
        const VlArg *a = c->accels->pdata[i];
        if (is_help(a->arg)) {
            accel_print_list(stdout);
            exit(0);
        }
    }
    if (is_help(c->cpu_model)) {
        x86_cpu_list(stdout);
        exit(0);
    }
    for (guint i = 0; i < c->devices->len; i++) {
        const VlArg *a = c->devices->pdata[i];
        Opts *o = parse_opts(a, "driver", false);
        const char *drv = opts_get(o, "driver");
        Error *err = NULL;

        if (is_help(drv)) {
            qdev_print_device_list(stdout);
            exit(0);
        }
        if (drv && opts_wants_help(o)) {
            loc_push_option(a->typed, a->arg);
            if (!qdev_print_device_props(stdout, drv, &err)) {
                fail(err);
            }
            exit(0);
        }
        opts_free(o);
    }
    for (guint i = 0; i < c->chardevs->len; i++) {
        const VlArg *a = c->chardevs->pdata[i];
        if (is_help(a->arg)) {
            chardev_print_backends(stdout);
            exit(0);
        }
    }
    for (guint i = 0; i < c->objects->len; i++) {
        const VlArg *a = c->objects->pdata[i];
        Opts *o = parse_opts(a, "qom-type", false);
        const char *type = opts_get(o, "qom-type");
        if (type && !is_help(type) && opts_wants_help(o)) {
            ObjectClass *k = object_class_by_name(type);
            if (!k || object_class_is_abstract(k) ||
                !object_class_dynamic_cast(k, TYPE_USER_CREATABLE)) {
                loc_push_option(a->typed, a->arg);
                error_report("Parameter 'qom-type' does not accept value "
                             "'%s'", type);
                exit(1);
            }
            object_class_print_props(stdout, k);
            exit(0);
        }
        opts_free(o);
        if (is_help(a->arg)) {
            GSList *l = object_class_get_list_sorted(TYPE_USER_CREATABLE,
                                                     false);
            printf("List of user creatable objects:\n");
            for (GSList *e = l; e; e = e->next) {
                printf("  %s\n", object_class_get_name(e->data));
            }
            g_slist_free(l);
            exit(0);
        }
    }
}

/* ---- chardevs, serial ports, objects, globals ---- */

static void create_chardevs(VlConfig *c)
{
    for (guint i = 0; i < c->chardevs->len; i++) {
        const VlArg *a = c->chardevs->pdata[i];
        Opts *o = parse_opts(a, "backend", true);
        Error *err = NULL;

        loc_push_option(a->typed, a->arg);
        if (!chardev_new_from_opts(o, &err)) {
            fail(err);
        }
        loc_pop();
        opts_free(o);
    }
}

static Chardev *legacy_chardev(const char *typed, const char *label,
                               const char *spec)
{
    Error *err = NULL;
    Chardev *chr;

    loc_push_option(typed, spec);
    chr = chardev_new_legacy(label, spec, &err);
    if (!chr) {
        fail(err);
    }
    loc_pop();
    return chr;
}

static void create_serials(VlConfig *c)
{
    int port = 0;

    if (!c->serials->len && !c->nodefaults) {
        /* QEMU's default: the terminal with -nographic, else a virtual
         * console, which is nothing without a display. */
        serial_chr[0] = legacy_chardev("-serial", "serial0",
                                       !c->nographic ? "null" :
                                       c->monitors->len ? "stdio" :
                                       "mon:stdio");
        return;
    }
    for (guint i = 0; i < c->serials->len; i++) {
        const VlArg *a = c->serials->pdata[i];
        g_autofree char *label = g_strdup_printf("serial%d", port);

        if (!strcmp(a->arg, "none")) {
            continue;
        }
        if (port >= MAX_SERIAL_PORTS) {
            loc_push_option(a->typed, a->arg);
            error_report("too many serial ports (at most %d)",
                         MAX_SERIAL_PORTS);
            exit(1);
        }
        serial_chr[port++] = legacy_chardev(a->typed, label, a->arg);
    }
}

static void create_objects(VlConfig *c)
{
    for (guint i = 0; i < c->globals->len; i++) {
        const VlArg *a = c->globals->pdata[i];
        Error *err = NULL;

        loc_push_option(a->typed, a->arg);
        if (!object_register_global_str(a->arg, &err)) {
            fail(err);
        }
        loc_pop();
    }
    for (guint i = 0; i < c->objects->len; i++) {
        const VlArg *a = c->objects->pdata[i];
        Opts *o = parse_opts(a, "qom-type", false);
        const char *type = opts_get(o, "qom-type");
        const char *id = opts_get(o, "id");
        GArray *props = g_array_new(false, false, sizeof(OptPair));
        Error *err = NULL;

        loc_push_option(a->typed, a->arg);
        if (!type) {
            error_report("Parameter 'qom-type' is missing");
            exit(1);
        }
        if (!id) {
            error_report("Parameter 'id' is missing");
            exit(1);
        }
        for (guint j = 0; j < o->pairs->len; j++) {
            OptPair *p = &g_array_index(o->pairs, OptPair, j);
            if (strcmp(p->key, "qom-type") && strcmp(p->key, "id")) {
                g_array_append_val(props, *p);
            }
        }
        if (!object_class_dynamic_cast(object_class_by_name(type),
                                       TYPE_USER_CREATABLE)) {
            error_report("Parameter 'qom-type' does not accept value '%s'",
                         type);
            exit(1);
        }
        if (object_property_find(object_get_objects_root(), id)) {
            error_report("Duplicate ID '%s' for object", id);   /* QEMU's */
            exit(1);
        }
        if (!user_creatable_add(type, id, props, &err)) {
            fail(err);
        }
        loc_pop();
        g_array_free(props, true);
    }
}

/* ---- the machine ---- */

static MachineClass *select_machine(VlConfig *c)
{
    const char *type = c->machine_opts ?
                       opts_get(c->machine_opts, "type") : NULL;
    MachineClass *mc;

    if (is_help(type)) {
        machine_print_list(stdout);
        exit(0);
    }
    mc = type ? machine_find_class(type) : machine_default_class();
    if (!mc) {
        if (!type) {
            error_report("No machine specified, and there is no default");
        } else {
            error_report("unsupported machine type");
        }
        fprintf(stderr, "Use -machine help to list supported machines\n");
        exit(1);
    }
    if (c->machine_opts && opts_wants_help(c->machine_opts)) {
        machine_print_props(stdout, mc);
        exit(0);
    }
    if (mc->not_built) {
        loc_push_option(c->machine_arg->typed, c->machine_arg->arg);
        error_report("machine type '%s' is not built yet", type);
        exit(1);
    }
    return mc;
}

static void apply_machine_props(VlConfig *c, MachineState *ms)
{
    Error *err = NULL;

    for (guint i = 0; c->machine_opts && i < c->machine_opts->pairs->len;
         i++) {
        OptPair *p = &g_array_index(c->machine_opts->pairs, OptPair, i);
        if (!strcmp(p->key, "type")) {
            continue;
        }
        if (!machine_set_property(ms, p->key, p->value, &err)) {
            fail(err);
        }
    }
}

static void apply_memory(VlConfig *c, MachineState *ms)
{
    Opts *o = c->mem_opts;
    Error *err = NULL;
    uint64_t size = ms->ram_size;

    if (!o) {
        ms->maxram_size = ms->ram_size;
        return;
    }
    loc_push_option(c->mem_arg->typed, c->mem_arg->arg);
    const char *s = opts_get(o, "size");
    if (s) {
        if (!parse_size(s, &size, 'M', "size", &err) || !*s) {
            error_free(err);
            error_report("Parameter 'size' expects a non-negative number "
                         "below 2^64");
            fprintf(stderr, "Optional suffix k, M, G, T, P or E means kilo-,"
                    " mega-, giga-, tera-, peta-\n"
                    "and exabytes, respectively.\n");
            exit(1);
        }
        if (size == 0) {
            size = ms->ram_size;   /* QEMU: 0 keeps the default */
        }
    }
    uint64_t slots = opts_get_number(o, "slots", 0, &err);
    if (err) {
        error_free(err);
        error_report("Parameter 'slots' expects a number");
        exit(1);
    }
    uint64_t maxmem = size;
    bool has_maxmem = opts_has(o, "maxmem");
    if (has_maxmem) {
        if (!parse_size(opts_get(o, "maxmem"), &maxmem, 'B', "maxmem",
                        &err)) {
            fail(err);
        }
    }
    if (!opts_check_all_used(o, &err)) {
        fail(err);
    }
    loc_pop();
    if (has_maxmem && maxmem < size) {
        error_report("invalid value of maxmem: maximum memory size "
                     "(0x%" PRIx64 ") must be at least the initial memory "
                     "size (0x%" PRIx64 ")", maxmem, size);
        exit(1);
    }
    if (opts_has(o, "slots") && !has_maxmem) {
        error_report("slots specified but no max-size");
        exit(1);
    }
    ms->ram_size = size;
    ms->maxram_size = maxmem;
    ms->ram_slots = slots;
}

static void configure_machine(VlConfig *c, MachineClass *mc,
                              MachineState *ms)
{
    Error *err = NULL;

    apply_machine_props(c, ms);
    apply_memory(c, ms);
    if (!machine_parse_smp(&ms->smp, c->smp_opts, mc->max_cpus,
                           mc->name, &err)) {
        fail(err);
    }
    if (c->cpu_model) {
        g_free(ms->cpu_model);
        ms->cpu_model = g_strdup(c->cpu_model);
    }
    if (!c->kernel && !ms->kernel_filename) {
        if (c->append || ms->kernel_cmdline) {
            error_report("-append only allowed with -kernel option");
            exit(1);
        }
        if (c->initrd || ms->initrd_filename) {
            error_report("-initrd only allowed with -kernel option");
            exit(1);
        }
    }
#define SET_STR(field, val) \
    if (val) { g_free(ms->field); ms->field = g_strdup(val); }
    SET_STR(kernel_filename, c->kernel);
    SET_STR(initrd_filename, c->initrd);
    SET_STR(kernel_cmdline, c->append);
    SET_STR(firmware, c->bios);
#undef SET_STR
    if (ms->kernel_filename) {
        int fd = open(ms->kernel_filename, O_RDONLY);
        if (fd < 0) {
            error_report("could not open kernel file '%s': %s",
                         ms->kernel_filename, strerror(errno));
            exit(1);
        }
        close(fd);
    }
    ms->nodefaults = c->nodefaults;
    setup_display(c, ms);
    setup_vga(c, ms);
}

/* ---- accelerators ---- */

typedef struct AccelChoice {
    char *name;
    const VlArg *arg;       /* -accel option, NULL for other sources */
    Opts *opts;
} AccelChoice;

static GArray *accel_choices(VlConfig *c, MachineState *ms)
{
    GArray *list = g_array_new(false, true, sizeof(AccelChoice));
    AccelChoice ch = { 0 };

    if (ms->accel && c->accels->len) {
        error_report("The -accel and \"-machine accel=\" options are "
                     "incompatible");
        exit(1);
    }
    for (guint i = 0; i < c->accels->len; i++) {
        const VlArg *a = c->accels->pdata[i];
        ch.arg = a;
        ch.opts = parse_opts(a, "accel", false);
        ch.name = g_strdup(opts_get(ch.opts, "accel"));
        g_array_append_val(list, ch);
    }
    if (ms->accel) {
        g_auto(GStrv) names = g_strsplit(ms->accel, ":", -1);
        for (int i = 0; names[i]; i++) {
            AccelChoice m = { .name = g_strdup(names[i]) };
            g_array_append_val(list, m);
        }
    }
    if (c->enable_kvm) {
        AccelChoice k = { .name = g_strdup("kvm") };
        g_array_append_val(list, k);
    }
    return list;
}

static void accel_apply_props(const AccelOps *ops, AccelChoice *ch,
                              MachineState *ms)
{
    Error *err = NULL;

    if (!ch->opts) {
        return;
    }
    loc_push_option(ch->arg->typed, ch->arg->arg);
    if (opts_wants_help(ch->opts)) {
        if (ops->print_props) {
            ops->print_props(stdout);
        } else {
            printf("%s-accel options:\n", ops->name);
        }
        exit(0);
    }
    for (guint i = 0; i < ch->opts->pairs->len; i++) {
        OptPair *p = &g_array_index(ch->opts->pairs, OptPair, i);
        if (!strcmp(p->key, "accel")) {
            continue;
        }
        if (!strcmp(p->key, "kernel-irqchip")) {
            /* One switch for both places QEMU accepts it. */
            if (!machine_set_property(ms, p->key, p->value, &err)) {
                fail(err);
            }
        } else if (!ops->set_property) {
            error_report("Property '%s-accel.%s' not found", ops->name,
                         p->key);
            exit(1);
        } else if (!ops->set_property(p->key, p->value, &err)) {
            fail(err);
        }
    }
    loc_pop();
}

/* How QEMU names accelerators in its fall-back messages. */
static const char *accel_display_name(const char *name)
{
    if (!strcmp(name, "kvm")) {
        return "KVM";
    }
    if (!strcmp(name, "qtest")) {
        return "QTest";
    }
    return name;
}

/* Sets ops up as the current accelerator; on failure reports it as
 * QEMU does ("failed to initialize kvm: ...") and returns false. */
static bool accel_try(const AccelOps *ops, AccelChoice *ch, MachineState *ms)
{
    Error *err = NULL;

    accel_apply_props(ops, ch, ms);
    accel_set_current(ops);
    if (!ops->init_machine || ops->init_machine(ms, &err)) {
        return true;
    }
    accel_set_current(NULL);
    if (ch->arg) {
        loc_push_option(ch->arg->typed, ch->arg->arg);
    }
    error_report("failed to initialize %s: %s", ops->name,
                 error_get_pretty(err));
    error_free(err);
    if (ch->arg) {
        loc_pop();
    }
    return false;
}

/*
 * No accelerator named: the first of these that the host offers. KVM
 * where /dev/kvm exists, else TCG (QEMU's choice when it runs as
 * qemu-kvm); one that is not built in is passed over, so TCG becomes
 * the fall-back as soon as it registers itself.
 */
static const struct {
    const char *name;
    const char *remedy;     /* what gives the host this accelerator */
} default_accels[] = {
    { "kvm", "load the kvm_intel or kvm_amd module" },
    { "tcg", NULL },
};

static void configure_default_accel(MachineState *ms)
{
    g_autoptr(GString) why = g_string_new(NULL);
    g_autoptr(GString) todo = g_string_new(NULL);
    bool failed = false;

    for (size_t i = 0; i < ARRAY_SIZE(default_accels); i++) {
        const char *name = default_accels[i].name;
        const AccelOps *ops = accel_find(name);
        AccelChoice ch = { .name = (char *)name };
        g_autofree char *upper = g_ascii_strup(name, -1);
        Error *err = NULL;

        g_string_append(why, why->len ? " and " : "");
        if (!ops) {
            g_string_append_printf(why, "this kemu has no %s", upper);
            continue;
        }
        if (ops->available && !ops->available(&err)) {
            g_string_append_printf(why, "%s is missing (%s)", upper,
                                   error_get_pretty(err));
            error_free(err);
            if (default_accels[i].remedy) {
                g_string_append_printf(todo, "%s, or ",
                                       default_accels[i].remedy);
            }
            continue;
        }
        if (accel_try(ops, &ch, ms)) {
            if (failed) {
                error_report("falling back to %s",
                             accel_display_name(ops->name));
            }
            return;
        }
        failed = true;
        g_string_append_printf(why, "%s failed", upper);
    }
    error_report("no accelerator is available: %s; %spass -accel qtest to "
                 "run without a guest CPU", why->str, todo->str);
    exit(1);
}

static void configure_accel(VlConfig *c, MachineState *ms)
{
    GArray *list = accel_choices(c, ms);
    bool failed = false;

    if (!list->len) {
        if (c->qtest) {
            /* -qtest alone implies the qtest accelerator. */
            AccelChoice q = { .name = g_strdup("qtest") };
            g_array_append_val(list, q);
        } else {
            configure_default_accel(ms);
            return;
        }
    }
    for (guint i = 0; i < list->len; i++) {
        AccelChoice *ch = &g_array_index(list, AccelChoice, i);
        const AccelOps *ops = accel_find(ch->name);

        if (!ops) {
            /* As QEMU: an unknown name is reported and the next one
             * tried; a fall-back is announced only once it worked. */
            if (ch->arg) {
                loc_push_option(ch->arg->typed, ch->arg->arg);
            }
            error_report("invalid accelerator %s", ch->name);
            if (ch->arg) {
                loc_pop();
            }
            failed = true;
            continue;
        }
        if (accel_try(ops, ch, ms)) {
            if (failed) {
                error_report("falling back to %s",
                             accel_display_name(ops->name));
            }
            return;
        }
        failed = true;
    }
    exit(1);
}

/* ---- devices ---- */

/* Drives open before the board, which claims the IDE ones it wires. */
static void create_drives(VlConfig *c)
{
    for (guint i = 0; i < c->drives->len; i++) {
        const VlArg *a = c->drives->pdata[i];
        Error *err = NULL;
        DriveInfo *di;
        Opts *o;

        if (a->opt->id == OPT_DRIVE || a->opt->id == OPT_BLOCKDEV) {
            o = parse_opts(a, NULL, false);
        } else {
            /* -hda..-hdd are IDE indexes 0..3, -cdrom is index 2. */
            bool cd = a->opt->id == OPT_CDROM;
            char idx[2] = { cd ? '2' : '0' + (a->opt->id - OPT_HDA), 0 };
            o = opts_new();
            opts_set(o, "file", a->arg);
            opts_set(o, "index", idx);
            opts_set(o, "media", cd ? "cdrom" : "disk");
        }
        loc_push_option(a->typed, a->arg);
        di = a->opt->id == OPT_BLOCKDEV ? blockdev_new(o, &err)
                                        : drive_new(o, IF_IDE, &err);
        if (!di) {
            fail(err);
        }
        g_ptr_array_add(c->drive_infos, di);
        loc_pop();
        opts_free(o);
    }
}

static void check_orphaned_drives(VlConfig *c)
{
    Error *err = NULL;
    DriveInfo *di = drive_check_orphaned(&err);

    for (guint i = 0; di && i < c->drive_infos->len; i++) {
        if (c->drive_infos->pdata[i] == di) {
            const VlArg *a = c->drives->pdata[i];
            loc_push_option(a->typed, a->arg);
        }
    }
    if (di) {
        fail(err);
    }
}

/* -drive if=virtio: devices after the user's -device, as in QEMU. */
static void create_virtio_drives(void)
{
    Error *err = NULL;

    if (!virtio_blk_create_for_drives(&err)) {
        fail(err);
    }
}

static void create_devices(VlConfig *c)
{
    for (guint i = 0; i < c->devices->len; i++) {
        const VlArg *a = c->devices->pdata[i];
        Opts *o = parse_opts(a, "driver", false);
        Error *err = NULL;

        loc_push_option(a->typed, a->arg);
        if (!qdev_device_add(o, &err)) {
            fail(err);
        }
        loc_pop();
        opts_free(o);
    }
}

/* The board creates /machine/debugcon when it knows -debugcon; if it
 * does not, plug one in here so the option always works. */
static void create_debugcon(MachineState *ms)
{
    Error *err = NULL;
    DeviceState *dev;

    if (!debugcon_chr || object_resolve_path("/machine/debugcon", NULL)) {
        return;
    }
    dev = qdev_try_new("isa-debugcon", &err);
    if (!dev) {
        fail(err);
    }
    loc_push_option("-debugcon", debugcon_chr->filename);
    if (!object_property_parse(OBJECT(dev), "chardev", debugcon_chr->label,
                               &err) ||
        !object_property_add_child(OBJECT(ms), "debugcon", OBJECT(dev),
                                   &err) ||
        !qdev_realize_and_unref(dev, BUS(isa_bus_get_default()), &err)) {
        fail(err);
    }
    loc_pop();
}

/* A monitor whose chardev exists but which is not greeting anyone yet. */
typedef struct PendingMonitor {
    const VlArg *arg;
    Chardev *chr;
    bool qmp, pretty;
} PendingMonitor;

static GArray *pending_monitors;

/* -monitor DEV, -qmp DEV, -qmp-pretty DEV, -mon chardev=ID,mode=...:
 * the chardevs now, with the other backends; the monitors themselves
 * once the accelerator works (create_monitors), so that nobody gets a
 * banner or a QMP greeting from a kemu about to fail, as in QEMU. */
static void prepare_monitors(VlConfig *c)
{
    int n = 0;

    pending_monitors = g_array_new(false, true, sizeof(PendingMonitor));
    for (guint i = 0; i < c->monitors->len; i++) {
        const VlArg *a = c->monitors->pdata[i];
        PendingMonitor pm = {
            .arg = a,
            .qmp = a->opt->id == OPT_QMP || a->opt->id == OPT_QMP_PRETTY,
            .pretty = a->opt->id == OPT_QMP_PRETTY,
        };
        Error *err = NULL;

        if (a->opt->id == OPT_MON) {
            Opts *o = parse_opts(a, "chardev", false);
            const char *id = opts_get(o, "chardev");
            const char *mode = opts_get(o, "mode");

            loc_push_option(a->typed, a->arg);
            pm.pretty = opts_get_bool(o, "pretty", false, &err);
            if (err) {
                fail(err);
            }
            if (mode && strcmp(mode, "readline") && strcmp(mode, "control")) {
                error_report("unknown monitor mode \"%s\"", mode);
                exit(1);
            }
            pm.qmp = mode && !strcmp(mode, "control");
            if (!id) {
                error_report("Parameter 'chardev' is missing");
                exit(1);
            }
            pm.chr = chardev_find(id);
            if (!pm.chr) {
                error_report("chardev \"%s\" not found", id);
                exit(1);
            }
            loc_pop();
        } else {
            g_autofree char *label = g_strdup_printf("compat_monitor%d", n++);
            if (!strcmp(a->arg, "none")) {
                continue;
            }
            pm.chr = legacy_chardev(a->typed, label, a->arg);
        }
        g_array_append_val(pending_monitors, pm);
    }
}

static void create_monitors(void)
{
    for (guint i = 0; i < pending_monitors->len; i++) {
        PendingMonitor *pm = &g_array_index(pending_monitors,
                                            PendingMonitor, i);
        Error *err = NULL;
        Monitor *mon;

        loc_push_option(pm->arg->typed, pm->arg->arg);
        mon = pm->qmp ? monitor_new_qmp(pm->chr, pm->pretty, &err)
                      : monitor_new_hmp(pm->chr, &err);
        if (!mon) {
            fail(err);
        }
        loc_pop();
    }
    g_array_free(pending_monitors, true);
    pending_monitors = NULL;
}

/* After the board: the UART attached to the mux first, and keeps the
 * input focus (Ctrl-a c reaches the monitor), as in QEMU. */
static void create_mux_monitors(VlConfig *c)
{
    for (int i = 0; i < MAX_SERIAL_PORTS; i++) {
        Error *err = NULL;
        const char *spec = NULL;
        CharFrontend *focused = serial_chr[i] ? serial_chr[i]->fe : NULL;

        if (i < (int)c->serials->len) {
            spec = ((const VlArg *)c->serials->pdata[i])->arg;
        } else if (i == 0 && !c->serials->len && serial_chr[0] &&
                   chr_is_mux(serial_chr[0])) {
            spec = "mon:";      /* -nographic's default */
        }
        if (serial_chr[i] && spec && g_str_has_prefix(spec, "mon:")) {
            if (!monitor_new_hmp(serial_chr[i], &err)) {
                fail(err);
            }
            if (focused) {
                chr_fe_take_focus(focused);
            }
        }
    }
}

/* -gdb DEV / -s (tcp::1234): after the vCPUs exist, before they run. */
static void start_gdbstub(VlConfig *c)
{
    const VlArg *a = c->gdb_arg;
    const char *dev;
    Error *err = NULL;

    if (!a) {
        return;
    }
    dev = a->arg ? a->arg : "tcp::1234";
    loc_push_option(a->typed, a->arg);
    if (!gdbserver_start(dev, &err)) {
        fail(err);
    }
    loc_pop();
}

void kemu_init(int argc, char **argv)
{
    VlConfig cfg = { 0 };
    MachineClass *mc;
    MachineState *ms;
    const AccelOps *ops;
    Error *err = NULL;

    /* From the start, as QEMU: help or a list printed into a closed pipe
     * ("-h | head -1") ends with status 0, not with SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);

    GPtrArray *args = vl_lex_args(argc, argv);
    collect(&cfg, args);

    setup_logging(&cfg);
    handle_help_requests(&cfg);
    mc = select_machine(&cfg);

    /* Before any thread exists; later errors still reach the terminal
     * until vl_daemon_ready(). */
    if (cfg.daemonize) {
        if (cfg.nographic) {
            error_report("-nographic cannot be used with -daemonize");
            exit(1);
        }
        vl_daemonize();
    }
    if (cfg.pidfile && !vl_write_pidfile(cfg.pidfile, &err)) {
        error_prepend(&err, "cannot create PID file: ");
        fail(err);
    }
    /* After the daemon's fork (spawn=deny allows -daemonize, as in
     * QEMU), before anything the guest or a client can reach exists. */
    if (cfg.sandbox_arg) {
        loc_push_option(cfg.sandbox_arg->typed, cfg.sandbox_arg->arg);
        if (!sandbox_install(&cfg.sandbox, &err)) {
            fail(err);
        }
        loc_pop();
    }

    main_loop_init();
    runstate_init_signals();
    memory_init();
    bql_lock();   /* the main thread holds the BQL except while polling */

    create_chardevs(&cfg);
    create_serials(&cfg);
    prepare_monitors(&cfg);
    if (cfg.debugcon) {
        debugcon_chr = legacy_chardev("-debugcon", "debugcon", cfg.debugcon);
    }
    create_objects(&cfg);
    create_drives(&cfg);

    ms = machine_create(mc, &err);
    if (!ms) {
        fail(err);
    }
    configure_machine(&cfg, mc, ms);
    configure_accel(&cfg, ms);
    ops = current_accel();

    if (cfg.qtest && !qtest_server_init(cfg.qtest, cfg.qtest_log, &err)) {
        error_report("%s", error_get_pretty(err));
        error_report("Failed to initialize device for qtest: \"%s\"",
                     cfg.qtest);
        exit(1);
    }
    create_monitors();

    mc->init(ms);
    create_mux_monitors(&cfg);
    create_debugcon(ms);
    create_devices(&cfg);
    create_virtio_drives();
    check_orphaned_drives(&cfg);
    if (ops->setup_post && !ops->setup_post(ms, &err)) {
        fail(err);
    }
    qemu_devices_reset();
    if (cfg.sdl && !sdl_display_init(cfg.sdl_window_close, &err)) {
        fail(err);
    }
    if (cfg.vnc_arg) {
        loc_push_option(cfg.vnc_arg->typed, cfg.vnc_arg->arg);
        if (!vnc_display_init(cfg.vnc_arg->arg, &err)) {
            fail(err);
        }
        loc_pop();
    }
    start_gdbstub(&cfg);

    if (cfg.start_paused) {
        runstate_set(RUN_STATE_PRELAUNCH);
    } else {
        vm_start();
    }
    os_confine(cfg.chroot_dir);
    vl_daemon_ready();
}

int kemu_main(int argc, char **argv)
{
    int status;

    kemu_init(argc, argv);
    status = main_loop_run_vm();

    vm_stop(RUN_STATE_SHUTDOWN);
    object_globals_check_unused();
    chr_flush_all_blocking();
    bql_unlock();
    exit(status);
}
