/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Dispatch through an address space: splitting and widening to the sizes
 * a device implements, accesses crossing ranges, unassigned space, ROM,
 * DMA map/unmap with the bounce buffer, ioeventfds, RCU grace periods,
 * and the userspace interrupt backend.
 */
#include "util/osdep.h"
#include "exec/memory.h"
#include "sysemu/interrupts.h"
#include "util/rcu.h"
#include <sys/eventfd.h>

/* A device that records every call and answers with a pattern. */
typedef struct Dev {
    GString *log;
    uint8_t regs[0x100];
} Dev;

static uint64_t dev_read(void *opaque, hwaddr addr, unsigned size)
{
    Dev *d = opaque;
    uint64_t v = 0;

    g_string_append_printf(d->log, "r%" PRIx64 "/%u ", addr, size);
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)d->regs[(addr + i) & 0xff] << (i * 8);
    }
    return v;
}

static void dev_write(void *opaque, hwaddr addr, uint64_t v, unsigned size)
{
    Dev *d = opaque;

    g_string_append_printf(d->log, "w%" PRIx64 "/%u=%" PRIx64 " ", addr, size,
                           v);
    for (unsigned i = 0; i < size; i++) {
        d->regs[(addr + i) & 0xff] = v >> (i * 8);
    }
}

static const MemoryRegionOps ops_byte = {
    .read = dev_read, .write = dev_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};
static const MemoryRegionOps ops_dword = {
    .read = dev_read, .write = dev_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};
static const MemoryRegionOps ops_default = {   /* valid 1..4, as is */
    .read = dev_read, .write = dev_write,
};
static const MemoryRegionOps ops_only4 = {
    .read = dev_read, .write = dev_write,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
};
static const MemoryRegionOps ops_qword = {
    .read = dev_read, .write = dev_write,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
};

typedef struct Fixture {
    MemoryRegion root, ram, rom, io;
    AddressSpace as;
    Dev dev;
} Fixture;

/* RAM at 0-0xfff, ROM at 0x1000-0x1fff, io (ops) at 0x2000-0x20ff. */
static void fx_init(Fixture *f, const MemoryRegionOps *ops)
{
    memset(f, 0, sizeof(*f));
    f->dev.log = g_string_new("");
    for (int i = 0; i < 0x100; i++) {
        f->dev.regs[i] = i;
    }
    memory_region_init(&f->root, NULL, "root", UINT64_MAX);
    memory_region_init_ram(&f->ram, NULL, "ram", 0x1000, &error_abort);
    memory_region_init_rom(&f->rom, NULL, "rom", 0x1000, &error_abort);
    memory_region_init_io(&f->io, NULL, ops, &f->dev, "io", 0x100);
    memory_region_add_subregion(&f->root, 0, &f->ram);
    memory_region_add_subregion(&f->root, 0x1000, &f->rom);
    memory_region_add_subregion(&f->root, 0x2000, &f->io);
    address_space_init(&f->as, &f->root, "test");
}

static void fx_fini(Fixture *f)
{
    address_space_destroy(&f->as);
    memory_region_destroy(&f->root);
    memory_region_destroy(&f->ram);
    memory_region_destroy(&f->rom);
    memory_region_destroy(&f->io);
    g_string_free(f->dev.log, true);
    drain_call_rcu();
}

static const char *take_log(Fixture *f)
{
    static char buf[256];

    g_strlcpy(buf, f->dev.log->str, sizeof(buf));
    g_string_truncate(f->dev.log, 0);
    return buf;
}

static void test_split_narrow(void)
{
    Fixture f;
    uint64_t v;

    fx_init(&f, &ops_byte);
    /* 4-byte read of a 1-byte device: 4 reads, little-endian. */
    g_assert_cmpint(address_space_ld(&f.as, 0x2010, &v, 4), ==, MEMTX_OK);
    g_assert_cmphex(v, ==, 0x13121110);
    g_assert_cmpstr(take_log(&f), ==, "r10/1 r11/1 r12/1 r13/1 ");
    address_space_st(&f.as, 0x2020, 0xaabb, 2);
    g_assert_cmpstr(take_log(&f), ==, "w20/1=bb w21/1=aa ");
    /* 8 bytes to a device valid up to 4: two 4-byte accesses, each
     * split into bytes. */
    address_space_ld(&f.as, 0x2000, &v, 8);
    g_assert_cmphex(v, ==, 0x0706050403020100ULL);
    g_assert_cmpstr(take_log(&f), ==,
                    "r0/1 r1/1 r2/1 r3/1 r4/1 r5/1 r6/1 r7/1 ");
    fx_fini(&f);
}

static void test_split_valid_max(void)
{
    Fixture f;
    uint64_t v;

    fx_init(&f, &ops_default);
    address_space_ld(&f.as, 0x2008, &v, 8);
    g_assert_cmphex(v, ==, 0x0f0e0d0c0b0a0908ULL);
    g_assert_cmpstr(take_log(&f), ==, "r8/4 rc/4 ");
    address_space_st(&f.as, 0x2010, 0x1122334455667788ULL, 8);
    g_assert_cmpstr(take_log(&f), ==, "w10/4=55667788 w14/4=11223344 ");
    /* Unaligned: cut into naturally aligned pieces. */
    address_space_ld(&f.as, 0x2001, &v, 4);
    g_assert_cmpstr(take_log(&f), ==, "r1/1 r2/2 r4/1 ");
    g_assert_cmphex(v, ==, 0x04030201);
    fx_fini(&f);

    fx_init(&f, &ops_qword);
    address_space_ld(&f.as, 0x2008, &v, 8);
    g_assert_cmpstr(take_log(&f), ==, "r8/8 ");
    fx_fini(&f);
}

static void test_widen(void)
{
    Fixture f;
    uint64_t v;

    fx_init(&f, &ops_dword);
    /* 1-byte read of a 4-byte device: one aligned read, shifted. */
    address_space_ld(&f.as, 0x2006, &v, 1);
    g_assert_cmphex(v, ==, 0x06);
    g_assert_cmpstr(take_log(&f), ==, "r4/4 ");
    address_space_ld(&f.as, 0x2006, &v, 2);
    g_assert_cmphex(v, ==, 0x0706);
    g_assert_cmpstr(take_log(&f), ==, "r4/4 ");
    address_space_st(&f.as, 0x2005, 0x99, 1);
    g_assert_cmpstr(take_log(&f), ==, "w4/4=9900 ");
    fx_fini(&f);
}

static void test_invalid_size(void)
{
    Fixture f;
    uint64_t v;

    fx_init(&f, &ops_only4);
    g_assert_cmpint(address_space_ld(&f.as, 0x2001, &v, 1), ==,
                    MEMTX_DECODE_ERROR);
    g_assert_cmphex(v, ==, 0xff);
    address_space_st(&f.as, 0x2002, 0x1234, 2);
    g_assert_cmpstr(take_log(&f), ==, "");      /* never reached */
    g_assert_cmpint(address_space_ld(&f.as, 0x2004, &v, 4), ==, MEMTX_OK);
    g_assert_cmpstr(take_log(&f), ==, "r4/4 ");
    fx_fini(&f);
}

static void test_unassigned_and_crossing(void)
{
    Fixture f;
    uint8_t buf[16];
    uint64_t v;

    fx_init(&f, &ops_byte);
    g_assert_cmpint(address_space_ld(&f.as, 0x5000, &v, 4), ==,
                    MEMTX_DECODE_ERROR);
    g_assert_cmphex(v, ==, 0xffffffff);
    g_assert_cmpint(address_space_st(&f.as, 0x5000, 1, 4), ==,
                    MEMTX_DECODE_ERROR);

    /* RAM then ROM: one read, two ranges. */
    memset(f.ram.ram_ptr, 0x11, 0x1000);
    memset(f.rom.ram_ptr, 0x22, 0x1000);
    g_assert_cmpint(address_space_read(&f.as, 0xffc, buf, 8), ==, MEMTX_OK);
    g_assert_cmphex(buf[3], ==, 0x11);
    g_assert_cmphex(buf[4], ==, 0x22);

    /* The end of io, then unassigned space after it. */
    g_assert_cmpint(address_space_read(&f.as, 0x20fe, buf, 4), ==,
                    MEMTX_DECODE_ERROR);
    g_assert_cmphex(buf[0], ==, 0xfe);
    g_assert_cmphex(buf[1], ==, 0xff);
    g_assert_cmphex(buf[2], ==, 0xff);
    g_assert_cmpstr(take_log(&f), ==, "rfe/1 rff/1 ");

    /* A 4-byte access straddling ROM and the device is split per range. */
    g_assert_cmpint(address_space_ld(&f.as, 0x1ffe, &v, 4), ==, MEMTX_OK);
    g_assert_cmphex(v, ==, 0x01002222);
    g_assert_cmpstr(take_log(&f), ==, "r0/1 r1/1 ");

    /* Reads near the top of the space do not wrap around. */
    g_assert_cmpint(address_space_read(&f.as, UINT64_MAX - 1, buf, 4), ==,
                    MEMTX_DECODE_ERROR);
    fx_fini(&f);
}

static void test_rom(void)
{
    Fixture f;
    uint32_t w = 0x12345678, r = 0;

    fx_init(&f, &ops_byte);
    address_space_write(&f.as, 0x1100, &w, 4);
    address_space_read(&f.as, 0x1100, &r, 4);
    g_assert_cmphex(r, ==, 0);                  /* write dropped */
    address_space_write_rom(&f.as, 0x1100, &w, 4);
    address_space_read(&f.as, 0x1100, &r, 4);
    g_assert_cmphex(r, ==, 0x12345678);
    /* Loaders never reach devices. */
    address_space_write_rom(&f.as, 0x2000, &w, 4);
    g_assert_cmpstr(take_log(&f), ==, "");
    /* address_space_set fills across ranges. */
    address_space_set(&f.as, 0xff0, 0x5a, 0x20);
    g_assert_cmphex(((uint8_t *)f.ram.ram_ptr)[0xfff], ==, 0x5a);
    g_assert_cmphex(((uint8_t *)f.rom.ram_ptr)[0x0], ==, 0);
    fx_fini(&f);
}

static void test_map(void)
{
    Fixture f;
    hwaddr len;
    uint8_t *p, *p2;

    fx_init(&f, &ops_byte);
    /* RAM: a direct pointer, cut at the end of the RAM range. */
    len = 0x2000;
    p = address_space_map(&f.as, 0x800, &len, true);
    g_assert(p == (uint8_t *)f.ram.ram_ptr + 0x800);
    g_assert_cmpuint(len, ==, 0x800);
    address_space_unmap(&f.as, p, len, true, len);
    g_assert(address_space_ram_ptr(&f.as, 0x10, 0x10, true) ==
             (uint8_t *)f.ram.ram_ptr + 0x10);
    g_assert_null(address_space_ram_ptr(&f.as, 0xff0, 0x20, false));
    g_assert_null(address_space_ram_ptr(&f.as, 0x1000, 0x10, true));
    g_assert_nonnull(address_space_ram_ptr(&f.as, 0x1000, 0x10, false));

    /* Nothing there: NULL. */
    len = 0x10;
    g_assert_null(address_space_map(&f.as, 0x9000, &len, false));
    g_assert_cmpuint(len, ==, 0);

    /* MMIO read: bounced, filled from the device, cut at its end. */
    len = 0x1000;
    p = address_space_map(&f.as, 0x20f0, &len, false);
    g_assert_nonnull(p);
    g_assert_cmpuint(len, ==, 0x10);
    g_assert_cmphex(p[1], ==, 0xf1);
    /* Only one bounce buffer. */
    len = 4;
    g_assert_null(address_space_map(&f.as, 0x2000, &len, false));
    address_space_unmap(&f.as, p, 0x10, false, 0x10);
    take_log(&f);

    /* MMIO write: reaches the device at unmap, only what was used. */
    len = 4;
    p2 = address_space_map(&f.as, 0x2040, &len, true);
    g_assert_nonnull(p2);
    memcpy(p2, "\x01\x02\x03\x04", 4);
    g_assert_cmpstr(take_log(&f), ==, "");
    address_space_unmap(&f.as, p2, 4, true, 2);
    g_assert_cmpstr(take_log(&f), ==, "w40/1=1 w41/1=2 ");

    /* A DMA write to ROM is bounced and dropped. */
    len = 8;
    p = address_space_map(&f.as, 0x1000, &len, true);
    g_assert(p != (uint8_t *)f.rom.ram_ptr);
    memset(p, 0x77, 8);
    address_space_unmap(&f.as, p, 8, true, 8);
    g_assert_cmphex(((uint8_t *)f.rom.ram_ptr)[0], ==, 0);
    fx_fini(&f);
}

static void test_ioeventfd(void)
{
    Fixture f;
    int efd = eventfd(0, EFD_NONBLOCK);
    int efd2 = eventfd(0, EFD_NONBLOCK);
    uint64_t cnt = 0;

    g_assert_cmpint(efd, >=, 0);
    fx_init(&f, &ops_default);
    irq_backend_set(NULL);
    g_assert(irq_backend_get() == &irq_userspace_backend);
    g_assert_true(ioeventfd_add(false, 0x2010, 2, true, 0x42, efd,
                                &error_abort));
    g_assert_true(ioeventfd_add(false, 0x2020, 4, false, 0, efd2,
                                &error_abort));
    /* Matching address, size and data: the fd fires, the device
     * sees nothing. */
    address_space_st(&f.as, 0x2010, 0x42, 2);
    g_assert_cmpstr(take_log(&f), ==, "");
    g_assert_cmpint(read(efd, &cnt, 8), ==, 8);
    g_assert_cmpuint(cnt, ==, 1);
    /* Other data, size or address reach the device. */
    address_space_st(&f.as, 0x2010, 0x43, 2);
    address_space_st(&f.as, 0x2010, 0x42, 4);
    g_assert_cmpstr(take_log(&f), ==, "w10/2=43 w10/4=42 ");
    g_assert_cmpint(read(efd, &cnt, 8), ==, -1);
    /* Without data match any value fires. */
    address_space_st(&f.as, 0x2020, 0x1234, 4);
    g_assert_cmpint(read(efd2, &cnt, 8), ==, 8);
    /* Port I/O ioeventfds do not match memory writes. */
    g_assert_false(ioeventfd_check(true, 0x2020, 4, 0));
    ioeventfd_del(false, 0x2010, 2, true, 0x42, efd);
    ioeventfd_del(false, 0x2020, 4, false, 0, efd2);
    address_space_st(&f.as, 0x2010, 0x42, 2);
    g_assert_cmpstr(take_log(&f), ==, "w10/2=42 ");
    fx_fini(&f);
    close(efd);
    close(efd2);
}

/* ---- userspace interrupt backend ---- */

static GString *irq_log;

static void gsi_handler(void *opaque, int gsi, int level)
{
    g_string_append_printf(irq_log, "gsi%d=%d ", gsi, level);
}

static void msi_handler(void *opaque, uint64_t addr, uint32_t data)
{
    g_string_append_printf(irq_log, "msi%" PRIx64 ":%x ", addr, data);
}

static void test_userspace_irq(void)
{
    Error *err = NULL;
    int v0, v1;

    irq_log = g_string_new("");
    irq_backend_set(NULL);
    irq_userspace_set_gsi_handler(gsi_handler, NULL);
    irq_userspace_set_msi_handler(msi_handler, NULL);
    gsi_set_level(4, 1);
    gsi_set_level(4, 0);
    msi_send_message(0xfee00000, 0x4021);
    g_assert_cmpstr(irq_log->str, ==, "gsi4=1 gsi4=0 msifee00000:4021 ");
    v0 = msi_route_add(0xfee00000, 0x30, &error_abort);
    v1 = msi_route_add(0xfee01000, 0x31, &error_abort);
    g_assert_cmpint(v0, !=, v1);
    g_assert_true(msi_route_update(v1, 0xfee02000, 0x32, &error_abort));
    msi_route_release(v0);
    g_assert_false(msi_route_update(v0, 0, 0, &err));
    g_assert_nonnull(err);
    error_free(err);
    /* A released slot is reused. */
    g_assert_cmpint(msi_route_add(0xfee00000, 0x33, &error_abort), ==, v0);
    irq_userspace_set_gsi_handler(NULL, NULL);
    irq_userspace_set_msi_handler(NULL, NULL);
    g_string_free(irq_log, true);
}

/* ---- RCU ---- */

typedef struct RcuThread {
    GMutex lock;
    GCond cond;
    int stage;                  /* 1: inside, 2: may leave, 3: left */
} RcuThread;

static void rcu_stage_set(RcuThread *t, int stage)
{
    g_mutex_lock(&t->lock);
    t->stage = stage;
    g_cond_broadcast(&t->cond);
    g_mutex_unlock(&t->lock);
}

static void rcu_stage_wait(RcuThread *t, int stage)
{
    g_mutex_lock(&t->lock);
    while (t->stage < stage) {
        g_cond_wait(&t->cond, &t->lock);
    }
    g_mutex_unlock(&t->lock);
}

static gpointer rcu_reader(gpointer p)
{
    RcuThread *t = p;

    /* Never registered: rcu_read_lock registers it. */
    rcu_read_lock();
    rcu_stage_set(t, 1);
    rcu_stage_wait(t, 2);
    rcu_read_unlock();
    rcu_stage_set(t, 3);
    return NULL;
}

static int rcu_freed;

static void rcu_free_cb(void *p)
{
    __atomic_store_n(&rcu_freed, 1, __ATOMIC_SEQ_CST);
    g_free(p);
}

static void test_rcu(void)
{
    RcuThread t = { 0 };
    GThread *th;

    g_mutex_init(&t.lock);
    g_cond_init(&t.cond);
    th = g_thread_new("reader", rcu_reader, &t);
    rcu_stage_wait(&t, 1);
    call_rcu(g_malloc(16), rcu_free_cb);
    /* However long we wait, the reader still holds the grace period. */
    g_usleep(20000);
    g_assert_cmpint(__atomic_load_n(&rcu_freed, __ATOMIC_SEQ_CST), ==, 0);
    rcu_stage_set(&t, 2);
    drain_call_rcu();
    g_assert_cmpint(rcu_freed, ==, 1);
    g_thread_join(th);
    synchronize_rcu();      /* the exited reader no longer counts */

    rcu_register_thread();
    rcu_read_lock();
    rcu_read_lock();        /* nests */
    rcu_read_unlock();
    rcu_read_unlock();
    synchronize_rcu();
    rcu_unregister_thread();
    g_mutex_clear(&t.lock);
    g_cond_clear(&t.cond);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/memaccess/split-narrow", test_split_narrow);
    g_test_add_func("/memaccess/split-valid-max", test_split_valid_max);
    g_test_add_func("/memaccess/widen", test_widen);
    g_test_add_func("/memaccess/invalid-size", test_invalid_size);
    g_test_add_func("/memaccess/unassigned-crossing",
                    test_unassigned_and_crossing);
    g_test_add_func("/memaccess/rom", test_rom);
    g_test_add_func("/memaccess/map", test_map);
    g_test_add_func("/memaccess/ioeventfd", test_ioeventfd);
    g_test_add_func("/memaccess/userspace-irq", test_userspace_irq);
    g_test_add_func("/memaccess/rcu", test_rcu);
    return g_test_run();
}
