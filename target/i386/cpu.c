/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The X86CPU device: model types, creation from -cpu/-smp, realize (APIC,
 * vCPU thread), architectural reset and the topology CPUID leaves.
 */
#include "target/i386/cpu.h"
#include "hw/intc/apic.h"
#include "sysemu/accel.h"
#include "sysemu/kvm.h"
#include "monitor/hmp-mmu.h"
#include "util/log.h"

/* ---- CPUID table ---- */

X86CPUIDEntry *x86_cpuid_find(CPUX86State *env, uint32_t function,
                              uint32_t index)
{
    for (int i = 0; i < env->cpuid_nr; i++) {
        X86CPUIDEntry *e = &env->cpuid[i];
        if (e->function == function &&
            (!(e->flags & 1 /* significant index */) || e->index == index)) {
            return e;
        }
    }
    return NULL;
}

X86CPUIDEntry *x86_cpuid_set(CPUX86State *env, uint32_t function,
                             uint32_t index, uint32_t flags, uint32_t eax,
                             uint32_t ebx, uint32_t ecx, uint32_t edx)
{
    X86CPUIDEntry *e = NULL;

    for (int i = 0; i < env->cpuid_nr; i++) {
        if (env->cpuid[i].function == function &&
            (!(flags & 1) || env->cpuid[i].index == index)) {
            e = &env->cpuid[i];
            break;
        }
    }
    if (!e) {
        if (env->cpuid_nr == X86_MAX_CPUID_ENTRIES) {
            return NULL;
        }
        e = &env->cpuid[env->cpuid_nr++];
    }
    *e = (X86CPUIDEntry) {
        .function = function, .index = index, .flags = flags,
        .eax = eax, .ebx = ebx, .ecx = ecx, .edx = edx,
    };
    return e;
}

/* ---- topology ---- */

static unsigned bits_for(unsigned count)
{
    return count <= 1 ? 0 : 32 - __builtin_clz(count - 1);
}

uint32_t x86_apic_id_from_index(const CpuTopology *topo, unsigned index)
{
    unsigned threads = MAX(topo->threads, 1), cores = MAX(topo->cores, 1);
    unsigned dies = MAX(topo->dies, 1);
    unsigned tb = bits_for(threads), cb = bits_for(cores), db = bits_for(dies);
    unsigned thread = index % threads;
    unsigned core = (index / threads) % cores;
    unsigned die = (index / threads / cores) % dies;
    unsigned socket = index / threads / cores / dies;

    return (socket << (tb + cb + db)) | (die << (tb + cb)) | (core << tb) |
           thread;
}

void x86_cpu_set_topology_cpuid(X86CPU *cpu)
{
    CPUX86State *env = &cpu->env;
    unsigned tb = bits_for(cpu->nr_threads), cb = bits_for(cpu->nr_cores);
    unsigned db = bits_for(cpu->nr_dies);
    unsigned per_pkg = cpu->nr_threads * cpu->nr_cores * cpu->nr_dies;
    X86CPUIDEntry *e = x86_cpuid_find(env, 1, 0);

    if (e) {
        e->ebx = (e->ebx & 0xffff) | (MIN(per_pkg, 255u) << 16) |
                 (cpu->apic_id << 24);
        if (per_pkg > 1) {
            e->edx |= CPUID_HT;
        }
    }
    /* Leaf 4: cores per package, threads sharing each cache level. */
    for (int i = 0; i < env->cpuid_nr; i++) {
        e = &env->cpuid[i];
        if (e->function == 4 && (e->eax & 0x1f)) {
            unsigned level = (e->eax >> 5) & 7;
            unsigned sharing = level >= 3 ? per_pkg : cpu->nr_threads;
            e->eax = (e->eax & 0x3fff) |
                     ((cpu->nr_cores * cpu->nr_dies - 1) << 26) |
                     ((sharing - 1) << 14);
        }
    }
    /* Leaf 0xB (and 0x1F with dies): x2APIC ids per level. */
    if (env->cpuid_level >= 0xb) {
        x86_cpuid_set(env, 0xb, 0, 1, tb, cpu->nr_threads, 0 | (1 << 8),
                      cpu->apic_id);
        x86_cpuid_set(env, 0xb, 1, 1, tb + cb + db, per_pkg, 1 | (2 << 8),
                      cpu->apic_id);
        x86_cpuid_set(env, 0xb, 2, 1, 0, 0, 2, cpu->apic_id);
    }
    if (env->cpuid_level >= 0x1f) {
        x86_cpuid_set(env, 0x1f, 0, 1, tb, cpu->nr_threads, 0 | (1 << 8),
                      cpu->apic_id);
        x86_cpuid_set(env, 0x1f, 1, 1, tb + cb, cpu->nr_threads *
                      cpu->nr_cores, 1 | (2 << 8), cpu->apic_id);
        x86_cpuid_set(env, 0x1f, 2, 1, tb + cb + db, per_pkg, 2 | (5 << 8),
                      cpu->apic_id);
        x86_cpuid_set(env, 0x1f, 3, 1, 0, 0, 3, cpu->apic_id);
    }
}

/* ---- reset (SDM vol. 3, "Processor state after reset") ---- */

void x86_cpu_set_real_segment(CPUX86State *env, int seg, uint16_t sel)
{
    env->segs[seg] = (SegmentCache) {
        .selector = sel, .base = (uint64_t)sel << 4, .limit = 0xffff,
        .flags = DESC_P_MASK | DESC_S_MASK | DESC_A_MASK |
                 (seg == R_CS ? (0xb << DESC_TYPE_SHIFT)
                              : (0x3 << DESC_TYPE_SHIFT)),
    };
}

void x86_cpu_reset_state(X86CPU *cpu, bool init_only)
{
    CPUX86State *env = &cpu->env;
    CPUState *cs = CPU(cpu);
    bool bsp = cs->cpu_index == 0;

    if (!init_only) {
        /* Power-on: MSRs, x87/SSE and the APIC base start fresh too. */
        env->fpuc = 0x37f;        /* as after FNINIT, what KVM loads too */
        env->fpus = 0;
        env->fptag_abridged = 0;  /* all empty */
        env->fpop = 0;
        env->fpip = env->fpdp = 0;
        memset(env->fpregs, 0, sizeof(env->fpregs));
        memset(env->xmm, 0, sizeof(env->xmm));
        memset(env->ymmh, 0, sizeof(env->ymmh));
        env->mxcsr = 0x1f80;
        env->xsave_buf_valid = false;
        env->xcr0 = 1;
        env->tsc = 0;
        env->tsc_aux = 0;
        env->tsc_deadline = 0;
        env->sysenter_cs = env->sysenter_esp = env->sysenter_eip = 0;
        env->star = env->lstar = env->cstar = env->fmask = 0;
        env->kernelgsbase = 0;
        env->pat = PAT_POWER_ON;
        env->misc_enable = MSR_IA32_MISC_ENABLE_DEFAULT;
        env->feature_control = 0;
        env->spec_ctrl = 0;
        env->mcg_status = 0;
        env->mtrr_deftype = 0;
        memset(env->mtrr_fixed, 0, sizeof(env->mtrr_fixed));
        memset(env->mtrr_var, 0, sizeof(env->mtrr_var));
        env->system_time_msr = env->wall_clock_msr = 0;
        env->async_pf_en_msr = env->steal_time_msr = 0;
        env->pv_eoi_en_msr = 0;
        env->apic_base = APIC_DEFAULT_ADDRESS | MSR_IA32_APICBASE_ENABLE |
                         (bsp ? MSR_IA32_APICBASE_BSP : 0);
    }
    memset(env->regs, 0, sizeof(env->regs));
    env->regs[R_EDX] = env->cpuid_version;   /* family/model/stepping */
    env->rip = 0xfff0;
    env->rflags = RFLAGS_FIXED;
    for (int i = 0; i < CPU_NB_SEGS; i++) {
        x86_cpu_set_real_segment(env, i, 0);
    }
    env->segs[R_CS].selector = 0xf000;
    env->segs[R_CS].base = 0xffff0000;
    env->ldt = (SegmentCache) { .limit = 0xffff,
                                .flags = DESC_P_MASK | (2 << DESC_TYPE_SHIFT) };
    env->tr = (SegmentCache) { .limit = 0xffff,
                               .flags = DESC_P_MASK | (0xb << DESC_TYPE_SHIFT) };
    env->gdt = (SegmentCache) { .limit = 0xffff };
    env->idt = (SegmentCache) { .limit = 0xffff };
    env->cr[0] = CR0_CD_MASK | CR0_NW_MASK | CR0_ET_MASK;   /* 0x60000010 */
    env->cr[2] = env->cr[3] = env->cr[4] = 0;
    env->cr8 = 0;
    env->efer = 0;
    memset(env->dr, 0, sizeof(env->dr));
    env->dr[6] = 0xffff0ff0;
    env->dr[7] = 0x400;
    memset(&env->events, 0, sizeof(env->events));
    env->sipi_vector = 0;
    env->mp_state = bsp ? X86_MP_RUNNABLE :
                    init_only ? X86_MP_INIT_RECEIVED : X86_MP_UNINITIALIZED;
    cs->halted = !bsp;
    cs->interrupt_request = 0;
    if (kemu_log_enabled(LOG_CPU_RESET)) {
        GString *out = g_string_new(NULL);
        kemu_log("CPU Reset (CPU %d)\n", cs->cpu_index);
        x86_cpu_dump_state(cs, out, CPU_DUMP_FPU);
        kemu_log("%s", out->str);
        g_string_free(out, true);
    }
}

void x86_cpu_do_sipi(X86CPU *cpu, int vector)
{
    CPUX86State *env = &cpu->env;

    x86_cpu_set_real_segment(env, R_CS, vector << 8);
    env->rip = 0;
    env->mp_state = X86_MP_RUNNABLE;
    CPU(cpu)->halted = false;
}

static void x86_cpu_reset(CPUState *cs)
{
    x86_cpu_reset_state(X86_CPU(cs), false);
    cpu_synchronize_post_reset(cs);
}

static void x86_cpu_machine_reset(void *opaque)
{
    cpu_reset(CPU(opaque));
}

static bool x86_cpu_has_work(CPUState *cs)
{
    X86CPU *cpu = X86_CPU(cs);
    uint32_t req = __atomic_load_n(&cs->interrupt_request, __ATOMIC_ACQUIRE);

    if (cpu->env.mp_state == X86_MP_UNINITIALIZED ||
        cpu->env.mp_state == X86_MP_INIT_RECEIVED) {
        return req & (CPU_INTERRUPT_SIPI | CPU_INTERRUPT_INIT);
    }
    return ((req & CPU_INTERRUPT_HARD) && (cpu->env.rflags & RFLAGS_IF)) ||
           (req & (CPU_INTERRUPT_NMI | CPU_INTERRUPT_INIT |
                   CPU_INTERRUPT_SIPI | CPU_INTERRUPT_POLL |
                   CPU_INTERRUPT_SMI));
}

static int64_t x86_cpu_get_arch_id(CPUState *cs)
{
    return X86_CPU(cs)->apic_id;
}

/* ---- creation ---- */

static bool x86_cpu_create_apic(X86CPU *cpu, Error **errp)
{
    const char *type = kvm_enabled() && kvm_irqchip_in_kernel() ?
                       TYPE_KVM_APIC : TYPE_APIC;
    DeviceState *apic = qdev_try_new(type, errp);
    char id[16];

    if (!apic) {
        return false;
    }
    object_property_add_child(OBJECT(cpu), "lapic", OBJECT(apic), NULL);
    snprintf(id, sizeof(id), "%u", cpu->apic_id);
    if (!object_property_parse(OBJECT(apic), "id", id, errp) ||
        !qdev_realize(apic, NULL, errp)) {
        object_unparent(OBJECT(apic));
        object_unref(apic);
        return false;
    }
    object_unref(apic);
    cpu->apic = apic;
    return true;
}

static bool x86_cpu_realize(DeviceState *dev, Error **errp)
{
    X86CPU *cpu = X86_CPU(dev);
    CPUState *cs = CPU(dev);
    const AccelOps *ops = current_accel();

    cpu->env.apic_id = cpu->apic_id;
    cpu_list_add(cs);
    if (!x86_cpu_create_apic(cpu, errp)) {
        cpu_list_remove(cs);
        return false;
    }
    x86_cpu_reset_state(cpu, false);
    qemu_register_reset(x86_cpu_machine_reset, cpu);
    if (ops && ops->create_vcpu_thread && !ops->create_vcpu_thread(cs, errp)) {
        qemu_unregister_reset(x86_cpu_machine_reset, cpu);
        cpu_list_remove(cs);
        return false;
    }
    return true;
}

static void x86_cpu_unrealize(DeviceState *dev)
{
    X86CPU *cpu = X86_CPU(dev);

    qemu_unregister_reset(x86_cpu_machine_reset, cpu);
    if (cpu->apic) {
        qdev_unrealize(cpu->apic);
        object_unparent(OBJECT(cpu->apic));
        cpu->apic = NULL;
    }
    cpu_list_remove(CPU(dev));
}

X86CPU *x86_cpu_new(MachineState *ms, int index, Error **errp)
{
    MachineClass *mc = MACHINE_GET_CLASS(ms);
    const char *spec = ms->cpu_model;
    g_autofree char *model = NULL;
    g_autofree char *type = NULL;
    const char *props;
    ObjectClass *oc;
    X86CPU *cpu;
    FeatureWordArray supported;

    if (!spec) {
        spec = mc->default_cpu_type ? mc->default_cpu_type : "qemu64";
    }
    props = strchr(spec, ',');
    model = props ? g_strndup(spec, props - spec) : g_strdup(spec);
    if (g_str_has_suffix(model, X86_CPU_TYPE_SUFFIX)) {
        model[strlen(model) - strlen(X86_CPU_TYPE_SUFFIX)] = 0;
    }
    type = g_strconcat(model, X86_CPU_TYPE_SUFFIX, NULL);
    oc = object_class_by_name(type);
    if (!oc || !object_class_dynamic_cast(oc, TYPE_X86_CPU) ||
        object_class_is_abstract(oc)) {
        error_setg(errp, "unable to find CPU model '%s'", model);
        return NULL;
    }
    if (OBJECT_CLASS_CHECK(X86CPUClass, oc, TYPE_X86_CPU)->host_cpuid_required
        && !kvm_enabled()) {
        error_setg(errp, "CPU model '%s' requires KVM or HVF", model);
        return NULL;
    }

    cpu = X86_CPU(object_new(type));
    CPU(cpu)->cpu_index = index;
    cpu->nr_threads = MAX(ms->smp.threads, 1);
    cpu->nr_cores = MAX(ms->smp.cores, 1);
    cpu->nr_dies = MAX(ms->smp.dies, 1);
    cpu->nr_cpus = MAX(ms->smp.cpus, 1);
    cpu->thread_id = index % cpu->nr_threads;
    cpu->core_id = (index / cpu->nr_threads) % cpu->nr_cores;
    cpu->die_id = (index / cpu->nr_threads / cpu->nr_cores) % cpu->nr_dies;
    cpu->socket_id = index / cpu->nr_threads / cpu->nr_cores / cpu->nr_dies;
    cpu->apic_id = x86_apic_id_from_index(&ms->smp, index);

    if (!x86_cpu_load_model(cpu, model, errp) ||
        (props && !x86_cpu_apply_features(cpu, props + 1, errp))) {
        goto fail;
    }
    if (x86_accel_supported_features(supported) &&
        !x86_cpu_filter_features(cpu, supported, errp)) {
        goto fail;
    }
    x86_cpu_build_cpuid(cpu);
    x86_cpu_set_topology_cpuid(cpu);
    if (!qdev_realize(DEVICE(cpu), NULL, errp)) {
        goto fail;
    }
    if (ms->cpus) {
        g_ptr_array_add(ms->cpus, cpu);
    }
    return cpu;

fail:
    object_unref(cpu);
    return NULL;
}

/* The debuggers' translation (gdbstub): the physical address of the
 * page holding vaddr under the current paging mode, -1 if unmapped.
 * Registers must be synchronized by the caller. */
static hwaddr x86_cpu_get_phys_page_debug(CPUState *cs, uint64_t vaddr)
{
    uint64_t pa, size;

    if (!x86_mmu_translate(cs, vaddr & ~0xfffull, &pa, &size)) {
        return (hwaddr)-1;
    }
    return pa;
}

/* ---- types ---- */

static void x86_cpu_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    CPUClass *cc = CPU_CLASS(oc);

    dc->realize = x86_cpu_realize;
    dc->unrealize = x86_cpu_unrealize;
    dc->category = "cpu";
    dc->user_creatable = false;
    cc->cpu_reset = x86_cpu_reset;
    cc->dump_state = x86_cpu_dump_state;
    cc->has_work = x86_cpu_has_work;
    cc->get_arch_id = x86_cpu_get_arch_id;
    cc->get_phys_page_debug = x86_cpu_get_phys_page_debug;
}

static void x86_cpu_model_class_init(ObjectClass *oc, void *data)
{
    X86CPUClass *xcc = OBJECT_CLASS_CHECK(X86CPUClass, oc, TYPE_X86_CPU);
    const char *const *d = data;

    xcc->model_name = d[0];
    xcc->model_desc = d[1];
    xcc->host_cpuid_required = !strcmp(d[0], "host");
    DEVICE_CLASS(oc)->desc = d[1];
}

static const char *const model_qemu64[] = { "qemu64", "QEMU Virtual CPU" };
static const char *const model_max[] = {
    "max", "every feature the accelerator can offer on this host"
};
static const char *const model_host[] = {
    "host", "the host's own CPU, as far as KVM passes it through"
};

#define X86_MODEL_TYPE(m) {                                 \
        .name = X86_CPU_TYPE_NAME(#m),                      \
        .parent = TYPE_X86_CPU,                             \
        .class_init = x86_cpu_model_class_init,             \
        .class_data = (void *)model_##m,                    \
    }

static const TypeInfo x86_cpu_types[] = {
    {
        .name = TYPE_X86_CPU,
        .parent = TYPE_CPU,
        .instance_size = sizeof(X86CPU),
        .class_size = sizeof(X86CPUClass),
        .class_init = x86_cpu_class_init,
        .abstract = true,
    },
    X86_MODEL_TYPE(qemu64),
    X86_MODEL_TYPE(max),
    X86_MODEL_TYPE(host),
};

DEFINE_TYPES(x86_cpu_types)
