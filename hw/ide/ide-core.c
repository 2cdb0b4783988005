/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IDE channel and the ATA command set (ATA/ATAPI-6, T13/1410D):
 * the task file with its 48-bit "previous content" copies, device
 * selection, device control (nIEN, SRST, HOB), the PIO data-in and
 * data-out protocols (READ/WRITE SECTORS and MULTIPLE), the DMA protocol
 * over the controller's engine (IDEDMAOps), and the non-data commands.
 *
 * Requests go through the BlockBackend asynchronously: the device is BSY
 * until the completion runs in the main loop. Each request has its own
 * buffer and the generation of its unit, so a reset that abandons it
 * only has to bump the generation; the late completion frees it unseen.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "util/main-loop.h"
#include "hw/ide/ide.h"
#include "exec/memory.h"

#define DMA_CHUNK       (256 * 1024)

static inline IDEState *ide_cur(IDEBus *bus)
{
    return &bus->ifs[bus->unit];
}

static bool ide_bus_empty(IDEBus *bus)
{
    return bus->ifs[0].kind == IDE_NONE && bus->ifs[1].kind == IDE_NONE;
}

/* ---- interrupts ---- */

void ide_update_irq(IDEBus *bus)
{
    IDEState *s = ide_cur(bus);
    bool level = s->irq_pending && !(bus->devctl & ATA_NIEN);

    if (level && !bus->irq_level && bus->dma_ops && bus->dma_ops->irq_raised) {
        bus->dma_ops->irq_raised(bus);
    }
    bus->irq_level = level;
    qemu_set_irq(bus->irq, level);
}

void ide_set_irq(IDEState *s)
{
    s->irq_pending = true;
    ide_update_irq(s->bus);
}

static void ide_clear_irq(IDEState *s)
{
    s->irq_pending = false;
    ide_update_irq(s->bus);
}

/* ---- task file helpers ---- */

static uint64_t ide_get_sector(IDEState *s, bool *ok)
{
    *ok = true;
    if (s->lba48) {
        return (uint64_t)s->hob_hcyl << 40 | (uint64_t)s->hob_lcyl << 32 |
               (uint64_t)s->hob_sector << 24 | s->hcyl << 16 |
               s->lcyl << 8 | s->sector;
    }
    if (s->select & 0x40) {
        return (uint32_t)(s->select & 0x0f) << 24 | s->hcyl << 16 |
               s->lcyl << 8 | s->sector;
    }
    /* CHS, in the geometry INITIALIZE DEVICE PARAMETERS chose */
    unsigned cyl = s->hcyl << 8 | s->lcyl, head = s->select & 0x0f;
    if (s->sector == 0 || s->sector > s->cur_sectors ||
        head >= s->cur_heads) {
        *ok = false;
        return 0;
    }
    return ((uint64_t)cyl * s->cur_heads + head) * s->cur_sectors +
           s->sector - 1;
}

static void ide_set_sector(IDEState *s, uint64_t lba)
{
    if (s->lba48) {
        s->sector = lba;
        s->lcyl = lba >> 8;
        s->hcyl = lba >> 16;
        s->hob_sector = lba >> 24;
        s->hob_lcyl = lba >> 32;
        s->hob_hcyl = lba >> 40;
    } else if (s->select & 0x40) {
        s->sector = lba;
        s->lcyl = lba >> 8;
        s->hcyl = lba >> 16;
        s->select = (s->select & 0xf0) | ((lba >> 24) & 0x0f);
    } else if (s->cur_heads && s->cur_sectors) {
        uint64_t cyl = lba / (s->cur_heads * s->cur_sectors);
        uint32_t r = lba % (s->cur_heads * s->cur_sectors);
        s->hcyl = cyl >> 8;
        s->lcyl = cyl;
        s->select = (s->select & 0xf0) | ((r / s->cur_sectors) & 0x0f);
        s->sector = r % s->cur_sectors + 1;
    }
}

static uint32_t ide_get_nsector(IDEState *s)
{
    if (s->lba48) {
        uint32_t n = s->hob_nsector << 8 | s->nsector;
        return n ? n : 65536;
    }
    return s->nsector ? s->nsector : 256;
}

/* ---- ending commands ---- */

void ide_transfer_stop(IDEState *s)
{
    s->xfer = XFER_NONE;
    s->data_pos = s->data_end = 0;
    s->dma_pending = false;
}

void ide_abort(IDEState *s, uint8_t error)
{
    ide_transfer_stop(s);
    s->error = error;
    s->status = ATA_DRDY | ATA_ERR;
    ide_set_irq(s);
}

void ide_cmd_done(IDEState *s)
{
    ide_transfer_stop(s);
    s->status = ATA_DRDY | ATA_DSC;
    ide_set_irq(s);
}

/* ---- requests ---- */

IDERequest *ide_request_new(IDEState *s, bool is_write, int64_t offset,
                            uint32_t len, IDERequestDone *done)
{
    IDERequest *req = g_new0(IDERequest, 1);

    req->s = s;
    req->gen = s->retry_gen;
    req->is_write = is_write;
    req->offset = offset;
    req->len = len;
    req->buf = len ? g_malloc(len) : NULL;
    req->done = done;
    return req;
}

void ide_request_free(IDERequest *req)
{
    g_free(req->buf);
    g_free(req->sg);
    g_free(req);
}

static void ide_request_cb(void *opaque, int ret)
{
    IDERequest *req = opaque;
    IDEState *s = req->s;

    if (req->gen != s->retry_gen) {
        /* Abandoned by a reset: nobody waits for it any more. */
        ide_request_free(req);
        return;
    }
    if (ret < 0 && s->blk) {
        bool is_read = !req->is_write && !req->is_flush;
        BlockErrorVerdict v = blk_get_error_action(s->blk, is_read, -ret);

        blk_error_action(s->blk, v, is_read, -ret);
        if (v == BLOCK_ERROR_STOP) {
            s->stopped = req;
            return;
        }
        if (v == BLOCK_ERROR_IGNORE) {
            ret = 0;
        }
    }
    if (s->blk) {
        blk_account(s->blk, req->is_flush ? BLOCK_ACCT_FLUSH :
                    req->is_write ? BLOCK_ACCT_WRITE : BLOCK_ACCT_READ,
                    req->is_flush ? 0 : req->len, ret < 0);
    }
    req->done(s, req, ret);
}

static void ide_request_nomedium_bh(void *opaque)
{
    ide_request_cb(opaque, -ENOMEDIUM);
}

void ide_submit(IDEState *s, IDERequest *req)
{
    if (!s->blk || (!req->is_flush && !blk_is_inserted(s->blk))) {
        /* Completions always come from the main loop, never inline. */
        main_loop_bh_schedule(ide_request_nomedium_bh, req);
        return;
    }
    req->iov.iov_base = req->buf;
    req->iov.iov_len = req->len;
    if (req->is_flush) {
        blk_aio_flush(s->blk, ide_request_cb, req);
    } else if (req->is_write) {
        blk_aio_pwritev(s->blk, req->offset, &req->iov, 1, ide_request_cb, req);
    } else {
        blk_aio_preadv(s->blk, req->offset, &req->iov, 1, ide_request_cb, req);
    }
}

/* The VM resumed after werror/rerror=stop: retry what was kept. */
void ide_retry_stopped(IDEState *s)
{
    IDERequest *req = s->stopped;

    s->stopped = NULL;
    if (req) {
        ide_submit(s, req);
    }
}

/* ---- PIO data-in / data-out ---- */

static uint32_t ide_block_sectors(IDEState *s)
{
    bool mult = s->cmd == 0xc4 || s->cmd == 0xc5 || s->cmd == 0x29 ||
                s->cmd == 0x39;

    return MIN(s->xfer_left, mult ? s->mult_sectors : 1u);
}

static void ide_pio_read_done(IDEState *s, IDERequest *req, int ret)
{
    uint32_t n = req->len / IDE_SECTOR_SIZE;

    if (ret < 0) {
        ide_set_sector(s, s->xfer_lba);
        ide_request_free(req);
        ide_abort(s, ATA_UNC);
        return;
    }
    memcpy(s->io_buf, req->buf, req->len);
    ide_request_free(req);
    s->xfer_lba += n;
    s->xfer_left -= n;
    ide_set_sector(s, s->xfer_lba - 1);
    s->data_pos = 0;
    s->data_end = n * IDE_SECTOR_SIZE;
    s->xfer = XFER_PIO_READ;
    s->status = ATA_DRDY | ATA_DSC | ATA_DRQ;
    ide_set_irq(s);
}

static void ide_pio_read_next(IDEState *s)
{
    uint32_t n = ide_block_sectors(s);
    IDERequest *req = ide_request_new(s, false, s->xfer_lba * IDE_SECTOR_SIZE,
                                      n * IDE_SECTOR_SIZE, ide_pio_read_done);

    s->status = ATA_BSY | ATA_DRDY;
    s->data_pos = s->data_end = 0;
    ide_submit(s, req);
}

static void ide_pio_write_ready(IDEState *s)
{
    s->data_pos = 0;
    s->data_end = ide_block_sectors(s) * IDE_SECTOR_SIZE;
    s->xfer = XFER_PIO_WRITE;
    s->status = ATA_DRDY | ATA_DSC | ATA_DRQ;
}

static void ide_pio_write_done(IDEState *s, IDERequest *req, int ret)
{
    uint32_t n = req->len / IDE_SECTOR_SIZE;

    ide_request_free(req);
    if (ret < 0) {
        ide_set_sector(s, s->xfer_lba);
        ide_abort(s, ATA_ABRT);
        return;
    }
    s->xfer_lba += n;
    s->xfer_left -= n;
    ide_set_sector(s, s->xfer_lba - 1);
    if (s->xfer_left) {
        ide_pio_write_ready(s);
        ide_set_irq(s);
    } else {
        ide_cmd_done(s);
    }
}

static void ide_pio_write_block(IDEState *s)
{
    IDERequest *req = ide_request_new(s, true, s->xfer_lba * IDE_SECTOR_SIZE,
                                      s->data_end, ide_pio_write_done);

    memcpy(req->buf, s->io_buf, s->data_end);
    s->xfer = XFER_NONE;
    s->status = ATA_BSY | ATA_DRDY;
    ide_submit(s, req);
}

/* The host moved the last byte of a DRQ block. */
static void ide_block_done(IDEState *s)
{
    switch (s->xfer) {
    case XFER_PIO_READ:
        if (s->xfer_left) {
            ide_pio_read_next(s);
        } else {
            ide_transfer_stop(s);
            s->status = ATA_DRDY | ATA_DSC;
        }
        break;
    case XFER_PIO_OUT:
        ide_transfer_stop(s);
        s->status = ATA_DRDY | ATA_DSC;
        break;
    case XFER_PIO_WRITE:
        ide_pio_write_block(s);
        break;
    case XFER_PACKET:
        s->xfer = XFER_NONE;
        atapi_packet_cmd(s);
        break;
    case XFER_ATAPI_READ:
    case XFER_ATAPI_OUT:
        atapi_pio_next(s);
        break;
    default:
        break;
    }
}

static bool ide_xfer_to_host(IDEState *s)
{
    return s->xfer == XFER_PIO_READ || s->xfer == XFER_PIO_OUT ||
           s->xfer == XFER_ATAPI_READ || s->xfer == XFER_ATAPI_OUT;
}

uint32_t ide_data_read(IDEBus *bus, unsigned size)
{
    IDEState *s = ide_cur(bus);
    uint32_t val = 0;

    if (s->kind == IDE_NONE || !(s->status & ATA_DRQ) ||
        !ide_xfer_to_host(s) || s->data_pos >= s->data_end) {
        kemu_log_mask(LOG_GUEST_ERROR, "ide%d: data read without DRQ\n",
                      bus->bus_id);
        return 0;
    }
    size = MIN(size, s->data_end - s->data_pos);
    for (unsigned i = 0; i < size; i++) {
        val |= (uint32_t)s->io_buf[s->data_pos++] << (8 * i);
    }
    if (s->data_pos >= s->data_end) {
        ide_block_done(s);
    }
    return val;
}

void ide_data_write(IDEBus *bus, uint32_t val, unsigned size)
{
    IDEState *s = ide_cur(bus);

    if (s->kind == IDE_NONE || !(s->status & ATA_DRQ) ||
        (s->xfer != XFER_PIO_WRITE && s->xfer != XFER_PACKET) ||
        s->data_pos >= s->data_end) {
        kemu_log_mask(LOG_GUEST_ERROR, "ide%d: data write without DRQ\n",
                      bus->bus_id);
        return;
    }
    size = MIN(size, s->data_end - s->data_pos);
    for (unsigned i = 0; i < size; i++) {
        s->io_buf[s->data_pos++] = val >> (8 * i);
    }
    if (s->data_pos >= s->data_end) {
        ide_block_done(s);
    }
}

/* ---- DMA ---- */

static void ide_dma_step(IDEState *s, IDERequest *req);

static void ide_dma_finish(IDEState *s, IDERequest *req, bool error)
{
    IDEBus *bus = s->bus;
    bool longer = req->longer;

    ide_request_free(req);
    s->dma_pending = false;
    if (bus->dma_ops) {
        bus->dma_ops->done(bus, error, longer && !error);
    }
    if (s->kind == IDE_CD) {
        s->xfer = XFER_NONE;
        if (error) {
            s->sense_key = 0x04;        /* HARDWARE ERROR */
            s->asc = 0x44;              /* internal target failure */
            s->ascq = 0;
            s->error = (s->sense_key << 4) | ATA_ABRT;
            s->status = ATA_DRDY | ATA_ERR;
        } else {
            s->status = ATA_DRDY;
        }
        s->nsector = 3;                 /* I/O | CoD: status phase */
        ide_set_irq(s);
        return;
    }
    if (error) {
        ide_set_sector(s, s->xfer_lba);
        ide_abort(s, ATA_ABRT);
        return;
    }
    ide_set_sector(s, s->xfer_lba - 1);
    ide_cmd_done(s);
}

/* Copies between buf and the guest pieces, from transfer offset 'pos'. */
static bool ide_dma_copy(IDESg *sg, int nsg, uint64_t pos, uint8_t *buf,
                         uint32_t len, bool to_guest)
{
    for (int i = 0; i < nsg && len; i++) {
        if (pos >= sg[i].len) {
            pos -= sg[i].len;
            continue;
        }
        uint32_t n = MIN(sg[i].len - pos, len);
        MemTxResult r = to_guest ?
            dma_memory_write(&address_space_memory, sg[i].addr + pos, buf, n) :
            dma_memory_read(&address_space_memory, sg[i].addr + pos, buf, n);
        if (r != MEMTX_OK) {
            kemu_log_mask(LOG_GUEST_ERROR, "ide: DMA to 0x%" PRIx64
                          " (%u bytes) is outside guest RAM\n",
                          sg[i].addr + pos, n);
            return false;
        }
        buf += n;
        len -= n;
        pos = 0;
    }
    return len == 0;
}

static void ide_dma_chunk_done(IDEState *s, IDERequest *req, int ret)
{
    uint32_t unit = s->kind == IDE_CD ? CD_SECTOR_SIZE : IDE_SECTOR_SIZE;

    if (ret < 0) {
        if (s->kind == IDE_CD) {
            s->sense_key = 0x03;        /* MEDIUM ERROR */
            s->asc = 0x11;              /* unrecovered read error */
            s->ascq = 0;
            if (s->bus->dma_ops) {
                s->bus->dma_ops->done(s->bus, false, false);
            }
            ide_request_free(req);
            s->error = (s->sense_key << 4) | ATA_ABRT;
            s->status = ATA_DRDY | ATA_ERR;
            s->nsector = 3;
            ide_transfer_stop(s);
            ide_set_irq(s);
            return;
        }
        ide_set_sector(s, s->xfer_lba);
        if (s->bus->dma_ops) {
            s->bus->dma_ops->done(s->bus, false, false);
        }
        ide_request_free(req);
        ide_abort(s, s->dma_write ? ATA_ABRT : ATA_UNC);
        return;
    }
    if (!req->is_write && !ide_dma_copy(req->sg, req->nsg, req->sg_done,
                                        req->buf, req->len, true)) {
        ide_dma_finish(s, req, true);
        return;
    }
    req->sg_done += req->len;
    s->xfer_lba += req->len / unit;
    s->xfer_left -= req->len / unit;
    ide_dma_step(s, req);
}

static void ide_dma_step(IDEState *s, IDERequest *req)
{
    uint32_t len;

    if (req->sg_done >= req->total) {
        ide_dma_finish(s, req, false);
        return;
    }
    len = MIN(req->total - req->sg_done, (uint64_t)DMA_CHUNK);
    if (req->len != len) {
        g_free(req->buf);
        req->buf = g_malloc(len);
        req->len = len;
    }
    req->offset = (int64_t)s->xfer_lba *
                  (s->kind == IDE_CD ? CD_SECTOR_SIZE : IDE_SECTOR_SIZE);
    if (req->is_write && !ide_dma_copy(req->sg, req->nsg, req->sg_done,
                                       req->buf, len, false)) {
        ide_dma_finish(s, req, true);
        return;
    }
    ide_submit(s, req);
}

void ide_dma_start(IDEState *s)
{
    IDEBus *bus = s->bus;
    IDERequest *req;
    uint64_t total;
    IDESg *sg = NULL;
    int nsg = 0;
    bool longer = false;

    s->dma_pending = false;
    s->status = ATA_BSY | ATA_DRDY | ATA_DSC;
    if (s->xfer == XFER_ATAPI_OUT) {
        total = s->atapi_left;
    } else {
        total = (uint64_t)s->xfer_left *
                (s->kind == IDE_CD ? CD_SECTOR_SIZE : IDE_SECTOR_SIZE);
    }
    req = ide_request_new(s, s->dma_write, 0, 0, ide_dma_chunk_done);
    req->total = total;
    if (!bus->dma_ops || !bus->dma_ops->build_sg(bus, total, &sg, &nsg,
                                                 &longer)) {
        ide_dma_finish(s, req, true);
        return;
    }
    req->sg = sg;
    req->nsg = nsg;
    req->longer = longer;
    if (s->xfer == XFER_ATAPI_OUT) {
        /* A prepared reply: no disk I/O, straight to guest memory. */
        bool ok = ide_dma_copy(sg, nsg, 0, s->io_buf, total, true);
        ide_dma_finish(s, req, !ok);
        return;
    }
    ide_dma_step(s, req);
}

void ide_dma_kick(IDEBus *bus)
{
    for (int i = 0; i < 2; i++) {
        if (bus->ifs[i].dma_pending) {
            ide_dma_start(&bus->ifs[i]);
        }
    }
}

/* A DMA command is ready: it runs when the engine's start bit is set. */
void ide_dma_cmd(IDEState *s, bool is_write)
{
    s->dma_write = is_write;
    s->dma_pending = true;
    s->status = ATA_DRDY | ATA_DSC | ATA_DRQ;
    if (s->bus->dma_ops && s->bus->dma_ops->active(s->bus)) {
        ide_dma_start(s);
    }
}

/* ---- IDENTIFY DEVICE ---- */

void ide_fill_identify_string(uint16_t *w, const char *src, int words)
{
    size_t n = strlen(src);

    /* ATA strings: space padded, two characters per word, first one in
     * the high byte. */
    for (int i = 0; i < words * 2; i++) {
        uint8_t c = i < (int)n ? src[i] : ' ';
        if (i & 1) {
            w[i / 2] |= c;
        } else {
            w[i / 2] = c << 8;
        }
    }
}

static void ide_identify(IDEState *s, uint16_t *w)
{
    uint64_t lba28 = MIN(s->nb_sectors, (uint64_t)0x0fffffff);
    uint32_t chs = (uint32_t)s->cur_heads * s->cur_sectors *
                   MIN((uint64_t)s->cylinders,
                       s->nb_sectors / MAX(1u, s->cur_heads * s->cur_sectors));
    bool wce = s->blk && blk_enable_write_cache(s->blk);
    uint8_t mode = s->xfer_mode;
    uint8_t csum = 0;

    memset(w, 0, 512);
    w[0] = 0x0040;                  /* fixed device */
    w[1] = s->cylinders;
    w[3] = s->heads;
    w[4] = IDE_SECTOR_SIZE * s->sectors;   /* obsolete, kept as drives do */
    w[5] = IDE_SECTOR_SIZE;
    w[6] = s->sectors;
    ide_fill_identify_string(&w[10], s->serial, 10);
    w[20] = 3;                      /* obsolete buffer type */
    w[21] = IDE_IO_BUF_SIZE / IDE_SECTOR_SIZE;
    ide_fill_identify_string(&w[23], s->version, 4);
    ide_fill_identify_string(&w[27], s->model, 20);
    w[47] = 0x8000 | IDE_MAX_MULT;
    w[48] = 1;                      /* dword I/O */
    w[49] = (1 << 11) | (1 << 9) | (1 << 8);    /* IORDY, LBA, DMA */
    w[50] = 0x4000;
    w[51] = 0x200;                  /* PIO timing */
    w[52] = 0x200;
    w[53] = 1 | 2 | 4;              /* words 54-58, 64-70, 88 valid */
    w[54] = s->cylinders;
    w[55] = s->cur_heads;
    w[56] = s->cur_sectors;
    w[57] = chs;
    w[58] = chs >> 16;
    if (s->mult_sectors) {
        w[59] = 0x100 | s->mult_sectors;
    }
    w[60] = lba28;
    w[61] = lba28 >> 16;
    w[63] = 0x07 | ((mode >> 3) == 4 ? 1 << (8 + (mode & 7)) : 0);
    w[64] = 0x03;                   /* PIO modes 3 and 4 */
    w[65] = 120;
    w[66] = 120;
    w[67] = 120;
    w[68] = 120;
    w[80] = 0x00f0;                 /* ATA-4 .. ATA-7 */
    w[81] = 0x16;
    w[82] = (1 << 14) | (1 << 5);   /* NOP, write cache */
    w[83] = (1 << 14) | (1 << 13) | (1 << 12) | (1 << 10);
    w[84] = 1 << 14;
    w[85] = (1 << 14) | (wce ? 1 << 5 : 0);
    w[86] = (1 << 13) | (1 << 12) | (1 << 10);
    w[87] = 1 << 14;
    w[88] = 0x3f | ((mode >> 3) == 8 ? 1 << (8 + (mode & 7)) : 0);
    w[93] = (1 << 14) | 1;
    w[100] = s->nb_sectors;
    w[101] = s->nb_sectors >> 16;
    w[102] = s->nb_sectors >> 32;
    w[103] = s->nb_sectors >> 48;
    /* Integrity word: signature A5h, then the byte sum to zero. */
    w[255] = 0xa5;
    for (int i = 0; i < 255; i++) {
        csum += (w[i] & 0xff) + (w[i] >> 8);
    }
    csum += 0xa5;
    w[255] |= (uint16_t)(uint8_t)-csum << 8;
}

static void ide_pio_out(IDEState *s, uint32_t len)
{
    s->xfer = XFER_PIO_OUT;
    s->data_pos = 0;
    s->data_end = len;
    s->status = ATA_DRDY | ATA_DSC | ATA_DRQ;
    ide_set_irq(s);
}

static void ide_identify_to_buf(IDEState *s, uint8_t *buf, bool packet)
{
    uint16_t w[256];

    if (packet) {
        atapi_identify(s, w);
    } else {
        ide_identify(s, w);
    }
    for (int i = 0; i < 256; i++) {
        buf[2 * i] = w[i];
        buf[2 * i + 1] = w[i] >> 8;
    }
}

/* ---- commands ---- */

static void ide_flush_done(IDEState *s, IDERequest *req, int ret)
{
    ide_request_free(req);
    if (ret < 0) {
        ide_abort(s, ATA_ABRT);
    } else {
        ide_cmd_done(s);
    }
}

static void ide_flush(IDEState *s)
{
    IDERequest *req = ide_request_new(s, false, 0, 0, ide_flush_done);

    req->is_flush = true;
    s->status = ATA_BSY | ATA_DRDY;
    ide_submit(s, req);
}

/* Sets up a read or write from the task file; false: aborted. */
static bool ide_rw_setup(IDEState *s, bool lba48)
{
    bool ok;
    uint64_t lba;
    uint32_t n;

    s->lba48 = lba48;
    lba = ide_get_sector(s, &ok);
    n = ide_get_nsector(s);
    if (!ok || lba >= s->nb_sectors || n > s->nb_sectors - lba) {
        kemu_log_mask(LOG_GUEST_ERROR, "ide: sector %" PRIu64 "+%u out of "
                      "range (%" PRIu64 " sectors)\n", lba, n, s->nb_sectors);
        ide_abort(s, ATA_IDNF | ATA_ABRT);
        return false;
    }
    s->xfer_lba = lba;
    s->xfer_left = n;
    return true;
}

static void ide_set_features(IDEState *s)
{
    switch (s->feature) {
    case 0x02:                      /* enable write cache */
    case 0x82:                      /* disable write cache */
        if (s->blk) {
            blk_set_enable_write_cache(s->blk, s->feature == 0x02);
        }
        break;
    case 0x03: {                    /* set transfer mode */
        uint8_t type = s->nsector >> 3, n = s->nsector & 7;
        if (!((type == 0 && n <= 1) || (type == 1 && n <= 4) ||
              (type == 4 && n <= 2) || (type == 8 && n <= 5))) {
            ide_abort(s, ATA_ABRT);
            return;
        }
        s->xfer_mode = s->nsector;
        break;
    }
    case 0x05: case 0x85:           /* advanced power management */
    case 0x31: case 0xb1:           /* media status notification */
    case 0x42: case 0xc2:           /* acoustic management */
    case 0x55: case 0xaa:           /* read look-ahead */
    case 0x66: case 0xcc:           /* reverting to power-on defaults */
        break;
    default:
        kemu_log_mask(LOG_UNIMP, "ide: SET FEATURES 0x%02x\n", s->feature);
        ide_abort(s, ATA_ABRT);
        return;
    }
    ide_cmd_done(s);
}

static void ide_read_native_max(IDEState *s, bool lba48)
{
    uint64_t max = s->nb_sectors ? s->nb_sectors - 1 : 0;

    s->lba48 = lba48;
    if (!lba48) {
        max = MIN(max, (uint64_t)0x0fffffff);
        s->select |= 0x40;
    }
    ide_set_sector(s, max);
    ide_cmd_done(s);
}

/* Commands an ATAPI device accepts outside PACKET. */
static bool atapi_cmd_ok(uint8_t cmd)
{
    switch (cmd) {
    case 0x00: case 0x08: case 0x90: case 0xa0: case 0xa1:
    case 0xe0: case 0xe1: case 0xe2: case 0xe3: case 0xe5: case 0xe6:
    case 0xe7: case 0xef:
        return true;
    }
    return false;
}

void ide_exec_cmd(IDEState *s, uint8_t cmd)
{
    bool is_cd = s->kind == IDE_CD;

    s->cmd = cmd;
    s->lba48 = false;
    s->error = 0;
    ide_clear_irq(s);
    ide_transfer_stop(s);

    if (is_cd && !atapi_cmd_ok(cmd)) {
        if (cmd == 0xec) {
            /* How hosts tell ATAPI apart: the signature, then an abort. */
            atapi_set_signature(s);
        }
        ide_abort(s, ATA_ABRT);
        return;
    }
    switch (cmd) {
    case 0xec:                      /* IDENTIFY DEVICE */
        ide_identify_to_buf(s, s->io_buf, false);
        ide_pio_out(s, 512);
        break;
    case 0xa1:                      /* IDENTIFY PACKET DEVICE */
        if (!is_cd) {
            ide_abort(s, ATA_ABRT);
            break;
        }
        ide_identify_to_buf(s, s->io_buf, true);
        ide_pio_out(s, 512);
        break;
    case 0xa0:                      /* PACKET */
        if (!is_cd) {
            ide_abort(s, ATA_ABRT);
            break;
        }
        s->packet_dma = s->feature & 1;
        s->atapi_bcl = s->lcyl | s->hcyl << 8;
        s->xfer = XFER_PACKET;
        s->data_pos = 0;
        s->data_end = 12;
        s->nsector = 1;             /* CoD: the command packet */
        s->status = ATA_DRDY | ATA_DRQ;
        break;
    case 0x08:                      /* DEVICE RESET */
        if (!is_cd) {
            ide_abort(s, ATA_ABRT);
            break;
        }
        atapi_set_signature(s);
        s->status = 0;
        s->error = 0x01;
        break;
    case 0x90:                      /* EXECUTE DEVICE DIAGNOSTIC */
        for (int i = 0; i < 2; i++) {
            IDEState *u = &s->bus->ifs[i];
            if (u->kind == IDE_CD) {
                atapi_set_signature(u);
                u->status = 0;
            } else if (u->kind == IDE_HD) {
                u->nsector = u->sector = 1;
                u->lcyl = u->hcyl = 0;
                u->status = ATA_DRDY | ATA_DSC;
            }
            u->error = 0x01;
        }
        ide_set_irq(s);
        break;
    case 0x20: case 0x21:           /* READ SECTORS */
    case 0x24:                      /* READ SECTORS EXT */
    case 0xc4:                      /* READ MULTIPLE */
    case 0x29:                      /* READ MULTIPLE EXT */
        if ((cmd == 0xc4 || cmd == 0x29) && !s->mult_sectors) {
            ide_abort(s, ATA_ABRT);
            break;
        }
        if (ide_rw_setup(s, cmd == 0x24 || cmd == 0x29)) {
            ide_pio_read_next(s);
        }
        break;
    case 0x30: case 0x31:           /* WRITE SECTORS */
    case 0x34:                      /* WRITE SECTORS EXT */
    case 0xc5:                      /* WRITE MULTIPLE */
    case 0x39:                      /* WRITE MULTIPLE EXT */
        if ((cmd == 0xc5 || cmd == 0x39) && !s->mult_sectors) {
            ide_abort(s, ATA_ABRT);
            break;
        }
        if (ide_rw_setup(s, cmd == 0x34 || cmd == 0x39)) {
            /* data-out: DRQ for the first block, no interrupt */
            ide_pio_write_ready(s);
        }
        break;
    case 0xc8: case 0xc9:           /* READ DMA */
    case 0x25:                      /* READ DMA EXT */
        if (ide_rw_setup(s, cmd == 0x25)) {
            ide_dma_cmd(s, false);
        }
        break;
    case 0xca: case 0xcb:           /* WRITE DMA */
    case 0x35:                      /* WRITE DMA EXT */
        if (ide_rw_setup(s, cmd == 0x35)) {
            ide_dma_cmd(s, true);
        }
        break;
    case 0x40: case 0x41:           /* READ VERIFY SECTORS */
    case 0x42:                      /* READ VERIFY SECTORS EXT */
        if (ide_rw_setup(s, cmd == 0x42)) {
            ide_set_sector(s, s->xfer_lba + s->xfer_left - 1);
            ide_cmd_done(s);
        }
        break;
    case 0xc6:                      /* SET MULTIPLE MODE */
        if (s->nsector > IDE_MAX_MULT || (s->nsector & (s->nsector - 1))) {
            ide_abort(s, ATA_ABRT);
            break;
        }
        s->mult_sectors = s->nsector;
        ide_cmd_done(s);
        break;
    case 0x91:                      /* INITIALIZE DEVICE PARAMETERS */
        if (!s->nsector) {
            ide_abort(s, ATA_ABRT);
            break;
        }
        s->cur_heads = (s->select & 0x0f) + 1;
        s->cur_sectors = s->nsector;
        ide_cmd_done(s);
        break;
    case 0xe7:                      /* FLUSH CACHE */
    case 0xea:                      /* FLUSH CACHE EXT */
        if (is_cd) {
            ide_cmd_done(s);
            break;
        }
        ide_flush(s);
        break;
    case 0xef:                      /* SET FEATURES */
        ide_set_features(s);
        break;
    case 0xe0: case 0xe2: case 0xe6:    /* STANDBY (IMMEDIATE), SLEEP */
        s->standby = true;
        ide_cmd_done(s);
        break;
    case 0xe1: case 0xe3:           /* IDLE (IMMEDIATE) */
        s->standby = false;
        ide_cmd_done(s);
        break;
    case 0xe5:                      /* CHECK POWER MODE */
        s->nsector = s->standby ? 0x00 : 0xff;
        ide_cmd_done(s);
        break;
    case 0xf8:                      /* READ NATIVE MAX ADDRESS */
    case 0x27:                      /* READ NATIVE MAX ADDRESS EXT */
        ide_read_native_max(s, cmd == 0x27);
        break;
    case 0x70:                      /* SEEK */
    case 0x10 ... 0x1f:             /* RECALIBRATE */
        ide_cmd_done(s);
        break;
    default:
        kemu_log_mask(LOG_UNIMP, "ide%d: command 0x%02x\n", s->bus->bus_id,
                      cmd);
        ide_abort(s, ATA_ABRT);
        break;
    }
}

/* ---- registers ---- */

uint32_t ide_ioport_read(IDEBus *bus, uint32_t reg)
{
    IDEState *s = ide_cur(bus);
    bool hob = bus->devctl & ATA_HOB;

    /* No device at all: nothing drives the bus. A missing unit 1 reads
     * back unit 0's shadow registers but a zero status. */
    if (ide_bus_empty(bus)) {
        return 0;
    }
    switch (reg & 7) {
    case 1:
        return s->error;
    case 2:
        return hob ? s->hob_nsector : s->nsector;
    case 3:
        return hob ? s->hob_sector : s->sector;
    case 4:
        return hob ? s->hob_lcyl : s->lcyl;
    case 5:
        return hob ? s->hob_hcyl : s->hcyl;
    case 6:
        return s->select;
    case 7:
        if (s->kind == IDE_NONE) {
            return 0;
        }
        ide_clear_irq(s);
        return s->status;
    }
    return 0;
}

uint32_t ide_status_read(IDEBus *bus)
{
    IDEState *s = ide_cur(bus);

    return s->kind == IDE_NONE ? 0 : s->status;
}

void ide_ioport_write(IDEBus *bus, uint32_t reg, uint32_t val)
{
    IDEState *s = ide_cur(bus);

    val &= 0xff;
    if (reg >= 1 && reg <= 6) {
        /* A write to the command block clears HOB. */
        bus->devctl &= ~ATA_HOB;
        if (s->status & (ATA_BSY | ATA_DRQ)) {
            kemu_log_mask(LOG_GUEST_ERROR, "ide%d: register %u written "
                          "while busy\n", bus->bus_id, reg);
        }
    }
    for (int i = 0; i < 2 && reg >= 1 && reg <= 5; i++) {
        IDEState *u = &bus->ifs[i];
        switch (reg) {
        case 1:
            u->hob_feature = u->feature;
            u->feature = val;
            break;
        case 2:
            u->hob_nsector = u->nsector;
            u->nsector = val;
            break;
        case 3:
            u->hob_sector = u->sector;
            u->sector = val;
            break;
        case 4:
            u->hob_lcyl = u->lcyl;
            u->lcyl = val;
            break;
        case 5:
            u->hob_hcyl = u->hcyl;
            u->hcyl = val;
            break;
        }
    }
    switch (reg) {
    case 6:
        bus->ifs[0].select = val | 0xa0;
        bus->ifs[1].select = val | 0xa0;
        bus->unit = (val >> 4) & 1;
        ide_update_irq(bus);
        break;
    case 7:
        if (s->kind == IDE_NONE) {
            return;
        }
        if ((s->status & ATA_BSY) && !(s->kind == IDE_CD && val == 0x08)) {
            kemu_log_mask(LOG_GUEST_ERROR, "ide%d: command 0x%02x while "
                          "busy\n", bus->bus_id, val);
            return;
        }
        if (s->status & ATA_BSY) {
            s->retry_gen++;
        }
        ide_exec_cmd(s, val);
        break;
    }
}

static void ide_soft_reset_unit(IDEState *s)
{
    s->retry_gen++;
    if (s->stopped) {
        ide_request_free(s->stopped);
        s->stopped = NULL;
    }
    ide_transfer_stop(s);
    s->irq_pending = false;
    s->select = 0xa0;
    s->feature = s->hob_feature = 0;
    s->hob_nsector = s->hob_sector = s->hob_lcyl = s->hob_hcyl = 0;
    s->error = 0x01;
    if (s->kind == IDE_CD) {
        atapi_set_signature(s);
        s->status = 0;
    } else {
        s->nsector = s->sector = 1;
        s->lcyl = s->hcyl = 0;
        s->status = s->kind == IDE_HD ? ATA_DRDY | ATA_DSC : 0;
    }
}

void ide_devctl_write(IDEBus *bus, uint32_t val)
{
    bool was = bus->devctl & ATA_SRST;

    if (!was && (val & ATA_SRST)) {
        for (int i = 0; i < 2; i++) {
            ide_soft_reset_unit(&bus->ifs[i]);
            if (bus->ifs[i].kind != IDE_NONE) {
                bus->ifs[i].status = ATA_BSY;
            }
        }
    } else if (was && !(val & ATA_SRST)) {
        for (int i = 0; i < 2; i++) {
            ide_soft_reset_unit(&bus->ifs[i]);
        }
        bus->unit = 0;
    }
    bus->devctl = val & 0xff;
    ide_update_irq(bus);
}

void ide_unit_reset(IDEState *s)
{
    ide_soft_reset_unit(s);
    s->mult_sectors = IDE_MAX_MULT;
    s->xfer_mode = 0x08 | 4;        /* PIO 4 */
    s->standby = false;
    s->cur_heads = s->heads;
    s->cur_sectors = s->sectors;
    s->tray_locked = false;
    s->sense_key = s->asc = s->ascq = 0;
}

void ide_bus_reset(IDEBus *bus)
{
    bus->unit = 0;
    bus->devctl = 0;
    for (int i = 0; i < 2; i++) {
        ide_unit_reset(&bus->ifs[i]);
    }
    ide_update_irq(bus);
}

void ide_bus_drain(IDEBus *bus)
{
    for (int i = 0; i < 2; i++) {
        IDEState *s = &bus->ifs[i];
        s->retry_gen++;
        if (s->blk) {
            blk_drain(s->blk);
        }
        if (s->stopped) {
            ide_request_free(s->stopped);
            s->stopped = NULL;
        }
    }
}
