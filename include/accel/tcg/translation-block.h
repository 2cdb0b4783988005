/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A translation block: guest code from pc up to a branch (or a page end,
 * or TCG_MAX_INSNS instructions), translated once into host code in the
 * code buffer. Found by (pc, cs_base, flags, cflags) and the physical
 * page of pc; invalidated when a page its guest code lies on is written.
 */
#ifndef KEMU_TRANSLATION_BLOCK_H
#define KEMU_TRANSLATION_BLOCK_H

#include <stdint.h>
#include <stdbool.h>

/* cflags: how the block was compiled */
#define CF_COUNT_MASK   0x000001ff   /* max guest insns (0: default) */
#define CF_SINGLE_STEP  0x00000200   /* gdbstub step / one-insn-per-tb */
#define CF_NO_GOTO_TB   0x00000400   /* no direct chaining */
#define CF_NO_GOTO_PTR  0x00000800   /* no lookup_and_goto_ptr */
#define CF_PARALLEL     0x00001000   /* other vCPUs run concurrently */
#define CF_EXCLUSIVE    0x00002000   /* running in an exclusive section */
#define CF_INVALID      0x80000000   /* invalidated: never enter again */

typedef struct TranslationBlock TranslationBlock;

struct TranslationBlock {
    /* key */
    uint64_t pc;             /* guest virtual address of the first insn */
    uint64_t cs_base;
    uint32_t flags;          /* target's hflags at translation time */
    uint32_t cflags;         /* CF_*, atomic (CF_INVALID set on invalidate) */
    uint64_t page_addr[2];   /* physical pages of the code; [1] = -1 if one */

    uint16_t size;           /* bytes of guest code */
    uint16_t icount;         /* guest instructions */

    /* host code */
    const void *tc_ptr;
    uint32_t tc_size;
    /* restore data (insn_start values, host end offsets), encoded by
     * accel/tcg right after the code */
    const uint8_t *restore_data;

    /* direct chaining: slot n jumps to jmp_dest[n] once patched */
    uint16_t jmp_insn_offset[2];
    uint16_t jmp_reset_offset[2];
    uintptr_t jmp_dest[2];           /* TB * | flags, 0 when unchained */
    uintptr_t jmp_list_head;         /* TBs that jump to us */
    uintptr_t jmp_list_next[2];

    /* list of TBs on each code page, for invalidation */
    uintptr_t page_next[2];
    struct TranslationBlock *hash_next;
};

#endif
