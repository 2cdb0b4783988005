/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kemu-img convert: copies one or more (concatenated) images into a new
 * or existing one, skipping what reads as zero when the target starts
 * zeroed, compressing cluster by cluster with -c.
 */
#include "util/osdep.h"
#include "tools/kemu-img.h"
#include <getopt.h>

typedef struct ConvertState {
    BlockDriverState **src;
    int nsrc;
    BlockDriverState *dst;
    BlockDriverState *base;     /* -B: target's backing, to skip equal data */
    uint64_t total;
    uint64_t sparse;            /* -S: zero runs this long are not written */
    bool compress;
    bool target_zero;
    bool progress;
    uint64_t cluster;
} ConvertState;

/* Writes buf (n bytes at off), leaving out sparse-size zero runs. */
static int write_sparse(ConvertState *cs, uint64_t off, uint64_t n,
                        const uint8_t *buf)
{
    uint64_t s = cs->sparse;
    if (!s) {
        return bdrv_pwrite(cs->dst, off, n, buf);
    }
    uint64_t i = 0;
    while (i < n) {
        uint64_t len = MIN(s - ((off + i) % s), n - i);
        bool zero = buffer_is_zero(buf + i, len);
        uint64_t j = i + len;
        while (j < n) {
            uint64_t l2 = MIN(s, n - j);
            if (buffer_is_zero(buf + j, l2) != zero) {
                break;
            }
            j += l2;
        }
        int ret;
        if (zero) {
            ret = cs->target_zero ? 0
                  : bdrv_pwrite_zeroes(cs->dst, off + i, j - i, 0);
        } else {
            ret = bdrv_pwrite(cs->dst, off + i, j - i, buf + i);
        }
        if (ret < 0) {
            return ret;
        }
        i = j;
    }
    return 0;
}

static int convert_chunk(ConvertState *cs, uint64_t off, uint64_t n,
                         uint8_t *buf, uint8_t *bbuf)
{
    /* Locate the source (concatenation of all inputs). */
    uint64_t done = 0;
    while (done < n) {
        uint64_t pos = off + done, base = 0;
        int i = 0;
        while (i < cs->nsrc && pos >= base + cs->src[i]->total_bytes) {
            base += cs->src[i]->total_bytes;
            i++;
        }
        BlockDriverState *src = cs->src[i];
        uint64_t in = pos - base;
        uint64_t len = MIN(n - done, src->total_bytes - in);
        uint64_t pnum;
        int st = bdrv_block_status_above(src, NULL, in, len, &pnum);
        if (st < 0) {
            return st;
        }
        pnum = MIN(pnum, len);
        bool zero = (st & BDRV_BLOCK_ZERO) || !(st & BDRV_BLOCK_ALLOCATED);
        if (zero && !(st & BDRV_BLOCK_DATA)) {
            memset(buf + done, 0, pnum);
        } else {
            int ret = bdrv_pread(src, in, pnum, buf + done);
            if (ret < 0) {
                error_report("error while reading at byte %" PRIu64 ": %s",
                             pos, strerror(-ret));
                return ret;
            }
        }
        done += pnum;
    }
    if (cs->base) {
        /* Unchanged relative to the new backing file: leave unallocated. */
        uint64_t blen = cs->base->total_bytes;
        uint64_t m = off < blen ? MIN(n, blen - off) : 0;
        memset(bbuf, 0, n);
        if (m && bdrv_pread(cs->base, off, m, bbuf) < 0) {
            return -EIO;
        }
        for (uint64_t i = 0; i < n; i += cs->cluster) {
            uint64_t l = MIN(cs->cluster, n - i);
            if (memcmp(buf + i, bbuf + i, l)) {
                int ret = bdrv_pwrite(cs->dst, off + i, l, buf + i);
                if (ret < 0) {
                    return ret;
                }
            }
        }
        return 0;
    }
    if (cs->compress) {
        for (uint64_t i = 0; i < n; i += cs->cluster) {
            uint64_t l = MIN(cs->cluster, n - i);
            if (buffer_is_zero(buf + i, l)) {
                if (!cs->target_zero) {
                    int ret = bdrv_pwrite_zeroes(cs->dst, off + i, l, 0);
                    if (ret < 0) {
                        return ret;
                    }
                }
                continue;
            }
            Error *err = NULL;
            if (!cs->dst->drv->write_compressed(cs->dst, off + i, l, buf + i,
                                                &err)) {
                error_report_err(err);
                return -EIO;
            }
        }
        return 0;
    }
    return write_sparse(cs, off, n, buf);
}

int img_convert(int argc, char **argv)
{
    const char *fmt = NULL, *out_fmt = NULL, *out_base = NULL;
    const char *cache = "unsafe", *src_cache = "writeback";
    bool quiet = false, progress = false, skip_create = false;
    bool force_share = false, target_is_zero = false, compress = false;
    uint64_t sparse = 4096;
    GString *options = g_string_new(NULL);
    int c;
    static const struct option longopts[] = {
        { "help", no_argument, 0, 'h' },
        { "force-share", no_argument, 0, 'U' },
        { "target-is-zero", no_argument, 0, 'z' + 256 },
        { "target-image-opts", no_argument, 0, 'I' },
        { 0 },
    };
    optind = 1;
    while ((c = getopt_long(argc, argv, ":hf:O:B:Cco:l:S:pt:T:qnm:WUr:",
                            longopts, NULL)) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'O': out_fmt = optarg; break;
        case 'B': out_base = optarg; break;
        case 'c': compress = true; break;
        case 'o':
            if (!strcmp(optarg, "help") || !strcmp(optarg, "?")) {
                g_string_free(options, true);
                return img_print_create_opts(out_fmt ? out_fmt : "raw")
                       ? 0 : 1;
            }
            if (options->len) {
                g_string_append_c(options, ',');
            }
            g_string_append(options, optarg);
            break;
        case 'S':
            if (!parse_size(optarg, &sparse, 'B', "sparse", NULL) ||
                sparse > INT64_MAX / 512) {
                error_report("Invalid buffer size for sparse output "
                             "specified. Valid sizes are multiples of 512 "
                             "up to 2147483136.");
                return 1;
            }
            break;
        case 'p': progress = true; break;
        case 't': cache = optarg; break;
        case 'T': src_cache = optarg; break;
        case 'q': quiet = true; break;
        case 'n': skip_create = true; break;
        case 'm': {
            uint64_t m;
            if (!parse_uint64(optarg, &m, "m", NULL) || m < 1 || m > 16) {
                error_report("Invalid number of coroutines. Allowed number "
                             "of coroutines is between 1 and 16");
                return 1;
            }
            break;  /* requests are issued in order, one at a time */
        }
        case 'W': break;    /* in-order writes are always allowed */
        case 'C': break;
        case 'r': break;
        case 'U': force_share = true; break;
        case 'z' + 256: target_is_zero = true; break;
        case 'l':
            error_report("Snapshot conversion (-l) is not supported yet");
            return 1;
        case 'h': return 0;
        case ':': img_error_exit("missing argument for option '%s'",
                                 argv[optind - 1]);
        default: img_error_exit("unrecognized option '%s'", argv[optind - 1]);
        }
    }
    if (quiet) {
        progress = false;
    }
    int nsrc = argc - optind - 1;
    if (nsrc < 1) {
        img_error_exit("Expecting image file name");
    }
    if (target_is_zero && !skip_create) {
        error_report("--target-is-zero requires use of -n flag");
        return 1;
    }
    if (skip_create && options->len) {
        error_report("-o has no effect when skipping image creation");
        return 1;
    }
    if (sparse && (sparse % 512)) {
        error_report("Invalid buffer size for sparse output specified. "
                     "Valid sizes are multiples of 512 up to 2147483136.");
        return 1;
    }
    out_fmt = out_fmt ? out_fmt : "raw";
    const char *out_name = argv[argc - 1];
    int src_flags = 0, dst_flags = BDRV_O_RDWR;
    if (!img_parse_cache(src_cache, &src_flags)) {
        error_report("Invalid source cache option: %s", src_cache);
        return 1;
    }
    if (!img_parse_cache(cache, &dst_flags)) {
        error_report("Invalid cache option: %s", cache);
        return 1;
    }

    ConvertState cs = { .nsrc = nsrc, .sparse = sparse, .compress = compress,
                        .progress = progress };
    cs.src = g_new0(BlockDriverState *, nsrc);
    int ret = 1;
    Opts *opts = NULL;
    for (int i = 0; i < nsrc; i++) {
        cs.src[i] = img_open(argv[optind + i], fmt, src_flags, force_share,
                             quiet);
        if (!cs.src[i]) {
            goto out;
        }
        cs.total += cs.src[i]->total_bytes;
    }
    const BlockDriver *drv = bdrv_find_format(out_fmt);
    if (!drv || drv->is_protocol) {
        error_report("Unknown file format '%s'", out_fmt);
        goto out;
    }
    if (compress && !drv->write_compressed) {
        error_report("Compression not supported for this file format");
        goto out;
    }
    if (!skip_create) {
        Error *err = NULL;
        opts = opts_parse(options->str, NULL, false, &err);
        if (!opts) {
            error_report_err(err);
            goto out;
        }
        for (guint i = 0; i < opts->pairs->len; i++) {
            OptPair *p = &g_array_index(opts->pairs, OptPair, i);
            bool known = false;
            for (const BlockCreateOpt *o = drv->create_opts; o->name; o++) {
                known |= !strcmp(o->name, p->key);
            }
            if (!known) {
                error_report("Invalid parameter '%s'", p->key);
                goto out;
            }
        }
        if (out_base) {
            opts_set(opts, "backing_file", out_base);
        }
        if (opts_get(opts, "backing_file") && !opts_get(opts, "backing_fmt")) {
            /* The format of the new backing file, as probed. */
            g_autofree char *p = bdrv_backing_path(out_name,
                                                   opts_get(opts,
                                                            "backing_file"));
            BlockDriverState *b = bdrv_open(p, NULL, NULL, BDRV_O_NO_BACKING,
                                            &err);
            if (!b) {
                error_report_err(err);
                goto out;
            }
            opts_set(opts, "backing_fmt", b->drv->format_name);
            bdrv_unref(b);
        }
        g_autofree char *sz = g_strdup_printf("%" PRIu64, cs.total);
        opts_set(opts, "size", sz);
        if (!bdrv_create(drv, out_name, opts, &err)) {
            error_prepend(&err, "%s: error while converting %s: ",
                          out_name, out_fmt);
            error_report_err(err);
            goto out;
        }
        cs.target_zero = !opts_get(opts, "backing_file");
        const char *pre = opts_get(opts, "preallocation");
        if (pre && strcmp(pre, "off") && strcmp(pre, "metadata")) {
            /* Preallocated data is zero too, but must stay allocated:
             * writing zeroes keeps it as it is. */
        }
    } else {
        cs.target_zero = target_is_zero;
    }
    /* --image-opts describes the sources only. */
    img_image_opts = false;
    cs.dst = img_open(out_name, skip_create ? NULL : out_fmt,
                      dst_flags | BDRV_O_NO_BACKING, false, quiet);
    if (!cs.dst) {
        goto out;
    }
    if (out_base && cs.dst->backing_file[0]) {
        Error *err = NULL;
        if (!bdrv_open_backing(cs.dst, &err)) {
            error_report_err(err);
            goto out;
        }
        cs.base = cs.dst->backing;
    }
    if (skip_create && cs.dst->total_bytes < cs.total) {
        error_report("Target image too small: %" PRIu64 " < %" PRIu64,
                     cs.dst->total_bytes, cs.total);
        goto out;
    }
    cs.cluster = bdrv_get_cluster_size(cs.dst);
    if (!cs.cluster) {
        cs.cluster = 64 * KiB;
    }
    uint64_t chunk = MAX(2 * MiB, cs.cluster);
    uint8_t *buf = g_malloc(chunk), *bbuf = cs.base ? g_malloc(chunk) : NULL;
    img_progress(0, progress);
    ret = 0;
    for (uint64_t off = 0; off < cs.total; off += chunk) {
        uint64_t n = MIN(chunk, cs.total - off);
        int r = convert_chunk(&cs, off, n, buf, bbuf);
        if (r < 0) {
            error_report("error while writing at byte %" PRIu64 ": %s", off,
                         strerror(-r));
            ret = 1;
            break;
        }
        img_progress((off + n) * 100.0 / cs.total, progress);
    }
    if (progress && ret == 0) {
        img_progress(100, true);
        printf("\n");
    }
    g_free(buf);
    g_free(bbuf);
    if (ret == 0 && bdrv_flush(cs.dst) < 0) {
        error_report("Could not flush the new image");
        ret = 1;
    }
out:
    if (cs.dst) {
        bdrv_unref(cs.dst);
    }
    for (int i = 0; i < nsrc; i++) {
        bdrv_unref(cs.src[i]);
    }
    g_free(cs.src);
    if (opts) {
        opts_free(opts);
    }
    g_string_free(options, true);
    return ret;
}
