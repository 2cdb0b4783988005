/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Entry points of the kemu test guests. One image, linked at 1 MiB, can be
 * started four ways:
 *   - multiboot v1 (a.out kludge header below): 32-bit, EAX=0x2BADB002,
 *     EBX=multiboot info                                   -> entry_mb
 *   - PVH (ELF note XEN_ELFNOTE_PHYS32_ENTRY): 32-bit, EBX=start_info
 *                                                          -> entry_pvh
 *   - Linux boot protocol, 32-bit: offset 0, ESI=zero page -> _start
 *   - Linux boot protocol, 64-bit: offset 0x200, RSI=zero page
 * Each records how it came in, then all paths build identity page tables
 * for the low 4 GiB, enter long mode with our own GDT and call
 * runtime_start() on the boot stack.
 */
#include "layout.h"

    .section .text.entry, "ax"
    .code32
    .globl _start
_start:
    movl    $BOOT_LINUX32, %edi
    movl    %esi, %ebp                  /* zero page */
    jmp     entry32_common

    .balign 4
#ifndef NO_MULTIBOOT
#ifdef MULTIBOOT_ELF
#define MB_FLAGS 0x00000003             /* page align, mem info; ELF layout */
#else
#define MB_FLAGS 0x00010003             /* ... and the a.out kludge */
#endif
mb_header:
    .long   0x1BADB002
    .long   MB_FLAGS
    .long   -(0x1BADB002 + MB_FLAGS)
    .long   mb_header                   /* header_addr */
    .long   _start                      /* load_addr */
    .long   _edata                      /* load_end_addr */
    .long   _end                        /* bss_end_addr */
    .long   entry_mb                    /* entry_addr */
#endif

    .globl entry_mb
entry_mb:
    movl    $BOOT_MULTIBOOT, %edi
    movl    %ebx, %ebp
    cmpl    $0x2BADB002, %eax
    je      entry32_common
    movl    $BOOT_BAD_MAGIC, %edi
    jmp     entry32_common

    .globl entry_pvh
entry_pvh:
    movl    $BOOT_PVH, %edi
    movl    %ebx, %ebp

entry32_common:
    cli
    cld
    /* Zero .bss first: boot_type and boot_info live in .data. */
    movl    %edi, %ebx
    movl    $__bss_start, %edi
    movl    $__bss_end, %ecx
    subl    %edi, %ecx
    shrl    $2, %ecx
    xorl    %eax, %eax
    rep stosl
    movl    %ebx, boot_type
    movl    %ebp, boot_info

    call    build_page_tables32
    movl    $pml4, %eax
    movl    %eax, %cr3
    movl    %cr4, %eax
    orl     $0x20, %eax                 /* PAE */
    movl    %eax, %cr4
    movl    $0xC0000080, %ecx           /* EFER.LME */
    rdmsr
    orl     $0x100, %eax
    wrmsr
    movl    %cr0, %eax
    orl     $0x80000001, %eax           /* PG | PE */
    andl    $0x9fffffff, %eax           /* caches on */
    movl    %eax, %cr0
    lgdt    gdt_ptr
    ljmp    $KERNEL_CS, $long_entry

/* PML4[0] -> PDPT; PDPT[0..3] -> PD0..3; 2 MiB user-accessible pages. */
build_page_tables32:
    movl    $pdpt, %eax
    orl     $7, %eax
    movl    %eax, pml4
    movl    $pd, %eax
    orl     $7, %eax
    movl    $pdpt, %edi
    movl    $4, %ecx
1:  movl    %eax, (%edi)
    addl    $4096, %eax
    addl    $8, %edi
    loop    1b
    movl    $pd, %edi
    movl    $0x87, %eax                 /* P RW US PS */
    xorl    %edx, %edx
    movl    $2048, %ecx
2:  movl    %eax, (%edi)
    movl    %edx, 4(%edi)
    addl    $0x200000, %eax
    addl    $8, %edi
    loop    2b
    ret

    /* Linux 64-bit entry: startup_32 + 0x200. */
    .org    0x200
    .code64
    .globl entry64_linux
entry64_linux:
    cli
    cld
    movq    %rsi, %rbp
    movl    $__bss_start, %edi
    movl    $__bss_end, %ecx
    subl    %edi, %ecx
    shrl    $3, %ecx
    xorl    %eax, %eax
    rep stosq
    movl    $BOOT_LINUX64, boot_type
    movl    %ebp, boot_info
    /* Same tables as the 32-bit path; the loader's are fine to leave. */
    movq    $pdpt + 7, %rax
    movq    %rax, pml4
    movq    $pd + 7, %rax
    movq    $pdpt, %rdi
    movl    $4, %ecx
1:  movq    %rax, (%rdi)
    addq    $4096, %rax
    addq    $8, %rdi
    loop    1b
    movq    $pd, %rdi
    movq    $0x87, %rax
    movl    $2048, %ecx
2:  movq    %rax, (%rdi)
    addq    $0x200000, %rax
    addq    $8, %rdi
    loop    2b
    movq    $pml4, %rax
    movq    %rax, %cr3
    lgdt    gdt_ptr
    pushq   $KERNEL_CS
    pushq   $long_entry
    lretq

long_entry:
    movl    $KERNEL_DS, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    %eax, %ss
    xorl    %eax, %eax
    movl    %eax, %fs
    movl    %eax, %gs
    movq    $boot_stack_top, %rsp
    xorl    %ebp, %ebp
    call    runtime_start
3:  hlt
    jmp     3b

    .section .data
    .balign 8
    .globl boot_type, boot_info
boot_type:  .long 0
boot_info:  .long 0

    .balign 16
    .globl gdt, gdt_ptr
gdt:
    .quad   0                           /* 0x00 null */
    .quad   0x00af9a000000ffff          /* 0x08 kernel code 64 */
    .quad   0x00cf92000000ffff          /* 0x10 kernel data */
    .quad   0x00cff2000000ffff          /* 0x18 user data (RPL 3: 0x1b) */
    .quad   0x00affa000000ffff          /* 0x20 user code 64 (0x23) */
    .quad   0x00cf9a000000ffff          /* 0x28 kernel code 32 */
    .quad   0, 0                        /* 0x30 TSS, filled at run time */
gdt_end:
gdt_ptr:
    .word   gdt_end - gdt - 1
    .quad   gdt

    /* PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY = 18). */
    .section .note.Xen, "a"
    .balign 4
    .long   4                           /* name size */
    .long   4                           /* desc size */
    .long   18                          /* type */
    .asciz  "Xen"
    .long   entry_pvh

    .section .bss
    .balign 4096
    .globl pml4
pml4:   .skip 4096
pdpt:   .skip 4096
pd:     .skip 4096 * 4
    .section .noinit, "aw", @nobits
    .balign 16
boot_stack: .skip BOOT_STACK_SIZE
    .globl boot_stack_top
boot_stack_top:
