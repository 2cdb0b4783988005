/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The generic translator loop (what every front end runs its hooks in)
 * and guest code fetch.
 *
 * A block covers at most two guest pages: the one of its first insn and,
 * when an insn runs over the page end, the next one. An insn that would
 * start on a page the block has not touched yet starts the next block
 * instead, so a fetch fault is always raised at the insn that takes it
 * (the first insn of a block: the guest state is then exactly the
 * block's start).
 */
#include "accel/tcg/internal.h"
#include "exec/breakpoint.h"
#include "tcg/tcg-op.h"
#include "util/log.h"
#include "util/main-loop.h"
#include "config-host.h"
#ifdef CONFIG_CAPSTONE
#include <capstone.h>
#endif

/* The guest bytes of the block being translated, for -d in_asm. */
static __thread uint8_t block_bytes[2 * TARGET_PAGE_SIZE];

static int page_slot(DisasContextBase *db, uint64_t page)
{
    for (int i = 0; i < db->nb_pages; i++) {
        if (db->page_virt[i] == page) {
            return i;
        }
    }
    return -1;
}

size_t translator_fetch(DisasContextBase *db, CPUState *cpu, uint64_t pc,
                        uint8_t *buf, size_t len)
{
    size_t done = 0;

    while (done < len) {
        uint64_t a = pc + done;
        uint64_t page = a & TARGET_PAGE_MASK;
        size_t chunk = MIN(len - done, TARGET_PAGE_SIZE - (a - page));
        int slot = page_slot(db, page);
        hwaddr phys;
        void *host;

        if (slot < 0) {
            if (db->nb_pages == 2) {
                break;
            }
            /* The first byte asked for faults for real; later pages are
             * only probed. */
            phys = get_page_addr_code(cpu, a, done > 0);
            if (phys == (hwaddr)-2) {
                break;
            }
            slot = db->nb_pages++;
            db->page_virt[slot] = page;
            db->tb->page_addr[slot] = phys;
        }
        phys = db->tb->page_addr[slot];
        host = tlb_code_host_ptr(cpu, a);
        if (!host) {
            /* The TLB entry went (another fill evicted it): refill. */
            if (get_page_addr_code(cpu, a, true) != phys) {
                break;
            }
            host = tlb_code_host_ptr(cpu, a);
        }
        if (host) {
            memcpy(buf + done, host, chunk);
        } else {
            /* Code in MMIO (a device's ROM window): read it through the
             * memory API; such a block is never cached. */
            bool locked = bql_locked();
            if (!locked) {
                bql_lock();
            }
            address_space_read(&address_space_memory,
                               phys | (a & ~TARGET_PAGE_MASK),
                               buf + done, chunk);
            if (!locked) {
                bql_unlock();
            }
            db->tb->page_addr[0] = (hwaddr)-1;
        }
        if (a >= db->pc_first && a - db->pc_first + chunk <=
            sizeof(block_bytes)) {
            memcpy(block_bytes + (a - db->pc_first), buf + done, chunk);
        }
        done += chunk;
    }
    return done;
}

bool translator_use_goto_tb(DisasContextBase *db, uint64_t dest)
{
    if (db->tb->cflags & (CF_NO_GOTO_TB | CF_SINGLE_STEP)) {
        return false;
    }
    /* A direct jump skips the lookup that checks the page mapping: only
     * within the block's first page, whose mapping the lookup checked. */
    return ((db->pc_first ^ dest) & TARGET_PAGE_MASK) == 0;
}

static void log_in_asm(CPUState *cpu, DisasContextBase *db)
{
    GString *out = g_string_new("----------------\nIN: \n");
    size_t size = MIN((size_t)db->tb->size, sizeof(block_bytes));
    int bits = tcg_cpu_ops->code_bits ?
               tcg_cpu_ops->code_bits(db->tb->flags) : 64;
    bool done = false;

#ifdef CONFIG_CAPSTONE
    csh h;
    cs_mode mode = bits == 16 ? CS_MODE_16 : bits == 32 ? CS_MODE_32
                                                        : CS_MODE_64;

    if (cs_open(CS_ARCH_X86, mode, &h) == CS_ERR_OK) {
        /* AT&T syntax, as QEMU prints x86 */
        cs_option(h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
        cs_insn *insn;
        size_t n = cs_disasm(h, block_bytes, size, db->pc_first, 0, &insn);
        for (size_t i = 0; i < n; i++) {
            g_string_append_printf(out, bits == 64 ? "0x%016" PRIx64 ":  "
                                                   : "0x%08" PRIx64 ":  ",
                                   insn[i].address);
            for (int j = 0; j < 10; j++) {
                if (j < insn[i].size) {
                    g_string_append_printf(out, "%02x ", insn[i].bytes[j]);
                } else {
                    g_string_append(out, "   ");
                }
            }
            g_string_append_printf(out, "%-8s %s\n", insn[i].mnemonic,
                                   insn[i].op_str);
        }
        done = n > 0;
        if (n) {
            cs_free(insn, n);
        }
        cs_close(&h);
    }
#endif
    if (!done) {
        g_string_append_printf(out, "0x%016" PRIx64 ":", db->pc_first);
        for (size_t i = 0; i < size; i++) {
            g_string_append_printf(out, " %02x", block_bytes[i]);
        }
        g_string_append_c(out, '\n');
    }
    g_string_append_c(out, '\n');
    kemu_log("%s", out->str);
    g_string_free(out, true);
}

void translator_loop(CPUState *cpu, TranslationBlock *tb, int max_insns,
                     const TranslatorOps *ops, DisasContextBase *db)
{
    TCGLabel *exit_label;
    TCGv_i32 req;
    uint8_t first;

    db->tb = tb;
    db->pc_first = tb->pc;
    db->pc_next = tb->pc;
    db->is_jmp = DISAS_NEXT;
    db->num_insns = 0;
    db->max_insns = max_insns;
    db->singlestep = cpu->singlestep_enabled;
    db->nb_pages = 0;

    /* The first page faults here, with the guest state at the block's
     * start (the front end then fetches from a known page). */
    translator_fetch(db, cpu, db->pc_first, &first, 1);

    ops->init_disas_context(db, cpu);

    /* Leave at once when asked to (a kick, an interrupt, a flush). */
    exit_label = gen_new_label();
    req = tcg_temp_new_i32();
    tcg_gen_ld_i32(req, tcg_env(), tcg_target_config.exit_request_offset);
    tcg_gen_brcondi_i32(TCG_COND_NE, req, 0, exit_label);

    ops->tb_start(db, cpu);
    for (;;) {
        if (unlikely(cpu_breakpoint_in_range(cpu, db->pc_next, 1,
                                             BP_GDB | BP_HW))) {
            if (db->num_insns) {
                /* the breakpoint's insn starts the next block */
                db->is_jmp = DISAS_TOO_MANY;
                break;
            }
            /* Stop before the insn. Its first byte counts as the
             * block's, so that the block goes when that code changes. */
            ops->insn_start(db, cpu);
            db->num_insns++;
            tcg_gen_call(helper_tcg_breakpoint, 0, NULL,
                         tcgv_i64_temp(tcg_env()));
            db->pc_next++;
            db->is_jmp = DISAS_NORETURN;
            break;
        }
        ops->insn_start(db, cpu);
        db->num_insns++;
        ops->translate_insn(db, cpu);
        if (db->is_jmp != DISAS_NEXT) {
            break;
        }
        if (db->num_insns >= db->max_insns) {
            db->is_jmp = DISAS_TOO_MANY;
            break;
        }
        if (page_slot(db, db->pc_next & TARGET_PAGE_MASK) < 0) {
            db->is_jmp = DISAS_TOO_MANY;
            break;
        }
    }
    ops->tb_stop(db, cpu);
    tcg_gen_set_label(exit_label);
    tcg_gen_exit_tb(tb, TB_EXIT_REQUESTED);

    tb->size = db->pc_next - db->pc_first;
    tb->icount = db->num_insns;
    if (db->nb_pages == 2 &&
        ((db->pc_next - 1) & TARGET_PAGE_MASK) == db->page_virt[0]) {
        /* The second page was probed but holds none of the code. */
        tb->page_addr[1] = (hwaddr)-1;
    }
    if (kemu_log_enabled(LOG_IN_ASM)) {
        log_in_asm(cpu, db);
    }
}
