/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ELF program header and note walking, bounds-checked (System V gABI). */
#include "util/osdep.h"
#include "hw/elf-load.h"
#include <elf.h>

static bool in_file(size_t len, uint64_t off, uint64_t size)
{
    return off <= len && size <= len - off;
}

bool elf_parse(const uint8_t *d, size_t len, ElfImage *out)
{
    uint64_t phoff;
    unsigned phnum, phentsize;

    memset(out, 0, sizeof(*out));
    if (len < EI_NIDENT || memcmp(d, ELFMAG, SELFMAG) ||
        d[EI_DATA] != ELFDATA2LSB) {
        return false;
    }
    if (d[EI_CLASS] == ELFCLASS64) {
        Elf64_Ehdr eh;
        if (len < sizeof(eh)) {
            return false;
        }
        memcpy(&eh, d, sizeof(eh));
        out->is64 = true;
        out->machine = eh.e_machine;
        out->entry = eh.e_entry;
        phoff = eh.e_phoff;
        phnum = eh.e_phnum;
        phentsize = eh.e_phentsize;
        if (phentsize < sizeof(Elf64_Phdr)) {
            return false;
        }
    } else if (d[EI_CLASS] == ELFCLASS32) {
        Elf32_Ehdr eh;
        if (len < sizeof(eh)) {
            return false;
        }
        memcpy(&eh, d, sizeof(eh));
        out->machine = eh.e_machine;
        out->entry = eh.e_entry;
        phoff = eh.e_phoff;
        phnum = eh.e_phnum;
        phentsize = eh.e_phentsize;
        if (phentsize < sizeof(Elf32_Phdr)) {
            return false;
        }
    } else {
        return false;
    }
    if (!in_file(len, phoff, (uint64_t)phnum * phentsize)) {
        return false;
    }
    out->segs = g_new0(ElfSegment, phnum);
    out->nsegs = phnum;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *p = d + phoff + (uint64_t)i * phentsize;
        ElfSegment *s = &out->segs[i];
        if (out->is64) {
            Elf64_Phdr ph;
            memcpy(&ph, p, sizeof(ph));
            *s = (ElfSegment){ ph.p_type, ph.p_offset, ph.p_paddr,
                               ph.p_vaddr, ph.p_filesz, ph.p_memsz };
        } else {
            Elf32_Phdr ph;
            memcpy(&ph, p, sizeof(ph));
            *s = (ElfSegment){ ph.p_type, ph.p_offset, ph.p_paddr,
                               ph.p_vaddr, ph.p_filesz, ph.p_memsz };
        }
        if ((s->type == PT_LOAD || s->type == PT_NOTE) &&
            (!in_file(len, s->offset, s->filesz) ||
             (s->type == PT_LOAD && s->filesz > s->memsz))) {
            elf_image_clear(out);
            return false;
        }
    }
    return true;
}

void elf_image_clear(ElfImage *e)
{
    g_free(e->segs);
    e->segs = NULL;
    e->nsegs = 0;
}

bool elf_foreach_note(const uint8_t *d, size_t len, const ElfImage *e,
                      bool (*fn)(const char *, uint32_t, const uint8_t *,
                                 uint32_t, void *),
                      void *opaque)
{
    for (unsigned i = 0; i < e->nsegs; i++) {
        const ElfSegment *s = &e->segs[i];
        uint64_t off = 0;

        if (s->type != PT_NOTE) {
            continue;
        }
        /* Notes: namesz, descsz, type, name (4-aligned), desc (4-aligned). */
        while (off + 12 <= s->filesz) {
            const uint8_t *n = d + s->offset + off;
            uint32_t namesz, descsz, type;
            uint64_t name_off, desc_off;
            char name[32] = "";

            memcpy(&namesz, n, 4);
            memcpy(&descsz, n + 4, 4);
            memcpy(&type, n + 8, 4);
            name_off = off + 12;
            desc_off = name_off + ROUND_UP((uint64_t)namesz, 4);
            if (desc_off + descsz > s->filesz) {
                break;
            }
            if (namesz) {
                memcpy(name, d + s->offset + name_off,
                       MIN(namesz, sizeof(name) - 1));
            }
            if (fn(name, type, d + s->offset + desc_off, descsz, opaque)) {
                return true;
            }
            off = desc_off + ROUND_UP((uint64_t)descsz, 4);
        }
    }
    return false;
}
