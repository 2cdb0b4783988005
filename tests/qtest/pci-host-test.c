/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * i440FX host bridge: configuration mechanism #1 (address register and
 * byte/word/dword data accesses), the ids of the pc's functions, PAM
 * shadowing of 0xc0000-0xfffff and the SMRAM window at 0xa0000.
 */
#include "libqtest.h"
#include <glib.h>

#define PAM0    0x59
#define SMRAM   0x72

static void test_ids(void)
{
    QTestState *s = qtest_init(NULL);

    /* 00.0 i440FX host bridge */
    g_assert_cmphex(qtest_pci_cfg_readl(s, 0, 0, 0, 0x00), ==, 0x12378086);
    g_assert_cmphex(qtest_pci_cfg_readw(s, 0, 0, 0, 0x0a), ==, 0x0600);
    g_assert_cmphex(qtest_pci_cfg_readb(s, 0, 0, 0, 0x08), ==, 0x02);
    g_assert_cmphex(qtest_pci_cfg_readb(s, 0, 0, 0, 0x0e), ==, 0x00);
    /* 01.0 PIIX3 ISA bridge, multifunction */
    g_assert_cmphex(qtest_pci_cfg_readl(s, 0, 1, 0, 0x00), ==, 0x70008086);
    g_assert_cmphex(qtest_pci_cfg_readw(s, 0, 1, 0, 0x0a), ==, 0x0601);
    g_assert_cmphex(qtest_pci_cfg_readb(s, 0, 1, 0, 0x0e), ==, 0x80);
    /* 01.3 PIIX4 power management */
    g_assert_cmphex(qtest_pci_cfg_readl(s, 0, 1, 3, 0x00), ==, 0x71138086);
    g_assert_cmphex(qtest_pci_cfg_readw(s, 0, 1, 3, 0x0a), ==, 0x0680);
    g_assert_cmphex(qtest_pci_cfg_readb(s, 0, 1, 3, 0x08), ==, 0x03);
    /* QEMU's subsystem ids */
    g_assert_cmphex(qtest_pci_cfg_readl(s, 0, 1, 0, 0x2c), ==, 0x11001af4);
    /* Nothing at 1f.0, nor on bus 1. */
    g_assert_cmphex(qtest_pci_cfg_readl(s, 0, 31, 0, 0x00), ==, 0xffffffff);
    g_assert_cmphex(qtest_pci_cfg_readl(s, 1, 0, 0, 0x00), ==, 0xffffffff);
    qtest_quit(s);
}

static void test_mechanism(void)
{
    QTestState *s = qtest_init(NULL);

    /* Address register reads back; bits 1:0 are reserved. */
    qtest_outl(s, 0xcf8, 0x80000003);
    g_assert_cmphex(qtest_inl(s, 0xcf8), ==, 0x80000000);
    /* Byte and word accesses inside the data window. */
    g_assert_cmphex(qtest_inw(s, 0xcfc), ==, 0x8086);
    g_assert_cmphex(qtest_inw(s, 0xcfe), ==, 0x1237);
    g_assert_cmphex(qtest_inb(s, 0xcfd), ==, 0x80);
    g_assert_cmphex(qtest_inb(s, 0xcff), ==, 0x12);
    /* Enable bit clear: no configuration cycle. */
    qtest_outl(s, 0xcf8, 0x00000000);
    g_assert_cmphex(qtest_inl(s, 0xcfc), ==, 0xffffffff);
    /* Read-only ids stay put. */
    qtest_pci_cfg_writew(s, 0, 0, 0, 0x00, 0x1234);
    g_assert_cmphex(qtest_pci_cfg_readw(s, 0, 0, 0, 0x00), ==, 0x8086);
    /* Interrupt Line is plain storage, written through a byte access. */
    qtest_pci_cfg_writeb(s, 0, 1, 3, 0x3c, 0x0b);
    g_assert_cmphex(qtest_pci_cfg_readb(s, 0, 1, 3, 0x3c), ==, 0x0b);
    qtest_quit(s);
}

static void test_pam(void)
{
    QTestState *s = qtest_init(NULL);

    /* 0xf0000-0xfffff: PAM0 high nibble. Read/write RAM. */
    qtest_pci_cfg_writeb(s, 0, 0, 0, PAM0, 0x30);
    g_assert_cmphex(qtest_pci_cfg_readb(s, 0, 0, 0, PAM0), ==, 0x30);
    qtest_writel(s, 0xf0000, 0xc0ffee5a);
    qtest_writeb(s, 0xfffff, 0xa5);
    g_assert_cmphex(qtest_readl(s, 0xf0000), ==, 0xc0ffee5a);
    g_assert_cmphex(qtest_readb(s, 0xfffff), ==, 0xa5);
    /* Read-only: reads still see RAM, writes are dropped. */
    qtest_pci_cfg_writeb(s, 0, 0, 0, PAM0, 0x10);
    qtest_writeb(s, 0xf0000, 0x11);
    g_assert_cmphex(qtest_readb(s, 0xf0000), ==, 0x5a);
    /* PCI: the RAM is hidden behind whatever the PCI side holds
     * (nothing, or a BIOS image, which does not hold our pattern). */
    qtest_pci_cfg_writeb(s, 0, 0, 0, PAM0, 0x00);
    g_assert_cmphex(qtest_readl(s, 0xf0000), !=, 0xc0ffee5a);
    /* Back to RAM: the contents survived. */
    qtest_pci_cfg_writeb(s, 0, 0, 0, PAM0, 0x30);
    g_assert_cmphex(qtest_readb(s, 0xf0000), ==, 0x5a);

    /* 16 KiB segments: 0x5a low nibble is 0xc0000, high 0xc4000. */
    qtest_pci_cfg_writeb(s, 0, 0, 0, 0x5a, 0x13);
    qtest_writeb(s, 0xc0000, 0x42);
    qtest_writeb(s, 0xc4000, 0x43);
    g_assert_cmphex(qtest_readb(s, 0xc0000), ==, 0x42);
    g_assert_cmphex(qtest_readb(s, 0xc4000) == 0x43, ==, 0);
    qtest_pci_cfg_writeb(s, 0, 0, 0, 0x5a, 0x31);
    qtest_writeb(s, 0xc0000, 0x99);
    qtest_writeb(s, 0xc4000, 0x44);
    g_assert_cmphex(qtest_readb(s, 0xc0000), ==, 0x42);
    g_assert_cmphex(qtest_readb(s, 0xc4000), ==, 0x44);
    qtest_quit(s);
}

static void test_smram(void)
{
    QTestState *s = qtest_init(NULL);

    g_assert_cmphex(qtest_pci_cfg_readb(s, 0, 0, 0, SMRAM), ==, 0x02);
    /* Open (G_SMRAME | D_OPEN): DRAM at 0xa0000. */
    qtest_pci_cfg_writeb(s, 0, 0, 0, SMRAM, 0x4a);
    qtest_writeb(s, 0xa0000, 0x77);
    g_assert_cmphex(qtest_readb(s, 0xa0000), ==, 0x77);
    /* Closed: the PCI (VGA) window hides it. */
    qtest_pci_cfg_writeb(s, 0, 0, 0, SMRAM, 0x0a);
    g_assert_cmphex(qtest_readb(s, 0xa0000) == 0x77, ==, 0);
    /* Locked: D_OPEN can no longer be set. */
    qtest_pci_cfg_writeb(s, 0, 0, 0, SMRAM, 0x1a);
    qtest_pci_cfg_writeb(s, 0, 0, 0, SMRAM, 0x4a);
    g_assert_cmphex(qtest_pci_cfg_readb(s, 0, 0, 0, SMRAM), ==, 0x1a);
    g_assert_cmphex(qtest_readb(s, 0xa0000) == 0x77, ==, 0);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pci-host/ids", test_ids);
    g_test_add_func("/pci-host/mechanism", test_mechanism);
    g_test_add_func("/pci-host/pam", test_pam);
    g_test_add_func("/pci-host/smram", test_smram);
    return g_test_run();
}
