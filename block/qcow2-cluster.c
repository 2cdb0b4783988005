/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 guest-to-host mapping: L1/L2 lookups, reads, allocating writes
 * with copy-on-write, zero clusters, discard, compressed clusters.
 *
 * Ordering on allocation: refcount of the new cluster (cache) -> data ->
 * L2 entry (cache; its write-back syncs refcounts and data first) -> L1.
 * On freeing: the L2/L1 change is written and synced before the refcount
 * drops, so a crash leaks rather than double-uses a cluster.
 */
#include "util/osdep.h"
#include "qcow2.h"

static uint64_t l2_index(BDRVQcow2State *s, uint64_t vcluster)
{
    return vcluster & (s->l2_size - 1);
}

/* L2 table of vcluster, or NULL (*table) when none is allocated. */
static int get_l2_table(BlockDriverState *bs, uint64_t vcluster,
                        uint8_t **table)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t l1i = vcluster >> s->l2_bits;
    *table = NULL;
    if (l1i >= s->l1_size) {
        return 0;
    }
    uint64_t off = s->l1_table[l1i] & L1E_OFFSET_MASK;
    if (!off) {
        return 0;
    }
    if (!qcow2_is_aligned(s, off)) {
        return -EIO;
    }
    return qcow2_cache_get(bs, &s->l2_cache, off, false, table);
}

int qcow2_get_l2_entry(BlockDriverState *bs, uint64_t vcluster,
                       uint64_t *entry)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t *t;
    int ret = get_l2_table(bs, vcluster, &t);
    *entry = 0;
    if (ret < 0 || !t) {
        return ret;
    }
    *entry = be64_get(t + l2_index(s, vcluster) * 8);
    return 0;
}

static int write_l1_entry(BlockDriverState *bs, uint64_t l1i)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t buf[8];
    be64_put(buf, s->l1_table[l1i]);
    int ret = bdrv_pwrite(bs->file, s->l1_table_offset + l1i * 8, 8, buf);
    if (ret == 0) {
        s->need_sync = true;
    }
    return ret;
}

int qcow2_grow_l1(BlockDriverState *bs, uint64_t min_size)
{
    BDRVQcow2State *s = bs->opaque;
    if (min_size <= s->l1_size) {
        return 0;
    }
    if (min_size * 8 > QCOW2_MAX_L1_BYTES) {
        return -EFBIG;
    }
    uint64_t new_size = min_size;
    uint64_t bytes = qcow2_align(s, new_size * 8);
    int64_t off = qcow2_alloc_clusters(bs, bytes >> s->cluster_bits);
    if (off < 0) {
        return off;
    }
    uint64_t *t = g_new0(uint64_t, bytes / 8);
    memcpy(t, s->l1_table, s->l1_size * 8);
    uint8_t *buf = g_malloc0(bytes);
    for (uint64_t i = 0; i < new_size; i++) {
        be64_put(buf + i * 8, t[i]);
    }
    /* Refcounts of the new table, then the table, then the header. */
    int ret = qcow2_cache_flush(bs, &s->rb_cache);
    if (ret == 0) {
        ret = bdrv_pwrite(bs->file, off, bytes, buf);
    }
    g_free(buf);
    if (ret == 0) {
        s->need_sync = true;
        ret = qcow2_sync(bs);
    }
    if (ret < 0) {
        g_free(t);
        return ret;
    }
    uint8_t hdr[12];
    be32_put(hdr, new_size);
    be64_put(hdr + 4, off);
    ret = bdrv_pwrite(bs->file, 36, 12, hdr);
    if (ret == 0) {
        s->need_sync = true;
        ret = qcow2_sync(bs);
    }
    if (ret < 0) {
        g_free(t);
        return ret;
    }
    uint64_t old_off = s->l1_table_offset;
    uint64_t old_bytes = qcow2_align(s, (uint64_t)s->l1_size * 8);
    g_free(s->l1_table);
    s->l1_table = t;
    s->l1_size = new_size;
    s->l1_table_offset = off;
    if (old_off && old_bytes) {
        return qcow2_free_clusters(bs, old_off, old_bytes >> s->cluster_bits);
    }
    return 0;
}

/* The L2 table for vcluster, writable (allocated or copied as needed). */
static int get_l2_table_for_write(BlockDriverState *bs, uint64_t vcluster,
                                  uint8_t **table)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t l1i = vcluster >> s->l2_bits;
    int ret;
    if (l1i >= s->l1_size) {
        ret = qcow2_grow_l1(bs, l1i + 1);
        if (ret < 0) {
            return ret;
        }
    }
    uint64_t l1e = s->l1_table[l1i];
    uint64_t old = l1e & L1E_OFFSET_MASK;
    if (old && (l1e & QCOW_OFLAG_COPIED)) {
        if (!qcow2_is_aligned(s, old)) {
            return -EIO;
        }
        return qcow2_cache_get(bs, &s->l2_cache, old, false, table);
    }
    /* New table, or a private copy of one shared with a snapshot. */
    int64_t off = qcow2_alloc_clusters(bs, 1);
    if (off < 0) {
        return off;
    }
    uint8_t *t;
    if (old) {
        uint8_t *src;
        ret = qcow2_cache_get(bs, &s->l2_cache, old, false, &src);
        if (ret < 0) {
            return ret;
        }
        uint8_t *copy = g_memdup2(src, s->cluster_size);
        ret = qcow2_cache_get(bs, &s->l2_cache, off, true, &t);
        if (ret == 0) {
            memcpy(t, copy, s->cluster_size);
        }
        g_free(copy);
        if (ret < 0) {
            return ret;
        }
        /* Refcounts count the L1 tables a cluster is reachable from, so
         * the copy adds none; but every entry is shared (with the
         * snapshot's view) and must lose COPIED. */
        for (uint64_t i = 0; i < s->l2_size; i++) {
            uint64_t e = be64_get(t + i * 8);
            be64_put(t + i * 8, e & ~QCOW_OFLAG_COPIED);
        }
    } else {
        ret = qcow2_cache_get(bs, &s->l2_cache, off, true, &t);
        if (ret < 0) {
            return ret;
        }
    }
    qcow2_cache_mark_dirty(&s->l2_cache, t);
    /* The table (after its refcounts) on disk before L1 points to it. */
    ret = qcow2_cache_flush_entry(bs, &s->l2_cache, off);
    if (ret == 0) {
        ret = qcow2_sync(bs);
    }
    if (ret < 0) {
        return ret;
    }
    s->l1_table[l1i] = off | QCOW_OFLAG_COPIED;
    ret = write_l1_entry(bs, l1i);
    if (ret < 0) {
        return ret;
    }
    if (old) {
        ret = qcow2_sync(bs);
        if (ret == 0) {
            ret = qcow2_free_clusters(bs, old, 1);
        }
        if (ret < 0) {
            return ret;
        }
    }
    /* The table may have been evicted by the work above. */
    return qcow2_cache_get(bs, &s->l2_cache, off, false, table);
}

int qcow2_set_l2_entry(BlockDriverState *bs, uint64_t vcluster,
                       uint64_t entry)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t *t;
    int ret = get_l2_table_for_write(bs, vcluster, &t);
    if (ret < 0) {
        return ret;
    }
    be64_put(t + l2_index(s, vcluster) * 8, entry);
    qcow2_cache_mark_dirty(&s->l2_cache, t);
    return 0;
}

/*
 * Replaces an entry whose old cluster must be freed. The free waits in
 * pending_free until qcow2_process_frees() has the new entries on disk,
 * so one sync covers a whole request.
 */
static int replace_l2_entry(BlockDriverState *bs, uint64_t vcluster,
                            uint64_t entry, uint64_t old)
{
    BDRVQcow2State *s = bs->opaque;
    int ret = qcow2_set_l2_entry(bs, vcluster, entry);
    if (ret < 0) {
        return ret;
    }
    bool frees = (old & QCOW_OFLAG_COMPRESSED) ||
                 ((old & L2E_OFFSET_MASK) &&
                  (old & L2E_OFFSET_MASK) != (entry & L2E_OFFSET_MASK));
    if (frees) {
        g_array_append_val(s->pending_free, old);
    }
    return 0;
}

int qcow2_process_frees(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    if (!s->pending_free || !s->pending_free->len) {
        return 0;
    }
    int ret = qcow2_cache_flush(bs, &s->l2_cache);
    if (ret == 0) {
        ret = qcow2_sync(bs);
    }
    for (guint i = 0; ret == 0 && i < s->pending_free->len; i++) {
        ret = qcow2_free_any(bs, g_array_index(s->pending_free, uint64_t, i));
    }
    /* On failure the clusters leak, which check -r repairs. */
    g_array_set_size(s->pending_free, 0);
    return ret;
}

static int read_compressed(BlockDriverState *bs, uint64_t l2e)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t off, len;
    qcow2_compressed_range(s, l2e, &off, &len);
    if (s->cluster_cache_offset == off && s->cluster_cache_offset) {
        return 0;
    }
    if (len > 2 * s->cluster_size + 512) {
        return -EIO;
    }
    int ret = bdrv_pread(bs->file, off, len, s->cluster_data);
    if (ret < 0) {
        return ret;
    }
    ret = qcow2_decompress(s->compression_type, s->cluster_data, len,
                           s->cluster_cache, s->cluster_size);
    if (ret < 0) {
        s->cluster_cache_offset = 0;
        return -EIO;
    }
    s->cluster_cache_offset = off;
    return 0;
}

static int read_backing(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                        uint8_t *buf)
{
    if (!bs->backing) {
        memset(buf, 0, bytes);
        return 0;
    }
    uint64_t blen = bs->backing->total_bytes;
    uint64_t n = offset < blen ? MIN(bytes, blen - offset) : 0;
    if (n) {
        int ret = bdrv_pread(bs->backing, offset, n, buf);
        if (ret < 0) {
            return ret;
        }
    }
    memset(buf + n, 0, bytes - n);
    return 0;
}

typedef enum { CL_UNALLOC, CL_ZERO, CL_NORMAL, CL_COMPRESSED } ClusterType;

static ClusterType entry_type(BDRVQcow2State *s, uint64_t e)
{
    if (e & QCOW_OFLAG_COMPRESSED) {
        return CL_COMPRESSED;
    }
    if ((e & QCOW_OFLAG_ZERO) && s->version >= 3) {
        return CL_ZERO;
    }
    if (e & L2E_OFFSET_MASK) {
        return CL_NORMAL;
    }
    return CL_UNALLOC;
}

int qcow2_pread(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                void *vbuf)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t *buf = vbuf;
    if (offset + bytes > s->size || offset + bytes < offset) {
        return -EINVAL;
    }
    while (bytes) {
        uint64_t vc = offset >> s->cluster_bits;
        uint64_t in = offset & (s->cluster_size - 1);
        uint64_t e;
        int ret = qcow2_get_l2_entry(bs, vc, &e);
        if (ret < 0) {
            return ret;
        }
        ClusterType t = entry_type(s, e);
        uint64_t host = e & L2E_OFFSET_MASK;
        if (t == CL_NORMAL && !qcow2_is_aligned(s, host)) {
            return -EIO;
        }
        /* Extend over following clusters of the same kind (contiguous on
         * the host for data) within this L2 table. */
        uint64_t n = s->cluster_size - in;
        uint64_t next = vc + 1;
        while (n < bytes && t != CL_COMPRESSED &&
               (next & (s->l2_size - 1)) != 0) {
            uint64_t e2;
            ret = qcow2_get_l2_entry(bs, next, &e2);
            if (ret < 0) {
                return ret;
            }
            if (entry_type(s, e2) != t ||
                (t == CL_NORMAL &&
                 (e2 & L2E_OFFSET_MASK) != host + ((next - vc) << s->cluster_bits))) {
                break;
            }
            n += s->cluster_size;
            next++;
        }
        n = MIN(n, bytes);
        switch (t) {
        case CL_UNALLOC:
            ret = read_backing(bs, offset, n, buf);
            break;
        case CL_ZERO:
            memset(buf, 0, n);
            break;
        case CL_NORMAL:
            ret = bdrv_pread(bs->file, host + in, n, buf);
            break;
        case CL_COMPRESSED:
            ret = read_compressed(bs, e);
            if (ret == 0) {
                memcpy(buf, s->cluster_cache + in, n);
            }
            break;
        }
        if (ret < 0) {
            return ret;
        }
        buf += n;
        offset += n;
        bytes -= n;
    }
    return 0;
}

/* Guest-visible content of one whole cluster, from whatever it maps to. */
static int read_cluster(BlockDriverState *bs, uint64_t vc, uint8_t *buf)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t off = vc << s->cluster_bits;
    uint64_t n = MIN(s->cluster_size, s->size - off);
    memset(buf + n, 0, s->cluster_size - n);
    return qcow2_pread(bs, off, n, buf);
}

static bool overlaps_metadata(BDRVQcow2State *s, uint64_t host, uint64_t len)
{
    if (host < s->cluster_size) {
        return true;
    }
    uint64_t l1b = (uint64_t)s->l1_size * 8;
    if (host < s->l1_table_offset + l1b && s->l1_table_offset < host + len) {
        return true;
    }
    uint64_t rtb = (uint64_t)s->refcount_table_clusters << s->cluster_bits;
    return host < s->refcount_table_offset + rtb &&
           s->refcount_table_offset < host + len;
}

int qcow2_pwrite(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                 const void *vbuf, int flags)
{
    BDRVQcow2State *s = bs->opaque;
    const uint8_t *buf = vbuf;
    if (offset + bytes > s->size || offset + bytes < offset) {
        return -EINVAL;
    }
    int ret = qcow2_mark_written(bs);
    if (ret < 0) {
        return ret;
    }
    uint8_t *cow = NULL;
    while (bytes) {
        uint64_t vc = offset >> s->cluster_bits;
        uint64_t in = offset & (s->cluster_size - 1);
        uint64_t n = MIN(bytes, s->cluster_size - in);
        uint64_t e;
        ret = qcow2_get_l2_entry(bs, vc, &e);
        if (ret < 0) {
            break;
        }
        ClusterType t = entry_type(s, e);
        if (t == CL_NORMAL && (e & QCOW_OFLAG_COPIED)) {
            uint64_t host = e & L2E_OFFSET_MASK;
            int64_t flen = bdrv_getlength(bs->file);
            /* A data cluster past the end of the file, or on top of the
             * tables, means a corrupt L2 entry: never write there. */
            if (!qcow2_is_aligned(s, host) || flen < 0 ||
                host >= (uint64_t)flen ||
                overlaps_metadata(s, host, s->cluster_size)) {
                ret = -EIO;
                break;
            }
            /* In place; extend over contiguous COPIED clusters. */
            uint64_t next = vc + 1;
            while (n < bytes && (next & (s->l2_size - 1)) != 0) {
                uint64_t e2;
                ret = qcow2_get_l2_entry(bs, next, &e2);
                if (ret < 0) {
                    break;
                }
                if (entry_type(s, e2) != CL_NORMAL ||
                    !(e2 & QCOW_OFLAG_COPIED) ||
                    (e2 & L2E_OFFSET_MASK) !=
                        host + ((next - vc) << s->cluster_bits)) {
                    break;
                }
                n = MIN(bytes, n + s->cluster_size);
                next++;
            }
            if (ret < 0) {
                break;
            }
            ret = bdrv_pwrite(bs->file, host + in, n, buf);
            if (ret < 0) {
                break;
            }
            s->need_sync = true;
        } else {
            /* Allocate; a partial write copies the rest of the cluster
             * from what the guest saw there before. */
            int64_t host = qcow2_alloc_clusters(bs, 1);
            if (host < 0) {
                ret = host;
                break;
            }
            const uint8_t *src = buf;
            if (n < s->cluster_size) {
                if (!cow) {
                    cow = g_malloc(s->cluster_size);
                }
                ret = read_cluster(bs, vc, cow);
                if (ret < 0) {
                    break;
                }
                memcpy(cow + in, buf, n);
                src = cow;
            }
            ret = bdrv_pwrite(bs->file, host, s->cluster_size, src);
            if (ret < 0) {
                break;
            }
            s->need_sync = true;
            ret = replace_l2_entry(bs, vc, host | QCOW_OFLAG_COPIED, e);
            if (ret < 0) {
                break;
            }
        }
        buf += n;
        offset += n;
        bytes -= n;
    }
    g_free(cow);
    if (ret == 0) {
        ret = qcow2_process_frees(bs);
    }
    if (ret == 0 && (flags & BDRV_REQ_FUA)) {
        /* Not bdrv_flush(bs): this request already holds bs's lock. */
        ret = qcow2_flush_caches(bs);
        if (ret == 0) {
            s->need_sync = true;
            ret = qcow2_sync(bs);
        }
    }
    return ret;
}

int qcow2_pwrite_zeroes(BlockDriverState *bs, uint64_t offset,
                        uint64_t bytes, int flags)
{
    BDRVQcow2State *s = bs->opaque;
    if (offset + bytes > s->size || offset + bytes < offset) {
        return -EINVAL;
    }
    int ret = qcow2_mark_written(bs);
    if (ret < 0) {
        return ret;
    }
    uint8_t *zero = NULL;
    while (bytes && ret == 0) {
        uint64_t vc = offset >> s->cluster_bits;
        uint64_t in = offset & (s->cluster_size - 1);
        uint64_t n = MIN(bytes, s->cluster_size - in);
        bool whole = in == 0 && (n == s->cluster_size ||
                                 offset + n == s->size);
        uint64_t e;
        ret = qcow2_get_l2_entry(bs, vc, &e);
        if (ret < 0) {
            break;
        }
        ClusterType t = entry_type(s, e);
        if (whole && s->version >= 3) {
            if (t == CL_ZERO && !(flags & BDRV_REQ_MAY_UNMAP)) {
                /* already zero */
            } else if (t == CL_NORMAL && (e & QCOW_OFLAG_COPIED) &&
                       !(flags & BDRV_REQ_MAY_UNMAP)) {
                ret = qcow2_set_l2_entry(bs, vc, e | QCOW_OFLAG_ZERO);
            } else if (t != CL_ZERO || (e & L2E_OFFSET_MASK)) {
                ret = replace_l2_entry(bs, vc, QCOW_OFLAG_ZERO, e);
            }
        } else if (whole && t == CL_UNALLOC && !bs->backing_file[0]) {
            /* v2 with no backing file: unallocated already reads zero. */
        } else {
            if (!zero) {
                zero = g_malloc0(s->cluster_size);
            }
            ret = qcow2_pwrite(bs, offset, n, zero, 0);
        }
        offset += n;
        bytes -= n;
    }
    g_free(zero);
    if (ret == 0) {
        ret = qcow2_process_frees(bs);
    }
    return ret;
}

static int discard(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                   bool full);

int qcow2_pdiscard(BlockDriverState *bs, uint64_t offset, uint64_t bytes)
{
    return discard(bs, offset, bytes, false);
}

/* Everything unallocated: reads fall through to the backing file again
 * (commit empties the top this way). */
int qcow2_make_empty(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    return discard(bs, 0, s->size, true);
}

static int discard(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                   bool full)
{
    BDRVQcow2State *s = bs->opaque;
    if (offset + bytes > s->size || offset + bytes < offset) {
        return -EINVAL;
    }
    int ret = qcow2_mark_written(bs);
    /* Only whole clusters; partial ones are left as they are. */
    uint64_t start = qcow2_align(s, offset);
    uint64_t end = offset + bytes == s->size ? s->size
                   : (offset + bytes) & ~(s->cluster_size - 1);
    for (uint64_t o = start; o < end && ret == 0; o += s->cluster_size) {
        uint64_t vc = o >> s->cluster_bits, e;
        ret = qcow2_get_l2_entry(bs, vc, &e);
        if (ret < 0 || entry_type(s, e) == CL_UNALLOC) {
            continue;
        }
        /* The header decides: the chain may not be open. */
        if (bs->backing_file[0] && !full) {
            /* Discarded must not expose the backing file's data. */
            if (s->version >= 3) {
                ret = replace_l2_entry(bs, vc, QCOW_OFLAG_ZERO, e);
            }
        } else {
            ret = replace_l2_entry(bs, vc, 0, e);
        }
    }
    if (ret == 0) {
        ret = qcow2_process_frees(bs);
    }
    return ret;
}

int qcow2_block_status(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                       uint64_t *pnum, uint64_t *map, BlockDriverState **file)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t vc = offset >> s->cluster_bits;
    uint64_t in = offset & (s->cluster_size - 1);
    uint64_t e;
    int ret = qcow2_get_l2_entry(bs, vc, &e);
    if (ret < 0) {
        return ret;
    }
    ClusterType t = entry_type(s, e);
    uint64_t host = e & L2E_OFFSET_MASK;
    uint64_t n = s->cluster_size - in;
    uint64_t next = vc + 1;
    while (n < bytes && t != CL_COMPRESSED) {
        uint64_t e2;
        if (qcow2_get_l2_entry(bs, next, &e2) < 0) {
            break;
        }
        if (entry_type(s, e2) != t ||
            (t == CL_NORMAL &&
             (e2 & L2E_OFFSET_MASK) != host + ((next - vc) << s->cluster_bits)) ||
            (t == CL_ZERO && !!(e2 & L2E_OFFSET_MASK) != !!host)) {
            break;
        }
        n += s->cluster_size;
        next++;
    }
    *pnum = MIN(n, bytes);
    switch (t) {
    case CL_UNALLOC:
        return 0;
    case CL_ZERO:
        if (host) {
            *map = host + in;
            *file = bs->file;
            return BDRV_BLOCK_ZERO | BDRV_BLOCK_ALLOCATED |
                   BDRV_BLOCK_OFFSET_VALID;
        }
        return BDRV_BLOCK_ZERO | BDRV_BLOCK_ALLOCATED;
    case CL_COMPRESSED:
        return BDRV_BLOCK_DATA | BDRV_BLOCK_ALLOCATED | BDRV_BLOCK_COMPRESSED;
    default:
        *map = host + in;
        *file = bs->file;
        return BDRV_BLOCK_DATA | BDRV_BLOCK_ALLOCATED |
               BDRV_BLOCK_OFFSET_VALID;
    }
}

static bool write_compressed_cluster(BlockDriverState *bs, uint64_t offset,
                                     uint64_t bytes, const void *buf,
                                     Error **errp);

bool qcow2_write_compressed(BlockDriverState *bs, uint64_t offset,
                            uint64_t bytes, const void *buf, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    if ((offset & (s->cluster_size - 1)) || offset + bytes > s->size ||
        ((bytes & (s->cluster_size - 1)) && offset + bytes != s->size)) {
        error_setg(errp, "Compressed writes must cover whole clusters");
        return false;
    }
    for (uint64_t done = 0; done < bytes; done += s->cluster_size) {
        if (!write_compressed_cluster(bs, offset + done,
                                      MIN(s->cluster_size, bytes - done),
                                      (const uint8_t *)buf + done, errp)) {
            return false;
        }
    }
    return true;
}

static bool write_compressed_cluster(BlockDriverState *bs, uint64_t offset,
                                     uint64_t bytes, const void *buf,
                                     Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    int ret = qcow2_mark_written(bs);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not write to image");
        return false;
    }
    uint8_t *in = g_malloc0(s->cluster_size);
    memcpy(in, buf, bytes);
    uint8_t *out = g_malloc(s->cluster_size);
    ssize_t len = qcow2_compress(s->compression_type, in, s->cluster_size,
                                 out, s->cluster_size - 1);
    uint64_t vc = offset >> s->cluster_bits, old;
    ret = qcow2_get_l2_entry(bs, vc, &old);
    if (ret == 0 && len < 0) {
        /* Incompressible: store it plain. */
        ret = qcow2_pwrite(bs, offset, bytes, buf, 0);
    } else if (ret == 0) {
        int64_t host = qcow2_alloc_bytes(bs, len);
        if (host < 0) {
            ret = host;
        } else {
            ret = bdrv_pwrite(bs->file, host, len, out);
            s->need_sync = true;
            uint64_t nb = ((host + len - 1) >> 9) - (host >> 9);
            uint64_t e = QCOW_OFLAG_COMPRESSED |
                         (nb << s->csize_shift) | (uint64_t)host;
            if (ret == 0) {
                ret = replace_l2_entry(bs, vc, e, old);
            }
            if (ret == 0) {
                ret = qcow2_process_frees(bs);
            }
        }
    }
    g_free(in);
    g_free(out);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not write compressed data");
        return false;
    }
    return true;
}

/* Allocates (and for falloc/full, fills) clusters for [from, to). */
int qcow2_preallocate(BlockDriverState *bs, uint64_t from, uint64_t to,
                      PreallocMode mode)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t max_end = 0;
    for (uint64_t o = from & ~(s->cluster_size - 1); o < to;
         o += s->cluster_size) {
        uint64_t vc = o >> s->cluster_bits, e;
        int ret = qcow2_get_l2_entry(bs, vc, &e);
        if (ret < 0) {
            return ret;
        }
        if (entry_type(s, e) != CL_UNALLOC) {
            continue;
        }
        int64_t host = qcow2_alloc_clusters(bs, 1);
        if (host < 0) {
            return host;
        }
        max_end = MAX(max_end, (uint64_t)host + s->cluster_size);
        /* v3 metadata preallocation: allocated, reads as zero. */
        uint64_t ne = host | QCOW_OFLAG_COPIED;
        if (s->version >= 3 && mode == PREALLOC_MODE_METADATA &&
            bs->backing_file[0]) {
            ne |= QCOW_OFLAG_ZERO;
        }
        ret = qcow2_set_l2_entry(bs, vc, ne);
        if (ret < 0) {
            return ret;
        }
    }
    /* Make the file cover the last allocated cluster. */
    int64_t end = max_end;
    int64_t cur = bdrv_getlength(bs->file);
    if (cur >= 0 && end > cur) {
        Error *err = NULL;
        if (!bdrv_truncate(bs->file, end, false, mode == PREALLOC_MODE_METADATA
                           ? PREALLOC_MODE_OFF : mode, &err)) {
            error_free(err);
            return -EIO;
        }
    }
    return 0;
}
