/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Local APIC (the first CPU's, as qtest has no calling vCPU): version,
 * TPR/PPR, logical destination registers, the timer in one-shot and
 * periodic modes with the divide register, masking, self IPIs, illegal
 * vectors in ESR, the software-disable rule, and MSIs written into the
 * interrupt window.
 */
#include <glib.h>
#include "libqtest.h"

#define LAPIC 0xfee00000ULL

static uint32_t rd(QTestState *s, unsigned off)
{
    return qtest_readl(s, LAPIC + off);
}

static void wr(QTestState *s, unsigned off, uint32_t v)
{
    qtest_writel(s, LAPIC + off, v);
}

static bool irr(QTestState *s, int v)
{
    return rd(s, 0x200 + (v / 32) * 0x10) & (1u << (v % 32));
}

static void test_ident(void)
{
    QTestState *s = qtest_init("");

    g_assert_cmphex(rd(s, 0x30), ==, 0x00050014);
    g_assert_cmphex(rd(s, 0x20), ==, 0);            /* BSP: APIC id 0 */
    g_assert_cmphex(rd(s, 0xf0), ==, 0xff);         /* SVR at reset */
    g_assert_cmphex(rd(s, 0xe0), ==, 0xffffffff);   /* DFR flat */
    /* LVTs reset masked; the BSP's LINT0 is in virtual wire mode. */
    g_assert_cmphex(rd(s, 0x320), ==, 0x10000);
    g_assert_cmphex(rd(s, 0x350), ==, 0x700);
    qtest_quit(s);
}

static void test_tpr_ppr(void)
{
    QTestState *s = qtest_init("");

    wr(s, 0xf0, 0x1ff);
    g_assert_cmphex(rd(s, 0xa0), ==, 0);
    wr(s, 0x80, 0x25);
    g_assert_cmphex(rd(s, 0x80), ==, 0x25);
    g_assert_cmphex(rd(s, 0xa0), ==, 0x25);
    wr(s, 0x80, 0x1ff);                 /* only bits 7:0 exist */
    g_assert_cmphex(rd(s, 0x80), ==, 0xff);
    wr(s, 0xe0, 0x0fffffff);            /* cluster model */
    g_assert_cmphex(rd(s, 0xe0), ==, 0x0fffffff);
    wr(s, 0xd0, 0x12345678);
    g_assert_cmphex(rd(s, 0xd0), ==, 0x12000000);
    qtest_quit(s);
}

static void test_timer_oneshot(void)
{
    QTestState *s = qtest_init("");

    wr(s, 0xf0, 0x1ff);
    wr(s, 0x3e0, 0xb);                  /* divide by 1 */
    wr(s, 0x320, 0x30);                 /* one-shot, vector 0x30 */
    wr(s, 0x380, 1000000);
    g_assert_cmpuint(rd(s, 0x390), ==, 1000000);
    qtest_clock_step(s, 400000);
    g_assert_cmpuint(rd(s, 0x390), ==, 600000);
    g_assert_false(irr(s, 0x30));
    qtest_clock_step(s, 600000);
    g_assert_true(irr(s, 0x30));
    g_assert_cmpuint(rd(s, 0x390), ==, 0);
    g_assert_cmpuint(rd(s, 0x380), ==, 1000000);
    qtest_quit(s);
}

static void test_timer_divide(void)
{
    QTestState *s = qtest_init("");

    wr(s, 0xf0, 0x1ff);
    wr(s, 0x3e0, 0x0);                  /* divide by 2 */
    wr(s, 0x320, 0x31);
    wr(s, 0x380, 1000);
    qtest_clock_step(s, 1000);
    g_assert_cmpuint(rd(s, 0x390), ==, 500);
    wr(s, 0x3e0, 0x3);                  /* divide by 16, count kept */
    g_assert_cmpuint(rd(s, 0x390), ==, 500);
    qtest_clock_step(s, 1600);
    g_assert_cmpuint(rd(s, 0x390), ==, 400);
    g_assert_false(irr(s, 0x31));
    qtest_clock_step(s, 400 * 16);
    g_assert_true(irr(s, 0x31));
    qtest_quit(s);
}

static void test_timer_periodic(void)
{
    QTestState *s = qtest_init("");

    wr(s, 0xf0, 0x1ff);
    wr(s, 0x3e0, 0xb);
    wr(s, 0x320, 0x20032);              /* periodic, vector 0x32 */
    wr(s, 0x380, 1000000);
    qtest_clock_step(s, 1500000);
    g_assert_true(irr(s, 0x32));
    g_assert_cmpuint(rd(s, 0x390), ==, 500000);
    qtest_clock_step(s, 1000000);
    g_assert_cmpuint(rd(s, 0x390), ==, 500000);
    /* Initial count 0 stops it. */
    wr(s, 0x380, 0);
    g_assert_cmpuint(rd(s, 0x390), ==, 0);
    qtest_quit(s);
}

static void test_timer_masked(void)
{
    QTestState *s = qtest_init("");

    wr(s, 0xf0, 0x1ff);
    wr(s, 0x3e0, 0xb);
    wr(s, 0x320, 0x10033);              /* masked */
    wr(s, 0x380, 1000);
    qtest_clock_step(s, 10000);
    g_assert_false(irr(s, 0x33));
    g_assert_cmpuint(rd(s, 0x390), ==, 0);   /* it still counted */
    qtest_quit(s);
}

static void test_self_ipi_esr(void)
{
    QTestState *s = qtest_init("");

    wr(s, 0xf0, 0x1ff);
    wr(s, 0x310, 0);
    wr(s, 0x300, 0x40050);              /* self, fixed, vector 0x50 */
    g_assert_true(irr(s, 0x50));
    /* Physical destination 0 (this APIC). */
    wr(s, 0x300, 0x00051);
    g_assert_true(irr(s, 0x51));
    /* Vectors 0-15 are illegal: "send illegal vector" in ESR. */
    wr(s, 0x370, 0x10000);              /* error LVT masked */
    wr(s, 0x300, 0x40005);
    g_assert_false(irr(s, 0x05));
    wr(s, 0x280, 0);
    g_assert_cmphex(rd(s, 0x280), ==, 0x20);
    wr(s, 0x280, 0);
    g_assert_cmphex(rd(s, 0x280), ==, 0);
    qtest_quit(s);
}

static void test_sw_disabled(void)
{
    QTestState *s = qtest_init("");

    /* SVR bit 8 clear: fixed interrupts are not accepted, and LVT
     * masks cannot be cleared. */
    wr(s, 0x300, 0x40060);
    g_assert_false(irr(s, 0x60));
    wr(s, 0x320, 0x30);
    g_assert_cmphex(rd(s, 0x320), ==, 0x10030);
    qtest_quit(s);
}

static void test_msi_window(void)
{
    QTestState *s = qtest_init("");

    wr(s, 0xf0, 0x1ff);
    /* Broadcast physical destination 0xff: address 0xfeeff000. */
    qtest_writel(s, 0xfeeff000, 0x61);
    g_assert_true(irr(s, 0x61));
    /* Logical flat destination: LDR bit 0 set, MDA 0x01. */
    wr(s, 0xd0, 0x01000000);
    qtest_writel(s, 0xfee01004, 0x62);
    g_assert_true(irr(s, 0x62));
    /* A logical destination that matches nobody. */
    qtest_writel(s, 0xfee02004, 0x63);
    g_assert_false(irr(s, 0x63));
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/lapic/ident", test_ident);
    g_test_add_func("/lapic/tpr-ppr", test_tpr_ppr);
    g_test_add_func("/lapic/timer-oneshot", test_timer_oneshot);
    g_test_add_func("/lapic/timer-divide", test_timer_divide);
    g_test_add_func("/lapic/timer-periodic", test_timer_periodic);
    g_test_add_func("/lapic/timer-masked", test_timer_masked);
    g_test_add_func("/lapic/self-ipi-esr", test_self_ipi_esr);
    g_test_add_func("/lapic/sw-disabled", test_sw_disabled);
    g_test_add_func("/lapic/msi-window", test_msi_window);
    return g_test_run();
}
