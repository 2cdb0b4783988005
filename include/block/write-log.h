/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A log of what the block layer does to image files, for the crash-safety
 * tests (as dm-log-writes records a device's writes): with the environment
 * variable KEMU_BLOCK_WRITE_LOG naming a file, every write, zeroing,
 * resize and flush of a file opened read-write is appended to it.
 *
 * Record: op (1 byte: W write, Z zero range, T truncate, F flush, M mark),
 * offset (8 bytes, little endian), length (8 bytes), then the data of a W.
 */
#ifndef KEMU_BLOCK_WRITE_LOG_H
#define KEMU_BLOCK_WRITE_LOG_H

#include "util/osdep.h"

void write_log_record(char op, uint64_t offset, uint64_t len,
                      const void *data);
/* A point the test can name: "everything before this was flushed". */
void write_log_mark(uint64_t n);

#endif
