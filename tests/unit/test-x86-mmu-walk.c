/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 page-table walker on tables built in a fake RAM: every paging
 * mode, large pages, permission faults and their error codes (U/S, R/W
 * with CR0.WP, NX, SMEP, SMAP, protection keys), reserved bits,
 * accessed/dirty write-back, non-canonical addresses, and iteration.
 */
#include "util/osdep.h"
#include "target/i386/mmu-walk.h"
#include "util/rcu.h"

#define RAM_SIZE (2 * MiB)

typedef struct Fixture {
    MemoryRegion root, ram;
    AddressSpace as;
    X86PagingCtx ctx;
} Fixture;

#define P   X86_PTE_P
#define RW  X86_PTE_RW
#define US  X86_PTE_US
#define PS  X86_PTE_PS
#define A   X86_PTE_A
#define D   X86_PTE_D
#define NX  X86_PTE_NX

static void fx_init(Fixture *f)
{
    memset(f, 0, sizeof(*f));
    memory_region_init(&f->root, NULL, "root", UINT64_MAX);
    memory_region_init_ram(&f->ram, NULL, "ram", RAM_SIZE, &error_abort);
    memory_region_add_subregion(&f->root, 0, &f->ram);
    address_space_init(&f->as, &f->root, "test");
    f->ctx.as = &f->as;
    f->ctx.phys_bits = 40;
}

static void fx_fini(Fixture *f)
{
    address_space_destroy(&f->as);
    memory_region_destroy(&f->root);
    memory_region_destroy(&f->ram);
    drain_call_rcu();
}

static void put64(Fixture *f, hwaddr a, uint64_t v)
{
    g_assert_cmpint(address_space_st(&f->as, a, v, 8), ==, MEMTX_OK);
}

static void put32(Fixture *f, hwaddr a, uint32_t v)
{
    g_assert_cmpint(address_space_st(&f->as, a, v, 4), ==, MEMTX_OK);
}

static uint64_t get64(Fixture *f, hwaddr a)
{
    uint64_t v = 0;
    address_space_ld(&f->as, a, &v, 8);
    return v;
}

/* Translate and expect success; returns the physical address. */
static hwaddr ok(Fixture *f, uint64_t va, int acc, unsigned flags, int *prot)
{
    X86Translation t;
    uint32_t err = 0xdead;

    g_assert_cmpint(x86_mmu_translate_va(&f->ctx, va, acc, flags, &t, &err),
                    ==, X86_WALK_OK);
    if (prot) {
        *prot = t.prot;
    }
    return t.paddr;
}

static uint32_t pf(Fixture *f, uint64_t va, int acc, unsigned flags)
{
    X86Translation t;
    uint32_t err = 0xdead;

    g_assert_cmpint(x86_mmu_translate_va(&f->ctx, va, acc, flags, &t, &err),
                    ==, X86_WALK_PAGE_FAULT);
    return err;
}

/*
 * 4-level layout: PML4 0x1000, PDPT 0x2000, PD 0x3000, PT 0x4000.
 *   va 0x00000000 - 0x00001fff: 4 KiB user pages -> 0x10000, 0x11000
 *                               (the second read-only)
 *   va 0x00002000:              supervisor page -> 0x12000
 *   va 0x00003000:              user NX page -> 0x13000
 *   va 0x00200000:              2 MiB user page -> 0x400000
 *   va 0x40000000:              1 GiB supervisor page -> 0x40000000
 *   va 0xffff800000000000:      PML4[256] -> same PDPT (upper half)
 */
static void build_4level(Fixture *f)
{
    put64(f, 0x1000, 0x2000 | P | RW | US);
    put64(f, 0x1000 + 256 * 8, 0x2000 | P | RW | US);
    put64(f, 0x2000, 0x3000 | P | RW | US);
    put64(f, 0x2000 + 8, 0x40000000 | P | RW | PS);
    put64(f, 0x3000, 0x4000 | P | RW | US);
    put64(f, 0x3000 + 8, 0x400000 | P | RW | US | PS);
    put64(f, 0x4000, 0x10000 | P | RW | US);
    put64(f, 0x4008, 0x11000 | P | US);
    put64(f, 0x4010, 0x12000 | P | RW);
    put64(f, 0x4018, 0x13000 | P | RW | US | NX);
    f->ctx.cr0 = CR0_PE_MASK | CR0_PG_MASK;
    f->ctx.cr3 = 0x1000;
    f->ctx.cr4 = X86_CR4_PAE;
    f->ctx.efer = MSR_EFER_LME | MSR_EFER_LMA | MSR_EFER_NXE;
}

static void test_4level_translate(void)
{
    Fixture f;
    int prot;

    fx_init(&f);
    build_4level(&f);
    g_assert_cmpint(x86_paging_mode(&f.ctx), ==, X86_PAGING_4LEVEL);
    g_assert_cmphex(ok(&f, 0x123, X86_ACC_READ, X86_WALK_USER, &prot), ==,
                    0x10123);
    /* Clean page, read access: no write permission yet (the first write
     * must come back to set D). */
    g_assert_cmpint(prot, ==, X86_PROT_READ | X86_PROT_EXEC);
    g_assert_cmphex(ok(&f, 0x1abc, X86_ACC_READ, 0, NULL), ==, 0x11abc);
    g_assert_cmphex(ok(&f, 0x2345, X86_ACC_READ, 0, NULL), ==, 0x12345);
    g_assert_cmphex(ok(&f, 0x2fedcb, X86_ACC_READ, 0, NULL), ==, 0x4fedcb);
    g_assert_cmphex(ok(&f, 0x7654321f, X86_ACC_WRITE, 0, &prot), ==,
                    0x7654321f);
    g_assert_cmpint(prot, ==, X86_PROT_READ | X86_PROT_WRITE | X86_PROT_EXEC);
    /* The upper half goes through PML4[256]. */
    g_assert_cmphex(ok(&f, 0xffff800000000042ull, X86_ACC_READ, 0, NULL),
                    ==, 0x10042);
    fx_fini(&f);
}

static void test_4level_faults(void)
{
    Fixture f;
    X86Translation t;
    uint32_t err;

    fx_init(&f);
    build_4level(&f);
    /* not present: P=0, with W/U/I-D from the access */
    g_assert_cmphex(pf(&f, 0x5000, X86_ACC_READ, X86_WALK_USER), ==, 0x04);
    g_assert_cmphex(pf(&f, 0x5000, X86_ACC_WRITE, 0), ==, 0x02);
    g_assert_cmphex(pf(&f, 0x80000000000ull, X86_ACC_FETCH, 0), ==, 0x10);
    /* user on a supervisor page */
    g_assert_cmphex(pf(&f, 0x2000, X86_ACC_READ, X86_WALK_USER), ==, 0x05);
    g_assert_cmphex(pf(&f, 0x40000000, X86_ACC_READ, X86_WALK_USER), ==,
                    0x05);
    /* write to a read-only page: user always faults, supervisor only
     * with CR0.WP */
    g_assert_cmphex(pf(&f, 0x1000, X86_ACC_WRITE, X86_WALK_USER), ==, 0x07);
    ok(&f, 0x1000, X86_ACC_WRITE, 0, NULL);
    f.ctx.cr0 |= CR0_WP_MASK;
    g_assert_cmphex(pf(&f, 0x1000, X86_ACC_WRITE, 0), ==, 0x03);
    /* NX */
    ok(&f, 0x3000, X86_ACC_READ, X86_WALK_USER, NULL);
    g_assert_cmphex(pf(&f, 0x3000, X86_ACC_FETCH, X86_WALK_USER), ==, 0x15);
    g_assert_cmphex(pf(&f, 0x3000, X86_ACC_FETCH, 0), ==, 0x11);
    /* SMEP: supervisor fetch from a user page */
    ok(&f, 0x0, X86_ACC_FETCH, 0, NULL);
    f.ctx.cr4 |= X86_CR4_SMEP;
    g_assert_cmphex(pf(&f, 0x0, X86_ACC_FETCH, 0), ==, 0x11);
    ok(&f, 0x2000, X86_ACC_FETCH, 0, NULL);
    /* SMAP: supervisor data access to a user page when the caller says
     * SMAP applies (CR4.SMAP and not RFLAGS.AC) */
    ok(&f, 0x0, X86_ACC_READ, 0, NULL);
    g_assert_cmphex(pf(&f, 0x0, X86_ACC_READ, X86_WALK_SMAP), ==, 0x01);
    g_assert_cmphex(pf(&f, 0x0, X86_ACC_WRITE, X86_WALK_SMAP), ==, 0x03);
    ok(&f, 0x2000, X86_ACC_WRITE, X86_WALK_SMAP, NULL);
    /* non-canonical */
    g_assert_cmpint(x86_mmu_translate_va(&f.ctx, 0x0000800000000000ull,
                                         X86_ACC_READ, 0, &t, &err),
                    ==, X86_WALK_NONCANONICAL);
    fx_fini(&f);
}

static void test_reserved_bits(void)
{
    Fixture f;

    fx_init(&f);
    build_4level(&f);
    /* an address bit above MAXPHYADDR (40) */
    put64(&f, 0x4000, 0x10000 | (1ull << 45) | P | RW | US);
    g_assert_cmphex(pf(&f, 0x0, X86_ACC_READ, X86_WALK_USER), ==, 0x0d);
    /* ... which a debug walk does not check */
    g_assert_cmphex(ok(&f, 0x0, X86_ACC_READ, X86_WALK_DEBUG, NULL), ==,
                    0x200000010000ull);
    put64(&f, 0x4000, 0x10000 | P | RW | US);
    /* XD without EFER.NXE */
    f.ctx.efer &= ~MSR_EFER_NXE;
    g_assert_cmphex(pf(&f, 0x3000, X86_ACC_READ, 0), ==, 0x09);
    f.ctx.efer |= MSR_EFER_NXE;
    /* 2 MiB page with bits 20:13 set */
    put64(&f, 0x3008, 0x400000 | (1ull << 14) | P | RW | US | PS);
    g_assert_cmphex(pf(&f, 0x200000, X86_ACC_WRITE, 0), ==, 0x0b);
    /* PS in a PML4E */
    put64(&f, 0x1000, 0x2000 | P | RW | US | PS);
    g_assert_cmphex(pf(&f, 0x0, X86_ACC_FETCH, 0), ==, 0x19);
    fx_fini(&f);
}

static void test_accessed_dirty(void)
{
    Fixture f;
    int prot;

    fx_init(&f);
    build_4level(&f);
    /* a debug walk or one without SET_AD writes nothing */
    ok(&f, 0x0, X86_ACC_WRITE, X86_WALK_DEBUG, NULL);
    ok(&f, 0x0, X86_ACC_WRITE, 0, NULL);
    g_assert_cmphex(get64(&f, 0x4000) & (A | D), ==, 0);
    /* a read sets A everywhere on the path, D nowhere */
    ok(&f, 0x0, X86_ACC_READ, X86_WALK_SET_AD, &prot);
    g_assert_cmphex(get64(&f, 0x1000) & (A | D), ==, A);
    g_assert_cmphex(get64(&f, 0x2000) & (A | D), ==, A);
    g_assert_cmphex(get64(&f, 0x3000) & (A | D), ==, A);
    g_assert_cmphex(get64(&f, 0x4000) & (A | D), ==, A);
    g_assert_false(prot & X86_PROT_WRITE);
    /* a write sets D on the leaf only */
    ok(&f, 0x0, X86_ACC_WRITE, X86_WALK_SET_AD, &prot);
    g_assert_cmphex(get64(&f, 0x4000) & (A | D), ==, A | D);
    g_assert_cmphex(get64(&f, 0x3000) & D, ==, 0);
    /* now dirty: a read grants write too */
    ok(&f, 0x0, X86_ACC_READ, X86_WALK_SET_AD, &prot);
    g_assert_true(prot & X86_PROT_WRITE);
    /* a faulting access sets nothing */
    pf(&f, 0x2000, X86_ACC_READ, X86_WALK_USER | X86_WALK_SET_AD);
    g_assert_cmphex(get64(&f, 0x4010) & A, ==, 0);
    /* large page: D on the PDE */
    ok(&f, 0x200000, X86_ACC_WRITE, X86_WALK_SET_AD, NULL);
    g_assert_cmphex(get64(&f, 0x3008) & (A | D), ==, A | D);
    fx_fini(&f);
}

static void test_protection_keys(void)
{
    Fixture f;

    fx_init(&f);
    build_4level(&f);
    /* key 3 on the first user page */
    put64(&f, 0x4000, 0x10000 | P | RW | US | D | (3ull << 59));
    f.ctx.cr4 |= X86_CR4_PKE;
    f.ctx.pkru = 1u << 6;             /* AD for key 3 */
    g_assert_cmphex(pf(&f, 0x0, X86_ACC_READ, X86_WALK_USER), ==, 0x25);
    g_assert_cmphex(pf(&f, 0x0, X86_ACC_READ, 0), ==, 0x21);
    ok(&f, 0x0, X86_ACC_FETCH, X86_WALK_USER, NULL); /* keys: data only */
    f.ctx.pkru = 1u << 7;             /* WD for key 3 */
    ok(&f, 0x0, X86_ACC_READ, X86_WALK_USER, NULL);
    g_assert_cmphex(pf(&f, 0x0, X86_ACC_WRITE, X86_WALK_USER), ==, 0x27);
    ok(&f, 0x0, X86_ACC_WRITE, 0, NULL);          /* supervisor, WP=0 */
    f.ctx.cr0 |= CR0_WP_MASK;
    g_assert_cmphex(pf(&f, 0x0, X86_ACC_WRITE, 0), ==, 0x23);
    /* other keys are unaffected */
    ok(&f, 0x1000, X86_ACC_READ, X86_WALK_USER, NULL);
    fx_fini(&f);
}

static void test_32bit(void)
{
    Fixture f;
    X86Translation t;
    uint32_t err;

    fx_init(&f);
    /* PD 0x1000, PT 0x2000; PDE 1 a 4 MiB page at 0x1_0080_0000
     * (PSE-36: bits 32-39 in PDE bits 13-20) */
    put32(&f, 0x1000, 0x2000 | P | RW | US);
    put32(&f, 0x1004, 0x00800000 | (1u << 13) | P | RW | PS);
    put32(&f, 0x2000 + 5 * 4, 0x7000 | P | US);
    f.ctx.cr0 = CR0_PE_MASK | CR0_PG_MASK | CR0_WP_MASK;
    f.ctx.cr3 = 0x1000;
    f.ctx.efer = MSR_EFER_NXE;        /* ignored without PAE */
    g_assert_cmpint(x86_paging_mode(&f.ctx), ==, X86_PAGING_32);
    g_assert_cmphex(ok(&f, 0x5123, X86_ACC_FETCH, X86_WALK_USER, NULL), ==,
                    0x7123);
    g_assert_cmphex(pf(&f, 0x5123, X86_ACC_WRITE, X86_WALK_USER), ==, 0x07);
    /* I/D is reported with EFER.NXE even in 32-bit paging */
    g_assert_cmphex(pf(&f, 0x6000, X86_ACC_FETCH, 0), ==, 0x10);
    /* Without CR4.PSE the PS bit is ignored: PDE 1 is a table at
     * 0x800000 (empty here). */
    g_assert_cmphex(pf(&f, 0x400000, X86_ACC_READ, 0), ==, 0);
    f.ctx.cr4 = X86_CR4_PSE;
    g_assert_cmpint(x86_mmu_translate_va(&f.ctx, 0x4abcde, X86_ACC_READ, 0,
                                         &t, &err), ==, X86_WALK_OK);
    g_assert_cmphex(t.paddr, ==, 0x1008abcdeull);
    g_assert_cmphex(t.page_size, ==, 4 * MiB);
    /* bit 21 of a 4 MiB PDE is reserved */
    put32(&f, 0x1004, 0x00800000 | (1u << 21) | P | RW | PS);
    g_assert_cmphex(pf(&f, 0x400000, X86_ACC_READ, 0), ==, 0x09);
    /* high linear bits are dropped */
    g_assert_cmphex(ok(&f, 0xabcd00005123ull, X86_ACC_READ, 0, NULL), ==,
                    0x7123);
    fx_fini(&f);
}

static void test_pae(void)
{
    Fixture f;

    fx_init(&f);
    /* PDPT at 0x1020 (32-byte aligned), PD 0x3000, PT 0x4000 */
    put64(&f, 0x1020 + 3 * 8, 0x3000 | P);
    put64(&f, 0x3000, 0x4000 | P | RW | US);
    put64(&f, 0x3008, 0x600000 | P | RW | PS | NX);
    put64(&f, 0x4000 + 8, 0x9000 | P | RW | US);
    f.ctx.cr0 = CR0_PE_MASK | CR0_PG_MASK;
    f.ctx.cr3 = 0x1020;
    f.ctx.cr4 = X86_CR4_PAE;
    f.ctx.efer = MSR_EFER_NXE;
    g_assert_cmpint(x86_paging_mode(&f.ctx), ==, X86_PAGING_PAE);
    g_assert_cmphex(ok(&f, 0xc0001010, X86_ACC_WRITE, X86_WALK_USER, NULL),
                    ==, 0x9010);
    g_assert_cmphex(ok(&f, 0xc0212345, X86_ACC_READ, 0, NULL), ==, 0x612345);
    g_assert_cmphex(pf(&f, 0xc0212345, X86_ACC_FETCH, 0), ==, 0x11);
    g_assert_cmphex(pf(&f, 0x00001010, X86_ACC_READ, 0), ==, 0x00);
    /* RW in a PDPTE is reserved in PAE paging */
    put64(&f, 0x1020 + 3 * 8, 0x3000 | P | RW);
    g_assert_cmphex(pf(&f, 0xc0001010, X86_ACC_READ, 0), ==, 0x09);
    fx_fini(&f);
}

static void test_paging_off(void)
{
    Fixture f;
    int prot;

    fx_init(&f);
    f.ctx.cr0 = CR0_PE_MASK;
    g_assert_cmphex(ok(&f, 0x1234567890ull, X86_ACC_WRITE, X86_WALK_USER,
                       &prot), ==, 0x34567890);
    g_assert_cmpint(prot, ==, X86_PROT_READ | X86_PROT_WRITE | X86_PROT_EXEC);
    g_assert_cmpuint(x86_mmu_iterate(&f.ctx, &(X86MapVisitor){ 0 }), ==, 0);
    fx_fini(&f);
}

static void test_5level(void)
{
    Fixture f;
    X86Translation t;
    uint32_t err;
    const uint64_t va = 0x00f0000000001234ull;   /* needs 57-bit VAs */

    fx_init(&f);
    /* PML5 0x1000 [0xf0] -> PML4 0x2000 -> PDPT 0x3000 -> PD 0x4000 ->
     * PT 0x5000 [1] -> 0x9000 */
    put64(&f, 0x1000 + 0xf0 * 8, 0x2000 | P | RW | US);
    put64(&f, 0x2000, 0x3000 | P | RW | US);
    put64(&f, 0x3000, 0x4000 | P | RW | US);
    put64(&f, 0x4000, 0x5000 | P | RW | US);
    put64(&f, 0x5008, 0x9000 | P | RW | US);
    f.ctx.cr0 = CR0_PE_MASK | CR0_PG_MASK;
    f.ctx.cr3 = 0x1000;
    f.ctx.cr4 = X86_CR4_PAE | X86_CR4_LA57;
    f.ctx.efer = MSR_EFER_LME | MSR_EFER_LMA;
    g_assert_cmpint(x86_paging_mode(&f.ctx), ==, X86_PAGING_5LEVEL);
    g_assert_cmphex(ok(&f, va, X86_ACC_WRITE, X86_WALK_USER, NULL), ==,
                    0x9234);
    g_assert_cmphex(x86_paging_va_end(&f.ctx), ==, 1ull << 57);
    /* the same address is not canonical with 4-level paging */
    f.ctx.cr4 &= ~X86_CR4_LA57;
    g_assert_cmpint(x86_mmu_translate_va(&f.ctx, va, X86_ACC_READ, 0, &t,
                                         &err), ==, X86_WALK_NONCANONICAL);
    /* PS in a PML5E is reserved */
    f.ctx.cr4 |= X86_CR4_LA57;
    put64(&f, 0x1000 + 0xf0 * 8, 0x2000 | P | RW | US | PS);
    g_assert_cmphex(pf(&f, va, X86_ACC_READ, 0), ==, 0x09);
    fx_fini(&f);
}

typedef struct Seen {
    GString *s;
} Seen;

static void seen_leaf(void *opaque, const X86MapLeaf *l)
{
    Seen *s = opaque;

    g_string_append_printf(s->s, "L%d %" PRIx64 "+%" PRIx64 "->%" PRIx64
                           " %c%c%c\n", l->level, l->va, l->size,
                           (uint64_t)l->pa, l->prot & US ? 'u' : '-',
                           l->prot & RW ? 'w' : '-', l->nx ? 'x' : '-');
}

static void seen_hole(void *opaque, uint64_t va, uint64_t size)
{
    Seen *s = opaque;

    /* Holes come per non-present entry; note only their first one in
     * each run. */
    if (!g_str_has_suffix(s->s->str, "H\n")) {
        g_string_append_printf(s->s, "%" PRIx64 " H\n", va);
    }
}

static void test_iterate(void)
{
    Fixture f;
    Seen s = { g_string_new("") };
    X86MapVisitor v = { .leaf = seen_leaf, .hole = seen_hole, .opaque = &s };

    fx_init(&f);
    build_4level(&f);
    g_assert_cmphex(x86_mmu_iterate(&f.ctx, &v), ==, 1ull << 48);
    g_assert_cmpstr(s.s->str, ==,
        "L1 0+1000->10000 uw-\n"
        "L1 1000+1000->11000 u--\n"
        "L1 2000+1000->12000 -w-\n"
        "L1 3000+1000->13000 uwx\n"
        "4000 H\n"
        "L2 200000+200000->400000 uw-\n"
        "400000 H\n"
        "L3 40000000+40000000->40000000 -w-\n"
        "80000000 H\n"
        "L1 800000000000+1000->10000 uw-\n"
        "L1 800000001000+1000->11000 u--\n"
        "L1 800000002000+1000->12000 -w-\n"
        "L1 800000003000+1000->13000 uwx\n"
        "800000004000 H\n"
        "L2 800000200000+200000->400000 uw-\n"
        "800000400000 H\n"
        "L3 800040000000+40000000->40000000 -w-\n"
        "800080000000 H\n");
    g_assert_cmphex(x86_mmu_canonical(&f.ctx, 0x800000200000ull), ==,
                    0xffff800000200000ull);
    g_string_free(s.s, true);
    fx_fini(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/x86-mmu/4level/translate", test_4level_translate);
    g_test_add_func("/x86-mmu/4level/faults", test_4level_faults);
    g_test_add_func("/x86-mmu/reserved-bits", test_reserved_bits);
    g_test_add_func("/x86-mmu/accessed-dirty", test_accessed_dirty);
    g_test_add_func("/x86-mmu/protection-keys", test_protection_keys);
    g_test_add_func("/x86-mmu/32bit", test_32bit);
    g_test_add_func("/x86-mmu/pae", test_pae);
    g_test_add_func("/x86-mmu/paging-off", test_paging_off);
    g_test_add_func("/x86-mmu/iterate", test_iterate);
    g_test_add_func("/x86-mmu/5level", test_5level);
    return g_test_run();
}
