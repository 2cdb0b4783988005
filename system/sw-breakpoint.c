/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shadow of the bytes software breakpoints replaced in guest memory (see
 * include/exec/sw-breakpoint.h). Few entries (gdb sets a handful), so a
 * flat array searched linearly is plenty.
 */
#include "exec/sw-breakpoint.h"

void sw_bp_table_init(SwBpTable *t)
{
    t->entries = g_array_new(false, false, sizeof(SwBpEntry));
}

void sw_bp_table_destroy(SwBpTable *t)
{
    if (t->entries) {
        g_array_free(t->entries, true);
        t->entries = NULL;
    }
}

static int find(SwBpTable *t, uint64_t pa)
{
    for (guint i = 0; t->entries && i < t->entries->len; i++) {
        if (g_array_index(t->entries, SwBpEntry, i).pa == pa) {
            return i;
        }
    }
    return -1;
}

bool sw_bp_table_lookup(SwBpTable *t, uint64_t pa, uint8_t *orig)
{
    int i = find(t, pa);

    if (i < 0) {
        return false;
    }
    if (orig) {
        *orig = g_array_index(t->entries, SwBpEntry, i).orig;
    }
    return true;
}

bool sw_bp_table_add(SwBpTable *t, uint64_t pa, uint8_t orig)
{
    if (!t->entries) {
        sw_bp_table_init(t);
    }
    if (find(t, pa) >= 0) {
        return false;
    }
    g_array_append_val(t->entries, ((SwBpEntry){ .pa = pa, .orig = orig }));
    return true;
}

bool sw_bp_table_remove(SwBpTable *t, uint64_t pa, uint8_t *orig)
{
    int i = find(t, pa);

    if (i < 0) {
        return false;
    }
    if (orig) {
        *orig = g_array_index(t->entries, SwBpEntry, i).orig;
    }
    g_array_remove_index_fast(t->entries, i);
    return true;
}

guint sw_bp_table_count(SwBpTable *t)
{
    return t->entries ? t->entries->len : 0;
}

/* Index into buf of entry e if [pa, pa + len) holds it, else -1. */
static int64_t offset_in(const SwBpEntry *e, uint64_t pa, uint64_t len)
{
    uint64_t off = e->pa - pa;      /* wraps when e->pa < pa */

    return off < len ? (int64_t)off : -1;
}

void sw_bp_table_hide(SwBpTable *t, uint64_t pa, uint8_t *buf, uint64_t len)
{
    for (guint i = 0; t->entries && i < t->entries->len; i++) {
        SwBpEntry *e = &g_array_index(t->entries, SwBpEntry, i);
        int64_t off = offset_in(e, pa, len);

        if (off >= 0) {
            buf[off] = e->orig;
        }
    }
}

void sw_bp_table_write_through(SwBpTable *t, uint64_t pa, uint8_t *buf,
                               uint64_t len, uint8_t insn)
{
    for (guint i = 0; t->entries && i < t->entries->len; i++) {
        SwBpEntry *e = &g_array_index(t->entries, SwBpEntry, i);
        int64_t off = offset_in(e, pa, len);

        if (off >= 0) {
            e->orig = buf[off];
            buf[off] = insn;
        }
    }
}

static SwBpTable global_table;
static uint8_t global_insn;

SwBpTable *sw_bp_global(void)
{
    return &global_table;
}

void sw_bp_set_insn(uint8_t insn)
{
    global_insn = insn;
}

void sw_bp_filter_read(uint64_t pa, uint8_t *buf, uint64_t len)
{
    sw_bp_table_hide(&global_table, pa, buf, len);
}

void sw_bp_filter_write(uint64_t pa, uint8_t *buf, uint64_t len)
{
    sw_bp_table_write_through(&global_table, pa, buf, len, global_insn);
}
