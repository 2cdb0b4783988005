/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Hooks between the PCI core and its MSI/MSI-X parts (hw/pci only). */
#ifndef KEMU_PCI_INTERNAL_H
#define KEMU_PCI_INTERNAL_H

#include "hw/pci/pci.h"

void msi_write_config(PCIDevice *d, uint32_t addr, uint32_t val, int len);
void msi_reset(PCIDevice *d);
void msix_write_config(PCIDevice *d, uint32_t addr, uint32_t val, int len,
                       uint16_t old_flags);

#endif
