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
