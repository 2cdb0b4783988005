/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Turning guest code into a TB: the front end builds ops (through
 * translator_loop), the code generator emits host code into the calling
 * thread's region of the code buffer, and the restore data is appended
 * after the code.
 *
 * Restore data: for each guest instruction, the insn_start words and the
 * host offset where its code ends, each as a signed LEB128 delta from
 * the previous instruction's (starting from { tb->pc, 0, ... } and host
 * offset 0). Typically 3-4 bytes per instruction. cpu_restore_state
 * decodes it up to the instruction containing a host return address.
 */
#include "accel/tcg/internal.h"
#include "util/log.h"

uint64_t tb_translated_count, tb_translated_insns;

void tcg_thread_context_init(void)
{
    if (!tcg_ctx) {
        tcg_ctx = tcg_context_new();
        tcg_cpu_ops->initialize();
    }
}

/* ---- restore data ---- */

static uint8_t *encode_sleb128(uint8_t *p, uint8_t *end, int64_t val)
{
    bool more;

    do {
        uint8_t byte = val & 0x7f;
        val >>= 7;
        more = !((val == 0 && !(byte & 0x40)) || (val == -1 && (byte & 0x40)));
        if (more) {
            byte |= 0x80;
        }
        if (p >= end) {
            return NULL;
        }
        *p++ = byte;
    } while (more);
    return p;
}

static int64_t decode_sleb128(const uint8_t **pp)
{
    const uint8_t *p = *pp;
    int64_t val = 0;
    int shift = 0;
    uint8_t byte;

    do {
        byte = *p++;
        val |= (int64_t)(byte & 0x7f) << shift;
        shift += 7;
    } while (byte & 0x80);
    if (shift < 64 && (byte & 0x40)) {
        val |= -((int64_t)1 << shift);
    }
    *pp = p;
    return val;
}

/* Append the restore data at p (room up to end); NULL if it did not fit. */
static uint8_t *encode_restore_data(TCGContext *s, TranslationBlock *tb,
                                    uint8_t *p, uint8_t *end)
{
    uint64_t prev[TCG_INSN_START_WORDS] = { tb->pc };
    uint32_t prev_off = 0;

    for (int i = 0; i < s->gen_insn_count && p; i++) {
        for (int j = 0; j < TCG_INSN_START_WORDS && p; j++) {
            p = encode_sleb128(p, end, s->gen_insn_data[i][j] - prev[j]);
            prev[j] = s->gen_insn_data[i][j];
        }
        if (p) {
            p = encode_sleb128(p, end,
                               (int64_t)s->gen_insn_end_off[i] - prev_off);
            prev_off = s->gen_insn_end_off[i];
        }
    }
    return p;
}

bool cpu_restore_state(CPUState *cpu, uintptr_t host_pc)
{
    TranslationBlock *tb;
    uint64_t data[TCG_INSN_START_WORDS];
    const uint8_t *p;
    uintptr_t off;
    uint32_t end_off = 0;

    if (!host_pc) {
        return false;
    }
    /* A return address belongs to the insn whose code ends at or after
     * it (tcg.h): search with the byte before it. */
    tb = tcg_tb_from_host_pc(host_pc - 1);
    if (!tb) {
        return false;
    }
    off = host_pc - (uintptr_t)tb->tc_ptr;
    memset(data, 0, sizeof(data));
    data[0] = tb->pc;
    p = tb->restore_data;
    for (int i = 0; i < tb->icount; i++) {
        for (int j = 0; j < TCG_INSN_START_WORDS; j++) {
            data[j] += decode_sleb128(&p);
        }
        end_off += decode_sleb128(&p);
        if (off <= end_off) {
            break;
        }
    }
    tcg_cpu_ops->restore_state_to_opc(cpu, tb, data);
    return true;
}

void tb_restore_state_at_start(CPUState *cpu, TranslationBlock *tb)
{
    uint64_t data[TCG_INSN_START_WORDS] = { tb->pc };
    const uint8_t *p = tb->restore_data;

    for (int j = 0; j < TCG_INSN_START_WORDS; j++) {
        data[j] += decode_sleb128(&p);
    }
    tcg_cpu_ops->restore_state_to_opc(cpu, tb, data);
}

G_NORETURN void cpu_loop_exit(CPUState *cpu)
{
    siglongjmp(cpu->jmp_env, 1);
}

G_NORETURN void cpu_loop_exit_restore(CPUState *cpu, uintptr_t host_pc)
{
    cpu_restore_state(cpu, host_pc);
    cpu_loop_exit(cpu);
}

/* ---- translation ---- */

static void log_out_asm(TranslationBlock *tb);

TranslationBlock *tb_gen_code(CPUState *cpu, uint64_t pc, uint64_t cs_base,
                              uint32_t flags, uint32_t cflags)
{
    TCGContext *s = tcg_ctx;
    TranslationBlock *tb, *existing;
    uint8_t *code, *code_end, *end;
    int max_insns = cflags & CF_COUNT_MASK;
    int size;

    if (max_insns == 0) {
        max_insns = TCG_MAX_INSNS;
    }
    for (;;) {
        tb = tcg_code_alloc_tb(&code, &code_end);
        if (!tb) {
            /* Out of code space: start afresh. Our caller's last_tb and
             * every other TB pointer die with the flush, so leave the
             * loop and come back. */
            tb_flush(cpu);
            cpu->exception_index = EXCP_INTERRUPT;
            cpu_loop_exit(cpu);
        }
        memset(tb, 0, sizeof(*tb));
        tb->pc = pc;
        tb->cs_base = cs_base;
        tb->flags = flags;
        tb->cflags = cflags;
        tb->page_addr[0] = tb->page_addr[1] = (hwaddr)-1;
        tb->tc_ptr = code;

        tcg_func_start(s);
        s->code_buf = s->code_ptr = code;
        s->code_end = code_end;
        s->code_overflow = false;
        s->gen_insn_count = 0;
        s->jmp_insn_offset[0] = s->jmp_insn_offset[1] = 0xffff;
        s->jmp_reset_offset[0] = s->jmp_reset_offset[1] = 0xffff;
        s->log_flags = (kemu_log_enabled(LOG_OP) ? TCG_LOG_OP : 0) |
                       (kemu_log_enabled(LOG_OP_OPT) ? TCG_LOG_OP_OPT : 0);

        tcg_cpu_ops->translate_code(cpu, tb, max_insns);

        size = tcg_gen_code(s);
        end = NULL;
        if (size >= 0) {
            tb->tc_size = size;
            tb->restore_data = code + size;
            end = encode_restore_data(s, tb, code + size, code_end);
        }
        if (end) {
            break;
        }
        /* Did not fit in what is left of the region: try a fresh one. */
        if (!tcg_code_region_full()) {
            error_report("TCG: a block of %d guest instructions at 0x%"
                         PRIx64 " does not fit in a code region",
                         tb->icount, pc);
            abort();
        }
    }
    tb->jmp_insn_offset[0] = s->jmp_insn_offset[0];
    tb->jmp_insn_offset[1] = s->jmp_insn_offset[1];
    tb->jmp_reset_offset[0] = s->jmp_reset_offset[0];
    tb->jmp_reset_offset[1] = s->jmp_reset_offset[1];
    tcg_code_commit(tb, end);
    __atomic_add_fetch(&tb_translated_count, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&tb_translated_insns, tb->icount, __ATOMIC_RELAXED);

    if (kemu_log_enabled(LOG_OUT_ASM)) {
        log_out_asm(tb);
    }
    /* Code on no RAM page (MMIO) is never looked up again. */
    if (tb->page_addr[0] == (hwaddr)-1) {
        return tb;
    }
    existing = tb_link(tb);
    return existing;
}

/* ---- -d out_asm ---- */

#include "config-host.h"
#ifdef CONFIG_CAPSTONE
#include <capstone.h>
#endif

static void log_out_asm(TranslationBlock *tb)
{
    GString *out = g_string_new(NULL);

    g_string_append_printf(out, "OUT: [size=%u]\n", tb->tc_size);
#ifdef CONFIG_CAPSTONE
    {
        csh h;
        cs_insn *insn;
        size_t n;

        if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) == CS_ERR_OK) {
        /* AT&T syntax, as QEMU prints x86 */
        cs_option(h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
            n = cs_disasm(h, tb->tc_ptr, tb->tc_size,
                          (uintptr_t)tb->tc_ptr, 0, &insn);
            for (size_t i = 0; i < n; i++) {
                g_string_append_printf(out, "  0x%016" PRIx64 ":  %s %s\n",
                                       insn[i].address, insn[i].mnemonic,
                                       insn[i].op_str);
            }
            if (n) {
                cs_free(insn, n);
            }
            cs_close(&h);
        }
    }
#else
    for (uint32_t i = 0; i < tb->tc_size; i += 16) {
        g_string_append_printf(out, "  0x%016" PRIxPTR ": ",
                               (uintptr_t)tb->tc_ptr + i);
        for (uint32_t j = i; j < tb->tc_size && j < i + 16; j++) {
            g_string_append_printf(out, " %02x",
                                   ((const uint8_t *)tb->tc_ptr)[j]);
        }
        g_string_append_c(out, '\n');
    }
#endif
    g_string_append_c(out, '\n');
    kemu_log("%s", out->str);
    g_string_free(out, true);
}
