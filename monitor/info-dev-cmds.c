/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HMP "info" commands about devices and guest memory: version, pci, pic,
 * lapic, irq, roms, mem, tlb. The text follows QEMU 7.2's layout field
 * for field so scripts written against QEMU keep working.
 */
#include "monitor/monitor-internal.h"
#include "hw/pci/pci.h"
#include "hw/intc/intc-info.h"
#include "hw/intc/i8259.h"
#include "hw/i386/pc.h"
#include "hw/loader.h"
#include "target/i386/cpu.h"
#include "target/i386/mmu-walk.h"
#include "config-host.h"

static void info_version(Monitor *mon, const HmpArgs *a)
{
    /* QEMU prints its version then the package string. */
    monitor_printf(mon, "%s (kemu)\n", KEMU_VERSION);
}

/* ---- info pci ---- */

static const struct {
    uint16_t class;
    const char *name;
} pci_class_names[] = {
    { 0x0100, "SCSI controller" }, { 0x0101, "IDE controller" },
    { 0x0102, "Floppy controller" }, { 0x0103, "IPI controller" },
    { 0x0104, "RAID controller" }, { 0x0106, "SATA controller" },
    { 0x0107, "SAS controller" }, { 0x0180, "Storage controller" },
    { 0x0200, "Ethernet controller" }, { 0x0201, "Token Ring controller" },
    { 0x0202, "FDDI controller" }, { 0x0203, "ATM controller" },
    { 0x0280, "Network controller" }, { 0x0300, "VGA controller" },
    { 0x0301, "XGA controller" }, { 0x0302, "3D controller" },
    { 0x0380, "Display controller" }, { 0x0400, "Video controller" },
    { 0x0401, "Audio controller" }, { 0x0402, "Phone" },
    { 0x0403, "Audio controller" }, { 0x0480, "Multimedia controller" },
    { 0x0500, "RAM controller" }, { 0x0501, "Flash controller" },
    { 0x0580, "Memory controller" }, { 0x0600, "Host bridge" },
    { 0x0601, "ISA bridge" }, { 0x0602, "EISA bridge" },
    { 0x0603, "MC bridge" }, { 0x0604, "PCI bridge" },
    { 0x0605, "PCMCIA bridge" }, { 0x0606, "NUBUS bridge" },
    { 0x0607, "CARDBUS bridge" }, { 0x0608, "RACEWAY bridge" },
    { 0x0680, "Bridge" }, { 0x0700, "Serial port" },
    { 0x0701, "Parallel port" }, { 0x0703, "Modem" },
    { 0x0780, "Communication controller" }, { 0x0800, "PIC" },
    { 0x0801, "DMA controller" }, { 0x0802, "Timer" }, { 0x0803, "RTC" },
    { 0x0804, "PCI Hot-plug controller" }, { 0x0805, "SD Host controller" },
    { 0x0806, "IOMMU" }, { 0x0880, "System peripheral" },
    { 0x0900, "Keyboard" }, { 0x0901, "Pen" }, { 0x0902, "Mouse" },
    { 0x0903, "Scanner" }, { 0x0904, "Gameport" },
    { 0x0980, "Input device controller" }, { 0x0a00, "Dock station" },
    { 0x0b00, "i386" }, { 0x0b01, "i486" }, { 0x0b02, "Pentium" },
    { 0x0b10, "Alpha" }, { 0x0b20, "PowerPC" }, { 0x0b30, "MIPS" },
    { 0x0b40, "Co-processor" }, { 0x0c00, "Firewire controller" },
    { 0x0c01, "ACCESS bus controller" }, { 0x0c02, "SSA controller" },
    { 0x0c03, "USB controller" }, { 0x0c04, "Fibre channel controller" },
    { 0x0c05, "SMBus" }, { 0x0d00, "IRDA controller" },
    { 0x0d01, "IR controller" }, { 0x0d10, "RF controller" },
    { 0x0d11, "Bluetooth controller" }, { 0x0d12, "Broadband controller" },
    { 0x0d20, "Ethernet 802.11a controller" },
    { 0x0d21, "Ethernet 802.11b controller" },
    { 0x0d80, "Wireless controller" }, { 0x0e00, "I2O controller" },
    { 0x1000, "Network and computing encryption device" },
    { 0x1010, "Entertainment encryption device" },
    { 0x1080, "Encryption controller" },
    { 0x1100, "DPIO module" }, { 0x1101, "Performance counters" },
    { 0x1110, "Communication synchronizer" },
    { 0x1120, "Management card" }, { 0x1180, "Data acquisition controller" },
};

static void print_pci_function(PCIBus *bus, PCIDevice *d, void *opaque)
{
    Monitor *mon = opaque;
    uint16_t class = pci_get_word(d->config + PCI_CLASS_DEVICE);
    const char *desc = NULL;
    uint8_t pin = d->config[PCI_INTERRUPT_PIN];
    const char *id = DEVICE(d)->id;

    for (size_t i = 0; i < ARRAY_SIZE(pci_class_names); i++) {
        if (pci_class_names[i].class == class) {
            desc = pci_class_names[i].name;
            break;
        }
    }
    monitor_printf(mon, "  Bus %2d, device %3d, function %d:\n",
                   pci_bus_num(bus), PCI_SLOT(d->devfn), PCI_FUNC(d->devfn));
    if (desc) {
        monitor_printf(mon, "    %s", desc);
    } else {
        monitor_printf(mon, "    Class %04x", class);
    }
    monitor_printf(mon, ": PCI device %04x:%04x\n",
                   pci_get_word(d->config + PCI_VENDOR_ID),
                   pci_get_word(d->config + PCI_DEVICE_ID));
    monitor_printf(mon, "      PCI subsystem %04x:%04x\n",
                   pci_get_word(d->config + PCI_SUBSYSTEM_VENDOR_ID),
                   pci_get_word(d->config + PCI_SUBSYSTEM_ID));
    if (pin) {
        monitor_printf(mon, "      IRQ %d, pin %c\n",
                       d->config[PCI_INTERRUPT_LINE], 'A' + pin - 1);
    }
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        const PCIIORegion *r = &d->io_regions[i];
        /* Unmapped BARs show as QEMU shows them: all-ones, size wrapped. */
        uint64_t end = r->addr + r->size - 1;

        if (!r->size) {
            continue;
        }
        if (r->type & PCI_BASE_ADDRESS_SPACE_IO) {
            monitor_printf(mon, "      BAR%d: I/O at 0x%04" PRIx64
                           " [0x%04" PRIx64 "].\n", i, r->addr, end);
        } else {
            monitor_printf(mon, "      BAR%d: %d bit%s memory at 0x%08"
                           PRIx64 " [0x%08" PRIx64 "].\n", i,
                           r->type & PCI_BASE_ADDRESS_MEM_TYPE_64 ? 64 : 32,
                           r->type & PCI_BASE_ADDRESS_MEM_PREFETCH ?
                           " prefetchable" : "", r->addr, end);
        }
    }
    monitor_printf(mon, "      id \"%s\"\n", id ? id : "");
}

static void info_pci(Monitor *mon, const HmpArgs *a)
{
    PCIBus *bus = pci_bus_get_default();

    if (bus) {
        pci_for_each_device(bus, print_pci_function, mon);
    }
}

/* ---- info pic ---- */

static void print_ioapic_bitmap(Monitor *mon, const char *name, uint32_t map)
{
    monitor_printf(mon, "%-10s ", name);
    if (!map) {
        monitor_printf(mon, "(none)\n");
        return;
    }
    for (int i = 0; i < IOAPIC_NUM_PINS; i++) {
        if (map & (1u << i)) {
            monitor_printf(mon, "%-2d ", i);
        }
    }
    monitor_printf(mon, "\n");
}

static void print_ioapic(Monitor *mon, const IOAPICInfo *io)
{
    static const char *const modes[8] = {
        "fixed", "lowest", "SMI", "...", "NMI", "INIT", "...", "extINT",
    };
    uint32_t remote_irr = 0;

    monitor_printf(mon, "ioapic0: ver=0x%x id=0x%02x sel=0x%02x", io->version,
                   io->id, io->ioregsel);
    if (io->ioregsel) {
        /* Redirection registers start at 0x10, two per pin. */
        monitor_printf(mon, " (redir[%u])\n",
                       (unsigned)((io->ioregsel - 0x10) & 0xff) >> 1);
    } else {
        monitor_printf(mon, "\n");
    }
    for (int i = 0; i < IOAPIC_NUM_PINS; i++) {
        uint64_t e = io->redtbl[i];
        bool logical = e & (1ull << 11), level = e & (1ull << 15);

        monitor_printf(mon, "  pin %-2d 0x%016" PRIx64 " dest=%" PRIx64
                       " vec=%-3u %s %-5s %-6s %-6s %s\n", i, e,
                       (e >> 56) & (logical ? 0xff : 0xf),
                       (unsigned)(e & 0xff),
                       e & (1ull << 13) ? "active-lo" : "active-hi",
                       level ? "level" : "edge",
                       e & (1ull << 16) ? "masked" : "",
                       modes[(e >> 8) & 7], logical ? "logical" : "physical");
        if (level && (e & (1ull << 14))) {
            remote_irr |= 1u << i;
        }
    }
    print_ioapic_bitmap(mon, "  IRR", io->irr);
    print_ioapic_bitmap(mon, "  Remote IRR", remote_irr);
}

static void print_pic(Monitor *mon, const char *path)
{
    Object *o = object_resolve_path(path, NULL);
    PICInfo p;

    if (!o || !object_dynamic_cast(o, TYPE_DEVICE) ||
        !i8259_get_info(DEVICE(o), &p)) {
        return;
    }
    monitor_printf(mon, "pic%d: irr=%02x imr=%02x isr=%02x hprio=%d "
                   "irq_base=%02x rr_sel=%d elcr=%02x fnm=%d\n",
                   p.master ? 0 : 1, p.irr, p.imr, p.isr, p.priority_add,
                   p.irq_base, p.read_isr, p.elcr, p.sfnm);
}

static void info_pic(Monitor *mon, const HmpArgs *a)
{
    Object *o = object_resolve_path("/machine/ioapic", NULL);
    IOAPICInfo io;

    /* QEMU's order: the IOAPIC, then the slave, then the master. */
    if (o && object_dynamic_cast(o, TYPE_DEVICE) &&
        ioapic_get_info(DEVICE(o), &io)) {
        print_ioapic(mon, &io);
    }
    print_pic(mon, "/machine/pic-slave");
    print_pic(mon, "/machine/pic-master");
}

/* ---- info irq ---- */

static void print_irq_counts(Monitor *mon, const char *path, int n)
{
    Object *o = object_resolve_path(path, NULL);
    const uint64_t *count = pc_gsi_counts();

    if (!o) {
        return;
    }
    monitor_printf(mon, "IRQ statistics for %s:\n", object_get_typename(o));
    for (int i = 0; i < n; i++) {
        if (count[i]) {
            monitor_printf(mon, "%2d: %" PRIu64 "\n", i, count[i]);
        }
    }
}

static void info_irq(Monitor *mon, const HmpArgs *a)
{
    /* Both chips see the same GSIs: the PIC the 16 ISA ones. */
    print_irq_counts(mon, "/machine/ioapic", PC_NUM_GSI);
    print_irq_counts(mon, "/machine/pic-master", 16);
}

/* ---- info roms ---- */

static void info_roms(Monitor *mon, const HmpArgs *a)
{
    GPtrArray *roms = rom_list();

    for (guint i = 0; i < roms->len; i++) {
        const RomEntry *r = roms->pdata[i];
        monitor_printf(mon, "addr=%016" PRIx64 " size=0x%06" PRIx64
                       " mem=%s name=\"%s\"\n", r->addr, r->size,
                       r->is_rom ? "rom" : "ram", r->name);
    }
}

/* ---- info lapic ---- */

#define LVT_MASKED      (1u << 16)

static void print_lvt(Monitor *mon, const char *name, uint32_t lvt,
                      bool timer)
{
    static const char *const modes[8] = {
        "Fixed", "...", "SMI", "...", "NMI", "INIT", "...", "ExtINT",
    };
    unsigned dm = (lvt >> 8) & 7;
    const char *tmode = "";

    if (timer) {
        tmode = lvt & (1u << 17) ? "periodic" :
                lvt & (1u << 18) ? "tsc-deadline" : "one-shot";
    }
    monitor_printf(mon, "%s\t 0x%08x %s %-5s %-6s %-7s %-12s %-6s", name, lvt,
                   lvt & (1u << 13) ? "active-lo" : "active-hi",
                   lvt & (1u << 15) ? "level" : "edge",
                   lvt & LVT_MASKED ? "masked" : "",
                   lvt & (1u << 12) ? "pending" : "", tmode, modes[dm]);
    if (dm == 4) {
        monitor_printf(mon, "\n");      /* NMI has no vector */
    } else {
        monitor_printf(mon, " (vec %u)\n", lvt & 0xff);
    }
}

static void print_vectors(Monitor *mon, const char *name,
                          const uint32_t *bits, const uint32_t *tmr)
{
    bool any = false;

    monitor_printf(mon, "%s\t ", name);
    for (int v = 0; v < 256; v++) {
        if (bits[v / 32] & (1u << (v % 32))) {
            monitor_printf(mon, "%u%s ", v,
                           tmr[v / 32] & (1u << (v % 32)) ? "(level)" : "");
            any = true;
        }
    }
    monitor_printf(mon, "%s\n", any ? "" : "(none)");
}

static void bit_string(char *buf, uint32_t val, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        *buf++ = val & (1u << i) ? '1' : '0';
    }
    *buf = 0;
}

static void print_icr(Monitor *mon, const uint32_t *r, bool x2apic)
{
    static const char *const shorthands[4] = {
        "no-shorthand", "self", "all-self", "all",
    };
    uint32_t icr = r[0x30], icr2 = r[0x31];
    unsigned sh = (icr >> 18) & 3;
    bool logical = icr & (1u << 11);
    uint32_t dest = x2apic ? icr2 : icr2 >> 24;
    char mask[17];

    monitor_printf(mon, "ICR\t 0x%08x %s %s %s %s\n", icr,
                   logical ? "logical" : "physical",
                   icr & (1u << 15) ? "level" : "edge",
                   icr & (1u << 14) ? "assert" : "de-assert", shorthands[sh]);
    monitor_printf(mon, "ICR2\t 0x%08x", icr2);
    if (sh) {
        monitor_printf(mon, "\n");
    } else if (!logical) {
        monitor_printf(mon, x2apic ? " cpu %u (X2APIC ID)\n" :
                       " cpu %u (APIC ID)\n", x2apic ? dest : dest & 0xff);
    } else if (r[0x0e] >> 28 == 0xf) {          /* flat model */
        bit_string(mask, icr2 >> 24, 8);
        monitor_printf(mon, " mask %s (APIC ID)\n", mask);
    } else if (r[0x0e] >> 28 == 0) {            /* cluster model */
        if (x2apic) {
            bit_string(mask, dest & 0xffff, 16);
            monitor_printf(mon, " cluster %u mask %s (X2APIC ID)\n",
                           dest >> 16, mask);
        } else {
            bit_string(mask, dest & 0xf, 4);
            monitor_printf(mon, " cluster %u mask %s (APIC ID)\n",
                           (dest >> 4) & 0xf, mask);
        }
    } else {
        monitor_printf(mon, "\n");
    }
}

typedef struct LapicRead {
    DeviceState *apic;
    uint32_t regs[APIC_REG_PAGE_DWORDS];
    bool ok;
} LapicRead;

static void read_lapic_on_cpu(CPUState *cs, void *data)
{
    LapicRead *lr = data;
    lr->ok = apic_get_regs(lr->apic, lr->regs);
}

static void dump_lapic(Monitor *mon, CPUState *cs)
{
    X86CPU *cpu = X86_CPU(cs);
    LapicRead lr = { .apic = cpu->apic };
    const uint32_t *r = lr.regs;
    uint32_t dcr, svr, dfr, ldr;
    unsigned div;

    if (lr.apic) {
        /* KVM's LAPIC is read with a vCPU ioctl: from its own thread. */
        if (cs->thread_created) {
            run_on_cpu(cs, read_lapic_on_cpu, &lr);
        } else {
            read_lapic_on_cpu(cs, &lr);
        }
    }
    if (!lr.ok) {
        monitor_printf(mon, "local apic state not available\n");
        return;
    }
    monitor_printf(mon, "dumping local APIC state for CPU %-2u\n\n",
                   cs->cpu_index);
    print_lvt(mon, "LVT0", r[0x35], false);
    print_lvt(mon, "LVT1", r[0x36], false);
    print_lvt(mon, "LVTPC", r[0x34], false);
    print_lvt(mon, "LVTERR", r[0x37], false);
    print_lvt(mon, "LVTTHMR", r[0x33], false);
    print_lvt(mon, "LVTT", r[0x32], true);
    dcr = r[0x3e];
    /* Divide value: bits 3,1:0; 0b111 divides by 1, n by 2 << n. */
    div = ((dcr >> 1) & 4) | (dcr & 3);
    monitor_printf(mon, "Timer\t DCR=0x%x (divide by %u) initial_count = %u"
                   " current_count = %u\n", dcr & 0xf,
                   div == 7 ? 1 : 2u << div, r[0x38], r[0x39]);
    svr = r[0x0f];
    monitor_printf(mon, "SPIV\t 0x%08x APIC %s, focus=%s, spurious vec %u\n",
                   svr, svr & (1u << 8) ? "enabled" : "disabled",
                   svr & (1u << 9) ? "on" : "off", svr & 0xff);
    print_icr(mon, r, cpu->env.features[FEAT_1_ECX] & CPUID_EXT_X2APIC);
    monitor_printf(mon, "ESR\t 0x%08x\n", r[0x28]);
    print_vectors(mon, "ISR", &r[0x10], &r[0x18]);
    print_vectors(mon, "IRR", &r[0x20], &r[0x18]);
    dfr = r[0x0e] >> 28;
    ldr = r[0x0d] >> 24;
    monitor_printf(mon, "\nAPR 0x%02x TPR 0x%02x DFR 0x%02x LDR 0x%02x",
                   r[0x09] & 0xff, r[0x08] & 0xff, dfr, ldr);
    if (dfr == 0) {
        monitor_printf(mon, "(cluster %u: id %u)", ldr >> 4, ldr & 0xf);
    }
    monitor_printf(mon, " PPR 0x%02x\n", r[0x0a] & 0xff);
}

static void info_lapic(Monitor *mon, const HmpArgs *a)
{
    CPUState *cs = NULL;

    if (hmp_arg_has(a, "apic-id")) {
        int64_t id = hmp_arg_int(a, "apic-id", 0);
        CPUState *c;
        CPU_FOREACH(c) {
            if (X86_CPU(c)->apic_id == id) {
                cs = c;
                break;
            }
        }
    } else {
        cs = mon_get_cpu(mon);
    }
    if (!cs) {
        monitor_printf(mon, "No CPU available\n");
        return;
    }
    dump_lapic(mon, cs);
}

/* ---- info mem / info tlb: walks of the current CPU's page tables ---- */

#define PROT (X86_PTE_US | X86_PTE_RW | X86_PTE_P)
#define ADDR_4K 0x3fffffffff000ull      /* QEMU's printed address masks */
#define ADDR_2M 0x3ffffffe00000ull
#define ADDR_1G 0x3ffffc0000000ull

typedef struct Walk {
    Monitor *mon;
    X86PagingCtx ctx;
    X86PagingMode mode;
    bool tlb;                   /* info tlb: every page; else ranges */
    uint64_t start;             /* of the open range, or -1 */
    uint64_t last_prot;
} Walk;

/* The address bits info tlb prints for a leaf, per mode and level, as
 * QEMU 7.2 masks them. */
static uint64_t tlb_mask(const Walk *w, int level)
{
    if (level == 1) {
        return w->mode == X86_PAGING_32 || w->mode == X86_PAGING_PAE
               ? ~0xfffull : ADDR_4K;
    }
    switch (w->mode) {
    case X86_PAGING_32:
        return ~((1ull << 21) - 1);
    case X86_PAGING_PAE:
        return ~((1ull << 20) - 1);
    default:
        return level == 2 ? ADDR_2M : ADDR_1G;
    }
}

static void tlb_line(Walk *w, uint64_t va, uint64_t pte, uint64_t mask)
{
    monitor_printf(w->mon, "%016" PRIx64 ": %016" PRIx64
                   " %c%c%c%c%c%c%c%c%c\n", x86_mmu_canonical(&w->ctx, va),
                   pte & mask, pte & X86_PTE_NX ? 'X' : '-',
                   pte & X86_PTE_G ? 'G' : '-', pte & X86_PTE_PS ? 'P' : '-',
                   pte & X86_PTE_D ? 'D' : '-', pte & X86_PTE_A ? 'A' : '-',
                   pte & X86_PTE_PCD ? 'C' : '-',
                   pte & X86_PTE_PWT ? 'T' : '-',
                   pte & X86_PTE_US ? 'U' : '-', pte & X86_PTE_RW ? 'W' : '-');
}

/* info mem: closes the open range when the protection changes at end. */
static void mem_range(Walk *w, uint64_t end, uint64_t prot)
{
    if (prot == w->last_prot) {
        return;
    }
    if (w->start != UINT64_MAX) {
        monitor_printf(w->mon, "%016" PRIx64 "-%016" PRIx64 " %016" PRIx64
                       " %c%c%c\n", x86_mmu_canonical(&w->ctx, w->start),
                       x86_mmu_canonical(&w->ctx, end),
                       x86_mmu_canonical(&w->ctx, end - w->start),
                       w->last_prot & X86_PTE_US ? 'u' : '-', 'r',
                       w->last_prot & X86_PTE_RW ? 'w' : '-');
    }
    w->start = prot ? end : UINT64_MAX;
    w->last_prot = prot;
}

/* One mapping found: a line for info tlb, a range step for info mem. */
static void walk_leaf(void *opaque, const X86MapLeaf *l)
{
    Walk *w = opaque;

    if (w->tlb) {
        /* bit 7 of a 4 KiB PTE is PAT, not a page size */
        uint64_t pte = l->level == 1 ? l->pte & ~X86_PTE_PS : l->pte;
        tlb_line(w, l->va, pte, tlb_mask(w, l->level));
    } else {
        mem_range(w, l->va, l->prot & PROT);
    }
}

static void walk_hole(void *opaque, uint64_t va, uint64_t size)
{
    Walk *w = opaque;

    if (!w->tlb) {
        mem_range(w, va, 0);
    }
}

static void walk_page_tables(Monitor *mon, bool tlb)
{
    CPUState *cs = mon_get_cpu(mon);
    Walk w = { .mon = mon, .tlb = tlb, .start = UINT64_MAX };
    X86MapVisitor v = { .leaf = walk_leaf, .hole = walk_hole, .opaque = &w };
    uint64_t end;

    if (!cs) {
        monitor_printf(mon, "No CPU available\n");
        return;
    }
    x86_paging_ctx_from_env(&w.ctx, &X86_CPU(cs)->env);
    w.mode = x86_paging_mode(&w.ctx);
    if (w.mode == X86_PAGING_OFF) {
        monitor_printf(mon, "PG disabled\n");
        return;
    }
    end = x86_mmu_iterate(&w.ctx, &v);
    walk_hole(&w, end, 0);      /* closes the last range */
}

static void info_mem(Monitor *mon, const HmpArgs *a)
{
    walk_page_tables(mon, false);
}

static void info_tlb(Monitor *mon, const HmpArgs *a)
{
    walk_page_tables(mon, true);
}

static const MonitorCommand info_dev_cmds[] = {
    { .hmp_name = "info version", .hmp_help = "the kemu version",
      .hmp = info_version },
    { .hmp_name = "info pci", .hmp_help = "PCI functions with their ids, IRQs and BARs", .hmp = info_pci },
    { .hmp_name = "info pic", .hmp_help = "8259 and IOAPIC registers",
      .hmp = info_pic },
    { .hmp_name = "info lapic", .hmp_args = "apic-id:i?",
      .hmp_params = "[apic-id]",
      .hmp_help = "local APIC registers (of the current CPU, or of "
                  "apic-id)",
      .hmp = info_lapic },
    { .hmp_name = "info irq", .hmp_help = "how often each interrupt line was "
                  "raised", .hmp = info_irq },
    { .hmp_name = "info roms", .hmp_help = "firmware, kernel and table images loaded", .hmp = info_roms },
    { .hmp_name = "info mem", .hmp_help = "mapped virtual ranges of the current "
                  "CPU", .hmp = info_mem },
    { .hmp_name = "info tlb", .hmp_help = "every page mapping of the current "
                  "CPU", .hmp = info_tlb },
};

static void __attribute__((constructor)) info_dev_cmds_register(void)
{
    monitor_register_commands(info_dev_cmds, ARRAY_SIZE(info_dev_cmds));
}
