/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading images (kernels, initrds, firmware) from the host. */
#ifndef KEMU_LOADER_H
#define KEMU_LOADER_H

#include "util/error.h"

/*
 * Reads a whole file. Errors read "could not load <what> '<path>': <why>"
 * (QEMU's wording for kernels: what = "kernel").
 */
bool load_image_file(const char *what, const char *path, uint8_t **data,
                     size_t *len, Error **errp);
/* load_image_file for initrds/modules, in X86BootInput's read_file shape. */
bool load_initrd_file(const char *path, uint8_t **data, size_t *len,
                      Error **errp);

/*
 * Finds a firmware file: a path with a '/' is taken as is; a bare name is
 * looked up in the build's pc-bios/, the install data dir, then
 * /usr/share/seabios, /usr/share/qemu. Returns a new string or NULL.
 */
char *firmware_find(const char *name);

/*
 * What "info roms" lists: every image the machine placed in guest memory
 * (firmware ROM, kernel blobs, ACPI tables), in registration order.
 */
typedef struct RomEntry {
    char *name;         /* file path, or a table name like "etc/acpi/rsdp" */
    uint64_t addr;
    uint64_t size;
    bool is_rom;        /* mapped as ROM; false: copied into RAM */
} RomEntry;

void rom_register(const char *name, uint64_t addr, uint64_t size,
                  bool is_rom);
/* The registered images (RomEntry *), owned by the loader. */
GPtrArray *rom_list(void);

#endif
