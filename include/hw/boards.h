/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Machine types (pc, later q35) and the machine instance. */
#ifndef KEMU_BOARDS_H
#define KEMU_BOARDS_H

#include "hw/qdev.h"
#include "exec/memory.h"

#define TYPE_MACHINE "machine"
#define MACHINE_TYPE_SUFFIX "-machine"   /* "pc-i440fx-7.2-machine" */

typedef struct MachineState MachineState;
typedef struct MachineClass MachineClass;

typedef struct CpuTopology {
    unsigned cpus;
    unsigned sockets;
    unsigned dies;
    unsigned cores;
    unsigned threads;
    unsigned max_cpus;
} CpuTopology;

typedef enum KernelIrqchip {
    KERNEL_IRQCHIP_ON,      /* PIC, IOAPIC, LAPIC and PIT in KVM */
    KERNEL_IRQCHIP_SPLIT,   /* LAPIC in KVM; PIC, IOAPIC, PIT in userspace */
    KERNEL_IRQCHIP_OFF,     /* everything in userspace */
} KernelIrqchip;

struct MachineClass {
    ObjectClass parent_class;
    const char *name;           /* "pc-i440fx-7.2" */
    const char *alias;          /* "pc" */
    const char *desc;
    bool is_default;
    bool not_built;             /* accepted by name, not implemented yet */
    unsigned max_cpus;
    uint64_t default_ram_size;
    const char *default_cpu_type;
    void (*init)(MachineState *ms);
    /* Monitor: "info hotpluggable-cpus" etc. come later. */
};

struct MachineState {
    Object parent_obj;
    /* properties (-machine / -m / -smp / ...) */
    uint64_t ram_size;
    uint64_t maxram_size;
    uint64_t ram_slots;
    CpuTopology smp;
    char *cpu_model;            /* "-cpu" string: "host,+x2apic,..." */
    char *kernel_filename;
    char *initrd_filename;
    char *kernel_cmdline;
    char *firmware;             /* -bios */
    char *accel;                /* "kvm", "qtest", "kvm:tcg" */
    KernelIrqchip kernel_irqchip;
    bool kernel_irqchip_set;
    bool graphics;              /* false with -nographic / -display none */
    bool acpi;                  /* -machine acpi=on|off (default on) */
    bool hpet;                  /* -machine hpet=on|off (default on) */
    bool vga_present;           /* a VGA device exists (screen_info) */
    char *vga_type;             /* -vga: "std", "none"; NULL: default */
    bool nodefaults;

    MemoryRegion *ram;          /* the guest's RAM block */
    GPtrArray *cpus;            /* of CPUState* */
};

OBJECT_DECLARE_TYPE(MachineState, MachineClass, MACHINE)

extern MachineState *current_machine;
/* Class by name or alias; NULL if unknown. */
MachineClass *machine_find_class(const char *name);
MachineClass *machine_default_class(void);
/* "-M help" */
void machine_print_list(FILE *f);
/* "-M TYPE,help": the machine's properties. */
void machine_print_props(FILE *f, MachineClass *mc);
/*
 * Creates the machine object at "/machine" with its containers
 * "unattached", "peripheral" and "peripheral-anon"; sets current_machine.
 */
MachineState *machine_create(MachineClass *mc, Error **errp);
/* -machine prop=value: "Property 'TYPE.prop' not found" when unknown. */
bool machine_set_property(MachineState *ms, const char *name,
                          const char *value, Error **errp);
/* "sockets (1) * dies (1) * cores (2) * threads (1)" for messages. */
char *machine_topo_to_string(const CpuTopology *topo);

/*
 * Applies QEMU's -smp rules: fill in omitted sockets/cores/threads/
 * maxcpus, check the product, report "Invalid CPU topology: ..." errors.
 */
bool machine_parse_smp(CpuTopology *topo, Opts *opts, unsigned max_cpus,
                       const char *machine_name, Error **errp);

#endif
