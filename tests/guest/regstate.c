/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A known CPU state for comparing "info registers" with QEMU's
 * (tests/functional/test_info_registers.py). After the runtime's start-up
 * (long mode, our GDT/IDT, identity page tables at pml4) it sets RFLAGS,
 * loads distinctive values into every general register but RSP, prints
 * "regstate ready" on COM1 with unrolled outb (no loop, no flag changes),
 * restores RAX/RDX clobbered by the printing and then stays on `cli; hlt`
 * forever, so both emulators stop it at the same RIP with the same state.
 * Values: R(n) = 0x1111111111111111 * n with the top byte set to 0xa0 + n.
 */
#include "guest.h"

/* RFLAGS: CF PF ZF SF DF OF and the fixed bit 1; IF, TF and AC off. */
#define REGSTATE_RFLAGS_S "0xcc7"

/* "regstate ready\n", one byte per outb: COM1 takes them at once. */
#define OUTC(c) "movb $" #c ", %%al\n\toutb %%al, %%dx\n\t"

void guest_main(void)
{
    __asm__ volatile(
        "cli\n\t"
        "pushq $" REGSTATE_RFLAGS_S "\n\t"
        "popfq\n\t"
        "movabsq $0xa111111111111111, %%rax\n\t"
        "movabsq $0xa222222222222222, %%rbx\n\t"
        "movabsq $0xa333333333333333, %%rcx\n\t"
        "movabsq $0xa444444444444444, %%rdx\n\t"
        "movabsq $0xa555555555555555, %%rsi\n\t"
        "movabsq $0xa666666666666666, %%rdi\n\t"
        "movabsq $0xa777777777777777, %%rbp\n\t"
        "movabsq $0xa888888888888888, %%r8\n\t"
        "movabsq $0xa999999999999999, %%r9\n\t"
        "movabsq $0xaaaaaaaaaaaaaaaa, %%r10\n\t"
        "movabsq $0xabbbbbbbbbbbbbbb, %%r11\n\t"
        "movabsq $0xaccccccccccccccc, %%r12\n\t"
        "movabsq $0xaddddddddddddddd, %%r13\n\t"
        "movabsq $0xaeeeeeeeeeeeeeee, %%r14\n\t"
        "movabsq $0xafffffffffffffff, %%r15\n\t"
        "movw $0x3f8, %%dx\n\t"
        OUTC(0x72) OUTC(0x65) OUTC(0x67) OUTC(0x73) OUTC(0x74) OUTC(0x61)
        OUTC(0x74) OUTC(0x65) OUTC(0x20) OUTC(0x72) OUTC(0x65) OUTC(0x61)
        OUTC(0x64) OUTC(0x79) OUTC(0x0a)
        "movabsq $0xa111111111111111, %%rax\n\t"
        "movabsq $0xa444444444444444, %%rdx\n\t"
        "1: cli\n\t"
        "hlt\n\t"
        "jmp 1b\n\t"
        ::: "memory");
    __builtin_unreachable();
}
