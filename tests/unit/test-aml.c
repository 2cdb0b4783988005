/* SPDX-License-Identifier: GPL-2.0-or-later */
/* AML encodings (ACPI 6.x chapter 20) and the ACPI table builder. */
#include "util/osdep.h"
#include "hw/acpi/aml.h"
#include "hw/acpi/tables.h"
#include "hw/i386/acpi-build.h"

static void assert_bytes(GByteArray *b, const uint8_t *exp, size_t len)
{
    g_assert_cmpuint(b->len, ==, len);
    g_assert_cmpmem(b->data, b->len, exp, len);
    g_byte_array_free(b, true);
}
#define ASSERT_AML(aml, ...) do { \
        static const uint8_t exp_[] = { __VA_ARGS__ }; \
        assert_bytes(aml_take_bytes(aml), exp_, sizeof(exp_)); \
    } while (0)

static void test_integers(void)
{
    ASSERT_AML(aml_int(0), 0x00);
    ASSERT_AML(aml_int(1), 0x01);
    ASSERT_AML(aml_int(0x0f), 0x0a, 0x0f);
    ASSERT_AML(aml_int(0x1234), 0x0b, 0x34, 0x12);
    ASSERT_AML(aml_int(0xfec00000), 0x0c, 0x00, 0x00, 0xc0, 0xfe);
    ASSERT_AML(aml_int(0x100000000ULL), 0x0e, 0, 0, 0, 0, 1, 0, 0, 0);
    ASSERT_AML(aml_string("ab"), 0x0d, 'a', 'b', 0);
    ASSERT_AML(aml_local(2), 0x62);
    ASSERT_AML(aml_arg(0), 0x68);
}

static void pkglen(size_t body, const uint8_t *exp, size_t n)
{
    GByteArray *b = g_byte_array_new();
    aml_encode_pkglength(b, body);
    assert_bytes(b, exp, n);
}

static void test_pkglength(void)
{
    /* The length counts its own bytes. */
    pkglen(10, (const uint8_t[]){ 0x0b }, 1);
    pkglen(62, (const uint8_t[]){ 0x3f }, 1);
    pkglen(63, (const uint8_t[]){ 0x41, 0x04 }, 2);       /* 65 */
    pkglen(0xffd, (const uint8_t[]){ 0x4f, 0xff }, 2);    /* 0xfff */
    pkglen(0xffe, (const uint8_t[]){ 0x81, 0x00, 0x01 }, 3); /* 0x1001 */
}

static void test_names(void)
{
    ASSERT_AML(aml_name("_SB"), '_', 'S', 'B', '_');
    ASSERT_AML(aml_name("\\_SB.PCI0"), '\\', 0x2e, '_', 'S', 'B', '_',
               'P', 'C', 'I', '0');
    ASSERT_AML(aml_name("\\_SB.PCI0.ISA"), '\\', 0x2f, 3, '_', 'S', 'B',
               '_', 'P', 'C', 'I', '0', 'I', 'S', 'A', '_');
    ASSERT_AML(aml_name("^LNKA"), '^', 'L', 'N', 'K', 'A');
    ASSERT_AML(aml_name("\\"), '\\', 0x00);
    g_assert_cmphex(aml_eisaid_value("PNP0A03"), ==, 0x030ad041);
    g_assert_cmphex(aml_eisaid_value("PNP0C0F"), ==, 0x0f0cd041);
    ASSERT_AML(aml_eisaid("PNP0A03"), 0x0c, 0x41, 0xd0, 0x0a, 0x03);
}

static void test_packages_and_blocks(void)
{
    Aml *p = aml_package(2);
    aml_append(p, aml_int(5));
    aml_append(p, aml_int(0));
    /* PackageOp PkgLength NumElements 0A 05 00 */
    ASSERT_AML(p, 0x12, 0x05, 0x02, 0x0a, 0x05, 0x00);

    Aml *n = aml_name_decl("_S5", aml_int(0));
    ASSERT_AML(n, 0x08, '_', 'S', '5', '_', 0x00);

    Aml *s = aml_scope("\\");
    aml_append(s, aml_name_decl("X", aml_int(1)));
    ASSERT_AML(s, 0x10, 0x09, '\\', 0x00, 0x08, 'X', '_', '_', '_', 0x01);

    Aml *m = aml_method("_STA", 0, false);
    aml_append(m, aml_return(aml_int(0x0f)));
    ASSERT_AML(m, 0x14, 0x09, '_', 'S', 'T', 'A', 0x00, 0xa4, 0x0a, 0x0f);

    Aml *d = aml_device("COM1");
    ASSERT_AML(d, 0x5b, 0x82, 0x05, 'C', 'O', 'M', '1');

    /* Buffer(3) { 1, 2, 3 } */
    ASSERT_AML(aml_buffer((const uint8_t[]){ 1, 2, 3 }, 3),
               0x11, 0x06, 0x0a, 0x03, 1, 2, 3);

    Aml *rt = aml_resource_template();
    aml_append(rt, aml_res_irq_noflags(4));
    /* IRQNoFlags(){4} then the end tag. */
    ASSERT_AML(rt, 0x11, 0x08, 0x0a, 0x05, 0x22, 0x10, 0x00, 0x79, 0x00);

    ASSERT_AML(aml_store(aml_int(1), aml_local(0)), 0x70, 0x01, 0x60);
    ASSERT_AML(aml_and(aml_arg(0), aml_int(0x80), NULL),
               0x7b, 0x68, 0x0a, 0x80, 0x00);

    Aml *f = aml_field("P40C", AML_BYTE_ACC, false, AML_PRESERVE);
    aml_append(f, aml_named_field("PRQA", 8));
    ASSERT_AML(f, 0x5b, 0x81, 0x0b, 'P', '4', '0', 'C', 0x01,
               'P', 'R', 'Q', 'A', 0x08);
}

static void test_checksum(void)
{
    GByteArray *b = g_byte_array_new();
    size_t off;

    g_assert_cmpuint(acpi_checksum((const uint8_t[]){ 1, 2, 0xfd }, 3), ==, 0);
    acpi_put8(b, 0xaa);                 /* something before the table */
    off = acpi_table_begin(b, "TEST", 1, 8);
    g_assert_cmpuint(off, ==, 8);
    acpi_put32(b, 0x12345678);
    acpi_table_end(b, off);
    g_assert_cmpuint(b->data[off + 4], ==, 40);
    g_assert_cmpuint(acpi_checksum(b->data + off, 40), ==, 0);
    g_byte_array_free(b, true);
}

static uint32_t le32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void test_tables(void)
{
    uint32_t ids[3] = { 0, 1, 300 };
    AcpiBuildConfig cfg;
    AcpiTables t;
    const uint8_t *madt;
    size_t offs[6];
    unsigned lapic = 0, x2apic = 0;

    acpi_build_config_defaults(&cfg);
    cfg.ncpus = 3;
    cfg.apic_ids = ids;
    cfg.hpet = true;
    acpi_build_tables(&cfg, 0x7fe0000, &t);

    g_assert_cmpmem(t.rsdp, 8, "RSD PTR ", 8);
    g_assert_cmpuint(acpi_checksum(t.rsdp, 20), ==, 0);
    g_assert_cmpuint(acpi_checksum(t.rsdp, 36), ==, 0);
    g_assert_cmphex(le32(t.rsdp + 16), ==, 0x7fe0000 + t.rsdt_off);
    g_assert_cmpuint(t.facs_off % 64, ==, 0);

    offs[0] = t.dsdt_off; offs[1] = t.fadt_off; offs[2] = t.madt_off;
    offs[3] = t.hpet_off; offs[4] = t.rsdt_off; offs[5] = t.xsdt_off;
    for (int i = 0; i < 6; i++) {
        const uint8_t *h = t.blob->data + offs[i];
        g_assert_cmpuint(acpi_checksum(h, le32(h + 4)), ==, 0);
    }
    /* RSDT lists FADT, MADT, HPET. */
    g_assert_cmpuint(le32(t.blob->data + t.rsdt_off + 4), ==, 36 + 12);
    g_assert_cmphex(le32(t.blob->data + t.rsdt_off + 36), ==,
                    0x7fe0000 + t.fadt_off);
    /* FADT: revision 3, 244 bytes, DSDT pointer, PM1a at 0x600. */
    const uint8_t *fadt = t.blob->data + t.fadt_off;
    g_assert_cmpuint(fadt[8], ==, 3);
    g_assert_cmpuint(le32(fadt + 4), ==, 244);
    g_assert_cmphex(le32(fadt + 40), ==, 0x7fe0000 + t.dsdt_off);
    g_assert_cmphex(le32(fadt + 56), ==, 0x600);
    g_assert_cmphex(le32(fadt + 64), ==, 0x604);
    g_assert_cmphex(le32(fadt + 76), ==, 0x608);
    g_assert_cmpuint(fadt[46], ==, 9);
    g_assert_cmphex(fadt[128], ==, 0x06);           /* reset value */

    /* MADT: one entry per CPU, x2APIC for ids above 254. */
    madt = t.blob->data + t.madt_off;
    for (uint32_t off = 44; off < le32(madt + 4); off += madt[off + 1]) {
        if (madt[off] == 0) {
            lapic++;
        } else if (madt[off] == 9) {
            g_assert_cmpuint(le32(madt + off + 4), ==, 300);
            x2apic++;
        }
        g_assert_cmpuint(madt[off + 1], >, 0);
    }
    g_assert_cmpuint(lapic, ==, 2);
    g_assert_cmpuint(x2apic, ==, 1);

    /* The DSDT carries the names Linux looks for. */
    const uint8_t *dsdt = t.blob->data + t.dsdt_off;
    size_t dlen = le32(dsdt + 4);
    g_assert_nonnull(memmem(dsdt, dlen, "_S5_", 4));
    g_assert_nonnull(memmem(dsdt, dlen, "_PRT", 4));
    g_assert_nonnull(memmem(dsdt, dlen, "LNKD", 4));
    g_assert_nonnull(memmem(dsdt, dlen, "HPET", 4));
    acpi_tables_free(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/aml/integers", test_integers);
    g_test_add_func("/aml/pkglength", test_pkglength);
    g_test_add_func("/aml/names", test_names);
    g_test_add_func("/aml/packages-blocks", test_packages_and_blocks);
    g_test_add_func("/acpi/checksum", test_checksum);
    g_test_add_func("/acpi/tables", test_tables);
    return g_test_run();
}
