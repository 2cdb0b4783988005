/* SPDX-License-Identifier: GPL-2.0-or-later */
/* memory-backend-ram: anonymous host memory, private or shared. */
#include "util/osdep.h"
#include <sys/mman.h>
#include "sysemu/hostmem.h"

static bool ram_backend_alloc(HostMemoryBackend *b, Error **errp)
{
    size_t len = ROUND_UP(b->size, (uint64_t)getpagesize());
    int flags = MAP_ANONYMOUS | (b->share ? MAP_SHARED : MAP_PRIVATE) |
                (b->reserve ? 0 : MAP_NORESERVE);
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);

    if (p == MAP_FAILED) {
        error_setg_errno(errp, errno, "cannot set up guest memory '%s'",
                         object_get_canonical_path_component(OBJECT(b)));
        return false;
    }
    b->ptr = p;
    b->mapped_len = len;
    return true;
}

static void ram_backend_class_init(ObjectClass *oc, void *data)
{
    ((HostMemoryBackendClass *)oc)->alloc = ram_backend_alloc;
}

static const TypeInfo ram_backend_type = {
    .name = TYPE_MEMORY_BACKEND_RAM,
    .parent = TYPE_MEMORY_BACKEND,
    .class_init = ram_backend_class_init,
};

static void ram_backend_register(void)
{
    type_register_static(&ram_backend_type);
}
type_init(ram_backend_register)
