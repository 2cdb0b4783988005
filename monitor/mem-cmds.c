/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memsave and pmemsave: guest memory, virtual or physical, to a file.
 * The QMP forms live here; monitor_save_mem is shared with HMP.
 */
#include "monitor/monitor-internal.h"
#include "monitor/qmp.h"
#include "monitor/mem-cmds.h"
#include "monitor/hmp-mmu.h"
#include "exec/memory.h"

/* Reads piece by piece, zeroing pieces that hit nothing. */
static void read_phys_holes(uint64_t addr, uint8_t *buf, size_t len)
{
    while (len) {
        size_t l = MIN(len, 256 - (addr & 255));

        if (address_space_read(&address_space_memory, addr, buf, l)
            != MEMTX_OK) {
            memset(buf, 0, l);
        }
        addr += l;
        buf += l;
        len -= l;
    }
}

bool monitor_save_mem(CPUState *cs, uint64_t addr, int64_t size,
                      const char *path, bool phys, Error **errp)
{
    bool ok = true;
    FILE *f;

    if (!cs && !phys) {
        error_setg(errp, "No CPU available");
        return false;
    }
    if (size < 0) {
        error_setg(errp, "Invalid addr 0x%016" PRIx64 "/size %" PRId64
                   " specified", addr, size);
        return false;
    }
    f = fopen(path, "wb");
    if (!f) {
        error_setg(errp, "Could not open '%s': %s", path, strerror(errno));
        return false;
    }
    while (size > 0 && ok) {
        uint8_t buf[4096];
        size_t l = MIN((uint64_t)size, sizeof(buf));

        if (phys) {
            /* Holes read as zeros, as in QEMU (kemu's bus reads 0xff). */
            if (address_space_read(&address_space_memory, addr, buf, l)
                != MEMTX_OK) {
                read_phys_holes(addr, buf, l);
            }
        } else if (x86_mmu_rw_virt(cs, addr, buf, l, false) != MEMTX_OK) {
            error_setg(errp, "Invalid addr 0x%016" PRIx64 "/size %" PRId64
                       " specified", addr, size);
            ok = false;
            break;
        }
        if (fwrite(buf, 1, l, f) != l) {
            error_setg(errp, "writing memory to '%s' failed", path);
            ok = false;
        }
        addr += l;
        size -= l;
    }
    if (fclose(f) != 0 && ok) {
        error_setg(errp, "writing memory to '%s' failed", path);
        ok = false;
    }
    return ok;
}

static JsonNode *qmp_memsave(JsonObject *args, Error **errp)
{
    int64_t idx;
    CPUState *cs;

    if (!qmp_check_args(args, "val:i,size:i,filename:s,cpu-index:i?",
                        errp)) {
        return NULL;
    }
    idx = qmp_arg_int(args, "cpu-index", 0);
    cs = idx >= 0 && idx <= INT_MAX ? qemu_get_cpu(idx) : NULL;
    if (!cs) {
        error_setg(errp, "Parameter 'cpu-index' expects a CPU number");
        return NULL;
    }
    cpu_synchronize_state(cs);
    monitor_save_mem(cs, qmp_arg_int(args, "val", 0),
                     qmp_arg_int(args, "size", 0),
                     qmp_arg_str(args, "filename"), false, errp);
    return NULL;
}

static JsonNode *qmp_pmemsave(JsonObject *args, Error **errp)
{
    if (qmp_check_args(args, "val:i,size:i,filename:s", errp)) {
        monitor_save_mem(NULL, qmp_arg_int(args, "val", 0),
                         qmp_arg_int(args, "size", 0),
                         qmp_arg_str(args, "filename"), true, errp);
    }
    return NULL;
}

static const MonitorCommand mem_cmds[] = {
    { .qmp_name = "memsave", .qmp = qmp_memsave },
    { .qmp_name = "pmemsave", .qmp = qmp_pmemsave },
};

static void __attribute__((constructor)) mem_cmds_register(void)
{
    monitor_register_commands(mem_cmds, ARRAY_SIZE(mem_cmds));
}
