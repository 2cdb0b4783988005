/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the pc machine does in place of firmware, or to load firmware:
 * the e820 map, the BIOS ROM (-bios), kemu's ACPI tables and direct
 * kernel boot, replayed on every reset.
 */
#include "util/osdep.h"
#include "hw/i386/pc.h"
#include "hw/loader.h"
#include "hw/pci/pci.h"
#include "hw/pci-host/i440fx.h"
#include "hw/acpi/pm.h"
#include "hw/intc/ioapic.h"
#include "hw/intc/i8259.h"
#include "hw/timer/hpet.h"
#include "sysemu/sysemu.h"
#include "target/i386/cpu.h"

#define PC_BIOS_MAX_SIZE    (16 * MiB)
#define PC_RSDP_ADDR        0xf0000
#define PC_ACPI_ALIGN       (64 * KiB)

bool pc_ram_write(PCMachineState *pcms, uint64_t addr, const void *data,
                  size_t len)
{
    uint8_t *ram = memory_region_get_ram_ptr(MACHINE(pcms)->ram);

    if (addr < pcms->below_4g && len <= pcms->below_4g - addr) {
        memcpy(ram + addr, data, len);
        return true;
    }
    if (addr >= 4 * GiB && addr - 4 * GiB < pcms->above_4g &&
        len <= pcms->above_4g - (addr - 4 * GiB)) {
        memcpy(ram + pcms->below_4g + (addr - 4 * GiB), data, len);
        return true;
    }
    return false;
}

void pc_build_e820(PCMachineState *pcms)
{
    E820Table *t = pcms->e820 ? pcms->e820 : e820_new();

    e820_clear(t);
    e820_add(t, 0, MIN(pcms->below_4g, 0x9fc00), E820_RAM);
    e820_add(t, 0x9fc00, 0x400, E820_RESERVED);       /* EBDA */
    e820_add(t, 0xf0000, 0x10000, E820_RESERVED);     /* BIOS area, RSDP */
    if (pcms->below_4g > 1 * MiB) {
        e820_add(t, 1 * MiB, pcms->below_4g - 1 * MiB, E820_RAM);
    }
    e820_add(t, 4 * GiB - 256 * KiB, 256 * KiB, E820_RESERVED);  /* ROM */
    if (pcms->above_4g) {
        e820_add(t, 4 * GiB, pcms->above_4g, E820_RAM);
    }
    pcms->e820 = t;
    pc_e820_table = t;
}

bool pc_load_firmware(PCMachineState *pcms, Error **errp)
{
    MachineState *ms = MACHINE(pcms);
    const char *name = ms->firmware ? ms->firmware : PC_DEFAULT_BIOS;
    MemoryRegion *pci_mem = i440fx_pci_memory(pcms->pci_bus);
    char *path = firmware_find(name);
    uint64_t isa_size;
    uint8_t *data;
    size_t size;

    if (!path) {
        error_setg(errp, "could not load PC BIOS '%s'", name);
        return false;
    }
    if (!load_image_file("PC BIOS", path, &data, &size, errp)) {
        g_free(path);
        return false;
    }
    rom_register(path, 4 * GiB - size, size, true);
    g_free(path);
    if (size == 0 || size % (64 * KiB) || size > PC_BIOS_MAX_SIZE) {
        error_setg(errp, "could not load PC BIOS '%s': size %zu is not a "
                   "multiple of 64 KiB up to %llu MiB", name, size,
                   PC_BIOS_MAX_SIZE / MiB);
        g_free(data);
        return false;
    }
    if (!memory_region_init_rom(&pcms->bios, OBJECT(ms), "pc.bios", size,
                                errp)) {
        g_free(data);
        return false;
    }
    memcpy(memory_region_get_ram_ptr(&pcms->bios), data, size);
    g_free(data);
    /* The ROM ends at 4 GiB, where the reset vector is... */
    memory_region_add_subregion(pci_mem, 4 * GiB - size, &pcms->bios);
    /* ...and its last 128 KiB show at 0xe0000 for the legacy segments. */
    isa_size = MIN((uint64_t)size, PC_ISA_BIOS_SIZE);
    memory_region_init_alias(&pcms->isa_bios, OBJECT(ms), "isa-bios",
                             &pcms->bios, size - isa_size, isa_size);
    memory_region_add_subregion_overlap(pci_mem, 1 * MiB - isa_size,
                                        &pcms->isa_bios, 1);
    pcms->have_bios = true;
    return true;
}

void pc_build_acpi(PCMachineState *pcms)
{
    MachineState *ms = MACHINE(pcms);
    unsigned n = ms->cpus->len;
    uint32_t *ids = g_new0(uint32_t, n);
    AcpiBuildConfig cfg;
    uint64_t addr;

    for (unsigned i = 0; i < n; i++) {
        ids[i] = X86_CPU(g_ptr_array_index(ms->cpus, i))->apic_id;
    }
    acpi_build_config_defaults(&cfg);
    cfg.ncpus = n;
    cfg.apic_ids = ids;
    cfg.ioapic_addr = IOAPIC_DEFAULT_BASE;
    cfg.hpet = ms->hpet;
    cfg.hpet_addr = HPET_BASE;
    cfg.hpet_block_id = HPET_BLOCK_ID;
    cfg.serial_mask = 0;
    for (int i = 0; i < MAX_SERIAL_PORTS; i++) {
        if (serial_hd(i)) {
            cfg.serial_mask |= 1 << i;
        }
    }
    cfg.pm_base = ACPI_PM_BASE;
    cfg.gpe0_base = ACPI_GPE0_BASE;
    cfg.gpe0_len = ACPI_GPE0_LEN;
    cfg.sci_irq = ACPI_SCI_IRQ;
    cfg.smi_cmd = ACPI_SMI_CMD_PORT;
    cfg.acpi_enable = ACPI_ENABLE_VALUE;
    cfg.acpi_disable = ACPI_DISABLE_VALUE;
    cfg.s5_slp_typ = ACPI_S5_SLP_TYP;
    cfg.pci_hole_start = pcms->below_4g;
    cfg.pci_hole_end = IOAPIC_DEFAULT_BASE;

    /* Measure, then build for the final place: the top of low RAM. */
    acpi_build_tables(&cfg, 0, &pcms->acpi);
    addr = ROUND_DOWN(pcms->below_4g - pcms->acpi.blob->len, PC_ACPI_ALIGN);
    acpi_tables_free(&pcms->acpi);
    acpi_build_tables(&cfg, addr, &pcms->acpi);
    g_free(ids);

    e820_add(pcms->e820, addr, pcms->below_4g - addr, E820_ACPI);
    pcms->rsdp_addr = PC_RSDP_ADDR;
    /* The names QEMU's firmware interface gives the same tables. */
    rom_register("etc/acpi/tables", addr, pcms->acpi.blob->len, false);
    rom_register("etc/acpi/rsdp", pcms->rsdp_addr, sizeof(pcms->acpi.rsdp),
                 false);
    pcms->have_acpi = true;
}

/* Flat segment as the loaders' GDT describes it. */
static void set_flat_seg(CPUX86State *env, int seg, uint16_t sel, bool code,
                         bool long_mode)
{
    SegmentCache *s = &env->segs[seg];
    s->selector = sel;
    s->base = 0;
    s->limit = 0xffffffff;
    s->flags = DESC_P_MASK | DESC_S_MASK | DESC_G_MASK |
               ((code ? 0xb : 0x3) << DESC_TYPE_SHIFT) |
               (code && long_mode ? DESC_L_MASK : DESC_B_MASK);
}

static void pc_set_boot_regs(CPUState *cs, const X86BootRegs *r)
{
    CPUX86State *env = &X86_CPU(cs)->env;

    memset(env->regs, 0, sizeof(env->regs));
    env->regs[R_EAX] = r->rax;
    env->regs[R_EBX] = r->rbx;
    env->regs[R_ESI] = r->rsi;
    env->regs[R_ESP] = r->rsp;
    env->rip = r->rip;
    env->rflags = RFLAGS_FIXED;         /* interrupts off */
    set_flat_seg(env, R_CS, BOOT_CS, true, r->long_mode);
    for (int seg = R_ES; seg <= R_GS; seg++) {
        if (seg != R_CS) {
            set_flat_seg(env, seg, BOOT_DS, false, false);
        }
    }
    env->gdt.base = r->gdt_base;
    env->gdt.limit = r->gdt_limit;
    env->cr[0] = CR0_PE_MASK | CR0_ET_MASK;
    env->cr[3] = 0;
    env->cr[4] = 0;
    env->efer = 0;
    if (r->long_mode) {
        env->cr[0] |= CR0_PG_MASK;
        env->cr[3] = r->cr3;
        env->cr[4] = CR4_PAE_MASK;
        env->efer = MSR_EFER_LME | MSR_EFER_LMA;
    }
    env->mp_state = X86_MP_RUNNABLE;
    cs->halted = false;
    cpu_synchronize_post_reset(cs);
}

/* As SeaBIOS and qboot leave the PICs: IRQ 0-7 at vectors 0x08-0x0f,
 * IRQ 8-15 at 0x70-0x77, everything masked but the cascade. */
static void pc_firmware_pic_setup(PCMachineState *pcms)
{
    Object *m = object_resolve_path("/machine/pic-master", NULL);
    Object *s = object_resolve_path("/machine/pic-slave", NULL);

    if (m) {
        pic_firmware_setup(DEVICE(m), 0x08, 0xfb);
    }
    if (s) {
        pic_firmware_setup(DEVICE(s), 0x70, 0xff);
    }
}

/* Runs at every machine reset: what firmware would have left behind. */
static void pc_boot_reset(void *opaque)
{
    PCMachineState *pcms = opaque;

    if (pcms->pci_bus) {
        pci_assign_bars_and_irqs(pcms->pci_bus);
    }
    if (pcms->have_acpi) {
        pc_ram_write(pcms, pcms->acpi.blob_addr, pcms->acpi.blob->data,
                     pcms->acpi.blob->len);
        pc_ram_write(pcms, pcms->rsdp_addr, pcms->acpi.rsdp,
                     sizeof(pcms->acpi.rsdp));
    }
    if (!pcms->boot) {
        return;
    }
    pc_firmware_pic_setup(pcms);
    for (guint i = 0; i < pcms->boot->blobs->len; i++) {
        BootBlob *b = g_ptr_array_index(pcms->boot->blobs, i);
        gsize len;
        const void *p = g_bytes_get_data(b->data, &len);
        if (!pc_ram_write(pcms, b->addr, p, len)) {
            error_report("%s at 0x%" PRIx64 " does not fit in guest RAM",
                         b->name, b->addr);
        }
    }
    if (first_cpu) {
        pc_set_boot_regs(first_cpu, &pcms->boot->regs);
    }
}

bool pc_load_kernel(PCMachineState *pcms, Error **errp)
{
    MachineState *ms = MACHINE(pcms);
    X86BootInput in = { 0 };
    uint8_t *kernel;
    size_t len;

    if (!load_image_file("kernel", ms->kernel_filename, &kernel, &len,
                         errp)) {
        return false;
    }
    if (ms->acpi) {
        pc_build_acpi(pcms);
    }
    in.kernel_name = ms->kernel_filename;
    in.kernel = kernel;
    in.kernel_size = len;
    in.initrd_name = ms->initrd_filename;
    in.cmdline = ms->kernel_cmdline ? ms->kernel_cmdline : "";
    in.e820 = pcms->e820;
    in.rsdp_addr = pcms->rsdp_addr;
    in.vga = ms->vga_present;
    in.read_file = load_initrd_file;
    pcms->boot = x86_load_kernel(&in, errp);
    g_free(kernel);
    if (!pcms->boot) {
        return false;
    }
    for (guint i = 0; i < pcms->boot->blobs->len; i++) {
        BootBlob *b = g_ptr_array_index(pcms->boot->blobs, i);
        rom_register(b->name, b->addr, g_bytes_get_size(b->data), false);
    }
    qemu_register_reset(pc_boot_reset, pcms);
    pc_boot_reset(pcms);
    return true;
}
