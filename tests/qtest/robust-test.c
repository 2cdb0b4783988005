/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bad guest input must never take kemu down: write pseudo-random values
 * (fixed seed, so a failure reproduces) of random widths to every I/O
 * port, to PCI configuration space and to the chipset's MMIO windows,
 * let the virtual clock run so that whatever timers the garbage armed
 * fire, then check the process still answers and is still sane.
 *
 * Left out, because they legitimately end or reset the machine: the
 * isa-debug-exit ports (0xf4 region, 0x501), reset control 0xcf9, the
 * i8042 command port 0x64 (pulse reset), port 0x92 (fast reset) and
 * PM1a_CNT (S5 soft-off), and the PM I/O base register itself, so that
 * PM1a_CNT stays where we avoid it.
 */
#include "libqtest.h"
#include <glib.h>

#define PM_BASE 0x600
#define SEED    0x6b656d75u          /* "kemu" */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    /* xorshift64*: plenty for a fuzzer, identical on every host. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static bool port_excluded(unsigned port)
{
    return (port >= 0xf0 && port <= 0xf7) ||
           port == 0x501 || port == 0x502 ||
           port == 0xcf9 || port == 0x64 || port == 0x92 ||
           port == PM_BASE + 4 || port == PM_BASE + 5;
}

/* A write of width 1, 2 or 4 at 'port' that does not spill onto an
 * excluded port. */
static void fuzz_port_write(QTestState *s, unsigned port)
{
    unsigned width = 1u << (rnd() % 3);
    uint32_t v = rnd();

    if (port + width > 0x10000) {
        width = 1;
    }
    for (unsigned i = 1; i < width; i++) {
        if (port_excluded(port + i)) {
            width = 1;
        }
    }
    switch (width) {
    case 1:
        qtest_outb(s, port, v);
        break;
    case 2:
        qtest_outw(s, port, v);
        break;
    default:
        qtest_outl(s, port, v);
        break;
    }
    /* Configuration space has its own test, which keeps the PM base in
     * place: do not leave a random config address enabled here. */
    if (port <= 0xcfb && port + width > 0xcf8) {
        qtest_outl(s, 0xcf8, 0);
    }
}

static void fuzz_port_read(QTestState *s, unsigned port)
{
    switch (rnd() % 3) {
    case 0:
        qtest_inb(s, port);
        break;
    case 1:
        if (port <= 0xfffe && !port_excluded(port + 1)) {
            qtest_inw(s, port);
        }
        break;
    default:
        if (port <= 0xfffc) {
            qtest_inl(s, port);
        }
        break;
    }
}

static void fuzz_mmio(QTestState *s, uint64_t base, uint64_t size,
                      unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        uint64_t addr = base + rnd() % size;
        uint64_t v = rnd();

        switch (rnd() % 7) {
        case 0:
            qtest_writeb(s, addr, v);
            break;
        case 5:
            qtest_writel(s, addr, v);           /* possibly unaligned */
            break;
        case 6:
            qtest_readq(s, addr);
            break;
        case 1:
            qtest_writew(s, addr & ~1ull, v);
            break;
        case 2:
            qtest_writel(s, addr & ~3ull, v);
            break;
        case 3:
            qtest_writeq(s, addr & ~7ull, v);
            break;
        default:
            qtest_readl(s, addr & ~3ull);
            break;
        }
    }
}

/* Still there, still the machine we started. */
static void assert_sane(QTestState *s)
{
    g_assert_true(qtest_alive(s));
    g_assert_cmphex(qtest_pci_cfg_readl(s, 0, 0, 0, 0), ==, 0x12378086);
    g_assert_cmphex(qtest_pci_cfg_readw(s, 0, 1, 0, 0), ==, 0x8086);
    qtest_writel(s, 0x1000, 0x5a5aa5a5);
    g_assert_cmphex(qtest_readl(s, 0x1000), ==, 0x5a5aa5a5);
}

static QTestState *start(void)
{
    /* ROBUST_SEED=n explores other sequences; the suite uses SEED. */
    const char *env = g_getenv("ROBUST_SEED");

    rng_state = env ? g_ascii_strtoull(env, NULL, 0) : SEED;
    if (!rng_state) {
        rng_state = SEED;
    }
    return qtest_init("-serial null -serial null -serial null "
                      "-serial null -debugcon null");
}

static void test_ports(void)
{
    QTestState *s = start();

    for (unsigned port = 0; port < 0x10000; port++) {
        if (!port_excluded(port)) {
            fuzz_port_write(s, port);
        }
    }
    qtest_clock_step(s, 10 * 1000 * 1000);
    assert_sane(s);
    for (unsigned port = 0; port < 0x10000; port++) {
        if (!port_excluded(port)) {
            fuzz_port_read(s, port);
        }
    }
    /* A second, denser pass over the legacy ISA range, where the
     * devices are: sequences matter (index/data pairs, command bytes). */
    for (unsigned i = 0; i < 20000; i++) {
        unsigned port = rnd() % 0x1000;

        if (!port_excluded(port)) {
            if (rnd() & 1) {
                fuzz_port_write(s, port);
            } else {
                fuzz_port_read(s, port);
            }
        }
        if (i % 2000 == 0) {
            qtest_clock_step(s, 1000 * 1000);
        }
    }
    qtest_clock_step(s, 10 * 1000 * 1000);
    assert_sane(s);
    qtest_quit(s);
}

/* Where the devices are: index/data pairs and command sequences only
 * happen when consecutive accesses land on the same device. */
static const struct { uint16_t base, len; } dev_ports[] = {
    { 0x20, 2 }, { 0xa0, 2 }, { 0x4d0, 2 },       /* PICs, ELCR */
    { 0x40, 4 }, { 0x61, 1 },                     /* PIT, port 61 */
    { 0x60, 1 }, { 0x70, 2 }, { 0x80, 1 },        /* i8042 data, RTC */
    { 0x3f8, 8 }, { 0x2f8, 8 }, { 0x3e8, 8 }, { 0x2e8, 8 },
    { 0xe9, 1 }, { 0xb2, 2 },                     /* debugcon, APM */
    { PM_BASE, 0x40 }, { 0xafe0, 4 },             /* PM, GPE0 */
};

static void fuzz_device_ports(QTestState *s, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        unsigned d = rnd() % G_N_ELEMENTS(dev_ports);
        unsigned port = dev_ports[d].base + rnd() % dev_ports[d].len;

        if (port_excluded(port)) {
            continue;
        }
        if (rnd() % 3) {
            fuzz_port_write(s, port);
        } else {
            fuzz_port_read(s, port);
        }
        if (i % 1000 == 0) {
            qtest_clock_step(s, rnd() % (2 * 1000 * 1000));
        }
    }
}

static void test_device_ports(void)
{
    QTestState *s = start();

    fuzz_device_ports(s, 60000);
    qtest_clock_step(s, 10 * 1000 * 1000);
    assert_sane(s);
    qtest_quit(s);
}

/* Other boards: no HPET or ACPI (holes where they were), two CPUs. */
static void test_variants(void)
{
    QTestState *s;

    rng_state = SEED;
    s = qtest_init("-M pc,hpet=off,acpi=off -smp 2 -serial null");
    fuzz_device_ports(s, 10000);
    fuzz_mmio(s, 0xfec00000, 0x1000, 5000);
    fuzz_mmio(s, 0xfed00000, 0x1000, 5000);
    fuzz_mmio(s, 0xfee00000, 0x1000, 5000);
    qtest_clock_step(s, 10 * 1000 * 1000);
    assert_sane(s);
    qtest_quit(s);
}

static void test_pci_config(void)
{
    QTestState *s = start();

    for (int dev = 0; dev < 4; dev++) {
        for (int fn = 0; fn < 8; fn++) {
            for (int reg = 0; reg < 256; reg++) {
                bool pmba = dev == 1 && fn == 3 && reg >= 0x40 && reg < 0x44;

                if (!pmba) {
                    qtest_pci_cfg_writeb(s, 0, dev, fn, reg, rnd());
                }
                qtest_pci_cfg_readb(s, 0, dev, fn, reg);
            }
            for (int reg = 0; reg < 256; reg += 4) {
                qtest_pci_cfg_readl(s, 0, dev, fn, reg);
            }
        }
    }
    /* Unaligned and odd-width accesses through the data window. */
    for (int i = 0; i < 2000; i++) {
        qtest_outl(s, 0xcf8, 0x80000000 | (rnd() & 0x00fffffc));
        fuzz_port_read(s, 0xcfc + rnd() % 4);
    }
    qtest_clock_step(s, 10 * 1000 * 1000);
    assert_sane(s);
    qtest_quit(s);
}

static void test_mmio(void)
{
    QTestState *s = start();

    fuzz_mmio(s, 0xfec00000, 0x1000, 20000);   /* IOAPIC */
    fuzz_mmio(s, 0xfed00000, 0x1000, 20000);   /* HPET */
    fuzz_mmio(s, 0xfee00000, 0x1000, 20000);   /* LAPIC / MSI window */
    fuzz_mmio(s, 0xa0000, 0x60000, 5000);      /* VGA hole, ROM, PAM */
    fuzz_mmio(s, 0xfffc0000, 0x40000, 2000);   /* BIOS ROM */
    fuzz_mmio(s, 0xe0000000, 0x1f000000, 2000); /* PCI hole */
    for (int i = 0; i < 10; i++) {
        qtest_clock_step(s, 1000 * 1000);
    }
    assert_sane(s);
    qtest_quit(s);
}

/* A reset must leave no stale state behind whatever the devices were
 * doing: garbage, reset through each reset source, garbage again. */
static void test_reset(void)
{
    static const struct { uint16_t port; uint8_t val; } resets[] = {
        { 0xcf9, 0x06 },        /* PIIX3 reset control: hard reset */
        { 0x64, 0xfe },         /* i8042: pulse the reset line */
        { 0x92, 0x01 },         /* port 92: fast reset */
    };
    QTestState *s = start();

    for (unsigned r = 0; r < G_N_ELEMENTS(resets); r++) {
        int tries;

        for (unsigned i = 0; i < 20000; i++) {
            unsigned port = rnd() % 0x1000;

            if (!port_excluded(port)) {
                fuzz_port_write(s, port);
            }
        }
        fuzz_mmio(s, 0xfec00000, 0x100, 2000);
        fuzz_mmio(s, 0xfed00000, 0x400, 2000);
        qtest_clock_step(s, 1000 * 1000);
        /* Mark a chipset register the reset must restore. */
        qtest_pci_cfg_writeb(s, 0, 1, 0, 0x60, 0x05);
        if (resets[r].port == 0x92) {
            qtest_outb(s, 0x92, 0x00);
        }
        qtest_outb(s, resets[r].port, resets[r].val);
        for (tries = 0; tries < 1000; tries++) {
            if (qtest_pci_cfg_readb(s, 0, 1, 0, 0x60) != 0x05) {
                break;
            }
            qtest_clock_step(s, 1000);
        }
        g_assert_cmpint(tries, <, 1000);
        assert_sane(s);
    }
    qtest_clock_step(s, 10 * 1000 * 1000);
    assert_sane(s);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/robust/ports", test_ports);
    g_test_add_func("/robust/device-ports", test_device_ports);
    g_test_add_func("/robust/pci-config", test_pci_config);
    g_test_add_func("/robust/mmio", test_mmio);
    g_test_add_func("/robust/reset", test_reset);
    g_test_add_func("/robust/variants", test_variants);
    return g_test_run();
}
