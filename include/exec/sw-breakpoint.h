/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Software breakpoints patched into guest memory (an accelerator that
 * runs guest code natively, i.e. KVM, puts int3 there). The table keeps
 * the original byte of every patched guest-physical address, so that the
 * debugger never sees its own int3: reads get the original bytes back,
 * writes over a patched byte change the saved original and leave the
 * int3 in place. Under TCG the table stays empty.
 *
 * The pure table (SwBpTable) is what the unit tests exercise; the global
 * one is filled by the accelerator and consulted by the gdbstub's memory
 * access, both in the main loop with the BQL held.
 */
#ifndef KEMU_SW_BREAKPOINT_H
#define KEMU_SW_BREAKPOINT_H

#include "exec/breakpoint.h"

typedef struct SwBpEntry {
    uint64_t pa;        /* guest-physical address of the patched byte */
    uint8_t orig;       /* what the guest had there */
} SwBpEntry;

typedef struct SwBpTable {
    GArray *entries;    /* of SwBpEntry, at most one per pa */
} SwBpTable;

void sw_bp_table_init(SwBpTable *t);
void sw_bp_table_destroy(SwBpTable *t);
/* Is pa patched? Its original byte in *orig (may be NULL). */
bool sw_bp_table_lookup(SwBpTable *t, uint64_t pa, uint8_t *orig);
/* Record that pa now holds the breakpoint instead of orig. false if pa
 * is already patched. */
bool sw_bp_table_add(SwBpTable *t, uint64_t pa, uint8_t orig);
/* Forget pa; its original byte in *orig. false if not patched. */
bool sw_bp_table_remove(SwBpTable *t, uint64_t pa, uint8_t *orig);
guint sw_bp_table_count(SwBpTable *t);

/* A debugger read of len bytes at pa: put the original bytes back over
 * the patched ones in buf. */
void sw_bp_table_hide(SwBpTable *t, uint64_t pa, uint8_t *buf, uint64_t len);
/* A debugger write of len bytes at pa: the written bytes become the new
 * originals of patched addresses, and buf gets the breakpoint byte
 * (insn) there again so that the write keeps the breakpoint armed. */
void sw_bp_table_write_through(SwBpTable *t, uint64_t pa, uint8_t *buf,
                               uint64_t len, uint8_t insn);

/* The machine's table (accelerator side) and the breakpoint byte it
 * uses; the gdbstub filters its memory accesses through these. */
SwBpTable *sw_bp_global(void);
void sw_bp_set_insn(uint8_t insn);
void sw_bp_filter_read(uint64_t pa, uint8_t *buf, uint64_t len);
void sw_bp_filter_write(uint64_t pa, uint8_t *buf, uint64_t len);

#endif
