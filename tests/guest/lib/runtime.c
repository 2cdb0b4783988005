/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runtime of the test guests: see guest.h. Kept small on purpose: under a
 * software KVM every supervisor instruction is emulated. */
#include "guest.h"

#define COM1 0x3f8

/* ---- libc ---- */
void *memset(void *d, int c, size_t n)
{
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    return d;
}
void *memcpy(void *d, const void *s, size_t n)
{
    void *r = d;
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) :: "memory");
    return r;
}
int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) {
            return x[i] - y[i];
        }
    }
    return 0;
}
size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n]) {
        n++;
    }
    return n;
}
int strncmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i] || !a[i]) {
            return (uint8_t)a[i] - (uint8_t)b[i];
        }
    }
    return 0;
}
int strcmp(const char *a, const char *b)
{
    return strncmp(a, b, (size_t)-1);
}
char *strstr(const char *h, const char *n)
{
    size_t ln = strlen(n);
    for (; *h; h++) {
        if (!strncmp(h, n, ln)) {
            return (char *)h;
        }
    }
    return ln ? NULL : (char *)h;
}

/* ---- output ---- */
static spinlock_t print_lock;

void spin_lock(spinlock_t *l)
{
    while (__atomic_exchange_n(&l->v, 1, __ATOMIC_ACQUIRE)) {
        cpu_relax();
    }
}
void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->v, 0, __ATOMIC_RELEASE);
}

void serial_putc(char c)
{
    if (c == '\n') {
        serial_putc('\r');
    }
    for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++) {
        cpu_relax();
    }
    outb(COM1, c);
}

void puts_raw(const char *s)
{
    while (*s) {
        serial_putc(*s++);
    }
}

static void fmt_num(char **p, char *end, uint64_t v, int base, bool neg,
                    int width, char pad)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg) {
        tmp[n++] = '-';
    }
    while (n < width && n < (int)sizeof(tmp)) {
        tmp[n++] = pad;
    }
    while (n) {
        if (*p < end) {
            **p = tmp[n - 1];
        }
        (*p)++;
        n--;
    }
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    char *p = buf, *end = buf + (size ? size - 1 : 0);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            if (p < end) {
                *p = *fmt;
            }
            p++;
            continue;
        }
        fmt++;
        char pad = ' ';
        int width = 0, lng = 0;
        if (*fmt == '0') {
            pad = '0';
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9') {
            width = width * 10 + (*fmt++ - '0');
        }
        int prec = -1;
        if (*fmt == '.') {
            prec = 0;
            for (fmt++; *fmt >= '0' && *fmt <= '9'; fmt++) {
                prec = prec * 10 + (*fmt - '0');
            }
        }
        while (*fmt == 'l') {
            lng++;
            fmt++;
        }
        switch (*fmt) {
        case 'd': {
            int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            fmt_num(&p, end, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, v < 0,
                    width, pad);
            break;
        }
        case 'u':
            fmt_num(&p, end, lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned),
                    10, false, width, pad);
            break;
        case 'x':
            fmt_num(&p, end, lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned),
                    16, false, width, pad);
            break;
        case 'p':
            fmt_num(&p, end, (uint64_t)va_arg(ap, void *), 16, false, 0, ' ');
            break;
        case 'c':
            if (p < end) {
                *p = (char)va_arg(ap, int);
            }
            p++;
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            for (s = s ? s : "(null)"; *s && prec != 0; s++, prec--) {
                if (p < end) {
                    *p = *s;
                }
                p++;
            }
            break;
        }
        default:
            if (p < end) {
                *p = *fmt;
            }
            p++;
        }
    }
    if (size) {
        *(p < end ? p : end) = 0;
    }
    return p - buf;
}

int snprintf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

int printf(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    spin_lock(&print_lock);
    puts_raw(buf);
    spin_unlock(&print_lock);
    return r;
}

void guest_exit(bool pass)
{
    printf("%s\n", pass ? "TEST PASS" : "TEST FAIL");
    outb(DEBUG_EXIT_PORT, pass ? EXIT_PASS : EXIT_FAIL);
    for (;;) {
        cli();
        hlt();
    }
}

void fail(const char *fmt, ...)
{
    char buf[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printf("FAIL: %s\n", buf);
    guest_exit(false);
}

/* ---- descriptor tables ---- */
struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

struct idt_entry {
    uint16_t off0, sel;
    uint8_t ist, type;
    uint16_t off1;
    uint32_t off2, zero;
} __attribute__((packed));

extern uint64_t gdt[];
extern char isr_stubs[];
extern char boot_stack_top[];
static uint64_t full_gdt[6 + 2 * MAX_CPUS] __attribute__((aligned(16)));
static struct tss tss[MAX_CPUS];
/* kstack: where interrupts from CPL3 land (TSS.RSP0); ap_stack: APs' own. */
static uint8_t kstack[MAX_CPUS][AP_STACK_SIZE] NOINIT;
static uint8_t ap_stack[MAX_CPUS][AP_STACK_SIZE] NOINIT;
static struct idt_entry idt[256];
static irq_handler_t handlers[256];
static uint64_t user_rsp_slot[MAX_CPUS];

uint64_t *user_slot(void);
uint64_t *user_slot(void)
{
    return &user_rsp_slot[cpu_id() % MAX_CPUS];
}

void user_return(uint64_t value) __attribute__((noreturn));

static void load_tables(unsigned idx)
{
    struct { uint16_t lim; uint64_t base; } __attribute__((packed)) p;
    p.lim = sizeof(full_gdt) - 1;
    p.base = (uint64_t)full_gdt;
    __asm__ volatile("lgdt %0" :: "m"(p));
    p.lim = sizeof(idt) - 1;
    p.base = (uint64_t)idt;
    __asm__ volatile("lidt %0" :: "m"(p));
    __asm__ volatile("ltr %w0" :: "r"((uint16_t)(TSS_SEL + 16 * idx)));
}

static void setup_tables(void)
{
    memcpy(full_gdt, gdt, 6 * 8);
    for (int i = 0; i < MAX_CPUS; i++) {
        uint64_t base = (uint64_t)&tss[i];
        uint64_t lim = sizeof(struct tss) - 1;
        tss[i].rsp[0] = (uint64_t)kstack[i] + AP_STACK_SIZE;
        tss[i].iomap_base = sizeof(struct tss);
        full_gdt[6 + 2 * i] = (lim & 0xffff) | ((base & 0xffffff) << 16) |
                              (0x89ULL << 40) | (((lim >> 16) & 0xf) << 48) |
                              (((base >> 24) & 0xff) << 56);
        full_gdt[7 + 2 * i] = base >> 32;
    }
    for (int v = 0; v < 256; v++) {
        uint64_t a = (uint64_t)isr_stubs + v * 16;
        idt[v].off0 = a;
        idt[v].sel = KERNEL_CS;
        idt[v].ist = 0;
        idt[v].type = 0x8e;     /* interrupt gate */
        idt[v].off1 = a >> 16;
        idt[v].off2 = a >> 32;
    }
}

void set_irq_handler(int vec, irq_handler_t fn)
{
    handlers[vec & 0xff] = fn;
}

void isr_dispatch(struct frame *f);
void isr_dispatch(struct frame *f)
{
    if ((f->cs & 3) == 3) {
        const uint8_t *ip = (const uint8_t *)f->rip;
        if (f->vec == 6 && ip[0] == 0x0f && ip[1] == 0x0b) {
            user_return(f->rax);                  /* user_exit() */
        }
        if (f->vec == 13 && ((ip[0] & 0xf4) == 0xe4 || (ip[0] & 0xfc) == 0x6c)) {
            user_return(USER_IO_REFUSED);         /* in/out/ins/outs */
        }
    }
    irq_handler_t h = handlers[f->vec & 0xff];
    if (h) {
        h(f);
        return;
    }
    if (f->vec < 32) {
        uint64_t cr2;
        __asm__ volatile("mov %%cr2,%0" : "=r"(cr2));
        fail("exception %lu err %lx at rip %lx cs %lx cr2 %lx",
             f->vec, f->err, f->rip, f->cs, cr2);
    }
    printf("unexpected interrupt %lu\n", f->vec);
    lapic_eoi();
}

/* ---- PIC / PIT ---- */
void pic_init(uint8_t base)
{
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    outb(0x21, base);
    outb(0xa1, base + 8);
    outb(0x21, 4);
    outb(0xa1, 2);
    outb(0x21, 1);
    outb(0xa1, 1);
    outb(0x21, 0xfb);    /* all masked but the cascade */
    outb(0xa1, 0xff);
}

void pic_unmask(int irq)
{
    uint16_t port = irq < 8 ? 0x21 : 0xa1;
    outb(port, inb(port) & ~(1 << (irq & 7)));
}

void pic_eoi(int irq)
{
    if (irq >= 8) {
        outb(0xa0, 0x20);
    }
    outb(0x20, 0x20);
}

void pit_periodic(unsigned hz)
{
    unsigned div = 1193182 / hz;
    outb(0x43, 0x34);
    outb(0x40, div & 0xff);
    outb(0x40, div >> 8);
}

void udelay(unsigned us)
{
    /* Channel 2, mode 0, gate via port 0x61; poll OUT (bit 5). */
    unsigned count = (uint64_t)us * 1193182 / 1000000;
    if (count > 0xffff) {
        count = 0xffff;
    }
    if (!count) {
        count = 1;
    }
    outb(0x61, (inb(0x61) & ~0x02) | 0x01);
    outb(0x43, 0xb0);
    outb(0x42, count & 0xff);
    outb(0x42, count >> 8);
    for (unsigned i = 0; i < 10000000 && !(inb(0x61) & 0x20); i++) {
        cpu_relax();
    }
}

/* ---- LAPIC / IOAPIC ---- */
unsigned cpu_id(void)
{
    return lapic_read(LAPIC_ID) >> 24;
}

void lapic_enable(void)
{
    wrmsr(0x1b, (rdmsr(0x1b) & ~0xfffULL) | LAPIC_BASE | 0x800 |
          (rdmsr(0x1b) & 0x100));
    lapic_write(LAPIC_SVR, 0x1ff);
    lapic_write(LAPIC_TPR, 0);
    /* Virtual wire mode: the 8259's INTR reaches the BSP through LINT0. */
    if (rdmsr(0x1b) & 0x100) {
        lapic_write(LAPIC_LVT_LINT0, 0x700);      /* ExtINT */
        lapic_write(LAPIC_LVT_LINT1, 0x400);      /* NMI */
    }
}

uint32_t ioapic_read(uint32_t reg)
{
    mmio_write32(0xfec00000, reg);
    return mmio_read32(0xfec00010);
}

void ioapic_write(uint32_t reg, uint32_t v)
{
    mmio_write32(0xfec00000, reg);
    mmio_write32(0xfec00010, v);
}

void ioapic_route(int pin, uint8_t vector, uint8_t dest, bool level,
                  bool masked)
{
    ioapic_write(0x11 + 2 * pin, (uint32_t)dest << 24);
    ioapic_write(0x10 + 2 * pin, vector | (level ? 1 << 15 : 0) |
                 (masked ? 1 << 16 : 0));
}

/* ---- SMP ---- */
extern char trampoline_start[], trampoline_end[];
extern uint64_t tr_cr3, tr_stack, tr_target;
extern char ap_entry64[];
volatile int aps_started;
static volatile ap_fn_t ap_fn;

void ap_start(void);
void ap_start(void)
{
    unsigned id = cpu_id();
    load_tables(id % MAX_CPUS);
    lapic_enable();
    __atomic_add_fetch(&aps_started, 1, __ATOMIC_SEQ_CST);
    ap_fn(id);
    for (;;) {
        cli();
        hlt();
    }
}

static void tramp_set(uint64_t *sym, uint64_t v)
{
    *(uint64_t *)(TRAMPOLINE_ADDR + ((char *)sym - trampoline_start)) = v;
}

int smp_boot_aps(const uint8_t *apic_ids, int n, ap_fn_t fn)
{
    uint64_t cr3;
    unsigned me = cpu_id();
    int started = 0;

    ap_fn = fn;
    __asm__ volatile("mov %%cr3,%0" : "=r"(cr3));
    memcpy((void *)TRAMPOLINE_ADDR, trampoline_start,
           trampoline_end - trampoline_start);
    tramp_set(&tr_cr3, cr3);
    tramp_set(&tr_target, (uint64_t)ap_entry64);
    for (int i = 0; i < n; i++) {
        if (apic_ids[i] == me) {
            continue;
        }
        int before = aps_started;
        tramp_set(&tr_stack, (uint64_t)ap_stack[apic_ids[i] % MAX_CPUS] +
                  AP_STACK_SIZE - 64);
        lapic_write(LAPIC_ICR_HI, (uint32_t)apic_ids[i] << 24);
        lapic_write(LAPIC_ICR_LO, 0x4500);             /* INIT */
        udelay(10000);
        for (int sipi = 0; sipi < 2 && aps_started == before; sipi++) {
            lapic_write(LAPIC_ICR_HI, (uint32_t)apic_ids[i] << 24);
            lapic_write(LAPIC_ICR_LO, 0x4600 | (TRAMPOLINE_ADDR >> 12));
            for (int t = 0; t < 200 && aps_started == before; t++) {
                udelay(1000);
            }
        }
        /* Wait for this AP before reusing the trampoline's stack slot. */
        for (int t = 0; t < 2000 && aps_started == before; t++) {
            udelay(1000);
        }
        if (aps_started != before) {
            started++;
        }
    }
    return started;
}

/* ---- ACPI ---- */
const void *acpi_find_rsdp(void)
{
    for (uint64_t a = 0xe0000; a < 0x100000; a += 16) {
        if (!memcmp((void *)a, "RSD PTR ", 8)) {
            uint8_t sum = 0;
            for (int i = 0; i < 20; i++) {
                sum += ((uint8_t *)a)[i];
            }
            if (!sum) {
                return (void *)a;
            }
        }
    }
    return NULL;
}

/* ---- start ---- */
void runtime_start(void);
void runtime_start(void)
{
    outb(COM1 + 1, 0x00);   /* no UART interrupts */
    outb(COM1 + 3, 0x80);
    outb(COM1 + 0, 0x01);   /* 115200 */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);   /* 8N1 */
    outb(COM1 + 2, 0xc7);   /* FIFO on */
    setup_tables();
    load_tables(0);
    /* Firmware normally leaves the LAPIC in virtual wire mode; without
     * firmware (direct boot) or with a minimal one, do it here. */
    lapic_enable();
    if (boot_type == BOOT_BAD_MAGIC) {
        fail("multiboot magic missing from EAX");
    }
    guest_main();
    guest_exit(true);
}
