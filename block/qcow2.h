/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qcow2 internals shared by the qcow2-*.c files (format: qcow2.txt). */
#ifndef KEMU_BLOCK_QCOW2_H
#define KEMU_BLOCK_QCOW2_H

#include "block/block.h"

#define QCOW_MAGIC 0x514649fbu

#define QCOW2_INCOMPAT_DIRTY       (1ull << 0)
#define QCOW2_INCOMPAT_CORRUPT     (1ull << 1)
#define QCOW2_INCOMPAT_DATA_FILE   (1ull << 2)
#define QCOW2_INCOMPAT_COMPRESSION (1ull << 3)
#define QCOW2_INCOMPAT_EXTL2       (1ull << 4)
#define QCOW2_INCOMPAT_KNOWN       0x1full
#define QCOW2_COMPAT_LAZY_REFCOUNTS (1ull << 0)
#define QCOW2_AUTOCLEAR_BITMAPS    (1ull << 0)

#define QCOW2_EXT_END          0x00000000u
#define QCOW2_EXT_BACKING_FMT  0xe2792acau
#define QCOW2_EXT_FEATURES     0x6803f857u
#define QCOW2_EXT_BITMAPS      0x23852875u
#define QCOW2_EXT_CRYPTO       0x0537be77u
#define QCOW2_EXT_DATA_FILE    0x44415441u

#define QCOW_OFLAG_COPIED      (1ull << 63)
#define QCOW_OFLAG_COMPRESSED  (1ull << 62)
#define QCOW_OFLAG_ZERO        (1ull << 0)
#define L1E_OFFSET_MASK        0x00fffffffffffe00ull
#define L2E_OFFSET_MASK        0x00fffffffffffe00ull
#define REFT_OFFSET_MASK       0xfffffffffffffe00ull

#define QCOW2_MAX_L1_BYTES         (32 * MiB)
#define QCOW2_MAX_REFTABLE_BYTES   (8 * MiB)
#define QCOW2_MAX_SNAPSHOTS        65536
#define QCOW2_MAX_BACKING_NAME     1023

#define QCOW2_COMPRESSION_ZLIB 0
#define QCOW2_COMPRESSION_ZSTD 1

typedef struct Qcow2CacheEntry {
    uint64_t offset;        /* 0: empty */
    uint8_t *data;
    bool dirty;
    uint64_t lru;
} Qcow2CacheEntry;

typedef struct Qcow2Cache {
    Qcow2CacheEntry *e;
    int n;
    uint64_t tick;
} Qcow2Cache;

typedef struct Qcow2Snapshot {
    uint64_t l1_table_offset;
    uint32_t l1_size;
    char *id_str;
    char *name;
    uint64_t disk_size;
    uint64_t vm_state_size;
    uint32_t date_sec;
    uint32_t date_nsec;
    uint64_t vm_clock_nsec;
    uint32_t icount;
    uint32_t extra_size;
    uint8_t *extra;         /* unknown extra data, kept when rewriting */
} Qcow2Snapshot;

typedef struct Qcow2UnknownExt {
    uint32_t type;
    uint32_t len;
    uint8_t *data;
} Qcow2UnknownExt;

typedef struct BDRVQcow2State {
    int version;
    int cluster_bits;
    uint64_t cluster_size;
    int l2_bits;                /* log2 of entries per L2 table */
    uint64_t l2_size;
    int csize_shift;            /* compressed descriptor: sector count shift */
    uint64_t csize_mask;
    uint64_t cluster_offset_mask;
    uint64_t size;              /* virtual */

    uint32_t l1_size;
    uint64_t l1_table_offset;
    uint64_t *l1_table;         /* host order */

    uint64_t refcount_table_offset;
    uint32_t refcount_table_clusters;
    uint64_t refcount_table_size;   /* entries */
    uint64_t *refcount_table;
    int refcount_order;
    int refcount_bits;
    uint64_t refcount_max;
    int refblock_bits;          /* log2 of entries per refcount block */

    uint32_t nb_snapshots;
    uint64_t snapshots_offset;
    uint64_t snapshots_size;    /* bytes of the table */
    Qcow2Snapshot *snapshots;

    uint64_t incompatible_features;
    uint64_t compatible_features;
    uint64_t autoclear_features;
    uint32_t header_length;
    int compression_type;

    uint32_t nb_bitmaps;
    uint64_t bitmap_directory_size;
    uint64_t bitmap_directory_offset;

    GPtrArray *unknown_exts;    /* of Qcow2UnknownExt */

    uint64_t free_cluster_index;
    uint64_t free_byte_offset;  /* compressed data packing */
    Qcow2Cache l2_cache;
    Qcow2Cache rb_cache;
    bool need_sync;             /* data or refblocks written, not synced */
    bool written;               /* first modification handled */
    GArray *pending_free;       /* old L2 entries to free once the new
                                 * ones are on disk */

    /* Last decompressed cluster. */
    uint64_t cluster_cache_offset;
    uint8_t *cluster_cache;
    uint8_t *cluster_data;
} BDRVQcow2State;

/* qcow2.c */
int qcow2_write_header_fields(BlockDriverState *bs);
int qcow2_update_header(BlockDriverState *bs);
int qcow2_mark_written(BlockDriverState *bs);
int qcow2_sync(BlockDriverState *bs);
uint64_t qcow2_size_to_l1(BDRVQcow2State *s, uint64_t size);

/* qcow2-cache.c */
void qcow2_cache_init(Qcow2Cache *c, int n, uint64_t cluster_size);
void qcow2_cache_destroy(Qcow2Cache *c);
/* Returns the table at offset, loaded from disk unless fresh. */
int qcow2_cache_get(BlockDriverState *bs, Qcow2Cache *c, uint64_t offset,
                    bool fresh, uint8_t **table);
void qcow2_cache_mark_dirty(Qcow2Cache *c, uint8_t *table);
int qcow2_cache_flush(BlockDriverState *bs, Qcow2Cache *c);
int qcow2_cache_flush_entry(BlockDriverState *bs, Qcow2Cache *c,
                            uint64_t offset);
void qcow2_cache_discard(Qcow2Cache *c, uint64_t offset);
int qcow2_flush_caches(BlockDriverState *bs);

/* qcow2-refcount.c */
bool qcow2_refcount_init(BlockDriverState *bs, Error **errp);
int qcow2_get_refcount(BlockDriverState *bs, uint64_t cluster,
                       uint64_t *refcount);
int qcow2_update_refcount(BlockDriverState *bs, uint64_t cluster,
                          int64_t delta);
int qcow2_set_refcount(BlockDriverState *bs, uint64_t cluster,
                       uint64_t value);
/* Allocates n contiguous clusters (refcount 1), returns host offset. */
int64_t qcow2_alloc_clusters(BlockDriverState *bs, uint64_t n);
int64_t qcow2_alloc_bytes(BlockDriverState *bs, uint64_t len);
int qcow2_free_clusters(BlockDriverState *bs, uint64_t offset, uint64_t n);
int qcow2_free_any(BlockDriverState *bs, uint64_t l2_entry);
uint64_t qcow2_refblock_get(BDRVQcow2State *s, const uint8_t *rb,
                            uint64_t i);
void qcow2_refblock_set(BDRVQcow2State *s, uint8_t *rb, uint64_t i,
                        uint64_t v);
int qcow2_check(BlockDriverState *bs, BdrvCheckResult *res, int fix);

/* qcow2-cluster.c */
int qcow2_get_l2_entry(BlockDriverState *bs, uint64_t vcluster,
                       uint64_t *entry);
int qcow2_grow_l1(BlockDriverState *bs, uint64_t min_size);
int qcow2_pread(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                void *buf);
int qcow2_pwrite(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                 const void *buf, int flags);
int qcow2_pwrite_zeroes(BlockDriverState *bs, uint64_t offset,
                        uint64_t bytes, int flags);
int qcow2_pdiscard(BlockDriverState *bs, uint64_t offset, uint64_t bytes);
int qcow2_make_empty(BlockDriverState *bs);
int qcow2_block_status(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                       uint64_t *pnum, uint64_t *map,
                       BlockDriverState **file);
bool qcow2_write_compressed(BlockDriverState *bs, uint64_t offset,
                            uint64_t bytes, const void *buf, Error **errp);
int qcow2_preallocate(BlockDriverState *bs, uint64_t from, uint64_t to,
                      PreallocMode mode);
int qcow2_process_frees(BlockDriverState *bs);
int qcow2_set_l2_entry(BlockDriverState *bs, uint64_t vcluster,
                       uint64_t entry);
/* Compressed descriptor -> host offset and byte length. */
void qcow2_compressed_range(BDRVQcow2State *s, uint64_t l2e,
                            uint64_t *off, uint64_t *len);

/* qcow2-compress.c */
int qcow2_decompress(int type, const uint8_t *in, size_t in_len,
                     uint8_t *out, size_t out_len);
/* Returns compressed length, or -1 when it does not fit in out_len. */
ssize_t qcow2_compress(int type, const uint8_t *in, size_t in_len,
                       uint8_t *out, size_t out_len);

/* qcow2-snapshot.c */
bool qcow2_read_snapshots(BlockDriverState *bs, Error **errp);
void qcow2_free_snapshots(BDRVQcow2State *s);
int qcow2_snapshot_list(BlockDriverState *bs, QEMUSnapshotInfo **list);
bool qcow2_snapshot_create(BlockDriverState *bs, const char *name,
                           Error **errp);
bool qcow2_snapshot_apply(BlockDriverState *bs, const char *name,
                          Error **errp);
bool qcow2_snapshot_delete(BlockDriverState *bs, const char *name,
                           Error **errp);

static inline uint64_t qcow2_align(BDRVQcow2State *s, uint64_t v)
{
    return (v + s->cluster_size - 1) & ~(s->cluster_size - 1);
}

static inline bool qcow2_is_aligned(BDRVQcow2State *s, uint64_t v)
{
    return (v & (s->cluster_size - 1)) == 0;
}

#endif
