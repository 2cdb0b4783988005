/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -drive and -blockdev: byte 0 picks the option (bit 0: -blockdev, else
 * -drive; bit 1: -drive's default interface virtio instead of ide) and
 * how many times the rest is given (bits 2-3: 1 to 4 drives, so
 * duplicate ids and bus/unit allocation are reached); the rest is the
 * option string, parsed as the command line does and turned into drives
 * by drive_new() / blockdev_new(), which open images through the block
 * layer.
 *
 * The images live in a private directory, the working directory while an
 * input runs (raw.img, disk.qcow2, overlay.qcow2 backed by raw.img,
 * cd.iso; also TMPDIR, for snapshot=on overlays). An input with a '/'
 * is skipped, so nothing outside the directory is named. After each input every drive
 * is closed and forgotten and the images are written back as they were.
 */
#include "fuzz.h"
#include "block/block.h"
#include "sysemu/blockdev.h"
#include "util/opts.h"
#include <fcntl.h>

typedef struct Image {
    const char *name;
    char *data;
    gsize len;
} Image;

static Image images[] = {
    { "raw.img" }, { "disk.qcow2" }, { "overlay.qcow2" }, { "cd.iso" },
};

static int private_dir = -1, outside_dir = -1;

static void enter(int fd)
{
    if (fchdir(fd) < 0) {
        fprintf(stderr, "drive-fuzz: fchdir: %s\n", strerror(errno));
        abort();
    }
}

static void create_qcow2(const char *name, const char *backing)
{
    Opts *o = opts_new();
    Error *err = NULL;

    opts_set(o, "size", "1M");
    if (backing) {
        opts_set(o, "backing_file", backing);
        opts_set(o, "backing_fmt", "raw");
    }
    if (!bdrv_create(bdrv_find_format("qcow2"), name, o, &err)) {
        error_report_err(err);
        exit(1);
    }
    opts_free(o);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char *dir = g_dir_make_tmp("kemu-drive-fuzz-XXXXXX", NULL);
    g_autofree char *raw = g_malloc(64 * KiB);

    /* libFuzzer names its corpus relative to where it was started. */
    outside_dir = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    private_dir = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (outside_dir < 0 || private_dir < 0) {
        fprintf(stderr, "drive-fuzz: no private directory\n");
        exit(1);
    }
    enter(private_dir);
    setenv("TMPDIR", dir, 1);
    for (size_t i = 0; i < 64 * KiB; i++) {
        raw[i] = i * 7;
    }
    if (!g_file_set_contents("raw.img", raw, 64 * KiB, NULL) ||
        !g_file_set_contents("cd.iso", raw, 64 * KiB, NULL)) {
        exit(1);
    }
    create_qcow2("disk.qcow2", NULL);
    create_qcow2("overlay.qcow2", "raw.img");
    for (size_t i = 0; i < G_N_ELEMENTS(images); i++) {
        if (!g_file_get_contents(images[i].name, &images[i].data,
                                 &images[i].len, NULL)) {
            exit(1);
        }
    }
    g_free(dir);
    enter(outside_dir);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *str = NULL;
    bool blockdev;
    BlockInterfaceType default_if;
    int count;

    if (!size || memchr(data, '/', size)) {
        return 0;
    }
    blockdev = data[0] & 1;
    default_if = data[0] & 2 ? IF_VIRTIO : IF_IDE;
    count = 1 + ((data[0] >> 2) & 3);
    str = g_strndup((const char *)data + 1, size - 1);
    enter(private_dir);
    for (int i = 0; i < count; i++) {
        Error *err = NULL;
        Opts *o = opts_parse(str, NULL, false, &err);
        DriveInfo *di = NULL;

        if (o) {
            di = blockdev ? blockdev_new(o, &err)
                          : drive_new(o, default_if, &err);
            opts_free(o);
        }
        if (!di) {
            g_assert(err);      /* every failure says why */
            g_assert(*error_get_pretty(err));
            if (getenv("KEMU_FUZZ_VERBOSE")) {
                fprintf(stderr, "drive %d: %s\n", i, error_get_pretty(err));
            }
            error_free(err);
        } else if (getenv("KEMU_FUZZ_VERBOSE")) {
            fprintf(stderr, "drive %d: %s\n", i, di->id);
        }
    }
    drive_free_all();
    for (size_t i = 0; i < G_N_ELEMENTS(images); i++) {
        g_file_set_contents(images[i].name, images[i].data, images[i].len,
                            NULL);
    }
    enter(outside_dir);
    return 0;
}
