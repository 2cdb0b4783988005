/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Guest page-table walks for the monitor (software, side-effect free). */
#ifndef KEMU_HMP_MMU_H
#define KEMU_HMP_MMU_H

#include "hw/core/cpu.h"

/* Physical address of va under the CPU's current paging mode (registers
 * must be synchronized); false when not mapped. */
bool x86_mmu_translate(CPUState *cs, uint64_t va, uint64_t *pa,
                       uint64_t *page_size);
/* Reads/writes guest virtual memory page by page. */
MemTxResult x86_mmu_rw_virt(CPUState *cs, uint64_t va, void *buf,
                            uint64_t len, bool is_write);

#endif
