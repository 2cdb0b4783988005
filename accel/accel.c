/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Accelerator registry. Accelerators register their AccelOps from a
 * constructor; vl picks one by name and makes it current.
 */
#include "sysemu/accel.h"

#define MAX_ACCELS 8

static const AccelOps *accels[MAX_ACCELS];
static int nr_accels;
static const AccelOps *current;

void accel_register(const AccelOps *ops)
{
    g_assert(nr_accels < MAX_ACCELS);
    accels[nr_accels++] = ops;
}

const AccelOps *accel_find(const char *name)
{
    for (int i = 0; i < nr_accels; i++) {
        if (!strcmp(accels[i]->name, name)) {
            return accels[i];
        }
    }
    return NULL;
}

const AccelOps *current_accel(void)
{
    return current;
}

void accel_set_current(const AccelOps *ops)
{
    current = ops;
}

static bool accel_is(const char *name)
{
    return current && !strcmp(current->name, name);
}

bool kvm_enabled(void)
{
    return accel_is("kvm");
}

bool qtest_enabled(void)
{
    return accel_is("qtest");
}

bool tcg_enabled(void)
{
    return accel_is("tcg");
}

static int accel_cmp(const void *a, const void *b)
{
    return strcmp((*(const AccelOps **)a)->name, (*(const AccelOps **)b)->name);
}

void accel_print_list(FILE *f)
{
    const AccelOps *sorted[MAX_ACCELS];

    memcpy(sorted, accels, sizeof(accels[0]) * nr_accels);
    qsort(sorted, nr_accels, sizeof(sorted[0]), accel_cmp);
    fprintf(f, "Accelerators supported in kemu binary:\n");
    for (int i = 0; i < nr_accels; i++) {
        fprintf(f, "%s\n", sorted[i]->name);
    }
}
