/* SPDX-License-Identifier: MIT */
/* The minimal PC: wiring of the devices onto the buses. */
#include "dev/pc.h"

void pc_machine_init(struct pc_machine *pc,
		     void (*console_tx)(void *ctx, u8 byte), void *ctx)
{
	io_bus_init(&pc->pio, "pio");
	io_bus_init(&pc->mmio, "mmio");
	machine_event_init(&pc->ev);

	uart16550_init(&pc->com1, console_tx, ctx);
	debug_exit_init(&pc->debug_exit, &pc->ev);
	shutdown_port_init(&pc->shutdown, &pc->ev);

	/*
	 * Fixed, disjoint ranges on an empty bus: registration cannot fail,
	 * and the unit tests exercise every device through the bus.
	 */
	(void)io_bus_register(&pc->pio, DEBUG_EXIT_PORT, DEBUG_EXIT_LEN,
			      &debug_exit_ops, &pc->debug_exit,
			      "isa-debug-exit");
	(void)io_bus_register(&pc->pio, COM1_BASE, UART16550_NR_PORTS,
			      &uart16550_ops, &pc->com1, "com1");
	(void)io_bus_register(&pc->pio, SHUTDOWN_PORT, SHUTDOWN_PORT_LEN,
			      &shutdown_port_ops, &pc->shutdown,
			      "shutdown-port");
}

int pc_mmio(struct pc_machine *pc, u64 gpa, unsigned size, bool is_write,
	    u64 *val)
{
	if (is_write)
		return io_bus_write(&pc->mmio, gpa, size, *val);
	return io_bus_read(&pc->mmio, gpa, size, val);
}
