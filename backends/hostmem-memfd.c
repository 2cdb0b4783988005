/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memory-backend-memfd: guest memory in a memfd, shared by default so
 * another process (a vhost-user backend, say) can map it through the fd;
 * optionally on hugetlbfs pages and sealed against growing or shrinking.
 */
#include "util/osdep.h"
#include <sys/mman.h>
#include <fcntl.h>
#include <linux/memfd.h>
#include "sysemu/hostmem.h"

static bool memfd_prop_get_bool(Object *obj, ObjectProperty *prop,
                                PropValue *out, Error **errp)
{
    HostMemoryBackend *b = MEMORY_BACKEND(obj);

    out->kind = PROP_KIND_BOOL;
    out->b = !strcmp(prop->name, "seal") ? b->seal : b->hugetlb;
    return true;
}

static bool memfd_prop_set_bool(Object *obj, ObjectProperty *prop,
                                const PropValue *in, Error **errp)
{
    HostMemoryBackend *b = MEMORY_BACKEND(obj);

    if (b->complete) {
        error_setg(errp, "cannot change property '%s' of %s", prop->name,
                   object_get_typename(obj));
        return false;
    }
    *(!strcmp(prop->name, "seal") ? &b->seal : &b->hugetlb) = in->b;
    return true;
}

static bool memfd_get_hugetlbsize(Object *obj, ObjectProperty *prop,
                                  PropValue *out, Error **errp)
{
    out->kind = PROP_KIND_SIZE;
    out->u = MEMORY_BACKEND(obj)->hugetlbsize;
    return true;
}

static bool memfd_set_hugetlbsize(Object *obj, ObjectProperty *prop,
                                  const PropValue *in, Error **errp)
{
    HostMemoryBackend *b = MEMORY_BACKEND(obj);

    if (b->complete) {
        error_setg(errp, "cannot change property '%s' of %s", prop->name,
                   object_get_typename(obj));
        return false;
    }
    if (!in->u || (in->u & (in->u - 1))) {
        error_setg(errp, "property 'hugetlbsize' of %s doesn't take value "
                   "'%" PRIu64 "'", object_get_typename(obj), in->u);
        return false;
    }
    b->hugetlbsize = in->u;
    return true;
}

static bool memfd_backend_alloc(HostMemoryBackend *b, Error **errp)
{
    unsigned flags = MFD_CLOEXEC;
    size_t len = ROUND_UP(b->size, (uint64_t)getpagesize());
    void *p;
    int fd;

    if (b->hugetlb) {
        flags |= MFD_HUGETLB;
        if (b->hugetlbsize) {
            /* log2 of the page size, in the flag's size field */
            flags |= (unsigned)__builtin_ctzll(b->hugetlbsize)
                     << MFD_HUGE_SHIFT;
        }
    }
    if (b->seal) {
        flags |= MFD_ALLOW_SEALING;
    }
    fd = memfd_create(TYPE_MEMORY_BACKEND_MEMFD, flags);
    if (fd < 0) {
        error_setg_errno(errp, errno, "failed to create memfd");
        return false;
    }
    if (ftruncate(fd, b->size) < 0) {
        error_setg(errp, "failed to resize memfd to %" PRIu64 ": %s",
                   b->size, strerror(errno));
        close(fd);
        return false;
    }
    if (b->seal &&
        fcntl(fd, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL)) {
        error_setg_errno(errp, errno, "failed to seal memfd");
        close(fd);
        return false;
    }
    p = mmap(NULL, len, PROT_READ | PROT_WRITE,
             b->share ? MAP_SHARED : MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
        error_setg_errno(errp, errno, "cannot set up guest memory '%s'",
                         object_get_canonical_path_component(OBJECT(b)));
        close(fd);
        return false;
    }
    b->ptr = p;
    b->mapped_len = len;
    b->fd = fd;
    return true;
}

static void memfd_backend_init(Object *obj)
{
    HostMemoryBackend *b = MEMORY_BACKEND(obj);

    b->share = true;
    b->seal = true;
}

static void memfd_backend_class_init(ObjectClass *oc, void *data)
{
    ObjectProperty *op;

    ((HostMemoryBackendClass *)oc)->alloc = memfd_backend_alloc;
    op = object_class_property_add(oc, "hugetlb", "bool", PROP_KIND_BOOL,
                                   memfd_prop_get_bool, memfd_prop_set_bool,
                                   NULL, NULL);
    op->description = g_strdup("back the memory with huge pages");
    op = object_class_property_add(oc, "hugetlbsize", "size", PROP_KIND_SIZE,
                                   memfd_get_hugetlbsize,
                                   memfd_set_hugetlbsize, NULL, NULL);
    op->description = g_strdup("huge page size, such as 2M or 1G");
    op = object_class_property_add(oc, "seal", "bool", PROP_KIND_BOOL,
                                   memfd_prop_get_bool, memfd_prop_set_bool,
                                   NULL, NULL);
    op->description = g_strdup("forbid growing or shrinking the memfd");
}

static const TypeInfo memfd_backend_type = {
    .name = TYPE_MEMORY_BACKEND_MEMFD,
    .parent = TYPE_MEMORY_BACKEND,
    .instance_init = memfd_backend_init,
    .class_init = memfd_backend_class_init,
};

static void memfd_backend_register(void)
{
    type_register_static(&memfd_backend_type);
}
type_init(memfd_backend_register)
