/* SPDX-License-Identifier: MIT */
/*
 * The minimal PC the guest sees behind the exit record: a port bus with COM1
 * (16550A at 0x3f8), QEMU's isa-debug-exit (0xf4) and the Bochs shutdown
 * port (0x8900), and an MMIO bus with nothing on it yet.  The run loop calls
 * pc_pio()/pc_mmio() for each I/O or MMIO exit, then checks ev.state.
 */
#ifndef TVX_DEV_PC_H
#define TVX_DEV_PC_H

#include "dev/bus.h"
#include "dev/debug_exit.h"
#include "dev/machine_event.h"
#include "dev/shutdown_port.h"
#include "dev/uart16550.h"

struct pc_machine {
	struct io_bus pio;	/* port space; unassigned counts in pio.stats */
	struct io_bus mmio;	/* guest-physical MMIO; counts in mmio.stats */
	struct uart16550 com1;
	struct debug_exit debug_exit;
	struct shutdown_port shutdown;
	struct machine_event ev;
};

/* Assemble the machine; COM1 output goes to @console_tx(@ctx, byte). */
void pc_machine_init(struct pc_machine *pc,
		     void (*console_tx)(void *ctx, u8 byte), void *ctx);

/*
 * Port I/O of @size 1, 2 or 4 bytes.  On a read *val receives the value
 * (all-ones of @size if unassigned); on a write the low @size bytes of *val
 * are written.  Returns 0, IO_BUS_UNASSIGNED or -EINVAL as io_bus_read/write.
 * Inline: every port exit of the guest comes through here.
 */
static __always_inline int pc_pio(struct pc_machine *pc, u16 port,
				  unsigned size, bool is_write, u32 *val)
{
	u64 v;
	int ret;

	/* IN/OUT move at most a doubleword (SDM Vol. 1, I/O Instructions). */
	if (unlikely(size > sizeof(u32)))
		return -EINVAL;
	if (is_write)
		return io_bus_write(&pc->pio, port, size, *val);
	ret = io_bus_read(&pc->pio, port, size, &v);
	if (ret >= 0)
		*val = (u32)v;
	return ret;
}

/* MMIO of @size 1, 2, 4 or 8 bytes at guest-physical @gpa; as pc_pio(). */
int pc_mmio(struct pc_machine *pc, u64 gpa, unsigned size, bool is_write,
	    u64 *val);

#endif
