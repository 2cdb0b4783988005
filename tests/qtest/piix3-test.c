/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PIIX3 ISA bridge: PIRQ route registers (writable bits, defaults) and
 * the reset control register at 0xcf9, whose reset brings the chipset
 * registers back.
 */
#include "libqtest.h"
#include <glib.h>

#define PIRQC 0x60

/* After reset a route is disabled (0x80), or, when kemu plays firmware
 * for a direct boot, the 10,10,11,11 routing firmware would program. */
static void assert_route_default(QTestState *s, int p)
{
    static const uint8_t fw[4] = { 10, 10, 11, 11 };
    uint8_t v = qtest_pci_cfg_readb(s, 0, 1, 0, PIRQC + p);

    if (v != 0x80) {
        g_assert_cmphex(v, ==, fw[p]);
    }
}

static void test_pirq_regs(void)
{
    QTestState *s = qtest_init(NULL);

    for (int p = 0; p < 4; p++) {
        assert_route_default(s, p);
    }
    /* Bit 7 and bits 3:0 are writable, bits 6:4 reserved. */
    qtest_pci_cfg_writeb(s, 0, 1, 0, PIRQC, 0xff);
    g_assert_cmphex(qtest_pci_cfg_readb(s, 0, 1, 0, PIRQC), ==, 0x8f);
    qtest_pci_cfg_writel(s, 0, 1, 0, PIRQC, 0x0b0a0905);
    g_assert_cmphex(qtest_pci_cfg_readl(s, 0, 1, 0, PIRQC), ==, 0x0b0a0905);
    qtest_quit(s);
}

static void test_fw_interrupt_line(void)
{
    QTestState *s = qtest_init(NULL);
    uint8_t route = qtest_pci_cfg_readb(s, 0, 1, 0, PIRQC + 1);

    /* 01.3 uses INTA: slot 1 + pin 0 -> PIRQB. When routes were set up
     * for a firmware-less boot, its Interrupt Line says where it went. */
    g_assert_cmphex(qtest_pci_cfg_readb(s, 0, 1, 3, 0x3d), ==, 1);
    if (route != 0x80) {
        g_assert_cmphex(qtest_pci_cfg_readb(s, 0, 1, 3, 0x3c), ==, route);
    }
    qtest_quit(s);
}

static void test_reset_control(void)
{
    QTestState *s = qtest_init(NULL);
    int tries;

    /* SYS_RST alone just latches. */
    qtest_outb(s, 0xcf9, 0x02);
    g_assert_cmphex(qtest_inb(s, 0xcf9), ==, 0x02);
    qtest_outb(s, 0xcf9, 0x00);

    /* Change chipset state, then reset through RST_CPU. */
    for (int p = 0; p < 4; p++) {
        qtest_pci_cfg_writeb(s, 0, 1, 0, PIRQC + p, 0x05);
    }
    qtest_pci_cfg_writeb(s, 0, 0, 0, 0x72, 0x4a);
    qtest_outb(s, 0xcf9, 0x06);
    /* The reset happens in the main loop; a few round trips see it. */
    for (tries = 0; tries < 1000; tries++) {
        if (qtest_pci_cfg_readb(s, 0, 1, 0, PIRQC) != 0x05) {
            break;
        }
        qtest_clock_step(s, 1000);
    }
    g_assert_cmpint(tries, <, 1000);
    g_assert_true(qtest_alive(s));
    for (int p = 0; p < 4; p++) {
        assert_route_default(s, p);
    }
    g_assert_cmphex(qtest_pci_cfg_readb(s, 0, 0, 0, 0x72), ==, 0x02);
    g_assert_cmphex(qtest_inb(s, 0xcf9), ==, 0x00);
    qtest_quit(s);
}

static void test_no_reboot(void)
{
    QTestState *s = qtest_init("-no-reboot");

    /* With -no-reboot a guest reset ends the process cleanly. */
    qtest_outb(s, 0xcf9, 0x06);
    g_assert_cmpint(qtest_wait_exit(s), ==, 0);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/piix3/pirq-regs", test_pirq_regs);
    g_test_add_func("/piix3/interrupt-line", test_fw_interrupt_line);
    g_test_add_func("/piix3/reset-control", test_reset_control);
    g_test_add_func("/piix3/no-reboot", test_no_reboot);
    return g_test_run();
}
