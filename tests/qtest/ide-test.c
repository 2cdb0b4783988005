/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PIIX3 IDE: the function's config space, IDENTIFY, PIO reads and writes
 * (LBA28, CHS, MULTIPLE, LBA48) checked against the image file, bus-master
 * DMA with PRD tables built in guest memory, FLUSH, soft reset, hostile
 * PRD tables and register writes, and the ATAPI CD-ROM (INQUIRY, READ
 * CAPACITY, READ(10)/(12) by PIO and DMA, READ TOC, GET CONFIGURATION,
 * MODE SENSE, sense data, tray and lock).
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "libqtest.h"

#define CMD         0x1f0
#define CTL         0x3f6
#define CMD2        0x170
#define CTL2        0x376
#define R_DATA      0
#define R_ERROR     1
#define R_FEATURE   1
#define R_NSECT     2
#define R_LBAL      3
#define R_LBAM      4
#define R_LBAH      5
#define R_DEV       6
#define R_STATUS    7

#define BSY  0x80
#define DRDY 0x40
#define DRQ  0x08
#define ERR  0x01

#define BM_BASE     0xc000
#define PRD_ADDR    0x10000
#define BUF_ADDR    0x20000

#define DISK_SECTORS (64 * 2048)    /* 64 MiB */

typedef struct Ctx {
    QTestState *qts;
    char *img, *iso;
    uint16_t cmd, ctl;
    int irq;                    /* IOAPIC pin: 14 or 15 */
} Ctx;

static char *make_file(const char *tmpl, uint64_t size, bool pattern)
{
    char *path = g_build_filename(g_get_tmp_dir(), tmpl, NULL);
    int fd = g_mkstemp(path);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, size), ==, 0);
    if (pattern) {
        /* every 512-byte sector starts with its number */
        for (uint64_t off = 0; off < size && off < 8 * 1024 * 1024;
             off += 512) {
            uint32_t v = off / 512;
            g_assert_cmpint(pwrite(fd, &v, 4, off), ==, 4);
        }
    }
    close(fd);
    return path;
}

static Ctx *ctx_new(const char *extra)
{
    Ctx *c = g_new0(Ctx, 1);

    c->img = make_file("kemu-ide-XXXXXX", DISK_SECTORS * 512ULL, true);
    c->iso = make_file("kemu-ide-cd-XXXXXX", 600 * 2048ULL, true);
    c->qts = qtest_initf("-drive file=%s,format=raw,if=ide,index=0 "
                         "-drive file=%s,format=raw,if=ide,index=2,"
                         "media=cdrom %s", c->img, c->iso, extra ? extra : "");
    c->cmd = CMD;
    c->ctl = CTL;
    c->irq = 14;
    qtest_irq_intercept_in(c->qts, "/machine/ioapic");
    return c;
}

static void ctx_free(Ctx *c)
{
    qtest_quit(c->qts);
    g_unlink(c->img);
    g_unlink(c->iso);
    g_free(c->img);
    g_free(c->iso);
    g_free(c);
}

/* Polls the alternate status until BSY drops (generous deadline). */
static uint8_t wait_not_busy(Ctx *c)
{
    gint64 end = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
    uint8_t st;

    while ((st = qtest_inb(c->qts, c->ctl)) & BSY) {
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(1000);
    }
    return st;
}

static void select_dev(Ctx *c, int unit, uint8_t extra)
{
    qtest_outb(c->qts, c->cmd + R_DEV, 0xa0 | (unit << 4) | extra);
}

static void set_lba28(Ctx *c, uint32_t lba, uint8_t count)
{
    qtest_outb(c->qts, c->cmd + R_NSECT, count);
    qtest_outb(c->qts, c->cmd + R_LBAL, lba);
    qtest_outb(c->qts, c->cmd + R_LBAM, lba >> 8);
    qtest_outb(c->qts, c->cmd + R_LBAH, lba >> 16);
    qtest_outb(c->qts, c->cmd + R_DEV, 0xe0 | ((lba >> 24) & 0xf));
}

static void set_lba48(Ctx *c, uint64_t lba, uint16_t count)
{
    qtest_outb(c->qts, c->cmd + R_NSECT, count >> 8);
    qtest_outb(c->qts, c->cmd + R_LBAL, lba >> 24);
    qtest_outb(c->qts, c->cmd + R_LBAM, lba >> 32);
    qtest_outb(c->qts, c->cmd + R_LBAH, lba >> 40);
    qtest_outb(c->qts, c->cmd + R_NSECT, count);
    qtest_outb(c->qts, c->cmd + R_LBAL, lba);
    qtest_outb(c->qts, c->cmd + R_LBAM, lba >> 8);
    qtest_outb(c->qts, c->cmd + R_LBAH, lba >> 16);
    qtest_outb(c->qts, c->cmd + R_DEV, 0xe0);
}

static void pio_read(Ctx *c, void *buf, size_t len)
{
    uint16_t *w = buf;

    for (size_t i = 0; i < len / 2; i++) {
        w[i] = qtest_inw(c->qts, c->cmd + R_DATA);
    }
}

static void pio_write(Ctx *c, const void *buf, size_t len)
{
    const uint16_t *w = buf;

    for (size_t i = 0; i < len / 2; i++) {
        qtest_outw(c->qts, c->cmd + R_DATA, w[i]);
    }
}

static void file_read(const char *path, uint64_t off, void *buf, size_t len)
{
    int fd = open(path, O_RDONLY);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(pread(fd, buf, len, off), ==, (ssize_t)len);
    close(fd);
}

static void ident_string(const uint16_t *w, int words, char *out)
{
    for (int i = 0; i < words; i++) {
        out[2 * i] = w[i] >> 8;
        out[2 * i + 1] = w[i];
    }
    out[2 * words] = 0;
    g_strchomp(out);
}

static void identify(Ctx *c, int unit, uint8_t cmd, uint16_t *w)
{
    select_dev(c, unit, 0);
    qtest_outb(c->qts, c->cmd + R_STATUS, cmd);
    g_assert_cmphex(wait_not_busy(c) & (DRQ | ERR), ==, DRQ);
    g_assert_true(qtest_get_irq(c->qts, c->irq));
    pio_read(c, w, 512);
    g_assert_cmphex(qtest_inb(c->qts, c->cmd + R_STATUS) & (DRQ | ERR), ==, 0);
    g_assert_false(qtest_get_irq(c->qts, c->irq));
}

/* ---- PCI ---- */

static void bm_setup(Ctx *c)
{
    qtest_pci_cfg_writel(c->qts, 0, 1, 1, 0x20, BM_BASE | 1);
    qtest_pci_cfg_writew(c->qts, 0, 1, 1, 0x04, 0x05);     /* I/O, master */
}

static void test_pci_config(void)
{
    Ctx *c = ctx_new(NULL);

    g_assert_cmphex(qtest_pci_cfg_readl(c->qts, 0, 1, 1, 0), ==, 0x70108086);
    g_assert_cmphex(qtest_pci_cfg_readl(c->qts, 0, 1, 1, 8) >> 8, ==,
                    0x010180);
    bm_setup(c);
    g_assert_cmphex(qtest_pci_cfg_readl(c->qts, 0, 1, 1, 0x20), ==,
                    BM_BASE | 1);
    qtest_outl(c->qts, BM_BASE + 4, 0x12345677);
    g_assert_cmphex(qtest_inl(c->qts, BM_BASE + 4), ==, 0x12345674);
    ctx_free(c);
}

/* ---- ATA ---- */

static void test_identify(void)
{
    Ctx *c = ctx_new(NULL);
    uint16_t w[256];
    char str[48];
    uint8_t sum = 0;

    identify(c, 0, 0xec, w);
    ident_string(&w[27], 20, str);
    g_assert_cmpstr(str, ==, "QEMU HARDDISK");
    ident_string(&w[10], 10, str);
    g_assert_cmpstr(str, ==, "QM00001");
    ident_string(&w[23], 4, str);
    g_assert_cmpstr(str, ==, "2.5+");
    g_assert_cmphex(w[0], ==, 0x0040);
    g_assert_cmpuint(w[60] | (uint32_t)w[61] << 16, ==, DISK_SECTORS);
    g_assert_cmpuint(w[100] | (uint32_t)w[101] << 16, ==, DISK_SECTORS);
    g_assert_cmphex(w[83] & (1 << 10), !=, 0);          /* LBA48 */
    g_assert_cmpuint(w[3], ==, 16);
    g_assert_cmpuint(w[6], ==, 63);
    g_assert_cmpuint(w[1], ==, DISK_SECTORS / (16 * 63));
    for (int i = 0; i < 512; i++) {
        sum += ((uint8_t *)w)[i];
    }
    g_assert_cmphex(w[255] & 0xff, ==, 0xa5);
    g_assert_cmphex(sum, ==, 0);

    /* Unit 1 is absent: its status reads 0 and commands are ignored. */
    select_dev(c, 1, 0);
    g_assert_cmphex(qtest_inb(c->qts, CMD + R_STATUS), ==, 0);
    qtest_outb(c->qts, CMD + R_STATUS, 0xec);
    g_assert_cmphex(qtest_inb(c->qts, CTL), ==, 0);

    /* ATAPI: IDENTIFY DEVICE aborts with the packet signature. */
    c->cmd = CMD2;
    c->ctl = CTL2;
    c->irq = 15;
    select_dev(c, 0, 0);
    qtest_outb(c->qts, CMD2 + R_STATUS, 0xec);
    g_assert_cmphex(wait_not_busy(c) & ERR, ==, ERR);
    g_assert_cmphex(qtest_inb(c->qts, CMD2 + R_LBAM), ==, 0x14);
    g_assert_cmphex(qtest_inb(c->qts, CMD2 + R_LBAH), ==, 0xeb);
    identify(c, 0, 0xa1, w);
    ident_string(&w[27], 20, str);
    g_assert_cmpstr(str, ==, "QEMU DVD-ROM");
    ident_string(&w[10], 10, str);
    g_assert_cmpstr(str, ==, "QM00003");
    g_assert_cmphex(w[0], ==, 0x85c0);
    ctx_free(c);
}

static void ata_cmd(Ctx *c, uint8_t cmd)
{
    qtest_outb(c->qts, c->cmd + R_STATUS, cmd);
}

static void test_pio(void)
{
    Ctx *c = ctx_new(NULL);
    uint8_t buf[8 * 512], back[8 * 512];
    uint32_t v;

    /* READ SECTORS, LBA 100, 2 sectors: one interrupt per sector. */
    set_lba28(c, 100, 2);
    ata_cmd(c, 0x20);
    for (int i = 0; i < 2; i++) {
        g_assert_cmphex(wait_not_busy(c) & (DRQ | ERR), ==, DRQ);
        g_assert_true(qtest_get_irq(c->qts, c->irq));
        qtest_inb(c->qts, CMD + R_STATUS);
        pio_read(c, buf, 512);
        memcpy(&v, buf, 4);
        g_assert_cmpuint(v, ==, 100 + i);
    }
    g_assert_cmphex(wait_not_busy(c) & (DRQ | ERR | DRDY), ==, DRDY);

    /* WRITE SECTORS, LBA 7, 3 sectors, then compare with the file. */
    for (int i = 0; i < (int)sizeof(buf); i++) {
        buf[i] = i * 7 + 3;
    }
    set_lba28(c, 7, 3);
    ata_cmd(c, 0x30);
    for (int i = 0; i < 3; i++) {
        g_assert_cmphex(wait_not_busy(c) & (DRQ | ERR), ==, DRQ);
        pio_write(c, buf + 512 * i, 512);
    }
    g_assert_cmphex(wait_not_busy(c) & (DRQ | ERR), ==, 0);
    g_assert_true(qtest_get_irq(c->qts, c->irq));
    ata_cmd(c, 0xe7);                               /* FLUSH CACHE */
    g_assert_cmphex(wait_not_busy(c) & (DRQ | ERR | DRDY), ==, DRDY);
    file_read(c->img, 7 * 512, back, 3 * 512);
    g_assert_cmpmem(buf, 3 * 512, back, 3 * 512);

    /* CHS: cylinder 1, head 2, sector 5 is LBA (1 * 16 + 2) * 63 + 4. */
    qtest_outb(c->qts, CMD + R_NSECT, 1);
    qtest_outb(c->qts, CMD + R_LBAL, 5);
    qtest_outb(c->qts, CMD + R_LBAM, 1);
    qtest_outb(c->qts, CMD + R_LBAH, 0);
    qtest_outb(c->qts, CMD + R_DEV, 0xa2);
    ata_cmd(c, 0x20);
    g_assert_cmphex(wait_not_busy(c) & (DRQ | ERR), ==, DRQ);
    pio_read(c, buf, 512);
    memcpy(&v, buf, 4);
    g_assert_cmpuint(v, ==, (1 * 16 + 2) * 63 + 4);
    /* CHS sector 0 does not exist */
    qtest_outb(c->qts, CMD + R_LBAL, 0);
    qtest_outb(c->qts, CMD + R_DEV, 0xa0);
    ata_cmd(c, 0x20);
    g_assert_cmphex(wait_not_busy(c) & ERR, ==, ERR);
    g_assert_cmphex(qtest_inb(c->qts, CMD + R_ERROR) & 0x10, ==, 0x10);

    /* SET MULTIPLE MODE 4, then READ MULTIPLE 8: two DRQ blocks. */
    qtest_outb(c->qts, CMD + R_NSECT, 3);           /* not a power of 2 */
    ata_cmd(c, 0xc6);
    g_assert_cmphex(wait_not_busy(c) & ERR, ==, ERR);
    qtest_outb(c->qts, CMD + R_NSECT, 4);
    ata_cmd(c, 0xc6);
    g_assert_cmphex(wait_not_busy(c) & ERR, ==, 0);
    set_lba28(c, 200, 8);
    ata_cmd(c, 0xc4);
    for (int blk = 0; blk < 2; blk++) {
        g_assert_cmphex(wait_not_busy(c) & (DRQ | ERR), ==, DRQ);
        pio_read(c, buf, 4 * 512);
        for (int i = 0; i < 4; i++) {
            memcpy(&v, buf + 512 * i, 4);
            g_assert_cmpuint(v, ==, 200 + blk * 4 + i);
        }
    }
    g_assert_cmphex(wait_not_busy(c) & DRQ, ==, 0);

    /* WRITE MULTIPLE EXT with 32-bit data accesses */
    set_lba48(c, 300, 4);
    ata_cmd(c, 0x39);
    g_assert_cmphex(wait_not_busy(c) & (DRQ | ERR), ==, DRQ);
    for (int i = 0; i < 4 * 512; i += 4) {
        uint32_t d;
        memcpy(&d, buf + i, 4);
        qtest_outl(c->qts, CMD, d ^ 0x5a5a5a5a);
    }
    g_assert_cmphex(wait_not_busy(c) & (DRQ | ERR), ==, 0);
    ata_cmd(c, 0xea);                               /* FLUSH CACHE EXT */
    g_assert_cmphex(wait_not_busy(c) & (ERR | DRDY), ==, DRDY);
    file_read(c->img, 300 * 512, back, 4 * 512);
    for (int i = 0; i < 4 * 512; i++) {
        g_assert_cmphex(back[i], ==, buf[i] ^ 0x5a);
    }

    /* Past the end: IDNF. */
    set_lba28(c, DISK_SECTORS - 1, 2);
    ata_cmd(c, 0x20);
    g_assert_cmphex(wait_not_busy(c) & (ERR | DRQ), ==, ERR);
    g_assert_cmphex(qtest_inb(c->qts, CMD + R_ERROR) & 0x10, ==, 0x10);

    /* Unknown command: ABRT, and the data port gives nothing. */
    ata_cmd(c, 0x5f);
    g_assert_cmphex(wait_not_busy(c) & ERR, ==, ERR);
    g_assert_cmphex(qtest_inb(c->qts, CMD + R_ERROR), ==, 0x04);
    g_assert_cmphex(qtest_inw(c->qts, CMD), ==, 0);

    /* CHECK POWER MODE, STANDBY IMMEDIATE, IDLE IMMEDIATE */
    ata_cmd(c, 0xe5);
    wait_not_busy(c);
    g_assert_cmphex(qtest_inb(c->qts, CMD + R_NSECT), ==, 0xff);
    ata_cmd(c, 0xe0);
    wait_not_busy(c);
    ata_cmd(c, 0xe5);
    wait_not_busy(c);
    g_assert_cmphex(qtest_inb(c->qts, CMD + R_NSECT), ==, 0x00);
    ata_cmd(c, 0xe1);
    wait_not_busy(c);

    /* SET FEATURES: write cache off shows in IDENTIFY word 85 */
    qtest_outb(c->qts, CMD + R_FEATURE, 0x82);
    ata_cmd(c, 0xef);
    g_assert_cmphex(wait_not_busy(c) & ERR, ==, 0);
    {
        uint16_t w[256];
        identify(c, 0, 0xec, w);
        g_assert_cmphex(w[85] & (1 << 5), ==, 0);
        g_assert_cmphex(w[59], ==, 0x104);  /* multiple mode 4 */
    }
    qtest_outb(c->qts, CMD + R_FEATURE, 0x03);
    qtest_outb(c->qts, CMD + R_NSECT, 0x45);    /* UDMA 5 */
    ata_cmd(c, 0xef);
    g_assert_cmphex(wait_not_busy(c) & ERR, ==, 0);
    qtest_outb(c->qts, CMD + R_NSECT, 0x47);    /* UDMA 7: none */
    ata_cmd(c, 0xef);
    g_assert_cmphex(wait_not_busy(c) & ERR, ==, ERR);

    /* INITIALIZE DEVICE PARAMETERS: 8 heads, 32 sectors, then CHS */
    qtest_outb(c->qts, CMD + R_NSECT, 32);
    qtest_outb(c->qts, CMD + R_DEV, 0xa7);
    ata_cmd(c, 0x91);
    g_assert_cmphex(wait_not_busy(c) & ERR, ==, 0);
    qtest_outb(c->qts, CMD + R_NSECT, 1);
    qtest_outb(c->qts, CMD + R_LBAL, 2);
    qtest_outb(c->qts, CMD + R_LBAM, 3);
    qtest_outb(c->qts, CMD + R_LBAH, 0);
    qtest_outb(c->qts, CMD + R_DEV, 0xa1);
    ata_cmd(c, 0x20);
    g_assert_cmphex(wait_not_busy(c) & (DRQ | ERR), ==, DRQ);
    pio_read(c, buf, 512);
    memcpy(&v, buf, 4);
    g_assert_cmpuint(v, ==, (3 * 8 + 1) * 32 + 1);
    ctx_free(c);
}

static void test_soft_reset(void)
{
    Ctx *c = ctx_new(NULL);
    uint8_t buf[512];

    /* Start a read, leave it in DRQ, then reset the channel. */
    set_lba28(c, 10, 4);
    ata_cmd(c, 0x20);
    g_assert_cmphex(wait_not_busy(c) & DRQ, ==, DRQ);
    qtest_outb(c->qts, CTL, 0x04);
    g_assert_cmphex(qtest_inb(c->qts, CTL) & BSY, ==, BSY);
    qtest_outb(c->qts, CTL, 0x00);
    g_assert_cmphex(wait_not_busy(c), ==, DRDY | 0x10);
    g_assert_cmphex(qtest_inb(c->qts, CMD + R_ERROR), ==, 0x01);
    g_assert_cmphex(qtest_inb(c->qts, CMD + R_NSECT), ==, 1);
    g_assert_cmphex(qtest_inb(c->qts, CMD + R_LBAM), ==, 0);
    /* the device works again */
    set_lba28(c, 11, 1);
    ata_cmd(c, 0x20);
    g_assert_cmphex(wait_not_busy(c) & (DRQ | ERR), ==, DRQ);
    pio_read(c, buf, 512);
    g_assert_cmpuint(buf[0], ==, 11);

    /* nIEN keeps INTRQ low */
    qtest_outb(c->qts, CTL, 0x02);
    ata_cmd(c, 0xe7);
    wait_not_busy(c);
    g_assert_false(qtest_get_irq(c->qts, c->irq));
    qtest_outb(c->qts, CTL, 0x00);
    g_assert_true(qtest_get_irq(c->qts, c->irq));
    qtest_inb(c->qts, CMD + R_STATUS);
    g_assert_false(qtest_get_irq(c->qts, c->irq));

    /* HOB reads the previous register contents */
    qtest_outb(c->qts, CMD + R_LBAL, 0x11);
    qtest_outb(c->qts, CMD + R_LBAL, 0x22);
    g_assert_cmphex(qtest_inb(c->qts, CMD + R_LBAL), ==, 0x22);
    qtest_outb(c->qts, CTL, 0x80);
    g_assert_cmphex(qtest_inb(c->qts, CMD + R_LBAL), ==, 0x11);
    qtest_outb(c->qts, CTL, 0x00);
    ctx_free(c);
}

/* ---- DMA ---- */

static void prd(Ctx *c, int i, uint32_t addr, uint32_t len, bool eot)
{
    qtest_writel(c->qts, PRD_ADDR + 8 * i, addr);
    qtest_writel(c->qts, PRD_ADDR + 8 * i + 4,
                 (len & 0xffff) | (eot ? 0x80000000u : 0));
}

/* Runs a DMA command; returns the BM status after completion. */
static uint8_t dma_cmd(Ctx *c, uint8_t cmd, bool to_memory)
{
    uint8_t st;

    qtest_outb(c->qts, BM_BASE + 2, 0x06);          /* clear INT, ERR */
    qtest_outl(c->qts, BM_BASE + 4, PRD_ADDR);
    qtest_outb(c->qts, BM_BASE, to_memory ? 0x08 : 0x00);
    ata_cmd(c, cmd);
    qtest_outb(c->qts, BM_BASE, to_memory ? 0x09 : 0x01);
    wait_not_busy(c);
    st = qtest_inb(c->qts, BM_BASE + 2);
    qtest_outb(c->qts, BM_BASE, to_memory ? 0x08 : 0x00);   /* stop */
    return st;
}

static void test_dma(void)
{
    Ctx *c = ctx_new(NULL);
    static uint8_t buf[16 * 512], back[16 * 512];
    uint32_t v;
    uint8_t st;

    bm_setup(c);
    /* READ DMA of 16 sectors into two pieces: 3 sectors, then 13. */
    qtest_memset(c->qts, BUF_ADDR, 0xee, 0x10000);
    prd(c, 0, BUF_ADDR + 0x8000, 3 * 512, false);
    prd(c, 1, BUF_ADDR, 13 * 512, true);
    set_lba28(c, 1000, 16);
    st = dma_cmd(c, 0xc8, true);
    g_assert_cmphex(st & 0x07, ==, 0x04);           /* INT, not active */
    g_assert_cmphex(qtest_inb(c->qts, CMD + R_STATUS) & (ERR | DRQ), ==, 0);
    for (int i = 0; i < 16; i++) {
        uint32_t a = i < 3 ? BUF_ADDR + 0x8000 + 512 * i
                           : BUF_ADDR + 512 * (i - 3);
        g_assert_cmpuint(qtest_readl(c->qts, a), ==, 1000 + i);
    }
    /* nothing past the pieces */
    g_assert_cmphex(qtest_readb(c->qts, BUF_ADDR + 13 * 512), ==, 0xee);
    g_assert_cmphex(qtest_readb(c->qts, BUF_ADDR + 0x8000 + 3 * 512), ==,
                    0xee);

    /* WRITE DMA EXT at LBA 5000, checked in the file. */
    for (int i = 0; i < (int)sizeof(buf); i++) {
        buf[i] = i * 13 + 1;
    }
    qtest_memwrite(c->qts, BUF_ADDR, buf, sizeof(buf));
    prd(c, 0, BUF_ADDR, sizeof(buf), true);
    set_lba48(c, 5000, 16);
    st = dma_cmd(c, 0x35, false);
    g_assert_cmphex(st & 0x07, ==, 0x04);
    g_assert_cmphex(qtest_inb(c->qts, CMD + R_STATUS) & ERR, ==, 0);
    ata_cmd(c, 0xea);
    wait_not_busy(c);
    file_read(c->img, 5000 * 512, back, sizeof(back));
    g_assert_cmpmem(buf, sizeof(buf), back, sizeof(back));

    /* READ DMA EXT of it back, through one 64 KiB (count 0) entry. */
    qtest_memset(c->qts, BUF_ADDR, 0, 0x10000);
    prd(c, 0, BUF_ADDR, 0, true);
    set_lba48(c, 5000, 128);
    st = dma_cmd(c, 0x25, true);
    g_assert_cmphex(st & 0x07, ==, 0x04);
    qtest_memread(c->qts, BUF_ADDR, back, sizeof(back));
    g_assert_cmpmem(buf, sizeof(buf), back, sizeof(back));
    v = qtest_readl(c->qts, BUF_ADDR + 16 * 512);
    g_assert_cmpuint(v, ==, 5016);
    ctx_free(c);
}

/* A disk bigger than 2^28 sectors (sparse): LBA48 reaches past it. */
static void test_lba48(void)
{
    char *img = make_file("kemu-ide-big-XXXXXX", 0x10000100ULL * 512, false);
    QTestState *qts = qtest_initf("-drive file=%s,format=raw,if=ide", img);
    Ctx c = { .qts = qts, .cmd = CMD, .ctl = CTL, .irq = 14 };
    uint64_t lba = 0x10000012ULL;
    uint8_t buf[512], back[512];
    uint16_t w[256];

    qtest_irq_intercept_in(qts, "/machine/ioapic");
    identify(&c, 0, 0xec, w);
    g_assert_cmphex(w[60] | (uint32_t)w[61] << 16, ==, 0x0fffffff);
    g_assert_cmphex(w[100] | (uint64_t)w[101] << 16 | (uint64_t)w[102] << 32,
                    ==, 0x10000100ULL);
    for (int i = 0; i < 512; i++) {
        buf[i] = i ^ 0xa5;
    }
    set_lba48(&c, lba, 1);
    ata_cmd(&c, 0x34);
    g_assert_cmphex(wait_not_busy(&c) & (DRQ | ERR), ==, DRQ);
    pio_write(&c, buf, 512);
    g_assert_cmphex(wait_not_busy(&c) & ERR, ==, 0);
    ata_cmd(&c, 0xea);
    wait_not_busy(&c);
    file_read(img, lba * 512, back, 512);
    g_assert_cmpmem(buf, 512, back, 512);
    /* the registers read back with HOB */
    set_lba48(&c, lba, 1);
    ata_cmd(&c, 0x24);
    g_assert_cmphex(wait_not_busy(&c) & (DRQ | ERR), ==, DRQ);
    pio_read(&c, back, 512);
    g_assert_cmpmem(buf, 512, back, 512);
    g_assert_cmphex(qtest_inb(qts, CMD + R_LBAL), ==, 0x12);
    qtest_outb(qts, CTL, 0x80);
    g_assert_cmphex(qtest_inb(qts, CMD + R_LBAL), ==, 0x10);
    g_assert_cmphex(qtest_inb(qts, CMD + R_LBAM), ==, 0x00);
    qtest_outb(qts, CTL, 0);
    /* READ NATIVE MAX ADDRESS EXT */
    ata_cmd(&c, 0x27);
    wait_not_busy(&c);
    g_assert_cmphex(qtest_inb(qts, CMD + R_LBAL), ==, 0xff);
    g_assert_cmphex(qtest_inb(qts, CMD + R_LBAM), ==, 0x00);
    qtest_outb(qts, CTL, 0x80);
    g_assert_cmphex(qtest_inb(qts, CMD + R_LBAL), ==, 0x10);
    qtest_outb(qts, CTL, 0);
    qtest_quit(qts);
    g_unlink(img);
    g_free(img);
}

static void test_dma_malformed(void)
{
    Ctx *c = ctx_new("-m 128 -d guest_errors -D /dev/null");
    uint8_t st;

    bm_setup(c);
    /* 1. The table ends (EOT) before the transfer does. */
    prd(c, 0, BUF_ADDR, 512, true);
    set_lba28(c, 0, 4);
    st = dma_cmd(c, 0xc8, true);
    g_assert_cmphex(st & 0x03, ==, 0x02);           /* ERR, not active */
    g_assert_cmphex(qtest_inb(c->qts, CMD + R_STATUS) & ERR, ==, ERR);

    /* 2. No EOT anywhere, entries of garbage up to the page end. */
    for (int i = 0; i < 16; i++) {
        prd(c, i, BUF_ADDR, 2, false);
    }
    qtest_memset(c->qts, PRD_ADDR + 16 * 8, 0, 0x10000 - 16 * 8);
    for (int i = 16; i < 8192; i += 512) {
        prd(c, i, BUF_ADDR, 2, false);
    }
    set_lba28(c, 0, 255);
    st = dma_cmd(c, 0xc8, true);
    /* all-zero entries are 64 KiB each: the table covers the transfer,
     * but then it is longer than it: active with INT */
    g_assert_cmphex(st & 0x07, ==, 0x05);
    g_assert_cmphex(qtest_inb(c->qts, CMD + R_STATUS) & ERR, ==, 0);

    /* 3. Entries of 2 bytes, no EOT, right up to a 64 KiB boundary. */
    {
        uint32_t *t = g_new(uint32_t, 2 * 8192);
        for (int i = 0; i < 8192; i++) {
            t[2 * i] = GUINT32_TO_LE(BUF_ADDR);
            t[2 * i + 1] = GUINT32_TO_LE(2);
        }
        qtest_memwrite(c->qts, PRD_ADDR, t, 8 * 8192);
        g_free(t);
    }
    set_lba28(c, 0, 255);
    st = dma_cmd(c, 0xc8, true);
    g_assert_cmphex(st & 0x03, ==, 0x02);
    g_assert_cmphex(qtest_inb(c->qts, CMD + R_STATUS) & ERR, ==, ERR);

    /* 4. A piece outside RAM (the PCI hole), for both directions. */
    prd(c, 0, 0xd0000000, 512, true);
    set_lba28(c, 0, 1);
    st = dma_cmd(c, 0xc8, true);
    g_assert_cmphex(st & 0x03, ==, 0x02);
    g_assert_cmphex(qtest_inb(c->qts, CMD + R_STATUS) & ERR, ==, ERR);
    set_lba28(c, 0, 1);
    st = dma_cmd(c, 0xca, false);
    g_assert_cmphex(st & 0x03, ==, 0x02);

    /* 5. A piece that starts in RAM and runs past its end (-m 128). */
    prd(c, 0, 128 * 1024 * 1024 - 256, 512, true);
    set_lba28(c, 0, 1);
    st = dma_cmd(c, 0xc8, true);
    g_assert_cmphex(st & 0x03, ==, 0x02);

    /* 6. The table itself outside RAM. */
    qtest_outb(c->qts, BM_BASE + 2, 0x06);
    qtest_outl(c->qts, BM_BASE + 4, 0xd0000000);
    qtest_outb(c->qts, BM_BASE, 0x08);
    set_lba28(c, 0, 1);
    ata_cmd(c, 0xc8);
    qtest_outb(c->qts, BM_BASE, 0x09);
    wait_not_busy(c);
    g_assert_cmphex(qtest_inb(c->qts, BM_BASE + 2) & 0x03, ==, 0x02);
    qtest_outb(c->qts, BM_BASE, 0x08);

    /* 7. Direction bit against the command. */
    prd(c, 0, BUF_ADDR, 512, true);
    set_lba28(c, 0, 1);
    st = dma_cmd(c, 0xc8, false);
    g_assert_cmphex(st & 0x03, ==, 0x02);

    /* 8. Longer than the transfer: active stays, INT, data in place. */
    qtest_memset(c->qts, BUF_ADDR, 0, 4096);
    prd(c, 0, BUF_ADDR, 4096, true);
    set_lba28(c, 3, 1);
    st = dma_cmd(c, 0xc8, true);
    g_assert_cmphex(st & 0x07, ==, 0x05);
    g_assert_cmpuint(qtest_readl(c->qts, BUF_ADDR), ==, 3);
    g_assert_cmpuint(qtest_readl(c->qts, BUF_ADDR + 512), ==, 0);

    /* And the device still does a clean transfer afterwards. */
    prd(c, 0, BUF_ADDR, 512, true);
    set_lba28(c, 9, 1);
    st = dma_cmd(c, 0xc8, true);
    g_assert_cmphex(st & 0x07, ==, 0x04);
    g_assert_cmpuint(qtest_readl(c->qts, BUF_ADDR), ==, 9);
    ctx_free(c);
}

/* Garbage everywhere in the register blocks: the process lives on. */
static void test_hostile_registers(void)
{
    Ctx *c = ctx_new(NULL);
    GRand *r = g_rand_new_with_seed(42);
    static const uint16_t ports[] = {
        CMD, CMD + 1, CMD + 2, CMD + 3, CMD + 4, CMD + 5, CMD + 6, CMD + 7,
        CTL, CMD2, CMD2 + 6, CMD2 + 7, CTL2, BM_BASE, BM_BASE + 2,
        BM_BASE + 4, BM_BASE + 8, BM_BASE + 10, BM_BASE + 12,
    };

    bm_setup(c);
    for (int i = 0; i < 3000; i++) {
        uint16_t port = ports[g_rand_int_range(r, 0, G_N_ELEMENTS(ports))];
        uint32_t v = g_rand_int(r);
        switch (g_rand_int_range(r, 0, 5)) {
        case 0:
            qtest_outb(c->qts, port, v);
            break;
        case 1:
            qtest_outw(c->qts, port, v);
            break;
        case 2:
            qtest_outl(c->qts, port, v);
            break;
        case 3:
            qtest_inw(c->qts, port);
            break;
        default:
            qtest_inb(c->qts, port);
            break;
        }
    }
    g_rand_free(r);
    /* still answering, and a reset brings the disk back */
    qtest_outb(c->qts, CTL, 0x04);
    qtest_outb(c->qts, CTL, 0x00);
    select_dev(c, 0, 0);
    {
        uint16_t w[256];
        identify(c, 0, 0xec, w);
    }
    ctx_free(c);
}

/* ---- ATAPI ---- */

/* Sends a packet; returns the final status. Data (PIO) lands in buf. */
static uint8_t atapi_cmd(Ctx *c, const uint8_t *cdb, uint16_t bcl,
                         uint8_t *buf, size_t max, size_t *got)
{
    size_t n = 0;
    uint8_t st;

    select_dev(c, 0, 0);
    qtest_outb(c->qts, c->cmd + R_FEATURE, 0);
    qtest_outb(c->qts, c->cmd + R_LBAM, bcl);
    qtest_outb(c->qts, c->cmd + R_LBAH, bcl >> 8);
    ata_cmd(c, 0xa0);
    st = wait_not_busy(c);
    g_assert_cmphex(st & DRQ, ==, DRQ);
    g_assert_cmphex(qtest_inb(c->qts, c->cmd + R_NSECT) & 3, ==, 1);  /* CoD */
    pio_write(c, cdb, 12);
    for (;;) {
        st = wait_not_busy(c);
        if (!(st & DRQ)) {
            break;
        }
        g_assert_true(qtest_get_irq(c->qts, c->irq));
        g_assert_cmphex(qtest_inb(c->qts, c->cmd + R_NSECT) & 3, ==, 2);
        uint16_t len = qtest_inb(c->qts, c->cmd + R_LBAM) |
                       qtest_inb(c->qts, c->cmd + R_LBAH) << 8;
        g_assert_cmpuint(len, <=, bcl);
        g_assert_cmpuint(n + len, <=, max);
        qtest_inb(c->qts, c->cmd + R_STATUS);
        pio_read(c, buf + n, len);
        n += len;
    }
    g_assert_cmphex(qtest_inb(c->qts, c->cmd + R_NSECT) & 3, ==, 3);
    if (got) {
        *got = n;
    }
    return qtest_inb(c->qts, c->cmd + R_STATUS);
}

static uint8_t sense_key(Ctx *c, uint8_t *asc)
{
    uint8_t cdb[12] = { 0x03, 0, 0, 0, 18 }, buf[18];
    size_t n;

    g_assert_cmphex(atapi_cmd(c, cdb, 0xfffe, buf, sizeof(buf), &n) & ERR,
                    ==, 0);
    g_assert_cmpuint(n, ==, 18);
    g_assert_cmphex(buf[0], ==, 0x70);
    *asc = buf[12];
    return buf[2] & 0xf;
}

static Ctx *cd_ctx(const char *extra)
{
    Ctx *c = ctx_new(extra);

    c->cmd = CMD2;
    c->ctl = CTL2;
    c->irq = 15;
    return c;
}

static void test_atapi_basic(void)
{
    Ctx *c = cd_ctx(NULL);
    uint8_t buf[4096], asc;
    size_t n;
    uint8_t tur[12] = { 0x00 };
    uint8_t inq[12] = { 0x12, 0, 0, 0, 96 };
    uint8_t cap[12] = { 0x25 };
    uint8_t toc[12] = { 0x43, 0, 0, 0, 0, 0, 0, 0x03, 0x24 };
    uint8_t toc_msf[12] = { 0x43, 2, 0, 0, 0, 0, 0, 0x03, 0x24 };
    uint8_t sess[12] = { 0x43, 0, 1, 0, 0, 0, 0, 0, 12 };
    uint8_t conf[12] = { 0x46, 0, 0, 0, 0, 0, 0, 0x10, 0 };
    uint8_t mode[12] = { 0x5a, 0, 0x2a, 0, 0, 0, 0, 0x01, 0 };
    uint8_t bad[12] = { 0xff };

    g_assert_cmphex(atapi_cmd(c, tur, 0, buf, 0, NULL) & ERR, ==, 0);
    g_assert_cmphex(atapi_cmd(c, inq, 0xfffe, buf, sizeof(buf), &n) & ERR,
                    ==, 0);
    g_assert_cmpuint(n, ==, 36);
    g_assert_cmphex(buf[0], ==, 0x05);
    g_assert_cmphex(buf[1], ==, 0x80);
    g_assert_cmpmem(buf + 8, 8, "QEMU    ", 8);
    g_assert_cmpmem(buf + 16, 16, "QEMU DVD-ROM    ", 16);

    g_assert_cmphex(atapi_cmd(c, cap, 0xfffe, buf, sizeof(buf), &n) & ERR,
                    ==, 0);
    g_assert_cmpuint(n, ==, 8);
    g_assert_cmpuint(buf[3] | buf[2] << 8, ==, 599);
    g_assert_cmpuint(buf[6] << 8 | buf[7], ==, 2048);

    g_assert_cmphex(atapi_cmd(c, toc, 0xfffe, buf, sizeof(buf), &n) & ERR,
                    ==, 0);
    g_assert_cmpuint(n, ==, 20);
    g_assert_cmpuint(buf[1], ==, 18);
    g_assert_cmpuint(buf[2], ==, 1);
    g_assert_cmpuint(buf[6], ==, 1);                /* track 1 */
    g_assert_cmpuint(buf[14], ==, 0xaa);            /* lead-out */
    g_assert_cmpuint(buf[18] << 8 | buf[19], ==, 600);
    g_assert_cmphex(atapi_cmd(c, toc_msf, 0xfffe, buf, sizeof(buf), &n) & ERR,
                    ==, 0);
    g_assert_cmpuint(buf[9], ==, 0);                /* 00:02:00 */
    g_assert_cmpuint(buf[10], ==, 2);
    g_assert_cmpuint(buf[11], ==, 0);
    /* lead-out at 600 + 150 frames = 00:10:00 */
    g_assert_cmpuint(buf[17], ==, 0);
    g_assert_cmpuint(buf[18], ==, 10);
    g_assert_cmpuint(buf[19], ==, 0);
    g_assert_cmphex(atapi_cmd(c, sess, 0xfffe, buf, sizeof(buf), &n) & ERR,
                    ==, 0);
    g_assert_cmpuint(n, ==, 12);
    g_assert_cmpuint(buf[1], ==, 10);

    g_assert_cmphex(atapi_cmd(c, conf, 0xfffe, buf, sizeof(buf), &n) & ERR,
                    ==, 0);
    g_assert_cmpuint(buf[6] << 8 | buf[7], ==, 0x0008);     /* CD-ROM */
    g_assert_cmpuint(buf[9], ==, 0x00);             /* profile list first */

    g_assert_cmphex(atapi_cmd(c, mode, 0xfffe, buf, sizeof(buf), &n) & ERR,
                    ==, 0);
    g_assert_cmpuint(n, ==, 28);
    g_assert_cmphex(buf[8], ==, 0x2a);

    /* an unknown opcode: ILLEGAL REQUEST, invalid command */
    g_assert_cmphex(atapi_cmd(c, bad, 0xfffe, buf, sizeof(buf), &n) & ERR,
                    ==, ERR);
    g_assert_cmphex(qtest_inb(c->qts, CMD2 + R_ERROR) >> 4, ==, 5);
    g_assert_cmpuint(sense_key(c, &asc), ==, 5);
    g_assert_cmphex(asc, ==, 0x20);
    ctx_free(c);
}

static void test_atapi_read(void)
{
    Ctx *c = cd_ctx(NULL);
    static uint8_t buf[16 * 2048], want[16 * 2048];
    uint8_t rd10[12] = { 0x28, 0, 0, 0, 0, 10, 0, 0, 5 };
    uint8_t rd12[12] = { 0xa8, 0, 0, 0, 0, 20, 0, 0, 0, 8 };
    uint8_t past[12] = { 0x28, 0, 0, 0, 0x02, 0x55, 0, 0, 5 };   /* 597+5 */
    uint8_t asc;
    size_t n;
    uint8_t st;

    file_read(c->iso, 10 * 2048, want, 5 * 2048);
    /* byte count limit 3000: DRQ blocks of 3000 bytes, then the rest */
    g_assert_cmphex(atapi_cmd(c, rd10, 3000, buf, sizeof(buf), &n) & ERR,
                    ==, 0);
    g_assert_cmpuint(n, ==, 5 * 2048);
    g_assert_cmpmem(buf, n, want, n);

    g_assert_cmphex(atapi_cmd(c, past, 0xfffe, buf, sizeof(buf), &n) & ERR,
                    ==, ERR);
    g_assert_cmpuint(sense_key(c, &asc), ==, 5);
    g_assert_cmphex(asc, ==, 0x21);

    /* READ(12) by DMA */
    bm_setup(c);
    qtest_memset(c->qts, BUF_ADDR, 0, 0x10000);
    prd(c, 0, BUF_ADDR, 8 * 2048, true);
    qtest_outb(c->qts, BM_BASE + 8 + 2, 0x06);
    qtest_outl(c->qts, BM_BASE + 8 + 4, PRD_ADDR);
    qtest_outb(c->qts, BM_BASE + 8, 0x08);
    select_dev(c, 0, 0);
    qtest_outb(c->qts, CMD2 + R_FEATURE, 1);                /* DMA */
    ata_cmd(c, 0xa0);
    g_assert_cmphex(wait_not_busy(c) & DRQ, ==, DRQ);
    pio_write(c, rd12, 12);
    qtest_outb(c->qts, BM_BASE + 8, 0x09);
    st = wait_not_busy(c);
    g_assert_cmphex(st & (ERR | DRQ), ==, 0);
    g_assert_cmphex(qtest_inb(c->qts, BM_BASE + 8 + 2) & 0x07, ==, 0x04);
    g_assert_cmphex(qtest_inb(c->qts, CMD2 + R_NSECT) & 3, ==, 3);
    qtest_outb(c->qts, BM_BASE + 8, 0x08);
    qtest_memread(c->qts, BUF_ADDR, buf, 8 * 2048);
    file_read(c->iso, 20 * 2048, want, 8 * 2048);
    g_assert_cmpmem(buf, 8 * 2048, want, 8 * 2048);
    ctx_free(c);
}

static void test_atapi_tray(void)
{
    Ctx *c = cd_ctx(NULL);
    uint8_t buf[64], asc;
    size_t n;
    uint8_t tur[12] = { 0x00 };
    uint8_t eject[12] = { 0x1b, 0, 0, 0, 0x02 };
    uint8_t load[12] = { 0x1b, 0, 0, 0, 0x03 };
    uint8_t lock[12] = { 0x1e, 0, 0, 0, 1 };
    uint8_t unlock[12] = { 0x1e, 0, 0, 0, 0 };
    uint8_t gesn[12] = { 0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8 };
    uint8_t gesn_async[12] = { 0x4a, 0, 0, 0, 0x10, 0, 0, 0, 8 };

    /* locked: the guest cannot eject */
    g_assert_cmphex(atapi_cmd(c, lock, 0, buf, 0, NULL) & ERR, ==, 0);
    g_assert_cmphex(atapi_cmd(c, eject, 0, buf, 0, NULL) & ERR, ==, ERR);
    g_assert_cmpuint(sense_key(c, &asc), ==, 5);
    g_assert_cmphex(asc, ==, 0x53);
    g_assert_cmphex(atapi_cmd(c, unlock, 0, buf, 0, NULL) & ERR, ==, 0);
    g_assert_cmphex(atapi_cmd(c, eject, 0, buf, 0, NULL) & ERR, ==, 0);
    /* tray open: NOT READY, medium not present - tray open */
    g_assert_cmphex(atapi_cmd(c, tur, 0, buf, 0, NULL) & ERR, ==, ERR);
    g_assert_cmpuint(sense_key(c, &asc), ==, 2);
    g_assert_cmphex(asc, ==, 0x3a);
    g_assert_cmphex(atapi_cmd(c, gesn, 0xfffe, buf, sizeof(buf), &n) & ERR,
                    ==, 0);
    g_assert_cmpuint(n, ==, 8);
    g_assert_cmphex(buf[2], ==, 0x04);
    g_assert_cmphex(buf[5], ==, 0x01);              /* door open, empty */
    g_assert_cmphex(atapi_cmd(c, gesn_async, 0xfffe, buf, sizeof(buf), &n) &
                    ERR, ==, ERR);
    /* closing it brings the disc back, with a new-media event */
    g_assert_cmphex(atapi_cmd(c, load, 0, buf, 0, NULL) & ERR, ==, 0);
    g_assert_cmphex(atapi_cmd(c, gesn, 0xfffe, buf, sizeof(buf), &n) & ERR,
                    ==, 0);
    g_assert_cmphex(buf[4], ==, 0x02);
    g_assert_cmphex(buf[5], ==, 0x02);              /* present, closed */
    g_assert_cmphex(atapi_cmd(c, tur, 0, buf, 0, NULL) & ERR, ==, 0);
    ctx_free(c);
}

/* An empty drive (-drive if=ide,media=cdrom without file). */
static void test_atapi_empty(void)
{
    QTestState *qts = qtest_init("-drive if=ide,index=1,media=cdrom");
    Ctx c = { .qts = qts, .cmd = CMD, .ctl = CTL, .irq = 14 };
    uint8_t cap[12] = { 0x25 };
    uint16_t w[256];

    qtest_irq_intercept_in(qts, "/machine/ioapic");
    /* unit 0 is absent, unit 1 is the drive */
    select_dev(&c, 1, 0);
    qtest_outb(qts, CMD + R_STATUS, 0xa1);
    g_assert_cmphex(wait_not_busy(&c) & DRQ, ==, DRQ);
    pio_read(&c, w, 512);
    g_assert_cmphex(w[0], ==, 0x85c0);
    select_dev(&c, 1, 0);
    qtest_outb(qts, CMD + R_FEATURE, 0);
    qtest_outb(qts, CMD + R_LBAM, 0xfe);
    qtest_outb(qts, CMD + R_LBAH, 0xff);
    qtest_outb(qts, CMD + R_STATUS, 0xa0);
    g_assert_cmphex(wait_not_busy(&c) & DRQ, ==, DRQ);
    pio_write(&c, cap, 12);
    g_assert_cmphex(wait_not_busy(&c) & (ERR | DRQ), ==, ERR);
    g_assert_cmphex(qtest_inb(qts, CMD + R_ERROR) >> 4, ==, 2);
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ide/pci-config", test_pci_config);
    g_test_add_func("/ide/identify", test_identify);
    g_test_add_func("/ide/pio", test_pio);
    g_test_add_func("/ide/soft-reset", test_soft_reset);
    g_test_add_func("/ide/dma", test_dma);
    g_test_add_func("/ide/lba48", test_lba48);
    g_test_add_func("/ide/dma-malformed", test_dma_malformed);
    g_test_add_func("/ide/hostile-registers", test_hostile_registers);
    g_test_add_func("/ide/atapi/basic", test_atapi_basic);
    g_test_add_func("/ide/atapi/read", test_atapi_read);
    g_test_add_func("/ide/atapi/tray", test_atapi_tray);
    g_test_add_func("/ide/atapi/empty", test_atapi_empty);
    return g_test_run();
}
