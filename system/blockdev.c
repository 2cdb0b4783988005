/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -drive, -hda..-hdd, -cdrom, -snapshot and -blockdev: each becomes a
 * DriveInfo holding an open node, found later by the device that sits at
 * its interface position (if=ide,bus=1,unit=0) or names it (drive=ID).
 * Option names, defaults and error messages follow QEMU 7.2.
 */
#include "sysemu/blockdev.h"
#include "sysemu/block-backend.h"
#include "util/main-loop.h"
#include <limits.h>

bool blockdev_snapshot_all;

static GPtrArray *drives;       /* DriveInfo*, creation order */

static const char *const if_names[IF_COUNT] = {
    [IF_NONE] = "none", [IF_IDE] = "ide", [IF_VIRTIO] = "virtio",
};

const char *drive_if_name(BlockInterfaceType type)
{
    return if_names[type];
}

int drive_if_max_units(BlockInterfaceType type)
{
    /* IDE: master and slave; the rest number drives by unit alone. */
    return type == IF_IDE ? 2 : 0;
}

DriveInfo *drive_get(BlockInterfaceType type, int bus, int unit)
{
    for (guint i = 0; drives && i < drives->len; i++) {
        DriveInfo *di = drives->pdata[i];
        if (!di->is_blockdev && di->type == type && di->bus == bus &&
            di->unit == unit) {
            return di;
        }
    }
    return NULL;
}

DriveInfo *drive_get_by_id(const char *id)
{
    for (guint i = 0; drives && i < drives->len; i++) {
        DriveInfo *di = drives->pdata[i];
        if (!strcmp(di->id, id)) {
            return di;
        }
    }
    return NULL;
}

int drive_get_max_bus(BlockInterfaceType type)
{
    int max = -1;
    for (guint i = 0; drives && i < drives->len; i++) {
        DriveInfo *di = drives->pdata[i];
        if (!di->is_blockdev && di->type == type && di->bus > max) {
            max = di->bus;
        }
    }
    return max;
}

void drive_foreach(void (*fn)(DriveInfo *di, void *opaque), void *opaque)
{
    for (guint i = 0; drives && i < drives->len; i++) {
        fn(drives->pdata[i], opaque);
    }
}

void drive_close_all(void)
{
    /* Requests in flight point into these nodes: let them finish. */
    blk_drain_all();
    for (guint i = 0; drives && i < drives->len; i++) {
        DriveInfo *di = drives->pdata[i];
        if (di->bs) {
            if (!di->read_only) {
                bdrv_flush(di->bs);
            }
            bdrv_unref(di->bs);
            di->bs = NULL;
        }
    }
}

void drive_unregister(DriveInfo *di)
{
    if (drives) {
        g_ptr_array_remove(drives, di);
    }
}

void drive_info_free(DriveInfo *di)
{
    if (!di) {
        return;
    }
    bdrv_unref(di->bs);
    g_free(di->id);
    g_free(di->serial);
    g_free(di);
}

static void drive_register(DriveInfo *di)
{
    if (!drives) {
        drives = g_ptr_array_new();
        /* exit() from a signal's main-loop path runs this too. */
        kemu_atexit(drive_close_all);
    }
    g_ptr_array_add(drives, di);
}

/* cache=: what the device sees (writeback) and how the file is opened. */
static bool parse_cache(const char *s, int *flags, bool *writeback)
{
    static const struct {
        const char *name;
        int flags;
        bool writeback;
    } modes[] = {
        { "writeback", 0, true },
        { "none", BDRV_O_NOCACHE, true },
        { "writethrough", 0, false },
        { "directsync", BDRV_O_NOCACHE, false },
        { "unsafe", BDRV_O_NO_FLUSH, true },
    };
    for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
        if (!strcmp(s, modes[i].name)) {
            *flags |= modes[i].flags;
            *writeback = modes[i].writeback;
            return true;
        }
    }
    return false;
}

static bool parse_error_action(const char *s, bool is_read,
                               BlockErrorAction *out, Error **errp)
{
    static const char *const names[] = {
        [BLOCK_ERR_REPORT] = "report", [BLOCK_ERR_IGNORE] = "ignore",
        [BLOCK_ERR_ENOSPC] = "enospc", [BLOCK_ERR_STOP] = "stop",
    };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (!strcmp(s, names[i])) {
            *out = i;
            return true;
        }
    }
    error_setg(errp, "'%s' invalid %s error action", s,
               is_read ? "read" : "write");
    return false;
}

/*
 * The temporary qcow2 overlay of snapshot=on: created next to nothing
 * the user owns, unlinked once open, so writes vanish at exit.
 */
static BlockDriverState *open_snapshot_overlay(BlockDriverState *base,
                                               int flags, Error **errp)
{
    const char *dir = g_getenv("TMPDIR");
    char *path = g_strdup_printf("%s/vl.XXXXXX", dir && *dir ? dir
                                                            : "/var/tmp");
    char *real = realpath(base->filename, NULL);
    BlockDriverState *bs = NULL;
    Opts *o = opts_new();
    char size[32];
    int fd = mkstemp(path);

    if (fd < 0) {
        error_setg_errno(errp, errno, "Could not get temporary filename");
        goto out;
    }
    close(fd);
    snprintf(size, sizeof(size), "%" PRIu64, base->total_bytes);
    opts_set(o, "size", size);
    opts_set(o, "backing_file", real ? real : base->filename);
    opts_set(o, "backing_fmt", base->drv->format_name);
    if (bdrv_create(bdrv_find_format("qcow2"), path, o, errp)) {
        bs = bdrv_open(path, "qcow2", NULL, flags | BDRV_O_RDWR |
                       BDRV_O_NO_BACKING, errp);
    }
    unlink(path);
    if (bs) {
        /* The image itself, already open read-only, is the backing. */
        if (bs->backing) {
            bdrv_unref(bs->backing);
        }
        bs->backing = base;
    }
out:
    opts_free(o);
    free(real);
    g_free(path);
    return bs;
}

/*
 * bdrv_open() says "Could not open 'x': " around the protocol's own
 * "Could not open 'x': why", as qemu-img prints it; QEMU's -drive and
 * -blockdev say it once.
 */
BlockDriverState *drive_open_image(const char *filename, const char *fmt,
                                   Opts *opts, int flags, Error **errp)
{
    Error *err = NULL;
    BlockDriverState *bs = bdrv_open(filename, fmt, opts, flags, &err);

    if (!bs) {
        const char *msg = error_get_pretty(err);
        char *prefix = g_strdup_printf("Could not open '%s': ", filename);
        size_t n = strlen(prefix);

        if (!strncmp(msg, prefix, n) && !strncmp(msg + n, prefix, n)) {
            error_setg(errp, "%s", msg + n);
            error_free(err);
        } else {
            error_propagate(errp, err);
        }
        g_free(prefix);
    }
    return bs;
}

static bool check_unused(Opts *opts, const char *fmt, Error **errp)
{
    const char *key = opts_first_unused(opts);
    if (key) {
        error_setg(errp, "Block format '%s' does not support the option "
                   "'%s'", fmt, key);
        return false;
    }
    return true;
}

DriveInfo *drive_new(Opts *opts, BlockInterfaceType default_if,
                     Error **errp)
{
    Error *err = NULL;
    BlockInterfaceType type = default_if;
    const char *s;
    bool is_cdrom = false, writeback = true, read_only, snapshot;
    int flags = 0, detect_zeroes = 0, max_units;
    int64_t index = -1, bus = -1, unit = -1;
    BlockErrorAction werror = BLOCK_ERR_ENOSPC, rerror = BLOCK_ERR_REPORT;
    bool discard_unmap = false;
    DriveInfo *di;

    if ((s = opts_get(opts, "if"))) {
        int i;
        for (i = 0; i < IF_COUNT && strcmp(s, if_names[i]); i++) {
        }
        if (i == IF_COUNT) {
            error_setg(errp, "unsupported bus type '%s'", s);
            return NULL;
        }
        type = i;
    }
    if ((s = opts_get(opts, "media"))) {
        if (!strcmp(s, "cdrom")) {
            is_cdrom = true;
        } else if (strcmp(s, "disk")) {
            error_setg(errp, "'%s' invalid media", s);
            return NULL;
        }
    }
    /* Numbers as QEMU's int properties: signed, checked for range later. */
    static const char *const num_keys[] = { "index", "bus", "unit" };
    int64_t *num_vals[] = { &index, &bus, &unit };
    for (int i = 0; i < 3; i++) {
        uint64_t v;
        if ((s = opts_get(opts, num_keys[i]))) {
            if (!parse_uint64(s, &v, num_keys[i], NULL)) {
                error_setg(errp, "Parameter '%s' expects a number",
                           num_keys[i]);
                return NULL;
            }
            *num_vals[i] = v > INT_MAX ? INT64_MAX : (int64_t)v;
        }
    }
    snapshot = opts_get_bool(opts, "snapshot", blockdev_snapshot_all, &err);
    read_only = opts_get_bool(opts, "readonly", false, &err) || is_cdrom;
    if (err) {
        error_propagate(errp, err);
        return NULL;
    }
    if ((s = opts_get(opts, "cache")) && !parse_cache(s, &flags, &writeback)) {
        error_setg(errp, "invalid cache option");
        return NULL;
    }
    if ((s = opts_get(opts, "aio"))) {
        if (!strcmp(s, "threads")) {
            flags |= BDRV_O_AIO_THREADS;
        } else if (!strcmp(s, "native")) {
            if (!(flags & BDRV_O_NOCACHE)) {
                error_setg(errp, "aio=native was specified, but it requires "
                           "cache.direct=on, which was not specified.");
                return NULL;
            }
        } else if (strcmp(s, "io_uring")) {
            error_setg(errp, "invalid aio option");
            return NULL;
        }
    }
    if ((s = opts_get(opts, "discard"))) {
        if (!strcmp(s, "unmap") || !strcmp(s, "on")) {
            discard_unmap = true;
        } else if (strcmp(s, "ignore") && strcmp(s, "off")) {
            error_setg(errp, "Invalid discard option");
            return NULL;
        }
    }
    if ((s = opts_get(opts, "detect-zeroes"))) {
        if (!strcmp(s, "on")) {
            detect_zeroes = 1;
        } else if (!strcmp(s, "unmap")) {
            /* QEMU 7.2's -drive takes it without discard=unmap too; the
             * zeroes are then written, not unmapped. */
            detect_zeroes = discard_unmap ? 2 : 1;
        } else if (strcmp(s, "off")) {
            error_setg(errp, "invalid parameter value: %s", s);
            return NULL;
        }
    }
    if ((s = opts_get(opts, "werror")) &&
        !parse_error_action(s, false, &werror, errp)) {
        return NULL;
    }
    if ((s = opts_get(opts, "rerror")) &&
        !parse_error_action(s, true, &rerror, errp)) {
        return NULL;
    }

    /* Position: index= or bus=/unit=, then the first free unit. */
    max_units = drive_if_max_units(type);
    if (index != -1) {
        if (bus != -1 || unit != -1) {
            error_setg(errp, "index cannot be used with bus and unit");
            return NULL;
        }
        if (index < 0 || index > INT_MAX) {
            error_setg(errp, "Parameter 'index' expects a number");
            return NULL;
        }
        bus = max_units ? index / max_units : 0;
        unit = max_units ? index % max_units : index;
    }
    if (bus == -1) {
        bus = 0;
    }
    if (bus < 0 || bus > INT_MAX || unit < -1 || unit > INT_MAX) {
        error_setg(errp, "bus=%" PRId64 ", unit=%" PRId64 " out of range",
                   bus, unit);
        return NULL;
    }
    if (unit == -1) {
        unit = 0;
        while (drive_get(type, bus, unit)) {
            unit++;
            if (max_units && unit >= max_units) {
                unit = 0;
                bus++;
            }
        }
    }
    if (max_units && unit >= max_units) {
        error_setg(errp, "unit %" PRId64 " too big (max is %d)", unit,
                   max_units - 1);
        return NULL;
    }
    if (drive_get(type, bus, unit)) {
        error_setg(errp, "drive with bus=%" PRId64 ", unit=%" PRId64
                   " (index=%" PRId64 ") exists", bus, unit,
                   max_units ? bus * max_units + unit : unit);
        return NULL;
    }

    di = g_new0(DriveInfo, 1);
    if ((s = opts_get(opts, "id"))) {
        if (!id_wellformed(s)) {
            error_setg(errp, "Parameter 'id' expects an identifier");
            error_append_hint(errp, "Identifiers consist of letters, digits, "
                              "'-', '.', '_', starting with a letter.\n");
            g_free(di);
            return NULL;
        }
        di->id = g_strdup(s);
    } else if (max_units) {
        di->id = g_strdup_printf("%s%d%s%d", if_names[type], (int)bus,
                                 is_cdrom ? "-cd" : "-hd", (int)unit);
    } else {
        di->id = g_strdup_printf("%s%d", if_names[type], (int)unit);
    }
    if (drive_get_by_id(di->id)) {
        error_setg(errp, "Duplicate ID '%s' for drive", di->id);
        g_free(di->id);
        g_free(di);
        return NULL;
    }
    di->type = type;
    di->bus = bus;
    di->unit = unit;
    di->is_cdrom = is_cdrom;
    di->read_only = read_only;
    di->writeback = writeback;
    di->discard_unmap = discard_unmap;
    di->detect_zeroes = detect_zeroes;
    di->werror = werror;
    di->rerror = rerror;
    di->serial = g_strdup(opts_get(opts, "serial"));
    opts_get(opts, "file.locking");     /* the file driver reads it */

    s = opts_get(opts, "file");
    if (s && *s) {
        const char *fmt = opts_get(opts, "format");
        const BlockDriver *drv = fmt ? bdrv_find_format(fmt) : NULL;
        int oflags = flags | (read_only || snapshot ? 0 : BDRV_O_RDWR) |
                     (read_only || snapshot ? 0 : BDRV_O_UNSHARE_WRITE);

        if (fmt && !drv) {
            error_setg(errp, "Unknown driver '%s'", fmt);
            goto fail;
        }
        if (!check_unused(opts, fmt ? fmt : "raw", errp)) {
            goto fail;
        }
        di->bs = drive_open_image(s, fmt, opts, oflags, errp);
        if (!di->bs) {
            goto fail;
        }
        if (snapshot && !read_only) {
            BlockDriverState *top = open_snapshot_overlay(di->bs, flags,
                                                          errp);
            if (!top) {
                bdrv_unref(di->bs);
                goto fail;
            }
            di->bs = top;
        }
        di->open_flags = oflags;
    } else if (opts_first_unused(opts)) {
        /* Options for a driver, but no driver and no file. */
        error_setg(errp, "Must specify either driver or file");
        goto fail;
    }
    drive_register(di);
    return di;

fail:
    g_free(di->id);
    g_free(di->serial);
    g_free(di);
    return NULL;
}

DriveInfo *blockdev_new(Opts *opts, Error **errp)
{
    Error *err = NULL;
    const char *driver = opts_get(opts, "driver");
    const char *node = opts_get(opts, "node-name");
    const char *filename = NULL, *fmt = NULL, *s, *discard;
    g_autofree char *json_name = NULL;
    const BlockDriver *drv;
    bool read_only, direct, no_flush;
    int flags = 0;
    DriveInfo *di;

    if (!driver) {
        error_setg(errp, "Parameter 'driver' is missing");
        return NULL;
    }
    drv = bdrv_find_format(driver);
    if (!drv) {
        error_setg(errp, "Parameter 'driver' does not accept value '%s'",
                   driver);
        return NULL;
    }
    read_only = opts_get_bool(opts, "read-only", false, &err);
    direct = opts_get_bool(opts, "cache.direct", false, &err);
    no_flush = opts_get_bool(opts, "cache.no-flush", false, &err);
    if (err) {
        error_propagate(errp, err);
        return NULL;
    }
    flags |= (read_only ? 0 : BDRV_O_RDWR | BDRV_O_UNSHARE_WRITE) |
             (direct ? BDRV_O_NOCACHE : 0) | (no_flush ? BDRV_O_NO_FLUSH : 0);
    if ((discard = opts_get(opts, "discard")) && strcmp(discard, "unmap") &&
        strcmp(discard, "ignore") && strcmp(discard, "on") &&
        strcmp(discard, "off")) {
        error_setg(errp, "Parameter 'discard' does not accept value '%s'",
                   discard);
        return NULL;
    }
    if (drv->is_protocol) {
        if (drv == bdrv_find_format("null-co")) {
            /* size is optional (1 GiB), as in QEMU, which names a node
             * with options by them. */
            const char *sz = opts_get(opts, "size");
            uint64_t size;
            filename = "null-co://";
            if (sz) {
                if (!parse_size(sz, &size, 'B', "size", errp)) {
                    return NULL;
                }
                json_name = g_strdup_printf("json:{\"driver\": \"null-co\", "
                                            "\"size\": %" PRIu64 "}", size);
            }
        } else {
            filename = opts_get(opts, "filename");
            if (!filename) {
                error_setg(errp, "Parameter 'filename' is missing");
                return NULL;
            }
        }
        fmt = driver;
    } else {
        const char *fdrv = opts_get(opts, "file.driver");
        filename = opts_get(opts, "file.filename");
        s = opts_get(opts, "file");
        if (s && !fdrv) {
            /* A reference to another node: the block layer opens a format
             * only over its own protocol node so far. */
            error_setg(errp, "Cannot reference node '%s' as 'file': only "
                       "file.driver=file,file.filename=... is supported", s);
            return NULL;
        }
        if (!fdrv && !filename) {
            error_setg(errp, "Parameter 'file' is missing");
            return NULL;
        }
        if (!fdrv) {
            error_setg(errp, "Parameter 'file.driver' is missing");
            return NULL;
        }
        if (strcmp(fdrv, "file") && strcmp(fdrv, "host_device")) {
            error_setg(errp, "Parameter 'file.driver' does not accept "
                       "value '%s'", fdrv);
            return NULL;
        }
        if (!filename) {
            error_setg(errp, "Parameter 'file.filename' is missing");
            return NULL;
        }
        fmt = driver;
    }
    if ((s = opts_get(opts, "backing"))) {
        if (*s) {
            error_setg(errp, "Cannot reference node '%s' as 'backing': "
                       "only backing=null is supported", s);
            return NULL;
        }
        flags |= BDRV_O_NO_BACKING;
    }
    opts_get(opts, "file.locking");
    opts_get(opts, "size");
    if (!node) {
        error_setg(errp, "'node-name' must be specified for the root node");
        return NULL;
    }
    if (!id_wellformed(node)) {
        error_setg(errp, "Invalid node-name: '%s'", node);
        return NULL;
    }
    if (drive_get_by_id(node)) {
        error_setg(errp, "Duplicate nodes with node-name='%s'", node);
        return NULL;
    }
    /* QEMU keeps node names in 32 bytes. */
    if (strlen(node) >= 32) {
        error_setg(errp, "Node name too long");
        return NULL;
    }
    s = opts_first_unused(opts);
    if (s) {
        error_setg(errp, "Parameter '%s' is unexpected", s);
        return NULL;
    }
    BlockDriverState *bs = drive_open_image(filename, fmt, opts, flags, errp);
    if (!bs) {
        return NULL;
    }
    di = g_new0(DriveInfo, 1);
    di->id = g_strdup(node);
    di->type = IF_NONE;
    di->bs = bs;
    di->read_only = read_only;
    di->writeback = true;
    di->is_blockdev = true;
    di->open_flags = flags;
    di->discard_unmap = discard && (!strcmp(discard, "unmap") ||
                                    !strcmp(discard, "on"));
    g_free(bs->node_name);
    bs->node_name = g_strdup(node);
    if (json_name) {
        g_strlcpy(bs->filename, json_name, sizeof(bs->filename));
    }
    drive_register(di);
    return di;
}

DriveInfo *drive_check_orphaned(Error **errp)
{
    for (guint i = 0; drives && i < drives->len; i++) {
        DriveInfo *di = drives->pdata[i];
        if (di->claimed || di->type == IF_NONE) {
            continue;
        }
        error_setg(errp, "machine type does not support if=%s,bus=%d,"
                   "unit=%d", if_names[di->type], di->bus, di->unit);
        return di;
    }
    return NULL;
}

void drive_free_all(void)
{
    drive_close_all();
    for (guint i = 0; drives && i < drives->len; i++) {
        DriveInfo *di = drives->pdata[i];
        g_free(di->id);
        g_free(di->serial);
        g_free(di);
    }
    if (drives) {
        g_ptr_array_set_size(drives, 0);
    }
}
