/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 16550A UART at COM1: reset values, divisor latch, loopback data and
 * modem lines, THRE and receive interrupts (IIR and the IOAPIC's pin 4),
 * FIFO trigger levels, character timeout, overrun, break, output through
 * a file chardev, and the debugcon port.
 */
#include <glib.h>
#include <stdio.h>
#include <unistd.h>
#include "libqtest.h"

#define COM1 0x3f8
#define RBR 0
#define THR 0
#define IER 1
#define IIR 2
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define MSR 6
#define SCR 7

static uint8_t rd(QTestState *s, int reg)
{
    return qtest_inb(s, COM1 + reg);
}

static void wr(QTestState *s, int reg, uint8_t v)
{
    qtest_outb(s, COM1 + reg, v);
}

static QTestState *start(void)
{
    QTestState *s = qtest_init("-serial null");
    qtest_irq_intercept_in(s, "/machine/ioapic");
    return s;
}

static void test_reset_values(void)
{
    QTestState *s = start();

    g_assert_cmphex(rd(s, IER), ==, 0x00);
    g_assert_cmphex(rd(s, IIR), ==, 0x01);
    g_assert_cmphex(rd(s, LCR), ==, 0x00);
    g_assert_cmphex(rd(s, LSR), ==, 0x60);          /* THRE | TEMT */
    g_assert_cmphex(rd(s, MSR) & 0xf0, ==, 0xb0);   /* DCD DSR CTS */
    wr(s, SCR, 0xa5);
    g_assert_cmphex(rd(s, SCR), ==, 0xa5);
    /* Divisor latch behind DLAB. */
    wr(s, LCR, 0x80);
    wr(s, 0, 0x01);
    wr(s, 1, 0x02);
    g_assert_cmphex(rd(s, 0), ==, 0x01);
    g_assert_cmphex(rd(s, 1), ==, 0x02);
    wr(s, LCR, 0x03);
    g_assert_cmphex(rd(s, IER), ==, 0x00);
    g_assert_cmphex(rd(s, LCR), ==, 0x03);
    qtest_quit(s);
}

static void test_loopback_data(void)
{
    QTestState *s = start();

    wr(s, MCR, 0x10);
    g_assert_cmphex(rd(s, LSR) & 0x01, ==, 0);
    wr(s, THR, 'K');
    g_assert_cmphex(rd(s, LSR), ==, 0x61);          /* DR THRE TEMT */
    g_assert_cmphex(rd(s, RBR), ==, 'K');
    g_assert_cmphex(rd(s, LSR), ==, 0x60);
    /* Without FIFOs a second byte before reading overruns. */
    wr(s, THR, 'a');
    wr(s, THR, 'b');
    g_assert_cmphex(rd(s, LSR), ==, 0x63);          /* OE */
    g_assert_cmphex(rd(s, LSR), ==, 0x61);          /* OE clears on read */
    g_assert_cmphex(rd(s, RBR), ==, 'b');
    qtest_quit(s);
}

static void test_loopback_modem(void)
{
    QTestState *s = start();

    wr(s, MCR, 0x10);
    rd(s, MSR);
    g_assert_cmphex(rd(s, MSR), ==, 0x00);
    wr(s, MCR, 0x1f);                                /* DTR RTS OUT1 OUT2 */
    g_assert_cmphex(rd(s, MSR), ==, 0xfb);          /* all in, deltas */
    g_assert_cmphex(rd(s, MSR), ==, 0xf0);
    wr(s, MCR, 0x10 | 0x02);                         /* only RTS */
    /* CTS stays; DSR, RI, DCD fall: DDSR, TERI, DDCD. */
    g_assert_cmphex(rd(s, MSR), ==, 0x1e);
    /* Modem status interrupt. */
    wr(s, IER, 0x08);
    wr(s, MCR, 0x10);
    g_assert_true(qtest_get_irq(s, 4));
    g_assert_cmphex(rd(s, IIR), ==, 0x00);
    rd(s, MSR);
    g_assert_cmphex(rd(s, IIR), ==, 0x01);
    g_assert_false(qtest_get_irq(s, 4));
    qtest_quit(s);
}

static void test_thre_interrupt(void)
{
    QTestState *s = start();

    g_assert_false(qtest_get_irq(s, 4));
    wr(s, IER, 0x02);                   /* THR already empty: fires now */
    g_assert_true(qtest_get_irq(s, 4));
    g_assert_cmphex(rd(s, IIR), ==, 0x02);
    g_assert_false(qtest_get_irq(s, 4));             /* IIR read acks */
    g_assert_cmphex(rd(s, IIR), ==, 0x01);
    wr(s, THR, 'x');                    /* sent at once: THRE again */
    g_assert_true(qtest_get_irq(s, 4));
    wr(s, IER, 0x00);
    g_assert_false(qtest_get_irq(s, 4));
    qtest_quit(s);
}

static void test_rx_interrupt_priority(void)
{
    QTestState *s = start();

    wr(s, MCR, 0x10);
    wr(s, IER, 0x07);
    rd(s, IIR);                                      /* ack THRE */
    wr(s, THR, 'a');
    wr(s, THR, 'b');                                 /* overrun */
    g_assert_cmphex(rd(s, IIR), ==, 0x06);           /* line status first */
    rd(s, LSR);
    g_assert_cmphex(rd(s, IIR), ==, 0x04);           /* then data */
    rd(s, RBR);
    g_assert_cmphex(rd(s, IIR), ==, 0x02);           /* then THRE */
    g_assert_cmphex(rd(s, IIR), ==, 0x01);
    g_assert_false(qtest_get_irq(s, 4));
    qtest_quit(s);
}

static void test_fifo_trigger(void)
{
    QTestState *s = start();
    static const int trig[4] = { 1, 4, 8, 14 };

    wr(s, MCR, 0x10);
    for (int t = 0; t < 4; t++) {
        wr(s, FCR, 0x07 | (t << 6));                 /* enable + clear */
        g_assert_cmphex(rd(s, IIR) & 0xc0, ==, 0xc0);
        wr(s, IER, 0x01);
        for (int i = 0; i < trig[t] - 1; i++) {
            wr(s, THR, 'A' + i);
        }
        g_assert_cmphex(rd(s, IIR), ==, 0xc1);       /* below trigger */
        g_assert_cmphex(rd(s, LSR) & 0x01, ==, trig[t] > 1);
        wr(s, THR, 'A' + trig[t] - 1);
        g_assert_cmphex(rd(s, IIR), ==, 0xc4);
        g_assert_true(qtest_get_irq(s, 4));
        for (int i = 0; i < trig[t]; i++) {
            g_assert_cmphex(rd(s, RBR), ==, 'A' + i);
        }
        g_assert_cmphex(rd(s, LSR) & 0x01, ==, 0);
        g_assert_false(qtest_get_irq(s, 4));
        wr(s, IER, 0x00);
    }
    qtest_quit(s);
}

static void test_fifo_full_and_overrun(void)
{
    QTestState *s = start();

    wr(s, MCR, 0x10);
    wr(s, FCR, 0xc7);
    for (int i = 0; i < 17; i++) {
        wr(s, THR, i);
    }
    g_assert_cmphex(rd(s, LSR) & 0x03, ==, 0x03);    /* DR, OE */
    for (int i = 0; i < 16; i++) {
        g_assert_cmphex(rd(s, RBR), ==, i);          /* 17th was lost */
    }
    g_assert_cmphex(rd(s, LSR) & 0x03, ==, 0x00);
    qtest_quit(s);
}

static void test_char_timeout(void)
{
    QTestState *s = start();

    wr(s, LCR, 0x80);                                /* 115200 baud */
    wr(s, 0, 1);
    wr(s, 1, 0);
    wr(s, LCR, 0x03);
    wr(s, MCR, 0x10);
    wr(s, FCR, 0xc7);                                /* trigger 14 */
    wr(s, IER, 0x01);
    wr(s, THR, 'x');
    wr(s, THR, 'y');
    g_assert_cmphex(rd(s, IIR), ==, 0xc1);
    /* Four character times at 115200 8N1 are ~347 us. */
    qtest_clock_step(s, 200000);
    g_assert_cmphex(rd(s, IIR), ==, 0xc1);
    qtest_clock_step(s, 300000);
    g_assert_cmphex(rd(s, IIR), ==, 0xcc);
    g_assert_true(qtest_get_irq(s, 4));
    g_assert_cmphex(rd(s, RBR), ==, 'x');            /* clears timeout */
    g_assert_cmphex(rd(s, IIR), ==, 0xc1);
    qtest_clock_step(s, 500000);
    g_assert_cmphex(rd(s, IIR), ==, 0xcc);
    g_assert_cmphex(rd(s, RBR), ==, 'y');
    qtest_clock_step(s, 500000);
    g_assert_cmphex(rd(s, IIR), ==, 0xc1);           /* empty: no timeout */
    qtest_quit(s);
}

static void test_break(void)
{
    QTestState *s = start();

    wr(s, MCR, 0x10);
    wr(s, IER, 0x04);
    wr(s, LCR, 0x43);                                /* set break */
    g_assert_cmphex(rd(s, LSR) & 0x11, ==, 0x11);    /* BI, DR */
    g_assert_cmphex(rd(s, IIR), ==, 0x01);           /* BI cleared by read */
    g_assert_cmphex(rd(s, RBR), ==, 0x00);
    wr(s, LCR, 0x03);
    qtest_quit(s);
}

static void test_file_output(void)
{
    g_autofree char *path = g_strdup_printf("%s/kemu-serial-%d.txt",
                                            g_get_tmp_dir(), getpid());
    g_autofree char *contents = NULL;
    QTestState *s = qtest_initf("-chardev file,id=c0,path=%s "
                                "-serial chardev:c0", path);
    const char *msg = "hello, serial\n";

    for (const char *p = msg; *p; p++) {
        g_assert_cmphex(rd(s, LSR) & 0x20, ==, 0x20);
        wr(s, THR, *p);
    }
    g_assert_cmphex(rd(s, LSR), ==, 0x60);
    qtest_quit(s);
    g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
    g_assert_cmpstr(contents, ==, msg);
    unlink(path);
}

static void test_debugcon(void)
{
    g_autofree char *path = g_strdup_printf("%s/kemu-debugcon-%d.txt",
                                            g_get_tmp_dir(), getpid());
    g_autofree char *contents = NULL;
    QTestState *s = qtest_initf("-debugcon file:%s", path);

    g_assert_cmphex(qtest_inb(s, 0xe9), ==, 0xe9);
    qtest_outb(s, 0xe9, 'o');
    qtest_outb(s, 0xe9, 'k');
    qtest_quit(s);
    g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
    g_assert_cmpstr(contents, ==, "ok");
    unlink(path);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/serial/reset-values", test_reset_values);
    g_test_add_func("/serial/loopback-data", test_loopback_data);
    g_test_add_func("/serial/loopback-modem", test_loopback_modem);
    g_test_add_func("/serial/thre-interrupt", test_thre_interrupt);
    g_test_add_func("/serial/rx-interrupt-priority",
                    test_rx_interrupt_priority);
    g_test_add_func("/serial/fifo-trigger", test_fifo_trigger);
    g_test_add_func("/serial/fifo-overrun", test_fifo_full_and_overrun);
    g_test_add_func("/serial/char-timeout", test_char_timeout);
    g_test_add_func("/serial/break", test_break);
    g_test_add_func("/serial/file-output", test_file_output);
    g_test_add_func("/serial/debugcon", test_debugcon);
    return g_test_run();
}
