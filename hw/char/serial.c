/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 16550A UART (per the NS16550A / TL16C550 data sheets).
 *
 * Transmission is immediate: a byte written to THR moves through the TX
 * FIFO into the shift register (tsr) and on to the chardev at once. If
 * the chardev's buffer is full the byte stays in the shift register,
 * LSR.TEMT (and, once the FIFO fills, THRE) stay clear and a watch
 * resumes the transmitter when the backend drains. In loopback mode
 * (MCR bit 4) the shift register feeds the receiver instead, and the
 * modem control outputs drive the modem status inputs.
 *
 * The receiver takes input only as fast as the FIFO drains (can_read),
 * so host input is never overrun; overruns happen only in loopback.
 */
#include "util/osdep.h"
#include "hw/char/serial.h"
#include "util/log.h"

#define UART_IER_RDI   0x01
#define UART_IER_THRI  0x02
#define UART_IER_RLSI  0x04
#define UART_IER_MSI   0x08

#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI   0x00
#define UART_IIR_THRI  0x02
#define UART_IIR_RDI   0x04
#define UART_IIR_RLSI  0x06
#define UART_IIR_CTI   0x0c
#define UART_IIR_FE    0xc0   /* FIFOs enabled */

#define UART_FCR_FE    0x01
#define UART_FCR_RFR   0x02
#define UART_FCR_XFR   0x04

#define UART_LCR_DLAB  0x80
#define UART_LCR_SB    0x40

#define UART_MCR_DTR   0x01
#define UART_MCR_RTS   0x02
#define UART_MCR_OUT1  0x04
#define UART_MCR_OUT2  0x08
#define UART_MCR_LOOP  0x10

#define UART_LSR_DR    0x01
#define UART_LSR_OE    0x02
#define UART_LSR_PE    0x04
#define UART_LSR_FE    0x08
#define UART_LSR_BI    0x10
#define UART_LSR_THRE  0x20
#define UART_LSR_TEMT  0x40
#define UART_LSR_FIFOE 0x80
#define UART_LSR_ERRS  (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

#define UART_MSR_DCTS  0x01
#define UART_MSR_DDSR  0x02
#define UART_MSR_TERI  0x04
#define UART_MSR_DDCD  0x08
#define UART_MSR_CTS   0x10
#define UART_MSR_DSR   0x20
#define UART_MSR_RI    0x40
#define UART_MSR_DCD   0x80
#define UART_MSR_DELTAS 0x0f

/* Without modem control from the backend the line looks connected. */
#define MSR_IDLE_INPUTS (UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS)

static bool fifo_on(SerialState *s)
{
    return s->fcr & UART_FCR_FE;
}

static unsigned fifo_depth(SerialState *s)
{
    return fifo_on(s) ? UART_FIFO_LEN : 1;
}

static bool loopback(SerialState *s)
{
    return s->mcr & UART_MCR_LOOP;
}

static unsigned rx_trigger(SerialState *s)
{
    static const uint8_t levels[4] = { 1, 4, 8, 14 };
    return fifo_on(s) ? levels[s->fcr >> 6] : 1;
}

static uint8_t serial_lsr(SerialState *s)
{
    uint8_t v = s->lsr & UART_LSR_ERRS;

    if (s->rx_count) {
        v |= UART_LSR_DR;
    }
    if (!s->tx_count) {
        v |= UART_LSR_THRE;
        if (!s->tsr_full) {
            v |= UART_LSR_TEMT;
        }
    }
    if (fifo_on(s)) {
        for (unsigned i = 0; i < s->rx_count; i++) {
            if (s->rx_err[(s->rx_head + i) % UART_FIFO_LEN]) {
                v |= UART_LSR_FIFOE;
                break;
            }
        }
    }
    return v;
}

/* The highest-priority pending interrupt, as IIR bits 0-3. */
static uint8_t serial_iir_id(SerialState *s)
{
    if ((s->ier & UART_IER_RLSI) && (s->lsr & UART_LSR_ERRS)) {
        return UART_IIR_RLSI;
    }
    if ((s->ier & UART_IER_RDI) && s->rx_count >= rx_trigger(s)) {
        return UART_IIR_RDI;
    }
    if ((s->ier & UART_IER_RDI) && s->timeout_ipending) {
        return UART_IIR_CTI;
    }
    if ((s->ier & UART_IER_THRI) && s->thr_ipending) {
        return UART_IIR_THRI;
    }
    if ((s->ier & UART_IER_MSI) && (s->msr & UART_MSR_DELTAS)) {
        return UART_IIR_MSI;
    }
    return UART_IIR_NO_INT;
}

static void serial_update_irq(SerialState *s)
{
    qemu_set_irq(s->irq, serial_iir_id(s) != UART_IIR_NO_INT);
}

/* Four character times at the current line settings. */
static int64_t serial_timeout_ns(SerialState *s)
{
    unsigned bits = 1 + 5 + (s->lcr & 3) + ((s->lcr & 8) ? 1 : 0) +
                    ((s->lcr & 4) ? 2 : 1);
    uint64_t div = s->divisor ? s->divisor : 1;
    uint64_t base = s->baudbase ? s->baudbase : 115200;

    return 4 * bits * div * NANOSECONDS_PER_SECOND / base;
}

static void serial_arm_timeout(SerialState *s)
{
    if (fifo_on(s) && s->rx_count) {
        s->timeout_deadline = clock_get_ns(KEMU_CLOCK_VIRTUAL) +
                              serial_timeout_ns(s);
        timer_mod_ns(s->rx_timer, s->timeout_deadline);
    } else {
        s->timeout_deadline = -1;
        timer_del(s->rx_timer);
    }
}

static void serial_timeout_cb(void *opaque)
{
    SerialState *s = opaque;

    s->timeout_deadline = -1;
    if (fifo_on(s) && s->rx_count) {
        s->timeout_ipending = true;
        serial_update_irq(s);
    }
}

static void serial_rx_clear(SerialState *s)
{
    s->rx_head = s->rx_count = 0;
    memset(s->rx_err, 0, sizeof(s->rx_err));
    s->timeout_ipending = false;
    serial_arm_timeout(s);
}

static void serial_receive_byte(SerialState *s, uint8_t b, uint8_t err)
{
    unsigned depth = fifo_depth(s);

    if (s->rx_count >= depth) {
        s->lsr |= UART_LSR_OE;
        if (!fifo_on(s)) {
            /* 16450 behaviour: the new byte overwrites RBR. */
            s->rx_fifo[s->rx_head] = b;
            s->rx_err[s->rx_head] = err;
        }
    } else {
        unsigned slot = (s->rx_head + s->rx_count) % UART_FIFO_LEN;
        s->rx_fifo[slot] = b;
        s->rx_err[slot] = err;
        s->rx_count++;
    }
    s->lsr |= err;
    s->timeout_ipending = false;
    serial_arm_timeout(s);
    serial_update_irq(s);
}

static void serial_xmit(SerialState *s);

static void serial_writable(void *opaque)
{
    SerialState *s = opaque;

    s->watch_armed = false;
    serial_xmit(s);
}

/* Move bytes FIFO -> shift register -> backend (or receiver). */
static void serial_xmit(SerialState *s)
{
    for (;;) {
        if (!s->tsr_full) {
            if (!s->tx_count) {
                break;
            }
            s->tsr = s->tx_fifo[s->tx_head];
            s->tx_head = (s->tx_head + 1) % UART_FIFO_LEN;
            s->tx_count--;
            s->tsr_full = true;
            if (!s->tx_count) {
                s->thr_ipending = true;     /* holding side now empty */
            }
        }
        if (loopback(s)) {
            serial_receive_byte(s, s->tsr, 0);
        } else if (chr_fe_write(&s->chr, &s->tsr, 1) != 1) {
            if (!s->watch_armed) {
                s->watch_armed = true;
                chr_fe_add_watch(&s->chr, serial_writable);
            }
            break;
        }
        s->tsr_full = false;
    }
    serial_update_irq(s);
}

static void serial_update_msr(SerialState *s)
{
    uint8_t in = MSR_IDLE_INPUTS, old = s->msr;

    if (loopback(s)) {
        in = ((s->mcr & UART_MCR_RTS) ? UART_MSR_CTS : 0) |
             ((s->mcr & UART_MCR_DTR) ? UART_MSR_DSR : 0) |
             ((s->mcr & UART_MCR_OUT1) ? UART_MSR_RI : 0) |
             ((s->mcr & UART_MCR_OUT2) ? UART_MSR_DCD : 0);
    }
    s->msr = (old & UART_MSR_DELTAS) | in;
    if ((old ^ in) & UART_MSR_CTS) {
        s->msr |= UART_MSR_DCTS;
    }
    if ((old ^ in) & UART_MSR_DSR) {
        s->msr |= UART_MSR_DDSR;
    }
    if ((old & UART_MSR_RI) && !(in & UART_MSR_RI)) {
        s->msr |= UART_MSR_TERI;
    }
    if ((old ^ in) & UART_MSR_DCD) {
        s->msr |= UART_MSR_DDCD;
    }
}

static void serial_write_fcr(SerialState *s, uint8_t val)
{
    if ((val ^ s->fcr) & UART_FCR_FE) {
        /* Switching FIFO mode empties both FIFOs. */
        val |= UART_FCR_RFR | UART_FCR_XFR;
    }
    if (val & UART_FCR_RFR) {
        serial_rx_clear(s);
    }
    if (val & UART_FCR_XFR) {
        s->tx_head = s->tx_count = 0;
        s->thr_ipending = true;
    }
    s->fcr = (val & UART_FCR_FE) ? (val & 0xc9) : 0;
    serial_arm_timeout(s);
}

static void serial_write(void *opaque, hwaddr addr, uint64_t val,
                         unsigned size)
{
    SerialState *s = opaque;
    uint8_t v = val;

    switch (addr & 7) {
    case 0:
        if (s->lcr & UART_LCR_DLAB) {
            s->divisor = (s->divisor & 0xff00) | v;
            break;
        }
        if (s->tx_count >= fifo_depth(s)) {
            kemu_log_mask(LOG_GUEST_ERROR,
                          "serial: THR written while the transmitter is full\n");
            break;
        }
        s->tx_fifo[(s->tx_head + s->tx_count) % UART_FIFO_LEN] = v;
        s->tx_count++;
        s->thr_ipending = false;
        serial_xmit(s);
        return;
    case 1:
        if (s->lcr & UART_LCR_DLAB) {
            s->divisor = (s->divisor & 0x00ff) | (v << 8);
            break;
        }
        /* Enabling THRE interrupts while THR is empty fires at once. */
        if ((v & UART_IER_THRI) && !(s->ier & UART_IER_THRI) &&
            !s->tx_count) {
            s->thr_ipending = true;
        }
        s->ier = v & 0x0f;
        break;
    case 2:
        serial_write_fcr(s, v);
        break;
    case 3: {
        bool brk = (v & UART_LCR_SB) && !(s->lcr & UART_LCR_SB);
        s->lcr = v;
        if (brk && loopback(s)) {
            serial_receive_byte(s, 0, UART_LSR_BI);
        }
        break;
    }
    case 4: {
        bool was_loop = loopback(s);
        s->mcr = v & 0x1f;
        serial_update_msr(s);
        if (was_loop != loopback(s)) {
            serial_xmit(s);
            if (!loopback(s)) {
                chr_fe_accept_input(&s->chr);
            }
        }
        break;
    }
    case 5:
        /* LSR is read-only on a 16550A (factory test only). */
        kemu_log_mask(LOG_GUEST_ERROR, "serial: write to LSR ignored\n");
        break;
    case 6:
        /* MSR status bits are inputs; deltas can be cleared by writing. */
        s->msr = (s->msr & 0xf0) | (v & s->msr & UART_MSR_DELTAS);
        break;
    case 7:
        s->scr = v;
        break;
    }
    serial_update_irq(s);
}

static uint64_t serial_read(void *opaque, hwaddr addr, unsigned size)
{
    SerialState *s = opaque;
    uint8_t ret = 0;

    switch (addr & 7) {
    case 0:
        if (s->lcr & UART_LCR_DLAB) {
            return s->divisor & 0xff;
        }
        if (s->rx_count) {
            s->rbr = s->rx_fifo[s->rx_head];
            s->rx_err[s->rx_head] = 0;
            s->rx_head = (s->rx_head + 1) % UART_FIFO_LEN;
            s->rx_count--;
        }
        ret = s->rbr;
        s->timeout_ipending = false;
        serial_arm_timeout(s);
        serial_update_irq(s);
        if (!loopback(s)) {
            chr_fe_accept_input(&s->chr);
        }
        return ret;
    case 1:
        return (s->lcr & UART_LCR_DLAB) ? s->divisor >> 8 : s->ier;
    case 2: {
        uint8_t id = serial_iir_id(s);
        ret = id | (fifo_on(s) ? UART_IIR_FE : 0);
        if (id == UART_IIR_THRI) {
            s->thr_ipending = false;    /* reading IIR acknowledges THRE */
            serial_update_irq(s);
        }
        return ret;
    }
    case 3:
        return s->lcr;
    case 4:
        return s->mcr;
    case 5:
        ret = serial_lsr(s);
        s->lsr &= ~UART_LSR_ERRS;
        serial_update_irq(s);
        return ret;
    case 6:
        ret = s->msr;
        s->msr &= ~UART_MSR_DELTAS;
        serial_update_irq(s);
        return ret;
    case 7:
        return s->scr;
    }
    return 0;
}

const MemoryRegionOps serial_io_ops = {
    .read = serial_read,
    .write = serial_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- chardev side ---- */

static int serial_can_receive(void *opaque)
{
    SerialState *s = opaque;

    if (loopback(s)) {
        return 0;
    }
    return fifo_depth(s) - s->rx_count;
}

static void serial_receive(void *opaque, const uint8_t *buf, int len)
{
    SerialState *s = opaque;

    if (loopback(s)) {
        return;
    }
    for (int i = 0; i < len; i++) {
        serial_receive_byte(s, buf[i], 0);
    }
}

static void serial_event(void *opaque, ChrEvent event)
{
    SerialState *s = opaque;

    if (event == CHR_EVENT_BREAK && !loopback(s)) {
        serial_receive_byte(s, 0, UART_LSR_BI);
    }
}

void serial_core_reset(SerialState *s)
{
    s->divisor = 0x0c;          /* 9600 baud, as firmware leaves it */
    s->ier = 0;
    s->lcr = 0;
    s->mcr = UART_MCR_OUT2;
    s->lsr = 0;
    s->msr = MSR_IDLE_INPUTS;
    s->scr = 0;
    s->fcr = 0;
    s->rbr = 0;
    s->thr_ipending = false;
    s->timeout_ipending = false;
    s->tx_head = s->tx_count = 0;
    s->tsr_full = false;
    serial_rx_clear(s);
    serial_update_irq(s);
}

void serial_core_init(SerialState *s, Object *owner, Chardev *chr,
                      qemu_irq irq)
{
    s->owner = owner;
    s->irq = irq;
    s->rx_timer = timer_new_ns(KEMU_CLOCK_VIRTUAL, serial_timeout_cb, s);
    s->timeout_deadline = -1;
    if (chr) {
        chr_fe_init(&s->chr, chr, &error_abort);
        chr_fe_set_handlers(&s->chr, serial_can_receive, serial_receive,
                            serial_event, s);
    } else {
        chr_fe_init(&s->chr, NULL, &error_abort);
    }
    serial_core_reset(s);
}

void serial_core_deinit(SerialState *s)
{
    chr_fe_deinit(&s->chr);
    timer_free(s->rx_timer);
    s->rx_timer = NULL;
    s->watch_armed = false;
}

static int serial_post_load(void *opaque, int version)
{
    SerialState *s = opaque;

    if (s->rx_timer) {
        if (s->timeout_deadline >= 0) {
            timer_mod_ns(s->rx_timer, s->timeout_deadline);
        } else {
            timer_del(s->rx_timer);
        }
        serial_xmit(s);
    }
    return 0;
}

static const StateField serial_fields[] = {
    STATE_UINT16(divisor, SerialState),
    STATE_UINT8(ier, SerialState),
    STATE_UINT8(lcr, SerialState),
    STATE_UINT8(mcr, SerialState),
    STATE_UINT8(lsr, SerialState),
    STATE_UINT8(msr, SerialState),
    STATE_UINT8(scr, SerialState),
    STATE_UINT8(fcr, SerialState),
    STATE_UINT8(rbr, SerialState),
    STATE_BOOL(thr_ipending, SerialState),
    STATE_BOOL(timeout_ipending, SerialState),
    STATE_BOOL(tsr_full, SerialState),
    STATE_UINT8(tsr, SerialState),
    STATE_UINT8_ARRAY(rx_fifo, SerialState, UART_FIFO_LEN),
    STATE_UINT8_ARRAY(rx_err, SerialState, UART_FIFO_LEN),
    STATE_UINT8(rx_head, SerialState),
    STATE_UINT8(rx_count, SerialState),
    STATE_UINT8_ARRAY(tx_fifo, SerialState, UART_FIFO_LEN),
    STATE_UINT8(tx_head, SerialState),
    STATE_UINT8(tx_count, SerialState),
    STATE_INT64(timeout_deadline, SerialState),
    STATE_END
};

const StateDesc serial_state_desc = {
    .name = "serial",
    .version = 1,
    .fields = serial_fields,
    .post_load = serial_post_load,
};
