/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runs the VNC fuzz target over files or folders of inputs (the seed
 * corpus, crash reproducers) in a normal build, so the corpus is a test
 * without libFuzzer.
 */
#include "util/osdep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    g_autofree gchar *buf = NULL;
    gsize len;
    g_autoptr(GError) err = NULL;

    if (!g_file_get_contents(path, &buf, &len, &err)) {
        fprintf(stderr, "%s\n", err->message);
        return 1;
    }
    LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
    printf("ok %s (%zu bytes)\n", path, (size_t)len);
    return 0;
}

int main(int argc, char **argv)
{
    int failed = 0, ran = 0;

    for (int i = 1; i < argc; i++) {
        if (g_file_test(argv[i], G_FILE_TEST_IS_DIR)) {
            g_autoptr(GDir) d = g_dir_open(argv[i], 0, NULL);
            const char *name;
            while (d && (name = g_dir_read_name(d))) {
                g_autofree char *p = g_build_filename(argv[i], name, NULL);
                failed |= run_file(p);
                ran++;
            }
        } else {
            failed |= run_file(argv[i]);
            ran++;
        }
    }
    if (!ran) {
        fprintf(stderr, "no inputs\n");
        return 1;
    }
    return failed;
}
