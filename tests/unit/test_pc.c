/* SPDX-License-Identifier: MIT */
/* Unit tests of the minimal PC: debug-exit, shutdown port, wiring, counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dev/pc.h"

struct console {
	char text[64];
	unsigned int n;
};

static void console_tx(void *ctx, u8 byte)
{
	struct console *c = ctx;

	assert_true(c->n < sizeof(c->text) - 1);
	c->text[c->n++] = (char)byte;
}

struct fixture {
	struct pc_machine pc;
	struct console con;
};

static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	pc_machine_init(&f.pc, console_tx, &f.con);
	*state = &f;
	return 0;
}

static int out(struct pc_machine *pc, u16 port, unsigned size, u32 v)
{
	return pc_pio(pc, port, size, true, &v);
}

static void out_string(struct pc_machine *pc, u16 port, const char *s)
{
	while (*s)
		assert_int_equal(out(pc, port, 1, (u8)*s++), 0);
}

static void test_debug_exit_sizes(void **state)
{
	static const struct {
		unsigned int size;
		u32 value;
		u32 code;
	} cases[] = {
		{ 1, 0x1234ab, 0xab },	/* only the low byte is written */
		{ 2, 0x1234ab, 0x34ab },
		{ 4, 0x80000010, 0x80000010 },
		{ 1, 0, 0 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct fixture *f;

		setup(state);
		f = *state;
		assert_true(machine_running(&f->pc.ev));
		assert_int_equal(out(&f->pc, DEBUG_EXIT_PORT, cases[i].size,
				     cases[i].value), 0);
		assert_int_equal(f->pc.ev.state, MACHINE_DEBUG_EXIT);
		assert_true(f->pc.ev.code == cases[i].code);
		assert_non_null(f->pc.ev.source);
	}
	assert_int_equal(debug_exit_status(0), 1);
	assert_int_equal(debug_exit_status(0x10), 0x21);
}

static void test_debug_exit_read_and_first_wins(void **state)
{
	struct fixture *f = *state;
	u32 v = 0x5a5a;

	/* Reads are handled (0) and do not end the machine. */
	assert_int_equal(pc_pio(&f->pc, DEBUG_EXIT_PORT, 1, false, &v), 0);
	assert_int_equal(v, 0);
	assert_true(machine_running(&f->pc.ev));

	assert_int_equal(out(&f->pc, DEBUG_EXIT_PORT, 1, 3), 0);
	/* A later request does not overwrite the first. */
	assert_int_equal(out(&f->pc, DEBUG_EXIT_PORT, 1, 7), 0);
	out_string(&f->pc, SHUTDOWN_PORT, "Shutdown");
	assert_int_equal(f->pc.ev.state, MACHINE_DEBUG_EXIT);
	assert_int_equal(f->pc.ev.code, 3);
}

static void test_shutdown_matches(void **state)
{
	struct fixture *f = *state;

	out_string(&f->pc, SHUTDOWN_PORT, "Shutdow");
	assert_true(machine_running(&f->pc.ev));
	out_string(&f->pc, SHUTDOWN_PORT, "n");
	assert_int_equal(f->pc.ev.state, MACHINE_POWER_OFF);
	assert_string_equal(f->pc.ev.source, "port 0x8900");
}

static void test_shutdown_wrong_byte(void **state)
{
	struct fixture *f = *state;

	out_string(&f->pc, SHUTDOWN_PORT, "ShutXdown");
	assert_true(machine_running(&f->pc.ev));
	/* Case matters. */
	out_string(&f->pc, SHUTDOWN_PORT, "shutdown");
	assert_true(machine_running(&f->pc.ev));
	out_string(&f->pc, SHUTDOWN_PORT, "SHUTDOWN");
	assert_true(machine_running(&f->pc.ev));
}

static void test_shutdown_restart_on_s(void **state)
{
	struct fixture *f = *state;

	out_string(&f->pc, SHUTDOWN_PORT, "SShutdown");
	assert_int_equal(f->pc.ev.state, MACHINE_POWER_OFF);

	/* An 'S' in the middle restarts the match too. */
	setup(state);
	f = *state;
	out_string(&f->pc, SHUTDOWN_PORT, "ShutSShutdown");
	assert_int_equal(f->pc.ev.state, MACHINE_POWER_OFF);
}

static void test_shutdown_interleaved(void **state)
{
	struct fixture *f = *state;
	const char *s = "Shutdown";
	u32 v;

	/* Other ports between the bytes do not disturb the matcher. */
	while (*s) {
		assert_int_equal(out(&f->pc, SHUTDOWN_PORT, 1, (u8)*s++), 0);
		assert_int_equal(out(&f->pc, COM1_BASE, 1, '.'), 0);
		assert_int_equal(out(&f->pc, 0x80, 1, 0),
				 IO_BUS_UNASSIGNED);
		assert_int_equal(pc_pio(&f->pc, COM1_BASE + UART_LSR, 1,
					false, &v), 0);
	}
	assert_int_equal(f->pc.ev.state, MACHINE_POWER_OFF);
	assert_int_equal(f->con.n, 8);
}

static void test_shutdown_direct(void **state)
{
	struct machine_event ev;
	struct shutdown_port s;
	const char *p;

	machine_event_init(&ev);
	shutdown_port_init(&s, &ev);
	for (p = "Shutdow"; *p; p++)
		assert_false(shutdown_port_feed(&s, (u8)*p));
	assert_true(shutdown_port_feed(&s, 'n'));
	assert_int_equal(ev.state, MACHINE_POWER_OFF);
	/* The matcher rearms; reads are all-ones. */
	assert_int_equal(s.matched, 0);
	assert_true(shutdown_port_ops.read(&s, 0, 1) == 0xff);
}

static void test_hello_reaches_console(void **state)
{
	struct fixture *f = *state;

	out_string(&f->pc, COM1_BASE, "hello");
	assert_int_equal(f->con.n, 5);
	assert_memory_equal(f->con.text, "hello", 5);
	assert_true(machine_running(&f->pc.ev));
	assert_true(f->pc.pio.stats.handled == 5);
}

static void test_com1_registers_via_pio(void **state)
{
	struct fixture *f = *state;
	u32 v = 0;

	assert_int_equal(pc_pio(&f->pc, COM1_BASE + UART_LSR, 1, false, &v), 0);
	assert_int_equal(v, UART_LSR_THRE | UART_LSR_TEMT);
	assert_int_equal(out(&f->pc, COM1_BASE + UART_SCR, 1, 0x42), 0);
	assert_int_equal(pc_pio(&f->pc, COM1_BASE + UART_SCR, 1, false, &v), 0);
	assert_int_equal(v, 0x42);
	/* COM2 is not there. */
	assert_int_equal(pc_pio(&f->pc, 0x2f8 + UART_SCR, 1, false, &v),
			 IO_BUS_UNASSIGNED);
	assert_int_equal(v, 0xff);
}

static void test_unassigned_port_0x80(void **state)
{
	struct fixture *f = *state;
	u32 v;

	v = 0;
	assert_int_equal(pc_pio(&f->pc, 0x80, 1, false, &v), IO_BUS_UNASSIGNED);
	assert_int_equal(v, 0xff);
	v = 0;
	assert_int_equal(pc_pio(&f->pc, 0x80, 2, false, &v), IO_BUS_UNASSIGNED);
	assert_int_equal(v, 0xffff);
	v = 0;
	assert_int_equal(pc_pio(&f->pc, 0x80, 4, false, &v), IO_BUS_UNASSIGNED);
	assert_true(v == 0xffffffffu);
	assert_int_equal(out(&f->pc, 0x80, 1, 0x12), IO_BUS_UNASSIGNED);
	assert_int_equal(out(&f->pc, 0x80, 4, 0x12), IO_BUS_UNASSIGNED);

	assert_true(f->pc.pio.stats.unassigned_reads == 3);
	assert_true(f->pc.pio.stats.unassigned_writes == 2);
	assert_true(f->pc.pio.stats.handled == 0);
	assert_true(machine_running(&f->pc.ev));
	assert_int_equal(f->con.n, 0);
}

static void test_pio_bad_sizes(void **state)
{
	struct fixture *f = *state;
	u32 v = 0x77;

	assert_int_equal(pc_pio(&f->pc, 0x80, 8, false, &v), -EINVAL);
	assert_int_equal(pc_pio(&f->pc, 0x80, 3, false, &v), -EINVAL);
	assert_int_equal(pc_pio(&f->pc, DEBUG_EXIT_PORT, 8, true, &v),
			 -EINVAL);
	assert_int_equal(v, 0x77);
	assert_true(machine_running(&f->pc.ev));
}

static void test_mmio_unassigned(void **state)
{
	struct fixture *f = *state;
	u64 v = 0;

	assert_int_equal(pc_mmio(&f->pc, 0xfee00000, 4, false, &v),
			 IO_BUS_UNASSIGNED);
	assert_true(v == 0xffffffffull);
	assert_int_equal(pc_mmio(&f->pc, 0xfec00000, 8, false, &v),
			 IO_BUS_UNASSIGNED);
	assert_true(v == ~0ull);
	v = 1;
	assert_int_equal(pc_mmio(&f->pc, 0xb8000, 2, true, &v),
			 IO_BUS_UNASSIGNED);
	assert_int_equal(pc_mmio(&f->pc, 0xb8000, 16, true, &v), -EINVAL);
	assert_true(f->pc.mmio.stats.unassigned_reads == 2);
	assert_true(f->pc.mmio.stats.unassigned_writes == 1);
	/* The port counters are separate. */
	assert_true(f->pc.pio.stats.unassigned_reads == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_debug_exit_sizes, setup),
		cmocka_unit_test_setup(test_debug_exit_read_and_first_wins,
				       setup),
		cmocka_unit_test_setup(test_shutdown_matches, setup),
		cmocka_unit_test_setup(test_shutdown_wrong_byte, setup),
		cmocka_unit_test_setup(test_shutdown_restart_on_s, setup),
		cmocka_unit_test_setup(test_shutdown_interleaved, setup),
		cmocka_unit_test(test_shutdown_direct),
		cmocka_unit_test_setup(test_hello_reaches_console, setup),
		cmocka_unit_test_setup(test_com1_registers_via_pio, setup),
		cmocka_unit_test_setup(test_unassigned_port_0x80, setup),
		cmocka_unit_test_setup(test_pio_bad_sizes, setup),
		cmocka_unit_test_setup(test_mmio_unassigned, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
