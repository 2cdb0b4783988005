/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The native side of the differential test: runs the generated cases on
 * the host CPU, the oracle, and writes one DiffResult per case to stdout.
 * A case that faults is caught by a signal handler, which records the
 * vector (the kernel's trap number) and the registers at the fault, and
 * resumes at diff_recover, as the guest's exception handler does.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include "difftest.h"

static DiffState *st;

_Static_assert(offsetof(DiffState, mem) == 320, "gen.py knows this offset");
_Static_assert(offsetof(DiffState, saved_rsp) == 280, "gen.py knows this offset");
_Static_assert(offsetof(DiffState, in_fx) == 4416, "gen.py knows this offset");
_Static_assert(offsetof(DiffState, out_fx) == 4928, "gen.py knows this offset");
_Static_assert(offsetof(DiffState, runner_fx) == 5440, "gen.py knows this offset");
_Static_assert(offsetof(DiffState, in_xs) == 5952, "gen.py knows this offset");
_Static_assert(offsetof(DiffState, out_xs) == 6976, "gen.py knows this offset");

/* ucontext greg index for each hardware register number */
static const int greg_of[16] = {
    REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
    REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

static void on_fault(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    greg_t *g = uc->uc_mcontext.gregs;

    for (int i = 0; i < 16; i++) {
        st->out[i] = g[greg_of[i]];
    }
    st->out_flags = g[REG_EFL];
    st->vector = g[REG_TRAPNO];
    /* the x87/SSE state at the fault, in FXSAVE layout (the kernel's
     * bytes 464-511 are its own and are not compared) */
    if (uc->uc_mcontext.fpregs) {
        memcpy(st->out_fx, uc->uc_mcontext.fpregs, 416);
        /* Linux's signal frame is an XSAVE image when its software
         * bytes say so (FP_XSTATE_MAGIC1): the YMM state is at 576 */
        uint32_t magic;
        memcpy(&magic, (char *)uc->uc_mcontext.fpregs + 464, 4);
        if (magic == 0x46505853U) {
            memcpy(st->out_xs + 512, (char *)uc->uc_mcontext.fpregs + 512,
                   64 + DIFF_YMMH_SIZE);
        }
    }
    g[REG_RIP] = (greg_t)diff_recover;
    /* the guest handler runs with DF clear; so does the recovery here */
    g[REG_EFL] &= ~0x400;
}

int main(void)
{
    struct sigaction sa;

    st = mmap((void *)DIFF_STATE_ADDR, sizeof(DiffState),
              PROT_READ | PROT_WRITE,
              MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (st != (void *)DIFF_STATE_ADDR) {
        perror("difftest-host: mmap of the state block");
        return 1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);

    for (unsigned i = 0; i < diff_case_count; i++) {
        const DiffCase *c = &diff_cases[i];
        DiffResult r;

        diff_run_case(st, c, &r);
        fwrite(&r, sizeof(r), 1, stdout);
    }
    return fflush(stdout) ? 1 : 0;
}
