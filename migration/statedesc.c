/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Saving and loading a StateDesc's fields. Format: name (u8 length +
 * bytes), version (u32 LE), then every field in order, integers little
 * endian, nested descriptions inline. Loading checks name, version and
 * length so a mismatched stream fails with an error instead of garbage.
 */
#include "util/osdep.h"
#include "migration/statedesc.h"

static void put_le(GByteArray *b, const void *p, size_t size)
{
    uint8_t tmp[8];
    uint64_t v = 0;

    memcpy(&v, p, size);    /* host is little endian (x86-64) */
    for (size_t i = 0; i < size; i++) {
        tmp[i] = v >> (8 * i);
    }
    g_byte_array_append(b, tmp, size);
}

static void save_desc(GByteArray *b, const StateDesc *d, const void *opaque)
{
    for (const StateField *f = d->fields; f && f->name; f++) {
        const char *base = (const char *)opaque + f->offset;
        for (unsigned i = 0; i < f->count; i++) {
            const char *e = base + i * f->size;
            switch (f->kind) {
            case STATE_KIND_BOOL: {
                uint8_t v = *(const bool *)e;
                g_byte_array_append(b, &v, 1);
                break;
            }
            case STATE_KIND_STRUCT:
                save_desc(b, f->sub, e);
                break;
            default:
                if (f->size <= 8) {
                    put_le(b, e, f->size);
                } else {
                    g_byte_array_append(b, (const guint8 *)e, f->size);
                }
            }
        }
    }
}

GByteArray *state_save(const StateDesc *desc, const void *opaque)
{
    GByteArray *b = g_byte_array_new();
    uint8_t len = strlen(desc->name);
    uint32_t ver = desc->version;

    if (desc->pre_save) {
        desc->pre_save((void *)opaque);
    }
    g_byte_array_append(b, &len, 1);
    g_byte_array_append(b, (const guint8 *)desc->name, len);
    put_le(b, &ver, 4);
    save_desc(b, desc, opaque);
    return b;
}

typedef struct Reader {
    const uint8_t *p;
    size_t left;
} Reader;

static bool take(Reader *r, void *out, size_t n)
{
    if (r->left < n) {
        return false;
    }
    memcpy(out, r->p, n);
    r->p += n;
    r->left -= n;
    return true;
}

static bool load_desc(Reader *r, const StateDesc *d, void *opaque,
                      Error **errp)
{
    for (const StateField *f = d->fields; f && f->name; f++) {
        char *base = (char *)opaque + f->offset;
        for (unsigned i = 0; i < f->count; i++) {
            char *e = base + i * f->size;
            bool ok;
            if (f->kind == STATE_KIND_STRUCT) {
                if (!load_desc(r, f->sub, e, errp)) {
                    return false;
                }
                continue;
            }
            if (f->kind == STATE_KIND_BOOL) {
                uint8_t v;
                ok = take(r, &v, 1);
                if (ok) {
                    *(bool *)e = v != 0;
                }
            } else {
                ok = take(r, e, f->size);   /* little endian host */
            }
            if (!ok) {
                error_setg(errp, "State '%s' truncated at field '%s'",
                           d->name, f->name);
                return false;
            }
        }
    }
    return true;
}

bool state_load(const StateDesc *desc, void *opaque, const uint8_t *buf,
                size_t len, Error **errp)
{
    Reader r = { buf, len };
    uint8_t nlen;
    char name[256];
    uint32_t ver;

    if (!take(&r, &nlen, 1) || !take(&r, name, nlen)) {
        error_setg(errp, "State '%s' truncated", desc->name);
        return false;
    }
    name[nlen] = 0;
    if (strcmp(name, desc->name)) {
        error_setg(errp, "State is for '%s', expected '%s'", name,
                   desc->name);
        return false;
    }
    if (!take(&r, &ver, 4)) {
        error_setg(errp, "State '%s' truncated", desc->name);
        return false;
    }
    if ((int)ver != desc->version) {
        error_setg(errp, "State '%s' has version %u, expected %d",
                   desc->name, ver, desc->version);
        return false;
    }
    if (!load_desc(&r, desc, opaque, errp)) {
        return false;
    }
    if (r.left) {
        error_setg(errp, "State '%s' has %zu trailing bytes", desc->name,
                   r.left);
        return false;
    }
    if (desc->post_load && desc->post_load(opaque, ver) < 0) {
        error_setg(errp, "State '%s' rejected by the device", desc->name);
        return false;
    }
    return true;
}
