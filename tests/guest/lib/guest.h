/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The test guests' runtime: ports, serial, interrupts, LAPIC/IOAPIC, SMP,
 * user mode, and how a test reports its result. */
#ifndef GUEST_H
#define GUEST_H

#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdbool.h>
#include "layout.h"

/* For stacks: kept out of the .bss that start-up zeroes. */
#define NOINIT __attribute__((section(".noinit"), aligned(16)))

/* isa-debug-exit at 0xf4: status (v << 1) | 1, so 33 = pass, 35 = fail. */
#define DEBUG_EXIT_PORT 0xf4
#define EXIT_PASS 0x10
#define EXIT_FAIL 0x11

static inline void outb(uint16_t p, uint8_t v) { __asm__ volatile("outb %0,%1" :: "a"(v), "Nd"(p)); }
static inline void outw(uint16_t p, uint16_t v) { __asm__ volatile("outw %0,%1" :: "a"(v), "Nd"(p)); }
static inline void outl(uint16_t p, uint32_t v) { __asm__ volatile("outl %0,%1" :: "a"(v), "Nd"(p)); }
static inline uint8_t inb(uint16_t p) { uint8_t v; __asm__ volatile("inb %1,%0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint16_t inw(uint16_t p) { uint16_t v; __asm__ volatile("inw %1,%0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint32_t inl(uint16_t p) { uint32_t v; __asm__ volatile("inl %1,%0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint32_t mmio_read32(uint64_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_write32(uint64_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(sub));
}
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void hlt(void) { __asm__ volatile("hlt" ::: "memory"); }
/* sti; hlt: wait for an interrupt without a window for a lost wakeup. */
static inline void sti_hlt(void) { __asm__ volatile("sti; hlt" ::: "memory"); }
static inline void cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }

/* Interrupt frame as pushed by lib/isr.S. */
struct frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vec, err;
    uint64_t rip, cs, rflags, rsp, ss;
};
typedef void (*irq_handler_t)(struct frame *f);
void set_irq_handler(int vec, irq_handler_t fn);

/* How we were booted (layout.h BOOT_*) and the pointer handed over. */
extern uint32_t boot_type;
extern uint32_t boot_info;

/* Output and results. */
void serial_putc(char c);
void puts_raw(const char *s);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
void guest_exit(bool pass) __attribute__((noreturn));
void fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
#define CHECK(cond, ...) do { if (!(cond)) fail(__VA_ARGS__); } while (0)

/* libc bits. */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strstr(const char *h, const char *n);

/* Legacy PIC: remap to base/base+8, everything masked. */
void pic_init(uint8_t base);
void pic_unmask(int irq);
void pic_eoi(int irq);
/* PIT channel 0, mode 2 (rate generator) at hz. */
void pit_periodic(unsigned hz);

/* Local APIC (xAPIC MMIO). */
#define LAPIC_BASE 0xfee00000ULL
#define LAPIC_ID 0x20
#define LAPIC_VER 0x30
#define LAPIC_TPR 0x80
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_ISR 0x100
#define LAPIC_IRR 0x200
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0
static inline uint32_t lapic_read(uint32_t reg) { return mmio_read32(LAPIC_BASE + reg); }
static inline void lapic_write(uint32_t reg, uint32_t v) { mmio_write32(LAPIC_BASE + reg, v); }
void lapic_enable(void);
static inline void lapic_eoi(void) { lapic_write(LAPIC_EOI, 0); }
unsigned cpu_id(void);   /* LAPIC ID */

/* IOAPIC at 0xfec00000. */
uint32_t ioapic_read(uint32_t reg);
void ioapic_write(uint32_t reg, uint32_t v);
void ioapic_route(int pin, uint8_t vector, uint8_t dest, bool level,
                  bool masked);

/* SMP: start every AP in apic_ids[0..n) (excluding ours) running fn. */
typedef void (*ap_fn_t)(unsigned apic_id);
int smp_boot_aps(const uint8_t *apic_ids, int n, ap_fn_t fn);
extern volatile int aps_started;
/* Tiny spinlock. */
typedef struct { volatile int v; } spinlock_t;
void spin_lock(spinlock_t *l);
void spin_unlock(spinlock_t *l);

/* CPL3: run fn(arg) in user mode (IOPL 3) until it calls user_exit(v).
 * Returns USER_IO_REFUSED if the CPU refused port I/O at CPL3 despite
 * IOPL 3 (PVM does). */
#define USER_IO_REFUSED 0xfffffffffffffffeULL
uint64_t run_user(void (*fn)(uint64_t), uint64_t arg, void *stack_top);
static inline void __attribute__((noreturn)) user_exit(uint64_t v)
{
    __asm__ volatile("ud2" :: "a"(v) : "memory");
    __builtin_unreachable();
}

/* Delay by polling PIT channel 2 (about us microseconds; no IRQs). */
void udelay(unsigned us);

/* ACPI: find the RSDP in 0xe0000-0xfffff (or from boot info). */
const void *acpi_find_rsdp(void);

/* Each test provides this; returning means pass. */
void guest_main(void);

#endif

/* Boot hand-over, whatever the protocol. */
const char *boot_cmdline(void);           /* "" when none */
/* Integer "key=N" from the command line, or def. */
long cmdline_int(const char *key, long def);

/* ACPI helpers. */
struct acpi_header {
    char sig[4];
    uint32_t length;
    uint8_t revision, checksum;
    char oem_id[6], oem_table_id[8];
    uint32_t oem_revision, creator_id, creator_revision;
} __attribute__((packed));
bool acpi_checksum_ok(const void *p, uint32_t len);
/* Table by signature through the XSDT (or RSDT); NULL if absent. */
const struct acpi_header *acpi_find_table(const char *sig);
/* APIC IDs of enabled processors in the MADT; returns the count. */
int acpi_madt_cpus(uint8_t *ids, int max);
/* ACPI S5 through FADT PM1a_CNT and the DSDT's \_S5; returns on failure. */
void acpi_poweroff(void);
