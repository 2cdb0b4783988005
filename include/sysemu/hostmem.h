/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host memory backends: -object memory-backend-ram / memory-backend-memfd.
 * A backend owns a block of host memory and the RAM MemoryRegion over it,
 * allocated when the object is completed. A machine uses one as its guest
 * RAM with -machine memory-backend=ID.
 *
 * Properties (all of them fixed once the backend is complete):
 *   size      bytes, required, > 0
 *   share     on: MAP_SHARED (visible to other processes through the fd)
 *   prealloc  touch every page at creation
 *   merge     KSM may merge the pages (MADV_MERGEABLE), default on
 *   dump      include in core dumps (off: MADV_DONTDUMP), default on
 *   reserve   reserve swap space (off: MAP_NORESERVE), default on
 * memory-backend-memfd adds hugetlb, hugetlbsize and seal, and shares by
 * default.
 */
#ifndef KEMU_HOSTMEM_H
#define KEMU_HOSTMEM_H

#include "exec/memory.h"

#define TYPE_MEMORY_BACKEND "memory-backend"
#define TYPE_MEMORY_BACKEND_RAM "memory-backend-ram"
#define TYPE_MEMORY_BACKEND_MEMFD "memory-backend-memfd"

typedef struct HostMemoryBackend HostMemoryBackend;

typedef struct HostMemoryBackendClass {
    UserCreatableClass parent_class;   /* its complete() allocates */
    /* Maps backend->size bytes: sets ptr, mapped_len and fd (or -1). */
    bool (*alloc)(HostMemoryBackend *b, Error **errp);
} HostMemoryBackendClass;

struct HostMemoryBackend {
    Object parent_obj;
    uint64_t size;
    bool share, prealloc, merge, dump, reserve;
    uint32_t prealloc_threads;
    /* memfd only */
    bool hugetlb, seal;
    uint64_t hugetlbsize;

    bool complete;
    bool mapped;               /* in use as some machine's RAM */
    void *ptr;
    size_t mapped_len;
    int fd;
    MemoryRegion mr;
};

OBJECT_DECLARE_TYPE(HostMemoryBackend, HostMemoryBackendClass, MEMORY_BACKEND)

/* The backend's RAM region; NULL until it is complete. */
MemoryRegion *host_memory_backend_get_memory(HostMemoryBackend *b);
bool host_memory_backend_is_mapped(HostMemoryBackend *b);
void host_memory_backend_set_mapped(HostMemoryBackend *b, bool mapped);
/* The backend /objects/ID, or NULL with QEMU's "Memory backend 'ID' not
 * found" when there is none (or it is not complete). */
HostMemoryBackend *host_memory_backend_find(const char *id, Error **errp);

#endif
