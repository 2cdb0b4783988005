/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kemu-img bench: depth coroutines issue count requests of one size at
 * offsets stepping through the image; file I/O runs in worker threads.
 */
#include "util/osdep.h"
#include "tools/kemu-img.h"
#include "block/aio.h"
#include <getopt.h>
#include <time.h>

typedef struct Bench {
    BlockDriverState *bs;
    uint64_t count, issued, done;
    uint64_t bufsize, step, offset, image_size, start;
    uint64_t flush_interval;
    bool write, no_drain;
    int pattern;
    int running;
    int error;
} Bench;

static void bench_worker(void *opaque)
{
    Bench *b = opaque;
    uint8_t *buf = g_malloc(b->bufsize);
    memset(buf, b->pattern, b->bufsize);
    while (b->issued < b->count && !b->error) {
        uint64_t off = b->offset;
        b->offset += b->step;
        if (b->offset + b->bufsize > b->image_size) {
            b->offset = b->start;
        }
        b->issued++;
        int ret = b->write ? bdrv_pwrite(b->bs, off, b->bufsize, buf)
                           : bdrv_pread(b->bs, off, b->bufsize, buf);
        if (ret < 0) {
            error_report("Failed request: %s", strerror(-ret));
            b->error = 1;
            break;
        }
        b->done++;
        if (b->flush_interval && b->done % b->flush_interval == 0) {
            ret = bdrv_flush(b->bs);
            if (ret < 0) {
                error_report("Failed flush request: %s", strerror(-ret));
                b->error = 1;
            }
        }
    }
    g_free(buf);
    b->running--;
}

int img_bench(int argc, char **argv)
{
    const char *fmt = NULL, *cache = "writeback";
    Bench b = { .count = 75000, .bufsize = 4096, .pattern = 0xa5 };
    int depth = 64, c, flags = 0;
    bool quiet = false, force_share = false, step_set = false;
    static const struct option longopts[] = {
        { "help", no_argument, 0, 'h' },
        { "flush-interval", required_argument, 0, 'F' + 256 },
        { "no-drain", no_argument, 0, 'N' + 256 },
        { "pattern", required_argument, 0, 'P' + 256 },
        { "force-share", no_argument, 0, 'U' },
        { 0 },
    };
    optind = 0;
    while ((c = getopt_long(argc, argv, ":hc:d:f:ni:o:qs:S:t:wU", longopts,
                            NULL)) != -1) {
        uint64_t v;
        switch (c) {
        case 'c':
            if (!parse_uint64(optarg, &v, "c", NULL) || v > INT_MAX) {
                error_report("Invalid request count specified");
                return 1;
            }
            b.count = v;
            break;
        case 'd':
            if (!parse_uint64(optarg, &v, "d", NULL) || !v || v > INT_MAX) {
                error_report("Invalid queue depth specified");
                return 1;
            }
            depth = v;
            break;
        case 'f': fmt = optarg; break;
        case 'n': flags |= BDRV_O_NOCACHE; break;
        case 'i':
            if (!strcmp(optarg, "threads")) {
                flags |= BDRV_O_AIO_THREADS;
            } else if (strcmp(optarg, "io_uring") && strcmp(optarg, "native")) {
                error_report("Invalid aio option: %s", optarg);
                return 1;
            }
            break;
        case 'o':
            if (!parse_size(optarg, &b.offset, 'B', "o", NULL)) {
                error_report("Invalid offset specified");
                return 1;
            }
            break;
        case 'q': quiet = true; break;
        case 's':
            if (!parse_size(optarg, &b.bufsize, 'B', "s", NULL) ||
                !b.bufsize || b.bufsize > INT_MAX) {
                error_report("Invalid buffer size specified");
                return 1;
            }
            break;
        case 'S':
            if (!parse_size(optarg, &b.step, 'B', "S", NULL) ||
                b.step > INT_MAX) {
                error_report("Invalid step size specified");
                return 1;
            }
            step_set = true;
            break;
        case 't': cache = optarg; break;
        case 'w': b.write = true; flags |= BDRV_O_RDWR; break;
        case 'U': force_share = true; break;
        case 'F' + 256:
            if (!parse_uint64(optarg, &v, "flush-interval", NULL) ||
                v > INT_MAX) {
                error_report("Invalid flush interval specified");
                return 1;
            }
            b.flush_interval = v;
            break;
        case 'N' + 256: b.no_drain = true; break;
        case 'P' + 256:
            if (!parse_uint64(optarg, &v, "pattern", NULL) || v > 0xff) {
                error_report("Invalid pattern byte specified");
                return 1;
            }
            b.pattern = v;
            break;
        case 'h': return 0;
        case ':': img_error_exit("missing argument for option '%s'",
                                 argv[optind - 1]);
        default: img_error_exit("unrecognized option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1) {
        img_error_exit("Expecting one image file name");
    }
    if (b.flush_interval && b.flush_interval < (uint64_t)depth) {
        error_report("Flush interval can't be smaller than depth");
        return 1;
    }
    if (b.flush_interval && !b.write) {
        error_report("--flush-interval is only available in write tests");
        return 1;
    }
    if (!img_parse_cache(cache, &flags)) {
        error_report("Invalid cache mode");
        return 1;
    }
    if (!step_set) {
        b.step = b.bufsize;
    }
    b.start = b.offset;
    b.bs = img_open(argv[optind], fmt, flags, force_share, quiet);
    if (!b.bs) {
        return 1;
    }
    b.image_size = b.bs->total_bytes;
    if (b.image_size < b.bufsize + b.offset) {
        error_report("Image is too small for the requests");
        bdrv_unref(b.bs);
        return 1;
    }
    if (!quiet) {
        printf("Sending %" PRIu64 " %s requests, %" PRIu64 " bytes each, %d "
               "in parallel (starting at offset %" PRIu64 ", step size %"
               PRIu64 ")\n", b.count, b.write ? "write" : "read", b.bufsize,
               depth, b.offset, b.step);
        fflush(stdout);
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int n = (int)MIN((uint64_t)depth, MAX(b.count, 1));
    b.running = n;
    for (int i = 0; i < n; i++) {
        coroutine_enter(coroutine_create(bench_worker, &b));
    }
    while (b.running > 0) {
        block_aio_poll(true);
    }
    if (b.write && !b.error && bdrv_flush(b.bs) < 0) {
        b.error = 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!quiet && !b.error) {
        printf("Run completed in %3.3f seconds.\n",
               (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    }
    bdrv_unref(b.bs);
    return b.error ? 1 : 0;
}
