/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading kernel, initrd and firmware images from the host. */
#include "util/osdep.h"
#include "hw/loader.h"
#include "config-host.h"

bool load_image_file(const char *what, const char *path, uint8_t **data,
                     size_t *len, Error **errp)
{
    GError *gerr = NULL;
    gchar *buf;
    gsize n;

    if (!g_file_get_contents(path, &buf, &n, &gerr)) {
        /* GLib's message has its own wording; QEMU's is strerror's. */
        int e = access(path, R_OK) < 0 ? errno : 0;
        error_setg(errp, "could not load %s '%s': %s", what, path,
                   e ? strerror(e) : gerr->message);
        g_error_free(gerr);
        return false;
    }
    *data = (uint8_t *)buf;
    *len = n;
    return true;
}

bool load_initrd_file(const char *path, uint8_t **data, size_t *len,
                      Error **errp)
{
    return load_image_file("initrd", path, data, len, errp);
}

char *firmware_find(const char *name)
{
    const char *dirs[] = {
        KEMU_BUILD_DIR "/pc-bios",
        KEMU_SOURCE_DIR "/pc-bios",
        KEMU_DATADIR,
        "/usr/share/seabios",
        "/usr/share/qemu",
    };

    /* A path that exists is taken as it is, like QEMU does. */
    if (g_file_test(name, G_FILE_TEST_IS_REGULAR)) {
        return g_strdup(name);
    }
    if (strchr(name, '/')) {
        return NULL;
    }
    for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
        char *p = g_build_filename(dirs[i], name, NULL);
        if (g_file_test(p, G_FILE_TEST_IS_REGULAR)) {
            return p;
        }
        g_free(p);
    }
    return NULL;
}

static GPtrArray *roms;

void rom_register(const char *name, uint64_t addr, uint64_t size,
                  bool is_rom)
{
    RomEntry *r = g_new0(RomEntry, 1);

    r->name = g_strdup(name);
    r->addr = addr;
    r->size = size;
    r->is_rom = is_rom;
    g_ptr_array_add(rom_list(), r);
}

GPtrArray *rom_list(void)
{
    if (!roms) {
        roms = g_ptr_array_new();
    }
    return roms;
}
