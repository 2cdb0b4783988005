/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qtest accelerator and its protocol server. "-qtest SPEC" names a
 * chardev (unix:PATH, tcp:HOST:PORT, stdio) over which a test drives
 * ports, memory, the virtual clock and IRQ interception, one text line
 * per command, one "OK ..." / "FAIL ..." line per reply; "IRQ raise N" /
 * "IRQ lower N" lines arrive asynchronously for intercepted lines.
 */
#ifndef KEMU_QTEST_H
#define KEMU_QTEST_H

#include "util/error.h"

/* Connects the protocol chardev; log_path (or NULL) gets every line. */
bool qtest_server_init(const char *spec, const char *log_path, Error **errp);
/* True once a -qtest server exists (devices may relax checks). */
bool qtest_server_active(void);
/* Runs one protocol line in-process (fuzz targets), no socket needed;
 * the reply lines (and any IRQ lines) are appended to reply. */
void qtest_inproc_line(const char *line, GString *reply);

#endif
