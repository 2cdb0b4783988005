/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "file" protocol: a host file or block device.
 *
 * Image locking follows QEMU's byte-range scheme so that kemu and QEMU see
 * each other: an open file description takes shared OFD read locks on
 * byte 100+N for each permission N it holds and 200+N for each permission
 * it will not share. Permission 0 is "consistent read", 1 "write".
 * A conflict is a lock held by another description on the opposite byte.
 */
#include "util/osdep.h"
#include "block/block.h"
#include "block/write-log.h"
#include "block/aio.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <linux/fs.h>
#include <linux/falloc.h>

#define LOCK_PERM_BASE   100
#define LOCK_SHARED_BASE 200

static const char *const perm_names[] = {
    "consistent read", "write", "write unchanged", "resize",
};

#define DIRECT_ALIGN 4096    /* safe for O_DIRECT on any host fs/device */

typedef struct BDRVFileState {
    int fd;
    bool direct;
    int lock_fd;
    bool is_blockdev;
    bool use_lock;
} BDRVFileState;

static bool byte_locked_by_other(int fd, off_t byte)
{
    struct flock fl = {
        .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = byte, .l_len = 1,
    };
    if (fcntl(fd, F_OFD_GETLK, &fl) < 0) {
        return false;
    }
    return fl.l_type != F_UNLCK;
}

static bool lock_byte(int fd, off_t byte)
{
    struct flock fl = {
        .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = byte, .l_len = 1,
    };
    return fcntl(fd, F_OFD_SETLK, &fl) == 0;
}

/* perm/unshared are bit masks over perm_names. */
static bool file_lock(BDRVFileState *s, const char *filename, unsigned perm,
                      unsigned unshared, Error **errp)
{
    for (unsigned i = 0; i < ARRAY_SIZE(perm_names); i++) {
        if ((perm & (1u << i)) &&
            (!lock_byte(s->fd, LOCK_PERM_BASE + i) ||
             byte_locked_by_other(s->fd, LOCK_SHARED_BASE + i))) {
            error_setg(errp, "Failed to get \"%s\" lock", perm_names[i]);
            error_append_hint(errp, "Is another process using the image "
                              "[%s]?\n", filename);
            return false;
        }
        if ((unshared & (1u << i)) &&
            (!lock_byte(s->fd, LOCK_SHARED_BASE + i) ||
             byte_locked_by_other(s->fd, LOCK_PERM_BASE + i))) {
            error_setg(errp, "Failed to get shared \"%s\" lock",
                       perm_names[i]);
            error_append_hint(errp, "Is another process using the image "
                              "[%s]?\n", filename);
            return false;
        }
    }
    return true;
}

static bool file_open(BlockDriverState *bs, Opts *options, int flags,
                      Error **errp)
{
    BDRVFileState *s = bs->opaque;
    int oflags = O_CLOEXEC | ((flags & BDRV_O_RDWR) ? O_RDWR : O_RDONLY);
    if (flags & BDRV_O_NOCACHE) {
        oflags |= O_DIRECT;
    }
    s->direct = flags & BDRV_O_NOCACHE;
    s->fd = open(bs->filename, oflags);
    if (s->fd < 0) {
        error_setg_errno(errp, errno, "Could not open '%s'", bs->filename);
        return false;
    }
    struct stat st;
    if (fstat(s->fd, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            error_setg(errp, "'%s' is not a file", bs->filename);
            close(s->fd);
            return false;
        }
        s->is_blockdev = S_ISBLK(st.st_mode);
    }
    const char *locking = options ? opts_get(options, "file.locking") : NULL;
    s->use_lock = !(flags & BDRV_O_NO_LOCK) &&
                  !(locking && !strcmp(locking, "off"));
    /* The format decides the rest (bdrv_file_lock), once it is known. */
    return true;
}

bool bdrv_file_lock(BlockDriverState *bs, bool format_exclusive,
                    Error **errp)
{
    if (bs->drv != &bdrv_file) {
        return true;
    }
    BDRVFileState *s = bs->opaque;
    if (!s->use_lock) {
        return true;
    }
    int flags = bs->open_flags;
    unsigned perm = 1u << 0, unshared = 0;
    if (flags & BDRV_O_RDWR) {
        perm |= 1u << 1;
        if (format_exclusive) {
            perm |= 1u << 3;
        }
    }
    /* A format with its own metadata (qcow2) cannot let anyone else write
     * or resize under it; -U gives that up for readers. */
    if (format_exclusive && !(flags & BDRV_O_FORCE_SHARE)) {
        unshared |= (1u << 1) | (1u << 3);
    }
    if (flags & BDRV_O_UNSHARE_WRITE) {
        unshared |= 1u << 1;
    }
    return file_lock(s, bs->filename, perm, unshared, errp);
}

static void file_close(BlockDriverState *bs)
{
    BDRVFileState *s = bs->opaque;
    if (s->fd >= 0) {
        close(s->fd);   /* drops the OFD locks with it */
        s->fd = -1;
    }
}

static bool is_aligned(BDRVFileState *s, uint64_t offset, uint64_t bytes,
                       const void *buf)
{
    return !s->direct ||
           !((offset | bytes | (uintptr_t)buf) & (DIRECT_ALIGN - 1));
}

static int file_pread_raw(BlockDriverState *bs, uint64_t offset,
                          uint64_t bytes, void *buf);
static int file_pwrite_raw(BlockDriverState *bs, uint64_t offset,
                           uint64_t bytes, const void *buf);

/*
 * O_DIRECT wants aligned offsets, lengths and buffers: anything else goes
 * through an aligned bounce buffer (writes read the edges first).
 */
static int bounce_rw(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                     void *buf, bool write)
{
    uint64_t start = offset & ~(uint64_t)(DIRECT_ALIGN - 1);
    uint64_t end = ROUND_UP(offset + bytes, (uint64_t)DIRECT_ALIGN);
    void *b;
    if (posix_memalign(&b, DIRECT_ALIGN, end - start)) {
        return -ENOMEM;
    }
    int ret = 0;
    BDRVFileState *s = bs->opaque;
    struct stat st;
    off_t old_size = fstat(s->fd, &st) == 0 ? st.st_size : -1;
    if (!write || start != offset || end != offset + bytes) {
        ret = file_pread_raw(bs, start, end - start, b);
    }
    if (ret == 0 && write) {
        memcpy((uint8_t *)b + (offset - start), buf, bytes);
        ret = file_pwrite_raw(bs, start, end - start, b);
        /* The aligned tail must not grow the file past what was asked. */
        if (ret == 0 && old_size >= 0 && (uint64_t)old_size < end &&
            ftruncate(s->fd, MAX((uint64_t)old_size, offset + bytes)) < 0) {
            ret = -errno;
        }
    } else if (ret == 0) {
        memcpy(buf, (uint8_t *)b + (offset - start), bytes);
    }
    free(b);
    return ret;
}

static int file_pread_sync(BlockDriverState *bs, uint64_t offset,
                           uint64_t bytes, void *buf)
{
    BDRVFileState *s = bs->opaque;
    if (!is_aligned(s, offset, bytes, buf)) {
        return bounce_rw(bs, offset, bytes, buf, false);
    }
    return file_pread_raw(bs, offset, bytes, buf);
}

static int file_pread_raw(BlockDriverState *bs, uint64_t offset,
                          uint64_t bytes, void *buf)
{
    BDRVFileState *s = bs->opaque;
    uint8_t *p = buf;
    while (bytes) {
        ssize_t n = pread(s->fd, p, MIN(bytes, (uint64_t)1 << 30), offset);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        if (n == 0) {
            /* Past the end of the file reads as zeroes. */
            memset(p, 0, bytes);
            return 0;
        }
        p += n;
        offset += n;
        bytes -= n;
    }
    return 0;
}

static int file_pwrite_raw(BlockDriverState *bs, uint64_t offset,
                           uint64_t bytes, const void *buf)
{
    BDRVFileState *s = bs->opaque;
    const uint8_t *p = buf;
    while (bytes) {
        ssize_t n = pwrite(s->fd, p, MIN(bytes, (uint64_t)1 << 30), offset);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        p += n;
        offset += n;
        bytes -= n;
    }
    return 0;
}

static int file_pwrite_sync(BlockDriverState *bs, uint64_t offset,
                            uint64_t bytes, const void *buf, int flags)
{
    BDRVFileState *s = bs->opaque;
    write_log_record('W', offset, bytes, buf);
    int ret = is_aligned(s, offset, bytes, buf)
              ? file_pwrite_raw(bs, offset, bytes, buf)
              : bounce_rw(bs, offset, bytes, (void *)buf, true);
    if (ret < 0) {
        return ret;
    }
    if ((flags & BDRV_REQ_FUA) && fdatasync(s->fd) < 0) {
        return -errno;
    }
    if (flags & BDRV_REQ_FUA) {
        write_log_record('F', 0, 0, NULL);
    }
    return 0;
}

static int file_pwrite_zeroes(BlockDriverState *bs, uint64_t offset,
                              uint64_t bytes, int flags)
{
    BDRVFileState *s = bs->opaque;
    if (s->is_blockdev) {
        return -ENOTSUP;
    }
    int mode = (flags & BDRV_REQ_MAY_UNMAP)
               ? FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE
               : FALLOC_FL_ZERO_RANGE;
    struct stat st;
    if (fstat(s->fd, &st) == 0 && offset + bytes > (uint64_t)st.st_size) {
        /* Growing: zero-range (not punch) extends the file. */
        mode = FALLOC_FL_ZERO_RANGE;
    }
    if (fallocate(s->fd, mode, offset, bytes) == 0) {
        write_log_record('Z', offset, bytes, NULL);
        return 0;
    }
    return -ENOTSUP;
}

static int file_pdiscard(BlockDriverState *bs, uint64_t offset,
                         uint64_t bytes)
{
    BDRVFileState *s = bs->opaque;
    if (s->is_blockdev) {
        uint64_t range[2] = { offset, bytes };
        return ioctl(s->fd, BLKDISCARD, range) < 0 ? 0 : 0;
    }
    if (fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset,
                  bytes) == 0) {
        write_log_record('Z', offset, bytes, NULL);
    }
    return 0;   /* discard is advisory */
}

static int file_flush_sync(BlockDriverState *bs)
{
    BDRVFileState *s = bs->opaque;
    if (bs->open_flags & BDRV_O_NO_FLUSH) {
        return 0;
    }
    if (fdatasync(s->fd) < 0) {
        return -errno;
    }
    write_log_record('F', 0, 0, NULL);
    return 0;
}

/*
 * In a coroutine the system call goes to a worker thread and the
 * coroutine yields until it is done; outside, it runs here.
 */
typedef struct FileReq {
    BlockDriverState *bs;
    uint64_t offset, bytes;
    void *buf;
    int flags;
    char op;
} FileReq;

static int file_req_run(void *opaque)
{
    FileReq *r = opaque;
    switch (r->op) {
    case 'r':
        return file_pread_sync(r->bs, r->offset, r->bytes, r->buf);
    case 'w':
        return file_pwrite_sync(r->bs, r->offset, r->bytes, r->buf,
                                r->flags);
    default:
        return file_flush_sync(r->bs);
    }
}

static int file_pread(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                      void *buf)
{
    BDRVFileState *s = bs->opaque;
    if (!(bs->open_flags & BDRV_O_AIO_THREADS) &&
        is_aligned(s, offset, bytes, buf)) {
        int ret = block_aio_uring_rw(s->fd, false, buf, bytes, offset);
        if (ret != -ENOTSUP) {
            return ret;
        }
    }
    FileReq r = { bs, offset, bytes, buf, 0, 'r' };
    return block_aio_run_in_worker(file_req_run, &r);
}

static int file_pwrite(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                       const void *buf, int flags)
{
    BDRVFileState *s = bs->opaque;
    if (!(bs->open_flags & BDRV_O_AIO_THREADS) && !(flags & BDRV_REQ_FUA) &&
        is_aligned(s, offset, bytes, buf) && block_aio_uring_available()) {
        write_log_record('W', offset, bytes, buf);
        int ret = block_aio_uring_rw(s->fd, true, (void *)buf, bytes,
                                     offset);
        if (ret != -ENOTSUP) {
            return ret;
        }
        /* The ring was full: the worker redoes the whole write. */
    }
    FileReq r = { bs, offset, bytes, (void *)buf, flags, 'w' };
    return block_aio_run_in_worker(file_req_run, &r);
}

static int file_flush(BlockDriverState *bs)
{
    BDRVFileState *s = bs->opaque;
    if (!(bs->open_flags & (BDRV_O_AIO_THREADS | BDRV_O_NO_FLUSH))) {
        int ret = block_aio_uring_fsync(s->fd);
        if (ret != -ENOTSUP) {
            if (ret == 0) {
                write_log_record('F', 0, 0, NULL);
            }
            return ret;
        }
    }
    FileReq r = { bs, 0, 0, NULL, 0, 'f' };
    return block_aio_run_in_worker(file_req_run, &r);
}

static int64_t file_getlength(BlockDriverState *bs)
{
    BDRVFileState *s = bs->opaque;
    if (s->is_blockdev) {
        uint64_t size;
        if (ioctl(s->fd, BLKGETSIZE64, &size) < 0) {
            return -errno;
        }
        return size;
    }
    struct stat st;
    if (fstat(s->fd, &st) < 0) {
        return -errno;
    }
    return st.st_size;
}

static int64_t file_get_allocated_size(BlockDriverState *bs)
{
    BDRVFileState *s = bs->opaque;
    struct stat st;
    if (fstat(s->fd, &st) < 0) {
        return -errno;
    }
    return (int64_t)st.st_blocks * 512;
}

static bool file_truncate(BlockDriverState *bs, int64_t offset, bool exact,
                          PreallocMode prealloc, Error **errp)
{
    BDRVFileState *s = bs->opaque;
    int64_t cur = file_getlength(bs);
    if (s->is_blockdev) {
        if (offset > cur || (exact && offset != cur)) {
            error_setg(errp, "Cannot grow device files");
            return false;
        }
        return true;
    }
    if (!exact && offset <= cur) {
        return true;
    }
    if (ftruncate(s->fd, offset) < 0) {
        error_setg_errno(errp, errno, "Failed to resize file");
        return false;
    }
    write_log_record('T', offset, 0, NULL);
    if (offset > cur && prealloc == PREALLOC_MODE_FALLOC) {
        if (fallocate(s->fd, 0, cur, offset - cur) < 0) {
            error_setg_errno(errp, errno,
                             "Could not preallocate new data");
            return false;
        }
    } else if (offset > cur && prealloc == PREALLOC_MODE_FULL) {
        size_t chunk = 1 * MiB;
        g_autofree void *zero = g_malloc0(chunk);
        for (int64_t o = cur; o < offset; o += chunk) {
            int ret = file_pwrite_sync(bs, o, MIN((int64_t)chunk, offset - o),
                                  zero, 0);
            if (ret < 0) {
                error_setg_errno(errp, -ret, "Could not write zeros for "
                                 "preallocation");
                return false;
            }
        }
    }
    return true;
}

static int file_block_status(BlockDriverState *bs, uint64_t offset,
                             uint64_t bytes, uint64_t *pnum, uint64_t *map,
                             BlockDriverState **file)
{
    BDRVFileState *s = bs->opaque;
    *map = offset;
    *file = bs;
    off_t data = lseek(s->fd, offset, SEEK_DATA);
    if (data < 0) {
        if (errno == ENXIO) {
            /* Only a hole up to the end. */
            *pnum = bytes;
            return BDRV_BLOCK_ZERO | BDRV_BLOCK_OFFSET_VALID;
        }
        *pnum = bytes;
        return BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET_VALID;
    }
    if ((uint64_t)data > offset) {
        *pnum = MIN(bytes, (uint64_t)data - offset);
        return BDRV_BLOCK_ZERO | BDRV_BLOCK_OFFSET_VALID;
    }
    off_t hole = lseek(s->fd, offset, SEEK_HOLE);
    if (hole < 0 || (uint64_t)hole <= offset) {
        *pnum = bytes;
    } else {
        *pnum = MIN(bytes, (uint64_t)hole - offset);
    }
    return BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET_VALID;
}

/* Used by format drivers' create(): a new empty file, locked for writing. */
static bool file_create(const char *filename, Opts *opts, Error **errp)
{
    int fd = open(filename, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Could not create '%s'", filename);
        return false;
    }
    close(fd);
    return true;
}

const BlockDriver bdrv_file = {
    .format_name = "file",
    .instance_size = sizeof(BDRVFileState),
    .is_protocol = true,
    .open = file_open,
    .close = file_close,
    .pread = file_pread,
    .pwrite = file_pwrite,
    .pwrite_zeroes = file_pwrite_zeroes,
    .pdiscard = file_pdiscard,
    .flush = file_flush,
    .getlength = file_getlength,
    .get_allocated_size = file_get_allocated_size,
    .truncate = file_truncate,
    .block_status = file_block_status,
    .create = file_create,
};
