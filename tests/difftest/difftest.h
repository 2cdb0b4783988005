/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The differential test's shared layout. The same generated cases run
 * natively on the host (host.c) and inside a test guest under kemu
 * (guest.c); both write one DiffResult per case and the Python side
 * compares them. The state block lives at a fixed address in both (the
 * generated code addresses it absolutely), identity-mapped in the guest.
 */
#ifndef DIFFTEST_H
#define DIFFTEST_H

#include <stdint.h>

#define DIFF_STATE_ADDR 0x10000000UL      /* 256 MiB: needs -m 512 */
#define DIFF_MEM_SIZE   256               /* memory window per case */
#define DIFF_FX_SIZE    512               /* an FXSAVE image */
#define DIFF_XS_SIZE    1024              /* an XSAVE image: legacy, header, YMM */
#define DIFF_YMMH_SIZE  256               /* YMM0-15 bits 255:128 */

/* in[] and out[] use the hardware register numbering (rax=0 .. r15=15);
 * in[4] (rsp) is ignored: cases run on the runner's stack. */
typedef struct DiffState {
    uint64_t in[16];
    uint64_t in_flags;
    uint64_t out[16];
    uint64_t out_flags;
    uint64_t vector;          /* exception taken, or ~0 */
    uint64_t saved_rsp;       /* runner's stack while a case runs */
    uint64_t pad[2];
    uint8_t mem[DIFF_MEM_SIZE] __attribute__((aligned(64)));
    uint8_t mem_guard[4096 - DIFF_MEM_SIZE];
    /* x87/MMX/SSE state: the case's FXRSTOR image, its FXSAVE at the end
     * (or at the fault), and the runner's own state kept across a case */
    uint8_t in_fx[DIFF_FX_SIZE] __attribute__((aligned(64)));
    uint8_t out_fx[DIFF_FX_SIZE] __attribute__((aligned(64)));
    uint8_t runner_fx[DIFF_FX_SIZE] __attribute__((aligned(64)));
    /* AVX families: the XRSTOR image a case starts from (in_fx plus the
     * YMM upper halves) and its XSAVE at the end or at the fault */
    uint8_t in_xs[DIFF_XS_SIZE] __attribute__((aligned(64)));
    uint8_t out_xs[DIFF_XS_SIZE] __attribute__((aligned(64)));
} DiffState;

/* What a runner emits per case (little-endian, packed). */
typedef struct DiffResult {
    uint64_t regs[16];
    uint64_t flags;
    uint64_t vector;
    uint8_t mem[DIFF_MEM_SIZE];
    uint8_t fx[DIFF_FX_SIZE];
    uint8_t ymmh[DIFF_YMMH_SIZE];   /* zero for a component in init state */
} DiffResult;

typedef struct DiffCase {
    void (*fn)(void);
    uint64_t in[16];
    uint64_t in_flags;
    uint64_t mem_seed;
    const uint8_t *fx;        /* starting FXSAVE image (16-byte aligned) */
    const uint8_t *ymmh;      /* AVX families: starting YMM upper halves */
} DiffCase;

/* Generated: the cases of one family. */
extern const DiffCase diff_cases[];
extern const unsigned diff_case_count;
/* Generated: where a faulting case resumes (restores rsp, returns). */
extern void diff_recover(void);

/* The memory window's starting contents for a case: xorshift64*. */
static inline void diff_fill_mem(uint8_t *mem, uint64_t seed)
{
    uint64_t x = seed | 1;
    for (int i = 0; i < DIFF_MEM_SIZE; i += 8) {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        uint64_t v = x * 0x2545F4914F6CDD1DULL;
        for (int b = 0; b < 8; b++) {
            mem[i + b] = v >> (8 * b);
        }
    }
}

/* Generated glue: runs fn with the callee-saved registers preserved. */
void diff_call(void (*fn)(void));

/* One case, the same on both sides: load its state, run it, collect the
 * result. The runner includes a memcpy (libc on the host, the guest
 * runtime's in the guest). */
static inline void diff_run_case(DiffState *st, const DiffCase *c,
                                 DiffResult *r)
{
    memcpy(st->in, c->in, sizeof(st->in));
    st->in_flags = c->in_flags;
    st->vector = ~0ULL;
    diff_fill_mem(st->mem, c->mem_seed);
    memcpy(st->in_fx, c->fx, sizeof(st->in_fx));
    /* FXSAVE leaves reserved bytes alone: start both sides equal */
    memset(st->out_fx, 0, sizeof(st->out_fx));
    memset(st->out_xs, 0, sizeof(st->out_xs));
    if (c->ymmh) {
        /* standard format, XSTATE_BV = x87 | SSE | AVX */
        memset(st->in_xs, 0, sizeof(st->in_xs));
        memcpy(st->in_xs, c->fx, DIFF_FX_SIZE);
        st->in_xs[512] = 7;
        memcpy(st->in_xs + 576, c->ymmh, DIFF_YMMH_SIZE);
    }
    diff_call(c->fn);
    memcpy(r->regs, st->out, sizeof(r->regs));
    r->flags = st->out_flags;
    r->vector = st->vector;
    memcpy(r->mem, st->mem, sizeof(r->mem));
    memcpy(r->fx, st->out_fx, sizeof(r->fx));
    /* XSTATE_BV bit 2 clear: the YMM upper halves are all zero, and the
     * CPU may not have written them */
    if (st->out_xs[512] & 4) {
        memcpy(r->ymmh, st->out_xs + 576, sizeof(r->ymmh));
    } else {
        memset(r->ymmh, 0, sizeof(r->ymmh));
    }
}

#endif
