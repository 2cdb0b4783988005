/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-blk-pci as a guest driver gone wrong: a virtio-blk-pci at 04.0
 * over a null-co drive (reads give zeros, writes go nowhere), its BARs
 * programmed and the device brought to DRIVER_OK with queue 0 of 16
 * entries (descriptors at 0x100000, avail at 0x101000, used at 0x102000)
 * and the indirect-descriptor and event-index features. Then the input,
 * a list of operations:
 *   0  a descriptor: index, then address (an offset into the 1 MiB DMA
 *      window, or any 64-bit value when a flag bit says so), length,
 *      flags, next
 *   1  publish a head in the avail ring and kick
 *   2  set avail->idx to any value and kick
 *   3  bytes into the DMA window (headers, indirect tables, data)
 *   4  a write into BAR 4 (common config, ISR, device config, notify)
 *   5  a write into the legacy I/O BAR
 *   6  run the main loop (block completions)
 *   7  reset the device and set it up again
 * Afterwards the machine is reset and the window cleared.
 */
#include "fuzz.h"
#include "util/main-loop.h"
#include "sysemu/qtest.h"
#include "hw/qdev.h"
#include "sysemu/block-backend.h"

#define SLOT        4
#define BAR4        0xe0000000ull
#define BAR1        0xe0100000ull
#define IOBASE      0xc000
#define DESC        0x100000ull
#define AVAIL       0x101000ull
#define USED        0x102000ull
#define WINDOW      0x100000ull
#define WINDOW_SIZE 0x100000ull
#define QSIZE       16
#define MAX_OPS     256

static GString *reply;
static uint16_t avail_idx;

static void run(const char *fmt, ...) KEMU_PRINTF(1, 2);
static void run(const char *fmt, ...)
{
    va_list ap;
    g_autofree char *line = NULL;

    va_start(ap, fmt);
    line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_string_truncate(reply, 0);
    qtest_inproc_line(line, reply);
}

static void cfg_write(unsigned off, uint32_t v, unsigned size)
{
    run("outl 0xcf8 0x%x", 0x80000000u | (SLOT << 11) | (off & ~3u));
    run("out%c 0x%x 0x%x", size == 1 ? 'b' : size == 2 ? 'w' : 'l',
        0xcfc + (off & 3), v);
}

static void w(unsigned off, uint64_t v, unsigned size)
{
    run("write%c 0x%llx 0x%llx", size == 1 ? 'b' : size == 2 ? 'w' :
        size == 4 ? 'l' : 'q', (unsigned long long)(BAR4 + off),
        (unsigned long long)v);
}

static void device_setup(void)
{
    cfg_write(0x10, IOBASE, 4);
    cfg_write(0x14, BAR1, 4);
    cfg_write(0x20, (uint32_t)BAR4, 4);
    cfg_write(0x24, 0, 4);
    cfg_write(0x04, 7, 2);
    w(0x14, 0, 1);                     /* reset */
    w(0x14, 3, 1);                     /* ACKNOWLEDGE | DRIVER */
    w(0x08, 0, 4);
    w(0x0c, (1u << 28) | (1u << 29) | (1u << 9), 4);
    w(0x08, 1, 4);
    w(0x0c, 1, 4);                     /* VERSION_1 */
    w(0x14, 0xb, 1);                   /* FEATURES_OK */
    w(0x16, 0, 2);
    w(0x18, QSIZE, 2);
    w(0x20, DESC, 4);
    w(0x24, 0, 4);
    w(0x28, AVAIL, 4);
    w(0x2c, 0, 4);
    w(0x30, USED, 4);
    w(0x34, 0, 4);
    w(0x1c, 1, 2);
    w(0x14, 0xf, 1);                   /* DRIVER_OK */
    avail_idx = 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static const char *const extra[] = {
        "-blockdev", "driver=null-co,node-name=fz0,size=16777216",
        "-device", "virtio-blk-pci,drive=fz0,addr=04.0",
        NULL,
    };

    fuzz_machine_init(extra);
    reply = g_string_new(NULL);
    return 0;
}

static void kick(void)
{
    run("writew 0x%llx 0x%x", AVAIL + 2, avail_idx);
    run("writew 0x%llx 0", BAR4 + 0x3000);
}

static void op_desc(FuzzReader *r)
{
    unsigned i = fuzz_take(r, 1) % QSIZE;
    unsigned mode = fuzz_take(r, 1);
    uint64_t addr = mode & 1 ? fuzz_take(r, 8)
                             : WINDOW + fuzz_take(r, 3) % WINDOW_SIZE;
    uint32_t len = mode & 2 ? fuzz_take(r, 4) : fuzz_take(r, 2);
    uint16_t flags = fuzz_take(r, 1) & 7;
    uint16_t next = mode & 4 ? fuzz_take(r, 2) : fuzz_take(r, 1) % QSIZE;

    run("writeq 0x%llx 0x%llx", DESC + 16 * i, (unsigned long long)addr);
    run("writel 0x%llx 0x%x", DESC + 16 * i + 8, len);
    run("writew 0x%llx 0x%x", DESC + 16 * i + 12, flags);
    run("writew 0x%llx 0x%x", DESC + 16 * i + 14, next);
}

static void op_bytes(FuzzReader *r)
{
    uint64_t addr = WINDOW + 0x10000 + fuzz_take(r, 3) % (WINDOW_SIZE - 0x10000);
    unsigned len = fuzz_take(r, 1) + 1;
    GString *hex = g_string_new(NULL);

    len = MIN(len, r->left);
    if (len && addr + len <= WINDOW + WINDOW_SIZE) {
        for (unsigned i = 0; i < len; i++) {
            g_string_append_printf(hex, "%02x", (unsigned)fuzz_take(r, 1));
        }
        run("write 0x%llx %u 0x%s", (unsigned long long)addr, len, hex->str);
    }
    g_string_free(hex, true);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzReader r = { data, size };

    device_setup();
    for (int n = 0; r.left && n < MAX_OPS; n++) {
        switch (fuzz_take(&r, 1) % 8) {
        case 0:
            op_desc(&r);
            break;
        case 1:
            run("writew 0x%llx 0x%x", AVAIL + 4 + 2 * (avail_idx % QSIZE),
                (unsigned)fuzz_take(&r, 1) % (QSIZE + 2));
            avail_idx++;
            kick();
            break;
        case 2:
            avail_idx = fuzz_take(&r, 2);
            kick();
            break;
        case 3:
            op_bytes(&r);
            break;
        case 4: {
            unsigned sz = 1u << (fuzz_take(&r, 1) % 3);
            unsigned off = fuzz_take(&r, 2) % 0x4000;
            w(off & ~(sz - 1), fuzz_take(&r, sz), sz);
            break;
        }
        case 5: {
            unsigned off = fuzz_take(&r, 1) % 0x80;
            run("outb 0x%x 0x%x", IOBASE + off, (unsigned)fuzz_take(&r, 1));
            break;
        }
        case 6:
            main_loop_wait(false);
            break;
        case 7:
            device_setup();
            break;
        }
    }
    /* Requests still in flight finish before the reset drops them. */
    blk_drain_all();
    main_loop_wait(false);
    qemu_devices_reset();
    run("memset 0x%llx %llu 0", WINDOW, WINDOW_SIZE);
    return 0;
}
