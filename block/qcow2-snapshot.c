/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qcow2 internal snapshots: reading and checking the snapshot table. */
#include "util/osdep.h"
#include "qcow2.h"

void qcow2_free_snapshots(BDRVQcow2State *s)
{
    for (uint32_t i = 0; s->snapshots && i < s->nb_snapshots; i++) {
        g_free(s->snapshots[i].id_str);
        g_free(s->snapshots[i].name);
        g_free(s->snapshots[i].extra);
    }
    g_free(s->snapshots);
    s->snapshots = NULL;
}

bool qcow2_read_snapshots(BlockDriverState *bs, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    if (!s->nb_snapshots) {
        return true;
    }
    s->snapshots = g_new0(Qcow2Snapshot, s->nb_snapshots);
    uint64_t off = s->snapshots_offset;
    /* The table is bounded like QEMU's (64 MiB) against hostile counts. */
    int64_t flen = bdrv_getlength(bs->file);
    uint64_t limit = MIN(off + 64 * MiB, (uint64_t)MAX(flen, 0));
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        uint8_t h[40];
        Qcow2Snapshot *sn = &s->snapshots[i];
        if (off + 40 > limit || bdrv_pread(bs->file, off, 40, h) < 0) {
            goto bad;
        }
        sn->l1_table_offset = be64_get(h);
        sn->l1_size = be32_get(h + 8);
        uint16_t id_len = be16_get(h + 12), name_len = be16_get(h + 14);
        sn->date_sec = be32_get(h + 16);
        sn->date_nsec = be32_get(h + 20);
        sn->vm_clock_nsec = be64_get(h + 24);
        sn->vm_state_size = be32_get(h + 32);
        sn->extra_size = be32_get(h + 36);
        sn->icount = UINT32_MAX;
        sn->disk_size = s->size;
        off += 40;
        if (sn->extra_size > 1024 || off + sn->extra_size + id_len +
            name_len > limit) {
            goto bad;
        }
        sn->extra = g_malloc0(MAX(sn->extra_size, 1));
        if (bdrv_pread(bs->file, off, sn->extra_size, sn->extra) < 0) {
            goto bad;
        }
        if (sn->extra_size >= 8) {
            sn->vm_state_size = be64_get(sn->extra);
        }
        if (sn->extra_size >= 16) {
            sn->disk_size = be64_get(sn->extra + 8);
        }
        if (sn->extra_size >= 24) {
            sn->icount = (uint32_t)be64_get(sn->extra + 16);
        }
        off += sn->extra_size;
        sn->id_str = g_malloc0(id_len + 1);
        sn->name = g_malloc0(name_len + 1);
        if (bdrv_pread(bs->file, off, id_len, sn->id_str) < 0 ||
            bdrv_pread(bs->file, off + id_len, name_len, sn->name) < 0) {
            goto bad;
        }
        off += id_len + name_len;
        off = ROUND_UP(off, 8);
        if (!qcow2_is_aligned(s, sn->l1_table_offset) ||
            (uint64_t)sn->l1_size * 8 > QCOW2_MAX_L1_BYTES ||
            sn->l1_table_offset + (uint64_t)sn->l1_size * 8 >
                (uint64_t)MAX(flen, 0)) {
            error_setg(errp, "Snapshot L1 table offset invalid");
            return false;
        }
    }
    s->snapshots_size = off - s->snapshots_offset;
    return true;
bad:
    error_setg(errp, "Snapshot table is invalid");
    return false;
}

int qcow2_snapshot_list(BlockDriverState *bs, QEMUSnapshotInfo **list)
{
    BDRVQcow2State *s = bs->opaque;
    QEMUSnapshotInfo *l = g_new0(QEMUSnapshotInfo, MAX(s->nb_snapshots, 1));
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        Qcow2Snapshot *sn = &s->snapshots[i];
        g_strlcpy(l[i].id_str, sn->id_str, sizeof(l[i].id_str));
        g_strlcpy(l[i].name, sn->name, sizeof(l[i].name));
        l[i].vm_state_size = sn->vm_state_size;
        l[i].date_sec = sn->date_sec;
        l[i].date_nsec = sn->date_nsec;
        l[i].vm_clock_nsec = sn->vm_clock_nsec;
        l[i].icount = sn->icount;
    }
    *list = l;
    return s->nb_snapshots;
}
