/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runs the qcow2 fuzz target over its seed corpus in a normal build (and
 * the ASan build), so the corpus is a regression test without libFuzzer.
 * Usage: fuzz-qcow2-replay DIR|FILE...
 */
#include "util/osdep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    gchar *data;
    gsize len;
    if (!g_file_get_contents(path, &data, &len, NULL)) {
        fprintf(stderr, "cannot read %s\n", path);
        return 1;
    }
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    g_free(data);
    return 0;
}

int main(int argc, char **argv)
{
    int ret = 0, count = 0;
    for (int i = 1; i < argc; i++) {
        if (g_file_test(argv[i], G_FILE_TEST_IS_DIR)) {
            GDir *dir = g_dir_open(argv[i], 0, NULL);
            const char *name;
            while (dir && (name = g_dir_read_name(dir))) {
                g_autofree char *p = g_build_filename(argv[i], name, NULL);
                ret |= run_file(p);
                count++;
            }
            if (dir) {
                g_dir_close(dir);
            }
        } else {
            ret |= run_file(argv[i]);
            count++;
        }
    }
    printf("%d inputs replayed\n", count);
    return ret || count == 0;
}
