/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the input is a qcow2 image file. It is opened
 * read-only (no backing file), read through its mapping, and checked.
 * Any crash, hang or sanitizer report is a bug: hostile images must only
 * produce errors or data.
 */
#include "util/osdep.h"
#include "block/block.h"
#include <sys/mman.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz-qcow2", MFD_CLOEXEC);
    if (fd < 0) {
        return 0;
    }
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(fd, data + done, size - done);
        if (n <= 0) {
            close(fd);
            return 0;
        }
        done += n;
    }
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    Error *err = NULL;
    BlockDriverState *bs = bdrv_open(path, "qcow2", NULL,
                                     BDRV_O_NO_BACKING | BDRV_O_NO_LOCK,
                                     &err);
    if (!bs) {
        error_free(err);
        close(fd);
        return 0;
    }
    /* Walk the mapping and read what it says is there, bounded so a huge
     * virtual size costs nothing. */
    uint8_t *buf = g_malloc(256 * KiB);
    uint64_t off = 0;
    for (int i = 0; i < 4096 && off < bs->total_bytes; i++) {
        uint64_t pnum = 0;
        int st = bdrv_block_status(bs, off, bs->total_bytes - off, &pnum,
                                   NULL, NULL);
        if (st < 0 || pnum == 0) {
            break;
        }
        uint64_t n = MIN(pnum, 256 * KiB);
        bdrv_pread(bs, off, n, buf);
        off += pnum;
    }
    g_free(buf);
    if (bs->drv->check) {
        BdrvCheckResult res = { 0 };
        res.messages = g_string_new(NULL);
        bs->drv->check(bs, &res, 0);
        g_string_free(res.messages, true);
    }
    if (bs->drv->snapshot_list) {
        QEMUSnapshotInfo *sn = NULL;
        bs->drv->snapshot_list(bs, &sn);
        g_free(sn);
    }
    bdrv_unref(bs);
    close(fd);
    return 0;
}
