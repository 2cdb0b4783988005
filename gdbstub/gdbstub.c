/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The gdbstub server: one session on a chardev, its framing (acks,
 * NAK resends, no-ack mode), output that never grows past one reply,
 * and the VM's run control for the client (resume, Ctrl-C, the stop
 * replies when a breakpoint, a step or a watchpoint stops the VM).
 * Packets are handed to commands.c.
 */
#include "gdbstub/gdbstub.h"
#include "gdbstub/internal.h"
#include "exec/breakpoint.h"
#include "sysemu/runstate.h"
#include "util/log.h"

/* Signals in stop replies (gdb's own numbering). */
#define GDB_SIGNAL_INT  2
#define GDB_SIGNAL_QUIT 3
#define GDB_SIGNAL_TRAP 5
#define GDB_SIGNAL_ABRT 6

static GdbState *gdb_state;
/* A packet is being handled: the session must outlive it. */
static bool in_packet;

static void gdb_flush(GdbState *s);

static void gdb_on_writable(void *opaque)
{
    gdb_flush(opaque);
}

/* Hand what we can to the chardev; while something is left, input is
 * not read (can_read says 0), so a client that never reads stalls its
 * own sends instead of growing our buffers. */
static void gdb_flush(GdbState *s)
{
    int n;

    if (!s->out->len) {
        return;
    }
    n = chr_fe_write(&s->fe, (uint8_t *)s->out->str, s->out->len);
    if (n > 0) {
        g_string_erase(s->out, 0, n);
    }
    if (s->out->len) {
        chr_fe_add_watch(&s->fe, gdb_on_writable);
    } else {
        chr_fe_accept_input(&s->fe);
    }
}

static void gdb_write(GdbState *s, const char *buf, size_t len)
{
    if (!s->attached) {
        return;
    }
    g_string_append_len(s->out, buf, len);
    gdb_flush(s);
}

void gdb_send_packet(GdbState *s, const char *payload, size_t len)
{
    g_string_truncate(s->last, 0);
    /* Hex replies (g, m, p) have long runs of zeros: worth compressing;
     * anything that may hold '*' itself is sent as is. */
    gdb_packet_encode(s->last, (const uint8_t *)payload, len,
                      !memchr(payload, '*', len) &&
                      !memchr(payload, '<', len));
    gdb_write(s, s->last->str, s->last->len);
}

void gdb_send_str(GdbState *s, const char *payload)
{
    gdb_send_packet(s, payload, strlen(payload));
}

void gdb_stop_reply(GdbState *s, CPUState *cpu, GString *out)
{
    vaddr addr;
    int flags;

    g_string_append_printf(out, "T%02xthread:", GDB_SIGNAL_TRAP);
    gdb_append_thread_id(s, cpu, out);
    g_string_append_c(out, ';');
    if (cpu_watchpoint_hit(cpu, &addr, &flags)) {
        g_string_append_printf(out, "%s:%" PRIx64 ";",
                               flags == BP_MEM_READ ? "rwatch" :
                               flags == BP_MEM_ACCESS ? "awatch" : "watch",
                               addr);
    }
}

static void gdb_clear_stepping(void)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        cpu_single_step(cpu, 0);
    }
}

void gdb_resume(GdbState *s, const bool *run, int nrun)
{
    CPUState *cpu;

    s->running = true;
    if (!run) {
        if (!runstate_is_running()) {
            vm_start();
        }
        return;
    }
    /* Only the vCPUs with an action run; the rest stay stopped (gdb's
     * scheduler-locking) until the next stop or resume. */
    if (vm_prepare_start()) {
        CPU_FOREACH(cpu) {
            if (cpu->cpu_index >= 0 && cpu->cpu_index < nrun &&
                run[cpu->cpu_index]) {
                cpu_resume(cpu);
            }
        }
    }
}

/* A vCPU hit a breakpoint, finished a step or touched a watchpoint; the
 * VM is already stopped (run state "debug"). */
static void gdb_debug_stop(CPUState *cpu, void *opaque)
{
    GdbState *s = gdb_state;
    g_autoptr(GString) reply = g_string_new(NULL);

    if (!s) {
        return;
    }
    gdb_clear_stepping();
    if (!s->attached || !s->running) {
        cpu_watchpoint_hit_clear(cpu);
        return;
    }
    s->running = false;
    s->stop_cpu = s->g_cpu = s->c_cpu = s->run_cpu = cpu;
    gdb_stop_reply(s, cpu, reply);
    cpu_watchpoint_hit_clear(cpu);
    gdb_send_packet(s, reply->str, reply->len);
}

/* The VM stopped for another reason (the monitor's "stop", a shutdown
 * under -no-shutdown) while the client waited: it gets its stop reply. */
static void gdb_runstate_change(void *opaque, RunState state)
{
    GdbState *s = gdb_state;
    g_autoptr(GString) reply = g_string_new(NULL);

    if (!s || !s->attached || !s->running || state == RUN_STATE_RUNNING ||
        state == RUN_STATE_DEBUG) {
        return;
    }
    s->running = false;
    gdb_clear_stepping();
    /* The signal tells gdb why: a shutdown (also the one before exit),
     * an accelerator failure or panic, or a plain stop. */
    g_string_append_printf(reply, "T%02xthread:",
                           state == RUN_STATE_SHUTDOWN ? GDB_SIGNAL_QUIT :
                           state == RUN_STATE_INTERNAL_ERROR ||
                           state == RUN_STATE_GUEST_PANICKED ?
                           GDB_SIGNAL_ABRT : GDB_SIGNAL_INT);
    gdb_append_thread_id(s, s->run_cpu ? s->run_cpu : first_cpu, reply);
    g_string_append_c(reply, ';');
    gdb_send_packet(s, reply->str, reply->len);
}

static void gdb_interrupt(GdbState *s)
{
    g_autoptr(GString) reply = g_string_new(NULL);
    CPUState *cpu = s->run_cpu ? s->run_cpu : first_cpu;

    if (!s->running) {
        return;         /* nothing to interrupt: gdb expects no reply */
    }
    s->running = false;
    gdb_clear_stepping();
    vm_stop(RUN_STATE_DEBUG);
    g_string_append_printf(reply, "T%02xthread:", GDB_SIGNAL_INT);
    gdb_append_thread_id(s, cpu, reply);
    g_string_append_c(reply, ';');
    gdb_send_packet(s, reply->str, reply->len);
}

void gdb_detach(GdbState *s)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        cpu_breakpoint_remove_all(cpu, BP_GDB);
        cpu_watchpoint_remove_all(cpu, BP_GDB);
    }
    gdb_clear_stepping();
    s->running = false;
    s->phys_mem = false;
}

/* The client broke the protocol beyond repair: answer, then drop it. */
static void gdb_kick_client(GdbState *s)
{
    gdb_send_str(s, "E22");
    s->dead = true;
    chr_fe_disconnect(&s->fe);
}

static int gdb_can_read(void *opaque)
{
    GdbState *s = opaque;

    return s->out->len && !s->dead ? 0 : GDB_MAX_PACKET;
}

static void gdb_read(void *opaque, const uint8_t *buf, int size)
{
    GdbState *s = opaque;

    for (int i = 0; i < size && !s->dead; i++) {
        switch (gdb_parser_feed(&s->parser, buf[i])) {
        case GDB_EV_PACKET:
            if (!s->no_ack) {
                gdb_write(s, "+", 1);
            }
            in_packet = true;
            gdb_handle_packet(s, (char *)s->parser.buf, s->parser.len);
            in_packet = false;
            break;
        case GDB_EV_BAD_CHECKSUM:
            if (!s->no_ack) {
                gdb_write(s, "-", 1);
            }
            break;
        case GDB_EV_TOO_LONG:
            gdb_kick_client(s);
            break;
        case GDB_EV_INTERRUPT:
            gdb_interrupt(s);
            break;
        case GDB_EV_NAK:
            if (!s->no_ack && s->last->len) {
                gdb_write(s, s->last->str, s->last->len);
            }
            break;
        case GDB_EV_ACK:
        case GDB_EV_NONE:
            break;
        }
    }
}

static void gdb_event(void *opaque, ChrEvent event)
{
    GdbState *s = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
        s->attached = true;
        s->dead = false;
        s->no_ack = false;
        s->multiprocess = false;
        s->phys_mem = false;
        s->running = false;
        g_string_truncate(s->out, 0);
        g_string_truncate(s->last, 0);
        gdb_parser_init(&s->parser);
        s->g_cpu = s->c_cpu = s->stop_cpu = s->run_cpu = first_cpu;
        /* The client finds the VM stopped, as with QEMU. */
        if (runstate_is_running()) {
            vm_stop(RUN_STATE_DEBUG);
        }
        break;
    case CHR_EVENT_CLOSED:
        if (s->attached) {
            s->attached = false;
            s->dead = false;
            g_string_truncate(s->out, 0);
            /* A client that vanished leaves no breakpoints behind; the
             * VM stays as it was, as with QEMU. */
            gdb_detach(s);
        }
        break;
    default:
        break;
    }
}

bool gdbserver_running(void)
{
    return gdb_state != NULL;
}

void gdbserver_stop(void)
{
    GdbState *s = gdb_state;
    Chardev *chr;

    if (!s) {
        return;
    }
    gdb_state = NULL;
    gdb_detach(s);
    chr = s->chr;
    chr_fe_deinit(&s->fe);
    if (s->chr_owned) {
        chardev_delete(chr);
    }
    g_string_free(s->out, true);
    g_string_free(s->last, true);
    g_free(s);
}

bool gdbserver_start(const char *dev, Error **errp)
{
    static bool hooks_done;
    g_autofree char *spec = NULL;
    GdbState *s;
    Chardev *chr;
    bool owned;

    if (!dev || !*dev) {
        error_setg(errp, "gdbstub: no device given");
        return false;
    }
    if (in_packet) {
        /* qRcmd "gdbserver ...": the session would free itself. */
        error_setg(errp, "gdbstub: cannot be changed from its own session");
        return false;
    }
    gdbserver_stop();
    if (!strcmp(dev, "none")) {
        return true;
    }
    /* tcp: and unix: mean a server that does not wait for its client. */
    if (g_str_has_prefix(dev, "tcp:")) {
        spec = g_strdup_printf("%s,server=on,wait=off,nodelay=on", dev);
    } else if (g_str_has_prefix(dev, "unix:")) {
        spec = g_strdup_printf("%s,server=on,wait=off", dev);
    } else {
        spec = g_strdup(dev);
    }
    owned = !g_str_has_prefix(dev, "chardev:");
    if (owned && chardev_find("gdb")) {
        error_setg(errp, "gdbstub: chardev 'gdb' already exists");
        return false;
    }
    chr = chardev_new_legacy("gdb", spec, errp);
    if (!chr) {
        return false;
    }
    s = g_new0(GdbState, 1);
    s->chr = chr;
    s->chr_owned = owned;
    s->out = g_string_new(NULL);
    s->last = g_string_new(NULL);
    s->g_cpu = s->c_cpu = s->stop_cpu = s->run_cpu = first_cpu;
    /* As QEMU: step with interrupts and timers held, where the
     * accelerator can. */
    s->sstep_flags = (SSTEP_ENABLE | SSTEP_NOIRQ | SSTEP_NOTIMER) &
                     cpu_debug_sstep_supported();
    gdb_parser_init(&s->parser);
    if (!chr_fe_init(&s->fe, chr, errp)) {
        if (owned) {
            chardev_delete(chr);
        }
        g_string_free(s->out, true);
        g_string_free(s->last, true);
        g_free(s);
        return false;
    }
    gdb_state = s;
    if (!hooks_done) {
        hooks_done = true;
        cpu_debug_set_stop_handler(gdb_debug_stop, NULL);
        runstate_add_change_handler(gdb_runstate_change, NULL);
    }
    /* A chardev that is already open (a client socket, stdio, a pipe)
     * gets OPENED, and its session, right here. */
    chr_fe_set_handlers(&s->fe, gdb_can_read, gdb_read, gdb_event, s);
    return true;
}
