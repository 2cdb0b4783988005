/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x87 arithmetic on the host x87. The host is x86 too, so the exact
 * implementation of a guest x87 instruction is the same instruction run
 * on the host with the guest's x87 state loaded: a stub per encoding
 * does FXRSTOR of the guest state, the instruction (memory operand at
 * the host buffer in %rsi), FXSAVE and FNINIT. FXSAVE and FNINIT do not
 * wait, so an unmasked exception the instruction raises stays in the
 * saved status word (pending, as the guest must see it) and never traps
 * on the host. Results, C0-C3, tags, TOP, stack faults, the unmasked
 * exception rules (destination kept, no store) and the transcendental
 * instructions' results are therefore the hardware's, under the guest's
 * precision and rounding control.
 *
 * env->fpregs[i] is ST(i), the order of the FXSAVE image; the abridged
 * tag byte has one bit per physical register.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "target/i386/tcg/tcg-cpu.h"
#include "target/i386/tcg/x87.h"

/*
 * x87_stubs: 8 opcodes (D8-DF) x 72 stubs of 32 bytes: ModRM C0-FF (the
 * register forms), then /0-/7 with the operand at (%rsi). Each is
 *   rax = stub(fx image in rdi, operand buffer in rsi, rflags in rdx)
 * returning RFLAGS after the instruction (FCOMI) with the flags loaded
 * from rdx before it (FCMOVcc). Only encodings x87_valid_op() accepts
 * are ever called: the others raise #UD on the host too.
 */
__asm__(
    "    .pushsection .text\n"
    "    .p2align 5\n"
    "    .globl x87_stubs\n"
    "    .hidden x87_stubs\n"
    "x87_stubs:\n"
    "    .irp op, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf\n"
    "    .set x87_m, 0\n"
    "    .rept 72\n"
    "    .p2align 5\n"
    "    fxrstor64 (%rdi)\n"
    "    pushq %rdx\n"
    "    popfq\n"
    "    .if x87_m < 64\n"
    "    .byte \\op, 0xc0 + x87_m\n"
    "    .else\n"
    "    .byte \\op, ((x87_m - 64) << 3) | 6\n"
    "    .endif\n"
    "    pushfq\n"
    "    popq %rax\n"
    "    fxsave64 (%rdi)\n"
    "    fninit\n"
    "    ret\n"
    "    .set x87_m, x87_m + 1\n"
    "    .endr\n"
    "    .endr\n"
    "    .popsection\n");

extern const char x87_stubs[] __attribute__((visibility("hidden")));
typedef uint64_t X87Stub(void *fx, void *mem, uint64_t rflags);

#define RFLAGS_OSZAPC 0x8d5

/* Register forms the CPU runs, bit (modrm - 0xc0) per opcode; the rest
 * are #UD. Includes the undocumented aliases hardware executes (FSTP1,
 * FXCH4/7, FCOM2, FCOMP3/5, FSTP8/9, FFREEP, FNENI/FNDISI/FNSETPM). */
static const uint64_t x87_reg_valid[8] = {
    [0] = ~0ull,                                          /* D8 */
    [1] = ~(0xfeull << 16 | 0xccull << 32 | 1ull << 47),  /* D9 */
    [2] = 0xffffffffull | 1ull << 41,                     /* DA */
    [3] = ~(0xe0ull << 32 | 0xffull << 56),               /* DB */
    [4] = ~0ull,                                          /* DC */
    [5] = ~(0xffffull << 48),                             /* DD */
    [6] = ~(0xfdull << 24),                               /* DE */
    [7] = ~(0xfeull << 32 | 0xffull << 56),               /* DF */
};

/* Memory forms: operand bytes loaded or stored, by opcode and /reg.
 * 0 = not here (FLDENV/FNSTENV/FRSTOR/FNSAVE have their own helpers,
 * FNSTCW/FNSTSW are translated inline) or invalid. */
typedef struct X87MemOp {
    uint8_t size;
    bool store;
} X87MemOp;

static const X87MemOp x87_mem_ops[8][8] = {
    [0] = { {4}, {4}, {4}, {4}, {4}, {4}, {4}, {4} },
    [1] = { {4}, {0}, {4, true}, {4, true}, {0}, {2}, {0}, {0} },
    [2] = { {4}, {4}, {4}, {4}, {4}, {4}, {4}, {4} },
    [3] = { {4}, {4, true}, {4, true}, {4, true}, {0}, {10}, {0},
            {10, true} },
    [4] = { {8}, {8}, {8}, {8}, {8}, {8}, {8}, {8} },
    [5] = { {8}, {8, true}, {8, true}, {8, true}, {0}, {0}, {0}, {0} },
    [6] = { {2}, {2}, {2}, {2}, {2}, {2}, {2}, {2} },
    [7] = { {2}, {2, true}, {2, true}, {2, true}, {10}, {8}, {10, true},
            {8, true} },
};

bool x87_valid_op(unsigned op)
{
    unsigned opc = (op >> 8) & 7, modrm = op & 0xff;

    if (modrm >= 0xc0) {
        return (x87_reg_valid[opc] >> (modrm - 0xc0)) & 1;
    }
    return x87_mem_ops[opc][(modrm >> 3) & 7].size != 0;
}

bool x87_is_waiting(unsigned op)
{
    unsigned opc = (op >> 8) & 7, modrm = op & 0xff;

    if (modrm < 0xc0) {
        /* FNSTENV, FNSTCW, FNSAVE, FNSTSW */
        unsigned reg = (modrm >> 3) & 7;
        return !((opc == 1 || opc == 5) && reg >= 6);
    }
    /* FNENI, FNDISI, FNCLEX, FNINIT, FNSETPM; FNSTSW AX */
    return !((opc == 3 && modrm >= 0xe0 && modrm <= 0xe4) ||
             (opc == 7 && modrm == 0xe0));
}

void x87_set_top(CPUX86State *env, unsigned top)
{
    X86FPReg r[8];
    unsigned old = env->fpstt & 7;

    top &= 7;
    for (unsigned i = 0; i < 8; i++) {
        r[i] = env->fpregs[(top + i - old) & 7];
    }
    memcpy(env->fpregs, r, sizeof(r));
    env->fpstt = top;
}

void helper_fninit(CPUX86State *env)
{
    x87_set_top(env, 0);
    env->fpuc = 0x37f;
    env->fpus = 0;
    env->fptag_abridged = 0;
    env->fpop = 0;
    env->fpip = 0;
    env->fpdp = 0;
}

void x87_update_es(CPUX86State *env)
{
    if (env->fpus & ~env->fpuc & FSW_EXC) {
        env->fpus |= FSW_ES | FSW_B;
    } else {
        env->fpus &= ~(FSW_ES | FSW_B);
    }
}

void x87_check_pending(CPUX86State *env, uintptr_t ra)
{
    if (!(env->fpus & ~env->fpuc & FSW_EXC)) {
        return;
    }
    if (env->cr[0] & CR0_NE_MASK) {
        raise_exception_ra(env, EXCP10_COPR, ra);
    }
    /* CR0.NE clear: the PC's FERR#/IRQ13 path is not wired; carry on as
     * with IGNNE# asserted, which is what DOS-era handlers arrange */
    kemu_log_mask(LOG_UNIMP, "x87: unmasked exception with CR0.NE=0 "
                  "(FERR#/IRQ13 not modelled), ignored\n");
}

void helper_fwait(CPUX86State *env)
{
    x87_check_pending(env, GETPC());
}

/* Guest memory, byte by byte after probing every page it touches, so a
 * fault leaves the x87 state and memory untouched. */
static void x87_probe(CPUX86State *env, uint64_t addr, unsigned len,
                      MMUAccessType acc, int mmu_idx, uintptr_t ra)
{
    CPUState *cs = env_cpu(env);
    uint64_t end = addr + len - 1;
    unsigned first = MIN(len, TARGET_PAGE_SIZE - (addr & ~TARGET_PAGE_MASK));

    probe_access(cs, addr, (int)first, acc, mmu_idx, ra);
    if (first < len) {
        probe_access(cs, end & TARGET_PAGE_MASK, (int)(len - first), acc,
                     mmu_idx, ra);
    }
}

void x87_mem_read(CPUX86State *env, uint64_t addr, uint8_t *buf,
                  unsigned len, int mmu_idx, uintptr_t ra)
{
    x87_probe(env, addr, len, MMU_DATA_LOAD, mmu_idx, ra);
    for (unsigned i = 0; i < len; i++) {
        buf[i] = cpu_ld_mmu(env_cpu(env), addr + i,
                            make_memop_idx(MO_8, mmu_idx), ra);
    }
}

void x87_mem_write(CPUX86State *env, uint64_t addr, const uint8_t *buf,
                   unsigned len, int mmu_idx, uintptr_t ra)
{
    x87_probe(env, addr, len, MMU_DATA_STORE, mmu_idx, ra);
    for (unsigned i = 0; i < len; i++) {
        cpu_st_mmu(env_cpu(env), addr + i, buf[i],
                   make_memop_idx(MO_8, mmu_idx), ra);
    }
}

static void put16(uint8_t *p, uint16_t v)
{
    memcpy(p, &v, 2);
}

static uint16_t get16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

uint64_t helper_x87(CPUX86State *env, uint32_t op, uint64_t addr,
                    uint32_t mmu_idx, uint64_t rflags)
{
    uintptr_t ra = GETPC();
    unsigned opc = (op >> 8) & 7, modrm = op & 0xff;
    const X87MemOp *mo = modrm < 0xc0 ? &x87_mem_ops[opc][(modrm >> 3) & 7]
                                      : NULL;
    uint8_t fx[512] __attribute__((aligned(16)));
    uint8_t buf[16] = { 0 };
    uint16_t fcw = env->fpuc, fsw_before, fsw;
    unsigned idx;
    uint64_t out;

    if (!x87_valid_op(op)) {
        /* the translator checks; never run an encoding the host lacks */
        raise_exception_ra(env, EXCP06_ILLOP, ra);
    }
    if (x87_is_waiting(op)) {
        x87_check_pending(env, ra);
    }
    if (mo) {
        if (mo->store) {
            x87_probe(env, addr, mo->size, MMU_DATA_STORE, mmu_idx, ra);
        } else {
            x87_mem_read(env, addr, buf, mo->size, mmu_idx, ra);
        }
    }

    fsw_before = (env->fpus & ~0x3800) | ((env->fpstt & 7) << 11);
    memset(fx, 0, sizeof(fx));
    /* flags already set are masked while the host runs it: they are not
     * new, and a set unmasked flag would make the host trap */
    put16(fx, fcw | (fsw_before & FSW_EXC));
    put16(fx + 2, fsw_before & ~(FSW_ES | FSW_B));
    fx[4] = env->fptag_abridged;
    {
        uint32_t mxcsr = 0x1f80;     /* the host's, which the ABI keeps */
        memcpy(fx + 24, &mxcsr, 4);
    }
    for (int i = 0; i < 8; i++) {
        memcpy(fx + 32 + 16 * i, &env->fpregs[i].mant, 8);
        put16(fx + 40 + 16 * i, env->fpregs[i].exp);
    }

    idx = opc * 72 + (modrm >= 0xc0 ? modrm - 0xc0 : 64 + ((modrm >> 3) & 7));
    out = ((X87Stub *)(uintptr_t)(x87_stubs + 32 * idx))(
              fx, buf, (rflags & RFLAGS_OSZAPC) | 0x2);

    fsw = get16(fx + 2);
    /* FLDCW loads a new FCW; everything else keeps the guest's (the
     * stub's extra masks are not the guest's) */
    if (opc == 1 && modrm < 0xc0 && ((modrm >> 3) & 7) == 5) {
        env->fpuc = x87_fcw(get16(buf));
    }
    env->fpus = fsw;
    env->fpstt = (fsw >> 11) & 7;
    env->fptag_abridged = fx[4];
    for (int i = 0; i < 8; i++) {
        memcpy(&env->fpregs[i].mant, fx + 32 + 16 * i, 8);
        env->fpregs[i].exp = get16(fx + 40 + 16 * i);
    }
    x87_update_es(env);
    if (mo && mo->store) {
        /* an unmasked invalid-operation, overflow or underflow leaves
         * memory unwritten (precision does not) */
        uint16_t raised = fsw & ~fsw_before & ~env->fpuc;
        if (!(raised & (FSW_IE | FSW_OE | FSW_UE))) {
            x87_mem_write(env, addr, buf, mo->size, mmu_idx, ra);
        }
    }
    return out & RFLAGS_OSZAPC;
}
