/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graphic consoles: one per display head, each with the surface its
 * device renders into and the front ends listening to it. A refresh timer
 * on the realtime clock runs while any listener exists, so a machine
 * nobody watches renders nothing.
 */
#include "ui/console.h"
#include "hw/qdev.h"
#include "util/timer.h"

#define REFRESH_DEFAULT_MS 30
#define SURFACE_MAX 16384

struct QemuConsole {
    unsigned index;
    DeviceState *dev;
    uint32_t head;
    const GraphicHwOps *ops;
    void *opaque;
    DisplaySurface *surface;
    GPtrArray *listeners;       /* DisplayChangeListener* */
    Timer *refresh;
};

static GPtrArray *consoles;     /* QemuConsole*, creation order */

DisplaySurface *qemu_create_displaysurface(int w, int h)
{
    DisplaySurface *s = g_new0(DisplaySurface, 1);

    w = CLAMP(w, 1, SURFACE_MAX);
    h = CLAMP(h, 1, SURFACE_MAX);
    /* pixman allocates and zeroes the pixels itself. */
    s->image = pixman_image_create_bits(PIXMAN_x8r8g8b8, w, h, NULL, 0);
    g_assert(s->image);
    return s;
}

void qemu_free_displaysurface(DisplaySurface *s)
{
    if (s) {
        pixman_image_unref(s->image);
        g_free(s);
    }
}

static void console_refresh(void *opaque)
{
    QemuConsole *con = opaque;
    int64_t interval = REFRESH_DEFAULT_MS;

    graphic_hw_update(con);
    for (guint i = 0; i < con->listeners->len; i++) {
        DisplayChangeListener *dcl = con->listeners->pdata[i];
        if (dcl->ops->dpy_refresh) {
            dcl->ops->dpy_refresh(dcl);
        }
        if (dcl->update_interval_ms > 0) {
            interval = MIN(interval, dcl->update_interval_ms);
        }
    }
    if (con->listeners->len) {
        timer_mod_ns(con->refresh, clock_get_ns(KEMU_CLOCK_REALTIME) +
                     interval * 1000000);
    }
}

QemuConsole *graphic_console_init(DeviceState *dev, uint32_t head,
                                  const GraphicHwOps *ops, void *opaque)
{
    QemuConsole *con = g_new0(QemuConsole, 1);

    if (!consoles) {
        consoles = g_ptr_array_new();
    }
    con->index = consoles->len;
    con->dev = dev;
    con->head = head;
    con->ops = ops;
    con->opaque = opaque;
    /* QEMU shows an unprogrammed card as a black 640x480 screen. */
    con->surface = qemu_create_displaysurface(640, 480);
    con->listeners = g_ptr_array_new();
    con->refresh = timer_new_ns(KEMU_CLOCK_REALTIME, console_refresh, con);
    g_ptr_array_add(consoles, con);
    return con;
}

void graphic_console_close(QemuConsole *con)
{
    if (!con) {
        return;
    }
    /* Listeners of a vanished device fall back to no console. */
    while (con->listeners->len) {
        DisplayChangeListener *dcl = con->listeners->pdata[0];
        g_ptr_array_remove_index(con->listeners, 0);
        dcl->con = NULL;
    }
    timer_free(con->refresh);
    g_ptr_array_remove(consoles, con);
    for (guint i = 0; i < consoles->len; i++) {
        ((QemuConsole *)consoles->pdata[i])->index = i;
    }
    g_ptr_array_free(con->listeners, true);
    qemu_free_displaysurface(con->surface);
    g_free(con);
}

DisplaySurface *qemu_console_surface(QemuConsole *con)
{
    return con->surface;
}

void qemu_console_resize(QemuConsole *con, int w, int h)
{
    DisplaySurface *old = con->surface;

    if (surface_width(old) == w && surface_height(old) == h) {
        return;
    }
    con->surface = qemu_create_displaysurface(w, h);
    for (guint i = 0; i < con->listeners->len; i++) {
        DisplayChangeListener *dcl = con->listeners->pdata[i];
        if (dcl->ops->dpy_gfx_switch) {
            dcl->ops->dpy_gfx_switch(dcl, con->surface);
        }
    }
    qemu_free_displaysurface(old);
}

void dpy_gfx_update(QemuConsole *con, int x, int y, int w, int h)
{
    int sw = surface_width(con->surface), sh = surface_height(con->surface);

    /* Clip: a device's arithmetic must never send a front end outside. */
    x = CLAMP(x, 0, sw);
    y = CLAMP(y, 0, sh);
    w = CLAMP(w, 0, sw - x);
    h = CLAMP(h, 0, sh - y);
    if (!w || !h) {
        return;
    }
    for (guint i = 0; i < con->listeners->len; i++) {
        DisplayChangeListener *dcl = con->listeners->pdata[i];
        if (dcl->ops->dpy_gfx_update) {
            dcl->ops->dpy_gfx_update(dcl, x, y, w, h);
        }
    }
}

void dpy_gfx_update_full(QemuConsole *con)
{
    dpy_gfx_update(con, 0, 0, surface_width(con->surface),
                   surface_height(con->surface));
}

QemuConsole *qemu_console_lookup_by_index(unsigned index)
{
    return consoles && index < consoles->len ? consoles->pdata[index] : NULL;
}

QemuConsole *qemu_console_lookup_by_device_name(const char *id,
                                                uint32_t head, Error **errp)
{
    g_autofree char *path = g_strdup_printf("/machine/peripheral/%s", id);
    Object *obj = object_resolve_path(path, NULL);
    DeviceState *dev;

    if (!obj) {
        obj = object_resolve_path(id, NULL);
    }
    dev = obj ? (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE) : NULL;
    if (!dev) {
        error_setg(errp, "Device '%s' not found", id);
        return NULL;
    }
    for (guint i = 0; consoles && i < consoles->len; i++) {
        QemuConsole *con = consoles->pdata[i];
        if (con->dev == dev && con->head == head) {
            return con;
        }
    }
    error_setg(errp, "Device %s (head %" PRIu32 ") is not a graphic console",
               id, head);
    return NULL;
}

DeviceState *qemu_console_device(QemuConsole *con)
{
    return con->dev;
}

uint32_t qemu_console_head(QemuConsole *con)
{
    return con->head;
}

unsigned qemu_console_index(QemuConsole *con)
{
    return con->index;
}

void graphic_hw_update(QemuConsole *con)
{
    if (con && con->ops && con->ops->gfx_update) {
        con->ops->gfx_update(con->opaque);
    }
}

void graphic_hw_invalidate(QemuConsole *con)
{
    if (con && con->ops && con->ops->invalidate) {
        con->ops->invalidate(con->opaque);
    }
}

void register_displaychangelistener(DisplayChangeListener *dcl)
{
    QemuConsole *con = dcl->con ? dcl->con : qemu_console_lookup_by_index(0);

    dcl->con = con;
    if (!con) {
        return;
    }
    g_ptr_array_add(con->listeners, dcl);
    graphic_hw_invalidate(con);
    if (dcl->ops->dpy_gfx_switch) {
        dcl->ops->dpy_gfx_switch(dcl, con->surface);
    }
    if (!timer_pending(con->refresh)) {
        timer_mod_ns(con->refresh, clock_get_ns(KEMU_CLOCK_REALTIME));
    }
}

void unregister_displaychangelistener(DisplayChangeListener *dcl)
{
    QemuConsole *con = dcl->con;

    if (!con) {
        return;
    }
    g_ptr_array_remove(con->listeners, dcl);
    if (!con->listeners->len) {
        timer_del(con->refresh);
    }
    dcl->con = NULL;
}
