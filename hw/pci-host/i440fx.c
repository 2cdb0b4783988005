/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 82441FX (i440FX) PCI and memory controller: the host bridge
 * (config mechanism #1, bus "pci.0") and its PCI function 00.0.
 *
 * PAM (Programmable Attribute Map, config 0x59-0x5f) chooses per segment
 * of 0xc0000-0xfffff whether CPU accesses reach DRAM (read/write or read
 * only) or are forwarded to PCI, where the pc's BIOS ROM lives. Each
 * segment has three aliases over the same range in system memory (PCI,
 * read-only RAM, RAM), exactly one enabled, switched inside one memory
 * transaction. SMRAM (0x72) decides whether 0xa0000-0xbffff shows DRAM
 * (D_OPEN with G_SMRAME) or the PCI/VGA window; with no SMM, that is
 * all of SMRAM a guest can see.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "hw/pci-host/i440fx.h"

#define SMRAM_BASE  0xa0000
#define SMRAM_SIZE  0x20000

enum { PAM_PCI, PAM_RO, PAM_RW };

/* Segment 0 is 0xf0000-0xfffff (PAM0 high nibble); segments 1..12 are
 * 16 KiB each from 0xc0000, two per register from 0x5a. */
static void pam_segment(unsigned i, hwaddr *start, uint64_t *size,
                        unsigned *reg, unsigned *shift)
{
    if (i == 0) {
        *start = 0xf0000;
        *size = 0x10000;
        *reg = I440FX_PAM;
        *shift = 4;
    } else {
        *start = 0xc0000 + (i - 1) * 0x4000;
        *size = 0x4000;
        *reg = I440FX_PAM + 1 + (i - 1) / 2;
        *shift = ((i - 1) & 1) ? 4 : 0;
    }
}

static void i440fx_update_memory(PCII440FXState *s)
{
    PCIDevice *d = &s->parent_obj;
    uint8_t smram = d->config[I440FX_SMRAM];

    if (!s->regions_ready) {
        return;
    }
    memory_region_transaction_begin();
    for (unsigned i = 0; i < I440FX_PAM_SEGMENTS; i++) {
        hwaddr start;
        uint64_t size;
        unsigned reg, shift, mode, want;

        pam_segment(i, &start, &size, &reg, &shift);
        mode = (d->config[reg] >> shift) & 3;
        switch (mode) {
        case 1:
            want = PAM_RO;
            break;
        case 3:
            want = PAM_RW;
            break;
        case 2:
            /* Write-only DRAM: reads would have to go to PCI and writes to
             * DRAM; like common firmware practice, treat reads as PCI. */
            kemu_log_mask(LOG_UNIMP, "i440FX: PAM write-only mode for "
                          "0x%" HWADDR_PRIx " treated as PCI\n", start);
            /* fall through */
        default:
            want = PAM_PCI;
            break;
        }
        if (want != s->pam[i].current) {
            memory_region_set_enabled(&s->pam[i].alias[s->pam[i].current],
                                      false);
            memory_region_set_enabled(&s->pam[i].alias[want], true);
            s->pam[i].current = want;
        }
    }
    /* The PCI window hides DRAM unless SMRAM is open. */
    memory_region_set_enabled(&s->smram_window,
                              !((smram & SMRAM_G_SMRAME) &&
                                (smram & SMRAM_D_OPEN)));
    memory_region_transaction_commit();
}

static bool ranges_overlap(uint32_t a, uint32_t alen, uint32_t b,
                           uint32_t blen)
{
    return a < b + blen && b < a + alen;
}

static void i440fx_write_config(PCIDevice *d, uint32_t addr, uint32_t val,
                                int len)
{
    PCII440FXState *s = I440FX_PCI_DEVICE(d);
    uint8_t old_smram = d->config[I440FX_SMRAM];

    pci_default_write_config(d, addr, val, len);
    if (ranges_overlap(addr, len, I440FX_SMRAM, 1)) {
        uint8_t v = d->config[I440FX_SMRAM];

        if (old_smram & SMRAM_D_LCK) {
            /* Locked until reset: D_LCK and G_SMRAME frozen. */
            v = (v & ~SMRAM_G_SMRAME) | (old_smram & SMRAM_G_SMRAME) |
                SMRAM_D_LCK;
        }
        if (v & SMRAM_D_LCK) {
            v &= ~SMRAM_D_OPEN;
        }
        d->config[I440FX_SMRAM] = v;
    }
    if (ranges_overlap(addr, len, I440FX_PAM, I440FX_PAM_SIZE) ||
        ranges_overlap(addr, len, I440FX_SMRAM, 1)) {
        i440fx_update_memory(s);
    }
}

/*
 * Nothing on PCI claims 0xa0000-0xbffff unless a VGA card does: the
 * transaction master-aborts (reads all-ones, writes dropped) instead of
 * falling through to the DRAM behind the closed SMRAM window.
 */
static uint64_t vga_hole_read(void *opaque, hwaddr addr, unsigned size)
{
    return ~0ULL;
}

static void vga_hole_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
}

static const MemoryRegionOps vga_hole_ops = {
    .read = vga_hole_read,
    .write = vga_hole_write,
    .valid = { .min_access_size = 1, .max_access_size = 8,
               .unaligned = true },
};

static void i440fx_init_regions(PCII440FXState *s)
{
    Object *owner = OBJECT(s);

    for (unsigned i = 0; i < I440FX_PAM_SEGMENTS; i++) {
        PAMSegment *seg = &s->pam[i];
        hwaddr start;
        uint64_t size;
        unsigned reg, shift;

        pam_segment(i, &start, &size, &reg, &shift);
        memory_region_init_alias(&seg->alias[PAM_PCI], owner, "pam-pci",
                                 s->pci_memory, start, size);
        memory_region_init_alias(&seg->alias[PAM_RO], owner, "pam-rom",
                                 s->ram, start, size);
        memory_region_set_readonly(&seg->alias[PAM_RO], true);
        memory_region_init_alias(&seg->alias[PAM_RW], owner, "pam-ram",
                                 s->ram, start, size);
        for (unsigned a = 0; a < 3; a++) {
            memory_region_set_enabled(&seg->alias[a], a == PAM_PCI);
            memory_region_add_subregion_overlap(s->system_memory, start,
                                                &seg->alias[a], 1);
        }
        seg->current = PAM_PCI;
    }
    /* Below any VGA device's legacy window (those use priority >= 0). */
    memory_region_init_io(&s->vga_hole, owner, &vga_hole_ops, s,
                          "pci-vga-hole", SMRAM_SIZE);
    memory_region_add_subregion_overlap(s->pci_memory, SMRAM_BASE,
                                        &s->vga_hole, -1000);
    memory_region_init_alias(&s->smram_window, owner, "smram-region",
                             s->pci_memory, SMRAM_BASE, SMRAM_SIZE);
    memory_region_add_subregion_overlap(s->system_memory, SMRAM_BASE,
                                        &s->smram_window, 1);
    s->regions_ready = true;
}

static bool i440fx_realize(PCIDevice *d, Error **errp)
{
    PCII440FXState *s = I440FX_PCI_DEVICE(d);

    if (!s->system_memory || !s->pci_memory || !s->ram) {
        error_setg(errp, "i440FX: created without its memory regions "
                   "(use i440fx_init)");
        return false;
    }
    /* Registers firmware programs: DRAM control/timing, row boundaries,
     * PAM, SMRAM (C_BASE_SEG is hardwired to 010b). */
    memset(d->wmask + 0x50, 0xff, 0x09);
    memset(d->wmask + 0x60, 0xff, 0x08);
    d->wmask[I440FX_PAM] = 0x70;
    memset(d->wmask + I440FX_PAM + 1, 0x77, I440FX_PAM_SIZE - 1);
    d->wmask[I440FX_SMRAM] = SMRAM_D_OPEN | SMRAM_D_CLS | SMRAM_D_LCK |
                             SMRAM_G_SMRAME;
    d->config[I440FX_SMRAM] = SMRAM_C_BASE_SEG;

    memory_region_transaction_begin();
    if (memory_region_size(s->ram) >= 1 * MiB) {
        i440fx_init_regions(s);
    } else {
        kemu_log_mask(LOG_UNIMP, "i440FX: less than 1 MiB of RAM, no PAM\n");
    }
    i440fx_update_memory(s);
    memory_region_transaction_commit();
    return true;
}

static void i440fx_exit(PCIDevice *d)
{
    PCII440FXState *s = I440FX_PCI_DEVICE(d);

    if (!s->regions_ready) {
        return;
    }
    memory_region_transaction_begin();
    for (unsigned i = 0; i < I440FX_PAM_SEGMENTS; i++) {
        for (unsigned a = 0; a < 3; a++) {
            memory_region_del_subregion(s->system_memory,
                                        &s->pam[i].alias[a]);
            memory_region_destroy(&s->pam[i].alias[a]);
        }
    }
    memory_region_del_subregion(s->system_memory, &s->smram_window);
    memory_region_destroy(&s->smram_window);
    memory_region_del_subregion(s->pci_memory, &s->vga_hole);
    memory_region_destroy(&s->vga_hole);
    memory_region_transaction_commit();
    s->regions_ready = false;
}

static void i440fx_reset(PCIDevice *d)
{
    PCII440FXState *s = I440FX_PCI_DEVICE(d);

    memset(d->config + 0x50, 0, 0x30);
    d->config[I440FX_SMRAM] = SMRAM_C_BASE_SEG;
    i440fx_update_memory(s);
}

static int i440fx_post_load(void *opaque, int version)
{
    PCII440FXState *s = opaque;

    pci_update_mappings(&s->parent_obj);
    i440fx_update_memory(s);
    return 0;
}

static const StateField i440fx_fields[] = {
    STATE_UINT8_ARRAY(parent_obj.config, PCII440FXState,
                      PCI_CONFIG_SPACE_SIZE),
    STATE_END
};

static const StateDesc i440fx_state = {
    .name = "I440FX", .version = 1, .fields = i440fx_fields,
    .post_load = i440fx_post_load,
};

static void i440fx_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->realize = i440fx_realize;
    pc->exit = i440fx_exit;
    pc->reset = i440fx_reset;
    pc->config_write = i440fx_write_config;
    pc->vendor_id = PCI_VENDOR_ID_INTEL;
    pc->device_id = PCI_DEVICE_ID_INTEL_82441;
    pc->revision = 0x02;
    pc->class_id = PCI_CLASS_BRIDGE_HOST;
    dc->desc = "Host bridge";
    dc->category = "bridge";
    dc->state = &i440fx_state;
    dc->user_creatable = false;   /* part of the pc machine */
}

/* ---- Host bridge ---- */

static bool i440fx_host_realize(DeviceState *dev, Error **errp)
{
    I440FXHostState *s = I440FX_PCI_HOST_BRIDGE(dev);
    PCIHostState *phb = PCI_HOST_BRIDGE(dev);

    if (!s->system_memory) {
        s->system_memory = get_system_memory();
    }
    /* PCI memory space under everything else: RAM wins where present,
     * the hole shows BARs and the firmware ROM. */
    memory_region_init(&s->pci_memory, OBJECT(dev), "pci", UINT64_MAX);
    memory_region_add_subregion_overlap(s->system_memory, 0, &s->pci_memory,
                                        -1);
    phb->bus = pci_root_bus_new(dev, "pci.0", &s->pci_memory,
                                get_system_io(), 0);
    pci_host_map_conf(phb, get_system_io());
    return true;
}

static void i440fx_host_unrealize(DeviceState *dev)
{
    I440FXHostState *s = I440FX_PCI_HOST_BRIDGE(dev);

    pci_host_unmap_conf(PCI_HOST_BRIDGE(dev));
    memory_region_del_subregion(s->system_memory, &s->pci_memory);
}

static void i440fx_host_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = i440fx_host_realize;
    dc->unrealize = i440fx_host_unrealize;
    dc->desc = "i440FX PCI host bridge";
    dc->user_creatable = false;
}

PCIBus *i440fx_init(Object *parent, const char *name,
                    MemoryRegion *system_memory, MemoryRegion *system_io,
                    MemoryRegion *ram, Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_I440FX_PCI_HOST_BRIDGE);
    I440FXHostState *s = I440FX_PCI_HOST_BRIDGE(dev);
    PCIBus *bus;
    PCIDevice *f0;

    s->system_memory = system_memory;
    s->ram = ram;
    if (parent && !object_property_add_child(parent, name, OBJECT(dev),
                                             errp)) {
        object_unref(OBJECT(dev));
        return NULL;
    }
    if (!qdev_realize_and_unref(dev, NULL, errp)) {
        return NULL;
    }
    bus = PCI_HOST_BRIDGE(dev)->bus;

    f0 = pci_new(PCI_DEVFN(0, 0), TYPE_I440FX_PCI_DEVICE);
    s->func0 = I440FX_PCI_DEVICE(f0);
    s->func0->system_memory = s->system_memory;
    s->func0->pci_memory = &s->pci_memory;
    s->func0->ram = ram;
    if (!pci_realize_and_unref(f0, bus, errp)) {
        s->func0 = NULL;
        return NULL;
    }
    return bus;
}

MemoryRegion *i440fx_pci_memory(PCIBus *bus)
{
    return bus->address_space_mem;
}

static const TypeInfo i440fx_types[] = {
    {
        .name = TYPE_I440FX_PCI_HOST_BRIDGE,
        .parent = TYPE_PCI_HOST_BRIDGE,
        .instance_size = sizeof(I440FXHostState),
        .class_size = sizeof(DeviceClass),
        .class_init = i440fx_host_class_init,
    },
    {
        .name = TYPE_I440FX_PCI_DEVICE,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(PCII440FXState),
        .class_size = sizeof(PCIDeviceClass),
        .class_init = i440fx_class_init,
    },
};

DEFINE_TYPES(i440fx_types)
