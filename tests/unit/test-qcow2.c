/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 metadata unit tests: refcount entry packing for every width,
 * compressed cluster descriptors, and create/write/reopen/read/check
 * round trips against an in-memory mirror across cluster sizes, refcount
 * widths and versions (including refcount table growth).
 */
#include "util/osdep.h"
#include "block/block.h"
#include "../../block/qcow2.h"
#include "block/aio.h"

/* Opens use cache=unsafe (no fdatasync): ordering is the crash test's job,
 * and syncs would make this slow under ASan. */
static char *tmpdir;

static void test_refblock_packing(void)
{
    for (int order = 0; order <= 6; order++) {
        BDRVQcow2State s = { .refcount_order = order,
                             .refcount_bits = 1 << order };
        s.refcount_max = order == 6 ? UINT64_MAX
                                    : (1ull << (1 << order)) - 1;
        uint64_t n = 512 * 8 / s.refcount_bits;
        uint8_t *rb = g_malloc0(512);
        for (uint64_t i = 0; i < n; i++) {
            qcow2_refblock_set(&s, rb, i, (i * 2654435761u) & s.refcount_max);
        }
        for (uint64_t i = 0; i < n; i++) {
            g_assert_cmpuint(qcow2_refblock_get(&s, rb, i), ==,
                             (i * 2654435761u) & s.refcount_max);
        }
        /* Sub-byte entries: entry 0 in the least significant bits. */
        memset(rb, 0, 512);
        qcow2_refblock_set(&s, rb, 0, 1);
        if (order < 3) {
            g_assert_cmpuint(rb[0], ==, 1);
        } else {
            /* big endian: the last byte of the first entry */
            g_assert_cmpuint(rb[(1 << order) / 8 - 1], ==, 1);
        }
        g_free(rb);
    }
}

static void test_compressed_descriptor(void)
{
    for (int bits = 9; bits <= 21; bits++) {
        BDRVQcow2State s = { .cluster_bits = bits };
        s.csize_shift = 62 - (bits - 8);
        s.csize_mask = (1ull << (bits - 8)) - 1;
        s.cluster_offset_mask = (1ull << s.csize_shift) - 1;
        uint64_t host = 0x12345 * 512 + 77;
        uint64_t len = MIN(1000, (1u << bits) - 1);
        uint64_t nb = ((host + len - 1) >> 9) - (host >> 9);
        uint64_t e = QCOW_OFLAG_COMPRESSED | (nb << s.csize_shift) | host;
        uint64_t off, l;
        qcow2_compressed_range(&s, e, &off, &l);
        g_assert_cmpuint(off, ==, host);
        g_assert_cmpuint(off + l, >=, host + len);
        g_assert_cmpuint((off + l) % 512, ==, 0);
    }
}

static void check_clean(BlockDriverState *bs)
{
    BdrvCheckResult r = { 0 };
    r.messages = g_string_new(NULL);
    g_assert_cmpint(bs->drv->check(bs, &r, 0), ==, 0);
    if (r.corruptions || r.leaks || r.check_errors) {
        g_printerr("%s", r.messages->str);
    }
    g_assert_cmpint(r.corruptions, ==, 0);
    g_assert_cmpint(r.leaks, ==, 0);
    g_assert_cmpint(r.check_errors, ==, 0);
    g_string_free(r.messages, true);
}

static void roundtrip(const char *opts_str, uint64_t size, int nops)
{
    g_autofree char *path = g_build_filename(tmpdir, "t.qcow2", NULL);
    Error *err = NULL;
    Opts *opts = opts_parse(opts_str, NULL, false, &error_abort);
    g_autofree char *sz = g_strdup_printf("%" PRIu64, size);
    opts_set(opts, "size", sz);
    g_assert_true(bdrv_create(&bdrv_qcow2, path, opts, &err));
    opts_free(opts);

    uint8_t *mirror = g_malloc0(size);
    uint8_t *buf = g_malloc(size);
    GRand *rnd = g_rand_new_with_seed(size ^ strlen(opts_str));
    BlockDriverState *bs = bdrv_open(path, "qcow2", NULL, BDRV_O_RDWR | BDRV_O_NO_FLUSH, &err);
    g_assert_nonnull(bs);
    for (int i = 0; i < nops; i++) {
        uint64_t len = g_rand_int_range(rnd, 1, 300) * 512;
        len = MIN(len, size);
        uint64_t off = g_rand_int_range(rnd, 0, (size - len) / 512 + 1) * 512;
        int kind = g_rand_int_range(rnd, 0, 10);
        if (kind == 0) {
            g_assert_cmpint(bdrv_pwrite_zeroes(bs, off, len,
                                               BDRV_REQ_MAY_UNMAP), ==, 0);
            memset(mirror + off, 0, len);
        } else {
            uint8_t pat = g_rand_int_range(rnd, 1, 256);
            memset(buf, pat, len);
            g_assert_cmpint(bdrv_pwrite(bs, off, len, buf), ==, 0);
            memset(mirror + off, pat, len);
        }
        if (i % 50 == 49) {
            g_assert_cmpint(bdrv_flush(bs), ==, 0);
        }
    }
    g_assert_cmpint(bdrv_pread(bs, 0, size, buf), ==, 0);
    g_assert_true(memcmp(buf, mirror, size) == 0);
    bdrv_unref(bs);

    bs = bdrv_open(path, NULL, NULL, 0, &err);
    g_assert_nonnull(bs);
    g_assert_true(bs->drv == &bdrv_qcow2);
    memset(buf, 0xee, size);
    g_assert_cmpint(bdrv_pread(bs, 0, size, buf), ==, 0);
    g_assert_true(memcmp(buf, mirror, size) == 0);
    check_clean(bs);
    bdrv_unref(bs);
    g_rand_free(rnd);
    g_free(mirror);
    g_free(buf);
    unlink(path);
}

static void test_roundtrip_matrix(void)
{
    roundtrip("cluster_size=65536", 8 * MiB, 120);
    roundtrip("cluster_size=512,refcount_bits=64", 4 * MiB, 150);
    roundtrip("cluster_size=512,refcount_bits=1", 2 * MiB, 100);
    roundtrip("cluster_size=4096,refcount_bits=2,compat=1.1", 2 * MiB, 100);
    roundtrip("cluster_size=4096,compat=0.10", 2 * MiB, 100);
    roundtrip("cluster_size=2097152,refcount_bits=8", 8 * MiB, 50);
}

static void test_compressed_roundtrip(void)
{
    static const char *const types[] = { "zlib", "zstd" };
    for (int t = 0; t < 2; t++) {
        g_autofree char *path = g_build_filename(tmpdir, "c.qcow2", NULL);
        g_autofree char *o = g_strdup_printf("cluster_size=4096,"
                                             "compression_type=%s", types[t]);
        Opts *opts = opts_parse(o, NULL, false, &error_abort);
        opts_set(opts, "size", "1048576");
        g_assert_true(bdrv_create(&bdrv_qcow2, path, opts, &error_abort));
        opts_free(opts);
        BlockDriverState *bs = bdrv_open(path, "qcow2", NULL, BDRV_O_RDWR,
                                         &error_abort);
        uint8_t *data = g_malloc(1 * MiB), *back = g_malloc(1 * MiB);
        for (size_t i = 0; i < MiB; i++) {
            data[i] = (i / 7) % 13;     /* compressible */
        }
        memset(data + 4096 * 3, 0x5a, 4096);
        g_assert_true(bs->drv->write_compressed(bs, 0, MiB / 2, data,
                                                &error_abort));
        /* Rewrite part of a compressed cluster: COW from compressed. */
        memset(data + 100, 0xab, 1000);
        g_assert_cmpint(bdrv_pwrite(bs, 100, 1000, data + 100), ==, 0);
        g_assert_cmpint(bdrv_pread(bs, 0, MiB / 2, back), ==, 0);
        g_assert_true(memcmp(data, back, MiB / 2) == 0);
        uint64_t pnum;
        int st = bdrv_block_status(bs, 8192, 4096, &pnum, NULL, NULL);
        g_assert_true(st & BDRV_BLOCK_COMPRESSED);
        check_clean(bs);
        bdrv_unref(bs);
        g_free(data);
        g_free(back);
        unlink(path);
    }
}

static void test_backing_cow(void)
{
    g_autofree char *base = g_build_filename(tmpdir, "base.qcow2", NULL);
    g_autofree char *top = g_build_filename(tmpdir, "top.qcow2", NULL);
    Opts *opts = opts_parse("cluster_size=4096", NULL, false, &error_abort);
    opts_set(opts, "size", "1048576");
    g_assert_true(bdrv_create(&bdrv_qcow2, base, opts, &error_abort));
    opts_free(opts);
    BlockDriverState *bs = bdrv_open(base, "qcow2", NULL, BDRV_O_RDWR,
                                     &error_abort);
    uint8_t buf[8192];
    memset(buf, 0x11, sizeof(buf));
    g_assert_cmpint(bdrv_pwrite(bs, 0, sizeof(buf), buf), ==, 0);
    bdrv_unref(bs);
    opts = opts_parse("cluster_size=65536,backing_file=base.qcow2,"
                      "backing_fmt=qcow2", NULL, false, &error_abort);
    opts_set(opts, "size", "1048576");
    g_assert_true(bdrv_create(&bdrv_qcow2, top, opts, &error_abort));
    opts_free(opts);
    bs = bdrv_open(top, NULL, NULL, BDRV_O_RDWR, &error_abort);
    g_assert_nonnull(bs->backing);
    g_assert_cmpstr(bs->backing_file, ==, "base.qcow2");
    g_assert_cmpstr(bs->backing_format, ==, "qcow2");
    memset(buf, 0x22, 512);
    g_assert_cmpint(bdrv_pwrite(bs, 1024, 512, buf), ==, 0);
    uint8_t back[8192];
    g_assert_cmpint(bdrv_pread(bs, 0, sizeof(back), back), ==, 0);
    for (int i = 0; i < 8192; i++) {
        g_assert_cmpuint(back[i], ==, (i >= 1024 && i < 1536) ? 0x22 : 0x11);
    }
    /* Discard with a backing file must read zeroes, not the base. */
    g_assert_cmpint(bdrv_pdiscard(bs, 0, 65536), ==, 0);
    g_assert_cmpint(bdrv_pread(bs, 0, sizeof(back), back), ==, 0);
    g_assert_true(buffer_is_zero(back, sizeof(back)));
    check_clean(bs);
    bdrv_unref(bs);
}

static void test_open_errors(void)
{
    g_autofree char *path = g_build_filename(tmpdir, "junk", NULL);
    g_assert_true(g_file_set_contents(path, "not an image", -1, NULL));
    Error *err = NULL;
    BlockDriverState *bs = bdrv_open(path, "qcow2", NULL, 0, &err);
    g_assert_null(bs);
    g_autofree char *want = g_strdup_printf("Could not open '%s': Image is "
                                            "not in qcow2 format", path);
    g_assert_cmpstr(error_get_pretty(err), ==, want);
    error_free(err);
    err = NULL;
    /* Probing: raw. */
    bs = bdrv_open(path, NULL, NULL, 0, &err);
    g_assert_nonnull(bs);
    g_assert_true(bs->drv == &bdrv_raw);
    g_assert_true(bs->probed);
    bdrv_unref(bs);
}

typedef struct Writer {
    BlockDriverState *bs;
    int id;
    uint64_t region;
    int *running;
} Writer;

/* Each coroutine owns a region and writes it in small partial-cluster
 * pieces, so requests interleave at every yield. */
static void writer_co(void *opaque)
{
    Writer *w = opaque;
    uint8_t buf[1536];
    memset(buf, w->id + 1, sizeof(buf));
    for (uint64_t off = 0; off + sizeof(buf) <= w->region; off += 1536) {
        g_assert_cmpint(bdrv_pwrite(w->bs, w->id * w->region + off,
                                    sizeof(buf), buf), ==, 0);
    }
    g_assert_cmpint(bdrv_flush(w->bs), ==, 0);
    (*w->running)--;
}

static void concurrent(const char *fmt, const char *opts_str)
{
    g_autofree char *path = g_build_filename(tmpdir, "conc.img", NULL);
    const BlockDriver *drv = bdrv_find_format(fmt);
    Opts *opts = opts_parse(opts_str, NULL, false, &error_abort);
    opts_set(opts, "size", "1048576");
    g_assert_true(bdrv_create(drv, path, opts, &error_abort));
    opts_free(opts);
    BlockDriverState *bs = bdrv_open(path, fmt, NULL, BDRV_O_RDWR | BDRV_O_NO_FLUSH,
                                     &error_abort);
    enum { N = 16 };
    Writer w[N];
    int running = N;
    uint64_t region = 1 * MiB / N;
    for (int i = 0; i < N; i++) {
        w[i] = (Writer){ bs, i, region, &running };
        coroutine_enter(coroutine_create(writer_co, &w[i]));
    }
    while (running) {
        block_aio_poll(true);
    }
    uint8_t *back = g_malloc(region);
    for (int i = 0; i < N; i++) {
        g_assert_cmpint(bdrv_pread(bs, i * region, region, back), ==, 0);
        uint64_t full = region / 1536 * 1536;
        for (uint64_t j = 0; j < region; j++) {
            g_assert_cmpuint(back[j], ==, j < full ? i + 1 : 0);
        }
    }
    g_free(back);
    if (bs->drv->check) {
        check_clean(bs);
    }
    bdrv_unref(bs);
    unlink(path);
}

static void test_concurrent(void)
{
    concurrent("raw", "");
    concurrent("qcow2", "cluster_size=4096");
    concurrent("qcow2", "cluster_size=512,refcount_bits=64");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("test-qcow2-XXXXXX", NULL);
    g_test_add_func("/qcow2/refblock-packing", test_refblock_packing);
    g_test_add_func("/qcow2/compressed-descriptor", test_compressed_descriptor);
    g_test_add_func("/qcow2/roundtrip", test_roundtrip_matrix);
    g_test_add_func("/qcow2/compressed", test_compressed_roundtrip);
    g_test_add_func("/qcow2/backing-cow", test_backing_cow);
    g_test_add_func("/qcow2/open-errors", test_open_errors);
    g_test_add_func("/qcow2/concurrent-coroutines", test_concurrent);
    int ret = g_test_run();
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);
    if (system(cmd)) {
        /* best effort */
    }
    g_free(tmpdir);
    return ret;
}
