/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86-64 instruction encoding for the back end: prefixes, REX/VEX,
 * ModRM/SIB addressing, and the handful of instruction shapes the code
 * generator uses. Written from the Intel SDM vol. 2 encoding rules.
 */
#ifndef KEMU_TCG_X86_64_EMIT_H
#define KEMU_TCG_X86_64_EMIT_H

#include <string.h>
#include "tcg/tcg.h"

enum {
    R_RAX, R_RCX, R_RDX, R_RBX, R_RSP, R_RBP, R_RSI, R_RDI,
    R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15,
};

#define R_ENV  R_R14     /* env, callee-saved, for the whole block */
#define R_TMP0 R_R11     /* scratch, never allocated */
#define R_TMP1 R_R10

/* opcode flags above the opcode byte */
#define P_EXT    0x100       /* 0F */
#define P_EXT38  0x200       /* 0F 38 */
#define P_EXT3A  0x400       /* 0F 3A */
#define P_DATA16 0x800       /* 66 */
#define P_REXW   0x1000      /* 64-bit operand */
#define P_BYTE_R 0x2000      /* reg field is a byte register */
#define P_BYTE_M 0x4000      /* r/m field is a byte register */
#define P_F3     0x8000
#define P_F2     0x10000

/* opcodes */
#define OPC_ARITH_GvEv  0x03          /* op r, r/m (| op << 3) */
#define OPC_ARITH_EvIz  0x81
#define OPC_ARITH_EvIb  0x83
#define OPC_MOVL_EvGv   0x89          /* store */
#define OPC_MOVB_EvGv   (0x88 | P_BYTE_R)
#define OPC_MOVL_GvEv   0x8b          /* load */
#define OPC_MOVL_EvIz   0xc7
#define OPC_MOVB_EvIb   0xc6
#define OPC_LEA         0x8d
#define OPC_MOVZBL      (0xb6 | P_EXT)
#define OPC_MOVZWL      (0xb7 | P_EXT)
#define OPC_MOVSBL      (0xbe | P_EXT)
#define OPC_MOVSWL      (0xbf | P_EXT)
#define OPC_MOVSLQ      (0x63 | P_REXW)
#define OPC_IMUL_GvEv   (0xaf | P_EXT)
#define OPC_IMUL_GvEvIb 0x6b
#define OPC_IMUL_GvEvIz 0x69
#define OPC_GRP3_Ev     0xf7          /* /2 not /3 neg /4 mul /5 imul */
#define OPC_TESTL       0x85
#define OPC_SHIFT_Ib    0xc1
#define OPC_SHIFT_cl    0xd3
#define OPC_SHIFT_1     0xd1
#define OPC_BSF         (0xbc | P_EXT)
#define OPC_BSR         (0xbd | P_EXT)
#define OPC_TZCNT       (0xbc | P_EXT | P_F3)
#define OPC_LZCNT       (0xbd | P_EXT | P_F3)
#define OPC_POPCNT      (0xb8 | P_EXT | P_F3)
#define OPC_BSWAP       (0xc8 | P_EXT)
#define OPC_SETCC       (0x90 | P_EXT | P_BYTE_M)
#define OPC_CMOVCC      (0x40 | P_EXT)
#define OPC_JCC_long    (0x80 | P_EXT)
#define OPC_JCC_short   0x70
#define OPC_JMP_long    0xe9
#define OPC_JMP_short   0xeb
#define OPC_CALL_Jz     0xe8
#define OPC_GRP5        0xff          /* /2 call, /4 jmp */
#define OPC_PUSH_r      0x50
#define OPC_POP_r       0x58
#define OPC_RET         0xc3
#define OPC_MOVL_Iv     0xb8

enum { ARITH_ADD = 0, ARITH_OR = 1, ARITH_AND = 4, ARITH_SUB = 5,
       ARITH_XOR = 6, ARITH_CMP = 7 };
enum { SHIFT_ROL = 0, SHIFT_ROR = 1, SHIFT_SHL = 4, SHIFT_SHR = 5,
       SHIFT_SAR = 7 };
enum { EXT3_NOT = 2, EXT3_NEG = 3, EXT3_MUL = 4, EXT3_IMUL = 5 };

/* x86 condition codes */
enum { JCC_JO, JCC_JNO, JCC_JB, JCC_JAE, JCC_JE, JCC_JNE, JCC_JBE, JCC_JA,
       JCC_JS, JCC_JNS, JCC_JP, JCC_JNP, JCC_JL, JCC_JGE, JCC_JLE, JCC_JG };

static inline void out8(TCGContext *s, uint8_t v)
{
    *s->code_ptr++ = v;
}

static inline void out32(TCGContext *s, uint32_t v)
{
    memcpy(s->code_ptr, &v, 4);
    s->code_ptr += 4;
}

static inline void out64(TCGContext *s, uint64_t v)
{
    memcpy(s->code_ptr, &v, 8);
    s->code_ptr += 8;
}

/* Prefixes, REX and opcode bytes; r, rm, x are the register numbers that
 * go into ModRM.reg, ModRM.rm/base and SIB.index (or -1/0 if unused). */
static inline void emit_opc(TCGContext *s, int opc, int r, int rm, int x)
{
    int rex = 0;
    if (opc & P_DATA16) {
        out8(s, 0x66);
    }
    if (opc & P_F3) {
        out8(s, 0xf3);
    } else if (opc & P_F2) {
        out8(s, 0xf2);
    }
    rex |= (opc & P_REXW) ? 8 : 0;
    rex |= (r & 8) >> 1;
    rex |= (x & 8) >> 2;
    rex |= (rm & 8) >> 3;
    /* spl/bpl/sil/dil need a REX prefix to be encodable */
    bool need = ((opc & P_BYTE_R) && r >= 4) || ((opc & P_BYTE_M) && rm >= 4);
    if (rex || need) {
        out8(s, 0x40 | rex);
    }
    if (opc & (P_EXT | P_EXT38 | P_EXT3A)) {
        out8(s, 0x0f);
        if (opc & P_EXT38) {
            out8(s, 0x38);
        } else if (opc & P_EXT3A) {
            out8(s, 0x3a);
        }
    }
    out8(s, opc & 0xff);
}

/* op reg, reg (ModRM mod=3) */
static inline void emit_modrm(TCGContext *s, int opc, int r, int rm)
{
    emit_opc(s, opc, r, rm, 0);
    out8(s, 0xc0 | ((r & 7) << 3) | (rm & 7));
}

/* op reg, [base + index*(1 << shift) + disp]; index -1 for none */
static inline void emit_modrm_sib(TCGContext *s, int opc, int r, int base,
                                  int index, int shift, int32_t disp)
{
    emit_opc(s, opc, r, base, index < 0 ? 0 : index);
    int mod;
    if (disp == 0 && (base & 7) != R_RBP) {
        mod = 0;
    } else if (disp == (int8_t)disp) {
        mod = 0x40;
    } else {
        mod = 0x80;
    }
    if (index < 0 && (base & 7) != R_RSP) {
        out8(s, mod | ((r & 7) << 3) | (base & 7));
    } else {
        int idx = index < 0 ? 4 : (index & 7);
        out8(s, mod | ((r & 7) << 3) | 4);
        out8(s, (shift << 6) | (idx << 3) | (base & 7));
    }
    if (mod == 0x40) {
        out8(s, disp);
    } else if (mod == 0x80) {
        out32(s, disp);
    }
}

static inline void emit_modrm_off(TCGContext *s, int opc, int r, int base,
                                  int32_t disp)
{
    emit_modrm_sib(s, opc, r, base, -1, 0, disp);
}

/* op reg, [rip + (target - end of insn)]; 'extra' immediate bytes follow */
static inline void emit_modrm_rip(TCGContext *s, int opc, int r,
                                  const void *target, int extra)
{
    emit_opc(s, opc, r, 0, 0);
    out8(s, 0x05 | ((r & 7) << 3));
    intptr_t d = (intptr_t)target - (intptr_t)(s->code_ptr + 4 + extra);
    out32(s, (int32_t)d);
}

/*
 * VEX (3-byte form): op reg, vvvv, rm. map 1 = 0F, 2 = 0F38, 3 = 0F3A;
 * pp 0 = none, 1 = 66, 2 = F3, 3 = F2.
 */
static inline void emit_vex_modrm(TCGContext *s, int map, int pp, bool w,
                                  int op, int r, int v, int rm)
{
    out8(s, 0xc4);
    out8(s, ((~r & 8) << 4) | 0x40 | ((~rm & 8) << 2) | map);
    out8(s, (w ? 0x80 : 0) | ((~v & 15) << 3) | pp);
    out8(s, op);
    out8(s, 0xc0 | ((r & 7) << 3) | (rm & 7));
}

static inline int rexw(TCGType type)
{
    return type == TCG_TYPE_I64 ? P_REXW : 0;
}

static inline void emit_mov(TCGContext *s, TCGType type, int dst, int src)
{
    if (dst != src) {
        /* a 32-bit move also clears the upper half, as I32 wants */
        emit_modrm(s, OPC_MOVL_GvEv | rexw(type), dst, src);
    }
}

static inline void emit_movi(TCGContext *s, TCGType type, int r, int64_t v)
{
    if (type == TCG_TYPE_I32) {
        v = (uint32_t)v;
    }
    if (v == 0) {
        emit_modrm(s, (OPC_ARITH_GvEv + (ARITH_XOR << 3)), r, r);
    } else if ((uint64_t)v <= 0xffffffffu) {
        emit_opc(s, OPC_MOVL_Iv + (r & 7), 0, r, 0);
        out32(s, v);
    } else if (v == (int32_t)v) {
        emit_modrm(s, OPC_MOVL_EvIz | P_REXW, 0, r);
        out32(s, v);
    } else {
        emit_opc(s, (OPC_MOVL_Iv + (r & 7)) | P_REXW, 0, r, 0);
        out64(s, v);
    }
}

/* The same without touching the flags (no xor for zero). */
static inline void emit_movi_keepflags(TCGContext *s, TCGType type, int r,
                                       int64_t v)
{
    if (v == 0 || (type == TCG_TYPE_I32 && (uint32_t)v == 0)) {
        emit_opc(s, OPC_MOVL_Iv + (r & 7), 0, r, 0);
        out32(s, 0);
    } else {
        emit_movi(s, type, r, v);
    }
}

/* op r, imm with the short form when the immediate fits a byte */
static inline void emit_arithi(TCGContext *s, int arith, TCGType type, int r,
                               int32_t imm)
{
    if (imm == (int8_t)imm) {
        emit_modrm(s, OPC_ARITH_EvIb | rexw(type), arith, r);
        out8(s, imm);
    } else {
        emit_modrm(s, OPC_ARITH_EvIz | rexw(type), arith, r);
        out32(s, imm);
    }
}

static inline void emit_arith(TCGContext *s, int arith, TCGType type, int r,
                              int rm)
{
    emit_modrm(s, (OPC_ARITH_GvEv + (arith << 3)) | rexw(type), r, rm);
}

static inline void emit_shifti(TCGContext *s, int kind, TCGType type, int r,
                               int n)
{
    if (n == 1) {
        emit_modrm(s, OPC_SHIFT_1 | rexw(type), kind, r);
    } else {
        emit_modrm(s, OPC_SHIFT_Ib | rexw(type), kind, r);
        out8(s, n);
    }
}

static inline void emit_ld(TCGContext *s, TCGType type, int r, int base,
                           int32_t off)
{
    emit_modrm_off(s, OPC_MOVL_GvEv | rexw(type), r, base, off);
}

static inline void emit_st(TCGContext *s, TCGType type, int r, int base,
                           int32_t off)
{
    emit_modrm_off(s, OPC_MOVL_EvGv | rexw(type), r, base, off);
}

static inline void emit_push(TCGContext *s, int r)
{
    emit_opc(s, OPC_PUSH_r + (r & 7), 0, r, 0);
}

static inline void emit_pop(TCGContext *s, int r)
{
    emit_opc(s, OPC_POP_r + (r & 7), 0, r, 0);
}

/* jmp/call to an absolute host address */
static inline void emit_jmp_call(TCGContext *s, bool call, const void *dst)
{
    intptr_t d = (intptr_t)dst - (intptr_t)(s->code_ptr + 5);
    if (d == (int32_t)d) {
        out8(s, call ? OPC_CALL_Jz : OPC_JMP_long);
        out32(s, d);
    } else {
        emit_movi(s, TCG_TYPE_I64, R_TMP0, (intptr_t)dst);
        emit_modrm(s, OPC_GRP5, call ? 2 : 4, R_TMP0);
    }
}

#endif
