/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What firmware does to PCI before an OS runs, for direct kernel boot:
 * open the i440FX shadow segments, route PIRQA-D to IRQs 10,10,11,11
 * (level-triggered in the ELCR), place BARs and enable decoding, and
 * fill each function's Interrupt Line.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "hw/pci/pci.h"
#include "hw/pci-host/i440fx.h"
#include "hw/southbridge/piix.h"

#define ELCR_PORT 0x4d0

static const uint8_t pirq_irqs[PIIX_NUM_PIRQS] = { 10, 10, 11, 11 };

typedef struct BarReq {
    PCIDevice *dev;
    int bar;
    uint64_t size;
    bool io;
} BarReq;

static gint bar_cmp(gconstpointer a, gconstpointer b)
{
    const BarReq *x = a, *y = b;

    /* Largest first so natural alignment wastes little space. */
    if (x->size != y->size) {
        return x->size > y->size ? -1 : 1;
    }
    return x->dev->devfn - y->dev->devfn;
}

static void collect_bars(PCIBus *bus, PCIDevice *d, void *opaque)
{
    GArray *reqs = opaque;

    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        PCIIORegion *r = &d->io_regions[i];
        BarReq req = { d, i, r->size, r->type & PCI_BASE_ADDRESS_SPACE_IO };

        if (r->size) {
            g_array_append_val(reqs, req);
        }
    }
}

static void assign_bar(PCIBus *bus, BarReq *q, uint64_t *mem_next,
                       uint64_t *io_next)
{
    PCIDevice *d = q->dev;
    int off = q->bar == PCI_ROM_SLOT ? PCI_ROM_ADDRESS
                                     : PCI_BASE_ADDRESS_0 + q->bar * 4;
    uint64_t *next = q->io ? io_next : mem_next;
    uint64_t end = q->io ? bus->io_window_end : bus->mem_window_end;
    uint64_t addr = ROUND_UP(*next, q->size);

    if (addr + q->size > end || addr + q->size < addr) {
        kemu_log_mask(LOG_UNIMP, "pci: no room for %s BAR %d (0x%" PRIx64
                      " bytes)\n", d->name, q->bar, q->size);
        return;
    }
    *next = addr + q->size;
    if (q->bar == PCI_ROM_SLOT) {
        /* Assigned but left disabled, as firmware does once done. */
        pci_config_write(d, off, addr, 4);
    } else if (!q->io &&
               (d->io_regions[q->bar].type & PCI_BASE_ADDRESS_MEM_TYPE_64)) {
        pci_config_write(d, off, addr, 4);
        pci_config_write(d, off + 4, addr >> 32, 4);
    } else {
        pci_config_write(d, off, addr, 4);
    }
}

static void enable_and_route(PCIBus *bus, PCIDevice *d, void *opaque)
{
    PCIDevice *router = opaque;
    uint16_t cmd = pci_get_word(d->config + PCI_COMMAND);
    int pirq;

    for (int i = 0; i < PCI_NUM_BARS; i++) {
        PCIIORegion *r = &d->io_regions[i];
        if (r->size) {
            cmd |= (r->type & PCI_BASE_ADDRESS_SPACE_IO) ? PCI_COMMAND_IO
                                                         : PCI_COMMAND_MEMORY;
        }
    }
    if (cmd != pci_get_word(d->config + PCI_COMMAND)) {
        pci_config_write(d, PCI_COMMAND, cmd, 2);
    }
    /* Intel IDE (PIIX3): firmware turns on both channels' decode (IDETIM
     * bit 15), without which drivers leave the channels alone. */
    if (pci_get_word(d->config + PCI_VENDOR_ID) == 0x8086 &&
        pci_get_word(d->config + PCI_CLASS_DEVICE) == 0x0101) {
        pci_config_write(d, 0x40, 0x8000, 2);
        pci_config_write(d, 0x42, 0x8000, 2);
    }
    pirq = pci_intx_route(d);
    if (pirq >= 0 && pirq < PIIX_NUM_PIRQS && router) {
        pci_config_write(d, PCI_INTERRUPT_LINE,
                         router->config[PIIX_PIRQC + pirq] & 0x0f, 1);
    }
}

static void find_types(PCIBus *bus, PCIDevice *d, void *opaque)
{
    PCIDevice **found = opaque;

    if (object_dynamic_cast(OBJECT(d), TYPE_PIIX3_DEVICE)) {
        found[0] = d;
    } else if (object_dynamic_cast(OBJECT(d), TYPE_I440FX_PCI_DEVICE)) {
        found[1] = d;
    }
}

void pci_assign_bars_and_irqs(PCIBus *bus)
{
    PCIDevice *found[2] = { NULL, NULL };
    PCIDevice *piix3, *i440fx;
    GArray *reqs = g_array_new(false, false, sizeof(BarReq));
    uint64_t mem_next = bus->mem_window_start;
    uint64_t io_next = bus->io_window_start;

    pci_for_each_device(bus, find_types, found);
    piix3 = found[0];
    i440fx = found[1];

    if (i440fx) {
        /* 0xc0000-0xfffff: read/write RAM (no ROM behind it to protect). */
        pci_config_write(i440fx, I440FX_PAM, 0x30, 1);
        for (int i = 1; i < I440FX_PAM_SIZE; i++) {
            pci_config_write(i440fx, I440FX_PAM + i, 0x33, 1);
        }
    }
    if (piix3) {
        uint16_t elcr = cpu_inb(ELCR_PORT) | (cpu_inb(ELCR_PORT + 1) << 8);

        for (int p = 0; p < PIIX_NUM_PIRQS; p++) {
            pci_config_write(piix3, PIIX_PIRQC + p, pirq_irqs[p], 1);
        }
        /* IRQ 0 can never be level: a set bit means no ELCR answered. */
        if (!(elcr & 1)) {
            for (int p = 0; p < PIIX_NUM_PIRQS; p++) {
                elcr |= 1u << pirq_irqs[p];
            }
            cpu_outb(ELCR_PORT, elcr);
            cpu_outb(ELCR_PORT + 1, elcr >> 8);
        }
    }

    pci_for_each_device(bus, collect_bars, reqs);
    g_array_sort(reqs, bar_cmp);
    for (guint i = 0; i < reqs->len; i++) {
        assign_bar(bus, &g_array_index(reqs, BarReq, i), &mem_next, &io_next);
    }
    g_array_free(reqs, true);

    pci_for_each_device(bus, enable_and_route, piix3);
}
