/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The named x86 CPU models (cpu-model-table.c): Nehalem ... EPYC-Milan,
 * qemu32 and kvm64 with QEMU 7.2's identity, levels, features and caches.
 */
#ifndef KEMU_TARGET_I386_CPU_MODEL_TABLE_H
#define KEMU_TARGET_I386_CPU_MODEL_TABLE_H

#include "target/i386/cpu.h"

struct X86CacheInfo;

typedef struct X86NamedModel {
    const char *name;
    const char *vendor;
    unsigned family, model, stepping;
    uint32_t level, xlevel;
    const char *model_id;
    const struct X86CacheInfo *cache;
    const char *features;       /* "-cpu" names, space-separated */
} X86NamedModel;

/* By name, "NAME-v1" or (for Haswell-noTSX) "Haswell-v2"; NULL if none */
const X86NamedModel *x86_named_model_find(const char *name);
/* The i-th model, NULL past the end */
const X86NamedModel *x86_named_model_nth(size_t i);
/* Append the models' lines of "-cpu help" (g_free'd strings) */
void x86_named_models_list(GPtrArray *lines);

#endif
