/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The XSAVE feature set and the AVX enable rules, run with -cpu max:
 * #UD for XGETBV/XSAVE/VEX before CR4.OSXSAVE and for VEX while XCR0
 * lacks AVX, #GP for bad XSETBV values, #NM under CR0.TS, CPUID's
 * OSXSAVE mirror and leaf 0xd sizes, XSAVE/XSAVEC/XSAVEOPT images and
 * XRSTOR round trips, XINUSE through XGETBV(1), and XRSTOR refusing
 * hostile images (misaligned, bad headers, reserved MXCSR bits) with
 * the registers left as they were. */
#include "guest.h"

static volatile uint64_t resume, last_vec;
static uint8_t area[4096] __attribute__((aligned(64)));
static uint8_t ybuf[32] __attribute__((aligned(32)));

static void on_fault(struct frame *f)
{
    last_vec = f->vec;
    f->rip = resume;
}

/* Run one instruction (asm text) and return the vector it raised, or
 * ~0 when it completed. The instruction may use rcx/rdx/rax set from
 * a, d, c and the memory at m. */
#define RUN(insn, a_, d_, c_, m_) ({                                      \
    uint64_t _a = (a_), _d = (d_), _c = (c_);                             \
    last_vec = ~0ULL;                                                     \
    __asm__ volatile("lea 1f(%%rip), %%r11\n\tmov %%r11, %[r]\n\t"       \
                     insn "\n1:"                                          \
                     : "+a"(_a), "+d"(_d), "+c"(_c), [r] "=m"(resume)     \
                     : [m] "r"(m_) : "r11", "memory", "cc");              \
    last_vec;                                                             \
})

static uint64_t rd_cr(int n)
{
    uint64_t v;
    if (n == 0) {
        __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    } else {
        __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    }
    return v;
}

static void wr_cr(int n, uint64_t v)
{
    if (n == 0) {
        __asm__ volatile("mov %0, %%cr0" : : "r"(v));
    } else {
        __asm__ volatile("mov %0, %%cr4" : : "r"(v));
    }
}

static void cpuid_q(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]),
                     "=d"(r[3]) : "a"(leaf), "c"(sub));
}

static uint64_t q(const uint8_t *p, int off)
{
    uint64_t v;
    memcpy(&v, p + off, 8);
    return v;
}

static void setq(uint8_t *p, int off, uint64_t v)
{
    memcpy(p + off, &v, 8);
}

/* ymm1 := 32 bytes of pattern b; read back ymm1 into ybuf */
static void set_ymm1(uint8_t b)
{
    memset(ybuf, b, sizeof(ybuf));
    __asm__ volatile("vmovdqu (%0), %%ymm1" : : "r"(ybuf) : "memory");
}

static int ymm1_is(uint8_t b)
{
    memset(ybuf, 0x5a, sizeof(ybuf));
    __asm__ volatile("vmovdqu %%ymm1, (%0)" : : "r"(ybuf) : "memory");
    for (int i = 0; i < 32; i++) {
        if (ybuf[i] != b) {
            return 0;
        }
    }
    return 1;
}

void guest_main(void)
{
    uint32_t r[4];
    uint64_t v;

    for (int i = 0; i < 32; i++) {
        set_irq_handler(i, on_fault);
    }
    cpuid_q(1, 0, r);
    CHECK(r[2] & (1u << 26), "no XSAVE in CPUID (run with -cpu max)");
    CHECK(r[2] & (1u << 28), "no AVX in CPUID");
    CHECK(!(r[2] & (1u << 27)), "OSXSAVE set before CR4.OSXSAVE");
    wr_cr(4, rd_cr(4) | 0x600);                 /* OSFXSR, OSXMMEXCPT */

    /* before CR4.OSXSAVE: all #UD */
    CHECK(RUN("xgetbv", 0, 0, 0, area) == 6, "XGETBV without OSXSAVE");
    CHECK(RUN("xsave (%[m])", 7, 0, 0, area) == 6, "XSAVE without OSXSAVE");
    CHECK(RUN("vpxor %%xmm0, %%xmm0, %%xmm0", 0, 0, 0, area) == 6,
          "VEX without OSXSAVE");
    wr_cr(4, rd_cr(4) | (1u << 18));
    cpuid_q(1, 0, r);
    CHECK(r[2] & (1u << 27), "CPUID.1:ECX.OSXSAVE does not follow CR4");
    v = RUN("xgetbv", 0, 0, 0, area);
    CHECK(v == ~0ULL, "XGETBV(0) faulted: %d", (int)v);

    /* XCR0 = x87|SSE: VEX still #UD; bad XSETBV values #GP */
    CHECK(RUN("xsetbv", 3, 0, 0, area) == ~0ULL, "XSETBV 3");
    CHECK(RUN("vpxor %%xmm0, %%xmm0, %%xmm0", 0, 0, 0, area) == 6,
          "VEX with XCR0 = 3");
    CHECK(RUN("xsetbv", 7, 0, 1, area) == 13, "XSETBV ecx=1");
    CHECK(RUN("xsetbv", 6, 0, 0, area) == 13, "XSETBV without x87");
    CHECK(RUN("xsetbv", 5, 0, 0, area) == 13, "XSETBV AVX without SSE");
    CHECK(RUN("xsetbv", 0xf, 0, 0, area) == 13, "XSETBV unsupported bit");
    CHECK(RUN("xsetbv", 7, 1, 0, area) == 13, "XSETBV high bit");
    CHECK(RUN("xgetbv", 0, 0, 2, area) == 13, "XGETBV ecx=2");
    CHECK(RUN("xsetbv", 7, 0, 0, area) == ~0ULL, "XSETBV 7");

    /* leaf 0xd with XCR0 = 7: 576 + 256 both ways */
    cpuid_q(0xd, 0, r);
    CHECK(r[1] == 832, "CPUID[0xd,0].EBX %u", r[1]);
    CHECK((r[0] & 7) == 7, "CPUID[0xd,0].EAX %x", r[0]);
    cpuid_q(0xd, 1, r);
    CHECK((r[0] & 7) == 7, "CPUID[0xd,1].EAX %x", r[0]);
    CHECK(r[1] == 832, "CPUID[0xd,1].EBX %u", r[1]);
    cpuid_q(0xd, 2, r);
    CHECK(r[0] == 256 && r[1] == 576, "CPUID[0xd,2] %u@%u", r[0], r[1]);

    /* CR0.TS: VEX and XSAVE raise #NM */
    wr_cr(0, rd_cr(0) | 8);
    CHECK(RUN("vpxor %%xmm0, %%xmm0, %%xmm0", 0, 0, 0, area) == 7,
          "VEX under CR0.TS");
    CHECK(RUN("xsave (%[m])", 7, 0, 0, area) == 7, "XSAVE under CR0.TS");
    __asm__ volatile("clts");

    /* XSAVE / XRSTOR round trip of the YMM upper half */
    set_ymm1(0xa5);
    memset(area, 0, sizeof(area));
    CHECK(RUN("xsave (%[m])", 7, 0, 0, area) == ~0ULL, "XSAVE");
    CHECK((q(area, 512) & 6) == 6, "XSTATE_BV %x", (unsigned)q(area, 512));
    CHECK(q(area, 576 + 16) == 0xa5a5a5a5a5a5a5a5ULL, "YMM1 high in image");
    CHECK(q(area, 160 + 16) == 0xa5a5a5a5a5a5a5a5ULL, "XMM1 in image");
    __asm__ volatile("vzeroall");
    CHECK(ymm1_is(0), "VZEROALL");
    CHECK(RUN("xgetbv", 0, 0, 1, area) == ~0ULL, "XGETBV(1)");
    CHECK(RUN("xrstor (%[m])", 7, 0, 0, area) == ~0ULL, "XRSTOR");
    CHECK(ymm1_is(0xa5), "YMM1 after XRSTOR");

    /* XINUSE: after VZEROUPPER the AVX component is in its init state */
    __asm__ volatile("vzeroupper");
    {
        uint64_t a = 0, d = 0;
        __asm__ volatile("xgetbv" : "=a"(a), "=d"(d) : "c"(1));
        CHECK(!(a & 4), "XINUSE[2] after VZEROUPPER: %x", (unsigned)a);
    }
    memset(area, 0xee, sizeof(area));
    CHECK(RUN("xsaveopt (%[m])", 7, 0, 0, area) == ~0ULL, "XSAVEOPT");
    CHECK(!(q(area, 512) & 4), "XSAVEOPT XSTATE_BV %x", (unsigned)q(area, 512));

    /* XSAVEC: compacted header, YMM at 576 */
    set_ymm1(0x3c);
    memset(area, 0, sizeof(area));
    CHECK(RUN("xsavec (%[m])", 7, 0, 0, area) == ~0ULL, "XSAVEC");
    CHECK(q(area, 520) == 0x8000000000000007ULL, "XCOMP_BV %x",
          (unsigned)q(area, 520));
    CHECK(q(area, 576 + 16) == 0x3c3c3c3c3c3c3c3cULL, "XSAVEC YMM1");
    __asm__ volatile("vzeroall");
    CHECK(RUN("xrstor (%[m])", 7, 0, 0, area) == ~0ULL, "XRSTOR compacted");
    CHECK(ymm1_is(0x3c), "YMM1 after compacted XRSTOR");

    /* hostile images: #GP, and nothing changes */
    set_ymm1(0x77);
    memset(area, 0, sizeof(area));
    CHECK(RUN("xsave (%[m])", 7, 0, 0, area) == ~0ULL, "XSAVE 2");
    memset(area + 576, 0x11, 256);
    CHECK(RUN("xrstor (%[m])", 7, 0, 0, area + 16) == 13,
          "XRSTOR misaligned");
    setq(area, 512, 0x17);                         /* bit 4: not in XCR0 */
    CHECK(RUN("xrstor (%[m])", 7, 0, 0, area) == 13, "XRSTOR bad XSTATE_BV");
    setq(area, 512, 7);
    setq(area, 520, 4);                            /* standard: XCOMP_BV 0 */
    CHECK(RUN("xrstor (%[m])", 7, 0, 0, area) == 13, "XRSTOR XCOMP_BV");
    setq(area, 520, 0);
    setq(area, 528, 1);                            /* reserved header */
    CHECK(RUN("xrstor (%[m])", 7, 0, 0, area) == 13, "XRSTOR header");
    setq(area, 528, 0);
    setq(area, 520, 0x8000000000000003ULL);        /* compacted: AVX in BV */
    CHECK(RUN("xrstor (%[m])", 7, 0, 0, area) == 13,
          "XRSTOR XSTATE_BV not in XCOMP_BV");
    setq(area, 520, 0x8000000000000017ULL);        /* bit 4 not in XCR0 */
    CHECK(RUN("xrstor (%[m])", 7, 0, 0, area) == 13,
          "XRSTOR XCOMP_BV beyond XCR0");
    setq(area, 520, 0);
    v = q(area, 24);
    setq(area, 24, v | 0x10000);                   /* MXCSR reserved bit */
    CHECK(RUN("xrstor (%[m])", 7, 0, 0, area) == 13, "XRSTOR MXCSR");
    CHECK(ymm1_is(0x77), "YMM1 changed by a refused XRSTOR");
    setq(area, 24, v);
    /* a good one: XSTATE_BV without AVX initializes the upper halves */
    setq(area, 512, 3);
    CHECK(RUN("xrstor (%[m])", 7, 0, 0, area) == ~0ULL, "XRSTOR init AVX");
    memset(ybuf, 0x5a, sizeof(ybuf));
    __asm__ volatile("vmovdqu %%ymm1, (%0)" : : "r"(ybuf) : "memory");
    CHECK(q(ybuf, 16) == 0 && q(ybuf, 24) == 0 && q(ybuf, 0) ==
          0x7777777777777777ULL, "XRSTOR init of YMM");
    printf("xsave: ok\n");
}
