/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The block layer's node graph. A node (BlockDriverState) is a format
 * (raw, qcow2) over a protocol child (file, null-co), optionally with a
 * backing node. Requests are byte-addressed and synchronous at this level;
 * they return 0 or a negative errno. block/ knows no device, accelerator
 * or monitor: kemu-img links it alone.
 */
#ifndef KEMU_BLOCK_H
#define KEMU_BLOCK_H

#include "util/error.h"
#include "util/opts.h"
#include "util/coroutine-lock.h"

typedef struct BlockDriver BlockDriver;
typedef struct BlockDriverState BlockDriverState;
typedef struct BdrvCheckResult BdrvCheckResult;

/* Open flags. */
#define BDRV_O_RDWR          0x0002
#define BDRV_O_NO_BACKING    0x0004  /* do not open the backing chain */
#define BDRV_O_FORCE_SHARE   0x0008  /* -U: take no locks others would feel */
#define BDRV_O_NOCACHE       0x0010  /* O_DIRECT */
#define BDRV_O_NO_FLUSH      0x0020  /* cache=unsafe */
#define BDRV_O_NO_LOCK       0x0040  /* locking=off */
#define BDRV_O_CHECK         0x0080  /* opened by check: tolerate dirty/corrupt */
#define BDRV_O_NO_IO         0x0100  /* metadata only (info) */
#define BDRV_O_UNSHARE_WRITE 0x0200  /* a guest owns it: no other writer */
#define BDRV_O_AIO_THREADS   0x0400  /* aio=threads: no io_uring */

/* Request flags. */
#define BDRV_REQ_MAY_UNMAP   0x1     /* zeroes may deallocate */
#define BDRV_REQ_FUA         0x2

/* block_status answer bits (as QEMU's, for map output). */
#define BDRV_BLOCK_DATA          0x01
#define BDRV_BLOCK_ZERO          0x02
#define BDRV_BLOCK_OFFSET_VALID  0x04
#define BDRV_BLOCK_ALLOCATED     0x10
#define BDRV_BLOCK_COMPRESSED    0x40

typedef enum PreallocMode {
    PREALLOC_MODE_OFF,
    PREALLOC_MODE_METADATA,
    PREALLOC_MODE_FALLOC,
    PREALLOC_MODE_FULL,
} PreallocMode;

bool prealloc_mode_parse(const char *str, PreallocMode *out, Error **errp);

/* One entry of the generic key/value tree used for info's
 * "Format specific information" (kept in order). */
typedef struct ImageInfoSpecific ImageInfoSpecific;

struct BdrvCheckResult {
    int corruptions;
    int leaks;
    int check_errors;
    int corruptions_fixed;
    int leaks_fixed;
    int64_t image_end_offset;
    int64_t allocated_clusters;
    int64_t total_clusters;
    int64_t fragmented_clusters;
    int64_t compressed_clusters;
    GString *messages;          /* per-problem lines, printed by the tool */
};

#define BDRV_FIX_LEAKS  1
#define BDRV_FIX_ERRORS 2

typedef struct QEMUSnapshotInfo {
    char id_str[128];
    char name[256];
    uint64_t vm_state_size;
    uint32_t date_sec;
    uint32_t date_nsec;
    uint64_t vm_clock_nsec;
    uint32_t icount;            /* -1 when absent */
} QEMUSnapshotInfo;

struct BlockDriver {
    const char *format_name;
    size_t instance_size;
    bool is_protocol;
    bool supports_backing;
    /* One request at a time (metadata caches are not shared safely
     * between coroutines that yield in the middle of an update). */
    bool serialize;
    /* Score how much buf (the file's first bytes) looks like this format. */
    int (*probe)(const uint8_t *buf, int len, const char *filename);
    /* Protocol drivers open the filename; format drivers read bs->file. */
    bool (*open)(BlockDriverState *bs, Opts *options, int flags,
                 Error **errp);
    void (*close)(BlockDriverState *bs);
    int (*pread)(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                 void *buf);
    int (*pwrite)(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                  const void *buf, int flags);
    int (*pwrite_zeroes)(BlockDriverState *bs, uint64_t offset,
                         uint64_t bytes, int flags);
    int (*pdiscard)(BlockDriverState *bs, uint64_t offset, uint64_t bytes);
    /* Deallocate everything (reads go to the backing file again). */
    int (*make_empty)(BlockDriverState *bs);
    int (*flush)(BlockDriverState *bs);
    int64_t (*getlength)(BlockDriverState *bs);
    int64_t (*get_allocated_size)(BlockDriverState *bs);
    bool (*truncate)(BlockDriverState *bs, int64_t offset, bool exact,
                     PreallocMode prealloc, Error **errp);
    /* Status of [offset, offset+bytes): flags, *pnum bytes alike; *map the
     * host offset in *file when OFFSET_VALID. */
    int (*block_status)(BlockDriverState *bs, uint64_t offset,
                        uint64_t bytes, uint64_t *pnum, uint64_t *map,
                        BlockDriverState **file);
    bool (*create)(const char *filename, Opts *opts, Error **errp);
    /* Create options (for -o help and validation), NULL-terminated. */
    const struct BlockCreateOpt *create_opts;
    int (*check)(BlockDriverState *bs, BdrvCheckResult *res, int fix);
    ImageInfoSpecific *(*get_specific_info)(BlockDriverState *bs);
    int (*get_cluster_size)(BlockDriverState *bs);
    bool (*write_compressed)(BlockDriverState *bs, uint64_t offset,
                             uint64_t bytes, const void *buf, Error **errp);
    /* Internal snapshots. */
    int (*snapshot_list)(BlockDriverState *bs, QEMUSnapshotInfo **list);
    bool (*snapshot_create)(BlockDriverState *bs, const char *name,
                            Error **errp);
    bool (*snapshot_apply)(BlockDriverState *bs, const char *name,
                           Error **errp);
    bool (*snapshot_delete)(BlockDriverState *bs, const char *name,
                            Error **errp);
    /* Change the backing file name/format in the header (rebase, commit). */
    bool (*change_backing_file)(BlockDriverState *bs, const char *file,
                                const char *fmt, Error **errp);
    bool (*amend)(BlockDriverState *bs, Opts *opts, Error **errp);
    /* Largest host file needed for a new image of this format. */
    bool (*measure)(Opts *opts, BlockDriverState *in, uint64_t size,
                    uint64_t *required, uint64_t *fully_allocated,
                    Error **errp);
};

typedef struct BlockCreateOpt {
    const char *name;
    const char *type;       /* "size", "bool", "str", "number" */
    const char *help;
    const char *def;        /* default shown in the Formatting line, or NULL */
} BlockCreateOpt;

struct BlockDriverState {
    const BlockDriver *drv;
    void *opaque;
    char filename[4096];
    char *node_name;
    int open_flags;
    bool read_only;
    bool probed;                    /* format was guessed */
    BlockDriverState *file;         /* protocol child of a format node */
    BlockDriverState *backing;      /* backing node, or NULL */
    char backing_file[1024];        /* as recorded in the image */
    char backing_format[32];
    char full_backing_filename[4096];
    uint64_t total_bytes;           /* cached virtual size */
    uint64_t wr_highest_offset;
    int refcnt;
    uint64_t open_seq;              /* creation order (info block -n) */
    CoMutex lock;                   /* for drivers that serialize */
};

/* Registry. */
const BlockDriver *bdrv_find_format(const char *name);
void bdrv_iterate_format(void (*fn)(const char *name, void *opaque),
                         void *opaque);

/*
 * Open filename. fmt NULL probes (raw when nothing else matches,
 * recorded in bs->probed). options may be NULL (keys such as
 * "backing", "file.locking").
 */
BlockDriverState *bdrv_open(const char *filename, const char *fmt,
                            Opts *options, int flags, Error **errp);
/* Opens only a protocol node (file or null-co). */
BlockDriverState *bdrv_open_protocol(const char *filename, Opts *options,
                                     int flags, Error **errp);
void bdrv_unref(BlockDriverState *bs);
/* Takes the image locks of a file node, QEMU's way, for its format. */
bool bdrv_file_lock(BlockDriverState *bs, bool format_exclusive,
                    Error **errp);
void bdrv_ref(BlockDriverState *bs);
bool bdrv_open_backing(BlockDriverState *bs, Error **errp);

int bdrv_pread(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
               void *buf);
int bdrv_pwrite(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                const void *buf);
int bdrv_pwrite_flags(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                      const void *buf, int flags);
int bdrv_pwrite_zeroes(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                       int flags);
int bdrv_pdiscard(BlockDriverState *bs, uint64_t offset, uint64_t bytes);
int bdrv_flush(BlockDriverState *bs);
int64_t bdrv_getlength(BlockDriverState *bs);
int64_t bdrv_get_allocated_file_size(BlockDriverState *bs);
bool bdrv_truncate(BlockDriverState *bs, int64_t offset, bool exact,
                   PreallocMode prealloc, Error **errp);
int bdrv_block_status(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                      uint64_t *pnum, uint64_t *map,
                      BlockDriverState **file);
/* Status through the backing chain: ALLOCATED set when some layer has it. */
int bdrv_block_status_above(BlockDriverState *bs, BlockDriverState *base,
                            uint64_t offset, uint64_t bytes, uint64_t *pnum);
/* true when the range reads as zeroes (known without reading data). */
bool bdrv_is_allocated_above(BlockDriverState *top, BlockDriverState *base,
                             uint64_t offset, uint64_t bytes,
                             uint64_t *pnum);
int bdrv_get_cluster_size(BlockDriverState *bs);
bool bdrv_create(const BlockDriver *drv, const char *filename, Opts *opts,
                 Error **errp);
/* Path of a backing file relative to the image that names it. */
char *bdrv_backing_path(const char *image, const char *backing);

/* Thin helpers for buffers. */
bool buffer_is_zero(const void *buf, size_t len);

/* Info tree for "Format specific information". */
typedef enum {
    INFO_STR, INFO_INT, INFO_BOOL, INFO_DICT, INFO_LIST,
} ImageInfoKind;

struct ImageInfoSpecific {
    ImageInfoKind kind;
    char *key;                      /* NULL inside lists */
    char *str;
    int64_t num;
    bool b;
    GPtrArray *children;            /* of ImageInfoSpecific */
};

ImageInfoSpecific *info_new_dict(const char *key);
ImageInfoSpecific *info_new_list(const char *key);
void info_add_str(ImageInfoSpecific *d, const char *key, const char *v);
void info_add_int(ImageInfoSpecific *d, const char *key, int64_t v);
void info_add_bool(ImageInfoSpecific *d, const char *key, bool v);
void info_add(ImageInfoSpecific *d, ImageInfoSpecific *child);
void info_free(ImageInfoSpecific *i);

/* Human-readable image description (kemu-img info, info block -v). */
char *bdrv_size_to_str(uint64_t size);      /* "1.5 GiB" */
void bdrv_info_spec_human(GString *o, ImageInfoSpecific *d, int depth);
void bdrv_snapshot_header(GString *o);
void bdrv_snapshot_line(GString *o, QEMUSnapshotInfo *sn);
void bdrv_image_info_human(GString *o, BlockDriverState *bs,
                           const char *filename);

/* Big-endian helpers for on-disk structures. */
static inline uint16_t be16_get(const void *p)
{
    const uint8_t *b = p;
    return (uint16_t)(b[0] << 8 | b[1]);
}
static inline uint32_t be32_get(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
           (uint32_t)b[2] << 8 | b[3];
}
static inline uint64_t be64_get(const void *p)
{
    return (uint64_t)be32_get(p) << 32 | be32_get((const uint8_t *)p + 4);
}
static inline void be16_put(void *p, uint16_t v)
{
    uint8_t *b = p;
    b[0] = v >> 8;
    b[1] = v;
}
static inline void be32_put(void *p, uint32_t v)
{
    uint8_t *b = p;
    b[0] = v >> 24;
    b[1] = v >> 16;
    b[2] = v >> 8;
    b[3] = v;
}
static inline void be64_put(void *p, uint64_t v)
{
    be32_put(p, v >> 32);
    be32_put((uint8_t *)p + 4, v);
}

extern const BlockDriver bdrv_file;
extern const BlockDriver bdrv_null_co;
extern const BlockDriver bdrv_raw;
extern const BlockDriver bdrv_qcow2;

#endif
