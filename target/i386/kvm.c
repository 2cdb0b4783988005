/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86 side of KVM: VM set-up, CPUID and MSR filtering, lazy register
 * sync, and the exits only x86 has (HLT and MSR accesses for a userspace
 * LAPIC, interrupt injection).
 *
 * Register groups are fetched only when somebody asks (valid bits) and
 * pushed only when changed (dirty bits). With KVM_CAP_SYNC_REGS the
 * kernel copies regs/sregs/events into kvm_run on every exit and loads
 * them from there on entry when flagged, so those groups cost no ioctl.
 */
#include "accel/kvm/kvm-int.h"
#include "target/i386/cpu.h"
#include "sysemu/accel.h"
#include "target/i386/kvm-filter.h"
#include "target/i386/cpu-models.h"
#include "hw/intc/apic.h"
#include "sysemu/runstate.h"
#include "util/log.h"
#include "util/main-loop.h"

#define KVM_TSS_ADDR          0xfffbd000
#define KVM_IDENTITY_MAP_ADDR 0xfeffc000

static struct kvm_cpuid2 *supported_cpuid;
static struct kvm_msr_list *msr_index_list;
static GHashTable *msr_warned;     /* MSRs already reported as refused */
static bool have_xsave, have_xcrs, have_debugregs;

/* ---- host capabilities ---- */

static struct kvm_cpuid2 *get_supported_cpuid(void)
{
    for (int n = 64; !supported_cpuid && n <= 4096; n *= 2) {
        struct kvm_cpuid2 *c = g_malloc0(sizeof(*c) + n * sizeof(c->entries[0]));
        c->nent = n;
        if (kvm_ioctl(KVM_GET_SUPPORTED_CPUID, c) == 0) {
            supported_cpuid = c;
        } else {
            g_free(c);
        }
    }
    return supported_cpuid;
}

static const struct kvm_cpuid_entry2 *supported_entry(uint32_t fn,
                                                      uint32_t idx)
{
    return kvm_cpuid_table_find(get_supported_cpuid(), fn, idx);
}

bool x86_accel_supported_features(FeatureWordArray out)
{
    if (tcg_enabled()) {
        x86_tcg_supported_features(out);
        return true;
    }
    if (!kvm_enabled() || !kvm_state || !get_supported_cpuid()) {
        return false;
    }
    kvm_cpuid_table_features(supported_cpuid, out, x86_feature_word_cpuid);
    /* KVM emulates these whatever the host says (QEMU does the same). */
    out[FEAT_1_ECX] |= CPUID_EXT_HYPERVISOR;
    if (kvm_irqchip_in_kernel() &&
        kvm_check_extension(KVM_CAP_TSC_DEADLINE_TIMER)) {
        out[FEAT_1_ECX] |= CPUID_EXT_TSC_DEADLINE;
    }
    return true;
}

static struct kvm_msr_list *get_msr_index_list(void)
{
    if (!msr_index_list) {
        struct kvm_msr_list probe = { .nmsrs = 0 };
        kvm_ioctl(KVM_GET_MSR_INDEX_LIST, &probe);   /* E2BIG, sets nmsrs */
        msr_index_list = g_malloc0(sizeof(probe) +
                                   probe.nmsrs * sizeof(uint32_t));
        msr_index_list->nmsrs = probe.nmsrs;
        if (kvm_ioctl(KVM_GET_MSR_INDEX_LIST, msr_index_list) < 0) {
            msr_index_list->nmsrs = 0;
        }
    }
    return msr_index_list;
}

static bool host_lists_msr(uint32_t msr)
{
    struct kvm_msr_list *l = get_msr_index_list();

    for (uint32_t i = 0; i < l->nmsrs; i++) {
        if (l->indices[i] == msr) {
            return true;
        }
    }
    return false;
}

/* ---- VM set-up ---- */

bool kvm_arch_init(MachineState *ms, KVMState *s, Error **errp)
{
    uint64_t ident = KVM_IDENTITY_MAP_ADDR;
    int r;

    if (kvm_check_extension(KVM_CAP_SET_IDENTITY_MAP_ADDR)) {
        r = kvm_vm_ioctl(KVM_SET_IDENTITY_MAP_ADDR, &ident);
        if (r < 0) {
            error_setg(errp, "error setting identity map address: %s",
                       strerror(-r));
            return false;
        }
    }
    r = kvm_vm_ioctl(KVM_SET_TSS_ADDR, (void *)(uintptr_t)KVM_TSS_ADDR);
    if (r < 0) {
        error_setg(errp, "error setting TSS address: %s", strerror(-r));
        return false;
    }
    have_xsave = kvm_check_extension(KVM_CAP_XSAVE);
    have_xcrs = kvm_check_extension(KVM_CAP_XCRS);
    have_debugregs = kvm_check_extension(KVM_CAP_DEBUGREGS);
    kvm_arch_debug_init();
    msr_warned = g_hash_table_new(NULL, NULL);

    if (s->irqchip == KERNEL_IRQCHIP_OFF) {
        /*
         * The LAPIC is ours: its MSRs must reach userspace. 0x1b and 0x6e0
         * are known to KVM, so they are filtered; x2APIC MSRs cannot be
         * filtered but fault without an in-kernel LAPIC, and "invalid"
         * accesses exit too.
         */
        static uint8_t deny[1];     /* bitmap bit 0 = deny */
        struct kvm_enable_cap cap = {
            .cap = KVM_CAP_X86_USER_SPACE_MSR,
            .args[0] = KVM_MSR_EXIT_REASON_FILTER | KVM_MSR_EXIT_REASON_INVAL |
                       KVM_MSR_EXIT_REASON_UNKNOWN,
        };
        struct kvm_msr_filter f = {
            .flags = KVM_MSR_FILTER_DEFAULT_ALLOW,
            .ranges = {
                { .flags = KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE,
                  .nmsrs = 1, .base = MSR_IA32_APICBASE, .bitmap = deny },
                { .flags = KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE,
                  .nmsrs = 1, .base = MSR_IA32_TSC_DEADLINE, .bitmap = deny },
            },
        };
        if (!kvm_check_extension(KVM_CAP_X86_USER_SPACE_MSR) ||
            !kvm_check_extension(KVM_CAP_X86_MSR_FILTER)) {
            error_setg(errp, "kvm does not support KVM_CAP_X86_USER_SPACE_MSR,"
                       " needed for kernel-irqchip=off");
            return false;
        }
        r = kvm_vm_ioctl(KVM_ENABLE_CAP, &cap);
        if (r >= 0) {
            r = kvm_vm_ioctl(KVM_X86_SET_MSR_FILTER, &f);
        }
        if (r < 0) {
            error_setg(errp, "could not enable userspace MSR exits: %s",
                       strerror(-r));
            return false;
        }
        s->have_user_msr = true;
    }
    return true;
}

/* ---- CPUID ---- */

static void cpuid_clear_feature(X86CPU *cpu, FeatureWord w, uint32_t bits)
{
    uint32_t leaf, idx;
    int reg;
    X86CPUIDEntry *e;

    cpu->env.features[w] &= ~bits;
    cpu->filtered_features[w] |= bits;
    x86_feature_word_cpuid(w, &leaf, &idx, &reg);
    e = x86_cpuid_find(&cpu->env, leaf, idx);
    if (e) {
        uint32_t *r = reg == R_EAX ? &e->eax : reg == R_EBX ? &e->ebx :
                      reg == R_ECX ? &e->ecx : &e->edx;
        *r &= ~bits;
    }
}

/* Leaves whose contents come from the host, not the model. */
static void cpuid_host_fixups(X86CPU *cpu)
{
    CPUX86State *env = &cpu->env;
    const struct kvm_cpuid_entry2 *h;

    /* KVM paravirt leaves. */
    x86_cpuid_set(env, 0x40000000, 0, 0, 0x40000001,
                  0x4b4d564b, 0x564b4d56, 0x4d);   /* "KVMKVMKVM\0\0\0" */
    x86_cpuid_set(env, 0x40000001, 0, 0, env->features[FEAT_KVM], 0, 0,
                  env->features[FEAT_KVM_HINTS]);

    /* XSAVE sizes and offsets are the host's. */
    if (env->features[FEAT_1_ECX] & CPUID_EXT_XSAVE) {
        for (uint32_t i = 0; i < 64; i++) {
            h = supported_entry(0xd, i);
            if (!h || h->index != i) {
                continue;
            }
            if (i == 0) {
                x86_cpuid_set(env, 0xd, 0, KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
                              h->eax & env->features[FEAT_XSAVE_XCR0_LO],
                              h->ebx, h->ecx,
                              h->edx & env->features[FEAT_XSAVE_XCR0_HI]);
            } else if (i == 1) {
                x86_cpuid_set(env, 0xd, 1, KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
                              h->eax & env->features[FEAT_XSAVE], h->ebx,
                              h->ecx, h->edx);
            } else if (i < 32 &&
                       (env->features[FEAT_XSAVE_XCR0_LO] & (1u << i))) {
                x86_cpuid_set(env, 0xd, i, KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
                              h->eax, h->ebx, h->ecx, h->edx);
            }
        }
    }
    /* Physical address width must not exceed the host's. */
    h = supported_entry(0x80000008, 0);
    if (h) {
        X86CPUIDEntry *e = x86_cpuid_find(env, 0x80000008, 0);
        if (e && ((e->eax & 0xff) == 0 || (e->eax & 0xff) > (h->eax & 0xff))) {
            e->eax = (e->eax & ~0xffu) | (h->eax & 0xff);
        }
    }
}

static int kvm_set_cpuid(CPUState *cs)
{
    CPUX86State *env = &X86_CPU(cs)->env;
    struct kvm_cpuid2 *c = g_malloc0(sizeof(*c) +
                                     env->cpuid_nr * sizeof(c->entries[0]));
    int r;

    c->nent = env->cpuid_nr;
    for (int i = 0; i < env->cpuid_nr; i++) {
        X86CPUIDEntry *e = &env->cpuid[i];
        c->entries[i] = (struct kvm_cpuid_entry2) {
            .function = e->function, .index = e->index, .flags = e->flags,
            .eax = e->eax, .ebx = e->ebx, .ecx = e->ecx, .edx = e->edx,
        };
    }
    r = kvm_vcpu_ioctl(cs, KVM_SET_CPUID2, c);
    g_free(c);
    return r;
}

/* ---- MSRs ---- */

static int kvm_msr_rw(CPUState *cs, bool write, uint32_t idx, uint64_t *val)
{
    struct {
        struct kvm_msrs hdr;
        struct kvm_msr_entry e;
    } m = { .hdr.nmsrs = 1, .e = { .index = idx, .data = *val } };
    int r = kvm_vcpu_ioctl(cs, write ? KVM_SET_MSRS : KVM_GET_MSRS, &m);

    if (r == 1 && !write) {
        *val = m.e.data;
    }
    return r;
}

/* A feature MSR's value from the system fd (KVM_CAP_GET_MSR_FEATURES). */
static bool host_feature_msr(uint32_t idx, uint64_t *val)
{
    struct {
        struct kvm_msrs hdr;
        struct kvm_msr_entry e;
    } m = { .hdr.nmsrs = 1, .e = { .index = idx } };

    if (!kvm_check_extension(KVM_CAP_GET_MSR_FEATURES) ||
        kvm_ioctl(KVM_GET_MSRS, &m) != 1) {
        return false;
    }
    *val = m.e.data;
    return true;
}

/*
 * Every MSR we sync is tried once per vCPU: listed by KVM, advertised by
 * our CPUID, read back and written. One the host refuses is dropped, with
 * the CPUID bit that advertises it, and reported once per process.
 */
static bool kvm_probe_msrs(CPUState *cs, Error **errp)
{
    X86CPU *cpu = X86_CPU(cs);
    AccelCPUState *a = cs->accel;
    GArray *use = g_array_new(false, false, sizeof(uint32_t));
    bool cpuid_changed = false;
    size_t n;
    const KvmMsrInfo *list = kvm_msr_candidates(&n);

    for (size_t i = 0; i < n; i++) {
        const KvmMsrInfo *m = &list[i];
        uint64_t val = 0;

        if (!kvm_msr_advertised(m, cpu->env.features) ||
            !host_lists_msr(m->index)) {
            continue;
        }
        if (m->index == MSR_IA32_TSC_DEADLINE && !kvm_irqchip_in_kernel()) {
            continue;   /* the userspace LAPIC serves it */
        }
        if (m->index == MSR_IA32_ARCH_CAPABILITIES) {
            /* Not guest state but a model constant: the host's value, as
             * KVM reports it for the VM (a "feature MSR"). */
            if (!host_feature_msr(m->index, &val)) {
                val = 0;
            }
            cpu->env.arch_capabilities = val;
        }
        if ((m->index != MSR_IA32_ARCH_CAPABILITIES &&
             kvm_msr_rw(cs, false, m->index, &val) != 1) ||
            kvm_msr_rw(cs, true, m->index, &val) != 1) {
            if (m->feature_bit && cpu->enforce_cpuid) {
                /* The feature cannot be given as asked: enforce fails. */
                g_autofree char *d = x86_feature_describe(
                    m->feature_word, __builtin_ctz(m->feature_bit));
                warn_report("host doesn't support requested feature: %s "
                            "(KVM refuses MSR 0x%x)", d, m->index);
                error_setg(errp, "Host doesn't support requested features");
                g_array_free(use, true);
                return false;
            }
            if (!g_hash_table_contains(msr_warned,
                                       GUINT_TO_POINTER(m->index))) {
                g_hash_table_add(msr_warned, GUINT_TO_POINTER(m->index));
                if (m->feature_bit) {
                    warn_report("host refuses MSR 0x%x (%s): disabling CPU "
                                "feature %s", m->index, m->name,
                                x86_feature_name(m->feature_word,
                                                 __builtin_ctz(m->feature_bit)) ?:
                                m->name);
                } else {
                    warn_report("host refuses MSR 0x%x (%s): not using it",
                                m->index, m->name);
                }
            }
            if (m->feature_bit) {
                cpuid_clear_feature(cpu, m->feature_word, m->feature_bit);
                cpuid_changed = true;
            }
            if (!cpu->unsupported_msrs) {
                cpu->unsupported_msrs = g_array_new(false, false,
                                                    sizeof(uint32_t));
            }
            g_array_append_val(cpu->unsupported_msrs, m->index);
            continue;
        }
        g_array_append_val(use, m->index);
    }
    a->nr_msrs = use->len;
    a->msrs = (uint32_t *)g_array_free(use, false);
    if (cpuid_changed) {
        int r = kvm_set_cpuid(cs);
        if (r < 0) {
            error_setg(errp, "kvm: KVM_SET_CPUID2 failed: %s", strerror(-r));
            return false;
        }
    }
    return true;
}

static uint64_t *msr_field(CPUX86State *env, uint32_t idx)
{
    switch (idx) {
    case MSR_IA32_TSC: return &env->tsc;
    case MSR_TSC_AUX: return &env->tsc_aux;
    case MSR_TSC_ADJUST: return &env->tsc_adjust;
    case MSR_IA32_TSC_DEADLINE: return &env->tsc_deadline;
    case MSR_IA32_SYSENTER_CS: return &env->sysenter_cs;
    case MSR_IA32_SYSENTER_ESP: return &env->sysenter_esp;
    case MSR_IA32_SYSENTER_EIP: return &env->sysenter_eip;
    case MSR_STAR: return &env->star;
    case MSR_LSTAR: return &env->lstar;
    case MSR_CSTAR: return &env->cstar;
    case MSR_FMASK: return &env->fmask;
    case MSR_KERNELGSBASE: return &env->kernelgsbase;
    case MSR_PAT: return &env->pat;
    case MSR_IA32_MISC_ENABLE: return &env->misc_enable;
    case MSR_IA32_FEATURE_CONTROL: return &env->feature_control;
    case MSR_IA32_SPEC_CTRL: return &env->spec_ctrl;
    case MSR_IA32_ARCH_CAPABILITIES: return &env->arch_capabilities;
    case MSR_MCG_STATUS: return &env->mcg_status;
    case MSR_MTRRdefType: return &env->mtrr_deftype;
    case MSR_MTRRfix64K_00000: return &env->mtrr_fixed[0];
    case MSR_MTRRfix16K_80000: return &env->mtrr_fixed[1];
    case MSR_MTRRfix16K_A0000: return &env->mtrr_fixed[2];
    case MSR_MTRRfix4K_C0000 ... MSR_MTRRfix4K_C0000 + 7:
        return &env->mtrr_fixed[3 + idx - MSR_MTRRfix4K_C0000];
    case MSR_MTRRphysBase(0) ... MSR_MTRRphysMask(MSR_MTRR_VAR_COUNT - 1):
        return (idx & 1) ? &env->mtrr_var[(idx - 0x200) / 2].mask
                         : &env->mtrr_var[(idx - 0x200) / 2].base;
    case MSR_KVM_SYSTEM_TIME_NEW: return &env->system_time_msr;
    case MSR_KVM_WALL_CLOCK_NEW: return &env->wall_clock_msr;
    case MSR_KVM_ASYNC_PF_EN: return &env->async_pf_en_msr;
    case MSR_KVM_STEAL_TIME: return &env->steal_time_msr;
    case MSR_KVM_PV_EOI_EN: return &env->pv_eoi_en_msr;
    default: return NULL;
    }
}

static void kvm_get_msrs(CPUState *cs)
{
    AccelCPUState *a = cs->accel;
    CPUX86State *env = &X86_CPU(cs)->env;
    struct kvm_msrs *m = g_malloc0(sizeof(*m) + a->nr_msrs * sizeof(m->entries[0]));
    int r;

    m->nmsrs = a->nr_msrs;
    for (int i = 0; i < a->nr_msrs; i++) {
        m->entries[i].index = a->msrs[i];
    }
    r = kvm_vcpu_ioctl(cs, KVM_GET_MSRS, m);
    for (int i = 0; i < r; i++) {
        uint64_t *f = msr_field(env, m->entries[i].index);
        if (f) {
            *f = m->entries[i].data;
        }
    }
    g_free(m);
}

/* The TSC is written only on reset: rewriting it would make it jump. */
static void kvm_put_msrs(CPUState *cs, bool with_tsc)
{
    AccelCPUState *a = cs->accel;
    CPUX86State *env = &X86_CPU(cs)->env;
    struct kvm_msrs *m = g_malloc0(sizeof(*m) + a->nr_msrs * sizeof(m->entries[0]));
    int n = 0, r;

    for (int i = 0; i < a->nr_msrs; i++) {
        uint64_t *f = msr_field(env, a->msrs[i]);
        if (!f || (a->msrs[i] == MSR_IA32_TSC && !with_tsc) ||
            a->msrs[i] == MSR_TSC_ADJUST) {
            continue;
        }
        m->entries[n].index = a->msrs[i];
        m->entries[n].data = *f;
        n++;
    }
    m->nmsrs = n;
    r = kvm_vcpu_ioctl(cs, KVM_SET_MSRS, m);
    if (r != n) {
        /* Only values probed at creation are here: report, never abort. */
        kemu_log_mask(LOG_GUEST_ERROR, "kvm: MSR 0x%x rejected on write\n",
                      r >= 0 && r < n ? m->entries[r].index : 0);
    }
    g_free(m);
}

/* ---- segments ---- */

static void seg_from_kvm(SegmentCache *s, const struct kvm_segment *k)
{
    s->selector = k->selector;
    s->base = k->base;
    s->limit = k->limit;
    s->flags = (k->type << DESC_TYPE_SHIFT) | (k->s ? DESC_S_MASK : 0) |
               (k->dpl << DESC_DPL_SHIFT) | (k->present ? DESC_P_MASK : 0) |
               (k->avl ? DESC_AVL_MASK : 0) | (k->l ? DESC_L_MASK : 0) |
               (k->db ? DESC_B_MASK : 0) | (k->g ? DESC_G_MASK : 0) |
               (k->unusable ? DESC_UNUSABLE : 0);
}

static void seg_to_kvm(struct kvm_segment *k, const SegmentCache *s)
{
    *k = (struct kvm_segment) {
        .base = s->base, .limit = s->limit, .selector = s->selector,
        .type = (s->flags >> DESC_TYPE_SHIFT) & 15,
        .s = !!(s->flags & DESC_S_MASK),
        .dpl = (s->flags >> DESC_DPL_SHIFT) & 3,
        .present = !!(s->flags & DESC_P_MASK),
        .avl = !!(s->flags & DESC_AVL_MASK),
        .l = !!(s->flags & DESC_L_MASK),
        .db = !!(s->flags & DESC_B_MASK),
        .g = !!(s->flags & DESC_G_MASK),
        .unusable = !(s->flags & DESC_P_MASK),
    };
}

static void regs_from_kvm(CPUX86State *env, const struct kvm_regs *r)
{
    const uint64_t v[16] = {
        r->rax, r->rcx, r->rdx, r->rbx, r->rsp, r->rbp, r->rsi, r->rdi,
        r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, r->r14, r->r15,
    };
    memcpy(env->regs, v, sizeof(v));
    env->rip = r->rip;
    env->rflags = r->rflags;
}

static void regs_to_kvm(struct kvm_regs *r, const CPUX86State *env)
{
    const uint64_t *g = env->regs;
    *r = (struct kvm_regs) {
        .rax = g[R_EAX], .rcx = g[R_ECX], .rdx = g[R_EDX], .rbx = g[R_EBX],
        .rsp = g[R_ESP], .rbp = g[R_EBP], .rsi = g[R_ESI], .rdi = g[R_EDI],
        .r8 = g[8], .r9 = g[9], .r10 = g[10], .r11 = g[11],
        .r12 = g[12], .r13 = g[13], .r14 = g[14], .r15 = g[15],
        .rip = env->rip, .rflags = env->rflags | RFLAGS_FIXED,
    };
}

static void sregs_from_kvm(CPUX86State *env, const struct kvm_sregs *s)
{
    const struct kvm_segment *segs[6] = { &s->es, &s->cs, &s->ss, &s->ds,
                                          &s->fs, &s->gs };
    for (int i = 0; i < 6; i++) {
        seg_from_kvm(&env->segs[i], segs[i]);
    }
    seg_from_kvm(&env->ldt, &s->ldt);
    seg_from_kvm(&env->tr, &s->tr);
    env->gdt.base = s->gdt.base;
    env->gdt.limit = s->gdt.limit;
    env->idt.base = s->idt.base;
    env->idt.limit = s->idt.limit;
    env->cr[0] = s->cr0;
    env->cr[2] = s->cr2;
    env->cr[3] = s->cr3;
    env->cr[4] = s->cr4;
    env->cr8 = s->cr8;
    env->efer = s->efer;
    env->apic_base = s->apic_base;
}

static void sregs_to_kvm(struct kvm_sregs *s, const CPUX86State *env)
{
    struct kvm_segment *segs[6] = { &s->es, &s->cs, &s->ss, &s->ds,
                                    &s->fs, &s->gs };
    memset(s, 0, sizeof(*s));
    for (int i = 0; i < 6; i++) {
        seg_to_kvm(segs[i], &env->segs[i]);
    }
    seg_to_kvm(&s->ldt, &env->ldt);
    seg_to_kvm(&s->tr, &env->tr);
    s->gdt.base = env->gdt.base;
    s->gdt.limit = env->gdt.limit;
    s->idt.base = env->idt.base;
    s->idt.limit = env->idt.limit;
    s->cr0 = env->cr[0];
    s->cr2 = env->cr[2];
    s->cr3 = env->cr[3];
    s->cr4 = env->cr[4];
    s->cr8 = env->cr8;
    s->efer = env->efer;
    s->apic_base = env->apic_base;
}

static void events_from_kvm(X86Events *e, const struct kvm_vcpu_events *k)
{
    e->exception_injected = k->exception.injected;
    e->exception_pending = k->exception.pending;
    e->exception_nr = k->exception.nr;
    e->exception_has_error_code = k->exception.has_error_code;
    e->exception_error_code = k->exception.error_code;
    e->interrupt_injected = k->interrupt.injected;
    e->interrupt_nr = k->interrupt.nr;
    e->interrupt_soft = k->interrupt.soft;
    e->interrupt_shadow = k->interrupt.shadow;
    e->nmi_injected = k->nmi.injected;
    e->nmi_pending = k->nmi.pending;
    e->nmi_masked = k->nmi.masked;
    e->smi_smm = k->smi.smm;
    e->smi_pending = k->smi.pending;
    e->smi_inside_nmi = k->smi.smm_inside_nmi;
    e->smi_latched_init = k->smi.latched_init;
}

static void events_to_kvm(struct kvm_vcpu_events *k, const X86Events *e)
{
    memset(k, 0, sizeof(*k));
    k->exception.injected = e->exception_injected;
    k->exception.nr = e->exception_nr;
    k->exception.has_error_code = e->exception_has_error_code;
    k->exception.error_code = e->exception_error_code;
    k->interrupt.injected = e->interrupt_injected;
    k->interrupt.nr = e->interrupt_nr;
    k->interrupt.soft = e->interrupt_soft;
    k->interrupt.shadow = e->interrupt_shadow;
    k->nmi.injected = e->nmi_injected;
    k->nmi.pending = e->nmi_pending;
    k->nmi.masked = e->nmi_masked;
    k->flags = KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SHADOW;
}

/* ---- FPU / XSAVE ---- */

static void xsave_decode(CPUX86State *env)
{
    const uint8_t *x = env->xsave_buf;

    memcpy(&env->fpuc, x + 0, 2);
    memcpy(&env->fpus, x + 2, 2);
    env->fptag_abridged = x[4];
    memcpy(&env->fpop, x + 6, 2);
    memcpy(&env->fpip, x + 8, 8);
    memcpy(&env->fpdp, x + 16, 8);
    memcpy(&env->mxcsr, x + 24, 4);
    for (int i = 0; i < 8; i++) {
        memcpy(&env->fpregs[i].mant, x + 32 + 16 * i, 8);
        memcpy(&env->fpregs[i].exp, x + 40 + 16 * i, 2);
    }
    memcpy(env->xmm, x + 160, 16 * 16);
    memcpy(env->ymmh, x + 576, 16 * 16);
}

static void xsave_encode(CPUX86State *env)
{
    uint8_t *x = env->xsave_buf;
    uint64_t bv;

    if (!env->xsave_buf_valid) {
        memset(x, 0, X86_XSAVE_SIZE);
        env->xsave_buf_valid = true;
    }
    memcpy(x + 0, &env->fpuc, 2);
    memcpy(x + 2, &env->fpus, 2);
    x[4] = env->fptag_abridged;
    memcpy(x + 6, &env->fpop, 2);
    memcpy(x + 8, &env->fpip, 8);
    memcpy(x + 16, &env->fpdp, 8);
    memcpy(x + 24, &env->mxcsr, 4);
    for (int i = 0; i < 8; i++) {
        memcpy(x + 32 + 16 * i, &env->fpregs[i].mant, 8);
        memcpy(x + 40 + 16 * i, &env->fpregs[i].exp, 2);
    }
    memcpy(x + 160, env->xmm, 16 * 16);
    memcpy(x + 576, env->ymmh, 16 * 16);
    memcpy(&bv, x + 512, 8);
    bv |= 3 | (env->xcr0 & 4);      /* x87, SSE (and YMM) now explicit */
    memcpy(x + 512, &bv, 8);
}

static void kvm_get_fpu(CPUState *cs)
{
    CPUX86State *env = &X86_CPU(cs)->env;

    if (have_xsave) {
        if (kvm_vcpu_ioctl(cs, KVM_GET_XSAVE, env->xsave_buf) == 0) {
            env->xsave_buf_valid = true;
            xsave_decode(env);
        }
    } else {
        struct kvm_fpu f;
        if (kvm_vcpu_ioctl(cs, KVM_GET_FPU, &f) == 0) {
            env->fpuc = f.fcw;
            env->fpus = f.fsw;
            env->fptag_abridged = f.ftwx;
            env->fpop = f.last_opcode;
            env->fpip = f.last_ip;
            env->fpdp = f.last_dp;
            env->mxcsr = f.mxcsr;
            for (int i = 0; i < 8; i++) {
                memcpy(&env->fpregs[i].mant, f.fpr[i], 8);
                memcpy(&env->fpregs[i].exp, f.fpr[i] + 8, 2);
            }
            memcpy(env->xmm, f.xmm, sizeof(f.xmm));
        }
    }
    if (have_xcrs) {
        struct kvm_xcrs xcrs;
        if (kvm_vcpu_ioctl(cs, KVM_GET_XCRS, &xcrs) == 0) {
            for (uint32_t i = 0; i < xcrs.nr_xcrs; i++) {
                if (xcrs.xcrs[i].xcr == 0) {
                    env->xcr0 = xcrs.xcrs[i].value;
                }
            }
        }
    }
}

static void kvm_put_fpu(CPUState *cs)
{
    CPUX86State *env = &X86_CPU(cs)->env;

    if (have_xcrs && (env->features[FEAT_1_ECX] & CPUID_EXT_XSAVE)) {
        struct kvm_xcrs xcrs = {
            .nr_xcrs = 1,
            .xcrs[0] = { .xcr = 0, .value = env->xcr0 | 1 },
        };
        kvm_vcpu_ioctl(cs, KVM_SET_XCRS, &xcrs);
    }
    if (have_xsave) {
        xsave_encode(env);
        kvm_vcpu_ioctl(cs, KVM_SET_XSAVE, env->xsave_buf);
    } else {
        struct kvm_fpu f = {
            .fcw = env->fpuc, .fsw = env->fpus, .ftwx = env->fptag_abridged,
            .last_opcode = env->fpop, .last_ip = env->fpip,
            .last_dp = env->fpdp, .mxcsr = env->mxcsr,
        };
        for (int i = 0; i < 8; i++) {
            memcpy(f.fpr[i], &env->fpregs[i].mant, 8);
            memcpy(f.fpr[i] + 8, &env->fpregs[i].exp, 2);
        }
        memcpy(f.xmm, env->xmm, sizeof(f.xmm));
        kvm_vcpu_ioctl(cs, KVM_SET_FPU, &f);
    }
}

/* ---- lazy get / put ---- */

void kvm_arch_get_registers(CPUState *cs, unsigned groups)
{
    AccelCPUState *a = cs->accel;
    CPUX86State *env = &X86_CPU(cs)->env;
    struct kvm_run *run = a->run;
    unsigned need = groups & ~a->valid;

    if (need & KVM_GRP_REGS) {
        struct kvm_regs r;
        if (kvm_state->have_sync_regs) {
            regs_from_kvm(env, &run->s.regs.regs);
        } else if (kvm_vcpu_ioctl(cs, KVM_GET_REGS, &r) == 0) {
            regs_from_kvm(env, &r);
        }
    }
    if (need & KVM_GRP_SREGS) {
        struct kvm_sregs s;
        if (kvm_state->have_sync_regs) {
            sregs_from_kvm(env, &run->s.regs.sregs);
        } else if (kvm_vcpu_ioctl(cs, KVM_GET_SREGS, &s) == 0) {
            sregs_from_kvm(env, &s);
        }
    }
    if (need & KVM_GRP_EVENTS) {
        struct kvm_vcpu_events e;
        if (kvm_state->have_sync_regs) {
            events_from_kvm(&env->events, &run->s.regs.events);
        } else if (kvm_vcpu_ioctl(cs, KVM_GET_VCPU_EVENTS, &e) == 0) {
            events_from_kvm(&env->events, &e);
        }
    }
    if (need & KVM_GRP_FPU) {
        kvm_get_fpu(cs);
    }
    if (need & KVM_GRP_MSRS) {
        kvm_get_msrs(cs);
    }
    if ((need & KVM_GRP_MPSTATE) && kvm_irqchip_in_kernel()) {
        struct kvm_mp_state mp;
        if (kvm_vcpu_ioctl(cs, KVM_GET_MP_STATE, &mp) == 0) {
            env->mp_state = mp.mp_state;
        }
    }
    if ((need & KVM_GRP_DEBUG) && have_debugregs) {
        struct kvm_debugregs d;
        if (kvm_vcpu_ioctl(cs, KVM_GET_DEBUGREGS, &d) == 0) {
            memcpy(env->dr, d.db, sizeof(d.db));
            env->dr[6] = d.dr6;
            env->dr[7] = d.dr7;
        }
    }
    a->valid |= groups;
}

void kvm_arch_put_registers(CPUState *cs, unsigned force)
{
    AccelCPUState *a = cs->accel;
    CPUX86State *env = &X86_CPU(cs)->env;
    struct kvm_run *run = a->run;
    unsigned put = a->dirty | force;
    bool reset = (put & KVM_GRP_ALL) == KVM_GRP_ALL && cs->vcpu_dirty;

    if (!put) {
        return;
    }
    /* Order matters: MSRs (EFER via sregs...) then sregs, then the rest. */
    if (put & KVM_GRP_MSRS) {
        kvm_put_msrs(cs, reset || a->dirty == KVM_GRP_ALL);
    }
    if (put & KVM_GRP_FPU) {
        kvm_put_fpu(cs);
    }
    if (put & KVM_GRP_SREGS) {
        if (kvm_state->have_sync_regs) {
            sregs_to_kvm(&run->s.regs.sregs, env);
            run->kvm_dirty_regs |= KVM_SYNC_X86_SREGS;
        } else {
            struct kvm_sregs s;
            sregs_to_kvm(&s, env);
            kvm_vcpu_ioctl(cs, KVM_SET_SREGS, &s);
        }
    }
    if (put & KVM_GRP_REGS) {
        if (kvm_state->have_sync_regs) {
            regs_to_kvm(&run->s.regs.regs, env);
            run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
        } else {
            struct kvm_regs r;
            regs_to_kvm(&r, env);
            kvm_vcpu_ioctl(cs, KVM_SET_REGS, &r);
        }
    }
    if (put & KVM_GRP_EVENTS) {
        if (kvm_state->have_sync_regs) {
            events_to_kvm(&run->s.regs.events, &env->events);
            run->kvm_dirty_regs |= KVM_SYNC_X86_EVENTS;
        } else {
            struct kvm_vcpu_events e;
            events_to_kvm(&e, &env->events);
            kvm_vcpu_ioctl(cs, KVM_SET_VCPU_EVENTS, &e);
        }
    }
    if ((put & KVM_GRP_MPSTATE) && kvm_irqchip_in_kernel()) {
        struct kvm_mp_state mp = { .mp_state = env->mp_state };
        kvm_vcpu_ioctl(cs, KVM_SET_MP_STATE, &mp);
    }
    if ((put & KVM_GRP_DEBUG) && have_debugregs) {
        struct kvm_debugregs d = { .dr6 = env->dr[6], .dr7 = env->dr[7] };
        memcpy(d.db, env->dr, sizeof(d.db));
        kvm_vcpu_ioctl(cs, KVM_SET_DEBUGREGS, &d);
    }
    a->dirty = 0;
}

void kvm_arch_reset_vcpu(CPUState *cs)
{
    /* env already holds the reset state (cpu.c); nothing cached. With the
     * LAPIC in the kernel, KVM_RUN itself waits for SIPI and sleeps in
     * HLT (mp_state): the thread must keep entering it. */
    if (kvm_irqchip_in_kernel()) {
        cs->halted = false;
    }
}

/* ---- the guest TSC, for the userspace LAPIC's TSC-deadline timer ---- */

static int64_t tsc_offset;      /* guest TSC - host TSC, last measured */

static uint64_t host_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/*
 * On the vCPU's own thread (wrmsr exits, where deadlines are armed) the
 * TSC is read from KVM exactly; elsewhere (a vCPU ioctl would wait for
 * KVM_RUN to end) the host TSC plus the last offset seen. KVM does not
 * scale the TSC unless asked, so both tick at the host's rate.
 */
static uint64_t kvm_guest_tsc(CPUState *cs)
{
    uint64_t v = 0;

    if (cs && cs == current_cpu_get() && cs->accel &&
        kvm_msr_rw(cs, false, MSR_IA32_TSC, &v) == 1) {
        __atomic_store_n(&tsc_offset, (int64_t)(v - host_rdtsc()),
                         __ATOMIC_RELAXED);
        return v;
    }
    return host_rdtsc() + __atomic_load_n(&tsc_offset, __ATOMIC_RELAXED);
}

static void kvm_install_tsc_source(CPUState *cs)
{
    static bool done;
    int khz;

    if (done || kvm_irqchip_in_kernel()) {
        return;
    }
    khz = kvm_check_extension(KVM_CAP_GET_TSC_KHZ) ?
          kvm_vcpu_ioctl(cs, KVM_GET_TSC_KHZ, NULL) : -1;
    if (khz > 0) {
        apic_set_tsc_source(kvm_guest_tsc, (uint64_t)khz * 1000);
        tsc_offset = -(int64_t)host_rdtsc();   /* a new vCPU's TSC is ~0 */
        done = true;
    }
}

/* ---- vCPU creation ---- */

bool kvm_arch_init_vcpu(CPUState *cs, Error **errp)
{
    X86CPU *cpu = X86_CPU(cs);
    int r;

    cpuid_host_fixups(cpu);
    r = kvm_set_cpuid(cs);
    if (r < 0) {
        error_setg(errp, "kvm: KVM_SET_CPUID2 failed: %s", strerror(-r));
        return false;
    }
    if (!kvm_probe_msrs(cs, errp)) {
        return false;
    }
    kvm_install_tsc_source(cs);
    if (kvm_state->have_sync_regs) {
        cs->accel->run->kvm_valid_regs = KVM_SYNC_X86_REGS |
                                         KVM_SYNC_X86_SREGS |
                                         KVM_SYNC_X86_EVENTS;
    }
    cs->accel->valid = 0;
    cs->accel->dirty = KVM_GRP_ALL;
    cs->vcpu_dirty = true;
    return true;
}

/* ---- run loop hooks ---- */

/* Userspace LAPIC: INIT, SIPI, NMI and external interrupts. */
static bool kvm_userspace_events(CPUState *cs)
{
    X86CPU *cpu = X86_CPU(cs);
    AccelCPUState *a = cs->accel;
    struct kvm_run *run = a->run;
    uint32_t req = __atomic_load_n(&cs->interrupt_request, __ATOMIC_ACQUIRE);

    if (req & CPU_INTERRUPT_INIT) {
        cpu_reset_interrupt(cs, CPU_INTERRUPT_INIT);
        kvm_arch_get_registers(cs, KVM_GRP_ALL);
        x86_cpu_reset_state(cpu, true);
        a->dirty |= KVM_GRP_ALL;
    }
    if (req & CPU_INTERRUPT_SIPI) {
        cpu_reset_interrupt(cs, CPU_INTERRUPT_SIPI);
        if (cpu->env.mp_state == X86_MP_INIT_RECEIVED ||
            cpu->env.mp_state == X86_MP_UNINITIALIZED) {
            kvm_arch_get_registers(cs, KVM_GRP_REGS | KVM_GRP_SREGS);
            x86_cpu_do_sipi(cpu, cpu->apic ? apic_get_sipi_vector(cpu->apic)
                                           : 0);
            a->dirty |= KVM_GRP_REGS | KVM_GRP_SREGS;
        }
    }
    if (cpu->env.mp_state != X86_MP_RUNNABLE &&
        cpu->env.mp_state != X86_MP_HALTED) {
        cs->halted = true;       /* AP waiting for SIPI */
        return false;
    }
    if (req & CPU_INTERRUPT_NMI) {
        cpu_reset_interrupt(cs, CPU_INTERRUPT_NMI);
        kvm_vcpu_ioctl(cs, KVM_NMI, NULL);
        cs->halted = false;
    }
    if (cs->halted) {
        kvm_arch_get_registers(cs, KVM_GRP_REGS);
        if ((cs->interrupt_request & CPU_INTERRUPT_HARD) &&
            (cpu->env.rflags & RFLAGS_IF)) {
            cs->halted = false;
            cpu->env.mp_state = X86_MP_RUNNABLE;
        } else {
            return false;
        }
    }
    run->request_interrupt_window = 0;
    if (cs->interrupt_request & CPU_INTERRUPT_HARD) {
        if (run->ready_for_interrupt_injection && run->if_flag) {
            int vec = x86_intc_get_interrupt(cs);
            if (vec >= 0) {
                struct kvm_interrupt irq = { .irq = vec };
                kvm_vcpu_ioctl(cs, KVM_INTERRUPT, &irq);
            }
        }
        /* More pending (or not injectable yet): exit when it can be. */
        run->request_interrupt_window =
            !!(cs->interrupt_request & CPU_INTERRUPT_HARD);
    }
    if (cpu->apic) {
        run->cr8 = apic_get_tpr(cpu->apic) >> 4;
    }
    return true;
}

bool kvm_arch_pre_run(CPUState *cs)
{
    if (!kvm_irqchip_in_kernel()) {
        return kvm_userspace_events(cs);
    }
    cs->halted = false;
    if (cs->interrupt_request & CPU_INTERRUPT_NMI) {
        cpu_reset_interrupt(cs, CPU_INTERRUPT_NMI);
        kvm_vcpu_ioctl(cs, KVM_NMI, NULL);
    }
    if (kvm_irqchip_mode() == KERNEL_IRQCHIP_SPLIT) {
        /* The userspace 8259 reaches the in-kernel LAPIC's LINT0 as an
         * ExtINT: KVM_INTERRUPT when KVM says the LAPIC takes it. */
        struct kvm_run *run = cs->accel->run;
        run->request_interrupt_window = 0;
        if (cs->interrupt_request & CPU_INTERRUPT_HARD) {
            if (run->ready_for_interrupt_injection && run->if_flag) {
                int vec = x86_intc_get_interrupt(cs);
                if (vec >= 0) {
                    struct kvm_interrupt irq = { .irq = vec };
                    kvm_vcpu_ioctl(cs, KVM_INTERRUPT, &irq);
                }
            }
            run->request_interrupt_window =
                !!(cs->interrupt_request & CPU_INTERRUPT_HARD);
        }
    }
    return true;
}

void kvm_arch_post_run(CPUState *cs)
{
    AccelCPUState *a = cs->accel;
    X86CPU *cpu = X86_CPU(cs);

    a->valid = 0;
    a->dirty = 0;
    a->run->kvm_dirty_regs = 0;
    if (!kvm_irqchip_in_kernel() && cpu->apic) {
        /* mov to CR8 does not exit: the guest's TPR comes back here
         * (only on change: an MMIO-written TPR keeps its low nibble). */
        if ((apic_get_tpr(cpu->apic) >> 4) != (a->run->cr8 & 0xf)) {
            apic_set_tpr(cpu->apic, a->run->cr8 << 4);
        }
    }
}

static int handle_msr_exit(CPUState *cs, struct kvm_run *run, bool write)
{
    uint32_t idx = run->msr.index;
    bool ok = false;

    if (idx == MSR_IA32_APICBASE || idx == MSR_IA32_TSC_DEADLINE ||
        (idx >= MSR_X2APIC_FIRST && idx <= MSR_X2APIC_LAST)) {
        if (write) {
            ok = apic_msr_write(cs, idx, run->msr.data);
        } else {
            uint64_t v = 0;
            ok = apic_msr_read(cs, idx, &v);
            run->msr.data = v;
        }
    } else {
        kemu_log_mask(LOG_UNIMP, "kvm: guest %s of unknown MSR 0x%x\n",
                      write ? "wrmsr" : "rdmsr", idx);
    }
    run->msr.error = !ok;     /* the guest gets #GP */
    return EXCP_RUN_AGAIN;
}

int kvm_arch_handle_exit(CPUState *cs, struct kvm_run *run)
{
    X86CPU *cpu = X86_CPU(cs);

    switch (run->exit_reason) {
    case KVM_EXIT_HLT:
        kvm_arch_get_registers(cs, KVM_GRP_REGS);
        if ((cs->interrupt_request & CPU_INTERRUPT_HARD) &&
            (cpu->env.rflags & RFLAGS_IF)) {
            return EXCP_RUN_AGAIN;
        }
        cs->halted = true;
        cpu->env.mp_state = X86_MP_HALTED;
        return EXCP_HLT;
    case KVM_EXIT_X86_RDMSR:
        return handle_msr_exit(cs, run, false);
    case KVM_EXIT_X86_WRMSR:
        return handle_msr_exit(cs, run, true);
    case KVM_EXIT_TPR_ACCESS:
    case KVM_EXIT_SET_TPR:
        return EXCP_RUN_AGAIN;
    case KVM_EXIT_DEBUG:
        return kvm_arch_handle_debug_exit(cs, run);
    default:
        fprintf(stderr, "KVM: unhandled exit 0x%x\n", run->exit_reason);
        kvm_arch_get_registers(cs, KVM_GRP_ALL);
        {
            GString *out = g_string_new(NULL);
            cpu_dump_state(cs, out, 0);
            fputs(out->str, stderr);
            g_string_free(out, true);
        }
        qemu_system_internal_error();
        return EXCP_FATAL;
    }
}
