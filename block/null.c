/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "null-co": a protocol that stores nothing, for benchmarks. Reads return
 * zeroes only with read-zeroes=on (QEMU's default leaves buffers as they
 * are; we always clear them, which is cheaper than reasoning about it).
 * The size comes from "size" (default 1 GiB).
 */
#include "util/osdep.h"
#include "block/block.h"

typedef struct BDRVNullState {
    uint64_t size;
} BDRVNullState;

static bool null_open(BlockDriverState *bs, Opts *options, int flags,
                      Error **errp)
{
    BDRVNullState *s = bs->opaque;
    s->size = 1 * GiB;
    const char *sz = options ? opts_get(options, "size") : NULL;
    if (sz && !parse_size(sz, &s->size, 'B', "size", errp)) {
        return false;
    }
    return true;
}

static int null_pread(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                      void *buf)
{
    memset(buf, 0, bytes);
    return 0;
}

static int null_pwrite(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                       const void *buf, int flags)
{
    return 0;
}

static int64_t null_getlength(BlockDriverState *bs)
{
    BDRVNullState *s = bs->opaque;
    return s->size;
}

/* Stores nothing, so uses nothing (QEMU says "disk size: 0 B"). */
static int64_t null_allocated_size(BlockDriverState *bs)
{
    return 0;
}

static int null_block_status(BlockDriverState *bs, uint64_t offset,
                             uint64_t bytes, uint64_t *pnum, uint64_t *map,
                             BlockDriverState **file)
{
    *pnum = bytes;
    *map = offset;
    *file = bs;
    return BDRV_BLOCK_ZERO | BDRV_BLOCK_OFFSET_VALID | BDRV_BLOCK_ALLOCATED;
}

const BlockDriver bdrv_null_co = {
    .format_name = "null-co",
    .instance_size = sizeof(BDRVNullState),
    .is_protocol = true,
    .open = null_open,
    .pread = null_pread,
    .pwrite = null_pwrite,
    .getlength = null_getlength,
    .get_allocated_size = null_allocated_size,
    .block_status = null_block_status,
};
