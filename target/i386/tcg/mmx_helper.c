/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MMX arithmetic. Like the x87 (fpu_helper.c), the exact implementation
 * is the host's own MMX unit: one stub per opcode runs
 *   movq (%rdi), %mm0; OP (%rsi), %mm0; movq %mm0, (%rdi); emms
 * on the destination's value and an 8-byte source buffer. EMMS leaves
 * the host x87 as the ABI wants it between calls (every register empty;
 * FCW untouched). The few ops with an immediate or a GPR are C below.
 *
 * MMX register i is the mantissa of physical x87 register i. Every MMX
 * instruction (EMMS aside) first sets TOP to 0, so that MMi is ST(i)
 * (env->fpregs[i]), and tags every register valid; a write sets the
 * register's exponent field to all ones.
 */
#include "util/osdep.h"
#include "target/i386/tcg/tcg-cpu.h"
#include "target/i386/tcg/x87.h"
#include "target/i386/tcg/mmx-ops.h"

#define X(o) "," #o
__asm__(
    "    .pushsection .text\n"
    "    .p2align 4\n"
    "    .globl mmx_stubs\n"
    "    .hidden mmx_stubs\n"
    "mmx_stubs:\n"
    "    .irp op" MMX_0F_OPS "\n"
    "    .p2align 4\n"
    "    movq (%rdi), %mm0\n"
    "    .byte 0x0f, \\op, 0x06\n"
    "    movq %mm0, (%rdi)\n"
    "    emms\n"
    "    ret\n"
    "    .endr\n"
    "    .irp op" MMX_0F38_OPS "\n"
    "    .p2align 4\n"
    "    movq (%rdi), %mm0\n"
    "    .byte 0x0f, 0x38, \\op, 0x06\n"
    "    movq %mm0, (%rdi)\n"
    "    emms\n"
    "    ret\n"
    "    .endr\n"
    "    .popsection\n");
#undef X

extern const char mmx_stubs[] __attribute__((visibility("hidden")));
typedef void MMXStub(uint64_t *dst, const uint64_t *src);

void helper_mmx_enter(CPUX86State *env)
{
    x87_check_pending(env, GETPC());
    x87_set_top(env, 0);
    env->fptag_abridged = 0xff;
}

void helper_emms(CPUX86State *env)
{
    /* TOP is 0 afterwards too, as on the hardware we compare with */
    helper_mmx_enter(env);
    env->fptag_abridged = 0;
}

static uint64_t mmx_c_op(unsigned op, uint64_t d, uint64_t s)
{
    unsigned imm = (op >> 8) & 0xff;
    uint64_t r = 0;

    switch (op & 0xff) {
    case MMX_C_PSHUFW:
        for (int i = 0; i < 4; i++) {
            r |= ((s >> (16 * ((imm >> (2 * i)) & 3))) & 0xffff) << (16 * i);
        }
        return r;
    case MMX_C_PALIGNR:
        /* the 16 bytes dst:src shifted right by imm bytes, low 8 kept */
        if (imm >= 16) {
            return 0;
        }
        if (imm >= 8) {
            return (imm == 8) ? d : d >> (8 * (imm - 8));
        }
        return imm ? (s >> (8 * imm)) | (d << (64 - 8 * imm)) : s;
    case MMX_C_PINSRW:
        imm &= 3;
        return (d & ~(0xffffull << (16 * imm))) |
               ((s & 0xffff) << (16 * imm));
    default:
        g_assert_not_reached();
    }
}

void helper_mmx_op(CPUX86State *env, uint32_t op, uint32_t dst,
                   uint64_t src)
{
    uint64_t d, sv = src;

    helper_mmx_enter(env);
    /* a register source (bit 16, number in bits 17-19) is read after
     * TOP became 0 */
    if (op & MMX_SRC_REG) {
        sv = env->fpregs[(op >> 17) & 7].mant;
    }
    d = env->fpregs[dst & 7].mant;
    if (op & MMX_C_OP) {
        d = mmx_c_op(op & 0xffff, d, sv);
    } else {
        ((MMXStub *)(uintptr_t)(mmx_stubs + 16 * (op & 0xff)))(&d, &sv);
    }
    env->fpregs[dst & 7].mant = d;
    env->fpregs[dst & 7].exp = 0xffff;
}

void helper_maskmovq(CPUX86State *env, uint32_t regs, uint64_t addr,
                     uint32_t mmu_idx)
{
    uintptr_t ra = GETPC();
    uint64_t v, mask;

    helper_mmx_enter(env);
    v = env->fpregs[regs & 7].mant;
    mask = env->fpregs[(regs >> 4) & 7].mant;
    for (int i = 0; i < 8; i++) {
        if ((mask >> (8 * i + 7)) & 1) {
            cpu_st_mmu(env_cpu(env), addr + i, (v >> (8 * i)) & 0xff,
                       make_memop_idx(MO_8, mmu_idx), ra);
        }
    }
}

/*
 * The SSE conversions with an MM operand, on the host's unit with the
 * guest's MXCSR rounding/FTZ/DAZ and every exception masked there; the
 * flags go to the guest's MXCSR and an unmasked one is #XM (#UD without
 * CR4.OSXMMEXCPT) with the destination unchanged. kind: MMX_CVT_*.
 * Integer to FP: src is the 64-bit source, the result lands in XMM[x]
 * (low half for PS, all of it for PD). FP to integer: src/src_hi is the
 * source (XMM or memory), the result goes to MM[mm]. An MM register
 * operand makes the MMX transition first.
 */
void helper_mmx_cvt(CPUX86State *env, uint32_t kind, uint32_t regs,
                    uint64_t src, uint64_t src_hi)
{
    uintptr_t ra = GETPC();
    unsigned mm = regs & 7, x = (regs >> 4) & 15;
    uint32_t host, guest = (env->mxcsr & ~0x3fu) | 0x1f80, cur, unmasked;
    X86XMMReg xr = env->xmm[x];
    uint64_t in[2] = { src, src_hi }, out = 0;

    if ((kind & MMX_CVT_MM_SRC) || (kind & 0xff) > MMX_CVT_PI2PD) {
        helper_mmx_enter(env);
    }
    if (kind & MMX_CVT_MM_SRC) {
        in[0] = env->fpregs[mm].mant;
    }
    __asm__ volatile("stmxcsr %0" : "=m"(host));
    __asm__ volatile("ldmxcsr %0" : : "m"(guest));
    switch (kind & 0xff) {
    case MMX_CVT_PI2PS:
        __asm__ volatile("movq %1, %%mm0\n\tmovups %0, %%xmm0\n\t"
                         "cvtpi2ps %%mm0, %%xmm0\n\tmovups %%xmm0, %0\n\t"
                         "emms" : "+m"(xr) : "m"(in[0]) : "xmm0");
        break;
    case MMX_CVT_PI2PD:
        __asm__ volatile("movq %1, %%mm0\n\tcvtpi2pd %%mm0, %%xmm0\n\t"
                         "movups %%xmm0, %0\n\temms"
                         : "=m"(xr) : "m"(in[0]) : "xmm0");
        break;
    case MMX_CVT_PS2PI:
        __asm__ volatile("movups %1, %%xmm0\n\tcvtps2pi %%xmm0, %%mm0\n\t"
                         "movq %%mm0, %0\n\temms"
                         : "=m"(out) : "m"(in) : "xmm0");
        break;
    case MMX_CVT_TPS2PI:
        __asm__ volatile("movups %1, %%xmm0\n\tcvttps2pi %%xmm0, %%mm0\n\t"
                         "movq %%mm0, %0\n\temms"
                         : "=m"(out) : "m"(in) : "xmm0");
        break;
    case MMX_CVT_PD2PI:
        __asm__ volatile("movups %1, %%xmm0\n\tcvtpd2pi %%xmm0, %%mm0\n\t"
                         "movq %%mm0, %0\n\temms"
                         : "=m"(out) : "m"(in) : "xmm0");
        break;
    default:
        __asm__ volatile("movups %1, %%xmm0\n\tcvttpd2pi %%xmm0, %%mm0\n\t"
                         "movq %%mm0, %0\n\temms"
                         : "=m"(out) : "m"(in) : "xmm0");
        break;
    }
    __asm__ volatile("stmxcsr %0" : "=m"(cur));
    __asm__ volatile("ldmxcsr %0" : : "m"(host));
    unmasked = cur & 0x3f & ~(env->mxcsr >> 7);
    if (unmasked & 0x7) {
        /* an unmasked invalid/denormal/zero-divide stops the insn before
         * the result, so precision/overflow/underflow are not reported */
        cur &= 0x7;
    }
    env->mxcsr |= cur & 0x3f;
    if (unmasked) {
        raise_exception_ra(env, (env->cr[4] & (1u << 10)) ? EXCP13_XMM
                                                           : EXCP06_ILLOP,
                           ra);
    }
    if ((kind & 0xff) <= MMX_CVT_PI2PD) {
        env->xmm[x] = xr;
    } else {
        env->fpregs[mm].mant = out;
        env->fpregs[mm].exp = 0xffff;
    }
}
