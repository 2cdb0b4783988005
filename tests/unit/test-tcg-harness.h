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

#endif
