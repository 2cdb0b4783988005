/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IDE fuzzer: the PIIX3 IDE function with a disk (ide0-hd0 shape, on a
 * null-co node: nothing reaches a host file), a CD-ROM with a disc and
 * an empty CD-ROM, driven through the qtest protocol in-process. Where
 * generic-pc finds the ports, this target speaks the protocols, so that
 * inputs reach the command decoders, the PIO state machines, ATAPI and
 * the PRD walker. Each operation is an opcode byte and its operands:
 *   0 write a task file register (channel, register, value)
 *   1 read a register, alternate status or the data port
 *   2 an ATA command with a whole task file (channel, 7 bytes)
 *   3 an ATAPI PACKET with its 12 bytes (channel, features, byte count)
 *   4 move up to 4 KiB through the data port (channel, direction, words)
 *   5 a PRD table of up to 8 entries at PRD_BASE (address offsets into
 *     the DMA window, lengths, end bits) and its bus-master registers
 *   6 a bus-master register write (channel, register, value)
 *   7 device control (channel, value)
 *   8 let the main loop run completions; 9 a clock step
 * After each input the machine is reset and the DMA window cleared.
 */
#include "fuzz.h"
#include "util/main-loop.h"
#include "sysemu/qtest.h"
#include "hw/qdev.h"

#define BM_BASE     0xc000
#define PRD_BASE    UINT64_C(0x100000)
#define DMA_BASE    UINT64_C(0x110000)
#define DMA_SPAN    UINT64_C(0x40000)
#define MAX_OPS     256

static const uint16_t cmd_port[2] = { 0x1f0, 0x170 };
static const uint16_t ctl_port[2] = { 0x3f6, 0x376 };
static GString *reply;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static const char *const extra[] = {
        "-blockdev", "driver=null-co,node-name=hd,size=64M",
        "-device", "ide-hd,drive=hd,bus=ide.0,unit=0",
        "-blockdev", "driver=null-co,node-name=cd,size=8M",
        "-device", "ide-cd,drive=cd,bus=ide.1,unit=0",
        "-device", "ide-cd,bus=ide.0,unit=1",
        NULL
    };

    fuzz_machine_init(extra);
    reply = g_string_new(NULL);
    return 0;
}

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

static void outb(uint16_t port, uint8_t v)
{
    run("outb 0x%x 0x%x", port, v);
}

/* The bus-master BAR and decoding, as firmware would set them. */
static void pci_setup(void)
{
    run("outl 0xcf8 0x%x", 0x80000000u | (1 << 11) | (1 << 8) | 0x20);
    run("outl 0xcfc 0x%x", BM_BASE | 1);
    run("outl 0xcf8 0x%x", 0x80000000u | (1 << 11) | (1 << 8) | 0x04);
    run("outw 0xcfc 0x5");
}

static void op_taskfile(FuzzReader *r, bool with_cmd)
{
    int ch = fuzz_take(r, 1) & 1;

    if (with_cmd) {
        for (int reg = 1; reg <= 6; reg++) {
            outb(cmd_port[ch] + reg, fuzz_take(r, 1));
        }
        outb(cmd_port[ch] + 7, fuzz_take(r, 1));
    } else {
        uint8_t reg = fuzz_take(r, 1) & 7;
        outb(cmd_port[ch] + reg, fuzz_take(r, 1));
    }
}

static void op_read(FuzzReader *r)
{
    uint8_t sel = fuzz_take(r, 1);
    int ch = sel & 1;

    switch ((sel >> 1) % 4) {
    case 0:
        run("inb 0x%x", cmd_port[ch] + ((sel >> 3) & 7));
        break;
    case 1:
        run("inb 0x%x", ctl_port[ch]);
        break;
    case 2:
        run("inw 0x%x", cmd_port[ch]);
        break;
    default:
        run("inl 0x%x", cmd_port[ch]);
        break;
    }
}

static void op_packet(FuzzReader *r)
{
    int ch = fuzz_take(r, 1) & 1;

    outb(cmd_port[ch] + 1, fuzz_take(r, 1));         /* features: DMA bit */
    outb(cmd_port[ch] + 4, fuzz_take(r, 1));         /* byte count limit */
    outb(cmd_port[ch] + 5, fuzz_take(r, 1));
    outb(cmd_port[ch] + 7, 0xa0);
    for (int i = 0; i < 6; i++) {
        run("outw 0x%x 0x%x", cmd_port[ch], (unsigned)fuzz_take(r, 2));
    }
}

static void op_data(FuzzReader *r)
{
    uint8_t sel = fuzz_take(r, 1);
    int ch = sel & 1;
    unsigned words = (fuzz_take(r, 1) + 1) * 8;

    for (unsigned i = 0; i < words && i < 2048; i++) {
        if (sel & 2) {
            run("outw 0x%x 0x%x", cmd_port[ch], (unsigned)fuzz_take(r, 2));
        } else {
            run("inw 0x%x", cmd_port[ch]);
        }
    }
}

static void op_prd(FuzzReader *r)
{
    uint8_t sel = fuzz_take(r, 1);
    int ch = sel & 1, n = ((sel >> 1) & 7) + 1;

    for (int i = 0; i < n; i++) {
        uint32_t off = fuzz_take(r, 3) % DMA_SPAN;
        uint32_t len = fuzz_take(r, 2);
        bool eot = (i == n - 1) ? !(sel & 0x80) : (fuzz_take(r, 1) & 1);
        run("writel 0x%" PRIx64 " 0x%" PRIx64, PRD_BASE + 8 * i,
            DMA_BASE + off);
        run("writel 0x%" PRIx64 " 0x%x", PRD_BASE + 8 * i + 4,
            len | (eot ? 0x80000000u : 0));
    }
    run("outl 0x%x 0x%" PRIx64, BM_BASE + 8 * ch + 4, PRD_BASE);
    run("outb 0x%x 0x%x", BM_BASE + 8 * ch, (sel & 0x40) ? 0x09 : 0x01);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzReader r = { data, size };

    pci_setup();
    for (int n = 0; r.left && n < MAX_OPS; n++) {
        switch (fuzz_take(&r, 1) % 10) {
        case 0:
            op_taskfile(&r, false);
            break;
        case 1:
            op_read(&r);
            break;
        case 2:
            op_taskfile(&r, true);
            break;
        case 3:
            op_packet(&r);
            break;
        case 4:
            op_data(&r);
            break;
        case 5:
            op_prd(&r);
            break;
        case 6: {
            uint8_t reg = fuzz_take(&r, 1) & 15;
            run("outb 0x%x 0x%x", BM_BASE + reg, (unsigned)fuzz_take(&r, 1));
            break;
        }
        case 7: {
            int ch = fuzz_take(&r, 1) & 1;
            outb(ctl_port[ch], fuzz_take(&r, 1));
            break;
        }
        case 8:
            main_loop_wait(false);
            break;
        case 9:
            run("clock_step %" PRIu64, fuzz_take(&r, 2));
            break;
        }
    }
    main_loop_wait(false);
    qemu_devices_reset();
    run("memset 0x%" PRIx64 " 0x%" PRIx64 " 0", PRD_BASE,
        DMA_BASE + DMA_SPAN - PRD_BASE);
    return 0;
}
