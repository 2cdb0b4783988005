/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vCPU bookkeeping shared by all accelerators: the CPU list, stopping and
 * starting vCPU threads, kicks, interrupt requests and run_on_cpu.
 *
 * Locking: state flags (stop, stopped, halted, work) change under the BQL.
 * The BQL is opaque (util/main-loop.h), so sleeping uses a second mutex,
 * cpus_lock, always taken after the BQL: a sleeper checks its condition
 * with the BQL held, takes cpus_lock, re-checks, drops the BQL and waits;
 * a waker changes the condition and broadcasts with cpus_lock held. No
 * wake-up is lost that way.
 */
#include "hw/core/cpu.h"
#include "sysemu/accel.h"
#include "sysemu/runstate.h"
#include "util/main-loop.h"

CPUState *first_cpu;
static __thread CPUState *current_cpu;
static GMutex cpus_lock;
static GCond pause_cond;     /* a vCPU reached "stopped" */
static GCond work_cond;      /* a run_on_cpu item completed */
static GCond any_cpu_cond;   /* some vCPU was kicked (one thread, all vCPUs) */

typedef struct WorkItem {
    run_on_cpu_func *fn;
    void *data;
    bool done;
} WorkItem;

CPUState *current_cpu_get(void)
{
    return current_cpu;
}

void current_cpu_set(CPUState *cpu)
{
    current_cpu = cpu;
}

void cpu_list_add(CPUState *cpu)
{
    CPUState **p = &first_cpu;

    while (*p && (*p)->cpu_index < cpu->cpu_index) {
        p = &(*p)->next;
    }
    cpu->next = *p;
    *p = cpu;
}

void cpu_list_remove(CPUState *cpu)
{
    for (CPUState **p = &first_cpu; *p; p = &(*p)->next) {
        if (*p == cpu) {
            *p = cpu->next;
            cpu->next = NULL;
            return;
        }
    }
}

CPUState *qemu_get_cpu(int index)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        if (cpu->cpu_index == index) {
            return cpu;
        }
    }
    return NULL;
}

int cpu_count(void)
{
    CPUState *cpu;
    int n = 0;

    CPU_FOREACH(cpu) {
        n++;
    }
    return n;
}

/* Wake everything sleeping in cpus_wait() on cond. */
static void cpus_broadcast(GCond *cond)
{
    g_mutex_lock(&cpus_lock);
    g_cond_broadcast(cond);
    g_mutex_unlock(&cpus_lock);
}

/* Sleep on cond with the BQL released, unless done(arg) already holds. */
static void cpus_wait(GCond *cond, bool (*done)(void *arg), void *arg)
{
    g_mutex_lock(&cpus_lock);
    if (!done(arg)) {
        bql_unlock();
        g_cond_wait(cond, &cpus_lock);
        g_mutex_unlock(&cpus_lock);
        bql_lock();
        return;
    }
    g_mutex_unlock(&cpus_lock);
}

void cpu_kick(CPUState *cpu)
{
    const AccelOps *ops = current_accel();

    g_mutex_lock(&cpus_lock);
    g_cond_broadcast(&cpu->halt_cond);
    g_cond_broadcast(&any_cpu_cond);
    g_mutex_unlock(&cpus_lock);
    if (cpu->thread_created && ops && ops->kick_vcpu_thread &&
        current_cpu != cpu) {
        ops->kick_vcpu_thread(cpu);
    } else if (current_cpu == cpu && tcg_enabled()) {
        /* Raised by the vCPU's own thread (a self-IPI, an EOI that
         * unmasks the next interrupt): generated code must still leave
         * at the next block entry to take it. */
        __atomic_store_n(&cpu->exit_request, 1, __ATOMIC_RELEASE);
    }
}

void cpu_interrupt(CPUState *cpu, uint32_t mask)
{
    __atomic_or_fetch(&cpu->interrupt_request, mask, __ATOMIC_SEQ_CST);
    cpu_kick(cpu);
}

void cpu_reset_interrupt(CPUState *cpu, uint32_t mask)
{
    __atomic_and_fetch(&cpu->interrupt_request, ~mask, __ATOMIC_SEQ_CST);
}

void cpu_reset(CPUState *cpu)
{
    CPUClass *cc = CPU_GET_CLASS(cpu);

    if (cc->cpu_reset) {
        cc->cpu_reset(cpu);
    }
}

static bool work_done(void *arg)
{
    return __atomic_load_n(&((WorkItem *)arg)->done, __ATOMIC_ACQUIRE);
}

void run_on_cpu(CPUState *cpu, run_on_cpu_func *fn, void *data)
{
    WorkItem wi = { .fn = fn, .data = data };

    if (current_cpu == cpu || !cpu->thread_created) {
        fn(cpu, data);
        return;
    }
    g_mutex_lock(&cpus_lock);
    g_queue_push_tail(cpu->work, &wi);
    g_mutex_unlock(&cpus_lock);
    cpu_kick(cpu);
    while (!work_done(&wi)) {
        cpus_wait(&work_cond, work_done, &wi);
    }
}

void cpu_process_queued_work(CPUState *cpu)
{
    for (;;) {
        WorkItem *wi;

        g_mutex_lock(&cpus_lock);
        wi = g_queue_pop_head(cpu->work);
        g_mutex_unlock(&cpus_lock);
        if (!wi) {
            return;
        }
        wi->fn(cpu, wi->data);
        __atomic_store_n(&wi->done, true, __ATOMIC_RELEASE);
        cpus_broadcast(&work_cond);
    }
}

static bool cpu_has_work(CPUState *cpu)
{
    CPUClass *cc = CPU_GET_CLASS(cpu);

    return cc->has_work ? cc->has_work(cpu) : true;
}

/* Called with cpus_lock held when locked, else takes it. */
static bool cpu_has_queued_work(CPUState *cpu, bool locked)
{
    bool r;

    if (locked) {
        return !g_queue_is_empty(cpu->work);
    }
    g_mutex_lock(&cpus_lock);
    r = !g_queue_is_empty(cpu->work);
    g_mutex_unlock(&cpus_lock);
    return r;
}

static bool cpu_idle(CPUState *cpu, bool locked)
{
    if (cpu->stop || cpu->unplug || cpu_has_queued_work(cpu, locked)) {
        return false;
    }
    if (cpu->stopped) {
        return true;
    }
    return cpu->halted && !cpu_has_work(cpu);
}

bool cpu_thread_is_idle(CPUState *cpu)
{
    return cpu_idle(cpu, false);
}

/* cpus_wait() condition: runs with cpus_lock held. */
static bool cpu_not_idle(void *arg)
{
    return !cpu_idle(arg, true);
}

void cpu_wait_io_event(CPUState *cpu)
{
    for (;;) {
        if (cpu->stop) {
            cpu->stop = false;
            cpu->stopped = true;
            cpus_broadcast(&pause_cond);
        }
        cpu_process_queued_work(cpu);
        if (!cpu_thread_is_idle(cpu)) {
            return;
        }
        cpus_wait(&cpu->halt_cond, cpu_not_idle, cpu);
    }
}

static bool any_cpu_not_idle(void *arg)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        if (!cpu_idle(cpu, true)) {
            return true;
        }
    }
    return false;
}

void cpu_wait_io_event_all(void)
{
    CPUState *cpu;
    CPUState *self = current_cpu;

    for (;;) {
        CPU_FOREACH(cpu) {
            if (cpu->stop) {
                cpu->stop = false;
                cpu->stopped = true;
                cpus_broadcast(&pause_cond);
            }
            /* Work for a vCPU runs as that vCPU (run_on_cpu's rule). */
            current_cpu = cpu;
            cpu_process_queued_work(cpu);
        }
        current_cpu = self;
        CPU_FOREACH(cpu) {
            if (!cpu_thread_is_idle(cpu)) {
                return;
            }
        }
        cpus_wait(&any_cpu_cond, any_cpu_not_idle, NULL);
    }
}

bool all_vcpus_paused(void)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        if (cpu->thread_created && !cpu->stopped) {
            return false;
        }
    }
    return true;
}

static bool all_paused(void *arg)
{
    return all_vcpus_paused();
}

void pause_all_vcpus(void)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        if (cpu == current_cpu) {
            /* A vCPU stopping the VM (internal error, debug) stops itself
             * right away: it cannot wait for its own acknowledgement. */
            cpu->stop = false;
            cpu->stopped = true;
        } else if (!cpu->stopped) {
            cpu->stop = true;
            cpu_kick(cpu);
        }
    }
    while (!all_vcpus_paused()) {
        cpus_wait(&pause_cond, all_paused, NULL);
        CPU_FOREACH(cpu) {
            if (!cpu->stopped) {
                cpu_kick(cpu);   /* in case it re-entered the guest */
            }
        }
    }
}

void cpu_resume(CPUState *cpu)
{
    cpu->stop = false;
    cpu->stopped = false;
    cpu_kick(cpu);
}

void resume_all_vcpus(void)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        cpu->stop = false;
        cpu->stopped = false;
        cpu_kick(cpu);
    }
}

void cpu_synchronize_state(CPUState *cpu)
{
    const AccelOps *ops = current_accel();

    if (ops && ops->synchronize_state) {
        ops->synchronize_state(cpu);
    }
}

void cpu_synchronize_post_reset(CPUState *cpu)
{
    const AccelOps *ops = current_accel();

    if (ops && ops->synchronize_post_reset) {
        ops->synchronize_post_reset(cpu);
    }
}

void cpu_synchronize_post_init(CPUState *cpu)
{
    const AccelOps *ops = current_accel();

    if (ops && ops->synchronize_post_init) {
        ops->synchronize_post_init(cpu);
    }
}

void cpu_dump_state(CPUState *cpu, GString *out, int flags)
{
    CPUClass *cc = CPU_GET_CLASS(cpu);

    cpu_synchronize_state(cpu);
    if (cc->dump_state) {
        cc->dump_state(cpu, out, flags);
    }
}

/* ---- the abstract "cpu" type ---- */

static void cpu_instance_init(Object *obj)
{
    CPUState *cpu = CPU(obj);

    g_cond_init(&cpu->halt_cond);
    cpu->work = g_queue_new();
    cpu->stopped = true;          /* threads start stopped until vm_start */
    cpu->cpu_index = -1;
}

static void cpu_instance_finalize(Object *obj)
{
    CPUState *cpu = CPU(obj);

    cpu_list_remove(cpu);
    g_queue_free(cpu->work);
    g_cond_clear(&cpu->halt_cond);
}

static const TypeInfo cpu_types[] = {
    {
        .name = TYPE_CPU,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(CPUState),
        .class_size = sizeof(CPUClass),
        .instance_init = cpu_instance_init,
        .instance_finalize = cpu_instance_finalize,
        .abstract = true,
    },
};

DEFINE_TYPES(cpu_types)
