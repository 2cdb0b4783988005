/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Run state and the requests that change it. A request (from a vCPU, a
 * device, the monitor or a signal handler) only records itself and wakes
 * the main loop; main_loop_run_vm() acts on it with the BQL held, so a
 * reset never races a device access.
 */
#include "sysemu/runstate.h"
#include "hw/core/cpu.h"
#include "util/main-loop.h"
#include "util/timer.h"
#include <fcntl.h>
#include <signal.h>

bool no_reboot;
bool no_shutdown;

static RunState current_state = RUN_STATE_PRELAUNCH;

/* Pending requests; written from any thread, consumed by the main loop. */
static int reset_req;           /* ShutdownCause, 0 = none */
static int shutdown_req;        /* ShutdownCause, 0 = none */
static int exit_req;            /* status + 1, 0 = none */
static int powerdown_req;
static int killed_signal;
static int killed_pid;
static int wake_pipe[2] = { -1, -1 };

typedef struct Hook {
    void (*fn)(void);
    void *opaque;
} Hook;
static GArray *powerdown_notifiers;   /* of Hook */
static GArray *change_handlers;       /* of Hook */
static GArray *event_handlers;        /* of Hook */

static const char *const runstate_names[RUN_STATE__MAX] = {
    [RUN_STATE_PRELAUNCH] = "prelaunch",
    [RUN_STATE_RUNNING] = "running",
    [RUN_STATE_PAUSED] = "paused",
    [RUN_STATE_SHUTDOWN] = "shutdown",
    [RUN_STATE_INTERNAL_ERROR] = "internal-error",
    [RUN_STATE_GUEST_PANICKED] = "guest-panicked",
    [RUN_STATE_DEBUG] = "debug",
    [RUN_STATE_IO_ERROR] = "io-error",
};

static const char *const cause_names[SHUTDOWN_CAUSE__MAX] = {
    [SHUTDOWN_CAUSE_NONE] = "none",
    [SHUTDOWN_CAUSE_HOST_ERROR] = "host-error",
    [SHUTDOWN_CAUSE_HOST_QMP_QUIT] = "host-qmp-quit",
    [SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET] = "host-qmp-system-reset",
    [SHUTDOWN_CAUSE_HOST_SIGNAL] = "host-signal",
    [SHUTDOWN_CAUSE_HOST_UI] = "host-ui",
    [SHUTDOWN_CAUSE_GUEST_SHUTDOWN] = "guest-shutdown",
    [SHUTDOWN_CAUSE_GUEST_RESET] = "guest-reset",
    [SHUTDOWN_CAUSE_GUEST_TRIPLE_FAULT] = "guest-triple-fault",
    [SHUTDOWN_CAUSE_GUEST_PANIC] = "guest-panic",
    [SHUTDOWN_CAUSE_SUBSYSTEM_RESET] = "subsystem-reset",
};

const char *runstate_name(RunState s)
{
    return s < RUN_STATE__MAX ? runstate_names[s] : "unknown";
}

const char *shutdown_cause_name(ShutdownCause c)
{
    return c < SHUTDOWN_CAUSE__MAX ? cause_names[c] : "unknown";
}

RunState runstate_get(void)
{
    return current_state;
}

bool runstate_is_running(void)
{
    return current_state == RUN_STATE_RUNNING;
}

static void hook_add(GArray **arr, void (*fn)(void), void *opaque)
{
    Hook h = { fn, opaque };

    if (!*arr) {
        *arr = g_array_new(false, false, sizeof(Hook));
    }
    g_array_append_val(*arr, h);
}

#define HOOK_FOREACH(arr, h)                                            \
    for (guint _i = 0; (arr) && _i < (arr)->len &&                      \
         ((h) = &g_array_index((arr), Hook, _i)); _i++)

void runstate_set(RunState s)
{
    Hook *h;

    if (s == current_state) {
        return;
    }
    current_state = s;
    HOOK_FOREACH(change_handlers, h) {
        ((RunstateChangeFn *)h->fn)(h->opaque, s);
    }
}

static void emit_event(SystemEvent ev, ShutdownCause cause)
{
    bool guest = cause >= SHUTDOWN_CAUSE_GUEST_SHUTDOWN &&
                 cause != SHUTDOWN_CAUSE_SUBSYSTEM_RESET;
    Hook *h;

    HOOK_FOREACH(event_handlers, h) {
        ((SystemEventFn *)h->fn)(h->opaque, ev, guest, cause);
    }
}

void qemu_register_powerdown_notifier(void (*fn)(void *opaque), void *opaque)
{
    hook_add(&powerdown_notifiers, (void (*)(void))fn, opaque);
}

void runstate_add_change_handler(RunstateChangeFn *fn, void *opaque)
{
    hook_add(&change_handlers, (void (*)(void))fn, opaque);
}

void system_event_add_handler(SystemEventFn *fn, void *opaque)
{
    hook_add(&event_handlers, (void (*)(void))fn, opaque);
}

bool vm_prepare_start(void)
{
    if (runstate_is_running()) {
        return false;
    }
    clock_virtual_start();
    runstate_set(RUN_STATE_RUNNING);
    emit_event(SYSTEM_EVENT_RESUME, SHUTDOWN_CAUSE_NONE);
    return true;
}

void vm_start(void)
{
    if (vm_prepare_start()) {
        resume_all_vcpus();
    }
}

void vm_stop(RunState state)
{
    if (runstate_is_running()) {
        pause_all_vcpus();
        clock_virtual_stop();
        runstate_set(state);
        emit_event(SYSTEM_EVENT_STOP, SHUTDOWN_CAUSE_NONE);
    } else {
        runstate_set(state);
    }
}

/* ---- requests (any thread; the signal path is async-signal-safe) ---- */

static void wake_main_loop(void)
{
    if (wake_pipe[1] >= 0) {
        char c = 0;
        ssize_t r = write(wake_pipe[1], &c, 1);
        (void)r;   /* a full pipe already means "wake up" */
    }
}

static void on_wake_pipe(void *opaque)
{
    char buf[64];

    while (read(wake_pipe[0], buf, sizeof(buf)) > 0) {
    }
}

static void request_notify(void)
{
    wake_main_loop();
    main_loop_notify();
}

/*
 * A vCPU that asks for a reset, shutdown or exit must not run on until the
 * main loop has acted: park it (as QEMU does), so a guest never executes
 * past its own power-off. Called with the BQL held on vCPU threads.
 */
static void cpu_stop_current(void)
{
    CPUState *cpu = current_cpu_get();

    if (cpu) {
        cpu->stop = true;
        __atomic_store_n(&cpu->exit_request, 1, __ATOMIC_SEQ_CST);
    }
}

void qemu_system_reset_request(ShutdownCause reason)
{
    if (no_reboot && reason != SHUTDOWN_CAUSE_SUBSYSTEM_RESET) {
        __atomic_store_n(&shutdown_req, reason, __ATOMIC_SEQ_CST);
    } else {
        __atomic_store_n(&reset_req, reason, __ATOMIC_SEQ_CST);
    }
    cpu_stop_current();
    request_notify();
}

void qemu_system_shutdown_request(ShutdownCause reason)
{
    __atomic_store_n(&shutdown_req, reason, __ATOMIC_SEQ_CST);
    cpu_stop_current();
    request_notify();
}

void qemu_system_exit_request(int status)
{
    __atomic_store_n(&exit_req, status + 1, __ATOMIC_SEQ_CST);
    cpu_stop_current();
    request_notify();
}

void qemu_system_powerdown_request(void)
{
    __atomic_store_n(&powerdown_req, 1, __ATOMIC_SEQ_CST);
    request_notify();
}

void qemu_system_killed(int signal)
{
    __atomic_store_n(&killed_signal, signal, __ATOMIC_SEQ_CST);
    wake_main_loop();   /* only the pipe write is async-signal-safe */
}

void qemu_system_internal_error(void)
{
    qemu_system_exit_request(1);
}

static void signal_handler(int sig, siginfo_t *info, void *ctx)
{
    __atomic_store_n(&killed_pid, info && info->si_code <= 0 ?
                     info->si_pid : 0, __ATOMIC_SEQ_CST);
    qemu_system_killed(sig);
}

/* argv[0] of pid, as shown in "terminating on signal" messages. */
static char *pid_command(int pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/cmdline", pid);
    char *contents = NULL;
    gsize len = 0;

    if (!g_file_get_contents(path, &contents, &len, NULL) || !len) {
        g_free(contents);
        return g_strdup("<unknown process>");
    }
    return contents;   /* first NUL-terminated string is argv[0] */
}

static void report_killed(int sig)
{
    int pid = __atomic_load_n(&killed_pid, __ATOMIC_SEQ_CST);

    if (pid > 0) {
        g_autofree char *cmd = pid_command(pid);
        error_report("terminating on signal %d from pid %d (%s)", sig, pid,
                     cmd);
    } else {
        error_report("terminating on signal %d", sig);
    }
}

/* For blocking waits before the main loop runs (a socket server waiting
 * for its first client): end as the main loop would on a signal. */
void runstate_exit_if_killed(void)
{
    int sig = __atomic_load_n(&killed_signal, __ATOMIC_SEQ_CST);

    if (sig) {
        loc_push_none();    /* not about the option being processed */
        report_killed(sig);
        exit(0);
    }
}

void runstate_init_signals(void)
{
    struct sigaction sa = { 0 };

    if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) == 0) {
        main_loop_set_fd_handler(wake_pipe[0], on_wake_pipe, NULL, NULL);
    }
    sa.sa_sigaction = signal_handler;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    /* A closed socket or pipe is reported by write(), not by a signal. */
    signal(SIGPIPE, SIG_IGN);
}

static void do_reset(ShutdownCause cause)
{
    bool was_running = runstate_is_running();

    if (was_running) {
        pause_all_vcpus();
    }
    qemu_devices_reset();
    emit_event(SYSTEM_EVENT_RESET, cause);
    if (current_state == RUN_STATE_SHUTDOWN) {
        /* system_reset after a -no-shutdown stop makes the VM runnable. */
        runstate_set(RUN_STATE_PAUSED);
    }
    if (was_running) {
        resume_all_vcpus();
    }
}

/*
 * Handles pending requests; returns true with *status set when the
 * process should end.
 */
static bool main_loop_should_exit(int *status)
{
    int v;

    /* A signal wins over everything: its message must always show. */
    if ((v = __atomic_load_n(&killed_signal, __ATOMIC_SEQ_CST))) {
        emit_event(SYSTEM_EVENT_SHUTDOWN, SHUTDOWN_CAUSE_HOST_SIGNAL);
        report_killed(v);
        *status = 0;
        return true;
    }
    if ((v = __atomic_exchange_n(&exit_req, 0, __ATOMIC_SEQ_CST))) {
        *status = v - 1;
        return true;
    }
    if ((v = __atomic_exchange_n(&shutdown_req, 0, __ATOMIC_SEQ_CST))) {
        emit_event(SYSTEM_EVENT_SHUTDOWN, v);
        if (no_shutdown) {
            vm_stop(RUN_STATE_SHUTDOWN);
            return false;
        }
        *status = 0;
        return true;
    }
    if ((v = __atomic_exchange_n(&reset_req, 0, __ATOMIC_SEQ_CST))) {
        do_reset(v);
    }
    if (__atomic_exchange_n(&powerdown_req, 0, __ATOMIC_SEQ_CST)) {
        Hook *h;
        emit_event(SYSTEM_EVENT_POWERDOWN, SHUTDOWN_CAUSE_NONE);
        HOOK_FOREACH(powerdown_notifiers, h) {
            ((void (*)(void *))h->fn)(h->opaque);
        }
    }
    return false;
}

int main_loop_run_vm(void)
{
    int status = 0;

    while (!main_loop_should_exit(&status)) {
        main_loop_wait(true);
    }
    return status;
}
