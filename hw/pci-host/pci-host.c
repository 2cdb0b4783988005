/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI configuration mechanism #1 (PCI Local Bus Specification 3.0,
 * 3.2.2.3.2): the address register at 0xcf8 takes only dword accesses;
 * the data window 0xcfc-0xcff forwards byte/word/dword accesses to the
 * addressed function's register (addr & 0xfc) + (port & 3).
 */
#include "util/osdep.h"
#include "util/log.h"
#include "hw/pci/pci_host.h"

#define CONFIG_ENABLE 0x80000000u

static uint64_t conf_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIHostState *s = opaque;

    if (addr == 1 && size == 1 && s->cf9_read) {
        return s->cf9_read(s->cf9_opaque);
    }
    if (addr != 0 || size != 4) {
        return (1ull << (size * 8)) - 1;
    }
    return s->config_reg;
}

static void conf_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PCIHostState *s = opaque;

    if (addr == 1 && size == 1) {
        if (s->cf9_write) {
            s->cf9_write(s->cf9_opaque, val);
        }
        return;
    }
    if (addr != 0 || size != 4) {
        /* Byte/word writes here are ordinary I/O cycles: nobody claims. */
        return;
    }
    /* Bits 1:0 of the address register are reserved and read as 0. */
    s->config_reg = val & ~3u;
}

static const MemoryRegionOps conf_ops = {
    .read = conf_read,
    .write = conf_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4, .unaligned = true },
};

static uint64_t data_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIHostState *s = opaque;
    uint32_t reg = s->config_reg;

    if (!(reg & CONFIG_ENABLE) || addr + size > 4) {
        return (1ull << (size * 8)) - 1;
    }
    return pci_host_config_read(s->bus, (reg >> 16) & 0xff,
                                (reg >> 8) & 0xff, (reg & 0xfc) + addr,
                                size);
}

static void data_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PCIHostState *s = opaque;
    uint32_t reg = s->config_reg;

    if (!(reg & CONFIG_ENABLE) || addr + size > 4) {
        return;
    }
    pci_host_config_write(s->bus, (reg >> 16) & 0xff, (reg >> 8) & 0xff,
                          (reg & 0xfc) + addr, val, size);
}

static const MemoryRegionOps data_ops = {
    .read = data_read,
    .write = data_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4, .unaligned = true },
};

void pci_host_map_conf(PCIHostState *s, MemoryRegion *io)
{
    memory_region_init_io(&s->conf_mem, OBJECT(s), &conf_ops, s,
                          "pci-conf-idx", 4);
    memory_region_init_io(&s->data_mem, OBJECT(s), &data_ops, s,
                          "pci-conf-data", 4);
    s->io = io;
    memory_region_add_subregion(io, 0xcf8, &s->conf_mem);
    memory_region_add_subregion(io, 0xcfc, &s->data_mem);
}

void pci_host_unmap_conf(PCIHostState *s)
{
    if (!s->io) {
        return;
    }
    memory_region_del_subregion(s->io, &s->conf_mem);
    memory_region_del_subregion(s->io, &s->data_mem);
    memory_region_destroy(&s->conf_mem);
    memory_region_destroy(&s->data_mem);
    s->io = NULL;
}

void pci_host_set_cf9_handler(PCIHostState *s, uint8_t (*rd)(void *),
                              void (*wr)(void *, uint8_t), void *opaque)
{
    s->cf9_read = rd;
    s->cf9_write = wr;
    s->cf9_opaque = opaque;
}

static void pci_host_reset(DeviceState *dev)
{
    PCI_HOST_BRIDGE(dev)->config_reg = 0;
}

static const StateField pci_host_fields[] = {
    STATE_UINT32(config_reg, PCIHostState),
    STATE_END
};

static const StateDesc pci_host_state = {
    .name = "pcihost", .version = 1, .fields = pci_host_fields,
};

static void pci_host_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->reset = pci_host_reset;
    dc->state = &pci_host_state;
    dc->category = "bridge";
}

static const TypeInfo pci_host_types[] = {
    {
        .name = TYPE_PCI_HOST_BRIDGE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(PCIHostState),
        .class_size = sizeof(DeviceClass),
        .class_init = pci_host_class_init,
        .abstract = true,
    },
};

DEFINE_TYPES(pci_host_types)
