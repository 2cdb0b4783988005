/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Direct kernel boot without firmware: Linux bzImage (boot protocol
 * 2.06+), PVH ELF and Multiboot v1. Each loader is a pure function from
 * the image bytes and a description of the machine to a BootImage: the
 * pieces to copy into guest memory and the boot CPU's entry state. The
 * machine writes the pieces and the registers at every reset.
 */
#ifndef KEMU_X86_BOOT_H
#define KEMU_X86_BOOT_H

#include "util/error.h"
#include "hw/i386/e820.h"

/* Low-memory layout used by the loaders (all below 640 KiB). */
#define BOOT_GDT_ADDR       0x1000
#define BOOT_PML4_ADDR      0x2000   /* PML4, PDPT, 4 PDs: up to 0x7fff */
#define BOOT_INFO_ADDR      0x8000   /* info structures, bump-allocated */
#define BOOT_INFO_END       0x9f000
#define BOOT_ZEROPAGE_ADDR  0x10000  /* Linux boot_params (in the info area) */
#define BOOT_KERNEL_ADDR    0x100000 /* protected-mode kernel */
#define BOOT_STACK_TOP      0x9f000  /* initial ESP, grows into free space */

#define BOOT_CS 0x10                 /* Linux's __BOOT_CS */
#define BOOT_DS 0x18                 /* Linux's __BOOT_DS */

typedef struct X86BootRegs {
    bool long_mode;     /* 64-bit entry with identity paging (cr3 set) */
    uint64_t rip;
    uint64_t rax, rbx, rsi, rsp;
    uint64_t cr3;
    uint64_t gdt_base;
    uint16_t gdt_limit;
} X86BootRegs;

typedef struct BootBlob {
    char *name;
    uint64_t addr;
    GBytes *data;
} BootBlob;

typedef struct BootImage {
    GPtrArray *blobs;   /* of BootBlob*, written in order */
    X86BootRegs regs;
    const char *format; /* "linux", "pvh", "multiboot" */
} BootImage;

typedef struct X86BootInput {
    const char *kernel_name;
    const uint8_t *kernel;
    size_t kernel_size;
    const char *initrd_name;    /* -initrd (multiboot: module list) */
    const char *cmdline;        /* -append, "" when absent */
    const E820Table *e820;
    uint64_t rsdp_addr;         /* 0 when there is no ACPI */
    bool vga;                   /* screen_info for a VGA text console */
    /* Reads a file (initrd, modules); tests can replace it. */
    bool (*read_file)(const char *path, uint8_t **data, size_t *len,
                      Error **errp);
} X86BootInput;

BootImage *boot_image_new(void);
void boot_image_free(BootImage *img);
void boot_image_add(BootImage *img, const char *name, uint64_t addr,
                    const void *data, size_t len);
/* Takes ownership of data (g_malloc'ed). */
void boot_image_add_owned(BootImage *img, const char *name, uint64_t addr,
                          void *data, size_t len);

/* The highest end of usable RAM reachable from 1 MiB without a hole. */
uint64_t boot_low_ram_top(const E820Table *e820);

/* Detects the format and loads. errp messages name the file. */
BootImage *x86_load_kernel(const X86BootInput *in, Error **errp);

/* Per format: NULL with *errp unset means "not this format". */
BootImage *linux_boot_load(const X86BootInput *in, Error **errp);
BootImage *pvh_boot_load(const X86BootInput *in, Error **errp);
BootImage *multiboot_load(const X86BootInput *in, Error **errp);

/* Exposed for tests. */
/* PVH entry from an ELF image's PT_NOTE (type 18, "Xen"), or 0. */
uint64_t pvh_find_entry(const uint8_t *elf, size_t len);
/* Offset of a valid multiboot header in the first 8 KiB, or -1. */
long multiboot_find_header(const uint8_t *img, size_t len);
/* Splits "a arg,b,,c" at single commas (",," is a literal comma). */
char **multiboot_split_modules(const char *list);

/* A bump allocator over [base, limit) that becomes one blob. */
typedef struct BootArea {
    GByteArray *buf;
    uint64_t base, limit;
} BootArea;
void boot_area_init(BootArea *a, uint64_t base, uint64_t limit);
/* Copies data (NULL: zeros) in; returns its guest address, 0 if full. */
uint64_t boot_area_alloc(BootArea *a, const void *data, size_t len,
                         size_t align);
void boot_area_finish(BootArea *a, BootImage *img, const char *name);

/* Loads an ELF's PT_LOAD segments at their physical addresses (bss
 * zeroed), checking they lie in RAM; *end gets the highest end. */
struct ElfImage;
bool boot_load_elf_segments(BootImage *img, const X86BootInput *in,
                            const struct ElfImage *elf, uint64_t *end,
                            Error **errp);
/* True when [addr, addr+len) lies within one e820 RAM entry. */
bool boot_range_in_ram(const E820Table *e820, uint64_t addr, uint64_t len);

/* Writes 32-bit flat GDT + optional identity page tables to a blob. */
void boot_add_gdt(BootImage *img, bool long_mode);
void boot_add_identity_paging(BootImage *img);

/* ---- PVH start info (xen/include/public/arch-x86/hvm/start_info.h) */
#define HVM_START_MAGIC 0x336ec578
typedef struct KEMU_PACKED HvmStartInfo {
    uint32_t magic;
    uint32_t version;
    uint32_t flags;
    uint32_t nr_modules;
    uint64_t modlist_paddr;
    uint64_t cmdline_paddr;
    uint64_t rsdp_paddr;
    uint64_t memmap_paddr;
    uint32_t memmap_entries;
    uint32_t reserved;
} HvmStartInfo;
typedef struct KEMU_PACKED HvmModlistEntry {
    uint64_t paddr, size, cmdline_paddr, reserved;
} HvmModlistEntry;
typedef struct KEMU_PACKED HvmMemmapEntry {
    uint64_t addr, size;
    uint32_t type, reserved;
} HvmMemmapEntry;

/* ---- Multiboot v1 (the Multiboot Specification 0.6.96) */
#define MULTIBOOT_HEADER_MAGIC     0x1BADB002
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002
#define MULTIBOOT_SEARCH           8192
typedef struct KEMU_PACKED MultibootInfo {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name;
    uint32_t apm_table;
    uint32_t vbe_control_info, vbe_mode_info;
    uint16_t vbe_mode, vbe_interface_seg, vbe_interface_off, vbe_interface_len;
} MultibootInfo;
typedef struct KEMU_PACKED MultibootModule {
    uint32_t mod_start, mod_end, string, reserved;
} MultibootModule;
typedef struct KEMU_PACKED MultibootMmap {
    uint32_t size;      /* of the rest: 20 */
    uint64_t base_addr, length;
    uint32_t type;
} MultibootMmap;

#endif
