/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kemu-img snapshot, rebase, commit and dd. */
#include "util/osdep.h"
#include "tools/kemu-img.h"
#include <getopt.h>

int img_snapshot(int argc, char **argv)
{
    enum { NONE, LIST, CREATE, APPLY, DELETE } action = NONE;
    const char *fmt = NULL, *name = NULL;
    bool quiet = false, force_share = false;
    int c;
    static const struct option longopts[] = {
        { "help", no_argument, 0, 'h' },
        { "force-share", no_argument, 0, 'U' },
        { 0 },
    };
    optind = 0;
    while ((c = getopt_long(argc, argv, ":la:c:d:f:hqU", longopts, NULL))
           != -1) {
        int a = NONE;
        switch (c) {
        case 'l': a = LIST; break;
        case 'a': a = APPLY; name = optarg; break;
        case 'c': a = CREATE; name = optarg; break;
        case 'd': a = DELETE; name = optarg; break;
        case 'f': fmt = optarg; continue;
        case 'q': quiet = true; continue;
        case 'U': force_share = true; continue;
        case 'h': return 0;
        case ':': img_error_exit("missing argument for option '%s'",
                                 argv[optind - 1]);
        default: img_error_exit("unrecognized option '%s'", argv[optind - 1]);
        }
        if (action != NONE) {
            img_error_exit("Cannot mix '-l', '-a', '-c', '-d'");
        }
        action = a;
    }
    if (optind != argc - 1) {
        img_error_exit("Expecting one image file name");
    }
    if (action == NONE) {
        action = LIST;
    }
    const char *filename = argv[optind];
    BlockDriverState *bs = img_open(filename, fmt,
                                    action == LIST ? 0 : BDRV_O_RDWR,
                                    action == LIST && force_share, quiet);
    if (!bs) {
        return 1;
    }
    int ret = 0;
    Error *err = NULL;
    const BlockDriver *drv = bs->drv;
    switch (action) {
    case LIST: {
        QEMUSnapshotInfo *sns = NULL;
        int n = drv->snapshot_list ? drv->snapshot_list(bs, &sns) : 0;
        if (n > 0) {
            GString *o = g_string_new("Snapshot list:\n");
            img_snapshot_header(o);
            for (int i = 0; i < n; i++) {
                img_snapshot_line(o, &sns[i]);
            }
            fputs(o->str, stdout);
            g_string_free(o, true);
        }
        g_free(sns);
        break;
    }
    case CREATE:
        if (!drv->snapshot_create) {
            error_report("Could not create snapshot '%s': Operation not "
                         "supported", name);
            ret = 1;
        } else if (!drv->snapshot_create(bs, name, &err)) {
            error_report("Could not create snapshot '%s': %s", name,
                         error_get_pretty(err));
            ret = 1;
        }
        break;
    case APPLY:
        if (!drv->snapshot_apply) {
            error_report("Could not apply snapshot '%s': Operation not "
                         "supported", name);
            ret = 1;
        } else if (!drv->snapshot_apply(bs, name, &err)) {
            error_report("Could not apply snapshot '%s': %s", name,
                         error_get_pretty(err));
            ret = 1;
        }
        break;
    case DELETE:
        if (!drv->snapshot_delete) {
            error_report("Could not delete snapshot '%s': Operation not "
                         "supported", name);
            ret = 1;
        } else if (!drv->snapshot_delete(bs, name, &err)) {
            error_report("Could not delete snapshot '%s': %s", name,
                         error_get_pretty(err));
            ret = 1;
        }
        break;
    default:
        break;
    }
    error_free(err);
    if (ret == 0 && bdrv_flush(bs) < 0) {
        error_report("Could not flush the image");
        ret = 1;
    }
    bdrv_unref(bs);
    return ret;
}

/* Copies [off, off+n) of the chain above base into dst where it differs. */
static int copy_changed(BlockDriverState *top, BlockDriverState *dst,
                        BlockDriverState *other, uint64_t off, uint64_t n,
                        uint8_t *a, uint8_t *b)
{
    int ret = bdrv_pread(top, off, n, a);
    if (ret < 0) {
        return ret;
    }
    if (other) {
        uint64_t olen = other->total_bytes;
        uint64_t m = off < olen ? MIN(n, olen - off) : 0;
        memset(b, 0, n);
        if (m && (ret = bdrv_pread(other, off, m, b)) < 0) {
            return ret;
        }
    } else {
        memset(b, 0, n);
    }
    if (!memcmp(a, b, n)) {
        return 0;
    }
    return bdrv_pwrite(dst, off, n, a);
}

int img_rebase(int argc, char **argv)
{
    const char *fmt = NULL, *base = NULL, *base_fmt = NULL;
    bool unsafe = false, quiet = false, progress = false, force_share = false;
    int c;
    static const struct option longopts[] = {
        { "help", no_argument, 0, 'h' },
        { "force-share", no_argument, 0, 'U' },
        { 0 },
    };
    optind = 0;
    while ((c = getopt_long(argc, argv, ":hf:F:b:upt:T:qU", longopts, NULL))
           != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'F': base_fmt = optarg; break;
        case 'b': base = optarg; break;
        case 'u': unsafe = true; break;
        case 'p': progress = true; break;
        case 'q': quiet = true; break;
        case 'U': force_share = true; break;
        case 't': case 'T': break;
        case 'h': return 0;
        case ':': img_error_exit("missing argument for option '%s'",
                                 argv[optind - 1]);
        default: img_error_exit("unrecognized option '%s'", argv[optind - 1]);
        }
    }
    if (quiet) {
        progress = false;
    }
    if (optind != argc - 1) {
        img_error_exit("Expecting one image file name");
    }
    if (!base && !unsafe) {
        img_error_exit("Must specify backing file (-b) or use unsafe mode "
                       "(-u)");
    }
    (void)force_share;
    const char *filename = argv[optind];
    int flags = BDRV_O_RDWR | (unsafe ? BDRV_O_NO_BACKING : 0);
    BlockDriverState *bs = img_open(filename, fmt, flags, false, quiet);
    if (!bs) {
        return 1;
    }
    int ret = 0;
    Error *err = NULL;
    BlockDriverState *nb = NULL;
    const char *nbase = base && base[0] ? base : NULL;
    if (nbase && !base_fmt) {
        if (unsafe) {
            error_report("Could not change the backing file to '%s': "
                         "backing format must be specified", nbase);
            bdrv_unref(bs);
            return 1;
        }
    }
    if (!unsafe && nbase) {
        g_autofree char *p = bdrv_backing_path(filename, nbase);
        nb = bdrv_open(p, base_fmt, NULL, 0, &err);
        if (!nb) {
            error_report("Could not open new backing file '%s': %s", p,
                         error_get_pretty(err));
            error_free(err);
            bdrv_unref(bs);
            return 1;
        }
        if (!base_fmt) {
            base_fmt = nb->drv->format_name;
        }
    }
    if (!unsafe) {
        /* Safe mode: what the old chain shows and the new one would not
         * is written into the image itself. */
        uint64_t chunk = MAX(bdrv_get_cluster_size(bs), 64 * 1024);
        uint8_t *a = g_malloc(chunk), *b = g_malloc(chunk);
        uint64_t len = bs->total_bytes;
        img_progress(0, progress);
        for (uint64_t off = 0; off < len && ret == 0; off += chunk) {
            uint64_t n = MIN(chunk, len - off), pnum;
            int st = bdrv_block_status(bs, off, n, &pnum, NULL, NULL);
            if (st < 0) {
                ret = st;
                break;
            }
            if ((st & BDRV_BLOCK_ALLOCATED) && pnum >= n) {
                continue;   /* the image's own data: unaffected */
            }
            ret = copy_changed(bs, bs, nb, off, n, a, b);
            img_progress((off + n) * 100.0 / len, progress);
        }
        g_free(a);
        g_free(b);
        if (ret < 0) {
            error_report("error while rebasing: %s", strerror(-ret));
        }
    }
    if (ret == 0) {
        if (!bs->drv->change_backing_file) {
            error_report("Could not change the backing file to '%s': "
                         "Operation not supported", nbase ? nbase : "");
            ret = 1;
        } else if (!bs->drv->change_backing_file(bs, nbase,
                                                 nbase ? base_fmt : NULL,
                                                 &err)) {
            error_report("Could not change the backing file to '%s': %s",
                         nbase ? nbase : "", error_get_pretty(err));
            error_free(err);
            ret = 1;
        }
    } else {
        ret = 1;
    }
    if (progress && ret == 0) {
        img_progress(100, true);
        printf("\n");
    }
    bdrv_unref(nb);
    if (bdrv_flush(bs) < 0) {
        ret = 1;
    }
    bdrv_unref(bs);
    return ret;
}

int img_commit(int argc, char **argv)
{
    const char *fmt = NULL, *base = NULL;
    bool quiet = false, progress = false, drop = false;
    int c;
    static const struct option longopts[] = {
        { "help", no_argument, 0, 'h' },
        { 0 },
    };
    optind = 0;
    while ((c = getopt_long(argc, argv, ":f:ht:b:dpqr:", longopts, NULL))
           != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'b': base = optarg; break;
        case 'd': drop = true; break;
        case 'p': progress = true; break;
        case 'q': quiet = true; break;
        case 't': case 'r': break;
        case 'h': return 0;
        case ':': img_error_exit("missing argument for option '%s'",
                                 argv[optind - 1]);
        default: img_error_exit("unrecognized option '%s'", argv[optind - 1]);
        }
    }
    if (quiet) {
        progress = false;
    }
    if (optind != argc - 1) {
        img_error_exit("Expecting one image file name");
    }
    const char *filename = argv[optind];
    BlockDriverState *bs = img_open(filename, fmt,
                                    BDRV_O_RDWR | BDRV_O_NO_BACKING, false,
                                    quiet);
    if (!bs) {
        return 1;
    }
    if (!bs->backing_file[0]) {
        error_report("Image does not have a backing file");
        bdrv_unref(bs);
        return 1;
    }
    /*
     * Build the chain by hand: layers above the base read-only, the base
     * itself writable (a read-only open of it would refuse our own writer,
     * as QEMU's locks do).
     */
    g_autofree char *want = base ? g_canonicalize_filename(base, NULL) : NULL;
    BlockDriverState *cur = bs, *target = NULL, *target_ro = NULL;
    Error *err = NULL;
    while (cur->backing_file[0]) {
        g_autofree char *path = bdrv_backing_path(cur->filename,
                                                  cur->backing_file);
        g_autofree char *canon = g_canonicalize_filename(path, NULL);
        const char *bfmt = cur->backing_format[0] ? cur->backing_format
                                                   : NULL;
        bool is_base = !want || !strcmp(canon, want);
        BlockDriverState *n = bdrv_open(path, bfmt, NULL,
                                        is_base ? BDRV_O_RDWR
                                                : BDRV_O_NO_BACKING,
                                        &err);
        if (!n) {
            error_report_err(err);
            bdrv_unref(bs);
            return 1;
        }
        cur->backing = n;
        g_strlcpy(cur->full_backing_filename, path,
                  sizeof(cur->full_backing_filename));
        if (is_base) {
            target = target_ro = n;
            break;
        }
        cur = n;
    }
    if (!target) {
        error_report("Did not find '%s' in the backing chain of '%s'",
                     base, filename);
        bdrv_unref(bs);
        return 1;
    }
    bdrv_ref(target);
    int ret = 0;
    uint64_t len = bs->total_bytes;
    if (target->total_bytes < len &&
        !bdrv_truncate(target, len, false, PREALLOC_MODE_OFF, &err)) {
        error_report_err(err);
        ret = 1;
    }
    uint64_t chunk = 2 * MiB;
    uint8_t *buf = g_malloc(chunk);
    img_progress(0, progress);
    for (uint64_t off = 0; off < len && ret == 0;) {
        uint64_t pnum;
        int st = bdrv_block_status_above(bs, target_ro, off,
                                         MIN(chunk, len - off), &pnum);
        if (st < 0) {
            ret = 1;
            break;
        }
        if (st & BDRV_BLOCK_ALLOCATED) {
            if (bdrv_pread(bs, off, pnum, buf) < 0 ||
                bdrv_pwrite(target, off, pnum, buf) < 0) {
                error_report("Block job failed: Input/output error");
                ret = 1;
                break;
            }
        }
        off += pnum;
        img_progress(off * 100.0 / len, progress);
    }
    g_free(buf);
    if (ret == 0 && bdrv_flush(target) < 0) {
        ret = 1;
    }
    bdrv_unref(target);
    if (ret == 0 && !drop && target_ro == bs->backing) {
        /* Empty the top image: its data now lives in the base. */
        int r = bs->drv->make_empty ? bs->drv->make_empty(bs) : 0;
        if (r == 0) {
            r = bdrv_flush(bs);
        }
        if (r < 0) {
            error_report("Could not empty %s: %s", filename, strerror(-r));
            ret = 1;
        }
    }
    if (progress && ret == 0) {
        img_progress(100, true);
        printf("\n");
    }
    bdrv_unref(bs);
    if (ret == 0 && !quiet) {
        printf("Image committed.\n");
    }
    return ret;
}

int img_dd(int argc, char **argv)
{
    const char *fmt = NULL, *out_fmt = "raw", *in = NULL, *out = NULL;
    uint64_t bs_size = 512, count = 0, skip = 0;
    bool have_count = false, force_share = false;
    int c;
    static const struct option longopts[] = {
        { "help", no_argument, 0, 'h' },
        { "force-share", no_argument, 0, 'U' },
        { 0 },
    };
    optind = 0;
    while ((c = getopt_long(argc, argv, ":hf:O:U", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'O': out_fmt = optarg; break;
        case 'U': force_share = true; break;
        case 'h': return 0;
        case ':': img_error_exit("missing argument for option '%s'",
                                 argv[optind - 1]);
        default: img_error_exit("unrecognized option '%s'", argv[optind - 1]);
        }
    }
    for (int i = optind; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq) {
            error_report("unrecognized operand %s", argv[i]);
            return 1;
        }
        *eq = 0;
        const char *k = argv[i], *v = eq + 1;
        uint64_t n;
        if (!strcmp(k, "if")) {
            in = v;
        } else if (!strcmp(k, "of")) {
            out = v;
        } else if (!strcmp(k, "bs") || !strcmp(k, "count") ||
                   !strcmp(k, "skip")) {
            if (!parse_size(v, &n, 'B', k, NULL) ||
                (!strcmp(k, "bs") && (n == 0 || n > INT32_MAX))) {
                error_report("invalid number: '%s'", v);
                return 1;
            }
            if (!strcmp(k, "bs")) {
                bs_size = n;
            } else if (!strcmp(k, "count")) {
                count = n;
                have_count = true;
            } else {
                skip = n;
            }
        } else {
            error_report("unrecognized operand %s", k);
            return 1;
        }
    }
    if (!in) {
        error_report("Must specify input file with if=...");
        return 1;
    }
    if (!out) {
        error_report("Must specify output file with of=...");
        return 1;
    }
    BlockDriverState *src = img_open(in, fmt, 0, force_share, false);
    if (!src) {
        return 1;
    }
    uint64_t start = skip * bs_size;
    if (skip && start / skip != bs_size) {
        error_report("Input offset too large");
        bdrv_unref(src);
        return 1;
    }
    uint64_t size = start < src->total_bytes ? src->total_bytes - start : 0;
    if (have_count && count * bs_size < size) {
        size = count * bs_size;
    }
    const BlockDriver *drv = bdrv_find_format(out_fmt);
    if (!drv || !drv->create) {
        error_report("Unknown file format '%s'", out_fmt);
        bdrv_unref(src);
        return 1;
    }
    Opts *opts = opts_new();
    g_autofree char *sz = g_strdup_printf("%" PRIu64, size);
    opts_set(opts, "size", sz);
    Error *err = NULL;
    int ret = 0;
    if (!bdrv_create(drv, out, opts, &err)) {
        error_prepend(&err, "%s: error while creating output image: ", out);
        error_report_err(err);
        opts_free(opts);
        bdrv_unref(src);
        return 1;
    }
    opts_free(opts);
    /* --image-opts describes the input only. */
    img_image_opts = false;
    BlockDriverState *dst = img_open(out, out_fmt, BDRV_O_RDWR, false, false);
    if (!dst) {
        bdrv_unref(src);
        return 1;
    }
    uint8_t *buf = g_malloc(bs_size);
    for (uint64_t off = 0; off < size; off += bs_size) {
        uint64_t n = MIN(bs_size, size - off);
        if (bdrv_pread(src, start + off, n, buf) < 0) {
            error_report("error while reading from input image file");
            ret = 1;
            break;
        }
        if (!buffer_is_zero(buf, n) && bdrv_pwrite(dst, off, n, buf) < 0) {
            error_report("error while writing to output image file");
            ret = 1;
            break;
        }
    }
    g_free(buf);
    if (bdrv_flush(dst) < 0) {
        ret = 1;
    }
    bdrv_unref(dst);
    bdrv_unref(src);
    return ret;
}

int img_amend(int argc, char **argv)
{
    const char *fmt = NULL;
    bool quiet = false;
    GString *options = g_string_new(NULL);
    int c;
    static const struct option longopts[] = {
        { "help", no_argument, 0, 'h' },
        { "force", no_argument, 0, 'F' + 256 },
        { 0 },
    };
    optind = 0;
    while ((c = getopt_long(argc, argv, ":ho:qf:t:p", longopts, NULL))
           != -1) {
        switch (c) {
        case 'o':
            if (options->len) {
                g_string_append_c(options, ',');
            }
            g_string_append(options, optarg);
            break;
        case 'f': fmt = optarg; break;
        case 'q': quiet = true; break;
        case 't': case 'p': case 'F' + 256: break;
        case 'h': g_string_free(options, true); return 0;
        case ':': img_error_exit("missing argument for option '%s'",
                                 argv[optind - 1]);
        default: img_error_exit("unrecognized option '%s'", argv[optind - 1]);
        }
    }
    if (!options->len) {
        g_string_free(options, true);
        img_error_exit("Must specify options (-o)");
    }
    if (optind != argc - 1) {
        g_string_free(options, true);
        img_error_exit("Expecting one image file name");
    }
    Error *err = NULL;
    Opts *opts = opts_parse(options->str, NULL, false, &err);
    g_string_free(options, true);
    if (!opts) {
        error_report_err(err);
        return 1;
    }
    BlockDriverState *bs = img_open(argv[optind], fmt,
                                    BDRV_O_RDWR | BDRV_O_NO_BACKING, false,
                                    quiet);
    if (!bs) {
        opts_free(opts);
        return 1;
    }
    int ret = 0;
    if (!bs->drv->amend) {
        error_report("Format driver '%s' does not support option amendment",
                     bs->drv->format_name);
        ret = 1;
    } else if (!bs->drv->amend(bs, opts, &err)) {
        error_report_err(err);
        ret = 1;
    } else if (bdrv_flush(bs) < 0) {
        error_report("Could not flush the image");
        ret = 1;
    }
    opts_free(opts);
    bdrv_unref(bs);
    return ret;
}
