/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 image creation: a minimal image (header, refcount table, one
 * refcount block) is written, then opened and grown with the ordinary
 * code (L1 table, preallocation), so creation takes the same tested paths
 * as a running image.
 */
#include "util/osdep.h"
#include "qcow2.h"

const BlockCreateOpt qcow2_create_opts[] = {
    { "size", "size", "Virtual disk size", NULL },
    { "compat", "str", "Compatibility level (v2 [0.10] or v3 [1.1])", NULL },
    { "backing_file", "str", "File name of a base image", NULL },
    { "backing_fmt", "str", "Image format of the base image", NULL },
    { "data_file", "str", "File name of an external data file", NULL },
    { "data_file_raw", "bool", "The external data file must stay valid as "
      "a raw image", NULL },
    { "encryption", "bool", "Encrypt the image with format 'aes'. (Deprecated "
      "in favor of encrypt.format=aes)", NULL },
    { "encrypt.format", "str", "Encrypt the image, format choices: 'aes', "
      "'luks'", NULL },
    { "cluster_size", "size", "qcow2 cluster size", "65536" },
    { "preallocation", "str", "Preallocation mode (allowed values: off, "
      "metadata, falloc, full)", NULL },
    { "lazy_refcounts", "bool", "Postpone refcount updates", NULL },
    { "refcount_bits", "number", "Width of a reference count entry in bits",
      NULL },
    { "compression_type", "str", "Compression method used for image cluster "
      "compression", NULL },
    { "extended_l2", "bool", "Extended L2 tables", NULL },
    { NULL },
};

bool qcow2_create(const char *filename, Opts *opts, Error **errp)
{
    Error *err = NULL;
    uint64_t size = opts_get_size(opts, "size", 0, &err);
    uint64_t cluster_size = opts_get_size(opts, "cluster_size", 65536, &err);
    bool lazy = opts_get_bool(opts, "lazy_refcounts", false, &err);
    bool extl2 = opts_get_bool(opts, "extended_l2", false, &err);
    bool encryption = opts_get_bool(opts, "encryption", false, &err);
    uint64_t refcount_bits = opts_get_number(opts, "refcount_bits", 16, &err);
    if (err) {
        error_propagate(errp, err);
        return false;
    }
    const char *compat = opts_get(opts, "compat");
    const char *backing = opts_get(opts, "backing_file");
    const char *backing_fmt = opts_get(opts, "backing_fmt");
    const char *prealloc_s = opts_get(opts, "preallocation");
    const char *ctype = opts_get(opts, "compression_type");
    int version = 3;
    if (compat) {
        if (!strcmp(compat, "0.10") || !strcmp(compat, "v2")) {
            version = 2;
        } else if (!strcmp(compat, "1.1") || !strcmp(compat, "v3")) {
            version = 3;
        } else {
            error_setg(errp, "Parameter 'version' does not accept value '%s'",
                       compat);
            return false;
        }
    }
    if (cluster_size < 512 || cluster_size > 2 * MiB ||
        (cluster_size & (cluster_size - 1))) {
        error_setg(errp, "Cluster size must be a power of two between 512 "
                   "and 2048k");
        return false;
    }
    if (refcount_bits > 64 || !refcount_bits ||
        (refcount_bits & (refcount_bits - 1))) {
        error_setg(errp, "Refcount width must be a power of two and may not "
                   "exceed 64 bits");
        return false;
    }
    if (version == 2 && refcount_bits != 16) {
        error_setg(errp, "Different refcount widths than 16 bits require "
                   "compatibility level 1.1 or above (use compat=1.1 or "
                   "greater)");
        return false;
    }
    if (version == 2 && lazy) {
        error_setg(errp, "Lazy refcounts only supported with compatibility "
                   "level 1.1 and above (use compat=1.1 or greater)");
        return false;
    }
    int compression = QCOW2_COMPRESSION_ZLIB;
    if (ctype) {
        if (!strcmp(ctype, "zstd")) {
            compression = QCOW2_COMPRESSION_ZSTD;
        } else if (strcmp(ctype, "zlib")) {
            error_setg(errp, "Parameter 'compression-type' does not accept "
                       "value '%s'", ctype);
            return false;
        }
    }
    if (version == 2 && compression != QCOW2_COMPRESSION_ZLIB) {
        error_setg(errp, "Compression type 'zstd' requires compatibility "
                   "level 1.1 or above (use compat=1.1 or greater)");
        return false;
    }
    if (extl2) {
        error_setg(errp, "Extended L2 entries are not supported by kemu");
        return false;
    }
    if (encryption || opts_get(opts, "encrypt.format")) {
        error_setg(errp, "qcow2 encryption is not supported by kemu");
        return false;
    }
    if (opts_get(opts, "data_file")) {
        error_setg(errp, "External data files are not supported by kemu");
        return false;
    }
    PreallocMode prealloc = PREALLOC_MODE_OFF;
    if (prealloc_s && !prealloc_mode_parse(prealloc_s, &prealloc, errp)) {
        return false;
    }
    if (backing && prealloc != PREALLOC_MODE_OFF) {
        error_setg(errp, "Backing file and preallocation can only be used at "
                   "the same time if extended_l2 is on");
        return false;
    }
    if (backing && strlen(backing) > QCOW2_MAX_BACKING_NAME) {
        error_setg(errp, "Backing file name too long");
        return false;
    }
    if (backing_fmt && !backing) {
        error_setg(errp, "Backing format cannot be used without backing file");
        return false;
    }
    size = ROUND_UP(size, 512);

    /* The skeleton: header, refcount table at cluster 1, block at 2. */
    int cluster_bits = __builtin_ctzll(cluster_size);
    int order = __builtin_ctzll(refcount_bits);
    uint8_t *buf = g_malloc0(3 * cluster_size);
    be32_put(buf, QCOW_MAGIC);
    be32_put(buf + 4, version);
    be32_put(buf + 20, cluster_bits);
    be64_put(buf + 48, cluster_size);
    be32_put(buf + 56, 1);
    if (version >= 3) {
        be64_put(buf + 72, compression ? QCOW2_INCOMPAT_COMPRESSION : 0);
        be64_put(buf + 80, lazy ? QCOW2_COMPAT_LAZY_REFCOUNTS : 0);
        be32_put(buf + 96, order);
        be32_put(buf + 100, 112);
        buf[104] = compression;
    }
    be64_put(buf + cluster_size, 2 * cluster_size);
    BDRVQcow2State tmp = { .refcount_order = order,
                           .refcount_bits = (int)refcount_bits,
                           .refcount_max = refcount_bits == 64 ? UINT64_MAX :
                               (1ull << refcount_bits) - 1 };
    for (int i = 0; i < 3; i++) {
        qcow2_refblock_set(&tmp, buf + 2 * cluster_size, i, 1);
    }
    if (!bdrv_file.create(filename, opts, errp)) {
        g_free(buf);
        return false;
    }
    BlockDriverState *file = bdrv_open_protocol(filename, NULL, BDRV_O_RDWR,
                                                errp);
    if (!file) {
        g_free(buf);
        return false;
    }
    int ret = bdrv_pwrite(file, 0, 3 * cluster_size, buf);
    g_free(buf);
    if (ret == 0) {
        ret = bdrv_flush(file);
    }
    bdrv_unref(file);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not write qcow2 header");
        return false;
    }

    BlockDriverState *bs = bdrv_open(filename, "qcow2", NULL,
                                     BDRV_O_RDWR | BDRV_O_NO_BACKING, errp);
    if (!bs) {
        return false;
    }
    if (backing) {
        g_strlcpy(bs->backing_file, backing, sizeof(bs->backing_file));
        g_strlcpy(bs->backing_format, backing_fmt ? backing_fmt : "",
                  sizeof(bs->backing_format));
    }
    bool ok = true;
    ret = qcow2_update_header(bs);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not write qcow2 header");
        ok = false;
    }
    if (ok && size) {
        ok = bdrv_truncate(bs, size, false, prealloc, errp);
    } else if (ok) {
        /* A zero-sized image still gets its (empty) L1 table placed. */
        BDRVQcow2State *s = bs->opaque;
        s->written = true;
    }
    if (ok && bdrv_flush(bs) < 0) {
        error_setg(errp, "Could not flush the new image");
        ok = false;
    }
    bdrv_unref(bs);
    return ok;
}
