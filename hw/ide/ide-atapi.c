/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ATAPI CD-ROM: the PACKET protocol (SFF-8020i / ATA/ATAPI-6 chapter 9:
 * interrupt reason in the sector count register, byte count in the
 * cylinder registers, data by DRQ blocks no larger than the host's byte
 * count limit) and the MMC-3 / SPC-3 commands a host uses to find,
 * read and eject a disc. Errors are CHECK CONDITION with the sense key in
 * the error register's high nibble and the details in REQUEST SENSE.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "hw/ide/ide.h"

/* Sense keys and additional sense codes (SPC-3 / MMC-3). */
#define SENSE_NONE              0x00
#define SENSE_NOT_READY         0x02
#define SENSE_ILLEGAL_REQUEST   0x05
#define SENSE_UNIT_ATTENTION    0x06
#define ASC_INVALID_OPCODE      0x20
#define ASC_LBA_OUT_OF_RANGE    0x21
#define ASC_INVALID_FIELD       0x24
#define ASC_MEDIUM_CHANGED      0x28
#define ASC_SAVING_UNSUPPORTED  0x39
#define ASC_NO_MEDIUM           0x3a
#define ASC_REMOVAL_PREVENTED   0x53

/* Interrupt reason (sector count register) */
#define IREASON_COD     0x01
#define IREASON_IO      0x02

/* GET EVENT STATUS NOTIFICATION media event codes (MMC-3 5.6.7) */
#define MEC_NO_CHANGE       0
#define MEC_EJECT_REQUEST   1
#define MEC_NEW_MEDIA       2
#define MEC_MEDIA_REMOVAL   3

/* More than a CD holds: such a disc is a DVD (profile 0010h). */
#define CD_MAX_BYTES        (900ULL * 1000 * 1000)

static inline uint16_t get_be16(const uint8_t *p)
{
    return p[0] << 8 | p[1];
}

static inline uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

void atapi_set_signature(IDEState *s)
{
    s->nsector = 1;
    s->sector = 1;
    s->lcyl = 0x14;
    s->hcyl = 0xeb;
}

void atapi_identify(IDEState *s, uint16_t *w)
{
    uint8_t mode = s->xfer_mode;

    memset(w, 0, 512);
    /* ATAPI, CD-ROM, removable, 50 us to DRQ, 12-byte packets */
    w[0] = (2 << 14) | (5 << 8) | (1 << 7) | (2 << 5);
    ide_fill_identify_string(&w[10], s->serial, 10);
    w[20] = 3;
    w[21] = IDE_IO_BUF_SIZE / IDE_SECTOR_SIZE;
    ide_fill_identify_string(&w[23], s->version, 4);
    ide_fill_identify_string(&w[27], s->model, 20);
    w[48] = 1;
    w[49] = (1 << 11) | (1 << 9) | (1 << 8);    /* IORDY, LBA, DMA */
    w[53] = 1 | 2 | 4;
    w[63] = 0x07 | ((mode >> 3) == 4 ? 1 << (8 + (mode & 7)) : 0);
    w[64] = 0x03;
    w[65] = 120;
    w[66] = 120;
    w[67] = 120;
    w[68] = 120;
    w[71] = 30;                     /* PACKET to bus release, ns */
    w[72] = 30;
    w[80] = 0x7e;                   /* ATA/ATAPI-1 .. 6 */
    w[82] = (1 << 14) | (1 << 4);   /* NOP, PACKET */
    w[83] = 1 << 14;
    w[84] = 1 << 14;
    w[85] = (1 << 14) | (1 << 4);
    w[86] = 0;
    w[87] = 1 << 14;
    w[88] = 0x3f | ((mode >> 3) == 8 ? 1 << (8 + (mode & 7)) : 0);
}

static bool atapi_medium(IDEState *s)
{
    return s->blk && blk_is_inserted(s->blk) && !s->tray_open;
}

static uint32_t atapi_blocks(IDEState *s)
{
    return s->nb_sectors / (CD_SECTOR_SIZE / IDE_SECTOR_SIZE);
}

static void atapi_status_phase(IDEState *s)
{
    s->xfer = XFER_NONE;
    s->data_pos = s->data_end = 0;
    s->nsector = IREASON_IO | IREASON_COD;
    ide_set_irq(s);
}

static void atapi_check_condition(IDEState *s, uint8_t key, uint8_t asc,
                                  uint8_t ascq)
{
    s->sense_key = key;
    s->asc = asc;
    s->ascq = ascq;
    s->error = (key << 4) | ATA_ABRT;
    s->status = ATA_DRDY | ATA_ERR;
    s->dma_pending = false;
    atapi_status_phase(s);
}

static void atapi_good(IDEState *s)
{
    s->sense_key = SENSE_NONE;
    s->asc = s->ascq = 0;
    s->error = 0;
    s->status = ATA_DRDY;
    atapi_status_phase(s);
}

static void atapi_not_ready(IDEState *s)
{
    atapi_check_condition(s, SENSE_NOT_READY, ASC_NO_MEDIUM,
                          s->tray_open ? 2 : 1);
}

static void atapi_invalid_field(IDEState *s)
{
    atapi_check_condition(s, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD, 0);
}

/* Ends a DRQ block or the command, for PIO replies and reads. */
static void atapi_read_done(IDEState *s, IDERequest *req, int ret)
{
    uint32_t n = req->len / CD_SECTOR_SIZE;

    if (ret < 0) {
        ide_request_free(req);
        atapi_check_condition(s, 0x03, 0x11, 0);    /* unrecovered read */
        return;
    }
    memcpy(s->io_buf, req->buf, req->len);
    ide_request_free(req);
    s->xfer_lba += n;
    s->xfer_left -= n;
    s->data_pos = 0;
    s->data_end = 0;
    s->xfer = XFER_ATAPI_READ;
    s->buf_fill = n * CD_SECTOR_SIZE;
    atapi_pio_next(s);
}

void atapi_pio_next(IDEState *s)
{
    uint32_t bcl, blk;

    if (!s->atapi_left) {
        atapi_good(s);
        return;
    }
    if (s->xfer == XFER_ATAPI_READ && s->data_pos >= s->buf_fill) {
        uint32_t n = MIN(s->xfer_left,
                         (uint32_t)(IDE_IO_BUF_SIZE / CD_SECTOR_SIZE));
        IDERequest *req = ide_request_new(s, false,
                                          (int64_t)s->xfer_lba * CD_SECTOR_SIZE,
                                          n * CD_SECTOR_SIZE, atapi_read_done);
        s->status = ATA_BSY | ATA_DRDY;
        ide_submit(s, req);
        return;
    }
    /* A DRQ block: at most the byte count limit, even unless it is the
     * last one (ATA/ATAPI-6 9.9). */
    bcl = s->atapi_bcl ? s->atapi_bcl : 0xfffe;
    blk = MIN(s->atapi_left, s->buf_fill - s->data_pos);
    if (blk > bcl) {
        blk = bcl & ~1u;
    }
    if (!blk) {
        blk = MIN(s->atapi_left, s->buf_fill - s->data_pos);
    }
    s->data_end = s->data_pos + blk;
    s->atapi_left -= blk;
    s->lcyl = blk;
    s->hcyl = blk >> 8;
    s->nsector = IREASON_IO;
    s->status = ATA_DRDY | ATA_DRQ;
    ide_set_irq(s);
}

/* The reply in io_buf (size bytes), cut to the allocation length. */
static void atapi_reply(IDEState *s, uint32_t size, uint32_t alloc)
{
    uint32_t len = MIN(size, alloc);

    if (!len) {
        atapi_good(s);
        return;
    }
    s->sense_key = SENSE_NONE;
    s->asc = s->ascq = 0;
    s->error = 0;
    s->xfer = XFER_ATAPI_OUT;
    s->atapi_left = len;
    s->buf_fill = len;
    s->data_pos = s->data_end = 0;
    if (s->packet_dma) {
        s->nsector = IREASON_IO;
        ide_dma_cmd(s, false);
    } else {
        atapi_pio_next(s);
    }
}

static void atapi_read(IDEState *s, uint32_t lba, uint32_t n)
{
    if (!atapi_medium(s)) {
        atapi_not_ready(s);
        return;
    }
    if ((uint64_t)lba + n > atapi_blocks(s)) {
        atapi_check_condition(s, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE,
                              0);
        return;
    }
    if (!n) {
        atapi_good(s);
        return;
    }
    s->xfer_lba = lba;
    s->xfer_left = n;
    s->atapi_left = n * CD_SECTOR_SIZE;
    s->buf_fill = s->data_pos = s->data_end = 0;
    s->xfer = XFER_ATAPI_READ;
    if (s->packet_dma) {
        s->nsector = IREASON_IO;
        ide_dma_cmd(s, false);
    } else {
        atapi_pio_next(s);
    }
}

static uint32_t atapi_mode_pages(IDEState *s, uint8_t *p, uint8_t page)
{
    uint32_t len = 0;

    if (page == 0x01 || page == 0x3f) {         /* read error recovery */
        memset(p, 0, 8);
        p[0] = 0x01;
        p[1] = 0x06;
        p[3] = 5;                               /* read retry count */
        len += 8;
    }
    if (page == 0x2a || page == 0x3f) {         /* capabilities */
        uint8_t *c = p + len;
        memset(c, 0, 20);
        c[0] = 0x2a;
        c[1] = 0x12;
        c[2] = 0x3b;            /* reads CD-R, CD-RW, method 2, DVD-ROM/R/RAM */
        c[4] = 0x71;            /* audio play, mode 2 forms 1 and 2, multi */
        c[5] = 0x00;
        /* tray loader, eject, lock (and its state) */
        c[6] = (1 << 5) | (1 << 3) | 1 | (s->tray_locked ? 2 : 0);
        put_be16(c + 8, 706);   /* maximum read speed, kB/s */
        put_be16(c + 10, 2);    /* volume levels */
        put_be16(c + 12, 512);  /* buffer, KiB */
        put_be16(c + 14, 706);  /* current read speed */
        len += 20;
    }
    return len;
}

static void atapi_mode_sense(IDEState *s, bool ten)
{
    const uint8_t *p = s->packet;
    uint8_t page = p[2] & 0x3f, pc = p[2] >> 6;
    uint32_t alloc = ten ? get_be16(p + 7) : p[4];
    uint32_t hdr = ten ? 8 : 4, len;

    if (pc == 3) {
        atapi_check_condition(s, SENSE_ILLEGAL_REQUEST,
                              ASC_SAVING_UNSUPPORTED, 0);
        return;
    }
    if (page != 0x01 && page != 0x2a && page != 0x3f) {
        atapi_invalid_field(s);
        return;
    }
    memset(s->io_buf, 0, hdr);
    len = hdr + atapi_mode_pages(s, s->io_buf + hdr, page);
    if (ten) {
        put_be16(s->io_buf, len - 2);
    } else {
        s->io_buf[0] = len - 1;
    }
    atapi_reply(s, len, alloc);
}

static void atapi_put_addr(uint8_t *p, uint32_t lba, bool msf)
{
    if (msf) {
        lba += 150;
        p[0] = 0;
        p[1] = lba / (75 * 60);
        p[2] = (lba / 75) % 60;
        p[3] = lba % 75;
    } else {
        put_be32(p, lba);
    }
}

static void atapi_read_toc(IDEState *s)
{
    const uint8_t *p = s->packet;
    bool msf = p[1] & 2;
    uint8_t format = p[2] & 0x0f, start = p[6];
    uint32_t alloc = get_be16(p + 7), len;
    uint8_t *b = s->io_buf;

    if (!format) {
        format = p[9] >> 6;     /* SFF-8020i put it in the control byte */
    }
    if (!atapi_medium(s)) {
        atapi_not_ready(s);
        return;
    }
    memset(b, 0, 32);
    switch (format) {
    case 0:                     /* TOC: track 1 and the lead-out */
        if (start > 1 && start != 0xaa) {
            atapi_invalid_field(s);
            return;
        }
        b[2] = 1;
        b[3] = 1;
        len = 4;
        if (start <= 1) {
            b[len + 1] = 0x14;  /* ADR 1, data track */
            b[len + 2] = 1;
            atapi_put_addr(b + len + 4, 0, msf);
            len += 8;
        }
        b[len + 1] = 0x14;
        b[len + 2] = 0xaa;
        atapi_put_addr(b + len + 4, atapi_blocks(s), msf);
        len += 8;
        break;
    case 1:                     /* session information */
        b[2] = 1;
        b[3] = 1;
        b[5] = 0x14;
        b[6] = 1;
        atapi_put_addr(b + 8, 0, msf);
        len = 12;
        break;
    default:
        atapi_invalid_field(s);
        return;
    }
    put_be16(b, len - 2);
    atapi_reply(s, len, alloc);
}

typedef struct CdFeature {
    uint16_t code;
    bool current;
    uint8_t version;
    uint8_t len;                /* additional length */
    uint8_t data[8];
} CdFeature;

static void atapi_get_configuration(IDEState *s)
{
    const uint8_t *p = s->packet;
    uint8_t rt = p[1] & 3;
    uint16_t start = get_be16(p + 2);
    uint32_t alloc = get_be16(p + 7), len = 8;
    bool medium = atapi_medium(s);
    bool dvd = (uint64_t)s->nb_sectors * IDE_SECTOR_SIZE > CD_MAX_BYTES;
    uint16_t profile = !medium ? 0 : dvd ? 0x0010 : 0x0008;
    CdFeature f[] = {
        /* profile list: DVD-ROM, CD-ROM, each with its current flag */
        { 0x0000, true, 0, 8, { 0x00, 0x10, profile == 0x10, 0,
                                0x00, 0x08, profile == 0x08, 0 } },
        /* core: ATAPI physical interface, device busy events */
        { 0x0001, true, 2, 8, { 0, 0, 0, 2, 1, 0, 0, 0 } },
        /* morphing: asynchronous event notification by polling */
        { 0x0002, true, 1, 4, { 0x02, 0, 0, 0 } },
        /* removable medium: tray, eject, lock */
        { 0x0003, true, 0, 4, { (1 << 5) | (1 << 3) | 1, 0, 0, 0 } },
        /* random readable, 2048-byte blocks */
        { 0x0010, medium, 0, 8, { 0, 0, 0x08, 0, 0, 0x10, 0, 0 } },
        /* CD read, DVD read */
        { 0x001e, medium && !dvd, 2, 4, { 0, 0, 0, 0 } },
        { 0x001f, medium && dvd, 0, 4, { 0, 0, 0, 0 } },
    };
    uint8_t *b = s->io_buf;

    memset(b, 0, 8);
    put_be16(b + 6, profile);
    for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
        if (f[i].code < start || (rt == 1 && !f[i].current) ||
            (rt == 2 && f[i].code != start)) {
            continue;
        }
        put_be16(b + len, f[i].code);
        b[len + 2] = (f[i].version << 2) | (f[i].code <= 3 ? 2 : 0) |
                     f[i].current;
        b[len + 3] = f[i].len;
        memcpy(b + len + 4, f[i].data, f[i].len);
        len += 4 + f[i].len;
    }
    put_be32(b, len - 4);
    atapi_reply(s, len, alloc);
}

static void atapi_event_status(IDEState *s)
{
    const uint8_t *p = s->packet;
    uint32_t alloc = get_be16(p + 7), len;
    uint8_t *b = s->io_buf;

    if (!(p[1] & 1)) {
        /* Only polled operation: there is no asynchronous channel. */
        atapi_invalid_field(s);
        return;
    }
    memset(b, 0, 8);
    b[3] = 0x10;                /* supported: media class */
    if (p[4] & 0x10) {
        b[2] = 0x04;            /* media class */
        b[4] = s->media_event;
        b[5] = (atapi_medium(s) ? 2 : 0) | (s->tray_open ? 1 : 0);
        s->media_event = MEC_NO_CHANGE;
        len = 8;
    } else {
        b[2] = 0x80;            /* no event available */
        len = 4;
    }
    put_be16(b, len - 4);
    atapi_reply(s, len, alloc);
}

static void atapi_start_stop(IDEState *s)
{
    bool loej = s->packet[4] & 2, start = s->packet[4] & 1;

    if (loej) {
        if (!start) {
            if (s->tray_locked) {
                atapi_check_condition(s, SENSE_ILLEGAL_REQUEST,
                                      ASC_REMOVAL_PREVENTED, 2);
                return;
            }
            s->tray_open = true;
        } else if (s->tray_open) {
            s->tray_open = false;
            if (s->blk && blk_is_inserted(s->blk)) {
                s->media_event = MEC_NEW_MEDIA;
            }
        }
    }
    atapi_good(s);
}

/* Commands that report a pending unit attention neither (SPC-3 5.8). */
static bool atapi_ua_exempt(uint8_t op)
{
    return op == 0x12 || op == 0x03 || op == 0x4a || op == 0x46;
}

void atapi_packet_cmd(IDEState *s)
{
    const uint8_t *p = s->io_buf;
    uint8_t op;

    memcpy(s->packet, p, sizeof(s->packet));
    p = s->packet;
    op = p[0];
    s->status = ATA_DRDY | ATA_BSY;
    if (s->unit_attention && !atapi_ua_exempt(op)) {
        s->unit_attention = false;
        atapi_check_condition(s, SENSE_UNIT_ATTENTION, ASC_MEDIUM_CHANGED, 0);
        return;
    }
    switch (op) {
    case 0x00:                  /* TEST UNIT READY */
        if (!atapi_medium(s)) {
            atapi_not_ready(s);
        } else {
            atapi_good(s);
        }
        break;
    case 0x03: {                /* REQUEST SENSE */
        uint8_t *b = s->io_buf;
        memset(b, 0, 18);
        b[0] = 0x70;
        b[2] = s->sense_key;
        b[7] = 10;
        b[12] = s->asc;
        b[13] = s->ascq;
        if (s->sense_key == SENSE_UNIT_ATTENTION) {
            s->unit_attention = false;
        }
        atapi_reply(s, 18, p[4]);
        break;
    }
    case 0x12: {                /* INQUIRY */
        uint8_t *b = s->io_buf;
        if (p[1] & 1) {         /* no vital product data pages */
            atapi_invalid_field(s);
            break;
        }
        memset(b, 0, 36);
        b[0] = 0x05;            /* CD/DVD device */
        b[1] = 0x80;            /* removable */
        b[2] = 0x00;
        b[3] = 0x21;            /* ATAPI, SPC response format */
        b[4] = 36 - 5;
        memcpy(b + 8, "QEMU    ", 8);
        memset(b + 16, ' ', 16);
        memcpy(b + 16, s->model, MIN(strlen(s->model), (size_t)16));
        memset(b + 32, ' ', 4);
        memcpy(b + 32, s->version, MIN(strlen(s->version), (size_t)4));
        atapi_reply(s, 36, get_be16(p + 3));
        break;
    }
    case 0x1a:                  /* MODE SENSE(6) */
        atapi_mode_sense(s, false);
        break;
    case 0x5a:                  /* MODE SENSE(10) */
        atapi_mode_sense(s, true);
        break;
    case 0x1b:                  /* START STOP UNIT */
        atapi_start_stop(s);
        break;
    case 0x1e:                  /* PREVENT ALLOW MEDIUM REMOVAL */
        s->tray_locked = p[4] & 1;
        atapi_good(s);
        break;
    case 0x25: {                /* READ CAPACITY */
        if (!atapi_medium(s)) {
            atapi_not_ready(s);
            break;
        }
        put_be32(s->io_buf, atapi_blocks(s) ? atapi_blocks(s) - 1 : 0);
        put_be32(s->io_buf + 4, CD_SECTOR_SIZE);
        atapi_reply(s, 8, 8);
        break;
    }
    case 0x28:                  /* READ(10) */
        atapi_read(s, get_be32(p + 2), get_be16(p + 7));
        break;
    case 0xa8:                  /* READ(12) */
        atapi_read(s, get_be32(p + 2), get_be32(p + 6));
        break;
    case 0x2b:                  /* SEEK(10) */
        if (!atapi_medium(s)) {
            atapi_not_ready(s);
        } else if (get_be32(p + 2) >= atapi_blocks(s)) {
            atapi_check_condition(s, SENSE_ILLEGAL_REQUEST,
                                  ASC_LBA_OUT_OF_RANGE, 0);
        } else {
            atapi_good(s);
        }
        break;
    case 0x43:                  /* READ TOC/PMA/ATIP */
        atapi_read_toc(s);
        break;
    case 0x46:                  /* GET CONFIGURATION */
        atapi_get_configuration(s);
        break;
    case 0x4a:                  /* GET EVENT STATUS NOTIFICATION */
        atapi_event_status(s);
        break;
    case 0xbb:                  /* SET CD SPEED */
        atapi_good(s);
        break;
    case 0xbd: {                /* MECHANISM STATUS */
        uint8_t *b = s->io_buf;
        memset(b, 0, 8);
        b[1] = s->tray_open ? 0x10 : 0;
        atapi_reply(s, 8, get_be16(p + 8));
        break;
    }
    default:
        kemu_log_mask(LOG_UNIMP, "ide: ATAPI command 0x%02x\n", op);
        atapi_check_condition(s, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE, 0);
        break;
    }
}

/* The backend's medium came or went (change, eject, blockdev-*). */
void atapi_medium_changed(IDEState *s, bool load)
{
    int64_t len = s->blk ? blk_getlength(s->blk) : 0;

    s->nb_sectors = len > 0 ? len / IDE_SECTOR_SIZE : 0;
    if (load) {
        s->tray_open = false;
        s->unit_attention = true;
        s->media_event = MEC_NEW_MEDIA;
    } else {
        s->media_event = MEC_MEDIA_REMOVAL;
    }
}

void atapi_eject_request(IDEState *s, bool force)
{
    if (s->tray_locked && !force) {
        /* The guest decides: it sees an eject request event. */
        s->media_event = MEC_EJECT_REQUEST;
        s->eject_request = true;
        return;
    }
    if (force) {
        s->tray_locked = false;
    }
    s->tray_open = true;
    s->media_event = MEC_MEDIA_REMOVAL;
}
