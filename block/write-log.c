/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The block write log (see include/block/write-log.h). */
#include "util/osdep.h"
#include "block/write-log.h"
#include <fcntl.h>

static int log_fd = -2;     /* -2: not looked at yet, -1: off */
/* Records from worker threads must not interleave. */
static GMutex log_lock;

static int log_open(void)
{
    if (log_fd == -2) {
        const char *path = getenv("KEMU_BLOCK_WRITE_LOG");
        log_fd = path ? open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
                             0644) : -1;
    }
    return log_fd;
}

static void put(int fd, const void *p, size_t n)
{
    const uint8_t *b = p;
    while (n) {
        ssize_t r = write(fd, b, n);
        if (r <= 0) {
            if (r < 0 && errno == EINTR) {
                continue;
            }
            return;
        }
        b += r;
        n -= r;
    }
}

void write_log_record(char op, uint64_t offset, uint64_t len,
                      const void *data)
{
    g_mutex_lock(&log_lock);
    int fd = log_open();
    if (fd < 0) {
        g_mutex_unlock(&log_lock);
        return;
    }
    uint8_t h[17];
    h[0] = op;
    for (int i = 0; i < 8; i++) {
        h[1 + i] = offset >> (8 * i);
        h[9 + i] = len >> (8 * i);
    }
    put(fd, h, sizeof(h));
    if (op == 'W') {
        put(fd, data, len);
    }
    g_mutex_unlock(&log_lock);
}

void write_log_mark(uint64_t n)
{
    write_log_record('M', n, 0, NULL);
}
