/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Generic ACPI table helpers: headers, checksums, generic addresses. */
#ifndef KEMU_ACPI_TABLES_H
#define KEMU_ACPI_TABLES_H

#include "util/osdep.h"

#define ACPI_OEM_ID        "KEMU  "     /* 6 bytes */
#define ACPI_OEM_TABLE_ID  "KEMUPC  "   /* 8 bytes */
#define ACPI_CREATOR_ID    "KEMU"
#define ACPI_HEADER_SIZE   36

/* Generic Address Structure address space ids */
#define ACPI_GAS_MEMORY 0
#define ACPI_GAS_IO     1

/* 8-bit sum of len bytes. A table is valid when its sum is 0. */
uint8_t acpi_checksum(const void *data, size_t len);

/* Little-endian appends to a table under construction. */
void acpi_put8(GByteArray *t, uint8_t v);
void acpi_put16(GByteArray *t, uint16_t v);
void acpi_put32(GByteArray *t, uint32_t v);
void acpi_put64(GByteArray *t, uint64_t v);
void acpi_put_bytes(GByteArray *t, const void *p, size_t len);
void acpi_put_zeros(GByteArray *t, size_t len);
/* Generic Address Structure (12 bytes). access: 1 byte .. 4 qword. */
void acpi_put_gas(GByteArray *t, uint8_t space, uint8_t bit_width,
                  uint8_t access, uint64_t addr);
/* Patch in place. */
void acpi_set32(GByteArray *t, size_t off, uint32_t v);
void acpi_set64(GByteArray *t, size_t off, uint64_t v);

/*
 * Starts a table at the end of blob (padded to align first) with a header
 * whose length and checksum acpi_table_end() fills in. Returns the
 * table's offset in blob.
 */
size_t acpi_table_begin(GByteArray *blob, const char *sig, uint8_t rev,
                        size_t align);
void acpi_table_end(GByteArray *blob, size_t table_off);

#endif
