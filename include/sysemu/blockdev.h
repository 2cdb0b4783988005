/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Drives: the command line's -drive / -hda.. / -cdrom / -blockdev turned
 * into open block nodes that devices claim by interface position or id.
 * Sits above block/ (which knows no device) and below the device models.
 */
#ifndef KEMU_SYSEMU_BLOCKDEV_H
#define KEMU_SYSEMU_BLOCKDEV_H

#include "block/block.h"

typedef enum BlockInterfaceType {
    IF_NONE,
    IF_IDE,
    IF_VIRTIO,
    IF_COUNT,
} BlockInterfaceType;

typedef enum BlockErrorAction {
    BLOCK_ERR_REPORT,
    BLOCK_ERR_IGNORE,
    BLOCK_ERR_ENOSPC,     /* stop on ENOSPC, report the rest */
    BLOCK_ERR_STOP,
} BlockErrorAction;

typedef struct DriveInfo {
    char *id;                   /* "ide0-hd0", "virtio0", "none0" or id= */
    BlockInterfaceType type;
    int bus, unit;
    bool is_cdrom;
    BlockDriverState *bs;       /* NULL: a CD-ROM drive without a disc */
    bool read_only;
    bool writeback;             /* the device's write cache starts on */
    bool discard_unmap;         /* discard=unmap: pass discards down */
    int detect_zeroes;          /* 0 off, 1 on, 2 unmap */
    BlockErrorAction werror, rerror;
    char *serial;
    int open_flags;             /* BDRV_O_* used for this drive's nodes */
    bool claimed;               /* a device took it */
    bool is_blockdev;           /* from -blockdev: id is the node name */
} DriveInfo;

/* Defaults for -drive that -snapshot turns on for every drive. */
extern bool blockdev_snapshot_all;

/* -drive: parses and opens; default_if is where an if= missing goes. */
DriveInfo *drive_new(Opts *opts, BlockInterfaceType default_if,
                     Error **errp);
/* -blockdev: a named node. */
DriveInfo *blockdev_new(Opts *opts, Error **errp);

/* bdrv_open with the error worded as -drive and QEMU's monitor do. */
BlockDriverState *drive_open_image(const char *filename, const char *fmt,
                                   Opts *opts, int flags, Error **errp);

DriveInfo *drive_get(BlockInterfaceType type, int bus, int unit);
/* By -drive id or -blockdev node-name. */
DriveInfo *drive_get_by_id(const char *id);
/* Highest bus number used by drives of this interface, or -1. */
int drive_get_max_bus(BlockInterfaceType type);
/* Units per bus (2 for IDE, 1 elsewhere). */
int drive_if_max_units(BlockInterfaceType type);
const char *drive_if_name(BlockInterfaceType type);

/*
 * After the board and -device: a drive with an interface that no device
 * claimed is an error, as in QEMU ("machine type does not support ...").
 * Returns the first such drive (its message in errp), or NULL.
 */
DriveInfo *drive_check_orphaned(Error **errp);

/* Flushes and closes every drive (at exit, SIGTERM included). */
void drive_close_all(void);
/* Closes every drive and forgets it, for programs without a machine
 * (the drive fuzz target); no device may hold one. */
void drive_free_all(void);

/* drive_del / blockdev-del: forget a drive (lookups no longer find it),
 * then free it with its node. */
void drive_unregister(DriveInfo *di);
void drive_info_free(DriveInfo *di);

/* Calls fn on every drive in creation order. */
void drive_foreach(void (*fn)(DriveInfo *di, void *opaque), void *opaque);

#endif
