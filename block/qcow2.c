/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2: header parsing with every field checked before use, the header
 * writer, open/close/flush, resize and the driver table. Creation is in
 * qcow2-create.c, mapping in qcow2-cluster.c, refcounts in
 * qcow2-refcount.c, check in qcow2-check.c.
 */
#include "util/osdep.h"
#include "qcow2.h"

static int qcow2_probe(const uint8_t *buf, int len, const char *filename)
{
    if (len >= 8 && be32_get(buf) == QCOW_MAGIC && be32_get(buf + 4) >= 2) {
        return 100;
    }
    return 0;
}

int qcow2_sync(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    if (!s->need_sync) {
        return 0;
    }
    int ret = bdrv_flush(bs->file);
    if (ret == 0) {
        s->need_sync = false;
    }
    return ret;
}

uint64_t qcow2_size_to_l1(BDRVQcow2State *s, uint64_t size)
{
    uint64_t shift = s->cluster_bits + s->l2_bits;
    return (size + (1ull << shift) - 1) >> shift;
}

static void unknown_ext_free(gpointer p)
{
    Qcow2UnknownExt *e = p;
    g_free(e->data);
    g_free(e);
}

/* Header extensions between header_length and end (exclusive). */
static bool read_extensions(BlockDriverState *bs, const uint8_t *hdr,
                            uint64_t start, uint64_t end, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t off = start;
    while (off + 8 <= end) {
        uint32_t type = be32_get(hdr + off);
        uint32_t len = be32_get(hdr + off + 4);
        off += 8;
        if (type == QCOW2_EXT_END) {
            return true;
        }
        if (len > end - off) {
            error_setg(errp, "Invalid extension length");
            return false;
        }
        const uint8_t *d = hdr + off;
        switch (type) {
        case QCOW2_EXT_BACKING_FMT:
            if (len >= sizeof(bs->backing_format)) {
                error_setg(errp, "ERROR: ext_backing_format: len=%u too "
                           "large (>=%zu)", len, sizeof(bs->backing_format));
                return false;
            }
            memcpy(bs->backing_format, d, len);
            bs->backing_format[len] = 0;
            break;
        case QCOW2_EXT_FEATURES:
            break;
        case QCOW2_EXT_BITMAPS:
            if (len != 24) {
                error_setg(errp, "bitmaps_ext: Invalid extension length");
                return false;
            }
            s->nb_bitmaps = be32_get(d);
            s->bitmap_directory_size = be64_get(d + 8);
            s->bitmap_directory_offset = be64_get(d + 16);
            if (!(s->autoclear_features & QCOW2_AUTOCLEAR_BITMAPS)) {
                /* Inconsistent bitmaps are ignored (and kept). */
            } else if (s->nb_bitmaps == 0 || s->nb_bitmaps > 65535 ||
                       !qcow2_is_aligned(s, s->bitmap_directory_offset) ||
                       s->bitmap_directory_size > 64 * MiB) {
                error_setg(errp, "bitmaps_ext: Invalid bitmap directory");
                return false;
            }
            /* Kept as an unknown extension too, so it is rewritten. */
            /* fallthrough */
        default: {
            Qcow2UnknownExt *e = g_new0(Qcow2UnknownExt, 1);
            e->type = type;
            e->len = len;
            e->data = g_memdup2(d, len);
            g_ptr_array_add(s->unknown_exts, e);
            break;
        }
        }
        off += ROUND_UP((uint64_t)len, 8);
    }
    return true;
}

static const char *const feature_names[3][8] = {
    { "dirty bit", "corrupt bit", "external data file", "compression type",
      "extended L2 entries" },
    { "lazy refcounts" },
    { "bitmaps", "raw external data" },
};

/* Feature name table every v3 header carries (QEMU's names). */
static uint64_t write_feature_table(uint8_t *p)
{
    uint64_t n = 0;
    for (int type = 0; type < 3; type++) {
        for (int bit = 0; bit < 8; bit++) {
            if (!feature_names[type][bit]) {
                continue;
            }
            uint8_t *e = p + n * 48;
            memset(e, 0, 48);
            e[0] = type;
            e[1] = bit;
            memcpy(e + 2, feature_names[type][bit],
                   strlen(feature_names[type][bit]));
            n++;
        }
    }
    return n * 48;
}

/*
 * Rewrites the whole first cluster: fixed header, extensions (backing
 * format, feature names, kept unknown ones), backing file name.
 */
int qcow2_update_header(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t cs = s->cluster_size;
    uint8_t *h = g_malloc0(cs);
    uint32_t hlen = s->version >= 3 ? MAX(s->header_length, 112u) : 72;
    be32_put(h, QCOW_MAGIC);
    be32_put(h + 4, s->version);
    be32_put(h + 20, s->cluster_bits);
    be64_put(h + 24, s->size);
    be32_put(h + 32, 0);
    be32_put(h + 36, s->l1_size);
    be64_put(h + 40, s->l1_table_offset);
    be64_put(h + 48, s->refcount_table_offset);
    be32_put(h + 56, s->refcount_table_clusters);
    be32_put(h + 60, s->nb_snapshots);
    be64_put(h + 64, s->snapshots_offset);
    if (s->version >= 3) {
        be64_put(h + 72, s->incompatible_features);
        be64_put(h + 80, s->compatible_features);
        be64_put(h + 88, s->autoclear_features);
        be32_put(h + 96, s->refcount_order);
        be32_put(h + 100, hlen);
        h[104] = s->compression_type;
    }
    uint64_t off = hlen;
    uint64_t room = cs - 8;     /* keep the end marker */
    int ret = -ENOSPC;
    if (bs->backing_format[0] && bs->backing_file[0]) {
        uint32_t l = strlen(bs->backing_format);
        if (off + 8 + ROUND_UP(l, 8) > room) {
            goto out;
        }
        be32_put(h + off, QCOW2_EXT_BACKING_FMT);
        be32_put(h + off + 4, l);
        memcpy(h + off + 8, bs->backing_format, l);
        off += 8 + ROUND_UP(l, 8);
    }
    if (s->version >= 3 && off + 8 + 8 * 48 <= room) {
        be32_put(h + off, QCOW2_EXT_FEATURES);
        uint64_t l = write_feature_table(h + off + 8);
        be32_put(h + off + 4, l);
        off += 8 + l;
    }
    for (guint i = 0; s->unknown_exts && i < s->unknown_exts->len; i++) {
        Qcow2UnknownExt *e = g_ptr_array_index(s->unknown_exts, i);
        if (off + 8 + ROUND_UP((uint64_t)e->len, 8) > room) {
            goto out;
        }
        be32_put(h + off, e->type);
        be32_put(h + off + 4, e->len);
        memcpy(h + off + 8, e->data, e->len);
        off += 8 + ROUND_UP((uint64_t)e->len, 8);
    }
    off += 8;   /* end marker (zeroes) */
    if (bs->backing_file[0]) {
        uint32_t l = strlen(bs->backing_file);
        if (off + l > cs) {
            goto out;
        }
        be64_put(h + 8, off);
        be32_put(h + 16, l);
        memcpy(h + off, bs->backing_file, l);
        off += l;
    }
    ret = bdrv_pwrite(bs->file, 0, MIN(cs, ROUND_UP(off, 512)), h);
    if (ret == 0) {
        s->need_sync = true;
        ret = qcow2_sync(bs);
    }
out:
    g_free(h);
    return ret;
}

/* The feature words alone (dirty/corrupt/autoclear changes). */
int qcow2_write_header_fields(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    if (s->version < 3) {
        return 0;
    }
    uint8_t buf[24];
    be64_put(buf, s->incompatible_features);
    be64_put(buf + 8, s->compatible_features);
    be64_put(buf + 16, s->autoclear_features);
    int ret = bdrv_pwrite(bs->file, 72, 24, buf);
    if (ret == 0) {
        s->need_sync = true;
        ret = qcow2_sync(bs);
    }
    return ret;
}

/*
 * Before the first change: persistent bitmaps (which kemu does not keep
 * up to date) must stop claiming consistency, as must any autoclear
 * feature we do not know.
 */
int qcow2_mark_written(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    if (s->written) {
        return 0;
    }
    s->written = true;
    if (s->autoclear_features) {
        s->autoclear_features = 0;
        return qcow2_write_header_fields(bs);
    }
    return 0;
}

static bool check_table(BDRVQcow2State *s, uint64_t offset, uint64_t entries,
                        uint64_t entry_len, uint64_t max_bytes,
                        const char *what, Error **errp)
{
    if (entries > max_bytes / entry_len) {
        error_setg(errp, "%s too large", what);
        return false;
    }
    if (!qcow2_is_aligned(s, offset)) {
        error_setg(errp, "%s offset invalid", what);
        return false;
    }
    if (offset + entries * entry_len < offset ||
        (offset + entries * entry_len) >> 56) {
        error_setg(errp, "%s offset invalid", what);
        return false;
    }
    return true;
}

static void qcow2_close(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    if (!bs->read_only && s->l2_cache.e) {
        qcow2_flush_caches(bs);
        qcow2_sync(bs);
    }
    qcow2_cache_destroy(&s->l2_cache);
    qcow2_cache_destroy(&s->rb_cache);
    g_free(s->l1_table);
    g_free(s->refcount_table);
    qcow2_free_snapshots(s);
    if (s->unknown_exts) {
        g_ptr_array_free(s->unknown_exts, true);
    }
    g_free(s->cluster_cache);
    g_free(s->cluster_data);
    if (s->pending_free) {
        g_array_free(s->pending_free, true);
    }
}

static bool qcow2_open(BlockDriverState *bs, Opts *options, int flags,
                       Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t hdr[112];
    int64_t file_len = bdrv_getlength(bs->file);
    memset(hdr, 0, sizeof(hdr));
    int ret = bdrv_pread(bs->file, 0, MIN(sizeof(hdr),
                         (uint64_t)MAX(file_len, 0)), hdr);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not read qcow2 header");
        return false;
    }
    if (be32_get(hdr) != QCOW_MAGIC) {
        error_setg(errp, "Image is not in qcow2 format");
        return false;
    }
    s->version = be32_get(hdr + 4);
    if (s->version < 2 || s->version > 3) {
        error_setg(errp, "Unsupported qcow2 version %u", be32_get(hdr + 4));
        return false;
    }
    s->cluster_bits = be32_get(hdr + 20);
    if (s->cluster_bits < 9 || s->cluster_bits > 21) {
        error_setg(errp, "Unsupported cluster size: 2^%d", s->cluster_bits);
        return false;
    }
    s->cluster_size = 1ull << s->cluster_bits;
    s->l2_bits = s->cluster_bits - 3;
    s->l2_size = 1ull << s->l2_bits;
    s->csize_shift = 62 - (s->cluster_bits - 8);
    s->csize_mask = (1ull << (s->cluster_bits - 8)) - 1;
    s->cluster_offset_mask = (1ull << s->csize_shift) - 1;
    s->size = be64_get(hdr + 24);
    uint32_t crypt = be32_get(hdr + 32);
    s->l1_size = be32_get(hdr + 36);
    s->l1_table_offset = be64_get(hdr + 40);
    s->refcount_table_offset = be64_get(hdr + 48);
    s->refcount_table_clusters = be32_get(hdr + 56);
    s->nb_snapshots = be32_get(hdr + 60);
    s->snapshots_offset = be64_get(hdr + 64);
    uint64_t backing_off = be64_get(hdr + 8);
    uint32_t backing_len = be32_get(hdr + 16);
    if (s->version == 2) {
        s->header_length = 72;
        s->refcount_order = 4;
    } else {
        s->incompatible_features = be64_get(hdr + 72);
        s->compatible_features = be64_get(hdr + 80);
        s->autoclear_features = be64_get(hdr + 88);
        /* Unsigned before any range check: 0xffffffff is not -1. */
        uint32_t order = be32_get(hdr + 96);
        s->refcount_order = order > 6 ? 7 : (int)order;
        s->header_length = be32_get(hdr + 100);
        if (s->header_length < 104 || (s->header_length & 7) ||
            s->header_length > s->cluster_size) {
            error_setg(errp, "qcow2 header too short or too long");
            return false;
        }
        if (s->header_length > 104) {
            s->compression_type = hdr[104];
        }
    }
    uint64_t unknown = s->incompatible_features & ~QCOW2_INCOMPAT_KNOWN;
    if (unknown) {
        error_setg(errp, "Unsupported qcow2 feature(s): Unknown incompatible "
                   "feature: %" PRIx64, unknown);
        return false;
    }
    if (s->incompatible_features & QCOW2_INCOMPAT_EXTL2) {
        error_setg(errp, "Unsupported qcow2 feature(s): extended L2 entries");
        return false;
    }
    if (s->incompatible_features & QCOW2_INCOMPAT_DATA_FILE) {
        error_setg(errp, "Unsupported qcow2 feature(s): external data file");
        return false;
    }
    if (crypt) {
        error_setg(errp, "qcow2 encryption is not supported");
        return false;
    }
    if (s->incompatible_features & QCOW2_INCOMPAT_COMPRESSION) {
        if (s->compression_type != QCOW2_COMPRESSION_ZSTD) {
            error_setg(errp, "qcow2: unknown compression type: %d",
                       s->compression_type);
            return false;
        }
    } else if (s->compression_type != QCOW2_COMPRESSION_ZLIB) {
        error_setg(errp, "qcow2: Compression type incompatible feature bit "
                   "must be set if compression type is not zlib");
        return false;
    }
    if (s->refcount_order > 6) {
        error_setg(errp, "Reference count entry width too large; may not "
                   "exceed 64 bits");
        return false;
    }
    s->refcount_bits = 1 << s->refcount_order;
    s->refcount_max = s->refcount_bits == 64 ? UINT64_MAX
                      : (1ull << s->refcount_bits) - 1;
    s->refblock_bits = s->cluster_bits + 3 - s->refcount_order;
    if ((s->incompatible_features & QCOW2_INCOMPAT_CORRUPT) &&
        !bs->read_only && !(flags & BDRV_O_CHECK)) {
        error_setg(errp, "qcow2: Image is corrupt; cannot be opened "
                   "read/write");
        return false;
    }
    if (!check_table(s, s->refcount_table_offset,
                     (uint64_t)s->refcount_table_clusters << s->cluster_bits,
                     1, QCOW2_MAX_REFTABLE_BYTES, "Reference count table",
                     errp)) {
        return false;
    }
    if (s->refcount_table_clusters == 0) {
        error_setg(errp, "Image does not contain a reference count table");
        return false;
    }
    if (!check_table(s, s->l1_table_offset, s->l1_size, 8,
                     QCOW2_MAX_L1_BYTES, "Active L1 table", errp)) {
        return false;
    }
    /* Tables a real image has written lie inside the file; a hostile one
     * must not make us read (and walk) gigabytes of nothing. */
    if (s->l1_table_offset + (uint64_t)s->l1_size * 8 > (uint64_t)file_len) {
        error_setg(errp, "Active L1 table offset invalid");
        return false;
    }
    if (s->refcount_table_offset +
        ((uint64_t)s->refcount_table_clusters << s->cluster_bits) >
        (uint64_t)ROUND_UP(file_len, s->cluster_size)) {
        error_setg(errp, "Reference count table offset invalid");
        return false;
    }
    if (s->size >> 63 ||
        qcow2_size_to_l1(s, s->size) > QCOW2_MAX_L1_BYTES / 8) {
        error_setg(errp, "Image is too big");
        return false;
    }
    if (s->l1_size < qcow2_size_to_l1(s, s->size)) {
        error_setg(errp, "L1 table is too small");
        return false;
    }
    if (s->nb_snapshots > QCOW2_MAX_SNAPSHOTS) {
        error_setg(errp, "Too many snapshots");
        return false;
    }
    if (s->nb_snapshots && !qcow2_is_aligned(s, s->snapshots_offset)) {
        error_setg(errp, "Snapshot table offset invalid");
        return false;
    }

    /* Header extensions and the backing file name (first cluster). */
    s->unknown_exts = g_ptr_array_new_with_free_func(unknown_ext_free);
    uint64_t ext_end = s->cluster_size;
    if (backing_off) {
        if (backing_len > QCOW2_MAX_BACKING_NAME ||
            backing_off >= s->cluster_size ||
            backing_len > s->cluster_size - backing_off) {
            error_setg(errp, "Backing file name too long");
            return false;
        }
        ext_end = backing_off;
    }
    uint8_t *c0 = g_malloc0(s->cluster_size);
    ret = bdrv_pread(bs->file, 0, s->cluster_size, c0);
    if (ret < 0) {
        g_free(c0);
        error_setg_errno(errp, -ret, "Could not read qcow2 header");
        return false;
    }
    if (s->header_length < ext_end &&
        !read_extensions(bs, c0, s->header_length, ext_end, errp)) {
        g_free(c0);
        return false;
    }
    if (backing_off) {
        memcpy(bs->backing_file, c0 + backing_off, backing_len);
        bs->backing_file[backing_len] = 0;
        if (strlen(bs->backing_file) != backing_len) {
            /* An embedded NUL: the name cannot be what the image means. */
            bs->backing_file[0] = 0;
            g_free(c0);
            error_setg(errp, "Backing file name too long");
            return false;
        }
    }
    g_free(c0);

    s->l1_table = g_new0(uint64_t, MAX(s->l1_size, 1));
    if (s->l1_size) {
        uint8_t *buf = g_malloc((uint64_t)s->l1_size * 8);
        ret = bdrv_pread(bs->file, s->l1_table_offset,
                         (uint64_t)s->l1_size * 8, buf);
        if (ret < 0) {
            g_free(buf);
            error_setg_errno(errp, -ret, "Could not read L1 table");
            return false;
        }
        for (uint32_t i = 0; i < s->l1_size; i++) {
            s->l1_table[i] = be64_get(buf + i * 8);
        }
        g_free(buf);
    }
    if (!qcow2_refcount_init(bs, errp)) {
        return false;
    }
    qcow2_cache_init(&s->l2_cache, 32, s->cluster_size);
    qcow2_cache_init(&s->rb_cache, 8, s->cluster_size);
    s->pending_free = g_array_new(false, false, sizeof(uint64_t));
    s->cluster_cache = g_malloc(s->cluster_size);
    s->cluster_data = g_malloc(2 * s->cluster_size + 512);
    if (!qcow2_read_snapshots(bs, errp)) {
        return false;
    }

    /* A dirty image (lazy refcounts, crashed) gets its refcounts rebuilt
     * before anything is written. */
    if ((s->incompatible_features & QCOW2_INCOMPAT_DIRTY) && !bs->read_only &&
        !(flags & BDRV_O_CHECK)) {
        BdrvCheckResult res = { 0 };
        res.messages = g_string_new(NULL);
        ret = qcow2_check(bs, &res, BDRV_FIX_LEAKS | BDRV_FIX_ERRORS);
        g_string_free(res.messages, true);
        if (ret < 0 || res.corruptions - res.corruptions_fixed > 0) {
            error_setg(errp, "Could not repair dirty image");
            return false;
        }
        s->incompatible_features &= ~QCOW2_INCOMPAT_DIRTY;
        ret = qcow2_write_header_fields(bs);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Could not update qcow2 header");
            return false;
        }
    }
    return true;
}

static int qcow2_flush(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    int ret = qcow2_flush_caches(bs);
    if (ret == 0) {
        s->need_sync = true;
        ret = qcow2_sync(bs);
    }
    return ret;
}

static int64_t qcow2_getlength(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    return s->size;
}

static int qcow2_get_cluster_size(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    return s->cluster_size;
}

static bool qcow2_truncate(BlockDriverState *bs, int64_t offset, bool exact,
                          PreallocMode prealloc, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    if (offset < 0 || (offset & 511)) {
        error_setg(errp, "The new size must be a multiple of 512");
        return false;
    }
    if (s->nb_snapshots) {
        error_setg(errp, "Can't resize an image which has snapshots");
        return false;
    }
    if (qcow2_mark_written(bs) < 0) {
        error_setg(errp, "Failed to update the image header");
        return false;
    }
    uint64_t old = s->size;
    if ((uint64_t)offset < old) {
        /* Shrink: free what lies beyond, then the header. */
        int ret = qcow2_pdiscard(bs, qcow2_align(s, offset),
                                 old - qcow2_align(s, offset) <= old ?
                                 old - MIN(old, qcow2_align(s, offset)) : 0);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Failed to discard cropped clusters");
            return false;
        }
        /* The tail of a partial last cluster must read as zero if the
         * image grows again. */
        if (offset & (s->cluster_size - 1)) {
            uint64_t n = MIN(qcow2_align(s, offset), old) - offset;
            ret = qcow2_pwrite_zeroes(bs, offset, n, 0);
            if (ret < 0) {
                error_setg_errno(errp, -ret, "Failed to zero the tail");
                return false;
            }
        }
    } else {
        uint64_t l1 = qcow2_size_to_l1(s, offset);
        if (l1 > QCOW2_MAX_L1_BYTES / 8) {
            error_setg(errp, "Image is too big");
            return false;
        }
        /* Data beyond the old end must read as zero: a partial last
         * cluster may hold (backing) data there. */
        if (old & (s->cluster_size - 1)) {
            uint64_t end = MIN(qcow2_align(s, old), (uint64_t)offset);
            s->size = offset;
            int ret = qcow2_pwrite_zeroes(bs, old, end - old, 0);
            s->size = old;
            if (ret < 0) {
                error_setg_errno(errp, -ret, "Failed to zero the tail");
                return false;
            }
        }
        int ret = qcow2_grow_l1(bs, l1);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Failed to grow the L1 table");
            return false;
        }
    }
    int ret = qcow2_flush_caches(bs);
    if (ret == 0) {
        s->need_sync = true;
        ret = qcow2_sync(bs);
    }
    uint8_t buf[8];
    be64_put(buf, offset);
    if (ret == 0) {
        ret = bdrv_pwrite(bs->file, 24, 8, buf);
    }
    if (ret == 0) {
        s->need_sync = true;
        ret = qcow2_sync(bs);
    }
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Failed to update the image size");
        return false;
    }
    s->size = offset;
    if ((uint64_t)offset > old && prealloc != PREALLOC_MODE_OFF) {
        ret = qcow2_preallocate(bs, old, offset, prealloc);
        if (ret == 0) {
            ret = qcow2_flush(bs);
        }
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Preallocation failed");
            return false;
        }
    }
    return true;
}

static ImageInfoSpecific *qcow2_get_specific_info(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    ImageInfoSpecific *d = info_new_dict(NULL);
    if (s->version == 2) {
        info_add_str(d, "compat", "0.10");
        info_add_str(d, "compression-type",
                     s->compression_type ? "zstd" : "zlib");
        info_add_int(d, "refcount-bits", s->refcount_bits);
        return d;
    }
    info_add_str(d, "compat", "1.1");
    info_add_str(d, "compression-type", s->compression_type ? "zstd" : "zlib");
    info_add_bool(d, "lazy-refcounts",
                  s->compatible_features & QCOW2_COMPAT_LAZY_REFCOUNTS);
    if (s->nb_bitmaps && (s->autoclear_features & QCOW2_AUTOCLEAR_BITMAPS)) {
        info_add(d, info_new_list("bitmaps"));
    }
    info_add_int(d, "refcount-bits", s->refcount_bits);
    info_add_bool(d, "corrupt",
                  s->incompatible_features & QCOW2_INCOMPAT_CORRUPT);
    info_add_bool(d, "extended-l2", false);
    return d;
}

static bool qcow2_change_backing_file(BlockDriverState *bs, const char *file,
                                      const char *fmt, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    if (file && strlen(file) > QCOW2_MAX_BACKING_NAME) {
        error_setg(errp, "Backing file name too long");
        return false;
    }
    g_strlcpy(bs->backing_file, file ? file : "", sizeof(bs->backing_file));
    g_strlcpy(bs->backing_format, fmt ? fmt : "", sizeof(bs->backing_format));
    int ret = qcow2_update_header(bs);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not update the image header");
        return false;
    }
    (void)s;
    return true;
}

bool qcow2_create(const char *filename, Opts *opts, Error **errp);
bool qcow2_amend(BlockDriverState *bs, Opts *opts, Error **errp);
extern const BlockCreateOpt qcow2_create_opts[];

const BlockDriver bdrv_qcow2 = {
    .format_name = "qcow2",
    .instance_size = sizeof(BDRVQcow2State),
    .supports_backing = true,
    .serialize = true,
    .probe = qcow2_probe,
    .open = qcow2_open,
    .close = qcow2_close,
    .pread = qcow2_pread,
    .pwrite = qcow2_pwrite,
    .pwrite_zeroes = qcow2_pwrite_zeroes,
    .pdiscard = qcow2_pdiscard,
    .make_empty = qcow2_make_empty,
    .flush = qcow2_flush,
    .getlength = qcow2_getlength,
    .truncate = qcow2_truncate,
    .block_status = qcow2_block_status,
    .create = qcow2_create,
    .create_opts = qcow2_create_opts,
    .check = qcow2_check,
    .get_specific_info = qcow2_get_specific_info,
    .get_cluster_size = qcow2_get_cluster_size,
    .write_compressed = qcow2_write_compressed,
    .snapshot_list = qcow2_snapshot_list,
    .snapshot_create = qcow2_snapshot_create,
    .snapshot_apply = qcow2_snapshot_apply,
    .snapshot_delete = qcow2_snapshot_delete,
    .change_backing_file = qcow2_change_backing_file,
    .amend = qcow2_amend,
};
