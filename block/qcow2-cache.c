/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Write-back caches of L2 tables and refcount blocks.
 *
 * Crash safety lives here: an L2 table may reach the disk only after the
 * refcounts of the clusters it points to (and the data written into them)
 * are stable, so writing back an L2 table first writes every dirty
 * refcount block and syncs. Freeing goes the other way and is handled by
 * the callers: they write the L2/L1 change through and sync before
 * dropping the refcount.
 */
#include "util/osdep.h"
#include "qcow2.h"

void qcow2_cache_init(Qcow2Cache *c, int n, uint64_t cluster_size)
{
    c->n = n;
    c->e = g_new0(Qcow2CacheEntry, n);
    for (int i = 0; i < n; i++) {
        c->e[i].data = g_malloc(cluster_size);
    }
}

void qcow2_cache_destroy(Qcow2Cache *c)
{
    for (int i = 0; i < c->n; i++) {
        g_free(c->e[i].data);
    }
    g_free(c->e);
    c->e = NULL;
    c->n = 0;
}

static int entry_writeback(BlockDriverState *bs, Qcow2Cache *c,
                           Qcow2CacheEntry *e)
{
    BDRVQcow2State *s = bs->opaque;
    if (!e->dirty) {
        return 0;
    }
    if (c == &s->l2_cache) {
        /* Refcounts (and the data of new clusters) first. */
        int ret = qcow2_cache_flush(bs, &s->rb_cache);
        if (ret < 0) {
            return ret;
        }
        ret = qcow2_sync(bs);
        if (ret < 0) {
            return ret;
        }
    }
    int ret = bdrv_pwrite(bs->file, e->offset, s->cluster_size, e->data);
    if (ret < 0) {
        return ret;
    }
    e->dirty = false;
    s->need_sync = true;
    return 0;
}

int qcow2_cache_get(BlockDriverState *bs, Qcow2Cache *c, uint64_t offset,
                    bool fresh, uint8_t **table)
{
    BDRVQcow2State *s = bs->opaque;
    Qcow2CacheEntry *victim = NULL;
    for (int i = 0; i < c->n; i++) {
        if (c->e[i].offset == offset) {
            c->e[i].lru = ++c->tick;
            if (fresh) {
                memset(c->e[i].data, 0, s->cluster_size);
            }
            *table = c->e[i].data;
            return 0;
        }
        if (!victim || c->e[i].lru < victim->lru) {
            victim = &c->e[i];
        }
    }
    int ret = entry_writeback(bs, c, victim);
    if (ret < 0) {
        return ret;
    }
    victim->offset = 0;
    if (fresh) {
        memset(victim->data, 0, s->cluster_size);
    } else {
        ret = bdrv_pread(bs->file, offset, s->cluster_size, victim->data);
        if (ret < 0) {
            return ret;
        }
    }
    victim->offset = offset;
    victim->dirty = false;
    victim->lru = ++c->tick;
    *table = victim->data;
    return 0;
}

void qcow2_cache_mark_dirty(Qcow2Cache *c, uint8_t *table)
{
    for (int i = 0; i < c->n; i++) {
        if (c->e[i].data == table) {
            c->e[i].dirty = true;
            return;
        }
    }
}

int qcow2_cache_flush(BlockDriverState *bs, Qcow2Cache *c)
{
    for (int i = 0; i < c->n; i++) {
        int ret = entry_writeback(bs, c, &c->e[i]);
        if (ret < 0) {
            return ret;
        }
    }
    return 0;
}

int qcow2_cache_flush_entry(BlockDriverState *bs, Qcow2Cache *c,
                            uint64_t offset)
{
    for (int i = 0; i < c->n; i++) {
        if (c->e[i].offset == offset) {
            return entry_writeback(bs, c, &c->e[i]);
        }
    }
    return 0;
}

/* The cluster was freed: its cached table must never be written back. */
void qcow2_cache_discard(Qcow2Cache *c, uint64_t offset)
{
    for (int i = 0; i < c->n; i++) {
        if (c->e[i].offset == offset) {
            c->e[i].offset = 0;
            c->e[i].dirty = false;
            c->e[i].lru = 0;
        }
    }
}

/* Everything to disk in dependency order: refcounts, sync, L2 tables. */
int qcow2_flush_caches(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    int ret = qcow2_cache_flush(bs, &s->rb_cache);
    if (ret == 0) {
        ret = qcow2_cache_flush(bs, &s->l2_cache);
    }
    return ret;
}
