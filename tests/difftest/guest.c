/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest side of the differential test: runs the generated cases
 * under the CPU being tested and writes one DiffResult per case to the
 * debug console (port 0xe9, -debugcon file:...). Exceptions 0-31 are
 * caught, recorded with the registers at the fault, and resumed at
 * diff_recover, as the host side does with signals.
 */
#include "guest.h"
#include "difftest.h"

static DiffState *const st = (DiffState *)DIFF_STATE_ADDR;
static int have_avx;            /* XSAVE with YMM enabled (-cpu max) */

static void on_exception(struct frame *f)
{
    const uint64_t regs[16] = {
        f->rax, f->rcx, f->rdx, f->rbx, f->rsp, f->rbp, f->rsi, f->rdi,
        f->r8, f->r9, f->r10, f->r11, f->r12, f->r13, f->r14, f->r15,
    };

    memcpy(st->out, regs, sizeof(regs));
    st->out_flags = f->rflags;
    st->vector = f->vec;
    /* nothing in the runtime touches x87/SSE state (general-regs-only) */
    __asm__ volatile("fxsave64 %0" : "=m"(st->out_fx));
    if (have_avx) {
        __asm__ volatile("xsave64 %0" : "=m"(st->out_xs) : "a"(7), "d"(0));
    }
    f->rip = (uint64_t)diff_recover;
    f->rflags &= ~0x400ULL;
}

static void emit(const void *p, size_t n)
{
    __asm__ volatile("rep outsb" : "+S"(p), "+c"(n) : "d"(0xe9) : "memory");
}

void guest_main(void)
{
    uint64_t cr;

    /* as Linux runs user code: x87 errors as #MF (NE), FWAIT honours TS
     * (MP), no emulation; SSE enabled with #XM for its exceptions */
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr));
    cr = (cr | 0x22) & ~0xcULL;
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr));
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr));
    cr |= 0x600;
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr));
    {
        /* with XSAVE and AVX, as Linux does: CR4.OSXSAVE, XCR0 = 7 */
        uint32_t a = 1, b, c = 0, d;
        __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
        if ((c & (1u << 26)) && (c & (1u << 28))) {
            cr |= 1u << 18;
            __asm__ volatile("mov %0, %%cr4" : : "r"(cr));
            __asm__ volatile("xsetbv" : : "a"(7), "d"(0), "c"(0));
            have_avx = 1;
        }
    }
    __asm__ volatile("fninit");
    for (int v = 0; v < 32; v++) {
        set_irq_handler(v, on_exception);
    }
    for (unsigned i = 0; i < diff_case_count; i++) {
        const DiffCase *c = &diff_cases[i];
        DiffResult r;

        diff_run_case(st, c, &r);
        emit(&r, sizeof(r));
    }
    printf("difftest: %u cases run\n", diff_case_count);
}
