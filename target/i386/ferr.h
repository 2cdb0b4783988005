/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * FERR#: the x87 error signal a CPU raises with CR0.NE clear, for a
 * pending unmasked x87 exception at a waiting instruction. The PC routes
 * it to IRQ13 and clears it on a write to port 0xF0 (hw/i386/x87-ferr.c
 * registers itself here); without one nothing is wired.
 */
#ifndef KEMU_I386_FERR_H
#define KEMU_I386_FERR_H

#include <stdbool.h>

typedef struct X86FerrOps {
    void (*set)(void *opaque, bool level);
    bool (*get)(void *opaque);
} X86FerrOps;

/* ops NULL: unwire */
void x86_ferr_wire(const X86FerrOps *ops, void *opaque);
/* Under the BQL. Raise returns false when nothing is wired. */
bool x86_ferr_raise(void);
bool x86_ferr_asserted(void);

#endif
