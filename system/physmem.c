/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Accesses through an address space: RAM copies, I/O dispatch with the
 * size/alignment rules a device declares, unassigned space, DMA map and
 * unmap with a bounce buffer for MMIO.
 *
 * Lookups run under rcu_read_lock() only; I/O callbacks additionally
 * need the BQL, which callers hold when an access may reach a device.
 * Buffers hold guest bytes in little-endian order; the host is x86-64,
 * so loading a value from them is a plain memcpy.
 */
#include "system/memory-internal.h"
#include "sysemu/interrupts.h"
#include "util/log.h"
#include "util/rcu.h"

#define BOUNCE_MAX (64 * KiB)   /* enough for one DMA chunk from MMIO */

void (*ram_write_notify)(hwaddr addr, hwaddr len);

static inline uint64_t ld_le(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;

    memcpy(&v, p, size);
    return v;
}

static inline void st_le(uint8_t *p, uint64_t v, unsigned size)
{
    memcpy(p, &v, size);
}

static bool as_is_pio(AddressSpace *as)
{
    return as == &address_space_io;
}

/* ---- I/O regions ---- */

static unsigned ops_valid_min(const MemoryRegionOps *ops)
{
    return ops->valid.min_access_size ? ops->valid.min_access_size : 1;
}

static unsigned ops_valid_max(const MemoryRegionOps *ops)
{
    return ops->valid.max_access_size ? ops->valid.max_access_size : 4;
}

static unsigned ops_impl_min(const MemoryRegionOps *ops)
{
    return ops->impl.min_access_size ? ops->impl.min_access_size
                                     : ops_valid_min(ops);
}

static unsigned ops_impl_max(const MemoryRegionOps *ops)
{
    return ops->impl.max_access_size ? ops->impl.max_access_size
                                     : ops_valid_max(ops);
}

static inline uint64_t size_mask(unsigned size)
{
    return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

/*
 * One guest access of a valid size: make it fit what the callbacks
 * implement. Narrower implementations get several calls combined
 * little-endian; wider ones get one aligned call, the wanted bytes
 * shifted out of (or into) it.
 */
static uint64_t io_read_adjusted(MemoryRegion *mr, hwaddr off, unsigned size)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned imin = ops_impl_min(ops), imax = ops_impl_max(ops);
    uint64_t v = 0;

    if (!ops->read) {
        return 0;
    }
    if (size >= imin && size <= imax) {
        return ops->read(mr->opaque, off, size) & size_mask(size);
    }
    if (size < imin) {
        hwaddr base = ops->impl.unaligned ? off : off & ~(hwaddr)(imin - 1);
        v = ops->read(mr->opaque, base, imin);
        return (v >> ((off - base) * 8)) & size_mask(size);
    }
    for (unsigned i = 0; i < size; i += imax) {
        uint64_t part = ops->read(mr->opaque, off + i, imax) & size_mask(imax);
        v |= part << (i * 8);
    }
    return v;
}

static void io_write_adjusted(MemoryRegion *mr, hwaddr off, uint64_t v,
                              unsigned size)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned imin = ops_impl_min(ops), imax = ops_impl_max(ops);

    if (!ops->write) {
        return;
    }
    v &= size_mask(size);
    if (size >= imin && size <= imax) {
        ops->write(mr->opaque, off, v, size);
    } else if (size < imin) {
        hwaddr base = ops->impl.unaligned ? off : off & ~(hwaddr)(imin - 1);
        ops->write(mr->opaque, base, v << ((off - base) * 8), imin);
    } else {
        for (unsigned i = 0; i < size; i += imax) {
            ops->write(mr->opaque, off + i, (v >> (i * 8)) & size_mask(imax),
                       imax);
        }
    }
}

/* Largest power of two <= n (n >= 1). */
static inline unsigned pow2_floor(uint64_t n)
{
    unsigned p = 1;

    while (p * 2 <= n && p < 8) {
        p *= 2;
    }
    return p;
}

/*
 * [off, off+len) lies inside one I/O region, seen at as_addr. Cut it
 * into the biggest valid accesses (naturally aligned unless the device
 * takes unaligned ones) and dispatch each.
 */
static MemTxResult io_rw(AddressSpace *as, MemoryRegion *mr, hwaddr off,
                         hwaddr as_addr, uint8_t *buf, hwaddr len,
                         bool is_write)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned vmin = ops_valid_min(ops), vmax = ops_valid_max(ops);
    MemTxResult res = MEMTX_OK;

    while (len) {
        unsigned size = pow2_floor(MIN(len, (hwaddr)vmax));
        if (!ops->valid.unaligned) {
            while (size > 1 && (off & (size - 1))) {
                size /= 2;
            }
        }
        if (size < vmin) {
            /* Too small or misaligned for this device: reject it. */
            kemu_log_mask(LOG_GUEST_ERROR,
                          "invalid %s of size %u at 0x%" HWADDR_PRIx
                          " in region '%s' (offset 0x%" HWADDR_PRIx ")\n",
                          is_write ? "write" : "read", size, as_addr,
                          mr->name, off);
            if (!is_write) {
                memset(buf, 0xff, size);
            }
            res = MEMTX_DECODE_ERROR;
        } else if (is_write) {
            uint64_t v = ld_le(buf, size);
            kemu_log_mask(LOG_TRACE_IO, "%s write 0x%" HWADDR_PRIx
                          " size %u value 0x%" PRIx64 " (%s)\n", as->name,
                          as_addr, size, v, mr->name);
            if (!ioeventfd_check(as_is_pio(as), as_addr, size, v)) {
                io_write_adjusted(mr, off, v, size);
            }
        } else {
            uint64_t v = io_read_adjusted(mr, off, size);
            kemu_log_mask(LOG_TRACE_IO, "%s read 0x%" HWADDR_PRIx
                          " size %u value 0x%" PRIx64 " (%s)\n", as->name,
                          as_addr, size, v, mr->name);
            st_le(buf, v, size);
        }
        off += size;
        as_addr += size;
        buf += size;
        len -= size;
    }
    return res;
}

/* ---- the access loop ---- */

static void unassigned(AddressSpace *as, hwaddr addr, uint8_t *buf,
                       hwaddr len, bool is_write)
{
    /* Port I/O probes of empty ports are routine; MMIO holes are not. */
    if (!as_is_pio(as)) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "unassigned %s of %" PRIu64 " bytes at 0x%" HWADDR_PRIx
                      " in '%s'\n", is_write ? "write" : "read",
                      (uint64_t)len, addr, as->name);
    }
    if (!is_write) {
        memset(buf, 0xff, len);
    }
}

/* Bytes from addr to the end of fr, capped at len. */
static hwaddr fr_remaining(const FlatRange *fr, hwaddr addr, hwaddr len)
{
    unsigned __int128 end = (unsigned __int128)fr->addr + fr_size128(fr);
    unsigned __int128 left = end - addr;

    return left < len ? (hwaddr)left : len;
}

static MemTxResult as_rw(AddressSpace *as, hwaddr addr, uint8_t *buf,
                         hwaddr len, bool is_write, bool force_rom)
{
    MemTxResult res = MEMTX_OK;
    FlatView *fv;

    rcu_read_lock();
    fv = address_space_to_flatview(as);
    while (len) {
        const FlatRange *fr = fv ? flatview_lookup(fv, addr) : NULL;
        hwaddr l;

        if (!fr) {
            unsigned i = fv ? flatview_next_index(fv, addr) : 0;
            l = len;
            if (fv && i < fv->nr && fv->ranges[i].addr - addr < len) {
                l = fv->ranges[i].addr - addr;
            }
            unassigned(as, addr, buf, l, is_write);
            res = MEMTX_DECODE_ERROR;
        } else {
            hwaddr off = fr->offset_in_region + (addr - fr->addr);
            MemoryRegion *mr = fr->mr;

            l = fr_remaining(fr, addr, len);
            if (memory_region_is_ram(mr)) {
                uint8_t *p = (uint8_t *)mr->ram_ptr + off;
                if (!is_write) {
                    memcpy(buf, p, l);
                } else if (!fr->readonly || force_rom) {
                    memcpy(p, buf, l);
                    memory_region_set_dirty(mr, off, l);
                    if (ram_write_notify && as == &address_space_memory) {
                        ram_write_notify(addr, l);
                    }
                }
                /* Guest writes to ROM are silently dropped, as on a PC. */
            } else if (force_rom) {
                /* Loaders only fill memory; they never poke devices. */
            } else {
                MemTxResult r = io_rw(as, mr, off, addr, buf, l, is_write);
                if (r != MEMTX_OK) {
                    res = r;
                }
            }
        }
        buf += l;
        len -= l;
        addr += l;
        if (addr == 0 && len) {
            /* Wrapped past the top of the space: the rest hits nothing. */
            if (!is_write) {
                memset(buf, 0xff, len);
            }
            res = MEMTX_DECODE_ERROR;
            break;
        }
    }
    rcu_read_unlock();
    return res;
}

MemTxResult address_space_rw(AddressSpace *as, hwaddr addr, void *buf,
                             hwaddr len, bool is_write)
{
    return as_rw(as, addr, buf, len, is_write, false);
}

MemTxResult address_space_read(AddressSpace *as, hwaddr addr, void *buf,
                               hwaddr len)
{
    return as_rw(as, addr, buf, len, false, false);
}

MemTxResult address_space_write(AddressSpace *as, hwaddr addr,
                                const void *buf, hwaddr len)
{
    return as_rw(as, addr, (void *)buf, len, true, false);
}

MemTxResult address_space_write_rom(AddressSpace *as, hwaddr addr,
                                    const void *buf, hwaddr len)
{
    return as_rw(as, addr, (void *)buf, len, true, true);
}

MemTxResult address_space_set(AddressSpace *as, hwaddr addr, uint8_t c,
                              hwaddr len)
{
    uint8_t chunk[512];
    MemTxResult res = MEMTX_OK;

    memset(chunk, c, sizeof(chunk));
    while (len) {
        hwaddr l = MIN(len, (hwaddr)sizeof(chunk));
        MemTxResult r = address_space_write(as, addr, chunk, l);
        if (r != MEMTX_OK) {
            res = r;
        }
        addr += l;
        len -= l;
    }
    return res;
}

MemTxResult address_space_ld(AddressSpace *as, hwaddr addr, uint64_t *val,
                             unsigned size)
{
    uint8_t b[8];
    MemTxResult r;

    g_assert(size == 1 || size == 2 || size == 4 || size == 8);
    r = as_rw(as, addr, b, size, false, false);
    *val = ld_le(b, size);
    return r;
}

MemTxResult address_space_st(AddressSpace *as, hwaddr addr, uint64_t val,
                             unsigned size)
{
    uint8_t b[8];

    g_assert(size == 1 || size == 2 || size == 4 || size == 8);
    st_le(b, val, size);
    return as_rw(as, addr, b, size, true, false);
}

/* ---- DMA: direct pointers into RAM, a bounce buffer otherwise ---- */

static struct {
    bool busy;                  /* atomic: one mapping at a time */
    uint8_t *buf;
    AddressSpace *as;
    hwaddr addr;
    hwaddr len;
} bounce;

void *address_space_ram_ptr(AddressSpace *as, hwaddr addr, hwaddr len,
                            bool is_write)
{
    void *p = NULL;
    const FlatRange *fr;

    rcu_read_lock();
    fr = as->current ? flatview_lookup(address_space_to_flatview(as), addr)
                     : NULL;
    if (fr && memory_region_is_ram(fr->mr) && !(is_write && fr->readonly) &&
        fr_remaining(fr, addr, len) == len &&
        (len == 0 || addr + len - 1 >= addr)) {
        p = (uint8_t *)fr->mr->ram_ptr + fr->offset_in_region +
            (addr - fr->addr);
    }
    rcu_read_unlock();
    return p;
}

void *address_space_map(AddressSpace *as, hwaddr addr, hwaddr *plen,
                        bool is_write)
{
    const FlatRange *fr;
    hwaddr len = *plen;
    void *p = NULL;

    if (len == 0) {
        return NULL;
    }
    rcu_read_lock();
    fr = as->current ? flatview_lookup(address_space_to_flatview(as), addr)
                     : NULL;
    if (!fr) {
        *plen = 0;
    } else if (memory_region_is_ram(fr->mr) && !(is_write && fr->readonly)) {
        *plen = fr_remaining(fr, addr, len);
        p = (uint8_t *)fr->mr->ram_ptr + fr->offset_in_region +
            (addr - fr->addr);
        if (is_write) {
            /* Marked now: unmap cannot tell the region from the pointer
             * cheaply, and a device's mapped write lands before any
             * display or migration looks again. */
            memory_region_set_dirty(fr->mr, fr->offset_in_region +
                                    (addr - fr->addr), *plen);
        }
    } else if (__atomic_exchange_n(&bounce.busy, true, __ATOMIC_ACQUIRE)) {
        *plen = 0;
    } else {
        /* MMIO or ROM-for-write: go through the bounce buffer, which
         * ends where the range does so the copy hits one region. */
        len = MIN(fr_remaining(fr, addr, len), (hwaddr)BOUNCE_MAX);
        if (!bounce.buf) {
            bounce.buf = g_malloc(BOUNCE_MAX);
        }
        bounce.as = as;
        bounce.addr = addr;
        bounce.len = len;
        *plen = len;
        p = bounce.buf;
        rcu_read_unlock();
        if (!is_write) {
            address_space_read(as, addr, p, len);
        }
        return p;
    }
    rcu_read_unlock();
    return p;
}

void address_space_unmap(AddressSpace *as, void *buffer, hwaddr len,
                         bool is_write, hwaddr access_len)
{
    if (buffer && buffer == bounce.buf &&
        __atomic_load_n(&bounce.busy, __ATOMIC_ACQUIRE)) {
        if (is_write) {
            address_space_write(bounce.as, bounce.addr, bounce.buf,
                                MIN(access_len, bounce.len));
        }
        bounce.as = NULL;
        __atomic_store_n(&bounce.busy, false, __ATOMIC_RELEASE);
    }
    /* A direct mapping needs nothing but the write notification (RAM
     * stays mapped, and a write mapping was marked dirty when it was
     * handed out), so translated code on those pages is dropped. */
    if (buffer && buffer != bounce.buf && is_write && access_len &&
        ram_write_notify && as == &address_space_memory) {
        FlatView *fv;

        rcu_read_lock();
        fv = address_space_to_flatview(as);
        for (unsigned i = 0; fv && i < fv->nr; i++) {
            const FlatRange *fr = &fv->ranges[i];
            uint8_t *start;

            if (!memory_region_is_ram(fr->mr)) {
                continue;
            }
            start = (uint8_t *)fr->mr->ram_ptr + fr->offset_in_region;
            if ((uint8_t *)buffer >= start &&
                (uint8_t *)buffer - start < fr_size128(fr)) {
                ram_write_notify(fr->addr + ((uint8_t *)buffer - start),
                                 access_len);
                break;
            }
        }
        rcu_read_unlock();
    }
}
