/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The FERR# wiring point between the CPU and the machine (ferr.h). */
#include "util/osdep.h"
#include "target/i386/ferr.h"

static const X86FerrOps *ferr_ops;
static void *ferr_opaque;

void x86_ferr_wire(const X86FerrOps *ops, void *opaque)
{
    ferr_ops = ops;
    ferr_opaque = opaque;
}

bool x86_ferr_raise(void)
{
    if (!ferr_ops) {
        return false;
    }
    ferr_ops->set(ferr_opaque, true);
    return true;
}

bool x86_ferr_asserted(void)
{
    return ferr_ops && ferr_ops->get(ferr_opaque);
}
