/* SPDX-License-Identifier: MIT */
/* Unit tests of the PC: debug-exit, shutdown port, wiring, IRQ routing,
 * counts. */
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
	u64 tsc;
	struct kvm_lapic_irq delivered[8];
	unsigned int ndelivered;
	bool intr;
};

static void fixture_console_tx(void *ctx, u8 byte)
{
	struct fixture *f = ctx;

	console_tx(&f->con, byte);
}

static u64 fixture_read_tsc(void *ctx)
{
	return ((struct fixture *)ctx)->tsc;
}

static int fixture_deliver(void *ctx, const struct kvm_lapic_irq *irq)
{
	struct fixture *f = ctx;

	assert_true(f->ndelivered < ARRAY_SIZE(f->delivered));
	f->delivered[f->ndelivered++] = *irq;
	return 1;
}

static void fixture_pic_intr(void *ctx, bool level)
{
	((struct fixture *)ctx)->intr = level;
}

static int setup(void **state)
{
	static struct fixture f;
	struct pc_config cfg = {
		.ram_size = 128ull << 20,
		.nr_cpus = 1,
		.tsc_hz = 10000000,
		.console_tx = fixture_console_tx,
		.read_tsc = fixture_read_tsc,
		.deliver = fixture_deliver,
		.pic_intr = fixture_pic_intr,
		.ctx = &f,
	};

	memset(&f, 0, sizeof(f));
	pc_machine_init(&f.pc, &cfg);
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
	assert_int_equal(pc_mmio(&f->pc, 0xfed00000, 8, false, &v),
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

static u32 in(struct pc_machine *pc, u16 port, unsigned size)
{
	u32 v = 0;

	assert_int_equal(pc_pio(pc, port, size, false, &v), 0);
	return v;
}

/* fw_cfg answers at 0x510/0x511 with the QEMU signature and the RAM size. */
static void test_fw_cfg_wired(void **state)
{
	struct fixture *f = *state;
	char sig[5] = { 0 };
	u64 ram = 0;

	out(&f->pc, FW_CFG_IO_BASE, 2, 0x0000);		/* FW_CFG_SIGNATURE */
	for (int i = 0; i < 4; i++)
		sig[i] = (char)in(&f->pc, FW_CFG_IO_BASE + 1, 1);
	assert_string_equal(sig, "QEMU");
	out(&f->pc, FW_CFG_IO_BASE, 2, 0x0003);		/* FW_CFG_RAM_SIZE */
	for (int i = 0; i < 8; i++)
		ram |= (u64)in(&f->pc, FW_CFG_IO_BASE + 1, 1) << (8 * i);
	assert_true(ram == 128ull << 20);
}

/* pc-testdev IRQ 10 reaches IOAPIC pin 10 at its programmed vector. */
static void test_testdev_irq_reaches_ioapic(void **state)
{
	struct fixture *f = *state;
	u64 v;

	/* IOAPIC redirection entry 10: vector 0x5a, fixed, edge, unmasked */
	v = 0x10 + 2 * 10;
	assert_int_equal(pc_mmio(&f->pc, IOAPIC_DEFAULT_BASE_ADDRESS, 4, true, &v), 0);
	v = 0x5a;
	assert_int_equal(pc_mmio(&f->pc, IOAPIC_DEFAULT_BASE_ADDRESS + 0x10, 4, true, &v), 0);
	out(&f->pc, 0x2000 + 10, 1, 1);
	assert_int_equal(f->ndelivered, 1);
	assert_int_equal(f->delivered[0].vector, 0x5a);
	out(&f->pc, 0x2000 + 10, 1, 0);
	assert_int_equal(f->ndelivered, 1);
}

/* ISA IRQ 0 is IOAPIC pin 2 (the MADT override), not pin 0. */
static void test_irq0_is_ioapic_pin2(void **state)
{
	struct fixture *f = *state;
	u64 v;

	v = 0x10 + 2 * 2;
	pc_mmio(&f->pc, IOAPIC_DEFAULT_BASE_ADDRESS, 4, true, &v);
	v = 0x30;
	pc_mmio(&f->pc, IOAPIC_DEFAULT_BASE_ADDRESS + 0x10, 4, true, &v);
	pc_set_irq(&f->pc, 0, 1);
	assert_int_equal(f->ndelivered, 1);
	assert_int_equal(f->delivered[0].vector, 0x30);
}

/* A PIC that was initialised raises INTR for pc-testdev IRQ 3. */
static void test_testdev_irq_reaches_pic(void **state)
{
	struct fixture *f = *state;

	out(&f->pc, 0x20, 1, 0x11);	/* ICW1: edge, cascade, ICW4 */
	out(&f->pc, 0x21, 1, 0x20);	/* ICW2: vectors 0x20-0x27 */
	out(&f->pc, 0x21, 1, 0x04);	/* ICW3: slave on IR2 */
	out(&f->pc, 0x21, 1, 0x01);	/* ICW4: 8086 mode */
	out(&f->pc, 0x21, 1, 0xf7);	/* mask all but IRQ 3 */
	assert_false(f->intr);
	out(&f->pc, 0x2000 + 3, 1, 1);
	assert_true(f->intr);
	assert_int_equal(kvm_pic_read_irq(&f->pc.pic), 0x23);
}

/* The PM timer at 0x608 counts 3.579545 MHz from the guest TSC. */
static void test_pm_timer_wired(void **state)
{
	struct fixture *f = *state;

	f->tsc = 10000000;	/* one second at tsc_hz */
	assert_int_equal(in(&f->pc, PC_PM_BASE + 8, 4), 3579545 & 0xffffff);
}

/* Writing 6 to the reset control register ends the machine. */
static void test_reset_control(void **state)
{
	struct fixture *f = *state;

	out(&f->pc, PC_RESET_CONTROL_PORT, 1, 0x02);
	assert_true(machine_running(&f->pc.ev));
	out(&f->pc, PC_RESET_CONTROL_PORT, 1, 0x06);
	assert_int_equal(f->pc.ev.state, MACHINE_RESET);
}

/* PCI config reads with no devices return all ones; the address latches. */
static void test_pci_no_devices(void **state)
{
	struct fixture *f = *state;

	out(&f->pc, PCI_CONFIG_ADDRESS_PORT, 4, 0x80000000);
	assert_int_equal(in(&f->pc, PCI_CONFIG_ADDRESS_PORT, 4), 0x80000000);
	assert_int_equal(in(&f->pc, PCI_CONFIG_DATA_PORT, 4), 0xffffffff);
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
		cmocka_unit_test_setup(test_fw_cfg_wired, setup),
		cmocka_unit_test_setup(test_testdev_irq_reaches_ioapic, setup),
		cmocka_unit_test_setup(test_irq0_is_ioapic_pin2, setup),
		cmocka_unit_test_setup(test_testdev_irq_reaches_pic, setup),
		cmocka_unit_test_setup(test_pm_timer_wired, setup),
		cmocka_unit_test_setup(test_reset_control, setup),
		cmocka_unit_test_setup(test_pci_no_devices, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
