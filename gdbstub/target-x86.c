/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86-64 register layout for gdb and its target description. One
 * layout in every CPU mode, as QEMU offers: gdb reads the description
 * once per connection and could not follow a guest that switches from
 * real mode to long mode.
 *
 * Numbers (the order of 'g', the n of 'p'/'P'):
 *   0-15 rax rbx rcx rdx rsi rdi rbp rsp r8-r15   (8 bytes)
 *   16 rip (8)   17 eflags (4)   18-23 cs ss ds es fs gs (4)
 *   24-26 fs_base gs_base k_gs_base (8)   27-32 cr0 cr2 cr3 cr4 cr8 efer (8)
 *   33-40 st0-st7 (10)   41-48 fctrl fstat ftag fiseg fioff foseg fooff fop (4)
 *   49-64 xmm0-xmm15 (16)   65 mxcsr (4)
 */
#include "gdbstub/internal.h"
#include "target/i386/cpu.h"

static const int gpr_map[16] = {
    R_EAX, R_EBX, R_ECX, R_EDX, R_ESI, R_EDI, R_EBP, R_ESP,
    8, 9, 10, 11, 12, 13, 14, 15,
};
static const int seg_map[6] = { R_CS, R_SS, R_DS, R_ES, R_FS, R_GS };

enum {
    GREG_RIP = 16, GREG_EFLAGS = 17, GREG_SEG = 18, GREG_FS_BASE = 24,
    GREG_GS_BASE = 25, GREG_KGS_BASE = 26, GREG_CR0 = 27, GREG_CR2 = 28,
    GREG_CR3 = 29, GREG_CR4 = 30, GREG_CR8 = 31, GREG_EFER = 32, GREG_ST0 = 33,
    GREG_FCTRL = 41, GREG_FSTAT, GREG_FTAG, GREG_FISEG, GREG_FIOFF, GREG_FOSEG,
    GREG_FOOFF, GREG_FOP, GREG_XMM0 = 49, GREG_MXCSR = 65,
};

int gdb_x86_reg_size(int n)
{
    if (n < 0 || n >= GDB_X86_NUM_REGS) {
        return 0;
    }
    if (n < 17 || (n >= GREG_FS_BASE && n <= GREG_EFER)) {
        return 8;
    }
    if (n >= GREG_ST0 && n < GREG_FCTRL) {
        return 10;
    }
    if (n >= GREG_XMM0 && n < GREG_MXCSR) {
        return 16;
    }
    return 4;
}

static void put64(uint8_t *b, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        b[i] = v >> (8 * i);
    }
}

static uint64_t get64(const uint8_t *b)
{
    uint64_t v = 0;

    for (int i = 7; i >= 0; i--) {
        v = v << 8 | b[i];
    }
    return v;
}

/* The full tag word from FXSAVE's abridged one: empty (11) or valid. */
static uint32_t full_ftag(uint8_t abridged)
{
    uint32_t tag = 0;

    for (int i = 0; i < 8; i++) {
        if (!(abridged & (1 << i))) {
            tag |= 3u << (2 * i);
        }
    }
    return tag;
}

static uint8_t abridged_ftag(uint32_t tag)
{
    uint8_t a = 0;

    for (int i = 0; i < 8; i++) {
        if (((tag >> (2 * i)) & 3) != 3) {
            a |= 1 << i;
        }
    }
    return a;
}

int gdb_x86_read_reg(CPUState *cpu, int n, uint8_t *buf)
{
    CPUX86State *env = &X86_CPU(cpu)->env;
    int size = gdb_x86_reg_size(n);
    uint64_t v;

    if (!size) {
        return 0;
    }
    if (n < 16) {
        v = env->regs[gpr_map[n]];
    } else if (n >= GREG_ST0 && n < GREG_FCTRL) {
        const X86FPReg *f = &env->fpregs[n - GREG_ST0];
        put64(buf, f->mant);
        buf[8] = f->exp;
        buf[9] = f->exp >> 8;
        return size;
    } else if (n >= GREG_XMM0 && n < GREG_MXCSR) {
        put64(buf, env->xmm[n - GREG_XMM0].q[0]);
        put64(buf + 8, env->xmm[n - GREG_XMM0].q[1]);
        return size;
    } else if (n >= GREG_SEG && n < GREG_SEG + 6) {
        v = env->segs[seg_map[n - GREG_SEG]].selector;
    } else {
        switch (n) {
        case GREG_RIP: v = env->rip; break;
        case GREG_EFLAGS: v = env->rflags; break;
        case GREG_FS_BASE: v = env->segs[R_FS].base; break;
        case GREG_GS_BASE: v = env->segs[R_GS].base; break;
        case GREG_KGS_BASE: v = env->kernelgsbase; break;
        case GREG_CR0: v = env->cr[0]; break;
        case GREG_CR2: v = env->cr[2]; break;
        case GREG_CR3: v = env->cr[3]; break;
        case GREG_CR4: v = env->cr[4]; break;
        case GREG_CR8: v = env->cr8; break;
        case GREG_EFER: v = env->efer; break;
        case GREG_FCTRL: v = env->fpuc; break;
        case GREG_FSTAT: v = env->fpus; break;
        case GREG_FTAG: v = full_ftag(env->fptag_abridged); break;
        /* FXSAVE64 keeps 64-bit pointers: the high half goes in *seg. */
        case GREG_FISEG: v = (env->fpip >> 32) & 0xffff; break;
        case GREG_FIOFF: v = (uint32_t)env->fpip; break;
        case GREG_FOSEG: v = (env->fpdp >> 32) & 0xffff; break;
        case GREG_FOOFF: v = (uint32_t)env->fpdp; break;
        case GREG_FOP: v = env->fpop; break;
        case GREG_MXCSR: v = env->mxcsr; break;
        default: return 0;
        }
    }
    if (size == 8) {
        put64(buf, v);
    } else {
        for (int i = 0; i < 4; i++) {
            buf[i] = v >> (8 * i);
        }
    }
    return size;
}

int gdb_x86_write_reg(CPUState *cpu, int n, const uint8_t *buf, size_t len)
{
    CPUX86State *env = &X86_CPU(cpu)->env;
    int size = gdb_x86_reg_size(n);
    uint64_t v;
    uint32_t v32;

    if (!size || len < (size_t)size) {
        return 0;
    }
    if (n >= GREG_ST0 && n < GREG_FCTRL) {
        X86FPReg *f = &env->fpregs[n - GREG_ST0];
        f->mant = get64(buf);
        f->exp = buf[8] | buf[9] << 8;
        goto done;
    }
    if (n >= GREG_XMM0 && n < GREG_MXCSR) {
        env->xmm[n - GREG_XMM0].q[0] = get64(buf);
        env->xmm[n - GREG_XMM0].q[1] = get64(buf + 8);
        goto done;
    }
    v = size == 8 ? get64(buf) : (uint64_t)(buf[0] | buf[1] << 8 |
                                            buf[2] << 16 | (uint32_t)buf[3] << 24);
    v32 = v;
    if (n < 16) {
        env->regs[gpr_map[n]] = v;
    } else if (n >= GREG_SEG && n < GREG_SEG + 6) {
        SegmentCache *sc = &env->segs[seg_map[n - GREG_SEG]];
        sc->selector = v32 & 0xffff;
        /* Outside protected mode the base follows the selector. */
        if (!(env->cr[0] & CR0_PE_MASK)) {
            sc->base = (uint64_t)sc->selector << 4;
        }
    } else {
        switch (n) {
        case GREG_RIP: env->rip = v; break;
        /* Bit 1 always reads as one. */
        case GREG_EFLAGS: env->rflags = (env->rflags & ~0xffffffffull) |
                                       v32 | 2; break;
        case GREG_FS_BASE: env->segs[R_FS].base = v; break;
        case GREG_GS_BASE: env->segs[R_GS].base = v; break;
        case GREG_KGS_BASE: env->kernelgsbase = v; break;
        case GREG_CR0: env->cr[0] = v; break;
        case GREG_CR2: env->cr[2] = v; break;
        case GREG_CR3: env->cr[3] = v; break;
        case GREG_CR4: env->cr[4] = v; break;
        case GREG_CR8: env->cr8 = v & 0xf; break;
        case GREG_EFER: env->efer = v; break;
        case GREG_FCTRL: env->fpuc = v32; break;
        case GREG_FSTAT: env->fpus = v32; break;
        case GREG_FTAG: env->fptag_abridged = abridged_ftag(v32); break;
        case GREG_FISEG:
            env->fpip = (env->fpip & 0xffffffffull) |
                        (uint64_t)(v32 & 0xffff) << 32;
            break;
        case GREG_FIOFF:
            env->fpip = (env->fpip & ~0xffffffffull) | v32;
            break;
        case GREG_FOSEG:
            env->fpdp = (env->fpdp & 0xffffffffull) |
                        (uint64_t)(v32 & 0xffff) << 32;
            break;
        case GREG_FOOFF:
            env->fpdp = (env->fpdp & ~0xffffffffull) | v32;
            break;
        case GREG_FOP: env->fpop = v32 & 0x7ff; break;
        case GREG_MXCSR: env->mxcsr = v32; break;
        default: return 0;
        }
    }
done:
    /* Legacy state is now newer than the XSAVE image: let the
     * accelerator rebuild it from the decoded fields. */
    if (n >= GREG_ST0) {
        env->xsave_buf_valid = false;
    }
    return size;
}

/*
 * The description. Register names and the feature names gdb's i386
 * support looks for (org.gnu.gdb.i386.core, .sse, .segments) are fixed
 * by gdb; regnum pins our numbering where features are not contiguous.
 */
static const char target_xml[] =
"<?xml version=\"1.0\"?>\n"
"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
"<target version=\"1.0\">\n"
"<architecture>i386:x86-64</architecture>\n"
"<feature name=\"org.gnu.gdb.i386.core\">\n"
"<flags id=\"kemu_eflags\" size=\"4\">"
"<field name=\"CF\" start=\"0\" end=\"0\"/>"
"<field name=\"\" start=\"1\" end=\"1\"/>"
"<field name=\"PF\" start=\"2\" end=\"2\"/>"
"<field name=\"AF\" start=\"4\" end=\"4\"/>"
"<field name=\"ZF\" start=\"6\" end=\"6\"/>"
"<field name=\"SF\" start=\"7\" end=\"7\"/>"
"<field name=\"TF\" start=\"8\" end=\"8\"/>"
"<field name=\"IF\" start=\"9\" end=\"9\"/>"
"<field name=\"DF\" start=\"10\" end=\"10\"/>"
"<field name=\"OF\" start=\"11\" end=\"11\"/>"
"<field name=\"NT\" start=\"14\" end=\"14\"/>"
"<field name=\"RF\" start=\"16\" end=\"16\"/>"
"<field name=\"VM\" start=\"17\" end=\"17\"/>"
"<field name=\"AC\" start=\"18\" end=\"18\"/>"
"<field name=\"VIF\" start=\"19\" end=\"19\"/>"
"<field name=\"VIP\" start=\"20\" end=\"20\"/>"
"<field name=\"ID\" start=\"21\" end=\"21\"/>"
"</flags>\n"
"<reg name=\"rax\" bitsize=\"64\" type=\"int64\" regnum=\"0\"/>\n"
"<reg name=\"rbx\" bitsize=\"64\" type=\"int64\"/>\n"
"<reg name=\"rcx\" bitsize=\"64\" type=\"int64\"/>\n"
"<reg name=\"rdx\" bitsize=\"64\" type=\"int64\"/>\n"
"<reg name=\"rsi\" bitsize=\"64\" type=\"int64\"/>\n"
"<reg name=\"rdi\" bitsize=\"64\" type=\"int64\"/>\n"
"<reg name=\"rbp\" bitsize=\"64\" type=\"data_ptr\"/>\n"
"<reg name=\"rsp\" bitsize=\"64\" type=\"data_ptr\"/>\n"
"<reg name=\"r8\" bitsize=\"64\" type=\"int64\"/>\n"
"<reg name=\"r9\" bitsize=\"64\" type=\"int64\"/>\n"
"<reg name=\"r10\" bitsize=\"64\" type=\"int64\"/>\n"
"<reg name=\"r11\" bitsize=\"64\" type=\"int64\"/>\n"
"<reg name=\"r12\" bitsize=\"64\" type=\"int64\"/>\n"
"<reg name=\"r13\" bitsize=\"64\" type=\"int64\"/>\n"
"<reg name=\"r14\" bitsize=\"64\" type=\"int64\"/>\n"
"<reg name=\"r15\" bitsize=\"64\" type=\"int64\"/>\n"
"<reg name=\"rip\" bitsize=\"64\" type=\"code_ptr\"/>\n"
"<reg name=\"eflags\" bitsize=\"32\" type=\"kemu_eflags\"/>\n"
"<reg name=\"cs\" bitsize=\"32\" type=\"int32\"/>\n"
"<reg name=\"ss\" bitsize=\"32\" type=\"int32\"/>\n"
"<reg name=\"ds\" bitsize=\"32\" type=\"int32\"/>\n"
"<reg name=\"es\" bitsize=\"32\" type=\"int32\"/>\n"
"<reg name=\"fs\" bitsize=\"32\" type=\"int32\"/>\n"
"<reg name=\"gs\" bitsize=\"32\" type=\"int32\"/>\n"
"<reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\" regnum=\"33\"/>\n"
"<reg name=\"st1\" bitsize=\"80\" type=\"i387_ext\"/>\n"
"<reg name=\"st2\" bitsize=\"80\" type=\"i387_ext\"/>\n"
"<reg name=\"st3\" bitsize=\"80\" type=\"i387_ext\"/>\n"
"<reg name=\"st4\" bitsize=\"80\" type=\"i387_ext\"/>\n"
"<reg name=\"st5\" bitsize=\"80\" type=\"i387_ext\"/>\n"
"<reg name=\"st6\" bitsize=\"80\" type=\"i387_ext\"/>\n"
"<reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\"/>\n"
"<reg name=\"fctrl\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
"<reg name=\"fstat\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
"<reg name=\"ftag\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
"<reg name=\"fiseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
"<reg name=\"fioff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
"<reg name=\"foseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
"<reg name=\"fooff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
"<reg name=\"fop\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
"</feature>\n"
"<feature name=\"org.gnu.gdb.i386.segments\">\n"
"<reg name=\"fs_base\" bitsize=\"64\" type=\"int64\" regnum=\"24\"/>\n"
"<reg name=\"gs_base\" bitsize=\"64\" type=\"int64\"/>\n"
"</feature>\n"
"<feature name=\"org.kemu.gdb.x86.sys\">\n"
"<reg name=\"k_gs_base\" bitsize=\"64\" type=\"int64\" regnum=\"26\" group=\"system\"/>\n"
"<reg name=\"cr0\" bitsize=\"64\" type=\"int64\" group=\"system\"/>\n"
"<reg name=\"cr2\" bitsize=\"64\" type=\"int64\" group=\"system\"/>\n"
"<reg name=\"cr3\" bitsize=\"64\" type=\"int64\" group=\"system\"/>\n"
"<reg name=\"cr4\" bitsize=\"64\" type=\"int64\" group=\"system\"/>\n"
"<reg name=\"cr8\" bitsize=\"64\" type=\"int64\" group=\"system\"/>\n"
"<reg name=\"efer\" bitsize=\"64\" type=\"int64\" group=\"system\"/>\n"
"</feature>\n"
"<feature name=\"org.gnu.gdb.i386.sse\">\n"
"<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n"
"<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>\n"
"<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>\n"
"<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>\n"
"<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>\n"
"<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>\n"
"<union id=\"vec128\">"
"<field name=\"v4_float\" type=\"v4f\"/>"
"<field name=\"v2_double\" type=\"v2d\"/>"
"<field name=\"v16_int8\" type=\"v16i8\"/>"
"<field name=\"v8_int16\" type=\"v8i16\"/>"
"<field name=\"v4_int32\" type=\"v4i32\"/>"
"<field name=\"v2_int64\" type=\"v2i64\"/>"
"<field name=\"uint128\" type=\"uint128\"/>"
"</union>\n"
"<flags id=\"kemu_mxcsr\" size=\"4\">"
"<field name=\"IE\" start=\"0\" end=\"0\"/>"
"<field name=\"DE\" start=\"1\" end=\"1\"/>"
"<field name=\"ZE\" start=\"2\" end=\"2\"/>"
"<field name=\"OE\" start=\"3\" end=\"3\"/>"
"<field name=\"UE\" start=\"4\" end=\"4\"/>"
"<field name=\"PE\" start=\"5\" end=\"5\"/>"
"<field name=\"DAZ\" start=\"6\" end=\"6\"/>"
"<field name=\"IM\" start=\"7\" end=\"7\"/>"
"<field name=\"DM\" start=\"8\" end=\"8\"/>"
"<field name=\"ZM\" start=\"9\" end=\"9\"/>"
"<field name=\"OM\" start=\"10\" end=\"10\"/>"
"<field name=\"UM\" start=\"11\" end=\"11\"/>"
"<field name=\"PM\" start=\"12\" end=\"12\"/>"
"<field name=\"FZ\" start=\"15\" end=\"15\"/>"
"</flags>\n"
"<reg name=\"xmm0\" bitsize=\"128\" type=\"vec128\" regnum=\"49\"/>\n"
"<reg name=\"xmm1\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm2\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm3\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm4\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm5\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm6\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm7\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm8\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm9\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm10\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm11\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm12\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm13\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm14\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"xmm15\" bitsize=\"128\" type=\"vec128\"/>\n"
"<reg name=\"mxcsr\" bitsize=\"32\" type=\"kemu_mxcsr\" group=\"vector\"/>\n"
"</feature>\n"
"</target>\n";

const char *gdb_x86_target_xml(void)
{
    return target_xml;
}
