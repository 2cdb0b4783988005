/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "info mtree" and "info mtree -f", in the layout QEMU users know:
 *
 *   address-space: memory
 *     0000000000000000-ffffffffffffffff (prio 0, i/o): system
 *       0000000000000000-0000000007ffffff (prio 0, ram): alias ... @pc.ram ...
 *
 * followed by one "memory-region:" tree for every alias target that is
 * not itself the root of an address space, and for -f one block per
 * flat view.
 */
#include "system/memory-internal.h"
#include "util/rcu.h"

#define ADDR_FMT "%016" PRIx64

/* What a region is, as shown in parentheses. */
static const char *mr_kind(const MemoryRegion *mr)
{
    int depth = 0;

    while (mr->type == MR_ALIAS && mr->alias && depth++ < 16) {
        mr = mr->alias;
    }
    switch (mr->type) {
    case MR_RAM:
        return mr->readonly ? "rom" : "ram";
    case MR_ROM:
        return "rom";
    default:
        return "i/o";
    }
}

static uint64_t last_byte(uint64_t start, uint64_t size)
{
    /* Size 2^64 (UINT64_MAX) ends at the top; a 0 size shows start-1. */
    return size == UINT64_MAX ? UINT64_MAX : start + size - 1;
}

static gint sub_order(gconstpointer a, gconstpointer b)
{
    const MemoryRegion *x = a, *y = b;

    if (x->addr != y->addr) {
        return x->addr < y->addr ? -1 : 1;
    }
    return y->priority - x->priority;
}

static void queue_alias_target(GPtrArray *queue, MemoryRegion *mr)
{
    for (guint i = 0; i < queue->len; i++) {
        if (queue->pdata[i] == mr) {
            return;
        }
    }
    g_ptr_array_add(queue, mr);
}

static void print_mr(GString *out, MemoryRegion *mr, unsigned level,
                     uint64_t base, GPtrArray *aliases)
{
    uint64_t start = base + mr->addr;
    GList *sorted;

    g_string_append_printf(out, "%*s" ADDR_FMT "-" ADDR_FMT
                           " (prio %d, %s): ", 2 + level * 2, "", start,
                           last_byte(start, mr->size), mr->priority,
                           mr_kind(mr));
    if (mr->type == MR_ALIAS && mr->alias) {
        g_string_append_printf(out, "alias %s @%s " ADDR_FMT "-" ADDR_FMT,
                               mr->name, mr->alias->name, mr->alias_offset,
                               last_byte(mr->alias_offset, mr->size));
        queue_alias_target(aliases, mr->alias);
    } else {
        g_string_append(out, mr->name);
    }
    if (!mr->enabled) {
        g_string_append(out, " [disabled]");
    }
    g_string_append_c(out, '\n');

    sorted = g_list_sort(g_list_copy(mr->subregions), sub_order);
    for (GList *l = sorted; l; l = l->next) {
        print_mr(out, l->data, level + 1, start, aliases);
    }
    g_list_free(sorted);
}

static bool is_as_root(MemoryRegion *mr)
{
    for (GList *l = memory_address_spaces; l; l = l->next) {
        if (((AddressSpace *)l->data)->root == mr) {
            return true;
        }
    }
    return false;
}

static void print_tree(GString *out)
{
    GPtrArray *aliases = g_ptr_array_new();
    GList *done = NULL;

    for (GList *l = memory_address_spaces; l; l = l->next) {
        AddressSpace *as = l->data;
        if (g_list_find(done, as->root)) {
            continue;
        }
        /* Address spaces sharing a root are listed together. */
        for (GList *m = l; m; m = m->next) {
            AddressSpace *o = m->data;
            if (o->root == as->root) {
                g_string_append_printf(out, "address-space: %s\n", o->name);
            }
        }
        if (as->root) {
            print_mr(out, as->root, 0, 0, aliases);
        }
        g_string_append_c(out, '\n');
        done = g_list_prepend(done, as->root);
    }
    /* The queue grows while we print: targets may alias further. */
    for (guint i = 0; i < aliases->len; i++) {
        MemoryRegion *mr = aliases->pdata[i];
        if (is_as_root(mr)) {
            continue;
        }
        g_string_append_printf(out, "memory-region: %s\n", mr->name);
        print_mr(out, mr, 0, 0, aliases);
        g_string_append_c(out, '\n');
    }
    g_list_free(done);
    g_ptr_array_free(aliases, true);
}

static void print_flat(GString *out)
{
    GList *done = NULL;
    unsigned n = 0;

    rcu_read_lock();
    for (GList *l = memory_address_spaces; l; l = l->next) {
        AddressSpace *as = l->data;
        FlatView *fv = address_space_to_flatview(as);

        if (g_list_find(done, as->root)) {
            continue;
        }
        done = g_list_prepend(done, as->root);
        g_string_append_printf(out, "FlatView #%u\n", n++);
        for (GList *m = l; m; m = m->next) {
            AddressSpace *o = m->data;
            if (o->root == as->root) {
                g_string_append_printf(out, " AS \"%s\", root: %s\n", o->name,
                                       as->root ? as->root->name : "(none)");
            }
        }
        if (!fv || fv->nr == 0) {
            g_string_append(out, " Root memory region: (none)\n"
                                 "  No rendered FlatView\n\n");
            continue;
        }
        g_string_append_printf(out, " Root memory region: %s\n",
                               as->root->name);
        for (unsigned i = 0; i < fv->nr; i++) {
            const FlatRange *fr = &fv->ranges[i];
            const char *kind = fr->mr->type == MR_IO ? "i/o"
                             : fr->readonly ? "rom" : "ram";
            g_string_append_printf(out, "  " ADDR_FMT "-" ADDR_FMT
                                   " (prio %d, %s): %s", fr->addr,
                                   fr->size ? fr->addr + fr->size - 1
                                            : UINT64_MAX,
                                   fr->mr->priority, kind, fr->mr->name);
            if (fr->offset_in_region) {
                g_string_append_printf(out, " @" ADDR_FMT,
                                       fr->offset_in_region);
            }
            /* Listeners see RAM/ROM sections only, so only those count. */
            for (GList *k = as->listeners; k && fr->mr->type != MR_IO;
                 k = k->next) {
                const MemoryListener *ml = k->data;
                if (ml->mtree_tag) {
                    g_string_append_printf(out, " %s", ml->mtree_tag);
                }
            }
            g_string_append_c(out, '\n');
        }
        g_string_append_c(out, '\n');
    }
    rcu_read_unlock();
    g_list_free(done);
}

void memory_print_mtree(GString *out, bool flatview)
{
    if (flatview) {
        print_flat(out);
    } else {
        print_tree(out);
    }
}
