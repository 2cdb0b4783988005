/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The abstract memory-backend type: the properties every host memory
 * backend shares, their checks, and complete(), which lets the concrete
 * type map the memory and then applies the madvise()-style options and
 * wraps the block in a RAM MemoryRegion named after the object's id.
 */
#include "util/osdep.h"
#include <sys/mman.h>
#include "sysemu/hostmem.h"

/* One table drives the boolean properties: name, field, QEMU's help. */
typedef struct BackendBool {
    const char *name;
    size_t offset;
    const char *desc;
} BackendBool;

static const BackendBool backend_bools[] = {
    { "share", offsetof(HostMemoryBackend, share),
      "on: map the memory shared (visible to other processes)" },
    { "prealloc", offsetof(HostMemoryBackend, prealloc),
      "touch every page at creation" },
    { "merge", offsetof(HostMemoryBackend, merge),
      "let the kernel merge identical pages (KSM)" },
    { "dump", offsetof(HostMemoryBackend, dump),
      "off: leave the memory out of core dumps" },
    { "reserve", offsetof(HostMemoryBackend, reserve),
      "reserve swap or huge pages for the whole size up front" },
};

/* Properties describe the memory: none changes once it is mapped. */
static bool backend_check_unset(HostMemoryBackend *b, const char *name,
                                Error **errp)
{
    if (b->complete) {
        error_setg(errp, "cannot change property '%s' of %s", name,
                   object_get_typename(OBJECT(b)));
        return false;
    }
    return true;
}

static bool backend_get_bool(Object *obj, ObjectProperty *prop,
                             PropValue *out, Error **errp)
{
    const BackendBool *d = prop->opaque;

    out->kind = PROP_KIND_BOOL;
    out->b = *(bool *)((char *)obj + d->offset);
    return true;
}

static bool backend_set_bool(Object *obj, ObjectProperty *prop,
                             const PropValue *in, Error **errp)
{
    const BackendBool *d = prop->opaque;

    if (!backend_check_unset(MEMORY_BACKEND(obj), d->name, errp)) {
        return false;
    }
    *(bool *)((char *)obj + d->offset) = in->b;
    return true;
}

static bool backend_get_size(Object *obj, ObjectProperty *prop,
                             PropValue *out, Error **errp)
{
    out->kind = PROP_KIND_SIZE;
    out->u = MEMORY_BACKEND(obj)->size;
    return true;
}

static bool backend_set_size(Object *obj, ObjectProperty *prop,
                             const PropValue *in, Error **errp)
{
    HostMemoryBackend *b = MEMORY_BACKEND(obj);

    if (!backend_check_unset(b, "size", errp)) {
        return false;
    }
    if (in->u == 0) {
        error_setg(errp, "property 'size' of %s doesn't take value '0'",
                   object_get_typename(obj));
        return false;
    }
    b->size = in->u;
    return true;
}

static bool backend_get_threads(Object *obj, ObjectProperty *prop,
                                PropValue *out, Error **errp)
{
    out->kind = PROP_KIND_UINT32;
    out->u = MEMORY_BACKEND(obj)->prealloc_threads;
    return true;
}

static bool backend_set_threads(Object *obj, ObjectProperty *prop,
                                const PropValue *in, Error **errp)
{
    HostMemoryBackend *b = MEMORY_BACKEND(obj);

    if (!backend_check_unset(b, "prealloc-threads", errp)) {
        return false;
    }
    if (in->u == 0) {
        error_setg(errp, "property 'prealloc-threads' of %s doesn't take "
                   "value '0'", object_get_typename(obj));
        return false;
    }
    b->prealloc_threads = in->u;
    return true;
}

/* Touches every page so the guest never waits for the host to fault one
 * in (prealloc=on); reads then writes back, so contents are kept. */
static void backend_prealloc(HostMemoryBackend *b)
{
    volatile uint8_t *p = b->ptr;
    size_t step = getpagesize();

#ifdef MADV_POPULATE_WRITE
    if (!madvise(b->ptr, b->mapped_len, MADV_POPULATE_WRITE)) {
        return;
    }
#endif
    for (size_t off = 0; off < b->mapped_len; off += step) {
        p[off] = p[off];
    }
}

static bool backend_complete(Object *obj, Error **errp)
{
    HostMemoryBackend *b = MEMORY_BACKEND(obj);
    HostMemoryBackendClass *bc = MEMORY_BACKEND_GET_CLASS(obj);
    const char *id = object_get_canonical_path_component(obj);

    if (!b->size) {
        error_setg(errp, "Parameter 'size' is missing");
        return false;
    }
    if (!bc->alloc(b, errp)) {
        return false;
    }
    /* Advice is best effort, as in QEMU: a kernel without KSM still runs. */
    madvise(b->ptr, b->mapped_len, b->merge ? MADV_MERGEABLE
                                            : MADV_UNMERGEABLE);
    if (!b->dump) {
        madvise(b->ptr, b->mapped_len, MADV_DONTDUMP);
    }
    if (b->prealloc) {
        backend_prealloc(b);
    }
    memory_region_init_ram_ptr(&b->mr, obj, id ? id : "memory-backend",
                               b->size, b->ptr);
    b->mr.ram_fd = b->fd;
    b->complete = true;
    return true;
}

static void backend_instance_init(Object *obj)
{
    HostMemoryBackend *b = MEMORY_BACKEND(obj);

    b->merge = true;
    b->dump = true;
    b->reserve = true;
    b->prealloc_threads = 1;
    b->fd = -1;
}

/* A machine holds a reference while it uses the memory, so nothing here
 * can still be mapped into a guest. */
static void backend_instance_finalize(Object *obj)
{
    HostMemoryBackend *b = MEMORY_BACKEND(obj);

    if (b->complete) {
        memory_region_destroy(&b->mr);
    }
    if (b->ptr) {
        munmap(b->ptr, b->mapped_len);
    }
    if (b->fd >= 0) {
        close(b->fd);
    }
}

static void backend_class_init(ObjectClass *oc, void *data)
{
    UserCreatableClass *ucc = (UserCreatableClass *)oc;
    ObjectProperty *op;

    ucc->complete = backend_complete;
    op = object_class_property_add(oc, "size", "size", PROP_KIND_SIZE,
                                   backend_get_size, backend_set_size,
                                   NULL, NULL);
    op->description = g_strdup("how much memory, with a suffix such as 512M");
    for (size_t i = 0; i < ARRAY_SIZE(backend_bools); i++) {
        const BackendBool *d = &backend_bools[i];
        op = object_class_property_add(oc, d->name, "bool", PROP_KIND_BOOL,
                                       backend_get_bool, backend_set_bool,
                                       NULL, (void *)d);
        op->description = g_strdup(d->desc);
    }
    op = object_class_property_add(oc, "prealloc-threads", "uint32",
                                   PROP_KIND_UINT32, backend_get_threads,
                                   backend_set_threads, NULL, NULL);
    op->description = g_strdup("threads used to touch the pages for prealloc");
}

MemoryRegion *host_memory_backend_get_memory(HostMemoryBackend *b)
{
    return b->complete ? &b->mr : NULL;
}

bool host_memory_backend_is_mapped(HostMemoryBackend *b)
{
    return b->mapped;
}

void host_memory_backend_set_mapped(HostMemoryBackend *b, bool mapped)
{
    b->mapped = mapped;
}

HostMemoryBackend *host_memory_backend_find(const char *id, Error **errp)
{
    char *path = g_strdup_printf("/objects/%s", id);
    Object *obj = object_resolve_path_type(path, TYPE_MEMORY_BACKEND, NULL);

    g_free(path);
    if (!obj || !MEMORY_BACKEND(obj)->complete) {
        error_setg(errp, "Memory backend '%s' not found", id);
        return NULL;
    }
    return MEMORY_BACKEND(obj);
}

static const TypeInfo backend_type = {
    .name = TYPE_MEMORY_BACKEND,
    .parent = TYPE_USER_CREATABLE,
    .abstract = true,
    .instance_size = sizeof(HostMemoryBackend),
    .class_size = sizeof(HostMemoryBackendClass),
    .instance_init = backend_instance_init,
    .instance_finalize = backend_instance_finalize,
    .class_init = backend_class_init,
};

static void backend_register(void)
{
    type_register_static(&backend_type);
}
type_init(backend_register)
