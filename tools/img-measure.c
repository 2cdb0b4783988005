/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kemu-img measure: how large a new image would be, either for a bare
 * virtual size or for converting an existing image. The qcow2 numbers
 * follow from the on-disk layout: one header cluster, enough L2 tables
 * to map every guest cluster, an L1 table pointing at them, and the
 * refcount table and blocks that count all of those clusters including
 * themselves.
 */
#include "util/osdep.h"
#include "tools/kemu-img.h"
#include <getopt.h>

typedef struct MeasureResult {
    uint64_t required;
    uint64_t fully_allocated;
    bool has_bitmaps;       /* qcow2 to qcow2 prints "bitmaps size" */
} MeasureResult;

static uint64_t div_up(uint64_t a, uint64_t b)
{
    return (a + b - 1) / b;
}

/*
 * Clusters of refcount metadata needed to count 'clusters' clusters
 * plus that metadata itself. Adding refcount blocks may need more table
 * clusters and both need counting, so iterate until nothing changes.
 */
static uint64_t refcount_meta_clusters(uint64_t clusters,
                                       uint64_t cluster_size,
                                       unsigned refcount_bits)
{
    uint64_t per_block = cluster_size * 8 / refcount_bits;
    uint64_t per_table_cluster = cluster_size / 8;
    uint64_t blocks = 0, table = 0, prev_total;
    do {
        prev_total = blocks + table;
        blocks = div_up(clusters + blocks + table, per_block);
        table = div_up(blocks, per_table_cluster);
    } while (blocks + table != prev_total);
    return blocks + table;
}

/* Metadata bytes of a fully allocated qcow2 image of virtual size 'size'. */
static uint64_t qcow2_meta_bytes(uint64_t size, uint64_t cluster_size,
                                 unsigned refcount_bits, bool extended_l2)
{
    uint64_t l2_entry = extended_l2 ? 16 : 8;
    uint64_t guest_clusters = div_up(size, cluster_size);
    uint64_t meta = cluster_size;  /* header */
    /* L2 tables are whole clusters each. */
    uint64_t l2_tables = div_up(guest_clusters, cluster_size / l2_entry);
    meta += l2_tables * cluster_size;
    /* One L1 entry per L2 table, the L1 table padded to clusters. */
    meta += div_up(l2_tables * 8, cluster_size) * cluster_size;
    uint64_t counted = meta / cluster_size + guest_clusters;
    meta += refcount_meta_clusters(counted, cluster_size, refcount_bits) *
            cluster_size;
    return meta;
}

/* Bytes of the source, in whole target clusters, that hold data. */
static bool allocated_data_bytes(BlockDriverState *bs, uint64_t cluster_size,
                                 uint64_t *out)
{
    uint64_t size = bs->total_bytes, offset = 0, total = 0;
    uint64_t next_uncounted = 0;    /* first cluster not yet counted */
    while (offset < size) {
        uint64_t pnum;
        int r = bdrv_block_status_above(bs, NULL, offset, size - offset,
                                        &pnum);
        if (r < 0) {
            error_report("Unable to get block status: %s", strerror(-r));
            return false;
        }
        if (!pnum) {
            pnum = size - offset;
        }
        if ((r & BDRV_BLOCK_DATA) && !(r & BDRV_BLOCK_ZERO)) {
            uint64_t first = offset / cluster_size;
            uint64_t last = (offset + pnum - 1) / cluster_size;
            if (first < next_uncounted) {
                first = next_uncounted;
            }
            if (last >= first) {
                total += (last - first + 1) * cluster_size;
                next_uncounted = last + 1;
            }
        }
        offset += pnum;
    }
    *out = total;
    return true;
}

static bool measure_qcow2(Opts *opts, uint64_t size, BlockDriverState *src,
                          MeasureResult *res)
{
    Error *err = NULL;
    uint64_t cluster_size = opts_get_size(opts, "cluster_size", 65536, &err);
    bool extl2 = opts_get_bool(opts, "extended_l2", false, &err);
    uint64_t refcount_bits = opts_get_number(opts, "refcount_bits", 16, &err);
    const char *compat = opts_get(opts, "compat");
    const char *prealloc_s = opts_get(opts, "preallocation");
    /* Accepted by create, without effect on the size. */
    opts_get(opts, "lazy_refcounts");
    opts_get(opts, "compression_type");
    opts_get(opts, "backing_file");
    opts_get(opts, "backing_fmt");
    opts_get(opts, "data_file");
    opts_get(opts, "data_file_raw");
    opts_get(opts, "size");
    if (err) {
        error_report_err(err);
        return false;
    }
    if (cluster_size < 512 || cluster_size > 2 * MiB ||
        (cluster_size & (cluster_size - 1))) {
        error_report("Cluster size must be a power of two between 512 and "
                     "2048k");
        return false;
    }
    if (extl2 && cluster_size < 16384) {
        error_report("Extended L2 entries are only supported with cluster "
                     "sizes of at least 16384 bytes");
        return false;
    }
    if (refcount_bits > 64 || !refcount_bits ||
        (refcount_bits & (refcount_bits - 1))) {
        error_report("Refcount width must be a power of two and may not "
                     "exceed 64 bits");
        return false;
    }
    if (compat && strcmp(compat, "0.10") && strcmp(compat, "v2") &&
        strcmp(compat, "1.1") && strcmp(compat, "v3")) {
        error_report("Invalid compatibility level: '%s'", compat);
        return false;
    }
    PreallocMode prealloc = PREALLOC_MODE_OFF;
    if (prealloc_s && !prealloc_mode_parse(prealloc_s, &prealloc, &err)) {
        error_free(err);
        error_report("invalid parameter value: %s", prealloc_s);
        return false;
    }
    uint64_t aligned = div_up(size, cluster_size) * cluster_size;
    /* qcow2 limits the L1 table to 32 MiB, which caps the virtual size. */
    uint64_t l2_entry = extl2 ? 16 : 8;
    if (div_up(aligned / cluster_size, cluster_size / l2_entry) * 8 >
        32 * MiB) {
        error_report("The image size is too large (try using a larger "
                     "cluster size)");
        return false;
    }
    uint64_t meta = qcow2_meta_bytes(size, cluster_size,
                                     (unsigned)refcount_bits, extl2);
    uint64_t data = 0;
    if (prealloc == PREALLOC_MODE_FULL || prealloc == PREALLOC_MODE_FALLOC) {
        data = aligned;
    } else if (src && !allocated_data_bytes(src, cluster_size, &data)) {
        return false;
    }
    res->fully_allocated = meta + aligned;
    res->required = meta + data;
    res->has_bitmaps = src && !strcmp(src->drv->format_name, "qcow2");
    return true;
}

static void measure_raw(Opts *opts, uint64_t size, MeasureResult *res)
{
    /* qemu-img takes preallocation here without even checking the value. */
    opts_get(opts, "preallocation");
    opts_get(opts, "size");
    /*
     * A raw image is its guest data byte for byte, in whole sectors:
     * every byte counts.
     */
    res->required = res->fully_allocated = div_up(size, 512) * 512;
}

static void measure_print(const MeasureResult *r, bool json)
{
    if (json) {
        printf("{\n");
        if (r->has_bitmaps) {
            printf("    \"bitmaps\": 0,\n");
        }
        printf("    \"required\": %" PRIu64 ",\n", r->required);
        printf("    \"fully-allocated\": %" PRIu64 "\n", r->fully_allocated);
        printf("}\n");
        return;
    }
    printf("required size: %" PRIu64 "\n", r->required);
    printf("fully allocated size: %" PRIu64 "\n", r->fully_allocated);
    if (r->has_bitmaps) {
        printf("bitmaps size: 0\n");
    }
}

int img_measure(int argc, char **argv)
{
    const char *fmt = NULL, *out_fmt = "raw", *output = "human";
    const char *size_arg = NULL;
    bool force_share = false, json;
    GString *options = g_string_new(NULL);
    int ret = 1;
    static const struct option longopts[] = {
        { "help", no_argument, 0, 'h' },
        { "output", required_argument, 0, 'o' + 256 },
        { "size", required_argument, 0, 's' + 256 },
        { "force-share", no_argument, 0, 'U' },
        { 0 },
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":hf:O:o:U", longopts, NULL))
           != -1) {
        switch (c) {
        case 'h': g_string_free(options, true); return 0;
        case 'f': fmt = optarg; break;
        case 'O': out_fmt = optarg; break;
        case 'o':
            if (options->len) {
                g_string_append_c(options, ',');
            }
            g_string_append(options, optarg);
            break;
        case 'U': force_share = true; break;
        case 'o' + 256: output = optarg; break;
        case 's' + 256: size_arg = optarg; break;
        case ':': img_error_exit("missing argument for option '%s'",
                                 argv[optind - 1]);
        default: img_error_exit("unrecognized option '%s'", argv[optind - 1]);
        }
    }
    if (!img_parse_output(output, &json)) {
        goto out;
    }
    const char *filename = optind < argc ? argv[optind] : NULL;
    if (optind + 1 < argc) {
        img_error_exit("Expecting one image file name");
    }
    if (filename && size_arg) {
        error_report("--size N cannot be used together with a filename.");
        goto out;
    }
    if (!filename && !size_arg) {
        error_report("Either --size N or one filename must be specified.");
        goto out;
    }
    if (!filename && (img_image_opts || fmt)) {
        error_report("--image-opts, -f, and -l require a filename argument.");
        goto out;
    }
    const BlockDriver *drv = bdrv_find_format(out_fmt);
    if (!drv) {
        error_report("Unknown file format '%s'", out_fmt);
        goto out;
    }
    if (strcmp(out_fmt, "qcow2") && strcmp(out_fmt, "raw")) {
        error_report("Block driver '%s' does not support size measurement",
                     out_fmt);
        goto out;
    }
    Error *err = NULL;
    Opts *opts = opts_parse(options->str, NULL, false, &err);
    if (!opts) {
        error_report_err(err);
        goto out;
    }
    for (guint i = 0; i < opts->pairs->len; i++) {
        OptPair *p = &g_array_index(opts->pairs, OptPair, i);
        bool known = false;
        for (const BlockCreateOpt *o = drv->create_opts; o && o->name; o++) {
            known |= !strcmp(o->name, p->key);
        }
        if (!known) {
            error_report("Invalid parameter '%s'", p->key);
            error_report("Invalid options for file format '%s'", out_fmt);
            opts_free(opts);
            goto out;
        }
    }
    uint64_t size;
    BlockDriverState *src = NULL;
    if (size_arg) {
        if (!parse_size(size_arg, &size, 'B', "size", NULL) ||
            size > INT64_MAX) {
            error_report("Invalid image size specified. You may use k, M, "
                         "G, T, P or E suffixes for");
            error_report("kilobytes, megabytes, gigabytes, terabytes, "
                         "petabytes and exabytes.");
            opts_free(opts);
            goto out;
        }
    } else {
        src = img_open(filename, fmt, 0, force_share, false);
        if (!src) {
            opts_free(opts);
            goto out;
        }
        size = src->total_bytes;
    }
    MeasureResult res = { 0 };
    bool ok = true;
    if (!strcmp(out_fmt, "qcow2")) {
        ok = measure_qcow2(opts, size, src, &res);
    } else {
        measure_raw(opts, size, &res);
    }
    opts_free(opts);
    if (src) {
        bdrv_unref(src);
    }
    if (ok) {
        measure_print(&res, json);
        ret = 0;
    }
out:
    g_string_free(options, true);
    return ret;
}
