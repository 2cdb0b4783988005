/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The console layer: what display devices and front ends (screendump,
 * VNC, SDL) share.
 *
 * A display device creates one graphic console per head and renders into
 * the console's DisplaySurface (a pixman image, always x8r8g8b8) when
 * asked through its GraphicHwOps.gfx_update, reporting the rectangles it
 * changed with dpy_gfx_update(). Front ends register a
 * DisplayChangeListener on a console: they are told about new surfaces
 * (mode changes) and changed rectangles, and a refresh timer asks the
 * device for updates while any listener exists. A device never knows who
 * watches; a front end never reads device state.
 */
#ifndef KEMU_UI_CONSOLE_H
#define KEMU_UI_CONSOLE_H

#include "util/osdep.h"
#include "util/error.h"
#include <pixman.h>

typedef struct DeviceState DeviceState;

typedef struct DisplaySurface {
    pixman_image_t *image;
} DisplaySurface;

static inline int surface_width(const DisplaySurface *s)
{
    return pixman_image_get_width(s->image);
}
static inline int surface_height(const DisplaySurface *s)
{
    return pixman_image_get_height(s->image);
}
static inline int surface_stride(const DisplaySurface *s)
{
    return pixman_image_get_stride(s->image);
}
static inline uint8_t *surface_data(const DisplaySurface *s)
{
    return (uint8_t *)pixman_image_get_data(s->image);
}

/* A black w x h surface (sizes clamped to 1..16384). */
DisplaySurface *qemu_create_displaysurface(int w, int h);
void qemu_free_displaysurface(DisplaySurface *s);

typedef struct GraphicHwOps {
    /* Render what changed since the last call into the surface. */
    void (*gfx_update)(void *opaque);
    /* The next gfx_update redraws everything. */
    void (*invalidate)(void *opaque);
} GraphicHwOps;

typedef struct QemuConsole QemuConsole;

typedef struct DisplayChangeListener DisplayChangeListener;
typedef struct DisplayChangeListenerOps {
    const char *name;
    /* The console has a new surface (mode change): redraw everything. */
    void (*dpy_gfx_switch)(DisplayChangeListener *dcl,
                           DisplaySurface *surface);
    /* A rectangle of the current surface changed. */
    void (*dpy_gfx_update)(DisplayChangeListener *dcl,
                           int x, int y, int w, int h);
    /* Called by the refresh timer after the device updated. */
    void (*dpy_refresh)(DisplayChangeListener *dcl);
} DisplayChangeListenerOps;

struct DisplayChangeListener {
    const DisplayChangeListenerOps *ops;
    QemuConsole *con;           /* NULL: the first graphic console */
    int64_t update_interval_ms; /* 0: the default (30 ms) */
};

/* ---- for display devices ---- */
QemuConsole *graphic_console_init(DeviceState *dev, uint32_t head,
                                  const GraphicHwOps *ops, void *opaque);
void graphic_console_close(QemuConsole *con);
/* Gives the console a w x h surface unless it already has that size;
 * listeners are told. */
void qemu_console_resize(QemuConsole *con, int w, int h);
DisplaySurface *qemu_console_surface(QemuConsole *con);
void dpy_gfx_update(QemuConsole *con, int x, int y, int w, int h);
void dpy_gfx_update_full(QemuConsole *con);

/* ---- for front ends and the monitor ---- */
QemuConsole *qemu_console_lookup_by_index(unsigned index);
/* Head 'head' of the device with id (or QOM path) 'id'. */
QemuConsole *qemu_console_lookup_by_device_name(const char *id,
                                                uint32_t head, Error **errp);
DeviceState *qemu_console_device(QemuConsole *con);
uint32_t qemu_console_head(QemuConsole *con);
unsigned qemu_console_index(QemuConsole *con);
/* Asks the device to bring the surface up to date. */
void graphic_hw_update(QemuConsole *con);
void graphic_hw_invalidate(QemuConsole *con);

void register_displaychangelistener(DisplayChangeListener *dcl);
void unregister_displaychangelistener(DisplayChangeListener *dcl);

/* Writes the console's picture to a file as PPM ("ppm") or PNG ("png"). */
bool qemu_console_screendump(QemuConsole *con, const char *filename,
                             const char *format, Error **errp);

#endif
