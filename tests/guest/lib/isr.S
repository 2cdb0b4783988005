/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interrupt stubs (16 bytes each, vector n at isr_stubs + n*16), the common
 * save/restore path into isr_dispatch(struct frame *), the switch to CPL3
 * (run_user) and the way back: user code executes ud2 and the #UD handler
 * calls user_return. (PVM, the software KVM of our test machines, answers
 * int n from CPL3 with #UD and runs syscall's target at CPL3; faults are
 * the transition it does deliver faithfully.)
 */
#include "layout.h"

    .text
    .code64
    .balign 16
    .globl isr_stubs
isr_stubs:
    vec = 0
    .rept 256
    .balign 16
    /* Exceptions 8, 10-14, 17, 21, 29, 30 push an error code. */
    .if (vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
    pushq   $vec
    .else
    pushq   $0
    pushq   $vec
    .endif
    jmp     isr_common
    vec = vec + 1
    .endr

isr_common:
    pushq   %rax
    pushq   %rbx
    pushq   %rcx
    pushq   %rdx
    pushq   %rsi
    pushq   %rdi
    pushq   %rbp
    pushq   %r8
    pushq   %r9
    pushq   %r10
    pushq   %r11
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    movq    %rsp, %rdi
    call    isr_dispatch
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %r11
    popq    %r10
    popq    %r9
    popq    %r8
    popq    %rbp
    popq    %rdi
    popq    %rsi
    popq    %rdx
    popq    %rcx
    popq    %rbx
    popq    %rax
    addq    $16, %rsp
    iretq

/*
 * uint64_t run_user(void (*fn)(uint64_t), uint64_t arg, void *user_stack_top)
 * Runs fn(arg) at CPL3 with IOPL 3 and interrupts enabled; fn must end with
 * user_exit(value) (ud2 with the value in RAX), whose value is
 * returned here. The kernel stack pointer is kept in the per-CPU slot that
 * the caller passes through kernel_rsp_slot (gs-less: one slot per CPU,
 * indexed by the LAPIC ID we were given).
 */
    .globl run_user
run_user:
    pushq   %rbx
    pushq   %rbp
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    movq    %rdi, %r13
    movq    %rsi, %r14
    movq    %rdx, %r15
    call    user_slot               /* rax = &slot for this CPU */
    movq    %rsp, (%rax)
    pushq   $USER_DS                /* ss */
    pushq   %r15                    /* rsp */
    pushq   $0x3202                 /* rflags: IF, IOPL 3 */
    pushq   $USER_CS
    pushq   %r13                    /* rip */
    movq    %r14, %rdi              /* fn's argument */
    movl    $USER_DS, %eax
    movl    %eax, %ds
    movl    %eax, %es
    iretq

    /* void user_return(uint64_t value): called from the #UD handler. */
    .globl user_return
user_return:
    movq    %rdi, %r12
    movl    $KERNEL_DS, %eax
    movl    %eax, %ds
    movl    %eax, %es
    call    user_slot
    movq    (%rax), %rsp
    movq    %r12, %rax
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %rbp
    popq    %rbx
    ret

/* APs arrive here from the trampoline, in long mode on their own stack. */
    .globl ap_entry64
ap_entry64:
    lgdt    gdt_ptr
    pushq   $KERNEL_CS
    pushq   $1f
    lretq
1:  movl    $KERNEL_DS, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    %eax, %ss
    xorl    %ebp, %ebp
    call    ap_start
2:  cli
    hlt
    jmp     2b

/*
 * The AP trampoline, copied to TRAMPOLINE_ADDR: real mode -> protected
 * mode -> long mode with the BSP's page tables -> ap_entry64.
 * ap_cr3 / ap_stack / ap_gdt_ptr are patched by the BSP before each SIPI.
 */
#define T(x) ((x) - trampoline_start + TRAMPOLINE_ADDR)
    .section .rodata
    .globl trampoline_start, trampoline_end
    .code16
trampoline_start:
    cli
    cld
    xorw    %ax, %ax
    movw    %ax, %ds
    lgdtl   T(tr_gdt_ptr)
    movl    %cr0, %eax
    orl     $1, %eax
    movl    %eax, %cr0
    ljmpl   $0x08, $T(tr_pm)
    .code32
tr_pm:
    movl    $0x10, %eax
    movl    %eax, %ds
    movl    %eax, %ss
    movl    %cr4, %eax
    orl     $0x20, %eax
    movl    %eax, %cr4
    movl    T(tr_cr3), %eax
    movl    %eax, %cr3
    movl    $0xC0000080, %ecx
    rdmsr
    orl     $0x100, %eax
    wrmsr
    movl    %cr0, %eax
    orl     $0x80000000, %eax
    movl    %eax, %cr0
    ljmp    $0x18, $T(tr_lm)
    .code64
tr_lm:
    movq    T(tr_stack), %rsp
    movq    T(tr_target), %rax
    jmp     *%rax
    .balign 8
tr_gdt:
    .quad   0
    .quad   0x00cf9a000000ffff      /* 0x08 code 32 */
    .quad   0x00cf92000000ffff      /* 0x10 data */
    .quad   0x00af9a000000ffff      /* 0x18 code 64 */
tr_gdt_ptr:
    .word   tr_gdt_ptr - tr_gdt - 1
    .long   T(tr_gdt)
    .balign 8
    .globl tr_cr3, tr_stack, tr_target
tr_cr3:     .quad 0
tr_stack:   .quad 0
tr_target:  .quad 0
trampoline_end:
