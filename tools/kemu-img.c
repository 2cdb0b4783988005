/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kemu-img: create, inspect, check, convert and modify disk images, with
 * qemu-img's sub-commands, options, output and exit codes. This file has
 * main() and the small sub-commands; info, map and compare are in
 * img-info.c, convert in img-convert.c.
 */
#include "util/osdep.h"
#include "tools/kemu-img.h"
#include "config-host.h"
#include <getopt.h>
#include <math.h>

void img_error_exit(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_vreport(fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try '%s --help' for more information\n",
            kemu_prog_name);
    exit(1);
}

char *img_size_str(uint64_t size)
{
    return bdrv_size_to_str(size);
}

bool img_parse_cache(const char *mode, int *flags)
{
    *flags &= ~(BDRV_O_NOCACHE | BDRV_O_NO_FLUSH);
    if (!strcmp(mode, "none") || !strcmp(mode, "off")) {
        *flags |= BDRV_O_NOCACHE;
    } else if (!strcmp(mode, "directsync")) {
        *flags |= BDRV_O_NOCACHE;
    } else if (!strcmp(mode, "unsafe")) {
        *flags |= BDRV_O_NO_FLUSH;
    } else if (strcmp(mode, "writeback") && strcmp(mode, "writethrough")) {
        return false;
    }
    return true;
}

/*
 * Shared by every subcommand with --output, so that they all accept the
 * same two words and reject anything else with the same message.
 */
bool img_parse_output(const char *output, bool *json)
{
    *json = !strcmp(output, "json");
    if (!*json && strcmp(output, "human")) {
        error_report("--output must be used with human or json as argument.");
        return false;
    }
    return true;
}

void img_progress(double pct, bool enabled)
{
    if (enabled) {
        printf("    (%3.2f/100%%)\r", pct);
        fflush(stdout);
    }
}

BlockDriverState *img_open(const char *filename, const char *fmt, int flags,
                           bool force_share, bool quiet)
{
    Error *err = NULL;
    if (img_image_opts && fmt) {
        error_report("--image-opts and --format are mutually exclusive");
        return NULL;
    }
    if (force_share) {
        if (flags & BDRV_O_RDWR) {
            error_report("--force-share/-U is not allowed with a writable "
                         "image");
            return NULL;
        }
        flags |= BDRV_O_FORCE_SHARE;
    }
    if (img_image_opts) {
        return img_open_image_opts(filename, flags);
    }
    BlockDriverState *bs = bdrv_open(filename, fmt, NULL, flags, &err);
    if (!bs) {
        error_report_err(err);
    }
    return bs;
}

bool img_print_create_opts(const char *fmt)
{
    const BlockDriver *drv = bdrv_find_format(fmt);
    if (!drv || !drv->create_opts) {
        error_report("Unknown file format '%s'", fmt);
        return false;
    }
    printf("Supported options:\n");
    for (const BlockCreateOpt *o = drv->create_opts; o->name; o++) {
        printf("  %-16s - %s\n", o->name, o->help);
    }
    return true;
}

static void help(void)
{
    printf(
"kemu-img version " KEMU_VERSION " (kemu)\n"
"usage: kemu-img [standard options] command [command options]\n"
"Disk image utility, with qemu-img's commands and options.\n"
"\n"
"    '-h', '--help'       print this help and exit\n"
"    '-V', '--version'    print the version and exit\n"
"\n"
"Commands:\n"
"\n"
"  amend [-f fmt] [-q] -o options filename\n"
"  bench [-c count] [-d depth] [-f fmt] [--flush-interval=N] [-n] [-o offset]\n"
"          [--pattern=N] [-q] [-s buffer_size] [-S step] [-t cache] [-w] [-U]\n"
"          filename\n"
"  check [-q] [-f fmt] [--output=ofmt] [-r [leaks | all]] [-U] filename\n"
"  compare [-f fmt] [-F fmt] [-q] [-s] [-U] filename1 filename2\n"
"  convert [-c] [-f fmt] [-O output_fmt] [-o options] [-p] [-q] [-n]\n"
"          [-S sparse_size] [-m num] [-W] [-B backing_file] [-U]\n"
"          [--target-is-zero] filename [filename2 [...]] output_filename\n"
"  create [-q] [-f fmt] [-b backing_file [-F backing_fmt]] [-u] [-o options]\n"
"          filename [size]\n"
"  info [-f fmt] [--output=ofmt] [--backing-chain] [-U] filename\n"
"  commit [-q] [-f fmt] [-b base] [-d] [-p] filename\n"
"  dd [-f fmt] [-O output_fmt] [bs=block_size] [count=blocks] [skip=blocks]\n"
"          if=input of=output\n"
"  map [-f fmt] [--output=ofmt] [-U] filename\n"
"  measure [--output=ofmt] [-O output_fmt] [-o options] [--size N | [-f fmt]\n"
"          [-U] filename]\n"
"  rebase [-f fmt] [-p] [-q] [-u] [-U] -b backing_file [-F backing_fmt]\n"
"          filename\n"
"  snapshot [-q] [-l | -a snapshot | -c snapshot | -d snapshot] [-U]\n"
"          filename\n"
"  resize [-f fmt] [-q] [--shrink] [--preallocation=prealloc] filename\n"
"          [+ | -]size\n"
"\n"
"'--object secret,id=ID,data=...' and '--image-opts' (the filename is then\n"
"an option string such as driver=qcow2,file.filename=X) work as in qemu-img.\n"
"\n"
"Sizes take the suffixes k/K, M, G, T, P and E (powers of 1024).\n"
"Supported formats: file host_device null-co qcow2 raw\n");
}

/* Appends "key=value" to a comma list, escaping commas in the value. */
static void opt_append(GString *o, const char *key, const char *value)
{
    if (o->len) {
        g_string_append_c(o, ',');
    }
    g_string_append_printf(o, "%s=", key);
    for (const char *p = value; *p; p++) {
        if (*p == ',') {
            g_string_append_c(o, ',');
        }
        g_string_append_c(o, *p);
    }
}

/* qemu-img's "Formatting" line lists options in its own order. */
static void print_formatting(const char *filename, const char *fmt,
                             Opts *opts, uint64_t size)
{
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "Formatting '%s', fmt=%s", filename, fmt);
    if (!strcmp(fmt, "qcow2")) {
        const char *v;
        g_string_append_printf(s, " cluster_size=%s",
            (v = opts_get(opts, "cluster_size")) ? v : "65536");
        uint64_t cs;
        if (v && parse_size(v, &cs, 'B', "cluster_size", NULL)) {
            g_string_truncate(s, s->len - strlen(v));
            g_string_append_printf(s, "%" PRIu64, cs);
        }
        g_string_append_printf(s, " extended_l2=%s",
            (v = opts_get(opts, "extended_l2")) ? v : "off");
        if ((v = opts_get(opts, "preallocation"))) {
            g_string_append_printf(s, " preallocation=%s", v);
        }
        g_string_append_printf(s, " compression_type=%s",
            (v = opts_get(opts, "compression_type")) ? v : "zlib");
        g_string_append_printf(s, " size=%" PRIu64, size);
        if ((v = opts_get(opts, "backing_file"))) {
            g_string_append_printf(s, " backing_file=%s", v);
        }
        if ((v = opts_get(opts, "backing_fmt"))) {
            g_string_append_printf(s, " backing_fmt=%s", v);
        }
        if ((v = opts_get(opts, "compat"))) {
            g_string_append_printf(s, " compat=%s", v);
        }
        g_string_append_printf(s, " lazy_refcounts=%s",
            (v = opts_get(opts, "lazy_refcounts")) ? v : "off");
        g_string_append_printf(s, " refcount_bits=%s",
            (v = opts_get(opts, "refcount_bits")) ? v : "16");
    } else {
        g_string_append_printf(s, " size=%" PRIu64, size);
        const char *v = opts_get(opts, "preallocation");
        if (v) {
            g_string_append_printf(s, " preallocation=%s", v);
        }
    }
    printf("%s\n", s->str);
    g_string_free(s, true);
}

static bool parse_img_size(const char *str, uint64_t *out)
{
    if (!parse_size(str, out, 'B', "size", NULL) || *out > INT64_MAX) {
        error_report("Invalid image size specified. You may use k, M, G, T, "
                     "P or E suffixes for");
        error_report("kilobytes, megabytes, gigabytes, terabytes, petabytes "
                     "and exabytes.");
        return false;
    }
    return true;
}

static int img_create(int argc, char **argv)
{
    const char *fmt = "raw", *base = NULL, *base_fmt = NULL;
    bool quiet = false, unsafe = false;
    GString *options = g_string_new(NULL);
    static const struct option longopts[] = {
        { "help", no_argument, 0, 'h' },
        { 0 },
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":F:b:f:ho:qu", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'b': base = optarg; break;
        case 'F': base_fmt = optarg; break;
        case 'u': unsafe = true; break;
        case 'q': quiet = true; break;
        case 'o':
            if (!strcmp(optarg, "help") || !strcmp(optarg, "?")) {
                return img_print_create_opts(fmt) ? 0 : 1;
            }
            if (options->len) {
                g_string_append_c(options, ',');
            }
            g_string_append(options, optarg);
            break;
        case 'h': help(); return 0;
        case ':': img_error_exit("missing argument for option '%s'",
                                 argv[optind - 1]);
        default: img_error_exit("unrecognized option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc) {
        img_error_exit("Expecting image file name");
    }
    const char *filename = argv[optind++];
    uint64_t size = 0;
    bool have_size = false;
    if (optind < argc) {
        if (!parse_img_size(argv[optind++], &size)) {
            return 1;
        }
        have_size = true;
    }
    if (optind != argc) {
        img_error_exit("Unexpected argument: %s", argv[optind]);
    }
    const BlockDriver *drv = bdrv_find_format(fmt);
    if (!drv || !drv->create_opts) {
        error_report("%s: Unknown file format '%s'", filename, fmt);
        return 1;
    }
    if (base) {
        opt_append(options, "backing_file", base);
    }
    if (base_fmt) {
        opt_append(options, "backing_fmt", base_fmt);
    }
    Error *err = NULL;
    Opts *opts = opts_parse(options->str, NULL, false, &err);
    g_string_free(options, true);
    if (!opts) {
        error_report("%s: %s", filename, error_get_pretty(err));
        error_free(err);
        return 1;
    }
    for (guint i = 0; i < opts->pairs->len; i++) {
        OptPair *p = &g_array_index(opts->pairs, OptPair, i);
        bool known = false;
        for (const BlockCreateOpt *o = drv->create_opts; o->name; o++) {
            known |= !strcmp(o->name, p->key);
        }
        if (!known) {
            error_report("%s: Invalid parameter '%s'", filename, p->key);
            opts_free(opts);
            return 1;
        }
    }
    if (opts_get(opts, "size")) {
        if (!parse_img_size(opts_get(opts, "size"), &size)) {
            opts_free(opts);
            return 1;
        }
        have_size = true;
    }
    const char *bfile = opts_get(opts, "backing_file");
    const char *bfmt = opts_get(opts, "backing_fmt");
    if (bfile && !drv->supports_backing) {
        error_report("%s: Backing file not supported for file format '%s'",
                     filename, fmt);
        opts_free(opts);
        return 1;
    }
    if (bfile && !unsafe) {
        g_autofree char *path = bdrv_backing_path(filename, bfile);
        BlockDriverState *bbs = bdrv_open(path, bfmt, NULL,
                                          BDRV_O_NO_BACKING, &err);
        if (!bbs) {
            /* The protocol already named the file once. */
            const char *msg = error_get_pretty(err);
            g_autofree char *twice = g_strdup_printf("Could not open '%s': ",
                                                     path);
            if (g_str_has_prefix(msg, twice) &&
                g_str_has_prefix(msg + strlen(twice), twice)) {
                msg += strlen(twice);
            }
            error_report("%s: %s", filename, msg);
            fprintf(stderr, "Could not open backing image.\n");
            error_free(err);
            opts_free(opts);
            return 1;
        }
        if (!bfmt) {
            error_report("%s: Backing file specified without backing format",
                         filename);
            fprintf(stderr, "Detected format of %s.",
                    bbs->drv->format_name);
            bdrv_unref(bbs);
            opts_free(opts);
            return 1;
        }
        if (!have_size) {
            size = bbs->total_bytes;
            have_size = true;
        }
        bdrv_unref(bbs);
    } else if (bfile && !bfmt) {
        error_report("%s: Backing file specified without backing format",
                     filename);
        opts_free(opts);
        return 1;
    }
    if (!have_size) {
        error_report("%s: Image creation needs a size parameter", filename);
        opts_free(opts);
        return 1;
    }
    g_autofree char *size_s = g_strdup_printf("%" PRIu64, size);
    opts_set(opts, "size", size_s);
    if (!quiet) {
        print_formatting(filename, fmt, opts, size);
        fflush(stdout);
    }
    bool ok = bdrv_create(drv, filename, opts, &err);
    opts_free(opts);
    if (!ok) {
        error_report("%s: %s", filename, error_get_pretty(err));
        error_free(err);
        return 1;
    }
    return 0;
}

static void check_print_json(BlockDriverState *bs, const char *filename,
                             BdrvCheckResult *r)
{
    printf("{\n");
    if (r->image_end_offset) {
        printf("    \"image-end-offset\": %" PRId64 ",\n", r->image_end_offset);
    }
    printf("    \"total-clusters\": %" PRId64 ",\n", r->total_clusters);
    printf("    \"check-errors\": %d,\n", r->check_errors);
    if (r->leaks) {
        printf("    \"leaks\": %d,\n", r->leaks);
    }
    if (r->corruptions) {
        printf("    \"corruptions\": %d,\n", r->corruptions);
    }
    if (r->leaks_fixed) {
        printf("    \"leaks-fixed\": %d,\n", r->leaks_fixed);
    }
    if (r->corruptions_fixed) {
        printf("    \"corruptions-fixed\": %d,\n", r->corruptions_fixed);
    }
    if (r->allocated_clusters) {
        printf("    \"allocated-clusters\": %" PRId64 ",\n",
               r->allocated_clusters);
    }
    if (r->fragmented_clusters) {
        printf("    \"fragmented-clusters\": %" PRId64 ",\n",
               r->fragmented_clusters);
    }
    if (r->compressed_clusters) {
        printf("    \"compressed-clusters\": %" PRId64 ",\n",
               r->compressed_clusters);
    }
    printf("    \"filename\": \"%s\",\n", filename);
    printf("    \"format\": \"%s\"\n}\n", bs->drv->format_name);
}

static void check_print_human(BdrvCheckResult *r, bool quiet)
{
    if (quiet) {
        return;
    }
    if (r->leaks || r->corruptions || r->check_errors) {
        if (r->corruptions) {
            printf("\n%d errors were found on the image.\n"
                   "Data may be corrupted, or further writes to the image "
                   "may corrupt it.\n", r->corruptions);
        }
        if (r->leaks) {
            printf("\n%d leaked clusters were found on the image.\n"
                   "This means waste of disk space, but no harm to data.\n",
                   r->leaks);
        }
        if (r->check_errors) {
            printf("\n%d internal errors have occurred during the check.\n",
                   r->check_errors);
        }
    } else {
        printf("No errors were found on the image.\n");
    }
    if (r->total_clusters && r->allocated_clusters) {
        printf("%" PRId64 "/%" PRId64 " = %0.2f%% allocated, %0.2f%% "
               "fragmented, %0.2f%% compressed clusters\n",
               r->allocated_clusters, r->total_clusters,
               r->allocated_clusters * 100.0 / r->total_clusters,
               r->fragmented_clusters * 100.0 / r->allocated_clusters,
               r->compressed_clusters * 100.0 / r->allocated_clusters);
    }
    if (r->image_end_offset) {
        printf("Image end offset: %" PRId64 "\n", r->image_end_offset);
    }
}

static int run_check(BlockDriverState *bs, BdrvCheckResult *r, int fix)
{
    memset(r, 0, sizeof(*r));
    r->messages = g_string_new(NULL);
    int ret = bs->drv->check(bs, r, fix);
    return ret;
}

static int img_check(int argc, char **argv)
{
    const char *fmt = NULL, *output = "human", *cache = "writeback";
    bool quiet = false, force_share = false;
    int fix = 0, c, flags = 0;
    static const struct option longopts[] = {
        { "help", no_argument, 0, 'h' },
        { "format", required_argument, 0, 'f' },
        { "repair", required_argument, 0, 'r' },
        { "output", required_argument, 0, 'o' + 256 },
        { "force-share", no_argument, 0, 'U' },
        { 0 },
    };
    optind = 1;
    while ((c = getopt_long(argc, argv, ":hf:r:T:qU", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'r':
            flags |= BDRV_O_RDWR | BDRV_O_CHECK;
            if (!strcmp(optarg, "leaks")) {
                fix = BDRV_FIX_LEAKS;
            } else if (!strcmp(optarg, "all")) {
                fix = BDRV_FIX_LEAKS | BDRV_FIX_ERRORS;
            } else {
                img_error_exit("Unknown option value for -r "
                               "(expecting 'leaks' or 'all'): %s", optarg);
            }
            break;
        case 'o' + 256: output = optarg; break;
        case 'T': cache = optarg; break;
        case 'q': quiet = true; break;
        case 'U': force_share = true; break;
        case 'h': help(); return 0;
        case ':': img_error_exit("missing argument for option '%s'",
                                 argv[optind - 1]);
        default: img_error_exit("unrecognized option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1) {
        img_error_exit("Expecting one image file name");
    }
    bool json;
    if (!img_parse_output(output, &json)) {
        return 1;
    }
    if (!img_parse_cache(cache, &flags)) {
        error_report("Invalid source cache option: %s", cache);
        return 1;
    }
    const char *filename = argv[optind];
    BlockDriverState *bs = img_open(filename, fmt, flags | BDRV_O_CHECK,
                                    force_share, quiet);
    if (!bs) {
        return 1;
    }
    if (!bs->drv->check) {
        if (json) {
            printf("{\n    \"check-errors\": 0,\n    \"filename\": \"%s\",\n"
                   "    \"format\": \"%s\"\n}\n", filename,
                   bs->drv->format_name);
        } else {
            error_report("This image format does not support checks");
        }
        bdrv_unref(bs);
        return 63;
    }
    BdrvCheckResult r;
    int ret = run_check(bs, &r, fix);
    if (!quiet) {
        fputs(r.messages->str, stderr);
    }
    if (fix && ret == 0 && (r.corruptions_fixed || r.leaks_fixed)) {
        BdrvCheckResult first = r;
        if (!quiet && !json) {
            printf("The following inconsistencies were found and repaired:\n"
                   "\n    %d leaked clusters\n    %d corruptions\n\n"
                   "Double checking the fixed image now...\n",
                   r.leaks_fixed, r.corruptions_fixed);
        }
        g_string_free(r.messages, true);
        ret = run_check(bs, &r, 0);
        if (!quiet) {
            fputs(r.messages->str, stderr);
        }
        r.leaks_fixed = first.leaks_fixed;
        r.corruptions_fixed = first.corruptions_fixed;
    }
    if (ret < 0) {
        error_report("Check failed: %s", strerror(-ret));
        g_string_free(r.messages, true);
        bdrv_unref(bs);
        return 1;
    }
    if (json) {
        check_print_json(bs, filename, &r);
    } else {
        check_print_human(&r, quiet);
    }
    g_string_free(r.messages, true);
    bdrv_unref(bs);
    /* 0 clean, 1 check failed, 2 corruptions, 3 leaks only. */
    if (r.check_errors) {
        return 1;
    }
    if (r.corruptions) {
        return 2;
    }
    if (r.leaks) {
        return 3;
    }
    return 0;
}

static int img_resize(int argc, char **argv)
{
    const char *fmt = NULL;
    bool quiet = false, shrink = false;
    PreallocMode prealloc = PREALLOC_MODE_OFF;
    int c;
    static const struct option longopts[] = {
        { "help", no_argument, 0, 'h' },
        { "preallocation", required_argument, 0, 'p' + 256 },
        { "shrink", no_argument, 0, 's' + 256 },
        { 0 },
    };
    /* A size like "-1G" must not be taken for an option. */
    if (argc > 1 && argv[argc - 1][0] == '-' &&
        g_ascii_isdigit(argv[argc - 1][1])) {
        argv[argc - 1][0] = '~';
    }
    optind = 1;
    while ((c = getopt_long(argc, argv, ":f:hq", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'q': quiet = true; break;
        case 'h': help(); return 0;
        case 'p' + 256: {
            Error *err = NULL;
            if (!prealloc_mode_parse(optarg, &prealloc, &err)) {
                error_report("Invalid preallocation mode '%s'", optarg);
                error_free(err);
                return 1;
            }
            break;
        }
        case 's' + 256: shrink = true; break;
        case ':': img_error_exit("missing argument for option '%s'",
                                 argv[optind - 1]);
        default: img_error_exit("unrecognized option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 2) {
        img_error_exit("Expecting image file name and size");
    }
    const char *filename = argv[optind];
    char *sz = argv[optind + 1];
    int rel = 0;
    if (sz[0] == '+') {
        rel = 1;
        sz++;
    } else if (sz[0] == '-' || sz[0] == '~') {
        rel = -1;
        sz++;
    }
    uint64_t n;
    if (!parse_img_size(sz, &n)) {
        return 1;
    }
    BlockDriverState *bs = img_open(filename, fmt, BDRV_O_RDWR, false, quiet);
    if (!bs) {
        return 1;
    }
    int64_t cur = bdrv_getlength(bs);
    int64_t total = rel > 0 ? cur + (int64_t)n : rel < 0 ? cur - (int64_t)n
                                                         : (int64_t)n;
    int ret = 0;
    if (total < 0) {
        error_report("New image size must be positive");
        ret = 1;
    } else if (total < cur && !shrink) {
        error_report("Use the --shrink option to perform a shrink "
                     "operation.");
        warn_report("Shrinking an image will delete all data beyond the "
                    "shrunken image's end. Before performing such an "
                    "operation, make sure there is no important data "
                    "there.");
        ret = 1;
    } else if (total < cur && prealloc != PREALLOC_MODE_OFF) {
        error_report("Preallocation can only be used for growing images");
        ret = 1;
    } else {
        Error *err = NULL;
        if (!bdrv_truncate(bs, total, true, prealloc, &err)) {
            error_report_err(err);
            ret = 1;
        } else if (bdrv_flush(bs) < 0) {
            error_report("Could not flush the image");
            ret = 1;
        } else if (!quiet) {
            printf("Image resized.\n");
        }
    }
    bdrv_unref(bs);
    return ret;
}

typedef struct ImgCmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    bool takes_image_opts;
    bool takes_object;      /* all but bench, as in qemu-img 7.2 */
} ImgCmd;

static const ImgCmd cmds[] = {
    { "amend", img_amend, true, true },
    { "bench", img_bench, true, false },
    { "check", img_check, true, true },
    { "commit", img_commit, true, true },
    { "compare", img_compare, true, true },
    { "convert", img_convert, true, true },
    { "create", img_create, false, true },
    { "dd", img_dd, true, true },
    { "info", img_info, true, true },
    { "map", img_map, true, true },
    { "measure", img_measure, true, true },
    { "rebase", img_rebase, true, true },
    { "resize", img_resize, true, true },
    { "snapshot", img_snapshot, true, true },
};

/*
 * --object and --image-opts mean the same to every sub-command, so they
 * are taken out of argv here, before the sub-command's getopt sees it.
 * Returns the new argc, or -1 after an error was printed.
 */
static int take_common_opts(const ImgCmd *cmd, int argc, char **argv)
{
    int out = 1, i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            break;
        }
        if (cmd->takes_object &&
            (!strcmp(a, "--object") || g_str_has_prefix(a, "--object="))) {
            const char *val = a[8] == '=' ? a + 9 : argv[++i];
            if (!val) {
                img_error_exit("missing argument for option '--object'");
            }
            if (!img_add_object(val)) {
                return -1;
            }
            continue;
        }
        if (!strcmp(a, "--image-opts") && cmd->takes_image_opts) {
            img_image_opts = true;
            continue;
        }
        argv[out++] = argv[i];
    }
    for (; i < argc; i++) {
        argv[out++] = argv[i];
    }
    argv[out] = NULL;
    return out;
}

int main(int argc, char **argv)
{
    kemu_prog_name = "kemu-img";
    if (argc < 2) {
        img_error_exit("Not enough arguments");
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
        help();
        return 0;
    }
    if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
        printf("kemu-img version " KEMU_VERSION " (kemu)\n"
               "A disk image utility in the manner of qemu-img.\n");
        return 0;
    }
    for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
        if (!strcmp(cmd, cmds[i].name)) {
            int n = take_common_opts(&cmds[i], argc - 1, argv + 1);
            /* compare keeps 1 for "images differ": its errors are 2. */
            if (n < 0) {
                return strcmp(cmd, "compare") ? 1 : 2;
            }
            return cmds[i].fn(n, argv + 1);
        }
    }
    error_report("Command not found: %s", cmd);
    return 1;
}
