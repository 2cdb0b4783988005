/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --object for kemu-img. kemu-img links only the block layer and util,
 * not QOM, so the one object type qemu-img users pass in practice,
 * "secret", is parsed here with qemu-img's rules and messages; every
 * other type is refused the way qemu-img refuses an unknown qom-type.
 */
#include "util/osdep.h"
#include "tools/kemu-img.h"

/* id -> GBytes of the secret's plain value. */
static GHashTable *secrets;

const GBytes *img_secret_lookup(const char *id)
{
    return secrets ? g_hash_table_lookup(secrets, id) : NULL;
}

static bool secret_value(Opts *o, GBytes **out)
{
    const char *data = opts_get(o, "data");
    const char *file = opts_get(o, "file");
    const char *format = opts_get(o, "format");
    const char *keyid = opts_get(o, "keyid");
    opts_get(o, "iv");
    if (format && strcmp(format, "raw") && strcmp(format, "base64")) {
        error_report("Parameter 'format' does not accept value '%s'", format);
        return false;
    }
    if (data && file) {
        error_report("'file' and 'data' are mutually exclusive");
        return false;
    }
    if (!data && !file) {
        error_report("Either 'file' or 'data' must be provided");
        return false;
    }
    gchar *buf;
    gsize len;
    if (file) {
        GError *gerr = NULL;
        if (!g_file_get_contents(file, &buf, &len, &gerr)) {
            error_report("Unable to read %s: %s", file, gerr->message);
            g_error_free(gerr);
            return false;
        }
    } else {
        buf = g_strdup(data);
        len = strlen(data);
    }
    if (keyid) {
        g_free(buf);
        if (!img_secret_lookup(keyid)) {
            error_report("No secret with id '%s'", keyid);
        } else {
            error_report("Secrets encrypted with 'keyid' are not supported "
                         "by kemu");
        }
        return false;
    }
    if (format && !strcmp(format, "base64")) {
        /* Like qemu-img, decode leniently: stray characters are skipped. */
        guchar *dec = g_base64_decode(buf, &len);
        g_free(buf);
        buf = (gchar *)dec;
    }
    *out = g_bytes_new_take(buf, len);
    return true;
}

bool img_add_object(const char *str)
{
    Error *err = NULL;
    Opts *o = opts_parse(str, "qom-type", false, &err);
    if (!o) {
        error_report_err(err);
        return false;
    }
    bool ok = false;
    const char *type = opts_get(o, "qom-type");
    const char *id = opts_get(o, "id");
    GBytes *value = NULL;
    if (!type) {
        error_report("Parameter 'qom-type' is missing");
        goto out;
    }
    if (strcmp(type, "secret")) {
        error_report("Parameter 'qom-type' does not accept value '%s'", type);
        goto out;
    }
    if (!id) {
        error_report("Parameter 'id' is missing");
        goto out;
    }
    if (!id_wellformed(id)) {
        error_report("Parameter 'id' expects an identifier");
        fprintf(stderr, "Identifiers consist of letters, digits, '-', '.', "
                "'_', starting with a letter.\n");
        goto out;
    }
    /* Mark the secret's properties used so the rest count as unexpected. */
    static const char *const props[] = { "data", "file", "format", "keyid",
                                         "iv" };
    for (size_t i = 0; i < ARRAY_SIZE(props); i++) {
        opts_get(o, props[i]);
    }
    const char *unused = opts_first_unused(o);
    if (unused) {
        error_report("Parameter '%s' is unexpected", unused);
        goto out;
    }
    if (!secret_value(o, &value)) {
        goto out;
    }
    if (img_secret_lookup(id)) {
        error_report("attempt to add duplicate property '%s' to object "
                     "(type 'container')", id);
        goto out;
    }
    if (!secrets) {
        secrets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify)g_bytes_unref);
    }
    g_hash_table_insert(secrets, g_strdup(id), value);
    value = NULL;
    ok = true;
out:
    if (value) {
        g_bytes_unref(value);
    }
    opts_free(o);
    return ok;
}
