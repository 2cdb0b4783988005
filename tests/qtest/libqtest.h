/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Client side of the qtest protocol: starts kemu-system-x86_64 with
 * "-accel qtest -qtest unix:SOCK -display none -nodefaults" plus the
 * test's arguments and drives ports, memory, the virtual clock and IRQ
 * interception over the socket. Any protocol failure aborts the test.
 *
 * The binary is $KEMU_BINARY, else the build's kemu-system-x86_64.
 */
#ifndef KEMU_LIBQTEST_H
#define KEMU_LIBQTEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

typedef struct QTestState QTestState;

/* printf-style extra arguments, e.g. "-machine pc -smp 2". */
QTestState *qtest_initf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
QTestState *qtest_init(const char *extra_args);
void qtest_quit(QTestState *s);
/* Exit status of the process once it is gone (waits up to 10 s);
 * -1 when it did not exit or died of a signal. */
int qtest_wait_exit(QTestState *s);
bool qtest_alive(QTestState *s);
/* Sends sig and waits up to 10 s for the process to end; true when it
 * did, with its wait() status in *status (may be NULL). */
bool qtest_kill_wait(QTestState *s, int sig, int *status);
/* Replies that take longer than secs fail the test instead of hanging
 * it (liveness tests; give a generous deadline). */
void qtest_set_reply_deadline(QTestState *s, int secs);

void qtest_outb(QTestState *s, uint16_t port, uint8_t v);
void qtest_outw(QTestState *s, uint16_t port, uint16_t v);
void qtest_outl(QTestState *s, uint16_t port, uint32_t v);
uint8_t qtest_inb(QTestState *s, uint16_t port);
uint16_t qtest_inw(QTestState *s, uint16_t port);
uint32_t qtest_inl(QTestState *s, uint16_t port);

void qtest_writeb(QTestState *s, uint64_t addr, uint8_t v);
void qtest_writew(QTestState *s, uint64_t addr, uint16_t v);
void qtest_writel(QTestState *s, uint64_t addr, uint32_t v);
void qtest_writeq(QTestState *s, uint64_t addr, uint64_t v);
uint8_t qtest_readb(QTestState *s, uint64_t addr);
uint16_t qtest_readw(QTestState *s, uint64_t addr);
uint32_t qtest_readl(QTestState *s, uint64_t addr);
uint64_t qtest_readq(QTestState *s, uint64_t addr);
void qtest_memread(QTestState *s, uint64_t addr, void *buf, size_t len);
void qtest_memwrite(QTestState *s, uint64_t addr, const void *buf,
                    size_t len);
void qtest_bufread(QTestState *s, uint64_t addr, void *buf, size_t len);
void qtest_bufwrite(QTestState *s, uint64_t addr, const void *buf,
                    size_t len);   /* b64 variants */
void qtest_memset(QTestState *s, uint64_t addr, uint8_t pattern, size_t len);

/* Advance the virtual clock by ns (0: to the next timer deadline);
 * returns the new virtual time in ns. */
int64_t qtest_clock_step(QTestState *s, int64_t ns);
int64_t qtest_clock_set(QTestState *s, int64_t ns);

/* Intercept a device's GPIO inputs/outputs by QOM path; afterwards
 * qtest_get_irq(n) is the last level seen on line n. */
void qtest_irq_intercept_in(QTestState *s, const char *qom_path);
void qtest_irq_intercept_out(QTestState *s, const char *qom_path);
bool qtest_get_irq(QTestState *s, int num);
/* How many times line n was seen going high since interception. */
unsigned qtest_get_irq_raises(QTestState *s, int num);

/* Send a raw protocol line; returns the reply ("OK ..." / "FAIL ...")
 * as a newly allocated string. */
char *qtest_raw(QTestState *s, const char *line);

/* PCI config space through 0xcf8/0xcfc. */
uint32_t qtest_pci_cfg_readl(QTestState *s, int bus, int dev, int fn,
                             int off);
uint16_t qtest_pci_cfg_readw(QTestState *s, int bus, int dev, int fn,
                             int off);
uint8_t qtest_pci_cfg_readb(QTestState *s, int bus, int dev, int fn,
                            int off);
void qtest_pci_cfg_writel(QTestState *s, int bus, int dev, int fn, int off,
                          uint32_t v);
void qtest_pci_cfg_writew(QTestState *s, int bus, int dev, int fn, int off,
                          uint16_t v);
void qtest_pci_cfg_writeb(QTestState *s, int bus, int dev, int fn, int off,
                          uint8_t v);

#endif
