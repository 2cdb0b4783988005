/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the gdbstub files share: the session state, the register layout
 * (target-x86.c), thread ids (threads.c) and the command dispatcher
 * (commands.c) that gdbstub.c feeds with packets.
 */
#ifndef KEMU_GDBSTUB_INTERNAL_H
#define KEMU_GDBSTUB_INTERNAL_H

#include "gdbstub/packet.h"
#include "hw/core/cpu.h"
#include "chardev/char.h"

typedef struct GdbState {
    Chardev *chr;
    bool chr_owned;             /* created by the stub: delete at stop */
    CharFrontend fe;
    GdbPacketParser parser;
    bool attached;              /* a client is connected */
    bool no_ack;                /* QStartNoAckMode accepted */
    bool dead;                  /* bad client: ignore input until closed */
    bool multiprocess;          /* client speaks pPID.TID thread ids */
    bool phys_mem;              /* Qqemu.PhyMemMode:1 */
    int sstep_flags;            /* Qqemu.sstep */
    GString *last;              /* last packet sent, for a NAK */
    GString *out;               /* bytes the chardev has not taken yet */
    CPUState *g_cpu;            /* Hg: registers and memory */
    CPUState *c_cpu;            /* Hc: continue/step */
    CPUState *stop_cpu;         /* reported in the last stop reply */
    CPUState *run_cpu;          /* a resumed one: named when none stops */
    bool running;               /* resumed by the client, stop reply due */
} GdbState;

/* gdbstub.c */
void gdb_send_packet(GdbState *s, const char *payload, size_t len);
void gdb_send_str(GdbState *s, const char *payload);
/* Resume the VM for the client (after vCont/c/s): every vCPU when run is
 * NULL, else those whose run[cpu_index] is true (nrun entries). */
void gdb_resume(GdbState *s, const bool *run, int nrun);
/* Stop reply for cpu into out ("T05thread:..."). */
void gdb_stop_reply(GdbState *s, CPUState *cpu, GString *out);
/* The client asked to detach or kill. */
void gdb_detach(GdbState *s);

/* commands.c: one packet from the client. */
void gdb_handle_packet(GdbState *s, char *pkt, size_t len);

/* target-x86.c: the i386:x86-64 layout, the same in every CPU mode. */
#define GDB_X86_NUM_REGS 66
const char *gdb_x86_target_xml(void);
/* Register n into buf (little endian); returns its size, 0 if unknown. */
int gdb_x86_read_reg(CPUState *cpu, int n, uint8_t *buf);
/* Register n from buf of len bytes; returns the size used, 0 if unknown
 * or len is too short. */
int gdb_x86_write_reg(CPUState *cpu, int n, const uint8_t *buf, size_t len);
/* Size of register n; 0 if unknown. */
int gdb_x86_reg_size(int n);

/* threads.c: thread ids are cpu_index + 1, the process id is 1. */
void gdb_append_thread_id(GdbState *s, CPUState *cpu, GString *out);
/* Parses "TID", "pPID.TID", "-1", "0": *cpu is NULL for "all" (-1), the
 * first CPU for "any" (0). *end points past it. false if malformed or
 * the thread does not exist. */
bool gdb_parse_thread_id(const char *p, const char **end, CPUState **cpu,
                         bool *all);
void gdb_thread_extra_info(CPUState *cpu, GString *out);

#endif
