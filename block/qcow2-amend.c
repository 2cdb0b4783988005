/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 amend: change the compatibility level (both ways), lazy_refcounts
 * and the backing file of an existing image.
 */
#include "util/osdep.h"
#include "qcow2.h"

/* v2 has no zero flag: zero clusters become unallocated (no backing
 * file) or explicit zeroes. */
static int expand_zero_clusters(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t *zero = g_malloc0(s->cluster_size);
    uint64_t nb = DIV_ROUND_UP(s->size, s->cluster_size);
    int ret = 0;
    for (uint64_t vc = 0; vc < nb && ret == 0; vc++) {
        uint64_t e;
        ret = qcow2_get_l2_entry(bs, vc, &e);
        if (ret < 0 || (e & QCOW_OFLAG_COMPRESSED) || !(e & QCOW_OFLAG_ZERO)) {
            continue;
        }
        uint64_t off = vc << s->cluster_bits;
        uint64_t n = MIN(s->cluster_size, s->size - off);
        if (!bs->backing_file[0]) {
            /* Unallocated reads as zero without a backing file (the image
             * may be open without its chain: ask the header). */
            ret = qcow2_set_l2_entry(bs, vc, 0);
            if (ret == 0 && (e & L2E_OFFSET_MASK)) {
                ret = qcow2_flush_caches(bs);
                if (ret == 0) {
                    s->need_sync = true;
                    ret = qcow2_sync(bs);
                }
                if (ret == 0) {
                    ret = qcow2_free_any(bs, e & ~QCOW_OFLAG_ZERO);
                }
            }
        } else if ((e & L2E_OFFSET_MASK) && (e & QCOW_OFLAG_COPIED)) {
            /* Preallocated: fill it, then drop the flag. */
            ret = bdrv_pwrite(bs->file, e & L2E_OFFSET_MASK, s->cluster_size,
                              zero);
            s->need_sync = true;
            if (ret == 0) {
                ret = qcow2_set_l2_entry(bs, vc, e & ~QCOW_OFLAG_ZERO);
            }
        } else {
            /* Clear the flag so the write below allocates fresh zeroes. */
            ret = qcow2_set_l2_entry(bs, vc, 0);
            if (ret == 0) {
                ret = qcow2_pwrite(bs, off, n, zero, 0);
            }
            if (ret == 0 && (e & L2E_OFFSET_MASK)) {
                /* The new entry on disk before the old cluster goes. */
                ret = qcow2_flush_caches(bs);
                if (ret == 0) {
                    s->need_sync = true;
                    ret = qcow2_sync(bs);
                }
                if (ret == 0) {
                    ret = qcow2_free_any(bs, e & ~QCOW_OFLAG_ZERO);
                }
            }
        }
    }
    g_free(zero);
    if (ret == 0) {
        ret = qcow2_flush_caches(bs);
    }
    if (ret == 0) {
        s->need_sync = true;
        ret = qcow2_sync(bs);
    }
    return ret;
}

static const char *const creation_only[] = {
    "cluster_size", "preallocation", "encryption", "encrypt.format",
    "extended_l2", "data_file", "data_file_raw", "size",
};

bool qcow2_amend(BlockDriverState *bs, Opts *opts, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    Error *err = NULL;
    for (guint i = 0; i < opts->pairs->len; i++) {
        OptPair *p = &g_array_index(opts->pairs, OptPair, i);
        for (size_t j = 0; j < ARRAY_SIZE(creation_only); j++) {
            if (!strcmp(p->key, creation_only[j])) {
                error_setg(errp, "Invalid parameter '%s'", p->key);
                error_append_hint(errp, "This option is only supported for "
                                  "image creation\n");
                return false;
            }
        }
        if (strcmp(p->key, "compat") && strcmp(p->key, "lazy_refcounts") &&
            strcmp(p->key, "refcount_bits") &&
            strcmp(p->key, "compression_type") &&
            strcmp(p->key, "backing_file") && strcmp(p->key, "backing_fmt")) {
            error_setg(errp, "Invalid parameter '%s'", p->key);
            return false;
        }
    }
    int version = s->version;
    const char *compat = opts_get(opts, "compat");
    if (compat) {
        if (!strcmp(compat, "0.10") || !strcmp(compat, "v2")) {
            version = 2;
        } else if (!strcmp(compat, "1.1") || !strcmp(compat, "v3")) {
            version = 3;
        } else {
            error_setg(errp, "Unknown compatibility level %s", compat);
            return false;
        }
    }
    bool lazy = s->compatible_features & QCOW2_COMPAT_LAZY_REFCOUNTS;
    bool lazy_given = opts_has(opts, "lazy_refcounts");
    if (lazy_given) {
        lazy = opts_get_bool(opts, "lazy_refcounts", false, &err);
        if (err) {
            error_propagate(errp, err);
            return false;
        }
    }
    if (opts_has(opts, "refcount_bits")) {
        uint64_t rb = opts_get_number(opts, "refcount_bits", 16, &err);
        if (err) {
            error_propagate(errp, err);
            return false;
        }
        if (rb != (uint64_t)s->refcount_bits) {
            error_setg(errp, "Changing the refcount width is not supported "
                       "by kemu");
            return false;
        }
    }
    const char *ct = opts_get(opts, "compression_type");
    if (ct && strcmp(ct, s->compression_type ? "zstd" : "zlib")) {
        error_setg(errp, "Changing the compression type is not supported");
        return false;
    }
    if (version == 2 && lazy && lazy_given) {
        error_setg(errp, "Lazy refcounts only supported with compatibility "
                   "level 1.1 and above (use compat=1.1 or greater)");
        return false;
    }
    if (version == 2 && s->version >= 3) {
        if (s->refcount_order != 4) {
            error_setg(errp, "compat=0.10 requires refcount_bits=16");
            return false;
        }
        if (s->compression_type != QCOW2_COMPRESSION_ZLIB) {
            error_setg(errp, "Cannot downgrade an image with zstd "
                       "compression to compat=0.10");
            return false;
        }
        if (s->nb_snapshots) {
            error_setg(errp, "Downgrading an image with internal snapshots "
                       "is not supported by kemu");
            return false;
        }
        if (s->nb_bitmaps) {
            error_setg(errp, "Cannot downgrade an image with bitmaps");
            return false;
        }
    }
    int ret = qcow2_mark_written(bs);
    if (ret == 0 && version == 2 && s->version >= 3) {
        ret = expand_zero_clusters(bs);
        lazy = false;
    }
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Failed to amend the image");
        return false;
    }
    if (opts_has(opts, "backing_file")) {
        const char *bf = opts_get(opts, "backing_file");
        g_strlcpy(bs->backing_file, bf, sizeof(bs->backing_file));
        if (!bf[0]) {
            bs->backing_format[0] = 0;
        }
    }
    if (opts_has(opts, "backing_fmt")) {
        g_strlcpy(bs->backing_format, opts_get(opts, "backing_fmt"),
                  sizeof(bs->backing_format));
    }
    s->version = version;
    if (version >= 3) {
        s->header_length = MAX(s->header_length, 112u);
        s->refcount_order = s->version >= 3 ? s->refcount_order : 4;
    } else {
        s->header_length = 72;
        s->incompatible_features = 0;
        s->autoclear_features = 0;
    }
    s->compatible_features = lazy ? QCOW2_COMPAT_LAZY_REFCOUNTS : 0;
    ret = qcow2_update_header(bs);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Failed to update the image header");
        return false;
    }
    return true;
}
