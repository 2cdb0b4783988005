/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IDE: a channel (IDEBus) with two units, each an ATA disk (ide-hd), an
 * ATAPI CD-ROM (ide-cd) or nothing. The channel holds the task file and
 * the transfer state of both units; the controller that owns it (the
 * PIIX3's IDE function) maps the command and control blocks, wires
 * INTRQ and drives the bus-master DMA through IDEDMAOps.
 *
 * Specs: ATA/ATAPI-6 (T13/1410D) for the registers, protocols and ATA
 * commands; SFF-8020i and MMC-3 / SPC-3 for the ATAPI packet commands.
 */
#ifndef KEMU_HW_IDE_H
#define KEMU_HW_IDE_H

#include "hw/qdev.h"
#include "sysemu/block-backend.h"

#define TYPE_IDE_BUS    "IDE"
#define TYPE_IDE_DEVICE "ide-device"
#define TYPE_IDE_HD     "ide-hd"
#define TYPE_IDE_CD     "ide-cd"

/* Status register */
#define ATA_BSY     0x80
#define ATA_DRDY    0x40
#define ATA_DF      0x20
#define ATA_DSC     0x10
#define ATA_DRQ     0x08
#define ATA_ERR     0x01
/* Error register */
#define ATA_ABRT    0x04
#define ATA_IDNF    0x10
#define ATA_UNC     0x40
/* Device control register */
#define ATA_NIEN    0x02
#define ATA_SRST    0x04
#define ATA_HOB     0x80

#define IDE_SECTOR_SIZE     512
#define CD_SECTOR_SIZE      2048
#define IDE_MAX_MULT        16
/* The PIO window: one DRQ block of a multiple command or ATAPI transfer. */
#define IDE_IO_BUF_SIZE     (IDE_MAX_MULT * IDE_SECTOR_SIZE * 8)

typedef struct IDEBus IDEBus;
typedef struct IDEState IDEState;
typedef struct IDEDevice IDEDevice;
typedef struct IDERequest IDERequest;

typedef enum IDEDriveKind {
    IDE_NONE,
    IDE_HD,
    IDE_CD,
} IDEDriveKind;

/* One contiguous piece of guest memory a DMA transfer goes to or from. */
typedef struct IDESg {
    uint64_t addr;
    uint32_t len;
} IDESg;

/* What the IDE core needs from the controller's DMA engine. */
typedef struct IDEDMAOps {
    /* Is the bus master running (start bit set)? */
    bool (*active)(IDEBus *bus);
    /*
     * Reads the PRD table and returns in *sg (g_new, caller frees) the
     * pieces covering 'bytes' bytes of transfer; false when the table is
     * malformed or shorter than the transfer (logged by the controller).
     * *longer tells that the table describes more than 'bytes'.
     */
    bool (*build_sg)(IDEBus *bus, uint64_t bytes, IDESg **sg, int *nsg,
                     bool *longer);
    /* The transfer ended: error (the table or memory failed), or the table
     * was longer than the transfer (the engine stays active, as the spec
     * says it does when the device finishes early). */
    void (*done)(IDEBus *bus, bool error, bool longer);
    /* INTRQ went up (the engine's Interrupt status bit). */
    void (*irq_raised)(IDEBus *bus);
} IDEDMAOps;

/* What an unfinished PIO block / DMA transfer does next. */
typedef enum IDEXfer {
    XFER_NONE,
    XFER_PIO_READ,      /* sectors from the disk to the host, by blocks */
    XFER_PIO_WRITE,     /* sectors from the host to the disk, by blocks */
    XFER_PIO_OUT,       /* a prepared buffer to the host (IDENTIFY...) */
    XFER_PACKET,        /* the 12 bytes of an ATAPI command */
    XFER_ATAPI_READ,    /* CD sectors to the host, by byte-count blocks */
    XFER_ATAPI_OUT,     /* a prepared ATAPI reply to the host */
} IDEXfer;

struct IDEState {
    IDEBus *bus;
    int unit;
    IDEDriveKind kind;
    IDEDevice *dev;
    BlockBackend *blk;

    /* Identity */
    char serial[21];
    char model[41];
    char version[9];
    uint64_t nb_sectors;            /* 512-byte sectors of the medium */
    uint16_t cylinders, heads, sectors;         /* default geometry */
    uint16_t cur_heads, cur_sectors;            /* INITIALIZE DEV PARAMS */

    /* Task file (each unit keeps its own copy; writes go to both) */
    uint8_t feature, hob_feature;
    uint8_t nsector, hob_nsector;
    uint8_t sector, hob_sector;
    uint8_t lcyl, hob_lcyl;
    uint8_t hcyl, hob_hcyl;
    uint8_t select;
    uint8_t status;
    uint8_t error;

    /* Settings */
    uint8_t mult_sectors;           /* SET MULTIPLE MODE; 0: disabled */
    uint8_t xfer_mode;              /* SET FEATURES 03h value */
    bool standby;
    bool irq_pending;               /* INTRQ wanted, until status is read */

    /* Transfer in progress */
    uint8_t xfer;                   /* IDEXfer */
    uint8_t cmd;
    bool lba48;
    bool dma_pending;               /* a DMA command waits for the engine */
    bool dma_write;                 /* host to device */
    uint64_t xfer_lba;              /* next sector (CD: 2048-byte blocks) */
    uint32_t xfer_left;             /* sectors (CD: blocks) still to move */
    uint32_t data_pos, data_end;    /* within io_buf */
    uint32_t buf_fill;              /* ATAPI: valid bytes in io_buf */
    uint32_t atapi_left;            /* ATAPI bytes still to send */
    uint32_t atapi_bcl;             /* byte count limit of the PACKET */
    uint32_t retry_gen;             /* request generation (reset bumps) */
    uint8_t io_buf[IDE_IO_BUF_SIZE];

    /* ATAPI */
    uint8_t packet[12];
    bool packet_dma;                /* features bit 0 of PACKET */
    uint8_t sense_key, asc, ascq;
    bool tray_open, tray_locked;
    bool unit_attention;            /* a new medium: report once */
    uint8_t media_event;            /* GESN media event code pending */
    bool eject_request;             /* the monitor asked, tray locked */

    IDERequest *stopped;            /* kept by werror/rerror=stop */
};

struct IDEBus {
    BusState parent_obj;
    int bus_id;
    IDEState ifs[2];
    uint8_t unit;                   /* selected unit */
    uint8_t devctl;                 /* device control register */
    qemu_irq irq;
    bool irq_level;
    const IDEDMAOps *dma_ops;
};

struct IDEDevice {
    DeviceState parent_obj;
    uint32_t unit;                  /* property "unit"; -1 first free */
    char *drive;                    /* property "drive" */
    char *serial, *model, *version;
    bool write_cache_set;
    IDEState *s;
};

OBJECT_DECLARE_SIMPLE_TYPE(IDEBus, IDE_BUS)
OBJECT_DECLARE_SIMPLE_TYPE(IDEDevice, IDE_DEVICE)

/* The controller side. */
void ide_bus_init(IDEBus *bus, size_t size, DeviceState *parent, int bus_id,
                  const IDEDMAOps *dma_ops);
void ide_bus_set_irq(IDEBus *bus, qemu_irq irq);
uint32_t ide_ioport_read(IDEBus *bus, uint32_t reg);
void ide_ioport_write(IDEBus *bus, uint32_t reg, uint32_t val);
uint32_t ide_data_read(IDEBus *bus, unsigned size);
void ide_data_write(IDEBus *bus, uint32_t val, unsigned size);
uint32_t ide_status_read(IDEBus *bus);      /* alternate status */
void ide_devctl_write(IDEBus *bus, uint32_t val);
/* The engine's start bit went from 0 to 1. */
void ide_dma_kick(IDEBus *bus);
/* Machine or controller reset: both units to power-on state. */
void ide_bus_reset(IDEBus *bus);
/* Waits for every request of the bus (unrealize). */
void ide_bus_drain(IDEBus *bus);

/* The device side (hw/ide/ide-dev.c). */
void ide_unit_reset(IDEState *s);
void ide_set_irq(IDEState *s);
void ide_update_irq(IDEBus *bus);

/* ATA (ide-core.c) and ATAPI (ide-atapi.c) internals. */
void ide_exec_cmd(IDEState *s, uint8_t cmd);
void ide_abort(IDEState *s, uint8_t error);
void ide_cmd_done(IDEState *s);
void ide_transfer_stop(IDEState *s);
void ide_dma_start(IDEState *s);
void atapi_identify(IDEState *s, uint16_t *w);
void atapi_packet_cmd(IDEState *s);
void atapi_pio_next(IDEState *s);
void atapi_set_signature(IDEState *s);
void atapi_medium_changed(IDEState *s, bool load);
void atapi_eject_request(IDEState *s, bool force);
void ide_dma_cmd(IDEState *s, bool is_write);
void ide_fill_identify_string(uint16_t *w, const char *src, int words);

/* Requests (ide-core.c): read or write into a per-request buffer. */
typedef void IDERequestDone(IDEState *s, IDERequest *req, int ret);
struct IDERequest {
    IDEState *s;
    uint32_t gen;
    bool is_write, is_flush;
    int64_t offset;
    uint8_t *buf;
    uint32_t len;
    struct iovec iov;
    IDERequestDone *done;
    /* DMA context */
    IDESg *sg;
    int nsg;
    uint64_t sg_done;               /* bytes of the transfer moved */
    uint64_t total;
    bool longer;
};
void ide_submit(IDEState *s, IDERequest *req);
IDERequest *ide_request_new(IDEState *s, bool is_write, int64_t offset,
                            uint32_t len, IDERequestDone *done);
void ide_request_free(IDERequest *req);
void ide_retry_stopped(IDEState *s);

#endif
