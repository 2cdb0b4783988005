/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading ELF32/ELF64 little-endian images from memory. */
#ifndef KEMU_ELF_LOAD_H
#define KEMU_ELF_LOAD_H

#include "util/osdep.h"

typedef struct ElfSegment {
    uint32_t type;          /* PT_LOAD, PT_NOTE, ... */
    uint64_t offset;        /* in the file */
    uint64_t paddr, vaddr;
    uint64_t filesz, memsz;
} ElfSegment;

typedef struct ElfImage {
    bool is64;
    uint16_t machine;
    uint64_t entry;
    unsigned nsegs;
    ElfSegment *segs;
} ElfImage;

/* Parses the ELF and program headers; false when not a valid ELF image
 * (headers out of bounds, bad class or byte order). */
bool elf_parse(const uint8_t *data, size_t len, ElfImage *out);
void elf_image_clear(ElfImage *e);
/*
 * Calls fn for every note in PT_NOTE segments; stops when it returns
 * true. desc points into data (bounds checked).
 */
bool elf_foreach_note(const uint8_t *data, size_t len, const ElfImage *e,
                      bool (*fn)(const char *name, uint32_t type,
                                 const uint8_t *desc, uint32_t desc_len,
                                 void *opaque),
                      void *opaque);

#endif
