/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 82371SB (PIIX3) function 0: the PCI-to-ISA bridge. It owns the
 * ISA bus, routes the PCI bus's four interrupt lines PIRQA-D to ISA IRQs
 * (config 0x60-0x63: bit 7 disables the route, bits 3:0 pick the IRQ),
 * and implements the reset control register at port 0xcf9.
 *
 * Level sharing: the PCI core counts asserted functions per PIRQ; an ISA
 * IRQ is high while any PIRQ routed to it is high. Only lines this
 * bridge raised are ever lowered by it.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "hw/southbridge/piix.h"
#include "hw/pci/pci_host.h"
#include "sysemu/runstate.h"

int piix_pci_slot_get_pirq(PCIDevice *dev, int pin)
{
    return (PCI_SLOT(dev->devfn) + 3 + pin) & 3;
}

static uint16_t piix3_wanted_irqs(PIIX3State *s)
{
    PCIDevice *d = &s->parent_obj;
    uint16_t mask = 0;

    for (int p = 0; p < PIIX_NUM_PIRQS; p++) {
        uint8_t route = d->config[PIIX_PIRQC + p];
        if (s->pirq_level[p] && !(route & PIIX_PIRQ_DISABLE)) {
            mask |= 1u << (route & 0x0f);
        }
    }
    return mask;
}

static void piix3_update_irqs(PIIX3State *s)
{
    uint16_t want = piix3_wanted_irqs(s);
    uint16_t change = want ^ s->driven;

    for (int irq = 0; irq < ISA_NUM_IRQS; irq++) {
        if (!(change & (1u << irq))) {
            continue;
        }
        /* IRQ 0, 1, 2, 8, 13 are reserved for the board, as on the real
         * part; a guest routing a PIRQ there gets nothing. */
        if ((1u << irq) & 0x2107) {
            kemu_log_mask(LOG_GUEST_ERROR, "PIIX3: PIRQ routed to reserved "
                          "IRQ %d\n", irq);
            want &= ~(1u << irq);
            continue;
        }
        qemu_set_irq(s->isa_bus->irqs[irq], !!(want & (1u << irq)));
    }
    s->driven = want;
}

static void piix3_set_irq(void *opaque, int pirq, int level)
{
    PIIX3State *s = opaque;

    s->pirq_level[pirq] = level;
    piix3_update_irqs(s);
}

static void piix3_write_config(PCIDevice *d, uint32_t addr, uint32_t val,
                               int len)
{
    pci_default_write_config(d, addr, val, len);
    if (addr < PIIX_PIRQC + PIIX_NUM_PIRQS && addr + len > PIIX_PIRQC) {
        piix3_update_irqs(PIIX3_DEVICE(d));
    }
}

/* Reset control register (0xcf9). */
static uint8_t piix3_rcr_read(void *opaque)
{
    return ((PIIX3State *)opaque)->rcr;
}

static void piix3_rcr_write(void *opaque, uint8_t val)
{
    PIIX3State *s = opaque;

    if (val & RCR_RST_CPU) {
        /* Hard (SYS_RST) or soft: both reset the whole machine here. */
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    }
    s->rcr = val & RCR_SYS_RST;
}

static uint64_t rcr_io_read(void *opaque, hwaddr addr, unsigned size)
{
    return piix3_rcr_read(opaque);
}

static void rcr_io_write(void *opaque, hwaddr addr, uint64_t val,
                         unsigned size)
{
    piix3_rcr_write(opaque, val);
}

static const MemoryRegionOps rcr_ops = {
    .read = rcr_io_read,
    .write = rcr_io_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

static PCIHostState *piix3_host(PIIX3State *s)
{
    PCIBus *bus = pci_get_bus(&s->parent_obj);
    DeviceState *host = bus ? BUS(bus)->parent : NULL;
    Object *o = host ? object_dynamic_cast(OBJECT(host),
                                           TYPE_PCI_HOST_BRIDGE) : NULL;

    return o ? PCI_HOST_BRIDGE(o) : NULL;
}

static void piix3_set_defaults(PCIDevice *d)
{
    d->config[0x4c] = 0x4d;     /* ISA I/O recovery timer */
    d->config[0x4e] = 0x03;     /* X-bus chip select */
    d->config[0x4f] = 0x00;
    memset(d->config + PIIX_PIRQC, PIIX_PIRQ_DISABLE, PIIX_NUM_PIRQS);
    d->config[0x69] = 0x02;     /* top of memory */
    d->config[0x6a] = 0x00;
    d->config[0x70] = 0x80;     /* motherboard IRQ route: disabled */
    d->config[0x76] = 0x0c;     /* motherboard DMA */
    d->config[0x77] = 0x0c;
    d->config[0x78] = 0x02;     /* programmable chip select */
    d->config[0x79] = 0x00;
    d->config[0x80] = 0x00;     /* APIC base relocation */
    d->config[0x82] = 0x00;
    d->config[0xa0] = 0x08;     /* SMI control */
    memset(d->config + 0xa2, 0, 0xa8 - 0xa2);
    d->config[0xa8] = 0x0f;
    d->config[0xaa] = 0x00;
    d->config[0xab] = 0x00;
    d->config[0xac] = 0x00;
    d->config[0xae] = 0x00;
}

static bool piix3_realize(PCIDevice *d, Error **errp)
{
    PIIX3State *s = PIIX3_DEVICE(d);
    PCIHostState *host;

    s->isa_bus = isa_bus_new(DEVICE(d), get_system_io(), errp);
    if (!s->isa_bus) {
        return false;
    }
    d->config[PCI_HEADER_TYPE] |= PCI_HEADER_TYPE_MULTI_FUNCTION;
    memset(d->wmask + PIIX_PIRQC, 0x8f, PIIX_NUM_PIRQS);
    piix3_set_defaults(d);
    pci_bus_irqs(pci_get_bus(d), piix3_set_irq, piix_pci_slot_get_pirq, s,
                 PIIX_NUM_PIRQS);

    host = piix3_host(s);
    if (host) {
        pci_host_set_cf9_handler(host, piix3_rcr_read, piix3_rcr_write, s);
    } else {
        memory_region_init_io(&s->rcr_mem, OBJECT(d), &rcr_ops, s,
                              "piix3-reset-control", 1);
        memory_region_add_subregion_overlap(get_system_io(), PIIX_RCR_IOPORT,
                                            &s->rcr_mem, 1);
        s->rcr_mapped = true;
    }
    return true;
}

static void piix3_exit(PCIDevice *d)
{
    PIIX3State *s = PIIX3_DEVICE(d);
    PCIHostState *host = piix3_host(s);
    PCIBus *bus = pci_get_bus(d);

    if (s->rcr_mapped) {
        memory_region_del_subregion(get_system_io(), &s->rcr_mem);
        memory_region_destroy(&s->rcr_mem);
        s->rcr_mapped = false;
    } else if (host) {
        pci_host_set_cf9_handler(host, NULL, NULL, NULL);
    }
    memset(d->config + PIIX_PIRQC, PIIX_PIRQ_DISABLE, PIIX_NUM_PIRQS);
    piix3_update_irqs(s);
    if (bus && bus->irq_opaque == s) {
        pci_bus_irqs(bus, NULL, NULL, NULL, 0);
    }
}

static void piix3_reset(PCIDevice *d)
{
    PIIX3State *s = PIIX3_DEVICE(d);

    piix3_set_defaults(d);
    s->rcr = 0;
    piix3_update_irqs(s);
}

static void piix3_instance_init(Object *obj)
{
    PIIX3_DEVICE(obj)->parent_obj.multifunction = true;
}

static int piix3_post_load(void *opaque, int version)
{
    PIIX3State *s = opaque;

    s->driven = 0;
    piix3_update_irqs(s);
    return 0;
}

static const StateField piix3_fields[] = {
    STATE_UINT8_ARRAY(parent_obj.config, PIIX3State, PCI_CONFIG_SPACE_SIZE),
    STATE_UINT32_ARRAY(pirq_level, PIIX3State, PIIX_NUM_PIRQS),
    STATE_UINT8(rcr, PIIX3State),
    STATE_END
};

static const StateDesc piix3_state = {
    .name = "PIIX3", .version = 1, .fields = piix3_fields,
    .post_load = piix3_post_load,
};

static void piix3_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->realize = piix3_realize;
    pc->exit = piix3_exit;
    pc->reset = piix3_reset;
    pc->config_write = piix3_write_config;
    pc->vendor_id = PCI_VENDOR_ID_INTEL;
    pc->device_id = PCI_DEVICE_ID_INTEL_82371SB_0;
    pc->class_id = PCI_CLASS_BRIDGE_ISA;
    dc->desc = "ISA bridge";
    dc->category = "bridge";
    dc->state = &piix3_state;
    dc->user_creatable = false;
}

static const TypeInfo piix3_types[] = {
    {
        .name = TYPE_PIIX3_DEVICE,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(PIIX3State),
        .class_size = sizeof(PCIDeviceClass),
        .instance_init = piix3_instance_init,
        .class_init = piix3_class_init,
    },
};

DEFINE_TYPES(piix3_types)
