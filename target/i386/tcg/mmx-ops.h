/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The MMX operations mmx_helper.c runs on the host's MMX unit, shared
 * with translate-mmx.c: X(opcode) lists, in stub order, of the 0F and
 * 0F 38 opcodes whose "OP mm, mm/m64" form takes no immediate.
 */
#ifndef KEMU_I386_TCG_MMX_OPS_H
#define KEMU_I386_TCG_MMX_OPS_H

#define MMX_0F_OPS \
    X(0x60) X(0x61) X(0x62) X(0x63) X(0x64) X(0x65) X(0x66) X(0x67) \
    X(0x68) X(0x69) X(0x6a) X(0x6b) X(0x74) X(0x75) X(0x76) \
    X(0xd1) X(0xd2) X(0xd3) X(0xd4) X(0xd5) X(0xd8) X(0xd9) X(0xda) \
    X(0xdb) X(0xdc) X(0xdd) X(0xde) X(0xdf) \
    X(0xe0) X(0xe1) X(0xe2) X(0xe3) X(0xe4) X(0xe5) X(0xe8) X(0xe9) \
    X(0xea) X(0xeb) X(0xec) X(0xed) X(0xee) X(0xef) \
    X(0xf1) X(0xf2) X(0xf3) X(0xf4) X(0xf5) X(0xf6) X(0xf8) X(0xf9) \
    X(0xfa) X(0xfb) X(0xfc) X(0xfd) X(0xfe)

#define MMX_0F38_OPS \
    X(0x00) X(0x01) X(0x02) X(0x03) X(0x04) X(0x05) X(0x06) X(0x07) \
    X(0x08) X(0x09) X(0x0a) X(0x0b) X(0x1c) X(0x1d) X(0x1e)

/* helper_mmx_op's op: a stub index, or one of these with MMX_C_OP and
 * the immediate in bits 8-15 */
#define MMX_C_PSHUFW    1
#define MMX_C_PALIGNR   2
#define MMX_C_PINSRW    3
#define MMX_C_OP        (1u << 20)
#define MMX_SRC_REG     (1u << 16)      /* source is MM((op >> 17) & 7) */

/* helper_mmx_cvt's kind */
#define MMX_CVT_PI2PS   0
#define MMX_CVT_PI2PD   1
#define MMX_CVT_PS2PI   2
#define MMX_CVT_TPS2PI  3
#define MMX_CVT_PD2PI   4
#define MMX_CVT_TPD2PI  5
#define MMX_CVT_MM_SRC  0x100       /* the source is MM[regs & 7] */

#endif
