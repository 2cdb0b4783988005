/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "tcg" accelerator: guest code translated to host code (tcg/ and
 * the target's front end), run by the exec loop of accel/tcg.
 *
 *   -accel tcg[,thread=single|multi][,tb-size=MB][,one-insn-per-tb=on]
 *
 * Interrupts go to the userspace PIC/IOAPIC/LAPIC, as under qtest or
 * kernel-irqchip=off.
 */
#include "accel/tcg/internal.h"
#include "sysemu/accel.h"
#include "sysemu/interrupts.h"
#include "util/log.h"
#include "util/opts.h"

/* Default code buffer: a Debian kernel and busybox boot translates about
 * 100 MiB of code without flushing; the mapping is only reserved. */
#define TCG_DEFAULT_TB_SIZE (512 * MiB)

TCGSettings tcg_settings = {
    .multi_thread = true,
};

const TCGCPUOps *tcg_cpu_ops;

void tcg_register_cpu_ops(const TCGCPUOps *ops)
{
    tcg_cpu_ops = ops;
}

/* -singlestep (QEMU 7.2's spelling of one-insn-per-tb=on) */
void tcg_set_one_insn_per_tb(bool on)
{
    tcg_settings.one_insn_per_tb = on;
}

static bool tcg_set_property(const char *name, const char *value,
                             Error **errp)
{
    if (!strcmp(name, "thread")) {
        if (!strcmp(value, "single")) {
            tcg_settings.multi_thread = false;
        } else if (!strcmp(value, "multi")) {
            tcg_settings.multi_thread = true;
        } else {
            error_setg(errp, "Invalid 'thread' setting %s", value);
            return false;
        }
        return true;
    }
    if (!strcmp(name, "tb-size")) {
        uint64_t mb;
        if (!parse_uint64(value, &mb, name, errp)) {
            return false;
        }
        if (mb > 2048) {
            error_setg(errp, "tb-size %" PRIu64 " MB is more than the "
                       "2048 MB the code buffer can address", mb);
            return false;
        }
        tcg_settings.tb_size = mb * MiB;
        return true;
    }
    if (!strcmp(name, "one-insn-per-tb")) {
        return parse_bool(value, &tcg_settings.one_insn_per_tb, name, errp);
    }
    if (!strcmp(name, "split-wx")) {
        bool on;
        if (!parse_bool(value, &on, name, errp)) {
            return false;
        }
        if (on) {
            error_setg(errp, "split-wx is not supported");
            return false;
        }
        return true;
    }
    error_setg(errp, "Property 'tcg-accel.%s' not found", name);
    return false;
}

static void tcg_print_props(FILE *f)
{
    fprintf(f, "tcg-accel options:\n"
            "  one-insn-per-tb=<bool> - Only put one guest insn in each "
            "translation block\n"
            "  split-wx=<bool>        - Map jit pages into separate RW and "
            "RX regions\n"
            "  tb-size=<int>          - TCG translation block cache size\n"
            "  thread=<string>        - Thread model\n");
}

static bool tcg_init_machine(MachineState *ms, Error **errp)
{
    if (!tcg_cpu_ops) {
        error_setg(errp, "this target has no TCG front end");
        return false;
    }
    irq_backend_set(&irq_userspace_backend);

    tcg_target_config.tlb_fast_offset =
        (intptr_t)offsetof(CPUState, tlb_fast) - tcg_cpu_ops->env_offset;
    tcg_target_config.exit_request_offset =
        (intptr_t)offsetof(CPUState, exit_request) - tcg_cpu_ops->env_offset;
    tcg_target_config.ld_slow = tcg_ld_slow;
    tcg_target_config.st_slow = tcg_st_slow;
    tcg_target_config.lookup_tb_ptr = helper_lookup_tb_ptr;

    tcg_code_buffer_init(tcg_settings.tb_size ? tcg_settings.tb_size
                                              : TCG_DEFAULT_TB_SIZE);
    tb_tables_init();
    tcg_tlb_listener_init();
    tcg_debug_init();
    ram_write_notify = tcg_dma_write_hook;
    return true;
}

static const AccelOps tcg_accel_ops = {
    .name = "tcg",
    .desc = "translated guest code (no hardware virtualization)",
    .init_machine = tcg_init_machine,
    .create_vcpu_thread = tcg_create_vcpu_thread,
    .kick_vcpu_thread = tcg_kick_vcpu_thread,
    .set_property = tcg_set_property,
    .print_props = tcg_print_props,
};

static void __attribute__((constructor)) tcg_accel_register(void)
{
    accel_register(&tcg_accel_ops);
}
