/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The BIOS e820 memory map the pc machine hands to guests (through the
 * Linux zero page, PVH's memmap table and multiboot's mmap). Entries are
 * kept sorted and non-overlapping: adding a range overrides whatever it
 * overlaps (the last word wins), and neighbours of the same type merge.
 */
#ifndef KEMU_E820_H
#define KEMU_E820_H

#include "util/osdep.h"

#define E820_RAM        1
#define E820_RESERVED   2
#define E820_ACPI       3
#define E820_NVS        4
#define E820_UNUSABLE   5

typedef struct E820Entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} E820Entry;

typedef struct E820Table {
    GArray *entries;    /* of E820Entry, sorted by addr, non-overlapping */
} E820Table;

E820Table *e820_new(void);
void e820_free(E820Table *t);
void e820_clear(E820Table *t);
/* Adds [addr, addr+size) as type, replacing overlapped parts. */
void e820_add(E820Table *t, uint64_t addr, uint64_t size, uint32_t type);
unsigned e820_count(const E820Table *t);
const E820Entry *e820_get(const E820Table *t, unsigned i);
/* Type covering addr, or 0 when the address is in no entry. */
uint32_t e820_type_at(const E820Table *t, uint64_t addr);
/* Sum of the sizes of entries of a type. */
uint64_t e820_total(const E820Table *t, uint32_t type);
/* "e820: [mem 0x...-0x...] usable" lines, for logs and tests. */
char *e820_to_string(const E820Table *t);

/* The machine's table (set by the pc machine at init; NULL before). */
extern E820Table *pc_e820_table;

#endif
