/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One packet from the client, dispatched on its first character (the
 * "Packets" and "General Query Packets" sections of the GDB manual's
 * Remote Protocol appendix). Replies follow QEMU's where the manual
 * leaves a choice: E14 for memory and register faults, E22 for a
 * malformed packet, an empty reply for anything we do not support.
 */
#include "gdbstub/internal.h"
#include "gdbstub/gdbstub.h"
#include "exec/breakpoint.h"
#include "exec/sw-breakpoint.h"
#include "exec/memory.h"
#include "monitor/monitor.h"
#include "sysemu/runstate.h"
#include "target/i386/cpu.h"
#include "util/log.h"

#define E_FAULT "E14"
#define E_INVAL "E22"

/* qRcmd output beyond this is cut: one monitor command, one reply. */
#define RCMD_MAX_OUTPUT (256 * KiB)

static void reply(GdbState *s, const char *str)
{
    gdb_send_str(s, str);
}

static void reply_gstr(GdbState *s, GString *g)
{
    gdb_send_packet(s, g->str, g->len);
}

/* ---- memory ---- */

/* One guest-physical piece; software breakpoints (KVM's int3) stay
 * invisible to the client: reads see the original bytes, writes change
 * them and keep the int3. */
static MemTxResult gdb_rw_phys(uint64_t pa, uint8_t *buf, uint64_t len,
                               bool is_write)
{
    MemTxResult r;

    if (is_write) {
        g_autofree uint8_t *copy = g_memdup2(buf, len);

        sw_bp_filter_write(pa, copy, len);
        return address_space_write_rom(&address_space_memory, pa, copy, len);
    }
    r = address_space_read(&address_space_memory, pa, buf, len);
    if (r == MEMTX_OK) {
        sw_bp_filter_read(pa, buf, len);
    }
    return r;
}

/* The client's view of memory: guest-virtual through the vCPU's page
 * tables, or physical after Qqemu.PhyMemMode:1. */
static bool gdb_rw_memory(GdbState *s, uint64_t addr, uint8_t *buf,
                          uint64_t len, bool is_write)
{
    CPUState *cpu = s->g_cpu ? s->g_cpu : first_cpu;
    CPUClass *cc;

    if (!cpu) {
        return false;
    }
    cc = CPU_GET_CLASS(cpu);
    if (s->phys_mem || !cc->get_phys_page_debug) {
        return gdb_rw_phys(addr, buf, len, is_write) == MEMTX_OK;
    }
    cpu_synchronize_state(cpu);
    while (len) {
        uint64_t page = addr & ~0xfffull;
        hwaddr pa = cc->get_phys_page_debug(cpu, page);
        uint64_t n = MIN(len, page + 0x1000 - addr);
        MemTxResult r;

        if (pa == (hwaddr)-1) {
            return false;
        }
        pa += addr - page;
        r = gdb_rw_phys(pa, buf, n, is_write);
        if (r != MEMTX_OK) {
            return false;
        }
        addr += n;
        buf += n;
        len -= n;
    }
    return true;
}

/* "ADDR,LEN" followed by 'term' (or the end when term is 0). */
static bool parse_addr_len(const char **p, uint64_t *addr, uint64_t *len,
                           char term)
{
    if (!gdb_parse_hex(p, addr) || **p != ',') {
        return false;
    }
    (*p)++;
    if (!gdb_parse_hex(p, len) || **p != term) {
        return false;
    }
    if (term) {
        (*p)++;
    }
    return true;
}

static void cmd_read_memory(GdbState *s, const char *p)
{
    g_autoptr(GString) out = g_string_new(NULL);
    g_autofree uint8_t *buf = NULL;
    uint64_t addr, len;

    if (!parse_addr_len(&p, &addr, &len, 0)) {
        reply(s, E_INVAL);
        return;
    }
    /* The reply must fit a packet; gdb asks again for the rest. */
    len = MIN(len, (GDB_MAX_PACKET - 1) / 2);
    buf = g_malloc(len ? len : 1);
    if (!gdb_rw_memory(s, addr, buf, len, false)) {
        reply(s, E_FAULT);
        return;
    }
    gdb_hex_encode(out, buf, len);
    reply_gstr(s, out);
}

static void cmd_write_memory(GdbState *s, const char *p, size_t plen,
                             bool binary)
{
    const char *start = p;
    g_autofree uint8_t *buf = NULL;
    uint64_t addr, len;
    size_t data_len;

    if (!parse_addr_len(&p, &addr, &len, ':') || len > GDB_MAX_PACKET) {
        reply(s, E_INVAL);
        return;
    }
    data_len = plen - (p - start);
    buf = g_malloc(len ? len : 1);
    if (binary) {
        g_autofree uint8_t *raw = g_malloc(data_len + 1);
        ssize_t n;

        memcpy(raw, p, data_len);
        n = gdb_unescape_binary(raw, data_len);
        if (n != (ssize_t)len) {
            reply(s, E_INVAL);
            return;
        }
        memcpy(buf, raw, len);
    } else if (!gdb_hex_decode(p, data_len, buf, len)) {
        reply(s, E_INVAL);
        return;
    }
    if (len && !gdb_rw_memory(s, addr, buf, len, true)) {
        reply(s, E_FAULT);
        return;
    }
    reply(s, "OK");
}

/* ---- registers ---- */

static CPUState *reg_cpu(GdbState *s)
{
    CPUState *cpu = s->g_cpu ? s->g_cpu : first_cpu;

    if (cpu) {
        cpu_synchronize_state(cpu);
    }
    return cpu;
}

static void cmd_read_all_regs(GdbState *s)
{
    CPUState *cpu = reg_cpu(s);
    g_autoptr(GString) out = g_string_new(NULL);
    uint8_t buf[16];

    if (!cpu) {
        reply(s, E_FAULT);
        return;
    }
    for (int n = 0; n < GDB_X86_NUM_REGS; n++) {
        int size = gdb_x86_read_reg(cpu, n, buf);
        gdb_hex_encode(out, buf, size);
    }
    reply_gstr(s, out);
}

static void cmd_write_all_regs(GdbState *s, const char *p, size_t plen)
{
    CPUState *cpu = reg_cpu(s);
    g_autofree uint8_t *buf = NULL;
    size_t len = plen / 2, off = 0;

    if (!cpu) {
        reply(s, E_FAULT);
        return;
    }
    buf = g_malloc(len + 1);
    if (plen % 2 || !gdb_hex_decode(p, plen, buf, len)) {
        reply(s, E_INVAL);
        return;
    }
    /* A shorter 'G' writes the registers it covers completely. */
    for (int n = 0; n < GDB_X86_NUM_REGS && off < len; n++) {
        int used = gdb_x86_write_reg(cpu, n, buf + off, len - off);
        if (!used) {
            break;
        }
        off += used;
    }
    reply(s, "OK");
}

static void cmd_read_reg(GdbState *s, const char *p)
{
    CPUState *cpu = reg_cpu(s);
    g_autoptr(GString) out = g_string_new(NULL);
    uint64_t n;
    uint8_t buf[16];
    int size;

    if (!gdb_parse_hex(&p, &n) || *p) {
        reply(s, E_INVAL);
        return;
    }
    if (!cpu || n >= GDB_X86_NUM_REGS ||
        !(size = gdb_x86_read_reg(cpu, n, buf))) {
        reply(s, E_FAULT);
        return;
    }
    gdb_hex_encode(out, buf, size);
    reply_gstr(s, out);
}

static void cmd_write_reg(GdbState *s, const char *p, size_t plen)
{
    const char *start = p;
    CPUState *cpu = reg_cpu(s);
    uint8_t buf[16];
    uint64_t n;
    size_t hex_len;
    int size;

    if (!gdb_parse_hex(&p, &n) || *p != '=') {
        reply(s, E_INVAL);
        return;
    }
    p++;
    hex_len = plen - (p - start);
    if (!cpu || n >= GDB_X86_NUM_REGS) {
        reply(s, E_FAULT);
        return;
    }
    size = gdb_x86_reg_size(n);
    if (!gdb_hex_decode(p, hex_len, buf, size)) {
        reply(s, E_INVAL);
        return;
    }
    gdb_x86_write_reg(cpu, n, buf, size);
    reply(s, "OK");
}

/* ---- breakpoints ---- */

static void cmd_breakpoint(GdbState *s, const char *p, bool insert)
{
    uint64_t type, addr, kind;
    CPUState *cpu, *failed = NULL;
    int flags = 0, ret = 0;

    if (!gdb_parse_hex(&p, &type) || *p++ != ',' ||
        !gdb_parse_hex(&p, &addr) || *p++ != ',' ||
        !gdb_parse_hex(&p, &kind) || (*p && *p != ';')) {
        reply(s, E_INVAL);
        return;
    }
    if (type > 4) {
        reply(s, "");       /* unsupported kind: gdb tries another way */
        return;
    }
    /* In all-stop mode a breakpoint is for every vCPU. */
    CPU_FOREACH(cpu) {
        failed = cpu;
        if (type <= 1) {
            flags = BP_GDB | (type == 1 ? BP_HW : 0);
            ret = insert ? cpu_breakpoint_insert(cpu, addr, flags)
                         : cpu_breakpoint_remove(cpu, addr, flags);
        } else {
            flags = BP_GDB | (type == 2 ? BP_MEM_WRITE :
                              type == 3 ? BP_MEM_READ : BP_MEM_ACCESS);
            ret = insert ? cpu_watchpoint_insert(cpu, addr, kind, flags)
                         : cpu_watchpoint_remove(cpu, addr, kind, flags);
        }
        if (ret) {
            break;
        }
    }
    if (ret && insert) {
        /* All or nothing: take it back from the vCPUs that have it. */
        CPU_FOREACH(cpu) {
            if (cpu == failed) {
                break;
            }
            if (type <= 1) {
                cpu_breakpoint_remove(cpu, addr, flags);
            } else {
                cpu_watchpoint_remove(cpu, addr, kind, flags);
            }
        }
    }
    reply(s, ret ? E_INVAL : "OK");
}

/* ---- run control ---- */

static void step_cpu(GdbState *s, CPUState *cpu)
{
    cpu_single_step(cpu, s->sstep_flags | SSTEP_ENABLE);
}

/* c/s with an optional resume address, C/S with a signal first. */
static void cmd_continue(GdbState *s, const char *p, bool step, bool sig)
{
    CPUState *cpu = s->c_cpu ? s->c_cpu : first_cpu;
    uint64_t v;

    if (sig) {
        /* The signal has no meaning for a whole machine: dropped. */
        if (!gdb_parse_hex(&p, &v)) {
            reply(s, E_INVAL);
            return;
        }
        if (*p == ';') {
            p++;
        } else if (*p) {
            reply(s, E_INVAL);
            return;
        }
    }
    if (*p) {
        if (!gdb_parse_hex(&p, &v) || *p) {
            reply(s, E_INVAL);
            return;
        }
        cpu_synchronize_state(cpu);
        X86_CPU(cpu)->env.rip = v;
    }
    if (step) {
        step_cpu(s, cpu);
    }
    s->run_cpu = cpu;
    gdb_resume(s, NULL, 0);
}

/* vCont;ACTION[:TID];... : the leftmost action that names a thread
 * wins for it. vCPUs without an action stay stopped (gdb's
 * scheduler-locking: "vCont;s:2" steps vCPU 2 alone, "vCont;s:2;c"
 * steps it while the others run); stepping ones stop after one
 * instruction and, all-stop, stop the rest. */
static void cmd_vcont(GdbState *s, const char *p)
{
    CPUState *cpu;
    int ncpu = 0;
    g_autofree bool *done = NULL;
    g_autofree bool *step = NULL;
    CPUState *first_step = NULL, *first_run = NULL;
    bool any = false, all_run = true;

    CPU_FOREACH(cpu) {
        ncpu = MAX(ncpu, cpu->cpu_index + 1);
    }
    done = g_new0(bool, ncpu + 1);
    step = g_new0(bool, ncpu + 1);
    while (*p == ';') {
        char act = *++p;
        CPUState *target = NULL;
        bool all = true;
        uint64_t sig;

        if (act != 'c' && act != 's' && act != 'C' && act != 'S') {
            reply(s, E_INVAL);
            return;
        }
        p++;
        if ((act == 'C' || act == 'S') && !gdb_parse_hex(&p, &sig)) {
            reply(s, E_INVAL);
            return;
        }
        if (*p == ':') {
            if (!gdb_parse_thread_id(p + 1, &p, &target, &all)) {
                reply(s, E_INVAL);
                return;
            }
        }
        CPU_FOREACH(cpu) {
            int i = cpu->cpu_index;
            if (i < 0 || i >= ncpu || done[i] || (!all && cpu != target)) {
                continue;
            }
            done[i] = true;
            step[i] = act == 's' || act == 'S';
            any = true;
        }
    }
    if (*p || !any) {
        reply(s, E_INVAL);
        return;
    }
    CPU_FOREACH(cpu) {
        int i = cpu->cpu_index;
        if (i < 0 || i >= ncpu || !done[i]) {
            all_run = false;
            continue;
        }
        if (!first_run) {
            first_run = cpu;
        }
        if (step[i]) {
            step_cpu(s, cpu);
            if (!first_step) {
                first_step = cpu;
            }
        }
    }
    /* The thread a Ctrl-C stop reply names: one that was running. */
    if (first_step) {
        s->c_cpu = first_step;
    }
    s->run_cpu = first_step ? first_step : all_run ? s->c_cpu : first_run;
    gdb_resume(s, all_run ? NULL : done, ncpu);
}

static void cmd_set_thread(GdbState *s, const char *p)
{
    char op = *p++;
    CPUState *cpu;
    bool all;

    if ((op != 'g' && op != 'c') || !gdb_parse_thread_id(p, &p, &cpu, &all) ||
        *p) {
        reply(s, E_INVAL);
        return;
    }
    if (op == 'g') {
        s->g_cpu = cpu;
    } else {
        s->c_cpu = cpu;
    }
    reply(s, "OK");
}

static void cmd_thread_alive(GdbState *s, const char *p)
{
    CPUState *cpu;
    bool all;

    if (!gdb_parse_thread_id(p, &p, &cpu, &all) || *p) {
        reply(s, E_INVAL);
        return;
    }
    reply(s, "OK");
}

/* ---- queries ---- */

static void cmd_supported(GdbState *s, const char *p)
{
    g_autoptr(GString) out = g_string_new(NULL);

    s->multiprocess = strstr(p, "multiprocess+") != NULL;
    g_string_append_printf(out, "PacketSize=%x;qXfer:features:read+;"
                           "vContSupported+;QStartNoAckMode+",
                           GDB_MAX_PACKET);
    if (s->multiprocess) {
        g_string_append(out, ";multiprocess+");
    }
    reply_gstr(s, out);
}

static void cmd_xfer_features(GdbState *s, const char *p)
{
    const char *xml = gdb_x86_target_xml();
    size_t total = strlen(xml);
    g_autoptr(GString) out = g_string_new(NULL);
    uint64_t off, len;

    if (!g_str_has_prefix(p, "target.xml:")) {
        reply(s, "E00");       /* no such annex */
        return;
    }
    p += strlen("target.xml:");
    if (!parse_addr_len(&p, &off, &len, 0)) {
        reply(s, E_INVAL);
        return;
    }
    /* Escaping can double a byte; keep the reply within a packet. */
    len = MIN(len, (GDB_MAX_PACKET - 2) / 2);
    if (off >= total) {
        reply(s, "l");
        return;
    }
    len = MIN(len, total - off);
    g_string_append_c(out, off + len < total ? 'm' : 'l');
    gdb_escape_binary(out, (const uint8_t *)xml + off, len);
    reply_gstr(s, out);
}

static void cmd_thread_info(GdbState *s, bool first)
{
    g_autoptr(GString) out = g_string_new("m");
    CPUState *cpu;
    int n = 0;

    if (!first) {
        reply(s, "l");
        return;
    }
    CPU_FOREACH(cpu) {
        if (n++) {
            g_string_append_c(out, ',');
        }
        gdb_append_thread_id(s, cpu, out);
    }
    if (!n) {
        reply(s, "l");
        return;
    }
    reply_gstr(s, out);
}

static void cmd_extra_info(GdbState *s, const char *p)
{
    g_autoptr(GString) text = g_string_new(NULL);
    g_autoptr(GString) out = g_string_new(NULL);
    CPUState *cpu;
    bool all;

    if (!gdb_parse_thread_id(p, &p, &cpu, &all) || *p) {
        reply(s, E_INVAL);
        return;
    }
    gdb_thread_extra_info(cpu, text);
    gdb_hex_encode(out, (uint8_t *)text->str, text->len);
    reply_gstr(s, out);
}

/* qRcmd,HEX: a monitor command; its output comes back as O packets. */
static void cmd_rcmd(GdbState *s, const char *p, size_t plen)
{
    size_t len = plen / 2;
    g_autofree char *line = g_malloc(len + 1);
    g_autoptr(GString) text = g_string_new(NULL);
    Error *err = NULL;

    if (plen % 2 || !gdb_hex_decode(p, plen, (uint8_t *)line, len) ||
        memchr(line, 0, len)) {
        reply(s, E_INVAL);
        return;
    }
    line[len] = 0;
    if (!hmp_run_line(line, text, &err)) {
        g_string_append_printf(text, "%s\n", error_get_pretty(err));
        error_free(err);
    }
    if (text->len > RCMD_MAX_OUTPUT) {
        g_string_truncate(text, RCMD_MAX_OUTPUT);
    }
    /* Each O packet carries what fits, hex encoded. */
    for (size_t off = 0; off < text->len;) {
        size_t n = MIN(text->len - off, (GDB_MAX_PACKET - 1) / 2);
        g_autoptr(GString) out = g_string_new("O");
        gdb_hex_encode(out, (uint8_t *)text->str + off, n);
        reply_gstr(s, out);
        off += n;
    }
    reply(s, "OK");
}

static void cmd_query(GdbState *s, const char *p, size_t plen)
{
    g_autoptr(GString) out = g_string_new(NULL);

    if (g_str_has_prefix(p, "Supported")) {
        cmd_supported(s, p);
    } else if (g_str_has_prefix(p, "Xfer:features:read:")) {
        cmd_xfer_features(s, p + strlen("Xfer:features:read:"));
    } else if (!strcmp(p, "Attached") || g_str_has_prefix(p, "Attached:")) {
        reply(s, "1");          /* we attached to an existing machine */
    } else if (!strcmp(p, "C")) {
        g_string_append(out, "QC");
        gdb_append_thread_id(s, s->g_cpu ? s->g_cpu : first_cpu, out);
        reply_gstr(s, out);
    } else if (!strcmp(p, "fThreadInfo")) {
        cmd_thread_info(s, true);
    } else if (!strcmp(p, "sThreadInfo")) {
        cmd_thread_info(s, false);
    } else if (g_str_has_prefix(p, "ThreadExtraInfo,")) {
        cmd_extra_info(s, p + strlen("ThreadExtraInfo,"));
    } else if (g_str_has_prefix(p, "Rcmd,")) {
        cmd_rcmd(s, p + 5, plen - 5);
    } else if (!strcmp(p, "qemu.sstepbits")) {
        g_string_printf(out, "ENABLE=%x,NOIRQ=%x,NOTIMER=%x", SSTEP_ENABLE,
                        SSTEP_NOIRQ, SSTEP_NOTIMER);
        reply_gstr(s, out);
    } else if (!strcmp(p, "qemu.sstep")) {
        g_string_printf(out, "0x%x", s->sstep_flags);
        reply_gstr(s, out);
    } else if (!strcmp(p, "qemu.PhyMemMode")) {
        reply(s, s->phys_mem ? "1" : "0");
    } else {
        reply(s, "");           /* qOffsets, qTStatus, qSymbol...: none */
    }
}

static void cmd_set(GdbState *s, const char *p)
{
    uint64_t v;

    if (!strcmp(p, "StartNoAckMode")) {
        reply(s, "OK");         /* still acknowledged: then no more */
        s->no_ack = true;
    } else if (g_str_has_prefix(p, "qemu.PhyMemMode:")) {
        p += strlen("qemu.PhyMemMode:");
        if ((*p != '0' && *p != '1') || p[1]) {
            reply(s, E_INVAL);
            return;
        }
        s->phys_mem = *p == '1';
        reply(s, "OK");
    } else if (g_str_has_prefix(p, "qemu.sstep=")) {
        p += strlen("qemu.sstep=");
        if (!gdb_parse_hex(&p, &v) || *p ||
            (v & ~(uint64_t)cpu_debug_sstep_supported())) {
            reply(s, E_INVAL);
            return;
        }
        s->sstep_flags = v;
        reply(s, "OK");
    } else {
        reply(s, "");
    }
}

static void cmd_v(GdbState *s, const char *p)
{
    if (!strcmp(p, "Cont?")) {
        reply(s, "vCont;c;C;s;S");
    } else if (g_str_has_prefix(p, "Cont;") || !strcmp(p, "Cont")) {
        cmd_vcont(s, p + 4);
    } else if (g_str_has_prefix(p, "Kill")) {
        reply(s, "OK");
        gdb_detach(s);
        error_report("Terminated via GDBstub");
        qemu_system_exit_request(0);
    } else {
        reply(s, "");           /* vMustReplyEmpty and the rest */
    }
}

void gdb_handle_packet(GdbState *s, char *pkt, size_t len)
{
    g_autoptr(GString) out = NULL;
    const char *p = pkt + 1;

    if (!len) {
        reply(s, "");
        return;
    }
    /* Commands that take text must not see NUL bytes (X is binary). */
    if (pkt[0] != 'X' && memchr(pkt, 0, len)) {
        reply(s, E_INVAL);
        return;
    }
    switch (pkt[0]) {
    case '?':
        out = g_string_new(NULL);
        gdb_stop_reply(s, s->stop_cpu ? s->stop_cpu : first_cpu, out);
        reply_gstr(s, out);
        break;
    case 'c':
        cmd_continue(s, p, false, false);
        break;
    case 's':
        cmd_continue(s, p, true, false);
        break;
    case 'C':
        cmd_continue(s, p, false, true);
        break;
    case 'S':
        cmd_continue(s, p, true, true);
        break;
    case 'D':
        reply(s, "OK");
        gdb_detach(s);
        vm_start();             /* the machine goes on without us */
        break;
    case 'k':
        gdb_detach(s);
        error_report("Terminated via GDBstub");
        qemu_system_exit_request(0);
        break;
    case 'g':
        cmd_read_all_regs(s);
        break;
    case 'G':
        cmd_write_all_regs(s, p, len - 1);
        break;
    case 'p':
        cmd_read_reg(s, p);
        break;
    case 'P':
        cmd_write_reg(s, p, len - 1);
        break;
    case 'm':
        cmd_read_memory(s, p);
        break;
    case 'M':
        cmd_write_memory(s, p, len - 1, false);
        break;
    case 'X':
        cmd_write_memory(s, p, len - 1, true);
        break;
    case 'Z':
    case 'z':
        cmd_breakpoint(s, p, pkt[0] == 'Z');
        break;
    case 'H':
        cmd_set_thread(s, p);
        break;
    case 'T':
        cmd_thread_alive(s, p);
        break;
    case 'q':
        cmd_query(s, p, len - 1);
        break;
    case 'Q':
        cmd_set(s, p);
        break;
    case 'v':
        cmd_v(s, p);
        break;
    default:
        reply(s, "");
        break;
    }
}
