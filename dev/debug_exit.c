/* SPDX-License-Identifier: MIT */
/*
 * isa-debug-exit.  The device decodes one port, but the bus delivers a wider
 * access whose first byte is that port to it whole, so `outw`/`outl` to 0xf4
 * carry a 16- or 32-bit code exactly as under QEMU.
 */
#include "dev/debug_exit.h"

static const char debug_exit_source[] = "isa-debug-exit (port 0xf4)";

void debug_exit_init(struct debug_exit *d, struct machine_event *ev)
{
	d->ev = ev;
}

/*
 * The port is write-only.  QEMU's device returns 0 on reads; we do the same
 * rather than all-ones so that the port still looks decoded to a probing
 * guest and behaves identically under both emulators.  Nothing known reads
 * it, so the choice only matters for consistency.
 */
static u64 debug_exit_read(void *opaque, u64 offset, unsigned size)
{
	return 0;
}

static void debug_exit_write(void *opaque, u64 offset, unsigned size, u64 value)
{
	struct debug_exit *d = opaque;

	/* The bus already masked @value to the access size; an 8-byte access
	 * cannot reach a port, so the low 32 bits are the whole code. */
	machine_event_request(d->ev, MACHINE_DEBUG_EXIT, (u32)value,
			      debug_exit_source);
}

const struct io_device_ops debug_exit_ops = {
	.read = debug_exit_read,
	.write = debug_exit_write,
};
