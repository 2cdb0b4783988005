/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HMP commands that act: run control, memory dumps (x, xp, memsave,
 * pmemsave), print, gva2gpa, cpu, nmi, log. The "info" family lives in
 * info-cmds.c.
 */
#include "monitor/mem-cmds.h"
#include "monitor/monitor-internal.h"
#include "monitor/hmp-mmu.h"
#include "hw/core/cpu.h"
#include "target/i386/cpu.h"
#include "sysemu/runstate.h"
#include "util/log.h"
#include "config-host.h"
#ifdef CONFIG_CAPSTONE
#include <capstone.h>
#endif

/* x, xp and print remember the last format and size, as QEMU does. */
static int last_format = 'x';
static int last_size = 4;

static void hmp_help(Monitor *mon, const HmpArgs *a)
{
    hmp_print_help(mon, hmp_arg_str(a, "name"));
}

static void hmp_stop(Monitor *mon, const HmpArgs *a)
{
    vm_stop(RUN_STATE_PAUSED);
}

static void hmp_cont(Monitor *mon, const HmpArgs *a)
{
    if (runstate_get() == RUN_STATE_SHUTDOWN) {
        monitor_printf(mon, "Resetting the Virtual Machine is required\n");
        return;
    }
    vm_start();
}

static void hmp_system_reset(Monitor *mon, const HmpArgs *a)
{
    qemu_system_reset_request(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
}

static void hmp_system_powerdown(Monitor *mon, const HmpArgs *a)
{
    qemu_system_powerdown_request();
}

static void hmp_quit(Monitor *mon, const HmpArgs *a)
{
    mon->quitting = true;
    /* "quit" ends the process even under -no-shutdown, as in QEMU. */
    if (no_shutdown) {
        qemu_system_exit_request(0);
    } else {
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
    }
}

/* ---- formats ---- */

/* Parses "/NFU" (already without the slash) into count, format, size. */
static bool parse_fmt(Monitor *mon, const char *f, int64_t *count,
                      int *format, int *size)
{
    int sz = -1;

    *count = 1;
    *format = last_format;
    if (f && g_ascii_isdigit(*f)) {
        /* As QEMU, the count is an int: what does not fit wraps. */
        *count = (int)strtol(f, (char **)&f, 10);
    }
    for (; f && *f; f++) {
        switch (*f) {
        case 'x': case 'd': case 'u': case 'o': case 'c': case 'i':
            *format = *f;
            break;
        case 'b':
            sz = 1;
            break;
        case 'h':
            sz = 2;
            break;
        case 'w':
            sz = 4;
            break;
        case 'g':
        case 'l':
            sz = 8;
            break;
        default:
            monitor_printf(mon, "invalid char in format: '%c'\n", *f);
            return false;
        }
    }
    if (sz < 0) {
        sz = last_size;
    }
    *size = sz;
    last_format = *format;
    last_size = sz;
    return true;
}

static void print_char(Monitor *mon, int c)
{
    switch (c) {
    case '\'':
        monitor_puts(mon, "'\\''");
        break;
    case '\\':
        monitor_puts(mon, "'\\\\'");
        break;
    case '\n':
        monitor_puts(mon, "'\\n'");
        break;
    case '\r':
        monitor_puts(mon, "'\\r'");
        break;
    default:
        if (c >= 32 && c <= 126) {
            monitor_printf(mon, "'%c'", c);
        } else {
            monitor_printf(mon, "'\\x%02x'", c & 0xff);
        }
    }
}

static MemTxResult read_mem(CPUState *cs, uint64_t addr, void *buf,
                            uint64_t len, bool phys)
{
    if (phys) {
        return address_space_read(&address_space_memory, addr, buf, len);
    }
    return x86_mmu_rw_virt(cs, addr, buf, len, false);
}

#ifdef CONFIG_CAPSTONE
static void disas(Monitor *mon, CPUState *cs, uint64_t addr, int64_t count,
                  bool phys)
{
    CPUX86State *env = &X86_CPU(cs)->env;
    cs_mode mode = CS_MODE_16;
    csh h;

    if ((env->efer & (1 << 10)) && (env->segs[R_CS].flags & DESC_L_MASK)) {
        mode = CS_MODE_64;
    } else if ((env->cr[0] & CR0_PE_MASK) &&
               (env->segs[R_CS].flags & DESC_B_MASK)) {
        mode = CS_MODE_32;
    }
    if (cs_open(CS_ARCH_X86, mode, &h) != CS_ERR_OK) {
        monitor_printf(mon, "capstone: cannot open the disassembler\n");
        return;
    }
    cs_option(h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
    cs_option(h, CS_OPT_SKIPDATA, CS_OPT_ON);
    for (int64_t n = 0; n < count; n++) {
        uint8_t buf[16];
        const uint8_t *code = buf;
        size_t size = sizeof(buf);
        uint64_t pc = addr;
        cs_insn *insn = cs_malloc(h);

        if (read_mem(cs, addr, buf, sizeof(buf), phys) != MEMTX_OK &&
            read_mem(cs, addr, buf, 1, phys) != MEMTX_OK) {
            monitor_printf(mon, "Cannot access memory\n");
            cs_free(insn, 1);
            break;
        }
        if (!cs_disasm_iter(h, &code, &size, &pc, insn)) {
            cs_free(insn, 1);
            break;
        }
        /* QEMU's layout: address, up to 8 bytes padded, mnemonic. */
        monitor_printf(mon, "0x%08" PRIx64 ":  ", addr);
        for (int i = 0; i < 8; i++) {
            if (i < insn->size) {
                monitor_printf(mon, "%02x ", insn->bytes[i]);
            } else {
                monitor_puts(mon, "   ");
            }
        }
        monitor_printf(mon, " %-8s %s\n", insn->mnemonic, insn->op_str);
        for (int i = 8; i < insn->size; i += 8) {
            monitor_printf(mon, "0x%08" PRIx64 ":  ", addr + i);
            for (int j = i; j < insn->size && j < i + 8; j++) {
                monitor_printf(mon, "%02x ", insn->bytes[j]);
            }
            monitor_puts(mon, "\n");
        }
        addr += insn->size;
        cs_free(insn, 1);
    }
    cs_close(&h);
}
#endif

#define MAX_DUMP_BYTES (256 << 10)

static void memory_dump(Monitor *mon, const HmpArgs *a, bool phys)
{
    uint64_t addr = hmp_arg_int(a, "addr", 0);
    CPUState *cs = mon_get_cpu(mon);
    int64_t count;
    int format, wsize, line_size, digits = 0;
    int64_t len;

    if (!parse_fmt(mon, hmp_arg_str(a, "fmt"), &count, &format, &wsize)) {
        return;
    }
    if (!cs && !phys) {
        monitor_printf(mon, "No CPU available\n");
        return;
    }
    /* One command runs to its end in the main loop, its output held in
     * memory: a dump of gigabytes would stall every client and the
     * guest's devices for minutes. */
    if (count > (format == 'i' ? MAX_DUMP_BYTES / 16 : MAX_DUMP_BYTES / wsize)) {
        monitor_printf(mon, "dump too large: at most %d bytes "
                       "(%d instructions) per command\n", MAX_DUMP_BYTES,
                       MAX_DUMP_BYTES / 16);
        return;
    }
    if (format == 'i') {
#ifdef CONFIG_CAPSTONE
        disas(mon, cs, addr, count, phys);
#else
        monitor_printf(mon, "Asm output not supported on this arch\n");
#endif
        return;
    }
    /* As QEMU: the length and line width use the requested size even
     * for 'c', which then prints byte by byte. */
    len = wsize * count;
    line_size = wsize == 1 ? 8 : 16;
    switch (format) {
    case 'o':
        digits = (wsize * 8 + 2) / 3;
        break;
    case 'x':
        digits = wsize * 2;
        break;
    case 'u':
    case 'd':
        digits = (wsize * 8 * 10 + 32) / 33;
        break;
    case 'c':
        wsize = 1;
        break;
    }
    while (len > 0) {
        uint8_t buf[16];
        int l = MIN(len, line_size);

        monitor_printf(mon, "%016" PRIx64 ":", addr);
        if (read_mem(cs, addr, buf, l, phys) != MEMTX_OK && !phys) {
            monitor_printf(mon, " Cannot access memory\n");
            return;
        }
        for (int i = 0; i < l; i += wsize) {
            uint64_t v = 0;
            memcpy(&v, buf + i, MIN(wsize, l - i));
            monitor_puts(mon, " ");
            switch (format) {
            case 'o':
                monitor_printf(mon, "%#*" PRIo64, digits, v);
                break;
            case 'x':
                monitor_printf(mon, "0x%0*" PRIx64, digits, v);
                break;
            case 'u':
                monitor_printf(mon, "%*" PRIu64, digits, v);
                break;
            case 'd':
                /* As QEMU 7.2: units narrower than 8 bytes are loaded
                 * zero-extended, so only /dg shows a sign. */
                monitor_printf(mon, "%*" PRId64, digits, (int64_t)v);
                break;
            case 'c':
                print_char(mon, (int)v);
                break;
            }
        }
        monitor_puts(mon, "\n");
        addr += l;
        len -= l;
    }
}

static void hmp_x(Monitor *mon, const HmpArgs *a)
{
    memory_dump(mon, a, false);
}

static void hmp_xp(Monitor *mon, const HmpArgs *a)
{
    memory_dump(mon, a, true);
}

static void hmp_print(Monitor *mon, const HmpArgs *a)
{
    int64_t count, v = hmp_arg_int(a, "val", 0);
    int format, size;

    if (!parse_fmt(mon, hmp_arg_str(a, "fmt"), &count, &format, &size)) {
        return;
    }
    switch (format) {
    case 'o':
        monitor_printf(mon, "%#" PRIo64, (uint64_t)v);
        break;
    case 'u':
        monitor_printf(mon, "%" PRIu64, (uint64_t)v);
        break;
    case 'd':
        monitor_printf(mon, "%" PRId64, v);
        break;
    case 'c':
        print_char(mon, (int)(v & 0xff));
        break;
    default:
        monitor_printf(mon, "%#" PRIx64, (uint64_t)v);
        break;
    }
    monitor_puts(mon, "\n");
}

static void hmp_gva2gpa(Monitor *mon, const HmpArgs *a)
{
    uint64_t va = hmp_arg_int(a, "addr", 0), pa, psize;
    CPUState *cs = mon_get_cpu(mon);

    if (!cs) {
        monitor_printf(mon, "No CPU available\n");
        return;
    }
    if (!x86_mmu_translate(cs, va, &pa, &psize)) {
        monitor_printf(mon, "Unmapped\n");
        return;
    }
    monitor_printf(mon, "gpa: %#" PRIx64 "\n", pa);
}

/* The file writing is shared with QMP's memsave/pmemsave. */
static void save_mem(Monitor *mon, const HmpArgs *a, bool phys)
{
    Error *err = NULL;

    if (!monitor_save_mem(mon_get_cpu(mon), hmp_arg_int(a, "val", 0),
                          hmp_arg_int(a, "size", 0),
                          hmp_arg_str(a, "filename"), phys, &err)) {
        monitor_printf(mon, "%s\n", error_get_pretty(err));
        error_free(err);
    }
}

static void hmp_memsave(Monitor *mon, const HmpArgs *a)
{
    save_mem(mon, a, false);
}

static void hmp_pmemsave(Monitor *mon, const HmpArgs *a)
{
    save_mem(mon, a, true);
}

static void hmp_cpu(Monitor *mon, const HmpArgs *a)
{
    int64_t idx = hmp_arg_int(a, "index", 0);

    if (idx < 0 || idx > INT_MAX || !qemu_get_cpu(idx)) {
        monitor_printf(mon, "invalid CPU index\n");
        return;
    }
    mon->cpu_index = idx;
}

static void hmp_nmi(Monitor *mon, const HmpArgs *a)
{
    CPUState *cs;

    /* As on real hardware's NMI button: every CPU gets one. */
    CPU_FOREACH(cs) {
        cpu_interrupt(cs, CPU_INTERRUPT_NMI);
    }
}

static void hmp_log(Monitor *mon, const HmpArgs *a)
{
    const char *items = hmp_arg_str(a, "items");
    Error *err = NULL;
    int mask = 0;

    if (strcmp(items, "none")) {
        mask = log_parse_items(items, &err);
        if (err) {
            /* As QEMU's monitor: a bad item answers with the list. */
            GString *help = g_string_new(NULL);
            log_help_text(help, true);
            monitor_puts(mon, help->str);
            g_string_free(help, TRUE);
            error_free(err);
            return;
        }
    }
    log_set_mask(mask);
}

static void hmp_logfile(Monitor *mon, const HmpArgs *a)
{
    Error *err = NULL;

    if (!log_set_file(hmp_arg_str(a, "filename"), &err)) {
        monitor_printf(mon, "%s\n", error_get_pretty(err));
        error_free(err);
    }
}

static const MonitorCommand hmp_cmds[] = {
    { .hmp_name = "help", .hmp_alias = "?", .hmp_args = "name:S?",
      .hmp_params = "[cmd]", .hmp_help = "list the commands, or describe one", .hmp = hmp_help },
    { .hmp_name = "stop", .hmp_alias = "s",
      .hmp_help = "pause the virtual machine", .hmp = hmp_stop },
    { .hmp_name = "cont", .hmp_alias = "c",
      .hmp_help = "let a paused virtual machine run again", .hmp = hmp_cont },
    { .hmp_name = "system_reset", .hmp_help = "reset the machine, as the reset button",
      .hmp = hmp_system_reset },
    { .hmp_name = "system_powerdown",
      .hmp_help = "press the ACPI power button",
      .hmp = hmp_system_powerdown },
    { .hmp_name = "quit", .hmp_alias = "q",
      .hmp_help = "end kemu at once", .hmp = hmp_quit },
    { .hmp_name = "x", .hmp_args = "fmt:/,addr:l", .hmp_params = "/fmt addr",
      .hmp_help = "show guest memory at a virtual address", .hmp = hmp_x },
    { .hmp_name = "xp", .hmp_args = "fmt:/,addr:l",
      .hmp_params = "/fmt addr",
      .hmp_help = "show guest memory at a physical address", .hmp = hmp_xp },
    { .hmp_name = "print", .hmp_alias = "p", .hmp_args = "fmt:/,val:l",
      .hmp_params = "/fmt expr",
      .hmp_help = "evaluate an expression ($reg reads a register of the "
                  "current CPU)", .hmp = hmp_print },
    { .hmp_name = "gva2gpa", .hmp_args = "addr:l", .hmp_params = "addr",
      .hmp_help = "translate a virtual address through the current CPU's "
                  "page tables", .hmp = hmp_gva2gpa },
    { .hmp_name = "memsave", .hmp_args = "val:l,size:i,filename:s",
      .hmp_params = "addr size file",
      .hmp_help = "write 'size' bytes of guest memory from virtual "
                  "address 'addr' to a file", .hmp = hmp_memsave },
    { .hmp_name = "pmemsave", .hmp_args = "val:l,size:i,filename:s",
      .hmp_params = "addr size file",
      .hmp_help = "write 'size' bytes of guest memory from physical "
                  "address 'addr' to a file", .hmp = hmp_pmemsave },
    { .hmp_name = "cpu", .hmp_args = "index:i", .hmp_params = "index",
      .hmp_help = "choose the CPU that later commands look at", .hmp = hmp_cpu },
    { .hmp_name = "nmi", .hmp_help = "send a non-maskable interrupt to every CPU", .hmp = hmp_nmi },
    { .hmp_name = "log", .hmp_args = "items:s",
      .hmp_params = "item1[,...]",
      .hmp_help = "switch on -d log items ('none' switches all off)",
      .hmp = hmp_log },
    { .hmp_name = "logfile", .hmp_args = "filename:s",
      .hmp_params = "filename", .hmp_help = "send the log to a file (as -D)",
      .hmp = hmp_logfile },
};

static void __attribute__((constructor)) hmp_cmds_register(void)
{
    monitor_register_commands(hmp_cmds, ARRAY_SIZE(hmp_cmds));
}
