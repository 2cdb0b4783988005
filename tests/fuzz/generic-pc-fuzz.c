/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Generic device fuzzer: the machine of $KEMU_FUZZ_ARGS (default -M pc)
 * driven by the qtest protocol's operations, in-process. The input is a
 * list of operations, each an opcode byte and its operands:
 *   port read / write, MMIO read / write (1, 2, 4 or 8 bytes) at an
 *   offset inside one of the target regions, a DMA pattern (up to 256
 *   bytes of the input written into guest RAM where devices fetch
 *   descriptors and buffers), and a clock step (to the next deadline
 *   or by up to 16 ms).
 * Target regions are the port and MMIO ranges of the flat views whose
 * owner is one of the types in $KEMU_FUZZ_DEVICES (comma separated QOM
 * types; default: every device's ranges). After each input the machine
 * is reset and the touched RAM cleared, so inputs replay alike.
 */
#include "fuzz.h"
#include "util/main-loop.h"
#include "util/rcu.h"
#include "exec/memory.h"
#include "hw/qdev.h"
#include "qom/object.h"
#include "util/timer.h"

#define DMA_BASE    0x100000ULL     /* 1 MiB: above the legacy holes */
#define DMA_SPAN    0x100000ULL
#define MAX_OPS     512

typedef struct Range {
    uint64_t addr, size;
} Range;

static GArray *pio, *mmio;
static bool trace;     /* KEMU_FUZZ_VERBOSE: print what runs */

static bool owner_wanted(Object *owner, char **types)
{
    if (!types) {
        return true;
    }
    for (char **t = types; *t; t++) {
        if (**t && owner && object_dynamic_cast(owner, *t)) {
            return true;
        }
    }
    return false;
}

static void collect(AddressSpace *as, GArray *out, char **types)
{
    FlatView *fv;

    rcu_read_lock();
    fv = address_space_to_flatview(as);
    for (unsigned i = 0; i < fv->nr; i++) {
        const FlatRange *fr = &fv->ranges[i];
        Range r = { fr->addr, fr->size };

        if (fr->mr->type != MR_IO || !fr->size ||
            !owner_wanted(fr->mr->owner, types)) {
            continue;
        }
        g_array_append_val(out, r);
    }
    rcu_read_unlock();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *devs = getenv("KEMU_FUZZ_DEVICES");
    g_auto(GStrv) types = devs && *devs ? g_strsplit(devs, ",", -1) : NULL;

    fuzz_machine_init(NULL);
    pio = g_array_new(false, false, sizeof(Range));
    mmio = g_array_new(false, false, sizeof(Range));
    collect(&address_space_io, pio, types);
    collect(&address_space_memory, mmio, types);
    if (!pio->len && !mmio->len) {
        fprintf(stderr, "generic-pc-fuzz: no port or MMIO range belongs to "
                "'%s'\n", devs);
        exit(1);
    }
    trace = getenv("KEMU_FUZZ_VERBOSE") != NULL;
    return 0;
}

/*
 * The operations are the qtest protocol's, called directly: formatting
 * and parsing a text line per operation cost more than most device
 * accesses. KEMU_FUZZ_VERBOSE=1 prints each as the qtest line it stands
 * for, so a crash can be replayed by hand through -qtest.
 */

static void trace_line(const char *fmt, ...) KEMU_PRINTF(1, 2);
static void trace_line(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static const Range *pick(GArray *a, FuzzReader *r)
{
    return a->len ? &g_array_index(a, Range, fuzz_take(r, 1) % a->len) : NULL;
}

static void op_io(FuzzReader *r, bool write)
{
    static const unsigned sizes[] = { 1, 2, 4 };
    static const char suffix[] = "bwl";
    const Range *rg = pick(pio, r);
    unsigned sz = fuzz_take(r, 1) % 3;
    uint64_t port, v = 0;

    if (!rg) {
        return;
    }
    port = (rg->addr + fuzz_take(r, 2) % rg->size) & 0xffff;
    if (write) {
        v = fuzz_take(r, sizes[sz]);
        if (trace) {
            trace_line("out%c 0x%" PRIx64 " 0x%" PRIx64, suffix[sz], port, v);
        }
        address_space_st(&address_space_io, port, v, sizes[sz]);
    } else {
        if (trace) {
            trace_line("in%c 0x%" PRIx64, suffix[sz], port);
        }
        address_space_ld(&address_space_io, port, &v, sizes[sz]);
    }
}

static void op_mem(FuzzReader *r, bool write)
{
    static const char suffix[] = "bwlq";
    const Range *rg = pick(mmio, r);
    unsigned sz = fuzz_take(r, 1) % 4;
    uint64_t addr, v = 0;

    if (!rg) {
        return;
    }
    addr = rg->addr + fuzz_take(r, 4) % rg->size;
    if (write) {
        v = fuzz_take(r, 1u << sz);
        if (trace) {
            trace_line("write%c 0x%" PRIx64 " 0x%" PRIx64, suffix[sz], addr,
                       v);
        }
        address_space_st(&address_space_memory, addr, v, 1u << sz);
    } else {
        if (trace) {
            trace_line("read%c 0x%" PRIx64, suffix[sz], addr);
        }
        address_space_ld(&address_space_memory, addr, &v, 1u << sz);
    }
}

/* RAM written by DMA patterns, cleared after the input. */
static Range dma_written[MAX_OPS];
static unsigned dma_n;

static void op_dma(FuzzReader *r)
{
    uint64_t addr = DMA_BASE + fuzz_take(r, 4) % DMA_SPAN;
    unsigned len = fuzz_take(r, 1) + 1;

    if (len > r->left) {
        len = r->left;
    }
    if (!len || addr + len > DMA_BASE + DMA_SPAN) {
        return;
    }
    if (trace) {
        GString *hex = g_string_new(NULL);
        for (unsigned i = 0; i < len; i++) {
            g_string_append_printf(hex, "%02x", r->p[i]);
        }
        trace_line("write 0x%" PRIx64 " %u 0x%s", addr, len, hex->str);
        g_string_free(hex, true);
    }
    /* Straight from the input: no copy. */
    address_space_write(&address_space_memory, addr, r->p, len);
    r->p += len;
    r->left -= len;
    dma_written[dma_n++] = (Range){ addr, len };
}

/*
 * To the next timer deadline, or up to 16 ms of guest time; longer
 * steps mostly replay timer storms, which cost time and find nothing new.
 */
static void op_clock(FuzzReader *r)
{
    int64_t now = clock_get_ns(KEMU_CLOCK_VIRTUAL), target;

    if (fuzz_take(r, 1) & 1) {
        int64_t dl = timers_next_deadline(KEMU_CLOCK_VIRTUAL);
        target = dl >= 0 ? dl : now;
        if (trace) {
            trace_line("clock_step");
        }
    } else {
        target = now + (int64_t)fuzz_take(r, 3);
        if (trace) {
            trace_line("clock_step %" PRId64, target - now);
        }
    }
    if (target > now) {
        clock_virtual_warp(target);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzReader r = { data, size };

    for (int n = 0; r.left && n < MAX_OPS; n++) {
        switch (fuzz_take(&r, 1) % 6) {
        case 0:
            op_io(&r, false);
            break;
        case 1:
            op_io(&r, true);
            break;
        case 2:
            op_mem(&r, false);
            break;
        case 3:
            op_mem(&r, true);
            break;
        case 4:
            op_dma(&r);
            break;
        case 5:
            op_clock(&r);
            break;
        }
    }
    /* Bottom halves the devices scheduled. */
    main_loop_wait(false);
    qemu_devices_reset();
    for (unsigned i = 0; i < dma_n; i++) {
        address_space_set(&address_space_memory, dma_written[i].addr, 0,
                          dma_written[i].size);
    }
    dma_n = 0;
    if (trace) {
        trace_line("# end of input: reset");
    }
    return 0;
}
