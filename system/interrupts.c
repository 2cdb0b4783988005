/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interrupt backend registry, the device-facing calls, and the
 * userspace backend (qtest, TCG, KVM with kernel-irqchip=off|split):
 * GSIs and MSIs go to handlers the machine and LAPIC install, irqfds are
 * eventfds watched by the main loop, ioeventfds a table the memory
 * dispatch consults before a device sees a write.
 *
 * Everything here runs with the BQL held (devices, the main loop's fd
 * handlers, the memory dispatch to I/O regions).
 */
#include "util/osdep.h"
#include "sysemu/interrupts.h"
#include "util/log.h"
#include "util/main-loop.h"

static const IrqBackend *irq_backend = &irq_userspace_backend;

void irq_backend_set(const IrqBackend *backend)
{
    irq_backend = backend ? backend : &irq_userspace_backend;
}

const IrqBackend *irq_backend_get(void)
{
    return irq_backend;
}

/* ---- device API: forward to the active backend ---- */

void gsi_set_level(int gsi, int level)
{
    irq_backend->set_gsi(irq_backend->opaque, gsi, level);
}

void msi_send_message(uint64_t addr, uint32_t data)
{
    irq_backend->send_msi(irq_backend->opaque, addr, data);
}

int msi_route_add(uint64_t addr, uint32_t data, Error **errp)
{
    return irq_backend->add_msi_route(irq_backend->opaque, addr, data, errp);
}

bool msi_route_update(int virq, uint64_t addr, uint32_t data, Error **errp)
{
    return irq_backend->update_msi_route(irq_backend->opaque, virq, addr,
                                         data, errp);
}

void msi_route_release(int virq)
{
    irq_backend->release_route(irq_backend->opaque, virq);
}

bool irqfd_add(int fd, int virq, Error **errp)
{
    return irq_backend->add_irqfd(irq_backend->opaque, fd, virq, errp);
}

void irqfd_remove(int fd, int virq)
{
    irq_backend->remove_irqfd(irq_backend->opaque, fd, virq);
}

bool ioeventfd_add(bool is_pio, hwaddr addr, unsigned size, bool match_data,
                   uint64_t data, int fd, Error **errp)
{
    return irq_backend->add_ioeventfd(irq_backend->opaque, is_pio, addr, size,
                                      match_data, data, fd, errp);
}

void ioeventfd_del(bool is_pio, hwaddr addr, unsigned size, bool match_data,
                   uint64_t data, int fd)
{
    irq_backend->del_ioeventfd(irq_backend->opaque, is_pio, addr, size,
                               match_data, data, fd);
}

/* ---- userspace backend ---- */

static void (*us_gsi_fn)(void *opaque, int gsi, int level);
static void *us_gsi_opaque;
static void (*us_msi_fn)(void *opaque, uint64_t addr, uint32_t data);
static void *us_msi_opaque;

void irq_userspace_set_gsi_handler(void (*fn)(void *opaque, int gsi,
                                              int level), void *opaque)
{
    us_gsi_fn = fn;
    us_gsi_opaque = opaque;
}

void irq_userspace_set_msi_handler(void (*fn)(void *opaque, uint64_t addr,
                                              uint32_t data), void *opaque)
{
    us_msi_fn = fn;
    us_msi_opaque = opaque;
}

static void us_set_gsi(void *opaque, int gsi, int level)
{
    if (us_gsi_fn) {
        us_gsi_fn(us_gsi_opaque, gsi, level);
    }
}

static void us_send_msi(void *opaque, uint64_t addr, uint32_t data)
{
    if (us_msi_fn) {
        us_msi_fn(us_msi_opaque, addr, data);
    } else {
        kemu_log_mask(LOG_GUEST_ERROR, "MSI 0x%" PRIx64 "/0x%x dropped: "
                      "no interrupt controller\n", addr, data);
    }
}

/* MSI routes: virq is an index into this table. */
typedef struct MsiRoute {
    bool used;
    uint64_t addr;
    uint32_t data;
} MsiRoute;

#define MAX_MSI_ROUTES 1024
static GArray *us_routes;

static MsiRoute *us_route(int virq)
{
    if (!us_routes || virq < 0 || virq >= (int)us_routes->len) {
        return NULL;
    }
    MsiRoute *r = &g_array_index(us_routes, MsiRoute, virq);
    return r->used ? r : NULL;
}

static int us_add_msi_route(void *opaque, uint64_t addr, uint32_t data,
                            Error **errp)
{
    MsiRoute r = { .used = true, .addr = addr, .data = data };
    guint i;

    if (!us_routes) {
        us_routes = g_array_new(false, true, sizeof(MsiRoute));
    }
    for (i = 0; i < us_routes->len; i++) {
        if (!g_array_index(us_routes, MsiRoute, i).used) {
            g_array_index(us_routes, MsiRoute, i) = r;
            return i;
        }
    }
    if (i >= MAX_MSI_ROUTES) {
        error_setg(errp, "no free MSI route (limit %d)", MAX_MSI_ROUTES);
        return -1;
    }
    g_array_append_val(us_routes, r);
    return i;
}

static bool us_update_msi_route(void *opaque, int virq, uint64_t addr,
                                uint32_t data, Error **errp)
{
    MsiRoute *r = us_route(virq);

    if (!r) {
        error_setg(errp, "MSI route %d does not exist", virq);
        return false;
    }
    r->addr = addr;
    r->data = data;
    return true;
}

static void us_release_route(void *opaque, int virq)
{
    MsiRoute *r = us_route(virq);

    if (r) {
        r->used = false;
    }
}

/* irqfds: fd -> virq, the fd watched by the main loop. */
typedef struct IrqFd {
    int fd;
    int virq;
} IrqFd;

static GHashTable *us_irqfds;   /* fd -> IrqFd* */

static void irqfd_readable(void *opaque)
{
    IrqFd *irqfd = opaque;
    MsiRoute *r;
    uint64_t cnt;

    /* Drain the counter; several writes coalesce into one interrupt,
     * as with an edge-triggered MSI. */
    if (read(irqfd->fd, &cnt, sizeof(cnt)) != sizeof(cnt)) {
        return;
    }
    r = us_route(irqfd->virq);
    if (r) {
        us_send_msi(NULL, r->addr, r->data);
    }
}

static bool us_add_irqfd(void *opaque, int fd, int virq, Error **errp)
{
    IrqFd *irqfd;

    if (!us_route(virq)) {
        error_setg(errp, "irqfd: MSI route %d does not exist", virq);
        return false;
    }
    if (!us_irqfds) {
        us_irqfds = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    }
    if (g_hash_table_contains(us_irqfds, GINT_TO_POINTER(fd))) {
        error_setg(errp, "irqfd: fd %d is already in use", fd);
        return false;
    }
    irqfd = g_new(IrqFd, 1);
    irqfd->fd = fd;
    irqfd->virq = virq;
    g_hash_table_insert(us_irqfds, GINT_TO_POINTER(fd), irqfd);
    main_loop_set_fd_handler(fd, irqfd_readable, NULL, irqfd);
    return true;
}

static void us_remove_irqfd(void *opaque, int fd, int virq)
{
    IrqFd *irqfd = us_irqfds ? g_hash_table_lookup(us_irqfds,
                                                   GINT_TO_POINTER(fd))
                             : NULL;

    if (irqfd && irqfd->virq == virq) {
        main_loop_set_fd_handler(fd, NULL, NULL, NULL);
        g_hash_table_remove(us_irqfds, GINT_TO_POINTER(fd));
    }
}

/* ioeventfds, checked on every dispatched write (so keep it cheap). */
typedef struct IoEventFd {
    bool is_pio;
    hwaddr addr;
    unsigned size;              /* 0 matches any size */
    bool match_data;
    uint64_t data;
    int fd;
} IoEventFd;

static GArray *us_ioeventfds;
static unsigned us_ioeventfd_count;   /* fast path: skip when 0 */

static bool ioeventfd_same(const IoEventFd *e, bool is_pio, hwaddr addr,
                           unsigned size, bool match_data, uint64_t data,
                           int fd)
{
    return e->is_pio == is_pio && e->addr == addr && e->size == size &&
           e->match_data == match_data && (!match_data || e->data == data) &&
           e->fd == fd;
}

static bool us_add_ioeventfd(void *opaque, bool is_pio, hwaddr addr,
                             unsigned size, bool match_data, uint64_t data,
                             int fd, Error **errp)
{
    IoEventFd e = {
        .is_pio = is_pio, .addr = addr, .size = size,
        .match_data = match_data, .data = data, .fd = fd,
    };

    if (size != 0 && size != 1 && size != 2 && size != 4 && size != 8) {
        error_setg(errp, "ioeventfd: invalid size %u", size);
        return false;
    }
    if (!us_ioeventfds) {
        us_ioeventfds = g_array_new(false, true, sizeof(IoEventFd));
    }
    for (guint i = 0; i < us_ioeventfds->len; i++) {
        IoEventFd *o = &g_array_index(us_ioeventfds, IoEventFd, i);
        if (ioeventfd_same(o, is_pio, addr, size, match_data, data, fd)) {
            error_setg(errp, "ioeventfd: already registered");
            return false;
        }
    }
    g_array_append_val(us_ioeventfds, e);
    __atomic_store_n(&us_ioeventfd_count, us_ioeventfds->len,
                     __ATOMIC_RELEASE);
    return true;
}

static void us_del_ioeventfd(void *opaque, bool is_pio, hwaddr addr,
                             unsigned size, bool match_data, uint64_t data,
                             int fd)
{
    for (guint i = 0; us_ioeventfds && i < us_ioeventfds->len; i++) {
        IoEventFd *o = &g_array_index(us_ioeventfds, IoEventFd, i);
        if (ioeventfd_same(o, is_pio, addr, size, match_data, data, fd)) {
            g_array_remove_index(us_ioeventfds, i);
            break;
        }
    }
    __atomic_store_n(&us_ioeventfd_count,
                     us_ioeventfds ? us_ioeventfds->len : 0,
                     __ATOMIC_RELEASE);
}

bool ioeventfd_check(bool is_pio, hwaddr addr, unsigned size, uint64_t data)
{
    if (likely(__atomic_load_n(&us_ioeventfd_count, __ATOMIC_ACQUIRE) == 0)) {
        return false;
    }
    for (guint i = 0; i < us_ioeventfds->len; i++) {
        IoEventFd *e = &g_array_index(us_ioeventfds, IoEventFd, i);
        if (e->is_pio == is_pio && e->addr == addr &&
            (e->size == 0 || e->size == size) &&
            (!e->match_data || e->data == data)) {
            uint64_t one = 1;
            if (write(e->fd, &one, sizeof(one)) != sizeof(one) &&
                errno != EAGAIN) {
                kemu_log_mask(LOG_GUEST_ERROR, "ioeventfd %d: write failed: "
                              "%s\n", e->fd, strerror(errno));
            }
            return true;
        }
    }
    return false;
}

const IrqBackend irq_userspace_backend = {
    .name = "userspace",
    .set_gsi = us_set_gsi,
    .send_msi = us_send_msi,
    .add_msi_route = us_add_msi_route,
    .update_msi_route = us_update_msi_route,
    .release_route = us_release_route,
    .add_irqfd = us_add_irqfd,
    .remove_irqfd = us_remove_irqfd,
    .add_ioeventfd = us_add_ioeventfd,
    .del_ioeventfd = us_del_ioeventfd,
};
