/* SPDX-License-Identifier: MIT */
/*
 * 16550A UART register model.  Register behaviour and reset values follow
 * the PC16550D datasheet ("Registers", "Reset" and "Interrupt Control"
 * tables); where the datasheet leaves a value undefined the choice is noted.
 */
#include <string.h>

#include "dev/uart16550.h"

/*
 * The datasheet leaves the divisor latch undefined after reset.  Start at
 * 9600 baud (divisor 12 of the PC's 1.8432 MHz clock / 16) so a guest that
 * reads it back before programming it sees a plausible rate.
 */
#define UART16550_RESET_DIVISOR 12
#define BYTE_BITS 8
#define BYTE_MASK 0xff

/* RX FIFO interrupt trigger levels selected by FCR bits 7:6. */
static const u8 uart_rx_trigger_levels[] = { 1, 4, 8, 14 };

static bool uart_fifo_enabled(const struct uart16550 *u)
{
	return u->fcr & UART_FCR_ENABLE_FIFO;
}

/* The modem-status pins as the chip sees them.  In loopback the outputs are
 * wired back internally: RTS→CTS, DTR→DSR, OUT1→RI, OUT2→DCD (datasheet,
 * MCR bit 4). */
static u8 uart_msr_status(const struct uart16550 *u)
{
	u8 s = 0;

	if (!(u->mcr & UART_MCR_LOOP))
		return u->msr_inputs & UART_MSR_STATUS;
	if (u->mcr & UART_MCR_RTS)
		s |= UART_MSR_CTS;
	if (u->mcr & UART_MCR_DTR)
		s |= UART_MSR_DSR;
	if (u->mcr & UART_MCR_OUT1)
		s |= UART_MSR_RI;
	if (u->mcr & UART_MCR_OUT2)
		s |= UART_MSR_DCD;
	return s;
}

/* Refresh MSR's status bits and latch a delta for every change; RI latches
 * only on its trailing (asserted → deasserted) edge. */
static void uart_update_msr(struct uart16550 *u)
{
	u8 old = u->msr & UART_MSR_STATUS;
	u8 new = uart_msr_status(u);
	u8 changed = old ^ new;
	u8 deltas = u->msr & UART_MSR_DELTAS;

	if (changed & UART_MSR_CTS)
		deltas |= UART_MSR_DCTS;
	if (changed & UART_MSR_DSR)
		deltas |= UART_MSR_DDSR;
	if ((old & UART_MSR_RI) && !(new & UART_MSR_RI))
		deltas |= UART_MSR_TERI;
	if (changed & UART_MSR_DCD)
		deltas |= UART_MSR_DDCD;
	u->msr = new | deltas;
}

static void uart_clear_rx(struct uart16550 *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
}

void uart16550_init(struct uart16550 *u, void (*tx)(void *ctx, u8 byte),
		    void *ctx)
{
	memset(u, 0, sizeof(*u));
	u->tx = tx;
	u->tx_ctx = ctx;
	u->dll = UART16550_RESET_DIVISOR & BYTE_MASK;
	u->dlm = UART16550_RESET_DIVISOR >> BYTE_BITS;
	/*
	 * MSR bits 7:4 follow the input pins.  The "cable" is the hypervisor's
	 * console, always ready, so CTS, DSR and DCD read asserted (what a
	 * connected null-modem terminal shows); RI is idle.
	 */
	u->msr_inputs = UART_MSR_RESET;
	u->msr = UART_MSR_RESET;
}

bool uart16550_receive(struct uart16550 *u, u8 byte)
{
	unsigned int cap = uart_fifo_enabled(u) ? UART16550_FIFO_SIZE : 1;

	if (u->rx_count < cap) {
		u->rx_fifo[(u->rx_head + u->rx_count) % UART16550_FIFO_SIZE] =
			byte;
		u->rx_count++;
		return true;
	}

	/*
	 * Overrun.  With FIFOs the character in the shift register is
	 * overwritten and the FIFO keeps its contents; in 16450 mode the new
	 * character overwrites the unread one in RBR.
	 */
	u->lsr_errors |= UART_LSR_OE;
	u->rx_overruns++;
	if (!uart_fifo_enabled(u))
		u->rx_fifo[u->rx_head] = byte;
	return false;
}

/* Interrupt identification by the datasheet's priority order; no side
 * effects.  Returns UART_IIR_NO_INT when nothing enabled is pending. */
static u8 uart_iir_id(const struct uart16550 *u)
{
	if ((u->ier & UART_IER_RLSI) && u->lsr_errors)
		return UART_IIR_RLSI;
	if ((u->ier & UART_IER_RDI) && u->rx_count) {
		unsigned int trigger = uart_rx_trigger_levels
			[(u->fcr & UART_FCR_TRIGGER_MASK) >>
			 UART_FCR_TRIGGER_SHIFT];

		/*
		 * Below the trigger level the chip reports a character
		 * timeout once no character has moved for four character
		 * times.  There is no time here, and a guest reading IIR is
		 * not draining the FIFO, so treat the timeout as expired.
		 */
		if (uart_fifo_enabled(u) && u->rx_count < trigger)
			return UART_IIR_RX_TIMEOUT;
		return UART_IIR_RDI;
	}
	if ((u->ier & UART_IER_THRI) && u->thr_ipending)
		return UART_IIR_THRI;
	if ((u->ier & UART_IER_MSI) && (u->msr & UART_MSR_DELTAS))
		return UART_IIR_MSI;
	return UART_IIR_NO_INT;
}

bool uart16550_intr(const struct uart16550 *u)
{
	return uart_iir_id(u) != UART_IIR_NO_INT;
}

static void uart_write_thr(struct uart16550 *u, u8 byte)
{
	if (u->mcr & UART_MCR_LOOP) {
		/* Loopback: the transmitter output is wired to the receiver
		 * input and the serial output pin is held marking. */
		uart16550_receive(u, byte);
	} else {
		u->tx_bytes++;
		if (u->tx)
			u->tx(u->tx_ctx, byte);
	}
	/*
	 * Writing THR clears a pending THRE interrupt, but the byte has left
	 * THR before the guest can look again, so THR is empty and the
	 * interrupt condition is raised anew (as on the chip once the byte
	 * moves to the transmit shift register).
	 */
	u->thr_ipending = true;
}

static void uart_write_fcr(struct uart16550 *u, u8 value)
{
	/* Enabling or disabling the FIFOs empties them. */
	if ((value ^ u->fcr) & UART_FCR_ENABLE_FIFO)
		uart_clear_rx(u);
	/* The other FCR bits are only programmed while FCR0 is written 1. */
	if (!(value & UART_FCR_ENABLE_FIFO)) {
		u->fcr = 0;
		return;
	}
	if (value & UART_FCR_CLEAR_RCVR)
		uart_clear_rx(u);
	/* The transmit FIFO is always empty: UART_FCR_CLEAR_XMIT is a no-op. */
	u->fcr = value & (UART_FCR_ENABLE_FIFO | UART_FCR_DMA_SELECT |
			  UART_FCR_TRIGGER_MASK);
}

void uart16550_write_reg(struct uart16550 *u, unsigned int offset, u8 value)
{
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (offset) {
	case UART_TX:
		if (dlab)
			u->dll = value;
		else
			uart_write_thr(u, value);
		break;
	case UART_IER:
		if (dlab) {
			u->dlm = value;
		} else {
			u8 old = u->ier;

			u->ier = value & UART_IER_MASK;
			/* THR is always empty, so enabling the THRE interrupt
			 * raises it at once, as the chip does (drivers probe
			 * for exactly this). */
			if ((u->ier & ~old) & UART_IER_THRI)
				u->thr_ipending = true;
		}
		break;
	case UART_FCR:
		uart_write_fcr(u, value);
		break;
	case UART_LCR:
		u->lcr = value;
		break;
	case UART_MCR:
		u->mcr = value & UART_MCR_MASK;
		uart_update_msr(u);
		break;
	case UART_LSR:
		/* Writable only for factory test; ignore. */
		break;
	case UART_MSR:
		/* Status comes from the pins; writes have no effect. */
		break;
	case UART_SCR:
		u->scr = value;
		break;
	}
}

static u8 uart_read_rbr(struct uart16550 *u)
{
	if (u->rx_count) {
		u->rbr = u->rx_fifo[u->rx_head];
		u->rx_head = (u->rx_head + 1) % UART16550_FIFO_SIZE;
		u->rx_count--;
	}
	/* An empty receiver leaves the previous character in RBR. */
	return u->rbr;
}

static u8 uart_read_iir(struct uart16550 *u)
{
	u8 id = uart_iir_id(u);

	/* Reading IIR clears a THRE interrupt if it is the one reported. */
	if (id == UART_IIR_THRI)
		u->thr_ipending = false;
	if (uart_fifo_enabled(u))
		id |= UART_IIR_FIFO_ENABLED;
	return id;
}

static u8 uart_read_lsr(struct uart16550 *u)
{
	u8 lsr = UART_LSR_THRE | UART_LSR_TEMT | u->lsr_errors;

	if (u->rx_count)
		lsr |= UART_LSR_DR;
	/* Error bits report once and clear on read.  No received character
	 * ever carries a parity/framing/break error, so UART_LSR_FIFOE stays
	 * clear. */
	u->lsr_errors = 0;
	return lsr;
}

static u8 uart_read_msr(struct uart16550 *u)
{
	u8 msr = u->msr;

	u->msr &= ~UART_MSR_DELTAS;
	return msr;
}

u8 uart16550_read_reg(struct uart16550 *u, unsigned int offset)
{
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (offset) {
	case UART_RX:
		return dlab ? u->dll : uart_read_rbr(u);
	case UART_IER:
		return dlab ? u->dlm : u->ier;
	case UART_IIR:
		return uart_read_iir(u);
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		return uart_read_lsr(u);
	case UART_MSR:
		return uart_read_msr(u);
	case UART_SCR:
		return u->scr;
	default:
		return BYTE_MASK;
	}
}

static u64 uart16550_bus_read(void *opaque, u64 offset, unsigned size)
{
	struct uart16550 *u = opaque;
	u64 val = 0;
	unsigned int i;

	for (i = 0; i < size; i++) {
		u64 off = offset + i;
		u8 byte = off < UART16550_NR_PORTS ?
			  uart16550_read_reg(u, off) : BYTE_MASK;

		val |= (u64)byte << (i * BYTE_BITS);
	}
	return val;
}

static void uart16550_bus_write(void *opaque, u64 offset, unsigned size,
				u64 value)
{
	struct uart16550 *u = opaque;
	unsigned int i;

	for (i = 0; i < size; i++) {
		u64 off = offset + i;

		if (off < UART16550_NR_PORTS)
			uart16550_write_reg(u, off,
					    (value >> (i * BYTE_BITS)) &
					    BYTE_MASK);
	}
}

const struct io_device_ops uart16550_ops = {
	.read = uart16550_bus_read,
	.write = uart16550_bus_write,
};
