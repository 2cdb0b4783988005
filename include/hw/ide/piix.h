/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The PIIX3 IDE function (hw/ide/piix-ide.c). */
#ifndef KEMU_HW_IDE_PIIX_H
#define KEMU_HW_IDE_PIIX_H

#include "hw/pci/pci.h"

#define TYPE_PIIX3_IDE "piix3-ide"

/* Plugs an ide-hd or ide-cd into the function's channels for each
 * -drive if=ide (-hda..-hdd, -cdrom) at bus 0..1, unit 0..1. */
bool piix3_ide_attach_drives(PCIDevice *pd, Error **errp);

#endif
