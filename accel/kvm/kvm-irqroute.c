/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The in-kernel GSI routing table: pins of the PIC/IOAPIC and MSI
 * messages by number (virq), committed with one KVM_SET_GSI_ROUTING.
 */
#include "accel/kvm/kvm-int.h"

#define FIRST_MSI_VIRQ 24      /* 0-23 are the IOAPIC's pins */

static GArray *routes;         /* of struct kvm_irq_routing_entry */
static GHashTable *used_virqs;
static int next_virq = FIRST_MSI_VIRQ;

static void routes_init(void)
{
    if (!routes) {
        routes = g_array_new(false, true, sizeof(struct kvm_irq_routing_entry));
        used_virqs = g_hash_table_new(NULL, NULL);
    }
}

void kvm_irqchip_add_irq_route(int gsi, int irqchip, int pin)
{
    struct kvm_irq_routing_entry e = {
        .gsi = gsi, .type = KVM_IRQ_ROUTING_IRQCHIP,
        .u.irqchip = { .irqchip = irqchip, .pin = pin },
    };
    routes_init();
    g_array_append_val(routes, e);
}

static struct kvm_irq_routing_entry *find_msi(int virq)
{
    for (guint i = 0; routes && i < routes->len; i++) {
        struct kvm_irq_routing_entry *e =
            &g_array_index(routes, struct kvm_irq_routing_entry, i);
        if (e->gsi == (uint32_t)virq && e->type == KVM_IRQ_ROUTING_MSI) {
            return e;
        }
    }
    return NULL;
}

int kvm_irqchip_add_msi_route(uint64_t addr, uint32_t data)
{
    struct kvm_irq_routing_entry e = { .type = KVM_IRQ_ROUTING_MSI };
    int max = kvm_check_extension(KVM_CAP_IRQ_ROUTING);

    routes_init();
    while (g_hash_table_contains(used_virqs, GINT_TO_POINTER(next_virq))) {
        next_virq++;
    }
    if (max > 0 && next_virq >= max) {
        return -ENOSPC;
    }
    e.gsi = next_virq++;
    e.u.msi.address_lo = (uint32_t)addr;
    e.u.msi.address_hi = addr >> 32;
    e.u.msi.data = data;
    g_array_append_val(routes, e);
    g_hash_table_add(used_virqs, GINT_TO_POINTER(e.gsi));
    return e.gsi;
}

bool kvm_irqchip_update_msi_route(int virq, uint64_t addr, uint32_t data)
{
    struct kvm_irq_routing_entry *e = find_msi(virq);

    if (!e) {
        return false;
    }
    e->u.msi.address_lo = (uint32_t)addr;
    e->u.msi.address_hi = addr >> 32;
    e->u.msi.data = data;
    return true;
}

void kvm_irqchip_release_virq(int virq)
{
    for (guint i = 0; routes && i < routes->len; i++) {
        if (g_array_index(routes, struct kvm_irq_routing_entry, i).gsi ==
            (uint32_t)virq) {
            g_array_remove_index(routes, i--);
        }
    }
    if (used_virqs) {
        g_hash_table_remove(used_virqs, GINT_TO_POINTER(virq));
    }
    if (virq < next_virq && virq >= FIRST_MSI_VIRQ) {
        next_virq = virq;
    }
}

int kvm_irqchip_commit_routes(void)
{
    struct kvm_irq_routing *r;
    int ret;

    routes_init();
    r = g_malloc0(sizeof(*r) + routes->len * sizeof(r->entries[0]));
    r->nr = routes->len;
    memcpy(r->entries, routes->data, routes->len * sizeof(r->entries[0]));
    ret = kvm_vm_ioctl(KVM_SET_GSI_ROUTING, r);
    g_free(r);
    return ret;
}
