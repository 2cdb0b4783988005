/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-blk-pci over the qtest protocol: the test is the driver. It
 * programs the BARs, negotiates features through the modern common
 * configuration (or the legacy I/O BAR), lays out split rings in guest
 * RAM, and checks reads, writes, flush, discard, write-zeroes and get-id
 * against the image file on the host. Then every kind of malformed
 * descriptor chain: each must leave the device in NEEDS_RESET with no
 * used entry, the process answering, another device working, and the
 * device usable again after a reset.
 */
#include "libqtest.h"
#include <glib.h>
#include <glib/gstdio.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define SLOT            4
#define SLOT2           5
#define BAR4_ADDR       0xe0000000ull
#define BAR1_ADDR       0xe0100000ull
#define IO_BASE         0xc000
#define BAR4_ADDR2      0xe0200000ull
#define IO_BASE2        0xc100

#define COMMON          0x0000
#define ISR             0x1000
#define DEVCFG          0x2000
#define NOTIFY          0x3000

#define C_DFSELECT      0x00
#define C_DF            0x04
#define C_GFSELECT      0x08
#define C_GF            0x0c
#define C_MSIX          0x10
#define C_NUMQ          0x12
#define C_STATUS        0x14
#define C_Q_SELECT      0x16
#define C_Q_SIZE        0x18
#define C_Q_MSIX        0x1a
#define C_Q_ENABLE      0x1c
#define C_Q_DESC        0x20
#define C_Q_AVAIL       0x28
#define C_Q_USED        0x30

#define S_ACK           1
#define S_DRIVER        2
#define S_DRIVER_OK     4
#define S_FEATURES_OK   8
#define S_NEEDS_RESET   0x40

#define F_SEG_MAX       (1ull << 2)
#define F_RO            (1ull << 5)
#define F_BLK_SIZE      (1ull << 6)
#define F_FLUSH         (1ull << 9)
#define F_CONFIG_WCE    (1ull << 11)
#define F_MQ            (1ull << 12)
#define F_DISCARD       (1ull << 13)
#define F_WRITE_ZEROES  (1ull << 14)
#define F_INDIRECT      (1ull << 28)
#define F_EVENT_IDX     (1ull << 29)
#define F_VERSION_1     (1ull << 32)

#define D_NEXT          1
#define D_WRITE         2
#define D_INDIRECT      4

#define T_IN            0
#define T_OUT           1
#define T_FLUSH         4
#define T_GET_ID        8
#define T_DISCARD       11
#define T_WRITE_ZEROES  13

#define DISK_SIZE       (4 * 1024 * 1024)
#define QSIZE           16

/* Guest RAM layout */
#define RING_DESC       0x100000ull
#define RING_AVAIL      0x101000ull
#define RING_USED       0x102000ull
#define INDIRECT        0x104000ull
#define HDR             0x110000ull
#define STATUS          0x111000ull
#define DATA            0x120000ull

typedef struct Dev {
    QTestState *qs;
    int slot;
    uint64_t bar4;
    uint16_t iobase;
    bool legacy;
    uint16_t qsize;
    uint16_t avail_idx;
    uint16_t used_idx;
    uint64_t features;
    uint64_t desc, avail, used;
    unsigned notify_off;        /* queue index * 4 (modern) */
} Dev;

static char *img_path;

static char *make_image(void)
{
    GError *err = NULL;
    char *path;
    int fd = g_file_open_tmp("virtio-blk-test-XXXXXX.img", &path, &err);
    uint8_t *buf = g_malloc(DISK_SIZE);

    g_assert_no_error(err);
    for (size_t i = 0; i < DISK_SIZE; i++) {
        buf[i] = (uint8_t)(i / 512 * 7 + i);
    }
    g_assert_cmpint(write(fd, buf, DISK_SIZE), ==, DISK_SIZE);
    close(fd);
    g_free(buf);
    return path;
}

static void file_read(uint64_t off, void *buf, size_t len)
{
    int fd = open(img_path, O_RDONLY);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(pread(fd, buf, len, off), ==, len);
    close(fd);
}

/* ---- PCI and register access ---- */

static void pci_setup(Dev *d, uint64_t bar4, uint16_t iobase)
{
    QTestState *s = d->qs;

    d->bar4 = bar4;
    d->iobase = iobase;
    qtest_pci_cfg_writel(s, 0, d->slot, 0, 0x10, iobase);
    qtest_pci_cfg_writel(s, 0, d->slot, 0, 0x14, BAR1_ADDR + d->slot * 0x10000);
    qtest_pci_cfg_writel(s, 0, d->slot, 0, 0x20, (uint32_t)bar4);
    qtest_pci_cfg_writel(s, 0, d->slot, 0, 0x24, bar4 >> 32);
    qtest_pci_cfg_writew(s, 0, d->slot, 0, 0x04, 0x7);
}

static uint8_t c_r8(Dev *d, unsigned off)
{
    return qtest_readb(d->qs, d->bar4 + COMMON + off);
}
static uint16_t c_r16(Dev *d, unsigned off)
{
    return qtest_readw(d->qs, d->bar4 + COMMON + off);
}
static uint32_t c_r32(Dev *d, unsigned off)
{
    return qtest_readl(d->qs, d->bar4 + COMMON + off);
}
static void c_w8(Dev *d, unsigned off, uint8_t v)
{
    qtest_writeb(d->qs, d->bar4 + COMMON + off, v);
}
static void c_w16(Dev *d, unsigned off, uint16_t v)
{
    qtest_writew(d->qs, d->bar4 + COMMON + off, v);
}
static void c_w32(Dev *d, unsigned off, uint32_t v)
{
    qtest_writel(d->qs, d->bar4 + COMMON + off, v);
}
static void c_w64(Dev *d, unsigned off, uint64_t v)
{
    c_w32(d, off, (uint32_t)v);
    c_w32(d, off + 4, v >> 32);
}

static uint8_t dev_status(Dev *d)
{
    return d->legacy ? qtest_inb(d->qs, d->iobase + 0x12) : c_r8(d, C_STATUS);
}

static void set_status(Dev *d, uint8_t st)
{
    if (d->legacy) {
        qtest_outb(d->qs, d->iobase + 0x12, st);
    } else {
        c_w8(d, C_STATUS, st);
    }
}

/* Resets, negotiates 'want' & offered, sets queue 0 up with QSIZE
 * entries; returns the negotiated features. */
static uint64_t modern_init(Dev *d, uint64_t want)
{
    uint64_t offered;

    set_status(d, 0);
    g_assert_cmphex(dev_status(d), ==, 0);
    set_status(d, S_ACK | S_DRIVER);
    c_w32(d, C_DFSELECT, 0);
    offered = c_r32(d, C_DF);
    c_w32(d, C_DFSELECT, 1);
    offered |= (uint64_t)c_r32(d, C_DF) << 32;
    g_assert_true(offered & F_VERSION_1);
    d->features = (want | F_VERSION_1) & offered;
    c_w32(d, C_GFSELECT, 0);
    c_w32(d, C_GF, (uint32_t)d->features);
    c_w32(d, C_GFSELECT, 1);
    c_w32(d, C_GF, d->features >> 32);
    set_status(d, S_ACK | S_DRIVER | S_FEATURES_OK);
    g_assert_cmphex(dev_status(d), ==, S_ACK | S_DRIVER | S_FEATURES_OK);

    d->qsize = QSIZE;
    d->desc = RING_DESC;
    d->avail = RING_AVAIL;
    d->used = RING_USED;
    d->avail_idx = d->used_idx = 0;
    qtest_memset(d->qs, RING_DESC, 0, 0x3000);
    c_w16(d, C_Q_SELECT, 0);
    g_assert_cmpuint(c_r16(d, C_Q_SIZE), ==, 256);
    c_w16(d, C_Q_SIZE, QSIZE);
    c_w64(d, C_Q_DESC, d->desc);
    c_w64(d, C_Q_AVAIL, d->avail);
    c_w64(d, C_Q_USED, d->used);
    c_w16(d, C_Q_ENABLE, 1);
    set_status(d, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
    return d->features;
}

static void legacy_init(Dev *d)
{
    QTestState *s = d->qs;

    set_status(d, 0);
    set_status(d, S_ACK | S_DRIVER);
    d->features = qtest_inl(s, d->iobase + 0x00) &
                  (F_FLUSH | F_BLK_SIZE | F_SEG_MAX);
    qtest_outl(s, d->iobase + 0x04, d->features);
    qtest_outw(s, d->iobase + 0x0e, 0);
    d->qsize = qtest_inw(s, d->iobase + 0x0c);
    g_assert_cmpuint(d->qsize, ==, 256);
    /* desc 4096 bytes, avail right after, used at the next page */
    d->desc = 0x200000;
    d->avail = d->desc + 16 * d->qsize;
    d->used = d->desc + 0x2000;
    d->avail_idx = d->used_idx = 0;
    qtest_memset(s, d->desc, 0, 0x3000);
    qtest_outl(s, d->iobase + 0x08, d->desc >> 12);
    set_status(d, S_ACK | S_DRIVER | S_DRIVER_OK);
}

static void set_desc(Dev *d, uint64_t table, unsigned i, uint64_t addr,
                     uint32_t len, uint16_t flags, uint16_t next)
{
    uint8_t raw[16];

    memcpy(raw, &addr, 8);
    memcpy(raw + 8, &len, 4);
    memcpy(raw + 12, &flags, 2);
    memcpy(raw + 14, &next, 2);
    qtest_memwrite(d->qs, table + 16 * i, raw, 16);
}

static void kick(Dev *d, uint16_t head)
{
    qtest_writew(d->qs, d->avail + 4 + 2 * (d->avail_idx % d->qsize), head);
    d->avail_idx++;
    qtest_writew(d->qs, d->avail + 2, d->avail_idx);
    if (d->legacy) {
        qtest_outw(d->qs, d->iobase + 0x10, 0);
    } else {
        qtest_writew(d->qs, d->bar4 + NOTIFY + d->notify_off,
                     d->notify_off / 4);
    }
}

/* Waits (10 s at most) for the next used entry; returns its len. */
static uint32_t wait_used(Dev *d, uint32_t *id)
{
    gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    uint16_t slot;

    while (qtest_readw(d->qs, d->used + 2) == d->used_idx) {
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(100);
    }
    slot = d->used_idx % d->qsize;
    d->used_idx++;
    if (id) {
        *id = qtest_readl(d->qs, d->used + 4 + 8 * slot);
    }
    return qtest_readl(d->qs, d->used + 4 + 8 * slot + 4);
}

static void write_hdr(Dev *d, uint32_t type, uint64_t sector)
{
    uint8_t hdr[16] = { 0 };

    memcpy(hdr, &type, 4);
    memcpy(hdr + 8, &sector, 8);
    qtest_memwrite(d->qs, HDR, hdr, 16);
}

/* A request as Linux builds it: header, data, status in three
 * descriptors (or an indirect table holding them). */
static uint8_t request(Dev *d, uint32_t type, uint64_t sector, void *buf,
                       uint32_t len, bool to_device, bool indirect,
                       uint32_t *used_len)
{
    uint64_t table = indirect ? INDIRECT : d->desc;
    unsigned n = 0;
    uint32_t id, ul;

    write_hdr(d, type, sector);
    qtest_writeb(d->qs, STATUS, 0xee);
    if (len && to_device) {
        qtest_memwrite(d->qs, DATA, buf, len);
    } else if (len) {
        qtest_memset(d->qs, DATA, 0xcc, len);
    }
    set_desc(d, table, n, HDR, 16, D_NEXT, n + 1);
    n++;
    if (len) {
        set_desc(d, table, n, DATA, len, D_NEXT | (to_device ? 0 : D_WRITE),
                 n + 1);
        n++;
    }
    set_desc(d, table, n, STATUS, 1, D_WRITE, 0);
    n++;
    if (indirect) {
        set_desc(d, d->desc, 0, INDIRECT, 16 * n, D_INDIRECT, 0);
    }
    kick(d, 0);
    ul = wait_used(d, &id);
    g_assert_cmpuint(id, ==, 0);
    if (used_len) {
        *used_len = ul;
    }
    if (len && !to_device) {
        qtest_memread(d->qs, DATA, buf, len);
    }
    return qtest_readb(d->qs, STATUS);
}

static QTestState *start(const char *extra)
{
    return qtest_initf("-drive file=%s,format=raw,if=none,id=d0,"
                       "discard=unmap -device virtio-blk-pci,drive=d0,"
                       "addr=%02x.0,serial=KEMU-SERIAL-0123456789%s",
                       img_path, SLOT, extra ? extra : "");
}

/* ---- tests ---- */

static void test_ids(void)
{
    QTestState *s = start(NULL);
    int cap, types = 0;

    g_assert_cmphex(qtest_pci_cfg_readl(s, 0, SLOT, 0, 0x00), ==,
                    0x10011af4);
    g_assert_cmphex(qtest_pci_cfg_readb(s, 0, SLOT, 0, 0x08), ==, 0);
    g_assert_cmphex(qtest_pci_cfg_readw(s, 0, SLOT, 0, 0x0a), ==, 0x0100);
    g_assert_cmphex(qtest_pci_cfg_readl(s, 0, SLOT, 0, 0x2c), ==,
                    0x00021af4);
    g_assert_cmphex(qtest_pci_cfg_readb(s, 0, SLOT, 0, 0x3d), ==, 1);
    /* BAR 0 is I/O, BAR 4 64-bit prefetchable memory */
    g_assert_cmphex(qtest_pci_cfg_readl(s, 0, SLOT, 0, 0x10) & 1, ==, 1);
    g_assert_cmphex(qtest_pci_cfg_readl(s, 0, SLOT, 0, 0x20) & 0xf, ==, 0xc);
    /* vendor capabilities: common, notify, isr, device, pci_cfg */
    cap = qtest_pci_cfg_readb(s, 0, SLOT, 0, 0x34);
    for (int guard = 0; cap && guard < 48; guard++) {
        uint8_t id = qtest_pci_cfg_readb(s, 0, SLOT, 0, cap);
        if (id == 0x09) {
            uint8_t type = qtest_pci_cfg_readb(s, 0, SLOT, 0, cap + 3);
            uint8_t bar = qtest_pci_cfg_readb(s, 0, SLOT, 0, cap + 4);
            uint32_t off = qtest_pci_cfg_readl(s, 0, SLOT, 0, cap + 8);
            types |= 1 << type;
            if (type >= 1 && type <= 4) {
                g_assert_cmpuint(bar, ==, 4);
                static const uint32_t want[] = { 0, 0, 0x3000, 0x1000,
                                                 0x2000 };
                g_assert_cmphex(off, ==, want[type]);
            }
            if (type == 2) {
                g_assert_cmpuint(qtest_pci_cfg_readl(s, 0, SLOT, 0, cap + 16),
                                 ==, 4);
            }
        }
        cap = qtest_pci_cfg_readb(s, 0, SLOT, 0, cap + 1);
    }
    g_assert_cmphex(types, ==, 0x3e);
    qtest_quit(s);

    /* Modern only: 1af4:1042, revision 1, no I/O BAR. */
    s = start(",disable-legacy=on");
    g_assert_cmphex(qtest_pci_cfg_readl(s, 0, SLOT, 0, 0x00), ==,
                    0x10421af4);
    g_assert_cmphex(qtest_pci_cfg_readb(s, 0, SLOT, 0, 0x08), ==, 1);
    qtest_pci_cfg_writel(s, 0, SLOT, 0, 0x10, 0xffffffff);
    g_assert_cmphex(qtest_pci_cfg_readl(s, 0, SLOT, 0, 0x10), ==, 0);
    qtest_quit(s);
}

static void test_config(void)
{
    QTestState *s = start(",num-queues=2,physical_block_size=4096");
    Dev d = { .qs = s, .slot = SLOT };
    uint64_t f;

    pci_setup(&d, BAR4_ADDR, IO_BASE);
    f = modern_init(&d, F_SEG_MAX | F_BLK_SIZE | F_FLUSH | F_CONFIG_WCE |
                    F_MQ | F_DISCARD | F_WRITE_ZEROES);
    g_assert_cmphex(f & (F_MQ | F_CONFIG_WCE | F_DISCARD), ==,
                    F_MQ | F_CONFIG_WCE | F_DISCARD);
    g_assert_cmpuint(c_r16(&d, C_NUMQ), ==, 2);
    g_assert_cmpuint(qtest_readl(s, BAR4_ADDR + DEVCFG + 0), ==,
                     DISK_SIZE / 512);
    g_assert_cmpuint(qtest_readl(s, BAR4_ADDR + DEVCFG + 4), ==, 0);
    g_assert_cmpuint(qtest_readl(s, BAR4_ADDR + DEVCFG + 12), ==, 254);
    g_assert_cmpuint(qtest_readl(s, BAR4_ADDR + DEVCFG + 20), ==, 512);
    g_assert_cmpuint(qtest_readb(s, BAR4_ADDR + DEVCFG + 24), ==, 3);
    g_assert_cmpuint(qtest_readw(s, BAR4_ADDR + DEVCFG + 34), ==, 2);
    g_assert_cmpuint(qtest_readl(s, BAR4_ADDR + DEVCFG + 40), ==, 1);
    /* writeback toggle (CONFIG_WCE) */
    g_assert_cmpuint(qtest_readb(s, BAR4_ADDR + DEVCFG + 32), ==, 1);
    qtest_writeb(s, BAR4_ADDR + DEVCFG + 32, 0);
    g_assert_cmpuint(qtest_readb(s, BAR4_ADDR + DEVCFG + 32), ==, 0);
    qtest_writeb(s, BAR4_ADDR + DEVCFG + 32, 1);
    g_assert_cmpuint(qtest_readb(s, BAR4_ADDR + DEVCFG + 32), ==, 1);
    /* reads past the config are logged and read 0 */
    g_assert_cmpuint(qtest_readl(s, BAR4_ADDR + DEVCFG + 0x100), ==, 0);
    /* a queue that does not exist has size 0 */
    c_w16(&d, C_Q_SELECT, 7);
    g_assert_cmpuint(c_r16(&d, C_Q_SIZE), ==, 0);
    /* queue 1 of 2: its own rings and notification address */
    {
        uint8_t buf[512], fbuf[512];
        Dev q1 = d;

        q1.desc = 0x400000;
        q1.avail = 0x401000;
        q1.used = 0x402000;
        q1.notify_off = 4;
        q1.avail_idx = q1.used_idx = 0;
        qtest_memset(s, 0x400000, 0, 0x3000);
        c_w16(&d, C_Q_SELECT, 1);
        g_assert_cmpuint(c_r16(&d, C_Q_SIZE), ==, 256);
        g_assert_cmpuint(c_r16(&d, 0x1e), ==, 1);     /* queue_notify_off */
        c_w16(&d, C_Q_SIZE, QSIZE);
        c_w64(&d, C_Q_DESC, q1.desc);
        c_w64(&d, C_Q_AVAIL, q1.avail);
        c_w64(&d, C_Q_USED, q1.used);
        c_w16(&d, C_Q_ENABLE, 1);
        g_assert_cmpuint(request(&q1, T_IN, 7, buf, 512, false, false, NULL),
                         ==, 0);
        file_read(7 * 512, fbuf, 512);
        g_assert_true(memcmp(buf, fbuf, 512) == 0);
        /* queue 0 saw nothing */
        g_assert_cmpuint(qtest_readw(s, d.used + 2), ==, 0);
    }
    /* the same registers through the PCI_CFG window: find it */
    for (int cap = qtest_pci_cfg_readb(s, 0, SLOT, 0, 0x34); cap;
         cap = qtest_pci_cfg_readb(s, 0, SLOT, 0, cap + 1)) {
        if (qtest_pci_cfg_readb(s, 0, SLOT, 0, cap) == 0x09 &&
            qtest_pci_cfg_readb(s, 0, SLOT, 0, cap + 3) == 5) {
            qtest_pci_cfg_writeb(s, 0, SLOT, 0, cap + 4, 4);
            qtest_pci_cfg_writel(s, 0, SLOT, 0, cap + 8, DEVCFG);
            qtest_pci_cfg_writel(s, 0, SLOT, 0, cap + 12, 4);
            g_assert_cmpuint(qtest_pci_cfg_readl(s, 0, SLOT, 0, cap + 16),
                             ==, DISK_SIZE / 512);
            /* a bad window reads nothing, harms nothing */
            qtest_pci_cfg_writel(s, 0, SLOT, 0, cap + 12, 3);
            qtest_pci_cfg_readl(s, 0, SLOT, 0, cap + 16);
        }
    }
    /* features the device did not offer: FEATURES_OK refused */
    set_status(&d, 0);
    set_status(&d, S_ACK | S_DRIVER);
    c_w32(&d, C_GFSELECT, 1);
    c_w32(&d, C_GF, 1 | (1u << 20));
    set_status(&d, S_ACK | S_DRIVER | S_FEATURES_OK);
    g_assert_cmphex(dev_status(&d) & S_FEATURES_OK, ==, 0);
    qtest_quit(s);

    /* read-only drive: RO offered */
    s = qtest_initf("-drive file=%s,format=raw,if=none,id=d0,readonly=on "
                    "-device virtio-blk-pci,drive=d0,addr=%02x.0", img_path,
                    SLOT);
    d.qs = s;
    pci_setup(&d, BAR4_ADDR, IO_BASE);
    f = modern_init(&d, F_RO | F_FLUSH);
    g_assert_true(f & F_RO);
    {
        uint8_t buf[512] = { 1 };
        g_assert_cmpuint(request(&d, T_OUT, 0, buf, 512, true, false, NULL),
                         ==, 1);
        g_assert_cmpuint(request(&d, T_IN, 0, buf, 512, false, false, NULL),
                         ==, 0);
    }
    qtest_quit(s);
}

static void do_io(Dev *d, bool indirect)
{
    uint8_t wbuf[8192], rbuf[8192], fbuf[8192];
    uint32_t ul;

    for (size_t i = 0; i < sizeof(wbuf); i++) {
        wbuf[i] = (uint8_t)(i * 13 + 5 + indirect);
    }
    /* write 16 sectors at sector 24, flush, compare with the file */
    g_assert_cmpuint(request(d, T_OUT, 24, wbuf, 8192, true, indirect, &ul),
                     ==, 0);
    g_assert_cmpuint(ul, ==, 1);
    g_assert_cmpuint(request(d, T_FLUSH, 0, NULL, 0, false, indirect, NULL),
                     ==, 0);
    file_read(24 * 512, fbuf, sizeof(fbuf));
    g_assert_true(memcmp(wbuf, fbuf, sizeof(fbuf)) == 0);
    /* read it back, and an untouched area against the file */
    g_assert_cmpuint(request(d, T_IN, 24, rbuf, 8192, false, indirect, &ul),
                     ==, 0);
    g_assert_cmpuint(ul, ==, 8193);
    g_assert_true(memcmp(wbuf, rbuf, sizeof(rbuf)) == 0);
    g_assert_cmpuint(request(d, T_IN, 1000, rbuf, 4096, false, indirect,
                             NULL), ==, 0);
    file_read(1000 * 512, fbuf, 4096);
    g_assert_true(memcmp(rbuf, fbuf, 4096) == 0);
    /* the last sector, then one past the end and an unaligned length */
    g_assert_cmpuint(request(d, T_IN, DISK_SIZE / 512 - 1, rbuf, 512, false,
                             indirect, NULL), ==, 0);
    g_assert_cmpuint(request(d, T_IN, DISK_SIZE / 512, rbuf, 512, false,
                             indirect, NULL), ==, 1);
    g_assert_cmpuint(request(d, T_IN, UINT64_MAX / 256, rbuf, 512, false,
                             indirect, NULL), ==, 1);
    g_assert_cmpuint(request(d, T_OUT, 8, wbuf, 100, true, indirect, NULL),
                     ==, 1);
    /* unknown request type */
    g_assert_cmpuint(request(d, 99, 0, rbuf, 512, false, indirect, NULL),
                     ==, 2);
}

static void test_io(void)
{
    QTestState *s = start(NULL);
    Dev d = { .qs = s, .slot = SLOT };
    uint8_t buf[512], fbuf[512], seg[16];
    uint32_t ul, id;

    pci_setup(&d, BAR4_ADDR, IO_BASE);
    modern_init(&d, F_FLUSH | F_DISCARD | F_WRITE_ZEROES | F_INDIRECT |
                F_EVENT_IDX);
    do_io(&d, false);
    do_io(&d, true);

    /* get-id: the serial, cut at 20 bytes */
    g_assert_cmpuint(request(&d, T_GET_ID, 0, buf, 20, false, false, &ul),
                     ==, 0);
    g_assert_cmpuint(ul, ==, 21);
    g_assert_true(memcmp(buf, "KEMU-SERIAL-01234567", 20) == 0);

    /* write-zeroes of sectors 24..31 */
    {
        uint64_t sector = 24;
        uint32_t n = 8, flags = 0;
        memcpy(seg, &sector, 8);
        memcpy(seg + 8, &n, 4);
        memcpy(seg + 12, &flags, 4);
        g_assert_cmpuint(request(&d, T_WRITE_ZEROES, 0, seg, 16, true, false,
                                 NULL), ==, 0);
        g_assert_cmpuint(request(&d, T_FLUSH, 0, NULL, 0, false, false, NULL),
                         ==, 0);
        file_read(24 * 512, fbuf, 512);
        memset(buf, 0, 512);
        g_assert_true(memcmp(buf, fbuf, 512) == 0);
        file_read(32 * 512, fbuf, 512);
        g_assert_true(fbuf[0] != 0 || fbuf[1] != 0);
        /* discard of the same range succeeds; bad flags are UNSUPP */
        g_assert_cmpuint(request(&d, T_DISCARD, 0, seg, 16, true, false,
                                 NULL), ==, 0);
        flags = 1;
        memcpy(seg + 12, &flags, 4);
        g_assert_cmpuint(request(&d, T_DISCARD, 0, seg, 16, true, false,
                                 NULL), ==, 2);
        /* past the end */
        sector = DISK_SIZE / 512 - 4;
        flags = 0;
        memcpy(seg, &sector, 8);
        memcpy(seg + 12, &flags, 4);
        g_assert_cmpuint(request(&d, T_WRITE_ZEROES, 0, seg, 16, true, false,
                                 NULL), ==, 1);
    }

    /* a request split over many small descriptors (any layout) */
    write_hdr(&d, T_IN, 2);
    set_desc(&d, d.desc, 0, HDR, 8, D_NEXT, 1);
    set_desc(&d, d.desc, 1, HDR + 8, 8, D_NEXT, 2);
    for (int i = 0; i < 8; i++) {
        set_desc(&d, d.desc, 2 + i, DATA + 64 * i, 64, D_NEXT | D_WRITE,
                 3 + i);
    }
    set_desc(&d, d.desc, 10, STATUS, 1, D_WRITE, 0);
    kick(&d, 0);
    g_assert_cmpuint(wait_used(&d, &id), ==, 513);
    g_assert_cmpuint(qtest_readb(s, STATUS), ==, 0);
    qtest_memread(s, DATA, buf, 512);
    file_read(2 * 512, fbuf, 512);
    g_assert_true(memcmp(buf, fbuf, 512) == 0);

    /* several requests in flight at once, completed in any order */
    for (int i = 0; i < 4; i++) {
        uint8_t hdr[16] = { 0 };
        uint64_t sector = 100 + i;
        memcpy(hdr + 8, &sector, 8);
        qtest_memwrite(s, HDR + 16 * i, hdr, 16);
        set_desc(&d, d.desc, 3 * i, HDR + 16 * i, 16, D_NEXT, 3 * i + 1);
        set_desc(&d, d.desc, 3 * i + 1, DATA + 512 * i, 512,
                 D_NEXT | D_WRITE, 3 * i + 2);
        set_desc(&d, d.desc, 3 * i + 2, STATUS + i, 1, D_WRITE, 0);
        qtest_writew(s, d.avail + 4 + 2 * (d.avail_idx % QSIZE), 3 * i);
        d.avail_idx++;
    }
    qtest_writew(s, d.avail + 2, d.avail_idx);
    qtest_writew(s, BAR4_ADDR + NOTIFY, 0);
    {
        unsigned seen = 0;
        for (int i = 0; i < 4; i++) {
            wait_used(&d, &id);
            g_assert_cmpuint(id % 3, ==, 0);
            seen |= 1 << (id / 3);
        }
        g_assert_cmphex(seen, ==, 0xf);
        for (int i = 0; i < 4; i++) {
            qtest_memread(s, DATA + 512 * i, buf, 512);
            file_read((100 + i) * 512, fbuf, 512);
            g_assert_true(memcmp(buf, fbuf, 512) == 0);
        }
    }
    qtest_quit(s);
}

static void test_interrupts(void)
{
    QTestState *s = start(",ioeventfd=off");
    Dev d = { .qs = s, .slot = SLOT };
    uint8_t buf[512];
    int msix = 0;

    pci_setup(&d, BAR4_ADDR, IO_BASE);
    /* INTx: the ISR has bit 0 and the status register's interrupt bit is
     * set; reading the ISR clears both. */
    modern_init(&d, F_FLUSH);
    qtest_readb(s, BAR4_ADDR + ISR);
    g_assert_cmpuint(request(&d, T_IN, 0, buf, 512, false, false, NULL), ==,
                     0);
    g_assert_cmphex(qtest_pci_cfg_readw(s, 0, SLOT, 0, 0x06) & 0x08, ==, 0x08);
    g_assert_cmphex(qtest_readb(s, BAR4_ADDR + ISR), ==, 1);
    g_assert_cmphex(qtest_readb(s, BAR4_ADDR + ISR), ==, 0);
    g_assert_cmphex(qtest_pci_cfg_readw(s, 0, SLOT, 0, 0x06) & 0x08, ==, 0);

    /* No interrupt when the driver asks for none (avail flags). */
    qtest_writew(s, d.avail, 1);
    g_assert_cmpuint(request(&d, T_IN, 0, buf, 512, false, false, NULL), ==,
                     0);
    g_assert_cmphex(qtest_readb(s, BAR4_ADDR + ISR), ==, 0);
    qtest_writew(s, d.avail, 0);

    /* MSI-X: vector 1 for queue 0, masked: the PBA bit shows it. */
    for (int cap = qtest_pci_cfg_readb(s, 0, SLOT, 0, 0x34); cap;
         cap = qtest_pci_cfg_readb(s, 0, SLOT, 0, cap + 1)) {
        if (qtest_pci_cfg_readb(s, 0, SLOT, 0, cap) == 0x11) {
            msix = cap;
        }
    }
    g_assert_cmpint(msix, !=, 0);
    /* vectors = num-queues + 1 */
    g_assert_cmpuint((qtest_pci_cfg_readw(s, 0, SLOT, 0, msix + 2) & 0x7ff) +
                     1, >=, 2);
    qtest_pci_cfg_writew(s, 0, SLOT, 0, msix + 2, 0x8000);
    {
        uint64_t table = BAR1_ADDR + SLOT * 0x10000;
        uint64_t pba = table + 2048;
        qtest_writel(s, table + 16 + 12, 1);          /* mask vector 1 */
        c_w16(&d, C_Q_SELECT, 0);
        /* the queue vector cannot be changed while enabled; reset */
        set_status(&d, 0);
        modern_init(&d, F_FLUSH);
        c_w16(&d, C_Q_SELECT, 0);
        g_assert_cmpuint(c_r16(&d, C_Q_MSIX), ==, 0xffff);
        set_status(&d, 0);
        set_status(&d, S_ACK | S_DRIVER);
        c_w32(&d, C_GFSELECT, 1);
        c_w32(&d, C_GF, 1);
        set_status(&d, S_ACK | S_DRIVER | S_FEATURES_OK);
        c_w16(&d, C_MSIX, 0);
        g_assert_cmpuint(c_r16(&d, C_MSIX), ==, 0);
        c_w16(&d, C_Q_SELECT, 0);
        c_w16(&d, C_Q_SIZE, QSIZE);
        c_w64(&d, C_Q_DESC, d.desc);
        c_w64(&d, C_Q_AVAIL, d.avail);
        c_w64(&d, C_Q_USED, d.used);
        c_w16(&d, C_Q_MSIX, 1);
        g_assert_cmpuint(c_r16(&d, C_Q_MSIX), ==, 1);
        c_w16(&d, C_Q_MSIX, 999);         /* no such vector */
        g_assert_cmpuint(c_r16(&d, C_Q_MSIX), ==, 0xffff);
        c_w16(&d, C_Q_MSIX, 1);
        c_w16(&d, C_Q_ENABLE, 1);
        set_status(&d, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
        qtest_memset(s, RING_DESC, 0, 0x3000);
        d.avail_idx = d.used_idx = 0;
        g_assert_cmphex(qtest_readl(s, pba) & 2, ==, 0);
        g_assert_cmpuint(request(&d, T_IN, 0, buf, 512, false, false, NULL),
                         ==, 0);
        g_assert_cmphex(qtest_readl(s, pba) & 2, ==, 2);
    }
    qtest_quit(s);
}

static void test_legacy(void)
{
    QTestState *s = start(",disable-modern=on,vectors=0");
    Dev d = { .qs = s, .slot = SLOT, .legacy = true };
    uint8_t wbuf[1024], rbuf[1024], fbuf[1024];

    /* transitional ids, no modern BAR */
    g_assert_cmphex(qtest_pci_cfg_readl(s, 0, SLOT, 0, 0x00), ==,
                    0x10011af4);
    pci_setup(&d, BAR4_ADDR, IO_BASE);
    g_assert_cmphex(qtest_pci_cfg_readl(s, 0, SLOT, 0, 0x20), ==, 0);
    legacy_init(&d);
    /* VERSION_1 is not offered on the 32-bit legacy register, capacity
     * is at 0x14 without MSI-X */
    g_assert_cmpuint(qtest_inl(s, IO_BASE + 0x14), ==, DISK_SIZE / 512);
    for (size_t i = 0; i < sizeof(wbuf); i++) {
        wbuf[i] = (uint8_t)(i * 3 + 1);
    }
    g_assert_cmpuint(request(&d, T_OUT, 40, wbuf, 1024, true, false, NULL),
                     ==, 0);
    g_assert_cmpuint(request(&d, T_FLUSH, 0, NULL, 0, false, false, NULL),
                     ==, 0);
    file_read(40 * 512, fbuf, 1024);
    g_assert_true(memcmp(wbuf, fbuf, 1024) == 0);
    g_assert_cmpuint(request(&d, T_IN, 40, rbuf, 1024, false, false, NULL),
                     ==, 0);
    g_assert_true(memcmp(wbuf, rbuf, 1024) == 0);
    /* ISR: read clears */
    g_assert_cmphex(qtest_inb(s, IO_BASE + 0x13) & 1, ==, 1);
    g_assert_cmphex(qtest_inb(s, IO_BASE + 0x13), ==, 0);
    /* PFN 0 resets the device */
    qtest_outl(s, IO_BASE + 0x08, 0);
    g_assert_cmphex(dev_status(&d), ==, 0);
    qtest_quit(s);
}

/* ---- malformed chains ---- */

typedef void BadSetup(Dev *d);

static void bad_loop(Dev *d)
{
    write_hdr(d, T_IN, 0);
    set_desc(d, d->desc, 0, HDR, 16, D_NEXT, 1);
    set_desc(d, d->desc, 1, DATA, 512, D_NEXT | D_WRITE, 2);
    set_desc(d, d->desc, 2, STATUS, 1, D_NEXT | D_WRITE, 1);
}

static void bad_self_loop(Dev *d)
{
    set_desc(d, d->desc, 0, HDR, 16, D_NEXT, 0);
}

static void bad_next_range(Dev *d)
{
    set_desc(d, d->desc, 0, HDR, 16, D_NEXT, 200);
}

static void bad_head(Dev *d)
{
    set_desc(d, d->desc, 0, HDR, 16, 0, 0);
    /* the avail entry itself names a descriptor outside the ring */
    qtest_writew(d->qs, d->avail + 4 + 2 * (d->avail_idx % d->qsize), 300);
}

static void bad_outside_ram(Dev *d)
{
    write_hdr(d, T_IN, 0);
    set_desc(d, d->desc, 0, HDR, 16, D_NEXT, 1);
    set_desc(d, d->desc, 1, 0x7f0000000000ull, 512, D_NEXT | D_WRITE, 2);
    set_desc(d, d->desc, 2, STATUS, 1, D_WRITE, 0);
}

static void bad_mmio(Dev *d)
{
    /* the device's own registers as a data buffer */
    write_hdr(d, T_IN, 0);
    set_desc(d, d->desc, 0, HDR, 16, D_NEXT, 1);
    set_desc(d, d->desc, 1, d->bar4, 512, D_NEXT | D_WRITE, 2);
    set_desc(d, d->desc, 2, STATUS, 1, D_WRITE, 0);
}

static void bad_wrap(Dev *d)
{
    write_hdr(d, T_IN, 0);
    set_desc(d, d->desc, 0, HDR, 16, D_NEXT, 1);
    set_desc(d, d->desc, 1, 0xfffffffffffff000ull, 0x2000, D_NEXT | D_WRITE,
             2);
    set_desc(d, d->desc, 2, STATUS, 1, D_WRITE, 0);
}

static void bad_huge_len(Dev *d)
{
    write_hdr(d, T_IN, 0);
    set_desc(d, d->desc, 0, HDR, 16, D_NEXT, 1);
    set_desc(d, d->desc, 1, DATA, 0xffffffffu, D_NEXT | D_WRITE, 2);
    set_desc(d, d->desc, 2, STATUS, 1, D_WRITE, 0);
}

static void bad_read_after_write(Dev *d)
{
    write_hdr(d, T_IN, 0);
    set_desc(d, d->desc, 0, STATUS, 1, D_NEXT | D_WRITE, 1);
    set_desc(d, d->desc, 1, HDR, 16, 0, 0);
}

static void bad_indirect_next(Dev *d)
{
    set_desc(d, INDIRECT, 0, HDR, 16, 0, 0);
    set_desc(d, d->desc, 0, INDIRECT, 16, D_INDIRECT | D_NEXT, 1);
}

static void bad_indirect_len(Dev *d)
{
    set_desc(d, d->desc, 0, INDIRECT, 20, D_INDIRECT, 0);
}

static void bad_indirect_empty(Dev *d)
{
    set_desc(d, d->desc, 0, INDIRECT, 0, D_INDIRECT, 0);
}

static void bad_indirect_huge(Dev *d)
{
    set_desc(d, d->desc, 0, INDIRECT, 0xfffffff0u, D_INDIRECT, 0);
}

static void bad_indirect_nested(Dev *d)
{
    set_desc(d, INDIRECT, 0, INDIRECT + 0x100, 16, D_INDIRECT, 0);
    set_desc(d, d->desc, 0, INDIRECT, 16, D_INDIRECT, 0);
}

static void bad_indirect_loop(Dev *d)
{
    set_desc(d, INDIRECT, 0, HDR, 16, D_NEXT, 1);
    set_desc(d, INDIRECT, 1, DATA, 512, D_NEXT | D_WRITE, 0);
    set_desc(d, d->desc, 0, INDIRECT, 32, D_INDIRECT, 0);
}

static void bad_indirect_next_range(Dev *d)
{
    set_desc(d, INDIRECT, 0, HDR, 16, D_NEXT, 2);
    set_desc(d, INDIRECT, 1, STATUS, 1, D_WRITE, 0);
    set_desc(d, d->desc, 0, INDIRECT, 32, D_INDIRECT, 0);
}

static void bad_indirect_outside(Dev *d)
{
    set_desc(d, d->desc, 0, 0x7f0000000000ull, 64, D_INDIRECT, 0);
}

static void bad_no_header(Dev *d)
{
    set_desc(d, d->desc, 0, HDR, 8, D_NEXT, 1);
    set_desc(d, d->desc, 1, STATUS, 1, D_WRITE, 0);
}

static void bad_no_status(Dev *d)
{
    write_hdr(d, T_OUT, 0);
    set_desc(d, d->desc, 0, HDR, 16, D_NEXT, 1);
    set_desc(d, d->desc, 1, DATA, 512, 0, 0);
}

static void bad_too_many_segments(Dev *d)
{
    /* 1100 one-byte descriptors in an indirect table: over the limit */
    enum { N = 1100 };
    uint8_t *t = g_malloc0(16 * N);

    for (unsigned i = 0; i < N; i++) {
        uint64_t addr = DATA + i;
        uint32_t len = 1;
        uint16_t flags = (i < N - 1 ? D_NEXT : 0) | (i ? D_WRITE : 0);
        uint16_t next = i + 1;
        memcpy(t + 16 * i, &addr, 8);
        memcpy(t + 16 * i + 8, &len, 4);
        memcpy(t + 16 * i + 12, &flags, 2);
        memcpy(t + 16 * i + 14, &next, 2);
    }
    qtest_memwrite(d->qs, 0x140000, t, 16 * N);
    g_free(t);
    set_desc(d, d->desc, 0, 0x140000, 16 * N, D_INDIRECT, 0);
}

static const struct {
    const char *name;
    BadSetup *setup;
    int kind;       /* 0 chain, 1 avail index jump, 2 rings outside RAM */
} bad_cases[] = {
    { "loop", bad_loop, 0 },
    { "self-loop", bad_self_loop, 0 },
    { "next-out-of-range", bad_next_range, 0 },
    { "head-out-of-range", bad_head, 0 },
    { "buffer-outside-ram", bad_outside_ram, 0 },
    { "buffer-in-mmio", bad_mmio, 0 },
    { "buffer-wraps", bad_wrap, 0 },
    { "buffer-4g", bad_huge_len, 0 },
    { "readable-after-writable", bad_read_after_write, 0 },
    { "indirect-with-next", bad_indirect_next, 0 },
    { "indirect-len", bad_indirect_len, 0 },
    { "indirect-empty", bad_indirect_empty, 0 },
    { "indirect-huge", bad_indirect_huge, 0 },
    { "indirect-nested", bad_indirect_nested, 0 },
    { "indirect-loop", bad_indirect_loop, 0 },
    { "indirect-next-out-of-range", bad_indirect_next_range, 0 },
    { "indirect-outside-ram", bad_indirect_outside, 0 },
    { "no-header", bad_no_header, 0 },
    { "no-status", bad_no_status, 0 },
    { "too-many-segments", bad_too_many_segments, 0 },
    { "avail-index-jump", NULL, 1 },
    { "rings-outside-ram", NULL, 2 },
};

static void wait_needs_reset(Dev *d)
{
    gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

    while (!(dev_status(d) & S_NEEDS_RESET)) {
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(100);
    }
}

static void test_malformed(void)
{
    QTestState *s = qtest_initf(
        "-drive file=%s,format=raw,if=none,id=d0 "
        "-drive file=%s,format=raw,if=none,id=d1,readonly=on "
        "-device virtio-blk-pci,drive=d0,addr=%02x.0 "
        "-device virtio-blk-pci,drive=d1,addr=%02x.0 -d guest_errors",
        img_path, img_path, SLOT, SLOT2);
    Dev d = { .qs = s, .slot = SLOT };
    Dev d2 = { .qs = s, .slot = SLOT2 };
    uint8_t buf[512], fbuf[512];

    pci_setup(&d, BAR4_ADDR, IO_BASE);
    pci_setup(&d2, BAR4_ADDR2, IO_BASE2);
    file_read(0, fbuf, 512);
    for (unsigned i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
        g_test_message("malformed: %s", bad_cases[i].name);
        modern_init(&d, F_FLUSH | F_INDIRECT | F_EVENT_IDX);
        if (bad_cases[i].kind == 0) {
            bad_cases[i].setup(&d);
            if (bad_cases[i].setup == bad_head) {
                d.avail_idx++;
                qtest_writew(s, d.avail + 2, d.avail_idx);
                qtest_writew(s, BAR4_ADDR + NOTIFY, 0);
            } else {
                kick(&d, 0);
            }
        } else if (bad_cases[i].kind == 1) {
            qtest_writew(s, d.avail + 2, 100);
            qtest_writew(s, BAR4_ADDR + NOTIFY, 0);
        } else {
            set_status(&d, 0);
            set_status(&d, S_ACK | S_DRIVER);
            c_w32(&d, C_GFSELECT, 1);
            c_w32(&d, C_GF, 1);
            set_status(&d, S_ACK | S_DRIVER | S_FEATURES_OK);
            c_w16(&d, C_Q_SELECT, 0);
            c_w16(&d, C_Q_SIZE, QSIZE);
            c_w64(&d, C_Q_DESC, 0x7f0000000000ull);
            c_w64(&d, C_Q_AVAIL, 0x7f0000001000ull);
            c_w64(&d, C_Q_USED, 0x7f0000002000ull);
            c_w16(&d, C_Q_ENABLE, 1);
            set_status(&d, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
            qtest_writew(s, BAR4_ADDR + NOTIFY, 0);
        }
        wait_needs_reset(&d);
        /* nothing was completed */
        g_assert_cmpuint(qtest_readw(s, d.used + 2), ==, 0);
        /* further kicks are ignored while broken */
        qtest_writew(s, BAR4_ADDR + NOTIFY, 0);
        g_assert_cmpuint(qtest_readw(s, d.used + 2), ==, 0);
        /* the other device still works (its rings elsewhere) */
        modern_init(&d2, F_FLUSH);
        d2.desc = 0x300000;
        d2.avail = 0x301000;
        d2.used = 0x302000;
        qtest_memset(s, 0x300000, 0, 0x3000);
        set_status(&d2, 0);
        set_status(&d2, S_ACK | S_DRIVER);
        c_w32(&d2, C_GFSELECT, 1);
        c_w32(&d2, C_GF, 1);
        set_status(&d2, S_ACK | S_DRIVER | S_FEATURES_OK);
        c_w16(&d2, C_Q_SELECT, 0);
        c_w16(&d2, C_Q_SIZE, QSIZE);
        c_w64(&d2, C_Q_DESC, d2.desc);
        c_w64(&d2, C_Q_AVAIL, d2.avail);
        c_w64(&d2, C_Q_USED, d2.used);
        c_w16(&d2, C_Q_ENABLE, 1);
        set_status(&d2, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
        d2.avail_idx = d2.used_idx = 0;
        g_assert_cmpuint(request(&d2, T_IN, 0, buf, 512, false, false, NULL),
                         ==, 0);
        g_assert_true(memcmp(buf, fbuf, 512) == 0);
        /* and after a reset the broken one works again */
        modern_init(&d, F_FLUSH);
        g_assert_cmphex(dev_status(&d) & S_NEEDS_RESET, ==, 0);
        g_assert_cmpuint(request(&d, T_IN, 0, buf, 512, false, false, NULL),
                         ==, 0);
        g_assert_true(memcmp(buf, fbuf, 512) == 0);
    }
    g_assert_true(qtest_alive(s));
    qtest_quit(s);
}

/* Hostile register writes: random values everywhere in both BARs and
 * the config space, then the device must still reset and work. */
static void test_register_noise(void)
{
    QTestState *s = start(NULL);
    Dev d = { .qs = s, .slot = SLOT };
    uint64_t x = 0x9e3779b97f4a7c15ull;
    uint8_t buf[512], fbuf[512];

    pci_setup(&d, BAR4_ADDR, IO_BASE);
    modern_init(&d, F_FLUSH | F_INDIRECT | F_EVENT_IDX);
    for (int i = 0; i < 3000; i++) {
        x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
        uint64_t r = x * 0x2545f4914f6cdd1dull;
        unsigned off = (r >> 8) % 0x4000;
        uint32_t v = r >> 32;
        switch (r & 3) {
        case 0:
            /* never the status register's reset-free path only */
            qtest_writeb(s, BAR4_ADDR + off, v);
            break;
        case 1:
            qtest_writew(s, BAR4_ADDR + (off & ~1u), v);
            break;
        case 2:
            qtest_writel(s, BAR4_ADDR + (off & ~3u), v);
            break;
        default:
            qtest_outb(s, IO_BASE + (off & 0x7f), v);
            break;
        }
    }
    /* BARs may have been left anywhere by the noise: the config space
     * was not touched, so they are where we put them. */
    pci_setup(&d, BAR4_ADDR, IO_BASE);
    modern_init(&d, F_FLUSH);
    g_assert_cmpuint(request(&d, T_IN, 0, buf, 512, false, false, NULL), ==,
                     0);
    file_read(0, fbuf, 512);
    g_assert_true(memcmp(buf, fbuf, 512) == 0);
    qtest_quit(s);
}

static void test_if_virtio(void)
{
    /* -drive if=virtio: slots after -device, in -drive order */
    QTestState *s = qtest_initf(
        "-drive file=%s,format=raw,if=virtio,readonly=on "
        "-drive file=%s,format=raw,if=virtio,readonly=on "
        "-device virtio-blk-pci,drive=d9,addr=07.0 "
        "-drive file=%s,format=raw,if=none,id=d9,readonly=on",
        img_path, img_path, img_path);

    g_assert_cmphex(qtest_pci_cfg_readl(s, 0, 7, 0, 0), ==, 0x10011af4);
    g_assert_cmphex(qtest_pci_cfg_readl(s, 0, 2, 0, 0), ==, 0x10011af4);
    g_assert_cmphex(qtest_pci_cfg_readl(s, 0, 3, 0, 0), ==, 0x10011af4);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    img_path = make_image();
    g_test_add_func("/virtio-blk/ids", test_ids);
    g_test_add_func("/virtio-blk/config", test_config);
    g_test_add_func("/virtio-blk/io", test_io);
    g_test_add_func("/virtio-blk/interrupts", test_interrupts);
    g_test_add_func("/virtio-blk/legacy", test_legacy);
    g_test_add_func("/virtio-blk/malformed", test_malformed);
    g_test_add_func("/virtio-blk/register-noise", test_register_noise);
    g_test_add_func("/virtio-blk/if-virtio", test_if_virtio);
    ret = g_test_run();
    g_unlink(img_path);
    g_free(img_path);
    return ret;
}
