/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Conventional PCI: the bus, functions with a 256-byte configuration
 * space, BARs mapped into the bus's memory and I/O spaces, INTx lines,
 * capabilities, MSI and MSI-X.
 *
 * A PCI function model derives from TYPE_PCI_DEVICE and fills its
 * PCIDeviceClass: ids and class code, plus pc->realize / pc->exit /
 * pc->reset (NOT dc->realize/unrealize/reset, which the PCI core uses to
 * wrap them). Its realize usually calls pci_register_bar() for each BAR,
 * sets PCI_INTERRUPT_PIN, and adds capabilities (msi_init, msix_init...).
 *
 *   static void mydev_class_init(ObjectClass *oc, void *data)
 *   {
 *       PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);
 *       pc->vendor_id = 0x1af4; pc->device_id = 0x1000;
 *       pc->class_id = PCI_CLASS_NETWORK_ETHERNET;
 *       pc->realize = mydev_realize; pc->exit = mydev_exit;
 *   }
 *
 * Config space: config[] holds the values, wmask[] which bits the guest
 * may write, w1cmask[] which bits a guest write of 1 clears (status
 * bits). pci_default_write_config applies both, then remaps BARs when the
 * command register, a BAR or the ROM BAR changed, re-evaluates INTx when
 * INTX_DISABLE changed, and tracks MSI/MSI-X enable. A device that
 * overrides pc->config_write must call pci_default_write_config.
 *
 * Devices are addressed by devfn = slot << 3 | function; property "addr"
 * takes "SS.F", "SS" or a number (-1: first free slot).
 */
#ifndef KEMU_PCI_H
#define KEMU_PCI_H

#include "hw/qdev.h"
#include "exec/memory.h"
#include "hw/pci/pci_regs.h"

#define TYPE_PCI_BUS "PCI"
#define TYPE_PCI_DEVICE "pci-device"

#define PCI_DEVFN(slot, fn)     ((((slot) & 0x1f) << 3) | ((fn) & 0x07))
#define PCI_SLOT(devfn)         (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)         ((devfn) & 0x07)
#define PCI_DEVFN_MAX           256
#define PCI_SLOT_MAX            32
#define PCI_FUNC_MAX            8
#define PCI_NUM_PINS            4       /* INTA..INTD */

#define PCI_NUM_BARS            6
#define PCI_ROM_SLOT            6
#define PCI_NUM_REGIONS         7
#define PCI_BAR_UNMAPPED        (~(uint64_t)0)

typedef struct PCIBus PCIBus;
typedef struct PCIDevice PCIDevice;
typedef struct PCIDeviceClass PCIDeviceClass;

/* Bus-level INTx plumbing installed by the interrupt router (PIIX3):
 * map_irq turns (device, pin 0..3) into the router's input (a PIRQ),
 * set_irq receives the OR of all functions' levels on that input. */
typedef int (*pci_map_irq_fn)(PCIDevice *dev, int pin);
typedef void (*pci_set_irq_fn)(void *opaque, int irq_num, int level);

struct PCIBus {
    BusState parent_obj;
    uint8_t bus_num;                    /* 0 for the root bus */
    int devfn_min;                      /* first devfn for auto placement */
    PCIDevice *devices[PCI_DEVFN_MAX];
    MemoryRegion *address_space_mem;    /* where memory BARs are mapped */
    MemoryRegion *address_space_io;     /* where I/O BARs are mapped */
    pci_map_irq_fn map_irq;
    pci_set_irq_fn set_irq;
    void *irq_opaque;
    int nirq;
    int *irq_count;                     /* asserted sources per router input */
    /*
     * Windows pci_assign_bars_and_irqs() allocates from (direct boot);
     * the machine sets them, defaults are the pc's: memory
     * 0xe0000000-0xfec00000, I/O 0xc000-0xffff.
     */
    uint64_t mem_window_start, mem_window_end;     /* end exclusive */
    uint32_t io_window_start, io_window_end;       /* end exclusive */
};

typedef struct PCIIORegion {
    uint64_t addr;          /* where it is mapped, or PCI_BAR_UNMAPPED */
    uint64_t size;          /* 0: BAR not implemented */
    uint8_t type;           /* PCI_BASE_ADDRESS_SPACE_IO or MEM flags */
    MemoryRegion *memory;
    MemoryRegion *address_space;
} PCIIORegion;

struct PCIDevice {
    DeviceState parent_obj;

    uint8_t config[PCI_CONFIG_SPACE_SIZE];
    uint8_t wmask[PCI_CONFIG_SPACE_SIZE];
    uint8_t w1cmask[PCI_CONFIG_SPACE_SIZE];
    uint8_t used[PCI_CONFIG_SPACE_SIZE];   /* bytes owned by capabilities */

    int32_t devfn;          /* property "addr"; -1 until placed */
    bool multifunction;     /* property "multifunction" */
    uint32_t rom_bar;       /* property "rombar" (kept for compatibility) */
    char *romfile;          /* property "romfile" (option ROMs: later) */
    char name[64];

    PCIIORegion io_regions[PCI_NUM_REGIONS];
    int intx_level;         /* the function's own INTx level (0/1) */
    bool intx_routed;       /* level currently counted on the bus */

    /* MSI */
    uint8_t msi_cap;        /* capability offset, 0 if none */
    /* MSI-X */
    uint8_t msix_cap;
    uint16_t msix_entries_nr;
    uint8_t *msix_table;    /* msix_entries_nr * 16 bytes, guest layout */
    uint8_t *msix_pba;      /* pending bits */
    MemoryRegion msix_table_mmio;
    MemoryRegion msix_pba_mmio;
    MemoryRegion *msix_exclusive_bar;   /* msix_init_exclusive_bar */
    MemoryRegion *msix_table_bar, *msix_pba_bar;
    /* Notified when an MSI-X vector's message or mask changes (virtio's
     * irqfd routes); may be NULL. */
    void (*msix_vector_changed)(PCIDevice *dev, unsigned vector);
};

struct PCIDeviceClass {
    DeviceClass parent_class;

    bool (*realize)(PCIDevice *dev, Error **errp);
    void (*exit)(PCIDevice *dev);
    /* Device part of reset; the generic part (command, status, BARs,
     * INTx, MSI/MSI-X enables) is done by the core first. */
    void (*reset)(PCIDevice *dev);
    /* Overridable config accessors; addr + len <= 256, len 1/2/4. */
    uint32_t (*config_read)(PCIDevice *dev, uint32_t addr, int len);
    void (*config_write)(PCIDevice *dev, uint32_t addr, uint32_t val,
                         int len);

    uint16_t vendor_id;
    uint16_t device_id;
    uint8_t revision;
    uint16_t class_id;      /* base class << 8 | subclass */
    uint8_t prog_if;        /* programming interface byte (0x09) */
    uint16_t subsystem_vendor_id;   /* 0: QEMU's 1af4:1100 */
    uint16_t subsystem_id;
    bool is_bridge;         /* header type 1 (not implemented yet) */
};

OBJECT_DECLARE_SIMPLE_TYPE(PCIBus, PCI_BUS)
OBJECT_DECLARE_TYPE(PCIDevice, PCIDeviceClass, PCI_DEVICE)

/* ---- Config space accessors (little-endian) ---- */
static inline uint8_t pci_get_byte(const uint8_t *p) { return p[0]; }
static inline void pci_set_byte(uint8_t *p, uint8_t v) { p[0] = v; }
static inline uint16_t pci_get_word(const uint8_t *p)
{
    return p[0] | (p[1] << 8);
}
static inline void pci_set_word(uint8_t *p, uint16_t v)
{
    p[0] = v; p[1] = v >> 8;
}
static inline uint32_t pci_get_long(const uint8_t *p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline void pci_set_long(uint8_t *p, uint32_t v)
{
    p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24;
}
static inline uint64_t pci_get_quad(const uint8_t *p)
{
    return pci_get_long(p) | ((uint64_t)pci_get_long(p + 4) << 32);
}
static inline void pci_set_quad(uint8_t *p, uint64_t v)
{
    pci_set_long(p, v); pci_set_long(p + 4, v >> 32);
}

/* ---- Bus ---- */

/* Creates the root bus "name" owned by the host bridge 'parent'. */
PCIBus *pci_root_bus_new(DeviceState *parent, const char *name,
                         MemoryRegion *address_space_mem,
                         MemoryRegion *address_space_io, int devfn_min);
/* Installs the INTx router (see pci_map_irq_fn). */
void pci_bus_irqs(PCIBus *bus, pci_set_irq_fn set_irq,
                  pci_map_irq_fn map_irq, void *opaque, int nirq);
int pci_bus_num(PCIBus *bus);
PCIBus *pci_get_bus(const PCIDevice *dev);
/* The bus named "pci.0" (NULL if none). */
PCIBus *pci_bus_get_default(void);
PCIDevice *pci_find_device(PCIBus *bus, int bus_num, uint8_t devfn);
/* Calls fn for every function on the bus, in devfn order. */
void pci_for_each_device(PCIBus *bus,
                         void (*fn)(PCIBus *bus, PCIDevice *dev, void *opaque),
                         void *opaque);
/* Host bridge accesses (mechanism #1): bus/devfn not present -> ~0. */
uint32_t pci_host_config_read(PCIBus *bus, uint8_t bus_num, uint8_t devfn,
                              uint32_t addr, int len);
void pci_host_config_write(PCIBus *bus, uint8_t bus_num, uint8_t devfn,
                           uint32_t addr, uint32_t val, int len);

/* Create (+ realize) a function on the bus at devfn (-1: auto). */
PCIDevice *pci_new(int devfn, const char *typename);
PCIDevice *pci_new_multifunction(int devfn, bool multifunction,
                                 const char *typename);
bool pci_realize_and_unref(PCIDevice *dev, PCIBus *bus, Error **errp);
PCIDevice *pci_create_simple(PCIBus *bus, int devfn, const char *typename);
PCIDevice *pci_create_simple_multifunction(PCIBus *bus, int devfn,
                                           bool multifunction,
                                           const char *typename);

/*
 * Direct kernel boot: do what firmware does. Assigns every function's
 * I/O and memory BARs from the bus's windows (largest first, naturally
 * aligned), enables I/O and memory decoding, sets the PIIX3's PIRQ
 * routes to IRQ 10,10,11,11 (marked level-triggered in the ELCR),
 * programs each function's Interrupt Line from them, and opens the
 * i440FX PAM segments (0xc0000-0xfffff read/write RAM) so tables the
 * machine wrote in low RAM are visible.
 */
void pci_assign_bars_and_irqs(PCIBus *bus);

/* ---- Function ---- */

/*
 * Declares BAR 'region_num' (0..5, or PCI_ROM_SLOT) backed by 'memory'
 * (size a power of two, at least 4 for I/O and 16 for memory); 'type' is
 * PCI_BASE_ADDRESS_SPACE_IO or PCI_BASE_ADDRESS_SPACE_MEMORY optionally
 * ORed with PCI_BASE_ADDRESS_MEM_TYPE_64 (uses region_num + 1 too) and
 * PCI_BASE_ADDRESS_MEM_PREFETCH. Mapped when the guest programs it and
 * enables decoding in the command register.
 */
void pci_register_bar(PCIDevice *dev, int region_num, uint8_t type,
                      MemoryRegion *memory);
/* Current address of a BAR, or PCI_BAR_UNMAPPED. */
uint64_t pci_get_bar_addr(PCIDevice *dev, int region_num);
/* Recomputes every BAR's mapping from config space. */
void pci_update_mappings(PCIDevice *dev);

uint32_t pci_default_read_config(PCIDevice *dev, uint32_t addr, int len);
void pci_default_write_config(PCIDevice *dev, uint32_t addr, uint32_t val,
                              int len);
/* Through the class hooks (what the host bridge uses). */
uint32_t pci_config_read(PCIDevice *dev, uint32_t addr, int len);
void pci_config_write(PCIDevice *dev, uint32_t addr, uint32_t val, int len);

/* Sets the function's INTx level on its Interrupt Pin; honours
 * PCI_COMMAND_INTX_DISABLE and reflects PCI_STATUS_INTERRUPT. */
void pci_set_irq(PCIDevice *dev, int level);
static inline void pci_irq_assert(PCIDevice *dev) { pci_set_irq(dev, 1); }
static inline void pci_irq_deassert(PCIDevice *dev) { pci_set_irq(dev, 0); }
/* The router input (PIRQ) the function's pin is wired to, or -1. */
int pci_intx_route(PCIDevice *dev);

/* DMA as bus master: fails (MEMTX_ERROR, logged) unless the command
 * register's Bus Master bit is set. */
MemTxResult pci_dma_read(PCIDevice *dev, hwaddr addr, void *buf, hwaddr len);
MemTxResult pci_dma_write(PCIDevice *dev, hwaddr addr, const void *buf,
                          hwaddr len);
static inline bool pci_bus_master_enabled(PCIDevice *dev)
{
    return pci_get_word(dev->config + PCI_COMMAND) & PCI_COMMAND_MASTER;
}

/* ---- Capabilities ---- */

/*
 * Adds capability cap_id of 'size' bytes at 'offset' (0: first free
 * dword-aligned space from 0x40) and links it at the head of the list.
 * Returns the offset, or 0 with errp set when it does not fit/overlaps.
 */
uint8_t pci_add_capability(PCIDevice *dev, uint8_t cap_id, uint8_t offset,
                           uint8_t size, Error **errp);
void pci_del_capability(PCIDevice *dev, uint8_t cap_id, uint8_t size);
/* Offset of the first capability cap_id, 0 if absent. */
uint8_t pci_find_capability(PCIDevice *dev, uint8_t cap_id);

/* ---- MSI (messages go out through msi_send_message) ---- */

/* nr_vectors: 1,2,4,...,32. Returns the capability offset or 0. */
int msi_init(PCIDevice *dev, uint8_t offset, unsigned nr_vectors,
             bool msi64bit, bool per_vector_mask, Error **errp);
void msi_uninit(PCIDevice *dev);
bool msi_enabled(const PCIDevice *dev);
unsigned msi_nr_vectors_allocated(const PCIDevice *dev);
/* Sends vector's message (or sets its pending bit when masked). */
void msi_notify(PCIDevice *dev, unsigned vector);
/* The message vector would send now. */
void msi_get_message(PCIDevice *dev, unsigned vector, uint64_t *addr,
                     uint32_t *data);

/* ---- MSI-X ---- */

/*
 * The table lives in table_bar at table_offset and the PBA in pba_bar
 * at pba_offset (both regions owned by the device, registered as BARs by
 * the caller); cap_pos 0 = auto. Returns 0 or -1 with errp set.
 */
int msix_init(PCIDevice *dev, unsigned short nentries,
              MemoryRegion *table_bar, uint8_t table_bar_nr,
              uint32_t table_offset, MemoryRegion *pba_bar,
              uint8_t pba_bar_nr, uint32_t pba_offset, uint8_t cap_pos,
              Error **errp);
/* A BAR of its own holding table (at 0) and PBA (after it). */
int msix_init_exclusive_bar(PCIDevice *dev, unsigned short nentries,
                            uint8_t bar_nr, Error **errp);
void msix_uninit(PCIDevice *dev);
void msix_uninit_exclusive_bar(PCIDevice *dev);
bool msix_enabled(const PCIDevice *dev);
bool msix_is_masked(PCIDevice *dev, unsigned vector);
/* Sends the vector's message, or marks it pending while masked. */
void msix_notify(PCIDevice *dev, unsigned vector);
void msix_get_message(PCIDevice *dev, unsigned vector, uint64_t *addr,
                      uint32_t *data);
/* Clears all entries to masked (device reset). */
void msix_reset(PCIDevice *dev);

#endif
