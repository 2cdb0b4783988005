/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replays saved inputs through a fuzz target without libFuzzer:
 *   NAME-replay [--prefix P] FILE|DIR...
 * Each file (each file of a directory; with --prefix only those whose
 * name starts with P) is one input. A crash is a crash of this program;
 * sanitizer builds report as libFuzzer would.
 */
#include "fuzz.h"

/* Optional, as for libFuzzer: targets that need no set-up leave it out. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int replayed;

static void replay_file(const char *path)
{
    g_autofree char *data = NULL;
    gsize len;
    g_autoptr(GError) err = NULL;

    if (!g_file_get_contents(path, &data, &len, &err)) {
        fprintf(stderr, "replay: %s\n", err->message);
        exit(1);
    }
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    replayed++;
}

static gint cmp_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void replay_path(const char *path, const char *prefix)
{
    GDir *dir = g_dir_open(path, 0, NULL);
    const char *name;
    GPtrArray *names;

    if (!dir) {
        replay_file(path);
        return;
    }
    names = g_ptr_array_new_with_free_func(g_free);
    while ((name = g_dir_read_name(dir))) {
        if ((!prefix || g_str_has_prefix(name, prefix)) &&
            !g_str_has_prefix(name, ".") && strcmp(name, "README.md")) {
            g_ptr_array_add(names, g_build_filename(path, name, NULL));
        }
    }
    g_dir_close(dir);
    /* Sorted, so a replay is the same run every time. */
    g_ptr_array_sort(names, cmp_names);
    for (guint i = 0; i < names->len; i++) {
        replay_file(names->pdata[i]);
    }
    g_ptr_array_free(names, true);
}

int main(int argc, char **argv)
{
    const char *prefix = NULL;

    if (LLVMFuzzerInitialize) {
        LLVMFuzzerInitialize(&argc, &argv);
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--prefix") && i + 1 < argc) {
            prefix = argv[++i];
            continue;
        }
        replay_path(argv[i], prefix);
    }
    printf("replayed %d inputs\n", replayed);
    /* Every target has seeds: replaying none means they moved. */
    return replayed ? 0 : 1;
}
