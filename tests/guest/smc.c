/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Self- and cross-modifying code, as a translator must honour it:
 *  - code rewritten between two calls (another block wrote it);
 *  - an instruction rewriting the immediate of the next instruction in
 *    the same straight-line run (the same translated block);
 *  - a loop patching its own body on every iteration;
 *  - code spanning a page boundary, rewritten on the second page;
 *  - with "cpus=N" (N > 1): an AP spins calling a function the BSP
 *    rewrites; the AP must come to see the new code.
 * On hardware all of these see the new bytes (x86 keeps instruction
 * fetch coherent with stores).
 */
#include "guest.h"

/* Executable scratch (the guest maps its RAM RWX). */
static uint8_t code[3 * 4096] __attribute__((aligned(4096)));

typedef uint32_t (*fn_t)(void);

/* mov $imm, %eax; ret */
static void emit_ret_imm(uint8_t *p, uint32_t imm)
{
    p[0] = 0xb8;
    memcpy(p + 1, &imm, 4);
    p[5] = 0xc3;
}

static void test_rewrite_between_calls(void)
{
    fn_t f = (fn_t)(void *)code;

    emit_ret_imm(code, 1);
    CHECK(f() == 1, "first version returned %u", f());
    for (uint32_t i = 2; i < 50; i++) {
        emit_ret_imm(code, i);
        uint32_t r = f();
        CHECK(r == i, "rewritten function returned %u, expected %u", r, i);
    }
    printf("rewrite between calls: ok\n");
}

/* The store lands in the immediate of the very next instruction. */
extern uint32_t smc_next_imm;
static __attribute__((noinline)) uint32_t patch_next_insn(void)
{
    uint32_t r;

    __asm__ volatile(
        "leaq 1f(%%rip), %%rdx\n\t"
        "movl $0x22222222, (%%rdx)\n\t"
        ".byte 0xb8\n"              /* mov $imm32, %eax */
        ".globl smc_next_imm\n"
        "smc_next_imm:\n"
        "1: .long 0x11111111\n\t"
        : "=a"(r) : : "rdx", "memory");
    return r;
}

static void test_patch_same_block(void)
{
    /* The instruction sits in .text: put the old immediate back so that
     * each round patches again (a block translated from the restored
     * bytes, rewritten while it runs). */
    for (int round = 0; round < 3; round++) {
        uint32_t r;
        *(volatile uint32_t *)&smc_next_imm = 0x11111111;
        r = patch_next_insn();
        CHECK(r == 0x22222222, "same-block patch: got %#x", r);
    }
    printf("patch of the next insn: ok\n");
}

/*
 * A loop whose body adds an immediate that the loop itself rewrites:
 *     xor %eax,%eax; mov $N,%ecx
 *  L: add $imm32,%eax          (05 imm32)
 *     incl (imm field)         (the next iteration adds one more)
 *     loop L; ret
 */
static void test_loop_patches_itself(void)
{
    uint8_t *p = code + 1024;
    uint8_t *imm;
    const uint32_t n = 100;
    fn_t f = (fn_t)(void *)p;
    uint32_t r, want = 0;

    *p++ = 0x31; *p++ = 0xc0;                       /* xor %eax,%eax */
    *p++ = 0xb9; memcpy(p, &n, 4); p += 4;          /* mov $n,%ecx */
    uint8_t *loop = p;
    *p++ = 0x05; imm = p; memset(p, 0, 4); p += 4;  /* add $0,%eax */
    /* incl imm(%rip) : ff 05 disp32 */
    *p++ = 0xff; *p++ = 0x05;
    int32_t disp = (int32_t)(imm - (p + 4));
    memcpy(p, &disp, 4); p += 4;
    *p++ = 0xe2; *p = (uint8_t)(loop - (p + 1)); p++; /* loop L */
    *p++ = 0xc3;                                     /* ret */

    for (uint32_t i = 0; i < n; i++) {
        want += i;
    }
    r = f();
    CHECK(r == want, "self-patching loop summed %u, expected %u", r, want);
    printf("loop patching its own body: ok\n");
}

/* mov $imm32,%eax straddling the end of a page: the immediate's last
 * bytes are on the next page. */
static void test_page_crossing(void)
{
    uint8_t *start = code + 2 * 4096 - 3;
    fn_t f = (fn_t)(void *)start;

    emit_ret_imm(start, 0x01020304);
    CHECK(f() == 0x01020304, "page-crossing code returned %#x", f());
    /* Rewrite only bytes on the second page. */
    start[4] = 0x55;
    start[3] = 0x66;
    CHECK(f() == 0x55660304, "after rewriting the second page: %#x", f());
    printf("code across a page boundary: ok\n");
}

/* ---- cross-modifying code ---- */

static volatile uint32_t seen_version;
static volatile int ap_ready, ap_done;
static uint8_t *xcode = code + 2048;

static void ap_spin(unsigned id)
{
    fn_t f = (fn_t)(void *)xcode;

    if (__atomic_fetch_add(&ap_ready, 1, __ATOMIC_SEQ_CST) != 0) {
        return;            /* one spinner is enough */
    }
    for (;;) {
        uint32_t v = f();
        seen_version = v;
        if (v == 2) {
            break;
        }
        cpu_relax();
    }
    ap_done = 1;
}

static void test_cross_modifying(int ncpus)
{
    uint8_t ids[MAX_CPUS];
    int n = acpi_madt_cpus(ids, MAX_CPUS);

    CHECK(n == ncpus, "MADT lists %d CPUs, expected %d", n, ncpus);
    emit_ret_imm(xcode, 1);
    lapic_enable();
    smp_boot_aps(ids, n, ap_spin);
    for (int t = 0; t < 5000 && seen_version != 1; t++) {
        udelay(1000);
    }
    CHECK(seen_version == 1, "the AP never ran the first version");
    emit_ret_imm(xcode, 2);
    for (int t = 0; t < 5000 && !ap_done; t++) {
        udelay(1000);
    }
    CHECK(ap_done, "the AP never saw the rewritten code (still %u)",
          seen_version);
    printf("cross-modifying code seen by another CPU: ok\n");
}

void guest_main(void)
{
    long cpus = cmdline_int("cpus", 1);

    test_rewrite_between_calls();
    test_patch_same_block();
    test_loop_patches_itself();
    test_page_crossing();
    if (cpus > 1) {
        test_cross_modifying(cpus);
    }
}
