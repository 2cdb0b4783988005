/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the TCG unit tests share: a fake CPU (env with a softmmu TLB in
 * front of it), an executable code buffer with the prologue, and
 * "generate this block and run it".
 */
#ifndef TEST_TCG_HARNESS_H
#define TEST_TCG_HARNESS_H

#include <glib.h>
#include <inttypes.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include "tcg/tcg.h"
#include "tcg/tcg-op.h"
#include "tcg/tcg-internal.h"
#include "exec/cpu-tlb.h"

#define CODE_SIZE (8u << 20)
#define NB_GLOBALS 16

typedef struct FakeCPU {
    CPUTLBDescFast tlb_fast[NB_MMU_MODES];
    int32_t exit_request;
    int32_t pad;
    /* env starts here: 16 64-bit globals, then 16 32-bit ones */
    uint64_t g64[NB_GLOBALS];
    uint32_t g32[NB_GLOBALS];
    uint64_t scratch[64];       /* host memory for ld/st tests */
} FakeCPU;

static FakeCPU fake_cpu __attribute__((aligned(64)));
static uint8_t *code_buf;
static size_t code_used, prologue_size;
static TCGv_i64 g64[NB_GLOBALS];
static TCGv_i32 g32[NB_GLOBALS];

#define ENV_OFF(field) \
    ((intptr_t)offsetof(FakeCPU, field) - (intptr_t)offsetof(FakeCPU, g64))

static void *fake_env(void)
{
    return &fake_cpu.g64;
}

static void harness_init(void)
{
    code_buf = mmap(NULL, CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert(code_buf != MAP_FAILED);
    prologue_size = tcg_prologue_init(code_buf, CODE_SIZE);
    code_used = (prologue_size + 63) & ~63;
    tcg_target_config.tlb_fast_offset = ENV_OFF(tlb_fast);
    tcg_target_config.exit_request_offset = ENV_OFF(exit_request);

    TCGContext *s = tcg_context_new();
    for (int i = 0; i < NB_GLOBALS; i++) {
        char *n = g_strdup_printf("g64_%d", i);
        g64[i] = tcg_global_mem_new_i64(ENV_OFF(g64[i]), n);
    }
    for (int i = 0; i < NB_GLOBALS; i++) {
        char *n = g_strdup_printf("g32_%d", i);
        g32[i] = tcg_global_mem_new_i32(ENV_OFF(g32[i]), n);
    }
    tcg_func_start(s);
}

/* Code room for the next block (wrapping around when full). */
static void code_prepare(TCGContext *s)
{
    if (code_used + (1u << 20) > CODE_SIZE) {
        code_used = (prologue_size + 63) & ~63;
    }
    s->code_ptr = code_buf + code_used;
    s->code_end = code_buf + CODE_SIZE;
}

/* Generates the ops built since tcg_func_start with the full pipeline
 * (optimize = false: liveness and back end only) and returns the code. */
static const void *gen_block(bool optimize, int *size)
{
    TCGContext *s = tcg_ctx;
    int n;
    code_prepare(s);
    if (optimize) {
        n = tcg_gen_code(s);
    } else {
        tcg_liveness(s);
        n = tcg_backend_gen_code(s);
    }
    g_assert_cmpint(n, >, 0);
    if (size) {
        *size = n;
    }
    const void *code = s->code_buf;
    code_used = ((uint8_t *)code - code_buf + n + 63) & ~(size_t)63;
    return code;
}

static uintptr_t run_block(const void *code)
{
    return tcg_qemu_tb_exec(fake_env(), code);
}

static G_GNUC_UNUSED uintptr_t gen_and_run(void)
{
    uintptr_t r = run_block(gen_block(true, NULL));
    tcg_func_start(tcg_ctx);
    return r;
}

/* ---- a fake softmmu: TLB, RAM and slow paths that log their calls ---- */

#define TLB_ENTRIES 256
#define RAM_PAGES 3
#define RAM_BASE 0x7ffff000ull      /* the pages straddle 2 GiB */
#define MMU_IDX 2

static CPUTLBEntry tlb_table[TLB_ENTRIES];
static uint8_t guest_ram[RAM_PAGES * 4096] __attribute__((aligned(4096)));

typedef struct SlowCall {
    bool store;
    uint64_t addr, val;
    MemOpIdx oi;
    uintptr_t ra;
} SlowCall;
static SlowCall slow_log[64];
static int nb_slow;

static G_GNUC_UNUSED bool in_ram(uint64_t a)
{
    return a >= RAM_BASE && a < RAM_BASE + sizeof(guest_ram);
}

/* bytes outside RAM read as a pattern */
static G_GNUC_UNUSED uint8_t model_byte(uint64_t a)
{
    return in_ram(a) ? guest_ram[a - RAM_BASE] : (uint8_t)(a * 7 + 3);
}

static G_GNUC_UNUSED uint64_t model_load(uint64_t addr, MemOp mop)
{
    unsigned size = memop_size(mop);
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)model_byte(addr + i) << (8 * i);
    }
    if ((mop & MO_SIGN) && size < 8) {
        unsigned sh = 64 - 8 * size;
        v = (uint64_t)((int64_t)(v << sh) >> sh);
    }
    return v;
}

/* What a guest store does to RAM (bytes outside it are lost). */
static G_GNUC_UNUSED void model_store(uint64_t addr, uint64_t val,
                                      unsigned size)
{
    for (unsigned i = 0; i < size; i++) {
        if (in_ram(addr + i)) {
            guest_ram[addr + i - RAM_BASE] = val >> (8 * i);
        }
    }
}

static G_GNUC_UNUSED uint64_t fake_ld_slow(void *env, uint64_t addr,
                                           MemOpIdx oi, uintptr_t ra)
{
    g_assert(env == fake_env());
    if (nb_slow < 64) {
        slow_log[nb_slow] = (SlowCall){ false, addr, 0, oi, ra };
    }
    nb_slow++;
    /* clobber what the ABI allows, so the caller must have saved it */
    __asm__ volatile("" ::: "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",
                     "r11", "memory");
    return model_load(addr, get_memop(oi));
}

static G_GNUC_UNUSED void fake_st_slow(void *env, uint64_t addr,
                                       uint64_t val, MemOpIdx oi,
                                       uintptr_t ra)
{
    g_assert(env == fake_env());
    if (nb_slow < 64) {
        slow_log[nb_slow] = (SlowCall){ true, addr, val, oi, ra };
    }
    nb_slow++;
    model_store(addr, val, memop_size(get_memop(oi)));
}

/* Maps RAM_PAGES of guest_ram at RAM_BASE in MMU_IDX (stores to the
 * last page take the slow path) and fills RAM from rng. */
static G_GNUC_UNUSED void tlb_setup(GRand *rng)
{
    for (int i = 0; i < TLB_ENTRIES; i++) {
        tlb_table[i].addr_read = tlb_table[i].addr_write =
            tlb_table[i].addr_code = TLB_INVALID_MASK;
    }
    for (int p = 0; p < RAM_PAGES; p++) {
        uint64_t va = RAM_BASE + p * 4096ull;
        CPUTLBEntry *e = &tlb_table[(va >> 12) & (TLB_ENTRIES - 1)];
        e->addr_read = va;
        /* the last page: stores take the slow path (as for code pages) */
        e->addr_write = p == RAM_PAGES - 1 ? va | TLB_NOTDIRTY : va;
        e->addr_code = va;
        e->addend = (uintptr_t)guest_ram - RAM_BASE;
    }
    for (int i = 0; i < NB_MMU_MODES; i++) {
        fake_cpu.tlb_fast[i].mask = (TLB_ENTRIES - 1) << CPU_TLB_ENTRY_BITS;
        fake_cpu.tlb_fast[i].table = i == MMU_IDX ? tlb_table : NULL;
    }
    tcg_target_config.ld_slow = fake_ld_slow;
    tcg_target_config.st_slow = fake_st_slow;
    for (size_t i = 0; i < sizeof(guest_ram); i++) {
        guest_ram[i] = g_rand_int(rng);
    }
}

#endif
