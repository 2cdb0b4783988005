/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The KVM accelerator: opening /dev/kvm, creating the VM and its
 * interrupt controllers, and mapping guest RAM into memory slots.
 */
#include "accel/kvm/kvm-int.h"
#include "exec/memory.h"
#include "util/main-loop.h"
#include "util/log.h"
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>

KVMState *kvm_state;

/* -accel kvm,kernel-irqchip=... (overrides -machine kernel-irqchip=) */
static int accel_irqchip = -1;

int kvm_get_fd(void)
{
    return kvm_state ? kvm_state->fd : -1;
}

int kvm_get_vm_fd(void)
{
    return kvm_state ? kvm_state->vm_fd : -1;
}

int kvm_ioctl(unsigned long req, void *arg)
{
    int r = ioctl(kvm_state->fd, req, arg);
    return r < 0 ? -errno : r;
}

int kvm_vm_ioctl(unsigned long req, void *arg)
{
    int r = ioctl(kvm_state->vm_fd, req, arg);
    return r < 0 ? -errno : r;
}

int kvm_vcpu_ioctl(CPUState *cpu, unsigned long req, void *arg)
{
    int r = ioctl(cpu->accel->fd, req, arg);
    return r < 0 ? -errno : r;
}

int kvm_check_extension(unsigned int cap)
{
    int r = -1;

    if (kvm_state->vm_fd >= 0) {
        r = ioctl(kvm_state->vm_fd, KVM_CHECK_EXTENSION, (unsigned long)cap);
    }
    if (r < 0) {
        r = ioctl(kvm_state->fd, KVM_CHECK_EXTENSION, (unsigned long)cap);
    }
    return r < 0 ? 0 : r;
}

KernelIrqchip kvm_irqchip_mode(void)
{
    return kvm_state ? kvm_state->irqchip : KERNEL_IRQCHIP_OFF;
}

bool kvm_irqchip_in_kernel(void)
{
    return kvm_state && kvm_state->irqchip != KERNEL_IRQCHIP_OFF;
}

bool kvm_ioapic_in_kernel(void)
{
    return kvm_state && kvm_state->irqchip == KERNEL_IRQCHIP_ON;
}

bool kvm_pit_in_kernel(void)
{
    return kvm_ioapic_in_kernel();
}

/* ---- memory slots ---- */

typedef struct KVMSlot {
    bool used;
    uint64_t gpa;
    uint64_t size;
    void *hva;
    uint32_t flags;
} KVMSlot;

static KVMSlot *slots;
static bool slot_kick_done;   /* vCPUs already out for this transaction */

static int kvm_set_slot(int id, KVMSlot *s, uint64_t size)
{
    struct kvm_userspace_memory_region mem = {
        .slot = id,
        .flags = s->flags,
        .guest_phys_addr = s->gpa,
        .memory_size = size,
        .userspace_addr = (uintptr_t)s->hva,
    };
    return kvm_vm_ioctl(KVM_SET_USER_MEMORY_REGION, &mem);
}

/*
 * Make every vCPU leave KVM_RUN and keep it out: the caller holds the BQL,
 * which an exiting vCPU needs before it can re-enter, so once the count of
 * vCPUs inside KVM_RUN is zero it stays zero until the BQL is dropped.
 */
void kvm_vcpus_kick_out(void)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        if (cpu->thread_created && cpu != current_cpu_get()) {
            kvm_kick_vcpu(cpu);
        }
    }
    while (__atomic_load_n(&kvm_state->in_run, __ATOMIC_ACQUIRE) > 0) {
        sched_yield();
    }
}

/* Trim a section to whole pages: KVM maps pages, the rest stays MMIO. */
static bool section_pages(MemoryRegionSection *sec, uint64_t *gpa,
                          uint64_t *size, void **hva)
{
    uint64_t start = sec->offset_within_address_space;
    uint64_t end = start + sec->size;
    uint64_t pstart = ROUND_UP(start, 4096), pend = ROUND_DOWN(end, 4096);

    if (!sec->mr->ram_ptr || pend <= pstart) {
        return false;
    }
    *gpa = pstart;
    *size = pend - pstart;
    *hva = (uint8_t *)sec->mr->ram_ptr + sec->offset_within_region +
           (pstart - start);
    return true;
}

static void kvm_region_add(MemoryListener *l, MemoryRegionSection *sec)
{
    KVMSlot s = { .used = true };
    int id, r;

    if (!section_pages(sec, &s.gpa, &s.size, &s.hva)) {
        return;
    }
    if ((sec->readonly || sec->mr->type == MR_ROM || sec->mr->readonly) &&
        kvm_state->have_readonly_mem) {
        s.flags |= KVM_MEM_READONLY;   /* writes become MMIO exits */
    }
    for (id = 0; id < kvm_state->max_slots && slots[id].used; id++) {
    }
    if (id == kvm_state->max_slots) {
        error_report("kvm: out of memory slots for %s",
                     memory_region_name(sec->mr));
        abort();
    }
    if (!(s.flags & KVM_MEM_READONLY) && s.size >= 2 * MiB) {
        /* 2 MiB host pages let KVM map guest RAM with large mappings
         * (much faster MMU work); only touched huge pages cost memory. */
        uintptr_t a = ROUND_UP((uintptr_t)s.hva, 2 * MiB);
        uintptr_t e = ROUND_DOWN((uintptr_t)s.hva + s.size, 2 * MiB);
        if (e > a) {
            madvise((void *)a, e - a, MADV_HUGEPAGE);
        }
    }
    r = kvm_set_slot(id, &s, s.size);
    if (r < 0) {
        error_report("kvm: mapping %s at 0x%" PRIx64 " (0x%" PRIx64
                     " bytes) failed: %s", memory_region_name(sec->mr),
                     s.gpa, s.size, strerror(-r));
        abort();
    }
    slots[id] = s;
    kvm_state->nr_slots++;
}

static void kvm_region_del(MemoryListener *l, MemoryRegionSection *sec)
{
    uint64_t gpa, size;
    void *hva;

    if (!section_pages(sec, &gpa, &size, &hva)) {
        return;
    }
    for (int id = 0; id < kvm_state->max_slots; id++) {
        KVMSlot *s = &slots[id];
        if (s->used && s->gpa == gpa && s->size == size) {
            if (!slot_kick_done) {
                kvm_vcpus_kick_out();
                slot_kick_done = true;
            }
            kvm_set_slot(id, s, 0);   /* size 0 deletes the slot */
            s->used = false;
            kvm_state->nr_slots--;
            return;
        }
    }
}

static void kvm_listener_begin(MemoryListener *l)
{
    slot_kick_done = false;
}

static void kvm_listener_commit(MemoryListener *l)
{
    slot_kick_done = false;
}

static MemoryListener kvm_memory_listener = {
    .begin = kvm_listener_begin,
    .commit = kvm_listener_commit,
    .region_add = kvm_region_add,
    .region_del = kvm_region_del,
    .name = "kvm-memory",
    .mtree_tag = "KVM",
};

/* ---- initialisation ---- */

static const struct {
    unsigned cap;
    const char *name;
} required_caps[] = {
    { KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
    { KVM_CAP_DESTROY_MEMORY_REGION_WORKS,
      "KVM_CAP_DESTROY_MEMORY_REGION_WORKS" },
    { KVM_CAP_JOIN_MEMORY_REGIONS_WORKS, "KVM_CAP_JOIN_MEMORY_REGIONS_WORKS" },
    { KVM_CAP_INTERNAL_ERROR_DATA, "KVM_CAP_INTERNAL_ERROR_DATA" },
    { KVM_CAP_IOEVENTFD, "KVM_CAP_IOEVENTFD" },
    { KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR" },
    { KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID" },
    { KVM_CAP_MP_STATE, "KVM_CAP_MP_STATE" },
    { KVM_CAP_NR_MEMSLOTS, "KVM_CAP_NR_MEMSLOTS" },
};

static bool kvm_fail(KVMState *s, Error **errp, int err, const char *fmt,
                     const char *arg)
{
    char *msg = g_strdup_printf(fmt, arg);

    /* As QEMU: the reason on its own line, then (through the caller)
     * "failed to initialize kvm: <errno text>". */
    fprintf(stderr, "%s\n", msg);
    error_setg(errp, "%s", strerror(err ? err : EINVAL));
    g_free(msg);
    if (s->vm_fd >= 0) {
        close(s->vm_fd);
    }
    if (s->fd >= 0) {
        close(s->fd);
    }
    g_free(s);
    kvm_state = NULL;
    return false;
}

static bool kvm_create_irqchip(KVMState *s, Error **errp)
{
    int r;

    if (s->irqchip == KERNEL_IRQCHIP_OFF) {
        return true;
    }
    if (s->irqchip == KERNEL_IRQCHIP_SPLIT) {
        struct kvm_enable_cap cap = {
            .cap = KVM_CAP_SPLIT_IRQCHIP, .args[0] = 24,
        };
        if (!kvm_check_extension(KVM_CAP_SPLIT_IRQCHIP)) {
            error_setg(errp, "kvm does not support KVM_CAP_SPLIT_IRQCHIP, "
                       "needed for kernel-irqchip=split");
            return false;
        }
        r = kvm_vm_ioctl(KVM_ENABLE_CAP, &cap);
        if (r < 0) {
            error_setg(errp, "Could not enable split irqchip mode: %s",
                       strerror(-r));
            return false;
        }
        return true;
    }
    if (!kvm_check_extension(KVM_CAP_IRQCHIP)) {
        error_setg(errp, "kvm does not support KVM_CAP_IRQCHIP, "
                   "needed for kernel-irqchip=on");
        return false;
    }
    r = kvm_vm_ioctl(KVM_CREATE_IRQCHIP, NULL);
    if (r < 0) {
        error_setg(errp, "Create kernel irqchip failed: %s", strerror(-r));
        return false;
    }
    if (kvm_check_extension(KVM_CAP_PIT2)) {
        struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
        r = kvm_vm_ioctl(KVM_CREATE_PIT2, &pit);
        if (r < 0) {
            error_setg(errp, "Create kernel PIT failed: %s", strerror(-r));
            return false;
        }
    }
    return true;
}

/*
 * The KVM device node. KEMU_KVM_DEVICE names another path, for tests
 * only: they point it at a missing file or at /dev/null to check the
 * start-up errors on any machine, with or without /dev/kvm.
 */
static const char *kvm_device_path(void)
{
    const char *path = getenv("KEMU_KVM_DEVICE");

    return path && *path ? path : "/dev/kvm";
}

/* No device node: the host has no KVM, nothing to report at length. */
static bool kvm_available(Error **errp)
{
    const char *path = kvm_device_path();
    struct stat st;

    if (stat(path, &st) < 0) {
        error_setg(errp, "%s: %s", path, strerror(errno));
        return false;
    }
    return true;
}

static bool kvm_init_machine(MachineState *ms, Error **errp)
{
    KVMState *s = g_new0(KVMState, 1);
    int r;

    s->fd = s->vm_fd = -1;
    kvm_state = s;
    s->fd = open(kvm_device_path(), O_RDWR | O_CLOEXEC);
    if (s->fd < 0) {
        return kvm_fail(s, errp, errno,
                        "Could not access KVM kernel module: %s",
                        strerror(errno));
    }
    r = ioctl(s->fd, KVM_GET_API_VERSION, 0);
    if (r != KVM_API_VERSION) {
        return kvm_fail(s, errp, r < 0 ? errno : 0, "%s",
                        r < KVM_API_VERSION ? "kvm version too old"
                                            : "kvm version not supported");
    }
    for (size_t i = 0; i < ARRAY_SIZE(required_caps); i++) {
        if (!kvm_check_extension(required_caps[i].cap)) {
            return kvm_fail(s, errp, 0, "kvm does not support %s",
                            required_caps[i].name);
        }
    }
    s->max_slots = kvm_check_extension(KVM_CAP_NR_MEMSLOTS);
    s->run_mmap_size = ioctl(s->fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    do {
        s->vm_fd = ioctl(s->fd, KVM_CREATE_VM, 0);
    } while (s->vm_fd < 0 && errno == EINTR);
    if (s->vm_fd < 0) {
        int e = errno;
        return kvm_fail(s, errp, e, "ioctl(KVM_CREATE_VM) failed: %s",
                        strerror(e));
    }
    s->have_sync_regs = (kvm_check_extension(KVM_CAP_SYNC_REGS) &
                         (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS |
                          KVM_SYNC_X86_EVENTS)) ==
                        (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS |
                         KVM_SYNC_X86_EVENTS);
    s->have_readonly_mem = kvm_check_extension(KVM_CAP_READONLY_MEM);
    s->have_signal_msi = kvm_check_extension(KVM_CAP_SIGNAL_MSI);

    s->irqchip = accel_irqchip >= 0 ? (KernelIrqchip)accel_irqchip :
                 ms->kernel_irqchip_set ? ms->kernel_irqchip :
                 KERNEL_IRQCHIP_ON;
    if (!kvm_create_irqchip(s, errp)) {
        close(s->vm_fd);
        close(s->fd);
        g_free(s);
        kvm_state = NULL;
        return false;
    }
    if (!kvm_arch_init(ms, s, errp)) {
        close(s->vm_fd);
        close(s->fd);
        g_free(s);
        kvm_state = NULL;
        return false;
    }
    s->coalesced_page = kvm_check_extension(KVM_CAP_COALESCED_MMIO);
    if (s->coalesced_page && kvm_check_extension(KVM_CAP_COALESCED_PIO)) {
        /* POST codes (and Linux's io_delay) are write-only and ignored:
         * KVM queues them instead of returning to userspace each time. */
        struct kvm_coalesced_mmio_zone z = { .addr = 0x80, .size = 1,
                                             .pio = 1 };
        kvm_vm_ioctl(KVM_REGISTER_COALESCED_MMIO, &z);
    }
    slots = g_new0(KVMSlot, s->max_slots);
    kvm_cpus_init_signals();
    memory_listener_register(&kvm_memory_listener, &address_space_memory);
    kvm_irq_backend_install();
    return true;
}

static void kvm_synchronize_state(CPUState *cpu)
{
    if (!cpu->accel) {
        return;
    }
    kvm_arch_get_registers(cpu, KVM_GRP_ALL);
    /* The caller may edit anything (gdbstub, monitor): push it all. */
    cpu->accel->dirty |= KVM_GRP_ALL;
}

static void kvm_synchronize_post_reset(CPUState *cpu)
{
    if (!cpu->accel) {
        return;
    }
    kvm_arch_reset_vcpu(cpu);
    cpu->accel->valid = KVM_GRP_ALL;
    cpu->accel->dirty = KVM_GRP_ALL;
    cpu->vcpu_dirty = true;
}

static bool kvm_set_property(const char *name, const char *value,
                             Error **errp)
{
    if (!strcmp(name, "kernel-irqchip")) {
        if (!strcmp(value, "on") || !strcmp(value, "true") ||
            !strcmp(value, "yes")) {
            accel_irqchip = KERNEL_IRQCHIP_ON;
        } else if (!strcmp(value, "off") || !strcmp(value, "false") ||
                   !strcmp(value, "no")) {
            accel_irqchip = KERNEL_IRQCHIP_OFF;
        } else if (!strcmp(value, "split")) {
            accel_irqchip = KERNEL_IRQCHIP_SPLIT;
        } else {
            error_setg(errp, "Parameter 'kernel-irqchip' does not accept "
                       "value '%s'", value);
            return false;
        }
        return true;
    }
    error_setg(errp, "Property 'kvm-accel.%s' not found", name);
    return false;
}

static void kvm_print_props(FILE *f)
{
    fprintf(f, "kvm-accel options:\n"
            "  kernel-irqchip=<on|off|split> - Configure KVM in-kernel "
            "irqchip\n");
}

static const AccelOps kvm_accel_ops = {
    .name = "kvm",
    .desc = "KVM",
    .available = kvm_available,
    .init_machine = kvm_init_machine,
    .create_vcpu_thread = kvm_create_vcpu_thread,
    .kick_vcpu_thread = kvm_kick_vcpu,
    .synchronize_state = kvm_synchronize_state,
    .synchronize_post_reset = kvm_synchronize_post_reset,
    .synchronize_post_init = kvm_synchronize_post_reset,
    .set_property = kvm_set_property,
    .print_props = kvm_print_props,
};

static void __attribute__((constructor)) kvm_accel_register(void)
{
    accel_register(&kvm_accel_ops);
}
