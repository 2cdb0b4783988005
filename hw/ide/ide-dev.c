/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IDE bus and the devices on it: "ide-hd" (an ATA disk) and "ide-cd"
 * (an ATAPI CD-ROM, possibly empty), with QEMU's property names
 * (drive, unit, serial, model, ver). A device takes one unit of its
 * channel and its drive's BlockBackend; unrealize gives both back.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "hw/ide/ide.h"
#include "qom/property.h"

static IDEBus *ide_dev_bus(IDEDevice *d)
{
    return IDE_BUS(DEVICE(d)->parent_bus);
}

/* ---- BlockDevOps ---- */

static void ide_cd_change_media(void *opaque, bool load)
{
    atapi_medium_changed(opaque, load);
}

static void ide_cd_eject_request(void *opaque, bool force)
{
    atapi_eject_request(opaque, force);
}

static bool ide_cd_is_tray_open(void *opaque)
{
    return ((IDEState *)opaque)->tray_open;
}

static bool ide_cd_is_medium_locked(void *opaque)
{
    return ((IDEState *)opaque)->tray_locked;
}

static void ide_hd_resize(void *opaque)
{
    IDEState *s = opaque;
    int64_t len = blk_getlength(s->blk);

    /* IDENTIFY tells the new size from now on. */
    s->nb_sectors = len > 0 ? len / IDE_SECTOR_SIZE : 0;
}

static const BlockDevOps ide_cd_ops = {
    .change_media_cb = ide_cd_change_media,
    .eject_request_cb = ide_cd_eject_request,
    .is_tray_open = ide_cd_is_tray_open,
    .is_medium_locked = ide_cd_is_medium_locked,
};

static const BlockDevOps ide_hd_ops = {
    .resize_cb = ide_hd_resize,
};

static void ide_retry(void *opaque)
{
    ide_retry_stopped(opaque);
}

/* ---- the devices ---- */

static void ide_geometry(IDEState *s)
{
    /* No geometry on the medium to honour: 16 heads, 63 sectors, as
     * many cylinders as fit (the usual translation BIOSes expect). */
    uint64_t cyls = s->nb_sectors / (16 * 63);

    s->heads = 16;
    s->sectors = 63;
    s->cylinders = MIN(MAX(cyls, (uint64_t)2), (uint64_t)16383);
    s->cur_heads = s->heads;
    s->cur_sectors = s->sectors;
}

static bool ide_dev_realize(DeviceState *dev, IDEDriveKind kind, Error **errp)
{
    IDEDevice *d = IDE_DEVICE(dev);
    IDEBus *bus = ide_dev_bus(d);
    DriveInfo *di = NULL;
    BlockBackend *blk = NULL;
    IDEState *s;
    int64_t len;

    if (d->unit == UINT32_MAX) {
        d->unit = bus->ifs[0].kind == IDE_NONE ? 0 : 1;
    }
    if (d->unit >= 2) {
        error_setg(errp, "Can't create IDE unit %u, bus supports only 2 units",
                   d->unit);
        return false;
    }
    s = &bus->ifs[d->unit];
    if (s->kind != IDE_NONE) {
        error_setg(errp, "IDE unit %u is in use", d->unit);
        return false;
    }
    if (d->drive) {
        di = drive_get_by_id(d->drive);
        if (!di) {
            error_setg(errp, "Property '%s.drive' can't find value '%s'",
                       object_get_typename(OBJECT(dev)), d->drive);
            return false;
        }
    } else if (kind == IDE_HD) {
        error_setg(errp, "No drive specified");
        return false;
    }
    if (kind == IDE_HD && !di->bs) {
        error_setg(errp, "Device needs media, but drive is empty");
        return false;
    }
    if (di) {
        blk = blk_attach(di, dev, errp);
        if (!blk) {
            return false;
        }
    }

    s->dev = d;
    s->kind = kind;
    s->blk = blk;
    if (d->serial) {
        g_strlcpy(s->serial, d->serial, sizeof(s->serial));
    } else if (di && di->serial) {
        g_strlcpy(s->serial, di->serial, sizeof(s->serial));
    } else {
        snprintf(s->serial, sizeof(s->serial), "QM%05d",
                 bus->bus_id * 2 + s->unit + 1);
    }
    g_strlcpy(s->model, d->model ? d->model : kind == IDE_CD ?
              "QEMU DVD-ROM" : "QEMU HARDDISK", sizeof(s->model));
    g_strlcpy(s->version, d->version ? d->version : "2.5+",
              sizeof(s->version));
    len = blk ? blk_getlength(blk) : 0;
    s->nb_sectors = len > 0 ? len / IDE_SECTOR_SIZE : 0;
    ide_geometry(s);
    s->tray_open = false;
    s->tray_locked = false;
    s->unit_attention = false;
    s->media_event = 0;
    if (blk) {
        blk_set_dev_ops(blk, kind == IDE_CD ? &ide_cd_ops : &ide_hd_ops, s);
        blk_set_retry_cb(blk, ide_retry, s);
    }
    d->s = s;
    ide_unit_reset(s);
    return true;
}

static void ide_dev_unrealize(DeviceState *dev)
{
    IDEDevice *d = IDE_DEVICE(dev);
    IDEState *s = d->s;

    if (!s) {
        return;
    }
    s->retry_gen++;
    if (s->blk) {
        blk_drain(s->blk);
        blk_set_dev_ops(s->blk, NULL, NULL);
        blk_set_retry_cb(s->blk, NULL, NULL);
        blk_detach(s->blk);
    }
    if (s->stopped) {
        ide_request_free(s->stopped);
        s->stopped = NULL;
    }
    s->blk = NULL;
    s->dev = NULL;
    s->kind = IDE_NONE;
    ide_transfer_stop(s);
    s->irq_pending = false;
    ide_update_irq(s->bus);
    d->s = NULL;
}

static bool ide_hd_realize(DeviceState *dev, Error **errp)
{
    return ide_dev_realize(dev, IDE_HD, errp);
}

static bool ide_cd_realize(DeviceState *dev, Error **errp)
{
    return ide_dev_realize(dev, IDE_CD, errp);
}

static const Property ide_dev_props[] = {
    DEFINE_PROP_STRING("drive", IDEDevice, drive),
    DEFINE_PROP_UINT32("unit", IDEDevice, unit, UINT32_MAX),
    DEFINE_PROP_STRING("serial", IDEDevice, serial),
    DEFINE_PROP_STRING("model", IDEDevice, model),
    DEFINE_PROP_STRING("ver", IDEDevice, version),
    DEFINE_PROP_END,
};

/* The unit's registers live in the channel (IDEBus's state), so a device
 * describes only which unit it is. */
static const StateField ide_dev_fields[] = {
    STATE_UINT32(unit, IDEDevice),
    STATE_END
};
static const StateDesc ide_dev_state = {
    .name = "ide-device", .version = 1, .fields = ide_dev_fields,
};

static void ide_dev_print_info(DeviceState *dev, GString *out, int indent)
{
    IDEDevice *d = IDE_DEVICE(dev);

    if (d->s && d->s->kind == IDE_CD) {
        g_string_append_printf(out, "%*stray = %s\n", indent, "",
                               d->s->tray_open ? "open" : "closed");
    }
}

static void ide_device_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->bus_type = TYPE_IDE_BUS;
    dc->category = "storage";
    dc->user_creatable = true;
    dc->unrealize = ide_dev_unrealize;
    dc->state = &ide_dev_state;
    dc->print_info = ide_dev_print_info;
    device_class_set_props(dc, ide_dev_props);
}

static void ide_hd_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "virtual IDE disk";
    dc->realize = ide_hd_realize;
}

static void ide_cd_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "virtual IDE CD-ROM";
    dc->realize = ide_cd_realize;
}

/* ---- the bus ---- */

static void ide_bus_print_dev(BusState *b, DeviceState *dev, GString *out,
                              int indent)
{
}

static char *ide_bus_get_dev_path(DeviceState *dev)
{
    IDEDevice *d = IDE_DEVICE(dev);

    return g_strdup_printf("%s/%u", IDE_BUS(dev->parent_bus)->parent_obj.name,
                           d->unit);
}

static void ide_bus_class_init(ObjectClass *oc, void *data)
{
    BusClass *bc = (BusClass *)oc;

    bc->print_dev = ide_bus_print_dev;
    bc->get_dev_path = ide_bus_get_dev_path;
    bc->max_dev = 2;
}

void ide_bus_init(IDEBus *bus, size_t size, DeviceState *parent, int bus_id,
                  const IDEDMAOps *dma_ops)
{
    char name[16];

    snprintf(name, sizeof(name), "ide.%d", bus_id);
    qbus_init(bus, size, TYPE_IDE_BUS, parent, name);
    bus->bus_id = bus_id;
    bus->dma_ops = dma_ops;
    for (int i = 0; i < 2; i++) {
        bus->ifs[i].bus = bus;
        bus->ifs[i].unit = i;
        bus->ifs[i].kind = IDE_NONE;
    }
}

void ide_bus_set_irq(IDEBus *bus, qemu_irq irq)
{
    bus->irq = irq;
}

static const TypeInfo ide_types[] = {
    {
        .name = TYPE_IDE_BUS,
        .parent = TYPE_BUS,
        .instance_size = sizeof(IDEBus),
        .class_size = sizeof(BusClass),
        .class_init = ide_bus_class_init,
    },
    {
        .name = TYPE_IDE_DEVICE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(IDEDevice),
        .class_size = sizeof(DeviceClass),
        .class_init = ide_device_class_init,
        .abstract = true,
    },
    {
        .name = TYPE_IDE_HD,
        .parent = TYPE_IDE_DEVICE,
        .instance_size = sizeof(IDEDevice),
        .class_init = ide_hd_class_init,
    },
    {
        .name = TYPE_IDE_CD,
        .parent = TYPE_IDE_DEVICE,
        .instance_size = sizeof(IDEDevice),
        .class_init = ide_cd_class_init,
    },
};
DEFINE_TYPES(ide_types)
