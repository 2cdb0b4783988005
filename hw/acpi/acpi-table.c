/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Generic ACPI table helpers (ACPI 6.x section 5.2). */
#include "util/osdep.h"
#include "hw/acpi/tables.h"

uint8_t acpi_checksum(const void *data, size_t len)
{
    const uint8_t *p = data;
    uint8_t sum = 0;
    while (len--) {
        sum += *p++;
    }
    return sum;
}

void acpi_put_bytes(GByteArray *t, const void *p, size_t len)
{
    g_byte_array_append(t, p, len);
}

static void put_le(GByteArray *t, uint64_t v, int n)
{
    for (int i = 0; i < n; i++) {
        uint8_t b = v >> (8 * i);
        g_byte_array_append(t, &b, 1);
    }
}

void acpi_put8(GByteArray *t, uint8_t v) { put_le(t, v, 1); }
void acpi_put16(GByteArray *t, uint16_t v) { put_le(t, v, 2); }
void acpi_put32(GByteArray *t, uint32_t v) { put_le(t, v, 4); }
void acpi_put64(GByteArray *t, uint64_t v) { put_le(t, v, 8); }

void acpi_put_zeros(GByteArray *t, size_t len)
{
    size_t old = t->len;
    g_byte_array_set_size(t, old + len);
    memset(t->data + old, 0, len);
}

void acpi_put_gas(GByteArray *t, uint8_t space, uint8_t bit_width,
                  uint8_t access, uint64_t addr)
{
    acpi_put8(t, space);
    acpi_put8(t, bit_width);
    acpi_put8(t, 0);            /* bit offset */
    acpi_put8(t, access);
    acpi_put64(t, addr);
}

void acpi_set32(GByteArray *t, size_t off, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        t->data[off + i] = v >> (8 * i);
    }
}

void acpi_set64(GByteArray *t, size_t off, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        t->data[off + i] = v >> (8 * i);
    }
}

size_t acpi_table_begin(GByteArray *blob, const char *sig, uint8_t rev,
                        size_t align)
{
    size_t off;

    if (align > 1 && blob->len % align) {
        acpi_put_zeros(blob, align - blob->len % align);
    }
    off = blob->len;
    acpi_put_bytes(blob, sig, 4);
    acpi_put32(blob, 0);        /* length, patched by acpi_table_end */
    acpi_put8(blob, rev);
    acpi_put8(blob, 0);         /* checksum, patched */
    acpi_put_bytes(blob, ACPI_OEM_ID, 6);
    acpi_put_bytes(blob, ACPI_OEM_TABLE_ID, 8);
    acpi_put32(blob, 1);        /* OEM revision */
    acpi_put_bytes(blob, ACPI_CREATOR_ID, 4);
    acpi_put32(blob, 1);        /* creator revision */
    return off;
}

void acpi_table_end(GByteArray *blob, size_t off)
{
    uint32_t len = blob->len - off;
    acpi_set32(blob, off + 4, len);
    blob->data[off + 9] = 0;
    blob->data[off + 9] = -acpi_checksum(blob->data + off, len);
}
