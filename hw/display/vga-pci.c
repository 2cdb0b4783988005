/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI display cards on the VGA core, with QEMU's ids (1234:1111):
 *
 * "VGA" (class 0300): legacy VGA ports and window, VRAM as the linear
 * framebuffer in BAR 0, and a 4 KiB MMIO BAR 2 that repeats the
 * registers for guests that avoid port I/O: 0x400-0x41f are ports
 * 0x3c0-0x3df, 0x500-0x515 the VBE dispi registers as 16-bit words,
 * 0x600 the "QEMU extended registers" (its own size, framebuffer byte
 * order).
 *
 * "bochs-display" (class 0380): the same without anything legacy, only
 * VRAM and the MMIO BAR; it shows a picture once VBE is enabled.
 */
#include "hw/display/vga.h"
#include "hw/pci/pci.h"
#include "qom/property.h"
#include "util/log.h"

#define TYPE_PCI_VGA "VGA"
#define TYPE_BOCHS_DISPLAY "bochs-display"

#define MMIO_SIZE           0x1000
#define MMIO_VGA_PORTS      0x400
#define MMIO_VBE            0x500
#define MMIO_EXT            0x600
#define EXT_REGS_SIZE       8
#define FB_LITTLE_ENDIAN    0x1e1e1e1e

typedef struct PCIVGAState {
    PCIDevice parent_obj;
    VGACommonState vga;
    MemoryRegion mmio;
    bool has_mmio;              /* "VGA": property mmio */
    bool ext_regs;              /* "VGA": property qemu-extended-regs */
    uint64_t vgamem;            /* "bochs-display": property vgamem */
    bool owns_legacy;
} PCIVGAState;

/* Both types share this instance struct. */
static inline PCIVGAState *PCI_VGA(void *obj)
{
    return (PCIVGAState *)PCI_DEVICE(obj);
}

/* Only one card can own ports 0x3b0-0x3df and the 0xa0000 window. */
static PCIVGAState *legacy_owner;

static uint64_t vga_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIVGAState *d = opaque;
    VGACommonState *s = &d->vga;

    if (s->legacy && addr >= MMIO_VGA_PORTS && addr < MMIO_VGA_PORTS + 0x20) {
        return vga_ioport_read(s, 0x3c0 + addr - MMIO_VGA_PORTS);
    }
    if (addr >= MMIO_VBE && addr < MMIO_VBE + 2 * VBE_DISPI_INDEX_NB) {
        uint16_t v = vbe_read_reg(s, (addr - MMIO_VBE) / 2);
        return addr & 1 ? v >> 8 : v;
    }
    if (d->ext_regs && addr >= MMIO_EXT && addr < MMIO_EXT + EXT_REGS_SIZE) {
        uint32_t v = addr < MMIO_EXT + 4 ? EXT_REGS_SIZE : FB_LITTLE_ENDIAN;
        return v >> ((addr & 3) * 8);
    }
    return 0;
}

static void vga_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    PCIVGAState *d = opaque;
    VGACommonState *s = &d->vga;

    if (s->legacy && addr >= MMIO_VGA_PORTS && addr < MMIO_VGA_PORTS + 0x20) {
        for (unsigned i = 0; i < size; i++) {
            vga_ioport_write(s, 0x3c0 + addr - MMIO_VGA_PORTS + i,
                             val >> (8 * i));
        }
        return;
    }
    if (addr >= MMIO_VBE && addr < MMIO_VBE + 2 * VBE_DISPI_INDEX_NB) {
        if (size != 2 || (addr & 1)) {
            kemu_log_mask(LOG_GUEST_ERROR, "vga mmio: VBE register 0x%"
                          HWADDR_PRIx " written with %u bytes\n", addr, size);
            return;
        }
        vbe_write_reg(s, (addr - MMIO_VBE) / 2, val);
        return;
    }
    if (d->ext_regs && addr >= MMIO_EXT && addr < MMIO_EXT + EXT_REGS_SIZE) {
        if (addr == MMIO_EXT + 4 && size == 4 && val != FB_LITTLE_ENDIAN) {
            kemu_log_mask(LOG_UNIMP, "vga mmio: big-endian framebuffer\n");
        }
        return;
    }
    kemu_log_mask(LOG_GUEST_ERROR, "vga mmio: write to 0x%" HWADDR_PRIx
                  "\n", addr);
}

static const MemoryRegionOps vga_mmio_ops = {
    .read = vga_mmio_read,
    .write = vga_mmio_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static bool pci_vga_realize_common(PCIVGAState *d, bool legacy, Error **errp)
{
    PCIDevice *pd = PCI_DEVICE(d);
    VGACommonState *s = &d->vga;

    if (legacy && legacy_owner) {
        /* QEMU lets a second card overlap the first; here it simply
         * goes without the legacy interface. */
        legacy = false;
    }
    if (!vga_common_init(s, OBJECT(d), legacy, errp)) {
        return false;
    }
    if (legacy) {
        vga_map_legacy(s, get_system_io(), pci_get_bus(pd)->address_space_mem);
        legacy_owner = d;
        d->owns_legacy = true;
    }
    pci_register_bar(pd, 0, PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_PREFETCH, &s->vram);
    if (d->has_mmio) {
        memory_region_init_io(&d->mmio, OBJECT(d), &vga_mmio_ops, d,
                              "vga.mmio", MMIO_SIZE);
        pci_register_bar(pd, 2, PCI_BASE_ADDRESS_SPACE_MEMORY, &d->mmio);
    }
    s->con = graphic_console_init(DEVICE(d), 0, &vga_graphic_ops, s);
    vga_common_reset(s);
    return true;
}

static bool pci_vga_realize(PCIDevice *pd, Error **errp)
{
    return pci_vga_realize_common(PCI_VGA(pd), true, errp);
}

static bool bochs_display_realize(PCIDevice *pd, Error **errp)
{
    PCIVGAState *d = PCI_VGA(pd);

    if (d->vgamem < 16 * MiB || d->vgamem > 256 * MiB) {
        error_setg(errp, "bochs-display: video memory too %s",
                   d->vgamem < 16 * MiB ? "small" : "big");
        return false;
    }
    d->vga.vram_size_mb = d->vgamem / MiB;
    d->has_mmio = true;
    d->ext_regs = true;
    return pci_vga_realize_common(d, false, errp);
}

static void pci_vga_exit(PCIDevice *pd)
{
    PCIVGAState *d = PCI_VGA(pd);

    graphic_console_close(d->vga.con);
    d->vga.con = NULL;
    if (d->owns_legacy) {
        legacy_owner = NULL;
        d->owns_legacy = false;
    }
    vga_common_uninit(&d->vga);
    if (d->has_mmio) {
        memory_region_destroy(&d->mmio);
    }
}

static void pci_vga_reset(PCIDevice *pd)
{
    vga_common_reset(&PCI_VGA(pd)->vga);
}

static int pci_vga_post_load(void *opaque, int version)
{
    vga_post_load(&((PCIVGAState *)opaque)->vga);
    return 0;
}

static const StateField pci_vga_fields[] = {
    STATE_UINT8_ARRAY(parent_obj.config, PCIVGAState, PCI_CONFIG_SPACE_SIZE),
    STATE_STRUCT_ARRAY(vga, PCIVGAState, 1, VGACommonState, &vga_state_desc),
    STATE_END
};

static const StateDesc pci_vga_state = {
    .name = "vga", .version = 1, .fields = pci_vga_fields,
    .post_load = pci_vga_post_load,
};

static const Property pci_vga_props[] = {
    DEFINE_PROP_UINT32("vgamem_mb", PCIVGAState, vga.vram_size_mb, 16),
    DEFINE_PROP_BOOL("mmio", PCIVGAState, has_mmio, true),
    DEFINE_PROP_BOOL("qemu-extended-regs", PCIVGAState, ext_regs, true),
    DEFINE_PROP_END,
};

static const Property bochs_display_props[] = {
    DEFINE_PROP_SIZE("vgamem", PCIVGAState, vgamem, 16 * MiB),
    DEFINE_PROP_END,
};

static void pci_vga_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->realize = pci_vga_realize;
    pc->exit = pci_vga_exit;
    pc->reset = pci_vga_reset;
    pc->vendor_id = 0x1234;
    pc->device_id = 0x1111;
    pc->revision = 2;
    pc->class_id = 0x0300;      /* display, VGA compatible */
    dc->desc = "standard VGA with Bochs VBE extensions";
    dc->category = "display";
    dc->state = &pci_vga_state;
    dc->user_creatable = true;
    device_class_set_props(dc, pci_vga_props);
}

static void bochs_display_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->realize = bochs_display_realize;
    pc->exit = pci_vga_exit;
    pc->reset = pci_vga_reset;
    pc->vendor_id = 0x1234;
    pc->device_id = 0x1111;
    pc->revision = 2;
    pc->class_id = 0x0380;      /* display, other */
    dc->desc = "Bochs VBE display without legacy VGA";
    dc->category = "display";
    dc->state = &pci_vga_state;
    dc->user_creatable = true;
    device_class_set_props(dc, bochs_display_props);
}

static const TypeInfo pci_vga_types[] = {
    {
        .name = TYPE_PCI_VGA,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(PCIVGAState),
        .class_size = sizeof(PCIDeviceClass),
        .class_init = pci_vga_class_init,
    },
    {
        .name = TYPE_BOCHS_DISPLAY,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(PCIVGAState),
        .class_size = sizeof(PCIDeviceClass),
        .class_init = bochs_display_class_init,
    },
};

DEFINE_TYPES(pci_vga_types)
