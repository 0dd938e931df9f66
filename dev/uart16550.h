/* SPDX-License-Identifier: MIT */
/*
 * 16550A UART register model (National Semiconductor PC16550D datasheet).
 *
 * Eight consecutive ports.  Transmission is instantaneous: a THR write hands
 * the byte to the console callback at once, so THR and the transmitter are
 * always empty and a guest polling LSR for THRE never waits.  Reception goes
 * through a 16-byte RX FIFO (one holding register in 16450 mode) filled by
 * uart16550_receive().  Interrupt identification follows the datasheet's
 * priorities; there is no interrupt line yet, but uart16550_intr() tells what
 * the chip's INTR output would be.
 */
#ifndef TVX_DEV_UART16550_H
#define TVX_DEV_UART16550_H

#include "dev/bus.h"

#define UART16550_NR_PORTS 8
#define UART16550_FIFO_SIZE 16
#define COM1_BASE 0x3f8

/* Register offsets from the base port. */
#define UART_RX		0	/* RBR, read, DLAB = 0 */
#define UART_TX		0	/* THR, write, DLAB = 0 */
#define UART_DLL	0	/* divisor latch LSB, DLAB = 1 */
#define UART_IER	1	/* DLAB = 0 */
#define UART_DLM	1	/* divisor latch MSB, DLAB = 1 */
#define UART_IIR	2	/* read */
#define UART_FCR	2	/* write */
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7

/* Interrupt Enable Register: only the low four bits exist on a 16550A. */
#define UART_IER_RDI	BIT(0)	/* received data available */
#define UART_IER_THRI	BIT(1)	/* transmitter holding register empty */
#define UART_IER_RLSI	BIT(2)	/* receiver line status */
#define UART_IER_MSI	BIT(3)	/* modem status */
#define UART_IER_MASK	(UART_IER_RDI | UART_IER_THRI | UART_IER_RLSI | \
			 UART_IER_MSI)

/* Interrupt Identification Register. */
#define UART_IIR_NO_INT		BIT(0)	/* no interrupt pending */
#define UART_IIR_ID_MASK	0x0e
#define UART_IIR_MSI		0x00	/* modem status */
#define UART_IIR_THRI		0x02	/* THR empty */
#define UART_IIR_RDI		0x04	/* received data available */
#define UART_IIR_RLSI		0x06	/* receiver line status */
#define UART_IIR_RX_TIMEOUT	0x0c	/* character timeout (FIFO mode) */
#define UART_IIR_FIFO_ENABLED	(BIT(7) | BIT(6))

/* FIFO Control Register. */
#define UART_FCR_ENABLE_FIFO	BIT(0)
#define UART_FCR_CLEAR_RCVR	BIT(1)	/* self-clearing */
#define UART_FCR_CLEAR_XMIT	BIT(2)	/* self-clearing */
#define UART_FCR_DMA_SELECT	BIT(3)
#define UART_FCR_TRIGGER_SHIFT	6
#define UART_FCR_TRIGGER_MASK	(BIT(7) | BIT(6))

/* Line Control Register. */
#define UART_LCR_DLAB		BIT(7)	/* divisor latch access */

/* Modem Control Register: bits 7:5 are always 0 on a 16550A. */
#define UART_MCR_DTR	BIT(0)
#define UART_MCR_RTS	BIT(1)
#define UART_MCR_OUT1	BIT(2)
#define UART_MCR_OUT2	BIT(3)
#define UART_MCR_LOOP	BIT(4)
#define UART_MCR_MASK	(UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT1 | \
			 UART_MCR_OUT2 | UART_MCR_LOOP)

/* Line Status Register. */
#define UART_LSR_DR	BIT(0)	/* data ready */
#define UART_LSR_OE	BIT(1)	/* overrun error */
#define UART_LSR_PE	BIT(2)	/* parity error */
#define UART_LSR_FE	BIT(3)	/* framing error */
#define UART_LSR_BI	BIT(4)	/* break interrupt */
#define UART_LSR_THRE	BIT(5)	/* THR empty */
#define UART_LSR_TEMT	BIT(6)	/* transmitter empty */
#define UART_LSR_FIFOE	BIT(7)	/* error in RX FIFO */
#define UART_LSR_ERRORS	(UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | \
			 UART_LSR_BI)

/* Modem Status Register. */
#define UART_MSR_DCTS	BIT(0)	/* delta CTS */
#define UART_MSR_DDSR	BIT(1)	/* delta DSR */
#define UART_MSR_TERI	BIT(2)	/* trailing edge of RI */
#define UART_MSR_DDCD	BIT(3)	/* delta DCD */
#define UART_MSR_CTS	BIT(4)
#define UART_MSR_DSR	BIT(5)
#define UART_MSR_RI	BIT(6)
#define UART_MSR_DCD	BIT(7)
#define UART_MSR_DELTAS	(UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_TERI | \
			 UART_MSR_DDCD)
#define UART_MSR_STATUS	(UART_MSR_CTS | UART_MSR_DSR | UART_MSR_RI | \
			 UART_MSR_DCD)

/* Reset values (datasheet, "Reset" table); MSR: see uart16550.c. */
#define UART_IIR_RESET	UART_IIR_NO_INT
#define UART_LSR_RESET	(UART_LSR_THRE | UART_LSR_TEMT)
#define UART_MSR_RESET	(UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD)

struct uart16550 {
	u8 ier, lcr, mcr, scr;
	u8 fcr;			/* as written, minus self-clearing bits */
	u8 dll, dlm;
	u8 lsr_errors;		/* sticky error bits; reading LSR clears */
	u8 msr;			/* status bits and latched deltas */
	u8 msr_inputs;		/* modem input pins when not in loopback */
	u8 rbr;			/* last byte read from RBR */
	bool thr_ipending;	/* THRE interrupt condition latched */

	u8 rx_fifo[UART16550_FIFO_SIZE];
	unsigned int rx_head, rx_count;

	void (*tx)(void *ctx, u8 byte);	/* console; NULL drops output */
	void *tx_ctx;
	u64 tx_bytes;		/* bytes sent to @tx */
	u64 rx_overruns;	/* received bytes lost to overrun */
};

/* Power-on reset; @tx receives every byte the guest transmits. */
void uart16550_init(struct uart16550 *u, void (*tx)(void *ctx, u8 byte),
		    void *ctx);

/*
 * A byte arrives on the serial line (or from loopback).  Returns false on
 * overrun: in FIFO mode the new byte is lost, in 16450 mode it replaces the
 * unread one; either way LSR.OE is set.
 */
bool uart16550_receive(struct uart16550 *u, u8 byte);

/* One register access at @offset (0 … 7), with the datasheet's side effects. */
u8 uart16550_read_reg(struct uart16550 *u, unsigned int offset);
void uart16550_write_reg(struct uart16550 *u, unsigned int offset, u8 value);

/* The chip's INTR output: some enabled interrupt is pending.  On a PC the
 * board gates it with MCR.OUT2 before it reaches the PIC. */
bool uart16550_intr(const struct uart16550 *u);

/*
 * Bus glue; the opaque is the struct uart16550.  Wider accesses are split per
 * byte as an ISA bridge does for an 8-bit device, low byte first; bytes past
 * the eighth port read as all-ones and are dropped on writes.
 */
extern const struct io_device_ops uart16550_ops;

#endif
