/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Constants shared by the test guests' assembly and C. */
#ifndef GUEST_LAYOUT_H
#define GUEST_LAYOUT_H

#define KERNEL_CS   0x08
#define KERNEL_DS   0x10
#define USER_DS     0x1b
#define USER_CS     0x23
#define KERNEL_CS32 0x28
#define TSS_SEL     0x30

#define BOOT_LINUX32    1
#define BOOT_LINUX64    2
#define BOOT_MULTIBOOT  3
#define BOOT_PVH        4
#define BOOT_BAD_MAGIC  5

#define BOOT_STACK_SIZE 16384
#define AP_STACK_SIZE   8192
#define MAX_CPUS        16

/* Real-mode AP trampoline is copied here; SIPI vector 0x08. */
#define TRAMPOLINE_ADDR 0x8000

#endif
