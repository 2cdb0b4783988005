/* SPDX-License-Identifier: GPL-2.0-or-later */
/* AML encoder, written from the ACPI specification (section 20.2). */
#include "util/osdep.h"
#include "hw/acpi/aml.h"

typedef enum AmlKind {
    AML_RAW,        /* op + body, no length */
    AML_PKG,        /* op + PkgLength + body */
    AML_BUFFER,     /* BufferOp PkgLength BufferSize bytes */
    AML_RESTMPL,    /* a Buffer whose body gets an end tag */
    AML_PACKAGE,    /* PackageOp PkgLength NumElements elements */
} AmlKind;

struct Aml {
    AmlKind kind;
    GByteArray *op;
    GByteArray *body;
    unsigned count;     /* package elements appended */
};

static Aml *aml_new(AmlKind kind)
{
    Aml *a = g_new0(Aml, 1);
    a->kind = kind;
    a->op = g_byte_array_new();
    a->body = g_byte_array_new();
    return a;
}

static void put8(GByteArray *b, uint8_t v)
{
    g_byte_array_append(b, &v, 1);
}

static void putle(GByteArray *b, uint64_t v, int n)
{
    for (int i = 0; i < n; i++) {
        put8(b, v >> (8 * i));
    }
}

static Aml *aml_op1(uint8_t op)
{
    Aml *a = aml_new(AML_RAW);
    put8(a->op, op);
    return a;
}

static Aml *aml_op2(uint8_t op, uint8_t op2, AmlKind kind)
{
    Aml *a = aml_new(kind);
    put8(a->op, op);
    put8(a->op, op2);
    return a;
}

void aml_free(Aml *a)
{
    if (a) {
        g_byte_array_free(a->op, true);
        g_byte_array_free(a->body, true);
        g_free(a);
    }
}

/* The multi-byte length format: low nibble in byte 0, rest in bytes 1..3. */
static void encode_len_raw(GByteArray *out, size_t v, int nbytes)
{
    if (nbytes == 1) {
        put8(out, v & 0x3f);
        return;
    }
    put8(out, ((nbytes - 1) << 6) | (v & 0xf));
    v >>= 4;
    for (int i = 1; i < nbytes; i++) {
        put8(out, v & 0xff);
        v >>= 8;
    }
}

static int len_bytes(size_t v)
{
    if (v < 0x40) {
        return 1;
    } else if (v < 0x1000) {
        return 2;
    } else if (v < 0x100000) {
        return 3;
    }
    g_assert(v < 0x10000000);
    return 4;
}

/* PkgLength counts its own bytes too. */
void aml_encode_pkglength(GByteArray *out, size_t body_len)
{
    int n = 1;
    while (len_bytes(body_len + n) > n) {
        n++;
    }
    encode_len_raw(out, body_len + n, n);
}

static void encode_int(GByteArray *out, uint64_t v)
{
    if (v == 0) {
        put8(out, 0x00);            /* ZeroOp */
    } else if (v == 1) {
        put8(out, 0x01);            /* OneOp */
    } else if (v <= 0xff) {
        put8(out, 0x0a);
        putle(out, v, 1);
    } else if (v <= 0xffff) {
        put8(out, 0x0b);
        putle(out, v, 2);
    } else if (v <= 0xffffffff) {
        put8(out, 0x0c);
        putle(out, v, 4);
    } else {
        put8(out, 0x0e);
        putle(out, v, 8);
    }
}

static void encode_nameseg(GByteArray *out, const char *s, size_t n)
{
    g_assert(n >= 1 && n <= 4);
    for (size_t i = 0; i < 4; i++) {
        put8(out, i < n ? s[i] : '_');
    }
}

void aml_encode_namestring(GByteArray *out, const char *name)
{
    const char *p = name;
    char **segs;
    unsigned n;

    while (*p == '\\' || *p == '^') {
        put8(out, *p++);
    }
    if (!*p) {
        put8(out, 0x00);            /* NullName */
        return;
    }
    segs = g_strsplit(p, ".", -1);
    n = g_strv_length(segs);
    if (n == 2) {
        put8(out, 0x2e);            /* DualNamePrefix */
    } else if (n > 2) {
        put8(out, 0x2f);            /* MultiNamePrefix */
        put8(out, n);
    }
    for (unsigned i = 0; i < n; i++) {
        encode_nameseg(out, segs[i], strlen(segs[i]));
    }
    g_strfreev(segs);
}

static void aml_encode(GByteArray *out, Aml *a)
{
    GByteArray *tmp;

    switch (a->kind) {
    case AML_RAW:
        g_byte_array_append(out, a->op->data, a->op->len);
        g_byte_array_append(out, a->body->data, a->body->len);
        break;
    case AML_PKG:
        g_byte_array_append(out, a->op->data, a->op->len);
        aml_encode_pkglength(out, a->body->len);
        g_byte_array_append(out, a->body->data, a->body->len);
        break;
    case AML_RESTMPL:
        put8(a->body, 0x79);        /* End tag, checksum 0 = "valid" */
        put8(a->body, 0x00);
        /* fall through */
    case AML_BUFFER:
        tmp = g_byte_array_new();
        encode_int(tmp, a->body->len);
        g_byte_array_append(tmp, a->body->data, a->body->len);
        put8(out, 0x11);            /* BufferOp */
        aml_encode_pkglength(out, tmp->len);
        g_byte_array_append(out, tmp->data, tmp->len);
        g_byte_array_free(tmp, true);
        break;
    case AML_PACKAGE:
        g_assert(a->count <= 255);
        put8(out, 0x12);            /* PackageOp */
        aml_encode_pkglength(out, a->body->len + 1);
        put8(out, a->count);
        g_byte_array_append(out, a->body->data, a->body->len);
        break;
    }
}

void aml_append(Aml *parent, Aml *child)
{
    aml_encode(parent->body, child);
    parent->count++;
    aml_free(child);
}

GByteArray *aml_take_bytes(Aml *a)
{
    GByteArray *out = g_byte_array_new();
    aml_encode(out, a);
    aml_free(a);
    return out;
}

/* Appends an argument (expression) into a's body. */
static void arg(Aml *a, Aml *x)
{
    aml_encode(a->body, x);
    aml_free(x);
}

/* Target operand: a SuperName or NullName when there is none. */
static void target(Aml *a, Aml *t)
{
    if (t) {
        arg(a, t);
    } else {
        put8(a->body, 0x00);
    }
}

/* ---- data ---- */

Aml *aml_int(uint64_t v)
{
    Aml *a = aml_new(AML_RAW);
    encode_int(a->body, v);
    return a;
}

Aml *aml_string(const char *s)
{
    Aml *a = aml_op1(0x0d);
    g_byte_array_append(a->body, (const guint8 *)s, strlen(s) + 1);
    return a;
}

Aml *aml_name(const char *name)
{
    Aml *a = aml_new(AML_RAW);
    aml_encode_namestring(a->body, name);
    return a;
}

/* EISA id: three letters in 5-bit fields, four hex digits, stored as a
 * byte-swapped 32-bit value. */
uint32_t aml_eisaid_value(const char *id)
{
    g_assert(strlen(id) == 7);
    uint32_t v = ((id[0] - 0x40) & 0x1f) << 26 |
                 ((id[1] - 0x40) & 0x1f) << 21 |
                 ((id[2] - 0x40) & 0x1f) << 16 |
                 (uint32_t)strtoul(id + 3, NULL, 16);
    return GUINT32_SWAP_LE_BE(v);
}

Aml *aml_eisaid(const char *id)
{
    Aml *a = aml_op1(0x0c);
    putle(a->body, aml_eisaid_value(id), 4);
    return a;
}

Aml *aml_buffer(const uint8_t *data, size_t len)
{
    Aml *a = aml_new(AML_BUFFER);
    if (len) {
        g_byte_array_append(a->body, data, len);
    }
    return a;
}

Aml *aml_package(unsigned num_elements)
{
    (void)num_elements;   /* the count is that of the appended elements */
    return aml_new(AML_PACKAGE);
}

Aml *aml_local(int n)
{
    g_assert(n >= 0 && n <= 7);
    return aml_op1(0x60 + n);
}

Aml *aml_arg(int n)
{
    g_assert(n >= 0 && n <= 6);
    return aml_op1(0x68 + n);
}

/* ---- named objects and blocks ---- */

Aml *aml_name_decl(const char *name, Aml *value)
{
    Aml *a = aml_op1(0x08);
    aml_encode_namestring(a->body, name);
    arg(a, value);
    return a;
}

static Aml *named_block(Aml *a, const char *name)
{
    aml_encode_namestring(a->body, name);
    return a;
}

Aml *aml_scope(const char *name)
{
    Aml *a = aml_new(AML_PKG);
    put8(a->op, 0x10);
    return named_block(a, name);
}

Aml *aml_device(const char *name)
{
    return named_block(aml_op2(0x5b, 0x82, AML_PKG), name);
}

Aml *aml_method(const char *name, int nargs, bool serialized)
{
    Aml *a = aml_new(AML_PKG);
    put8(a->op, 0x14);
    named_block(a, name);
    put8(a->body, (nargs & 7) | (serialized ? 0x08 : 0));
    return a;
}

static Aml *pred_block(uint8_t op, Aml *predicate)
{
    Aml *a = aml_new(AML_PKG);
    put8(a->op, op);
    if (predicate) {
        arg(a, predicate);
    }
    return a;
}

Aml *aml_if(Aml *predicate)
{
    return pred_block(0xa0, predicate);
}

Aml *aml_else(void)
{
    return pred_block(0xa1, NULL);
}

Aml *aml_while(Aml *predicate)
{
    return pred_block(0xa2, predicate);
}

/* ---- regions and fields ---- */

Aml *aml_operation_region(const char *name, int space, Aml *offset,
                          Aml *len)
{
    Aml *a = aml_op2(0x5b, 0x80, AML_RAW);
    aml_encode_namestring(a->body, name);
    put8(a->body, space);
    arg(a, offset);
    arg(a, len);
    return a;
}

Aml *aml_field(const char *region, int access, bool lock, int update)
{
    Aml *a = aml_op2(0x5b, 0x81, AML_PKG);
    aml_encode_namestring(a->body, region);
    put8(a->body, (access & 0xf) | (lock ? 0x10 : 0) | ((update & 3) << 5));
    return a;
}

static void field_len(GByteArray *out, unsigned bits)
{
    encode_len_raw(out, bits, len_bytes(bits));
}

Aml *aml_named_field(const char *name, unsigned bits)
{
    Aml *a = aml_new(AML_RAW);
    encode_nameseg(a->body, name, strlen(name));
    field_len(a->body, bits);
    return a;
}

Aml *aml_reserved_field(unsigned bits)
{
    Aml *a = aml_op1(0x00);
    field_len(a->body, bits);
    return a;
}

/* ---- statements and expressions ---- */

Aml *aml_return(Aml *v)
{
    Aml *a = aml_op1(0xa4);
    arg(a, v);
    return a;
}

Aml *aml_store(Aml *src, Aml *dst)
{
    Aml *a = aml_op1(0x70);
    arg(a, src);
    arg(a, dst);
    return a;
}

static Aml *binop(uint8_t op, Aml *x, Aml *y, Aml *t)
{
    Aml *a = aml_op1(op);
    arg(a, x);
    arg(a, y);
    target(a, t);
    return a;
}

Aml *aml_and(Aml *x, Aml *y, Aml *t) { return binop(0x7b, x, y, t); }
Aml *aml_or(Aml *x, Aml *y, Aml *t) { return binop(0x7d, x, y, t); }
Aml *aml_add(Aml *x, Aml *y, Aml *t) { return binop(0x72, x, y, t); }
Aml *aml_shiftleft(Aml *x, Aml *y) { return binop(0x79, x, y, NULL); }

static Aml *lop(uint8_t op, Aml *x, Aml *y)
{
    Aml *a = aml_op1(op);
    arg(a, x);
    if (y) {
        arg(a, y);
    }
    return a;
}

Aml *aml_lequal(Aml *x, Aml *y) { return lop(0x93, x, y); }
Aml *aml_lless(Aml *x, Aml *y) { return lop(0x95, x, y); }
Aml *aml_lnot(Aml *x) { return lop(0x92, x, NULL); }
Aml *aml_notify(Aml *obj, Aml *v) { return lop(0x86, obj, v); }
Aml *aml_derefof(Aml *v) { return lop(0x83, v, NULL); }

Aml *aml_index(Aml *src, Aml *idx)
{
    return binop(0x88, src, idx, NULL);
}

Aml *aml_create_dword_field(Aml *buf, Aml *index, const char *name)
{
    Aml *a = aml_op1(0x8a);
    arg(a, buf);
    arg(a, index);
    aml_encode_namestring(a->body, name);
    return a;
}

/* ---- resource descriptors (ACPI 6.x section 6.4) ---- */

Aml *aml_resource_template(void)
{
    return aml_new(AML_RESTMPL);
}

Aml *aml_res_io(uint16_t min, uint16_t max, uint8_t align, uint8_t len)
{
    Aml *a = aml_new(AML_RAW);
    put8(a->body, 0x47);            /* I/O port, 7 bytes */
    put8(a->body, 0x01);            /* 16-bit decode */
    putle(a->body, min, 2);
    putle(a->body, max, 2);
    put8(a->body, align);
    put8(a->body, len);
    return a;
}

Aml *aml_res_irq_noflags(unsigned irq)
{
    Aml *a = aml_new(AML_RAW);
    put8(a->body, 0x22);            /* IRQ, 2 bytes: edge, high */
    putle(a->body, 1u << irq, 2);
    return a;
}

Aml *aml_res_interrupt(bool level, bool active_low, bool shared,
                       const uint32_t *irqs, unsigned n)
{
    Aml *a = aml_new(AML_RAW);
    put8(a->body, 0x89);            /* Extended Interrupt */
    putle(a->body, 2 + 4 * n, 2);
    put8(a->body, 0x01 | (level ? 0 : 0x02) | (active_low ? 0x04 : 0) |
                  (shared ? 0x08 : 0));   /* consumer */
    put8(a->body, n);
    for (unsigned i = 0; i < n; i++) {
        putle(a->body, irqs[i], 4);
    }
    return a;
}

Aml *aml_res_memory32_fixed(uint32_t base, uint32_t len, bool rw)
{
    Aml *a = aml_new(AML_RAW);
    put8(a->body, 0x86);
    putle(a->body, 9, 2);
    put8(a->body, rw ? 1 : 0);
    putle(a->body, base, 4);
    putle(a->body, len, 4);
    return a;
}

/* Address space descriptors: word (0x88), dword (0x87), qword (0x8a).
 * General flags: MinFixed|MaxFixed, consumed/produced by the bridge. */
static Aml *addr_space(uint8_t tag, int w, uint8_t type, uint8_t tflags,
                       uint64_t min, uint64_t max)
{
    Aml *a = aml_new(AML_RAW);
    put8(a->body, tag);
    putle(a->body, 3 + 5 * w, 2);
    put8(a->body, type);
    put8(a->body, 0x0c);            /* MinFixed, MaxFixed, producer */
    put8(a->body, tflags);
    putle(a->body, 0, w);           /* granularity */
    putle(a->body, min, w);
    putle(a->body, max, w);
    putle(a->body, 0, w);           /* translation */
    putle(a->body, max - min + 1, w);
    return a;
}

Aml *aml_res_word_bus(uint16_t min, uint16_t max)
{
    return addr_space(0x88, 2, 2, 0, min, max);
}

Aml *aml_res_word_io(uint16_t min, uint16_t max)
{
    return addr_space(0x88, 2, 1, 0x03, min, max);   /* entire range */
}

/* Memory type flags: read-write, cacheable (0x2) or not (0x0). */
Aml *aml_res_dword_memory(uint32_t min, uint32_t max, bool cacheable)
{
    return addr_space(0x87, 4, 0, 0x01 | (cacheable ? 0x02 : 0), min, max);
}

Aml *aml_res_qword_memory(uint64_t min, uint64_t max, bool cacheable)
{
    return addr_space(0x8a, 8, 0, 0x01 | (cacheable ? 0x02 : 0), min, max);
}
