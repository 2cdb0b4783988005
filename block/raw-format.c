/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The "raw" format: guest bytes are the file's bytes. */
#include "util/osdep.h"
#include "block/block.h"

static int raw_probe(const uint8_t *buf, int len, const char *filename)
{
    return 1;   /* matches anything, weakest of all */
}

static bool raw_open(BlockDriverState *bs, Opts *options, int flags,
                     Error **errp)
{
    return true;
}

static int raw_pread(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                     void *buf)
{
    return bdrv_pread(bs->file, offset, bytes, buf);
}

static int raw_pwrite(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                      const void *buf, int flags)
{
    return bdrv_pwrite_flags(bs->file, offset, bytes, buf, flags);
}

static int raw_pwrite_zeroes(BlockDriverState *bs, uint64_t offset,
                             uint64_t bytes, int flags)
{
    return bdrv_pwrite_zeroes(bs->file, offset, bytes, flags);
}

static int raw_pdiscard(BlockDriverState *bs, uint64_t offset, uint64_t bytes)
{
    return bdrv_pdiscard(bs->file, offset, bytes);
}

static int64_t raw_getlength(BlockDriverState *bs)
{
    return bdrv_getlength(bs->file);
}

static bool raw_truncate(BlockDriverState *bs, int64_t offset, bool exact,
                         PreallocMode prealloc, Error **errp)
{
    return bdrv_truncate(bs->file, offset, exact, prealloc, errp);
}

static int raw_block_status(BlockDriverState *bs, uint64_t offset,
                            uint64_t bytes, uint64_t *pnum, uint64_t *map,
                            BlockDriverState **file)
{
    int ret = bdrv_block_status(bs->file, offset, bytes, pnum, map, file);
    if (ret >= 0) {
        ret |= BDRV_BLOCK_ALLOCATED | BDRV_BLOCK_OFFSET_VALID;
        *map = offset;
        *file = bs->file;
    }
    return ret;
}

static const BlockCreateOpt raw_create_opts[] = {
    { "size", "size", "Virtual disk size", NULL },
    { "preallocation", "str",
      "Preallocation mode (allowed values: off, falloc, full)", NULL },
    { NULL },
};

static bool raw_create(const char *filename, Opts *opts, Error **errp)
{
    Error *err = NULL;
    uint64_t size = opts_get_size(opts, "size", 0, &err);
    PreallocMode prealloc = PREALLOC_MODE_OFF;
    const char *p = opts_get(opts, "preallocation");
    if (err) {
        error_propagate(errp, err);
        return false;
    }
    if (p && (!prealloc_mode_parse(p, &prealloc, errp))) {
        return false;
    }
    if (prealloc == PREALLOC_MODE_METADATA) {
        error_setg(errp, "Unsupported preallocation mode: metadata");
        return false;
    }
    if (!bdrv_file.create(filename, opts, errp)) {
        return false;
    }
    BlockDriverState *file = bdrv_open_protocol(filename, NULL, BDRV_O_RDWR,
                                                errp);
    if (!file) {
        return false;
    }
    bool ok = bdrv_truncate(file, ROUND_UP(size, 512), true, prealloc, errp);
    bdrv_unref(file);
    return ok;
}

const BlockDriver bdrv_raw = {
    .format_name = "raw",
    .probe = raw_probe,
    .open = raw_open,
    .pread = raw_pread,
    .pwrite = raw_pwrite,
    .pwrite_zeroes = raw_pwrite_zeroes,
    .pdiscard = raw_pdiscard,
    .getlength = raw_getlength,
    .truncate = raw_truncate,
    .block_status = raw_block_status,
    .create = raw_create,
    .create_opts = raw_create_opts,
};
