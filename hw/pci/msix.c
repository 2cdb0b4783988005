/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MSI-X (PCI Local Bus Specification 3.0, 6.8.2): a table of
 * (address, data, vector control) entries and a pending-bit array, both
 * in memory BARs; the capability holds the enable and function-mask
 * bits. A masked vector's message is remembered as pending and sent when
 * it is unmasked.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "hw/pci/pci.h"
#include "hw/pci/pci_internal.h"
#include "sysemu/interrupts.h"

static uint16_t msix_flags(const PCIDevice *d)
{
    return pci_get_word(d->config + d->msix_cap + PCI_MSIX_FLAGS);
}

bool msix_enabled(const PCIDevice *d)
{
    return d->msix_cap && (msix_flags(d) & PCI_MSIX_FLAGS_ENABLE);
}

static bool msix_function_masked(const PCIDevice *d)
{
    return msix_flags(d) & PCI_MSIX_FLAGS_MASKALL;
}

static uint8_t *msix_entry(PCIDevice *d, unsigned vector)
{
    return d->msix_table + vector * PCI_MSIX_ENTRY_SIZE;
}

static bool msix_vector_masked(PCIDevice *d, unsigned vector)
{
    return pci_get_long(msix_entry(d, vector) + PCI_MSIX_ENTRY_VECTOR_CTRL) &
           PCI_MSIX_ENTRY_CTRL_MASKBIT;
}

bool msix_is_masked(PCIDevice *d, unsigned vector)
{
    return msix_function_masked(d) || msix_vector_masked(d, vector);
}

static bool msix_pending(PCIDevice *d, unsigned vector)
{
    return d->msix_pba[vector / 8] & (1u << (vector % 8));
}

static void msix_set_pending(PCIDevice *d, unsigned vector, bool on)
{
    if (on) {
        d->msix_pba[vector / 8] |= 1u << (vector % 8);
    } else {
        d->msix_pba[vector / 8] &= ~(1u << (vector % 8));
    }
}

void msix_get_message(PCIDevice *d, unsigned vector, uint64_t *addr,
                      uint32_t *data)
{
    uint8_t *e = msix_entry(d, vector);

    *addr = pci_get_quad(e + PCI_MSIX_ENTRY_LOWER_ADDR);
    *data = pci_get_long(e + PCI_MSIX_ENTRY_DATA);
}

void msix_notify(PCIDevice *d, unsigned vector)
{
    uint64_t addr;
    uint32_t data;

    if (!msix_enabled(d) || vector >= d->msix_entries_nr) {
        return;
    }
    if (msix_is_masked(d, vector)) {
        msix_set_pending(d, vector, true);
        return;
    }
    msix_get_message(d, vector, &addr, &data);
    msi_send_message(addr, data);
}

/* A vector may have become unmasked: deliver what was held back. */
static void msix_handle_unmask(PCIDevice *d, unsigned vector)
{
    if (msix_enabled(d) && !msix_is_masked(d, vector) &&
        msix_pending(d, vector)) {
        msix_set_pending(d, vector, false);
        msix_notify(d, vector);
    }
}

static uint64_t msix_table_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIDevice *d = opaque;

    return pci_get_long(d->msix_table + (addr & ~3));
}

static void msix_table_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    PCIDevice *d = opaque;
    unsigned vector = addr / PCI_MSIX_ENTRY_SIZE;
    bool was_masked = msix_is_masked(d, vector);

    pci_set_long(d->msix_table + (addr & ~3), val);
    if (d->msix_vector_changed) {
        d->msix_vector_changed(d, vector);
    }
    if (was_masked) {
        msix_handle_unmask(d, vector);
    }
}

static const MemoryRegionOps msix_table_ops = {
    .read = msix_table_read,
    .write = msix_table_write,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static uint64_t msix_pba_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIDevice *d = opaque;

    return pci_get_long(d->msix_pba + (addr & ~3));
}

static void msix_pba_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    kemu_log_mask(LOG_GUEST_ERROR, "msix: write to the read-only PBA\n");
}

static const MemoryRegionOps msix_pba_ops = {
    .read = msix_pba_read,
    .write = msix_pba_write,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

void msix_write_config(PCIDevice *d, uint32_t addr, uint32_t val, int len,
                       uint16_t old_flags)
{
    uint16_t flags = msix_flags(d);
    bool was_active = (old_flags & PCI_MSIX_FLAGS_ENABLE) &&
                      !(old_flags & PCI_MSIX_FLAGS_MASKALL);
    bool active = (flags & PCI_MSIX_FLAGS_ENABLE) &&
                  !(flags & PCI_MSIX_FLAGS_MASKALL);

    if (old_flags == flags) {
        return;
    }
    if (active && !was_active) {
        for (unsigned v = 0; v < d->msix_entries_nr; v++) {
            msix_handle_unmask(d, v);
        }
    }
}

void msix_reset(PCIDevice *d)
{
    if (!d->msix_cap) {
        return;
    }
    pci_set_word(d->config + d->msix_cap + PCI_MSIX_FLAGS,
                 msix_flags(d) & ~(PCI_MSIX_FLAGS_ENABLE |
                                   PCI_MSIX_FLAGS_MASKALL));
    memset(d->msix_table, 0, d->msix_entries_nr * PCI_MSIX_ENTRY_SIZE);
    for (unsigned v = 0; v < d->msix_entries_nr; v++) {
        pci_set_long(msix_entry(d, v) + PCI_MSIX_ENTRY_VECTOR_CTRL,
                     PCI_MSIX_ENTRY_CTRL_MASKBIT);
    }
    memset(d->msix_pba, 0, DIV_ROUND_UP(d->msix_entries_nr, 64) * 8);
}

int msix_init(PCIDevice *d, unsigned short nentries,
              MemoryRegion *table_bar, uint8_t table_bar_nr,
              uint32_t table_offset, MemoryRegion *pba_bar,
              uint8_t pba_bar_nr, uint32_t pba_offset, uint8_t cap_pos,
              Error **errp)
{
    unsigned table_size = nentries * PCI_MSIX_ENTRY_SIZE;
    unsigned pba_size = DIV_ROUND_UP(nentries, 64) * 8;
    uint8_t cap;

    if (!nentries || nentries > 2048 || table_bar_nr >= PCI_NUM_BARS ||
        pba_bar_nr >= PCI_NUM_BARS || (table_offset & 7) ||
        (pba_offset & 7) ||
        table_offset + table_size > memory_region_size(table_bar) ||
        pba_offset + pba_size > memory_region_size(pba_bar)) {
        error_setg(errp, "%s: bad MSI-X table/PBA layout", d->name);
        return -1;
    }
    cap = pci_add_capability(d, PCI_CAP_ID_MSIX, cap_pos, PCI_MSIX_CAP_SIZE,
                             errp);
    if (!cap) {
        return -1;
    }
    d->msix_cap = cap;
    d->msix_entries_nr = nentries;
    d->msix_table = g_malloc0(table_size);
    d->msix_pba = g_malloc0(pba_size);
    d->msix_table_bar = table_bar;
    d->msix_pba_bar = pba_bar;
    pci_set_word(d->config + cap + PCI_MSIX_FLAGS, nentries - 1);
    pci_set_long(d->config + cap + PCI_MSIX_TABLE,
                 table_offset | table_bar_nr);
    pci_set_long(d->config + cap + PCI_MSIX_PBA, pba_offset | pba_bar_nr);
    d->wmask[cap + PCI_MSIX_FLAGS + 1] =
        (PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL) >> 8;
    msix_reset(d);

    memory_region_init_io(&d->msix_table_mmio, OBJECT(d), &msix_table_ops, d,
                          "msix-table", table_size);
    memory_region_add_subregion(table_bar, table_offset, &d->msix_table_mmio);
    memory_region_init_io(&d->msix_pba_mmio, OBJECT(d), &msix_pba_ops, d,
                          "msix-pba", pba_size);
    memory_region_add_subregion(pba_bar, pba_offset, &d->msix_pba_mmio);
    return 0;
}

void msix_uninit(PCIDevice *d)
{
    if (!d->msix_cap) {
        return;
    }
    pci_del_capability(d, PCI_CAP_ID_MSIX, PCI_MSIX_CAP_SIZE);
    d->msix_cap = 0;
    memory_region_del_subregion(d->msix_table_bar, &d->msix_table_mmio);
    memory_region_del_subregion(d->msix_pba_bar, &d->msix_pba_mmio);
    memory_region_destroy(&d->msix_table_mmio);
    memory_region_destroy(&d->msix_pba_mmio);
    g_free(d->msix_table);
    g_free(d->msix_pba);
    d->msix_table = d->msix_pba = NULL;
    d->msix_entries_nr = 0;
}

int msix_init_exclusive_bar(PCIDevice *d, unsigned short nentries,
                            uint8_t bar_nr, Error **errp)
{
    unsigned table_size = nentries * PCI_MSIX_ENTRY_SIZE;
    uint64_t half = 2048;
    MemoryRegion *bar;
    char *name;

    while (half < table_size) {
        half <<= 1;
    }
    bar = g_new0(MemoryRegion, 1);
    name = g_strdup_printf("%s-msix", d->name);
    memory_region_init(bar, OBJECT(d), name, half * 2);
    g_free(name);
    if (msix_init(d, nentries, bar, bar_nr, 0, bar, bar_nr, half, 0,
                  errp) < 0) {
        memory_region_destroy(bar);
        g_free(bar);
        return -1;
    }
    d->msix_exclusive_bar = bar;
    pci_register_bar(d, bar_nr, PCI_BASE_ADDRESS_SPACE_MEMORY, bar);
    return 0;
}

void msix_uninit_exclusive_bar(PCIDevice *d)
{
    MemoryRegion *bar = d->msix_exclusive_bar;

    msix_uninit(d);
    if (bar) {
        memory_region_destroy(bar);
        g_free(bar);
        d->msix_exclusive_bar = NULL;
    }
}
