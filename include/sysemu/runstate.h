/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VM run state and the requests that change it. Requests may come from
 * any thread (a vCPU's triple fault, the monitor, a signal); the main loop
 * acts on them with the BQL held.
 */
#ifndef KEMU_RUNSTATE_H
#define KEMU_RUNSTATE_H

#include "util/error.h"

typedef enum RunState {
    RUN_STATE_PRELAUNCH,      /* before the first start (also with -S) */
    RUN_STATE_RUNNING,
    RUN_STATE_PAUSED,         /* stop, or -S after machine init */
    RUN_STATE_SHUTDOWN,       /* guest shut down with -no-shutdown */
    RUN_STATE_INTERNAL_ERROR, /* accelerator failure */
    RUN_STATE_GUEST_PANICKED,
    RUN_STATE_DEBUG,          /* stopped by the gdbstub (later) */
    RUN_STATE_IO_ERROR,       /* a drive's werror/rerror=stop stopped it */
    RUN_STATE__MAX
} RunState;

typedef enum ShutdownCause {
    SHUTDOWN_CAUSE_NONE,
    SHUTDOWN_CAUSE_HOST_ERROR,
    SHUTDOWN_CAUSE_HOST_QMP_QUIT,
    SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET,
    SHUTDOWN_CAUSE_HOST_SIGNAL,
    SHUTDOWN_CAUSE_HOST_UI,
    SHUTDOWN_CAUSE_GUEST_SHUTDOWN,    /* ACPI S5, isa-debug-exit... */
    SHUTDOWN_CAUSE_GUEST_RESET,       /* 0xcf9, 0x92, i8042 pulse */
    SHUTDOWN_CAUSE_GUEST_TRIPLE_FAULT,
    SHUTDOWN_CAUSE_GUEST_PANIC,
    SHUTDOWN_CAUSE_SUBSYSTEM_RESET,
    SHUTDOWN_CAUSE__MAX
} ShutdownCause;

const char *runstate_name(RunState s);          /* "running", ... */
const char *shutdown_cause_name(ShutdownCause c); /* "guest-shutdown", ... */
RunState runstate_get(void);
bool runstate_is_running(void);
void runstate_set(RunState s);

/* Start/stop the vCPUs and the virtual clock (BQL held). */
void vm_start(void);
void vm_stop(RunState state);
/* The VM is running from now on, but no vCPU was resumed: the caller
 * resumes the ones it wants with cpu_resume() (gdb's vCont;c:N leaves
 * the others stopped). false if it was running already. */
bool vm_prepare_start(void);

/* Options from the command line. */
extern bool no_reboot;      /* -no-reboot: reset request -> shutdown */
extern bool no_shutdown;    /* -no-shutdown: shutdown -> pause */

/* Requests, callable from any thread. */
void qemu_system_reset_request(ShutdownCause reason);
void qemu_system_shutdown_request(ShutdownCause reason);
/* Process exit with a given status (isa-debug-exit). */
void qemu_system_exit_request(int status);
void qemu_system_powerdown_request(void);   /* ACPI power button */
void qemu_system_killed(int signal);        /* SIGINT/SIGTERM/SIGHUP */
/* Before the main loop runs: exit(0) with the usual message if one of
 * those signals arrived (blocking start-up waits call this on EINTR). */
void runstate_exit_if_killed(void);
void qemu_system_internal_error(void);      /* accel failure: exit 1 */

/* Power-button notifiers (ACPI PM device registers here). */
void qemu_register_powerdown_notifier(void (*fn)(void *opaque), void *opaque);
/* Reset listeners beyond devices, e.g. "RESET" events (monitor). */
typedef void RunstateChangeFn(void *opaque, RunState new_state);
void runstate_add_change_handler(RunstateChangeFn *fn, void *opaque);
/* Events for QMP (the monitor issue hooks these). */
typedef enum SystemEvent {
    SYSTEM_EVENT_RESET,
    SYSTEM_EVENT_SHUTDOWN,
    SYSTEM_EVENT_POWERDOWN,
    SYSTEM_EVENT_STOP,
    SYSTEM_EVENT_RESUME,
} SystemEvent;
typedef void SystemEventFn(void *opaque, SystemEvent ev, bool guest,
                           ShutdownCause cause);
void system_event_add_handler(SystemEventFn *fn, void *opaque);

/*
 * The main loop body: runs until a shutdown/exit request is final.
 * Returns the process exit status.
 */
int main_loop_run_vm(void);

/* SIGINT/SIGTERM/SIGHUP end the VM through qemu_system_killed(); call
 * once after main_loop_init(). */
void runstate_init_signals(void);

#endif
