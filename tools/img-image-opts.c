/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --image-opts: the image argument is an option string such as
 * "driver=qcow2,file.driver=file,file.filename=a.qcow2" instead of a
 * file name. The keys are -blockdev's (parsed by util/opts), so the
 * block layer gets the same Opts it gets from -drive/-blockdev; the
 * messages are qemu-img's, which wrap every failure in
 * "Could not open 'OPTION-STRING': ".
 */
#include "util/osdep.h"
#include "tools/kemu-img.h"

bool img_image_opts;

static BlockDriverState *open_opts(const char *str, int flags, Error **errp)
{
    /*
     * A first element without "=" names an existing node, as in QEMU; a
     * fresh kemu-img process has none to find.
     */
    Opts *o = opts_parse(str, "reference", false, errp);
    if (!o) {
        return NULL;
    }
    BlockDriverState *bs = NULL;
    const char *ref = opts_get(o, "reference");
    if (ref) {
        error_setg(errp, "Cannot find device='%s' nor node-name='%s'", ref,
                   ref);
        goto out;
    }
    const char *driver = opts_get(o, "driver");
    const char *fdrv = opts_get(o, "file.driver");
    const char *filename = opts_get(o, "file.filename");
    const char *bad;
    if (driver && !bdrv_find_format(driver)) {
        error_setg(errp, "Unknown driver '%s'", driver);
        goto out;
    }
    if (fdrv && strcmp(fdrv, "file") && strcmp(fdrv, "host_device")) {
        error_setg(errp, "Unknown driver '%s'", fdrv);
        goto out;
    }
    const BlockDriver *drv = driver ? bdrv_find_format(driver) : NULL;
    if (drv && drv->is_protocol) {
        /* driver=file,filename=X names the protocol node itself. */
        filename = opts_get(o, "filename");
        if (!filename) {
            error_setg(errp, "Parameter 'filename' is required");
            goto out;
        }
    } else if (!filename) {
        error_setg(errp, "A block device must be specified for \"file\"");
        goto out;
    }
    /* Read by bdrv_open itself. */
    opts_get(o, "backing");
    opts_get(o, "file.locking");
    if (opts_get(o, "read-only") &&
        opts_get_bool(o, "read-only", false, errp)) {
        flags &= ~BDRV_O_RDWR;
    }
    if ((bad = opts_first_unused(o))) {
        error_setg(errp, "Block format '%s' does not support the option "
                   "'%s'", driver ? driver : "raw", bad);
        goto out;
    }
    if (opts_get(o, "backing") && !*opts_get(o, "backing")) {
        warn_report("Use of \"backing\": \"\" is deprecated; use "
                    "\"backing\": null instead");
        flags |= BDRV_O_NO_BACKING;
    }
    Error *err = NULL;
    bs = bdrv_open(filename, driver, o, flags, &err);
    if (!bs) {
        /* The protocol's message already names the file once. */
        g_autofree char *prefix = g_strdup_printf("Could not open '%s': ",
                                                  filename);
        const char *msg = error_get_pretty(err);
        if (g_str_has_prefix(msg, prefix) &&
            g_str_has_prefix(msg + strlen(prefix), prefix)) {
            msg += strlen(prefix);
        }
        error_setg(errp, "%s", msg);
        error_free(err);
    }
out:
    opts_free(o);
    return bs;
}

BlockDriverState *img_open_image_opts(const char *str, int flags)
{
    Error *err = NULL;
    BlockDriverState *bs = open_opts(str, flags, &err);
    if (!bs) {
        error_report("Could not open '%s': %s", str, error_get_pretty(err));
        error_free(err);
    }
    return bs;
}
