/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared between the memory core files (memory.c, flatview.c, physmem.c,
 * memory-print.c); not for devices. */
#ifndef KEMU_MEMORY_INTERNAL_H
#define KEMU_MEMORY_INTERNAL_H

#include "exec/memory.h"

/* Every initialised AddressSpace, in creation order. */
extern GList *memory_address_spaces;

/* Size with UINT64_MAX meaning 2^64. */
static inline unsigned __int128 mr_size128(const MemoryRegion *mr)
{
    return mr->size == UINT64_MAX ? (unsigned __int128)1 << 64 : mr->size;
}

static inline unsigned __int128 fr_size128(const FlatRange *fr)
{
    return fr->size == 0 ? (unsigned __int128)1 << 64 : fr->size;
}

/* Render the tree under root into a new FlatView (not yet published). */
FlatView *flatview_render(MemoryRegion *root, AddressSpace *as);
void flatview_free(FlatView *fv);
bool flatview_equal(const FlatView *a, const FlatView *b);
/* Tell as's listeners what changed between old and new (RAM only). */
void flatview_notify_listeners(AddressSpace *as, const FlatView *old,
                               const FlatView *new);
/* Replay every RAM range of fv to one listener as region_add. */
void flatview_replay_listener(MemoryListener *l, const FlatView *fv);
/* Index of the first range starting above addr (fv->nr if none). */
unsigned flatview_next_index(const FlatView *fv, hwaddr addr);

#endif
