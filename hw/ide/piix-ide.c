/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PIIX3 IDE function ("piix3-ide", 8086:7010, 00:01.1 on pc): two
 * channels in compatibility mode (command blocks at 0x1f0/0x170, control
 * at 0x3f6/0x376, ISA IRQ 14/15), and the bus-master IDE engine in BAR 4
 * (SFF-8038i: per channel a command, a status and a PRD table pointer
 * register). Intel 82371SB datasheet, section 2.6 (IDE configuration) and
 * SFF-8038i revision 1.0.
 *
 * A PRD entry is 8 bytes: a physical address, a byte count (0 means
 * 64 KiB) and bit 15 of the last word marking the end of the table. A
 * table that ends before the transfer does, or that runs past its 64 KiB
 * page without an end, fails the command (error bits in the engine and
 * the device, never a hang); one that describes more than the transfer
 * leaves the engine active with the interrupt bit set, the spec's
 * "device finished first" completion. Addresses outside RAM fail the
 * command; nothing is written anywhere but guest RAM.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "hw/ide/ide.h"
#include "hw/pci/pci.h"
#include "hw/isa.h"
#include "hw/ide/piix.h"

/* Bus master registers */
#define BM_CMD_START    0x01
#define BM_CMD_READ     0x08    /* the engine writes memory (device reads) */
#define BM_ST_ACTIVE    0x01
#define BM_ST_ERROR     0x02
#define BM_ST_INT       0x04
#define BM_ST_DMA_CAP   0x60    /* drive 0/1 DMA capable, set by firmware */

#define PRD_EOT         0x8000
#define PRD_MAX_ENTRIES (65536 / 8)

typedef struct BMDMAState {
    uint8_t cmd;
    uint8_t status;
    uint32_t prd_addr;
} BMDMAState;

typedef struct PIIXIDEState {
    PCIDevice parent_obj;
    IDEBus bus[2];
    BMDMAState bmdma[2];
    MemoryRegion cmd_io[2], ctl_io[2];
    MemoryRegion bmdma_io;
    bool ports_mapped;
} PIIXIDEState;

static inline PIIXIDEState *PIIX_IDE(void *obj)
{
    return (PIIXIDEState *)PCI_DEVICE(obj);
}

static const uint16_t cmd_base[2] = { 0x1f0, 0x170 };
static const uint16_t ctl_base[2] = { 0x3f6, 0x376 };
static const int ide_irq[2] = { 14, 15 };

static PIIXIDEState *bus_owner(IDEBus *bus)
{
    return PIIX_IDE(bus->parent_obj.parent);
}

static BMDMAState *bus_bm(IDEBus *bus)
{
    return &bus_owner(bus)->bmdma[bus->bus_id];
}

/* ---- IDEDMAOps ---- */

static bool bm_active(IDEBus *bus)
{
    return bus_bm(bus)->cmd & BM_CMD_START;
}

static bool bm_build_sg(IDEBus *bus, uint64_t bytes, IDESg **out, int *nout,
                        bool *longer)
{
    BMDMAState *bm = bus_bm(bus);
    IDEState *s = &bus->ifs[bus->unit];
    bool to_memory = !s->dma_write;
    uint64_t covered = 0;
    uint32_t addr = bm->prd_addr;
    GArray *sg = g_array_new(false, false, sizeof(IDESg));
    bool eot = false;

    *longer = false;
    if (!!(bm->cmd & BM_CMD_READ) != to_memory) {
        kemu_log_mask(LOG_GUEST_ERROR, "piix3-ide: bus master direction "
                      "(%s memory) does not match the command\n",
                      bm->cmd & BM_CMD_READ ? "to" : "from");
        goto fail;
    }
    for (int i = 0; i < PRD_MAX_ENTRIES && covered < bytes; i++) {
        uint8_t e[8];
        IDESg piece;

        /* A table may not cross a 64 KiB boundary (SFF-8038i 1.2). */
        uint32_t at = (bm->prd_addr & ~0xffffu) |
                      ((addr + 8 * i) & 0xffffu);
        if (i && !((at) & 0xffff)) {
            kemu_log_mask(LOG_GUEST_ERROR, "piix3-ide: PRD table at 0x%x "
                          "runs past its 64 KiB page\n", bm->prd_addr);
            goto fail;
        }
        if (dma_memory_read(&address_space_memory, at, e, 8) != MEMTX_OK) {
            kemu_log_mask(LOG_GUEST_ERROR, "piix3-ide: PRD table at 0x%x is "
                          "outside guest RAM\n", at);
            goto fail;
        }
        piece.addr = (e[0] | e[1] << 8 | e[2] << 16 | (uint32_t)e[3] << 24) &
                     ~1u;
        piece.len = (e[4] | e[5] << 8) & ~1u;
        if (!piece.len) {
            piece.len = 0x10000;
        }
        eot = e[7] & (PRD_EOT >> 8);
        if (covered + piece.len > bytes) {
            piece.len = bytes - covered;
            *longer = true;
        }
        covered += piece.len;
        g_array_append_val(sg, piece);
        if (eot) {
            break;
        }
    }
    if (covered < bytes) {
        kemu_log_mask(LOG_GUEST_ERROR, "piix3-ide: PRD table at 0x%x %s "
                      "after %" PRIu64 " of %" PRIu64 " bytes\n",
                      bm->prd_addr, eot ? "ends" : "has no end",
                      covered, bytes);
        goto fail;
    }
    if (!eot) {
        *longer = true;
    }
    if (*longer) {
        kemu_log_mask(LOG_GUEST_ERROR, "piix3-ide: PRD table at 0x%x "
                      "describes more than the %" PRIu64 "-byte transfer\n",
                      bm->prd_addr, bytes);
    }
    *nout = sg->len;
    *out = (IDESg *)g_array_free(sg, false);
    return true;

fail:
    g_array_free(sg, true);
    return false;
}

static void bm_done(IDEBus *bus, bool error, bool longer)
{
    BMDMAState *bm = bus_bm(bus);

    if (!longer) {
        bm->status &= ~BM_ST_ACTIVE;
    }
    if (error) {
        bm->status |= BM_ST_ERROR;
    }
}

static void bm_irq_raised(IDEBus *bus)
{
    bus_bm(bus)->status |= BM_ST_INT;
}

static const IDEDMAOps piix_dma_ops = {
    .active = bm_active,
    .build_sg = bm_build_sg,
    .done = bm_done,
    .irq_raised = bm_irq_raised,
};

/* ---- BAR 4 ---- */

static void bm_cmd_write(PIIXIDEState *d, int ch, uint8_t val)
{
    BMDMAState *bm = &d->bmdma[ch];
    bool was = bm->cmd & BM_CMD_START;

    /* The direction bit may not change while the engine runs. */
    if (was) {
        val = (val & BM_CMD_START) | (bm->cmd & BM_CMD_READ);
    }
    bm->cmd = val & (BM_CMD_START | BM_CMD_READ);
    if (!was && (val & BM_CMD_START)) {
        bm->status |= BM_ST_ACTIVE;
        ide_dma_kick(&d->bus[ch]);
    } else if (was && !(val & BM_CMD_START)) {
        /* Stopping ends the engine's part; a request already handed to
         * the disk finishes, but a waiting command no longer starts. */
        bm->status &= ~BM_ST_ACTIVE;
    }
}

static uint64_t bmdma_read(void *opaque, hwaddr addr, unsigned size)
{
    PIIXIDEState *d = opaque;
    uint64_t val = 0;

    for (unsigned i = 0; i < size; i++) {
        hwaddr a = addr + i;
        BMDMAState *bm = &d->bmdma[(a >> 3) & 1];
        uint8_t b = 0;
        switch (a & 7) {
        case 0:
            b = bm->cmd;
            break;
        case 2:
            b = bm->status;
            break;
        case 4 ... 7:
            b = bm->prd_addr >> (8 * ((a & 7) - 4));
            break;
        }
        val |= (uint64_t)b << (8 * i);
    }
    return val;
}

static void bmdma_write(void *opaque, hwaddr addr, uint64_t val,
                        unsigned size)
{
    PIIXIDEState *d = opaque;

    for (unsigned i = 0; i < size; i++) {
        hwaddr a = addr + i;
        int ch = (a >> 3) & 1;
        BMDMAState *bm = &d->bmdma[ch];
        uint8_t b = val >> (8 * i);
        switch (a & 7) {
        case 0:
            bm_cmd_write(d, ch, b);
            break;
        case 2:
            bm->status = (bm->status & BM_ST_ACTIVE) |
                         (bm->status & ~b & (BM_ST_ERROR | BM_ST_INT)) |
                         (b & BM_ST_DMA_CAP);
            break;
        case 4 ... 7: {
            int sh = 8 * ((a & 7) - 4);
            bm->prd_addr = (bm->prd_addr & ~(0xffu << sh)) |
                           ((uint32_t)b << sh);
            bm->prd_addr &= ~3u;
            break;
        }
        default:
            break;
        }
    }
}

static const MemoryRegionOps bmdma_ops = {
    .read = bmdma_read,
    .write = bmdma_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* ---- legacy ports ---- */

static uint64_t ide_cmd_read(void *opaque, hwaddr addr, unsigned size)
{
    IDEBus *bus = opaque;
    uint64_t val = 0;

    if (addr == 0) {
        return ide_data_read(bus, size);
    }
    for (unsigned i = 0; i < size && addr + i < 8; i++) {
        val |= (uint64_t)ide_ioport_read(bus, addr + i) << (8 * i);
    }
    return val;
}

static void ide_cmd_write(void *opaque, hwaddr addr, uint64_t val,
                          unsigned size)
{
    IDEBus *bus = opaque;

    if (addr == 0) {
        ide_data_write(bus, val, size);
        return;
    }
    for (unsigned i = 0; i < size && addr + i < 8; i++) {
        ide_ioport_write(bus, addr + i, (val >> (8 * i)) & 0xff);
    }
}

static const MemoryRegionOps ide_cmd_ops = {
    .read = ide_cmd_read,
    .write = ide_cmd_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static uint64_t ide_ctl_read(void *opaque, hwaddr addr, unsigned size)
{
    return ide_status_read(opaque);
}

static void ide_ctl_write(void *opaque, hwaddr addr, uint64_t val,
                          unsigned size)
{
    ide_devctl_write(opaque, val & 0xff);
}

static const MemoryRegionOps ide_ctl_ops = {
    .read = ide_ctl_read,
    .write = ide_ctl_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- the function ---- */

static void piix_ide_unmap(PIIXIDEState *d)
{
    if (!d->ports_mapped) {
        return;
    }
    for (int i = 0; i < 2; i++) {
        memory_region_del_subregion(get_system_io(), &d->cmd_io[i]);
        memory_region_del_subregion(get_system_io(), &d->ctl_io[i]);
    }
    d->ports_mapped = false;
}

static bool piix_ide_realize(PCIDevice *pd, Error **errp)
{
    PIIXIDEState *d = PIIX_IDE(pd);
    ISABus *isa = isa_bus_get_default();

    /* IDETIM (primary, secondary) and SIDETIM: timings the guest or the
     * firmware programs; bit 15 of IDETIM is a channel's decode enable,
     * which the ports do not depend on here (as in QEMU). */
    memset(pd->wmask + 0x40, 0xff, 5);
    for (int i = 0; i < 2; i++) {
        ide_bus_init(&d->bus[i], sizeof(d->bus[i]), DEVICE(d), i,
                     &piix_dma_ops);
        ide_bus_set_irq(&d->bus[i], isa ? isa->irqs[ide_irq[i]] : NULL);
        memory_region_init_io(&d->cmd_io[i], OBJECT(d), &ide_cmd_ops,
                              &d->bus[i], "piix3-ide.cmd", 8);
        memory_region_init_io(&d->ctl_io[i], OBJECT(d), &ide_ctl_ops,
                              &d->bus[i], "piix3-ide.ctl", 1);
        memory_region_add_subregion(get_system_io(), cmd_base[i],
                                    &d->cmd_io[i]);
        memory_region_add_subregion(get_system_io(), ctl_base[i],
                                    &d->ctl_io[i]);
    }
    d->ports_mapped = true;
    memory_region_init_io(&d->bmdma_io, OBJECT(d), &bmdma_ops, d,
                          "piix3-ide.bmdma", 16);
    pci_register_bar(pd, 4, PCI_BASE_ADDRESS_SPACE_IO, &d->bmdma_io);
    return true;
}

static void piix_ide_exit(PCIDevice *pd)
{
    PIIXIDEState *d = PIIX_IDE(pd);

    for (int i = 0; i < 2; i++) {
        ide_bus_drain(&d->bus[i]);
    }
    piix_ide_unmap(d);
    for (int i = 0; i < 2; i++) {
        memory_region_destroy(&d->cmd_io[i]);
        memory_region_destroy(&d->ctl_io[i]);
    }
}

static void piix_ide_reset(PCIDevice *pd)
{
    PIIXIDEState *d = PIIX_IDE(pd);

    for (int i = 0; i < 2; i++) {
        d->bmdma[i].cmd = 0;
        d->bmdma[i].status = 0;
        d->bmdma[i].prd_addr = 0;
        ide_bus_reset(&d->bus[i]);
    }
}

static const StateField bmdma_fields[] = {
    STATE_UINT8(cmd, BMDMAState),
    STATE_UINT8(status, BMDMAState),
    STATE_UINT32(prd_addr, BMDMAState),
    STATE_END
};
static const StateDesc bmdma_state = {
    .name = "bmdma", .version = 1, .fields = bmdma_fields,
};

static const StateField ide_unit_fields[] = {
    STATE_UINT8(feature, IDEState), STATE_UINT8(hob_feature, IDEState),
    STATE_UINT8(nsector, IDEState), STATE_UINT8(hob_nsector, IDEState),
    STATE_UINT8(sector, IDEState), STATE_UINT8(hob_sector, IDEState),
    STATE_UINT8(lcyl, IDEState), STATE_UINT8(hob_lcyl, IDEState),
    STATE_UINT8(hcyl, IDEState), STATE_UINT8(hob_hcyl, IDEState),
    STATE_UINT8(select, IDEState), STATE_UINT8(status, IDEState),
    STATE_UINT8(error, IDEState), STATE_UINT8(mult_sectors, IDEState),
    STATE_UINT8(xfer_mode, IDEState), STATE_BOOL(standby, IDEState),
    STATE_BOOL(irq_pending, IDEState),
    STATE_UINT16(cur_heads, IDEState), STATE_UINT16(cur_sectors, IDEState),
    STATE_UINT8(xfer, IDEState), STATE_UINT8(cmd, IDEState),
    STATE_BOOL(lba48, IDEState), STATE_BOOL(dma_pending, IDEState),
    STATE_BOOL(dma_write, IDEState),
    STATE_UINT64(xfer_lba, IDEState), STATE_UINT32(xfer_left, IDEState),
    STATE_UINT32(data_pos, IDEState), STATE_UINT32(data_end, IDEState),
    STATE_UINT32(buf_fill, IDEState),
    STATE_UINT32(atapi_left, IDEState), STATE_UINT32(atapi_bcl, IDEState),
    STATE_UINT8_ARRAY(io_buf, IDEState, IDE_IO_BUF_SIZE),
    STATE_UINT8_ARRAY(packet, IDEState, 12),
    STATE_BOOL(packet_dma, IDEState),
    STATE_UINT8(sense_key, IDEState), STATE_UINT8(asc, IDEState),
    STATE_UINT8(ascq, IDEState),
    STATE_BOOL(tray_open, IDEState), STATE_BOOL(tray_locked, IDEState),
    STATE_BOOL(unit_attention, IDEState), STATE_UINT8(media_event, IDEState),
    STATE_END
};
static const StateDesc ide_unit_state = {
    .name = "ide-unit", .version = 1, .fields = ide_unit_fields,
};

static const StateField ide_bus_fields[] = {
    STATE_UINT8(unit, IDEBus),
    STATE_UINT8(devctl, IDEBus),
    STATE_STRUCT_ARRAY(ifs, IDEBus, 2, IDEState, &ide_unit_state),
    STATE_END
};
static const StateDesc ide_bus_state = {
    .name = "ide-bus", .version = 1, .fields = ide_bus_fields,
};

static const StateField piix_ide_fields[] = {
    STATE_STRUCT_ARRAY(bmdma, PIIXIDEState, 2, BMDMAState, &bmdma_state),
    STATE_STRUCT_ARRAY(bus, PIIXIDEState, 2, IDEBus, &ide_bus_state),
    STATE_END
};
static const StateDesc piix_ide_state = {
    .name = "piix3-ide", .version = 1, .fields = piix_ide_fields,
};

static void piix_ide_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    dc->desc = "PIIX3 IDE controller (two channels, bus-master DMA)";
    dc->category = "storage";
    dc->user_creatable = false;     /* part of the pc chipset */
    dc->state = &piix_ide_state;
    pc->vendor_id = 0x8086;
    pc->device_id = 0x7010;
    pc->class_id = 0x0101;          /* IDE controller */
    pc->prog_if = 0x80;
    pc->realize = piix_ide_realize;
    pc->exit = piix_ide_exit;
    pc->reset = piix_ide_reset;
}

static const TypeInfo piix_ide_types[] = {
    {
        .name = TYPE_PIIX3_IDE,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(PIIXIDEState),
        .class_init = piix_ide_class_init,
    },
};
DEFINE_TYPES(piix_ide_types)

/* Creates ide-hd / ide-cd for the -drive if=ide (-hda.., -cdrom) drives
 * of the two channels of the PIIX3 function 'pd'. */
bool piix3_ide_attach_drives(PCIDevice *pd, Error **errp)
{
    PIIXIDEState *d = PIIX_IDE(pd);

    for (int b = 0; b < 2; b++) {
        for (int u = 0; u < 2; u++) {
            DriveInfo *di = drive_get(IF_IDE, b, u);
            DeviceState *dev;

            if (!di) {
                continue;
            }
            dev = qdev_new(di->is_cdrom ? TYPE_IDE_CD : TYPE_IDE_HD);
            qdev_prop_set_string(dev, "drive", di->id);
            qdev_prop_set_uint32(dev, "unit", u);
            if (!qdev_realize_and_unref(dev, BUS(&d->bus[b]), errp)) {
                return false;
            }
        }
    }
    return true;
}
