/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error reporting. Every fallible function takes "Error **errp" as its
 * last argument and returns false/NULL/negative on failure. The caller
 * decides what to do: pass &error_fatal to exit(1) with a message, or
 * &error_abort for "cannot happen", or a local Error * to inspect.
 *
 * User-visible messages look like QEMU's:
 *   kemu-system-x86_64: -drive file=x.img: Could not open 'x.img': ...
 * The "-drive file=x.img: " part comes from the current location (see
 * loc_push_option()), set by whoever is processing that option.
 */
#ifndef KEMU_ERROR_H
#define KEMU_ERROR_H

#include "util/osdep.h"

typedef struct Error Error;

/* QMP error classes (QEMU's names, for the monitor). */
typedef enum ErrorClass {
    ERROR_CLASS_GENERIC_ERROR,
    ERROR_CLASS_COMMAND_NOT_FOUND,
    ERROR_CLASS_DEVICE_NOT_ACTIVE,
    ERROR_CLASS_DEVICE_NOT_FOUND,
    ERROR_CLASS_KVM_MISSING_CAP,
} ErrorClass;

extern Error *error_fatal;  /* &error_fatal: report and exit(1) */
extern Error *error_abort;  /* &error_abort: report and abort() */

void error_setg(Error **errp, const char *fmt, ...) KEMU_PRINTF(2, 3);
void error_setg_errno(Error **errp, int os_errno, const char *fmt, ...)
    KEMU_PRINTF(3, 4);
void error_set_class(Error **errp, ErrorClass cls, const char *fmt, ...)
    KEMU_PRINTF(3, 4);
/* Adds "hint" text printed on the following line(s) by error_report_err. */
void error_append_hint(Error **errp, const char *fmt, ...) KEMU_PRINTF(2, 3);
void error_prepend(Error **errp, const char *fmt, ...) KEMU_PRINTF(2, 3);
/* Moves local_err into *dst (or reports it for &error_fatal/&error_abort). */
void error_propagate(Error **dst, Error *local_err);
const char *error_get_pretty(const Error *err);
ErrorClass error_get_class(const Error *err);
void error_free(Error *err);
/* Prints the error (with location prefix and hint) to stderr, frees it. */
void error_report_err(Error *err);
void warn_report_err(Error *err);

/* Print "prog: [location: ]message\n" to stderr (or the current monitor). */
void error_report(const char *fmt, ...) KEMU_PRINTF(1, 2);
void warn_report(const char *fmt, ...) KEMU_PRINTF(1, 2);   /* "warning: " */
void info_report(const char *fmt, ...) KEMU_PRINTF(1, 2);
void error_vreport(const char *fmt, va_list ap) KEMU_PRINTF(1, 0);

/*
 * Location stack: while an option is processed, messages are prefixed with
 * "-opt value: ". Push before handling, pop after.
 */
void loc_push_option(const char *opt, const char *value);
void loc_push_none(void);   /* hide the location temporarily */
void loc_pop(void);

/*
 * Where error_report() output goes. The monitor redirects it while a
 * command runs so errors reach the user who typed the command.
 */
/* The sink gets "message\n[hint]" without program name or location
 * ("warning: " prefixed for warnings). */
typedef void ErrorSink(void *opaque, const char *msg);
void error_set_sink(ErrorSink *sink, void *opaque);   /* NULL: stderr */

#define ERRP_GUARD() /* nothing: our error_* tolerate NULL errp */

#endif
