/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kemu-img info, map and compare. */
#include "util/osdep.h"
#include "tools/kemu-img.h"
#include <getopt.h>
#include <time.h>

static void json_str(GString *o, const char *s)
{
    g_string_append_c(o, '"');
    for (; *s; s++) {
        unsigned char ch = *s;
        if (ch == '"' || ch == '\\') {
            g_string_append_printf(o, "\\%c", ch);
        } else if (ch < 0x20) {
            g_string_append_printf(o, "\\u%04x", ch);
        } else {
            g_string_append_c(o, ch);
        }
    }
    g_string_append_c(o, '"');
}

static void indent(GString *o, int n)
{
    for (int i = 0; i < n; i++) {
        g_string_append(o, "    ");
    }
}

static void spec_json(GString *o, ImageInfoSpecific *i, int depth)
{
    switch (i->kind) {
    case INFO_STR: json_str(o, i->str); break;
    case INFO_INT: g_string_append_printf(o, "%" PRId64, i->num); break;
    case INFO_BOOL: g_string_append(o, i->b ? "true" : "false"); break;
    case INFO_DICT:
    case INFO_LIST: {
        bool dict = i->kind == INFO_DICT;
        if (!i->children->len) {
            g_string_append(o, dict ? "{\n" : "[\n");
            indent(o, depth);
            g_string_append(o, dict ? "}" : "]");
            break;
        }
        g_string_append(o, dict ? "{\n" : "[\n");
        for (guint k = 0; k < i->children->len; k++) {
            ImageInfoSpecific *c = g_ptr_array_index(i->children, k);
            indent(o, depth + 1);
            if (dict) {
                json_str(o, c->key);
                g_string_append(o, ": ");
            }
            spec_json(o, c, depth + 1);
            g_string_append(o, k + 1 < i->children->len ? ",\n" : "\n");
        }
        indent(o, depth);
        g_string_append(o, dict ? "}" : "]");
        break;
    }
    }
}

static void info_one(GString *o, BlockDriverState *bs, bool json,
                     const char *filename)
{
    int64_t actual = bdrv_get_allocated_file_size(bs);
    int cs = bdrv_get_cluster_size(bs);
    ImageInfoSpecific *spec = bs->drv->get_specific_info
                              ? bs->drv->get_specific_info(bs) : NULL;
    QEMUSnapshotInfo *sns = NULL;
    int nsn = bs->drv->snapshot_list ? bs->drv->snapshot_list(bs, &sns) : 0;
    bool dirty = false;
    const char *full = bs->full_backing_filename[0] ? bs->full_backing_filename
                       : bs->backing_file;
    if (json) {
        g_string_append(o, "{\n");
        if (nsn > 0) {
            g_string_append(o, "    \"snapshots\": [\n");
            for (int i = 0; i < nsn; i++) {
                g_string_append_printf(o,
                    "        {\n            \"icount\": %u,\n"
                    "            \"vm-clock-nsec\": %" PRIu64 ",\n"
                    "            \"name\": ", sns[i].icount,
                    sns[i].vm_clock_nsec % 1000000000);
                json_str(o, sns[i].name);
                g_string_append_printf(o, ",\n            \"date-sec\": %u,\n"
                    "            \"date-nsec\": %u,\n"
                    "            \"vm-clock-sec\": %" PRIu64 ",\n"
                    "            \"id\": ", sns[i].date_sec, sns[i].date_nsec,
                    sns[i].vm_clock_nsec / 1000000000);
                json_str(o, sns[i].id_str);
                g_string_append_printf(o, ",\n            \"vm-state-size\": %"
                    PRIu64 "\n        }%s\n", sns[i].vm_state_size,
                    i + 1 < nsn ? "," : "");
            }
            g_string_append(o, "    ],\n");
        }
        if (bs->backing_file[0] && bs->backing_format[0]) {
            g_string_append(o, "    \"backing-filename-format\": ");
            json_str(o, bs->backing_format);
            g_string_append(o, ",\n");
        }
        g_string_append_printf(o, "    \"virtual-size\": %" PRIu64 ",\n"
                               "    \"filename\": ", bs->total_bytes);
        json_str(o, filename);
        g_string_append(o, ",\n");
        if (cs) {
            g_string_append_printf(o, "    \"cluster-size\": %d,\n", cs);
        }
        g_string_append_printf(o, "    \"format\": \"%s\",\n",
                               bs->drv->format_name);
        if (actual >= 0) {
            g_string_append_printf(o, "    \"actual-size\": %" PRId64 ",\n",
                                   actual);
        }
        if (spec) {
            g_string_append_printf(o, "    \"format-specific\": {\n"
                "        \"type\": \"%s\",\n        \"data\": ",
                bs->drv->format_name);
            spec_json(o, spec, 2);
            g_string_append(o, "\n    },\n");
        }
        if (bs->backing_file[0]) {
            g_string_append(o, "    \"full-backing-filename\": ");
            json_str(o, full);
            g_string_append(o, ",\n    \"backing-filename\": ");
            json_str(o, bs->backing_file);
            g_string_append(o, ",\n");
        }
        g_string_append_printf(o, "    \"dirty-flag\": %s\n}",
                               dirty ? "true" : "false");
    } else {
        bdrv_image_info_human(o, bs, filename);
    }
    g_free(sns);
    info_free(spec);
}

int img_info(int argc, char **argv)
{
    const char *fmt = NULL, *output = "human";
    bool chain = false, force_share = false;
    int c;
    static const struct option longopts[] = {
        { "help", no_argument, 0, 'h' },
        { "format", required_argument, 0, 'f' },
        { "output", required_argument, 0, 'o' + 256 },
        { "backing-chain", no_argument, 0, 'b' + 256 },
        { "force-share", no_argument, 0, 'U' },
        { 0 },
    };
    optind = 1;
    while ((c = getopt_long(argc, argv, ":f:hU", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'o' + 256: output = optarg; break;
        case 'b' + 256: chain = true; break;
        case 'U': force_share = true; break;
        case 'h': return 0;
        case ':': img_error_exit("missing argument for option '%s'",
                                 argv[optind - 1]);
        default: img_error_exit("unrecognized option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1) {
        img_error_exit("Expecting one image file name");
    }
    bool json;
    if (!img_parse_output(output, &json)) {
        return 1;
    }
    const char *filename = argv[optind];
    /* The chain is opened layer by layer so that a missing backing file
     * still lets info describe the top. */
    GString *o = g_string_new(NULL);
    int ret = 0, n = 0;
    char *name = g_strdup(filename);
    const char *f = fmt;
    char *next_fmt = NULL;
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                             NULL);
    if (chain && json) {
        g_string_append(o, "[\n");
    }
    while (name) {
        if (g_hash_table_contains(seen, name)) {
            error_report("Backing file '%s' creates an infinite loop.", name);
            ret = 1;
            break;
        }
        g_hash_table_add(seen, g_strdup(name));
        BlockDriverState *bs = img_open(name, f, BDRV_O_NO_BACKING,
                                        force_share, false);
        if (!bs) {
            ret = 1;
            break;
        }
        if (img_image_opts) {
            /* qemu-img names the image by its file, and the backing files
             * further down the chain are plain file names. */
            g_free(name);
            name = g_strdup(bs->filename);
            img_image_opts = false;
        }
        if (bs->backing_file[0]) {
            g_autofree char *p = bdrv_backing_path(name, bs->backing_file);
            g_strlcpy(bs->full_backing_filename, p,
                      sizeof(bs->full_backing_filename));
        }
        if (n++ && !json) {
            g_string_append_c(o, '\n');
        } else if (n > 1) {
            g_string_append(o, ",\n");
        }
        info_one(o, bs, json, name);
        g_free(name);
        name = NULL;
        if (chain && bs->backing_file[0]) {
            name = g_strdup(bs->full_backing_filename);
            g_free(next_fmt);
            next_fmt = bs->backing_format[0] ? g_strdup(bs->backing_format)
                                             : NULL;
            f = next_fmt;
        }
        bdrv_unref(bs);
    }
    g_free(name);
    g_free(next_fmt);
    g_hash_table_destroy(seen);
    if (chain && json) {
        g_string_append(o, "\n]");
    }
    if (ret == 0) {
        /* Human output already ends its lines. */
        printf(json ? "%s\n" : "%s", o->str);
    }
    g_string_free(o, true);
    return ret;
}

int img_map(int argc, char **argv)
{
    const char *fmt = NULL, *output = "human";
    bool force_share = false;
    int c;
    static const struct option longopts[] = {
        { "help", no_argument, 0, 'h' },
        { "format", required_argument, 0, 'f' },
        { "output", required_argument, 0, 'o' + 256 },
        { "force-share", no_argument, 0, 'U' },
        { 0 },
    };
    optind = 1;
    while ((c = getopt_long(argc, argv, ":f:hU", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'o' + 256: output = optarg; break;
        case 'U': force_share = true; break;
        case 'h': return 0;
        case ':': img_error_exit("missing argument for option '%s'",
                                 argv[optind - 1]);
        default: img_error_exit("unrecognized option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1) {
        img_error_exit("Expecting one image file name");
    }
    bool json;
    if (!img_parse_output(output, &json)) {
        return 1;
    }
    BlockDriverState *bs = img_open(argv[optind], fmt, 0, force_share, false);
    if (!bs) {
        return 1;
    }
    if (!json) {
        printf("%-16s%-16s%-16s%s\n", "Offset", "Length", "Mapped to",
               "File");
    } else {
        printf("[");
    }
    /* One entry per run of equal (depth, flags, contiguous offset). */
    uint64_t off = 0, len = bs->total_bytes;
    bool have = false, first = true;
    struct { uint64_t start, length, map; int depth, flags; bool valid;
             BlockDriverState *file; } cur = { 0 };
    int ret = 0;
    while (off <= len) {
        int flags = 0, depth = 0;
        uint64_t pnum = 0, map = 0;
        BlockDriverState *file = NULL;
        if (off < len) {
            BlockDriverState *p = bs;
            uint64_t want = len - off;
            for (;;) {
                flags = bdrv_block_status(p, off, want, &pnum, &map, &file);
                if (flags < 0) {
                    ret = 1;
                    break;
                }
                if ((flags & (BDRV_BLOCK_ALLOCATED | BDRV_BLOCK_ZERO)) ||
                    !p->backing || off >= p->backing->total_bytes) {
                    if (!(flags & BDRV_BLOCK_ALLOCATED)) {
                        /* Nothing in the chain: reads as zeroes. */
                        depth += p->backing ? 1 : 0;
                        flags = BDRV_BLOCK_ZERO;
                    }
                    break;
                }
                want = pnum;
                p = p->backing;
                depth++;
            }
            if (ret) {
                break;
            }
        }
        bool valid = flags & BDRV_BLOCK_OFFSET_VALID;
        if (have && off < len && cur.depth == depth &&
            (cur.flags & (BDRV_BLOCK_DATA | BDRV_BLOCK_ZERO |
                          BDRV_BLOCK_ALLOCATED)) ==
            (flags & (BDRV_BLOCK_DATA | BDRV_BLOCK_ZERO |
                      BDRV_BLOCK_ALLOCATED)) &&
            cur.valid == valid && cur.file == file &&
            (!valid || cur.map + cur.length == map)) {
            cur.length += pnum;
        } else {
            if (have) {
                bool present = cur.flags & BDRV_BLOCK_ALLOCATED;
                if (json) {
                    printf("%s{ \"start\": %" PRIu64 ", \"length\": %" PRIu64
                           ", \"depth\": %d, \"present\": %s, \"zero\": %s, "
                           "\"data\": %s", first ? "" : ",\n", cur.start,
                           cur.length, cur.depth, present ? "true" : "false",
                           (cur.flags & BDRV_BLOCK_ZERO) ? "true" : "false",
                           (cur.flags & BDRV_BLOCK_DATA) ? "true" : "false");
                    if (cur.valid) {
                        printf(", \"offset\": %" PRIu64, cur.map);
                    }
                    printf("}");
                    first = false;
                } else if ((cur.flags & BDRV_BLOCK_DATA) && cur.valid) {
                    printf("%#-16" PRIx64 "%#-16" PRIx64 "%#-16" PRIx64 "%s\n",
                           cur.start, cur.length, cur.map, cur.file->filename);
                }
            }
            if (off >= len) {
                break;
            }
            cur.start = off;
            cur.length = pnum;
            cur.map = map;
            cur.depth = depth;
            cur.flags = flags;
            cur.valid = valid;
            cur.file = file;
            have = true;
        }
        off += pnum;
    }
    if (json) {
        printf("]\n");
    }
    bdrv_unref(bs);
    return ret;
}

int img_compare(int argc, char **argv)
{
    const char *fmt1 = NULL, *fmt2 = NULL;
    bool quiet = false, strict = false, force_share = false;
    int c;
    static const struct option longopts[] = {
        { "help", no_argument, 0, 'h' },
        { "force-share", no_argument, 0, 'U' },
        { 0 },
    };
    optind = 1;
    while ((c = getopt_long(argc, argv, ":hf:F:T:pqsU", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': fmt1 = optarg; break;
        case 'F': fmt2 = optarg; break;
        case 'q': quiet = true; break;
        case 's': strict = true; break;
        case 'U': force_share = true; break;
        case 'T': case 'p': break;
        case 'h': return 0;
        case ':': error_report("missing argument for option '%s'",
                               argv[optind - 1]);
            return 2;
        default: error_report("unrecognized option '%s'", argv[optind - 1]);
            return 2;
        }
    }
    if (optind != argc - 2) {
        error_report("Expecting two image file names");
        return 2;
    }
    const char *n1 = argv[optind], *n2 = argv[optind + 1];
    BlockDriverState *a = img_open(n1, fmt1, 0, force_share, quiet);
    if (!a) {
        return 2;
    }
    BlockDriverState *b = img_open(n2, fmt2, 0, force_share, quiet);
    if (!b) {
        bdrv_unref(a);
        return 2;
    }
    uint64_t la = a->total_bytes, lb = b->total_bytes;
    int ret = 0;
    if (la != lb && strict) {
        if (!quiet) {
            printf("Strict mode: Image size mismatch!\n");
        }
        ret = 1;
        goto out;
    }
    const uint64_t chunk = 2 * MiB;
    uint8_t *ba = g_malloc(chunk), *bb = g_malloc(chunk);
    uint64_t common = MIN(la, lb);
    for (uint64_t off = 0; off < common && ret == 0; off += chunk) {
        uint64_t n = MIN(chunk, common - off);
        if (bdrv_pread(a, off, n, ba) < 0) {
            error_report("Error while reading offset %" PRIu64 " of %s: %s",
                         off, n1, "Input/output error");
            ret = 4;
            break;
        }
        if (bdrv_pread(b, off, n, bb) < 0) {
            error_report("Error while reading offset %" PRIu64 " of %s: %s",
                         off, n2, "Input/output error");
            ret = 4;
            break;
        }
        if (memcmp(ba, bb, n)) {
            uint64_t i = 0;
            while (ba[i] == bb[i]) {
                i++;
            }
            /* qemu-img names the first differing sector. */
            if (!quiet) {
                printf("Content mismatch at offset %" PRIu64 "!\n",
                       (off + i) & ~(uint64_t)511);
            }
            ret = 1;
        } else if (strict) {
            /* Strict: allocation must match too. */
            for (uint64_t o = off; o < off + n && ret == 0;) {
                uint64_t pa, pb;
                int sa = bdrv_block_status_above(a, NULL, o, off + n - o, &pa);
                int sb = bdrv_block_status_above(b, NULL, o, off + n - o, &pb);
                if (sa < 0 || sb < 0) {
                    ret = 4;
                    break;
                }
                if ((sa & BDRV_BLOCK_ALLOCATED) !=
                    (sb & BDRV_BLOCK_ALLOCATED)) {
                    if (!quiet) {
                        printf("Strict mode: Offset %" PRIu64 " block status "
                               "mismatch!\n", o);
                    }
                    ret = 1;
                }
                o += MIN(pa, pb);
            }
        }
    }
    if (ret == 0 && la != lb) {
        BlockDriverState *big = la > lb ? a : b;
        const char *bname = la > lb ? n1 : n2;
        if (!quiet) {
            printf("Warning: Image size mismatch!\n");
        }
        for (uint64_t off = common; off < big->total_bytes && ret == 0;
             off += chunk) {
            uint64_t n = MIN(chunk, big->total_bytes - off);
            if (bdrv_pread(big, off, n, ba) < 0) {
                error_report("Error while reading offset %" PRIu64 " of %s",
                             off, bname);
                ret = 4;
            } else if (!buffer_is_zero(ba, n)) {
                uint64_t i = 0;
                while (!ba[i]) {
                    i++;
                }
                if (!quiet) {
                    printf("Content mismatch at offset %" PRIu64 "!\n",
                           (off + i) & ~(uint64_t)511);
                }
                ret = 1;
            }
        }
    }
    g_free(ba);
    g_free(bb);
    if (ret == 0 && !quiet) {
        printf("Images are identical.\n");
    }
out:
    bdrv_unref(a);
    bdrv_unref(b);
    return ret;
}
