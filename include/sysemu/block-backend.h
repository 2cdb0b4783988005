/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * BlockBackend: what a guest device (virtio-blk, IDE disk, ATAPI CD-ROM)
 * sees of a drive. One per device-claimed DriveInfo; it outlives the
 * medium (a CD-ROM tray may be empty, `change` puts another image in).
 *
 * Requests are asynchronous: each runs in a coroutine in the main loop
 * thread, so a vCPU thread that kicks a device only queues work and never
 * waits for the host. Completions are called in the main loop with the
 * BQL held, in no particular order. The error policy (werror/rerror of
 * -drive) is applied by the device through blk_get_error_action() and
 * blk_error_action(), as the device alone knows how to retry a request.
 */
#ifndef KEMU_SYSEMU_BLOCK_BACKEND_H
#define KEMU_SYSEMU_BLOCK_BACKEND_H

#include <sys/uio.h>
#include "sysemu/blockdev.h"

typedef struct BlockBackend BlockBackend;
typedef struct DeviceState DeviceState;

/* What the device tells the backend about itself (removable media). */
typedef struct BlockDevOps {
    /* A medium was inserted (load) or removed; NULL for fixed disks. */
    void (*change_media_cb)(void *opaque, bool load);
    /* `eject` asks; the device opens its tray unless locked (force: even
     * then). NULL: the device has no tray. */
    void (*eject_request_cb)(void *opaque, bool force);
    bool (*is_tray_open)(void *opaque);
    bool (*is_medium_locked)(void *opaque);
    /* The medium changed size (block_resize). */
    void (*resize_cb)(void *opaque);
} BlockDevOps;

/*
 * A device claims the drive named by its drive= property (or by its
 * if=/bus/unit slot): the backend is created on first claim and refused
 * ("Drive 'x' is already in use") on a second.
 */
BlockBackend *blk_attach(DriveInfo *di, DeviceState *dev, Error **errp);
/* Undoes blk_attach at unrealize: drains, then frees the backend; the
 * drive may be claimed again. */
void blk_detach(BlockBackend *blk);
void blk_set_dev_ops(BlockBackend *blk, const BlockDevOps *ops,
                     void *opaque);
DriveInfo *blk_drive(BlockBackend *blk);
/* The backend a device holds for this drive, or NULL. */
BlockBackend *blk_by_drive(DriveInfo *di);

/* ---- state ---- */
bool blk_is_inserted(BlockBackend *blk);
bool blk_is_read_only(BlockBackend *blk);
/* Bytes; 0 without a medium. */
int64_t blk_getlength(BlockBackend *blk);
/* The guest's write cache setting (virtio-blk WCE, ATA SET FEATURES):
 * when off, every write is followed by a flush before it completes. */
bool blk_enable_write_cache(BlockBackend *blk);
void blk_set_enable_write_cache(BlockBackend *blk, bool wce);

/* ---- asynchronous requests ---- */
typedef void BlockCompletionFunc(void *opaque, int ret /* 0 or -errno */);

/* iov must stay valid until cb runs (it points into guest RAM mapped by
 * the device, or a device bounce buffer). */
void blk_aio_preadv(BlockBackend *blk, int64_t offset,
                    const struct iovec *iov, int iovcnt,
                    BlockCompletionFunc *cb, void *opaque);
void blk_aio_pwritev(BlockBackend *blk, int64_t offset,
                     const struct iovec *iov, int iovcnt,
                     BlockCompletionFunc *cb, void *opaque);
void blk_aio_flush(BlockBackend *blk, BlockCompletionFunc *cb,
                   void *opaque);
/* Ignored (completes with 0) unless the drive has discard=unmap. */
void blk_aio_pdiscard(BlockBackend *blk, int64_t offset, int64_t bytes,
                      BlockCompletionFunc *cb, void *opaque);
/* may_unmap: the range may become a hole when the drive allows it. */
void blk_aio_pwrite_zeroes(BlockBackend *blk, int64_t offset, int64_t bytes,
                           bool may_unmap, BlockCompletionFunc *cb,
                           void *opaque);
/* Runs the main loop's block work until every request of blk completed
 * (device reset, unrealize, eject, exit). */
void blk_drain(BlockBackend *blk);
void blk_drain_all(void);

/* ---- accounting (info blockstats / query-blockstats) ---- */
typedef enum BlockAcctType {
    BLOCK_ACCT_READ,
    BLOCK_ACCT_WRITE,
    BLOCK_ACCT_FLUSH,
    BLOCK_ACCT_UNMAP,
    BLOCK_ACCT_MAX,
} BlockAcctType;

/* Devices count guest requests (a merged request counts once). */
void blk_account(BlockBackend *blk, BlockAcctType type, uint64_t bytes,
                 bool failed);

/* ---- error policy ---- */
typedef enum BlockErrorVerdict {
    BLOCK_ERROR_REPORT,   /* complete the request with an error */
    BLOCK_ERROR_IGNORE,   /* complete it as if it succeeded */
    BLOCK_ERROR_STOP,     /* keep it; the VM stops; retried on `cont` */
} BlockErrorVerdict;

BlockErrorVerdict blk_get_error_action(BlockBackend *blk, bool is_read,
                                       int error /* positive errno */);
/* Emits BLOCK_IO_ERROR and, for STOP, stops the VM (RUN_STATE_IO_ERROR
 * semantics: `cont` resumes and the device retries what it kept). */
void blk_error_action(BlockBackend *blk, BlockErrorVerdict verdict,
                      bool is_read, int error);
/* Called for each device that kept requests when the VM resumes. */
void blk_set_retry_cb(BlockBackend *blk, void (*retry)(void *opaque),
                      void *opaque);

/* ---- media (the monitor's change/eject/blockdev-change-medium) ---- */
/* Opens the tray if the device lets it (or force), drops the medium. */
bool blk_eject(BlockBackend *blk, bool force, Error **errp);
/* Replaces the medium with an opened node (taken). */
bool blk_insert_medium(BlockBackend *blk, BlockDriverState *bs,
                       Error **errp);

#endif
