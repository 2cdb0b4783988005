/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Flattening a region tree into a FlatView, looking addresses up in it,
 * and telling listeners what changed between two views.
 *
 * Rendering walks the tree depth-first, visiting a container's subregions
 * in their list order (priority descending, newest first). A terminal
 * region only fills the parts of its clip window nothing earlier has
 * claimed, so what was visited first wins. Addresses are computed in
 * 128 bits because region sizes reach 2^64 and alias bases may go
 * below zero.
 */
#include "system/memory-internal.h"
#include "util/rcu.h"

typedef __int128 s128;
typedef unsigned __int128 u128;

/* A range under construction: [start, end) in 128 bits. */
typedef struct RenderRange {
    s128 start, end;
    MemoryRegion *mr;
    s128 offset;                /* offset in mr of 'start' */
    bool readonly;
} RenderRange;

static void render_insert(GArray *out, guint idx, s128 start, s128 end,
                          MemoryRegion *mr, s128 base, bool readonly)
{
    RenderRange r = {
        .start = start, .end = end, .mr = mr,
        .offset = start - base, .readonly = readonly,
    };
    g_array_insert_val(out, idx, r);
}

/* Fill the holes of [start, end) with mr, whose offset 0 sits at base. */
static void render_terminal(GArray *out, MemoryRegion *mr, s128 base,
                            s128 start, s128 end, bool readonly)
{
    s128 cur = start;
    guint i = 0;

    /* Skip ranges entirely before the window (binary search would do,
     * but views are small and rebuilt rarely). */
    while (i < out->len && g_array_index(out, RenderRange, i).end <= cur) {
        i++;
    }
    while (cur < end && i < out->len) {
        RenderRange *r = &g_array_index(out, RenderRange, i);
        if (r->start >= end) {
            break;
        }
        if (r->start > cur) {
            render_insert(out, i, cur, r->start, mr, base, readonly);
            i++;
            r = &g_array_index(out, RenderRange, i);
        }
        if (r->end > cur) {
            cur = r->end;
        }
        i++;
    }
    if (cur < end) {
        render_insert(out, i, cur, end, mr, base, readonly);
    }
}

static void render_mr(GArray *out, MemoryRegion *mr, s128 base,
                      s128 clip_start, s128 clip_end, bool readonly)
{
    s128 start = base, end = base + (s128)mr_size128(mr);

    if (!mr->enabled) {
        return;
    }
    if (clip_start < start) {
        clip_start = start;
    }
    if (clip_end > end) {
        clip_end = end;
    }
    if (clip_start >= clip_end) {
        return;
    }
    readonly |= mr->readonly;

    switch (mr->type) {
    case MR_ALIAS:
        if (mr->alias) {
            render_mr(out, mr->alias, base - (s128)mr->alias_offset,
                      clip_start, clip_end, readonly);
        }
        break;
    case MR_CONTAINER:
        for (GList *l = mr->subregions; l; l = l->next) {
            MemoryRegion *sub = l->data;
            render_mr(out, sub, base + (s128)sub->addr, clip_start, clip_end,
                      readonly);
        }
        break;
    case MR_ROM:
        render_terminal(out, mr, base, clip_start, clip_end, true);
        break;
    case MR_RAM:
    case MR_IO:
        render_terminal(out, mr, base, clip_start, clip_end, readonly);
        break;
    }
}

FlatView *flatview_render(MemoryRegion *root, AddressSpace *as)
{
    GArray *tmp = g_array_new(false, false, sizeof(RenderRange));
    FlatView *fv = g_new0(FlatView, 1);
    guint n = 0;

    if (root) {
        /* The root sits at address 0 whatever its own addr says. */
        render_mr(tmp, root, 0, 0, (s128)1 << 64, false);
    }

    /* Merge neighbours that continue the same region the same way. */
    fv->ranges = g_new0(FlatRange, tmp->len ? tmp->len : 1);
    for (guint i = 0; i < tmp->len; i++) {
        RenderRange *r = &g_array_index(tmp, RenderRange, i);
        if (n) {
            FlatRange *p = &fv->ranges[n - 1];
            u128 psize = fr_size128(p);
            if (p->mr == r->mr && p->readonly == r->readonly &&
                (s128)p->addr + (s128)psize == r->start &&
                (s128)p->offset_in_region + (s128)psize == r->offset) {
                p->size = (uint64_t)(psize + (u128)(r->end - r->start));
                continue;
            }
        }
        fv->ranges[n++] = (FlatRange) {
            .addr = (hwaddr)r->start,
            .size = (uint64_t)(r->end - r->start),  /* 2^64 wraps to 0 */
            .mr = r->mr,
            .offset_in_region = (hwaddr)r->offset,
            .readonly = r->readonly,
        };
    }
    fv->nr = n;
    fv->as = as;
    g_array_free(tmp, true);
    return fv;
}

void flatview_free(FlatView *fv)
{
    if (fv) {
        g_free(fv->ranges);
        g_free(fv);
    }
}

static bool fr_equal(const FlatRange *a, const FlatRange *b)
{
    return a->addr == b->addr && a->size == b->size && a->mr == b->mr &&
           a->offset_in_region == b->offset_in_region &&
           a->readonly == b->readonly;
}

bool flatview_equal(const FlatView *a, const FlatView *b)
{
    if (!a || !b || a->nr != b->nr) {
        return a == b;
    }
    for (unsigned i = 0; i < a->nr; i++) {
        if (!fr_equal(&a->ranges[i], &b->ranges[i])) {
            return false;
        }
    }
    return true;
}

unsigned flatview_next_index(const FlatView *fv, hwaddr addr)
{
    unsigned lo = 0, hi = fv->nr;

    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (fv->ranges[mid].addr > addr) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return lo;
}

const FlatRange *flatview_lookup(FlatView *fv, hwaddr addr)
{
    unsigned i = flatview_next_index(fv, addr);
    const FlatRange *fr;

    if (i == 0) {
        return NULL;
    }
    fr = &fv->ranges[i - 1];
    if (fr->size == 0 || addr - fr->addr < fr->size) {
        return fr;
    }
    return NULL;
}

FlatView *address_space_to_flatview(AddressSpace *as)
{
    return rcu_dereference(as->current);
}

/* ---- listeners ---- */

static void fr_to_section(AddressSpace *as, const FlatRange *fr,
                          MemoryRegionSection *s)
{
    *s = (MemoryRegionSection) {
        .mr = fr->mr,
        .as = as,
        .offset_within_region = fr->offset_in_region,
        .offset_within_address_space = fr->addr,
        .size = fr->size,
        .readonly = fr->readonly,
    };
}

static void notify_one(AddressSpace *as, const FlatRange *fr, bool add)
{
    MemoryRegionSection s;

    fr_to_section(as, fr, &s);
    for (GList *l = as->listeners; l; l = l->next) {
        MemoryListener *ml = l->data;
        if (add && ml->region_add) {
            ml->region_add(ml, &s);
        } else if (!add && ml->region_del) {
            ml->region_del(ml, &s);
        }
    }
}

/*
 * Both views are sorted and non-overlapping, so a range that survived
 * unchanged sits at the same address in both: a merge walk finds them.
 * Every removal is reported before any addition, so a listener (KVM
 * slots) never sees two overlapping sections at once.
 */
static void diff_pass(AddressSpace *as, const FlatView *old,
                      const FlatView *new, bool add)
{
    unsigned i = 0, j = 0;
    unsigned on = old ? old->nr : 0, nn = new ? new->nr : 0;

    while (i < on || j < nn) {
        const FlatRange *o = i < on ? &old->ranges[i] : NULL;
        const FlatRange *n = j < nn ? &new->ranges[j] : NULL;

        if (o && (!n || o->addr < n->addr)) {
            if (!add && memory_region_is_ram(o->mr)) {
                notify_one(as, o, false);
            }
            i++;
        } else if (n && (!o || n->addr < o->addr)) {
            if (add && memory_region_is_ram(n->mr)) {
                notify_one(as, n, true);
            }
            j++;
        } else {
            if (!fr_equal(o, n)) {
                if (!add && memory_region_is_ram(o->mr)) {
                    notify_one(as, o, false);
                }
                if (add && memory_region_is_ram(n->mr)) {
                    notify_one(as, n, true);
                }
            }
            i++;
            j++;
        }
    }
}

void flatview_notify_listeners(AddressSpace *as, const FlatView *old,
                               const FlatView *new)
{
    GList *l;

    if (!as->listeners) {
        return;
    }
    for (l = as->listeners; l; l = l->next) {
        MemoryListener *ml = l->data;
        if (ml->begin) {
            ml->begin(ml);
        }
    }
    diff_pass(as, old, new, false);
    diff_pass(as, old, new, true);
    for (l = as->listeners; l; l = l->next) {
        MemoryListener *ml = l->data;
        if (ml->commit) {
            ml->commit(ml);
        }
    }
}

void flatview_replay_listener(MemoryListener *l, const FlatView *fv)
{
    MemoryRegionSection s;

    if (l->begin) {
        l->begin(l);
    }
    for (unsigned i = 0; fv && i < fv->nr; i++) {
        if (memory_region_is_ram(fv->ranges[i].mr) && l->region_add) {
            fr_to_section(l->as, &fv->ranges[i], &s);
            l->region_add(l, &s);
        }
    }
    if (l->commit) {
        l->commit(l);
    }
}
