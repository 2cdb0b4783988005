/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared pieces of the kemu-img sub-commands. */
#ifndef KEMU_TOOLS_KEMU_IMG_H
#define KEMU_TOOLS_KEMU_IMG_H

#include "block/block.h"

/* Opens an image for a sub-command, reporting errors QEMU-style. */
BlockDriverState *img_open(const char *filename, const char *fmt, int flags,
                           bool force_share, bool quiet);
/* "1.5 GiB" as qemu-img prints sizes. */
char *img_size_str(uint64_t size);
bool img_parse_cache(const char *mode, int *flags);
bool img_parse_output(const char *output, bool *json);
void img_progress(double pct, bool enabled);
KEMU_NORETURN void img_error_exit(const char *fmt, ...) KEMU_PRINTF(1, 2);
/* "?" or "help" given to -o: list the format's options. */
bool img_print_create_opts(const char *fmt);

/* Set by --image-opts: img_open() then reads its name as options. */
extern bool img_image_opts;
/* Opens "driver=...,file.filename=..." (messages printed). */
BlockDriverState *img_open_image_opts(const char *str, int flags);
/* --object TYPE,id=ID,...: false after printing the error. */
bool img_add_object(const char *str);
/* The value of secret ID, or NULL. */
const GBytes *img_secret_lookup(const char *id);

#define img_snapshot_header bdrv_snapshot_header
#define img_snapshot_line bdrv_snapshot_line

int img_info(int argc, char **argv);
int img_snapshot(int argc, char **argv);
int img_rebase(int argc, char **argv);
int img_commit(int argc, char **argv);
int img_dd(int argc, char **argv);
int img_bench(int argc, char **argv);
int img_amend(int argc, char **argv);
int img_convert(int argc, char **argv);
int img_compare(int argc, char **argv);
int img_map(int argc, char **argv);
int img_measure(int argc, char **argv);

#endif
