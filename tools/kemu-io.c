/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kemu-io: runs read/write/discard/flush commands against an image, as
 * qemu-io -c does. Tests use it to write into images through kemu's block
 * layer, for interoperability checks against QEMU's tools.
 */
#include "util/osdep.h"
#include "block/block.h"
#include "block/write-log.h"
#include "config-host.h"
#include <getopt.h>
#include <time.h>

static bool parse_num(const char *s, uint64_t *out)
{
    return parse_size(s, out, 'B', "offset", NULL);
}

static void report(const char *what, uint64_t len, uint64_t off,
                   struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (t1.tv_sec - t0->tv_sec) + (t1.tv_nsec - t0->tv_nsec) / 1e9;
    printf("%s %" PRIu64 "/%" PRIu64 " bytes at offset %" PRIu64 "\n", what,
           len, len, off);
    printf("%" PRIu64 " bytes, 1 ops; %0.4f sec\n", len, secs);
}

/* One command line ("write -P 0xaa 0 64k"); returns false on failure. */
static bool run_cmd(BlockDriverState *bs, const char *line)
{
    gchar **argv = NULL;
    gint argc;
    if (!g_shell_parse_argv(line, &argc, &argv, NULL)) {
        error_report("invalid command: %s", line);
        return false;
    }
    const char *cmd = argv[0];
    int pattern = -1, c;
    bool zero = false, unmap = false, compressed = false;
    bool ok = false;
    /* 0, not 1: glibc then forgets its position in the previous argv. */
    optind = 0;
    while ((c = getopt(argc, argv, "+P:zucq")) != -1) {
        switch (c) {
        case 'P': {
            uint64_t p;
            if (!parse_uint64(optarg, &p, "pattern", NULL) || p > 255) {
                error_report("invalid pattern: %s", optarg);
                goto out;
            }
            pattern = p;
            break;
        }
        case 'z': zero = true; break;
        case 'u': unmap = true; break;
        case 'c': compressed = true; break;
        case 'q': break;
        default:
            error_report("%s: invalid option", cmd);
            goto out;
        }
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (!strcmp(cmd, "flush")) {
        static uint64_t flushes;
        int ret = bdrv_flush(bs);
        if (ret < 0) {
            printf("flush failed: %s\n", strerror(-ret));
        } else {
            write_log_mark(++flushes);
        }
        ok = ret == 0;
        goto out;
    }
    uint64_t off, len;
    if (argc - optind != 2 || !parse_num(argv[optind], &off) ||
        !parse_num(argv[optind + 1], &len)) {
        error_report("%s: expected offset and length", cmd);
        goto out;
    }
    if (off + len > bs->total_bytes || off + len < off) {
        printf("%s failed: Input/output error\n", cmd);
        goto out;
    }
    int ret = 0;
    if (!strcmp(cmd, "read")) {
        uint8_t *buf = g_malloc(MAX(len, 1));
        ret = bdrv_pread(bs, off, len, buf);
        if (ret == 0 && pattern >= 0) {
            for (uint64_t i = 0; i < len; i++) {
                if (buf[i] != pattern) {
                    printf("Pattern verification failed at offset %" PRIu64
                           ", %" PRIu64 " bytes\n", off + i, len - i);
                    g_free(buf);
                    goto out;
                }
            }
        }
        g_free(buf);
        if (ret == 0) {
            report("read", len, off, &t0);
        }
    } else if (!strcmp(cmd, "write")) {
        if (zero) {
            ret = bdrv_pwrite_zeroes(bs, off, len,
                                     unmap ? BDRV_REQ_MAY_UNMAP : 0);
        } else {
            uint8_t *buf = g_malloc(MAX(len, 1));
            memset(buf, pattern >= 0 ? pattern : 0xcd, len);
            if (compressed) {
                Error *err = NULL;
                if (!bs->drv->write_compressed ||
                    !bs->drv->write_compressed(bs, off, len, buf, &err)) {
                    error_free(err);
                    ret = -ENOTSUP;
                }
            } else {
                ret = bdrv_pwrite(bs, off, len, buf);
            }
            g_free(buf);
        }
        if (ret == 0) {
            report("wrote", len, off, &t0);
        }
    } else if (!strcmp(cmd, "discard")) {
        ret = bdrv_pdiscard(bs, off, len);
        if (ret == 0) {
            report("discard", len, off, &t0);
        }
    } else {
        error_report("unknown command: %s", cmd);
        goto out;
    }
    if (ret < 0) {
        printf("%s failed: %s\n", cmd, strerror(-ret));
        goto out;
    }
    ok = true;
out:
    g_strfreev(argv);
    return ok;
}

int main(int argc, char **argv)
{
    kemu_prog_name = "kemu-io";
    const char *fmt = NULL;
    int flags = BDRV_O_RDWR, c;
    bool force_share = false;
    GPtrArray *cmds = g_ptr_array_new();
    static const struct option longopts[] = {
        { "help", no_argument, 0, 'h' },
        { "format", required_argument, 0, 'f' },
        { "cmd", required_argument, 0, 'c' },
        { "read-only", no_argument, 0, 'r' },
        { "force-share", no_argument, 0, 'U' },
        { "nocache", no_argument, 0, 'n' },
        { "version", no_argument, 0, 'V' },
        { 0 },
    };
    while ((c = getopt_long(argc, argv, "+hf:c:rUnV", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'c': g_ptr_array_add(cmds, optarg); break;
        case 'r': flags &= ~BDRV_O_RDWR; break;
        case 'U': force_share = true; break;
        case 'n': flags |= BDRV_O_NOCACHE; break;
        case 'V':
            printf("kemu-io version " KEMU_VERSION " (kemu)\n");
            return 0;
        case 'h':
            printf("Usage: kemu-io [-f fmt] [-r] [-U] [-n] [-c command]... "
                   "file\n"
                   "Runs the commands against the image, in order:\n"
                   "  read [-P pattern] off len    read (and verify)\n"
                   "  write [-P pattern] [-z [-u]] [-c] off len\n"
                   "  discard off len\n  flush\n");
            return 0;
        default:
            fprintf(stderr, "Try 'kemu-io --help' for more information\n");
            return 1;
        }
    }
    if (optind != argc - 1) {
        error_report("Expecting one image file name");
        return 1;
    }
    if (force_share) {
        flags |= BDRV_O_FORCE_SHARE;
    }
    Error *err = NULL;
    BlockDriverState *bs = bdrv_open(argv[optind], fmt, NULL, flags, &err);
    if (!bs) {
        error_prepend(&err, "can't open device %s: ", argv[optind]);
        error_report_err(err);
        return 1;
    }
    int ret = 0;
    for (guint i = 0; i < cmds->len; i++) {
        if (!run_cmd(bs, g_ptr_array_index(cmds, i))) {
            ret = 1;
        }
    }
    fflush(stdout);
    if (bdrv_flush(bs) < 0) {
        ret = 1;
    }
    bdrv_unref(bs);
    g_ptr_array_free(cmds, true);
    return ret;
}
