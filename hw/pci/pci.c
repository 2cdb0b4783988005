/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PCI bus and the generic part of every PCI function: configuration
 * space defaults and accesses, BAR mapping, INTx, reset, info qtree.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "hw/pci/pci.h"
#include "hw/pci/pci_internal.h"

static bool ranges_overlap(uint32_t a, uint32_t alen, uint32_t b,
                           uint32_t blen)
{
    return a < b + blen && b < a + alen;
}

/* ---- Bus ---- */

PCIBus *pci_root_bus_new(DeviceState *parent, const char *name,
                         MemoryRegion *address_space_mem,
                         MemoryRegion *address_space_io, int devfn_min)
{
    PCIBus *bus = PCI_BUS(qbus_new(TYPE_PCI_BUS, parent, name));

    bus->address_space_mem = address_space_mem;
    bus->address_space_io = address_space_io;
    bus->devfn_min = devfn_min;
    bus->mem_window_start = 0xe0000000;
    bus->mem_window_end = 0xfec00000;
    bus->io_window_start = 0xc000;
    bus->io_window_end = 0x10000;
    return bus;
}

void pci_bus_irqs(PCIBus *bus, pci_set_irq_fn set_irq,
                  pci_map_irq_fn map_irq, void *opaque, int nirq)
{
    bus->set_irq = set_irq;
    bus->map_irq = map_irq;
    bus->irq_opaque = opaque;
    g_free(bus->irq_count);
    bus->nirq = nirq;
    bus->irq_count = g_new0(int, nirq);
}

int pci_bus_num(PCIBus *bus)
{
    return bus->bus_num;
}

PCIBus *pci_get_bus(const PCIDevice *dev)
{
    BusState *b = DEVICE(dev)->parent_bus;
    return b ? PCI_BUS(b) : NULL;
}

PCIBus *pci_bus_get_default(void)
{
    BusState *b = qbus_find_by_name("pci.0");
    return b ? PCI_BUS(b) : NULL;
}

PCIDevice *pci_find_device(PCIBus *bus, int bus_num, uint8_t devfn)
{
    if (!bus || bus_num != bus->bus_num) {
        return NULL;
    }
    return bus->devices[devfn];
}

void pci_for_each_device(PCIBus *bus,
                         void (*fn)(PCIBus *bus, PCIDevice *dev, void *opaque),
                         void *opaque)
{
    for (int devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        if (bus->devices[devfn]) {
            fn(bus, bus->devices[devfn], opaque);
        }
    }
}

uint32_t pci_host_config_read(PCIBus *bus, uint8_t bus_num, uint8_t devfn,
                              uint32_t addr, int len)
{
    PCIDevice *d = pci_find_device(bus, bus_num, devfn);

    if (!d) {
        return len == 4 ? 0xffffffff : (1u << (len * 8)) - 1;
    }
    return pci_config_read(d, addr, len);
}

void pci_host_config_write(PCIBus *bus, uint8_t bus_num, uint8_t devfn,
                           uint32_t addr, uint32_t val, int len)
{
    PCIDevice *d = pci_find_device(bus, bus_num, devfn);

    if (d) {
        pci_config_write(d, addr, val, len);
    }
}

/* ---- Creation helpers ---- */

PCIDevice *pci_new_multifunction(int devfn, bool multifunction,
                                 const char *typename)
{
    PCIDevice *d = PCI_DEVICE(qdev_new(typename));

    d->devfn = devfn;
    d->multifunction |= multifunction;
    return d;
}

PCIDevice *pci_new(int devfn, const char *typename)
{
    return pci_new_multifunction(devfn, false, typename);
}

bool pci_realize_and_unref(PCIDevice *dev, PCIBus *bus, Error **errp)
{
    return qdev_realize_and_unref(DEVICE(dev), BUS(bus), errp);
}

PCIDevice *pci_create_simple_multifunction(PCIBus *bus, int devfn,
                                           bool multifunction,
                                           const char *typename)
{
    PCIDevice *d = pci_new_multifunction(devfn, multifunction, typename);

    pci_realize_and_unref(d, bus, &error_fatal);
    return d;
}

PCIDevice *pci_create_simple(PCIBus *bus, int devfn, const char *typename)
{
    return pci_create_simple_multifunction(bus, devfn, false, typename);
}

/* ---- BARs ---- */

static int bar_offset(int region_num)
{
    return region_num == PCI_ROM_SLOT ? PCI_ROM_ADDRESS
                                      : PCI_BASE_ADDRESS_0 + region_num * 4;
}

void pci_register_bar(PCIDevice *d, int region_num, uint8_t type,
                      MemoryRegion *memory)
{
    PCIIORegion *r = &d->io_regions[region_num];
    uint64_t size = memory_region_size(memory);
    int off = bar_offset(region_num);
    uint64_t wmask;

    g_assert(region_num >= 0 && region_num < PCI_NUM_REGIONS);
    g_assert(size && !(size & (size - 1)));
    if (region_num == PCI_ROM_SLOT) {
        type = PCI_BASE_ADDRESS_SPACE_MEMORY;
    }
    r->addr = PCI_BAR_UNMAPPED;
    r->size = size;
    r->type = type;
    r->memory = memory;
    r->address_space = (type & PCI_BASE_ADDRESS_SPACE_IO)
                       ? pci_get_bus(d)->address_space_io
                       : pci_get_bus(d)->address_space_mem;

    wmask = ~(size - 1);
    if (region_num == PCI_ROM_SLOT) {
        wmask = (wmask & PCI_ROM_ADDRESS_MASK) | PCI_ROM_ADDRESS_ENABLE;
    } else if (type & PCI_BASE_ADDRESS_SPACE_IO) {
        /* All 32 bits writable, as QEMU: SeaBIOS sizes an I/O BAR from
         * a 32-bit read-back and takes hardwired-zero upper bits for a
         * 4 GiB BAR. Addresses past 0xffff are simply not mapped. */
        wmask &= PCI_BASE_ADDRESS_IO_MASK;
    } else {
        wmask &= PCI_BASE_ADDRESS_MEM_MASK;
    }
    if (region_num != PCI_ROM_SLOT) {
        pci_set_long(d->config + off, type);
    } else {
        pci_set_long(d->config + off, 0);
    }
    if (!(type & PCI_BASE_ADDRESS_SPACE_IO) &&
        (type & PCI_BASE_ADDRESS_MEM_TYPE_64)) {
        g_assert(region_num < PCI_NUM_BARS - 1);
        pci_set_quad(d->wmask + off, wmask);
        pci_set_long(d->config + off + 4, 0);
    } else {
        pci_set_long(d->wmask + off, wmask);
    }
}

/* Where the guest asked the BAR to be, or unmapped when decoding is off
 * or the address is impossible (0, or all-ones left by size probing). */
static uint64_t pci_bar_new_addr(PCIDevice *d, int i)
{
    PCIIORegion *r = &d->io_regions[i];
    uint16_t cmd = pci_get_word(d->config + PCI_COMMAND);
    int off = bar_offset(i);
    uint64_t addr, last;

    if (r->type & PCI_BASE_ADDRESS_SPACE_IO) {
        if (!(cmd & PCI_COMMAND_IO)) {
            return PCI_BAR_UNMAPPED;
        }
        addr = pci_get_long(d->config + off) & ~(r->size - 1) & ~3u;
        last = addr + r->size - 1;
        if (!addr || last > 0xffff) {
            return PCI_BAR_UNMAPPED;
        }
        return addr;
    }
    if (!(cmd & PCI_COMMAND_MEMORY)) {
        return PCI_BAR_UNMAPPED;
    }
    if (i == PCI_ROM_SLOT) {
        uint32_t v = pci_get_long(d->config + off);
        if (!(v & PCI_ROM_ADDRESS_ENABLE)) {
            return PCI_BAR_UNMAPPED;
        }
        addr = v & PCI_ROM_ADDRESS_MASK & ~(r->size - 1) & 0xffffffffu;
    } else if (r->type & PCI_BASE_ADDRESS_MEM_TYPE_64) {
        addr = pci_get_quad(d->config + off) & ~(r->size - 1) &
               PCI_BASE_ADDRESS_MEM_MASK;
    } else {
        addr = pci_get_long(d->config + off) & ~(r->size - 1) &
               PCI_BASE_ADDRESS_MEM_MASK & 0xffffffffu;
    }
    last = addr + r->size - 1;
    if (!addr || last < addr) {
        return PCI_BAR_UNMAPPED;
    }
    if (!(r->type & PCI_BASE_ADDRESS_MEM_TYPE_64) && last >= 0xffffffffu) {
        return PCI_BAR_UNMAPPED;
    }
    return addr;
}

void pci_update_mappings(PCIDevice *d)
{
    bool begun = false;

    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        PCIIORegion *r = &d->io_regions[i];
        uint64_t addr;

        if (!r->size) {
            continue;
        }
        addr = pci_bar_new_addr(d, i);
        if (addr == r->addr) {
            continue;
        }
        if (!begun) {
            memory_region_transaction_begin();
            begun = true;
        }
        if (r->addr != PCI_BAR_UNMAPPED) {
            memory_region_del_subregion(r->address_space, r->memory);
        }
        r->addr = addr;
        if (addr != PCI_BAR_UNMAPPED) {
            /* Above the PCI space's own contents (e.g. firmware ROM). */
            memory_region_add_subregion_overlap(r->address_space, addr,
                                                r->memory, 1);
        }
    }
    if (begun) {
        memory_region_transaction_commit();
    }
}

uint64_t pci_get_bar_addr(PCIDevice *d, int region_num)
{
    return d->io_regions[region_num].addr;
}

/* ---- INTx ---- */

int pci_intx_route(PCIDevice *d)
{
    PCIBus *bus = pci_get_bus(d);
    int pin = d->config[PCI_INTERRUPT_PIN];

    if (!bus || !bus->map_irq || pin < 1 || pin > PCI_NUM_PINS) {
        return -1;
    }
    return bus->map_irq(d, pin - 1);
}

/* Counts the function's effective level on its router input. */
static void pci_update_intx(PCIDevice *d)
{
    PCIBus *bus = pci_get_bus(d);
    uint16_t cmd = pci_get_word(d->config + PCI_COMMAND);
    bool level = d->intx_level && !(cmd & PCI_COMMAND_INTX_DISABLE);
    int irq;

    if (level == d->intx_routed) {
        return;
    }
    irq = pci_intx_route(d);
    if (irq < 0 || irq >= bus->nirq || !bus->set_irq) {
        return;
    }
    d->intx_routed = level;
    bus->irq_count[irq] += level ? 1 : -1;
    bus->set_irq(bus->irq_opaque, irq, bus->irq_count[irq] != 0);
}

void pci_set_irq(PCIDevice *d, int level)
{
    uint16_t sts = pci_get_word(d->config + PCI_STATUS);

    level = !!level;
    d->intx_level = level;
    if (level) {
        sts |= PCI_STATUS_INTERRUPT;
    } else {
        sts &= ~PCI_STATUS_INTERRUPT;
    }
    pci_set_word(d->config + PCI_STATUS, sts);
    pci_update_intx(d);
}

/* ---- DMA ---- */

MemTxResult pci_dma_read(PCIDevice *d, hwaddr addr, void *buf, hwaddr len)
{
    if (!pci_bus_master_enabled(d)) {
        kemu_log_mask(LOG_GUEST_ERROR, "%s: DMA read with bus master "
                      "disabled\n", d->name);
        memset(buf, 0xff, len);
        return MEMTX_ERROR;
    }
    return dma_memory_read(&address_space_memory, addr, buf, len);
}

MemTxResult pci_dma_write(PCIDevice *d, hwaddr addr, const void *buf,
                          hwaddr len)
{
    if (!pci_bus_master_enabled(d)) {
        kemu_log_mask(LOG_GUEST_ERROR, "%s: DMA write with bus master "
                      "disabled\n", d->name);
        return MEMTX_ERROR;
    }
    return dma_memory_write(&address_space_memory, addr, buf, len);
}

/* ---- Config space ---- */

uint32_t pci_default_read_config(PCIDevice *d, uint32_t addr, int len)
{
    uint32_t v = 0;

    for (int i = 0; i < len; i++) {
        v |= (uint32_t)d->config[addr + i] << (i * 8);
    }
    return v;
}

void pci_default_write_config(PCIDevice *d, uint32_t addr, uint32_t val,
                              int len)
{
    uint16_t old_cmd = pci_get_word(d->config + PCI_COMMAND);
    uint16_t old_msix = d->msix_cap ?
        pci_get_word(d->config + d->msix_cap + PCI_MSIX_FLAGS) : 0;

    for (int i = 0; i < len; i++) {
        uint32_t a = addr + i;
        uint8_t b = val >> (i * 8);
        uint8_t wm = d->wmask[a], w1c = d->w1cmask[a];

        d->config[a] = (d->config[a] & ~wm) | (b & wm);
        d->config[a] &= ~(b & w1c);
    }

    if (ranges_overlap(addr, len, PCI_BASE_ADDRESS_0, 24) ||
        ranges_overlap(addr, len, PCI_ROM_ADDRESS, 4) ||
        ranges_overlap(addr, len, PCI_COMMAND, 2)) {
        pci_update_mappings(d);
    }
    if (ranges_overlap(addr, len, PCI_COMMAND, 2) &&
        ((old_cmd ^ pci_get_word(d->config + PCI_COMMAND)) &
         PCI_COMMAND_INTX_DISABLE)) {
        pci_update_intx(d);
    }
    if (d->msi_cap) {
        msi_write_config(d, addr, val, len);
    }
    if (d->msix_cap) {
        msix_write_config(d, addr, val, len, old_msix);
    }
}

static bool config_access_ok(PCIDevice *d, uint32_t addr, int len)
{
    if ((len != 1 && len != 2 && len != 4) ||
        addr + len > PCI_CONFIG_SPACE_SIZE) {
        kemu_log_mask(LOG_GUEST_ERROR, "%s: bad config access at 0x%x "
                      "size %d\n", d->name, addr, len);
        return false;
    }
    return true;
}

uint32_t pci_config_read(PCIDevice *d, uint32_t addr, int len)
{
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(d);

    if (!config_access_ok(d, addr, len)) {
        return ~0u;
    }
    return pc->config_read ? pc->config_read(d, addr, len)
                           : pci_default_read_config(d, addr, len);
}

void pci_config_write(PCIDevice *d, uint32_t addr, uint32_t val, int len)
{
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(d);

    if (!config_access_ok(d, addr, len)) {
        return;
    }
    if (pc->config_write) {
        pc->config_write(d, addr, val, len);
    } else {
        pci_default_write_config(d, addr, val, len);
    }
}

static void pci_config_init(PCIDevice *d)
{
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(d);

    memset(d->config, 0, sizeof(d->config));
    memset(d->wmask, 0, sizeof(d->wmask));
    memset(d->w1cmask, 0, sizeof(d->w1cmask));
    memset(d->used, 0, sizeof(d->used));
    memset(d->used, 1, 0x40);   /* the header is nobody's capability */

    pci_set_word(d->config + PCI_VENDOR_ID, pc->vendor_id);
    pci_set_word(d->config + PCI_DEVICE_ID, pc->device_id);
    d->config[PCI_REVISION_ID] = pc->revision;
    d->config[PCI_CLASS_PROG] = pc->prog_if;
    pci_set_word(d->config + PCI_CLASS_DEVICE, pc->class_id);
    /* Like QEMU, functions without their own subsystem ids show the
     * emulator's (1af4:1100), which guests' quirk tables know. */
    if (pc->subsystem_vendor_id || pc->subsystem_id) {
        pci_set_word(d->config + PCI_SUBSYSTEM_VENDOR_ID,
                     pc->subsystem_vendor_id);
        pci_set_word(d->config + PCI_SUBSYSTEM_ID, pc->subsystem_id);
    } else if (!pc->is_bridge) {
        pci_set_word(d->config + PCI_SUBSYSTEM_VENDOR_ID,
                     PCI_SUBVENDOR_ID_REDHAT_QUMRANET);
        pci_set_word(d->config + PCI_SUBSYSTEM_ID, PCI_SUBDEVICE_ID_QEMU);
    }
    d->config[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL |
        (d->multifunction ? PCI_HEADER_TYPE_MULTI_FUNCTION : 0);

    pci_set_word(d->wmask + PCI_COMMAND,
                 PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
                 PCI_COMMAND_PARITY | PCI_COMMAND_SERR |
                 PCI_COMMAND_INTX_DISABLE);
    pci_set_word(d->w1cmask + PCI_STATUS,
                 PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT |
                 PCI_STATUS_REC_TARGET_ABORT | PCI_STATUS_REC_MASTER_ABORT |
                 PCI_STATUS_SIG_SYSTEM_ERROR | PCI_STATUS_DETECTED_PARITY);
    d->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    d->wmask[PCI_LATENCY_TIMER] = 0xff;
    d->wmask[PCI_INTERRUPT_LINE] = 0xff;
    /* Device-specific space is plain read/write storage unless the model
     * says otherwise (firmware pokes chipset registers freely). */
    memset(d->wmask + 0x40, 0xff, PCI_CONFIG_SPACE_SIZE - 0x40);

    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        d->io_regions[i].addr = PCI_BAR_UNMAPPED;
    }
}

/* ---- Reset ---- */

static void pci_device_reset(DeviceState *dev)
{
    PCIDevice *d = PCI_DEVICE(dev);
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(d);
    uint16_t cmd = pci_get_word(d->config + PCI_COMMAND);
    uint16_t sts = pci_get_word(d->config + PCI_STATUS);

    pci_set_irq(d, 0);
    cmd &= ~pci_get_word(d->wmask + PCI_COMMAND);
    sts &= ~pci_get_word(d->w1cmask + PCI_STATUS);
    pci_set_word(d->config + PCI_COMMAND, cmd);
    pci_set_word(d->config + PCI_STATUS, sts);
    d->config[PCI_CACHE_LINE_SIZE] = 0;
    d->config[PCI_LATENCY_TIMER] = 0;
    d->config[PCI_INTERRUPT_LINE] = 0;
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        PCIIORegion *r = &d->io_regions[i];
        int off = bar_offset(i);

        if (!r->size) {
            continue;
        }
        if (i == PCI_ROM_SLOT) {
            pci_set_long(d->config + off, 0);
            continue;
        }
        pci_set_long(d->config + off, r->type);
        if (!(r->type & PCI_BASE_ADDRESS_SPACE_IO) &&
            (r->type & PCI_BASE_ADDRESS_MEM_TYPE_64)) {
            pci_set_long(d->config + off + 4, 0);
        }
    }
    pci_update_mappings(d);
    if (d->msi_cap) {
        msi_reset(d);
    }
    if (d->msix_cap) {
        msix_reset(d);
    }
    if (pc->reset) {
        pc->reset(d);
    }
}

/* ---- Realize / unrealize ---- */

static int pci_find_free_devfn(PCIBus *bus)
{
    for (int devfn = ROUND_UP(bus->devfn_min, 8); devfn < PCI_DEVFN_MAX;
         devfn += PCI_FUNC_MAX) {
        bool free = true;
        for (int f = 0; f < PCI_FUNC_MAX; f++) {
            free &= !bus->devices[devfn + f];
        }
        if (free) {
            return devfn;
        }
    }
    return -1;
}

static bool pci_qdev_realize(DeviceState *dev, Error **errp)
{
    PCIDevice *d = PCI_DEVICE(dev);
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(d);
    PCIBus *bus = dev->parent_bus ? PCI_BUS(dev->parent_bus) : NULL;
    int devfn = d->devfn;

    if (!bus) {
        error_setg(errp, "No 'PCI' bus found for device '%s'",
                   object_get_typename(OBJECT(dev)));
        return false;
    }
    if (devfn < 0) {
        devfn = pci_find_free_devfn(bus);
        if (devfn < 0) {
            error_setg(errp, "PCI: no slot/function available for %s, all "
                       "in use or reserved", object_get_typename(OBJECT(dev)));
            return false;
        }
    } else if (devfn >= PCI_DEVFN_MAX) {
        error_setg(errp, "PCI: invalid devfn %d", devfn);
        return false;
    } else if (bus->devices[devfn]) {
        error_setg(errp, "PCI: slot %d function %d not available for %s, "
                   "in use by %s", PCI_SLOT(devfn), PCI_FUNC(devfn),
                   object_get_typename(OBJECT(dev)),
                   bus->devices[devfn]->name);
        return false;
    }
    if (PCI_FUNC(devfn)) {
        PCIDevice *f0 = bus->devices[PCI_DEVFN(PCI_SLOT(devfn), 0)];
        if (f0 && !f0->multifunction) {
            error_setg(errp, "PCI: single function device can't be "
                       "populated in function %x.%x", PCI_SLOT(devfn),
                       PCI_FUNC(devfn));
            return false;
        }
    } else if (!d->multifunction) {
        for (int f = 1; f < PCI_FUNC_MAX; f++) {
            if (bus->devices[devfn + f]) {
                error_setg(errp, "PCI: %x.0 indicates single function, but "
                           "%x.%x is already populated.", PCI_SLOT(devfn),
                           PCI_SLOT(devfn), f);
                return false;
            }
        }
    }

    d->devfn = devfn;
    g_strlcpy(d->name, object_get_typename(OBJECT(dev)), sizeof(d->name));
    pci_config_init(d);
    bus->devices[devfn] = d;
    if (pc->realize && !pc->realize(d, errp)) {
        bus->devices[devfn] = NULL;
        return false;
    }
    pci_update_mappings(d);
    return true;
}

static void pci_qdev_unrealize(DeviceState *dev)
{
    PCIDevice *d = PCI_DEVICE(dev);
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(d);
    PCIBus *bus = pci_get_bus(d);

    pci_set_irq(d, 0);
    /* Unmap every BAR (decoding off) before the device frees them. */
    pci_set_word(d->config + PCI_COMMAND, 0);
    pci_update_mappings(d);
    if (pc->exit) {
        pc->exit(d);
    }
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        memset(&d->io_regions[i], 0, sizeof(d->io_regions[i]));
        d->io_regions[i].addr = PCI_BAR_UNMAPPED;
    }
    if (bus && d->devfn >= 0 && bus->devices[d->devfn] == d) {
        bus->devices[d->devfn] = NULL;
    }
}

/* ---- Properties ---- */

static bool pci_addr_get(Object *obj, ObjectProperty *prop, PropValue *out,
                         Error **errp)
{
    PCIDevice *d = PCI_DEVICE(obj);

    out->kind = PROP_KIND_STRING;
    out->s = d->devfn < 0 ? g_strdup("-1")
                          : g_strdup_printf("%02x.%x", PCI_SLOT(d->devfn),
                                            PCI_FUNC(d->devfn));
    return true;
}

/* "SS.F" or "SS" (hex, as QEMU: "0x18" is slot 0x18), or "-1". */
static bool pci_addr_set(Object *obj, ObjectProperty *prop,
                         const PropValue *in, Error **errp)
{
    PCIDevice *d = PCI_DEVICE(obj);
    const char *s = in->s;
    unsigned long slot, fn = 0;
    char *end;

    if (DEVICE(obj)->realized) {
        error_setg(errp, "Attempt to set property 'addr' on device '%s' "
                   "after it was realized", object_get_typename(obj));
        return false;
    }
    if (!s) {
        goto bad;
    }
    if (!strcmp(s, "-1")) {
        d->devfn = -1;
        return true;
    }
    slot = strtoul(s, &end, 16);
    if (end == s) {
        goto bad;
    }
    if (*end == '.') {
        const char *f = end + 1;
        fn = strtoul(f, &end, 16);
        if (end == f) {
            goto bad;
        }
    }
    if (*end || slot >= PCI_SLOT_MAX || fn >= PCI_FUNC_MAX) {
        goto bad;
    }
    d->devfn = PCI_DEVFN(slot, fn);
    return true;
bad:
    error_setg(errp, "Property '%s.addr' doesn't take value '%s'",
               object_get_typename(obj), s ? s : "");
    return false;
}

static const Property pci_props[] = {
    DEFINE_PROP_STRING("romfile", PCIDevice, romfile),
    DEFINE_PROP_UINT32("rombar", PCIDevice, rom_bar, 1),
    DEFINE_PROP_BOOL("multifunction", PCIDevice, multifunction, false),
    DEFINE_PROP_END,
};

/* ---- info qtree ---- */

static const char *pci_class_name(uint16_t cls)
{
    static const struct { uint16_t cls; const char *name; } names[] = {
        { 0x0100, "SCSI controller" }, { 0x0101, "IDE controller" },
        { 0x0106, "SATA controller" }, { 0x0180, "Storage controller" },
        { 0x0200, "Ethernet controller" }, { 0x0300, "VGA controller" },
        { 0x0380, "Display controller" }, { 0x0401, "Audio controller" },
        { 0x0500, "RAM controller" }, { 0x0600, "Host bridge" },
        { 0x0601, "ISA bridge" }, { 0x0604, "PCI bridge" },
        { 0x0680, "Bridge" }, { 0x0c03, "USB controller" },
        { 0x0c05, "SMBus" }, { 0x00ff, "Unclassified" },
    };
    for (unsigned i = 0; i < ARRAY_SIZE(names); i++) {
        if (names[i].cls == cls) {
            return names[i].name;
        }
    }
    return NULL;
}

static void pci_bus_print_dev(BusState *b, DeviceState *dev, GString *out,
                              int indent)
{
    PCIDevice *d = PCI_DEVICE(dev);
    uint16_t cls = pci_get_word(d->config + PCI_CLASS_DEVICE);
    const char *cname = pci_class_name(cls);

    g_string_append_printf(out, "%*s", indent, "");
    if (cname) {
        g_string_append_printf(out, "class %s", cname);
    } else {
        g_string_append_printf(out, "class Class %04x", cls);
    }
    g_string_append_printf(out, ", addr %02x:%02x.%x, pci id %04x:%04x "
                           "(sub %04x:%04x)\n", pci_bus_num(PCI_BUS(b)),
                           PCI_SLOT(d->devfn), PCI_FUNC(d->devfn),
                           pci_get_word(d->config + PCI_VENDOR_ID),
                           pci_get_word(d->config + PCI_DEVICE_ID),
                           pci_get_word(d->config + PCI_SUBSYSTEM_VENDOR_ID),
                           pci_get_word(d->config + PCI_SUBSYSTEM_ID));
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        PCIIORegion *r = &d->io_regions[i];
        uint64_t a = r->addr;

        if (!r->size) {
            continue;
        }
        g_string_append_printf(out, "%*sbar %d: %s at 0x%" PRIx64
                               " [0x%" PRIx64 "]\n", indent, "", i,
                               (r->type & PCI_BASE_ADDRESS_SPACE_IO) ?
                               "i/o" : "mem",
                               a == PCI_BAR_UNMAPPED ? (uint64_t)-1 : a,
                               a == PCI_BAR_UNMAPPED ? (uint64_t)-2
                                                     : a + r->size - 1);
    }
}

static char *pci_bus_get_dev_path(DeviceState *dev)
{
    PCIDevice *d = PCI_DEVICE(dev);

    return g_strdup_printf("0000:%02x:%02x.%x", pci_bus_num(pci_get_bus(d)),
                           PCI_SLOT(d->devfn), PCI_FUNC(d->devfn));
}

static void pci_bus_class_init(ObjectClass *oc, void *data)
{
    BusClass *bc = (BusClass *)oc;

    bc->print_dev = pci_bus_print_dev;
    bc->get_dev_path = pci_bus_get_dev_path;
    bc->max_dev = PCI_DEVFN_MAX;
}

static void pci_device_instance_init(Object *obj)
{
    PCI_DEVICE(obj)->devfn = -1;
}

static void pci_device_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    ObjectProperty *p;

    dc->realize = pci_qdev_realize;
    dc->unrealize = pci_qdev_unrealize;
    dc->reset = pci_device_reset;
    dc->bus_type = TYPE_PCI_BUS;
    device_class_set_props(dc, pci_props);
    p = object_class_property_add(oc, "addr", "int32", PROP_KIND_STRING,
                                  pci_addr_get, pci_addr_set, NULL, NULL);
    p->defval = g_strdup("-1");
    p->description = g_strdup("Slot and optional function number, "
                              "example: 06.0 or 06");
}

static const TypeInfo pci_types[] = {
    {
        .name = TYPE_PCI_BUS,
        .parent = TYPE_BUS,
        .instance_size = sizeof(PCIBus),
        .class_size = sizeof(BusClass),
        .class_init = pci_bus_class_init,
    },
    {
        .name = TYPE_PCI_DEVICE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(PCIDevice),
        .class_size = sizeof(PCIDeviceClass),
        .instance_init = pci_device_instance_init,
        .class_init = pci_device_class_init,
        .abstract = true,
    },
};

DEFINE_TYPES(pci_types)
