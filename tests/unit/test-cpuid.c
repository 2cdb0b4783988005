/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CPU models, feature names, "-cpu" parsing and its ordering rule,
 * filtering against a supported set (check/enforce), the CPUID table,
 * "-cpu help", and the "info registers" layout.
 */
#include "util/osdep.h"
#include "target/i386/cpu-models.h"
#include "util/error.h"

/* No accelerator in a unit test: nothing restricts features, unless a
 * test asks for TCG's set (tcg-features.c, what TCG really gives). */
static bool as_tcg;

bool x86_accel_supported_features(FeatureWordArray out)
{
    if (as_tcg) {
        x86_tcg_supported_features(out);
        return true;
    }
    memset(out, 0xff, sizeof(FeatureWordArray));
    return false;
}

static GString *reports;

static void capture(void *opaque, const char *msg)
{
    g_string_append(reports, msg);
}

static X86CPU *new_cpu(const char *model)
{
    X86CPU *cpu = g_new0(X86CPU, 1);

    g_assert_true(x86_cpu_load_model(cpu, model, &error_abort));
    return cpu;
}

static bool has(X86CPU *cpu, const char *name)
{
    FeatureWord w;
    int bit;

    g_assert_true(x86_feature_lookup(name, &w, &bit));
    return cpu->env.features[w] & (1u << bit);
}

static void test_names(void)
{
    FeatureWord w;
    int bit;
    g_autofree char *d1 = x86_feature_describe(FEAT_1_ECX, 0);
    g_autofree char *d2 = x86_feature_describe(FEAT_8000_0001_ECX, 2);
    g_autofree char *d3 = x86_feature_describe(FEAT_7_0_EBX, 5);
    g_autofree char *d4 = x86_feature_describe(FEAT_1_ECX, 27);
    uint32_t leaf, idx;
    int reg;

    g_assert_cmpstr(x86_feature_name(FEAT_1_ECX, 0), ==, "pni");
    g_assert_cmpstr(x86_feature_name(FEAT_1_ECX, 21), ==, "x2apic");
    g_assert_cmpstr(x86_feature_name(FEAT_1_ECX, 24), ==, "tsc-deadline");
    g_assert_cmpstr(x86_feature_name(FEAT_1_ECX, 31), ==, "hypervisor");
    g_assert_cmpstr(x86_feature_name(FEAT_7_0_EDX, 29), ==,
                    "arch-capabilities");
    g_assert_cmpstr(x86_feature_name(FEAT_KVM, 24), ==, "kvmclock-stable-bit");
    g_assert_cmpstr(x86_feature_name(FEAT_XSAVE, 0), ==, "xsaveopt");
    g_assert_null(x86_feature_name(FEAT_1_EDX, 10));

    /* Aliases and underscores. */
    g_assert_true(x86_feature_lookup("sse3", &w, &bit));
    g_assert_cmpint(w, ==, FEAT_1_ECX);
    g_assert_cmpint(bit, ==, 0);
    g_assert_true(x86_feature_lookup("sse4_1", &w, &bit));
    g_assert_cmpint(bit, ==, 19);
    g_assert_true(x86_feature_lookup("i64", &w, &bit));
    g_assert_cmpint(w, ==, FEAT_8000_0001_EDX);
    g_assert_cmpint(bit, ==, 29);
    g_assert_true(x86_feature_lookup("kvm_pv_eoi", &w, &bit));
    g_assert_cmpint(w, ==, FEAT_KVM);
    g_assert_false(x86_feature_lookup("nosuchflag", &w, &bit));

    g_assert_cmpstr(d1, ==, "CPUID.01H:ECX.pni [bit 0]");
    g_assert_cmpstr(d2, ==, "CPUID.80000001H:ECX.svm [bit 2]");
    g_assert_cmpstr(d3, ==, "CPUID.07H:EBX.avx2 [bit 5]");
    g_assert_cmpstr(d4, ==, "CPUID.01H:ECX [bit 27]");

    x86_feature_word_cpuid(FEAT_XSAVE, &leaf, &idx, &reg);
    g_assert_cmphex(leaf, ==, 0xd);
    g_assert_cmpuint(idx, ==, 1);
    g_assert_cmpint(reg, ==, R_EAX);
    x86_feature_word_cpuid(FEAT_KVM, &leaf, &idx, &reg);
    g_assert_cmphex(leaf, ==, 0x40000001);
}

static void test_qemu64(void)
{
    g_autofree X86CPU *cpu = new_cpu("qemu64");
    Error *err = NULL;

    g_assert_cmphex(cpu->env.cpuid_version, ==, 0x00060fb1);
    g_assert_cmpstr(cpu->env.model_id, ==, "QEMU Virtual CPU version 2.5+");
    g_assert_true(has(cpu, "sse2"));
    g_assert_true(has(cpu, "pni"));
    g_assert_true(has(cpu, "lm"));
    g_assert_true(has(cpu, "x2apic"));
    g_assert_true(has(cpu, "hypervisor"));
    g_assert_false(has(cpu, "svm"));
    g_assert_false(has(cpu, "avx"));
    g_assert_true(cpu->check_cpuid);

    g_assert_false(x86_cpu_load_model(cpu, "nosuch", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "unable to find CPU model 'nosuch'");
    error_free(err);
}

static void test_max(void)
{
    g_autofree X86CPU *cpu = new_cpu("max");

    /* Without a restricting accelerator max has every named feature
     * but nested virtualisation. */
    g_assert_true(has(cpu, "avx2"));
    g_assert_true(has(cpu, "arch-capabilities"));
    g_assert_true(has(cpu, "xsaveopt"));
    g_assert_false(has(cpu, "vmx"));
    g_assert_false(has(cpu, "svm"));
    g_assert_cmpuint(cpu->env.features[FEAT_XSAVE_XCR0_LO] & 7, ==, 7);
}

static X86CPU *parse(const char *model, const char *props, Error **errp)
{
    X86CPU *cpu = new_cpu(model);

    if (!x86_cpu_parse_features(cpu, "qemu64-x86_64-cpu", props, errp)) {
        g_free(cpu);
        return NULL;
    }
    return cpu;
}

/* tcg-features.c: the AVX family needs the host's AVX2/FMA/F16C */
bool avx_host_ok(void);

/* The TCG mask: max gets what the translator implements (x86-64-v3 with
 * XSAVE), and nothing a guest would use to its harm (supervisor XSAVE
 * state, EVEX code, 5-level paging, KVM's paravirt leaf). */
static void test_tcg_mask(void)
{
    static const char *const offered[] = {
        "sse2", "pni", "ssse3", "sse4.1", "sse4.2", "popcnt", "abm",
        "bmi1", "bmi2", "adx", "movbe", "cx16", "rdrand", "rdseed",
        "rdtscp", "rdpid", "fsgsbase", "smep", "smap", "umip", "pku",
        "nx", "lm", "syscall", "x2apic", "hypervisor", "aes", "pclmulqdq",
        "sha-ni", "topoext", "xsave", "xsaveopt", "xsavec", "xgetbv1",
    };
    static const char *const avx_family[] = { "avx", "avx2", "fma", "f16c" };
    static const char *const withheld[] = {
        "xsaves", "avx512f", "vaes", "vpclmulqdq", "la57", "vmx",
        "svm", "kvmclock", "kvm-pv-eoi", "spec-ctrl", "arch-capabilities",
    };
    bool host_avx = avx_host_ok();
    FeatureWordArray sup;
    X86CPU *cpu;

    as_tcg = true;
    cpu = new_cpu("max");
    for (size_t i = 0; i < ARRAY_SIZE(offered); i++) {
        g_assert_true(has(cpu, offered[i]));
    }
    for (size_t i = 0; i < ARRAY_SIZE(withheld); i++) {
        g_assert_false(has(cpu, withheld[i]));
    }
    for (size_t i = 0; i < ARRAY_SIZE(avx_family); i++) {
        g_assert_true(has(cpu, avx_family[i]) == host_avx);
    }
    /* XCR0 components: x87, SSE, PKRU, and AVX with the AVX family */
    g_assert_cmphex(cpu->env.features[FEAT_XSAVE_XCR0_LO], ==,
                    host_avx ? 0x207 : 0x203);
    /* XSAVEOPT, XSAVEC, XGETBV(1); no XSAVES */
    g_assert_cmphex(cpu->env.features[FEAT_XSAVE], ==, 7);

    /* max is already inside the mask: filtering it loses nothing. */
    x86_tcg_supported_features(sup);
    reports = g_string_new("");
    error_set_sink(capture, NULL);
    g_assert_true(x86_cpu_filter_features(cpu, sup, &error_abort));
    g_assert_cmpstr(reports->str, ==, "");
    for (int w = 0; w < FEATURE_WORDS; w++) {
        g_assert_cmphex(cpu->filtered_features[w], ==, 0);
    }
    g_free(cpu);

    /* An explicit +la57 on max is warned about and dropped. */
    cpu = parse("max", "+la57,+popcnt", NULL);
    g_assert_true(x86_cpu_filter_features(cpu, sup, &error_abort));
    g_assert_nonnull(strstr(reports->str,
        "doesn't support requested feature: CPUID.07H:ECX.la57 [bit 16]\n"));
    g_assert_false(has(cpu, "la57"));
    g_assert_true(has(cpu, "popcnt"));
    g_free(cpu);
    error_set_sink(NULL, NULL);
    g_string_free(reports, true);
    as_tcg = false;
}

static void test_parse(void)
{
    Error *err = NULL;
    X86CPU *cpu;

    cpu = parse("qemu64", "+avx,-sse2,x2apic=off,popcnt=on,check=off", NULL);
    g_assert_true(has(cpu, "avx"));
    g_assert_false(has(cpu, "sse2"));
    g_assert_false(has(cpu, "x2apic"));
    g_assert_true(has(cpu, "popcnt"));
    g_assert_false(cpu->check_cpuid);
    g_free(cpu);

    /* +feat/-feat apply after feat=on|off whatever the order. */
    cpu = parse("qemu64", "pni=off,+pni", NULL);
    g_assert_true(has(cpu, "pni"));
    g_free(cpu);
    reports = g_string_new("");
    error_set_sink(capture, NULL);
    cpu = parse("qemu64", "-sse2,sse2=on", NULL);
    error_set_sink(NULL, NULL);
    g_assert_false(has(cpu, "sse2"));
    g_assert_nonnull(strstr(reports->str, "warning: Ambiguous CPU model "
                            "string. Don't mix both \"-sse2\" and "
                            "\"sse2=on\"\n"));
    g_string_free(reports, true);
    g_free(cpu);
    cpu = parse("qemu64", "+sse4.2,-sse4_2", NULL);
    g_assert_false(has(cpu, "sse4.2"));
    g_free(cpu);

    /* Bare names, enforce, other properties, escaped commas. */
    cpu = parse("qemu64", "enforce,sse4a,model-id=A,,B,family=6,model=0x55,"
                "stepping=4,level=7,xlevel=0x80000008", NULL);
    g_assert_true(cpu->enforce_cpuid);
    g_assert_true(has(cpu, "sse4a"));
    g_assert_cmpstr(cpu->env.model_id, ==, "A,B");
    g_assert_cmphex(cpu->env.cpuid_version, ==, 0x00050654);
    g_assert_cmphex(cpu->env.cpuid_level, ==, 7);
    g_free(cpu);

    g_assert_null(parse("qemu64", "+foo", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'qemu64-x86_64-cpu.foo' not found");
    error_free(err);
    err = NULL;
    g_assert_null(parse("qemu64", "foo=on", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "can't apply global qemu64-x86_64-cpu.foo=on: Property "
                    "'qemu64-x86_64-cpu.foo' not found");
    error_free(err);
    err = NULL;
    g_assert_null(parse("qemu64", "sse2=maybe", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "can't apply global qemu64-x86_64-cpu.sse2=maybe: "
                    "Parameter 'sse2' expects 'on' or 'off'");
    error_free(err);
}

static void test_filter(void)
{
    FeatureWordArray sup;
    Error *err = NULL;
    X86CPU *cpu;

    /* A host like ours: no SSE3, SSE4, POPCNT. */
    memset(sup, 0xff, sizeof(sup));
    sup[FEAT_1_ECX] &= ~((1u << 0) | (1u << 19) | (1u << 20) | (1u << 23));

    reports = g_string_new("");
    error_set_sink(capture, NULL);
    cpu = parse("qemu64", "+sse4.1,+popcnt", NULL);
    g_assert_true(x86_cpu_filter_features(cpu, sup, &error_abort));
    g_assert_cmpstr(reports->str, ==,
        "warning: host doesn't support requested feature: "
        "CPUID.01H:ECX.pni [bit 0]\n"
        "warning: host doesn't support requested feature: "
        "CPUID.01H:ECX.sse4.1 [bit 19]\n"
        "warning: host doesn't support requested feature: "
        "CPUID.01H:ECX.popcnt [bit 23]\n");
    g_assert_false(has(cpu, "pni"));
    g_assert_true(has(cpu, "sse2"));
    g_assert_cmphex(cpu->filtered_features[FEAT_1_ECX], ==,
                    (1u << 0) | (1u << 19) | (1u << 23));
    g_free(cpu);

    /* check=off: filtered silently. */
    g_string_truncate(reports, 0);
    cpu = parse("qemu64", "check=off", NULL);
    g_assert_true(x86_cpu_filter_features(cpu, sup, &error_abort));
    g_assert_cmpstr(reports->str, ==, "");
    g_free(cpu);

    /* enforce: the same warnings, then an error. */
    cpu = parse("qemu64", "enforce", NULL);
    g_assert_false(x86_cpu_filter_features(cpu, sup, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Host doesn't support requested features");
    g_assert_nonnull(strstr(reports->str, "CPUID.01H:ECX.pni [bit 0]"));
    error_free(err);
    g_free(cpu);

    /* Losing xsave takes avx and the XSAVE leaf with it. */
    sup[FEAT_1_ECX] &= ~CPUID_EXT_XSAVE;
    cpu = parse("max", "check=off", NULL);
    g_assert_true(x86_cpu_filter_features(cpu, sup, &error_abort));
    g_assert_false(has(cpu, "avx"));
    g_assert_false(has(cpu, "avx2"));
    g_assert_false(has(cpu, "xsaveopt"));
    g_free(cpu);
    error_set_sink(NULL, NULL);
    g_string_free(reports, true);
}

static const X86CPUIDEntry *find(CPUX86State *env, uint32_t fn, uint32_t idx)
{
    for (int i = 0; i < env->cpuid_nr; i++) {
        if (env->cpuid[i].function == fn && env->cpuid[i].index == idx) {
            return &env->cpuid[i];
        }
    }
    return NULL;
}

static void test_build_cpuid(void)
{
    g_autofree X86CPU *cpu = new_cpu("qemu64");
    CPUX86State *env = &cpu->env;
    const X86CPUIDEntry *e;
    char vendor[13] = { 0 }, brand[49] = { 0 };

    x86_cpu_build_cpuid(cpu);
    e = find(env, 0, 0);
    g_assert_nonnull(e);
    g_assert_cmphex(e->eax, ==, 0xd);
    memcpy(vendor, &e->ebx, 4);
    memcpy(vendor + 4, &e->edx, 4);
    memcpy(vendor + 8, &e->ecx, 4);
    g_assert_cmpstr(vendor, ==, "AuthenticAMD");
    e = find(env, 1, 0);
    g_assert_cmphex(e->eax, ==, 0x60fb1);
    g_assert_cmphex(e->ecx, ==, env->features[FEAT_1_ECX]);
    g_assert_cmphex(e->edx, ==, env->features[FEAT_1_EDX]);
    e = find(env, 0x80000000, 0);
    g_assert_cmphex(e->eax, >=, 0x80000008);
    e = find(env, 0x80000001, 0);
    g_assert_true(e->edx & CPUID_EXT2_LM);
    for (int i = 0; i < 3; i++) {
        e = find(env, 0x80000002 + i, 0);
        memcpy(brand + i * 16, &e->eax, 4);
        memcpy(brand + i * 16 + 4, &e->ebx, 4);
        memcpy(brand + i * 16 + 8, &e->ecx, 4);
        memcpy(brand + i * 16 + 12, &e->edx, 4);
    }
    g_assert_cmpstr(brand, ==, "QEMU Virtual CPU version 2.5+");
    g_assert_cmphex(find(env, 0x80000008, 0)->eax & 0xff, ==, 40);
    g_assert_nonnull(find(env, 0x40000001, 0));
    g_assert_null(find(env, 0xd, 1));       /* no xsave in qemu64 */

    /* xsave + avx: leaf 0xD describes the AVX state. */
    g_assert_true(x86_cpu_parse_features(cpu, "t", "+xsave,+avx,+avx2",
                                         &error_abort));
    x86_cpu_build_cpuid(cpu);
    e = find(env, 0xd, 0);
    g_assert_cmphex(e->eax, ==, 7);
    g_assert_cmpuint(e->ecx, ==, 832);
    g_assert_cmphex(find(env, 0xd, 2)->eax, ==, 256);
    g_assert_cmphex(find(env, 0xd, 2)->ebx, ==, 576);
    e = find(env, 7, 0);
    g_assert_true(e->ebx & (1u << 5));
    g_assert_cmpuint(e->flags, ==, X86_CPUID_FLAG_INDEXED);
}

static void test_help(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    g_auto(GStrv) lines = NULL;

    x86_cpu_list(f);
    fclose(f);
    g_assert_true(g_str_has_prefix(buf, "Available CPUs:\n"));
    g_assert_nonnull(strstr(buf, "\nx86 qemu64                QEMU Virtual "
                            "CPU version 2.5+\n"));
    g_assert_nonnull(strstr(buf, "\nx86 max                   every feature "
                            "the accelerator can offer on this host\n"));
    g_assert_nonnull(strstr(buf, "\n\nRecognized CPUID flags:\n  3dnow "
                            "3dnowext 3dnowprefetch abm "));
    g_assert_true(g_str_has_suffix(buf, "\n\nNo nested virtualization: max "
        "and host never offer svm or vmx, and under\nTCG they are dropped "
        "with a warning (the translator has neither).\n"));
    lines = g_strsplit(strstr(buf, "Recognized"), "\n", -1);
    for (int i = 1; lines[i] && lines[i][0]; i++) {
        g_assert_cmpuint(strlen(lines[i]), <=, 75);
        g_assert_true(g_str_has_prefix(lines[i], "  "));
    }
    free(buf);
}

/* The state after reset, and what QEMU 7.2 prints for it. */
static void reset_state(CPUX86State *env)
{
    memset(env, 0, sizeof(*env));
    env->regs[R_EDX] = 0x60fb1;
    env->rip = 0xfff0;
    env->rflags = 2;
    for (int i = 0; i < CPU_NB_SEGS; i++) {
        env->segs[i] = (SegmentCache) { .limit = 0xffff, .flags = 0x9300 };
    }
    env->segs[R_CS] = (SegmentCache) { .selector = 0xf000, .base = 0xffff0000,
                                       .limit = 0xffff, .flags = 0x9b00 };
    env->ldt = (SegmentCache) { .limit = 0xffff, .flags = 0x8200 };
    env->tr = (SegmentCache) { .limit = 0xffff, .flags = 0x8b00 };
    env->gdt.limit = env->idt.limit = 0xffff;
    env->cr[0] = 0x60000010;
    env->dr[6] = 0xffff0ff0;
    env->dr[7] = 0x400;
    env->fpuc = 0x37f;
    env->mxcsr = 0x1f80;
}

static const char reset_dump[] =
    "EAX=00000000 EBX=00000000 ECX=00000000 EDX=00060fb1\n"
    "ESI=00000000 EDI=00000000 EBP=00000000 ESP=00000000\n"
    "EIP=0000fff0 EFL=00000002 [-------] CPL=0 II=0 A20=1 SMM=0 HLT=0\n"
    "ES =0000 00000000 0000ffff 00009300\n"
    "CS =f000 ffff0000 0000ffff 00009b00\n"
    "SS =0000 00000000 0000ffff 00009300\n"
    "DS =0000 00000000 0000ffff 00009300\n"
    "FS =0000 00000000 0000ffff 00009300\n"
    "GS =0000 00000000 0000ffff 00009300\n"
    "LDT=0000 00000000 0000ffff 00008200\n"
    "TR =0000 00000000 0000ffff 00008b00\n"
    "GDT=     00000000 0000ffff\n"
    "IDT=     00000000 0000ffff\n"
    "CR0=60000010 CR2=00000000 CR3=00000000 CR4=00000000\n"
    "DR0=0000000000000000 DR1=0000000000000000 DR2=0000000000000000 "
    "DR3=0000000000000000 \n"
    "DR6=00000000ffff0ff0 DR7=0000000000000400\n"
    "EFER=0000000000000000\n"
    "FCW=037f FSW=0000 [ST=0] FTW=00 MXCSR=00001f80\n"
    "FPR0=0000000000000000 0000 FPR1=0000000000000000 0000\n"
    "FPR2=0000000000000000 0000 FPR3=0000000000000000 0000\n"
    "FPR4=0000000000000000 0000 FPR5=0000000000000000 0000\n"
    "FPR6=0000000000000000 0000 FPR7=0000000000000000 0000\n"
    "XMM00=0000000000000000 0000000000000000 "
    "XMM01=0000000000000000 0000000000000000\n"
    "XMM02=0000000000000000 0000000000000000 "
    "XMM03=0000000000000000 0000000000000000\n"
    "XMM04=0000000000000000 0000000000000000 "
    "XMM05=0000000000000000 0000000000000000\n"
    "XMM06=0000000000000000 0000000000000000 "
    "XMM07=0000000000000000 0000000000000000\n";

/* QEMU 7.2 (TCG) after a tiny ROM entered long mode, set XCR0=7 and
 * halted: the exact text of "info registers". */
static const char long_dump[] =
    "RAX=0000000000001111 RBX=0000000000000000 RCX=0000000000000000 RDX=0000000000000000\n"
    "RSI=0000000000000000 RDI=0000000000000000 RBP=0000000000000000 RSP=0000000000000000\n"
    "R8 =0000000000000000 R9 =0000000000000000 R10=0000000000000000 R11=0000000000000000\n"
    "R12=0000000000000000 R13=0000000000000000 R14=0000000000000000 R15=0123456789abcdef\n"
    "RIP=00000000000f00c0 RFL=00000046 [---Z-P-] CPL=0 II=0 A20=1 SMM=0 HLT=1\n"
    "ES =0010 0000000000000000 ffffffff 00cf9300 DPL=0 DS   [-WA]\n"
    "CS =0018 0000000000000000 ffffffff 00af9a00 DPL=0 CS64 [-R-]\n"
    "SS =0020 0000000000000000 ffffffff 00cf9300 DPL=0 DS   [-WA]\n"
    "DS =0010 0000000000000000 ffffffff 00cf9300 DPL=0 DS   [-WA]\n"
    "FS =0010 0000000000000000 ffffffff 00cf9300 DPL=0 DS   [-WA]\n"
    "GS =0010 0000000000000000 ffffffff 00cf9300 DPL=0 DS   [-WA]\n"
    "LDT=0000 0000000000000000 0000ffff 00008200 DPL=0 LDT\n"
    "TR =0000 0000000000000000 0000ffff 00008b00 DPL=0 TSS64-busy\n"
    "GDT=     00000000000f00c8 00000027\n"
    "IDT=     0000000000000000 0000ffff\n"
    "CR0=e0000011 CR2=0000000000000000 CR3=0000000000001000 CR4=00040220\n"
    "DR0=0000000000000000 DR1=0000000000000000 DR2=0000000000000000 DR3=0000000000000000 \n"
    "DR6=00000000ffff0ff0 DR7=0000000000000400\n"
    "EFER=0000000000000500\n"
    "FCW=037f FSW=0000 [ST=0] FTW=00 MXCSR=00001f80\n"
    "FPR0=0000000000000000 0000 FPR1=0000000000000000 0000\n"
    "FPR2=0000000000000000 0000 FPR3=0000000000000000 0000\n"
    "FPR4=0000000000000000 0000 FPR5=0000000000000000 0000\n"
    "FPR6=0000000000000000 0000 FPR7=0000000000000000 0000\n"
    "YMM00=0000000000000000 0000000000000000 0000000000000000 0000000000000000\n"
    "YMM01=0000000000000000 0000000000000000 0000000000000000 0000000000000000\n"
    "YMM02=0000000000000000 0000000000000000 0000000000000000 0000000000000000\n"
    "YMM03=0000000000000000 0000000000000000 0000000000000000 0000000000000000\n"
    "YMM04=0000000000000000 0000000000000000 0000000000000000 0000000000000000\n"
    "YMM05=0000000000000000 0000000000000000 0000000000000000 0000000000000000\n"
    "YMM06=0000000000000000 0000000000000000 0000000000000000 0000000000000000\n"
    "YMM07=0000000000000000 0000000000000000 0000000000000000 0000000000000000\n"
    "YMM08=0000000000000000 0000000000000000 0000000000000000 0000000000000000\n"
    "YMM09=0000000000000000 0000000000000000 0000000000000000 0000000000000000\n"
    "YMM10=0000000000000000 0000000000000000 0000000000000000 0000000000000000\n"
    "YMM11=0000000000000000 0000000000000000 0000000000000000 0000000000000000\n"
    "YMM12=0000000000000000 0000000000000000 0000000000000000 0000000000000000\n"
    "YMM13=0000000000000000 0000000000000000 0000000000000000 0000000000000000\n"
    "YMM14=0000000000000000 0000000000000000 0000000000000000 0000000000000000\n"
    "YMM15=0000000000000000 0000000000000000 0000000000000000 0000000000001111\n";

static void test_dump_qemu_long(void)
{
    g_autofree X86CPU *cpu = g_new0(X86CPU, 1);
    CPUX86State *env = &cpu->env;
    GString *s = g_string_new("");
    const SegmentCache data = { .selector = 0x10, .limit = 0xffffffff,
                                .flags = 0xcf9300 };

    reset_state(env);
    env->regs[R_EAX] = 0x1111;
    env->regs[R_EDX] = 0;
    env->regs[15] = 0x0123456789abcdefULL;
    env->rip = 0xf00c0;
    env->rflags = 0x46;
    for (int i = 0; i < CPU_NB_SEGS; i++) {
        env->segs[i] = data;
    }
    env->segs[R_CS] = (SegmentCache) { .selector = 0x18, .limit = 0xffffffff,
                                       .flags = 0xaf9a00 };
    env->segs[R_SS].selector = 0x20;
    env->gdt.base = 0xf00c8;
    env->gdt.limit = 0x27;
    env->cr[0] = 0xe0000011;
    env->cr[3] = 0x1000;
    env->cr[4] = 0x40220;
    env->efer = 0x500;
    env->xcr0 = 7;
    env->xmm[15].q[0] = 0x1111;
    cpu->parent_obj.halted = true;
    x86_cpu_dump_state(&cpu->parent_obj, s, CPU_DUMP_FPU);
    g_assert_cmpstr(s->str, ==, long_dump);
    g_string_free(s, true);
}

static void test_dump_real(void)
{
    g_autofree X86CPU *cpu = g_new0(X86CPU, 1);
    GString *s = g_string_new("");

    reset_state(&cpu->env);
    x86_cpu_dump_state(&cpu->parent_obj, s, CPU_DUMP_FPU);
    g_assert_cmpstr(s->str, ==, reset_dump);
    g_string_free(s, true);
}

static void test_dump_long(void)
{
    g_autofree X86CPU *cpu = g_new0(X86CPU, 1);
    CPUX86State *env = &cpu->env;
    GString *s = g_string_new("");

    reset_state(env);
    env->efer = MSR_EFER_LME | MSR_EFER_LMA | MSR_EFER_SCE;
    env->cr[0] = 0x80050033;
    env->cr[3] = 0x1000;
    env->cr[4] = 0x20;
    env->regs[15] = 0x123456789abcdefULL;
    env->rip = 0xffffffff81000000ULL;
    env->rflags = 0x246;
    env->segs[R_CS] = (SegmentCache) { .selector = 0x10, .limit = 0xffffffff,
                                       .flags = 0xa09b00 };
    env->segs[R_SS] = (SegmentCache) { .selector = 0x18, .limit = 0xffffffff,
                                       .flags = 0xc09300 };
    env->tr = (SegmentCache) { .selector = 0x28, .base = 0xfffffe0000003000,
                               .limit = 0x4087, .flags = 0x8b00 };
    env->gdt.base = 0xfffffe0000001000ULL;
    env->gdt.limit = 0x7f;
    env->xmm[15].q[1] = 0xaa;
    cpu->parent_obj.halted = true;
    x86_cpu_dump_state(&cpu->parent_obj, s, CPU_DUMP_FPU);
    g_assert_nonnull(strstr(s->str,
        "R12=0000000000000000 R13=0000000000000000 R14=0000000000000000 "
        "R15=0123456789abcdef\n"
        "RIP=ffffffff81000000 RFL=00000246 [---Z-P-] CPL=0 II=0 A20=1 SMM=0 "
        "HLT=1\n"
        "ES =0000 0000000000000000 0000ffff 00009300 DPL=0 DS   [-WA]\n"
        "CS =0010 0000000000000000 ffffffff 00a09b00 DPL=0 CS64 [-RA]\n"
        "SS =0018 0000000000000000 ffffffff 00c09300 DPL=0 DS   [-WA]\n"));
    g_assert_nonnull(strstr(s->str,
        "LDT=0000 0000000000000000 0000ffff 00008200 DPL=0 LDT\n"
        "TR =0028 fffffe0000003000 00004087 00008b00 DPL=0 TSS64-busy\n"
        "GDT=     fffffe0000001000 0000007f\n"
        "IDT=     0000000000000000 0000ffff\n"
        "CR0=80050033 CR2=0000000000000000 CR3=0000000000001000 "
        "CR4=00000020\n"));
    g_assert_nonnull(strstr(s->str, "EFER=0000000000000501\n"));
    g_assert_nonnull(strstr(s->str, "XMM14=0000000000000000 0000000000000000 "
                            "XMM15=00000000000000aa 0000000000000000\n"));

    /* Protected mode, 32-bit code: decoded attributes, 32-bit layout. */
    g_string_truncate(s, 0);
    env->efer = 0;
    env->cr[0] = 0x11;
    env->segs[R_CS].flags = 0xcf9b00;
    env->segs[R_CS].selector = 8;
    env->xcr0 = 7;
    env->ymmh[0].q[1] = 0x55;
    x86_cpu_dump_state(&cpu->parent_obj, s, CPU_DUMP_FPU);
    g_assert_nonnull(strstr(s->str, "EIP=81000000 EFL=00000246"));
    g_assert_nonnull(strstr(s->str,
        "CS =0008 00000000 ffffffff 00cf9b00 DPL=0 CS32 [-RA]\n"));
    g_assert_nonnull(strstr(s->str,
        "ES =0000 00000000 0000ffff 00009300 DPL=0 DS16 [-WA]\n"));
    g_assert_nonnull(strstr(s->str,
        "TR =0028 00003000 00004087 00008b00 DPL=0 TSS32-busy\n"));
    g_assert_nonnull(strstr(s->str, "YMM00=0000000000000055 "
                            "0000000000000000 0000000000000000 "
                            "0000000000000000\nYMM01="));
    g_assert_null(strstr(s->str, "YMM08"));
    g_string_free(s, true);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cpuid/names", test_names);
    g_test_add_func("/cpuid/qemu64", test_qemu64);
    g_test_add_func("/cpuid/max", test_max);
    g_test_add_func("/cpuid/tcg-mask", test_tcg_mask);
    g_test_add_func("/cpuid/parse", test_parse);
    g_test_add_func("/cpuid/filter", test_filter);
    g_test_add_func("/cpuid/build", test_build_cpuid);
    g_test_add_func("/cpuid/help", test_help);
    g_test_add_func("/cpuid/dump-real", test_dump_real);
    g_test_add_func("/cpuid/dump-long", test_dump_long);
    g_test_add_func("/cpuid/dump-qemu-long", test_dump_qemu_long);
    return g_test_run();
}
