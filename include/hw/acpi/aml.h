/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small AML (ACPI Machine Language) encoder, after the ACPI 6.x spec,
 * chapter 20. Every constructor returns a new Aml node; aml_append(parent,
 * child) encodes the child into the parent and frees it, so a DSDT reads
 * top-down:
 *
 *   Aml *sb = aml_scope("\\_SB");
 *   Aml *dev = aml_device("PCI0");
 *   aml_append(dev, aml_name_decl("_HID", aml_eisaid("PNP0A03")));
 *   aml_append(sb, dev);
 *
 * Nodes that own a PkgLength (Scope, Device, Method, If, Package, Buffer,
 * Field ...) collect their children and get their length when appended.
 */
#ifndef KEMU_AML_H
#define KEMU_AML_H

#include "util/osdep.h"

typedef struct Aml Aml;

/* Output */
GByteArray *aml_take_bytes(Aml *a);  /* encodes a, frees it */
void aml_append(Aml *parent, Aml *child);
void aml_free(Aml *a);

/* Building blocks exposed for tests. */
void aml_encode_pkglength(GByteArray *out, size_t body_len);
void aml_encode_namestring(GByteArray *out, const char *name);
uint32_t aml_eisaid_value(const char *id);   /* "PNP0A03" -> 0x030AD041 */

/* Data objects */
Aml *aml_int(uint64_t v);
Aml *aml_string(const char *s);
Aml *aml_name(const char *name);             /* reference to a name */
Aml *aml_eisaid(const char *id);
Aml *aml_buffer(const uint8_t *data, size_t len);
Aml *aml_package(unsigned num_elements);     /* append the elements */
Aml *aml_local(int n);
Aml *aml_arg(int n);

/* Named objects and blocks */
Aml *aml_name_decl(const char *name, Aml *value);
Aml *aml_scope(const char *name);
Aml *aml_device(const char *name);
Aml *aml_method(const char *name, int nargs, bool serialized);
Aml *aml_if(Aml *predicate);
Aml *aml_else(void);
Aml *aml_while(Aml *predicate);

/* Operation regions and fields */
enum { AML_SYSTEM_MEMORY = 0, AML_SYSTEM_IO = 1, AML_PCI_CONFIG = 2 };
enum { AML_ANY_ACC = 0, AML_BYTE_ACC = 1, AML_WORD_ACC = 2,
       AML_DWORD_ACC = 3 };
enum { AML_PRESERVE = 0, AML_WRITE_AS_ONES = 1, AML_WRITE_AS_ZEROS = 2 };
Aml *aml_operation_region(const char *name, int space, Aml *offset,
                          Aml *len);
Aml *aml_field(const char *region, int access, bool lock, int update);
Aml *aml_named_field(const char *name, unsigned bits);
Aml *aml_reserved_field(unsigned bits);

/* Statements and expressions (target NULL: no target) */
Aml *aml_return(Aml *v);
Aml *aml_store(Aml *src, Aml *dst);
Aml *aml_and(Aml *a, Aml *b, Aml *target);
Aml *aml_or(Aml *a, Aml *b, Aml *target);
Aml *aml_add(Aml *a, Aml *b, Aml *target);
Aml *aml_shiftleft(Aml *a, Aml *b);
Aml *aml_lequal(Aml *a, Aml *b);
Aml *aml_lless(Aml *a, Aml *b);
Aml *aml_lnot(Aml *a);
Aml *aml_notify(Aml *obj, Aml *value);
Aml *aml_index(Aml *src, Aml *idx);
Aml *aml_derefof(Aml *v);
Aml *aml_create_dword_field(Aml *buf, Aml *index, const char *name);

/* Resource templates: a Buffer of descriptors ended by an end tag. */
Aml *aml_resource_template(void);            /* append descriptors */
Aml *aml_res_io(uint16_t min, uint16_t max, uint8_t align, uint8_t len);
Aml *aml_res_irq_noflags(unsigned irq);
/* Extended interrupt: level/edge, active high/low, shared. */
Aml *aml_res_interrupt(bool level, bool active_low, bool shared,
                       const uint32_t *irqs, unsigned n);
Aml *aml_res_memory32_fixed(uint32_t base, uint32_t len, bool rw);
Aml *aml_res_word_bus(uint16_t min, uint16_t max);
Aml *aml_res_word_io(uint16_t min, uint16_t max);
Aml *aml_res_dword_memory(uint32_t min, uint32_t max, bool cacheable);
Aml *aml_res_qword_memory(uint64_t min, uint64_t max, bool cacheable);

#endif
