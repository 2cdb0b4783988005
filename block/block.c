/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The node graph: driver registry, probing, open/close, request wrappers. */
#include "util/osdep.h"
#include "block/block.h"
#include <limits.h>

static const BlockDriver *const drivers[] = {
    &bdrv_qcow2, &bdrv_raw, &bdrv_file, &bdrv_null_co,
};

const BlockDriver *bdrv_find_format(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(drivers); i++) {
        if (!strcmp(drivers[i]->format_name, name)) {
            return drivers[i];
        }
    }
    if (!strcmp(name, "host_device")) {
        return &bdrv_file;
    }
    return NULL;
}

void bdrv_iterate_format(void (*fn)(const char *name, void *opaque),
                         void *opaque)
{
    static const char *const names[] = {
        "file", "host_device", "null-co", "qcow2", "raw",
    };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        fn(names[i], opaque);
    }
}

bool prealloc_mode_parse(const char *str, PreallocMode *out, Error **errp)
{
    static const char *const names[] = { "off", "metadata", "falloc", "full" };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (!strcmp(str, names[i])) {
            *out = (PreallocMode)i;
            return true;
        }
    }
    error_setg(errp, "Parameter 'preallocation' does not accept value '%s'",
               str);
    return false;
}

static uint64_t open_seq;

static BlockDriverState *bdrv_new(const BlockDriver *drv, const char *filename,
                                  int flags)
{
    BlockDriverState *bs = g_new0(BlockDriverState, 1);
    bs->drv = drv;
    bs->opaque = drv->instance_size ? g_malloc0(drv->instance_size) : NULL;
    g_strlcpy(bs->filename, filename, sizeof(bs->filename));
    bs->open_flags = flags;
    bs->read_only = !(flags & BDRV_O_RDWR);
    bs->refcnt = 1;
    bs->open_seq = ++open_seq;
    co_mutex_init(&bs->lock);
    return bs;
}

static void req_lock(BlockDriverState *bs)
{
    if (bs->drv->serialize) {
        co_mutex_lock(&bs->lock);
    }
}

static void req_unlock(BlockDriverState *bs)
{
    if (bs->drv->serialize) {
        co_mutex_unlock(&bs->lock);
    }
}

static const char *protocol_of(const char *filename)
{
    if (g_str_has_prefix(filename, "null-co://")) {
        return "null-co";
    }
    return "file";
}

BlockDriverState *bdrv_open_protocol(const char *filename, Opts *options,
                                     int flags, Error **errp)
{
    const BlockDriver *drv = bdrv_find_format(protocol_of(filename));
    BlockDriverState *bs = bdrv_new(drv, filename, flags);
    if (!drv->open(bs, options, flags, errp)) {
        g_free(bs->opaque);
        g_free(bs);
        return NULL;
    }
    return bs;
}

static const BlockDriver *probe_format(BlockDriverState *file)
{
    uint8_t buf[2048];
    int64_t len = bdrv_getlength(file);
    int n = len < 0 ? 0 : (int)MIN((int64_t)sizeof(buf), len);
    memset(buf, 0, sizeof(buf));
    if (n > 0 && bdrv_pread(file, 0, n, buf) < 0) {
        n = 0;
    }
    const BlockDriver *best = &bdrv_raw;
    int best_score = 0;
    for (size_t i = 0; i < ARRAY_SIZE(drivers); i++) {
        if (drivers[i]->probe) {
            int score = drivers[i]->probe(buf, n, file->filename);
            if (score > best_score) {
                best_score = score;
                best = drivers[i];
            }
        }
    }
    return best;
}

BlockDriverState *bdrv_open(const char *filename, const char *fmt,
                            Opts *options, int flags, Error **errp)
{
    const BlockDriver *drv = NULL;
    Error *local_err = NULL;

    if (fmt) {
        drv = bdrv_find_format(fmt);
        if (!drv) {
            error_setg(errp, "Unknown driver '%s'", fmt);
            return NULL;
        }
        if (drv->is_protocol) {
            BlockDriverState *bs = bdrv_open_protocol(filename, options,
                                                      flags, &local_err);
            if (bs && !bdrv_file_lock(bs, false, &local_err)) {
                bdrv_unref(bs);
                bs = NULL;
            }
            if (!bs) {
                error_prepend(&local_err, "Could not open '%s': ", filename);
                error_propagate(errp, local_err);
            }
            return bs;
        }
    }

    BlockDriverState *file = bdrv_open_protocol(filename, options, flags,
                                                &local_err);
    if (!file) {
        error_prepend(&local_err, "Could not open '%s': ", filename);
        error_propagate(errp, local_err);
        return NULL;
    }
    bool probed = false;
    if (!drv) {
        drv = probe_format(file);
        probed = true;
    }
    if (!bdrv_file_lock(file, drv == &bdrv_qcow2, &local_err)) {
        error_prepend(&local_err, "Could not open '%s': ", filename);
        error_propagate(errp, local_err);
        bdrv_unref(file);
        return NULL;
    }
    BlockDriverState *bs = bdrv_new(drv, filename, flags);
    bs->file = file;
    bs->probed = probed;
    if (!drv->open(bs, options, flags, &local_err)) {
        error_prepend(&local_err, "Could not open '%s': ", filename);
        error_propagate(errp, local_err);
        if (drv->close) {
            drv->close(bs);     /* frees what open got to */
        }
        bdrv_unref(file);
        g_free(bs->opaque);
        g_free(bs);
        return NULL;
    }
    if (probed && drv == &bdrv_raw && !bs->read_only) {
        fprintf(stderr,
                "WARNING: Image format was not specified for '%s' and "
                "probing guessed raw.\n"
                "         Automatically detecting the format is dangerous "
                "for raw images, write operations on block 0 will be "
                "restricted.\n"
                "         Specify the 'raw' format explicitly to remove "
                "the restrictions.\n", filename);
    }
    int64_t len = drv->getlength(bs);
    bs->total_bytes = len < 0 ? 0 : (uint64_t)len;
    if (bs->backing_file[0] && !(flags & BDRV_O_NO_BACKING) &&
        !bdrv_open_backing(bs, errp)) {
        bdrv_unref(bs);
        return NULL;
    }
    return bs;
}

char *bdrv_backing_path(const char *image, const char *backing)
{
    if (backing[0] == '/' || strstr(backing, "://")) {
        return g_strdup(backing);
    }
    g_autofree char *dir = g_path_get_dirname(image);
    if (!strcmp(dir, ".")) {
        return g_strdup(backing);
    }
    return g_build_filename(dir, backing, NULL);
}

bool bdrv_open_backing(BlockDriverState *bs, Error **errp)
{
    /* A chain that names itself would recurse forever. */
    static __thread int depth;
    if (depth >= 64) {
        error_setg(errp, "Backing chain of '%s' is too long (a loop?)",
                   bs->filename);
        return false;
    }
    char *path = bdrv_backing_path(bs->filename, bs->backing_file);
    g_strlcpy(bs->full_backing_filename, path, sizeof(bs->full_backing_filename));
    /* Backing files are opened read-only and shared, as their users are. */
    int flags = (bs->open_flags & ~BDRV_O_RDWR);
    Error *local_err = NULL;
    depth++;
    bs->backing = bdrv_open(path, bs->backing_format[0] ? bs->backing_format
                                                         : NULL,
                            NULL, flags, &local_err);
    depth--;
    g_free(path);
    if (!bs->backing) {
        error_propagate(errp, local_err);
        return false;
    }
    return true;
}

void bdrv_ref(BlockDriverState *bs)
{
    bs->refcnt++;
}

void bdrv_unref(BlockDriverState *bs)
{
    if (!bs || --bs->refcnt > 0) {
        return;
    }
    if (bs->drv->close) {
        bs->drv->close(bs);
    }
    bdrv_unref(bs->backing);
    bdrv_unref(bs->file);
    g_free(bs->node_name);
    g_free(bs->opaque);
    g_free(bs);
}

int bdrv_pread(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
               void *buf)
{
    if (!bytes) {
        return 0;
    }
    req_lock(bs);
    int ret = bs->drv->pread(bs, offset, bytes, buf);
    req_unlock(bs);
    return ret;
}

int bdrv_pwrite_flags(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                      const void *buf, int flags)
{
    if (bs->read_only) {
        return -EPERM;
    }
    if (!bytes) {
        return 0;
    }
    /* Sector 0 of a guessed raw image could turn it into another format:
     * refuse to write a header there, as QEMU does. */
    if (bs->probed && bs->drv == &bdrv_raw && offset < 512) {
        uint8_t head[512];
        uint64_t n = MIN(bytes, 512 - offset);
        memset(head, 0, sizeof(head));
        memcpy(head + offset, buf, n);
        if (offset == 0 && bdrv_qcow2.probe(head, 512, bs->filename) > 1) {
            return -EPERM;
        }
    }
    req_lock(bs);
    int ret = bs->drv->pwrite(bs, offset, bytes, buf, flags);
    req_unlock(bs);
    if (ret == 0 && offset + bytes > bs->wr_highest_offset) {
        bs->wr_highest_offset = offset + bytes;
    }
    return ret;
}

int bdrv_pwrite(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                const void *buf)
{
    return bdrv_pwrite_flags(bs, offset, bytes, buf, 0);
}

int bdrv_pwrite_zeroes(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                       int flags)
{
    if (bs->read_only) {
        return -EPERM;
    }
    if (!bytes) {
        return 0;
    }
    if (bs->drv->pwrite_zeroes) {
        req_lock(bs);
        int ret = bs->drv->pwrite_zeroes(bs, offset, bytes, flags);
        req_unlock(bs);
        if (ret != -ENOTSUP) {
            return ret;
        }
    }
    /* Fallback: write a zero buffer in bounded chunks. */
    size_t chunk = MIN(bytes, 1 * MiB);
    void *zero = g_malloc0(chunk);
    int ret = 0;
    req_lock(bs);
    while (bytes && ret == 0) {
        uint64_t n = MIN(bytes, chunk);
        ret = bs->drv->pwrite(bs, offset, n, zero, 0);
        offset += n;
        bytes -= n;
    }
    req_unlock(bs);
    g_free(zero);
    return ret;
}

int bdrv_pdiscard(BlockDriverState *bs, uint64_t offset, uint64_t bytes)
{
    if (bs->read_only) {
        return -EPERM;
    }
    if (!bs->drv->pdiscard || !bytes) {
        return 0;
    }
    req_lock(bs);
    int ret = bs->drv->pdiscard(bs, offset, bytes);
    req_unlock(bs);
    return ret;
}

int bdrv_flush(BlockDriverState *bs)
{
    if (!bs || bs->read_only) {
        return 0;
    }
    req_lock(bs);
    int ret = bs->drv->flush ? bs->drv->flush(bs) : 0;
    req_unlock(bs);
    if (ret == 0 && bs->file) {
        ret = bdrv_flush(bs->file);
    }
    return ret;
}

int64_t bdrv_getlength(BlockDriverState *bs)
{
    return bs->drv->getlength(bs);
}

int64_t bdrv_get_allocated_file_size(BlockDriverState *bs)
{
    if (bs->drv->get_allocated_size) {
        return bs->drv->get_allocated_size(bs);
    }
    if (bs->file) {
        return bdrv_get_allocated_file_size(bs->file);
    }
    return -ENOTSUP;
}

bool bdrv_truncate(BlockDriverState *bs, int64_t offset, bool exact,
                   PreallocMode prealloc, Error **errp)
{
    if (!bs->drv->truncate) {
        error_setg(errp, "Image format driver does not support resize");
        return false;
    }
    if (bs->read_only) {
        error_setg(errp, "Image is read-only");
        return false;
    }
    req_lock(bs);
    bool ok = bs->drv->truncate(bs, offset, exact, prealloc, errp);
    req_unlock(bs);
    if (!ok) {
        return false;
    }
    int64_t len = bs->drv->getlength(bs);
    bs->total_bytes = len < 0 ? 0 : (uint64_t)len;
    return true;
}

int bdrv_block_status(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                      uint64_t *pnum, uint64_t *map, BlockDriverState **file)
{
    uint64_t dummy_map;
    BlockDriverState *dummy_file;
    map = map ? map : &dummy_map;
    file = file ? file : &dummy_file;
    *map = 0;
    *file = NULL;
    uint64_t len = bs->total_bytes ? bs->total_bytes
                                   : (uint64_t)MAX(bdrv_getlength(bs), 0);
    if (offset >= len) {
        *pnum = 0;
        return 0;
    }
    bytes = MIN(bytes, len - offset);
    if (!bs->drv->block_status) {
        *pnum = bytes;
        return BDRV_BLOCK_DATA | BDRV_BLOCK_ALLOCATED;
    }
    req_lock(bs);
    int ret = bs->drv->block_status(bs, offset, bytes, pnum, map, file);
    req_unlock(bs);
    if (ret >= 0 && *pnum == 0) {
        *pnum = MIN(bytes, 512);
    }
    return ret;
}

int bdrv_block_status_above(BlockDriverState *bs, BlockDriverState *base,
                            uint64_t offset, uint64_t bytes, uint64_t *pnum)
{
    uint64_t n = bytes;
    int ret = 0;
    for (BlockDriverState *p = bs; p && p != base; p = p->backing) {
        uint64_t plen = p->total_bytes;
        if (offset >= plen) {
            /* Past the end of this layer reads as zeroes. */
            ret = BDRV_BLOCK_ZERO | (p == bs ? 0 : 0);
            *pnum = n;
            return ret;
        }
        uint64_t pn;
        int r = bdrv_block_status(p, offset, n, &pn, NULL, NULL);
        if (r < 0) {
            return r;
        }
        if (r & (BDRV_BLOCK_ALLOCATED | BDRV_BLOCK_ZERO)) {
            *pnum = pn;
            return r | BDRV_BLOCK_ALLOCATED;
        }
        n = pn;
        if (!p->backing || p->backing == base) {
            *pnum = n;
            return r;
        }
    }
    *pnum = n;
    return ret;
}

bool bdrv_is_allocated_above(BlockDriverState *top, BlockDriverState *base,
                             uint64_t offset, uint64_t bytes, uint64_t *pnum)
{
    int r = bdrv_block_status_above(top, base, offset, bytes, pnum);
    return r >= 0 && (r & BDRV_BLOCK_ALLOCATED);
}

int bdrv_get_cluster_size(BlockDriverState *bs)
{
    if (bs->drv->get_cluster_size) {
        return bs->drv->get_cluster_size(bs);
    }
    return 0;
}

bool bdrv_create(const BlockDriver *drv, const char *filename, Opts *opts,
                 Error **errp)
{
    if (!drv->create) {
        error_setg(errp, "Driver '%s' does not support image creation",
                   drv->format_name);
        return false;
    }
    return drv->create(filename, opts, errp);
}

bool buffer_is_zero(const void *buf, size_t len)
{
    const uint8_t *p = buf;
    size_t i = 0;
    /* Word-wise: this runs on every cluster convert writes. */
    for (; i < len && ((uintptr_t)(p + i) & 7); i++) {
        if (p[i]) {
            return false;
        }
    }
    for (; i + 32 <= len; i += 32) {
        const uint64_t *w = (const uint64_t *)(p + i);
        if (w[0] | w[1] | w[2] | w[3]) {
            return false;
        }
    }
    for (; i < len; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

/* Info tree. */
static ImageInfoSpecific *info_new(ImageInfoKind kind, const char *key)
{
    ImageInfoSpecific *i = g_new0(ImageInfoSpecific, 1);
    i->kind = kind;
    i->key = g_strdup(key);
    if (kind == INFO_DICT || kind == INFO_LIST) {
        i->children = g_ptr_array_new_with_free_func((GDestroyNotify)info_free);
    }
    return i;
}

ImageInfoSpecific *info_new_dict(const char *key)
{
    return info_new(INFO_DICT, key);
}

ImageInfoSpecific *info_new_list(const char *key)
{
    return info_new(INFO_LIST, key);
}

void info_add(ImageInfoSpecific *d, ImageInfoSpecific *child)
{
    g_ptr_array_add(d->children, child);
}

void info_add_str(ImageInfoSpecific *d, const char *key, const char *v)
{
    ImageInfoSpecific *i = info_new(INFO_STR, key);
    i->str = g_strdup(v);
    info_add(d, i);
}

void info_add_int(ImageInfoSpecific *d, const char *key, int64_t v)
{
    ImageInfoSpecific *i = info_new(INFO_INT, key);
    i->num = v;
    info_add(d, i);
}

void info_add_bool(ImageInfoSpecific *d, const char *key, bool v)
{
    ImageInfoSpecific *i = info_new(INFO_BOOL, key);
    i->b = v;
    info_add(d, i);
}

void info_free(ImageInfoSpecific *i)
{
    if (!i) {
        return;
    }
    if (i->children) {
        g_ptr_array_free(i->children, true);
    }
    g_free(i->key);
    g_free(i->str);
    g_free(i);
}
