/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PIIX4 power management function (00:01.3, 8086:7113) as ACPI fixed
 * hardware (ACPI 6.4, chapter 4.8): PM1a event and control blocks, the
 * 24-bit PM timer at 3.579545 MHz, GPE0, SCI on ISA IRQ 9, and the APM
 * control port 0xb2 that firmware-less guests use as SMI_CMD to switch
 * to ACPI mode. Writing SLP_TYP=S5 with SLP_EN powers the machine off;
 * the power button (system_powerdown) sets PWRBTN_STS and raises SCI.
 *
 * The PM I/O block sits at PMBA (config 0x40, 64-byte aligned) when
 * PMREGMISC (0x80) bit 0 is set. Reset leaves it at 0x600 and enabled,
 * which is what the FADT says and what direct kernel boot needs.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "util/timer.h"
#include "hw/acpi/pm.h"
#include "hw/isa.h"
#include "hw/southbridge/piix.h"
#include "sysemu/runstate.h"

#define PM1_STS_EVENTS (ACPI_BITMASK_TIMER_STATUS |                 \
                        ACPI_BITMASK_GLOBAL_LOCK_STATUS |           \
                        ACPI_BITMASK_POWER_BUTTON_STATUS |          \
                        ACPI_BITMASK_SLEEP_BUTTON_STATUS |          \
                        ACPI_BITMASK_RT_CLOCK_STATUS)
#define PM1_EN_MASK    (ACPI_BITMASK_TIMER_ENABLE |                 \
                        ACPI_BITMASK_GLOBAL_LOCK_ENABLE |           \
                        ACPI_BITMASK_POWER_BUTTON_ENABLE |          \
                        0x0200 /* SLPBTN_EN */ |                    \
                        ACPI_BITMASK_RT_CLOCK_ENABLE)

static PIIX4PMState *pm_powerdown_target;

/* ---- PM timer ---- */

static uint64_t pm_ticks(int64_t ns)
{
    return (unsigned __int128)ns * ACPI_PM_TMR_FREQUENCY /
           NANOSECONDS_PER_SECOND;
}

/* First virtual ns at which the tick count reaches 'ticks'. */
static int64_t pm_ticks_to_ns(uint64_t ticks)
{
    return ((unsigned __int128)ticks * NANOSECONDS_PER_SECOND +
            ACPI_PM_TMR_FREQUENCY - 1) / ACPI_PM_TMR_FREQUENCY;
}

static int64_t pm_next_overflow(int64_t now)
{
    uint64_t t = pm_ticks(now);

    /* TMR_STS is set whenever bit 23 of the counter changes. */
    return pm_ticks_to_ns(((t >> 23) + 1) << 23);
}

static void pm_update_sci(PIIX4PMState *s);

/* Latches TMR_STS for every bit-23 toggle up to now; arms the timer for
 * the next one while TMR_EN wants an interrupt for it. */
static void pm_tmr_update(PIIX4PMState *s)
{
    int64_t now = clock_get_ns(KEMU_CLOCK_VIRTUAL);

    if (now >= s->tmr_overflow_ns) {
        s->pm1_sts |= ACPI_BITMASK_TIMER_STATUS;
        s->tmr_overflow_ns = pm_next_overflow(now);
    }
    if (s->pm1_en & ACPI_BITMASK_TIMER_ENABLE) {
        timer_mod_ns(s->tmr_timer, s->tmr_overflow_ns);
    } else {
        timer_del(s->tmr_timer);
    }
}

static void pm_tmr_cb(void *opaque)
{
    PIIX4PMState *s = opaque;

    pm_tmr_update(s);
    pm_update_sci(s);
}

/* ---- SCI ---- */

static void pm_update_sci(PIIX4PMState *s)
{
    bool level = (s->pm1_sts & s->pm1_en & PM1_STS_EVENTS) != 0;
    qemu_irq irq = s->sci_irq;

    for (int i = 0; i < 4; i++) {
        level |= (s->gpe_sts[i] & s->gpe_en[i]) != 0;
    }
    if (!irq && isa_bus_get_default()) {
        irq = isa_bus_get_default()->irqs[ACPI_SCI_IRQ];
    }
    if (level != s->sci_level) {
        s->sci_level = level;
        qemu_set_irq(irq, level);
    }
}

void piix4_pm_gpe_raise(PIIX4PMState *s, unsigned bit)
{
    if (bit < 32) {
        s->gpe_sts[bit / 8] |= 1u << (bit % 8);
        pm_update_sci(s);
    }
}

static void pm_powerdown(void *opaque)
{
    PIIX4PMState *s = opaque;

    if (pm_powerdown_target != s) {
        return;     /* unrealized: the notifier cannot be removed */
    }
    s->pm1_sts |= ACPI_BITMASK_POWER_BUTTON_STATUS;
    pm_update_sci(s);
}

/* ---- PM1 / timer registers ---- */

static void pm1_cnt_write(PIIX4PMState *s, uint16_t val)
{
    s->pm1_cnt = val & ~ACPI_BITMASK_SLEEP_ENABLE;
    if (val & ACPI_BITMASK_SLEEP_ENABLE) {
        unsigned typ = (val & ACPI_BITMASK_SLEEP_TYPE) >> ACPI_SLP_TYP_SHIFT;

        if (typ == ACPI_S5_SLP_TYP) {
            qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
        } else {
            kemu_log_mask(LOG_UNIMP, "piix4-pm: sleep type %u not "
                          "supported\n", typ);
        }
    }
}

static uint32_t pm_reg_read32(PIIX4PMState *s, hwaddr off)
{
    switch (off) {
    case ACPI_PM1_EVT_OFFSET:
        pm_tmr_update(s);
        return s->pm1_sts | ((uint32_t)s->pm1_en << 16);
    case ACPI_PM1_CNT_OFFSET:
        return s->pm1_cnt;
    case ACPI_PM_TMR_OFFSET:
        return pm_ticks(clock_get_ns(KEMU_CLOCK_VIRTUAL)) & 0xffffff;
    default:
        return 0;
    }
}

static uint64_t pm_io_read(void *opaque, hwaddr addr, unsigned size)
{
    PIIX4PMState *s = opaque;
    uint64_t v = pm_reg_read32(s, addr & ~3);

    v >>= (addr & 3) * 8;
    return size == 4 ? (uint32_t)v : v & ((1u << (size * 8)) - 1);
}

static void pm_io_write(void *opaque, hwaddr addr, uint64_t val,
                        unsigned size)
{
    PIIX4PMState *s = opaque;
    unsigned shift = (addr & 3) * 8;
    uint32_t bytes = (size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1)
                     << shift;
    uint32_t v = (uint32_t)val << shift;

    switch (addr & ~3) {
    case ACPI_PM1_EVT_OFFSET:
        pm_tmr_update(s);
        /* PM1_STS: write 1 to clear. */
        s->pm1_sts &= ~(v & bytes & 0xffff);
        if (bytes & 0xffff0000) {
            uint16_t m = bytes >> 16;
            s->pm1_en = (s->pm1_en & ~m) | ((v >> 16) & m & PM1_EN_MASK);
        }
        pm_tmr_update(s);
        pm_update_sci(s);
        break;
    case ACPI_PM1_CNT_OFFSET:
        if (bytes & 0xffff) {
            uint16_t m = bytes;
            pm1_cnt_write(s, (s->pm1_cnt & ~m) | (v & m));
        }
        break;
    case ACPI_PM_TMR_OFFSET:
        break;      /* read-only */
    default:
        kemu_log_mask(LOG_GUEST_ERROR, "piix4-pm: write to 0x%" HWADDR_PRIx
                      "\n", addr);
        break;
    }
}

static const MemoryRegionOps pm_io_ops = {
    .read = pm_io_read,
    .write = pm_io_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* ---- GPE0 ---- */

static uint64_t gpe_read(void *opaque, hwaddr addr, unsigned size)
{
    PIIX4PMState *s = opaque;

    return addr < 4 ? s->gpe_sts[addr] : s->gpe_en[addr - 4];
}

static void gpe_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PIIX4PMState *s = opaque;

    if (addr < 4) {
        s->gpe_sts[addr] &= ~val;
    } else {
        s->gpe_en[addr - 4] = val;
    }
    pm_update_sci(s);
}

static const MemoryRegionOps gpe_ops = {
    .read = gpe_read,
    .write = gpe_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- APM control/status (0xb2/0xb3) ---- */

static uint64_t apm_read(void *opaque, hwaddr addr, unsigned size)
{
    PIIX4PMState *s = opaque;

    return addr ? s->apm_sts : s->apm_cnt;
}

static void apm_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PIIX4PMState *s = opaque;

    if (addr) {
        s->apm_sts = val;
        return;
    }
    s->apm_cnt = val;
    /* No SMM handler: do what its ACPI enable/disable code would do. */
    if (val == ACPI_ENABLE_VALUE) {
        s->pm1_cnt |= ACPI_BITMASK_SCI_ENABLE;
    } else if (val == ACPI_DISABLE_VALUE) {
        s->pm1_cnt &= ~ACPI_BITMASK_SCI_ENABLE;
    }
}

static const MemoryRegionOps apm_ops = {
    .read = apm_read,
    .write = apm_write,
    .valid = { .min_access_size = 1, .max_access_size = 2 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- Config space ---- */

static void pm_io_space_update(PIIX4PMState *s)
{
    PCIDevice *d = &s->parent_obj;
    uint16_t base = pci_get_word(d->config + PIIX4_PM_PMBA) & 0xffc0;
    bool on = d->config[PIIX4_PM_PMREGMISC] & 1;
    uint16_t want = on ? base : 0;

    if (want == s->io_base) {
        return;
    }
    memory_region_transaction_begin();
    if (s->io_base) {
        memory_region_del_subregion(s->io_space, &s->io);
    }
    if (want) {
        memory_region_add_subregion(s->io_space, want, &s->io);
    }
    s->io_base = want;
    memory_region_transaction_commit();
}

static void pm_write_config(PCIDevice *d, uint32_t addr, uint32_t val,
                            int len)
{
    pci_default_write_config(d, addr, val, len);
    if ((addr < PIIX4_PM_PMBA + 4 && addr + len > PIIX4_PM_PMBA) ||
        (addr <= PIIX4_PM_PMREGMISC && addr + len > PIIX4_PM_PMREGMISC)) {
        pm_io_space_update(PIIX4_PM(d));
    }
}

static void pm_set_config_defaults(PCIDevice *d)
{
    pci_set_long(d->config + PIIX4_PM_PMBA, ACPI_PM_BASE | 1);
    d->config[PIIX4_PM_PMREGMISC] = 1;
}

static bool pm_realize(PCIDevice *d, Error **errp)
{
    PIIX4PMState *s = PIIX4_PM(d);

    d->config[PCI_INTERRUPT_PIN] = 1;
    /* PMBA: bits 15:6 writable, bit 0 reads 1 (I/O space indicator). */
    pci_set_long(d->wmask + PIIX4_PM_PMBA, 0xffc0);
    d->wmask[PIIX4_PM_PMREGMISC] = 0x01;
    pm_set_config_defaults(d);

    s->io_space = get_system_io();
    s->tmr_timer = timer_new_ns(KEMU_CLOCK_VIRTUAL, pm_tmr_cb, s);
    s->tmr_overflow_ns = pm_next_overflow(clock_get_ns(KEMU_CLOCK_VIRTUAL));
    memory_region_init_io(&s->io, OBJECT(d), &pm_io_ops, s, "piix4-pm",
                          ACPI_PM_IO_LEN);
    memory_region_init_io(&s->gpe_io, OBJECT(d), &gpe_ops, s, "acpi-gpe0",
                          ACPI_GPE0_LEN);
    memory_region_add_subregion(s->io_space, ACPI_GPE0_BASE, &s->gpe_io);
    memory_region_init_io(&s->apm_io, OBJECT(d), &apm_ops, s, "apm-io", 2);
    memory_region_add_subregion(s->io_space, ACPI_SMI_CMD_PORT, &s->apm_io);
    pm_io_space_update(s);

    qdev_init_gpio_out_named(DEVICE(d), &s->sci_irq, "sci", 1);
    if (!pm_powerdown_target) {
        qemu_register_powerdown_notifier(pm_powerdown, s);
    }
    pm_powerdown_target = s;
    return true;
}

static void pm_exit(PCIDevice *d)
{
    PIIX4PMState *s = PIIX4_PM(d);

    if (pm_powerdown_target == s) {
        pm_powerdown_target = NULL;
    }
    memory_region_transaction_begin();
    if (s->io_base) {
        memory_region_del_subregion(s->io_space, &s->io);
        s->io_base = 0;
    }
    memory_region_del_subregion(s->io_space, &s->gpe_io);
    memory_region_del_subregion(s->io_space, &s->apm_io);
    memory_region_transaction_commit();
    memory_region_destroy(&s->io);
    memory_region_destroy(&s->gpe_io);
    memory_region_destroy(&s->apm_io);
    timer_free(s->tmr_timer);
    s->tmr_timer = NULL;
    if (s->sci_level) {
        s->pm1_sts = s->pm1_en = 0;
        memset(s->gpe_sts, 0, sizeof(s->gpe_sts));
        pm_update_sci(s);
    }
}

static void pm_reset(PCIDevice *d)
{
    PIIX4PMState *s = PIIX4_PM(d);

    pm_set_config_defaults(d);
    s->pm1_sts = 0;
    s->pm1_en = 0;
    s->pm1_cnt = 0;
    memset(s->gpe_sts, 0, sizeof(s->gpe_sts));
    memset(s->gpe_en, 0, sizeof(s->gpe_en));
    s->apm_cnt = s->apm_sts = 0;
    s->tmr_overflow_ns = pm_next_overflow(clock_get_ns(KEMU_CLOCK_VIRTUAL));
    pm_tmr_update(s);
    pm_update_sci(s);
    pm_io_space_update(s);
}

static int pm_post_load(void *opaque, int version)
{
    PIIX4PMState *s = opaque;

    pm_io_space_update(s);
    pm_tmr_update(s);
    s->sci_level = -1;
    pm_update_sci(s);
    return 0;
}

static const StateField pm_fields[] = {
    STATE_UINT8_ARRAY(parent_obj.config, PIIX4PMState, PCI_CONFIG_SPACE_SIZE),
    STATE_UINT16(pm1_sts, PIIX4PMState),
    STATE_UINT16(pm1_en, PIIX4PMState),
    STATE_UINT16(pm1_cnt, PIIX4PMState),
    STATE_UINT8_ARRAY(gpe_sts, PIIX4PMState, 4),
    STATE_UINT8_ARRAY(gpe_en, PIIX4PMState, 4),
    STATE_UINT8(apm_cnt, PIIX4PMState),
    STATE_UINT8(apm_sts, PIIX4PMState),
    STATE_INT64(tmr_overflow_ns, PIIX4PMState),
    STATE_END
};

static const StateDesc pm_state = {
    .name = "piix4_pm", .version = 1, .fields = pm_fields,
    .post_load = pm_post_load,
};

static void pm_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->realize = pm_realize;
    pc->exit = pm_exit;
    pc->reset = pm_reset;
    pc->config_write = pm_write_config;
    pc->vendor_id = PCI_VENDOR_ID_INTEL;
    pc->device_id = PCI_DEVICE_ID_INTEL_82371AB_3;
    pc->revision = 0x03;
    pc->class_id = PCI_CLASS_BRIDGE_OTHER;
    dc->desc = "PM";
    dc->category = "bridge";
    dc->state = &pm_state;
    dc->user_creatable = false;
}

static const TypeInfo pm_types[] = {
    {
        .name = TYPE_PIIX4_PM,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(PIIX4PMState),
        .class_size = sizeof(PCIDeviceClass),
        .class_init = pm_class_init,
    },
};

DEFINE_TYPES(pm_types)
