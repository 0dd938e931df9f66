/* SPDX-License-Identifier: MIT */
/* Unit tests of dev/uart16550.c against the 16550A datasheet behaviour. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dev/uart16550.h"

struct tx_log {
	u8 bytes[64];
	unsigned int n;
};

static void log_tx(void *ctx, u8 byte)
{
	struct tx_log *log = ctx;

	assert_true(log->n < sizeof(log->bytes));
	log->bytes[log->n++] = byte;
}

struct fixture {
	struct uart16550 u;
	struct tx_log log;
};

static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	uart16550_init(&f.u, log_tx, &f.log);
	*state = &f;
	return 0;
}

#define RD(off) uart16550_read_reg(u, (off))
#define WR(off, v) uart16550_write_reg(u, (off), (v))

static void test_reset_values(void **state)
{
	struct fixture *f = *state;
	struct uart16550 *u = &f->u;

	assert_int_equal(RD(UART_IER), 0);
	assert_int_equal(RD(UART_IIR), 0x01);
	assert_int_equal(RD(UART_LCR), 0);
	assert_int_equal(RD(UART_MCR), 0);
	assert_int_equal(RD(UART_LSR), 0x60);
	assert_int_equal(RD(UART_MSR), 0xb0);
	assert_int_equal(RD(UART_SCR), 0);
	assert_false(uart16550_intr(u));
	/* Divisor defaults to 9600 baud. */
	WR(UART_LCR, UART_LCR_DLAB);
	assert_int_equal(RD(UART_DLL), 12);
	assert_int_equal(RD(UART_DLM), 0);
}

static void test_lsr_ready_bits(void **state)
{
	struct fixture *f = *state;
	struct uart16550 *u = &f->u;
	unsigned int i;

	/* A polling guest always finds THR and the transmitter empty. */
	for (i = 0; i < 4; i++) {
		WR(UART_TX, 'x');
		assert_int_equal(RD(UART_LSR),
				 UART_LSR_THRE | UART_LSR_TEMT);
	}
	assert_true(uart16550_receive(u, 'r'));
	assert_int_equal(RD(UART_LSR),
			 UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_DR);
	/* Reading LSR does not consume data. */
	assert_int_equal(RD(UART_LSR) & UART_LSR_DR, UART_LSR_DR);
	assert_int_equal(RD(UART_RX), 'r');
	assert_int_equal(RD(UART_LSR) & UART_LSR_DR, 0);
	/* An empty receiver leaves the last character in RBR. */
	assert_int_equal(RD(UART_RX), 'r');
}

static void test_dlab_switching(void **state)
{
	struct fixture *f = *state;
	struct uart16550 *u = &f->u;

	WR(UART_IER, UART_IER_RDI);
	WR(UART_LCR, UART_LCR_DLAB | 0x03);
	assert_int_equal(RD(UART_LCR), UART_LCR_DLAB | 0x03);
	WR(UART_DLL, 0x01);
	WR(UART_DLM, 0x02);
	assert_int_equal(RD(UART_DLL), 0x01);
	assert_int_equal(RD(UART_DLM), 0x02);
	/* With DLAB set, offset 0 writes never reach the console. */
	assert_int_equal(f->log.n, 0);

	WR(UART_LCR, 0x03);
	/* Offsets 0/1 are THR/IER again; IER kept its value. */
	assert_int_equal(RD(UART_IER), UART_IER_RDI);
	WR(UART_TX, 'A');
	assert_int_equal(f->log.n, 1);
	assert_int_equal(f->log.bytes[0], 'A');
	WR(UART_IER, 0);

	WR(UART_LCR, UART_LCR_DLAB);
	assert_int_equal(RD(UART_DLL), 0x01);
	assert_int_equal(RD(UART_DLM), 0x02);
	/* IER writes did not leak into the latch and vice versa. */
	WR(UART_DLM, 0xff);
	WR(UART_LCR, 0);
	assert_int_equal(RD(UART_IER), 0);
}

static void test_scr(void **state)
{
	struct fixture *f = *state;
	struct uart16550 *u = &f->u;
	unsigned int v;

	for (v = 0; v <= 0xff; v += 0x55) {
		WR(UART_SCR, v);
		assert_int_equal(RD(UART_SCR), v);
	}
	WR(UART_SCR, 0xa5);
	WR(UART_LCR, UART_LCR_DLAB);
	assert_int_equal(RD(UART_SCR), 0xa5);
}

static void test_ier_mask(void **state)
{
	struct fixture *f = *state;
	struct uart16550 *u = &f->u;

	WR(UART_IER, 0xff);
	assert_int_equal(RD(UART_IER), 0x0f);
	WR(UART_IER, 0xf0);
	assert_int_equal(RD(UART_IER), 0);
}

static void test_thre_interrupt_sequence(void **state)
{
	struct fixture *f = *state;
	struct uart16550 *u = &f->u;

	assert_int_equal(RD(UART_IIR), UART_IIR_NO_INT);
	/* Enabling THRI with THR empty raises the interrupt at once … */
	WR(UART_IER, UART_IER_THRI);
	assert_true(uart16550_intr(u));
	assert_int_equal(RD(UART_IIR), UART_IIR_THRI);
	/* … and reading IIR, which reported it, clears it. */
	assert_int_equal(RD(UART_IIR), UART_IIR_NO_INT);
	assert_false(uart16550_intr(u));
	/* Rewriting IER without a 0→1 edge does not raise it again. */
	WR(UART_IER, UART_IER_THRI);
	assert_int_equal(RD(UART_IIR), UART_IIR_NO_INT);
	/* A THR write empties instantly, so THRE is pending again. */
	WR(UART_TX, 'a');
	assert_int_equal(RD(UART_IIR), UART_IIR_THRI);
	assert_int_equal(RD(UART_IIR), UART_IIR_NO_INT);
	/* Disabling masks a pending THRE; re-enabling raises it. */
	WR(UART_TX, 'b');
	WR(UART_IER, 0);
	assert_int_equal(RD(UART_IIR), UART_IIR_NO_INT);
	WR(UART_IER, UART_IER_THRI);
	assert_int_equal(RD(UART_IIR), UART_IIR_THRI);

	/* Priority: received data outranks THRE, and reading IIR while it
	 * reports RDI leaves THRE pending. */
	WR(UART_IER, 0);
	WR(UART_IER, UART_IER_THRI | UART_IER_RDI);
	uart16550_receive(u, 'z');
	assert_int_equal(RD(UART_IIR), UART_IIR_RDI);
	assert_int_equal(RD(UART_IIR), UART_IIR_RDI);
	assert_int_equal(RD(UART_RX), 'z');
	assert_int_equal(RD(UART_IIR), UART_IIR_THRI);
	assert_int_equal(RD(UART_IIR), UART_IIR_NO_INT);
}

static void test_line_status_and_modem_interrupts(void **state)
{
	struct fixture *f = *state;
	struct uart16550 *u = &f->u;

	WR(UART_IER, UART_IER_RLSI | UART_IER_RDI | UART_IER_MSI);
	assert_int_equal(RD(UART_IIR), UART_IIR_NO_INT);
	/* Overrun in 16450 mode: line status outranks data available. */
	uart16550_receive(u, 1);
	uart16550_receive(u, 2);
	assert_int_equal(RD(UART_IIR), UART_IIR_RLSI);
	assert_int_equal(RD(UART_LSR) & UART_LSR_OE, UART_LSR_OE);
	assert_int_equal(RD(UART_IIR), UART_IIR_RDI);
	RD(UART_RX);
	assert_int_equal(RD(UART_IIR), UART_IIR_NO_INT);
	/* A modem-status change (here via loopback) raises MSI until MSR is
	 * read. */
	WR(UART_MCR, UART_MCR_LOOP);
	assert_int_equal(RD(UART_IIR), UART_IIR_MSI);
	RD(UART_MSR);
	assert_int_equal(RD(UART_IIR), UART_IIR_NO_INT);
}

static void test_fcr_iir_fifo_bits(void **state)
{
	struct fixture *f = *state;
	struct uart16550 *u = &f->u;

	WR(UART_FCR, UART_FCR_ENABLE_FIFO);
	assert_int_equal(RD(UART_IIR), UART_IIR_FIFO_ENABLED | UART_IIR_NO_INT);
	WR(UART_FCR, 0);
	assert_int_equal(RD(UART_IIR), UART_IIR_NO_INT);
	/* Without FCR0 the other bits are not programmed. */
	WR(UART_FCR, UART_FCR_TRIGGER_MASK);
	assert_int_equal(RD(UART_IIR), UART_IIR_NO_INT);

	/* FIFO bits combine with the interrupt ID. */
	WR(UART_FCR, UART_FCR_ENABLE_FIFO);
	WR(UART_IER, UART_IER_THRI);
	assert_int_equal(RD(UART_IIR), UART_IIR_FIFO_ENABLED | UART_IIR_THRI);

	/* Clearing the receiver FIFO drops pending data. */
	uart16550_receive(u, 'q');
	WR(UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR);
	assert_int_equal(RD(UART_LSR) & UART_LSR_DR, 0);
	/* So does toggling FIFO mode. */
	uart16550_receive(u, 'q');
	WR(UART_FCR, 0);
	assert_int_equal(RD(UART_LSR) & UART_LSR_DR, 0);
}

static void test_rx_trigger_and_timeout(void **state)
{
	struct fixture *f = *state;
	struct uart16550 *u = &f->u;
	unsigned int i;

	/* Trigger level 4: below it the chip reports a character timeout. */
	WR(UART_FCR, UART_FCR_ENABLE_FIFO | (1 << UART_FCR_TRIGGER_SHIFT));
	WR(UART_IER, UART_IER_RDI);
	for (i = 0; i < 3; i++)
		uart16550_receive(u, i);
	assert_int_equal(RD(UART_IIR) & UART_IIR_ID_MASK, UART_IIR_RX_TIMEOUT);
	uart16550_receive(u, 3);
	assert_int_equal(RD(UART_IIR) & UART_IIR_ID_MASK, UART_IIR_RDI);
	for (i = 0; i < 4; i++)
		assert_int_equal(RD(UART_RX), i);
	assert_int_equal(RD(UART_IIR), UART_IIR_FIFO_ENABLED | UART_IIR_NO_INT);
}

static void test_loopback(void **state)
{
	struct fixture *f = *state;
	struct uart16550 *u = &f->u;

	/* Linux's 8250 probe: LOOP | OUT2 | RTS must read back DCD | CTS. */
	WR(UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_RTS);
	assert_int_equal(RD(UART_MCR), 0x1a);
	assert_int_equal(RD(UART_MSR) & UART_MSR_STATUS,
			 UART_MSR_DCD | UART_MSR_CTS);

	/* TX goes to RX, not to the console. */
	WR(UART_FCR, UART_FCR_ENABLE_FIFO);
	WR(UART_TX, 0x55);
	WR(UART_TX, 0xaa);
	assert_int_equal(f->log.n, 0);
	assert_int_equal(RD(UART_LSR) & (UART_LSR_DR | UART_LSR_OE),
			 UART_LSR_DR);
	assert_int_equal(RD(UART_RX), 0x55);
	assert_int_equal(RD(UART_RX), 0xaa);
	assert_int_equal(RD(UART_LSR) & UART_LSR_DR, 0);

	/* Each output mirrors onto its input. */
	WR(UART_MCR, UART_MCR_LOOP | UART_MCR_DTR | UART_MCR_OUT1);
	assert_int_equal(RD(UART_MSR),
			 UART_MSR_DSR | UART_MSR_RI | UART_MSR_DCTS |
			 UART_MSR_DDSR | UART_MSR_DDCD);
	/* Deltas cleared by the read. */
	assert_int_equal(RD(UART_MSR), UART_MSR_DSR | UART_MSR_RI);
	/* RI deasserting latches TERI; asserting did not. */
	WR(UART_MCR, UART_MCR_LOOP | UART_MCR_DTR);
	assert_int_equal(RD(UART_MSR), UART_MSR_DSR | UART_MSR_TERI);
	/* Upper MCR bits do not exist. */
	WR(UART_MCR, 0xe0 | UART_MCR_LOOP);
	assert_int_equal(RD(UART_MCR), UART_MCR_LOOP);

	/* Leaving loopback restores the pins and the console. */
	WR(UART_MCR, 0);
	assert_int_equal(RD(UART_MSR) & UART_MSR_STATUS, UART_MSR_RESET);
	WR(UART_TX, 'k');
	assert_int_equal(f->log.n, 1);
	assert_int_equal(f->log.bytes[0], 'k');
}

static void test_loopback_overrun_16450(void **state)
{
	struct fixture *f = *state;
	struct uart16550 *u = &f->u;

	WR(UART_MCR, UART_MCR_LOOP);
	WR(UART_TX, 0x11);
	WR(UART_TX, 0x22);
	assert_int_equal(RD(UART_LSR),
			 UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_DR |
			 UART_LSR_OE);
	/* OE reports once. */
	assert_int_equal(RD(UART_LSR) & UART_LSR_OE, 0);
	/* The new character replaced the unread one. */
	assert_int_equal(RD(UART_RX), 0x22);
	assert_int_equal(RD(UART_LSR) & UART_LSR_DR, 0);
}

static void test_rx_fifo_overrun(void **state)
{
	struct fixture *f = *state;
	struct uart16550 *u = &f->u;
	unsigned int i;

	WR(UART_FCR, UART_FCR_ENABLE_FIFO);
	for (i = 0; i < UART16550_FIFO_SIZE; i++)
		assert_true(uart16550_receive(u, 'a' + i));
	assert_int_equal(RD(UART_LSR) & UART_LSR_OE, 0);
	assert_false(uart16550_receive(u, '!'));
	assert_true(u->rx_overruns == 1);
	assert_int_equal(RD(UART_LSR) & (UART_LSR_OE | UART_LSR_DR),
			 UART_LSR_OE | UART_LSR_DR);
	/* The FIFO kept its contents, in order; the 17th byte is lost. */
	for (i = 0; i < UART16550_FIFO_SIZE; i++) {
		assert_int_equal(RD(UART_LSR) & UART_LSR_DR, UART_LSR_DR);
		assert_int_equal(RD(UART_RX), 'a' + i);
	}
	assert_int_equal(RD(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	/* Wrap-around of the ring. */
	for (i = 0; i < 5; i++)
		assert_true(uart16550_receive(u, i));
	for (i = 0; i < 5; i++)
		assert_int_equal(RD(UART_RX), i);
}

static void test_tx_exact_bytes(void **state)
{
	static const u8 msg[] = { 'h', 'i', 0x00, 0xff, '\n', 0x80 };
	struct fixture *f = *state;
	struct uart16550 *u = &f->u;
	unsigned int i;

	for (i = 0; i < sizeof(msg); i++)
		WR(UART_TX, msg[i]);
	/* Register traffic that is not THR sends nothing. */
	WR(UART_SCR, 'X');
	WR(UART_LCR, 0x03);
	WR(UART_FCR, UART_FCR_ENABLE_FIFO);
	RD(UART_RX);
	assert_int_equal(f->log.n, sizeof(msg));
	assert_memory_equal(f->log.bytes, msg, sizeof(msg));
	assert_true(u->tx_bytes == sizeof(msg));
}

static void test_bus_glue(void **state)
{
	struct fixture *f = *state;
	struct uart16550 *u = &f->u;
	u64 v;

	WR(UART_MCR, UART_MCR_DTR);
	/* A 16-bit read is two byte reads, low port first. */
	v = uart16550_ops.read(u, UART_MCR, 2);
	assert_true(v == (UART_MCR_DTR | (u64)(UART_LSR_THRE |
					       UART_LSR_TEMT) << 8));
	/* Bytes past the last register read as all-ones. */
	v = uart16550_ops.read(u, UART_SCR, 4);
	assert_true(v == 0xffffff00ull);
	/* A 16-bit write at offset 0 sends its low byte to THR and its high
	 * byte to IER. */
	uart16550_ops.write(u, UART_TX, 2, 0x0f41);
	assert_int_equal(f->log.n, 1);
	assert_int_equal(f->log.bytes[0], 'A');
	assert_int_equal(RD(UART_IER), 0x0f);
	/* Past the end: dropped. */
	uart16550_ops.write(u, UART_SCR, 2, 0x7766);
	assert_int_equal(RD(UART_SCR), 0x66);
	/* Offsets beyond the device entirely. */
	assert_true(uart16550_ops.read(u, 8, 1) == 0xff);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_values, setup),
		cmocka_unit_test_setup(test_lsr_ready_bits, setup),
		cmocka_unit_test_setup(test_dlab_switching, setup),
		cmocka_unit_test_setup(test_scr, setup),
		cmocka_unit_test_setup(test_ier_mask, setup),
		cmocka_unit_test_setup(test_thre_interrupt_sequence, setup),
		cmocka_unit_test_setup(test_line_status_and_modem_interrupts,
				       setup),
		cmocka_unit_test_setup(test_fcr_iir_fifo_bits, setup),
		cmocka_unit_test_setup(test_rx_trigger_and_timeout, setup),
		cmocka_unit_test_setup(test_loopback, setup),
		cmocka_unit_test_setup(test_loopback_overrun_16450, setup),
		cmocka_unit_test_setup(test_rx_fifo_overrun, setup),
		cmocka_unit_test_setup(test_tx_exact_bytes, setup),
		cmocka_unit_test_setup(test_bus_glue, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
