/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 consistency check: count every reference the metadata makes to a
 * host cluster and compare with the refcounts on disk. More refcount than
 * references is a leak; fewer is a corruption (a cluster in use could be
 * handed out again). Repair sets the refcount to the references counted.
 */
#include "util/osdep.h"
#include "qcow2.h"

typedef struct CheckState {
    BlockDriverState *bs;
    BdrvCheckResult *res;
    uint64_t *refs;
    uint64_t nb;            /* clusters counted in refs */
    uint64_t highest;       /* one past the highest referenced cluster */
    int64_t last_data;      /* for fragmentation */
} CheckState;

static void inc_range(CheckState *cs, uint64_t off, uint64_t len)
{
    BDRVQcow2State *s = cs->bs->opaque;
    if (!len) {
        return;
    }
    uint64_t first = off >> s->cluster_bits;
    uint64_t last = (off + len - 1) >> s->cluster_bits;
    for (uint64_t c = first; c <= last; c++) {
        if (c >= cs->nb) {
            g_string_append_printf(cs->res->messages,
                "ERROR: Reference to cluster %" PRIu64 " beyond the end of "
                "the image (offset 0x%" PRIx64 ")\n", c, c << s->cluster_bits);
            cs->res->corruptions++;
            continue;
        }
        cs->refs[c]++;
        if (c + 1 > cs->highest) {
            cs->highest = c + 1;
        }
    }
}

static int check_l2(CheckState *cs, uint64_t l2_off, bool active)
{
    BDRVQcow2State *s = cs->bs->opaque;
    uint8_t *t = g_malloc(s->cluster_size);
    int ret = bdrv_pread(cs->bs->file, l2_off, s->cluster_size, t);
    if (ret < 0) {
        g_free(t);
        cs->res->check_errors++;
        return ret;
    }
    for (uint64_t i = 0; i < s->l2_size; i++) {
        uint64_t e = be64_get(t + i * 8);
        if (e & QCOW_OFLAG_COMPRESSED) {
            uint64_t off, len;
            qcow2_compressed_range(s, e, &off, &len);
            if (e & QCOW_OFLAG_COPIED) {
                g_string_append_printf(cs->res->messages,
                    "ERROR: coffset=0x%" PRIx64 ": copied flag must never "
                    "be set for compressed clusters\n", off);
                cs->res->corruptions++;
            }
            inc_range(cs, off, len);
            if (active) {
                cs->res->allocated_clusters++;
                cs->res->compressed_clusters++;
                cs->res->fragmented_clusters++;
                cs->last_data = -1;
            }
            continue;
        }
        uint64_t off = e & L2E_OFFSET_MASK;
        if (!off) {
            continue;
        }
        if (!qcow2_is_aligned(s, off)) {
            g_string_append_printf(cs->res->messages,
                "ERROR offset=%" PRIx64 ": Cluster is not properly aligned; "
                "L2 entry corrupted.\n", off);
            cs->res->corruptions++;
            continue;
        }
        inc_range(cs, off, s->cluster_size);
        if (active) {
            cs->res->allocated_clusters++;
            if (cs->last_data >= 0 &&
                (uint64_t)cs->last_data + s->cluster_size != off) {
                cs->res->fragmented_clusters++;
            }
            cs->last_data = off;
        }
    }
    g_free(t);
    return 0;
}

static int check_l1(CheckState *cs, uint64_t l1_off, uint32_t l1_size,
                    bool active)
{
    BDRVQcow2State *s = cs->bs->opaque;
    uint64_t bytes = (uint64_t)l1_size * 8;
    inc_range(cs, l1_off, bytes);
    if (!bytes) {
        return 0;
    }
    uint8_t *l1 = g_malloc(bytes);
    int ret = bdrv_pread(cs->bs->file, l1_off, bytes, l1);
    if (ret < 0) {
        g_free(l1);
        cs->res->check_errors++;
        return ret;
    }
    for (uint32_t i = 0; i < l1_size && ret == 0; i++) {
        uint64_t off = be64_get(l1 + i * 8) & L1E_OFFSET_MASK;
        if (!off) {
            continue;
        }
        if (!qcow2_is_aligned(s, off)) {
            g_string_append_printf(cs->res->messages,
                "ERROR l2_offset=%" PRIx64 ": Table is not cluster aligned; "
                "L1 entry corrupted\n", off);
            cs->res->corruptions++;
            continue;
        }
        inc_range(cs, off, s->cluster_size);
        cs->last_data = -1;     /* contiguity is counted per table */
        ret = check_l2(cs, off, active);
    }
    g_free(l1);
    return ret;
}

static int check_bitmaps(CheckState *cs)
{
    BDRVQcow2State *s = cs->bs->opaque;
    if (!s->nb_bitmaps || !s->bitmap_directory_offset ||
        s->bitmap_directory_size > 64 * MiB) {
        return 0;
    }
    inc_range(cs, s->bitmap_directory_offset, s->bitmap_directory_size);
    uint8_t *dir = g_malloc(s->bitmap_directory_size);
    int ret = bdrv_pread(cs->bs->file, s->bitmap_directory_offset,
                         s->bitmap_directory_size, dir);
    uint64_t p = 0;
    for (uint32_t i = 0; ret == 0 && i < s->nb_bitmaps; i++) {
        if (p + 24 > s->bitmap_directory_size) {
            break;
        }
        uint64_t toff = be64_get(dir + p);
        uint32_t tsize = be32_get(dir + p + 8);
        uint16_t name_size = be16_get(dir + p + 18);
        uint32_t extra = be32_get(dir + p + 20);
        p += ROUND_UP(24 + (uint64_t)extra + name_size, 8);
        if ((uint64_t)tsize * 8 > 64 * MiB || !qcow2_is_aligned(s, toff)) {
            cs->res->corruptions++;
            continue;
        }
        inc_range(cs, toff, (uint64_t)tsize * 8);
        uint8_t *t = g_malloc(MAX((uint64_t)tsize * 8, 1));
        ret = bdrv_pread(cs->bs->file, toff, (uint64_t)tsize * 8, t);
        for (uint32_t j = 0; ret == 0 && j < tsize; j++) {
            uint64_t off = be64_get(t + j * 8) & 0x00fffffffffffe00ull;
            if (off) {
                inc_range(cs, off, s->cluster_size);
            }
        }
        g_free(t);
    }
    g_free(dir);
    return ret;
}

/* COPIED must be set exactly when the refcount is one (active tables). */
static int check_copied(CheckState *cs, int fix)
{
    BlockDriverState *bs = cs->bs;
    BDRVQcow2State *s = bs->opaque;
    uint8_t *t = g_malloc(s->cluster_size);
    int ret = 0;
    for (uint32_t i = 0; i < s->l1_size && ret == 0; i++) {
        uint64_t l1e = s->l1_table[i];
        uint64_t off = l1e & L1E_OFFSET_MASK;
        if (!off || !qcow2_is_aligned(s, off)) {
            continue;
        }
        uint64_t rc;
        ret = qcow2_get_refcount(bs, off >> s->cluster_bits, &rc);
        if (ret < 0) {
            break;
        }
        if ((rc == 1) != !!(l1e & QCOW_OFLAG_COPIED)) {
            g_string_append_printf(cs->res->messages,
                "%s OFLAG_COPIED L2 cluster: l1_index=%u l1_entry=%" PRIx64
                " refcount=%" PRIu64 "\n",
                (fix & BDRV_FIX_ERRORS) ? "Repairing" : "ERROR", i, l1e, rc);
            cs->res->corruptions++;
            if (fix & BDRV_FIX_ERRORS) {
                s->l1_table[i] = rc == 1 ? l1e | QCOW_OFLAG_COPIED
                                         : l1e & ~QCOW_OFLAG_COPIED;
                uint8_t b[8];
                be64_put(b, s->l1_table[i]);
                ret = bdrv_pwrite(bs->file, s->l1_table_offset + i * 8, 8, b);
                if (ret == 0) {
                    cs->res->corruptions_fixed++;
                }
            }
        }
        ret = bdrv_pread(bs->file, off, s->cluster_size, t);
        bool dirty = false;
        for (uint64_t j = 0; ret == 0 && j < s->l2_size; j++) {
            uint64_t e = be64_get(t + j * 8);
            uint64_t doff = e & L2E_OFFSET_MASK;
            if ((e & QCOW_OFLAG_COMPRESSED) || !doff ||
                !qcow2_is_aligned(s, doff)) {
                continue;
            }
            ret = qcow2_get_refcount(bs, doff >> s->cluster_bits, &rc);
            if (ret < 0) {
                break;
            }
            if ((rc == 1) != !!(e & QCOW_OFLAG_COPIED)) {
                g_string_append_printf(cs->res->messages,
                    "%s OFLAG_COPIED data cluster: l2_entry=%" PRIx64
                    " refcount=%" PRIu64 "\n",
                    (fix & BDRV_FIX_ERRORS) ? "Repairing" : "ERROR", e, rc);
                cs->res->corruptions++;
                if (fix & BDRV_FIX_ERRORS) {
                    be64_put(t + j * 8, rc == 1 ? e | QCOW_OFLAG_COPIED
                                                : e & ~QCOW_OFLAG_COPIED);
                    dirty = true;
                    cs->res->corruptions_fixed++;
                }
            }
        }
        if (ret == 0 && dirty) {
            qcow2_cache_discard(&s->l2_cache, off);
            ret = bdrv_pwrite(bs->file, off, s->cluster_size, t);
        }
    }
    g_free(t);
    return ret;
}

int qcow2_check(BlockDriverState *bs, BdrvCheckResult *res, int fix)
{
    BDRVQcow2State *s = bs->opaque;
    CheckState cs = { .bs = bs, .res = res, .last_data = -1 };
    if (!bs->read_only) {
        int ret = qcow2_flush_caches(bs);
        if (ret < 0) {
            return ret;
        }
    }
    int64_t flen = bdrv_getlength(bs->file);
    if (flen < 0) {
        return flen;
    }
    cs.nb = DIV_ROUND_UP((uint64_t)flen, s->cluster_size);
    cs.refs = g_new0(uint64_t, MAX(cs.nb, 1));
    res->total_clusters = DIV_ROUND_UP(s->size, s->cluster_size);

    inc_range(&cs, 0, s->cluster_size);
    int ret = check_l1(&cs, s->l1_table_offset, s->l1_size, true);
    for (uint32_t i = 0; ret == 0 && i < s->nb_snapshots; i++) {
        ret = check_l1(&cs, s->snapshots[i].l1_table_offset,
                       s->snapshots[i].l1_size, false);
    }
    if (ret == 0 && s->nb_snapshots) {
        inc_range(&cs, s->snapshots_offset, s->snapshots_size);
    }
    if (ret == 0) {
        ret = check_bitmaps(&cs);
    }
    inc_range(&cs, s->refcount_table_offset,
              (uint64_t)s->refcount_table_clusters << s->cluster_bits);
    for (uint64_t i = 0; i < s->refcount_table_size; i++) {
        uint64_t off = s->refcount_table[i] & REFT_OFFSET_MASK;
        if (!off) {
            continue;
        }
        if (!qcow2_is_aligned(s, off) || (off >> s->cluster_bits) >= cs.nb) {
            g_string_append_printf(res->messages,
                "ERROR refcount block %" PRIu64 " is not cluster aligned; "
                "refcount table entry corrupted\n", i);
            res->corruptions++;
            continue;
        }
        inc_range(&cs, off, s->cluster_size);
    }
    if (ret < 0) {
        g_free(cs.refs);
        return ret;
    }

    /* Repairs may allocate refcount blocks: they go past everything. */
    if (fix) {
        s->free_cluster_index = MAX(s->free_cluster_index, cs.nb);
    }
    uint64_t end = cs.nb;
    for (uint64_t c = 0; c < end; c++) {
        uint64_t disk;
        ret = qcow2_get_refcount(bs, c, &disk);
        if (ret < 0) {
            res->check_errors++;
            g_string_append_printf(res->messages,
                "ERROR: Could not read refcount of cluster %" PRIu64 "\n", c);
            ret = 0;
            continue;
        }
        uint64_t want = c < cs.nb ? cs.refs[c] : 0;
        if (disk == want) {
            continue;
        }
        if (want > s->refcount_max) {
            res->corruptions++;
            continue;
        }
        bool leak = disk > want;
        bool repair = leak ? (fix & BDRV_FIX_LEAKS) : (fix & BDRV_FIX_ERRORS);
        g_string_append_printf(res->messages,
            "%s cluster %" PRIu64 " refcount=%" PRIu64 " reference=%" PRIu64
            "\n", leak ? "Leaked" : "ERROR", c, disk, want);
        if (repair) {
            g_string_append_printf(res->messages,
                "Repairing cluster %" PRIu64 " refcount=%" PRIu64
                " reference=%" PRIu64 "\n", c, disk, want);
        }
        if (leak) {
            res->leaks++;
        } else {
            res->corruptions++;
        }
        if (repair) {
            ret = qcow2_set_refcount(bs, c, want);
            if (ret < 0) {
                res->check_errors++;
                ret = 0;
            } else if (leak) {
                res->leaks_fixed++;
            } else {
                res->corruptions_fixed++;
            }
        }
    }
    if (fix) {
        ret = qcow2_flush_caches(bs);
        if (ret == 0) {
            s->need_sync = true;
            ret = qcow2_sync(bs);
        }
    }
    if (ret == 0) {
        ret = check_copied(&cs, fix);
    }
    if (fix && ret == 0) {
        s->need_sync = true;
        ret = qcow2_sync(bs);
    }
    res->image_end_offset = cs.highest << s->cluster_bits;
    g_free(cs.refs);
    s->free_cluster_index = 0;
    return ret;
}
