/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One thread per vCPU running KVM_RUN, and the exits every architecture
 * shares: port and MMIO accesses, shutdown, system events, errors.
 *
 * A vCPU thread holds the BQL except inside KVM_RUN. Kicks are SIGUSR1:
 * the thread keeps it blocked and lets KVM unblock it only for the
 * duration of KVM_RUN (KVM_SET_SIGNAL_MASK), so a kick sent at any moment
 * stays pending and makes the next (or current) KVM_RUN return -EINTR;
 * the thread then consumes it with sigtimedwait. No kick is ever lost.
 */
#include "accel/kvm/kvm-int.h"
#include "exec/memory.h"
#include "sysemu/runstate.h"
#include "util/main-loop.h"
#include "util/log.h"
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#define SIG_KICK SIGUSR1

static void kick_handler(int sig)
{
    /* Nothing: the signal only interrupts KVM_RUN. */
}

void kvm_cpus_init_signals(void)
{
    struct sigaction sa = { .sa_handler = kick_handler };

    sigemptyset(&sa.sa_mask);
    sigaction(SIG_KICK, &sa, NULL);
}

void kvm_kick_vcpu(CPUState *cpu)
{
    __atomic_store_n(&cpu->exit_request, 1, __ATOMIC_RELEASE);
    pthread_kill(cpu->thread, SIG_KICK);
}

static void consume_kick(void)
{
    sigset_t set;
    struct timespec ts = { 0, 0 };

    sigemptyset(&set);
    sigaddset(&set, SIG_KICK);
    while (sigtimedwait(&set, NULL, &ts) > 0) {
    }
}

static bool kvm_init_vcpu(CPUState *cpu, Error **errp)
{
    AccelCPUState *a = g_new0(AccelCPUState, 1);
    struct {
        struct kvm_signal_mask sm;
        uint8_t set[8];
    } mask;
    sigset_t set;
    int r;

    a->fd = kvm_vm_ioctl(KVM_CREATE_VCPU, (void *)(uintptr_t)
                         CPU_GET_CLASS(cpu)->get_arch_id(cpu));
    if (a->fd < 0) {
        error_setg(errp, "kvm_init_vcpu: kvm_get_vcpu failed (%d): %s",
                   cpu->cpu_index, strerror(-a->fd));
        g_free(a);
        return false;
    }
    a->run_size = kvm_state->run_mmap_size;
    a->run = mmap(NULL, a->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
                  a->fd, 0);
    if (a->run == MAP_FAILED) {
        error_setg_errno(errp, errno, "kvm_init_vcpu: mmap'ing vcpu state "
                         "failed");
        close(a->fd);
        g_free(a);
        return false;
    }
    cpu->accel = a;
    if (kvm_state->coalesced_page && !kvm_state->coalesced_ring &&
        (size_t)kvm_state->coalesced_page * 4096 < a->run_size) {
        kvm_state->coalesced_ring = (void *)((uint8_t *)a->run +
                                             kvm_state->coalesced_page * 4096);
    }

    /* KVM_RUN runs with the thread's mask minus SIG_KICK. */
    pthread_sigmask(SIG_BLOCK, NULL, &set);
    sigdelset(&set, SIG_KICK);
    mask.sm.len = 8;
    memcpy(mask.set, &set, 8);
    r = kvm_vcpu_ioctl(cpu, KVM_SET_SIGNAL_MASK, &mask.sm);
    if (r < 0) {
        error_setg(errp, "kvm: KVM_SET_SIGNAL_MASK failed: %s", strerror(-r));
        return false;
    }
    if (!kvm_arch_init_vcpu(cpu, errp)) {
        return false;
    }
    return true;
}

/* ---- exits ---- */

#define COALESCED_MAX ((4096 - sizeof(struct kvm_coalesced_mmio_ring)) / \
                       sizeof(struct kvm_coalesced_mmio))

/* Replays the writes KVM queued, in order; BQL held. */
void kvm_flush_coalesced(void)
{
    struct kvm_coalesced_mmio_ring *ring = kvm_state->coalesced_ring;

    if (!ring) {
        return;
    }
    while (ring->first != __atomic_load_n(&ring->last, __ATOMIC_ACQUIRE)) {
        struct kvm_coalesced_mmio *e = &ring->coalesced_mmio[ring->first];
        address_space_write(e->pio ? &address_space_io : &address_space_memory,
                            e->phys_addr, e->data, MIN(e->len, 8u));
        __atomic_store_n(&ring->first, (ring->first + 1) % COALESCED_MAX,
                         __ATOMIC_RELEASE);
    }
}

static void handle_io(struct kvm_run *run)
{
    uint8_t *data = (uint8_t *)run + run->io.data_offset;
    bool write = run->io.direction == KVM_EXIT_IO_OUT;

    /* String I/O ("rep outsb") arrives as one exit with count > 1. */
    for (uint32_t i = 0; i < run->io.count; i++) {
        address_space_rw(&address_space_io, run->io.port, data,
                         run->io.size, write);
        data += run->io.size;
    }
}

static void handle_mmio(struct kvm_run *run)
{
    /* Writes to read-only slots (ROM) land here too and are dropped by the
     * memory core's ROM handling. */
    address_space_rw(&address_space_memory, run->mmio.phys_addr,
                     run->mmio.data, run->mmio.len, run->mmio.is_write);
}

static int handle_fatal(CPUState *cpu)
{
    GString *out = g_string_new(NULL);

    cpu_dump_state(cpu, out, CPU_DUMP_FPU);
    fputs(out->str, stderr);
    g_string_free(out, true);
    qemu_system_internal_error();
    return EXCP_FATAL;
}

static int handle_internal_error(CPUState *cpu, struct kvm_run *run)
{
    fprintf(stderr, "KVM internal error. Suberror: %d\n",
            run->internal.suberror);
    for (uint32_t i = 0; i < run->internal.ndata && i < 16; i++) {
        fprintf(stderr, "extra data[%d]: 0x%016" PRIx64 "\n", i,
                (uint64_t)run->internal.data[i]);
    }
    if (run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION) {
        fprintf(stderr, "emulation failure\n");
    }
    return handle_fatal(cpu);
}

static int handle_system_event(CPUState *cpu, struct kvm_run *run)
{
    switch (run->system_event.type) {
    case KVM_SYSTEM_EVENT_SHUTDOWN:
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
        break;
    case KVM_SYSTEM_EVENT_RESET:
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        break;
    case KVM_SYSTEM_EVENT_CRASH:
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_PANIC);
        break;
    default:
        error_report("kvm: unhandled system event %u",
                     run->system_event.type);
        return handle_fatal(cpu);
    }
    /* Park until the main loop has acted (reset resumes us). */
    cpu->stop = true;
    return EXCP_INTERRUPT;
}

/* One or more trips through KVM_RUN; BQL held on entry and exit. */
static int kvm_cpu_exec(CPUState *cpu)
{
    AccelCPUState *a = cpu->accel;
    struct kvm_run *run = a->run;
    int ret = EXCP_RUN_AGAIN;

    while (ret == EXCP_RUN_AGAIN) {
        int r;

        if (cpu->vcpu_dirty) {
            a->dirty |= KVM_GRP_ALL;
            cpu->vcpu_dirty = false;
        }
        if (!kvm_arch_pre_run(cpu)) {
            return EXCP_HLT;
        }
        kvm_arch_put_registers(cpu, 0);
        if (a->guest_debug_dirty) {
            /* After the registers: KVM folds its TF into rflags here. */
            a->guest_debug_dirty = false;
            r = kvm_vcpu_ioctl(cpu, KVM_SET_GUEST_DEBUG, &a->guest_debug);
            if (r < 0) {
                error_report("kvm: KVM_SET_GUEST_DEBUG failed: %s",
                             strerror(-r));
            }
        }
        __atomic_store_n(&cpu->exit_request, 0, __ATOMIC_RELAXED);

        __atomic_add_fetch(&kvm_state->in_run, 1, __ATOMIC_ACQ_REL);
        bql_unlock();
        r = ioctl(a->fd, KVM_RUN, 0);
        r = r < 0 ? -errno : r;
        __atomic_sub_fetch(&kvm_state->in_run, 1, __ATOMIC_ACQ_REL);
        bql_lock();
        kvm_flush_coalesced();
        kvm_arch_post_run(cpu);

        if (r < 0) {
            if (r == -EINTR || r == -EAGAIN) {
                consume_kick();
                return EXCP_INTERRUPT;
            }
            error_report("error: kvm run failed %s", strerror(-r));
            return handle_fatal(cpu);
        }
        switch (run->exit_reason) {
        case KVM_EXIT_IO:
            handle_io(run);
            break;
        case KVM_EXIT_MMIO:
            handle_mmio(run);
            break;
        case KVM_EXIT_IRQ_WINDOW_OPEN:
        case KVM_EXIT_INTR:
            ret = EXCP_INTERRUPT;
            break;
        case KVM_EXIT_SHUTDOWN:
            /* Triple fault: the machine resets (or -no-reboot quits). */
            qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_TRIPLE_FAULT);
            cpu->stop = true;
            ret = EXCP_INTERRUPT;
            break;
        case KVM_EXIT_SYSTEM_EVENT:
            ret = handle_system_event(cpu, run);
            break;
        case KVM_EXIT_INTERNAL_ERROR:
            ret = handle_internal_error(cpu, run);
            break;
        case KVM_EXIT_FAIL_ENTRY:
            fprintf(stderr, "KVM: entry failed, hardware error 0x%" PRIx64
                    "\n", (uint64_t)
                    run->fail_entry.hardware_entry_failure_reason);
            ret = handle_fatal(cpu);
            break;
        default:
            ret = kvm_arch_handle_exit(cpu, run);
            break;
        }
        if (ret == EXCP_RUN_AGAIN &&
            (cpu->stop || __atomic_load_n(&cpu->exit_request,
                                          __ATOMIC_ACQUIRE))) {
            ret = EXCP_INTERRUPT;
        }
    }
    return ret;
}

static void *kvm_vcpu_thread_fn(void *arg)
{
    CPUState *cpu = arg;
    bool dead = false;

    current_cpu_set(cpu);
    bql_lock();
    while (!cpu->unplug) {
        if (!dead && !cpu->stop && !cpu->stopped) {
            if (kvm_cpu_exec(cpu) == EXCP_FATAL) {
                /* Never run this vCPU again; the VM is ending. */
                dead = true;
                cpu->stop = true;
            }
        }
        cpu_wait_io_event(cpu);
    }
    bql_unlock();
    return NULL;
}

bool kvm_create_vcpu_thread(CPUState *cpu, Error **errp)
{
    sigset_t set, old;
    int r;

    /* The thread inherits a mask with SIG_KICK blocked. */
    sigemptyset(&set);
    sigaddset(&set, SIG_KICK);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    if (!kvm_init_vcpu(cpu, errp)) {
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        return false;
    }
    r = pthread_create(&cpu->thread, NULL, kvm_vcpu_thread_fn, cpu);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (r) {
        error_setg(errp, "failed to create vCPU thread: %s", strerror(r));
        return false;
    }
    cpu->thread_created = true;
    return true;
}
