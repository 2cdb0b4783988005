/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dump-guest-memory: an ELF64 core of the guest, laid out as
 *   ELF header | program headers | [section header] | notes | RAM
 * The PT_NOTE holds one NT_PRSTATUS ("CORE") per vCPU in the layout the
 * host's gdb expects for the guest's mode (x86-64 user_regs_struct in
 * long mode, i386 otherwise), then one "QEMU" note type 0 per vCPU with
 * the system registers (QEMU's QEMUCPUState, version 1, which crash and
 * QEMU's own tools read). Each PT_LOAD points into the RAM copy; without
 * paging p_vaddr equals p_paddr, with paging the loads follow the first
 * paging-enabled CPU's page tables (any paging mode).
 */
#include "monitor/monitor-internal.h"
#include "monitor/qmp.h"
#include "monitor/mem-cmds.h"
#include "exec/memory.h"
#include "hw/core/cpu.h"
#include "target/i386/cpu.h"
#include "target/i386/mmu-walk.h"
#include "sysemu/runstate.h"
#include "util/rcu.h"
#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>

#define EFER_LMA_BIT    (1ull << 10)

typedef struct RamRange {
    uint64_t start, len;
    uint64_t file_off;          /* of the range's bytes in the core */
} RamRange;

typedef struct Mapping {
    uint64_t va, pa, len;
} Mapping;

/* ---- what to dump ---- */

/* RAM and ROM ranges of the system address space, adjacent pieces of one
 * region merged, clipped to [begin, end). */
static GArray *ram_ranges(uint64_t begin, uint64_t end)
{
    GArray *r = g_array_new(false, true, sizeof(RamRange));
    const MemoryRegion *last_mr = NULL;
    uint64_t last_off = 0;
    FlatView *fv;

    rcu_read_lock();
    fv = address_space_to_flatview(&address_space_memory);
    for (unsigned i = 0; i < fv->nr; i++) {
        const FlatRange *fr = &fv->ranges[i];
        uint64_t s = fr->addr, e = fr->addr + fr->size;

        if (!memory_region_is_ram(fr->mr) || !fr->size) {
            continue;
        }
        s = MAX(s, begin);
        e = MIN(e, end);
        if (s >= e) {
            continue;
        }
        if (r->len) {
            RamRange *p = &g_array_index(r, RamRange, r->len - 1);
            if (p->start + p->len == s && last_mr == fr->mr &&
                last_off == fr->offset_in_region + (s - fr->addr)) {
                p->len += e - s;
                last_off += e - s;
                continue;
            }
        }
        g_array_append_val(r, ((RamRange){ .start = s, .len = e - s }));
        last_mr = fr->mr;
        last_off = fr->offset_in_region + (e - fr->addr);
    }
    rcu_read_unlock();
    return r;
}

static void add_mapping(GArray *maps, uint64_t va, uint64_t pa, uint64_t len)
{
    if (maps->len) {
        Mapping *m = &g_array_index(maps, Mapping, maps->len - 1);
        if (m->va + m->len == va && m->pa + m->len == pa) {
            m->len += len;
            return;
        }
    }
    g_array_append_val(maps, ((Mapping){ .va = va, .pa = pa, .len = len }));
}

typedef struct MapWalk {
    GArray *maps;
    X86PagingCtx ctx;
} MapWalk;

/* Sign-extended before merging, so that no range spans the hole
 * between the lower and upper canonical halves. */
static void map_leaf(void *opaque, const X86MapLeaf *l)
{
    MapWalk *mw = opaque;

    add_mapping(mw->maps, x86_mmu_canonical(&mw->ctx, l->va), l->pa,
                l->size);
}

/* Virtual mappings of the first CPU with paging on, in the CPU's paging
 * mode (addresses sign-extended in 64-bit modes); NULL if there is none
 * (the dump is then identity-mapped, as QEMU's). */
static GArray *guest_mappings(void)
{
    CPUState *cs;

    CPU_FOREACH(cs) {
        MapWalk mw;
        x86_paging_ctx_from_env(&mw.ctx, &X86_CPU(cs)->env);
        if (x86_paging_mode(&mw.ctx) != X86_PAGING_OFF) {
            X86MapVisitor v = { .leaf = map_leaf, .opaque = &mw };
            mw.maps = g_array_new(false, true, sizeof(Mapping));
            x86_mmu_iterate(&mw.ctx, &v);
            return mw.maps;
        }
    }
    return NULL;
}

/* ---- notes ---- */

static void put_note(GByteArray *b, const char *name, uint32_t type,
                     const void *desc, uint32_t size)
{
    Elf64_Nhdr h = { .n_namesz = strlen(name) + 1, .n_descsz = size,
                     .n_type = type };
    static const uint8_t zero[8];
    uint32_t npad = ROUND_UP(h.n_namesz, 4), dpad = ROUND_UP(size, 4);

    g_byte_array_append(b, (const uint8_t *)&h, sizeof(h));
    g_byte_array_append(b, (const uint8_t *)name, h.n_namesz);
    g_byte_array_append(b, zero, npad - h.n_namesz);
    g_byte_array_append(b, desc, size);
    g_byte_array_append(b, zero, dpad - size);
}

/* struct elf_prstatus of x86-64 Linux: 112 bytes of signal/process
 * fields (pid at 32), user_regs_struct at 112, pr_fpvalid at 328. */
static void prstatus64(GByteArray *b, CPUState *cs)
{
    CPUX86State *env = &X86_CPU(cs)->env;
    uint8_t d[336] = { 0 };
    uint32_t pid = cs->cpu_index + 1;
    uint64_t r[27] = {
        env->regs[15], env->regs[14], env->regs[13], env->regs[12],
        env->regs[R_EBP], env->regs[R_EBX], env->regs[11], env->regs[10],
        env->regs[9], env->regs[8], env->regs[R_EAX], env->regs[R_ECX],
        env->regs[R_EDX], env->regs[R_ESI], env->regs[R_EDI],
        0 /* orig_rax */, env->rip, env->segs[R_CS].selector, env->rflags,
        env->regs[R_ESP], env->segs[R_SS].selector, env->segs[R_FS].base,
        env->segs[R_GS].base, env->segs[R_DS].selector,
        env->segs[R_ES].selector, env->segs[R_FS].selector,
        env->segs[R_GS].selector,
    };

    memcpy(d + 32, &pid, 4);
    memcpy(d + 112, r, sizeof(r));
    put_note(b, "CORE", NT_PRSTATUS, d, sizeof(d));
}

/* struct elf_prstatus of i386 Linux: pid at 24, 17 registers at 72. */
static void prstatus32(GByteArray *b, CPUState *cs)
{
    CPUX86State *env = &X86_CPU(cs)->env;
    uint8_t d[144] = { 0 };
    uint32_t pid = cs->cpu_index + 1;
    uint32_t r[17] = {
        env->regs[R_EBX], env->regs[R_ECX], env->regs[R_EDX],
        env->regs[R_ESI], env->regs[R_EDI], env->regs[R_EBP],
        env->regs[R_EAX], env->segs[R_DS].selector, env->segs[R_ES].selector,
        env->segs[R_FS].selector, env->segs[R_GS].selector,
        0 /* orig_eax */, env->rip, env->segs[R_CS].selector, env->rflags,
        env->regs[R_ESP], env->segs[R_SS].selector,
    };

    memcpy(d + 24, &pid, 4);
    memcpy(d + 72, r, sizeof(r));
    put_note(b, "CORE", NT_PRSTATUS, d, sizeof(d));
}

/* QEMUCPUState: selector, limit, flags, pad (u32 each), base (u64). */
static uint8_t *put_seg(uint8_t *p, const SegmentCache *s, bool table)
{
    uint32_t w[4] = { table ? 0 : s->selector, s->limit,
                      table ? 0 : s->flags, 0 };

    memcpy(p, w, 16);
    memcpy(p + 16, &s->base, 8);
    return p + 24;
}

static void qemu_note(GByteArray *b, CPUState *cs)
{
    CPUX86State *env = &X86_CPU(cs)->env;
    uint8_t d[440] = { 0 }, *p = d;
    uint32_t hdr[2] = { 1, sizeof(d) };
    uint64_t r[18] = {
        env->regs[R_EAX], env->regs[R_EBX], env->regs[R_ECX],
        env->regs[R_EDX], env->regs[R_ESI], env->regs[R_EDI],
        env->regs[R_ESP], env->regs[R_EBP], env->regs[8], env->regs[9],
        env->regs[10], env->regs[11], env->regs[12], env->regs[13],
        env->regs[14], env->regs[15], env->rip, env->rflags,
    };
    static const int order[] = { R_CS, R_DS, R_ES, R_FS, R_GS, R_SS };

    memcpy(p, hdr, 8);
    memcpy(p + 8, r, sizeof(r));
    p += 8 + sizeof(r);
    for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
        p = put_seg(p, &env->segs[order[i]], false);
    }
    p = put_seg(p, &env->ldt, false);
    p = put_seg(p, &env->tr, false);
    p = put_seg(p, &env->gdt, true);
    p = put_seg(p, &env->idt, true);
    memcpy(p, env->cr, 5 * 8);
    memcpy(p + 40, &env->kernelgsbase, 8);
    put_note(b, "QEMU", 0, d, sizeof(d));
}

/* ---- the file ---- */

static bool write_all(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        p += n;
        len -= n;
    }
    return true;
}

/* Where guest physical pa lies in the file, or 0 if not in RAM; *avail
 * is how many bytes from pa are contiguous there. */
static uint64_t file_offset(GArray *ram, uint64_t pa, uint64_t *avail)
{
    for (guint i = 0; i < ram->len; i++) {
        RamRange *r = &g_array_index(ram, RamRange, i);
        if (pa >= r->start && pa - r->start < r->len) {
            *avail = r->len - (pa - r->start);
            return r->file_off + (pa - r->start);
        }
    }
    return 0;
}

static void add_load(GArray *ph, uint64_t va, uint64_t pa, uint64_t filesz,
                     uint64_t memsz, uint64_t off)
{
    Elf64_Phdr p = { .p_type = PT_LOAD, .p_offset = off, .p_vaddr = va,
                     .p_paddr = pa, .p_filesz = filesz, .p_memsz = memsz };
    g_array_append_val(ph, p);
}

bool dump_guest_memory(const char *path, bool paging, uint64_t begin,
                       uint64_t length, Error **errp)
{
    uint64_t end = length ? begin + length : UINT64_MAX;
    g_autoptr(GArray) ram = NULL, maps = NULL;
    g_autoptr(GArray) ph = g_array_new(false, true, sizeof(Elf64_Phdr));
    g_autoptr(GByteArray) notes = g_byte_array_new();
    g_autofree uint8_t *buf = NULL;
    Elf64_Ehdr eh = { 0 };
    Elf64_Shdr sh = { 0 };
    Elf64_Phdr note = { .p_type = PT_NOTE };
    uint64_t off, notes_off;
    bool lma, xnum, ok = true;
    CPUState *cs;
    int fd;

    if (end < begin) {
        end = UINT64_MAX;
    }
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, S_IRUSR);
    if (fd < 0) {
        error_setg(errp, "Could not open '%s': %s", path, strerror(errno));
        return false;
    }
    ram = ram_ranges(begin, end);
    if (!ram->len) {
        error_setg(errp, "dump: no guest memory to dump");
        close(fd);
        return false;
    }
    CPU_FOREACH(cs) {
        cpu_synchronize_state(cs);
    }
    lma = first_cpu && (X86_CPU(first_cpu)->env.efer & EFER_LMA_BIT);
    CPU_FOREACH(cs) {
        lma ? prstatus64(notes, cs) : prstatus32(notes, cs);
    }
    CPU_FOREACH(cs) {
        qemu_note(notes, cs);
    }
    maps = paging ? guest_mappings() : NULL;

    /* Program headers first, to know where notes and RAM go. */
    g_array_append_val(ph, note);
    if (maps) {
        /* One load per piece of a mapping that lies in one RAM range;
         * file offsets are filled in below. */
        for (guint i = 0; i < maps->len; i++) {
            Mapping *m = &g_array_index(maps, Mapping, i);
            for (guint j = 0; j < ram->len; j++) {
                RamRange *r = &g_array_index(ram, RamRange, j);
                uint64_t s = MAX(m->pa, r->start);
                uint64_t e = MIN(m->pa + m->len, r->start + r->len);
                if (s < e) {
                    add_load(ph, m->va + (s - m->pa), s, e - s, e - s, 0);
                }
            }
        }
    } else {
        for (guint i = 0; i < ram->len; i++) {
            RamRange *r = &g_array_index(ram, RamRange, i);
            add_load(ph, r->start, r->start, r->len, r->len, 0);
        }
    }
    /* More than 0xffff headers: e_phnum says PN_XNUM and section 0
     * carries the real count (the ELF extended numbering). */
    xnum = ph->len >= PN_XNUM;
    notes_off = sizeof(eh) + ph->len * sizeof(Elf64_Phdr) +
                (xnum ? sizeof(sh) : 0);
    off = notes_off + notes->len;
    for (guint i = 0; i < ram->len; i++) {
        RamRange *r = &g_array_index(ram, RamRange, i);
        r->file_off = off;
        off += r->len;
    }
    g_array_index(ph, Elf64_Phdr, 0).p_offset = notes_off;
    g_array_index(ph, Elf64_Phdr, 0).p_filesz = notes->len;
    g_array_index(ph, Elf64_Phdr, 0).p_memsz = notes->len;
    for (guint i = 1; i < ph->len; i++) {
        Elf64_Phdr *p = &g_array_index(ph, Elf64_Phdr, i);
        uint64_t avail = 0, fo = file_offset(ram, p->p_paddr, &avail);

        p->p_offset = fo;
        p->p_filesz = MIN(avail, p->p_memsz);
    }

    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_CORE;
    eh.e_machine = lma ? EM_X86_64 : EM_386;
    eh.e_version = EV_CURRENT;
    eh.e_phoff = sizeof(eh);
    eh.e_ehsize = sizeof(eh);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = xnum ? PN_XNUM : ph->len;
    if (xnum) {
        eh.e_shoff = sizeof(eh) + ph->len * sizeof(Elf64_Phdr);
        eh.e_shentsize = sizeof(sh);
        eh.e_shnum = 1;
        sh.sh_info = ph->len;
    }

    ok = write_all(fd, &eh, sizeof(eh)) &&
         write_all(fd, ph->data, ph->len * sizeof(Elf64_Phdr)) &&
         (!xnum || write_all(fd, &sh, sizeof(sh))) &&
         write_all(fd, notes->data, notes->len);
    buf = g_malloc(MiB);
    for (guint i = 0; ok && i < ram->len; i++) {
        RamRange *r = &g_array_index(ram, RamRange, i);
        for (uint64_t done = 0; ok && done < r->len; done += MiB) {
            uint64_t l = MIN(MiB, r->len - done);
            address_space_read(&address_space_memory, r->start + done, buf,
                               l);
            ok = write_all(fd, buf, l);
        }
    }
    if (!ok) {
        error_setg(errp, "dump: failed to save memory: %s", strerror(errno));
    }
    if (close(fd) < 0 && ok) {
        error_setg(errp, "dump: failed to save memory: %s", strerror(errno));
        ok = false;
    }
    return ok;
}

/* ---- the commands ---- */

static bool do_dump(bool paging, const char *protocol, bool has_begin,
                    int64_t begin, bool has_length, int64_t length,
                    const char *format, Error **errp)
{
    bool was_running, ok;

    if (format && strcmp(format, "elf")) {
        error_setg(errp, "Parameter 'format' does not accept value '%s'",
                   format);
        return false;
    }
    if (has_begin && !has_length) {
        error_setg(errp, "Parameter 'length' is missing");
        return false;
    }
    if (has_length && !has_begin) {
        error_setg(errp, "Parameter 'begin' is missing");
        return false;
    }
    if (has_length && length <= 0) {
        error_setg(errp, "Invalid parameter 'length'");
        return false;
    }
    if (has_begin && begin < 0) {
        error_setg(errp, "Invalid parameter 'begin'");
        return false;
    }
    if (!g_str_has_prefix(protocol, "file:")) {
        error_setg(errp, "Invalid parameter 'protocol'");
        return false;
    }
    /* The guest must not change memory under the dump (QEMU stops it
     * too, with STOP and RESUME events). */
    was_running = runstate_is_running();
    if (was_running) {
        vm_stop(RUN_STATE_PAUSED);
    }
    ok = dump_guest_memory(protocol + 5, paging, has_begin ? begin : 0,
                           has_length ? length : 0, errp);
    if (was_running) {
        vm_start();
    }
    return ok;
}

static JsonNode *qmp_dump_guest_memory(JsonObject *args, Error **errp)
{
    if (!qmp_check_args(args, "paging:b,protocol:s,detach:b?,begin:i?,"
                        "length:i?,format:s?", errp)) {
        return NULL;
    }
    /* detach: the dump is synchronous anyway, it is done on return. */
    do_dump(qmp_arg_bool(args, "paging", false),
            qmp_arg_str(args, "protocol"),
            json_object_has_member(args, "begin"),
            qmp_arg_int(args, "begin", 0),
            json_object_has_member(args, "length"),
            qmp_arg_int(args, "length", 0),
            qmp_arg_str(args, "format"), errp);
    return NULL;
}

static void hmp_dump_guest_memory(Monitor *mon, const HmpArgs *a)
{
    g_autofree char *protocol = g_strdup_printf("file:%s",
                                                hmp_arg_str(a, "filename"));
    const char *format = hmp_arg_bool(a, "z") ? "kdump-zlib" :
                         hmp_arg_bool(a, "l") ? "kdump-lzo" :
                         hmp_arg_bool(a, "s") ? "kdump-snappy" :
                         hmp_arg_bool(a, "w") ? "win-dmp" : NULL;
    Error *err = NULL;

    if (!do_dump(hmp_arg_bool(a, "p"), protocol, hmp_arg_has(a, "begin"),
                 hmp_arg_int(a, "begin", 0), hmp_arg_has(a, "length"),
                 hmp_arg_int(a, "length", 0), format, &err)) {
        monitor_printf(mon, "Error: %s\n", error_get_pretty(err));
        error_free(err);
    }
}

static const MonitorCommand dump_cmds[] = {
    { .hmp_name = "dump-guest-memory",
      .hmp_args = "-p,-d,-z,-l,-s,-w,filename:s,begin:l?,length:l?",
      .hmp_params = "[-p] [-d] [-z|-l|-s|-w] filename [begin length]",
      .hmp_help = "dump guest memory into file 'filename'.\n"
          "\t\t\t-p: do paging to get guest's memory mapping.\n"
          "\t\t\t-d: return immediately (do not wait for completion).\n"
          "\t\t\t-z: dump in kdump-compressed format, with zlib "
          "compression.\n"
          "\t\t\t-l: dump in kdump-compressed format, with lzo "
          "compression.\n"
          "\t\t\t-s: dump in kdump-compressed format, with snappy "
          "compression.\n"
          "\t\t\t-w: dump in Windows crashdump format (can be used instead "
          "of ELF-dump converting),\n"
          "\t\t\t    for Windows x86 and x64 guests with vmcoreinfo driver "
          "only.\n"
          "\t\t\tbegin: the starting physical address.\n"
          "\t\t\tlength: the memory size, in bytes.",
      .hmp = hmp_dump_guest_memory,
      .qmp_name = "dump-guest-memory", .qmp = qmp_dump_guest_memory },
};

static void __attribute__((constructor)) dump_cmds_register(void)
{
    monitor_register_commands(dump_cmds, ARRAY_SIZE(dump_cmds));
}
