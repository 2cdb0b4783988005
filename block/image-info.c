/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The human-readable image description of `kemu-img info` and of the
 * monitor's `info block -v`: both print the same lines, as qemu-img and
 * QEMU's monitor do.
 */
#include "util/osdep.h"
#include "block/block.h"
#include <math.h>
#include <time.h>

char *bdrv_size_to_str(uint64_t size)
{
    static const char *const units[] = {
        "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
    };
    /* A unit is used from 1000 of the one below it: "0.977 MiB". */
    int i = size ? (int)floor(log2((double)size * 1024 / 1000) / 10) : 0;
    i = MAX(0, MIN(i, 6));
    double v = (double)size / pow(1024, i);
    return g_strdup_printf("%0.3g %s", v, units[i]);
}

static void indent(GString *o, int n)
{
    for (int i = 0; i < n; i++) {
        g_string_append(o, "    ");
    }
}

void bdrv_info_spec_human(GString *o, ImageInfoSpecific *d, int depth)
{
    for (guint k = 0; k < d->children->len; k++) {
        ImageInfoSpecific *c = g_ptr_array_index(d->children, k);
        indent(o, depth);
        if (c->key) {
            g_autofree char *key = g_strdup(c->key);
            g_strdelimit(key, "-", ' ');
            g_string_append_printf(o, "%s:", key);
        } else {
            g_string_append_printf(o, "[%u]:", k);
        }
        switch (c->kind) {
        case INFO_STR: g_string_append_printf(o, " %s\n", c->str); break;
        case INFO_INT: g_string_append_printf(o, " %" PRId64 "\n", c->num);
            break;
        case INFO_BOOL: g_string_append_printf(o, " %s\n",
                                               c->b ? "true" : "false");
            break;
        default:
            g_string_append_c(o, '\n');
            bdrv_info_spec_human(o, c, depth + 1);
        }
    }
}

void bdrv_snapshot_header(GString *o)
{
    g_string_append_printf(o, "%-10s%-17s%8s%20s%13s%11s\n", "ID", "TAG",
                           "VM SIZE", "DATE", "VM CLOCK", "ICOUNT");
}

void bdrv_snapshot_line(GString *o, QEMUSnapshotInfo *sn)
{
    char date[32];
    time_t t = sn->date_sec;
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
    uint64_t secs = sn->vm_clock_nsec / 1000000000ull;
    char clock[32];
    snprintf(clock, sizeof(clock), "%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64
             ".%03" PRIu64, secs / 3600, (secs / 60) % 60, secs % 60,
             (sn->vm_clock_nsec / 1000000) % 1000);
    g_autofree char *vmsize = sn->vm_state_size
                              ? bdrv_size_to_str(sn->vm_state_size)
                              : g_strdup("0 B");
    char icount[24] = "";
    if (sn->icount != UINT32_MAX) {
        snprintf(icount, sizeof(icount), "%u", sn->icount);
    }
    g_string_append_printf(o, "%-9s %-16s %8s%20s%13s%11s\n", sn->id_str,
                           sn->name, vmsize, date, clock, icount);
}

void bdrv_image_info_human(GString *o, BlockDriverState *bs,
                           const char *filename)
{
    int64_t actual = bdrv_get_allocated_file_size(bs);
    int cs = bdrv_get_cluster_size(bs);
    ImageInfoSpecific *spec = bs->drv->get_specific_info
                              ? bs->drv->get_specific_info(bs) : NULL;
    QEMUSnapshotInfo *sns = NULL;
    int nsn = bs->drv->snapshot_list ? bs->drv->snapshot_list(bs, &sns) : 0;
    const char *full = bs->full_backing_filename[0] ? bs->full_backing_filename
                       : bs->backing_file;

    /* A protocol node opened alone has no cached size. */
    uint64_t size = bs->total_bytes ? bs->total_bytes
                    : (uint64_t)MAX(bdrv_getlength(bs), 0);
    g_autofree char *vs = bdrv_size_to_str(size);
    g_string_append_printf(o, "image: %s\nfile format: %s\n"
                           "virtual size: %s (%" PRIu64 " bytes)\n",
                           filename, bs->drv->format_name, vs, size);
    if (actual >= 0) {
        g_autofree char *as = bdrv_size_to_str(actual);
        g_string_append_printf(o, "disk size: %s\n", as);
    } else {
        g_string_append(o, "disk size: unavailable\n");
    }
    if (cs) {
        g_string_append_printf(o, "cluster_size: %d\n", cs);
    }
    if (bs->backing_file[0]) {
        g_string_append_printf(o, "backing file: %s", bs->backing_file);
        if (strcmp(full, bs->backing_file)) {
            g_string_append_printf(o, " (actual path: %s)", full);
        }
        g_string_append_c(o, '\n');
        if (bs->backing_format[0]) {
            g_string_append_printf(o, "backing file format: %s\n",
                                   bs->backing_format);
        }
    }
    if (nsn > 0) {
        g_string_append(o, "Snapshot list:\n");
        bdrv_snapshot_header(o);
        for (int i = 0; i < nsn; i++) {
            bdrv_snapshot_line(o, &sns[i]);
        }
    }
    if (spec) {
        g_string_append(o, "Format specific information:\n");
        bdrv_info_spec_human(o, spec, 1);
    }
    g_free(sns);
    info_free(spec);
}
