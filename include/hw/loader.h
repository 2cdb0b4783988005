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

#endif
