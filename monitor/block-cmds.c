/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The block monitor commands: info block / blockstats, drive_add,
 * drive_del, change (block side), eject, commit, block_resize; QMP
 * query-block, query-blockstats, query-named-block-nodes, blockdev-add,
 * blockdev-del, block_resize, eject, blockdev-change-medium; and the
 * BLOCK_IO_ERROR event. Output, replies and messages follow QEMU 7.2.
 *
 * A "backend" here is what QEMU calls a BlockBackend with a name: every
 * -drive (claimed by a device or not). -blockdev nodes are named nodes;
 * one a device uses shows up as an anonymous backend ("device": "").
 */
#include "monitor/monitor-internal.h"
#include "monitor/qmp.h"
#include "sysemu/block-backend.h"
#include "sysemu/block-backend-internal.h"
#include "sysemu/blockdev.h"
#include "hw/qdev.h"
#include "qom/object.h"

/* ---- names ---- */

/* QEMU gives every node without a node-name an automatic one. */
static const char *node_name(BlockDriverState *bs)
{
    static unsigned counter = 100;

    if (!bs->node_name) {
        bs->node_name = g_strdup_printf("#block%03u", counter++);
    }
    return bs->node_name;
}

static void collect_drive(DriveInfo *di, void *opaque)
{
    g_ptr_array_add(opaque, di);
}

static GPtrArray *all_drives(void)
{
    GPtrArray *a = g_ptr_array_new();
    drive_foreach(collect_drive, a);
    return a;
}

/* What query-block lists: -drive drives, and -blockdev nodes a device
 * uses (anonymous). */
static bool is_listed_backend(DriveInfo *di)
{
    return !di->is_blockdev || blk_by_drive(di);
}

static const char *backend_name(DriveInfo *di)
{
    return di->is_blockdev ? "" : di->id;
}

/* The device's -device id, else its QOM path (freed by the caller). */
static char *qdev_name(BlockBackend *blk)
{
    if (!blk || !blk->dev) {
        return NULL;
    }
    if (blk->dev->id) {
        return g_strdup(blk->dev->id);
    }
    return object_get_canonical_path(OBJECT(blk->dev));
}

/* -drive id of a backend (not a -blockdev node). */
static DriveInfo *find_backend(const char *id)
{
    DriveInfo *di = drive_get_by_id(id);
    return di && !di->is_blockdev ? di : NULL;
}

/* A backend found by the device's qdev id (eject id=...). */
static DriveInfo *find_backend_by_qdev(const char *id)
{
    g_autoptr(GPtrArray) a = all_drives();
    for (guint i = 0; i < a->len; i++) {
        BlockBackend *blk = blk_by_drive(a->pdata[i]);
        if (blk && blk->dev && blk->dev->id && !strcmp(blk->dev->id, id)) {
            return a->pdata[i];
        }
    }
    return NULL;
}

/* Any node by name: -blockdev roots, then every node of every drive. */
static BlockDriverState *find_node_in(BlockDriverState *bs, const char *name)
{
    for (; bs; bs = bs->backing) {
        if (bs->node_name && !strcmp(bs->node_name, name)) {
            return bs;
        }
        if (bs->file && bs->file->node_name &&
            !strcmp(bs->file->node_name, name)) {
            return bs->file;
        }
    }
    return NULL;
}

static BlockDriverState *find_node(const char *name, DriveInfo **owner)
{
    g_autoptr(GPtrArray) a = all_drives();
    for (guint i = 0; i < a->len; i++) {
        DriveInfo *di = a->pdata[i];
        BlockDriverState *bs = find_node_in(di->bs, name);
        if (bs) {
            if (owner) {
                *owner = di;
            }
            return bs;
        }
    }
    return NULL;
}

/* ---- JSON pieces ---- */

static JsonNode *spec_to_json(ImageInfoSpecific *i)
{
    JsonNode *n;

    switch (i->kind) {
    case INFO_STR:
        return json_node_init_string(json_node_alloc(), i->str);
    case INFO_INT:
        return json_node_init_int(json_node_alloc(), i->num);
    case INFO_BOOL:
        return json_node_init_boolean(json_node_alloc(), i->b);
    case INFO_DICT: {
        JsonObject *o = json_object_new();
        for (guint k = 0; k < i->children->len; k++) {
            ImageInfoSpecific *c = i->children->pdata[k];
            json_object_set_member(o, c->key, spec_to_json(c));
        }
        n = json_node_init_object(json_node_alloc(), o);
        json_object_unref(o);
        return n;
    }
    case INFO_LIST:
    default: {
        JsonArray *a = json_array_new();
        for (guint k = 0; k < i->children->len; k++) {
            json_array_add_element(a, spec_to_json(i->children->pdata[k]));
        }
        n = json_node_init_array(json_node_alloc(), a);
        json_array_unref(a);
        return n;
    }
    }
}

static const char *backing_name(BlockDriverState *bs)
{
    return bs->full_backing_filename[0] ? bs->full_backing_filename
                                        : bs->backing_file;
}

static JsonObject *image_info(BlockDriverState *bs)
{
    JsonObject *o = json_object_new();
    int64_t actual = bdrv_get_allocated_file_size(bs);
    int cs = bdrv_get_cluster_size(bs);

    json_object_set_string_member(o, "filename", bs->filename);
    json_object_set_string_member(o, "format", bs->drv->format_name);
    if (bs->drv != &bdrv_null_co) {
        json_object_set_boolean_member(o, "dirty-flag", false);
    }
    json_object_set_int_member(o, "actual-size", actual < 0 ? 0 : actual);
    /* QEMU counts sizes in 512-byte sectors. */
    json_object_set_int_member(o, "virtual-size",
                               ROUND_UP(MAX(bdrv_getlength(bs), 0), 512));
    if (cs) {
        json_object_set_int_member(o, "cluster-size", cs);
    }
    if (bs->backing_file[0]) {
        json_object_set_string_member(o, "backing-filename",
                                      bs->backing_file);
        json_object_set_string_member(o, "full-backing-filename",
                                      backing_name(bs));
        if (bs->backing_format[0]) {
            json_object_set_string_member(o, "backing-filename-format",
                                          bs->backing_format);
        }
    }
    if (bs->drv->snapshot_list) {
        QEMUSnapshotInfo *sns = NULL;
        int n = bs->drv->snapshot_list(bs, &sns);
        if (n > 0) {
            JsonArray *arr = json_array_new();
            for (int i = 0; i < n; i++) {
                JsonObject *s = json_object_new();
                json_object_set_string_member(s, "id", sns[i].id_str);
                json_object_set_string_member(s, "name", sns[i].name);
                json_object_set_int_member(s, "vm-state-size",
                                           sns[i].vm_state_size);
                json_object_set_int_member(s, "date-sec", sns[i].date_sec);
                json_object_set_int_member(s, "date-nsec",
                                           sns[i].date_nsec);
                json_object_set_int_member(s, "vm-clock-sec",
                                           sns[i].vm_clock_nsec /
                                           1000000000);
                json_object_set_int_member(s, "vm-clock-nsec",
                                           sns[i].vm_clock_nsec %
                                           1000000000);
                if (sns[i].icount != UINT32_MAX) {
                    json_object_set_int_member(s, "icount", sns[i].icount);
                }
                json_array_add_object_element(arr, s);
            }
            json_object_set_array_member(o, "snapshots", arr);
        }
        g_free(sns);
    }
    if (bs->drv->get_specific_info) {
        ImageInfoSpecific *spec = bs->drv->get_specific_info(bs);
        if (spec) {
            JsonObject *fs = json_object_new();
            json_object_set_string_member(fs, "type", bs->drv->format_name);
            json_object_set_member(fs, "data", spec_to_json(spec));
            json_object_set_object_member(o, "format-specific", fs);
            info_free(spec);
        }
    }
    if (bs->backing) {
        json_object_set_object_member(o, "backing-image",
                                      image_info(bs->backing));
    }
    return o;
}

static const char *const detect_zeroes_names[] = { "off", "on", "unmap" };

/* BlockDeviceInfo of a node; di/blk give the drive's settings for the
 * root node of a drive (NULL for other nodes). */
static JsonObject *device_info(BlockDriverState *bs, DriveInfo *di,
                               BlockBackend *blk, bool node_view)
{
    JsonObject *o = json_object_new();
    JsonObject *cache = json_object_new();
    static const char *const zero_members[] = {
        "bps", "bps_rd", "bps_wr", "iops", "iops_rd", "iops_wr",
        "write_threshold",
    };
    int depth = 0;
    int flags = di ? di->open_flags : bs->open_flags;

    for (BlockDriverState *b = bs->backing; b; b = b->backing) {
        depth++;
    }
    json_object_set_string_member(o, "file", bs->filename);
    json_object_set_string_member(o, "node-name", node_name(bs));
    json_object_set_boolean_member(o, "ro", bs->read_only);
    json_object_set_string_member(o, "drv", bs->drv->format_name);
    if (bs->backing_file[0]) {
        json_object_set_string_member(o, "backing_file", bs->backing_file);
    }
    json_object_set_int_member(o, "backing_file_depth", depth);
    json_object_set_boolean_member(o, "encrypted", false);
    json_object_set_string_member(o, "detect_zeroes",
                                  detect_zeroes_names[di ? di->detect_zeroes
                                                         : 0]);
    for (size_t i = 0; i < ARRAY_SIZE(zero_members); i++) {
        json_object_set_int_member(o, zero_members[i], 0);
    }
    /* A node caches writes; whether the guest sees a write cache is
     * the backend's business. */
    json_object_set_boolean_member(cache, "writeback",
                                   node_view || !di ? true
                                   : blk ? blk_enable_write_cache(blk)
                                   : di->writeback);
    json_object_set_boolean_member(cache, "direct",
                                   !!(flags & BDRV_O_NOCACHE));
    json_object_set_boolean_member(cache, "no-flush",
                                   !!(flags & BDRV_O_NO_FLUSH));
    json_object_set_object_member(o, "cache", cache);
    json_object_set_object_member(o, "image", image_info(bs));
    return o;
}

static JsonObject *block_info(DriveInfo *di)
{
    BlockBackend *blk = blk_by_drive(di);
    JsonObject *o = json_object_new();
    g_autofree char *qdev = qdev_name(blk);
    /* A drive no device holds counts as removable, as in QEMU. */
    bool removable = !blk || blk_dev_has_removable_media(blk);

    json_object_set_string_member(o, "device", backend_name(di));
    if (qdev) {
        json_object_set_string_member(o, "qdev", qdev);
    }
    json_object_set_string_member(o, "type", "unknown");
    json_object_set_boolean_member(o, "removable", removable);
    json_object_set_boolean_member(o, "locked",
                                   blk && blk_dev_is_medium_locked(blk));
    if (blk && blk_dev_has_tray(blk)) {
        json_object_set_boolean_member(o, "tray_open",
                                       blk_dev_is_tray_open(blk));
    }
    if (blk && blk_iostatus_enabled(blk)) {
        json_object_set_string_member(o, "io-status",
                                      blk_iostatus_name(blk));
    }
    if (di->bs) {
        json_object_set_object_member(o, "inserted",
                                      device_info(di->bs, di, blk, false));
    }
    return o;
}

static JsonNode *qmp_query_block(JsonObject *args, Error **errp)
{
    g_autoptr(GPtrArray) a = NULL;
    JsonArray *arr;

    if (!qmp_check_args(args, "", errp)) {
        return NULL;
    }
    a = all_drives();
    arr = json_array_new();
    for (guint i = 0; i < a->len; i++) {
        if (is_listed_backend(a->pdata[i])) {
            json_array_add_object_element(arr, block_info(a->pdata[i]));
        }
    }
    return qmp_node_array(arr);
}

static void add_named_nodes(JsonArray *arr, BlockDriverState *bs,
                            DriveInfo *di, BlockBackend *blk, bool flat)
{
    for (bool root = true; bs; bs = bs->backing, root = false) {
        json_array_add_object_element(arr, device_info(bs, root ? di : NULL,
                                                       NULL, true));
        if (bs->file) {
            json_array_add_object_element(arr, device_info(bs->file, NULL,
                                                           NULL, true));
        }
    }
}

static JsonNode *qmp_query_named_block_nodes(JsonObject *args, Error **errp)
{
    g_autoptr(GPtrArray) a = NULL;
    JsonArray *arr;

    if (!qmp_check_args(args, "flat:b?", errp)) {
        return NULL;
    }
    a = all_drives();
    arr = json_array_new();
    for (guint i = 0; i < a->len; i++) {
        DriveInfo *di = a->pdata[i];
        add_named_nodes(arr, di->bs, di, blk_by_drive(di),
                        qmp_arg_bool(args, "flat", false));
    }
    return qmp_node_array(arr);
}

/* ---- blockstats ---- */

static JsonObject *device_stats(BlockBackend *blk, BlockDriverState *bs)
{
    static const char *const kinds[BLOCK_ACCT_MAX] = {
        [BLOCK_ACCT_READ] = "rd", [BLOCK_ACCT_WRITE] = "wr",
        [BLOCK_ACCT_FLUSH] = "flush", [BLOCK_ACCT_UNMAP] = "unmap",
    };
    JsonObject *o = json_object_new();

    for (int t = 0; t < BLOCK_ACCT_MAX; t++) {
        char key[64];
        if (t != BLOCK_ACCT_FLUSH) {
            snprintf(key, sizeof(key), "%s_bytes", kinds[t]);
            json_object_set_int_member(o, key, blk ? blk->nr_bytes[t] : 0);
            snprintf(key, sizeof(key), "%s_merged", kinds[t]);
            json_object_set_int_member(o, key, 0);
        }
        snprintf(key, sizeof(key), "%s_operations", kinds[t]);
        json_object_set_int_member(o, key, blk ? blk->nr_ops[t] : 0);
        snprintf(key, sizeof(key), "%s_total_time_ns", kinds[t]);
        json_object_set_int_member(o, key, blk ? blk->total_time_ns[t] : 0);
        snprintf(key, sizeof(key), "failed_%s_operations", kinds[t]);
        json_object_set_int_member(o, key, blk ? blk->failed_ops[t] : 0);
        snprintf(key, sizeof(key), "invalid_%s_operations", kinds[t]);
        json_object_set_int_member(o, key, 0);
    }
    json_object_set_int_member(o, "wr_highest_offset",
                               bs ? bs->wr_highest_offset : 0);
    if (blk && blk_idle_time_ns(blk) >= 0) {
        json_object_set_int_member(o, "idle_time_ns", blk_idle_time_ns(blk));
    }
    /* A backend accounts what its device counts; nodes account nothing. */
    json_object_set_boolean_member(o, "account_invalid", blk != NULL);
    json_object_set_boolean_member(o, "account_failed", blk != NULL);
    json_object_set_array_member(o, "timed_stats", json_array_new());
    return o;
}

static JsonObject *node_stats(BlockDriverState *bs)
{
    JsonObject *o = json_object_new();

    json_object_set_string_member(o, "node-name", node_name(bs));
    json_object_set_object_member(o, "stats", device_stats(NULL, bs));
    if (!strcmp(bs->drv->format_name, "file")) {
        JsonObject *ds = json_object_new();
        json_object_set_string_member(ds, "driver", "file");
        json_object_set_int_member(ds, "discard-nb-ok", 0);
        json_object_set_int_member(ds, "discard-nb-failed", 0);
        json_object_set_int_member(ds, "discard-bytes-ok", 0);
        json_object_set_object_member(o, "driver-specific", ds);
    }
    if (bs->file) {
        json_object_set_object_member(o, "parent", node_stats(bs->file));
    }
    if (bs->backing) {
        json_object_set_object_member(o, "backing", node_stats(bs->backing));
    }
    return o;
}

static JsonObject *backend_stats(DriveInfo *di)
{
    BlockBackend *blk = blk_by_drive(di);
    JsonObject *o;
    g_autofree char *qdev = qdev_name(blk);

    if (di->bs) {
        o = node_stats(di->bs);
        /* The backend's own counters replace the node's. */
        json_object_set_object_member(o, "stats", device_stats(blk ? blk :
                                                               NULL, di->bs));
        if (!blk) {
            /* A drive without device still has a backend in QEMU,
             * which accounts (nothing yet). */
            JsonObject *s = json_object_get_object_member(o, "stats");
            json_object_set_boolean_member(s, "account_invalid", true);
            json_object_set_boolean_member(s, "account_failed", true);
        }
    } else {
        o = json_object_new();
        json_object_set_object_member(o, "stats", device_stats(blk, NULL));
        if (!blk) {
            JsonObject *s = json_object_get_object_member(o, "stats");
            json_object_set_boolean_member(s, "account_invalid", true);
            json_object_set_boolean_member(s, "account_failed", true);
        }
    }
    json_object_set_string_member(o, "device", backend_name(di));
    if (qdev) {
        json_object_set_string_member(o, "qdev", qdev);
    }
    return o;
}

static JsonNode *qmp_query_blockstats(JsonObject *args, Error **errp)
{
    g_autoptr(GPtrArray) a = NULL;
    JsonArray *arr;
    bool nodes;

    if (!qmp_check_args(args, "query-nodes:b?", errp)) {
        return NULL;
    }
    nodes = qmp_arg_bool(args, "query-nodes", false);
    a = all_drives();
    arr = json_array_new();
    for (guint i = 0; i < a->len; i++) {
        DriveInfo *di = a->pdata[i];
        if (nodes) {
            /* Every named node, protocol children included. */
            for (BlockDriverState *bs = di->bs; bs; bs = bs->backing) {
                json_array_add_object_element(arr, node_stats(bs));
                if (bs->file) {
                    json_array_add_object_element(arr, node_stats(bs->file));
                }
            }
        } else if (is_listed_backend(di)) {
            json_array_add_object_element(arr, backend_stats(di));
        }
    }
    return qmp_node_array(arr);
}

/* ---- HMP info block / info blockstats ---- */

static void print_block_info(Monitor *mon, JsonObject *info,
                             JsonObject *ins, bool verbose,
                             BlockDriverState *bs)
{
    if (info) {
        monitor_printf(mon, "%s",
                       json_object_get_string_member(info, "device"));
        if (ins) {
            monitor_printf(mon, " (%s)",
                           json_object_get_string_member(ins, "node-name"));
        }
    } else {
        monitor_printf(mon, "%s",
                       json_object_get_string_member(ins, "node-name"));
    }
    if (ins) {
        monitor_printf(mon, ": %s (%s%s)\n",
                       json_object_get_string_member(ins, "file"),
                       json_object_get_string_member(ins, "drv"),
                       json_object_get_boolean_member(ins, "ro")
                       ? ", read-only" : "");
    } else {
        monitor_printf(mon, ": [not inserted]\n");
    }
    if (info) {
        if (json_object_has_member(info, "qdev")) {
            monitor_printf(mon, "    Attached to:      %s\n",
                           json_object_get_string_member(info, "qdev"));
        }
        if (json_object_has_member(info, "io-status") &&
            strcmp(json_object_get_string_member(info, "io-status"), "ok")) {
            monitor_printf(mon, "    I/O status:       %s\n",
                           json_object_get_string_member(info, "io-status"));
        }
        if (json_object_get_boolean_member(info, "removable")) {
            bool tray = json_object_has_member(info, "tray_open") &&
                        json_object_get_boolean_member(info, "tray_open");
            monitor_printf(mon, "    Removable device: %slocked, tray %s\n",
                           json_object_get_boolean_member(info, "locked")
                           ? "" : "not ", tray ? "open" : "closed");
        }
    }
    if (!ins) {
        return;
    }
    JsonObject *cache = json_object_get_object_member(ins, "cache");
    monitor_printf(mon, "    Cache mode:       %s%s%s\n",
                   json_object_get_boolean_member(cache, "writeback")
                   ? "writeback" : "writethrough",
                   json_object_get_boolean_member(cache, "direct")
                   ? ", direct" : "",
                   json_object_get_boolean_member(cache, "no-flush")
                   ? ", ignore flushes" : "");
    if (json_object_has_member(ins, "backing_file")) {
        monitor_printf(mon, "    Backing file:     %s (chain depth: %"
                       PRId64 ")\n",
                       json_object_get_string_member(ins, "backing_file"),
                       json_object_get_int_member(ins,
                                                  "backing_file_depth"));
    }
    if (strcmp(json_object_get_string_member(ins, "detect_zeroes"), "off")) {
        monitor_printf(mon, "    Detect zeroes:    %s\n",
                       json_object_get_string_member(ins, "detect_zeroes"));
    }
    if (verbose) {
        g_autoptr(GString) s = g_string_new("\nImages:\n");
        for (; bs; bs = bs->backing) {
            bdrv_image_info_human(s, bs, bs->filename);
        }
        monitor_puts(mon, s->str);
    }
}

/* The order of info block -n: -blockdev roots are oldest. */
static bool node_newer(BlockDriverState *a, DriveInfo *da,
                       BlockDriverState *b, DriveInfo *db)
{
    bool a_old = da && da->is_blockdev, b_old = db && db->is_blockdev;
    if (a_old != b_old) {
        return b_old;
    }
    return a->open_seq > b->open_seq;
}

static void hmp_info_block(Monitor *mon, const HmpArgs *a)
{
    const char *device = hmp_arg_str(a, "device");
    bool verbose = hmp_arg_bool(a, "v");
    bool nodes = hmp_arg_bool(a, "n");
    g_autoptr(GPtrArray) drives = all_drives();
    bool first = true;

    if (!nodes) {
        for (guint i = 0; i < drives->len; i++) {
            DriveInfo *di = drives->pdata[i];
            if (!is_listed_backend(di)) {
                continue;
            }
            /* QEMU separates entries of the whole list, so a filtered
             * listing starts with an empty line unless it is the first. */
            bool was_first = first;
            first = false;
            if (device && strcmp(device, backend_name(di))) {
                continue;
            }
            if (!was_first) {
                monitor_printf(mon, "\n");
            }
            JsonObject *info = block_info(di);
            JsonObject *ins = json_object_has_member(info, "inserted")
                ? json_object_get_object_member(info, "inserted") : NULL;
            print_block_info(mon, info, ins, verbose, di->bs);
            json_object_unref(info);
        }
        return;
    }
    /* -n: every node, protocol children too, newest first as QEMU keeps
     * them (-blockdev nodes, which QEMU opens before -drive, last). */
    g_autoptr(GPtrArray) nodes_list = g_ptr_array_new();
    g_autoptr(GPtrArray) owners = g_ptr_array_new();
    for (guint i = 0; i < drives->len; i++) {
        DriveInfo *di = drives->pdata[i];
        for (BlockDriverState *bs = di->bs; bs; bs = bs->backing) {
            g_ptr_array_add(nodes_list, bs);
            g_ptr_array_add(owners, bs == di->bs ? di : NULL);
            if (bs->file) {
                g_ptr_array_add(nodes_list, bs->file);
                g_ptr_array_add(owners, NULL);
            }
        }
    }
    for (;;) {
        int best = -1;
        for (guint i = 0; i < nodes_list->len; i++) {
            BlockDriverState *bs = nodes_list->pdata[i];
            if (!bs) {
                continue;
            }
            if (best < 0 || node_newer(bs, owners->pdata[i],
                                       nodes_list->pdata[best],
                                       owners->pdata[best])) {
                best = i;
            }
        }
        if (best < 0) {
            break;
        }
        BlockDriverState *bs = nodes_list->pdata[best];
        DriveInfo *di = owners->pdata[best];
        nodes_list->pdata[best] = NULL;
        if (device && strcmp(device, node_name(bs))) {
            continue;
        }
        if (!first) {
            monitor_printf(mon, "\n");
        }
        first = false;
        JsonObject *ins = device_info(bs, di, NULL, true);
        print_block_info(mon, NULL, ins, verbose, bs);
        json_object_unref(ins);
    }
}

static void hmp_info_blockstats(Monitor *mon, const HmpArgs *a)
{
    g_autoptr(GPtrArray) drives = all_drives();

    for (guint i = 0; i < drives->len; i++) {
        DriveInfo *di = drives->pdata[i];
        if (!is_listed_backend(di)) {
            continue;
        }
        JsonObject *o = backend_stats(di);
        JsonObject *s = json_object_get_object_member(o, "stats");
        monitor_printf(mon, "%s:", backend_name(di));
        monitor_printf(mon, " rd_bytes=%" PRId64 " wr_bytes=%" PRId64
                       " rd_operations=%" PRId64 " wr_operations=%" PRId64
                       " flush_operations=%" PRId64
                       " wr_total_time_ns=%" PRId64
                       " rd_total_time_ns=%" PRId64
                       " flush_total_time_ns=%" PRId64
                       " rd_merged=%" PRId64 " wr_merged=%" PRId64
                       " idle_time_ns=%" PRId64 "\n",
                       json_object_get_int_member(s, "rd_bytes"),
                       json_object_get_int_member(s, "wr_bytes"),
                       json_object_get_int_member(s, "rd_operations"),
                       json_object_get_int_member(s, "wr_operations"),
                       json_object_get_int_member(s, "flush_operations"),
                       json_object_get_int_member(s, "wr_total_time_ns"),
                       json_object_get_int_member(s, "rd_total_time_ns"),
                       json_object_get_int_member(s, "flush_total_time_ns"),
                       json_object_get_int_member(s, "rd_merged"),
                       json_object_get_int_member(s, "wr_merged"),
                       json_object_get_int_member_with_default(
                           s, "idle_time_ns", 0));
        json_object_unref(o);
    }
}

/* ---- media: eject, change ---- */

/* Drops a drive's medium: through the device when one holds it. */
static bool eject_drive(DriveInfo *di, bool force, Error **errp)
{
    BlockBackend *blk = blk_by_drive(di);

    if (blk) {
        return blk_eject(blk, force, errp);
    }
    if (di->bs) {
        if (!di->bs->read_only) {
            bdrv_flush(di->bs);
        }
        bdrv_unref(di->bs);
        di->bs = NULL;
    }
    return true;
}

static DriveInfo *lookup_device_or_id(JsonObject *args, Error **errp)
{
    const char *device = qmp_arg_str(args, "device");
    const char *id = qmp_arg_str(args, "id");
    DriveInfo *di;

    if (!device == !id) {
        error_setg(errp, "Need exactly one of 'device' and 'id'");
        return NULL;
    }
    di = device ? find_backend(device) : find_backend_by_qdev(id);
    if (!di) {
        error_set_class(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                        "Device '%s' not found", device ? device : id);
    }
    return di;
}

static JsonNode *qmp_eject(JsonObject *args, Error **errp)
{
    DriveInfo *di;

    if (!qmp_check_args(args, "device:s?,id:s?,force:b?", errp)) {
        return NULL;
    }
    di = lookup_device_or_id(args, errp);
    if (di) {
        eject_drive(di, qmp_arg_bool(args, "force", false), errp);
    }
    return NULL;
}

static void hmp_eject(Monitor *mon, const HmpArgs *a)
{
    const char *device = hmp_arg_str(a, "device");
    DriveInfo *di = find_backend(device);
    Error *err = NULL;

    if (!di) {
        monitor_printf(mon, "Error: Device '%s' not found\n", device);
        return;
    }
    if (!eject_drive(di, hmp_arg_bool(a, "f"), &err)) {
        monitor_printf(mon, "Error: %s\n", error_get_pretty(err));
        error_free(err);
    }
}

/*
 * blockdev-change-medium: the new image is opened first (a bad file
 * leaves the old disc in), then the tray opens, the discs swap and the
 * tray closes, as QEMU does it.
 */
static bool change_medium(DriveInfo *di, const char *filename,
                          const char *format, bool force, const char *mode,
                          Error **errp)
{
    BlockBackend *blk = blk_by_drive(di);
    BlockDriverState *bs;
    bool read_only = di->read_only;
    int flags;

    if (format && !bdrv_find_format(format)) {
        error_setg(errp, "Unknown driver '%s'", format);
        return false;
    }
    if (mode) {
        if (!strcmp(mode, "read-only")) {
            read_only = true;
        } else if (!strcmp(mode, "read-write")) {
            read_only = false;
        } else if (strcmp(mode, "retain")) {
            error_setg(errp, "Parameter 'read-only-mode' does not accept "
                       "value '%s'", mode);
            return false;
        }
    }
    if (blk && !blk_dev_has_removable_media(blk)) {
        error_setg(errp, "Device '%s' is not removable", di->id);
        return false;
    }
    flags = (di->open_flags & ~(BDRV_O_RDWR | BDRV_O_UNSHARE_WRITE)) |
            (read_only ? 0 : BDRV_O_RDWR | BDRV_O_UNSHARE_WRITE);
    /* The old disc's locks go before the new one takes its own. */
    bs = drive_open_image(filename, format, NULL, flags, errp);
    if (!bs) {
        return false;
    }
    if (!eject_drive(di, force, errp)) {
        bdrv_unref(bs);
        return false;
    }
    if (blk) {
        if (!blk_insert_medium(blk, bs, errp)) {
            return false;
        }
    } else {
        di->bs = bs;
    }
    di->read_only = read_only;
    di->open_flags = flags;
    return true;
}

static JsonNode *qmp_blockdev_change_medium(JsonObject *args, Error **errp)
{
    DriveInfo *di;

    if (!qmp_check_args(args, "device:s?,id:s?,filename:s,format:s?,"
                        "force:b?,read-only-mode:s?", errp)) {
        return NULL;
    }
    di = lookup_device_or_id(args, errp);
    if (di) {
        change_medium(di, qmp_arg_str(args, "filename"),
                      qmp_arg_str(args, "format"),
                      qmp_arg_bool(args, "force", false),
                      qmp_arg_str(args, "read-only-mode"), errp);
    }
    return NULL;
}

void hmp_change_medium(Monitor *mon, const char *device, const char *target,
                       const char *format, const char *mode)
{
    DriveInfo *di = find_backend(device);
    Error *err = NULL;

    if (!di) {
        monitor_printf(mon, "Error: Device '%s' not found\n", device);
        return;
    }
    if (!change_medium(di, target, format, false, mode, &err)) {
        monitor_printf(mon, "Error: %s\n", error_get_pretty(err));
        error_free(err);
    }
}

/* ---- block_resize ---- */

static bool block_resize(const char *device, const char *node, int64_t size,
                         Error **errp)
{
    DriveInfo *di = NULL;
    BlockDriverState *bs = NULL;
    BlockBackend *blk;

    if (device) {
        di = find_backend(device);
        if (di && !di->bs) {
            error_setg(errp, "Device '%s' has no medium", device);
            return false;
        }
        bs = di ? di->bs : NULL;
    } else if (node) {
        bs = find_node(node, &di);
    }
    if (!bs) {
        error_setg(errp, "Cannot find device='%s' nor node-name='%s'",
                   device ? device : "", node ? node : "");
        return false;
    }
    if (size < 0) {
        error_setg(errp, "Parameter 'size' expects a >0 size");
        return false;
    }
    if (bs->read_only) {
        error_setg(errp, "Image is read-only");
        return false;
    }
    if (!bs->drv->truncate) {
        error_setg(errp, "Image format driver does not support resize");
        return false;
    }
    blk = di ? blk_by_drive(di) : NULL;
    if (blk) {
        blk_drain(blk);
    }
    if (!bdrv_truncate(bs, size, false, PREALLOC_MODE_OFF, errp)) {
        return false;
    }
    if (blk) {
        blk_dev_resize(blk);
    }
    return true;
}

static JsonNode *qmp_block_resize(JsonObject *args, Error **errp)
{
    if (qmp_check_args(args, "device:s?,node-name:s?,size:i", errp)) {
        block_resize(qmp_arg_str(args, "device"),
                     qmp_arg_str(args, "node-name"),
                     qmp_arg_int(args, "size", 0), errp);
    }
    return NULL;
}

static void hmp_block_resize(Monitor *mon, const HmpArgs *a)
{
    uint64_t size;
    Error *err = NULL;

    /* A bare number is in MiB, as QEMU's size arguments. */
    if (!parse_size(hmp_arg_str(a, "size"), &size, 'M', "size", &err) ||
        size > INT64_MAX) {
        if (!err) {
            error_setg(&err, "Parameter 'size' expects a size");
        }
    } else {
        block_resize(hmp_arg_str(a, "device"), NULL, size, &err);
    }
    if (err) {
        monitor_printf(mon, "Error: %s\n", error_get_pretty(err));
        error_free(err);
    }
}

/* ---- commit ---- */

/*
 * Copies what the top image holds into its backing file, then empties
 * the top (as qemu's bdrv_commit). The backing node is read-only: it is
 * closed, reopened read-write for the copy, then read-only again.
 */
static int commit_drive(DriveInfo *di)
{
    BlockDriverState *top = di->bs;
    BlockDriverState *base = top->backing;
    BlockBackend *blk = blk_by_drive(di);
    g_autofree char *path = NULL;
    g_autofree char *fmt = NULL;
    BlockDriverState *w;
    int64_t len, off;
    int base_flags, ret = 0;
    uint8_t *buf;
    Error *err = NULL;

    if (!base) {
        return -ENOTSUP;
    }
    if (top->read_only) {
        return -EACCES;
    }
    if (blk) {
        blk_drain(blk);
    }
    path = g_strdup(base->filename);
    fmt = g_strdup(base->drv->format_name);
    base_flags = base->open_flags;
    len = MIN(bdrv_getlength(top), bdrv_getlength(base));
    /* Closed first: its image locks would refuse our writable open. */
    top->backing = NULL;
    bdrv_unref(base);
    w = bdrv_open(path, fmt, NULL,
                  (base_flags & ~BDRV_O_UNSHARE_WRITE) | BDRV_O_RDWR |
                  BDRV_O_NO_BACKING, &err);
    if (!w) {
        error_free(err);
        ret = -EACCES;
    }
    buf = g_malloc(1 * MiB);
    for (off = 0; w && off < len && ret == 0;) {
        uint64_t pnum = 0, map;
        BlockDriverState *file;
        int64_t n = MIN(len - off, 1 * MiB);
        int st = bdrv_block_status(top, off, n, &pnum, &map, &file);
        if (st < 0) {
            ret = st;
            break;
        }
        if (pnum == 0) {
            pnum = n;
        }
        if (st & BDRV_BLOCK_ALLOCATED) {
            ret = bdrv_pread(top, off, pnum, buf);
            if (ret == 0) {
                ret = bdrv_pwrite(w, off, pnum, buf);
            }
        }
        off += pnum;
    }
    g_free(buf);
    if (w) {
        if (ret == 0) {
            ret = bdrv_flush(w);
        }
        bdrv_unref(w);
    }
    /* The top reads through the base again, read-only. */
    base = bdrv_open(path, fmt, NULL, base_flags, NULL);
    top->backing = base;
    if (ret == 0 && top->drv->make_empty) {
        ret = top->drv->make_empty(top);
    }
    return ret;
}

static void hmp_commit(Monitor *mon, const HmpArgs *a)
{
    const char *device = hmp_arg_str(a, "device");
    int ret;

    if (!strcmp(device, "all")) {
        g_autoptr(GPtrArray) drives = all_drives();
        for (guint i = 0; i < drives->len; i++) {
            DriveInfo *di = drives->pdata[i];
            if (!di->is_blockdev && di->bs && di->bs->backing) {
                ret = commit_drive(di);
                if (ret < 0) {
                    monitor_printf(mon, "'commit' error for '%s': %s\n",
                                   di->id, strerror(-ret));
                }
            }
        }
        return;
    }
    DriveInfo *di = find_backend(device);
    if (!di) {
        monitor_printf(mon, "Device '%s' not found\n", device);
        return;
    }
    if (!di->bs) {
        monitor_printf(mon, "Device '%s' has no medium\n", device);
        return;
    }
    ret = commit_drive(di);
    if (ret < 0) {
        monitor_printf(mon, "'commit' error for '%s': %s\n", device,
                       strerror(-ret));
    }
}

/* ---- drive_add / drive_del, blockdev-add / blockdev-del ---- */

/* QEMU's numbers for the interface types in "Can't hot-add drive". */
static int qemu_if_number(BlockInterfaceType t)
{
    return t == IF_IDE ? 1 : t == IF_VIRTIO ? 7 : 0;
}

static void hmp_drive_add(Monitor *mon, const HmpArgs *a)
{
    Error *err = NULL;
    Opts *opts = opts_parse(hmp_arg_str(a, "opts"), NULL, false, &err);
    DriveInfo *di;

    if (!opts) {
        monitor_printf(mon, "%s\n", error_get_pretty(err));
        error_free(err);
        return;
    }
    /* The board's default interface, as for -drive. */
    di = drive_new(opts, IF_IDE, &err);
    opts_free(opts);
    if (!di) {
        monitor_printf(mon, "%s\n", error_get_pretty(err));
        error_free(err);
        return;
    }
    if (di->type != IF_NONE) {
        /* Nothing plugs devices in at run time yet, so only if=none. */
        monitor_printf(mon, "Can't hot-add drive to type %d\n",
                       qemu_if_number(di->type));
        drive_unregister(di);
        drive_info_free(di);
        return;
    }
    monitor_printf(mon, "OK\n");
}

static bool blockdev_del(const char *node, Error **errp)
{
    DriveInfo *di = drive_get_by_id(node);

    if (!di || !di->is_blockdev) {
        error_setg(errp, "Failed to find node with node-name='%s'", node);
        return false;
    }
    if (blk_by_drive(di)) {
        error_setg(errp, "Node %s is in use", node);
        return false;
    }
    drive_unregister(di);
    drive_info_free(di);
    return true;
}

static void hmp_drive_del(Monitor *mon, const HmpArgs *a)
{
    const char *id = hmp_arg_str(a, "id");
    DriveInfo *di = drive_get_by_id(id);
    BlockBackend *blk;
    Error *err = NULL;

    if (di && di->is_blockdev) {
        if (!blockdev_del(id, &err)) {
            monitor_printf(mon, "%s\n", error_get_pretty(err));
            error_free(err);
        }
        return;
    }
    if (!di) {
        monitor_printf(mon, "Device '%s' not found\n", id);
        return;
    }
    blk = blk_by_drive(di);
    drive_unregister(di);
    if (blk) {
        /* The device keeps an empty backend until it goes away. */
        blk_remove_medium(blk);
        blk->drive_deleted = true;
        return;
    }
    drive_info_free(di);
}

/* The JSON type blockdev-add wants for a member (by its last name). */
static const char *member_json_type(const char *name)
{
    static const char *const bools[] = {
        "read-only", "auto-read-only", "force-share", "direct", "no-flush",
        "read-zeroes",
    };
    static const char *const ints[] = { "size", "latency-ns" };

    for (size_t i = 0; i < ARRAY_SIZE(bools); i++) {
        if (!strcmp(name, bools[i])) {
            return "boolean";
        }
    }
    static const char *const strs[] = {
        "driver", "node-name", "discard", "filename", "locking", "aio",
        "detect-zeroes", "file", "backing",
    };

    for (size_t i = 0; i < ARRAY_SIZE(ints); i++) {
        if (!strcmp(name, ints[i])) {
            return "integer";
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(strs); i++) {
        if (!strcmp(name, strs[i])) {
            return "string";
        }
    }
    return NULL;    /* unknown: -blockdev's parser says it is unexpected */
}

/* blockdev-add's arguments as -blockdev's dotted options, each scalar
 * checked against the type QMP gives it (a string "on" is no bool). */
static bool flatten(Opts *o, const char *prefix, JsonObject *obj,
                    Error **errp)
{
    g_autoptr(GList) members = json_object_get_members(obj);

    for (GList *l = members; l; l = l->next) {
        const char *name = l->data;
        JsonNode *n = json_object_get_member(obj, name);
        g_autofree char *key = prefix ? g_strdup_printf("%s.%s", prefix,
                                                        name)
                                      : g_strdup(name);
        const char *want = member_json_type(name);
        g_autofree char *v = NULL;

        if (JSON_NODE_HOLDS_OBJECT(n)) {
            if (!flatten(o, key, json_node_get_object(n), errp)) {
                return false;
            }
            continue;
        }
        if (JSON_NODE_HOLDS_NULL(n)) {
            opts_set(o, key, "");
            continue;
        }
        if (JSON_NODE_HOLDS_VALUE(n)) {
            GType t = json_node_get_value_type(n);
            if (!want) {
                v = g_strdup("?");
            } else if (t == G_TYPE_BOOLEAN && !strcmp(want, "boolean")) {
                v = g_strdup(json_node_get_boolean(n) ? "on" : "off");
            } else if (t == G_TYPE_INT64 && !strcmp(want, "integer")) {
                if (json_node_get_int(n) < 0) {
                    error_setg(errp, "Parameter '%s' expects uint64", key);
                    return false;
                }
                v = g_strdup_printf("%" PRId64, json_node_get_int(n));
            } else if (t == G_TYPE_STRING && !strcmp(want, "string")) {
                v = g_strdup(json_node_get_string(n));
            }
        }
        if (!v && !want) {
            v = g_strdup("?");
        }
        if (!v) {
            error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                       key, want);
            return false;
        }
        opts_set(o, key, v);
    }
    return true;
}

static JsonNode *qmp_blockdev_add(JsonObject *args, Error **errp)
{
    Opts *o;

    if (!args) {
        error_setg(errp, "Parameter 'driver' is missing");
        return NULL;
    }
    o = opts_new();
    if (flatten(o, NULL, args, errp)) {
        blockdev_new(o, errp);
    }
    opts_free(o);
    return NULL;
}

static JsonNode *qmp_blockdev_del(JsonObject *args, Error **errp)
{
    if (qmp_check_args(args, "node-name:s", errp)) {
        blockdev_del(qmp_arg_str(args, "node-name"), errp);
    }
    return NULL;
}

/* ---- BLOCK_IO_ERROR ---- */

static void send_io_error(BlockBackend *blk, BlockErrorVerdict verdict,
                          bool is_read, int error)
{
    static const char *const actions[] = {
        [BLOCK_ERROR_REPORT] = "report", [BLOCK_ERROR_IGNORE] = "ignore",
        [BLOCK_ERROR_STOP] = "stop",
    };
    DriveInfo *di = blk_drive(blk);
    JsonObject *d = json_object_new();

    json_object_set_string_member(d, "device", backend_name(di));
    if (di->bs) {
        json_object_set_string_member(d, "node-name", node_name(di->bs));
    }
    json_object_set_string_member(d, "operation", is_read ? "read" : "write");
    json_object_set_string_member(d, "action", actions[verdict]);
    if (blk_iostatus_enabled(blk)) {
        json_object_set_boolean_member(d, "nospace", error == ENOSPC);
    }
    json_object_set_string_member(d, "reason", strerror(error));
    qmp_emit_event("BLOCK_IO_ERROR", d);
}

static const MonitorCommand block_cmds[] = {
    { .hmp_name = "info block", .hmp_args = "-n,-v,device:s?",
      .hmp_params = "[-n] [-v] [device]",
      .hmp_help = "show the drives (-n: the named nodes, -v: image "
                  "details)",
      .hmp = hmp_info_block },
    { .hmp_name = "info blockstats",
      .hmp_help = "show the I/O counters of each drive",
      .hmp = hmp_info_blockstats },
    { .hmp_name = "eject", .hmp_args = "-f,device:s",
      .hmp_params = "[-f] device",
      .hmp_help = "take the medium out of a removable drive (-f: even "
                  "when the guest locked it)",
      .hmp = hmp_eject },
    { .hmp_name = "block_resize", .hmp_args = "device:s,size:s",
      .hmp_params = "device size",
      .hmp_help = "grow or shrink the image of a drive (size in MiB "
                  "unless suffixed)",
      .hmp = hmp_block_resize },
    { .hmp_name = "commit", .hmp_args = "device:s",
      .hmp_params = "device|all",
      .hmp_help = "write a drive's changes into its backing file "
                  "('all': every drive)",
      .hmp = hmp_commit },
    { .hmp_name = "drive_add", .hmp_args = "-n,pci_addr:s,opts:s",
      .hmp_params = "[-n] [[<domain>:]<bus>:]<slot> "
                    "[file=file][,if=type][,bus=n]...",
      .hmp_help = "open a drive at run time (if=none, for -device or "
                  "device_add to use)",
      .hmp = hmp_drive_add },
    { .hmp_name = "drive_del", .hmp_args = "id:s", .hmp_params = "device",
      .hmp_help = "close a drive (a device using it sees no medium)",
      .hmp = hmp_drive_del },
    { .qmp_name = "query-block", .qmp = qmp_query_block },
    { .qmp_name = "query-blockstats", .qmp = qmp_query_blockstats },
    { .qmp_name = "query-named-block-nodes",
      .qmp = qmp_query_named_block_nodes },
    { .qmp_name = "blockdev-add", .qmp = qmp_blockdev_add },
    { .qmp_name = "blockdev-del", .qmp = qmp_blockdev_del },
    { .qmp_name = "block_resize", .qmp = qmp_block_resize },
    { .qmp_name = "eject", .qmp = qmp_eject },
    { .qmp_name = "blockdev-change-medium",
      .qmp = qmp_blockdev_change_medium },
};

static void __attribute__((constructor)) block_cmds_register(void)
{
    monitor_register_commands(block_cmds, ARRAY_SIZE(block_cmds));
    blk_set_io_error_handler(send_io_error);
}
