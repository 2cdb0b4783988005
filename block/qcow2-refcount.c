/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 refcounts: the refcount table, refcount blocks of 1 to 64-bit
 * entries, cluster allocation and freeing.
 *
 * Ordering: a new refcount block is written and synced before the table
 * entry that points to it; a grown table is complete on disk before the
 * header switches to it; the old table is freed only after that.
 */
#include "util/osdep.h"
#include "qcow2.h"

uint64_t qcow2_refblock_get(BDRVQcow2State *s, const uint8_t *rb, uint64_t i)
{
    switch (s->refcount_order) {
    case 0: case 1: case 2: {
        int bits = s->refcount_bits;
        uint64_t bit = i * bits;
        return (rb[bit / 8] >> (bit % 8)) & s->refcount_max;
    }
    case 3:
        return rb[i];
    case 4:
        return be16_get(rb + i * 2);
    case 5:
        return be32_get(rb + i * 4);
    default:
        return be64_get(rb + i * 8);
    }
}

void qcow2_refblock_set(BDRVQcow2State *s, uint8_t *rb, uint64_t i,
                        uint64_t v)
{
    switch (s->refcount_order) {
    case 0: case 1: case 2: {
        int bits = s->refcount_bits;
        uint64_t bit = i * bits;
        uint8_t mask = (uint8_t)(s->refcount_max << (bit % 8));
        rb[bit / 8] = (rb[bit / 8] & ~mask) | ((v << (bit % 8)) & mask);
        break;
    }
    case 3:
        rb[i] = v;
        break;
    case 4:
        be16_put(rb + i * 2, v);
        break;
    case 5:
        be32_put(rb + i * 4, v);
        break;
    default:
        be64_put(rb + i * 8, v);
        break;
    }
}

bool qcow2_refcount_init(BlockDriverState *bs, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t bytes = (uint64_t)s->refcount_table_clusters << s->cluster_bits;
    s->refcount_table_size = bytes / 8;
    s->refcount_table = g_malloc0(MAX(bytes, 8));
    if (bytes) {
        uint8_t *buf = g_malloc(bytes);
        int ret = bdrv_pread(bs->file, s->refcount_table_offset, bytes, buf);
        if (ret < 0) {
            g_free(buf);
            error_setg_errno(errp, -ret, "Could not read refcount table");
            return false;
        }
        for (uint64_t i = 0; i < s->refcount_table_size; i++) {
            s->refcount_table[i] = be64_get(buf + i * 8);
        }
        g_free(buf);
    }
    return true;
}

static uint64_t cpb(BDRVQcow2State *s)
{
    return 1ull << s->refblock_bits;
}

/* Refcount blocks must be cluster aligned and not the header. */
static bool refblock_offset_ok(BDRVQcow2State *s, uint64_t off)
{
    return off && qcow2_is_aligned(s, off);
}

int qcow2_get_refcount(BlockDriverState *bs, uint64_t cluster,
                       uint64_t *refcount)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t idx = cluster >> s->refblock_bits;
    *refcount = 0;
    if (idx >= s->refcount_table_size) {
        return 0;
    }
    uint64_t off = s->refcount_table[idx] & REFT_OFFSET_MASK;
    if (!off) {
        return 0;
    }
    if (!refblock_offset_ok(s, off)) {
        return -EIO;
    }
    uint8_t *rb;
    int ret = qcow2_cache_get(bs, &s->rb_cache, off, false, &rb);
    if (ret < 0) {
        return ret;
    }
    *refcount = qcow2_refblock_get(s, rb, cluster & (cpb(s) - 1));
    return 0;
}

static int write_reftable_entry(BlockDriverState *bs, uint64_t idx)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t buf[8];
    be64_put(buf, s->refcount_table[idx]);
    return bdrv_pwrite(bs->file, s->refcount_table_offset + idx * 8, 8, buf);
}

static int grow_reftable(BlockDriverState *bs, uint64_t min_idx);

/* Finds the first cluster from start whose refcount is zero. */
static int find_free(BlockDriverState *bs, uint64_t start, uint64_t n,
                     uint64_t *out)
{
    uint64_t c = start, run = 0;
    for (;;) {
        uint64_t rc;
        int ret = qcow2_get_refcount(bs, c, &rc);
        if (ret < 0) {
            return ret;
        }
        if (rc == 0) {
            if (++run == n) {
                *out = c + 1 - n;
                return 0;
            }
        } else {
            run = 0;
        }
        c++;
    }
}

/* Makes sure refcount block idx exists (self-describing when possible). */
static int ensure_refblock(BlockDriverState *bs, uint64_t idx)
{
    BDRVQcow2State *s = bs->opaque;
    int ret;
    if (idx >= s->refcount_table_size) {
        ret = grow_reftable(bs, idx);
        if (ret < 0) {
            return ret;
        }
    }
    if (s->refcount_table[idx] & REFT_OFFSET_MASK) {
        return 0;
    }
    uint64_t start = idx << s->refblock_bits, x;
    ret = find_free(bs, MAX(start, s->free_cluster_index), 1, &x);
    if (ret < 0) {
        return ret;
    }
    uint8_t *rb;
    uint64_t off = x << s->cluster_bits;
    if ((x >> s->refblock_bits) == idx) {
        ret = qcow2_cache_get(bs, &s->rb_cache, off, true, &rb);
        if (ret < 0) {
            return ret;
        }
        qcow2_refblock_set(s, rb, x & (cpb(s) - 1), 1);
    } else {
        /* Described by another block (found beyond this range). */
        ret = ensure_refblock(bs, x >> s->refblock_bits);
        if (ret == 0) {
            ret = qcow2_update_refcount(bs, x, 1);
        }
        if (ret < 0) {
            return ret;
        }
        ret = qcow2_cache_get(bs, &s->rb_cache, off, true, &rb);
        if (ret < 0) {
            return ret;
        }
    }
    qcow2_cache_mark_dirty(&s->rb_cache, rb);
    /* The block (and whatever describes it) on disk before the table
     * entry that makes it reachable. */
    ret = qcow2_cache_flush(bs, &s->rb_cache);
    if (ret == 0) {
        ret = qcow2_sync(bs);
    }
    if (ret < 0) {
        return ret;
    }
    s->refcount_table[idx] = off;
    ret = write_reftable_entry(bs, idx);
    if (ret == 0) {
        s->need_sync = true;
        ret = qcow2_sync(bs);
    }
    return ret;
}

static int grow_reftable(BlockDriverState *bs, uint64_t min_idx)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t old_size = s->refcount_table_size;
    uint64_t per_cluster = s->cluster_size / 8;
    uint64_t area = MAX(old_size << s->refblock_bits, s->free_cluster_index);
    uint64_t nb_blocks = 1, table_clusters, new_size, first, last;

    /* Fixpoint: enough blocks to describe themselves and the table. */
    for (;;) {
        first = area >> s->refblock_bits;
        new_size = MAX(MAX(min_idx + 1, old_size * 2), first + nb_blocks);
        table_clusters = DIV_ROUND_UP(new_size, per_cluster);
        new_size = table_clusters * per_cluster;
        last = (area + nb_blocks + table_clusters - 1) >> s->refblock_bits;
        if (last < new_size && last - first + 1 <= nb_blocks) {
            break;
        }
        nb_blocks = last - first + 1;
    }
    if (table_clusters * s->cluster_size > QCOW2_MAX_REFTABLE_BYTES) {
        return -EFBIG;
    }

    uint64_t *table = g_new0(uint64_t, new_size);
    memcpy(table, s->refcount_table, old_size * 8);
    uint8_t *rb = g_malloc(s->cluster_size);
    int ret = 0;
    for (uint64_t b = 0; b < nb_blocks && ret == 0; b++) {
        uint64_t idx = first + b;
        memset(rb, 0, s->cluster_size);
        for (uint64_t c = area; c < area + nb_blocks + table_clusters; c++) {
            if ((c >> s->refblock_bits) == idx) {
                qcow2_refblock_set(s, rb, c & (cpb(s) - 1), 1);
            }
        }
        table[idx] = (area + b) << s->cluster_bits;
        ret = bdrv_pwrite(bs->file, table[idx], s->cluster_size, rb);
    }
    g_free(rb);
    uint64_t table_off = (area + nb_blocks) << s->cluster_bits;
    if (ret == 0) {
        uint8_t *buf = g_malloc(table_clusters * s->cluster_size);
        for (uint64_t i = 0; i < new_size; i++) {
            be64_put(buf + i * 8, table[i]);
        }
        ret = bdrv_pwrite(bs->file, table_off, table_clusters * s->cluster_size,
                          buf);
        g_free(buf);
    }
    if (ret == 0) {
        s->need_sync = true;
        ret = qcow2_sync(bs);
    }
    if (ret < 0) {
        g_free(table);
        return ret;
    }
    uint64_t old_off = s->refcount_table_offset;
    uint32_t old_clusters = s->refcount_table_clusters;
    uint8_t hdr[12];
    be64_put(hdr, table_off);
    be32_put(hdr + 8, table_clusters);
    ret = bdrv_pwrite(bs->file, 48, 12, hdr);
    if (ret == 0) {
        s->need_sync = true;
        ret = qcow2_sync(bs);
    }
    if (ret < 0) {
        g_free(table);
        return ret;
    }
    g_free(s->refcount_table);
    s->refcount_table = table;
    s->refcount_table_size = new_size;
    s->refcount_table_offset = table_off;
    s->refcount_table_clusters = table_clusters;
    if (s->free_cluster_index < area + nb_blocks + table_clusters &&
        s->free_cluster_index >= area) {
        s->free_cluster_index = area + nb_blocks + table_clusters;
    }
    if (old_off) {
        return qcow2_free_clusters(bs, old_off, old_clusters);
    }
    return 0;
}

int qcow2_set_refcount(BlockDriverState *bs, uint64_t cluster, uint64_t value)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t idx = cluster >> s->refblock_bits;
    int ret = ensure_refblock(bs, idx);
    if (ret < 0) {
        return ret;
    }
    uint64_t off = s->refcount_table[idx] & REFT_OFFSET_MASK;
    if (!refblock_offset_ok(s, off)) {
        return -EIO;
    }
    uint8_t *rb;
    ret = qcow2_cache_get(bs, &s->rb_cache, off, false, &rb);
    if (ret < 0) {
        return ret;
    }
    qcow2_refblock_set(s, rb, cluster & (cpb(s) - 1), value);
    qcow2_cache_mark_dirty(&s->rb_cache, rb);
    if (value == 0 && cluster < s->free_cluster_index) {
        s->free_cluster_index = cluster;
    }
    return 0;
}

int qcow2_update_refcount(BlockDriverState *bs, uint64_t cluster,
                          int64_t delta)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t rc;
    int ret = qcow2_get_refcount(bs, cluster, &rc);
    if (ret < 0) {
        return ret;
    }
    if ((delta < 0 && rc < (uint64_t)-delta) ||
        (delta > 0 && rc + delta > s->refcount_max)) {
        /* An overflow or underflow means the metadata is already wrong. */
        return -EINVAL;
    }
    return qcow2_set_refcount(bs, cluster, rc + delta);
}

int64_t qcow2_alloc_clusters(BlockDriverState *bs, uint64_t n)
{
    BDRVQcow2State *s = bs->opaque;
    for (;;) {
        uint64_t c;
        int ret = find_free(bs, s->free_cluster_index, n, &c);
        if (ret < 0) {
            return ret;
        }
        /* Host offsets must fit the 56 bits the tables can hold. */
        if (((c + n) << s->cluster_bits) >> 56) {
            return -EFBIG;
        }
        bool restart = false;
        for (uint64_t idx = c >> s->refblock_bits;
             idx <= (c + n - 1) >> s->refblock_bits; idx++) {
            if (idx >= s->refcount_table_size ||
                !(s->refcount_table[idx] & REFT_OFFSET_MASK)) {
                ret = ensure_refblock(bs, idx);
                if (ret < 0) {
                    return ret;
                }
                restart = true;
            }
        }
        if (restart) {
            continue;   /* new metadata may sit where we looked */
        }
        for (uint64_t i = 0; i < n; i++) {
            ret = qcow2_set_refcount(bs, c + i, 1);
            if (ret < 0) {
                return ret;
            }
        }
        if (s->free_cluster_index == c) {
            s->free_cluster_index = c + n;
        }
        return (int64_t)(c << s->cluster_bits);
    }
}

/* Byte-granular space for compressed clusters, packed back to back. */
int64_t qcow2_alloc_bytes(BlockDriverState *bs, uint64_t len)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t fbo = s->free_byte_offset;
    int ret;
    if (fbo && (fbo & (s->cluster_size - 1))) {
        uint64_t room = s->cluster_size - (fbo & (s->cluster_size - 1));
        uint64_t cur = fbo & ~(s->cluster_size - 1);
        uint64_t rc;
        ret = qcow2_get_refcount(bs, cur >> s->cluster_bits, &rc);
        if (ret < 0) {
            return ret;
        }
        if (len <= room && rc >= 1 && rc < s->refcount_max) {
            ret = qcow2_update_refcount(bs, cur >> s->cluster_bits, 1);
            if (ret < 0) {
                return ret;
            }
            s->free_byte_offset = fbo + len;
            return fbo;
        }
        if (len > room && len <= room + s->cluster_size && rc >= 1 &&
            rc < s->refcount_max) {
            uint64_t next;
            ret = find_free(bs, (cur >> s->cluster_bits) + 1, 1, &next);
            if (ret < 0) {
                return ret;
            }
            if (next == (cur >> s->cluster_bits) + 1 &&
                (next >> s->refblock_bits) < s->refcount_table_size &&
                (s->refcount_table[next >> s->refblock_bits] &
                 REFT_OFFSET_MASK)) {
                ret = qcow2_update_refcount(bs, cur >> s->cluster_bits, 1);
                if (ret == 0) {
                    ret = qcow2_set_refcount(bs, next, 1);
                }
                if (ret < 0) {
                    return ret;
                }
                s->free_byte_offset = fbo + len;
                return fbo;
            }
        }
    }
    int64_t off = qcow2_alloc_clusters(bs, DIV_ROUND_UP(len, s->cluster_size));
    if (off < 0) {
        return off;
    }
    s->free_byte_offset = off + len;
    return off;
}

int qcow2_free_clusters(BlockDriverState *bs, uint64_t offset, uint64_t n)
{
    BDRVQcow2State *s = bs->opaque;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t c = (offset >> s->cluster_bits) + i;
        int ret = qcow2_update_refcount(bs, c, -1);
        if (ret < 0) {
            return ret;
        }
        uint64_t rc;
        qcow2_get_refcount(bs, c, &rc);
        if (rc == 0) {
            qcow2_cache_discard(&s->l2_cache, c << s->cluster_bits);
            qcow2_cache_discard(&s->rb_cache, c << s->cluster_bits);
            if (s->free_byte_offset &&
                (s->free_byte_offset >> s->cluster_bits) == c) {
                s->free_byte_offset = 0;
            }
        }
    }
    return 0;
}

void qcow2_compressed_range(BDRVQcow2State *s, uint64_t l2e, uint64_t *off,
                            uint64_t *len)
{
    uint64_t o = l2e & s->cluster_offset_mask;
    uint64_t nb = (l2e >> s->csize_shift) & s->csize_mask;
    *off = o;
    *len = (nb + 1) * 512 - (o & 511);
}

/* Drops the reference an L2 entry held (normal or compressed). */
int qcow2_free_any(BlockDriverState *bs, uint64_t l2e)
{
    BDRVQcow2State *s = bs->opaque;
    if (l2e & QCOW_OFLAG_COMPRESSED) {
        uint64_t off, len;
        qcow2_compressed_range(s, l2e, &off, &len);
        uint64_t first = off >> s->cluster_bits;
        uint64_t last = (off + len - 1) >> s->cluster_bits;
        for (uint64_t c = first; c <= last; c++) {
            int ret = qcow2_free_clusters(bs, c << s->cluster_bits, 1);
            if (ret < 0) {
                return ret;
            }
        }
        return 0;
    }
    uint64_t off = l2e & L2E_OFFSET_MASK;
    if (!off) {
        return 0;
    }
    return qcow2_free_clusters(bs, off, 1);
}
