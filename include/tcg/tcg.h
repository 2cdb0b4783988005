/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The TCG intermediate representation and code generator.
 *
 * A front end (target/i386/tcg/) turns one translation block of guest
 * code into a list of ops on temporaries (tcg-op.h builds them); the
 * optimizer folds constants, propagates copies and removes dead code;
 * liveness marks where each temporary dies and where globals must be
 * written back; the back end (tcg/x86_64/) allocates host registers and
 * emits x86-64 code into the code buffer. tcg/ knows no guest and no
 * device: everything guest-specific reaches it as globals (named slots in
 * the CPU state), helpers (C functions with declared side effects) and
 * memory ops (guest loads/stores through the softmmu TLB, cpu-tlb.h).
 *
 * Values
 *   Two types, I32 and I64. An I32 temporary lives in a 64-bit host
 *   register whose upper half is zero (every x86-64 32-bit op writes it
 *   so), which makes zero-extension to I64 free. Pointers are I64.
 *
 * Temporaries (TCGTempKind)
 *   GLOBAL  a slot of the CPU state at env+offset (guest registers, lazy
 *           flag inputs). May be cached in a host register inside a basic
 *           block; written back ("synced") before anything that may read
 *           it: a helper call without TCG_CALL_NO_READ_GLOBALS, a guest
 *           memory op (it may fault), a branch, the end of the block.
 *           A helper without TCG_CALL_NO_WRITE_GLOBALS invalidates cached
 *           copies.
 *   FIXED   a global pinned to a host register for the whole block (only
 *           "env").
 *   EBB     a scratch value that dies at the end of its extended basic
 *           block: it must not be read after a set_label it was not
 *           written after (tcg_temp_new_*).
 *   TB      a value that survives labels within the block (spilled to the
 *           frame across them) (tcg_temp_local_new_*).
 *   CONST   an immediate (tcg_constant_*): read-only, shared, never freed;
 *           valid until the next tcg_func_start().
 *
 * Exceptions and precise state
 *   Every guest instruction starts with insn_start carrying up to
 *   TCG_INSN_START_WORDS values (the guest pc and whatever the front end
 *   needs, e.g. its static lazy-flags state). tcg_gen_code() records,
 *   for each, the host offset where that instruction's code ends, so the
 *   runtime can map a host return address inside a helper or softmmu
 *   slow path back to the guest instruction (cpu_restore_state()).
 *
 * Threads: one TCGContext per vCPU thread (tcg_ctx is thread-local), so
 * translation needs no lock; the code buffer region is handed out by
 * accel/tcg.
 */
#ifndef KEMU_TCG_H
#define KEMU_TCG_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum TCGType {
    TCG_TYPE_I32,
    TCG_TYPE_I64,
    TCG_TYPE_PTR = TCG_TYPE_I64,
} TCGType;

typedef enum TCGTempKind {
    TEMP_EBB,
    TEMP_TB,
    TEMP_GLOBAL,
    TEMP_FIXED,
    TEMP_CONST,
} TCGTempKind;

/*
 * Memory op descriptor for guest loads and stores (qemu_ld/qemu_st) and
 * host loads and stores (ld/st). Little-endian always (x86 guest on an
 * x86 host).
 */
typedef enum MemOp {
    MO_8 = 0,
    MO_16 = 1,
    MO_32 = 2,
    MO_64 = 3,
    MO_128 = 4,             /* only through helpers (SSE) */
    MO_SIZE = 7,
    MO_SIGN = 8,            /* sign-extend the loaded value */
    MO_ALIGN = 16,          /* fault (via the target's hook) if unaligned */
    MO_UB = MO_8, MO_UW = MO_16, MO_UL = MO_32, MO_UQ = MO_64,
    MO_SB = MO_8 | MO_SIGN, MO_SW = MO_16 | MO_SIGN, MO_SL = MO_32 | MO_SIGN,
} MemOp;

static inline unsigned memop_size(MemOp op)
{
    return 1u << (op & MO_SIZE);
}

/*
 * A guest memory op's immediate operand: the MemOp and the MMU index
 * packed together, as passed to the softmmu helpers.
 */
typedef uint32_t MemOpIdx;
static inline MemOpIdx make_memop_idx(MemOp op, unsigned mmu_idx)
{
    return (op << 4) | mmu_idx;
}
static inline MemOp get_memop(MemOpIdx oi)
{
    return oi >> 4;
}
static inline unsigned get_mmuidx(MemOpIdx oi)
{
    return oi & 15;
}

typedef enum TCGCond {
    TCG_COND_NEVER,
    TCG_COND_ALWAYS,
    TCG_COND_EQ,
    TCG_COND_NE,
    TCG_COND_LT,     /* signed */
    TCG_COND_GE,
    TCG_COND_LE,
    TCG_COND_GT,
    TCG_COND_LTU,    /* unsigned */
    TCG_COND_GEU,
    TCG_COND_LEU,
    TCG_COND_GTU,
    TCG_COND_TSTEQ,  /* (a & b) == 0 */
    TCG_COND_TSTNE,  /* (a & b) != 0 */
} TCGCond;

TCGCond tcg_invert_cond(TCGCond c);    /* !c */
TCGCond tcg_swap_cond(TCGCond c);      /* c with operands swapped */

/*
 * Opcodes. Each has a type (I32 or I64, in TCGOp.type) except where noted;
 * "r" outputs, "a" inputs, "c" constant arguments (not temps).
 */
#define TCG_OPCODES(X) \
    /* name          outs ins consts */ \
    X(discard,        1, 0, 0)  /* the temp's value is dead */ \
    X(set_label,      0, 0, 1)  /* c0 = label */ \
    X(br,             0, 0, 1)  /* goto label */ \
    X(brcond,         0, 2, 2)  /* if (cond c0)(a0, a1) goto label c1 */ \
    X(insn_start,     0, 0, 2)  /* c0, c1: guest insn data (no type) */ \
    X(mb,             0, 0, 1)  /* memory barrier, c0 = TCG_MB_* */ \
    X(mov,            1, 1, 0) \
    X(setcond,        1, 2, 1)  /* r = (cond c0)(a0, a1) ? 1 : 0 */ \
    X(negsetcond,     1, 2, 1)  /* r = (cond c0)(a0, a1) ? -1 : 0 */ \
    X(movcond,        1, 4, 1)  /* r = (cond c0)(a0, a1) ? a2 : a3 */ \
    X(add,            1, 2, 0) \
    X(sub,            1, 2, 0) \
    X(mul,            1, 2, 0) \
    X(mulu2,          2, 2, 0)  /* r0:lo r1:hi = a0 * a1 unsigned */ \
    X(muls2,          2, 2, 0)  /* signed */ \
    X(neg,            1, 1, 0) \
    X(and,            1, 2, 0) \
    X(or,             1, 2, 0) \
    X(xor,            1, 2, 0) \
    X(andc,           1, 2, 0)  /* a0 & ~a1 */ \
    X(not,            1, 1, 0) \
    X(shl,            1, 2, 0)  /* count taken modulo the type's width */ \
    X(shr,            1, 2, 0) \
    X(sar,            1, 2, 0) \
    X(rotl,           1, 2, 0) \
    X(rotr,           1, 2, 0) \
    X(clz,            1, 2, 0)  /* r = a0 ? clz(a0) : a1 */ \
    X(ctz,            1, 2, 0)  /* r = a0 ? ctz(a0) : a1 */ \
    X(ctpop,          1, 1, 0) \
    X(bswap16,        1, 1, 0)  /* low 16 bits swapped, upper bits zero */ \
    X(bswap32,        1, 1, 0)  /* low 32 bits swapped, upper bits zero */ \
    X(bswap64,        1, 1, 0)  /* I64 only */ \
    X(ext8s,          1, 1, 0) \
    X(ext8u,          1, 1, 0) \
    X(ext16s,         1, 1, 0) \
    X(ext16u,         1, 1, 0) \
    X(ext32s,         1, 1, 0)  /* I64 only */ \
    X(ext32u,         1, 1, 0)  /* I64 only */ \
    X(ext_i32_i64,    1, 1, 0)  /* I64 r = (int32_t)a0 (I32) */ \
    X(extu_i32_i64,   1, 1, 0)  /* I64 r = (uint32_t)a0 (I32) */ \
    X(extrl_i64_i32,  1, 1, 0)  /* I32 r = low half of a0 (I64) */ \
    X(extrh_i64_i32,  1, 1, 0)  /* I32 r = high half of a0 (I64) */ \
    X(deposit,        1, 2, 2)  /* r = a0 with bits [c0, c0+c1) from a1 */ \
    X(extract,        1, 1, 2)  /* r = (a0 >> c0) & ((1 << c1) - 1) */ \
    X(sextract,       1, 1, 2)  /* same, sign-extended */ \
    /* host memory: a0 is a host pointer (usually env), c0 the offset */ \
    X(ld8u,           1, 1, 1) \
    X(ld8s,           1, 1, 1) \
    X(ld16u,          1, 1, 1) \
    X(ld16s,          1, 1, 1) \
    X(ld32u,          1, 1, 1) \
    X(ld32s,          1, 1, 1)  /* I64 only */ \
    X(ld,             1, 1, 1)  /* the type's width */ \
    X(st8,            0, 2, 1)  /* *(a1 + c0) = a0 */ \
    X(st16,           0, 2, 1) \
    X(st32,           0, 2, 1) \
    X(st,             0, 2, 1) \
    /* guest memory through the softmmu: a0/a1 guest vaddr (I64), c0 MemOpIdx */ \
    X(qemu_ld,        1, 1, 1)  /* r = load(a0) */ \
    X(qemu_st,        0, 2, 1)  /* store(a1) = a0 */ \
    X(call,           0, 0, 0)  /* see TCGOp.call */ \
    X(goto_tb,        0, 0, 1)  /* c0 = slot 0/1: chainable jump */ \
    X(exit_tb,        0, 0, 1)  /* return c0 to the exec loop */ \
    X(goto_ptr,       0, 1, 0)  /* jump to host code a0 (from lookup) */

typedef enum TCGOpcode {
#define TCG_OPC_ENUM(name, o, i, c) INDEX_op_##name,
    TCG_OPCODES(TCG_OPC_ENUM)
#undef TCG_OPC_ENUM
    NB_OPS
} TCGOpcode;

typedef struct TCGOpDef {
    const char *name;
    uint8_t nb_oargs, nb_iargs, nb_cargs;
} TCGOpDef;
extern const TCGOpDef tcg_op_defs[NB_OPS];

/* exit_tb values: the TB that exited (chaining) with the slot in the low
 * bits, or one of these. */
#define TB_EXIT_MASK      3
#define TB_EXIT_IDX0      0
#define TB_EXIT_IDX1      1
#define TB_EXIT_REQUESTED 3     /* exit_request was seen at block entry */

/* mb kinds (x86 host: only a store-load fence emits code) */
#define TCG_MB_LD_LD 1
#define TCG_MB_ST_ST 2
#define TCG_MB_LD_ST 4
#define TCG_MB_ST_LD 8
#define TCG_MB_ALL   15

/* Helper call flags */
#define TCG_CALL_NO_READ_GLOBALS  1   /* globals need not be synced (and
                                         are not written: implies NO_WG) */
#define TCG_CALL_NO_WRITE_GLOBALS 2   /* cached globals stay valid */
#define TCG_CALL_NO_SIDE_EFFECTS  4   /* dead if its result is unused */
#define TCG_CALL_NO_RWG  (TCG_CALL_NO_READ_GLOBALS | TCG_CALL_NO_WRITE_GLOBALS)
#define TCG_CALL_NO_WG   (TCG_CALL_NO_WRITE_GLOBALS)
#define TCG_CALL_NO_RWG_SE (TCG_CALL_NO_READ_GLOBALS | \
                            TCG_CALL_NO_WRITE_GLOBALS | \
                            TCG_CALL_NO_SIDE_EFFECTS)
/* Only "env" may be read by a NO_RWG helper: it is always in a register. */

#define TCG_MAX_CALL_ARGS 6       /* SysV integer argument registers */
#define TCG_MAX_OP_ARGS   6
#define TCG_INSN_START_WORDS 2
#define TCG_MAX_INSNS     512     /* guest instructions per block */
#define TCG_MAX_LABELS    4096    /* per block; more fails tcg_gen_code */

typedef struct TCGTemp {
    TCGType type;
    TCGTempKind kind;
    int64_t val;                  /* CONST */
    int mem_offset;               /* GLOBAL: env offset; TB: frame slot */
    const char *name;             /* GLOBAL/FIXED, for -d op */
    /* back end and liveness state */
    int8_t reg;                   /* host register or -1 */
    uint8_t val_type;             /* allocator: where the value is */
    bool mem_coherent;            /* memory copy equals the register */
    bool mem_allocated;
    uint16_t state;               /* liveness bits */
    struct TCGTemp *state_ptr;    /* unused (the optimizer keeps its
                                     facts in TCGContext.opt_info) */
    bool temp_allocated;          /* EBB/TB: in use by the front end */
    int index;                    /* position in TCGContext.temps */
} TCGTemp;

/* Front-end handles: distinct C types so that I32/I64 mix-ups are
 * compile errors. They are TCGTemp pointers in disguise. */
typedef struct TCGv_i32_d *TCGv_i32;
typedef struct TCGv_i64_d *TCGv_i64;
typedef TCGv_i64 TCGv_ptr;

static inline TCGTemp *tcgv_i32_temp(TCGv_i32 v) { return (TCGTemp *)v; }
static inline TCGTemp *tcgv_i64_temp(TCGv_i64 v) { return (TCGTemp *)v; }
static inline TCGv_i32 temp_tcgv_i32(TCGTemp *t) { return (TCGv_i32)t; }
static inline TCGv_i64 temp_tcgv_i64(TCGTemp *t) { return (TCGv_i64)t; }

typedef struct TCGLabel {
    int id;
    bool present;                 /* set_label emitted */
    bool has_value;               /* host address known */
    uintptr_t value;              /* host code address */
    /* forward references to patch (back end owned) */
    uint32_t *relocs;
    int nb_relocs, max_relocs;
    int refs;                     /* branches to it (optimizer) */
} TCGLabel;

/* An op's arguments in args[]: outputs first, then inputs, then
 * constants; a label argument is a TCGLabel pointer in .l. */
typedef union TCGArg {
    TCGTemp *t;
    int64_t c;
    TCGLabel *l;
} TCGArg;

typedef struct TCGOp {
    TCGOpcode opc : 8;
    TCGType type : 8;
    uint8_t nargs;                /* outs + ins + consts, or call args */
    uint16_t life;                /* liveness: dead-arg / sync-arg bits */
    TCGArg args[TCG_MAX_OP_ARGS];
    /* call only (nargs 0, args unused): the helper and its temps */
    struct {
        void *fn;
        const char *name;
        uint8_t flags;            /* TCG_CALL_* */
        uint8_t nb_in;
        TCGTemp *in[TCG_MAX_CALL_ARGS];
        TCGTemp *out;             /* NULL for void */
    } call;
    /* ops form a doubly linked list so the optimizer can delete in place */
    struct TCGOp *next, *prev;
} TCGOp;

/*
 * Set up once per process by the accelerator, before any translation:
 * how the back end reaches the softmmu. See exec/cpu-tlb.h.
 */
typedef struct TCGTargetConfig {
    /* env-relative offset of CPUState.tlb_fast[0] (negative: it lies
     * before env in the CPU struct) */
    intptr_t tlb_fast_offset;
    /* env-relative offset of CPUState.exit_request (int32, nonzero: leave
     * at the next block entry) */
    intptr_t exit_request_offset;
    /* Softmmu slow paths (accel/tcg/cputlb.c), called by generated code
     * with (env, vaddr, oi, retaddr) / (env, vaddr, val, oi, retaddr). */
    uint64_t (*ld_slow)(void *env, uint64_t addr, MemOpIdx oi,
                        uintptr_t retaddr);
    void (*st_slow)(void *env, uint64_t addr, uint64_t val, MemOpIdx oi,
                    uintptr_t retaddr);
    /* tcg_gen_lookup_and_goto_ptr(): host code of the block for env's
     * current state, or tcg_code_gen_epilogue to return to the loop. */
    const void *(*lookup_tb_ptr)(void *env);
} TCGTargetConfig;

typedef struct TCGContext {
    /* ops of the block being translated */
    TCGOp *first_op, *last_op;
    int nb_ops;
    TCGOp *op_pool;               /* free list */

    TCGTemp *temps;               /* globals first, then the block's */
    int nb_globals, nb_temps, max_temps;
    TCGTemp *env;                 /* the FIXED env pointer */

    TCGLabel *labels;
    int nb_labels;

    /* guest instruction bookkeeping for cpu_restore_state */
    int gen_insn_count;
    uint64_t gen_insn_data[TCG_MAX_INSNS][TCG_INSN_START_WORDS];
    uint32_t gen_insn_end_off[TCG_MAX_INSNS];

    /* chaining: host offsets of the two goto_tb jumps and of the code
     * right after each (the "reset" target that returns to the loop) */
    uint16_t jmp_insn_offset[2];
    uint16_t jmp_reset_offset[2];

    /* code emission */
    uint8_t *code_buf;            /* start of this block's code */
    uint8_t *code_ptr;            /* next byte to write */
    uint8_t *code_end;            /* end of the room for this block */
    bool code_overflow;

    /* unused: the back end's spill area is [rsp, rsp + TCG_FRAME_SIZE)
     * of the prologue's frame (tcg/x86_64/backend.h) */
    int frame_start, frame_end, frame_used;

    /* -d op / op_opt / out_asm: TCG_LOG_* (set by the runtime) */
    unsigned log_flags;

    void *backend;                /* register allocator state */

    /* code generator bookkeeping (tcg/ only) */
    int nb_label_alloc;           /* room in labels[] */
    bool ir_overflow;             /* too many temps/labels: gen fails */
    GHashTable *const_table[2];   /* per type: value -> CONST temp */
    GArray *free_temps[2][2];     /* [TB?][type]: freed temp indexes */
    TCGOp *op_chunks;             /* all op storage, for freeing */
    void *opt_info;               /* optimizer scratch, max_temps long */
} TCGContext;

#define TCG_LOG_OP      1       /* ops as the front end built them */
#define TCG_LOG_OP_OPT  2       /* after optimizer and liveness */

extern __thread TCGContext *tcg_ctx;
extern TCGTargetConfig tcg_target_config;

/* ---- lifecycle ---- */
/* Create the calling thread's context (globals are registered into it by
 * the front end's init, see tcg_global_mem_new_*). */
TCGContext *tcg_context_new(void);
void tcg_context_free(TCGContext *s);
/* Start a new block: drops the previous block's ops, temps and labels
 * (globals stay). */
void tcg_func_start(TCGContext *s);

/* Globals: a slot at env + offset. Register them on every context
 * (each vCPU thread has one) in the same order; the front end keeps the
 * handles in thread-local variables. */
TCGv_i32 tcg_global_mem_new_i32(intptr_t offset, const char *name);
TCGv_i64 tcg_global_mem_new_i64(intptr_t offset, const char *name);
TCGv_ptr tcg_env(void);           /* the env pointer (FIXED) */

/* Temporaries and constants */
TCGv_i32 tcg_temp_new_i32(void);
TCGv_i64 tcg_temp_new_i64(void);
TCGv_i32 tcg_temp_local_new_i32(void);   /* TEMP_TB */
TCGv_i64 tcg_temp_local_new_i64(void);
void tcg_temp_free_i32(TCGv_i32 t);      /* optional: reuse its slot */
void tcg_temp_free_i64(TCGv_i64 t);
TCGv_i32 tcg_constant_i32(int32_t val);
TCGv_i64 tcg_constant_i64(int64_t val);

TCGLabel *gen_new_label(void);

/* Raw op emission (tcg-op.h has the typed wrappers the front end uses) */
TCGOp *tcg_emit_op(TCGOpcode opc, TCGType type, int nargs);
void tcg_emit_call(void *fn, const char *name, unsigned flags,
                   TCGTemp *ret, int nb_in, TCGTemp **in);

/*
 * Optimize, run liveness and generate host code for the current ops at
 * s->code_ptr (room up to s->code_end). Returns the size of the code, or
 * -1 if it did not fit (the caller flushes the buffer and retranslates).
 * Fills gen_insn_end_off[], jmp_*_offset[].
 *
 * Guest insn i covers host offsets (end_off[i-1], end_off[i]] relative
 * to code_buf: a return address (just past a call, or the slow path's
 * return point) equal to end_off[i] belongs to insn i. So the insn of a
 * host return address ra is the first i with ra - code_buf <= end_off[i]
 * (equivalently: look up ra - 1 in half-open ranges).
 */
int tcg_gen_code(TCGContext *s);

/* Pieces of tcg_gen_code, exposed for tests. */
void tcg_optimize(TCGContext *s);
void tcg_liveness(TCGContext *s);

/*
 * The prologue, emitted once at the start of the code buffer:
 *   uintptr_t tcg_qemu_tb_exec(void *env, const void *tb_code);
 * saves callee-saved registers, puts env in the env register, jumps to
 * tb_code; exit_tb returns its value through the epilogue. Returns the
 * size emitted.
 */
size_t tcg_prologue_init(uint8_t *buf, size_t room);
typedef uintptr_t (*TCGTBExecFn)(void *env, const void *tb_code);
extern TCGTBExecFn tcg_qemu_tb_exec;
/* Host address of the epilogue's "return 0" (goto_ptr's miss target). */
extern const void *tcg_code_gen_epilogue;

/* Patch goto_tb slot: the jump at jmp_insn_addr now goes to target. Must
 * be atomic with respect to a vCPU executing it (aligned 4-byte store). */
void tb_target_set_jmp_target(uintptr_t jmp_insn_addr, uintptr_t target);

/* Dump the ops ("-d op", "-d op_opt") into out. */
void tcg_dump_ops(TCGContext *s, GString *out);

#endif
