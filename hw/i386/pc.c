/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pc machine: RAM and the PCI hole, the i440FX/PIIX3 chipset, the
 * interrupt controllers (userspace or KVM's, by kernel-irqchip mode), the
 * 24 GSI lines, the ISA devices, the CPUs, and then firmware or direct
 * kernel boot with kemu's own ACPI tables.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "hw/i386/pc.h"
#include "hw/pci/pci.h"
#include "hw/pci-host/i440fx.h"
#include "hw/southbridge/piix.h"
#include "hw/intc/i8259.h"
#include "hw/intc/ioapic.h"
#include "hw/intc/apic.h"
#include "hw/timer/i8254.h"
#include "hw/timer/hpet.h"
#include "hw/acpi/pm.h"
#include "hw/ide/piix.h"
#include "sysemu/interrupts.h"
#include "sysemu/kvm.h"
#include "sysemu/sysemu.h"
#include "sysemu/hostmem.h"
#include "target/i386/cpu.h"

static uint64_t gsi_count[PC_NUM_GSI];
static uint32_t gsi_high;

/* A GSI line: the active IrqBackend decides where it goes. Rising edges
 * are counted for "info irq", as QEMU counts them at its PIC/IOAPIC. */
static void pc_gsi_set(void *opaque, int n, int level)
{
    if (n >= 0 && n < PC_NUM_GSI) {
        if (level && !(gsi_high & (1u << n))) {
            gsi_count[n]++;
        }
        gsi_high = level ? gsi_high | (1u << n) : gsi_high & ~(1u << n);
    }
    gsi_set_level(n, level);
}

const uint64_t *pc_gsi_counts(void)
{
    return gsi_count;
}

/*
 * Userspace backend: ISA IRQs go to the 8259 pair and the IOAPIC (IRQ0
 * on IOAPIC pin 2, per the MADT override), GSIs 16-23 to the IOAPIC.
 */
static void pc_gsi_fanout(void *opaque, int gsi, int level)
{
    PCMachineState *pcms = opaque;

    if (gsi < 0 || gsi >= PC_NUM_GSI) {
        kemu_log_mask(LOG_GUEST_ERROR, "pc: GSI %d out of range\n", gsi);
        return;
    }
    if (gsi < ISA_NUM_IRQS && pcms->pic_in) {
        qemu_set_irq(pcms->pic_in[gsi], level);
    }
    if (pcms->ioapic) {
        qemu_set_irq(qdev_get_gpio_in(pcms->ioapic, gsi == 0 ? 2 : gsi),
                     level);
    }
}

static void pc_msi_to_apic(void *opaque, uint64_t addr, uint32_t data)
{
    apic_deliver_msi(addr, data);
}

/* QEMU 7.2's split: with 3.5 GiB or more, low RAM stops at 3 GiB. */
static void pc_split_ram(PCMachineState *pcms, uint64_t ram_size)
{
    if (ram_size >= 0xe0000000ULL) {
        pcms->below_4g = 0xc0000000ULL;
    } else {
        pcms->below_4g = ram_size;
    }
    pcms->above_4g = ram_size - pcms->below_4g;
}

static bool pc_memory_init(PCMachineState *pcms, Error **errp)
{
    MachineState *ms = MACHINE(pcms);
    MemoryRegion *sysmem = get_system_memory();

    if (ms->ram && object_dynamic_cast(ms->ram->owner, TYPE_MEMORY_BACKEND) &&
        memory_region_size(ms->ram) != ms->ram_size) {
        error_setg(errp, "Machine memory size does not match the size of "
                   "the memory backend");
        return false;
    }
    pc_split_ram(pcms, ms->ram_size);
    if (!ms->ram) {
        ms->ram = g_new0(MemoryRegion, 1);
        if (!memory_region_init_ram(ms->ram, OBJECT(ms), "pc.ram",
                                    ms->ram_size, errp)) {
            g_free(ms->ram);
            ms->ram = NULL;
            return false;
        }
    }
    memory_region_init_alias(&pcms->ram_below_4g, OBJECT(ms), "ram-below-4g",
                             ms->ram, 0, pcms->below_4g);
    memory_region_add_subregion(sysmem, 0, &pcms->ram_below_4g);
    if (pcms->above_4g) {
        memory_region_init_alias(&pcms->ram_above_4g, OBJECT(ms),
                                 "ram-above-4g", ms->ram, pcms->below_4g,
                                 pcms->above_4g);
        memory_region_add_subregion(sysmem, 4 * GiB, &pcms->ram_above_4g);
    }
    return true;
}

/* Creates a device of a type another engineer provides, as /machine/NAME. */
static DeviceState *pc_new_child(PCMachineState *pcms, const char *type,
                                 const char *name, Error **errp)
{
    DeviceState *dev = qdev_try_new(type, errp);
    if (dev && name) {
        object_property_add_child(OBJECT(pcms), name, OBJECT(dev),
                                  &error_abort);
    }
    return dev;
}

static void pc_try_set(DeviceState *dev, const char *prop, const char *val)
{
    if (object_property_find(OBJECT(dev), prop)) {
        object_property_parse(OBJECT(dev), prop, val, &error_abort);
    }
}

static DeviceState *pc_isa_device(PCMachineState *pcms, const char *type,
                                  const char *name, Error **errp)
{
    DeviceState *dev = pc_new_child(pcms, type, name, errp);
    if (dev && !qdev_realize_and_unref(dev, BUS(pcms->isa_bus), errp)) {
        return NULL;
    }
    return dev;
}

static bool pc_kvm_irqchip(void)
{
    return kvm_enabled() && kvm_ioapic_in_kernel();
}

static bool pc_interrupts_init(PCMachineState *pcms, Error **errp)
{
    for (int i = 0; i < PC_NUM_GSI; i++) {
        pcms->gsi[i] = qemu_allocate_irq(pc_gsi_set, pcms, i);
    }
    isa_bus_irqs(pcms->isa_bus, pcms->gsi);
    irq_userspace_set_gsi_handler(pc_gsi_fanout, pcms);
    irq_userspace_set_msi_handler(pc_msi_to_apic, NULL);

    if (pc_kvm_irqchip()) {
        /* The PIC pair and IOAPIC live in KVM; these objects mirror them
         * for the monitor and migration. KVM_IRQ_LINE does the routing. */
        static const struct {
            const char *name, *iobase, *elcr, *mask, *master;
        } pics[2] = {
            { "pic-master", "0x20", "0x4d0", "0xf8", "on" },
            { "pic-slave", "0xa0", "0x4d1", "0xde", "off" },
        };
        DeviceState *dev;
        for (int i = 0; i < 2; i++) {
            dev = pc_new_child(pcms, TYPE_KVM_I8259, pics[i].name, errp);
            if (!dev) {
                return false;
            }
            pc_try_set(dev, "iobase", pics[i].iobase);
            pc_try_set(dev, "elcr_addr", pics[i].elcr);
            pc_try_set(dev, "elcr_mask", pics[i].mask);
            pc_try_set(dev, "master", pics[i].master);
            if (!qdev_realize_and_unref(dev, BUS(pcms->isa_bus), errp)) {
                return false;
            }
        }
        dev = pc_new_child(pcms, TYPE_KVM_IOAPIC, "ioapic", errp);
        return dev && qdev_realize_and_unref(dev, NULL, errp);
    }
    pcms->pic_in = i8259_init(pcms->isa_bus, apic_pic_line());
    pcms->ioapic = ioapic_init();
    return pcms->pic_in && pcms->ioapic;
}

static bool pc_chipset_init(PCMachineState *pcms, Error **errp)
{
    MachineState *ms = MACHINE(pcms);
    PCIDevice *dev;

    pcms->pci_bus = i440fx_init(OBJECT(ms), "i440fx", get_system_memory(),
                                get_system_io(), ms->ram, errp);
    if (!pcms->pci_bus) {
        return false;
    }
    /* Direct boot assigns BARs between the top of low RAM and the IOAPIC. */
    pcms->pci_bus->mem_window_start = MAX(ROUND_UP(pcms->below_4g, 256 * MiB),
                                          0x80000000ULL);
    pcms->pci_bus->mem_window_end = IOAPIC_DEFAULT_BASE;

    dev = pci_new_multifunction(PCI_DEVFN(1, 0), true, TYPE_PIIX3_DEVICE);
    if (!pci_realize_and_unref(dev, pcms->pci_bus, errp)) {
        return false;
    }
    pcms->isa_bus = PIIX3_DEVICE(dev)->isa_bus;
    if (!pcms->isa_bus) {
        error_setg(errp, "PIIX3 has no ISA bus");
        return false;
    }
    return pc_interrupts_init(pcms, errp);
}

static bool pc_pm_init(PCMachineState *pcms, Error **errp)
{
    PCIDevice *dev = pci_new(PCI_DEVFN(1, 3), TYPE_PIIX4_PM);
    DeviceState *d = DEVICE(dev);

    object_property_add_child(OBJECT(pcms), "pm", OBJECT(dev), &error_abort);
    if (!pci_realize_and_unref(dev, pcms->pci_bus, errp)) {
        return false;
    }
    if (qdev_get_named_gpio_list(d, "sci")) {
        qdev_connect_gpio_out_named(d, "sci", 0, pcms->gsi[ACPI_SCI_IRQ]);
    }
    pcms->pm = d;
    return true;
}

/* Legacy replacement gives IRQ 0 and 8 to the HPET: its "legacy" line n
 * silences the device at path through that device's "hpet-legacy" input
 * (a device without one, e.g. kvm-pit, keeps driving its IRQ). */
static void pc_hpet_legacy_connect(DeviceState *hpet, int n, const char *path)
{
    Object *obj = object_resolve_path(path, NULL);
    NamedGPIOList *in;

    if (!obj) {
        return;
    }
    in = qdev_get_named_gpio_list(DEVICE(obj), "hpet-legacy");
    if (in->num_in) {
        qdev_connect_gpio_out_named(hpet, "legacy", n, in->in[0]);
    }
}

static bool pc_hpet_init(PCMachineState *pcms, Error **errp)
{
    /* Not /machine/hpet: that name is the machine's "hpet" property. */
    DeviceState *dev = pc_new_child(pcms, TYPE_HPET, NULL, errp);
    NamedGPIOList *outs;

    if (!dev || !qdev_realize_and_unref(dev, NULL, errp)) {
        return false;
    }
    outs = qdev_get_named_gpio_list(dev, NULL);
    for (int i = 0; outs && i < outs->num_out && i < PC_NUM_GSI; i++) {
        qdev_connect_gpio_out(dev, i, pcms->gsi[i]);
    }
    pc_hpet_legacy_connect(dev, 0, "/machine/pit");
    pc_hpet_legacy_connect(dev, 1, "/machine/rtc");
    return true;
}

static bool pc_isa_devices_init(PCMachineState *pcms, Error **errp)
{
    static const char *const com_base[MAX_SERIAL_PORTS] = {
        "0x3f8", "0x2f8", "0x3e8", "0x2e8" };
    static const char *const com_irq[MAX_SERIAL_PORTS] = { "4", "3", "4", "3" };
    ISADevice *pit;
    DeviceState *dev;

    if (kvm_enabled() && kvm_pit_in_kernel()) {
        dev = pc_isa_device(pcms, TYPE_KVM_PIT, "pit", errp);
        pit = dev ? ISA_DEVICE(dev) : NULL;
    } else {
        pit = i8254_pit_init(pcms->isa_bus, 0x40, pcms->gsi[0]);
    }
    if (!pit) {
        return false;
    }
    pcspk_init(pcms->isa_bus, pit);

    if (!pc_isa_device(pcms, "mc146818rtc", "rtc", errp) ||
        !pc_isa_device(pcms, "i8042", "i8042", errp) ||
        !pc_isa_device(pcms, "port92", "port92", errp) ||
        !pc_isa_device(pcms, "ioport80", NULL, errp) ||
        !pc_isa_device(pcms, "x87-ferr", NULL, errp)) {
        return false;
    }

    for (int i = 0; i < MAX_SERIAL_PORTS; i++) {
        Chardev *chr = serial_hd(i);
        char name[16];
        if (!chr) {
            continue;
        }
        snprintf(name, sizeof(name), "serial%d", i);
        dev = pc_new_child(pcms, "isa-serial", name, errp);
        if (!dev) {
            return false;
        }
        pc_try_set(dev, "iobase", com_base[i]);
        pc_try_set(dev, "irq", com_irq[i]);
        pc_try_set(dev, "index", (const char[]){ '0' + i, 0 });
        object_property_parse(OBJECT(dev), "chardev", chr->label,
                              &error_abort);
        if (!qdev_realize_and_unref(dev, BUS(pcms->isa_bus), errp)) {
            return false;
        }
    }
    if (debugcon_hd()) {
        dev = pc_new_child(pcms, "isa-debugcon", "debugcon", errp);
        if (!dev) {
            return false;
        }
        object_property_parse(OBJECT(dev), "chardev", debugcon_hd()->label,
                              &error_abort);
        if (!qdev_realize_and_unref(dev, BUS(pcms->isa_bus), errp)) {
            return false;
        }
    }
    return true;
}

/* The PIIX3's IDE function at 00:01.1 (always there, as in QEMU), with
 * the -hda..-hdd / -cdrom / -drive if=ide drives on its channels. */
static bool pc_ide_init(PCMachineState *pcms, Error **errp)
{
    PCIDevice *dev = pci_new(PCI_DEVFN(1, 1), TYPE_PIIX3_IDE);

    object_property_add_child(OBJECT(pcms), "ide", OBJECT(dev), &error_abort);
    if (!pci_realize_and_unref(dev, pcms->pci_bus, errp)) {
        return false;
    }
    return piix3_ide_attach_drives(dev, errp);
}

/* QEMU's rule: a standard VGA at 00:02.0 unless -vga none or
 * -nodefaults (-vga std brings it back). -nographic keeps the card. */
static bool pc_vga_init(PCMachineState *pcms, Error **errp)
{
    MachineState *ms = MACHINE(pcms);
    const char *type = ms->vga_type ? ms->vga_type
                                    : ms->nodefaults ? "none" : "std";
    PCIDevice *dev;

    if (strcmp(type, "std")) {
        return true;
    }
    dev = pci_new(PCI_DEVFN(2, 0), "VGA");
    if (!pci_realize_and_unref(dev, pcms->pci_bus, errp)) {
        return false;
    }
    ms->vga_present = true;
    return true;
}

static bool pc_cpus_init(PCMachineState *pcms, Error **errp)
{
    MachineState *ms = MACHINE(pcms);

    for (unsigned i = 0; i < ms->smp.cpus; i++) {
        /* x86_cpu_new() adds the CPU to ms->cpus. */
        if (!x86_cpu_new(ms, i, errp)) {
            return false;
        }
    }
    return true;
}

static bool pc_init_all(PCMachineState *pcms, Error **errp)
{
    MachineState *ms = MACHINE(pcms);

    if (!pc_memory_init(pcms, errp) || !pc_cpus_init(pcms, errp) ||
        !pc_chipset_init(pcms, errp)) {
        return false;
    }
    if (ms->acpi && !pc_pm_init(pcms, errp)) {
        return false;
    }
    if (!pc_vga_init(pcms, errp)) {
        return false;
    }
    /* After the ISA devices: the HPET connects to the PIT and RTC. */
    if (!pc_isa_devices_init(pcms, errp) || !pc_ide_init(pcms, errp)) {
        return false;
    }
    if (ms->hpet && !pc_hpet_init(pcms, errp)) {
        return false;
    }
    pc_build_e820(pcms);
    pc_cmos_init(pcms);
    if (ms->kernel_filename && !ms->firmware) {
        return pc_load_kernel(pcms, errp);
    }
    if (ms->kernel_filename) {
        /* Firmware loads kernels through fw_cfg, which comes later. */
        warn_report("-kernel is ignored when -bios is given (no fw_cfg yet)");
    }
    return pc_load_firmware(pcms, errp);
}

static void pc_init(MachineState *ms)
{
    Error *err = NULL;

    if (!pc_init_all(PC_MACHINE(ms), &err)) {
        error_report_err(err);
        exit(1);
    }
}

/* -machine memory-backend=ID: the backend's region becomes the guest RAM.
 * Its size becomes the RAM size too, so -m, applied after the machine's
 * properties, only needs to agree (checked in pc_memory_init). */
static HostMemoryBackend *pc_ram_backend(MachineState *ms)
{
    Object *owner = ms->ram ? ms->ram->owner : NULL;

    return owner && object_dynamic_cast(owner, TYPE_MEMORY_BACKEND) ?
           MEMORY_BACKEND(owner) : NULL;
}

static bool pc_get_memory_backend(Object *obj, ObjectProperty *prop,
                                  PropValue *out, Error **errp)
{
    HostMemoryBackend *b = pc_ram_backend(MACHINE(obj));

    out->kind = PROP_KIND_STRING;
    out->s = g_strdup(b ? object_get_canonical_path_component(OBJECT(b))
                        : "");
    return true;
}

static bool pc_set_memory_backend(Object *obj, ObjectProperty *prop,
                                  const PropValue *in, Error **errp)
{
    MachineState *ms = MACHINE(obj);
    HostMemoryBackend *old = pc_ram_backend(ms);
    HostMemoryBackend *b;

    if (ms->ram && !old) {
        error_setg(errp, "memory-backend cannot change once RAM exists");
        return false;
    }
    b = host_memory_backend_find(in->s, errp);
    if (!b) {
        return false;
    }
    if (b != old && host_memory_backend_is_mapped(b)) {
        error_setg(errp, "memory backend %s can't be used multiple times.",
                   in->s);
        return false;
    }
    if (old) {
        host_memory_backend_set_mapped(old, false);
        object_unref(old);
    }
    /* The machine's reference keeps the memory alive while it is RAM. */
    object_ref(b);
    host_memory_backend_set_mapped(b, true);
    ms->ram = host_memory_backend_get_memory(b);
    ms->ram_size = memory_region_size(ms->ram);
    ms->maxram_size = ms->ram_size;
    return true;
}

static void pc_machine_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);
    ObjectProperty *op;

    op = object_class_property_add(oc, "memory-backend",
                                   "link<" TYPE_MEMORY_BACKEND ">",
                                   PROP_KIND_STRING, pc_get_memory_backend,
                                   pc_set_memory_backend, NULL, NULL);
    op->description = g_strdup("id of a memory-backend object to use as "
                               "guest RAM");

    mc->name = "pc-i440fx-7.2";
    mc->alias = "pc";
    mc->desc = "Standard PC (i440FX + PIIX, 1996)";
    mc->is_default = true;
    mc->max_cpus = 255;        /* QEMU 7.2's i440fx limit */
    mc->default_ram_size = 128 * MiB;
    mc->default_cpu_type = X86_CPU_TYPE_NAME("qemu64");
    mc->init = pc_init;
}

static void pc_machine_finalize(Object *obj)
{
    PCMachineState *pcms = PC_MACHINE(obj);

    boot_image_free(pcms->boot);
    acpi_tables_free(&pcms->acpi);
    e820_free(pcms->e820);
}

static const TypeInfo pc_machine_type = {
    .name = TYPE_PC_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(PCMachineState),
    .instance_finalize = pc_machine_finalize,
    .class_init = pc_machine_class_init,
};

static void pc_machine_register(void)
{
    type_register_static(&pc_machine_type);
}
type_init(pc_machine_register)
