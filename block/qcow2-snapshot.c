/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qcow2 internal snapshots: reading and checking the snapshot table. */
#include "util/osdep.h"
#include "qcow2.h"

void qcow2_free_snapshots(BDRVQcow2State *s)
{
    for (uint32_t i = 0; s->snapshots && i < s->nb_snapshots; i++) {
        g_free(s->snapshots[i].id_str);
        g_free(s->snapshots[i].name);
        g_free(s->snapshots[i].extra);
    }
    g_free(s->snapshots);
    s->snapshots = NULL;
}

bool qcow2_read_snapshots(BlockDriverState *bs, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    if (!s->nb_snapshots) {
        return true;
    }
    s->snapshots = g_new0(Qcow2Snapshot, s->nb_snapshots);
    uint64_t off = s->snapshots_offset;
    /* The table is bounded like QEMU's (64 MiB) against hostile counts. */
    int64_t flen = bdrv_getlength(bs->file);
    uint64_t limit = MIN(off + 64 * MiB, (uint64_t)MAX(flen, 0));
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        uint8_t h[40];
        Qcow2Snapshot *sn = &s->snapshots[i];
        if (off + 40 > limit || bdrv_pread(bs->file, off, 40, h) < 0) {
            goto bad;
        }
        sn->l1_table_offset = be64_get(h);
        sn->l1_size = be32_get(h + 8);
        uint16_t id_len = be16_get(h + 12), name_len = be16_get(h + 14);
        sn->date_sec = be32_get(h + 16);
        sn->date_nsec = be32_get(h + 20);
        sn->vm_clock_nsec = be64_get(h + 24);
        sn->vm_state_size = be32_get(h + 32);
        sn->extra_size = be32_get(h + 36);
        sn->icount = UINT32_MAX;
        sn->disk_size = s->size;
        off += 40;
        if (sn->extra_size > 1024 || off + sn->extra_size + id_len +
            name_len > limit) {
            goto bad;
        }
        sn->extra = g_malloc0(MAX(sn->extra_size, 1));
        if (bdrv_pread(bs->file, off, sn->extra_size, sn->extra) < 0) {
            goto bad;
        }
        if (sn->extra_size >= 8) {
            sn->vm_state_size = be64_get(sn->extra);
        }
        if (sn->extra_size >= 16) {
            sn->disk_size = be64_get(sn->extra + 8);
        }
        if (sn->extra_size >= 24) {
            sn->icount = (uint32_t)be64_get(sn->extra + 16);
        }
        off += sn->extra_size;
        sn->id_str = g_malloc0(id_len + 1);
        sn->name = g_malloc0(name_len + 1);
        if (bdrv_pread(bs->file, off, id_len, sn->id_str) < 0 ||
            bdrv_pread(bs->file, off + id_len, name_len, sn->name) < 0) {
            goto bad;
        }
        off += id_len + name_len;
        off = ROUND_UP(off, 8);
        if (!qcow2_is_aligned(s, sn->l1_table_offset) ||
            (uint64_t)sn->l1_size * 8 > QCOW2_MAX_L1_BYTES ||
            sn->l1_table_offset + (uint64_t)sn->l1_size * 8 >
                (uint64_t)MAX(flen, 0)) {
            error_setg(errp, "Snapshot L1 table offset invalid");
            return false;
        }
    }
    s->snapshots_size = off - s->snapshots_offset;
    return true;
bad:
    error_setg(errp, "Snapshot table is invalid");
    return false;
}

int qcow2_snapshot_list(BlockDriverState *bs, QEMUSnapshotInfo **list)
{
    BDRVQcow2State *s = bs->opaque;
    QEMUSnapshotInfo *l = g_new0(QEMUSnapshotInfo, MAX(s->nb_snapshots, 1));
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        Qcow2Snapshot *sn = &s->snapshots[i];
        g_strlcpy(l[i].id_str, sn->id_str, sizeof(l[i].id_str));
        g_strlcpy(l[i].name, sn->name, sizeof(l[i].name));
        l[i].vm_state_size = sn->vm_state_size;
        l[i].date_sec = sn->date_sec;
        l[i].date_nsec = sn->date_nsec;
        l[i].vm_clock_nsec = sn->vm_clock_nsec;
        l[i].icount = sn->icount;
    }
    *list = l;
    return s->nb_snapshots;
}

/*
 * Adds delta to the refcount of every L2 table and data cluster an L1
 * table reaches (a snapshot's refcounts count the L1 tables that reach a
 * cluster).
 */
static int update_refcounts_l1(BlockDriverState *bs, uint64_t l1_offset,
                               uint32_t l1_size, int64_t delta)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t bytes = (uint64_t)l1_size * 8;
    uint8_t *l1 = g_malloc(MAX(bytes, 1));
    uint8_t *l2 = g_malloc(s->cluster_size);
    int ret = bdrv_pread(bs->file, l1_offset, bytes, l1);
    for (uint32_t i = 0; ret == 0 && i < l1_size; i++) {
        uint64_t l2off = be64_get(l1 + i * 8) & L1E_OFFSET_MASK;
        if (!l2off) {
            continue;
        }
        if (!qcow2_is_aligned(s, l2off)) {
            ret = -EIO;
            break;
        }
        ret = qcow2_cache_flush_entry(bs, &s->l2_cache, l2off);
        if (ret == 0) {
            ret = bdrv_pread(bs->file, l2off, s->cluster_size, l2);
        }
        for (uint64_t j = 0; ret == 0 && j < s->l2_size; j++) {
            uint64_t e = be64_get(l2 + j * 8);
            if (e & QCOW_OFLAG_COMPRESSED) {
                uint64_t off, len;
                qcow2_compressed_range(s, e, &off, &len);
                for (uint64_t c = off >> s->cluster_bits;
                     ret == 0 && c <= (off + len - 1) >> s->cluster_bits;
                     c++) {
                    ret = qcow2_update_refcount(bs, c, delta);
                }
            } else if (e & L2E_OFFSET_MASK) {
                ret = qcow2_update_refcount(bs,
                        (e & L2E_OFFSET_MASK) >> s->cluster_bits, delta);
            }
        }
        if (ret == 0) {
            ret = qcow2_update_refcount(bs, l2off >> s->cluster_bits, delta);
        }
        if (ret == 0 && delta < 0) {
            uint64_t rc;
            qcow2_get_refcount(bs, l2off >> s->cluster_bits, &rc);
            if (rc == 0) {
                qcow2_cache_discard(&s->l2_cache, l2off);
            }
        }
    }
    g_free(l1);
    g_free(l2);
    return ret;
}

/* COPIED exactly where the refcount is one, in the active tables. */
static int fix_copied_flags(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    int ret = 0;
    for (uint32_t i = 0; ret == 0 && i < s->l1_size; i++) {
        uint64_t l1e = s->l1_table[i];
        uint64_t l2off = l1e & L1E_OFFSET_MASK;
        if (!l2off) {
            continue;
        }
        uint64_t rc;
        ret = qcow2_get_refcount(bs, l2off >> s->cluster_bits, &rc);
        if (ret < 0) {
            break;
        }
        uint64_t want = rc == 1 ? l1e | QCOW_OFLAG_COPIED
                                : l1e & ~QCOW_OFLAG_COPIED;
        uint8_t *t;
        ret = qcow2_cache_get(bs, &s->l2_cache, l2off, false, &t);
        bool dirty = false;
        for (uint64_t j = 0; ret == 0 && j < s->l2_size; j++) {
            uint64_t e = be64_get(t + j * 8);
            if ((e & QCOW_OFLAG_COMPRESSED) || !(e & L2E_OFFSET_MASK)) {
                continue;
            }
            ret = qcow2_get_refcount(bs,
                    (e & L2E_OFFSET_MASK) >> s->cluster_bits, &rc);
            uint64_t ne = rc == 1 ? e | QCOW_OFLAG_COPIED
                                  : e & ~QCOW_OFLAG_COPIED;
            if (ret == 0 && ne != e) {
                /* The lookup may have evicted t: fetch it again. */
                ret = qcow2_cache_get(bs, &s->l2_cache, l2off, false, &t);
                if (ret == 0) {
                    be64_put(t + j * 8, ne);
                    qcow2_cache_mark_dirty(&s->l2_cache, t);
                    dirty = true;
                }
            }
        }
        (void)dirty;
        if (ret == 0 && want != l1e) {
            s->l1_table[i] = want;
            uint8_t b[8];
            be64_put(b, want);
            ret = bdrv_pwrite(bs->file, s->l1_table_offset + i * 8, 8, b);
            s->need_sync = true;
        }
    }
    if (ret == 0) {
        ret = qcow2_flush_caches(bs);
    }
    if (ret == 0) {
        s->need_sync = true;
        ret = qcow2_sync(bs);
    }
    return ret;
}

static uint64_t snapshot_entry_size(Qcow2Snapshot *sn)
{
    return ROUND_UP(40 + (uint64_t)sn->extra_size + strlen(sn->id_str) +
                    strlen(sn->name), 8);
}

/* Writes the snapshot table to new clusters, then switches the header. */
static int write_snapshot_table(BlockDriverState *bs, Qcow2Snapshot *list,
                                uint32_t n)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t size = 0;
    for (uint32_t i = 0; i < n; i++) {
        size += snapshot_entry_size(&list[i]);
    }
    int64_t off = 0;
    int ret = 0;
    if (n) {
        off = qcow2_alloc_clusters(bs, DIV_ROUND_UP(size, s->cluster_size));
        if (off < 0) {
            return off;
        }
        uint8_t *buf = g_malloc0(size);
        uint64_t p = 0;
        for (uint32_t i = 0; i < n; i++) {
            Qcow2Snapshot *sn = &list[i];
            uint8_t *e = buf + p;
            be64_put(e, sn->l1_table_offset);
            be32_put(e + 8, sn->l1_size);
            be16_put(e + 12, strlen(sn->id_str));
            be16_put(e + 14, strlen(sn->name));
            be32_put(e + 16, sn->date_sec);
            be32_put(e + 20, sn->date_nsec);
            be64_put(e + 24, sn->vm_clock_nsec);
            be32_put(e + 32, MIN(sn->vm_state_size, UINT32_MAX));
            be32_put(e + 36, sn->extra_size);
            memcpy(e + 40, sn->extra, sn->extra_size);
            memcpy(e + 40 + sn->extra_size, sn->id_str, strlen(sn->id_str));
            memcpy(e + 40 + sn->extra_size + strlen(sn->id_str), sn->name,
                   strlen(sn->name));
            p += snapshot_entry_size(sn);
        }
        ret = qcow2_cache_flush(bs, &s->rb_cache);
        if (ret == 0) {
            ret = bdrv_pwrite(bs->file, off, size, buf);
        }
        g_free(buf);
        if (ret == 0) {
            s->need_sync = true;
            ret = qcow2_sync(bs);
        }
        if (ret < 0) {
            return ret;
        }
    }
    uint8_t hdr[12];
    be32_put(hdr, n);
    be64_put(hdr + 4, off);
    ret = bdrv_pwrite(bs->file, 60, 12, hdr);
    if (ret == 0) {
        s->need_sync = true;
        ret = qcow2_sync(bs);
    }
    if (ret < 0) {
        return ret;
    }
    uint64_t old_off = s->snapshots_offset, old_size = s->snapshots_size;
    s->snapshots_offset = off;
    s->snapshots_size = size;
    if (old_off && old_size) {
        ret = qcow2_free_clusters(bs, old_off,
                                  DIV_ROUND_UP(old_size, s->cluster_size));
    }
    return ret;
}

static int find_snapshot(BDRVQcow2State *s, const char *name)
{
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        if (!strcmp(s->snapshots[i].id_str, name)) {
            return i;
        }
    }
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        if (!strcmp(s->snapshots[i].name, name)) {
            return i;
        }
    }
    return -1;
}

bool qcow2_snapshot_create(BlockDriverState *bs, const char *name,
                           Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    if (s->nb_snapshots >= QCOW2_MAX_SNAPSHOTS) {
        error_setg(errp, "Too many snapshots");
        return false;
    }
    if (strlen(name) > 65535) {
        error_setg(errp, "Snapshot name too long");
        return false;
    }
    int ret = qcow2_mark_written(bs);
    if (ret == 0) {
        ret = qcow2_flush_caches(bs);
    }
    /* References first (a crash now only leaks), then the copy of L1, the
     * new table, the header. */
    if (ret == 0) {
        ret = update_refcounts_l1(bs, s->l1_table_offset, s->l1_size, 1);
    }
    if (ret == 0) {
        ret = qcow2_flush_caches(bs);
    }
    if (ret == 0) {
        s->need_sync = true;
        ret = qcow2_sync(bs);
    }
    if (ret == 0) {
        ret = fix_copied_flags(bs);
    }
    int64_t l1_off = 0;
    uint64_t l1_bytes = (uint64_t)s->l1_size * 8;
    if (ret == 0 && l1_bytes) {
        l1_off = qcow2_alloc_clusters(bs, DIV_ROUND_UP(l1_bytes,
                                                       s->cluster_size));
        ret = l1_off < 0 ? (int)l1_off : 0;
    }
    if (ret == 0 && l1_bytes) {
        uint8_t *buf = g_malloc0(l1_bytes);
        for (uint32_t i = 0; i < s->l1_size; i++) {
            be64_put(buf + i * 8, s->l1_table[i]);
        }
        ret = bdrv_pwrite(bs->file, l1_off, l1_bytes, buf);
        g_free(buf);
    }
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not create snapshot '%s'", name);
        return false;
    }
    Qcow2Snapshot *list = g_new0(Qcow2Snapshot, s->nb_snapshots + 1);
    memcpy(list, s->snapshots, sizeof(*list) * s->nb_snapshots);
    Qcow2Snapshot *sn = &list[s->nb_snapshots];
    uint64_t max_id = 0;
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        max_id = MAX(max_id, g_ascii_strtoull(s->snapshots[i].id_str, NULL,
                                              10));
    }
    sn->id_str = g_strdup_printf("%" PRIu64, max_id + 1);
    sn->name = g_strdup(name);
    sn->l1_table_offset = l1_off;
    sn->l1_size = s->l1_size;
    sn->disk_size = s->size;
    gint64 now = g_get_real_time();
    sn->date_sec = now / G_USEC_PER_SEC;
    sn->date_nsec = (now % G_USEC_PER_SEC) * 1000;
    sn->icount = 0;
    sn->extra_size = 24;
    sn->extra = g_malloc0(24);
    be64_put(sn->extra + 8, s->size);
    ret = write_snapshot_table(bs, list, s->nb_snapshots + 1);
    if (ret < 0) {
        g_free(sn->id_str);
        g_free(sn->name);
        g_free(sn->extra);
        g_free(list);
        error_setg_errno(errp, -ret, "Could not create snapshot '%s'", name);
        return false;
    }
    g_free(s->snapshots);
    s->snapshots = list;
    s->nb_snapshots++;
    return true;
}

bool qcow2_snapshot_delete(BlockDriverState *bs, const char *name,
                           Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    int idx = find_snapshot(s, name);
    if (idx < 0) {
        error_setg(errp, "snapshot not found");
        return false;
    }
    Qcow2Snapshot gone = s->snapshots[idx];
    Qcow2Snapshot *list = g_new0(Qcow2Snapshot, MAX(s->nb_snapshots, 1));
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        if ((int)i != idx) {
            list[n++] = s->snapshots[i];
        }
    }
    int ret = qcow2_mark_written(bs);
    if (ret == 0) {
        ret = qcow2_flush_caches(bs);
    }
    /* The table without it first; dropping references afterwards can
     * only leak if interrupted. */
    if (ret == 0) {
        ret = write_snapshot_table(bs, list, n);
    }
    if (ret < 0) {
        g_free(list);
        error_setg_errno(errp, -ret, "Could not delete snapshot '%s'", name);
        return false;
    }
    g_free(s->snapshots);
    s->snapshots = list;
    s->nb_snapshots = n;
    ret = update_refcounts_l1(bs, gone.l1_table_offset, gone.l1_size, -1);
    if (ret == 0 && gone.l1_size) {
        ret = qcow2_free_clusters(bs, gone.l1_table_offset,
                                  DIV_ROUND_UP((uint64_t)gone.l1_size * 8,
                                               s->cluster_size));
    }
    if (ret == 0) {
        ret = fix_copied_flags(bs);
    }
    g_free(gone.id_str);
    g_free(gone.name);
    g_free(gone.extra);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not delete snapshot '%s'", name);
        return false;
    }
    return true;
}

bool qcow2_snapshot_apply(BlockDriverState *bs, const char *name,
                          Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    int idx = find_snapshot(s, name);
    if (idx < 0) {
        error_setg(errp, "Failed to load snapshot: No such file or directory");
        return false;
    }
    Qcow2Snapshot *sn = &s->snapshots[idx];
    if (sn->disk_size != s->size) {
        error_setg(errp, "Failed to load snapshot: snapshot has a different "
                   "disk size");
        return false;
    }
    uint64_t n = MAX(sn->l1_size, s->l1_size);
    int ret = qcow2_mark_written(bs);
    if (ret == 0) {
        ret = qcow2_flush_caches(bs);
    }
    if (ret == 0) {
        ret = qcow2_grow_l1(bs, n);
    }
    /* Snapshot's references up, new active L1, old references down. */
    if (ret == 0) {
        ret = update_refcounts_l1(bs, sn->l1_table_offset, sn->l1_size, 1);
    }
    if (ret == 0) {
        ret = qcow2_flush_caches(bs);
    }
    if (ret == 0) {
        s->need_sync = true;
        ret = qcow2_sync(bs);
    }
    uint64_t *old = g_memdup2(s->l1_table, (uint64_t)s->l1_size * 8);
    uint32_t old_size = s->l1_size;
    uint8_t *buf = g_malloc0(n * 8);
    if (ret == 0) {
        ret = bdrv_pread(bs->file, sn->l1_table_offset,
                         (uint64_t)sn->l1_size * 8, buf);
    }
    if (ret == 0) {
        ret = bdrv_pwrite(bs->file, s->l1_table_offset, n * 8, buf);
    }
    if (ret == 0) {
        s->need_sync = true;
        ret = qcow2_sync(bs);
    }
    if (ret == 0) {
        for (uint64_t i = 0; i < n; i++) {
            s->l1_table[i] = be64_get(buf + i * 8);
        }
        for (int i = 0; i < s->l2_cache.n; i++) {
            qcow2_cache_discard(&s->l2_cache, s->l2_cache.e[i].offset);
        }
        /* The old tables as a temporary L1 image to walk. */
        uint8_t *ob = g_malloc0(MAX((uint64_t)old_size * 8, 1));
        for (uint32_t i = 0; i < old_size; i++) {
            be64_put(ob + i * 8, old[i]);
        }
        int64_t tmp = qcow2_alloc_clusters(bs,
                          DIV_ROUND_UP(MAX((uint64_t)old_size * 8, 1),
                                       s->cluster_size));
        ret = tmp < 0 ? (int)tmp : bdrv_pwrite(bs->file, tmp,
                                               (uint64_t)old_size * 8, ob);
        if (ret == 0) {
            ret = update_refcounts_l1(bs, tmp, old_size, -1);
        }
        if (tmp >= 0) {
            qcow2_free_clusters(bs, tmp, DIV_ROUND_UP(
                MAX((uint64_t)old_size * 8, 1), s->cluster_size));
        }
        g_free(ob);
    }
    g_free(buf);
    g_free(old);
    if (ret == 0) {
        ret = fix_copied_flags(bs);
    }
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not apply snapshot '%s'", name);
        return false;
    }
    return true;
}
