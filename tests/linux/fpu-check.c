/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runs inside a Linux guest and on the host: x87 and MMX work whose
 * results must be bit-identical on both (the host CPU is the oracle).
 * Prints "FPUSUM=<hash>" over glibc's long double (x87) maths under
 * every rounding mode and MMX arithmetic, "FPU_SIGFPE_OK" when an
 * unmasked x87 divide-by-zero arrives as SIGFPE/FPE_FLTDIV (#MF), and
 * "FPU_SWITCH_OK" when two processes keep their own x87 stack, control
 * word and MMX registers across context switches.
 */
#define _GNU_SOURCE
#include <fenv.h>
#include <math.h>
#include <mmintrin.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static uint64_t hash = 0xcbf29ce484222325ull;

static void mix(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        hash = (hash ^ b[i]) * 0x100000001b3ull;
    }
}

static void mix_ld(long double v)
{
    mix(&v, 10);
}

static void maths(void)
{
    static const int modes[] = { FE_TONEAREST, FE_DOWNWARD, FE_UPWARD,
                                 FE_TOWARDZERO };
    volatile long double xs[] = { 0.5L, 1.0L, -2.75L, 3.14159265358979L,
                                  1e-300L, 1e300L, 12345.678L, -0.0L,
                                  0x1p-16400L, 7.0L / 3.0L };
    char buf[64];

    for (unsigned m = 0; m < 4; m++) {
        fesetround(modes[m]);
        for (unsigned i = 0; i < sizeof(xs) / sizeof(xs[0]); i++) {
            long double x = xs[i];
            mix_ld(sinl(x));
            mix_ld(cosl(x));
            mix_ld(tanl(x));
            mix_ld(atan2l(x, 0.75L));
            mix_ld(expl(x / 100));
            mix_ld(logl(fabsl(x) + 1e-5L));
            mix_ld(sqrtl(fabsl(x)));
            mix_ld(powl(fabsl(x) + 0.5L, 1.5L));
            mix_ld(fmodl(x, 0.3L));
            mix_ld(remainderl(x, 0.3L));
            mix_ld(rintl(x * 3));
            mix_ld(x / 7 * 3 - x);
            mix_ld((long double)(long long)(x * 1e6L));
            snprintf(buf, sizeof(buf), "%.20Lg", x * 1.1L);
            mix(buf, strlen(buf));
            mix_ld(strtold(buf, NULL));
        }
    }
    fesetround(FE_TONEAREST);
}

static void mmx(void)
{
    __m64 a = _mm_set_pi16(0x7fff, -3, 1000, -32768);
    __m64 b = _mm_set_pi16(2, 0x4000, -1000, 5);

    for (int i = 0; i < 50; i++) {
        __m64 c = _mm_adds_pi16(a, b);
        __m64 d = _mm_mulhi_pi16(c, b);
        __m64 e = _mm_packs_pi16(c, d);
        __m64 f = _mm_unpackhi_pi8(e, a);
        a = _mm_xor_si64(_mm_srli_pi32(f, 3), _mm_madd_pi16(d, b));
        b = _mm_sub_pi8(_mm_cmpgt_pi16(a, b), e);
        mix(&a, 8);
        mix(&b, 8);
    }
    _mm_empty();
}

static sigjmp_buf jb;
static volatile int fpe_code;

static void on_fpe(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    fpe_code = si->si_code;
    siglongjmp(jb, 1);
}

static void sigfpe(void)
{
    struct sigaction sa;
    volatile long double zero = 0.0L, r;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fpe;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGFPE, &sa, NULL);
    if (!sigsetjmp(jb, 1)) {
        feenableexcept(FE_DIVBYZERO);
        r = 1.0L / zero;        /* pending #Z: #MF at the next x87 insn */
        r = r + 1;
        printf("no SIGFPE (r=%Lg)\n", r);
        return;
    }
    fedisableexcept(FE_ALL_EXCEPT);
    if (fpe_code == FPE_FLTDIV) {
        printf("FPU_SIGFPE_OK\n");
    } else {
        printf("SIGFPE with si_code %d\n", fpe_code);
    }
}

/* x87 stack, FCW and MM registers survive while the other process runs */
static int switch_check(long double seed)
{
    uint16_t cw = 0x0b7f, cw2 = 0;
    long double in[3] = { seed, 3.0L, seed / 7 }, out[3];
    uint64_t mm_in = 0x0123456789abcdefull ^ (uint64_t)(seed * 1000),
             mm_out = 0;

    __asm__ volatile("fldcw %0\n\t"
                     "fldt %1\n\t"
                     "fldt %2\n\t"
                     "fldt %3\n\t"
                     : : "m"(cw), "m"(in[0]), "m"(in[1]), "m"(in[2]));
    for (int i = 0; i < 200; i++) {
        sched_yield();
    }
    __asm__ volatile("fstpt %0\n\t"
                     "fstpt %1\n\t"
                     "fstpt %2\n\t"
                     "fnstcw %3\n\t"
                     : "=m"(out[2]), "=m"(out[1]), "=m"(out[0]), "=m"(cw2));
    __asm__ volatile("movq %1, %%mm5\n\t" : : "m"(mm_out), "m"(mm_in));
    for (int i = 0; i < 200; i++) {
        sched_yield();
    }
    __asm__ volatile("movq %%mm5, %0\n\temms" : "=m"(mm_out));
    cw = 0x037f;
    __asm__ volatile("fldcw %0" : : "m"(cw));
    for (int i = 0; i < 3; i++) {
        if (memcmp(&in[i], &out[i], 10)) {      /* past 10: padding */
            return 0;
        }
    }
    return cw2 == 0x0b7f &&
           mm_out == mm_in;
}

int main(void)
{
    pid_t pid;
    int st, ok;

    maths();
    mmx();
    printf("FPUSUM=%016llx\n", (unsigned long long)hash);
    fflush(stdout);
    sigfpe();
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        _exit(switch_check(2.5L) ? 0 : 1);
    }
    ok = switch_check(-11.25L);
    waitpid(pid, &st, 0);
    if (ok && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
        printf("FPU_SWITCH_OK\n");
    } else {
        printf("x87/MMX state lost across a context switch\n");
    }
    return 0;
}
