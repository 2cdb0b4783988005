/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pc machine's DSDT: the PCI root bridge with its resources and
 * interrupt routing (_PRT through the PIIX3's four PIRQ link devices),
 * the ISA devices, the HPET, processors, and the \_S5 soft-off package.
 * The power button is the FADT's fixed-feature button.
 */
#include "util/osdep.h"
#include "hw/acpi/aml.h"
#include "hw/acpi/tables.h"
#include "hw/i386/acpi-build.h"

static const char *const link_names[4] = { "LNKA", "LNKB", "LNKC", "LNKD" };
static const char *const prq_names[4] = { "PRQA", "PRQB", "PRQC", "PRQD" };

static Aml *name_int(const char *name, uint64_t v)
{
    return aml_name_decl(name, aml_int(v));
}

static Aml *method_return_int(const char *name, uint64_t v)
{
    Aml *m = aml_method(name, 0, false);
    aml_append(m, aml_return(aml_int(v)));
    return m;
}

static Aml *isa_device(const char *name, const char *hid, Aml *crs)
{
    Aml *dev = aml_device(name);
    aml_append(dev, aml_name_decl("_HID", aml_eisaid(hid)));
    aml_append(dev, aml_name_decl("_CRS", crs));
    return dev;
}

static Aml *build_isa(const AcpiBuildConfig *c)
{
    static const uint16_t com_port[4] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
    static const uint8_t com_irq[4] = { 4, 3, 4, 3 };
    Aml *isa = aml_device("ISA");
    Aml *f, *crs;

    aml_append(isa, name_int("_ADR", ((c->isa_bridge_devfn >> 3) << 16) |
                                     (c->isa_bridge_devfn & 7)));
    /* The PIIX3's PIRQ route registers, for the link devices. */
    aml_append(isa, aml_operation_region("P40C", AML_PCI_CONFIG,
                                         aml_int(0x60), aml_int(4)));
    f = aml_field("P40C", AML_BYTE_ACC, false, AML_PRESERVE);
    for (int i = 0; i < 4; i++) {
        aml_append(f, aml_named_field(prq_names[i], 8));
    }
    aml_append(isa, f);

    crs = aml_resource_template();
    aml_append(crs, aml_res_io(0x70, 0x70, 1, 8));
    aml_append(crs, aml_res_irq_noflags(8));
    aml_append(isa, isa_device("RTC", "PNP0B00", crs));

    if (c->i8042) {
        Aml *kbd, *mou;
        crs = aml_resource_template();
        aml_append(crs, aml_res_io(0x60, 0x60, 1, 1));
        aml_append(crs, aml_res_io(0x64, 0x64, 1, 1));
        aml_append(crs, aml_res_irq_noflags(1));
        kbd = isa_device("KBD", "PNP0303", crs);
        aml_append(kbd, method_return_int("_STA", 0xf));
        aml_append(isa, kbd);

        crs = aml_resource_template();
        aml_append(crs, aml_res_irq_noflags(12));
        mou = isa_device("MOU", "PNP0F13", crs);
        aml_append(mou, method_return_int("_STA", 0xf));
        aml_append(isa, mou);
    }

    for (int i = 0; i < 4; i++) {
        char name[5];
        Aml *com;
        if (!(c->serial_mask & (1 << i))) {
            continue;
        }
        snprintf(name, sizeof(name), "COM%d", i + 1);
        crs = aml_resource_template();
        aml_append(crs, aml_res_io(com_port[i], com_port[i], 0, 8));
        aml_append(crs, aml_res_irq_noflags(com_irq[i]));
        com = isa_device(name, "PNP0501", crs);
        aml_append(com, name_int("_UID", i + 1));
        aml_append(com, method_return_int("_STA", 0xf));
        aml_append(isa, com);
    }
    return isa;
}

static Aml *build_pci_crs(const AcpiBuildConfig *c)
{
    Aml *crs = aml_resource_template();
    aml_append(crs, aml_res_word_bus(0, 0xff));
    aml_append(crs, aml_res_io(0xcf8, 0xcf8, 1, 8));
    aml_append(crs, aml_res_word_io(0x0000, 0x0cf7));
    aml_append(crs, aml_res_word_io(0x0d00, 0xffff));
    aml_append(crs, aml_res_dword_memory(0x000a0000, 0x000bffff, true));
    aml_append(crs, aml_res_dword_memory(c->pci_hole_start,
                                         c->pci_hole_end - 1, false));
    if (c->pci_hole64_start) {
        aml_append(crs, aml_res_qword_memory(c->pci_hole64_start,
                                             c->pci_hole64_end - 1, false));
    }
    return crs;
}

/*
 * _PRT: pin p (INTA=0) of slot s goes to PIRQ (s + p - 1) & 3, the
 * PIIX3's swizzle (slot 1, the PIIX3 itself, starts at PIRQA).
 */
static Aml *build_prt(void)
{
    Aml *prt = aml_package(128);
    for (int slot = 0; slot < 32; slot++) {
        for (int pin = 0; pin < 4; pin++) {
            Aml *e = aml_package(4);
            aml_append(e, aml_int(((uint64_t)slot << 16) | 0xffff));
            aml_append(e, aml_int(pin));
            aml_append(e, aml_name(link_names[(slot + pin + 3) & 3]));
            aml_append(e, aml_int(0));
            aml_append(prt, e);
        }
    }
    return prt;
}

static const uint32_t link_irqs[] = { 5, 10, 11 };

static Aml *irq_template(uint32_t irq)
{
    Aml *t = aml_resource_template();
    aml_append(t, aml_res_interrupt(true, false, true, &irq, 1));
    return t;
}

/*
 * Helpers shared by the link devices: IQST(reg) gives _STA from a PIRQ
 * register (bit 7 set: routing disabled), IQCR(reg) the current
 * resources.
 */
static void build_link_helpers(Aml *sb)
{
    Aml *m, *i;

    m = aml_method("IQST", 1, false);
    i = aml_if(aml_and(aml_int(0x80), aml_arg(0), NULL));
    aml_append(i, aml_return(aml_int(0x09)));
    aml_append(m, i);
    aml_append(m, aml_return(aml_int(0x0b)));
    aml_append(sb, m);

    m = aml_method("IQCR", 1, true);
    aml_append(m, aml_name_decl("PRR0", irq_template(0)));
    /* Extended interrupt descriptor: the IRQ number is at byte 5. */
    aml_append(m, aml_create_dword_field(aml_name("PRR0"), aml_int(5),
                                         "PRRI"));
    i = aml_if(aml_lless(aml_arg(0), aml_int(0x80)));
    aml_append(i, aml_store(aml_and(aml_arg(0), aml_int(0x0f), NULL),
                            aml_name("PRRI")));
    aml_append(m, i);
    aml_append(m, aml_return(aml_name("PRR0")));
    aml_append(sb, m);
}

static Aml *build_link(int n)
{
    char reg[32];
    Aml *dev = aml_device(link_names[n]);
    Aml *m, *prs;

    snprintf(reg, sizeof(reg), "\\_SB.PCI0.ISA.%s", prq_names[n]);
    aml_append(dev, aml_name_decl("_HID", aml_eisaid("PNP0C0F")));
    aml_append(dev, name_int("_UID", n));
    prs = aml_resource_template();
    aml_append(prs, aml_res_interrupt(true, false, true, link_irqs,
                                      ARRAY_SIZE(link_irqs)));
    aml_append(dev, aml_name_decl("_PRS", prs));

    m = aml_method("_STA", 0, false);
    {
        Aml *call = aml_name("IQST");
        aml_append(call, aml_name(reg));
        aml_append(m, aml_return(call));
    }
    aml_append(dev, m);

    m = aml_method("_DIS", 0, false);
    aml_append(m, aml_or(aml_name(reg), aml_int(0x80), aml_name(reg)));
    aml_append(dev, m);

    m = aml_method("_CRS", 0, false);
    {
        Aml *call = aml_name("IQCR");
        aml_append(call, aml_name(reg));
        aml_append(m, aml_return(call));
    }
    aml_append(dev, m);

    m = aml_method("_SRS", 1, false);
    aml_append(m, aml_create_dword_field(aml_arg(0), aml_int(5), "PRRI"));
    aml_append(m, aml_store(aml_name("PRRI"), aml_name(reg)));
    aml_append(dev, m);
    return dev;
}

void acpi_build_dsdt(GByteArray *b, const AcpiBuildConfig *c)
{
    size_t off = acpi_table_begin(b, "DSDT", 1, 8);
    Aml *sb = aml_scope("\\_SB");
    Aml *pci = aml_device("PCI0");
    GByteArray *aml;
    Aml *s5;

    aml_append(pci, aml_name_decl("_HID", aml_eisaid("PNP0A03")));
    aml_append(pci, name_int("_ADR", 0));
    aml_append(pci, name_int("_UID", 0));
    aml_append(pci, aml_name_decl("_CRS", build_pci_crs(c)));
    aml_append(pci, aml_name_decl("_PRT", build_prt()));
    aml_append(pci, build_isa(c));
    aml_append(sb, pci);

    build_link_helpers(sb);
    for (int i = 0; i < 4; i++) {
        aml_append(sb, build_link(i));
    }

    if (c->hpet) {
        Aml *hpet = aml_device("HPET");
        Aml *crs = aml_resource_template();
        aml_append(hpet, aml_name_decl("_HID", aml_eisaid("PNP0103")));
        aml_append(hpet, name_int("_UID", 0));
        aml_append(hpet, method_return_int("_STA", 0xf));
        aml_append(crs, aml_res_memory32_fixed(c->hpet_addr, 0x400, false));
        aml_append(hpet, aml_name_decl("_CRS", crs));
        aml_append(sb, hpet);
    }

    /* Processor devices, matched to the MADT by _UID. */
    for (unsigned i = 0; i < c->ncpus; i++) {
        char name[5];
        Aml *cpu;
        snprintf(name, sizeof(name), "C%03X", i & 0xfff);
        cpu = aml_device(name);
        aml_append(cpu, aml_name_decl("_HID", aml_string("ACPI0007")));
        aml_append(cpu, name_int("_UID", i));
        aml_append(sb, cpu);
    }

    aml = aml_take_bytes(sb);
    acpi_put_bytes(b, aml->data, aml->len);
    g_byte_array_free(aml, true);

    /* \_S5: SLP_TYPa, SLP_TYPb, reserved, reserved. */
    s5 = aml_package(4);
    aml_append(s5, aml_int(c->s5_slp_typ));
    aml_append(s5, aml_int(c->s5_slp_typ));
    aml_append(s5, aml_int(0));
    aml_append(s5, aml_int(0));
    aml = aml_take_bytes(aml_name_decl("\\_S5", s5));
    acpi_put_bytes(b, aml->data, aml->len);
    g_byte_array_free(aml, true);

    acpi_table_end(b, off);
}
