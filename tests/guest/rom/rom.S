/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tiny BIOS ROM image for -bios tests (ROM_SIZE bytes, 64 KiB or
 * 256 KiB). The CPU starts at 0xfffffff0, the ROM's last 16 bytes seen
 * through its mapping below 4 GiB; the far jump there lands in segment
 * 0xf000, which reads the ROM through the legacy alias at 0xe0000-0xfffff.
 * The code then
 *   - checks a signature byte through segment 0xf000 (and, when the ROM
 *     is large enough for the whole 128 KiB alias, one through 0xe000),
 *   - tries to overwrite the 0xf000 signature and checks it held,
 *   - reports each step on the debugcon port 0xe9,
 *   - exits through isa-debug-exit at 0xf4: 0x10 on success (status 33),
 *     0x20 on failure (status 65).
 * Real-mode code is emulated slowly under this machine's KVM: a few
 * hundred instructions in all.
 *
 * Built with: gcc -c -DROM_SIZE=N rom.S; objcopy -O binary -j .text
 */
#define DEBUGCON 0xe9
#define EXIT_PORT 0xf4
#define SIG_F 0x5a
#define SIG_E 0xa5
#define F_OFF(label) ((label) - seg_f)

    .code16
    .text
rom_start:
#if ROM_SIZE >= 0x20000
    .org ROM_SIZE - 0x20000, 0xff
seg_e:                          /* what segment 0xe000 shows */
sig_e:
    .byte SIG_E
#endif

    .org ROM_SIZE - 0x10000, 0xff
seg_f:                          /* what segment 0xf000 shows */
sig_f:
    .byte SIG_F
msg_start:
    .asciz "rom: reset vector reached\n"
msg_f:
    .asciz "rom: f000 signature ok\n"
msg_e:
    .asciz "rom: e000 signature ok\n"
msg_ro:
    .asciz "rom: write ignored, read-only ok\n"
msg_fail:
    .asciz "rom: FAIL\n"

/* Prints the string at %ds:%si. */
puts:
    mov $DEBUGCON, %dx
1:  lodsb
    test %al, %al
    jz 2f
    outb %al, %dx
    jmp 1b
2:  ret

start:
    cli
    cld
    xor %ax, %ax
    mov %ax, %ss
    mov $0x7000, %sp
    mov %cs, %ax                /* 0xf000 */
    mov %ax, %ds
    mov $F_OFF(msg_start), %si
    call puts

    cmpb $SIG_F, F_OFF(sig_f)
    jne fail
    mov $F_OFF(msg_f), %si
    call puts

#if ROM_SIZE >= 0x20000
    mov $0xe000, %ax
    mov %ax, %es
    cmpb $SIG_E, %es:(sig_e - seg_e)
    jne fail
    mov $F_OFF(msg_e), %si
    call puts
#endif

    movb $0, F_OFF(sig_f)       /* must not stick: the alias is ROM */
    cmpb $SIG_F, F_OFF(sig_f)
    jne fail
    mov $F_OFF(msg_ro), %si
    call puts

    mov $0x10, %al
    jmp out
fail:
    mov $F_OFF(msg_fail), %si
    call puts
    mov $0x20, %al
out:
    outb %al, $EXIT_PORT
    hlt
    jmp out

    .org ROM_SIZE - 16, 0xff
reset_vector:                   /* 0xfffffff0 */
    ljmp $0xf000, $F_OFF(start)
    .org ROM_SIZE, 0xff
