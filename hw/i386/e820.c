/* SPDX-License-Identifier: GPL-2.0-or-later */
/* e820 map: a sorted list of typed ranges where the last addition wins. */
#include "util/osdep.h"
#include "hw/i386/e820.h"

E820Table *pc_e820_table;

E820Table *e820_new(void)
{
    E820Table *t = g_new0(E820Table, 1);
    t->entries = g_array_new(false, false, sizeof(E820Entry));
    return t;
}

void e820_free(E820Table *t)
{
    if (t) {
        g_array_free(t->entries, true);
        g_free(t);
    }
}

void e820_clear(E820Table *t)
{
    g_array_set_size(t->entries, 0);
}

static int e820_cmp(gconstpointer a, gconstpointer b)
{
    const E820Entry *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Merge neighbours that touch and share a type. */
static void e820_merge(E820Table *t)
{
    GArray *e = t->entries;
    unsigned i = 0;

    while (i + 1 < e->len) {
        E820Entry *a = &g_array_index(e, E820Entry, i);
        E820Entry *b = &g_array_index(e, E820Entry, i + 1);
        if (a->type == b->type && a->addr + a->size == b->addr) {
            a->size += b->size;
            g_array_remove_index(e, i + 1);
        } else {
            i++;
        }
    }
}

void e820_add(E820Table *t, uint64_t addr, uint64_t size, uint32_t type)
{
    GArray *e = t->entries;
    uint64_t end = addr + size;   /* callers never wrap past 2^64 */
    unsigned i = 0;

    if (!size) {
        return;
    }
    /* Cut the new range out of every existing entry it overlaps. */
    while (i < e->len) {
        E820Entry cur = g_array_index(e, E820Entry, i);
        uint64_t cend = cur.addr + cur.size;

        if (cend <= addr || cur.addr >= end) {
            i++;
            continue;
        }
        g_array_remove_index(e, i);
        if (cur.addr < addr) {
            E820Entry lo = { cur.addr, addr - cur.addr, cur.type };
            g_array_insert_val(e, i++, lo);
        }
        if (cend > end) {
            E820Entry hi = { end, cend - end, cur.type };
            g_array_insert_val(e, i++, hi);
        }
    }
    E820Entry n = { addr, size, type };
    g_array_append_val(e, n);
    g_array_sort(e, e820_cmp);
    e820_merge(t);
}

unsigned e820_count(const E820Table *t)
{
    return t->entries->len;
}

const E820Entry *e820_get(const E820Table *t, unsigned i)
{
    return i < t->entries->len ? &g_array_index(t->entries, E820Entry, i)
                               : NULL;
}

uint32_t e820_type_at(const E820Table *t, uint64_t addr)
{
    for (unsigned i = 0; i < t->entries->len; i++) {
        const E820Entry *x = &g_array_index(t->entries, E820Entry, i);
        if (addr >= x->addr && addr - x->addr < x->size) {
            return x->type;
        }
    }
    return 0;
}

uint64_t e820_total(const E820Table *t, uint32_t type)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < t->entries->len; i++) {
        const E820Entry *x = &g_array_index(t->entries, E820Entry, i);
        if (x->type == type) {
            sum += x->size;
        }
    }
    return sum;
}

static const char *e820_type_name(uint32_t type)
{
    switch (type) {
    case E820_RAM: return "usable";
    case E820_RESERVED: return "reserved";
    case E820_ACPI: return "ACPI data";
    case E820_NVS: return "ACPI NVS";
    case E820_UNUSABLE: return "unusable";
    default: return "unknown";
    }
}

char *e820_to_string(const E820Table *t)
{
    GString *s = g_string_new(NULL);
    for (unsigned i = 0; i < t->entries->len; i++) {
        const E820Entry *x = &g_array_index(t->entries, E820Entry, i);
        g_string_append_printf(s, "e820: [mem 0x%016" PRIx64 "-0x%016" PRIx64
                               "] %s\n", x->addr, x->addr + x->size - 1,
                               e820_type_name(x->type));
    }
    return g_string_free(s, false);
}
