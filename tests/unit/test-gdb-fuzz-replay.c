/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replays the gdbstub fuzz target's seed corpus (tests/fuzz/gdbstub/)
 * and saved crashes (tests/fuzz/crashes/gdbstub-*) in the normal build,
 * so every change runs them. Until the shared tests/fuzz replay runner
 * is merged, the target is linked here.
 */
#include "config-host.h"
#include "../fuzz/gdbstub-fuzz.c"

static void replay_dir(const char *dir, const char *prefix, int *count)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;

    if (!d) {
        return;
    }
    while ((name = g_dir_read_name(d))) {
        g_autofree char *path = NULL;
        g_autofree char *buf = NULL;
        gsize len;

        if (prefix && !g_str_has_prefix(name, prefix)) {
            continue;
        }
        path = g_build_filename(dir, name, NULL);
        if (!g_file_get_contents(path, &buf, &len, NULL)) {
            continue;
        }
        g_test_message("replay %s", path);
        LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
        (*count)++;
    }
    g_dir_close(d);
}

static void test_replay(void)
{
    int count = 0;

    replay_dir(KEMU_SOURCE_DIR "/tests/fuzz/gdbstub", NULL, &count);
    replay_dir(KEMU_SOURCE_DIR "/tests/fuzz/crashes", "gdbstub-", &count);
    /* The corpus is part of the tree: an empty run means it moved. */
    g_assert_cmpint(count, >=, 5);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/gdb-fuzz/replay", test_replay);
    return g_test_run();
}
