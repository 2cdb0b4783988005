/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the monitor (info block, query-blockstats, eject, change) and the
 * backend's tests see of a BlockBackend beyond the device-facing API of
 * block-backend.h. Devices do not include this.
 */
#ifndef KEMU_SYSEMU_BLOCK_BACKEND_INTERNAL_H
#define KEMU_SYSEMU_BLOCK_BACKEND_INTERNAL_H

#include "sysemu/block-backend.h"

typedef enum BlockIoStatus {
    BLK_IOSTATUS_OK,
    BLK_IOSTATUS_FAILED,
    BLK_IOSTATUS_NOSPACE,
} BlockIoStatus;

struct BlockBackend {
    DriveInfo *di;
    DeviceState *dev;
    const BlockDevOps *dev_ops;
    void *dev_opaque;
    bool wce;
    int in_flight;              /* submitted, callback not yet run */
    BlockIoStatus iostatus;
    void (*retry)(void *opaque);
    void *retry_opaque;
    /* Counted by the devices (blk_account) */
    uint64_t nr_bytes[BLOCK_ACCT_MAX];
    uint64_t nr_ops[BLOCK_ACCT_MAX];
    uint64_t failed_ops[BLOCK_ACCT_MAX];
    int64_t last_access_ns;     /* -1: never */
    /* Measured by the backend over its own requests */
    uint64_t total_time_ns[BLOCK_ACCT_MAX];
    uint64_t wr_highest_offset;
    bool drive_deleted;         /* drive_del: free the drive at detach */
};

void blk_foreach(void (*fn)(BlockBackend *blk, void *opaque), void *opaque);
/* Starts queued requests and runs finished ones' callbacks (main loop
 * thread); true if a callback ran. */
bool blk_run_completions(void);
/* Nanoseconds since the last accounted request, -1 if none. */
int64_t blk_idle_time_ns(BlockBackend *blk);
bool blk_iostatus_enabled(BlockBackend *blk);
const char *blk_iostatus_name(BlockBackend *blk);
bool blk_dev_has_removable_media(BlockBackend *blk);
bool blk_dev_has_tray(BlockBackend *blk);
/* Drains and drops the medium (drive_del of an attached drive). */
void blk_remove_medium(BlockBackend *blk);
bool blk_dev_is_tray_open(BlockBackend *blk);
bool blk_dev_is_medium_locked(BlockBackend *blk);
void blk_dev_resize(BlockBackend *blk);

/* The monitor's BLOCK_IO_ERROR event: set once by the monitor, called by
 * blk_error_action before the VM stops. */
typedef void BlockIoErrorHandler(BlockBackend *blk, BlockErrorVerdict verdict,
                                 bool is_read, int error);
void blk_set_io_error_handler(BlockIoErrorHandler *fn);

#endif
