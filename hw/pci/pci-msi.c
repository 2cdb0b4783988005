/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI capability list management and the MSI capability (PCI Local Bus
 * Specification 3.0, 6.7 and 6.8.1). Messages leave through
 * msi_send_message(), which the active interrupt backend delivers.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "hw/pci/pci.h"
#include "hw/pci/pci_internal.h"
#include "sysemu/interrupts.h"

/* ---- Capability list ---- */

static uint8_t pci_find_space(PCIDevice *d, uint8_t size)
{
    for (unsigned off = 0x40; off + size <= PCI_CONFIG_SPACE_SIZE; off += 4) {
        bool free = true;
        for (unsigned i = 0; i < size && free; i++) {
            free = !d->used[off + i];
        }
        if (free) {
            return off;
        }
    }
    return 0;
}

uint8_t pci_add_capability(PCIDevice *d, uint8_t cap_id, uint8_t offset,
                           uint8_t size, Error **errp)
{
    if (!offset) {
        offset = pci_find_space(d, size);
        if (!offset) {
            error_setg(errp, "%s: no space for capability 0x%x", d->name,
                       cap_id);
            return 0;
        }
    } else {
        if (offset < 0x40 || (offset & 3) ||
            offset + size > PCI_CONFIG_SPACE_SIZE) {
            error_setg(errp, "%s: bad offset 0x%x for capability 0x%x",
                       d->name, offset, cap_id);
            return 0;
        }
        for (unsigned i = 0; i < size; i++) {
            if (d->used[offset + i]) {
                error_setg(errp, "%s: capability 0x%x at 0x%x overlaps "
                           "another one", d->name, cap_id, offset);
                return 0;
            }
        }
    }
    d->config[offset + PCI_CAP_LIST_ID] = cap_id;
    d->config[offset + PCI_CAP_LIST_NEXT] = d->config[PCI_CAPABILITY_LIST];
    d->config[PCI_CAPABILITY_LIST] = offset;
    pci_set_word(d->config + PCI_STATUS,
                 pci_get_word(d->config + PCI_STATUS) | PCI_STATUS_CAP_LIST);
    memset(d->used + offset, 0xff, size);
    memset(d->wmask + offset, 0, size);
    memset(d->w1cmask + offset, 0, size);
    return offset;
}

/* Offset of the byte that points at 'cap', so it can be unlinked. */
static uint8_t pci_find_prev(PCIDevice *d, uint8_t cap_id, uint8_t *prevp)
{
    uint8_t prev = PCI_CAPABILITY_LIST;
    unsigned guard = 0;

    if (!(pci_get_word(d->config + PCI_STATUS) & PCI_STATUS_CAP_LIST)) {
        return 0;
    }
    for (uint8_t off = d->config[prev]; off && guard < 48; guard++) {
        if (d->config[off + PCI_CAP_LIST_ID] == cap_id) {
            if (prevp) {
                *prevp = prev;
            }
            return off;
        }
        prev = off + PCI_CAP_LIST_NEXT;
        off = d->config[prev];
    }
    return 0;
}

uint8_t pci_find_capability(PCIDevice *d, uint8_t cap_id)
{
    return pci_find_prev(d, cap_id, NULL);
}

void pci_del_capability(PCIDevice *d, uint8_t cap_id, uint8_t size)
{
    uint8_t prev = 0;
    uint8_t off = pci_find_prev(d, cap_id, &prev);

    if (!off) {
        return;
    }
    d->config[prev] = d->config[off + PCI_CAP_LIST_NEXT];
    memset(d->config + off, 0, size);
    memset(d->wmask + off, 0, size);
    memset(d->w1cmask + off, 0, size);
    memset(d->used + off, 0, size);
    if (!d->config[PCI_CAPABILITY_LIST]) {
        pci_set_word(d->config + PCI_STATUS,
                     pci_get_word(d->config + PCI_STATUS) &
                     ~PCI_STATUS_CAP_LIST);
    }
}

/* ---- MSI ---- */

static uint16_t msi_flags(const PCIDevice *d)
{
    return pci_get_word(d->config + d->msi_cap + PCI_MSI_FLAGS);
}

static bool msi_64bit(const PCIDevice *d)
{
    return msi_flags(d) & PCI_MSI_FLAGS_64BIT;
}

static unsigned msi_mask_off(const PCIDevice *d)
{
    return d->msi_cap + (msi_64bit(d) ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32);
}

static unsigned msi_cap_size(uint16_t flags)
{
    unsigned size = (flags & PCI_MSI_FLAGS_64BIT) ? 0x0e : 0x0a;

    if (flags & PCI_MSI_FLAGS_MASKBIT) {
        size += 0x0a;
    }
    return size;
}

int msi_init(PCIDevice *d, uint8_t offset, unsigned nr_vectors,
             bool msi64bit, bool per_vector_mask, Error **errp)
{
    unsigned log2 = 0;
    uint16_t flags;
    uint8_t cap;

    if (!nr_vectors || nr_vectors > 32 || (nr_vectors & (nr_vectors - 1))) {
        error_setg(errp, "%s: MSI vector count %u invalid", d->name,
                   nr_vectors);
        return 0;
    }
    while ((1u << log2) < nr_vectors) {
        log2++;
    }
    flags = log2 << 1;
    if (msi64bit) {
        flags |= PCI_MSI_FLAGS_64BIT;
    }
    if (per_vector_mask) {
        flags |= PCI_MSI_FLAGS_MASKBIT;
    }
    cap = pci_add_capability(d, PCI_CAP_ID_MSI, offset, msi_cap_size(flags),
                             errp);
    if (!cap) {
        return 0;
    }
    d->msi_cap = cap;
    pci_set_word(d->config + cap + PCI_MSI_FLAGS, flags);
    pci_set_word(d->wmask + cap + PCI_MSI_FLAGS,
                 PCI_MSI_FLAGS_QSIZE | PCI_MSI_FLAGS_ENABLE);
    pci_set_long(d->wmask + cap + PCI_MSI_ADDRESS_LO, 0xfffffffc);
    if (msi64bit) {
        pci_set_long(d->wmask + cap + PCI_MSI_ADDRESS_HI, 0xffffffff);
    }
    pci_set_word(d->wmask + cap + (msi64bit ? PCI_MSI_DATA_64
                                            : PCI_MSI_DATA_32), 0xffff);
    if (per_vector_mask) {
        pci_set_long(d->wmask + msi_mask_off(d),
                     nr_vectors == 32 ? 0xffffffff : (1u << nr_vectors) - 1);
    }
    return cap;
}

void msi_uninit(PCIDevice *d)
{
    if (!d->msi_cap) {
        return;
    }
    pci_del_capability(d, PCI_CAP_ID_MSI, msi_cap_size(msi_flags(d)));
    d->msi_cap = 0;
}

bool msi_enabled(const PCIDevice *d)
{
    return d->msi_cap && (msi_flags(d) & PCI_MSI_FLAGS_ENABLE);
}

unsigned msi_nr_vectors_allocated(const PCIDevice *d)
{
    return d->msi_cap ? 1u << ((msi_flags(d) & PCI_MSI_FLAGS_QMASK) >> 1) : 0;
}

static unsigned msi_nr_vectors_enabled(const PCIDevice *d)
{
    return 1u << ((msi_flags(d) & PCI_MSI_FLAGS_QSIZE) >> 4);
}

void msi_get_message(PCIDevice *d, unsigned vector, uint64_t *addr,
                     uint32_t *data)
{
    uint8_t *c = d->config + d->msi_cap;
    unsigned n = msi_nr_vectors_enabled(d);
    uint16_t base;

    if (msi_64bit(d)) {
        *addr = pci_get_quad(c + PCI_MSI_ADDRESS_LO);
        base = pci_get_word(c + PCI_MSI_DATA_64);
    } else {
        *addr = pci_get_long(c + PCI_MSI_ADDRESS_LO);
        base = pci_get_word(c + PCI_MSI_DATA_32);
    }
    /* Multiple messages: the low bits of the data carry the vector. */
    *data = (base & ~(n - 1)) | (vector & (n - 1));
}

static bool msi_masked(PCIDevice *d, unsigned vector)
{
    if (!(msi_flags(d) & PCI_MSI_FLAGS_MASKBIT)) {
        return false;
    }
    return pci_get_long(d->config + msi_mask_off(d)) & (1u << vector);
}

static void msi_set_pending(PCIDevice *d, unsigned vector, bool on)
{
    unsigned off = msi_mask_off(d) + 4;
    uint32_t p = pci_get_long(d->config + off);

    p = on ? p | (1u << vector) : p & ~(1u << vector);
    pci_set_long(d->config + off, p);
}

void msi_notify(PCIDevice *d, unsigned vector)
{
    uint64_t addr;
    uint32_t data;

    if (!msi_enabled(d)) {
        return;
    }
    if (vector >= msi_nr_vectors_enabled(d)) {
        kemu_log_mask(LOG_GUEST_ERROR, "%s: MSI vector %u beyond the %u "
                      "enabled\n", d->name, vector, msi_nr_vectors_enabled(d));
        return;
    }
    if (msi_masked(d, vector)) {
        msi_set_pending(d, vector, true);
        return;
    }
    msi_get_message(d, vector, &addr, &data);
    msi_send_message(addr, data);
}

void msi_write_config(PCIDevice *d, uint32_t addr, uint32_t val, int len)
{
    uint16_t flags = msi_flags(d);
    unsigned cap = d->msi_cap;

    if (addr + len <= cap || addr >= cap + msi_cap_size(flags)) {
        return;
    }
    /* Enabling more vectors than allocated is a guest error: clamp. */
    if (((flags & PCI_MSI_FLAGS_QSIZE) >> 4) >
        ((flags & PCI_MSI_FLAGS_QMASK) >> 1)) {
        flags = (flags & ~PCI_MSI_FLAGS_QSIZE) |
                ((flags & PCI_MSI_FLAGS_QMASK) << 3);
        pci_set_word(d->config + cap + PCI_MSI_FLAGS, flags);
    }
    if (!msi_enabled(d) || !(flags & PCI_MSI_FLAGS_MASKBIT)) {
        return;
    }
    /* Unmasked vectors with a pending message fire now. */
    uint32_t pending = pci_get_long(d->config + msi_mask_off(d) + 4);
    for (unsigned v = 0; v < msi_nr_vectors_enabled(d); v++) {
        if ((pending & (1u << v)) && !msi_masked(d, v)) {
            msi_set_pending(d, v, false);
            msi_notify(d, v);
        }
    }
}

void msi_reset(PCIDevice *d)
{
    uint16_t flags = msi_flags(d);
    uint8_t *c = d->config + d->msi_cap;

    flags &= ~(PCI_MSI_FLAGS_QSIZE | PCI_MSI_FLAGS_ENABLE);
    pci_set_word(c + PCI_MSI_FLAGS, flags);
    pci_set_long(c + PCI_MSI_ADDRESS_LO, 0);
    if (flags & PCI_MSI_FLAGS_64BIT) {
        pci_set_long(c + PCI_MSI_ADDRESS_HI, 0);
        pci_set_word(c + PCI_MSI_DATA_64, 0);
    } else {
        pci_set_word(c + PCI_MSI_DATA_32, 0);
    }
    if (flags & PCI_MSI_FLAGS_MASKBIT) {
        pci_set_long(d->config + msi_mask_off(d), 0);
        pci_set_long(d->config + msi_mask_off(d) + 4, 0);
    }
}
