/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Guest memory to files: memsave/pmemsave and dump-guest-memory. */
#ifndef KEMU_MEM_CMDS_H
#define KEMU_MEM_CMDS_H

#include "util/error.h"
#include "hw/core/cpu.h"

/*
 * Writes size bytes of guest memory from addr to path: virtual through
 * cs's page tables (phys false; cs synchronized) or physical (unbacked
 * bytes read as zero). Errors as QEMU words them.
 */
bool monitor_save_mem(CPUState *cs, uint64_t addr, int64_t size,
                      const char *path, bool phys, Error **errp);

/*
 * ELF64 core of guest memory to path ("dump-guest-memory"): PT_NOTE with
 * NT_PRSTATUS and QEMU's CPU state per vCPU, PT_LOAD per RAM range
 * (limited to [begin, begin+length) when length != 0). With paging, the
 * PT_LOADs follow the first CPU's page tables (virtual addresses).
 */
bool dump_guest_memory(const char *path, bool paging, uint64_t begin,
                       uint64_t length, Error **errp);

#endif
